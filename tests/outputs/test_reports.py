"""What every report promises its reader, checked on the pages of real (tiny) runs, in English and Dutch.

How a page looks in a browser is checked in ``test_reports_browser.py``; here: the words and numbers.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import html_is_balanced

from clusterpolicy.inputs.files import SHIPPED_SCENARIOS
from clusterpolicy.model.metrics import OUTCOMES
from clusterpolicy.model.params import declarations
from clusterpolicy.outputs import i18n

REPO = Path(__file__).resolve().parents[2]
REPORTS = ("compare", "crowding", "hypothesis", "additionality", "validate", "calibrate")
SCENARIO_NAMES = sorted(p.stem for p in SHIPPED_SCENARIOS.glob("*.toml"))


class _Visible(HTMLParser):
    """The text a reader sees without opening anything: no tags, attributes, styles or folded details."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = {"style": 0, "details": 0, "title": 0}
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.depth:
            self.depth[tag] += 1

    def handle_endtag(self, tag):
        if tag in self.depth:
            self.depth[tag] -= 1

    def handle_data(self, data):
        if not any(self.depth.values()):
            self.parts.append(data)


def visible(page: str) -> str:
    p = _Visible()
    p.feed(page)
    return " ".join(p.parts)


@pytest.fixture(scope="module", params=[(r, lang) for r in REPORTS for lang in i18n.LANGS], ids=str)
def page(request, reports) -> tuple[str, str, str]:
    name, lang = request.param
    return name, lang, reports.pages[name][lang].read_text(encoding="utf-8")


def test_every_report_is_one_balanced_page_in_its_language(page):
    name, lang, text = page
    assert html_is_balanced(text), name
    assert f'<html lang="{lang}">' in text
    assert "data:image/png;base64," in text and "http://" not in text and "https://" not in text
    assert 'id="how-to-read"' in text and 'id="answer"' in text and 'id="answer-figure"' in text
    assert text.index('id="how-to-read"') < text.index('id="answer"'), "how to read this comes first"


def test_what_a_reader_sees_names_no_raw_id(page):
    name, _, text = page
    seen = visible(text)
    for scenario in SCENARIO_NAMES:
        assert scenario not in seen, (name, scenario)
    keys = [s.key for s in declarations()]
    assert not [k for k in keys if k in seen], name
    ids = [n for n in OUTCOMES if "_" in n and re.search(rf"(?<![\w`]){n}(?![\w`])", seen)]
    assert ids == [], (name, ids)


def test_no_report_cites_a_file_outside_the_repository(page):
    name, _, text = page
    assert "POLICY.md" not in text
    for cited in set(re.findall(r"[\w./-]+\.md\b", visible(text))):
        assert (REPO / cited).is_file(), (name, cited)


def test_no_empty_interval_and_no_zero_width_plus_minus(page):
    name, _, text = page
    seen = visible(text)
    assert not re.search(r"[+-]?0(\.0+)?\s?\(\s?[+-]?0(\.0+)?\s(to|tot)\s[+-]?0(\.0+)?\s?\)", seen), name
    assert "± 0.0%" not in seen and "± 0,0%" not in seen and "-0.0 " not in seen, name


def test_intervals_never_break_across_lines(page):
    """An interval's words are joined by non-breaking spaces, or sit in a span that does not wrap."""
    name, lang, text = page
    word = i18n.text("to", lang)
    pattern = re.compile(rf"[\d%m)]\s+{word}\s+[-+€\d]")
    breaking = [m.group(0) for m in pattern.finditer(html.unescape(text)) if " " in m.group(0)]
    assert breaking == [], (name, breaking[:3])


def test_the_dutch_report_has_no_english_message_left(reports):
    for name in REPORTS:
        seen = visible(reports.pages[name]["nl"].read_text(encoding="utf-8"))
        for mid, entry in i18n.MESSAGES.items():
            en = entry["en"]
            if en != entry["nl"] and len(en) > 14 and "{" not in en:
                assert en not in seen, (name, mid)
        for english in ("the ", " and ", " with ", "Against", "outcome"):
            assert english not in seen, (name, english)


def test_compare_states_the_answer_in_a_sentence_per_scenario_in_points_for_shares(reports):
    comp = reports.results["compare"]
    text = reports.pages["compare"]["en"].read_text(encoding="utf-8")
    answer = visible(text[text.index('id="answer"') : text.index('id="answer-figure"')])
    for name in comp.names[1:]:
        assert i18n.scenario_label(name) in answer
    assert "headline outcomes differ clearly" in answer
    s = comp.summary.set_index(["scenario", "metric"])
    from clusterpolicy.analysis.comparison import is_clear

    row = s.loc[("no_cluster_policy", "sme_participation_rate")]
    if is_clear(row):  # a share's change is in points, never in % of a %
        assert re.search(rf"{re.escape(f'{100 * row["diff"]:+.2f}')}[ \u00a0]pts", answer), answer
    from clusterpolicy.outputs.compare import figure_groups

    relative, shares = figure_groups(comp.summary, comp.reference, list(OUTCOMES))
    assert {m for m in shares} == {m for m in OUTCOMES if OUTCOMES[m].unit == "share"} & set(
        s.index.levels[1]
    )
    assert not set(relative) & set(shares)


def test_compare_is_shorter_than_before(reports):
    text = reports.pages["compare"]["en"].read_text(encoding="utf-8")
    seen = visible(text)
    items = text[text.index('id="answer"') : text.index('id="answer-figure"')].count("<li>")
    assert items == 2, "one sentence per compared scenario, not a bullet per difference"
    assert "Differences that are clear at 95 %" not in seen


def test_the_crowding_out_page_answers_under_which_rule(reports):
    co = reports.results["crowding"]
    text = reports.pages["crowding"]["en"].read_text(encoding="utf-8")
    answer = visible(text[text.index('id="answer"') : text.index('id="answer-figure"')])
    for mode in co.results:
        assert i18n.choice(mode) in answer
        assert f'href="{mode}/report.html"' in text
    from clusterpolicy.outputs.hypothesis import crowding_rules

    every, some, no = crowding_rules(co)
    assert sorted([*every, *some, *no]) == sorted(co.results)
    if no:
        assert "Not clearly under" in answer


def test_the_additionality_summary_is_html_and_the_naive_number_gets_no_class(reports):
    text = reports.pages["additionality"]["en"].read_text(encoding="utf-8")
    assert "<pre>" not in text
    t = reports.results["additionality"].table.set_index("estimate")
    answer = visible(text[text.index('id="answer"') : text.index('id="answer-figure"')])
    assert "Each extra public euro adds" in answer
    assert (
        i18n.text("add_class_" + t.loc["counterfactual", "class"].replace(" ", "_").replace("-", "_"))
        in answer
    )
    naive_row = re.search(r"<tr><td[^>]*>naive: members.*?</tr>", text)
    assert naive_row and "biased by selection: no class" in naive_row.group(0)
    for klass in ("additional", "partial crowding-out", "full crowding-out"):
        assert f">{klass}<" not in naive_row.group(0)


def _answer(reports, name: str, lang: str = "en") -> str:
    text = reports.pages[name][lang].read_text(encoding="utf-8")
    return visible(text[text.index('id="answer"') : text.index('id="answer-figure"')])


def test_the_validation_answer_counts_the_targets_within_range_and_names_the_held_out_misses(reports):
    from clusterpolicy.outputs.validation import counts, target_label

    v = reports.results["validate"]
    c = counts(v)
    assert set(c) == {"fit", "held_out"}, "the tiny run reaches targets of both roles"
    t = v.table.set_index("id")
    by_id = {x.id: x for x in v.targets.targets}
    for lang in i18n.LANGS:
        seen = " ".join(_answer(reports, "validate", lang).split())
        fit = i18n.text("val_answer_fit", lang, k=c["fit"][0], n=c["fit"][1])
        held = i18n.text("val_answer_held", lang, k=c["held_out"][0], n=c["held_out"][1])
        assert fit in seen and held in seen, (lang, seen)
        misses = [i for i in t.index if by_id[i].role == "held_out" and not t.loc[i, "within"]]
        for i in misses:
            assert " ".join(target_label(by_id[i], lang).split()) in seen, (lang, i)
        hits = [i for i in t.index if by_id[i].role == "held_out" and t.loc[i, "within"]]
        for i in hits:
            assert target_label(by_id[i], lang) not in seen, (lang, i)
        assert not any(i in seen for i in t.index if "_" in i), "labels, not ids"
    page = reports.pages["validate"]["en"].read_text(encoding="utf-8")
    assert "Fitted (in-sample)" in page and "Held out (out-of-sample)" in page


def test_the_calibration_answer_counts_the_sets_and_targets_and_gives_the_chosen_values(reports):
    from clusterpolicy.analysis.calibration import chosen_row
    from clusterpolicy.outputs.format import param_label, param_value

    cal = reports.results["calibrate"]
    n, k = len(cal.points), len(cal.targets.targets)
    row = chosen_row(cal)
    assert cal.confirmed is not None
    for lang in i18n.LANGS:
        seen = " ".join(_answer(reports, "calibrate", lang).split())
        if cal.accepted:
            searched = i18n.text("cal_answer_searched", lang, n=n, a=cal.accepted)
        else:
            best = int(cal.points["n_within"].max())
            searched = i18n.text("cal_answer_none", lang, n=n, best=best, k=k)
        assert searched in seen, (lang, seen)
        r = int(cal.confirmed["runs"].iloc[0])
        assert i18n.text("cal_answer_confirmed", lang, m=int(row["n_within"]), k=k, r=r) in seen, seen
        for p in cal.spec.parameters:
            assert param_label(p.key, lang) in seen and param_value(p.key, cal.best[p.key], lang) in seen
            assert p.key not in seen
    page = reports.pages["calibrate"]["en"].read_text(encoding="utf-8")
    assert "calibrated.toml" in page and "ensemble.csv" in page, "the files are listed"
    assert (reports.pages["calibrate"]["en"].parent / "calibration_overview.png").is_file()


def test_the_terminal_summaries_follow_the_language(reports):
    from clusterpolicy.outputs.additionality import additionality_text
    from clusterpolicy.outputs.compare import headline_text
    from clusterpolicy.outputs.hypothesis import crowding_out_text

    assert "verschil met concept_note_2015" in headline_text(reports.results["compare"], "nl")
    assert "kortom:" in crowding_out_text(reports.results["crowding"], "nl")
    assert "tegenover het contrafeitelijke" in additionality_text(reports.results["additionality"], "nl")
    nl = headline_text(reports.results["compare"], "nl")
    assert re.search(r"\d\.\d{3},\d", nl) or re.search(r"\d,\d", nl), "Dutch numbers: 2.214,7"


def test_the_crowding_out_answer_says_when_individual_projects_fall_without_being_turned_away():
    from types import SimpleNamespace

    import pandas as pd

    from clusterpolicy.outputs.hypothesis import _displaced_rules

    def rule(fall, turned):
        rows = [("projects_individual_funded_total", v) for v in fall]
        rows += [("proposals_crowded_out_total", v) for v in turned]
        return SimpleNamespace(verdicts=pd.DataFrame(rows, columns=["outcome", "verdict"]))

    co = SimpleNamespace(
        results={
            "reserve": rule(["supported"] * 3, ["supported"] * 3),  # turned away by the rule: not this case
            "reserve_release": rule(["supported"] * 3, ["not supported", "supported", "supported"]),
            "bonus": rule(["supported", "not supported", "supported"], ["not supported"] * 3),
        }
    )
    assert _displaced_rules(co) == ["reserve_release"]

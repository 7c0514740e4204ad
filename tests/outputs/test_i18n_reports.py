"""Every text of the reports exists in English and in Dutch, and the Dutch of the shipped files is current."""

from __future__ import annotations

import pytest

from clusterpolicy.analysis.hypothesis import TEST_NAME
from clusterpolicy.inputs.files import HYPOTHESIS_DIR, SHIPPED_SCENARIOS
from clusterpolicy.inputs.hypothesis_file import load_hypothesis
from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model.metrics import OUTCOMES
from clusterpolicy.model.params import declarations
from clusterpolicy.outputs import i18n

SCENARIOS = sorted(p.stem for p in SHIPPED_SCENARIOS.glob("*.toml"))
HYPOTHESES = sorted(p.stem for p in HYPOTHESIS_DIR.glob("*.toml"))
REPORT_PREFIXES = ("rep_", "cmp_", "hyp_", "co_", "add_", "val_", "cal_", "verdict_", "expected_", "rule_")


def test_the_reports_have_their_texts_in_both_languages():
    report = [m for m in i18n.MESSAGES if m.startswith(REPORT_PREFIXES)]
    assert len(report) > 100
    for mid in report:
        entry = i18n.MESSAGES[mid]
        assert set(entry) == set(i18n.LANGS), mid
        assert (
            entry["en"] != entry["nl"] or entry["en"] in ("", "{rule} at {values}") or len(entry["en"]) < 12
        ), mid
    assert i18n.text("hyp_test_name") == TEST_NAME


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_shipped_scenario_has_a_label_and_a_dutch_description(name):
    sc = load_scenario(name)
    assert i18n.scenario_label(name, "en") != name and i18n.scenario_label(name, "nl") != name
    assert i18n.phrase(sc.description, "nl") != sc.description, f"no Dutch for {name}'s description"


@pytest.mark.parametrize("name", HYPOTHESES)
def test_every_text_of_a_shipped_hypothesis_has_its_dutch(name):
    spec = load_hypothesis(name)
    texts = [spec.title, spec.statement, spec.source, *(o.why for o in spec.outcomes if o.why)]
    missing = [t for t in texts if i18n.phrase(t, "nl") == t]
    assert missing == [], f"{name}: add the Dutch of these texts to i18n.PHRASES_NL: {missing}"


def test_every_shipped_target_says_what_it_measures_in_dutch():
    from clusterpolicy.inputs.targets import load_targets

    targets = load_targets(None)
    assert targets.held_out, "the shipped file holds both roles"
    missing = [t.what for t in targets.targets if i18n.phrase(t.what, "nl") == t.what]
    assert missing == [], f"add the Dutch of these targets' what to i18n.PHRASES_NL: {missing}"


def test_every_outcome_meaning_and_parameter_label_has_its_dutch():
    from clusterpolicy.outputs.format import describe

    assert [n for n in OUTCOMES if describe(n, "nl") == describe(n, "en")] == []
    assert [s.key for s in declarations() if not i18n.has_label(s.key, "nl")] == []


def test_an_edited_text_falls_back_to_its_english_instead_of_a_stale_translation():
    assert i18n.phrase("Co-financing deters SMEs", "nl") == "Cofinanciering schrikt kmo's af"
    assert i18n.phrase("Co-financing deters SMEs a lot", "nl") == "Co-financing deters SMEs a lot"
    assert i18n.scenario_label("my_tweak", "nl") == "my_tweak"


def test_a_bad_language_is_refused_before_anything_runs():
    from clusterpolicy.inputs.errors import InputError
    from clusterpolicy.studies.compare import compare

    with pytest.raises(InputError, match="lang: fr: one of en, nl"):
        compare(["concept_note_2015", "no_sunset"], replications=2, lang="fr", run=None)

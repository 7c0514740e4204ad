"""What a hypothesis test shows: the terminal table, the effects figure, the report; the crowding-out page.

A hypothesis report answers on its first screen whether the model supports the hypothesis, outcome by
outcome, with the effect and its interval at every value of the lever, beside the effects figure. The
crowding-out study runs SERV's question under every rule of privileged access; its one page
(:func:`crowding_out_report`) answers "does it crowd out, and under which rule", and links each rule's own
report.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from clusterpolicy.analysis.hypothesis import VERDICTS, CrowdingOut, HypothesisResult
from clusterpolicy.inputs.hypothesis_file import SCENARIO_LEVER, HypothesisSpec, value_label
from clusterpolicy.outputs import i18n
from clusterpolicy.outputs.figures import localise_ticks, panels, render
from clusterpolicy.outputs.files import write_csv, write_figures, write_text
from clusterpolicy.outputs.format import (
    axis_label,
    bracket_text,
    describe,
    difference_text,
    fmt,
    label,
    localise_number,
    p_text,
    param_label,
    param_value,
    plain_label,
    scale,
)
from clusterpolicy.outputs.html import answer, esc, img, nw, page, report_top, runs_html, table, wrap

FILES = ("verdicts.csv", "finals.csv", "effects.png", "report.html")
CROWDING_OUT_FILES = ("verdicts.csv", "summary.txt", "crowding_out.png", "report.html")
VERDICT_COLOURS = {"supported": "#1b7837", "opposite": "#b2182b", "not supported": "0.55"}
# the outcome that says most directly whether a rule crowds out: proposals one open pot would have funded
CROWDED_OUT = "proposals_crowded_out_total"


def _t(message_id: str, lang: str, **fields: object) -> str:
    return i18n.text(message_id, lang, **fields)


def _level(level: float, lang: str) -> str:
    """An interval's level in percent, ``99.7`` (Dutch ``99,7``)."""
    return localise_number(f"{100 * level:.3g}", lang)


def _verdict(verdict: str, lang: str) -> str:
    """A verdict as a coloured word (HTML)."""
    word = esc(_t("verdict_" + verdict.replace(" ", "_"), lang))
    return f'<span class="v-{verdict.replace(" ", "-")}">{word}</span>'


# ------------------------------------------------------------------------------------------- words
def _title(spec: HypothesisSpec, lang: str) -> str:
    return f"{spec.id}: {i18n.phrase(spec.title, lang)}"


def _value(spec: HypothesisSpec, text: str, lang: str) -> str:
    """A value of the lever (as its label in the verdicts, ``0.25``) for people: ``25%``, ``jury``."""
    if spec.lever == SCENARIO_LEVER:
        return i18n.scenario_label(text, lang)
    by_label = {value_label(v): v for v in spec.values}
    return param_value(spec.lever, by_label.get(text, text), lang)


def _lever(spec: HypothesisSpec, lang: str) -> str:
    if spec.lever == SCENARIO_LEVER:
        return _t("hyp_scenario_lever", lang)
    return param_label(spec.lever, lang)


def _expected(expected: str, margin: str, lang: str) -> str:
    return _t("expected_" + expected.replace(" ", "_"), lang, margin=margin)


def _period(result: HypothesisResult, metric: str, lang: str) -> str:
    """An outcome's label for a sentence: a cumulative one names the period."""
    base = plain_label(metric, lang)
    if metric.endswith("_total"):
        return f"{base} ({_t('hyp_until', lang, quarter=result.last_quarter)})"
    return base


# ------------------------------------------------------------------------------------------- terminal
def verdict_text(result: HypothesisResult, lang: str = "en") -> str:
    """The terminal table of a hypothesis test."""
    spec = result.spec
    v = result.verdicts
    level, m = result.level, result.tests
    # the outcome column is as wide as its longest label (at least 40), so no label is cut
    w_out = max(40, *(len(label(o, lang)) + 2 for o in v["outcome"])) if len(v) else 40
    w_cmp = max(12, *(len(c) + 2 for c in v["comparison"])) if len(v) else 12
    head = _t("hyp_effect_head", lang, level=_level(level, lang))
    cells = [bracket_text(r["outcome"], r["effect"], r["ci_low"], r["ci_high"]) for _, r in v.iterrows()]
    w_eff = max(len(head), *(len(c) for c in cells)) + 2 if cells else len(head) + 2
    cols = [
        _t(k, lang) for k in ("rep_outcome", "hyp_expected", "hyp_comparison", "hyp_p_adj", "hyp_verdict")
    ]
    lines = [f"{cols[0]:{w_out}}{cols[1]:13}{cols[2]:{w_cmp}}{head:{w_eff}}{cols[3]:>8}   {cols[4]}"]
    last = None
    for (_, r), cell in zip(v.iterrows(), cells, strict=True):
        name = label(r["outcome"], lang) if r["outcome"] != last else ""
        last = r["outcome"]
        verdict = _t("verdict_" + r["verdict"].replace(" ", "_"), lang)
        lines.append(
            f"{name:{w_out}}{r['expected']:13}{r['comparison']:{w_cmp}}{cell:{w_eff}}"
            f"{p_text(r['p_adjusted']):>8}   {verdict}"
        )
    fixed = ", ".join(f"{k} = {value_label(x)}" for k, x in spec.fixed.items())
    changed = ", ".join(f"{k} = {value_label(x)}" for k, x in spec.overrides.items())
    values = ", ".join(value_label(x) for x in spec.comparisons)
    intro = [
        _title(spec, lang),
        _t("hyp_lever_line", lang, lever=spec.lever, values=values, reference=spec.reference_label),
    ]
    if spec.base:
        intro[-1] += f" ({_t('hyp_base', lang)} {spec.base})"
    if fixed:
        intro.append(f"{_t('hyp_fixed', lang)}: {fixed}")
    if changed:
        intro.append(f"{_t('hyp_overridden', lang)}: {changed}")
    intro.append(
        _t(
            "hyp_design_line",
            lang,
            quarter=result.last_quarter,
            n=spec.replications,
            seed=spec.seed,
            alpha=f"{spec.alpha:g}",
            correction=_correction_words(spec, level, m, lang),
        )
    )
    counts = {k: int((v["verdict"] == k).sum()) for k in VERDICTS}
    summary = [
        "",
        _t(
            "hyp_in_short",
            lang,
            k=counts["supported"],
            n=len(v),
            id=spec.id,
            o=counts["opposite"],
            u=counts["not supported"],
        ),
    ]
    for o in spec.outcomes:
        d = v[v["outcome"] == o.metric]
        kinds = {k: [r["value"] for _, r in d.iterrows() if r["verdict"] == k] for k in VERDICTS}
        bits = [
            _t("hyp_at", lang, verdict=_t("verdict_" + k.replace(" ", "_"), lang), values=", ".join(vals))
            for k, vals in kinds.items()
            if vals
        ]
        summary.append(f"  {label(o.metric, lang):{w_out}}{'; '.join(bits)}")
    return "\n".join([*intro, "", *lines, *summary])


def _correction_words(spec: HypothesisSpec, level: float, m: int, lang: str = "en") -> str:
    pct = _level(level, lang)
    if spec.correction == "bonferroni":
        return _t("hyp_bonferroni", lang, m=m, level=pct)
    if spec.correction == "bh":
        return _t("hyp_bh", lang, m=m, level=pct)
    return _t("hyp_no_correction", lang, m=m, level=pct)


# -------------------------------------------------------------------------------------------- figures
def _x_positions(spec: HypothesisSpec) -> tuple[dict[str, float], float]:
    """Where each value of the lever sits on the x-axis, and the factor of a numeric lever's axis."""
    from clusterpolicy.model.params import field_spec

    if not spec.numeric:
        return {value_label(v): float(i) for i, v in enumerate(spec.values)}, 1.0
    unit = field_spec(spec.lever).metadata["unit"]
    k = 100.0 if unit == "share" else 1.0
    return {value_label(v): float(v) * k for v in spec.values}, k


def _effects_panel(
    ax: plt.Axes,
    result: HypothesisResult,
    metric: str,
    lang: str,
    colour: str | None = None,
    dodge: float = 0.0,
) -> None:
    """One outcome's paired effects against the lever, coloured by verdict (or in ``colour``).

    ``dodge`` shifts the points sideways (in axis units), so that several rules in one panel stay apart.
    """
    spec = result.spec
    v = result.verdicts
    d = v[v["outcome"] == metric]
    x_of, _ = _x_positions(spec)
    k = scale(metric, difference=True)
    ax.axhline(0, color="k", lw=0.8)
    ax.plot([x_of[spec.reference_label]], [0], "s", color="k", ms=4)
    for against in sorted(set(d["tested_against"]) - {0.0}):  # the margin of "no decrease/increase"
        ax.axhline(against * k, color="0.4", ls=":", lw=1)
    xs, ys = [x_of[spec.reference_label]], [0.0]
    for _, r in d.iterrows():
        x = x_of[r["value"]] + dodge
        c = colour or VERDICT_COLOURS[r["verdict"]]
        if math.isfinite(r["ci_low"]):
            ax.plot([x, x], [r["ci_low"] * k, r["ci_high"] * k], color=c, lw=2)
        if math.isfinite(r["effect"]):
            filled = r["verdict"] != "not supported"
            ax.plot([x], [r["effect"] * k], "o", color=c, ms=5, mfc=c if filled else "white", mew=1.3)
            xs.append(x)
            ys.append(r["effect"] * k)
    if colour is not None and len(xs) > 1:
        order = sorted(range(len(xs)), key=lambda i: xs[i])
        ax.plot([xs[i] for i in order], [ys[i] for i in order], color=colour, lw=1, alpha=0.6)
    if not spec.numeric:
        ax.set_xticks(list(x_of.values()), [_value(spec, t, lang) for t in x_of], fontsize=7)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    localise_ticks(ax, lang, x=spec.numeric)


def _x_label(spec: HypothesisSpec, lang: str) -> str:
    _, k = _x_positions(spec)
    return f"{_lever(spec, lang)} (%)" if k == 100.0 else _lever(spec, lang)


def effects_figure(result: HypothesisResult, lang: str = "en") -> plt.Figure:
    """One panel per outcome: the paired effect (value − reference) against the lever, with intervals."""
    spec = result.spec
    n = len(spec.outcomes)
    cols = n if n <= 5 else math.ceil(n / 2)
    fig, axes = panels(n, cols, 2.35, 2.25, extra_height=0.35, constrained_layout=True)
    for ax, o in zip(axes, spec.outcomes, strict=True):
        _effects_panel(ax, result, o.metric, lang)
        ax.set_title(f"{label(o.metric, lang)}\n{_expected(o.expected, '', lang)}", fontsize=8)
        ax.set_ylabel(axis_label(o.metric, difference=True, lang=lang), fontsize=7)
        ax.set_xlabel(_x_label(spec, lang), fontsize=7)
    fig.suptitle(
        _t(
            "hyp_fig_title",
            lang,
            level=_level(result.level, lang),
            reference=_value(spec, spec.reference_label, lang),
        ),
        fontsize=9,
    )
    return fig


def figures(result: HypothesisResult, lang: str = "en") -> dict[str, bytes]:
    """The figures, rendered once: ``effects.png``."""
    return {"effects.png": render(effects_figure(result, lang))}


# --------------------------------------------------------------------------------------------- report
def _effect_cell(result: HypothesisResult, r: pd.Series, lang: str, stacked: bool = False) -> str:
    """``at 25 %: −470 (−620 to −320)``, coloured by the comparison's verdict (HTML).

    ``stacked`` puts the interval on a line of its own (for a narrow table cell); neither line breaks.
    """
    spec = result.spec
    if not math.isfinite(r["effect"]) or r["n"] < 2:
        text = _t("hyp_no_verdict", lang)
    else:
        text = difference_text(r["outcome"], r["effect"], r["ci_low"], r["ci_high"], lang=lang)
    at = _t("hyp_at_value", lang, value=_value(spec, r["value"], lang))
    cls = "v-" + r["verdict"].replace(" ", "-")
    if stacked:
        value, _, ci = text.partition("\u00a0(")
        ci_html = f'<br><span class="nw ci">({esc(ci)}</span>' if ci else ""
        return f'<span class="nw">{esc(at)} <span class="{cls}">{esc(value)}</span></span>{ci_html}'
    return f'{esc(at)} <span class="nw {cls}">{esc(text)}</span>'


def outcome_summary(result: HypothesisResult, metric: str) -> tuple[str, list[str]]:
    """One outcome's verdict over all its comparisons, and the values where it holds if not at all.

    ``supported`` when some comparison supports the hypothesis and none points the opposite way (and
    vice versa for ``opposite``), ``not supported`` otherwise; the list names the values (their labels)
    when the verdict holds at some of them only, and is empty when it holds at every value.
    """
    d = result.verdicts[result.verdicts["outcome"] == metric]
    yes, opp = (d["verdict"] == "supported").any(), (d["verdict"] == "opposite").any()
    verdict = "supported" if yes and not opp else "opposite" if opp and not yes else "not supported"
    at = list(d[d["verdict"] == verdict]["value"])
    return verdict, ([] if len(at) == len(d) else at)


def _tallies(result: HypothesisResult) -> tuple[int, int, int]:
    """Outcomes supported at every value, supported at some values only, and pointing the opposite way."""
    every = some = opposite = 0
    for o in result.spec.outcomes:
        verdict, at = outcome_summary(result, o.metric)
        every += verdict == "supported" and not at
        some += verdict == "supported" and bool(at)
        opposite += verdict == "opposite"
    return every, some, opposite


def _badge(result: HypothesisResult, metric: str, lang: str) -> str:
    """An outcome's verdict as a coloured word, ``supported at 60%`` when it holds at some values only."""
    verdict, at = outcome_summary(result, metric)
    word = _t("verdict_" + verdict.replace(" ", "_"), lang)
    if at:
        word = _t("hyp_at", lang, verdict=word, values=", ".join(_value(result.spec, x, lang) for x in at))
    return f'<span class="v-{verdict.replace(" ", "-")}">{esc(word)}</span>'


def answer_items(result: HypothesisResult, lang: str = "en") -> list[str]:
    """One list item per outcome: its verdict, what was expected, and the effect at every value (HTML)."""
    spec = result.spec
    items = []
    for o in spec.outcomes:
        d = result.verdicts[result.verdicts["outcome"] == o.metric]
        margin = fmt(o.metric, o.margin, difference=True, lang=lang) if o.margin else ""
        effects = "; ".join(_effect_cell(result, r, lang) for _, r in d.iterrows())
        items.append(
            f"<li>{_badge(result, o.metric, lang)} "
            f"<b>{esc(_period(result, o.metric, lang))}</b>, {esc(_expected(o.expected, margin, lang))}: "
            f"{effects}</li>"
        )
    return items


def _lead(result: HypothesisResult, lang: str) -> str:
    spec = result.spec
    every, some, opposite = _tallies(result)
    text = _t(
        "hyp_lead",
        lang,
        k=every,
        n=len(spec.outcomes),
        lever=_lever(spec, lang),
        reference=_value(spec, spec.reference_label, lang),
        runs=spec.replications,
    )
    if some:
        text += " " + _t("hyp_lead_some", lang, k=some)
    if opposite:
        text += " " + _t("hyp_lead_opposite", lang, k=opposite)
    return text


def _design_table(result: HypothesisResult, lang: str) -> str:
    """Base, lever, values, reference, fixed settings, overrides, replications, test and significance."""
    spec = result.spec

    def settings(d: dict[str, Any]) -> str:
        return ", ".join(f"{param_label(k, lang)} = {param_value(k, x, lang)}" for k, x in d.items()) or "—"

    lever = spec.lever if spec.lever != SCENARIO_LEVER else ""
    rows = [
        [
            _t("hyp_base", lang),
            esc(i18n.scenario_label(spec.base, lang)) if spec.base else esc(_t("hyp_each_scenario", lang)),
        ],
        [_t("hyp_lever", lang), f'<span title="{esc(lever)}">{esc(_lever(spec, lang))}</span>'],
        [_t("hyp_values", lang), esc(", ".join(_value(spec, value_label(x), lang) for x in spec.values))],
        [_t("hyp_reference", lang), esc(_value(spec, spec.reference_label, lang))],
        [_t("hyp_fixed", lang), esc(settings(spec.fixed))],
        [_t("hyp_overridden", lang), esc(settings(spec.overrides))],
        [
            _t("hyp_replications", lang),
            esc(_t("hyp_replications_text", lang, n=spec.replications, seed=spec.seed)),
        ],
        [_t("hyp_test", lang), esc(_t("hyp_test_name", lang))],
        [
            _t("hyp_significance", lang),
            esc(f"α = {spec.alpha:g}; {_correction_words(spec, result.level, result.tests, lang)}"),
        ],
    ]
    return table(["", ""], [[esc(a), b] for a, b in rows], left=2)


def _comparisons_table(result: HypothesisResult, lang: str) -> str:
    """Every outcome and comparison: means, effect and interval, p-values, verdict, pairs."""
    spec = result.spec
    rows = []
    for _, r in result.verdicts.iterrows():
        m = r["outcome"]
        rows.append(
            [
                esc(label(m, lang)),
                esc(f"{_value(spec, r['value'], lang)} / {_value(spec, r['reference'], lang)}"),
                nw(fmt(m, r["reference_mean"], lang=lang)),
                nw(fmt(m, r["value_mean"], lang=lang)),
                nw(difference_text(m, r["effect"], r["ci_low"], r["ci_high"], lang=lang)),
                esc(p_text(r["p_value"])),
                esc(p_text(r["p_adjusted"])),
                _verdict(r["verdict"], lang),
                esc(r["n"]),
            ]
        )
    header = [_t(k, lang) for k in ("rep_outcome", "hyp_value_ref", "hyp_mean_ref", "hyp_mean_value")]
    header += [_t("hyp_effect_head", lang, level=_level(result.level, lang)), "p", _t("hyp_p_adj", lang)]
    header += [_t("hyp_verdict", lang), _t("hyp_pairs", lang)]
    body = wrap(table([esc(h) for h in header], rows, left=2))
    return f"<details><summary>{esc(_t('hyp_every_comparison', lang, n=len(rows)))}</summary>{body}</details>"


def _meaning(result: HypothesisResult, lang: str) -> str:
    """Why each outcome is expected to move, and what it measures."""
    items = []
    for o in result.spec.outcomes:
        why = f" — {esc(i18n.phrase(o.why, lang))}" if o.why else ""
        items.append(f"<li><b>{esc(label(o.metric, lang))}</b>: {esc(describe(o.metric, lang))}{why}</li>")
    return f'<ul class="statements">{"".join(items)}</ul>'


def report(result: HypothesisResult, figs: dict[str, bytes], lang: str = "en") -> str:
    """The HTML report of a hypothesis test, in plain language, with the figures ``figs`` embedded."""
    spec = result.spec
    source = i18n.phrase(spec.source, lang)
    meta = _t("hyp_meta", lang, values=len(spec.values), n=spec.replications, quarter=result.last_quarter)
    meta_html = (
        esc(i18n.phrase(spec.statement, lang))
        + (f" {esc(_t('rep_source', lang, source=source))}" if source else "")
        + f" {esc(meta)}"
    )
    howto_html = esc(_t("hyp_howto", lang, n=spec.replications))
    parts = report_top(_title(spec, lang), meta_html, len(result.failures), howto_html, lang)
    text = f"<p>{esc(_lead(result, lang))}</p><ul>{''.join(answer_items(result, lang))}</ul>"
    parts.append(answer(text, img(figs["effects.png"], _t("hyp_fig_alt", lang)), wide=True))
    parts += [f"<h2>{esc(_t('hyp_outcomes', lang))}</h2>", _meaning(result, lang)]
    parts += [f"<h2>{esc(_t('hyp_design', lang))}</h2>", _design_table(result, lang)]
    parts += [f"<h2>{esc(_t('rep_all_comparisons', lang))}</h2>", _comparisons_table(result, lang)]
    parts += [f"<h2>{esc(_t('rep_method', lang))}</h2>", f"<p>{esc(_method(result, lang))}</p>"]
    parts.append(runs_html(result.seeds, result.failures, lang))
    return page(_title(spec, lang), "\n".join(parts), lang)


def _method(result: HypothesisResult, lang: str) -> str:
    return _t(
        "hyp_method",
        lang,
        last=result.last_quarter,
        test=_t("hyp_test_name", lang),
        m=result.tests,
        correction=_correction_words(result.spec, result.level, result.tests, lang),
    )


def write(result: HypothesisResult, out: Path, report_html: bool = True, lang: str = "en") -> list[str]:
    """Write verdicts.csv, finals.csv, effects.png and report.html into ``out``; return the names."""
    write_csv(out / "verdicts.csv", result.verdicts)
    write_csv(out / "finals.csv", result.finals)
    figs = figures(result, lang)
    write_figures(out, figs)
    if report_html:
        write_text(out / "report.html", report(result, figs, lang))
    return [f for f in FILES if report_html or f != "report.html"]


# ----------------------------------------------------------------------------------------- crowding-out
def rule_label(mode: str, lang: str = "en") -> str:
    """A rule of privileged access in words (``reserve`` -> ``hard reserve``)."""
    return i18n.choice(mode, lang)


def _and(items: list[str], lang: str) -> str:
    """``a, b and c`` in ``lang``."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_t('and', lang)} {items[-1]}"


def _tally(v: pd.DataFrame, lang: str = "en") -> str:
    n = len(v)
    if not n:
        return _t("co_no_comparison", lang)
    yes, opp = int((v["verdict"] == "supported").sum()), int((v["verdict"] == "opposite").sum())
    return _t("co_tally", lang, k=yes, n=n) + (_t("co_tally_opposite", lang, o=opp) if opp else "")


def crowding_rules(co: CrowdingOut) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """Under which rules proposals one open pot would have funded are clearly turned away.

    Returns:
        The rules where that holds at every value tested; those where it holds at some values (with the
        values' labels); and the rest.
    """
    every: list[str] = []
    some: dict[str, list[str]] = {}
    for mode, result in co.results.items():
        if CROWDED_OUT not in {o.metric for o in result.spec.outcomes}:
            continue
        verdict, at = outcome_summary(result, CROWDED_OUT)
        if verdict == "supported" and not at:
            every.append(mode)
        elif verdict == "supported":
            some[mode] = at
    return every, some, [m for m in co.results if m not in every and m not in some]


def crowding_out_text(co: CrowdingOut, lang: str = "en") -> str:
    """The terminal text of the crowding-out question under every rule, and what the answer depends on."""
    blocks = []
    for mode, result in co.results.items():
        head = f"=== {_t('co_rule', lang)}: {mode} ({_t('rule_' + mode, lang)})"
        blocks.append(f"{head}\n{verdict_text(result, lang)}")
    v = co.verdicts()
    outcomes = list(dict.fromkeys(v["outcome"])) if len(v) else []
    w = 40
    lines = ["", f"=== {_t('co_depends', lang)}"]
    lines.append(f"{_t('rep_outcome', lang):{w}}" + "".join(f"{m:24}" for m in co.results))
    for o in outcomes:
        cells = [_tally(v[(v["outcome"] == o) & (v["mode"] == m)], lang) for m in co.results]
        lines.append(f"{label(o, lang)[: w - 1]:{w}}" + "".join(f"{c:24}" for c in cells))
    if len(v) and (v["outcome"] == CROWDED_OUT).any():
        every, some, no = crowding_rules(co)
        yes = [
            *every,
            *(
                f"{m} ({_t('hyp_at', lang, verdict='', values=', '.join(at)).strip()})"
                for m, at in some.items()
            ),
        ]
        words = []
        if yes:
            words.append(_t("co_plain_yes", lang, rules=", ".join(yes)))
        if no:
            words.append(_t("co_plain_no", lang, rules=", ".join(no)))
        lines.append("")
        lines.append(f"{_t('co_plain', lang)}: " + "; ".join(words) + ".")
    return "\n\n".join(blocks) + "\n" + "\n".join(line.rstrip() for line in lines)


def _share_and_bonus(co: CrowdingOut) -> list[list[str]]:
    """The figure's rows: the rules whose lever is the privileged share, then those with another lever."""
    rows: dict[str, list[str]] = {}
    for mode, r in co.results.items():
        rows.setdefault(r.spec.lever, []).append(mode)
    return list(rows.values())


def crowding_out_figure(co: CrowdingOut, lang: str = "en") -> plt.Figure:
    """The effects of every rule: a row per lever (the privileged share; the bonus), a panel per outcome.

    In a row, each rule is a colour; dots are filled where the comparison is clear (supported or
    opposite), hollow where it is not.
    """
    groups = _share_and_bonus(co)
    first = next(iter(co.results.values()))
    metrics = [o.metric for o in first.spec.outcomes]
    fig, axes = plt.subplots(
        len(groups),
        len(metrics),
        figsize=(2.3 * len(metrics), 1.45 * len(groups) + 0.6),
        squeeze=False,
        constrained_layout=True,
    )
    colours = {m: c for m, c in zip(co.results, ["#b2182b", "#ef8a62", "#2166ac", "#7b3294"], strict=False)}
    for row, modes in zip(axes, groups, strict=True):
        for ax, metric in zip(row, metrics, strict=True):
            for j, mode in enumerate(modes):
                result = co.results[mode]
                xs = _x_positions(result.spec)[0].values()
                dodge = (j - (len(modes) - 1) / 2) * 0.03 * (max(xs) - min(xs))
                if metric in {o.metric for o in result.spec.outcomes}:
                    _effects_panel(ax, result, metric, lang, colour=colours[mode], dodge=dodge)
            ax.set_ylabel(axis_label(metric, difference=True, lang=lang), fontsize=7)
            ax.set_xlabel(_x_label(co.results[modes[0]].spec, lang), fontsize=7)
        for ax, metric in zip(axes[0], metrics, strict=True):
            ax.set_title(label(metric, lang), fontsize=8)
    handles = [
        plt.Line2D([0], [0], color=colours[m], marker="o", lw=1.5, label=rule_label(m, lang))
        for m in co.results
    ]
    handles.append(
        plt.Line2D([0], [0], color="0.4", marker="o", mfc="white", lw=0, label=_t("co_hollow", lang))
    )
    fig.legend(
        handles=handles,
        loc="outside upper center",
        ncol=len(handles),
        fontsize=7,
        frameon=False,
        title=_t("co_fig_title", lang, level=_level(first.level, lang)),
        title_fontsize=9,
    )
    return fig


def _rule_sentence(co: CrowdingOut, mode: str, lang: str) -> str:
    """A rule's answer: how many outcomes move the way SERV feared, and the key effects at the first value."""
    result = co.results[mode]
    spec = result.spec
    every, some, _ = _tallies(result)
    tally = _t("co_rule_tally", lang, k=every, n=len(spec.outcomes))
    if some:
        tally += " " + _t("co_rule_some", lang, k=some)
    keys = [
        m for m in (CROWDED_OUT, "projects_individual_funded_total") if m in {o.metric for o in spec.outcomes}
    ]
    effects = []
    if spec.comparisons:
        first = value_label(spec.comparisons[0])
        v = result.verdicts
        for m in keys:
            r = v[(v["outcome"] == m) & (v["value"] == first)].iloc[0]
            cls = "v-" + r["verdict"].replace(" ", "-")
            text = difference_text(m, r["effect"], r["ci_low"], r["ci_high"], lang=lang)
            effects.append(f'{esc(plain_label(m, lang))} <span class="nw {cls}">{esc(text)}</span>')
        at = _t("co_at", lang, lever=_lever(spec, lang), value=_value(spec, first, lang))
        effects_html = f" {esc(at)}: {'; '.join(effects)}."
    else:
        effects_html = ""
    return (
        f'<li><b title="{esc(_t("rule_" + mode, lang))}">{esc(rule_label(mode, lang))}</b>: '
        f"{esc(tally)}{effects_html}</li>"
    )


def _verdict_matrix(co: CrowdingOut, lang: str) -> str:
    """Outcome × rule: the verdict and the effect at every value (HTML table)."""
    first = next(iter(co.results.values()))
    header = [esc(_t("rep_outcome", lang)), *(esc(rule_label(m, lang)) for m in co.results)]
    rows = []
    for o in first.spec.outcomes:
        cells = [esc(label(o.metric, lang))]
        for result in co.results.values():
            d = result.verdicts[result.verdicts["outcome"] == o.metric]
            effects = "<br>".join(_effect_cell(result, r, lang, stacked=True) for _, r in d.iterrows())
            cells.append(f"{_badge(result, o.metric, lang)}<br>{effects}")
        rows.append(cells)
    return wrap(table(header, rows, left=len(header)))


def _displaced_rules(co: CrowdingOut) -> list[str]:
    """Rules where individual firm projects fall at every value, yet not every value turns some away.

    There the individual projects lose the open competition, not to the privilege itself.
    """
    out = []
    for m, result in co.results.items():
        v = result.verdicts
        fall = v.loc[v["outcome"] == "projects_individual_funded_total", "verdict"]
        turned = v.loc[v["outcome"] == CROWDED_OUT, "verdict"]
        if len(fall) and len(turned) and (fall == "supported").all() and (turned != "supported").any():
            out.append(m)
    return out


def crowding_out_report(co: CrowdingOut, figs: dict[str, bytes], lang: str = "en") -> str:
    """The one page of the crowding-out question: does it crowd out, and under which rule."""
    every, some, no = crowding_rules(co)
    first = next(iter(co.results.values()))
    title = _t("co_title", lang)
    words = []
    if every:
        words.append(_t("co_answer_yes", lang, rules=_and([rule_label(m, lang) for m in every], lang)))
    if some:
        parts_some = [
            _t(
                "co_rule_at",
                lang,
                rule=rule_label(m, lang),
                values=_and([_value(co.results[m].spec, x, lang) for x in at], lang),
            )
            for m, at in some.items()
        ]
        words.append(_t("co_answer_some", lang, rules="; ".join(parts_some)))
    if no:
        words.append(_t("co_answer_no", lang, rules=_and([rule_label(m, lang) for m in no], lang)))
    displaced = _displaced_rules(co)
    if displaced:
        words.append(
            _t("co_answer_displaced", lang, rules=_and([rule_label(m, lang) for m in displaced], lang))
        )
    lead = " ".join(words)
    items = "".join(_rule_sentence(co, m, lang) for m in co.results)
    source = i18n.phrase(first.spec.source, lang)
    meta = _t(
        "co_meta",
        lang,
        source=source,
        rules=len(co.results),
        n=first.spec.replications,
        quarter=first.last_quarter,
        envelope=", ".join(
            f"{param_label(k, lang)} = {param_value(k, x, lang)}"
            for k, x in first.spec.fixed.items()
            if k != "policy.privileged_mode"
        ),
    )
    failed = sum(len(r.failures) for r in co.results.values())
    howto_html = esc(_t("co_howto", lang, n=first.spec.replications))
    parts = report_top(title, esc(meta), failed, howto_html, lang)
    text = f"<p><b>{esc(lead)}</b></p><ul>{items}</ul>"
    parts.append(answer(text, img(figs["crowding_out.png"], _t("co_fig_alt", lang)), wide=True))
    links = " · ".join(f'<a href="{esc(m)}/report.html">{esc(rule_label(m, lang))}</a>' for m in co.results)
    parts += [f"<h2>{esc(_t('co_matrix', lang))}</h2>", _verdict_matrix(co, lang)]
    parts.append(f"<p>{esc(_t('co_details', lang))}: {links}</p>")
    parts += [f"<h2>{esc(_t('hyp_outcomes', lang))}</h2>", _meaning(first, lang)]
    parts += [
        f"<h2>{esc(_t('rep_method', lang))}</h2>",
        f"<p>{esc(_t('co_method', lang))} {esc(_method(first, lang))}</p>",
    ]
    parts.append(runs_html(first.seeds, {}, lang))
    return page(title, "\n".join(parts), lang)


def crowding_out_figures(co: CrowdingOut, lang: str = "en") -> dict[str, bytes]:
    """The crowding-out page's figure, rendered once: ``crowding_out.png``."""
    return {"crowding_out.png": render(crowding_out_figure(co, lang))}


def write_crowding_out(co: CrowdingOut, out: Path, lang: str = "en") -> list[str]:
    """Write the crowding-out files into ``out``; return their names.

    They are ``verdicts.csv`` (every rule, with a ``mode`` column), ``summary.txt``, ``crowding_out.png``
    and ``report.html`` (every rule on one page).
    """
    write_csv(out / "verdicts.csv", co.verdicts())
    write_text(out / "summary.txt", crowding_out_text(co, lang) + "\n")
    figs = crowding_out_figures(co, lang)
    write_figures(out, figs)
    write_text(out / "report.html", crowding_out_report(co, figs, lang))
    return list(CROWDING_OUT_FILES)

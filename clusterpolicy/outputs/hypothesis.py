"""What a hypothesis test shows: the terminal table, the effects figure, plain-language sentences, report."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from clusterpolicy.analysis.hypothesis import VERDICTS, CrowdingOut, HypothesisResult
from clusterpolicy.inputs.hypothesis_file import SCENARIO_LEVER, HypothesisSpec, value_label
from clusterpolicy.model.params import field_spec
from clusterpolicy.outputs.figures import panels, render
from clusterpolicy.outputs.files import write_csv, write_figures, write_text
from clusterpolicy.outputs.format import axis_label, bracket_text, describe, fmt, label, p_text, scale
from clusterpolicy.outputs.html import esc, generated, img, page, runs_html, table

FILES = ("verdicts.csv", "finals.csv", "effects.png", "report.html")
VERDICT_COLOURS = {"supported": "#1b7837", "opposite": "#b2182b", "not supported": "0.55"}
TEST_NAME = "two-sided paired t-test (scipy.stats.ttest_rel)"


def verdict_text(result: HypothesisResult) -> str:
    """The terminal table of a hypothesis test."""
    spec = result.spec
    v = result.verdicts
    level, m = result.level, result.tests
    w_out = 40
    w_cmp = max(12, *(len(c) + 2 for c in v["comparison"])) if len(v) else 12
    head = f"effect [{100 * level:.3g} % interval]"
    cells = [bracket_text(r["outcome"], r["effect"], r["ci_low"], r["ci_high"]) for _, r in v.iterrows()]
    w_eff = max(len(head), *(len(c) for c in cells)) + 2 if cells else len(head) + 2
    lines = [
        f"{'outcome':{w_out}}{'expected':13}{'comparison':{w_cmp}}{head:{w_eff}}{'p adj.':>8}   verdict",
    ]
    last = None
    for (_, r), cell in zip(v.iterrows(), cells, strict=True):
        name = label(r["outcome"])[: w_out - 1] if r["outcome"] != last else ""
        last = r["outcome"]
        lines.append(
            f"{name:{w_out}}{r['expected']:13}{r['comparison']:{w_cmp}}{cell:{w_eff}}"
            f"{p_text(r['p_adjusted']):>8}   {r['verdict']}"
        )
    fixed = ", ".join(f"{k} = {value_label(x)}" for k, x in spec.fixed.items())
    changed = ", ".join(f"{k} = {value_label(x)}" for k, x in spec.overrides.items())
    intro = [
        f"{spec.id}: {spec.title}",
        f"lever {spec.lever}: {', '.join(value_label(x) for x in spec.comparisons)} "
        f"each against {spec.reference_label}" + (f" (base {spec.base})" if spec.base else ""),
    ]
    if fixed:
        intro.append(f"fixed at every value: {fixed}")
    if changed:
        intro.append(f"overridden at every value: {changed}")
    intro.append(
        f"values in {result.last_quarter}; {spec.replications} paired replications per value "
        f"(seeds spawned from {spec.seed}); α = {spec.alpha:g}; {_correction_words(spec, level, m)}"
    )
    counts = {k: int((v["verdict"] == k).sum()) for k in ("supported", "opposite", "not supported")}
    summary = [
        "",
        f"in short: {counts['supported']} of {len(v)} comparisons support {spec.id}, "
        f"{counts['opposite']} point the opposite way, {counts['not supported']} cannot tell",
    ]
    for o in spec.outcomes:
        d = v[v["outcome"] == o.metric]
        kinds = {k: [r["value"] for _, r in d.iterrows() if r["verdict"] == k] for k in counts}
        bits = [f"{k} at {', '.join(vals)}" for k, vals in kinds.items() if vals]
        summary.append(f"  {label(o.metric)[: w_out - 1]:{w_out}}{'; '.join(bits)}")
    return "\n".join([*intro, "", *lines, *summary])


def effects_figure(result: HypothesisResult) -> plt.Figure:
    """One panel per outcome: the paired effect (value − reference) against the lever, with intervals."""
    spec = result.spec
    v = result.verdicts
    n = len(spec.outcomes)
    fig, axes = panels(n, 3, 4.6, 3.3, extra_height=0.6, constrained_layout=True)
    x_of = {value_label(val): (float(val) if spec.numeric else i) for i, val in enumerate(spec.values)}
    for ax, o in zip(axes, spec.outcomes, strict=True):
        d = v[v["outcome"] == o.metric]
        k = scale(o.metric, difference=True)
        ax.axhline(0, color="k", lw=0.8)
        ax.plot([x_of[spec.reference_label]], [0], "s", color="k", ms=5, label="reference")
        for against in sorted(set(d["tested_against"]) - {0.0}):  # the margin of "no decrease/increase"
            ax.axhline(against * k, color="0.4", ls=":", lw=1)
        for _, r in d.iterrows():
            x = x_of[r["value"]]
            c = VERDICT_COLOURS[r["verdict"]]
            if math.isfinite(r["ci_low"]):
                ax.plot([x, x], [r["ci_low"] * k, r["ci_high"] * k], color=c, lw=2)
            if math.isfinite(r["effect"]):
                ax.plot([x], [r["effect"] * k], "o", color=c, ms=6)
        unit = axis_label(o.metric, difference=True)
        ax.set_title(f"{label(o.metric)}\nexpected: {o.expected}", fontsize=9)
        ax.set_ylabel(f"difference to {spec.reference_label} ({unit})", fontsize=8)
        ax.set_xlabel(spec.lever, fontsize=8)
        if not spec.numeric:
            ax.set_xticks(list(x_of.values()), list(x_of.keys()))
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    level = v["ci_level"].iloc[0] if len(v) else 1 - spec.alpha
    fig.suptitle(
        f"{spec.id}: paired effect against the lever, {100 * level:.3g} % intervals "
        f"(green: supported, red: opposite, grey: not supported; black square: the reference)",
        fontsize=10,
    )
    return fig


def _correction_words(spec: HypothesisSpec, level: float, m: int) -> str:
    if spec.correction == "bonferroni":
        return f"Bonferroni over {m} tests: each at α/{m}, with {100 * level:.3g} % simultaneous intervals"
    if spec.correction == "bh":
        return (
            f"Benjamini–Hochberg over {m} tests (false discovery rate α), with {100 * level:.3g} % "
            "false-coverage-rate intervals"
        )
    return f"no correction for the {m} tests; {100 * level:.3g} % intervals"


def sentence(spec: HypothesisSpec, r: pd.Series) -> str:
    """One plain-language sentence about one verdict row (HTML-escaped)."""
    m = r["outcome"]
    eff, lo, hi = r["effect"], r["ci_low"], r["ci_high"]
    if not math.isfinite(eff) or r["n"] < 2:
        return f"<b>{esc(label(m))}</b>: no verdict (fewer than two valid pairs of runs)."
    size = fmt(m, abs(eff), difference=True, long=True)
    way = "higher" if eff > 0 else "lower" if eff < 0 else "unchanged"
    move = f"<code>{esc(spec.lever)}</code> = {esc(r['value'])} instead of {esc(r['reference'])}"
    if spec.lever == SCENARIO_LEVER:
        move = f"<code>{esc(r['value'])}</code> instead of <code>{esc(r['reference'])}</code>"
    rel = ""
    ref = r["reference_mean"]
    if math.isfinite(ref) and ref != 0 and eff != 0:
        rel = f", {100 * abs(eff) / abs(ref):.0f} % {'more' if eff > 0 else 'less'} than at {r['reference']}"
    ci = f"{fmt(m, lo, True)} to {fmt(m, hi, True)}"
    verdict = esc(r["verdict"])
    exp = esc(r["expected"])
    if r["expected"].startswith("no "):
        exp += f" by more than {esc(fmt(m, abs(r['tested_against']), difference=True))}"
    body = (
        f"with {move}, {esc(label(m))} is {way} by {esc(size)}{esc(rel)} "
        f"({100 * r['ci_level']:.3g} % interval {esc(ci)}; adjusted p {esc(p_text(r['p_adjusted']))}). "
        f"Expected: {exp}."
    )
    if way == "unchanged":
        body = f"with {move}, {esc(label(m))} does not change in any replication. Expected: {exp}."
    return f'<b>{esc(label(m))}</b> — <span class="v-{verdict.replace(" ", "-")}">{verdict}</span>: {body}'


HOW_TO_READ = (
    "<p>Each value of the lever was run with the same replicate seeds as the reference value (common "
    "random numbers): the same firms meet the same chance events, so the difference of a pair of runs "
    "comes from the lever, not from luck. The <i>effect</i> is the mean of these paired differences "
    "in {last} (cumulative outcomes, marked 'cum.', add up the whole period). "
    "The p-value comes from the {test}; all {m} tests of this file are adjusted together "
    "for testing many outcomes. A comparison <b>supports</b> the hypothesis when its adjusted p-value is "
    "below α and the effect goes the expected way; it is <b>opposite</b> when the adjusted p-value is "
    "below α and the effect goes the other way; otherwise it is <b>not supported</b> (the model cannot "
    "tell, with these replications). The interval is taken at the level that matches the adjustment, "
    "so a verdict is 'supported' or 'opposite' exactly when the interval excludes zero (or the margin "
    "of a 'no decrease'/'no increase' outcome). For a numeric lever, 'increase' means 'rises with the "
    "lever': a value below the reference is expected to lower the outcome. The model compares rules "
    "under its assumptions (docs/ODD.md and the scenario files); a verdict is about the model, not a "
    "forecast.</p>"
)


def _design_table(result: HypothesisResult) -> str:
    """Base, lever, values, reference, fixed settings, overrides, replications, test and significance."""
    spec = result.spec
    lever_doc = "" if spec.lever == SCENARIO_LEVER else field_spec(spec.lever).metadata["doc"]

    def settings(d: dict) -> str:
        return esc(", ".join(f"{k} = {value_label(x)}" for k, x in d.items()) or "—")

    correction = esc(_correction_words(spec, result.level, result.tests))
    rows = [
        ["base scenario", f"<code>{esc(spec.base)}</code>" if spec.base else "(each value is a scenario)"],
        ["lever", f"<code>{esc(spec.lever)}</code> {esc(lever_doc)}"],
        ["values", esc(", ".join(value_label(x) for x in spec.values))],
        ["reference", esc(spec.reference_label)],
        ["fixed at every value", settings(spec.fixed)],
        ["command-line overrides", settings(spec.overrides)],
        [
            "replications",
            f"{spec.replications} per value, paired (common random numbers), seeds spawned from {spec.seed}",
        ],
        ["test", esc(TEST_NAME)],
        ["significance", f"α = {spec.alpha:g}; {correction}"],
    ]
    return table(["", ""], rows, left=2)


def _comparisons_table(result: HypothesisResult) -> str:
    """Every outcome and comparison: means, effect and interval, p-values, verdict, pairs."""
    rows = []
    for _, r in result.verdicts.iterrows():
        m = r["outcome"]
        verdict = esc(r["verdict"])
        rows.append(
            [
                f"<code>{esc(m)}</code>",
                esc(describe(m)),
                esc(r["comparison"]),
                esc(r["expected"]),
                esc(fmt(m, r["reference_mean"])),
                esc(fmt(m, r["value_mean"])),
                esc(bracket_text(m, r["effect"], r["ci_low"], r["ci_high"])),
                esc(p_text(r["p_value"])),
                esc(p_text(r["p_adjusted"])),
                f'<span class="v-{verdict.replace(" ", "-")}">{verdict}</span>',
                esc(r["n"]),
            ]
        )
    header = ["outcome", "meaning", "comparison", "expected", "mean at reference", "mean at value"]
    header += [f"effect [{100 * result.level:.3g} % interval]", "p", "p adjusted", "verdict", "pairs"]
    return table(header, rows, left=4)


def report(result: HypothesisResult, figs: dict[str, bytes]) -> str:
    """The HTML report of a hypothesis test, in plain language, with the figures ``figs`` embedded."""
    spec = result.spec
    v = result.verdicts
    level, m = result.level, result.tests
    parts = [
        "<style>.v-supported{color:#1b7837;font-weight:600}.v-opposite{color:#b2182b;font-weight:600}"
        ".v-not-supported{color:#666;font-weight:600}</style>",
        f"<h1>{esc(spec.id)}: {esc(spec.title)}</h1>",
        f'<p class="meta">{esc(spec.statement)}'
        + (f" Source: {esc(spec.source)}." if spec.source else "")
        + "</p>",
        f'<p class="meta">{len(spec.values)} values × {spec.replications} paired replications; values of '
        f"the last quarter, {esc(result.last_quarter)}. {generated()}.</p>",
    ]
    if result.failures:
        parts.append(
            f'<p class="clear">{len(result.failures)} run(s) failed; their pairs are left out '
            "(see the list at the end).</p>"
        )
    parts.append("<h2>The answer, outcome by outcome</h2>")
    counts = {k: int((v["verdict"] == k).sum()) for k in VERDICTS}
    parts.append(
        f"<p>Of {len(v)} comparisons, {counts['supported']} support the hypothesis, {counts['opposite']} "
        f"point the opposite way and {counts['not supported']} do not support it (α = {spec.alpha:g}; "
        f"{esc(_correction_words(spec, level, m))}).</p>"
    )
    items = []
    for o in spec.outcomes:
        d = v[v["outcome"] == o.metric]
        sub = "".join(f"<li>{sentence(spec, r)}</li>" for _, r in d.iterrows())
        why = f' <span class="muted">({esc(o.why)})</span>' if o.why else ""
        items.append(f"<li><b>{esc(label(o.metric))}</b>{why}<ul>{sub}</ul></li>")
    parts.append('<ul class="statements">' + "".join(items) + "</ul>")
    parts.append("<h2>The effect against the lever</h2>")
    parts.append(img(figs["effects.png"], "effects against the lever"))

    parts += ["<h2>The design</h2>", _design_table(result)]
    parts += ["<h2>Every comparison</h2>", _comparisons_table(result)]
    parts += [
        "<h2>How to read this</h2>",
        HOW_TO_READ.format(last=esc(result.last_quarter), test=esc(TEST_NAME), m=m),
    ]
    parts.append(runs_html(result.seeds, result.failures))
    return page(f"clusterpolicy hypothesis {spec.id}: {spec.title}", "\n".join(parts))


def figures(result: HypothesisResult) -> dict[str, bytes]:
    """The figures, rendered once: ``effects.png``."""
    return {"effects.png": render(effects_figure(result))}


def write(result: HypothesisResult, out: Path, report_html: bool = True) -> list[str]:
    """Write verdicts.csv, finals.csv, effects.png and report.html into ``out``; return the names."""
    write_csv(out / "verdicts.csv", result.verdicts)
    write_csv(out / "finals.csv", result.finals)
    figs = figures(result)
    write_figures(out, figs)
    if report_html:
        write_text(out / "report.html", report(result, figs))
    return [f for f in FILES if report_html or f != "report.html"]


RULE_WORDS = {
    "reserve": "a hard reserve: what spearhead projects leave of the privileged money stays unspent",
    "reserve_release": "a reserve whose leftovers go to the open pot in the same call",
    "priority": "one pot, spearhead projects funded first up to the privileged amount",
    "bonus": "one pot, spearhead projects get a score bonus (the lever is the bonus)",
}


def _tally(v: pd.DataFrame) -> str:
    n = len(v)
    if not n:
        return "no comparison"
    yes, opp = int((v["verdict"] == "supported").sum()), int((v["verdict"] == "opposite").sum())
    return f"{yes} of {n} supported" + (f", {opp} opposite" if opp else "")


def crowding_out_text(co: CrowdingOut) -> str:
    """The terminal text of the crowding-out question under every rule, and what the answer depends on."""
    blocks = []
    for mode, result in co.results.items():
        head = f"=== rule: {mode} ({RULE_WORDS.get(mode, mode)})"
        blocks.append(f"{head}\n{verdict_text(result)}")
    v = co.verdicts()
    outcomes = list(dict.fromkeys(v["outcome"])) if len(v) else []
    w = 40
    lines = ["", "=== what the answer depends on: verdicts per outcome and rule (all comparisons)"]
    lines.append(f"{'outcome':{w}}" + "".join(f"{m:24}" for m in co.results))
    for o in outcomes:
        cells = [_tally(v[(v["outcome"] == o) & (v["mode"] == m)]) for m in co.results]
        lines.append(f"{label(o)[: w - 1]:{w}}" + "".join(f"{c:24}" for c in cells))
    crowd = v[v["outcome"] == "proposals_crowded_out_total"] if len(v) else v
    if len(crowd):
        yes = [m for m in co.results if (crowd[crowd["mode"] == m]["verdict"] == "supported").any()]
        no = [m for m in co.results if m not in yes]
        words = []
        if yes:
            words.append(f"proposals are crowded out under {', '.join(yes)}")
        if no:
            words.append(f"not clearly under {', '.join(no)}")
        lines.append("")
        lines.append("in plain words: " + "; ".join(words) + ".")
    return "\n\n".join(blocks) + "\n" + "\n".join(lines)


def write_crowding_out(co: CrowdingOut, out: Path) -> list[str]:
    """Write ``verdicts.csv`` (every rule, with a ``mode`` column) and ``summary.txt`` into ``out``."""
    write_csv(out / "verdicts.csv", co.verdicts())
    write_text(out / "summary.txt", crowding_out_text(co) + "\n")
    return ["verdicts.csv", "summary.txt"]

"""What an additionality run shows: the terminal summary, the figure, the report and the files."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter

from clusterpolicy.analysis.additionality import ESTIMATES, Additionality, classify
from clusterpolicy.outputs.figures import render
from clusterpolicy.outputs.files import write_csv, write_figures, write_text
from clusterpolicy.outputs.format import format_value
from clusterpolicy.outputs.html import esc, img, page, runs_html, table

FILES = ("additionality.csv", "replicates.csv", "additionality.png", "report.html")
CHANNEL_WORDS = {
    "channel_knowledge": "own R&D (what firms learn)",
    "channel_pass_through": "project grants passed through",
    "channel_eu": "EU grants passed through",
}


def additionality_figure(result: Additionality) -> plt.Figure:
    """The two estimates with their intervals against the three classes (symmetric log scale)."""
    fig, ax = plt.subplots(figsize=(8.5, 2.8), constrained_layout=True)
    t = result.table.set_index("estimate")
    lo_x = min(
        [
            -1.0,
            *[t.loc[e, "ci_low"] for e in ("counterfactual", "naive") if math.isfinite(t.loc[e, "ci_low"])],
        ]
    )
    hi_x = max(
        [
            2.0,
            *[t.loc[e, "ci_high"] for e in ("counterfactual", "naive") if math.isfinite(t.loc[e, "ci_high"])],
        ]
    )
    ax.axvspan(lo_x * 1.5 - 1, 0, color="#f4cccc", lw=0)
    ax.axvspan(0, 1, color="#fff2cc", lw=0)
    ax.axvspan(1, hi_x * 1.5 + 1, color="#d9ead3", lw=0)
    for y, e in ((1, "counterfactual"), (0, "naive")):
        r = t.loc[e]
        if math.isfinite(r["value"]):
            ax.plot([r["ci_low"], r["ci_high"]], [y, y], color="k", lw=2)
            ax.plot([r["value"]], [y], "o", color="k")
            ax.annotate(
                f"{r['value']:.2f}",
                (r["value"], y),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=8,
            )
    ax.set_xscale("symlog", linthresh=1.0)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    ax.set_xlim(lo_x * 1.5 - 1, hi_x * 1.5 + 1)
    ax.set_yticks([1, 0], ["against the counterfactual", "naive (members vs non-members)"])
    ax.set_ylim(-0.6, 1.6)
    ax.set_xlabel(
        "change in business R&D per public euro (red: full crowding-out, yellow: partial, green: additional)",
        fontsize=8,
    )
    ax.set_title(
        f"Additionality of {result.scenario.name} ({100 * result.level:.0f} % intervals)", fontsize=10
    )
    return fig


def additionality_text(result: Additionality) -> str:
    """The terminal summary of an additionality run."""
    t = result.table.set_index("estimate")
    cf, nv = t.loc["counterfactual"], t.loc["naive"]
    pct = f"{100 * result.level:.0f} %"

    def line(name: str, r: pd.Series) -> str:
        if not math.isfinite(r["value"]):
            return f"  {name:34} undefined ({r['method']})"
        ci = f"[{r['ci_low']:.2f}, {r['ci_high']:.2f}]"
        return f"  {name:34} {r['value']:8.2f}   {ci:18}   {r['class']}"

    sb = t.loc["selection_bias"]
    rows = [
        f"change in business R&D per public euro, {result.scenario.name} "
        f"against {result.counterfactual.name} "
        f"({result.first_quarter}-{result.last_quarter}, {pct} intervals):",
        f"  {'':34} {'estimate':>8}   {'interval':18}   class",
        line("against the counterfactual", cf),
        line("naive: members vs non-members", nv),
    ]
    if math.isfinite(sb["value"]):
        rows.append(
            f"  {'selection bias (naive − counterf.)':34} {sb['value']:8.2f}   "
            f"[{sb['ci_low']:.2f}, {sb['ci_high']:.2f}]"
        )
    rows.append("")
    rows.append("  by channel (they add up to the estimate against the counterfactual):")
    for key, words in CHANNEL_WORDS.items():
        if key in t.index and math.isfinite(t.loc[key, "value"]):
            r = t.loc[key]
            rows.append(f"  {words:34} {r['value']:8.2f}   [{r['ci_low']:.2f}, {r['ci_high']:.2f}]")
    rows.append("")
    for key, words in (
        ("delta_rd", "extra business R&D over the period"),
        ("delta_public", "extra public money over the period"),
        ("naive_gap", "members' R&D above non-members'"),
    ):
        r = t.loc[key]
        rows.append(
            f"  {words:34} {format_value(r['value'], 'EUR'):>10}   "
            f"[{format_value(r['ci_low'], 'EUR')}, {format_value(r['ci_high'], 'EUR')}]"
        )
    if math.isfinite(cf["value"]):
        inside = classify(cf["ci_low"]) == classify(cf["ci_high"]) == cf["class"]
        rows.append("")
        rows.append(
            f"in short: {cf['class']}"
            + (
                f" (the whole {pct} interval lies in that class)"
                if inside
                else f" (but the {pct} interval spans {classify(cf['ci_low'])} to {classify(cf['ci_high'])})"
            )
        )
    return "\n".join(rows)


def report(result: Additionality, figs: dict[str, bytes]) -> str:
    """The HTML report of an additionality run, with the figures ``figs`` embedded."""
    t = result.table
    pct = f"{100 * result.level:.0f} %"
    rows = []
    for _, r in t.iterrows():
        money = r["estimate"] in ("delta_rd", "delta_public", "naive_gap")
        unit = "EUR" if money else "EUR per EUR"
        rows.append(
            [
                f"<code>{esc(r['estimate'])}</code>",
                esc(ESTIMATES.get(r["estimate"], "")),
                *(esc(format_value(r[k], unit)) for k in ("value", "ci_low", "ci_high")),
                esc(r["class"]),
                esc(r["n"]),
                esc(r["method"]),
            ]
        )
    text = additionality_text(result)
    body = [
        f"<h1>Additionality of <code>{esc(result.scenario.name)}</code></h1>",
        f'<p class="meta">Against <code>{esc(result.counterfactual.name)}</code> '
        f"({esc(result.counterfactual.description)}), {len(result.seeds)} paired replications, "
        f"{esc(result.first_quarter)}–{esc(result.last_quarter)}.</p>",
        f"<h2>In short</h2><pre>{esc(text)}</pre>",
        img(figs["additionality.png"], "additionality"),
        "<h2>Estimates</h2>",
        table(
            ["estimate", "meaning", "value", f"{pct} low", f"{pct} high", "class", "pairs", "interval"],
            rows,
            left=2,
        ),
        "<h2>How it is computed</h2>",
        "<p>The scenario and the counterfactual run with the same seeds (common random numbers); the "
        "counterfactual keeps the scenario's economy and behaviour and takes only its <code>[policy]</code> "
        "table from the counterfactual file. Per replicate: ΔR&amp;D = business R&amp;D summed over the "
        "period (a quarter counts a quarter of the yearly rate), scenario minus counterfactual; Δpublic = "
        "operating plus project grants paid over the period, scenario minus counterfactual. The estimate is "
        "ΣΔR&amp;D / ΣΔpublic (a ratio of means) with a paired percentile bootstrap interval over "
        "replicates. Classes: ≥ 1 additional (each public euro adds at least a euro of business R&amp;D), "
        "0–1 partial crowding-out, ≤ 0 full crowding-out.</p>"
        "<p>The naive estimate uses the policy run alone, as a study without a counterfactual "
        "would: members' R&amp;D above that of as many average non-members, summed over the period, "
        "per public euro of the "
        "policy (the same Δpublic). Members differ from non-members before any policy (they are larger and "
        "more R&amp;D-intensive), so the naive number mixes that selection with the policy's effect; the "
        "difference between the two estimates shows how much.</p>"
        "<p>R&amp;D that grants paid near the end of the period cause after it is not counted, so the "
        "counterfactual estimate leans low for short horizons.</p>",
        runs_html(result.seeds, result.failures),
    ]
    return page(f"clusterpolicy additionality: {result.scenario.name}", "\n".join(body))


def figures(result: Additionality) -> dict[str, bytes]:
    """The figures, rendered once: ``additionality.png``."""
    return {"additionality.png": render(additionality_figure(result))}


def write(result: Additionality, out: Path) -> list[str]:
    """Write additionality.csv, replicates.csv, additionality.png and report.html into ``out``."""
    write_csv(out / "additionality.csv", result.table)
    write_csv(out / "replicates.csv", result.per_replicate)
    figs = figures(result)
    write_figures(out, figs)
    write_text(out / "report.html", report(result, figs))
    return list(FILES)

"""What a comparison shows: the terminal table, the figures and the HTML report, and the files."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from clusterpolicy.analysis.comparison import (
    SUMMARY_COLUMNS,
    Comparison,
    band_stats,
    differing_parameters,
    is_clear,
)
from clusterpolicy.model.params import field_spec
from clusterpolicy.outputs.figures import legend_below, panels, render, xticks
from clusterpolicy.outputs.files import write_csv, write_figures, write_parquet, write_text
from clusterpolicy.outputs.format import HEADLINE, axis_label, describe, fmt, interval_text, label, scale
from clusterpolicy.outputs.html import bullets, esc, generated, img, page, runs_html, table

FILES = ("summary.csv", "timeseries.parquet", "timeseries.png", "differences.png", "report.html")


# ------------------------------------------------------------------------------------------- terminal
def headline_text(comp: Comparison) -> str:
    """The terminal table: means with 95 % half-widths, then paired differences to the reference."""
    s = comp.summary.set_index(["scenario", "metric"])
    names = comp.names
    width = 40
    col = max(22, *(len(n) + 2 for n in names))
    lines = [f"{'mean ± 95 % half-width':{width}}" + "".join(f"{n:>{col}}" for n in names)]
    metrics = [m for m in HEADLINE if (names[0], m) in s.index]
    for m in metrics:
        cells = []
        for n in names:
            r = s.loc[(n, m)]
            half = (r["ci_high"] - r["ci_low"]) / 2
            cells.append(f"{fmt(m, r['mean'])} ± {fmt(m, half)}")
        lines.append(f"{label(m)[: width - 1]:{width}}" + "".join(f"{c:>{col}}" for c in cells))
    lines.append("")
    lines.append(f"{'difference to ' + names[0]:{width}}" + "".join(f"{n:>{col}}" for n in names[1:]))
    for m in metrics:
        cells = [
            f"{fmt(m, s.loc[(n, m)]['diff'], True)}{' *' if is_clear(s.loc[(n, m)]) else '  '}"
            for n in names[1:]
        ]
        lines.append(f"{label(m)[: width - 1]:{width}}" + "".join(f"{c:>{col}}" for c in cells))
    lines.append(f"{'':{width}}* clear at 95 % (the interval of the paired difference excludes 0)")
    return "\n".join(lines)


# -------------------------------------------------------------------------------------------- figures
def bands_figure(bands: pd.DataFrame, names: list[str], metrics: list[str] | None = None) -> plt.Figure:
    """Headline metrics over time: each scenario's mean over replicates with its 95 % band."""
    metrics = [m for m in (metrics or HEADLINE) if ("mean", m) in bands.columns]
    fig, axes = panels(len(metrics), 4, 4.3, 2.9, constrained_layout=True)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, m in zip(axes, metrics, strict=True):
        k = scale(m)
        for i, name in enumerate(names):
            d = bands[bands["label"] == name]
            if d.empty:
                continue
            x = range(len(d))
            mean, half = d[("mean", m)].to_numpy() * k, d[("half", m)].to_numpy() * k
            c = colors[i % len(colors)]
            ax.plot(x, mean, color=c, label=name, lw=1.4)
            ax.fill_between(x, mean - half, mean + half, color=c, alpha=0.2, lw=0)
            xticks(ax, list(d["quarter"]))
        ax.set_title(label(m), fontsize=9)
        ax.set_ylabel(axis_label(m), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    legend_below(fig, axes[0], min(len(names), 4), fontsize=9)
    fig.suptitle("Mean over replications with 95 % intervals", fontsize=11)
    return fig


def differences_figure(summary: pd.DataFrame, reference: str, metrics: list[str] | None = None) -> plt.Figure:
    """Each scenario's paired difference to the reference, as % of the reference mean, with 95 % intervals."""
    metrics = [m for m in (metrics or HEADLINE) if m in set(summary["metric"])]
    others = [s for s in summary["scenario"].unique() if s != reference]
    fig, axes = panels(
        max(1, len(others)),
        max(1, len(others)),
        5.2,
        0.42 * len(metrics) + 1.6,
        constrained_layout=True,
        sharey=True,
    )
    ref = summary[summary["scenario"] == reference].set_index("metric")
    y = list(range(len(metrics)))[::-1]
    for ax, name in zip(axes, others, strict=False):
        d = summary[summary["scenario"] == name].set_index("metric")
        for yi, m in zip(y, metrics, strict=True):
            base = abs(ref.loc[m, "mean"])
            if not base or not np.isfinite(base):
                continue
            lo, mid, hi = (100 * d.loc[m, k] / base for k in ("diff_ci_low", "diff", "diff_ci_high"))
            clear = lo > 0 or hi < 0
            ax.plot([lo, hi], [yi, yi], color="C3" if clear else "0.6", lw=2)
            ax.plot([mid], [yi], "o", color="C3" if clear else "0.45", ms=4)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_title(f"{name} − {reference}", fontsize=10)
        ax.set_xlabel("difference, % of the reference mean", fontsize=8)
        ax.grid(alpha=0.3, axis="x")
        ax.tick_params(labelsize=8)
    axes[0].set_yticks(y, [label(m) for m in metrics])
    fig.suptitle("Paired differences to the reference (95 % intervals; red: clear at 95 %)", fontsize=11)
    return fig


def figures(comp: Comparison) -> dict[str, bytes]:
    """The comparison's figures, rendered once: ``timeseries.png`` and ``differences.png``."""
    bands = band_stats(comp.timeseries, list(comp.summary["metric"].unique()), comp.level)
    return {
        "timeseries.png": render(bands_figure(bands, comp.names)),
        "differences.png": render(differences_figure(comp.summary, comp.reference)),
    }


# --------------------------------------------------------------------------------------------- report
def statement(metric: str, scenario: str, reference: str, row: pd.Series, ref_mean: float) -> str:
    """A plain-language sentence about one paired difference."""
    d, lo, hi = row["diff"], row["diff_ci_low"], row["diff_ci_high"]
    direction = "higher" if d > 0 else "lower"
    size = fmt(metric, abs(d), difference=True, long=True)
    rel = (
        f" ({100 * abs(d) / abs(ref_mean):.0f} % of the reference)"
        if ref_mean and math.isfinite(ref_mean)
        else ""
    )
    ci = f"95 % interval of the difference {fmt(metric, lo, True)} to {fmt(metric, hi, True)}"
    return (
        f"<b>{esc(label(metric))}</b> is {direction} under <code>{esc(scenario)}</code> than under "
        f"<code>{esc(reference)}</code> by {esc(size)}{esc(rel)} ({esc(ci)})."
    )


def _statements(comp: Comparison) -> tuple[list[tuple[bool, str]], list[str]]:
    """(is headline, sentence) of every clear difference, and a line for every unclear one."""
    s = comp.summary
    ref_rows = s[s["scenario"] == comp.reference].set_index("metric")
    clear, unclear = [], []
    for name in comp.names[1:]:
        d = s[s["scenario"] == name].set_index("metric")
        for m in d.index:
            row = d.loc[m]
            if not (math.isfinite(row["diff_ci_low"]) and math.isfinite(row["diff_ci_high"])):
                continue
            if is_clear(row):
                clear.append(
                    (m in HEADLINE, statement(m, name, comp.reference, row, ref_rows.loc[m, "mean"]))
                )
            else:
                unclear.append(
                    f"<b>{esc(label(m))}</b>, <code>{esc(name)}</code>: "
                    f"{esc(fmt(m, row['diff'], True))} "
                    f"({esc(fmt(m, row['diff_ci_low'], True))} to {esc(fmt(m, row['diff_ci_high'], True))})"
                )
    return clear, unclear


def _headline_table(comp: Comparison) -> str:
    s = comp.summary
    ref = comp.reference
    ref_rows = s[s["scenario"] == ref].set_index("metric")
    hdr = ["outcome", f"<code>{esc(ref)}</code>"]
    for n in comp.names[1:]:
        hdr += [f"<code>{esc(n)}</code>", f"difference ({esc(n)} − {esc(ref)})"]
    rows = []
    for m in [m for m in HEADLINE if m in ref_rows.index]:
        r0 = ref_rows.loc[m]
        cells = [esc(label(m)), esc(interval_text(m, r0["mean"], r0["ci_low"], r0["ci_high"]))]
        for n in comp.names[1:]:
            r = s[(s["scenario"] == n) & (s["metric"] == m)].iloc[0]
            dtext = esc(interval_text(m, r["diff"], r["diff_ci_low"], r["diff_ci_high"], signed=True))
            cells += [
                esc(interval_text(m, r["mean"], r["ci_low"], r["ci_high"])),
                f'<span class="clear">{dtext}</span>' if is_clear(r) else dtext,
            ]
        rows.append(cells)
    return table(hdr, rows)


def _all_outcomes(comp: Comparison) -> str:
    rows = []
    for _, r in comp.summary.iterrows():
        m = r["metric"]
        rows.append(
            [
                f"<code>{esc(r['scenario'])}</code>",
                f"<code>{esc(m)}</code>",
                esc(describe(m)),
                *(esc(fmt(m, r[k])) for k in ("mean", "ci_low", "ci_high")),
                *(esc(fmt(m, r[k], True)) for k in ("diff", "diff_ci_low", "diff_ci_high")),
                esc(r["n"]),
            ]
        )
    header = [*SUMMARY_COLUMNS[:2], "meaning", *SUMMARY_COLUMNS[2:]]
    return (
        "<details><summary>Every metric (click to open)</summary>"
        + table(header, rows, left=3)
        + "</details>"
    )


HOW_TO_READ = (
    "<p>The model is stochastic: each scenario was run {n} times. Replication <i>r</i> uses the same random "
    "seed in every scenario (common random numbers), so the same firms face the same chance events and a "
    "difference between scenarios comes from the rules, not from luck. Intervals are Student-t 95 % "
    "intervals over replications; a difference is computed replication by replication (paired) before it "
    "is averaged. 'Clear at 95 %' means the interval of the difference excludes zero; it does not mean the "
    "difference is large or that it would hold in reality. The model compares rules under its assumptions "
    "(see the scenario files and docs/ODD.md); it is not a forecast.</p>"
)


def report(comp: Comparison, figs: dict[str, bytes]) -> str:
    """The HTML report of a comparison, with the figures ``figs`` (from :func:`figures`) embedded."""
    ref = comp.reference
    n_rep = len(comp.seeds)
    parts = [
        f"<h1>Scenario comparison: {esc(', '.join(comp.names))}</h1>",
        f'<p class="meta">Reference: <code>{esc(ref)}</code>. {n_rep} paired replications per scenario '
        f"(common random numbers). Values are those of the last quarter, {esc(comp.last_quarter)}. "
        f"{generated()}.</p>",
    ]
    parts += [
        f'<p class="meta"><code>{esc(sc.name)}</code>: {esc(sc.description)}</p>'
        for sc in comp.scenarios
        if sc.description
    ]
    if comp.failures:
        parts.append(
            f'<p class="clear">{len(comp.failures)} run(s) failed and are left out of the statistics; '
            "see the list at the end.</p>"
        )
    clear, unclear = _statements(comp)
    parts.append("<h2>In short</h2>")
    parts.append(
        bullets(
            [c for h, c in clear if h],
            "<p>None of the headline outcomes differs clearly (at 95 %) from the reference.</p>",
        )
    )
    diff = differing_parameters(comp.scenarios)
    rows = [[f"<code>{esc(k)}</code>", esc(field_spec(k).metadata["doc"]), *map(esc, v)] for k, v in diff]
    header = ["parameter", "meaning", *[f"<code>{esc(n)}</code>" for n in comp.names]]
    parts.append("<h2>What differs between the scenarios</h2>")
    parts.append(
        table(header, rows, left=2)
        if rows
        else "<p>The scenarios have the same parameters (only their names differ).</p>"
    )
    parts.append(f"<h2>Headline outcomes in {esc(comp.last_quarter)}</h2>")
    parts.append(
        '<p class="muted">Mean over replications with its 95 % interval; for the other scenarios also the '
        'paired difference to the reference. <span class="clear">Red</span>: the interval of the '
        "difference excludes zero.</p>"
    )
    parts.append(_headline_table(comp))
    parts.append("<h2>Over time</h2>")
    parts.append(img(figs["timeseries.png"], "headline outcomes over time"))
    parts.append("<h2>Differences to the reference</h2>")
    parts.append(img(figs["differences.png"], "paired differences"))
    parts.append("<h2>Differences that are clear at 95 %</h2>")
    parts.append(bullets([c for _, c in clear]))
    parts.append("<h2>Differences that are not clear at 95 %</h2>")
    parts.append(
        '<p class="muted">The interval of the paired difference includes zero: with these replications the '
        "model cannot tell these scenarios apart on these outcomes.</p>"
    )
    parts.append(bullets(unclear))
    parts.append("<h2>All outcomes</h2>")
    parts.append(_all_outcomes(comp))
    parts.append("<h2>How to read this</h2>")
    parts.append(HOW_TO_READ.format(n=n_rep))
    parts.append(runs_html(comp.seeds, comp.failures))
    return page(f"clusterpolicy comparison: {', '.join(comp.names)}", "\n".join(parts))


def write(comp: Comparison, out: Path, report_html: bool = True) -> list[str]:
    """Write summary.csv, timeseries.parquet, the figures and report.html into ``out``; return the names."""
    write_csv(out / "summary.csv", comp.summary)
    write_parquet(out / "timeseries.parquet", comp.timeseries)
    if not len(comp.timeseries):
        return ["summary.csv", "timeseries.parquet"]
    figs = figures(comp)
    write_figures(out, figs)
    if report_html:
        write_text(out / "report.html", report(comp, figs))
    return [f for f in FILES if report_html or f != "report.html"]

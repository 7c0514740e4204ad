"""What scenario discovery shows: the terminal text, the figure, the report and the files.

Labels and values come from the declarations (parameters' labels and units, outcomes' labels and units);
the figure is drawn once and the same PNG bytes go to ``discover.png`` and into ``discover.html``.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from clusterpolicy.analysis.discovery import Box, Discovery, Limit
from clusterpolicy.outputs.figures import render
from clusterpolicy.outputs.files import write_csv, write_figures, write_text
from clusterpolicy.outputs.format import fmt, label, limit_text, number_text, param_label
from clusterpolicy.outputs.html import bullets, esc, generated, img, page, table
from clusterpolicy.runs.results import SweepInfo

FILES = ("boxes.csv", "scores.csv", "discover.png", "discover.html")
KIND_COLOURS = {"lever": "#1f77b4", "uncertainty": "#ff7f0e", "parameter": "#555555"}


def rule_text(d: Discovery) -> str:
    """The cases of interest in words: ``proposals crowded out (cum.) above 300``."""
    what = label(d.outcome)
    if d.rule == "top":
        share = f"{100 * (d.top or 0):g} %"
        return f"{what} in the top {share} of design points (at least {fmt(d.outcome, d.threshold)})"
    return f"{what} {d.rule} {fmt(d.outcome, d.threshold)}"


def limit_words(lim: Limit) -> str:
    """One restricted parameter in words, with its declared label."""
    name = param_label(lim.parameter)
    if lim.values is not None:
        return f"{name}: {', '.join(lim.values)}"
    return f"{name} {limit_text(lim.parameter, lim.low, lim.high)}"


def _qp(q: float) -> str:
    if not math.isfinite(q):
        return "n/a"
    return "<0.001" if q < 0.001 else f"{q:.3f}"


# ------------------------------------------------------------------------------------------- terminal
def summary_text(d: Discovery) -> str:
    """The terminal text: the cases, the boxes shown (the chosen one marked), its limits, the scores."""
    pct = 100 * d.cases / d.points
    lines = [
        f"cases of interest: {rule_text(d)}: {d.cases} of {d.points} design points ({pct:.0f} %)"
        + (f"; {d.left_out} point(s) without a value left out" if d.left_out else ""),
        f"PRIM peeling trajectory: {len(d.trajectory)} boxes; shown: per number of restricted parameters "
        f"the densest box with coverage >= {d.min_coverage:g}; * = chosen (the densest whose limits all "
        "have quasi-p <= 0.05)",
        "",
        "     box  coverage  density  mass   restricted",
    ]
    for b in d.boxes:
        mark = "*" if b.index == d.chosen.index else " "
        lines.append(
            f"  {mark} {b.index:>4}  {b.coverage:8.2f}  {b.density:7.2f}  {b.mass:4.2f}   "
            + "; ".join(f"{limit_words(lim)}" for lim in b.limits)
        )
    c = d.chosen
    lines += [
        "",
        f"chosen box {c.index}: {c.cases} of the {d.cases} cases lie inside it (coverage {c.coverage:.0%}), "
        f"and {c.cases} of the {c.points} points inside it are cases (density {c.density:.0%}; "
        f"{pct:.0f} % in the whole design)",
    ]
    for lim in c.limits:
        lines.append(f"    {limit_words(lim):70} ({d.kinds.get(lim.parameter, '')}; quasi-p {_qp(lim.qp)})")
    lines += ["", _scores_text(d)]
    lines += [f"note: {n}" for n in d.notes]
    return "\n".join(lines)


def _scores_text(d: Discovery) -> str:
    has_st = "ST" in d.scores.columns
    head = "feature scores (extra trees, share of the outcome's explained variation)"
    head += "; beside them the Sobol' total-order index ST ± 95 % half-width" if has_st else ""
    lines = [head + ":"]
    for r in d.scores.itertuples():
        st = ""
        if has_st and isinstance(r.ST, float) and math.isfinite(r.ST):
            st = f"   ST {r.ST:5.2f} ± {r.ST_conf:4.2f}"
        lines.append(f"    {param_label(r.parameter)[:52]:52} {r.kind:12} {r.importance:5.2f}{st}")
    return "\n".join(lines)


# -------------------------------------------------------------------------------------------- figures
def figure(d: Discovery) -> plt.Figure:
    """Three panels: the trajectory (coverage against density), the chosen box's limits, the scores."""
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8), gridspec_kw={"width_ratios": [1, 1.3, 1.1]})
    _trajectory_panel(axes[0], d)
    _box_panel(axes[1], d, d.chosen)
    _scores_panel(axes[2], d)
    fig.suptitle(f"Scenario discovery: {rule_text(d)}", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return fig


def _trajectory_panel(ax: plt.Axes, d: Discovery) -> None:
    t = d.trajectory
    sc = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18)
    shown = [b.index for b in d.boxes]
    ax.scatter(t.loc[shown, "coverage"], t.loc[shown, "density"], facecolors="none", edgecolors="black", s=60)
    c = d.chosen
    ax.annotate(
        f"box {c.index}", (c.coverage, c.density), xytext=(-34, -12), textcoords="offset points", fontsize=8
    )
    ax.axvline(d.min_coverage, color="#999999", ls=":", lw=1)
    ax.set_xlabel("coverage (share of all cases inside the box)", fontsize=8)
    ax.set_ylabel("density (share of cases among points inside)", fontsize=8)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("peeling trajectory (circled: shown boxes)", fontsize=10)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    cb = plt.colorbar(sc, ax=ax, ticks=sorted({int(v) for v in t["res_dim"]}))
    cb.set_label("restricted parameters", fontsize=8)
    cb.ax.tick_params(labelsize=8)


def _box_panel(ax: plt.Axes, d: Discovery, b: Box) -> None:
    """Each restricted parameter's range in the design (grey) and in the box (colour), on 0-1."""
    ax.set_title(f"box {b.index}: coverage {b.coverage:.0%}, density {b.density:.0%}", fontsize=10)
    if not b.limits:
        ax.text(0.5, 0.5, "no parameter restricted", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    for i, lim in enumerate(b.limits):
        colour = KIND_COLOURS.get(d.kinds.get(lim.parameter, "parameter"), "#555555")
        ax.barh(i, 1.0, left=0.0, height=0.5, color="#e5e5e5")
        if lim.values is not None:
            full = d.ranges[lim.parameter]
            for j, v in enumerate(full):
                if v in lim.values:
                    ax.barh(i, 1 / len(full), left=j / len(full), height=0.5, color=colour)
            ax.text(1.02, i, ", ".join(lim.values), va="center", fontsize=7)
            continue
        lo_full, hi_full = d.ranges[lim.parameter]
        span = (hi_full - lo_full) or 1.0
        lo = 0.0 if lim.low is None else (lim.low - lo_full) / span
        hi = 1.0 if lim.high is None else (lim.high - lo_full) / span
        ax.barh(i, hi - lo, left=lo, height=0.5, color=colour)
        ax.text(1.02, i, limit_text(lim.parameter, lim.low, lim.high), va="center", fontsize=7)
    ax.set_yticks(range(len(b.limits)), [_wrap(param_label(lim.parameter)) for lim in b.limits], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.5, 1], ["low end", "middle", "high end"], fontsize=8)
    ax.set_xlabel("position in the range sampled (grey: all of it; colour: the box)", fontsize=8)


def _scores_panel(ax: plt.Axes, d: Discovery) -> None:
    s = d.scores
    y = np.arange(len(s))
    colours = [KIND_COLOURS.get(k, "#555555") for k in s["kind"]]
    has_st = "ST" in s.columns and s["ST"].notna().any()
    h = 0.38 if has_st else 0.6
    ax.barh(y - (0.2 if has_st else 0), s["importance"], height=h, color=colours, label="extra-trees score")
    if has_st:
        ax.barh(y + 0.2, s["ST"], height=h, xerr=s["ST_conf"], color=colours, alpha=0.45, hatch="//",
                error_kw={"elinewidth": 0.8, "capsize": 2}, label="Sobol' ST ± 95 %")  # fmt: skip
        ax.legend(fontsize=7, loc="lower right")
    ax.set_yticks(y, [_wrap(param_label(p)) for p in s["parameter"]], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", lw=0.6)
    ax.set_title("what drives the outcome itself", fontsize=10)
    ax.set_xlabel("share (scores sum to 1; ST: share of variance incl. interactions)", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", alpha=0.3)


def _wrap(text: str, width: int = 28) -> str:
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    return text[:cut] + "\n" + _wrap(text[cut:].strip(), width)


# --------------------------------------------------------------------------------------------- report
def report(d: Discovery, png: bytes, *, info: SweepInfo | None = None) -> str:
    """The self-contained HTML page: the answer first, then the boxes, the scores, how to read it."""
    c = d.chosen
    pct = 100 * d.cases / d.points
    title = f"Under which conditions is {label(d.outcome)} {'high' if d.rule != 'below' else 'low'}?"
    parts = [f"<h1>{esc(title)}</h1>"]
    where = (
        f"sweep <code>{esc(info.name)}</code> ({esc(info.design)}, base <code>{esc(info.base)}</code>)"
        if info
        else "a sweep"
    )
    parts.append(
        f'<p class="meta">Scenario discovery (PRIM, EMA Workbench) on {where}: {d.points:,} design points '
        f"x {d.replications} replication(s), each point's outcome the mean of its replicates. "
        f"{esc(generated())}.</p>"
    )
    answer = (
        (
            f"<b>{esc(rule_text(d))}</b> happens at {d.cases} of {d.points} design points ({pct:.0f} %). "
            f"It is concentrated where "
            + "; ".join(f"<b>{esc(limit_words(lim))}</b>" for lim in c.limits)
            + f": {c.coverage:.0%} of those points lie in that region (coverage), and {c.density:.0%} of the "
            f"points in it show the outcome (density, against {pct:.0f} % overall). The region holds "
            f"{c.mass:.0%} of the design."
        )
        if c.limits
        else "<b>No region</b> of the parameters concentrates the cases (see the notes)."
    )
    top = d.scores.iloc[0]
    answer += (
        " The parameter that explains most of the outcome itself is "
        f"<b>{esc(param_label(top['parameter']))}</b> "
        f"({esc(top['kind'])}; extra-trees score {top['importance']:.2f})."
    )
    parts += ["<h2>In short</h2>", f"<p>{answer}</p>"]
    if d.notes:
        parts.append(bullets([esc(n) for n in d.notes]))
    parts.append(img(png, "PRIM trajectory, the chosen box and the feature scores"))
    parts += ["<h2>The boxes</h2>", _boxes_table(d), _limits_table(d)]
    parts += ["<h2>Which parameters matter</h2>", _scores_table(d)]
    parts += ["<h2>How to read this</h2>", HOW_TO_READ]
    return page(f"clusterpolicy discover: {d.outcome}", "\n".join(parts))


HOW_TO_READ = (
    "<p>PRIM looks for a region of the varied parameters (a box: a range for a few of them) that holds "
    "many of the design points where the outcome is as asked (<i>coverage</i>: the share of all such "
    "points inside the box) and few others (<i>density</i>: the share of the points inside the box that "
    "are such points). It peels the box step by step; each step is a box of the peeling trajectory, "
    "trading coverage for density. The table shows, for each number of restricted parameters, the "
    "densest box that still has the coverage asked for; the chosen one is the densest of these. A "
    "quasi-p value is the chance that a limit that tight arises by chance when the parameter does not "
    "matter: large values (above 0.05) mark a limit that may be noise, so the chosen box is the densest "
    "shown box whose limits all have quasi-p values of at most 0.05. <i>Levers</i> are the rules the "
    "government sets; <i>uncertainties</i> are what we do not know about behaviour: a box drawn by "
    "uncertainties names conditions under which a rule works out badly, a box drawn by levers names "
    "rules to avoid. The feature scores (extra trees, as EMA Workbench computes them) rank the "
    "parameters by how much of the outcome's variation they explain, with no threshold; for a Sobol' "
    "sweep the total-order indices ST are beside them. The results hold over the ranges sampled, under "
    "the model's assumptions (docs/ODD.md); they are not forecasts.</p>"
)


def _boxes_table(d: Discovery) -> str:
    rows = []
    for b in d.boxes:
        rows.append(
            [
                esc(f"{b.index}{' (chosen)' if b.index == d.chosen.index else ''}"),
                esc(f"{b.coverage:.0%}"),
                esc(f"{b.density:.0%}"),
                esc(f"{b.mass:.0%}"),
                esc(b.restricted),
                esc("; ".join(limit_words(lim) for lim in b.limits)),
            ]
        )
    return table(["box", "coverage", "density", "mass", "restricted", "limits"], rows, left=1)


def _limits_table(d: Discovery) -> str:
    rows = []
    for lim in d.chosen.limits:
        if lim.values is not None:
            box, full = ", ".join(lim.values), ", ".join(d.ranges[lim.parameter])
        else:
            box = limit_text(lim.parameter, lim.low, lim.high)
            lo, hi = d.ranges[lim.parameter]
            full = limit_text(lim.parameter, lo, hi)
        rows.append(
            [
                esc(param_label(lim.parameter)) + f"<br><code>{esc(lim.parameter)}</code>",
                esc(d.kinds.get(lim.parameter, "")),
                esc(box),
                esc(full),
                esc(_qp(lim.qp)),
            ]
        )
    return f"<h3>The chosen box, box {d.chosen.index}</h3>" + table(
        ["parameter", "kind", "in the box", "sampled", "quasi-p"], rows, left=2
    )


def _scores_table(d: Discovery) -> str:
    has_st = "ST" in d.scores.columns
    rows = []
    for r in d.scores.itertuples():
        cells = [
            esc(param_label(r.parameter)) + f"<br><code>{esc(r.parameter)}</code>",
            esc(r.kind),
            esc(f"{r.importance:.2f}"),
        ]
        if has_st:
            st = r.ST if isinstance(r.ST, float) else math.nan
            cells.append(
                esc(f"{number_text(st)} ± {number_text(r.ST_conf, 2)}" if math.isfinite(st) else "n/a")
            )
        rows.append(cells)
    head = ["parameter", "kind", "extra-trees score", *(["Sobol' ST ± 95 %"] if has_st else [])]
    return table(head, rows, left=2)


# ---------------------------------------------------------------------------------------------- files
def boxes_frame(d: Discovery) -> pd.DataFrame:
    """``boxes.csv``: one row per shown box and restricted parameter (``chosen`` marks the chosen box)."""
    rows = []
    for b in d.boxes:
        for lim in b.limits or [Limit("", None, None, None, math.nan)]:
            rows.append(
                {
                    "box": b.index,
                    "chosen": b.index == d.chosen.index,
                    "coverage": b.coverage,
                    "density": b.density,
                    "mass": b.mass,
                    "points": b.points,
                    "cases": b.cases,
                    "restricted": b.restricted,
                    "parameter": lim.parameter,
                    "kind": d.kinds.get(lim.parameter, ""),
                    "low": lim.low,
                    "high": lim.high,
                    "values": "|".join(lim.values) if lim.values is not None else "",
                    "qp": lim.qp,
                }
            )
    return pd.DataFrame(rows)


def write(d: Discovery, out: Path, *, info: SweepInfo | None = None, sweep: Path | None = None) -> list[str]:
    """Write boxes.csv, scores.csv, discover.png and discover.html into ``out``; returns their names."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "boxes.csv", boxes_frame(d))
    write_csv(out / "scores.csv", d.scores)
    png = render(figure(d))
    write_figures(out, {"discover.png": png})
    write_text(out / "discover.html", report(d, png, info=info))
    return list(FILES)

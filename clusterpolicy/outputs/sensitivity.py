"""What a sensitivity analysis shows: the terminal summary, plain-language statements, figures, report.

Figures are drawn once (:func:`figures`) and the same PNG bytes go to ``indices.png``/``morris.png`` and
into ``sensitivity.html``. Morris effects are differences of an outcome, shown in its declared unit.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.patches import Patch

from clusterpolicy.analysis.sensitivity import (
    EXTRA_COLUMNS,
    INDEX_COLUMNS,
    SensitivityResult,
    bootstrap_seed,
    convergence,
    drivers,
    is_flag,
    lever_share,
    out_of_range,
    tol_text,
)
from clusterpolicy.inputs.sweep_spec import SweepSpec
from clusterpolicy.model.params import ParameterError, field_spec
from clusterpolicy.outputs.figures import constant_panel, noise_line, panels, render
from clusterpolicy.outputs.files import write_csv, write_figures, write_text
from clusterpolicy.outputs.format import (
    axis_label,
    effect_text,
    fmt,
    label,
    number_text,
    param_label,
    scale,
    unit_of,
)
from clusterpolicy.outputs.html import bullets, esc, img, page, table
from clusterpolicy.outputs.provenance import git_commit, package_version
from clusterpolicy.outputs.sweep import cost_text
from clusterpolicy.runs.samplers import seeds_for


def _short(key: str) -> str:
    return key.split(".", 1)[-1]


def _name(key: str) -> str:
    """A parameter's declared label (a plain function's parameter keeps its name)."""
    return param_label(key)


def _wrap(text: str, width: int = 30) -> str:
    """Text broken at spaces into lines of at most ``width`` characters (for tick labels)."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join([*lines, line])


def readable(text: str, res: SensitivityResult) -> str:
    """A warning with labels instead of raw ids: outcomes by their label, parameters by their label."""
    names = {o: label(o) for o in res.outcomes}
    names |= {p: f"{_name(p)}" for p in res.parameters if _name(p) != p}
    for raw in sorted(names, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.]){re.escape(raw)}(?![\w])", names[raw].replace("\\", "\\\\"), text)
    return text


def interval_html(value: float, conf: float, digits: int = 2) -> str:
    """``0.54 to 1.58`` kept on one line (an interval never breaks across lines)."""
    if not (math.isfinite(value) and math.isfinite(conf)):
        return esc(number_text(value))
    return f'<span class="nowrap">{value - conf:.{digits}f} to {value + conf:.{digits}f}</span>'


# ------------------------------------------------------------------------------------------- terminal
def summary_text(res: SensitivityResult) -> str:
    """The terminal summary: per outcome the clear drivers (at most three), then the warnings."""
    pct = f"{100 * res.conf_level:g} %"
    if res.method == "sobol":
        key_text = f"total-order index ST ± {pct} half-width (first-order S1)"
    else:
        key_text = f"Morris μ* ± {pct} half-width (σ), in outcome units per whole range"
    lines = [f"drivers per outcome: {key_text}; '?' = not settled (N/2 vs N)"]
    idx = res.indices.set_index(["outcome", "index", "parameter"])
    width = max([38, *(len(_name(p)) for p in res.parameters)])  # no parameter label is cut
    for o in res.outcomes:
        noise = res.noise.set_index("outcome").loc[o]
        level = noise["noise_share"] if res.method == "sobol" else noise["noise_mu_star"]
        ntext = f"replicate noise {level:.3g}" if level == level else "noise not estimated"
        lines.append(f"  {label(o)} [{ntext}]")
        if o in res.constant:
            lines.append("      does not vary over the design")
            continue
        dr = drivers(res, o)
        for r in dr.head(3).itertuples():
            mark = " ?" if is_flag(r.converged, False) else ""
            if res.method == "sobol":
                s1 = idx.loc[(o, "S1", r.parameter), "value"]
                text = f"{r.value:5.2f} ± {r.conf:4.2f}  ({s1:.2f})"
            else:
                sigma = idx.loc[(o, "sigma", r.parameter), "value"]
                text = f"{effect_text(o, r.value)} ± {effect_text(o, r.conf)}  ({effect_text(o, sigma)})"
            lines.append(f"      {_name(r.parameter):{width}} {r.kind:12} {text}{mark}")
        rest = len(res.parameters) - min(3, len(dr))
        if dr.empty:
            lines.append("      no parameter clearly above zero and the replicate noise")
        elif rest:
            below = len(res.parameters) - len(dr)
            extra = f"{len(dr) - 3} more clear, " if len(dr) > 3 else ""
            lines.append(f"      ({extra}{below} not clearly above zero and the noise)")
        share = lever_share(res, o)
        if share is not None and not dr.empty:
            lev, unc = 100 * share, 100 * (1 - share)
            lines.append(f"      levers {lev:.0f} %, uncertainties {unc:.0f} % of the summed index")
    if res.warnings:
        lines.append("")
        lines += [f"warning: {readable(w, res)}" for w in res.warnings]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------ plain language
def statements(res: SensitivityResult) -> list[str]:
    """One plain-language sentence (HTML) per outcome: what drives it, levers vs uncertainties."""
    out = []
    key = "ST" if res.method == "sobol" else "mu_star"
    for o in res.outcomes:
        if o in res.constant:
            out.append(f"<b>{esc(label(o))}</b> did not vary over the design.")
            continue
        dr = drivers(res, o)
        if dr.empty:
            out.append(
                f"<b>{esc(label(o))}</b>: no parameter moves it clearly beyond zero and the replicate noise."
            )
            continue
        parts = []
        for r in dr.head(3).itertuples():
            val = (
                f"{key} {r.value:.2f} ± {r.conf:.2f}"
                if res.method == "sobol"
                else f"μ* {effect_text(o, r.value)} ± {effect_text(o, r.conf)} per whole range"
            )
            direction = ""
            if res.method == "morris":
                mu = res.indices[
                    (res.indices["outcome"] == o)
                    & (res.indices["parameter"] == r.parameter)
                    & (res.indices["index"] == "mu")
                ]["value"]
                if len(mu) and abs(float(mu.iloc[0])) >= 0.8 * r.value:
                    direction = (
                        ", raising it " + ("increases" if float(mu.iloc[0]) > 0 else "decreases") + " it"
                    )
                elif len(mu):
                    direction = ", in both directions"
            parts.append(f"<code>{esc(r.parameter)}</code> ({esc(r.kind)}; {esc(val)}{esc(direction)})")
        more = len(dr) - 3
        tail = f", and {more} more" if more > 0 else ""
        sentence = f"<b>{esc(label(o))}</b> is driven mainly by " + ", then ".join(parts) + esc(tail) + "."
        share = lever_share(res, o)
        if share is not None:
            what = "total-order indices" if res.method == "sobol" else "μ*"
            sentence += (
                f" Levers account for {100 * share:.0f} % of the summed {what}, behavioural uncertainties "
                f"for {100 * (1 - share):.0f} %."
            )
        if res.method == "sobol":
            s1 = res.indices[(res.indices["outcome"] == o) & (res.indices["index"] == "S1")]["value"].sum()
            if s1 < 0.7:
                sentence += (
                    f" The first-order indices sum to {s1:.2f}: interactions between parameters matter."
                )
        weak = [p for p in res.parameters if p not in set(dr["parameter"])]
        if weak:
            sentence += (
                " Not clearly above zero and the replicate noise: "
                + ", ".join(f"<code>{esc(_short(p))}</code>" for p in weak)
                + "."
            )
        out.append(sentence)
    return out


# -------------------------------------------------------------------------------------------- figures
KIND_COLOURS = {
    "lever": "#1f77b4",
    "uncertainty": "#ff7f0e",
    "parameter": "#555555",
    "interaction": "#999999",
}


def indices_figure(res: SensitivityResult) -> plt.Figure:
    """Bars with intervals per outcome: S1 and ST (Sobol') or mu_star (Morris); dashed: the noise level."""
    outcomes = res.outcomes
    fig, axes = panels(len(outcomes), 3, 6.2, 0.9 + 0.42 * len(res.parameters), extra_height=0.9)
    names = res.parameters
    ypos = np.arange(len(names))
    for ax, o in zip(axes, outcomes, strict=True):
        d = res.indices[res.indices["outcome"] == o].set_index(["index", "parameter"])
        colours = [KIND_COLOURS.get(res.kinds.get(p, "parameter"), "#555555") for p in names]
        ax.set_title(label(o)[:60], fontsize=10)
        if o in res.constant:
            constant_panel(ax)
            continue
        if res.method == "sobol":
            for key, off, alpha, hatch in (("S1", -0.2, 0.45, "//"), ("ST", 0.2, 0.95, "")):
                vals = [d.loc[(key, p), "value"] for p in names]
                err = [d.loc[(key, p), "conf"] for p in names]
                ax.barh(
                    ypos + off,
                    vals,
                    height=0.38,
                    xerr=err,
                    color=colours,
                    alpha=alpha,
                    hatch=hatch,
                    error_kw={"elinewidth": 0.8, "capsize": 2},
                )
            ax.set_xlabel("Sobol' index (hatched: first order S1; solid: total order ST)", fontsize=8)
            vals = d.loc[["S1", "ST"], "value"].to_numpy(float)
            errs = np.nan_to_num(d.loc[["S1", "ST"], "conf"].to_numpy(float))
            # the whole of every bar and interval is shown; outside [0, 1] (grey) an estimate is an error
            ax.set_xlim(min(-0.05, np.nanmin(vals - errs) - 0.05), max(1.05, np.nanmax(vals + errs) + 0.05))
            lo, hi = ax.get_xlim()
            ax.axvspan(lo, 0, color="#eeeeee", zorder=0)
            ax.axvspan(1, hi, color="#eeeeee", zorder=0)
        else:
            k = scale(o, difference=True)
            vals = [k * d.loc[("mu_star", p), "value"] for p in names]
            err = [k * d.loc[("mu_star", p), "conf"] for p in names]
            ax.barh(
                ypos, vals, height=0.6, xerr=err, color=colours, error_kw={"elinewidth": 0.8, "capsize": 2}
            )
            ax.set_xlabel(f"Morris μ* ({axis_label(o, difference=True)} per whole range)", fontsize=8)
        noise = res.noise.set_index("outcome").loc[
            o, "noise_share" if res.method == "sobol" else "noise_mu_star"
        ] * (1.0 if res.method == "sobol" else scale(o, difference=True))
        if np.isfinite(noise):
            ax.axvline(noise, color="#b3261e", ls="--", lw=1)
        ax.set_yticks(ypos, [_wrap(_name(p)) for p in names], fontsize=7)
        ax.invert_yaxis()
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    handles: list[Artist] = [Patch(color=KIND_COLOURS[k], label=k) for k in sorted(set(res.kinds.values()))]
    handles.append(noise_line("replicate noise"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    pct = f"{100 * res.conf_level:g} %"
    fig.suptitle(
        f"Sensitivity indices with {pct} bootstrap intervals: {res.name}"
        + (
            " (grey: outside [0, 1], where only estimation error puts an index)"
            if res.method == "sobol"
            else ""
        ),
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    return fig


def morris_figure(res: SensitivityResult) -> plt.Figure:
    """μ*–σ plots per outcome (Morris): far right = influential; high = non-linear or interacting."""
    outcomes = res.outcomes
    fig, axes = panels(len(outcomes), 3, 5.2, 3.6, extra_height=0.9)
    names = res.parameters
    for ax, o in zip(axes, outcomes, strict=True):
        ax.set_title(label(o)[:60], fontsize=10)
        if o in res.constant:
            constant_panel(ax)
            continue
        d = res.indices[res.indices["outcome"] == o].set_index(["index", "parameter"])
        k = scale(o, difference=True)
        ms = k * np.array([d.loc[("mu_star", p), "value"] for p in names], dtype=float)
        ci = k * np.array([d.loc[("mu_star", p), "conf"] for p in names], dtype=float)
        sg = k * np.array([d.loc[("sigma", p), "value"] for p in names], dtype=float)
        colours = [KIND_COLOURS.get(res.kinds.get(p, "parameter"), "#555555") for p in names]
        ax.errorbar(ms, sg, xerr=ci, fmt="none", ecolor="#999999", elinewidth=0.8, capsize=2)
        ax.scatter(ms, sg, c=colours, s=28, zorder=3)
        for p, a, b in zip(names, ms, sg, strict=True):
            if np.isfinite(a) and np.isfinite(b):
                ax.annotate(_name(p)[:30], (a, b), fontsize=7, xytext=(3, 3), textcoords="offset points")
        top = np.nanmax(np.r_[ms + np.nan_to_num(ci), sg, 0.0]) if np.isfinite(ms).any() else 1.0
        top = top * 1.1 if top > 0 else 1.0
        ax.plot([0, top], [0, top], color="#888888", lw=0.8, ls=":")
        noise = k * res.noise.set_index("outcome").loc[o, "noise_mu_star"]
        if np.isfinite(noise):
            ax.axvline(noise, color="#b3261e", ls="--", lw=1)
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel(
            f"μ* (mean |elementary effect|, {axis_label(o, difference=True)} per whole range)", fontsize=8
        )
        ax.set_ylabel("σ (sd of elementary effects)", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    handles: list[Artist] = [Patch(color=KIND_COLOURS[k], label=k) for k in sorted(set(res.kinds.values()))]
    handles.append(noise_line("replicate noise"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    fig.suptitle(f"Morris μ*–σ: {res.name} (dotted: σ = μ*)", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    return fig


def convergence_figure(res: SensitivityResult, path: pd.DataFrame) -> plt.Figure:
    """Each outcome's leading indices (ST, or μ*) against the number of base samples, with intervals."""
    key = "ST" if res.method == "sobol" else "mu_star"
    outcomes = [o for o in res.outcomes if o not in res.constant]
    fig, axes = panels(max(1, len(outcomes)), 3, 5.2, 3.4, extra_height=0.9)
    unit = "base samples N" if res.method == "sobol" else "trajectories r"
    for ax, o in zip(axes, outcomes, strict=False):
        d = path[(path["outcome"] == o) & (path["index"] == key)]
        final = d[d["n"] == d["n"].max()].sort_values("value", ascending=False)
        k = 1.0 if res.method == "sobol" else scale(o, difference=True)
        for i, p in enumerate(final["parameter"].head(4)):
            s = d[d["parameter"] == p].sort_values("n")
            colour = f"C{i}"
            v, c = k * s["value"].to_numpy(float), k * s["conf"].to_numpy(float)
            ax.plot(s["n"], v, marker="o", ms=3, color=colour, label=_name(p)[:34])
            ax.fill_between(s["n"], v - c, v + c, color=colour, alpha=0.12)
        ax.set_xscale("log", base=2)
        ns = sorted(set(d["n"]))
        ax.set_xticks(ns, [str(n) for n in ns])
        if res.method == "sobol":
            ax.axhspan(1, 10, color="#eeeeee", zorder=0)
            ax.axhspan(-10, 0, color="#eeeeee", zorder=0)
            vals = d["value"].to_numpy(float)
            ax.set_ylim(min(-0.1, np.nanmin(vals) - 0.1), max(1.1, np.nanmax(vals) + 0.1))
        ax.set_title(label(o)[:60], fontsize=10)
        ax.set_xlabel(unit, fontsize=8)
        ax.set_ylabel(key if res.method == "sobol" else f"μ* ({axis_label(o, difference=True)})", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6, loc="best")
    fig.suptitle(
        f"Convergence: the four largest {'total-order indices' if key == 'ST' else 'μ*'} on the first "
        f"N/8, N/4, N/2 and all {unit} (bands: bootstrap intervals; a settled index stays inside them)",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return fig


# --------------------------------------------------------------------------------------------- report
def first_screen(res: SensitivityResult) -> str:
    """What matters most and how sure, per outcome, in plain words: labels, intervals, no raw ids."""
    pct = f"{100 * res.conf_level:g} %"
    items = []
    wide = out_of_range(res)
    for o in res.outcomes:
        if o in res.constant:
            items.append(f"<b>{esc(label(o))}</b> did not vary over the design.")
            continue
        dr = drivers(res, o)
        if dr.empty:
            items.append(f"<b>{esc(label(o))}</b>: no parameter clearly moves it beyond the replicate noise.")
            continue
        top = dr.iloc[0]
        sure = "settled" if not is_flag(top["converged"], False) else "<b>not settled</b> (N/2 and N differ)"
        if res.method == "sobol":
            value = f"ST {top['value']:.2f} ({esc(pct)} interval {interval_html(top['value'], top['conf'])})"
        else:
            value = (
                f"μ* {esc(effect_text(o, top['value']))} "
                f'(± <span class="nowrap">{esc(effect_text(o, top["conf"]))}</span>) per whole range'
            )
        text = (
            f"<b>{esc(label(o))}</b>: driven most by <b>{esc(_name(top['parameter']))}</b> "
            f"({esc(top['kind'])}; {value}); {sure}."
        )
        if len(dr) > 1:
            text += " Then " + ", ".join(esc(_name(p)) for p in dr["parameter"].iloc[1:3]) + "."
        w = wide[wide["outcome"] == o] if len(wide) else wide
        if len(w):
            need = w["n_needed"].dropna()
            fix = f" about N = {int(need.max()):,} would bring them in" if len(need) else ""
            text += f" {len(w)} index(es) lie outside [0, 1] (estimation error, see the warnings);{fix}."
        items.append(text)
    return '<div class="answer box"><b>What matters most, and how sure</b>' + bullets(items, "") + "</div>"


def _header(res: SensitivityResult, spec: SweepSpec | None, manifest: dict[str, Any] | None) -> list[str]:
    """Title, description, the design in one paragraph, provenance and warnings."""
    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    prov = (manifest or {}).get("provenance", {})
    run_commit = prov.get("git_commit") or git_commit() or "unknown"
    run_version = (prov.get("packages") or {}).get("clusterpolicy") or package_version()
    salib = (prov.get("packages") or {}).get("SALib") or "?"
    pct = f"{100 * res.conf_level:g} %"
    unit = "base samples" if res.method == "sobol" else "trajectories"
    method_name = "Sobol'" if res.method == "sobol" else "Morris"
    d_n = len(res.parameters)
    parts = [f"<h1>Sensitivity analysis: {esc(res.name)}</h1>"]
    if spec is not None and spec.description:
        parts.append(f'<p class="meta">{esc(spec.description)}</p>')
    base = f"base scenario <code>{esc(spec.base.name)}</code>" if spec is not None else "a Python function"
    fixed = (
        " with " + ", ".join(f"<code>{esc(s)}</code>" for s in spec.fixed)
        if spec is not None and spec.fixed
        else ""
    )
    size = (
        f"N = {res.n} {unit} x (D+2) = {d_n + 2}"
        if res.method == "sobol" and not res.second_order
        else f"N = {res.n} {unit} x (2D+2) = {2 * d_n + 2}"
        if res.method == "sobol"
        else f"r = {res.n} {unit} x (D+1) = {d_n + 1}"
    )
    parts.append(
        f'<p class="meta">{esc(method_name)} design on {base}{fixed}: {esc(size)} = {res.points:,} design '
        f"points x {res.replications} replication(s); {res.runs:,} runs finished, {res.failed} failed. "
        f"Intervals: {esc(pct)}, {res.bootstrap} bootstrap resamples. Values are those of the last quarter. "
        f"Runs by clusterpolicy {esc(run_version)} (git {esc(str(run_commit)[:12])}), SALib {esc(salib)}; "
        f"report generated {esc(when)} by clusterpolicy {esc(package_version())}.</p>"
    )
    parts.append(first_screen(res))
    if res.warnings:
        parts.append('<h2>Warnings</h2><ul class="statements">')
        parts += [f'<li class="clear">{esc(readable(w, res))}</li>' for w in res.warnings]
        parts.append("</ul>")
    return parts


def _varied(res: SensitivityResult, spec: SweepSpec | None) -> str:
    """The table of the varied parameters: kind, meaning, unit and range."""
    rows = []
    for p in res.parameters:
        try:
            f = field_spec(p)
            meaning, u = f.metadata["doc"], f.metadata["unit"]
        except ParameterError:  # a plain function's parameter
            meaning, u = "", ""
        lo, hi = res.problem["bounds"][res.parameters.index(p)]
        if spec is not None:
            v = next(v for v in spec.parameters if v.key == p)
            lo, hi = v.bounds if v.bounds is not None else (lo, hi)
        cells = [p, res.kinds.get(p, ""), meaning, u, number_text(lo, 4), number_text(hi, 4)]
        rows.append([f"<code>{esc(cells[0])}</code>", *map(esc, cells[1:])])
    return table(["parameter", "kind", "meaning", "unit", "low", "high"], rows, left=4)


def _indices(res: SensitivityResult, figs: dict[str, bytes]) -> list[str]:
    """What the indices mean, the figures, and one table per outcome."""
    pct = f"{100 * res.conf_level:g} %"
    meaning = (
        "S1: the share of the outcome's variance due to the parameter alone; ST: its share including "
        "all its interactions. "
        if res.method == "sobol"
        else "μ*: the mean absolute elementary effect (outcome units per whole range of the parameter); "
        "σ: the spread of the effects (non-linearity or interactions); μ: their mean (the sign is the "
        "direction). "
    )
    parts = [
        f'<p class="muted">{meaning}± is the {esc(pct)} bootstrap half-width. <i>~</i>: not clearly above '
        "the replicate noise (the lower end of the interval is below the noise level). <i>?</i>: moved by "
        "more than its interval (or by more than the tolerance) between N/2 and N: not settled.</p>",
        img(figs["indices.png"], "indices with intervals"),
    ]
    if res.method == "morris":
        parts.append(img(figs["morris.png"], "Morris mu-star against sigma"))
    if "convergence.png" in figs:
        parts.append(img(figs["convergence.png"], "indices against the number of base samples"))
    for o in res.outcomes:
        parts.append(f"<h3>{esc(label(o))} (<code>{esc(o)}</code>)</h3>")
        parts.append(_outcome_table(res, o))
    return parts


NOISE_TEXT = {
    "crn": "Replicate r had the same seed at every point (common random numbers), so the part of the noise "
    "that is common to all points shifts every point mean alike and does not affect the indices; the "
    "noise that does not cancel is the point-by-seed interaction, estimated as the residual variance "
    "of the points x replicates table. ",
    "own": "Every run had its own seed; the noise of one run is the mean within-point variance. ",
    "sobol": "The noise share is the noise variance of a point mean over the variance of the point means: "
    "independent noise adds it to every total-order index, so an index below it cannot be told "
    "apart from noise (conservative where the noise of nearby points is alike).",
    "morris": "The noise level of μ* is the mean absolute elementary effect that noise alone would give, "
    "√(2/π)·√(2v)/Δ with v the noise variance of a point mean and Δ the Morris step.",
}


def _noise(res: SensitivityResult) -> list[str]:
    """How the replicate noise is estimated, and its table."""
    text = (
        '<p class="muted">Replicates of a design point differ only in their random seed; the indices are '
        "computed on the mean of the replicates. "
        + NOISE_TEXT["crn" if res.common_random_numbers else "own"]
        + "The noise variance of a point mean is that divided by the replicates. "
        + NOISE_TEXT[res.method]
        + "</p>"
    )
    rows = []
    for r in res.noise.itertuples():
        lvl = r.noise_share if res.method == "sobol" else r.noise_mu_star
        values = [_value_text(r.outcome, v) for v in (r.mean, r.sd_means, r.sd_within, r.sd_noise)]
        level = number_text(lvl) if res.method == "sobol" else effect_text(r.outcome, lvl)
        rows.append([esc(label(r.outcome)), esc(r.replications), *map(esc, values), esc(level)])
    header = [
        "outcome",
        "replicates",
        "mean",
        "sd of point means",
        "sd between seeds (one run)",
        "sd of the noise that does not cancel (one run)",
        "noise share of the variance" if res.method == "sobol" else "noise level of μ*",
    ]
    return [text, table(header, rows)]


HOW_TO_READ = {
    "intro": "<p>A sensitivity analysis asks which of the varied parameters move an outcome, over the ranges "
    "given in the experiment file. <b>Levers</b> are the rules the government sets (<code>[policy]</code>); "
    "<b>uncertainties</b> are what we do not know about how firms and organisations behave "
    "(<code>[behaviour]</code> and the rest). An outcome driven by levers can be steered; one driven by "
    "uncertainties calls for evidence before a rule is chosen on it. The indices depend on the ranges: "
    "a wider range makes a parameter look more important. ",
    "sobol": "Sobol' indices are shares of the outcome's variance over the design: S1 the parameter's own "
    "effect, ST the effect including interactions with the others; ST − S1 is the part that acts "
    "through interactions. ",
    "morris": "Morris screening moves one parameter at a time along random trajectories; μ* ranks "
    "parameters by influence and σ shows whether the effect depends on the other parameters' "
    "values (σ near or above μ*: non-linear or interacting). ",
}


def _how_to_read(res: SensitivityResult, spec: SweepSpec | None) -> list[str]:
    """How to read the indices, and the design's seeds."""
    unit = "base samples" if res.method == "sobol" else "trajectories"
    parts = [
        HOW_TO_READ["intro"]
        + HOW_TO_READ[res.method]
        + "Each design point was run with several seeds and the results averaged; the replicate noise says "
        "how much of the variation is chance. The convergence check recomputes every index on the first "
        f"half of the {esc(unit)}; an index that moved by more than its interval (or by more than "
        f"{esc(tol_text(res))}) has not settled and a larger <code>n</code> is needed. The model "
        "compares rules under its assumptions (docs/ODD.md); it is not a forecast.</p>"
    ]
    if spec is not None:
        seeds = seeds_for(spec)
        crn = (
            "common random numbers: replicate r has the same seed at every point"
            if spec.common_random_numbers
            else "one seed per run"
        )
        shown = ", ".join(str(s) for s in seeds[:50]) + (" ..." if len(seeds) > 50 else "")
        parts.append(
            f"<details><summary>Design and seeds</summary><p>{esc(cost_text(spec))}. Root seed "
            f"{spec.seed} ({esc(crn)}); bootstrap seed {bootstrap_seed(res.seed)}. Seeds: "
            f"<code>{esc(shown)}</code></p></details>"
        )
    return parts


def report(
    res: SensitivityResult,
    figs: dict[str, bytes],
    *,
    spec: SweepSpec | None = None,
    manifest: dict[str, Any] | None = None,
) -> str:
    """The self-contained HTML report of a sensitivity analysis, with the figures ``figs`` embedded."""
    parts = _header(res, spec, manifest)
    parts += ["<h2>In short</h2>", bullets(statements(res), ""), _kinds_summary(res)]
    parts += ["<h2>What was varied</h2>", _varied(res, spec)]
    parts += ["<h2>Indices</h2>", *_indices(res, figs)]
    parts += ["<h2>Replicate noise</h2>", *_noise(res)]
    parts += ["<h2>How to read this</h2>", *_how_to_read(res, spec)]
    return page(f"clusterpolicy sensitivity: {res.name}", "\n".join(parts))


def _value_text(outcome: str, value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    return fmt(outcome, value) if unit_of(outcome) is not None else number_text(value, 4)


def _kinds_summary(res: SensitivityResult) -> str:
    lever_top, unc_top, none = [], [], []
    for o in res.outcomes:
        dr = drivers(res, o)
        if dr.empty:
            none.append(o)
        elif dr.iloc[0]["kind"] == "lever":
            lever_top.append(o)
        elif dr.iloc[0]["kind"] == "uncertainty":
            unc_top.append(o)
    if not (lever_top or unc_top):
        return ""

    def names(xs: list[str]) -> str:
        return ", ".join(esc(label(x)) for x in xs) or "none"

    return (
        f"<p>The strongest driver is a <b>lever</b> for: {names(lever_top)}; a "
        f"<b>behavioural uncertainty</b> for: {names(unc_top)}."
        + (f" No clear driver: {names(none)}." if none else "")
        + "</p>"
    )


def _outcome_table(res: SensitivityResult, o: str) -> str:
    d = res.indices[res.indices["outcome"] == o].set_index(["index", "parameter"])

    def cell(index: str, p: str) -> str:
        if (index, p) not in d.index:
            return ""
        r = d.loc[(index, p)]
        if not math.isfinite(r["value"]):
            return "n/a"
        text = number_text(r["value"]) + (
            f" ± {number_text(r['conf'], 2)}" if math.isfinite(r["conf"]) else ""
        )
        marks = ("~" if is_flag(r["below_noise"], True) else "") + (
            "?" if is_flag(r["converged"], False) else ""
        )
        text = esc(text) + (f" <i>{esc(marks)}</i>" if marks else "")
        return f'<span class="muted">{text}</span>' if is_flag(r["below_noise"], True) else text

    keys = ["S1", "ST"] if res.method == "sobol" else ["mu_star", "sigma", "mu"]
    head = {"S1": "S1", "ST": "ST", "mu_star": "μ*", "sigma": "σ", "mu": "μ"}
    order = list(res.parameters)
    rank_key = "ST" if res.method == "sobol" else "mu_star"
    vals = {p: d.loc[(rank_key, p), "value"] for p in order}
    order.sort(key=lambda p: -vals[p] if math.isfinite(vals[p]) else math.inf)
    rows = [
        [f"{esc(_name(p))}<br><code>{esc(p)}</code>", esc(res.kinds.get(p, "")), *[cell(k, p) for k in keys]]
        for p in order
    ]
    html = table(["parameter", "kind", *[head[k] for k in keys]], rows, left=2)
    if res.second_order and res.method == "sobol":
        s2 = res.indices[(res.indices["outcome"] == o) & (res.indices["index"] == "S2")]
        rows2 = [
            [f"<code>{esc(r.parameter)}</code>", cell("S2", r.parameter)]
            for r in s2.sort_values("value", ascending=False).itertuples()
        ]
        html += (
            "<details><summary>Second-order indices S2</summary>"
            + table(["pair", "S2"], rows2)
            + "</details>"
        )
    return html


# ---------------------------------------------------------------------------------------------- files
def figures(res: SensitivityResult) -> dict[str, bytes]:
    """The figures, rendered once: ``indices.png``, ``morris.png`` (Morris), ``convergence.png``."""
    figs = {"indices.png": render(indices_figure(res))}
    if res.method == "morris":
        figs["morris.png"] = render(morris_figure(res))
    path = convergence(res)
    if len(path):
        figs["convergence.png"] = render(convergence_figure(res, path))
    return figs


def file_names(res: SensitivityResult) -> list[str]:
    """The files :func:`write` writes for this result, in order."""
    figs = ["indices.png", *(["morris.png"] if res.method == "morris" else [])]
    if res.n_used >= 4 and len(res.constant) < len(res.outcomes):
        figs.append("convergence.png")
    return ["indices.csv", "noise.csv", *figs, "sensitivity.html"]


def indices_csv(res: SensitivityResult) -> pd.DataFrame:
    """The rows of ``indices.csv``.

    Columns: outcome, parameter, method, index, value, conf, then kind, noise, below_noise, half, converged.
    """
    return res.indices[INDEX_COLUMNS + EXTRA_COLUMNS]


def write(
    res: SensitivityResult,
    out: Path,
    *,
    spec: SweepSpec | None = None,
    manifest: dict[str, Any] | None = None,
) -> list[str]:
    """Write indices.csv, noise.csv, the figures (indices, morris, convergence) and sensitivity.html.

    Returns:
        The names of the files written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "indices.csv", indices_csv(res))
    write_csv(out / "noise.csv", res.noise)
    figs = figures(res)
    write_figures(out, figs)
    write_text(out / "sensitivity.html", report(res, figs, spec=spec, manifest=manifest))
    return ["indices.csv", "noise.csv", *figs, "sensitivity.html"]

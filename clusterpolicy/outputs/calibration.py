"""What a calibration shows and writes: the summary, the figures, the report and the calibrated scenario.

The report (in English or Dutch) opens with how to read it and, on its first screen, how many parameter
sets were searched and how many met every fitted range, how many targets the chosen set met, and the
chosen values against their searched ranges, beside one figure of every set searched, assumption by
assumption; below: the table of chosen values, the chosen set against each target, the design, the files.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import os
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from clusterpolicy.analysis.calibration import Calibration, chosen_row, ensemble_of, plain_value, round_sig
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.files import scenario_dirs
from clusterpolicy.inputs.scenario import Scenario, load_scenario, toml_value
from clusterpolicy.inputs.sweep_spec import SweepSpec
from clusterpolicy.model.params import field_type
from clusterpolicy.outputs import i18n
from clusterpolicy.outputs.figures import legend_below, localise_ticks, panels, render
from clusterpolicy.outputs.files import atomic_write, write_csv, write_figures, write_text
from clusterpolicy.outputs.format import NBSP, param_label, param_value
from clusterpolicy.outputs.html import answer, esc, img, nw, page, report_top, table, wrap
from clusterpolicy.outputs.html import generated as generated_html
from clusterpolicy.outputs.provenance import git_commit
from clusterpolicy.outputs.validation import target_label, target_text
from clusterpolicy.runs.samplers import n_points

DESIGN_WORDS = {"lhs": "Latin hypercube", "sobol": "Sobol' design", "morris": "Morris design", "grid": "grid"}
FILES = ("calibration.csv", "ensemble.csv", "calibration.png", "calibration_overview.png", "report.html")


def _extends(base: Path, target: Path) -> str:
    """How the written scenario names its base: by name if it lives in scenarios/, else by relative path."""
    base = base.resolve()
    if any(base.parent == d.resolve() for d in scenario_dirs()):
        return base.stem
    return os.path.relpath(base, target.resolve().parent)


def _fmt_range(key: str, lo: float, hi: float) -> str:
    if field_type(key) is int:
        return f"{round(lo)}-{round(hi)}"
    return f"{round_sig(lo)}-{round_sig(hi)}"


def _rel(path: Path | None, default: str) -> str:
    if path is None:
        return default
    with contextlib.suppress(ValueError):
        return str(Path(path).resolve().relative_to(Path.cwd()))
    return str(path)


def design_text(cal: Calibration) -> str:
    """The designs run, in words."""
    first = cal.stages[0] if cal.stages else cal.spec
    text = (
        f"a {DESIGN_WORDS.get(first.design, first.design)} of {n_points(first)} parameter sets x "
        f"{first.replications} replications (common random numbers)"
    )
    if len(cal.stages) > 1:
        second = cal.stages[1]
        n1 = n_points(first)
        top = max(5, math.ceil(cal.refine_top * n1))
        text += f", then a second of {second.n} sets within the box of the best {top} sets of the first"
    return text


def how_obtained(cal: Calibration) -> list[str]:
    """Comment lines on how the calibrated values were obtained."""
    spec = cal.spec
    n = len(cal.points)
    k = len(cal.targets.targets)
    cf = (
        f"; each run paired with its counterfactual ({cal.targets.counterfactual})"
        if cal.counterfactual
        else ""
    )
    best = chosen_row(cal)
    met = f"{int(best['n_within'])} of {k} targets within, shortfall {best['shortfall']:.2f} range widths"
    if cal.accepted:
        design = f"{cal.accepted} of {n} sets fell within every target range"
    else:
        design = (
            f"No set fell within every target range (the best met {int(cal.points['n_within'].max())} of {k})"
        )
    if cal.confirmed is not None:
        reps = int(cal.confirmed["runs"].iloc[0])
        choice = (
            f"{design}. The best {len(cal.confirmed)} sets (smallest shortfall, then gap) ran again with "
            f"{reps} fresh replications; the set chosen misses the ranges by the least on those ({met})"
        )
    elif cal.accepted:
        choice = (
            f"{design}; the set chosen is the accepted one closest to the observed values "
            f"(root-mean-square gap {best['gap']:.2f} range widths)"
        )
    else:
        choice = f"{design}; the set chosen misses the ranges by the least ({met})"
    when = _dt.date.today().isoformat()
    commit = (git_commit() or "unknown")[:12]
    return [
        f"Calibrated by `clusterpolicy calibrate` on {when} (git {commit}) from "
        f"{_rel(spec.path, spec.name)}:",
        f"{design_text(cal)}{cf};",
        f"every set scored against the {k} targets with fit = true in {_rel(cal.targets.path, 'targets')}",
        "(mean over its replications; distances in units of each target's range).",
        f"{choice}.",
        "Values rounded to three significant digits. Procedure and results: docs/validation.md.",
    ]


def calibrated_toml(cal: Calibration, path: Path, name: str | None = None) -> str:
    """The calibrated scenario file: extends the base and sets the calibrated values, with comments."""
    spec = cal.spec
    base = spec.base
    assert base.path is not None
    name = name or path.stem
    lines = ["# " + line for line in how_obtained(cal)]
    lines += [
        f'name = "{name}"',
        f'description = "{base.name} with its behavioural uncertainties calibrated to the Flemish record '
        f'({cal.accepted} of {len(cal.points)} sets accepted)."',
        f'extends = "{_extends(base.path, path)}"',
    ]
    by_section: dict[str, list[str]] = {}
    fixed = dict(base.overrides)
    for key, value in fixed.items():
        if key in cal.best:
            continue
        sec, _, k = key.partition(".")
        by_section.setdefault(sec, []).append(
            f"{k + ' = ' + toml_value(value):<40} # fixed by the calibration's experiment file (sweep.set)"
        )
    for p in spec.parameters:
        sec, _, k = p.key.partition(".")
        value = cal.best[p.key]
        if p.bounds is not None:
            prior = f"searched {_fmt_range(p.key, *p.bounds)}"
        else:
            prior = f"searched {list(p.levels or ())}"
        acc = cal.accepted_range(p.key) if p.bounds is not None else None
        post = (
            f"; accepted sets {_fmt_range(p.key, acc[0], acc[2])}, median {plain_value(p.key, acc[1])}"
            if acc is not None
            else ""
        )
        by_section.setdefault(sec, []).append(
            f"{k + ' = ' + toml_value(value):<40} # calibrated ({prior}{post})"
        )
    for sec, rows in by_section.items():
        lines.append(f"\n[{sec}]")
        lines += rows
    return "\n".join(lines) + "\n"


def check_write_path(path: str | Path, spec: SweepSpec) -> Path:
    """Check where the calibrated scenario goes (the ``write`` argument).

    Raises:
        InputError: not a .toml path, a folder, or the base scenario itself.
    """
    p = Path(path)
    if p.suffix != ".toml":
        raise InputError("write", f"{str(p)!r}: a scenario file ending in .toml", argument=True)
    if p.is_dir():
        raise InputError("write", f"{str(p)!r} is a folder; give a file name ending in .toml", argument=True)
    if spec.base.path is not None and p.resolve() == spec.base.path.resolve():
        raise InputError(
            "write", f"{str(p)!r} is the base scenario the calibrated file extends", argument=True
        )
    return p


def write_scenario(cal: Calibration, path: str | Path) -> Scenario:
    """Write the calibrated scenario atomically, after checking that it loads; return it loaded.

    Raises:
        InputError: a bad path (see :func:`check_write_path`).
    """
    p = check_write_path(path, cal.spec)
    text = calibrated_toml(cal, p)

    def write_checked(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")
        load_scenario(tmp)  # a file that does not load is never put in place

    atomic_write(p, write_checked)
    return load_scenario(p)


def _t(message_id: str, lang: str, **fields: object) -> str:
    return i18n.text(message_id, lang, **fields)


def calibration_figure(cal: Calibration, lang: str = "en") -> plt.Figure:
    """One panel per calibrated parameter: each set's shortfall against its value."""
    keys = [p.key for p in cal.spec.parameters]
    fig, axes = panels(len(keys), 3, 4.6, 3.0, constrained_layout=True)
    pts = cal.points
    y = np.minimum(pts["shortfall"].to_numpy(dtype=float), 1e6)
    acc = pts["accepted"].to_numpy(dtype=bool)
    best = pts["point"].to_numpy() == cal.best_point
    for ax, key in zip(axes, keys, strict=True):
        x = pts[key].to_numpy()
        two = pts["stage"].to_numpy() == 2
        ax.scatter(
            x[~acc & ~two], y[~acc & ~two], s=10, color="0.6", lw=0, label=_t("cal_legend_searched", lang)
        )
        if two.any():
            ax.scatter(
                x[~acc & two], y[~acc & two], s=12, color="tab:blue", marker="^", lw=0,
                label=_t("cal_legend_second", lang),
            )  # fmt: skip
        ax.scatter(x[acc], y[acc], s=16, color="tab:green", lw=0, label=_t("cal_legend_accepted", lang))
        ax.scatter(x[best], y[best], s=90, marker="*", color="tab:red", label=_t("cal_legend_chosen", lang))
        ax.set_xlabel(param_label(key, lang), fontsize=8)
        ax.set_ylabel(_t("cal_shortfall_axis", lang), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        localise_ticks(ax, lang)
    legend_below(fig, axes[0], 4)
    fig.suptitle(_t("cal_panels_title", lang), fontsize=11)
    return fig


def _searched(cal: Calibration, key: str) -> tuple[float, float] | None:
    """The first design's bounds of a parameter (None for one searched over levels)."""
    p = next(q for q in cal.spec.parameters if q.key == key)
    return p.bounds


def overview_figure(cal: Calibration, lang: str = "en") -> plt.Figure:
    """Every set searched, assumption by assumption, each range searched from 0 to 1; the chosen set starred.

    A parameter searched over levels has its levels spread evenly over the row.
    """
    params = cal.spec.parameters
    pts = cal.points
    acc = pts["accepted"].to_numpy(dtype=bool)
    fig, ax = plt.subplots(figsize=(7.2, 0.36 * len(params) + 1.2), constrained_layout=True)
    rng = np.random.default_rng(0)
    labels = []
    for i, p in enumerate(params):
        if p.bounds is not None:
            lo, hi = p.bounds
            x = (pts[p.key].to_numpy(dtype=float) - lo) / ((hi - lo) or 1.0)
            chosen = (float(cal.best[p.key]) - lo) / ((hi - lo) or 1.0)
        else:
            levels = list(p.levels or ())
            where = {v: k / max(1, len(levels) - 1) for k, v in enumerate(levels)}
            x = np.array([where.get(v, math.nan) for v in pts[p.key]])
            chosen = where.get(cal.best[p.key], math.nan)
        labels.append(f"{param_label(p.key, lang)} ({_span(p.key, p.bounds, p.levels, lang)})")
        jitter = rng.uniform(-0.15, 0.15, len(x))
        ax.scatter(x[~acc], i + jitter[~acc], s=7, color="0.65", lw=0, label=_t("cal_legend_searched", lang))
        ax.scatter(
            x[acc], i + jitter[acc], s=11, color="tab:green", lw=0, label=_t("cal_legend_accepted", lang)
        )
        ax.scatter(
            [chosen], [i], s=110, marker="*", color="tab:red", zorder=3, label=_t("cal_legend_chosen", lang)
        )
    ax.set_yticks(range(len(params)), [textwrap.fill(x, 52) for x in labels], fontsize=7)
    ax.set_ylim(len(params) - 0.5, -0.5)
    ax.set_xlim(-0.04, 1.04)
    ax.set_xlabel(_t("cal_fig_axis", lang), fontsize=7.5)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(alpha=0.3, axis="x")
    localise_ticks(ax, lang, y=False)
    handles, names = ax.get_legend_handles_labels()
    seen = dict(zip(names, handles, strict=True))
    fig.legend(list(seen.values()), list(seen), loc="outside lower center", ncol=3, fontsize=7, frameon=False)
    ax.set_title(
        _t("cal_fig_title", lang, a=cal.accepted, n=len(pts), k=len(cal.targets.targets)), fontsize=9
    )
    return fig


def calibration_text(cal: Calibration) -> str:
    """The terminal summary: acceptance, the chosen values, and the chosen set against each target."""
    k = len(cal.targets.targets)
    counts = cal.points["n_within"].value_counts().sort_index(ascending=False)
    spread = ", ".join(f"{int(c)} met {int(m)}" for m, c in counts.head(4).items())
    chosen = chosen_row(cal)
    lines = [
        f"{design_text(cal)}: {len(cal.points)} sets",
        f"{cal.accepted} of {len(cal.points)} sets within every fitted target's range ({k} targets); "
        f"sets by targets met: {spread}, ...",
    ]
    if cal.confirmed is not None:
        c = cal.confirmed
        lines.append(
            f"confirmation: the best {len(c)} sets again with {int(c['runs'].iloc[0])} fresh replications: "
            + ", ".join(
                f"set {int(r.point)} met {int(r.n_within)} (shortfall {r.shortfall:.2f})"
                for r in c.itertuples(index=False)
            )
        )
    lines += [
        f"chosen: set {cal.best_point} ({int(chosen['n_within'])} of {k} within, shortfall "
        f"{chosen['shortfall']:.2f} range widths)",
        "",
        f"{'parameter':38} {'searched':>14} {'second stage':>14} {'accepted (min-median-max)':>27} "
        f"{'calibrated':>10}",
    ]
    refined = {p.key: p for p in cal.stages[1].parameters} if len(cal.stages) > 1 else {}
    for p in cal.spec.parameters:
        searched = _fmt_range(p.key, *p.bounds) if p.bounds is not None else str(list(p.levels or ()))
        q = refined.get(p.key)
        second = _fmt_range(p.key, *q.bounds) if q is not None and q.bounds is not None else "-"
        acc = cal.accepted_range(p.key) if p.bounds is not None else None
        acc_text = (
            f"{plain_value(p.key, acc[0])}-{plain_value(p.key, acc[1])}-{plain_value(p.key, acc[2])}"
            if acc
            else "-"
        )
        lines.append(f"{p.key:38} {searched:>14} {second:>14} {acc_text:>27} {cal.best[p.key]!s:>10}")
    lines += ["", f"{'target':34} {'observed (range)':>34} {'chosen set (mean)':>18}  within"]
    for t in cal.targets.targets:
        obs = f"{target_text(t, t.value)} ({target_text(t, t.low)} to {target_text(t, t.high)})"
        x = float(chosen[t.id])
        lines.append(f"{t.id:34} {obs:>34} {target_text(t, x):>18}  {'yes' if t.within(x) else 'NO'}")
    if cal.skipped:
        lines.append("not fitted: " + ", ".join(t.id for t in cal.skipped))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- report
def design_words(cal: Calibration, lang: str = "en") -> str:
    """The designs run, in words, in ``lang`` (the scenario file's comments use :func:`design_text`)."""
    first = cal.stages[0] if cal.stages else cal.spec
    text = _t(
        "cal_design",
        lang,
        design=_t(f"cal_design_{first.design}", lang),
        n=n_points(first),
        r=first.replications,
    )
    if len(cal.stages) > 1:
        top = max(5, math.ceil(cal.refine_top * n_points(first)))
        text += _t("cal_design_second", lang, n=cal.stages[1].n, top=top)
    if cal.counterfactual is not None:
        text += _t("cal_design_cf", lang, counterfactual=i18n.scenario_label(cal.counterfactual.name, lang))
    return text


def _span(key: str, bounds: tuple[float, float] | None, levels: object, lang: str) -> str:
    if bounds is None:
        return ", ".join(param_value(key, v, lang) for v in list(levels or ()))  # type: ignore[call-overload]
    lo, hi = (param_value(key, plain_value(key, b), lang) for b in bounds)
    return f"{lo}{NBSP}{_t('to', lang)}{NBSP}{hi}"


def _short_span(key: str, bounds: tuple[float, float] | None, levels: object, lang: str) -> str:
    """A searched range in few characters: ``1.5–10 € per €``, ``€1,000–€8,000 per year``, ``3×–20×``."""
    if bounds is None:
        return _span(key, bounds, levels, lang)
    lo, hi = (param_value(key, plain_value(key, b), lang) for b in bounds)
    lo_num, _, lo_unit = lo.partition(" ")
    hi_num, _, hi_unit = hi.partition(" ")
    if lo_unit == hi_unit:
        return f"{lo_num}–{hi_num} {lo_unit}".strip()
    return f"{lo}–{hi}"


def answer_html(cal: Calibration, lang: str = "en") -> str:
    """The first screen's sentences: sets searched and accepted, targets the chosen set met, its values."""
    k = len(cal.targets.targets)
    n = len(cal.points)
    if cal.accepted:
        searched = _t("cal_answer_searched", lang, n=n, a=cal.accepted)
    else:
        searched = _t("cal_answer_none", lang, n=n, best=int(cal.points["n_within"].max()), k=k)
    row = chosen_row(cal)
    if cal.confirmed is not None:
        met = _t(
            "cal_answer_confirmed", lang, m=int(row["n_within"]), k=k, r=int(cal.confirmed["runs"].iloc[0])
        )
    else:
        met = _t("cal_answer_design", lang, m=int(row["n_within"]), k=k, r=cal.spec.replications)
    items = "; ".join(
        f"{esc(param_label(p.key, lang))}: <b>{nw(param_value(p.key, cal.best[p.key], lang))}</b> "
        f"({nw(_short_span(p.key, p.bounds, p.levels, lang), 'ci')})"
        for p in cal.spec.parameters
    )
    return (
        f"<p><b>{esc(searched)}</b></p><p><b>{esc(met)}</b></p>"
        f"<p>{esc(_t('cal_answer_values', lang))} {items}.</p>"
    )


def _values_table(cal: Calibration, lang: str) -> str:
    refined = {p.key: p for p in cal.stages[1].parameters} if len(cal.stages) > 1 else {}
    rows = []
    for p in cal.spec.parameters:
        q = refined.get(p.key)
        second = _span(p.key, q.bounds, q.levels, lang) if q is not None and q.bounds is not None else ""
        acc = cal.accepted_range(p.key) if p.bounds is not None else None
        acc_text = ", ".join(param_value(p.key, plain_value(p.key, a), lang) for a in acc) if acc else ""
        rows.append(
            [
                esc(param_label(p.key, lang)),
                nw(param_value(p.key, cal.best[p.key], lang)),
                nw(_span(p.key, p.bounds, p.levels, lang)),
                nw(second),
                nw(acc_text),
            ]
        )
    keys = ["cal_col_assumption", "cal_col_chosen", "cal_col_searched", "cal_col_second", "cal_col_accepted"]
    keep = [i for i in range(len(keys)) if i < 3 or any(r[i] != nw("") for r in rows)]  # no empty column
    header = [esc(_t(keys[i], lang)) for i in keep]
    return wrap(table(header, [[r[i] for i in keep] for r in rows]))


def _targets_table(cal: Calibration, lang: str) -> str:
    row = chosen_row(cal)
    rows = []
    for t in cal.targets.targets:
        low, high = target_text(t, t.low, lang=lang), target_text(t, t.high, lang=lang)
        obs = f"{target_text(t, t.value, lang=lang)} ({low}{NBSP}{_t('to', lang)}{NBSP}{high})"
        x = float(row[t.id])
        verdict = esc(_t("yes", lang)) if t.within(x) else f'<b class="clear">{esc(_t("no", lang))}</b>'
        rows.append(
            [esc(target_label(t, lang)), nw(t.when), nw(obs), nw(target_text(t, x, lang=lang)), verdict]
        )
    keys = ("val_col_target", "val_col_when", "val_col_observed", "cal_col_chosen_mean", "val_col_within")
    return wrap(table([esc(_t(k, lang)) for k in keys], rows, left=2))


def _files_html(cal: Calibration, out: Path, lang: str) -> str:
    files = [
        ("calibration.csv", _t("cal_file_points", lang)),
        ("ensemble.csv", _t("cal_file_ensemble", lang)),
        ("calibration.png, calibration_overview.png", _t("cal_file_figures", lang)),
    ]
    if cal.confirmed is not None:
        files.append(("confirmation.csv", _t("cal_file_confirmation", lang)))
    stages = [d for d in ("runs", "counterfactual", "refine") if (out / d).is_dir()]
    if stages:
        files.append((", ".join(f"{d}/" for d in stages), _t("cal_file_runs", lang)))
    if cal.written is not None and cal.written.path is not None:
        files.append((_rel(cal.written.path, cal.written.name), _t("cal_file_scenario", lang)))
    items = "".join(f"<li><code>{esc(name)}</code>: {esc(what)}</li>" for name, what in files)
    return f"<ul>{items}</ul>"


def report(cal: Calibration, figs: dict[str, bytes], out: Path, lang: str = "en") -> str:
    """The calibration report: how to read it, the answer beside one figure, the values, design and files."""
    sc = i18n.scenario_label(cal.spec.base.name, lang)
    title = _t("cal_title", lang, scenario=sc)
    k = len(cal.targets.targets)
    file = cal.targets.path.name if cal.targets.path else "targets"
    meta = _t("cal_meta", lang, design=design_words(cal, lang), k=k, file=file)
    meta_html = esc(meta[:1].upper() + meta[1:])
    body = report_top(title, meta_html, len(cal.failures), esc(_t("cal_howto", lang)), lang)
    body += [
        answer(
            answer_html(cal, lang),
            img(figs["calibration_overview.png"], _t("cal_fig_alt", lang)),
            esc(_t("cal_fig_caption", lang)),
        ),
        f"<h2>{esc(_t('cal_values', lang))}</h2>",
        _values_table(cal, lang),
        f"<h2>{esc(_t('cal_targets', lang))}</h2>",
        _targets_table(cal, lang),
    ]
    if cal.skipped:
        items = ", ".join(f"{target_label(t, lang)} ({t.when})" for t in cal.skipped)
        body.append(f'<p class="muted">{esc(_t("cal_not_fitted", lang, items=items))}</p>')
    counts = cal.points["n_within"].value_counts().sort_index(ascending=False)
    spread = ", ".join(_t("cal_spread_item", lang, c=int(c), m=int(m)) for m, c in counts.items())
    body += [
        f"<h2>{esc(_t('cal_design_h', lang))}</h2>",
        f"<p>{esc(meta[:1].upper() + meta[1:])}</p>",
        f"<p>{esc(_t('cal_spread', lang, items=spread))}</p>",
        f"<p>{esc(_t('cal_runs', lang, runs=f'{cal.runs:,}', seconds=f'{cal.seconds:.0f}'))}</p>",
        f"<details><summary>{esc(_t('cal_panels', lang))}</summary>"
        f"{img(figs['calibration.png'], _t('cal_panels', lang))}</details>",
        f"<h2>{esc(_t('cal_files', lang))}</h2>",
        _files_html(cal, out, lang),
        f'<p class="meta">{generated_html(lang)}.</p>',
    ]
    return page(title, "\n".join(body), lang)


def figures(cal: Calibration, lang: str = "en") -> dict[str, bytes]:
    """The figures, rendered once: every set assumption by assumption, and each set's shortfall."""
    return {
        "calibration_overview.png": render(overview_figure(cal, lang)),
        "calibration.png": render(calibration_figure(cal, lang)),
    }


def write(cal: Calibration, out: Path, lang: str = "en") -> list[str]:
    """Write ``calibration.csv``, ``ensemble.csv`` (the sets that fit), the figures and ``report.html``."""
    write_csv(out / "calibration.csv", cal.points)
    write_csv(out / "ensemble.csv", ensemble_of(cal.points, cal.keys))
    figs = figures(cal, lang)
    write_figures(out, figs)
    write_text(out / "report.html", report(cal, figs, out, lang))
    return list(FILES)

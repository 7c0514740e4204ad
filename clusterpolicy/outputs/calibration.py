"""What a calibration shows and writes: the summary, the figure, and the calibrated scenario file."""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from clusterpolicy.analysis.calibration import Calibration, chosen_row, ensemble_of, plain_value, round_sig
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.files import scenario_dirs
from clusterpolicy.inputs.scenario import Scenario, load_scenario, toml_value
from clusterpolicy.inputs.sweep_spec import SweepSpec
from clusterpolicy.model.params import field_type
from clusterpolicy.outputs.figures import legend_below, panels, render
from clusterpolicy.outputs.files import atomic_write, write_bytes, write_csv
from clusterpolicy.outputs.provenance import git_commit
from clusterpolicy.outputs.validation import target_text
from clusterpolicy.runs.samplers import n_points

DESIGN_WORDS = {"lhs": "Latin hypercube", "sobol": "Sobol' design", "morris": "Morris design", "grid": "grid"}
FILES = ("calibration.csv", "ensemble.csv", "calibration.png")


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


def calibration_figure(cal: Calibration) -> plt.Figure:
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
        ax.scatter(x[~acc & ~two], y[~acc & ~two], s=10, color="0.6", lw=0, label="not accepted")
        if two.any():
            ax.scatter(
                x[~acc & two], y[~acc & two], s=12, color="tab:blue", marker="^", lw=0, label="second stage"
            )
        ax.scatter(x[acc], y[acc], s=16, color="tab:green", lw=0, label="accepted (within every range)")
        ax.scatter(x[best], y[best], s=90, marker="*", color="tab:red", label="chosen")
        ax.set_xlabel(key, fontsize=8)
        ax.set_ylabel("shortfall (range widths)", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    legend_below(fig, axes[0], 3)
    fig.suptitle(
        f"Calibration ({cal.spec.name}): {cal.accepted} of {len(pts)} sets accepted "
        f"({len(cal.targets.targets)} targets)",
        fontsize=11,
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


def write(cal: Calibration, out: Path) -> list[str]:
    """Write ``calibration.csv`` (every scored set), ``ensemble.csv`` (the sets that fit) and the figure."""
    write_csv(out / "calibration.csv", cal.points)
    write_csv(out / "ensemble.csv", ensemble_of(cal.points, cal.keys))
    write_bytes(out / "calibration.png", render(calibration_figure(cal)))
    return list(FILES)

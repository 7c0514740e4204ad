"""Calibration: fit the behavioural uncertainties the record cannot pin down to the validation targets.

The procedure (described for people in ``docs/validation.md``):

1. An experiment file (``experiments/specs/calibration.toml``) spans the uncertain parameters with a design
   (a Latin hypercube) and keeps every quarter (``keep = "timeseries"``), because targets are read at
   several quarters. It runs through the sweep machinery (``experiments.sweep.run_sweep``): resumable,
   on any executor, with common random numbers across design points.
2. When a target is a difference to the counterfactual, the same design runs a second time with the
   counterfactual's ``[policy]`` (same points, same seeds), and each run is paired with its counterfactual.
3. Each run gives each fitted target's statistic (``experiments.validate``); a design point's value is the
   mean over its replications.
4. A point is *accepted* (rejection sampling, as in approximate Bayesian computation) when every fitted
   target's mean lies in its range. Each point also has a *shortfall* -- the root of the summed squares of
   how far each target lies outside its range, in units of the range's width (0 when accepted) -- and a
   *gap* -- the root mean square of each target's distance to its observed value in the same units.
5. The calibrated set is the point with the smallest shortfall; among accepted points (shortfall 0), the
   one with the smallest gap (a minimum-distance fit within the accepted region). Its values, rounded to
   three significant digits, are written into a scenario file that extends the base scenario, with a
   comment on how they were obtained.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import math
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.analysis.validation import (
    RunMatrix,
    Target,
    TargetSet,
    load_targets,
    recorded_quarters,
    run_validation,
    split_computable,
    target_matrix,
)
from clusterpolicy.inputs.scenario import (
    SCENARIO_DIR,
    Scenario,
    ScenarioError,
    _toml_value,
    counterfactual,
    load_scenario,
)
from clusterpolicy.model.params import field_type
from clusterpolicy.outputs.files import atomic_write
from clusterpolicy.outputs.provenance import git_commit
from clusterpolicy.runs.execute import RunFn
from clusterpolicy.studies.sweep import SweepSpec, load_spec, n_points, run_sweep

DESIGN_WORDS = {"lhs": "Latin hypercube", "sobol": "Sobol' design", "morris": "Morris design", "grid": "grid"}


@dataclass
class Calibration:
    """A finished calibration.

    Attributes:
        spec: the experiment (design over the uncertain parameters).
        targets: the fitted targets.
        skipped: targets not fitted (``fit = false``, or outside the recorded period).
        points: one row per design point: ``point``, the parameter values, each target's mean over
            replications, ``shortfall``, ``gap``, ``accepted``, ``runs``.
        best_point: the chosen design point.
        best: the calibrated values (dotted key -> value, rounded).
        counterfactual: the counterfactual scenario, if a target needed it.
        out: the run directory.
        runs: runs done (both sweeps), incl. those resumed from ``out``.
        seconds: wall time.
        failures: runs that raised (run id -> error), over every sweep.
        stages: the designs run: the experiment, and the refined one if there was a second stage.
        confirmed: the best sets run again with more replications and fresh seeds (one row per set, as
            in ``points``), on which the final choice was made; None without a confirmation.
    """

    spec: SweepSpec
    targets: TargetSet
    skipped: list[Target]
    points: pd.DataFrame
    best_point: int
    best: dict[str, Any]
    counterfactual: Scenario | None
    out: Path
    runs: int
    seconds: float
    failures: dict[str, str] = field(default_factory=dict)
    stages: list[SweepSpec] = field(default_factory=list)
    confirmed: pd.DataFrame | None = None
    refine_top: float = 0.05

    @property
    def accepted(self) -> int:
        """Design points within every fitted target's range."""
        return int(self.points["accepted"].sum())

    @property
    def keys(self) -> list[str]:
        """The calibrated parameters."""
        return [p.key for p in self.spec.parameters]

    def accepted_range(self, key: str) -> tuple[float, float, float] | None:
        """(min, median, max) of a parameter over the accepted points, or None if none was accepted."""
        a = self.points.loc[self.points["accepted"], key].to_numpy(dtype=float)
        if not len(a):
            return None
        return float(a.min()), float(np.median(a)), float(a.max())


def round_sig(value: float, digits: int = 3) -> float:
    """``value`` rounded to ``digits`` significant digits."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def _plain(key: str, value: Any) -> Any:
    if field_type(key) is int:
        return round(float(value))
    if isinstance(value, np.generic):
        value = value.item()
    return round_sig(float(value)) if isinstance(value, float) else value


def score_means(targets: TargetSet, means: pd.DataFrame) -> pd.DataFrame:
    """Targets met, shortfall, gap and acceptance of parameter sets from their targets' means.

    Args:
        targets: the fitted targets.
        means: one row per set, one column per target (the mean over its replications).

    Returns:
        ``means`` with the columns ``n_within``, ``shortfall``, ``gap`` and ``accepted`` added.
    """
    short = np.zeros(len(means))
    gap = np.zeros(len(means))
    within = np.zeros(len(means), dtype=int)
    for t in targets.targets:
        m = means[t.id].to_numpy(dtype=float)
        short += np.array([t.shortfall(x) for x in m]) ** 2
        gap += np.array([t.gap(x) for x in m]) ** 2
        within += np.array([t.within(x) for x in m], dtype=int)
    out = means.copy()
    out["n_within"] = within
    out["shortfall"] = np.sqrt(short)
    out["gap"] = np.sqrt(gap / max(1, len(targets.targets)))
    out["accepted"] = out["shortfall"] == 0.0
    return out


def score_points(targets: TargetSet, per_run: pd.DataFrame, point_of_run: pd.Series) -> pd.DataFrame:
    """Per design point: each target's mean over replications, targets met, shortfall, gap, acceptance.

    Args:
        targets: the fitted targets.
        per_run: one row per run (index: run id), one column per target.
        point_of_run: the design point of each run id.
    """
    df = per_run.copy()
    df["point"] = point_of_run.reindex(df.index).to_numpy()
    means = df.groupby("point").mean()
    out = score_means(targets, means)
    out["runs"] = df.groupby("point").size()
    return out.reset_index()


def check_spec(spec: SweepSpec) -> None:
    """A calibration needs every quarter of its runs.

    Raises:
        ScenarioError: when the experiment keeps only the last quarter.
    """
    if spec.keep != "timeseries":
        raise ScenarioError(
            str(spec.path or spec.name),
            f"sweep.keep = {spec.keep!r}: a calibration needs keep = 'timeseries' "
            "(targets are read at several quarters)",
        )


def fitted_targets(targets: TargetSet, spec: SweepSpec) -> tuple[TargetSet, list[Target]]:
    """The targets the calibration fits (``fit = true`` and within the recorded period), and the others.

    Raises:
        ScenarioError: when no target can be fitted.
    """
    usable, _ = split_computable(targets, spec.base.params)
    fit = usable.subset([t for t in usable.targets if t.fit])
    skipped = [t for t in targets.targets if t not in fit.targets]
    if not fit.targets:
        raise ScenarioError(
            str(targets.path or "targets"),
            f"no target with fit = true lies within the recorded period of {spec.base.name}",
        )
    return fit, skipped


def counterfactual_spec(spec: SweepSpec, targets: TargetSet) -> tuple[SweepSpec, Scenario]:
    """The same design over the counterfactual: the base's world under the counterfactual's policy."""
    rel = targets.path.parent if targets.path is not None else None
    cf = counterfactual(spec.base, targets.counterfactual, relative_to=rel)
    return dataclasses.replace(spec, name=f"{spec.name}-counterfactual", base=cf), cf


def _run_stage(
    spec: SweepSpec,
    cf_spec: SweepSpec | None,
    fit: TargetSet,
    out: Path,
    first_id: int,
    stage: int,
    **kw: Any,
) -> tuple[pd.DataFrame, int, dict[str, str]]:
    """Run one design (and its counterfactual); return its scored points, runs stored and failures."""
    on_start = kw.pop("on_start")
    metrics = fit.metrics
    quarters = recorded_quarters(spec.base.params)
    failures: dict[str, str] = {}
    runs = 0
    mats: list[RunMatrix] = []
    point_of_run = pd.Series(dtype=int)
    for s, sub in ((spec, "runs"), (cf_spec, "counterfactual")):
        if s is None:
            continue
        result = run_sweep(
            s,
            out / sub,
            on_start=(lambda todo, done, name=s.name: on_start(name, todo, done)) if on_start else None,
            **kw,
        )
        long = result.store.read(columns=metrics)
        runs += long["run_id"].nunique() if len(long) else 0
        failures.update({f"{out.name}/{sub}/{k}": v for k, v in result.store.failures().items()})
        mats.append(RunMatrix.from_long(long, metrics, quarters, id_col="run_id"))
        if sub == "runs":
            point_of_run = long.groupby("run_id")["point"].first()
    if not len(mats[0].ids):
        raise ScenarioError(spec.name, f"every run failed; see {out / 'runs' / 'status.jsonl'}")
    per_run = target_matrix(fit, mats[0], mats[1] if len(mats) > 1 else None)
    scored = score_points(fit, per_run, point_of_run)
    design = pd.read_parquet(out / "runs" / "design.parquet")
    points = design.merge(scored, on="point", how="left")
    points["accepted"] = points["accepted"].fillna(False).astype(bool)
    points["shortfall"] = points["shortfall"].fillna(math.inf)
    points["point"] += first_id
    points.insert(1, "stage", stage)
    return points, runs, failures


def refined_spec(spec: SweepSpec, points: pd.DataFrame, n: int, top: int) -> SweepSpec:
    """A second Latin hypercube of ``n`` sets within the box spanned by the ``top`` best sets of the first.

    Each parameter's new bounds are the smallest and largest value among the best sets (best: smallest
    shortfall, then smallest gap), widened by a tenth of that span on each side and kept within the first
    design's bounds; integer parameters keep whole-number bounds.
    """
    best = points.sort_values(["shortfall", "gap"], kind="stable").head(top)
    params = []
    for p in spec.parameters:
        if p.bounds is None:
            params.append(p)
            continue
        lo0, hi0 = p.bounds
        lo, hi = float(best[p.key].min()), float(best[p.key].max())
        pad = max(0.1 * (hi - lo), 0.02 * (hi0 - lo0))
        lo, hi = max(lo0, lo - pad), min(hi0, hi + pad)
        if p.is_int:
            lo, hi = float(math.floor(lo)), float(math.ceil(hi))
        params.append(dataclasses.replace(p, bounds=(lo, hi)))
    return dataclasses.replace(spec, name=f"{spec.name}-refine", n=n, seed=spec.seed + 1, parameters=params)


def confirm_sets(
    spec: SweepSpec,
    fit: TargetSet,
    points: pd.DataFrame,
    k: int,
    replications: int,
    seed: int,
    **kw: Any,
) -> pd.DataFrame:
    """Run the ``k`` best sets again with ``replications`` fresh replications; score them on those.

    The values run are the rounded ones that would be written. Each set runs with its counterfactual
    (same seeds) when a target needs it, as in ``clusterpolicy validate``.
    """
    best = points.sort_values(["shortfall", "gap"], kind="stable").head(k)
    rows = []
    for _, r in best.iterrows():
        values = {p.key: _plain(p.key, r[p.key]) for p in spec.parameters}
        sc = Scenario(
            name=f"set {int(r['point'])}",
            path=spec.base.path,
            description="",
            params=spec.base.params.replace(**values),
        )
        v = run_validation(sc, fit, replications, seed, **kw)
        means = v.table.set_index("id")["model_mean"]
        rows.append({"point": int(r["point"]), "stage": int(r["stage"]), **values, **means.to_dict()})
    out = score_means(fit, pd.DataFrame(rows))
    out["runs"] = replications
    return out


def calibrate(
    spec: SweepSpec | str | Path = "calibration",
    targets: TargetSet | str | Path | None = None,
    out: Path | str = "results/calibration",
    *,
    refine: int = 0,
    refine_top: float = 0.05,
    confirm: int = 0,
    confirm_replications: int = 10,
    workers: int | None = None,
    executor: Executor | None = None,
    run: RunFn | None = None,
    progress: bool = True,
    retry_failed: bool = False,
    fresh: bool = False,
    on_start: Callable[[str, int, int], None] | None = None,
) -> Calibration:
    """Run (or resume) the calibration design(s) and choose the calibrated values.

    Args:
        spec: the experiment (loaded, a path, or a name in ``experiments/specs/``).
        targets: the targets (loaded, a path, or None for the shipped file).
        out: run directory: ``runs/`` (the design) and ``counterfactual/`` (the design under the
            counterfactual policy, if needed), and ``refine/`` for a second stage; resumable.
        refine: size of a second Latin hypercube within the box of the best first-stage sets (0: none).
        refine_top: share of the first-stage sets (at least 5) whose box the second stage samples.
        confirm: run the best so many sets again with ``confirm_replications`` fresh replications and
            choose among them on those (0: choose on the design's replications).
        confirm_replications: replications of the confirmation.
        workers: local worker processes (default: all cores; 1 runs in this process).
        executor: any ``concurrent.futures.Executor`` instead of the local pool.
        run: the model, ``task -> timeseries`` (default: the cluster-policy model); must pickle.
        progress: show progress bars.
        retry_failed: run again the runs that raised before.
        fresh: discard what ``out`` holds first.
        on_start: called with (sweep name, runs to do, runs already done) before each sweep.

    Raises:
        ScenarioError: bad input (before anything runs).
    """
    spec = spec if isinstance(spec, SweepSpec) else load_spec(spec)
    check_spec(spec)
    tset = targets if isinstance(targets, TargetSet) else load_targets(targets)
    fit, skipped = fitted_targets(tset, spec)
    if refine < 0 or (refine and refine < 2):
        raise ScenarioError("--refine", f"{refine}: 0 (no second stage) or at least 2 sets")
    if confirm < 0:
        raise ScenarioError("--confirm", f"{confirm}: 0 (no confirmation) or a number of sets")
    if confirm and confirm_replications < 2:
        raise ScenarioError("--confirm-replications", f"{confirm_replications}: at least 2")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ScenarioError("--out", f"{str(out)!r} is a file; give a folder")
    if fresh:  # only what a calibration writes, never anything else in the folder
        import shutil

        for sub in ("runs", "counterfactual", "refine"):
            if (out / sub / "manifest.json").is_file():  # a run store, nothing else
                shutil.rmtree(out / sub)
    cf_spec: SweepSpec | None = None
    cf: Scenario | None = None
    if fit.needs_counterfactual:
        cf_spec, cf = counterfactual_spec(spec, fit)
    kw = dict(
        workers=workers,
        executor=executor,
        retry_failed=retry_failed,
        run=run,
        progress=progress,
        on_start=on_start,
    )
    t0 = time.perf_counter()
    points, runs, failures = _run_stage(spec, cf_spec, fit, out, 0, 1, **kw)
    stages = [spec]
    if refine:
        top = max(5, math.ceil(refine_top * len(points)))
        spec2 = refined_spec(spec, points, refine, top)
        cf2 = counterfactual_spec(spec2, fit)[0] if cf else None
        p2, r2, f2 = _run_stage(spec2, cf2, fit, out / "refine", len(points), 2, **kw)
        points = pd.concat([points, p2], ignore_index=True)
        runs += r2
        failures.update(f2)
        stages.append(spec2)
    confirmed = None
    if confirm:
        confirmed = confirm_sets(
            spec,
            fit,
            points,
            confirm,
            confirm_replications,
            spec.seed + 1000,  # fresh seeds: the choice is not made on the runs that ranked the sets
            workers=workers,
            executor=executor,
            run=run,
            progress=progress,
        )
        runs += len(confirmed) * confirm_replications * (2 if cf else 1)
        atomic_write(out / "confirmation.csv", lambda p: confirmed.to_csv(p, index=False))
    pool = confirmed if confirmed is not None else points
    order = pool.sort_values(["shortfall", "gap"], kind="stable")
    best_point = int(order["point"].iloc[0])
    row = pool.set_index("point").loc[best_point]
    best = {p.key: _plain(p.key, row[p.key]) for p in spec.parameters}
    cal = Calibration(
        spec,
        fit,
        skipped,
        points,
        best_point,
        best,
        cf,
        out,
        runs,
        time.perf_counter() - t0,
        failures,
        stages,
        confirmed,
        refine_top,
    )
    atomic_write(out / "calibration.csv", lambda p: points.to_csv(p, index=False))
    from clusterpolicy.outputs import plots

    plots.save(calibration_figure(cal), out / "calibration.png")
    return cal


# ---------------------------------------------------------------------------------------------- output
def _extends(base: Path, target: Path) -> str:
    """How the written scenario names its base: by name if it lives in scenarios/, else by relative path."""
    base = base.resolve()
    if base.parent == Path(SCENARIO_DIR).resolve():
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
            f"{k + ' = ' + _toml_value(value):<40} # fixed by the calibration's experiment file (sweep.set)"
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
            f"; accepted sets {_fmt_range(p.key, acc[0], acc[2])}, median {_plain(p.key, acc[1])}"
            if acc is not None
            else ""
        )
        by_section.setdefault(sec, []).append(
            f"{k + ' = ' + _toml_value(value):<40} # calibrated ({prior}{post})"
        )
    for sec, rows in by_section.items():
        lines.append(f"\n[{sec}]")
        lines += rows
    return "\n".join(lines) + "\n"


def check_write_path(path: str | Path, spec: SweepSpec) -> Path:
    """Check where the calibrated scenario goes.

    Raises:
        ScenarioError: not a .toml path, a folder, or the base scenario itself.
    """
    p = Path(path)
    if p.suffix != ".toml":
        raise ScenarioError("--write", f"{str(p)!r}: a scenario file ending in .toml")
    if p.is_dir():
        raise ScenarioError("--write", f"{str(p)!r} is a folder; give a file name ending in .toml")
    if spec.base.path is not None and p.resolve() == spec.base.path.resolve():
        raise ScenarioError("--write", f"{str(p)!r} is the base scenario the calibrated file extends")
    return p


def write_scenario(cal: Calibration, path: str | Path) -> Scenario:
    """Write the calibrated scenario atomically, after checking that it loads; return it loaded."""
    p = check_write_path(path, cal.spec)
    text = calibrated_toml(cal, p)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")
        load_scenario(tmp)  # a file that does not load is never put in place

    atomic_write(p, write)
    return load_scenario(p)


def calibration_figure(cal: Calibration):  # type: ignore[no-untyped-def]
    """One panel per calibrated parameter: each set's shortfall against its value."""
    import matplotlib.pyplot as plt

    keys = [p.key for p in cal.spec.parameters]
    cols = min(3, len(keys))
    rows = -(-len(keys) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.6 * cols, 3.0 * rows), constrained_layout=True, squeeze=False
    )
    pts = cal.points
    y = np.minimum(pts["shortfall"].to_numpy(dtype=float), 1e6)
    acc = pts["accepted"].to_numpy(dtype=bool)
    best = pts["point"].to_numpy() == cal.best_point
    for ax, key in zip(axes.flat, keys, strict=False):
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
    for ax in list(axes.flat)[len(keys) :]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=8)
    fig.suptitle(
        f"Calibration ({cal.spec.name}): {cal.accepted} of {len(pts)} sets accepted "
        f"({len(cal.targets.targets)} targets)",
        fontsize=11,
    )
    return fig


def chosen_row(cal: Calibration) -> pd.Series:
    """The chosen set's row: from the confirmation if there was one, else from the design."""
    pool = cal.confirmed if cal.confirmed is not None else cal.points
    return pool.set_index("point").loc[cal.best_point]


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
        acc_text = f"{_plain(p.key, acc[0])}-{_plain(p.key, acc[1])}-{_plain(p.key, acc[2])}" if acc else "-"
        lines.append(f"{p.key:38} {searched:>14} {second:>14} {acc_text:>27} {cal.best[p.key]!s:>10}")
    lines += ["", f"{'target':34} {'observed (range)':>34} {'chosen set (mean)':>18}  within"]
    for t in cal.targets.targets:
        obs = f"{t.fmt(t.value)} ({t.fmt(t.low)} to {t.fmt(t.high)})"
        x = float(chosen[t.id])
        lines.append(f"{t.id:34} {obs:>34} {t.fmt(x):>18}  {'yes' if t.within(x) else 'NO'}")
    if cal.skipped:
        lines.append("not fitted: " + ", ".join(t.id for t in cal.skipped))
    return "\n".join(lines)

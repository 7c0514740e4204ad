"""The calibration study: fit the behavioural uncertainties the record cannot pin down to the targets.

``calibrate("calibration")`` runs the experiment file's design (a Latin hypercube over behavioural
uncertainties, every quarter kept; resumable) and, when a target needs it, the same design under the
counterfactual's ``[policy]``; scores every set against the targets marked ``fit = true``
(:mod:`clusterpolicy.analysis.calibration`); optionally samples a second, smaller box around the best sets
(``refine``) and runs the best sets again with fresh seeds (``confirm``); chooses the calibrated values;
and writes ``calibration.csv``, ``ensemble.csv``, the figures, ``report.html`` (in ``lang``) and, with
``write``, the calibrated scenario file.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Unpack

import pandas as pd

from clusterpolicy.analysis.calibration import (
    Calibration,
    best_point,
    fitted_targets,
    plain_value,
    refined_spec,
    score_means,
    score_points,
)
from clusterpolicy.analysis.validation import RunMatrix, recorded_quarters, target_matrix
from clusterpolicy.inputs.checks import check_count, check_folder
from clusterpolicy.inputs.errors import InputError, argument_error
from clusterpolicy.inputs.scenario import Scenario, counterfactual
from clusterpolicy.inputs.sweep_spec import SweepSpec, load_spec
from clusterpolicy.inputs.targets import TargetSet, load_targets
from clusterpolicy.outputs import calibration as output
from clusterpolicy.outputs.files import write_csv
from clusterpolicy.outputs.i18n import lang_argument
from clusterpolicy.runs.evaluate import evaluate
from clusterpolicy.runs.execution import Execution, RunOptions
from clusterpolicy.runs.folders import written
from clusterpolicy.runs.samplers import sweep_design
from clusterpolicy.runs.store import discard
from clusterpolicy.studies.validate import validate

STAGE_FOLDERS = ("runs", "counterfactual", "refine")
OnStart = Callable[[str, int, int], None]


def check_spec(spec: SweepSpec) -> None:
    """A calibration needs every quarter of its runs.

    Raises:
        InputError: when the experiment keeps only the last quarter.
    """
    if spec.keep != "timeseries":
        raise InputError(
            spec.source,
            f"sweep.keep = {spec.keep!r}: a calibration needs keep = 'timeseries' "
            "(targets are read at several quarters)",
        )


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
    execution: Execution,
    on_start: OnStart | None,
) -> tuple[pd.DataFrame, int, dict[str, str]]:
    """Run one design (and its counterfactual); return its scored points, runs stored and failures."""
    metrics = fit.metrics
    quarters = recorded_quarters(spec.base.params)
    failures: dict[str, str] = {}
    runs = 0
    mats: list[RunMatrix] = []
    point_of_run = pd.Series(dtype=int)
    inputs = pd.DataFrame()
    for s, sub in ((spec, "runs"), (cf_spec, "counterfactual")):
        if s is None:
            continue
        design = sweep_design(s)
        name = s.name
        started = (lambda todo, done, name=name: on_start(name, todo, done)) if on_start else None
        ev = evaluate(design, out / sub, execution, started)
        long = ev.rows(metrics)
        runs += long["run_id"].nunique() if len(long) else 0
        failures.update({f"{out.name}/{sub}/{k}": v for k, v in ev.failures.items()})
        mats.append(RunMatrix.from_long(long, metrics, quarters, id_col="run_id"))
        if sub == "runs":
            point_of_run = long.groupby("run_id")["point"].first()
            inputs = design.inputs().drop(columns="label")
    if not len(mats[0].ids):
        raise InputError(spec.name, f"every run failed; see {out / 'runs' / 'status.jsonl'}")
    scored = score_points(fit, target_matrix(fit, mats[0], mats[1] if len(mats) > 1 else None), point_of_run)
    points = inputs.merge(scored, on="point", how="left")
    points["accepted"] = points["accepted"].fillna(False).astype(bool)
    points["shortfall"] = points["shortfall"].fillna(math.inf)
    points["point"] += first_id
    points.insert(1, "stage", stage)
    return points, runs, failures


def confirm_sets(
    spec: SweepSpec,
    fit: TargetSet,
    points: pd.DataFrame,
    k: int,
    replications: int,
    seed: int,
    execution: Execution,
) -> pd.DataFrame:
    """Run the ``k`` best sets again with ``replications`` fresh replications; score them on those.

    The values run are the rounded ones that would be written. Each set runs with its counterfactual
    (same seeds) when a target needs it, as in :func:`~clusterpolicy.studies.validate.validate`.
    """
    best = points.sort_values(["shortfall", "gap"], kind="stable").head(k)
    rows = []
    for _, r in best.iterrows():
        values = {p.key: plain_value(p.key, r[p.key]) for p in spec.parameters}
        sc = Scenario(f"set {int(r['point'])}", spec.base.path, "", spec.base.params.replace(**values))
        v = validate(sc, fit, replications, seed, execution=execution)
        means = v.table.set_index("id")["model_mean"]
        rows.append({"point": int(r["point"]), "stage": int(r["stage"]), **values, **means.to_dict()})
    out = score_means(fit, pd.DataFrame(rows))
    out["runs"] = replications
    return out


def _check_stages(refine: int, confirm: int, confirm_replications: int) -> None:
    if refine < 0 or refine == 1:
        raise argument_error("refine", refine, "0 (no second stage) or at least 2 sets")
    if confirm < 0:
        raise argument_error("confirm", confirm, "0 (no confirmation) or a number of sets")
    if confirm:
        check_count("confirm_replications", confirm_replications, lo=2)


def calibrate(
    spec: SweepSpec | str | Path = "calibration",
    targets: TargetSet | str | Path | None = None,
    out: Path | str = "results/calibration",
    *,
    refine: int = 0,
    refine_top: float = 0.05,
    confirm: int = 0,
    confirm_replications: int = 10,
    write: Path | str | None = None,
    on_start: OnStart | None = None,
    lang: str = "en",
    execution: Execution | None = None,
    **options: Unpack[RunOptions],
) -> Calibration:
    """Run (or resume) the calibration design(s) and choose the calibrated values.

    Args:
        spec: the experiment (loaded, a path, or the name of a shipped spec).
        targets: the targets (loaded, a path, or None for the shipped file).
        out: run directory: ``runs/`` (the design) and ``counterfactual/`` (the design under the
            counterfactual policy, if needed), and ``refine/`` for a second stage; resumable.
        refine: size of a second Latin hypercube within the box of the best first-stage sets (0: none).
        refine_top: share of the first-stage sets (at least 5) whose box the second stage samples.
        confirm: run the best so many sets again with ``confirm_replications`` fresh replications and
            choose among them on those (0: choose on the design's replications).
        confirm_replications: replications of the confirmation.
        write: the calibrated scenario file to write (default: none).
        on_start: called with (sweep name, runs to do, runs already done) before each sweep.
        lang: the language of the report and its figures, ``en`` or ``nl``.
        execution: where and how to run (see :class:`~clusterpolicy.runs.execution.Execution`); ``fresh``
            discards the stores in ``out`` (and only those).
        **options: settings of ``execution`` to change, e.g. ``workers=2``.

    Raises:
        InputError: bad input (before anything runs or is written).
    """
    spec = spec if isinstance(spec, SweepSpec) else load_spec(spec)
    check_spec(spec)
    tset = targets if isinstance(targets, TargetSet) else load_targets(targets)
    fit, skipped = fitted_targets(tset, spec)
    _check_stages(refine, confirm, confirm_replications)
    folder = check_folder("out", out)
    assert folder is not None
    lang = lang_argument(lang)
    write_path = output.check_write_path(write, spec) if write is not None else None
    execution = Execution.of(execution, **options)
    cf_spec, cf = counterfactual_spec(spec, fit) if fit.needs_counterfactual else (None, None)
    t0 = time.perf_counter()
    with execution.session() as ex:  # connect before anything is deleted or written
        if ex.fresh:  # every stage's store at once: a stale second stage would not match a new first
            for sub in STAGE_FOLDERS:
                discard(folder / sub)
        ex = ex.replace(fresh=False)
        points, runs, failures = _run_stage(spec, cf_spec, fit, folder, 0, 1, ex, on_start)
        stages = [spec]
        if refine:
            spec2 = refined_spec(spec, points, refine, max(5, math.ceil(refine_top * len(points))))
            cf2 = counterfactual_spec(spec2, fit)[0] if cf else None
            p2, r2, f2 = _run_stage(spec2, cf2, fit, folder / "refine", len(points), 2, ex, on_start)
            points = pd.concat([points, p2], ignore_index=True)
            runs += r2
            failures.update(f2)
            stages.append(spec2)
        confirmed = None
        if confirm:
            # fresh seeds: the choice is not made on the runs that ranked the sets
            confirmed = confirm_sets(spec, fit, points, confirm, confirm_replications, spec.seed + 1000, ex)
            runs += len(confirmed) * confirm_replications * (2 if cf else 1)
            write_csv(folder / "confirmation.csv", confirmed)
    pool = confirmed if confirmed is not None else points
    chosen = best_point(pool)
    row = pool.set_index("point").loc[chosen]
    best = {p.key: plain_value(p.key, row[p.key]) for p in spec.parameters}
    cal = Calibration(
        spec,
        fit,
        skipped,
        points,
        chosen,
        best,
        cf,
        runs,
        time.perf_counter() - t0,
        failures,
        stages,
        confirmed,
        refine_top,
    )
    if write_path is not None:  # first, so that the report can name it
        cal.written = output.write_scenario(cal, write_path)
    with written(folder):
        output.write(cal, folder, lang)
    return cal

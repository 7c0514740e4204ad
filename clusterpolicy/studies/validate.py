"""The validation study: a scenario over replications against the targets from the public record.

``validate("concept_note_2015")`` runs the scenario (and, when a target needs it, its counterfactual with
the same seeds), computes every target's statistic in each replication, and reports the model mean with
its 95 % interval and whether it lies within the target's range; with ``out`` it writes
``validation.csv``, ``replications.csv``, the figures and ``report.html`` (in ``lang``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Unpack

import pandas as pd

from clusterpolicy.analysis.validation import (
    RunMatrix,
    Validation,
    columns_of,
    recorded_quarters,
    split_computable,
    study_estimates,
    summarise_targets,
    target_matrix,
)
from clusterpolicy.inputs.checks import check_count, check_folder, check_seed
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.scenario import Overrides, Scenario, counterfactual, load_scenario
from clusterpolicy.inputs.targets import TargetSet, load_targets
from clusterpolicy.outputs import validation as output
from clusterpolicy.outputs.i18n import lang_argument
from clusterpolicy.runs.design import Point, Task, paired_design
from clusterpolicy.runs.evaluate import evaluate
from clusterpolicy.runs.execution import Execution, RunOptions
from clusterpolicy.runs.folders import written
from clusterpolicy.runs.runner import run_one


@dataclass(frozen=True)
class StudyRun:
    """A run function that also records the firm panel and adds each study target's estimate as a column.

    Picklable, so that it runs in worker processes like the default run function.
    """

    targets: TargetSet

    def __call__(self, task: Task) -> pd.DataFrame:
        """The run's quarterly metrics, with a constant column per evaluation-study target."""
        res = run_one(task.params, task.seed, panel=True)
        ts = res.timeseries
        assert res.panel is not None
        for col, value in study_estimates(self.targets, res.panel, seed=task.seed).items():
            ts[col] = value
        return ts


def validate(
    scenario: str | Path | Scenario = "concept_note_2015",
    targets: TargetSet | str | Path | None = None,
    replications: int = 20,
    seed: int = 1,
    *,
    out: Path | str | None = None,
    overrides: Overrides = None,
    level: float = 0.95,
    lang: str = "en",
    execution: Execution | None = None,
    **options: Unpack[RunOptions],
) -> Validation:
    """Run a scenario (and its counterfactual when a target needs it) and compare it with the targets.

    Replicate ``r`` has the same seed in the scenario and in its counterfactual (common random numbers),
    so a counterfactual target is computed pair by pair.

    Args:
        scenario: a name, a path, or a loaded scenario.
        targets: a loaded targets file, a path, or None for the shipped one.
        replications: replicates (at least 2).
        seed: root seed of the replicate seeds.
        out: folder for the files (default: write nothing).
        overrides: overrides applied to the scenario.
        level: confidence level of the intervals.
        lang: the language of the report and its figures, ``en`` or ``nl``.
        execution: where and how to run (see :class:`~clusterpolicy.runs.execution.Execution`).
        **options: settings of ``execution`` to change, e.g. ``workers=2``.

    Raises:
        InputError: bad input (before anything runs), no target within the recorded period, or every run
            failed.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
    ts_all = targets if isinstance(targets, TargetSet) else load_targets(targets)
    replications = check_count("replications", replications, lo=2)
    seed = check_seed("seed", seed)
    folder = check_folder("out", out)
    lang = lang_argument(lang)
    execution = Execution.of(execution, **options)
    usable, skipped = split_computable(ts_all, sc.params)
    if not usable.targets:
        period = f"{sc.params.simulation.start} + {sc.params.simulation.quarters} quarters"
        raise InputError(
            str(ts_all.path or "targets"),
            f"no target lies within the recorded period of {sc.name} ({period})",
        )
    cf = None
    if usable.needs_counterfactual:
        rel = usable.path.parent if usable.path is not None else None
        cf = counterfactual(sc, usable.counterfactual, relative_to=rel)
    points = [Point(0, sc.name, sc.params, {})]
    if cf is not None:
        points.append(Point(1, cf.name, cf.params, {}))
    columns = columns_of(usable)
    if usable.needs_panel and execution.run is None:
        execution = execution.replace(run=StudyRun(usable))
    design = paired_design("validate", points, replications, seed, {}, columns=columns)
    t0 = time.perf_counter()
    ev = evaluate(design, None, execution)
    seconds = time.perf_counter() - t0
    long = ev.rows()
    if not len(long):
        first = next(iter(ev.failures.values()), "no runs")
        raise InputError(sc.name, f"every run failed; the first: {first}")
    quarters = recorded_quarters(sc.params)
    mat = RunMatrix.from_long(long[long["point"] == 0], columns, quarters, id_col="replicate")
    cf_mat = (
        RunMatrix.from_long(long[long["point"] == 1], columns, quarters, id_col="replicate")
        if cf is not None
        else None
    )
    per_run = target_matrix(usable, mat, cf_mat)
    per_run.index.name = "replicate"
    table = summarise_targets(usable, per_run, level)
    v = Validation(sc, usable, skipped, table, per_run, design.seeds, cf, ev.failures, seconds)
    if folder is not None:
        with written(folder):
            output.write(v, folder, lang)
    return v

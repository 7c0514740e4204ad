"""The sweep study: run (or resume) an experiment file's design into a store, on any executor.

``sweep("quick", "results/sweeps/quick")`` samples the design (grid, Latin hypercube, Sobol' or Morris),
checks every point, and runs it with :func:`~clusterpolicy.runs.evaluate.evaluate`: finished runs stream
to Parquet in the folder, a second call resumes, failed runs are retried only on request.
:func:`~clusterpolicy.runs.results.load_sweep_results` reads the folder back as one data frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Unpack

import pandas as pd

from clusterpolicy.inputs.checks import check_folder
from clusterpolicy.inputs.sweep_spec import SweepSpec, load_spec
from clusterpolicy.runs.design import Design
from clusterpolicy.runs.evaluate import Evaluation, evaluate
from clusterpolicy.runs.execution import ExecSummary, Execution, RunOptions
from clusterpolicy.runs.results import load_sweep_results
from clusterpolicy.runs.samplers import sweep_design
from clusterpolicy.runs.store import RunStore


@dataclass
class SweepResult:
    """A finished (or resumed) sweep.

    Attributes:
        spec: the experiment.
        design: its design (points, seeds).
        evaluation: what the evaluation did (runs done and failed now, runs stored before).
    """

    spec: SweepSpec
    design: Design
    evaluation: Evaluation

    @property
    def store(self) -> RunStore:
        """The store the runs are in."""
        assert self.evaluation.store is not None
        return self.evaluation.store

    @property
    def summary(self) -> ExecSummary:
        """Runs finished and failed in this call, and its wall time."""
        return self.evaluation.summary

    def results(self) -> pd.DataFrame:
        """One row per run: design inputs joined with the outcomes (see ``load_sweep_results``)."""
        return load_sweep_results(self.store.root, self.spec.outcomes)


def sweep(
    spec: SweepSpec | str | Path,
    out: Path | str,
    *,
    on_start: Callable[[int, int], None] | None = None,
    execution: Execution | None = None,
    **options: Unpack[RunOptions],
) -> SweepResult:
    """Run (or resume) a sweep into ``out``.

    Runs already stored are skipped; runs that raised before are skipped unless ``retry_failed``; a
    different design in ``out`` is refused (``fresh`` discards the store there, and only a store).

    Args:
        spec: a validated experiment, or the name or path of an experiment file.
        out: the run directory.
        on_start: called with (runs to do, runs already done) before the runs start.
        execution: where and how to run (see :class:`~clusterpolicy.runs.execution.Execution`).
        **options: settings of ``execution`` to change, e.g. ``workers=2``, ``scheduler="tcp://..."``.

    Raises:
        InputError: bad input, a design point that breaks a rule, a folder that holds something else;
            nothing is written then.
    """
    spec = spec if isinstance(spec, SweepSpec) else load_spec(spec)
    folder = check_folder("out", out)
    assert folder is not None
    execution = Execution.of(execution, **options)
    design = sweep_design(spec)
    return SweepResult(spec, design, evaluate(design, folder, execution, on_start))

"""The sensitivity study: run (or resume) a Sobol' or Morris sweep, compute the indices, write a report.

``sensitivity("quick", "results/sweeps/quick")`` is ``sweep`` followed by
:func:`~clusterpolicy.analysis.sensitivity.analyze_results` on the sweep's results and, with ``write``,
``indices.csv``, ``noise.csv``, the figures and ``sensitivity.html`` in the same folder.
:func:`function_sensitivity` runs the same analysis on a plain Python function (SALib's sample, the
function evaluated on it), e.g. on the Ishigami function, whose indices are known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Unpack

import numpy as np
import pandas as pd

from clusterpolicy.analysis.sensitivity import (
    DEFAULT_BOOTSTRAP,
    MIN_BOOTSTRAP,
    SensitivityResult,
    analyze_outputs,
    analyze_results,
    check_design,
)
from clusterpolicy.inputs.checks import check_count
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.sweep_spec import SweepSpec, load_spec
from clusterpolicy.outputs import sensitivity as output
from clusterpolicy.runs.execution import Execution, RunOptions
from clusterpolicy.runs.folders import written
from clusterpolicy.runs.samplers import salib_sample
from clusterpolicy.studies.sweep import SweepResult, sweep

MAX_BOOTSTRAP = 100_000


def check_bootstrap(bootstrap: int) -> int:
    """Bootstrap resamples: a whole number from 100 to 100,000.

    Raises:
        InputError: naming the ``bootstrap`` argument.
    """
    check_count("bootstrap", bootstrap, lo=MIN_BOOTSTRAP)
    if bootstrap > MAX_BOOTSTRAP:
        raise InputError(
            "bootstrap", f"{bootstrap}: a whole number from {MIN_BOOTSTRAP} to 100000", argument=True
        )
    return bootstrap


def analyze_sweep(
    result: SweepResult, *, bootstrap: int = DEFAULT_BOOTSTRAP, conf_level: float = 0.95
) -> SensitivityResult:
    """The indices of a finished (or partly finished) Sobol' or Morris sweep.

    Raises:
        InputError: a grid or lhs design, or no complete block of runs.
    """
    spec = result.spec
    check_design(spec)
    x = None
    if spec.design == "morris":
        x = salib_sample(spec.problem, "morris", spec.n, seed=spec.seed, num_levels=spec.morris_levels)
        _check_same_design(spec, x, result.design.inputs())
    return analyze_results(spec, result.results(), x, bootstrap=bootstrap, conf_level=conf_level)


def _check_same_design(spec: SweepSpec, x: np.ndarray, inputs: pd.DataFrame) -> None:
    """The re-drawn (unrounded) sample is the one that was run."""
    for j, p in enumerate(spec.parameters):
        run = inputs[p.key].to_numpy(float)
        if p.is_int and p.bounds is not None:
            ok = np.allclose(np.clip(np.round(x[:, j]), *p.bounds), run)
        else:
            ok = np.allclose(x[:, j], run)
        if not ok:  # pragma: no cover - only if SALib's sampler changed under a stored sweep
            raise InputError(
                p.key, "the stored design differs from SALib's sample; start the sweep over (fresh)"
            )


def sensitivity(
    spec: SweepSpec | str | Path,
    out: Path | str,
    *,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    write: bool = True,
    on_start: Callable[[int, int], None] | None = None,
    execution: Execution | None = None,
    **options: Unpack[RunOptions],
) -> SensitivityResult:
    """Run (or resume) a Sobol' or Morris sweep, analyse it and, with ``write``, write the files into ``out``.

    Args:
        spec: a validated experiment, or the name or path of an experiment file (design sobol or morris).
        out: the run directory (the sweep's store and the analysis files).
        bootstrap: bootstrap resamples for the intervals (100 to 100,000).
        write: write ``indices.csv``, ``noise.csv``, the figures and ``sensitivity.html``.
        on_start: called with (runs to do, runs already done) before the runs start.
        execution: where and how to run (see :class:`~clusterpolicy.runs.execution.Execution`).
        **options: settings of ``execution`` to change, e.g. ``workers=2``.

    Raises:
        InputError: bad input (a grid or lhs design is refused before anything runs or connects).
    """
    spec = spec if isinstance(spec, SweepSpec) else load_spec(spec)
    check_design(spec)
    bootstrap = check_bootstrap(bootstrap)
    result = sweep(spec, out, on_start=on_start, execution=execution, **options)
    res = analyze_sweep(result, bootstrap=bootstrap)
    if write:
        with written(out):
            output.write(res, Path(out), spec=spec, manifest=result.store.manifest())
    return res


def function_sensitivity(
    f: Callable[[np.ndarray], np.ndarray],
    problem: Mapping[str, Any],
    *,
    method: str = "sobol",
    n: int = 1024,
    seed: int = 1,
    second_order: bool = False,
    num_levels: int = 4,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    conf_level: float = 0.95,
    outcome: str = "y",
) -> SensitivityResult:
    """Sample ``problem`` with SALib, evaluate a plain function on the sample and analyse it.

    Args:
        f: the model, ``f(X)`` with ``X`` of shape (n, D); returns shape (n,) or (n, replicates).
        problem: the SALib problem.
        method: ``sobol`` (n = base samples, a power of two) or ``morris`` (n = trajectories).
        n: design size.
        seed: seed of the sample and (derived) of the bootstrap.
        second_order: also Sobol' second-order indices.
        num_levels: Morris levels.
        bootstrap: bootstrap resamples.
        conf_level: level of the intervals.
        outcome: the name of the output.
    """
    x = salib_sample(problem, method, n, seed=seed, second_order=second_order, num_levels=num_levels)
    return analyze_outputs(
        problem,
        {outcome: np.asarray(f(x), dtype=float)},
        method=method,
        x=x,
        second_order=second_order,
        num_levels=num_levels,
        bootstrap=bootstrap,
        conf_level=conf_level,
        seed=seed,
        name=getattr(f, "__name__", "function"),
    )

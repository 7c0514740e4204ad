"""The scenario-discovery study: PRIM boxes and feature scores of one outcome over a stored sweep.

``discover("results/sweeps/quick", "proposals_crowded_out_total", top=0.2)`` reads the sweep with
:func:`~clusterpolicy.runs.results.load_sweep_results`, finds with PRIM the ranges of the varied
parameters under which the outcome is in its top fifth (:mod:`clusterpolicy.analysis.discovery`), scores
the parameters with extra trees and, for a Sobol' sweep, puts the total-order indices beside the scores.
With ``out`` it writes ``boxes.csv``, ``scores.csv``, ``discover.png`` and ``discover.html`` there.
Nothing is run: the sweep must have been run (``clusterpolicy sweep``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from clusterpolicy.analysis.discovery import MIN_COVERAGE, Discovery, check_rule
from clusterpolicy.analysis.discovery import discover as prim_discover
from clusterpolicy.analysis.sensitivity import analyze_outputs
from clusterpolicy.inputs.checks import check_folder
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.model.metrics import OUTCOMES
from clusterpolicy.outputs import discover as output
from clusterpolicy.runs.folders import written
from clusterpolicy.runs.results import SweepInfo, load_sweep_results, sweep_info


def default_out(sweep: Path | str, outcome: str) -> Path:
    """Where the files go by default: ``SWEEP/discover-OUTCOME``."""
    return Path(sweep) / f"discover-{outcome}"


def sobol_totals(info: SweepInfo, results: pd.DataFrame, outcome: str) -> pd.DataFrame | None:
    """ST and its interval per parameter for a Sobol' sweep (as ``sensitivity`` computes them), else None.

    The replicates are averaged per point in the design's order, with the bootstrap seed derived from the
    sweep's root seed, so the values are those of ``clusterpolicy sensitivity`` on the same sweep.
    """
    if info.design != "sobol":
        return None
    done = results[results["status"] == "done"]
    grid = np.full((int(results["point"].max()) + 1, info.replications), np.nan)
    grid[done["point"].to_numpy(int), done["replicate"].to_numpy(int)] = done[outcome].to_numpy(float)
    try:
        res = analyze_outputs(
            info.problem,
            {outcome: grid},
            method="sobol",
            second_order=info.second_order,
            seed=info.seed,
            kinds=info.kinds,
            common_random_numbers=info.common_random_numbers,
        )
    except InputError:  # too few complete blocks: no indices to show
        return None
    st = res.indices[res.indices["index"] == "ST"]
    return st[["parameter", "value", "conf", "below_noise"]].rename(
        columns={"value": "ST", "conf": "ST_conf", "below_noise": "ST_below_noise"}
    )


def discover(
    sweep: Path | str,
    outcome: str,
    *,
    above: float | None = None,
    below: float | None = None,
    top: float | None = None,
    out: Path | str | None = None,
    min_coverage: float = MIN_COVERAGE,
    write: bool = True,
) -> Discovery:
    """Scenario discovery on a stored sweep: under which parameter ranges is ``outcome`` high (or low)?

    Args:
        sweep: the sweep's folder (``results/sweeps/NAME``).
        outcome: the outcome (a metric name; see ``clusterpolicy metrics``).
        above: cases of interest: design points whose mean outcome is above this value.
        below: cases of interest: design points whose mean outcome is below this value.
        top: cases of interest: this share of design points with the highest means (0.2: the top fifth).
        out: the folder for the files (default ``SWEEP/discover-OUTCOME``).
        min_coverage: the coverage a shown box must reach (default 0.5).
        write: write the files.

    Raises:
        InputError: a folder that holds no sweep, an outcome it did not record, a bad threshold.
    """
    check_rule(above, below, top)
    if outcome not in OUTCOMES:
        raise InputError(
            "outcome", f"{outcome!r}: not an outcome (see 'clusterpolicy metrics')", argument=True
        )
    folder = check_folder("sweep", sweep)
    assert folder is not None
    info = sweep_info(folder)
    target = check_folder("out", out) if out is not None else default_out(folder, outcome)
    results = load_sweep_results(folder)
    if outcome not in results.columns:
        recorded = ", ".join(info.outcomes) or "none"
        raise InputError(
            "outcome", f"{outcome!r}: not recorded in this sweep (it has {recorded})", argument=True
        )
    found = prim_discover(
        results,
        info.parameters,
        outcome,
        above=above,
        below=below,
        top=top,
        kinds=info.kinds,
        min_coverage=min_coverage,
        seed=info.seed,
        replications=info.replications,
    )
    st = sobol_totals(info, results, outcome)
    if st is not None:
        found.scores = found.scores.merge(st, on="parameter", how="left")
    if write:
        assert target is not None
        with written(target):
            output.write(found, target, info=info, sweep=folder)
    return found

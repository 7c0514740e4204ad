"""One scenario, one seed: run it and, with ``out``, write its time series, summary and overview figure."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from clusterpolicy.inputs.checks import check_folder, check_seed
from clusterpolicy.inputs.scenario import Overrides, Scenario, load_scenario
from clusterpolicy.outputs import run as output
from clusterpolicy.runs.folders import default_folder, written
from clusterpolicy.runs.runner import RunResult, run_one

if TYPE_CHECKING:
    from clusterpolicy.outputs.figure_process import FigureProcess

RESULTS = "results"


def run_folder(scenario: Scenario, root: str | Path = RESULTS) -> Path:
    """Where a run is written by default: ``results/NAME``, or ``results/NAME-set-HASH`` with overrides.

    A run with overrides gets a folder of its own (named by a hash of the overrides), so that it never
    overwrites the plain scenario's run.
    """
    if not scenario.overrides:
        return default_folder(root, scenario.name)
    text = json.dumps(sorted(scenario.overrides.items()), default=str)
    return default_folder(root, f"{scenario.name}-set-{hashlib.sha256(text.encode()).hexdigest()[:8]}")


def run(
    scenario: str | Path | Scenario,
    seed: int = 1,
    *,
    out: Path | str | None = None,
    overrides: Overrides = None,
    figures: FigureProcess | None = None,
) -> RunResult:
    """Run one scenario once.

    Args:
        scenario: a name, a path, or a loaded scenario.
        seed: the random seed.
        out: folder for the three files (default: write nothing).
        overrides: ``["policy.x=1", ...]`` or ``{"policy.x": 1}``.
        figures: a second process that draws the overview figure (see
            :mod:`clusterpolicy.outputs.figure_process`; the command line starts one before the model's
            imports); by default it is drawn in this process. The files are the same.

    Returns:
        The quarterly time series and the final values.

    Raises:
        InputError: bad input (before anything runs), or a folder that cannot take the files (then it
            is as it was).
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
    seed = check_seed("seed", seed)
    folder = check_folder("out", out)
    result = run_one(sc.params, seed)
    if folder is not None:
        with written(folder):  # the three files as one set: all of this run, or the previous ones
            output.write(sc, result, folder, figures=figures)
    return result

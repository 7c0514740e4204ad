"""One scenario, one seed: run it and, with ``out``, write its time series, summary and overview figure."""

from __future__ import annotations

from pathlib import Path

from clusterpolicy.inputs.checks import check_folder, check_seed
from clusterpolicy.inputs.scenario import Overrides, Scenario, load_scenario
from clusterpolicy.outputs import run as output
from clusterpolicy.runs.runner import RunResult, run_one


def run(
    scenario: str | Path | Scenario,
    seed: int = 1,
    *,
    out: Path | str | None = None,
    overrides: Overrides = None,
) -> RunResult:
    """Run one scenario once.

    Args:
        scenario: a name, a path, or a loaded scenario.
        seed: the random seed.
        out: folder for the three files (default: write nothing).
        overrides: ``["policy.x=1", ...]`` or ``{"policy.x": 1}``.

    Returns:
        The quarterly time series and the final values.

    Raises:
        InputError: bad input (before anything runs).
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
    seed = check_seed("seed", seed)
    folder = check_folder("out", out)
    result = run_one(sc.params, seed)
    if folder is not None:
        output.write(sc, result, folder)
    return result

"""The Python API where people use it: the README's snippet as a plain script, a notebook-like session,
a guarded script with worker processes, and the command line -- the same results in each."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from clusterpolicy.inputs.files import SCENARIOS_ENV, SHIPPED_SCENARIOS
from clusterpolicy.runs.execution import default_workers

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
NAMES = ["concept_note_2015", "no_privileged_budget"]
TINY = "[population]\nn_firms = 300\n[simulation]\nquarters = 4\nburn_in_quarters = 1\n"
COMPARE = (
    "import clusterpolicy\n"
    f"comp = clusterpolicy.compare({NAMES!r}, replications=3, seed=1, workers={{workers}})\n"
    "comp.summary.to_csv({csv!r}, index=False)\n"
)


@pytest.fixture(scope="module")
def tiny_scenarios(tmp_path_factory) -> Path:
    """Small versions of the shipped scenarios under their own names, found first by name."""
    d = tmp_path_factory.mktemp("scenarios")
    for name in NAMES:
        (d / f"{name}.toml").write_text(f'extends = "{SHIPPED_SCENARIOS / name}.toml"\n{TINY}')
    return d


@pytest.fixture(scope="module")
def baseline(tiny_scenarios) -> pd.DataFrame:
    """The summary computed in this process with one worker."""
    from clusterpolicy.studies.compare import compare

    mp = pytest.MonkeyPatch()
    mp.setenv(SCENARIOS_ENV, str(tiny_scenarios))
    try:
        return compare(NAMES, 3, 1, workers=1, progress=False).summary
    finally:
        mp.undo()


def _same(summary: pd.DataFrame, csv: Path) -> None:
    pd.testing.assert_frame_equal(summary.reset_index(drop=True), pd.read_csv(csv), check_dtype=False)


def _python(
    args: list[str], cwd: Path, scenarios: Path, stdin: str | None = None
) -> subprocess.CompletedProcess:
    env = {**os.environ, SCENARIOS_ENV: str(scenarios)}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


def readme_snippet() -> str:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("\n## Python\n") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None, "the README's Python section has a python block"
    return match.group(1)


def test_the_readme_snippet_runs_as_a_plain_script(tmp_path, tiny_scenarios):
    snippet = readme_snippet()
    assert "__main__" not in snippet, "the snippet is a plain script, without a main guard"
    (tmp_path / "snippet.py").write_text(snippet)
    proc = _python(["snippet.py"], tmp_path, tiny_scenarios)
    assert proc.returncode == 0, proc.stderr
    assert "BrokenProcessPool" not in proc.stderr and "Traceback" not in proc.stderr
    assert "proposals_crowded_out_total" in proc.stdout and "no_privileged_budget" in proc.stdout
    if default_workers() > 1:  # a pool would re-run this script in every worker: this process does the runs
        assert "SerialFallbackWarning" in proc.stderr and "snippet.py has no" in proc.stderr


def test_a_notebook_like_session_and_a_guarded_script_use_worker_processes_with_the_same_results(
    tmp_path, tiny_scenarios, baseline
):
    # a notebook's code has no main file: worker processes can start
    proc = _python(["-c", COMPARE.format(workers=2, csv=str(tmp_path / "c.csv"))], tmp_path, tiny_scenarios)
    assert proc.returncode == 0 and "SerialFallbackWarning" not in proc.stderr, proc.stderr
    _same(baseline, tmp_path / "c.csv")
    # a script whose work is under the main guard keeps its worker processes
    body = COMPARE.format(workers=2, csv=str(tmp_path / "g.csv"))
    guarded = tmp_path / "guarded.py"
    guarded.write_text(
        "if __name__ == '__main__':\n" + "".join(f"    {line}\n" for line in body.splitlines())
    )
    proc = _python([str(guarded)], tmp_path, tiny_scenarios)
    assert proc.returncode == 0 and "SerialFallbackWarning" not in proc.stderr, proc.stderr
    _same(baseline, tmp_path / "g.csv")


def test_the_command_line_gives_the_same_summary(tmp_path, tiny_scenarios, baseline):
    args = ["-m", "clusterpolicy", "compare", *NAMES, "--replications", "3", "--seed", "1", "--workers", "2"]
    proc = _python([*args, "--out", str(tmp_path / "cli")], tmp_path, tiny_scenarios)
    assert proc.returncode == 0, proc.stderr
    assert "compared 2 scenarios x 3 paired replications" in proc.stdout
    _same(baseline, tmp_path / "cli" / "summary.csv")

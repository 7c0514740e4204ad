"""A normal (non-editable) install carries the shipped data and works on its own, from any folder.

The wheel is built from this checkout and installed into a fresh virtual environment with ``--no-deps``;
the environment reaches the dependencies through a ``.pth`` file naming this interpreter's
site-packages (so the test needs no network), while ``clusterpolicy`` itself can only come from the
wheel: the commands run in a folder outside the checkout, and the test checks where the package is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "clusterpolicy" / "data"
TINY = [
    "--set",
    "population.n_firms=300",
    "--set",
    "simulation.quarters=4",
    "--set",
    "simulation.burn_in_quarters=1",
]


def _run(cmd: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    e = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CLUSTERPOLICY_SCENARIOS")}
    proc = subprocess.run(cmd, cwd=cwd, env={**e, **env}, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{cmd}: {proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("install")
    # a clean copy of what the build reads: a build/ folder left in the checkout would leak stale files
    src = tmp / "src"
    shutil.copytree(
        ROOT / "clusterpolicy", src / "clusterpolicy", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "wheel"), str(src)], tmp)
    (wheel,) = (tmp / "wheel").glob("clusterpolicy-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp)
    py = venv / "bin" / "python"
    site = Path(
        _run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp).stdout.strip()
    )
    (site / "_deps_of_the_test.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index"]
    _run([*pip, str(wheel)], tmp)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return wheel, venv


def test_the_wheel_holds_one_package_and_every_shipped_file(installed):
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("clusterpolicy-")}
    assert tops == {"clusterpolicy"}, "no top-level model/ or experiments/ beside the package"
    shipped = {f"clusterpolicy/data/{p.relative_to(DATA).as_posix()}" for p in DATA.rglob("*.toml")}
    assert shipped and shipped <= set(names)


def test_the_installed_command_lists_and_runs_the_shipped_scenarios(installed, tmp_path):
    _, venv = installed
    here = tmp_path
    where = _run(
        [str(venv / "bin" / "python"), "-c", "import clusterpolicy; print(clusterpolicy.__file__)"], here
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    listed = _run([str(venv / "bin" / "clusterpolicy"), "list"], here).stdout
    for p in (DATA / "scenarios").glob("*.toml"):
        assert p.stem in listed
    out = here / "out"
    _run([str(venv / "bin" / "clusterpolicy"), "run", "concept_note_2015", *TINY, "--out", str(out)], here)
    assert {"timeseries.csv", "summary.json", "overview.png"} <= {p.name for p in out.iterdir()}
    assert (
        "usage: clusterpolicy"
        in _run([str(venv / "bin" / "python"), "-m", "clusterpolicy", "--help"], here).stdout
    )


def test_a_users_scenario_folder_is_found_by_flag_or_environment_variable(installed, tmp_path):
    _, venv = installed
    mine = tmp_path / "my_scenarios"
    mine.mkdir()
    (mine / "tweak.toml").write_text(
        'description = "mine"\nextends = "concept_note_2015"\n[policy]\nprivileged_share = 0.5\n'
    )
    cp = str(venv / "bin" / "clusterpolicy")
    assert "tweak" in _run([cp, "list"], tmp_path, CLUSTERPOLICY_SCENARIOS=str(mine)).stdout
    assert "tweak" in _run([cp, "--scenarios", str(mine), "list"], tmp_path).stdout
    checked = _run([cp, "--scenarios", str(mine), "check", "tweak"], tmp_path).stdout
    assert "privileged_share = 0.5" in checked

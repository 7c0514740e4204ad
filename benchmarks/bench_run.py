"""Where the time of ``clusterpolicy run`` goes: imports, the model, the files, the overview figure.

    .venv/bin/python benchmarks/bench_run.py [--repeats 5] [--scenario concept_note_2015] [--bytecode-cache]

Three measurements, each repeated and reported as medians (the machine may be shared):

1. the whole command, ``python -m clusterpolicy run SCENARIO --out TMP``, beside two references measured
   in the same loop: ``python -c pass`` (the interpreter) and ``python -c "import mesa"`` (the interpreter
   and Mesa, which the model needs whatever the command does);
2. the command's phases, timed one after another inside a fresh interpreter (the steps ``cli/run.cmd_run``
   takes); the overview figure is first drawn whole and saved by Matplotlib (``savefig``), a reference
   split into drawing (layout and rasterising, in Matplotlib's Agg) and encoding the PNG; then made as
   the command makes it, in two parts at once (a forked helper draws the bottom row) and encoded by
   :func:`clusterpolicy.outputs.run_figure.png`, from building it to the PNG. The command itself does
   the ``figure:`` steps but its data in a second process (:mod:`clusterpolicy.outputs.figure_process`),
   started first: Matplotlib's import goes on while the model's imports and the model run, and the
   figure's building and drawing while the CSV and JSON files are written;
3. the import tree, from ``python -X importtime``: the largest packages the command imports beyond those
   ``import mesa`` imports already (pandas, pyarrow and SciPy come with Mesa), and all of them; then
   those of the figure process.

The command's own overhead is its wall time less the ``import mesa`` reference and the model's run.
Results go to benchmarks/out/run.json.

Where ``PYTHONDONTWRITEBYTECODE`` is set (as on this project's machines), Python compiles clusterpolicy's
own modules again at every start (the installed packages come with their bytecode); ``--bytecode-cache``
measures as a user's install runs: without it, after one run that writes the cache (``__pycache__``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"

# the steps of cli/run.cmd_run, timed one by one in a fresh interpreter; prints one JSON line
PHASES = r"""
import json, sys, tempfile, time
from pathlib import Path
t = [time.perf_counter()]
def mark(): t.append(time.perf_counter())
import mesa; mark()
from clusterpolicy.cli.main import build_parser; mark()
from clusterpolicy.inputs.scenario import load_scenario; mark()
from clusterpolicy.studies.run import run_folder; from clusterpolicy.outputs import run as output; mark()
from clusterpolicy.outputs.run import run_text
from clusterpolicy.runs.folders import written
from clusterpolicy.runs.runner import run_one
from clusterpolicy.outputs import files, run_figure
from clusterpolicy.outputs.provenance import provenance
scenario = load_scenario(sys.argv[1]); mark()
result = run_one(scenario.params, 1); mark()
spec = output.overview_spec(result.timeseries, "title"); mark()
out = Path(tempfile.mkdtemp())
files.write_csv(out / "timeseries.csv", result.timeseries)
files.write_json(out / "summary.json", {"metrics": result.final, "provenance": provenance()}); mark()
run_text(scenario, result, out, 1.0); mark()
import matplotlib.figure; import clusterpolicy.outputs.figures; mark()
fig = run_figure.draw(spec); mark()
import matplotlib.image
from clusterpolicy.outputs.figures import render
encode = []
imsave = matplotlib.image.imsave  # what Agg's print_png calls with the drawn pixels
def timed_imsave(*args, **kwargs):
    t0 = time.perf_counter()
    try:
        return imsave(*args, **kwargs)
    finally:
        encode.append(time.perf_counter() - t0)
matplotlib.image.imsave = timed_imsave
png = render(fig); mark()
run_figure.prepare(); run_figure.start_helper()  # what the figure process does before the data come
t0 = time.perf_counter()
run_figure.png(spec)
parts = time.perf_counter() - t0
names = ["import mesa", "import cli", "import inputs.scenario", "import studies.run", "load scenario",
         "model", "figure: its data", "write csv, json", "terminal text",
         "figure: import matplotlib", "figure: build", "figure: draw, PNG"]
times = {n: b - a for n, a, b in zip(names, t, t[1:])}
times["figure: draw"] = times["figure: draw, PNG"] - sum(encode)
times["figure: PNG encode"] = sum(encode)
times["figure: in two parts, PNG"] = parts
print(json.dumps(times))
"""


def wall(cmd: list[str]) -> float:
    """Wall time of a command, in seconds (it must succeed)."""
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def module_times(code: str) -> dict[str, float]:
    """The self time of every module ``code`` imports, in seconds, from ``python -X importtime``."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], check=True, capture_output=True, text=True
    ).stderr
    own: dict[str, float] = {}
    for line in err.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        self_us, _, name = (x.strip() for x in line.removeprefix("import time:").split("|"))
        if self_us.isdigit():
            own[name] = int(self_us) / 1e6
    return own


def import_tree(code: str, top: int = 12, beyond: str | None = None) -> list[tuple[str, float]]:
    """Import time by top-level package (the self times of its modules), from ``python -X importtime``.

    With ``beyond``, only the modules that ``beyond`` does not import already.
    """
    skip = module_times(beyond) if beyond else {}
    own: dict[str, float] = {}
    for name, secs in module_times(code).items():
        if name not in skip:
            package = name.split(".")[0]
            own[package] = own.get(package, 0.0) + secs
    return sorted(own.items(), key=lambda kv: -kv[1])[:top]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--scenario", default="concept_note_2015")
    ap.add_argument(
        "--bytecode-cache",
        action="store_true",
        help="unset PYTHONDONTWRITEBYTECODE for the measured commands (after one run that writes the cache)",
    )
    args = ap.parse_args()
    py = sys.executable
    if args.bytecode_cache:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # the commands below inherit the environment
        with tempfile.TemporaryDirectory() as tmp:
            wall([py, "-m", "clusterpolicy", "run", args.scenario, "--out", tmp])
    cache = "off (PYTHONDONTWRITEBYTECODE)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
    walls: dict[str, list[float]] = {"python": [], "import mesa": [], "clusterpolicy run": []}
    phases: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):  # interleaved, so that every measurement meets the same load
            walls["python"].append(wall([py, "-c", "pass"]))
            walls["import mesa"].append(wall([py, "-c", "import mesa"]))
            out = str(Path(tmp) / f"run{i}")
            command = [py, "-m", "clusterpolicy", "run", args.scenario, "--out", out]
            walls["clusterpolicy run"].append(wall(command))
            line = subprocess.run(
                [py, "-c", PHASES, args.scenario], check=True, capture_output=True, text=True
            )
            phases.append(json.loads(line.stdout.strip().splitlines()[-1]))
    med = {k: statistics.median(v) for k, v in walls.items()}
    phase = {k: statistics.median(p[k] for p in phases) for k in phases[0]}
    overhead = med["clusterpolicy run"] - med["import mesa"] - phase["model"]
    print(f"medians of {args.repeats}, interleaved; bytecode cache of clusterpolicy's modules {cache}:")
    for k, v in med.items():
        print(f"  {k:20s} {v:6.2f} s")
    print(f"  the command's own overhead (run - import mesa - model): {overhead:5.2f} s\n")
    print("phases of the command in a fresh interpreter (medians):")
    for k, v in phase.items():
        print(f"  {k:26s} {1000 * v:7.0f} ms")
    code = "from clusterpolicy.cli.main import main; import clusterpolicy.studies.run"
    beyond = import_tree(code, beyond="import mesa")
    print("\nimport time by package beyond `import mesa` (its modules' own time, one measurement):")
    for name, secs in beyond:
        print(f"  {name:20s} {1000 * secs:7.0f} ms")
    tree = import_tree(code)
    print("\nimport time by package, all (its modules' own time, one measurement):")
    for name, secs in tree:
        print(f"  {name:20s} {1000 * secs:7.0f} ms")
    figure = import_tree(
        "from clusterpolicy.outputs import run_figure; [__import__(m) for m in run_figure.MODULES]"
    )
    print("\nimport time by package of the figure process (its modules' own time, one measurement):")
    for name, secs in figure:
        print(f"  {name:20s} {1000 * secs:7.0f} ms")
    OUT.mkdir(exist_ok=True)
    result = {
        "bytecode_cache": cache,
        "wall_s": med,
        "overhead_s": overhead,
        "phases_s": phase,
        "imports_beyond_mesa_s": dict(beyond),
        "imports_s": dict(tree),
        "imports_figure_process_s": dict(figure),
    }
    (OUT / "run.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {OUT / 'run.json'}")


if __name__ == "__main__":
    main()

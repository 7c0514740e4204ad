"""Instructions per model run, counted by valgrind's callgrind: repeatable on a shared, noisy machine.

Counts the instructions of one baseline run (5,000 firms, 8 + 40 quarters) as the difference between a
process that runs the model twice (the same seed) and one that runs it once: the second run is warm
(numba's compiled loops loaded, NumPy's caches filled), as every run but the first of a sweep's worker
is. The first run's
extra cost (importing numba and loading the compiled loops from its cache, or compiling them where there
is none) is reported beside it, as the difference between one run and an import only. Optionally does
the same for another checkout of the project (``--other PATH``, e.g. a ``git worktree`` of an earlier
commit) in the same way, and prints the ratio. Under valgrind numba sees another CPU, so it compiles
once for it: the first call of this benchmark on a machine warms that cache.

    .venv/bin/python benchmarks/bench_instructions.py [--other ../wt-base] [--runs 3] [--seed 1]

Needs ``valgrind`` (Debian: ``apt-get install valgrind``). Results: benchmarks/out/instructions.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).resolve().parents[1]

DRIVER = """
import sys
from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model import ClusterPolicyModel
p = load_scenario("concept_note_2015").params
for _ in range({"load": 0, "once": 1, "twice": 2}[sys.argv[1]]):
    ClusterPolicyModel(p, rng=int(sys.argv[2])).run()
"""


def count(tree: Path, mode: str, seed: int) -> int:
    """Instructions (Ir) of the driver in ``mode`` with ``tree`` first on the import path."""
    with tempfile.TemporaryDirectory() as tmp:
        driver = Path(tmp) / "driver.py"
        driver.write_text(DRIVER)
        out = Path(tmp) / "cg.out"
        env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
        cmd = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            str(driver),
            mode,
            str(seed),
        ]
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        m = re.search(r"Collected\s*:\s*(\d+)", res.stderr)
        if not m:
            raise RuntimeError(res.stderr[-2000:])
        return int(m.group(1))


def per_run(tree: Path, runs: int, seed: int) -> tuple[list[int], int]:
    """Instructions of one warm model run, ``runs`` times, and the first run's extra cost (once)."""
    count(tree, "once", seed)  # fills numba's cache for valgrind's CPU, where there is numba
    warm = []
    for i in range(runs):
        once = count(tree, "once", seed + i)
        warm.append(count(tree, "twice", seed + i) - once)
    first = once - count(tree, "load", seed) - warm[-1]
    return warm, first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--other", type=Path, help="another checkout to compare with (e.g. an earlier commit)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("bench_instructions: valgrind is not installed (Debian: apt-get install valgrind)")
    result: dict[str, object] = {}
    this, first = per_run(ROOT, args.runs, args.seed)
    result["this"] = {
        "path": str(ROOT),
        "instructions": this,
        "median": statistics.median(this),
        "first_run_extra": first,
    }
    print(f"this checkout:  median {statistics.median(this) / 1e9:.2f} G instructions per warm run ({this})")
    print(f"                the first run in a process costs {first / 1e9:.2f} G more (imports, caches)")
    if args.other:
        other, first_other = per_run(args.other.resolve(), args.runs, args.seed)
        result["other"] = {
            "path": str(args.other),
            "instructions": other,
            "median": statistics.median(other),
            "first_run_extra": first_other,
        }
        ratio = statistics.median(this) / statistics.median(other)
        result["ratio"] = ratio
        print(
            f"other checkout: median {statistics.median(other) / 1e9:.2f} G instructions per warm run"
            f" ({other})"
        )
        print(f"                the first run in a process costs {first_other / 1e9:.2f} G more")
        print(f"ratio this / other: {ratio:.2f}")
    OUT.mkdir(exist_ok=True)
    (OUT / "instructions.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

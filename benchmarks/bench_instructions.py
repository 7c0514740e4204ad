"""Instructions per model run, counted by valgrind's callgrind: repeatable on a shared, noisy machine.

Counts the instructions of one baseline run (5,000 firms, 8 + 40 quarters) as the difference between a
process that runs the model twice (the same seed) and one that runs it once: the second run is warm
(numba's compiled loops loaded, NumPy's caches filled), as every run but the first of a sweep's worker
is. The first run's extra cost (importing numba and loading the compiled loops from its cache) is
reported beside it, as the difference between one run and an import only, less a warm run. Optionally
does the same for another checkout of the project (``--other PATH``, e.g. a ``git worktree`` of an
earlier commit) and prints the ratio.

Under valgrind numba sees another CPU, so the compiled loops cached for the real one do not serve, and a
process that compiled them would be counted with tens of G instructions of compiling. So, for each
checkout, the driver first runs (twice, the same seed, the same environment) under
``valgrind --tool=none``, which is fast and presents the same CPU as callgrind: that fills numba's cache
(``__pycache__`` next to each checkout's modules, or ``NUMBA_CACHE_DIR`` where it is set) for valgrind's
CPU. The counts are then checked: every warm run's count must be positive, no counted process may have
compiled anything (the driver reports numba's cache misses of the project's compiled functions), and
numba's cache files must be the same after the counted processes as before. If a check fails, the
benchmark says so in one line and exits with status 1, printing and writing no numbers.

    .venv/bin/python benchmarks/bench_instructions.py [--other ../wt-base] [--runs 3] [--seed 1] [--jobs 2]

``--jobs N`` runs up to N valgrind processes at once (instruction counts do not depend on it).
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
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).resolve().parents[1]

#: the driver runs the model 0, 1 or 2 times, then prints how many functions numba compiled in it
#: (cache misses of the project's compiled functions; 0 where numba is not imported) and where the
#: package was imported from; that report costs the same in every mode, so it cancels out of the
#: differences
DRIVER = """
import sys
from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model import ClusterPolicyModel
p = load_scenario("concept_note_2015").params
for _ in range({"load": 0, "once": 1, "twice": 2}[sys.argv[1]]):
    ClusterPolicyModel(p, rng=int(sys.argv[2])).run()
misses = 0
if "numba" in sys.modules:
    from numba.core.dispatcher import Dispatcher
    seen = set()
    for name, mod in list(sys.modules.items()):
        if name.split(".")[0] != "clusterpolicy":
            continue
        for obj in list(vars(mod).values()):
            if isinstance(obj, Dispatcher) and id(obj) not in seen:
                seen.add(id(obj))
                misses += sum(obj.stats.cache_misses.values())
import clusterpolicy
print(f"numba-compiled: {misses}")
print(f"clusterpolicy-from: {clusterpolicy.__file__}")
"""


class Invalid(Exception):
    """A count that is not a count of warm model runs."""


def _valgrind(tree: Path, tool: list[str], mode: str, seed: int) -> tuple[str, str]:
    """Run the driver under valgrind with ``tool``'s options; its stdout and stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        driver = Path(tmp) / "driver.py"
        driver.write_text(DRIVER)
        env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
        cmd = ["valgrind", *[a.replace("{tmp}", tmp) for a in tool], sys.executable, str(driver)]
        res = subprocess.run([*cmd, mode, str(seed)], env=env, capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} {mode} {seed} failed in {tree}:\n{res.stderr[-2000:]}")
        return res.stdout, res.stderr


def _compiled(stdout: str, tree: Path) -> int:
    """The driver's report: functions numba compiled; checks the package came from ``tree``."""
    m = re.search(r"numba-compiled: (\d+)", stdout)
    src = re.search(r"clusterpolicy-from: (.*)", stdout)
    if not m or not src:
        raise RuntimeError(f"the driver did not report numba's cache misses:\n{stdout[-2000:]}")
    if not Path(src.group(1)).resolve().is_relative_to(tree):
        raise RuntimeError(f"clusterpolicy was imported from {src.group(1)}, not from {tree}")
    return int(m.group(1))


def warm(tree: Path, seed: int) -> int:
    """Fill numba's cache for valgrind's CPU: the driver, twice, under ``valgrind --tool=none``.

    Returns the number of functions numba compiled on the way.
    """
    stdout, _ = _valgrind(tree, ["--tool=none"], "twice", seed)
    return _compiled(stdout, tree)


def count(tree: Path, mode: str, seed: int) -> int:
    """Instructions (Ir) of the driver in ``mode`` with ``tree`` first on the import path.

    Raises :class:`Invalid` where numba compiled anything in that process.
    """
    stdout, stderr = _valgrind(tree, ["--tool=callgrind", "--callgrind-out-file={tmp}/cg.out"], mode, seed)
    m = re.search(r"Collected\s*:\s*(\d+)", stderr)
    if not m:
        raise RuntimeError(stderr[-2000:])
    if n := _compiled(stdout, tree):
        raise Invalid(f"numba compiled {n} function(s) in a counted process ({tree}, {mode}, seed {seed})")
    return int(m.group(1))


def cache_dirs(trees: Iterable[Path]) -> list[Path]:
    """Where numba may keep its cache for these checkouts: in the tree, NUMBA_CACHE_DIR, the user's."""
    dirs = list(trees)
    if os.environ.get("NUMBA_CACHE_DIR"):
        dirs.append(Path(os.environ["NUMBA_CACHE_DIR"]))
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    dirs.append(Path(xdg) / "numba")
    return dirs


def cache_state(dirs: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """Size and modification time of every numba cache file (.nbi, .nbc) under ``dirs``."""
    state: dict[str, tuple[int, int]] = {}
    for d in dirs:
        for base, sub, files in os.walk(d):
            sub[:] = [s for s in sub if not s.startswith(".")]  # not .git, .venv
            for f in files:
                if f.endswith((".nbi", ".nbc")):
                    st = os.stat(os.path.join(base, f))
                    state[os.path.join(base, f)] = (st.st_size, st.st_mtime_ns)
    return state


def _pool[T](jobs: int, fn: Callable[..., T], calls: Sequence[tuple[object, ...]]) -> list[T]:
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        return list(ex.map(lambda a: fn(*a), calls))


def measure(trees: list[Path], runs: int, seed: int, jobs: int) -> list[tuple[list[int], int]]:
    """For each tree: instructions of one warm run, ``runs`` times, and the first run's extra cost.

    Warms numba's cache for valgrind's CPU first; raises :class:`Invalid` where a check fails.
    """
    _pool(jobs, warm, [(t, seed) for t in trees])
    dirs = cache_dirs(trees)
    before = cache_state(dirs)
    calls = [(t, "load", seed) for t in trees]
    calls += [(t, mode, seed + i) for t in trees for i in range(runs) for mode in ("once", "twice")]
    counts = dict(zip(calls, _pool(jobs, count, calls), strict=True))
    after = cache_state(dirs)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        n = len(changed)
        raise Invalid(f"numba's cache changed during the counted runs ({n} files, e.g. {changed[0]})")
    out = []
    for t in trees:
        warm_runs = [counts[t, "twice", seed + i] - counts[t, "once", seed + i] for i in range(runs)]
        if min(warm_runs) <= 0:
            raise Invalid(f"a warm run counted {min(warm_runs)} instructions ({t})")
        first = counts[t, "once", seed + runs - 1] - counts[t, "load", seed] - warm_runs[-1]
        out.append((warm_runs, first))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--other", type=Path, help="another checkout to compare with (e.g. an earlier commit)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1, help="valgrind processes at once (default 1)")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("bench_instructions: valgrind is not installed (Debian: apt-get install valgrind)")
    trees = [ROOT] + ([args.other.resolve()] if args.other else [])
    try:
        measured = measure(trees, args.runs, args.seed, args.jobs)
    except Invalid as e:
        print(f"bench_instructions: invalid count, no result: {e}", file=sys.stderr)
        sys.exit(1)
    result: dict[str, object] = {}
    (this, first), *rest = measured
    result["this"] = {
        "path": str(ROOT),
        "instructions": this,
        "median": statistics.median(this),
        "first_run_extra": first,
    }
    print(f"this checkout:  median {statistics.median(this) / 1e9:.2f} G instructions per warm run ({this})")
    print(f"                the first run in a process costs {first / 1e9:.2f} G more (imports, caches)")
    if args.other:
        ((other, first_other),) = rest
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

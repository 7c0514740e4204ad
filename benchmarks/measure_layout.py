"""Measure the code's shape: the longest functions, module sizes, and the call path of one ``compare``.

Run from the repository root::

    .venv/bin/python benchmarks/measure_layout.py clusterpolicy          # sizes only
    .venv/bin/python benchmarks/measure_layout.py clusterpolicy --trace  # and the call path of a tiny compare

The model (``clusterpolicy/model``) is left out of every number: it is the same before and after.
*Hops* are the distinct (calling function, called function) pairs whose functions live in different
modules, recorded with ``sys.setprofile`` while ``clusterpolicy compare`` runs two tiny scenarios twice
in this process (module imports are not counted); a module is *entered* once per distinct hop into it.
"""

from __future__ import annotations

import ast
import importlib
import sys
import tempfile
from collections import Counter
from pathlib import Path


def _in_model(rel: Path) -> bool:
    return len(rel.parts) > 1 and rel.parts[1] == "model"


def functions(root: Path) -> list[tuple[int, str]]:
    """(lines, module:function) of every function outside the model, longest first."""
    rows = []
    for f in sorted(root.rglob("*.py")):
        rel = f.relative_to(root.parent)
        if _in_model(rel):
            continue
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                rows.append((node.end_lineno - node.lineno + 1, f"{rel}:{node.name}"))
    return sorted(rows, reverse=True)


def modules(root: Path) -> list[tuple[int, str]]:
    """(lines, path) of every module outside the model, largest first."""
    rows = []
    for f in sorted(root.rglob("*.py")):
        rel = f.relative_to(root.parent)
        if not _in_model(rel):
            rows.append((len(f.read_text().splitlines()), str(rel)))
    return sorted(rows, reverse=True)


def _main():
    for name in ("clusterpolicy.experiments.cli", "clusterpolicy.cli", "clusterpolicy.cli.main"):
        try:
            return importlib.import_module(name).main
        except (ImportError, AttributeError):
            continue
    raise SystemExit("no clusterpolicy command-line module found")


def trace(argv: list[str]) -> tuple[int, Counter, Counter]:
    """Run the command in this process; return its exit code, the hops and the entries per module."""

    def ours(mod: str) -> bool:
        return mod.startswith("clusterpolicy") and not mod.startswith("clusterpolicy.model")

    hops: Counter = Counter()
    entered: Counter = Counter()

    def prof(frame, event, arg):
        if event != "call" or frame.f_code.co_name == "<module>":
            return
        callee = frame.f_globals.get("__name__", "")
        if not ours(callee):
            return
        back = frame.f_back
        # the nearest frame of ours (a call made through pandas or an executor still counts)
        while back is not None and not back.f_globals.get("__name__", "").startswith("clusterpolicy"):
            back = back.f_back
        if back is None or back.f_code.co_name == "<module>":
            return
        caller = back.f_globals.get("__name__", "")
        if caller != callee and ours(caller):
            key = (f"{caller}.{back.f_code.co_name}", f"{callee}.{frame.f_code.co_name}")
            if key not in hops:
                entered[callee] += 1
            hops[key] += 1

    main = _main()
    sys.setprofile(prof)
    try:
        rc = main(argv)
    finally:
        sys.setprofile(None)
    return rc, hops, entered


if __name__ == "__main__":
    root = Path(sys.argv[1])
    print("longest functions (lines):")
    for n, name in functions(root)[:12]:
        print(f"  {n:5}  {name}")
    mods = modules(root)
    print("largest modules (lines):")
    for n, name in mods[:12]:
        print(f"  {n:5}  {name}")
    print(f"modules outside model/: {len(mods)}, {sum(n for n, _ in mods)} lines")
    if "--trace" in sys.argv:
        out = tempfile.mkdtemp()
        tiny = ["population.n_firms=300", "simulation.quarters=4", "simulation.burn_in_quarters=1"]
        argv = ["compare", "concept_note_2015", "no_cluster_policy", "--replications", "2", "--workers", "1"]
        argv += [x for s in tiny for x in ("--set", s)] + ["--out", out]
        rc, hops, entered = trace(argv)
        mods_in = {k[0].rsplit(".", 1)[0] for k in hops} | {k[1].rsplit(".", 1)[0] for k in hops}
        print(f"\ncompare trace (exit {rc}): {len(mods_in)} modules, {len(hops)} hops; entries per module:")
        for m, c in entered.most_common():
            print(f"  {c:3}  {m}")
        if "--hops" in sys.argv:
            for (a, b), c in sorted(hops.items()):
                print(f"     {a} -> {b}  x{c}")

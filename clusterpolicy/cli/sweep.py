"""``clusterpolicy sweep``, ``sensitivity`` and ``discover``: run (or resume) an experiment, analyse it."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from clusterpolicy.cli.options import add_run_options, execution

if TYPE_CHECKING:
    from clusterpolicy.inputs.sweep_spec import SweepSpec
    from clusterpolicy.runs.execution import ExecSummary, Execution

BOOTSTRAP = 1000  # the study's default (analysis.sensitivity.DEFAULT_BOOTSTRAP; a test checks they agree)


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``sweep`` and ``sensitivity`` sub-commands."""
    s = sub.add_parser(
        "sweep",
        parents=parents,
        help="run a parameter sweep from an experiment file (resumes when run again)",
        description="Run the design of an experiment file. Results stream to Parquet in --out; running "
        "the same command on the same folder resumes: finished runs are not repeated.",
    )
    _sweep_args(s)
    s.set_defaults(func=cmd_sweep)

    a = sub.add_parser(
        "sensitivity",
        parents=parents,
        help="run (or resume) a Sobol' or Morris sweep and report which parameters drive the outcomes",
        description="Run the design of an experiment file (design = sobol or morris; resumes like "
        "'sweep'), average the replicates per design point and write indices.csv (Sobol' S1/ST or Morris "
        "mu*/sigma with bootstrap intervals, replicate noise, convergence), indices.png, morris.png and "
        "sensitivity.html into --out.",
    )
    _sweep_args(a)
    a.add_argument(
        "--bootstrap",
        type=int,
        default=BOOTSTRAP,
        metavar="B",
        help=f"bootstrap resamples for the intervals (default {BOOTSTRAP})",
    )
    a.set_defaults(func=cmd_sensitivity)

    d = sub.add_parser(
        "discover",
        parents=parents,
        help="scenario discovery on a stored sweep: under which parameter ranges is an outcome high or low",
        description="PRIM (EMA Workbench) over a stored sweep's design points: the ranges of the varied "
        "parameters that hold the points where OUTCOME is above or below a value (or in its top share), "
        "with coverage and density; plus extra-trees feature scores (beside the Sobol' indices of a "
        "Sobol' sweep). Writes boxes.csv, scores.csv, discover.png and discover.html into --out. Runs "
        "nothing: run the sweep first ('clusterpolicy sweep').",
    )
    d.add_argument("sweep", metavar="SWEEP_DIR", help="the sweep's folder, e.g. results/sweeps/quick")
    d.add_argument(
        "--outcome", required=True, metavar="NAME", help="the outcome (see 'clusterpolicy metrics')"
    )
    rule = d.add_mutually_exclusive_group(required=True)
    rule.add_argument("--above", type=float, metavar="X", help="cases: points whose mean outcome is above X")
    rule.add_argument("--below", type=float, metavar="X", help="cases: points whose mean outcome is below X")
    rule.add_argument(
        "--top", type=float, metavar="Q", help="cases: the share Q of points with the highest values (0.2)"
    )
    d.add_argument(
        "--min-coverage",
        type=float,
        default=0.5,
        metavar="C",
        help="coverage a box must keep to be shown (default 0.5)",
    )
    d.add_argument("--out", help="folder for the files (default SWEEP_DIR/discover-NAME)")
    d.set_defaults(func=cmd_discover)


def _sweep_args(s: argparse.ArgumentParser) -> None:
    s.add_argument("spec", help="experiment file (.toml) or the name of a shipped one (quick, default, ...)")
    s.add_argument("--out", help="run directory (default results/sweeps/NAME)")
    add_run_options(s, scheduler=True)


def _prepare(args: argparse.Namespace) -> tuple[SweepSpec, Path, Execution, Callable[[int, int], None]]:
    """The spec, the folder, the settings, and the line printed when the runs start."""
    from clusterpolicy.inputs.sweep_spec import load_spec
    from clusterpolicy.outputs.sweep import cost_text, start_text

    spec = load_spec(args.spec)
    out = Path(args.out or f"results/sweeps/{spec.name}")
    ex = execution(args)
    print(f"sweep {spec.name}: {cost_text(spec)}")

    def started(todo: int, done: int) -> None:
        print(start_text(todo, done, ex.where, out), flush=True)

    return spec, out, ex, started


def _finished(out: Path, summary: ExecSummary, failures: int, elapsed: float) -> None:
    from clusterpolicy.outputs.sweep import FILES, finish_text

    print(finish_text(summary, elapsed))
    if failures:
        print(f"{failures} run(s) have failed (see {out / 'status.jsonl'}); --retry-failed runs them again")
    print(f"results: {out}/ ({FILES})")


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run (or resume) a sweep."""
    from clusterpolicy.studies.sweep import sweep

    spec, out, ex, started = _prepare(args)
    t0 = time.perf_counter()
    result = sweep(spec, out, on_start=started, execution=ex)
    _finished(out, result.summary, len(result.evaluation.failures), time.perf_counter() - t0)
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Validate, run or resume the sweep, analyse it, write the files and print a summary."""
    from clusterpolicy.analysis.sensitivity import check_design
    from clusterpolicy.inputs.sweep_spec import load_spec
    from clusterpolicy.outputs.sensitivity import file_names, summary_text
    from clusterpolicy.studies.sensitivity import check_bootstrap, sensitivity

    check_bootstrap(args.bootstrap)
    check_design(load_spec(args.spec))  # refuse grid/lhs before anything is printed, runs or connects
    spec, out, ex, started = _prepare(args)
    t0 = time.perf_counter()
    res = sensitivity(spec, out, bootstrap=args.bootstrap, on_start=started, execution=ex)
    elapsed = time.perf_counter() - t0
    print(f"finished: {res.runs:,} runs stored, {res.failed} failed, in {elapsed:.0f} s (runs and analysis)")
    print(
        f"\nsensitivity {spec.name}: {res.runs:,} runs at {res.points:,} points, replicates averaged per "
        f"point; {res.bootstrap} bootstrap resamples"
    )
    print(summary_text(res))
    print(f"\nreport: {out / 'sensitivity.html'}\nfiles:  {out}/ ({', '.join(file_names(res))})")
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    """Scenario discovery on a stored sweep: print the boxes and the scores, write the files."""
    from clusterpolicy.outputs.discover import FILES, summary_text
    from clusterpolicy.studies.discover import default_out, discover

    out = Path(args.out) if args.out else default_out(args.sweep, args.outcome)
    found = discover(
        args.sweep,
        args.outcome,
        above=args.above,
        below=args.below,
        top=args.top,
        out=out,
        min_coverage=args.min_coverage,
    )
    print(f"discover {args.outcome} in {args.sweep}")
    print(summary_text(found))
    print(f"\nreport: {out / 'discover.html'}\nfiles:  {out}/ ({', '.join(FILES)})")
    return 0

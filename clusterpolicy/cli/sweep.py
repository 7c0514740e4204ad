"""``clusterpolicy sweep``: run (or resume) an experiment file's design, locally or on a Dask cluster."""

from __future__ import annotations

import argparse
import time
from concurrent.futures import Executor
from pathlib import Path

from clusterpolicy.cli.main import UsageError, out_dir, positive_int


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``sweep`` sub-command."""
    s = sub.add_parser(
        "sweep",
        help="run a parameter sweep from an experiment file (resumes when run again)",
        description="Run the design of an experiment file. Results stream to Parquet in --out; running "
        "the same command on the same folder resumes: finished runs are not repeated.",
    )
    add_sweep_args(s)
    s.set_defaults(func=cmd_sweep)


def add_sweep_args(s: argparse.ArgumentParser) -> None:
    """Arguments shared by ``sweep`` and commands that run a sweep first."""
    s.add_argument("spec", help="experiment file (.toml) or the name of one in experiments/specs/")
    s.add_argument("--out", help="run directory (default results/sweeps/NAME)")
    s.add_argument("--workers", type=int, default=None, help="local worker processes (default: all cores)")
    s.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask distributed cluster at ADDRESS (e.g. tcp://host:8786) instead of local processes",
    )
    s.add_argument("--retry-failed", action="store_true", help="run again the runs that raised before")
    s.add_argument("--fresh", action="store_true", help="discard what --out holds and start over")


def dask_executor(address: str) -> Executor:
    """A ``concurrent.futures`` executor on the Dask cluster at ``address``.

    Raises:
        UsageError: when dask[distributed] is missing or the scheduler cannot be reached.
    """
    try:
        from distributed import Client
    except ImportError:
        raise UsageError(
            "--scheduler", "needs dask[distributed]: pip install 'clusterpolicy[dask]'"
        ) from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise UsageError("--scheduler", f"{address!r}: cannot reach a Dask scheduler there ({exc})") from None
    return client.get_executor()


def prepare(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Validate every input of a sweep command; return (spec, out, workers, executor)."""
    from clusterpolicy.studies.sweep import load_spec

    spec = load_spec(args.spec)
    out = out_dir(args.out, f"results/sweeps/{spec.name}")
    workers = positive_int("--workers", args.workers) if args.workers is not None else None
    executor = dask_executor(args.scheduler) if args.scheduler else None
    return spec, out, workers, executor


def run_prepared(spec, out: Path, workers, executor, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Run the sweep, printing its cost first and a summary after."""
    from clusterpolicy.runs.execute import default_workers
    from clusterpolicy.studies.sweep import cost_text, run_sweep

    where = (
        f"Dask scheduler {args.scheduler}"
        if executor is not None
        else f"{workers or default_workers()} local worker(s)"
    )
    print(f"sweep {spec.name}: {cost_text(spec)}")

    def start(todo: int, done: int) -> None:
        extra = f"; {done:,} already stored in {out}" if done else ""
        print(f"running {todo:,} runs on {where}{extra}", flush=True)

    t0 = time.perf_counter()
    result = run_sweep(
        spec,
        out,
        workers=workers,
        executor=executor,
        retry_failed=args.retry_failed,
        fresh=args.fresh,
        on_start=start,
    )
    s = result.summary
    failures = result.store.failures()
    rate = s.done / s.seconds if s.seconds > 0 and s.done else 0.0
    elapsed = time.perf_counter() - t0
    print(f"finished {s.done:,} runs ({rate:.1f} runs/s), {s.failed} failed, in {elapsed:.0f} s")
    if failures:
        print(
            f"{len(failures)} run(s) have failed (see {out / 'status.jsonl'}); --retry-failed runs them again"
        )
    print(f"results: {out}/ (manifest.json, status.jsonl, design.parquet, chunks/*.parquet)")
    return result


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run (or resume) a sweep."""
    spec, out, workers, executor = prepare(args)
    run_prepared(spec, out, workers, executor, args)
    return 0

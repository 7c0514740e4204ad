"""Run many tasks on any :class:`concurrent.futures.Executor`, streaming results to a callback.

The default is a local process pool with its own multiprocessing context (the global start method is
never changed); ``workers=1`` runs in this process. Any other executor plugs in the same way, e.g. Dask
(``Client(address).get_executor()``) or MPI (``mpi4py.futures.MPIPoolExecutor``). At most a few tasks per
worker are in flight, so the parent's memory stays bounded whatever the number of tasks; each result is
handed to ``on_result`` as soon as it arrives and then dropped. A run that raises is reported as a
:class:`RunFailure` with its label, seed and error, and the others go on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

import pandas as pd
from tqdm import tqdm

from clusterpolicy.runs.design import Task
from clusterpolicy.runs.runner import run_one


@dataclass
class RunOutput:
    """A finished run: its task's identity, its quarterly time series, and how long it took."""

    run_id: int
    point: int
    label: str
    replicate: int
    seed: int
    timeseries: pd.DataFrame
    seconds: float


@dataclass
class RunFailure:
    """A run that raised: where, with which seed, and the error."""

    run_id: int
    point: int
    label: str
    replicate: int
    seed: int
    error: str
    traceback: str

    def describe(self) -> str:
        """One line for people."""
        where = f"{self.label}, replicate {self.replicate}, seed {self.seed}"
        return f"run {self.run_id} ({where}) failed: {self.error}"


RunFn = Callable[..., pd.DataFrame]


def _default_run(task: Task) -> pd.DataFrame:
    return run_one(task.params, task.seed).timeseries


def run_task(task: Task, run: RunFn | None = None) -> RunOutput | RunFailure:
    """Run one task (in a worker); never raises: an exception becomes a :class:`RunFailure`."""
    t0 = time.perf_counter()
    try:
        ts = (run or _default_run)(task)
    except Exception as exc:  # a failed run is data, not a crash of the sweep
        return RunFailure(
            task.run_id,
            task.point,
            task.label,
            task.replicate,
            task.seed,
            f"{type(exc).__name__}: {exc}",
            traceback.format_exc(),
        )
    return RunOutput(
        task.run_id, task.point, task.label, task.replicate, task.seed, ts, time.perf_counter() - t0
    )


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def local_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool with its own start method (forkserver where available, else spawn)."""
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method))


class _InProcess(Executor):
    """Runs each task at submit time, in this process (``workers=1``)."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        f: Future = Future()
        f.set_result(fn(*args, **kwargs))
        return f


@dataclass
class ExecSummary:
    """What an execution did."""

    done: int
    failed: int
    seconds: float


def execute(
    tasks: Iterable[Task],
    on_result: Callable[[RunOutput | RunFailure], None],
    *,
    total: int | None = None,
    executor: Executor | None = None,
    workers: int | None = None,
    run: RunFn | None = None,
    progress: bool = True,
    desc: str = "runs",
) -> ExecSummary:
    """Run ``tasks`` and hand each result to ``on_result`` as it arrives.

    Args:
        tasks: the runs to do (an iterable, consumed lazily).
        on_result: called in this process with each :class:`RunOutput` or :class:`RunFailure`.
        total: number of tasks, for the progress bar.
        executor: where to run; default: a local process pool of ``workers`` (or this process if 1).
        workers: worker processes for the default pool (default: all cores).
        run: the function ``task -> timeseries`` (default: the model); must be picklable.
        progress: show a progress bar (runs done, failures, time left) on stderr.
        desc: the progress bar's label.

    Returns:
        How many runs finished and failed, and the wall time.
    """
    workers = workers or default_workers()
    own = executor is None
    if executor is None:
        executor = _InProcess() if workers == 1 else local_pool(workers)
    window = max(2, 2 * workers)
    done = failed = 0
    t0 = time.perf_counter()
    # on a terminal only (None: tqdm turns itself off when stderr is not a TTY, e.g. in CI logs)
    bar = tqdm(
        total=total,
        desc=desc,
        unit="run",
        disable=None if progress else True,
        file=sys.stderr,
        mininterval=0.5,
    )
    try:
        pending: set[Future] = set()
        it = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                try:
                    task = next(it)
                except StopIteration:
                    exhausted = True
                    break
                pending.add(executor.submit(run_task, task, run))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                result = fut.result()
                on_result(result)
                if isinstance(result, RunFailure):
                    failed += 1
                else:
                    done += 1
                bar.update(1)
                if failed:
                    bar.set_postfix(failed=failed)
    finally:
        bar.close()
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
    return ExecSummary(done, failed, time.perf_counter() - t0)

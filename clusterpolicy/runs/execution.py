"""Where and how runs execute: the settings of one study (:class:`Execution`) and the loop that runs tasks.

:func:`execute` runs tasks on any :class:`concurrent.futures.Executor` and hands each result to a callback
as it arrives. Runs go to the workers a few at a time (a batch of runs is one task:
:meth:`Execution.batch_for`), because every task costs the parent, and a Dask scheduler much more, whatever
the run. At most a few tasks per worker are in flight, so the parent's memory stays bounded whatever the
number of runs. A run that
raises becomes a :class:`RunFailure` with its label, seed and error, and the others go on.

The executor comes from :class:`Execution`: any executor you give (e.g. Dask's
``Client(address).get_executor()`` or MPI's ``mpi4py.futures.MPIPoolExecutor``), a Dask scheduler's
address, this process (``workers=1``), or by default a local process pool with its own multiprocessing
context (forkserver where available, else spawn; the global start method is never changed). Worker
processes of that pool re-import the main script, which re-runs it unless its code sits under
``if __name__ == "__main__":``; for a script without that guard the runs go to this process instead
(with a :class:`SerialFallbackWarning`), so the same code works in a plain script, a notebook and the
command line. Results are the same whatever the executor: every run's seed is fixed by the design.

The local pool's workers end when the process that started them ends, however it ends (even ``kill -9``):
each watches its parent. A worker that dies (killed, or out of memory) does not end the runs: the pool is
started afresh and the runs that were in flight run again, one at a time; a run whose worker dies while it
runs alone is recorded as a :class:`RunFailure`, and the others go on. A batch whose result cannot come
back (a run's result that does not pickle, a Dask worker lost) is run again the same way, one run at a time.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import multiprocessing as mp
import os
import select
import sys
import threading
import time
import traceback
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypedDict, Unpack

import numpy as np
import pandas as pd
from tqdm import tqdm

from clusterpolicy.inputs.checks import check_count
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.limits import check_workers, max_workers
from clusterpolicy.runs.design import Task
from clusterpolicy.runs.runner import run_one

RunFn = Callable[[Task], pd.DataFrame]


class SerialFallbackWarning(UserWarning):
    """Runs go to this process because worker processes would re-run the main script."""


# the dtypes whose columns Packed carries as NumPy arrays, and gives back exactly
_NUMPY_DTYPES = (np.dtype("int64"), np.dtype("float64"), np.dtype("bool"))
_STR_DTYPE = pd.StringDtype(na_value=np.nan)  # pandas' default for text: the quarter column


@dataclass(frozen=True)
class Packed:
    """A run's rows as one NumPy array per dtype: what a worker sends back instead of a data frame.

    Unpickling a data frame of 80 columns costs the parent about 0.3-0.5 ms, more than the rest of its
    bookkeeping for a run; a few arrays cost a tenth of that, and the store stacks them for a chunk without
    building a frame per run. Only frames that come back exactly are packed (:meth:`of`).

    Attributes:
        names: the columns, in order.
        dtypes: per block, the dtype of its columns.
        where: per block, the positions of its columns in ``names``.
        blocks: per block, its values (rows x columns).
    """

    names: tuple[str, ...]
    dtypes: tuple[Any, ...]
    where: tuple[tuple[int, ...], ...]
    blocks: tuple[np.ndarray, ...]

    @classmethod
    def of(cls, df: pd.DataFrame) -> Packed | None:
        """``df`` packed, or None when its round trip would not be exact (its index, names or dtypes)."""
        index = df.index
        if not isinstance(index, pd.RangeIndex) or index.start != 0 or index.step != 1:
            return None
        names = tuple(df.columns)
        if not all(type(c) is str for c in names) or len(set(names)) != len(names):
            return None
        groups: dict[Any, list[int]] = {}
        for i, dt in enumerate(df.dtypes):
            if dt not in _NUMPY_DTYPES and dt != _STR_DTYPE:
                return None
            groups.setdefault(dt, []).append(i)
        dtypes = tuple(groups)
        blocks = tuple(
            df.iloc[:, cols].to_numpy(dtype=object if dt == _STR_DTYPE else dt) for dt, cols in groups.items()
        )
        return cls(names, dtypes, tuple(tuple(c) for c in groups.values()), blocks)

    @property
    def rows(self) -> int:
        """How many rows."""
        return len(self.blocks[0]) if self.blocks else 0

    def layout(self) -> tuple[Any, ...]:
        """What two packed frames must share to be stacked."""
        return (self.names, self.dtypes, self.where)

    @classmethod
    def stack(cls, packs: list[Packed]) -> Packed:
        """The rows of ``packs`` (all of one :meth:`layout`) one after the other."""
        first = packs[0]
        blocks = tuple(np.concatenate([p.blocks[b] for p in packs]) for b in range(len(first.blocks)))
        return cls(first.names, first.dtypes, first.where, blocks)

    def frame(self) -> pd.DataFrame:
        """The data frame, as it was packed."""
        columns: dict[str, Any] = {}
        for dt, where, block in zip(self.dtypes, self.where, self.blocks, strict=True):
            for j, i in enumerate(where):
                values = block[:, j]
                columns[self.names[i]] = pd.array(values, dtype=dt) if dt == _STR_DTYPE else values
        return pd.DataFrame({n: columns[n] for n in self.names}, index=pd.RangeIndex(self.rows))


@dataclass
class RunOutput:
    """A finished run: its task's identity, its quarterly rows, and how long it took.

    ``rows`` is a data frame, or :class:`Packed` as it arrives from a worker process (a result is packed
    when it is pickled); :attr:`timeseries` is the data frame either way.
    """

    run_id: int
    point: int
    label: str
    replicate: int
    seed: int
    rows: pd.DataFrame | Packed
    seconds: float

    @property
    def timeseries(self) -> pd.DataFrame:
        """The quarterly rows: ``quarter`` and the metrics."""
        if isinstance(self.rows, Packed):
            self.rows = self.rows.frame()
        return self.rows

    def packed(self) -> Packed | None:
        """The rows packed (None: they cannot be packed exactly)."""
        return self.rows if isinstance(self.rows, Packed) else Packed.of(self.rows)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        packed = self.packed()
        if packed is not None:
            state["rows"] = packed
        return state


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


def model_run(task: Task) -> pd.DataFrame:
    """The default run function: the cluster-policy model's quarterly metrics."""
    return run_one(task.params, task.seed).timeseries


@dataclass
class FinalOnly:
    """A picklable run function that keeps only the last quarter (to keep large sweeps small)."""

    inner: RunFn | None = None

    def __call__(self, task: Task) -> pd.DataFrame:
        """Run the task and return its last quarter (the model collects only that one)."""
        if self.inner is None:
            return run_one(task.params, task.seed, last_only=True).timeseries
        ts = self.inner(task)
        return ts.iloc[[-1]].reset_index(drop=True)


def run_task(task: Task, run: RunFn | None = None) -> RunOutput | RunFailure:
    """Run one task (in a worker); never raises: an exception becomes a :class:`RunFailure`."""
    t0 = time.perf_counter()
    try:
        ts = (run or model_run)(task)
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


def run_batch(tasks: list[Task], run: RunFn | None = None) -> list[RunOutput | RunFailure]:
    """Run ``tasks`` one after another (in a worker): :func:`run_task` of each."""
    return [run_task(task, run) for task in tasks]


#: the most runs in one task, on a local pool and elsewhere (Dask). Measured with
#: benchmarks/bench_sweep.py on 2 cores (runs of about 100 ms): on Dask, one run a task cost the parent
#: (which runs a LocalCluster's scheduler) 11.6 ms of CPU a run and batches 4.7 ms, and the 2 workers'
#: steady rate rose from 14.7 to 22.5 runs/s; on a local pool, batches halve the parent's CPU a run
#: (1.6 to 0.8 ms) at the same rate, which counts where many workers share one parent. Larger batches
#: leave the workers less evenly loaded at a design's end (assumption: 4 and 8 balance the two).
LOCAL_BATCH = 4
REMOTE_BATCH = 8
#: a design is cut into at least this many tasks per worker, so that a small one stays spread over all
#: workers and ends about together (assumption)
TASKS_PER_WORKER_MIN = 4


def default_workers() -> int:
    """All cores this process may use, as many as the memory holds (see ``inputs.limits``)."""
    return max_workers()


LOST = "its worker process died while it ran alone (killed, or out of memory?)"


# What the forkserver imports once, before it forks any worker: the model and this module (with Mesa,
# NumPy, pandas), and `warm`, which loads the model's compiled loops. Without it every worker imports them
# itself on its first task: 1-3 s of CPU per worker, at every pool start and restart, which on two cores
# the runs wait for. ("__main__" is the default.)
FORKSERVER_PRELOAD = ("__main__", "clusterpolicy.runs.execution", "clusterpolicy.runs.warm")


def local_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool with its own start method (forkserver where available, else spawn).

    A forkserver preloads :data:`FORKSERVER_PRELOAD`, so its workers start with the model imported. Its
    workers end when this process ends (:func:`_watch_parent`).
    """
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    context = mp.get_context(method)
    if method == "forkserver":  # takes effect when the forkserver starts (once per process)
        context.set_forkserver_preload(list(FORKSERVER_PRELOAD))
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )


def _watch_parent(pid: int) -> None:
    """In a worker: end this process as soon as process ``pid`` (the one that made the pool) is gone."""
    try:
        fd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
        if not _alive(pid):
            os._exit(1)
    threading.Thread(target=_exit_with, args=(pid, fd), daemon=True, name="watch-parent").start()


def _exit_with(pid: int, fd: int | None) -> None:
    if fd is not None:
        select.select([fd], [], [])  # readable when the process has ended
    else:  # pragma: no cover - without pidfd (not Linux >= 5.3)
        while _alive(pid):
            time.sleep(1.0)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LocalPool(Executor):
    """A local process pool that can be started afresh when a worker died (see :func:`execute`)."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool = local_pool(workers)
        self.restarts = 0

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        """Submit to the current pool."""
        return self._pool.submit(fn, *args, **kwargs)

    def restart(self) -> None:
        """Replace a broken pool by a new one."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = local_pool(self.workers)
        self.restarts += 1

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Shut the current pool down."""
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def main_script_reruns() -> str | None:
    """Why new worker processes would re-run the main script, or None when they would not.

    Spawned and forkserver workers import the main module again (as ``__mp_main__``) when it is a file:
    a script whose work is not under ``if __name__ == "__main__":`` then runs again in every worker. A
    notebook, ``python -c`` and ``python -m clusterpolicy`` have no such file, or guard it.
    """
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    name = getattr(spec, "name", None)
    if name is not None and (name == "__main__" or name.endswith(".__main__")):
        return None  # multiprocessing does not re-import a package's __main__
    path = getattr(spec, "origin", None) if name is not None else getattr(main, "__file__", None)
    if path is None:
        return None
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return f"worker processes cannot import the main script {path} again"
    if any(_is_main_guard(node) for node in tree.body):
        return None
    return (
        f'{path} has no `if __name__ == "__main__":` guard, so every worker process would run it again; '
        "put the script's work under that guard to use worker processes"
    )


def _is_main_guard(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    names = [node.test.left, *node.test.comparators]
    has_name = any(isinstance(n, ast.Name) and n.id == "__name__" for n in names)
    has_main = any(isinstance(n, ast.Constant) and n.value == "__main__" for n in names)
    return has_name and has_main


def _outside_stacklevel() -> int:
    """The ``stacklevel`` of the first caller outside this package (and contextlib): the user's line."""
    inside = (str(Path(__file__).resolve().parent.parent), contextlib.__file__)
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(inside):
        frame, level = frame.f_back, level + 1
    return level


class InProcess(Executor):
    """Runs each task at submit time, in this process."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        """Run ``fn`` now and return its finished future."""
        f: Future = Future()
        f.set_result(fn(*args, **kwargs))
        return f


def dask_executor(address: str) -> tuple[Executor, Callable[[], None], int]:
    """A ``concurrent.futures`` executor on the Dask cluster at ``address``, how to close it, and its size.

    The size is the number of threads of the cluster's workers when it was reached (0 when none has
    joined yet).

    Raises:
        InputError: (about ``scheduler``) when dask[distributed] is missing or the scheduler is unreachable.
    """
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            "scheduler", "needs dask[distributed]: pip install 'clusterpolicy[dask]'", argument=True
        ) from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise InputError(
            "scheduler", f"{address!r}: cannot reach a Dask scheduler there ({exc})", argument=True
        ) from None
    return client.get_executor(), client.close, sum(client.nthreads().values())


class RunOptions(TypedDict, total=False):
    """The settings of :class:`Execution` as keyword arguments of a study (``workers=2``, ...)."""

    workers: int | None
    executor: Executor | None
    scheduler: str | None
    progress: bool
    retry_failed: bool
    fresh: bool
    run: RunFn | None
    announce: Callable[[str], None] | None
    batch: int | None


@dataclass(frozen=True)
class Execution:
    """How a study runs its model runs: where, with what feedback, and what to do with stored runs.

    Attributes:
        workers: local worker processes (None: all cores; 1: in this process).
        executor: any ``concurrent.futures.Executor`` to use instead (it is not shut down).
        scheduler: the address of a Dask scheduler to use instead (``tcp://host:8786``).
        progress: show a progress bar on a terminal.
        retry_failed: run again the runs of a store that raised before (else they are skipped).
        fresh: discard the runs a store holds first (only ever a store this package wrote).
        run: the function ``Task -> quarterly DataFrame`` (default: the cluster-policy model); it must
            pickle for process pools, e.g. a module-level function.
        announce: called with a line for people before a large design starts: its cost and the time it
            will take (None: say nothing).
        batch: the most runs sent to a worker as one task (None: chosen by :meth:`batch_for`).

    Raises:
        InputError: bad workers (fewer than 1, more than this machine holds; see ``inputs.limits``), or
            both an executor and a scheduler.
    """

    workers: int | None = None
    executor: Executor | None = None
    scheduler: str | None = None
    progress: bool = True
    retry_failed: bool = False
    fresh: bool = False
    run: RunFn | None = None
    announce: Callable[[str], None] | None = None
    batch: int | None = None

    def __post_init__(self) -> None:
        if self.workers is not None and self.executor is None:
            check_workers(check_count("workers", self.workers))
        if self.batch is not None:
            check_count("batch", self.batch)
        if self.executor is not None and self.scheduler is not None:
            raise InputError("scheduler", "give an executor or a scheduler, not both", argument=True)

    @classmethod
    def of(cls, execution: Execution | None = None, **options: Unpack[RunOptions]) -> Execution:
        """``execution`` (default: the defaults) with ``options`` changed: how a study reads its settings.

        Raises:
            InputError: bad settings.
        """
        return dataclasses.replace(execution or cls(), **options)

    def replace(self, **changes: Any) -> Execution:
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    @property
    def where(self) -> str:
        """Where the runs go, in words (the local pool's size is decided when it opens)."""
        if self.scheduler is not None:
            return f"Dask scheduler {self.scheduler}"
        if isinstance(self.executor, LocalPool):
            return f"{self.executor.workers} local worker(s)"
        if isinstance(self.executor, InProcess):
            return "this process"
        if self.executor is not None:
            return type(self.executor).__name__
        workers = self.workers or default_workers()
        return "this process" if workers == 1 else f"{workers} local worker(s)"

    @contextlib.contextmanager
    def session(self) -> Iterator[Execution]:
        """These settings bound to an open executor, closed on exit (reuse it for several designs).

        Connecting to a scheduler happens here, so a study that opens its session before writing
        anything leaves no files behind when the scheduler cannot be reached.
        """
        if self.executor is not None:
            yield self
            return
        closers: list[Callable[[], None]] = []
        workers = self.workers
        if self.scheduler is not None:
            executor, close, size = dask_executor(self.scheduler)
            closers.append(close)
            workers = size or workers  # the cluster's workers, not this machine's, are kept busy
        else:
            workers = self.workers or default_workers()
            why = main_script_reruns() if workers > 1 else None
            if why is not None:
                warnings.warn(
                    f"running in this process, not in {workers} worker processes: {why}",
                    SerialFallbackWarning,
                    stacklevel=_outside_stacklevel(),
                )
            if workers == 1 or why is not None:
                executor = InProcess()
            else:
                pool = LocalPool(workers)
                executor = pool
                closers.append(lambda: pool.shutdown(wait=True, cancel_futures=True))
        try:
            yield self.replace(executor=executor, scheduler=None, workers=workers)
        finally:
            for close in closers:
                close()

    @property
    def window(self) -> int:
        """How many tasks may be in flight at once."""
        return max(2, 2 * (self.workers or default_workers()))

    @property
    def pool_size(self) -> int:
        """How many runs go at once (a guess for an executor of unknown size: the workers asked for)."""
        if isinstance(self.executor, LocalPool):
            return self.executor.workers
        if isinstance(self.executor, InProcess):
            return 1
        return self.workers or default_workers()

    def batch_for(self, total: int | None) -> int:
        """The most runs of one task, for a design of ``total`` runs (None: not known) on these settings.

        ``batch`` where it is given; else 1 in this process, :data:`LOCAL_BATCH` on a local pool and
        :data:`REMOTE_BATCH` on any other executor (Dask's), but no more than leaves
        :data:`TASKS_PER_WORKER_MIN` tasks for each of :attr:`pool_size` workers.
        """
        if self.batch is not None:
            return self.batch
        workers = self.pool_size
        if workers == 1 and (self.executor is None or isinstance(self.executor, InProcess)):
            return 1  # this process
        local = isinstance(self.executor, LocalPool) or (self.executor is None and self.scheduler is None)
        most = LOCAL_BATCH if local else REMOTE_BATCH
        if total is None:
            return most
        return max(1, min(most, total // (TASKS_PER_WORKER_MIN * workers)))


@dataclass
class ExecSummary:
    """What an execution did."""

    done: int
    failed: int
    seconds: float


def execute(
    tasks: Iterable[Task],
    on_result: Callable[[RunOutput | RunFailure], None],
    execution: Execution | None = None,
    *,
    total: int | None = None,
    run: RunFn | None = None,
    desc: str = "runs",
) -> ExecSummary:
    """Run ``tasks`` and hand each result to ``on_result`` as it arrives.

    Args:
        tasks: the runs to do (an iterable, consumed lazily).
        on_result: called in this process with each :class:`RunOutput` or :class:`RunFailure`.
        execution: where and how (default: a local process pool of all cores); its executor is opened
            and closed here unless it is already open (see :meth:`Execution.session`).
        total: number of tasks, for the progress bar.
        run: the function ``task -> timeseries`` (default: ``execution.run``, else the model).
        desc: the progress bar's label.

    Returns:
        How many runs finished and failed, and the wall time.
    """
    execution = execution or Execution()
    run = run or execution.run
    done = failed = 0
    t0 = time.perf_counter()
    with execution.session() as ex:
        assert ex.executor is not None
        batch = ex.batch_for(total)
        # on a terminal only (None: tqdm turns itself off when stderr is not a TTY, e.g. in CI logs)
        bar = tqdm(
            total=total,
            desc=desc,
            unit="run",
            disable=None if execution.progress else True,
            file=sys.stderr,
            mininterval=0.5,
        )
        try:
            for result in _results(iter(tasks), ex, run, batch):
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
    return ExecSummary(done, failed, time.perf_counter() - t0)


def _results(
    it: Iterator[Task], ex: Execution, run: RunFn | None, batch: int = 1
) -> Iterator[RunOutput | RunFailure]:
    """The results of the tasks as they finish: ``batch`` runs a task, at most ``ex.window`` tasks in flight.

    When a worker process dies, every run in flight is lost with it: the pool is started afresh and
    those runs run again one at a time, so that one that kills its worker again is known and recorded
    as failed (:data:`LOST`) while the others finish. A batch whose result does not come back for any
    other reason runs again the same way, so that only the run that caused it fails.
    """
    assert ex.executor is not None
    pending: dict[Future, list[Task]] = {}
    again: deque[Task] = deque()  # lost with a dead worker: run again, alone
    alone: Task | None = None  # the task that runs alone now
    exhausted = False
    while True:
        while alone is None and (again or (not exhausted and len(pending) < ex.window)):
            if again:
                if pending:
                    break  # let the others finish first, then run the lost ones alone
                alone = again.popleft()
                tasks = [alone]
            else:
                tasks = list(islice(it, batch))
                if not tasks:
                    exhausted = True
                    break
            pending[_submit(ex, tasks, run)] = tasks
        if not pending:
            if again:
                continue
            return
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        broken = False
        for fut in finished:
            tasks = pending.pop(fut)
            try:
                results = fut.result()
            except BrokenProcessPool:
                broken = True
                if tasks[0] is alone:
                    yield _failure(alone, LOST)
                else:
                    again.extend(tasks)
                continue
            except Exception as exc:  # e.g. a result that cannot be sent back: this run fails, not the sweep
                if len(tasks) > 1:
                    again.extend(tasks)  # one of them: run them alone to know which
                    continue
                results = [_failure(tasks[0], f"{type(exc).__name__}: {exc}")]
            yield from results
            if tasks[0] is alone:
                alone = None
        if broken:
            if alone is not None and not any(alone in tasks for tasks in pending.values()):
                alone = None
            lost = [task for tasks in pending.values() for task in tasks]
            again.extend(sorted(lost, key=lambda t: t.run_id))  # lost too
            pending.clear()
            _restart(ex)


def _submit(ex: Execution, tasks: list[Task], run: RunFn | None) -> Future:
    assert ex.executor is not None
    try:
        return ex.executor.submit(run_batch, tasks, run)
    except BrokenProcessPool:  # broken between two results: start afresh, then submit
        _restart(ex)
        return ex.executor.submit(run_batch, tasks, run)


def _restart(ex: Execution) -> None:
    """Start the local pool afresh after a worker died.

    Raises:
        InputError: when the executor is not one this package can restart.
    """
    if not isinstance(ex.executor, LocalPool):
        raise InputError(
            "executor", "its worker processes died and it cannot be restarted from here", argument=True
        )
    ex.executor.restart()


def _failure(task: Task, error: str) -> RunFailure:
    return RunFailure(task.run_id, task.point, task.label, task.replicate, task.seed, error, "")

"""The one evaluator: run any design on any executor, into a store or into memory.

:func:`evaluate` is the only place that turns a :class:`~clusterpolicy.runs.design.Design` into runs
(EMA Workbench's ``perform_experiments``). With a store folder, finished runs are kept there as they
arrive and the same call on the same folder resumes: stored runs are not repeated, runs that raised are
repeated only with ``retry_failed``, and ``fresh`` discards the store first (only a store, and only after
the design is built and checked). Without a folder, the runs are kept in memory.

The store is locked for the whole evaluation (a second process on the same folder is refused), and its
runs are keyed to everything that runs in a worker (:func:`worker_version`), so a change in the model, in
the runner or in the packages that compute never reuses stale runs. A design of more than
:data:`COST_RUNS` runs says what it will cost first (through ``execution.announce``): its size and the time
it will take, from one run timed in this process.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.outputs.provenance import model_version, provenance
from clusterpolicy.runs.design import Design, Task
from clusterpolicy.runs.execution import (
    ExecSummary,
    Execution,
    FinalOnly,
    RunFailure,
    RunOutput,
    execute,
    run_task,
)
from clusterpolicy.runs.store import ID_COLUMNS, RunStore, discard, last_quarter, store_lock, with_ids

COST_RUNS = 200  # a design of more runs says what it will cost before it starts
# besides the model (model_version): the modules whose code runs in a worker, and the packages that compute
WORKER_MODULES = ("runner.py", "execution.py", "design.py")
WORKER_PACKAGES = ("mesa", "numpy", "scipy", "pandas")


def worker_version() -> dict[str, object]:
    """What a stored run depends on besides its design.

    The model's source and version (``model_version``), the source of the modules of this layer whose
    code runs in a worker, and the versions of the packages that compute.
    """
    h = hashlib.sha256()
    for name in WORKER_MODULES:
        h.update(name.encode())
        h.update((Path(__file__).parent / name).read_bytes())
    packages: dict[str, str | None] = {}
    for name in WORKER_PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover
            packages[name] = None
    return {**model_version(), "runner_source": h.hexdigest()[:16], "packages": packages}


@dataclass
class Evaluation:
    """What an evaluation did and where its runs are.

    Attributes:
        design: the design that was run.
        store: the store the runs are kept in (None: in memory).
        summary: runs finished and failed in this call, and its wall time.
        stored: runs that were already stored before this call.
        failures: run id -> error of the runs that raised and have not succeeded since.
    """

    design: Design
    store: RunStore | None
    summary: ExecSummary
    stored: int = 0
    failures: dict[int, str] = field(default_factory=dict)
    _rows: pd.DataFrame | None = None

    def rows(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Every stored row (one per run and quarter, sorted): the id columns, ``quarter`` and metrics.

        Args:
            columns: the metrics to keep (default: the design's ``columns``, else all).
        """
        columns = columns if columns is not None else self.design.columns
        rows = self.store.read() if self.store is not None else self._rows
        assert rows is not None
        return select_columns(rows, columns)

    def finals(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The last quarter of every stored run."""
        return last_quarter(self.rows(columns))


def evaluate(
    design: Design,
    root: Path | str | None = None,
    execution: Execution | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Run (or resume) a design; see the module docstring.

    Args:
        design: what to run.
        root: the store folder (None: keep the runs in memory).
        execution: where and how to run (default: a local process pool); ``fresh``, ``retry_failed``
            and ``run`` apply to this design.
        on_start: called with (runs to do, runs already stored) once the runs are about to start.

    Raises:
        InputError: the folder holds another design, or something that is not a store (with ``fresh``),
            or the executor cannot be opened; nothing is written then.
    """
    execution = execution or Execution()
    run = FinalOnly(execution.run) if design.keep == "final" else execution.run
    with execution.session() as ex:  # connect first: an unreachable scheduler writes nothing
        if root is None:
            return _in_memory(design, ex, run, on_start)
        root = Path(root)
        manifest = {
            "design": {**design.manifest, "model_version": worker_version()},
            "layout": design.layout(),
            "provenance": provenance(),
        }
        with store_lock(root):  # for the whole evaluation: one process writes a store at a time
            if ex.fresh:
                discard(root)
            store = RunStore.open(root, manifest)
            try:
                store.write_design(design.inputs())
                done = store.done_ids()
                skip = done if ex.retry_failed else done | set(store.failures())
                todo = design.runs - len(skip & set(range(design.runs)))
                tasks = design.tasks(skip)
                timed: RunOutput | RunFailure | None = None
                if ex.announce is not None and todo > COST_RUNS:
                    tasks, timed = _report_cost(design, todo, len(done), tasks, store.record, ex, run)
                if on_start:
                    on_start(todo, len(done))
                rest = todo - (timed is not None)
                try:
                    summary = execute(tasks, store.record, ex, total=rest, run=run, desc=design.name)
                except BaseException:  # Ctrl-C, or an error: keep the runs that finished
                    with contextlib.suppress(OSError):
                        store.flush()
                    raise
                if timed is not None:  # the timed run is one of the runs done (or failed) now
                    failed = isinstance(timed, RunFailure)
                    summary = ExecSummary(
                        summary.done + (not failed), summary.failed + failed, summary.seconds
                    )
                store.compact()
            except OSError as exc:
                raise _unwritable(root, exc, store) from None
        return Evaluation(design, store, summary, len(done), store.failures())


def _unwritable(root: Path, exc: OSError, store: RunStore) -> InputError:
    where = exc.filename or root
    kept = len(store.done_ids())
    return InputError(
        str(where),
        f"cannot be written ({exc.strerror or exc}); the {kept:,} runs stored in {root} are kept: make room "
        "and run the same command again to resume",
    )


def _report_cost(
    design: Design,
    todo: int,
    stored: int,
    tasks: Iterator[Task],
    record: Callable[[RunOutput | RunFailure], None],
    ex: Execution,
    run: Callable | None,
) -> tuple[Iterator[Task], RunOutput | RunFailure | None]:
    """Say what the design costs: its size and, from one run timed in this process, the time it takes.

    The timed run is stored like any other; the remaining tasks are returned, with the timed run's result.
    """
    assert ex.announce is not None
    first = next(tasks, None)
    size = f"{len(design.points):,} points x {design.replications:,} replications"
    line = (
        f"{design.name}: {todo:,} runs to do ({size}{f'; {stored:,} stored' if stored else ''}) on {ex.where}"
    )
    if first is None:  # pragma: no cover - todo > 0
        ex.announce(line)
        return tasks, None
    t0 = time.perf_counter()
    result = run_task(first, run)
    record(result)
    seconds = time.perf_counter() - t0
    workers = ex.pool_size
    left = seconds * (todo - 1) / max(1, workers)
    ex.announce(f"{line}: about {_duration(left)} (one run took {seconds:.2f} s in this process)")
    return tasks, result


def _duration(seconds: float) -> str:
    """A duration for people: ``40 s``, ``12 min``, ``3 h 20 min``, ``4.5 days``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 72 * 3600:
        h, m = divmod(round(seconds / 60), 60)
        return f"{h} h {m} min"
    return f"{seconds / 86400:.1f} days"


def _in_memory(
    design: Design, ex: Execution, run: Callable | None, on_start: Callable[[int, int], None] | None
) -> Evaluation:
    frames: list[pd.DataFrame] = []
    failures: dict[int, str] = {}

    def keep(r: RunOutput | RunFailure) -> None:
        if isinstance(r, RunFailure):
            failures[r.run_id] = r.error
            return
        frames.append(select_columns(with_ids(r), design.columns))

    if on_start:
        on_start(design.runs, 0)
    summary = execute(design.tasks(), keep, ex, total=design.runs, run=run, desc=design.name)
    if frames:
        rows = pd.concat(frames, ignore_index=True)
        rows = rows.sort_values(["run_id", "quarter"], kind="stable").reset_index(drop=True)
    else:
        rows = pd.DataFrame(columns=[*ID_COLUMNS, "quarter"])
    return Evaluation(design, None, summary, 0, failures, rows)


def select_columns(ts: pd.DataFrame, columns: list[str] | None) -> pd.DataFrame:
    """The id columns, the quarter and those of ``columns`` (None: all) that the runs recorded."""
    if columns is None:
        return ts
    return ts[[c for c in dict.fromkeys([*ID_COLUMNS, "quarter", *columns]) if c in ts.columns]]

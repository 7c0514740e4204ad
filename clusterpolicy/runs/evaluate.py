"""The one evaluator: run any design on any executor, into a store or into memory.

:func:`evaluate` is the only place that turns a :class:`~clusterpolicy.runs.design.Design` into runs
(EMA Workbench's ``perform_experiments``). With a store folder, finished runs are kept there as they
arrive and the same call on the same folder resumes: stored runs are not repeated, runs that raised are
repeated only with ``retry_failed``, and ``fresh`` discards the store first (only a store, and only after
the design is built and checked). Without a folder, the runs are kept in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from clusterpolicy.outputs.provenance import model_version, provenance
from clusterpolicy.runs.design import Design
from clusterpolicy.runs.execution import ExecSummary, Execution, FinalOnly, RunFailure, RunOutput, execute
from clusterpolicy.runs.store import ID_COLUMNS, RunStore, discard, last_quarter, with_ids


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
        if ex.fresh:
            discard(root)
        manifest = {
            "design": {**design.manifest, "model_version": model_version()},
            "layout": design.layout(),
            "provenance": provenance(),
        }
        store = RunStore.open(root, manifest)
        store.write_design(design.inputs())
        done = store.done_ids()
        skip = done if ex.retry_failed else done | set(store.failures())
        todo = design.runs - len(skip & set(range(design.runs)))
        if on_start:
            on_start(todo, len(done))
        summary = execute(design.tasks(skip), store.record, ex, total=todo, run=run, desc=design.name)
        store.compact()
        return Evaluation(design, store, summary, len(done), store.failures())


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

"""Results on disk: a run directory that can be resumed after any interruption.

Layout of a run directory::

    manifest.json      what was asked: the design, seeds, versions, git commit
    status.jsonl       one line per finished or failed run (append-only)
    runs/              one Parquet file per finished run, written atomically as it arrives
    chunks/            runs compacted into larger Parquet files

The data files are the truth about which runs are done: a run file appears in one atomic rename, so a sweep
killed at any moment (even ``kill -9``) loses at most the runs in flight. Compaction writes a chunk before it
deletes the run files it holds; a run found in both is deduplicated when the store is opened. Runs that
raised are recorded in ``status.jsonl`` with their error and are retried only on request.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clusterpolicy.inputs.scenario import ScenarioError
from clusterpolicy.outputs.files import atomic_write, write_json
from clusterpolicy.outputs.provenance import model_version, provenance
from clusterpolicy.runs.design import Point, tasks
from clusterpolicy.runs.execute import RunFailure, RunFn, RunOutput, execute

ID_COLUMNS = ("run_id", "point", "label", "replicate", "seed")


class StoreError(ScenarioError):
    """The directory holds results of a different design."""


class RunStore:
    """A resumable run directory (see the module docstring)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.runs_dir = self.root / "runs"
        self.chunks_dir = self.root / "chunks"
        self.status_path = self.root / "status.jsonl"
        self.manifest_path = self.root / "manifest.json"
        self._new_files = 0

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, root: Path, manifest: dict[str, Any], key: str = "design") -> RunStore:
        """Open (or create) a run directory for ``manifest``.

        If the directory already has a manifest, its ``key`` entry must equal this one's: the same
        command on the same directory resumes; a different design is refused.

        Raises:
            StoreError: when the directory holds another design, or is not a directory.
        """
        store = cls(root)
        if store.root.exists() and not store.root.is_dir():
            raise StoreError(str(root), "is a file; give a folder")
        if store.manifest_path.exists():
            old = json.loads(store.manifest_path.read_text())
            if _jsonable(old.get(key)) != _jsonable(manifest.get(key)):
                raise StoreError(
                    str(root),
                    "holds results of a different design or model version; "
                    "use another --out, or --fresh to start over",
                )
        else:
            store.root.mkdir(parents=True, exist_ok=True)
            write_json(store.manifest_path, manifest)
        store.runs_dir.mkdir(exist_ok=True)
        store.chunks_dir.mkdir(exist_ok=True)
        store._dedupe()
        return store

    def manifest(self) -> dict[str, Any]:
        """The stored manifest."""
        return json.loads(self.manifest_path.read_text())

    # ------------------------------------------------------------------ state
    def _chunk_files(self) -> list[Path]:
        return sorted(self.chunks_dir.glob("chunk-*.parquet"))

    def _run_files(self) -> list[Path]:
        return sorted(self.runs_dir.glob("run-*.parquet"))

    def _chunk_ids(self) -> set[int]:
        ids: set[int] = set()
        for f in self._chunk_files():
            ids.update(pq.read_table(f, columns=["run_id"]).column("run_id").to_pylist())
        return ids

    @staticmethod
    def _run_file_id(path: Path) -> int:
        return int(path.stem.split("-")[1])

    def _dedupe(self) -> None:
        chunked = self._chunk_ids()
        for f in self._run_files():
            if self._run_file_id(f) in chunked:
                f.unlink()

    def done_ids(self) -> set[int]:
        """Runs whose results are stored."""
        return self._chunk_ids() | {self._run_file_id(f) for f in self._run_files()}

    def failures(self) -> dict[int, str]:
        """Runs that raised and have not succeeded since: run_id -> error."""
        failed: dict[int, str] = {}
        if self.status_path.exists():
            for line in self.status_path.read_text().splitlines():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a kill
                if rec.get("status") == "failed":
                    failed[int(rec["run_id"])] = rec.get("error", "")
        done = self.done_ids()
        return {k: v for k, v in failed.items() if k not in done}

    # ------------------------------------------------------------------ writing
    def record(self, result: RunOutput | RunFailure) -> None:
        """Store a finished run (atomically) or record a failure."""
        if isinstance(result, RunFailure):
            self._status(
                {
                    "run_id": result.run_id,
                    "label": result.label,
                    "seed": result.seed,
                    "status": "failed",
                    "error": result.error,
                    "traceback": result.traceback,
                }
            )
            return
        df = result.timeseries.copy()
        for i, (col, val) in enumerate(
            zip(
                ID_COLUMNS,
                (result.run_id, result.point, result.label, result.replicate, result.seed),
                strict=True,
            )
        ):
            df.insert(i, col, val)
        table = pa.Table.from_pandas(df, preserve_index=False)
        path = self.runs_dir / f"run-{result.run_id:09d}.parquet"
        atomic_write(path, lambda p: pq.write_table(table, p))
        self._status({"run_id": result.run_id, "status": "done", "seconds": round(result.seconds, 4)})
        self._new_files += 1
        if self._new_files >= 256:
            self.compact()

    def _status(self, rec: dict[str, Any]) -> None:
        with self.status_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def compact(self) -> None:
        """Merge run files into one chunk file (the chunk is written before the run files go)."""
        files = self._run_files()
        self._new_files = 0
        if not files:
            return
        table = pa.concat_tables([pq.read_table(f) for f in files], promote_options="default")
        chunks = self._chunk_files()
        n = int(chunks[-1].stem.split("-")[1]) + 1 if chunks else 0  # never reuse a name
        atomic_write(self.chunks_dir / f"chunk-{n:05d}.parquet", lambda p: pq.write_table(table, p))
        for f in files:
            f.unlink()

    # ------------------------------------------------------------------ reading
    def read(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Every stored row (one per run and quarter), sorted by run and quarter."""
        files = self._chunk_files() + self._run_files()
        if not files:
            return pd.DataFrame(columns=[*ID_COLUMNS, "quarter"])
        cols = None if columns is None else list(dict.fromkeys([*ID_COLUMNS, "quarter", *columns]))
        tables = [pq.read_table(f, columns=cols) for f in files]
        df = pa.concat_tables(tables, promote_options="default").to_pandas()
        return df.sort_values(["run_id", "quarter"], kind="stable").reset_index(drop=True)

    def finals(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The last quarter of every stored run."""
        df = self.read(columns)
        return df.groupby("run_id", sort=True).tail(1).reset_index(drop=True)


def _jsonable(x: Any) -> Any:
    """Normalise for comparison with what was read back from JSON (tuples become lists)."""
    return json.loads(json.dumps(x))


def run_design(
    points: list[Point],
    seeds: list[int],
    design: dict[str, Any],
    out: Path | None,
    *,
    columns: list[str] | None = None,
    desc: str = "runs",
    workers: int | None = None,
    executor: Executor | None = None,
    progress: bool = True,
    run: RunFn | None = None,
    retry_failed: bool = False,
    fresh: bool = False,
) -> tuple[pd.DataFrame, dict[int, str]]:
    """Run (or resume) a design; return its rows (one per run and quarter, sorted) and the failures.

    Every point runs with every seed (replicate r has seed r at every point: common random numbers).
    With ``out``, runs are kept in ``out/store`` (manifest: ``design`` plus the model version) and a
    second call resumes -- stored runs are not repeated, runs that raised only with ``retry_failed`` --
    and ``fresh`` discards the store first. Without ``out`` the rows are kept in memory. ``columns``
    selects the metrics to keep (None: all).
    """
    todo = tasks(points, seeds)
    design = {**design, "model_version": model_version()}
    if out is not None:
        if fresh and (out / "store" / "manifest.json").is_file():  # a run store, nothing else
            shutil.rmtree(out / "store")
        store = RunStore.open(out / "store", {"design": design, "provenance": provenance()})
        done = store.done_ids()
        skip = done if retry_failed else done | set(store.failures())
        todo = [t for t in todo if t.run_id not in skip]
        execute(
            todo,
            store.record,
            total=len(todo),
            executor=executor,
            workers=workers,
            run=run,
            progress=progress,
            desc=desc,
        )
        store.compact()
        return select_columns(store.read(), columns), store.failures()
    frames: list[pd.DataFrame] = []
    failures: dict[int, str] = {}

    def keep(r: RunOutput | RunFailure) -> None:
        if isinstance(r, RunFailure):
            failures[r.run_id] = r.error
            return
        ids = {
            "run_id": r.run_id,
            "point": r.point,
            "label": r.label,
            "replicate": r.replicate,
            "seed": r.seed,
        }
        frames.append(select_columns(r.timeseries.assign(**ids), columns))

    execute(
        todo, keep, total=len(todo), executor=executor, workers=workers, run=run, progress=progress, desc=desc
    )
    if not frames:
        return pd.DataFrame(columns=[*ID_COLUMNS, "quarter"]), failures
    ts = pd.concat(frames, ignore_index=True)
    return ts.sort_values(["run_id", "quarter"], kind="stable").reset_index(drop=True), failures


def select_columns(ts: pd.DataFrame, columns: list[str] | None) -> pd.DataFrame:
    """The id columns, the quarter and those of ``columns`` (None: all) that the runs recorded."""
    if columns is None:
        return ts
    return ts[[c for c in dict.fromkeys([*ID_COLUMNS, "quarter", *columns]) if c in ts.columns]]

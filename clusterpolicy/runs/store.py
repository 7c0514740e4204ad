"""Results on disk: a run directory (*store*) that can be resumed after any interruption.

Layout of a store::

    manifest.json      what was asked: the design, seeds, versions, git commit
    design.parquet     one row per design point: point, label and the varied parameters
    status.jsonl       one line per finished or failed run (append-only)
    runs/              one Parquet file per finished run, written atomically as it arrives
    chunks/            runs compacted into larger Parquet files

The data files are the truth about which runs are done: a run file appears in one atomic rename, so a sweep
killed at any moment (even ``kill -9``) loses at most the runs in flight. Compaction writes a chunk before it
deletes the run files it holds; a run found in both is deduplicated when the store is opened. Runs that
raised are recorded in ``status.jsonl`` with their error and are retried only on request. :func:`discard`
deletes a store, and only a store this package wrote.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.outputs.files import atomic_write, write_json
from clusterpolicy.runs.execution import RunFailure, RunOutput

ID_COLUMNS = ("run_id", "point", "label", "replicate", "seed")
FORMAT = "clusterpolicy run store 1"
COMPACT_EVERY = 256


class RunStore:
    """A resumable run directory (see the module docstring)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.runs_dir = self.root / "runs"
        self.chunks_dir = self.root / "chunks"
        self.status_path = self.root / "status.jsonl"
        self.manifest_path = self.root / "manifest.json"
        self.design_path = self.root / "design.parquet"
        self._new_files = 0

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, root: Path, manifest: dict[str, Any], key: str = "design") -> RunStore:
        """Open (or create) a run directory for ``manifest``.

        If the directory already has a manifest, its ``key`` entry must equal this one's: the same
        design on the same directory resumes; a different design is refused.

        Raises:
            InputError: when the directory holds another design, or is a file.
        """
        store = cls(root)
        if store.root.exists() and not store.root.is_dir():
            raise InputError(str(root), "is a file; give a folder")
        if store.manifest_path.exists():
            old = json.loads(store.manifest_path.read_text())
            if _jsonable(old.get(key)) != _jsonable(manifest.get(key)):
                raise InputError(
                    str(root),
                    "holds results of a different design or model version; "
                    "give another output folder, or start over with the fresh option",
                )
        else:
            store.root.mkdir(parents=True, exist_ok=True)
            write_json(store.manifest_path, {"store": FORMAT, **manifest})
        store.runs_dir.mkdir(exist_ok=True)
        store.chunks_dir.mkdir(exist_ok=True)
        store._dedupe()
        return store

    def manifest(self) -> dict[str, Any]:
        """The stored manifest."""
        return dict(json.loads(self.manifest_path.read_text()))

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

    def _status_records(self) -> list[dict[str, Any]]:
        records = []
        if self.status_path.exists():
            for line in self.status_path.read_text().splitlines():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a line cut short by a kill
        return records

    def failures(self) -> dict[int, str]:
        """Runs that raised and have not succeeded since: run_id -> error."""
        failed = {
            int(r["run_id"]): r.get("error", "")
            for r in self._status_records()
            if r.get("status") == "failed"
        }
        done = self.done_ids()
        return {k: v for k, v in failed.items() if k not in done}

    # ------------------------------------------------------------------ writing
    def write_design(self, inputs: pd.DataFrame) -> None:
        """Keep the design points (``point``, ``label``, varied parameters) beside the runs, once."""
        if not self.design_path.exists():
            atomic_write(self.design_path, lambda p: inputs.to_parquet(p, index=False))

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
        table = pa.Table.from_pandas(with_ids(result), preserve_index=False)
        path = self.runs_dir / f"run-{result.run_id:09d}.parquet"
        atomic_write(path, lambda p: pq.write_table(table, p))
        self._status({"run_id": result.run_id, "status": "done", "seconds": round(result.seconds, 4)})
        self._new_files += 1
        if self._new_files >= COMPACT_EVERY:
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
        return last_quarter(self.read(columns))


def with_ids(result: RunOutput) -> pd.DataFrame:
    """A finished run's quarterly rows with its id columns first (:data:`ID_COLUMNS`)."""
    ids = (result.run_id, result.point, result.label, result.replicate, result.seed)
    df = result.timeseries.copy()
    for i, (col, val) in enumerate(zip(ID_COLUMNS, ids, strict=True)):
        df.insert(i, col, val)
    return df


def last_quarter(rows: pd.DataFrame) -> pd.DataFrame:
    """The last row of every run in rows sorted by run and quarter."""
    return rows.groupby("run_id", sort=True).tail(1).reset_index(drop=True) if len(rows) else rows


def _jsonable(x: Any) -> Any:
    """Normalise for comparison with what was read back from JSON (tuples become lists)."""
    return json.loads(json.dumps(x))


def is_store(root: Path) -> bool:
    """``root`` holds the manifest of a run store (one this package wrote)."""
    try:
        manifest = json.loads((Path(root) / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    return (
        isinstance(manifest, dict)
        and isinstance(manifest.get("design"), dict)
        and isinstance(manifest.get("provenance"), dict)
    )


# what a store consists of: the files and folders discard() may delete, and the names inside those folders
STORE_FILES = ("manifest.json", "design.parquet", "status.jsonl")
STORE_FOLDERS = {"runs": ("run-*.parquet", ".run-*"), "chunks": ("chunk-*.parquet", ".chunk-*")}


def discard(root: Path | str) -> bool:
    """Delete the run store at ``root`` (for a fresh start), and nothing that is not part of it.

    Only a store this package wrote is touched (its manifest says so), and only its own files and folders
    (manifest, design, status, run and chunk files); anything else in ``root`` stays. Returns whether a
    store was deleted.

    Raises:
        InputError: when ``root`` exists and holds something that is not a run store.
    """
    root = Path(root)
    if not root.exists():
        return False
    if not root.is_dir():
        raise InputError(str(root), "is a file, not a run directory; not deleting it")
    if not is_store(root):
        if any(root.iterdir()):
            raise InputError(
                str(root), "is not a run directory (it has no manifest.json of a run store); not deleting it"
            )
        return False
    for folder, patterns in STORE_FOLDERS.items():
        d = root / folder
        for pattern in patterns:
            for f in d.glob(pattern):
                f.unlink()
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()
    for name in STORE_FILES[::-1]:  # the manifest last: an interrupted discard can be repeated
        (root / name).unlink(missing_ok=True)
    return True

"""Results on disk: a run directory (*store*) that can be resumed after any interruption.

Layout of a store::

    manifest.json      what was asked: the design, seeds, versions, git commit
    design.parquet     one row per design point: point, label and the varied parameters
    status.jsonl       one line per finished or failed run (append-only), written with its chunk
    chunks/            the finished runs, one Parquet file per chunk of runs, each written atomically
    runs/              one Parquet file per run: what stores before chunked writing held (still read)
    quarantine/        damaged files set aside (their runs run again)
    .lock              the lock of the process that writes the store (and which process that is)

Finished runs are kept in memory and written together, one chunk file (one Parquet file, one ``fsync``)
per :data:`CHUNK_RUNS` runs or per :data:`CHUNK_SECONDS` of their run time, whichever comes first, and at
the end of an evaluation (also when it is interrupted by an exception or Ctrl-C). The data files are the
truth about which runs are done: a chunk appears in one atomic rename, so a sweep killed at any moment
(even ``kill -9``) loses at most the runs in flight and the finished runs of the chunk not yet written
(fewer than :data:`CHUNK_RUNS`, that ran less than :data:`CHUNK_SECONDS` altogether); they run again on
resume. Runs that raised are recorded in ``status.jsonl`` with their error, appended after the chunk they
arrived with (without an fsync of their own: a failure lost with a kill or a crash is only run again), and
are retried only on request. Run files of older stores are read and compacted into a chunk,
which is written before the run files go; a run found in both is deduplicated when the store is opened.

A store is written by one process at a time: :func:`store_lock` holds an OS file lock on ``.lock`` for the
whole evaluation, and a second process is refused in one line that names the first. What a store reads, it
verifies: every data file is read in full (with page checksums) when the store opens; a damaged one is
named in a warning, moved to ``quarantine/`` and its runs are run again. The design the runs were made for
is checked from the stored design itself, not only from the manifest: ``design.parquet`` and every data
file carry the key of their design (:func:`design_key`), so an edited or deleted ``manifest.json`` never
mixes the runs of two designs. :func:`discard` deletes a store, and only a store this package wrote.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clusterpolicy.inputs.errors import InputError, InputWarning, warn
from clusterpolicy.outputs.files import atomic_write, write_json
from clusterpolicy.runs.execution import Packed, RunFailure, RunOutput
from clusterpolicy.runs.folders import ours

ID_COLUMNS = ("run_id", "point", "label", "replicate", "seed")
FORMAT = "clusterpolicy run store 2"
FORMATS = ("clusterpolicy run store 1", FORMAT)  # what discard() recognises as a store of this package
# A chunk is written when either bound is reached. Its cost (one Parquet file and one fsync, ~10-40 ms) is
# then shared by many runs, so the parent spends well under 1 ms a run on bookkeeping; the bounds are also
# what a kill -9 can lose (the runs of the chunk not yet written), and what the parent holds in memory.
CHUNK_RUNS = 256  # runs (finished or failed) per chunk at most: 256 keeps <1 ms a run and a few MiB held
CHUNK_SECONDS = 30.0  # run time (summed over the chunk's runs, as the workers measured it) per chunk at most
KEY = b"clusterpolicy.design"  # the Parquet metadata entry that holds a file's design key
LOCK = ".lock"
QUARANTINE = "quarantine"


class StoreWarning(InputWarning):
    """A store found a damaged file, set it aside and will run its runs again."""


def design_key(design: Any) -> str:
    """A short hash of a design's description (what a resume must match)."""
    text = json.dumps(_jsonable(design), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# ---------------------------------------------------------------------------------------------- the lock
_HELD: dict[Path, list[Any]] = {}  # resolved root -> [file descriptor, depth]: this process's locks


@contextlib.contextmanager
def store_lock(root: Path | str) -> Iterator[None]:
    """Hold the OS lock of the store at ``root`` (creating the folder) while the block runs.

    The lock is an ``flock`` on ``root/.lock``, released by the OS when the process ends in any way (even
    ``kill -9``). It is re-entrant within a process.

    Raises:
        InputError: another process holds it (the message says which).
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise InputError(str(root), "is a file; give a folder")
    made = [p for p in (root, *root.parents) if not p.exists()]
    root.mkdir(parents=True, exist_ok=True)
    here = root.resolve()
    if here in _HELD:
        _HELD[here][1] += 1
        made = []
    else:
        if not (root / LOCK).exists():
            made.insert(0, root / LOCK)
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _holder(fd)
            os.close(fd)
            raise InputError(
                str(root),
                f"is in use by another clusterpolicy process ({holder}); wait until it ends, or give "
                "another output folder",
            ) from None
        os.ftruncate(fd, 0)
        since = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": since}).encode())
        _HELD[here] = [fd, 1]
    try:
        yield
    finally:
        _HELD[here][1] -= 1
        if _HELD[here][1] == 0:
            fd = _HELD.pop(here)[0]
            if not is_store(root):  # refused, or discarded: leave no trace of the lock where no store is
                _remove_made(made)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _remove_made(made: list[Path]) -> None:
    """Remove the lock file and the empty folders that taking the lock created."""
    for p in made:
        with contextlib.suppress(OSError):
            p.unlink() if p.name == LOCK else p.rmdir()


def _holder(fd: int) -> str:
    """Who holds a lock, from what the holder wrote into the lock file."""
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode())
        return f"pid {int(info['pid'])} on {info['host']}, since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "its process id is not recorded"


# ---------------------------------------------------------------------------------------------- the store
class RunStore:
    """A resumable run directory (see the module docstring)."""

    def __init__(self, root: Path, chunk_runs: int | None = None, chunk_seconds: float | None = None):
        self.root = Path(root)
        self.chunk_runs = CHUNK_RUNS if chunk_runs is None else chunk_runs
        self.chunk_seconds = CHUNK_SECONDS if chunk_seconds is None else chunk_seconds
        self._pending: list[RunOutput] = []  # finished runs of the chunk not yet written
        self._pending_status: list[dict[str, Any]] = []  # their status lines, and those of failures
        self._pending_seconds = 0.0
        self.runs_dir = self.root / "runs"
        self.chunks_dir = self.root / "chunks"
        self.status_path = self.root / "status.jsonl"
        self.manifest_path = self.root / "manifest.json"
        self.design_path = self.root / "design.parquet"
        self.quarantine_dir = self.root / QUARANTINE
        self.key: str | None = None
        self._ids: dict[Path, set[int]] | None = None  # verified data files -> their run ids (open only)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, root: Path, manifest: dict[str, Any], key: str = "design") -> RunStore:
        """Open (or create) a run directory for ``manifest``, under :func:`store_lock`.

        The design is ``manifest[key]``. The stored runs are accepted only if nothing in the store says
        they were made for another design: not the manifest, not ``design.parquet``, not any data file.
        Damaged files are set aside (see the module docstring).

        Raises:
            InputError: when the directory holds another design, or is a file.
        """
        store = cls(root)
        if store.root.exists() and not store.root.is_dir():
            raise InputError(str(root), "is a file; give a folder")
        store.root.mkdir(parents=True, exist_ok=True)
        store.key = design_key(manifest.get(key))
        old = store._read_manifest()
        if old is not None and design_key(old.get(key)) != store.key:
            raise store._other_design("manifest.json")
        store._check_design_file()
        store.runs_dir.mkdir(exist_ok=True)
        store.chunks_dir.mkdir(exist_ok=True)
        store._ids = {}
        for f in [*store._chunk_files(), *store._run_files()]:
            ids = store._verify(f)
            if ids is not None:
                store._ids[f] = ids
        if old is None:
            write_json(store.manifest_path, {"store": FORMAT, "design_key": store.key, **manifest})
        store._dedupe()
        return store

    def _other_design(self, what: str) -> InputError:
        return InputError(
            str(self.root),
            f"holds results of a different design or model version ({what} says so); give another "
            "output folder, or start over with the fresh option",
        )

    def _read_manifest(self) -> dict[str, Any] | None:
        """The stored manifest, or None (missing, or damaged and set aside)."""
        if not self.manifest_path.exists():
            return None
        try:
            old = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            if not isinstance(old, dict):
                raise ValueError("not a JSON object")
        except (ValueError, UnicodeDecodeError) as exc:
            if not is_store(self.root):  # nothing says the folder is a store of this package: hands off
                raise InputError(
                    str(self.manifest_path),
                    f"is not valid JSON ({exc}) and nothing else here says this is a run store; not "
                    "touching it (give another output folder)",
                ) from None
            self._set_aside(self.manifest_path, f"not valid JSON ({exc})", "it is written again")
            return None
        return old

    def _check_design_file(self) -> None:
        """``design.parquet`` was written for this design (a damaged one is set aside and written again)."""
        if not self.design_path.exists():
            return
        try:
            meta = pq.read_schema(self.design_path).metadata or {}
        except (OSError, pa.ArrowException) as exc:
            self._set_aside(self.design_path, f"not a readable Parquet file ({exc})", "it is written again")
            return
        if meta.get(KEY, b"").decode() != self.key:
            raise self._other_design("design.parquet")

    def _verify(self, path: Path) -> set[int] | None:
        """The run ids of a data file read in full; None if it is damaged (and then set aside).

        Raises:
            InputError: the file holds runs of another design.
        """
        try:
            table = pq.read_table(path, page_checksum_verification=True)
            ids = table.column("run_id").to_pylist()
            if not ids or any(c not in table.column_names for c in (*ID_COLUMNS, "quarter")):
                raise ValueError("no runs, or id columns missing")
            if path.parent == self.runs_dir and set(ids) != {self._run_file_id(path)}:
                raise ValueError("its rows are not the run its name says")
        except (OSError, ValueError, KeyError, pa.ArrowException) as exc:
            self._set_aside(path, f"damaged ({exc})", "its runs will run again")
            return None
        if (table.schema.metadata or {}).get(KEY, b"").decode() != self.key:
            raise self._other_design(path.relative_to(self.root).as_posix())
        return {int(i) for i in ids}

    def _set_aside(self, path: Path, why: str, then: str) -> None:
        self.quarantine_dir.mkdir(exist_ok=True)
        target = self.quarantine_dir / path.name
        n = 1
        while target.exists():
            target = self.quarantine_dir / f"{path.name}.{n}"
            n += 1
        os.replace(path, target)
        where = path.relative_to(self.root).as_posix()
        warn(StoreWarning(str(self.root / where), f"{why}; set aside as {target}; {then}"))

    def manifest(self) -> dict[str, Any]:
        """The stored manifest.

        Raises:
            InputError: when it is missing or not valid JSON.
        """
        try:
            return dict(json.loads(self.manifest_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            raise InputError(
                str(self.manifest_path), f"cannot be read as a store's manifest ({exc})"
            ) from None

    # ------------------------------------------------------------------ state
    def _chunk_files(self) -> list[Path]:
        return sorted(self.chunks_dir.glob("chunk-*.parquet"))

    def _run_files(self) -> list[Path]:
        return sorted(self.runs_dir.glob("run-*.parquet"))

    def _chunk_ids(self) -> set[int]:
        if self._ids is not None:
            return {i for f, ids in self._ids.items() if f.parent == self.chunks_dir for i in ids}
        ids: set[int] = set()
        for f in self._chunk_files():
            with contextlib.suppress(OSError, pa.ArrowException):
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
                if self._ids is not None:
                    self._ids.pop(f, None)

    def done_ids(self) -> set[int]:
        """Runs whose results are stored (verified ones, in a store that was opened)."""
        if self._ids is not None:
            return {i for ids in self._ids.values() for i in ids}
        return self._chunk_ids() | {self._run_file_id(f) for f in self._run_files()}

    def _status_records(self) -> list[dict[str, Any]]:
        records = []
        if self.status_path.exists():
            for line in self.status_path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    rec = json.loads(line)
                    int(rec["run_id"])
                except (ValueError, TypeError, KeyError):
                    continue  # a line cut short by a kill, or damaged
                if isinstance(rec, dict):
                    records.append(rec)
        return records

    def failures(self) -> dict[int, str]:
        """Runs that raised and have not succeeded since: run_id -> error."""
        failed = {
            int(r["run_id"]): str(r.get("error", ""))
            for r in self._status_records()
            if r.get("status") == "failed"
        }
        done = self.done_ids()
        return {k: v for k, v in failed.items() if k not in done}

    # ------------------------------------------------------------------ writing
    def write_design(self, inputs: pd.DataFrame) -> None:
        """Keep the design points (``point``, ``label``, varied parameters) beside the runs, once."""
        if not self.design_path.exists():
            table = self._keyed(pa.Table.from_pandas(inputs, preserve_index=False))
            atomic_write(self.design_path, lambda p: pq.write_table(table, p, write_page_checksum=True))

    def _keyed(self, table: pa.Table) -> pa.Table:
        """The table with this store's design key in its metadata."""
        if self.key is None:  # a store that was not opened (e.g. compacted by hand): its design file's key
            self.key = (pq.read_schema(self.design_path).metadata or {})[KEY].decode()
        return table.replace_schema_metadata({**(table.schema.metadata or {}), KEY: self.key.encode()})

    def record(self, result: RunOutput | RunFailure) -> None:
        """Keep a finished run, or a failure, for the next chunk (written when it is full: see above)."""
        if isinstance(result, RunFailure):
            self._pending_status.append(
                {
                    "run_id": result.run_id,
                    "label": result.label,
                    "seed": result.seed,
                    "status": "failed",
                    "error": result.error,
                    "traceback": result.traceback,
                }
            )
        else:
            self._pending.append(result)
            self._pending_seconds += result.seconds
            self._pending_status.append(
                {"run_id": result.run_id, "status": "done", "seconds": round(result.seconds, 4)}
            )
        if len(self._pending_status) >= self.chunk_runs or self._pending_seconds >= self.chunk_seconds:
            self.flush()

    def flush(self) -> None:
        """Write the kept runs as one chunk (atomically, one ``fsync``), then their status lines.

        On an error (a full disk) the runs stay kept, so a later flush can write them.
        """
        if self._pending:
            table = self._keyed(chunk_table(self._pending))
            chunk = self._next_chunk()
            atomic_write(chunk, lambda p: _write_synced(table, p))
            if self._ids is not None:
                self._ids[chunk] = {r.run_id for r in self._pending}
            self._pending = []
            self._pending_seconds = 0.0
        if self._pending_status:
            with self.status_path.open("a", encoding="utf-8") as fh:
                fh.write("".join(json.dumps(rec) + "\n" for rec in self._pending_status))
            self._pending_status = []

    def _next_chunk(self) -> Path:
        chunks = self._chunk_files()
        n = int(chunks[-1].stem.split("-")[1]) + 1 if chunks else 0  # never reuse a name
        return self.chunks_dir / f"chunk-{n:05d}.parquet"

    def compact(self) -> None:
        """Write the kept runs (:meth:`flush`), and merge run files of older stores into one chunk.

        The chunk is written before the run files go.
        """
        self.flush()
        files = self._run_files()
        if not files:
            return
        table = self._keyed(pa.concat_tables([pq.read_table(f) for f in files], promote_options="default"))
        chunk = self._next_chunk()
        atomic_write(chunk, lambda p: _write_synced(table, p))
        ids: set[int] = set()
        for f in files:
            f.unlink()
            if self._ids is not None:
                ids |= self._ids.pop(f, set())
        if self._ids is not None:
            self._ids[chunk] = ids

    # ------------------------------------------------------------------ reading
    def read(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Every stored row (one per run and quarter), sorted by run and quarter.

        A file that cannot be read is left out with a warning (only the process holding the lock sets
        damaged files aside).
        """
        cols = None if columns is None else list(dict.fromkeys([*ID_COLUMNS, "quarter", *columns]))
        for _ in range(3):  # a run file may be compacted away while it is read; list again
            files = self._chunk_files() + self._run_files()
            tables: list[pa.Table] = []
            seen: set[int] = set()
            try:
                for f in files:
                    try:
                        t = pq.read_table(f, columns=cols)
                    except pa.ArrowException as exc:
                        warn(StoreWarning(str(f), f"damaged ({exc}); left out"))
                        continue
                    ids = set(t.column("run_id").to_pylist())
                    if f.parent == self.runs_dir and ids <= seen:
                        continue  # also in a chunk (compaction was interrupted)
                    seen |= ids
                    tables.append(t.replace_schema_metadata(None))
                break
            except FileNotFoundError:
                continue
        if not tables:
            return pd.DataFrame(columns=[*ID_COLUMNS, "quarter"])
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


def chunk_table(outputs: list[RunOutput]) -> pa.Table:
    """The rows of finished runs as one table: the id columns first (:data:`ID_COLUMNS`), then the metrics.

    The same rows as :func:`with_ids` of each run, concatenated, built with one conversion to Arrow: runs
    that came packed alike from workers are stacked array by array, others concatenated as frames.
    """
    stacked = [r.rows for r in outputs if isinstance(r.rows, Packed)]
    if len(stacked) == len(outputs) and len({p.layout() for p in stacked}) == 1:
        data = Packed.stack(stacked).frame()
        n = np.fromiter((p.rows for p in stacked), dtype=np.int64, count=len(stacked))
    else:
        frames = [r.timeseries for r in outputs]
        data = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
        n = np.fromiter((len(f) for f in frames), dtype=np.int64, count=len(frames))
    ids = pd.DataFrame(
        {
            "run_id": np.repeat(np.array([r.run_id for r in outputs], dtype=np.int64), n),
            "point": np.repeat(np.array([r.point for r in outputs], dtype=np.int64), n),
            "label": pd.Series(np.repeat(np.array([r.label for r in outputs], dtype=object), n), dtype=str),
            "replicate": np.repeat(np.array([r.replicate for r in outputs], dtype=np.int64), n),
            "seed": np.repeat(np.array([r.seed for r in outputs], dtype=np.int64), n),
        }
    )
    return pa.Table.from_pandas(pd.concat([ids, data], axis=1), preserve_index=False)


def _write_synced(table: pa.Table, path: Path) -> None:
    """Write a data file with page checksums, and flush it to the disk (the one fsync of a chunk)."""
    pq.write_table(table, path, write_page_checksum=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def last_quarter(rows: pd.DataFrame) -> pd.DataFrame:
    """The last row of every run in rows sorted by run and quarter."""
    return rows.groupby("run_id", sort=True).tail(1).reset_index(drop=True) if len(rows) else rows


def _jsonable(x: Any) -> Any:
    """Normalise for comparison with what was read back from JSON (tuples become lists)."""
    return json.loads(json.dumps(x))


def is_store(root: Path) -> bool:
    """``root`` holds a run store this package wrote (its manifest, or its design file, says so)."""
    root = Path(root)
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        if isinstance(manifest, dict) and manifest.get("store") in FORMATS:
            return True
    except (OSError, ValueError):
        pass
    try:
        return KEY in (pq.read_schema(root / "design.parquet").metadata or {})
    except (OSError, pa.ArrowException):
        return False


# what a store consists of: the files and folders discard() may delete, and the names inside those folders
STORE_FILES = ("manifest.json", "design.parquet", "status.jsonl")
STORE_FOLDERS = {
    "runs": ("run-*.parquet", ".run-*"),
    "chunks": ("chunk-*.parquet", ".chunk-*"),
    QUARANTINE: ("*",),
}


def foreign_entries(root: Path) -> list[str]:
    """What ``root`` holds that is neither a store's own file nor a file this package wrote there."""
    root = Path(root)
    out = []
    for entry in sorted(root.iterdir()):
        name = entry.name
        if entry.is_dir() and not entry.is_symlink() and name in STORE_FOLDERS:
            patterns = STORE_FOLDERS[name]
            out += [
                f"{name}/{e.name}"
                for e in sorted(entry.iterdir())
                if not e.is_file() or e.is_symlink() or not any(e.match(p) for p in patterns)
            ]
        elif not (name in (*STORE_FILES, LOCK) or _store_temp(name) or ours(root, name)):
            out.append(name + ("/" if entry.is_dir() else ""))
    return out


def _store_temp(name: str) -> bool:
    """A temporary file of an atomic write of one of the store's files."""
    return any(name.startswith(f".{f}.") for f in STORE_FILES)


def discard(root: Path | str) -> bool:
    """Delete the run store at ``root`` (for a fresh start), under its lock; nothing else is deleted.

    Only a store this package wrote is touched, and only if ``root`` holds nothing but the store's own
    files (manifest, design, status, run and chunk files, quarantine, lock) and files this package wrote
    there (see :mod:`clusterpolicy.runs.folders`); the latter stay. Returns whether a store was deleted.

    Raises:
        InputError: when ``root`` is a file, holds anything else (the message lists it), or is in use by
            another process.
    """
    root = Path(root)
    if not root.exists():
        return False
    if not root.is_dir():
        raise InputError(str(root), "is a file, not a run directory; not deleting it")
    foreign = foreign_entries(root)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        what = "holds, besides a run store," if is_store(root) else "is not a run directory: it holds"
        raise InputError(
            str(root),
            f"{what} {shown}, which clusterpolicy did not write; it deletes only what it wrote, so it "
            "deletes nothing here (move those away, or give another output folder)",
        )
    if not is_store(root):
        return False
    with store_lock(root):
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

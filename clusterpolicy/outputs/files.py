"""Writing results safely: every file is written to a temporary name and renamed into place.

A run that fails, or bad input found before it starts, never leaves a half-written or clobbered file.
Inside :func:`staged`, the files written into one folder go to a staging folder beside them first and
are moved into place together at the end, so that a set of files (a run's time series, summary and
figure) is never mixed from two runs, even when the disk fills up half way. (The rules of what may be
written or deleted where are in :mod:`clusterpolicy.runs.folders`.)
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STAGING_PREFIX = ".staging-"


@dataclass
class Stage:
    """Files being written into ``target`` through the staging folder ``folder``."""

    target: Path
    folder: Path
    names: list[str] = field(default_factory=list)


_STAGE: contextvars.ContextVar[Stage | None] = contextvars.ContextVar("clusterpolicy_stage", default=None)


@contextlib.contextmanager
def staged(target: Path, before_commit: Callable[[Stage], None] | None = None) -> Iterator[Stage]:
    """Write the files of ``target`` (not of its subfolders) written in this block as one set.

    They go to a staging folder inside ``target`` (the same file system, so moving them is a rename) and
    are moved into place only when the block ends without an error; an error, a full disk or a refusal
    by ``before_commit`` (called with the stage before anything moves) leaves ``target`` as it was.
    """
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob(f"{STAGING_PREFIX}*"):  # left by a process that was killed while writing
        if _dead(old.name):
            shutil.rmtree(old, ignore_errors=True)
    stage = Stage(
        target.resolve(), Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=target))
    )
    token = _STAGE.set(stage)
    try:
        yield stage
        _STAGE.reset(token)
        if before_commit is not None:
            before_commit(stage)
        for name in dict.fromkeys(stage.names):
            os.replace(stage.folder / name, target / name)
    finally:
        if _STAGE.get() is stage:
            _STAGE.reset(token)
        shutil.rmtree(stage.folder, ignore_errors=True)


def _dead(name: str) -> bool:
    """The staging folder ``name`` belongs to a process that no longer runs."""
    pid = name.removeprefix(STAGING_PREFIX).split("-")[0]
    if not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` and move the result to ``path`` in one rename.

    Inside :func:`staged`, a file of the staged folder goes to the staging folder instead.
    """
    path = Path(path)
    stage = _STAGE.get()
    if stage is not None and path.parent.resolve() == stage.target:
        stage.names.append(path.name)
        path = stage.folder / path.name
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    """Write text atomically."""
    atomic_write(path, lambda p: _ignore(p.write_text(text, encoding="utf-8")))


def write_bytes(path: Path, data: bytes) -> None:
    """Write bytes atomically (e.g. a figure rendered once by ``outputs.figures.render``)."""
    atomic_write(path, lambda p: _ignore(p.write_bytes(data)))


def write_figures(out: Path, figs: dict[str, bytes]) -> None:
    """Write rendered figures (file name -> PNG bytes) into ``out``, the same bytes a report embeds."""
    for name, png in figs.items():
        write_bytes(out / name, png)


def write_csv(path: Path, df: Any, index: bool = False) -> None:
    """Write a data frame as CSV atomically."""
    atomic_write(path, lambda p: df.to_csv(p, index=index))


def write_parquet(path: Path, df: Any) -> None:
    """Write a data frame as Parquet atomically."""
    atomic_write(path, lambda p: df.to_parquet(p, index=False))


def _ignore(_: object) -> None:
    """Drop a return value (``write_text`` returns a count)."""


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (NaN written as null)."""
    write_text(path, json.dumps(_clean(data), indent=2, ensure_ascii=False) + "\n")


def _clean(x: Any) -> Any:
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    return x

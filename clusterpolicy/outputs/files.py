"""Writing results safely: every file is written to a temporary name and renamed into place.

A run that fails, or bad input found before it starts, never leaves a half-written or clobbered file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` and move the result to ``path`` in one rename."""
    path = Path(path)
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

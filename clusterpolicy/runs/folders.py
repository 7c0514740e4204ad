"""Output folders: the one place that decides what the tool writes where, and what it may delete.

- **Before any model runs**, the output argument is checked by
  :func:`clusterpolicy.inputs.checks.check_folder`: a writable folder (or one that can be created), not a
  file, not on a read-only or full file system. Nothing is created then.
- **Names from data** (a scenario's or an experiment's name) become one safe path component
  (:func:`default_folder`), so no file can make the tool write outside the folder it names.
- **A set of files** (a run's time series, summary and figure; a comparison's tables and report) is
  written with :func:`written`: into a staging folder inside the target first, then moved into place
  together, so a full disk or an error half way leaves the previous set as it was. Every folder the tool
  writes carries a mark, :data:`MARK`, listing the files it wrote there; a file of the same name that the
  tool did not write is never overwritten.
- **Deleting** happens only in :func:`clusterpolicy.runs.store.discard` (the fresh start of a run store),
  which deletes a store's own files and refuses, listing them, when the folder holds anything else.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from clusterpolicy.inputs.checks import check_name
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.outputs.files import STAGING_PREFIX, Stage, staged, write_json

MARK = ".clusterpolicy.json"
MARK_FORMAT = "clusterpolicy output folder 1"


def marked_files(folder: Path) -> set[str]:
    """The names of the files this tool wrote in ``folder`` (from its mark; none if it has no mark)."""
    try:
        mark = json.loads((Path(folder) / MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(mark, dict) or mark.get("written_by") != MARK_FORMAT:
        return set()
    files = mark.get("files", [])
    return {f for f in files if isinstance(f, str)} if isinstance(files, list) else set()


def ours(folder: Path, name: str) -> bool:
    """Whether the entry ``name`` of ``folder`` is the tool's own: its mark, staging, or a listed file."""
    return name == MARK or name.startswith(STAGING_PREFIX) or name in marked_files(folder)


def _check_not_foreign(stage: Stage) -> None:
    """Refuse to overwrite a file of the set that exists and that this tool did not write."""
    mine = marked_files(stage.target)
    foreign = [n for n in dict.fromkeys(stage.names) if (stage.target / n).exists() and n not in mine]
    if foreign:
        raise InputError(
            str(stage.target),
            f"holds {', '.join(foreign)}, which clusterpolicy did not write; not overwriting "
            f"{'it' if len(foreign) == 1 else 'them'} (move {'it' if len(foreign) == 1 else 'them'} "
            "away, or give another output folder); nothing was written",
        )
    write_json(stage.target / MARK, {"written_by": MARK_FORMAT, "files": sorted(mine | set(stage.names))})


@contextlib.contextmanager
def written(folder: Path | str) -> Iterator[None]:
    """Write the files of ``folder`` written in this block as one set (see the module docstring).

    Raises:
        InputError: a file of the set exists and was not written by this tool, or the folder cannot be
            written (e.g. the disk is full); the folder is then as it was before the block.
    """
    folder = Path(folder)
    try:
        with staged(folder, before_commit=_check_not_foreign):
            yield
    except OSError as exc:
        raise InputError(
            str(folder),
            f"cannot be written ({exc.strerror or exc}); nothing of this set of files was moved into "
            "place, the files there are as they were",
        ) from None


def default_folder(root: str | Path, name: str) -> Path:
    """``root/name`` for a name from data, refused if it would leave ``root``.

    Raises:
        InputError: when ``name`` is not a safe path component.
    """
    return Path(root) / check_name(str(root), "name", name)

"""Where the files a user names are found, and how they are read.

Shipped files are package data under ``clusterpolicy/data/`` (so a normal ``pip install`` carries them).
A name is looked up in folders, in order; a path is used as it is. Scenarios are also looked up in the
folders of the ``CLUSTERPOLICY_SCENARIOS`` environment variable (several separated by ``os.pathsep``),
before the shipped ones, so that a user's own scenarios can be named like the shipped ones and extend them.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from clusterpolicy.inputs.errors import InputError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SHIPPED_SCENARIOS = DATA_DIR / "scenarios"
SPEC_DIR = DATA_DIR / "specs"
HYPOTHESIS_DIR = DATA_DIR / "hypotheses"
TARGETS_FILE = DATA_DIR / "targets.toml"
SCENARIOS_ENV = "CLUSTERPOLICY_SCENARIOS"
COUNTERFACTUAL = "no_cluster_policy"  # the scenario whose [policy] is the default counterfactual


def scenario_dirs() -> list[Path]:
    """The folders scenarios are looked up in: those of ``CLUSTERPOLICY_SCENARIOS``, then the shipped one.

    The variable is read at every call, so a front end may set it for one command.
    """
    extra = [Path(p) for p in os.environ.get(SCENARIOS_ENV, "").split(os.pathsep) if p.strip()]
    return [*extra, SHIPPED_SCENARIOS]


def toml_names(folders: list[Path]) -> list[str]:
    """The names (file stems) of the ``.toml`` files in ``folders``, each once, sorted."""
    return sorted({p.stem for d in folders if d.is_dir() for p in d.glob("*.toml")})


def find_file(name_or_path: str | Path, folders: list[Path], kind: str, listing: str) -> Path:
    """The file of ``name_or_path``: a path that exists, else ``NAME.toml`` in the first folder holding it.

    Args:
        name_or_path: a path, or the name of a file in one of ``folders``.
        folders: where names are looked up, in order.
        kind: what the file is, for the message (``scenario``, ``experiment``, ...).
        listing: what the message offers instead, e.g. ``known scenarios: a, b``.

    Raises:
        InputError: when there is no such file.
    """
    text = str(name_or_path)
    for c in (Path(text), *(d / f"{text}.toml" for d in folders)):
        if c.is_file():
            return c
    raise InputError(text, f"no such {kind} file or name; {listing}")


def display_path(path: Path) -> str:
    """A path as people like to read it: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_toml(path: Path, source: str | None = None) -> dict[str, Any]:
    """Read a TOML file; any problem becomes a one-line :class:`InputError` naming the file."""
    src = source or display_path(Path(path))
    try:
        text = Path(path).read_bytes().decode("utf-8")
        return tomllib.loads(text)
    except UnicodeDecodeError:
        raise InputError(src, "is not UTF-8 text (is it a TOML file?)") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(src, f"not valid TOML ({exc})") from None
    except OSError as exc:
        raise InputError(src, f"cannot be read ({exc.strerror})") from None

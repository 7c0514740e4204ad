"""Checks of single values, shared by every file reader and by the studies' arguments.

Each ``allowed_*`` function returns ``None`` when the value is fine and otherwise what is allowed, in
words; :func:`check_argument` and :func:`check_key` turn that into the one-line :class:`InputError` of a
function argument (``replications: 1: a whole number of at least 2``) or of a key in a file
(``file.toml: sweep.n = 1: a whole number of at least 2``).
"""

from __future__ import annotations

import errno
import math
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clusterpolicy.inputs.errors import InputError, argument_error

MAX_SEED = 2**63 - 1
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$")
PROBE_BYTES = 64 * 1024  # written (and deleted) to see that the output folder's file system takes data
MIN_FREE_BYTES = 16 * 1024 * 1024


def is_number(x: Any) -> bool:
    """A finite int or float (not a bool)."""
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(float(x))


def allowed_number(
    value: Any, lo: float = -math.inf, hi: float = math.inf, *, integer: bool = False, open_: bool = False
) -> str | None:
    """None if ``value`` is a number in the range (exclusive with ``open_``), else what is allowed."""
    ok = is_number(value) and (not integer or float(value).is_integer())
    if ok:
        ok = lo < value < hi if open_ else lo <= value <= hi
    if ok:
        return None
    kind = "a whole number" if integer else "a number"
    if math.isinf(hi):
        rng = f"above {lo:g}" if open_ else f"of at least {lo:g}"
    elif open_:
        rng = f"between {lo:g} and {hi:g} (exclusive)"
    else:
        rng = f"from {lo:g} to {'2**63-1' if hi == MAX_SEED else f'{hi:g}'}"
    return f"{kind} {rng}"


def allowed_count(value: Any, lo: int = 1) -> str | None:
    """None if ``value`` is a whole number (an int, not a bool) of at least ``lo``."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= lo:
        return None
    return f"a whole number of at least {lo}"


def check_argument(name: str, value: Any, allowed: Callable[[Any], str | None]) -> Any:
    """Return ``value`` if ``allowed(value)`` is None, else raise the argument's one-line error.

    Raises:
        InputError: ``name: value: what is allowed``.
    """
    why = allowed(value)
    if why is not None:
        raise argument_error(name, value, why)
    return value


def check_count(name: str, value: int, lo: int = 1) -> int:
    """A whole-number argument of at least ``lo`` (replications, workers, ...).

    Raises:
        InputError: naming the argument.
    """
    return int(check_argument(name, value, lambda v: allowed_count(v, lo)))


def check_seed(name: str, value: int) -> int:
    """A root seed: a whole number from 0 to 2**63-1.

    Raises:
        InputError: naming the argument.
    """
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_SEED:
        return value
    raise argument_error(name, value, "a whole number from 0 to 2**63-1")


def check_folder(name: str, path: str | Path | None) -> Path | None:
    """An output folder: None, or a folder this process can write (or create), checked before any run.

    The folder is not created here: the check writes a small probe file (and deletes it) in the folder,
    or in its nearest existing parent, so that a read-only or full file system, a place like ``/proc``
    or a file in the way is found before any model runs.

    Raises:
        InputError: an empty path, a path under a file, or a folder that cannot be written.
    """
    if path is None:
        return None
    if not str(path).strip():
        raise InputError(name, f"{str(path)!r}: a folder (an empty path is not one)", argument=True)
    out = Path(path)
    at = out
    while not at.exists() and at.parent != at:
        at = at.parent
    if not at.is_dir():
        where = "is a file" if at == out else f"is under {str(at)!r}, which is a file"
        raise InputError(name, f"{str(out)!r} {where}; give a folder", argument=True)
    why = _cannot_write(at)
    if why is not None:
        raise InputError(name, f"{str(out)!r}: cannot write there ({why})", argument=True)
    return out


def _cannot_write(folder: Path) -> str | None:
    """Why files cannot be written in ``folder``, or None when a probe file can be written and deleted."""
    try:
        probe = tempfile.mkdtemp(prefix=".clusterpolicy-probe-", dir=folder)
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        with open(os.path.join(probe, "probe"), "wb") as fh:
            fh.write(b"\0" * PROBE_BYTES)
            fh.flush()
            os.fsync(fh.fileno())
        st = os.statvfs(folder)
        if st.f_bavail * st.f_frsize < MIN_FREE_BYTES:
            return os.strerror(errno.ENOSPC)
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    return None


def allowed_name(value: Any) -> str | None:
    """None if ``value`` can name an output folder: letters, digits, ``._+-``, not starting with . or -."""
    if isinstance(value, str) and SAFE_NAME.match(value):
        return None
    return (
        "a name of letters, digits, '.', '_', '+' and '-' (at most 100, not starting with '.' or '-'); "
        "it names output folders"
    )


def check_name(src: str, key: str, value: Any) -> str:
    """A name from a file (or argument) that becomes a path component.

    Raises:
        InputError: naming the file and the key.
    """
    return str(check_key(src, key, value, allowed_name(value)))


def check_key(src: str, key: str, value: Any, allowed: str | None) -> Any:
    """Return ``value`` if ``allowed`` is None, else raise ``src: key = value: allowed``.

    Raises:
        InputError: naming the file and the key.
    """
    if allowed is not None:
        raise InputError(src, f"{key} = {value!r}: {allowed}")
    return value


def check_text(src: str, key: str, value: Any) -> str:
    """A non-empty string in a file.

    Raises:
        InputError: naming the file and the key.
    """
    ok = isinstance(value, str) and bool(value.strip())
    return str(check_key(src, key, value, None if ok else "a non-empty string"))


def check_bool(src: str, key: str, value: Any) -> bool:
    """``true`` or ``false`` in a file.

    Raises:
        InputError: naming the file and the key.
    """
    return bool(check_key(src, key, value, None if isinstance(value, bool) else "true or false"))


def check_keys(src: str, where: str, table: dict[str, Any], allowed: tuple[str, ...] | set[str]) -> None:
    """Every key of ``table`` is allowed.

    Raises:
        InputError: ``src: where.key = value: unknown key; allowed: ...``.
    """
    for key, value in table.items():
        if key not in allowed:
            listed = ", ".join(sorted(allowed) if isinstance(allowed, set) else allowed)
            raise InputError(src, f"{where}{key} = {value!r}: unknown key; allowed: {listed}")

"""Loops that numba compiles, and that run as plain Python where numba is not there.

A few steps of the quarter are loops over firm-organisation pairs or consortium draws. Written as NumPy
array operations they cost a few dozen small array calls each, and a model run is mostly the fixed cost
of those calls; written as one loop they are one call. :func:`compiled` marks such a loop: on its first
call numba compiles it (``nopython`` mode, cached on disk next to the module, so a sweep's workers
compile nothing after the first run on a machine), and where numba cannot be imported, or
``CLUSTERPOLICY_JIT=0`` is set when the model is imported, the same function runs as Python. Compiled
functions may call each other, so a formula that several loops use (a membership's utility, the split of
a fee) is written once, for one firm-organisation pair.

Both give the same numbers, bit for bit, because the loops keep to operations that IEEE 754 rounds
exactly the same way in Python and in compiled code: ``+ - * /``, comparisons, ``min``/``max``,
integer arithmetic. Exponentials, logarithms and powers are computed by NumPy before the loop and passed
in (NumPy's versions of those may differ in the last bit from the C library's, which compiled code
calls), and numba's ``fastmath`` (which would reorder sums) stays off. ``tests/model/test_compiled.py``
runs every compiled loop both ways on the same input and compares with ``==``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

#: environment variable that turns compilation off ("0"); anything else, or unset, leaves it on
ENV = "CLUSTERPOLICY_JIT"

#: every function marked ``@compiled``, in the order the modules defining them were imported
REGISTRY: list[Callable[..., Any]] = []


def _numba() -> Any:
    """The numba module, or None where it cannot be imported or ``CLUSTERPOLICY_JIT=0`` is set."""
    if os.environ.get(ENV, "1").strip() == "0":
        return None
    try:
        import numba
    except ImportError:
        return None
    return numba


_NUMBA = _numba()


def numba_available() -> bool:
    """Whether the marked functions are compiled (decided when this module is imported)."""
    return _NUMBA is not None


def compiled[F: Callable[..., Any]](fn: F) -> F:
    """Mark ``fn`` as a function numba compiles (plain Python without numba); see the module docstring.

    A compiled function may call other compiled functions. Its Python version is ``fn.py_func`` when
    compiled, ``fn`` itself otherwise.
    """
    out = fn if _NUMBA is None else _NUMBA.njit(cache=True, nogil=True, fastmath=False)(fn)
    REGISTRY.append(out)
    return out  # type: ignore[no-any-return]


def python_version(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The Python function behind a function marked ``@compiled``."""
    return getattr(fn, "py_func", fn)

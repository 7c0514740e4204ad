"""Loops that numba compiles, and that run as plain Python where numba is not there.

A few steps of the quarter are loops over firm-organisation pairs or consortium draws. Written as NumPy
array operations they cost a few dozen small array calls each, and a model run is mostly the fixed cost
of those calls; written as one loop they are one call. :func:`compiled` marks such a loop: on its first
call numba compiles it (``nopython`` mode, cached on disk next to the module, so a sweep's workers
compile nothing after the first run on a machine), and where numba cannot be imported, or
``CLUSTERPOLICY_JIT=0`` is set, the same function runs as Python.

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

#: every compiled loop, in the order the modules defining them were imported
REGISTRY: list[Compiled] = []


def numba_available() -> bool:
    """Whether compiled loops are used (numba imports, and ``CLUSTERPOLICY_JIT`` is not ``0``)."""
    if os.environ.get(ENV, "1").strip() == "0":
        return False
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


class Compiled:
    """A loop that is compiled on its first call (see the module docstring).

    ``py_func`` is the Python function itself; calling the object runs the compiled version when numba
    is available and ``py_func`` otherwise.
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.py_func = fn
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn
        self._call: Callable[..., Any] | None = None
        REGISTRY.append(self)

    def _resolve(self) -> Callable[..., Any]:
        if numba_available():
            import numba

            self._call = numba.njit(cache=True, nogil=True, fastmath=False)(self.py_func)
        else:
            self._call = self.py_func
        return self._call

    def __call__(self, *args: Any) -> Any:
        """Run the loop (compiled on the first call when numba is available)."""
        call = self._call or self._resolve()
        return call(*args)


def compiled[F: Callable[..., Any]](fn: F) -> F:
    """Mark ``fn`` as a loop numba compiles (plain Python without numba); see the module docstring."""
    return Compiled(fn)  # type: ignore[return-value]

"""Upper bounds on what one command may ask of this machine: worker processes, design points and runs.

The bounds come from the machine: workers from its cores and memory (a worker process running the model
takes about :data:`WORKER_BYTES`), design points and runs from the memory the parent process needs for
them (the design itself, the stored results it reads back). They are checked before anything of that size
is allocated, so a typo such as ``replications = 1000000000`` is one line, not a machine that swaps until
the process is killed. :func:`lifted` turns the checks off for a block (the command line's no-limits
option), for a machine whose memory the estimate underrates.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator
from pathlib import Path

from clusterpolicy.inputs.errors import InputError

WORKER_BYTES = 300 * 2**20  # a worker running the full-size model, with headroom
POINT_BYTES = 64 * 2**10  # a design point: its resolved parameters, its row in the manifest and design
RUN_BYTES = {"all": 96 * 2**10, "final": 4 * 2**10}  # a run's stored rows read back, and its bookkeeping
MEMORY_SHARE = 0.5  # of the available memory, what one command may plan to use in the parent
NO_LIMITS = "the no-limits option lifts the limit"

_LIFTED: contextvars.ContextVar[bool] = contextvars.ContextVar("clusterpolicy_limits_lifted", default=False)


@contextlib.contextmanager
def lifted() -> Iterator[None]:
    """Do not check the bounds of this module while the block runs."""
    token = _LIFTED.set(True)
    try:
        yield
    finally:
        _LIFTED.reset(token)


def is_lifted() -> bool:
    """Whether the bounds are lifted (inside :func:`lifted`)."""
    return _LIFTED.get()


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def available_memory() -> int:
    """Bytes of memory available to this process: the system's available memory, within a cgroup's limit."""
    avail = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                avail = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if avail is None:
        try:
            avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):  # pragma: no cover - not on Linux
            avail = 4 * 2**30
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
        if limit != "max":
            avail = min(avail, max(0, int(limit) - used))
    except (OSError, ValueError):
        pass
    return int(avail)


def _gib(n: int) -> str:
    return f"{n / 2**30:.1f} GiB"


def max_workers() -> int:
    """The most worker processes: the cores, and no more than the available memory holds."""
    return max(1, min(cores(), available_memory() // WORKER_BYTES))


def check_workers(workers: int) -> int:
    """At most :func:`max_workers` local worker processes (unless lifted).

    Raises:
        InputError: naming the ``workers`` argument.
    """
    top = max_workers()
    if workers > top and not is_lifted():
        raise InputError(
            "workers",
            f"{workers}: at most {top} on this machine ({cores()} cores, {_gib(available_memory())} of "
            f"memory available, a worker takes about {WORKER_BYTES // 2**20} MiB); {NO_LIMITS}",
            argument=True,
        )
    return workers


def max_points() -> int:
    """The most design points one design may have on this machine."""
    return max(1000, int(available_memory() * MEMORY_SHARE) // POINT_BYTES)


def max_runs(keep: str = "all") -> int:
    """The most runs one design may have on this machine (``keep``: all quarters or only the final one)."""
    return max(1000, int(available_memory() * MEMORY_SHARE) // RUN_BYTES[keep])


def design_size_problem(points: int, replications: int, keep: str = "all") -> str | None:
    """Why ``points`` x ``replications`` runs are too many for this machine, or None when they fit."""
    if is_lifted():
        return None
    mem = _gib(available_memory())
    if points > max_points():
        return (
            f"{points:,} design points; at most {max_points():,} fit in this machine's memory "
            f"({mem} available); {NO_LIMITS}"
        )
    runs = points * replications
    if runs > max_runs(keep):
        return (
            f"{points:,} points x {replications:,} replications = {runs:,} runs; the results of at most "
            f"{max_runs(keep):,} fit in this machine's memory ({mem} available); {NO_LIMITS}"
        )
    return None

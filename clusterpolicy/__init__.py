"""clusterpolicy: an agent-based model (Mesa) of regional cluster policy, and the studies run on it.

``clusterpolicy.compare(...)`` is the comparison API (implemented in :mod:`clusterpolicy.studies.compare`).
"""

from __future__ import annotations

from typing import Any


def compare(*args: Any, **kwargs: Any) -> Any:
    """Compare scenarios over paired replications; see :func:`clusterpolicy.studies.compare.compare`."""
    from clusterpolicy.studies.compare import compare as _compare

    return _compare(*args, **kwargs)

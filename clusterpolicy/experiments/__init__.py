"""Everything that runs the model: scenarios, runs, designs, analyses, reports and the CLI.

``experiments.compare(...)`` is the comparison API (implemented in :mod:`experiments.comparison`).
"""

from __future__ import annotations

from typing import Any


def compare(*args: Any, **kwargs: Any) -> Any:
    """Compare scenarios over paired replications; see :func:`experiments.comparison.compare`."""
    from clusterpolicy.experiments.comparison import compare as _compare

    return _compare(*args, **kwargs)

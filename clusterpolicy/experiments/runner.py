"""Alias of :mod:`clusterpolicy.runs.runner` (see the package docstring)."""

from clusterpolicy.runs.runner import RunResult, run_one

__all__ = ["RunResult", "run_one"]

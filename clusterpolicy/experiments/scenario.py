"""Alias of :mod:`clusterpolicy.inputs.scenario` (see the package docstring)."""

from clusterpolicy.inputs.scenario import Scenario, available, load_scenario

__all__ = ["Scenario", "available", "load_scenario"]

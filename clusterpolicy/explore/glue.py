"""The explorer's only contact with the rest of the package (inputs and runs).

Everything else in :mod:`clusterpolicy.explore` reads the model through its stable API and scenarios
through the functions re-exported here.
"""

from __future__ import annotations

from clusterpolicy.inputs.errors import InputError as ScenarioError
from clusterpolicy.inputs.scenario import Scenario, available, load_scenario
from clusterpolicy.runs.design import replicate_seeds

BASELINE = "concept_note_2015"

__all__ = ["BASELINE", "Scenario", "ScenarioError", "available", "load_scenario", "replicate_seeds"]

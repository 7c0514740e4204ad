"""The explorer's only contact with the experiment layer (these imports move when that layer does).

Everything else in :mod:`clusterpolicy.explore` reads the model through its stable API and scenarios
through the functions re-exported here.
"""

from __future__ import annotations

from clusterpolicy.experiments.design import replicate_seeds
from clusterpolicy.experiments.scenario import Scenario, ScenarioError, available, load_scenario

BASELINE = "concept_note_2015"

__all__ = ["BASELINE", "Scenario", "ScenarioError", "available", "load_scenario", "replicate_seeds"]

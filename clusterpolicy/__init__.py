"""clusterpolicy: an agent-based model (Mesa) of regional cluster policy, and the studies run on it.

The Python API is one function per study, each returning a result object (with data frames) and, given
``out=``, writing the same files as the command line::

    import clusterpolicy

    comp = clusterpolicy.compare(["concept_note_2015", "no_privileged_budget"], replications=20)
    comp.summary                                   # one row per scenario and outcome
    clusterpolicy.sensitivity("quick", "results/sweeps/quick", workers=2)
    clusterpolicy.load_sweep_results("results/sweeps/quick")   # design inputs joined with outcomes
    clusterpolicy.discover("results/sweeps/quick", "proposals_crowded_out_total", top=0.2)   # PRIM boxes

Every study takes the execution settings as keywords (``workers``, ``executor``, ``scheduler``,
``progress``, ``retry_failed``, ``fresh``, ``run``) or as one :class:`Execution`. Bad input raises
:class:`InputError` (one line naming the file or argument, the key, the value and what is allowed).
The layers are ``model`` (the Mesa model), ``inputs`` (files people write), ``runs`` (designs, the
evaluator, the store), ``analysis`` (pure statistics), ``outputs`` (formatting, figures, reports, files),
``studies`` (these functions) and ``cli`` (the command line); see ``docs/architecture.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clusterpolicy.inputs.errors import InputError
    from clusterpolicy.inputs.hypothesis_file import load_hypothesis
    from clusterpolicy.inputs.scenario import load_scenario
    from clusterpolicy.inputs.sweep_spec import load_spec
    from clusterpolicy.inputs.targets import load_targets
    from clusterpolicy.model import ClusterPolicyModel, Params
    from clusterpolicy.runs.execution import Execution
    from clusterpolicy.runs.results import load_sweep_results
    from clusterpolicy.runs.runner import run_one
    from clusterpolicy.studies.additionality import additionality
    from clusterpolicy.studies.calibrate import calibrate
    from clusterpolicy.studies.compare import compare
    from clusterpolicy.studies.discover import discover
    from clusterpolicy.studies.hypothesis import crowding_out, hypothesis
    from clusterpolicy.studies.run import run
    from clusterpolicy.studies.sensitivity import function_sensitivity, sensitivity
    from clusterpolicy.studies.sweep import sweep
    from clusterpolicy.studies.validate import validate

# name -> module; imported on first use, so ``import clusterpolicy`` stays light
_API = {
    "run": "clusterpolicy.studies.run",
    "compare": "clusterpolicy.studies.compare",
    "discover": "clusterpolicy.studies.discover",
    "sweep": "clusterpolicy.studies.sweep",
    "sensitivity": "clusterpolicy.studies.sensitivity",
    "function_sensitivity": "clusterpolicy.studies.sensitivity",
    "hypothesis": "clusterpolicy.studies.hypothesis",
    "crowding_out": "clusterpolicy.studies.hypothesis",
    "additionality": "clusterpolicy.studies.additionality",
    "validate": "clusterpolicy.studies.validate",
    "calibrate": "clusterpolicy.studies.calibrate",
    "load_sweep_results": "clusterpolicy.runs.results",
    "run_one": "clusterpolicy.runs.runner",
    "Execution": "clusterpolicy.runs.execution",
    "InputError": "clusterpolicy.inputs.errors",
    "load_scenario": "clusterpolicy.inputs.scenario",
    "load_spec": "clusterpolicy.inputs.sweep_spec",
    "load_hypothesis": "clusterpolicy.inputs.hypothesis_file",
    "load_targets": "clusterpolicy.inputs.targets",
    "ClusterPolicyModel": "clusterpolicy.model",
    "Params": "clusterpolicy.model",
}
__all__ = [
    "ClusterPolicyModel",
    "Execution",
    "InputError",
    "Params",
    "additionality",
    "calibrate",
    "compare",
    "crowding_out",
    "discover",
    "function_sensitivity",
    "hypothesis",
    "load_hypothesis",
    "load_scenario",
    "load_spec",
    "load_sweep_results",
    "load_targets",
    "run",
    "run_one",
    "sensitivity",
    "sweep",
    "validate",
]
assert sorted(__all__) == sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'clusterpolicy' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})

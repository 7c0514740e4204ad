"""The cluster-policy model: Mesa agents and the rules of a regional cluster policy.

The package knows nothing of files, command lines, executors or plots; the rest of ``clusterpolicy`` does
(the one exception: ``ClusterPolicyModel(scenario=...)`` loads a scenario by name, through ``inputs``).
"""

from clusterpolicy.model.model import ClusterPolicyModel
from clusterpolicy.model.params import ParameterError, Params

__all__ = ["ClusterPolicyModel", "ParameterError", "Params"]

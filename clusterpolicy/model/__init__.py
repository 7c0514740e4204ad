"""The cluster-policy model: Mesa agents and the rules of a regional cluster policy.

The package knows nothing of files, command lines, executors or plots; ``experiments`` does.
"""

from clusterpolicy.model.model import ClusterPolicyModel
from clusterpolicy.model.params import ParameterError, Params

__all__ = ["ClusterPolicyModel", "ParameterError", "Params"]

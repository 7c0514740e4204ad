"""The cluster-policy model: Mesa agents and the rules of a regional cluster policy.

The package knows nothing of files, command lines, executors or plots; ``experiments`` does.
"""

from model.model import ClusterPolicyModel
from model.params import ParameterError, Params

__all__ = ["ClusterPolicyModel", "ParameterError", "Params"]

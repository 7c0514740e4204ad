"""The phases of a quarter, one module each, in the order ``ClusterPolicyModel.step`` runs them.

Each module's ``run(model)`` is one phase; the helpers it needs live beside it.
"""

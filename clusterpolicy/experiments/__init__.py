"""Deprecated aliases of the old flat experiment layer, kept only until ``tests/model`` imports the new paths.

``clusterpolicy.experiments.runner`` is :mod:`clusterpolicy.runs.runner` and
``clusterpolicy.experiments.scenario`` is :mod:`clusterpolicy.inputs.scenario`. Nothing else lives here;
new code must not import this package.
"""

"""The interactive explorer: ``clusterpolicy explore``, built on Mesa's SolaraViz.

Modules: :mod:`~clusterpolicy.explore.glue` (the only imports from the experiment layer),
:mod:`~clusterpolicy.explore.levers` (widgets generated from the parameter declarations),
:mod:`~clusterpolicy.explore.band` (the baseline's 95 % band from cached replications),
:mod:`~clusterpolicy.explore.orgs` (the organisation table, histories and picture),
:mod:`~clusterpolicy.explore.figures` (the headline figure), :mod:`~clusterpolicy.explore.session`
(one browser session's state and the model SolaraViz runs), :mod:`~clusterpolicy.explore.app` (the
Solara page; needs the ``explore`` extra) and :mod:`~clusterpolicy.explore.server` (starting it).
Everything but ``app`` and ``server`` works without Solara installed.
"""

"""Importing this module loads the model's compiled loops, so that processes forked after it have them.

A local pool's forkserver preloads it (``execution.FORKSERVER_PRELOAD``): it runs one small model (300
firms, two years, the shipped baseline), which makes numba load every compiled loop that a run calls
from its cache (or compile it, on a machine's first run). Every worker forked from the forkserver then
starts with them instead of loading them on its first run. Without numba it only costs the small run.
"""

from __future__ import annotations

from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model import ClusterPolicyModel

#: the small run: firms and quarters (burn-in is the scenario's)
FIRMS, QUARTERS = 300, 8


def warm_up() -> None:
    """Run the small model once (its results are discarded)."""
    params = load_scenario("concept_note_2015").params.replace(
        **{"population.n_firms": FIRMS, "simulation.quarters": QUARTERS}
    )
    ClusterPolicyModel(params, rng=0).run()


warm_up()

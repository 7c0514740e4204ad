"""Drive clusterpolicy from EMA Workbench: sample levers and uncertainties, run, find vulnerable conditions.

Run it with ``.venv/bin/python examples/ema_example.py`` (needs the ``ema`` extra:
``pip install 'clusterpolicy[ema]'``; ``make test`` installs it). About 40 s on two cores: 16 policies x
4 scenarios x 2 replications = 128 runs of a 2,000-firm economy, on EMA's multiprocessing evaluator.
"""

from __future__ import annotations

import numpy as np
from ema_workbench import MultiprocessingEvaluator
from ema_workbench.analysis import prim

from clusterpolicy.interop.ema import ema_model

if __name__ == "__main__":  # EMA's worker processes import this file again
    model = ema_model(
        levers={"privileged_share": (0.0, 0.5), "deposit_window_quarters": (1, 4), "lapse_rule": None},
        uncertainties={"sme_money_cost": (2.0, 10.0), "subsidy_pass_through": (0.4, 1.4)},
        outcomes=["proposals_crowded_out_total", "sme_participation_rate", "business_rd"],
        overrides=["population.n_firms=2000", "policy.project_budget=1.1e8"],
        replications=2,  # replicate r has the same seed in every experiment
        seed=1,
    )
    with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=4, policies=16, uncertainty_sampling_kwargs={"rng": 1}, lever_sampling_kwargs={"rng": 2}
        )

    # scenario discovery: where are more proposals crowded out than in three quarters of the experiments?
    y = outcomes["proposals_crowded_out_total"]
    x = experiments.drop(columns=["scenario", "policy", "model"])
    x = x.astype(
        {c: float for c in x.select_dtypes("integer").columns}
    )  # EMA's PRIM pastes halves on pandas 3
    box = prim.Prim(x, y > np.quantile(y, 0.75), peel_alpha=0.1).find_box()
    print(box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].tail(5))
    box.inspect()

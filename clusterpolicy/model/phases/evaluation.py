"""Phase 8, evaluation: interim evaluation of spearhead clusters; a yearly score of IBNs.

The score mixes excellence, last year's self-financing share and the share of finished projects that
succeeded (``evaluation_prior_success`` before any finished), weighted by ``evaluation_weight_*``, plus
evaluator noise ``jury_noise``. A supported spearhead is evaluated every ``evaluation_interval_years``
after its recognition; below ``evaluation_threshold`` its support stops and its recognition ends. A
supported IBN is scored on each anniversary; the score only matters for the IBN's path to a spearhead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from clusterpolicy.model.agents import (
    IBN_CODE,
    NEVER,
    SPEARHEAD,
    SPEARHEAD_CODE,
    ClusterOrganisation,
)
from clusterpolicy.model.compiled import compiled

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel


def score(model: ClusterPolicyModel, org: ClusterOrganisation, noise: float) -> float:
    """An evaluator's score of an organisation (see the module docstring)."""
    pol, b = model.p.policy, model.p.behaviour
    success = (
        org.projects_succeeded / org.projects_finished
        if org.projects_finished
        else b.evaluation_prior_success
    )
    w = (
        pol.evaluation_weight_excellence,
        pol.evaluation_weight_self_financing,
        pol.evaluation_weight_success,
    )
    value = (w[0] * org.excellence + w[1] * org.self_financing + w[2] * success) / sum(w)
    return value + pol.jury_noise * noise


def run(model: ClusterPolicyModel) -> None:
    """Evaluate the organisations whose turn it is (:func:`evaluations_due`), in their order."""
    pol = model.p.policy
    if not model.policy_active:
        return
    rng = model.streams["evaluation"]
    t = model.org_table
    n = t.n
    due = evaluations_due(
        t.alive[:n], t.supported[:n], t.kind[:n], t.recognised_at[:n], model.t, pol.evaluation_interval_years
    )
    for j in due.tolist():
        org = model.orgs[j]
        s = score(model, org, rng.standard_normal())
        org.last_score = s
        if org.kind == SPEARHEAD and s < pol.evaluation_threshold:
            org.supported = org.recognised = False
            org.stopped_by_evaluation = True
            org.grant_annual = 0.0
            model.counters.clusters_stopped_evaluation += 1
            org.note(f"support stopped at evaluation (score {s:.2f})")


@compiled
def evaluations_due(
    alive: np.ndarray,
    supported: np.ndarray,
    kind: np.ndarray,
    recognised_at: np.ndarray,
    now: int,
    interval_years: int,
) -> np.ndarray:
    """The organisations scored in quarter ``now``, in their order.

    Alive, supported spearheads and IBNs, ``age`` quarters after their recognition (``recognised_at``,
    :data:`NEVER` counting as quarter 0), ``age`` > 0: an IBN on each anniversary; a spearhead every
    ``interval_years`` (never when it is 0).
    """
    out = np.empty(len(alive), dtype=np.int64)
    k = 0
    for j in range(len(alive)):
        if not (alive[j] and supported[j]):
            continue
        age = now - (0 if recognised_at[j] == NEVER else recognised_at[j])
        if age <= 0:
            continue
        if kind[j] == IBN_CODE:
            turn = age % 4 == 0
        elif kind[j] == SPEARHEAD_CODE:
            turn = interval_years != 0 and age % (4 * interval_years) == 0
        else:
            turn = False
        if turn:
            out[k] = j
            k += 1
    return out[:k]

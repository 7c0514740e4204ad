"""Phase 8, evaluation: interim evaluation of spearhead clusters; a yearly score of IBNs.

The score mixes excellence, last year's self-financing share and the share of finished projects that
succeeded (``evaluation_prior_success`` before any finished), weighted by ``evaluation_weight_*``, plus
evaluator noise ``jury_noise``. A supported spearhead is evaluated every ``evaluation_interval_years``
after its recognition; below ``evaluation_threshold`` its support stops and its recognition ends. A
supported IBN is scored on each anniversary; the score only matters for the IBN's path to a spearhead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clusterpolicy.model.agents import IBN, SPEARHEAD, ClusterOrganisation

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
    """Evaluate the organisations whose turn it is."""
    pol = model.p.policy
    if not model.policy_active:
        return
    rng = model.streams["evaluation"]
    for org in model.orgs:
        if not (org.alive and org.supported and org.kind in (SPEARHEAD, IBN)):
            continue
        age = model.t - (org.recognised_at or 0)
        if age <= 0:
            continue
        if org.kind == IBN:
            if age % 4 == 0:
                org.last_score = score(model, org, rng.standard_normal())
            continue
        if pol.evaluation_interval_years == 0 or age % (4 * pol.evaluation_interval_years):
            continue
        s = score(model, org, rng.standard_normal())
        org.last_score = s
        if s < pol.evaluation_threshold:
            org.supported = org.recognised = False
            org.stopped_by_evaluation = True
            org.grant_annual = 0.0
            model.counters.clusters_stopped_evaluation += 1
            org.note(f"support stopped at evaluation (score {s:.2f})")

"""The agency's allocation and selection rules, as pure functions."""

from __future__ import annotations

import numpy as np
import pytest

from clusterpolicy.model.agency import (
    CLUSTER,
    IBN_PROJECT,
    INDIVIDUAL,
    fund_in_rank_order,
    project_call,
    select,
)
from clusterpolicy.model.agents import Application


def test_funds_in_rank_order_until_the_pot_is_exhausted():
    score = np.array([0.2, 0.9, 0.5, 0.7])
    request = np.array([10.0, 10.0, 10.0, 10.0])
    funded = fund_in_rank_order(score, request, pot=25.0)
    assert funded.tolist() == [False, True, False, True]


def test_an_empty_pot_funds_nothing():
    assert not fund_in_rank_order(np.array([1.0, 2.0]), np.array([1.0, 1.0]), pot=0.0).any()


def test_the_first_proposal_that_does_not_fit_ends_the_call():
    # ranks: 0 (fits), 1 (too big), 2 (would fit, but the call ended)
    funded = fund_in_rank_order(np.array([3.0, 2.0, 1.0]), np.array([5.0, 10.0, 1.0]), pot=8.0)
    assert funded.tolist() == [True, False, False]


def test_ties_are_broken_by_the_lower_index():
    funded = fund_in_rank_order(np.array([1.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0]), pot=2.0)
    assert funded.tolist() == [True, True, False]


def test_privileged_pot_funds_only_spearhead_projects_and_others_fall_through_to_open_pot():
    kind = np.array([CLUSTER, CLUSTER, INDIVIDUAL, IBN_PROJECT])
    request = np.array([10.0, 10.0, 10.0, 10.0])
    score = np.array([0.9, 0.8, 0.95, 0.1])
    eligible = np.ones(4, dtype=bool)
    out = project_call(kind, request, score, eligible, privileged_pot=10.0, open_pot=10.0)
    assert out.funded_privileged.tolist() == [True, False, False, False]
    # the second cluster project competes in the open pot and loses to the better individual one
    assert out.funded_open.tolist() == [False, False, True, False]
    assert out.rejected_budget.tolist() == [False, True, False, True]


def test_crowded_out_means_a_merged_pot_would_have_funded_it():
    # one excellent individual proposal, two mediocre cluster projects taking the privileged pot
    kind = np.array([CLUSTER, CLUSTER, INDIVIDUAL, INDIVIDUAL])
    request = np.array([10.0, 10.0, 10.0, 10.0])
    score = np.array([0.3, 0.2, 0.9, 0.8])
    eligible = np.ones(4, dtype=bool)
    out = project_call(kind, request, score, eligible, privileged_pot=20.0, open_pot=10.0)
    assert out.funded.tolist() == [True, True, True, False]
    # a merged pot of 30 funds the three best: 2, 3 and 0 -> proposal 3 was crowded out
    assert out.crowded_out.tolist() == [False, False, False, True]


def test_nothing_is_crowded_out_without_a_privileged_pot():
    rng = np.random.default_rng(3)
    kind = rng.choice([CLUSTER, INDIVIDUAL, IBN_PROJECT], size=200)
    request = rng.uniform(1, 10, size=200)
    score = rng.random(200)
    out = project_call(kind, request, score, np.ones(200, bool), privileged_pot=0.0, open_pot=300.0)
    assert out.rejected_budget.any()
    assert not out.crowded_out.any()


def test_ineligible_proposals_are_neither_funded_nor_counted_as_rejected_for_budget():
    kind = np.array([INDIVIDUAL, INDIVIDUAL])
    out = project_call(kind, np.array([1.0, 1.0]), np.array([0.9, 0.1]), np.array([False, True]), 0.0, 0.5)
    assert not out.funded[0] and not out.rejected_budget[0]
    assert out.rejected_budget[1]


def _apps(scores, domains=None, arrivals=None, eligible=None):
    n = len(scores)
    domains = domains or list(range(n))
    arrivals = arrivals or list(range(n))
    eligible = eligible or [True] * n
    return [
        Application(
            kind="spearhead",
            domain=d,
            excellence=0.5,
            committed=np.array([], dtype=int),
            valorisation=0.5,
            support=0.5,
            jury_score=s,
            arrival=a,
            eligible=e,
        )
        for s, d, a, e in zip(scores, domains, arrivals, eligible, strict=True)
    ]


def test_jury_picks_the_highest_scores():
    apps = _apps([0.1, 0.9, 0.5, 0.7])
    assert select(apps, "jury", 2, np.random.default_rng(0)) == [1, 3]


def test_first_come_first_served_ignores_scores():
    apps = _apps([0.1, 0.9, 0.5, 0.7], arrivals=[0.3, 0.9, 0.1, 0.5])
    assert select(apps, "fcfs", 2, np.random.default_rng(0)) == [2, 0]


def test_lottery_is_random_but_reproducible():
    apps = _apps([0.1] * 10)
    a = select(apps, "lottery", 3, np.random.default_rng(5))
    b = select(apps, "lottery", 3, np.random.default_rng(5))
    c = select(apps, "lottery", 3, np.random.default_rng(6))
    assert a == b and a != c


def test_cap_one_per_domain_blocked_domains_and_eligibility():
    apps = _apps([0.9, 0.8, 0.7, 0.6, 0.5], domains=[1, 1, 2, 3, 4], eligible=[True, True, False, True, True])
    chosen = select(
        apps, "jury", 5, np.random.default_rng(0), blocked_domains=frozenset({3}), one_per_domain=True
    )
    assert chosen == [0, 4]
    assert select(apps, "jury", 0, np.random.default_rng(0)) == []


def test_jury_turns_down_scores_below_the_minimum():
    apps = _apps([0.9, 0.4, 0.6])
    assert select(apps, "jury", 3, np.random.default_rng(0), min_score=0.5) == [0, 2]


def test_unknown_mode_is_an_error():
    with pytest.raises(ValueError):
        select(_apps([0.5]), "auction", 1, np.random.default_rng(0))

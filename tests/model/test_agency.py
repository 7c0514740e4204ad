"""The agency's allocation and selection rules, as pure functions."""

from __future__ import annotations

import numpy as np
import pytest

from clusterpolicy.model.agency import (
    CLUSTER,
    IBN_PROJECT,
    INDIVIDUAL,
    fund_among,
    fund_in_order,
    fund_in_rank_order,
    project_call,
    rank_order,
    select,
)
from clusterpolicy.model.agents import Application


def test_funds_in_rank_order_while_money_is_left():
    score = np.array([0.2, 0.9, 0.5, 0.7])
    request = np.array([10.0, 10.0, 10.0, 10.0])
    funded = fund_in_rank_order(score, request, pot=25.0)
    assert funded.tolist() == [False, True, False, True]


def test_an_empty_pot_funds_nothing():
    assert not fund_in_rank_order(np.array([1.0, 2.0]), np.array([1.0, 1.0]), pot=0.0).any()


def test_a_smaller_proposal_below_one_that_does_not_fit_is_funded():
    # ranks: 0 (fits), 1 (too big: skipped), 2 (smaller, still fits)
    funded = fund_in_rank_order(np.array([3.0, 2.0, 1.0]), np.array([5.0, 10.0, 1.0]), pot=8.0)
    assert funded.tolist() == [True, False, True]
    # and the money left is never overspent
    rng = np.random.default_rng(1)
    for _ in range(50):
        req = rng.uniform(1, 20, 30)
        f = fund_in_rank_order(rng.random(30), req, pot=100.0)
        assert req[f].sum() <= 100.0 + 1e-9
        assert (req[~f] > 100.0 - req[f].sum() - 1e-9).all(), "nothing that still fits is left out"


def test_ties_are_broken_by_the_lower_index():
    funded = fund_in_rank_order(np.array([1.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0]), pot=2.0)
    assert funded.tolist() == [True, True, False]


def test_rank_order_is_by_descending_score_then_index():
    score = np.array([0.5, 0.9, 0.5, np.nan, 0.9, 0.1])
    assert rank_order(score).tolist() == [1, 4, 0, 2, 5, 3]  # a missing score ranks last
    key = sorted(range(6), key=lambda i: (-score[i] if score[i] == score[i] else np.inf, i))
    assert rank_order(score).tolist() == key


def test_funding_a_subset_in_order_is_funding_it_alone():
    rng = np.random.default_rng(4)
    for _ in range(200):
        n = int(rng.integers(1, 40))
        score, request = np.round(rng.random(n), 1), rng.uniform(1.0, 10.0, n)
        subset = rng.random(n) < 0.6
        order = rank_order(score)
        pot = float(rng.uniform(0.0, 60.0))
        got = fund_in_order(order[subset[order]], request, pot, 1e-6)
        assert fund_among(order, subset, request, pot, 1e-6).tolist() == got.tolist()
        alone = np.zeros(n, dtype=bool)
        alone[subset] = fund_in_rank_order(score[subset], request[subset], pot)
        assert got.tolist() == alone.tolist()
    assert not fund_in_order(np.arange(3), np.ones(3), 0.0, 1e-6).any()


KIND4 = np.array([CLUSTER, CLUSTER, INDIVIDUAL, IBN_PROJECT])
ONES4 = np.ones(4, dtype=bool)


def test_reserve_funds_spearhead_projects_first_and_others_fall_through_to_the_open_pot():
    request = np.array([10.0, 10.0, 10.0, 10.0])
    score = np.array([0.9, 0.8, 0.95, 0.1])
    out = project_call(KIND4, request, score, ONES4, envelope=20.0, privileged=10.0, mode="reserve")
    assert out.funded_privileged.tolist() == [True, False, False, False]
    # the second cluster project competes in the open pot and loses to the better individual one
    assert out.funded_open.tolist() == [False, False, True, False]
    assert out.rejected_budget.tolist() == [False, True, False, True]
    assert out.idle == 0.0


def test_under_reserve_leftovers_stay_idle_and_under_reserve_release_they_fund_open_proposals():
    kind = np.array([CLUSTER, INDIVIDUAL, INDIVIDUAL])
    request = np.array([5.0, 10.0, 10.0])
    score = np.array([0.5, 0.9, 0.8])
    hard = project_call(
        kind, request, score, np.ones(3, bool), envelope=30.0, privileged=15.0, mode="reserve"
    )
    assert hard.idle == pytest.approx(10.0)
    assert hard.funded.tolist() == [True, True, False]  # 15 open: one individual project
    assert hard.crowded_out.tolist() == [False, False, True]
    soft = project_call(
        kind, request, score, np.ones(3, bool), envelope=30.0, privileged=15.0, mode="reserve_release"
    )
    assert soft.idle == 0.0 and soft.released == pytest.approx(10.0)
    assert soft.funded.all() and not soft.crowded_out.any()


def test_reserve_release_never_leaves_reserved_money_idle_while_open_proposals_are_rejected():
    rng = np.random.default_rng(7)
    for _ in range(100):
        n = 40
        kind = rng.choice([CLUSTER, INDIVIDUAL, IBN_PROJECT], size=n)
        request = rng.uniform(1, 10, n)
        out = project_call(kind, request, rng.random(n), rng.random(n) < 0.9, 120.0, 60.0, "reserve_release")
        assert out.idle == 0.0
        spent = request[out.funded].sum()
        assert spent <= 120.0 + 1e-9
        rejected = out.rejected_budget & (kind != CLUSTER)
        assert not (request[rejected] <= 120.0 - spent - 1e-9).any(), (
            "no rejected proposal fits the money left"
        )


def test_under_bonus_a_spearhead_proposal_outranks_an_open_one_of_slightly_higher_quality():
    kind = np.array([CLUSTER, INDIVIDUAL])
    request = np.array([10.0, 10.0])
    score = np.array([0.60, 0.65])
    out = project_call(kind, request, score, np.ones(2, bool), 10.0, 0.0, "bonus", bonus=0.1)
    assert out.funded.tolist() == [True, False]
    assert out.funded_privileged.tolist() == [True, False]
    # ... and this is crowding-out: one pot on quality alone would have funded the open one
    assert out.crowded_out.tolist() == [False, True]
    plain = project_call(kind, request, score, np.ones(2, bool), 10.0, 0.0, "bonus", bonus=0.0)
    assert plain.funded.tolist() == [False, True]


def test_under_priority_spearhead_proposals_come_first_up_to_the_privileged_amount():
    kind = np.array([CLUSTER, CLUSTER, CLUSTER, INDIVIDUAL])
    request = np.array([10.0, 10.0, 10.0, 10.0])
    score = np.array([0.3, 0.2, 0.1, 0.9])
    out = project_call(
        kind, request, score, np.ones(4, bool), envelope=30.0, privileged=20.0, mode="priority"
    )
    # the first two spearhead projects take the privileged 20; the open one is best of the rest
    assert out.funded_privileged.tolist() == [True, True, False, False]
    assert out.funded.tolist() == [True, True, False, True]
    assert not out.crowded_out.any()


def test_crowded_out_means_a_merged_pot_would_have_funded_it():
    # one excellent individual proposal, two mediocre cluster projects taking the privileged pot
    kind = np.array([CLUSTER, CLUSTER, INDIVIDUAL, INDIVIDUAL])
    request = np.array([10.0, 10.0, 10.0, 10.0])
    score = np.array([0.3, 0.2, 0.9, 0.8])
    for mode in ("reserve", "reserve_release", "priority"):
        out = project_call(kind, request, score, np.ones(4, bool), envelope=30.0, privileged=20.0, mode=mode)
        assert out.funded.tolist() == [True, True, True, False]
        # a merged pot of 30 funds the three best: 2, 3 and 0 -> proposal 3 was crowded out
        assert out.crowded_out.tolist() == [False, False, False, True]


def test_nothing_is_crowded_out_without_a_privilege():
    rng = np.random.default_rng(3)
    kind = rng.choice([CLUSTER, INDIVIDUAL, IBN_PROJECT], size=200)
    request = rng.uniform(1, 10, size=200)
    score = rng.random(200)
    for mode in ("reserve", "reserve_release", "priority", "bonus"):
        out = project_call(
            kind, request, score, np.ones(200, bool), envelope=300.0, privileged=0.0, mode=mode
        )
        assert out.rejected_budget.any()
        assert not out.crowded_out.any()


def test_ineligible_proposals_are_neither_funded_nor_counted_as_rejected_for_budget():
    kind = np.array([INDIVIDUAL, INDIVIDUAL])
    out = project_call(kind, np.array([1.0, 1.0]), np.array([0.9, 0.1]), np.array([False, True]), 0.5, 0.0)
    assert not out.funded[0] and not out.rejected_budget[0]
    assert out.rejected_budget[1]


def test_an_unknown_privilege_rule_is_an_error():
    with pytest.raises(ValueError, match="privileged mode"):
        project_call(KIND4, np.ones(4), np.ones(4), ONES4, 1.0, 0.5, mode="lottery")


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

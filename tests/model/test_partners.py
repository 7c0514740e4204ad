"""The partner draw of consortia: weighted draws without replacement, raised for past partners."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import small

from clusterpolicy.model import ClusterPolicyModel
from clusterpolicy.model.agents import SPEARHEAD, ClusterOrganisation
from clusterpolicy.model.kernels import successive_sample
from clusterpolicy.model.phases import projects

W = np.array([1.0, 2.0, 3.0, 4.0, 10.0])


def _second_pick_law(weights: np.ndarray, first: int, raised: dict[int, float]) -> np.ndarray:
    """Exact probability of each position as the second element, given the first."""
    w = weights.copy()
    for j, factor in raised.items():
        w[j] *= factor
    w[first] = 0.0
    return w / w.sum()


def _draw(n: int, sizes: int, known: list[int], raise_by: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lo, hi = np.full(n, 0), np.full(n, len(W))
    first = np.zeros(n, dtype=np.int64)
    # every row in one group, whose list is ``known``
    group = np.zeros(n, dtype=np.int64)
    owner = np.zeros(len(known), dtype=np.int64)
    pos = np.array(known, dtype=np.int64)
    return successive_sample(rng, W, lo, hi, first, np.full(n, sizes), group, owner, pos, raise_by)


def test_partners_are_drawn_by_weight_without_repeats():
    n = 20_000
    picks = _draw(n, 3, known=[], raise_by=0.0)
    assert (picks[:, 0] == 0).all()
    assert all(len(set(row)) == 3 for row in picks[:200])
    freq = np.bincount(picks[:, 1], minlength=len(W)) / n
    law = _second_pick_law(W, 0, {})
    assert freq == pytest.approx(law, abs=4 * np.sqrt(0.25 / n))


def test_past_partners_weigh_more():
    n = 20_000
    picks = _draw(n, 2, known=[1], raise_by=9.0)
    freq = np.bincount(picks[:, 1], minlength=len(W)) / n
    law = _second_pick_law(W, 0, {1: 10.0})
    assert freq == pytest.approx(law, abs=4 * np.sqrt(0.25 / n))
    plain = np.bincount(_draw(n, 2, known=[], raise_by=9.0)[:, 1], minlength=len(W)) / n
    assert freq[1] > 3 * plain[1]


def test_segments_and_sizes_are_kept():
    rng = np.random.default_rng(3)
    weights = rng.random(30) + 0.1
    lo = np.array([0, 10, 10, 25])
    hi = np.array([10, 25, 25, 30])
    sizes = np.array([3, 15, 1, 5])  # the second and last take their whole segment
    first = np.array([4, 11, 20, 29])
    none = np.empty(0, dtype=np.int64)
    picks = successive_sample(rng, weights, lo, hi, first, sizes, np.arange(4), none, none, 0.0)
    assert picks.shape == (4, 15)
    for row, a, z, k, f in zip(picks, lo, hi, sizes, first, strict=True):
        got = row[row >= 0]
        assert len(got) == k and got[0] == f and len(set(got)) == k
        assert ((got >= a) & (got < z)).all()
    assert set(picks[1]) == set(range(10, 25))


def test_a_consortium_takes_the_leads_past_partner_more_often_with_relational_credit():
    counts = {}
    for weight in (0.0, 20.0):
        p = small(**{"behaviour.relational_weight": weight, "behaviour.consortium_extra_firms": 0.0})
        m = ClusterPolicyModel(p, rng=4)
        m.memberships.remove(np.ones(len(m.memberships), dtype=bool))
        for o in m.orgs:
            o.alive = False
        org = ClusterOrganisation(m, SPEARHEAD, 0, 0.9)
        members = np.arange(10)
        m.join(members, org)
        m.firms.own_rd[members] = 1e6
        m.firms.own_rd[0] = 1e12  # firm 0 leads every consortium
        m.links = np.array([0 * m.n_nodes + 7], dtype=np.int64)  # and has worked with firm 7 before
        rng = np.random.default_rng(1)
        n = 200
        cons, *_ = projects.consortia(m, np.array([org.index]), np.array([n]), np.array([1e5]), rng)
        assert (cons.rows[cons.start[:-1]] == 0).all()
        counts[weight] = int(np.count_nonzero(cons.rows == 7))
    share = (p.behaviour.consortium_min_firms - 1) / 9  # of the consortia firm 7 is in without credit
    assert counts[0.0] == pytest.approx(n * share, abs=4 * np.sqrt(n * share * (1 - share)))
    assert counts[20.0] > min(0.85 * n, 2 * counts[0.0])


def test_later_partners_follow_the_law_of_successive_draws():
    n = 40_000
    known, factor = [1, 4], 4.0
    picks = _draw(n, 4, known=known, raise_by=factor - 1.0, seed=5)
    w = W.copy()
    w[known] *= factor
    # exact law of the third element: sum over the second of P(second) x P(third | first, second)
    third = np.zeros(len(W))
    for a in range(1, len(W)):
        pa = w[a] / (w.sum() - w[0])
        for c in range(1, len(W)):
            if c != a:
                third[c] += pa * w[c] / (w.sum() - w[0] - w[a])
    freq = np.bincount(picks[:, 2], minlength=len(W)) / n
    assert freq == pytest.approx(third, abs=4 * np.sqrt(0.25 / n))
    assert all(len(set(row)) == 4 for row in picks[:500])


def test_each_group_of_rows_has_its_own_past_partners():
    n = 20_000
    rng = np.random.default_rng(7)
    group = np.arange(n) % 2
    owner, pos = np.array([0, 1]), np.array([1, 3])  # group 0 has worked with 1, group 1 with 3
    picks = successive_sample(
        rng, W, np.zeros(n, int), np.full(n, len(W)), np.zeros(n, int), np.full(n, 2), group, owner, pos, 9.0
    )
    for g, j in ((0, 1), (1, 3)):
        freq = np.bincount(picks[group == g, 1], minlength=len(W)) / (n / 2)
        assert freq == pytest.approx(_second_pick_law(W, 0, {j: 10.0}), abs=4 * np.sqrt(0.5 / n))


def test_adding_in_order_rounds_as_a_loop_does_not_as_a_pairwise_sum():
    from clusterpolicy.model.kernels import add_in_order

    rng = np.random.default_rng(2)
    values = rng.random(1000) * 10.0 ** rng.integers(-3, 7, size=1000)
    loop = 0.5
    for v in values.tolist():
        loop += v
    assert add_in_order(0.5, values) == loop
    assert add_in_order(0.5, np.empty(0)) == 0.5
    assert any(add_in_order(0.0, values[:k]) != float(values[:k].sum()) for k in range(16, 1000, 37))


def test_pair_codes_of_groups_are_every_pair_once_per_group():
    from clusterpolicy.model.kernels import group_pair_codes

    n_nodes = 50
    nodes = np.array([7, 3, 9, 1, 4, 12, 5], dtype=np.int64)
    start = np.array([0, 3, 3, 4, 7], dtype=np.int64)  # groups {7, 3, 9}, {}, {1}, {4, 12, 5}
    extra = np.array([40, 41, -1, 2], dtype=np.int64)  # one more node in groups 0, 1 and 3
    codes = group_pair_codes(nodes, start, extra, n_nodes)
    expected = []
    for g, more in enumerate(extra):
        members = sorted([*nodes[start[g] : start[g + 1]], *([more] if more >= 0 else [])])
        expected += [a * n_nodes + b for i, a in enumerate(members) for b in members[i + 1 :]]
    assert codes.tolist() == expected
    assert len(codes) == 6 + 0 + 0 + 6


def test_the_neighbours_of_a_node_are_its_links_other_ends():
    from clusterpolicy.model.kernels import Adjacency

    n_nodes = 10
    pairs = [(0, 3), (1, 3), (3, 9), (2, 5), (0, 9)]
    links = np.array(sorted(a * n_nodes + b for a, b in pairs), dtype=np.int64)
    adj = Adjacency(links, n_nodes)
    owner, partner = adj.pairs(np.array([3, 7, 0], dtype=np.int64))
    got = {(int(o), int(p)) for o, p in zip(owner, partner, strict=True)}
    assert got == {(0, 0), (0, 1), (0, 9), (2, 3), (2, 9)}
    assert adj.indptr[-1] == 2 * len(pairs)


def test_add_links_merges_the_new_codes_once_and_keeps_the_array_when_none_is_new():
    rng = np.random.default_rng(3)
    codes = np.unique(rng.integers(0, 500, size=200))
    new = rng.integers(0, 600, size=300)  # repeats, and codes there already
    assert np.array_equal(projects.add_links(codes, new), np.union1d(codes, new))
    assert projects.add_links(codes, codes[:5][::-1]) is codes
    assert projects.add_links(codes, np.empty(0, dtype=np.int64)) is codes
    assert np.array_equal(projects.add_links(np.empty(0, dtype=np.int64), new), np.unique(new))


def test_the_member_pool_is_each_organisations_rows_in_order():
    from clusterpolicy.model.phases.cofinancing import rows_by_org

    member_org = np.array([2, 0, 2, 5, 0, 2, 3], dtype=np.int64)
    take, start = rows_by_org(member_org, np.array([2, 4, 0], dtype=np.int64), 6)
    assert take.tolist() == [0, 2, 5, 1, 4]
    assert start.tolist() == [0, 3, 3, 5]


def test_leads_are_drawn_by_weight_in_their_segment_and_grouped():
    rng = np.random.default_rng(4)
    w = rng.random(12) + 0.5
    lo = np.array([0, 0, 5, 5, 5, 9], dtype=np.int64)
    hi = np.array([5, 5, 9, 9, 9, 12], dtype=np.int64)
    owner = np.array([0, 0, 1, 1, 1, 2], dtype=np.int64)
    u = rng.random(6)
    lead, group, leads, lead_owner = projects.draw_leads(w, lo, hi, owner, u)
    cw = np.cumsum(w)
    below = np.where(lo > 0, cw[np.maximum(lo - 1, 0)], 0.0)
    expected = np.clip(np.searchsorted(cw, below + u * (cw[hi - 1] - below), side="right"), lo, hi - 1)
    assert lead.tolist() == expected.tolist()
    unique, inverse = np.unique(expected, return_inverse=True)
    assert leads.tolist() == unique.tolist() and group.tolist() == inverse.tolist()
    assert lead_owner.tolist() == [int(owner[lead == j][0]) for j in unique]


def test_past_partners_are_the_leads_partners_in_its_organisation():
    slot = np.full((3, 6), -1, dtype=np.int32)
    slot[1, [0, 2, 4]] = [0, 1, 2]  # organisation 1: firms 0, 2, 4 (membership rows 0, 1, 2)
    slot[2, [1, 2]] = [3, 4]  # organisation 2: firms 1, 2
    take = np.array([3, 4, 0, 1, 2], dtype=np.int64)  # the pool: organisation 2, then 1
    of_lead = np.array([0, 0, 0, 1, 1], dtype=np.int64)
    partner = np.array([2, 4, 9, 1, 2], dtype=np.int64)  # firm 9 is outside the table
    lead_org = np.array([1, 2], dtype=np.int64)
    owner, position = projects.past_partners(of_lead, partner, lead_org, slot, take, 5)
    assert owner.tolist() == [0, 0, 1, 1]
    assert position.tolist() == [3, 4, 0, 1]


def test_consortium_sums_are_numpys_row_sums():
    rng = np.random.default_rng(6)
    pool = rng.integers(0, 50, size=40)
    w = rng.lognormal(0.0, 2.0, 40)
    cap, know, rd = rng.random(50), rng.lognormal(0.0, 3.0, 50), rng.lognormal(10.0, 2.0, 50)
    sizes = rng.integers(1, 13, size=30)
    picks = np.full((30, 12), -1, dtype=np.int64)
    for i, k in enumerate(sizes):
        picks[i, :k] = rng.choice(40, size=k, replace=False)
    rows, shares, start, c, kn, capacity = projects.consortium_sums(picks, sizes, pool, w, cap, know, rd, 0.7)
    inside = picks >= 0
    firms = pool[np.maximum(picks, 0)]
    share_w = np.where(inside, w[np.maximum(picks, 0)], 0.0)
    assert np.array_equal(rows, firms[inside])
    assert np.array_equal(shares, (share_w / share_w.sum(axis=1)[:, None])[inside])
    assert np.array_equal(start, np.concatenate(([0], np.cumsum(sizes))))
    assert np.array_equal(c, np.where(inside, cap[firms], 0.0).sum(axis=1) / sizes)
    assert np.array_equal(kn, np.where(inside, know[firms], 0.0).sum(axis=1) / sizes)
    assert np.array_equal(capacity, np.where(inside, 0.7 * rd[firms], 0.0).sum(axis=1))


def test_consortium_merit_is_the_quality_formula_and_the_two_eligibility_rules():
    rng = np.random.default_rng(11)
    n = 300
    cap, know, excellence, noise = rng.random(n), rng.random(n), rng.random(n), rng.standard_normal(n)
    ki = rng.integers(-1, 4, size=n)
    ki_excellence = rng.random(4)
    capacity, request = rng.lognormal(12.0, 1.0, n), rng.lognormal(12.0, 1.0, n)
    rules = projects.MeritRules(0.1, 0.2, 0.3, 0.25, 0.9, 0.6)
    quality, eligible = projects.consortium_merit(
        cap, know, excellence, noise, ki, ki_excellence, capacity, request, rules
    )
    expected = cap + 0.1 * know + 0.2 * excellence + 0.3 * noise
    expected[ki >= 0] += 0.25 * ki_excellence[ki[ki >= 0]]
    assert np.array_equal(quality, expected)
    enough = capacity >= 0.9 * request
    assert np.array_equal(eligible, enough & (expected >= 0.6))
    assert 0 < eligible.sum() < (expected >= 0.6).sum() and eligible.sum() < enough.sum()


def test_row_sum_is_numpys_sum():
    rng = np.random.default_rng(8)
    for n in (0, 1, 7, 8, 9, 100, 128, 129, 1000):
        a = rng.lognormal(0.0, 3.0, n) * rng.choice([-1.0, 1.0], n)
        assert projects.row_sum(a) == a.sum()
    assert not np.signbit(projects.row_sum(np.full(9, -0.0)))


def test_individual_proposals_follow_the_grant_rules():
    rng = np.random.default_rng(9)
    n = 2000
    u, noise = rng.random(n), rng.standard_normal(n)
    sme, follower = rng.random(n) < 0.8, rng.random(n) < 0.3
    rd, capability, knowledge = rng.lognormal(12.0, 2.0, n), rng.random(n), rng.random(n)
    rules = projects.IndividualRules(0.3, 0.6, 0.5, 0.4, 0.45, 0.25, 2e6, 2.5e4, 0.1, 0.2, 0.45, 0.9)
    rows, request, quality, eligible, private = projects.individual_proposals(
        u, noise, sme, follower, rd, capability, knowledge, rules
    )
    p = np.where(sme, 0.3, 0.6)
    p = np.where(follower, p * 0.5, p)
    cost = 0.4 * rd
    grant = np.minimum(np.where(sme, 0.45, 0.25) * cost, 2e6)
    expected = np.flatnonzero((u < p) & (grant >= 2.5e4) & (grant > 0))
    q = capability[expected] + 0.1 * knowledge[expected] + 0.2 * noise[expected]
    assert np.array_equal(rows, expected) and np.array_equal(request, grant[expected])
    assert np.array_equal(quality, q)
    assert np.array_equal(private, cost[expected] - grant[expected])
    assert np.array_equal(eligible, (q >= 0.45) & (cost[expected] - grant[expected] <= 0.9 * rd[expected]))
    assert 0 < eligible.sum() < len(rows) < n


def test_successes_credit_each_firm_once_per_successful_project():
    rows = np.array([3, 1, 3, 0, 3], dtype=np.int64)
    won = np.array([True, True, True, False, False])
    innovations = np.zeros(5, dtype=np.int64)
    knowledge = np.array([0.5, 0.25, 0.0, 1.0, 2.0])
    sme = np.array([True, False, True, True, False])
    follower = np.array([False, False, False, True, False])
    counts = projects.credit_successes(rows, won, innovations, knowledge, sme, follower, 0.1)
    assert innovations.tolist() == [0, 1, 0, 2, 0]
    assert knowledge.tolist() == [0.5, 0.25 + 0.1 * 1, 0.0, 1.0 + 0.1 * 2, 2.0]
    assert tuple(counts) == (2, 2)


def test_org_results_count_each_organisations_projects_and_successes():
    org = np.array([-1, 4, 1, 4, 4, -1], dtype=np.int64)
    success = np.array([True, True, False, False, True, True])
    ended, finished, succeeded = projects.org_results(org, success, 6)
    assert ended.tolist() == [1, 4] and finished.tolist() == [1, 3] and succeeded.tolist() == [0, 2]


def test_firm_payments_list_the_individual_firms_then_the_consortia():
    individual_rows = np.array([10, 11, 12], dtype=np.int64)
    request = np.array([1.0, 2.0, 3.0, 9.0, 9.0])  # three individual proposals, two consortia
    start = np.array([0, 2, 5], dtype=np.int64)
    rows = np.array([20, 21, 30, 31, 32], dtype=np.int64)
    shares = np.array([0.75, 0.25, 0.5, 0.25, 0.25])
    out_rows, amounts, project, out_start = projects.firm_payments(
        individual_rows,
        request,
        np.array([0, 2], dtype=np.int64),
        start,
        rows,
        shares,
        np.array([1], dtype=np.int64),
        np.array([8.0]),
    )
    assert out_rows.tolist() == [10, 12, 30, 31, 32]
    assert amounts.tolist() == [1.0, 3.0, 4.0, 2.0, 2.0]
    assert project.tolist() == [0, 1, 2, 2, 2]
    assert out_start.tolist() == [0, 3]


def test_the_call_tally_is_the_masked_sums_and_counts():
    from clusterpolicy.model.agency import CLUSTER, IBN_PROJECT, INDIVIDUAL, project_call

    rng = np.random.default_rng(10)
    n = 400
    kind = rng.choice([INDIVIDUAL, CLUSTER, IBN_PROJECT], size=n)
    request = rng.lognormal(12.0, 1.0, n)
    out = project_call(kind, request, rng.random(n), rng.random(n) < 0.8, 0.3 * request.sum(), 5e6, "reserve")
    spend, counts, funded = projects.call_tally(
        kind,
        request,
        out.funded,
        out.funded_privileged,
        out.funded_open,
        out.rejected_budget,
        out.crowded_out,
    )
    cluster = kind == CLUSTER
    assert spend.tolist() == [
        request[out.funded_privileged].sum(),
        request[out.funded & cluster].sum(),
        request[out.funded_open].sum(),
    ]
    assert counts.tolist() == [
        out.funded_privileged.sum(),
        (out.funded_open & cluster).sum(),
        (out.funded & (kind == INDIVIDUAL)).sum(),
        (out.funded & (kind == IBN_PROJECT)).sum(),
        out.rejected_budget.sum(),
        out.crowded_out.sum(),
    ]
    assert funded.tolist() == np.flatnonzero(out.funded).tolist()
    assert min(counts[:5]) > 0

"""Applications built in one pass (``recognition.applications``) are those built one by one.

And what rolling recognition reads off the org table is what the organisations' attributes say.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from helpers import fee_weights, small

from clusterpolicy.model import ClusterPolicyModel, compiled, kernels
from clusterpolicy.model.agents import (
    IBN,
    IBN_CODE,
    LEGACY,
    LEGACY_CODE,
    SPEARHEAD,
    SPEARHEAD_CODE,
    Application,
    ClusterOrganisation,
)
from clusterpolicy.model.phases import recognition
from clusterpolicy.model.phases.cofinancing import kind_terms, plan_budget


def one_application(
    model: ClusterPolicyModel,
    kind: str,
    domain: int,
    excellence: float,
    org: ClusterOrganisation | None,
    reach: float,
    min_members: int,
) -> Application:
    """One application, written out step by step with array calls (the mechanism of ODD 7.1)."""
    pol, b = model.p.policy, model.p.behaviour
    f = model.firms
    ms = model.memberships
    firms = model.active_rows[domain]
    reached = model.streams["formation"].random(len(firms)) < reach
    own_rows = org.members if org is not None else np.empty(0, dtype=np.int64)
    niche = np.zeros(f.n, dtype=bool)
    niche[own_rows] = True
    niche[firms[reached]] = True
    pool = np.flatnonzero(niche)
    n_expected = max(len(own_rows), min_members)
    spearhead = kind == SPEARHEAD
    weights = fee_weights(model, f.is_sme[pool], kernels.KIND_CODE[kind])
    mean_weight = float(weights.mean()) if len(pool) else 1.0
    plan = plan_budget(model, kind, n_expected, n_expected * mean_weight, pol.operating_grant_share)
    societal = org.societal if org is not None else False
    others = ms.per_firm(f.n)[pool]
    if org is not None:
        others = others - ms.contains(pool, np.full(len(pool), org.index))
    u = kernels.membership_utility(
        model,
        pool,
        np.full(len(pool), kernels.KIND_CODE[kind]),
        excellence * (b.societal_value_factor if societal else 1.0),
        plan.activity,
        float(n_expected),
        plan.unit_fee,
        np.full(len(pool), pol.in_kind_share_max > 0),
        np.full(len(pool), spearhead),
        others=others,
        relevance=np.where(f.domain[pool] == domain, 1.0, b.second_domain_relevance),
    )
    committed = pool[u > b.join_threshold]
    n = len(committed)
    sme_share = float(np.count_nonzero(f.is_sme[committed])) / n if n else 0.0
    capability = float(f.capability[committed].mean()) if n else 0.0
    vw, sw = b.valorisation_domain_weight, b.support_size_weight
    eligible = n >= min_members and sme_share >= pol.min_sme_share
    if spearhead:
        centres = [ki for ki in model.kis if ki.kind != "collective_centre"]
        eligible = eligible and any(domain in ki.domains for ki in centres)
    return Application(
        kind=kind,
        domain=domain,
        excellence=excellence,
        committed=committed,
        valorisation=vw * float(model.domain_strength[domain]) + (1.0 - vw) * capability,
        support=sw * min(1.0, n / (b.support_full_multiple * min_members)) + (1.0 - sw) * sme_share,
        org=org,
        eligible=eligible,
        societal=societal,
        sme_share=sme_share,
        niche=niche,
    )


@pytest.mark.parametrize("kind", [SPEARHEAD, IBN])
def test_applications_in_one_pass_are_the_applications_one_by_one(kind: str) -> None:
    m = ClusterPolicyModel(small(), rng=2)
    for _ in range(6):
        m.step()
    pol = m.p.policy
    min_members = pol.spearhead_min_members if kind == SPEARHEAD else pol.ibn_min_members
    orgs = [o for o in m.orgs if o.alive]
    assert any(len(o.members) for o in orgs), "some organisation has members"
    n_dom = m.p.population.n_domains
    candidates: list[tuple[int, float, ClusterOrganisation | None, float]] = [
        (o.domain, o.excellence, o, 0.4) for o in orgs
    ]
    candidates += [(d, 0.2 + 0.6 * d / n_dom, None, 0.1 + 0.8 * d / n_dom) for d in range(n_dom)]
    candidates.insert(3, (0, 0.5, None, 0.0))  # an empty pool
    stream = copy.deepcopy(m.streams["formation"])
    got = recognition.applications(m, kind, candidates, min_members)
    m.streams["formation"] = stream
    want = [one_application(m, kind, d, e, o, r, min_members) for d, e, o, r in candidates]
    assert len(got) == len(want) == len(candidates)
    assert any(len(a.committed) for a in want) and any(a.eligible for a in want)
    for a, b in zip(got, want, strict=True):
        assert np.array_equal(a.committed, b.committed) and a.committed.dtype == b.committed.dtype
        assert np.array_equal(a.niche, b.niche)
        for field in ("kind", "domain", "excellence", "valorisation", "support", "org", "eligible"):
            assert getattr(a, field) == getattr(b, field), field
        assert (a.societal, a.sme_share) == (b.societal, b.sme_share)


def test_no_candidates_no_applications_and_no_draws() -> None:
    m = ClusterPolicyModel(small(), rng=2)
    state = copy.deepcopy(m.streams["formation"].bit_generator.state)
    assert recognition.applications(m, SPEARHEAD, [], 5) == []
    assert m.streams["formation"].bit_generator.state == state


@pytest.mark.parametrize("kind", [SPEARHEAD, IBN])
def test_first_plan_is_the_plan_of_the_members_fee_weights(kind: str) -> None:
    m = ClusterPolicyModel(small(), rng=2)
    rng = np.random.default_rng(5)
    share = m.p.policy.operating_grant_share
    code = kernels.KIND_CODE[kind]
    for n in (0, 1, 9, 130, 700):
        rows = np.sort(rng.choice(m.firms.n, size=n, replace=False))
        weight = float(fee_weights(m, m.firms.is_sme[rows], code).sum())
        plan = plan_budget(m, kind, n, weight, share)
        got = recognition.first_plan(
            rows, m.firms.is_sme, kind == SPEARHEAD, code, share, *kind_terms(m), kernels.fee_rules(m)
        )
        assert got == (plan.target, plan.unit_fee, plan.activity), n


# kind, alive, recognised, domain of six organisations in three domains
KIND = np.array([SPEARHEAD_CODE, SPEARHEAD_CODE, IBN_CODE, LEGACY_CODE, LEGACY_CODE, SPEARHEAD_CODE], np.int8)
ALIVE = np.array([True, False, True, True, True, True])
RECOGNISED = np.array([True, True, False, False, True, False])
DOMAIN = np.array([0, 1, 1, 2, 1, 2], np.int32)


@pytest.mark.parametrize("version", ["compiled", "python"])
def test_the_active_spearheads_are_the_recognised_spearheads_that_exist(version: str) -> None:
    fn = recognition.spearhead_rows
    fn = fn if version == "compiled" else compiled.python_version(fn)
    # organisation 1 is dead, 5 not recognised, 4 a recognised legacy structure
    assert fn(6, KIND, ALIVE, RECOGNISED).tolist() == [0]
    assert fn(6, KIND, ALIVE, np.ones(6, dtype=bool)).tolist() == [0, 5]
    assert fn(6, KIND, np.ones(6, dtype=bool), RECOGNISED).tolist() == [0, 1]
    assert fn(0, KIND, ALIVE, RECOGNISED).tolist() == []


@pytest.mark.parametrize("version", ["compiled", "python"])
def test_new_consortia_start_where_the_draw_is_below_the_hazard_in_a_domain_not_busy(version: str) -> None:
    fn = recognition.new_consortia
    fn = fn if version == "compiled" else compiled.python_version(fn)
    u = np.array([0.1, 0.5, 0.3, 1.0, 0.2])
    weights = np.array([0.05, 0.2, 0.1, 0.4, 0.25])
    no_busy = np.zeros(5, dtype=bool)
    # hazards 0.1, 0.4, 0.2, 0.8 and 0.5: below them 2 and 4 (0.1 is not below 0.1)
    assert fn(u, 2.0, weights, no_busy).tolist() == [4]
    assert fn(u, 4.0, weights, no_busy).tolist() == [0, 1, 2, 4]  # hazard 1 at most: 1.0 is not below
    assert fn(u, 4.0, weights, np.array([False, True, False, False, True])).tolist() == [0, 2]
    assert fn(u, 0.0, weights, no_busy).tolist() == []


@pytest.mark.parametrize("version", ["compiled", "python"])
def test_the_organisations_that_may_aim_high_are_ibns_and_unrecognised_legacy_in_free_domains(
    version: str,
) -> None:
    fn = recognition.may_aim_high
    fn = fn if version == "compiled" else compiled.python_version(fn)
    no_busy = np.zeros(3, dtype=bool)
    # the IBN (recognised or not) and the legacy structure not recognised; no spearhead, no dead one
    assert fn(6, KIND, ALIVE, RECOGNISED, DOMAIN, no_busy).tolist() == [2, 3]
    assert fn(6, KIND, ALIVE, np.ones(6, dtype=bool), DOMAIN, no_busy).tolist() == [2]
    assert fn(6, KIND, ALIVE, RECOGNISED, DOMAIN, np.array([False, True, False])).tolist() == [3]
    assert fn(3, KIND, ALIVE, RECOGNISED, DOMAIN, no_busy).tolist() == [2]
    assert fn(6, KIND, np.zeros(6, dtype=bool), RECOGNISED, DOMAIN, no_busy).tolist() == []


def test_rolling_reads_the_organisations_as_their_agents_are() -> None:
    """Quarter by quarter, the org table's answers are those of the organisations' attributes."""
    m = ClusterPolicyModel(small(**{"policy.spearhead_recognition": "rolling"}), rng=2)
    n_dom = m.p.population.n_domains
    seen_spearhead = seen_free = False
    for _ in range(m.p.simulation.quarters):
        m.step()
        spearheads = [o for o in m.orgs if o.alive and o.kind == SPEARHEAD and o.recognised]
        assert recognition.active_spearheads(m).tolist() == [o.index for o in spearheads]
        spear = {o.domain for o in spearheads}
        got = recognition.spearhead_domains(m)
        assert set(np.flatnonzero(got).tolist()) == spear and len(got) == n_dom
        busy = np.zeros(n_dom, dtype=bool)
        busy[list(spear)] = True
        busy[[i.domain for i in m.initiatives]] = True
        busy[[q.initiative.domain for q in m.queue]] = True
        t = m.org_table
        free = [
            o.index
            for o in m.orgs
            if o.alive and (o.kind == IBN or (o.kind == LEGACY and not o.recognised)) and not busy[o.domain]
        ]
        assert recognition.may_aim_high(t.n, t.kind, t.alive, t.recognised, t.domain, busy).tolist() == free
        seen_spearhead |= bool(spear)
        seen_free |= bool(free)
    assert seen_spearhead and seen_free

"""Invariants checked every quarter: money is conserved, nobody's cash is negative, members belong
to existing organisations -- in every scenario and across the lever ranges."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import small
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterpolicy.inputs.scenario import available
from clusterpolicy.model import ClusterPolicyModel
from clusterpolicy.model.agents import SPEARHEAD
from clusterpolicy.model.metrics import OUTCOMES, REQUIRED_METRICS


def check_invariants(m: ClusterPolicyModel) -> None:
    f = m.firms
    a = m.agency
    ms = m.memberships
    # money conserved: every organisation's account is its opening cash plus what came in minus what went out
    for o in m.orgs:
        lg = o.ledger
        assert o.cash == pytest.approx(
            lg.opening_cash + lg.grants + lg.cash_fees - lg.spent - lg.refunded - lg.returned,
            rel=1e-9,
            abs=1e-3,
        )
    # what the agency paid in operating grants is what organisations received; what ended ones returned
    # is what the agency recovered
    assert a.paid_operating + a.paid_legacy == pytest.approx(sum(o.ledger.grants for o in m.orgs), abs=1e-3)
    assert a.recovered == pytest.approx(sum(o.ledger.returned for o in m.orgs), abs=1e-3)
    # project money: what the calls funded (from the pots' outcomes) = what the agency paid =
    # what firms and institutions received (VIS grants go to institutions, from their own budget)
    funded = m.counters.privileged_project_spend + m.counters.open_project_spend
    assert a.paid_projects == pytest.approx(funded, rel=1e-9, abs=1e-3)
    received = f.project_grants.sum() + sum(k.grants_received for k in m.kis)
    assert received == pytest.approx(funded + a.paid_vis, rel=1e-9, abs=1e-3)
    # what members paid is what organisations received
    assert m.counters.private_cash_cofinancing == pytest.approx(
        sum(o.ledger.cash_fees for o in m.orgs), rel=1e-9, abs=1e-3
    )
    # no negative cash, dues or subsidies
    assert (f.cash >= -1e-6).all()
    assert all(o.cash >= -1e-6 for o in m.orgs)
    assert (ms.dues >= 0).all() and (f.subsidy_project >= -1e-6).all() and (f.subsidy_eu >= -1e-6).all()
    # every membership is of an organisation that exists, once per pair, and in its niche
    assert all(m.orgs[j].alive for j in np.unique(ms.org))
    codes = (ms.firm << 24) | ms.org
    assert len(np.unique(codes)) == len(codes), "no duplicate memberships"
    assert all(o.niche[ms.firms_of(o.index)].all() for o in m.orgs if o.alive)
    # caps and shares
    spear = [o for o in m.orgs if o.alive and o.recognised and o.kind == SPEARHEAD]
    assert len(spear) <= m.p.policy.spearhead_cap
    assert len({o.domain for o in spear}) == len(spear)
    assert all(not o.supported or o.alive for o in m.orgs)
    assert all(0.0 <= o.activity <= 1.0 and 0.0 <= o.excellence <= 1.0 for o in m.orgs)


def run_checked(params, seed=1):
    m = ClusterPolicyModel(params, rng=seed)
    while m.running:
        m.step()
        check_invariants(m)
    return m


@pytest.mark.parametrize("name", available())
def test_every_scenario_runs_and_keeps_the_invariants(name):
    m = run_checked(small(name))
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == m.p.simulation.quarters
    assert set(REQUIRED_METRICS) <= set(df.columns)
    cumulative = [c for c in df.columns if OUTCOMES[c].kind == "cumulative"]
    assert (df[cumulative].diff().dropna() >= -1e-6).all().all(), "cumulative metrics never fall"


levers = st.fixed_dictionaries(
    {
        "policy.operating_grant_share": st.floats(0.0, 0.9),
        "policy.deposit_share": st.floats(0.0, 1.0),
        "policy.deposit_window_quarters": st.integers(1, 4),
        "policy.lapse_rule": st.sampled_from(["strict", "discretionary", "none"]),
        "policy.in_kind_share_max": st.floats(0.0, 0.9),
        "policy.support_path": st.sampled_from(["flat", "degressive"]),
        "policy.support_years_ibn": st.integers(0, 5),
        "policy.support_years_spearhead": st.integers(0, 12),
        "policy.privileged_share": st.floats(0.0, 1.0),
        "policy.privileged_mode": st.sampled_from(["reserve", "reserve_release", "bonus", "priority"]),
        "policy.spearhead_recognition": st.sampled_from(["rolling", "call"]),
        "policy.project_budget_growth": st.floats(-0.1, 0.2),
        "policy.operating_budget": st.floats(0.0, 2e7),
        "policy.spearhead_cap": st.integers(0, 8),
        "policy.selection": st.sampled_from(["jury", "fcfs", "lottery"]),
        "policy.evaluation_interval_years": st.integers(0, 3),
        "policy.ibn_to_spearhead": st.booleans(),
        "behaviour.subsidy_pass_through": st.floats(0.0, 2.0),
        "behaviour.sme_money_cost": st.floats(0.5, 10.0),
    }
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levers=levers, seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_across_the_lever_ranges(levers, seed):
    params = small(**levers, **{"population.n_firms": 600, "simulation.quarters": 12})
    run_checked(params, seed)

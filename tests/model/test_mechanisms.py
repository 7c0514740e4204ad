"""Every rule of the model, tested where it lives: each test fails if its rule is removed."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from helpers import final, run_model, small

from clusterpolicy.model import ClusterPolicyModel
from clusterpolicy.model.agents import IBN, NO_ORG, SPEARHEAD, ClusterOrganisation, Firm, KnowledgeInstitution
from clusterpolicy.model.kernels import KIND_CODE, fee_split, membership_utility


def _quarterly(m, metric):
    return m.datacollector.get_model_vars_dataframe()[metric].to_numpy()


# ---------------------------------------------------------------- 1. agents and population
def test_population_has_firms_institutions_and_legacy_structures(base_params):
    m = ClusterPolicyModel(base_params, rng=1)
    pop = base_params.population
    firms = list(m.agents_by_type[Firm])
    assert len(firms) == pop.n_firms == m.firms.n
    kis = list(m.agents_by_type[KnowledgeInstitution])
    assert len(kis) == pop.n_universities + pop.n_research_centres + pop.n_collective_centres
    assert sum(1 for o in m.orgs if o.history[0][1] == "legacy structure") == pop.n_legacy
    f = m.firms
    assert not (f.follower & ~f.is_sme).any(), "followers are SMEs"
    assert abs(f.is_sme.mean() - pop.sme_share) < 0.03
    assert f.base_rd.sum() == pytest.approx(pop.business_rd)
    top50 = np.sort(f.base_rd)[::-1][:50].sum() / f.base_rd.sum()
    assert 0.50 < top50 < 0.65, "top 50 firms hold about 57 % of business R&D"
    assert np.median(f.base_rd[~f.is_sme]) > 10 * np.median(f.base_rd[f.is_sme & ~f.follower])


def test_a_firm_agent_reads_and_writes_its_row(small_params):
    m = ClusterPolicyModel(small_params, rng=1)
    firm = next(iter(m.agents_by_type[Firm]))
    firm.cash = 1234.0
    assert m.firms.cash[firm.row] == 1234.0
    assert firm.size_class in ("sme", "large")
    assert firm.organisation is None or firm.organisation.index == firm.member_of


# ---------------------------------------------------------------- 2. formation and selection
def test_spearheads_never_exceed_the_cap_and_one_per_domain():
    for cap in (0, 2):
        m = run_model(small(**{"policy.spearhead_cap": cap}), seed=3)
        assert _quarterly(m, "spearheads_active").max() <= cap
        if cap == 0:
            assert final(m)["spearheads_recognised_total"] == 0
        domains = [o.domain for o in m.orgs if o.alive and o.recognised and o.kind == SPEARHEAD]
        assert len(domains) == len(set(domains))


def test_recognitions_happen_only_in_call_quarters(small_params):
    m = run_model(small_params, seed=2)
    for metric, calls in (
        ("spearheads_recognised_total", m.spearhead_calls),
        ("ibns_recognised_total", m.ibn_calls),
    ):
        series = _quarterly(m, metric)
        changed = {t for t in range(len(series)) if series[t] != (series[t - 1] if t else 0)}
        assert changed and changed <= calls


def test_jury_selects_better_clusters_than_a_lottery():
    quality = {}
    for mode in ("jury", "lottery"):
        q = [
            final(run_model(small(**{"policy.selection": mode}), seed=s))["mean_selected_quality"]
            for s in range(1, 7)
        ]
        quality[mode] = np.mean(q)
    assert quality["jury"] > quality["lottery"]


# ---------------------------------------------------------------- 3. membership
def _one_org_model(params, kind=IBN, supported=True):
    """A model just past its burn-in, with one fresh organisation in domain 0 and no other."""
    m = ClusterPolicyModel(params, rng=4)
    for o in m.orgs:
        m.leave(o.members)
        o.alive = False
    org = ClusterOrganisation(m, kind, 0, 0.9)
    org.recognised = org.supported = supported
    org.grant_annual = org.fixed_cost  # fully active from the start
    return m, org


def test_firms_join_when_benefits_are_high_and_not_when_fees_are():
    rich = small(**{"behaviour.service_value": 1e6, "behaviour.review_rate": 1.0})
    m, org = _one_org_model(rich)
    m.membership()
    in_domain = m.firms.domain == 0
    assert (m.firms.member_of[in_domain] == org.index).mean() > 0.9
    dear = small(
        **{"behaviour.fee_sme_ibn": 1e6, "behaviour.fee_large_ibn": 1e6, "behaviour.review_rate": 1.0}
    )
    m, org = _one_org_model(dear)
    m.membership()
    assert (m.firms.member_of == org.index).sum() == 0


def test_members_stay_at_least_min_stay_quarters_then_leave_when_it_no_longer_pays():
    p = small(**{"behaviour.review_rate": 1.0, "behaviour.min_stay_quarters": 4})
    m, org = _one_org_model(p)
    rows = np.flatnonzero(m.firms.domain == 0)
    m.join(rows, org)
    org.excellence = 0.0
    m.firms.taste[rows] = -1e7  # membership is now a clear loss for everyone
    m.membership()
    assert (m.firms.member_of[rows] == org.index).all(), "inertia: nobody leaves before min stay"
    m.firms.member_since[rows] -= 4
    m.membership()
    assert (m.firms.member_of[rows] == NO_ORG).all()


def test_smes_without_cash_cannot_join():
    p = small(**{"behaviour.service_value": 1e6, "behaviour.review_rate": 1.0})
    m, org = _one_org_model(p)
    m.firms.cash[m.firms.is_sme] = 0.0
    m.membership()
    joined = m.firms.member_of == org.index
    assert joined.any()
    assert not (joined & m.firms.is_sme).any()


def test_in_kind_contributions_count_up_to_the_allowed_share_and_cost_smes_less():
    p = small(**{"policy.in_kind_share_max": 0.5})
    m, _org = _one_org_model(p)
    m.policy_active = True
    sme = np.array([True, False])
    cash, time, credit = fee_split(m, sme, np.full(2, KIND_CODE[IBN]), np.ones(2), np.ones(2, bool))
    fee = p.behaviour.fee_sme_ibn
    assert cash[0] == pytest.approx(0.5 * fee) and credit[0] == pytest.approx(0.5 * fee)
    assert time[0] == pytest.approx(credit[0] / p.policy.in_kind_valuation)
    assert credit[1] == 0 and time[1] == 0 and cash[1] == p.behaviour.fee_large_ibn
    # the organisation may count in-kind credit up to half of its co-financing
    assert m._credit_cap(cash=100.0, credit=500.0) == pytest.approx(100.0)
    none = small(**{"policy.in_kind_share_max": 0.0})
    m0, _ = _one_org_model(none)
    assert m0._credit_cap(cash=100.0, credit=500.0) == 0.0
    # an SME that may pay half in kind is better off by the cash it saves less the time it gives
    row = np.flatnonzero(m.firms.is_sme)[:1]
    args = dict(
        kind=np.full(1, KIND_CODE[IBN]),
        excellence=np.ones(1),
        activity=np.ones(1),
        members=np.full(1, 50.0),
        fee_multiplier=np.ones(1),
        privileged=np.zeros(1, bool),
    )
    gain = membership_utility(m, row, in_kind_allowed=np.ones(1, bool), **args) - membership_utility(
        m, row, in_kind_allowed=np.zeros(1, bool), **args
    )
    b = p.behaviour
    assert gain[0] == pytest.approx(
        0.5 * fee * (b.sme_money_cost - b.sme_time_cost / p.policy.in_kind_valuation)
    )
    assert gain[0] > 0


def test_counting_in_kind_raises_sme_participation():
    rates = {}
    for share in (0.0, 0.5):
        p = small(**{"policy.in_kind_share_max": share})
        rates[share] = np.mean([final(run_model(p, seed=s))["sme_participation_rate"] for s in (1, 2, 3)])
    assert rates[0.5] > rates[0.0]


def test_spearhead_members_expect_privileged_money_in_proportion_to_rd():
    m, _org = _one_org_model(small(), kind=SPEARHEAD)
    m.policy_active = True
    m.privileged_per_rd = 0.05
    rows = np.array([0, 1])
    m.firms.own_rd[rows] = [1e6, 2e6]
    args = dict(
        kind=np.zeros(2, int),
        excellence=np.zeros(2),
        activity=np.zeros(2),
        members=np.zeros(2),
        fee_multiplier=np.ones(2),
        in_kind_allowed=np.zeros(2, bool),
    )
    with_access = membership_utility(m, rows, privileged=np.ones(2, bool), **args)
    without = membership_utility(m, rows, privileged=np.zeros(2, bool), **args)
    w = m.p.behaviour.project_access_weight
    assert with_access - without == pytest.approx(w * 0.05 * np.array([1e6, 2e6]))


# ---------------------------------------------------------------- 4. co-financing and the deposit rule
def _org_with_deposit_due(params, deposited_share):
    m, org = _one_org_model(params)
    m.policy_active = True
    rows = np.flatnonzero(m.firms.domain == 0)[:20]
    m.join(rows, org)
    m._start_project_year(org)
    org.year_cash_fees = deposited_share * org.member_money_plan
    return m, org


def test_a_cluster_that_misses_its_deposit_loses_its_grant():
    m, org = _org_with_deposit_due(small(), deposited_share=0.5)
    assert org.deposit_required == pytest.approx(0.8 * org.member_money_plan)
    assert org.deposit_deadline == m.t  # a one-quarter window
    m._check_deposit(org)
    assert org.lapsed and not org.supported and not org.recognised
    assert m.counters.grants_lapsed == 1
    m, org = _org_with_deposit_due(small(), deposited_share=0.85)
    m._check_deposit(org)
    assert org.supported and not org.lapsed


def test_discretionary_lapse_tolerates_small_shortfalls_only():
    p = small(**{"policy.lapse_rule": "discretionary", "policy.lapse_tolerance": 0.25})
    m, org = _org_with_deposit_due(p, deposited_share=0.7)  # 12.5 % short of the 80 % required
    m._check_deposit(org)
    assert org.supported
    m, org = _org_with_deposit_due(p, deposited_share=0.5)  # 37.5 % short
    m._check_deposit(org)
    assert org.lapsed


def test_deposit_window_sets_the_deadline():
    m, org = _org_with_deposit_due(small(**{"policy.deposit_window_quarters": 3}), 0.0)
    assert org.deposit_deadline == m.t + 2


def test_when_nobody_pays_grants_lapse_unless_the_rule_is_off():
    no_pay = {"behaviour.pay_probability_large": 0.0, "behaviour.pay_probability_sme": 0.0}
    m = run_model(small(**no_pay), seed=1)
    assert final(m)["grants_lapsed_total"] > 0
    m = run_model(small(**no_pay, **{"policy.lapse_rule": "none"}), seed=1)
    assert final(m)["grants_lapsed_total"] == 0


def test_members_who_leave_dues_unpaid_for_a_year_are_expelled():
    m, org = _one_org_model(small())
    rows = np.flatnonzero(m.firms.domain == 0)[:10]
    m.join(rows, org)
    m.firms.dues[rows[:3]] = 100.0
    m.firms.dues[rows[3:]] = 0.0
    m.t += 4  # next project year
    m._start_project_year(org)
    assert (m.firms.member_of[rows[:3]] == NO_ORG).all()
    assert (m.firms.member_of[rows[3:]] == org.index).all()


# ---------------------------------------------------------------- 5. operating grants, support path, sunset
def test_operating_grant_is_the_public_share_of_the_budget_capped_by_kind():
    m, org = _one_org_model(small(), kind=SPEARHEAD)
    m.policy_active = True
    org.recognised_at = m.t
    assert m._grant(org, 200_000) == pytest.approx(200_000)  # 50 % of a 400k budget
    assert m._grant(org, 2_000_000) == pytest.approx(500_000)  # capped
    org.kind = IBN
    assert m._grant(org, 2_000_000) == pytest.approx(150_000)
    org.supported = False
    assert m._grant(org, 200_000) == 0.0
    m.policy_active = False
    org.supported = True
    assert m._grant(org, 200_000) == 0.0


def test_degressive_support_lowers_the_share_year_by_year():
    m, org = _one_org_model(small(**{"policy.support_path": "degressive"}), kind=SPEARHEAD)
    org.recognised_at = m.t
    shares = []
    for _ in range(10):
        shares.append(m.grant_share(org))
        m.t += 4
    assert shares[0] == pytest.approx(0.5) and shares[-1] == pytest.approx(0.25)
    assert all(a > b for a, b in itertools.pairwise(shares))
    flat, org = _one_org_model(small(), kind=SPEARHEAD)
    org.recognised_at = flat.t
    flat.t += 20
    assert flat.grant_share(org) == 0.5


def test_sunset_ends_support_and_grants():
    p = small(**{"policy.support_years_ibn": 1})
    m = ClusterPolicyModel(p, rng=2)
    grants_after_sunset = {}
    while m.running:
        before = {o.index: o.ledger.grants for o in m.orgs}
        m.step()
        for o in m.orgs:
            if o.kind == IBN and o.support_until is not None and m.t - 1 >= o.support_until:
                grants_after_sunset[o.index] = grants_after_sunset.get(o.index, 0.0) + (
                    o.ledger.grants - before.get(o.index, 0.0)
                )
    assert grants_after_sunset, "some IBN reached its sunset within the run"
    assert all(v == 0.0 for v in grants_after_sunset.values()), "no operating grant after the sunset"
    ended = [o for o in m.orgs if o.index in grants_after_sunset and o.alive and not o.lapsed]
    assert ended and all(not o.supported and any("sunset" in e for _, e in o.history) for o in ended)


def test_the_first_year_after_the_sunset_is_planned_without_a_grant():
    m, org = _one_org_model(small())
    m.policy_active = True
    org.recognised_at = org.anchor = m.t - 4
    org.support_until = m.t  # support ends exactly at this project-year start
    rows = np.flatnonzero(m.firms.domain == 0)[:5]
    m.join(rows, org)
    m.firms.dues[rows] = 0.0
    m._start_project_year(org)
    assert not org.supported and org.grant_annual == 0.0
    assert org.deposit_deadline is None, "no deposit for a grant that has ended"
    assert org.fee_multiplier > 1.0, "unsupported from this year on: fees rise to cover costs"


def test_after_support_an_organisation_survives_only_if_members_pay_its_costs():
    m, org = _one_org_model(small())
    org.supported = False
    rows = np.flatnonzero(m.firms.domain == 0)[:3]
    m.join(rows, org)
    m.firms.dues[rows] = 0.0
    m._start_project_year(org)  # unviable once: fees are raised
    assert org.alive and org.fee_multiplier == m.p.behaviour.fee_multiplier_max
    m.firms.dues[rows] = 0.0
    m.t += 4
    m._start_project_year(org)  # unviable a second year: it dissolves
    assert not org.alive
    assert (m.firms.member_of[rows] == NO_ORG).all()
    # members whose money covers the costs keep it alive
    m, org = _one_org_model(small(**{"behaviour.org_fixed_cost_ibn": 1000.0}))
    org.supported = False
    m.join(rows, org)
    for _ in range(3):
        m.firms.dues[rows] = 0.0
        m._start_project_year(org)
        m.t += 4
    assert org.alive and org.unviable_years == 0


def test_an_unviable_organisation_merges_into_a_recognised_one_in_its_domain():
    m, org = _one_org_model(small())
    other = ClusterOrganisation(m, IBN, 0, 0.5)
    other.recognised = True
    rows = np.flatnonzero(m.firms.domain == 0)[:3]
    m.join(rows, org)
    m._end(org)
    assert org.merged_into == other.index
    assert (m.firms.member_of[rows] == other.index).all()


# ---------------------------------------------------------------- 6. projects
def test_no_privileged_budget_means_no_privileged_projects_and_no_crowding_out():
    f = final(run_model(small(**{"policy.privileged_share": 0.0}), seed=1))
    assert f["projects_privileged_funded_total"] == 0
    assert f["proposals_crowded_out_total"] == 0
    g = final(run_model(small(), seed=1))
    assert g["projects_privileged_funded_total"] > 0
    assert g["proposals_crowded_out_total"] > 0


def test_an_empty_envelope_funds_nothing():
    f = final(run_model(small(**{"policy.project_budget": 0.0}), seed=1))
    assert f["public_project_spend_total"] == 0
    assert f["projects_individual_funded_total"] == f["projects_privileged_funded_total"] == 0


def test_cluster_projects_need_the_private_match():
    p = small(**{"behaviour.min_proposal_quality": -5.0})
    m, org = _one_org_model(p, kind=SPEARHEAD)
    members = np.array([0, 1])
    m.firms.own_rd[members] = 1e6  # they can commit 0.5 x 2 years x 2m = 2m of private money
    rng = np.random.default_rng(0)
    seen = set()
    for mean_grant, match in ((1e5, 1.0), (2e7, 1.0), (2e7, 0.0), (1e5, 10.0), (1e6, 2.0)):
        m.p = p.replace(**{"policy.min_private_match": match})
        cons, request, _, eligible = m._consortia(org, members, 1, mean_grant, rng)
        assert eligible[0] == (match * request[0] <= 2e6)
        seen.add(eligible[0])
        assert set(cons[0].rows) == {0, 1} and cons[0].shares.sum() == pytest.approx(1.0)
    assert seen == {True, False}


def test_the_privileged_pot_is_never_overspent():
    p = small()
    m = ClusterPolicyModel(p, rng=5)
    pot = p.policy.privileged_share * p.policy.project_budget
    unspent_before = 0.0
    for _ in range(p.simulation.quarters):
        m.step()
        if m.quarter_of_year == p.policy.project_call_quarter:
            unspent = m.agency.privileged_unspent_total - unspent_before
            assert unspent >= -1e-6, "the privileged pot never pays out more than it holds"
            unspent_before = m.agency.privileged_unspent_total
    assert m.counters.privileged_project_spend <= 4 * pot + 1e-6


def test_knowledge_institutions_join_and_are_paid_only_when_they_partner():
    for prob, paid in ((0.0, False), (1.0, True)):
        m = run_model(small(**{"behaviour.ki_partner_prob": prob}), seed=1)
        assert (sum(k.grants_received for k in m.kis) > 0) == paid


# ---------------------------------------------------------------- 7. R&D and innovation
def test_subsidies_pass_through_to_rd():
    m = run_model(small(**{"behaviour.subsidy_pass_through": 0.4}), seed=1)
    f = m.firms
    assert f.subsidy_rate.sum() > 0
    expected = f.own_rd.sum() + 0.4 * f.subsidy_rate.sum()
    assert final(m)["business_rd"] == pytest.approx(expected)
    m0 = run_model(small(**{"behaviour.subsidy_pass_through": 0.0}), seed=1)
    assert final(m0)["business_rd"] == pytest.approx(m0.firms.own_rd.sum())


def test_subsidies_end_when_projects_end():
    m = ClusterPolicyModel(small(), rng=1)
    rows = np.array([0, 1])
    before = m.firms.subsidy_rate[rows].copy()
    m._add_subsidy(rows, np.array([800.0, 400.0]), quarters=8)
    assert m.firms.subsidy_rate[rows] - before == pytest.approx([400.0, 200.0])
    m.t += 8
    m.rd_innovation()
    assert m.firms.subsidy_rate[rows] == pytest.approx(np.maximum(before, 0))


def test_innovation_needs_rd_or_successful_projects():
    none = small(**{"behaviour.innovation_rate": 0.0, "behaviour.project_success_rate": 0.0})
    assert final(run_model(none, seed=1))["innovations_total"] == 0
    assert final(run_model(small(**{"behaviour.innovation_rate": 0.0}), seed=1))["innovations_total"] > 0
    assert final(run_model(small(**{"behaviour.project_success_rate": 0.0}), seed=1))["innovations_total"] > 0


def test_excellent_cluster_organisations_raise_members_eu_money():
    eu = {}
    for uplift in (0.0, 3.0):
        p = small(**{"behaviour.eu_excellence_uplift": uplift})
        eu[uplift] = np.mean([final(run_model(p, seed=s))["eu_funding_total"] for s in (1, 2)])
    assert eu[3.0] > 1.2 * eu[0.0]


def test_membership_builds_knowledge():
    k = {}
    for gain in (0.0, 0.5):
        m = run_model(small(**{"behaviour.knowledge_gain_membership": gain}), seed=1)
        members = m.firms.member_of != NO_ORG
        k[gain] = m.firms.knowledge[members].mean()
    assert k[0.5] > k[0.0] + 0.1


# ---------------------------------------------------------------- 8. evaluation, paths, no policy
def test_interim_evaluation_stops_support_below_the_threshold():
    strict = {"policy.evaluation_interval_years": 1, "policy.jury_noise": 0.0}
    m = run_model(small(**strict, **{"policy.evaluation_threshold": 1.0}), seed=2)
    evaluated = [
        o for o in m.orgs if o.kind == SPEARHEAD and o.recognised_at is not None and o.recognised_at <= 10
    ]
    assert evaluated and final(m)["clusters_stopped_evaluation_total"] > 0
    for o in evaluated:
        assert o.stopped_by_evaluation or o.lapsed or not o.alive
    for extra in ({"policy.evaluation_threshold": 0.0}, {"policy.evaluation_interval_years": 0}):
        m = run_model(small(**{**strict, "policy.evaluation_threshold": 1.0, **extra}), seed=2)
        assert final(m)["clusters_stopped_evaluation_total"] == 0


def test_ibns_become_spearheads_only_when_the_path_exists():
    easy = {"policy.spearhead_min_members": 15, "policy.spearhead_cap": 12, "behaviour.initiative_rate": 0.0}
    upgraded = {}
    for path in (False, True):
        p = small(**easy, **{"policy.ibn_to_spearhead": path, "simulation.quarters": 24})
        upgraded[path] = sum(final(run_model(p, seed=s))["ibns_upgraded_total"] for s in (1, 2, 3))
    assert upgraded[False] == 0 and upgraded[True] > 0


def test_without_the_policy_only_the_open_pot_remains():
    p = small("no_cluster_policy")
    m = run_model(p, seed=1)
    f = final(m)
    assert f["spearheads_recognised_total"] == f["ibns_recognised_total"] == 0
    assert f["projects_privileged_funded_total"] == f["projects_ibn_funded_total"] == 0
    assert m.agency.paid_operating == 0  # only legacy structures' transitional grants remain
    assert f["public_project_spend_total"] <= (1 - p.policy.privileged_share) * p.policy.project_budget * 4
    assert f["projects_individual_funded_total"] > 0

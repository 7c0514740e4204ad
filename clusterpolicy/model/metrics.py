"""Named model reporters, collected every quarter by Mesa's DataCollector.

Module-level functions (no lambdas), so that models and their reporters pickle. Money is in euros;
a name ending in ``_total`` is cumulative since the start of the recorded period, and nothing else is.
Shares of nothing (e.g. the SME share of members when there are no members) are NaN, not 0.

Every outcome is *declared* once in :data:`OUTCOMES` (name, label, unit, kind, group, meaning), the way
``params.py`` declares parameters (EMA Workbench's outcomes): reports, tables and figures read the
declarations and never guess a unit from a name.

What the reporters count and add up over the firms, memberships and organisations is computed in one
compiled pass a quarter (:func:`tally`, marked ``@compiled``, see :mod:`clusterpolicy.model.compiled`),
which adds in the order the plain definitions add: a NumPy sum in NumPy's pairwise order
(:func:`~clusterpolicy.model.kernels.pairwise_sum`), a Python ``sum`` of a list as Python adds it
(:func:`python_sum`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple, Union

import numpy as np
from mesa.datacollection import DataCollector

from clusterpolicy.model.agents import IBN, IBN_CODE, SPEARHEAD_CODE, SunsetRecord
from clusterpolicy.model.compiled import compiled
from clusterpolicy.model.kernels import gini, pairwise_sum
from clusterpolicy.model.phases.projects import envelope

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel

NAN = float("nan")


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else NAN


class Tally(NamedTuple):
    """What the outcomes count and add up in one quarter (:func:`tally`).

    Organisations ("recognised" means: recognised and alive; sums are Python's ``sum`` of the values in
    the order of ``model.orgs``, spearheads before IBNs where both are added):
        alive: organisations that exist.
        policy_alive: organisations ever recognised under the policy that exist.
        spearheads, ibns: recognised spearhead clusters, recognised IBNs.
        self_sustaining: see :func:`clusters_self_sustaining`.
        grants_planned: this project year's operating grants of the organisations that exist (EUR/yr).
        budgets_planned: their planned budgets, members' money plus grant (EUR/yr).
        spearhead_member_money, spearhead_grants: members' money and grants of the recognised
            spearheads' last project year, of those that had any (EUR).
        excellence: the recognised spearheads' and IBNs' excellence, added.
        spearhead_size_median, spearhead_size_max: members of the median and the largest recognised
            spearhead cluster (NaN without one).

    Memberships and firms (sums are NumPy's, in its pairwise order; "members" have a membership):
        memberships_spearhead: memberships of recognised spearheads.
        members, members_multi: firms with one membership or more, with two or more.
        members_sme, smes: SMEs that are members, all SMEs.
        members_eu: members with an EU-funded project running.
        spearhead_firms, spearhead_smes: firms (SMEs) that are members of a recognised spearhead.
        ibn_firms: firms that are members of a recognised IBN.
        own_rd_members, own_rd_others: own R&D of the members and of the other firms (EUR/yr).
        subsidies_members, subsidies_others: the subsidies (project plus EU) they spend on R&D (EUR/yr).
        own_rd, subsidies, subsidy_project, subsidy_eu: the same over all firms, and its two parts.
        innovations: innovations so far.
        followers, follower_knowledge: innovation followers, and their knowledge added.
        grants, grants_sme: project grants received so far by all firms, by SMEs (EUR).
        granted: the positive project grants so far, in firm order (EUR).
    """

    alive: int
    policy_alive: int
    spearheads: int
    ibns: int
    self_sustaining: int
    grants_planned: float
    budgets_planned: float
    spearhead_member_money: float
    spearhead_grants: float
    excellence: float
    spearhead_size_median: float
    spearhead_size_max: float
    memberships_spearhead: int
    members: int
    members_multi: int
    members_sme: int
    smes: int
    members_eu: int
    spearhead_firms: int
    spearhead_smes: int
    ibn_firms: int
    own_rd_members: float
    own_rd_others: float
    subsidies_members: float
    subsidies_others: float
    own_rd: float
    subsidies: float
    subsidy_project: float
    subsidy_eu: float
    innovations: int
    followers: int
    follower_knowledge: float
    grants: float
    grants_sme: float
    granted: np.ndarray


@compiled
def python_sum(values: np.ndarray, n: int) -> float:
    """``sum(values[:n].tolist())``: Python's ``sum`` of floats, which compensates (Neumaier) since 3.12.

    Python adds each number to a running total and keeps, in a second number, what that addition
    rounded off; the second is added to the total at the end if it is finite and not zero. The first
    number is added to the integer 0 (so -0.0 becomes 0.0); no numbers give 0.
    """
    if n == 0:
        return 0.0
    total = 0.0 + values[0]
    comp = 0.0
    for i in range(1, n):
        x = values[i]
        t = total + x
        if abs(total) >= abs(x):
            comp += (total - t) + x
        else:
            comp += (x - t) + total
        total = t
    if comp != 0.0 and comp - comp == 0.0:  # non-zero and finite
        total += comp
    return total


@compiled
def tally(
    n_orgs: int,
    alive: np.ndarray,
    recognised: np.ndarray,
    kind: np.ndarray,
    ever_recognised: np.ndarray,
    supported: np.ndarray,
    activity: np.ndarray,
    excellence: np.ndarray,
    grant_annual: np.ndarray,
    member_money_plan: np.ndarray,
    year_grants: np.ndarray,
    last_year_grants: np.ndarray,
    last_year_member_money: np.ndarray,
    ms_firm: np.ndarray,
    ms_org: np.ndarray,
    is_sme: np.ndarray,
    follower: np.ndarray,
    own_rd: np.ndarray,
    subsidy_project: np.ndarray,
    subsidy_eu: np.ndarray,
    knowledge: np.ndarray,
    project_grants: np.ndarray,
    innovations: np.ndarray,
) -> Tally:
    """The :class:`Tally` of one quarter, in one pass over organisations, memberships and firms.

    Reads organisation columns of ``OrgTable`` (their first ``n_orgs`` rows), the membership table's
    ``firm`` and ``org``, and firm columns of ``FirmTable``.
    """
    # organisations: 1 recognised spearhead, 2 recognised IBN, 0 any other
    group = np.zeros(n_orgs, dtype=np.int8)
    grants = np.empty(n_orgs)
    budgets = np.empty(n_orgs)
    money = np.empty(n_orgs)
    paid = np.empty(n_orgs)
    exc = np.empty(n_orgs)
    n_alive = n_policy = n_spear = n_ibn = n_sustaining = n_paid = 0
    for j in range(n_orgs):
        if not alive[j]:
            continue
        grants[n_alive] = grant_annual[j]
        budgets[n_alive] = member_money_plan[j] + grant_annual[j]
        n_alive += 1
        if ever_recognised[j]:
            n_policy += 1
            if not supported[j] and activity[j] >= 1.0 and last_year_grants[j] == 0 and year_grants[j] == 0:
                n_sustaining += 1
        if recognised[j] and kind[j] == SPEARHEAD_CODE:
            group[j] = 1
            exc[n_spear] = excellence[j]
            n_spear += 1
            if last_year_member_money[j] + last_year_grants[j] > 0:
                money[n_paid] = last_year_member_money[j]
                paid[n_paid] = last_year_grants[j]
                n_paid += 1
        elif recognised[j] and kind[j] == IBN_CODE:
            group[j] = 2
            n_ibn += 1
    k = n_spear
    for j in range(n_orgs):  # the IBNs' excellence after the spearheads'
        if group[j] == 2:
            exc[k] = excellence[j]
            k += 1

    # memberships
    n_firms = len(is_sme)
    per_firm = np.zeros(n_firms, dtype=np.int64)
    member = np.zeros(n_firms, dtype=np.bool_)
    per_org = np.zeros(n_orgs, dtype=np.int64)
    in_group = np.zeros(n_firms, dtype=np.int8)  # bit 1: in a recognised spearhead, bit 2: in an IBN
    n_ms_spear = 0
    for r in range(len(ms_firm)):
        i, j = ms_firm[r], ms_org[r]
        per_firm[i] += 1
        member[i] = True
        per_org[j] += 1
        if group[j] == 1:
            n_ms_spear += 1
            in_group[i] |= 1
        elif group[j] == 2:
            in_group[i] |= 2
    sizes = np.empty(n_spear, dtype=np.int64)
    k = 0
    for j in range(n_orgs):
        if group[j] == 1:
            sizes[k] = per_org[j]
            k += 1
    median = largest = np.nan
    if n_spear > 0:
        sizes = np.sort(sizes)
        mid = n_spear // 2
        median = float(sizes[mid]) if n_spear % 2 else (sizes[mid - 1] + sizes[mid]) / 2
        largest = float(sizes[n_spear - 1])

    # firms: first what is only counted, in a loop without stores that depend on earlier firms (so
    # that the processor overlaps firms). Then the values each sum adds, in firm order, written without
    # branches (a firm's value goes to the next position of the list it may belong to, and only if it
    # belongs does the list's count move on, so that the next firm of the list writes over it
    # otherwise), because which firms belong is too irregular for the processor to guess. A firm that
    # is not a member goes to the next position of the non-members' lists: its own position less the
    # members before it.
    sub_all = np.empty(n_firms)
    n_multi = n_mem_sme = n_eu = n_sp = n_sp_sme = n_ib = n_innov = 0
    for i in range(n_firms):
        sub_all[i] = subsidy_project[i] + subsidy_eu[i]
        mem, sme = int(member[i]), int(is_sme[i])
        sp, ib = int(in_group[i] & 1), int(in_group[i] >> 1)
        n_multi += int(per_firm[i] > 1)
        n_mem_sme += mem & sme
        n_eu += mem & int(subsidy_eu[i] > 0)
        n_sp += sp
        n_sp_sme += sp & sme
        n_ib += ib
        n_innov += innovations[i]
    own_mem, own_non = np.empty(n_firms), np.empty(n_firms)  # own R&D of the members, the others
    sub_mem, sub_non = np.empty(n_firms), np.empty(n_firms)  # their subsidies
    know, sme_grants, granted = np.empty(n_firms), np.empty(n_firms), np.empty(n_firms)
    n_mem = n_sme = n_fol = n_pos = 0
    for i in range(n_firms):
        grant, own, sub = project_grants[i], own_rd[i], sub_all[i]
        own_mem[n_mem], sub_mem[n_mem] = own, sub
        own_non[i - n_mem], sub_non[i - n_mem] = own, sub
        n_mem += int(member[i])
        sme_grants[n_sme] = grant
        n_sme += int(is_sme[i])
        know[n_fol] = knowledge[i]
        n_fol += int(follower[i])
        granted[n_pos] = grant
        n_pos += int(grant > 0)
    n_non = n_firms - n_mem
    return Tally(
        n_alive,
        n_policy,
        n_spear,
        n_ibn,
        n_sustaining,
        python_sum(grants, n_alive),
        python_sum(budgets, n_alive),
        python_sum(money, n_paid),
        python_sum(paid, n_paid),
        python_sum(exc, n_spear + n_ibn),
        median,
        largest,
        n_ms_spear,
        n_mem,
        n_multi,
        n_mem_sme,
        n_sme,
        n_eu,
        n_sp,
        n_sp_sme,
        n_ib,
        pairwise_sum(own_mem[:n_mem]),
        pairwise_sum(own_non[:n_non]),
        pairwise_sum(sub_mem[:n_mem]),
        pairwise_sum(sub_non[:n_non]),
        pairwise_sum(own_rd),
        pairwise_sum(sub_all),
        pairwise_sum(subsidy_project),
        pairwise_sum(subsidy_eu),
        n_innov,
        n_fol,
        pairwise_sum(know[:n_fol]),
        pairwise_sum(project_grants),
        pairwise_sum(sme_grants[:n_sme]),
        granted[:n_pos],
    )


class Observation:
    """The model as the outcomes see it in one quarter: what several of them share, computed once.

    :class:`OutcomeCollector` makes one per quarter and passes it to every reporter, so that the
    quarter's :class:`Tally` is computed once, by one call of :func:`tally`; a reporter called on the
    model itself makes its own. The model's attributes that reporters read are taken when the
    observation is made; any other attribute is read from the model.
    """

    def __init__(self, model: ClusterPolicyModel):
        self.model = model
        self.p = model.p
        self.t = model.t
        self.counters = model.counters
        self.agency = model.agency
        self.firms = model.firms
        self.memberships = model.memberships
        self.past_sunset = model.past_sunset

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    @cached_property
    def tally(self) -> Tally:
        """The counts and sums of this quarter (:func:`tally`)."""
        t, ms, f = self.model.org_table, self.memberships, self.firms
        return tally(
            t.n,
            t.alive,
            t.recognised,
            t.kind,
            t.ever_recognised,
            t.supported,
            t.activity,
            t.excellence,
            t.grant_annual,
            t.member_money_plan,
            t.year_grants,
            t.last_year_grants,
            t.last_year_member_money,
            ms.firm,
            ms.org,
            f.is_sme,
            f.follower,
            f.own_rd,
            f.subsidy_project,
            f.subsidy_eu,
            f.knowledge,
            f.project_grants,
            f.innovations,
        )

    @cached_property
    def business_rd(self) -> float:
        """Business R&D (EUR/yr): own R&D plus passed-through subsidies."""
        s = self.tally
        return float(s.own_rd + self.p.behaviour.subsidy_pass_through * s.subsidies)

    @cached_property
    def rd_intensity(self) -> float:
        """Total R&D (business + public, the public part growing with GDP) over GDP."""
        pop = self.p.population
        public = pop.public_rd_share / (1.0 - pop.public_rd_share) * self.model.business_rd_start
        g = gdp(self)
        return (self.business_rd + public * g / pop.gdp) / g

    @cached_property
    def business_rd_nonmembers(self) -> float:
        """Business R&D of the firms that are not members (EUR/yr)."""
        s = self.tally
        return float(s.own_rd_others + self.p.behaviour.subsidy_pass_through * s.subsidies_others)

    @cached_property
    def sunset_followed(self) -> dict[int, list[SunsetRecord]]:
        """The sunset records followed for 4 and for 8 quarters (by lag), in the order of ``model.orgs``."""
        orgs = sorted(self.past_sunset, key=attrgetter("index"))
        records = [r for o in orgs if (r := o.sunset) is not None]
        return {lag: [r for r in records if lag in r.followup] for lag in (4, 8)}


Observed = Union["ClusterPolicyModel", Observation]


def observe(m: Observed) -> Observation:
    """``m`` if it is an observation already, else a new observation of the model ``m``."""
    return m if isinstance(m, Observation) else Observation(m)


class OutcomeCollector(DataCollector):
    """Mesa's DataCollector of the declared outcomes, collected in one pass.

    Every reporter of a quarter reads the same :class:`Observation`, and its value is stored as it is:
    reporters return plain numbers, so the deep copy Mesa makes of each value is not needed.
    ``model_vars`` and ``get_model_vars_dataframe()`` are Mesa's.
    """

    def collect(self, model: ClusterPolicyModel) -> None:
        """Record every outcome of the current quarter."""
        self._collection_steps.append(model.time)
        obs = Observation(model)
        for name, reporter in self.model_reporters.items():
            self.model_vars[name].append(reporter(obs))


# ---------------------------------------------------------------- participation
def members(m: Observed) -> int:
    """Firms that are members of at least one cluster organisation (each firm counted once)."""
    return int(observe(m).tally.members)


def memberships(m: Observed) -> int:
    """Memberships of cluster organisations (a firm in two organisations counts twice)."""
    return len(m.memberships)


def members_multi_share(m: Observed) -> float:
    """Share of member firms that are members of more than one organisation."""
    s = observe(m).tally
    return _ratio(float(s.members_multi), float(s.members))


def members_sme(m: Observed) -> int:
    """SMEs that are members of at least one cluster organisation."""
    return int(observe(m).tally.members_sme)


def sme_member_share(m: Observed) -> float:
    """Share of SMEs among member firms (of any organisation)."""
    return _ratio(members_sme(m), members(m))


def sme_participation_rate(m: Observed) -> float:
    """Share of all SMEs that are a member of some cluster organisation."""
    return _ratio(members_sme(m), float(observe(m).tally.smes))


def members_spearhead(m: Observed) -> int:
    """Firms that are members of a recognised spearhead cluster (each firm counted once)."""
    return int(observe(m).tally.spearhead_firms)


def memberships_spearhead(m: Observed) -> int:
    """Memberships of recognised spearhead clusters (a firm in two spearheads counts twice)."""
    return int(observe(m).tally.memberships_spearhead)


def members_ibn(m: Observed) -> int:
    """Firms that are members of a recognised innovative business network (each firm counted once)."""
    return int(observe(m).tally.ibn_firms)


def sme_share_spearhead_members(m: Observed) -> float:
    """Share of SMEs among the member firms of recognised spearhead clusters."""
    s = observe(m).tally
    return _ratio(float(s.spearhead_smes), int(s.spearhead_firms))


def members_in_eu_projects(m: Observed) -> int:
    """Member firms with an EU-funded project running (their international activity)."""
    return int(observe(m).tally.members_eu)


def members_expelled_total(m: Observed) -> int:
    """Memberships ended for leaving a year's dues unpaid."""
    return m.counters.members_expelled


# ---------------------------------------------------------------- organisations
def spearheads_active(m: Observed) -> int:
    """Recognised spearhead clusters that exist."""
    return int(observe(m).tally.spearheads)


def ibns_active(m: Observed) -> int:
    """Recognised innovative business networks that exist."""
    return int(observe(m).tally.ibns)


def organisations_alive(m: Observed) -> int:
    """Cluster organisations of any kind that exist (incl. legacy structures)."""
    return int(observe(m).tally.alive)


def cluster_orgs_alive(m: Observed) -> int:
    """Organisations ever recognised under the policy (spearheads, IBNs) that exist, supported or not."""
    return int(observe(m).tally.policy_alive)


def spearhead_size_median(m: Observed) -> float:
    """Median number of members of the recognised spearhead clusters."""
    return float(observe(m).tally.spearhead_size_median)


def spearhead_size_max(m: Observed) -> float:
    """Members of the largest recognised spearhead cluster."""
    return float(observe(m).tally.spearhead_size_max)


def spearheads_recognised_total(m: Observed) -> int:
    """Spearhead recognitions so far (incl. IBNs that became spearheads)."""
    return m.counters.spearheads_recognised


def ibns_recognised_total(m: Observed) -> int:
    """IBN recognitions so far."""
    return m.counters.ibns_recognised


def ibns_upgraded_total(m: Observed) -> int:
    """IBNs that became spearhead clusters."""
    return m.counters.ibns_upgraded


def ibns_alive_after_support(m: Observed) -> int:
    """IBNs whose three (``support_years_ibn``) years of support are over and that still exist."""
    return len([o for o in m.past_sunset if o.alive and o.kind == IBN])


def grants_lapsed_total(m: Observed) -> int:
    """Operating grants that lapsed because the deposit was short."""
    return m.counters.grants_lapsed


def clusters_stopped_evaluation_total(m: Observed) -> int:
    """Spearhead clusters whose support stopped at an interim evaluation."""
    return m.counters.clusters_stopped_evaluation


def clusters_dissolved_total(m: Observed) -> int:
    """Organisations that ended because they could not run (their members were free to go elsewhere)."""
    return m.counters.clusters_dissolved


def clusters_self_sustaining(m: Observed) -> int:
    """Organisations that run their full planned activity on members' money alone.

    Counted: organisations recognised under the policy, alive, without an operating grant in this and
    the last project year, whose members' money covers their whole planned budget.
    """
    return int(observe(m).tally.self_sustaining)


def _past_sunset(m: Observed, lag: int) -> list:
    """The sunset records followed for ``lag`` quarters, in the order of ``model.orgs``.

    The reporters below add lists made by comprehensions, which Python runs inline, rather than
    generators, each of which is a frame of its own; the values and their order are the same.
    """
    return observe(m).sunset_followed[lag]


def orgs_past_sunset_total(m: Observed) -> int:
    """Organisations whose support ended by the sunset clause so far."""
    return len(m.past_sunset)


def sunset_survival_1y(m: Observed) -> float:
    """Share of the organisations past the sunset for a year or more that were alive a year after it."""
    recs = _past_sunset(m, 4)
    return _ratio(sum([r.followup[4][0] for r in recs]), len(recs))


def sunset_survival_2y(m: Observed) -> float:
    """Share of the organisations past the sunset for two years or more that were alive two years after."""
    recs = _past_sunset(m, 8)
    return _ratio(sum([r.followup[8][0] for r in recs]), len(recs))


def sunset_members_retained_1y(m: Observed) -> float:
    """Members a year after support ended by the sunset, over members when it ended (same organisations)."""
    recs = _past_sunset(m, 4)
    return _ratio(sum([r.followup[4][1] for r in recs]), sum([r.members for r in recs]))


def sunset_members_retained_2y(m: Observed) -> float:
    """Members two years after support ended by the sunset, over members when it ended."""
    recs = _past_sunset(m, 8)
    return _ratio(sum([r.followup[8][1] for r in recs]), sum([r.members for r in recs]))


def sunset_budget_replaced_1y(m: Observed) -> float:
    """Members' money a year after the sunset over the budget of the last supported year.

    The share of the budget that members carry without public money.
    """
    recs = _past_sunset(m, 4)
    return _ratio(sum([r.followup[4][2] for r in recs]), sum([r.budget for r in recs]))


def mean_selected_quality(m: Observed) -> float:
    """Mean noise-free quality of the applications recognised so far (jury vs fcfs vs lottery)."""
    c = m.counters
    return _ratio(c.selected_quality_sum, c.selected_count)


def mean_excellence(m: Observed) -> float:
    """Mean excellence of the recognised spearhead clusters and IBNs."""
    s = observe(m).tally
    return _ratio(float(s.excellence), int(s.spearheads + s.ibns))


# ---------------------------------------------------------------- money
def public_share_cluster_budgets(m: Observed) -> float:
    """Public share of the planned budgets of all existing organisations this project year."""
    s = observe(m).tally  # a budget is ClusterOrganisation.budget_plan: members' money plus grant
    return _ratio(float(s.grants_planned), float(s.budgets_planned))


def self_financing_spearheads(m: Observed) -> float:
    """Share of the recognised spearhead organisations' budgets (last project year) that members paid."""
    s = observe(m).tally
    money = float(s.spearhead_member_money)
    return _ratio(money, money + float(s.spearhead_grants))


def public_operating_spend_total(m: Observed) -> float:
    """Operating grants paid to cluster organisations, incl. transitional grants to legacy ones."""
    return m.agency.paid_operating + m.agency.paid_legacy


def public_per_member_year(m: Observed) -> float:
    """Operating grants so far per member-year of the organisations recognised under the policy.

    Member-years count whether the organisation was supported or not, so an organisation that lives on
    after its support lowers the figure, and one that needs support for ever raises it.
    """
    return _ratio(m.agency.paid_operating, m.counters.member_quarters_policy / 4.0)


def public_project_spend_total(m: Observed) -> float:
    """Project grants paid (every pot)."""
    return m.agency.paid_projects


def privileged_project_spend_total(m: Observed) -> float:
    """Project grants paid through the privilege.

    The reserved pot, the priority tranche, or any funded spearhead project under the bonus rule.
    """
    return m.counters.privileged_project_spend


def cluster_project_spend_total(m: Observed) -> float:
    """Project grants paid to spearhead-cluster projects, from any pot."""
    return m.counters.cluster_project_spend


def reserved_idle_total(m: Observed) -> float:
    """Reserved project money that no spearhead project used and that was not released (``reserve``)."""
    return m.agency.reserved_idle


def reserved_idle(m: Observed) -> float:
    """Reserved project money left idle in the last project call (EUR/yr)."""
    return m.agency.reserved_idle_last_call


def reserved_released_total(m: Observed) -> float:
    """Reserved money the spearhead projects left and that went to the open pot (``reserve_release``)."""
    return m.counters.reserved_released


def project_envelope(m: Observed) -> float:
    """This year's project envelope (privileged and open together)."""
    return envelope(observe(m).model)


def public_vis_spend_total(m: Observed) -> float:
    """Grants paid to VIS trajectories."""
    return m.agency.paid_vis


def public_money_recovered_total(m: Observed) -> float:
    """Unspent grant money returned to the agency by organisations that ended."""
    return m.agency.recovered


def private_cofinancing_total(m: Observed) -> float:
    """Members' co-financing of cluster organisations: cash fees plus credited in-kind contributions."""
    c = m.counters
    return c.private_cash_cofinancing + c.private_in_kind_cofinancing


def private_cash_cofinancing_total(m: Observed) -> float:
    """Members' cash fees paid to cluster organisations."""
    return m.counters.private_cash_cofinancing


def private_project_match_total(m: Observed) -> float:
    """Private money committed to funded projects.

    An individual project's cost less its grant; a consortium's ``min_private_match`` per public euro (the
    least the rule requires; consortium costs are not modelled, so that part is a lower bound).
    """
    return m.counters.private_project_match


def eu_funding_total(m: Observed) -> float:
    """EU grants won by firms."""
    return m.counters.eu_funding


def eu_funding_members_total(m: Observed) -> float:
    """EU grants won by firms that were members of a cluster organisation when they won."""
    return m.counters.eu_funding_members


def funding_gini(m: Observed) -> float:
    """Gini coefficient of project grants among the firms that received any."""
    return gini(observe(m).tally.granted)


# ---------------------------------------------------------------- projects
def projects_privileged_funded_total(m: Observed) -> int:
    """Spearhead-cluster projects funded through the privilege."""
    return m.counters.projects_privileged_funded


def projects_cluster_open_funded_total(m: Observed) -> int:
    """Spearhead-cluster projects funded in open competition."""
    return m.counters.projects_cluster_open_funded


def projects_individual_funded_total(m: Observed) -> int:
    """Individual firm projects funded."""
    return m.counters.projects_individual_funded


def projects_ibn_funded_total(m: Observed) -> int:
    """IBN projects funded."""
    return m.counters.projects_ibn_funded


def proposals_rejected_budget_total(m: Observed) -> int:
    """Eligible proposals rejected for lack of money."""
    return m.counters.proposals_rejected_budget


def proposals_crowded_out_total(m: Observed) -> int:
    """Individual and IBN proposals rejected that one merged pot of the same envelope would have funded."""
    return m.counters.proposals_crowded_out


def sme_share_project_funding(m: Observed) -> float:
    """Share of firms' project grants so far that went to SMEs."""
    s = observe(m).tally
    return _ratio(float(s.grants_sme), float(s.grants))


def firms_funded_last_call(m: Observed) -> int:
    """Firms whose individual project was funded in the last project call (the regular company grants)."""
    return m.firms_funded_last_call


def vis_projects_total(m: Observed) -> int:
    """VIS projects funded."""
    return m.counters.vis_projects


def sme_project_participations_total(m: Observed) -> int:
    """Participations of SMEs in funded projects of every kind, VIS included."""
    return m.counters.sme_participations


def follower_project_participations_total(m: Observed) -> int:
    """Participations of innovation followers in funded projects of every kind, VIS included."""
    return m.counters.follower_participations


# ---------------------------------------------------------------- R&D and innovation
def business_rd(m: Observed) -> float:
    """Business R&D expenditure (EUR/yr): own R&D plus passed-through subsidies."""
    return observe(m).business_rd


def business_rd_own(m: Observed) -> float:
    """Business R&D from firms' own money (EUR/yr), incl. what knowledge adds to it."""
    return float(observe(m).tally.own_rd)


def business_rd_project_subsidy(m: Observed) -> float:
    """Business R&D from regional project grants (EUR/yr): pass-through x project subsidies."""
    return float(m.p.behaviour.subsidy_pass_through * observe(m).tally.subsidy_project)


def business_rd_eu(m: Observed) -> float:
    """Business R&D from EU grants (EUR/yr): pass-through x EU subsidies."""
    return float(m.p.behaviour.subsidy_pass_through * observe(m).tally.subsidy_eu)


def business_rd_nonmembers(m: Observed) -> float:
    """Business R&D of firms that are not members of any cluster organisation (EUR/yr)."""
    return observe(m).business_rd_nonmembers


def rd_per_member_firm(m: Observed) -> float:
    """Mean business R&D of a member firm (EUR/yr)."""
    s = observe(m).tally
    rd = s.own_rd_members + m.p.behaviour.subsidy_pass_through * s.subsidies_members
    return _ratio(float(rd), s.members)


def rd_per_nonmember_firm(m: Observed) -> float:
    """Mean business R&D of a firm that is not a member (EUR/yr)."""
    obs = observe(m)
    return _ratio(obs.business_rd_nonmembers, obs.firms.n - int(obs.tally.members))


def gdp(m: Observed) -> float:
    """Regional GDP (EUR/yr), growing at ``gdp_growth``."""
    pop = m.p.population
    return pop.gdp * (1.0 + pop.gdp_growth) ** (m.t / 4.0)


def rd_intensity(m: Observed) -> float:
    """Total R&D (business + public, the public part growing with GDP) over GDP."""
    return observe(m).rd_intensity


def rd_gap_to_norm(m: Observed) -> float:
    """R&D intensity minus the norm (``population.rd_norm``, 3 % of GDP): negative means short of it."""
    return rd_intensity(m) - m.p.population.rd_norm


def innovations_total(m: Observed) -> int:
    """Innovations by firms since the start."""
    return int(observe(m).tally.innovations)


def innovations_sme_total(m: Observed) -> int:
    """Innovations by SMEs since the start."""
    return m.counters.innovations_sme


def innovations_follower_total(m: Observed) -> int:
    """Innovations by innovation followers since the start."""
    return m.counters.innovations_follower


def knowledge_followers(m: Observed) -> float:
    """Mean knowledge stock of the innovation followers."""
    s = observe(m).tally
    return _ratio(float(s.follower_knowledge), float(s.followers))


def collaboration_links(m: Observed) -> int:
    """Distinct pairs (firm-firm, firm-institution) that have worked together in a funded project."""
    return len(m.links)


KINDS = ("level", "cumulative")
UNITS = {
    "firms": "firms",
    "memberships": "memberships (a firm in two organisations counts twice)",
    "organisations": "organisations",
    "projects": "projects",
    "proposals": "proposals",
    "innovations": "innovations",
    "links": "pairs of partners",
    "EUR": "euro (cumulative money)",
    "EUR/yr": "euro per year",
    "EUR/member-yr": "euro per member and year",
    "share": "share in [0, 1] (shown as %; differences in percentage points)",
    "index": "dimensionless index",
    "score": "score on a 0-1 scale",
}
GROUPS = ("participation", "clusters", "projects", "money", "innovation")


@dataclass(frozen=True)
class Outcome:
    """The declaration of one outcome (EMA Workbench's ``ScalarOutcome``/``TimeSeriesOutcome``).

    Attributes:
        name: identifier, as in result tables; ends in ``_total`` exactly when ``kind`` is cumulative.
        label: short label for tables, legends and axes (English; translations live in the output layer).
        unit: one of :data:`UNITS`.
        kind: ``level`` (the value now) or ``cumulative`` (summed since the recorded period began).
        group: one of :data:`GROUPS`, for reports.
        headline: shown first in reports and the explorer.
        reporter: the module-level function the DataCollector calls.
    """

    name: str
    label: str
    unit: str
    kind: str
    group: str
    headline: bool
    reporter: Callable[[Any], float | int]

    @property
    def description(self) -> str:
        """One-line meaning (the first line of the reporter's docstring)."""
        return (self.reporter.__doc__ or self.name).strip().splitlines()[0].rstrip(".")


def _declare(*rows: tuple[Callable[[Any], float | int], str, str, str, str, bool]) -> dict[str, Outcome]:
    out = {}
    for fn, label, unit, kind, group, headline in rows:
        name = fn.__name__
        if unit not in UNITS or kind not in KINDS or group not in GROUPS:
            raise ValueError(f"bad declaration of outcome {name}")
        if name.endswith("_total") != (kind == "cumulative"):
            raise ValueError(f"outcome {name}: '_total' must mean cumulative and nothing else")
        out[name] = Outcome(name, label, unit, kind, group, headline, fn)
    return out


OUTCOMES: dict[str, Outcome] = _declare(
    (members, "members (firms)", "firms", "level", "participation", True),
    (memberships, "memberships", "memberships", "level", "participation", False),
    (members_multi_share, "members in several organisations", "share", "level", "participation", False),
    (members_sme, "SME members", "firms", "level", "participation", False),
    (sme_member_share, "SME share of members", "share", "level", "participation", True),
    (
        sme_participation_rate,
        "SMEs in a cluster (share of all SMEs)",
        "share",
        "level",
        "participation",
        True,
    ),
    (members_spearhead, "members of spearhead clusters", "firms", "level", "participation", False),
    (
        memberships_spearhead,
        "memberships of spearhead clusters",
        "memberships",
        "level",
        "participation",
        False,
    ),
    (members_ibn, "members of IBNs", "firms", "level", "participation", False),
    (sme_share_spearhead_members, "SME share of spearhead members", "share", "level", "participation", False),
    (members_in_eu_projects, "members in EU projects", "firms", "level", "participation", False),
    (
        members_expelled_total,
        "memberships ended for unpaid dues",
        "memberships",
        "cumulative",
        "participation",
        False,
    ),
    (spearheads_active, "spearhead clusters active", "organisations", "level", "clusters", True),
    (ibns_active, "IBNs active", "organisations", "level", "clusters", True),
    (organisations_alive, "cluster organisations alive", "organisations", "level", "clusters", False),
    (
        cluster_orgs_alive,
        "organisations recognised under the policy, alive",
        "organisations",
        "level",
        "clusters",
        False,
    ),
    (spearhead_size_median, "members of the median spearhead", "firms", "level", "clusters", False),
    (spearhead_size_max, "members of the largest spearhead", "firms", "level", "clusters", False),
    (spearheads_recognised_total, "spearhead recognitions", "organisations", "cumulative", "clusters", False),
    (ibns_recognised_total, "IBN recognitions", "organisations", "cumulative", "clusters", False),
    (ibns_upgraded_total, "IBNs that became spearheads", "organisations", "cumulative", "clusters", False),
    (ibns_alive_after_support, "IBNs alive after their support", "organisations", "level", "clusters", False),
    (grants_lapsed_total, "grants lapsed on the deposit", "organisations", "cumulative", "clusters", True),
    (
        clusters_stopped_evaluation_total,
        "stopped at evaluation",
        "organisations",
        "cumulative",
        "clusters",
        False,
    ),
    (clusters_dissolved_total, "organisations ended", "organisations", "cumulative", "clusters", False),
    (clusters_self_sustaining, "self-sustaining organisations", "organisations", "level", "clusters", False),
    (
        orgs_past_sunset_total,
        "organisations past the sunset",
        "organisations",
        "cumulative",
        "clusters",
        False,
    ),
    (sunset_survival_1y, "alive a year after the sunset", "share", "level", "clusters", False),
    (sunset_survival_2y, "alive two years after the sunset", "share", "level", "clusters", False),
    (sunset_members_retained_1y, "members kept a year after the sunset", "share", "level", "clusters", False),
    (
        sunset_members_retained_2y,
        "members kept two years after the sunset",
        "share",
        "level",
        "clusters",
        False,
    ),
    (
        sunset_budget_replaced_1y,
        "budget members carry a year after the sunset",
        "share",
        "level",
        "clusters",
        False,
    ),
    (mean_selected_quality, "quality of recognised clusters", "score", "level", "clusters", False),
    (mean_excellence, "excellence of recognised organisations", "score", "level", "clusters", False),
    (public_share_cluster_budgets, "public share of cluster budgets", "share", "level", "money", False),
    (
        self_financing_spearheads,
        "self-financing of spearhead organisations",
        "share",
        "level",
        "money",
        False,
    ),
    (public_operating_spend_total, "operating grants paid", "EUR", "cumulative", "money", True),
    (public_per_member_year, "operating grants per member-year", "EUR/member-yr", "level", "money", False),
    (public_project_spend_total, "project grants paid", "EUR", "cumulative", "money", True),
    (privileged_project_spend_total, "privileged project money paid", "EUR", "cumulative", "money", False),
    (cluster_project_spend_total, "project money to spearhead projects", "EUR", "cumulative", "money", False),
    (reserved_idle_total, "reserved money left idle", "EUR", "cumulative", "money", False),
    (reserved_idle, "reserved money left idle in the last call", "EUR/yr", "level", "money", False),
    (reserved_released_total, "reserved money released to the open pot", "EUR", "cumulative", "money", False),
    (project_envelope, "project envelope", "EUR/yr", "level", "money", False),
    (public_vis_spend_total, "VIS grants paid", "EUR", "cumulative", "money", False),
    (
        public_money_recovered_total,
        "grant money returned by ended organisations",
        "EUR",
        "cumulative",
        "money",
        False,
    ),
    (private_cofinancing_total, "members' co-financing", "EUR", "cumulative", "money", True),
    (private_cash_cofinancing_total, "members' cash co-financing", "EUR", "cumulative", "money", False),
    (private_project_match_total, "private match on projects", "EUR", "cumulative", "money", False),
    (eu_funding_total, "EU money won", "EUR", "cumulative", "money", False),
    (eu_funding_members_total, "EU money won by members", "EUR", "cumulative", "money", False),
    (funding_gini, "concentration of project money (Gini, 0 = equal)", "index", "level", "money", False),
    (
        projects_privileged_funded_total,
        "privileged projects funded",
        "projects",
        "cumulative",
        "projects",
        True,
    ),
    (
        projects_cluster_open_funded_total,
        "spearhead projects funded in open competition",
        "projects",
        "cumulative",
        "projects",
        False,
    ),
    (
        projects_individual_funded_total,
        "individual firm projects funded",
        "projects",
        "cumulative",
        "projects",
        True,
    ),
    (projects_ibn_funded_total, "IBN projects funded", "projects", "cumulative", "projects", False),
    (
        proposals_rejected_budget_total,
        "proposals rejected for budget",
        "proposals",
        "cumulative",
        "projects",
        False,
    ),
    (proposals_crowded_out_total, "proposals crowded out", "proposals", "cumulative", "projects", True),
    (sme_share_project_funding, "SME share of project money", "share", "level", "projects", False),
    (
        firms_funded_last_call,
        "firms with a company grant in the last call",
        "firms",
        "level",
        "projects",
        False,
    ),
    (vis_projects_total, "VIS projects funded", "projects", "cumulative", "projects", False),
    (
        sme_project_participations_total,
        "SME participations in funded projects",
        "projects",
        "cumulative",
        "projects",
        False,
    ),
    (
        follower_project_participations_total,
        "follower participations in funded projects",
        "projects",
        "cumulative",
        "projects",
        False,
    ),
    (business_rd, "business R&D", "EUR/yr", "level", "innovation", True),
    (business_rd_own, "business R&D from firms' own money", "EUR/yr", "level", "innovation", False),
    (business_rd_project_subsidy, "business R&D from project grants", "EUR/yr", "level", "innovation", False),
    (business_rd_eu, "business R&D from EU grants", "EUR/yr", "level", "innovation", False),
    (business_rd_nonmembers, "business R&D of non-members", "EUR/yr", "level", "innovation", False),
    (rd_per_member_firm, "R&D per member firm", "EUR/yr", "level", "innovation", False),
    (rd_per_nonmember_firm, "R&D per non-member firm", "EUR/yr", "level", "innovation", False),
    (gdp, "GDP", "EUR/yr", "level", "innovation", False),
    (rd_intensity, "R&D intensity (share of GDP)", "share", "level", "innovation", True),
    (rd_gap_to_norm, "R&D intensity minus the 3 % norm", "share", "level", "innovation", False),
    (innovations_total, "innovations", "innovations", "cumulative", "innovation", False),
    (innovations_sme_total, "innovations by SMEs", "innovations", "cumulative", "innovation", False),
    (
        innovations_follower_total,
        "innovations by followers",
        "innovations",
        "cumulative",
        "innovation",
        False,
    ),
    (knowledge_followers, "followers' knowledge", "index", "level", "innovation", False),
    (collaboration_links, "collaboration links", "links", "level", "innovation", False),
)

REPORTERS = {name: o.reporter for name, o in OUTCOMES.items()}

# Names that earlier versions used, still readable (e.g. by validation targets).
RENAMED = {"members_total": "members", "privileged_unspent_total": "reserved_idle_total"}

REQUIRED_METRICS = (
    "members",
    "members_sme",
    "sme_member_share",
    "sme_participation_rate",
    "spearheads_active",
    "ibns_active",
    "spearheads_recognised_total",
    "ibns_recognised_total",
    "grants_lapsed_total",
    "clusters_stopped_evaluation_total",
    "clusters_self_sustaining",
    "public_share_cluster_budgets",
    "projects_privileged_funded_total",
    "projects_individual_funded_total",
    "projects_ibn_funded_total",
    "proposals_rejected_budget_total",
    "proposals_crowded_out_total",
    "public_operating_spend_total",
    "public_project_spend_total",
    "private_cofinancing_total",
    "eu_funding_total",
    "funding_gini",
    "sme_share_project_funding",
    "business_rd",
    "rd_intensity",
    "innovations_total",
    "collaboration_links",
)

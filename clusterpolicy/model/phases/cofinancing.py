"""Phase 4, co-financing: project years start, members pay, deposits are checked, organisations end.

At the start of each of its project years (the anniversaries of its agreement) an organisation:

1. ends its support if the sunset falls now (so the year is planned without the grant);
2. expels members that left last year's dues unpaid;
3. moves its excellence towards what its experience and last year's activity allow;
4. plans the year (:func:`plan_year`): a budget at full activity from its core cost and members, the
   grant (the public share of the budget, capped), and the fees that raise the rest by size class; what
   fees cannot raise (they are capped) is cut from its activity. Below its core cost for
   ``unviable_years_max`` years in a row, it ends (:func:`end_organisation`);
5. sets every member's fee and dues for the year; and, if it holds a recognition under the policy,
   must deposit ``deposit_share`` of the year's cash co-financing within ``deposit_window_quarters``.

Each quarter members pay outstanding dues when they have the cash (large firms with probability
``pay_probability_large`` a quarter, SMEs with ``pay_probability_sme``; a firm with several memberships
pays them in the order it joined, while its cash lasts), a quarter of the planned in-kind credit is
credited, and at the deadline a deposit short of what is required makes the grant lapse (``lapse_rule``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from clusterpolicy.model import kernels
from clusterpolicy.model.agents import (
    IBN,
    LEGACY,
    NEVER,
    SPEARHEAD,
    ClusterOrganisation,
    SunsetRecord,
    core_cost_of,
)
from clusterpolicy.model.phases.membership import in_kind_allowed

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel


@dataclass(frozen=True)
class YearPlan:
    """An organisation's plan for a project year (EUR/yr).

    Attributes:
        target: the budget at full activity (core cost + cost per member x members).
        unit_fee: the fee of an SME member; a large member pays the fee ratio times it.
        member_money: what the fees raise (cash and credited in-kind).
        grant: the operating grant.
        activity: budget raised over budget planned, in [0, 1].
    """

    target: float
    unit_fee: float
    member_money: float
    grant: float
    activity: float

    @property
    def budget(self) -> float:
        """Member money plus grant."""
        return self.member_money + self.grant


def cost_per_member(model: ClusterPolicyModel, kind: str) -> float:
    """What an organisation of ``kind`` plans to spend per member and year (EUR/yr)."""
    b = model.p.behaviour
    return {
        SPEARHEAD: b.org_cost_per_member_spearhead,
        IBN: b.org_cost_per_member_ibn,
        LEGACY: b.org_cost_per_member_legacy,
    }[kind]


def fee_cap_unit(model: ClusterPolicyModel, kind: str) -> float:
    """The highest unit fee (an SME's fee): the kind's highest large-member fee over its fee ratio."""
    b = model.p.behaviour
    if kind == SPEARHEAD:
        return b.fee_max_large_spearhead / b.fee_ratio_large_spearhead
    return b.fee_max_large_ibn / b.fee_ratio_large_ibn


def grant_share(model: ClusterPolicyModel, org: ClusterOrganisation) -> float:
    """Public share of the budget in the organisation's current support year (flat or degressive)."""
    pol = model.p.policy
    share = pol.operating_grant_share
    if pol.support_path == "degressive" and org.recognised_at is not None:
        years = pol.support_years_spearhead if org.kind == SPEARHEAD else pol.support_years_ibn
        y = (model.t - org.recognised_at) // 4
        if years > 1:
            share *= 1.0 - (1.0 - pol.degressive_final_factor) * min(y, years - 1) / (years - 1)
    return share


def grant_cap(model: ClusterPolicyModel, kind: str) -> float:
    """The yearly cap on the operating grant of an organisation of ``kind`` (EUR/yr).

    For a legacy structure, the cap on its transitional grant.
    """
    pol = model.p.policy
    return {
        SPEARHEAD: pol.operating_grant_cap_spearhead,
        IBN: pol.operating_grant_cap_ibn,
        LEGACY: pol.legacy_grant,
    }[kind]


def core_cost(model: ClusterPolicyModel, kind: str) -> float:
    """Smallest yearly budget on which an organisation of ``kind`` can run at all (EUR/yr)."""
    return core_cost_of(model.p.behaviour, kind)


def plan_budget(
    model: ClusterPolicyModel, kind: str, n_members: int, weight: float, share: float
) -> YearPlan:
    """The budget, grant and fees of a project year with ``n_members`` members of total fee weight ``weight``.

    The budget at full activity is the kind's core cost plus its cost per member. The grant pays
    ``share`` of that budget (0 without support), up to the kind's cap (:func:`grant_cap`). Members'
    fees raise the rest in proportion to their fee weight (:func:`kernels.fee_weight`), up to the kind's
    highest fee. The grant is then the public share of what is actually raised (``share / (1 - share)``
    x member money, capped): members bring at least the rest, as the rule of co-financing says. What is
    not raised is cut from the organisation's activity.
    """
    target = core_cost(model, kind) + cost_per_member(model, kind) * n_members
    cap = grant_cap(model, kind)
    need = max(target - min(share * target, cap), 0.0)
    unit = min(need / weight, fee_cap_unit(model, kind)) if weight > 0 else 0.0
    money = unit * weight
    grant = min(share / (1.0 - share) * money, cap)
    activity = min(1.0, (money + grant) / target) if target > 0 else 1.0
    return YearPlan(target=target, unit_fee=unit, member_money=money, grant=grant, activity=activity)


def plan_year(model: ClusterPolicyModel, org: ClusterOrganisation, n_members: int, weight: float) -> YearPlan:
    """This project year's plan for ``org``: :func:`plan_budget` at its grant share now.

    The share is the policy's (flat or degressive) for a supported spearhead or IBN while the policy is in
    force, ``legacy_grant_share`` for a legacy structure during its transitional support, and 0 otherwise.
    """
    if not org.supported:
        share = 0.0
    elif org.kind == LEGACY:
        share = model.p.policy.legacy_grant_share
    else:
        share = grant_share(model, org) if model.policy_active else 0.0
    return plan_budget(model, org.kind, n_members, weight, share)


def run(model: ClusterPolicyModel) -> None:
    """Project-year starts, dues, in-kind credit and deposits (see the module docstring)."""
    f = model.firms
    u = model.streams["payments"].random(f.n)
    t = model.org_table
    starting = np.flatnonzero(t.alive[: t.n] & ((model.t - t.anchor[: t.n]) % 4 == 0))
    if len(starting):
        # in the order of the organisations; the memberships that end are removed once, after all of
        # them (each organisation's year depends on its own memberships only)
        ms = model.memberships
        drop = np.zeros(len(ms), dtype=bool)
        by_org = np.argsort(ms.org, kind="stable")
        bounds = np.searchsorted(ms.org[by_org], np.stack((starting, starting + 1)))
        idx = [by_org[lo:hi] for lo, hi in zip(bounds[0], bounds[1], strict=True)]
        start_project_years(model, starting, idx, drop)
        ms.remove(drop)
    ms = model.memberships
    n_org = len(model.orgs)
    paid = np.zeros(n_org)
    if len(ms):
        pays = ms.dues > 0
        pays &= u[ms.firm] < model.pay_probability[ms.firm]
        pays &= paying_in_order(ms.firm, np.where(pays, ms.dues, 0.0), f.cash)
        rows = np.flatnonzero(pays)
        amounts = ms.dues[rows].copy()
        f.cash -= np.bincount(ms.firm[rows], weights=amounts, minlength=f.n)
        np.maximum(f.cash, 0.0, out=f.cash)
        ms.dues_paid_year[rows] += amounts
        ms.dues[rows] = 0.0
        paid = np.bincount(ms.org[rows], weights=amounts, minlength=n_org)
        credit = np.bincount(ms.org, weights=ms.fee_credit, minlength=n_org) / 4.0
    else:
        credit = np.zeros(n_org)
    c = model.counters
    alive = np.flatnonzero(t.alive[: t.n])
    cash = paid[alive]
    in_kind = np.minimum(credit[alive], t.credit_plan[alive] / 4.0)
    t.cash[alive] += cash
    t.ledger_cash_fees[alive] += cash
    t.ledger_in_kind[alive] += in_kind
    t.year_cash_fees[alive] += cash
    t.year_member_money[alive] += cash + in_kind
    c.private_cash_cofinancing = kernels.add_in_order(c.private_cash_cofinancing, cash)
    c.private_in_kind_cofinancing = kernels.add_in_order(c.private_in_kind_cofinancing, in_kind)
    for j in alive[t.deposit_deadline[alive] == model.t]:
        check_deposit(model, model.orgs[int(j)])


def paying_in_order(firm: np.ndarray, dues: np.ndarray, cash: np.ndarray) -> np.ndarray:
    """Which memberships a firm pays: in the order it joined them, while its cash lasts.

    ``firm`` and ``dues`` are per membership (in table order, which is the order of joining); ``cash``
    per firm. A firm whose cash covers all its dues pays them all; otherwise it pays its memberships in
    order while the running total of their dues stays within its cash.
    """
    total = np.bincount(firm, weights=dues, minlength=len(cash))
    ok = total[firm] <= cash[firm] + 1e-9
    short = np.flatnonzero(~ok & (dues > 0))
    if len(short):
        order = short[np.lexsort((short, firm[short]))]
        fs = firm[order]
        cum = np.cumsum(dues[order])
        start = np.searchsorted(fs, fs, side="left")
        within = cum - np.concatenate(([0.0], cum))[start]
        ok[order] = within <= cash[fs] + 1e-9
    return ok


def start_project_year(
    model: ClusterPolicyModel,
    org: ClusterOrganisation,
    idx: np.ndarray | None = None,
    drop: np.ndarray | None = None,
) -> None:
    """Steps 1-5 of the module docstring for one organisation (:func:`start_project_years`).

    ``idx``: its membership rows (in table order), if the caller has them; ``drop``: a mask over the
    membership table in which the memberships that end are marked, for the caller to remove (by
    default they are removed at once).
    """
    ms = model.memberships
    rows = ms.of_org(org.index) if idx is None else idx
    mask = np.zeros(len(ms), dtype=bool) if drop is None else drop
    start_project_years(model, np.array([org.index]), [rows], mask)
    if drop is None:
        ms.remove(mask)


def start_project_years(
    model: ClusterPolicyModel, orgs: np.ndarray, idx: list[np.ndarray], drop: np.ndarray
) -> None:
    """Steps 1-5 of the module docstring for the organisations ``orgs`` (indices, in their order).

    ``idx[i]``: the membership rows of ``orgs[i]`` (in table order); the memberships that end are marked
    in ``drop`` (a mask over the membership table) for the caller to remove. Each organisation's year
    depends on its own state and memberships only, so the steps are taken for all of them at once; the
    sums over an organisation's members are each taken alone (as NumPy sums them), and the organisations
    that end do so in their order.
    """
    pol, b = model.p.policy, model.p.behaviour
    f = model.firms
    ms = model.memberships
    t = model.org_table
    objs = [model.orgs[int(j)] for j in orgs]
    for org in objs:
        sunset(model, org)
    rows_all = np.concatenate(idx) if idx else np.empty(0, dtype=np.int64)
    seg = np.repeat(np.arange(len(orgs)), [len(i) for i in idx])
    # members that left last year's dues unpaid are expelled (not in the first year of an agreement)
    old = model.t > t.anchor[orgs]
    unpaid = old[seg] & (ms.dues[rows_all] > 0)
    model.counters.members_expelled += int(np.count_nonzero(unpaid))
    drop[rows_all[unpaid]] = True
    rows_all, seg = rows_all[~unpaid], seg[~unpaid]
    for org, moved in zip(objs, old, strict=True):
        if moved:
            update_excellence(model, org)
    t.last_year_grants[orgs] = t.year_grants[orgs]
    t.year_grants[orgs] = 0.0
    t.last_year_member_money[orgs] = t.year_member_money[orgs]
    t.year_member_money[orgs] = 0.0
    t.year_cash_fees[orgs] = 0.0
    t.deposit_deadline[orgs] = NEVER
    for org in objs:
        org.reserves_at_year_start = org.cash
    firms = ms.firm[rows_all]
    sme = f.is_sme[firms]
    code = t.kind[orgs].astype(np.int64)
    weight_all = kernels.fee_weight(model, sme, code[seg])
    ends = np.cumsum(np.bincount(seg, minlength=len(orgs)))
    starts = ends - np.bincount(seg, minlength=len(orgs))
    going = np.ones(len(orgs), dtype=bool)
    unit = np.zeros(len(orgs))
    for i, org in enumerate(objs):
        a, z = int(starts[i]), int(ends[i])
        plan = plan_year(model, org, z - a, float(weight_all[a:z].sum()))
        if plan.budget >= org.core_cost:
            org.unviable_years = 0
        else:
            org.unviable_years += 1
            if org.unviable_years >= b.unviable_years_max:
                end_organisation(model, org, rows_all[a:z], drop)
                going[i] = False
                continue
        org.budget_target = plan.target
        org.unit_fee = unit[i] = plan.unit_fee
        org.activity = plan.activity
        org.grant_annual = plan.grant
    on = going[seg]
    rows, seg_on = rows_all[on], seg[on]
    allowed = np.array([in_kind_allowed(model, org) for org in objs], dtype=bool)
    cash, time, credit = kernels.fee_split(model, sme[on], code[seg_on], unit[seg_on], allowed[seg_on])
    ms.fee_cash[rows] = cash
    ms.fee_credit[rows] = credit
    ms.fee_time[rows] = time
    ms.dues[rows] = cash
    ms.dues_paid_year[rows] = 0.0
    ends = np.cumsum(np.bincount(seg_on, minlength=len(orgs)))
    starts = ends - np.bincount(seg_on, minlength=len(orgs))
    for k in np.flatnonzero(going):
        org = objs[k]
        a, z = int(starts[k]), int(ends[k])
        org.cash_plan = float(cash[a:z].sum())
        org.credit_plan = float(credit[a:z].sum())
        org.member_money_plan = org.cash_plan + org.credit_plan
        if (
            model.policy_active
            and org.recognised
            and org.supported
            and org.kind != LEGACY
            and pol.lapse_rule != "none"
        ):
            org.deposit_required = pol.deposit_share * org.cash_plan
            org.deposit_deadline = model.t + pol.deposit_window_quarters - 1


def update_excellence(model: ClusterPolicyModel, org: ClusterOrganisation) -> None:
    """Excellence moves towards what experience and last year's activity allow.

    Attainable excellence = initial excellence + ``excellence_gain_max`` x (1 - exp(-age /
    ``excellence_learning_years``)) x last year's activity (the share of its planned management and
    services the organisation could fund); each year the organisation closes ``excellence_adjust`` of the
    gap. A well-funded organisation learns; one that cuts its activity loses some of what it learnt.
    """
    b = model.p.behaviour
    age = (model.t - org.created_at) / 4.0
    learnt = 1.0 - np.exp(-age / b.excellence_learning_years)
    attainable = min(1.0, org.excellence_base + b.excellence_gain_max * learnt * org.activity)
    org.excellence += b.excellence_adjust * (attainable - org.excellence)


def sunset(model: ClusterPolicyModel, org: ClusterOrganisation) -> None:
    """End support at ``support_until``, and start following what becomes of the organisation.

    The sunset clause; for legacy structures, the end of their transitional support (not followed).
    """
    if org.supported and org.support_until is not None and model.t >= org.support_until:
        last_budget = org.budget_plan  # the last supported year's budget, grant included
        org.supported = False
        org.grant_annual = 0.0
        org.note("support ended (sunset)")
        if org.kind != LEGACY and model.policy_active:
            n = int(np.count_nonzero(model.memberships.org == org.index))
            org.sunset = SunsetRecord(ended=model.t, members=n, budget=last_budget, followup={})


def check_deposit(model: ClusterPolicyModel, org: ClusterOrganisation) -> None:
    """At the deadline: a deposit short of the requirement makes the grant lapse (``lapse_rule``)."""
    pol = model.p.policy
    deposited = org.reserves_at_year_start + org.year_cash_fees
    short = deposited < org.deposit_required - 1e-6
    if pol.lapse_rule == "discretionary":
        short = deposited < (1.0 - pol.lapse_tolerance) * org.deposit_required - 1e-6
    org.deposit_deadline = None
    if short:
        org.recognised = False
        org.supported = False
        org.lapsed = True
        org.grant_annual = 0.0
        model.counters.grants_lapsed += 1
        org.note("grant lapsed: deposit short")


def end_organisation(
    model: ClusterPolicyModel,
    org: ClusterOrganisation,
    idx: np.ndarray | None = None,
    drop: np.ndarray | None = None,
) -> None:
    """An organisation that cannot run ends; its members decide for themselves; its cash is paid out.

    Every membership ends and each former member reviews its memberships in the next quarter (it may
    join another organisation of its domain, or none). The remaining cash is split in proportion to what
    the organisation received in the project year that has just ended (it ends at the start of a project
    year, when ``last_year_grants`` holds that year's grants and ``dues_paid_year`` still holds the dues
    paid in it): the public part (grants) goes back to the agency, the members' part (cash dues) back to
    the members in proportion to what each paid; if nobody paid, all of it goes to the agency. Money is
    conserved. ``idx`` and ``drop`` as in :func:`start_project_year`.
    """
    ms = model.memberships
    if idx is None:
        idx = ms.of_org(org.index)
    firms = ms.firm[idx]
    paid = ms.dues_paid_year[idx]
    cash = org.cash
    public = org.last_year_grants
    private = float(paid.sum())
    to_members = cash * private / (public + private) if public + private > 0 else 0.0
    to_members = to_members if private > 0 else 0.0
    if to_members > 0:
        model.firms.cash += np.bincount(firms, weights=to_members * paid / private, minlength=model.firms.n)
    to_agency = cash - to_members
    model.agency.recovered += to_agency
    org.ledger.refunded += to_members
    org.ledger.returned += to_agency
    org.cash = 0.0
    if drop is None:
        mask = np.zeros(len(ms), dtype=bool)
        mask[idx] = True
        ms.remove(mask)
    else:
        drop[idx] = True
    model.firms.must_review[firms] = True
    org.alive = org.recognised = org.supported = False
    org.grant_annual = org.member_money_plan = org.cash_plan = org.credit_plan = 0.0
    org.activity = 0.0
    org.deposit_deadline = None
    org.ended_at = model.t
    model.counters.clusters_dissolved += 1
    org.note(f"ended: {to_members:,.0f} EUR refunded to members, {to_agency:,.0f} EUR to the agency")

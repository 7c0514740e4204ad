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
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from clusterpolicy.model import kernels
from clusterpolicy.model.agents import (
    IBN,
    KIND_CODE,
    KINDS,
    LEGACY,
    LEGACY_CODE,
    NEVER,
    SPEARHEAD,
    SPEARHEAD_CODE,
    ClusterOrganisation,
    SunsetRecord,
    core_cost_of,
)
from clusterpolicy.model.compiled import compiled

#: EUR: rounding slack when a sum of dues is compared with a firm's cash (numerical, not behaviour)
CASH_SLACK = 1e-9
#: EUR: rounding slack when a deposit is compared with the deposit required (numerical, not behaviour)
DEPOSIT_SLACK = 1e-6


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


class ShareRules(NamedTuple):
    """The terms of the public share of a budget (:func:`share_of`), from the policy now."""

    active: bool  # the policy is in force
    share: float  # operating_grant_share
    degressive: bool  # support_path == "degressive"
    final_factor: float  # degressive_final_factor
    years_spearhead: int  # support_years_spearhead
    years_ibn: int  # support_years_ibn
    legacy_share: float  # legacy_grant_share


def share_rules(model: ClusterPolicyModel) -> ShareRules:
    """The :class:`ShareRules` of ``model`` now."""
    pol = model.p.policy
    return ShareRules(
        model.policy_active,
        pol.operating_grant_share,
        pol.support_path == "degressive",
        pol.degressive_final_factor,
        pol.support_years_spearhead,
        pol.support_years_ibn,
        pol.legacy_grant_share,
    )


def grant_share(model: ClusterPolicyModel, org: ClusterOrganisation) -> float:
    """Public share of the budget in the organisation's current support year (flat or degressive)."""
    t = model.org_table
    code, recognised_at = int(t.kind[org.index]), int(t.recognised_at[org.index])
    return float(grant_share_of(code, recognised_at, model.t, share_rules(model)))


@compiled
def grant_share_of(code: int, recognised_at: int, now: int, rules: ShareRules) -> float:
    """:func:`grant_share` of an organisation of kind code ``code`` recognised in ``recognised_at``.

    The share is ``operating_grant_share``; on the degressive path it falls linearly from it in the
    first support year to ``degressive_final_factor`` times it in the last (``recognised_at``
    :data:`NEVER`: not recognised, the flat share).
    """
    share = rules.share
    if rules.degressive and recognised_at != NEVER:
        years = rules.years_spearhead if code == SPEARHEAD_CODE else rules.years_ibn
        y = (now - recognised_at) // 4
        if years > 1:
            share *= 1.0 - (1.0 - rules.final_factor) * min(y, years - 1) / (years - 1)
    return share


@compiled
def share_of(supported: bool, code: int, recognised_at: int, now: int, rules: ShareRules) -> float:
    """:func:`year_share` of an organisation (its support, kind code and quarter of recognition)."""
    if not supported:
        return 0.0
    if code == LEGACY_CODE:
        return rules.legacy_share
    return grant_share_of(code, recognised_at, now, rules) if rules.active else 0.0


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


def kind_terms(model: ClusterPolicyModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Core cost, cost per member, grant cap and highest unit fee of each kind (index = kind code)."""
    terms = np.array(
        [
            [core_cost(model, k) for k in KINDS],
            [cost_per_member(model, k) for k in KINDS],
            [grant_cap(model, k) for k in KINDS],
            [fee_cap_unit(model, k) for k in KINDS],
        ],
        dtype=float,
    )
    return terms[0], terms[1], terms[2], terms[3]


def plan_budget(
    model: ClusterPolicyModel, kind: str, n_members: int, weight: float, share: float
) -> YearPlan:
    """The budget, grant and fees of a project year with ``n_members`` members of total fee weight ``weight``.

    The budget at full activity is the kind's core cost plus its cost per member. The grant pays
    ``share`` of that budget (0 without support), up to the kind's cap (:func:`grant_cap`). Members'
    fees raise the rest in proportion to their fee weight (:func:`kernels.fee_weight_of`), up to the kind's
    highest fee. The grant is then the public share of what is actually raised (``share / (1 - share)``
    x member money, capped): members bring at least the rest, as the rule of co-financing says. What is
    not raised is cut from the organisation's activity. (:func:`plan_of`, with the kinds' terms.)
    """
    rules = year_rules(model)
    plan = plan_of(
        KIND_CODE[kind],
        float(n_members),
        float(weight),
        float(share),
        rules.core,
        rules.per_member,
        rules.grant_cap,
        rules.fee_cap,
    )
    target, unit, money, grant, activity = (float(x) for x in plan)
    return YearPlan(target=target, unit_fee=unit, member_money=money, grant=grant, activity=activity)


@compiled
def plan_of(
    k: int,
    n_members: float,
    weight: float,
    share: float,
    core: np.ndarray,
    per_member: np.ndarray,
    cap: np.ndarray,
    fee_cap: np.ndarray,
) -> tuple[float, float, float, float, float]:
    """:func:`plan_budget` of one organisation of kind code ``k`` (the kinds' terms from :func:`kind_terms`).

    Returns the budget at full activity, the unit fee, the member money, the grant and the activity
    (the fields of :class:`YearPlan`).
    """
    target = core[k] + per_member[k] * n_members
    public = share * target
    if cap[k] < public:
        public = cap[k]
    need = target - public
    if need < 0.0:
        need = 0.0
    unit = 0.0
    if weight > 0:
        unit = need / weight
        if fee_cap[k] < unit:
            unit = fee_cap[k]
    money = unit * weight
    grant = share / (1.0 - share) * money
    if cap[k] < grant:
        grant = cap[k]
    activity = 1.0
    if target > 0:
        raised = (money + grant) / target
        if raised < 1.0:
            activity = raised
    return target, unit, money, grant, activity


def plan_year(model: ClusterPolicyModel, org: ClusterOrganisation, n_members: int, weight: float) -> YearPlan:
    """This project year's plan for ``org``: :func:`plan_budget` at its share now (:func:`year_share`)."""
    return plan_budget(model, org.kind, n_members, weight, year_share(model, org))


def year_share(model: ClusterPolicyModel, org: ClusterOrganisation) -> float:
    """The public share of ``org``'s budget this project year.

    The share is the policy's (flat or degressive) for a supported spearhead or IBN while the policy is in
    force, ``legacy_grant_share`` for a legacy structure during its transitional support, and 0 otherwise.
    """
    t = model.org_table
    j = org.index
    rules = share_rules(model)
    return float(share_of(bool(t.supported[j]), int(t.kind[j]), int(t.recognised_at[j]), model.t, rules))


def run(model: ClusterPolicyModel) -> None:
    """Project-year starts, dues, in-kind credit and deposits (see the module docstring)."""
    f = model.firms
    u = model.streams["payments"].random(f.n)
    t = model.org_table
    ms = model.memberships
    starting, rows, bounds = year_starts(t.alive[: t.n], t.anchor[: t.n], model.t, ms.org)
    if len(starting):
        # in the order of the organisations; the memberships that end are removed once, after all of
        # them (each organisation's year depends on its own memberships only)
        drop = np.zeros(len(ms), dtype=bool)
        start_project_years(model, starting, rows, bounds, drop)
        if drop.any():
            ms.remove(drop)
    ms = model.memberships
    c = model.counters
    private_cash, private_in_kind, short = settle_quarter(
        u,
        model.pay_probability,
        ms.firm,
        ms.org,
        ms.dues,
        ms.dues_paid_year,
        ms.fee_credit,
        f.cash,
        t.alive[: t.n],
        t.credit_plan,
        t.cash,
        t.ledger_cash_fees,
        t.ledger_in_kind,
        t.year_cash_fees,
        t.year_member_money,
        c.private_cash_cofinancing,
        c.private_in_kind_cofinancing,
        t.deposit_deadline[: t.n],
        model.t,
        t.reserves_at_year_start,
        t.deposit_required,
        deposit_factor(model),
    )
    c.private_cash_cofinancing, c.private_in_kind_cofinancing = float(private_cash), float(private_in_kind)
    for j in short.tolist():
        lapse(model, model.orgs[j])


@compiled
def settle_quarter(
    u: np.ndarray,
    pay_probability: np.ndarray,
    firm: np.ndarray,
    org: np.ndarray,
    dues: np.ndarray,
    dues_paid_year: np.ndarray,
    fee_credit: np.ndarray,
    firm_cash: np.ndarray,
    alive: np.ndarray,
    credit_plan: np.ndarray,
    org_cash: np.ndarray,
    ledger_cash_fees: np.ndarray,
    ledger_in_kind: np.ndarray,
    year_cash_fees: np.ndarray,
    year_member_money: np.ndarray,
    private_cash: float,
    private_in_kind: float,
    deadline: np.ndarray,
    now: int,
    reserves: np.ndarray,
    required: np.ndarray,
    factor: float,
) -> tuple[float, float, np.ndarray]:
    """The quarter's money after the project-year starts: dues paid and booked, deposits checked.

    Members pay (:func:`paying_in_order`, with the draws ``u``), organisations book the dues and a
    quarter of the in-kind credit (:func:`collect_dues`), and the deposits due now are checked
    (:func:`deposits_checked`), in that order; one call instead of three. Arguments as those
    functions name them. Returns the private cash and in-kind co-financing so far and the
    organisations whose deposit is short.
    """
    pays = paying_in_order(firm, dues, firm_cash, u, pay_probability)
    private_cash, private_in_kind = collect_dues(
        pays,
        firm,
        org,
        dues,
        dues_paid_year,
        fee_credit,
        firm_cash,
        alive,
        credit_plan,
        org_cash,
        ledger_cash_fees,
        ledger_in_kind,
        year_cash_fees,
        year_member_money,
        private_cash,
        private_in_kind,
    )
    short = deposits_checked(alive, deadline, now, reserves, year_cash_fees, required, factor)
    return private_cash, private_in_kind, short


@compiled
def year_starts(
    alive: np.ndarray, anchor: np.ndarray, now: int, org: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The alive organisations whose project year starts in quarter ``now``, and their membership rows.

    A project year starts where ``now - anchor`` is a multiple of 4. ``org`` is the organisation of
    every membership. Returns the organisations (in their order) and their rows, grouped as by
    :func:`rows_by_org`.
    """
    orgs = np.empty(len(alive), dtype=np.int64)
    k = 0
    for j in range(len(alive)):
        if alive[j] and (now - anchor[j]) % 4 == 0:
            orgs[k] = j
            k += 1
    rows, bounds = rows_by_org(org, orgs[:k], len(alive))
    return orgs[:k], rows, bounds


@compiled
def rows_by_org(org: np.ndarray, orgs: np.ndarray, n_orgs: int) -> tuple[np.ndarray, np.ndarray]:
    """The membership rows of the organisations ``orgs`` (distinct indices), grouped by organisation.

    ``org`` is the organisation of every membership. The rows of ``orgs[k]`` are
    ``rows[bounds[k]:bounds[k + 1]]``, in table order (the order of joining).
    """
    position = np.full(n_orgs, -1, dtype=np.int64)
    for k in range(len(orgs)):
        position[orgs[k]] = k
    bounds = np.zeros(len(orgs) + 1, dtype=np.int64)
    for i in range(len(org)):
        k = position[org[i]]
        if k >= 0:
            bounds[k + 1] += 1
    for k in range(len(orgs)):
        bounds[k + 1] += bounds[k]
    fill = bounds[:-1].copy()
    rows = np.empty(bounds[-1], dtype=np.int64)
    for i in range(len(org)):
        k = position[org[i]]
        if k >= 0:
            rows[fill[k]] = i
            fill[k] += 1
    return rows, bounds


@compiled
def paying_in_order(
    firm: np.ndarray, dues: np.ndarray, cash: np.ndarray, u: np.ndarray, pay_probability: np.ndarray
) -> np.ndarray:
    """Which memberships a firm pays this quarter: in the order it joined them, while its cash lasts.

    ``firm`` and ``dues`` are per membership (in table order, which is the order of joining); ``cash``,
    ``u`` (a uniform draw) and ``pay_probability`` per firm. A firm pays this quarter when ``u`` is
    below its pay probability. One whose cash covers all its dues pays them all; otherwise it pays its
    memberships in order while the running total of their dues stays within its cash. Memberships
    without dues are not paid.
    """
    n = len(firm)
    due = np.zeros(n)
    total = np.zeros(len(cash))
    for i in range(n):
        if dues[i] > 0 and u[firm[i]] < pay_probability[firm[i]]:
            due[i] = dues[i]
            total[firm[i]] += dues[i]
    ok = np.zeros(n, dtype=np.bool_)
    # the dues of the firms short of cash, in order of firm, then of joining (a stable sort of the
    # rows, which are in that order), with running totals (one running total over all of them, less its
    # value where the firm's dues start)
    short = np.empty(n, dtype=np.int64)
    n_short = 0
    for i in range(n):
        if due[i] > 0:
            if total[firm[i]] <= cash[firm[i]] + CASH_SLACK:
                ok[i] = True
            else:
                short[n_short] = i
                n_short += 1
    short = short[:n_short]
    order = short[np.argsort(firm[short], kind="mergesort")]
    running = 0.0
    start_value = 0.0
    for k in range(len(order)):
        i = order[k]
        if k == 0 or firm[order[k - 1]] != firm[i]:
            start_value = running
        running += due[i]
        ok[i] = running - start_value <= cash[firm[i]] + CASH_SLACK
    return ok


@compiled
def collect_dues(
    pays: np.ndarray,
    firm: np.ndarray,
    org: np.ndarray,
    dues: np.ndarray,
    dues_paid_year: np.ndarray,
    fee_credit: np.ndarray,
    firm_cash: np.ndarray,
    alive: np.ndarray,
    credit_plan: np.ndarray,
    org_cash: np.ndarray,
    ledger_cash_fees: np.ndarray,
    ledger_in_kind: np.ndarray,
    year_cash_fees: np.ndarray,
    year_member_money: np.ndarray,
    private_cash: float,
    private_in_kind: float,
) -> tuple[float, float]:
    """Members pay the dues ``pays`` marks, and organisations book them and a quarter of the in-kind credit.

    A paid membership's dues leave the firm's cash (floored at zero when there are memberships) and are
    added to what it paid this project year. Each alive organisation receives its members' paid dues
    and credits a quarter of their in-kind contributions, at most a quarter of its planned credit;
    both count as private co-financing. Returns the private cash and in-kind co-financing so far,
    ``private_cash`` and ``private_in_kind`` plus the organisations' amounts in their order.
    """
    n_orgs = len(alive)
    by_firm = np.zeros(len(firm_cash))
    paid = np.zeros(n_orgs)
    credit = np.zeros(n_orgs)
    for i in range(len(firm)):
        if pays[i]:
            by_firm[firm[i]] += dues[i]
    for i in range(len(firm)):
        if pays[i]:
            paid[org[i]] += dues[i]
            dues_paid_year[i] += dues[i]
            dues[i] = 0.0
        credit[org[i]] += fee_credit[i]
    for j in range(len(firm_cash) if len(firm) else 0):
        firm_cash[j] -= by_firm[j]
        if firm_cash[j] < 0.0:
            firm_cash[j] = 0.0
    for j in range(n_orgs):
        if alive[j]:
            cash = paid[j]
            in_kind = credit[j] / 4.0
            plan = credit_plan[j] / 4.0
            if plan < in_kind:
                in_kind = plan
            org_cash[j] += cash
            ledger_cash_fees[j] += cash
            ledger_in_kind[j] += in_kind
            year_cash_fees[j] += cash
            year_member_money[j] += cash + in_kind
            private_cash += cash
            private_in_kind += in_kind
    return private_cash, private_in_kind


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
    rows = ms.of_org(org.index) if idx is None else np.asarray(idx, dtype=np.int64)
    mask = np.zeros(len(ms), dtype=bool) if drop is None else drop
    start_project_years(model, np.array([org.index]), rows, np.array([0, len(rows)]), mask)
    if drop is None:
        ms.remove(mask)


class YearRules(NamedTuple):
    """The terms of a project year's plan, from the parameters and the policy now (:func:`year_rules`).

    Passed to :func:`open_years` field by field (a compiled function takes plain values faster than a
    tuple of them).
    """

    core: np.ndarray  # per kind code: core cost (EUR/yr)
    per_member: np.ndarray  # per kind code: cost per member (EUR/yr)
    grant_cap: np.ndarray  # per kind code: cap on the grant (EUR/yr)
    fee_cap: np.ndarray  # per kind code: highest unit fee (EUR/yr)
    ratio_spearhead: float  # the fee rules (kernels.FeeRules)
    ratio_other: float
    share_max: float
    valuation: float
    active: bool  # the share rules (ShareRules)
    share: float
    degressive: bool
    final_factor: float
    years_spearhead: int
    years_ibn: int
    legacy_share: float
    gain_max: float  # excellence_gain_max
    adjust: float  # excellence_adjust
    unviable_years_max: int
    in_kind: bool  # in-kind fees may count (policy in force, in_kind_share_max > 0)
    deposits: bool  # deposits are checked (policy in force, lapse_rule not "none")
    deposit_share: float
    deposit_window: int  # deposit_window_quarters


#: the last :func:`year_rules` computed, with the parameters and policy state it is for
_last_rules: tuple[object, bool, YearRules] | None = None


def year_rules(model: ClusterPolicyModel) -> YearRules:
    """The :class:`YearRules` of ``model`` now.

    Computed again only when the parameters or ``policy_active`` differ from the last call's.
    """
    global _last_rules
    last = _last_rules
    if last is not None and last[0] is model.p and last[1] == model.policy_active:
        return last[2]
    pol, b = model.p.policy, model.p.behaviour
    rules = YearRules._make(
        (
            *kind_terms(model),
            *kernels.fee_rules(model),
            *share_rules(model),
            b.excellence_gain_max,
            b.excellence_adjust,
            b.unviable_years_max,
            kernels.in_kind_counts(model),
            model.policy_active and pol.lapse_rule != "none",
            pol.deposit_share,
            pol.deposit_window_quarters,
        )
    )
    _last_rules = (model.p, model.policy_active, rules)
    return rules


def start_project_years(
    model: ClusterPolicyModel, orgs: np.ndarray, rows: np.ndarray, bounds: np.ndarray, drop: np.ndarray
) -> None:
    """Steps 1-5 of the module docstring for the organisations ``orgs`` (indices, in their order).

    ``rows[bounds[i]:bounds[i + 1]]``: the membership rows of ``orgs[i]`` (in table order); the
    memberships that end are marked in ``drop`` (a mask over the membership table) for the caller to
    remove. Each organisation's year depends on its own state and memberships only: the support that
    ends does (:func:`sunset`), then :func:`open_years` takes steps 2-5 for all of them, and the
    organisations that cannot go on end, in their order (:func:`end_organisation`).
    """
    f = model.firms
    ms = model.memberships
    t = model.org_table
    for j in support_ending(orgs, t.supported, t.support_until, model.t).tolist():
        sunset(model, model.orgs[j])
    expelled, ending, kept, kept_bounds = open_years(
        orgs,
        rows,
        bounds,
        model.t,
        learnt(model, orgs),
        t.kind,
        t.supported,
        t.recognised,
        t.anchor,
        t.recognised_at,
        t.excellence,
        t.excellence_base,
        t.activity,
        t.unviable_years,
        t.cash,
        t.year_grants,
        t.last_year_grants,
        t.year_member_money,
        t.last_year_member_money,
        t.year_cash_fees,
        t.reserves_at_year_start,
        t.deposit_deadline,
        t.budget_target,
        t.unit_fee,
        t.grant_annual,
        t.cash_plan,
        t.credit_plan,
        t.member_money_plan,
        t.deposit_required,
        ms.firm,
        ms.dues,
        ms.fee_cash,
        ms.fee_credit,
        ms.fee_time,
        ms.dues_paid_year,
        drop,
        f.is_sme,
        *year_rules(model),
    )
    model.counters.members_expelled += int(expelled)
    for k in ending.tolist():
        end_organisation(model, model.orgs[int(orgs[k])], kept[kept_bounds[k] : kept_bounds[k + 1]], drop)


@compiled
def open_years(
    orgs: np.ndarray,
    rows: np.ndarray,
    bounds: np.ndarray,
    now: int,
    learnt: np.ndarray,
    kind: np.ndarray,
    supported: np.ndarray,
    recognised: np.ndarray,
    anchor: np.ndarray,
    recognised_at: np.ndarray,
    excellence: np.ndarray,
    excellence_base: np.ndarray,
    activity: np.ndarray,
    unviable_years: np.ndarray,
    cash: np.ndarray,
    year_grants: np.ndarray,
    last_year_grants: np.ndarray,
    year_member_money: np.ndarray,
    last_year_member_money: np.ndarray,
    year_cash_fees: np.ndarray,
    reserves_at_year_start: np.ndarray,
    deposit_deadline: np.ndarray,
    budget_target: np.ndarray,
    unit_fee: np.ndarray,
    grant_annual: np.ndarray,
    cash_plan: np.ndarray,
    credit_plan: np.ndarray,
    member_money_plan: np.ndarray,
    deposit_required: np.ndarray,
    firm: np.ndarray,
    dues: np.ndarray,
    fee_cash: np.ndarray,
    fee_credit: np.ndarray,
    fee_time: np.ndarray,
    dues_paid_year: np.ndarray,
    drop: np.ndarray,
    is_sme: np.ndarray,
    core: np.ndarray,
    per_member: np.ndarray,
    grant_cap: np.ndarray,
    fee_cap: np.ndarray,
    ratio_spearhead: float,
    ratio_other: float,
    share_max: float,
    valuation: float,
    active: bool,
    share: float,
    degressive: bool,
    final_factor: float,
    years_spearhead: int,
    years_ibn: int,
    legacy_share: float,
    gain_max: float,
    adjust: float,
    unviable_years_max: int,
    in_kind: bool,
    deposits: bool,
    deposit_share: float,
    deposit_window: int,
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Steps 2-5 of the module docstring for the organisations ``orgs`` (after step 1, the sunset).

    ``orgs``, ``rows`` and ``bounds`` as in :func:`start_project_years`; ``learnt`` per organisation
    of ``orgs``: :func:`learnt`. The columns from ``kind`` to ``deposit_required`` are those of
    ``OrgTable`` (index = ``org.index``), from ``firm`` to ``dues_paid_year`` those of the membership
    table; ``is_sme`` is per firm; the rest are the fields of :class:`YearRules`. For each
    organisation, in turn:

    2. past the first year of its agreement, the memberships with dues still unpaid are marked in
       ``drop`` (expelled);
    3. past the first year, its excellence moves (:func:`moved_excellence`, with last year's activity);
       the year's grants, member money and cash fees become last year's (cash fees: zero), no deposit
       is due, and its cash is its reserves at the year start;
    4. the year is planned (:func:`plan_of`, at :func:`share_of`) for the members that stay, their fee
       weights (:func:`kernels.fee_weight_of`) summed as NumPy sums them; below its core cost it has
       one more unviable year (else none), and at ``unviable_years_max`` of them it is marked as ending
       and planned no further;
    5. otherwise its budget target, unit fee, activity and grant are set, and each member's fee
       (:func:`kernels.fee_of`) and dues (all of the cash fee, none paid yet); the cash and credit
       plans are their sums (as NumPy sums them); a recognised and supported spearhead or IBN must
       deposit ``deposit_share`` of its cash plan within ``deposit_window`` quarters, when
       ``deposits``.

    Returns the number of expelled members, the positions in ``orgs`` of the organisations that end,
    and the rows of the members that stay, ``kept[kept_bounds[i]:kept_bounds[i + 1]]`` for ``orgs[i]``.
    """
    fees = kernels.FeeRules(ratio_spearhead, ratio_other, share_max, valuation)
    shares = ShareRules(active, share, degressive, final_factor, years_spearhead, years_ibn, legacy_share)
    n = len(orgs)
    kept = np.empty(len(rows), dtype=np.int64)
    kept_bounds = np.zeros(n + 1, dtype=np.int64)
    ending = np.empty(n, dtype=np.int64)
    n_ending = 0
    first = np.empty(len(rows))
    second = np.empty(len(rows))
    expelled = 0
    m = 0
    for i in range(n):
        j = orgs[i]
        old = now > anchor[j]
        start = m
        for q in range(bounds[i], bounds[i + 1]):
            r = rows[q]
            if old and dues[r] > 0:
                drop[r] = True
                expelled += 1
            else:
                kept[m] = r
                m += 1
        kept_bounds[i + 1] = m
        size = m - start
        if old:
            excellence[j] = moved_excellence(
                excellence[j], excellence_base[j], learnt[i], activity[j], gain_max, adjust
            )
        last_year_grants[j] = year_grants[j]
        year_grants[j] = 0.0
        last_year_member_money[j] = year_member_money[j]
        year_member_money[j] = 0.0
        year_cash_fees[j] = 0.0
        deposit_deadline[j] = NEVER
        reserves_at_year_start[j] = cash[j]
        code = kind[j]
        spearhead = code == SPEARHEAD_CODE
        for q in range(size):
            first[q] = kernels.fee_weight_of(is_sme[firm[kept[start + q]]], spearhead, fees)
        weight = kernels.pairwise_sum(first[:size])
        public = share_of(supported[j], code, recognised_at[j], now, shares)
        target, unit, money, grant, act = plan_of(
            code, float(size), weight, public, core, per_member, grant_cap, fee_cap
        )
        if money + grant >= core[code]:
            unviable_years[j] = 0
        else:
            unviable_years[j] += 1
            if unviable_years[j] >= unviable_years_max:
                ending[n_ending] = i
                n_ending += 1
                continue
        budget_target[j] = target
        unit_fee[j] = unit
        activity[j] = act
        grant_annual[j] = grant
        counts_in_kind = kernels.in_kind_of(recognised[j], supported[j], in_kind)
        for q in range(size):
            r = kept[start + q]
            fee, time, credit = kernels.fee_of(is_sme[firm[r]], spearhead, unit, counts_in_kind, fees)
            fee_cash[r] = fee
            fee_credit[r] = credit
            fee_time[r] = time
            dues[r] = fee
            dues_paid_year[r] = 0.0
            first[q] = fee
            second[q] = credit
        planned_cash = kernels.pairwise_sum(first[:size])
        planned_credit = kernels.pairwise_sum(second[:size])
        cash_plan[j] = planned_cash
        credit_plan[j] = planned_credit
        member_money_plan[j] = planned_cash + planned_credit
        if deposits and recognised[j] and supported[j] and code != LEGACY_CODE:
            deposit_required[j] = deposit_share * planned_cash
            deposit_deadline[j] = now + deposit_window - 1
    return expelled, ending[:n_ending], kept[:m], kept_bounds


@compiled
def support_ending(
    orgs: np.ndarray, supported: np.ndarray, support_until: np.ndarray, now: int
) -> np.ndarray:
    """Those of the organisations ``orgs`` whose support ends now: supported, ``support_until`` passed."""
    out = np.empty(len(orgs), dtype=np.int64)
    k = 0
    for j in orgs:
        if supported[j] and support_until[j] != NEVER and now >= support_until[j]:
            out[k] = j
            k += 1
    return out[:k]


def learnt(model: ClusterPolicyModel, orgs: np.ndarray) -> np.ndarray:
    """Per organisation of ``orgs``: 1 - exp(-age / ``excellence_learning_years``), age in years."""
    age = (model.t - model.org_table.created_at[orgs]) / 4.0
    return 1.0 - np.exp(-age / model.p.behaviour.excellence_learning_years)


@compiled
def moved_excellence(
    excellence: float, base: float, learnt: float, activity: float, gain_max: float, adjust: float
) -> float:
    """An organisation's excellence after a year (:func:`update_excellence`; ``learnt``: :func:`learnt`)."""
    attainable = base + gain_max * learnt * activity
    if attainable > 1.0:
        attainable = 1.0
    return excellence + adjust * (attainable - excellence)


def update_excellence(model: ClusterPolicyModel, org: ClusterOrganisation) -> None:
    """Excellence moves towards what experience and last year's activity allow.

    Attainable excellence = initial excellence + ``excellence_gain_max`` x (1 - exp(-age /
    ``excellence_learning_years``)) x last year's activity (the share of its planned management and
    services the organisation could fund), at most 1; each year the organisation closes
    ``excellence_adjust`` of the gap. A well-funded organisation learns; one that cuts its activity
    loses some of what it learnt. (:func:`open_years` does this at each project-year start.)
    """
    update_excellences(model, [org])


def update_excellences(model: ClusterPolicyModel, orgs: list[ClusterOrganisation]) -> None:
    """:func:`update_excellence` of each of ``orgs``."""
    b = model.p.behaviour
    t = model.org_table
    index = np.array([org.index for org in orgs], dtype=np.int64)
    for j, learnt_j in zip(index.tolist(), learnt(model, index).tolist(), strict=True):
        t.excellence[j] = moved_excellence(
            t.excellence[j],
            t.excellence_base[j],
            learnt_j,
            t.activity[j],
            b.excellence_gain_max,
            b.excellence_adjust,
        )


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


def deposit_factor(model: ClusterPolicyModel) -> float:
    """The share of the required deposit that must be there: 1, or 1 - ``lapse_tolerance`` (discretionary)."""
    pol = model.p.policy
    return 1.0 - pol.lapse_tolerance if pol.lapse_rule == "discretionary" else 1.0


@compiled
def deposit_short(reserves: float, cash_fees: float, required: float, factor: float) -> bool:
    """Whether a deposit is short of ``factor`` times the ``required`` one (:func:`deposit_factor`).

    The deposit is the reserves at the year start plus the year's cash fees; short means below
    ``factor x required`` less :data:`DEPOSIT_SLACK`.
    """
    return reserves + cash_fees < factor * required - DEPOSIT_SLACK


@compiled
def deposits_checked(
    alive: np.ndarray,
    deadline: np.ndarray,
    now: int,
    reserves: np.ndarray,
    cash_fees: np.ndarray,
    required: np.ndarray,
    factor: float,
) -> np.ndarray:
    """The deposits due in quarter ``now`` are checked; returns the organisations whose deposit is short.

    The alive organisations whose ``deadline`` is ``now`` have it cleared (:data:`NEVER`); those of
    them whose deposit is short (:func:`deposit_short`) are returned, in their order.
    """
    short = np.empty(len(alive), dtype=np.int64)
    k = 0
    for j in range(len(alive)):
        if alive[j] and deadline[j] == now:
            deadline[j] = NEVER
            if deposit_short(reserves[j], cash_fees[j], required[j], factor):
                short[k] = j
                k += 1
    return short[:k]


def check_deposit(model: ClusterPolicyModel, org: ClusterOrganisation) -> None:
    """At the deadline: a deposit short of the requirement makes the grant lapse (``lapse_rule``).

    (:func:`run` checks all deposits due at once, with :func:`deposits_checked`.)
    """
    t = model.org_table
    j = org.index
    org.deposit_deadline = None
    if deposit_short(
        t.reserves_at_year_start[j], t.year_cash_fees[j], t.deposit_required[j], deposit_factor(model)
    ):
        lapse(model, org)


def lapse(model: ClusterPolicyModel, org: ClusterOrganisation) -> None:
    """The grant of ``org`` lapses: its deposit was short."""
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

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
    KIND_CODE,
    KINDS,
    LEGACY,
    NEVER,
    SPEARHEAD,
    ClusterOrganisation,
    SunsetRecord,
    core_cost_of,
)
from clusterpolicy.model.compiled import compiled
from clusterpolicy.model.phases.membership import in_kind_table

#: EUR: rounding slack when a sum of dues is compared with a firm's cash (numerical, not behaviour)
CASH_SLACK = 1e-9

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
    fees raise the rest in proportion to their fee weight (:func:`kernels.fee_weight`), up to the kind's
    highest fee. The grant is then the public share of what is actually raised (``share / (1 - share)``
    x member money, capped): members bring at least the rest, as the rule of co-financing says. What is
    not raised is cut from the organisation's activity. (:func:`plan_budgets` for many.)
    """
    plans = plan_budgets(
        np.array([KIND_CODE[kind]]),
        np.array([n_members], dtype=float),
        np.array([weight], dtype=float),
        np.array([share], dtype=float),
        *kind_terms(model),
    )
    target, unit, money, grant, activity = (float(x[0]) for x in plans)
    return YearPlan(target=target, unit_fee=unit, member_money=money, grant=grant, activity=activity)


@compiled
def plan_budgets(
    code: np.ndarray,
    n_members: np.ndarray,
    weight: np.ndarray,
    share: np.ndarray,
    core: np.ndarray,
    per_member: np.ndarray,
    cap: np.ndarray,
    fee_cap: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`plan_budget` of organisations of kind codes ``code`` (the kinds' terms from :func:`kind_terms`).

    ``n_members``, ``weight`` and ``share`` are per organisation (``n_members`` as a float array).

    Returns per organisation the budget at full activity, the unit fee, the member money, the grant and
    the activity (the fields of :class:`YearPlan`).
    """
    n = len(code)
    target = np.empty(n)
    unit = np.empty(n)
    money = np.empty(n)
    grant = np.empty(n)
    activity = np.empty(n)
    for i in range(n):
        k = code[i]
        target[i] = core[k] + per_member[k] * n_members[i]
        public = share[i] * target[i]
        if cap[k] < public:
            public = cap[k]
        need = target[i] - public
        if need < 0.0:
            need = 0.0
        unit[i] = 0.0
        if weight[i] > 0:
            unit[i] = need / weight[i]
            if fee_cap[k] < unit[i]:
                unit[i] = fee_cap[k]
        money[i] = unit[i] * weight[i]
        grant[i] = share[i] / (1.0 - share[i]) * money[i]
        if cap[k] < grant[i]:
            grant[i] = cap[k]
        activity[i] = 1.0
        if target[i] > 0:
            raised = (money[i] + grant[i]) / target[i]
            if raised < 1.0:
                activity[i] = raised
    return target, unit, money, grant, activity


def plan_year(model: ClusterPolicyModel, org: ClusterOrganisation, n_members: int, weight: float) -> YearPlan:
    """This project year's plan for ``org``: :func:`plan_budget` at its share now (:func:`year_share`)."""
    return plan_budget(model, org.kind, n_members, weight, year_share(model, org))


def year_share(model: ClusterPolicyModel, org: ClusterOrganisation) -> float:
    """The public share of ``org``'s budget this project year.

    The share is the policy's (flat or degressive) for a supported spearhead or IBN while the policy is in
    force, ``legacy_grant_share`` for a legacy structure during its transitional support, and 0 otherwise.
    """
    if not org.supported:
        return 0.0
    if org.kind == LEGACY:
        return model.p.policy.legacy_grant_share
    return grant_share(model, org) if model.policy_active else 0.0


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
        rows, bounds = rows_by_org(ms.org, starting, t.n)
        start_project_years(model, starting, rows, bounds, drop)
        ms.remove(drop)
    ms = model.memberships
    pays = paying_in_order(ms.firm, ms.dues, f.cash, u, model.pay_probability)
    c = model.counters
    private = collect_dues(
        pays,
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
    )
    c.private_cash_cofinancing, c.private_in_kind_cofinancing = float(private[0]), float(private[1])
    for j in np.flatnonzero(t.alive[: t.n] & (t.deposit_deadline[: t.n] == model.t)):
        check_deposit(model, model.orgs[int(j)])


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
        total[firm[i]] += due[i]
    ok = np.zeros(n, dtype=np.bool_)
    # the firms short of cash: their dues in order of firm, then of joining, with running totals
    # (one running total over all of them, less its value where the firm's dues start)
    count = np.zeros(len(cash) + 1, dtype=np.int64)
    for i in range(n):
        if due[i] > 0:
            if total[firm[i]] <= cash[firm[i]] + CASH_SLACK:
                ok[i] = True
            else:
                count[firm[i] + 1] += 1
    for j in range(len(cash)):
        count[j + 1] += count[j]
    order = np.empty(count[-1], dtype=np.int64)
    fill = count[:-1].copy()
    for i in range(n):
        if not ok[i] and due[i] > 0:
            order[fill[firm[i]]] = i
            fill[firm[i]] += 1
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


def start_project_years(
    model: ClusterPolicyModel, orgs: np.ndarray, rows: np.ndarray, bounds: np.ndarray, drop: np.ndarray
) -> None:
    """Steps 1-5 of the module docstring for the organisations ``orgs`` (indices, in their order).

    ``rows[bounds[i]:bounds[i + 1]]``: the membership rows of ``orgs[i]`` (in table order); the
    memberships that end are marked in ``drop`` (a mask over the membership table) for the caller to
    remove. Each organisation's year depends on its own state and memberships only, so the steps are
    taken for all of them at once; the sums over an organisation's members are each taken alone (as
    NumPy sums them), and the organisations that end do so in their order.
    """
    pol, b = model.p.policy, model.p.behaviour
    f = model.firms
    ms = model.memberships
    t = model.org_table
    objs = [model.orgs[j] for j in orgs.tolist()]
    until = t.support_until[orgs]
    for k in np.flatnonzero(t.supported[orgs] & (until != NEVER) & (model.t >= until)).tolist():
        sunset(model, objs[k])
    seg = np.repeat(np.arange(len(orgs)), np.diff(bounds))
    # members that left last year's dues unpaid are expelled (not in the first year of an agreement)
    old = model.t > t.anchor[orgs]
    unpaid = old[seg] & (ms.dues[rows] > 0)
    model.counters.members_expelled += int(np.count_nonzero(unpaid))
    drop[rows[unpaid]] = True
    rows_all, seg = rows[~unpaid], seg[~unpaid]
    update_excellences(model, [objs[k] for k in np.flatnonzero(old).tolist()])
    t.last_year_grants[orgs] = t.year_grants[orgs]
    t.year_grants[orgs] = 0.0
    t.last_year_member_money[orgs] = t.year_member_money[orgs]
    t.year_member_money[orgs] = 0.0
    t.year_cash_fees[orgs] = 0.0
    t.deposit_deadline[orgs] = NEVER
    for org, cash in zip(objs, t.cash[orgs].tolist(), strict=True):
        org.reserves_at_year_start = cash
    firms = ms.firm[rows_all]
    sme = f.is_sme[firms]
    code = t.kind[orgs].astype(np.int64)
    weight_all = kernels.fee_weight(model, sme, code[seg])
    count = np.bincount(seg, minlength=len(orgs))
    ends = np.cumsum(count)
    starts = ends - count
    weight = np.array([weight_all[a:z].sum() for a, z in zip(starts.tolist(), ends.tolist(), strict=True)])
    share = np.array([year_share(model, org) for org in objs], dtype=float)
    kinds = kind_terms(model)
    target, unit, money, grant, activity = plan_budgets(code, count.astype(float), weight, share, *kinds)
    viable = (money + grant >= kinds[0][code]).tolist()
    going = np.ones(len(orgs), dtype=bool)
    for i, org in enumerate(objs):
        if viable[i]:
            org.unviable_years = 0
        else:
            org.unviable_years += 1
            if org.unviable_years >= b.unviable_years_max:
                end_organisation(model, org, rows_all[starts[i] : ends[i]], drop)
                going[i] = False
    on = np.flatnonzero(going)
    plans = zip(on.tolist(), target[on].tolist(), unit[on].tolist(), activity[on].tolist(), strict=True)
    for k, target_k, unit_k, activity_k in plans:
        org = objs[k]
        org.budget_target = target_k
        org.unit_fee = unit_k
        org.activity = activity_k
    t.grant_annual[orgs[on]] = grant[on]
    member_on = going[seg]
    rows, seg_on = rows_all[member_on], seg[member_on]
    allowed = in_kind_table(model)[orgs]
    cash, time, credit = kernels.fee_split(model, sme[member_on], code[seg_on], unit[seg_on], allowed[seg_on])
    ms.fee_cash[rows] = cash
    ms.fee_credit[rows] = credit
    ms.fee_time[rows] = time
    ms.dues[rows] = cash
    ms.dues_paid_year[rows] = 0.0
    count = np.bincount(seg_on, minlength=len(orgs))
    ends = np.cumsum(count)
    starts = ends - count
    spans = list(zip(starts[on].tolist(), ends[on].tolist(), strict=True))
    cash_plan = np.array([cash[a:z].sum() for a, z in spans], dtype=float)
    credit_plan = np.array([credit[a:z].sum() for a, z in spans], dtype=float)
    t.cash_plan[orgs[on]] = cash_plan
    t.credit_plan[orgs[on]] = credit_plan
    t.member_money_plan[orgs[on]] = cash_plan + credit_plan
    if model.policy_active and pol.lapse_rule != "none":
        deposit = (t.recognised[orgs] & t.supported[orgs] & (code != KIND_CODE[LEGACY]))[on]
        for k, cash_k in zip(on[deposit].tolist(), cash_plan[deposit].tolist(), strict=True):
            objs[k].deposit_required = pol.deposit_share * cash_k
        t.deposit_deadline[orgs[on][deposit]] = model.t + pol.deposit_window_quarters - 1


def update_excellence(model: ClusterPolicyModel, org: ClusterOrganisation) -> None:
    """Excellence moves towards what experience and last year's activity allow.

    Attainable excellence = initial excellence + ``excellence_gain_max`` x (1 - exp(-age /
    ``excellence_learning_years``)) x last year's activity (the share of its planned management and
    services the organisation could fund); each year the organisation closes ``excellence_adjust`` of the
    gap. A well-funded organisation learns; one that cuts its activity loses some of what it learnt.
    """
    update_excellences(model, [org])


def update_excellences(model: ClusterPolicyModel, orgs: list[ClusterOrganisation]) -> None:
    """:func:`update_excellence` of each of ``orgs``."""
    if not orgs:
        return
    b = model.p.behaviour
    t = model.org_table
    index = np.array([org.index for org in orgs])
    age = (model.t - np.array([org.created_at for org in orgs])) / 4.0
    learnt = 1.0 - np.exp(-age / b.excellence_learning_years)
    base = np.array([org.excellence_base for org in orgs], dtype=float)
    attainable = np.minimum(1.0, base + b.excellence_gain_max * learnt * t.activity[index])
    excellence = t.excellence[index]
    excellence += b.excellence_adjust * (attainable - excellence)
    for org, value in zip(orgs, excellence.tolist(), strict=True):
        org.excellence = value


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

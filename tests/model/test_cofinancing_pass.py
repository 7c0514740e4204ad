"""The compiled start of project years (cofinancing.open_years) against the steps written out in NumPy.

``reference_start`` is the co-financing phase's earlier implementation (an organisation at a time where
it must be, NumPy sums per organisation): the compiled pass must leave every column of the organisation
and membership tables, the firms' cash and the counters exactly (``==``) as it does.
"""

from __future__ import annotations

import copy

import numpy as np
from helpers import fee_weights, small

from clusterpolicy.model import ClusterPolicyModel, kernels
from clusterpolicy.model.agents import KIND_CODE, LEGACY, NEVER, OrgTable
from clusterpolicy.model.phases import cofinancing
from clusterpolicy.model.phases.membership import in_kind_table


def reference_start(model, orgs, rows, bounds, drop):
    """Steps 1-5 of the co-financing docstring as NumPy steps over the organisations ``orgs``."""
    pol, b = model.p.policy, model.p.behaviour
    f, ms, t = model.firms, model.memberships, model.org_table
    objs = [model.orgs[j] for j in orgs.tolist()]
    for org in objs:
        cofinancing.sunset(model, org)
    seg = np.repeat(np.arange(len(orgs)), np.diff(bounds))
    old = model.t > t.anchor[orgs]
    unpaid = old[seg] & (ms.dues[rows] > 0)
    model.counters.members_expelled += int(np.count_nonzero(unpaid))
    drop[rows[unpaid]] = True
    rows_all, seg = rows[~unpaid], seg[~unpaid]
    learning = [org for org, o in zip(objs, old.tolist(), strict=True) if o]
    if learning:
        index = np.array([org.index for org in learning])
        age = (model.t - np.array([org.created_at for org in learning])) / 4.0
        learnt = 1.0 - np.exp(-age / b.excellence_learning_years)
        base = np.array([org.excellence_base for org in learning], dtype=float)
        attainable = np.minimum(1.0, base + b.excellence_gain_max * learnt * t.activity[index])
        excellence = t.excellence[index]
        excellence += b.excellence_adjust * (attainable - excellence)
        t.excellence[index] = excellence
    t.last_year_grants[orgs] = t.year_grants[orgs]
    t.year_grants[orgs] = 0.0
    t.last_year_member_money[orgs] = t.year_member_money[orgs]
    t.year_member_money[orgs] = 0.0
    t.year_cash_fees[orgs] = 0.0
    t.deposit_deadline[orgs] = NEVER
    t.reserves_at_year_start[orgs] = t.cash[orgs]
    sme = f.is_sme[ms.firm[rows_all]]
    code = t.kind[orgs].astype(np.int64)
    weight_all = fee_weights(model, sme, code[seg])
    count = np.bincount(seg, minlength=len(orgs))
    ends = np.cumsum(count)
    starts = ends - count
    weight = np.array([weight_all[a:z].sum() for a, z in zip(starts, ends, strict=True)])
    share = np.array([cofinancing.year_share(model, org) for org in objs], dtype=float)
    kinds = cofinancing.kind_terms(model)
    plans = [
        cofinancing.plan_of(*x, *kinds) for x in zip(code, count.astype(float), weight, share, strict=True)
    ]
    target, unit, money, grant, activity = np.array(plans, dtype=float).T
    viable = money + grant >= kinds[0][code]
    going = np.ones(len(orgs), dtype=bool)
    for i, org in enumerate(objs):
        org.unviable_years = 0 if viable[i] else org.unviable_years + 1
        if org.unviable_years >= b.unviable_years_max:
            cofinancing.end_organisation(model, org, rows_all[starts[i] : ends[i]], drop)
            going[i] = False
    on = orgs[going]
    t.budget_target[on], t.unit_fee[on], t.activity[on] = target[going], unit[going], activity[going]
    t.grant_annual[on] = grant[going]
    member_on = going[seg]
    rows, seg_on = rows_all[member_on], seg[member_on]
    allowed = in_kind_table(model)[orgs]
    cash, time, credit = kernels.fee_split(model, sme[member_on], code[seg_on], unit[seg_on], allowed[seg_on])
    ms.fee_cash[rows], ms.fee_credit[rows], ms.fee_time[rows] = cash, credit, time
    ms.dues[rows] = cash
    ms.dues_paid_year[rows] = 0.0
    for k in np.flatnonzero(going):
        mine = seg_on == k
        t.cash_plan[orgs[k]] = cash[mine].sum()
        t.credit_plan[orgs[k]] = credit[mine].sum()
        t.member_money_plan[orgs[k]] = t.cash_plan[orgs[k]] + t.credit_plan[orgs[k]]
        if (
            model.policy_active
            and pol.lapse_rule != "none"
            and t.recognised[orgs[k]]
            and t.supported[orgs[k]]
            and code[k] != KIND_CODE[LEGACY]
        ):
            t.deposit_required[orgs[k]] = pol.deposit_share * t.cash_plan[orgs[k]]
            t.deposit_deadline[orgs[k]] = model.t + pol.deposit_window_quarters - 1


def _state(m: ClusterPolicyModel, drop: np.ndarray) -> dict[str, np.ndarray]:
    t, ms = m.org_table, m.memberships
    columns = (
        "kind", "alive", "recognised", "supported", "anchor", "unviable_years", "deposit_deadline",
        *OrgTable.FLOAT, *OrgTable.MONEY, *OrgTable.LEDGER,
    )  # fmt: skip
    out = {name: getattr(t, name)[: t.n].copy() for name in columns}
    for name in (*ms.INT_COLUMNS, *ms.FLOAT_COLUMNS):
        out["ms." + name] = getattr(ms, name).copy()
    out["drop"] = drop.copy()
    out["firm cash"] = m.firms.cash.copy()
    out["must_review"] = m.firms.must_review.copy()
    out["recovered"] = np.array([m.agency.recovered])
    out["expelled"] = np.array([m.counters.members_expelled, m.counters.clusters_dissolved])
    return out


def _compare(m: ClusterPolicyModel, prepare) -> dict[str, np.ndarray]:
    """Take every alive organisation's project-year start both ways from the same state; the result."""
    prepare(m)
    t = m.org_table
    orgs = np.flatnonzero(t.alive[: t.n])
    rows, bounds = cofinancing.rows_by_org(m.memberships.org, orgs, t.n)
    runs = []
    for start in (reference_start, cofinancing.start_project_years):
        mm = copy.deepcopy(m)
        drop = np.zeros(len(mm.memberships), dtype=bool)
        start(mm, orgs, rows, bounds, drop)
        runs.append(_state(mm, drop))
    ref, new = runs
    for name, value in ref.items():
        assert np.array_equal(value, new[name]), name
    return new


def test_the_compiled_year_start_matches_the_numpy_steps() -> None:
    m = ClusterPolicyModel(small(), rng=2)
    for _ in range(10):
        m.step()
    _compare(m, lambda m: None)


def test_it_matches_them_with_sunsets_expulsions_and_endings() -> None:
    p = small(**{"behaviour.fee_max_large_ibn": 2000.0, "policy.support_path": "degressive"})
    m = ClusterPolicyModel(p, rng=3)
    for _ in range(9):
        m.step()

    def prepare(m: ClusterPolicyModel) -> None:
        t = m.org_table
        alive = np.flatnonzero(t.alive[: t.n])
        t.support_until[alive[::3]] = m.t  # some supports end now
        t.unviable_years[alive[1::2]] = m.p.behaviour.unviable_years_max - 1  # one unviable year ends them
        m.memberships.dues[::5] = 100.0  # unpaid dues: expelled where past the first year

    before = np.array([m.counters.members_expelled, m.counters.clusters_dissolved])
    sunsets = len(m.past_sunset)
    after = _compare(m, prepare)
    assert (after["expelled"] > before).all(), "members were expelled and organisations ended"
    assert after["deposit_deadline"].max() > NEVER, "deposits are due"
    assert sunsets == len(m.past_sunset)  # (the model compared is a copy)


def test_moved_excellence_is_the_numpy_formula() -> None:
    rng = np.random.default_rng(1)
    e, base, learnt, act = rng.random((4, 200))
    base *= 1.5  # attainable sometimes above 1
    want = e + 0.3 * (np.minimum(1.0, base + 0.4 * learnt * act) - e)
    got = [cofinancing.moved_excellence(*x, 0.4, 0.3) for x in zip(e, base, learnt, act, strict=True)]
    assert np.array_equal(want, got)


def test_year_starts_deposits_and_sunsets_are_found_as_numpy_finds_them() -> None:
    m = ClusterPolicyModel(small(), rng=2)
    for _ in range(9):
        m.step()
    t, ms = m.org_table, m.memberships
    n = t.n
    for now in range(m.t, m.t + 4):
        starting, rows, bounds = cofinancing.year_starts(t.alive[:n], t.anchor[:n], now, ms.org)
        want = np.flatnonzero(t.alive[:n] & ((now - t.anchor[:n]) % 4 == 0))
        assert np.array_equal(starting, want)
        for k, j in enumerate(want):
            assert np.array_equal(rows[bounds[k] : bounds[k + 1]], np.flatnonzero(ms.org == j))
        deadline = t.deposit_deadline[:n].copy()
        cash = (t.reserves_at_year_start[:n], t.year_cash_fees[:n], t.deposit_required[:n])
        short = cofinancing.deposits_checked(t.alive[:n], deadline, now, *cash, 0.9)
        due = t.alive[:n] & (t.deposit_deadline[:n] == now)
        deposited = t.reserves_at_year_start[:n] + t.year_cash_fees[:n]
        want = due & (deposited < 0.9 * t.deposit_required[:n] - 1e-6)
        assert np.array_equal(short, np.flatnonzero(want))
        assert (deadline[due] == NEVER).all() and np.array_equal(deadline[~due], t.deposit_deadline[:n][~due])
        orgs = np.arange(n)
        ending = cofinancing.support_ending(orgs, t.supported, t.support_until, now)
        until = t.support_until[:n]
        assert np.array_equal(ending, np.flatnonzero(t.supported[:n] & (until != NEVER) & (now >= until)))


def test_year_rules_follow_the_parameters_and_the_policy_state() -> None:
    m = ClusterPolicyModel(small(), rng=1)
    m.policy_active = True
    on = cofinancing.year_rules(m)
    assert cofinancing.year_rules(m) is on and on.active and on.deposits
    m.policy_active = False
    off = cofinancing.year_rules(m)
    assert not off.active and not off.deposits and not off.in_kind
    other = ClusterPolicyModel(small(**{"behaviour.unviable_years_max": 7}), rng=1)
    assert cofinancing.year_rules(other).unviable_years_max == 7
    assert cofinancing.year_rules(m).unviable_years_max == m.p.behaviour.unviable_years_max


def test_organisation_attributes_read_and_write_their_table_row() -> None:
    m = ClusterPolicyModel(small(), rng=1)
    org, t = m.orgs[0], m.org_table
    org.excellence = 0.25
    org.unviable_years += 2
    org.recognised_at = None
    assert t.excellence[org.index] == 0.25 and t.unviable_years[org.index] == 2
    assert t.recognised_at[org.index] == NEVER
    t.activity[org.index] = 0.5
    t.recognised_at[org.index] = 3
    assert org.activity == 0.5 and isinstance(org.activity, float) and org.recognised_at == 3


def test_firms_short_of_cash_pay_in_the_order_they_joined_as_numpy_orders_them() -> None:
    """Firms short of cash, their memberships interleaved in the table: as a NumPy sort and cumsum."""
    rng = np.random.default_rng(4)
    n_firms, n = 40, 400
    firm = rng.integers(0, n_firms, n)
    dues = np.where(rng.random(n) < 0.7, rng.lognormal(3.0, 1.0, n), 0.0)
    cash = rng.lognormal(3.5, 1.0, n_firms)
    u, pay_probability = rng.random(n_firms), np.full(n_firms, 0.8)
    due = np.where((dues > 0) & (u[firm] < pay_probability[firm]), dues, 0.0)
    total = np.bincount(firm, weights=due, minlength=n_firms)
    short = (due > 0) & (total[firm] > cash[firm] + cofinancing.CASH_SLACK)
    want = (due > 0) & ~short
    order = np.flatnonzero(short)[np.argsort(firm[short], kind="stable")]
    running = np.cumsum(due[order])
    first = np.r_[True, firm[order][1:] != firm[order][:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    before = np.where(start > 0, running[start - 1], 0.0)
    want[order] = running - before <= cash[firm[order]] + cofinancing.CASH_SLACK
    assert 0 < short.sum() < (due > 0).sum() and want[short].any() and not want[short].all()
    assert np.array_equal(cofinancing.paying_in_order(firm, dues, cash, u, pay_probability), want)

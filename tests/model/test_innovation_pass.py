"""The R&D and innovation phase's compiled passes give the state its NumPy formulation gives, bit for bit.

:func:`reference_run` is the phase written as whole-array NumPy operations (as it was before its loops
were compiled); the phase itself (:func:`clusterpolicy.model.phases.innovation.run`) must leave the
model in exactly the same state: firm arrays, counters, subsidies still to end, random streams.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from helpers import MAIN_SCENARIOS, small

from clusterpolicy.model import ClusterPolicyModel, compiled
from clusterpolicy.model.agency import fund_in_rank_order
from clusterpolicy.model.phases import innovation
from clusterpolicy.model.phases.projects import add_subsidy

FIRM_ARRAYS = ("subsidy_project", "subsidy_eu", "knowledge", "own_rd", "innovations", "eu_grants")


def reference_help(model: ClusterPolicyModel) -> np.ndarray:
    f = model.firms
    ms = model.memberships
    if len(ms) == 0:
        return np.zeros(f.n)
    t = model.org_table
    n = t.n
    excellence = t.excellence[:n] * np.where(t.societal[:n], model.p.behaviour.societal_value_factor, 1.0)
    org_help = np.clip(np.where(t.alive[:n], excellence * t.activity[:n], 0.0), 0.0, 1.0)
    with np.errstate(divide="ignore"):
        log_rest = np.log1p(-org_help)
    total = np.bincount(ms.firm, weights=log_rest[ms.org], minlength=f.n)
    help_ = np.zeros(f.n)
    member = np.flatnonzero(ms.member_mask(f.n))
    help_[member] = 1.0 - np.exp(total[member])
    return help_


def reference_eu_money(model: ClusterPolicyModel, help_: np.ndarray) -> None:
    b = model.p.behaviour
    f = model.firms
    rng = model.streams["eu"]
    u_apply = rng.random(f.n)
    u_win = rng.random(f.n)
    z = rng.standard_normal(f.n)
    p_win = np.minimum(b.eu_success_base * (1.0 + b.eu_excellence_uplift * help_), 1.0)
    win = np.flatnonzero((u_apply < model.eu_apply_quarterly) & (u_win < p_win))
    strength = 1.0 - u_win[win] / p_win[win]
    if len(win) == 0:
        return
    s = b.eu_grant_sigma
    size = np.where(f.is_sme[win], b.eu_grant_sme_factor, 1.0)
    amount = b.eu_grant_mean * np.exp(s * z[win] - s**2 / 2.0) * size
    funded = fund_in_rank_order(strength, amount, model.p.population.eu_budget / 4.0)
    win, amount = win[funded], amount[funded]
    f.eu_grants[win] += amount
    c = model.counters
    c.eu_funding += float(amount.sum())
    members = model.memberships.member_mask(f.n)
    c.eu_funding_members += float(amount[members[win]].sum())
    add_subsidy(model, win, amount, b.project_quarters, eu=True)


def reference_run(model: ClusterPolicyModel) -> None:
    b = model.p.behaviour
    f = model.firms
    for rows, rate, eu in model.subsidy_expiry.pop(model.t, []):
        target = f.subsidy_eu if eu else f.subsidy_project
        target -= np.bincount(rows, weights=rate, minlength=f.n)
    np.maximum(f.subsidy_project, 0.0, out=f.subsidy_project)
    np.maximum(f.subsidy_eu, 0.0, out=f.subsidy_eu)
    help_ = reference_help(model)
    f.knowledge *= 1.0 - b.knowledge_decay / 4.0
    f.knowledge += b.knowledge_gain_membership / 4.0 * help_
    f.own_rd[:] = f.base_rd * model.trend(model.t) * (1.0 + b.knowledge_rd_effect * f.knowledge)
    reference_eu_money(model, help_)
    rd_m = f.rd(b.subsidy_pass_through) / 1e6
    p_innov = 1.0 - np.exp(-b.innovation_rate * rd_m * (1.0 + f.knowledge))
    new = model.streams["innovation"].random(f.n) < p_innov
    f.innovations += new
    c = model.counters
    c.innovations_sme += int(np.count_nonzero(new & f.is_sme))
    c.innovations_follower += int(np.count_nonzero(new & f.follower))


def assert_same_state(a: ClusterPolicyModel, b: ClusterPolicyModel) -> None:
    for name in FIRM_ARRAYS:
        x, y = getattr(a.firms, name), getattr(b.firms, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
        assert np.array_equal(np.signbit(x), np.signbit(y)), f"{name}: signs of zeros"
    assert vars(a.counters) == vars(b.counters)
    assert all(type(v) is type(vars(b.counters)[k]) for k, v in vars(a.counters).items())
    assert a.subsidy_expiry.keys() == b.subsidy_expiry.keys()
    for t, entries in a.subsidy_expiry.items():
        for (rows, rate, eu), (rows2, rate2, eu2) in zip(entries, b.subsidy_expiry[t], strict=True):
            assert eu == eu2 and np.array_equal(rows, rows2) and np.array_equal(rate, rate2)
    for name, rng in a.streams.items():
        assert rng.bit_generator.state == b.streams[name].bit_generator.state, name


def clone(model: ClusterPolicyModel) -> ClusterPolicyModel:
    return pickle.loads(pickle.dumps(model))


@pytest.mark.parametrize("name", MAIN_SCENARIOS)
def test_the_phase_gives_the_state_of_its_numpy_formulation(name: str) -> None:
    m = ClusterPolicyModel(small(name, **{"population.n_firms": 800}), rng=7)
    for quarter in range(14):
        if quarter == 9 and m.org_table.n:  # an organisation that helps its members fully
            j = int(np.flatnonzero(m.org_table.alive[: m.org_table.n])[0])
            m.org_table.excellence[j] = m.org_table.activity[j] = 1.0
        a, b = clone(m), clone(m)
        innovation.run(a)
        reference_run(b)
        assert_same_state(a, b)
        m.step()


def test_no_memberships_no_help() -> None:
    m = ClusterPolicyModel(small(**{"population.n_firms": 300, "simulation.burn_in_quarters": 0}), rng=1)
    m.memberships.remove(np.ones(len(m.memberships), dtype=bool))
    help_, member = innovation.help_and_members(m)
    assert not member.any() and np.array_equal(help_, np.zeros(m.firms.n))
    assert np.array_equal(innovation.member_help(m), reference_help(m))


def test_ending_subsidies_of_a_firm_listed_twice() -> None:
    target = np.array([5.0, 0.1 + 0.2, 7.0, 0.0])
    rows = np.array([1, 2, 1, 1])
    rate = np.array([0.1, 3.0, 0.2, 1e-17])
    expected = target - np.bincount(rows, weights=rate, minlength=len(target))
    innovation.end_subsidy(target, rows, rate)
    assert np.array_equal(target, expected)


def decide(u: np.ndarray, rd: np.ndarray, margin: float, version: str) -> np.ndarray:
    """Which firms innovate, by :func:`innovation.candidates` and :func:`innovation.innovate` (rate 1)."""
    pick = (lambda fn: fn) if version == "compiled" else compiled.python_version
    knowledge = np.zeros(len(u))
    rows, rest = pick(innovation.candidates)(u, rd, knowledge, -1.0, margin)
    innovations = np.zeros(len(u), dtype=np.int64)
    sme, follower = np.ones(len(u), bool), np.zeros(len(u), bool)
    pick(innovation.innovate)(rows, u, np.exp(rest), innovations, sme, follower)
    return innovations == 1


@pytest.mark.parametrize("version", ["compiled", "python"])
def test_only_the_firms_whose_draw_is_below_their_hazard_need_the_exponential(version: str) -> None:
    """The candidates' test decides as ``u < 1 - exp(-hazard)`` for every firm, at the boundary too.

    1 - exp(-x) <= x, but rounding can put 1 - exp(-x) above a tiny hazard x (5e-17 gives 2**-53): without
    the margin, a firm with a draw between the two would not be a candidate, and would not innovate.
    """
    hazard = np.concatenate([np.logspace(-18, 1.5, 400), [0.0, np.inf, np.nan]])
    rd = hazard * 1e6
    p = 1.0 - np.exp(-1.0 * (rd / 1e6) * (1.0 + 0.0))  # as the phase's NumPy formulation has it
    h = rd / 1e6
    u = np.concatenate([np.nextafter(p, -np.inf), p, (p + h) / 2, np.nextafter(h, np.inf)])
    u = np.clip(np.nan_to_num(u, nan=0.5), 0.0, np.nextafter(1.0, 0.0))
    rd = np.tile(rd, 4)
    want = u < np.tile(p, 4)
    assert want.any() and not want.all()
    assert np.array_equal(decide(u, rd, innovation.MARGIN, version), want)
    assert not np.array_equal(decide(u, rd, 0.0, version), want)  # the margin is needed

"""The outcomes' one pass a quarter (metrics.tally) gives what their plain definitions give, bit for bit.

The definitions below are the outcomes written with NumPy masks and Python's ``sum``, one at a time, as
the reporters computed them before the pass; every quarter of small runs of three scenarios is compared
with ``==`` (NaN equal to NaN) and the recorded types are the reporters' declared ones.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import MAIN_SCENARIOS, small

from clusterpolicy.model import ClusterPolicyModel, compiled
from clusterpolicy.model import metrics as mt
from clusterpolicy.model.agents import IBN, KIND_CODE, SPEARHEAD
from clusterpolicy.model.kernels import gini


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else math.nan


def definitions(m: ClusterPolicyModel) -> dict[str, float]:
    """The array-derived outcomes of ``m`` now, by their plain definitions."""
    f, ms, t = m.firms, m.memberships, m.org_table
    n = t.n
    pt = m.p.behaviour.subsidy_pass_through
    alive = t.alive[:n]
    member = np.zeros(f.n, dtype=bool)
    member[ms.firm] = True
    per_firm = np.bincount(ms.firm, minlength=f.n)
    per_org = np.bincount(ms.org, minlength=n)

    def recognised(kind: str) -> np.ndarray:
        return np.flatnonzero(alive & t.recognised[:n] & (t.kind[:n] == KIND_CODE[kind]))

    def firms_in(orgs: np.ndarray) -> np.ndarray:
        chosen = np.zeros(n, dtype=bool)
        chosen[orgs] = True
        mask = np.zeros(f.n, dtype=bool)
        mask[ms.firm[chosen[ms.org]]] = True
        return np.flatnonzero(mask)

    spear, ibns = recognised(SPEARHEAD), recognised(IBN)
    spear_firms = firms_in(spear)
    rate = f.subsidy_project + f.subsidy_eu
    n_members = int(member.sum())
    nonmembers_rd = float(f.own_rd[~member].sum() + pt * rate[~member].sum())
    sizes = sorted(per_org[spear].tolist())
    mid = len(sizes) // 2
    if not sizes:
        median = math.nan
    else:
        median = float(sizes[mid]) if len(sizes) % 2 else (sizes[mid - 1] + sizes[mid]) / 2
    everyone = np.flatnonzero(alive)
    sf = spear[t.last_year_member_money[spear] + t.last_year_grants[spear] > 0]
    money = sum(t.last_year_member_money[sf].tolist())
    g = f.project_grants
    excellence = t.excellence[np.concatenate((spear, ibns))].tolist()
    return {
        "members": n_members,
        "members_multi_share": _ratio(float((per_firm > 1).sum()), float((per_firm > 0).sum())),
        "members_sme": int((member & f.is_sme).sum()),
        "sme_participation_rate": _ratio(int((member & f.is_sme).sum()), float(f.is_sme.sum())),
        "members_spearhead": len(spear_firms),
        "memberships_spearhead": int(np.isin(ms.org, spear).sum()),
        "members_ibn": len(firms_in(ibns)),
        "sme_share_spearhead_members": _ratio(float(f.is_sme[spear_firms].sum()), len(spear_firms)),
        "members_in_eu_projects": int((member & (f.subsidy_eu > 0)).sum()),
        "spearheads_active": len(spear),
        "ibns_active": len(ibns),
        "organisations_alive": int(alive.sum()),
        "cluster_orgs_alive": int((alive & t.ever_recognised[:n]).sum()),
        "spearhead_size_median": median,
        "spearhead_size_max": float(per_org[spear].max()) if len(spear) else math.nan,
        "clusters_self_sustaining": int(
            (
                alive
                & t.ever_recognised[:n]
                & ~t.supported[:n]
                & (t.activity[:n] >= 1.0)
                & (t.last_year_grants[:n] == 0)
                & (t.year_grants[:n] == 0)
            ).sum()
        ),
        "mean_excellence": _ratio(sum(excellence), len(excellence)),
        "public_share_cluster_budgets": _ratio(
            sum(t.grant_annual[everyone].tolist()),
            sum((t.member_money_plan[everyone] + t.grant_annual[everyone]).tolist()),
        ),
        "self_financing_spearheads": _ratio(money, money + sum(t.last_year_grants[sf].tolist())),
        "funding_gini": gini(g[g > 0]),
        "sme_share_project_funding": _ratio(float(g[f.is_sme].sum()), float(g.sum())),
        "business_rd": float(f.own_rd.sum() + pt * rate.sum()),
        "business_rd_own": float(f.own_rd.sum()),
        "business_rd_project_subsidy": float(pt * f.subsidy_project.sum()),
        "business_rd_eu": float(pt * f.subsidy_eu.sum()),
        "business_rd_nonmembers": nonmembers_rd,
        "rd_per_member_firm": _ratio(float(f.own_rd[member].sum() + pt * rate[member].sum()), n_members),
        "rd_per_nonmember_firm": _ratio(nonmembers_rd, f.n - n_members),
        "innovations_total": int(f.innovations.sum()),
        "knowledge_followers": _ratio(float(f.knowledge[f.follower].sum()), float(f.follower.sum())),
    }


def same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)


@pytest.mark.parametrize("name", MAIN_SCENARIOS)
def test_the_pass_gives_the_plain_definitions_every_quarter(name: str) -> None:
    p = small(name, **{"population.n_firms": 1200, "simulation.quarters": 24})
    m = ClusterPolicyModel(p, rng=4)
    quarters = 0
    while m.running:
        m.step()
        want = definitions(m)
        got = {k: v[-1] for k, v in m.datacollector.model_vars.items() if k in want}
        assert set(got) == set(want)
        diffs = {k: (got[k], want[k]) for k in want if not same(got[k], want[k])}
        assert not diffs, f"{name}, quarter {m.t}: {diffs}"
        quarters += 1
    assert quarters == 24


def test_reporters_called_on_the_model_give_the_recorded_values() -> None:
    m = ClusterPolicyModel(small(**{"population.n_firms": 800, "simulation.quarters": 12}), rng=2)
    m.run()
    row = {k: v[-1] for k, v in m.datacollector.model_vars.items()}
    m.t -= 1  # the quarter recorded last (the clock moves on after the record)
    for name, reporter in mt.REPORTERS.items():
        assert same(reporter(m), row[name]), name


def test_the_recorded_columns_have_the_reporters_types() -> None:
    m = ClusterPolicyModel(small(**{"population.n_firms": 800, "simulation.quarters": 8}), rng=2)
    m.run()
    df = m.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(mt.OUTCOMES)
    for name, o in mt.OUTCOMES.items():
        kind = o.reporter.__annotations__["return"]  # "int" or "float" (annotations are strings)
        want = np.int64 if kind == "int" else np.float64
        assert df[name].dtype == want, name


CASES = [
    [],
    [-0.0],
    [-0.0, -0.0],
    [1.5],
    [1e16, 1.0, -1e16],
    [1.0, 1e100, 1.0, -1e100],
    [0.1] * 10,
    [1e308, 1e308],
    [np.inf, 1.0],
    [np.inf, -np.inf],
]


@pytest.mark.parametrize("version", ["compiled", "python"])
def test_python_sum_adds_as_python_sum_does(version: str) -> None:
    total = mt.python_sum if version == "compiled" else compiled.python_version(mt.python_sum)
    rng = np.random.default_rng(11)
    cases = [np.asarray(c, dtype=float) for c in CASES]
    for n in [*range(1, 40), 100, 1000]:
        cases.append(rng.lognormal(0.0, 4.0, n) * rng.choice([-1.0, 1.0], n))
        cases.append(np.round(rng.normal(0.0, 1e6, n), 2))
    for a in cases:
        padded = np.concatenate((a, [7.0]))  # only the first n are added
        want = sum(a.tolist())
        with np.errstate(all="ignore"):  # the infinite cases, as Python
            got = total(padded, len(a))
        assert np.array_equal(np.float64(got), np.float64(want), equal_nan=True), a
        assert np.signbit(got) == np.signbit(want), a

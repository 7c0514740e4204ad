"""Sobol' and Morris indices on functions with known answers: Ishigami, noise flags, convergence."""

from __future__ import annotations

import numpy as np
import pytest
from ishigami import ISHIGAMI_PROBLEM, ishigami, ishigami_indices

from clusterpolicy.analysis.sensitivity import analyze_outputs
from clusterpolicy.studies.sensitivity import function_sensitivity

# Ishigami (a = 7, b = 0.1): analytic first- and total-order indices (Ishigami & Homma 1990; Saltelli et al.
# 2008, Global Sensitivity Analysis: The Primer, §4.9)
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]


ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


# ------------------------------------------------------------------------------------ known answers
def test_the_analytic_ishigami_indices_are_the_textbook_values():
    exact = ishigami_indices(7.0, 0.1)
    assert exact["S1"] == pytest.approx(ISHIGAMI_S1, abs=1e-4)
    assert exact["ST"] == pytest.approx(ISHIGAMI_ST, abs=1e-4)


def test_ishigami_indices_are_recovered_within_their_intervals():
    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, method="sobol", n=1024, seed=1, bootstrap=500)
    d = res.indices.set_index(["index", "parameter"])
    for j, p in enumerate(ISHIGAMI_PROBLEM["names"]):
        for key, exact in (("S1", ISHIGAMI_S1[j]), ("ST", ISHIGAMI_ST[j])):
            value, conf = d.loc[(key, p), "value"], d.loc[(key, p), "conf"]
            assert 0 < conf < 0.15, (key, p, conf)
            assert abs(value - exact) <= conf + 0.02, (key, p, value, conf, exact)
    assert d["converged"].all()
    assert not any("not settled" in w for w in res.warnings)
    assert res.points == 1024 * 5 and res.n == res.n_used == 1024


def test_morris_ranks_a_parameter_without_effect_last():
    def f(x):
        return 10 * x[:, 0] + x[:, 1] ** 2 + 0.0 * x[:, 2] + np.sin(3 * x[:, 0]) * x[:, 1]

    problem = {"num_vars": 3, "names": ["a", "b", "none"], "bounds": [[0, 1], [0, 2], [0, 1]]}
    res = function_sensitivity(f, problem, method="morris", n=30, seed=2, bootstrap=200)
    mu_star = res.table("mu_star").iloc[0]
    assert list(mu_star.sort_values(ascending=False).index) == ["a", "b", "none"]
    assert mu_star["none"] == pytest.approx(0.0, abs=1e-12)
    sigma = res.table("sigma").iloc[0]
    assert sigma["none"] == pytest.approx(0.0, abs=1e-12) and sigma["b"] > 0
    mu = res.table("mu").iloc[0]
    assert mu["a"] > 0  # the direction: a raises f


def test_one_replication_flags_nothing_and_says_so():
    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, n=64, seed=1, bootstrap=100)
    assert res.indices["below_noise"].isna().all()
    assert any("replicate noise cannot be estimated" in w for w in res.warnings)


# ----------------------------------------------------------------------------------- convergence
def test_convergence_warning_fires_on_a_tiny_design():
    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, n=8, seed=1, bootstrap=200)
    assert (res.indices["converged"] == False).any()  # noqa: E712
    assert any("have not settled" in w and "N/2=4 and N=8" in w for w in res.warnings)
    morris = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, method="morris", n=4, seed=1, bootstrap=100)
    assert any("have not settled" in w for w in morris.warnings)


def test_a_design_too_small_to_check_says_so():
    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, n=2, seed=1, bootstrap=100)
    assert res.indices["converged"].isna().all()
    assert any("too few to check convergence" in w for w in res.warnings)


def test_convergence_uses_the_first_half_of_the_base_samples():
    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, n=64, seed=3, bootstrap=100)
    half = analyze_outputs(
        ISHIGAMI_PROBLEM,
        {"y": ishigami(_sample(64, 3)[: 32 * 5])},
        method="sobol",
        bootstrap=100,
        seed=3,
    )
    a = res.indices.set_index(["index", "parameter"])["half"]
    b = half.indices.set_index(["index", "parameter"])["value"]
    assert np.allclose(a.sort_index(), b.sort_index())


def _sample(n, seed):
    from clusterpolicy.runs.samplers import salib_sample

    return salib_sample(ISHIGAMI_PROBLEM, "sobol", n, seed=seed)


def test_indices_outside_zero_and_one_are_explained_with_the_n_that_would_fix_them():
    from clusterpolicy.analysis.sensitivity import out_of_range

    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, method="sobol", n=8, seed=3, bootstrap=200)
    wide = out_of_range(res)
    assert len(wide) and set(wide["side"]) <= {"above 1", "below 0"}
    for r in wide.itertuples():
        value = res.indices.set_index(["parameter", "index"]).loc[(r.parameter, r.index), "value"]
        assert value > 1 or value < 0
        # the half-width shrinks as 1/sqrt(N): N * (conf / 0.05)^2, rounded up to a power of two
        assert r.n_needed >= 8 * (r.conf / 0.05) ** 2 and r.n_needed & (r.n_needed - 1) == 0
        assert any(
            f"{r.parameter} {r.index} = " in w and "base samples would narrow" in w for w in res.warnings
        )
    settled = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, method="sobol", n=1024, seed=1, bootstrap=200)
    assert out_of_range(settled).empty


def test_the_convergence_path_ends_at_the_reported_indices():
    from clusterpolicy.analysis.sensitivity import convergence

    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, method="sobol", n=64, seed=1, bootstrap=200)
    path = convergence(res)
    assert sorted(set(path["n"])) == [8, 16, 32, 64]
    last = path[path["n"] == 64].set_index(["parameter", "index"])["value"]
    final = res.indices.set_index(["parameter", "index"])["value"]
    for key in last.index:
        assert last[key] == pytest.approx(final[key])

"""Hypothesis statistics: null effects at rate alpha, verdicts agree with intervals, scipy's paired t,
corrections, margins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from clusterpolicy.analysis.additionality import classify
from clusterpolicy.analysis.hypothesis import VERDICT_COLUMNS, adjust, paired_test, verdicts
from clusterpolicy.analysis.stats import paired_diff_ci
from clusterpolicy.inputs.hypothesis_file import load_hypothesis


def _fake_finals(rng, n, effects, sd_common=5.0, sd_own=1.0, values=("0", "0.2", "0.4")):
    """Finals of a synthetic design: one metric per effect size, paired by replicate."""
    rows = []
    common = rng.normal(0, sd_common, size=(n, len(effects)))
    for j, lab in enumerate(values):
        for r in range(n):
            row = {"label": lab, "replicate": r}
            for k, e in enumerate(effects):
                row[f"m{k}"] = 10.0 + common[r, k] + e * j + rng.normal(0, sd_own)
            rows.append(row)
    return pd.DataFrame(rows)


class _Spec:
    """A stand-in for HypothesisSpec over metrics m0, m1, ... (to test the statistics alone)."""

    def __init__(self, metrics, expected="increase", correction="none", alpha=0.05):
        from clusterpolicy.inputs.hypothesis_file import Expectation, HypothesisSpec

        base = load_hypothesis("H3")
        self.spec = HypothesisSpec(
            **{
                **{f: getattr(base, f) for f in base.__dataclass_fields__},
                "outcomes": tuple(Expectation(m, expected) for m in metrics),
                "correction": correction,
                "alpha": alpha,
                "values": (0.0, 0.2, 0.4),
                "reference": 0.0,
            }
        )


def test_without_correction_a_null_effect_is_rejected_at_rate_alpha():
    rng = np.random.default_rng(11)
    metrics = [f"m{k}" for k in range(40)]
    spec = _Spec(metrics).spec
    rejected = total = 0
    for _ in range(25):
        finals = _fake_finals(rng, 10, [0.0] * 40)
        v = verdicts(spec, finals)
        rejected += int((v["verdict"] != "not supported").sum())
        total += len(v)
    assert 0.03 <= rejected / total <= 0.07  # 2,000 tests at α = 0.05


# ------------------------------------------------------------------------------ verdicts and intervals
@pytest.mark.parametrize("correction", ["none", "bonferroni", "bh"])
def test_verdicts_and_intervals_agree(correction):
    rng = np.random.default_rng(5)
    effects = [0.0, 0.3, -0.3, 0.6, -0.6, 1.0, 2.0, -2.0]
    spec = _Spec([f"m{k}" for k in range(len(effects))], correction=correction).spec
    n_checked = {"supported": 0, "opposite": 0, "not supported": 0}
    for _ in range(15):
        finals = _fake_finals(rng, 8, effects)
        v = verdicts(spec, finals)
        assert list(v.columns) == VERDICT_COLUMNS
        for _, r in v.iterrows():
            excludes = r["ci_low"] > r["tested_against"] or r["ci_high"] < r["tested_against"]
            assert (r["verdict"] != "not supported") == excludes
            if r["verdict"] == "supported":
                assert r["ci_low"] > 0  # expected: increase
            if r["verdict"] == "opposite":
                assert r["ci_high"] < 0
            assert r["ci_low"] <= r["effect"] <= r["ci_high"]
            n_checked[r["verdict"]] += 1
        if correction == "none":
            assert (v["p_adjusted"] == v["p_value"]).all() and (v["ci_level"] == 0.95).all()
    assert min(n_checked.values()) >= 5, n_checked


def test_p_values_and_intervals_are_scipys_paired_t():
    rng = np.random.default_rng(2)
    finals = _fake_finals(rng, 9, [0.4])
    v = verdicts(_Spec(["m0"]).spec, finals).set_index("value")
    f = finals.set_index(["label", "replicate"])["m0"]
    x, y = f.loc["0.2"].to_numpy(), f.loc["0"].to_numpy()
    assert v.loc["0.2", "p_value"] == pytest.approx(stats.ttest_rel(x, y).pvalue)
    ci = paired_diff_ci(x, y, 0.95)
    assert (v.loc["0.2", "ci_low"], v.loc["0.2", "ci_high"]) == pytest.approx((ci.low, ci.high))
    assert v.loc["0.2", "effect"] == pytest.approx(np.mean(x - y))


def test_adjustments():
    p = np.array([0.001, 0.01, 0.02, 0.5, np.nan])
    b, level = adjust(p, 0.05, "bonferroni")
    assert (
        b[:4] == pytest.approx([0.004, 0.04, 0.08, 1.0])
        and np.isnan(b[4])
        and level == pytest.approx(1 - 0.05 / 4)
    )
    bh, level = adjust(p, 0.05, "bh")
    assert bh[:4] == pytest.approx(stats.false_discovery_control(p[:4]))
    assert level == pytest.approx(1 - 3 * 0.05 / 4)  # three discoveries (0.004, 0.02, 0.027 adjusted)
    n, level = adjust(p, 0.05, "none")
    assert n[:4] == pytest.approx(p[:4]) and level == 0.95


def test_paired_test_edge_cases():
    assert np.isnan(paired_test(np.array([1.0]), np.array([0.0])).p)
    t = paired_test(np.array([2.0, 3.0, np.nan]), np.array([1.0, 2.0, 5.0]))
    assert (t.n, t.effect, t.p) == (2, 1.0, 0.0)  # the same difference in every pair: no noise
    assert paired_test(np.array([1.0, 2.0]), np.array([1.0, 2.0])).p == 1.0


def test_a_margin_tests_no_decrease(tmp_path):
    rng = np.random.default_rng(4)
    from clusterpolicy.inputs.hypothesis_file import Expectation, HypothesisSpec

    base = _Spec(["m0"]).spec
    fields = {f: getattr(base, f) for f in base.__dataclass_fields__}
    small_drop = _fake_finals(rng, 12, [-0.2], sd_own=0.1)
    spec = HypothesisSpec(**{**fields, "outcomes": (Expectation("m0", "no decrease", margin=1.0),)})
    v = verdicts(spec, small_drop)
    assert (v["verdict"] == "supported").all() and (v["tested_against"] == -1.0).all()
    big_drop = _fake_finals(rng, 12, [-3.0], sd_own=0.1)
    assert (verdicts(spec, big_drop)["verdict"] == "opposite").all()


# ------------------------------------------------------------------------------ additionality
def test_additionality_classes():
    assert classify(1.0) == "additional" and classify(1.7) == "additional"
    assert classify(0.5) == "partial crowding-out" and classify(1e-9) == "partial crowding-out"
    assert classify(0.0) == "full crowding-out" and classify(-0.3) == "full crowding-out"
    assert classify(float("nan")) == "undefined"

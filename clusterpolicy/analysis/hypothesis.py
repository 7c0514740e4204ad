"""Hypothesis tests for advisory councils: a yes/no per outcome, with a number and an interval.

Every value of a hypothesis file's lever (see :mod:`clusterpolicy.inputs.hypothesis_file`) is run with
the same replicate seeds (common random numbers), so that replicate ``r`` at one value and replicate
``r`` at the reference form a pair. The statistics, per outcome and per value compared with the reference:

* the *effect* is the mean over replicates of the paired difference (value − reference) of the outcome's
  last-quarter value;
* the *p-value* is that of the two-sided paired t-test (:func:`scipy.stats.ttest_rel`) of the difference
  against 0 (``increase``/``decrease``) or against the margin (``no decrease``/``no increase``);
* the p-values of all outcomes × comparisons of a file form one family and are adjusted together:
  Bonferroni (default; family-wise error rate), Benjamini–Hochberg (``bh``; false discovery rate, via
  :func:`scipy.stats.false_discovery_control`) or not at all (``none``);
* the interval is the Student-t interval of the paired difference at the level that matches the
  adjustment -- 1 − α/m for Bonferroni over m tests, 1 − Rα/m for Benjamini–Hochberg with R discoveries
  (Benjamini & Yekutieli 2005), 1 − α without adjustment -- so that a verdict other than "not supported"
  holds exactly when the interval excludes the tested value;
* the verdict is "supported" when the adjusted p-value is below α and the effect lies on the expected side,
  "opposite" when it is below α on the other side, and "not supported" otherwise.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.analysis.stats import mean_ci, paired_diff_ci
from clusterpolicy.inputs.hypothesis_file import HypothesisSpec, value_label

VERDICTS = ("supported", "not supported", "opposite")
VERDICT_COLUMNS = [
    "hypothesis",
    "outcome",
    "comparison",
    "effect",
    "ci_low",
    "ci_high",
    "p_value",
    "p_adjusted",
    "verdict",
    "expected",
    "tested_against",
    "value",
    "reference",
    "reference_mean",
    "value_mean",
    "n",
    "ci_level",
    "correction",
    "tests_in_family",
]
TEST_NAME = "two-sided paired t-test (scipy.stats.ttest_rel)"


@dataclass(frozen=True)
class PairedTest:
    """A paired comparison before adjustment."""

    effect: float
    n: int
    p: float
    tested_against: float


def paired_test(values: np.ndarray, reference: np.ndarray, tested_against: float = 0.0) -> PairedTest:
    """Paired t-test of ``mean(values − reference) = tested_against`` over pairs where both are finite.

    The p-value is two-sided, from :func:`scipy.stats.ttest_rel`. With fewer than two pairs it is NaN;
    when every difference is the same it is 0 (a difference without noise) or 1 (no difference).
    """
    from scipy import stats

    a = np.asarray(values, dtype=float)
    b = np.asarray(reference, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    d = a - b
    n = len(d)
    if n == 0:
        return PairedTest(float("nan"), 0, float("nan"), tested_against)
    effect = float(d.mean())
    if n < 2:
        return PairedTest(effect, n, float("nan"), tested_against)
    if float(d.std(ddof=1)) == 0.0:
        return PairedTest(effect, n, 0.0 if effect != tested_against else 1.0, tested_against)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # near-constant differences: precision notes
        p = float(stats.ttest_rel(a, b + tested_against).pvalue)
    return PairedTest(effect, n, p, tested_against)


def adjust(p: np.ndarray, alpha: float, method: str) -> tuple[np.ndarray, float]:
    """Adjust a family of p-values; also return the matching confidence level of the intervals.

    NaN p-values stay NaN and do not count in the family.

    Returns:
        The adjusted p-values and the level: 1 − α/m (Bonferroni), 1 − max(R, 1)·α/m
        (Benjamini–Hochberg with R discoveries, the false-coverage-rate level of Benjamini & Yekutieli
        2005), or 1 − α (none).
    """
    from scipy import stats

    p = np.asarray(p, dtype=float)
    ok = np.isfinite(p)
    m = int(ok.sum())
    out = np.full(p.shape, np.nan)
    if m == 0:
        return out, 1 - alpha
    if method == "none":
        out[ok] = p[ok]
        return out, 1 - alpha
    if method == "bonferroni":
        out[ok] = np.minimum(1.0, p[ok] * m)
        return out, 1 - alpha / m
    if method == "bh":
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
        r = int((out[ok] < alpha).sum())
        return out, 1 - max(r, 1) * alpha / m
    raise ValueError(f"unknown correction {method!r}")


def verdict_of(p_adjusted: float, effect: float, tested_against: float, expected: str, alpha: float) -> str:
    """``supported``, ``opposite`` or ``not supported`` (see the module docstring)."""
    if not (math.isfinite(p_adjusted) and p_adjusted < alpha) or effect == tested_against:
        return "not supported"
    above = effect > tested_against
    wants_above = expected in ("increase", "no decrease")
    return "supported" if above == wants_above else "opposite"


def tested_value(expected: str, margin: float) -> float:
    """The value the mean difference is tested against: 0, or ∓ the margin for "no decrease/increase"."""
    if expected == "no decrease":
        return -margin
    if expected == "no increase":
        return margin
    return 0.0


def verdicts(spec: HypothesisSpec, finals: pd.DataFrame) -> pd.DataFrame:
    """The verdict table of a hypothesis from the last-quarter values of its runs.

    Args:
        spec: the hypothesis.
        finals: one row per run with ``label`` (the value's label), ``replicate`` and the outcome metrics;
            runs are paired by ``replicate``, whatever the row order.

    Returns:
        One row per outcome and comparison, with :data:`VERDICT_COLUMNS`.
    """
    ref_label = spec.reference_label
    wide = {}
    for o in spec.outcomes:
        if len(finals) and o.metric in finals.columns:
            wide[o.metric] = finals.pivot(index="replicate", columns="label", values=o.metric)
        else:
            wide[o.metric] = pd.DataFrame()
    rows: list[dict[str, Any]] = []
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    for o in spec.outcomes:
        table = wide[o.metric]
        for v in spec.comparisons:
            lab = value_label(v)
            expected = spec.expected_for(o, v)
            against = tested_value(expected, o.margin)
            if lab in table and ref_label in table:
                x, y = table[lab].to_numpy(dtype=float), table[ref_label].to_numpy(dtype=float)
            else:
                x = y = np.array([], dtype=float)
            t = paired_test(x, y, against)
            pairs.append((x, y))
            rows.append(
                {
                    "hypothesis": spec.id,
                    "outcome": o.metric,
                    "comparison": spec.comparison_text(v),
                    "effect": t.effect,
                    "p_value": t.p,
                    "expected": expected,
                    "tested_against": against,
                    "value": lab,
                    "reference": ref_label,
                    "reference_mean": mean_ci(y).mean,
                    "value_mean": mean_ci(x).mean,
                    "n": t.n,
                }
            )
    p_adj, level = adjust(np.array([r["p_value"] for r in rows]), spec.alpha, spec.correction)
    m = int(np.isfinite([r["p_value"] for r in rows]).sum())
    for r, pa, (x, y) in zip(rows, p_adj, pairs, strict=True):
        ci = paired_diff_ci(x, y, level) if r["n"] >= 2 else None
        r["ci_low"] = ci.low if ci else float("nan")
        r["ci_high"] = ci.high if ci else float("nan")
        r["p_adjusted"] = float(pa)
        r["verdict"] = verdict_of(float(pa), r["effect"], r["tested_against"], r["expected"], spec.alpha)
        r["ci_level"] = level
        r["correction"] = spec.correction
        r["tests_in_family"] = m
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)


@dataclass
class HypothesisResult:
    """What a hypothesis test found.

    Attributes:
        spec: the hypothesis.
        seeds: the replicate seeds.
        verdicts: one row per outcome and comparison (:data:`VERDICT_COLUMNS`).
        finals: the last-quarter outcomes of every run (``label``, ``replicate``, ``seed``, outcomes).
        failures: run id -> error of the runs that raised.
        last_quarter: the quarter whose values are compared.
    """

    spec: HypothesisSpec
    seeds: list[int]
    verdicts: pd.DataFrame
    finals: pd.DataFrame
    failures: dict[int, str] = field(default_factory=dict)
    last_quarter: str = "?"

    @property
    def level(self) -> float:
        """The intervals' level (it follows the correction)."""
        return float(self.verdicts["ci_level"].iloc[0]) if len(self.verdicts) else 1 - self.spec.alpha

    @property
    def tests(self) -> int:
        """Tests in the family."""
        return int(self.verdicts["tests_in_family"].iloc[0]) if len(self.verdicts) else 0


# the rules of privileged access (policy.privileged_mode), in the order they are reported
MODES = ("reserve", "reserve_release", "priority", "bonus")


@dataclass
class CrowdingOut:
    """The crowding-out question under each rule of privileged access.

    Attributes:
        results: the hypothesis result of each rule (``policy.privileged_mode``), in :data:`MODES` order.
    """

    results: dict[str, HypothesisResult]

    def verdicts(self) -> pd.DataFrame:
        """Every rule's verdicts in one table, with a ``mode`` column first."""
        frames = [r.verdicts.assign(mode=m) for m, r in self.results.items()]
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return df[["mode", *(c for c in df.columns if c != "mode")]] if len(df) else df

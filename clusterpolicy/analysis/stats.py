"""Intervals for means and paired differences over replications (Student t, SciPy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Interval:
    """A mean with its confidence interval, over ``n`` values."""

    mean: float
    low: float
    high: float
    n: int


def mean_ci(values: np.ndarray, level: float = 0.95) -> Interval:
    """Mean and Student-t confidence interval of the finite values.

    With one value the interval is that value; with none, NaN. With zero spread the interval is the mean.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return Interval(float("nan"), float("nan"), float("nan"), 0)
    m = float(x.mean())
    if n == 1:
        return Interval(m, m, m, 1)
    se = float(x.std(ddof=1)) / np.sqrt(n)
    if se == 0:
        return Interval(m, m, m, n)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
    return Interval(m, m - half, m + half, n)


def paired_diff_ci(values: np.ndarray, reference: np.ndarray, level: float = 0.95) -> Interval:
    """Mean difference ``values - reference`` over pairs (replicates) where both are finite."""
    a = np.asarray(values, dtype=float)
    b = np.asarray(reference, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    return mean_ci(a[ok] - b[ok], level)

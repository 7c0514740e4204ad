"""Intervals: Student-t intervals of means and of paired differences cover at their level."""

from __future__ import annotations

import numpy as np

from clusterpolicy.analysis.stats import mean_ci, paired_diff_ci


def test_intervals_cover_a_known_mean_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    trials = 4000
    hits = 0
    diff_hits = 0
    for _ in range(trials):
        x = rng.normal(5.0, 2.0, size=10)
        ci = mean_ci(x)
        hits += ci.low <= 5.0 <= ci.high
        common = rng.normal(0, 3.0, size=10)
        di = paired_diff_ci(common + rng.normal(1.5, 1.0, size=10), common)
        diff_hits += di.low <= 1.5 <= di.high
    assert 0.935 <= hits / trials <= 0.965
    assert 0.935 <= diff_hits / trials <= 0.965

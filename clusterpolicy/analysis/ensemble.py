"""How an answer changes when the calibrated values are uncertain: the point calibration against the ensemble.

A study run twice with the same seeds -- once at the calibrated point, once drawing a parameter set per
replication from the calibration's ensemble -- gives two answers; these functions set them side by side,
comparison by comparison, and mark where a verdict or a class changes.
"""

from __future__ import annotations

import pandas as pd

from clusterpolicy.analysis.additionality import Additionality
from clusterpolicy.analysis.comparison import Comparison
from clusterpolicy.analysis.hypothesis import HypothesisResult

SIDES = ("point", "ensemble")


def hypothesis_shift(point: HypothesisResult, ensemble: HypothesisResult) -> pd.DataFrame:
    """Per outcome and comparison: effect, interval and verdict at the point and with the ensemble."""
    keys = ["outcome", "comparison"]
    cols = ["effect", "ci_low", "ci_high", "verdict"]
    a = point.verdicts[[*keys, *cols]].rename(columns={c: f"{c}_point" for c in cols})
    b = ensemble.verdicts[[*keys, *cols]].rename(columns={c: f"{c}_ensemble" for c in cols})
    out = a.merge(b, on=keys, how="outer")
    out["changed"] = out["verdict_point"] != out["verdict_ensemble"]
    return out


def comparison_shift(point: Comparison, ensemble: Comparison) -> pd.DataFrame:
    """Per scenario (but the reference) and metric: the paired difference and its interval, both ways."""
    keys = ["scenario", "metric"]
    cols = ["diff", "diff_ci_low", "diff_ci_high"]
    a = point.summary[point.summary["scenario"] != point.reference][[*keys, *cols]]
    b = ensemble.summary[ensemble.summary["scenario"] != ensemble.reference][[*keys, *cols]]
    out = a.rename(columns={c: f"{c}_point" for c in cols}).merge(
        b.rename(columns={c: f"{c}_ensemble" for c in cols}), on=keys, how="outer"
    )

    def sign(lo: float, hi: float) -> str:
        return "up" if lo > 0 else ("down" if hi < 0 else "unclear")

    out["direction_point"] = [
        sign(lo, hi) for lo, hi in zip(out["diff_ci_low_point"], out["diff_ci_high_point"], strict=True)
    ]
    out["direction_ensemble"] = [
        sign(lo, hi) for lo, hi in zip(out["diff_ci_low_ensemble"], out["diff_ci_high_ensemble"], strict=True)
    ]
    out["changed"] = out["direction_point"] != out["direction_ensemble"]
    return out


def additionality_shift(point: Additionality, ensemble: Additionality) -> pd.DataFrame:
    """Per estimate: value, interval and class at the point and with the ensemble."""
    cols = ["value", "ci_low", "ci_high", "class"]
    a = point.table[["estimate", *cols]].rename(columns={c: f"{c}_point" for c in cols})
    b = ensemble.table[["estimate", *cols]].rename(columns={c: f"{c}_ensemble" for c in cols})
    out = a.merge(b, on="estimate", how="outer")
    out["changed"] = out["class_point"].fillna("") != out["class_ensemble"].fillna("")
    return out

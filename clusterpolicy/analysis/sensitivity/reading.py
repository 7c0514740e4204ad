"""Reading indices: which parameters clearly drive an outcome, and the levers' share."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from clusterpolicy.analysis.sensitivity.core import SensitivityResult


def is_flag(x: Any, value: bool) -> bool:
    """A nullable boolean is ``value`` (NA is neither)."""
    return (
        x is not None and x is not pd.NA and not (isinstance(x, float) and math.isnan(x)) and bool(x) == value
    )


def drivers(res: SensitivityResult, outcome: str) -> pd.DataFrame:
    """The parameters that clearly move an outcome (above zero and the noise), strongest first.

    Sobol': ranked by ST, kept when ``ST - conf`` exceeds the noise share (or 0 without replicates).
    Morris: ranked by mu_star, kept when ``mu_star - conf`` exceeds the noise level (or 0).
    """
    key = "ST" if res.method == "sobol" else "mu_star"
    d = res.indices[(res.indices["outcome"] == outcome) & (res.indices["index"] == key)].copy()
    d = d[d["value"].notna()]
    floor = d["noise"].fillna(0.0).clip(lower=0.0)
    d = d[(d["value"] - d["conf"].fillna(0.0)) > floor]
    return d.sort_values("value", ascending=False)


def lever_share(res: SensitivityResult, outcome: str) -> float | None:
    """Share of the summed ST (Sobol') or mu_star (Morris) that belongs to levers; None without both kinds."""
    key = "ST" if res.method == "sobol" else "mu_star"
    d = res.indices[(res.indices["outcome"] == outcome) & (res.indices["index"] == key)]
    kinds = set(d["kind"])
    if not {"lever", "uncertainty"} <= kinds:
        return None
    v = d["value"].clip(lower=0.0)
    total = float(v.sum())
    if not total > 0:
        return None
    return float(v[d["kind"] == "lever"].sum()) / total

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


# A Sobol' index outside [0, 1] by more than this is explained (a smaller overshoot changes nothing).
RANGE_SLACK = 0.02
# The half-width that makes an excursion outside [0, 1] small enough to ignore, for "what N would fix it".
RANGE_TARGET = 0.05


def next_power_of_two(x: float) -> int:
    """The smallest power of two at least ``x`` (Sobol' N must be one)."""
    return 1 << max(0, math.ceil(math.log2(max(1.0, x))))


def out_of_range(res: SensitivityResult) -> pd.DataFrame:
    """The Sobol' indices outside [0, 1], why they are there, and the design that would bring them in.

    A share of variance lies in [0, 1]; an estimate outside it is estimation error. Two causes:

    * **too small N**: the estimators are means over N base samples, so their spread (the bootstrap
      half-width ``conf``) shrinks as 1/sqrt(N). When the interval reaches back into [0, 1], the excursion
      is of the size of that spread; ``n_needed`` is the N (a power of two) that brings ``conf`` down to
      :data:`RANGE_TARGET`: ``N * (conf / target)^2``;
    * **replicate noise**: noise in the point means adds about the noise share to every expected ST. When
      ST - conf is above 1, or the noise share alone is above the target, more replicates are needed:
      ``replications_needed`` brings the noise share to the target (it falls as 1/R).

    Returns:
        One row per index outside the range: outcome, parameter, index, value, conf, side (``above 1`` or
        ``below 0``), cause (``N`` or ``noise``), n_needed, replications_needed (None when not the cause).
    """
    if res.method != "sobol":
        return pd.DataFrame(
            columns=["outcome", "parameter", "index", "value", "conf", "side", "cause", "n_needed",
                     "replications_needed"]
        )  # fmt: skip
    d = res.indices[res.indices["index"].isin(["S1", "ST", "S2"]) & res.indices["value"].notna()]
    d = d[(d["value"] > 1 + RANGE_SLACK) | ((d["value"] < -RANGE_SLACK) & (d["index"] != "S2"))]
    noise = res.noise.set_index("outcome")["noise_share"]
    rows = []
    for r in d.itertuples():
        conf = float(r.conf) if math.isfinite(r.conf) else math.nan
        eta = float(noise.get(r.outcome, math.nan))
        above = r.value > 1
        beyond = (r.value - conf > 1) if above else (r.value + conf < 0)
        noisy = above and r.index == "ST" and math.isfinite(eta) and (beyond or eta > RANGE_TARGET)
        n_needed = next_power_of_two(res.n_used * (conf / RANGE_TARGET) ** 2) if math.isfinite(conf) else None
        reps = None
        if noisy:
            reps = max(res.replications + 1, math.ceil(res.replications * eta / RANGE_TARGET))
        rows.append(
            {
                "outcome": r.outcome,
                "parameter": r.parameter,
                "index": r.index,
                "value": float(r.value),
                "conf": conf,
                "side": "above 1" if above else "below 0",
                "cause": "noise" if noisy and beyond else "N",
                "n_needed": n_needed if n_needed is None or n_needed > res.n_used else None,
                "replications_needed": reps,
            }
        )
    return pd.DataFrame(rows)


def out_of_range_text(row: Any, n: int, replications: int) -> str:
    """One sentence explaining one index outside [0, 1] (raw ids: the output layer puts labels in)."""
    lo, hi = row.value - row.conf, row.value + row.conf
    bound = "1" if row.side == "above 1" else "0"
    head = (
        f"{row.outcome}: {row.parameter} {row.index} = {row.value:.2f} (95 % interval {lo:.2f} to {hi:.2f}) "
        f"is {row.side}, which a share of variance cannot be"
    )
    if row.cause == "noise":
        why = (
            f": its interval lies beyond {bound}, so it is not only sampling error: the replicate noise in "
            f"the point means adds to every total-order index"
        )
    else:
        why = f": estimation error of a small design (N = {n}); the interval reaches back to {bound}"
    fixes = []
    if row.n_needed is not None and math.isfinite(row.n_needed):
        fixes.append(f"N = {int(row.n_needed):,} base samples would narrow the interval to about ± 0.05")
    if row.replications_needed is not None and math.isfinite(row.replications_needed):
        fixes.append(
            f"{int(row.replications_needed)} replications instead of {replications} would cut the noise "
            "share to about 0.05"
        )
    fix = "; " + " and ".join(fixes) if fixes else ""
    return head + why + fix + "."

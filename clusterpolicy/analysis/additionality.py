"""Additionality: the change in business R&D per public euro, against the no-policy counterfactual.

A scenario and its counterfactual (the same economy and behaviour under the counterfactual's
``[policy]``, see :func:`clusterpolicy.inputs.scenario.counterfactual`) run with the same seeds; the
estimate is the change in business R&D per public euro with a paired bootstrap interval, next to the naive
member-versus-non-member estimate from the policy run alone, which selection inflates.

The change is split by channel, as business R&D is in the model (its outcomes ``business_rd_own``,
``business_rd_project_subsidy`` and ``business_rd_eu`` add up to ``business_rd``): firms' own R&D, which
knowledge from membership and projects raises; regional project grants passed through to R&D
(``subsidy_pass_through``); and EU grants passed through, which organisations help members win. Each
channel's share per public euro gets its own interval; the three add up to the total.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.analysis.stats import mean_ci
from clusterpolicy.inputs.scenario import Scenario

ADDITIONALITY_METRICS = [
    "business_rd",
    "business_rd_own",
    "business_rd_project_subsidy",
    "business_rd_eu",
    "public_operating_spend_total",
    "public_project_spend_total",
    "public_vis_spend_total",
    "rd_per_member_firm",
    "rd_per_nonmember_firm",
    "members",
]
ADDITIONALITY_COLUMNS = ["estimate", "value", "ci_low", "ci_high", "class", "n", "method"]
ESTIMATES = {
    "counterfactual": "change in business R&D per public euro, against the counterfactual",
    "naive": "members' R&D above non-members' per public euro, from the policy run alone",
    "selection_bias": "naive minus counterfactual: how much selection inflates the naive estimate",
    "channel_knowledge": "of which firms' own R&D (raised by what they learn), per public euro",
    "channel_pass_through": "of which project grants passed through to R&D, per public euro",
    "channel_eu": "of which EU grants passed through to R&D, per public euro",
    "delta_rd": "extra business R&D over the period (scenario − counterfactual)",
    "delta_public": "extra public money over the period (operating, project and VIS grants)",
    "naive_gap": "members' R&D above as many average non-members, over the period",
}


# the channels of business R&D: the estimate's name -> the outcome that measures it
CHANNELS = {
    "knowledge": "business_rd_own",
    "pass_through": "business_rd_project_subsidy",
    "eu": "business_rd_eu",
}


def classify(ratio: float) -> str:
    """Additional (≥ 1), partial crowding-out (0–1), full crowding-out (≤ 0), or undefined."""
    if not math.isfinite(ratio):
        return "undefined"
    if ratio >= 1:
        return "additional"
    if ratio > 0:
        return "partial crowding-out"
    return "full crowding-out"


@dataclass
class Additionality:
    """What an additionality run produced."""

    scenario: Scenario
    counterfactual: Scenario
    seeds: list[int]
    table: pd.DataFrame
    per_replicate: pd.DataFrame
    failures: dict[int, str] = field(default_factory=dict)
    level: float = 0.95
    first_quarter: str = "?"
    last_quarter: str = "?"

    def row(self, estimate: str) -> pd.Series:
        """One row of the table by its ``estimate`` name."""
        return self.table.set_index("estimate").loc[estimate]


def _bootstrap(arrays: list[np.ndarray], statistic: Any, level: float, seed: int) -> tuple[float, float]:
    """Paired percentile bootstrap interval (scipy.stats.bootstrap) of a statistic of replicate arrays."""
    from scipy import stats

    if len(arrays[0]) < 2:
        return float("nan"), float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = stats.bootstrap(
            arrays,
            statistic,
            paired=True,
            vectorized=True,
            method="percentile",
            n_resamples=9999,
            confidence_level=level,
            rng=np.random.default_rng(seed),
        )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def additionality_estimates(
    ts: pd.DataFrame, scenario: str, counterfactual: str, level: float = 0.95, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counterfactual and naive additionality from the time series of paired runs.

    Per replicate r:

    * ΔR&D_r = Σ_q (business_rd of the scenario − of the counterfactual) / 4, over the recorded quarters
      (``business_rd`` is a yearly rate, so a quarter adds a quarter of it);
    * Δpublic_r = the difference in public_operating_spend_total + public_project_spend_total in the last
      quarter (public money of the policy over the period);
    * naive_r = Σ_q members · (rd_per_member_firm − rd_per_nonmember_firm) / 4 in the scenario
      alone: members' R&D above what the same number of average non-members does.

    Estimates: ratio of means, Σ_r ΔR&D_r / Σ_r Δpublic_r (counterfactual) and Σ_r naive_r /
    Σ_r Δpublic_r (naive); intervals from a paired percentile bootstrap over replicates.

    Returns:
        The table (``estimate, value, ci_low, ci_high, class, n, method``) and the per-replicate values.
    """
    need = ["replicate", "seed", "label", "quarter", *ADDITIONALITY_METRICS]
    ts = ts[[c for c in need if c in ts.columns]]
    s = ts[ts["label"] == scenario].sort_values(["replicate", "quarter"])
    c = ts[ts["label"] == counterfactual].sort_values(["replicate", "quarter"])
    reps = sorted(set(s["replicate"]) & set(c["replicate"]))
    rows = []
    for r in reps:
        a, b = s[s["replicate"] == r], c[c["replicate"] == r]
        if len(a) != len(b) or list(a["quarter"]) != list(b["quarter"]) or not len(a):
            continue

        def delta(col: str, a: pd.DataFrame = a, b: pd.DataFrame = b) -> float:
            if col not in a.columns:
                return 0.0
            return float((a[col].to_numpy(dtype=float) - b[col].to_numpy(dtype=float)).sum() / 4)

        d_rd = delta("business_rd")
        pub = ("public_operating_spend_total", "public_project_spend_total", "public_vis_spend_total")
        d_pub = float(sum(a[k].iloc[-1] - b[k].iloc[-1] for k in pub if k in a.columns))
        gap = a["rd_per_member_firm"].to_numpy(dtype=float) - a["rd_per_nonmember_firm"].to_numpy(dtype=float)
        members = a["members"].to_numpy(dtype=float)
        naive = float(np.where(members > 0, np.nan_to_num(gap * members), 0.0).sum() / 4)
        rows.append(
            {
                "replicate": r,
                "seed": int(a["seed"].iloc[0]),
                "delta_rd": d_rd,
                "delta_public": d_pub,
                "naive_gap": naive,
                **{f"delta_{ch}": delta(col) for ch, col in CHANNELS.items()},
            }
        )
    per = pd.DataFrame(
        rows,
        columns=[
            "replicate",
            "seed",
            "delta_rd",
            "delta_public",
            "naive_gap",
            *(f"delta_{ch}" for ch in CHANNELS),
        ],
    )
    n = len(per)
    drd, dpub, nav = (per[k].to_numpy(dtype=float) for k in ("delta_rd", "delta_public", "naive_gap"))
    with np.errstate(divide="ignore", invalid="ignore"):
        per["ratio"] = drd / dpub
    den = float(dpub.mean()) if n else float("nan")
    ok = n > 0 and den > 0

    def ratio(x, y, axis=-1):  # type: ignore[no-untyped-def]
        return np.mean(x, axis=axis) / np.mean(y, axis=axis)

    def bias(x, z, y, axis=-1):  # type: ignore[no-untyped-def]
        return (np.mean(z, axis=axis) - np.mean(x, axis=axis)) / np.mean(y, axis=axis)

    boot = "paired percentile bootstrap over replicates (scipy.stats.bootstrap, 9,999 resamples)"
    t_name = "Student t over replicates"
    table = []
    if ok:
        cf = float(drd.mean() / den)
        nv = float(nav.mean() / den)
        lo, hi = _bootstrap([drd, dpub], ratio, level, seed)
        nlo, nhi = _bootstrap([drd, dpub, nav], lambda x, y, z, axis=-1: ratio(z, y, axis), level, seed)
        blo, bhi = _bootstrap([drd, nav, dpub], bias, level, seed)
        table += [
            ["counterfactual", cf, lo, hi, classify(cf), n, boot],
            ["naive", nv, nlo, nhi, classify(nv), n, boot],
            ["selection_bias", nv - cf, blo, bhi, "", n, boot],
        ]
        for ch in CHANNELS:
            x = per[f"delta_{ch}"].to_numpy(dtype=float)
            clo, chi = _bootstrap([x, dpub], ratio, level, seed)
            table.append([f"channel_{ch}", float(x.mean() / den), clo, chi, "", n, boot])
    else:
        nan = float("nan")
        table += [
            [
                "counterfactual",
                nan,
                nan,
                nan,
                "undefined",
                n,
                "undefined: the scenario spends no more public money than the counterfactual",
            ],
            ["naive", nan, nan, nan, "undefined", n, "undefined (as above)"],
            ["selection_bias", nan, nan, nan, "", n, "undefined (as above)"],
            *([f"channel_{ch}", nan, nan, nan, "", n, "undefined (as above)"] for ch in CHANNELS),
        ]
    for name, x in (("delta_rd", drd), ("delta_public", dpub), ("naive_gap", nav)):
        ci = mean_ci(x, level)
        table.append([name, ci.mean, ci.low, ci.high, "", ci.n, t_name])
    return pd.DataFrame(table, columns=ADDITIONALITY_COLUMNS), per

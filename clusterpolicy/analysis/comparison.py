"""Comparing scenarios over paired replications: intervals of means and of paired differences.

Replicate ``r`` runs with the same seed in every scenario (common random numbers). The first scenario is
the reference; every other scenario's difference to it is computed pair by pair (replicate by
replicate), on the outcomes' values in the last quarter, with a Student-t interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from clusterpolicy.analysis.stats import mean_ci, paired_diff_ci
from clusterpolicy.inputs.scenario import Scenario

SUMMARY_COLUMNS = [
    "scenario",
    "metric",
    "mean",
    "ci_low",
    "ci_high",
    "diff",
    "diff_ci_low",
    "diff_ci_high",
    "n",
]


@dataclass
class Comparison:
    """What a comparison found.

    Attributes:
        scenarios: the scenarios, the reference first.
        seeds: the replicate seeds (replicate r has seed r in every scenario).
        summary: one row per scenario and metric (:data:`SUMMARY_COLUMNS`).
        timeseries: every run's quarterly metrics (``label`` is the scenario).
        failures: run id -> error of the runs that raised.
        level: the intervals' confidence level.
    """

    scenarios: list[Scenario]
    seeds: list[int]
    summary: pd.DataFrame
    timeseries: pd.DataFrame
    failures: dict[int, str] = field(default_factory=dict)
    level: float = 0.95

    @property
    def reference(self) -> str:
        """Name of the reference scenario."""
        return self.scenarios[0].name

    @property
    def names(self) -> list[str]:
        """Scenario names in order."""
        return [s.name for s in self.scenarios]

    @property
    def last_quarter(self) -> str:
        """The quarter whose values are compared."""
        return str(self.timeseries["quarter"].iloc[-1]) if len(self.timeseries) else "?"


def summarise(
    finals: pd.DataFrame, names: list[str], metrics: list[str], level: float = 0.95
) -> pd.DataFrame:
    """Per scenario and metric: mean and interval over replicates, and the paired difference to the reference.

    The reference is ``names[0]``; its own difference is 0.

    Args:
        finals: one row per run with ``label``, ``replicate`` and the metric columns.
        names: scenario labels, the reference first.
        metrics: the metrics to summarise.
        level: confidence level.
    """
    rows = []
    wide = {
        m: finals.pivot_table(index="replicate", columns="label", values=m, dropna=False) for m in metrics
    }
    for name in names:
        for m in metrics:
            table = wide[m]
            x = table[name].to_numpy() if name in table else np.array([])
            ci = mean_ci(x, level)
            if name == names[0]:
                d = (0.0, 0.0, 0.0) if ci.n else (np.nan,) * 3
            else:
                ref = table[names[0]].to_numpy() if names[0] in table else np.full(len(x), np.nan)
                di = paired_diff_ci(x, ref, level)
                d = (di.mean, di.low, di.high)
            rows.append([name, m, ci.mean, ci.low, ci.high, *d, ci.n])
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def band_stats(ts: pd.DataFrame, metrics: list[str], level: float = 0.95) -> pd.DataFrame:
    """Per scenario and quarter: mean and Student-t interval half-width of each metric over replicates."""
    g = ts.groupby(["label", "quarter"], sort=False)[metrics]
    mean, sd, n = g.mean(), g.std(ddof=1), g.count()
    t = pd.DataFrame(
        stats.t.ppf(0.5 + level / 2, np.maximum(n.to_numpy() - 1, 1)), index=n.index, columns=metrics
    )
    half = (t * sd / np.sqrt(n)).fillna(0.0)
    return pd.concat({"mean": mean, "half": half}, axis=1).reset_index()


def is_clear(row: pd.Series) -> bool:
    """The interval of a summary row's paired difference excludes zero."""
    return bool(row["diff_ci_low"] > 0 or row["diff_ci_high"] < 0)


def differing_parameters(scenarios: list[Scenario]) -> list[tuple[str, list[object]]]:
    """The dotted keys whose values differ between the scenarios, with every scenario's value."""
    flats = [
        {f"{s}.{k}": v for s, d in sc.params.to_dict().items() for k, v in d.items()} for sc in scenarios
    ]
    out = []
    for key in flats[0]:
        values = [f[key] for f in flats]
        if any(v != values[0] for v in values[1:]):
            out.append((key, values))
    return out

"""Validation against the public record: each target's statistic in every run, and the verdicts.

The targets are read by :mod:`clusterpolicy.inputs.targets`. Here a target's statistic is computed from
the quarterly metrics of runs laid out as arrays (:class:`RunMatrix`), in each run and paired with the
same row of the counterfactual runs when the target needs it; :func:`summarise_targets` gives the model
mean with its Student-t interval and whether it lies within the target's range. The calibration
(:mod:`clusterpolicy.analysis.calibration`) scores parameter sets with the same :func:`target_matrix`.

An evaluation-study target is a difference-in-differences on the model's firms
(:mod:`clusterpolicy.analysis.evaluation_study`): :func:`study_estimates` computes it from one run's
firm panel, and the run carries it as a column named by :func:`study_column`, which
:func:`target_statistic` reads like a metric.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clusterpolicy.analysis.evaluation_study import did
from clusterpolicy.analysis.stats import mean_ci
from clusterpolicy.inputs.scenario import Scenario
from clusterpolicy.inputs.targets import Target, TargetSet
from clusterpolicy.model.params import Params, quarter_index, quarter_label


# ---------------------------------------------------------------------------------------------- periods
def recorded_quarters(params: Params) -> list[str]:
    """Labels of the recorded quarters of a scenario (``2016Q1``, ...)."""
    start = quarter_index(params.simulation.start)
    return [quarter_label(start + i) for i in range(params.simulation.quarters)]


def _span(target: Target, transform: str, quarters: list[str]) -> tuple[int | None, int, int] | None:
    """Column positions for a transform: (baseline, first, last); None if outside the recorded period.

    ``baseline`` is the quarter before the first (for ``per_year``), or None when the first quarter is
    the first recorded one (cumulative metrics start from zero there).
    """
    pos = {q: i for i, q in enumerate(quarters)}
    if target.quarter is not None:
        i = pos.get(target.quarter)
        return None if i is None else (None, i, i)
    assert target.years is not None
    y0, y1 = target.years
    first, last = pos.get(f"{y0}Q1"), pos.get(f"{y1}Q4")
    if first is None or last is None:
        return None
    base = first - 1 if first > 0 else None
    return base, first, last


def computable(target: Target, quarters: list[str], first_panel_year: int | None = None) -> bool:
    """The target's quarters lie within the recorded period.

    A study target's years before joining may lie in the burn-in: the firm panel starts in
    ``first_panel_year``.
    """
    if target.study is not None:
        assert target.years is not None
        first = first_panel_year if first_panel_year is not None else int(quarters[0][:4])
        return target.years[0] >= first and f"{target.years[1]}Q4" in quarters
    return _span(target, target.transform, quarters) is not None and (
        not target.per or _span(target, target.per_transform, quarters) is not None
    )


def first_panel_year(params: Params) -> int:
    """The first year of a run's firm panel: the first whole year of the burn-in."""
    start = quarter_index(params.simulation.start) - params.simulation.burn_in_quarters
    return (start + 3) // 4


def split_computable(targets: TargetSet, params: Params) -> tuple[TargetSet, list[Target]]:
    """The targets a scenario's recorded period allows, and those it does not."""
    quarters = recorded_quarters(params)
    year0 = first_panel_year(params)
    ok = [t for t in targets.targets if computable(t, quarters, year0)]
    return targets.subset(ok), [t for t in targets.targets if not computable(t, quarters, year0)]


STUDY_PREFIX = "study:"


def study_column(target: Target) -> str:
    """The column a run carries an evaluation-study target's estimate in."""
    return STUDY_PREFIX + target.id


def columns_of(targets: TargetSet) -> list[str]:
    """What runs must keep for these targets: the metrics read, and the study targets' columns."""
    return [*targets.metrics, *(study_column(t) for t in targets.targets if t.study is not None)]


def study_estimates(targets: TargetSet, panel: pd.DataFrame, seed: int = 0) -> dict[str, float]:
    """Each study target's estimate on one run's firm panel (column name -> value).

    Only the point estimate: the model's spread over runs is the interval the validation reports.
    """
    out: dict[str, float] = {}
    for t in targets.targets:
        if t.study is None:
            continue
        assert t.join_years is not None
        est = did(
            panel,
            tuple(range(t.join_years[0], t.join_years[1] + 1)),
            t.pre,
            t.post,
            n_boot=0,
            seed=seed,
            sme_only=t.sme_only,
        )
        out[study_column(t)] = next(e.effect for e in est if e.outcome == t.estimate)
    return out


# ---------------------------------------------------------------------------------------------- statistics
@dataclass
class RunMatrix:
    """Quarterly metrics of many runs as arrays: ``data[metric][run, quarter]``.

    Attributes:
        ids: the runs' identifiers (rows), e.g. run_id or replicate.
        quarters: the recorded quarters (columns).
        data: metric -> array of shape (runs, quarters); NaN where a run lacks a quarter.
    """

    ids: np.ndarray
    quarters: list[str]
    data: dict[str, np.ndarray]

    @classmethod
    def from_long(
        cls, long: pd.DataFrame, metrics: list[str], quarters: list[str], id_col: str = "run_id"
    ) -> RunMatrix:
        """From one row per run and quarter (columns ``id_col``, ``quarter`` and the metrics)."""
        ids = np.sort(long[id_col].unique()) if len(long) else np.array([], dtype=int)
        data = {}
        for m in metrics:
            if m in long.columns:
                wide = long.pivot_table(index=id_col, columns="quarter", values=m, dropna=False)
                data[m] = wide.reindex(index=ids, columns=quarters).to_numpy(dtype=float)
            else:
                data[m] = np.full((len(ids), len(quarters)), np.nan)
        return cls(ids, list(quarters), data)

    def reindex(self, ids: np.ndarray) -> RunMatrix:
        """The same runs in the order of ``ids`` (missing runs are NaN)."""
        pos = {int(k): i for i, k in enumerate(self.ids)}
        rows = np.array([pos.get(int(k), -1) for k in ids], dtype=int)
        data = {}
        for m, a in self.data.items():
            b = np.full((len(ids), a.shape[1]), np.nan)
            ok = rows >= 0
            b[ok] = a[rows[ok]]
            data[m] = b
        return RunMatrix(np.asarray(ids), self.quarters, data)


def _part(mat: RunMatrix, target: Target, metrics: tuple[str, ...], transform: str) -> np.ndarray:
    span = _span(target, transform, mat.quarters)
    if span is None:
        return np.full(len(mat.ids), np.nan)
    base, first, last = span
    total = np.zeros(len(mat.ids))
    for m in metrics:
        a = mat.data[m]
        if transform == "level":
            total += a[:, last]
        elif transform == "mean":
            total += a[:, first : last + 1].mean(axis=1)
        else:
            years = (last - first + 1) / 4.0
            start = a[:, base] if base is not None else 0.0
            total += (a[:, last] - start) / years
    return total


def target_statistic(target: Target, mat: RunMatrix, cf: RunMatrix | None = None) -> np.ndarray:
    """The target's statistic in every run of ``mat`` (paired with the same row of ``cf`` if needed)."""
    if target.study is not None:
        col = mat.data.get(study_column(target))
        return col[:, -1] if col is not None else np.full(len(mat.ids), np.nan)
    num = _part(mat, target, target.metrics, target.transform)
    den = _part(mat, target, target.per, target.per_transform) if target.per else None
    if target.counterfactual:
        if cf is None:
            return np.full(len(mat.ids), np.nan)
        num = num - _part(cf, target, target.metrics, target.transform)
        if den is not None:
            den = den - _part(cf, target, target.per, target.per_transform)
    if den is None:
        return num
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)


def target_matrix(targets: TargetSet, mat: RunMatrix, cf: RunMatrix | None = None) -> pd.DataFrame:
    """One row per run (index: its id), one column per target: the targets' statistics."""
    cf_aligned = cf.reindex(mat.ids) if cf is not None else None
    return pd.DataFrame(
        {t.id: target_statistic(t, mat, cf_aligned) for t in targets.targets},
        index=pd.Index(mat.ids, name="run"),
    )


# ---------------------------------------------------------------------------------------------- running
@dataclass
class Validation:
    """A finished validation.

    Attributes:
        scenario: the validated scenario.
        targets: the targets computed.
        skipped: targets outside the scenario's recorded period.
        table: one row per target (observed, model mean and interval, verdict).
        per_run: one row per replicate, one column per target.
        seeds: the replicate seeds.
        counterfactual: the counterfactual scenario, if a target needed it.
        failures: run id -> error of the runs that raised.
        seconds: wall time of the runs.
    """

    scenario: Scenario
    targets: TargetSet
    skipped: list[Target]
    table: pd.DataFrame
    per_run: pd.DataFrame
    seeds: list[int]
    counterfactual: Scenario | None
    failures: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def n_within(self) -> int:
        """Targets whose model mean lies in the range."""
        return int(self.table["within"].sum())


TABLE_COLUMNS = [
    "id",
    "what",
    "metric",
    "transform",
    "when",
    "counterfactual",
    "unit",
    "observed",
    "low",
    "high",
    "model_mean",
    "ci_low",
    "ci_high",
    "n",
    "within",
    "runs_within",
    "shortfall",
    "role",
    "source",
    "note",
]


def summarise_targets(targets: TargetSet, per_run: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Per target: observed value and range, model mean and interval over runs, and the verdict."""
    rows = []
    for t in targets.targets:
        x = per_run[t.id].to_numpy(dtype=float) if t.id in per_run else np.array([])
        ci = mean_ci(x, level)
        finite = x[np.isfinite(x)]
        runs_within = float(np.mean([t.within(v) for v in finite])) if len(finite) else float("nan")
        if t.study is not None:
            metric = f"{t.study}: {t.estimate}" + (" (SMEs)" if t.sme_only else "")
        else:
            metric = " + ".join(t.metrics) + (f" / ({' + '.join(t.per)})" if t.per else "")
        rows.append(
            [
                t.id,
                t.what,
                metric,
                t.transform if not t.per else f"{t.transform} / {t.per_transform}",
                t.when,
                t.counterfactual,
                t.unit,
                t.value,
                t.low,
                t.high,
                ci.mean,
                ci.low,
                ci.high,
                ci.n,
                t.within(ci.mean),
                runs_within,
                t.shortfall(ci.mean),
                t.role,
                t.source,
                t.note,
            ]
        )
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)

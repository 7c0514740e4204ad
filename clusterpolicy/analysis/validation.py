"""Validation against the public record: targets, the model's statistics for them, verdicts and a figure.

A *targets file* (TOML; the shipped one is ``experiments/data/targets.toml``, whose header documents the
format) lists observed facts with a value, a range, a unit and a source, and says how each is read off the
model's quarterly metrics: a metric (or a sum of metrics), a transform (``level`` in a quarter, ``mean``
over years, ``per_year`` increase of a cumulative metric), optionally divided by another metric, and
optionally as the difference to the counterfactual run with the same seed (the validated scenario's
economy and behaviour under the counterfactual's ``[policy]``, by default ``no_cluster_policy``).

:func:`run_validation` runs the scenario (and, when a target needs it, its counterfactual) over
replications with common random numbers, computes every target's statistic in each replication, and
reports the model mean with its Student-t 95 % interval and whether the mean lies within the target's
range. :func:`target_matrix` is shared with the calibration (``experiments.calibrate``).
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.analysis.stats import mean_ci
from clusterpolicy.inputs.scenario import (
    Scenario,
    ScenarioError,
    counterfactual,
    load_scenario,
    read_toml,
)
from clusterpolicy.model.metrics import OUTCOMES, REPORTERS
from clusterpolicy.model.params import Params, quarter_index, quarter_label
from clusterpolicy.outputs.files import atomic_write
from clusterpolicy.runs.design import Point, replicate_seeds
from clusterpolicy.runs.execute import RunFn
from clusterpolicy.runs.store import run_design

TARGETS_FILE = Path(__file__).resolve().parent.parent / "data" / "targets.toml"
TRANSFORMS = ("level", "mean", "per_year")
TOP_KEYS = ("counterfactual", "target")
COUNTERFACTUAL_KEYS = ("scenario", "description")
TARGET_KEYS = (
    "id",
    "what",
    "metric",
    "transform",
    "quarter",
    "year",
    "years",
    "per",
    "per_transform",
    "counterfactual",
    "value",
    "range",
    "unit",
    "source",
    "note",
    "fit",
)
REQUIRED_KEYS = ("id", "what", "metric", "transform", "value", "range", "unit", "source")
# unit -> how values are shown: (scale, prefix, suffix, decimals)
UNITS: dict[str, tuple[float, str, str, int]] = {
    "count": (1.0, "", "", 1),
    "clusters": (1.0, "", "", 1),
    "firms": (1.0, "", "", 0),
    "projects": (1.0, "", "", 0),
    "EUR": (1e-6, "€", "m", 1),
    "EUR/yr": (1e-6, "€", "m/yr", 1),
    "share": (100.0, "", " %", 1),
    "share of GDP": (100.0, "", " %", 2),
    "points of GDP": (100.0, "", " pts", 3),
    "ratio": (1.0, "", "", 1),
    "EUR per EUR": (1.0, "", " €/€", 2),
}
ID_RE = re.compile(r"^[A-Za-z0-9_-]+$")
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
DEFAULT_COUNTERFACTUAL = "no_cluster_policy"
# metrics that are cumulative since the start of the recorded period (as declared)
CUMULATIVE = frozenset(name for name, o in OUTCOMES.items() if o.kind == "cumulative")


# ---------------------------------------------------------------------------------------------- targets
@dataclass(frozen=True)
class Target:
    """One observed fact and how to read it off the model's quarterly metrics.

    Attributes:
        id: short unique name.
        what: what it measures, for people.
        metrics: the metrics added up for the numerator.
        transform: ``level``, ``mean`` or ``per_year``.
        quarter: the quarter of a ``level`` target.
        years: first and last year of a ``mean`` or ``per_year`` target.
        per: the metrics added up for the denominator (empty: no denominator).
        per_transform: the denominator's transform.
        counterfactual: the statistic is the difference to the counterfactual run.
        value: the observed value.
        low: lower end of the range.
        high: upper end of the range.
        unit: the unit (a key of :data:`UNITS`).
        source: where the value comes from.
        note: caveats and the reasoning behind the range.
        fit: the calibration fits this target.
    """

    id: str
    what: str
    metrics: tuple[str, ...]
    transform: str
    quarter: str | None
    years: tuple[int, int] | None
    per: tuple[str, ...]
    per_transform: str
    counterfactual: bool
    value: float
    low: float
    high: float
    unit: str
    source: str
    note: str = ""
    fit: bool = True

    @property
    def when(self) -> str:
        """The quarter or years, for people (``2018Q4``, ``2019``, ``2016-2025``)."""
        if self.quarter is not None:
            return self.quarter
        assert self.years is not None
        a, b = self.years
        return str(a) if a == b else f"{a}-{b}"

    @property
    def all_metrics(self) -> tuple[str, ...]:
        """Every metric the target reads."""
        return tuple(dict.fromkeys((*self.metrics, *self.per)))

    def within(self, x: float) -> bool:
        """``x`` lies in the range."""
        return bool(math.isfinite(x) and self.low <= x <= self.high)

    def shortfall(self, x: float) -> float:
        """How far ``x`` lies outside the range, in units of the range's width (0 inside; inf if NaN)."""
        if not math.isfinite(x):
            return math.inf
        return max(0.0, self.low - x, x - self.high) / (self.high - self.low)

    def gap(self, x: float) -> float:
        """Distance of ``x`` from the observed value in units of the range's width."""
        return abs(x - self.value) / (self.high - self.low) if math.isfinite(x) else math.inf

    def fmt(self, x: float, signed: bool = False) -> str:
        """A value in the target's unit, for people."""
        return fmt_unit(self.unit, x, signed)


def fmt_unit(unit: str, x: float | None, signed: bool = False) -> str:
    """Format a value of a unit of :data:`UNITS` (money in millions, shares in percent)."""
    if x is None or not math.isfinite(x):
        return "n/a"
    factor, prefix, suffix, dec = UNITS[unit]
    v = x * factor
    sign = "-" if v < 0 else ("+" if signed else "")
    return f"{sign}{prefix}{abs(v):,.{dec}f}{suffix}"


@dataclass(frozen=True)
class TargetSet:
    """A validated targets file.

    Attributes:
        targets: the targets in file order.
        counterfactual: name or path of the scenario whose ``[policy]`` defines the counterfactual.
        counterfactual_description: what the counterfactual is, for people.
        path: the file.
    """

    targets: tuple[Target, ...]
    counterfactual: str = DEFAULT_COUNTERFACTUAL
    counterfactual_description: str = ""
    path: Path | None = None

    @property
    def needs_counterfactual(self) -> bool:
        """Some target is a difference to the counterfactual."""
        return any(t.counterfactual for t in self.targets)

    @property
    def metrics(self) -> list[str]:
        """Every metric some target reads."""
        return list(dict.fromkeys(m for t in self.targets for m in t.all_metrics))

    def subset(self, targets: Sequence[Target]) -> TargetSet:
        """The same file with only ``targets``."""
        return dataclasses.replace(self, targets=tuple(targets))


def _err(src: str, where: str, value: Any, allowed: str) -> ScenarioError:
    return ScenarioError(src, f"{where} = {value!r}: {allowed}")


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(float(x))


def _metric_list(src: str, where: str, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(m, str) for m in items):
        raise _err(src, where, value, "a metric name or a non-empty list of metric names")
    for m in items:
        if m not in REPORTERS:
            raise _err(src, where, m, f"not a metric; known: {', '.join(REPORTERS)}")
    return tuple(items)


def _year(src: str, where: str, y: Any) -> int:
    if isinstance(y, bool) or not isinstance(y, int) or not 1900 <= y <= 2200:
        raise _err(src, where, y, "a year like 2018")
    return y


def parse_target(src: str, i: int, raw: Any) -> Target:
    """Validate one ``[[target]]`` table.

    Raises:
        ScenarioError: one line naming the file, the target and key, the value and what is allowed.
    """
    if not isinstance(raw, dict):
        raise _err(src, f"target[{i}]", raw, "a [[target]] table")
    name = raw.get("id")
    w = f"target[{i}]" if not isinstance(name, str) else f"target {name!r}"
    for k in raw:
        if k not in TARGET_KEYS:
            raise _err(src, f"{w}: {k}", raw[k], f"unknown key; allowed: {', '.join(TARGET_KEYS)}")
    for k in REQUIRED_KEYS:
        if k not in raw:
            raise _err(src, f"{w}: {k}", None, "missing (required: " + ", ".join(REQUIRED_KEYS) + ")")
    if not isinstance(name, str) or not ID_RE.match(name):
        raise _err(src, f"{w}: id", name, "a short name of letters, digits, _ and -")
    for k in ("what", "source"):
        if not isinstance(raw[k], str) or not raw[k].strip():
            raise _err(src, f"{w}: {k}", raw[k], "a non-empty text")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise _err(src, f"{w}: note", note, "a text")
    metrics = _metric_list(src, f"{w}: metric", raw["metric"])
    per = _metric_list(src, f"{w}: per", raw["per"]) if "per" in raw else ()
    transform = raw["transform"]
    if transform not in TRANSFORMS:
        raise _err(src, f"{w}: transform", transform, f"one of {', '.join(TRANSFORMS)}")
    per_transform = raw.get("per_transform", transform)
    if "per_transform" in raw and not per:
        raise _err(src, f"{w}: per_transform", per_transform, "only with per = ...")
    if per_transform not in TRANSFORMS:
        raise _err(src, f"{w}: per_transform", per_transform, f"one of {', '.join(TRANSFORMS)}")
    for tr, ms, key in ((transform, metrics, "metric"), (per_transform, per, "per")):
        for m in ms:
            if tr == "per_year" and m not in CUMULATIVE:
                raise _err(
                    src,
                    f"{w}: {key}",
                    m,
                    "per_year needs a cumulative metric: " + ", ".join(sorted(CUMULATIVE)),
                )
    # when
    given = [k for k in ("quarter", "year", "years") if k in raw]
    if len(given) != 1:
        raise _err(
            src, w, given or None, "give exactly one of quarter = 'YYYYQn', year = Y, years = [Y0, Y1]"
        )
    quarter: str | None = None
    years: tuple[int, int] | None = None
    if "quarter" in raw:
        q = raw["quarter"]
        if not isinstance(q, str) or not QUARTER_RE.match(q):
            raise _err(src, f"{w}: quarter", q, "a quarter like '2018Q4'")
        if transform != "level" or (per and per_transform != "level"):
            raise _err(
                src, f"{w}: quarter", q, "only for transform = 'level'; give year or years for mean/per_year"
            )
        quarter = q
    elif "year" in raw:
        y = _year(src, f"{w}: year", raw["year"])
        years = (y, y)
    else:
        ys = raw["years"]
        if not (isinstance(ys, list) and len(ys) == 2):
            raise _err(src, f"{w}: years", ys, "[first year, last year]")
        y0, y1 = (_year(src, f"{w}: years", y) for y in ys)
        if y0 > y1:
            raise _err(src, f"{w}: years", ys, "[first year, last year] with first <= last")
        years = (y0, y1)
    if years is not None and transform == "level" and years[0] != years[1]:
        raise _err(src, f"{w}: years", list(years), "a level is read in one quarter; give quarter or year")
    if years is not None and transform == "level" and (not per or per_transform == "level"):
        quarter, years = f"{years[0]}Q4", None
    cf = raw.get("counterfactual", False)
    fit = raw.get("fit", True)
    for k, v in (("counterfactual", cf), ("fit", fit)):
        if not isinstance(v, bool):
            raise _err(src, f"{w}: {k}", v, "true or false")
    value = raw["value"]
    if not _number(value):
        raise _err(src, f"{w}: value", value, "a number")
    rng = raw["range"]
    if not (isinstance(rng, list) and len(rng) == 2 and all(_number(x) for x in rng) and rng[0] < rng[1]):
        raise _err(src, f"{w}: range", rng, "[low, high], two numbers with low < high")
    if not rng[0] <= value <= rng[1]:
        raise _err(src, f"{w}: value", value, f"must lie within range = {rng}")
    unit = raw["unit"]
    if unit not in UNITS:
        raise _err(src, f"{w}: unit", unit, f"one of {', '.join(UNITS)}")
    return Target(
        id=name,
        what=raw["what"].strip(),
        metrics=metrics,
        transform=transform,
        quarter=quarter,
        years=years,
        per=per,
        per_transform=per_transform,
        counterfactual=cf,
        value=float(value),
        low=float(rng[0]),
        high=float(rng[1]),
        unit=unit,
        source=raw["source"].strip(),
        note=note.strip(),
        fit=fit,
    )


def load_targets(path: str | Path | None = None) -> TargetSet:
    """Read and validate a targets file (default: the shipped ``experiments/data/targets.toml``).

    Raises:
        ScenarioError: one line naming the file, the target and key, the value and what is allowed.
    """
    p = Path(path) if path is not None else TARGETS_FILE
    src = str(p)
    if not p.is_file():
        raise ScenarioError(src, "no such targets file")
    data = read_toml(p, src)
    for k in data:
        if k not in TOP_KEYS:
            raise _err(src, k, data[k], "unknown top-level key; allowed: [counterfactual], [[target]]")
    raw_targets = data.get("target")
    if not isinstance(raw_targets, list) or not raw_targets:
        raise ScenarioError(src, "at least one [[target]] table is required")
    targets = [parse_target(src, i, t) for i, t in enumerate(raw_targets)]
    seen: set[str] = set()
    for t in targets:
        if t.id in seen:
            raise _err(src, "target id", t.id, "each id once")
        seen.add(t.id)
    cf = data.get("counterfactual", {})
    if not isinstance(cf, dict):
        raise _err(src, "counterfactual", cf, "a [counterfactual] table")
    for k in cf:
        if k not in COUNTERFACTUAL_KEYS:
            raise _err(
                src, f"counterfactual.{k}", cf[k], f"unknown key; allowed: {', '.join(COUNTERFACTUAL_KEYS)}"
            )
    cf_name = cf.get("scenario", DEFAULT_COUNTERFACTUAL)
    cf_desc = cf.get("description", "")
    if not isinstance(cf_name, str) or not isinstance(cf_desc, str):
        raise _err(src, "counterfactual", cf, "scenario = 'name or path', description = 'text'")
    if any(t.counterfactual for t in targets):
        # resolved relative to the targets file, then by name in scenarios/; checked now, not mid-run
        from clusterpolicy.inputs.scenario import resolve_path

        try:
            resolve_path(cf_name, relative_to=p.parent)
        except ScenarioError as exc:
            raise ScenarioError(src, f"counterfactual.scenario = {cf_name!r}: {exc}") from None
    return TargetSet(tuple(targets), cf_name, cf_desc, p)


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


def computable(target: Target, quarters: list[str]) -> bool:
    """The target's quarters lie within the recorded period."""
    return _span(target, target.transform, quarters) is not None and (
        not target.per or _span(target, target.per_transform, quarters) is not None
    )


def split_computable(targets: TargetSet, params: Params) -> tuple[TargetSet, list[Target]]:
    """The targets a scenario's recorded period allows, and those it does not."""
    quarters = recorded_quarters(params)
    ok = [t for t in targets.targets if computable(t, quarters)]
    return targets.subset(ok), [t for t in targets.targets if not computable(t, quarters)]


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
    "fit",
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
                t.fit,
                t.source,
                t.note,
            ]
        )
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def run_validation(
    scenario: str | Path | Scenario,
    targets: TargetSet | str | Path | None = None,
    replications: int = 20,
    seed: int = 1,
    workers: int | None = None,
    overrides: list[str] | None = None,
    executor: Executor | None = None,
    run: RunFn | None = None,
    progress: bool = True,
    level: float = 0.95,
) -> Validation:
    """Run a scenario (and its counterfactual when a target needs it) and compare it with the targets.

    Replicate ``r`` has the same seed in the scenario and in its counterfactual (common random numbers),
    so a counterfactual target is computed pair by pair.

    Args:
        scenario: a name, a path, or a loaded scenario.
        targets: a loaded targets file, a path, or None for the shipped one.
        replications: replicates (at least 2).
        seed: root seed of the replicate seeds.
        workers: local worker processes (default all cores; 1 runs in this process).
        overrides: ``--set`` overrides applied to the scenario.
        executor: any ``concurrent.futures.Executor`` instead of the local pool.
        run: the model, ``task -> timeseries`` (default: the cluster-policy model); must pickle.
        progress: show a progress bar.
        level: confidence level of the intervals.

    Raises:
        ScenarioError: bad input (before anything runs), or no target within the recorded period.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
    ts_all = targets if isinstance(targets, TargetSet) else load_targets(targets)
    if replications < 2:
        raise ScenarioError("--replications", f"{replications}: at least 2 (intervals need spread)")
    usable, skipped = split_computable(ts_all, sc.params)
    if not usable.targets:
        period = f"{sc.params.simulation.start} + {sc.params.simulation.quarters} quarters"
        raise ScenarioError(
            str(ts_all.path or "targets"),
            f"no target lies within the recorded period of {sc.name} ({period})",
        )
    cf = None
    if usable.needs_counterfactual:
        rel = usable.path.parent if usable.path is not None else None
        cf = counterfactual(sc, usable.counterfactual, relative_to=rel)
    points = [Point(0, sc.name, sc.params, {})]
    if cf is not None:
        points.append(Point(1, cf.name, cf.params, {}))
    seeds = replicate_seeds(seed, replications)
    t0 = time.perf_counter()
    long, failures = run_design(
        points,
        seeds,
        {},
        None,
        columns=usable.metrics,
        desc="validate",
        workers=workers,
        executor=executor,
        progress=progress,
        run=run,
    )
    seconds = time.perf_counter() - t0
    if not len(long):
        first = next(iter(failures.values()), "no runs")
        raise ScenarioError(sc.name, f"every run failed; the first: {first}")
    quarters = recorded_quarters(sc.params)
    mat = RunMatrix.from_long(long[long["point"] == 0], usable.metrics, quarters, id_col="replicate")
    cf_mat = (
        RunMatrix.from_long(long[long["point"] == 1], usable.metrics, quarters, id_col="replicate")
        if cf is not None
        else None
    )
    per_run = target_matrix(usable, mat, cf_mat)
    per_run.index.name = "replicate"
    table = summarise_targets(usable, per_run, level)
    return Validation(sc, usable, skipped, table, per_run, seeds, cf, failures, seconds)


# ---------------------------------------------------------------------------------------------- output
def validation_text(v: Validation) -> str:
    """The terminal table: target, observed (range), source, model mean [95 % CI], within."""
    rows = [("target", "when", "observed (range)", "model mean [95 % CI]", "within", "source")]
    for t, r in zip(v.targets.targets, v.table.itertuples(index=False), strict=True):
        obs = f"{t.fmt(t.value)} ({t.fmt(t.low)} to {t.fmt(t.high)})"
        model = f"{t.fmt(r.model_mean)} [{t.fmt(r.ci_low)}, {t.fmt(r.ci_high)}]"
        verdict = "yes" if r.within else "NO"
        rows.append((t.id + ("" if t.fit else " (not fitted)"), t.when, obs, model, verdict, t.source))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(f"{c:<{w}}" for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5] for r in rows]
    lines.insert(1, "-" * min(160, sum(widths) + 12))
    for t in v.skipped:
        lines.append(f"{t.id}: not computed ({t.when} lies outside the recorded period)")
    return "\n".join(lines)


def validation_figure(v: Validation):  # type: ignore[no-untyped-def]
    """One panel per target: the observed range and value, each replication, the model mean and interval."""
    import matplotlib.pyplot as plt

    targets = v.targets.targets
    cols = 4
    rows = -(-len(targets) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.1 * cols, 2.6 * rows), constrained_layout=True, squeeze=False
    )
    rng = np.random.default_rng(0)
    for ax, t, r in zip(axes.flat, targets, v.table.itertuples(index=False), strict=False):
        factor = UNITS[t.unit][0]
        ax.axhspan(t.low * factor, t.high * factor, color="0.85", lw=0, label="observed range")
        ax.axhline(t.value * factor, color="k", lw=1.2, label="observed")
        x = v.per_run[t.id].to_numpy(dtype=float) * factor
        x = x[np.isfinite(x)]
        ax.scatter(
            rng.uniform(-0.15, 0.15, len(x)), x, s=9, color="0.45", alpha=0.6, lw=0, label="replications"
        )
        color = "tab:green" if r.within else "tab:red"
        if math.isfinite(r.model_mean):
            ax.errorbar(
                [0.45],
                [r.model_mean * factor],
                yerr=[[(r.model_mean - r.ci_low) * factor], [(r.ci_high - r.model_mean) * factor]],
                fmt="o",
                color=color,
                capsize=4,
                label="model mean, 95 % CI",
            )
        ax.set_xlim(-0.6, 0.9)
        ax.set_xticks([])
        lo = min([t.low * factor, *(x if len(x) else [t.low * factor])])
        hi = max([t.high * factor, *(x if len(x) else [t.high * factor])])
        pad = 0.12 * (hi - lo or 1.0)
        ax.set_ylim(lo - pad, hi + pad)
        scale_word = {"EUR": "€ million", "EUR/yr": "€ million / yr", "share": "%", "share of GDP": "%"}
        ax.set_ylabel(
            scale_word.get(t.unit, "percentage points" if t.unit == "points of GDP" else t.unit), fontsize=8
        )
        extra = "" if t.fit else ", not fitted"
        ax.set_title(f"{t.id} ({t.when}{extra})", fontsize=9, color="k" if r.within else "tab:red")
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3, axis="y")
    for ax in list(axes.flat)[len(targets) :]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=8)
    fig.suptitle(
        f"{v.scenario.name} against the record: {v.n_within} of {len(targets)} targets within range "
        f"({len(v.per_run)} replications; green: model mean within the observed range)",
        fontsize=11,
    )
    return fig


def write_outputs(v: Validation, out: Path | str) -> list[str]:
    """Write ``validation.csv``, ``replications.csv`` and ``validation.png`` into ``out``; return names."""
    from clusterpolicy.outputs import plots

    out = Path(out)
    table = v.table.copy()
    table.insert(0, "scenario", v.scenario.name)
    atomic_write(out / "validation.csv", lambda p: table.to_csv(p, index=False))
    per = v.per_run.copy()
    per.insert(0, "seed", [v.seeds[int(i)] for i in per.index])
    atomic_write(out / "replications.csv", lambda p: per.to_csv(p))
    plots.save(validation_figure(v), out / "validation.png")
    return ["validation.csv", "replications.csv", "validation.png"]

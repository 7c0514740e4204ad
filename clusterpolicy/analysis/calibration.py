"""Calibration: score parameter sets against the validation targets and choose the calibrated one.

The procedure (described for people in ``docs/validation.md``; run by
:func:`clusterpolicy.studies.calibrate.calibrate`):

1. A design (a Latin hypercube over the behavioural uncertainties, every quarter kept) runs through the
   one evaluator, with common random numbers across design points; when a target is a difference to the
   counterfactual, the same design runs a second time under the counterfactual's ``[policy]`` (same points,
   same seeds) and each run is paired with its counterfactual.
2. Each run gives each fitted target's statistic (:mod:`clusterpolicy.analysis.validation`); a design
   point's value is the mean over its replications (:func:`score_points`).
3. A point is *accepted* (rejection sampling, as in approximate Bayesian computation) when every fitted
   target's mean lies in its range. Each point also has a *shortfall* -- the root of the summed squares of
   how far each target lies outside its range, in units of the range's width (0 when accepted) -- and a
   *gap* -- the root mean square of each target's distance to its observed value in the same units.
4. The calibrated set is the point with the smallest shortfall; among accepted points (shortfall 0), the
   one with the smallest gap (a minimum-distance fit within the accepted region). Its values are rounded
   to three significant digits (:func:`plain_value`).
5. The accepted points are the *ensemble* (:func:`ensemble_of`): a sample of the parameter sets that fit
   the record, which a study can draw from so that its intervals carry parameter uncertainty. When fewer
   than ``min_sets`` are accepted, the ``min_sets`` sets with the smallest shortfall make it up, and the
   ensemble says so (its ``accepted`` column).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.analysis.validation import split_computable
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.scenario import Scenario
from clusterpolicy.inputs.sweep_spec import SweepSpec
from clusterpolicy.inputs.targets import Target, TargetSet
from clusterpolicy.model.params import field_type


@dataclass
class Calibration:
    """A finished calibration.

    Attributes:
        spec: the experiment (design over the uncertain parameters).
        targets: the fitted targets.
        skipped: targets not fitted (``fit = false``, or outside the recorded period).
        points: one row per design point: ``point``, the parameter values, each target's mean over
            replications, ``shortfall``, ``gap``, ``accepted``, ``runs``.
        best_point: the chosen design point.
        best: the calibrated values (dotted key -> value, rounded).
        counterfactual: the counterfactual scenario, if a target needed it.
        runs: runs done (both sweeps), incl. those resumed from ``out``.
        seconds: wall time.
        failures: runs that raised (run id -> error), over every sweep.
        stages: the designs run: the experiment, and the refined one if there was a second stage.
        confirmed: the best sets run again with more replications and fresh seeds (one row per set, as
            in ``points``), on which the final choice was made; None without a confirmation.
        refine_top: share of the first-stage sets whose box the second stage sampled.
        written: the calibrated scenario file, loaded back, when one was written.
    """

    spec: SweepSpec
    targets: TargetSet
    skipped: list[Target]
    points: pd.DataFrame
    best_point: int
    best: dict[str, Any]
    counterfactual: Scenario | None
    runs: int
    seconds: float
    failures: dict[str, str] = field(default_factory=dict)
    stages: list[SweepSpec] = field(default_factory=list)
    confirmed: pd.DataFrame | None = None
    refine_top: float = 0.05
    written: Scenario | None = None

    @property
    def accepted(self) -> int:
        """Design points within every fitted target's range."""
        return int(self.points["accepted"].sum())

    @property
    def keys(self) -> list[str]:
        """The calibrated parameters."""
        return [p.key for p in self.spec.parameters]

    def accepted_range(self, key: str) -> tuple[float, float, float] | None:
        """(min, median, max) of a parameter over the accepted points, or None if none was accepted."""
        a = self.points.loc[self.points["accepted"], key].to_numpy(dtype=float)
        if not len(a):
            return None
        return float(a.min()), float(np.median(a)), float(a.max())


def round_sig(value: float, digits: int = 3) -> float:
    """``value`` rounded to ``digits`` significant digits."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def plain_value(key: str, value: Any) -> Any:
    """A calibrated value as written: integers rounded, numbers to three significant digits."""
    if field_type(key) is int:
        return round(float(value))
    if isinstance(value, np.generic):
        value = value.item()
    return round_sig(float(value)) if isinstance(value, float) else value


def score_means(targets: TargetSet, means: pd.DataFrame) -> pd.DataFrame:
    """Targets met, shortfall, gap and acceptance of parameter sets from their targets' means.

    Args:
        targets: the fitted targets.
        means: one row per set, one column per target (the mean over its replications).

    Returns:
        ``means`` with the columns ``n_within``, ``shortfall``, ``gap`` and ``accepted`` added.
    """
    short = np.zeros(len(means))
    gap = np.zeros(len(means))
    within = np.zeros(len(means), dtype=int)
    for t in targets.targets:
        m = means[t.id].to_numpy(dtype=float)
        short += np.array([t.shortfall(x) for x in m]) ** 2
        gap += np.array([t.gap(x) for x in m]) ** 2
        within += np.array([t.within(x) for x in m], dtype=int)
    out = means.copy()
    out["n_within"] = within
    out["shortfall"] = np.sqrt(short)
    out["gap"] = np.sqrt(gap / max(1, len(targets.targets)))
    out["accepted"] = out["shortfall"] == 0.0
    return out


def score_points(targets: TargetSet, per_run: pd.DataFrame, point_of_run: pd.Series) -> pd.DataFrame:
    """Per design point: each target's mean over replications, targets met, shortfall, gap, acceptance.

    Args:
        targets: the fitted targets.
        per_run: one row per run (index: run id), one column per target.
        point_of_run: the design point of each run id.
    """
    df = per_run.copy()
    df["point"] = point_of_run.reindex(df.index).to_numpy()
    means = df.groupby("point").mean()
    out = score_means(targets, means)
    out["runs"] = df.groupby("point").size()
    return out.reset_index()


def fitted_targets(targets: TargetSet, spec: SweepSpec) -> tuple[TargetSet, list[Target]]:
    """The targets the calibration fits (``role = "fit"``, within the recorded period), and the others.

    Held-out targets are never seen: they are left out here, before any run is scored.

    Raises:
        InputError: when no target can be fitted.
    """
    usable, _ = split_computable(targets, spec.base.params)
    for t in usable.targets:
        if t.fit and t.study is not None:
            raise InputError(
                str(targets.path or "targets"),
                f"target {t.id!r}: role = 'fit': an evaluation-study target can only be held out",
            )
    fit = usable.subset([t for t in usable.targets if t.fit])
    skipped = [t for t in targets.targets if t not in fit.targets]
    if not fit.targets:
        raise InputError(
            str(targets.path or "targets"),
            f"no target with role = 'fit' lies within the recorded period of {spec.base.name}",
        )
    return fit, skipped


def refined_spec(spec: SweepSpec, points: pd.DataFrame, n: int, top: int) -> SweepSpec:
    """A second Latin hypercube of ``n`` sets within the box spanned by the ``top`` best sets of the first.

    Each parameter's new bounds are the smallest and largest value among the best sets (best: smallest
    shortfall, then smallest gap), widened by a tenth of that span on each side and kept within the first
    design's bounds; integer parameters keep whole-number bounds.
    """
    best = points.sort_values(["shortfall", "gap"], kind="stable").head(top)
    params = []
    for p in spec.parameters:
        if p.bounds is None:
            params.append(p)
            continue
        lo0, hi0 = p.bounds
        lo, hi = float(best[p.key].min()), float(best[p.key].max())
        pad = max(0.1 * (hi - lo), 0.02 * (hi0 - lo0))
        lo, hi = max(lo0, lo - pad), min(hi0, hi + pad)
        if p.is_int:
            lo, hi = float(math.floor(lo)), float(math.ceil(hi))
        params.append(dataclasses.replace(p, bounds=(lo, hi)))
    return dataclasses.replace(spec, name=f"{spec.name}-refine", n=n, seed=spec.seed + 1, parameters=params)


def chosen_row(cal: Calibration) -> pd.Series:
    """The chosen set's row: from the confirmation if there was one, else from the design."""
    pool = cal.confirmed if cal.confirmed is not None else cal.points
    return pool.set_index("point").loc[cal.best_point]


def best_point(pool: pd.DataFrame) -> int:
    """The chosen set of a pool of scored sets: the smallest shortfall, then the smallest gap."""
    return int(pool.sort_values(["shortfall", "gap"], kind="stable")["point"].iloc[0])


def ensemble_of(points: pd.DataFrame, keys: list[str], min_sets: int = 10) -> pd.DataFrame:
    """The calibration's ensemble: every accepted set, or the ``min_sets`` best if fewer were accepted.

    Returns:
        One row per set: ``point``, ``stage``, ``shortfall``, ``gap``, ``accepted`` and the parameters
        (dotted keys), values as they would be written (:func:`plain_value`); best first.
    """
    ranked = points.sort_values(["shortfall", "gap"], kind="stable")
    chosen = ranked[ranked["accepted"]]
    if len(chosen) < min_sets:
        chosen = ranked.head(min_sets)
    cols = ["point", "stage", "shortfall", "gap", "accepted"]
    out = chosen[[c for c in cols if c in chosen.columns]].copy()
    for k in keys:
        out[k] = [plain_value(k, v) for v in chosen[k]]
    return out.reset_index(drop=True)

"""Scenario discovery: under which combinations of the varied parameters is an outcome high (or low)?

PRIM (the patient rule induction method; Friedman & Fisher 1999, as scenario discovery uses it: Bryant &
Lempert 2010) looks for a *box* -- a range for a few parameters -- that holds many of the *cases of
interest* (coverage: the share of all cases that fall inside the box) and few others (density: the share
of the points inside the box that are cases). It peels the box down step by step; every step is one box
of the *peeling trajectory*, from the whole design (coverage 1, density = the share of cases) to a small,
dense box. We use EMA Workbench's implementation (``ema_workbench.analysis.prim``) and its extra-trees
feature scoring (``get_ex_feature_scores``, scikit-learn), which ranks the parameters by how much they
explain of the outcome itself, with no threshold.

The cases are the **design points**: each point's outcome is the mean over its finished replicates
(replicates differ only in their seed), so a point is a case when that mean is above (or below) the
threshold. Points without a finished run or with an undefined outcome are left out and counted.

Which box to read: along the trajectory density rises as coverage falls. :func:`discover` keeps, for each
number of restricted parameters, the densest box whose coverage is at least ``min_coverage`` (0.5 unless
given), and *chooses* the densest of those whose every limit is significant (PRIM's quasi-p value, the
chance that a limit that tight arises with no real pattern, at most 0.05; the fewer restricted
parameters on a tie), or the densest of all when none is. A dense box whose extra limits are not
significant fits noise in the sample; the table of shown boxes keeps it visible. Integer parameters are
analysed as numbers (EMA's pasting steps between integers), so a limit like ``<= 2.5`` means ``at most 2``.

This module computes; :mod:`clusterpolicy.outputs.discover` shows the result.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.inputs.errors import InputError

MIN_COVERAGE = 0.5
QP_LIMIT = 0.05  # a chosen box's every limit has a quasi-p value at most this
PEEL_ALPHA = 0.05
MASS_MIN = 0.05
EXTRA = "pip install 'clusterpolicy[ema]'"


@contextmanager
def _ema_quiet() -> Iterator[None]:
    """EMA Workbench's own deprecation warnings (pandas 3 in its code) are not ours to raise."""
    with warnings.catch_warnings():
        for category in (DeprecationWarning, FutureWarning):
            warnings.filterwarnings("ignore", category=category, module=r"ema_workbench")
        warnings.filterwarnings("ignore", message="ipyparallel not installed", category=UserWarning)
        yield


def _ema_analysis() -> tuple[Any, Any, Any]:
    """EMA's ``prim``, ``get_ex_feature_scores`` and ``RuleInductionType`` (one line if not installed)."""
    try:
        with _ema_quiet():
            from ema_workbench.analysis import prim
            from ema_workbench.analysis.feature_scoring import get_ex_feature_scores
            from ema_workbench.analysis.scenario_discovery_util import RuleInductionType
    except ImportError:  # pragma: no cover - the tests install the extra
        raise InputError("ema_workbench", f"not installed; scenario discovery needs it: {EXTRA}") from None
    return prim, get_ex_feature_scores, RuleInductionType


@dataclass(frozen=True)
class Limit:
    """One restricted parameter of a box.

    Attributes:
        parameter: the dotted key.
        low: the box's lower limit (None: not restricted from below); numbers only.
        high: the box's upper limit (None: not restricted from above); numbers only.
        values: the values kept, for a categorical parameter (None for numbers).
        qp: PRIM's quasi-p value of the limit (the larger of the two sides).
    """

    parameter: str
    low: float | None
    high: float | None
    values: tuple[Any, ...] | None
    qp: float


@dataclass(frozen=True)
class Box:
    """One box of the peeling trajectory.

    Attributes:
        index: its position on the trajectory (0 = the whole design).
        coverage: share of all cases of interest inside the box.
        density: share of the points inside the box that are cases.
        mass: share of all points inside the box.
        points: points inside the box.
        cases: cases of interest inside the box.
        limits: the restricted parameters, in the order of the varied parameters.
    """

    index: int
    coverage: float
    density: float
    mass: float
    points: int
    cases: int
    limits: list[Limit]

    @property
    def restricted(self) -> int:
        """How many parameters the box restricts."""
        return len(self.limits)


@dataclass
class Discovery:
    """What PRIM found for one outcome, with the feature scores.

    Attributes:
        outcome: the outcome.
        rule: ``above``, ``below`` or ``top``.
        threshold: the outcome's value that separates cases (for ``top``, the quantile).
        top: the share asked for with ``top`` (else None).
        parameters: the varied parameters (dotted keys), in the design's order.
        kinds: parameter -> ``lever`` or ``uncertainty``.
        ranges: parameter -> (lowest, highest) value in the design, or the values of a categorical one.
        points: design points analysed.
        cases: cases of interest among them.
        left_out: design points left out (no finished run or an undefined outcome).
        trajectory: one row per box of the peeling trajectory (coverage, density, mass, res_dim, n, id).
        boxes: the boxes shown: per number of restricted parameters, the densest with enough coverage.
        chosen: the box chosen among them.
        min_coverage: the coverage a shown box must reach.
        scores: one row per parameter: ``parameter``, ``kind``, ``importance`` (extra trees), and ``ST``,
            ``ST_conf`` where a Sobol' analysis of the same sweep was given.
        replications: replicates per point in the design.
        seed: the seed of the extra trees.
        notes: plain-language notes (e.g. ties at the threshold, few cases).
    """

    outcome: str
    rule: str
    threshold: float
    top: float | None
    parameters: list[str]
    kinds: dict[str, str]
    ranges: dict[str, Any]
    points: int
    cases: int
    left_out: int
    trajectory: pd.DataFrame
    boxes: list[Box]
    chosen: Box
    min_coverage: float
    scores: pd.DataFrame
    replications: int
    seed: int
    notes: list[str] = field(default_factory=list)


def point_table(results: pd.DataFrame, parameters: Sequence[str], outcome: str) -> pd.DataFrame:
    """One row per design point: the varied parameters and the mean of the outcome over finished runs.

    ``results`` is one row per run, as ``load_sweep_results`` gives; ``n`` is the finished runs per point.
    """
    done = results[results["status"] == "done"]
    inputs = results.groupby("point", sort=True)[list(parameters)].first()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = done.groupby("point")[outcome].mean()
    n = done.groupby("point")[outcome].count()
    out = inputs.assign(**{outcome: mean.reindex(inputs.index), "n": n.reindex(inputs.index).fillna(0)})
    return out.reset_index()


def check_rule(above: float | None, below: float | None, top: float | None) -> tuple[str, float]:
    """Exactly one of ``above``, ``below`` and ``top`` (a share strictly between 0 and 1).

    Raises:
        InputError: naming the argument.
    """
    given = {k: v for k, v in (("above", above), ("below", below), ("top", top)) if v is not None}
    if len(given) != 1:
        raise InputError("above", "give exactly one of above, below or top", argument=True)
    rule, value = next(iter(given.items()))
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(rule, f"{value!r}: a number", argument=True)
    if rule == "top" and not 0 < value < 1:
        raise InputError(
            "top",
            f"{value}: a share between 0 and 1 (0.2: the fifth of points with the highest values)",
            argument=True,
        )
    return rule, float(value)


def _prim_inputs(table: pd.DataFrame, parameters: Sequence[str]) -> pd.DataFrame:
    """The parameters as PRIM takes them: numbers as floats, booleans and choices as categories."""
    x = table[list(parameters)].copy()
    for c in x.columns:
        if x[c].dtype == bool or x[c].dtype == object or isinstance(x[c].dtype, pd.StringDtype):
            x[c] = x[c].astype(str)
        else:
            x[c] = x[c].astype(float)  # EMA's PRIM pastes halves into integer columns (pandas 3 refuses)
    return x


def _ranges(x: pd.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in x.columns:
        if x[c].dtype == object or isinstance(x[c].dtype, pd.StringDtype):
            out[c] = tuple(sorted(set(x[c])))
        else:
            out[c] = (float(x[c].min()), float(x[c].max()))
    return out


def _box(prim_box: Any, i: int, x: pd.DataFrame, ranges: Mapping[str, Any]) -> Box:
    """Box ``i`` of the trajectory, with its restricted limits."""
    stats, lims = prim_box.inspect(i, style="data")[0]
    raw = prim_box.box_lims[i]
    limits = []
    for p in x.columns:
        if p not in lims.index:
            continue
        row = lims.loc[p].to_numpy()
        qps = [float(v) for v in row[2:] if v == v]
        qp = max(qps) if qps else math.nan
        if isinstance(ranges[p], tuple) and isinstance(ranges[p][0], str):
            kept = tuple(sorted(raw[p].iloc[0]))
            limits.append(Limit(p, None, None, kept, qp))
            continue
        lo, hi = float(raw[p].iloc[0]), float(raw[p].iloc[1])
        full_lo, full_hi = ranges[p]
        limits.append(Limit(p, lo if lo > full_lo else None, hi if hi < full_hi else None, None, qp))
    return Box(
        index=int(i),
        coverage=float(stats["coverage"]),
        density=float(stats["density"]),
        mass=float(stats["mass"]),
        points=int(stats["n"]),
        cases=int(stats["k"]),
        limits=limits,
    )


def _shown(trajectory: pd.DataFrame, min_coverage: float) -> list[int]:
    """Per number of restricted parameters, the densest box with coverage >= min_coverage."""
    ok = trajectory[trajectory["coverage"] >= min_coverage - 1e-12]
    ok = ok[ok["res_dim"] > 0]
    picked = []
    for _, g in ok.groupby("res_dim", sort=True):
        best = g.sort_values(["density", "coverage"], ascending=[False, False]).iloc[0]
        picked.append(int(best["id"]))
    return picked


def feature_scores(x: pd.DataFrame, y: np.ndarray, seed: int) -> pd.Series:
    """Extra-trees feature scores of ``y`` (EMA Workbench's ``get_ex_feature_scores``, regression).

    Returns:
        parameter -> importance (they sum to 1), strongest first.
    """
    _, get_ex_feature_scores, rule_induction = _ema_analysis()
    with _ema_quiet():
        scores, _ = get_ex_feature_scores(x, y, mode=rule_induction.REGRESSION, random_state=int(seed))
    return scores.iloc[:, 0].rename("importance")


def discover(
    results: pd.DataFrame,
    parameters: Sequence[str],
    outcome: str,
    *,
    above: float | None = None,
    below: float | None = None,
    top: float | None = None,
    kinds: Mapping[str, str] | None = None,
    min_coverage: float = MIN_COVERAGE,
    peel_alpha: float = PEEL_ALPHA,
    mass_min: float = MASS_MIN,
    seed: int = 1,
    replications: int = 1,
) -> Discovery:
    """PRIM boxes and feature scores of one outcome over a sweep's results.

    Args:
        results: one row per run (``point``, ``status``, the parameters, the outcome), as
            ``load_sweep_results`` gives.
        parameters: the varied parameters (dotted keys).
        outcome: the outcome to explain.
        above: cases of interest: point means above this value.
        below: cases of interest: point means below this value.
        top: cases of interest: this share of points with the highest means (0.2: the top fifth).
        kinds: parameter -> ``lever`` / ``uncertainty``.
        min_coverage: the coverage a shown box must reach (0 to 1).
        peel_alpha: the share of points PRIM peels off in one step.
        mass_min: the smallest share of points a box may hold.
        seed: seed of the extra trees (the scores are reproducible).
        replications: replicates per point in the design (for the report).

    Raises:
        InputError: a bad rule, an outcome not in the results, no case of interest or nothing else.
    """
    rule, value = check_rule(above, below, top)
    if not 0 < min_coverage <= 1:
        raise InputError("min_coverage", f"{min_coverage}: a share above 0 and at most 1", argument=True)
    if outcome not in results.columns:
        raise InputError("outcome", f"{outcome!r}: not recorded in this sweep", argument=True)
    if not parameters:
        raise InputError("results", "no varied parameters: scenario discovery needs a sweep", argument=True)
    table = point_table(results, parameters, outcome)
    valid = table[np.isfinite(table[outcome].to_numpy(float))].reset_index(drop=True)
    left_out = len(table) - len(valid)
    y = valid[outcome].to_numpy(float)
    notes: list[str] = []
    if rule == "top":
        threshold = float(np.quantile(y, 1 - value)) if len(y) else math.nan
        cases = y >= threshold
    else:
        threshold = value
        cases = y > value if rule == "above" else y < value
    if not cases.any() or cases.all():
        what = "no" if not cases.any() else "every"
        raise InputError(
            rule,
            f"{value:g}: {what} design point is a case of interest ({len(y)} points, {outcome} from "
            f"{np.min(y):.4g} to {np.max(y):.4g}); choose a threshold inside that range",
            argument=True,
        )
    if rule == "top" and abs(cases.mean() - value) > 0.5 / len(y) + 1e-9:
        notes.append(
            f"{int(cases.sum())} of {len(y)} points ({100 * cases.mean():.0f} %) are at or above the "
            f"threshold: values are tied there"
        )
    if cases.sum() < 10:
        notes.append(f"only {int(cases.sum())} cases of interest: the boxes are rough; run a larger sweep")
    x = _prim_inputs(valid, parameters)
    ranges = _ranges(x)
    prim, _, _ = _ema_analysis()
    with _ema_quiet():
        p = prim.Prim(x, cases, peel_alpha=peel_alpha, mass_min=mass_min)
        prim_box = p.find_box()
        trajectory = prim_box.peeling_trajectory.copy()
        shown = _shown(trajectory, min_coverage)
        boxes = [_box(prim_box, i, x, ranges) for i in shown]
    if not boxes:
        whole = _box(prim_box, 0, x, ranges)
        notes.append(
            f"no box restricting a parameter keeps a coverage of {min_coverage:g}: lower min_coverage"
        )
        boxes = [whole]
    significant = [b for b in boxes if all(not lim.qp > QP_LIMIT for lim in b.limits)]
    chosen = sorted(significant or boxes, key=lambda b: (-round(b.density, 9), b.restricted))[0]
    if not significant:
        notes.append(
            f"every shown box has a limit with a quasi-p value above {QP_LIMIT:g}: read it with care"
        )
    importance = feature_scores(x, y, seed)
    kinds = {k: (kinds or {}).get(k, "parameter") for k in parameters}
    scores = pd.DataFrame(
        {
            "parameter": importance.index,
            "kind": [kinds[k] for k in importance.index],
            "importance": importance.to_numpy(float),
        }
    )
    return Discovery(
        outcome=outcome,
        rule=rule,
        threshold=threshold,
        top=value if rule == "top" else None,
        parameters=list(parameters),
        kinds=kinds,
        ranges=ranges,
        points=len(y),
        cases=int(cases.sum()),
        left_out=left_out,
        trajectory=trajectory,
        boxes=boxes,
        chosen=chosen,
        min_coverage=min_coverage,
        scores=scores,
        replications=replications,
        seed=seed,
        notes=notes,
    )

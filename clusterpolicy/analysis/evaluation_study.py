"""A replicated evaluation study: difference-in-differences of members against matched non-members.

Evaluations of cluster programmes (Falck, Heblich & Kipar 2010; Ben Hassine & Mathieu 2017; Rothgang et
al. 2017) compare firms that joined with comparable firms that did not, before and after joining. This
module runs the same kind of estimate on a panel of firms (the model's, recorded with
``ClusterPolicyModel(..., panel=True)``, or any panel with the same columns):

* *treated*: firms that became members of a spearhead cluster in a year ``y`` in ``join_years``, were not
  members in the ``pre`` years before, and stayed members in the ``post`` years after ``y``;
* *controls*: firms that were members of no spearhead cluster in any year of the study; each treated firm
  is matched to the nearest control (with replacement) of the same size class and domain -- or, if the
  domain has none, of the same size class -- on its log own R&D in the year before joining;
* the effect on an outcome is the mean over treated firms of (post mean - pre mean) minus the same for
  its matched control, in the same calendar years;
* intervals: a bootstrap over treated firms (pairs resampled), percentile, with a fixed seed.

Outcomes: ``innovation`` (the yearly probability of innovating, in points), ``rd_growth`` (the change of
log own R&D, as a relative change), and ``rd_per_aid`` (the change of total R&D per euro of the change in
project aid: the leverage that Ben Hassine & Mathieu and Rothgang et al. report).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

REQUIRED = ("year", "firm", "sme", "domain", "own_rd", "rd", "innovated", "aid", "member_spearhead")
OUTCOMES = ("innovation", "rd_growth", "rd_per_aid")


@dataclass(frozen=True)
class Estimate:
    """One estimated effect.

    Attributes:
        outcome: one of :data:`OUTCOMES`.
        effect: the point estimate.
        ci_low: lower end of the interval.
        ci_high: upper end of the interval.
        n_treated: treated firms in the estimate.
    """

    outcome: str
    effect: float
    ci_low: float
    ci_high: float
    n_treated: int


@dataclass(frozen=True)
class _Design:
    treated: np.ndarray  # firm ids
    control: np.ndarray  # matched control of each treated firm
    join: np.ndarray  # join year of each treated firm


def _wide(panel: pd.DataFrame, col: str) -> pd.DataFrame:
    return panel.pivot(index="firm", columns="year", values=col)


def design(panel: pd.DataFrame, join_years: tuple[int, ...], pre: int = 2, post: int = 3) -> _Design:
    """Treated firms, their join years and their matched controls (see the module docstring)."""
    missing = [c for c in REQUIRED if c not in panel.columns]
    if missing:
        raise ValueError(f"panel: missing columns {', '.join(missing)}")
    member = _wide(panel, "member_spearhead").astype(bool)
    years = member.columns.to_numpy()
    firms = member.index.to_numpy()
    static = panel.drop_duplicates("firm").set_index("firm").loc[firms]
    log_rd = np.log(_wide(panel, "own_rd").clip(lower=1.0))
    lo = min(join_years) - pre
    hi = max(join_years) + post
    study = (years >= lo) & (years <= hi)
    never = ~member.loc[:, study].any(axis=1).to_numpy()
    treated, join, control = [], [], []
    for y in join_years:
        before = [c for c in years if y - pre <= c < y]
        after = [c for c in years if y <= c <= y + post]
        if len(before) < pre or len(after) < post + 1:
            continue
        new = (~member[before].any(axis=1)) & member[after].all(axis=1)
        for firm in firms[new.to_numpy()]:
            treated.append(firm)
            join.append(y)
    treated_a = np.array(treated, dtype=np.int64)
    join_a = np.array(join, dtype=np.int64)
    sme = static["sme"].to_numpy()
    domain = static["domain"].to_numpy()
    pos = {f: i for i, f in enumerate(firms)}
    for firm, y in zip(treated_a, join_a, strict=True):
        i = pos[firm]
        pool = never & (sme == sme[i]) & (domain == domain[i])
        if not pool.any():
            pool = never & (sme == sme[i])
        if not pool.any():
            control.append(-1)
            continue
        x = log_rd[y - 1].to_numpy()
        cand = np.flatnonzero(pool)
        control.append(int(firms[cand[int(np.argmin(np.abs(x[cand] - x[i])))]]))
    control_a = np.array(control, dtype=np.int64)
    keep = control_a >= 0
    return _Design(treated_a[keep], control_a[keep], join_a[keep])


def _changes(panel: pd.DataFrame, d: _Design, pre: int, post: int) -> dict[str, np.ndarray]:
    """Per treated firm: (post mean - pre mean) of each ingredient, minus the same for its control."""
    out: dict[str, np.ndarray] = {}
    for key, col, log in (
        ("innov", "innovated", False),
        ("log_rd", "own_rd", True),
        ("rd", "rd", False),
        ("aid", "aid", False),
    ):
        w = _wide(panel, col).astype(float)
        values = np.log(np.maximum(w.to_numpy(), 1.0)) if log else w.to_numpy()
        row = {f: i for i, f in enumerate(w.index)}
        colpos = {y: j for j, y in enumerate(w.columns)}
        res = np.empty(len(d.treated))
        for y in np.unique(d.join):
            sel = d.join == y
            before = [colpos[c] for c in range(y - pre, y)]
            after = [colpos[c] for c in range(y + 1, y + post + 1)]
            t_rows = [row[f] for f in d.treated[sel]]
            c_rows = [row[f] for f in d.control[sel]]
            change_t = values[np.ix_(t_rows, after)].mean(axis=1) - values[np.ix_(t_rows, before)].mean(
                axis=1
            )
            change_c = values[np.ix_(c_rows, after)].mean(axis=1) - values[np.ix_(c_rows, before)].mean(
                axis=1
            )
            res[sel] = change_t - change_c
        out[key] = res
    return out


def _point(ch: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, float]:
    aid = float(ch["aid"][idx].mean())
    return {
        "innovation": float(ch["innov"][idx].mean()),
        "rd_growth": float(np.expm1(ch["log_rd"][idx].mean())),
        "rd_per_aid": float(ch["rd"][idx].mean() / aid) if aid > 0 else float("nan"),
    }


def did(
    panel: pd.DataFrame,
    join_years: tuple[int, ...],
    pre: int = 2,
    post: int = 3,
    level: float = 0.95,
    n_boot: int = 400,
    seed: int = 0,
    sme_only: bool = False,
) -> list[Estimate]:
    """The difference-in-differences estimates with bootstrap intervals (see the module docstring).

    Args:
        panel: one row per firm and year with the columns :data:`REQUIRED`.
        join_years: the years of joining that make a firm treated.
        pre: years before joining that form the pre-period (not members then).
        post: years after the join year that form the post-period (members throughout).
        level: coverage of the intervals.
        n_boot: bootstrap resamples (0: the point estimates only, intervals NaN).
        seed: seed of the bootstrap.
        sme_only: estimate on SMEs only (as Rothgang et al. do).

    Returns:
        One :class:`Estimate` per outcome in :data:`OUTCOMES` (NaN where there are no treated firms).
    """
    data = panel[panel["sme"]] if sme_only else panel
    d = design(data, join_years, pre, post)
    n = len(d.treated)
    if n == 0:
        return [Estimate(o, float("nan"), float("nan"), float("nan"), 0) for o in OUTCOMES]
    ch = _changes(data, d, pre, post)
    point = _point(ch, np.arange(n))
    if n_boot == 0:  # the point estimates only
        nan = float("nan")
        return [Estimate(o, point[o], nan, nan, n) for o in OUTCOMES]
    rng = np.random.default_rng(seed)
    boots = [_point(ch, rng.integers(0, n, n)) for _ in range(n_boot)]
    a = (1.0 - level) / 2.0
    out = []
    for o in OUTCOMES:
        vals = np.array([b[o] for b in boots])
        vals = vals[np.isfinite(vals)]
        lo, hi = np.quantile(vals, [a, 1.0 - a]) if len(vals) else (float("nan"), float("nan"))
        out.append(Estimate(o, point[o], float(lo), float(hi), n))
    return out

"""Global sensitivity analysis of a sweep, or of any Python function: Sobol' and Morris indices.

The analysis takes the outputs of a ``sobol`` or ``morris`` design (see :mod:`experiments.sweep`) as a
matrix of design points x replicates and computes, per outcome, with SALib:

* **Sobol'** (``design = "sobol"``): first-order ``S1`` and total-order ``ST`` indices (and ``S2`` with
  ``second_order = true``), each with a bootstrap interval (SALib's percentile-free bootstrap: ``conf`` is
  z x the standard deviation of the index over ``bootstrap`` resamples of the base samples);
* **Morris** (``design = "morris"``): ``mu_star`` (mean absolute elementary effect) with its bootstrap
  interval, ``sigma`` (standard deviation of the elementary effects) and ``mu`` (their mean, whose sign
  gives the direction). Elementary effects are in outcome units per whole parameter range.

Replicates are **averaged per design point** before the analysis (the order of the points is SALib's,
so the Saltelli blocks and Morris trajectories stay intact). A point whose runs all failed removes its
whole block (Sobol': the ``D + 2`` rows of one base sample; Morris: one trajectory of ``D + 1`` rows); the
estimators are means over blocks, so the rest stays valid.

**Replicate noise.** ``v``, the variance of the noise left in a point mean of ``R`` replicates, is
estimated as follows. Without common random numbers (every run its own seed), with ``s_i^2`` the sample
variance of the replicates at point ``i`` and ``k_i`` their number, ``v = mean_i(s_i^2 / k_i)``. With
common random numbers (the default: replicate ``r`` has the same seed at every point) the part of the
noise common to all points shifts every point mean alike and does not touch the indices; what is left is
the point x seed interaction, whose variance is the residual variance of the points x replicates table
(two-way layout without interaction, complete points only), ``sigma_e^2 = SS_res / ((P - 1)(R - 1))``,
and ``v = sigma_e^2 / R``. Beside the indices we report:

* Sobol': the noise share ``eta = v / Var_i(point means)``, the part of the analysed variance that is
  replicate noise. Independent noise adds exactly ``eta`` to the expected total-order index of every
  parameter (and nothing to the first-order ones), so ``eta`` is the level below which an index cannot be
  told apart from noise. Where the noise of nearby points is alike it partly cancels in the estimators,
  so ``eta`` is conservative;
* Morris: the mean absolute elementary effect of pure noise, ``sqrt(2/pi) * sqrt(2 v) / delta`` for
  ``mu_star`` and ``sqrt(2 v) / delta`` for ``sigma`` (``delta`` = the Morris step in units of the
  parameter range).

An index is flagged ``below_noise`` when the lower end of its interval (``value - conf``; ``value`` for
``sigma``) is below its noise level. With one replicate the noise is not estimated.

**Convergence.** The indices are recomputed on the first half of the blocks (base samples, trajectories):
an index has ``converged`` when ``|S(N) - S(N/2)| <= max(min(conf(N), tol), floor)``, where ``tol`` is 0.1
for Sobol' indices (shares of variance) and 10 % of the outcome's largest ``mu_star`` for Morris, and
``floor`` is 0.01 (1 % of the largest ``mu_star``): moves that small change no conclusion. For a settled
estimator, ``S(N) - S(N/2)`` is about half the difference of two independent half-sample estimates, whose
95 % bound is ``conf(N)``: about 1 index in 20 fails the interval rule by chance; many failures mean ``n``
is too small. The tolerance catches small designs whose intervals are so wide that the interval rule
alone would pass anything. Designs with fewer than 4 blocks are too small to check (``converged`` empty).

Designs ``grid`` and ``lhs`` are refused: their indices would need a different estimator (e.g. a
meta-model), which this module does not provide; run them with ``clusterpolicy sweep``.

The same analysis runs on a plain function (``f(X) -> Y``, :func:`analyze_function`), which is how it is
tested against the Ishigami function's analytic indices.
"""

from __future__ import annotations

import datetime as _dt
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from clusterpolicy.inputs.scenario import ScenarioError

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

    from clusterpolicy.studies.sweep import SweepResult, SweepSpec

METHODS = ("sobol", "morris")
INDEX_COLUMNS = ["outcome", "parameter", "method", "index", "value", "conf"]
EXTRA_COLUMNS = ["kind", "noise", "below_noise", "half", "converged"]
DEFAULT_BOOTSTRAP = 1000
SOBOL_TOLERANCE = 0.1  # a Sobol' index that moves more than this between N/2 and N has not settled
MORRIS_TOLERANCE = 0.1  # ... a mu_star that moves more than this share of the outcome's largest mu_star
CONVERGENCE_FLOOR = 0.01  # moves smaller than this (Sobol') or this share of the largest mu_star never count
MIN_BOOTSTRAP = 100


class SensitivityError(ScenarioError):
    """An experiment that cannot be analysed (wrong design, no finished runs)."""


# ---------------------------------------------------------------------------------------------- results
@dataclass
class SensitivityResult:
    """Indices of one analysis and what is needed to read them.

    Attributes:
        name: the experiment's name (or ``function``).
        method: ``sobol`` or ``morris``.
        problem: the SALib problem (names and sampling bounds).
        kinds: parameter -> ``lever``, ``uncertainty`` (or ``parameter`` for a plain function).
        indices: one row per outcome, parameter and index (:data:`INDEX_COLUMNS` + :data:`EXTRA_COLUMNS`).
        noise: one row per outcome: replicates, mean, sd of point means, within-point sd, noise variance,
            noise share (Sobol') and the noise level of mu_star (Morris).
        means: the point means that were analysed (point x outcome; NaN where every run failed).
        n: base samples (Sobol') or trajectories (Morris) in the design.
        n_used: blocks used (all but those with a failed point).
        points: design points.
        replications: replicates per point in the design.
        runs: runs that finished.
        failed: runs that failed.
        bootstrap: bootstrap resamples.
        conf_level: level of the intervals.
        seed: root seed of the bootstrap.
        second_order: Sobol' second-order indices computed.
        num_levels: Morris levels.
        common_random_numbers: replicate r had the same seed at every point.
        warnings: plain-language warnings (convergence, noise, failures, constant outcomes).
        constant: outcomes that do not vary over the design (no indices).
    """

    name: str
    method: str
    problem: dict[str, Any]
    kinds: dict[str, str]
    indices: pd.DataFrame
    noise: pd.DataFrame
    means: pd.DataFrame
    n: int
    n_used: int
    points: int
    replications: int
    runs: int
    failed: int
    bootstrap: int
    conf_level: float
    seed: int
    second_order: bool = False
    num_levels: int = 4
    common_random_numbers: bool = False
    warnings: list[str] = field(default_factory=list)
    constant: list[str] = field(default_factory=list)

    @property
    def outcomes(self) -> list[str]:
        """The analysed outcomes, in order."""
        return list(self.noise["outcome"])

    @property
    def parameters(self) -> list[str]:
        """The varied parameters, in order."""
        return list(self.problem["names"])

    def table(self, index: str) -> pd.DataFrame:
        """One index as an outcome x parameter table of values."""
        d = self.indices[self.indices["index"] == index]
        return d.pivot(index="outcome", columns="parameter", values="value").reindex(
            index=self.outcomes, columns=self.parameters
        )


# ------------------------------------------------------------------------------------------- the core
def _block_size(method: str, d: int, second_order: bool) -> int:
    if method == "sobol":
        return 2 * d + 2 if second_order else d + 2
    return d + 1


def bootstrap_seed(seed: int) -> int:
    """The bootstrap's seed, derived from the experiment's root seed (never 0: SALib treats 0 as none)."""
    return int(np.random.SeedSequence([int(seed), 0x5E5]).generate_state(1)[0]) or 1


def _point_means(y: np.ndarray) -> np.ndarray:
    """The mean over the replicates of each point (NaN where every run failed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(y, axis=1)


def _noise(y: np.ndarray, rows: np.ndarray, crn: bool) -> tuple[float, float, float]:
    """Replicate noise over the used points.

    Returns (noise variance of a point mean, raw within-point variance, variance of the noise of one run
    that does not cancel between points).

    Without common random numbers every run has its own seed and the noise of one run is the mean
    within-point variance. With them, replicate ``r`` shares its seed at every point, so part of the noise
    is common to all points (it shifts every point mean alike and leaves the indices alone); what does not
    cancel is the point x seed interaction, estimated as the residual variance of a two-way layout
    (points x replicates, complete points only): ``SS_res / ((P - 1)(R - 1))``.
    """
    yy = y[rows]
    k = np.sum(~np.isnan(yy), axis=1)
    ok = k >= 2
    if not ok.any():
        return math.nan, math.nan, math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        s2 = np.nanvar(yy[ok], axis=1, ddof=1)
    within = float(np.mean(s2))
    reps = yy.shape[1]
    full = yy[k == reps]
    if crn and len(full) >= 2:
        res = full - full.mean(axis=1, keepdims=True) - full.mean(axis=0, keepdims=True) + full.mean()
        sigma2 = float(np.sum(res**2) / ((len(full) - 1) * (reps - 1)))
        return sigma2 / reps, within, sigma2
    return float(np.mean(s2 / k[ok])), within, within


def _sobol(problem, y, second_order, bootstrap, conf_level, seed):  # type: ignore[no-untyped-def]
    from SALib.analyze import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return sobol.analyze(
            problem,
            np.asarray(y, dtype=float),
            calc_second_order=second_order,
            num_resamples=bootstrap,
            conf_level=conf_level,
            seed=seed,
        )


def _morris(problem, x, y, num_levels, bootstrap, conf_level, seed):  # type: ignore[no-untyped-def]
    from SALib.analyze import morris

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return morris.analyze(
            problem,
            np.asarray(x, dtype=float),
            np.asarray(y, dtype=float),
            num_resamples=bootstrap,
            conf_level=conf_level,
            num_levels=num_levels,
            seed=seed,
        )


def _analyse_outcome(
    outcome: str,
    y: np.ndarray,
    *,
    method: str,
    problem: dict[str, Any],
    x: np.ndarray | None,
    blocks: list[int],
    size: int,
    second_order: bool,
    num_levels: int,
    bootstrap: int,
    conf_level: float,
    seed: int,
    crn: bool,
) -> tuple[list[dict[str, Any]], dict[str, Any], bool]:
    """Indices of one outcome; returns (rows, noise row, constant?)."""
    names = list(problem["names"])
    d = len(names)
    rows_idx = np.concatenate([np.arange(b * size, (b + 1) * size) for b in blocks])
    means = _point_means(y)
    ym = means[rows_idx]
    noise_var, within, sigma2 = _noise(y, rows_idx, crn)
    var_m = float(np.var(ym, ddof=1)) if len(ym) > 1 else math.nan
    center = float(np.mean(ym))
    constant = not np.isfinite(var_m) or np.ptp(ym) <= 1e-12 * max(1.0, abs(center))
    eta = noise_var / var_m if (not constant and math.isfinite(noise_var)) else math.nan
    delta = num_levels / (2.0 * (num_levels - 1))
    noise_row = {
        "outcome": outcome,
        "replications": int(y.shape[1]),
        "mean": center,
        "sd_means": math.sqrt(var_m) if math.isfinite(var_m) else math.nan,
        "sd_within": math.sqrt(within) if math.isfinite(within) else math.nan,
        "sd_noise": math.sqrt(sigma2) if math.isfinite(sigma2) else math.nan,
        "noise_var": noise_var,
        "noise_share": eta if method == "sobol" else math.nan,
        "noise_mu_star": (
            math.sqrt(2 / math.pi) * math.sqrt(2 * noise_var) / delta
            if method == "morris" and math.isfinite(noise_var)
            else math.nan
        ),
    }
    out: list[dict[str, Any]] = []

    def row(param: str, index: str, value: float, conf: float, noise: float, half: float, conv: Any) -> None:
        below = (
            None
            if not (math.isfinite(noise) and math.isfinite(value))
            else bool((value - (conf if math.isfinite(conf) else 0.0)) < noise)
        )
        out.append(
            {
                "outcome": outcome,
                "parameter": param,
                "method": method,
                "index": index,
                "value": value,
                "conf": conf,
                "noise": noise,
                "below_noise": below,
                "half": half,
                "converged": conv,
            }
        )

    nan = math.nan
    if constant:
        idx = ["S1", "ST"] if method == "sobol" else ["mu_star", "sigma", "mu"]
        for p in names:
            for i in idx:
                row(p, i, nan, nan, nan, nan, None)
        return out, noise_row, True

    n_used = len(blocks)
    half_blocks = blocks[: n_used // 2] if n_used >= 4 else []
    half_rows = (
        np.concatenate([np.arange(b * size, (b + 1) * size) for b in half_blocks]) if half_blocks else None
    )

    tol = [SOBOL_TOLERANCE, CONVERGENCE_FLOOR]  # Morris: set below, relative to the largest mu_star

    def conv(full: float, half: float, conf: float) -> Any:
        if half_rows is None or not (math.isfinite(full) and math.isfinite(half) and math.isfinite(conf)):
            return None
        return bool(abs(full - half) <= max(min(conf, tol[0]), tol[1]))

    if method == "sobol":
        si = _sobol(problem, ym, second_order, bootstrap, conf_level, seed)
        sh = None
        if half_rows is not None:
            yh = means[half_rows]
            if np.ptp(yh) > 0:
                sh = _sobol(problem, yh, second_order, min(bootstrap, 100), conf_level, seed)
        for j, p in enumerate(names):
            for key in ("S1", "ST"):
                v, c = float(si[key][j]), float(si[f"{key}_conf"][j])
                h = float(sh[key][j]) if sh is not None else nan
                noise = eta  # S1 and ST alike: the variance share of the noise
                row(p, key, v, c, noise, h, conv(v, h, c))
        if second_order:
            for j in range(d):
                for k in range(j + 1, d):
                    v, c = float(si["S2"][j, k]), float(si["S2_conf"][j, k])
                    h = float(sh["S2"][j, k]) if sh is not None else nan
                    row(f"{names[j]}:{names[k]}", "S2", v, c, eta, h, conv(v, h, c))
    else:
        assert x is not None
        si = _morris(problem, x[rows_idx], ym, num_levels, bootstrap, conf_level, seed)
        sh = None
        if half_rows is not None:
            sh = _morris(
                problem, x[half_rows], means[half_rows], num_levels, min(bootstrap, 100), conf_level, seed
            )
        ee_sd = math.sqrt(2 * noise_var) / delta if math.isfinite(noise_var) else nan
        largest = float(np.nanmax(np.abs(si["mu_star"])))
        tol[:] = [MORRIS_TOLERANCE * largest, CONVERGENCE_FLOOR * largest]
        for j, p in enumerate(names):
            v, c = float(si["mu_star"][j]), float(si["mu_star_conf"][j])
            h = float(sh["mu_star"][j]) if sh is not None else nan
            row(p, "mu_star", v, c, noise_row["noise_mu_star"], h, conv(v, h, c))
            s = float(si["sigma"][j])
            row(p, "sigma", s, nan, ee_sd, float(sh["sigma"][j]) if sh is not None else nan, None)
            m = float(si["mu"][j])
            out.append(
                {
                    "outcome": outcome,
                    "parameter": p,
                    "method": method,
                    "index": "mu",
                    "value": m,
                    "conf": nan,
                    "noise": nan,
                    "below_noise": None,
                    "half": float(sh["mu"][j]) if sh is not None else nan,
                    "converged": None,
                }
            )
    return out, noise_row, False


def analyze_outputs(
    problem: Mapping[str, Any],
    outputs: Mapping[str, np.ndarray],
    *,
    method: str,
    x: np.ndarray | None = None,
    second_order: bool = False,
    num_levels: int = 4,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    conf_level: float = 0.95,
    seed: int = 1,
    kinds: Mapping[str, str] | None = None,
    name: str = "analysis",
    runs: int | None = None,
    failed: int = 0,
    common_random_numbers: bool = False,
) -> SensitivityResult:
    """Analyse model outputs laid out in SALib's sample order.

    Args:
        problem: the SALib problem (``num_vars``, ``names``, ``bounds``).
        outputs: outcome -> array of shape (points,) or (points, replicates); NaN marks a failed run.
        method: ``sobol`` or ``morris``.
        x: the sampled inputs (points x parameters) -- required for Morris.
        second_order: the Sobol' sample was drawn with second-order cross-samples.
        num_levels: the Morris levels the sample was drawn with.
        bootstrap: bootstrap resamples for the intervals.
        conf_level: level of the intervals.
        seed: root seed; the bootstrap's seed is derived from it.
        kinds: parameter -> ``lever``/``uncertainty`` (default ``parameter``).
        name: a name for the report.
        runs: finished runs (default: the non-NaN outputs of the first outcome).
        failed: runs that failed.
        common_random_numbers: replicate ``r`` has the same seed at every point (the noise estimate then
            leaves out the part common to all points).

    Raises:
        SensitivityError: a design that does not fit the method, or no complete block.
    """
    if method not in METHODS:
        raise SensitivityError(
            "design", f"{method!r}: sensitivity analysis needs one of {', '.join(METHODS)}"
        )
    if bootstrap < 2:
        raise SensitivityError("bootstrap", f"{bootstrap}: at least 2 resamples")
    problem = dict(problem)
    names = list(problem["names"])
    d = len(names)
    size = _block_size(method, d, second_order)
    ys = {}
    for o, arr in outputs.items():
        a = np.asarray(arr, dtype=float)
        ys[o] = a[:, None] if a.ndim == 1 else a
    if not ys:
        raise SensitivityError("outcomes", "no outcome to analyse")
    n_rows = next(iter(ys.values())).shape[0]
    if n_rows % size or n_rows == 0:
        raise SensitivityError(
            "design", f"{n_rows} points is not a whole number of {method} blocks of {size} rows (D={d})"
        )
    if method == "morris":
        if x is None or np.shape(x) != (n_rows, d):
            raise SensitivityError("design", "Morris needs the sampled inputs, one row per point")
        x = np.asarray(x, dtype=float)
    n = n_rows // size
    bseed = bootstrap_seed(seed)
    rows: list[dict[str, Any]] = []
    noise_rows: list[dict[str, Any]] = []
    notes: list[str] = []
    constant: list[str] = []
    n_used_all = n
    unit = "base samples" if method == "sobol" else "trajectories"
    for outcome, y in ys.items():
        if y.shape[0] != n_rows:
            raise SensitivityError("outcomes", f"{outcome}: {y.shape[0]} points, expected {n_rows}")
        complete = ~np.all(np.isnan(y), axis=1)
        blocks = [b for b in range(n) if complete[b * size : (b + 1) * size].all()]
        n_used_all = min(n_used_all, len(blocks))
        if len(blocks) < 2:
            raise SensitivityError(
                outcome, f"only {len(blocks)} of {n} {unit} have results at every point; nothing to analyse"
            )
        r, nrow, const = _analyse_outcome(
            outcome,
            y,
            method=method,
            problem=problem,
            x=x,
            blocks=blocks,
            size=size,
            second_order=second_order,
            num_levels=num_levels,
            bootstrap=bootstrap,
            conf_level=conf_level,
            seed=bseed,
            crn=common_random_numbers,
        )
        rows += r
        noise_rows.append(nrow)
        if const:
            constant.append(outcome)
    kinds = {p: (kinds or {}).get(p, "parameter") for p in names}
    df = pd.DataFrame(rows, columns=INDEX_COLUMNS + EXTRA_COLUMNS[1:])
    df.insert(6, "kind", [kinds.get(p, "interaction") for p in df["parameter"]])
    df["below_noise"] = df["below_noise"].astype("boolean")
    df["converged"] = df["converged"].astype("boolean")
    noise = pd.DataFrame(noise_rows)
    reps = max(y.shape[1] for y in ys.values())
    first = next(iter(ys.values()))
    res = SensitivityResult(
        name=name,
        method=method,
        problem=problem,
        kinds=kinds,
        indices=df,
        noise=noise,
        means=pd.DataFrame({o: _point_means(y) for o, y in ys.items()}),
        n=n,
        n_used=n_used_all,
        points=n_rows,
        replications=reps,
        runs=int(np.sum(~np.isnan(first))) if runs is None else runs,
        failed=failed,
        bootstrap=bootstrap,
        conf_level=conf_level,
        seed=seed,
        second_order=second_order,
        num_levels=num_levels,
        common_random_numbers=common_random_numbers,
        constant=constant,
    )
    res.warnings = notes + _warnings(res)
    return res


def _warnings(res: SensitivityResult) -> list[str]:
    """Plain-language warnings about a result."""
    w: list[str] = []
    unit = "base samples" if res.method == "sobol" else "trajectories"
    pct = f"{100 * res.conf_level:g} %"
    if res.failed:
        w.append(
            f"{res.failed} run(s) failed; the {unit} they belong to were left out where no replicate "
            f"survived ({res.n_used} of {res.n} {unit} used)."
        )
    if res.replications < 2:
        w.append(
            "one replication per point: the replicate noise cannot be estimated, so no index is flagged."
        )
    for o in res.constant:
        w.append(f"{o} does not vary over the design: no indices.")
    if res.n_used < 4:
        w.append(
            f"only {res.n_used} {unit}: too few to check convergence (N/2 vs N needs at least 4); "
            "treat the indices as unsettled."
        )
        return w
    d = res.indices
    checked = d[d["converged"].notna()]
    bad = checked[checked["converged"] == False]  # noqa: E712  (nullable booleans)
    for o in res.outcomes:
        b = bad[bad["outcome"] == o]
        if b.empty:
            continue
        total = int((checked["outcome"] == o).sum())
        worst = b.assign(gap=(b["value"] - b["half"]).abs()).sort_values("gap", ascending=False).head(3)
        items = ", ".join(
            f"{r.parameter} {r.index} {r.half:.3g} -> {r.value:.3g} (± {r.conf:.2g})"
            for r in worst.itertuples()
        )
        tol = tol_text(res)
        w.append(
            f"{o}: {len(b)} of {total} indices moved by more than their {pct} interval (or more than "
            f"{tol}) between N/2={res.n_used // 2} and N={res.n_used} {unit} ({items}); they have not "
            "settled: increase n."
        )
    if len(bad):
        w.append(
            f"not settled: {len(bad)} of {len(checked)} indices (about 1 in 20 may fail this check by chance "
            "even when settled)."
        )
    return w


# ----------------------------------------------------------------------------------- plain functions
def salib_sample(
    problem: Mapping[str, Any],
    method: str,
    n: int,
    *,
    seed: int,
    second_order: bool = False,
    num_levels: int = 4,
) -> np.ndarray:
    """SALib's sample, exactly as :func:`experiments.sweep.design_matrix` draws it (before rounding)."""
    from SALib import ProblemSpec

    sp = ProblemSpec(dict(problem))
    if method == "sobol":
        sp.sample_sobol(n, calc_second_order=second_order, seed=seed)
    elif method == "morris":
        sp.sample_morris(n, num_levels=num_levels, seed=seed)
    else:
        raise SensitivityError("design", f"{method!r}: one of {', '.join(METHODS)}")
    return np.asarray(sp.samples, dtype=float)


def analyze_function(
    f: Callable[[np.ndarray], np.ndarray],
    problem: Mapping[str, Any],
    *,
    method: str = "sobol",
    n: int = 1024,
    seed: int = 1,
    second_order: bool = False,
    num_levels: int = 4,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    conf_level: float = 0.95,
    outcome: str = "y",
) -> SensitivityResult:
    """Sample ``problem``, evaluate a plain function and analyse it.

    Args:
        f: the model, ``f(X)`` with ``X`` of shape (n, D); returns shape (n,) or (n, replicates).
        problem: the SALib problem.
        method: ``sobol`` (n = base samples, a power of two) or ``morris`` (n = trajectories).
        n: design size.
        seed: seed of the sample and (derived) of the bootstrap.
        second_order: also Sobol' second-order indices.
        num_levels: Morris levels.
        bootstrap: bootstrap resamples.
        conf_level: level of the intervals.
        outcome: the name of the output.
    """
    x = salib_sample(problem, method, n, seed=seed, second_order=second_order, num_levels=num_levels)
    y = np.asarray(f(x), dtype=float)
    return analyze_outputs(
        problem,
        {outcome: y},
        method=method,
        x=x,
        second_order=second_order,
        num_levels=num_levels,
        bootstrap=bootstrap,
        conf_level=conf_level,
        seed=seed,
        name=getattr(f, "__name__", "function"),
    )


ISHIGAMI_PROBLEM = {
    "num_vars": 3,
    "names": ["x1", "x2", "x3"],
    "bounds": [[-math.pi, math.pi]] * 3,
}


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """The Ishigami function ``sin x1 + a sin^2 x2 + b x3^4 sin x1`` (inputs uniform on [-pi, pi])."""
    x = np.asarray(x, dtype=float)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, list[float]]:
    """The Ishigami function's analytic first- and total-order Sobol' indices (Ishigami & Homma 1990)."""
    pi4, pi8 = math.pi**4, math.pi**8
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * pi8 / 225
    v = a**2 / 8 + b * pi4 / 5 + b**2 * pi8 / 18 + 0.5
    return {"S1": [v1 / v, v2 / v, 0.0], "ST": [(v1 + v13) / v, v2 / v, v13 / v]}


# ------------------------------------------------------------------------------------------ sweeps
def check_design(spec: SweepSpec) -> None:
    """Refuse designs the analysis cannot use.

    Raises:
        SensitivityError: for ``grid`` and ``lhs`` designs (one line naming the file and the key).
    """
    if spec.design not in METHODS:
        raise SensitivityError(
            str(spec.path or spec.name),
            f"sweep.design = {spec.design!r}: sensitivity analysis needs design = 'sobol' or 'morris' "
            "(run grid and lhs designs with 'clusterpolicy sweep')",
        )


def analyze_sweep(
    result: SweepResult, *, bootstrap: int = DEFAULT_BOOTSTRAP, conf_level: float = 0.95
) -> SensitivityResult:
    """Analyse a finished (or partly finished) Sobol' or Morris sweep.

    Replicates are averaged per design point; points are taken in the design's (SALib's) order.

    Raises:
        SensitivityError: a grid or lhs design, or no complete block of runs.
    """
    spec = result.spec
    check_design(spec)
    df = result.outcomes()
    outcomes = list(dict.fromkeys(spec.outcomes))
    n_pts = len(result.matrix)
    reps = spec.replications
    if df.empty:
        raise SensitivityError(
            str(result.store.root), "no finished runs to analyse (see status.jsonl; --retry-failed)"
        )
    outputs = {}
    for o in outcomes:
        grid = np.full((n_pts, reps), np.nan)
        grid[df["point"].to_numpy(int), df["replicate"].to_numpy(int)] = df[o].to_numpy(float)
        outputs[o] = grid
    x = None
    if spec.design == "morris":
        x = salib_sample(spec.problem, "morris", spec.n, seed=spec.seed, num_levels=spec.morris_levels)
        _check_same_design(spec, x, result.matrix)
    return analyze_outputs(
        spec.problem,
        outputs,
        method=spec.design,
        x=x,
        second_order=spec.second_order,
        num_levels=spec.morris_levels,
        bootstrap=bootstrap,
        conf_level=conf_level,
        seed=spec.seed,
        kinds={p.key: p.kind for p in spec.parameters},
        name=spec.name,
        runs=len(df),
        failed=len(result.store.failures()),
        common_random_numbers=spec.common_random_numbers,
    )


def _check_same_design(spec: SweepSpec, x: np.ndarray, matrix: pd.DataFrame) -> None:
    """The re-drawn (unrounded) sample is the one that was run."""
    for j, p in enumerate(spec.parameters):
        run = matrix[p.key].to_numpy(float)
        ok = (
            np.allclose(np.clip(np.round(x[:, j]), *p.bounds), run) if p.is_int else np.allclose(x[:, j], run)
        )
        if not ok:  # pragma: no cover - only if SALib's sampler changed under a stored sweep
            raise SensitivityError(p.key, "the stored design differs from SALib's sample; rerun with --fresh")


def run_sensitivity(
    spec: SweepSpec | str | Path,
    out: Path | str,
    *,
    workers: int | None = None,
    executor: Any = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    retry_failed: bool = False,
    fresh: bool = False,
    progress: bool = True,
    run: Any = None,
    write: bool = True,
) -> SensitivityResult:
    """Run (or resume) a sweep, analyse it and write the files into ``out``.

    Args:
        spec: a validated experiment, or the name or path of an experiment file.
        out: the run directory (the sweep's store and the analysis files).
        workers: local worker processes.
        executor: any ``concurrent.futures.Executor`` instead (e.g. a Dask client's).
        bootstrap: bootstrap resamples.
        retry_failed: run again the runs that failed before.
        fresh: discard what ``out`` holds first.
        progress: show a progress bar.
        run: the model (``task -> timeseries``; default the cluster-policy model).
        write: write ``indices.csv``, the figures and ``sensitivity.html``.
    """
    from clusterpolicy.studies.sweep import load_spec, run_sweep

    if isinstance(spec, str | Path):
        spec = load_spec(spec)
    check_design(spec)
    result = run_sweep(
        spec,
        out,
        workers=workers,
        executor=executor,
        retry_failed=retry_failed,
        fresh=fresh,
        run=run,
        progress=progress,
    )
    res = analyze_sweep(result, bootstrap=bootstrap)
    if write:
        write_outputs(res, Path(out), spec=spec, manifest=result.store.manifest())
    return res


# ------------------------------------------------------------------------------------ plain language
def _short(key: str) -> str:
    return key.split(".", 1)[-1]


def _is(x: Any, value: bool) -> bool:
    """A nullable boolean is ``value`` (NA is neither)."""
    return (
        x is not None and x is not pd.NA and not (isinstance(x, float) and math.isnan(x)) and bool(x) == value
    )


def effect_text(outcome: str, value: float) -> str:
    """A Morris effect (outcome units per whole range) for people: euros in millions, shares in points."""
    from clusterpolicy.outputs.present import fmt, is_share

    if not math.isfinite(value):
        return "n/a"
    if is_share(outcome):
        return f"{100 * value:.2f} pts"
    return fmt(outcome, value) if abs(value) >= 10 else f"{value:.3g}"


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


def _label(outcome: str) -> str:
    from clusterpolicy.outputs.present import label

    return label(outcome)


def statements(res: SensitivityResult) -> list[str]:
    """One plain-language sentence (HTML) per outcome: what drives it, levers vs uncertainties."""
    from clusterpolicy.outputs.report import esc

    out = []
    key = "ST" if res.method == "sobol" else "mu_star"
    for o in res.outcomes:
        if o in res.constant:
            out.append(f"<b>{esc(_label(o))}</b> did not vary over the design.")
            continue
        dr = drivers(res, o)
        if dr.empty:
            out.append(
                f"<b>{esc(_label(o))}</b>: no parameter moves it clearly beyond zero and the replicate noise."
            )
            continue
        parts = []
        for r in dr.head(3).itertuples():
            val = (
                f"{key} {r.value:.2f} ± {r.conf:.2f}"
                if res.method == "sobol"
                else f"μ* {effect_text(o, r.value)} ± {effect_text(o, r.conf)} per whole range"
            )
            direction = ""
            if res.method == "morris":
                mu = res.indices[
                    (res.indices["outcome"] == o)
                    & (res.indices["parameter"] == r.parameter)
                    & (res.indices["index"] == "mu")
                ]["value"]
                if len(mu) and abs(float(mu.iloc[0])) >= 0.8 * r.value:
                    direction = (
                        ", raising it " + ("increases" if float(mu.iloc[0]) > 0 else "decreases") + " it"
                    )
                elif len(mu):
                    direction = ", in both directions"
            parts.append(f"<code>{esc(r.parameter)}</code> ({esc(r.kind)}; {esc(val)}{esc(direction)})")
        more = len(dr) - 3
        tail = f", and {more} more" if more > 0 else ""
        sentence = f"<b>{esc(_label(o))}</b> is driven mainly by " + ", then ".join(parts) + esc(tail) + "."
        share = lever_share(res, o)
        if share is not None:
            what = "total-order indices" if res.method == "sobol" else "μ*"
            sentence += (
                f" Levers account for {100 * share:.0f} % of the summed {what}, behavioural uncertainties "
                f"for {100 * (1 - share):.0f} %."
            )
        if res.method == "sobol":
            s1 = res.indices[(res.indices["outcome"] == o) & (res.indices["index"] == "S1")]["value"].sum()
            if s1 < 0.7:
                sentence += (
                    f" The first-order indices sum to {s1:.2f}: interactions between parameters matter."
                )
        weak = [p for p in res.parameters if p not in set(dr["parameter"])]
        if weak:
            sentence += (
                " Not clearly above zero and the replicate noise: "
                + ", ".join(f"<code>{esc(_short(p))}</code>" for p in weak)
                + "."
            )
        out.append(sentence)
    return out


# -------------------------------------------------------------------------------------------- figures
KIND_COLOURS = {
    "lever": "#1f77b4",
    "uncertainty": "#ff7f0e",
    "parameter": "#555555",
    "interaction": "#999999",
}


def _grid(k: int) -> tuple[plt.Figure, list[plt.Axes], int]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ncols = min(3, k)
    nrows = math.ceil(k / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 0.9 + 3.6 * nrows), squeeze=False)
    axes_flat = list(axes.flat)
    for ax in axes_flat[k:]:
        ax.set_visible(False)
    return fig, axes_flat[:k], ncols


def indices_figure(res: SensitivityResult) -> plt.Figure:
    """Bars with intervals per outcome: S1 and ST (Sobol') or mu_star (Morris); dashed: the noise level."""
    from matplotlib.patches import Patch

    outcomes = res.outcomes
    fig, axes, _ = _grid(len(outcomes))
    names = res.parameters
    ypos = np.arange(len(names))
    for ax, o in zip(axes, outcomes, strict=True):
        d = res.indices[res.indices["outcome"] == o].set_index(["index", "parameter"])
        colours = [KIND_COLOURS.get(res.kinds.get(p, "parameter"), "#555555") for p in names]
        ax.set_title(_label(o)[:60], fontsize=10)
        if o in res.constant:
            ax.text(
                0.5, 0.5, "does not vary over the design", ha="center", va="center", transform=ax.transAxes
            )
            ax.set_xticks([])
            ax.set_yticks([])
            continue
        if res.method == "sobol":
            for key, off, alpha, hatch in (("S1", -0.2, 0.45, "//"), ("ST", 0.2, 0.95, "")):
                vals = [d.loc[(key, p), "value"] for p in names]
                err = [d.loc[(key, p), "conf"] for p in names]
                ax.barh(
                    ypos + off,
                    vals,
                    height=0.38,
                    xerr=err,
                    color=colours,
                    alpha=alpha,
                    hatch=hatch,
                    error_kw={"elinewidth": 0.8, "capsize": 2},
                )
            ax.set_xlabel("Sobol' index (hatched: first order S1; solid: total order ST)", fontsize=8)
            vals = d.loc[["S1", "ST"], "value"].to_numpy(float)
            ax.set_xlim(
                min(-0.05, max(-0.5, np.nanmin(vals) - 0.05)), max(1.05, min(1.5, np.nanmax(vals) + 0.05))
            )
        else:
            k = _scale(o)
            vals = [k * d.loc[("mu_star", p), "value"] for p in names]
            err = [k * d.loc[("mu_star", p), "conf"] for p in names]
            ax.barh(
                ypos, vals, height=0.6, xerr=err, color=colours, error_kw={"elinewidth": 0.8, "capsize": 2}
            )
            ax.set_xlabel(f"Morris μ* ({_unit(o)} per whole range)", fontsize=8)
        noise = res.noise.set_index("outcome").loc[
            o, "noise_share" if res.method == "sobol" else "noise_mu_star"
        ] * (1.0 if res.method == "sobol" else _scale(o))
        if np.isfinite(noise):
            ax.axvline(noise, color="#b3261e", ls="--", lw=1)
        ax.set_yticks(ypos, [_short(p) for p in names], fontsize=8)
        ax.invert_yaxis()
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    handles = [Patch(color=KIND_COLOURS[k], label=k) for k in sorted(set(res.kinds.values()))]
    handles.append(plt_line("replicate noise"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    pct = f"{100 * res.conf_level:g} %"
    fig.suptitle(
        f"Sensitivity indices with {pct} bootstrap intervals (clipped to the axes): {res.name}", fontsize=11
    )
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    return fig


def _scale(outcome: str) -> float:
    from clusterpolicy.outputs.present import scale

    return scale(outcome) if outcome in _known_metrics() else 1.0


def _unit(outcome: str) -> str:
    from clusterpolicy.outputs.present import is_share, unit_label

    if outcome not in _known_metrics():
        return "outcome units"
    return "percentage points" if is_share(outcome) else unit_label(outcome)


def _known_metrics() -> set[str]:
    from clusterpolicy.model.metrics import REPORTERS

    return set(REPORTERS)


def plt_line(text: str):  # type: ignore[no-untyped-def]
    """A legend entry for the dashed noise line."""
    from matplotlib.lines import Line2D

    return Line2D([0], [0], color="#b3261e", ls="--", lw=1, label=text)


def morris_figure(res: SensitivityResult) -> plt.Figure:
    """μ*–σ plots per outcome (Morris): far right = influential; high = non-linear or interacting."""
    from matplotlib.patches import Patch

    outcomes = res.outcomes
    fig, axes, _ = _grid(len(outcomes))
    names = res.parameters
    for ax, o in zip(axes, outcomes, strict=True):
        ax.set_title(_label(o)[:60], fontsize=10)
        if o in res.constant:
            ax.text(
                0.5, 0.5, "does not vary over the design", ha="center", va="center", transform=ax.transAxes
            )
            ax.set_xticks([])
            ax.set_yticks([])
            continue
        d = res.indices[res.indices["outcome"] == o].set_index(["index", "parameter"])
        k = _scale(o)
        ms = k * np.array([d.loc[("mu_star", p), "value"] for p in names], dtype=float)
        ci = k * np.array([d.loc[("mu_star", p), "conf"] for p in names], dtype=float)
        sg = k * np.array([d.loc[("sigma", p), "value"] for p in names], dtype=float)
        colours = [KIND_COLOURS.get(res.kinds.get(p, "parameter"), "#555555") for p in names]
        ax.errorbar(ms, sg, xerr=ci, fmt="none", ecolor="#999999", elinewidth=0.8, capsize=2)
        ax.scatter(ms, sg, c=colours, s=28, zorder=3)
        for p, a, b in zip(names, ms, sg, strict=True):
            if np.isfinite(a) and np.isfinite(b):
                ax.annotate(_short(p), (a, b), fontsize=7, xytext=(3, 3), textcoords="offset points")
        top = np.nanmax(np.r_[ms + np.nan_to_num(ci), sg, 0.0]) if np.isfinite(ms).any() else 1.0
        top = top * 1.1 if top > 0 else 1.0
        ax.plot([0, top], [0, top], color="#888888", lw=0.8, ls=":")
        noise = k * res.noise.set_index("outcome").loc[o, "noise_mu_star"]
        if np.isfinite(noise):
            ax.axvline(noise, color="#b3261e", ls="--", lw=1)
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel(f"μ* (mean |elementary effect|, {_unit(o)} per whole range)", fontsize=8)
        ax.set_ylabel("σ (sd of elementary effects)", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    handles = [Patch(color=KIND_COLOURS[k], label=k) for k in sorted(set(res.kinds.values()))]
    handles.append(plt_line("replicate noise"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    fig.suptitle(f"Morris μ*–σ: {res.name} (dotted: σ = μ*)", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    return fig


# ---------------------------------------------------------------------------------------------- files
def indices_csv(res: SensitivityResult) -> pd.DataFrame:
    """The rows of ``indices.csv``.

    Columns: outcome, parameter, method, index, value, conf, then kind, noise, below_noise, half, converged.
    """
    return res.indices[INDEX_COLUMNS + EXTRA_COLUMNS]


def write_outputs(
    res: SensitivityResult,
    out: Path,
    *,
    spec: SweepSpec | None = None,
    manifest: dict[str, Any] | None = None,
) -> list[str]:
    """Write indices.csv, noise.csv, indices.png, morris.png (Morris) and sensitivity.html into ``out``.

    Returns:
        The names of the files written.
    """
    from clusterpolicy.outputs import plots
    from clusterpolicy.outputs.files import atomic_write, write_text

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "indices.csv", lambda p: indices_csv(res).to_csv(p, index=False))
    atomic_write(out / "noise.csv", lambda p: res.noise.to_csv(p, index=False))
    files = ["indices.csv", "noise.csv", "indices.png"]
    plots.save(indices_figure(res), out / "indices.png")
    if res.method == "morris":
        plots.save(morris_figure(res), out / "morris.png")
        files.append("morris.png")
    write_text(out / "sensitivity.html", report(res, spec=spec, manifest=manifest))
    files.append("sensitivity.html")
    return files


# --------------------------------------------------------------------------------------------- report
def _fmt(v: Any, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    return f"{float(v):.{digits}g}" if abs(float(v)) >= 1e-3 or v == 0 else f"{float(v):.2e}"


def report(
    res: SensitivityResult, *, spec: SweepSpec | None = None, manifest: dict[str, Any] | None = None
) -> str:
    """The self-contained HTML report of a sensitivity analysis."""
    from clusterpolicy.outputs.provenance import git_commit
    from clusterpolicy.outputs.report import esc, page, png_data_uri, table, version

    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    prov = (manifest or {}).get("provenance", {})
    run_commit = prov.get("git_commit") or git_commit() or "unknown"
    run_version = (prov.get("packages") or {}).get("clusterpolicy") or version()
    salib = (prov.get("packages") or {}).get("SALib") or "?"
    pct = f"{100 * res.conf_level:g} %"
    unit = "base samples" if res.method == "sobol" else "trajectories"
    method_name = "Sobol'" if res.method == "sobol" else "Morris"
    d_n = len(res.parameters)
    parts = [f"<h1>Sensitivity analysis: {esc(res.name)}</h1>"]
    if spec is not None and spec.description:
        parts.append(f'<p class="meta">{esc(spec.description)}</p>')
    base = f"base scenario <code>{esc(spec.base.name)}</code>" if spec is not None else "a Python function"
    fixed = (
        " with " + ", ".join(f"<code>{esc(s)}</code>" for s in spec.fixed)
        if spec is not None and spec.fixed
        else ""
    )
    size = (
        f"N = {res.n} {unit} x (D+2) = {d_n + 2}"
        if res.method == "sobol" and not res.second_order
        else f"N = {res.n} {unit} x (2D+2) = {2 * d_n + 2}"
        if res.method == "sobol"
        else f"r = {res.n} {unit} x (D+1) = {d_n + 1}"
    )
    parts.append(
        f'<p class="meta">{esc(method_name)} design on {base}{fixed}: {esc(size)} = {res.points:,} design '
        f"points x {res.replications} replication(s); {res.runs:,} runs finished, {res.failed} failed. "
        f"Intervals: {esc(pct)}, {res.bootstrap} bootstrap resamples. Values are those of the last quarter. "
        f"Runs by clusterpolicy {esc(run_version)} (git {esc(str(run_commit)[:12])}), SALib {esc(salib)}; "
        f"report generated {esc(when)} by clusterpolicy {esc(version())}.</p>"
    )
    if res.warnings:
        parts.append('<h2>Warnings</h2><ul class="statements">')
        parts += [f'<li class="clear">{esc(w)}</li>' for w in res.warnings]
        parts.append("</ul>")

    parts.append("<h2>In short</h2>")
    parts.append('<ul class="statements">' + "".join(f"<li>{s}</li>" for s in statements(res)) + "</ul>")
    parts.append(_kinds_summary(res))

    parts.append("<h2>What was varied</h2>")
    rows = []
    from clusterpolicy.model.params import field_spec

    for p in res.parameters:
        try:
            f = field_spec(p)
            meaning, u = f.metadata["doc"], f.metadata["unit"]
        except Exception:  # a plain function's parameter
            meaning, u = "", ""
        lo, hi = res.problem["bounds"][res.parameters.index(p)]
        if spec is not None:
            v = next(v for v in spec.parameters if v.key == p)
            lo, hi = v.bounds if v.bounds is not None else (lo, hi)
        rows.append(
            [
                f"<code>{esc(p)}</code>",
                esc(res.kinds.get(p, "")),
                esc(meaning),
                esc(u),
                esc(_fmt(lo, 4)),
                esc(_fmt(hi, 4)),
            ]
        )
    parts.append(table(["parameter", "kind", "meaning", "unit", "low", "high"], rows, left=4))

    parts.append("<h2>Indices</h2>")
    parts.append(
        '<p class="muted">'
        + (
            "S1: the share of the outcome's variance due to the parameter alone; ST: its share including "
            "all its interactions. "
            if res.method == "sobol"
            else "μ*: the mean absolute elementary effect (outcome units per whole range of the parameter); "
            "σ: the spread of the effects (non-linearity or interactions); μ: their mean (the sign is the "
            "direction). "
        )
        + f"± is the {esc(pct)} bootstrap half-width. <i>~</i>: not clearly above the replicate noise "
        "(the lower end of the interval is below the noise level). <i>?</i>: moved by more than its interval "
        "(or by more than the tolerance) between N/2 and N: not settled.</p>"
    )
    parts.append(f'<img alt="indices with intervals" src="{png_data_uri(indices_figure(res))}">')
    if res.method == "morris":
        parts.append(f'<img alt="Morris mu-star against sigma" src="{png_data_uri(morris_figure(res))}">')
    for o in res.outcomes:
        parts.append(f"<h3>{esc(_label(o))} (<code>{esc(o)}</code>)</h3>")
        parts.append(_outcome_table(res, o))

    parts.append("<h2>Replicate noise</h2>")
    parts.append(
        '<p class="muted">Replicates of a design point differ only in their random seed; the indices are '
        "computed on the mean of the replicates. "
        + (
            "Replicate r had the same seed at every point (common random numbers), so the part of the noise "
            "that is common to all points shifts every point mean alike and does not affect the indices; the "
            "noise that does not cancel is the point-by-seed interaction, estimated as the residual variance "
            "of the points x replicates table. "
            if res.common_random_numbers
            else "Every run had its own seed; the noise of one run is the mean within-point variance. "
        )
        + "The noise variance of a point mean is that divided by the replicates. "
        + (
            "The noise share is the noise variance of a point mean over the variance of the point means: "
            "independent noise adds it to every total-order index, so an index below it cannot be told "
            "apart from noise (conservative where the noise of nearby points is alike)."
            if res.method == "sobol"
            else "The noise level of μ* is the mean absolute elementary effect that noise alone would give, "
            "√(2/π)·√(2v)/Δ with v the noise variance of a point mean and Δ the Morris step."
        )
        + "</p>"
    )
    rows = []
    for r in res.noise.itertuples():
        lvl = r.noise_share if res.method == "sobol" else r.noise_mu_star
        rows.append(
            [
                esc(_label(r.outcome)),
                esc(r.replications),
                esc(_value_text(r.outcome, r.mean)),
                esc(_value_text(r.outcome, r.sd_means)),
                esc(_value_text(r.outcome, r.sd_within)),
                esc(_value_text(r.outcome, r.sd_noise)),
                esc(_fmt(lvl) if res.method == "sobol" else effect_text(r.outcome, lvl)),
            ]
        )
    level_name = "noise share of the variance" if res.method == "sobol" else "noise level of μ*"
    parts.append(
        table(
            [
                "outcome",
                "replicates",
                "mean",
                "sd of point means",
                "sd between seeds (one run)",
                "sd of the noise that does not cancel (one run)",
                level_name,
            ],
            rows,
        )
    )

    parts.append("<h2>How to read this</h2>")
    parts.append(
        "<p>A sensitivity analysis asks which of the varied parameters move an outcome, over the ranges "
        "given in the experiment file. <b>Levers</b> are the rules the government sets "
        "(<code>[policy]</code>); "
        "<b>uncertainties</b> are what we do not know about how firms and organisations behave "
        "(<code>[behaviour]</code> and the rest). An outcome driven by levers can be steered; one driven by "
        "uncertainties calls for evidence before a rule is chosen on it. The indices depend on the ranges: "
        "a wider range makes a parameter look more important. "
        + (
            "Sobol' indices are shares of the outcome's variance over the design: S1 the parameter's own "
            "effect, ST the effect including interactions with the others; ST − S1 is the part that acts "
            "through interactions. "
            if res.method == "sobol"
            else "Morris screening moves one parameter at a time along random trajectories; μ* ranks "
            "parameters by influence and σ shows whether the effect depends on the other parameters' "
            "values (σ near or above μ*: non-linear or interacting). "
        )
        + "Each design point was run with several seeds and the results averaged; the replicate noise says "
        "how much of the variation is chance. The convergence check recomputes every index on the first "
        f"half of the {esc(unit)}; an index that moved by more than its interval (or by more than "
        f"{esc(tol_text(res))}) has not settled and a larger <code>n</code> is needed. The model "
        "compares rules under its assumptions (docs/ODD.md); it is not a forecast.</p>"
    )
    if spec is not None:
        from clusterpolicy.studies.sweep import cost_text, seeds_for

        seeds = seeds_for(spec)
        crn = (
            "common random numbers: replicate r has the same seed at every point"
            if spec.common_random_numbers
            else "one seed per run"
        )
        shown = ", ".join(str(s) for s in seeds[:50]) + (" ..." if len(seeds) > 50 else "")
        parts.append(
            f"<details><summary>Design and seeds</summary><p>{esc(cost_text(spec))}. Root seed "
            f"{spec.seed} ({esc(crn)}); bootstrap seed {bootstrap_seed(res.seed)}. Seeds: "
            f"<code>{esc(shown)}</code></p></details>"
        )
    return page(f"clusterpolicy sensitivity: {res.name}", "\n".join(parts))


def tol_text(res: SensitivityResult) -> str:
    """The convergence tolerance in words."""
    if res.method == "sobol":
        return f"{SOBOL_TOLERANCE:g}"
    return f"{100 * MORRIS_TOLERANCE:g} % of the largest μ*"


def _value_text(outcome: str, value: float) -> str:
    from clusterpolicy.outputs.present import fmt

    if not math.isfinite(value):
        return "n/a"
    return fmt(outcome, value) if outcome in _known_metrics() else _fmt(value, 4)


def _kinds_summary(res: SensitivityResult) -> str:
    from clusterpolicy.outputs.report import esc

    lever_top, unc_top, none = [], [], []
    for o in res.outcomes:
        dr = drivers(res, o)
        if dr.empty:
            none.append(o)
        elif dr.iloc[0]["kind"] == "lever":
            lever_top.append(o)
        elif dr.iloc[0]["kind"] == "uncertainty":
            unc_top.append(o)
    if not (lever_top or unc_top):
        return ""

    def names(xs: list[str]) -> str:
        return ", ".join(esc(_label(x)) for x in xs) or "none"

    return (
        f"<p>The strongest driver is a <b>lever</b> for: {names(lever_top)}; a "
        f"<b>behavioural uncertainty</b> for: {names(unc_top)}."
        + (f" No clear driver: {names(none)}." if none else "")
        + "</p>"
    )


def _outcome_table(res: SensitivityResult, o: str) -> str:
    from clusterpolicy.outputs.report import esc, table

    d = res.indices[res.indices["outcome"] == o].set_index(["index", "parameter"])

    def cell(index: str, p: str) -> str:
        if (index, p) not in d.index:
            return ""
        r = d.loc[(index, p)]
        if not math.isfinite(r["value"]):
            return "n/a"
        text = _fmt(r["value"]) + (f" ± {_fmt(r['conf'], 2)}" if math.isfinite(r["conf"]) else "")
        marks = ("~" if _is(r["below_noise"], True) else "") + ("?" if _is(r["converged"], False) else "")
        text = esc(text) + (f" <i>{esc(marks)}</i>" if marks else "")
        return f'<span class="muted">{text}</span>' if _is(r["below_noise"], True) else text

    keys = ["S1", "ST"] if res.method == "sobol" else ["mu_star", "sigma", "mu"]
    head = {"S1": "S1", "ST": "ST", "mu_star": "μ*", "sigma": "σ", "mu": "μ"}
    order = list(res.parameters)
    rank_key = "ST" if res.method == "sobol" else "mu_star"
    vals = {p: d.loc[(rank_key, p), "value"] for p in order}
    order.sort(key=lambda p: -vals[p] if math.isfinite(vals[p]) else math.inf)
    rows = [[f"<code>{esc(p)}</code>", esc(res.kinds.get(p, "")), *[cell(k, p) for k in keys]] for p in order]
    html = table(["parameter", "kind", *[head[k] for k in keys]], rows, left=2)
    if res.second_order and res.method == "sobol":
        s2 = res.indices[(res.indices["outcome"] == o) & (res.indices["index"] == "S2")]
        rows2 = [
            [f"<code>{esc(r.parameter)}</code>", cell("S2", r.parameter)]
            for r in s2.sort_values("value", ascending=False).itertuples()
        ]
        html += (
            "<details><summary>Second-order indices S2</summary>"
            + table(["pair", "S2"], rows2)
            + "</details>"
        )
    return html

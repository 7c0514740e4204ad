"""Global sensitivity analysis of a sweep, or of any Python function: Sobol' and Morris indices.

The analysis takes the outputs of a ``sobol`` or ``morris`` design (see :mod:`clusterpolicy.runs.samplers`)
as a matrix of design points x replicates and computes, per outcome, with SALib:

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


The same analysis runs on any outputs laid out in SALib's sample order (:func:`analyze_outputs`);
``clusterpolicy.studies.sensitivity.function_sensitivity`` samples and evaluates a plain function with it,
which is how the pipeline is tested against the Ishigami function's analytic indices (the function lives
in the tests, as in SALib). This module computes; it draws and writes nothing
(:mod:`clusterpolicy.outputs.sensitivity` does).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.sweep_spec import SweepSpec

METHODS = ("sobol", "morris")
INDEX_COLUMNS = ["outcome", "parameter", "method", "index", "value", "conf"]
EXTRA_COLUMNS = ["kind", "noise", "below_noise", "half", "converged"]
DEFAULT_BOOTSTRAP = 1000
SOBOL_TOLERANCE = 0.1  # a Sobol' index that moves more than this between N/2 and N has not settled
MORRIS_TOLERANCE = 0.1  # ... a mu_star that moves more than this share of the outcome's largest mu_star
CONVERGENCE_FLOOR = 0.01  # moves smaller than this (Sobol') or this share of the largest mu_star never count
MIN_BOOTSTRAP = 100
NAN = math.nan


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


@dataclass(frozen=True)
class Settings:
    """How the indices are computed (the same for every outcome of one analysis)."""

    method: str
    second_order: bool
    num_levels: int
    bootstrap: int
    conf_level: float
    seed: int  # the bootstrap's seed (see :func:`bootstrap_seed`)
    crn: bool


@dataclass
class _Rows:
    """The index rows of one outcome, built one at a time."""

    outcome: str
    method: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self, param: str, index: str, value: float, conf: float, noise: float, half: float, conv: Any
    ) -> None:
        below = (
            None
            if not (math.isfinite(noise) and math.isfinite(value))
            else bool((value - (conf if math.isfinite(conf) else 0.0)) < noise)
        )
        self.rows.append(
            {
                "outcome": self.outcome,
                "parameter": param,
                "method": self.method,
                "index": index,
                "value": value,
                "conf": conf,
                "noise": noise,
                "below_noise": below,
                "half": half,
                "converged": conv,
            }
        )


def _block_rows(blocks: list[int], size: int) -> np.ndarray:
    return np.concatenate([np.arange(b * size, (b + 1) * size) for b in blocks])


def _noise_row(outcome: str, y: np.ndarray, rows_idx: np.ndarray, s: Settings) -> dict[str, Any]:
    """Mean, spread and replicate noise of one outcome over the used points."""
    ym = _point_means(y)[rows_idx]
    noise_var, within, sigma2 = _noise(y, rows_idx, s.crn)
    var_m = float(np.var(ym, ddof=1)) if len(ym) > 1 else NAN
    center = float(np.mean(ym))
    constant = not np.isfinite(var_m) or bool(np.ptp(ym) <= 1e-12 * max(1.0, abs(center)))
    eta = noise_var / var_m if (not constant and math.isfinite(noise_var)) else NAN
    delta = s.num_levels / (2.0 * (s.num_levels - 1))
    return {
        "outcome": outcome,
        "replications": int(y.shape[1]),
        "mean": center,
        "sd_means": math.sqrt(var_m) if math.isfinite(var_m) else NAN,
        "sd_within": math.sqrt(within) if math.isfinite(within) else NAN,
        "sd_noise": math.sqrt(sigma2) if math.isfinite(sigma2) else NAN,
        "noise_var": noise_var,
        "noise_share": eta if s.method == "sobol" else NAN,
        "noise_mu_star": (
            math.sqrt(2 / math.pi) * math.sqrt(2 * noise_var) / delta
            if s.method == "morris" and math.isfinite(noise_var)
            else NAN
        ),
        "constant": constant,
    }


def _converged(full: float, half: float, conf: float, tol: float, floor: float, checked: bool) -> Any:
    """The convergence rule of the module docstring (None when it cannot be checked)."""
    if not checked or not (math.isfinite(full) and math.isfinite(half) and math.isfinite(conf)):
        return None
    return bool(abs(full - half) <= max(min(conf, tol), floor))


def _sobol_rows(
    out: _Rows, names: list[str], means: np.ndarray, rows_idx: np.ndarray, half_rows: np.ndarray | None,
    problem: dict[str, Any], eta: float, s: Settings,
) -> None:  # fmt: skip
    si = _sobol(problem, means[rows_idx], s.second_order, s.bootstrap, s.conf_level, s.seed)
    sh = None
    if half_rows is not None:
        yh = means[half_rows]
        if np.ptp(yh) > 0:
            sh = _sobol(problem, yh, s.second_order, min(s.bootstrap, 100), s.conf_level, s.seed)

    def conv(v: float, h: float, c: float) -> Any:
        return _converged(v, h, c, SOBOL_TOLERANCE, CONVERGENCE_FLOOR, half_rows is not None)

    for j, p in enumerate(names):
        for key in ("S1", "ST"):
            v, c = float(si[key][j]), float(si[f"{key}_conf"][j])
            h = float(sh[key][j]) if sh is not None else NAN
            out.add(p, key, v, c, eta, h, conv(v, h, c))  # S1 and ST alike: the variance share of the noise
    if s.second_order:
        d = len(names)
        for j in range(d):
            for k in range(j + 1, d):
                v, c = float(si["S2"][j, k]), float(si["S2_conf"][j, k])
                h = float(sh["S2"][j, k]) if sh is not None else NAN
                out.add(f"{names[j]}:{names[k]}", "S2", v, c, eta, h, conv(v, h, c))


def _morris_rows(
    out: _Rows, names: list[str], means: np.ndarray, x: np.ndarray, rows_idx: np.ndarray,
    half_rows: np.ndarray | None, problem: dict[str, Any], noise: dict[str, Any], s: Settings,
) -> None:  # fmt: skip
    si = _morris(problem, x[rows_idx], means[rows_idx], s.num_levels, s.bootstrap, s.conf_level, s.seed)
    sh = None
    if half_rows is not None:
        sh = _morris(
            problem, x[half_rows], means[half_rows], s.num_levels, min(s.bootstrap, 100), s.conf_level, s.seed
        )
    delta = s.num_levels / (2.0 * (s.num_levels - 1))
    noise_var = noise["noise_var"]
    ee_sd = math.sqrt(2 * noise_var) / delta if math.isfinite(noise_var) else NAN
    largest = float(np.nanmax(np.abs(si["mu_star"])))

    def conv(v: float, h: float, c: float) -> Any:
        tol, floor = MORRIS_TOLERANCE * largest, CONVERGENCE_FLOOR * largest
        return _converged(v, h, c, tol, floor, half_rows is not None)

    for j, p in enumerate(names):
        v, c = float(si["mu_star"][j]), float(si["mu_star_conf"][j])
        h = float(sh["mu_star"][j]) if sh is not None else NAN
        out.add(p, "mu_star", v, c, noise["noise_mu_star"], h, conv(v, h, c))
        out.add(
            p,
            "sigma",
            float(si["sigma"][j]),
            NAN,
            ee_sd,
            float(sh["sigma"][j]) if sh is not None else NAN,
            None,
        )
        mu_half = float(sh["mu"][j]) if sh is not None else NAN
        out.add(p, "mu", float(si["mu"][j]), NAN, NAN, mu_half, None)


def _analyse_outcome(
    outcome: str,
    y: np.ndarray,
    problem: dict[str, Any],
    x: np.ndarray | None,
    blocks: list[int],
    size: int,
    s: Settings,
) -> tuple[list[dict[str, Any]], dict[str, Any], bool]:
    """Indices of one outcome; returns (rows, noise row, constant?)."""
    names = list(problem["names"])
    rows_idx = _block_rows(blocks, size)
    means = _point_means(y)
    noise = _noise_row(outcome, y, rows_idx, s)
    constant = noise.pop("constant")
    out = _Rows(outcome, s.method)
    if constant:
        for p in names:
            for i in ["S1", "ST"] if s.method == "sobol" else ["mu_star", "sigma", "mu"]:
                out.add(p, i, NAN, NAN, NAN, NAN, None)
        return out.rows, noise, True
    half_blocks = blocks[: len(blocks) // 2] if len(blocks) >= 4 else []
    half_rows = _block_rows(half_blocks, size) if half_blocks else None
    if s.method == "sobol":
        _sobol_rows(out, names, means, rows_idx, half_rows, problem, noise["noise_share"], s)
    else:
        assert x is not None
        _morris_rows(out, names, means, x, rows_idx, half_rows, problem, noise, s)
    return out.rows, noise, False


def _check_outputs(
    problem: dict[str, Any], outputs: Mapping[str, np.ndarray], method: str, x: np.ndarray | None, size: int
) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """The outputs as (points, replicates) arrays, and the inputs, checked against the design."""
    if method not in METHODS:
        raise InputError("design", f"{method!r}: sensitivity analysis needs one of {', '.join(METHODS)}")
    d = len(problem["names"])
    ys = {}
    for o, arr in outputs.items():
        a = np.asarray(arr, dtype=float)
        ys[o] = a[:, None] if a.ndim == 1 else a
    if not ys:
        raise InputError("outcomes", "no outcome to analyse")
    n_rows = next(iter(ys.values())).shape[0]
    if n_rows % size or n_rows == 0:
        raise InputError(
            "design", f"{n_rows} points is not a whole number of {method} blocks of {size} rows (D={d})"
        )
    for o, y in ys.items():
        if y.shape[0] != n_rows:
            raise InputError("outcomes", f"{o}: {y.shape[0]} points, expected {n_rows}")
    if method == "morris":
        if x is None or np.shape(x) != (n_rows, d):
            raise InputError("design", "Morris needs the sampled inputs, one row per point")
        x = np.asarray(x, dtype=float)
    return ys, x


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
        InputError: a design that does not fit the method, or no complete block.
    """
    if bootstrap < 2:
        raise InputError("bootstrap", f"{bootstrap}: at least 2 resamples", argument=True)
    problem = dict(problem)
    names = list(problem["names"])
    size = _block_size(method, len(names), second_order)
    ys, x = _check_outputs(problem, outputs, method, x, size)
    n_rows = next(iter(ys.values())).shape[0]
    n = n_rows // size
    s = Settings(
        method, second_order, num_levels, bootstrap, conf_level, bootstrap_seed(seed), common_random_numbers
    )
    rows: list[dict[str, Any]] = []
    noise_rows: list[dict[str, Any]] = []
    constant: list[str] = []
    n_used_all = n
    unit = "base samples" if method == "sobol" else "trajectories"
    for outcome, y in ys.items():
        complete = ~np.all(np.isnan(y), axis=1)
        blocks = [b for b in range(n) if complete[b * size : (b + 1) * size].all()]
        n_used_all = min(n_used_all, len(blocks))
        if len(blocks) < 2:
            raise InputError(
                outcome, f"only {len(blocks)} of {n} {unit} have results at every point; nothing to analyse"
            )
        r, nrow, const = _analyse_outcome(outcome, y, problem, x, blocks, size, s)
        rows += r
        noise_rows.append(nrow)
        if const:
            constant.append(outcome)
    kinds = {p: (kinds or {}).get(p, "parameter") for p in names}
    df = pd.DataFrame(rows, columns=INDEX_COLUMNS + EXTRA_COLUMNS[1:])
    df.insert(6, "kind", [kinds.get(p, "interaction") for p in df["parameter"]])
    df["below_noise"] = df["below_noise"].astype("boolean")
    df["converged"] = df["converged"].astype("boolean")
    first = next(iter(ys.values()))
    res = SensitivityResult(
        name=name,
        method=method,
        problem=problem,
        kinds=kinds,
        indices=df,
        noise=pd.DataFrame(noise_rows),
        means=pd.DataFrame({o: _point_means(y) for o, y in ys.items()}),
        n=n,
        n_used=n_used_all,
        points=n_rows,
        replications=max(y.shape[1] for y in ys.values()),
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
    res.warnings = _warnings(res)
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


def tol_text(res: SensitivityResult) -> str:
    """The convergence tolerance in words."""
    if res.method == "sobol":
        return f"{SOBOL_TOLERANCE:g}"
    return f"{100 * MORRIS_TOLERANCE:g} % of the largest μ*"


# ------------------------------------------------------------------------------------------ sweeps
def check_design(spec: SweepSpec) -> None:
    """Refuse designs the analysis cannot use.

    Raises:
        InputError: for ``grid`` and ``lhs`` designs (one line naming the file and the key).
    """
    if spec.design not in METHODS:
        raise InputError(
            spec.source,
            f"sweep.design = {spec.design!r}: sensitivity analysis needs design = 'sobol' or 'morris' "
            "(run grid and lhs designs with 'clusterpolicy sweep')",
        )


def analyze_results(
    spec: SweepSpec,
    results: pd.DataFrame,
    x: np.ndarray | None = None,
    *,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    conf_level: float = 0.95,
) -> SensitivityResult:
    """Analyse a Sobol' or Morris sweep from its results (one row per run, as ``load_sweep_results`` gives).

    Replicates are averaged per design point; points are taken in the design's (SALib's) order.

    Args:
        spec: the experiment.
        results: one row per run with ``point``, ``replicate``, ``status`` and the outcomes.
        x: the unrounded SALib sample the design was drawn from (required for Morris).
        bootstrap: bootstrap resamples.
        conf_level: level of the intervals.

    Raises:
        InputError: a grid or lhs design, or no complete block of runs.
    """
    check_design(spec)
    done = results[results["status"] == "done"]
    if done.empty:
        raise InputError(spec.name, "no finished runs to analyse (see status.jsonl; retry the failed runs)")
    n_pts = int(results["point"].max()) + 1
    outputs = {}
    for o in dict.fromkeys(spec.outcomes):
        grid = np.full((n_pts, spec.replications), np.nan)
        grid[done["point"].to_numpy(int), done["replicate"].to_numpy(int)] = done[o].to_numpy(float)
        outputs[o] = grid
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
        runs=len(done),
        failed=int((results["status"] == "failed").sum()),
        common_random_numbers=spec.common_random_numbers,
    )


# ------------------------------------------------------------------------------------ reading results
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

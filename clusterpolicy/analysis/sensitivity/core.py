"""What every sensitivity method shares: the result, the settings, the replicate noise, convergence."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

METHODS = ("sobol", "morris")
INDEX_COLUMNS = ["outcome", "parameter", "method", "index", "value", "conf"]
EXTRA_COLUMNS = ["kind", "noise", "below_noise", "half", "converged"]
DEFAULT_BOOTSTRAP = 1000
SOBOL_TOLERANCE = 0.1  # a Sobol' index that moves more than this between N/2 and N has not settled
MORRIS_TOLERANCE = 0.1  # ... a mu_star that moves more than this share of the outcome's largest mu_star
CONVERGENCE_FLOOR = 0.01  # moves smaller than this (Sobol') or this share of the largest mu_star never count
MIN_BOOTSTRAP = 100
NAN = math.nan


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
        x: the sampled inputs (points x parameters), when the analysis was given them (Morris).
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
    x: np.ndarray | None = None

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
class IndexRows:
    """The index rows of one outcome, built one at a time."""

    outcome: str
    method: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self, param: str, index: str, value: float, conf: float, noise: float, half: float, conv: Any
    ) -> None:
        """One index's row; ``below_noise`` follows from the value, its interval and the noise level."""
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


def block_size(method: str, d: int, second_order: bool) -> int:
    """Rows of one block: a Saltelli base sample (D+2, or 2D+2) or a Morris trajectory (D+1)."""
    if method == "sobol":
        return 2 * d + 2 if second_order else d + 2
    return d + 1


def bootstrap_seed(seed: int) -> int:
    """The bootstrap's seed, derived from the experiment's root seed (never 0: SALib treats 0 as none)."""
    return int(np.random.SeedSequence([int(seed), 0x5E5]).generate_state(1)[0]) or 1


def point_means(y: np.ndarray) -> np.ndarray:
    """The mean over the replicates of each point (NaN where every run failed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(y, axis=1)


def replicate_noise(y: np.ndarray, rows: np.ndarray, crn: bool) -> tuple[float, float, float]:
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


def block_rows(blocks: list[int], size: int) -> np.ndarray:
    """The row numbers of the given blocks."""
    return np.concatenate([np.arange(b * size, (b + 1) * size) for b in blocks])


def noise_row(outcome: str, y: np.ndarray, rows_idx: np.ndarray, s: Settings) -> dict[str, Any]:
    """Mean, spread and replicate noise of one outcome over the used points."""
    ym = point_means(y)[rows_idx]
    noise_var, within, sigma2 = replicate_noise(y, rows_idx, s.crn)
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


def converged(full: float, half: float, conf: float, tol: float, floor: float, checked: bool) -> Any:
    """The convergence rule of the module docstring (None when it cannot be checked)."""
    if not checked or not (math.isfinite(full) and math.isfinite(half) and math.isfinite(conf)):
        return None
    return bool(abs(full - half) <= max(min(conf, tol), floor))

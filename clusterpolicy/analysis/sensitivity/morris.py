"""Morris screening of one outcome, with SALib: mu*, sigma and mu of the elementary effects."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from clusterpolicy.analysis.sensitivity.core import (
    CONVERGENCE_FLOOR,
    MORRIS_TOLERANCE,
    NAN,
    IndexRows,
    Settings,
    converged,
)


def salib_morris(
    problem: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    num_levels: int,
    bootstrap: int,
    conf_level: float,
    seed: int,
) -> Any:
    """SALib's Morris analysis of point means ``y`` at the sampled inputs ``x``."""
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


def morris_rows(
    out: IndexRows, names: list[str], means: np.ndarray, x: np.ndarray, rows_idx: np.ndarray,
    half_rows: np.ndarray | None, problem: dict[str, Any], noise: dict[str, Any], s: Settings,
) -> None:  # fmt: skip
    """mu*, sigma and mu of one outcome, on all trajectories and (for convergence) on the first half.

    Rows go to ``out``; ``means`` are the point means, ``rows_idx`` the rows of the used blocks and
    ``half_rows`` those of the first half (None: too few blocks to check).
    """
    si = salib_morris(problem, x[rows_idx], means[rows_idx], s.num_levels, s.bootstrap, s.conf_level, s.seed)
    sh = None
    if half_rows is not None:
        sh = salib_morris(
            problem, x[half_rows], means[half_rows], s.num_levels, min(s.bootstrap, 100), s.conf_level, s.seed
        )
    delta = s.num_levels / (2.0 * (s.num_levels - 1))
    noise_var = noise["noise_var"]
    ee_sd = math.sqrt(2 * noise_var) / delta if math.isfinite(noise_var) else NAN
    largest = float(np.nanmax(np.abs(si["mu_star"])))

    def conv(v: float, h: float, c: float) -> Any:
        tol, floor = MORRIS_TOLERANCE * largest, CONVERGENCE_FLOOR * largest
        return converged(v, h, c, tol, floor, half_rows is not None)

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

"""Sobol' first- and total-order (and second-order) indices of one outcome, with SALib."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from clusterpolicy.analysis.sensitivity.core import (
    CONVERGENCE_FLOOR,
    NAN,
    SOBOL_TOLERANCE,
    IndexRows,
    Settings,
    converged,
)


def salib_sobol(
    problem: dict[str, Any], y: np.ndarray, second_order: bool, bootstrap: int, conf_level: float, seed: int
) -> Any:
    """SALib's Sobol' analysis of point means ``y`` in the sample's order."""
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


def sobol_rows(
    out: IndexRows, names: list[str], means: np.ndarray, rows_idx: np.ndarray, half_rows: np.ndarray | None,
    problem: dict[str, Any], eta: float, s: Settings,
) -> None:  # fmt: skip
    """S1 and ST (and S2) of one outcome, on all blocks and (for convergence) on the first half.

    Rows go to ``out``; ``means`` are the point means, ``rows_idx`` the rows of the used blocks and
    ``half_rows`` those of the first half (None: too few blocks to check).
    """
    si = salib_sobol(problem, means[rows_idx], s.second_order, s.bootstrap, s.conf_level, s.seed)
    sh = None
    if half_rows is not None:
        yh = means[half_rows]
        if np.ptp(yh) > 0:
            sh = salib_sobol(problem, yh, s.second_order, min(s.bootstrap, 100), s.conf_level, s.seed)

    def conv(v: float, h: float, c: float) -> Any:
        return converged(v, h, c, SOBOL_TOLERANCE, CONVERGENCE_FLOOR, half_rows is not None)

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

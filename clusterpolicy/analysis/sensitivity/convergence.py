"""Indices against the design's size: each index recomputed on the first N/8, N/4, N/2 and all N blocks.

The first 2^k base samples of a scrambled Sobol' sequence (and the first trajectories of a Morris
sample) are themselves a balanced design, so the indices on the first blocks show how the estimate
settles as N grows -- the convergence figure, rather than only the N/2-against-N warning.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.analysis.sensitivity.core import SensitivityResult, block_rows, block_size, bootstrap_seed
from clusterpolicy.analysis.sensitivity.morris import salib_morris
from clusterpolicy.analysis.sensitivity.reading import next_power_of_two
from clusterpolicy.analysis.sensitivity.sobol import salib_sobol

COLUMNS = ["outcome", "parameter", "index", "n", "value", "conf"]
MIN_BLOCKS = 4
BOOTSTRAP = 200  # resamples for the intervals along the path (the final estimate keeps its own)


def sizes(n_blocks: int) -> list[int]:
    """The numbers of blocks to compute on: N/8, N/4, N/2 (powers of two, at least 4) and all N."""
    out = []
    k = max(MIN_BLOCKS, next_power_of_two(n_blocks / 8))
    while k < n_blocks:
        out.append(k)
        k *= 2
    return [*out, n_blocks] if n_blocks >= MIN_BLOCKS else []


def convergence(res: SensitivityResult, bootstrap: int = BOOTSTRAP) -> pd.DataFrame:
    """ST and S1 (Sobol') or mu_star (Morris) of every outcome and parameter on the first k blocks.

    Args:
        res: the analysis (its point means, design and, for Morris, its sampled inputs ``res.x``).
        bootstrap: resamples for each interval.

    Returns:
        One row per outcome, parameter, index and k (``n``): value and bootstrap half-width. Empty for a
        design with fewer than 4 complete blocks, or a Morris design without ``x``.
    """
    names = res.parameters
    size = block_size(res.method, len(names), res.second_order)
    rows: list[dict[str, Any]] = []
    x = res.x
    if res.method == "morris" and x is None:
        return pd.DataFrame(columns=COLUMNS)
    seed = bootstrap_seed(res.seed)
    for o in res.outcomes:
        if o in res.constant:
            continue
        means = res.means[o].to_numpy(float)
        n = len(means) // size
        complete = [b for b in range(n) if np.isfinite(means[b * size : (b + 1) * size]).all()]
        for k in sizes(len(complete)):
            idx = block_rows(complete[:k], size)
            y = means[idx]
            if np.ptp(y) <= 0:
                continue
            keys: tuple[str, ...]
            if res.method == "sobol":
                si = salib_sobol(res.problem, y, res.second_order, bootstrap, res.conf_level, seed)
                keys = ("S1", "ST")
            else:
                assert x is not None
                si = salib_morris(res.problem, x[idx], y, res.num_levels, bootstrap, res.conf_level, seed)
                keys = ("mu_star",)
            for j, p in enumerate(names):
                for key in keys:
                    rows.append(
                        {
                            "outcome": o,
                            "parameter": p,
                            "index": key,
                            "n": k,
                            "value": float(si[key][j]),
                            "conf": float(si[f"{key}_conf"][j]),
                        }
                    )
    return pd.DataFrame(rows, columns=COLUMNS)

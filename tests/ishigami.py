"""The Ishigami function: a test function with analytic Sobol' indices (kept with the tests, as in SALib).

Ishigami & Homma (1990); Saltelli et al. (2008), Global Sensitivity Analysis: The Primer, §4.9.
"""

from __future__ import annotations

import math

import numpy as np

ISHIGAMI_PROBLEM = {
    "num_vars": 3,
    "names": ["x1", "x2", "x3"],
    "bounds": [[-math.pi, math.pi]] * 3,
}


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """``sin x1 + a sin^2 x2 + b x3^4 sin x1`` (inputs uniform on [-pi, pi])."""
    x = np.asarray(x, dtype=float)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, list[float]]:
    """The analytic first- and total-order Sobol' indices."""
    pi4, pi8 = math.pi**4, math.pi**8
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * pi8 / 225
    v = a**2 / 8 + b * pi4 / 5 + b**2 * pi8 / 18 + 0.5
    return {"S1": [v1 / v, v2 / v, 0.0], "ST": [(v1 + v13) / v, v2 / v, v13 / v]}

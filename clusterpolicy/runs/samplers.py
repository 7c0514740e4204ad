"""Samplers: the design points of an experiment file (grid, Latin hypercube, Sobol', Morris).

Sampling is SciPy's (Latin hypercube, :mod:`scipy.stats.qmc`) and SALib's (Sobol' and Morris through
``ProblemSpec``); integer parameters are sampled on ``[a - 1/2, b + 1/2)`` and rounded, so every integer
is equally likely. :func:`sweep_design` turns a validated spec into a
:class:`~clusterpolicy.runs.design.Design` (every point resolved and checked before anything runs).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.sweep_spec import SweepSpec, Varied
from clusterpolicy.model.params import ParameterError
from clusterpolicy.runs.design import Design, Point, replicate_seeds

SALIB_METHODS = ("sobol", "morris")


def salib_sample(
    problem: Mapping[str, Any],
    method: str,
    n: int,
    *,
    seed: int,
    second_order: bool = False,
    num_levels: int = 4,
) -> np.ndarray:
    """SALib's Sobol' (Saltelli) or Morris sample of ``problem``, before any rounding."""
    from SALib import ProblemSpec

    if method not in SALIB_METHODS:
        raise ValueError(f"{method!r}: one of {', '.join(SALIB_METHODS)}")
    sp = ProblemSpec(dict(problem))
    if method == "sobol":
        sp.sample_sobol(n, calc_second_order=second_order, seed=seed)
    else:
        sp.sample_morris(n, num_levels=num_levels, seed=seed)
    return np.asarray(sp.samples, dtype=float)


def design_matrix(spec: SweepSpec) -> pd.DataFrame:
    """The design points: one row per point, one column per varied parameter (values as used)."""
    names = [p.key for p in spec.parameters]
    if spec.design == "grid":
        axes = [_grid_axis(p, spec.n) for p in spec.parameters]
        df = pd.DataFrame(list(itertools.product(*axes)), columns=names)
    elif spec.design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), seed=spec.seed).random(spec.n)
        lo = [p.sample_bounds[0] for p in spec.parameters]
        hi = [p.sample_bounds[1] for p in spec.parameters]
        df = pd.DataFrame(qmc.scale(unit, lo, hi), columns=names)
    else:
        x = salib_sample(
            spec.problem,
            spec.design,
            spec.n,
            seed=spec.seed,
            second_order=spec.second_order,
            num_levels=spec.morris_levels,
        )
        df = pd.DataFrame(x, columns=names)
    for p in spec.parameters:
        if p.bounds is not None and p.is_int:
            df[p.key] = np.clip(np.round(df[p.key]), p.bounds[0], p.bounds[1]).astype(int)
    return df


def _grid_axis(p: Varied, n: int) -> list[Any]:
    """A grid parameter's values: its levels, or ``n`` evenly spaced values across its bounds."""
    if p.levels is not None:
        return list(p.levels)
    assert p.bounds is not None
    return list(np.linspace(p.bounds[0], p.bounds[1], n))


def n_points(spec: SweepSpec) -> int:
    """How many design points the spec makes (without building them)."""
    return spec.points


def seeds_for(spec: SweepSpec) -> list[int]:
    """Replicate seeds (common random numbers), or one seed per run without them."""
    if spec.common_random_numbers:
        return replicate_seeds(spec.seed, spec.replications)
    return replicate_seeds(spec.seed, n_points(spec) * spec.replications)


def plain(v: Any) -> Any:
    """A NumPy scalar as the Python value it holds (for parameters and JSON)."""
    return v.item() if isinstance(v, np.generic) else v


def sweep_points(spec: SweepSpec, matrix: pd.DataFrame) -> list[Point]:
    """The design points as resolved parameters, each checked.

    A point can break a rule that spans two keys (e.g. a leave threshold above the join threshold).

    Raises:
        InputError: naming the spec, the point and the rule.
    """
    out = []
    for i, row in enumerate(matrix.itertuples(index=False)):
        values = {k: plain(v) for k, v in zip(matrix.columns, row, strict=True)}
        try:
            params = spec.base.params.replace(**values)
        except ParameterError as exc:
            raise InputError(spec.source, f"design point {i} {values}: {exc}") from None
        out.append(Point(i, f"point-{i}", params, values))
    return out


def sweep_design(spec: SweepSpec) -> Design:
    """The spec's design: its points (sampled, resolved, checked), seeds and manifest.

    Raises:
        InputError: a design point that breaks a rule.
    """
    matrix = design_matrix(spec)
    points = sweep_points(spec, matrix)
    seeds = seeds_for(spec)
    manifest = {
        "kind": "sweep",
        "name": spec.name,
        "base": spec.base.name,
        "base_parameters": spec.base.params.to_dict(),
        "design": spec.design,
        "n": spec.n,
        "second_order": spec.second_order,
        "morris_levels": spec.morris_levels,
        "replications": spec.replications,
        "seed": spec.seed,
        "common_random_numbers": spec.common_random_numbers,
        "seeds": seeds,
        "parameters": [
            {"key": p.key, "bounds": p.bounds, "levels": p.levels, "kind": p.kind} for p in spec.parameters
        ],
        "points": {k: [plain(v) for v in matrix[k]] for k in matrix.columns},
        "outcomes": spec.outcomes,
        "keep": spec.keep,
    }
    keep = "final" if spec.keep == "final" else "all"
    return Design(f"sweep {spec.name}", points, spec.replications, seeds, manifest, keep=keep)

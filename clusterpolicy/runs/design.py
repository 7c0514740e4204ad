"""Designs: which parameter sets to run, how often, and with which seeds.

A design is a list of *points* (a label and a resolved :class:`~model.params.Params`) crossed with
*replicates*. Replicate ``r`` gets the same seed at every point -- common random numbers -- so that
differences between points are not noise. Seeds are spawned from a root seed with
:class:`numpy.random.SeedSequence`, so they are reproducible and statistically independent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from clusterpolicy.model import Params


def replicate_seeds(root: int, n: int) -> list[int]:
    """Seeds for replicates ``0..n-1``, spawned from ``root`` (63-bit integers)."""
    children = np.random.SeedSequence(int(root)).spawn(int(n))
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


@dataclass(frozen=True)
class Point:
    """One parameter set of a design.

    Attributes:
        index: position in the design.
        label: a name for people (a scenario name, or ``point-17``).
        params: the resolved parameters.
        values: the varied parameters' values at this point (dotted key -> value).
    """

    index: int
    label: str
    params: Params
    values: dict[str, Any]


@dataclass(frozen=True)
class Task:
    """One run: a point and a replicate. ``run_id = point * replicates + replicate``."""

    run_id: int
    point: int
    label: str
    replicate: int
    seed: int
    params: Params


def tasks(points: list[Point], seeds: list[int]) -> list[Task]:
    """Every point crossed with every replicate; replicate ``r`` uses ``seeds[r]`` at every point."""
    n = len(seeds)
    return [Task(p.index * n + r, p.index, p.label, r, seeds[r], p.params) for p in points for r in range(n)]

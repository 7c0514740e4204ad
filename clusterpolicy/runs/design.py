"""Designs: which parameter sets to run, how often, with which seeds, and what must match to resume.

A :class:`Design` is a list of *points* (a label and a resolved :class:`~clusterpolicy.model.params.Params`)
crossed with *replicates*. With common random numbers (the default) replicate ``r`` gets the same seed at
every point, so that differences between points are not noise; otherwise every run has its own seed.
Seeds are spawned from a root seed with :class:`numpy.random.SeedSequence`, so they are reproducible and
statistically independent. Run ``point * replications + replicate`` is the run's id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.inputs.errors import argument_error
from clusterpolicy.inputs.limits import design_size_problem
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


@dataclass(frozen=True)
class Design:
    """What to run: points x replicates with their seeds, and the description a resume must match.

    Attributes:
        name: a name for progress bars and messages.
        points: the design points, ``points[i].index == i``.
        replications: replicates per point.
        seeds: one seed per replicate (common random numbers), or one per run (``points x replications``).
        manifest: what the runs depend on besides the model (the scenarios or the sampled design, the root
            seed); a store resumes only a design with the same manifest.
        keep: ``all`` quarters of every run, or only the ``final`` one (keeps large sweeps small).
        columns: the metrics to keep (None: all).
        per_replicate: parameter values (dotted key -> value) that replicate ``r`` applies at every point,
            e.g. a parameter set drawn from a calibration ensemble (None: none).
    """

    name: str
    points: list[Point]
    replications: int
    seeds: list[int]
    manifest: dict[str, Any] = field(default_factory=dict)
    keep: str = "all"
    columns: list[str] | None = None
    per_replicate: list[dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        if self.per_replicate is not None and len(self.per_replicate) != self.replications:
            raise ValueError(f"{len(self.per_replicate)} parameter sets for {self.replications} replications")
        if len(self.seeds) not in (self.replications, self.runs):
            raise ValueError(f"{len(self.seeds)} seeds for {self.replications} replications of {self.name}")
        if self.keep not in ("all", "final"):
            raise ValueError(f"keep = {self.keep!r}: 'all' or 'final'")

    @property
    def common_random_numbers(self) -> bool:
        """Replicate ``r`` has the same seed at every point."""
        return len(self.seeds) == self.replications

    @property
    def runs(self) -> int:
        """Points x replications."""
        return len(self.points) * self.replications

    def seed(self, run_id: int) -> int:
        """The seed of a run."""
        return self.seeds[run_id % self.replications] if self.common_random_numbers else self.seeds[run_id]

    def tasks(self, skip: set[int] | frozenset[int] = frozenset()) -> Iterator[Task]:
        """The runs, lazily, in run order, without those in ``skip``."""
        r_n = self.replications
        for p in self.points:
            for r in range(r_n):
                run_id = p.index * r_n + r
                if run_id not in skip:
                    yield Task(run_id, p.index, p.label, r, self.seed(run_id), self.params(p, r))

    def params(self, point: Point, replicate: int) -> Params:
        """The parameters of a run: the point's, with the replicate's own values applied."""
        if self.per_replicate is None or not self.per_replicate[replicate]:
            return point.params
        return point.params.replace(**self.per_replicate[replicate])

    def inputs(self) -> pd.DataFrame:
        """One row per point: ``point``, ``label`` and the varied parameters' values."""
        rows = [{"point": p.index, "label": p.label, **p.values} for p in self.points]
        return pd.DataFrame(
            rows, columns=list(dict.fromkeys(k for r in rows for k in r)) or ["point", "label"]
        )

    def layout(self) -> dict[str, Any]:
        """How runs map to points and seeds (stored in the manifest for readers of the store)."""
        return {
            "points": len(self.points),
            "replications": self.replications,
            "common_random_numbers": self.common_random_numbers,
            "seeds": list(self.seeds),
        }


def paired_design(
    name: str, points: list[Point], replications: int, root_seed: int, manifest: dict[str, Any], **kw: Any
) -> Design:
    """A design with common random numbers: replicate seeds spawned from ``root_seed``.

    ``manifest`` gets the root seed, the replications, the seeds and any per-replicate values added.

    Raises:
        InputError: (about ``replications``) more runs than this machine holds (``inputs.limits``),
            before any seed is drawn.
    """
    too_many = design_size_problem(len(points), replications, kw.get("keep", "all"))
    if too_many is not None:
        raise argument_error("replications", replications, too_many)
    seeds = replicate_seeds(root_seed, replications)
    full = {**manifest, "root_seed": root_seed, "replications": replications, "seeds": seeds}
    if kw.get("per_replicate") is not None:
        full["per_replicate"] = kw["per_replicate"]
    return Design(name, points, replications, seeds, full, **kw)

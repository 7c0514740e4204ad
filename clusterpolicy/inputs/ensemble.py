"""Ensemble files: parameter sets that all fit the record, to carry parameter uncertainty into a study.

``clusterpolicy calibrate`` writes ``ensemble.csv``: one row per accepted parameter set (the sample of an
approximate-Bayesian acceptance), one column per calibrated parameter (dotted keys), and columns of its
own (``point``, ``shortfall``, ...) that are ignored here. A study given ``ensemble=`` draws one set per
replication (:func:`draw`): replication ``r`` runs with set ``k_r`` in every scenario or lever value, and
with the same seed, so the scenarios stay paired (common random numbers) and the spread over
replications holds the parameter uncertainty as well as the stochastic noise.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.model.params import SECTIONS, ParameterError, coerce_value


@dataclass(frozen=True)
class Ensemble:
    """Parameter sets to draw from.

    Attributes:
        sets: the parameter sets (dotted key -> value), in file order.
        path: the file they came from, if any.
    """

    sets: tuple[dict[str, Any], ...]
    path: Path | None = None

    @property
    def keys(self) -> list[str]:
        """The parameters the sets give."""
        return list(self.sets[0]) if self.sets else []


def load_ensemble(path: str | Path) -> Ensemble:
    """Read and check an ensemble file (CSV; the parameter columns are dotted keys).

    Raises:
        InputError: one line naming the file, the row and key, the value and what is allowed.
    """
    p = Path(path)
    src = str(p)
    if not p.is_file():
        raise InputError(src, "no such ensemble file (calibrate writes OUT/ensemble.csv)")
    try:
        with p.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(src, f"not a readable CSV file ({exc})") from None
    if not rows:
        raise InputError(src, "no parameter sets (an ensemble needs at least one row)")
    keys = [k for k in rows[0] if k and k.partition(".")[0] in SECTIONS]
    if not keys:
        allowed = ", ".join(f"{s}.NAME" for s in SECTIONS)
        raise InputError(src, f"no parameter columns; their names are dotted keys ({allowed})")
    sets = []
    for i, row in enumerate(rows, start=2):  # line 1 is the header
        values = {}
        for k in keys:
            raw = row.get(k)
            try:
                values[k] = coerce_value(k, _number(raw))
            except ParameterError as exc:
                raise InputError(src, f"line {i}: {exc}") from None
        sets.append(values)
    return Ensemble(tuple(sets), p)


def _number(text: str | None) -> Any:
    """A CSV cell as the value it stands for (bool, int, float, else the text)."""
    if text is None:
        return None
    t = text.strip()
    if t in ("True", "true"):
        return True
    if t in ("False", "false"):
        return False
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        return t


def draw(ensemble: Ensemble, replications: int, root_seed: int) -> list[int]:
    """Which set each replication runs with: reproducible from the root seed, with replacement."""
    rng = np.random.default_rng(np.random.SeedSequence([int(root_seed), 0x5E7]))
    return [int(k) for k in rng.integers(0, len(ensemble.sets), size=int(replications))]


def per_replicate(ensemble: Ensemble, replications: int, root_seed: int) -> list[dict[str, Any]]:
    """The parameter set of each replication (see :func:`draw`)."""
    return [dict(ensemble.sets[k]) for k in draw(ensemble, replications, root_seed)]


def ensemble_sets(
    ensemble: Ensemble | str | Path | None,
    replications: int,
    root_seed: int,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> list[dict[str, Any]] | None:
    """The per-replicate parameter sets of a study given ``ensemble`` (None: no ensemble).

    Keys in ``exclude`` (a study's own lever and fixed values) are left out of every set.

    Raises:
        InputError: a bad ensemble file.
    """
    if ensemble is None:
        return None
    ens = ensemble if isinstance(ensemble, Ensemble) else load_ensemble(ensemble)
    return [
        {k: v for k, v in s.items() if k not in exclude} for s in per_replicate(ens, replications, root_seed)
    ]

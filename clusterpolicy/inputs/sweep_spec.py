"""Experiment (sweep) files: which parameters vary, over which ranges, with which design.

An experiment file (TOML, shipped ones in ``clusterpolicy/data/specs/``) names a base scenario, the
parameters that vary (any key by its dotted path, levers and uncertainties alike) with bounds or levels,
the design (``grid``, ``lhs``, ``sobol``, ``morris``) and its size, the replications, a root seed and the
outcomes to analyse::

    [sweep]
    name = "quick"
    base = "concept_note_2015"
    design = "sobol"            # grid | lhs | sobol | morris
    n = 16                      # sobol: N (a power of two); lhs: samples; morris: trajectories;
                                # grid: levels per parameter given by bounds
    replications = 2
    seed = 1
    outcomes = ["proposals_crowded_out_total", "sme_participation_rate"]

    [[parameter]]
    key = "policy.privileged_share"
    bounds = [0.0, 0.6]         # or: levels = [0.0, 0.3, 0.6] (grid only; may be strings or booleans)

Replicate ``r`` has the same seed at every design point (common random numbers) unless
``common_random_numbers = false``. The samplers are in :mod:`clusterpolicy.runs.samplers`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusterpolicy.inputs.checks import allowed_count, check_key, check_name
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.files import SPEC_DIR, find_file, read_toml, toml_names
from clusterpolicy.inputs.limits import design_size_problem
from clusterpolicy.inputs.scenario import OVERRIDES, Scenario, load_scenario, resolve_path, unknown_key
from clusterpolicy.model.metrics import OUTCOMES
from clusterpolicy.model.params import ParameterError, coerce_value, field_spec, field_type

DESIGNS = ("grid", "lhs", "sobol", "morris")
SWEEP_KEYS = {
    "name",
    "description",
    "base",
    "design",
    "n",
    "replications",
    "seed",
    "outcomes",
    "common_random_numbers",
    "second_order",
    "levels",
    "set",
    "keep",
}
PARAM_KEYS = ("key", "bounds", "levels")
KEEP = ("final", "timeseries")


@dataclass(frozen=True)
class Varied:
    """A parameter the sweep varies: by bounds (continuous, or integer rounded) or by levels."""

    key: str
    bounds: tuple[float, float] | None = None
    levels: tuple[Any, ...] | None = None

    @property
    def kind(self) -> str:
        """``lever`` (a [policy] key) or ``uncertainty`` (anything else)."""
        return "lever" if self.key.startswith("policy.") else "uncertainty"

    @property
    def is_int(self) -> bool:
        """Sampled values are rounded to integers."""
        return field_type(self.key) is int

    @property
    def sample_bounds(self) -> tuple[float, float]:
        """Bounds to sample from.

        An integer range [a, b] is sampled on [a - 1/2, b + 1/2) and rounded, so that every integer is
        equally likely.
        """
        if self.bounds is None:
            raise ValueError(f"{self.key} varies by levels, not bounds")
        lo, hi = self.bounds
        return (lo - 0.5, hi + 0.5 - 1e-9) if self.is_int else (lo, hi)


@dataclass
class SweepSpec:
    """A validated experiment file."""

    name: str
    base: Scenario
    design: str
    n: int
    replications: int
    seed: int
    outcomes: list[str]
    parameters: list[Varied]
    description: str = ""
    common_random_numbers: bool = True
    second_order: bool = False
    morris_levels: int = 4
    fixed: list[str] = field(default_factory=list)
    keep: str = "final"
    path: Path | None = None

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem (names and bounds of the varied parameters)."""
        return {
            "num_vars": len(self.parameters),
            "names": [p.key for p in self.parameters],
            "bounds": [list(p.sample_bounds) for p in self.parameters if p.bounds is not None],
        }

    @property
    def source(self) -> str:
        """The file, or the name when the spec was not read from a file."""
        return str(self.path) if self.path else self.name

    @property
    def points(self) -> int:
        """How many design points the design makes (counted, not built)."""
        return design_points(self.design, self.n, self.parameters, self.second_order)


def design_points(design: str, n: int, parameters: list[Varied], second_order: bool = False) -> int:
    """How many points a design of ``n`` over ``parameters`` makes (without building them)."""
    d = len(parameters)
    if design == "grid":
        return math.prod(len(p.levels) if p.levels is not None else n for p in parameters)
    if design == "lhs":
        return n
    if design == "sobol":
        return n * (2 * d + 2 if second_order else d + 2)
    return n * (d + 1)


def available_specs() -> list[str]:
    """Names of the shipped experiment files."""
    return toml_names([SPEC_DIR])


def resolve_spec_path(name_or_path: str | Path) -> Path:
    """A spec named by path or by its name in the shipped specs.

    Raises:
        InputError: when there is no such file (the message lists the shipped names).
    """
    listing = f"shipped specs: {', '.join(available_specs())}"
    return find_file(name_or_path, [SPEC_DIR], "experiment", listing)


def load_spec(name_or_path: str | Path) -> SweepSpec:
    """Read and validate an experiment file.

    Raises:
        InputError: one line naming the file, the key, the value and what is allowed.
    """
    path = resolve_spec_path(name_or_path)
    src = str(path)
    data = read_toml(path, src)
    for key in data:
        check_key(src, key, data[key], None if key in ("sweep", "parameter") else _UNKNOWN_TABLE)
    sw = data.get("sweep")
    if not isinstance(sw, dict):
        raise InputError(src, "a [sweep] table is required")
    for key in sw:
        allowed = ", ".join(sorted(SWEEP_KEYS))
        check_key(
            src, f"sweep.{key}", sw[key], None if key in SWEEP_KEYS else f"unknown key; allowed: {allowed}"
        )
    for key in ("base", "design", "outcomes"):
        check_key(src, f"sweep.{key}", None, None if key in sw else "missing")
    design = check_key(src, "sweep.design", sw["design"], _one_of(sw["design"], DESIGNS))
    n = _integer(src, sw, "n", None if design != "grid" else 0, 0 if design == "grid" else 2)
    if design == "sobol" and n & (n - 1):
        check_key(src, "sweep.n", n, "a power of two for a Sobol' design (e.g. 64, 128, 256)")
    morris_levels = _integer(src, sw, "levels", 4, 2)
    if morris_levels % 2:
        check_key(src, "sweep.levels", morris_levels, "an even number of Morris grid levels (e.g. 4 or 6)")
    for key in ("common_random_numbers", "second_order"):
        if key in sw and not isinstance(sw[key], bool):
            check_key(src, f"sweep.{key}", sw[key], "true or false")
    keep = sw.get("keep", "final")
    check_key(
        src, "sweep.keep", keep, None if keep in KEEP else "'final' (last quarter only) or 'timeseries'"
    )
    fixed = sw.get("set", [])
    if not isinstance(fixed, list) or not all(isinstance(s, str) for s in fixed):
        check_key(src, "sweep.set", fixed, "a list of 'section.key=value' strings")
    outcomes = sw["outcomes"]
    if not isinstance(outcomes, list) or not outcomes:
        check_key(src, "sweep.outcomes", outcomes, "a non-empty list of metric names")
    for o in outcomes:
        check_key(
            src, "sweep.outcomes", o, None if o in OUTCOMES else f"a metric; known: {', '.join(OUTCOMES)}"
        )
    name = check_name(src, "sweep.name", sw["name"]) if "name" in sw else path.stem
    base = _base(src, path, sw["base"], fixed)
    replications = _integer(src, sw, "replications", 1, 1)
    seed = _integer(src, sw, "seed", 1, 0)
    parameters = _parameters(src, data.get("parameter", []), design, n)
    keep_runs = "final" if keep == "final" else "all"
    points = design_points(design, n, parameters, bool(sw.get("second_order", False)))
    too_many = design_size_problem(points, 1, keep_runs)
    if too_many is not None:
        check_key(src, "sweep.n", n, f"a {design} design of n = {n:,} makes {too_many}")
    too_many = design_size_problem(points, replications, keep_runs)
    if too_many is not None:
        check_key(src, "sweep.replications", replications, too_many)
    return SweepSpec(
        name=name,
        base=base,
        design=design,
        n=n,
        replications=replications,
        seed=seed,
        outcomes=list(outcomes),
        parameters=parameters,
        description=str(sw.get("description", "")),
        common_random_numbers=bool(sw.get("common_random_numbers", True)),
        second_order=bool(sw.get("second_order", False)),
        morris_levels=morris_levels,
        fixed=list(fixed),
        keep=keep,
        path=path,
    )


_UNKNOWN_TABLE = "unknown table; allowed: [sweep], [[parameter]]"


def _one_of(value: Any, allowed: tuple[str, ...]) -> str | None:
    return None if value in allowed else f"one of {', '.join(allowed)}"


def _integer(src: str, sw: dict[str, Any], key: str, default: int | None, lo: int) -> int:
    v = sw.get(key, default)
    if v is None:
        check_key(src, f"sweep.{key}", None, f"missing; a whole number of at least {lo}")
    return int(check_key(src, f"sweep.{key}", v, allowed_count(v, lo)))


def _base(src: str, path: Path, base_name: Any, fixed: list[str]) -> Scenario:
    """The base scenario with the spec's ``set`` applied."""
    if not isinstance(base_name, str):
        check_key(src, "sweep.base", base_name, "the name or path of a scenario")
    try:
        base_path = resolve_path(base_name, relative_to=path.parent)
        load_scenario(base_path)
    except InputError as exc:
        raise InputError(src, f"sweep.base = {base_name!r}: {exc}") from None
    try:
        return load_scenario(base_path, fixed)
    except InputError as exc:
        if exc.source != OVERRIDES:  # pragma: no cover - the base loaded without them
            raise
        raise InputError(src, f"sweep.set: {exc.message}") from None


def _parameters(src: str, raw_params: Any, design: str, n: int) -> list[Varied]:
    """The ``[[parameter]]`` tables, validated."""
    if not isinstance(raw_params, list) or not raw_params:
        raise InputError(src, "at least one [[parameter]] to vary is required")
    params: list[Varied] = []
    seen: set[str] = set()
    for i, rp in enumerate(raw_params):
        where = f"parameter[{i}]"
        if not isinstance(rp, dict):
            check_key(src, where, rp, "a [[parameter]] table with key and bounds or levels")
        for k in rp:
            check_key(
                src,
                f"{where}.{k}",
                rp[k],
                None if k in PARAM_KEYS else "unknown key; allowed: key, bounds, levels",
            )
        key = rp.get("key")
        try:
            field_spec(str(key))
        except ParameterError:
            check_key(src, f"{where}.key", key, f"a parameter's dotted key; {unknown_key(str(key))}")
        check_key(src, f"{where}.key", key, "each parameter once" if key in seen else None)
        seen.add(key)
        if ("bounds" in rp) == ("levels" in rp):
            check_key(src, where, key, "give either bounds = [low, high] or levels = [...]")
        params.append(
            _bounds(src, where, key, rp["bounds"])
            if "bounds" in rp
            else _levels(src, where, key, rp["levels"], design)
        )
    if design == "grid" and n < 2 and any(p.levels is None for p in params):
        check_key(src, "sweep.n", n, "grid with bounds needs n >= 2 levels per parameter")
    return params


def _bounds(src: str, where: str, key: str, b: Any) -> Varied:
    ok = (
        isinstance(b, list)
        and len(b) == 2
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in b)
        and b[0] < b[1]
    )
    check_key(src, f"{where}.bounds", b, None if ok else "[low, high] numbers with low < high")
    for x in b:
        try:
            coerce_value(key, int(x) if float(x).is_integer() else x)
        except ParameterError as exc:
            check_key(src, f"{where}.bounds", b, f"outside what {key} allows: {exc.allowed}")
    return Varied(key, bounds=(float(b[0]), float(b[1])))


def _levels(src: str, where: str, key: str, lv: Any, design: str) -> Varied:
    if not isinstance(lv, list) or len(lv) < 2:
        check_key(src, f"{where}.levels", lv, "a list of at least two values")
    for x in lv:
        try:
            coerce_value(key, x)
        except ParameterError as exc:
            check_key(src, f"{where}.levels", x, f"not a value of {key}: {exc.allowed}")
    if design != "grid":
        check_key(src, f"{where}.levels", lv, f"levels are for grid designs; {design} needs bounds")
    return Varied(key, levels=tuple(lv))

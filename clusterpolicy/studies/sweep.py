"""Parameter sweeps: an experiment file, its design, and a resumable run on any executor.

An experiment file (TOML, examples in ``experiments/specs/``) names a base scenario, the parameters that
vary (any key by its dotted path, levers and uncertainties alike) with bounds or levels, the design
(``grid``, ``lhs``, ``sobol``, ``morris``) and its size, the replications, a root seed and the outcomes
to analyse::

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

Sampling is SciPy's (Latin hypercube, ``scipy.stats.qmc``) and SALib's (Sobol' and Morris through
``ProblemSpec``); integer parameters are rounded. Replicate ``r`` has the same seed at every design point
(common random numbers) unless ``common_random_numbers = false``.
"""

from __future__ import annotations

import itertools
import math
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.inputs.scenario import Scenario, ScenarioError, load_scenario, read_toml, resolve_path
from clusterpolicy.model.metrics import REPORTERS
from clusterpolicy.model.params import ParameterError, Params, coerce_value, field_spec, field_type
from clusterpolicy.outputs.provenance import model_version, provenance
from clusterpolicy.runs.design import Point, Task, replicate_seeds
from clusterpolicy.runs.execute import ExecSummary, RunFn, execute
from clusterpolicy.runs.store import RunStore

DESIGNS = ("grid", "lhs", "sobol", "morris")
SPEC_DIR = Path(__file__).resolve().parent.parent / "data" / "specs"
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
PARAM_KEYS = {"key", "bounds", "levels"}


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
        assert self.bounds is not None
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


def _err(src: str, key: str, value: Any, allowed: str) -> ScenarioError:
    return ScenarioError(src, f"{key} = {value!r}: {allowed}")


def resolve_spec_path(name_or_path: str | Path) -> Path:
    """A spec named by path or by its name in ``experiments/specs/``."""
    p = Path(name_or_path)
    if p.is_file():
        return p
    q = SPEC_DIR / f"{name_or_path}.toml"
    if q.is_file():
        return q
    known = ", ".join(sorted(f.stem for f in SPEC_DIR.glob("*.toml")))
    raise ScenarioError(str(name_or_path), f"no such experiment file or name; shipped specs: {known}")


def load_spec(name_or_path: str | Path) -> SweepSpec:
    """Read and validate an experiment file.

    Raises:
        ScenarioError: one line naming the file, the key, the value and what is allowed.
    """
    path = resolve_spec_path(name_or_path)
    src = str(path)
    data = read_toml(path, src)
    for key in data:
        if key not in ("sweep", "parameter"):
            raise _err(src, key, data[key], "unknown table; allowed: [sweep], [[parameter]]")
    sw = data.get("sweep")
    if not isinstance(sw, dict):
        raise ScenarioError(src, "a [sweep] table is required")
    for key in sw:
        if key not in SWEEP_KEYS:
            raise _err(src, f"sweep.{key}", sw[key], f"unknown key; allowed: {', '.join(sorted(SWEEP_KEYS))}")
    for key in ("base", "design", "outcomes"):
        if key not in sw:
            raise _err(src, f"sweep.{key}", None, "missing")
    design = sw["design"]
    if design not in DESIGNS:
        raise _err(src, "sweep.design", design, f"one of {', '.join(DESIGNS)}")

    def integer(key: str, default: int | None, lo: int) -> int:
        v = sw.get(key, default)
        if v is None:
            raise _err(src, f"sweep.{key}", None, f"missing; a whole number of at least {lo}")
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise _err(src, f"sweep.{key}", v, f"a whole number of at least {lo}")
        return v

    n = integer("n", None if design != "grid" else 0, 0 if design == "grid" else 2)
    if design == "sobol" and n & (n - 1):
        raise _err(src, "sweep.n", n, "a power of two for a Sobol' design (e.g. 64, 128, 256)")
    replications = integer("replications", 1, 1)
    seed = integer("seed", 1, 0)
    morris_levels = integer("levels", 4, 2)
    if morris_levels % 2:
        raise _err(src, "sweep.levels", morris_levels, "an even number of Morris grid levels (e.g. 4 or 6)")
    for key in ("common_random_numbers", "second_order"):
        if key in sw and not isinstance(sw[key], bool):
            raise _err(src, f"sweep.{key}", sw[key], "true or false")
    keep = sw.get("keep", "final")
    if keep not in ("final", "timeseries"):
        raise _err(src, "sweep.keep", keep, "'final' (last quarter only) or 'timeseries'")
    fixed = sw.get("set", [])
    if not isinstance(fixed, list) or not all(isinstance(s, str) for s in fixed):
        raise _err(src, "sweep.set", fixed, "a list of 'section.key=value' strings")
    base_name = sw["base"]
    if not isinstance(base_name, str):
        raise _err(src, "sweep.base", base_name, "the name or path of a scenario")
    try:
        base_path = resolve_path(base_name, relative_to=path.parent)
        load_scenario(base_path)
    except ScenarioError as exc:
        raise ScenarioError(src, f"sweep.base = {base_name!r}: {exc}") from None
    try:
        base = load_scenario(base_path, fixed)
    except ScenarioError as exc:
        raise ScenarioError(src, f"sweep.set: {str(exc).removeprefix('--set: ')}") from None
    outcomes = sw["outcomes"]
    if not isinstance(outcomes, list) or not outcomes:
        raise _err(src, "sweep.outcomes", outcomes, "a non-empty list of metric names")
    for o in outcomes:
        if o not in REPORTERS:
            raise _err(src, "sweep.outcomes", o, f"a metric; known: {', '.join(REPORTERS)}")

    raw_params = data.get("parameter", [])
    if not isinstance(raw_params, list) or not raw_params:
        raise ScenarioError(src, "at least one [[parameter]] to vary is required")
    params: list[Varied] = []
    seen = set()
    for i, rp in enumerate(raw_params):
        where = f"parameter[{i}]"
        if not isinstance(rp, dict):
            raise _err(src, where, rp, "a [[parameter]] table with key and bounds or levels")
        for k in rp:
            if k not in PARAM_KEYS:
                raise _err(src, f"{where}.{k}", rp[k], "unknown key; allowed: key, bounds, levels")
        key = rp.get("key")
        try:
            field_spec(str(key))
        except ParameterError:
            raise _err(
                src, f"{where}.key", key, "a parameter's dotted key, e.g. policy.privileged_share"
            ) from None
        if key in seen:
            raise _err(src, f"{where}.key", key, "each parameter once")
        seen.add(key)
        if ("bounds" in rp) == ("levels" in rp):
            raise _err(src, where, key, "give either bounds = [low, high] or levels = [...]")
        if "bounds" in rp:
            b = rp["bounds"]
            if not (
                isinstance(b, list)
                and len(b) == 2
                and all(isinstance(x, int | float) and not isinstance(x, bool) for x in b)
                and b[0] < b[1]
            ):
                raise _err(src, f"{where}.bounds", b, "[low, high] numbers with low < high")
            for x in b:
                try:
                    coerce_value(key, int(x) if float(x).is_integer() else x)
                except ParameterError as exc:
                    raise _err(
                        src, f"{where}.bounds", b, f"outside what {key} allows: {exc.allowed}"
                    ) from None
            params.append(Varied(key, bounds=(float(b[0]), float(b[1]))))
        else:
            lv = rp["levels"]
            if not isinstance(lv, list) or len(lv) < 2:
                raise _err(src, f"{where}.levels", lv, "a list of at least two values")
            for x in lv:
                try:
                    coerce_value(key, x)
                except ParameterError as exc:
                    raise _err(src, f"{where}.levels", x, f"not a value of {key}: {exc.allowed}") from None
            if design != "grid":
                raise _err(src, f"{where}.levels", lv, f"levels are for grid designs; {design} needs bounds")
            params.append(Varied(key, levels=tuple(lv)))
    if design == "grid":
        for p in params:
            if p.levels is None and n < 2:
                raise _err(src, "sweep.n", n, "grid with bounds needs n >= 2 levels per parameter")
    return SweepSpec(
        name=str(sw.get("name", path.stem)),
        base=base,
        design=design,
        n=n,
        replications=replications,
        seed=seed,
        outcomes=list(outcomes),
        parameters=params,
        description=str(sw.get("description", "")),
        common_random_numbers=bool(sw.get("common_random_numbers", True)),
        second_order=bool(sw.get("second_order", False)),
        morris_levels=morris_levels,
        fixed=list(fixed),
        keep=keep,
        path=path,
    )


def design_matrix(spec: SweepSpec) -> pd.DataFrame:
    """The design points: one row per point, one column per varied parameter (values as used)."""
    names = [p.key for p in spec.parameters]
    if spec.design == "grid":
        axes = [
            list(p.levels) if p.levels is not None else list(np.linspace(p.bounds[0], p.bounds[1], spec.n))
            for p in spec.parameters
        ]
        df = pd.DataFrame(list(itertools.product(*axes)), columns=names)
    else:
        if spec.design == "lhs":
            from scipy.stats import qmc

            unit = qmc.LatinHypercube(d=len(names), seed=spec.seed).random(spec.n)
            lo = [p.sample_bounds[0] for p in spec.parameters]
            hi = [p.sample_bounds[1] for p in spec.parameters]
            x = qmc.scale(unit, lo, hi)
        else:
            from SALib import ProblemSpec

            sp = ProblemSpec(dict(spec.problem))
            if spec.design == "sobol":
                sp.sample_sobol(spec.n, calc_second_order=spec.second_order, seed=spec.seed)
            else:
                sp.sample_morris(spec.n, num_levels=spec.morris_levels, seed=spec.seed)
            x = sp.samples
        df = pd.DataFrame(x, columns=names)
    for p in spec.parameters:
        if p.bounds is not None and p.is_int:
            df[p.key] = np.clip(np.round(df[p.key]), p.bounds[0], p.bounds[1]).astype(int)
    return df


def n_points(spec: SweepSpec) -> int:
    """How many design points the spec makes (without building them)."""
    d = len(spec.parameters)
    if spec.design == "grid":
        return math.prod(len(p.levels) if p.levels is not None else spec.n for p in spec.parameters)
    if spec.design == "lhs":
        return spec.n
    if spec.design == "sobol":
        return spec.n * (2 * d + 2 if spec.second_order else d + 2)
    return spec.n * (d + 1)


def cost_text(spec: SweepSpec) -> str:
    """What the design costs, in words."""
    d = len(spec.parameters)
    pts = n_points(spec)
    runs = pts * spec.replications
    how = {
        "grid": "full factorial grid",
        "lhs": f"Latin hypercube of {spec.n}",
        "sobol": f"Sobol' N={spec.n} x (D+2)={d + 2}"
        if not spec.second_order
        else f"Sobol' N={spec.n} x (2D+2)={2 * d + 2}",
        "morris": f"Morris r={spec.n} trajectories x (D+1)={d + 1}",
    }[spec.design]
    reps = spec.replications
    return f"{how}: {pts:,} design points x {reps} replications = {runs:,} runs over D={d} parameters"


def _value(v: Any) -> Any:
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def points(spec: SweepSpec, matrix: pd.DataFrame | None = None) -> Iterator[Point]:
    """The design points as resolved parameters (built lazily, validated)."""
    matrix = design_matrix(spec) if matrix is None else matrix
    base: Params = spec.base.params
    for i, row in enumerate(matrix.itertuples(index=False)):
        values = {k: _value(v) for k, v in zip(matrix.columns, row, strict=True)}
        yield Point(i, f"point-{i}", base.replace(**values), values)


def check_points(spec: SweepSpec, matrix: pd.DataFrame) -> None:
    """Resolve every design point once, before anything is written.

    A point can break a rule that spans two keys (e.g. a leave threshold above the join threshold).

    Raises:
        ScenarioError: naming the spec, the point and the rule.
    """
    base: Params = spec.base.params
    for i, row in enumerate(matrix.itertuples(index=False)):
        values = {k: _value(v) for k, v in zip(matrix.columns, row, strict=True)}
        try:
            base.replace(**values)
        except ParameterError as exc:
            where = str(spec.path) if spec.path else spec.name
            raise ScenarioError(where, f"design point {i} {values}: {exc}") from None


def seeds_for(spec: SweepSpec) -> list[int]:
    """Replicate seeds (common random numbers), or one seed per run without them."""
    if spec.common_random_numbers:
        return replicate_seeds(spec.seed, spec.replications)
    return replicate_seeds(spec.seed, n_points(spec) * spec.replications)


def sweep_tasks(spec: SweepSpec, matrix: pd.DataFrame, skip: set[int]) -> Iterator[Task]:
    """Tasks of the design, lazily, without those in ``skip``."""
    seeds = seeds_for(spec)
    r_n = spec.replications
    for p in points(spec, matrix):
        for r in range(r_n):
            run_id = p.index * r_n + r
            if run_id in skip:
                continue
            seed = seeds[r] if spec.common_random_numbers else seeds[run_id]
            yield Task(run_id, p.index, p.label, r, seed, p.params)


def manifest_for(spec: SweepSpec, matrix: pd.DataFrame) -> dict[str, Any]:
    """What a sweep asks for (must match to resume) plus provenance."""
    return {
        "design": {
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
            "seeds": seeds_for(spec),
            "parameters": [
                {"key": p.key, "bounds": p.bounds, "levels": p.levels, "kind": p.kind}
                for p in spec.parameters
            ],
            "points": {k: [_value(v) for v in matrix[k]] for k in matrix.columns},
            "outcomes": spec.outcomes,
            "keep": spec.keep,
            "model_version": model_version(),
        },
        "provenance": provenance(),
    }


@dataclass
class FinalOnly:
    """A picklable run function that keeps only the last quarter (to keep large sweeps small)."""

    inner: RunFn | None = None

    def __call__(self, task: Task) -> pd.DataFrame:
        """Run the task and return its last quarter."""
        from clusterpolicy.runs.execute import _default_run

        ts = (self.inner or _default_run)(task)
        return ts.iloc[[-1]].reset_index(drop=True)


@dataclass
class SweepResult:
    """A finished (or resumed) sweep."""

    spec: SweepSpec
    store: RunStore
    matrix: pd.DataFrame
    summary: ExecSummary
    skipped: int

    def outcomes(self) -> pd.DataFrame:
        """One row per stored run: its design point's parameter values and the outcomes (last quarter)."""
        finals = self.store.finals(self.spec.outcomes)
        m = self.matrix.copy()
        m.insert(0, "point", range(len(m)))
        return finals.merge(m, on="point", how="left")


def run_sweep(
    spec: SweepSpec,
    out: Path | str,
    *,
    workers: int | None = None,
    executor: Executor | None = None,
    retry_failed: bool = False,
    fresh: bool = False,
    run: RunFn | None = None,
    progress: bool = True,
    on_start: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run (or resume) a sweep into ``out``.

    Runs already stored are skipped; runs that raised before are skipped unless ``retry_failed``; a
    different design in ``out`` is refused (``fresh`` discards what is there).

    Args:
        spec: the validated experiment.
        out: the run directory.
        workers: local worker processes (default: all cores; 1 runs in this process).
        executor: any ``concurrent.futures.Executor`` (e.g. a Dask client's) instead of the local pool.
        retry_failed: run again the runs that raised before.
        fresh: discard the runs stored in ``out`` first (only if ``out`` is a run directory).
        run: the model, ``task -> timeseries`` (default: the cluster-policy model); must pickle.
        progress: show a progress bar.
        on_start: called with (runs to do, runs already done) before the runs start.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ScenarioError("--out", f"{str(out)!r} is a file; give a folder")
    if fresh and out.is_dir() and any(out.iterdir()):
        if not (out / "manifest.json").is_file():
            raise ScenarioError(
                "--fresh", f"{str(out)!r} is not a run directory (no manifest.json); not deleting it"
            )
        shutil.rmtree(out)
    matrix = design_matrix(spec)
    check_points(spec, matrix)
    store = RunStore.open(out, manifest_for(spec, matrix))
    atomic = out / "design.parquet"
    if not atomic.exists():
        from clusterpolicy.outputs.files import atomic_write

        m = matrix.copy()
        m.insert(0, "point", range(len(m)))
        atomic_write(atomic, lambda p: m.to_parquet(p, index=False))
    done = store.done_ids()
    skip = done if retry_failed else done | set(store.failures())
    total = n_points(spec) * spec.replications
    todo = total - len(skip & set(range(total)))
    if on_start:
        on_start(todo, len(done))
    fn: RunFn | None = FinalOnly(run) if spec.keep == "final" else run
    summary = execute(
        sweep_tasks(spec, matrix, skip),
        store.record,
        total=todo,
        executor=executor,
        workers=workers,
        run=fn,
        progress=progress,
        desc=f"sweep {spec.name}",
    )
    store.compact()
    return SweepResult(spec, store, matrix, summary, len(skip))

"""The analysis of outputs laid out in SALib's sample order, and of a sweep's results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.analysis.sensitivity.core import (
    DEFAULT_BOOTSTRAP,
    EXTRA_COLUMNS,
    INDEX_COLUMNS,
    METHODS,
    MORRIS_TOLERANCE,
    NAN,
    SOBOL_TOLERANCE,
    IndexRows,
    SensitivityResult,
    Settings,
    block_rows,
    block_size,
    bootstrap_seed,
    noise_row,
    point_means,
)
from clusterpolicy.analysis.sensitivity.morris import morris_rows
from clusterpolicy.analysis.sensitivity.reading import out_of_range, out_of_range_text
from clusterpolicy.analysis.sensitivity.sobol import sobol_rows
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.sweep_spec import SweepSpec


def _analyse_outcome(
    outcome: str,
    y: np.ndarray,
    problem: dict[str, Any],
    x: np.ndarray | None,
    blocks: list[int],
    size: int,
    s: Settings,
) -> tuple[list[dict[str, Any]], dict[str, Any], bool]:
    """Indices of one outcome; returns (rows, noise row, constant?)."""
    names = list(problem["names"])
    rows_idx = block_rows(blocks, size)
    means = point_means(y)
    noise = noise_row(outcome, y, rows_idx, s)
    constant = noise.pop("constant")
    out = IndexRows(outcome, s.method)
    if constant:
        for p in names:
            for i in ["S1", "ST"] if s.method == "sobol" else ["mu_star", "sigma", "mu"]:
                out.add(p, i, NAN, NAN, NAN, NAN, None)
        return out.rows, noise, True
    half_blocks = blocks[: len(blocks) // 2] if len(blocks) >= 4 else []
    half_rows = block_rows(half_blocks, size) if half_blocks else None
    if s.method == "sobol":
        sobol_rows(out, names, means, rows_idx, half_rows, problem, noise["noise_share"], s)
    else:
        assert x is not None
        morris_rows(out, names, means, x, rows_idx, half_rows, problem, noise, s)
    return out.rows, noise, False


def _check_outputs(
    problem: dict[str, Any], outputs: Mapping[str, np.ndarray], method: str, x: np.ndarray | None, size: int
) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """The outputs as (points, replicates) arrays, and the inputs, checked against the design."""
    if method not in METHODS:
        raise InputError("design", f"{method!r}: sensitivity analysis needs one of {', '.join(METHODS)}")
    d = len(problem["names"])
    ys = {}
    for o, arr in outputs.items():
        a = np.asarray(arr, dtype=float)
        ys[o] = a[:, None] if a.ndim == 1 else a
    if not ys:
        raise InputError("outcomes", "no outcome to analyse")
    n_rows = next(iter(ys.values())).shape[0]
    if n_rows % size or n_rows == 0:
        raise InputError(
            "design", f"{n_rows} points is not a whole number of {method} blocks of {size} rows (D={d})"
        )
    for o, y in ys.items():
        if y.shape[0] != n_rows:
            raise InputError("outcomes", f"{o}: {y.shape[0]} points, expected {n_rows}")
    if method == "morris":
        if x is None or np.shape(x) != (n_rows, d):
            raise InputError("design", "Morris needs the sampled inputs, one row per point")
        x = np.asarray(x, dtype=float)
    return ys, x


def analyze_outputs(
    problem: Mapping[str, Any],
    outputs: Mapping[str, np.ndarray],
    *,
    method: str,
    x: np.ndarray | None = None,
    second_order: bool = False,
    num_levels: int = 4,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    conf_level: float = 0.95,
    seed: int = 1,
    kinds: Mapping[str, str] | None = None,
    name: str = "analysis",
    runs: int | None = None,
    failed: int = 0,
    common_random_numbers: bool = False,
) -> SensitivityResult:
    """Analyse model outputs laid out in SALib's sample order.

    Args:
        problem: the SALib problem (``num_vars``, ``names``, ``bounds``).
        outputs: outcome -> array of shape (points,) or (points, replicates); NaN marks a failed run.
        method: ``sobol`` or ``morris``.
        x: the sampled inputs (points x parameters) -- required for Morris.
        second_order: the Sobol' sample was drawn with second-order cross-samples.
        num_levels: the Morris levels the sample was drawn with.
        bootstrap: bootstrap resamples for the intervals.
        conf_level: level of the intervals.
        seed: root seed; the bootstrap's seed is derived from it.
        kinds: parameter -> ``lever``/``uncertainty`` (default ``parameter``).
        name: a name for the report.
        runs: finished runs (default: the non-NaN outputs of the first outcome).
        failed: runs that failed.
        common_random_numbers: replicate ``r`` has the same seed at every point (the noise estimate then
            leaves out the part common to all points).

    Raises:
        InputError: a design that does not fit the method, or no complete block.
    """
    if bootstrap < 2:
        raise InputError("bootstrap", f"{bootstrap}: at least 2 resamples", argument=True)
    problem = dict(problem)
    names = list(problem["names"])
    size = block_size(method, len(names), second_order)
    ys, x = _check_outputs(problem, outputs, method, x, size)
    n_rows = next(iter(ys.values())).shape[0]
    n = n_rows // size
    s = Settings(
        method, second_order, num_levels, bootstrap, conf_level, bootstrap_seed(seed), common_random_numbers
    )
    rows: list[dict[str, Any]] = []
    noise_rows: list[dict[str, Any]] = []
    constant: list[str] = []
    n_used_all = n
    unit = "base samples" if method == "sobol" else "trajectories"
    for outcome, y in ys.items():
        complete = ~np.all(np.isnan(y), axis=1)
        blocks = [b for b in range(n) if complete[b * size : (b + 1) * size].all()]
        n_used_all = min(n_used_all, len(blocks))
        if len(blocks) < 2:
            raise InputError(
                outcome, f"only {len(blocks)} of {n} {unit} have results at every point; nothing to analyse"
            )
        r, nrow, const = _analyse_outcome(outcome, y, problem, x, blocks, size, s)
        rows += r
        noise_rows.append(nrow)
        if const:
            constant.append(outcome)
    kinds = {p: (kinds or {}).get(p, "parameter") for p in names}
    df = pd.DataFrame(rows, columns=INDEX_COLUMNS + EXTRA_COLUMNS[1:])
    df.insert(6, "kind", [kinds.get(p, "interaction") for p in df["parameter"]])
    df["below_noise"] = df["below_noise"].astype("boolean")
    df["converged"] = df["converged"].astype("boolean")
    first = next(iter(ys.values()))
    res = SensitivityResult(
        name=name,
        method=method,
        problem=problem,
        kinds=kinds,
        indices=df,
        noise=pd.DataFrame(noise_rows),
        means=pd.DataFrame({o: point_means(y) for o, y in ys.items()}),
        n=n,
        n_used=n_used_all,
        points=n_rows,
        replications=max(y.shape[1] for y in ys.values()),
        runs=int(np.sum(~np.isnan(first))) if runs is None else runs,
        failed=failed,
        bootstrap=bootstrap,
        conf_level=conf_level,
        seed=seed,
        second_order=second_order,
        num_levels=num_levels,
        common_random_numbers=common_random_numbers,
        constant=constant,
        x=x,
    )
    res.warnings = _warnings(res)
    return res


def _warnings(res: SensitivityResult) -> list[str]:
    """Plain-language warnings about a result."""
    w: list[str] = []
    unit = "base samples" if res.method == "sobol" else "trajectories"
    pct = f"{100 * res.conf_level:g} %"
    if res.failed:
        w.append(
            f"{res.failed} run(s) failed; the {unit} they belong to were left out where no replicate "
            f"survived ({res.n_used} of {res.n} {unit} used)."
        )
    if res.replications < 2:
        w.append(
            "one replication per point: the replicate noise cannot be estimated, so no index is flagged."
        )
    for o in res.constant:
        w.append(f"{o} does not vary over the design: no indices.")
    for r in out_of_range(res).itertuples():
        w.append(out_of_range_text(r, res.n_used, res.replications))
    if res.n_used < 4:
        w.append(
            f"only {res.n_used} {unit}: too few to check convergence (N/2 vs N needs at least 4); "
            "treat the indices as unsettled."
        )
        return w
    d = res.indices
    checked = d[d["converged"].notna()]
    bad = checked[checked["converged"] == False]  # noqa: E712  (nullable booleans)
    for o in res.outcomes:
        b = bad[bad["outcome"] == o]
        if b.empty:
            continue
        total = int((checked["outcome"] == o).sum())
        worst = b.assign(gap=(b["value"] - b["half"]).abs()).sort_values("gap", ascending=False).head(3)
        items = ", ".join(
            f"{r.parameter} {r.index} {r.half:.3g} -> {r.value:.3g} (± {r.conf:.2g})"
            for r in worst.itertuples()
        )
        tol = tol_text(res)
        w.append(
            f"{o}: {len(b)} of {total} indices moved by more than their {pct} interval (or more than "
            f"{tol}) between N/2={res.n_used // 2} and N={res.n_used} {unit} ({items}); they have not "
            "settled: increase n."
        )
    if len(bad):
        w.append(
            f"not settled: {len(bad)} of {len(checked)} indices (about 1 in 20 may fail this check by chance "
            "even when settled)."
        )
    return w


def tol_text(res: SensitivityResult) -> str:
    """The convergence tolerance in words."""
    if res.method == "sobol":
        return f"{SOBOL_TOLERANCE:g}"
    return f"{100 * MORRIS_TOLERANCE:g} % of the largest μ*"


def check_design(spec: SweepSpec) -> None:
    """Refuse designs the analysis cannot use.

    Raises:
        InputError: for ``grid`` and ``lhs`` designs (one line naming the file and the key).
    """
    if spec.design not in METHODS:
        raise InputError(
            spec.source,
            f"sweep.design = {spec.design!r}: sensitivity analysis needs design = 'sobol' or 'morris' "
            "(run grid and lhs designs with 'clusterpolicy sweep')",
        )


def analyze_results(
    spec: SweepSpec,
    results: pd.DataFrame,
    x: np.ndarray | None = None,
    *,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    conf_level: float = 0.95,
) -> SensitivityResult:
    """Analyse a Sobol' or Morris sweep from its results (one row per run, as ``load_sweep_results`` gives).

    Replicates are averaged per design point; points are taken in the design's (SALib's) order.

    Args:
        spec: the experiment.
        results: one row per run with ``point``, ``replicate``, ``status`` and the outcomes.
        x: the unrounded SALib sample the design was drawn from (required for Morris).
        bootstrap: bootstrap resamples.
        conf_level: level of the intervals.

    Raises:
        InputError: a grid or lhs design, or no complete block of runs.
    """
    check_design(spec)
    done = results[results["status"] == "done"]
    if done.empty:
        raise InputError(spec.name, "no finished runs to analyse (see status.jsonl; retry the failed runs)")
    n_pts = int(results["point"].max()) + 1
    outputs = {}
    for o in dict.fromkeys(spec.outcomes):
        grid = np.full((n_pts, spec.replications), np.nan)
        grid[done["point"].to_numpy(int), done["replicate"].to_numpy(int)] = done[o].to_numpy(float)
        outputs[o] = grid
    return analyze_outputs(
        spec.problem,
        outputs,
        method=spec.design,
        x=x,
        second_order=spec.second_order,
        num_levels=spec.morris_levels,
        bootstrap=bootstrap,
        conf_level=conf_level,
        seed=spec.seed,
        kinds={p.key: p.kind for p in spec.parameters},
        name=spec.name,
        runs=len(done),
        failed=int((results["status"] == "failed").sum()),
        common_random_numbers=spec.common_random_numbers,
    )

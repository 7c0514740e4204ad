"""Reading a store back: one data frame of a sweep's results, design inputs joined with outcomes.

``load_sweep_results("results/sweeps/quick")`` gives one row per run of the design, whether it finished,
failed or has not run yet, so that a scenario-discovery or meta-model step can take the inputs and the
outcomes side by side without knowing the store's files::

    run_id  point  label    replicate  seed  status  error  policy.privileged_share  ...  members  quarter
    0       0      point-0  0          ...   done           0.1171875                ...  2214.0   2025Q4

It reads any store this package writes (sweeps, and the ``store/`` folder of compare, hypothesis and
additionality runs; for those the inputs are the scenario labels only).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.runs.store import ID_COLUMNS, RunStore, is_store

STATUS_COLUMNS = ["status", "error"]
STATUSES = ("done", "failed", "missing")


def load_sweep_results(
    path: Path | str, outcomes: list[str] | None = None, *, quarter: str | None = None
) -> pd.DataFrame:
    """One row per run of the store's design: ids, status, design inputs, outcomes.

    Args:
        path: the store (a sweep's ``--out`` folder, or ``OUT/store`` of a comparison).
        outcomes: the metrics to read (default: every metric the runs recorded).
        quarter: the quarter to read the outcomes in, like ``2020Q4`` (default: each run's last recorded
            quarter; a sweep with ``keep = "final"`` records only that one).

    Returns:
        Columns ``run_id, point, label, replicate, seed, status, error``, then the varied parameters
        (dotted keys, the values the runs used), then the outcomes and ``quarter``. ``status`` is ``done``,
        ``failed`` (``error`` says why) or ``missing`` (in the design, not run yet); outcomes are NaN
        unless the run is done. Rows are in run order.

    Raises:
        InputError: when ``path`` is not a run store, or ``quarter`` was not recorded.
    """
    root = Path(path)
    if not is_store(root):
        raise InputError(str(root), "is not a run store (no manifest.json of one)")
    store = RunStore(root)
    manifest = store.manifest()
    rows = store.read(outcomes)
    if quarter is None:
        picked = rows.groupby("run_id", sort=True).tail(1)
    else:
        picked = rows[rows["quarter"] == quarter]
        if len(rows) and picked.empty:
            recorded = ", ".join(sorted(rows["quarter"].unique()))
            raise InputError("quarter", f"{quarter!r}: not recorded; recorded: {recorded}", argument=True)
    inputs = _inputs(store, rows)
    layout = _layout(manifest, inputs)
    frame = _all_runs(inputs, layout)
    failures = store.failures()
    frame["status"] = "missing"
    frame["error"] = ""
    frame.loc[frame["run_id"].isin(failures), "status"] = "failed"
    frame.loc[frame["run_id"].isin(list(failures)), "error"] = frame["run_id"].map(failures)
    frame.loc[frame["run_id"].isin(picked["run_id"]), "status"] = "done"
    metrics = [c for c in picked.columns if c not in (*ID_COLUMNS, "quarter")]
    values = picked.set_index("run_id")[[*metrics, "quarter"]]
    out = frame.merge(values, left_on="run_id", right_index=True, how="left")
    ids = [*ID_COLUMNS, *STATUS_COLUMNS]
    varied = [c for c in inputs.columns if c not in ("point", "label")]
    return out[[*ids, *varied, *metrics, "quarter"]].reset_index(drop=True)


def _inputs(store: RunStore, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per design point: ``point``, ``label`` and the varied parameters."""
    if store.design_path.exists():
        inputs = pd.read_parquet(store.design_path)
        if "label" not in inputs.columns:  # stores written before labels were kept with the design
            inputs.insert(1, "label", [f"point-{i}" for i in inputs["point"]])
        return inputs
    points = rows[["point", "label"]].drop_duplicates("point").sort_values("point")
    return points.reset_index(drop=True)


def _layout(manifest: dict, inputs: pd.DataFrame) -> dict:
    """Replications, seeds and common random numbers of the store's design."""
    if "layout" in manifest:
        return dict(manifest["layout"])
    design = manifest.get("design", {})
    seeds = list(design.get("seeds", []))
    reps = int(design.get("replications", len(seeds)))
    return {
        "points": len(inputs),
        "replications": reps,
        "seeds": seeds,
        "common_random_numbers": len(seeds) == reps,
    }


def _all_runs(inputs: pd.DataFrame, layout: dict) -> pd.DataFrame:
    """Every run of the design: run_id, point, label, replicate, seed."""
    reps = int(layout["replications"])
    seeds = np.asarray(layout["seeds"], dtype=np.int64)
    points = inputs["point"].to_numpy(dtype=np.int64)
    run_id = (points[:, None] * reps + np.arange(reps)[None, :]).ravel()
    replicate = np.tile(np.arange(reps), len(points))
    seed = seeds[replicate] if layout["common_random_numbers"] else seeds[run_id]
    frame = pd.DataFrame(
        {"run_id": run_id, "point": np.repeat(points, reps), "replicate": replicate, "seed": seed}
    )
    frame = frame.merge(inputs, on="point", how="left")
    frame.insert(2, "label", frame.pop("label"))
    return frame


@dataclass(frozen=True)
class SweepInfo:
    """What a sweep's store says about its design (from its ``manifest.json``).

    Attributes:
        name: the experiment's name.
        design: ``grid``, ``lhs``, ``sobol`` or ``morris``.
        n: the design's size (Sobol' N, Morris r, LHS samples).
        replications: replicates per point.
        seed: the root seed.
        second_order: Sobol' cross-samples for second-order indices were drawn.
        common_random_numbers: replicate r has the same seed at every point.
        parameters: the varied parameters' dotted keys, in the design's order.
        kinds: parameter -> ``lever`` or ``uncertainty``.
        bounds: parameter -> its sampling bounds (None for levels).
        outcomes: the outcomes the experiment names.
        base: the base scenario's name.
    """

    name: str
    design: str
    n: int
    replications: int
    seed: int
    second_order: bool
    common_random_numbers: bool
    parameters: list[str]
    kinds: dict[str, str]
    bounds: dict[str, list[float] | None]
    outcomes: list[str]
    base: str

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem of the design (names and bounds)."""
        return {
            "num_vars": len(self.parameters),
            "names": list(self.parameters),
            "bounds": [self.bounds[p] or [0.0, 1.0] for p in self.parameters],
        }


def sweep_info(path: Path | str) -> SweepInfo:
    """The design of the sweep stored in ``path``.

    Raises:
        InputError: when ``path`` is not a run store, or its store is not a sweep's (compare, hypothesis
            and additionality stores vary scenarios, not parameters).
    """
    root = Path(path)
    if not is_store(root):
        raise InputError(str(root), "is not a run store (no manifest.json of one)")
    m = RunStore(root).manifest()
    design = m.get("design", {})
    if design.get("kind") != "sweep":
        raise InputError(
            str(root), "holds runs of scenarios, not a sweep of parameters (see 'clusterpolicy sweep')"
        )
    params = design.get("parameters", [])
    return SweepInfo(
        name=str(design.get("name", root.name)),
        design=str(design.get("design")),
        n=int(design.get("n") or 0),
        replications=int(design.get("replications", 1)),
        seed=int(design.get("seed", 1)),
        second_order=bool(design.get("second_order", False)),
        common_random_numbers=bool(design.get("common_random_numbers", True)),
        parameters=[p["key"] for p in params],
        kinds={p["key"]: p.get("kind", "parameter") for p in params},
        bounds={p["key"]: p.get("bounds") for p in params},
        outcomes=list(design.get("outcomes", [])),
        base=str(design.get("base", "")),
    )

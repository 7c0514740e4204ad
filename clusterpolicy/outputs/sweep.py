"""What a sweep shows: its cost before it starts and a summary when it ends."""

from __future__ import annotations

from pathlib import Path

from clusterpolicy.inputs.sweep_spec import SweepSpec
from clusterpolicy.runs.execution import ExecSummary
from clusterpolicy.runs.samplers import n_points

FILES = "manifest.json, status.jsonl, design.parquet, chunks/*.parquet"  # what a sweep's folder holds


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


def start_text(todo: int, done: int, where: str, out: Path) -> str:
    """The line printed when the runs start."""
    extra = f"; {done:,} already stored in {out}" if done else ""
    return f"running {todo:,} runs on {where}{extra}"


def finish_text(s: ExecSummary, elapsed: float) -> str:
    """The line printed when a sweep ends."""
    rate = s.done / s.seconds if s.seconds > 0 and s.done else 0.0
    return f"finished {s.done:,} runs ({rate:.1f} runs/s), {s.failed} failed, in {elapsed:.0f} s"

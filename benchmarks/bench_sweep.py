"""Runs per second of the default model through the experiment layer, on 1 and 2 worker processes.

    .venv/bin/python benchmarks/bench_sweep.py [--runs 40] [--workers 1 2]

Each measurement runs the default scenario (5,000 firms, 40 quarters plus burn-in) ``--runs`` times with
spawned seeds through ``clusterpolicy.runs.execution.execute`` (the path every sweep takes: process pool,
results handed back to the parent), and reports runs per second, including pool start-up. Also prints what
the shipped experiment specs would cost at that rate. Results go to benchmarks/out/sweep.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from clusterpolicy.inputs.files import SPEC_DIR
from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.runs.design import Point, replicate_seeds, tasks
from clusterpolicy.runs.execution import Execution, execute
from clusterpolicy.runs.samplers import n_points

OUT = Path(__file__).parent / "out"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    params = load_scenario("concept_note_2015").params
    todo = tasks([Point(0, "concept_note_2015", params, {})], replicate_seeds(1, args.runs))
    rates = {}
    for w in args.workers:
        t0 = time.perf_counter()
        summary = execute(todo, lambda r: None, Execution(workers=w, progress=False), total=len(todo))
        dt = time.perf_counter() - t0
        rates[w] = summary.done / dt
        print(f"{w} worker(s): {summary.done} runs in {dt:6.1f} s = {rates[w]:5.2f} runs/s")
    best = max(rates.values())
    print(f"\nat {best:.2f} runs/s ({max(rates, key=rates.get)} workers), the shipped specs would take:")
    costs = {}
    for path in sorted(SPEC_DIR.glob("*.toml")):
        spec = load_spec(path)
        runs = n_points(spec) * spec.replications
        n_firms = spec.base.params.population.n_firms
        # run time grows about linearly with the number of firms (benchmarks/bench_model.py)
        est = runs / best * n_firms / params.population.n_firms / 60
        costs[spec.name] = {"runs": runs, "firms": n_firms, "minutes": est}
        print(f"  {spec.name:12s} {runs:7,} runs of {n_firms:,} firms: about {est:5.1f} min")
    OUT.mkdir(exist_ok=True)
    (OUT / "sweep.json").write_text(json.dumps({"runs_per_s": rates, "specs": costs}, indent=2) + "\n")


if __name__ == "__main__":
    main()

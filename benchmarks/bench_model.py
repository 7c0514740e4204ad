"""Speed and memory of the cluster-policy model against Mesa's own BoltzmannWealth example.

Both run in this process with the same number of agents and steps; we report agent-steps per second
(agents x steps / wall time), their ratio, and the peak memory traced during each run (tracemalloc).
A scaling series (5k, 20k, 50k firms) checks that time and memory grow no faster than linearly.

    .venv/bin/python benchmarks/bench_model.py [--repeats 3] [--sizes 5000 20000 50000]

Results are printed and written to benchmarks/out/results.json. Nothing here runs in the test suite:
timings on shared machines are noisy, so they are compared as ratios within one process.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from pathlib import Path

from bench_phases import (  # the same scaled scenario as the phase benchmark (run from benchmarks/)
    boltzmann,
    scaled,
)

from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model import ClusterPolicyModel

OUT = Path(__file__).parent / "out"


def run_cluster_model(params, seed: int) -> int:
    """Build and run the model once; returns its agent-steps (firms x quarters incl. burn-in)."""
    m = ClusterPolicyModel(params, rng=seed)
    m.run()
    return params.population.n_firms * (params.simulation.quarters + params.simulation.burn_in_quarters)


def run_boltzmann(n_agents: int, steps: int, seed: int) -> int:
    """Mesa's BoltzmannWealth on a grid of about one agent a cell; returns its agent-steps."""
    boltzmann(n_agents, steps, seed)
    return n_agents * steps


def measure(runs: dict[str, tuple], repeats: int) -> dict[str, dict[str, float]]:
    """Time each run ``repeats`` times, interleaved so that both meet the same machine load, and keep
    the fastest (the least disturbed); then trace the peak memory (tracemalloc) in one more run each --
    timed runs are not traced, as tracing slows Python down."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    agent_steps: dict[str, int] = {}
    for seed in range(1, repeats + 1):
        for name, (fn, *args) in runs.items():
            t0 = time.perf_counter()
            agent_steps[name] = fn(*args, seed)
            times[name].append(time.perf_counter() - t0)
    out = {}
    for name, (fn, *args) in runs.items():
        tracemalloc.start()
        fn(*args, 1)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        best = min(times[name])
        out[name] = {"seconds": best, "agent_steps_per_s": agent_steps[name] / best, "peak_mib": peak}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000, 50000])
    args = ap.parse_args()
    base = load_scenario("concept_note_2015").params
    steps = base.simulation.quarters + base.simulation.burn_in_quarters
    n = base.population.n_firms

    both = measure(
        {"clusterpolicy": (run_cluster_model, base), "BoltzmannWealth": (run_boltzmann, n, steps)},
        args.repeats,
    )
    ours, boltz = both["clusterpolicy"], both["BoltzmannWealth"]
    ratio = ours["agent_steps_per_s"] / boltz["agent_steps_per_s"]
    print(f"default scenario: {n:,} firms x {steps} quarters (incl. burn-in), best of {args.repeats}")
    for name, r in (("clusterpolicy", ours), ("BoltzmannWealth", boltz)):
        print(
            f"  {name:16} {r['seconds']:7.3f} s  {r['agent_steps_per_s']:12,.0f} agent-steps/s"
            f"  peak {r['peak_mib']:7.1f} MiB"
        )
    print(f"  ratio (clusterpolicy / Boltzmann): {ratio:.1f}x")

    scaling = []
    print("\nscaling (the scenario's totals scaled with the population, as in bench_phases.scaled):")
    for size in args.sizes:
        p = scaled(base, size)
        r = measure({"run": (run_cluster_model, p)}, max(1, args.repeats - 1))["run"]
        scaling.append({"firms": size, **r})
        print(
            f"  {size:>7,} firms  {r['seconds']:7.2f} s  {r['agent_steps_per_s']:12,.0f} agent-steps/s"
            f"  peak {r['peak_mib']:7.1f} MiB  ({1e6 * r['seconds'] / size:5.1f} us and"
            f" {1024 * r['peak_mib'] / size:5.2f} KiB per firm)"
        )
    OUT.mkdir(exist_ok=True)
    result = {
        "default": {"firms": n, "steps": steps, "clusterpolicy": ours, "boltzmann": boltz, "ratio": ratio},
        "scaling": scaling,
    }
    (OUT / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {OUT / 'results.json'}")


if __name__ == "__main__":
    main()

"""Where one model run spends its time, phase by phase, and how time and memory grow with the firms.

Part 1 times one baseline run (``concept_note_2015``: 5,000 firms, 8 burn-in + 40 quarters) phase by
phase: construction (the population, before any quarter), each phase of the quarter (burn-in included),
and the metrics collection. Runs of Mesa's BoltzmannWealth example with the same agents and steps are
interleaved with ours in this process, and every time is also given as a ratio to it, since on a shared
machine only ratios measured side by side mean something. Medians over ``--repeats``.

Part 2 is the scaling table: the same scenario at ``--sizes`` firms, its totals (business R&D, GDP, the EU
amount, the legacy structures' members, the project and VIS budgets) scaled with the population; time
and peak memory (``tracemalloc``, in a run of its own, since tracing slows Python down) per firm, each
relative to the smallest size, and the time also relative to BoltzmannWealth at 5,000 agents, measured
between the runs.

    .venv/bin/python benchmarks/bench_phases.py [--repeats 7] [--sizes 5000 20000 50000 200000]
        [--scaling-repeats 3] [--large-repeats 1] [--no-scaling]

Results are printed and written to benchmarks/out/phases.json. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
import tracemalloc
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model import ClusterPolicyModel, Params
from clusterpolicy.model import model as model_module
from clusterpolicy.model.params import field_spec
from clusterpolicy.model.phases import (
    cofinancing,
    evaluation,
    innovation,
    membership,
    operating,
    projects,
    recognition,
)

OUT = Path(__file__).parent / "out"
PHASES = {
    "recognition": recognition,
    "membership": membership,
    "cofinancing": cofinancing,
    "operating": operating,
    "projects": projects,
    "innovation": innovation,
    "evaluation": evaluation,
}


class PhaseClock:
    """Adds up the time spent in each phase while installed (wraps the phases' ``run`` functions)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._saved: list[tuple[Any, str, Any]] = []

    def _wrap(self, owner: Any, attr: str, name: str) -> None:
        fn = getattr(owner, attr)
        seconds = self.seconds

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[name] += time.perf_counter() - t0

        self._saved.append((owner, attr, fn))
        setattr(owner, attr, timed)

    def __enter__(self) -> PhaseClock:
        self._wrap(ClusterPolicyModel, "open_quarter", "open_quarter")
        for name, module in PHASES.items():
            self._wrap(module, "run", name)
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, attr, fn in reversed(self._saved):
            setattr(owner, attr, fn)
        self._saved.clear()


def timed_run(params: Params, seed: int) -> dict[str, float]:
    """One run, phase by phase (seconds): construction, open_quarter, the phases, metrics, whole run."""
    with PhaseClock() as clock:
        t0 = time.perf_counter()
        m = ClusterPolicyModel(params, rng=seed)
        t1 = time.perf_counter()
        burn_in = sum(clock.seconds.values())
        collect = m.datacollector.collect
        metrics = 0.0
        while m.running:
            m._quarter()
            c0 = time.perf_counter()
            collect(m)
            metrics += time.perf_counter() - c0
            m.t += 1
            if m.t >= params.simulation.quarters:
                m.running = False
        t2 = time.perf_counter()
    out = {"construction": (t1 - t0) - burn_in, **clock.seconds, "metrics": metrics, "run": t2 - t0}
    return out


def plain_run(params: Params, seed: int) -> None:
    """One run as a sweep does it."""
    ClusterPolicyModel(params, rng=seed).run()


def boltzmann(n_agents: int, steps: int, seed: int) -> None:
    """Mesa's BoltzmannWealth on a grid of about one agent a cell (the reference of every benchmark)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

        side = max(10, math.isqrt(n_agents))
        m = BoltzmannWealth(BoltzmannScenario(n=n_agents, width=side, height=side, rng=seed))
        for _ in range(steps):
            m.step()


def seconds(fn: Callable[..., Any], *args: Any) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def peak_mib(fn: Callable[..., Any], *args: Any) -> float:
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


# the scenario's totals that grow with the population in the scaling table (a larger economy of the
# same shape: the same domains and organisations, each with proportionally more firms)
SCALED = (
    "population.business_rd",
    "population.gdp",
    "population.eu_budget",
    "population.legacy_members",
    "policy.project_budget",
    "policy.vis_budget",
)


def scaled(base: Params, size: int) -> Params:
    """The scenario at ``size`` firms, with the totals of :data:`SCALED` in proportion.

    A total is kept within its declared range (``project_budget`` at most 1e10 EUR/yr, which binds
    at 200,000 firms: there the envelope per firm is 0.9 of the baseline's).
    """
    factor = size / base.population.n_firms
    values: dict[str, Any] = {"population.n_firms": size}
    for key in SCALED:
        section, name = key.split(".")
        value = getattr(getattr(base, section), name)
        new = value * factor
        hi = field_spec(key).metadata["hi"]
        if hi is not None:
            new = min(new, hi)
        values[key] = type(value)(round(new)) if isinstance(value, int) else new
    return base.replace(**values)


def phases_table(base: Params, repeats: int) -> dict[str, Any]:
    n = base.population.n_firms
    steps = base.simulation.quarters + base.simulation.burn_in_quarters
    plain_run(base, 0)  # warm up imports and caches
    boltzmann(n, steps, 0)
    rows: dict[str, list[float]] = defaultdict(list)
    runs, refs = [], []
    for seed in range(1, repeats + 1):
        refs.append(seconds(boltzmann, n, steps, seed))
        for k, v in timed_run(base, seed).items():
            rows[k].append(v)
        runs.append(seconds(plain_run, base, seed))
    ref = statistics.median(refs)
    run = statistics.median(runs)
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(f"one run: {n:,} firms x {steps} quarters (incl. burn-in), medians of {repeats}")
    print(f"  BoltzmannWealth ({n:,} agents x {steps} steps): {1e3 * ref:8.1f} ms")
    print(f"  {'phase':14} {'ms':>8} {'x Boltzmann':>12} {'share':>7}")
    total = med["run"]
    for k, v in med.items():
        if k == "run":
            continue
        print(f"  {k:14} {1e3 * v:8.1f} {v / ref:12.3f} {v / total:7.1%}")
    print(f"  {'run (timed)':14} {1e3 * total:8.1f} {total / ref:12.3f}")
    print(f"  {'run (plain)':14} {1e3 * run:8.1f} {run / ref:12.3f}   Boltzmann / run = {ref / run:.1f}x")
    return {
        "firms": n,
        "steps": steps,
        "repeats": repeats,
        "boltzmann_s": ref,
        "run_s": run,
        "run_over_boltzmann": run / ref,
        "phases_s": med,
        "phases_over_boltzmann": {k: v / ref for k, v in med.items()},
    }


def scaling_table(
    base: Params, sizes: list[int], repeats: int, large_repeats: int, large: int = 100_000
) -> list[dict[str, Any]]:
    steps = base.simulation.quarters + base.simulation.burn_in_quarters
    ref_n = base.population.n_firms
    out = []
    print(
        f"\nscaling (medians of {repeats}, of {large_repeats} from {large:,} firms; BoltzmannWealth at"
        f" {ref_n:,} agents between the runs)"
    )
    print(
        f"  {'firms':>8} {'s':>8} {'x Boltzmann':>12} {'us/firm':>8} {'rel':>6}"
        f" {'peak MiB':>9} {'KiB/firm':>9} {'rel':>6}"
    )
    first: dict[str, float] | None = None
    for size in sizes:
        p = scaled(base, size)
        times, refs = [], []
        for seed in range(1, (large_repeats if size >= large else repeats) + 1):
            refs.append(seconds(boltzmann, ref_n, steps, seed))
            times.append(seconds(plain_run, p, seed))
        t, ref = statistics.median(times), statistics.median(refs)
        peak = peak_mib(plain_run, p, 1)
        row = {
            "firms": size,
            "seconds": t,
            "boltzmann_s": ref,
            "over_boltzmann": t / ref,
            "us_per_firm": 1e6 * t / size,
            "per_firm_over_boltzmann": (t / size) / (ref / ref_n),
            "peak_mib": peak,
            "kib_per_firm": 1024 * peak / size,
        }
        if first is None:
            first = row
        row["time_per_firm_rel"] = row["per_firm_over_boltzmann"] / first["per_firm_over_boltzmann"]
        row["memory_per_firm_rel"] = row["kib_per_firm"] / first["kib_per_firm"]
        out.append(row)
        print(
            f"  {size:>8,} {t:8.2f} {t / ref:12.2f} {row['us_per_firm']:8.1f} {row['time_per_firm_rel']:6.2f}"
            f" {peak:9.1f} {row['kib_per_firm']:9.2f} {row['memory_per_firm_rel']:6.2f}"
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000, 50000, 200000])
    ap.add_argument("--scaling-repeats", type=int, default=3)
    ap.add_argument("--large-repeats", type=int, default=1, help="repeats from 100,000 firms")
    ap.add_argument("--no-scaling", action="store_true")
    args = ap.parse_args()
    base = load_scenario("concept_note_2015").params
    result: dict[str, Any] = {"phases": phases_table(base, args.repeats)}
    if not args.no_scaling:
        result["scaling"] = scaling_table(base, args.sizes, args.scaling_repeats, args.large_repeats)
    result["source"] = model_module.__file__
    OUT.mkdir(exist_ok=True)
    (OUT / "phases.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {OUT / 'phases.json'}")


if __name__ == "__main__":
    main()

"""Sweep throughput: runs per second on 1 and 2 local workers and on a Dask LocalCluster of 2, what the
parent process spends per run, and what the Sobol' designs would take at that rate.

    .venv/bin/python benchmarks/bench_sweep.py [--runs 48] [--repeats 3] [--no-dask]

Every measurement runs a design of ``--runs`` runs of the default scenario (5,000 firms; the last quarter
kept, as every sweep spec does by default) through the path a sweep takes: ``runs.execution.execute`` on
the executor, each result handed to ``RunStore.record`` of a store in a temporary folder, the store
compacted at the end. Runs go to the workers in batches as a sweep sends them
(``Execution.batch_for``); the local pool and Dask are also measured with one run a task, as before
batches. The configurations are interleaved ``--repeats`` times so that each meets the same machine load,
and medians are reported:

- the reference: one run in this process (``run_task``), timed beside the sweeps;
- runs/s including the executor's start-up (a Dask cluster is started before its measurement; its
  workers' first tasks count), and in the steady state (from the arrival of the ``2 x workers``-th result
  to the last one); the efficiency: the steady rate against the pace the workers measured for their own
  runs (what the pool, the parent and a scheduler cost); the parent's CPU per run (``time.process_time``
  of this process during the sweep: pickling tasks, unpickling results, the task loop and the store);
- the parent's bookkeeping per run measured alone: ``RunStore.record`` of real results as they arrive
  from a worker (a final quarter, and a whole time series), pickling a task, unpickling a result, and the
  task loop itself;
- projections: the wall time of a 12-factor Sobol' design with N = 1024 and 2 replications
  (N x (D + 2) x 2 = 28,672 runs) and of the shipped specs, at the steady 2-worker rate.

Results go to benchmarks/out/sweep.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import pickle
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from clusterpolicy.inputs.files import SPEC_DIR
from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.runs.design import Design, Point, replicate_seeds
from clusterpolicy.runs.execution import Execution, FinalOnly, InProcess, RunOutput, execute, run_task
from clusterpolicy.runs.samplers import n_points
from clusterpolicy.runs.store import RunStore

OUT = Path(__file__).parent / "out"
SOBOL_RUNS = 1024 * (12 + 2) * 2  # N x (D + 2) points x 2 replications


def design(runs: int, seed: int = 1) -> Design:
    """``runs`` runs of the default scenario, with spawned seeds, keeping the last quarter."""
    params = load_scenario("concept_note_2015").params
    point = Point(0, "concept_note_2015", params, {})
    return Design("bench", [point], runs, replicate_seeds(seed, runs), {"bench": seed}, keep="final")


def sweep(d: Design, ex: Execution, workers: int) -> dict[str, float]:
    """Run ``d`` into a fresh store on ``ex``: wall and steady-state rates, the parent's CPU per run."""
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore.open(Path(tmp), {"design": d.manifest})
        arrivals: list[float] = []
        seconds: list[float] = []  # of each run, as its worker measured it

        def on_result(r: Any) -> None:
            arrivals.append(time.perf_counter())
            seconds.append(r.seconds)
            store.record(r)

        cpu0, t0 = time.process_time(), time.perf_counter()
        summary = execute(d.tasks(), on_result, ex, total=d.runs, run=FinalOnly())
        store.compact()
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    assert summary.failed == 0 and summary.done == d.runs
    k = min(2 * workers, len(arrivals) - 2)
    steady = (len(arrivals) - 1 - k) / (arrivals[-1] - arrivals[k])
    # the workers' own pace: what the steady rate would be if nothing but the runs took time
    ideal = workers / statistics.median(seconds[k:])
    return {
        "runs_per_s": d.runs / wall,
        "steady_runs_per_s": steady,
        "efficiency": steady / ideal,
        "parent_cpu_ms_per_run": 1e3 * cpu / d.runs,
    }


def reference(d: Design) -> float:
    """Seconds of one run in this process (the first task of ``d``)."""
    task = next(d.tasks())
    t0 = time.perf_counter()
    run_task(task, FinalOnly())
    return time.perf_counter() - t0


def bookkeeping(d: Design, n: int = 512) -> dict[str, float]:
    """What the parent spends per run besides waiting, each part measured alone (ms per run)."""
    task = next(d.tasks())
    final = run_task(task, FinalOnly())
    full = run_task(task)
    assert isinstance(final, RunOutput) and isinstance(full, RunOutput)
    out: dict[str, float] = {}
    for name, result in (("store.record, final quarter", final), ("store.record, whole series", full)):
        # as they arrive from a worker process: pickled there, unpickled here (not timed here)
        outputs = [
            pickle.loads(pickle.dumps(RunOutput(i, 0, "p", i, 1, result.timeseries, 0.01))) for i in range(n)
        ]
        with tempfile.TemporaryDirectory() as tmp:
            store = RunStore.open(Path(tmp), {"design": {"bench": name}})
            t0 = time.perf_counter()
            for r in outputs:
                store.record(r)
            store.compact()
            out[name] = 1e3 * (time.perf_counter() - t0) / n
    t0 = time.perf_counter()  # the parent pickles each task and unpickles each result
    for _ in range(n):
        pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
    out["pickling a task"] = 1e3 * (time.perf_counter() - t0) / n
    blob = pickle.dumps(final, protocol=pickle.HIGHEST_PROTOCOL)
    t0 = time.perf_counter()
    for _ in range(n):
        pickle.loads(blob)
    out["unpickling a result"] = 1e3 * (time.perf_counter() - t0) / n
    tiny = Design("loop", d.points, 4 * n, replicate_seeds(1, 4 * n), {"loop": 1}, keep="final")
    t0 = time.perf_counter()
    execute(tiny.tasks(), lambda r: None, Execution(executor=InProcess(), progress=False), run=_nothing)
    out["task loop (execute)"] = 1e3 * (time.perf_counter() - t0) / tiny.runs
    return out


_EMPTY: list[Any] = []


def _nothing(task: Any) -> Any:
    """A run that does nothing (one frame, made once), to time the task loop alone."""
    if not _EMPTY:
        import pandas as pd

        _EMPTY.append(pd.DataFrame({"quarter": ["2016Q1"]}))
    return _EMPTY[0]


Configs = dict[str, tuple[Callable[[], contextlib.AbstractContextManager[Execution]], int]]


@contextlib.contextmanager
def local(workers: int, batch: int | None = None) -> Iterator[Execution]:
    """The local settings (the pool starts inside the measurement: its start-up counts)."""
    yield Execution(workers=workers, progress=False, batch=batch)


@contextlib.contextmanager
def dask_cluster(batch: int | None = None) -> Iterator[Execution]:
    """A Dask LocalCluster of 2 single-threaded worker processes, started before the measurement.

    It is started and closed around each measurement, so that its scheduler (which runs in this process)
    does not add its background CPU to the parent's CPU of the other configurations.
    """
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        yield Execution(executor=client.get_executor(), workers=2, progress=False, batch=batch)
    finally:
        client.close()
        cluster.close()


def configurations(no_dask: bool) -> Configs:
    """name -> (how to open its execution, workers)."""
    configs: Configs = {
        "1 worker (this process)": (lambda: local(1), 1),
        "2 local workers": (lambda: local(2), 2),
        "2 local, 1 run a task": (lambda: local(2, batch=1), 2),
    }
    if not no_dask:
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("(no dask[distributed]: the Dask measurement is left out)")
        else:
            configs["Dask LocalCluster(2)"] = (dask_cluster, 2)
            configs["Dask, 1 run a task"] = (lambda: dask_cluster(batch=1), 2)
    return configs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=48)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    configs = configurations(args.no_dask)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in configs}
    refs: list[float] = []
    for rep in range(args.repeats):
        d = design(args.runs, seed=rep + 1)
        refs.append(reference(d))
        for name, (opened, workers) in configs.items():
            with opened() as ex:
                samples[name].append(sweep(d, ex, workers))
        print(f"repeat {rep + 1}/{args.repeats} done", flush=True)
    ref = statistics.median(refs)
    med = {
        name: {k: statistics.median(s[k] for s in runs) for k in runs[0]} for name, runs in samples.items()
    }
    one = med["1 worker (this process)"]["steady_runs_per_s"]
    print(f"\none run in this process: {1e3 * ref:.0f} ms (median of {len(refs)}); {args.runs} runs a sweep")
    print(f"{'':26s} {'runs/s':>8s} {'steady':>8s} {'vs 1':>6s} {'efficiency':>11s} {'parent CPU/run':>15s}")
    for name, m in med.items():
        print(
            f"{name:26s} {m['runs_per_s']:8.2f} {m['steady_runs_per_s']:8.2f}"
            f" {m['steady_runs_per_s'] / one:5.2f}x {m['efficiency']:10.0%}"
            f" {m['parent_cpu_ms_per_run']:12.2f} ms"
        )
    print(
        "(efficiency: the steady rate against workers / the median run time the workers measured; below 100%"
        "\n the pool, the parent or the scheduler costs time; a 'vs 1' short of 2x at ~100% means the runs"
        "\n themselves ran slower on 2 workers: the cores are shared, or busy)"
    )
    parts = bookkeeping(design(8))
    print("\nthe parent's bookkeeping per run, measured alone:")
    for name, ms in parts.items():
        print(f"  {name:32s} {ms:7.3f} ms")
    overhead = parts["store.record, final quarter"] + parts["pickling a task"]
    overhead += parts["unpickling a result"] + parts["task loop (execute)"]
    print(f"  {'total for a sweep run':32s} {overhead:7.3f} ms")

    rate = med["2 local workers"]["steady_runs_per_s"]
    params = load_scenario("concept_note_2015").params
    print(f"\nat {rate:.2f} runs/s (2 local workers, steady), the designs would take:")
    costs = {"sobol_12x1024x2": {"runs": SOBOL_RUNS, "minutes": SOBOL_RUNS / rate / 60}}
    sobol = "Sobol 12 factors, N=1024, 2 reps"
    print(f"  {sobol:34s} {SOBOL_RUNS:7,} runs: about {SOBOL_RUNS / rate / 60:6.1f} min")
    for path in sorted(SPEC_DIR.glob("*.toml")):
        spec = load_spec(path)
        runs = n_points(spec) * spec.replications
        n_firms = spec.base.params.population.n_firms
        # run time grows about linearly with the number of firms (benchmarks/bench_model.py)
        minutes = runs / rate * n_firms / params.population.n_firms / 60
        costs[spec.name] = {"runs": runs, "firms": n_firms, "minutes": minutes}
        print(f"  {spec.name + ' spec':34s} {runs:7,} runs of {n_firms:,} firms: about {minutes:6.1f} min")
    OUT.mkdir(exist_ok=True)
    result = {"reference_run_s": ref, "configurations": med, "bookkeeping_ms": parts, "projections": costs}
    (OUT / "sweep.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {OUT / 'sweep.json'}")


if __name__ == "__main__":
    main()

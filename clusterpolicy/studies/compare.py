"""Compare named scenarios over paired replications: intervals, differences, figures and a report.

Replicate ``r`` runs with the same seed in every scenario (common random numbers), seeds spawned from the
root seed with :class:`numpy.random.SeedSequence`. The first scenario is the reference; every other
scenario's difference to it is computed pair by pair (replicate by replicate), on the metrics' values in
the last quarter, with a Student-t 95 % interval.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.analysis.stats import mean_ci, paired_diff_ci
from clusterpolicy.inputs.scenario import Scenario, ScenarioError, load_scenario
from clusterpolicy.model.metrics import REPORTERS
from clusterpolicy.outputs.files import atomic_write
from clusterpolicy.runs.design import Point, replicate_seeds
from clusterpolicy.runs.execute import RunFn
from clusterpolicy.runs.store import run_design

SUMMARY_COLUMNS = [
    "scenario",
    "metric",
    "mean",
    "ci_low",
    "ci_high",
    "diff",
    "diff_ci_low",
    "diff_ci_high",
    "n",
]


@dataclass
class Comparison:
    """Everything a comparison produced."""

    scenarios: list[Scenario]
    seeds: list[int]
    summary: pd.DataFrame
    timeseries: pd.DataFrame
    failures: dict[int, str] = field(default_factory=dict)
    out: Path | None = None
    level: float = 0.95

    @property
    def reference(self) -> str:
        """Name of the reference scenario."""
        return self.scenarios[0].name

    @property
    def names(self) -> list[str]:
        """Scenario names in order."""
        return [s.name for s in self.scenarios]


def _resolve(scenarios: list[str | Path | Scenario], overrides: list[str] | None) -> list[Scenario]:
    out = [s if isinstance(s, Scenario) else load_scenario(s, overrides) for s in scenarios]
    if len(out) < 2:
        raise ScenarioError("compare", "give at least two scenarios (the first is the reference)")
    names = [s.name for s in out]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ScenarioError("compare", f"scenario {sorted(dup)[0]!r} given twice; give each once")
    return out


def design_for(scenarios: list[Scenario], seeds: list[int], root_seed: int) -> dict[str, Any]:
    """What a comparison asks for: the part of its manifest that must match to resume."""
    return {
        "kind": "compare",
        "scenarios": [{"name": s.name, "parameters": s.params.to_dict()} for s in scenarios],
        "root_seed": root_seed,
        "replications": len(seeds),
        "seeds": seeds,
    }


def summarise(
    finals: pd.DataFrame, names: list[str], metrics: list[str], level: float = 0.95
) -> pd.DataFrame:
    """Per scenario and metric: mean and interval over replicates, and the paired difference to the reference.

    The reference is ``names[0]``; its own difference is 0.

    Args:
        finals: one row per run with ``label``, ``replicate`` and the metric columns.
        names: scenario labels, the reference first.
        metrics: the metrics to summarise.
        level: confidence level.
    """
    rows = []
    wide = {
        m: finals.pivot_table(index="replicate", columns="label", values=m, dropna=False) for m in metrics
    }
    for name in names:
        for m in metrics:
            table = wide[m]
            x = table[name].to_numpy() if name in table else np.array([])
            ci = mean_ci(x, level)
            if name == names[0]:
                d = (0.0, 0.0, 0.0) if ci.n else (np.nan,) * 3
            else:
                ref = table[names[0]].to_numpy() if names[0] in table else np.full(len(x), np.nan)
                di = paired_diff_ci(x, ref, level)
                d = (di.mean, di.low, di.high)
            rows.append([name, m, ci.mean, ci.low, ci.high, *d, ci.n])
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def band_stats(ts: pd.DataFrame, metrics: list[str], level: float = 0.95) -> pd.DataFrame:
    """Per scenario and quarter: mean and Student-t interval half-width of each metric over replicates."""
    from scipy import stats

    g = ts.groupby(["label", "quarter"], sort=False)[metrics]
    mean, sd, n = g.mean(), g.std(ddof=1), g.count()
    t = pd.DataFrame(
        stats.t.ppf(0.5 + level / 2, np.maximum(n.to_numpy() - 1, 1)), index=n.index, columns=metrics
    )
    half = (t * sd / np.sqrt(n)).fillna(0.0)
    return pd.concat({"mean": mean, "half": half}, axis=1).reset_index()


def run_comparison(
    scenarios: list[str | Path | Scenario],
    replications: int = 30,
    seed: int = 1,
    workers: int | None = None,
    out: Path | str | None = None,
    overrides: list[str] | None = None,
    executor: Executor | None = None,
    progress: bool = True,
    run: RunFn | None = None,
    retry_failed: bool = False,
    report: bool = True,
    fresh: bool = False,
) -> Comparison:
    """Run (or resume) a comparison and, with ``out``, write its files.

    Output in ``out``: ``summary.csv``, ``timeseries.parquet``, ``timeseries.png``,
    ``differences.png`` and ``report.html``; the runs themselves are kept in ``out/store`` so that the
    same command on the same folder resumes instead of starting again (``fresh=True`` discards them).
    """
    resolved = _resolve(scenarios, overrides)
    if replications < 2:
        raise ScenarioError("--replications", f"{replications}: at least 2 (intervals need spread)")
    seeds = replicate_seeds(seed, replications)
    points = [Point(i, s.name, s.params, {}) for i, s in enumerate(resolved)]
    if out is not None:
        out = Path(out)
        if out.exists() and not out.is_dir():
            raise ScenarioError("--out", f"{str(out)!r} is a file; give a folder")
    ts, failures = run_design(
        points,
        seeds,
        design_for(resolved, seeds, seed),
        out,
        desc="compare",
        workers=workers,
        executor=executor,
        progress=progress,
        run=run,
        retry_failed=retry_failed,
        fresh=fresh,
    )
    metrics = [m for m in REPORTERS if m != "gdp"]
    if not len(ts):
        first = next(iter(failures.values()), "no runs")
        raise ScenarioError("compare", f"every run failed; the first: {first}")
    metrics = [m for m in metrics if m in ts.columns]
    finals = ts.groupby("run_id", sort=True).tail(1) if len(ts) else ts
    summary = summarise(finals, [s.name for s in resolved], metrics)
    comp = Comparison(resolved, seeds, summary, ts, failures, out)
    if out is not None:
        write_outputs(comp, report=report)
    return comp


def write_outputs(comp: Comparison, report: bool = True) -> None:
    """Write summary.csv, timeseries.parquet, the figures and report.html into ``comp.out``."""
    from clusterpolicy.outputs import plots
    from clusterpolicy.outputs.report import comparison_report

    out = comp.out
    assert out is not None
    atomic_write(out / "summary.csv", lambda p: comp.summary.to_csv(p, index=False))
    atomic_write(out / "timeseries.parquet", lambda p: comp.timeseries.to_parquet(p, index=False))
    if not len(comp.timeseries):
        return
    bands = band_stats(comp.timeseries, [m for m in comp.summary["metric"].unique()])
    plots.save(plots.bands_figure(bands, comp.names), out / "timeseries.png")
    plots.save(plots.differences_figure(comp.summary, comp.reference), out / "differences.png")
    if report:
        atomic_write(
            out / "report.html", lambda p: p.write_text(comparison_report(comp, bands), encoding="utf-8")
        )


def compare(
    scenarios: list[str | Path | Scenario],
    replications: int = 30,
    seed: int = 1,
    workers: int | None = None,
    out: Path | str | None = None,
    overrides: list[str] | None = None,
    executor: Executor | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Compare scenarios over paired replications and return the summary table.

    Args:
        scenarios: names (in ``scenarios/``), paths, or loaded scenarios; the first is the reference.
        replications: replicates per scenario; replicate r has the same seed in every scenario.
        seed: root seed from which the replicate seeds are spawned.
        workers: worker processes (default: all cores; 1 runs in this process).
        out: folder for the files and the resumable run store (default: write nothing).
        overrides: ``["policy.x=1", ...]`` applied to every scenario.
        executor: any ``concurrent.futures.Executor`` instead of the local pool.
        progress: show a progress bar.

    Returns:
        One row per scenario and metric: ``scenario, metric, mean, ci_low, ci_high, diff, diff_ci_low,
        diff_ci_high, n`` (last-quarter values; differences paired over replicates; 95 % intervals).
    """
    return run_comparison(scenarios, replications, seed, workers, out, overrides, executor, progress).summary

"""One scenario, one seed: run it and write ``timeseries.csv``, ``summary.json`` and ``overview.png``."""

from __future__ import annotations

from pathlib import Path

from clusterpolicy.inputs.scenario import Scenario
from clusterpolicy.outputs.files import atomic_write, write_json
from clusterpolicy.outputs.plots import overview_figure, save
from clusterpolicy.outputs.present import HEADLINE, fmt, label
from clusterpolicy.outputs.provenance import provenance
from clusterpolicy.runs.runner import run_one


def headline_table(ts, metrics=HEADLINE) -> str:  # type: ignore[no-untyped-def]
    """A short text table of headline metrics at the end of a few years."""
    q4 = [i for i, q in enumerate(ts["quarter"]) if q.endswith("Q4")]
    picks = sorted({q4[0], *q4[2::2], len(ts) - 1}) if q4 else [len(ts) - 1]
    cols = [ts["quarter"].iloc[i] for i in picks]
    width = 40
    lines = [f"{'':{width}}" + "".join(f"{c:>12}" for c in cols)]
    for m in metrics:
        cells = "".join(f"{fmt(m, ts[m].iloc[i]):>12}" for i in picks)
        lines.append(f"{label(m)[: width - 1]:{width}}{cells}")
    return "\n".join(lines)


def run_and_write(scenario: Scenario, seed: int, out: Path) -> str:
    """Run, write the three files atomically, and return the text to print."""
    result = run_one(scenario.params, seed)
    ts = result.timeseries
    summary = {
        "scenario": scenario.name,
        "seed": seed,
        "metrics": result.final,
        "parameters": scenario.params.to_dict(),
        "overrides": scenario.overrides,
        "provenance": provenance(),
    }
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "timeseries.csv", lambda p: ts.to_csv(p, index=False))
    write_json(out / "summary.json", summary)
    title = f"{scenario.name} (seed {seed})"
    save(overview_figure(ts, title), out / "overview.png")
    span = f"{ts['quarter'].iloc[0]}-{ts['quarter'].iloc[-1]}"
    head = f"{scenario.name}, seed {seed}: {span} ({len(ts)} quarters) in {{elapsed}}"
    files = ", ".join(("timeseries.csv", "summary.json", "overview.png"))
    return f"{head}\n\n{headline_table(ts)}\n\nwrote {out}/ ({files})"

"""What one run shows: a short table of headline outcomes, an overview figure, and its three files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from clusterpolicy.inputs.scenario import Scenario
from clusterpolicy.outputs import i18n
from clusterpolicy.outputs.figures import localise_ticks, render, xticks
from clusterpolicy.outputs.files import write_bytes, write_csv, write_json
from clusterpolicy.outputs.format import HEADLINE, axis_label, fmt, label, scale
from clusterpolicy.outputs.provenance import provenance
from clusterpolicy.runs.runner import RunResult

FILES = ("timeseries.csv", "summary.json", "overview.png")

# (the panel's title as a message of outputs.i18n, its outcomes)
OVERVIEW_PANELS = (
    ("run_panel_orgs", ("spearheads_active", "ibns_active", "organisations_alive")),
    ("run_panel_members", ("members", "members_sme", "members_spearhead")),
    ("run_panel_sme", ("sme_member_share", "sme_participation_rate", "sme_share_project_funding")),
    (
        "run_panel_projects",
        ("projects_individual_funded_total", "projects_privileged_funded_total", "projects_ibn_funded_total"),
    ),
    ("run_panel_rejected", ("proposals_rejected_budget_total", "proposals_crowded_out_total")),
    ("run_panel_money", ("public_operating_spend_total", "private_cofinancing_total", "eu_funding_total")),
    ("run_panel_lost", ("grants_lapsed_total", "clusters_dissolved_total")),
    ("run_panel_rd", ("rd_intensity",)),
)

# where the overview's 2 x 4 panels sit (fractions of the 17 x 7.5 in figure): room on the left of each
# panel for its unit and tick labels of up to six characters (35.000), above it for its title, and on top
# for the figure's title
OVERVIEW_GRID = {"left": 0.042, "right": 0.995, "bottom": 0.035, "top": 0.925, "wspace": 0.22, "hspace": 0.17}


def headline_table(ts: pd.DataFrame, metrics: tuple[str, ...] = HEADLINE, lang: str = "en") -> str:
    """A short text table of headline metrics at the end of a few years."""
    q4 = [i for i, q in enumerate(ts["quarter"]) if q.endswith("Q4")]
    picks = sorted({q4[0], *q4[2::2], len(ts) - 1}) if q4 else [len(ts) - 1]
    cols = [ts["quarter"].iloc[i] for i in picks]
    width = 40
    lines = [f"{'':{width}}" + "".join(f"{c:>12}" for c in cols)]
    for m in metrics:
        cells = "".join(f"{fmt(m, ts[m].iloc[i], lang=lang):>12}" for i in picks)
        lines.append(f"{label(m, lang)[: width - 1]:{width}}{cells}")
    return "\n".join(lines)


def overview_figure(ts: pd.DataFrame, title: str, lang: str = "en") -> Figure:
    """A grid of the main metrics of one run over time.

    A plain Matplotlib figure, not one of pyplot's: pyplot takes a quarter of a second more to import.
    Its panels sit at fixed positions (:data:`OVERVIEW_GRID`), not where a layout engine puts them: the
    constrained layout measured every text of the figure in several passes and nearly doubled the time
    of drawing it, and the panels' texts are always the same few words and short numbers.
    """
    fig = Figure(figsize=(17, 7.5))
    axes = fig.subplots(2, 4, gridspec_kw=OVERVIEW_GRID)
    quarters = list(ts["quarter"])
    x = range(len(ts))
    for ax, (panel, metrics) in zip(axes.flat, OVERVIEW_PANELS, strict=True):
        for m in metrics:
            if m in ts:
                ax.plot(x, ts[m] * scale(m), label=label(m, lang)[:48])
        # y given: the title is not moved above tick labels on top (there are none), which costs a draw
        ax.set_title(i18n.text(panel, lang), fontsize=10, y=1.0)
        ax.set_ylabel(axis_label(metrics[0], lang=lang), fontsize=8)
        ax.tick_params(labelsize=8)
        xticks(ax, quarters)
        localise_ticks(ax, lang, x=False)
        ax.grid(alpha=0.3)
        if len(metrics) > 1:
            ax.legend(fontsize=7, loc="best")
    fig.suptitle(title, fontsize=12)
    return fig


def write(scenario: Scenario, result: RunResult, out: Path, lang: str = "en") -> list[str]:
    """Write ``timeseries.csv``, ``summary.json`` and ``overview.png`` into ``out``; return the names.

    ``lang`` is the language of the figure (``en`` or ``nl``).
    """
    ts = result.timeseries
    summary = {
        "scenario": scenario.name,
        "seed": result.seed,
        "metrics": result.final,
        "parameters": scenario.params.to_dict(),
        "overrides": scenario.overrides,
        "provenance": provenance(),
    }
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "timeseries.csv", ts)
    write_json(out / "summary.json", summary)
    title = i18n.text("run_title", lang, scenario=i18n.scenario_label(scenario.name, lang), seed=result.seed)
    write_bytes(out / "overview.png", render(overview_figure(ts, title, lang)))
    return list(FILES)


def run_text(scenario: Scenario, result: RunResult, out: Path, seconds: float) -> str:
    """What ``clusterpolicy run`` prints: the span, the headline table and the files."""
    ts = result.timeseries
    span = f"{ts['quarter'].iloc[0]}-{ts['quarter'].iloc[-1]}"
    head = f"{scenario.name}, seed {result.seed}: {span} ({len(ts)} quarters) in {seconds:.1f} s"
    return f"{head}\n\n{headline_table(ts)}\n\nwrote {out}/ ({', '.join(FILES)})"

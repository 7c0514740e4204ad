"""What one run shows: a short table of headline outcomes, an overview figure, and its three files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from clusterpolicy.inputs.scenario import Scenario
from clusterpolicy.outputs import i18n
from clusterpolicy.outputs.files import write_bytes, write_csv, write_json
from clusterpolicy.outputs.format import HEADLINE, axis_label, fmt, label, scale
from clusterpolicy.outputs.provenance import provenance
from clusterpolicy.runs.runner import RunResult

if TYPE_CHECKING:  # Matplotlib is imported where a figure is drawn (maybe in a second process)
    import pandas as pd
    from matplotlib.figure import Figure

    from clusterpolicy.outputs.figure_process import FigureProcess
    from clusterpolicy.outputs.run_figure import Overview

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


def overview_spec(ts: pd.DataFrame, title: str, lang: str = "en") -> Overview:
    """What the overview figure of one run shows (:data:`OVERVIEW_PANELS`), labelled and scaled."""
    from clusterpolicy.outputs.run_figure import Overview, Panel

    panels = tuple(
        Panel(
            title=i18n.text(panel, lang),
            unit=axis_label(metrics[0], lang=lang),
            lines=tuple((label(m, lang)[:48], (ts[m] * scale(m)).to_numpy()) for m in metrics if m in ts),
            legend=len(metrics) > 1,
        )
        for panel, metrics in OVERVIEW_PANELS
    )
    return Overview(title=title, quarters=tuple(ts["quarter"]), panels=panels, lang=lang)


def overview_figure(ts: pd.DataFrame, title: str, lang: str = "en") -> Figure:
    """A grid of the main metrics of one run over time (:func:`clusterpolicy.outputs.run_figure.draw`)."""
    from clusterpolicy.outputs.run_figure import draw

    return draw(overview_spec(ts, title, lang))


def write(
    scenario: Scenario,
    result: RunResult,
    out: Path,
    lang: str = "en",
    *,
    figures: FigureProcess | None = None,
) -> list[str]:
    """Write ``timeseries.csv``, ``summary.json`` and ``overview.png`` into ``out``; return the names.

    ``lang`` is the language of the figure (``en`` or ``nl``). With ``figures`` (a second process,
    :mod:`clusterpolicy.outputs.figure_process`), the figure is drawn there while the two other files
    are written here; the bytes are the same.
    """
    from clusterpolicy.outputs import run_figure

    ts = result.timeseries
    title = i18n.text("run_title", lang, scenario=i18n.scenario_label(scenario.name, lang), seed=result.seed)
    overview = overview_spec(ts, title, lang)
    if figures is not None:
        figures.submit(run_figure.png, overview)
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
    png = figures.result() if figures is not None else run_figure.png(overview)
    write_bytes(out / "overview.png", png)
    return list(FILES)


def run_text(scenario: Scenario, result: RunResult, out: Path, seconds: float) -> str:
    """What ``clusterpolicy run`` prints: the span, the headline table and the files."""
    ts = result.timeseries
    span = f"{ts['quarter'].iloc[0]}-{ts['quarter'].iloc[-1]}"
    head = f"{scenario.name}, seed {result.seed}: {span} ({len(ts)} quarters) in {seconds:.1f} s"
    return f"{head}\n\n{headline_table(ts)}\n\nwrote {out}/ ({', '.join(FILES)})"

"""Figures: the overview of one run, and (for many runs) time series with bands and differences."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from experiments.io import atomic_write
from experiments.present import label, scale, unit_label

OVERVIEW_PANELS = (
    ("Cluster organisations", ("spearheads_active", "ibns_active", "organisations_alive")),
    ("Members", ("members_total", "members_sme", "members_spearhead")),
    ("SME involvement", ("sme_member_share", "sme_participation_rate", "sme_share_project_funding")),
    (
        "Projects funded (cumulative)",
        ("projects_individual_funded_total", "projects_privileged_funded_total", "projects_ibn_funded_total"),
    ),
    (
        "Proposals turned down (cumulative)",
        ("proposals_rejected_budget_total", "proposals_crowded_out_total"),
    ),
    (
        "Money (cumulative)",
        ("public_operating_spend_total", "private_cofinancing_total", "eu_funding_total"),
    ),
    ("Clusters lost (cumulative)", ("grants_lapsed_total", "clusters_dissolved_total")),
    ("R&D intensity", ("rd_intensity",)),
)


def _xticks(ax: plt.Axes, quarters: list[str]) -> None:
    idx = [i for i, q in enumerate(quarters) if q.endswith("Q1")]
    step = max(1, len(idx) // 5)
    ax.set_xticks(idx[::step], [quarters[i][:4] for i in idx[::step]])


def overview_figure(ts: pd.DataFrame, title: str) -> plt.Figure:
    """A grid of the main metrics of one run over time."""
    fig, axes = plt.subplots(2, 4, figsize=(17, 7.5), constrained_layout=True)
    quarters = list(ts["quarter"])
    for ax, (panel, metrics) in zip(axes.flat, OVERVIEW_PANELS, strict=True):
        for m in metrics:
            if m in ts:
                ax.plot(range(len(ts)), ts[m] * scale(m), label=label(m)[:48])
        ax.set_title(panel, fontsize=10)
        ax.set_ylabel(unit_label(metrics[0]), fontsize=8)
        ax.tick_params(labelsize=8)
        _xticks(ax, quarters)
        ax.grid(alpha=0.3)
        if len(metrics) > 1:
            ax.legend(fontsize=7, loc="best")
    fig.suptitle(title, fontsize=12)
    return fig


def save(fig: plt.Figure, path: Path, dpi: int = 110) -> None:
    """Save a figure atomically and close it."""
    atomic_write(Path(path), lambda p: fig.savefig(p, dpi=dpi, format=Path(path).suffix.lstrip(".")))
    plt.close(fig)

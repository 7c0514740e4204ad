"""Figures: the overview of one run, and (for many runs) time series with bands and differences."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from clusterpolicy.outputs.files import atomic_write
from clusterpolicy.outputs.present import label, scale, unit_label

OVERVIEW_PANELS = (
    ("Cluster organisations", ("spearheads_active", "ibns_active", "organisations_alive")),
    ("Members", ("members", "members_sme", "members_spearhead")),
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


def bands_figure(bands: pd.DataFrame, names: list[str], metrics=None) -> plt.Figure:  # type: ignore[no-untyped-def]
    """Headline metrics over time: each scenario's mean over replicates with its 95 % band."""
    from clusterpolicy.outputs.present import HEADLINE

    metrics = [m for m in (metrics or HEADLINE) if ("mean", m) in bands.columns]
    cols = 4
    rows = -(-len(metrics) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.3 * cols, 2.9 * rows), constrained_layout=True, squeeze=False
    )
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, m in zip(axes.flat, metrics, strict=False):
        for i, name in enumerate(names):
            d = bands[bands["label"] == name]
            if d.empty:
                continue
            x = range(len(d))
            mean, half = d[("mean", m)].to_numpy() * scale(m), d[("half", m)].to_numpy() * scale(m)
            c = colors[i % len(colors)]
            ax.plot(x, mean, color=c, label=name, lw=1.4)
            ax.fill_between(x, mean - half, mean + half, color=c, alpha=0.2, lw=0)
            _xticks(ax, list(d["quarter"]))
        ax.set_title(label(m), fontsize=9)
        ax.set_ylabel(unit_label(m), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(names), 4), fontsize=9)
    fig.suptitle("Mean over replications with 95 % intervals", fontsize=11)
    return fig


def differences_figure(summary: pd.DataFrame, reference: str, metrics=None) -> plt.Figure:  # type: ignore[no-untyped-def]
    """Each scenario's paired difference to the reference, as % of the reference mean, with 95 % intervals."""
    from clusterpolicy.outputs.present import HEADLINE

    metrics = [m for m in (metrics or HEADLINE) if m in set(summary["metric"])]
    others = [s for s in summary["scenario"].unique() if s != reference]
    fig, axes = plt.subplots(
        1,
        max(1, len(others)),
        figsize=(5.2 * max(1, len(others)), 0.42 * len(metrics) + 1.6),
        constrained_layout=True,
        squeeze=False,
        sharey=True,
    )
    ref = summary[summary["scenario"] == reference].set_index("metric")
    y = list(range(len(metrics)))[::-1]
    for ax, name in zip(axes.flat, others, strict=False):
        d = summary[summary["scenario"] == name].set_index("metric")
        for yi, m in zip(y, metrics, strict=True):
            base = abs(ref.loc[m, "mean"])
            if not base or not np.isfinite(base):
                continue
            lo, mid, hi = (100 * d.loc[m, k] / base for k in ("diff_ci_low", "diff", "diff_ci_high"))
            clear = lo > 0 or hi < 0
            ax.plot([lo, hi], [yi, yi], color="C3" if clear else "0.6", lw=2)
            ax.plot([mid], [yi], "o", color="C3" if clear else "0.45", ms=4)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_title(f"{name} − {reference}", fontsize=10)
        ax.set_xlabel("difference, % of the reference mean", fontsize=8)
        ax.grid(alpha=0.3, axis="x")
        ax.tick_params(labelsize=8)
    axes.flat[0].set_yticks(y, [label(m) for m in metrics])
    fig.suptitle("Paired differences to the reference (95 % intervals; red: clear at 95 %)", fontsize=11)
    return fig

"""What a validation shows: the table of targets against the model, a figure of them, and its files."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from clusterpolicy.analysis.validation import Validation
from clusterpolicy.inputs.targets import Target
from clusterpolicy.outputs.figures import legend_below, panels, render
from clusterpolicy.outputs.files import write_bytes, write_csv
from clusterpolicy.outputs.format import FORMATS, format_value

FILES = ("validation.csv", "replications.csv", "validation.png")


def target_text(t: Target, x: float, signed: bool = False) -> str:
    """A value in the target's unit."""
    return format_value(x, t.unit, signed)


def validation_text(v: Validation) -> str:
    """The terminal table: target, when, unit, observed (range), model mean [95 % CI], within, source."""
    rows = [("target", "when", "unit", "observed (range)", "model mean [95 % CI]", "within", "source")]
    for t, r in zip(v.targets.targets, v.table.itertuples(index=False), strict=True):
        obs = f"{target_text(t, t.value)} ({target_text(t, t.low)} to {target_text(t, t.high)})"
        model = f"{target_text(t, r.model_mean)} [{target_text(t, r.ci_low)}, {target_text(t, r.ci_high)}]"
        verdict = "yes" if r.within else "NO"
        name = t.id + ("" if t.fit else " (not fitted)")
        rows.append((name, t.when, t.unit, obs, model, verdict, t.source))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = ["  ".join(f"{c:<{w}}" for c, w in zip(r[:6], widths, strict=True)) + "  " + r[6] for r in rows]
    lines.insert(1, "-" * min(160, sum(widths) + 14))
    for t in v.skipped:
        lines.append(f"{t.id}: not computed ({t.when} lies outside the recorded period)")
    return "\n".join(lines)


def validation_figure(v: Validation) -> plt.Figure:
    """One panel per target: the observed range and value, each replication, the model mean and interval."""
    targets = v.targets.targets
    fig, axes = panels(len(targets), 4, 4.1, 2.6, constrained_layout=True)
    rng = np.random.default_rng(0)
    for ax, t, r in zip(axes, targets, v.table.itertuples(index=False), strict=True):
        factor = FORMATS[t.unit].scale
        ax.axhspan(t.low * factor, t.high * factor, color="0.85", lw=0, label="observed range")
        ax.axhline(t.value * factor, color="k", lw=1.2, label="observed")
        x = v.per_run[t.id].to_numpy(dtype=float) * factor
        x = x[np.isfinite(x)]
        ax.scatter(
            rng.uniform(-0.15, 0.15, len(x)), x, s=9, color="0.45", alpha=0.6, lw=0, label="replications"
        )
        color = "tab:green" if r.within else "tab:red"
        if math.isfinite(r.model_mean):
            ax.errorbar(
                [0.45],
                [r.model_mean * factor],
                yerr=[[(r.model_mean - r.ci_low) * factor], [(r.ci_high - r.model_mean) * factor]],
                fmt="o",
                color=color,
                capsize=4,
                label="model mean, 95 % CI",
            )
        ax.set_xlim(-0.6, 0.9)
        ax.set_xticks([])
        lo = min([t.low * factor, *(x if len(x) else [t.low * factor])])
        hi = max([t.high * factor, *(x if len(x) else [t.high * factor])])
        pad = 0.12 * (hi - lo or 1.0)
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_ylabel(FORMATS[t.unit].axis, fontsize=8)
        extra = "" if t.fit else ", not fitted"
        ax.set_title(f"{t.id} ({t.when}{extra})", fontsize=9, color="k" if r.within else "tab:red")
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3, axis="y")
    legend_below(fig, axes[0], 4)
    fig.suptitle(
        f"{v.scenario.name} against the record: {v.n_within} of {len(targets)} targets within range "
        f"({len(v.per_run)} replications; green: model mean within the observed range)",
        fontsize=11,
    )
    return fig


def write(v: Validation, out: Path | str) -> list[str]:
    """Write ``validation.csv``, ``replications.csv`` and ``validation.png``; return the names."""
    out = Path(out)
    table = v.table.copy()
    table.insert(0, "scenario", v.scenario.name)
    write_csv(out / "validation.csv", table)
    per = v.per_run.copy()
    per.insert(0, "seed", [v.seeds[int(i)] for i in per.index])
    write_csv(out / "replications.csv", per, index=True)
    write_bytes(out / "validation.png", render(validation_figure(v)))
    return list(FILES)

"""What a validation shows: in-sample fit and held-out performance apart, a figure, a report and files.

The terminal table fits in 120 columns: one row per target with a readable name, the observed value and
range, the model mean with its interval, and the verdict; fitted targets (what the calibration used) and
held-out targets (never seen by it) in two blocks, each with its count. The report adds, per target, what
it measures, its source and note, and a panel with the observed range and every replication.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from clusterpolicy.analysis.validation import Validation
from clusterpolicy.inputs.targets import Target
from clusterpolicy.outputs.figures import legend_below, panels, render
from clusterpolicy.outputs.files import write_bytes, write_csv, write_text
from clusterpolicy.outputs.format import FORMATS, format_value
from clusterpolicy.outputs.html import esc, img, page, table

FILES = ("validation.csv", "replications.csv", "validation.png", "report.html")
ROLE_WORDS = {
    "fit": "fitted (in-sample: the calibration used these)",
    "held_out": "held out (out-of-sample: declared before the fit, never seen by it)",
}
NAME_WIDTH = 36


def target_text(t: Target, x: float, signed: bool = False) -> str:
    """A value in the target's unit."""
    return format_value(x, t.unit, signed)


def readable(t: Target) -> str:
    """A short readable name of a target (its id in words)."""
    return t.id.replace("_", " ")


def _rows(v: Validation, role: str) -> list[tuple[Target, Any]]:
    return [
        (t, r)
        for t, r in zip(v.targets.targets, v.table.itertuples(index=False), strict=True)
        if t.role == role
    ]


def counts(v: Validation) -> dict[str, tuple[int, int]]:
    """Per role: (targets within range, targets)."""
    return {
        role: (sum(bool(r.within) for _, r in rows), len(rows))
        for role in ROLE_WORDS
        if (rows := _rows(v, role))
    }


def validation_text(v: Validation, width: int = 120) -> str:
    """The terminal table, fitted and held-out targets apart, within ``width`` columns."""
    blocks = []
    for role, words in ROLE_WORDS.items():
        rows = _rows(v, role)
        if not rows:
            continue
        cells = [
            (
                readable(t),
                f"{target_text(t, t.value)} ({target_text(t, t.low)} to {target_text(t, t.high)})",
                f"{target_text(t, r.model_mean)} [{target_text(t, r.ci_low)}, {target_text(t, r.ci_high)}]",
                "yes" if r.within else "NO",
            )
            for t, r in rows
        ]
        w_obs = max(len("observed (range)"), *(len(c[1]) for c in cells))
        w_mod = max(len("model mean [95 % CI]"), *(len(c[2]) for c in cells))
        w_name = max(12, min(NAME_WIDTH, width - w_obs - w_mod - 14))
        n_in = sum(c[3] == "yes" for c in cells)
        lines = [f"{words}: {n_in} of {len(rows)} within range"]
        lines.append(
            f"  {'target':{w_name}}  {'observed (range)':>{w_obs}}  {'model mean [95 % CI]':>{w_mod}}  within"
        )
        for name, obs, model, verdict in cells:
            name = name if len(name) <= w_name else name[: w_name - 1] + "…"
            lines.append(f"  {name:{w_name}}  {obs:>{w_obs}}  {model:>{w_mod}}  {verdict}")
        blocks.append("\n".join(lines))
    text = "\n\n".join(blocks)
    for t in v.skipped:
        text += f"\n{readable(t)}: not computed ({t.when} lies outside the recorded period)"
    return text


def summary_sentence(v: Validation) -> str:
    """One sentence: how many fitted and held-out targets hold."""
    c = counts(v)
    parts = []
    if "fit" in c:
        parts.append(f"{c['fit'][0]} of {c['fit'][1]} fitted targets")
    if "held_out" in c:
        parts.append(f"{c['held_out'][0]} of {c['held_out'][1]} held-out patterns")
    return f"{v.scenario.name} reproduces " + " and ".join(parts) + " (model mean within the range)."


def validation_figure(v: Validation, role: str | None = None) -> plt.Figure:
    """One panel per target: the observed range and value, each replication, the model mean and interval."""
    pairs = [
        (t, r)
        for t, r in zip(v.targets.targets, v.table.itertuples(index=False), strict=True)
        if role is None or t.role == role
    ]
    fig, axes = panels(max(1, len(pairs)), 4, 4.1, 2.6, constrained_layout=True)
    rng = np.random.default_rng(0)
    for ax, (t, r) in zip(axes, pairs, strict=False):
        factor = FORMATS[t.unit].scale
        ax.axhspan(t.low * factor, t.high * factor, color="0.85", lw=0, label="observed range")
        ax.axhline(t.value * factor, color="k", lw=1.2, label="observed")
        x = v.per_run[t.id].to_numpy(dtype=float) * factor
        x = x[np.isfinite(x)]
        ax.scatter(
            rng.uniform(-0.15, 0.15, len(x)), x, s=9, color="0.45", alpha=0.6, lw=0, label="replications"
        )
        color = "tab:green" if r.within else "tab:red"
        mean, lo_ci, hi_ci = r.model_mean, r.ci_low, r.ci_high
        if math.isfinite(mean):
            yerr = [[(mean - lo_ci) * factor], [(hi_ci - mean) * factor]] if math.isfinite(lo_ci) else None
            ax.errorbar(
                [0.45],
                [mean * factor],
                yerr=yerr,
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
        tag = "" if t.fit else " [held out]"
        ax.set_title(f"{readable(t)}{tag}", fontsize=9, color="k" if r.within else "tab:red")
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3, axis="y")
    for ax in axes[len(pairs) :]:
        ax.set_visible(False)
    legend_below(fig, axes[0], 4)
    c = counts(v)
    bits = [f"{a} of {b} {'fitted' if k == 'fit' else 'held-out'}" for k, (a, b) in c.items()]
    fig.suptitle(
        f"{v.scenario.name} against the record: {', '.join(bits)} within range "
        f"({len(v.per_run)} replications; green: model mean within the observed range)",
        fontsize=11,
    )
    return fig


def report(v: Validation, figs: dict[str, bytes]) -> str:
    """The validation report: the answer first, then each target and its source, fitted and held out apart."""
    body = [
        f"<h1>Validation of <code>{esc(v.scenario.name)}</code> against the Flemish record</h1>",
        f'<p class="lead">{esc(summary_sentence(v))}</p>',
        "<h2>How to read this</h2>",
        "<p>Each target is a fact of the public record with a range that counts as reproducing it. "
        "<b>Fitted</b> targets were used to calibrate the behavioural assumptions (in-sample: meeting "
        "them shows the calibration worked, not that the model is right). <b>Held-out</b> targets were "
        "declared before the fit and never seen by it (out-of-sample: the test of the model). Among them "
        "are evaluation studies replicated on the model's firms: the same difference-in-differences of "
        "members against matched non-members that the published studies ran. A target holds when the "
        f"model mean over {len(v.per_run)} replications lies in the range; the dots show every "
        "replication.</p>",
    ]
    for role, words in ROLE_WORDS.items():
        rows = _rows(v, role)
        if not rows:
            continue
        n_in = sum(bool(r.within) for _, r in rows)
        body.append(f"<h2>{esc(words[:1].upper() + words[1:])}: {n_in} of {len(rows)} within range</h2>")
        body.append(img(figs[f"validation_{role}.png"], f"{role} targets"))
        cells = []
        for t, r in rows:
            obs = f"{target_text(t, t.value)} ({target_text(t, t.low)} to {target_text(t, t.high)})"
            model = (
                f"{target_text(t, r.model_mean)} [{target_text(t, r.ci_low)}, {target_text(t, r.ci_high)}]"
            )
            verdict = "yes" if r.within else "<b>no</b>"
            cells.append(
                [
                    esc(t.what) + f"<br><small>{esc(t.when)}</small>",
                    f'<span style="white-space:nowrap">{esc(obs)}</span>',
                    f'<span style="white-space:nowrap">{esc(model)}</span>',
                    verdict,
                    esc(t.source) + (f"<br><small>{esc(t.note)}</small>" if t.note else ""),
                ]
            )
        body.append(
            table(
                ["target", "observed (range)", "model mean [95 % CI]", "within", "source and note"],
                cells,
                left=1,
            )
        )
    if v.skipped:
        body.append(
            "<p>Not computed (outside the recorded period): "
            + ", ".join(esc(readable(t)) for t in v.skipped)
            + ".</p>"
        )
    cf = (
        f", and its counterfactual <code>{esc(v.counterfactual.name)}</code> with the same seeds"
        if v.counterfactual
        else ""
    )
    body.append(
        f'<p class="meta">{len(v.per_run)} replications of <code>{esc(v.scenario.name)}</code>{cf}; '
        f"targets from <code>{esc(v.targets.path.name if v.targets.path else 'targets')}</code>.</p>"
    )
    return page(f"clusterpolicy validation: {v.scenario.name}", "\n".join(body))


def figures(v: Validation) -> dict[str, bytes]:
    """The figures, rendered once: all targets, and the fitted and held-out ones apart."""
    out = {"validation.png": render(validation_figure(v))}
    for role in ROLE_WORDS:
        if _rows(v, role):
            out[f"validation_{role}.png"] = render(validation_figure(v, role))
    return out


def write(v: Validation, out: Path | str) -> list[str]:
    """Write ``validation.csv``, ``replications.csv``, ``validation.png`` and ``report.html``."""
    out = Path(out)
    tbl = v.table.copy()
    tbl.insert(0, "scenario", v.scenario.name)
    write_csv(out / "validation.csv", tbl)
    per = v.per_run.copy()
    per.insert(0, "seed", [v.seeds[int(i)] for i in per.index])
    write_csv(out / "replications.csv", per, index=True)
    figs = figures(v)
    write_bytes(out / "validation.png", figs["validation.png"])
    write_text(out / "report.html", report(v, figs))
    return list(FILES)

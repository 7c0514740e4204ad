"""What a validation shows: in-sample fit and held-out performance apart, a figure, a report and files.

The terminal table fits in 120 columns: one row per target with a readable name, the observed value and
range, the model mean with its interval, and the verdict; fitted targets (what the calibration used) and
held-out targets (never seen by it) in two blocks, each with its count. The report (in English or Dutch)
opens with how to read it and, on its first screen, how many fitted and held-out targets hold and which
held-out ones the model misses, beside every target on one axis (each observed range scaled to 0-1);
below, per role, a table of the targets with what each measures, its source and note, and a panel per
target with the observed range and every replication.
"""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from clusterpolicy.analysis.validation import Validation, recorded_quarters
from clusterpolicy.inputs.targets import Target
from clusterpolicy.outputs import i18n
from clusterpolicy.outputs.figures import legend_below, localise_ticks, panels, render
from clusterpolicy.outputs.files import write_csv, write_figures, write_text
from clusterpolicy.outputs.format import FORMATS, NBSP, format_value
from clusterpolicy.outputs.html import answer, esc, img, nw, page, report_top, runs_html, table, wrap

FILES = ("validation.csv", "replications.csv", "validation.png", "validation_overview.png", "report.html")
# the overview figure: the axis shows each range as 0 to 1 and this much either side of it
OVERVIEW_REACH = 1.5
LABEL_WIDTH = 66
RANGE_IN_TEXT = re.compile(r"(?<=[\d%m)]) +to +(?=[-+€\d])")
ROLE_WORDS = {
    "fit": "fitted (in-sample: the calibration used these)",
    "held_out": "held out (out-of-sample: declared before the fit, never seen by it)",
}
NAME_WIDTH = 36


def target_text(t: Target, x: float, signed: bool = False, lang: str = "en") -> str:
    """A value in the target's unit."""
    return format_value(x, t.unit, signed, lang=lang)


def target_label(t: Target, lang: str = "en") -> str:
    """What a target measures, in ``lang`` (its ``what`` in the targets file)."""
    return i18n.phrase(t.what, lang)


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


def _t(message_id: str, lang: str, **fields: object) -> str:
    return i18n.text(message_id, lang, **fields)


def _range_text(t: Target, lang: str) -> str:
    low, high = target_text(t, t.low, lang=lang), target_text(t, t.high, lang=lang)
    return f"{low}{NBSP}{_t('to', lang)}{NBSP}{high}"


def validation_figure(v: Validation, role: str | None = None, lang: str = "en") -> plt.Figure:
    """One panel per target: the observed range and value, each replication, the model mean and interval."""
    pairs = [
        (t, r)
        for t, r in zip(v.targets.targets, v.table.itertuples(index=False), strict=True)
        if role is None or t.role == role
    ]
    fig, axes = panels(max(1, len(pairs)), 4, 4.1, 2.8, constrained_layout=True)
    rng = np.random.default_rng(0)
    for ax, (t, r) in zip(axes, pairs, strict=False):
        factor = FORMATS[t.unit].scale
        ax.axhspan(t.low * factor, t.high * factor, color="0.85", lw=0, label=_t("val_legend_range", lang))
        ax.axhline(t.value * factor, color="k", lw=1.2, label=_t("val_legend_observed", lang))
        x = v.per_run[t.id].to_numpy(dtype=float) * factor
        x = x[np.isfinite(x)]
        ax.scatter(
            rng.uniform(-0.15, 0.15, len(x)),
            x,
            s=9,
            color="0.45",
            alpha=0.6,
            lw=0,
            label=_t("val_legend_runs", lang),
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
                label=_t("val_legend_mean", lang),
            )
        ax.set_xlim(-0.6, 0.9)
        ax.set_xticks([])
        lo = min([t.low * factor, *(x if len(x) else [t.low * factor])])
        hi = max([t.high * factor, *(x if len(x) else [t.high * factor])])
        pad = 0.12 * (hi - lo or 1.0)
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_ylabel(i18n.axis(FORMATS[t.unit].axis, lang), fontsize=8)
        tag = "" if t.fit else f" [{_t('val_held_tag', lang)}]"
        title = textwrap.fill(target_label(t, lang) + tag, 44)
        ax.set_title(title, fontsize=7.5, color="k" if r.within else "tab:red")
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3, axis="y")
        localise_ticks(ax, lang, x=False)
    for ax in axes[len(pairs) :]:
        ax.set_visible(False)
    legend_below(fig, axes[0], 4)
    sc = i18n.scenario_label(v.scenario.name, lang)
    fig.suptitle(_t("val_panels_title", lang, scenario=sc), fontsize=11)
    return fig


def _position(t: Target, x: float) -> float:
    """``x`` in units of the target's range: 0 at its low end, 1 at its high end."""
    return (x - t.low) / (t.high - t.low)


def overview_figure(v: Validation, lang: str = "en") -> plt.Figure:
    """Every target on one axis: where the model mean and its interval lie within the observed range.

    Each range is scaled to run from 0 to 1, so that targets of any unit share the axis; a mean or an
    interval beyond :data:`OVERVIEW_REACH` range widths runs off the edge.
    """
    import matplotlib.pyplot as plt

    pairs = list(zip(v.targets.targets, v.table.itertuples(index=False), strict=True))
    groups = [(role, [(t, r) for t, r in pairs if t.role == role]) for role in ROLE_WORDS]
    groups = [(role, rows) for role, rows in groups if rows]
    labels = [textwrap.fill(target_label(t, lang), LABEL_WIDTH) for _, rows in groups for t, _ in rows]
    extra = sum(label.count("\n") for label in labels)
    height = 0.17 * len(labels) + 0.08 * extra + 0.3 * len(groups) + 0.8
    fig, ax = plt.subplots(figsize=(7.6, height), constrained_layout=True)
    lo, hi = -OVERVIEW_REACH, 1 + OVERVIEW_REACH
    ax.axvspan(0, 1, color="0.88", lw=0)
    y = 0.0
    ticks: list[float] = []
    for g, (role, rows) in enumerate(groups):
        if g:
            y += 0.4
            ax.axhline(y - 0.7, color="0.5", lw=0.6)
        ax.text(
            hi, y - 0.05, _t("val_fig_fit" if role == "fit" else "val_fig_held", lang),
            ha="right", va="center", fontsize=7, color="0.3", style="italic",
        )  # fmt: skip
        y += 1.0
        for t, r in rows:
            ticks.append(y)
            ax.plot([_position(t, t.value)] * 2, [y - 0.32, y + 0.32], color="k", lw=1.4)
            colour = "tab:green" if r.within else "tab:red"
            if math.isfinite(r.model_mean):
                a, b = (
                    (_position(t, r.ci_low), _position(t, r.ci_high))
                    if math.isfinite(r.ci_low)
                    else (math.nan, math.nan)
                )
                m = _position(t, r.model_mean)
                if math.isfinite(a):
                    ax.plot([max(a, lo), min(b, hi)], [y, y], color=colour, lw=1.6)
                ax.plot([min(max(m, lo), hi)], [y], "o", color=colour, ms=5, clip_on=False)
                if m < lo or m > hi:
                    ax.annotate(
                        target_text(t, r.model_mean, lang=lang),
                        (min(max(m, lo), hi), y),
                        xytext=(-5 if m > hi else 5, 0),
                        textcoords="offset points",
                        ha="right" if m > hi else "left",
                        va="center",
                        fontsize=6.5,
                        color=colour,
                    )
            y += 1.0
    ax.set_yticks(ticks, labels, fontsize=6.5)
    ax.set_ylim(y - 0.4, -0.6)
    ax.set_xlim(lo, hi)
    ax.set_xticks([lo, 0, 0.5, 1, hi])
    ax.set_xlabel(textwrap.fill(_t("val_fig_axis", lang), 80), fontsize=7)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(alpha=0.3, axis="x")
    localise_ticks(ax, lang, y=False)
    sc = i18n.scenario_label(v.scenario.name, lang)
    ax.set_title(_t("val_fig_title", lang, scenario=sc, n=len(v.per_run)), fontsize=9)
    return fig


# --------------------------------------------------------------------------------------------- report
def answer_html(v: Validation, lang: str = "en") -> str:
    """The first screen's sentences: fitted and held-out targets within range, and the held-out misses."""
    c = counts(v)
    parts = []
    if "fit" in c:
        k, n = c["fit"]
        parts.append(f"<p><b>{esc(_t('val_answer_fit', lang, k=k, n=n))}</b></p>")
    if "held_out" in c:
        k, n = c["held_out"]
        parts.append(f"<p><b>{esc(_t('val_answer_held', lang, k=k, n=n))}</b></p>")
        misses = [(t, r) for t, r in _rows(v, "held_out") if not r.within]
        if misses:  # by name only: their values are in the figure beside and in the table below
            names = "; ".join(esc(target_label(t, lang)) for t, _ in misses)
            parts.append(f"<p>{esc(_t('val_answer_misses', lang))} {names}.</p>")
        else:
            parts.append(f"<p>{esc(_t('val_answer_no_misses', lang))}</p>")
    else:
        parts.append(f"<p>{esc(_t('val_answer_no_held', lang))}</p>")
    if v.skipped:
        parts.append(f'<p class="muted">{esc(_t("val_answer_skipped", lang, n=len(v.skipped)))}</p>')
    return "".join(parts)


def _role_table(v: Validation, role: str, lang: str) -> str:
    cells = []
    for t, r in _rows(v, role):
        obs = f"{target_text(t, t.value, lang=lang)} ({_range_text(t, lang)})"
        lo, hi = target_text(t, r.ci_low, lang=lang), target_text(t, r.ci_high, lang=lang)
        ci = _t("every_run", lang) if lo == hi else f"{lo}{NBSP}{_t('to', lang)}{NBSP}{hi}"
        mean = target_text(t, r.model_mean, lang=lang)
        model = f"{mean} ({ci})" if math.isfinite(r.ci_low) else mean
        verdict = esc(_t("yes", lang)) if r.within else f'<b class="clear">{esc(_t("no", lang))}</b>'
        cells.append([esc(target_label(t, lang)), nw(t.when), nw(obs), nw(model), verdict])
    header = [esc(_t(k, lang)) for k in ("val_col_target", "val_col_when", "val_col_observed")]
    header += [esc(_t("val_col_model", lang)), esc(_t("val_col_within", lang))]
    return wrap(table(header, cells, left=2))


def _unbroken(text: str) -> str:
    """A text of the targets file with its intervals (``2.54 % to 3.65 %``) kept on one line."""
    return RANGE_IN_TEXT.sub(f"{NBSP}to{NBSP}", text)


def _sources(v: Validation, role: str, lang: str) -> str:
    items = "".join(
        f"<li>{esc(target_label(t, lang))}: {esc(_unbroken(t.source))}"
        + (f'<br><small class="muted">{esc(_unbroken(t.note))}</small>' if t.note else "")
        + "</li>"
        for t, _ in _rows(v, role)
    )
    return f"<details><summary>{esc(_t('val_sources', lang))}</summary><ul>{items}</ul></details>"


def report(v: Validation, figs: dict[str, bytes], lang: str = "en") -> str:
    """The validation report: how to read it, the answer beside one figure, then each target by role."""
    sc = i18n.scenario_label(v.scenario.name, lang)
    title = _t("val_title", lang, scenario=sc)
    quarters = recorded_quarters(v.scenario.params)
    fields = {
        "n": len(v.per_run),
        "scenario": sc,
        "first": quarters[0],
        "last": quarters[-1],
        "file": v.targets.path.name if v.targets.path else "targets",
    }
    meta = (
        _t("val_meta_cf", lang, counterfactual=i18n.scenario_label(v.counterfactual.name, lang), **fields)
        if v.counterfactual
        else _t("val_meta", lang, **fields)
    )
    body = report_top(title, esc(meta), len(v.failures), esc(_t("val_howto", lang)), lang)
    body += [
        answer(
            answer_html(v, lang),
            img(figs["validation_overview.png"], _t("val_fig_alt", lang)),
            esc(_t("val_fig_caption", lang)),
        ),
    ]
    for role in ROLE_WORDS:
        rows = _rows(v, role)
        if not rows:
            continue
        n_in = sum(bool(r.within) for _, r in rows)
        body.append(f"<h2>{esc(_t('val_section_' + role, lang, k=n_in, n=len(rows)))}</h2>")
        body.append(_role_table(v, role, lang))
        body.append(_sources(v, role, lang))
        body.append(
            f"<details><summary>{esc(_t('val_panels', lang))}</summary>"
            f"{img(figs[f'validation_{role}.png'], _t('val_panels', lang))}</details>"
        )
    if v.skipped:
        items = ", ".join(f"{target_label(t, lang)} ({t.when})" for t in v.skipped)
        body.append(f'<p class="muted">{esc(_t("val_skipped", lang, items=items))}</p>')
    body.append(runs_html(v.seeds, {int(k): e for k, e in v.failures.items()}, lang))
    return page(title, "\n".join(body), lang)


def figures(v: Validation, lang: str = "en") -> dict[str, bytes]:
    """The figures, rendered once: every target at a glance, every target's panel, and each role's panels."""
    out = {
        "validation_overview.png": render(overview_figure(v, lang)),
        "validation.png": render(validation_figure(v, lang=lang)),
    }
    for role in ROLE_WORDS:
        if _rows(v, role):
            out[f"validation_{role}.png"] = render(validation_figure(v, role, lang))
    return out


def write(v: Validation, out: Path | str, lang: str = "en") -> list[str]:
    """Write ``validation.csv``, ``replications.csv``, the figures and ``report.html`` (in ``lang``)."""
    out = Path(out)
    tbl = v.table.copy()
    tbl.insert(0, "scenario", v.scenario.name)
    write_csv(out / "validation.csv", tbl)
    per = v.per_run.copy()
    per.insert(0, "seed", [v.seeds[int(i)] for i in per.index])
    write_csv(out / "replications.csv", per, index=True)
    figs = figures(v, lang)
    write_figures(out, {k: figs[k] for k in ("validation.png", "validation_overview.png")})
    write_text(out / "report.html", report(v, figs, lang))
    return list(FILES)

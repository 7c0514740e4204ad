"""What a comparison shows: the terminal table, the figures and the HTML report, and the files.

The report answers on its first screen what changes against the reference, by how much and how sure:
a sentence per scenario on the outcomes policymakers ask about first (:data:`ANSWER`) beside one figure
of every headline outcome's paired difference (counts and money in % of the reference, shares in
percentage points). The detail follows once: the scenarios and what differs between them, the headline
table, the outcomes over time, every outcome (folded), then the method.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from clusterpolicy.analysis.comparison import (
    Comparison,
    band_stats,
    differing_parameters,
    is_clear,
)
from clusterpolicy.outputs import i18n
from clusterpolicy.outputs.figures import (
    interval,
    interval_limits,
    legend_below,
    localise_ticks,
    panels,
    render,
    xticks,
)
from clusterpolicy.outputs.files import write_csv, write_figures, write_parquet, write_text
from clusterpolicy.outputs.format import (
    HEADLINE,
    NBSP,
    axis_label,
    decimals_for,
    describe,
    difference_text,
    fmt,
    label,
    param_label,
    param_value,
    percent_text,
    plain_label,
    scale,
    unit_of,
    value_interval,
)
from clusterpolicy.outputs.html import answer, esc, img, nw, page, report_top, runs_html, table, wrap

FILES = ("summary.csv", "timeseries.parquet", "timeseries.png", "differences.png", "report.html")
# the outcomes the first screen's sentences are about: taking part, SMEs, projects, R&D
ANSWER = ("members", "sme_participation_rate", "projects_individual_funded_total", "business_rd")


def _t(message_id: str, lang: str, **fields: object) -> str:
    return i18n.text(message_id, lang, **fields)


def _name(comp: Comparison, name: str, lang: str) -> str:
    return i18n.scenario_label(name, lang)


# ------------------------------------------------------------------------------------------- terminal
def _plus_minus(m: str, row: pd.Series, lang: str) -> str:
    """``4.47% ± 0.03%``: a mean and its half-width, with the decimals the half-width needs."""
    mean, low, high = row["mean"], row["ci_low"], row["ci_high"]
    half = (high - low) / 2
    if not math.isfinite(half) or half <= 0:
        return fmt(m, mean, lang=lang)
    d = decimals_for(unit_of(m), half)
    return f"{fmt(m, mean, lang=lang, decimals=d)} ± {fmt(m, half, lang=lang, decimals=d)}"


def headline_text(comp: Comparison, lang: str = "en") -> str:
    """The terminal table: means with 95 % half-widths, then paired differences to the reference."""
    s = comp.summary.set_index(["scenario", "metric"])
    names = comp.names
    metrics = [m for m in HEADLINE if (names[0], m) in s.index]
    means = [[_plus_minus(m, s.loc[(n, m)], lang) for n in names] for m in metrics]
    diffs = [
        [
            f"{fmt(m, s.loc[(n, m)]['diff'], True, lang=lang)}{' *' if is_clear(s.loc[(n, m)]) else '  '}"
            for n in names[1:]
        ]
        for m in metrics
    ]
    head_mean, head_diff = _t("cmp_mean_half", lang), _t("cmp_difference_to", lang, reference=names[0])
    width = min(48, max(len(head_mean), len(head_diff), *(len(label(m, lang)) for m in metrics))) + 2
    col = max(20, *(len(n) for n in names), *(len(c) for row in means + diffs for c in row)) + 2
    lines = [f"{head_mean:{width}}" + "".join(f"{n:>{col}}" for n in names)]
    for m, cells in zip(metrics, means, strict=True):
        lines.append(f"{label(m, lang)[: width - 2]:{width}}" + "".join(f"{c:>{col}}" for c in cells))
    lines.append("")
    lines.append(f"{head_diff:{width}}" + "".join(f"{n:>{col}}" for n in names[1:]))
    for m, cells in zip(metrics, diffs, strict=True):
        lines.append(f"{label(m, lang)[: width - 2]:{width}}" + "".join(f"{c:>{col}}" for c in cells))
    lines.append(f"{'':{width}}{_t('cmp_star', lang)}")
    return "\n".join(lines)


# -------------------------------------------------------------------------------------------- figures
def _colours() -> list[str]:
    return list(plt.rcParams["axes.prop_cycle"].by_key()["color"])


def bands_figure(
    bands: pd.DataFrame, names: list[str], metrics: list[str] | None = None, lang: str = "en"
) -> plt.Figure:
    """Headline metrics over time: each scenario's mean over replicates with its 95 % band."""
    metrics = [m for m in (metrics or HEADLINE) if ("mean", m) in bands.columns]
    fig, axes = panels(len(metrics), 4, 4.3, 2.7, constrained_layout=True)
    colors = _colours()
    for ax, m in zip(axes, metrics, strict=True):
        k = scale(m)
        for i, name in enumerate(names):
            d = bands[bands["label"] == name]
            if d.empty:
                continue
            x = range(len(d))
            mean, half = d[("mean", m)].to_numpy() * k, d[("half", m)].to_numpy() * k
            c = colors[i % len(colors)]
            ax.plot(x, mean, color=c, label=i18n.scenario_label(name, lang), lw=1.4)
            ax.fill_between(x, mean - half, mean + half, color=c, alpha=0.2, lw=0)
            xticks(ax, list(d["quarter"]))
        ax.set_title(label(m, lang), fontsize=9)
        ax.set_ylabel(axis_label(m, lang=lang), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        localise_ticks(ax, lang, x=False)
    legend_below(fig, axes[0], min(len(names), 4), fontsize=9)
    fig.suptitle(_t("cmp_bands_title", lang), fontsize=11)
    return fig


def _relative(d: float, ref: float) -> float:
    return 100 * d / abs(ref) if ref and math.isfinite(ref) else float("nan")


def figure_groups(summary: pd.DataFrame, reference: str, metrics: list[str]) -> tuple[list[str], list[str]]:
    """The outcomes of the differences figure: (in % of the reference, in percentage points).

    Shares are compared in points; other outcomes in % of the reference's mean, which leaves out those
    whose reference mean is 0 (no % of nothing).
    """
    ref = summary[summary["scenario"] == reference].set_index("metric")["mean"]
    shares = [m for m in metrics if unit_of(m) == "share"]
    relative = [m for m in metrics if m not in shares and math.isfinite(_relative(1.0, ref.get(m, 0.0)))]
    return relative, shares


def differences_figure(
    summary: pd.DataFrame, reference: str, metrics: list[str] | None = None, lang: str = "en"
) -> plt.Figure:
    """Each scenario's paired difference to the reference with its 95 % interval, one row per outcome.

    Counts and money in % of the reference's mean (upper panel), shares in percentage points (lower
    panel); a filled dot is clear at 95 %, a hollow one is not. Each row ends with the differences in the
    outcome's own unit.
    """
    metrics = [m for m in (metrics or HEADLINE) if m in set(summary["metric"])]
    others = [s for s in summary["scenario"].unique() if s != reference]
    relative, shares = figure_groups(summary, reference, metrics)
    groups = [(g, kind) for g, kind in ((relative, "relative"), (shares, "points")) if g]
    rows = sum(len(g) for g, _ in groups) or 1
    fig, axes = plt.subplots(
        max(1, len(groups)),
        1,
        figsize=(6.6, 0.21 * rows * max(1.0, len(others) / 2) ** 0.5 + 0.75 * len(groups) + 0.5),
        height_ratios=[len(g) for g, _ in groups] or [1],
        constrained_layout=True,
        squeeze=False,
    )
    ref = summary[summary["scenario"] == reference].set_index("metric")
    by = {n: summary[summary["scenario"] == n].set_index("metric") for n in others}
    colors = _colours()
    step = 0.62 / max(1, len(others))
    for ax, (group, kind) in zip(axes[:, 0], groups, strict=True):
        y = list(range(len(group)))[::-1]
        cols = ("diff_ci_low", "diff", "diff_ci_high")
        points: dict[tuple[str, str], tuple[float, float, float]] = {}
        for name in others:
            for m in group:
                r = by[name].loc[m]
                if kind == "relative":
                    a3 = tuple(_relative(r[k], ref.loc[m, "mean"]) for k in cols)
                else:
                    a3 = tuple(100 * r[k] for k in cols)
                points[(name, m)] = (a3[0], a3[1], a3[2])
        limits = interval_limits(list(points.values()))
        texts = {(n, m): fmt(m, by[n].loc[m, "diff"], True, lang=lang) for n in others for m in group}
        offsets, x = [], 5.0
        for n in others:  # a column of numbers per scenario, as wide as its longest (about 4.3 pt a char)
            offsets.append(x)
            x += 4.3 * max(len(texts[(n, m)]) for m in group) + 8
        for i, name in enumerate(others):
            c = colors[(i + 1) % len(colors)]
            dy = (len(others) - 1) / 2 * step - i * step
            for yi, m in zip(y, group, strict=True):
                lo, mid, hi = points[(name, m)]
                if math.isfinite(mid):
                    clear = is_clear(by[name].loc[m])
                    interval(ax, yi + dy, lo, mid, hi, colour=c, filled=clear, limits=limits)
                ax.annotate(
                    texts[(name, m)],
                    (1.0, yi),
                    xycoords=("axes fraction", "data"),
                    xytext=(offsets[i], 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7,
                    color=c,
                )
        ax.set_xlim(*limits)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_yticks(y, [label(m, lang) for m in group], fontsize=8)
        ax.set_ylim(-0.6, len(group) - 0.4)
        key = "cmp_axis_relative" if kind == "relative" else "cmp_axis_points"
        ax.set_xlabel(_t(key, lang, reference=i18n.scenario_label(reference, lang)), fontsize=8)
        ax.grid(alpha=0.3, axis="x")
        ax.tick_params(axis="x", labelsize=7)
        localise_ticks(ax, lang, y=False)
    handles = [
        plt.Line2D(
            [0],
            [0],
            color=colors[(i + 1) % len(colors)],
            marker="o",
            lw=2,
            label=i18n.scenario_label(n, lang),
        )
        for i, n in enumerate(others)
    ]
    handles.append(
        plt.Line2D(
            [0], [0], color="0.4", marker="o", mfc="white", lw=2, alpha=0.6, label=_t("cmp_hollow", lang)
        )
    )
    fig.legend(
        handles=handles, loc="outside lower center", ncol=min(len(handles), 3), fontsize=8, frameon=False
    )
    fig.suptitle(_t("cmp_diff_title", lang, reference=i18n.scenario_label(reference, lang)), fontsize=10)
    return fig


def figures(comp: Comparison, lang: str = "en") -> dict[str, bytes]:
    """The comparison's figures, rendered once: ``timeseries.png`` and ``differences.png``."""
    bands = band_stats(comp.timeseries, list(comp.summary["metric"].unique()), comp.level)
    return {
        "timeseries.png": render(bands_figure(bands, comp.names, lang=lang)),
        "differences.png": render(differences_figure(comp.summary, comp.reference, lang=lang)),
    }


# --------------------------------------------------------------------------------------------- report
def _years(comp: Comparison) -> str:
    q = comp.timeseries["quarter"] if len(comp.timeseries) else pd.Series(["?"])
    return f"{str(q.min())[:4]}–{str(q.max())[:4]}"


def _phrase_label(m: str, comp: Comparison, lang: str) -> str:
    """An outcome's label for a sentence: cumulative ones name the period, yearly ones say so."""
    o = unit_of(m)
    base = plain_label(m, lang)
    if m.endswith("_total"):
        return f"{base} ({_years(comp)})"
    if o == "EUR/yr":
        return f"{base} ({_t('per_year', lang)})"
    return base


def _change(m: str, row: pd.Series, ref_mean: float, comp: Comparison, lang: str) -> str:
    """One outcome's change in a sentence: ``members (firms) +264.7 (+11 %)``, or that it is not clear."""
    name = esc(_phrase_label(m, comp, lang))
    if not is_clear(row):
        return f"{name}: {esc(_t('cmp_no_clear_change', lang))}"
    size = fmt(m, row["diff"], True, lang=lang)
    rel = _relative(row["diff"], ref_mean)
    extra = f" ({percent_text(rel, lang)})" if unit_of(m) != "share" and math.isfinite(rel) else ""
    return f"{name} <b>{nw(size)}</b>{nw(extra) if extra else ''}"


def answer_html(comp: Comparison, lang: str = "en") -> str:
    """The first screen's sentences: per scenario, the changes of :data:`ANSWER`'s outcomes.

    Each scenario's sentence ends with how many headline outcomes differ clearly.
    """
    s = comp.summary
    ref_rows = s[s["scenario"] == comp.reference].set_index("metric")
    heads = [m for m in HEADLINE if m in ref_rows.index]
    keys = [m for m in ANSWER if m in ref_rows.index]
    items = []
    for name in comp.names[1:]:
        d = s[s["scenario"] == name].set_index("metric")
        changes = "; ".join(_change(m, d.loc[m], ref_rows.loc[m, "mean"], comp, lang) for m in keys)
        k = sum(is_clear(d.loc[m]) for m in heads)
        tally = esc(_t("cmp_tally", lang, k=k, n=len(heads)))
        items.append(f"<li><b>{esc(_name(comp, name, lang))}</b>: {changes}. {tally}</li>")
    intro = esc(
        _t("cmp_answer_intro", lang, reference=_name(comp, comp.reference, lang), quarter=comp.last_quarter)
    )
    sure = esc(_t("cmp_how_sure", lang, n=len(comp.seeds)))
    return f'<p>{intro}</p><ul>{"".join(items)}</ul><p class="muted">{sure}</p>'


def _cell(text: str, ci: str = "") -> str:
    """A table cell: a value, and below it its interval (each never broken)."""
    return nw(text) + (f"<br>{nw(ci, 'ci')}" if ci else "")


def _split(text: str) -> tuple[str, str]:
    """``+535 (+440 to +630)`` -> (``+535``, ``+440 to +630``)."""
    head, _, rest = text.partition(f"{NBSP}(")
    return head, rest.removesuffix(")")


def _headline_table(comp: Comparison, lang: str) -> str:
    s = comp.summary
    ref = comp.reference
    ref_rows = s[s["scenario"] == ref].set_index("metric")
    hdr = [esc(_t("rep_outcome", lang)), esc(_name(comp, ref, lang))]
    for n in comp.names[1:]:
        hdr += [esc(_name(comp, n, lang)), esc(_t("cmp_difference_col", lang))]
    rows = []
    for m in [m for m in HEADLINE if m in ref_rows.index]:
        r0 = ref_rows.loc[m]
        cells = [
            esc(label(m, lang)),
            _cell(*_split(value_interval(m, r0["mean"], r0["ci_low"], r0["ci_high"], lang=lang))),
        ]
        for n in comp.names[1:]:
            r = s[(s["scenario"] == n) & (s["metric"] == m)].iloc[0]
            dtext = _cell(
                *_split(difference_text(m, r["diff"], r["diff_ci_low"], r["diff_ci_high"], lang=lang))
            )
            cells += [
                _cell(*_split(value_interval(m, r["mean"], r["ci_low"], r["ci_high"], lang=lang))),
                f'<span class="clear">{dtext}</span>'
                if is_clear(r)
                else f'<span class="muted">{dtext}</span>',
            ]
        rows.append(cells)
    return wrap(table(hdr, rows))


def _all_outcomes(comp: Comparison, lang: str) -> str:
    s = comp.summary
    hdr = [esc(_t("rep_outcome", lang)), esc(_t("rep_meaning", lang)), esc(_t("rep_column_name", lang))]
    for n in comp.names:
        hdr.append(esc(_name(comp, n, lang)))
    rows = []
    for m in s["metric"].unique():
        cells = [esc(label(m, lang)), esc(describe(m, lang)), f"<code>{esc(m)}</code>"]
        for n in comp.names:
            r = s[(s["scenario"] == n) & (s["metric"] == m)].iloc[0]
            val = _cell(*_split(value_interval(m, r["mean"], r["ci_low"], r["ci_high"], lang=lang)))
            if n != comp.reference:
                diff = difference_text(m, r["diff"], r["diff_ci_low"], r["diff_ci_high"], lang=lang)
                val += f"<br>{nw(_t('cmp_diff_short', lang, diff=diff), 'ci')}"
            cells.append(val)
        rows.append(cells)
    summary = esc(_t("cmp_every_outcome", lang, n=len(rows)))
    return f"<details><summary>{summary}</summary>{wrap(table(hdr, rows, left=3))}</details>"


def _scenarios_html(comp: Comparison, lang: str) -> str:
    items = "".join(
        f'<li><b title="{esc(sc.name)}">{esc(_name(comp, sc.name, lang))}</b>'
        + (f": {esc(i18n.phrase(sc.description, lang))}" if sc.description else "")
        + "</li>"
        for sc in comp.scenarios
    )
    diff = differing_parameters(comp.scenarios)
    rows = [
        [
            f'<span title="{esc(k)}">{esc(param_label(k, lang))}</span>',
            *(nw(param_value(k, x, lang)) for x in v),
        ]
        for k, v in diff
    ]
    header = [esc(_t("cmp_parameter", lang)), *(esc(_name(comp, n, lang)) for n in comp.names)]
    what = wrap(table(header, rows)) if rows else f"<p>{esc(_t('cmp_same_parameters', lang))}</p>"
    return (
        f'<ul class="statements">{items}</ul><p class="muted">{esc(_t("cmp_what_differs", lang))}</p>{what}'
    )


def report(comp: Comparison, figs: dict[str, bytes], lang: str = "en") -> str:
    """The HTML report of a comparison, with the figures ``figs`` (from :func:`figures`) embedded."""
    ref = _name(comp, comp.reference, lang)
    n_rep = len(comp.seeds)
    others = ", ".join(_name(comp, n, lang) for n in comp.names[1:])
    title = _t("cmp_title", lang, reference=ref)
    meta = _t("cmp_meta", lang, others=others, reference=ref, n=n_rep, quarter=comp.last_quarter)
    parts = report_top(title, esc(meta), len(comp.failures), esc(_t("cmp_howto", lang, n=n_rep)), lang)
    relative, shares = figure_groups(
        comp.summary, comp.reference, [m for m in HEADLINE if m in set(comp.summary["metric"])]
    )
    left_out = [
        m for m in HEADLINE if m in set(comp.summary["metric"]) and m not in relative and m not in shares
    ]
    caption = esc(_t("cmp_figure_caption", lang, reference=ref))
    if left_out:
        caption += " " + esc(
            _t("cmp_figure_left_out", lang, items=", ".join(label(m, lang) for m in left_out))
        )
    parts.append(
        answer(answer_html(comp, lang), img(figs["differences.png"], _t("cmp_diff_alt", lang)), caption)
    )
    parts.append(f"<h2>{esc(_t('cmp_scenarios', lang))}</h2>")
    parts.append(_scenarios_html(comp, lang))
    parts.append(f"<h2>{esc(_t('cmp_headline', lang, quarter=comp.last_quarter))}</h2>")
    parts.append(f'<p class="muted">{esc(_t("cmp_headline_note", lang))}</p>')
    parts.append(_headline_table(comp, lang))
    parts.append(f"<h2>{esc(_t('cmp_over_time', lang))}</h2>")
    parts.append(img(figs["timeseries.png"], _t("cmp_bands_title", lang)))
    parts.append(f"<h2>{esc(_t('rep_all_outcomes', lang))}</h2>")
    parts.append(_all_outcomes(comp, lang))
    parts.append(f"<h2>{esc(_t('rep_method', lang))}</h2>")
    parts.append(f"<p>{esc(_t('cmp_method', lang, n=n_rep))}</p>")
    parts.append(runs_html(comp.seeds, comp.failures, lang))
    return page(title, "\n".join(parts), lang)


def write(comp: Comparison, out: Path, report_html: bool = True, lang: str = "en") -> list[str]:
    """Write summary.csv, timeseries.parquet, the figures and report.html into ``out``; return the names."""
    write_csv(out / "summary.csv", comp.summary)
    write_parquet(out / "timeseries.parquet", comp.timeseries)
    if not len(comp.timeseries):
        return ["summary.csv", "timeseries.parquet"]
    figs = figures(comp, lang)
    write_figures(out, figs)
    if report_html:
        write_text(out / "report.html", report(comp, figs, lang))
    return [f for f in FILES if report_html or f != "report.html"]

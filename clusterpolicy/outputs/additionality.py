"""What an additionality run shows: the terminal summary, the figure, the report and the files.

The report answers on its first screen how much business R&D each extra public euro adds against the
counterfactual, how sure that is and through which channel, beside one figure on one linear axis. The
naive members-versus-non-members number is shown for what it is: a comparison that selection biases, not
an estimate of additionality, and it gets no class.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from clusterpolicy.analysis.additionality import ESTIMATES, Additionality, classify
from clusterpolicy.outputs import i18n
from clusterpolicy.outputs.figures import interval, localise_ticks, render
from clusterpolicy.outputs.files import write_csv, write_figures, write_text
from clusterpolicy.outputs.format import NBSP, format_value, localise_number
from clusterpolicy.outputs.html import answer, esc, img, nw, page, report_top, runs_html, table

FILES = ("additionality.csv", "replicates.csv", "additionality.png", "report.html")
CHANNELS = ("channel_knowledge", "channel_pass_through", "channel_eu")
MONEY = ("delta_rd", "delta_public", "naive_gap")
CLASS_COLOURS = {"full crowding-out": "#f4cccc", "partial crowding-out": "#fff2cc", "additional": "#d9ead3"}


def _t(message_id: str, lang: str, **fields: object) -> str:
    return i18n.text(message_id, lang, **fields)


def _euros(x: float, lang: str) -> str:
    """A ratio in euros per euro: ``€0.62``, ``-€0.30``."""
    if not math.isfinite(x):
        return _t("n_a", lang)
    body = localise_number(f"{abs(x):,.2f}", lang)
    return f"{'-' if x < 0 and body.strip('0.,') else ''}€{body}"


def _range(r: pd.Series, lang: str, money: bool = False) -> str:
    f = (lambda x: format_value(x, "EUR", lang=lang)) if money else (lambda x: _euros(x, lang))
    return f"{f(r['ci_low'])}{NBSP}{_t('to', lang)}{NBSP}{f(r['ci_high'])}"


def _class(name: str, lang: str) -> str:
    return _t("add_class_" + name.replace(" ", "_").replace("-", "_"), lang)


# ------------------------------------------------------------------------------------------- terminal
def additionality_text(result: Additionality, lang: str = "en") -> str:
    """The terminal summary of an additionality run."""
    t = result.table.set_index("estimate")
    cf, nv = t.loc["counterfactual"], t.loc["naive"]
    pct = f"{100 * result.level:.0f} %"

    def line(name: str, r: pd.Series, klass: str) -> str:
        if not math.isfinite(r["value"]):
            return f"  {name:34} {_t('add_undefined', lang)} ({r['method']})"
        ci = f"[{r['ci_low']:.2f}, {r['ci_high']:.2f}]"
        return f"  {name:34} {r['value']:8.2f}   {ci:18}   {klass}"

    sb = t.loc["selection_bias"]
    rows = [
        _t(
            "add_text_head",
            lang,
            scenario=result.scenario.name,
            counterfactual=result.counterfactual.name,
            first=result.first_quarter,
            last=result.last_quarter,
            level=pct,
        ),
        f"  {'':34} {_t('add_estimate', lang):>8}   {_t('add_interval', lang):18}   {_t('add_class', lang)}",
        line(_t("add_against_cf", lang), cf, _class(cf["class"], lang) if math.isfinite(cf["value"]) else ""),
        line(_t("add_naive_short", lang), nv, _t("add_naive_class", lang)),
    ]
    if math.isfinite(sb["value"]):
        ci = f"[{sb['ci_low']:.2f}, {sb['ci_high']:.2f}]"
        rows.append(f"  {_t('add_bias_short', lang):34} {sb['value']:8.2f}   {ci}")
    rows.append("")
    rows.append(f"  {_t('add_by_channel', lang)}")
    for key in CHANNELS:
        if key in t.index and math.isfinite(t.loc[key, "value"]):
            r = t.loc[key]
            words = _t("add_" + key, lang)
            rows.append(f"  {words:34} {r['value']:8.2f}   [{r['ci_low']:.2f}, {r['ci_high']:.2f}]")
    rows.append("")
    for key in MONEY:
        r = t.loc[key]
        rows.append(
            f"  {_t('add_' + key, lang):34} {format_value(r['value'], 'EUR', lang=lang):>10}   "
            f"[{format_value(r['ci_low'], 'EUR', lang=lang)}, {format_value(r['ci_high'], 'EUR', lang=lang)}]"
        )
    if math.isfinite(cf["value"]):
        inside = classify(cf["ci_low"]) == classify(cf["ci_high"]) == cf["class"]
        rows.append("")
        spans = _t(
            "add_spans",
            lang,
            level=pct,
            low=_class(classify(cf["ci_low"]), lang),
            high=_class(classify(cf["ci_high"]), lang),
        )
        rows.append(
            f"{_t('add_in_short', lang)}: {_class(cf['class'], lang)} "
            + (_t("add_inside", lang, level=pct) if inside else spans)
        )
    return "\n".join(rows)


# -------------------------------------------------------------------------------------------- figure
def additionality_figure(result: Additionality, lang: str = "en") -> plt.Figure:
    """The estimate against the counterfactual and its channels, on one linear axis with the three classes.

    The naive estimate is drawn in grey as what it is, a biased comparison; where it lies beyond the axis,
    an arrow at the edge gives its value.
    """
    t = result.table.set_index("estimate")
    rows = [("counterfactual", _t("add_fig_total", lang))]
    rows += [(k, _t("add_" + k, lang)) for k in CHANNELS if k in t.index]
    fig, ax = plt.subplots(figsize=(7.2, 0.42 * (len(rows) + 1) + 1.35), constrained_layout=True)
    finite = [t.loc[k] for k, _ in rows if math.isfinite(t.loc[k, "value"])]
    ends = [x for r in finite for x in (r["ci_low"], r["ci_high"], r["value"]) if math.isfinite(x)]
    lo = min([0.0, *ends])
    hi = max([1.0, *ends])
    pad = 0.12 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    ax.axvspan(lo, 0, color=CLASS_COLOURS["full crowding-out"], lw=0)
    ax.axvspan(0, 1, color=CLASS_COLOURS["partial crowding-out"], lw=0)
    ax.axvspan(1, hi, color=CLASS_COLOURS["additional"], lw=0)
    n = len(rows) + 1
    for i, (key, _) in enumerate(rows):
        r = t.loc[key]
        y = n - 1 - i
        if math.isfinite(r["value"]):
            interval(ax, y, r["ci_low"], r["value"], r["ci_high"], colour="k", limits=(lo, hi), size=6)
            ax.annotate(
                _euros(r["value"], lang),
                (r["value"], y),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=8,
            )
    nv = t.loc["naive"]
    if math.isfinite(nv["value"]):
        if nv["value"] <= hi:
            interval(
                ax, 0, nv["ci_low"], nv["value"], nv["ci_high"], colour="0.45", filled=False, limits=(lo, hi)
            )
        else:
            ax.annotate(
                _t("add_fig_naive_off", lang, value=_euros(nv["value"], lang)),
                (hi, 0),
                xytext=(-6, 0),
                textcoords="offset points",
                ha="right",
                va="center",
                fontsize=8,
                color="0.3",
                arrowprops={"arrowstyle": "-|>", "color": "0.45"},
            )
    labels = [name for _, name in rows] + [_t("add_fig_naive", lang)]
    ax.set_yticks(list(range(n))[::-1], labels, fontsize=8)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(lo, hi)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.axvline(1, color="0.3", lw=0.8, ls="--")
    ax.set_xlabel(_t("add_fig_axis", lang), fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    localise_ticks(ax, lang, y=False)
    patches = [
        Patch(color=c, label=_t("add_fig_band_" + name.replace(" ", "_").replace("-", "_"), lang))
        for name, c in CLASS_COLOURS.items()
    ]
    fig.legend(handles=patches, loc="outside lower center", ncol=3, fontsize=7, frameon=False)
    ax.set_title(
        _t(
            "add_fig_title",
            lang,
            scenario=i18n.scenario_label(result.scenario.name, lang),
            level=f"{100 * result.level:.0f}",
        ),
        fontsize=9,
    )
    return fig


# --------------------------------------------------------------------------------------------- report
def answer_html(result: Additionality, lang: str = "en") -> str:
    """The first screen's sentences: the estimate, its class, its channels, the money, the naive number."""
    t = result.table.set_index("estimate")
    cf = t.loc["counterfactual"]
    pct = f"{100 * result.level:.0f}"
    if not math.isfinite(cf["value"]):
        return f"<p>{esc(_t('add_answer_undefined', lang))}</p>"
    inside = classify(cf["ci_low"]) == classify(cf["ci_high"]) == cf["class"]
    sure = (
        _t("add_sure_inside", lang)
        if inside
        else _t(
            "add_sure_spans",
            lang,
            low=_class(classify(cf["ci_low"]), lang),
            high=_class(classify(cf["ci_high"]), lang),
        )
    )
    lead = _t(
        "add_answer",
        lang,
        value=_euros(cf["value"], lang),
        level=pct,
        range=_range(cf, lang),
        klass=_class(cf["class"], lang),
    )
    meaning = _t("add_class_meaning_" + cf["class"].replace(" ", "_").replace("-", "_"), lang)
    parts = [f"<p><b>{esc(lead)}</b> {esc(sure)} {esc(meaning)}</p>"]
    channels = [
        f"{esc(_t('add_' + k, lang))} {nw(_euros(t.loc[k, 'value'], lang))} "
        f"({nw(_range(t.loc[k], lang), 'ci')})"
        for k in CHANNELS
        if k in t.index and math.isfinite(t.loc[k, "value"])
    ]
    if channels:
        parts.append(f"<p>{esc(_t('add_channels_intro', lang))} {'; '.join(channels)}.</p>")
    d_rd, d_pub = t.loc["delta_rd"], t.loc["delta_public"]
    parts.append(
        "<p>"
        + esc(
            _t(
                "add_money",
                lang,
                first=result.first_quarter[:4],
                last=result.last_quarter[:4],
                public=format_value(d_pub["value"], "EUR", lang=lang),
                rd=format_value(d_rd["value"], "EUR", lang=lang),
            )
        )
        + "</p>"
    )
    nv = t.loc["naive"]
    if math.isfinite(nv["value"]):
        parts.append(
            f'<p class="muted">{esc(_t("add_naive_sentence", lang, value=_euros(nv["value"], lang)))}</p>'
        )
    return "".join(parts)


def _estimates_table(result: Additionality, lang: str) -> str:
    """Every estimate: what it is, its value and interval, and its class (only the real estimate has one)."""
    rows = []
    for _, r in result.table.iterrows():
        key = r["estimate"]
        money = key in MONEY
        value = format_value(r["value"], "EUR", lang=lang) if money else _euros(r["value"], lang)
        ci = _range(r, lang, money) if math.isfinite(r["ci_low"]) else ""
        klass = _class(r["class"], lang) if key == "counterfactual" and r["class"] else ""
        if key == "naive":
            klass = _t("add_naive_class", lang)
        rows.append(
            [
                esc(
                    _t("add_est_" + key, lang)
                    if "add_est_" + key in i18n.MESSAGES
                    else ESTIMATES.get(key, key)
                ),
                nw(value),
                nw(ci, "ci"),
                esc(klass),
                esc(r["n"]),
            ]
        )
    header = [_t(k, lang) for k in ("add_estimate", "add_value", "add_interval", "add_class", "hyp_pairs")]
    header[2] = f"{header[2]} ({100 * result.level:.0f} %)"
    return table([esc(h) for h in header], rows)


def report(result: Additionality, figs: dict[str, bytes], lang: str = "en") -> str:
    """The HTML report of an additionality run, with the figures ``figs`` embedded."""
    sc = i18n.scenario_label(result.scenario.name, lang)
    cf = i18n.scenario_label(result.counterfactual.name, lang)
    title = _t("add_title", lang, scenario=sc)
    meta = _t(
        "add_meta",
        lang,
        counterfactual=cf,
        description=i18n.phrase(result.counterfactual.description, lang),
        n=len(result.seeds),
        first=result.first_quarter,
        last=result.last_quarter,
    )
    howto_html = esc(_t("add_howto", lang, counterfactual=cf))
    body = report_top(title, esc(meta), len(result.failures), howto_html, lang)
    body += [
        answer(answer_html(result, lang), img(figs["additionality.png"], _t("add_fig_alt", lang))),
        f"<h2>{esc(_t('add_estimates', lang))}</h2>",
        _estimates_table(result, lang),
        f"<h2>{esc(_t('rep_method', lang))}</h2>",
        f"<p>{esc(_t('add_method', lang))}</p>",
        f"<p>{esc(_t('add_method_naive', lang))}</p>",
        f"<p>{esc(_t('add_method_horizon', lang))}</p>",
        runs_html(result.seeds, result.failures, lang),
    ]
    return page(title, "\n".join(body), lang)


def figures(result: Additionality, lang: str = "en") -> dict[str, bytes]:
    """The figures, rendered once: ``additionality.png``."""
    return {"additionality.png": render(additionality_figure(result, lang))}


def write(result: Additionality, out: Path, lang: str = "en") -> list[str]:
    """Write additionality.csv, replicates.csv, additionality.png and report.html into ``out``."""
    write_csv(out / "additionality.csv", result.table)
    write_csv(out / "replicates.csv", result.per_replicate)
    figs = figures(result, lang)
    write_figures(out, figs)
    write_text(out / "report.html", report(result, figs, lang))
    return list(FILES)

"""The headline outcomes of the run so far against the baseline's 95 % band (matplotlib, no pyplot)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from clusterpolicy.explore.band import Band
from clusterpolicy.model.metrics import OUTCOMES
from clusterpolicy.outputs import i18n

RUN_COLOUR = "#1f5fa8"
OUTSIDE_COLOUR = "#c0392b"


def headline_names() -> list[str]:
    """The declared headline outcomes, in declaration order."""
    return [name for name, o in OUTCOMES.items() if o.headline]


def display_scale(name: str, lang: str = i18n.DEFAULT_LANG) -> tuple[float, str]:
    """Divide an outcome's values by the first to show them in the unit of the second."""
    unit = OUTCOMES[name].unit
    if unit == "share":
        return 0.01, "%"
    if unit == "EUR":
        return 1e6, "€ mln" if lang == "nl" else "€ m"
    if unit == "EUR/yr":
        return 1e6, "€ mln/jaar" if lang == "nl" else "€ m/yr"
    return 1.0, i18n.unit(unit, lang)


def fmt_value(name: str, value: float, lang: str = i18n.DEFAULT_LANG) -> str:
    """A value as people read it, in the outcome's display unit."""
    if value is None or not np.isfinite(value):
        return "–"
    scale, unit = display_scale(name, lang)
    v = value / scale
    digits = 1 if OUTCOMES[name].unit in ("share", "EUR", "EUR/yr") else 0
    text = f"{v:,.{digits}f}"
    if lang == "nl":
        text = text.replace(",", "\u2009").replace(".", ",")
    return f"{text} {unit}".strip()


def outside_band(run: Mapping[str, Sequence[float]], band: Band | None, names: Sequence[str]) -> list[str]:
    """The outcomes whose latest value lies outside the band in that quarter."""
    if band is None:
        return []
    out = []
    for name in names:
        values = run.get(name) or []
        i = len(values) - 1
        if i >= 0 and name in band.lo and i < len(band.lo[name]) and band.outside(name, i, float(values[i])):
            out.append(name)
    return out


def y_limits(
    run: Mapping[str, Sequence[float]], band: Band | None, names: Sequence[str], lang: str = i18n.DEFAULT_LANG
) -> tuple[tuple[float, float], ...]:
    """Fixed y ranges per panel (as shown): the band's range, widened in steps when the run leaves it.

    The background (axes, band) is drawn again only when these change, so they change rarely.
    """
    out = []
    for name in names:
        scale, _ = display_scale(name, lang)
        parts = [np.asarray(run.get(name) or [], dtype=float) / scale]
        if band is not None and name in band.mean:
            parts += [band.lo[name] / scale, band.hi[name] / scale]
        x = np.concatenate(parts) if parts else np.empty(0)
        x = x[np.isfinite(x)]
        if not len(x):
            out.append((0.0, 1.0))
            continue
        lo, hi = float(x.min()), float(x.max())
        span = max(hi - lo, abs(hi) * 0.1, 1e-9)
        step = 10 ** np.floor(np.log10(span)) / 2
        bottom = float(np.floor((lo - 0.05 * span) / step) * step)
        if lo >= 0:
            bottom = max(bottom, 0.0)
        out.append((bottom, float(np.ceil((hi + 0.05 * span) / step) * step)))
    return tuple(out)


def _frame(n: int) -> tuple[Figure, np.ndarray, int]:
    ncols = 4
    nrows = int(np.ceil(n / ncols))
    height = 2.1 * nrows + 0.3
    fig = Figure(figsize=(12.5, height), dpi=72)
    # a fixed layout: matplotlib's constrained layout costs about a second per frame for 16 panels
    fig.subplots_adjust(
        left=0.05, right=0.99, top=1 - 0.55 / height, bottom=0.3 / height, wspace=0.28, hspace=0.75
    )
    return fig, fig.subplots(nrows, ncols, squeeze=False), ncols


def headline_background(
    band: Band | None,
    quarters: Sequence[str],
    ylims: Sequence[tuple[float, float]],
    lang: str = i18n.DEFAULT_LANG,
    names: Sequence[str] | None = None,
) -> Figure:
    """The static part of the headline figure: panels, titles, axes, the band and its mean."""
    names = list(names or headline_names())
    fig, axes, _ = _frame(len(names))
    x_all = np.arange(len(quarters))
    ticks = [i for i, q in enumerate(quarters) if q.endswith("Q1") and int(q[:4]) % 2 == 0]
    for k, ax in enumerate(axes.flat):
        if k >= len(names):
            ax.set_axis_off()
            continue
        name = names[k]
        scale, unit = display_scale(name, lang)
        if band is not None and name in band.mean:
            ax.fill_between(x_all, band.lo[name] / scale, band.hi[name] / scale, color="#d9d9d9", lw=0)
            ax.plot(x_all, band.mean[name] / scale, color="#7f7f7f", lw=1, ls="--")
        title = i18n.label(name, lang)
        if unit and f"({unit})" not in title and unit not in ("firms", "bedrijven"):
            title += f" ({unit})"
        ax.set_title("\n".join(textwrap.wrap(title, 38)), fontsize=9)
        ax.set_xlim(0, max(len(quarters) - 1, 1))
        ax.set_ylim(*ylims[k])
        ax.set_xticks(ticks, [quarters[i][:4] for i in ticks], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(alpha=0.25, lw=0.5)
    return fig


def _panel_boxes(fig: Figure, n: int) -> list[tuple[float, float, float, float]]:
    """(left, bottom, width, height) in figure fractions of the first ``n`` panels of :func:`_frame`."""
    from matplotlib.gridspec import GridSpec

    ncols = 4
    nrows = int(np.ceil(n / ncols))
    sp = fig.subplotpars
    gs = GridSpec(
        nrows,
        ncols,
        left=sp.left,
        right=sp.right,
        top=sp.top,
        bottom=sp.bottom,
        wspace=sp.wspace,
        hspace=sp.hspace,
    )
    bottoms, tops, lefts, rights = gs.get_grid_positions(fig)
    return [
        (
            lefts[k % ncols],
            bottoms[k // ncols],
            rights[k % ncols] - lefts[k % ncols],
            tops[k // ncols] - bottoms[k // ncols],
        )
        for k in range(n)
    ]


def headline_overlay(
    run: Mapping[str, Sequence[float]],
    band: Band | None,
    quarters: Sequence[str],
    ylims: Sequence[tuple[float, float]],
    lang: str = i18n.DEFAULT_LANG,
    names: Sequence[str] | None = None,
) -> Figure:
    """The moving part, on a transparent figure of the same geometry: this run so far.

    One axes over the whole figure, each panel's data mapped into its box (16 axes with ticks would cost
    more to draw than the lines). The latest value is marked red, and its panel framed red, when it lies
    outside the band.
    """
    from matplotlib.patches import Rectangle

    names = list(names or headline_names())
    ncols = 4
    nrows = int(np.ceil(len(names) / ncols))
    height = 2.1 * nrows + 0.3
    fig = Figure(figsize=(12.5, height), dpi=72)
    fig.subplots_adjust(
        left=0.05, right=0.99, top=1 - 0.55 / height, bottom=0.3 / height, wspace=0.28, hspace=0.75
    )
    fig.patch.set_alpha(0.0)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    outside = set(outside_band(run, band, names))
    xmax = max(len(quarters) - 1, 1)
    for k, (left, bottom, width, h) in enumerate(_panel_boxes(fig, len(names))):
        name = names[k]
        scale, _ = display_scale(name, lang)
        lo, hi = ylims[k]
        values = np.asarray(run.get(name) or [], dtype=float) / scale
        if len(values):
            fx = left + width * np.arange(len(values)) / xmax
            fy = bottom + h * np.clip((values - lo) / (hi - lo), -0.02, 1.02)
            ax.plot(fx, fy, color=RUN_COLOUR, lw=1.8)
            colour = OUTSIDE_COLOUR if name in outside else RUN_COLOUR
            ax.plot([fx[-1]], [fy[-1]], "o", color=colour, ms=5)
        if name in outside:
            ax.add_patch(Rectangle((left, bottom), width, h, fill=False, ec=OUTSIDE_COLOUR, lw=2.5))
    return fig


def headline_figure(
    run: Mapping[str, Sequence[float]],
    band: Band | None,
    quarters: Sequence[str],
    lang: str = i18n.DEFAULT_LANG,
    names: Sequence[str] | None = None,
) -> Figure:
    """Background and overlay in one figure (for files and tests; the page draws them apart).

    Args:
        run: outcome name -> values of this run, one per quarter so far.
        band: the baseline's band (None while it is being computed).
        quarters: the labels of every recorded quarter (the x axis spans them all).
        lang: ``en`` or ``nl``.
        names: the outcomes to show (default: the headline outcomes).
    """
    names = list(names or headline_names())
    ylims = y_limits(run, band, names, lang)
    fig = headline_background(band, quarters, ylims, lang, names)
    outside = set(outside_band(run, band, names))
    for k, ax in enumerate(fig.axes[: len(names)]):
        name = names[k]
        scale, _ = display_scale(name, lang)
        values = np.asarray(run.get(name) or [], dtype=float) / scale
        if len(values):
            ax.plot(np.arange(len(values)), values, color=RUN_COLOUR, lw=1.8)
            ax.plot(
                [len(values) - 1],
                [values[-1]],
                "o",
                color=OUTSIDE_COLOUR if name in outside else RUN_COLOUR,
                ms=5,
            )
        if name in outside:
            ax.title.set_color(OUTSIDE_COLOUR)
    return fig

"""Figures: drawn once, rendered once to PNG, and those bytes both written to a file and embedded in HTML.

Every figure function of the output modules returns a Matplotlib figure; :func:`render` turns it into PNG
bytes and closes it. The non-interactive Agg backend is used, so figures work without a display.
A figure may be a plain :class:`matplotlib.figure.Figure` (as the run's overview is): this module does not
import ``matplotlib.pyplot`` until a pyplot figure asks for it, so ``clusterpolicy run`` never imports it.
"""

from __future__ import annotations

import io
import math
import sys
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

DPI = 110
NOISE_COLOUR = "#b3261e"


def render(fig: plt.Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes (the figure is closed)."""
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi)
    finally:
        if "matplotlib.pyplot" in sys.modules:  # pyplot keeps the figures it made until they are closed
            sys.modules["matplotlib.pyplot"].close(fig)
    return buf.getvalue()


def xticks(ax: plt.Axes, quarters: list[str]) -> None:
    """Years on the x-axis of a quarterly series (at most about five ticks).

    Set as a locator and a formatter, not with ``set_xticks``: the ticks are then made once, when the
    figure is drawn, not also now (which took a third of the time of building the run's overview).
    """
    idx = [i for i, q in enumerate(quarters) if q.endswith("Q1")]
    step = max(1, len(idx) // 5)
    ax.xaxis.set_major_locator(FixedLocator(idx[::step]))
    ax.xaxis.set_major_formatter(FixedFormatter([quarters[i][:4] for i in idx[::step]]))


def panels(
    k: int, cols: int, width: float, height: float, extra_height: float = 0.0, **kw: Any
) -> tuple[plt.Figure, list[plt.Axes]]:
    """A figure with ``k`` panels of ``width`` x ``height`` inches in rows of at most ``cols``.

    The spare panels of the last row are hidden; ``kw`` goes to :func:`matplotlib.pyplot.subplots`.
    """
    cols = max(1, min(cols, k))
    rows = math.ceil(k / cols)
    size = (width * cols, height * rows + extra_height)
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(rows, cols, figsize=size, squeeze=False, **kw)
    flat = list(axes.flat)
    for ax in flat[k:]:
        ax.set_visible(False)
    return fig, flat[:k]


def legend_below(fig: plt.Figure, ax: plt.Axes, ncol: int, fontsize: float = 8) -> None:
    """The legend of ``ax``'s lines below the panels (constrained layout)."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=ncol, fontsize=fontsize)


def constant_panel(ax: plt.Axes) -> None:
    """A panel for an outcome that does not vary: a note instead of a plot."""
    ax.text(0.5, 0.5, "does not vary over the design", ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def noise_line(text: str) -> Line2D:
    """A legend entry for the dashed line of the replicate noise."""
    return Line2D([0], [0], color=NOISE_COLOUR, ls="--", lw=1, label=text)


def _dutch_tick(value: float, _: object = None) -> str:
    from clusterpolicy.outputs.format import localise_number

    return localise_number(f"{value:,.6g}", "nl")


def localise_ticks(ax: plt.Axes, lang: str, *, x: bool = True, y: bool = True) -> None:
    """Tick labels in the number style of ``lang`` (Dutch: ``2.500``, ``0,5``); English is left as is.

    Leave out an axis whose ticks carry words (``x=False`` for years set by :func:`xticks`).
    """
    if lang != "nl":
        return
    if x:
        ax.xaxis.set_major_formatter(FuncFormatter(_dutch_tick))
    if y:
        ax.yaxis.set_major_formatter(FuncFormatter(_dutch_tick))


def interval_limits(
    rows: list[tuple[float, float, float]], *, include: tuple[float, ...] = (0.0,), stretch: float = 0.6
) -> tuple[float, float]:
    """Axis limits for estimates with intervals (``(low, estimate, high)`` rows) on one linear axis.

    The limits hold every estimate, the values in ``include`` and every interval end within ``stretch``
    times the estimates' range beyond them; a wider interval runs off the edge (see :func:`interval`),
    so that one noisy row does not squeeze the others into a corner.
    """
    mids = [m for _, m, _ in rows if math.isfinite(m)] + list(include)
    lo, hi = min(mids), max(mids)
    span = max(hi - lo, 1e-12)
    ends = [e for a, _, b in rows for e in (a, b) if math.isfinite(e)]
    lo = min([lo, *(e for e in ends if e >= lo - stretch * span)])
    hi = max([hi, *(e for e in ends if e <= hi + stretch * span)])
    pad = 0.06 * max(hi - lo, 1e-12)
    return lo - pad, hi + pad


def interval(
    ax: plt.Axes,
    y: float,
    low: float,
    mid: float,
    high: float,
    *,
    colour: str,
    filled: bool = True,
    limits: tuple[float, float] | None = None,
    size: float = 5,
) -> None:
    """A horizontal interval with its estimate at height ``y`` (hollow when ``filled`` is false).

    An end beyond ``limits`` is cut at the edge and marked with an arrowhead.
    """
    lo_edge, hi_edge = limits if limits is not None else (-math.inf, math.inf)
    a, b = max(low, lo_edge), min(high, hi_edge)
    ax.plot([a, b], [y, y], color=colour, lw=2, alpha=1.0 if filled else 0.45, solid_capstyle="butt")
    if low < lo_edge:
        ax.plot([lo_edge], [y], marker="<", color=colour, ms=size, alpha=0.6)
    if high > hi_edge:
        ax.plot([hi_edge], [y], marker=">", color=colour, ms=size, alpha=0.6)
    if lo_edge <= mid <= hi_edge:
        ax.plot([mid], [y], "o", ms=size, color=colour, mfc=colour if filled else "white", mew=1.3)

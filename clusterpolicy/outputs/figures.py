"""Figures: drawn once, rendered once to PNG, and those bytes both written to a file and embedded in HTML.

Every figure function of the output modules returns a Matplotlib figure; :func:`render` turns it into PNG
bytes and closes it. The non-interactive Agg backend is used, so figures work without a display.
"""

from __future__ import annotations

import io
import math
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D

DPI = 110
NOISE_COLOUR = "#b3261e"


def render(fig: plt.Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes (the figure is closed)."""
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    return buf.getvalue()


def xticks(ax: plt.Axes, quarters: list[str]) -> None:
    """Years on the x-axis of a quarterly series (at most about five ticks)."""
    idx = [i for i, q in enumerate(quarters) if q.endswith("Q1")]
    step = max(1, len(idx) // 5)
    ax.set_xticks(idx[::step], [quarters[i][:4] for i in idx[::step]])


def panels(
    k: int, cols: int, width: float, height: float, extra_height: float = 0.0, **kw: Any
) -> tuple[plt.Figure, list[plt.Axes]]:
    """A figure with ``k`` panels of ``width`` x ``height`` inches in rows of at most ``cols``.

    The spare panels of the last row are hidden; ``kw`` goes to :func:`matplotlib.pyplot.subplots`.
    """
    cols = max(1, min(cols, k))
    rows = math.ceil(k / cols)
    size = (width * cols, height * rows + extra_height)
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

"""The run's overview figure, drawn from plain data: what each panel shows, already labelled and scaled.

:func:`clusterpolicy.outputs.run.overview_spec` turns a run's time series into an :class:`Overview`
(texts, the quarters and the plotted values); :func:`draw` makes the Matplotlib figure of it. This module
imports nothing of the model, and Matplotlib only when it draws (:data:`MODULES`), so that
``clusterpolicy run`` can draw the figure in a second process
(:mod:`clusterpolicy.outputs.figure_process`) that imports Matplotlib while the model runs, and never
import Matplotlib itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.figure import Figure

#: what :func:`draw` imports: a process that will draw the overview can import them beforehand, and
#: then call :data:`PREPARE`
MODULES = ("matplotlib.figure", "clusterpolicy.outputs.figures")
PREPARE = ("clusterpolicy.outputs.run_figure.prepare",)

# where the overview's 2 x 4 panels sit (fractions of the 17 x 7.5 in figure): room on the left of each
# panel for its unit and tick labels of up to six characters (35.000), above it for its title, and on top
# for the figure's title
GRID = {"left": 0.042, "right": 0.995, "bottom": 0.035, "top": 0.925, "wspace": 0.22, "hspace": 0.17}
SIZE = (17, 7.5)
ROWS, COLS = 2, 4


@dataclass(frozen=True)
class Panel:
    """One panel of the overview.

    Its title, the unit on its y-axis, its lines (legend label, values) and whether it has a legend (a
    panel of several outcomes has one, even where only one of them was recorded).
    """

    title: str
    unit: str
    lines: tuple[tuple[str, np.ndarray], ...]
    legend: bool


@dataclass(frozen=True)
class Overview:
    """What the overview figure shows.

    Its title, the quarter of every value (``2016Q1``, ...), the :data:`ROWS` x :data:`COLS` panels and
    the language of its numbers (``en`` or ``nl``).
    """

    title: str
    quarters: tuple[str, ...]
    panels: tuple[Panel, ...]
    lang: str = "en"


#: ticks that :func:`prepare` makes ahead on each panel's (y, x) axis: about as many as a panel shows
#: (Matplotlib makes any further ones when it draws; unused ones are not drawn)
AHEAD_TICKS = (11, 6)
# empty figures made by prepare(), which draw() fills
_PREPARED: list[tuple[Figure, Any]] = []


def empty(ticks: tuple[int, int] = (0, 0)) -> tuple[Figure, Any]:
    """The overview's figure and its grid of panels before any data: the panels' tick style and grid.

    ``ticks`` (on each panel's y- and x-axis) makes that many ticks now rather than when the figure is
    drawn; the figure is the same.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE)
    axes = fig.subplots(ROWS, COLS, gridspec_kw=GRID)
    for ax in axes.flat:
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        ax.yaxis.get_major_ticks(ticks[0])
        ax.xaxis.get_major_ticks(ticks[1])
    return fig, axes


def prepare() -> None:
    """Make the next :func:`draw`'s empty figure now (what a process can do before the run's data come)."""
    _PREPARED.append(empty(AHEAD_TICKS))


def draw(overview: Overview) -> Figure:
    """The overview as a grid of line panels over the quarters (in the figure :func:`prepare` made, if any).

    A plain Matplotlib figure, not one of pyplot's: pyplot takes a quarter of a second more to import.
    Its panels sit at fixed positions (:data:`GRID`), not where a layout engine puts them: the
    constrained layout measured every text of the figure in several passes and nearly doubled the time
    of drawing it, and the panels' texts are always the same few words and short numbers.
    """
    from clusterpolicy.outputs.figures import localise_ticks, xticks

    fig, axes = _PREPARED.pop() if _PREPARED else empty()
    quarters = list(overview.quarters)
    x = range(len(quarters))
    for ax, panel in zip(axes.flat, overview.panels, strict=True):
        for text, values in panel.lines:
            ax.plot(x, values, label=text)
        # y given: the title is not moved above tick labels on top (there are none), which costs a draw
        ax.set_title(panel.title, fontsize=10, y=1.0)
        ax.set_ylabel(panel.unit, fontsize=8)
        xticks(ax, quarters)
        localise_ticks(ax, overview.lang, x=False)
        if panel.legend:
            ax.legend(fontsize=7, loc="best")
    fig.suptitle(overview.title, fontsize=12)
    return fig


def png(overview: Overview) -> bytes:
    """The overview figure as PNG bytes (:func:`clusterpolicy.outputs.figures.render`)."""
    from clusterpolicy.outputs.figures import render

    return render(draw(overview))

"""The run's overview figure, drawn from plain data: what each panel shows, already labelled and scaled.

:func:`clusterpolicy.outputs.run.overview_spec` turns a run's time series into an :class:`Overview`
(texts, the quarters and the plotted values); :func:`draw` makes the Matplotlib figure of it. This module
imports nothing of the model, and Matplotlib only when it draws (:data:`MODULES`), so that
``clusterpolicy run`` can draw the figure in a second process
(:mod:`clusterpolicy.outputs.figure_process`) that imports Matplotlib while the model runs, and never
import Matplotlib itself.

Drawing the figure is the last step of the command and takes most of a second, one panel after the
other in one process. Where it can fork, that process forks a helper once Matplotlib is imported
(:func:`start_helper`); :func:`png` then draws some panels there and the others in the helper at the
same time, and joins their pixels: the panels do not overlap, so the joined pixels, and the PNG, are
those of the whole figure drawn at once.
"""

from __future__ import annotations

import os
import pickle
import struct
import traceback
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.figure import Figure

#: what :func:`draw` imports: a process that will draw the overview can import them beforehand, and
#: then call :data:`PREPARE`
MODULES = ("matplotlib.figure", "clusterpolicy.outputs.figures")
PREPARE = ("clusterpolicy.outputs.run_figure.prepare", "clusterpolicy.outputs.run_figure.start_helper")

# where the overview's 2 x 4 panels sit (fractions of the 17 x 7.5 in figure): room on the left of each
# panel for its unit and tick labels of up to six characters (35.000), above it for its title, and on top
# for the figure's title
GRID = {"left": 0.042, "right": 0.995, "bottom": 0.035, "top": 0.925, "wspace": 0.22, "hspace": 0.17}
SIZE = (17, 7.5)
ROWS, COLS = 2, 4
#: the panels that a helper process draws (:func:`start_helper`, in reading order): the bottom row. This
#: process draws the top row and the figure's title, and then joins and encodes. Measured (CPU time of
#: drawing each part): four panels each take about as long, a fifth panel for the helper made it the
#: slower one by more than it saved here
HELPER_PANELS = range(COLS, ROWS * COLS)


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
#: the file descriptors a forked helper closes (all it can have inherited: above the usual limit of
#: open files; Linux closes a range at once)
_MAX_FDS = 65536
# a forked helper that waits to draw HELPER_PANELS (start_helper), which png() uses: its process id, the
# pipe to send it the overview and the pipe it answers on
_HELPERS: list[tuple[int, int, int]] = []


def empty(ticks: tuple[int, int] = (0, 0)) -> tuple[Figure, Any]:
    """The overview's figure and its grid of panels before any data: the panels' tick style and grid.

    ``ticks`` (on each panel's y- and x-axis) makes that many ticks now rather than when the figure is
    drawn; the figure is the same.
    """
    from matplotlib.figure import Figure

    from clusterpolicy.outputs.figures import DPI

    # at the PNG's resolution already, so that its pixels can be taken without saving it (pixels())
    fig = Figure(figsize=SIZE, dpi=DPI)
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


def draw(overview: Overview, panels: range = range(ROWS * COLS)) -> Figure:
    """The overview as a grid of line panels over the quarters (in the figure :func:`prepare` made, if any).

    Only the ``panels`` are drawn (in reading order), and the figure's title with the first one; the
    others are hidden (for a figure drawn in parts, :func:`png`).

    A plain Matplotlib figure, not one of pyplot's: pyplot takes a quarter of a second more to import.
    Its panels sit at fixed positions (:data:`GRID`), not where a layout engine puts them: the
    constrained layout measured every text of the figure in several passes and nearly doubled the time
    of drawing it, and the panels' texts are always the same few words and short numbers.
    """
    from clusterpolicy.outputs.figures import localise_ticks, xticks

    fig, axes = _PREPARED.pop() if _PREPARED else empty()
    quarters = list(overview.quarters)
    x = range(len(quarters))
    for i, (ax, panel) in enumerate(zip(axes.flat, overview.panels, strict=True)):
        if i not in panels:
            ax.set_visible(False)
            continue
        for text, values in panel.lines:
            ax.plot(x, values, label=text)
        # y given: the title is not moved above tick labels on top (there are none), which costs a draw
        ax.set_title(panel.title, fontsize=10, y=1.0)
        ax.set_ylabel(panel.unit, fontsize=8)
        xticks(ax, quarters)
        localise_ticks(ax, overview.lang, x=False)
        if panel.legend:
            ax.legend(fontsize=7, loc="best")
    if 0 in panels:
        fig.suptitle(overview.title, fontsize=12)
    return fig


def pixels(fig: Figure) -> np.ndarray:
    """The figure drawn at its resolution: its pixels (rows from the top, RGBA)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())


def _words(rgba: np.ndarray) -> np.ndarray:
    """The RGBA pixels as one 32-bit word each, in the same memory.

    A pixel is then compared or copied at once: a hundred times faster than its four bytes along an
    axis of their own.
    """
    import numpy as np

    return rgba.view(np.uint32)[..., 0]


#: how hard :func:`encode` compresses (zlib's level, 0-9): measured on the overview (RGBA, 1870 x 825),
#: level 1 took 25 ms and made 233 kB, level 6 47 ms and 197 kB (savefig's encoder: 79 ms, 204 kB)
PNG_LEVEL = 1
# the PNG file's signature, and the filter (of the five of the format) that encode() gives every row:
# "up", the difference to the row above, which leaves the figure's plain background as zeros
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_UP = 2


def encode(rgba: np.ndarray) -> bytes:
    """The pixels as PNG bytes: the pixels ``savefig`` writes, in a third of its time.

    Every row is filtered as the difference to the row above, at once for the whole image, and the
    result compressed at :data:`PNG_LEVEL`; Matplotlib's encoder (Pillow's) tries the format's five
    filters on each row, which took most of its time. The file's resolution and its ``Software`` entry
    are the ones ``savefig`` writes.
    """
    import matplotlib
    import numpy as np

    from clusterpolicy.outputs.figures import DPI

    height, width, _ = rgba.shape
    rows = rgba.reshape(height, -1)
    filtered = np.empty((height, 1 + rows.shape[1]), np.uint8)
    filtered[:, 0] = _PNG_UP
    filtered[0, 1:] = rows[0]  # the first row's "row above" is zeros
    np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:])  # modulo 256, as the format has it
    per_metre = round(DPI / 0.0254)
    software = f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/"
    chunks = (
        (b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)),  # 8 bits, RGBA, no interlace
        (b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        (b"tEXt", b"Software\0" + software.encode("latin-1")),
        (b"IDAT", zlib.compress(filtered.tobytes(), PNG_LEVEL)),
        (b"IEND", b""),
    )
    out = [_PNG_SIGNATURE]
    for kind, data in chunks:
        out += [struct.pack(">I", len(data)), kind, data, struct.pack(">I", zlib.crc32(kind + data))]
    return b"".join(out)


#: the cores this process must be allowed to run on for a helper (:func:`start_helper`) to pay: one for
#: each part. (A gate on the machine's load was tried: the last minute's load average counts the
#: command's own processes and lags, and it turned the helper off on a quiet 2-core machine while a
#: benchmark ran; the own overhead of ``clusterpolicy run`` measured 1.27 s gated against 1.03 s not.
#: On a machine busy with other work the two parts came later than one: 1.28 s against 1.02 s, submit
#: to answer, at a load of 4 on 2 cores.)
HELPER_MIN_CORES = 2


def _cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def start_helper() -> None:
    """Fork a helper that waits for the overview and draws its :data:`HELPER_PANELS` (for :func:`png`).

    Called in the figure process once Matplotlib is imported and the empty figure made (:data:`PREPARE`),
    so the helper starts with both, at no cost; nothing happens where Python cannot fork. The helper
    ends when it has answered, or when this process closes the pipe to it (it ends, or never asks).
    """
    if not hasattr(os, "fork") or _cores() < HELPER_MIN_CORES:
        return
    ask_read, ask_write = os.pipe()
    answer_read, answer_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        _serve(ask_read, answer_write)
    os.close(ask_read)
    os.close(answer_write)
    _HELPERS.append((pid, ask_write, answer_read))


def _serve(ask: int, answer: int) -> NoReturn:
    """The helper: read the overview from ``ask``, answer what it drew on ``answer`` (:func:`_drawn`).

    It closes every other file it inherited but the standard ones first: the pipe to the command's
    process above all, whose end it would otherwise hold open. Errors go to standard error; the helper
    then answers nothing.
    """
    keep = sorted((ask, answer))
    os.closerange(3, keep[0])
    os.closerange(keep[0] + 1, keep[1])
    os.closerange(keep[1] + 1, _MAX_FDS)
    status = 1
    try:
        with os.fdopen(ask, "rb") as requests:
            overview = pickle.load(requests)
        drawn = _drawn(pixels(draw(overview, HELPER_PANELS)))
        with os.fdopen(answer, "wb") as answers:
            pickle.dump(drawn, answers, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    except EOFError:  # never asked: the figure process ended
        status = 0
    except BaseException:  # to the standard error file itself: sys.stderr may write to a closed file
        os.write(2, traceback.format_exc().encode())
    finally:
        os._exit(status)


def _ask_helper(overview: Overview) -> tuple[int, int] | None:
    """Send the overview to the helper :func:`start_helper` forked (if any): its id and answer pipe."""
    if not _HELPERS:
        return None
    pid, ask, answer = _HELPERS.pop()
    try:
        with os.fdopen(ask, "wb") as requests:
            pickle.dump(overview, requests, protocol=pickle.HIGHEST_PROTOCOL)
    except (OSError, pickle.PicklingError):
        os.close(answer)
        os.waitpid(pid, 0)
        return None
    return pid, answer


def _drawn(rgba: np.ndarray) -> tuple[int, int, np.ndarray]:
    """What was drawn on the figure's background: the top left corner of the box around it, and the box.

    The background is the colour of the figure's top left pixel: the overview draws nothing there.
    """
    import numpy as np

    words = _words(rgba)
    drawn = words != words[0, 0]
    rows, cols = np.flatnonzero(drawn.any(axis=1)), np.flatnonzero(drawn.any(axis=0))
    return int(rows[0]), int(cols[0]), rgba[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _helper_answer(pid: int, answer: int) -> tuple[int, int, np.ndarray] | None:
    """The helper's answer (:func:`_drawn`), or None where it gave none; the helper is collected."""
    try:
        with os.fdopen(answer, "rb") as answers:
            return pickle.load(answers)  # type: ignore[no-any-return]
    except Exception:  # the helper failed (its error is on standard error) or ended
        return None
    finally:
        os.waitpid(pid, 0)


def _whole(overview: Overview) -> bytes:
    """The overview figure as PNG bytes, drawn whole in this process."""
    return encode(pixels(draw(overview)))


def png(overview: Overview) -> bytes:
    """The overview figure as PNG bytes (:func:`encode`): the pixels that ``savefig`` writes.

    With a helper (:func:`start_helper`, where the process may run on two cores), drawn in two parts at
    once and joined: this process draws the panels before :data:`HELPER_PANELS` and the title, the
    helper those panels, and every pixel the helper drew on takes the place of this process's. Where
    the helper gives no answer, or drew on a pixel that this process drew on too (the parts overlap),
    the whole figure is drawn here.
    """
    import numpy as np

    helper = _ask_helper(overview)
    if helper is None:
        return _whole(overview)
    joined = pixels(draw(overview, range(HELPER_PANELS.start))).copy()
    answer = _helper_answer(*helper)
    if answer is None:
        return _whole(overview)
    top, left, box = answer
    words, theirs = _words(joined), _words(box)
    background = words[0, 0]  # the figure's corner: nothing is drawn there (_drawn)
    own = words[top : top + theirs.shape[0], left : left + theirs.shape[1]]
    drawn = theirs != background
    if (drawn & (own != background)).any():
        return _whole(overview)
    np.copyto(own, theirs, where=drawn)
    return encode(joined)

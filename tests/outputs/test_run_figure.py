"""The run's overview figure from plain data, and the second process that draws it (for `run`)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from clusterpolicy.outputs import run as output
from clusterpolicy.outputs import run_figure
from clusterpolicy.outputs.figure_process import figure_process


def _series(quarters: int = 12) -> pd.DataFrame:
    """A made-up time series with every outcome of the overview (one left out)."""
    rng = np.random.default_rng(3)
    ts = pd.DataFrame({"quarter": [f"{2016 + i // 4}Q{i % 4 + 1}" for i in range(quarters)]})
    for _, metrics in output.OVERVIEW_PANELS:
        for m in metrics:
            ts[m] = np.cumsum(rng.integers(0, 50, quarters)).astype(float)
    return ts.drop(columns="clusters_dissolved_total")


def test_the_overview_spec_is_labelled_and_scaled_data():
    ts = _series()
    spec = output.overview_spec(ts, "a title")
    assert len(spec.panels) == run_figure.ROWS * run_figure.COLS == len(output.OVERVIEW_PANELS)
    assert spec.quarters == tuple(ts["quarter"]) and spec.title == "a title"
    lost = spec.panels[6]
    assert lost.legend and len(lost.lines) == 1, "a missing outcome has no line; the panel keeps its legend"
    assert not spec.panels[7].legend
    money = spec.panels[5]
    assert money.lines[0][1] == pytest.approx(ts["public_operating_spend_total"] * 1e-6)


def test_the_second_process_draws_the_same_png():
    spec = output.overview_spec(_series(), "a title")
    here = run_figure.png(spec)
    with figure_process(run_figure.MODULES, run_figure.PREPARE, start=True) as figures:
        figures.submit(run_figure.png, spec)
        there = figures.result()
    assert figures.answered and there == here and here[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_prepared_figure_is_the_same():
    spec = output.overview_spec(_series(), "a title")
    plain = run_figure.png(spec)
    run_figure.prepare()
    assert run_figure._PREPARED
    assert run_figure.png(spec) == plain and not run_figure._PREPARED


def test_the_second_process_computes_and_a_failed_one_leaves_the_work_here():
    with figure_process((), start=True) as figures:
        figures.submit(os.getpid)
        assert figures.result() != os.getpid() and figures.answered
    with figure_process(("clusterpolicy.no_such_module",), start=True) as figures:
        figures.submit(os.getpid)
        assert figures.result() == os.getpid() and not figures.answered
    with figure_process((), start=False) as figures:
        figures.submit(os.getpid)
        assert figures.result() == os.getpid() and not figures.answered


def _hang_elsewhere(pid: int) -> int:
    """This process's id, after hanging in any process but ``pid``."""
    if os.getpid() != pid:
        time.sleep(600)
    return os.getpid()


def test_a_second_process_that_hangs_is_ended_and_the_work_done_here():
    with figure_process((), start=True) as figures:
        figures.submit(_hang_elsewhere, os.getpid())
        process = figures._process
        assert process is not None
        assert figures.result(timeout=1.0) == os.getpid() and not figures.answered
    assert process.poll() is not None, "the hung process was ended"


def test_an_error_of_the_function_is_raised_here():
    with figure_process((), start=True) as figures:
        figures.submit(int, "not a number")
        with pytest.raises(ValueError, match="not a number"):
            figures.result()


def test_leaving_without_asking_ends_the_second_process():
    with figure_process(run_figure.MODULES, start=True) as figures:
        process = figures._process
        assert process is not None
    assert process.poll() is not None


def test_the_run_command_does_not_import_matplotlib(tmp_path):
    code = (
        "import sys; from clusterpolicy.cli.main import main; "
        f"assert main(['run', 'concept_note_2015', '--out', {str(tmp_path)!r}, "
        "'--set', 'population.n_firms=300', '--set', 'simulation.quarters=8']) == 0; "
        "assert 'matplotlib' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    assert (tmp_path / "overview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper is forked")


def _count_whole_draws(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the figures that png() draws whole rather than in parts."""
    calls: list[int] = []
    whole = run_figure._whole

    def counted(overview: run_figure.Overview) -> bytes:
        calls.append(1)
        return whole(overview)

    monkeypatch.setattr(run_figure, "_whole", counted)
    return calls


def test_the_png_holds_the_pixels_savefig_writes():
    from PIL import Image

    from clusterpolicy.outputs.figures import render

    spec = output.overview_spec(_series(), "a title")
    ours, savefig = (Image.open(io.BytesIO(b)) for b in (run_figure.png(spec), render(run_figure.draw(spec))))
    assert ours.mode == savefig.mode == "RGBA" and ours.info["dpi"] == pytest.approx(savefig.info["dpi"])
    assert ours.info["Software"] == savefig.info["Software"]
    assert np.array_equal(np.asarray(ours), np.asarray(savefig))


@fork
def test_a_helper_draws_the_bottom_row_and_the_joined_png_is_the_same(monkeypatch):
    spec = output.overview_spec(_series(), "a title")
    whole = run_figure.png(spec)
    whole_draws = _count_whole_draws(monkeypatch)
    monkeypatch.setattr(run_figure, "_cores", lambda: 2)
    run_figure.start_helper()
    assert run_figure.png(spec) == whole and not whole_draws and not run_figure._HELPERS


@fork
def test_on_one_core_no_helper_is_forked_and_the_figure_is_drawn_whole(monkeypatch):
    spec = output.overview_spec(_series(), "a title")
    whole = run_figure.png(spec)
    whole_draws = _count_whole_draws(monkeypatch)
    monkeypatch.setattr(run_figure, "_cores", lambda: 1)
    run_figure.start_helper()
    assert not run_figure._HELPERS
    assert run_figure.png(spec) == whole and len(whole_draws) == 1


@fork
def test_parts_that_overlap_or_a_failed_helper_leave_the_whole_figure_here(monkeypatch, capfd):
    spec = output.overview_spec(_series(), "a title")
    whole = run_figure.png(spec)
    whole_draws = _count_whole_draws(monkeypatch)
    monkeypatch.setattr(run_figure, "_cores", lambda: 2)
    monkeypatch.setattr(run_figure, "HELPER_PANELS", range(2, 8))
    run_figure.start_helper()  # a helper that draws panels 2 and 3 too
    monkeypatch.setattr(run_figure, "HELPER_PANELS", range(4, 8))
    assert run_figure.png(spec) == whole and len(whole_draws) == 1

    def fail(rgba):  # type: ignore[no-untyped-def]
        raise RuntimeError("the helper fails")

    monkeypatch.setattr(run_figure, "_drawn", fail)
    run_figure.start_helper()
    assert run_figure.png(spec) == whole and len(whole_draws) == 2
    assert "the helper fails" in capfd.readouterr().err

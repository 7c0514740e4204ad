"""Output folders: checked before any run, written as one set, never a file the tool did not write."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
import pytest

from clusterpolicy.cli.main import main
from clusterpolicy.inputs.checks import check_folder
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.runs.folders import MARK, default_folder, marked_files, written

FAST = [
    "--set",
    "population.n_firms=300",
    "--set",
    "simulation.quarters=4",
    "--set",
    "simulation.burn_in_quarters=0",
]


def _no_model(monkeypatch):
    """Fail the test if a model runs (the folder must be refused before)."""

    def boom(*a, **k):
        raise AssertionError("a model ran")

    monkeypatch.setattr("clusterpolicy.studies.run.run_one", boom)


@pytest.mark.parametrize("where", ["under a file", "proc", "empty"])
def test_an_out_that_cannot_be_a_folder_is_one_line_before_any_run(where, tmp_path, capsys, monkeypatch):
    _no_model(monkeypatch)
    (tmp_path / "file").write_text("x")
    out = {"under a file": str(tmp_path / "file" / "sub"), "proc": "/proc/clusterpolicy-test", "empty": ""}[
        where
    ]
    assert main(["run", "concept_note_2015", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith("clusterpolicy: error: --out: ") and err.count("\n") == 1
    assert (tmp_path / "file").read_text() == "x"


@pytest.mark.parametrize(
    ("fail", "expected"),
    [("mkdtemp", "Read-only file system"), ("statvfs", "No space left on device")],
)
def test_a_read_only_or_full_file_system_is_found_before_any_run(
    fail, expected, tmp_path, capsys, monkeypatch
):
    import clusterpolicy.inputs.checks as checks

    _no_model(monkeypatch)
    if fail == "mkdtemp":

        def read_only(*a, **k):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))

        monkeypatch.setattr(checks.tempfile, "mkdtemp", read_only)
    else:
        full = os.statvfs(tmp_path)

        class Full:
            f_bavail, f_frsize = 0, full.f_frsize

        monkeypatch.setattr(checks.os, "statvfs", lambda _: Full)
    assert main(["run", "concept_note_2015", "--out", str(tmp_path / "new")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--out" in err and expected in err
    assert not (tmp_path / "new").exists(), "nothing created"


def test_a_full_disk_half_way_leaves_the_previous_set_of_files(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert main(["run", "concept_note_2015", "--seed", "1", "--out", str(out), *FAST]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("clusterpolicy.outputs.run.write_bytes", full)  # the figure, the last of three
    assert main(["run", "concept_note_2015", "--seed", "7", "--out", str(out), *FAST]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err and "as they were" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "seed 1's set, whole; no staging left"


def test_a_file_the_tool_did_not_write_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "home"
    out.mkdir()
    (out / "summary.json").write_text("my own summary")
    assert main(["run", "concept_note_2015", "--out", str(out), *FAST]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "summary.json, which clusterpolicy did not write" in err
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]
    assert (out / "summary.json").read_text() == "my own summary"
    (out / "summary.json").unlink()
    assert main(["run", "concept_note_2015", "--out", str(out), *FAST]) == 0
    assert marked_files(out) == {"timeseries.csv", "summary.json", "overview.png"} and (out / MARK).exists()
    assert main(["run", "concept_note_2015", "--seed", "2", "--out", str(out), *FAST]) == 0, (
        "its own: rewritten"
    )


def test_written_moves_a_set_into_place_only_when_it_is_complete(tmp_path):
    from clusterpolicy.outputs.files import write_text

    out = tmp_path / "o"
    with written(out):
        write_text(out / "a.txt", "1")
        write_text(out / "b.txt", "1")
        assert not (out / "a.txt").exists(), "staged until the set is complete"
    with pytest.raises(RuntimeError), written(out):
        write_text(out / "a.txt", "2")
        raise RuntimeError("half way")
    assert (out / "a.txt").read_text() == "1" and sorted(p.name for p in out.iterdir()) == [
        MARK,
        "a.txt",
        "b.txt",
    ]


@pytest.mark.parametrize("name", ["../../../escaped_run", "/etc/x", "a/b", ".hidden", "", 5])
def test_names_from_data_cannot_leave_the_output_root(name, tmp_path):
    with pytest.raises(InputError, match="a name of letters"):
        default_folder(tmp_path / "results", name)  # type: ignore[arg-type]


def test_a_scenario_named_like_a_path_writes_nothing_outside_results(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "work").mkdir()
    sc = tmp_path / "work" / "esc.toml"
    sc.write_text('name = "../../../escaped_run"\nextends = "concept_note_2015"\n')
    assert main(["run", str(sc), *FAST]) == 2
    err = capsys.readouterr().err
    assert "esc.toml: name = '../../../escaped_run'" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["esc.toml", "work"]
    sc.write_text('name = 5\nextends = "concept_note_2015"\n')
    assert main(["check", str(sc)]) == 2 and "name = 5" in capsys.readouterr().err


def test_run_with_set_and_no_out_keeps_the_plain_scenarios_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.toml").write_text(
        'extends = "concept_note_2015"\n[population]\nn_firms = 300\n'
        "[simulation]\nquarters = 4\nburn_in_quarters = 0\n"
    )
    assert main(["run", "tiny.toml"]) == 0
    plain = (tmp_path / "results" / "tiny" / "timeseries.csv").read_bytes()
    assert main(["run", "tiny.toml", "--set", "policy.privileged_share=0"]) == 0
    printed = capsys.readouterr().out
    assert (tmp_path / "results" / "tiny" / "timeseries.csv").read_bytes() == plain
    other = [p for p in (tmp_path / "results").iterdir() if p.name.startswith("tiny-set-")]
    assert len(other) == 1 and f"wrote {Path('results') / other[0].name}/" in printed
    assert pd.read_csv(other[0] / "timeseries.csv")["projects_privileged_funded_total"].iloc[-1] == 0


def test_check_folder_creates_nothing(tmp_path):
    assert check_folder("out", tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match=r"^out: '': a folder"):
        check_folder("out", "")

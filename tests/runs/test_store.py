"""A fresh start deletes only what this package wrote, and only after every input is valid."""

from __future__ import annotations

import pytest
from specs import TINY_SET, write_sweep_spec

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.runs.store import discard, is_store
from clusterpolicy.studies.compare import compare
from clusterpolicy.studies.sweep import sweep

NAMES = ["concept_note_2015", "no_cluster_policy"]


def _run(task):
    import pandas as pd

    return pd.DataFrame({"quarter": ["2016Q1"], "members": [float(task.seed % 7)]})


def test_discard_deletes_a_store_and_refuses_when_anything_else_is_in_it(tmp_path):
    out = tmp_path / "out"
    sweep(load_spec(write_sweep_spec(tmp_path, "lhs", 3, reps=1)), out, workers=1, run=_run, progress=False)
    (out / "notes.txt").write_text("mine")
    (out / "chunks" / "keep.txt").write_text("also mine")
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    with pytest.raises(InputError, match=r"besides a run store, chunks/keep.txt, notes.txt, which"):
        discard(out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before, "nothing deleted"
    (out / "notes.txt").unlink()
    (out / "chunks" / "keep.txt").unlink()
    assert is_store(out) and discard(out)
    assert sorted(p.name for p in out.rglob("*")) == [".lock"]
    assert discard(out) is False, "an emptied store is nothing to delete"


def test_discard_refuses_what_it_did_not_write(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("years of work")
    (home / "manifest.json").write_text('{"title": "my manifest"}')  # not a store's manifest
    with pytest.raises(InputError, match="not a run directory"):
        discard(home)
    assert (home / "thesis.tex").read_text() == "years of work" and (home / "manifest.json").exists()
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        discard(tmp_path / "file")
    assert discard(tmp_path / "missing") is False
    (tmp_path / "empty").mkdir()
    assert discard(tmp_path / "empty") is False and (tmp_path / "empty").is_dir()


def test_fresh_compare_refuses_a_store_folder_it_did_not_write(tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "data.csv").write_text("1,2,3")
    with pytest.raises(InputError, match="not a run directory"):
        compare(NAMES, 2, out=tmp_path, workers=1, run=_run, progress=False, fresh=True)
    assert (tmp_path / "store" / "data.csv").read_text() == "1,2,3"


def test_fresh_deletes_nothing_when_an_input_is_bad(tmp_path):
    out = tmp_path / "c"
    compare(NAMES, 2, out=out, workers=1, run=_run, progress=False)
    before = sorted(p.name for p in (out / "store").rglob("*"))
    with pytest.raises(InputError, match="replications"):
        compare(NAMES, 1, out=out, workers=1, run=_run, progress=False, fresh=True)
    with pytest.raises(InputError, match="no_such"):
        compare([*NAMES, "no_such"], 2, out=out, workers=1, run=_run, progress=False, fresh=True)
    assert sorted(p.name for p in (out / "store").rglob("*")) == before
    # a sweep whose design breaks a rule at one point: the stored sweep is kept
    sw = tmp_path / "s"
    sweep(load_spec(write_sweep_spec(tmp_path, "lhs", 3, reps=1)), sw, workers=1, run=_run, progress=False)
    bad = tmp_path / "bad.toml"
    bad.write_text(
        f'[sweep]\nbase = "concept_note_2015"\ndesign = "lhs"\nn = 20\nset = {TINY_SET}\n'
        'outcomes = ["members"]\n[[parameter]]\nkey = "behaviour.leave_threshold"\nbounds = [-3000, 3000]\n'
    )
    with pytest.raises(InputError, match="design point"):
        sweep(load_spec(bad), sw, workers=1, run=_run, progress=False, fresh=True)
    assert is_store(sw) and len(list((sw / "chunks").glob("*.parquet"))) == 1


def test_fresh_starts_a_store_over(tmp_path):
    calls = []

    def counting(task):
        calls.append(task.run_id)
        return _run(task)

    compare(NAMES, 2, out=tmp_path, workers=1, run=counting, progress=False)
    compare(NAMES, 2, out=tmp_path, workers=1, run=counting, progress=False)
    assert len(calls) == 4, "the second call resumes"
    compare(NAMES, 2, out=tmp_path, workers=1, run=counting, progress=False, fresh=True)
    assert len(calls) == 8, "fresh runs everything again"

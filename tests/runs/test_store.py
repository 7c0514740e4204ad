"""The store: a fresh start deletes only what this package wrote (and only after every input is valid); one
process at a time; damaged files are set aside and their runs run again; the stored design is checked."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from specs import TINY_SET, write_sweep_spec

from clusterpolicy.cli.main import main
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.runs.store import StoreWarning, discard, is_store
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


# ---------------------------------------------------------------- a fresh start in a folder it did not make
def test_fresh_sweep_in_a_git_checkout_with_a_web_apps_manifest_deletes_nothing(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (repo / "index.html").write_text("<html></html>")
    (repo / "manifest.json").write_text('{"name": "my web app", "design": {}, "provenance": {}}')
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    spec = write_sweep_spec(tmp_path, "lhs", 2, reps=1)
    assert main(["sweep", str(spec), "--out", str(repo), "--fresh", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert ".git/" in err and "index.html" in err and "deletes nothing" in err
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before
    bad = tmp_path / "bad.toml"
    bad.write_text("[sweep\n")
    assert main(["sweep", str(bad), "--out", str(repo), "--fresh"]) == 2, "a bad spec: refused before"
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before


# ---------------------------------------------------------------- two processes on one folder
def test_a_second_process_on_a_store_in_use_is_told_which_process_holds_it(tmp_path, capsys):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom clusterpolicy.runs.store import store_lock\n"
            f"with store_lock({str(out)!r}):\n    print('locked', flush=True)\n    time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        spec = write_sweep_spec(tmp_path, "lhs", 2, reps=1)
        assert main(["sweep", str(spec), "--out", str(out), "--workers", "1"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "is in use by another clusterpolicy process" in err
        assert f"pid {holder.pid}" in err
        assert not (out / "manifest.json").exists(), "the second process wrote nothing"
    finally:
        holder.kill()
        holder.wait()
    sweep(load_spec(spec), out, workers=1, run=_run, progress=False)  # the lock ends with its process


# ---------------------------------------------------------------- damaged stores recover
def _tiny(tmp_path, name="s", n=4):
    spec = load_spec(write_sweep_spec(tmp_path, "lhs", n, reps=1, name=name))
    return spec, tmp_path / name


def test_a_truncated_chunk_is_named_set_aside_and_its_runs_run_again(tmp_path):
    spec, out = _tiny(tmp_path)
    clean = sweep(spec, out, workers=1, run=_run, progress=False).results()
    chunk = next((out / "chunks").glob("chunk-*.parquet"))
    chunk.write_bytes(chunk.read_bytes()[: chunk.stat().st_size // 2])
    with pytest.warns(StoreWarning, match=rf"{chunk.name}: damaged .*set aside .*quarantine.*run again"):
        again = sweep(spec, out, workers=1, run=_run, progress=False)
    assert again.summary.done == 4 and (out / "quarantine" / chunk.name).exists()
    pd.testing.assert_frame_equal(again.results(), clean)


def test_a_garbage_run_file_does_not_count_as_done(tmp_path):
    spec, out = _tiny(tmp_path)
    clean = sweep(spec, out, workers=1, run=_run, progress=False).results()
    for chunk in (out / "chunks").glob("*.parquet"):
        chunk.unlink()
    (out / "runs" / "run-000000001.parquet").write_bytes(b"not parquet at all")
    with pytest.warns(StoreWarning, match="run-000000001.parquet: damaged"):
        again = sweep(spec, out, workers=1, run=_run, progress=False)
    assert again.summary.done == 4
    pd.testing.assert_frame_equal(again.results(), clean)
    assert sweep(spec, out, workers=1, run=_run, progress=False).summary.done == 0, "and it resumes"


# ---------------------------------------------------------------- the stored design, not only the manifest
def _other(tmp_path, name="s"):
    path = write_sweep_spec(tmp_path, "lhs", 4, reps=1, name=name)
    path.write_text(path.read_text().replace("bounds = [0.0, 0.6]", "bounds = [0.0, 0.3]"))
    return load_spec(path)


@pytest.mark.parametrize("damage", ["delete manifest", "delete manifest and design", "edit manifest"])
def test_a_deleted_or_edited_manifest_never_mixes_two_designs(tmp_path, damage):
    spec, out = _tiny(tmp_path)
    sweep(spec, out, workers=1, run=_run, progress=False)
    other = _other(tmp_path / "o") if (tmp_path / "o").mkdir() is None else None
    assert other is not None
    if damage == "edit manifest":  # make the manifest say the other design was run
        sweep(other, tmp_path / "o" / "out", workers=1, run=_run, progress=False)
        (out / "manifest.json").write_text((tmp_path / "o" / "out" / "manifest.json").read_text())
    else:
        (out / "manifest.json").unlink()
        if damage.endswith("design"):
            (out / "design.parquet").unlink()
    with pytest.raises(InputError, match="different design or model version"):
        sweep(other, out, workers=1, run=_run, progress=False)


def test_a_manifest_that_is_not_json_is_one_line_and_recovers_in_a_store(tmp_path, capsys):
    spec, out = _tiny(tmp_path)
    sweep(spec, out, workers=1, run=_run, progress=False)
    (out / "manifest.json").write_text("{ not json")
    with pytest.warns(StoreWarning, match=r"manifest.json: not valid JSON .*set aside"):
        again = sweep(spec, out, workers=1, run=_run, progress=False)
    assert again.summary.done == 0 and json.loads((out / "manifest.json").read_text())["store"]
    alien = tmp_path / "alien"
    alien.mkdir()
    (alien / "manifest.json").write_text("{ not json")
    spec_path = write_sweep_spec(tmp_path, "lhs", 2, reps=1)
    assert main(["sweep", str(spec_path), "--out", str(alien), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid JSON" in err and "not touching it" in err
    assert (alien / "manifest.json").read_text() == "{ not json"


# ---------------------------------------------------------------- a full disk while runs are stored
def test_a_full_disk_while_storing_is_one_line_and_the_stored_runs_resume(tmp_path, monkeypatch):
    import clusterpolicy.runs.store as store_module

    monkeypatch.setattr(store_module, "CHUNK_RUNS", 1)  # a chunk per run: the disk fills between two runs
    spec, out = _tiny(tmp_path, n=6)
    real, calls = store_module.pq.write_table, []

    def filling(table, where, **kw):
        calls.append(where)
        if len(calls) > 3:  # the design file and two runs fit
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(where))
        return real(table, where, **kw)

    monkeypatch.setattr(store_module.pq, "write_table", filling)
    with pytest.raises(InputError, match=r"No space left on device.*the 2 runs stored .* are kept"):
        sweep(spec, out, workers=1, run=_run, progress=False)
    monkeypatch.setattr(store_module.pq, "write_table", real)
    again = sweep(spec, out, workers=1, run=_run, progress=False)
    assert again.summary.done == 4 and not list((out / "chunks").glob(".chunk-*")), "no temporary file left"


# ---------------------------------------------------------------- runs are written in chunks
def test_runs_are_written_in_chunks_with_their_status_lines(tmp_path, monkeypatch):
    import clusterpolicy.runs.store as store_module

    monkeypatch.setattr(store_module, "CHUNK_RUNS", 4)
    spec, out = _tiny(tmp_path, n=10)
    res = sweep(spec, out, workers=1, run=_run_both, progress=False)
    sizes = sorted(len(pd.read_parquet(f)) for f in (out / "chunks").glob("chunk-*.parquet"))
    assert sizes == [2, 4, 4], "one file per chunk of 4 runs, and the rest at the end"
    assert not list((out / "runs").glob("*")), "no file per run"
    status = [json.loads(line) for line in (out / "status.jsonl").read_text().splitlines()]
    assert sorted(r["run_id"] for r in status) == list(range(10))
    assert {r["status"] for r in status} == {"done"}
    results = res.results()
    assert sorted(results["run_id"]) == list(range(10)) and (results["status"] == "done").all()
    assert (results["members"] == [float(seed % 7) for seed in results["seed"]]).all()


def _run_both(task):
    return _run(task).assign(business_rd=1.0)  # both outcomes of the spec


def test_a_chunk_is_written_when_its_runs_took_long_enough(tmp_path):
    from clusterpolicy.runs.execution import RunOutput
    from clusterpolicy.runs.store import RunStore

    store = RunStore.open(tmp_path / "s", {"design": {"x": 1}})
    store.chunk_seconds = 10.0
    for i in range(5):  # 4 s each: the third run brings the chunk to 12 s
        store.record(RunOutput(i, i, f"point-{i}", 0, 1, _run(type("T", (), {"seed": i})()), 4.0))
    assert len(list(store.chunks_dir.glob("chunk-*.parquet"))) == 1 and store.done_ids() == {0, 1, 2}
    store.compact()
    assert store.done_ids() == set(range(5))


def _interrupted(task):
    if task.run_id == 5:
        raise KeyboardInterrupt
    return _run(task)


def test_ctrl_c_keeps_the_runs_that_finished(tmp_path):
    spec, out = _tiny(tmp_path, n=8)
    with pytest.raises(KeyboardInterrupt):
        sweep(spec, out, workers=1, run=_interrupted, progress=False)
    from clusterpolicy.runs.store import RunStore

    done = RunStore(out).done_ids()
    # the chunk not yet written is written on the way out; run 4 may still be in flight (not handed over)
    assert set(range(4)) <= done <= set(range(5))
    assert sweep(spec, out, workers=1, run=_run, progress=False).summary.done == 8 - len(done)

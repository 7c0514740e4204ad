"""The evaluator and the store: paired seeds, failures and retries, resume after kill -9, executors, fresh,
compaction."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Executor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from specs import TINY_SET
from specs import write_sweep_spec as write_spec

from clusterpolicy.cli.main import main
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.runs.execution import REMOTE_BATCH, Execution, execute
from clusterpolicy.runs.samplers import sweep_design
from clusterpolicy.runs.store import RunStore
from clusterpolicy.studies.sweep import sweep


def _synthetic(task):
    """Outcome = 10 * privileged_share + replicate noise (known, cheap)."""
    x = task.params.policy.privileged_share
    noise = np.random.default_rng(task.seed).normal(0, 0.1)
    return pd.DataFrame({"quarter": ["2016Q1"], "members": [10 * x + noise], "business_rd": [1.0]})


def test_a_sweep_runs_every_design_point_with_paired_seeds(tmp_path):
    spec = load_spec(write_spec(tmp_path, "lhs", 5, reps=2))
    res = sweep(spec, tmp_path / "out", workers=1, run=_synthetic, progress=False)
    df = res.results()
    assert (df["status"] == "done").all()
    assert len(df) == 10 and sorted(df["run_id"]) == list(range(10))
    assert df.groupby("replicate")["seed"].nunique().eq(1).all()
    assert np.allclose(df["members"], 10 * df["policy.privileged_share"], atol=0.5)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert (
        manifest["design"]["design"] == "lhs"
        and len(manifest["design"]["points"]["policy.privileged_share"]) == 5
    )
    assert "git_commit" in manifest["provenance"] and "packages" in manifest["provenance"]


FLAG = "CLUSTERPOLICY_TEST_FAIL_POINT"


def _flaky(task):
    if os.environ.get(FLAG) == str(task.point):
        raise ValueError(f"bad point {task.point}")
    return _synthetic(task)


def test_a_failing_run_is_recorded_and_retried_only_on_request(tmp_path, monkeypatch):
    spec = load_spec(write_spec(tmp_path, "lhs", 4, reps=2))
    out = tmp_path / "out"
    monkeypatch.setenv(FLAG, "2")
    res = sweep(spec, out, workers=1, run=_flaky, progress=False)
    assert res.summary.done == 6 and res.summary.failed == 2
    failures = res.store.failures()
    assert set(failures) == {4, 5} and all("ValueError: bad point 2" in e for e in failures.values())
    monkeypatch.delenv(FLAG)
    again = sweep(spec, out, workers=1, run=_flaky, progress=False)
    assert again.summary.done == 0 and set(again.store.failures()) == {4, 5}, "not retried unasked"
    retried = sweep(spec, out, workers=1, run=_flaky, progress=False, retry_failed=True)
    assert retried.summary.done == 2 and not retried.store.failures()
    assert sorted(retried.results()["run_id"]) == list(range(8))
    assert (retried.results()["status"] == "done").all()


def test_a_different_design_in_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    sweep(load_spec(write_spec(tmp_path, "lhs", 3, reps=1)), out, workers=1, run=_synthetic, progress=False)
    with pytest.raises(Exception, match="different design"):
        sweep(
            load_spec(write_spec(tmp_path, "lhs", 4, reps=1)), out, workers=1, run=_synthetic, progress=False
        )


def _cli(*args: str, chunk_runs: int = 3) -> list[str]:
    """The command line, storing runs in small chunks of ``chunk_runs`` (so that a kill finds some)."""
    code = (
        f"import sys\nimport clusterpolicy.runs.store as store\nstore.CHUNK_RUNS = {chunk_runs}\n"
        "from clusterpolicy.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"
    )
    return [sys.executable, "-c", code, *args]


def _done_lines(out: Path) -> int:
    status = out / "status.jsonl"
    if not status.exists():
        return 0
    return sum(1 for line in status.read_text().splitlines() if '"done"' in line)


def test_a_killed_sweep_resumes_and_runs_each_run_exactly_once(tmp_path):
    spec_path = write_spec(tmp_path, "lhs", 30, reps=2, extra='keep = "timeseries"')
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    proc = subprocess.Popen(
        _cli("sweep", str(spec_path), "--out", str(killed), "--workers", "1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while _done_lines(killed) < 8 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep finished before it could be killed; make it longer"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    n_before = len(RunStore(killed).done_ids())
    assert 8 <= n_before < 60
    assert main(["sweep", str(spec_path), "--out", str(killed), "--workers", "1"]) == 0
    assert main(["sweep", str(spec_path), "--out", str(clean), "--workers", "1"]) == 0
    a, b = RunStore(killed).read(), RunStore(clean).read()
    assert sorted(a["run_id"].unique()) == list(range(60))
    assert a.groupby("run_id").size().eq(4).all(), "each run stored exactly once (4 quarters)"
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


@pytest.fixture(scope="module")
def dask_executor():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    executor = client.get_executor()
    executor.address = cluster.scheduler_address
    yield executor
    client.close()
    cluster.close()


def test_one_worker_two_workers_and_dask_give_identical_results(tmp_path, dask_executor):
    spec = load_spec(write_spec(tmp_path, "morris", 2, reps=2))
    frames = []
    for name, kwargs in (
        ("one", {"workers": 1}),
        ("two", {"workers": 2}),
        ("dask", {"executor": dask_executor}),
        ("dask, in batches of 3", {"scheduler": dask_executor.address, "batch": 3}),
    ):
        res = sweep(spec, tmp_path / name, progress=False, **kwargs)
        assert res.summary.failed == 0
        frames.append(res.results().sort_values("run_id").reset_index(drop=True))
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], other)


def test_a_dask_scheduler_keeps_its_cluster_busy_not_as_many_tasks_as_this_machine_has_cores(dask_executor):
    with Execution(scheduler=dask_executor.address, workers=1).session() as ex:
        assert ex.workers == 2 and ex.window == 4, "the cluster's 2 workers, not the 1 asked for here"
        assert ex.batch_for(1000) == REMOTE_BATCH


class _Counting(Executor):
    """Runs tasks in process but only when waited on, counting how many are in flight at most."""

    def __init__(self):
        self.in_flight = 0
        self.max_in_flight = 0

    def submit(self, fn, /, *args, **kwargs):
        from concurrent.futures import Future

        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        f: Future = Future()
        f.set_result(fn(*args, **kwargs))
        f.add_done_callback(lambda _: None)
        return f


def test_the_parent_keeps_only_a_bounded_number_of_runs_in_flight(tmp_path):
    spec = load_spec(write_spec(tmp_path, "lhs", 50, reps=2))
    ex = _Counting()
    seen = []

    def on_result(r):
        ex.in_flight -= 1
        seen.append(r.run_id)

    execute(
        sweep_design(spec).tasks(),
        on_result,
        Execution(executor=ex, workers=2, progress=False),
        run=_synthetic,
    )
    assert len(seen) == 100 and ex.max_in_flight <= 4


def test_fresh_deletes_only_a_run_directory(tmp_path):
    spec = load_spec(write_spec(tmp_path, "lhs", 2, reps=1))
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(Exception, match="not a run directory"):
        sweep(spec, precious, workers=1, run=_synthetic, progress=False, fresh=True)
    assert (precious / "thesis.tex").read_text() == "years of work"
    out = tmp_path / "out"
    sweep(spec, out, workers=1, run=_synthetic, progress=False)
    again = sweep(spec, out, workers=1, run=_synthetic, progress=False, fresh=True)
    assert again.summary.done == 2, "a run directory is started over"


def test_a_design_point_breaking_a_two_key_rule_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        f"""[sweep]
base = "concept_note_2015"
design = "lhs"
n = 20
set = {TINY_SET}
outcomes = ["members"]
[[parameter]]
key = "behaviour.leave_threshold"
bounds = [-3000, 3000]
"""
    )
    spec = load_spec(path)
    out = tmp_path / "out"
    with pytest.raises(Exception, match=r"design point .*leave_threshold.*at most behaviour\.join_threshold"):
        sweep(spec, out, workers=1, run=_synthetic, progress=False)
    assert not out.exists()


def test_compaction_never_overwrites_a_chunk(tmp_path):
    spec = load_spec(write_spec(tmp_path, "lhs", 3, reps=1))
    out = tmp_path / "out"
    sweep(spec, out, workers=1, run=_synthetic, progress=False)
    store = RunStore(out)
    (store.chunks_dir / "chunk-00000.parquet").rename(store.chunks_dir / "chunk-00007.parquet")
    sweep(spec, out, workers=1, run=_synthetic, progress=False, retry_failed=True)
    res = sweep(
        load_spec(write_spec(tmp_path, "lhs", 3, reps=1)), out, workers=1, run=_synthetic, progress=False
    )
    assert res.summary.done == 0
    # add a run file by hand and compact: the new chunk is numbered after the highest, not by count
    (store.runs_dir / "run-000000099.parquet").write_bytes(
        next(store.chunks_dir.glob("*.parquet")).read_bytes()
    )
    store.compact()
    assert sorted(p.name for p in store.chunks_dir.glob("*.parquet")) == [
        "chunk-00007.parquet",
        "chunk-00008.parquet",
    ]


def test_stored_runs_are_keyed_to_the_code_that_runs_in_a_worker(tmp_path, monkeypatch):
    import shutil

    import clusterpolicy.runs.evaluate as evaluate_module

    spec = load_spec(write_spec(tmp_path, "lhs", 2, reps=1))
    out = tmp_path / "out"
    sweep(spec, out, workers=1, run=_synthetic, progress=False)
    assert "runner_source" in json.loads((out / "manifest.json").read_text())["design"]["model_version"]
    changed = tmp_path / "runs"
    shutil.copytree(Path(evaluate_module.__file__).parent, changed)
    (changed / "runner.py").write_text((changed / "runner.py").read_text() + "\n# a change in the runner\n")
    monkeypatch.setattr(evaluate_module, "__file__", str(changed / "evaluate.py"))
    with pytest.raises(Exception, match="different design or model version"):
        sweep(spec, out, workers=1, run=_synthetic, progress=False)

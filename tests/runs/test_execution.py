"""Where runs go: the main-script check that decides between worker processes and this process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import types
import warnings
from pathlib import Path

import pandas as pd
import pytest
from specs import write_sweep_spec

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.runs.design import Point, replicate_seeds, tasks
from clusterpolicy.runs.execution import (
    LOCAL_BATCH,
    REMOTE_BATCH,
    Execution,
    InProcess,
    RunFailure,
    SerialFallbackWarning,
    execute,
    main_script_reruns,
    run_batch,
)


def _main(monkeypatch, file=None, spec_name=None, origin=None):
    mod = types.ModuleType("__main__")
    if file is not None:
        mod.__file__ = str(file)
    mod.__spec__ = None if spec_name is None else types.SimpleNamespace(name=spec_name, origin=origin)
    monkeypatch.setitem(sys.modules, "__main__", mod)


def test_worker_processes_are_used_only_when_they_would_not_rerun_the_main_script(tmp_path, monkeypatch):
    guarded = tmp_path / "guarded.py"
    guarded.write_text("import x\n\nif __name__ == '__main__':\n    x.run()\n")
    plain = tmp_path / "plain.py"
    plain.write_text("import x\nx.run()\n")
    _main(monkeypatch)  # a notebook, python -c
    assert main_script_reruns() is None
    _main(monkeypatch, file=guarded)
    assert main_script_reruns() is None
    _main(monkeypatch, file=plain)
    assert "plain.py has no `if __name__" in main_script_reruns()
    _main(monkeypatch, file="<stdin>")  # piped code: workers could not import it again
    assert "cannot import the main script <stdin>" in main_script_reruns()
    _main(monkeypatch, spec_name="clusterpolicy.__main__", origin="ignored")  # python -m clusterpolicy
    assert main_script_reruns() is None
    _main(monkeypatch, spec_name="mymodule", origin=str(plain))  # python -m mymodule, unguarded
    assert main_script_reruns() is not None


def _run(task):
    return pd.DataFrame({"quarter": ["2016Q1"], "members": [float(task.seed % 5)]})


def test_an_unguarded_script_runs_in_this_process_with_a_warning(tmp_path, monkeypatch):
    plain = tmp_path / "plain.py"
    plain.write_text("work()\n")
    _main(monkeypatch, file=plain)
    seen = []
    todo = tasks([Point(0, "p", None, {})], replicate_seeds(1, 3))  # type: ignore[arg-type]
    with pytest.warns(SerialFallbackWarning, match="running in this process, not in 2 worker processes"):
        summary = execute(todo, seen.append, Execution(workers=2, progress=False), run=_run)
    assert summary.done == 3 and sorted(r.run_id for r in seen) == [0, 1, 2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SerialFallbackWarning)
        with Execution(workers=2).session() as ex:
            assert isinstance(ex.executor, InProcess)


def test_bad_settings_are_one_line_about_the_argument():
    with pytest.raises(InputError, match=r"^workers: 0: a whole number of at least 1$"):
        Execution(workers=0)
    with pytest.raises(InputError, match="executor or a scheduler, not both"):
        Execution(executor=InProcess(), scheduler="tcp://x:1")


# ---------------------------------------------------------------- runs sent in batches
def test_the_batch_of_runs_of_one_task_follows_the_executor_and_the_design():
    assert Execution(workers=1).batch_for(10_000) == 1
    assert Execution(executor=InProcess()).batch_for(None) == 1
    assert Execution(workers=2).batch_for(10_000) == LOCAL_BATCH
    assert Execution(workers=2).batch_for(16) == 2, "at least 4 tasks a worker"
    assert Execution(workers=2).batch_for(5) == 1
    assert Execution(scheduler="tcp://x:1", workers=2).batch_for(10_000) == REMOTE_BATCH > LOCAL_BATCH
    assert Execution(workers=2, batch=3).batch_for(5) == 3
    with pytest.raises(InputError, match=r"^batch: 0: a whole number of at least 1$"):
        Execution(batch=0)


class _Recording(InProcess):
    """Runs each task here, and keeps the tasks of each."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        self.batches.append([t.run_id for t in args[0]])
        return super().submit(fn, *args, **kwargs)


def test_runs_go_in_batches_and_give_the_same_results():
    todo = lambda: tasks([Point(0, "p", None, {})], replicate_seeds(1, 10))  # type: ignore[arg-type]  # noqa: E731
    results = {}
    for batch in (1, 4):
        ex = _Recording()
        seen = []
        summary = execute(todo(), seen.append, Execution(executor=ex, batch=batch, progress=False), run=_run)
        assert summary.done == 10 and sorted(r.run_id for r in seen) == list(range(10))
        fours = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
        assert ex.batches == ([[i] for i in range(10)] if batch == 1 else fours)
        results[batch] = sorted((r.run_id, r.seed, str(r.timeseries.to_dict())) for r in seen)
    assert results[1] == results[4]


def _unpicklable_for_seed_of_run_2(task):
    ts = _run(task)
    if task.run_id == 2:
        ts["members"] = [lambda: None]  # cannot be sent back from a worker
    return ts


def test_a_result_that_cannot_come_back_fails_its_run_alone_not_its_batch():
    todo = tasks([Point(0, "p", None, {})], replicate_seeds(1, 8))  # type: ignore[arg-type]
    seen = []
    summary = execute(
        todo, seen.append, Execution(workers=2, batch=4, progress=False), run=_unpicklable_for_seed_of_run_2
    )
    failed = [r for r in seen if isinstance(r, RunFailure)]
    assert summary.done == 7 and [r.run_id for r in failed] == [2], failed
    assert sorted(r.run_id for r in seen) == list(range(8)), "every run once"
    assert run_batch([], _run) == []


# ---------------------------------------------------------------- worker processes that die, or outlive us
def _cli(*args: str) -> list[str]:
    """The command line, storing every run as it finishes (chunks of one run), so progress shows at once."""
    code = (
        "import sys\nimport clusterpolicy.runs.store as store\nstore.CHUNK_RUNS = 1\n"
        "from clusterpolicy.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"
    )
    return [sys.executable, "-c", code, *args]


def _children(pid: int) -> set[int]:
    """Every process descended from ``pid`` (read from /proc)."""
    parent_of = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parent_of[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parent_of.items() if pp in frontier} - out
        out |= frontier
    return out


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(predicate, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _long_sweep(tmp_path: Path, n: int = 40) -> list[str]:
    spec = write_sweep_spec(tmp_path, "lhs", n, reps=1)
    return _cli("sweep", str(spec), "--out", str(tmp_path / "out"), "--workers", "2")


def _done(out: Path) -> int:
    status = out / "status.jsonl"
    return status.read_text().count('"done"') if status.exists() else 0


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_kill_9_of_the_parent_leaves_no_worker_forkserver_or_resource_tracker(tmp_path):
    proc = subprocess.Popen(_long_sweep(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: _done(tmp_path / "out") >= 2 or proc.poll() is not None)
        assert proc.poll() is None, "the sweep ended before it could be killed; make it longer"
        family = _children(proc.pid)
        assert len(family) >= 3, family  # forkserver, resource tracker, two workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _wait_for(lambda: not any(_alive(p) for p in family), 30), [p for p in family if _alive(p)]
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_kill_9_of_a_worker_does_not_end_the_sweep(tmp_path):
    proc = subprocess.Popen(
        _long_sweep(tmp_path, 24), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert _wait_for(lambda: _done(tmp_path / "out") >= 2 or proc.poll() is not None)
    assert proc.poll() is None, "the sweep ended before a worker could be killed; make it longer"
    # the workers are the grandchildren (children of the forkserver) that run the model
    workers = [
        p for p in _children(proc.pid) if _children(p) == set() and p not in _direct_children(proc.pid)
    ]
    assert workers, _children(proc.pid)
    os.kill(workers[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "finished" in out
    from clusterpolicy.runs.store import RunStore

    assert sorted(RunStore(tmp_path / "out").done_ids()) == list(range(24)), "every run done, none twice"


def _direct_children(pid: int) -> set[int]:
    return {p for p in _children(pid) if _parent(p) == pid}


def _parent(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


# ---------------------------------------------------------------- results travel packed
def test_a_result_is_packed_when_pickled_and_comes_back_exactly():
    import pickle

    import numpy as np

    from clusterpolicy.runs.execution import Packed, RunOutput

    frame = pd.DataFrame(
        {
            "quarter": ["2016Q1", None, "2016Q3"],
            "members": [1, 2, 3],
            "share": [0.5, np.nan, 1e-300],
            "alive": [True, False, True],
        }
    )
    sent = pickle.loads(pickle.dumps(RunOutput(7, 3, "p", 1, 2**62, frame, 0.25)))
    assert isinstance(sent.rows, Packed), "a few arrays travel, not a data frame"
    pd.testing.assert_frame_equal(sent.timeseries, frame, check_exact=True)
    assert (sent.run_id, sent.point, sent.label, sent.replicate, sent.seed) == (7, 3, "p", 1, 2**62)
    # what cannot come back exactly travels as the data frame it is
    for odd in (frame.set_index("quarter"), frame.astype({"members": "category"}), frame.iloc[[2, 0]]):
        back = pickle.loads(pickle.dumps(RunOutput(0, 0, "p", 0, 1, odd, 0.1)))
        assert isinstance(back.rows, pd.DataFrame)
        pd.testing.assert_frame_equal(back.timeseries, odd, check_exact=True)


def test_a_final_only_run_collects_the_last_quarter_alone_and_the_same_values():
    from helpers import small

    from clusterpolicy.model import ClusterPolicyModel
    from clusterpolicy.runs.execution import FinalOnly
    from clusterpolicy.runs.runner import run_one

    p = small()
    task = tasks([Point(0, "base", p, {})], replicate_seeds(1, 1))[0]
    last = FinalOnly()(task)
    full = run_one(p, task.seed).timeseries
    assert len(last) == 1 and len(full) == p.simulation.quarters
    pd.testing.assert_frame_equal(last, full.iloc[[-1]].reset_index(drop=True), check_exact=True)
    m = ClusterPolicyModel(p, rng=task.seed, last_only=True)
    m.run()
    assert len(m.datacollector.model_vars["members"]) == 1, "the outcomes are collected once"

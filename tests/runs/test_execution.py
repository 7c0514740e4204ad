"""Where runs go: the main-script check that decides between worker processes and this process."""

from __future__ import annotations

import sys
import types
import warnings

import pandas as pd
import pytest

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.runs.design import Point, replicate_seeds, tasks
from clusterpolicy.runs.execution import (
    Execution,
    InProcess,
    SerialFallbackWarning,
    execute,
    main_script_reruns,
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

"""benchmarks/bench_instructions.py: its checks turn an invalid count into an error, not a number."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_instructions.py"


@pytest.fixture
def bench():
    spec = importlib.util.spec_from_file_location("bench_instructions", PATH)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def fake(bench, monkeypatch, counts, tree, touch=False):
    monkeypatch.setattr(bench, "warm", lambda t, seed: 0)

    def count(t, mode, seed):
        if touch:
            (tree / "f.nbi").write_text("new")
        return counts[mode]

    monkeypatch.setattr(bench, "count", count)
    monkeypatch.setattr(bench, "cache_dirs", lambda trees: list(trees))


def test_valid(bench, monkeypatch, tmp_path):
    fake(bench, monkeypatch, {"load": 10, "once": 115, "twice": 215}, tmp_path)
    assert bench.measure([tmp_path], 1, 1, 1) == [([100], 5)]


def test_negative_warm_run(bench, monkeypatch, tmp_path):
    fake(bench, monkeypatch, {"load": 10, "once": 300, "twice": 200}, tmp_path)
    with pytest.raises(bench.Invalid):
        bench.measure([tmp_path], 1, 1, 1)


def test_cache_written_during_count(bench, monkeypatch, tmp_path):
    fake(bench, monkeypatch, {"load": 10, "once": 115, "twice": 215}, tmp_path, touch=True)
    with pytest.raises(bench.Invalid, match="cache changed"):
        bench.measure([tmp_path], 1, 1, 1)


def test_compiled_in_counted_process(bench, tmp_path):
    out = f"numba-compiled: 3\nclusterpolicy-from: {tmp_path}/clusterpolicy/__init__.py\n"
    assert bench._compiled(out, tmp_path) == 3
    with pytest.raises(RuntimeError, match="imported from"):
        bench._compiled(out, tmp_path / "other")

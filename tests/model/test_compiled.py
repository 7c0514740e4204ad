"""The compiled loops (clusterpolicy.model.compiled) give the same numbers as the same code run as Python.

Every loop marked ``@compiled`` is called, during short runs of a few scenarios, both ways on the same
(copied) input, and its outputs and any arrays it writes to are compared with ``==``, not a tolerance.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model import ClusterPolicyModel, compiled
from clusterpolicy.model.compiled import Compiled

pytest.importorskip("numba")

SCENARIOS = ("concept_note_2015", "serv_advice_2015", "no_cluster_policy")


def same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple):
        if not (isinstance(b, tuple) and len(a) == len(b)):
            return False
        return all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return bool(a == b or (a != a and b != b))


def small(name: str) -> Any:
    return load_scenario(name).params.replace(**{"population.n_firms": 1500})


@pytest.fixture(scope="module")
def calls(monkeypatch_module: pytest.MonkeyPatch) -> dict[str, int]:
    """Run the scenarios, comparing every compiled call with its Python version; calls per loop."""
    seen: dict[str, int] = {}
    original = Compiled.__call__

    def both(self: Compiled, *args: Any) -> Any:
        py_args = copy.deepcopy(args)
        out = original(self, *args)
        py_out = self.py_func(*py_args)
        assert same(out, py_out), f"{self.__name__}: compiled and Python results differ"
        for a, b in zip(args, py_args, strict=True):
            assert same(a, b), f"{self.__name__}: compiled and Python wrote different arrays"
        seen[self.__name__] = seen.get(self.__name__, 0) + 1
        return out

    monkeypatch_module.setattr(Compiled, "__call__", both)
    for name in SCENARIOS:
        ClusterPolicyModel(small(name), rng=3).run()
    return seen


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_every_compiled_loop_matches_python(calls: dict[str, int]) -> None:
    names = {c.__name__ for c in compiled.REGISTRY}
    assert names, "no compiled loops registered"
    assert set(calls) == names, f"never called in the runs: {sorted(names - set(calls))}"


def test_compiled_loops_are_compiled_when_numba_is_there(calls: dict[str, int]) -> None:
    assert compiled.numba_available()
    for c in compiled.REGISTRY:
        assert c._call is not None and c._call is not c.py_func, c.__name__


def test_the_switch_turns_compilation_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.ENV, "0")
    assert not compiled.numba_available()
    loop = Compiled(lambda x: x + 1)
    compiled.REGISTRY.remove(loop)
    assert loop(1) == 2 and loop._call is loop.py_func

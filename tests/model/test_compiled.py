"""Compiled functions (clusterpolicy.model.compiled) give the same numbers as the same code run as Python.

Two checks, both with ``==`` and no tolerance:

- every compiled function that Python code calls is called, during short runs of three scenarios, both
  compiled and as Python on the same (copied) input, and its results and any arrays it writes to are
  compared (the functions only compiled code calls are named by those);
- whole runs with ``CLUSTERPOLICY_JIT=0`` (a process without compilation) give the same outcomes in
  every quarter and the same firm state as compiled runs.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np
import pytest

from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model import ClusterPolicyModel, compiled, kernels

pytest.importorskip("numba")

SCENARIOS = ("concept_note_2015", "serv_advice_2015", "no_cluster_policy")
FIRMS = 1500

RUN = textwrap.dedent(
    """
    import json, sys
    from clusterpolicy.inputs.scenario import load_scenario
    from clusterpolicy.model import ClusterPolicyModel, compiled
    out = {"compiled": compiled.numba_available()}
    for name in sys.argv[2:]:
        p = load_scenario(name).params.replace(**{"population.n_firms": int(sys.argv[1])})
        m = ClusterPolicyModel(p, rng=3)
        m.run()
        df = m.datacollector.get_model_vars_dataframe()
        out[name] = {
            "outcomes": {c: df[c].astype(float).tolist() for c in df.columns},
            "cash": m.firms.cash.tolist(),
            "knowledge": m.firms.knowledge.tolist(),
        }
    print(json.dumps(out))
    """
)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple):
        if not (isinstance(b, tuple) and len(a) == len(b)):
            return False
        return all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return bool(a == b or (a != a and b != b))


def called_from_compiled() -> set[str]:
    """Names of the compiled functions that some compiled function calls (by name)."""
    names = {fn.__name__ for fn in compiled.REGISTRY}
    out: set[str] = set()
    for fn in compiled.REGISTRY:
        out |= names & set(compiled.python_version(fn).__code__.co_names)
    return out


def small(name: str) -> Any:
    return load_scenario(name).params.replace(**{"population.n_firms": FIRMS})


@pytest.fixture(scope="module")
def calls() -> dict[str, int]:
    """Run the scenarios, comparing every call of a compiled entry function with its Python version."""
    seen: dict[str, int] = {}
    inner = called_from_compiled()
    with pytest.MonkeyPatch.context() as mp:
        for fn in compiled.REGISTRY:
            if fn.__name__ in inner:
                continue  # compiled callers resolve it when they are compiled: leave it in place
            users = [
                mod
                for name, mod in list(sys.modules.items())
                if name.startswith("clusterpolicy") and getattr(mod, fn.__name__, None) is fn
            ]

            def both(*args: Any, _fn: Any = fn) -> Any:
                py_args = copy.deepcopy(args)
                out = _fn(*args)
                py_out = compiled.python_version(_fn)(*py_args)
                assert same(out, py_out), f"{_fn.__name__}: compiled and Python results differ"
                for a, b in zip(args, py_args, strict=True):
                    assert same(a, b), f"{_fn.__name__}: compiled and Python wrote different arrays"
                seen[_fn.__name__] = seen.get(_fn.__name__, 0) + 1
                return out

            for mod in users:  # the defining module and those that import the name
                mp.setattr(mod, fn.__name__, both)
        for name in SCENARIOS:
            model = ClusterPolicyModel(small(name), rng=3)
            model.run()
        # the array version of a membership's utility, which the runs themselves do not use
        t = model.org_table
        orgs = np.arange(t.n)
        rows = np.arange(len(orgs))
        kernels.membership_utility(
            model, rows, t.kind[orgs], t.excellence[orgs], t.activity[orgs], np.full(len(orgs), 30.0),
            t.unit_fee[orgs], t.recognised[orgs], t.recognised[orgs], others=1,
        )  # fmt: skip
    return seen


def test_every_compiled_function_matches_python_and_is_used(calls: dict[str, int]) -> None:
    names = {fn.__name__ for fn in compiled.REGISTRY}
    assert names, "no compiled functions registered"
    unused = names - set(calls) - called_from_compiled()
    assert not unused, f"never called in the runs: {sorted(unused)}"


def test_functions_are_compiled_when_numba_is_there() -> None:
    assert compiled.numba_available()
    for fn in compiled.REGISTRY:
        assert compiled.python_version(fn) is not fn, fn.__name__


def test_runs_without_compilation_give_the_same_numbers() -> None:
    env = {**os.environ, compiled.ENV: "0"}
    proc = subprocess.run(
        [sys.executable, "-c", RUN, str(FIRMS), *SCENARIOS],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    plain = json.loads(proc.stdout)
    assert plain["compiled"] is False
    for name in SCENARIOS:
        m = ClusterPolicyModel(small(name), rng=3)
        m.run()
        df = m.datacollector.get_model_vars_dataframe()
        got = plain[name]
        for c in df.columns:
            a, b = df[c].to_numpy(float), np.asarray(got["outcomes"][c], dtype=float)
            assert np.array_equal(a, b, equal_nan=True), f"{name}: {c} differs without compilation"
        assert np.array_equal(m.firms.cash, np.asarray(got["cash"])), name
        assert np.array_equal(m.firms.knowledge, np.asarray(got["knowledge"])), name


LENGTHS = [*range(0, 300), 1000, 4999, 5000, 8191, 8192, 8193, 20000, 100001]


@pytest.mark.parametrize("version", ["compiled", "python"])
def test_pairwise_sum_adds_as_numpy_does(version: str) -> None:
    total = kernels.pairwise_sum if version == "compiled" else compiled.python_version(kernels.pairwise_sum)
    rng = np.random.default_rng(7)
    lengths = LENGTHS if version == "compiled" else [n for n in LENGTHS if n <= 8193]
    for n in lengths:
        a = rng.lognormal(0.0, 3.0, n) * rng.choice([-1.0, 1.0], n)
        assert total(a) == a.sum(), n
    for a in ([-0.0], [-0.0] * 9, [1e308, 1e308], [np.inf, 1.0]):
        x = np.asarray(a)
        with np.errstate(over="ignore"):
            assert np.array_equal(np.float64(total(x)), x.sum(), equal_nan=True)
            assert np.signbit(total(x)) == np.signbit(x.sum())


def test_a_left_to_right_sum_is_not_numpys() -> None:
    """What makes :func:`kernels.pairwise_sum` necessary (and the test above able to fail)."""
    a = np.random.default_rng(9).lognormal(0.0, 3.0, 1000)
    differ = 0
    for n in range(9, 1000):
        left = 0.0
        for v in a[:n]:
            left += v
        differ += left != a[:n].sum()
    assert differ > 100


def test_split_sums_are_numpys_masked_sums() -> None:
    rng = np.random.default_rng(8)
    for n in (0, 1, 7, 100, 5000):
        v = rng.lognormal(0.0, 2.0, n)
        mask = rng.random(n) < 0.3
        inside, outside = kernels.split_sums(v, mask)
        assert inside == v[mask].sum() and outside == v[~mask].sum()


def test_first_above_is_numpys_searchsorted_to_the_right() -> None:
    rng = np.random.default_rng(9)
    a = np.sort(rng.integers(0, 20, 50)).astype(float)
    for x in (-1.0, 0.0, 3.0, 7.5, 19.0, 25.0):
        for start, stop in ((0, 50), (10, 30), (20, 20)):
            want = int(np.searchsorted(a[start:stop], x, side="right")) + start
            assert kernels.first_above(a, x, start, stop) == want
            assert compiled.python_version(kernels.first_above)(a, x, start, stop) == want

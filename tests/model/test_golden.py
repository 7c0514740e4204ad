"""Regression: small fixed cases reproduce the reviewed golden baseline (tests/update_golden.py)."""

from __future__ import annotations

import json
import math

import pytest
from update_golden import CASES, GOLDEN, compute


@pytest.fixture(scope="module")
def current():
    return compute()


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_the_golden_baseline(case, current):
    golden = json.loads(GOLDEN.read_text())[case]
    assert set(golden) == set(current[case])
    diffs = {
        k: (golden[k], v)
        for k, v in current[case].items()
        if not (
            golden[k] == v
            or (golden[k] is not None and v is not None and math.isclose(golden[k], v, rel_tol=1e-9))
        )
    }
    assert not diffs, f"behaviour changed; if intended, run tests/update_golden.py and review: {diffs}"

"""Targets' statistics: level, mean, per-year, ratio and counterfactual transforms; the recorded period."""

from __future__ import annotations

import numpy as np
import pytest
from specs import write_file as write

from clusterpolicy.analysis.validation import RunMatrix, recorded_quarters, split_computable, target_matrix
from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.inputs.targets import load_targets


# ------------------------------------------------------------------------------------------ the statistics
def _matrix(values: dict[str, list[list[float]]], quarters: list[str]) -> RunMatrix:
    data = {m: np.array(v, dtype=float) for m, v in values.items()}
    n = len(next(iter(data.values())))
    return RunMatrix(np.arange(n), quarters, data)


def test_transforms_level_mean_per_year_ratio_and_counterfactual(tmp_path):
    quarters = [f"{y}Q{q}" for y in (2016, 2017) for q in (1, 2, 3, 4)]
    cum = [[1, 2, 3, 4, 6, 8, 10, 12]]  # a cumulative metric: 4 in 2016, 8 in 2017
    rate = [[10, 10, 10, 10, 20, 20, 20, 30]]
    text = """
[[target]]
id = "lev"
what = "w"
metric = "public_operating_spend_total"
transform = "level"
quarter = "2017Q2"
value = 1
range = [0, 100]
unit = "EUR"
source = "s"

[[target]]
id = "mean17"
what = "w"
metric = "business_rd"
transform = "mean"
year = 2017
value = 1
range = [0, 100]
unit = "EUR/yr"
source = "s"

[[target]]
id = "py16"
what = "w"
metric = "public_operating_spend_total"
transform = "per_year"
year = 2016
value = 1
range = [0, 100]
unit = "EUR/yr"
source = "s"

[[target]]
id = "py_both"
what = "w"
metric = ["public_operating_spend_total", "public_project_spend_total"]
transform = "per_year"
years = [2016, 2017]
value = 1
range = [0, 100]
unit = "EUR/yr"
source = "s"

[[target]]
id = "ratio"
what = "w"
metric = "business_rd"
transform = "mean"
years = [2016, 2017]
per = "public_operating_spend_total"
per_transform = "per_year"
value = 1
range = [0, 100]
unit = "ratio"
source = "s"

[[target]]
id = "cf"
what = "w"
metric = "business_rd"
transform = "mean"
year = 2017
per = "public_operating_spend_total"
per_transform = "per_year"
counterfactual = true
value = 1
range = [0, 100]
unit = "EUR per EUR"
source = "s"
"""
    ts = load_targets(write(tmp_path, text))
    mat = _matrix(
        {
            "public_operating_spend_total": cum,
            "public_project_spend_total": [[0, 0, 0, 2, 2, 2, 2, 2]],
            "business_rd": rate,
        },
        quarters,
    )
    cf = _matrix(
        {
            "public_operating_spend_total": [[0, 0, 0, 1, 1, 1, 1, 2]],
            "public_project_spend_total": [[0] * 8],
            "business_rd": [[10, 10, 10, 10, 10, 10, 10, 10]],
        },
        quarters,
    )
    got = target_matrix(ts, mat, cf).iloc[0]
    assert got["lev"] == 8
    assert got["mean17"] == pytest.approx(22.5)
    assert got["py16"] == 4  # the first recorded year counts from zero
    assert got["py_both"] == pytest.approx((12 + 2) / 2)
    assert got["ratio"] == pytest.approx(16.25 / 6)
    # (22.5 - 10) / ((12 - 4) - (2 - 1))
    assert got["cf"] == pytest.approx(12.5 / 7)


def test_targets_outside_the_recorded_period_are_set_aside():
    ts = load_targets()
    params = load_scenario("concept_note_2015", ["simulation.quarters=12"]).params
    assert recorded_quarters(params)[-1] == "2018Q4"
    usable, outside = split_computable(ts, params)
    assert "spearheads_2018" in [t.id for t in usable.targets]
    assert {"spearheads_2021", "additionality"} <= {t.id for t in outside}

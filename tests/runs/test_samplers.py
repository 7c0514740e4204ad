"""Samplers: designs have the promised size and stay in bounds, integers are uniform, grids take any
levels, seeds."""

from __future__ import annotations

import pytest
from specs import TINY_SET
from specs import write_sweep_spec as write_spec

from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.runs.samplers import design_matrix, n_points, seeds_for


@pytest.mark.parametrize(
    ("design", "n", "expected"),
    [("sobol", 8, 8 * (2 + 2)), ("morris", 5, 5 * (2 + 1)), ("lhs", 7, 7), ("grid", 3, 9)],
)
def test_designs_have_the_promised_size_and_stay_in_bounds(tmp_path, design, n, expected):
    spec = load_spec(write_spec(tmp_path, design, n))
    m = design_matrix(spec)
    assert len(m) == n_points(spec) == expected
    assert m["policy.privileged_share"].between(0.0, 0.6).all()
    assert set(m["policy.deposit_window_quarters"]) <= {1, 2, 3, 4}
    assert m["policy.deposit_window_quarters"].dtype.kind == "i"


def test_integer_parameters_take_every_value_equally_often(tmp_path):
    spec = load_spec(write_spec(tmp_path, "lhs", 400))
    counts = design_matrix(spec)["policy.deposit_window_quarters"].value_counts()
    assert sorted(counts.index) == [1, 2, 3, 4]
    assert counts.min() >= 90  # 100 each in a Latin hypercube of 400


def test_grid_levels_may_be_strings(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text(
        f"""[sweep]
base = "concept_note_2015"
design = "grid"
set = {TINY_SET}
outcomes = ["mean_selected_quality"]
[[parameter]]
key = "policy.selection"
levels = ["jury", "fcfs", "lottery"]
[[parameter]]
key = "policy.ibn_to_spearhead"
levels = [true, false]
"""
    )
    m = design_matrix(load_spec(path))
    assert len(m) == 6 and set(m["policy.selection"]) == {"jury", "fcfs", "lottery"}


def test_common_random_numbers_by_default(tmp_path):
    spec = load_spec(write_spec(tmp_path, "lhs", 4, reps=3))
    assert len(seeds_for(spec)) == 3
    spec.common_random_numbers = False
    seeds = seeds_for(spec)
    assert len(seeds) == 12 and len(set(seeds)) == 12


def test_morris_levels_must_be_even(tmp_path):
    with pytest.raises(Exception, match=r"sweep\.levels = 5"):
        load_spec(write_spec(tmp_path, "morris", 2, extra="levels = 5"))

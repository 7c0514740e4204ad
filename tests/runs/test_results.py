"""Reading a store back: one row per run of the design, inputs joined with outcomes, status and seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from specs import write_sweep_spec

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.runs.results import load_sweep_results
from clusterpolicy.runs.samplers import design_matrix, seeds_for
from clusterpolicy.runs.store import RunStore
from clusterpolicy.studies.compare import compare
from clusterpolicy.studies.sweep import sweep


def _run(task):
    """Two quarters; members = 10 x privileged share + the seed's noise; point 2 fails."""
    if task.point == 2:
        raise ValueError("no good at point 2")
    x = task.params.policy.privileged_share
    noise = np.random.default_rng(task.seed).normal(0, 0.1)
    return pd.DataFrame(
        {"quarter": ["2016Q1", "2016Q2"], "members": [0.0, 10 * x + noise], "business_rd": [1.0, 2.0]}
    )


@pytest.fixture
def swept(tmp_path):
    spec = load_spec(write_sweep_spec(tmp_path, "lhs", 5, reps=3, extra='keep = "timeseries"'))
    out = tmp_path / "out"
    sweep(spec, out, workers=1, run=_run, progress=False)
    return spec, out


def test_one_row_per_run_with_the_design_inputs_the_seeds_and_the_status(swept):
    spec, out = swept
    df = load_sweep_results(out)
    assert list(df.columns[:7]) == ["run_id", "point", "label", "replicate", "seed", "status", "error"]
    assert list(df["run_id"]) == list(range(15)) and len(df) == 5 * 3
    # the design's inputs, as run, beside every run of the point
    matrix = design_matrix(spec)
    for key in matrix.columns:
        assert np.allclose(df.groupby("point")[key].first().to_numpy(), matrix[key].to_numpy())
    # common random numbers: replicate r has the same seed at every point
    seeds = seeds_for(spec)
    assert (df["seed"] == [seeds[r] for r in df["replicate"]]).all()
    failed = df[df["point"] == 2]
    assert (failed["status"] == "failed").all() and failed["error"].str.contains("no good at point 2").all()
    assert failed["members"].isna().all()
    done = df[df["status"] == "done"]
    assert len(done) == 12 and (done["error"] == "").all() and (done["quarter"] == "2016Q2").all()
    assert np.allclose(done["members"], 10 * done["policy.privileged_share"], atol=0.5)
    assert {"members", "business_rd"} <= set(df.columns)


def test_runs_not_run_yet_are_missing_and_a_quarter_can_be_chosen(swept):
    _, out = swept
    store = RunStore(out)
    store.compact()
    rows = store.read()
    keep = rows[rows["run_id"] != 0]  # as if run 0 had not run yet
    for f in store.chunks_dir.glob("*.parquet"):
        f.unlink()
    keep.to_parquet(store.chunks_dir / "chunk-00000.parquet", index=False)
    df = load_sweep_results(out, ["members"])
    assert df.set_index("run_id").loc[0, "status"] == "missing"
    assert np.isnan(df.set_index("run_id").loc[0, "members"])
    assert "business_rd" not in df.columns
    first = load_sweep_results(out, quarter="2016Q1")
    assert (first.loc[first["status"] == "done", "members"] == 0).all()
    with pytest.raises(InputError, match="'2031Q1': not recorded"):
        load_sweep_results(out, quarter="2031Q1")


def test_a_comparison_store_reads_back_with_its_scenario_labels(tmp_path):
    tiny = ["population.n_firms=300", "simulation.quarters=4", "simulation.burn_in_quarters=0"]
    compare(
        ["concept_note_2015", "no_cluster_policy"], 2, out=tmp_path, overrides=tiny, workers=1, progress=False
    )
    df = load_sweep_results(tmp_path / "store", ["members"])
    assert list(df["label"]) == ["concept_note_2015"] * 2 + ["no_cluster_policy"] * 2
    assert (df["status"] == "done").all() and df.groupby("replicate")["seed"].nunique().eq(1).all()


def test_a_folder_that_is_not_a_store_is_refused(tmp_path):
    with pytest.raises(InputError, match="is not a run store"):
        load_sweep_results(tmp_path)

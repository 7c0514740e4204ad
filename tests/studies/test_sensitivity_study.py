"""The sensitivity study on sweeps: replicate averaging in SALib order, replicate noise, failed points,
refused designs, its files."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers import html_is_balanced
from specs import write_sensitivity_spec as write_spec

from clusterpolicy.analysis.sensitivity import INDEX_COLUMNS
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.runs.samplers import seeds_for
from clusterpolicy.studies.sensitivity import analyze_sweep, sensitivity
from clusterpolicy.studies.sweep import sweep

# ---------------------------------------------------------------------- replicates and their noise
SIGMA = 2.0


def _noisy(task):
    """y = 10 * privileged_share + N(0, SIGMA) independent per run; service_value has no effect."""
    x = task.params.policy.privileged_share
    noise = np.random.default_rng([task.seed, task.point]).normal(0.0, SIGMA)
    return pd.DataFrame({"quarter": ["2016Q1"], "members": [10 * x + noise], "business_rd": [7.0]})


def _common_noise(task):
    """The same, but the noise depends on the seed only: common random numbers cancel it."""
    x = task.params.policy.privileged_share
    noise = np.random.default_rng(task.seed).normal(0.0, SIGMA)
    return pd.DataFrame({"quarter": ["2016Q1"], "members": [10 * x + noise], "business_rd": [7.0]})


@pytest.fixture(scope="module")
def noisy(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("noisy")
    spec = load_spec(write_spec(tmp / "noisy.toml", n=32, reps=4, outcomes='["members", "business_rd"]'))
    out = tmp / "out"
    res = sensitivity(spec, out, workers=1, run=_noisy, progress=False, bootstrap=300)
    return spec, out, res


def test_replicates_are_averaged_per_design_point_in_salib_order(noisy):
    spec, out, res = noisy
    runs = sweep(spec, out, workers=1, run=_noisy, progress=False).results()
    assert len(runs) == 32 * 4 * 4 and res.runs == len(runs) and res.replications == 4
    means = runs.groupby("point")["members"].mean().sort_index()
    assert np.allclose(res.means["members"].to_numpy(), means.to_numpy())
    # the point means follow the design order (point i is row i of SALib's sample)
    x = runs.groupby("point")["policy.privileged_share"].first().sort_index().to_numpy()
    assert np.corrcoef(x, res.means["members"])[0, 1] > 0.8


def test_replicate_noise_is_estimated_and_small_indices_are_flagged(noisy):
    _, _, res = noisy
    noise = res.noise.set_index("outcome").loc["members"]
    assert noise["sd_noise"] == pytest.approx(SIGMA, rel=0.15)
    expected_share = (SIGMA**2 / 4) / (100 / 12 + SIGMA**2 / 4)  # noise / (signal + noise) of the means
    assert noise["noise_share"] == pytest.approx(expected_share, abs=0.04)
    d = res.indices[res.indices["outcome"] == "members"].set_index(["index", "parameter"])
    assert (d["noise"] == noise["noise_share"]).all()
    # the parameter without effect: S1 near 0, ST near the noise share; both flagged
    assert d.loc[("S1", "behaviour.service_value"), "below_noise"]
    assert d.loc[("ST", "behaviour.service_value"), "below_noise"]
    assert d.loc[("ST", "behaviour.service_value"), "value"] < 3 * noise["noise_share"]
    # the parameter with the effect is clearly above the noise
    assert not d.loc[("S1", "policy.privileged_share"), "below_noise"]
    assert not d.loc[("ST", "policy.privileged_share"), "below_noise"]
    assert "business_rd" in res.constant and any("does not vary" in w for w in res.warnings)


def test_noise_common_to_every_point_cancels_under_common_random_numbers(tmp_path):
    spec = load_spec(write_spec(tmp_path / "crn.toml", n=16, reps=3))
    res = analyze_sweep(sweep(spec, tmp_path / "o", workers=1, run=_common_noise, progress=False))
    noise = res.noise.set_index("outcome").loc["members"]
    assert noise["sd_within"] > 2.0  # one run is noisy ...
    assert noise["sd_noise"] == pytest.approx(0.0, abs=1e-9)  # ... but the noise is the same at every point
    d = res.indices.set_index(["index", "parameter"])
    assert d.loc[("S1", "policy.privileged_share"), "value"] == pytest.approx(1.0, abs=0.05)
    assert not d.loc[("ST", "policy.privileged_share"), "below_noise"]


# ------------------------------------------------------------------------------------ failed runs
def _fails_at_point_3(task):
    if task.point == 3:
        raise RuntimeError("boom")
    return _noisy(task)


def test_a_point_without_results_drops_its_block_and_the_rest_is_analysed(tmp_path):
    spec = load_spec(write_spec(tmp_path / "f.toml", n=8, reps=2))
    res = analyze_sweep(sweep(spec, tmp_path / "o", workers=1, run=_fails_at_point_3, progress=False))
    assert res.failed == 2 and res.n == 8 and res.n_used == 7
    assert any("2 run(s) failed" in w and "7 of 8 base samples used" in w for w in res.warnings)
    assert res.indices["value"].notna().all()


def test_grid_and_lhs_designs_are_refused(tmp_path):
    spec = load_spec(write_spec(tmp_path / "l.toml", design="lhs", n=8))
    with pytest.raises(InputError, match="needs design = 'sobol' or 'morris'"):
        sensitivity(spec, tmp_path / "o", workers=1, run=_noisy, progress=False)
    assert not (tmp_path / "o").exists()


def test_indices_csv_has_the_promised_columns(noisy):
    _, out, res = noisy
    df = pd.read_csv(out / "indices.csv")
    assert len(df) == len(res.indices)
    assert (
        list(df.columns[:6]) == INDEX_COLUMNS == ["outcome", "parameter", "method", "index", "value", "conf"]
    )
    assert {"noise", "below_noise", "converged", "kind"} <= set(df.columns)
    assert set(df["index"]) == {"S1", "ST"} and set(df["method"]) == {"sobol"}
    assert len(df) == 2 * 2 * 2  # outcomes x parameters x indices
    assert set(df["kind"]) == {"lever", "uncertainty"}
    for f in ("indices.png",):
        assert (out / f).read_bytes()[:4] == b"\x89PNG"


def test_the_report_is_balanced_self_contained_html(noisy):
    spec, out, res = noisy
    text = (out / "sensitivity.html").read_text()
    assert html_is_balanced(text)
    assert "data:image/png;base64," in text and "http://" not in text and "https://" not in text
    for p in ("policy.privileged_share", "behaviour.service_value"):
        assert f"<code>{p}</code>" in text
    assert "In short" in text and "Replicate noise" in text and "is driven mainly by" in text
    assert f"{res.runs} runs finished" in text and res.runs == 512 and "git" in text
    for seed in seeds_for(spec):
        assert str(seed) in text
    assert "lever" in text and "uncertainty" in text


def test_a_morris_analysis_writes_the_mu_star_sigma_figure(tmp_path):
    spec = load_spec(write_spec(tmp_path / "m.toml", design="morris", n=6, reps=2))
    res = sensitivity(spec, tmp_path / "o", workers=1, run=_noisy, progress=False, bootstrap=100)
    assert set(res.indices["index"]) == {"mu_star", "sigma", "mu"}
    assert (tmp_path / "o" / "morris.png").read_bytes()[:4] == b"\x89PNG"
    ms = res.table("mu_star").loc["members"]
    assert ms["policy.privileged_share"] > ms["behaviour.service_value"]
    assert html_is_balanced((tmp_path / "o" / "sensitivity.html").read_text())


def _integer_effect(task):
    """y = 3 * deposit window (an integer parameter) + privileged share; no noise."""
    p = task.params.policy
    return pd.DataFrame(
        {"quarter": ["2016Q1"], "members": [3.0 * p.deposit_window_quarters + p.privileged_share]}
    )


def test_morris_on_integer_parameters_uses_the_unrounded_sample(tmp_path):
    path = write_spec(tmp_path / "int.toml", design="morris", n=8, reps=1)
    path.write_text(
        path.read_text().replace(
            '"behaviour.service_value"\nbounds = [1000, 20000]',
            '"policy.deposit_window_quarters"\nbounds = [1, 4]',
        )
    )
    spec = load_spec(path)
    assert spec.parameters[1].is_int
    res = analyze_sweep(
        sweep(spec, tmp_path / "o", workers=1, run=_integer_effect, progress=False), bootstrap=100
    )
    ms = res.table("mu_star").loc["members"]
    assert ms["policy.deposit_window_quarters"] > 5 * ms["policy.privileged_share"] > 0


def test_the_shipped_specs_are_valid_and_the_default_is_sized_for_an_hour():
    from clusterpolicy.runs.samplers import n_points

    quick, default = load_spec("quick"), load_spec("default")
    assert quick.design == default.design == "sobol"
    runs = n_points(default) * default.replications
    assert runs / 6 < 3600  # under an hour at 6 runs/s (two cores, 0.25 s a run)
    assert {p.kind for p in default.parameters} == {"lever", "uncertainty"}
    assert math.log2(default.n).is_integer()

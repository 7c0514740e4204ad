"""Sensitivity analysis: known answers (Ishigami, a zero-effect parameter), replicate averaging and noise,
convergence, failed runs, the output files and report, and the command line."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import html_is_balanced
from ishigami import ISHIGAMI_PROBLEM, ishigami, ishigami_indices

from clusterpolicy.analysis.sensitivity import INDEX_COLUMNS, analyze_outputs
from clusterpolicy.cli.main import main
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.runs.samplers import seeds_for
from clusterpolicy.studies.sensitivity import analyze_sweep, function_sensitivity, sensitivity
from clusterpolicy.studies.sweep import sweep

TINY_SET = '["population.n_firms=300", "simulation.quarters=4", "simulation.burn_in_quarters=0"]'

# Ishigami (a = 7, b = 0.1): analytic first- and total-order indices (Ishigami & Homma 1990; Saltelli et al.
# 2008, Global Sensitivity Analysis: The Primer, §4.9)
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def write_spec(
    path: Path,
    *,
    design: str = "sobol",
    n: int = 16,
    reps: int = 2,
    outcomes: str = '["members"]',
    extra: str = "",
    set_: str = TINY_SET,
) -> Path:
    path.write_text(
        f"""[sweep]
name = "{path.stem}"
base = "concept_note_2015"
design = "{design}"
n = {n}
replications = {reps}
seed = 5
set = {set_}
outcomes = {outcomes}
{extra}

[[parameter]]
key = "policy.privileged_share"
bounds = [0.0, 1.0]

[[parameter]]
key = "behaviour.service_value"
bounds = [1000, 20000]
"""
    )
    return path


# ------------------------------------------------------------------------------------ known answers
def test_the_analytic_ishigami_indices_are_the_textbook_values():
    exact = ishigami_indices(7.0, 0.1)
    assert exact["S1"] == pytest.approx(ISHIGAMI_S1, abs=1e-4)
    assert exact["ST"] == pytest.approx(ISHIGAMI_ST, abs=1e-4)


def test_ishigami_indices_are_recovered_within_their_intervals():
    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, method="sobol", n=1024, seed=1, bootstrap=500)
    d = res.indices.set_index(["index", "parameter"])
    for j, p in enumerate(ISHIGAMI_PROBLEM["names"]):
        for key, exact in (("S1", ISHIGAMI_S1[j]), ("ST", ISHIGAMI_ST[j])):
            value, conf = d.loc[(key, p), "value"], d.loc[(key, p), "conf"]
            assert 0 < conf < 0.15, (key, p, conf)
            assert abs(value - exact) <= conf + 0.02, (key, p, value, conf, exact)
    assert d["converged"].all()
    assert not any("not settled" in w for w in res.warnings)
    assert res.points == 1024 * 5 and res.n == res.n_used == 1024


def test_morris_ranks_a_parameter_without_effect_last():
    def f(x):
        return 10 * x[:, 0] + x[:, 1] ** 2 + 0.0 * x[:, 2] + np.sin(3 * x[:, 0]) * x[:, 1]

    problem = {"num_vars": 3, "names": ["a", "b", "none"], "bounds": [[0, 1], [0, 2], [0, 1]]}
    res = function_sensitivity(f, problem, method="morris", n=30, seed=2, bootstrap=200)
    mu_star = res.table("mu_star").iloc[0]
    assert list(mu_star.sort_values(ascending=False).index) == ["a", "b", "none"]
    assert mu_star["none"] == pytest.approx(0.0, abs=1e-12)
    sigma = res.table("sigma").iloc[0]
    assert sigma["none"] == pytest.approx(0.0, abs=1e-12) and sigma["b"] > 0
    mu = res.table("mu").iloc[0]
    assert mu["a"] > 0  # the direction: a raises f


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


def test_one_replication_flags_nothing_and_says_so():
    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, n=64, seed=1, bootstrap=100)
    assert res.indices["below_noise"].isna().all()
    assert any("replicate noise cannot be estimated" in w for w in res.warnings)


# ----------------------------------------------------------------------------------- convergence
def test_convergence_warning_fires_on_a_tiny_design():
    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, n=8, seed=1, bootstrap=200)
    assert (res.indices["converged"] == False).any()  # noqa: E712
    assert any("have not settled" in w and "N/2=4 and N=8" in w for w in res.warnings)
    morris = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, method="morris", n=4, seed=1, bootstrap=100)
    assert any("have not settled" in w for w in morris.warnings)


def test_a_design_too_small_to_check_says_so():
    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, n=2, seed=1, bootstrap=100)
    assert res.indices["converged"].isna().all()
    assert any("too few to check convergence" in w for w in res.warnings)


def test_convergence_uses_the_first_half_of_the_base_samples():
    res = function_sensitivity(ishigami, ISHIGAMI_PROBLEM, n=64, seed=3, bootstrap=100)
    half = analyze_outputs(
        ISHIGAMI_PROBLEM,
        {"y": ishigami(_sample(64, 3)[: 32 * 5])},
        method="sobol",
        bootstrap=100,
        seed=3,
    )
    a = res.indices.set_index(["index", "parameter"])["half"]
    b = half.indices.set_index(["index", "parameter"])["value"]
    assert np.allclose(a.sort_index(), b.sort_index())


def _sample(n, seed):
    from clusterpolicy.runs.samplers import salib_sample

    return salib_sample(ISHIGAMI_PROBLEM, "sobol", n, seed=seed)


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


# ------------------------------------------------------------------------------- files and report


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


# ------------------------------------------------------------------------------------- command line
def test_cli_sensitivity_end_to_end_on_the_model(tmp_path, capsys):
    spec = write_spec(
        tmp_path / "tiny.toml",
        n=4,
        reps=2,
        outcomes='["members", "business_rd", "sme_participation_rate"]',
    )
    out = tmp_path / "out"
    argv = ["sensitivity", str(spec), "--out", str(out), "--workers", "1", "--bootstrap", "200"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "Sobol' N=4 x (D+2)=4: 16 design points x 2 replications = 32 runs" in printed
    assert "sensitivity tiny: 32 runs at 16 points" in printed
    assert f"report: {out / 'sensitivity.html'}" in printed and "members (firms)" in printed
    df = pd.read_csv(out / "indices.csv")
    assert list(df.columns[:6]) == INDEX_COLUMNS and len(df) == 3 * 2 * 2
    assert (out / "indices.png").exists() and (out / "sensitivity.html").exists()
    assert main(argv) == 0  # resumes: nothing runs again
    assert "running 0 runs" in capsys.readouterr().out


def test_cli_sensitivity_morris_with_one_replication(tmp_path, capsys):
    spec = write_spec(tmp_path / "tm.toml", design="morris", n=2, reps=1)
    out = tmp_path / "out"
    assert main(["sensitivity", str(spec), "--out", str(out), "--workers", "1", "--bootstrap", "100"]) == 0
    printed = capsys.readouterr().out
    assert "Morris r=2 trajectories" in printed and "too few to check convergence" in printed
    assert (out / "morris.png").exists()


@pytest.mark.parametrize(
    ("design", "flags", "expected"),
    [
        ("grid", [], "sweep.design = 'grid': sensitivity analysis needs design = 'sobol' or 'morris'"),
        ("lhs", [], "sweep.design = 'lhs': sensitivity analysis needs design = 'sobol' or 'morris'"),
        ("sobol", ["--bootstrap", "5"], "--bootstrap: 5: a whole number of at least 100"),
        ("sobol", ["--bootstrap", "-1"], "--bootstrap"),
        ("sobol", ["--bootstrap", "many"], "--bootstrap"),
        ("sobol", ["--workers", "0"], "--workers"),
    ],
)
def test_cli_sensitivity_bad_input_is_one_line(tmp_path, capsys, design, flags, expected):
    n = 2 if design == "grid" else 4
    spec = write_spec(tmp_path / "bad.toml", design=design, n=n)
    out = tmp_path / "o"
    assert main(["sensitivity", str(spec), "--out", str(out), *flags]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1, err
    assert not out.exists()


def test_cli_sensitivity_unknown_spec_is_one_line(capsys):
    assert main(["sensitivity", "no_such_spec"]) == 2
    err = capsys.readouterr().err
    assert "no_such_spec" in err and "default" in err and "quick" in err and err.count("\n") == 1


def test_the_shipped_specs_are_valid_and_the_default_is_sized_for_an_hour():
    from clusterpolicy.runs.samplers import n_points

    quick, default = load_spec("quick"), load_spec("default")
    assert quick.design == default.design == "sobol"
    runs = n_points(default) * default.replications
    assert runs / 6 < 3600  # under an hour at 6 runs/s (two cores, 0.25 s a run)
    assert {p.kind for p in default.parameters} == {"lever", "uncertainty"}
    assert math.log2(default.n).is_integer()

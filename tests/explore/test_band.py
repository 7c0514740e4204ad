import numpy as np
import pytest
from scipy import stats

from clusterpolicy.explore import band
from clusterpolicy.explore.glue import load_scenario, replicate_seeds


def test_band_is_the_t_prediction_interval_of_one_run():
    rng = np.random.default_rng(0)
    x = rng.normal(100, 10, size=(20, 3))
    runs = [{"members": list(row)} for row in x]
    mean, lo, hi = band.band_from_runs(runs)
    m, s = x.mean(axis=0), x.std(axis=0, ddof=1)
    half = stats.t.ppf(0.975, 19) * s * np.sqrt(1 + 1 / 20)
    np.testing.assert_allclose(mean["members"], m)
    np.testing.assert_allclose(lo["members"], m - half)
    np.testing.assert_allclose(hi["members"], m + half)


def test_band_is_clipped_to_what_an_outcome_can_take_and_skips_nan():
    runs = [{"sme_member_share": [0.98, float("nan")], "grants_lapsed_total": [0, 0]} for _ in range(3)]
    runs.append({"sme_member_share": [0.5, 0.4], "grants_lapsed_total": [1, 0]})
    mean, lo, hi = band.band_from_runs(runs)
    assert hi["sme_member_share"][0] == 1.0
    assert lo["grants_lapsed_total"][0] == 0.0
    assert np.isnan(lo["sme_member_share"][1])  # one finite run: no band
    assert mean["sme_member_share"][1] == pytest.approx(0.4)
    with pytest.raises(ValueError):
        band.band_from_runs(runs[:1])


def test_outside_is_strict_about_the_band():
    b = band.Band("x", ["2016Q1"], {"m": np.array([1.0])}, {"m": np.array([0.5])}, {"m": np.array([1.5])}, 3)
    assert not b.outside("m", 0, 1.5)
    assert b.outside("m", 0, 1.6)
    assert b.outside("m", 0, 0.4)
    assert not b.outside("m", 0, float("nan"))


@pytest.fixture(scope="module")
def tiny():
    return load_scenario(
        "concept_note_2015",
        {"population.n_firms": 300, "simulation.quarters": 4, "simulation.burn_in_quarters": 0},
    )


def test_band_is_computed_once_then_read_from_the_cache_and_nothing_else_is_touched(tmp_path, tiny):
    mine = tmp_path / "someone-elses-file.txt"
    mine.write_text("keep me")
    seeds = replicate_seeds(7, 3)
    first = band.load_or_compute(tiny.name, tiny.params, seeds, 7, tmp_path, workers=1)
    assert not first.from_cache and first.path is not None and first.path.is_file()
    assert first.path.with_suffix(".json").is_file()
    again = band.load_or_compute(tiny.name, tiny.params, seeds, 7, tmp_path, workers=1)
    assert again.from_cache
    np.testing.assert_allclose(again.hi["members"], first.hi["members"])
    assert len(again.quarters) == 4
    # replicate 0 of the band is exactly a run with that seed (the band is made of real runs)
    run0 = band.run_replicate(tiny.params, seeds[0])
    assert len(run0["members"]) == 4
    assert mine.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("band-")) == [mine.name]


def test_cache_key_changes_with_parameters_replications_seed_and_model_source(tiny):
    k = band.cache_key(tiny.params, 3, 7, "abc")
    assert k == band.cache_key(tiny.params, 3, 7, "abc")
    other = tiny.params.replace(**{"policy.privileged_share": 0.5})
    assert (
        len(
            {
                k,
                band.cache_key(other, 3, 7, "abc"),
                band.cache_key(tiny.params, 4, 7, "abc"),
                band.cache_key(tiny.params, 3, 8, "abc"),
                band.cache_key(tiny.params, 3, 7, "abd"),
            }
        )
        == 5
    )
    assert len(band.model_source_hash()) == 64


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CLUSTERPOLICY_CACHE", str(tmp_path / "c"))
    assert band.default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("CLUSTERPOLICY_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert band.default_cache_dir() == tmp_path / "clusterpolicy" / "explore"

"""The validation and calibration studies on synthetic runs: pairing with the counterfactual, recovery of
known values, resume, confirmation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from specs import write_file as write

from clusterpolicy.analysis.validation import recorded_quarters
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.inputs.targets import load_targets
from clusterpolicy.outputs.calibration import write_scenario
from clusterpolicy.studies.calibrate import calibrate
from clusterpolicy.studies.validate import validate


# ------------------------------------------------------------------------------------------ synthetic runs
def synthetic_run(task) -> pd.DataFrame:
    """A stand-in for the model whose metrics are known functions of the parameters (and a little noise)."""
    p = task.params
    quarters = recorded_quarters(p)
    n = len(quarters)
    noise = np.random.default_rng(task.seed).normal(0.0, 1.0)
    on = p.policy.enabled
    k = p.behaviour.knowledge_rd_effect
    return pd.DataFrame(
        {
            "quarter": quarters,
            "members": np.full(n, 100.0 * p.behaviour.sme_money_cost + 0.5 * noise),
            "business_rd": np.full(n, 1e9 + (1e9 * k if on else 0.0) + 1e5 * noise),
            "rd_intensity": np.full(n, 0.03 + noise * 1e-4),
        }
    )


SYNTH_TARGETS = """
[counterfactual]
scenario = "no_cluster_policy"

[[target]]
id = "members"
what = "members, identified by sme_money_cost"
metric = "members"
transform = "level"
quarter = "2017Q4"
value = 400
range = [380, 420]
unit = "firms"
source = "synthetic: sme_money_cost = 4"

[[target]]
id = "extra_rd"
what = "business R&D the policy adds, identified by knowledge_rd_effect"
metric = "business_rd"
transform = "mean"
year = 2017
counterfactual = true
value = 7e7
range = [6e7, 8e7]
unit = "EUR/yr"
source = "synthetic: knowledge_rd_effect = 0.07"

[[target]]
id = "intensity"
what = "a target the model misses"
metric = "rd_intensity"
transform = "mean"
year = 2016
value = 0.05
range = [0.04, 0.06]
unit = "share of GDP"
source = "synthetic"
role = "held_out"
"""


def test_validation_pairs_each_run_with_its_counterfactual_and_judges_the_range(tmp_path):
    targets = load_targets(write(tmp_path, SYNTH_TARGETS))
    overrides = [
        "simulation.quarters=8",
        "behaviour.sme_money_cost=4.0",
        "behaviour.knowledge_rd_effect=0.07",
    ]
    v = validate(
        "concept_note_2015", targets, replications=3, seed=5, workers=1, overrides=overrides,
        run=synthetic_run, progress=False,
    )  # fmt: skip
    t = v.table.set_index("id")
    # the policy run and its counterfactual share the seed, so the noise cancels exactly
    assert np.allclose(v.per_run["extra_rd"], 7e7)
    assert t.loc["extra_rd", "ci_low"] == pytest.approx(7e7) and t.loc["extra_rd", "within"]
    assert t.loc["members", "within"] and t.loc["members", "model_mean"] == pytest.approx(400, abs=2)
    assert not t.loc["intensity", "within"] and t.loc["intensity", "shortfall"] > 0
    assert v.n_within == 2 and len(v.per_run) == 3


# ------------------------------------------------------------------------------------------ calibration
def synth_spec(tmp_path: Path, n: int = 40) -> Path:
    path = tmp_path / "cal.toml"
    path.write_text(
        f"""[sweep]
name = "synthcal"
base = "concept_note_2015"
design = "lhs"
n = {n}
replications = 2
seed = 11
keep = "timeseries"
set = ["simulation.quarters=8", "simulation.burn_in_quarters=0"]
outcomes = ["members"]

[[parameter]]
key = "behaviour.sme_money_cost"
bounds = [1.5, 10.0]

[[parameter]]
key = "behaviour.knowledge_rd_effect"
bounds = [0.0, 0.12]
"""
    )
    return path


def test_calibration_recovers_known_parameter_values_from_synthetic_targets(tmp_path):
    targets = load_targets(write(tmp_path, SYNTH_TARGETS))
    cal = calibrate(
        synth_spec(tmp_path, n=60),
        targets,
        tmp_path / "cal",
        refine=40,
        workers=1,
        run=synthetic_run,
        progress=False,
    )
    assert [t.id for t in cal.targets.targets] == ["members", "extra_rd"]  # the held-out target is left out
    assert [t.id for t in cal.skipped] == ["intensity"]
    # every design ran twice, the second time under the counterfactual policy: 60 sets, then 40 more
    assert cal.runs == 2 * (60 + 40) * 2 and cal.counterfactual is not None
    # the truth is sme_money_cost = 4 and knowledge_rd_effect = 0.07; the targets' ranges (members
    # 380-420 = 100 x 3.8-4.2, extra R&D 1e9 x 0.06-0.08) say how precisely they can be recovered
    assert cal.best["behaviour.sme_money_cost"] == pytest.approx(4.0, abs=0.2)
    assert cal.best["behaviour.knowledge_rd_effect"] == pytest.approx(0.07, abs=0.01)
    lo, _, hi = cal.accepted_range("behaviour.sme_money_cost")
    assert lo <= 4.0 <= hi
    lo, _, hi = cal.accepted_range("behaviour.knowledge_rd_effect")
    assert lo <= 0.07 <= hi
    pts = cal.points
    assert len(pts) == 100 and list(pts["stage"].value_counts().sort_index()) == [60, 40]
    best = pts.set_index("point").loc[cal.best_point]
    assert best["shortfall"] == pts["shortfall"].min() == 0 and best["accepted"]
    assert best["gap"] == pts.loc[pts["accepted"], "gap"].min()  # the accepted set closest to the values
    # the second stage samples a smaller box around the best first-stage sets, inside the first bounds
    first, second = (p.bounds for p in cal.stages[0].parameters), (p.bounds for p in cal.stages[1].parameters)
    for (a0, b0), (a1, b1) in zip(first, second, strict=True):
        assert a0 <= a1 < b1 <= b0 and (b1 - a1) < (b0 - a0)
    assert pts[pts["stage"] == 2]["shortfall"].median() < pts[pts["stage"] == 1]["shortfall"].median()
    # acceptance: exactly the sets inside both ranges (members = 100 x cost, extra R&D = 1e9 x effect)
    inside = (pts["behaviour.sme_money_cost"].sub(4.0).abs() < 0.19) & (
        pts["behaviour.knowledge_rd_effect"].sub(0.07).abs() < 0.01
    )
    loose = (pts["behaviour.sme_money_cost"].sub(4.0).abs() < 0.21) & (
        pts["behaviour.knowledge_rd_effect"].sub(0.07).abs() < 0.0101
    )
    assert (inside <= pts["accepted"]).all() and (pts["accepted"] <= loose).all()
    assert (tmp_path / "cal" / "calibration.csv").exists() and (tmp_path / "cal" / "calibration.png").exists()

    written = write_scenario(cal, tmp_path / "calibrated.toml")
    text = (tmp_path / "calibrated.toml").read_text()
    assert text.startswith("# Calibrated by `clusterpolicy calibrate`") and "Latin hypercube of 60" in text
    assert "then a second of 40 sets" in text and f"{cal.accepted} of 100 sets fell within" in text
    assert "# calibrated (searched 1.5-10.0" in text and "fixed by the calibration" in text
    b = written.params.behaviour
    assert b.sme_money_cost == cal.best["behaviour.sme_money_cost"]
    assert b.knowledge_rd_effect == cal.best["behaviour.knowledge_rd_effect"]
    assert written.params.simulation.quarters == 8
    # everything not calibrated comes from the base scenario
    base = load_scenario("concept_note_2015").params
    assert written.params.policy == base.policy and b.taste_sd == base.behaviour.taste_sd


def test_calibration_resumes_without_running_again(tmp_path):
    targets = load_targets(write(tmp_path, SYNTH_TARGETS))
    spec = synth_spec(tmp_path, n=6)
    first = calibrate(spec, targets, tmp_path / "cal", workers=1, run=synthetic_run, progress=False)
    seen = []
    again = calibrate(
        spec, targets, tmp_path / "cal", workers=1, run=synthetic_run, progress=False,
        on_start=lambda name, todo, done: seen.append((name, todo, done)),
    )  # fmt: skip
    assert seen == [("synthcal", 0, 12), ("synthcal-counterfactual", 0, 12)]
    assert again.best == first.best


def test_a_confirmation_reruns_the_best_sets_with_fresh_seeds_and_chooses_on_those(tmp_path):
    targets = load_targets(write(tmp_path, SYNTH_TARGETS))
    cal = calibrate(
        synth_spec(tmp_path, n=8),
        targets,
        tmp_path / "cal",
        confirm=3,
        confirm_replications=4,
        workers=1,
        run=synthetic_run,
        progress=False,
    )
    c = cal.confirmed
    assert c is not None and len(c) == 3 and (c["runs"] == 4).all()
    # the three best of the design (by shortfall, then gap), run with their rounded values
    best3 = cal.points.sort_values(["shortfall", "gap"], kind="stable")["point"].head(3).tolist()
    assert c["point"].tolist() == best3
    assert cal.best_point == int(c.sort_values(["shortfall", "gap"])["point"].iloc[0])
    assert cal.runs == 2 * 8 * 2 + 3 * 4 * 2
    # fresh seeds: the confirmed means differ from the design's (noise), but the counterfactual pairing
    # still cancels it in the difference target
    design = cal.points.set_index("point").loc[best3]
    assert not np.allclose(c["members"].to_numpy(), design["members"].to_numpy())
    assert np.allclose(c["extra_rd"], 1e9 * c["behaviour.knowledge_rd_effect"])
    assert (tmp_path / "cal" / "confirmation.csv").exists()
    text = (write_scenario(cal, tmp_path / "c.toml").path).read_text()
    assert "ran again with 4 fresh replications" in text


def test_calibration_needs_every_quarter(tmp_path):
    spec = synth_spec(tmp_path).read_text().replace('keep = "timeseries"', 'keep = "final"')
    path = write(tmp_path, spec, "final.toml")
    with pytest.raises(InputError, match="keep = 'timeseries'"):
        calibrate(load_spec(path), None, tmp_path / "out", workers=1, run=synthetic_run, progress=False)
    assert not (tmp_path / "out").exists()


def test_the_calibration_never_sees_a_held_out_target(tmp_path):
    # the same calibration twice, the held-out target's value and range moved far the second time: every
    # file the calibration writes is the same
    outs = []
    for k, (value, rng) in enumerate(((0.05, "[0.04, 0.06]"), (0.5, "[0.1, 0.9]"))):
        text = SYNTH_TARGETS.replace("value = 0.05\nrange = [0.04, 0.06]", f"value = {value}\nrange = {rng}")
        folder = tmp_path / f"t{k}"
        folder.mkdir()
        targets = load_targets(write(folder, text))
        assert targets.held_out[0].value == value
        cal = calibrate(
            synth_spec(folder, n=12), targets, folder / "cal", workers=1, run=synthetic_run, progress=False,
            write=folder / "calibrated.toml",
        )  # fmt: skip
        outs.append((cal, folder))
    (a, fa), (b, fb) = outs
    assert a.best == b.best and a.best_point == b.best_point
    pd.testing.assert_frame_equal(a.points, b.points)
    for name in ("calibration.csv",):
        assert (fa / "cal" / name).read_bytes() == (fb / "cal" / name).read_bytes()
    # the written scenario names the spec's path, which differs; nothing else may
    text_a = (fa / "calibrated.toml").read_text().replace(str(fa), "DIR")
    assert text_a == (fb / "calibrated.toml").read_text().replace(str(fb), "DIR")

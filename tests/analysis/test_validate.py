"""Validation and calibration: the targets file, the statistics, the commands, recovery of known values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterpolicy.analysis.validation import RunMatrix, recorded_quarters, split_computable, target_matrix
from clusterpolicy.cli.main import main
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.files import TARGETS_FILE
from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.inputs.targets import load_targets
from clusterpolicy.model.metrics import REPORTERS
from clusterpolicy.outputs.calibration import write_scenario
from clusterpolicy.studies.calibrate import calibrate
from clusterpolicy.studies.validate import validate

ROOT = Path(__file__).resolve().parents[2]
GOOD = """
[[target]]
id = "t1"
what = "something"
metric = "members"
transform = "level"
quarter = "2016Q4"
value = 10
range = [5, 15]
unit = "firms"
source = "a source"
"""


def write(tmp_path: Path, text: str, name: str = "targets.toml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


# ------------------------------------------------------------------------------------------ the targets file
def test_the_shipped_targets_file_is_valid_and_covers_the_record():
    ts = load_targets()
    assert ts.path == TARGETS_FILE
    ids = [t.id for t in ts.targets]
    assert len(ids) == len(set(ids)) >= 15
    metrics = {m for t in ts.targets for m in t.all_metrics}
    for m in (
        "spearheads_active",
        "ibns_recognised_total",
        "members_spearhead",
        "sme_member_share",
        "privileged_project_spend_total",
        "public_operating_spend_total",
        "rd_intensity",
        "business_rd",
    ):
        assert m in metrics
    assert metrics <= set(REPORTERS)
    assert any(t.per for t in ts.targets)  # a ratio (earmarked money per euro of operating grants)
    assert {t.id for t in ts.targets if t.counterfactual} >= {
        "additionality",
        "policy_part_of_rd_intensity_2021",
    }
    for t in ts.targets:
        assert t.low < t.high and t.low <= t.value <= t.high and t.source
    # every target can be read off the baseline's recorded period
    _, outside = split_computable(ts, load_scenario("concept_note_2015").params)
    assert outside == []


BAD = [
    ("x = [", "not valid TOML"),
    ("[extra]\na = 1\n" + GOOD, "unknown top-level key"),
    ("", "at least one [[target]]"),
    (GOOD.replace('source = "a source"', 'source = "a source"\ncolour = "red"'), "colour"),
    (GOOD.replace('metric = "members"', 'metric = "members_tota"'), "not a metric"),
    (GOOD.replace('metric = "members"', "metric = []"), "metric name"),
    (GOOD.replace("range = [5, 15]", "range = [15, 5]"), "low < high"),
    (GOOD.replace("range = [5, 15]", "range = [5]"), "low < high"),
    (GOOD.replace("range = [5, 15]", 'range = [5, "x"]'), "low < high"),
    (GOOD.replace("value = 10", "value = 20"), "within range"),
    (GOOD.replace("value = 10", 'value = "ten"'), "a number"),
    (GOOD.replace('quarter = "2016Q4"', 'quarter = "2016Q5"'), "a quarter like"),
    (GOOD.replace('quarter = "2016Q4"', 'quarter = "2016Q4"\nyear = 2016'), "exactly one of"),
    (GOOD.replace('quarter = "2016Q4"', ""), "exactly one of"),
    (GOOD.replace('quarter = "2016Q4"', "years = [2019, 2017]"), "first <= last"),
    (GOOD.replace('source = "a source"', ""), "source"),
    (GOOD.replace('source = "a source"', 'source = " "'), "non-empty"),
    (GOOD.replace('transform = "level"', 'transform = "sum"'), "one of level, mean, per_year"),
    (
        GOOD.replace('transform = "level"\nquarter = "2016Q4"', 'transform = "per_year"\nyear = 2016'),
        "cumulative",
    ),
    (GOOD.replace('transform = "level"', 'transform = "mean"'), "only for transform = 'level'"),
    (GOOD.replace('unit = "firms"', 'unit = "furlongs"'), "one of count"),
    (GOOD.replace('id = "t1"', 'id = "t 1"'), "letters, digits"),
    (GOOD + GOOD, "each id once"),
    (GOOD.replace('unit = "firms"', 'unit = "firms"\ncounterfactual = "yes"'), "true or false"),
    (
        '[counterfactual]\nscenario = "no_such_world"\n'
        + GOOD.replace('unit = "firms"', 'unit = "firms"\ncounterfactual = true'),
        "no_such_world",
    ),
]


@pytest.mark.parametrize(("text", "words"), BAD)
def test_a_bad_targets_file_is_one_line_naming_the_file(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_targets(path)
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg and words in msg


def test_a_good_file_loads(tmp_path):
    ts = load_targets(write(tmp_path, GOOD))
    (t,) = ts.targets
    assert (t.id, t.metrics, t.quarter, t.low, t.high) == ("t1", ("members",), "2016Q4", 5.0, 15.0)
    assert t.fit and not t.counterfactual and not ts.needs_counterfactual


def test_cli_validate_with_a_bad_targets_file_is_one_line_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("range = [5, 15]", "range = [15, 5]"))
    out = tmp_path / "out"
    assert main(["validate", "--targets", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("clusterpolicy: error:") and "\n" not in err and "range" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["validate", "no_such_scenario"], "known scenarios"),
        (["validate", "--replications", "1"], "--replications"),
        (["validate", "--set", "policy.spearhead_cap=-1"], "spearhead_cap"),
        (["calibrate", "no_such_spec"], "shipped specs"),
        (["calibrate", "--write", "x.txt"], ".toml"),
        (
            [
                "calibrate",
                "--write",
                str(ROOT / "clusterpolicy" / "data" / "scenarios" / "concept_note_2015.toml"),
            ],
            "base scenario",
        ),
    ],
)
def test_cli_bad_input_is_one_line(tmp_path, capsys, args, words):
    assert main([*args, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and words in err
    assert not (tmp_path / "out").exists()


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
fit = false
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


def test_validate_runs_end_to_end_on_a_small_configuration(tmp_path, capsys):
    out = tmp_path / "val"
    small = ["--set", "population.n_firms=600", "--set", "simulation.quarters=12"]
    assert main(["validate", "--replications", "2", "--workers", "1", "--out", str(out), *small]) == 0
    printed = capsys.readouterr().out
    assert "validated concept_note_2015" in printed and "spearheads_2016" in printed
    assert "targets within range" in printed and "not computed" in printed
    table = pd.read_csv(out / "validation.csv")
    assert {"spearheads_2016", "ibns_first_call", "rd_intensity_2017"} <= set(table["id"])
    assert "spearheads_2021" not in set(table["id"])  # beyond 2018Q4
    for col in ("observed", "low", "high", "source", "model_mean", "ci_low", "ci_high", "within"):
        assert col in table.columns
    assert (table["n"] == 2).all() and table["model_mean"].notna().all()
    assert (table["ci_low"] <= table["model_mean"]).all() and (table["model_mean"] <= table["ci_high"]).all()
    assert len(pd.read_csv(out / "replications.csv")) == 2
    assert (out / "validation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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
    assert [t.id for t in cal.targets.targets] == ["members", "extra_rd"]  # fit = false is left out
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


def test_the_shipped_calibration_spec_spans_behavioural_uncertainties_only():
    spec = load_spec("calibration")
    assert spec.design == "lhs" and spec.keep == "timeseries" and spec.base.name == "concept_note_2015"
    assert all(p.key.startswith("behaviour.") for p in spec.parameters)
    base = spec.base.params.to_dict()["behaviour"]
    for p in spec.parameters:
        assert p.bounds is not None and p.bounds[0] < p.bounds[1]
        assert p.bounds[0] <= base[p.key.split(".")[1]] <= p.bounds[1]

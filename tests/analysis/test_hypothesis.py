"""Hypothesis tests and additionality: known and null effects, pairing, verdicts vs intervals, bad files."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from helpers import SMALL, html_is_balanced
from scipy import stats

from clusterpolicy.analysis.additionality import classify
from clusterpolicy.analysis.hypothesis import VERDICT_COLUMNS, adjust, paired_test, verdicts
from clusterpolicy.analysis.stats import paired_diff_ci
from clusterpolicy.cli.main import main
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.files import HYPOTHESIS_DIR
from clusterpolicy.inputs.hypothesis_file import available_hypotheses, load_hypothesis
from clusterpolicy.inputs.scenario import counterfactual, load_scenario
from clusterpolicy.runs.design import replicate_seeds, tasks
from clusterpolicy.studies.additionality import additionality
from clusterpolicy.studies.hypothesis import CROWDING_OUT, hypothesis, points_of

TINY = [f"{k}={v}" for k, v in {**SMALL, "population.n_firms": 600, "simulation.quarters": 8}.items()]
TINY_ARGS = [a for s in TINY for a in ("--set", s)]

SYNTHETIC = """
[hypothesis]
id = "HX"
title = "A synthetic hypothesis"
base = "concept_note_2015"
lever = "policy.privileged_share"
values = [0.0, 0.2, 0.4]
reference = {reference}
replications = {replications}
seed = {seed}
alpha = 0.05
correction = "{correction}"

[[outcome]]
metric = "projects_individual_funded_total"   # the known effect: -100 per unit of the lever
expected = "{expected}"

[[outcome]]
metric = "members"                      # no effect at all
expected = "increase"
"""


def write_spec(
    tmp_path,
    name="hx.toml",
    reference=0.0,
    replications=12,
    seed=1,
    correction="bonferroni",
    expected="decrease",
):
    path = tmp_path / name
    path.write_text(
        SYNTHETIC.format(
            reference=reference,
            replications=replications,
            seed=seed,
            correction=correction,
            expected=expected,
        )
    )
    return path


# ------------------------------------------------------------------------------ synthetic models
def _synthetic(task):
    """A fake model: noise shared by all values of a replicate (sd 50), a little of its own (sd 1),
    an effect of -100 per unit of the lever on one metric and none on another."""
    common = np.random.default_rng(task.seed).normal(0.0, 50.0, size=2)
    own = np.random.default_rng([task.seed, task.point]).normal(0.0, 1.0, size=2)
    share = task.params.policy.privileged_share
    return pd.DataFrame(
        {
            "quarter": ["2016Q1", "2016Q2"],
            "projects_individual_funded_total": [0.0, 1000.0 + common[0] - 100.0 * share + own[0]],
            "members": [0.0, 500.0 + common[1] + own[1]],
        }
    )


def _unpaired(task):
    """The same fake model with the replicate's shared noise drawn afresh at every value (no pairing)."""
    return _synthetic(
        type(task)(
            task.run_id, task.point, task.label, task.replicate, task.seed + 7919 * task.point, task.params
        )
    )


# ------------------------------------------------------------------------------ known effect, no effect
@pytest.mark.parametrize("seed", range(8))
def test_a_known_effect_is_detected_with_the_right_sign(tmp_path, seed):
    spec = load_hypothesis(write_spec(tmp_path, seed=seed))
    v = hypothesis(spec, workers=1, run=_synthetic, progress=False).verdicts.set_index(["outcome", "value"])
    for value, true in (("0.2", -20.0), ("0.4", -40.0)):
        r = v.loc[("projects_individual_funded_total", value)]
        assert r["verdict"] == "supported"
        assert r["effect"] == pytest.approx(true, abs=2.0) and r["ci_high"] < 0  # se of the effect about 0.4
    # the same data, the opposite expectation: the verdict says so
    spec = load_hypothesis(write_spec(tmp_path, seed=seed, expected="increase"))
    v = hypothesis(spec, workers=1, run=_synthetic, progress=False).verdicts
    assert (v[v["outcome"] == "projects_individual_funded_total"]["verdict"] == "opposite").all()


def test_no_effect_is_not_detected(tmp_path):
    found = 0
    spec = load_hypothesis(write_spec(tmp_path))
    for seed in range(30):
        v = hypothesis(replace(spec, seed=seed), workers=1, run=_synthetic, progress=False).verdicts
        found += int((v[v["outcome"] == "members"]["verdict"] != "not supported").any())
    assert found <= 3  # family-wise rate at most α = 5 % (Bonferroni); 30 families, expected ≤ 1.5


def _fake_finals(rng, n, effects, sd_common=5.0, sd_own=1.0, values=("0", "0.2", "0.4")):
    """Finals of a synthetic design: one metric per effect size, paired by replicate."""
    rows = []
    common = rng.normal(0, sd_common, size=(n, len(effects)))
    for j, lab in enumerate(values):
        for r in range(n):
            row = {"label": lab, "replicate": r}
            for k, e in enumerate(effects):
                row[f"m{k}"] = 10.0 + common[r, k] + e * j + rng.normal(0, sd_own)
            rows.append(row)
    return pd.DataFrame(rows)


class _Spec:
    """A stand-in for HypothesisSpec over metrics m0, m1, ... (to test the statistics alone)."""

    def __init__(self, metrics, expected="increase", correction="none", alpha=0.05):
        from clusterpolicy.inputs.hypothesis_file import Expectation, HypothesisSpec

        base = load_hypothesis("H3")
        self.spec = HypothesisSpec(
            **{
                **{f: getattr(base, f) for f in base.__dataclass_fields__},
                "outcomes": tuple(Expectation(m, expected) for m in metrics),
                "correction": correction,
                "alpha": alpha,
                "values": (0.0, 0.2, 0.4),
                "reference": 0.0,
            }
        )


def test_without_correction_a_null_effect_is_rejected_at_rate_alpha():
    rng = np.random.default_rng(11)
    metrics = [f"m{k}" for k in range(40)]
    spec = _Spec(metrics).spec
    rejected = total = 0
    for _ in range(25):
        finals = _fake_finals(rng, 10, [0.0] * 40)
        v = verdicts(spec, finals)
        rejected += int((v["verdict"] != "not supported").sum())
        total += len(v)
    assert 0.03 <= rejected / total <= 0.07  # 2,000 tests at α = 0.05


# ------------------------------------------------------------------------------ pairing
def test_replicate_r_gets_the_same_seed_at_every_value():
    spec = load_hypothesis("H3", replications=5)
    seeds = replicate_seeds(spec.seed, 5)
    ts = tasks(points_of(spec), seeds)
    assert len(ts) == 4 * 5
    for r in range(5):
        assert {t.seed for t in ts if t.replicate == r} == {seeds[r]}
    assert [p.params.policy.privileged_share for p in points_of(spec)] == [0.0, 0.25, 0.4, 0.6]
    assert {p.params.policy.project_budget for p in points_of(spec)} == {2.8e8}


def test_the_design_really_pairs(tmp_path):
    spec = load_hypothesis(write_spec(tmp_path, replications=10))
    res = hypothesis(spec, workers=1, run=_synthetic, progress=False)
    r = res.verdicts.set_index(["outcome", "value"]).loc[("projects_individual_funded_total", "0.2")]
    # the shared noise (sd 50) cancels in the pairs: the interval is narrow and the effect clear
    assert r["ci_high"] - r["ci_low"] < 5 and r["verdict"] == "supported"
    f = res.finals.set_index(["label", "replicate"])["projects_individual_funded_total"]
    x, y = f.loc["0.2"].to_numpy(), f.loc["0"].to_numpy()
    assert stats.ttest_ind(x, y).pvalue > 0.05, "unpaired, the same runs show nothing"
    # the evaluation pairs by replicate, not by row order
    shuffled = res.finals.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(verdicts(spec, shuffled), res.verdicts)
    # break the pairs: the effect is lost in the noise
    broken = res.finals.copy()
    at = broken["label"] == "0.2"
    broken.loc[at, "replicate"] = (broken.loc[at, "replicate"] + 1) % 10
    b = (
        verdicts(spec, broken)
        .set_index(["outcome", "value"])
        .loc[("projects_individual_funded_total", "0.2")]
    )
    assert b["verdict"] == "not supported" and b["ci_high"] - b["ci_low"] > 50
    # and a model without common random numbers cannot show it either
    u = hypothesis(spec, workers=1, run=_unpaired, progress=False).verdicts
    assert u.set_index(["outcome", "value"]).loc[("projects_individual_funded_total", "0.2"), "verdict"] == (
        "not supported"
    )


# ------------------------------------------------------------------------------ verdicts and intervals
@pytest.mark.parametrize("correction", ["none", "bonferroni", "bh"])
def test_verdicts_and_intervals_agree(correction):
    rng = np.random.default_rng(5)
    effects = [0.0, 0.3, -0.3, 0.6, -0.6, 1.0, 2.0, -2.0]
    spec = _Spec([f"m{k}" for k in range(len(effects))], correction=correction).spec
    n_checked = {"supported": 0, "opposite": 0, "not supported": 0}
    for _ in range(15):
        finals = _fake_finals(rng, 8, effects)
        v = verdicts(spec, finals)
        assert list(v.columns) == VERDICT_COLUMNS
        for _, r in v.iterrows():
            excludes = r["ci_low"] > r["tested_against"] or r["ci_high"] < r["tested_against"]
            assert (r["verdict"] != "not supported") == excludes
            if r["verdict"] == "supported":
                assert r["ci_low"] > 0  # expected: increase
            if r["verdict"] == "opposite":
                assert r["ci_high"] < 0
            assert r["ci_low"] <= r["effect"] <= r["ci_high"]
            n_checked[r["verdict"]] += 1
        if correction == "none":
            assert (v["p_adjusted"] == v["p_value"]).all() and (v["ci_level"] == 0.95).all()
    assert min(n_checked.values()) >= 5, n_checked


def test_p_values_and_intervals_are_scipys_paired_t():
    rng = np.random.default_rng(2)
    finals = _fake_finals(rng, 9, [0.4])
    v = verdicts(_Spec(["m0"]).spec, finals).set_index("value")
    f = finals.set_index(["label", "replicate"])["m0"]
    x, y = f.loc["0.2"].to_numpy(), f.loc["0"].to_numpy()
    assert v.loc["0.2", "p_value"] == pytest.approx(stats.ttest_rel(x, y).pvalue)
    ci = paired_diff_ci(x, y, 0.95)
    assert (v.loc["0.2", "ci_low"], v.loc["0.2", "ci_high"]) == pytest.approx((ci.low, ci.high))
    assert v.loc["0.2", "effect"] == pytest.approx(np.mean(x - y))


def test_adjustments():
    p = np.array([0.001, 0.01, 0.02, 0.5, np.nan])
    b, level = adjust(p, 0.05, "bonferroni")
    assert (
        b[:4] == pytest.approx([0.004, 0.04, 0.08, 1.0])
        and np.isnan(b[4])
        and level == pytest.approx(1 - 0.05 / 4)
    )
    bh, level = adjust(p, 0.05, "bh")
    assert bh[:4] == pytest.approx(stats.false_discovery_control(p[:4]))
    assert level == pytest.approx(1 - 3 * 0.05 / 4)  # three discoveries (0.004, 0.02, 0.027 adjusted)
    n, level = adjust(p, 0.05, "none")
    assert n[:4] == pytest.approx(p[:4]) and level == 0.95


def test_paired_test_edge_cases():
    assert np.isnan(paired_test(np.array([1.0]), np.array([0.0])).p)
    t = paired_test(np.array([2.0, 3.0, np.nan]), np.array([1.0, 2.0, 5.0]))
    assert (t.n, t.effect, t.p) == (2, 1.0, 0.0)  # the same difference in every pair: no noise
    assert paired_test(np.array([1.0, 2.0]), np.array([1.0, 2.0])).p == 1.0


def test_a_margin_tests_no_decrease(tmp_path):
    rng = np.random.default_rng(4)
    from clusterpolicy.inputs.hypothesis_file import Expectation, HypothesisSpec

    base = _Spec(["m0"]).spec
    fields = {f: getattr(base, f) for f in base.__dataclass_fields__}
    small_drop = _fake_finals(rng, 12, [-0.2], sd_own=0.1)
    spec = HypothesisSpec(**{**fields, "outcomes": (Expectation("m0", "no decrease", margin=1.0),)})
    v = verdicts(spec, small_drop)
    assert (v["verdict"] == "supported").all() and (v["tested_against"] == -1.0).all()
    big_drop = _fake_finals(rng, 12, [-3.0], sd_own=0.1)
    assert (verdicts(spec, big_drop)["verdict"] == "opposite").all()


def test_below_the_reference_the_expected_direction_turns_round(tmp_path):
    spec = load_hypothesis(write_spec(tmp_path, reference=0.2))
    v = hypothesis(spec, workers=1, run=_synthetic, progress=False).verdicts.set_index(["outcome", "value"])
    below, above = (
        v.loc[("projects_individual_funded_total", "0")],
        v.loc[("projects_individual_funded_total", "0.4")],
    )
    assert below["expected"] == "increase" and below["effect"] > 0 and below["verdict"] == "supported"
    assert above["expected"] == "decrease" and above["effect"] < 0 and above["verdict"] == "supported"
    assert below["comparison"] == "0 vs 0.2"


def _failing(task):
    if task.point == 1 and task.replicate == 2:
        raise RuntimeError("boom")
    return _synthetic(task)


def test_a_failed_run_drops_its_pair_and_is_reported(tmp_path):
    spec = load_hypothesis(write_spec(tmp_path, replications=6))
    res = hypothesis(spec, workers=1, run=_failing, progress=False, out=tmp_path / "o")
    v = res.verdicts.set_index(["outcome", "value"])
    assert v.loc[("members", "0.2"), "n"] == 5 and v.loc[("members", "0.4"), "n"] == 6
    assert "boom" in next(iter(res.failures.values()))
    assert "Failed runs" in (tmp_path / "o" / "report.html").read_text()


def _always_failing(task):
    raise RuntimeError("no model today")


def test_when_every_run_fails_nothing_is_claimed(tmp_path, capsys):
    spec = load_hypothesis(write_spec(tmp_path, replications=2))
    res = hypothesis(spec, workers=1, run=_always_failing, progress=False, out=tmp_path / "o")
    assert len(res.failures) == 6 and (res.verdicts["verdict"] == "not supported").all()
    assert (res.verdicts["n"] == 0).all() and (tmp_path / "o" / "report.html").exists()
    from clusterpolicy.outputs.hypothesis import verdict_text

    assert "0 of 4 comparisons support HX" in verdict_text(res)


def test_the_same_command_resumes(tmp_path):
    calls = []

    def counting(task):
        calls.append(task.run_id)
        return _synthetic(task)

    spec = load_hypothesis(write_spec(tmp_path, replications=3))
    a = hypothesis(spec, workers=1, run=counting, progress=False, out=tmp_path / "o")
    b = hypothesis(spec, workers=1, run=counting, progress=False, out=tmp_path / "o")
    assert len(calls) == 9
    pd.testing.assert_frame_equal(a.verdicts, b.verdicts)
    with pytest.raises(InputError, match="different design"):
        hypothesis(
            load_hypothesis(write_spec(tmp_path, replications=4)),
            workers=1,
            run=counting,
            progress=False,
            out=tmp_path / "o",
        )
    hypothesis(spec, workers=1, run=counting, progress=False, out=tmp_path / "o", fresh=True)
    assert len(calls) == 18


# ------------------------------------------------------------------------------ bad files
GOOD = {
    "hypothesis": {
        "id": "HB",
        "title": "t",
        "base": "concept_note_2015",
        "lever": "policy.privileged_share",
        "values": [0.0, 0.2],
        "reference": 0.0,
        "replications": 3,
    },
    "outcome": [{"metric": "members", "expected": "increase"}],
}


def _toml(data):
    def val(v):
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return repr(v)

    lines = []
    for k, v in data.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            for item in v:
                lines.append(f"[[{k}]]")
                lines += [f"{kk} = {val(vv)}" for kk, vv in item.items()]
        elif isinstance(v, dict):
            lines.append(f"[{k}]")
            lines += [f"{json.dumps(kk) if '.' in kk else kk} = {val(vv)}" for kk, vv in v.items()]
        else:
            lines.insert(0, f"{k} = {val(v)}")
    return "\n".join(lines) + "\n"


def _bad(**changes):
    data = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        table, _, key = path.partition("__")
        if table == "top":
            data[key] = value
        elif table == "drop":
            data["hypothesis"].pop(key)
        elif table == "outcome":
            data["outcome"][0][key] = value
        elif table == "dropout":
            data["outcome"][0].pop(key)
        else:
            data[table][key] = value
    return _toml(data)


BAD = [
    ("not toml", "[hypothesis\nid = 1", "not valid TOML"),
    ("unknown top-level", _bad(top__extras={"a": 1}), "extras = {'a': 1}: unknown top-level key"),
    (
        "no hypothesis table",
        "[[outcome]]\nmetric = 'members'\nexpected = 'increase'\n",
        "[hypothesis] table",
    ),
    ("unknown key", _bad(hypothesis__levers="x"), "hypothesis.levers = 'x': unknown key; allowed: id"),
    ("missing key", _bad(drop__values=None), "hypothesis.values: missing"),
    (
        "lever not a parameter",
        _bad(hypothesis__lever="privileged_share"),
        "privileged_share = 0.0: not a parameter",
    ),
    (
        "unknown lever",
        _bad(hypothesis__lever="policy.privilege"),
        "policy.privilege = 0.0: unknown parameter",
    ),
    (
        "value out of range",
        _bad(hypothesis__values=[0.0, 1.5]),
        "policy.privileged_share = 1.5: a number from 0 to 1 (share)",
    ),
    (
        "bad string value",
        _bad(
            hypothesis__lever="policy.selection",
            hypothesis__values=["jury", "vote"],
            hypothesis__reference="jury",
        ),
        "policy.selection = 'vote': one of 'jury'",
    ),
    ("one value", _bad(hypothesis__values=[0.0]), "a list of at least two values"),
    ("duplicate values", _bad(hypothesis__values=[0.0, 0.2, 0.20]), "0.2 is given twice"),
    ("reference not a value", _bad(hypothesis__reference=0.4), "hypothesis.reference = 0.4: must be one of"),
    (
        "one replication",
        _bad(hypothesis__replications=1),
        "hypothesis.replications = 1: a whole number of at least 2",
    ),
    ("fractional replications", _bad(hypothesis__replications=2.5), "hypothesis.replications = 2.5"),
    ("alpha 0", _bad(hypothesis__alpha=0.0), "hypothesis.alpha = 0.0: a number between 0 and 1 (exclusive)"),
    ("alpha above 1", _bad(hypothesis__alpha=1.5), "hypothesis.alpha = 1.5"),
    (
        "bad correction",
        _bad(hypothesis__correction="holm"),
        "hypothesis.correction = 'holm': one of 'bonferroni'",
    ),
    ("negative seed", _bad(hypothesis__seed=-1), "hypothesis.seed = -1: a whole number from 0"),
    ("unknown base", _bad(hypothesis__base="nope"), "hypothesis.base = 'nope': nope: no such scenario"),
    (
        "base with scenario lever",
        _bad(hypothesis__lever="scenario", hypothesis__values=["a", "b"]),
        "hypothesis.base = 'concept_note_2015': not used when lever = 'scenario'",
    ),
    (
        "unknown scenario value",
        _bad(
            drop__base=None,
            hypothesis__lever="scenario",
            hypothesis__values=["concept_note_2015", "nope"],
            hypothesis__reference="concept_note_2015",
        ),
        "hypothesis.values: 'nope'",
    ),
    (
        "unknown metric",
        _bad(outcome__metric="members_everywhere"),
        "outcome 1: metric = 'members_everywhere': unknown metric",
    ),
    ("bad expected", _bad(outcome__expected="up"), "outcome 1: expected = 'up': one of 'increase'"),
    ("missing expected", _bad(dropout__expected=None), "outcome 1: expected: missing"),
    ("unknown outcome key", _bad(outcome__direction="up"), "outcome 1: direction = 'up': unknown key"),
    ("no margin", _bad(outcome__expected="no decrease"), "outcome 1: margin: missing"),
    (
        "negative margin",
        _bad(outcome__expected="no decrease", outcome__margin=-1.0),
        "outcome 1: margin = -1.0: a number above 0",
    ),
    ("margin with increase", _bad(outcome__margin=1.0), "outcome 1: margin = 1.0: only for expected"),
    ("no outcomes", _toml({"hypothesis": GOOD["hypothesis"]}), "at least one [[outcome]]"),
    ("fixed unknown key", _bad(top__fixed={"policy.nope": 1}), "fixed: policy.nope = 1: unknown parameter"),
    (
        "fixed bad value",
        _bad(top__fixed={"policy.project_budget": -1.0}),
        "fixed: policy.project_budget = -1.0",
    ),
    ("fixed lever", _bad(top__fixed={"policy.privileged_share": 0.1}), "the lever cannot also be fixed"),
    (
        "inconsistent",
        _bad(hypothesis__lever="behaviour.leave_threshold", hypothesis__values=[0.0, 3000.0]),
        "hypothesis.values: behaviour.leave_threshold = 3000.0: at most behaviour.join_threshold",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_hypothesis_files_give_one_clear_line(tmp_path, capsys, case, text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_hypothesis(path)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(str(path)) and expected in msg, msg
    out = tmp_path / "out"
    assert main(["hypothesis", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("clusterpolicy: error: ") and expected in err
    assert not out.exists(), "nothing is written on bad input"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["hypothesis", "H9"], "no such hypothesis file or name; shipped hypotheses: H1a_cofinancing"),
        (["hypothesis", "H3", "--replications", "1"], "--replications: 1: a whole number of at least 2"),
        (["hypothesis", "H3", "--workers", "0"], "--workers: 0"),
        (["hypothesis", "H3", "--seed", "-2"], "--seed: -2"),
        (["crowding-out", "--set", "policy.privileged_share=0.3"], "the lever of H3 cannot be overridden"),
        (["crowding-out", "--set", "policy.nope=1"], "--set: policy.nope = 1: unknown parameter"),
        (["additionality", "no_cluster_policy"], "same parameters as its counterfactual"),
        (["additionality", "concept_note_2015", "--counterfactual", "nope"], "known scenarios"),
        (["additionality", "concept_note_2015", "--replications", "1"], "--replications"),
    ],
)
def test_bad_command_lines_give_one_clear_line(tmp_path, capsys, argv, expected):
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err, err
    assert not out.exists()


# ------------------------------------------------------------------------------ the shipped files
def test_every_shipped_file_loads_and_says_where_its_values_come_from():
    names = available_hypotheses()
    ids = {load_hypothesis(n).id for n in names}
    assert {"H1a", "H1b", "H2", "H3", "H4", "H5"} <= ids
    assignment = re.compile(r'^\s*("?[a-z_.]+"?)\s*=')
    prose = {"id", "title", "statement", "source", "metric", "expected", "why"}
    for path in HYPOTHESIS_DIR.glob("*.toml"):
        data = tomllib.loads(path.read_text())
        assert all(o.get("why") for o in data["outcome"]), path.name
        for line in path.read_text().splitlines():
            m = assignment.match(line)
            if m and m.group(1).strip('"') not in prose:
                assert "#" in line, f"{path.name}: no source comment on: {line}"


def test_crowding_out_runs_the_shipped_h3_file():
    spec = load_hypothesis(CROWDING_OUT)
    assert spec.id == "H3" and spec.lever == "policy.privileged_share" and spec.reference == 0.0
    assert {o.metric for o in spec.outcomes} == {
        "projects_individual_funded_total",
        "projects_ibn_funded_total",
        "business_rd_nonmembers",
        "sme_share_project_funding",
        "proposals_crowded_out_total",
    }
    assert load_hypothesis("h3").path == spec.path


def test_a_scenario_lever_and_a_string_lever_resolve():
    h4 = load_hypothesis("H4")
    assert [p.params.policy.support_years_ibn for p in points_of(h4)] == [3, 50]
    assert all(p.params.simulation.quarters == 56 for p in points_of(h4)) and not h4.numeric
    h5 = load_hypothesis("H5")
    assert [p.params.policy.selection for p in points_of(h5)] == ["jury", "fcfs", "lottery"]
    assert h5.expected_for(h5.outcomes[0], "fcfs") == "decrease"


def test_a_scenario_lever_finds_scenario_files_next_to_the_hypothesis(tmp_path):
    (tmp_path / "tweak.toml").write_text(
        'extends = "concept_note_2015"\n[policy]\nprivileged_share = 0.5   # assumption\n'
    )
    data = {
        "hypothesis": {
            **{k: v for k, v in GOOD["hypothesis"].items() if k != "base"},
            "lever": "scenario",
            "values": ["concept_note_2015", "tweak"],
            "reference": "concept_note_2015",
        },
        "outcome": GOOD["outcome"],
    }
    (tmp_path / "h.toml").write_text(_toml(data))
    spec = load_hypothesis(tmp_path / "h.toml")
    assert [p.params.policy.privileged_share for p in points_of(spec)] == [0.25, 0.5]
    assert spec.comparisons == ["tweak"] and spec.comparison_text("tweak") == "tweak vs concept_note_2015"


def test_fixed_settings_may_be_nested_or_dotted(tmp_path):
    base = _bad().replace("[[outcome]]", "[fixed.population]\nn_firms = 700\n\n[[outcome]]", 1)
    (tmp_path / "a.toml").write_text(base)
    (tmp_path / "b.toml").write_text(_bad(top__fixed={"population.n_firms": 700}))
    a, b = load_hypothesis(tmp_path / "a.toml"), load_hypothesis(tmp_path / "b.toml")
    assert a.fixed == b.fixed == {"population.n_firms": 700}
    assert all(p.params.population.n_firms == 700 for p in points_of(a))
    c = load_hypothesis(tmp_path / "b.toml", ["population.n_firms=650"])
    assert all(p.params.population.n_firms == 650 for p in points_of(c)), "--set comes after [fixed]"


# ------------------------------------------------------------------------------ additionality
def test_additionality_classes():
    assert classify(1.0) == "additional" and classify(1.7) == "additional"
    assert classify(0.5) == "partial crowding-out" and classify(1e-9) == "partial crowding-out"
    assert classify(0.0) == "full crowding-out" and classify(-0.3) == "full crowding-out"
    assert classify(float("nan")) == "undefined"


def test_the_counterfactual_is_the_same_economy_without_the_policy():
    sc = load_scenario("serv_advice_2015", ["population.n_firms=600", "behaviour.subsidy_pass_through=0.7"])
    cf = counterfactual(sc)
    assert cf.params.policy == load_scenario("no_cluster_policy").params.policy
    assert cf.params.population == sc.params.population and cf.params.behaviour == sc.params.behaviour
    assert cf.params.simulation == sc.params.simulation and not cf.params.policy.enabled


def _additional(task):
    """A fake model in which each public euro of the policy adds exactly ``k`` euros of business R&D in every
    pair (``k`` read from ``behaviour.subsidy_pass_through``) and 100 members do 2m a year more R&D than
    non-members; R&D and public money carry noise common to the pair."""
    rng = np.random.default_rng(task.seed)
    base, u = 1e9 + 1e7 * rng.normal(), rng.random()
    on = task.params.policy.enabled
    k = task.params.behaviour.subsidy_pass_through
    q = np.arange(1, 9)
    extra = 3.2e7 * (1 + u) if on else 0.0  # public money of the policy over the 8 quarters
    return pd.DataFrame(
        {
            "quarter": [f"{2016 + (i - 1) // 4}Q{(i - 1) % 4 + 1}" for i in q],
            "business_rd": np.full(8, base + k * extra / 2),  # a yearly rate: 8 quarters add 2 years of it
            "public_operating_spend_total": extra * q / 8 + 1e6 * q,
            "public_project_spend_total": 1e8 * q,
            "rd_per_member_firm": np.full(8, 3e6),
            "rd_per_nonmember_firm": np.full(8, 1e6),
            "members": np.full(8, 100.0 if on else 50.0),
        }
    )


@pytest.mark.parametrize(
    ("k", "klass"),
    [(1.5, "additional"), (0.5, "partial crowding-out"), (0.0, "full crowding-out")],
)
def test_additionality_recovers_a_known_ratio(k, klass):
    res = additionality(
        "concept_note_2015",
        replications=12,
        seed=3,
        workers=1,
        run=_additional,
        progress=False,
        overrides=[f"behaviour.subsidy_pass_through={k}"],
    )
    t = res.table.set_index("estimate")
    assert t.loc["counterfactual", "value"] == pytest.approx(k, abs=1e-12)
    assert t.loc["counterfactual", "class"] == klass
    # R&D rises by exactly k per public euro in every pair, so every resample gives k: the interval is k
    assert (t.loc["counterfactual", "ci_low"], t.loc["counterfactual", "ci_high"]) == pytest.approx(
        (k, k), abs=1e-9
    )
    assert res.per_replicate["ratio"].to_numpy() == pytest.approx(np.full(12, k), abs=1e-12)
    assert len(set(res.per_replicate["delta_public"])) == 12, "public money differs by replicate"


def test_the_naive_estimate_is_members_gap_per_public_euro():
    res = additionality(
        "concept_note_2015",
        replications=6,
        seed=1,
        workers=1,
        run=_additional,
        progress=False,
        overrides=["behaviour.subsidy_pass_through=1.0"],
    )
    per = res.per_replicate
    # members (100) do 2m a year more than non-members, over 8 quarters: 100 * 2e6 * 8 / 4
    assert per["naive_gap"].to_numpy() == pytest.approx(np.full(6, 4e8))
    t = res.table.set_index("estimate")
    assert t.loc["naive", "value"] == pytest.approx(4e8 / per["delta_public"].mean())
    assert t.loc["selection_bias", "value"] == pytest.approx(
        t.loc["naive", "value"] - t.loc["counterfactual", "value"]
    )
    assert t.loc["naive", "ci_low"] < t.loc["naive", "value"] < t.loc["naive", "ci_high"]


# ------------------------------------------------------------------------------ end to end, real model


def test_cli_crowding_out_end_to_end(tmp_path, capsys):
    out = tmp_path / "co"
    args = ["crowding-out", "--replications", "3", "--workers", "1", "--out", str(out), *TINY_ARGS]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "H3: Privileged budgets crowd out" in printed and f"report: {out / 'report.html'}" in printed
    assert "12 runs (4 values x 3 replications)" in printed and "in short:" in printed
    v = pd.read_csv(out / "verdicts.csv")
    assert list(v.columns[:9]) == [
        "hypothesis",
        "outcome",
        "comparison",
        "effect",
        "ci_low",
        "ci_high",
        "p_value",
        "p_adjusted",
        "verdict",
    ]
    assert len(v) == 15 and set(v["verdict"]) <= {"supported", "not supported", "opposite"}
    assert set(v["comparison"]) == {"0.25 vs 0", "0.4 vs 0", "0.6 vs 0"}
    assert (out / "effects.png").read_bytes()[:4] == b"\x89PNG"
    text = (out / "report.html").read_text()
    assert html_is_balanced(text) and "data:image/png;base64," in text and "https://" not in text
    assert "The answer, outcome by outcome" in text and "individual firm projects funded" in text
    finals = pd.read_csv(out / "finals.csv")
    assert len(finals) == 12 and finals.groupby("replicate")["seed"].nunique().eq(1).all()
    # the same command again resumes: nothing is run twice
    status = (out / "store" / "status.jsonl").read_text().count("\n")
    assert main(args) == 0
    assert (out / "store" / "status.jsonl").read_text().count("\n") == status
    pd.testing.assert_frame_equal(pd.read_csv(out / "verdicts.csv"), v)


def test_cli_hypothesis_with_a_string_lever(tmp_path, capsys):
    out = tmp_path / "h5"
    assert (
        main(["hypothesis", "H5", "--replications", "2", "--workers", "1", "--out", str(out), *TINY_ARGS])
        == 0
    )
    v = pd.read_csv(out / "verdicts.csv")
    assert set(v["comparison"]) == {"fcfs vs jury", "lottery vs jury"} and len(v) == 10


def test_cli_additionality_end_to_end(tmp_path, capsys):
    out = tmp_path / "add"
    assert (
        main(
            [
                "additionality",
                "concept_note_2015",
                "--replications",
                "3",
                "--workers",
                "1",
                "--out",
                str(out),
                *TINY_ARGS,
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "against the counterfactual" in printed and "naive: members vs non-members" in printed
    t = pd.read_csv(out / "additionality.csv").set_index("estimate")
    assert {"counterfactual", "naive", "selection_bias", "delta_rd", "delta_public"} <= set(t.index)
    assert t.loc["counterfactual", "class"] in {"additional", "partial crowding-out", "full crowding-out"}
    assert t.loc["delta_public", "value"] > 0  # the policy spends public money the counterfactual does not
    assert len(pd.read_csv(out / "replicates.csv")) == 3
    assert html_is_balanced((out / "report.html").read_text())

"""The hypothesis and additionality studies: known and null effects, pairing, failures, resume,
counterfactuals."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from clusterpolicy.analysis.hypothesis import verdicts
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.hypothesis_file import load_hypothesis
from clusterpolicy.inputs.scenario import counterfactual, load_scenario
from clusterpolicy.runs.design import replicate_seeds, tasks
from clusterpolicy.studies.additionality import additionality
from clusterpolicy.studies.hypothesis import hypothesis, points_of

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


def _by_channel(task):
    """A fake model whose extra business R&D comes 60 % from own R&D, 30 % from project grants and 10 %
    from EU grants (the draws of :func:`_additional`, so the totals are the same)."""
    df = _additional(task)
    rng = np.random.default_rng(task.seed)
    base = 1e9 + 1e7 * rng.normal()
    extra = df["business_rd"].to_numpy() - base
    df["business_rd_own"] = base + 0.6 * extra
    df["business_rd_project_subsidy"] = 0.3 * extra
    df["business_rd_eu"] = 0.1 * extra
    return df


def test_additionality_splits_by_channel_and_the_channels_add_up():
    res = additionality(
        "concept_note_2015",
        replications=8,
        seed=2,
        workers=1,
        run=_by_channel,
        progress=False,
        overrides=["behaviour.subsidy_pass_through=1.0"],
    )
    t = res.table.set_index("estimate")
    total = t.loc["counterfactual", "value"]
    parts = {ch: t.loc[f"channel_{ch}", "value"] for ch in ("knowledge", "pass_through", "eu")}
    assert parts["knowledge"] == pytest.approx(0.6 * total, rel=1e-9)
    assert parts["pass_through"] == pytest.approx(0.3 * total, rel=1e-9)
    assert parts["eu"] == pytest.approx(0.1 * total, rel=1e-9)
    assert sum(parts.values()) == pytest.approx(total, rel=1e-9)
    for ch in parts:
        assert t.loc[f"channel_{ch}", "ci_low"] <= parts[ch] <= t.loc[f"channel_{ch}", "ci_high"]


def _pots(task):
    """A fake model in which crowding-out happens only under a hard reserve, and in proportion to it."""
    pol = task.params.policy
    crowded = 1000.0 * pol.privileged_share if pol.privileged_mode == "reserve" else 0.0
    noise = np.random.default_rng(task.seed).normal(0, 1.0)
    row = {
        "quarter": ["2025Q4"],
        "proposals_crowded_out_total": [crowded + noise],
        "projects_individual_funded_total": [5000.0 - crowded + noise],
        "projects_ibn_funded_total": [100.0 + noise],
        "business_rd_nonmembers": [1e9 + noise],
        "sme_share_project_funding": [0.3 + 1e-3 * noise],
    }
    return pd.DataFrame(row)


def test_crowding_out_runs_every_rule_and_the_answer_depends_on_the_rule(tmp_path):
    from clusterpolicy.outputs.hypothesis import crowding_out_text
    from clusterpolicy.studies.hypothesis import crowding_out

    co = crowding_out(out=tmp_path, replications=4, workers=1, run=_pots, progress=False)
    assert list(co.results) == ["reserve", "reserve_release", "priority", "bonus"]
    assert co.results["bonus"].spec.lever == "policy.privileged_score_bonus"
    assert all(r.spec.lever == "policy.privileged_share" for m, r in co.results.items() if m != "bonus")
    v = co.verdicts()
    crowd = v[v["outcome"] == "proposals_crowded_out_total"].groupby("mode")["verdict"].apply(set)
    assert crowd["reserve"] == {"supported"}
    assert crowd["reserve_release"] == crowd["priority"] == crowd["bonus"] == {"not supported"}
    assert (tmp_path / "verdicts.csv").is_file() and (tmp_path / "reserve" / "report.html").is_file()
    assert (
        "crowded out under reserve; not clearly under reserve_release, priority, bonus"
        in crowding_out_text(co)
    )
    with pytest.raises(InputError, match="modes"):
        crowding_out(("lottery",))

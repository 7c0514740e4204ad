"""The EMA Workbench adapter: parameters and outcomes from the declarations, seeds, EMA's evaluators."""

from __future__ import annotations

import numpy as np
import pytest

ema = pytest.importorskip("ema_workbench")

from clusterpolicy.inputs.errors import InputError  # noqa: E402
from clusterpolicy.inputs.scenario import load_scenario  # noqa: E402
from clusterpolicy.interop.ema import Callback, ema_model, perform_experiments  # noqa: E402
from clusterpolicy.runs.design import replicate_seeds  # noqa: E402
from clusterpolicy.runs.runner import run_one  # noqa: E402

SMALL = ["population.n_firms=600", "simulation.quarters=8", "simulation.burn_in_quarters=2"]
OUTCOMES = ["members", "sme_participation_rate"]


def test_parameters_and_outcomes_come_from_the_declarations():
    m = ema_model(
        levers={"privileged_share": (0.0, 0.5), "policy.lapse_rule": None, "ibn_to_spearhead": None},
        uncertainties=["sme_money_cost", "min_stay_quarters"],
        outcomes=OUTCOMES,
        overrides=SMALL,
    )
    lev = {p.name: p for p in m.levers}
    unc = {p.name: p for p in m.uncertainties}
    assert isinstance(lev["privileged_share"], ema.RealParameter)
    assert (lev["privileged_share"].lower_bound, lev["privileged_share"].upper_bound) == (0.0, 0.5)
    assert isinstance(lev["lapse_rule"], ema.CategoricalParameter)
    assert [c.value for c in lev["lapse_rule"].categories] == ["strict", "discretionary", "none"]
    assert isinstance(lev["ibn_to_spearhead"], ema.BooleanParameter)
    # the declared range when none is given: sme_money_cost is declared on [0.5, 10]
    assert (unc["sme_money_cost"].lower_bound, unc["sme_money_cost"].upper_bound) == (0.5, 10.0)
    assert isinstance(unc["min_stay_quarters"], ema.IntegerParameter)
    assert [o.name for o in m.outcomes] == OUTCOMES


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"levers": ["privilege"]}, "unknown parameter"),
        ({"levers": {"privileged_share": (0.0, 1.5)}}, "within the declared range"),
        ({"levers": {"lapse_rule": ["strict", "never"]}}, "two or more of"),
        ({"levers": ["ibn_call_quarters"]}, "not a scalar parameter"),
        ({"levers": ["privileged_share"], "uncertainties": ["privileged_share"]}, "a lever and"),
        ({"levers": ["privileged_share"], "outcomes": ["membrs"]}, "not an outcome"),
        ({"levers": ["privileged_share"], "replications": 0}, "at least 1"),
    ],
)
def test_bad_arguments_are_one_line_input_errors(kwargs, message):
    with pytest.raises(InputError, match=message):
        ema_model(**kwargs)


def test_eight_experiments_through_the_sequential_evaluator_with_common_random_numbers():
    m = ema_model(
        levers={"privileged_share": (0.0, 0.5), "lapse_rule": None},
        uncertainties={"sme_money_cost": (2.0, 10.0)},
        outcomes=OUTCOMES,
        overrides=SMALL,
        replications=2,
        seed=7,
    )
    with ema.SequentialEvaluator(m) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=4,
            policies=2,
            uncertainty_sampling_kwargs={"rng": 1},
            lever_sampling_kwargs={"rng": 2},
        )
    assert len(experiments) == 8
    assert set(outcomes) == set(OUTCOMES) and all(len(v) == 8 for v in outcomes.values())
    assert set(experiments["lapse_rule"]) <= {"strict", "discretionary", "none"}
    # each value is the mean over the replicates, run with the seeds spawned from 7 (the same for every
    # experiment): rerun one experiment by hand and compare
    row = experiments.iloc[5]
    base = load_scenario("concept_note_2015", SMALL).params
    params = base.replace(
        **{
            "policy.privileged_share": float(row["privileged_share"]),
            "policy.lapse_rule": row["lapse_rule"],
            "behaviour.sme_money_cost": float(row["sme_money_cost"]),
        }
    )
    by_hand = [run_one(params, s).final["members"] for s in replicate_seeds(7, 2)]
    assert outcomes["members"][5] == pytest.approx(np.mean(by_hand))
    assert np.isfinite(outcomes["sme_participation_rate"]).all()


def test_a_model_with_levers_only_runs(recwarn):
    m = ema_model(levers=["privileged_share"], outcomes=["members"], overrides=SMALL)
    experiments, outcomes = perform_experiments(m, policies=3, lever_sampling_kwargs={"rng": 3})
    assert len(experiments) == 3 and len(outcomes["members"]) == 3
    # EMA's own callback fails on it (EMA Workbench 3.0.0): the reason this adapter has one
    with pytest.raises(TypeError, match="ParameterMap"), ema.SequentialEvaluator(m) as evaluator:
        evaluator.perform_experiments(policies=3)


def test_the_multiprocessing_evaluator_gives_the_sequential_results():
    m = ema_model(uncertainties={"sme_money_cost": (2.0, 10.0)}, outcomes=["members"], overrides=SMALL)
    scenarios = ema.Samplers.LHS.value.generate_samples(m.uncertainties, 2, rng=4)
    with ema.SequentialEvaluator(m) as evaluator:
        _, seq = evaluator.perform_experiments(scenarios=scenarios, callback=Callback)
    with ema.MultiprocessingEvaluator(m, n_processes=2) as evaluator:
        _, par = evaluator.perform_experiments(scenarios=scenarios, callback=Callback)
    assert np.array_equal(seq["members"], par["members"])

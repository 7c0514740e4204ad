"""Mesa conventions: the model takes scalar overrides by name, so mesa.batch_run sweeps levers as is."""

from __future__ import annotations

import pandas as pd
import pytest
from mesa.batchrunner import batch_run

from clusterpolicy.model import ClusterPolicyModel, ParameterError

SMALL = {"n_firms": 600, "quarters": 8, "burn_in_quarters": 2}


def test_batch_run_over_two_levers_without_a_subclass():
    res = batch_run(
        ClusterPolicyModel,
        {"privileged_share": [0.0, 0.4], "operating_grant_share": [0.3, 0.6], **SMALL},
        rng=[1, 2],
        display_progress=False,
    )
    df = pd.DataFrame(res)
    assert len(df) == 2 * 2 * 2
    assert set(df["privileged_share"]) == {0.0, 0.4} and set(df["operating_grant_share"]) == {0.3, 0.6}
    assert {"members", "business_rd", "rng"} <= set(df.columns)
    # each row is the run it says: rerun one and compare
    row = df[(df.privileged_share == 0.4) & (df.operating_grant_share == 0.3) & (df.rng == 2)].iloc[0]
    m = ClusterPolicyModel(privileged_share=0.4, operating_grant_share=0.3, rng=2, **SMALL)
    m.run()
    assert m.datacollector.get_model_vars_dataframe()["members"].iloc[-1] == row["members"]


def test_overrides_are_named_with_or_without_their_section_and_checked():
    m = ClusterPolicyModel(scenario="serv_advice_2015", **{"policy.in_kind_share_max": 0.3}, **SMALL)
    assert m.p.policy.in_kind_share_max == 0.3 and m.p.policy.evaluation_interval_years == 3
    with pytest.raises(ParameterError, match="unknown parameter"):
        ClusterPolicyModel(privilege=0.4)
    with pytest.raises(ParameterError, match="a number from 0 to 1"):
        ClusterPolicyModel(privileged_share=1.5)


def test_the_scenario_may_be_a_name_a_path_or_a_loaded_scenario():
    from clusterpolicy.inputs.scenario import load_scenario

    loaded = load_scenario("serv_advice_2015")
    by_name = ClusterPolicyModel(scenario="serv_advice_2015", **SMALL)
    by_object = ClusterPolicyModel(scenario=loaded, **SMALL)
    assert by_object.p == by_name.p
    with pytest.raises(TypeError, match="a name, a path or a loaded Scenario"):
        ClusterPolicyModel(scenario=3)

"""Calibration ensembles: studies draw one parameter set per replication, and stay paired."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusterpolicy.inputs.ensemble import Ensemble, draw, load_ensemble
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.studies.additionality import additionality
from clusterpolicy.studies.compare import compare
from clusterpolicy.studies.hypothesis import hypothesis


def echo(task) -> pd.DataFrame:
    """A fake model that reports the parameter values and the seed it ran with."""
    b = task.params.behaviour
    return pd.DataFrame(
        {
            "quarter": ["2016Q1", "2016Q2"],
            "members": [b.sme_money_cost] * 2,
            "business_rd": [b.knowledge_rd_effect * 1e9 + (1e8 if task.params.policy.enabled else 0.0)] * 2,
            "public_operating_spend_total": [0.0, 1e8 if task.params.policy.enabled else 0.0],
            "public_project_spend_total": [0.0, 0.0],
            "rd_per_member_firm": [1.0, 1.0],
            "rd_per_nonmember_firm": [1.0, 1.0],
            "seed_seen": [float(task.seed % 1000)] * 2,
        }
    )


SETS = (
    {"behaviour.sme_money_cost": 2.0, "behaviour.knowledge_rd_effect": 0.01},
    {"behaviour.sme_money_cost": 5.0, "behaviour.knowledge_rd_effect": 0.05},
    {"behaviour.sme_money_cost": 8.0, "behaviour.knowledge_rd_effect": 0.09},
)


def test_each_replication_runs_the_set_drawn_for_it_in_every_scenario():
    ens = Ensemble(SETS)
    comp = compare(["concept_note_2015", "no_sunset"], replications=12, seed=4, workers=1, run=echo,
                   progress=False, ensemble=ens)  # fmt: skip
    ts = comp.timeseries[comp.timeseries["quarter"] == "2016Q2"]
    k = draw(ens, 12, 4)
    assert len(set(k)) > 1, "the draws use more than one set"
    for scenario in ("concept_note_2015", "no_sunset"):
        rows = ts[ts["label"] == scenario].sort_values("replicate")
        assert rows["members"].tolist() == [SETS[i]["behaviour.sme_money_cost"] for i in k]
    # common random numbers: replicate r has the same seed (and the same set) in both scenarios
    a = ts[ts["label"] == "concept_note_2015"].sort_values("replicate")
    b = ts[ts["label"] == "no_sunset"].sort_values("replicate")
    assert a["seed_seen"].tolist() == b["seed_seen"].tolist()
    assert a["members"].tolist() == b["members"].tolist()
    # the draws are reproducible and depend on the root seed
    assert draw(ens, 12, 4) == k and draw(ens, 12, 5) != k


def test_a_hypothesis_keeps_its_lever_against_the_ensemble(tmp_path):
    spec = tmp_path / "h.toml"
    spec.write_text(
        '[hypothesis]\nid = "Hx"\ntitle = "t"\nstatement = "s"\nsource = "x"\n'
        'base = "concept_note_2015"\nlever = "behaviour.sme_money_cost"\nvalues = [3.0, 6.0]\n'
        'reference = 3.0\nreplications = 6\nseed = 1\nalpha = 0.05\ncorrection = "none"\n'
        '[[outcome]]\nmetric = "members"\nexpected = "increase"\nwhy = "w"\n'
    )
    res = hypothesis(spec, workers=1, run=echo, progress=False, ensemble=Ensemble(SETS))
    f = res.finals
    assert set(f[f["label"] == "3"]["members"]) == {3.0} and set(f[f["label"] == "6"]["members"]) == {6.0}


def test_additionality_with_an_ensemble_pairs_each_set_with_its_counterfactual():
    ens = Ensemble(SETS)
    res = additionality("concept_note_2015", replications=9, seed=2, workers=1, run=echo, progress=False,
                        ensemble=ens)  # fmt: skip
    # the knowledge effect differs by set but cancels within each pair: 1e8 of R&D per 1e8 of public money
    assert res.table.set_index("estimate").loc["counterfactual", "value"] == pytest.approx(0.5)


def test_a_bad_ensemble_file_is_one_line(tmp_path):
    cases = [
        ("", "no parameter sets"),
        ("point,shortfall\n1,0\n", "no parameter columns"),
        ("point,behaviour.sme_money_cost\n1,99\n", "line 2: behaviour.sme_money_cost = 99"),
        ("point,behaviour.sme_money_cost\n1,abc\n", "line 2"),
    ]
    for text, words in cases:
        p = tmp_path / "e.csv"
        p.write_text(text)
        with pytest.raises(InputError) as err:
            load_ensemble(p)
        assert str(p) in str(err.value) and words in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(InputError, match="no such ensemble file"):
        load_ensemble(tmp_path / "missing.csv")
    p = tmp_path / "ok.csv"
    p.write_text("point,shortfall,behaviour.sme_money_cost,policy.selection\n3,0.0,4.5,jury\n")
    ens = load_ensemble(p)
    assert ens.sets == ({"behaviour.sme_money_cost": 4.5, "policy.selection": "jury"},)
    assert np.isclose(ens.sets[0]["behaviour.sme_money_cost"], 4.5)

"""Same scenario and seed give identical output; another seed gives another output."""

from __future__ import annotations

import pickle

from helpers import small

from clusterpolicy.model import ClusterPolicyModel
from clusterpolicy.runs.runner import run_one


def _csv(params, seed):
    return run_one(params, seed).timeseries.to_csv(index=False)


def test_same_seed_gives_an_identical_timeseries():
    p = small()
    assert _csv(p, 7) == _csv(p, 7)


def test_a_different_seed_gives_a_different_timeseries():
    p = small()
    assert _csv(p, 7) != _csv(p, 8)


def test_the_population_is_the_same_across_scenarios_with_one_seed():
    a = ClusterPolicyModel(small(), rng=3)
    b = ClusterPolicyModel(small("no_cluster_policy"), rng=3)
    assert (a.firms.base_rd == b.firms.base_rd).all()
    assert (a.firms.domain == b.firms.domain).all()
    assert (a.firms.capability == b.firms.capability).all() and (a.firms.taste == b.firms.taste).all()
    assert [(k.kind, k.domains, k.excellence) for k in a.kis] == [
        (k.kind, k.domains, k.excellence) for k in b.kis
    ]
    legacy_a = [(o.domain, o.excellence, o.societal) for o in a.orgs if o.kind == "legacy"]
    legacy_b = [(o.domain, o.excellence, o.societal) for o in b.orgs if o.kind == "legacy"]
    assert legacy_a == legacy_b


def test_the_model_pickles_with_its_reporters():
    m = ClusterPolicyModel(small(), rng=1)
    m.step()
    clone = pickle.loads(pickle.dumps(m))
    clone.step()
    m.step()
    assert (
        clone.datacollector.get_model_vars_dataframe()
        .fillna(-1)
        .equals(m.datacollector.get_model_vars_dataframe().fillna(-1))
    )

import numpy as np
import pytest

from clusterpolicy.explore import orgs
from clusterpolicy.explore.figures import headline_names, outside_band
from clusterpolicy.explore.session import Config, ExplorerModel, Session
from clusterpolicy.model.metrics import memberships


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    s = Session(Config(cache_dir=tmp_path_factory.mktemp("cache"), replications=2))
    s.scenario = s.scenario.__class__(
        s.scenario.name,
        s.scenario.path,
        s.scenario.description,
        s.scenario.params.replace(
            **{"population.n_firms": 1500, "simulation.quarters": 12, "simulation.burn_in_quarters": 4}
        ),
    )
    s.first_scenario = s.scenario
    return s


@pytest.fixture(scope="module")
def model(session):
    session.restore()
    m = ExplorerModel(session=session)
    for _ in range(6):
        m.step()
    return m


def test_org_table_counts_members_through_org_members(model):
    rows = orgs.org_table(model)
    assert len(rows) == len(model.orgs)
    alive = [r for r in rows if r["alive"]]
    assert sum(r["members"] for r in alive) == memberships(model)  # a firm in two organisations counts twice
    for r in rows:
        o = model.orgs[r["id"]]
        rows_ = o.members
        if len(rows_):
            assert r["sme_share"] == pytest.approx(np.mean(model.firms.is_sme[rows_]))
        if r["public_share"] is not None:
            assert 0 <= r["public_share"] <= 1
            assert r["public_share"] == pytest.approx(o.grant_annual / o.budget_plan)
        assert r["status_id"] == orgs.status(o)
    assert [r["alive"] for r in rows] == sorted((r["alive"] for r in rows), reverse=True)


def test_statuses_cover_the_states():
    class Org:
        alive, recognised, supported = True, True, True

    o = Org()
    assert orgs.status(o) == "status_supported"
    o.supported = False
    assert orgs.status(o) == "status_recognised"
    o.recognised = False
    assert orgs.status(o) == "status_unrecognised"
    o.alive = False
    assert orgs.status(o) == "status_closed"


def test_picture_places_every_membership_once(model):
    lay = orgs.member_layout(model)
    expected = sum(len(o.members) for o in model.orgs if o.alive)
    assert len(lay["firm_x"]) == expected
    assert len(lay["org_x"]) == sum(1 for o in model.orgs if o.alive)
    fig = orgs.members_figure(model, model.quarter, "nl")
    assert fig.axes


def test_histories_and_tracks(model):
    alive = [o for o in model.orgs if o.alive]
    tr = model.tracks[alive[0].index]
    assert len(tr.t) == 6 and tr.members[-1] == len(alive[0].members)
    events = orgs.history(alive[0], model.p.simulation.start, "nl")
    assert all(q[:2] == "20" for q, _ in events)


def test_session_applies_changes_on_a_new_model_and_refuses_bad_ones(session):
    session.restore()
    session.set_value("policy.privileged_share", 0.5)
    assert session.has_unapplied()
    m = ExplorerModel(session=session)
    assert m.p.policy.privileged_share == 0.5 and m.changes == {"policy.privileged_share": 0.5}
    assert not session.has_unapplied()
    for k in ("valorisation", "support", "excellence"):
        session.set_value(f"policy.jury_weight_{k}", 0.0)
    m2 = ExplorerModel(session=session)
    assert session.error and "jury weights" in session.error
    assert m2.p.policy.jury_weight_support == m.p.policy.jury_weight_support
    session.set_value("policy.privileged_share", session.scenario.params.policy.privileged_share)
    assert "policy.privileged_share" not in session.pending
    session.restore()


def test_no_step_past_the_horizon(session):
    session.restore()
    m = ExplorerModel(session=session)
    while m.running:
        m.step()
    n = len(m.datacollector.model_vars["members"])
    m.step()
    assert len(m.datacollector.model_vars["members"]) == n == session.scenario.params.simulation.quarters


def test_outside_band_flags_the_latest_value_only(model):
    from clusterpolicy.explore.band import Band

    names = headline_names()
    q = model.p.simulation.quarters
    zero = {n: np.zeros(q) for n in names}
    b = Band("x", model.quarters, zero, zero, {n: np.zeros(q) for n in names}, 2)
    run = model.run_values()
    flagged = outside_band(run, b, names)
    assert set(flagged) == {n for n in names if run[n][-1] != 0}

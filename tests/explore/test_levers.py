import pytest

from clusterpolicy.explore import levers
from clusterpolicy.model.params import LEVER_GROUPS, coerce_value, declarations


def test_every_lever_gets_a_widget_in_its_group(base_params):
    groups = levers.lever_groups(base_params)
    assert list(groups) == list(LEVER_GROUPS)
    keys = [w.key for ws in groups.values() for w in ws]
    assert sorted(keys) == sorted(s.key for s in declarations() if s.is_lever)
    assert len(keys) == len(set(keys))
    for g, ws in groups.items():
        assert all(w.group == g for w in ws)


def test_kinds_follow_the_declared_types(base_params):
    by_key = {w.key: w for ws in levers.lever_groups(base_params).values() for w in ws}
    assert by_key["policy.enabled"].kind == levers.BOOL
    assert by_key["policy.lapse_rule"].kind == levers.SELECT
    assert by_key["policy.lapse_rule"].options == ("strict", "discretionary", "none")
    assert by_key["policy.deposit_window_quarters"].kind == levers.INT
    assert (by_key["policy.deposit_window_quarters"].min, by_key["policy.deposit_window_quarters"].max) == (
        1,
        4,
    )
    assert by_key["policy.ibn_call_quarters"].kind == levers.FIXED
    assert by_key["policy.legacy_support_end"].kind == levers.QUARTER
    assert "2016Q4" in by_key["policy.legacy_support_end"].options


def test_shares_are_shown_in_percent_and_money_in_millions(base_params):
    by_key = {w.key: w for ws in levers.lever_groups(base_params).values() for w in ws}
    share = by_key["policy.privileged_share"]
    assert (share.min, share.max, share.value) == (0.0, 100.0, 25.0)
    assert share.label.endswith("(%)")
    assert share.to_model(40.0) == pytest.approx(0.4)
    pot = by_key["policy.project_budget"]
    assert pot.value == pytest.approx(280.0)
    assert "€ m/yr" in pot.label
    assert pot.to_model(300.0) == pytest.approx(3e8)


def test_a_very_wide_declared_range_is_narrowed_around_the_value_and_said(base_params):
    w = {w.key: w for ws in levers.lever_groups(base_params).values() for w in ws}[
        "policy.operating_grant_cap_spearhead"
    ]
    # declared 0 to 1e8, the value 5e5: the slider spans 0 to 2e6 (a round number >= 4 x the value)
    assert w.max * w.scale == pytest.approx(2e6)
    assert w.min == 0
    assert "100 € m/yr" in w.help


@pytest.mark.parametrize("section", ["policy", "behaviour"])
def test_every_slider_end_and_value_maps_back_to_an_allowed_value(base_params, section):
    ws = (
        [w for g in levers.lever_groups(base_params).values() for w in g]
        if section == "policy"
        else levers.uncertainty_widgets(base_params)
    )
    for w in ws:
        if w.kind in (levers.FLOAT, levers.INT):
            assert w.min <= w.value <= w.max, w.key
            for shown in (w.min, w.max, w.value):
                coerce_value(w.key, w.to_model(shown))  # raises if outside the declaration
            assert w.to_model(w.value) == pytest.approx(base_params.get(w.key), rel=1e-3, abs=1e-9), w.key
        elif w.kind in (levers.SELECT, levers.QUARTER):
            for label in w.option_labels:
                coerce_value(w.key, w.to_model(label))


def test_dutch_widgets_use_dutch_labels(base_params):
    nl = {w.key: w for ws in levers.lever_groups(base_params, "nl").values() for w in ws}
    assert nl["policy.privileged_share"].label.startswith("voorbehouden voor speerpuntclusters")
    assert nl["policy.lapse_rule"].option_labels[0].startswith("strikt")
    assert nl["policy.lapse_rule"].to_model("discretionair") == "discretionary"


def test_nice_numbers():
    assert levers.nice_up(1.7) == 2
    assert levers.nice_up(2.2e6) == 2.5e6
    assert levers.nice_down(0.95) == 0.5
    assert levers.nice_down(20) == 20

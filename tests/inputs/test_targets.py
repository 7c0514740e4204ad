"""Targets files: the shipped file covers the record; every kind of bad file is one line naming the file."""

from __future__ import annotations

import pytest
from specs import GOOD_TARGET as GOOD
from specs import write_file as write

from clusterpolicy.analysis.validation import split_computable
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.files import TARGETS_FILE
from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.inputs.targets import load_targets
from clusterpolicy.model.metrics import REPORTERS


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


def test_the_shipped_calibration_spec_spans_behavioural_uncertainties_only():
    spec = load_spec("calibration")
    assert spec.design == "lhs" and spec.keep == "timeseries" and spec.base.name == "concept_note_2015"
    assert all(p.key.startswith("behaviour.") for p in spec.parameters)
    base = spec.base.params.to_dict()["behaviour"]
    for p in spec.parameters:
        assert p.bounds is not None and p.bounds[0] < p.bounds[1]
        assert p.bounds[0] <= base[p.key.split(".")[1]] <= p.bounds[1]

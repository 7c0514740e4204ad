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
        "ibns_active",
        "memberships_spearhead",
        "sme_share_spearhead_members",
        "privileged_project_spend_total",
        "public_operating_spend_total",
        "sme_share_project_funding",
        "spearhead_size_max",
        "firms_funded_last_call",
        "business_rd",
    ):
        assert m in metrics
    assert metrics <= set(REPORTERS)
    assert "rd_intensity" not in {m for t in ts.targets if not t.counterfactual for m in t.metrics}, (
        "the R&D-intensity path is the model's input, not a target"
    )
    assert any(t.per for t in ts.targets)  # a ratio (additionality)
    # at least six held-out patterns, the replicated evaluation studies among them, all held out
    held = ts.held_out
    assert len(held) >= 6 and {t.study for t in held} >= {None, "evaluation"}
    assert all(t.role == "held_out" for t in ts.targets if t.study is not None)
    assert {t.estimate for t in held if t.study} == {"innovation", "rd_growth", "rd_per_aid"}
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
    (GOOD.replace('unit = "firms"', 'unit = "firms"\nrole = "maybe"'), "'fit' or 'held_out'"),
    (GOOD.replace('unit = "firms"', 'unit = "firms"\nfit = false'), "replaced by role"),
    (GOOD.replace('unit = "firms"', 'unit = "firms"\nestimate = "innovation"'), "only for a study target"),
]

STUDY = """
[[target]]
id = "s1"
what = "a replicated study"
role = "held_out"
study = "evaluation"
estimate = "innovation"
join_years = [2016, 2017]
value = 0.05
range = [0.0, 0.1]
unit = "points"
source = "a paper"
"""

BAD_STUDY = [
    (STUDY.replace('study = "evaluation"', 'study = "survey"'), "one of evaluation"),
    (STUDY.replace('estimate = "innovation"', 'estimate = "profit"'), "one of innovation"),
    (STUDY.replace("join_years = [2016, 2017]", "join_years = [2018, 2016]"), "first <= last"),
    (STUDY.replace("join_years = [2016, 2017]", ""), "join_years = None: missing"),
    (STUDY.replace('unit = "points"', 'unit = "points"\nmetric = "members"'), "not for a study target"),
    (STUDY.replace('unit = "points"', 'unit = "points"\npre = 0'), "from 1 to 20"),
]


@pytest.mark.parametrize(("text", "words"), BAD_STUDY)
def test_a_bad_study_target_is_one_line(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_targets(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value) and words in str(err.value)


def test_a_study_target_loads_with_its_years_and_defaults(tmp_path):
    (t,) = load_targets(write(tmp_path, STUDY)).targets
    assert (t.study, t.estimate, t.join_years, t.pre, t.post, t.sme_only) == (
        "evaluation",
        "innovation",
        (2016, 2017),
        2,
        3,
        False,
    )
    assert t.years == (2014, 2020) and t.all_metrics == () and not t.fit


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

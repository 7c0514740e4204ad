"""Formatting comes from the declarations: every unit has a format, labels and units are the declared ones."""

from __future__ import annotations

import math

import pytest

from clusterpolicy.cli.main import main
from clusterpolicy.inputs.targets import TARGET_UNITS
from clusterpolicy.model.metrics import OUTCOMES, UNITS
from clusterpolicy.outputs.format import (
    FORMATS,
    HEADLINE,
    axis_label,
    describe,
    fmt,
    format_value,
    label,
    scale,
)


def test_every_declared_unit_has_a_format():
    assert set(UNITS) <= set(FORMATS)
    assert set(TARGET_UNITS) <= set(FORMATS)


@pytest.mark.parametrize(
    ("value", "unit", "signed", "expected"),
    [
        (37_100_000.0, "EUR", False, "€37.1m"),
        (-33_600_000.0, "EUR", True, "-€33.6m"),
        (190_000_000.0, "EUR/yr", True, "+€190.0m"),
        (0.752, "share", False, "75.2%"),
        (0.0499, "share", True, "+4.99 pts"),
        (-0.00001, "share", True, "0.00 pts"),  # no "-0.00"
        (2214.7, "firms", False, "2,214.7"),
        (6.0, "organisations", False, "6"),
        (0.0, "projects", True, "+0"),
        (0.4531, "index", False, "0.453"),
        (0.0275, "share of GDP", False, "2.75%"),
        (1.234, "EUR per EUR", False, "1.23 €/€"),
        (float("nan"), "share", False, "n/a"),
        (None, "EUR", False, "n/a"),
    ],
)
def test_values_are_shown_in_their_unit(value, unit, signed, expected):
    assert format_value(value, unit, signed) == expected


def test_an_outcome_is_formatted_by_its_declared_unit_not_its_name():
    # funding_gini's name matched the old name rules for shares ("gini"): it is an index
    assert OUTCOMES["funding_gini"].unit == "index" and fmt("funding_gini", 0.4531) == "0.453"
    # sme_share_project_funding has "funding" in its name but is a share, not money
    assert fmt("sme_share_project_funding", 0.25) == "25.0%"
    assert fmt("rd_per_member_firm", 2_500_000.0) == "€2.5m" and axis_label("rd_per_member_firm") == (
        "€ million per year"
    )
    assert scale("sme_member_share") == 100.0 and axis_label("sme_member_share", difference=True) == (
        "percentage points"
    )
    assert fmt("sme_member_share", 0.05, difference=True, long=True) == "5.00 percentage points"


def test_labels_and_meanings_are_the_declared_ones():
    for name, o in OUTCOMES.items():
        assert label(name).startswith(o.label)
        assert label(name).endswith("(cum.)") == (o.kind == "cumulative")
        assert describe(name) == o.description and describe(name)
    assert set(HEADLINE) == {n for n, o in OUTCOMES.items() if o.headline}
    assert label("not_an_outcome") == "not an outcome"


def test_the_metrics_command_prints_the_outcome_dictionary(capsys):
    assert main(["metrics"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "label", "unit", "kind", "meaning"]
    rows = {line.split()[0]: line for line in lines[2:] if line and not line.startswith(("units:", "a name"))}
    assert set(rows) == set(OUTCOMES)
    for name, o in OUTCOMES.items():
        row = rows[name]
        assert o.label in row and f" {o.unit} " in row and f" {o.kind} " in row and o.description in row
    assert any(line.startswith("units: ") for line in lines)


def test_no_format_guesses_from_a_name():
    """A metric name that is not declared gets a plain number, whatever words it contains."""
    assert fmt("made_up_share_total", 0.5) == "0.5" and fmt("made_up_spend", 2e6) == "2,000,000"
    assert math.isclose(scale("made_up_share"), 1.0)


# ------------------------------------------------------------------------------ intervals and languages
NB = "\u00a0"


def test_a_narrow_interval_shows_enough_decimals_to_be_seen():
    from clusterpolicy.outputs.format import decimals_for, value_interval

    assert decimals_for("share", 0.0003) == 2  # 4.47% ± 0.03%, never "4.5% ± 0.0%"
    assert decimals_for("share", 0.02) == 1 and decimals_for("EUR", 28.5e6) == 1
    assert decimals_for("firms", 86.6) is None and decimals_for("firms", 0.004) == 3
    text = value_interval("rd_intensity", 0.04471, 0.04440, 0.04502)
    assert text == f"4.47%{NB}(4.44%{NB}to{NB}4.50%)" and " " not in text


def test_a_difference_that_is_zero_in_every_pair_says_so():
    from clusterpolicy.outputs.format import difference_text

    assert difference_text("spearheads_active", 0.0, 0.0, 0.0) == f"0{NB}in{NB}every{NB}run"
    assert difference_text("spearheads_active", -6.5, -6.5, -6.5) == f"-6.5{NB}(in{NB}every{NB}run)"
    assert difference_text("sme_member_share", 0.0499, 0.04, 0.06) == (
        f"+4.99{NB}pts{NB}(+4.00{NB}pts{NB}to{NB}+6.00{NB}pts)"
    )
    assert "+0 (+0 to +0)" not in difference_text("members", 0.0, 0.0, 0.0).replace(NB, " ")


def test_dutch_numbers_and_words():
    assert format_value(2214.7, "firms", lang="nl") == "2.214,7"
    assert format_value(37_100_000.0, "EUR", lang="nl") == "€37,1 mln"
    assert format_value(0.0499, "share", True, lang="nl") == "+4,99 %-punt"
    assert (
        format_value(0.752, "share", lang="nl") == "75,2%" and format_value(None, "EUR", lang="nl") == "n.b."
    )
    assert label("projects_individual_funded_total", "nl") == "gesteunde individuele bedrijfsprojecten (cum.)"
    assert axis_label("business_rd", lang="nl") == "€ mln per jaar"


def test_lever_values_in_their_declared_unit():
    from clusterpolicy.outputs.format import param_value, percent_text

    assert param_value("policy.privileged_share", 0.25) == "25%"
    assert param_value("policy.project_budget", 2.8e8) == "€280m per year"
    assert param_value("policy.project_budget", 2.8e8, "nl") == "€280 mln per jaar"
    assert param_value("behaviour.taste_sd", 6340.0) == "€6,340 per year"  # not €0.00634m
    assert param_value("behaviour.taste_sd", 6340.0, "nl") == "€6.340 per jaar"
    assert param_value("policy.selection", "fcfs") == "first come, first served"
    assert param_value("policy.ibn_to_spearhead", True, "nl") == "ja"
    assert param_value("policy.evaluation_interval_years", 3) == "3"  # the label says "(years)" already
    assert percent_text(11.4) == f"+11{NB}%" and percent_text(-1.27, "nl") == f"-1,3{NB}%"

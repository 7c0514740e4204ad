"""Scenario files: every scenario loads; every value is sourced; bad input gives one clear line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.files import SHIPPED_SCENARIOS as SCENARIO_DIR
from clusterpolicy.inputs.scenario import (
    available,
    load_scenario,
    parse_override,
    to_toml,
)
from clusterpolicy.model.params import SECTIONS, all_keys, params_from_dict

REQUIRED_SCENARIOS = {
    "concept_note_2015",
    "serv_advice_2015",
    "no_cluster_policy",
    "no_privileged_budget",
    "degressive_support",
    "no_sunset",
    "first_come_first_served",
    "lenient_deposit",
}
REQUIRED_POLICY_KEYS = [
    "enabled",
    "operating_grant_share",
    "operating_grant_cap_spearhead",
    "operating_grant_cap_ibn",
    "deposit_share",
    "deposit_window_quarters",
    "lapse_rule",
    "in_kind_share_max",
    "support_path",
    "support_years_spearhead",
    "support_years_ibn",
    "project_budget",
    "privileged_share",
    "spearhead_cap",
    "selection",
    "jury_noise",
    "evaluation_interval_years",
    "evaluation_threshold",
    "ibn_to_spearhead",
]


def test_the_required_scenarios_exist_and_load():
    assert set(available()) >= REQUIRED_SCENARIOS
    for name in available():
        sc = load_scenario(name)
        assert sc.name == name


def test_policy_has_the_required_keys():
    keys = set(all_keys())
    assert {f"policy.{k}" for k in REQUIRED_POLICY_KEYS} <= keys


def test_baseline_sets_every_key_and_others_extend_it():
    raw = tomllib.loads((SCENARIO_DIR / "concept_note_2015.toml").read_text())
    for key in all_keys():
        sec, name = key.split(".")
        assert name in raw[sec], f"{key} missing from the baseline"
    for path in SCENARIO_DIR.glob("*.toml"):
        if path.stem != "concept_note_2015":
            assert tomllib.loads(path.read_text()).get("extends") == "concept_note_2015"


def test_every_value_in_every_scenario_file_says_where_it_comes_from():
    assignment = re.compile(r"^\s*[a-z_]+\s*=")
    for path in SCENARIO_DIR.glob("*.toml"):
        section = None
        for line in path.read_text().splitlines():
            if line.startswith("["):
                section = line.strip("[] ")
            elif section in SECTIONS and assignment.match(line) and not line.startswith("enabled = true"):
                assert "#" in line, f"{path.name}: no source comment on: {line}"


def test_scenarios_differ_from_the_baseline_only_where_they_say():
    base = load_scenario("concept_note_2015").params.to_dict()
    for name in available():
        raw = tomllib.loads((SCENARIO_DIR / f"{name}.toml").read_text())
        p = load_scenario(name).params.to_dict()
        for sec in SECTIONS:
            for k, v in p[sec].items():
                if k not in raw.get(sec, {}):
                    assert v == base[sec][k], (name, sec, k)


def test_written_toml_reads_back_to_the_same_parameters():
    p = load_scenario("serv_advice_2015").params
    assert params_from_dict(tomllib.loads(to_toml(p))) == p


def test_overrides_apply_and_are_validated():
    sc = load_scenario("concept_note_2015", ["policy.privileged_share=0.5", "policy.selection=lottery"])
    assert sc.params.policy.privileged_share == 0.5
    assert sc.params.policy.selection == "lottery"
    assert parse_override("policy.enabled=false") == ("policy.enabled", False)


def _write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _error(name, overrides=None) -> str:
    with pytest.raises(InputError) as info:
        load_scenario(name, overrides)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


BASE = 'extends = "concept_note_2015"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            BASE + "[policy]\nprivileged_share = 1.5\n",
            ["bad.toml", "policy.privileged_share", "1.5", "from 0 to 1"],
        ),
        (BASE + "[policy]\nprivileged_share = 'a lot'\n", ["policy.privileged_share", "'a lot'", "a number"]),
        (BASE + "[policy]\nspearhead_cap = 4.5\n", ["policy.spearhead_cap", "4.5", "an integer"]),
        (BASE + "[policy]\nenabled = 1\n", ["policy.enabled", "true or false"]),
        (BASE + "[policy]\nselection = 'auction'\n", ["policy.selection", "'auction'", "'jury'", "'fcfs'"]),
        (BASE + "[policy]\nprivileged_shar = 0.2\n", ["policy.privileged_shar", "unknown key"]),
        (BASE + "[policies]\nenabled = true\n", ["policies", "unknown top-level key"]),
        (BASE + "[simulation]\nstart = '2016-01'\n", ["simulation.start", "quarter like '2016Q1'"]),
        (
            BASE + "[policy]\nibn_call_quarters = ['2016Q5']\n",
            ["policy.ibn_call_quarters", "list of quarters"],
        ),
        ("[policy]\nenabled = true\n", ["bad.toml", "missing"]),
        (BASE + "[policy\nenabled = true\n", ["bad.toml", "not valid TOML"]),
        ('extends = "nowhere"\n', ["bad.toml", "extends = 'nowhere'", "known scenarios"]),
        (BASE + "[behaviour]\nleave_threshold = 5000\n", ["behaviour.leave_threshold", "at most"]),
    ],
)
def test_bad_scenario_files_give_one_clear_line(tmp_path, text, expected):
    msg = _error(_write(tmp_path, text))
    for part in expected:
        assert part in msg, (part, msg)


def test_a_missing_file_names_it_and_the_known_scenarios():
    msg = _error("no_such_scenario")
    assert "no_such_scenario" in msg and "concept_note_2015" in msg


def test_an_extends_cycle_is_reported(tmp_path):
    _write(tmp_path, 'extends = "b"\n', "a.toml")
    _write(tmp_path, 'extends = "a"\n', "b.toml")
    assert "cycle" in _error(tmp_path / "a.toml")


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("policy.privileged_share", ["SECTION.KEY=VALUE"]),
        ("privileged_share=0.5", ["SECTION.KEY=VALUE"]),
        ("policy.privileged_share=2", ["policy.privileged_share", "2", "from 0 to 1"]),
        ("policy.nonsense=2", ["policy.nonsense = 2", "unknown key"]),
        ("polcy.enabled=false", ["polcy", "unknown table"]),
    ],
)
def test_bad_overrides_give_one_clear_line(override, expected):
    msg = _error("concept_note_2015", [override])
    # the library names its argument, not the command line's option (the CLI maps it to --set)
    assert msg.startswith("overrides: ") and "--" not in msg, msg
    for part in expected:
        assert part in msg, (part, msg)


def test_a_file_that_is_not_text_is_one_line(tmp_path):
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    msg = _error(path)
    assert "binary.toml" in msg and "not UTF-8" in msg


def test_the_counterfactual_keeps_the_world_and_the_overrides():
    from clusterpolicy.inputs.scenario import counterfactual

    sc = load_scenario("serv_advice_2015", ["population.n_firms=900", "policy.project_budget=3e8"])
    cf = counterfactual(sc)
    assert not cf.params.policy.enabled and cf.name == "no_cluster_policy"
    assert cf.params.population == sc.params.population and cf.params.behaviour == sc.params.behaviour
    assert cf.params.policy.project_budget == 3e8, "a --set of a policy key applies to both"

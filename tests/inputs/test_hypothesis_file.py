"""Hypothesis files: every kind of bad file is one clear line; shipped files, scenario and string levers,
fixed settings."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from clusterpolicy.cli.main import main
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.files import HYPOTHESIS_DIR
from clusterpolicy.inputs.hypothesis_file import available_hypotheses, load_hypothesis
from clusterpolicy.studies.hypothesis import CROWDING_OUT, points_of

# ------------------------------------------------------------------------------ bad files
GOOD = {
    "hypothesis": {
        "id": "HB",
        "title": "t",
        "base": "concept_note_2015",
        "lever": "policy.privileged_share",
        "values": [0.0, 0.2],
        "reference": 0.0,
        "replications": 3,
    },
    "outcome": [{"metric": "members", "expected": "increase"}],
}


def _toml(data):
    def val(v):
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return repr(v)

    lines = []
    for k, v in data.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            for item in v:
                lines.append(f"[[{k}]]")
                lines += [f"{kk} = {val(vv)}" for kk, vv in item.items()]
        elif isinstance(v, dict):
            lines.append(f"[{k}]")
            lines += [f"{json.dumps(kk) if '.' in kk else kk} = {val(vv)}" for kk, vv in v.items()]
        else:
            lines.insert(0, f"{k} = {val(v)}")
    return "\n".join(lines) + "\n"


def _bad(**changes):
    data = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        table, _, key = path.partition("__")
        if table == "top":
            data[key] = value
        elif table == "drop":
            data["hypothesis"].pop(key)
        elif table == "outcome":
            data["outcome"][0][key] = value
        elif table == "dropout":
            data["outcome"][0].pop(key)
        else:
            data[table][key] = value
    return _toml(data)


BAD = [
    ("not toml", "[hypothesis\nid = 1", "not valid TOML"),
    ("unknown top-level", _bad(top__extras={"a": 1}), "extras = {'a': 1}: unknown top-level key"),
    (
        "no hypothesis table",
        "[[outcome]]\nmetric = 'members'\nexpected = 'increase'\n",
        "[hypothesis] table",
    ),
    ("unknown key", _bad(hypothesis__levers="x"), "hypothesis.levers = 'x': unknown key; allowed: id"),
    ("missing key", _bad(drop__values=None), "hypothesis.values: missing"),
    (
        "lever not a parameter",
        _bad(hypothesis__lever="privileged_share"),
        "privileged_share = 0.0: not a parameter",
    ),
    (
        "unknown lever",
        _bad(hypothesis__lever="policy.privilege"),
        "policy.privilege = 0.0: unknown key; did you mean policy.privileged_mode or policy.privileged_share",
    ),
    (
        "value out of range",
        _bad(hypothesis__values=[0.0, 1.5]),
        "policy.privileged_share = 1.5: a number from 0 to 1 (share)",
    ),
    (
        "bad string value",
        _bad(
            hypothesis__lever="policy.selection",
            hypothesis__values=["jury", "vote"],
            hypothesis__reference="jury",
        ),
        "policy.selection = 'vote': one of 'jury'",
    ),
    ("one value", _bad(hypothesis__values=[0.0]), "a list of at least two values"),
    ("duplicate values", _bad(hypothesis__values=[0.0, 0.2, 0.20]), "0.2 is given twice"),
    ("reference not a value", _bad(hypothesis__reference=0.4), "hypothesis.reference = 0.4: must be one of"),
    (
        "one replication",
        _bad(hypothesis__replications=1),
        "hypothesis.replications = 1: a whole number of at least 2",
    ),
    ("fractional replications", _bad(hypothesis__replications=2.5), "hypothesis.replications = 2.5"),
    ("alpha 0", _bad(hypothesis__alpha=0.0), "hypothesis.alpha = 0.0: a number between 0 and 1 (exclusive)"),
    ("alpha above 1", _bad(hypothesis__alpha=1.5), "hypothesis.alpha = 1.5"),
    (
        "bad correction",
        _bad(hypothesis__correction="holm"),
        "hypothesis.correction = 'holm': one of 'bonferroni'",
    ),
    ("negative seed", _bad(hypothesis__seed=-1), "hypothesis.seed = -1: a whole number from 0"),
    ("unknown base", _bad(hypothesis__base="nope"), "hypothesis.base = 'nope': no such scenario"),
    (
        "base with scenario lever",
        _bad(hypothesis__lever="scenario", hypothesis__values=["a", "b"]),
        "hypothesis.base = 'concept_note_2015': not used when lever = 'scenario'",
    ),
    (
        "unknown scenario value",
        _bad(
            drop__base=None,
            hypothesis__lever="scenario",
            hypothesis__values=["concept_note_2015", "nope"],
            hypothesis__reference="concept_note_2015",
        ),
        "hypothesis.values: 'nope'",
    ),
    (
        "unknown metric",
        _bad(outcome__metric="members_everywhere"),
        "outcome 1: metric = 'members_everywhere': unknown metric",
    ),
    ("bad expected", _bad(outcome__expected="up"), "outcome 1: expected = 'up': one of 'increase'"),
    ("missing expected", _bad(dropout__expected=None), "outcome 1: expected: missing"),
    ("unknown outcome key", _bad(outcome__direction="up"), "outcome 1: direction = 'up': unknown key"),
    ("no margin", _bad(outcome__expected="no decrease"), "outcome 1: margin: missing"),
    (
        "negative margin",
        _bad(outcome__expected="no decrease", outcome__margin=-1.0),
        "outcome 1: margin = -1.0: a number above 0",
    ),
    ("margin with increase", _bad(outcome__margin=1.0), "outcome 1: margin = 1.0: only for expected"),
    ("no outcomes", _toml({"hypothesis": GOOD["hypothesis"]}), "at least one [[outcome]]"),
    ("fixed unknown key", _bad(top__fixed={"policy.nope": 1}), "fixed: policy.nope = 1: unknown key"),
    (
        "fixed bad value",
        _bad(top__fixed={"policy.project_budget": -1.0}),
        "fixed: policy.project_budget = -1.0",
    ),
    ("fixed lever", _bad(top__fixed={"policy.privileged_share": 0.1}), "the lever cannot also be fixed"),
    (
        "inconsistent",
        _bad(hypothesis__lever="behaviour.leave_threshold", hypothesis__values=[0.0, 3000.0]),
        "hypothesis.values: behaviour.leave_threshold = 3000.0: at most behaviour.join_threshold",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_hypothesis_files_give_one_clear_line(tmp_path, capsys, case, text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_hypothesis(path)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(str(path)) and expected in msg, msg
    out = tmp_path / "out"
    assert main(["hypothesis", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("clusterpolicy: error: ") and expected in err
    assert not out.exists(), "nothing is written on bad input"


# ------------------------------------------------------------------------------ the shipped files
def test_every_shipped_file_loads_and_says_where_its_values_come_from():
    names = available_hypotheses()
    ids = {load_hypothesis(n).id for n in names}
    assert {"H1a", "H1b", "H2", "H3", "H4", "H5"} <= ids
    assignment = re.compile(r'^\s*("?[a-z_.]+"?)\s*=')
    prose = {"id", "title", "statement", "source", "metric", "expected", "why"}
    for path in HYPOTHESIS_DIR.glob("*.toml"):
        data = tomllib.loads(path.read_text())
        assert all(o.get("why") for o in data["outcome"]), path.name
        for line in path.read_text().splitlines():
            m = assignment.match(line)
            if m and m.group(1).strip('"') not in prose:
                assert "#" in line, f"{path.name}: no source comment on: {line}"


def test_crowding_out_runs_the_shipped_h3_file():
    spec = load_hypothesis(CROWDING_OUT)
    assert spec.id == "H3" and spec.lever == "policy.privileged_share" and spec.reference == 0.0
    assert {o.metric for o in spec.outcomes} == {
        "projects_individual_funded_total",
        "projects_ibn_funded_total",
        "business_rd_nonmembers",
        "sme_share_project_funding",
        "proposals_crowded_out_total",
    }
    assert load_hypothesis("h3").path == spec.path


def test_a_scenario_lever_and_a_string_lever_resolve():
    h4 = load_hypothesis("H4")
    assert [p.params.policy.support_years_ibn for p in points_of(h4)] == [3, 50]
    assert all(p.params.simulation.quarters == 60 for p in points_of(h4)) and not h4.numeric
    h5 = load_hypothesis("H5")
    assert [p.params.policy.selection for p in points_of(h5)] == ["jury", "fcfs", "lottery"]
    assert h5.expected_for(h5.outcomes[0], "fcfs") == "decrease"


def test_a_scenario_lever_finds_scenario_files_next_to_the_hypothesis(tmp_path):
    (tmp_path / "tweak.toml").write_text(
        'extends = "concept_note_2015"\n[policy]\nprivileged_share = 0.5   # assumption\n'
    )
    data = {
        "hypothesis": {
            **{k: v for k, v in GOOD["hypothesis"].items() if k != "base"},
            "lever": "scenario",
            "values": ["concept_note_2015", "tweak"],
            "reference": "concept_note_2015",
        },
        "outcome": GOOD["outcome"],
    }
    (tmp_path / "h.toml").write_text(_toml(data))
    spec = load_hypothesis(tmp_path / "h.toml")
    assert [p.params.policy.privileged_share for p in points_of(spec)] == [0.25, 0.5]
    assert spec.comparisons == ["tweak"] and spec.comparison_text("tweak") == "tweak vs concept_note_2015"


def test_fixed_settings_may_be_nested_or_dotted(tmp_path):
    base = _bad().replace("[[outcome]]", "[fixed.population]\nn_firms = 700\n\n[[outcome]]", 1)
    (tmp_path / "a.toml").write_text(base)
    (tmp_path / "b.toml").write_text(_bad(top__fixed={"population.n_firms": 700}))
    a, b = load_hypothesis(tmp_path / "a.toml"), load_hypothesis(tmp_path / "b.toml")
    assert a.fixed == b.fixed == {"population.n_firms": 700}
    assert all(p.params.population.n_firms == 700 for p in points_of(a))
    c = load_hypothesis(tmp_path / "b.toml", ["population.n_firms=650"])
    assert all(p.params.population.n_firms == 650 for p in points_of(c)), "--set comes after [fixed]"

"""Experiment files: every kind of bad file ends in one clear line naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterpolicy.cli.main import main
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.files import SPEC_DIR
from clusterpolicy.inputs.sweep_spec import load_spec

SWEEP = """[sweep]
base = "concept_note_2015"
design = "sobol"
n = 4
outcomes = ["members"]
"""
PARAM = """
[[parameter]]
key = "policy.privileged_share"
bounds = [0.0, 0.5]
"""


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


# (name, file text, the key the message must name, what the message must say)
BAD = [
    ("missing_sweep_table", PARAM, None, "a [sweep] table is required"),
    ("sweep_not_a_table", "sweep = 3\n" + PARAM, None, "a [sweep] table is required"),
    ("unknown_table", SWEEP + PARAM + "\n[extra]\nx = 1\n", "extra", "unknown table"),
    ("unknown_sweep_key", _replace(SWEEP, "n = 4", "n = 4\nsamples = 9"), "sweep.samples", "unknown key"),
    ("missing_base", _replace(SWEEP, 'base = "concept_note_2015"\n', ""), "sweep.base", "missing"),
    ("missing_design", _replace(SWEEP, 'design = "sobol"\n', ""), "sweep.design", "missing"),
    ("missing_outcomes", _replace(SWEEP, 'outcomes = ["members"]\n', ""), "sweep.outcomes", "missing"),
    ("unknown_design", _replace(SWEEP, '"sobol"', '"factorial"'), "sweep.design", "one of grid, lhs"),
    ("n_not_power_of_two", _replace(SWEEP, "n = 4", "n = 12"), "sweep.n", "a power of two"),
    ("n_missing", _replace(SWEEP, "n = 4\n", ""), "sweep.n", "missing"),
    ("n_not_a_number", _replace(SWEEP, "n = 4", 'n = "four"'), "sweep.n", "a whole number"),
    ("n_too_small", _replace(SWEEP, "n = 4", "n = 1"), "sweep.n", "at least 2"),
    ("replications_zero", SWEEP + "replications = 0\n", "sweep.replications", "at least 1"),
    ("seed_negative", SWEEP + "seed = -1\n", "sweep.seed", "at least 0"),
    ("crn_not_boolean", SWEEP + 'common_random_numbers = "yes"\n', "sweep.common_random_numbers", "true or"),
    ("keep_unknown", SWEEP + 'keep = "everything"\n', "sweep.keep", "'final'"),
    ("set_not_a_list", SWEEP + 'set = "population.n_firms=300"\n', "sweep.set", "a list of"),
    ("unknown_base", _replace(SWEEP, '"concept_note_2015"', '"no_such_scenario"'), "sweep.base", "known"),
    ("outcomes_empty", _replace(SWEEP, '["members"]', "[]"), "sweep.outcomes", "non-empty list"),
    ("unknown_outcome", _replace(SWEEP, '"members"', '"happiness"'), "sweep.outcomes", "a metric"),
    ("no_parameters", SWEEP, None, "at least one [[parameter]]"),
    (
        "unknown_parameter_key",
        SWEEP + _replace(PARAM, "privileged_share", "happiness"),
        "parameter[0].key",
        "a parameter's dotted key",
    ),
    ("parameter_unknown_field", SWEEP + PARAM + "step = 0.1\n", "parameter[0].step", "unknown key"),
    ("parameter_twice", SWEEP + PARAM + PARAM, "parameter[1].key", "each parameter once"),
    (
        "neither_bounds_nor_levels",
        SWEEP + _replace(PARAM, "bounds = [0.0, 0.5]", ""),
        "parameter[0]",
        "either bounds",
    ),
    (
        "bounds_reversed",
        SWEEP + _replace(PARAM, "[0.0, 0.5]", "[0.5, 0.0]"),
        "parameter[0].bounds",
        "low < high",
    ),
    (
        "bounds_not_a_pair",
        SWEEP + _replace(PARAM, "[0.0, 0.5]", "[0.5]"),
        "parameter[0].bounds",
        "[low, high]",
    ),
    (
        "bounds_outside_the_range",
        SWEEP + _replace(PARAM, "[0.0, 0.5]", "[0.0, 1.5]"),
        "parameter[0].bounds",
        "outside what policy.privileged_share allows",
    ),
    (
        "bounds_on_a_choice",
        SWEEP + _replace(_replace(PARAM, "privileged_share", "selection"), "[0.0, 0.5]", "[0, 1]"),
        "parameter[0].bounds",
        "outside what policy.selection allows",
    ),
    (
        "levels_on_a_sobol_design",
        SWEEP + _replace(PARAM, "bounds = [0.0, 0.5]", "levels = [0.0, 0.5]"),
        "parameter[0].levels",
        "levels are for grid designs",
    ),
    (
        "bad_level_value",
        _replace(SWEEP, '"sobol"', '"grid"') + _replace(PARAM, "bounds = [0.0, 0.5]", "levels = [0.0, 2.0]"),
        "parameter[0].levels",
        "not a value of policy.privileged_share",
    ),
    (
        "grid_with_bounds_needs_n",
        _replace(_replace(SWEEP, '"sobol"', '"grid"'), "n = 4\n", "") + PARAM,
        "sweep.n",
        "n >= 2 levels",
    ),
    ("bad_toml", SWEEP + "n = = 3\n", None, "not valid TOML"),
]


@pytest.mark.parametrize(("name", "text", "key", "expected"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_experiment_file_gives_one_line_naming_the_file_and_key(tmp_path, name, text, key, expected):
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    with pytest.raises(InputError) as exc:
        load_spec(path)
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(str(path)), msg
    assert expected in msg, msg
    if key is not None:
        assert f"{key} = " in msg or f"{key}:" in msg, msg


def test_a_missing_file_names_the_shipped_specs():
    with pytest.raises(InputError) as exc:
        load_spec("no/such/file.toml")
    msg = str(exc.value)
    assert msg.startswith("no/such/file.toml") and "no such experiment file" in msg
    shipped = sorted(p.stem for p in SPEC_DIR.glob("*.toml"))
    assert {"default", "quick"} <= set(shipped) and all(s in msg for s in shipped)


@pytest.mark.parametrize(
    "name", ["unknown_design", "unknown_outcome", "bounds_outside_the_range", "bad_toml"]
)
def test_the_command_line_prints_the_same_line_and_exits_2(tmp_path, capsys, name):
    _, text, _, expected = next(b for b in BAD if b[0] == name)
    path = tmp_path / "bad.toml"
    path.write_text(text)
    out = tmp_path / "out"
    for command in ("sweep", "sensitivity"):
        assert main([command, str(path), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"clusterpolicy: error: {path}") and expected in err and err.count("\n") == 1
    assert not out.exists()


def test_the_shipped_specs_load():
    for path in sorted(Path(SPEC_DIR).glob("*.toml")):
        spec = load_spec(path)
        assert spec.parameters and spec.outcomes and spec.path == path


# Gaps found in load_spec and fixed: non-table [[parameter]] entries, bad overrides in sweep.set.
KNOWN_GAPS = [
    pytest.param(
        "parameter = [1, 2]\n" + SWEEP,
        "parameter[0]",
        id="parameter_entries_not_tables",
    ),
    pytest.param(
        SWEEP + 'set = ["policy.privileged_share=1.5"]\n' + PARAM,
        "sweep.set",
        id="bad_override_in_set",
    ),
]


@pytest.mark.parametrize(("text", "key"), KNOWN_GAPS)
def test_known_gaps(tmp_path, text, key):
    path = tmp_path / "gap.toml"
    path.write_text(text)
    with pytest.raises(InputError) as exc:
        load_spec(path)
    assert f"{key} = " in str(exc.value) or f"{key}:" in str(exc.value)

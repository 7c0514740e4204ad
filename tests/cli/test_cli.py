"""The command line end to end: outputs, printed table, and every kind of bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from clusterpolicy.cli.main import main
from clusterpolicy.model.metrics import REQUIRED_METRICS

FAST = [
    "--set",
    "population.n_firms=1000",
    "--set",
    "simulation.quarters=8",
    "--set",
    "simulation.burn_in_quarters=2",
]


def test_run_writes_timeseries_summary_and_figure(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "concept_note_2015", "--seed", "3", "--out", str(out), *FAST]) == 0
    printed = capsys.readouterr().out
    assert "concept_note_2015, seed 3: 2016Q1-2017Q4 (8 quarters)" in printed
    assert "spearhead clusters active" in printed and f"wrote {out}/" in printed
    ts = pd.read_csv(out / "timeseries.csv")
    assert list(ts["quarter"]) == [f"{y}Q{q}" for y in (2016, 2017) for q in (1, 2, 3, 4)]
    assert ts.columns[0] == "quarter"
    assert set(REQUIRED_METRICS) <= set(ts.columns)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "concept_note_2015" and summary["seed"] == 3
    assert set(REQUIRED_METRICS) <= set(summary["metrics"])
    assert summary["metrics"]["members"] == ts["members"].iloc[-1]
    assert summary["parameters"]["population"]["n_firms"] == 1000
    assert summary["provenance"]["packages"]["mesa"].startswith("3.")
    assert "git_commit" in summary["provenance"]
    assert (out / "overview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_accepts_a_scenario_path_and_the_same_seed_reproduces(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    path = str(Path(__file__).parents[2] / "clusterpolicy" / "data" / "scenarios" / "no_sunset.toml")
    assert main(["run", path, "--out", str(a), *FAST]) == 0
    assert main(["run", "no_sunset", "--out", str(b), *FAST]) == 0
    assert (a / "timeseries.csv").read_bytes() == (b / "timeseries.csv").read_bytes()


def test_set_changes_the_run(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["run", "concept_note_2015", "--out", str(a), *FAST]) == 0
    assert (
        main(["run", "concept_note_2015", "--out", str(b), *FAST, "--set", "policy.privileged_share=0"]) == 0
    )
    tb = pd.read_csv(b / "timeseries.csv")
    assert tb["projects_privileged_funded_total"].iloc[-1] == 0
    assert not pd.read_csv(a / "timeseries.csv").equals(tb)


def test_check_prints_the_resolved_parameters(capsys):
    assert main(["check", "serv_advice_2015", "--set", "policy.spearhead_cap=7"]) == 0
    out = capsys.readouterr().out
    assert "serv_advice_2015" in out and "valid" in out
    assert "in_kind_share_max = 0.5" in out and "spearhead_cap = 7" in out and "[behaviour]" in out


def test_list_names_every_scenario(capsys):
    assert main(["list"]) == 0
    assert "lenient_deposit" in capsys.readouterr().out


BAD = [
    (["run", "no_such_scenario"], ["no_such_scenario", "known scenarios"]),
    (
        ["run", "concept_note_2015", "--set", "policy.privileged_share=7"],
        ["--set", "policy.privileged_share", "7"],
    ),
    (["run", "concept_note_2015", "--set", "policy.nope=1"], ["policy.nope", "unknown key"]),
    (["run", "concept_note_2015", "--set", "oops"], ["--set", "SECTION.KEY=VALUE"]),
    (["run", "concept_note_2015", "--seed", "-4"], ["--seed", "-4"]),
    (["run", "concept_note_2015", "--seed", "x"], ["invalid int value"]),
    (
        ["check", "concept_note_2015", "--set", "policy.selection=auction"],
        ["policy.selection", "'auction'", "'jury'"],
    ),
    (["frobnicate"], ["invalid choice"]),
]


@pytest.mark.parametrize(("argv", "expected"), BAD)
def test_bad_input_is_one_line_exit_2(argv, expected, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("clusterpolicy: error: ")
    for part in expected:
        assert part in err, (part, err)


def test_bad_scenario_files_are_reported_and_nothing_in_out_is_touched(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "timeseries.csv").write_text("precious\n")
    cases = {
        "badtoml.toml": "[policy\n",
        "unknown.toml": 'extends = "concept_note_2015"\n[policy]\nprivilege = 0.3\n',
        "type.toml": 'extends = "concept_note_2015"\n[policy]\nspearhead_cap = "five"\n',
        "range.toml": 'extends = "concept_note_2015"\n[policy]\ndeposit_share = -0.2\n',
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        assert main(["run", str(path), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert name in err and err.count("\n") == 1
    assert main(["run", str(tmp_path / "missing.toml"), "--out", str(out)]) == 2
    assert "missing.toml" in capsys.readouterr().err
    assert (out / "timeseries.csv").read_text() == "precious\n"
    assert sorted(p.name for p in out.iterdir()) == ["timeseries.csv"]


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["run", "concept_note_2015", "--out", str(f)]) == 2
    assert "--out" in capsys.readouterr().err and f.read_text() == "x"


def test_the_installed_command_reports_errors_without_a_traceback(tmp_path):
    exe = Path(sys.executable).parent / "clusterpolicy"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "clusterpolicy.cli.main"]
    proc = subprocess.run(
        [*cmd, "run", "concept_note_2015", "--set", "policy.spearhead_cap=-1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    assert "policy.spearhead_cap" in proc.stderr and "-1" in proc.stderr


def test_a_users_scenario_folder_by_flag_or_variable_and_the_variable_is_restored(
    tmp_path, capsys, monkeypatch
):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "tweak.toml").write_text('description = "my tweak"\nextends = "concept_note_2015"\n')
    monkeypatch.delenv("CLUSTERPOLICY_SCENARIOS", raising=False)
    assert main(["--scenarios", str(mine), "list"]) == 0
    listed = capsys.readouterr().out
    assert (
        "tweak" in listed and "my tweak" in listed and str(mine) in listed and "concept_note_2015" in listed
    )
    assert "CLUSTERPOLICY_SCENARIOS" not in os.environ
    assert main(["check", "tweak"]) == 2 and "known scenarios" in capsys.readouterr().err
    monkeypatch.setenv("CLUSTERPOLICY_SCENARIOS", str(mine))
    assert main(["check", "tweak"]) == 0 and "# tweak" in capsys.readouterr().out


def test_errors_name_the_option_of_the_argument(capsys):
    assert main(["compare", "concept_note_2015", "no_sunset", "--seed", "-1"]) == 2
    assert capsys.readouterr().err == "clusterpolicy: error: --seed: -1: a whole number from 0 to 2**63-1\n"
    assert main(["calibrate", "--refine", "1", "--confirm", "2", "--confirm-replications", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("clusterpolicy: error: --refine: 1:") and err.count("\n") == 1


# ---------------------------------------------------------------- issue 9: the smaller ones
SMALLER = [
    (["validate", "nope"], "clusterpolicy: error: SCENARIO: 'nope': no such scenario file or name"),
    (
        ["additionality", "concept_note_2015", "--counterfactual", "nope"],
        "clusterpolicy: error: --counterfactual: 'nope': no such scenario file or name",
    ),
    (
        ["check", "concept_note_2015", "--set", "policy.privileged_shar=0.3"],
        "--set: policy.privileged_shar = 0.3: unknown key; did you mean policy.privileged_share",
    ),
    (
        ["check", "concept_note_2015", "--set", "simulation.start=0000Q1"],
        "--set: simulation.start = '0000Q1'",
    ),
    (
        ["check", "concept_note_2015", "--set", "population.business_rd=1e12", "--set", "population.gdp=1e8"],
        "must be less than population.gdp (1e+08), since business R&D is part of GDP",
    ),
    (
        ["compare", "concept_note_2015", "no_sunset", "--out", ""],
        "clusterpolicy: error: --out: '': give a value",
    ),
]


@pytest.mark.parametrize(("argv", "expected"), SMALLER)
def test_the_smaller_cases_are_one_line_naming_the_argument(argv, expected, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err, err


def test_a_partial_scenario_reports_its_misspelt_key_first_then_suggests_extends(tmp_path, capsys):
    path = tmp_path / "partial.toml"
    path.write_text("[policy]\nprivileged_shar = 0.3\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        "partial.toml: policy.privileged_shar = 0.3: unknown key; did you mean policy.privileged_share" in err
    )
    path.write_text("[policy]\nprivileged_share = 0.3\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        "missing" in err and "should start with extends = 'concept_note_2015'" in err and err.count("\n") == 1
    )


def test_list_lists_the_good_scenarios_and_names_the_broken_one(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "aaa_broken.toml").write_text("[policy\n")
    (mine / "good.toml").write_text('description = "fine"\nextends = "concept_note_2015"\n')
    assert main(["--scenarios", str(mine), "list"]) == 0
    out = capsys.readouterr().out
    assert "aaa_broken" in out and "cannot be used" in out and "not valid TOML" in out
    assert "good" in out and "fine" in out and "lenient_deposit" in out


def test_every_call_outside_the_horizon_is_a_warning(tmp_path, capsys):
    argv = ["check", "concept_note_2015", "--set", "policy.ibn_call_quarters=['2030Q1']"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert err.startswith("clusterpolicy: warning: --set: policy.ibn_call_quarters = ['2030Q1']")
    assert "every call lies outside the horizon 2016Q1-2025Q4" in err and err.count("\n") == 1
    high = ["population.gdp=1e11", "population.business_rd=1.5e10", "population.public_rd_share=0"]
    assert main(["check", "concept_note_2015", *[a for s in high for a in ("--set", s)]]) == 0
    assert "15% of population.gdp (1e+11); no economy spends more than about 6 %" in capsys.readouterr().err

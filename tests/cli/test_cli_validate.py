"""The validate and calibrate commands: end to end on a small configuration, and bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from specs import GOOD_TARGET as GOOD
from specs import write_file as write

from clusterpolicy.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def test_cli_validate_with_a_bad_targets_file_is_one_line_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("range = [5, 15]", "range = [15, 5]"))
    out = tmp_path / "out"
    assert main(["validate", "--targets", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("clusterpolicy: error:") and "\n" not in err and "range" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["validate", "no_such_scenario"], "known scenarios"),
        (["validate", "--replications", "1"], "--replications"),
        (["validate", "--set", "policy.spearhead_cap=-1"], "spearhead_cap"),
        (["validate", "--lang", "fr"], "--lang"),
        (["calibrate", "--lang", "fr"], "--lang"),
        (["calibrate", "no_such_spec"], "shipped specs"),
        (["calibrate", "--write", "x.txt"], ".toml"),
        (
            [
                "calibrate",
                "--write",
                str(ROOT / "clusterpolicy" / "data" / "scenarios" / "concept_note_2015.toml"),
            ],
            "base scenario",
        ),
    ],
)
def test_cli_bad_input_is_one_line(tmp_path, capsys, args, words):
    assert main([*args, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and words in err
    assert not (tmp_path / "out").exists()


def test_validate_runs_end_to_end_on_a_small_configuration(tmp_path, capsys):
    out = tmp_path / "val"
    small = ["--set", "population.n_firms=600", "--set", "simulation.quarters=24"]
    assert main(["validate", "--replications", "2", "--workers", "1", "--out", str(out), *small]) == 0
    printed = capsys.readouterr().out
    assert "validated concept_note_2015" in printed and "spearheads 2016" in printed
    assert "fitted (in-sample" in printed and "held out (out-of-sample" in printed
    assert "in short:\nconcept_note_2015 reproduces" in printed and "not computed" in printed
    assert (
        max(len(line) for line in printed.splitlines()[3:] if not line.startswith(("report:", "files:")))
        <= 120
    )
    table = pd.read_csv(out / "validation.csv")
    assert {"spearheads_2016", "ibns_first_round", "falck_innovation"} <= set(table["id"])
    assert set(table["role"]) == {"fit", "held_out"}
    assert "spearheads_2024" not in set(table["id"])  # beyond 2021Q4
    for col in ("observed", "low", "high", "source", "model_mean", "ci_low", "ci_high", "within"):
        assert col in table.columns
    metric_rows = table[
        ~table["id"].isin(
            [
                "falck_innovation",
                "falck_rd_spending",
                "rothgang_sme_leverage",
                "ben_hassine_leverage",
                "czarnitzki_no_full_crowding_out",
            ]
        )
    ]
    assert (metric_rows["n"] == 2).all() and metric_rows["model_mean"].notna().all()
    assert (table["n"] <= 2).all()  # a replicated study can lack treated firms in so small an economy
    ok = table["n"] == 2
    assert (table["ci_low"][ok] <= table["model_mean"][ok]).all()
    assert (table["model_mean"][ok] <= table["ci_high"][ok]).all()
    assert len(pd.read_csv(out / "replications.csv")) == 2
    assert (out / "validation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (out / "report.html").read_text()
    assert (
        "Fitted (in-sample" in html and "Held out (out-of-sample" in html and "data:image/png;base64," in html
    )


def test_calibrate_runs_end_to_end_and_writes_a_scenario_that_validates(tmp_path, capsys):
    spec = tmp_path / "cal.toml"
    spec.write_text(
        '[sweep]\nname = "cal"\nbase = "concept_note_2015"\ndesign = "lhs"\nn = 3\nreplications = 2\n'
        'seed = 1\nkeep = "timeseries"\noutcomes = ["members"]\n'
        'set = ["population.n_firms=300", "simulation.quarters=8", "simulation.burn_in_quarters=1"]\n'
        '[[parameter]]\nkey = "behaviour.sme_money_cost"\nbounds = [1.5, 10.0]\n'
    )
    targets = write(
        tmp_path, GOOD.replace('quarter = "2016Q4"', 'quarter = "2017Q4"').replace("[5, 15]", "[1, 400]")
    )
    out = tmp_path / "cal"
    (out).mkdir()
    (out / "notes.txt").write_text("mine")
    args = ["calibrate", str(spec), "--targets", str(targets), "--out", str(out), "--workers", "1"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "cal: 6 runs to do" in printed and "chosen: set" in printed and "t1" in printed
    written = out / "calibrated.toml"
    assert f"wrote {written}" in printed and (out / "calibration.csv").exists()
    assert f"report: {out / 'report.html'}" in printed and (out / "report.html").is_file()
    assert main([*args, "--fresh"]) == 0 and "cal: 6 runs to do" in capsys.readouterr().out
    assert (out / "notes.txt").read_text() == "mine", "--fresh deletes only the run stores"
    assert main(["check", str(written)]) == 0
    # the ensemble: every scored set (fewer than ten accepted here), best first, and a study can draw from it
    ens = pd.read_csv(out / "ensemble.csv")
    assert len(ens) == 3 and list(ens["shortfall"]) == sorted(ens["shortfall"])
    assert "behaviour.sme_money_cost" in ens.columns
    capsys.readouterr()
    cmp_out = tmp_path / "cmp"
    tiny = [
        "--set",
        "population.n_firms=300",
        "--set",
        "simulation.quarters=4",
        "--set",
        "simulation.burn_in_quarters=1",
    ]
    argv = ["compare", "concept_note_2015", "no_sunset", "--replications", "3", "--workers", "1"]
    assert main([*argv, "--out", str(cmp_out), "--ensemble", str(out / "ensemble.csv"), *tiny]) == 0
    printed = capsys.readouterr().out
    assert "with parameter uncertainty" in printed and "in short:" in printed
    shift = pd.read_csv(cmp_out / "ensemble_effect.csv")
    assert {"diff_point", "diff_ensemble", "changed"} <= set(shift.columns)
    assert (cmp_out / "ensemble.html").is_file() and (cmp_out / "ensemble" / "summary.csv").is_file()

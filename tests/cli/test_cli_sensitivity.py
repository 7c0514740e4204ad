"""The sensitivity command end to end, and its bad input."""

from __future__ import annotations

import pandas as pd
import pytest
from specs import write_sensitivity_spec as write_spec

from clusterpolicy.analysis.sensitivity import INDEX_COLUMNS
from clusterpolicy.cli.main import main


# ------------------------------------------------------------------------------------- command line
def test_cli_sensitivity_end_to_end_on_the_model(tmp_path, capsys):
    spec = write_spec(
        tmp_path / "tiny.toml",
        n=4,
        reps=2,
        outcomes='["members", "business_rd", "sme_participation_rate"]',
    )
    out = tmp_path / "out"
    argv = ["sensitivity", str(spec), "--out", str(out), "--workers", "1", "--bootstrap", "200"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "Sobol' N=4 x (D+2)=4: 16 design points x 2 replications = 32 runs" in printed
    assert "sensitivity tiny: 32 runs at 16 points" in printed
    assert f"report: {out / 'sensitivity.html'}" in printed and "members (firms)" in printed
    df = pd.read_csv(out / "indices.csv")
    assert list(df.columns[:6]) == INDEX_COLUMNS and len(df) == 3 * 2 * 2
    assert (out / "indices.png").exists() and (out / "sensitivity.html").exists()
    assert main(argv) == 0  # resumes: nothing runs again
    assert "running 0 runs" in capsys.readouterr().out


def test_cli_sensitivity_morris_with_one_replication(tmp_path, capsys):
    spec = write_spec(tmp_path / "tm.toml", design="morris", n=2, reps=1)
    out = tmp_path / "out"
    assert main(["sensitivity", str(spec), "--out", str(out), "--workers", "1", "--bootstrap", "100"]) == 0
    printed = capsys.readouterr().out
    assert "Morris r=2 trajectories" in printed and "too few to check convergence" in printed
    assert (out / "morris.png").exists()


@pytest.mark.parametrize(
    ("design", "flags", "expected"),
    [
        ("grid", [], "sweep.design = 'grid': sensitivity analysis needs design = 'sobol' or 'morris'"),
        ("lhs", [], "sweep.design = 'lhs': sensitivity analysis needs design = 'sobol' or 'morris'"),
        ("sobol", ["--bootstrap", "5"], "--bootstrap: 5: a whole number of at least 100"),
        ("sobol", ["--bootstrap", "-1"], "--bootstrap"),
        ("sobol", ["--bootstrap", "many"], "--bootstrap"),
        ("sobol", ["--workers", "0"], "--workers"),
    ],
)
def test_cli_sensitivity_bad_input_is_one_line(tmp_path, capsys, design, flags, expected):
    n = 2 if design == "grid" else 4
    spec = write_spec(tmp_path / "bad.toml", design=design, n=n)
    out = tmp_path / "o"
    assert main(["sensitivity", str(spec), "--out", str(out), *flags]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1, err
    assert not out.exists()


def test_cli_sensitivity_unknown_spec_is_one_line(capsys):
    assert main(["sensitivity", "no_such_spec"]) == 2
    err = capsys.readouterr().err
    assert "no_such_spec" in err and "default" in err and "quick" in err and err.count("\n") == 1


def test_the_bootstrap_default_is_the_studys():
    from clusterpolicy.analysis.sensitivity import DEFAULT_BOOTSTRAP
    from clusterpolicy.cli.sweep import BOOTSTRAP

    assert BOOTSTRAP == DEFAULT_BOOTSTRAP

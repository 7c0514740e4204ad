"""The sweep command: its cost, resume, and an unreachable scheduler."""

from __future__ import annotations

from specs import write_sweep_spec as write_spec

from clusterpolicy.cli.main import main


def test_cli_sweep_prints_the_cost_and_resumes(tmp_path, capsys):
    spec_path = write_spec(tmp_path, "sobol", 2, reps=1)
    out = tmp_path / "out"
    assert main(["sweep", str(spec_path), "--out", str(out), "--workers", "1"]) == 0
    first = capsys.readouterr().out
    assert "Sobol' N=2 x (D+2)=4: 8 design points x 1 replications = 8 runs over D=2 parameters" in first
    assert "finished 8 runs" in first
    assert main(["sweep", str(spec_path), "--out", str(out), "--workers", "1"]) == 0
    assert "running 0 runs" in capsys.readouterr().out


def test_cli_sweep_unreachable_scheduler_is_one_line(tmp_path, capsys):
    spec_path = write_spec(tmp_path, "lhs", 2, reps=1)
    assert (
        main(["sweep", str(spec_path), "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "o")]) == 2
    )
    err = capsys.readouterr().err
    assert "--scheduler" in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_cli_sweep_counts_the_timed_run_among_the_runs_finished(tmp_path, capsys, monkeypatch):
    import clusterpolicy.runs.evaluate as evaluate

    monkeypatch.setattr(evaluate, "COST_RUNS", 2)  # say the cost (from one timed run) for 8 runs too
    spec_path = write_spec(tmp_path, "sobol", 2, reps=1)
    assert main(["sweep", str(spec_path), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "8 runs to do" in printed and "one run took" in printed
    assert "finished 8 runs" in printed

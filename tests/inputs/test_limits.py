"""Upper bounds from the machine: checked before anything of that size is allocated, lifted on request."""

from __future__ import annotations

import pytest
from specs import TINY_SET

from clusterpolicy.cli.main import main
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.limits import lifted, max_workers
from clusterpolicy.runs.execution import Execution


def _one_line(capsys, *parts):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("clusterpolicy: error: "), err
    for p in parts:
        assert p in err, (p, err)
    return err


def test_a_billion_replications_is_one_line_before_any_seed_is_drawn(capsys, monkeypatch):
    import clusterpolicy.runs.design as design

    monkeypatch.setattr(design, "replicate_seeds", lambda *a: pytest.fail("seeds drawn"))
    assert main(["compare", "concept_note_2015", "no_sunset", "--replications", "1000000000"]) == 2
    _one_line(capsys, "--replications: 1000000000:", "2,000,000,000 runs", "memory", "no-limits option")


def _spec(tmp_path, design, n, params, reps=1):
    path = tmp_path / "big.toml"
    path.write_text(
        f'[sweep]\nbase = "concept_note_2015"\ndesign = "{design}"\nn = {n}\nreplications = {reps}\n'
        f'set = {TINY_SET}\noutcomes = ["members"]\n' + params
    )
    return str(path)


TWO = (
    '[[parameter]]\nkey = "policy.privileged_share"\nbounds = [0.0, 0.6]\n'
    '[[parameter]]\nkey = "behaviour.service_value"\nbounds = [1000, 20000]\n'
)


@pytest.mark.parametrize(
    ("design", "n", "reps", "key"),
    [
        ("sobol", 2**40, 1, "sweep.n"),
        ("grid", 1000, 1, "sweep.n"),
        ("lhs", 1000, 1000000000, "sweep.replications"),
    ],
)
def test_a_design_too_large_for_the_machine_is_one_line(design, n, reps, key, tmp_path, capsys):
    assert main(["sweep", _spec(tmp_path, design, n, TWO, reps), "--out", str(tmp_path / "o")]) == 2
    _one_line(capsys, f"big.toml: {key} = ", "fit in this machine's memory")
    assert not (tmp_path / "o").exists()


def test_a_hypothesis_file_with_a_billion_replications_is_one_line(tmp_path, capsys):
    path = tmp_path / "h.toml"
    path.write_text(
        '[hypothesis]\nid = "X"\ntitle = "t"\nbase = "concept_note_2015"\nlever = "policy.privileged_share"\n'
        "values = [0.0, 0.3]\nreference = 0.0\nreplications = 1000000000\n"
        '[[outcome]]\nmetric = "members"\nexpected = "increase"\n'
    )
    assert main(["hypothesis", str(path)]) == 2
    _one_line(capsys, "hypothesis.replications = 1000000000", "runs")


def test_more_workers_than_the_machine_holds_is_one_line_and_can_be_lifted(capsys):
    top = max_workers()
    assert main(["compare", "concept_note_2015", "no_sunset", "--workers", "1000"]) == 2
    _one_line(capsys, "--workers: 1000: at most", "cores")
    with pytest.raises(InputError, match=f"^workers: {top + 1}: at most {top} "):
        Execution(workers=top + 1)
    with lifted():
        assert Execution(workers=top + 1).workers == top + 1


def test_a_large_design_says_its_cost_and_time_first(tmp_path):
    import pandas as pd

    from clusterpolicy.studies.compare import compare

    def fast(task):
        return pd.DataFrame({"quarter": ["2016Q1"], "members": [float(task.seed % 3)]})

    lines: list[str] = []
    names = ["concept_note_2015", "no_sunset"]
    compare(names, 101, out=tmp_path / "c", workers=1, run=fast, progress=False, announce=lines.append)
    assert len(lines) == 1
    assert lines[0].startswith(
        "compare: 202 runs to do (2 points x 101 replications) on this process: about "
    )
    assert "one run took" in lines[0]
    compare(names, 50, out=tmp_path / "d", workers=1, run=fast, progress=False, announce=lines.append)
    assert len(lines) == 1, "100 runs: nothing to announce"

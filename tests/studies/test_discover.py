"""Scenario discovery finds the box a synthetic sweep was built to contain; the command's errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ema_workbench")

from clusterpolicy.cli.main import main
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.sweep_spec import load_spec
from clusterpolicy.runs.results import load_sweep_results
from clusterpolicy.studies.discover import discover
from clusterpolicy.studies.sweep import sweep

OUTCOME = "proposals_crowded_out_total"
SPEC = """[sweep]
name = "synthetic"
base = "concept_note_2015"
design = "{design}"
n = {n}
replications = {reps}
seed = 11
set = ["population.n_firms=300", "simulation.quarters=4", "simulation.burn_in_quarters=0"]
outcomes = ["proposals_crowded_out_total", "members"]

[[parameter]]
key = "policy.privileged_share"
bounds = [0.0, 1.0]

[[parameter]]
key = "behaviour.sme_money_cost"
bounds = [2.0, 10.0]

[[parameter]]
key = "policy.deposit_window_quarters"
bounds = [1, 4]
"""


def _run(task):
    """No model: many proposals are crowded out exactly where privileged_share > 0.6 and sme_money_cost < 5.

    The region holds 0.4 x 3/8 = 15 % of the design; outside it the outcome is low. Seed noise is small
    next to the gap, and deposit_window_quarters does nothing.
    """
    p, b = task.params.policy, task.params.behaviour
    inside = p.privileged_share > 0.6 and b.sme_money_cost < 5.0
    noise = np.random.default_rng(task.seed).normal(0, 5)
    value = (400.0 if inside else 40.0) + 100 * p.privileged_share + noise
    return pd.DataFrame({"quarter": ["2016Q1"], OUTCOME: [value], "members": [100.0]})


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("discover")
    path = tmp / "synthetic.toml"
    path.write_text(SPEC.format(design="lhs", n=240, reps=1))
    sweep(load_spec(path), tmp / "sweep", workers=1, run=_run, progress=False)
    return tmp / "sweep"


def test_prim_finds_the_region_the_sweep_was_built_to_contain(synthetic, tmp_path):
    found = discover(synthetic, OUTCOME, above=300, out=tmp_path / "d")
    c = found.chosen
    # stated values: the chosen box keeps most of the cases and holds few others
    assert c.coverage >= 0.8 and c.density >= 0.8
    limits = {lim.parameter: lim for lim in c.limits}
    assert set(limits) == {"policy.privileged_share", "behaviour.sme_money_cost"}
    share, cost = limits["policy.privileged_share"], limits["behaviour.sme_money_cost"]
    assert share.high is None and share.low == pytest.approx(0.6, abs=0.06)
    assert cost.low is None and cost.high == pytest.approx(5.0, abs=0.5)
    assert share.qp < 0.001 and cost.qp < 0.001
    # the inert parameter gets the smallest feature score
    assert found.scores["parameter"].iloc[-1] == "policy.deposit_window_quarters"
    assert 20 <= found.cases <= 55  # 15 % of 240 points
    files = {p.name for p in (tmp_path / "d").iterdir()}
    # the four outputs, and the mark that says the tool wrote them (so a later run may replace them)
    assert files == {"boxes.csv", "scores.csv", "discover.png", "discover.html", ".clusterpolicy.json"}
    boxes = pd.read_csv(tmp_path / "d" / "boxes.csv")
    assert boxes["chosen"].any()
    html = (tmp_path / "d" / "discover.html").read_text()
    assert "privileged for spearheads at least" in html and "point-" not in html


def test_top_share_sets_the_threshold_and_the_cli_prints_the_boxes(synthetic, tmp_path, capsys):
    assert (
        main(["discover", str(synthetic), "--outcome", OUTCOME, "--top", "0.15", "--out", str(tmp_path)]) == 0
    )
    text = capsys.readouterr().out
    assert "cases of interest: proposals crowded out (cum.) in the top 15 %" in text
    assert "* " in text and "privileged for spearheads at least" in text
    assert "cost to an SME of a euro of cash fee at most" in text
    assert "feature scores (extra trees" in text


def test_a_sobol_sweep_shows_total_order_indices_beside_the_scores(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SPEC.format(design="sobol", n=16, reps=2))
    sweep(load_spec(path), tmp_path / "sweep", workers=1, run=_run, progress=False)
    found = discover(tmp_path / "sweep", OUTCOME, top=0.2, write=False)
    st = found.scores.set_index("parameter")["ST"]
    assert st["policy.privileged_share"] > st["policy.deposit_window_quarters"]
    assert st["behaviour.sme_money_cost"] > 0.1 and abs(st["policy.deposit_window_quarters"]) < 0.1


def test_the_loader_used_by_discover_has_one_row_per_run(synthetic):
    df = load_sweep_results(synthetic)
    assert len(df) == 240 and df["run_id"].is_unique and (df["status"] == "done").all()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outcome", OUTCOME], "one of the arguments --above --below --top is required"),
        (["--outcome", OUTCOME, "--top", "1.5"], "--top: 1.5: a share between 0 and 1"),
        (["--outcome", "membrs", "--above", "1"], "--outcome: 'membrs': not an outcome"),
        (["--outcome", "business_rd", "--above", "1"], "not recorded in this sweep"),
        (["--outcome", OUTCOME, "--above", "1e9"], "--above: 1e+09: no design point is a case"),
        (["--outcome", OUTCOME, "--above", "300", "--min-coverage", "0"], "--min-coverage: 0.0: a share"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(synthetic, tmp_path, capsys, args, message):
    assert main(["discover", str(synthetic), *args, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_a_folder_without_a_sweep_is_refused(tmp_path, capsys):
    assert main(["discover", str(tmp_path), "--outcome", OUTCOME, "--above", "1"]) == 2
    assert "is not a run store" in capsys.readouterr().err
    with pytest.raises(InputError, match="exactly one of"):
        discover(tmp_path, OUTCOME, above=1, top=0.2)

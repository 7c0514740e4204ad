"""The hypothesis, crowding-out and additionality commands end to end, and their bad command lines."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import TINY_ARGS, html_is_balanced

from clusterpolicy.cli.main import main


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["hypothesis", "H99"], "no such hypothesis file or name; shipped hypotheses: H1a_cofinancing"),
        (["hypothesis", "H3", "--replications", "1"], "--replications: 1: a whole number of at least 2"),
        (["hypothesis", "H3", "--workers", "0"], "--workers: 0"),
        (["hypothesis", "H3", "--seed", "-2"], "--seed: -2"),
        (["crowding-out", "--set", "policy.privileged_share=0.3"], "the lever of H3 cannot be overridden"),
        (["crowding-out", "--set", "policy.nope=1"], "--set: policy.nope = 1: unknown key"),
        (["additionality", "no_cluster_policy"], "same parameters as its counterfactual"),
        (["additionality", "concept_note_2015", "--counterfactual", "nope"], "known scenarios"),
        (["additionality", "concept_note_2015", "--replications", "1"], "--replications"),
    ],
)
def test_bad_command_lines_give_one_clear_line(tmp_path, capsys, argv, expected):
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err, err
    assert not out.exists()


def test_cli_crowding_out_end_to_end(tmp_path, capsys):
    out = tmp_path / "co"
    args = ["crowding-out", "--rules", "reserve", "bonus", "--replications", "3", "--workers", "1"]
    args += ["--out", str(out), *TINY_ARGS]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "H3: Privileged budgets crowd out" in printed and "H3b: Privileged budgets" in printed
    assert "24 runs (2 rules)" in printed and "=== rule: reserve" in printed and "=== rule: bonus" in printed
    assert "what the answer depends on" in printed and "in plain words:" in printed
    v = pd.read_csv(out / "verdicts.csv")
    assert list(v.columns[:10]) == [
        "mode",
        "hypothesis",
        "outcome",
        "comparison",
        "effect",
        "ci_low",
        "ci_high",
        "p_value",
        "p_adjusted",
        "verdict",
    ]
    assert len(v) == 30 and set(v["verdict"]) <= {"supported", "not supported", "opposite"}
    assert set(v[v["mode"] == "reserve"]["comparison"]) == {"0.25 vs 0", "0.4 vs 0", "0.6 vs 0"}
    assert set(v[v["mode"] == "bonus"]["comparison"]) == {"0.05 vs 0", "0.1 vs 0", "0.2 vs 0"}
    for rule in ("reserve", "bonus"):
        assert (out / rule / "effects.png").read_bytes()[:4] == b"\x89PNG"
        text = (out / rule / "report.html").read_text()
        assert html_is_balanced(text) and "data:image/png;base64," in text and "https://" not in text
        finals = pd.read_csv(out / rule / "finals.csv")
        assert len(finals) == 12 and finals.groupby("replicate")["seed"].nunique().eq(1).all()
    # the same command again resumes: nothing is run twice
    status = (out / "reserve" / "store" / "status.jsonl").read_text().count("\n")
    assert main(args) == 0
    assert (out / "reserve" / "store" / "status.jsonl").read_text().count("\n") == status


def test_cli_hypothesis_with_a_string_lever(tmp_path, capsys):
    out = tmp_path / "h5"
    assert (
        main(["hypothesis", "H5", "--replications", "2", "--workers", "1", "--out", str(out), *TINY_ARGS])
        == 0
    )
    v = pd.read_csv(out / "verdicts.csv")
    assert set(v["comparison"]) == {"fcfs vs jury", "lottery vs jury"} and len(v) == 10


def test_cli_additionality_end_to_end(tmp_path, capsys):
    out = tmp_path / "add"
    assert (
        main(
            [
                "additionality",
                "concept_note_2015",
                "--replications",
                "3",
                "--workers",
                "1",
                "--out",
                str(out),
                *TINY_ARGS,
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "against the counterfactual" in printed and "naive: members vs non-members" in printed
    t = pd.read_csv(out / "additionality.csv").set_index("estimate")
    assert {"counterfactual", "naive", "selection_bias", "delta_rd", "delta_public"} <= set(t.index)
    assert t.loc["counterfactual", "class"] in {"additional", "partial crowding-out", "full crowding-out"}
    assert t.loc["delta_public", "value"] > 0  # the policy spends public money the counterfactual does not
    assert len(pd.read_csv(out / "replicates.csv")) == 3
    assert html_is_balanced((out / "report.html").read_text())

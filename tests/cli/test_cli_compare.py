"""The compare command: its table and report path, and bad input."""

from __future__ import annotations

import pytest
from helpers import MAIN_SCENARIOS as NAMES
from helpers import TINY

from clusterpolicy.cli.main import main


def test_cli_compare_prints_the_table_and_the_report_path(tmp_path, capsys):
    out = tmp_path / "c"
    args = ["compare", *NAMES[:2], "--replications", "2", "--workers", "1", "--out", str(out)]
    assert main(args + [a for s in TINY for a in ("--set", s)]) == 0
    printed = capsys.readouterr().out
    assert "compared 2 scenarios x 2 paired replications" in printed
    assert "difference to concept_note_2015" in printed and f"report: {out / 'report.html'}" in printed


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["compare", "concept_note_2015"], "at least two scenarios"),
        (["compare", "concept_note_2015", "concept_note_2015"], "given twice"),
        (["compare", "concept_note_2015", "nope"], "known scenarios"),
        (["compare", "concept_note_2015", "no_sunset", "--replications", "1"], "--replications"),
        (["compare", "concept_note_2015", "no_sunset", "--workers", "0"], "--workers"),
    ],
)
def test_cli_compare_bad_input(argv, expected, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1


def test_cli_compare_in_dutch_writes_a_dutch_report_and_prints_dutch(tmp_path, capsys):
    out = tmp_path / "nl"
    args = ["compare", *NAMES[:2], "--replications", "2", "--workers", "1", "--out", str(out), "--lang", "nl"]
    assert main(args + [a for s in TINY for a in ("--set", s)]) == 0
    printed = capsys.readouterr().out
    assert "verschil met concept_note_2015" in printed and "duidelijk bij 95 %" in printed
    text = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in text and "Zo leest u dit." in text and "Wat verandert er" in text


@pytest.mark.parametrize("command", [["compare", *NAMES[:2]], ["hypothesis", "H3"], ["crowding-out"]])
def test_an_unknown_language_is_one_line_and_nothing_is_written(tmp_path, capsys, command):
    out = tmp_path / "out"
    assert main([*command, "--lang", "fr", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--lang: fr: one of en, nl" in err, err
    assert not out.exists()

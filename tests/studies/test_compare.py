"""The comparison study: pairing, workers, failures, resume, its files and report, the API."""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import pytest
from helpers import MAIN_SCENARIOS as NAMES
from helpers import TINY, html_is_balanced

from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model.metrics import REQUIRED_METRICS
from clusterpolicy.outputs import i18n
from clusterpolicy.runs.design import Point, replicate_seeds, tasks
from clusterpolicy.studies.compare import compare


def test_replicate_r_has_the_same_seed_in_every_scenario():
    seeds = replicate_seeds(42, 5)
    assert len(set(seeds)) == 5 and seeds == replicate_seeds(42, 5) and seeds != replicate_seeds(43, 5)
    pts = [Point(i, n, load_scenario(n).params, {}) for i, n in enumerate(NAMES)]
    ts = tasks(pts, seeds)
    by_rep = {}
    for t in ts:
        by_rep.setdefault(t.replicate, set()).add(t.seed)
    assert all(len(s) == 1 for s in by_rep.values())
    assert sorted({t.run_id for t in ts}) == list(range(15))


def _fake_run(task):
    """A synthetic model: a metric that depends on the seed only, plus a scenario effect of +2."""
    rng = np.random.default_rng(task.seed)
    base = rng.normal(10.0, 3.0)
    effect = 2.0 if task.label == "serv_advice_2015" else 0.0
    return pd.DataFrame({"quarter": ["2016Q1"], "members": [base + effect]})


def test_the_comparison_is_paired():
    comp = compare(NAMES[:2], replications=12, seed=3, workers=1, run=_fake_run, progress=False)
    d = comp.summary.set_index(["scenario", "metric"]).loc[("serv_advice_2015", "members")]
    # unpaired, the interval would be wide (sd 3); paired, the common noise cancels exactly
    assert d["diff"] == pytest.approx(2.0)
    assert d["diff_ci_high"] - d["diff_ci_low"] == pytest.approx(0.0, abs=1e-9)
    m = comp.summary.set_index(["scenario", "metric"]).loc[("concept_note_2015", "members")]
    assert m["ci_high"] - m["ci_low"] > 1.0


def test_one_and_two_workers_give_identical_results(tmp_path):
    a = compare(NAMES, replications=3, seed=5, workers=1, overrides=TINY, progress=False)
    b = compare(NAMES, replications=3, seed=5, workers=2, overrides=TINY, progress=False)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    cols = [c for c in a.timeseries.columns]
    sort = ["label", "replicate", "quarter"]
    pd.testing.assert_frame_equal(
        a.timeseries[cols].sort_values(sort).reset_index(drop=True),
        b.timeseries[cols].sort_values(sort).reset_index(drop=True),
        check_dtype=False,
    )


def _failing_run(task):
    if task.label == "serv_advice_2015" and task.replicate == 1:
        raise RuntimeError("boom")
    return _fake_run(task)


def test_a_failing_run_is_reported_and_the_rest_survive(tmp_path):
    comp = compare(
        NAMES[:2], replications=4, seed=1, workers=1, run=_failing_run, out=tmp_path, progress=False
    )
    assert len(comp.failures) == 1
    (err,) = comp.failures.values()
    assert "RuntimeError: boom" in err
    n = comp.summary.set_index(["scenario", "metric"])["n"]
    assert n[("serv_advice_2015", "members")] == 3 and n[("concept_note_2015", "members")] == 4
    status = [json.loads(line) for line in (tmp_path / "store" / "status.jsonl").read_text().splitlines()]
    failed = [s for s in status if s["status"] == "failed"]
    assert failed and failed[0]["seed"] == comp.seeds[1] and failed[0]["label"] == "serv_advice_2015"
    assert "failed" in (tmp_path / "report.html").read_text()


def _always_failing(task):
    raise RuntimeError(f"broken seed {task.seed}")


def test_when_every_run_fails_the_comparison_says_so_in_one_line(tmp_path):
    with pytest.raises(Exception, match="every run failed; the first: RuntimeError: broken seed"):
        compare(NAMES[:2], replications=2, seed=1, workers=1, run=_always_failing, progress=False)


def test_the_same_command_on_the_same_folder_resumes(tmp_path):
    calls = []

    def counting(task):
        calls.append(task.run_id)
        return _fake_run(task)

    compare(NAMES[:2], replications=3, seed=1, workers=1, run=counting, out=tmp_path, progress=False)
    assert len(calls) == 6
    (tmp_path / "store" / "runs").mkdir(exist_ok=True)
    compare(NAMES[:2], replications=3, seed=1, workers=1, run=counting, out=tmp_path, progress=False)
    assert len(calls) == 6, "nothing is run twice"
    with pytest.raises(Exception, match="different design"):
        compare(NAMES[:2], replications=4, seed=1, workers=1, run=counting, out=tmp_path, progress=False)


@pytest.fixture(scope="module")
def real_comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp")
    comp = compare(NAMES, replications=3, seed=2, workers=2, overrides=TINY, out=out, progress=False)
    return comp, out


def test_outputs_have_the_promised_columns(real_comparison):
    _, out = real_comparison
    summary = pd.read_csv(out / "summary.csv")
    cols = ["scenario", "metric", "mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high"]
    assert list(summary.columns[:8]) == cols
    assert set(summary["scenario"]) == set(NAMES)
    assert set(REQUIRED_METRICS) <= set(summary["metric"])
    ref = summary[summary["scenario"] == NAMES[0]]
    assert (ref["diff"].fillna(0) == 0).all()
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert len(ts) == 3 * 3 * 8 and {"label", "replicate", "seed", "quarter"} <= set(ts.columns)
    for f in ("timeseries.png", "differences.png"):
        assert (out / f).read_bytes()[:4] == b"\x89PNG"


def test_the_report_holds_every_scenario_and_metric_and_parses(real_comparison):
    comp, out = real_comparison
    text = (out / "report.html").read_text()
    assert html_is_balanced(text)
    for name in NAMES:  # by its label, with its name (to run it again) when the pointer rests on it
        assert f'title="{name}">{html.escape(i18n.scenario_label(name))}<' in text
    for m in REQUIRED_METRICS:  # the folded table of every outcome names each one's column in the files
        assert f"<code>{m}</code>" in text
    assert "data:image/png;base64," in text and "http://" not in text and "https://" not in text
    assert "The rules and assumptions in which they differ" in text and 'title="policy.enabled"' in text
    for seed in comp.seeds:
        assert str(seed) in text


def test_compare_api_returns_the_summary():
    import clusterpolicy

    for _ in range(2):  # the package-level function stays a function after the module is imported
        df = clusterpolicy.compare(NAMES[:2], replications=2, seed=1, workers=1, overrides=TINY).summary
        assert set(df["scenario"]) == set(NAMES[:2]) and "diff_ci_high" in df.columns
    assert compare(NAMES[:2], replications=2, seed=1, workers=1, overrides=TINY).summary.equals(df)

"""The in-model evaluation study recovers a known effect from a synthetic panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusterpolicy.analysis.evaluation_study import did


def synthetic_panel(effect_innov=0.05, effect_rd=0.10, aid_per_member=1e5, extra_rd=1.5e5, n=3000, seed=1):
    """Firms over 2010-2020; a fifth join a spearhead in 2015 and stay; known effects after joining."""
    rng = np.random.default_rng(seed)
    years = np.arange(2010, 2021)
    sme = rng.random(n) < 0.8
    domain = rng.integers(0, 4, n)
    base = np.exp(rng.normal(np.where(sme, 11.0, 14.0), 1.0))
    # selection on size: larger firms more likely to join (the bias matching must remove)
    joins = rng.random(n) < np.clip(0.1 + 0.1 * (np.log(base) - 11) / 3, 0, 1)
    rows = []
    for t, y in enumerate(years):
        after = joins & (y >= 2016)
        member = joins & (y >= 2015)
        own = base * 1.05**t * np.exp(rng.normal(0, 0.05, n)) * np.where(after, 1 + effect_rd, 1.0)
        aid = np.where(after, aid_per_member, 0.0) * np.exp(rng.normal(0, 0.2, n))
        rd = own + np.where(after, aid + extra_rd, 0.0)
        p = 0.08 + 0.02 * (np.log(base) - 11) / 3 + np.where(after, effect_innov, 0.0)
        rows.append(
            pd.DataFrame(
                {
                    "year": y,
                    "firm": np.arange(n),
                    "sme": sme,
                    "domain": domain,
                    "own_rd": own,
                    "rd": rd,
                    "innovated": rng.random(n) < np.clip(p, 0, 1),
                    "aid": aid,
                    "member_spearhead": member,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_did_recovers_known_effects_within_its_interval():
    panel = synthetic_panel(n=6000)
    est = {e.outcome: e for e in did(panel, join_years=(2015,), pre=2, post=3, n_boot=300)}
    assert est["innovation"].n_treated > 200
    for outcome, truth in (("innovation", 0.05), ("rd_growth", 0.10)):
        e = est[outcome]
        assert e.ci_low <= truth <= e.ci_high, (outcome, e)
    assert est["innovation"].ci_low > 0, "the effect is told apart from none"


def test_did_recovers_the_rd_per_euro_of_aid():
    panel = synthetic_panel(effect_rd=0.0)
    e = next(e for e in did(panel, join_years=(2015,), n_boot=300) if e.outcome == "rd_per_aid")
    aid = 1e5 * np.exp(0.2**2 / 2)  # the mean of the log-normal aid
    truth = (aid + 1.5e5) / aid
    assert e.ci_low <= truth <= e.ci_high, e


def test_did_finds_nothing_where_there_is_nothing():
    panel = synthetic_panel(effect_innov=0.0, effect_rd=0.0)
    est = {e.outcome: e for e in did(panel, join_years=(2015,), n_boot=300)}
    assert est["innovation"].ci_low <= 0 <= est["innovation"].ci_high
    assert est["rd_growth"].ci_low <= 0 <= est["rd_growth"].ci_high


def test_matching_removes_the_selection_on_size():
    # without an effect, a naive members-vs-all comparison of R&D levels is biased; the DiD is not
    panel = synthetic_panel(effect_innov=0.0, effect_rd=0.0)
    last = panel[panel.year == 2020]
    assert last[last.member_spearhead].own_rd.mean() > 1.5 * last[~last.member_spearhead].own_rd.mean()
    est = {e.outcome: e for e in did(panel, join_years=(2015,), n_boot=200)}
    assert abs(est["rd_growth"].effect) < 0.02


def test_no_treated_firms_gives_nan_and_missing_columns_are_named():
    panel = synthetic_panel(n=200)
    est = did(panel, join_years=(2030,), n_boot=10)
    assert all(e.n_treated == 0 and np.isnan(e.effect) for e in est)
    with pytest.raises(ValueError, match="missing columns aid"):
        did(panel.drop(columns="aid"), join_years=(2015,))

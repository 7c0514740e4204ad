"""The organisations evaluated in a quarter (evaluation.evaluations_due) against the rule per organisation."""

from __future__ import annotations

import numpy as np
from helpers import small

from clusterpolicy.model import ClusterPolicyModel
from clusterpolicy.model.agents import IBN, LEGACY, SPEARHEAD
from clusterpolicy.model.phases import evaluation


def reference_due(model: ClusterPolicyModel, now: int, interval_years: int) -> list[int]:
    """Who is scored in quarter ``now``: the module docstring's rule, an organisation at a time."""
    out = []
    for org in model.orgs:
        if not (org.alive and org.supported and org.kind in (SPEARHEAD, IBN)):
            continue
        age = now - (org.recognised_at or 0)
        if age <= 0:
            continue
        if org.kind == IBN:
            if age % 4 == 0:
                out.append(org.index)
        elif interval_years and age % (4 * interval_years) == 0:
            out.append(org.index)
    return out


def test_the_organisations_due_are_those_the_rule_names() -> None:
    m = ClusterPolicyModel(small(), rng=2)
    for _ in range(9):
        m.step()
    t, n = m.org_table, m.org_table.n
    rng = np.random.default_rng(5)
    for org in m.orgs:  # through the agents, which mirror these in their table row
        org.kind = str(rng.choice([SPEARHEAD, IBN, SPEARHEAD, IBN, LEGACY]))
        org.recognised_at = [None, 0, 1, 2, 3, 4, 5, 8, 9][rng.integers(9)]
        org.alive = bool(rng.random() < 0.8)
        org.supported = bool(rng.random() < 0.8)
    seen = 0
    for interval in (0, 1, 2):
        for now in range(0, 30):
            args = (t.alive[:n], t.supported[:n], t.kind[:n], t.recognised_at[:n], now, interval)
            want = reference_due(m, now, interval)
            assert evaluation.evaluations_due(*args).tolist() == want, (interval, now)
            seen += len(want)
    assert seen > 0

"""Phase 5, operating grants: the agency pays, organisations spend, and the sunset's aftermath is followed.

For every alive organisation: support ends at ``support_until`` (the sunset clause); a supported
organisation receives a quarter of its yearly grant; every organisation spends a quarter of its planned
cash budget (member cash plus grant), never more than it has. For an organisation whose support ended
by the sunset, its state one and two years later (alive, members, member money) is recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from clusterpolicy.model.agents import KIND_CODE, LEGACY, NEVER
from clusterpolicy.model.compiled import compiled
from clusterpolicy.model.phases.cofinancing import sunset

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel

FOLLOW_UP_QUARTERS = (4, 8)  # one and two years after support ended (the outcomes' definition)


def run(model: ClusterPolicyModel) -> None:
    """Sunset, grants, spending and the follow-up of organisations past the sunset.

    Each organisation's steps read and write only its own state, so they are taken for all of them at
    once; the agency's and the counters' sums add the organisations' amounts in their order.
    """
    t = model.org_table
    n = t.n
    members = model.memberships.per_org(n)
    now = model.t
    for org in model.past_sunset:
        record = org.sunset
        assert record is not None
        lag = now - record.ended
        if lag in FOLLOW_UP_QUARTERS:
            up = org.alive
            record.followup[lag] = (up, int(members[org.index]) if up else 0, org.member_money_plan)
    alive = t.alive[:n]
    for j in sunset_due(alive, t.supported, t.support_until, model.t, NEVER):
        sunset(model, model.orgs[int(j)])
    paid, amounts, legacy = grants_due(alive, t.supported, t.grant_annual, t.kind, KIND_CODE[LEGACY])
    model.agency.pay_operating_grants(paid, amounts, legacy)
    c = model.counters
    c.member_quarters_policy = float(
        spend(
            alive,
            t.ever_recognised,
            members,
            t.cash,
            t.cash_plan,
            t.grant_annual,
            t.ledger_spent,
            c.member_quarters_policy,
        )
    )


@compiled
def sunset_due(
    alive: np.ndarray, supported: np.ndarray, support_until: np.ndarray, now: int, never: int
) -> np.ndarray:
    """The alive, supported organisations whose support ends by ``now``.

    Support ends at ``support_until`` (``never``: no end set).
    """
    due = np.empty(len(alive), dtype=np.int64)
    k = 0
    for j in range(len(alive)):
        if alive[j] and supported[j] and support_until[j] != never and now >= support_until[j]:
            due[k] = j
            k += 1
    return due[:k]


@compiled
def grants_due(
    alive: np.ndarray, supported: np.ndarray, grant_annual: np.ndarray, kind: np.ndarray, legacy_code: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The alive, supported organisations with a grant, and for each a quarter of its yearly grant.

    Returns the organisations, the amounts, and which of them are legacy structures (``legacy_code``).
    """
    n = len(alive)
    orgs = np.empty(n, dtype=np.int64)
    amounts = np.empty(n)
    legacy = np.empty(n, dtype=np.bool_)
    k = 0
    for j in range(n):
        if alive[j] and supported[j] and grant_annual[j] > 0:
            orgs[k] = j
            amounts[k] = grant_annual[j] / 4.0
            legacy[k] = kind[j] == legacy_code
            k += 1
    return orgs[:k], amounts[:k], legacy[:k]


@compiled
def spend(
    alive: np.ndarray,
    ever_recognised: np.ndarray,
    members: np.ndarray,
    cash: np.ndarray,
    cash_plan: np.ndarray,
    grant_annual: np.ndarray,
    ledger_spent: np.ndarray,
    member_quarters: float,
) -> float:
    """Every alive organisation spends a quarter of its planned cash budget, never more than it has.

    Returns ``member_quarters`` plus the members of each alive organisation that was ever recognised,
    added in their order (the member-quarters under the policy).
    """
    for j in range(len(alive)):
        if alive[j]:
            if ever_recognised[j]:
                member_quarters += members[j]
            amount = (cash_plan[j] + grant_annual[j]) / 4.0
            if cash[j] < amount:
                amount = cash[j]
            cash[j] -= amount
            ledger_spent[j] += amount
    return member_quarters

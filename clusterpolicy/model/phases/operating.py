"""Phase 5, operating grants: the agency pays, organisations spend, and the sunset's aftermath is followed.

In the order of ``model.orgs``: support ends at ``support_until`` (the sunset clause); a supported
organisation receives a quarter of its yearly grant; every organisation spends a quarter of its planned
cash budget (member cash plus grant), never more than it has. For an organisation whose support ended
by the sunset, its state one and two years later (alive, members, member money) is recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clusterpolicy.model.agents import LEGACY
from clusterpolicy.model.phases.cofinancing import sunset

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel

FOLLOW_UP_QUARTERS = (4, 8)  # one and two years after support ended (the outcomes' definition)


def run(model: ClusterPolicyModel) -> None:
    """Sunset, grants, spending and the follow-up of organisations past the sunset."""
    members = model.memberships.per_org(len(model.orgs))
    for org in model.orgs:
        rec = org.sunset
        if rec is not None:
            for lag in FOLLOW_UP_QUARTERS:
                if model.t == rec.ended + lag:
                    alive = org.alive
                    rec.followup[lag] = (
                        alive,
                        int(members[org.index]) if alive else 0,
                        org.member_money_plan,
                    )
        if not org.alive:
            continue
        sunset(model, org)
        if org.supported and org.grant_annual > 0:
            model.agency.pay_operating_grant(org, org.grant_annual / 4.0, org.kind == LEGACY)
        if org.ever_recognised:
            model.counters.member_quarters_policy += float(members[org.index])
        spend = min(org.cash, (org.cash_plan + org.grant_annual) / 4.0)
        org.cash -= spend
        org.ledger.spent += spend

"""Phase 7, R&D and innovation: subsidies end, knowledge, own R&D, EU money, innovations.

Synchronous over all firms. A member's *help* from its cluster organisations is
1 - prod_j (1 - x_j a_j) over its memberships (excellence x activity of each alive organisation): a
second organisation adds less than the first, and help never exceeds 1. Knowledge depreciates and
grows with that help. Own R&D follows the path without the policy (data, then an assumption; see
:func:`clusterpolicy.model.kernels.rd_trend`) and rises with knowledge; subsidies add
``subsidy_pass_through`` euros of R&D per euro while they run. EU money: firms apply, and win with a
probability that rises with their organisations' help; what they win comes from a limited yearly
amount (``eu_budget``): when the winners ask more than is left this quarter, the strongest applications
are funded first. Innovation arrives with probability ``1 - exp(-rate * R&D * (1 + knowledge))`` (R&D as
a yearly rate in million euro; the hazard is per quarter; after Dosi et al.).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from clusterpolicy.model import kernels
from clusterpolicy.model.agency import fund_in_rank_order
from clusterpolicy.model.compiled import compiled
from clusterpolicy.model.phases.projects import add_subsidy

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel


def member_help(model: ClusterPolicyModel) -> np.ndarray:
    """Per firm: 1 - prod over its memberships of (1 - excellence x activity) of the organisation.

    The product is taken as the exponential of a sum of logarithms; the logarithm is taken once per
    organisation, and the exponential only for firms with a membership (the others get no help).
    """
    f = model.firms
    ms = model.memberships
    if len(ms) == 0:
        return np.zeros(f.n)
    t = model.org_table
    n = t.n
    excellence = t.excellence[:n] * np.where(t.societal[:n], model.p.behaviour.societal_value_factor, 1.0)
    org_help = np.clip(np.where(t.alive[:n], excellence * t.activity[:n], 0.0), 0.0, 1.0)
    with np.errstate(divide="ignore"):
        log_rest = np.log1p(-org_help)
    total = np.bincount(ms.firm, weights=log_rest[ms.org], minlength=f.n)
    help_ = np.zeros(f.n)
    member = np.flatnonzero(ms.member_mask(f.n))
    help_[member] = 1.0 - np.exp(total[member])
    return help_


def run(model: ClusterPolicyModel) -> None:
    """See the module docstring."""
    b = model.p.behaviour
    f = model.firms
    for rows, rate, eu in model.subsidy_expiry.pop(model.t, []):
        target = f.subsidy_eu if eu else f.subsidy_project
        target -= np.bincount(rows, weights=rate, minlength=f.n)
    np.maximum(f.subsidy_project, 0.0, out=f.subsidy_project)
    np.maximum(f.subsidy_eu, 0.0, out=f.subsidy_eu)
    help_ = member_help(model)
    f.knowledge *= 1.0 - b.knowledge_decay / 4.0
    f.knowledge += b.knowledge_gain_membership / 4.0 * help_
    f.own_rd[:] = kernels.rd_own(model)
    eu_money(model, help_)
    rd_m = f.rd(b.subsidy_pass_through) / 1e6
    p_innov = 1.0 - np.exp(-b.innovation_rate * rd_m * (1.0 + f.knowledge))
    new = model.streams["innovation"].random(f.n) < p_innov
    f.innovations += new
    c = model.counters
    c.innovations_sme += int(np.count_nonzero(new & f.is_sme))
    c.innovations_follower += int(np.count_nonzero(new & f.follower))


def eu_money(model: ClusterPolicyModel, help_: np.ndarray) -> None:
    """EU applications, success, and the limited EU amount (see the module docstring)."""
    b = model.p.behaviour
    f = model.firms
    rng = model.streams["eu"]
    u_apply = rng.random(f.n)  # fixed-size draws: the same random numbers with and without the policy
    u_win = rng.random(f.n)
    z = rng.standard_normal(f.n)
    win, strength = eu_winners(
        u_apply, model.eu_apply_quarterly, u_win, help_, b.eu_success_base, b.eu_excellence_uplift
    )
    if len(win) == 0:
        return
    s = b.eu_grant_sigma
    size = np.where(f.is_sme[win], b.eu_grant_sme_factor, 1.0)
    amount = b.eu_grant_mean * np.exp(s * z[win] - s**2 / 2.0) * size
    funded = fund_in_rank_order(strength, amount, model.p.population.eu_budget / 4.0)
    win, amount = win[funded], amount[funded]
    f.eu_grants[win] += amount
    c = model.counters
    c.eu_funding += float(amount.sum())
    members = model.memberships.member_mask(f.n)
    c.eu_funding_members += float(amount[members[win]].sum())
    add_subsidy(model, win, amount, b.project_quarters, eu=True)


@compiled
def eu_winners(
    u_apply: np.ndarray,
    apply_probability: np.ndarray,
    u_win: np.ndarray,
    help_: np.ndarray,
    success_base: float,
    excellence_uplift: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The firms that apply for EU money this quarter and win, and how clearly each won.

    A firm applies when ``u_apply`` is below its quarterly probability of applying, and wins when
    ``u_win`` is below its probability of success, ``success_base`` x (1 + ``excellence_uplift`` x its
    organisations' help), at most 1. The strength of a winning application is 1 - ``u_win`` over that
    probability.
    """
    n = len(u_apply)
    win = np.empty(n, dtype=np.int64)
    strength = np.empty(n)
    k = 0
    for i in range(n):
        p_win = success_base * (1.0 + excellence_uplift * help_[i])
        if p_win > 1.0:
            p_win = 1.0
        if u_apply[i] < apply_probability[i] and u_win[i] < p_win:
            win[k] = i
            strength[k] = 1.0 - u_win[i] / p_win
            k += 1
    return win[:k].copy(), strength[:k].copy()

"""Vectorised functions over the firm population.

Everything here works on whole arrays (one element per firm, or per firm-organisation pair) and has no
Python loop over firms: this is where the model's speed comes from.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from clusterpolicy.model.agents import IBN, LEGACY, SPEARHEAD

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel

KIND_CODE = {SPEARHEAD: 0, IBN: 1, LEGACY: 2}


@dataclass
class OrgView:
    """Per-organisation arrays (index = ``org.index``) that firm decisions read.

    Attributes:
        kind: 0 spearhead, 1 IBN, 2 legacy.
        alive: the organisation exists.
        excellence: excellence as members experience it (halved for societal-purpose structures).
        activity: how fully it runs its services this year, in [0, 1].
        members: number of member firms.
        fee_multiplier: fee increase to cover costs (1 = base fees).
        in_kind: SMEs may pay part of the fee in kind (recognised, supported, policy on).
        privileged: members have privileged access to project money (supported spearhead, policy on).
        domain: the organisation's domain.
    """

    kind: np.ndarray
    alive: np.ndarray
    excellence: np.ndarray
    activity: np.ndarray
    members: np.ndarray
    fee_multiplier: np.ndarray
    in_kind: np.ndarray
    privileged: np.ndarray
    domain: np.ndarray


_DEAD = (0, False, 0.0, 0.0, 1.0, False, False, 0)


def org_view(model: ClusterPolicyModel) -> OrgView:
    """Snapshot of every organisation's state as arrays (one pass over the organisations)."""
    orgs = model.orgs
    n = len(orgs)
    members = np.bincount(model.firms.member_of[model.firms.member_of >= 0], minlength=n)
    in_kind_ok = model.policy_active and model.p.policy.in_kind_share_max > 0
    policy = model.policy_active
    rows = [
        (
            KIND_CODE[o.kind],
            o.alive,
            o.member_excellence,
            o.activity,
            o.fee_multiplier,
            in_kind_ok and o.recognised and o.supported,
            policy and o.kind == SPEARHEAD and o.supported,
            o.domain,
        )
        if o.alive
        else _DEAD
        for o in orgs
    ]
    kind, alive, exc, act, mult, in_kind, priv, dom = zip(*rows, strict=True) if rows else ((),) * 8
    return OrgView(
        kind=np.array(kind, dtype=np.int8),
        alive=np.array(alive, dtype=bool),
        excellence=np.array(exc, dtype=float),
        activity=np.array(act, dtype=float),
        members=members.astype(float),
        fee_multiplier=np.array(mult, dtype=float),
        in_kind=np.array(in_kind, dtype=bool),
        privileged=np.array(priv, dtype=bool),
        domain=np.array(dom, dtype=np.int32),
    )


def base_fee(model: ClusterPolicyModel, is_sme: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Yearly fee before any multiplier: by organisation kind and size class (legacy pays IBN fees)."""
    b = model.p.behaviour
    table = np.array(
        [
            [b.fee_large_spearhead, b.fee_sme_spearhead],
            [b.fee_large_ibn, b.fee_sme_ibn],
            [b.fee_large_ibn, b.fee_sme_ibn],
        ]
    )
    return table[np.asarray(kind, dtype=np.intp), np.asarray(is_sme, dtype=np.intp)]


def fee_split(
    model: ClusterPolicyModel,
    is_sme: np.ndarray,
    kind: np.ndarray,
    fee_multiplier: np.ndarray,
    in_kind_allowed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split a member's yearly fee into cash, staff time, and the in-kind credit it earns.

    SMEs pay the largest allowed share of the fee in kind when the organisation may count in-kind
    contributions; large firms pay cash. A euro of credited co-financing takes ``1 / in_kind_valuation``
    euros of staff time.

    Returns:
        ``(cash, time, credit)`` in EUR/yr: cash paid, staff time given, co-financing credited for it.
    """
    pol = model.p.policy
    fee = base_fee(model, is_sme, kind) * fee_multiplier
    share = np.where(is_sme & in_kind_allowed & (pol.in_kind_valuation > 0), pol.in_kind_share_max, 0.0)
    credit = fee * share
    cash = fee - credit
    time = credit / pol.in_kind_valuation if pol.in_kind_valuation > 0 else np.zeros_like(credit)
    return cash, time, credit


def membership_utility(
    model: ClusterPolicyModel,
    rows: np.ndarray,
    kind: np.ndarray,
    excellence: np.ndarray,
    activity: np.ndarray,
    members: np.ndarray,
    fee_multiplier: np.ndarray,
    in_kind_allowed: np.ndarray,
    privileged: np.ndarray,
) -> np.ndarray:
    """Net yearly benefit (EUR/yr) of membership, per firm-organisation pair.

    Firm ``rows[i]`` is paired with the organisation described by the i-th element of the other
    arrays (which broadcast).

    Benefits: the organisation's services (excellence x activity, scaled by the firm's size), the
    member network (log of members), expected privileged project money (spearhead members only), and
    help to win EU money. Costs: the cash fee (dearer for cash-constrained SMEs), staff time given in
    kind (cheaper for SMEs, who give time more easily than money), and the time membership takes.
    The firm's persistent taste for cooperation is added. Expected privileged money is the privileged
    pot shared over spearhead members in proportion to their R&D (consortia are drawn by R&D size).
    """
    b = model.p.behaviour
    f = model.firms
    sme = f.is_sme[rows]
    scale = np.sqrt(np.clip(f.own_rd[rows] / model.median_rd, 0.25, 64.0))
    services = b.service_value * excellence * activity * scale
    network = b.network_value * np.log1p(members) / np.log1p(100.0)
    projects = b.project_access_weight * model.privileged_per_rd * f.own_rd[rows] * privileged
    eu = b.eu_value * excellence * activity * np.where(sme, 0.5, 1.0)
    cash, time, _ = fee_split(model, sme, kind, fee_multiplier, in_kind_allowed)
    cost = np.where(sme, b.sme_money_cost, 1.0) * cash + np.where(sme, b.sme_time_cost, 1.0) * time
    return services + network + projects + eu - cost - b.time_cost + f.taste[rows]


def domain_table(view: OrgView, n_domains: int) -> np.ndarray:
    """``(n_domains, K)`` table of the alive organisations in each domain (padded with -1)."""
    alive = np.flatnonzero(view.alive)
    if len(alive) == 0:
        return np.full((n_domains, 1), -1, dtype=np.int64)
    dom = view.domain[alive]
    order = np.argsort(dom, kind="stable")
    alive, dom = alive[order], dom[order]
    counts = np.bincount(dom, minlength=n_domains)
    k = max(1, int(counts.max()))
    table = np.full((n_domains, k), -1, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    pos = np.arange(len(alive)) - starts[dom]
    table[dom, pos] = alive
    return table


def rd_own(model: ClusterPolicyModel) -> np.ndarray:
    """Own R&D (EUR/yr): start level x trend growth x (1 + knowledge effect)."""
    b = model.p.behaviour
    f = model.firms
    trend = (1.0 + b.rd_trend_growth) ** (model.t / 4.0)
    return f.base_rd * trend * (1.0 + b.knowledge_rd_effect * f.knowledge)


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, towards 1 = concentrated)."""
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    cum = np.cumsum(x)
    return float((n + 1 - 2 * (cum.sum() / total)) / n)


@functools.cache
def _triu(k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(k, k=1)


def pair_codes(nodes: np.ndarray, n_nodes: int) -> np.ndarray:
    """Codes of all unordered pairs among distinct ``nodes`` (each pair once, ``lo * n_nodes + hi``)."""
    nodes = np.sort(np.asarray(nodes, dtype=np.int64))
    if len(nodes) < 2:
        return np.empty(0, dtype=np.int64)
    i, j = _triu(len(nodes))
    return nodes[i] * n_nodes + nodes[j]

"""Phase 3, membership: firms join and leave cluster organisations; a firm may be a member of several.

Each quarter a share ``review_rate`` of firms (and every firm whose organisation ended) reviews its
memberships. A reviewing firm values every alive organisation of its main domain and of its second
domain (at ``second_domain_relevance``) by the net yearly benefit of one more or one fewer membership
(:func:`clusterpolicy.model.kernels.membership_utility`): each further membership is worth
``membership_overlap`` times the one before (diminishing returns), and every membership's dues come out
of the same free cash. It leaves its worst membership if that one's benefit is below ``leave_threshold``
(after ``min_stay_quarters``), and joins the best organisation it is not a member of if the benefit
exceeds ``join_threshold`` and its cash, less the dues it still owes, covers the first (pro rata) dues.
Firms update synchronously, from one snapshot of the organisations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from clusterpolicy.model import kernels
from clusterpolicy.model.agents import ClusterOrganisation
from clusterpolicy.model.memberships import ORG_BITS
from clusterpolicy.model.phases import projects

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel


def in_kind_allowed(model: ClusterPolicyModel, org: ClusterOrganisation) -> bool:
    """SMEs may pay part of this organisation's fee in kind (recognised, supported, policy in force)."""
    return bool(
        model.policy_active and model.p.policy.in_kind_share_max > 0 and org.recognised and org.supported
    )


def join(
    model: ClusterPolicyModel, rows: np.ndarray, org: ClusterOrganisation | np.ndarray, fresh: bool = False
) -> None:
    """Make firms ``rows`` members of ``org`` (or of ``org[i]``, an array of organisation indices).

    Pairs that are memberships already are left as they are. The fee is the organisation's current
    unit fee times the member's weight, split into cash and in-kind by the organisation's rules; the
    cash dues for the rest of the organisation's project year are pro rata. ``fresh``: the caller
    knows that no pair is a membership already and no pair is asked twice (the membership review).
    """
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) == 0:
        return
    targets = np.full(len(rows), org.index) if isinstance(org, ClusterOrganisation) else np.asarray(org)
    ms = model.memberships
    if not fresh:
        new = ~ms.contains(rows, targets)
        rows, targets = rows[new], targets[new]
        # one membership per pair even if a pair is asked twice
        _, first = np.unique((rows << ORG_BITS) | targets, return_index=True)
        first.sort()
        rows, targets = rows[first], targets[first]
    if len(rows) == 0:
        return
    t = model.org_table
    kind = t.kind[targets]
    unit = t.unit_fee[targets]
    allowed = in_kind_table(model)[targets]
    anchor = t.anchor[targets]
    cash, time, credit = kernels.fee_split(model, model.firms.is_sme[rows], kind, unit, allowed)
    dues = cash * (4 - (model.t - anchor) % 4) / 4.0
    ms.add(rows, targets, model.t, cash, credit, time, dues)
    t.niche[targets, rows] = True


def in_kind_table(model: ClusterPolicyModel) -> np.ndarray:
    """:func:`in_kind_allowed` of every organisation (index = ``org.index``)."""
    t = model.org_table
    ok = model.policy_active and model.p.policy.in_kind_share_max > 0
    return t.recognised[: t.n] & t.supported[: t.n] & ok


def run(model: ClusterPolicyModel) -> None:
    """Firms review their memberships (see the module docstring)."""
    b = model.p.behaviour
    f = model.firms
    rng = model.streams["membership"]
    # who reviews, and their noise, do not depend on the policy (common random numbers)
    reviews = rng.random(f.n) < b.review_rate
    noise_all = rng.standard_normal(f.n) * b.decision_noise
    reviews |= f.must_review
    f.must_review[:] = False
    if not model.orgs:
        return
    rows = np.flatnonzero(reviews)
    if len(rows) == 0:
        return
    view = kernels.org_view(model)
    update_privileged_per_rd(model, view)
    # the organisations of each domain change only when organisations form or end
    key = (view.alive.tobytes(), view.domain.tobytes())
    if model.domain_orgs[0] != key:
        model.domain_orgs = (key, kernels.domain_table(view, model.p.population.n_domains))
    table = model.domain_orgs[1]
    main = table[f.domain[rows]]
    second = np.where(f.domain2[rows, None] >= 0, table[np.maximum(f.domain2[rows], 0)], -1)
    cand = np.concatenate((main, second), axis=1)
    # the utility only of the pairs a firm can choose between (flat), then back into the matrix:
    # organisations of its domains whose niche it is in
    pi, pj = np.nonzero(cand >= 0)
    pf, po = rows[pi], cand[pi, pj]
    serves = model.org_table.niche[po, pf]
    pi, pj, pf, po = pi[serves], pj[serves], pf[serves], po[serves]
    if len(pi) == 0:
        return
    # only the reviewing firms with a pair can leave or join: go on with those (pi is sorted)
    first = np.concatenate(([True], pi[1:] != pi[:-1]))
    live = pi[first]
    pi = np.cumsum(first) - 1
    rows, cand = rows[live], cand[live]
    m, k = cand.shape
    noise = noise_all[rows]
    relevance = np.where(pj < main.shape[1], 1.0, b.second_domain_relevance)
    ms = model.memberships
    idx = ms.index_of(pf, po)
    is_member = idx >= 0
    count = ms.per_firm(f.n)[pf]
    u_flat = kernels.membership_utility(
        model,
        pf,
        kind=view.kind[po],
        excellence=view.excellence[po],
        activity=view.activity[po],
        members=view.members[po],
        unit_fee=view.unit_fee[po],
        in_kind_allowed=view.in_kind[po],
        privileged=view.privileged[po],
        others=count - is_member,  # other memberships besides this one
        relevance=relevance,
    )
    u_flat += noise[pi]
    # the worst current membership that may be left
    since = ms.since[np.maximum(idx, 0)] if len(ms) else np.full(len(idx), model.t)
    may_leave = is_member & (model.t - since >= b.min_stay_quarters)
    u_leave = np.full((m, k), np.inf)
    u_leave[pi[may_leave], pj[may_leave]] = u_flat[may_leave]
    worst = np.argmin(u_leave, axis=1)
    worst_u = u_leave[np.arange(m), worst]
    leave = worst_u < b.leave_threshold
    idx_mat = np.full((m, k), -1, dtype=np.int64)
    idx_mat[pi, pj] = idx
    # the best organisation to join
    u_join = np.full((m, k), -np.inf)
    u_join[pi[~is_member], pj[~is_member]] = u_flat[~is_member]
    best = np.argmax(u_join, axis=1)
    best_u = u_join[np.arange(m), best]
    best_org = np.where(np.isfinite(best_u), cand[np.arange(m), best], -1)
    safe = np.maximum(best_org, 0)
    cash, _, _ = kernels.fee_split(
        model, f.is_sme[rows], view.kind[safe], view.unit_fee[safe], view.in_kind[safe]
    )
    anchors = model.org_table.anchor
    first_dues = cash * (4 - (model.t - anchors[safe]) % 4) / 4.0
    owed = np.bincount(ms.firm, weights=ms.dues, minlength=f.n)[rows]
    joins = (best_org >= 0) & (best_u > b.join_threshold) & (f.cash[rows] - owed >= first_dues)
    # synchronous: both changes are decided on the same snapshot
    if leave.any():
        drop = idx_mat[np.flatnonzero(leave), worst[leave]]
        mask = np.zeros(len(ms), dtype=bool)
        mask[drop] = True
        ms.remove(mask)
    # a reviewing firm joins at most one organisation, of which it is not a member
    join(model, rows[joins], best_org[joins], fresh=True)


def update_privileged_per_rd(model: ClusterPolicyModel, view: kernels.OrgView) -> None:
    """Privileged pot per euro of spearhead members' own R&D, as firms expect to share it.

    Over all memberships of organisations with privileged access; before those have members, firms
    expect a share as if ``privileged_expectation_floor`` of business R&D were in.
    """
    b, pol = model.p.behaviour, model.p.policy
    if not model.policy_active:
        model.privileged_per_rd = 0.0
        return
    f = model.firms
    ms = model.memberships
    in_priv = view.privileged[ms.org] if len(ms) else np.zeros(0, dtype=bool)
    member_rd = float(f.own_rd[ms.firm[in_priv]].sum())
    pot = pol.privileged_share * projects.envelope(model)
    model.privileged_per_rd = pot / max(
        member_rd, b.privileged_expectation_floor * float(f.own_rd.sum()), 1.0
    )

"""Phase 3, membership: firms join and leave cluster organisations; a firm may be a member of several.

Each quarter a share ``review_rate`` of firms (and every firm whose organisation ended) reviews its
memberships. A reviewing firm values every alive organisation of its main domain and of its second
domain (at ``second_domain_relevance``) by the net yearly benefit of one more or one fewer membership
(:func:`clusterpolicy.model.kernels.pair_utility`): each further membership is worth
``membership_overlap`` times the one before (diminishing returns), and every membership's dues come out
of the same free cash. It leaves its worst membership if that one's benefit is below ``leave_threshold``
(after ``min_stay_quarters``), and joins the best organisation it is not a member of if the benefit
exceeds ``join_threshold`` and its cash, less the dues it still owes, covers the first (pro rata) dues.
Firms update synchronously, from one snapshot of the organisations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from clusterpolicy.model import kernels
from clusterpolicy.model.agents import ClusterOrganisation
from clusterpolicy.model.compiled import compiled
from clusterpolicy.model.phases import projects

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel


def join(model: ClusterPolicyModel, rows: np.ndarray, org: ClusterOrganisation | np.ndarray) -> None:
    """Make firms ``rows`` members of ``org`` (or of ``org[i]``, an array of organisation indices).

    Pairs that are memberships already are left as they are. The fee is the organisation's current
    unit fee times the member's weight, split into cash and in-kind by the organisation's rules; the
    cash dues for the rest of the organisation's project year are pro rata.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) == 0:
        return
    if isinstance(org, ClusterOrganisation):
        targets = np.full(len(rows), org.index, dtype=np.int64)
    else:
        targets = np.asarray(org, dtype=np.int64)
    # one membership per pair even if a pair is asked twice
    rows, targets = model.memberships.new_pairs(rows, targets)
    if len(rows) == 0:
        return
    t = model.org_table
    kind = t.kind[targets]
    unit = t.unit_fee[targets]
    allowed = in_kind_table(model)[targets]
    anchor = t.anchor[targets]
    cash, time, credit = kernels.fee_split(model, model.firms.is_sme[rows], kind, unit, allowed)
    add_members(model, rows, targets, cash, time, credit, first_dues(cash, model.t, anchor))


@compiled
def first_dues(cash: Any, t: int, anchor: Any) -> Any:
    """A new member's first cash dues: its yearly cash fee pro rata for what is left of the year.

    The organisation's project year starts in the quarters ``anchor`` + 4k; the quarters left include
    this one. For one membership or for arrays of them.
    """
    return cash * (4 - (t - anchor) % 4) / 4.0


def add_members(
    model: ClusterPolicyModel,
    rows: np.ndarray,
    targets: np.ndarray,
    cash: np.ndarray,
    time: np.ndarray,
    credit: np.ndarray,
    dues: np.ndarray,
) -> None:
    """Record new memberships (none of the pairs exists already) and their yearly fee and first dues."""
    if len(rows) == 0:
        return
    model.memberships.add(rows, targets, model.t, cash, credit, time, dues)
    model.org_table.niche[targets, rows] = True


def in_kind_table(model: ClusterPolicyModel) -> np.ndarray:
    """Whether SMEs may pay part of each organisation's fee in kind (index = ``org.index``).

    Where it is recognised and supported and in-kind fees count (:func:`kernels.in_kind_counts`);
    :func:`kernels.in_kind_of` for one organisation.
    """
    t = model.org_table
    return t.recognised[: t.n] & t.supported[: t.n] & kernels.in_kind_counts(model)


def run(model: ClusterPolicyModel) -> None:
    """Firms review their memberships (see the module docstring)."""
    b = model.p.behaviour
    f = model.firms
    rng = model.streams["membership"]
    # who reviews, and their noise, do not depend on the policy (common random numbers)
    reviews = rng.random(f.n) < b.review_rate
    noise = rng.standard_normal(f.n)
    reviews |= f.must_review
    f.must_review[:] = False
    if not model.orgs or not reviews.any():
        return
    view = kernels.org_view(model)
    update_privileged_per_rd(model, view)
    # the organisations of each domain change only when organisations form or end
    key = (view.alive.tobytes(), view.domain.tobytes())
    if model.domain_orgs[0] != key:
        model.domain_orgs = (key, kernels.domain_table(view, model.p.population.n_domains))
    table = model.domain_orgs[1]
    ms = model.memberships
    count = ms.per_firm(f.n)
    # the logarithms and powers of the utility, by NumPy (see clusterpolicy.model.compiled)
    network = kernels.network_value(model, view.members)
    decay = b.membership_overlap ** np.arange(int(count.max(initial=0)) + 1, dtype=float)
    drop, n_drop, joins = review_choices(
        reviews,
        table,
        f.domain,
        f.domain2,
        model.org_table.niche,
        ms.slot,
        ms.since,
        count,
        ms.firm,
        ms.dues,
        model.t,
        b.min_stay_quarters,
        b.leave_threshold,
        b.join_threshold,
        b.second_domain_relevance,
        view.kind == kernels.KIND_CODE[kernels.SPEARHEAD],
        view.excellence,
        view.activity,
        network,
        view.unit_fee,
        view.in_kind,
        view.privileged,
        model.org_table.anchor,
        f.is_sme,
        f.own_rd,
        f.taste,
        f.cash,
        noise,
        b.decision_noise,
        decay,
        kernels.utility_rules(model),
    )
    # synchronous: both changes are decided on the same snapshot
    if n_drop:
        ms.remove(drop)
    # a reviewing firm joins at most one organisation, of which it is not a member
    add_members(model, *joins)


@compiled
def review_choices(
    reviews: np.ndarray,
    table: np.ndarray,
    domain: np.ndarray,
    domain2: np.ndarray,
    niche: np.ndarray,
    slot: np.ndarray,
    since: np.ndarray,
    count: np.ndarray,
    member_firm: np.ndarray,
    member_dues: np.ndarray,
    t: int,
    min_stay: int,
    leave_threshold: float,
    join_threshold: float,
    second_relevance: float,
    spearhead: np.ndarray,
    excellence: np.ndarray,
    activity: np.ndarray,
    network: np.ndarray,
    unit_fee: np.ndarray,
    in_kind: np.ndarray,
    privileged: np.ndarray,
    anchor: np.ndarray,
    is_sme: np.ndarray,
    own_rd: np.ndarray,
    taste: np.ndarray,
    cash: np.ndarray,
    noise: np.ndarray,
    noise_scale: float,
    decay: np.ndarray,
    rules: kernels.UtilityRules,
) -> tuple[np.ndarray, int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Each reviewing firm's choice: the membership it leaves and the organisation it joins.

    Every reviewing firm (``reviews``), in the order of the firms, values every organisation of its
    main domain (``table[domain]``), then of its second (at ``second_relevance``), that serves it
    (``niche``), by :func:`clusterpolicy.model.kernels.pair_utility` plus its decision noise
    (``noise`` times ``noise_scale``); ``network`` (per organisation) and ``decay``
    (``membership_overlap`` to the power 0, 1, 2, ...) are that utility's logarithm and powers,
    computed before. Its worst membership held ``min_stay`` quarters or more is
    left if its utility is below ``leave_threshold``. It joins the best organisation it is not a member
    of if that one's utility exceeds ``join_threshold`` and its cash, less the dues it still owes on its
    memberships (``member_firm``, ``member_dues``), covers the first dues: the cash part of the fee
    (:func:`clusterpolicy.model.kernels.fee_of`) for the rest of that organisation's project year
    (:func:`first_dues`). Ties go to the first organisation in the table's order.

    Returns:
        ``(drop, n_drop, joins)``: ``drop`` marks the membership rows to remove (``n_drop`` of them);
        ``joins`` = ``(firms, orgs, cash, time, credit, dues)`` of the new memberships, in the order of
        the firms: the yearly fee split as by :func:`clusterpolicy.model.kernels.fee_of`, and the first
        dues.
    """
    m = len(reviews)
    drop = np.zeros(len(member_firm), dtype=np.bool_)
    n_drop = 0
    new_firm = np.empty(m, dtype=np.int64)
    new_org = np.empty(m, dtype=np.int64)
    new_cash, new_time, new_credit, new_dues = np.empty(m), np.empty(m), np.empty(m), np.empty(m)
    n_new = 0
    owed = np.zeros(len(cash))
    for j in range(len(member_firm)):
        owed[member_firm[j]] += member_dues[j]
    n_main = table.shape[1]
    n_slot_orgs, n_slot_firms = slot.shape
    # the reviewing firms in their order, listed without a test per firm (one that the review draw makes
    # unpredictable, which costs more than the listing)
    reviewing = np.empty(m, dtype=np.int64)
    n_reviewing = 0
    for firm in range(m):
        reviewing[n_reviewing] = firm
        n_reviewing += reviews[firm]
    # a firm's organisations that serve it, in the table's order, and their relevance to it
    serving = np.empty(2 * n_main, dtype=np.int64)
    relevance = np.empty(2 * n_main)
    for firm in reviewing[:n_reviewing]:
        # listed without a branch on whether one serves the firm (as good as random)
        n_serving = 0
        for col in range(2 * n_main):
            if col < n_main:
                org = table[domain[firm], col]
                relevance[n_serving] = 1.0
            elif domain2[firm] < 0:
                break
            else:
                org = table[domain2[firm], col - n_main]
                relevance[n_serving] = second_relevance
            serving[n_serving] = org
            n_serving += org >= 0 and niche[org, firm]
        worst_u = np.inf
        worst = -1
        join_u = -np.inf
        join_org = -1
        for k in range(n_serving):
            org = serving[k]
            idx = -1
            if org < n_slot_orgs and firm < n_slot_firms:
                idx = slot[org, firm]
            member = idx >= 0
            others = count[firm] - 1 if member else count[firm]
            u = kernels.pair_utility(
                is_sme[firm],
                own_rd[firm],
                taste[firm],
                spearhead[org],
                excellence[org],
                activity[org],
                network[org],
                unit_fee[org],
                in_kind[org],
                privileged[org],
                decay[others],
                relevance[k],
                rules,
            )
            u += noise[firm] * noise_scale
            if member:
                if t - since[idx] >= min_stay and u < worst_u:
                    worst_u = u
                    worst = idx
            elif u > join_u:
                join_u = u
                join_org = org
        if worst >= 0 and worst_u < leave_threshold:
            drop[worst] = True
            n_drop += 1
        if join_org >= 0 and np.isfinite(join_u) and join_u > join_threshold:
            fee_cash, fee_time, fee_credit = kernels.fee_of(
                is_sme[firm], spearhead[join_org], unit_fee[join_org], in_kind[join_org], rules.fees
            )
            dues = first_dues(fee_cash, t, anchor[join_org])
            if cash[firm] - owed[firm] >= dues:
                new_firm[n_new], new_org[n_new] = firm, join_org
                new_cash[n_new], new_time[n_new], new_credit[n_new] = fee_cash, fee_time, fee_credit
                new_dues[n_new] = dues
                n_new += 1
    k = n_new
    joins = (new_firm[:k], new_org[:k], new_cash[:k], new_time[:k], new_credit[:k], new_dues[:k])
    return drop, n_drop, joins


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
    member_rd = privileged_member_rd(f.own_rd, ms.firm, ms.org, view.privileged)
    pot = pol.privileged_share * projects.envelope(model)
    model.privileged_per_rd = pot / max(
        member_rd, b.privileged_expectation_floor * float(f.own_rd.sum()), 1.0
    )


@compiled
def privileged_member_rd(
    own_rd: np.ndarray, member_firm: np.ndarray, member_org: np.ndarray, privileged: np.ndarray
) -> float:
    """The members' own R&D summed over the memberships of organisations with privileged access.

    A firm counts once per such membership. Added as ``numpy.sum`` adds
    (:func:`clusterpolicy.model.kernels.pairwise_sum`).
    """
    values = np.empty(len(member_firm))
    k = 0
    for j in range(len(member_firm)):
        if privileged[member_org[j]]:
            values[k] = own_rd[member_firm[j]]
            k += 1
    return kernels.pairwise_sum(values[:k])

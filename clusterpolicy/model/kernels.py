"""Functions over the firm population: whole arrays, or compiled loops over firms and pairs.

Everything here works on whole arrays (one element per firm, or per firm-organisation pair) and has no
Python loop over firms. The formulas of one membership (:func:`fee_of`, :func:`pair_utility`) are
written once, for one firm-organisation pair, and compiled (:mod:`clusterpolicy.model.compiled`): the
loops of the membership review and of the recognition calls and the array versions (:func:`fee_split`,
:func:`membership_utility`) all use them. The consortium draws (:func:`successive_sample`) are compiled
loops too, and :func:`pairwise_sum` adds as NumPy adds, for compiled code that must give NumPy's sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from clusterpolicy.model.agents import KIND_CODE, SPEARHEAD
from clusterpolicy.model.compiled import compiled
from clusterpolicy.model.params import Params, quarter_index

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel


@dataclass
class OrgView:
    """Per-organisation arrays (index = ``org.index``) that firm decisions read.

    Attributes:
        kind: 0 spearhead, 1 IBN, 2 legacy.
        alive: the organisation exists.
        excellence: excellence as members experience it.
        activity: how fully it runs its services this year, in [0, 1].
        members: number of member firms.
        unit_fee: this year's fee of an SME member (a large member pays the kind's fee ratio times it).
        in_kind: SMEs may pay part of the fee in kind (recognised, supported, policy on).
        privileged: members have privileged access to project money (supported spearhead past its pact).
        domain: the organisation's domain.
    """

    kind: np.ndarray
    alive: np.ndarray
    excellence: np.ndarray
    activity: np.ndarray
    members: np.ndarray
    unit_fee: np.ndarray
    in_kind: np.ndarray
    privileged: np.ndarray
    domain: np.ndarray


def org_view(model: ClusterPolicyModel) -> OrgView:
    """Snapshot of every organisation's state as arrays (read off ``model.org_table``; dead ones zero)."""
    t = model.org_table
    kind, alive, excellence, activity, members, unit_fee, in_kind, domain = org_arrays(
        t.n,
        t.kind,
        t.alive,
        t.domain,
        t.excellence,
        t.societal,
        t.activity,
        t.unit_fee,
        t.recognised,
        t.supported,
        model.memberships.org,
        model.p.behaviour.societal_value_factor,
        in_kind_counts(model),
    )
    return OrgView(
        kind=kind,
        alive=alive,
        excellence=excellence,
        activity=activity,
        members=members,
        unit_fee=unit_fee,
        in_kind=in_kind,
        privileged=t.privileged(model),
        domain=domain,
    )


@compiled
def org_arrays(
    n: int,
    kind: np.ndarray,
    alive: np.ndarray,
    domain: np.ndarray,
    excellence: np.ndarray,
    societal: np.ndarray,
    activity: np.ndarray,
    unit_fee: np.ndarray,
    recognised: np.ndarray,
    supported: np.ndarray,
    member_org: np.ndarray,
    societal_factor: float,
    in_kind_ok: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The arrays of :class:`OrgView` but ``privileged``, for the first ``n`` organisations' columns.

    Dead organisations get zeros (kind 0, domain 0, false). Excellence is as members experience it:
    times ``societal_factor`` for a societal organisation. ``members`` counts the memberships of each
    organisation (``member_org``: one entry per membership). In kind is allowed where the organisation
    is recognised and supported and ``in_kind_ok`` (:func:`in_kind_of`).
    """
    out_kind = np.zeros(n, dtype=np.int8)
    out_alive = np.zeros(n, dtype=np.bool_)
    out_excellence = np.zeros(n)
    out_activity = np.zeros(n)
    members = np.zeros(n)
    out_fee = np.zeros(n)
    out_in_kind = np.zeros(n, dtype=np.bool_)
    out_domain = np.zeros(n, dtype=np.int32)
    for j in range(len(member_org)):
        members[member_org[j]] += 1.0
    for j in range(n):
        if not alive[j]:
            continue
        out_alive[j] = True
        out_kind[j] = kind[j]
        out_domain[j] = domain[j]
        out_excellence[j] = excellence[j] * (societal_factor if societal[j] else 1.0)
        out_activity[j] = activity[j]
        out_fee[j] = unit_fee[j]
        out_in_kind[j] = in_kind_of(recognised[j], supported[j], in_kind_ok)
    return (out_kind, out_alive, out_excellence, out_activity, members, out_fee, out_in_kind, out_domain)


def in_kind_counts(model: ClusterPolicyModel) -> bool:
    """In-kind fees may count as co-financing now: the policy is in force and allows an in-kind share."""
    return bool(model.policy_active and model.p.policy.in_kind_share_max > 0)


@compiled
def in_kind_of(recognised: bool, supported: bool, counts: bool) -> bool:
    """SMEs may pay part of an organisation's fee in kind: recognised, supported, in kind counts.

    ``counts``: in-kind fees count as co-financing now (:func:`in_kind_counts`).
    """
    return recognised and supported and counts


class FeeRules(NamedTuple):
    """What a member's fee depends on besides its organisation (see :func:`fee_of`).

    Attributes:
        ratio_spearhead: a large firm's fee as a multiple of an SME's, in a spearhead cluster.
        ratio_other: the same in an IBN or a legacy structure.
        share_max: the largest share of the fee an SME may pay in kind.
        valuation: euros of co-financing credited per euro of staff time given (0: none).
    """

    ratio_spearhead: float
    ratio_other: float
    share_max: float
    valuation: float


def fee_rules(model: ClusterPolicyModel) -> FeeRules:
    """The fee rules of ``model``'s parameters."""
    b, pol = model.p.behaviour, model.p.policy
    return FeeRules(
        b.fee_ratio_large_spearhead, b.fee_ratio_large_ibn, pol.in_kind_share_max, pol.in_kind_valuation
    )


@compiled
def fee_weight_of(sme: bool, spearhead: bool, rules: FeeRules) -> float:
    """A member's weight in its organisation's fee schedule: 1 for an SME, the kind's ratio for a large firm.

    Spearhead organisations use ``fee_ratio_large_spearhead``; IBNs and legacy structures
    ``fee_ratio_large_ibn``.
    """
    if sme:
        return 1.0
    return rules.ratio_spearhead if spearhead else rules.ratio_other


@compiled
def fee_of(
    sme: bool, spearhead: bool, unit_fee: float, in_kind: bool, rules: FeeRules
) -> tuple[float, float, float]:
    """Split a member's yearly fee into cash, staff time, and the in-kind credit it earns.

    The fee is the organisation's unit fee times the member's weight (:func:`fee_weight_of`). SMEs pay
    the largest allowed share of it in kind when the organisation may count in-kind contributions
    (``in_kind``); large firms pay cash. A euro of credited co-financing takes ``1 / in_kind_valuation``
    euros of staff time. Since every SME pays the same share in kind, in-kind credit is never more than
    ``in_kind_share_max`` of an organisation's co-financing.

    Returns:
        ``(cash, time, credit)`` in EUR/yr: cash paid, staff time given, co-financing credited for it.
    """
    fee = fee_weight_of(sme, spearhead, rules) * unit_fee
    share = rules.share_max if (sme and in_kind and rules.valuation > 0) else 0.0
    credit = fee * share
    cash = fee - credit
    staff = credit / rules.valuation if rules.valuation > 0 else 0.0
    return cash, staff, credit


@compiled
def fee_splits(
    is_sme: np.ndarray, spearhead: np.ndarray, unit_fee: np.ndarray, in_kind: np.ndarray, rules: FeeRules
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`fee_of` of every member (arrays of one length): ``(cash, time, credit)``."""
    n = len(is_sme)
    cash, staff, credit = np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        cash[i], staff[i], credit[i] = fee_of(is_sme[i], spearhead[i], unit_fee[i], in_kind[i], rules)
    return cash, staff, credit


def fee_split(
    model: ClusterPolicyModel,
    is_sme: np.ndarray,
    kind: np.ndarray | int,
    unit_fee: np.ndarray | float,
    in_kind_allowed: np.ndarray | bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`fee_of` of each member (``kind``: the organisation's kind code; arguments broadcast).

    Returns:
        ``(cash, time, credit)`` in EUR/yr: cash paid, staff time given, co-financing credited for it.
    """
    sme, spear, unit, allowed = _flat(
        np.asarray(is_sme, dtype=bool),
        np.asarray(kind) == KIND_CODE[SPEARHEAD],
        np.asarray(unit_fee, dtype=float),
        np.asarray(in_kind_allowed, dtype=bool),
    )
    return fee_splits(sme, spear, unit, allowed, fee_rules(model))


def _flat(*arrays: np.ndarray) -> list[np.ndarray]:
    """The arrays broadcast to one shape, each contiguous and one-dimensional."""
    if all(a.ndim == 1 for a in arrays) and len({len(a) for a in arrays}) == 1:
        return [np.ascontiguousarray(a) for a in arrays]
    return [np.array(a).ravel() for a in np.broadcast_arrays(*arrays)]  # copies: writeable, contiguous


class UtilityRules(NamedTuple):
    """What the value of a membership depends on besides the firm and the organisation.

    See :func:`pair_utility`; the names are those of the behaviour parameters, and ``project_value`` is
    ``project_access_weight`` times the privileged pot expected per euro of own R&D.
    """

    service_value: float
    service_scale_min: float
    service_scale_max: float
    median_rd: float
    project_value: float
    eu_value: float
    eu_value_sme_factor: float
    sme_money_cost: float
    sme_time_cost: float
    time_cost: float
    fees: FeeRules


def utility_rules(model: ClusterPolicyModel) -> UtilityRules:
    """The utility rules of ``model`` now (the expected privileged money changes every quarter)."""
    b = model.p.behaviour
    return UtilityRules(
        b.service_value,
        b.service_scale_min,
        b.service_scale_max,
        model.median_rd,
        b.project_access_weight * model.privileged_per_rd,
        b.eu_value,
        b.eu_value_sme_factor,
        b.sme_money_cost,
        b.sme_time_cost,
        b.time_cost,
        fee_rules(model),
    )


def network_value(model: ClusterPolicyModel, members: np.ndarray | float) -> np.ndarray:
    """The member network's part of a membership's value: ``network_value`` x log(1 + members) / log(101)."""
    return model.p.behaviour.network_value * np.log1p(members) / np.log1p(100.0)


@compiled
def pair_utility(
    sme: bool,
    own_rd: float,
    taste: float,
    spearhead: bool,
    excellence: float,
    activity: float,
    network: float,
    unit_fee: float,
    in_kind: bool,
    privileged: bool,
    decay: float,
    relevance: float,
    r: UtilityRules,
) -> float:
    """Net yearly benefit (EUR/yr) of one membership of one firm in one organisation.

    Benefits: the organisation's services (excellence x activity, scaled by the square root of the
    firm's R&D relative to the median, within ``service_scale_min/max``), the member network
    (``network``: :func:`network_value`), expected privileged project money (spearhead members only),
    and help to win EU money; times ``relevance`` (1 in the firm's main domain,
    ``second_domain_relevance`` in its second) and times ``decay``, ``membership_overlap`` to the power
    of the number of other memberships the firm holds (each further membership adds less). Costs: the
    cash fee (dearer for cash-constrained SMEs), staff time given in kind (cheaper for SMEs, who give
    time more easily than money), and the time membership takes. The firm's persistent taste for
    cooperation is added. Expected privileged money is the privileged pot shared over spearhead
    memberships in proportion to the members' R&D (consortia are drawn by R&D size).
    """
    scale = min(max(math.sqrt(own_rd / r.median_rd), r.service_scale_min), r.service_scale_max)
    services = r.service_value * excellence * activity * scale
    projects = r.project_value * own_rd * privileged
    eu = r.eu_value * excellence * activity * (r.eu_value_sme_factor if sme else 1.0)
    benefit = (services + network + projects + eu) * relevance * decay
    cash, staff, _ = fee_of(sme, spearhead, unit_fee, in_kind, r.fees)
    cost = (r.sme_money_cost if sme else 1.0) * cash + (r.sme_time_cost if sme else 1.0) * staff
    return benefit - cost - r.time_cost + taste


@compiled
def pair_utilities(
    is_sme: np.ndarray,
    own_rd: np.ndarray,
    taste: np.ndarray,
    spearhead: np.ndarray,
    excellence: np.ndarray,
    activity: np.ndarray,
    network: np.ndarray,
    unit_fee: np.ndarray,
    in_kind: np.ndarray,
    privileged: np.ndarray,
    decay: np.ndarray,
    relevance: np.ndarray,
    r: UtilityRules,
) -> np.ndarray:
    """:func:`pair_utility` of every pair (arrays of one length, one element per pair)."""
    out = np.empty(len(is_sme))
    for i in range(len(is_sme)):
        out[i] = pair_utility(
            is_sme[i],
            own_rd[i],
            taste[i],
            spearhead[i],
            excellence[i],
            activity[i],
            network[i],
            unit_fee[i],
            in_kind[i],
            privileged[i],
            decay[i],
            relevance[i],
            r,
        )
    return out


@compiled
def org_utilities(
    rows: np.ndarray,
    is_sme: np.ndarray,
    own_rd: np.ndarray,
    taste: np.ndarray,
    spearhead: bool,
    excellence: float,
    activity: float,
    network: float,
    unit_fee: float,
    in_kind: bool,
    privileged: bool,
    decay: np.ndarray,
    relevance: np.ndarray,
    r: UtilityRules,
) -> np.ndarray:
    """:func:`pair_utility` of firms ``rows`` (arrays per firm) and one organisation (the scalars)."""
    out = np.empty(len(rows))
    for i in range(len(rows)):
        firm = rows[i]
        out[i] = pair_utility(
            is_sme[firm],
            own_rd[firm],
            taste[firm],
            spearhead,
            excellence,
            activity,
            network,
            unit_fee,
            in_kind,
            privileged,
            decay[i],
            relevance[i],
            r,
        )
    return out


def membership_utility(
    model: ClusterPolicyModel,
    rows: np.ndarray,
    kind: np.ndarray,
    excellence: np.ndarray | float,
    activity: np.ndarray | float,
    members: np.ndarray | float,
    unit_fee: np.ndarray | float,
    in_kind_allowed: np.ndarray,
    privileged: np.ndarray,
    others: np.ndarray | int = 0,
    relevance: np.ndarray | float = 1.0,
) -> np.ndarray:
    """:func:`pair_utility` of each firm-organisation pair.

    Firm ``rows[i]`` is paired with the organisation described by the i-th element of the other arrays
    (which broadcast); ``others`` is the number of the firm's memberships besides this one.
    """
    f = model.firms
    b = model.p.behaviour
    decay = b.membership_overlap ** np.asarray(others, dtype=float)
    args = _flat(
        f.is_sme[rows],
        f.own_rd[rows],
        f.taste[rows],
        np.asarray(kind) == KIND_CODE[SPEARHEAD],
        np.asarray(excellence, dtype=float),
        np.asarray(activity, dtype=float),
        np.asarray(network_value(model, members), dtype=float),
        np.asarray(unit_fee, dtype=float),
        np.asarray(in_kind_allowed, dtype=bool),
        np.asarray(privileged, dtype=bool),
        decay,
        np.asarray(relevance, dtype=float),
    )
    sme, rd, taste, spear, exc, act, network, unit, in_kind, priv, dec, rel = args
    return pair_utilities(
        sme, rd, taste, spear, exc, act, network, unit, in_kind, priv, dec, rel, utility_rules(model)
    )


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


def rd_trend(p: Params, quarter: int) -> float:
    """Own R&D relative to the start, ``quarter`` quarters after ``simulation.start``, without the policy.

    The path of R&D intensity without the modelled policy is data up to the last observed year
    (``population.rd_intensity_observed``, linearly interpolated; before the first year, extended
    with the slope of the first two points) and ``rd_intensity_growth_after`` a year after it. The
    business part of that intensity (total minus the public part, which grows with GDP) times GDP
    gives business R&D, and its ratio to the start is the trend.
    """
    pop = p.population
    year0 = quarter_index(p.simulation.start) / 4.0
    years = np.asarray(pop.rd_intensity_years)
    values = np.asarray(pop.rd_intensity_observed)

    def intensity(y: float) -> float:
        if y <= years[0]:
            slope = (values[1] - values[0]) / (years[1] - years[0])
            return float(values[0] + slope * (y - years[0]))
        if y >= years[-1]:
            return float(values[-1] + pop.rd_intensity_growth_after * (y - years[-1]))
        return float(np.interp(y, years, values))

    public = pop.public_rd_share / (1.0 - pop.public_rd_share) * pop.business_rd / pop.gdp
    gdp_ratio = (1.0 + pop.gdp_growth) ** (quarter / 4.0)
    return (intensity(year0 + quarter / 4.0) - public) / (intensity(year0) - public) * gdp_ratio


def add_in_order(total: float, values: np.ndarray) -> float:
    """``total`` plus each of ``values`` in turn, rounded as a loop of ``+=`` rounds (not summed in pairs)."""
    if len(values) == 0:
        return total
    return float(np.cumsum(np.concatenate(([total], values)))[-1])


@compiled
def _block_sum(a: np.ndarray, lo: int, n: int) -> float:
    """NumPy's sum of ``a[lo:lo + n]``, n <= 128: eight running sums (left to right below 8).

    The eight sums step through the block with an unsigned index: numba checks a signed index for a
    negative value (counted from the end) at every read, which keeps the compiler from adding the eight
    sums side by side in vector registers; unsigned, it does, in the same order, about 1.5 times as fast.
    """
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    b = a[lo : lo + n]
    r0, r1, r2, r3 = b[0], b[1], b[2], b[3]
    r4, r5, r6, r7 = b[4], b[5], b[6], b[7]
    j = np.uint64(8)
    stop = np.uint64(n - n % 8)
    while j < stop:
        r0 += b[j]
        r1 += b[j + np.uint64(1)]
        r2 += b[j + np.uint64(2)]
        r3 += b[j + np.uint64(3)]
        r4 += b[j + np.uint64(4)]
        r5 += b[j + np.uint64(5)]
        r6 += b[j + np.uint64(6)]
        r7 += b[j + np.uint64(7)]
        j += np.uint64(8)
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(n - n % 8, n):
        res += b[i]
    return res


@compiled
def pairwise_sum(a: np.ndarray) -> float:
    """``a.sum()`` of a float array, added as NumPy adds it, so that compiled code gives NumPy's sums.

    NumPy sums pairwise, not from left to right: a part longer than 128 is split in two halves (the
    first a multiple of 8 long) whose sums are added; a part of at most 128 is one block
    (:func:`_block_sum`). The halves are walked here with a stack instead of by recursion (numba's
    cache does not keep recursive functions). ``tests/model/test_compiled.py`` checks this against
    ``numpy.sum`` for many lengths.
    """
    if len(a) <= 128:  # one block: no stack needed
        return 0.0 + _block_sum(a, 0, len(a))
    depth = 2 * 64 + 2  # each split halves the length
    lo_s = np.empty(depth, dtype=np.int64)
    n_s = np.empty(depth, dtype=np.int64)
    stage = np.zeros(depth, dtype=np.int64)
    sums = np.empty(depth)
    top, k = 0, 0
    lo_s[0], n_s[0] = 0, len(a)
    while top >= 0:
        lo, n = lo_s[top], n_s[top]
        if n <= 128:
            sums[k] = _block_sum(a, lo, n)
            k += 1
            top -= 1
            continue
        half = n // 2
        half -= half % 8
        if stage[top] == 0:  # the first half next
            stage[top] = 1
            top += 1
            lo_s[top], n_s[top], stage[top] = lo, half, 0
        elif stage[top] == 1:  # then the second
            stage[top] = 2
            top += 1
            lo_s[top], n_s[top], stage[top] = lo + half, n - half, 0
        else:  # both done: their sum
            sums[k - 2] = sums[k - 2] + sums[k - 1]
            k -= 1
            top -= 1
    return 0.0 + sums[0]


@compiled
def split_sums(values: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    """``(values[mask].sum(), values[~mask].sum())`` as NumPy adds them (:func:`pairwise_sum`)."""
    n = len(values)
    inside, outside = np.empty(n), np.empty(n)
    k = m = 0
    for i in range(n):
        if mask[i]:
            inside[k] = values[i]
            k += 1
        else:
            outside[m] = values[i]
            m += 1
    return pairwise_sum(inside[:k]), pairwise_sum(outside[:m])


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, towards 1 = concentrated)."""
    return float(_gini_sorted(np.sort(np.asarray(x, dtype=float))))


@compiled
def _gini_sorted(x: np.ndarray) -> float:
    """:func:`gini` of values sorted in increasing order: (n + 1 - 2 sum of the running sums / total) / n."""
    n = len(x)
    total = pairwise_sum(x)
    if n == 0 or total <= 0:
        return 0.0
    cum = np.empty(n)
    acc = 0.0
    for i in range(n):
        acc += x[i]
        cum[i] = acc
    return (n + 1 - 2 * (pairwise_sum(cum) / total)) / n


@compiled
def group_pair_codes(nodes: np.ndarray, start: np.ndarray, extra: np.ndarray, n_nodes: int) -> np.ndarray:
    """Codes of all unordered pairs within each group of distinct nodes (``lo * n_nodes + hi``).

    Group ``g`` is ``nodes[start[g]:start[g + 1]]`` and, when ``extra[g] >= 0``, the node ``extra[g]``.
    The codes come group after group, each group's pairs by ascending ``lo``, then ``hi`` (a pair in
    two groups occurs twice).
    """
    n_groups = len(start) - 1
    width = 1
    count = 0
    for g in range(n_groups):
        m = start[g + 1] - start[g] + (1 if extra[g] >= 0 else 0)
        width = max(width, m)
        count += m * (m - 1) // 2
    codes = np.empty(count, dtype=np.int64)
    members = np.empty(width, dtype=np.int64)
    at = 0
    for g in range(n_groups):
        m = 0
        for p in range(start[g], start[g + 1] + 1):
            node = nodes[p] if p < start[g + 1] else extra[g]
            if node < 0:
                continue
            # insertion into the group's members, ascending
            j = m
            while j > 0 and members[j - 1] > node:
                members[j] = members[j - 1]
                j -= 1
            members[j] = node
            m += 1
        for i in range(m):
            for j in range(i + 1, m):
                codes[at] = members[i] * n_nodes + members[j]
                at += 1
    return codes


class Adjacency:
    """The neighbours of every node in a set of links (pair codes ``lo * n_nodes + hi``), as CSR arrays."""

    def __init__(self, links: np.ndarray, n_nodes: int):
        self.links = links
        self.indptr, self.neighbours = neighbour_lists(np.asarray(links, dtype=np.int64), n_nodes)

    def pairs(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (position in ``nodes``, neighbour) pair of the nodes ``nodes``."""
        return neighbour_pairs(self.indptr, self.neighbours, np.asarray(nodes, dtype=np.int64))


@compiled
def neighbour_lists(links: np.ndarray, n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """``(indptr, neighbours)``: node ``v``'s neighbours are ``neighbours[indptr[v]:indptr[v + 1]]``.

    First the links in which ``v`` is the lower end, then those in which it is the higher, each in the
    order of ``links``.
    """
    n = len(links)
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    for i in range(n):
        indptr[links[i] // n_nodes + 1] += 1
        indptr[links[i] % n_nodes + 1] += 1
    for v in range(n_nodes):
        indptr[v + 1] += indptr[v]
    fill = indptr[:-1].copy()
    neighbours = np.empty(2 * n, dtype=np.int64)
    for end in range(2):
        for i in range(n):
            lo, hi = links[i] // n_nodes, links[i] % n_nodes
            node, other = (lo, hi) if end == 0 else (hi, lo)
            neighbours[fill[node]] = other
            fill[node] += 1
    return indptr, neighbours


@compiled
def neighbour_pairs(
    indptr: np.ndarray, neighbours: np.ndarray, nodes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (position in ``nodes``, neighbour) pair of the nodes ``nodes``, node after node."""
    count = 0
    for i in range(len(nodes)):
        count += indptr[nodes[i] + 1] - indptr[nodes[i]]
    owner = np.empty(count, dtype=np.int64)
    partner = np.empty(count, dtype=np.int64)
    at = 0
    for i in range(len(nodes)):
        for p in range(indptr[nodes[i]], indptr[nodes[i] + 1]):
            owner[at] = i
            partner[at] = neighbours[p]
            at += 1
    return owner, partner


def adjacency(model: ClusterPolicyModel) -> Adjacency:
    """The collaboration network's neighbours (rebuilt when ``model.links`` has changed)."""
    adj = getattr(model, "_adjacency", None)
    if adj is None or adj.links is not model.links:
        adj = Adjacency(model.links, model.n_nodes)
        model._adjacency = adj
    return adj


def successive_sample(
    rng: np.random.Generator,
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    first: np.ndarray,
    sizes: np.ndarray,
    group: np.ndarray,
    known_owner: np.ndarray,
    known_pos: np.ndarray,
    raise_by: float,
) -> np.ndarray:
    """Weighted draws without replacement, many at once: ``sizes[i]`` positions of ``weights[lo[i]:hi[i]]``.

    Row ``i`` of the result starts with ``first[i]``; each further element is drawn among the positions
    of its segment not drawn yet, with probability proportional to the weight, raised by the factor
    ``1 + raise_by`` for the positions ``known_pos`` listed for its group ``group[i]``
    (``known_owner == group[i]``, sorted by owner; each position once per group: rows of a group share
    one list). This is successive sampling, the law of Efraimidis and
    Spirakis' exponential keys, at O(rows x draws^2) instead of O(rows x segment): a raised weight is
    the weight plus an extra part, so each draw first chooses between the weights and the extra parts
    (by what is left of each), then finds its position by one uniform number on the cumulative weights
    with the elements drawn already skipped (:func:`successive_draws`). Padded with -1.

    The uniform numbers are drawn here, draw after draw: the second elements of all rows (that have
    one), then the third elements, and so on.
    """
    n = len(sizes)
    k = int(sizes.max()) if n else 1
    if k < 2:
        picks = np.full((n, k), -1, dtype=np.int64)
        picks[:, 0] = first
        return picks
    u = rng.random(int(np.maximum(sizes - 1, 0).sum()))
    return successive_draws(
        np.asarray(weights, dtype=np.float64),
        np.asarray(lo, dtype=np.int64),
        np.asarray(hi, dtype=np.int64),
        np.asarray(first, dtype=np.int64),
        np.asarray(sizes, dtype=np.int64),
        np.asarray(group, dtype=np.int64),
        np.asarray(known_owner, dtype=np.int64),
        np.asarray(known_pos, dtype=np.int64),
        float(raise_by),
        u,
    )


@compiled
def first_above(a: np.ndarray, x: float, start: int, stop: int) -> int:
    """The first position in ``a[start:stop]`` (sorted) whose value is above ``x``, or ``stop``.

    ``np.searchsorted(a[start:stop], x, side="right") + start``, as a binary search.
    """
    while start < stop:
        mid = (start + stop) // 2
        if x < a[mid]:
            stop = mid
        else:
            start = mid + 1
    return start


@compiled
def successive_draws(
    weights: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    first: np.ndarray,
    sizes: np.ndarray,
    group: np.ndarray,
    known_owner: np.ndarray,
    known_pos: np.ndarray,
    raise_by: float,
    u: np.ndarray,
) -> np.ndarray:
    """The draws of :func:`successive_sample`, given its uniform numbers ``u`` (draw after draw).

    Row ``i`` draws in ``weights[lo[i]:hi[i]]`` (cumulative weights ``cw``); the extra parts of its
    group's past partners, ``raise_by`` x their weight, one after the other, are its own segment of the
    cumulative extra parts ``ecw``. Every drawn element holds an interval of both (of length 0 of the
    extra parts when it is not a past partner). A draw takes ``u`` x (weights left + extra parts left):
    below the weights left it falls in the weights, else in the extra parts; its point in what is left
    is moved past the intervals drawn already that begin at or before it (in the coordinates of what is
    left), and the position whose interval holds it is drawn.

    What is left is the segment's total less the lengths drawn, summed as ``np.sum`` sums them
    (:func:`pairwise_sum`), so that the draws are those of the array version of this sampler bit for bit.
    """
    n = len(sizes)
    k = 1
    for i in range(n):
        k = max(k, sizes[i])
    picks = np.full((n, k), -1, dtype=np.int64)
    n_w = len(weights)
    n_known = len(known_pos)
    cw = np.empty(n_w)
    acc = 0.0
    for j in range(n_w):
        acc = acc + weights[j] if j else weights[j]
        cw[j] = acc
    extra = np.empty(n_known)
    ecw = np.empty(n_known)
    acc = 0.0
    for j in range(n_known):
        extra[j] = raise_by * weights[known_pos[j]]
        acc = acc + extra[j] if j else extra[j]
        ecw[j] = acc
    below = np.empty(n)
    total = np.empty(n)
    ka = np.empty(n, dtype=np.int64)
    kb = np.empty(n, dtype=np.int64)
    ebelow = np.empty(n)
    etotal = np.empty(n)
    # the intervals drawn already, in each row's coordinates: of the weights, and of the extra parts
    b_start = np.full((n, k), np.inf)
    b_len = np.zeros((n, k))
    e_start = np.full((n, k), np.inf)
    e_len = np.zeros((n, k))
    # scratch of one draw: the intervals sorted by start, and the lengths before each
    order = np.empty(k, dtype=np.int64)
    before = np.empty(k + 1)

    def first_at_or_above(a: np.ndarray, x: int, start: int, stop: int) -> int:
        # np.searchsorted(a[start:stop], x, side="left") + start, for sorted a
        while start < stop:
            mid = (start + stop) // 2
            if a[mid] < x:
                start = mid + 1
            else:
                stop = mid
        return start

    def skip(t: float, start: np.ndarray, length: np.ndarray, s: int) -> float:
        # t is a point of what is left; the intervals drawn (sorted by start) begin at start - (the
        # lengths before them) in those coordinates, so t passes the J of them that begin at or before
        # t, and lies at t + the lengths of the first J in the whole
        for j in range(s):
            at = j
            while at > 0 and start[order[at - 1]] > start[j]:
                order[at] = order[at - 1]
                at -= 1
            order[at] = j
        before[0] = 0.0
        for j in range(s):
            before[j + 1] = before[j] + length[order[j]] if j else length[order[0]]
        passed = 0
        for j in range(s):
            if start[order[j]] - before[j] <= t:
                passed += 1
        return t + before[passed]

    def mark(i: int, slot: int, pos: int, q: int) -> None:
        picks[i, slot] = pos
        b_start[i, slot] = (cw[pos - 1] if pos > 0 else 0.0) - below[i]
        b_len[i, slot] = weights[pos]
        if q >= 0:
            e_start[i, slot] = (ecw[q - 1] if q > 0 else 0.0) - ebelow[i]
            e_len[i, slot] = extra[q]

    def known_index(i: int, pos: int) -> int:
        # the first entry of row i's list of past partners that is pos, or -1
        for q in range(ka[i], kb[i]):
            if known_pos[q] == pos:
                return q
        return -1

    for i in range(n):
        below[i] = cw[lo[i] - 1] if lo[i] > 0 else 0.0
        total[i] = cw[hi[i] - 1] - below[i]
        ka[i] = first_at_or_above(known_owner, group[i], 0, n_known)
        kb[i] = first_above(known_owner, group[i], 0, n_known)
        ebelow[i] = ecw[ka[i] - 1] if ka[i] > 0 else 0.0
        etotal[i] = (ecw[kb[i] - 1] if kb[i] > 0 else 0.0) - ebelow[i]
        mark(i, 0, first[i], known_index(i, first[i]))
    draw = 0
    for s in range(1, k):
        for i in range(n):
            if sizes[i] <= s:
                continue
            left_b = total[i] - pairwise_sum(b_len[i][:s])
            left_e = etotal[i] - pairwise_sum(e_len[i][:s])
            x = u[draw] * (left_b + left_e)
            draw += 1
            if x < left_b:
                t = skip(x, b_start[i], b_len[i], s)
                pos = min(max(first_above(cw, below[i] + t, 0, n_w), lo[i]), hi[i] - 1)
                mark(i, s, pos, known_index(i, pos))
            else:
                t = skip(x - left_b, e_start[i], e_len[i], s)
                q = min(max(first_above(ecw, ebelow[i] + t, 0, n_known), ka[i]), kb[i] - 1)
                mark(i, s, known_pos[q], q)
    return picks

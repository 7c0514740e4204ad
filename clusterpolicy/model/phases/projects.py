"""Phase 6, projects: finished projects succeed or fail; once a year the project call and the VIS call.

The project envelope is ``project_budget`` in the first recorded year, growing by
``project_budget_growth`` a year, and is the same with the cluster policy and without it (the
counterfactual keeps the total). While the policy is in force and at least one spearhead has signed its
cluster pact, ``privileged_share`` of it is privileged for spearhead-cluster projects under
``privileged_mode`` (:func:`clusterpolicy.model.agency.project_call`); otherwise it is one open pot.

Individual firm proposals follow the regular company R&D grant (VLAIO's development project): a
project costs ``project_cost_share`` of the firm's yearly R&D; the grant is ``grant_rate_sme`` or
``grant_rate_large`` of the cost, at most ``grant_max``; a project whose grant would be below
``grant_min`` is not proposed. Consortium proposals come from spearhead clusters (past their pact) and
supported IBNs. VIS trajectories, while they run (until ``vis_end``), have their own budget: collective
centres propose projects for groups of SMEs of a domain, followers included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from clusterpolicy.model import kernels
from clusterpolicy.model.agency import (
    CLUSTER,
    IBN_PROJECT,
    INDIVIDUAL,
    Consortia,
    Proposals,
    fund_in_rank_order,
    positions_of,
    project_call,
)
from clusterpolicy.model.agents import IBN, KIND_CODE, ProjectBatch
from clusterpolicy.model.compiled import compiled
from clusterpolicy.model.kernels import _block_sum, pairwise_sum
from clusterpolicy.model.phases.cofinancing import rows_by_org

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel


def envelope(model: ClusterPolicyModel) -> float:
    """This year's project envelope (EUR/yr): ``project_budget`` grown by ``project_budget_growth``."""
    pol = model.p.policy
    years = max(model.t, 0) // 4
    return pol.project_budget * (1.0 + pol.project_budget_growth) ** years


def privileged_amount(model: ClusterPolicyModel) -> float:
    """The privileged part of this year's envelope (EUR/yr): none before a spearhead has signed its pact."""
    if not model.policy_active or not model.org_table.privileged(model).any():
        return 0.0
    return model.p.policy.privileged_share * envelope(model)


def run(model: ClusterPolicyModel) -> None:
    """Resolve finished projects; in the call quarter, run the project call and the VIS call."""
    resolve_projects(model)
    if model.quarter_of_year != model.p.policy.project_call_quarter:
        return
    project_call_round(model)
    vis_call(model)


def project_call_round(model: ClusterPolicyModel) -> None:
    """Proposals, the pots, and the funding of what they fund."""
    pol = model.p.policy
    props = proposals(model)
    out = project_call(
        props.kind,
        props.request,
        props.score,
        props.eligible,
        envelope(model),
        privileged_amount(model),
        pol.privileged_mode,
        pol.privileged_score_bonus,
    )
    a, c = model.agency, model.counters
    a.reserved_idle += out.idle
    a.reserved_idle_last_call = out.idle
    c.reserved_released += out.released
    spend, counts, funded = call_tally(
        props.kind,
        props.request,
        out.funded,
        out.funded_privileged,
        out.funded_open,
        out.rejected_budget,
        out.crowded_out,
    )
    privileged_spend, cluster_spend, open_spend = spend.tolist()
    c.privileged_project_spend += privileged_spend
    c.cluster_project_spend += cluster_spend
    c.open_project_spend += open_spend
    privileged, cluster_open, individual, ibn, rejected, crowded = counts.tolist()
    c.projects_privileged_funded += privileged
    c.projects_cluster_open_funded += cluster_open
    c.projects_individual_funded += individual
    c.projects_ibn_funded += ibn
    c.proposals_rejected_budget += rejected
    c.proposals_crowded_out += crowded
    model.firms_funded_last_call = individual
    fund(model, props, funded)


@compiled
def call_tally(
    kind: np.ndarray,
    request: np.ndarray,
    funded: np.ndarray,
    privileged: np.ndarray,
    open_pot: np.ndarray,
    rejected: np.ndarray,
    crowded: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What a project call funded (masks of :class:`~clusterpolicy.model.agency.CallOutcome`).

    Returns ``(spend, counts, funded_at)``: ``spend`` is the grants of the proposals funded through the
    privilege, of the spearhead-cluster proposals funded, and of those funded in open competition, each
    summed as ``numpy.sum`` sums them (:func:`~clusterpolicy.model.kernels.pairwise_sum`); ``counts`` the
    proposals funded through the privilege, spearhead-cluster proposals funded in open competition,
    individual and IBN proposals funded, proposals rejected for lack of budget, and crowded out;
    ``funded_at`` the funded proposals, ascending.
    """
    n = len(kind)
    spent_p, spent_c, spent_o = np.empty(n), np.empty(n), np.empty(n)
    funded_at = np.empty(n, dtype=np.int64)
    counts = np.zeros(6, dtype=np.int64)
    n_p = n_c = n_o = n_f = 0
    for i in range(n):
        if privileged[i]:
            spent_p[n_p] = request[i]
            n_p += 1
        if funded[i] and kind[i] == CLUSTER:
            spent_c[n_c] = request[i]
            n_c += 1
        if open_pot[i]:
            spent_o[n_o] = request[i]
            n_o += 1
            if kind[i] == CLUSTER:
                counts[1] += 1
        if funded[i]:
            funded_at[n_f] = i
            n_f += 1
            if kind[i] == INDIVIDUAL:
                counts[2] += 1
            elif kind[i] == IBN_PROJECT:
                counts[3] += 1
        if rejected[i]:
            counts[4] += 1
        if crowded[i]:
            counts[5] += 1
    counts[0] = n_p
    spend = np.empty(3)
    spend[0] = pairwise_sum(spent_p[:n_p])
    spend[1] = pairwise_sum(spent_c[:n_c])
    spend[2] = pairwise_sum(spent_o[:n_o])
    return spend, counts, funded_at[:n_f]


def proposals(model: ClusterPolicyModel) -> Proposals:
    """Individual proposals (vectorised) followed by spearhead-cluster and IBN consortium proposals."""
    b, pol = model.p.behaviour, model.p.policy
    f = model.firms
    rng = model.streams["projects"]
    for ki in model.kis:
        ki.projects_this_year = 0
    u = rng.random(f.n)
    noise = rng.standard_normal(f.n)
    years = b.project_quarters / 4.0
    rows, request, quality, eligible, private = individual_proposals(
        u,
        noise,
        f.is_sme,
        f.follower,
        f.own_rd,
        f.capability,
        f.knowledge,
        IndividualRules(
            b.propose_prob_sme,
            b.propose_prob_large,
            b.follower_propose_factor,
            b.project_cost_share,
            pol.grant_rate_sme,
            pol.grant_rate_large,
            pol.grant_max,
            pol.grant_min,
            b.knowledge_quality_weight,
            b.proposal_noise,
            b.min_proposal_quality,
            b.max_rd_share_private * years,
        ),
    )
    if model.policy_active:
        kinds, requested, scores, elig, consortia = consortium_proposals(model, rng)
    else:
        kinds, requested, scores, elig = (
            np.empty(0, dtype=np.int64),
            np.empty(0),
            np.empty(0),
            np.empty(0, dtype=bool),
        )
        consortia = Consortia.empty()
    return Proposals(
        kind=np.concatenate((np.full(len(rows), INDIVIDUAL), kinds), dtype=int),
        request=np.concatenate((request, requested)),
        score=np.concatenate((quality, scores), dtype=float),
        eligible=np.concatenate((eligible, elig), dtype=bool),
        individual_rows=rows,
        consortia=consortia,
        private=np.concatenate((private, pol.min_private_match * requested)),
    )


class IndividualRules(NamedTuple):
    """The regular R&D grant's rules for individual proposals (see :func:`individual_proposals`).

    Attributes:
        prob_sme: chance that an SME proposes a project in a call (``propose_prob_sme``).
        prob_large: the same for a large firm (``propose_prob_large``).
        follower_factor: an innovation follower's chance as a multiple of an SME's.
        cost_share: a project's cost as a share of the firm's yearly R&D.
        rate_sme: grant rate of an SME's project.
        rate_large: grant rate of a large firm's project.
        grant_max: the largest grant (EUR).
        grant_min: the smallest grant worth proposing (EUR).
        knowledge_weight: weight of the firm's knowledge in a proposal's quality.
        noise: weight of the assessment noise in a proposal's quality.
        min_quality: the merit threshold.
        private_years: years of own R&D that may pay the private part (``max_rd_share_private`` x the
            project's years).
    """

    prob_sme: float
    prob_large: float
    follower_factor: float
    cost_share: float
    rate_sme: float
    rate_large: float
    grant_max: float
    grant_min: float
    knowledge_weight: float
    noise: float
    min_quality: float
    private_years: float


@compiled
def individual_proposals(
    u: np.ndarray,
    noise: np.ndarray,
    is_sme: np.ndarray,
    follower: np.ndarray,
    own_rd: np.ndarray,
    capability: np.ndarray,
    knowledge: np.ndarray,
    rules: IndividualRules,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The individual proposals of a call: ``(rows, request, quality, eligible, private)``, firm after firm.

    Firm ``i`` proposes when ``u[i]`` is below its chance (an SME's or a large firm's, times
    ``follower_factor`` for a follower) and its grant -- its rate times the project's cost
    (``cost_share`` x own R&D), at most ``grant_max`` -- is positive and at least ``grant_min``. The
    proposal's quality is capability + ``knowledge_weight`` x knowledge + ``noise`` x ``noise[i]``; it is
    eligible when that passes ``min_quality`` and its private part (cost less grant, also returned) is
    at most ``private_years`` x own R&D.
    """
    n = len(u)
    rows = np.empty(n, dtype=np.int64)
    request = np.empty(n)
    quality = np.empty(n)
    eligible = np.empty(n, dtype=np.bool_)
    private = np.empty(n)
    k = 0
    for i in range(n):
        p = rules.prob_sme if is_sme[i] else rules.prob_large
        if follower[i]:
            p = p * rules.follower_factor
        cost = rules.cost_share * own_rd[i]
        grant = (rules.rate_sme if is_sme[i] else rules.rate_large) * cost
        if grant > rules.grant_max:
            grant = rules.grant_max
        if not (u[i] < p and grant >= rules.grant_min and grant > 0):
            continue
        q = capability[i] + rules.knowledge_weight * knowledge[i] + rules.noise * noise[i]
        rows[k] = i
        request[k] = grant
        quality[k] = q
        private[k] = cost - grant
        eligible[k] = q >= rules.min_quality and cost - grant <= rules.private_years * own_rd[i]
        k += 1
    return rows[:k], request[:k], quality[:k], eligible[:k], private[:k]


def consortium_proposals(
    model: ClusterPolicyModel, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Consortia]:
    """All consortium proposals of the call: their kinds, requests, quality, eligibility and consortia.

    Spearhead clusters with privileged access propose Poisson(``cluster_projects_per_member`` x members)
    consortia a year, supported recognised IBNs Poisson(``ibn_projects_per_member`` x members); an
    organisation with fewer than two members proposes none. Proposals come organisation after
    organisation, in the order of ``model.orgs`` (:func:`consortia`).
    """
    b = model.p.behaviour
    t = model.org_table
    n = t.n
    privileged = t.privileged(model)
    ibn = t.alive[:n] & (t.kind[:n] == KIND_CODE[IBN]) & t.supported[:n] & t.recognised[:n]
    count = model.memberships.per_org(n)
    proposing = np.flatnonzero((privileged | ibn) & (count >= 2))
    spear = privileged[proposing]
    rate = np.where(spear, b.cluster_projects_per_member, b.ibn_projects_per_member)
    counts = rng.poisson(rate * count[proposing])
    mean_grant = np.where(spear, b.cluster_project_grant, b.ibn_project_grant)
    cons, requests, quality, eligible = consortia(model, proposing, counts, mean_grant, rng)
    kinds = np.repeat(np.where(spear, CLUSTER, IBN_PROJECT), counts)
    return kinds, requests, quality, eligible, cons


def consortia(
    model: ClusterPolicyModel,
    orgs: np.ndarray,
    counts: np.ndarray,
    mean_grant: np.ndarray,
    rng: np.random.Generator,
) -> tuple[Consortia, np.ndarray, np.ndarray, np.ndarray]:
    """``counts[j]`` project proposals of organisation ``orgs[j]``: consortia, requests, quality, eligibility.

    Each consortium's lead is drawn among the organisation's members by R&D size; further partners
    (``consortium_min_firms`` + Poisson(``consortium_extra_firms``) firms in all, at most the members) by
    R&D size without replacement, weighted up by ``relational_weight`` when they have worked with the
    lead before (relational credit, after Cowan, Jonard & Zimmermann 2007). Consortia are drawn from the
    organisation's members whatever their other memberships. A knowledge institution covering the
    domain with capacity left joins with probability ``ki_partner_prob``. The grant request is
    ``mean_grant`` x LogNormal(``request_sigma``). A proposal is eligible when its firms can commit
    ``min_private_match`` private euros per public euro from their R&D over the project, and its quality
    passes the merit threshold.

    All organisations' proposals are drawn together, from one pool of their memberships (organisation
    after organisation, each in the order of joining); the partner draw
    (:func:`~clusterpolicy.model.kernels.successive_sample`) costs O(proposals x partners).
    """
    b, pol = model.p.behaviour, model.p.policy
    f = model.firms
    ms = model.memberships
    total = int(counts.sum())
    if total == 0:
        empty = np.empty(0)
        return Consortia.empty(), empty, empty, np.empty(0, dtype=bool)
    # the pool: the memberships of the proposing organisations, organisation after organisation
    orgs = np.asarray(orgs, dtype=np.int64)
    take, start_o = rows_by_org(ms.org, orgs, model.org_table.n)
    pool = ms.firm[take]
    owner = np.repeat(np.arange(len(orgs)), counts)  # proposal -> position in orgs
    lo, hi = start_o[owner], start_o[owner + 1]
    w = f.own_rd[pool] + 1.0
    sizes = np.minimum(hi - lo, b.consortium_min_firms + rng.poisson(b.consortium_extra_firms, size=total))
    # the lead's past partners among the organisation's members: their weight is raised (one list per
    # lead, which leads several proposals of an organisation; a pool position is one organisation's)
    lead, group, leads, lead_owner = draw_leads(w, lo, hi, owner, rng.random(total))
    known_owner = known_pos = np.empty(0, dtype=np.int64)
    if b.relational_weight > 0 and len(model.links):
        of_lead, partner = kernels.adjacency(model).pairs(pool[leads])
        known_owner, known_pos = past_partners(of_lead, partner, orgs[lead_owner], ms.slot, take, len(ms))
    picks = kernels.successive_sample(
        rng, w, lo, hi, lead, sizes, group, known_owner, known_pos, b.relational_weight
    )
    sigma = b.request_sigma
    requests = mean_grant[owner] * np.exp(sigma * rng.standard_normal(total) - sigma**2 / 2.0)
    noise = rng.standard_normal(total)
    u_ki, u_pick = rng.random(total), rng.random(total)
    rd_years = b.max_rd_share_private * b.project_quarters / 4.0
    rows, shares, start, cap, know, capacity = consortium_sums(
        picks, sizes, pool, w, f.capability, f.knowledge, f.own_rd, rd_years
    )
    t = model.org_table
    org = orgs[owner]
    ki = choose_institutions(model, t.domain[org], u_ki, u_pick)
    quality, eligible = consortium_merit(
        cap,
        know,
        t.excellence[org],
        noise,
        ki,
        np.array([i.excellence for i in model.kis], dtype=np.float64),
        capacity,
        requests,
        MeritRules(
            b.knowledge_quality_weight,
            b.excellence_quality_bonus,
            b.proposal_noise,
            b.ki_quality_bonus,
            pol.min_private_match,
            b.min_proposal_quality,
        ),
    )
    cons = Consortia(rows=rows, start=start, shares=shares, ki=ki, org=org)
    return cons, requests, quality, eligible


class MeritRules(NamedTuple):
    """How a consortium proposal is assessed (see :func:`consortium_merit`).

    Attributes:
        knowledge_weight: weight of the partners' mean knowledge in the quality.
        excellence_bonus: weight of the proposing organisation's excellence.
        noise: weight of the assessment noise.
        ki_bonus: weight of the knowledge institution's excellence, when one is a partner.
        private_match: private euros the firms must commit per public euro (``min_private_match``).
        min_quality: the merit threshold.
    """

    knowledge_weight: float
    excellence_bonus: float
    noise: float
    ki_bonus: float
    private_match: float
    min_quality: float


@compiled
def consortium_merit(
    cap: np.ndarray,
    know: np.ndarray,
    excellence: np.ndarray,
    noise: np.ndarray,
    ki: np.ndarray,
    ki_excellence: np.ndarray,
    capacity: np.ndarray,
    request: np.ndarray,
    rules: MeritRules,
) -> tuple[np.ndarray, np.ndarray]:
    """Each consortium proposal's quality and eligibility: ``(quality, eligible)``.

    The quality is the partners' mean capability ``cap`` + ``knowledge_weight`` x their mean knowledge
    + ``excellence_bonus`` x the organisation's excellence + ``noise`` x ``noise[i]``, plus ``ki_bonus``
    x the institution's excellence when it has one (``ki[i] >= 0``). It is eligible when the firms'
    ``capacity`` covers ``private_match`` x its ``request`` and the quality passes ``min_quality``.
    """
    n = len(cap)
    quality = np.empty(n)
    eligible = np.empty(n, dtype=np.bool_)
    for i in range(n):
        q = cap[i] + rules.knowledge_weight * know[i] + rules.excellence_bonus * excellence[i]
        q = q + rules.noise * noise[i]
        if ki[i] >= 0:
            q = q + rules.ki_bonus * ki_excellence[ki[i]]
        quality[i] = q
        eligible[i] = capacity[i] >= rules.private_match * request[i] and q >= rules.min_quality
    return quality, eligible


@compiled
def draw_leads(
    weights: np.ndarray, lo: np.ndarray, hi: np.ndarray, owner: np.ndarray, u: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each proposal's lead, drawn by weight in its segment ``weights[lo[i]:hi[i]]`` with ``u[i]``.

    The lead is the position whose interval of the cumulative weights (summed from the first on) holds
    the point the segment's start + ``u[i]`` x the segment's total. Returns ``(lead, group, leads,
    lead_owner)``: the distinct leads ascending (``leads``), the index in them of each proposal's lead
    (``group``) and, of each distinct lead, the ``owner`` of its proposals.
    """
    n_w, n = len(weights), len(lo)
    cw = np.empty(n_w)
    acc = 0.0
    for j in range(n_w):
        acc = acc + weights[j] if j else weights[j]
        cw[j] = acc
    lead = np.empty(n, dtype=np.int64)
    is_lead = np.zeros(n_w, dtype=np.bool_)
    for i in range(n):
        below = cw[lo[i] - 1] if lo[i] > 0 else 0.0
        x = below + u[i] * (cw[hi[i] - 1] - below)
        a = kernels.first_above(cw, x, 0, n_w)  # the first position whose cumulative weight is above x
        lead[i] = min(max(a, lo[i]), hi[i] - 1)
        is_lead[lead[i]] = True
    rank = np.empty(n_w, dtype=np.int64)
    count = 0
    for j in range(n_w):
        rank[j] = count
        if is_lead[j]:
            count += 1
    leads = np.empty(count, dtype=np.int64)
    lead_owner = np.empty(count, dtype=np.int64)
    group = np.empty(n, dtype=np.int64)
    for i in range(n):
        g = rank[lead[i]]
        group[i] = g
        leads[g] = lead[i]
        lead_owner[g] = owner[i]
    return lead, group, leads, lead_owner


@compiled
def past_partners(
    of_lead: np.ndarray,
    partner: np.ndarray,
    lead_org: np.ndarray,
    slot: np.ndarray,
    take: np.ndarray,
    n_members: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The past partners of each lead that are members of its organisation, as positions in the pool.

    ``partner[e]`` is a past partner of lead ``of_lead[e]``, whose organisation is
    ``lead_org[of_lead[e]]``; ``slot[org, firm]`` is a membership's row (-1: none; outside the table:
    none) and the pool holds the rows ``take``. Returns ``(owner, position)`` of the partners that are
    members, in the order of ``partner``.
    """
    at = np.full(n_members, -1, dtype=np.int64)
    for p in range(len(take)):
        at[take[p]] = p
    rows, cols = slot.shape
    owner = np.empty(len(partner), dtype=np.int64)
    position = np.empty(len(partner), dtype=np.int64)
    k = 0
    for e in range(len(partner)):
        org, firm = lead_org[of_lead[e]], partner[e]
        row = slot[org, firm] if org < rows and firm < cols else -1
        if row >= 0:
            owner[k] = of_lead[e]
            position[k] = at[row]
            k += 1
    return owner[:k], position[:k]


@compiled
def row_sum(a: np.ndarray) -> float:
    """``a.sum()``: :func:`~clusterpolicy.model.kernels.pairwise_sum`, without its stack up to 128 values.

    NumPy adds at most 128 values as one block (eight running sums), so this is that block's sum.
    """
    if len(a) <= 128:
        return 0.0 + _block_sum(a, 0, len(a))
    return pairwise_sum(a)


@compiled
def consortium_sums(
    picks: np.ndarray,
    sizes: np.ndarray,
    pool: np.ndarray,
    weights: np.ndarray,
    capability: np.ndarray,
    knowledge: np.ndarray,
    own_rd: np.ndarray,
    rd_years: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What the consortia ``picks`` bring: ``(rows, shares, start, cap, know, capacity)``.

    ``picks`` are pool positions, -1 pads. ``rows``, ``shares`` (by ``weights``) and ``start`` are
    :class:`Consortia`'s; ``cap`` and ``know`` are the partners' mean capability and knowledge (over
    ``sizes``), ``capacity`` their ``rd_years`` x own R&D. Each consortium's sums are over its row of
    ``picks``, pads as zeros, added as ``numpy.sum`` adds a row (:func:`row_sum`).
    """
    n, k = picks.shape
    start = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        start[i + 1] = start[i] + sizes[i]
    count = 0
    for i in range(n):
        for c in range(k):
            if picks[i, c] >= 0:
                count += 1
    rows = np.empty(count, dtype=np.int64)
    shares = np.empty(count)
    cap, know, capacity = np.empty(n), np.empty(n), np.empty(n)
    a, b, d, e = np.empty(k), np.empty(k), np.empty(k), np.empty(k)
    at = 0
    for i in range(n):
        for c in range(k):
            p = picks[i, c]
            if p >= 0:
                firm = pool[p]
                a[c], b[c], d[c], e[c] = (
                    capability[firm],
                    knowledge[firm],
                    rd_years * own_rd[firm],
                    weights[p],
                )
            else:
                a[c] = b[c] = d[c] = e[c] = 0.0
        s_a, s_b, s_d, s_e = row_sum(a), row_sum(b), row_sum(d), row_sum(e)
        cap[i] = s_a / sizes[i]
        know[i] = s_b / sizes[i]
        capacity[i] = s_d
        for c in range(k):
            p = picks[i, c]
            if p >= 0:
                rows[at] = pool[p]
                shares[at] = e[c] / s_e
                at += 1
    return rows, shares, start, cap, know, capacity


def choose_institutions(
    model: ClusterPolicyModel, domain: np.ndarray, u_ki: np.ndarray, u_pick: np.ndarray
) -> np.ndarray:
    """The knowledge institution partner of each proposal (of an organisation of ``domain[i]``), or -1.

    With probability ``ki_partner_prob`` (``u_ki``) a proposal takes an institution covering its domain
    that has capacity left this year (``u_pick`` chooses among them); proposals are served in order
    (:func:`institution_choices`).
    """
    kis = model.kis
    used = np.array([k.projects_this_year for k in kis], dtype=np.int64)
    capacity = np.array([k.capacity for k in kis], dtype=np.float64)
    ki = institution_choices(
        np.asarray(domain, dtype=np.int64),
        u_ki,
        u_pick,
        model.p.behaviour.ki_partner_prob,
        institution_table(model),
        used,
        capacity,
    )
    for k, n in zip(kis, used.tolist(), strict=True):
        k.projects_this_year = n
    return ki


def institution_table(model: ClusterPolicyModel) -> np.ndarray:
    """``(n_domains, K)`` table of the institutions covering each domain, in ``model.kis`` order (-1 pads).

    Made once per model (the institutions and their domains do not change).
    """
    table = getattr(model, "_ki_table", None)
    if table is None:
        by_domain = model.kis_by_domain
        table = np.full((len(by_domain), max([1, *map(len, by_domain)])), -1, dtype=np.int64)
        for d, js in enumerate(by_domain):
            table[d, : len(js)] = js
        model._ki_table = table
    return table


@compiled
def institution_choices(
    domain: np.ndarray,
    u_ki: np.ndarray,
    u_pick: np.ndarray,
    partner_prob: float,
    table: np.ndarray,
    used: np.ndarray,
    capacity: np.ndarray,
) -> np.ndarray:
    """Each proposal's knowledge institution (-1: none), proposal after proposal; ``used`` is updated.

    A proposal with ``u_ki < partner_prob`` takes, among the institutions of its domain's row of
    ``table`` that have taken fewer than ``capacity`` projects (``used``), the one ``u_pick`` points at
    (the ``int(u_pick x how many)``-th, in table order), which then counts one project more.
    """
    n = len(u_ki)
    ki = np.full(n, -1, dtype=np.int64)
    width = table.shape[1]
    for i in range(n):
        if not u_ki[i] < partner_prob:
            continue
        d = domain[i]
        avail = 0
        for c in range(width):
            j = table[d, c]
            if j >= 0 and used[j] < capacity[j]:
                avail += 1
        if avail == 0:
            continue
        chosen = int(u_pick[i] * avail)
        for c in range(width):
            j = table[d, c]
            if j >= 0 and used[j] < capacity[j]:
                if chosen == 0:
                    used[j] += 1
                    ki[i] = j
                    break
                chosen -= 1
    return ki


def fund(model: ClusterPolicyModel, props: Proposals, funded: np.ndarray) -> None:
    """Pay the funded proposals, start their projects and record new collaboration links.

    ``funded`` are the funded proposals, ascending (the individual ones first). A firm's grant is spread
    over the project as subsidised R&D; the knowledge institution, if any, receives ``ki_grant_share``
    of a consortium's grant.
    """
    b = model.p.behaviour
    f = model.firms
    n_ind = len(props.individual_rows)
    split = int(np.searchsorted(funded, n_ind))
    ind = funded[:split]
    chosen = funded[split:] - n_ind  # funded consortia, in funded order
    cons = props.consortia
    grant = props.request[funded[split:]]
    ki = cons.ki[chosen]
    ki_amount = np.where(ki >= 0, grant * b.ki_grant_share, 0.0)
    model.agency.pay_institutions(ki[ki >= 0], ki_amount[ki >= 0])
    rows_a, amounts_a, project_of, start = firm_payments(
        props.individual_rows,
        props.request,
        ind,
        cons.start,
        cons.rows,
        cons.shares,
        chosen,
        grant - ki_amount,
    )
    org = cons.org[chosen]
    count = np.bincount(org, minlength=len(model.orgs))
    by_org = np.flatnonzero(count)
    for j, n in zip(by_org.tolist(), count[by_org].tolist(), strict=True):
        model.orgs[j].projects_funded += n
    model.agency.pay_firms(rows_a, amounts_a)
    c = model.counters
    c.sme_participations += int(np.count_nonzero(f.is_sme[rows_a]))
    c.follower_participations += int(np.count_nonzero(f.follower[rows_a]))
    c.private_project_match += float(props.private[funded].sum())
    add_subsidy(model, rows_a, amounts_a, b.project_quarters, eu=False)
    if len(chosen):
        # every pair of a funded consortium, its institution included, is a collaboration link
        ki_node = np.array([i.node for i in model.kis] + [-1], dtype=np.int64)  # ki -1: the last, no node
        codes = kernels.group_pair_codes(rows_a[len(ind) :], start, ki_node[ki], model.n_nodes)
        model.links = add_links(model.links, codes)
    if len(funded):
        model.pending.append(
            ProjectBatch(
                ends=model.t + b.project_quarters,
                quality=props.score[funded],
                org=np.concatenate((np.full(len(ind), -1, dtype=np.int64), org)),
                firm_rows=rows_a,
                project_of=project_of,
            )
        )


@compiled
def firm_payments(
    individual_rows: np.ndarray,
    request: np.ndarray,
    ind: np.ndarray,
    start: np.ndarray,
    rows: np.ndarray,
    shares: np.ndarray,
    chosen: np.ndarray,
    firm_part: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The firms paid for the funded projects, what each is paid, and its project: one entry per firm.

    First the individual proposals ``ind`` (firm ``individual_rows[p]``, paid its ``request[p]``), then
    the firms of the consortia ``chosen`` (:class:`~clusterpolicy.model.agency.Consortia` ``start``,
    ``rows``, ``shares``), each paid its share of its consortium's ``firm_part``. Returns ``(rows,
    amounts, project, start)``: ``project`` numbers the funded projects in that order, and the chosen
    consortia's firms are ``rows[len(ind) + start[c]:len(ind) + start[c + 1]]``.
    """
    at = positions_of(start, chosen)
    n_ind = len(ind)
    out_rows = np.empty(n_ind + len(at), dtype=np.int64)
    amounts = np.empty(n_ind + len(at))
    project = np.empty(n_ind + len(at), dtype=np.int64)
    for j in range(n_ind):
        out_rows[j] = individual_rows[ind[j]]
        amounts[j] = request[ind[j]]
        project[j] = j
    out_start = np.zeros(len(chosen) + 1, dtype=np.int64)
    k = 0
    for c in range(len(chosen)):
        out_start[c + 1] = out_start[c] + start[chosen[c] + 1] - start[chosen[c]]
        while k < out_start[c + 1]:
            p = at[k]
            out_rows[n_ind + k] = rows[p]
            amounts[n_ind + k] = firm_part[c] * shares[p]
            project[n_ind + k] = n_ind + c
            k += 1
    return out_rows, amounts, project, out_start


def add_links(links: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``np.union1d(links, codes)`` for sorted unique ``links``; ``links`` itself when no code is new.

    Only the new codes are sorted; the merge is one pass (:func:`merge_new_codes`).
    """
    merged, n_new = merge_new_codes(np.asarray(links, dtype=np.int64), np.sort(codes))
    return merged if n_new else links


@compiled
def merge_new_codes(links: np.ndarray, new: np.ndarray) -> tuple[np.ndarray, int]:
    """The sorted union of sorted unique ``links`` and sorted ``new`` (repeats allowed), and how many it adds.

    One pass into room for all of ``new``; when nothing is added the first result is a copy of ``links``.
    """
    n_links, n_codes = len(links), len(new)
    out = np.empty(n_links + n_codes, dtype=np.int64)
    i = at = 0
    for j in range(n_codes):
        v = new[j]
        if j > 0 and new[j - 1] == v:
            continue
        while i < n_links and links[i] < v:
            out[at] = links[i]
            at += 1
            i += 1
        if i == n_links or links[i] != v:
            out[at] = v
            at += 1
    while i < n_links:
        out[at] = links[i]
        at += 1
        i += 1
    return out[:at], at - n_links


def add_subsidy(
    model: ClusterPolicyModel, rows: np.ndarray, amounts: np.ndarray, quarters: int, eu: bool
) -> None:
    """Spread grants over ``quarters`` as a yearly subsidy rate on the firms' R&D (project or EU grants)."""
    rate = amounts / (quarters / 4.0)
    target = model.firms.subsidy_eu if eu else model.firms.subsidy_project
    target += np.bincount(rows, weights=rate, minlength=model.firms.n)
    model.subsidy_expiry.setdefault(model.t + quarters, []).append((rows, rate, eu))


def resolve_projects(model: ClusterPolicyModel) -> None:
    """Projects ending now succeed with probability ``1 - exp(-rate * quality)``.

    A success gives each participating firm an innovation and ``knowledge_gain_project``.
    """
    done = [p for p in model.pending if p.ends <= model.t]
    if not done:
        return
    model.pending = [p for p in model.pending if p.ends > model.t]
    b = model.p.behaviour
    f = model.firms
    rng = model.streams["outcomes"]
    c = model.counters
    for batch in done:
        p_success = 1.0 - np.exp(-b.project_success_rate * np.maximum(batch.quality, 0.0))
        success = rng.random(len(batch.quality)) < p_success
        batch.succeeded = success
        sme, follower = credit_successes(
            batch.firm_rows,
            success[batch.project_of],
            f.innovations,
            f.knowledge,
            f.is_sme,
            f.follower,
            b.knowledge_gain_project,
        )
        c.innovations_sme += int(sme)
        c.innovations_follower += int(follower)
        ended, finished, succeeded = org_results(batch.org, success, len(model.orgs))
        for j, n, won in zip(ended.tolist(), finished.tolist(), succeeded.tolist(), strict=True):
            org = model.orgs[j]
            org.projects_finished += n
            org.projects_succeeded += won


@compiled
def credit_successes(
    rows: np.ndarray,
    won: np.ndarray,
    innovations: np.ndarray,
    knowledge: np.ndarray,
    is_sme: np.ndarray,
    follower: np.ndarray,
    gain: float,
) -> tuple[int, int]:
    """Credit the firms ``rows[won]`` (a firm once per project) with an innovation and ``gain`` knowledge.

    Every firm's knowledge grows by ``gain`` x its successful projects (zero for most); returns the
    innovations of SMEs and of followers.
    """
    n = len(innovations)
    times = np.zeros(n, dtype=np.int64)
    for p in range(len(rows)):
        if won[p]:
            times[rows[p]] += 1
    sme = fol = 0
    for i in range(n):
        innovations[i] += times[i]
        if is_sme[i]:
            sme += times[i]
        if follower[i]:
            fol += times[i]
        knowledge[i] += gain * times[i]
    return sme, fol


@compiled
def org_results(
    org: np.ndarray, success: np.ndarray, n_orgs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The organisations of the projects ``org`` (-1: none), ascending, their projects and the successes.

    Returns ``(ended, finished, succeeded)``; ``success`` is each project's outcome.
    """
    finished = np.zeros(n_orgs, dtype=np.int64)
    succeeded = np.zeros(n_orgs, dtype=np.int64)
    for p in range(len(org)):
        if org[p] >= 0:
            finished[org[p]] += 1
            if success[p]:
                succeeded[org[p]] += 1
    count = 0
    for j in range(n_orgs):
        if finished[j] > 0:
            count += 1
    ended = np.empty(count, dtype=np.int64)
    k = 0
    for j in range(n_orgs):
        if finished[j] > 0:
            ended[k] = j
            k += 1
    return ended, finished[ended], succeeded[ended]


def vis_call(model: ClusterPolicyModel) -> None:
    """VIS trajectories (until ``vis_end``): collective projects for groups of SMEs, with their own budget.

    Each collective centre proposes Poisson(``vis_proposals_per_intermediary``) projects a year, each for
    ``vis_group_size`` SMEs drawn from one of the domains it covers (innovation followers included: the
    projects are open to the whole group); the grant is ``vis_project_grant`` x LogNormal and goes to the
    centre; projects are funded in order of the centre's excellence plus assessment noise until
    ``vis_budget`` is spent. Every SME of a funded project gains ``vis_knowledge_gain``.
    """
    if model.t >= model.vis_until:
        return
    pol, b = model.p.policy, model.p.behaviour
    f = model.firms
    rng = model.streams["vis"]
    centres = [i for i, k in enumerate(model.kis) if k.kind == "collective_centre"]
    counts = rng.poisson(b.vis_proposals_per_intermediary, size=len(centres))
    owner = np.repeat(np.array(centres, dtype=np.int64), counts)
    n = len(owner)
    if n == 0:
        return
    sigma = b.request_sigma
    grants = b.vis_project_grant * np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2.0)
    quality = np.array([model.kis[i].excellence for i in owner]) + b.proposal_noise * rng.standard_normal(n)
    pick = rng.random(n)
    smes_by_domain = [rows[f.is_sme[rows]] for rows in model.domain_rows]
    covers = [model.kis[int(o)].domains for o in owner]
    domain = [d[int(u * len(d))] for d, u in zip(covers, pick, strict=True)]
    # a proposal for a domain without SMEs has no group: it is not ranked, so it takes no budget
    fundable = np.array([len(smes_by_domain[d]) > 0 for d in domain], dtype=bool)
    funded = np.zeros(n, dtype=bool)
    funded[fundable] = fund_in_rank_order(quality[fundable], grants[fundable], pol.vis_budget)
    c = model.counters
    for i in np.flatnonzero(funded):
        ki = model.kis[int(owner[i])]
        pool = smes_by_domain[domain[i]]
        group = rng.choice(pool, size=min(b.vis_group_size, len(pool)), replace=False)
        f.knowledge[group] += b.vis_knowledge_gain
        model.agency.pay_institution(ki, float(grants[i]), vis=True)
        c.vis_projects += 1
        c.vis_participations += len(group)
        c.sme_participations += len(group)
        c.follower_participations += int(np.count_nonzero(f.follower[group]))

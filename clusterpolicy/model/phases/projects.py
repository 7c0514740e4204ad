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

from typing import TYPE_CHECKING

import numpy as np

from clusterpolicy.model import kernels
from clusterpolicy.model.agency import (
    CLUSTER,
    IBN_PROJECT,
    INDIVIDUAL,
    Consortia,
    Proposals,
    fund_in_rank_order,
    project_call,
)
from clusterpolicy.model.agents import IBN, KIND_CODE, ProjectBatch
from clusterpolicy.model.compiled import compiled

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
    kind = props.kind
    c.reserved_released += out.released
    c.privileged_project_spend += float(props.request[out.funded_privileged].sum())
    c.cluster_project_spend += float(props.request[out.funded & (kind == CLUSTER)].sum())
    c.open_project_spend += float(props.request[out.funded_open].sum())
    c.projects_privileged_funded += int(out.funded_privileged.sum())
    c.projects_cluster_open_funded += int((out.funded_open & (kind == CLUSTER)).sum())
    c.projects_individual_funded += int((out.funded & (kind == INDIVIDUAL)).sum())
    c.projects_ibn_funded += int((out.funded & (kind == IBN_PROJECT)).sum())
    c.proposals_rejected_budget += int(out.rejected_budget.sum())
    c.proposals_crowded_out += int(out.crowded_out.sum())
    model.firms_funded_last_call = int((out.funded & (kind == INDIVIDUAL)).sum())
    fund(model, props, np.flatnonzero(out.funded))


def proposals(model: ClusterPolicyModel) -> Proposals:
    """Individual proposals (vectorised) followed by spearhead-cluster and IBN consortium proposals."""
    b, pol = model.p.behaviour, model.p.policy
    f = model.firms
    rng = model.streams["projects"]
    for ki in model.kis:
        ki.projects_this_year = 0
    u = rng.random(f.n)
    noise = rng.standard_normal(f.n)
    p = np.where(f.is_sme, b.propose_prob_sme, b.propose_prob_large)
    p = np.where(f.follower, p * b.follower_propose_factor, p)
    cost_all = b.project_cost_share * f.own_rd
    rate = np.where(f.is_sme, pol.grant_rate_sme, pol.grant_rate_large)
    grant_all = np.minimum(rate * cost_all, pol.grant_max)
    rows = np.flatnonzero((u < p) & (grant_all >= pol.grant_min) & (grant_all > 0))
    request = grant_all[rows]
    quality = (
        f.capability[rows] + b.knowledge_quality_weight * f.knowledge[rows] + b.proposal_noise * noise[rows]
    )
    years = b.project_quarters / 4.0
    affordable = cost_all[rows] - request <= b.max_rd_share_private * years * f.own_rd[rows]
    eligible = (quality >= b.min_proposal_quality) & affordable
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
        kind=np.concatenate((np.full(len(rows), INDIVIDUAL), kinds)).astype(int),
        request=np.concatenate((request, requested)),
        score=np.concatenate((quality, scores)).astype(float),
        eligible=np.concatenate((eligible, elig)).astype(bool),
        individual_rows=rows,
        consortia=consortia,
        private=np.concatenate((cost_all[rows] - request, pol.min_private_match * requested)),
    )


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
    by_org = np.argsort(ms.org, kind="stable")
    lo_o = np.searchsorted(ms.org[by_org], orgs)
    hi_o = np.searchsorted(ms.org[by_org], orgs, side="right")
    size_o = hi_o - lo_o
    take = np.concatenate([by_org[a:z] for a, z in zip(lo_o, hi_o, strict=True)])
    pool = ms.firm[take]
    start_o = np.concatenate(([0], np.cumsum(size_o)[:-1]))
    owner = np.repeat(np.arange(len(orgs)), counts)  # proposal -> position in orgs
    lo, m = start_o[owner], size_o[owner]
    hi = lo + m
    w = f.own_rd[pool] + 1.0
    cw = np.cumsum(w)
    below = np.where(lo > 0, cw[np.maximum(lo - 1, 0)], 0.0)
    sizes = np.minimum(m, b.consortium_min_firms + rng.poisson(b.consortium_extra_firms, size=total))
    lead = np.clip(
        np.searchsorted(cw, below + rng.random(total) * (cw[hi - 1] - below), side="right"), lo, hi - 1
    )
    # the lead's past partners among the organisation's members: their weight is raised (one list per
    # lead, which leads several proposals of an organisation; a pool position is one organisation's)
    is_lead = np.zeros(len(pool), dtype=bool)
    is_lead[lead] = True
    leads = np.flatnonzero(is_lead)  # np.unique(lead, return_inverse=True), for positions in the pool
    group = (np.cumsum(is_lead) - 1)[lead]
    known_owner = known_pos = np.empty(0, dtype=np.int64)
    if b.relational_weight > 0 and len(model.links):
        of_lead, partner = kernels.adjacency(model).pairs(pool[leads])
        lead_org = np.repeat(orgs, size_o)[leads]
        row = ms.index_of(partner, lead_org[of_lead])
        at = np.full(len(ms), -1, dtype=np.int64)
        at[take] = np.arange(len(take))
        found = row >= 0
        known_owner, known_pos = of_lead[found], at[row[found]]
    picks = kernels.successive_sample(
        rng, w, lo, hi, lead, sizes, group, known_owner, known_pos, b.relational_weight
    )
    in_cons = picks >= 0
    safe = np.maximum(picks, 0)
    firms = pool[safe]
    sigma = b.request_sigma
    requests = mean_grant[owner] * np.exp(sigma * rng.standard_normal(total) - sigma**2 / 2.0)
    noise = rng.standard_normal(total)
    u_ki, u_pick = rng.random(total), rng.random(total)
    rd_years = b.max_rd_share_private * b.project_quarters / 4.0
    cap = np.where(in_cons, f.capability[firms], 0.0).sum(axis=1) / sizes
    know = np.where(in_cons, f.knowledge[firms], 0.0).sum(axis=1) / sizes
    capacity = np.where(in_cons, rd_years * f.own_rd[firms], 0.0).sum(axis=1)
    t = model.org_table
    excellence = t.excellence[orgs][owner]
    quality = (
        cap
        + b.knowledge_quality_weight * know
        + b.excellence_quality_bonus * excellence
        + b.proposal_noise * noise
    )
    ki = choose_institutions(model, t.domain[orgs][owner], u_ki, u_pick)
    with_ki = ki >= 0
    if with_ki.any():
        ki_excellence = np.array([i.excellence for i in model.kis])
        quality[with_ki] += b.ki_quality_bonus * ki_excellence[ki[with_ki]]
    share_w = np.where(in_cons, w[safe], 0.0)
    shares = (share_w / share_w.sum(axis=1)[:, None])[in_cons]
    cons = Consortia(
        rows=firms[in_cons],
        start=np.concatenate(([0], np.cumsum(sizes))).astype(np.int64),
        shares=shares,
        ki=ki,
        org=orgs[owner].astype(np.int64),
    )
    eligible = (capacity >= pol.min_private_match * requests) & (quality >= b.min_proposal_quality)
    return cons, requests, quality, eligible


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

    A firm's grant is spread over the project as subsidised R&D; the knowledge institution, if
    any, receives ``ki_grant_share`` of a consortium's grant.
    """
    b = model.p.behaviour
    f = model.firms
    n_ind = len(props.individual_rows)
    ind = funded[funded < n_ind]
    chosen = funded[funded >= n_ind] - n_ind  # funded consortia, in funded order
    cons = props.consortia
    grant = props.request[chosen + n_ind]
    ki = cons.ki[chosen]
    ki_amount = np.where(ki >= 0, grant * b.ki_grant_share, 0.0)
    model.agency.pay_institutions(ki[ki >= 0], ki_amount[ki >= 0])
    sizes = cons.sizes[chosen]
    at = cons.members_of(chosen)
    rows_a = np.concatenate((props.individual_rows[ind], cons.rows[at]))
    amounts_a = np.concatenate((props.request[ind], np.repeat(grant - ki_amount, sizes) * cons.shares[at]))
    org = cons.org[chosen]
    count = np.bincount(org, minlength=len(model.orgs))
    by_org = np.flatnonzero(count)
    for j, n in zip(by_org.tolist(), count[by_org].tolist(), strict=True):
        model.orgs[j].projects_funded += n
    project_of = np.repeat(np.arange(len(funded)), np.concatenate((np.ones(len(ind), dtype=np.int64), sizes)))
    model.agency.pay_firms(rows_a, amounts_a)
    c = model.counters
    c.sme_participations += int(np.count_nonzero(f.is_sme[rows_a]))
    c.follower_participations += int(np.count_nonzero(f.follower[rows_a]))
    c.private_project_match += float(props.private[funded].sum())
    add_subsidy(model, rows_a, amounts_a, b.project_quarters, eu=False)
    if len(chosen):
        # every pair of a funded consortium, its institution included, is a collaboration link
        ki_node = np.array([i.node for i in model.kis] + [-1], dtype=np.int64)  # ki -1: the last, no node
        start = np.concatenate(([0], np.cumsum(sizes)))
        codes = kernels.group_pair_codes(cons.rows[at], start, ki_node[ki], model.n_nodes)
        model.links = kernels.merge_sorted(model.links, codes)
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
        won = batch.firm_rows[success[batch.project_of]]
        times = np.bincount(won, minlength=f.n)
        f.innovations += times
        c.innovations_sme += int(times[f.is_sme].sum())
        c.innovations_follower += int(times[f.follower].sum())
        f.knowledge += b.knowledge_gain_project * times
        by_org = batch.org >= 0
        orgs = batch.org[by_org]
        finished = np.bincount(orgs, minlength=len(model.orgs))
        succeeded = np.bincount(orgs, weights=success[by_org], minlength=len(model.orgs))
        ended = np.flatnonzero(finished)
        for j, n, won in zip(
            ended.tolist(), finished[ended].tolist(), succeeded[ended].tolist(), strict=True
        ):
            org = model.orgs[j]
            org.projects_finished += n
            org.projects_succeeded += int(won)


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

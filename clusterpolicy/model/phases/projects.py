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
    Consortium,
    Proposals,
    fund_in_rank_order,
    project_call,
)
from clusterpolicy.model.agents import IBN, SPEARHEAD, ClusterOrganisation, ProjectBatch

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel


def envelope(model: ClusterPolicyModel) -> float:
    """This year's project envelope (EUR/yr): ``project_budget`` grown by ``project_budget_growth``."""
    pol = model.p.policy
    years = max(model.t, 0) // 4
    return pol.project_budget * (1.0 + pol.project_budget_growth) ** years


def privileged_amount(model: ClusterPolicyModel) -> float:
    """The privileged part of this year's envelope (EUR/yr): none before a spearhead has signed its pact."""
    if not model.policy_active or not any(o.privileged_access for o in model.orgs):
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
    kinds: list[int] = []
    requests: list[float] = []
    scores: list[float] = []
    elig: list[bool] = []
    consortia: list[Consortium] = []
    if model.policy_active:
        for org in model.orgs:
            spear = org.kind == SPEARHEAD and org.privileged_access
            ibn = org.kind == IBN and org.alive and org.supported and org.recognised
            if not (spear or ibn):
                continue
            members = org.members
            if len(members) < 2:
                continue
            rate_m = b.cluster_projects_per_member if spear else b.ibn_projects_per_member
            mean_grant = b.cluster_project_grant if spear else b.ibn_project_grant
            n = int(rng.poisson(rate_m * len(members)))
            cons, req, q, ok = consortia_of(model, org, members, n, mean_grant, rng)
            kinds += [CLUSTER if spear else IBN_PROJECT] * n
            requests += req
            scores += q
            elig += ok
            consortia += cons
    requested = np.array(requests, dtype=float)
    return Proposals(
        kind=np.concatenate((np.full(len(rows), INDIVIDUAL), np.array(kinds, dtype=int))),
        request=np.concatenate((request, requested)),
        score=np.concatenate((quality, np.array(scores, dtype=float))),
        eligible=np.concatenate((eligible, np.array(elig, dtype=bool))),
        individual_rows=rows,
        consortia=consortia,
        private=np.concatenate((cost_all[rows] - request, pol.min_private_match * requested)),
    )


def consortia_of(
    model: ClusterPolicyModel,
    org: ClusterOrganisation,
    members: np.ndarray,
    n: int,
    mean_grant: float,
    rng: np.random.Generator,
) -> tuple[list[Consortium], list[float], list[float], list[bool]]:
    """Draw ``n`` project proposals of an organisation: consortia, grant requests, quality, eligibility.

    Each consortium's lead is drawn by R&D size; further partners (``consortium_min_firms`` +
    Poisson(``consortium_extra_firms``) firms in all) by R&D size without replacement, weighted up by
    ``relational_weight`` when they have worked with the lead before (relational credit, after Cowan,
    Jonard & Zimmermann 2007). Consortia are drawn from the organisation's members whatever their other
    memberships. A knowledge institution covering the domain with capacity left joins with probability
    ``ki_partner_prob``. A proposal is eligible when its firms can commit ``min_private_match`` private
    euros per public euro from their R&D over the project, and its quality passes the merit threshold.
    """
    if n == 0:
        return [], [], [], []
    b, pol = model.p.behaviour, model.p.policy
    f = model.firms
    m = len(members)
    w = f.own_rd[members] + 1.0
    cw = np.cumsum(w)
    sizes = np.minimum(m, b.consortium_min_firms + rng.poisson(b.consortium_extra_firms, size=n))
    lead_pos = np.minimum(np.searchsorted(cw, rng.random(n) * cw[-1], side="right"), m - 1)
    # weighted sampling without replacement (Efraimidis & Spirakis): smallest exponential keys
    weight = np.broadcast_to(w, (n, m))
    if b.relational_weight > 0 and len(model.links):
        leads = members[lead_pos][:, None].astype(np.int64)
        lo, hi = np.minimum(leads, members[None, :]), np.maximum(leads, members[None, :])
        codes = (lo * model.n_nodes + hi).ravel()
        pos = np.minimum(np.searchsorted(model.links, codes), len(model.links) - 1)
        known = (model.links[pos] == codes).reshape(n, m)
        weight = weight * (1.0 + b.relational_weight * known)
    keys = rng.exponential(size=(n, m)) / weight
    keys[np.arange(n), lead_pos] = -1.0  # the lead comes first
    k = int(sizes.max())
    if k < m:  # the k smallest keys, in key order (a partial sort is enough)
        part = np.argpartition(keys, k - 1, axis=1)[:, :k]
        picks = np.take_along_axis(part, np.argsort(np.take_along_axis(keys, part, axis=1), axis=1), axis=1)
    else:
        picks = np.argsort(keys, axis=1)
    in_cons = np.arange(picks.shape[1])[None, :] < sizes[:, None]
    sigma = b.request_sigma
    requests = mean_grant * np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2.0)
    noise = rng.standard_normal(n)
    u_ki, u_pick = rng.random(n), rng.random(n)
    rd_years = b.max_rd_share_private * b.project_quarters / 4.0
    cap = np.where(in_cons, f.capability[members][picks], 0.0).sum(axis=1) / sizes
    know = np.where(in_cons, f.knowledge[members][picks], 0.0).sum(axis=1) / sizes
    capacity = np.where(in_cons, rd_years * f.own_rd[members][picks], 0.0).sum(axis=1)
    quality = (
        cap
        + b.knowledge_quality_weight * know
        + b.excellence_quality_bonus * org.excellence
        + b.proposal_noise * noise
    )
    consortia = []
    for i in range(n):
        rows = members[picks[i, : sizes[i]]]
        ki = -1
        if u_ki[i] < b.ki_partner_prob:
            avail = [
                j
                for j in model.kis_by_domain[org.domain]
                if model.kis[j].projects_this_year < model.kis[j].capacity
            ]
            if avail:
                ki = avail[int(u_pick[i] * len(avail))]
                model.kis[ki].projects_this_year += 1
                quality[i] += b.ki_quality_bonus * model.kis[ki].excellence
        shares = f.own_rd[rows] + 1.0
        consortia.append(Consortium(rows, shares / shares.sum(), ki, org.index))
    eligible = (capacity >= pol.min_private_match * requests) & (quality >= b.min_proposal_quality)
    return consortia, requests.tolist(), quality.tolist(), eligible.tolist()


def fund(model: ClusterPolicyModel, props: Proposals, funded: np.ndarray) -> None:
    """Pay the funded proposals, start their projects and record new collaboration links.

    A firm's grant is spread over the project as subsidised R&D; the knowledge institution, if
    any, receives ``ki_grant_share`` of a consortium's grant.
    """
    b = model.p.behaviour
    f = model.firms
    n_ind = len(props.individual_rows)
    ind = funded[funded < n_ind]
    rows = [props.individual_rows[ind]]
    amounts = [props.request[ind]]
    orgs: list[np.ndarray] = [np.full(len(ind), -1)]
    sizes: list[np.ndarray] = [np.ones(len(ind), dtype=np.int64)]
    new_links = []
    for i in funded[funded >= n_ind]:
        cons = props.consortia[i - n_ind]
        grant = float(props.request[i])
        ki_amount = grant * b.ki_grant_share if cons.ki >= 0 else 0.0
        if cons.ki >= 0:
            model.agency.pay_institution(model.kis[cons.ki], ki_amount)
            nodes = np.concatenate((cons.rows, [model.kis[cons.ki].node]))
        else:
            nodes = cons.rows
        new_links.append(kernels.pair_codes(nodes, model.n_nodes))
        rows.append(cons.rows)
        amounts.append((grant - ki_amount) * cons.shares)
        orgs.append(np.array([cons.org]))
        sizes.append(np.array([len(cons.rows)]))
        model.orgs[cons.org].projects_funded += 1
    project_of = np.repeat(np.arange(len(funded)), np.concatenate(sizes))
    rows_a, amounts_a = np.concatenate(rows), np.concatenate(amounts)
    model.agency.pay_firms(rows_a, amounts_a)
    c = model.counters
    c.sme_participations += int(np.count_nonzero(f.is_sme[rows_a]))
    c.follower_participations += int(np.count_nonzero(f.follower[rows_a]))
    c.private_project_match += float(props.private[funded].sum())
    add_subsidy(model, rows_a, amounts_a, b.project_quarters, eu=False)
    if new_links:
        model.links = np.union1d(model.links, np.concatenate(new_links))
    if len(funded):
        model.pending.append(
            ProjectBatch(
                ends=model.t + b.project_quarters,
                quality=props.score[funded],
                org=np.concatenate(orgs),
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
        for j in np.flatnonzero(batch.org >= 0):
            org = model.orgs[int(batch.org[j])]
            org.projects_finished += 1
            org.projects_succeeded += int(success[j])


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

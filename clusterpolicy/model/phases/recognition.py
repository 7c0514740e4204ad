"""Phase 2, recognition: initiatives apply and the agency recognises spearhead clusters and IBNs.

Only while the policy is in force. IBNs are recognised in competitive calls (``ibn_call_quarters``).
Spearhead clusters are recognised in one of two ways (``spearhead_recognition``):

* ``rolling`` (as it happened in Flanders: applications could be filed at any time and were assessed
  against the criteria as they arrived): in a domain without a spearhead, an initiative starts preparing
  (legacy structures that aim high at the policy's start; new consortia with chance ``initiative_hazard``
  a quarter, scaled by the domain's size; an IBN that meets the conditions of the IBN path); it needs
  ``preparation_quarters_min`` plus a geometric number of further quarters (mean
  ``preparation_quarters_extra_mean``) to assemble commitments and a plan; then it applies. The agency
  decides at most ``decisions_per_quarter`` applications a quarter, each at least
  ``decision_lag_quarters`` after it arrived, in order of arrival: it recognises an eligible application
  whose assessed score reaches ``spearhead_min_score`` while there is a slot (``spearhead_cap``) and room
  in the operating-grant budget; a rejected initiative prepares again. A recognised spearhead first
  negotiates its cluster pact for ``pact_quarters``; only then can its members' projects use privileged
  project money.
* ``call`` (the concept note's competitive call): applications are decided in ``spearhead_call_quarters``
  and the agency takes them in its order (jury, first-come-first-served or lottery) until the slots are
  filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from clusterpolicy.model import kernels
from clusterpolicy.model.agency import select
from clusterpolicy.model.agents import IBN, LEGACY, SPEARHEAD, Application, ClusterOrganisation
from clusterpolicy.model.phases.cofinancing import grant_cap, plan_budget
from clusterpolicy.model.phases.membership import join

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel


@dataclass
class Initiative:
    """A spearhead initiative preparing its application (rolling recognition).

    Attributes:
        domain: its domain.
        excellence: the excellence of the organisation it would be (or is).
        reach: the share of its domain's firms it approaches for commitments.
        org: the legacy structure or IBN behind it, or None for a new consortium.
        ready_at: the quarter its application is ready.
    """

    domain: int
    excellence: float
    reach: float
    org: ClusterOrganisation | None
    ready_at: int


@dataclass
class Queued:
    """An application waiting for the agency's decision (rolling recognition)."""

    app: Application
    arrived: int
    initiative: Initiative


def run(model: ClusterPolicyModel) -> None:
    """Calls on the calendar, or rolling spearhead recognition (see the module docstring)."""
    if not model.policy_active:
        return
    if model.p.policy.spearhead_recognition == "rolling":
        rolling(model)
    elif model.t in model.spearhead_calls:
        call(model, SPEARHEAD)
    if model.t in model.ibn_calls:
        call(model, IBN)


def active_spearheads(model: ClusterPolicyModel) -> list[ClusterOrganisation]:
    """Recognised spearhead clusters that exist."""
    return [o for o in model.orgs if o.alive and o.kind == SPEARHEAD and o.recognised]


def slots(model: ClusterPolicyModel, kind: str) -> int:
    """How many more organisations of ``kind`` may be recognised now: the cap and the operating budget."""
    pol = model.p.policy
    room = model.agency.operating_room(kind, grant_cap(model, kind))
    if kind == SPEARHEAD:
        return min(pol.spearhead_cap - len(active_spearheads(model)), room)
    return min(pol.ibn_max_per_call, room)


def aims_high(model: ClusterPolicyModel, org: ClusterOrganisation, members: int) -> bool:
    """A legacy structure aims at a spearhead when it has enough members.

    Enough: the smaller of the spearhead minimum and ``legacy_spearhead_multiple`` times the IBN minimum.
    """
    pol, b = model.p.policy, model.p.behaviour
    return members >= min(pol.spearhead_min_members, b.legacy_spearhead_multiple * pol.ibn_min_members)


def on_ibn_path(model: ClusterPolicyModel, org: ClusterOrganisation, members: int) -> bool:
    """An IBN may apply to become a spearhead.

    The path exists (``ibn_to_spearhead``), and it has been a recognised IBN for ``ibn_path_min_years``,
    has the spearhead minimum of members, and scored at least ``ibn_path_min_score`` at its last
    evaluation.
    """
    pol = model.p.policy
    return (
        pol.ibn_to_spearhead
        and org.alive
        and org.kind == IBN
        and org.recognised
        and org.recognised_at is not None
        and model.t - org.recognised_at >= 4 * pol.ibn_path_min_years
        and members >= pol.spearhead_min_members
        and org.last_score is not None
        and org.last_score >= pol.ibn_path_min_score
    )


# ---------------------------------------------------------------------------------------- calls
def call(model: ClusterPolicyModel, kind: str) -> None:
    """A competitive call: applications, the agency's selection, recognitions."""
    pol = model.p.policy
    apps = call_applications(model, kind)
    if not apps:
        return
    if kind == SPEARHEAD:
        chosen = select(
            apps,
            pol.selection,
            slots(model, SPEARHEAD),
            model.streams["selection"],
            blocked_domains=frozenset(o.domain for o in active_spearheads(model)),
            one_per_domain=True,
        )
    else:
        chosen = select(
            apps, pol.selection, slots(model, IBN), model.streams["selection"], min_score=pol.ibn_min_score
        )
    for i in chosen:
        recognise(model, apps[i])


def call_applications(model: ClusterPolicyModel, kind: str) -> list[Application]:
    """Applications to a call: legacy structures, IBNs aiming higher, and new initiatives."""
    pol, b = model.p.policy, model.p.behaviour
    rng = model.streams["formation"]
    n_dom = model.p.population.n_domains
    spear_domains = {o.domain for o in active_spearheads(model)}
    min_members = pol.spearhead_min_members if kind == SPEARHEAD else pol.ibn_min_members
    counts = model.memberships.per_org(len(model.orgs))
    candidates: list[tuple[int, float, ClusterOrganisation | None, float]] = []
    for o in model.orgs:
        if not o.alive:
            continue
        size = int(counts[o.index])
        if o.kind == LEGACY and not o.recognised:
            if aims_high(model, o, size) == (kind == SPEARHEAD):
                candidates.append((o.domain, o.excellence, o, b.reach_legacy))
        elif kind == SPEARHEAD and on_ibn_path(model, o, size):
            candidates.append((o.domain, o.excellence, o, 1.0))
    # fixed-size draws per domain, so the formation stream stays aligned across scenarios
    k_max = b.initiatives_max_per_domain
    new = rng.poisson(b.initiative_rate * n_dom * model.domain_weights)
    exc = rng.beta(b.excellence_alpha, b.excellence_beta, size=(n_dom, k_max))
    lo, hi = (
        (b.reach_spearhead_min, b.reach_spearhead_max)
        if kind == SPEARHEAD
        else (b.reach_ibn_min, b.reach_ibn_max)
    )
    reach = rng.uniform(lo, hi, size=(n_dom, k_max))
    for d in range(n_dom):
        for k in range(min(int(new[d]), k_max)):
            candidates.append((d, float(exc[d, k]), None, float(reach[d, k])))
    apps = [
        application(model, kind, d, e, o, r, min_members)
        for d, e, o, r in candidates
        if not (kind == SPEARHEAD and d in spear_domains)
    ]
    sel = model.streams["selection"]
    noise = sel.standard_normal(len(apps))
    arrival = sel.random(len(apps))
    for a, z, arr in zip(apps, noise, arrival, strict=True):
        a.jury_score = jury_score(model, a, float(z))
        a.arrival = float(arr)
    return apps


def jury_score(model: ClusterPolicyModel, app: Application, z: float) -> float:
    """Weighted mean of the three criteria (``jury_weight_*``) plus ``jury_noise`` x z."""
    pol = model.p.policy
    w = (pol.jury_weight_valorisation, pol.jury_weight_support, pol.jury_weight_excellence)
    crit = (app.valorisation, app.support, app.excellence)
    return float(np.dot(w, crit) / sum(w) + pol.jury_noise * z)


def application(
    model: ClusterPolicyModel,
    kind: str,
    domain: int,
    excellence: float,
    org: ClusterOrganisation | None,
    reach: float,
    min_members: int,
) -> Application:
    """Build an application: who would commit, and the three criteria.

    The firms that may commit are the applicant's own members and the firms active in its domain (as
    their main or second domain) that it reaches -- its niche -- whatever their other memberships;
    those for which one more membership would pay
    (:func:`clusterpolicy.model.kernels.pair_utility`, with the fees the organisation would set
    at the minimum size and the first year's grant share) commit.
    """
    pol, b = model.p.policy, model.p.behaviour
    f = model.firms
    ms = model.memberships
    rng = model.streams["formation"]
    firms = model.active_rows[domain]
    reached = rng.random(len(firms)) < reach  # the domain's firms do not depend on the policy (CRN)
    own_rows = org.members if org is not None else np.empty(0, dtype=np.int64)
    niche = np.zeros(f.n, dtype=bool)
    niche[own_rows] = True
    niche[firms[reached]] = True
    pool = np.flatnonzero(niche)
    n_pool = len(pool)
    n_expected = max(len(own_rows), min_members)
    spearhead = kind == SPEARHEAD
    weights = kernels.fee_weights(f.is_sme[pool], np.full(n_pool, spearhead), kernels.fee_rules(model))
    mean_weight = float(weights.mean()) if n_pool else 1.0
    plan = plan_budget(model, kind, n_expected, n_expected * mean_weight, pol.operating_grant_share)
    societal = org.societal if org is not None else False
    others = ms.per_firm(f.n)[pool]
    if org is not None:
        others = others - ms.contains(pool, np.full(n_pool, org.index))
    relevance = np.where(f.domain[pool] == domain, 1.0, b.second_domain_relevance)
    u = kernels.org_utilities(
        pool,
        f.is_sme,
        f.own_rd,
        f.taste,
        spearhead,
        excellence * (b.societal_value_factor if societal else 1.0),
        float(plan.activity),
        float(kernels.network_value(model, float(n_expected))),
        float(plan.unit_fee),
        pol.in_kind_share_max > 0,
        spearhead,
        b.membership_overlap ** np.asarray(others, dtype=float),
        relevance,
        kernels.utility_rules(model),
    )
    committed = pool[u > b.join_threshold]
    n = len(committed)
    sme_share = float(np.count_nonzero(f.is_sme[committed])) / n if n else 0.0
    capability = float(f.capability[committed].mean()) if n else 0.0
    vw = b.valorisation_domain_weight
    valorisation = vw * float(model.domain_strength[domain]) + (1.0 - vw) * capability
    sw = b.support_size_weight
    support = sw * min(1.0, n / (b.support_full_multiple * min_members)) + (1.0 - sw) * sme_share
    eligible = n >= min_members and sme_share >= pol.min_sme_share
    if kind == SPEARHEAD:
        eligible = eligible and any(
            domain in ki.domains for ki in model.kis if ki.kind != "collective_centre"
        )
    return Application(
        kind=kind,
        domain=domain,
        excellence=excellence,
        committed=committed,
        valorisation=valorisation,
        support=support,
        org=org,
        eligible=eligible,
        societal=societal,
        sme_share=sme_share,
        niche=niche,
    )


def recognise(model: ClusterPolicyModel, app: Application) -> ClusterOrganisation:
    """Recognise an application: a new organisation, or a legacy structure or IBN converted.

    The agreement starts now: project years run from here, support ends after the kind's support
    years (the sunset), and a spearhead negotiates its cluster pact for ``pact_quarters``. The
    organisation plans its fees for its size, and its members and committed firms join.
    """
    pol = model.p.policy
    f = model.firms
    org = app.org
    if org is None:
        org = ClusterOrganisation(model, app.kind, app.domain, app.excellence, app.societal)
    elif org.kind == IBN and app.kind == SPEARHEAD:
        model.counters.ibns_upgraded += 1
    org.kind = app.kind
    org.recognised = org.supported = org.ever_recognised = True
    org.anchor = org.recognised_at = model.t
    org.unviable_years = 0
    years = pol.support_years_spearhead if app.kind == SPEARHEAD else pol.support_years_ibn
    org.support_until = model.t + 4 * years
    org.pact_until = model.t + pol.pact_quarters if app.kind == SPEARHEAD else None
    org.note(f"recognised as {app.kind}")
    if app.niche is not None:
        org.niche |= app.niche
    c = model.counters
    if app.kind == SPEARHEAD:
        c.spearheads_recognised += 1
    else:
        c.ibns_recognised += 1
    c.selected_quality_sum += app.quality
    c.selected_count += 1
    rows = np.union1d(org.members, app.committed)
    code = kernels.KIND_CODE[org.kind]
    weight = float(kernels.fee_weight(model, f.is_sme[rows], np.full(len(rows), code)).sum())
    plan = plan_budget(model, org.kind, len(rows), weight, pol.operating_grant_share)
    org.unit_fee, org.activity, org.budget_target = plan.unit_fee, plan.activity, plan.target
    join(model, app.committed, org)
    return org


# ---------------------------------------------------------------------------------------- rolling
def rolling(model: ClusterPolicyModel) -> None:
    """Rolling spearhead recognition: initiatives prepare, apply, and are decided as they arrive."""
    pol, b = model.p.policy, model.p.behaviour
    n_dom = model.p.population.n_domains
    rng = model.streams["recognition"]
    # fixed-size draws every quarter (common random numbers)
    u_start = rng.random(n_dom)
    extra_p = 1.0 / (1.0 + b.preparation_quarters_extra_mean)
    prep = b.preparation_quarters_min + rng.geometric(extra_p, size=n_dom) - 1
    exc = rng.beta(b.excellence_alpha, b.excellence_beta, size=n_dom)
    reach = rng.uniform(b.reach_spearhead_min, b.reach_spearhead_max, size=n_dom)
    spear_domains = {o.domain for o in active_spearheads(model)}
    busy = {i.domain for i in model.initiatives} | {q.initiative.domain for q in model.queue}
    counts = model.memberships.per_org(len(model.orgs))

    def start(domain: int, excellence: float, reach_: float, org: ClusterOrganisation | None) -> None:
        model.initiatives.append(Initiative(domain, excellence, reach_, org, model.t + int(prep[domain])))
        busy.add(domain)

    # organisations that aim high: legacy structures (from the policy's start) and IBNs on the path
    for o in sorted(
        (o for o in model.orgs if o.alive and not (o.kind == SPEARHEAD and o.recognised)),
        key=lambda o: (-int(counts[o.index]), o.index),
    ):
        if o.domain in busy or o.domain in spear_domains:
            continue
        size = int(counts[o.index])
        legacy = o.kind == LEGACY and not o.recognised and aims_high(model, o, size)
        if legacy or on_ibn_path(model, o, size):
            start(o.domain, o.excellence, b.reach_legacy if legacy else 1.0, o)
    # new consortia
    hazard = np.minimum(1.0, b.initiative_hazard * n_dom * model.domain_weights)
    for d in range(n_dom):
        if d not in busy and d not in spear_domains and u_start[d] < hazard[d]:
            start(d, float(exc[d]), float(reach[d]), None)
    # initiatives whose preparation is done apply
    for ini in [i for i in model.initiatives if model.t >= i.ready_at]:
        model.initiatives.remove(ini)
        app = application(
            model, SPEARHEAD, ini.domain, ini.excellence, ini.org, ini.reach, pol.spearhead_min_members
        )
        model.queue.append(Queued(app, model.t, ini))
    # the agency decides, in order of arrival
    decided = 0
    sel = model.streams["selection"]
    for q in list(model.queue):
        if decided >= pol.decisions_per_quarter:
            break
        if model.t - q.arrived < pol.decision_lag_quarters:
            continue
        if q.app.domain in {o.domain for o in active_spearheads(model)}:
            model.queue.remove(q)  # the domain has its spearhead now
            continue
        if q.app.org is not None and not q.app.org.alive:
            model.queue.remove(q)
            continue
        if slots(model, SPEARHEAD) <= 0:
            break  # no slot: applications wait
        decided += 1
        model.queue.remove(q)
        q.app.jury_score = jury_score(model, q.app, float(sel.standard_normal()))
        if q.app.eligible and q.app.jury_score >= pol.spearhead_min_score:
            recognise(model, q.app)
        else:
            ini = q.initiative
            model.initiatives.append(
                Initiative(ini.domain, ini.excellence, ini.reach, ini.org, model.t + int(prep[ini.domain]))
            )

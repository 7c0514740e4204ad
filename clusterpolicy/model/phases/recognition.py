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
from itertools import accumulate
from typing import TYPE_CHECKING

import numpy as np

from clusterpolicy.model import kernels
from clusterpolicy.model.agency import select
from clusterpolicy.model.agents import (
    IBN,
    IBN_CODE,
    LEGACY,
    LEGACY_CODE,
    NO_ORG,
    SPEARHEAD,
    SPEARHEAD_CODE,
    Application,
    ClusterOrganisation,
)
from clusterpolicy.model.compiled import compiled
from clusterpolicy.model.phases.cofinancing import grant_cap, plan_of, year_rules
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


def active_spearheads(model: ClusterPolicyModel) -> np.ndarray:
    """The recognised spearhead clusters that exist: their rows of the org table (:func:`spearhead_rows`)."""
    t = model.org_table
    return spearhead_rows(t.n, t.kind, t.alive, t.recognised)


def spearhead_domains(model: ClusterPolicyModel) -> np.ndarray:
    """Per domain: a recognised spearhead cluster that exists is in it."""
    has = np.zeros(model.p.population.n_domains, dtype=bool)
    has[model.org_table.domain[active_spearheads(model)]] = True
    return has


@compiled
def spearhead_rows(n: int, kind: np.ndarray, alive: np.ndarray, recognised: np.ndarray) -> np.ndarray:
    """The recognised spearhead clusters that exist among the first ``n`` organisations (OrgTable columns)."""
    out = np.empty(n, dtype=np.int64)
    k = 0
    for j in range(n):
        if alive[j] and kind[j] == SPEARHEAD_CODE and recognised[j]:
            out[k] = j
            k += 1
    return out[:k]


def slots(model: ClusterPolicyModel, kind: str) -> int:
    """How many more organisations of ``kind`` may be recognised now: the cap and the operating budget."""
    pol = model.p.policy
    if kind == SPEARHEAD:
        free = pol.spearhead_cap - len(active_spearheads(model))
        if free <= 0:
            return free  # the budget's room, never negative, does not matter then
        return min(free, model.agency.operating_room(kind, grant_cap(model, kind)))
    return min(pol.ibn_max_per_call, model.agency.operating_room(kind, grant_cap(model, kind)))


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
            blocked_domains=frozenset(model.org_table.domain[active_spearheads(model)].tolist()),
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
    spear_domains = spearhead_domains(model)
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
    apps = applications(
        model, kind, [c for c in candidates if not (kind == SPEARHEAD and spear_domains[c[0]])], min_members
    )
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


def applications(
    model: ClusterPolicyModel,
    kind: str,
    candidates: list[tuple[int, float, ClusterOrganisation | None, float]],
    min_members: int,
) -> list[Application]:
    """Build the applications of ``candidates`` (domain, excellence, org, reach), in their order.

    For each: who would commit, and the three criteria. The firms that may commit are the applicant's
    own members and the firms active in its domain (as their main or second domain) that it reaches --
    its niche -- whatever their other memberships; those for which one more membership would pay
    (:func:`clusterpolicy.model.kernels.pair_utility`, with the fees the organisation would set at the
    minimum size and the first year's grant share) commit. The memberships are those of now, the same
    for every candidate (none joins before all are built); which firms each reaches is drawn in the
    candidates' order. The niches are one compiled loop (:func:`niches`), and so are the fees and
    utilities of all of them (:func:`assess`).
    """
    if not candidates:
        return []
    pol, b = model.p.policy, model.p.behaviour
    f = model.firms
    rng = model.streams["formation"]
    spearhead = kind == SPEARHEAD
    firms = [model.active_rows[c[0]] for c in candidates]
    # the domain's firms do not depend on the policy (CRN)
    draws = [rng.random(len(rows)) for rows in firms]
    niche, pool_all, bounds, others, n_own = niches(
        *flat(firms),
        np.concatenate(draws),
        np.array([c[3] for c in candidates]),
        np.array([org.index if org is not None else NO_ORG for _, _, org, _ in candidates], dtype=np.int64),
        model.memberships.slot,
        model.memberships.per_firm(f.n),
    )
    n_expected = np.empty(len(candidates))
    excellence = np.empty(len(candidates))
    network = np.empty(len(candidates))
    network_of: dict[int, float] = {}  # the network value by the number of members expected
    for a, (_, exc, org, _) in enumerate(candidates):
        n = max(int(n_own[a]), min_members)
        n_expected[a] = n
        societal = org.societal if org is not None else False
        excellence[a] = exc * (b.societal_value_factor if societal else 1.0)
        if n not in network_of:
            network_of[n] = float(kernels.network_value(model, float(n)))
        network[a] = network_of[n]
    domains = np.array([c[0] for c in candidates], dtype=np.int64)
    decay = b.membership_overlap ** others.astype(float)
    committed_rows, n_committed, n_sme, capability_sum = assess(
        pool_all,
        bounds,
        domains,
        n_expected,
        excellence,
        network,
        kernels.KIND_CODE[kind],
        pol.operating_grant_share,
        spearhead,
        pol.in_kind_share_max > 0,
        f.is_sme,
        f.own_rd,
        f.taste,
        f.capability,
        f.domain,
        decay,
        b.second_domain_relevance,
        b.join_threshold,
        *year_rules(model)[:4],  # the kinds' terms: core, per_member, grant_cap, fee_cap
        kernels.utility_rules(model),
    )
    ki_domains: set[int] | None = None
    out = []
    for a, (domain, exc, org, _) in enumerate(candidates):
        n = int(n_committed[a])
        committed = committed_rows[bounds[a] : bounds[a] + n]
        sme_share = float(n_sme[a]) / n if n else 0.0
        capability = float(capability_sum[a]) / n if n else 0.0
        vw = b.valorisation_domain_weight
        valorisation = vw * float(model.domain_strength[domain]) + (1.0 - vw) * capability
        sw = b.support_size_weight
        support = sw * min(1.0, n / (b.support_full_multiple * min_members)) + (1.0 - sw) * sme_share
        eligible = n >= min_members and sme_share >= pol.min_sme_share
        if spearhead and eligible:
            if ki_domains is None:  # domains with a knowledge institution other than a collective centre
                ki_domains = {d for ki in model.kis if ki.kind != "collective_centre" for d in ki.domains}
            eligible = domain in ki_domains
        out.append(
            Application(
                kind=kind,
                domain=domain,
                excellence=exc,
                committed=committed,
                valorisation=valorisation,
                support=support,
                org=org,
                eligible=eligible,
                societal=org.societal if org is not None else False,
                sme_share=sme_share,
                niche=niche[a],
            )
        )
    return out


def flat(arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``arrays`` end to end, and where each starts (and, last, where the last ends)."""
    return np.concatenate(arrays), np.array([0, *accumulate(len(x) for x in arrays)], dtype=np.int64)


@compiled
def niches(
    firms: np.ndarray,
    firm_bounds: np.ndarray,
    draws: np.ndarray,
    reach: np.ndarray,
    orgs: np.ndarray,
    slot: np.ndarray,
    per_firm: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The niche of each of a batch of candidates, and the firms it may win.

    Candidate ``a`` reaches the firms ``firms[firm_bounds[a]:firm_bounds[a + 1]]`` of its domain (sorted
    and distinct) whose ``draws`` are below ``reach[a]``; its niche is those and the members of its
    organisation ``orgs[a]`` (:data:`~clusterpolicy.model.agents.NO_ORG` for a new consortium), the
    firms ``i`` with a membership row ``slot[orgs[a], i]`` (``Memberships.slot``, -1 for none).
    ``per_firm`` is the number of memberships of every firm.

    Returns:
        ``niche[a, i]``: firm ``i`` is in candidate ``a``'s niche; the firms of the niches end to end,
        each niche's in the order of their rows, with ``bounds`` where each starts (and, last, where the
        last ends); per such firm its memberships besides the candidate's own (``others``); and per
        candidate the members of its organisation (``n_own``).
    """
    n_cand, n_firms = len(reach), len(per_firm)
    n_rows, n_cols = slot.shape
    niche = np.zeros((n_cand, n_firms), dtype=np.bool_)
    n_own = np.zeros(n_cand, dtype=np.int64)
    for a in range(n_cand):
        if orgs[a] != NO_ORG and orgs[a] < n_rows:
            for j in range(min(n_firms, n_cols)):
                if slot[orgs[a], j] >= 0:
                    niche[a, j] = True
                    n_own[a] += 1
    bounds = np.zeros(n_cand + 1, dtype=np.int64)
    pool = np.empty(len(firms) + n_own.sum(), dtype=np.int64)
    others = np.empty(len(pool), dtype=np.int64)
    k = 0
    for a in range(n_cand):
        org = orgs[a]
        if n_own[a] == 0:  # a new consortium or one without members: the reached firms, already in order
            for i in range(firm_bounds[a], firm_bounds[a + 1]):
                if draws[i] < reach[a]:
                    niche[a, firms[i]] = True
                    pool[k] = firms[i]
                    others[k] = per_firm[firms[i]]
                    k += 1
        else:  # its members (marked above) and the reached firms, in the order of their rows
            for i in range(firm_bounds[a], firm_bounds[a + 1]):
                if draws[i] < reach[a]:
                    niche[a, firms[i]] = True
            for j in range(n_firms):
                if niche[a, j]:
                    pool[k] = j
                    own = j < n_cols and slot[org, j] >= 0
                    others[k] = per_firm[j] - 1 if own else per_firm[j]
                    k += 1
        bounds[a + 1] = k
    return niche, pool[:k], bounds, others[:k], n_own


@compiled
def assess(
    pool: np.ndarray,
    bounds: np.ndarray,
    domains: np.ndarray,
    n_expected: np.ndarray,
    excellence: np.ndarray,
    network: np.ndarray,
    code: int,
    share: float,
    spearhead: bool,
    in_kind: bool,
    is_sme: np.ndarray,
    own_rd: np.ndarray,
    taste: np.ndarray,
    capability: np.ndarray,
    domain_of: np.ndarray,
    decay: np.ndarray,
    second_relevance: float,
    threshold: float,
    core: np.ndarray,
    per_member: np.ndarray,
    cap: np.ndarray,
    fee_cap: np.ndarray,
    rules: kernels.UtilityRules,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Who would commit to each of a batch of applications of one kind (kind code ``code``).

    Application ``a`` is to an organisation in domain ``domains[a]`` of excellence ``excellence[a]`` (as
    members experience it) and network value ``network[a]`` that expects ``n_expected[a]`` members; the
    firms it may win are ``pool[bounds[a]:bounds[a + 1]]``, with the ``decay`` of each; the organisation
    is fully relevant to a firm whose main domain (``domain_of``) is its domain, ``second_relevance`` to
    one for which it is the second domain. Its fees are those
    of its year plan (:func:`~clusterpolicy.model.phases.cofinancing.plan_of`, grant share
    ``share``, the kinds' terms ``core`` to ``fee_cap``) for ``n_expected[a]`` members of the pool's
    mean fee weight (1 for an empty pool); a firm commits when its utility
    (:func:`~clusterpolicy.model.kernels.org_utilities`) exceeds ``threshold``.

    Returns:
        the committed firms, application ``a``'s ``n_committed[a]`` of them from ``bounds[a]`` on (in
        pool order; the rest of the array is unused); per application the number of committed firms
        ``n_committed``, of committed SMEs, and the sum of their capabilities (NumPy's sum,
        :func:`kernels.pairwise_sum`).
    """
    n_apps = len(bounds) - 1
    weight = np.empty(n_apps)
    for a in range(n_apps):
        lo, hi = bounds[a], bounds[a + 1]
        w = np.empty(hi - lo)
        for i in range(lo, hi):
            w[i - lo] = kernels.fee_weight_of(is_sme[pool[i]], spearhead, rules.fees)
        mean_weight = kernels.pairwise_sum(w) / (hi - lo) if hi > lo else 1.0
        weight[a] = n_expected[a] * mean_weight
    unit_fee = np.empty(n_apps)
    activity = np.empty(n_apps)
    for a in range(n_apps):
        plan = plan_of(code, n_expected[a], weight[a], share, core, per_member, cap, fee_cap)
        unit_fee[a], activity[a] = plan[1], plan[4]
    committed = np.zeros(len(pool), dtype=np.int64)
    n_committed = np.zeros(n_apps, dtype=np.int64)
    n_sme = np.zeros(n_apps, dtype=np.int64)
    capability_sum = np.zeros(n_apps)
    for a in range(n_apps):
        lo, hi = bounds[a], bounds[a + 1]
        relevance = np.empty(hi - lo)
        for i in range(hi - lo):
            relevance[i] = 1.0 if domain_of[pool[lo + i]] == domains[a] else second_relevance
        u = kernels.org_utilities(
            pool[lo:hi],
            is_sme,
            own_rd,
            taste,
            spearhead,
            excellence[a],
            activity[a],
            network[a],
            unit_fee[a],
            in_kind,
            spearhead,
            decay[lo:hi],
            relevance,
            rules,
        )
        values = np.empty(hi - lo)
        k = 0
        for i in range(hi - lo):
            if u[i] > threshold:
                firm = pool[lo + i]
                committed[lo + k] = firm
                values[k] = capability[firm]
                k += 1
                if is_sme[firm]:
                    n_sme[a] += 1
        n_committed[a] = k
        capability_sum[a] = kernels.pairwise_sum(values[:k])
    return committed, n_committed, n_sme, capability_sum


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
    rows = app.committed  # sorted and distinct (a part of the application's pool)
    if app.org is not None:  # and the organisation's members, in the order of their rows
        in_org = np.zeros(f.n, dtype=bool)
        in_org[org.members] = True
        in_org[rows] = True
        rows = np.flatnonzero(in_org)
    target, unit_fee, activity = first_plan(
        rows,
        f.is_sme,
        org.kind == SPEARHEAD,
        kernels.KIND_CODE[org.kind],
        pol.operating_grant_share,
        *year_rules(model)[:4],  # the kinds' terms: core, per_member, grant_cap, fee_cap
        kernels.fee_rules(model),
    )
    org.unit_fee, org.activity, org.budget_target = float(unit_fee), float(activity), float(target)
    join(model, app.committed, org)
    return org


@compiled
def first_plan(
    rows: np.ndarray,
    is_sme: np.ndarray,
    spearhead: bool,
    code: int,
    share: float,
    core: np.ndarray,
    per_member: np.ndarray,
    cap: np.ndarray,
    fee_cap: np.ndarray,
    fees: kernels.FeeRules,
) -> tuple[float, float, float]:
    """The year plan of a newly recognised organisation (kind code ``code``) whose members are ``rows``.

    :func:`~clusterpolicy.model.phases.cofinancing.plan_of` for ``len(rows)`` members of the total
    fee weight of ``rows`` (:func:`~clusterpolicy.model.kernels.fee_weight_of`, added as NumPy adds),
    grant share ``share`` and the kinds' terms ``core`` to ``fee_cap``.

    Returns:
        the budget at full activity, the unit fee and the activity.
    """
    weights = np.empty(len(rows))
    for i in range(len(rows)):
        weights[i] = kernels.fee_weight_of(is_sme[rows[i]], spearhead, fees)
    target, unit, _, _, activity = plan_of(
        code, float(len(rows)), kernels.pairwise_sum(weights), share, core, per_member, cap, fee_cap
    )
    return target, unit, activity


# ---------------------------------------------------------------------------------------- rolling
def rolling(model: ClusterPolicyModel) -> None:
    """Rolling spearhead recognition: initiatives prepare, apply, and are decided as they arrive."""
    pol, b = model.p.policy, model.p.behaviour
    n_dom = model.p.population.n_domains
    rng = model.streams["recognition"]
    # fixed-size draws every quarter (common random numbers)
    u_start = rng.random(n_dom)
    extra_p = 1.0 / (1.0 + b.preparation_quarters_extra_mean)
    extra = rng.geometric(extra_p, size=n_dom)  # the geometric number of further quarters, plus one
    exc = rng.beta(b.excellence_alpha, b.excellence_beta, size=n_dom)
    reach = rng.uniform(b.reach_spearhead_min, b.reach_spearhead_max, size=n_dom)
    t = model.org_table
    spear_domains = spearhead_domains(model)
    busy = spear_domains.copy()  # domains with a spearhead, an initiative preparing or an application
    for i in model.initiatives:
        busy[i.domain] = True
    for q in model.queue:
        busy[q.initiative.domain] = True

    def ready_at(domain: int) -> int:
        """The quarter an initiative in ``domain`` that starts preparing now is ready to apply."""
        return model.t + int(b.preparation_quarters_min + extra[domain] - 1)

    def start(domain: int, excellence: float, reach_: float, org: ClusterOrganisation | None) -> None:
        model.initiatives.append(Initiative(domain, excellence, reach_, org, ready_at(domain)))
        busy[domain] = True

    # organisations that aim high, the larger first: legacy structures (from the policy's start) and
    # IBNs on the path, in a domain without a spearhead or an initiative
    free = may_aim_high(t.n, t.kind, t.alive, t.recognised, t.domain, busy)
    if len(free):
        counts = model.memberships.per_org(len(model.orgs))
        for index in sorted(free.tolist(), key=lambda j: -int(counts[j])):  # stable: equals by row
            o = model.orgs[index]
            if busy[o.domain]:
                continue  # a larger one started in its domain
            size = int(counts[index])
            legacy = o.kind == LEGACY and not o.recognised and aims_high(model, o, size)
            if legacy or on_ibn_path(model, o, size):
                start(o.domain, o.excellence, b.reach_legacy if legacy else 1.0, o)
    # new consortia
    for d in new_consortia(u_start, b.initiative_hazard * n_dom, model.domain_weights, busy).tolist():
        start(d, float(exc[d]), float(reach[d]), None)
    # initiatives whose preparation is done apply
    ready = [i for i in model.initiatives if model.t >= i.ready_at]
    if ready:
        model.initiatives[:] = [i for i in model.initiatives if model.t < i.ready_at]
        specs = [(i.domain, i.excellence, i.org, i.reach) for i in ready]
        apps = applications(model, SPEARHEAD, specs, pol.spearhead_min_members)
        model.queue.extend(Queued(app, model.t, ini) for app, ini in zip(apps, ready, strict=True))
    # the agency decides, in order of arrival
    decided = 0
    sel = model.streams["selection"]
    for q in list(model.queue):
        if decided >= pol.decisions_per_quarter:
            break
        if model.t - q.arrived < pol.decision_lag_quarters:
            continue
        if spear_domains[q.app.domain]:
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
            spear_domains = spearhead_domains(model)
        else:
            ini = q.initiative
            model.initiatives.append(
                Initiative(ini.domain, ini.excellence, ini.reach, ini.org, ready_at(ini.domain))
            )


@compiled
def may_aim_high(
    n: int, kind: np.ndarray, alive: np.ndarray, recognised: np.ndarray, domain: np.ndarray, busy: np.ndarray
) -> np.ndarray:
    """The organisations that may aim at a spearhead in a domain not ``busy``, in the order of their rows.

    Of the first ``n`` organisations (OrgTable columns ``kind`` to ``domain``): the IBNs and the legacy
    structures not recognised that exist, in a domain ``d`` with ``busy[d]`` false.
    """
    out = np.empty(n, dtype=np.int64)
    k = 0
    for j in range(n):
        if (
            alive[j]
            and (kind[j] == IBN_CODE or (kind[j] == LEGACY_CODE and not recognised[j]))
            and not busy[domain[j]]
        ):
            out[k] = j
            k += 1
    return out[:k]


@compiled
def new_consortia(u_start: np.ndarray, rate: float, weights: np.ndarray, busy: np.ndarray) -> np.ndarray:
    """The domains in which a new consortium starts preparing, in order.

    Domain ``d`` is not ``busy`` and its draw ``u_start[d]`` is below its hazard: ``rate`` times its
    weight (``model.domain_weights``, which scales with its size), at most 1.
    """
    out = np.empty(len(u_start), dtype=np.int64)
    k = 0
    for d in range(len(u_start)):
        if not busy[d] and u_start[d] < min(1.0, rate * weights[d]):
            out[k] = d
            k += 1
    return out[:k]

"""ClusterPolicyModel: one step is one quarter; the phases of a quarter run in a fixed order.

See ``docs/ODD.md`` for the full description. The order of phases in :meth:`ClusterPolicyModel.step`:

1. ``open_quarter``     firms' free cash comes in.
2. ``calls``            bottom-up initiatives form and apply; the agency selects and recognises.
3. ``membership``       firms join, stay or leave organisations.
4. ``cofinancing``      project years start (fees, grant plan, deposit due); members pay dues;
                        deposits are checked and grants lapse.
5. ``operating_grants`` sunset; the agency pays operating grants; organisations spend; the
                        unviable dissolve or merge (checked at project-year starts in phase 4).
6. ``projects``         finished projects succeed or fail; once a year, the project call.
7. ``rd_innovation``    R&D, knowledge, EU money, innovations.
8. ``evaluation``       interim evaluation of spearhead clusters.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import mesa
import numpy as np
from mesa.datacollection import DataCollector

from clusterpolicy.model import kernels
from clusterpolicy.model.agency import (
    CLUSTER,
    IBN_PROJECT,
    INDIVIDUAL,
    Consortium,
    FundingAgency,
    Proposals,
    project_call,
    select,
)
from clusterpolicy.model.agents import (
    IBN,
    LEGACY,
    NO_ORG,
    SPEARHEAD,
    Application,
    ClusterOrganisation,
    ProjectBatch,
)
from clusterpolicy.model.metrics import REPORTERS
from clusterpolicy.model.params import Params, quarter_index, quarter_label
from clusterpolicy.model.population import build_firms, build_institutions, build_legacy

# Independent random streams, spawned from model.rng in this fixed order. Each phase draws only from
# its own stream, and draws fixed-size arrays where it can, so that two scenarios run with the same
# seed see the same random numbers for the same events (common random numbers).
STREAMS = (
    "population",
    "formation",
    "selection",
    "membership",
    "payments",
    "projects",
    "outcomes",
    "innovation",
    "eu",
    "evaluation",
)


@dataclass
class Counters:
    """Cumulative counts and sums since the start (reset when the burn-in ends)."""

    spearheads_recognised: int = 0
    ibns_recognised: int = 0
    ibns_upgraded: int = 0
    grants_lapsed: int = 0
    clusters_stopped_evaluation: int = 0
    clusters_dissolved: int = 0
    clusters_merged: int = 0
    members_expelled: int = 0
    projects_privileged_funded: int = 0
    projects_cluster_open_funded: int = 0
    projects_individual_funded: int = 0
    projects_ibn_funded: int = 0
    proposals_rejected_budget: int = 0
    proposals_crowded_out: int = 0
    private_cash_cofinancing: float = 0.0
    private_in_kind_cofinancing: float = 0.0
    private_project_match: float = 0.0
    eu_funding: float = 0.0
    privileged_project_spend: float = 0.0
    open_project_spend: float = 0.0
    selected_quality_sum: float = 0.0
    selected_count: int = 0

    def reset(self) -> None:
        """Set every count back to zero."""
        for f in fields(self):
            setattr(self, f.name, type(getattr(self, f.name))(0))


class ClusterPolicyModel(mesa.Model):
    """Agent-based model of a regional cluster policy (Flanders, 2016).

    Args:
        params: the resolved scenario (see ``experiments.scenario.load_scenario``).
        rng: seed or generator; the model's only source of randomness (Mesa 3.5 style).

    Attributes:
        t: current quarter, counted from ``simulation.start`` (negative during the burn-in).
        firms: the firm population as arrays (:class:`model.agents.FirmTable`).
        orgs: every cluster organisation ever created, alive or not (index = ``org.index``).
        kis: knowledge institutions.
        agency: the funding agency.
        policy_active: the cluster policy is in force (false during the burn-in and when disabled).
    """

    def __init__(self, params: Params, rng: int | np.random.Generator | None = None):
        super().__init__(rng=rng)
        self.p = params
        sim, pol = params.simulation, params.policy
        self.start_index = quarter_index(sim.start)
        self.t = -sim.burn_in_quarters
        self.policy_active = False
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS)), strict=True))
        self.counters = Counters()
        self.orgs: list[ClusterOrganisation] = []
        self.legacy_support_until = quarter_index(pol.legacy_support_end) - self.start_index + 1
        self.ibn_calls = {quarter_index(q) - self.start_index for q in pol.ibn_call_quarters}
        self.spearhead_calls = {quarter_index(q) - self.start_index for q in pol.spearhead_call_quarters}
        self.privileged_per_rd = 0.0
        self.links = np.empty(0, dtype=np.int64)
        self.pending: list[ProjectBatch] = []
        self.subsidy_expiry: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        self.agency = FundingAgency(self)
        self.firms = build_firms(self, self.streams["population"])
        self.median_rd = float(np.median(self.firms.base_rd))
        # per-firm probabilities that depend only on the size class
        b = params.behaviour
        self.eu_apply_quarterly = np.where(self.firms.is_sme, b.eu_apply_prob_sme, b.eu_apply_prob_large) / 4
        self.pay_probability = np.where(self.firms.is_sme, b.pay_probability_sme, b.pay_probability_large)
        self.domain_rows = [
            np.flatnonzero(self.firms.domain == d) for d in range(params.population.n_domains)
        ]
        self.business_rd_start = float(self.firms.base_rd.sum())
        self.kis = build_institutions(self, self.streams["population"])
        self.n_nodes = self.firms.n + len(self.kis)
        self.kis_by_domain = [
            [i for i, k in enumerate(self.kis) if d in k.domains] for d in range(params.population.n_domains)
        ]
        build_legacy(self, self.streams["population"])
        for _ in range(sim.burn_in_quarters):
            self._quarter()
            self.t += 1
        self._reset_accounts()
        self.policy_active = pol.enabled
        self.datacollector = DataCollector(model_reporters=REPORTERS)
        self.running = sim.quarters > 0

    # ------------------------------------------------------------------ the quarter
    def step(self) -> None:
        """Simulate one quarter, record the metrics, and advance the clock."""
        self._quarter()
        self.datacollector.collect(self)
        self.t += 1
        if self.t >= self.p.simulation.quarters:
            self.running = False

    def _quarter(self) -> None:
        self.open_quarter()
        self.calls()
        self.membership()
        self.cofinancing()
        self.operating_grants()
        self.projects()
        self.rd_innovation()
        self.evaluation()

    @property
    def quarter(self) -> str:
        """Label of the current quarter, e.g. ``2016Q1``."""
        return quarter_label(self.start_index + self.t)

    @property
    def quarter_of_year(self) -> int:
        """1..4."""
        return (self.start_index + self.t) % 4 + 1

    def run(self) -> None:
        """Run every recorded quarter."""
        while self.running:
            self.step()

    def _reset_accounts(self) -> None:
        """Start every '_total' from zero when the recorded period begins."""
        self.counters.reset()
        a = self.agency
        a.paid_operating = a.paid_projects = a.paid_legacy = a.privileged_unspent_total = 0.0
        f = self.firms
        f.project_grants[:] = 0.0
        f.eu_grants[:] = 0.0
        f.innovations[:] = 0
        for o in self.orgs:
            o.ledger.grants = o.ledger.cash_fees = o.ledger.in_kind = o.ledger.spent = 0.0
            o.ledger.opening_cash = o.cash
        for ki in self.kis:
            ki.grants_received = 0.0

    # ------------------------------------------------------------------ membership helpers
    def join(self, rows: np.ndarray, org: ClusterOrganisation | np.ndarray) -> None:
        """Make firms ``rows`` members of ``org`` (or of ``org[i]``, an array of indices), leaving any other.

        Their yearly fee is split into cash and in-kind by the organisation's rules; the cash dues for
        the rest of the organisation's project year are pro rata.
        """
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0:
            return
        f = self.firms
        targets = np.full(len(rows), org.index) if isinstance(org, ClusterOrganisation) else np.asarray(org)
        orgs = self.orgs
        kind = np.array([kernels.KIND_CODE[o.kind] for o in orgs])[targets]
        mult = np.array([o.fee_multiplier for o in orgs])[targets]
        in_kind = np.array([self.policy_active and o.recognised and o.supported for o in orgs])[targets]
        anchor = np.array([o.anchor for o in orgs])[targets]
        cash, _, credit = kernels.fee_split(self, f.is_sme[rows], kind, mult, in_kind)
        f.member_of[rows] = targets
        f.member_since[rows] = self.t
        f.fee_cash[rows] = cash
        f.fee_in_kind[rows] = credit
        f.dues[rows] = cash * (4 - (self.t - anchor) % 4) / 4.0
        f.dues_paid_year[rows] = 0.0

    def leave(self, rows: np.ndarray) -> None:
        """End the memberships of firms ``rows`` (outstanding dues are written off)."""
        f = self.firms
        f.member_of[rows] = NO_ORG
        f.fee_cash[rows] = 0.0
        f.fee_in_kind[rows] = 0.0
        f.dues[rows] = 0.0
        f.dues_paid_year[rows] = 0.0

    # ------------------------------------------------------------------ phase 1
    def open_quarter(self) -> None:
        """Firms' free cash for cooperation comes in.

        A quarter of the yearly inflow, the balance capped at one year's worth. Synchronous over all firms.
        """
        f = self.firms
        np.minimum(f.cash + f.cash_income / 4.0, np.maximum(f.cash, f.cash_income), out=f.cash)

    # ------------------------------------------------------------------ phase 2
    def calls(self) -> None:
        """Calls on the scenario's calendar: initiatives form and apply, the agency selects.

        Runs only while the policy is in force. Spearhead calls are decided before IBN calls when both
        fall in one quarter.
        """
        if not self.policy_active:
            return
        if self.t in self.spearhead_calls:
            self._call(SPEARHEAD)
        if self.t in self.ibn_calls:
            self._call(IBN)

    def _call(self, kind: str) -> None:
        pol = self.p.policy
        apps = self._applications(kind)
        if not apps:
            return
        if kind == SPEARHEAD:
            active = [o for o in self.orgs if o.alive and o.kind == SPEARHEAD and o.recognised]
            chosen = select(
                apps,
                pol.selection,
                pol.spearhead_cap - len(active),
                self.streams["selection"],
                blocked_domains=frozenset(o.domain for o in active),
                one_per_domain=True,
            )
        else:
            chosen = select(
                apps,
                pol.selection,
                pol.ibn_max_per_call,
                self.streams["selection"],
                min_score=pol.ibn_min_score,
            )
        joined = np.zeros(self.firms.n, dtype=bool)
        for i in chosen:
            self._recognise(apps[i], joined)

    def _applications(self, kind: str) -> list[Application]:
        """Applications to a call: legacy structures, IBNs aiming higher, and new initiatives."""
        pol, b = self.p.policy, self.p.behaviour
        rng = self.streams["formation"]
        n_dom = self.p.population.n_domains
        spear_domains = {o.domain for o in self.orgs if o.alive and o.kind == SPEARHEAD and o.recognised}
        min_members = pol.spearhead_min_members if kind == SPEARHEAD else pol.ibn_min_members
        candidates: list[tuple[int, float, bool, ClusterOrganisation | None, float]] = []
        member_of = self.firms.member_of
        counts = np.bincount(member_of[member_of != NO_ORG], minlength=len(self.orgs))
        recognised = np.array([o.alive and o.recognised for o in self.orgs] + [False])
        in_recognised = recognised[member_of]  # member_of == -1 reads the trailing False
        for o in self.orgs:
            if not o.alive:
                continue
            size = int(counts[o.index])
            if o.kind == LEGACY and not o.recognised:
                aims_high = size >= min(pol.spearhead_min_members, 2 * pol.ibn_min_members)
                if aims_high == (kind == SPEARHEAD):
                    candidates.append((o.domain, o.excellence, o.societal, o, 0.5))
            elif kind == SPEARHEAD and o.kind == IBN and o.recognised and pol.ibn_to_spearhead:
                candidates.append((o.domain, o.excellence, o.societal, o, 1.0))
        # fixed-size draws per domain, so the formation stream stays aligned across scenarios
        new = rng.poisson(b.initiative_rate * n_dom * self.domain_weights)
        exc = rng.beta(b.excellence_alpha, b.excellence_beta, size=(n_dom, 8))
        # the share of its domain's firms an initiative reaches: spearhead initiatives aim broad,
        # IBNs are niche networks (assumption)
        lo, hi = (0.5, 1.0) if kind == SPEARHEAD else (0.05, 0.3)
        reach = rng.uniform(lo, hi, size=(n_dom, 8))
        for d in range(n_dom):
            if kind == SPEARHEAD and d in spear_domains:
                continue
            for k in range(min(int(new[d]), 8)):
                candidates.append((d, float(exc[d, k]), False, None, float(reach[d, k])))
        apps = [
            self._application(kind, d, e, s, o, r, min_members, in_recognised)
            for d, e, s, o, r in candidates
            if not (kind == SPEARHEAD and d in spear_domains)
        ]
        sel = self.streams["selection"]
        noise = sel.standard_normal(len(apps))
        arrival = sel.random(len(apps))
        w = (pol.jury_weight_valorisation, pol.jury_weight_support, pol.jury_weight_excellence)
        for a, z, arr in zip(apps, noise, arrival, strict=True):
            crit = (a.valorisation, a.support, a.excellence)
            a.jury_score = float(np.dot(w, crit) / sum(w) + pol.jury_noise * z)
            a.arrival = float(arr)
        return apps

    def _application(
        self,
        kind: str,
        domain: int,
        excellence: float,
        societal: bool,
        org: ClusterOrganisation | None,
        reach: float,
        min_members: int,
        in_recognised: np.ndarray,
    ) -> Application:
        """Build an application: who would commit, and the three jury criteria.

        The firms that may commit are the applicant's own members and the firms of its domain that it
        reaches and that are not members of a recognised organisation; those for which membership
        would pay (:func:`model.kernels.membership_utility`) commit.
        """
        pol = self.p.policy
        f = self.firms
        rng = self.streams["formation"]
        firms = self.domain_rows[domain]
        reached = rng.random(len(firms)) < reach  # the domain's firms do not depend on the policy (CRN)
        own = f.member_of[firms] == (org.index if org is not None else -2)
        pool = firms[own | (reached & ~in_recognised[firms])]
        n_pool = len(pool)
        code = kernels.KIND_CODE[kind]
        u = kernels.membership_utility(
            self,
            pool,
            kind=np.full(n_pool, code),
            excellence=excellence * (0.5 if societal else 1.0),  # as ClusterOrganisation.member_excellence
            activity=1.0,
            members=float(max(own.sum(), min_members)),
            fee_multiplier=1.0,
            in_kind_allowed=np.full(n_pool, pol.in_kind_share_max > 0),
            privileged=np.full(n_pool, kind == SPEARHEAD),
        )
        committed = pool[u > self.p.behaviour.join_threshold]
        n = len(committed)
        sme_share = float(np.count_nonzero(f.is_sme[committed])) / n if n else 0.0
        valorisation = 0.5 * float(self.domain_strength[domain]) + 0.5 * (
            float(f.capability[committed].sum()) / n if n else 0.0
        )
        support = 0.7 * min(1.0, n / (2.0 * min_members)) + 0.3 * sme_share
        eligible = n >= min_members and sme_share >= pol.min_sme_share
        if kind == SPEARHEAD:
            eligible = eligible and any(
                domain in ki.domains for ki in self.kis if ki.kind != "collective_centre"
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
        )

    def _recognise(self, app: Application, joined: np.ndarray) -> None:
        """Recognise an application: a new organisation, or a legacy structure or IBN converted."""
        pol = self.p.policy
        org = app.org
        if org is None:
            org = ClusterOrganisation(self, app.kind, app.domain, app.excellence, app.societal)
        elif org.kind == IBN and app.kind == SPEARHEAD:
            self.counters.ibns_upgraded += 1
        org.kind = app.kind
        org.recognised = True
        org.supported = True
        org.ever_supported = True
        org.anchor = self.t
        org.recognised_at = self.t
        org.fee_multiplier = 1.0
        org.unviable_years = 0
        years = pol.support_years_spearhead if app.kind == SPEARHEAD else pol.support_years_ibn
        org.support_until = self.t + 4 * years
        org.note(f"recognised as {app.kind}")
        if app.kind == SPEARHEAD:
            self.counters.spearheads_recognised += 1
        else:
            self.counters.ibns_recognised += 1
        self.counters.selected_quality_sum += app.quality
        self.counters.selected_count += 1
        # members re-sign under the new agreement; committed firms join
        rows = np.union1d(org.members, app.committed[~joined[app.committed]])
        self.join(rows, org)
        joined[rows] = True

    # ------------------------------------------------------------------ phase 3
    def membership(self) -> None:
        """Firms join, stay in or leave organisations (random subset reviews; vectorised).

        Each quarter a share ``review_rate`` of firms reviews its membership (members only after
        ``min_stay_quarters``). A reviewing firm compares every alive organisation in its domain by
        net yearly benefit (:func:`model.kernels.membership_utility`) plus decision noise. A non-member
        joins the best one if the benefit exceeds ``join_threshold`` and it has the cash for the first
        dues; a member leaves if its own organisation's benefit falls below ``leave_threshold``, and
        switches if another beats its own by the hysteresis margin ``join - leave``. Firms update
        synchronously, from the same snapshot of the organisations.
        """
        b = self.p.behaviour
        f = self.firms
        rng = self.streams["membership"]
        # who reviews, and their noise, do not depend on the policy (common random numbers)
        reviewers = np.flatnonzero(rng.random(f.n) < b.review_rate)
        noise = rng.standard_normal(len(reviewers)) * b.decision_noise
        if not self.orgs:
            return
        can_move = (f.member_of[reviewers] == NO_ORG) | (
            self.t - f.member_since[reviewers] >= b.min_stay_quarters
        )
        rows, noise = reviewers[can_move], noise[can_move]
        if len(rows) == 0:
            return
        view = kernels.org_view(self)
        self._update_privileged_per_rd(view)
        table = kernels.domain_table(view, self.p.population.n_domains)
        cand = table[f.domain[rows]]
        valid = cand >= 0
        m, k = cand.shape
        c = np.where(valid, cand, 0)
        u = kernels.membership_utility(
            self,
            np.repeat(rows, k).reshape(m, k),
            kind=view.kind[c],
            excellence=view.excellence[c],
            activity=view.activity[c],
            members=view.members[c],
            fee_multiplier=view.fee_multiplier[c],
            in_kind_allowed=view.in_kind[c],
            privileged=view.privileged[c],
        )
        u = np.where(valid, u + noise[:, None], -np.inf)
        best_k = np.argmax(u, axis=1)
        best = cand[np.arange(m), best_k]
        best_u = u[np.arange(m), best_k]
        current = f.member_of[rows]
        is_member = current != NO_ORG
        cur_pos = cand == current[:, None]
        cur_u = np.where(cur_pos.any(axis=1), u[np.arange(m), np.argmax(cur_pos, axis=1)], -np.inf)
        # cash for the first (pro rata) dues of the best organisation
        cash, _, _ = kernels.fee_split(
            self,
            f.is_sme[rows],
            view.kind[np.maximum(best, 0)],
            view.fee_multiplier[np.maximum(best, 0)],
            view.in_kind[np.maximum(best, 0)],
        )
        anchors = np.array([o.anchor for o in self.orgs])
        remaining = 4 - (self.t - anchors[np.maximum(best, 0)]) % 4
        cash_ok = f.cash[rows] >= cash * remaining / 4.0
        margin = b.join_threshold - b.leave_threshold
        wants_best = (best >= 0) & (best_u > b.join_threshold) & cash_ok
        join = ~is_member & wants_best
        switch = is_member & wants_best & (best != current) & (best_u > cur_u + margin)
        leave = is_member & ~switch & (cur_u < b.leave_threshold)
        self.leave(rows[leave])
        self.join(rows[join | switch], best[join | switch])

    def _update_privileged_per_rd(self, view: kernels.OrgView) -> None:
        """Privileged pot per euro of spearhead members' own R&D, as firms expect to share it."""
        if not self.policy_active:
            self.privileged_per_rd = 0.0
            return
        f = self.firms
        member = f.member_of != NO_ORG
        in_priv = view.privileged[f.member_of[member]]
        member_rd = float(f.own_rd[member][in_priv].sum())
        pot = self.p.policy.privileged_share * self.p.policy.project_budget
        # before spearheads have members, firms expect a share as if 10 % of business R&D were in
        self.privileged_per_rd = pot / max(member_rd, 0.1 * float(f.own_rd.sum()))

    # ------------------------------------------------------------------ phase 4
    def cofinancing(self) -> None:
        """Co-financing: project-year starts, dues payments, in-kind credit, and the deposit rule.

        At the start of each of its project years (the anniversaries of its agreement) an organisation
        expels members that left last year's dues unpaid, checks that it can run (else it raises fees
        or, unviable for a second year, dissolves or merges), sets each member's fee and dues for the
        year, plans its grant, and -- if it holds a recognition under the policy -- must deposit
        ``deposit_share`` of the year's cash co-financing within ``deposit_window_quarters``.
        Members with dues outstanding pay them when they have the cash, large firms with probability
        ``pay_probability_large`` a quarter and SMEs with ``pay_probability_sme``. At the deadline, a
        deposit short of what is required makes the grant lapse (``lapse_rule``).
        """
        f = self.firms
        u = self.streams["payments"].random(f.n)
        for org in self.orgs:
            if org.alive and (self.t - org.anchor) % 4 == 0:
                self._start_project_year(org)
        pay = (f.member_of != NO_ORG) & (f.dues > 0) & (f.cash >= f.dues) & (u < self.pay_probability)
        rows = np.flatnonzero(pay)
        amounts = f.dues[rows].copy()
        f.cash[rows] -= amounts
        f.dues_paid_year[rows] += amounts
        f.dues[rows] = 0.0
        n_org = len(self.orgs)
        paid = np.bincount(f.member_of[rows], weights=amounts, minlength=n_org)
        mem = f.member_of != NO_ORG
        credit = np.bincount(f.member_of[mem], weights=f.fee_in_kind[mem], minlength=n_org) / 4.0
        for org in self.orgs:
            if not org.alive:
                continue
            cash = float(paid[org.index])
            in_kind = float(min(credit[org.index], org.in_kind_credit_plan / 4.0))
            org.cash += cash
            org.ledger.cash_fees += cash
            org.ledger.in_kind += in_kind
            org.year_cash_fees += cash
            org.year_member_money += cash + in_kind
            self.counters.private_cash_cofinancing += cash
            self.counters.private_in_kind_cofinancing += in_kind
            if org.deposit_deadline == self.t:
                self._check_deposit(org)

    def _start_project_year(self, org: ClusterOrganisation) -> None:
        pol = self.p.policy
        f = self.firms
        self._sunset(org)  # support that ends now ends before the new year is planned
        rows = org.members
        if self.t > org.anchor:
            unpaid = f.dues[rows] > 0
            if unpaid.any():
                self.counters.members_expelled += int(unpaid.sum())
                self.leave(rows[unpaid])
                rows = rows[~unpaid]
        org.last_year_grants, org.year_grants = org.year_grants, 0.0
        org.last_year_member_money, org.year_member_money = org.year_member_money, 0.0
        org.year_cash_fees = 0.0
        org.reserves_at_year_start = org.cash
        org.deposit_deadline = None
        n = len(rows)
        in_kind = np.full(n, self.policy_active and org.recognised and org.supported)
        # fees at the base level; a multiplier scales cash and in-kind alike
        cash1, _, credit1 = kernels.fee_split(
            self, f.is_sme[rows], np.full(n, kernels.KIND_CODE[org.kind]), np.ones(n), in_kind
        )
        base_cash = float(cash1.sum())
        base = base_cash + self._credit_cap(base_cash, float(credit1.sum()))
        if org.supported:
            mult = 1.0
            budget = base + self._grant(org, base)
        else:
            mult = float(np.clip(org.fixed_cost / max(base, 1.0), 1.0, self.p.behaviour.fee_multiplier_max))
            budget = base * mult
        if budget >= org.fixed_cost:
            org.unviable_years = 0
        else:
            org.unviable_years += 1
            if org.unviable_years >= 2:
                self._end(org)
                return
        org.fee_multiplier = mult
        f.fee_cash[rows] = cash1 * mult
        f.fee_in_kind[rows] = credit1 * mult
        f.dues[rows] = cash1 * mult
        f.dues_paid_year[rows] = 0.0
        org.member_money_plan = base_cash * mult
        org.in_kind_credit_plan = self._credit_cap(org.member_money_plan, float(credit1.sum()) * mult)
        org.grant_annual = self._grant(org, org.member_money_plan + org.in_kind_credit_plan)
        if (
            self.policy_active
            and org.recognised
            and org.supported
            and org.kind != LEGACY
            and pol.lapse_rule != "none"
        ):
            org.deposit_required = pol.deposit_share * org.member_money_plan
            org.deposit_deadline = self.t + pol.deposit_window_quarters - 1

    def _sunset(self, org: ClusterOrganisation) -> None:
        """End support at ``support_until``.

        The sunset clause; for legacy structures, the end of their transitional support.
        """
        if org.supported and org.support_until is not None and self.t >= org.support_until:
            org.supported = False
            org.grant_annual = 0.0
            org.note("support ended (sunset)")

    def _credit_cap(self, cash: float, credit: float) -> float:
        """In-kind credit that counts: at most ``in_kind_share_max`` of total co-financing."""
        s = self.p.policy.in_kind_share_max
        if s <= 0:
            return 0.0
        return float(min(credit, s / (1.0 - s) * cash))

    def grant_share(self, org: ClusterOrganisation) -> float:
        """Public share of the budget in the organisation's current support year (flat or degressive)."""
        pol = self.p.policy
        share = pol.operating_grant_share
        if pol.support_path == "degressive" and org.recognised_at is not None:
            years = pol.support_years_spearhead if org.kind == SPEARHEAD else pol.support_years_ibn
            y = (self.t - org.recognised_at) // 4
            if years > 1:
                share *= 1.0 - (1.0 - pol.degressive_final_factor) * min(y, years - 1) / (years - 1)
        return share

    def _grant(self, org: ClusterOrganisation, member_money: float) -> float:
        """Yearly operating grant: ``share / (1 - share)`` x member money, capped by kind."""
        pol = self.p.policy
        if not org.supported:
            return 0.0
        if org.kind == LEGACY:
            return pol.legacy_grant
        if not self.policy_active:
            return 0.0
        share = self.grant_share(org)
        cap = pol.operating_grant_cap_spearhead if org.kind == SPEARHEAD else pol.operating_grant_cap_ibn
        return float(min(share / (1.0 - share) * member_money, cap))

    def _check_deposit(self, org: ClusterOrganisation) -> None:
        pol = self.p.policy
        deposited = org.reserves_at_year_start + org.year_cash_fees
        short = deposited < org.deposit_required - 1e-6
        if pol.lapse_rule == "discretionary":
            short = deposited < (1.0 - pol.lapse_tolerance) * org.deposit_required - 1e-6
        org.deposit_deadline = None
        if short:
            org.recognised = False
            org.supported = False
            org.lapsed = True
            org.grant_annual = 0.0
            self.counters.grants_lapsed += 1
            org.note("grant lapsed: deposit short")

    def _end(self, org: ClusterOrganisation) -> None:
        """An unviable organisation merges into the largest recognised one in its domain, or dissolves."""
        rows = org.members
        others = [
            o for o in self.orgs if o.alive and o is not org and o.domain == org.domain and o.recognised
        ]
        org.alive = org.recognised = org.supported = False
        org.grant_annual = 0.0
        if others:
            sizes = [int((self.firms.member_of == o.index).sum()) for o in others]
            target = others[int(np.argmax(sizes))]
            org.merged_into = target.index
            self.join(rows, target)
            self.counters.clusters_merged += 1
            org.note(f"merged into organisation {target.index}")
        else:
            self.leave(rows)
            self.counters.clusters_dissolved += 1
            org.note("dissolved")

    # ------------------------------------------------------------------ phase 5
    def operating_grants(self) -> None:
        """Sunset, operating grants and spending (in the order of ``model.orgs``).

        Support ends at ``support_until`` (the sunset clause; for legacy structures, the end of the
        transitional support). A supported organisation receives a quarter of its yearly grant. Each
        organisation spends a quarter of its planned cash budget, never more than it has.
        """
        for org in self.orgs:
            if not org.alive:
                continue
            self._sunset(org)
            if org.supported and org.grant_annual > 0:
                self.agency.pay_operating_grant(org, org.grant_annual / 4.0, org.kind == LEGACY)
            spend = min(org.cash, (org.member_money_plan + org.grant_annual) / 4.0)
            org.cash -= spend
            org.ledger.spent += spend

    # ------------------------------------------------------------------ phase 6
    def projects(self) -> None:
        """Resolve finished projects; in the call quarter, run the yearly project call.

        The envelope ``project_budget`` is split into a privileged pot (``privileged_share``, for
        spearhead-cluster projects, only while the policy is in force) and the open pot (the rest).
        With the policy off only the open pot exists. Proposals are ranked by assessed quality and
        funded in order until each pot is exhausted (:func:`model.agency.project_call`).
        """
        self._resolve_projects()
        if self.quarter_of_year != self.p.policy.project_call_quarter:
            return
        pol = self.p.policy
        privileged = pol.privileged_share * pol.project_budget if self.policy_active else 0.0
        open_pot = (1.0 - pol.privileged_share) * pol.project_budget
        props = self._proposals()
        out = project_call(props.kind, props.request, props.score, props.eligible, privileged, open_pot)
        spent = float(props.request[out.funded_privileged].sum())
        self.agency.privileged_unspent_total += privileged - spent
        c = self.counters
        c.privileged_project_spend += spent
        c.open_project_spend += float(props.request[out.funded_open].sum())
        kind = props.kind
        c.projects_privileged_funded += int(out.funded_privileged.sum())
        c.projects_cluster_open_funded += int((out.funded_open & (kind == CLUSTER)).sum())
        c.projects_individual_funded += int((out.funded & (kind == INDIVIDUAL)).sum())
        c.projects_ibn_funded += int((out.funded & (kind == IBN_PROJECT)).sum())
        c.proposals_rejected_budget += int(out.rejected_budget.sum())
        c.proposals_crowded_out += int(out.crowded_out.sum())
        self._fund(props, np.flatnonzero(out.funded))

    def _proposals(self) -> Proposals:
        """Individual proposals (vectorised) followed by cluster and IBN consortium proposals."""
        b = self.p.behaviour
        f = self.firms
        rng = self.streams["projects"]
        for ki in self.kis:
            ki.projects_this_year = 0
        u = rng.random(f.n)
        noise = rng.standard_normal(f.n)
        p = np.where(f.is_sme, b.propose_prob_sme, b.propose_prob_large)
        p = np.where(f.follower, p * b.follower_propose_factor, p)
        rows = np.flatnonzero(u < p)
        rd = f.rd(b.subsidy_pass_through)
        request = np.clip(b.grant_request_share * rd[rows], b.grant_request_min, b.grant_request_max)
        quality = f.capability[rows] + 0.1 * f.knowledge[rows] + b.proposal_noise * noise[rows]
        years = b.project_quarters / 4.0
        affordable = request <= b.max_rd_share_private * years * f.own_rd[rows]
        eligible = (quality >= b.min_proposal_quality) & affordable
        kinds: list[int] = []
        requests: list[float] = []
        scores: list[float] = []
        elig: list[bool] = []
        consortia: list[Consortium] = []
        if self.policy_active:
            for org in self.orgs:
                if not (org.alive and org.supported and org.recognised) or org.kind == LEGACY:
                    continue
                members = org.members
                if len(members) < 2:
                    continue
                spear = org.kind == SPEARHEAD
                rate = b.cluster_projects_per_member if spear else b.ibn_projects_per_member
                mean_grant = b.cluster_project_grant if spear else b.ibn_project_grant
                n = int(rng.poisson(rate * len(members)))
                cons, req, q, ok = self._consortia(org, members, n, mean_grant, rng)
                kinds += [CLUSTER if spear else IBN_PROJECT] * n
                requests += req
                scores += q
                elig += ok
                consortia += cons
        return Proposals(
            kind=np.concatenate((np.full(len(rows), INDIVIDUAL), np.array(kinds, dtype=int))),
            request=np.concatenate((request, np.array(requests, dtype=float))),
            score=np.concatenate((quality, np.array(scores, dtype=float))),
            eligible=np.concatenate((eligible, np.array(elig, dtype=bool))),
            individual_rows=rows,
            consortia=consortia,
        )

    def _consortia(
        self,
        org: ClusterOrganisation,
        members: np.ndarray,
        n: int,
        mean_grant: float,
        rng: np.random.Generator,
    ) -> tuple[list[Consortium], list[float], list[float], list[bool]]:
        """Draw ``n`` project proposals of an organisation: consortia, grant requests, quality, eligibility.

        Each consortium's lead is drawn by R&D size; further partners (2 + Poisson(2) firms in all) by
        R&D size without replacement, weighted up by ``relational_weight`` when they have worked with the
        lead before (relational credit, after Cowan, Jonard & Zimmermann 2007). A knowledge institution
        covering the domain with capacity left joins with probability ``ki_partner_prob``. A proposal is
        eligible when its firms can commit ``min_private_match`` private euros per public euro from
        their R&D over the project, and its quality passes the merit threshold.
        """
        if n == 0:
            return [], [], [], []
        b, pol = self.p.behaviour, self.p.policy
        f = self.firms
        m = len(members)
        w = f.own_rd[members] + 1.0
        cw = np.cumsum(w)
        sizes = np.minimum(m, 2 + rng.poisson(2.0, size=n))
        lead_pos = np.minimum(np.searchsorted(cw, rng.random(n) * cw[-1], side="right"), m - 1)
        # weighted sampling without replacement (Efraimidis & Spirakis): smallest exponential keys
        weight = np.broadcast_to(w, (n, m))
        if b.relational_weight > 0 and len(self.links):
            leads = members[lead_pos][:, None].astype(np.int64)
            lo, hi = np.minimum(leads, members[None, :]), np.maximum(leads, members[None, :])
            codes = (lo * self.n_nodes + hi).ravel()
            pos = np.minimum(np.searchsorted(self.links, codes), len(self.links) - 1)
            known = (self.links[pos] == codes).reshape(n, m)
            weight = weight * (1.0 + b.relational_weight * known)
        keys = rng.exponential(size=(n, m)) / weight
        keys[np.arange(n), lead_pos] = -1.0  # the lead comes first
        k = int(sizes.max())
        picks = np.argsort(keys, axis=1)[:, :k] if k < m else np.argsort(keys, axis=1)
        in_cons = np.arange(picks.shape[1])[None, :] < sizes[:, None]
        requests = mean_grant * np.exp(0.5 * rng.standard_normal(n) - 0.125)
        noise = rng.standard_normal(n)
        u_ki, u_pick = rng.random(n), rng.random(n)
        rd_years = b.max_rd_share_private * b.project_quarters / 4.0
        cap = np.where(in_cons, f.capability[members][picks], 0.0).sum(axis=1) / sizes
        know = np.where(in_cons, f.knowledge[members][picks], 0.0).sum(axis=1) / sizes
        capacity = np.where(in_cons, rd_years * f.own_rd[members][picks], 0.0).sum(axis=1)
        quality = cap + 0.1 * know + b.excellence_quality_bonus * org.excellence + b.proposal_noise * noise
        consortia = []
        for i in range(n):
            rows = members[picks[i, : sizes[i]]]
            ki = -1
            if u_ki[i] < b.ki_partner_prob:
                avail = [
                    j
                    for j in self.kis_by_domain[org.domain]
                    if self.kis[j].projects_this_year < self.kis[j].capacity
                ]
                if avail:
                    ki = avail[int(u_pick[i] * len(avail))]
                    self.kis[ki].projects_this_year += 1
                    quality[i] += b.ki_quality_bonus * self.kis[ki].excellence
            shares = f.own_rd[rows] + 1.0
            consortia.append(Consortium(rows, shares / shares.sum(), ki, org.index))
        eligible = (capacity >= pol.min_private_match * requests) & (quality >= b.min_proposal_quality)
        return consortia, requests.tolist(), quality.tolist(), eligible.tolist()

    def _fund(self, props: Proposals, funded: np.ndarray) -> None:
        """Pay the funded proposals, start their projects and record new collaboration links.

        A firm's grant is spread over the project as subsidised R&D; the knowledge institution, if
        any, receives ``ki_grant_share`` of a consortium's grant.
        """
        b = self.p.behaviour
        n_ind = len(props.individual_rows)
        ind = funded[funded < n_ind]
        rows = [props.individual_rows[ind]]
        amounts = [props.request[ind]]
        orgs = [np.full(len(ind), -1)]
        sizes = [np.ones(len(ind), dtype=np.int64)]
        new_links = []
        for i in funded[funded >= n_ind]:
            cons = props.consortia[i - n_ind]
            grant = float(props.request[i])
            ki_amount = grant * b.ki_grant_share if cons.ki >= 0 else 0.0
            if cons.ki >= 0:
                self.agency.pay_institution(self.kis[cons.ki], ki_amount)
                new_links.append(kernels.pair_codes([*cons.rows, self.kis[cons.ki].node], self.n_nodes))
            else:
                new_links.append(kernels.pair_codes(cons.rows, self.n_nodes))
            rows.append(cons.rows)
            amounts.append((grant - ki_amount) * cons.shares)
            orgs.append([cons.org])
            sizes.append([len(cons.rows)])
            self.orgs[cons.org].projects_funded += 1
        project_of = np.repeat(np.arange(len(funded)), np.concatenate(sizes))
        rows_a, amounts_a = np.concatenate(rows), np.concatenate(amounts)
        self.agency.pay_firms(rows_a, amounts_a)
        kind = props.kind[funded]
        match = np.where(kind == INDIVIDUAL, 1.0, self.p.policy.min_private_match)
        self.counters.private_project_match += float((props.request[funded] * match).sum())
        self._add_subsidy(rows_a, amounts_a, b.project_quarters)
        if new_links:
            self.links = np.union1d(self.links, np.concatenate(new_links))
        if len(funded):
            self.pending.append(
                ProjectBatch(
                    ends=self.t + b.project_quarters,
                    quality=props.score[funded],
                    org=np.concatenate(orgs),
                    firm_rows=rows_a,
                    project_of=project_of,
                )
            )

    def _add_subsidy(self, rows: np.ndarray, amounts: np.ndarray, quarters: int) -> None:
        """Spread grants over ``quarters`` as a yearly subsidy rate on the firms' R&D."""
        rate = amounts / (quarters / 4.0)
        self.firms.subsidy_rate += np.bincount(rows, weights=rate, minlength=self.firms.n)
        self.subsidy_expiry.setdefault(self.t + quarters, []).append((rows, rate))

    def _resolve_projects(self) -> None:
        """Projects ending now succeed with probability ``1 - exp(-rate * quality)``.

        A success gives each participating firm an innovation and ``knowledge_gain_project``.
        """
        done = [p for p in self.pending if p.ends <= self.t]
        if not done:
            return
        self.pending = [p for p in self.pending if p.ends > self.t]
        b = self.p.behaviour
        f = self.firms
        rng = self.streams["outcomes"]
        for batch in done:
            p_success = 1.0 - np.exp(-b.project_success_rate * np.maximum(batch.quality, 0.0))
            success = rng.random(len(batch.quality)) < p_success
            batch.succeeded = success
            won = batch.firm_rows[success[batch.project_of]]
            times = np.bincount(won, minlength=f.n)
            f.innovations += times
            f.knowledge += b.knowledge_gain_project * times
            for j in np.flatnonzero(batch.org >= 0):
                org = self.orgs[int(batch.org[j])]
                org.projects_finished += 1
                org.projects_succeeded += int(success[j])

    # ------------------------------------------------------------------ phase 7
    def rd_innovation(self) -> None:
        """R&D, knowledge, EU money and innovations (synchronous over all firms).

        Own R&D grows with the trend and the firm's knowledge; subsidies add ``subsidy_pass_through``
        euros of R&D per euro while they run. Knowledge depreciates and grows with membership of an
        active, excellent organisation. Firms apply for EU money; an excellent organisation raises its
        members' success. Innovation arrives with probability ``1 - exp(-rate * R&D * (1 + knowledge))``
        (R&D as a yearly rate in million euro; the hazard is per quarter; Dosi et al.).
        """
        b = self.p.behaviour
        f = self.firms
        for rows, rate in self.subsidy_expiry.pop(self.t, []):
            f.subsidy_rate -= np.bincount(rows, weights=rate, minlength=f.n)
        np.maximum(f.subsidy_rate, 0.0, out=f.subsidy_rate)
        member = f.member_of != NO_ORG
        help_ = np.zeros(f.n)
        if member.any():
            org_help = np.array([o.member_excellence * o.activity if o.alive else 0.0 for o in self.orgs])
            help_[member] = org_help[f.member_of[member]]
        f.knowledge *= 1.0 - b.knowledge_decay / 4.0
        f.knowledge += b.knowledge_gain_membership / 4.0 * help_
        f.own_rd[:] = kernels.rd_own(self)
        rng = self.streams["eu"]
        applies = np.flatnonzero(
            rng.random(f.n) < self.eu_apply_quarterly
        )  # does not depend on the policy (CRN)
        u_win, z = rng.random(len(applies)), rng.standard_normal(len(applies))
        p_win = np.minimum(1.0, b.eu_success_base * (1.0 + b.eu_excellence_uplift * help_[applies]))
        won = u_win < p_win
        win = applies[won]
        if len(win):
            amount = b.eu_grant_mean * np.exp(0.5 * z[won] - 0.125) * np.where(f.is_sme[win], 0.5, 1.0)
            f.eu_grants[win] += amount
            self.counters.eu_funding += float(amount.sum())
            self._add_subsidy(win, amount, b.project_quarters)
        rd_m = f.rd(b.subsidy_pass_through) / 1e6
        p_innov = 1.0 - np.exp(-b.innovation_rate * rd_m * (1.0 + f.knowledge))
        f.innovations += self.streams["innovation"].random(f.n) < p_innov

    # ------------------------------------------------------------------ phase 8
    def evaluation(self) -> None:
        """Interim evaluation of supported spearhead clusters every ``evaluation_interval_years``.

        The score mixes excellence (0.4), last year's self-financing share (0.3) and the share of
        finished projects that succeeded (0.3; 0.5 before any finished), plus evaluator noise
        ``jury_noise``. Below ``evaluation_threshold`` support stops and the recognition ends.
        """
        pol = self.p.policy
        if not self.policy_active or pol.evaluation_interval_years == 0:
            return
        rng = self.streams["evaluation"]
        period = 4 * pol.evaluation_interval_years
        for org in self.orgs:
            if not (org.alive and org.kind == SPEARHEAD and org.supported):
                continue
            age = self.t - (org.recognised_at or 0)
            if age <= 0 or age % period:
                continue
            success = org.projects_succeeded / org.projects_finished if org.projects_finished else 0.5
            score = 0.4 * org.excellence + 0.3 * org.self_financing + 0.3 * success
            score += pol.jury_noise * rng.standard_normal()
            if score < pol.evaluation_threshold:
                org.supported = org.recognised = False
                org.stopped_by_evaluation = True
                org.grant_annual = 0.0
                self.counters.clusters_stopped_evaluation += 1
                org.note(f"support stopped at evaluation (score {score:.2f})")

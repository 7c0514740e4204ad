"""ClusterPolicyModel: one step is one quarter; the phases of a quarter run in a fixed order.

See ``docs/ODD.md`` for the full description. The phases (``clusterpolicy/model/phases/``) in the order
:meth:`ClusterPolicyModel.step` runs them:

1. ``open_quarter``   firms' free cash comes in.
2. ``recognition``    spearhead clusters and IBNs are recognised: competitive calls on the calendar, or
                      (spearheads, ``rolling``) applications prepared and assessed as they arrive.
3. ``membership``     firms join and leave organisations (a firm may be a member of several).
4. ``cofinancing``    project years start (sunset, budget, fees, grant plan, deposit due); members pay
                      dues; deposits are checked and grants lapse; organisations that cannot run end.
5. ``operating``      the agency pays operating grants; organisations spend.
6. ``projects``       finished projects succeed or fail; once a year the project call (and the VIS call).
7. ``innovation``     R&D, knowledge, EU money, innovations.
8. ``evaluation``     interim evaluation of spearhead clusters; yearly scores of IBNs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from clusterpolicy.model import kernels
from clusterpolicy.model.agency import FundingAgency
from clusterpolicy.model.agents import ClusterOrganisation, Firm, OrgTable, ProjectBatch
from clusterpolicy.model.memberships import Memberships
from clusterpolicy.model.metrics import REPORTERS, OutcomeCollector
from clusterpolicy.model.panel import FirmPanel
from clusterpolicy.model.params import Params, full_key, quarter_index, quarter_label
from clusterpolicy.model.phases import (
    cofinancing,
    evaluation,
    innovation,
    membership,
    operating,
    projects,
    recognition,
)
from clusterpolicy.model.population import build_firms, build_institutions, build_legacy

if TYPE_CHECKING:
    from clusterpolicy.inputs.scenario import Scenario

DEFAULT_SCENARIO = "concept_note_2015"


def _scenario_params(scenario: Any) -> Params:
    """The parameters of a scenario given by name, path or as a loaded scenario (for the constructor only).

    The model's phases never read files; this lazy import lets ``ClusterPolicyModel(scenario=...)`` and
    ``mesa.batch_run`` build a model from a scenario's name.
    """
    from clusterpolicy.inputs.scenario import Scenario, load_scenario

    if isinstance(scenario, Scenario):
        return scenario.params
    if not isinstance(scenario, (str, Path)):
        raise TypeError(f"scenario: give a name, a path or a loaded Scenario, not {type(scenario).__name__}")
    return load_scenario(scenario).params


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
    "recognition",
    "vis",
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
    eu_funding_members: float = 0.0
    privileged_project_spend: float = 0.0
    cluster_project_spend: float = 0.0
    open_project_spend: float = 0.0
    reserved_released: float = 0.0
    selected_quality_sum: float = 0.0
    selected_count: int = 0
    member_quarters_policy: float = 0.0
    sme_participations: int = 0
    follower_participations: int = 0
    vis_projects: int = 0
    vis_participations: int = 0
    innovations_sme: int = 0
    innovations_follower: int = 0

    def reset(self) -> None:
        """Set every count back to zero."""
        for f in fields(self):
            setattr(self, f.name, type(getattr(self, f.name))(0))


class ClusterPolicyModel(mesa.Model):
    """Agent-based model of a regional cluster policy (Flanders, 2016).

    Args:
        params: the resolved scenario; if None, the scenario named ``scenario`` is loaded.
        rng: seed or generator; the model's only source of randomness (Mesa 3.5 style).
        panel: also record a yearly panel of the firms (:class:`clusterpolicy.model.panel.FirmPanel`),
            for evaluation studies; off by default (it costs memory, not behaviour).
        last_only: collect the outcomes in the last quarter only, not every quarter (what a sweep keeps by
            default; the outcomes read the model's state and change nothing, so the last quarter's values
            are the same either way).
        scenario: the name (or path) of a shipped or user scenario, when ``params`` is None.
        **overrides: scalar parameter values by name, the section left out where the name is unique
            (``privileged_share=0.4``, ``sme_money_cost=5``), so that ``mesa.batch_run`` can sweep them
            without a subclass, e.g.
            ``batch_run(ClusterPolicyModel, {"privileged_share": [0.25, 0.4]}, rng=[1, 2])``.

    Attributes:
        t: current quarter, counted from ``simulation.start`` (negative during the burn-in).
        firms: the firm population as arrays (:class:`clusterpolicy.model.agents.FirmTable`).
        memberships: who is a member of which organisation (a sparse table; a firm may have several).
        orgs: every cluster organisation ever created, alive or not (index = ``org.index``).
        org_table: the organisations' state as arrays, one row per organisation (their agents' view).
        kis: knowledge institutions.
        agency: the funding agency.
        policy_active: the cluster policy is in force (false during the burn-in and when disabled).
    """

    def __init__(
        self,
        params: Params | None = None,
        rng: int | np.random.Generator | None = None,
        *,
        panel: bool = False,
        last_only: bool = False,
        scenario: str | Path | Scenario | None = None,
        **overrides: Any,
    ):
        super().__init__(rng=rng)
        if params is None:
            params = _scenario_params(scenario or DEFAULT_SCENARIO)
        elif scenario is not None:
            raise ValueError("give params or scenario, not both")
        if overrides:
            params = params.replace(**{full_key(k): v for k, v in overrides.items()})
        self.p = params
        sim, pol = params.simulation, params.policy
        self.start_index = quarter_index(sim.start)
        self.t = -sim.burn_in_quarters
        self.policy_active = False
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS)), strict=True))
        self.counters = Counters()
        self.orgs: list[ClusterOrganisation] = []
        self.past_sunset: list[ClusterOrganisation] = []  # with a sunset record, in the order they got it
        self.legacy_support_until = quarter_index(pol.legacy_support_end) - self.start_index + 1
        self.vis_until = quarter_index(pol.vis_end) - self.start_index + 1
        self.ibn_calls = {quarter_index(q) - self.start_index for q in pol.ibn_call_quarters}
        self.spearhead_calls = {quarter_index(q) - self.start_index for q in pol.spearhead_call_quarters}
        self.privileged_per_rd = 0.0
        self.links = np.empty(0, dtype=np.int64)
        self.pending: list[ProjectBatch] = []
        self.subsidy_expiry: dict[int, list[tuple[np.ndarray, np.ndarray, bool]]] = {}
        self.initiatives: list[recognition.Initiative] = []
        self.queue: list[recognition.Queued] = []
        self.firms_funded_last_call = 0
        # (key, table) of kernels.domain_table, kept while the alive organisations and domains are the same
        self.domain_orgs: tuple[tuple[bytes, bytes] | None, np.ndarray] = (
            None,
            np.empty((0, 0), dtype=np.int64),
        )
        self._trend: dict[int, float] = {}
        self._firm_agents: list[Firm] | None = None
        self.agency = FundingAgency(self)
        self.firms = build_firms(self, self.streams["population"])
        self.org_table = OrgTable(self.firms.n)
        self.memberships = Memberships(self.firms.n)
        self.median_rd = float(np.median(self.firms.base_rd))
        # per-firm probabilities that depend only on the size class
        b = params.behaviour
        f = self.firms
        self.eu_apply_quarterly = np.where(f.is_sme, b.eu_apply_prob_sme, b.eu_apply_prob_large) / 4
        self.pay_probability = np.where(f.is_sme, b.pay_probability_sme, b.pay_probability_large)
        n_dom = params.population.n_domains
        self.domain_rows = [np.flatnonzero(f.domain == d) for d in range(n_dom)]
        self.active_rows = [np.flatnonzero((f.domain == d) | (f.domain2 == d)) for d in range(n_dom)]
        self.business_rd_start = float(f.base_rd.sum())
        self.kis = build_institutions(self, self.streams["population"])
        self.n_nodes = f.n + len(self.kis)
        self.kis_by_domain = [
            [i for i, k in enumerate(self.kis) if d in k.domains] for d in range(params.population.n_domains)
        ]
        build_legacy(self, self.streams["population"])
        self.panel = FirmPanel(self) if panel else None
        self.last_only = last_only
        for _ in range(sim.burn_in_quarters):
            self._quarter()
            self.t += 1
        self._reset_accounts()
        self.policy_active = pol.enabled
        self.datacollector = OutcomeCollector(model_reporters=REPORTERS)
        self.running = sim.quarters > 0

    # ------------------------------------------------------------------ the quarter
    def step(self) -> None:
        """Simulate one quarter, record the metrics, and advance the clock."""
        self._quarter()
        if not self.last_only or self.t + 1 >= self.p.simulation.quarters:
            self.datacollector.collect(self)
        self.t += 1
        if self.t >= self.p.simulation.quarters:
            self.running = False

    def _quarter(self) -> None:
        self.open_quarter()
        recognition.run(self)
        membership.run(self)
        cofinancing.run(self)
        operating.run(self)
        projects.run(self)
        innovation.run(self)
        evaluation.run(self)
        if self.panel is not None and self.quarter_of_year == 4:
            self.panel.record(self)

    def open_quarter(self) -> None:
        """Firms' free cash for cooperation comes in.

        A quarter of the yearly inflow; the balance is capped at ``cash_cap_years`` of inflow.
        Synchronous over all firms.
        """
        f = self.firms
        cap = self.p.behaviour.cash_cap_years * f.cash_income
        np.minimum(f.cash + f.cash_income / 4.0, np.maximum(f.cash, cap), out=f.cash)

    @property
    def quarter(self) -> str:
        """Label of the current quarter, e.g. ``2016Q1``."""
        return quarter_label(self.start_index + self.t)

    @property
    def quarter_of_year(self) -> int:
        """1..4."""
        return (self.start_index + self.t) % 4 + 1

    @property
    def firm_agents(self) -> list[Firm]:
        """One Mesa agent per firm, over its row of ``firms``: created when first asked for.

        A run of a sweep never needs them (the phases work on the arrays), so they are not made for
        every run; inspection, tests and the explorer ask for them.
        """
        if self._firm_agents is None:
            self._firm_agents = list(Firm.create_agents(self, self.firms.n, np.arange(self.firms.n)))
        return self._firm_agents

    def trend(self, t: int) -> float:
        """Own R&D relative to the start in quarter ``t`` without the policy (cached)."""
        if t not in self._trend:
            self._trend[t] = kernels.rd_trend(self.p, t)
        return self._trend[t]

    def run(self) -> None:
        """Run every recorded quarter."""
        while self.running:
            self.step()

    def _reset_accounts(self) -> None:
        """Start every '_total' from zero when the recorded period begins."""
        self.counters.reset()
        self.agency.reset()
        f = self.firms
        f.project_grants[:] = 0.0
        f.eu_grants[:] = 0.0
        f.innovations[:] = 0
        t = self.org_table
        for name in t.LEDGER:
            getattr(t, name)[:] = 0.0
        t.ledger_opening_cash[: t.n] = t.cash[: t.n]
        for ki in self.kis:
            ki.grants_received = 0.0

    # ------------------------------------------------------------------ membership helpers
    def join(self, rows: np.ndarray, org: ClusterOrganisation | np.ndarray) -> None:
        """Make firms ``rows`` members of ``org`` (or of ``org[i]``, an array of indices).

        Firms that are members already stay as they are (:func:`~clusterpolicy.model.phases.membership.join`).
        """
        membership.join(self, rows, org)

    def leave(self, rows: np.ndarray, org: ClusterOrganisation) -> None:
        """End the memberships of firms ``rows`` in ``org`` (outstanding dues are written off)."""
        ms = self.memberships
        ms.remove((ms.org == org.index) & np.isin(ms.firm, rows))

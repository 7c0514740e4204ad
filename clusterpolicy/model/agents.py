"""Agents: firms, knowledge institutions and cluster organisations.

Firms are many, so their state lives in :class:`FirmTable`, a set of NumPy arrays owned by the model
and updated phase by phase with vectorised code (``model/kernels.py``). Each firm is still a real Mesa
agent (:class:`Firm`) with an identity that reads and writes its own row, for inspection, tests and
visualisation. Knowledge institutions and cluster organisations are few and are plain Mesa agents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel

SPEARHEAD = "spearhead"
IBN = "ibn"
LEGACY = "legacy"

NO_ORG = -1


class FirmTable:
    """Column store of the firm population (one row per firm).

    Attributes:
        is_sme: fewer than 250 staff.
        follower: an SME that is an innovation follower (little own R&D).
        domain: the domain the firm belongs to (clusters form around domains).
        base_rd: own R&D (EUR/yr) at the start, before trend and knowledge effects.
        own_rd: current own R&D (EUR/yr), without subsidised R&D.
        capability: proposal and absorptive capability, in (0, 1).
        cash: free cash for cooperation fees (EUR), never negative.
        cash_income: yearly inflow of free cash (EUR/yr).
        taste: persistent taste for cooperation (EUR/yr).
        knowledge: knowledge stock (dimensionless, starts at 0).
        innovations: innovations so far.
        member_of: index of the cluster organisation the firm is a member of, or -1.
        member_since: quarter the membership started.
        fee_cash: yearly cash fee of the current membership (EUR/yr).
        fee_in_kind: yearly in-kind contribution of the current membership (EUR/yr of staff time).
        dues: cash dues outstanding in the organisation's current project year (EUR).
        dues_paid_year: cash dues paid in the organisation's current project year (EUR).
        subsidy_rate: subsidy (project and EU grants) being spent on R&D (EUR/yr).
        project_grants: project grants received so far (EUR).
        eu_grants: EU grants received so far (EUR).
    """

    FLOAT_COLUMNS = (
        "base_rd",
        "own_rd",
        "capability",
        "cash",
        "cash_income",
        "taste",
        "knowledge",
        "fee_cash",
        "fee_in_kind",
        "dues",
        "dues_paid_year",
        "subsidy_rate",
        "project_grants",
        "eu_grants",
    )

    def __init__(self, n: int):
        self.n = n
        self.is_sme = np.zeros(n, dtype=bool)
        self.follower = np.zeros(n, dtype=bool)
        self.domain = np.zeros(n, dtype=np.int32)
        self.innovations = np.zeros(n, dtype=np.int64)
        self.member_of = np.full(n, NO_ORG, dtype=np.int32)
        self.member_since = np.zeros(n, dtype=np.int32)
        self.base_rd = np.zeros(n, dtype=np.float64)
        self.own_rd = np.zeros(n, dtype=np.float64)
        self.capability = np.zeros(n, dtype=np.float64)
        self.cash = np.zeros(n, dtype=np.float64)
        self.cash_income = np.zeros(n, dtype=np.float64)
        self.taste = np.zeros(n, dtype=np.float64)
        self.knowledge = np.zeros(n, dtype=np.float64)
        self.fee_cash = np.zeros(n, dtype=np.float64)
        self.fee_in_kind = np.zeros(n, dtype=np.float64)
        self.dues = np.zeros(n, dtype=np.float64)
        self.dues_paid_year = np.zeros(n, dtype=np.float64)
        self.subsidy_rate = np.zeros(n, dtype=np.float64)
        self.project_grants = np.zeros(n, dtype=np.float64)
        self.eu_grants = np.zeros(n, dtype=np.float64)

    def rd(self, pass_through: float) -> np.ndarray:
        """Total R&D per firm (EUR/yr): own R&D plus the passed-through part of subsidies."""
        return self.own_rd + pass_through * self.subsidy_rate


def _column(name: str, cast: type) -> property:
    def fget(self: Firm):
        return cast(getattr(self.model.firms, name)[self.row])

    def fset(self: Firm, value) -> None:
        getattr(self.model.firms, name)[self.row] = value

    return property(fget, fset, doc=f"This firm's ``{name}`` (a view of its row in FirmTable).")


class Firm(mesa.Agent):
    """A firm: a Mesa agent that reads and writes its row of the model's :class:`FirmTable`.

    Behaviour is not in per-agent methods but in the model's vectorised phases, which update every
    firm's row at once; this class gives each firm an identity and a readable view of its state.
    """

    def __init__(self, model: ClusterPolicyModel, row: int):
        super().__init__(model)
        self.row = row

    is_sme = _column("is_sme", bool)
    follower = _column("follower", bool)
    domain = _column("domain", int)
    own_rd = _column("own_rd", float)
    capability = _column("capability", float)
    cash = _column("cash", float)
    knowledge = _column("knowledge", float)
    innovations = _column("innovations", int)
    member_of = _column("member_of", int)
    fee_cash = _column("fee_cash", float)
    dues = _column("dues", float)

    @property
    def size_class(self) -> str:
        """``"sme"`` or ``"large"``."""
        return "sme" if self.is_sme else "large"

    @property
    def organisation(self) -> ClusterOrganisation | None:
        """The cluster organisation this firm is a member of, if any."""
        j = self.member_of
        return None if j == NO_ORG else self.model.orgs[j]


class KnowledgeInstitution(mesa.Agent):
    """A university, strategic research centre (SOC) or collective centre.

    Partners in projects (raising their quality), receives part of the grant, and can be the
    scientific partner that makes a spearhead application eligible in its domains.
    """

    def __init__(
        self,
        model: ClusterPolicyModel,
        kind: str,
        domains: tuple[int, ...],
        excellence: float,
        capacity: int,
    ):
        super().__init__(model)
        self.kind = kind
        self.domains = domains
        self.excellence = excellence
        self.capacity = capacity
        self.projects_this_year = 0
        self.grants_received = 0.0
        self.node = -1  # index in the collaboration network, set by the model


@dataclass
class Application:
    """An application in a call: a new initiative, a legacy structure or an IBN aiming higher."""

    kind: str
    domain: int
    excellence: float
    committed: np.ndarray
    valorisation: float
    support: float
    org: ClusterOrganisation | None = None
    arrival: float = 0.0
    jury_score: float = 0.0
    eligible: bool = True
    societal: bool = False

    @property
    def quality(self) -> float:
        """Noise-free quality: the mean of the three criteria (what a perfect jury would see)."""
        return (self.valorisation + self.support + self.excellence) / 3.0


@dataclass
class OrgLedger:
    """Money an organisation has received and spent since the start (EUR), and its cash then."""

    opening_cash: float = 0.0
    grants: float = 0.0
    cash_fees: float = 0.0
    in_kind: float = 0.0
    spent: float = 0.0


class ClusterOrganisation(mesa.Agent):
    """The staff that runs a cluster: spearhead cluster, innovative business network or legacy structure.

    Attributes:
        index: position in ``model.orgs`` (members point to it from ``FirmTable.member_of``).
        kind: ``spearhead``, ``ibn`` or ``legacy``.
        recognised: holds a recognition (a support agreement that has not lapsed or been stopped).
        supported: receives an operating grant now.
        alive: has not dissolved or merged.
        anchor: quarter of the current agreement's start; project years run from it.
        support_until: first quarter without support (sunset), or None.
        fee_multiplier: how much the organisation has raised fees to cover its costs (1 = base fees).
        cash: the organisation's bank account (EUR), never negative.
    """

    def __init__(
        self,
        model: ClusterPolicyModel,
        kind: str,
        domain: int,
        excellence: float,
        societal: bool = False,
    ):
        super().__init__(model)
        self.index = len(model.orgs)
        model.orgs.append(self)
        self.kind = kind
        self.domain = domain
        self.excellence = excellence
        self.societal = societal
        self.alive = True
        self.recognised = False
        self.supported = False
        self.ever_supported = False
        self.lapsed = False
        self.stopped_by_evaluation = False
        self.merged_into: int | None = None
        self.anchor = model.t
        self.recognised_at: int | None = None
        self.support_until: int | None = None
        self.fee_multiplier = 1.0
        self.unviable_years = 0
        self.cash = 0.0
        self.ledger = OrgLedger()
        self.grant_annual = 0.0
        self.member_money_plan = 0.0
        self.in_kind_credit_plan = 0.0
        self.deposit_required = 0.0
        self.deposit_deadline: int | None = None
        self.year_grants = 0.0
        self.year_member_money = 0.0
        self.year_cash_fees = 0.0
        self.reserves_at_year_start = 0.0
        self.last_year_grants = 0.0
        self.last_year_member_money = 0.0
        self.projects_funded = 0
        self.projects_finished = 0
        self.projects_succeeded = 0
        self.history: list[tuple[int, str]] = []

    @property
    def fixed_cost(self) -> float:
        """Smallest yearly budget on which the organisation can run (EUR/yr)."""
        b = self.model.p.behaviour
        return b.org_fixed_cost_spearhead if self.kind == SPEARHEAD else b.org_fixed_cost_ibn

    @property
    def member_excellence(self) -> float:
        """Excellence as members experience it: halved for a structure with a mainly societal purpose."""
        return self.excellence * (0.5 if self.societal else 1.0)

    @property
    def budget_plan(self) -> float:
        """This project year's planned budget: member money (cash + credited in-kind) + grant."""
        return self.member_money_plan + self.in_kind_credit_plan + self.grant_annual

    @property
    def activity(self) -> float:
        """How fully the organisation can run its services this year, in [0, 1]."""
        if not self.alive:
            return 0.0
        return float(min(1.0, self.budget_plan / max(self.fixed_cost, 1.0)))

    @property
    def self_financing(self) -> float:
        """Share of last project year's budget that members paid (1 when there was no grant)."""
        total = self.last_year_member_money + self.last_year_grants
        return 1.0 if total <= 0 else self.last_year_member_money / total

    @property
    def members(self) -> np.ndarray:
        """Rows of the member firms."""
        return np.flatnonzero(self.model.firms.member_of == self.index)

    def note(self, event: str) -> None:
        """Record an event in the organisation's history."""
        self.history.append((self.model.t, event))


@dataclass
class ProjectBatch:
    """The projects funded in one call, resolved together when they end.

    Attributes:
        ends: quarter in which the projects end.
        quality: assessed quality per project.
        org: organisation behind each project (-1 for individual projects).
        firm_rows: participating firm of each participation.
        project_of: project (index into ``quality``) of each participation.
        succeeded: per project, set when resolved.
    """

    ends: int
    quality: np.ndarray
    org: np.ndarray
    firm_rows: np.ndarray
    project_of: np.ndarray
    succeeded: np.ndarray | None = None

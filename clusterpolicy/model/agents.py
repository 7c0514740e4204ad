"""Agents: firms, knowledge institutions and cluster organisations.

Firms are many, so their state lives in :class:`FirmTable`, a set of NumPy arrays owned by the model
and updated phase by phase with vectorised code (``model/kernels.py``). Each firm can still be a real
Mesa agent (:class:`Firm`, made on demand by ``model.firm_agents``) with an identity that reads and
writes its own row, for inspection, tests and visualisation. Knowledge institutions and cluster
organisations are few and are plain Mesa agents. Memberships are a table of their own
(:mod:`clusterpolicy.model.memberships`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel
    from clusterpolicy.model.params import BehaviourParams

SPEARHEAD = "spearhead"
IBN = "ibn"
LEGACY = "legacy"

NO_ORG = -1  # "no organisation" in arrays indexed like model.orgs


class FirmTable:
    """Column store of the firm population (one row per firm).

    Memberships are not here but in :class:`model.memberships.Memberships` (a firm may have several).

    Attributes:
        is_sme: fewer than 250 staff.
        follower: an SME that is an innovation follower (little own R&D).
        domain: the main domain of the firm (clusters form around domains).
        domain2: a second domain the firm is active in, or -1.
        base_rd: own R&D (EUR/yr) at the start, before trend and knowledge effects.
        own_rd: current own R&D (EUR/yr), without subsidised R&D.
        capability: proposal and absorptive capability, in (0, 1).
        cash: free cash for cooperation fees (EUR), never negative.
        cash_income: yearly inflow of free cash (EUR/yr).
        taste: persistent taste for cooperation (EUR/yr).
        knowledge: knowledge stock (dimensionless, starts at 0).
        innovations: innovations so far.
        subsidy_project: project grants (regional) being spent on R&D (EUR/yr).
        subsidy_eu: EU grants being spent on R&D (EUR/yr).
        project_grants: project grants received so far (EUR).
        eu_grants: EU grants received so far (EUR).
        must_review: the firm reviews its memberships in the next quarter whatever ``review_rate``
            (its organisation ended).
    """

    def __init__(self, n: int):
        self.n = n
        self.is_sme = np.zeros(n, dtype=bool)
        self.follower = np.zeros(n, dtype=bool)
        self.domain = np.zeros(n, dtype=np.int32)
        self.domain2 = np.full(n, -1, dtype=np.int32)
        self.innovations = np.zeros(n, dtype=np.int64)
        self.must_review = np.zeros(n, dtype=bool)
        self.base_rd = np.zeros(n, dtype=np.float64)
        self.own_rd = np.zeros(n, dtype=np.float64)
        self.capability = np.zeros(n, dtype=np.float64)
        self.cash = np.zeros(n, dtype=np.float64)
        self.cash_income = np.zeros(n, dtype=np.float64)
        self.taste = np.zeros(n, dtype=np.float64)
        self.knowledge = np.zeros(n, dtype=np.float64)
        self.subsidy_project = np.zeros(n, dtype=np.float64)
        self.subsidy_eu = np.zeros(n, dtype=np.float64)
        self.project_grants = np.zeros(n, dtype=np.float64)
        self.eu_grants = np.zeros(n, dtype=np.float64)

    @property
    def subsidy_rate(self) -> np.ndarray:
        """All subsidies (project and EU grants) being spent on R&D (EUR/yr)."""
        return self.subsidy_project + self.subsidy_eu

    def rd(self, pass_through: float) -> np.ndarray:
        """Total R&D per firm (EUR/yr): own R&D plus the passed-through part of subsidies."""
        return self.own_rd + pass_through * self.subsidy_rate


KINDS = (SPEARHEAD, IBN, LEGACY)  # an organisation's kind code is its position here
KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
# the codes of the kinds that compiled loops compare OrgTable.kind with
SPEARHEAD_CODE, IBN_CODE, LEGACY_CODE = KIND_CODE[SPEARHEAD], KIND_CODE[IBN], KIND_CODE[LEGACY]
NEVER = np.iinfo(np.int64).min  # "no quarter" in the quarter columns of OrgTable (None on the agent)
LEDGER_FIELDS = ("opening_cash", "grants", "cash_fees", "in_kind", "spent", "refunded", "returned")


class OrgTable:
    """Column store of the cluster organisations' state that phases read for all of them at once.

    One row per organisation ever created (row = ``org.index``, dead ones included); the
    :class:`ClusterOrganisation` agents read and write their row through their attributes, so a phase
    can take every organisation's state as an array (``model.org_table.excellence[:n]``) without a
    Python loop over the organisations. Rows are allocated in blocks that double.

    Attributes:
        kind: kind code (:data:`KIND_CODE`: 0 spearhead, 1 IBN, 2 legacy).
        domain: the organisation's domain.
        alive, recognised, supported, societal: as on :class:`ClusterOrganisation`.
        anchor: quarter of the current agreement's start (project years run from it).
        pact_until: first quarter of privileged access (:data:`NEVER` for none).
        niche: ``niche[j, i]``: organisation ``j`` serves firm ``i``.
        excellence (not yet times ``societal_value_factor``), excellence_base, activity, unit_fee,
            budget_target, unviable_years, created_at, recognised_at, cash, grant_annual, cash_plan,
            credit_plan, member_money_plan, year_grants, year_cash_fees, year_member_money,
            last_year_grants, last_year_member_money, reserves_at_year_start, deposit_required,
            deposit_deadline and support_until (quarters: :data:`NEVER` for none), ever_recognised: as
            on :class:`ClusterOrganisation`, held here only (the agent's attributes read and write this
            row, see :class:`OrgColumn`).
        ledger_*: the columns of its :class:`OrgLedger`.
    """

    # the columns by type besides kind, domain, anchor and niche (the agent's attribute is mirrored here,
    # see _MIRRORED, or a view of this column, OrgColumn)
    BOOL = ("alive", "recognised", "supported", "societal", "ever_recognised")
    FLOAT = ("excellence", "excellence_base", "activity", "unit_fee", "budget_target")
    INT = ("unviable_years", "created_at")
    QUARTERS = ("pact_until", "deposit_deadline", "support_until", "recognised_at")  # NEVER for none
    # money, held in the table only (OrgColumn)
    MONEY = (
        "cash",
        "grant_annual",
        "cash_plan",
        "credit_plan",
        "member_money_plan",
        "year_grants",
        "year_cash_fees",
        "year_member_money",
        "last_year_grants",
        "last_year_member_money",
        "reserves_at_year_start",
        "deposit_required",
    )
    LEDGER = tuple(f"ledger_{name}" for name in LEDGER_FIELDS)

    def __init__(self, n_firms: int, capacity: int = 64):
        self.n = 0
        self.n_firms = n_firms
        self.kind = np.zeros(capacity, dtype=np.int8)
        self.domain = np.zeros(capacity, dtype=np.int32)
        self.alive = np.zeros(capacity, dtype=bool)
        self.recognised = np.zeros(capacity, dtype=bool)
        self.supported = np.zeros(capacity, dtype=bool)
        self.societal = np.zeros(capacity, dtype=bool)
        self.ever_recognised = np.zeros(capacity, dtype=bool)
        self.anchor = np.zeros(capacity, dtype=np.int64)
        self.unviable_years = np.zeros(capacity, dtype=np.int64)
        self.created_at = np.zeros(capacity, dtype=np.int64)
        self.pact_until = np.full(capacity, NEVER, dtype=np.int64)
        self.deposit_deadline = np.full(capacity, NEVER, dtype=np.int64)
        self.support_until = np.full(capacity, NEVER, dtype=np.int64)
        self.recognised_at = np.full(capacity, NEVER, dtype=np.int64)
        self.niche = np.zeros((capacity, n_firms), dtype=bool)
        zeros = np.zeros(capacity, dtype=np.float64)
        self.excellence = zeros.copy()
        self.excellence_base = zeros.copy()
        self.activity = zeros.copy()
        self.unit_fee = zeros.copy()
        self.budget_target = zeros.copy()
        self.cash = zeros.copy()
        self.grant_annual = zeros.copy()
        self.cash_plan = zeros.copy()
        self.credit_plan = zeros.copy()
        self.member_money_plan = zeros.copy()
        self.year_grants = zeros.copy()
        self.year_cash_fees = zeros.copy()
        self.year_member_money = zeros.copy()
        self.last_year_grants = zeros.copy()
        self.last_year_member_money = zeros.copy()
        self.reserves_at_year_start = zeros.copy()
        self.deposit_required = zeros.copy()
        self.ledger_opening_cash = zeros.copy()
        self.ledger_grants = zeros.copy()
        self.ledger_cash_fees = zeros.copy()
        self.ledger_in_kind = zeros.copy()
        self.ledger_spent = zeros.copy()
        self.ledger_refunded = zeros.copy()
        self.ledger_returned = zeros.copy()

    def add(self, **values: object) -> int:
        """A new row: ``values`` by column, every other column zero (a quarter :data:`NEVER`); its index."""
        if self.n == len(self.kind):
            self._grow(2 * len(self.kind))
        index = self.n
        self.n += 1
        for name, value in values.items():
            getattr(self, name)[index] = value
        return index

    def _grow(self, capacity: int) -> None:
        columns = ("kind", "domain", "anchor", *self.BOOL, *self.INT, *self.QUARTERS, *self.FLOAT)
        for name in (*columns, *self.MONEY, *self.LEDGER, "niche"):
            old = getattr(self, name)
            new = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
            if name in self.QUARTERS:
                new[:] = NEVER
            new[: len(old)] = old
            setattr(self, name, new)

    def privileged(self, model: ClusterPolicyModel) -> np.ndarray:
        """Per organisation: its members may use privileged project money now (see ``privileged_access``)."""
        n = self.n
        if not model.policy_active:
            return np.zeros(n, dtype=bool)
        return (
            self.alive[:n]
            & (self.kind[:n] == KIND_CODE[SPEARHEAD])
            & self.supported[:n]
            & (model.t >= self.pact_until[:n])
        )


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
    domain2 = _column("domain2", int)
    own_rd = _column("own_rd", float)
    capability = _column("capability", float)
    cash = _column("cash", float)
    knowledge = _column("knowledge", float)
    innovations = _column("innovations", int)

    @property
    def size_class(self) -> str:
        """``"sme"`` or ``"large"``."""
        return "sme" if self.is_sme else "large"

    @property
    def organisations(self) -> list[ClusterOrganisation]:
        """The cluster organisations this firm is a member of, in the order it joined them."""
        ms = self.model.memberships
        return [self.model.orgs[int(j)] for j in ms.org[ms.firm == self.row]]


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
    sme_share: float = 0.0
    niche: np.ndarray | None = None
    jury_score: float = 0.0
    eligible: bool = True
    societal: bool = False

    @property
    def quality(self) -> float:
        """Noise-free quality: the mean of the three criteria (what a perfect jury would see)."""
        return (self.valorisation + self.support + self.excellence) / 3.0


def core_cost_of(behaviour: BehaviourParams, kind: str) -> float:
    """Smallest yearly budget on which an organisation of ``kind`` can run at all (EUR/yr)."""
    return {
        SPEARHEAD: behaviour.org_core_cost_spearhead,
        IBN: behaviour.org_core_cost_ibn,
        LEGACY: behaviour.org_core_cost_legacy,
    }[kind]


class OrgColumn:
    """An attribute of an organisation held in its row of a column of :class:`OrgTable` only.

    Reading gives a Python value (``None`` for :data:`NEVER` in a quarter column); writing writes the row.
    ``prefix`` names the column (``ledger_`` for the ledger's).
    """

    def __init__(self, cast: type, prefix: str = "", none: int | None = None):
        self.cast, self.prefix, self.none = cast, prefix, none

    def __set_name__(self, owner: type, name: str) -> None:
        self.column = self.prefix + name

    def __get__(self, obj: object, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        value = getattr(obj._table, self.column)[obj.index]  # type: ignore[attr-defined]
        if self.none is not None and value == self.none:
            return None
        return self.cast(value)

    def __set__(self, obj: object, value: object) -> None:
        stored = self.none if value is None else value
        getattr(obj._table, self.column)[obj.index] = stored  # type: ignore[attr-defined]


class OrgLedger:
    """Money an organisation has received and paid out since the start (EUR), and its cash then.

    ``refunded`` went back to the members and ``returned`` to the agency when the organisation ended.
    A view of the organisation's ``ledger_*`` columns of :class:`OrgTable`.
    """

    opening_cash = OrgColumn(float, "ledger_")
    grants = OrgColumn(float, "ledger_")
    cash_fees = OrgColumn(float, "ledger_")
    in_kind = OrgColumn(float, "ledger_")
    spent = OrgColumn(float, "ledger_")
    refunded = OrgColumn(float, "ledger_")
    returned = OrgColumn(float, "ledger_")

    def __init__(self, table: OrgTable, index: int):
        self._table, self.index = table, index


@dataclass
class SunsetRecord:
    """What became of an organisation whose support ended by the sunset clause.

    Attributes:
        ended: quarter in which support ended.
        members: members then.
        budget: its budget in the last supported project year (EUR/yr).
        followup: for 4 and 8 quarters later, ``(alive, members, member money planned in EUR/yr)``.
    """

    ended: int
    members: int
    budget: float
    followup: dict[int, tuple[bool, int, float]]


# attributes of ClusterOrganisation mirrored in its row of OrgTable: name -> (code of a value, code of None)
_MIRRORED: dict[str, tuple[dict[str, int] | None, int | None]] = {
    "kind": (KIND_CODE, None),
    "domain": (None, None),
    "alive": (None, None),
    "recognised": (None, None),
    "supported": (None, None),
    "societal": (None, None),
    "anchor": (None, None),
    "pact_until": (None, NEVER),
}


def _stored(name: str, value: object) -> object:
    """How the mirrored attribute ``name`` (:data:`_MIRRORED`) of value ``value`` is held in OrgTable."""
    code, none = _MIRRORED[name]
    return none if value is None else (code[value] if code is not None else value)  # type: ignore[index]


class ClusterOrganisation(mesa.Agent):
    """The staff that runs a cluster: spearhead cluster, innovative business network or legacy structure.

    Each project year the organisation plans a budget from its core cost and its members
    (:meth:`model.phases.cofinancing.plan_year`): the grant pays the public share of it up to the cap,
    members' fees raise the rest by size class, and what fees cannot raise is cut from its activity.

    Attributes:
        index: position in ``model.orgs`` (memberships point to it).
        kind: ``spearhead``, ``ibn`` or ``legacy``.
        excellence: how good its management and services are, in (0, 1); moves with experience and
            activity (``excellence_base`` is the initial draw).
        recognised: holds a recognition (a support agreement that has not lapsed or been stopped).
        supported: receives an operating grant now.
        alive: has not ended.
        anchor: quarter of the current agreement's start; project years run from it.
        support_until: first quarter without support (sunset), or None.
        pact_until: first quarter in which its members' projects may use privileged project money.
        niche: per firm, whether the organisation serves it: the firms active in its domain that it
            reached when it formed (an IBN a niche, a spearhead most of its domain) and its members.
        budget_target: the budget it plans at full activity this project year (EUR/yr).
        unit_fee: this year's fee of an SME member; a large member pays ``fee ratio`` times it (EUR/yr).
        activity: how fully it runs its services this year: budget raised over budget planned, in [0, 1].
        cash: the organisation's bank account (EUR), never negative.
    """

    cash = OrgColumn(float)
    grant_annual = OrgColumn(float)
    cash_plan = OrgColumn(float)
    credit_plan = OrgColumn(float)
    member_money_plan = OrgColumn(float)
    year_grants = OrgColumn(float)
    year_cash_fees = OrgColumn(float)
    year_member_money = OrgColumn(float)
    last_year_grants = OrgColumn(float)
    last_year_member_money = OrgColumn(float)
    deposit_deadline = OrgColumn(int, none=NEVER)
    support_until = OrgColumn(int, none=NEVER)
    ever_recognised = OrgColumn(bool)
    excellence = OrgColumn(float)
    excellence_base = OrgColumn(float)
    activity = OrgColumn(float)
    unit_fee = OrgColumn(float)
    budget_target = OrgColumn(float)
    unviable_years = OrgColumn(int)
    created_at = OrgColumn(int)
    recognised_at = OrgColumn(int, none=NEVER)
    reserves_at_year_start = OrgColumn(float)
    deposit_required = OrgColumn(float)

    # the attributes besides the OrgColumns (the mirrored ones, _MIRRORED, are in the table too)
    _table: OrgTable
    index: int
    kind: str
    domain: int
    societal: bool
    alive: bool
    recognised: bool
    supported: bool
    anchor: int
    pact_until: int | None
    lapsed: bool
    stopped_by_evaluation: bool
    ended_at: int | None
    ledger: OrgLedger
    projects_funded: int
    projects_finished: int
    projects_succeeded: int
    last_score: float | None
    _sunset: SunsetRecord | None
    history: list[tuple[int, str]]

    def __setattr__(self, name: str, value: object) -> None:
        """Set an attribute; one of :data:`_MIRRORED` is also written to the organisation's row of OrgTable.

        The agent keeps the value as it was set (its Python type too), so reading it is a plain
        attribute read; the table keeps a copy for the phases that read every organisation at once.
        """
        object.__setattr__(self, name, value)
        if name in _MIRRORED:
            getattr(self._table, name)[self.index] = _stored(name, value)

    def __init__(
        self,
        model: ClusterPolicyModel,
        kind: str,
        domain: int,
        excellence: float,
        societal: bool = False,
    ):
        """A new organisation of ``kind`` in ``domain``, now: not recognised, no members, no money.

        Its row of OrgTable is written at once and its attributes are set at once (not one by one
        through ``__setattr__``); the table-only columns (:class:`OrgColumn`) not given here start at
        zero, False or no quarter.
        """
        super().__init__(model)
        table = model.org_table
        mirrored = {
            "kind": kind,
            "domain": domain,
            "societal": societal,
            "alive": True,
            "recognised": False,
            "supported": False,
            "anchor": model.t,
            "pact_until": None,
        }
        index = table.add(
            **{name: _stored(name, value) for name, value in mirrored.items()},
            excellence=excellence,
            excellence_base=excellence,
            activity=1.0,
            created_at=model.t,
        )
        self.__dict__.update(
            mirrored,
            _table=table,
            index=index,
            lapsed=False,
            stopped_by_evaluation=False,
            ended_at=None,
            ledger=OrgLedger(table, index),
            projects_funded=0,
            projects_finished=0,
            projects_succeeded=0,
            last_score=None,
            _sunset=None,
            history=[],
        )
        model.orgs.append(self)

    @property
    def sunset(self) -> SunsetRecord | None:
        """What became of it after its support ended by the sunset clause (None before that)."""
        return self._sunset

    @sunset.setter
    def sunset(self, record: SunsetRecord | None) -> None:
        if record is not None and self._sunset is None:
            self.model.past_sunset.append(self)  # followed in the operating phase
        self._sunset = record

    @property
    def core_cost(self) -> float:
        """Smallest yearly budget on which the organisation can run at all (EUR/yr)."""
        return core_cost_of(self.model.p.behaviour, self.kind)

    @property
    def member_excellence(self) -> float:
        """Excellence as members experience it (lower for a structure with a mainly societal purpose)."""
        factor = self.model.p.behaviour.societal_value_factor if self.societal else 1.0
        return self.excellence * factor

    @property
    def budget_plan(self) -> float:
        """This project year's budget: member money (cash + credited in-kind) + grant (EUR/yr)."""
        return self.member_money_plan + self.grant_annual

    @property
    def self_financing(self) -> float:
        """Share of last project year's budget that members paid (1 when there was no grant)."""
        total = self.last_year_member_money + self.last_year_grants
        return 1.0 if total <= 0 else self.last_year_member_money / total

    @property
    def members(self) -> np.ndarray:
        """Rows of the member firms."""
        return self.model.memberships.firms_of(self.index)

    @property
    def niche(self) -> np.ndarray:
        """Per firm, whether the organisation serves it (a view of its row of ``OrgTable.niche``)."""
        return self.model.org_table.niche[self.index]

    @niche.setter
    def niche(self, value: np.ndarray) -> None:
        self.model.org_table.niche[self.index] = value

    @property
    def privileged_access(self) -> bool:
        """Its members may use privileged project money now (a supported spearhead past its pact)."""
        m = self.model
        return (
            m.policy_active
            and self.alive
            and self.kind == SPEARHEAD
            and self.supported
            and (self.pact_until is None or m.t >= self.pact_until)
        )

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

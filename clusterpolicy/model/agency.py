"""The funding agency: selection of clusters, project pots, and the money it pays out.

The allocation rules are pure functions of arrays so that each can be tested on its own:
:func:`fund_in_rank_order` (one pot), :func:`project_call` (the four ways of privileging spearhead-cluster
projects, with the merged-pot counterfactual that defines crowding-out) and :func:`select` (jury,
first-come-first-served, lottery).
:class:`FundingAgency` is the Mesa agent that applies them and keeps the ledger of what it paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from clusterpolicy.model import kernels
from clusterpolicy.model.agents import SPEARHEAD, Application, KnowledgeInstitution
from clusterpolicy.model.compiled import compiled
from clusterpolicy.model.kernels import pairwise_sum, split_sums

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel

# proposal kinds in a project call
INDIVIDUAL = 0
CLUSTER = 1  # spearhead-cluster project: competes for the privileged pot first
IBN_PROJECT = 2

_EPS = 1e-6


def rank_order(score: np.ndarray) -> np.ndarray:
    """Indices by descending score; ties broken by the lower index (deterministic).

    A stable sort of the negated scores (equal scores keep their order).
    """
    return np.argsort(-np.asarray(score, dtype=float), kind="stable")


def fund_in_rank_order(score: np.ndarray, request: np.ndarray, pot: float) -> np.ndarray:
    """Fund proposals in rank order while money is left, skipping any that no longer fits.

    Proposals are taken by descending score; each is funded in full if the money left covers it;
    one that does not fit is skipped and the next is considered (so a smaller proposal further down
    can still be funded), as a funding agency does with a fixed budget.

    Args:
        score: assessed quality of each proposal.
        request: grant asked by each proposal (EUR).
        pot: money in the pot (EUR).

    Returns:
        Boolean mask of funded proposals.
    """
    request = np.asarray(request, dtype=float)
    if len(request) == 0 or pot <= 0:
        return np.zeros(len(request), dtype=bool)
    return fund_in_order(rank_order(score), request, float(pot), _EPS)


@compiled
def fund_in_order(order: np.ndarray, request: np.ndarray, pot: float, eps: float) -> np.ndarray:
    """:func:`fund_in_rank_order` of the proposals ``order`` (indices into ``request``, in rank order).

    Returns a mask over ``request`` (the proposals not in ``order`` are not funded; none when ``pot`` is
    not positive). The prefix that
    fits as a block (within ``eps``) is funded (:func:`block_that_fits`), then one by one, skipping what
    does not fit (:func:`fund_the_rest`), from the money the block leaves (its requests summed as
    ``numpy.sum`` sums them, :func:`~clusterpolicy.model.kernels.pairwise_sum`).
    """
    funded = np.zeros(len(request), dtype=np.bool_)
    if len(order) == 0 or pot <= 0:
        return funded
    req = np.empty(len(order))
    for j in range(len(order)):
        req[j] = request[order[j]]
    k = block_that_fits(req, pot + eps)
    left = pot - pairwise_sum(req[:k])
    take = fund_the_rest(req, k, left, eps)
    for j in range(len(order)):
        if take[j]:
            funded[order[j]] = True
    return funded


@compiled
def fund_among(
    order: np.ndarray, among: np.ndarray, request: np.ndarray, pot: float, eps: float
) -> np.ndarray:
    """:func:`fund_in_order` of the proposals ``among`` (a mask over ``request``), ranked by ``order``.

    A pot's candidates keep the order of all proposals (``order[among[order]]``).
    """
    candidates = np.empty(len(order), dtype=np.int64)
    k = 0
    for j in order:
        if among[j]:
            candidates[k] = j
            k += 1
    return fund_in_order(candidates[:k], request, pot, eps)


@compiled
def block_that_fits(req: np.ndarray, pot: float) -> int:
    """How many of the requests ``req``, from the first on, the money ``pot`` covers together."""
    total = 0.0
    for i in range(len(req)):
        total = total + req[i] if i else req[i]
        if not total <= pot:
            return i
    return len(req)


@compiled
def fund_the_rest(req: np.ndarray, k: int, left: float, eps: float) -> np.ndarray:
    """Which of the requests ``req`` (in rank order) are funded, one after the other.

    The first ``k`` are (the block that fits); from ``k + 1`` on, each that the money ``left`` still
    covers (within ``eps``) is, and reduces it.
    """
    take = np.zeros(len(req), dtype=np.bool_)
    take[:k] = True
    for i in range(k + 1, len(req)):
        if req[i] <= left + eps:
            take[i] = True
            left -= req[i]
    return take


@compiled
def add_in_turn(totals: np.ndarray, at: np.ndarray, amounts: np.ndarray) -> None:
    """Add ``amounts[i]`` to ``totals[at[i]]``, one after the other (rounded as a loop of ``+=`` rounds)."""
    for i in range(len(at)):
        totals[at[i]] += amounts[i]


@dataclass
class Consortium:
    """Who is in one cluster or IBN project proposal (a view of one row of :class:`Consortia`).

    Attributes:
        rows: member firms (the lead first).
        shares: each firm's share of the firms' part of the grant (by R&D).
        ki: index of the knowledge institution in ``model.kis``, or -1.
        org: index of the organisation proposing it.
    """

    rows: np.ndarray
    shares: np.ndarray
    ki: int
    org: int


@dataclass
class Consortia:
    """The consortia of a call's consortium proposals, as flat arrays: one element per partner firm.

    Attributes:
        rows: partner firms, consortium after consortium, each consortium's lead first.
        start: consortium ``c``'s firms are ``rows[start[c]:start[c + 1]]`` (one more element than
            consortia).
        shares: each firm's share of its consortium's firms' part of the grant (by R&D).
        ki: knowledge institution of each consortium (index in ``model.kis``), or -1.
        org: organisation proposing each consortium.
    """

    rows: np.ndarray
    start: np.ndarray
    shares: np.ndarray
    ki: np.ndarray
    org: np.ndarray

    @classmethod
    def empty(cls) -> Consortia:
        """No consortia."""
        none = np.empty(0, dtype=np.int64)
        return cls(none, np.zeros(1, dtype=np.int64), np.empty(0), none, none)

    @property
    def sizes(self) -> np.ndarray:
        """Firms in each consortium."""
        return np.diff(self.start)

    def __len__(self) -> int:
        return len(self.ki)

    def __getitem__(self, c: int) -> Consortium:
        a, b = int(self.start[c]), int(self.start[c + 1])
        return Consortium(self.rows[a:b], self.shares[a:b], int(self.ki[c]), int(self.org[c]))

    def members_of(self, chosen: np.ndarray) -> np.ndarray:
        """Positions in ``rows`` of the firms of consortia ``chosen``, in that order."""
        return positions_of(self.start, np.asarray(chosen, dtype=np.int64))


@compiled
def positions_of(start: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The positions ``start[c]`` to ``start[c + 1] - 1`` of each ``c`` of ``chosen``, one after the other."""
    count = 0
    for c in chosen:
        count += start[c + 1] - start[c]
    out = np.empty(count, dtype=np.int64)
    at = 0
    for c in chosen:
        for p in range(start[c], start[c + 1]):
            out[at] = p
            at += 1
    return out


@dataclass
class Proposals:
    """The proposals of one project call: first the individual ones, then the consortia.

    Attributes:
        kind: ``INDIVIDUAL``, ``CLUSTER`` or ``IBN_PROJECT`` per proposal.
        request: grant asked (EUR).
        score: assessed quality.
        eligible: passes the merit threshold and the private-match rule.
        individual_rows: proposing firm of each individual proposal (the first ``len`` proposals).
        consortia: the consortium of each later proposal.
        private: private money the proposal commits (EUR): an individual project's cost less its grant; a
            consortium's ``min_private_match`` per public euro, the least the rule requires (consortium
            costs are not modelled, so this is a lower bound).
    """

    kind: np.ndarray
    request: np.ndarray
    score: np.ndarray
    eligible: np.ndarray
    individual_rows: np.ndarray
    consortia: Consortia
    private: np.ndarray


@dataclass
class CallOutcome:
    """Result of one project call (masks over the proposals, and money).

    Attributes:
        funded: funded by any pot.
        funded_privileged: funded through the privilege (the reserved pot, the priority tranche, or --
            in bonus mode -- any funded spearhead-cluster proposal).
        funded_open: funded in open competition.
        rejected_budget: eligible, not funded.
        crowded_out: an individual or IBN proposal rejected that one merged pot with the same envelope
            and the same assessed quality (no privilege) would have funded.
        idle: reserved money left unspent and not released (EUR; only ``reserve``).
        released: reserved money left by the spearhead proposals and released to the open pot (EUR).
    """

    funded: np.ndarray
    funded_privileged: np.ndarray
    funded_open: np.ndarray
    rejected_budget: np.ndarray
    crowded_out: np.ndarray
    idle: float
    released: float


PRIVILEGED_MODES = ("reserve", "reserve_release", "bonus", "priority")


def project_call(
    kind: np.ndarray,
    request: np.ndarray,
    score: np.ndarray,
    eligible: np.ndarray,
    envelope: float,
    privileged: float,
    mode: str = "reserve",
    bonus: float = 0.0,
) -> CallOutcome:
    """Allocate a project envelope under one of the four privilege rules, and the merged-pot counterfactual.

    Spearhead-cluster proposals (``CLUSTER``) are privileged; individual firm and IBN proposals are not.

    * ``reserve``: ``privileged`` euros are a pot for spearhead proposals only; what they leave stays
      unspent (``idle``). The rest of the envelope is the open pot, in which every other eligible
      proposal and the spearhead proposals the reserve did not fund compete.
    * ``reserve_release``: as ``reserve``, but what the spearhead proposals leave of the reserve goes to
      the open pot in the same call.
    * ``priority``: one pot; spearhead proposals are funded first, in rank order, up to ``privileged``
      euros; then all remaining eligible proposals compete for the rest.
    * ``bonus``: one pot; spearhead proposals get ``bonus`` added to their score.

    In every pot proposals are funded in rank order and one that no longer fits is skipped
    (:func:`fund_in_rank_order`). An eligible proposal no pot funds is *rejected for lack of budget*;
    an individual or IBN proposal so rejected is *crowded out* when one pot of the whole envelope,
    ranking every eligible proposal by its assessed quality alone, would have funded it -- the same
    definition in every mode.

    Args:
        kind: ``INDIVIDUAL``, ``CLUSTER`` or ``IBN_PROJECT`` per proposal.
        request: grant asked (EUR).
        score: assessed quality.
        eligible: passes the merit threshold and the private-match rule.
        envelope: the whole project envelope (EUR).
        privileged: the privileged amount within it (EUR), at most ``envelope``.
        mode: one of :data:`PRIVILEGED_MODES`.
        bonus: score bonus of spearhead proposals (``bonus`` mode).

    Returns:
        The masks and the idle and released money.
    """
    if mode not in PRIVILEGED_MODES:
        raise ValueError(f"unknown privileged mode {mode!r}")
    kind = np.asarray(kind)
    score = np.asarray(score, dtype=float)
    request = np.asarray(request, dtype=float)
    eligible = np.asarray(eligible, dtype=bool)
    n = len(kind)
    privileged = float(min(max(privileged, 0.0), envelope))
    cluster = eligible & (kind == CLUSTER)
    idle = released = 0.0
    # each pot ranks its candidates as all proposals are ranked (a subset keeps the order, ties too)
    order = rank_order(score)
    if mode == "bonus":
        cand = np.flatnonzero(eligible)
        adjusted = score[cand] + bonus * (kind[cand] == CLUSTER)
        won = np.zeros(n, dtype=bool)
        won[cand] = fund_in_rank_order(adjusted, request[cand], envelope)
        priv = won & cluster
        opn = won & ~cluster
    else:
        priv = fund_among(order, cluster, request, privileged, _EPS)
        spent = float(split_sums(request, priv)[0])
        if mode == "reserve":
            open_pot = envelope - privileged
            idle = privileged - spent
        elif mode == "reserve_release":
            open_pot = envelope - spent
            released = privileged - spent
        else:  # priority: the rest of one pot
            open_pot = envelope - spent
        opn = fund_among(order, eligible & ~priv, request, float(open_pot), _EPS)
    funded = priv | opn
    rejected = eligible & ~funded
    merged = fund_among(order, eligible, request, float(envelope), _EPS)
    crowded = rejected & (kind != CLUSTER) & merged
    return CallOutcome(funded, priv, opn, rejected, crowded, idle, released)


def selection_order(apps: list[Application], mode: str, rng: np.random.Generator) -> list[int]:
    """The order in which the agency considers applications.

    ``jury``: by descending (noisy) jury score. ``fcfs``: by arrival time. ``lottery``: a random
    permutation, drawn from ``rng``.
    """
    if mode == "jury":
        return [int(i) for i in rank_order(np.array([a.jury_score for a in apps]))]
    if mode == "fcfs":
        return sorted(range(len(apps)), key=lambda i: (apps[i].arrival, i))
    if mode == "lottery":
        return [int(i) for i in rng.permutation(len(apps))]
    raise ValueError(f"unknown selection mode {mode!r}")


def select(
    apps: list[Application],
    mode: str,
    slots: int,
    rng: np.random.Generator,
    blocked_domains: frozenset[int] = frozenset(),
    one_per_domain: bool = False,
    min_score: float | None = None,
) -> list[int]:
    """Pick at most ``slots`` eligible applications in the agency's order.

    Args:
        apps: the applications.
        mode: ``jury``, ``fcfs`` or ``lottery``.
        slots: how many may be recognised.
        rng: random source for the lottery.
        blocked_domains: domains in which no application may be recognised (a spearhead is there).
        one_per_domain: at most one recognised application per domain (spearhead clusters).
        min_score: in jury mode, applications scoring below this are turned down on merit.

    Returns:
        Indices of the selected applications, in selection order.
    """
    chosen: list[int] = []
    taken = set(blocked_domains)
    if slots <= 0:
        return chosen
    for i in selection_order(apps, mode, rng):
        a = apps[i]
        if not a.eligible or a.domain in taken:
            continue
        if mode == "jury" and min_score is not None and a.jury_score < min_score:
            continue
        chosen.append(i)
        if one_per_domain:
            taken.add(a.domain)
        if len(chosen) >= slots:
            break
    return chosen


@compiled
def book_grants(
    orgs: np.ndarray,
    amounts: np.ndarray,
    legacy: np.ndarray,
    cash: np.ndarray,
    ledger_grants: np.ndarray,
    year_grants: np.ndarray,
    paid_legacy: float,
    paid_operating: float,
) -> tuple[float, float]:
    """Operating grants ``amounts`` (those above zero) into the accounts of organisations ``orgs``.

    Each grant is added to the organisation's cash, its ledger and this project year's grants, and to
    the agency's transitional (``legacy``) or operating grants so far; returns those two totals, the
    grants added in order.
    """
    for i in range(len(orgs)):
        amount = amounts[i]
        if amount > 0:
            j = orgs[i]
            cash[j] += amount
            ledger_grants[j] += amount
            year_grants[j] += amount
            if legacy[i]:
                paid_legacy += amount
            else:
                paid_operating += amount
    return paid_legacy, paid_operating


class FundingAgency(mesa.Agent):
    """VLAIO with the Hermes fund's decision committee: it pays, and keeps the ledger of what it paid.

    Attributes:
        paid_operating: operating grants paid so far (EUR).
        paid_projects: project grants paid so far (EUR).
        paid_legacy: transitional grants to legacy structures paid so far (EUR).
        paid_vis: grants to VIS trajectories paid so far (EUR).
        recovered: unspent grant money returned by organisations that ended (EUR).
        reserved_idle: reserved project money left unspent so far (EUR).
        reserved_idle_last_call: the same in the last project call (EUR).
    """

    def __init__(self, model: ClusterPolicyModel):
        super().__init__(model)
        self.paid_operating = 0.0
        self.paid_projects = 0.0
        self.paid_legacy = 0.0
        self.paid_vis = 0.0
        self.recovered = 0.0
        self.reserved_idle = 0.0
        self.reserved_idle_last_call = 0.0

    def reset(self) -> None:
        """Start the ledger from zero (when the recorded period begins)."""
        self.paid_operating = self.paid_projects = self.paid_legacy = self.paid_vis = 0.0
        self.recovered = self.reserved_idle = self.reserved_idle_last_call = 0.0

    def pay_operating_grants(self, orgs: np.ndarray, amounts: np.ndarray, legacy: np.ndarray) -> None:
        """Pay operating grants into the accounts of organisations ``orgs`` (distinct indices, in order).

        ``legacy`` marks the transitional grants of legacy structures; they are counted apart.
        """
        t = self.model.org_table
        self.paid_legacy, self.paid_operating = (
            float(total)
            for total in book_grants(
                orgs,
                amounts,
                legacy,
                t.cash,
                t.ledger_grants,
                t.year_grants,
                self.paid_legacy,
                self.paid_operating,
            )
        )

    def pay_firms(self, rows: np.ndarray, amounts: np.ndarray) -> None:
        """Pay project grants to firms (a firm may appear more than once)."""
        firms = self.model.firms
        firms.project_grants += np.bincount(rows, weights=amounts, minlength=firms.n)
        self.paid_projects += float(amounts.sum())

    def pay_institution(self, ki: KnowledgeInstitution, amount: float, vis: bool = False) -> None:
        """Pay a knowledge institution its share of a project grant (or a VIS grant)."""
        ki.grants_received += amount
        if vis:
            self.paid_vis += amount
        else:
            self.paid_projects += amount

    def pay_institutions(self, kis: np.ndarray, amounts: np.ndarray) -> None:
        """:meth:`pay_institution` of ``amounts[i]`` to institution ``kis[i]`` (indices), in that order."""
        if len(kis) == 0:
            return
        institutions = self.model.kis
        received = np.array([k.grants_received for k in institutions], dtype=np.float64)
        add_in_turn(received, np.asarray(kis, dtype=np.int64), np.asarray(amounts, dtype=np.float64))
        for k, total in zip(institutions, received.tolist(), strict=True):
            k.grants_received = total
        self.paid_projects = kernels.add_in_order(self.paid_projects, amounts)

    def operating_room(self, kind: str, cap: float) -> int:
        """How many more organisations of ``kind`` the operating-grant budget can take at the grant cap.

        The agency commits the grant cap of every supported organisation of a kind against that kind's
        part of ``policy.operating_budget``; an application that would exceed it is not recognised.
        """
        pol = self.model.p.policy
        share = (
            pol.operating_budget_spearhead_share
            if kind == SPEARHEAD
            else 1.0 - pol.operating_budget_spearhead_share
        )
        budget = pol.operating_budget * share
        committed = sum(cap for o in self.model.orgs if o.alive and o.supported and o.kind == kind)
        if cap <= 0:
            return 1_000_000
        return max(0, int((budget - committed + _EPS) // cap))

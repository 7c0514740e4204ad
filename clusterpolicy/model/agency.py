"""The funding agency: selection of clusters, project pots, and the money it pays out.

The allocation rules are pure functions of arrays so that each can be tested on its own:
:func:`fund_in_rank_order` (one pot), :func:`project_call` (privileged + open pot, with the merged-pot
counterfactual that defines crowding-out) and :func:`select` (jury, first-come-first-served, lottery).
:class:`FundingAgency` is the Mesa agent that applies them and keeps the ledger of what it paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from clusterpolicy.model.agents import Application, ClusterOrganisation, KnowledgeInstitution

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel

# proposal kinds in a project call
INDIVIDUAL = 0
CLUSTER = 1  # spearhead-cluster project: competes for the privileged pot first
IBN_PROJECT = 2

_EPS = 1e-6


def rank_order(score: np.ndarray) -> np.ndarray:
    """Indices by descending score; ties broken by the lower index (deterministic)."""
    return np.lexsort((np.arange(len(score)), -np.asarray(score, dtype=float)))


def fund_in_rank_order(score: np.ndarray, request: np.ndarray, pot: float) -> np.ndarray:
    """Fund proposals in rank order until the pot is exhausted.

    Proposals are taken by descending score; each is funded in full while the money left covers it.
    The first proposal that no longer fits ends the call (the rest of the pot stays unspent), as in
    SKIN's calls: a pot that is empty funds nothing.

    Args:
        score: assessed quality of each proposal.
        request: grant asked by each proposal (EUR).
        pot: money in the pot (EUR).

    Returns:
        Boolean mask of funded proposals.
    """
    request = np.asarray(request, dtype=float)
    funded = np.zeros(len(request), dtype=bool)
    if len(request) == 0 or pot <= 0:
        return funded
    order = rank_order(score)
    fits = np.cumsum(request[order]) <= pot + _EPS
    k = len(order) if fits.all() else int(np.argmin(fits))
    funded[order[:k]] = True
    return funded


@dataclass
class Consortium:
    """Who is in a cluster or IBN project proposal.

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
class Proposals:
    """The proposals of one project call: first the individual ones, then the consortia.

    Attributes:
        kind: ``INDIVIDUAL``, ``CLUSTER`` or ``IBN_PROJECT`` per proposal.
        request: grant asked (EUR).
        score: assessed quality.
        eligible: passes the merit threshold and the private-match rule.
        individual_rows: proposing firm of each individual proposal (the first ``len`` proposals).
        consortia: consortium of each later proposal.
    """

    kind: np.ndarray
    request: np.ndarray
    score: np.ndarray
    eligible: np.ndarray
    individual_rows: np.ndarray
    consortia: list[Consortium]


@dataclass
class CallOutcome:
    """Result of one project call (all masks over the proposals)."""

    funded: np.ndarray
    funded_privileged: np.ndarray
    funded_open: np.ndarray
    rejected_budget: np.ndarray
    crowded_out: np.ndarray


def project_call(
    kind: np.ndarray,
    request: np.ndarray,
    score: np.ndarray,
    eligible: np.ndarray,
    privileged_pot: float,
    open_pot: float,
) -> CallOutcome:
    """Run the privileged and the open pot, and the merged-pot counterfactual.

    Spearhead-cluster proposals (``CLUSTER``) compete for the privileged pot first; those it does not
    fund compete in the open pot with individual firm and IBN proposals. An eligible proposal that no
    pot funds is *rejected for lack of budget*. An individual or IBN proposal so rejected is *crowded
    out* when a single pot holding both pots' money, ranking every eligible proposal, would have funded
    it.

    Args:
        kind: ``INDIVIDUAL``, ``CLUSTER`` or ``IBN_PROJECT`` per proposal.
        request: grant asked (EUR).
        score: assessed quality.
        eligible: passes the merit threshold and the private-match rule.
        privileged_pot: money reserved for spearhead-cluster projects (EUR).
        open_pot: money open to all (EUR).

    Returns:
        The masks of funded, funded by each pot, rejected for budget and crowded-out proposals.
    """
    kind = np.asarray(kind)
    eligible = np.asarray(eligible, dtype=bool)
    n = len(kind)
    priv = np.zeros(n, dtype=bool)
    cand = np.flatnonzero(eligible & (kind == CLUSTER))
    priv[cand] = fund_in_rank_order(score[cand], request[cand], privileged_pot)
    opn = np.zeros(n, dtype=bool)
    cand = np.flatnonzero(eligible & ~priv)
    opn[cand] = fund_in_rank_order(score[cand], request[cand], open_pot)
    funded = priv | opn
    rejected = eligible & ~funded
    merged = np.zeros(n, dtype=bool)
    cand = np.flatnonzero(eligible)
    merged[cand] = fund_in_rank_order(score[cand], request[cand], privileged_pot + open_pot)
    crowded = rejected & (kind != CLUSTER) & merged
    return CallOutcome(funded, priv, opn, rejected, crowded)


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


class FundingAgency(mesa.Agent):
    """VLAIO with the Hermes fund's decision committee: it pays, and keeps the ledger of what it paid.

    Attributes:
        paid_operating: operating grants paid so far (EUR).
        paid_projects: project grants paid so far (EUR).
        paid_legacy: transitional grants to legacy structures paid so far (EUR).
    """

    def __init__(self, model: ClusterPolicyModel):
        super().__init__(model)
        self.paid_operating = 0.0
        self.paid_projects = 0.0
        self.paid_legacy = 0.0
        self.privileged_unspent_total = 0.0

    def pay_operating_grant(self, org: ClusterOrganisation, amount: float, legacy: bool) -> None:
        """Pay an operating grant into an organisation's account."""
        if amount <= 0:
            return
        org.cash += amount
        org.ledger.grants += amount
        org.year_grants += amount
        if legacy:
            self.paid_legacy += amount
        else:
            self.paid_operating += amount

    def pay_firms(self, rows: np.ndarray, amounts: np.ndarray) -> None:
        """Pay project grants to firms (a firm may appear more than once)."""
        firms = self.model.firms
        firms.project_grants += np.bincount(rows, weights=amounts, minlength=firms.n)
        self.paid_projects += float(amounts.sum())

    def pay_institution(self, ki: KnowledgeInstitution, amount: float) -> None:
        """Pay a knowledge institution its share of a project grant."""
        ki.grants_received += amount
        self.paid_projects += amount

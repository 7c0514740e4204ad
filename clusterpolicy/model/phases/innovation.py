"""Phase 7, R&D and innovation: subsidies end, knowledge, own R&D, EU money, innovations.

Synchronous over all firms. A member's *help* from its cluster organisations is
1 - prod_j (1 - x_j a_j) over its memberships (excellence x activity of each alive organisation): a
second organisation adds less than the first, and help never exceeds 1. Knowledge depreciates and
grows with that help. Own R&D follows the path without the policy (data, then an assumption; see
:func:`clusterpolicy.model.kernels.rd_trend`) and rises with knowledge; subsidies add
``subsidy_pass_through`` euros of R&D per euro while they run. EU money: firms apply, and win with a
probability that rises with their organisations' help; what they win comes from a limited yearly
amount (``eu_budget``): when the winners ask more than is left this quarter, the strongest applications
are funded first. Innovation arrives with probability ``1 - exp(-rate * R&D * (1 + knowledge))`` (R&D as
a yearly rate in million euro; the hazard is per quarter; after Dosi et al.).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from clusterpolicy.model.agency import fund_in_rank_order
from clusterpolicy.model.compiled import compiled
from clusterpolicy.model.kernels import pairwise_sum
from clusterpolicy.model.phases.projects import add_subsidy

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel


def member_help(model: ClusterPolicyModel) -> np.ndarray:
    """Per firm: 1 - prod over its memberships of (1 - excellence x activity) of the organisation."""
    return help_and_members(model)[0]


def help_and_members(model: ClusterPolicyModel) -> tuple[np.ndarray, np.ndarray]:
    """:func:`member_help` of every firm, and which firms have a membership.

    The product is taken as the exponential of a sum of logarithms; the logarithm is taken once per
    organisation (:func:`org_rest`). A firm without a membership has a sum of 0, and so a help of
    1 - exp(0) = 0 exactly.
    """
    f = model.firms
    ms = model.memberships
    t = model.org_table
    n = t.n
    neg_help, full = org_rest(
        t.excellence[:n], t.societal[:n], t.alive[:n], t.activity[:n], model.p.behaviour.societal_value_factor
    )
    if full:  # an organisation that helps fully: log(0) is -inf, and no member of it keeps any rest
        with np.errstate(divide="ignore"):
            log_rest = np.log1p(neg_help)
    else:
        log_rest = np.log1p(neg_help)
    member, rest = member_sums(ms.firm, ms.org, log_rest, f.n)
    np.exp(rest, out=rest)  # each firm's product of (1 - help) over its organisations
    return np.subtract(1.0, rest, out=rest), member


@compiled
def org_rest(
    excellence: np.ndarray, societal: np.ndarray, alive: np.ndarray, activity: np.ndarray, factor: float
) -> tuple[np.ndarray, bool]:
    """Per organisation: minus its help to a member, and whether any organisation helps fully.

    An alive organisation's help is its excellence (times ``factor``, ``societal_value_factor``, when
    societal) times its activity, within [0, 1]; a dead one's is 0.
    """
    n = len(excellence)
    out = np.empty(n)
    full = False
    for j in range(n):
        h = 0.0
        if alive[j]:
            h = excellence[j] * (factor if societal[j] else 1.0) * activity[j]
        if h <= 0.0:  # as np.clip: no help below 0 (also none of -0), none above 1; NaN stays
            h = 0.0
        elif h > 1.0:
            h = 1.0
        full = full or h == 1.0
        out[j] = -h
    return out, full


@compiled
def member_sums(
    firm: np.ndarray, org: np.ndarray, log_rest: np.ndarray, n_firms: int
) -> tuple[np.ndarray, np.ndarray]:
    """Over the memberships (``firm[i]`` of ``org[i]``): which firms have one, and the sums of logarithms.

    Returns the mask of firms with a membership and, per firm, the sum of ``log_rest`` of its
    organisations, added in membership order (as ``np.bincount`` adds; 0 for a firm without one).
    """
    total = np.zeros(n_firms)
    member = np.zeros(n_firms, dtype=np.bool_)
    for i in range(len(firm)):
        total[firm[i]] += log_rest[org[i]]
        member[firm[i]] = True
    return member, total


def run(model: ClusterPolicyModel) -> None:
    """See the module docstring."""
    b = model.p.behaviour
    f = model.firms
    for rows, rate, eu in model.subsidy_expiry.pop(model.t, []):
        end_subsidy(f.subsidy_eu if eu else f.subsidy_project, rows, rate)
    help_, member = help_and_members(model)
    learn(
        f.subsidy_project,
        f.subsidy_eu,
        f.knowledge,
        f.own_rd,
        f.base_rd,
        help_,
        1.0 - b.knowledge_decay / 4.0,
        b.knowledge_gain_membership / 4.0,
        model.trend(model.t),
        b.knowledge_rd_effect,
    )
    eu_money(model, help_, member)
    u = model.streams["innovation"].random(f.n)
    rows, rest = candidates(u, f.rd(b.subsidy_pass_through), f.knowledge, -b.innovation_rate, MARGIN)
    np.exp(rest, out=rest)  # each candidate's chance of not innovating
    c = model.counters
    sme, follower = innovate(rows, u, rest, f.innovations, f.is_sme, f.follower)
    c.innovations_sme += sme
    c.innovations_follower += follower


@compiled
def end_subsidy(target: np.ndarray, rows: np.ndarray, rate: np.ndarray) -> None:
    """Take the subsidy rates ``rate[i]`` of firms ``rows[i]`` off ``target`` (a firm's rates added first)."""
    total = np.zeros(len(target))
    for i in range(len(rows)):
        total[rows[i]] += rate[i]
    for i in range(len(rows)):
        r = rows[i]
        target[r] -= total[r]
        total[r] = 0.0  # a firm listed again: its rates are off already


@compiled
def learn(
    subsidy_project: np.ndarray,
    subsidy_eu: np.ndarray,
    knowledge: np.ndarray,
    own_rd: np.ndarray,
    base_rd: np.ndarray,
    help_: np.ndarray,
    keep: float,
    gain: float,
    trend: float,
    rd_effect: float,
) -> None:
    """Per firm: subsidies at least 0, knowledge kept and gained, and own R&D.

    A subsidy below 0 (what rounding may leave of ended ones) is 0. Knowledge is ``keep`` (1 -
    ``knowledge_decay`` / 4) times itself plus ``gain`` (``knowledge_gain_membership`` / 4) times the
    firm's help; own R&D is base R&D x ``trend`` (the trend without the policy) x (1 + ``rd_effect`` x
    knowledge).
    """
    for i in range(len(knowledge)):
        if subsidy_project[i] <= 0.0:  # as np.maximum(x, 0.0): -0 too becomes 0; NaN stays
            subsidy_project[i] = 0.0
        if subsidy_eu[i] <= 0.0:
            subsidy_eu[i] = 0.0
        k = knowledge[i] * keep
        k = k + gain * help_[i]
        knowledge[i] = k
        own_rd[i] = base_rd[i] * trend * (1.0 + rd_effect * k)


#: how far a firm's draw may lie above its hazard and still be decided by the exponential (a bound on
#: the exponential's rounding, with room to spare: a few units in the last place are about 1e-16)
MARGIN = 1e-9


@compiled
def candidates(
    u: np.ndarray, rd: np.ndarray, knowledge: np.ndarray, minus_rate: float, margin: float
) -> tuple[np.ndarray, np.ndarray]:
    """The firms that may innovate this quarter, and minus the hazard of each.

    A firm's hazard is ``innovation_rate`` x R&D (EUR million/yr) x (1 + knowledge); ``rd`` is each
    firm's R&D in EUR/yr (``FirmTable.rd``: own R&D plus the passed-through subsidies), ``minus_rate``
    is ``-innovation_rate``. A firm innovates when its draw ``u`` is below 1 - exp(-hazard)
    (:func:`innovate`), which is never above the hazard (exp(-x) >= 1 - x): a firm whose draw is at
    least its hazard plus ``margin`` (more than the exponential's rounding can add) does not innovate,
    and only the others, in increasing order, are candidates that need the exponential.
    """
    n = len(rd)
    rows = np.empty(n, dtype=np.int64)
    minus_hazard = np.empty(n)
    k = 0
    for i in range(n):
        h = minus_rate * (rd[i] / 1e6) * (1.0 + knowledge[i])
        if u[i] < margin - h:
            rows[k] = i
            minus_hazard[k] = h
            k += 1
    return rows[:k].copy(), minus_hazard[:k].copy()


@compiled
def innovate(
    rows: np.ndarray,
    u: np.ndarray,
    rest: np.ndarray,
    innovations: np.ndarray,
    is_sme: np.ndarray,
    follower: np.ndarray,
) -> tuple[int, int]:
    """Candidate ``rows[j]`` innovates when its draw ``u`` is below 1 - ``rest[j]`` (exp(-hazard)).

    Returns how many of the firms that innovate are SMEs, and how many are innovation followers.
    """
    sme = 0
    followers = 0
    for j in range(len(rows)):
        i = rows[j]
        if u[i] < 1.0 - rest[j]:
            innovations[i] += 1
            if is_sme[i]:
                sme += 1
            if follower[i]:
                followers += 1
    return sme, followers


def eu_money(model: ClusterPolicyModel, help_: np.ndarray, member: np.ndarray) -> None:
    """EU applications, success, and the limited EU amount (see the module docstring).

    ``help_`` is :func:`member_help`; ``member`` marks the firms with a membership.
    """
    b = model.p.behaviour
    f = model.firms
    rng = model.streams["eu"]
    u_apply = rng.random(f.n)  # fixed-size draws: the same random numbers with and without the policy
    u_win = rng.random(f.n)
    z = rng.standard_normal(f.n)
    s = b.eu_grant_sigma
    win, strength, exponent, size = eu_winners(
        u_apply,
        model.eu_apply_quarterly,
        u_win,
        help_,
        b.eu_success_base,
        b.eu_excellence_uplift,
        z,
        s,
        s**2 / 2.0,
        f.is_sme,
        b.eu_grant_sme_factor,
    )
    if len(win) == 0:
        return
    amount = b.eu_grant_mean * np.exp(exponent) * size
    funded = fund_in_rank_order(strength, amount, model.p.population.eu_budget / 4.0)
    win, amount, total, to_members = book_eu_grants(win, amount, funded, f.eu_grants, member)
    c = model.counters
    c.eu_funding += float(total)
    c.eu_funding_members += float(to_members)
    add_subsidy(model, win, amount, b.project_quarters, eu=True)


@compiled
def eu_winners(
    u_apply: np.ndarray,
    apply_probability: np.ndarray,
    u_win: np.ndarray,
    help_: np.ndarray,
    success_base: float,
    excellence_uplift: float,
    z: np.ndarray,
    sigma: float,
    half_variance: float,
    is_sme: np.ndarray,
    sme_factor: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The firms that apply for EU money this quarter and win, how clearly each won, and its grant's terms.

    A firm applies when ``u_apply`` is below its quarterly probability of applying, and wins when
    ``u_win`` is below its probability of success, ``success_base`` x (1 + ``excellence_uplift`` x its
    organisations' help), at most 1. The strength of a winning application is 1 - ``u_win`` over that
    probability. A winner's grant is ``eu_grant_mean`` x exp(the exponent) x the size factor: the
    exponent is ``sigma`` x ``z`` - ``half_variance`` (sigma^2 / 2: a log-normal factor of mean 1); the
    size factor is ``sme_factor`` for an SME, else 1.
    """
    n = len(u_apply)
    win = np.empty(n, dtype=np.int64)
    strength = np.empty(n)
    exponent = np.empty(n)
    size = np.empty(n)
    k = 0
    for i in range(n):
        if u_apply[i] < apply_probability[i]:  # an application: its chance of success
            p_win = success_base * (1.0 + excellence_uplift * help_[i])
            if p_win > 1.0:
                p_win = 1.0
            if u_win[i] < p_win:
                win[k] = i
                strength[k] = 1.0 - u_win[i] / p_win
                exponent[k] = sigma * z[i] - half_variance
                size[k] = sme_factor if is_sme[i] else 1.0
                k += 1
    return win[:k].copy(), strength[:k].copy(), exponent[:k].copy(), size[:k].copy()


@compiled
def book_eu_grants(
    win: np.ndarray, amount: np.ndarray, funded: np.ndarray, eu_grants: np.ndarray, member: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """The funded winners: each one's grant added to ``eu_grants``; they and their grants, and two sums.

    Returns the funded firms, their grants, the grants' sum and the sum of those to firms with a
    membership (``member``), both added as ``numpy.sum`` adds
    (:func:`~clusterpolicy.model.kernels.pairwise_sum`).
    """
    n = len(win)
    firms = np.empty(n, dtype=np.int64)
    grants = np.empty(n)
    to_members = np.empty(n)
    k = 0
    m = 0
    for i in range(n):
        if funded[i]:
            firms[k] = win[i]
            grants[k] = amount[i]
            eu_grants[win[i]] += amount[i]
            k += 1
            if member[win[i]]:
                to_members[m] = amount[i]
                m += 1
    return firms[:k].copy(), grants[:k].copy(), pairwise_sum(grants[:k]), pairwise_sum(to_members[:m])

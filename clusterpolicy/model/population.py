"""The initial population: a Flemish-like economy of firms, knowledge institutions and legacy structures.

Drawn from the model's ``population`` random stream only, so that two scenarios run with the same seed
start from the same economy (common random numbers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from clusterpolicy.model.agents import (
    LEGACY,
    ClusterOrganisation,
    FirmTable,
    KnowledgeInstitution,
)

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel

# the kinds of knowledge institution and the population key of their numbers
KI_KINDS = {
    "university": "n_universities",
    "research_centre": "n_research_centres",
    "collective_centre": "n_collective_centres",
}


def build_firms(model: ClusterPolicyModel, rng: np.random.Generator) -> FirmTable:
    """Draw the firm population.

    Size class and innovation-follower status are Bernoulli draws; domains are drawn with Dirichlet
    weights (some domains are much larger than others), and a firm is also active in a second domain
    with a probability by size class; own R&D is log-normal within each size class,
    with large firms' median ``large_rd_ratio`` times the SMEs' and followers' ``follower_rd_ratio``
    times, then scaled so that the total equals ``business_rd``. Capability rises with R&D size but
    varies a lot within it. Free cash for cooperation fees is log-normal around the size class's median.
    """
    pop = model.p.population
    n = pop.n_firms
    t = FirmTable(n)
    t.is_sme[:] = rng.random(n) < pop.sme_share
    t.follower[:] = t.is_sme & (rng.random(n) < pop.follower_share)
    model.domain_weights = rng.dirichlet(np.full(pop.n_domains, pop.domain_concentration))
    t.domain[:] = rng.choice(pop.n_domains, size=n, p=model.domain_weights)
    model.domain_strength = rng.beta(pop.domain_strength_alpha, pop.domain_strength_beta, size=pop.n_domains)
    second = rng.random(n) < np.where(t.is_sme, pop.second_domain_prob_sme, pop.second_domain_prob_large)
    other = rng.choice(pop.n_domains, size=n, p=model.domain_weights)
    t.domain2[:] = np.where(second & (other != t.domain), other, -1)
    median = np.where(t.is_sme, 1.0, pop.large_rd_ratio)
    median = np.where(t.follower, max(pop.follower_rd_ratio, 1e-3), median)
    z = rng.standard_normal(n)
    raw = median * np.exp(pop.rd_sigma * z)
    t.base_rd[:] = raw * (pop.business_rd / raw.sum())
    lr = np.log(t.base_rd)
    zr = (lr - lr.mean()) / max(lr.std(), 1e-9)
    logit = pop.capability_rd_weight * zr + pop.capability_noise * rng.standard_normal(n)
    t.capability[:] = 1.0 / (1.0 + np.exp(-logit))
    income = np.where(t.is_sme, pop.cash_income_sme, pop.cash_income_large)
    sigma = np.where(t.is_sme, pop.cash_income_sigma_sme, pop.cash_income_sigma_large)
    t.cash_income[:] = income * np.exp(sigma * rng.standard_normal(n))
    t.cash[:] = t.cash_income
    t.taste[:] = model.p.behaviour.taste_sd * rng.standard_normal(n)
    t.own_rd[:] = t.base_rd
    return t


def build_institutions(model: ClusterPolicyModel, rng: np.random.Generator) -> list[KnowledgeInstitution]:
    """Create universities, strategic research centres (SOCs) and collective centres.

    Each covers a random set of domains (at least one) and can join a limited number of projects a
    year; its excellence is a Beta draw (research centres highest on average).
    """
    pop = model.p.population
    kis: list[KnowledgeInstitution] = []
    for kind, number in KI_KINDS.items():
        count = getattr(pop, number)
        prob = getattr(pop, f"{kind}_domain_prob")
        capacity = getattr(pop, f"{kind}_capacity")
        a, b = getattr(pop, f"{kind}_excellence_alpha"), getattr(pop, f"{kind}_excellence_beta")
        for _ in range(count):
            cover = np.flatnonzero(rng.random(pop.n_domains) < prob)
            if len(cover) == 0:
                cover = np.array([rng.integers(pop.n_domains)])
            ki = KnowledgeInstitution(
                model, kind, tuple(int(d) for d in cover), float(rng.beta(a, b)), capacity
            )
            ki.node = pop.n_firms + len(kis)
            kis.append(ki)
    return kis


def build_legacy(model: ClusterPolicyModel, rng: np.random.Generator) -> None:
    """Create the legacy structures (light structures, competence poles) with their members.

    Each sits in a domain drawn by domain size, has a Poisson number of members drawn from that
    domain's firms (large firms ``legacy_large_weight`` times as likely), a niche (``reach_legacy`` of the
    firms active in its domain, and its members), an excellence draw, and with
    probability ``legacy_societal_share`` a mainly societal purpose (worth less to firms). Legacy
    structures get the transitional grant until ``policy.legacy_support_end``; then they must be
    recognised under the new policy or live on their members' money.
    """
    pop = model.p.population
    b = model.p.behaviour
    firms = model.firms
    members, orgs = [], []  # each structure's members, joined once all structures exist
    for _ in range(pop.n_legacy):
        d = int(rng.choice(pop.n_domains, p=model.domain_weights))
        exc = float(rng.beta(b.excellence_alpha, b.excellence_beta))
        societal = bool(rng.random() < pop.legacy_societal_share)
        org = ClusterOrganisation(model, LEGACY, d, exc, societal=societal)
        org.supported = True
        org.support_until = model.legacy_support_until
        free = np.flatnonzero(firms.domain == d)
        active = model.active_rows[d]
        org.niche[active[rng.random(len(active)) < b.reach_legacy]] = True
        k = min(len(free), int(rng.poisson(pop.legacy_members)))
        if k > 0:
            w = np.where(firms.is_sme[free], 1.0, pop.legacy_large_weight)
            members.append(rng.choice(free, size=k, replace=False, p=w / w.sum()))
            orgs.append(np.full(k, org.index))
        org.note("legacy structure")
    if members:
        model.join(np.concatenate(members), np.concatenate(orgs))

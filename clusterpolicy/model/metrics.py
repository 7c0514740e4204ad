"""Named model reporters, collected every quarter by Mesa's DataCollector.

Module-level functions (no lambdas), so that models and their reporters pickle. Money is in euros;
a name ending in ``_total`` is cumulative since the start of the recorded period, and nothing else is.
Shares of nothing (e.g. the SME share of members when there are no members) are NaN, not 0.

Every outcome is *declared* once in :data:`OUTCOMES` (name, label, unit, kind, group, meaning), the way
``params.py`` declares parameters (EMA Workbench's outcomes): reports, tables and figures read the
declarations and never guess a unit from a name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from clusterpolicy.model.agents import IBN, NO_ORG, SPEARHEAD
from clusterpolicy.model.kernels import gini

if TYPE_CHECKING:
    from clusterpolicy.model.model import ClusterPolicyModel

NAN = float("nan")


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else NAN


def members(m: ClusterPolicyModel) -> int:
    """Firms that are members of a cluster organisation (a current count)."""
    return int(np.count_nonzero(m.firms.member_of != NO_ORG))


def members_sme(m: ClusterPolicyModel) -> int:
    """SMEs that are members of a cluster organisation."""
    f = m.firms
    return int(np.count_nonzero(f.is_sme[f.member_of != NO_ORG]))


def members_spearhead(m: ClusterPolicyModel) -> int:
    """Firms that are members of a recognised spearhead cluster."""
    return _members_of_kind(m, SPEARHEAD)


def members_ibn(m: ClusterPolicyModel) -> int:
    """Firms that are members of a recognised innovative business network."""
    return _members_of_kind(m, IBN)


def _members_of_kind(m: ClusterPolicyModel, kind: str) -> int:
    member_of = m.firms.member_of
    counts = np.bincount(member_of[member_of != NO_ORG], minlength=len(m.orgs))
    return int(sum(counts[o.index] for o in m.orgs if o.alive and o.recognised and o.kind == kind))


def sme_member_share(m: ClusterPolicyModel) -> float:
    """Share of SMEs among member firms."""
    return _ratio(members_sme(m), members(m))


def sme_participation_rate(m: ClusterPolicyModel) -> float:
    """Share of all SMEs that are a member of some cluster organisation."""
    return _ratio(members_sme(m), float(np.count_nonzero(m.firms.is_sme)))


def _active(m: ClusterPolicyModel, kind: str) -> int:
    return sum(1 for o in m.orgs if o.alive and o.recognised and o.kind == kind)


def spearheads_active(m: ClusterPolicyModel) -> int:
    """Recognised spearhead clusters that exist (supported, or past the sunset and surviving)."""
    return _active(m, SPEARHEAD)


def ibns_active(m: ClusterPolicyModel) -> int:
    """Recognised innovative business networks that exist."""
    return _active(m, IBN)


def organisations_alive(m: ClusterPolicyModel) -> int:
    """Cluster organisations of any kind that exist (incl. legacy structures)."""
    return sum(1 for o in m.orgs if o.alive)


def spearheads_recognised_total(m: ClusterPolicyModel) -> int:
    """Spearhead recognitions so far (incl. IBNs that became spearheads)."""
    return m.counters.spearheads_recognised


def ibns_recognised_total(m: ClusterPolicyModel) -> int:
    """IBN recognitions so far."""
    return m.counters.ibns_recognised


def ibns_upgraded_total(m: ClusterPolicyModel) -> int:
    """IBNs that became spearhead clusters."""
    return m.counters.ibns_upgraded


def grants_lapsed_total(m: ClusterPolicyModel) -> int:
    """Operating grants that lapsed because the deposit was short."""
    return m.counters.grants_lapsed


def clusters_stopped_evaluation_total(m: ClusterPolicyModel) -> int:
    """Spearhead clusters whose support stopped at an interim evaluation."""
    return m.counters.clusters_stopped_evaluation


def clusters_dissolved_total(m: ClusterPolicyModel) -> int:
    """Organisations that dissolved (no money to run on, nobody to merge with)."""
    return m.counters.clusters_dissolved


def clusters_merged_total(m: ClusterPolicyModel) -> int:
    """Organisations that merged into another in their domain."""
    return m.counters.clusters_merged


def clusters_self_sustaining(m: ClusterPolicyModel) -> int:
    """Organisations that once had public support, have none now, and run on members' money."""
    return sum(
        1 for o in m.orgs if o.alive and o.ever_supported and not o.supported and o.unviable_years == 0
    )


def public_share_cluster_budgets(m: ClusterPolicyModel) -> float:
    """Public share of the planned budgets of all existing organisations this project year."""
    alive = [o for o in m.orgs if o.alive]
    grants = sum(o.grant_annual for o in alive)
    return _ratio(grants, sum(o.budget_plan for o in alive))


def projects_privileged_funded_total(m: ClusterPolicyModel) -> int:
    """Spearhead-cluster projects funded from the privileged pot."""
    return m.counters.projects_privileged_funded


def projects_cluster_open_funded_total(m: ClusterPolicyModel) -> int:
    """Spearhead-cluster projects funded from the open pot."""
    return m.counters.projects_cluster_open_funded


def projects_individual_funded_total(m: ClusterPolicyModel) -> int:
    """Individual firm projects funded (open pot)."""
    return m.counters.projects_individual_funded


def projects_ibn_funded_total(m: ClusterPolicyModel) -> int:
    """IBN projects funded (open pot)."""
    return m.counters.projects_ibn_funded


def proposals_rejected_budget_total(m: ClusterPolicyModel) -> int:
    """Eligible proposals rejected for lack of money."""
    return m.counters.proposals_rejected_budget


def proposals_crowded_out_total(m: ClusterPolicyModel) -> int:
    """Individual and IBN proposals rejected from the open pot that one merged pot would have funded."""
    return m.counters.proposals_crowded_out


def public_operating_spend_total(m: ClusterPolicyModel) -> float:
    """Operating grants paid to cluster organisations, incl. transitional grants to legacy ones."""
    return m.agency.paid_operating + m.agency.paid_legacy


def public_project_spend_total(m: ClusterPolicyModel) -> float:
    """Project grants paid (both pots)."""
    return m.agency.paid_projects


def privileged_project_spend_total(m: ClusterPolicyModel) -> float:
    """Project grants paid from the privileged pot (earmarked for spearhead-cluster projects)."""
    return m.counters.privileged_project_spend


def privileged_unspent_total(m: ClusterPolicyModel) -> float:
    """Privileged-pot money no spearhead project used."""
    return m.agency.privileged_unspent_total


def private_cofinancing_total(m: ClusterPolicyModel) -> float:
    """Members' co-financing of cluster organisations: cash fees plus credited in-kind contributions."""
    c = m.counters
    return c.private_cash_cofinancing + c.private_in_kind_cofinancing


def private_cash_cofinancing_total(m: ClusterPolicyModel) -> float:
    """Members' cash fees paid to cluster organisations."""
    return m.counters.private_cash_cofinancing


def private_project_match_total(m: ClusterPolicyModel) -> float:
    """Private money matched to funded projects."""
    return m.counters.private_project_match


def eu_funding_total(m: ClusterPolicyModel) -> float:
    """EU grants won by firms."""
    return m.counters.eu_funding


def funding_gini(m: ClusterPolicyModel) -> float:
    """Gini coefficient of project grants among the firms that received any."""
    g = m.firms.project_grants
    return gini(g[g > 0])


def sme_share_project_funding(m: ClusterPolicyModel) -> float:
    """Share of firms' project grants that went to SMEs."""
    g = m.firms.project_grants
    return _ratio(float(g[m.firms.is_sme].sum()), float(g.sum()))


def business_rd(m: ClusterPolicyModel) -> float:
    """Business R&D expenditure (EUR/yr): own R&D plus passed-through subsidies."""
    f = m.firms
    return float(f.own_rd.sum() + m.p.behaviour.subsidy_pass_through * f.subsidy_rate.sum())


def business_rd_nonmembers(m: ClusterPolicyModel) -> float:
    """Business R&D of firms that are not members of any cluster organisation (EUR/yr)."""
    f = m.firms
    out = f.member_of == NO_ORG
    return float(f.own_rd[out].sum() + m.p.behaviour.subsidy_pass_through * f.subsidy_rate[out].sum())


def rd_per_member_firm(m: ClusterPolicyModel) -> float:
    """Mean business R&D of a member firm (EUR/yr)."""
    f = m.firms
    inside = f.member_of != NO_ORG
    n = int(np.count_nonzero(inside))
    rd = f.own_rd[inside].sum() + m.p.behaviour.subsidy_pass_through * f.subsidy_rate[inside].sum()
    return _ratio(float(rd), n)


def rd_per_nonmember_firm(m: ClusterPolicyModel) -> float:
    """Mean business R&D of a firm that is not a member (EUR/yr)."""
    n = int(np.count_nonzero(m.firms.member_of == NO_ORG))
    return _ratio(business_rd_nonmembers(m), n)


def gdp(m: ClusterPolicyModel) -> float:
    """Regional GDP (EUR/yr), growing at ``gdp_growth``."""
    pop = m.p.population
    return pop.gdp * (1.0 + pop.gdp_growth) ** (m.t / 4.0)


def rd_intensity(m: ClusterPolicyModel) -> float:
    """Total R&D (business + public, the public part growing with GDP) over GDP."""
    pop = m.p.population
    public = pop.public_rd_share / (1.0 - pop.public_rd_share) * m.business_rd_start
    g = gdp(m)
    return (business_rd(m) + public * g / pop.gdp) / g


def innovations_total(m: ClusterPolicyModel) -> int:
    """Innovations by firms since the start."""
    return int(m.firms.innovations.sum())


def collaboration_links(m: ClusterPolicyModel) -> int:
    """Distinct pairs (firm-firm, firm-institution) that have worked together in a funded project."""
    return len(m.links)


def mean_selected_quality(m: ClusterPolicyModel) -> float:
    """Mean noise-free quality of the applications recognised so far (jury vs fcfs vs lottery)."""
    c = m.counters
    return _ratio(c.selected_quality_sum, c.selected_count)


def members_expelled_total(m: ClusterPolicyModel) -> int:
    """Members expelled for leaving a year's dues unpaid."""
    return m.counters.members_expelled


KINDS = ("level", "cumulative")
UNITS = {
    "firms": "firms",
    "organisations": "organisations",
    "projects": "projects",
    "proposals": "proposals",
    "innovations": "innovations",
    "links": "pairs of partners",
    "EUR": "euro (cumulative money)",
    "EUR/yr": "euro per year",
    "share": "share in [0, 1] (shown as %; differences in percentage points)",
    "index": "dimensionless index",
    "score": "score on a 0-1 scale",
}
GROUPS = ("participation", "clusters", "projects", "money", "innovation")


@dataclass(frozen=True)
class Outcome:
    """The declaration of one outcome (EMA Workbench's ``ScalarOutcome``/``TimeSeriesOutcome``).

    Attributes:
        name: identifier, as in result tables; ends in ``_total`` exactly when ``kind`` is cumulative.
        label: short label for tables, legends and axes (English; translations live in the output layer).
        unit: one of :data:`UNITS`.
        kind: ``level`` (the value now) or ``cumulative`` (summed since the recorded period began).
        group: one of :data:`GROUPS`, for reports.
        headline: shown first in reports and the explorer.
        reporter: the module-level function the DataCollector calls.
    """

    name: str
    label: str
    unit: str
    kind: str
    group: str
    headline: bool
    reporter: Callable[[Any], float | int]

    @property
    def description(self) -> str:
        """One-line meaning (the first line of the reporter's docstring)."""
        return (self.reporter.__doc__ or self.name).strip().splitlines()[0].rstrip(".")


def _declare(*rows: tuple[Callable[[Any], float | int], str, str, str, str, bool]) -> dict[str, Outcome]:
    out = {}
    for fn, label, unit, kind, group, headline in rows:
        name = fn.__name__
        if unit not in UNITS or kind not in KINDS or group not in GROUPS:
            raise ValueError(f"bad declaration of outcome {name}")
        if name.endswith("_total") != (kind == "cumulative"):
            raise ValueError(f"outcome {name}: '_total' must mean cumulative and nothing else")
        out[name] = Outcome(name, label, unit, kind, group, headline, fn)
    return out


OUTCOMES: dict[str, Outcome] = _declare(
    (members, "members (firms)", "firms", "level", "participation", True),
    (members_sme, "SME members", "firms", "level", "participation", False),
    (sme_member_share, "SME share of members", "share", "level", "participation", True),
    (
        sme_participation_rate,
        "SMEs in a cluster (share of all SMEs)",
        "share",
        "level",
        "participation",
        True,
    ),
    (spearheads_active, "spearhead clusters active", "organisations", "level", "clusters", True),
    (ibns_active, "IBNs active", "organisations", "level", "clusters", True),
    (spearheads_recognised_total, "spearhead recognitions", "organisations", "cumulative", "clusters", False),
    (ibns_recognised_total, "IBN recognitions", "organisations", "cumulative", "clusters", False),
    (grants_lapsed_total, "grants lapsed on the deposit", "organisations", "cumulative", "clusters", True),
    (
        clusters_stopped_evaluation_total,
        "stopped at evaluation",
        "organisations",
        "cumulative",
        "clusters",
        False,
    ),
    (clusters_self_sustaining, "self-sustaining organisations", "organisations", "level", "clusters", False),
    (public_share_cluster_budgets, "public share of cluster budgets", "share", "level", "money", False),
    (
        projects_privileged_funded_total,
        "privileged-pot projects funded",
        "projects",
        "cumulative",
        "projects",
        True,
    ),
    (
        projects_individual_funded_total,
        "individual firm projects funded",
        "projects",
        "cumulative",
        "projects",
        True,
    ),
    (projects_ibn_funded_total, "IBN projects funded", "projects", "cumulative", "projects", False),
    (
        proposals_rejected_budget_total,
        "proposals rejected for budget",
        "proposals",
        "cumulative",
        "projects",
        False,
    ),
    (proposals_crowded_out_total, "proposals crowded out", "proposals", "cumulative", "projects", True),
    (public_operating_spend_total, "operating grants paid", "EUR", "cumulative", "money", True),
    (public_project_spend_total, "project grants paid", "EUR", "cumulative", "money", True),
    (private_cofinancing_total, "members' co-financing", "EUR", "cumulative", "money", True),
    (eu_funding_total, "EU money won", "EUR", "cumulative", "money", False),
    (funding_gini, "concentration of project money (Gini, 0 = equal)", "index", "level", "money", False),
    (sme_share_project_funding, "SME share of project money", "share", "level", "projects", False),
    (business_rd, "business R&D", "EUR/yr", "level", "innovation", True),
    (rd_intensity, "R&D intensity (share of GDP)", "share", "level", "innovation", True),
    (innovations_total, "innovations", "innovations", "cumulative", "innovation", False),
    (collaboration_links, "collaboration links", "links", "level", "innovation", False),
    (members_spearhead, "members of spearhead clusters", "firms", "level", "participation", False),
    (members_ibn, "members of IBNs", "firms", "level", "participation", False),
    (organisations_alive, "cluster organisations alive", "organisations", "level", "clusters", False),
    (ibns_upgraded_total, "IBNs that became spearheads", "organisations", "cumulative", "clusters", False),
    (clusters_dissolved_total, "organisations dissolved", "organisations", "cumulative", "clusters", False),
    (clusters_merged_total, "organisations merged", "organisations", "cumulative", "clusters", False),
    (
        members_expelled_total,
        "members expelled for unpaid dues",
        "firms",
        "cumulative",
        "participation",
        False,
    ),
    (
        projects_cluster_open_funded_total,
        "spearhead projects funded from the open pot",
        "projects",
        "cumulative",
        "projects",
        False,
    ),
    (privileged_project_spend_total, "privileged project money paid", "EUR", "cumulative", "money", False),
    (privileged_unspent_total, "privileged money left unspent", "EUR", "cumulative", "money", False),
    (private_cash_cofinancing_total, "members' cash co-financing", "EUR", "cumulative", "money", False),
    (private_project_match_total, "private match on projects", "EUR", "cumulative", "money", False),
    (business_rd_nonmembers, "business R&D of non-members", "EUR/yr", "level", "innovation", False),
    (rd_per_member_firm, "R&D per member firm", "EUR/yr", "level", "innovation", False),
    (rd_per_nonmember_firm, "R&D per non-member firm", "EUR/yr", "level", "innovation", False),
    (mean_selected_quality, "quality of recognised clusters", "score", "level", "clusters", False),
    (gdp, "GDP", "EUR/yr", "level", "innovation", False),
)

REPORTERS = {name: o.reporter for name, o in OUTCOMES.items()}

# Names that earlier versions used, still readable (e.g. by validation targets).
RENAMED = {"members_total": "members"}

REQUIRED_METRICS = (
    "members",
    "members_sme",
    "sme_member_share",
    "sme_participation_rate",
    "spearheads_active",
    "ibns_active",
    "spearheads_recognised_total",
    "ibns_recognised_total",
    "grants_lapsed_total",
    "clusters_stopped_evaluation_total",
    "clusters_self_sustaining",
    "public_share_cluster_budgets",
    "projects_privileged_funded_total",
    "projects_individual_funded_total",
    "projects_ibn_funded_total",
    "proposals_rejected_budget_total",
    "proposals_crowded_out_total",
    "public_operating_spend_total",
    "public_project_spend_total",
    "private_cofinancing_total",
    "eu_funding_total",
    "funding_gini",
    "sme_share_project_funding",
    "business_rd",
    "rd_intensity",
    "innovations_total",
    "collaboration_links",
)

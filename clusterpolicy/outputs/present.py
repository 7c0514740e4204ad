"""How metrics are named, formatted and grouped for people (tables, figures, reports)."""

from __future__ import annotations

import math

from clusterpolicy.model.metrics import REPORTERS

MONEY_WORDS = ("spend", "cofinancing", "funding_total", "business_rd", "match", "unspent", "gdp", "rd_per_")
SHARE_WORDS = ("share", "rate", "intensity", "gini")

HEADLINE = (
    "spearheads_active",
    "ibns_active",
    "members",
    "sme_member_share",
    "sme_participation_rate",
    "grants_lapsed_total",
    "projects_privileged_funded_total",
    "projects_individual_funded_total",
    "proposals_crowded_out_total",
    "public_operating_spend_total",
    "public_project_spend_total",
    "private_cofinancing_total",
    "business_rd",
    "rd_intensity",
)


LABELS = {
    "members": "members (firms)",
    "members_sme": "SME members",
    "sme_member_share": "SME share of members",
    "sme_participation_rate": "SMEs in a cluster (share of all SMEs)",
    "spearheads_active": "spearhead clusters active",
    "ibns_active": "IBNs active",
    "spearheads_recognised_total": "spearhead recognitions (cum.)",
    "ibns_recognised_total": "IBN recognitions (cum.)",
    "grants_lapsed_total": "grants lapsed on the deposit (cum.)",
    "clusters_stopped_evaluation_total": "stopped at evaluation (cum.)",
    "clusters_self_sustaining": "self-sustaining organisations",
    "public_share_cluster_budgets": "public share of cluster budgets",
    "projects_privileged_funded_total": "privileged-pot projects funded (cum.)",
    "projects_individual_funded_total": "individual firm projects funded (cum.)",
    "projects_ibn_funded_total": "IBN projects funded (cum.)",
    "proposals_rejected_budget_total": "proposals rejected for budget (cum.)",
    "proposals_crowded_out_total": "proposals crowded out (cum.)",
    "public_operating_spend_total": "operating grants paid (cum.)",
    "public_project_spend_total": "project grants paid (cum.)",
    "private_cofinancing_total": "members' co-financing (cum.)",
    "eu_funding_total": "EU money won (cum.)",
    "funding_gini": "Gini of project funding",
    "sme_share_project_funding": "SME share of project money",
    "business_rd": "business R&D (per year)",
    "rd_intensity": "R&D intensity (% of GDP)",
    "innovations_total": "innovations (cum.)",
    "collaboration_links": "collaboration links",
    "members_spearhead": "members of spearhead clusters",
    "members_ibn": "members of IBNs",
    "organisations_alive": "cluster organisations alive",
    "ibns_upgraded_total": "IBNs become spearhead (cum.)",
    "clusters_dissolved_total": "organisations dissolved (cum.)",
    "clusters_merged_total": "organisations merged (cum.)",
    "members_expelled_total": "members expelled for unpaid dues (cum.)",
    "projects_cluster_open_funded_total": "spearhead projects funded from open pot (cum.)",
    "privileged_unspent_total": "privileged money unspent (cum.)",
    "privileged_project_spend_total": "privileged project money paid (cum.)",
    "private_cash_cofinancing_total": "members' cash co-financing (cum.)",
    "private_project_match_total": "private match on projects (cum.)",
    "business_rd_nonmembers": "business R&D of non-members (per year)",
    "mean_selected_quality": "quality of recognised clusters",
    "rd_per_member_firm": "R&D per member firm (per year)",
    "rd_per_nonmember_firm": "R&D per non-member firm (per year)",
    "gdp": "GDP (per year)",
}


def label(metric: str) -> str:
    """Short label of a metric for tables and legends."""
    return LABELS.get(metric, metric.replace("_", " "))


def describe(metric: str) -> str:
    """One-line description of a metric (the first line of its reporter's docstring)."""
    fn = REPORTERS.get(metric)
    doc = (fn.__doc__ or metric) if fn else metric
    return doc.strip().splitlines()[0].rstrip(".")


def is_money(metric: str) -> bool:
    """The metric is in euros."""
    return any(w in metric for w in MONEY_WORDS)


def is_share(metric: str) -> bool:
    """The metric is a share in [0, 1] (shown as a percentage)."""
    return any(w in metric for w in SHARE_WORDS) and not is_money(metric)


def fmt(metric: str, value: float | None, signed: bool = False) -> str:
    """Format a value of a metric for a person: euros in millions, shares in percent."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "+" if signed else ""
    if is_money(metric):
        text = f"€{abs(value) / 1e6:,.1f}m"
        return ("-" if value < 0 else "+" if signed else "") + text
    if metric == "mean_selected_quality":
        return f"{value:{sign}.3f}"
    if is_share(metric):
        return f"{100 * value:+.2f} pts" if signed else f"{100 * value:.1f}%"
    if float(value).is_integer():
        return f"{int(value):{sign},d}"
    return f"{value:{sign},.1f}"


def unit_label(metric: str) -> str:
    """Axis label for a metric."""
    if is_money(metric):
        return "€ million"
    if is_share(metric):
        return "%"
    if metric == "mean_selected_quality":
        return "score (0-1)"
    return "count"


def scale(metric: str) -> float:
    """Factor to apply before plotting a metric in its :func:`unit_label`."""
    if is_money(metric):
        return 1e-6
    if is_share(metric):
        return 100.0
    return 1.0

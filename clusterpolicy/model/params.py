"""Typed, frozen parameters of the cluster-policy model.

Every parameter is declared once here, with its unit, valid range (or allowed choices) and a one-line
meaning. The *values* live in the scenario files (``scenarios/*.toml``), each with a comment naming its
source; ``scenarios/concept_note_2015.toml`` sets every key and the other scenarios extend it. The
sensitivity-analysis ranges are the ``lo``/``hi`` bounds declared here unless an experiment narrows them.

Vocabulary (as in EMA Workbench): ``[policy]`` holds the *levers* the government sets, ``[behaviour]`` the
*uncertainties* about how firms and organisations respond, ``[population]`` the economy the policy lands
in, and ``[simulation]`` the clock.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import typing
from dataclasses import dataclass, field
from typing import Any

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")

# The levers grouped as the SERV advice groups them (for the explorer, reports and sweeps).
LEVER_GROUPS = {
    "cofinancing": "co-financing and deposit",
    "sunset": "sunset",
    "project_pots": "project pots and budget frame",
    "selection": "selection and evaluation",
    "timing": "timing",
}


class ParameterError(ValueError):
    """A parameter value that is not allowed.

    Attributes:
        key: the dotted key, e.g. ``policy.privileged_share``.
        value: the offending value.
        allowed: what is allowed, in words.
    """

    def __init__(self, key: str, value: Any, allowed: str):
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"{key} = {value!r}: {allowed}")


def param(
    unit: str,
    doc: str,
    lo: float | None = None,
    hi: float | None = None,
    choices: tuple[str, ...] | None = None,
    *,
    label: str | None = None,
    group: str | None = None,
) -> Any:
    """Declare a required parameter field with its unit, meaning and valid range.

    Args:
        unit: unit of the value (``"EUR/yr"``, ``"share"``, ``"quarters"``, ...).
        doc: one-line meaning.
        lo: smallest allowed value (inclusive), for numbers.
        hi: largest allowed value (inclusive), for numbers.
        choices: allowed values, for strings.
        label: short label for sliders, tables and reports (default: ``doc``).
        group: for levers, the part of the advice they belong to (one of :data:`LEVER_GROUPS`).

    Returns:
        A dataclass field without a default (every value comes from a scenario file).
    """
    if group is not None and group not in LEVER_GROUPS:
        raise ValueError(f"unknown lever group {group!r}")
    return field(
        metadata={
            "unit": unit,
            "doc": doc,
            "lo": lo,
            "hi": hi,
            "choices": choices,
            "label": label or doc,
            "group": group,
        }
    )


def quarter_index(label: str) -> int:
    """Absolute quarter number of a label like ``2016Q1`` (year * 4 + quarter - 1).

    Raises:
        ValueError: if the label is not of the form YYYYQn.
    """
    m = QUARTER_RE.match(label)
    if not m:
        raise ValueError(f"not a quarter like 2016Q1: {label!r}")
    return int(m.group(1)) * 4 + int(m.group(2)) - 1


def quarter_label(index: int) -> str:
    """Inverse of :func:`quarter_index`."""
    return f"{index // 4}Q{index % 4 + 1}"


@dataclass(frozen=True, kw_only=True)
class SimulationParams:
    """The clock."""

    start: str = param("quarter", "first recorded quarter (policy starts here)")
    quarters: int = param("quarters", "number of recorded quarters", 1, 400)
    burn_in_quarters: int = param(
        "quarters", "unrecorded quarters of the pre-policy regime run before start", 0, 40
    )


@dataclass(frozen=True, kw_only=True)
class PopulationParams:
    """The economy: firms, knowledge institutions, legacy structures, GDP, R&D, EU money."""

    n_firms: int = param("firms", "R&D-relevant firms", 50, 2_000_000)
    sme_share: float = param("share", "share of SMEs (< 250 staff) among the firms", 0.0, 1.0)
    follower_share: float = param(
        "share", "share of SMEs that are innovation followers (little own R&D)", 0.0, 1.0
    )
    n_domains: int = param("domains", "technology/market domains clusters form around", 1, 200)
    domain_concentration: float = param(
        "-", "Dirichlet concentration of domain sizes (small = unequal)", 0.1, 100.0
    )
    domain_strength_alpha: float = param("-", "Beta(alpha, beta) of a domain's strength", 0.1, 50.0)
    domain_strength_beta: float = param("-", "Beta(alpha, beta) of a domain's strength", 0.1, 50.0)
    second_domain_prob_large: float = param(
        "share", "chance a large firm is also active in a second domain", 0.0, 1.0
    )
    second_domain_prob_sme: float = param(
        "share", "chance an SME is also active in a second domain", 0.0, 1.0
    )
    business_rd: float = param("EUR/yr", "business R&D expenditure at the start", 1e6, 1e12)
    rd_sigma: float = param("-", "log-sd of firm R&D within a size class (concentration)", 0.1, 4.0)
    large_rd_ratio: float = param("x", "median R&D of a large firm over that of an SME", 1.0, 1000.0)
    follower_rd_ratio: float = param(
        "x", "median R&D of an innovation follower over that of other SMEs", 0.0, 1.0
    )
    capability_rd_weight: float = param(
        "-", "weight of (standardised log) R&D size in a firm's capability (logit scale)", 0.0, 5.0
    )
    capability_noise: float = param("-", "sd of the rest of a firm's capability (logit scale)", 0.0, 5.0)
    cash_income_large: float = param(
        "EUR/yr", "free cash a large firm can spend on cooperation fees (median)", 0.0, 1e8
    )
    cash_income_sme: float = param(
        "EUR/yr", "free cash an SME can spend on cooperation fees (median)", 0.0, 1e7
    )
    cash_income_sigma_large: float = param("-", "log-sd of large firms' free cash", 0.0, 3.0)
    cash_income_sigma_sme: float = param("-", "log-sd of SMEs' free cash", 0.0, 3.0)
    n_universities: int = param("institutions", "universities", 0, 50)
    n_research_centres: int = param("institutions", "strategic research centres (SOCs)", 0, 50)
    n_collective_centres: int = param("institutions", "collective research centres", 0, 100)
    university_domain_prob: float = param("share", "chance a university covers a domain", 0.0, 1.0)
    research_centre_domain_prob: float = param("share", "chance a research centre covers a domain", 0.0, 1.0)
    collective_centre_domain_prob: float = param(
        "share", "chance a collective centre covers a domain", 0.0, 1.0
    )
    university_capacity: int = param("projects/yr", "projects a university can join a year", 0, 1000)
    research_centre_capacity: int = param(
        "projects/yr", "projects a research centre can join a year", 0, 1000
    )
    collective_centre_capacity: int = param(
        "projects/yr", "projects a collective centre can join a year", 0, 1000
    )
    university_excellence_alpha: float = param("-", "Beta(alpha, beta) of a university's excellence", 0.1, 50)
    university_excellence_beta: float = param("-", "Beta(alpha, beta) of a university's excellence", 0.1, 50)
    research_centre_excellence_alpha: float = param(
        "-", "Beta(alpha, beta) of a research centre's excellence", 0.1, 50
    )
    research_centre_excellence_beta: float = param(
        "-", "Beta(alpha, beta) of a research centre's excellence", 0.1, 50
    )
    collective_centre_excellence_alpha: float = param(
        "-", "Beta(alpha, beta) of a collective centre's excellence", 0.1, 50
    )
    collective_centre_excellence_beta: float = param(
        "-", "Beta(alpha, beta) of a collective centre's excellence", 0.1, 50
    )
    n_legacy: int = param("structures", "legacy structures that must re-apply or fade", 0, 200)
    legacy_members: int = param("firms", "mean members of a legacy structure at the start", 0, 5000)
    legacy_societal_share: float = param(
        "share", "share of legacy structures with a mainly societal purpose", 0.0, 1.0
    )
    legacy_large_weight: float = param(
        "x", "how much likelier a large firm is than an SME to be a legacy structure's member", 0.0, 100.0
    )
    gdp: float = param("EUR/yr", "regional GDP at the start", 1e8, 1e14)
    gdp_growth: float = param("1/yr", "nominal GDP growth", -0.1, 0.2)
    public_rd_share: float = param(
        "share", "share of total R&D performed outside firms (higher education, government)", 0.0, 0.9
    )
    rd_intensity_years: tuple[float, ...] = param(
        "year", "years of the observed R&D-intensity path (GERD/GDP) without the modelled policy", 1900, 2200
    )
    rd_intensity_observed: tuple[float, ...] = param(
        "share", "observed R&D intensity (GERD/GDP) in those years", 0.0, 0.2
    )
    rd_intensity_growth_after: float = param(
        "share/yr", "assumed change of R&D intensity per year after the last observed year", -0.01, 0.01
    )
    rd_norm: float = param("share", "the R&D-intensity norm the region aims at (3 % of GDP)", 0.0, 0.2)
    eu_budget: float = param(
        "EUR/yr",
        "EU research money (Horizon programmes) that the region's firms can win in a year",
        0.0,
        1e11,
    )


@dataclass(frozen=True, kw_only=True)
class PolicyParams:
    """The levers: the rules the government sets."""

    enabled: bool = param(
        "-",
        "cluster policy on; false = only the regular open project pot",
        label="cluster policy on",
        group="timing",
    )
    # ---- co-financing and deposit
    operating_grant_share: float = param(
        "share",
        "public share of a cluster organisation's operating budget",
        0.0,
        0.95,
        label="public share of the operating budget",
        group="cofinancing",
    )
    operating_grant_cap_spearhead: float = param(
        "EUR/yr",
        "cap on a spearhead cluster's operating grant",
        0.0,
        1e8,
        label="grant cap, spearhead cluster",
        group="cofinancing",
    )
    operating_grant_cap_ibn: float = param(
        "EUR/yr", "cap on an IBN's operating grant", 0.0, 1e8, label="grant cap, IBN", group="cofinancing"
    )
    deposit_share: float = param(
        "share",
        "share of next year's cash co-financing to deposit at a project year's start",
        0,
        1,
        label="deposit required",
        group="cofinancing",
    )
    deposit_window_quarters: int = param(
        "quarters", "time allowed for the deposit", 1, 4, label="deposit window", group="cofinancing"
    )
    lapse_rule: str = param(
        "-",
        "what a missed deposit does",
        choices=("strict", "discretionary", "none"),
        label="missed deposit",
        group="cofinancing",
    )
    lapse_tolerance: float = param(
        "share",
        "discretionary rule: the grant lapses only if the deposit falls short by more than this",
        0.0,
        1.0,
        label="discretionary tolerance",
        group="cofinancing",
    )
    in_kind_share_max: float = param(
        "share",
        "largest share of co-financing that may be contributed in kind",
        0.0,
        0.9,
        label="in-kind share allowed",
        group="cofinancing",
    )
    in_kind_valuation: float = param(
        "EUR/EUR",
        "co-financing credited per euro of staff time contributed",
        0.0,
        1.0,
        label="valuation of staff time",
        group="cofinancing",
    )
    # ---- sunset
    support_path: str = param(
        "-",
        "grant share over the years",
        choices=("flat", "degressive"),
        label="support path",
        group="sunset",
    )
    degressive_final_factor: float = param(
        "x",
        "degressive path: last support year's share over the first year's",
        0.0,
        1.0,
        label="degressive: last year over first",
        group="sunset",
    )
    support_years_spearhead: int = param(
        "years",
        "sunset: support years of a spearhead",
        0,
        50,
        label="support years, spearhead",
        group="sunset",
    )
    support_years_ibn: int = param(
        "years", "sunset: support years of an IBN", 0, 50, label="support years, IBN", group="sunset"
    )
    # ---- project pots and the budget frame (advice §4.2.2, §4.7)
    project_budget: float = param(
        "EUR/yr",
        "annual project envelope in the first recorded year (privileged + open)",
        0.0,
        1e10,
        label="project envelope",
        group="project_pots",
    )
    project_budget_growth: float = param(
        "1/yr",
        "growth of the project envelope per year",
        -0.2,
        0.5,
        label="growth of the envelope",
        group="project_pots",
    )
    privileged_share: float = param(
        "share",
        "share of the project envelope privileged for spearhead-cluster projects",
        0.0,
        1.0,
        label="privileged for spearheads",
        group="project_pots",
    )
    privileged_mode: str = param(
        "-",
        "how the privilege works: a hard reserve (unspent stays unspent), a reserve whose leftovers go to "
        "the open pot, a score bonus in one pot, or priority in one pot up to the privileged amount",
        choices=("reserve", "reserve_release", "bonus", "priority"),
        label="privilege rule",
        group="project_pots",
    )
    privileged_score_bonus: float = param(
        "score",
        "bonus mode: score added to spearhead-cluster proposals",
        0.0,
        2.0,
        label="score bonus",
        group="project_pots",
    )
    min_private_match: float = param(
        "EUR/EUR",
        "private euros required per public euro on a cluster project",
        0.0,
        10.0,
        label="private match per public euro",
        group="project_pots",
    )
    grant_rate_large: float = param(
        "share",
        "grant as a share of a large firm's project cost (individual projects)",
        0.0,
        1.0,
        label="grant rate, large firm",
        group="project_pots",
    )
    grant_rate_sme: float = param(
        "share",
        "grant as a share of an SME's project cost (individual projects)",
        0.0,
        1.0,
        label="grant rate, SME",
        group="project_pots",
    )
    grant_min: float = param(
        "EUR",
        "smallest grant an individual project may ask",
        0.0,
        1e8,
        label="smallest grant",
        group="project_pots",
    )
    grant_max: float = param(
        "EUR",
        "largest grant an individual project may receive",
        0.0,
        1e9,
        label="largest grant",
        group="project_pots",
    )
    operating_budget: float = param(
        "EUR/yr",
        "yearly budget for operating grants of spearhead clusters and IBNs together",
        0.0,
        1e10,
        label="operating-grant budget",
        group="project_pots",
    )
    operating_budget_spearhead_share: float = param(
        "share",
        "share of the operating-grant budget for spearhead clusters (the rest for IBNs)",
        0.0,
        1.0,
        label="of which spearheads",
        group="project_pots",
    )
    vis_budget: float = param(
        "EUR/yr",
        "yearly budget of the VIS trajectories (collective projects for groups of SMEs)",
        0.0,
        1e9,
        label="VIS budget",
        group="project_pots",
    )
    # ---- selection and evaluation
    spearhead_recognition: str = param(
        "-",
        "how spearheads are recognised: applications assessed as they arrive (rolling) or a competitive call",
        choices=("rolling", "call"),
        label="spearhead recognition",
        group="selection",
    )
    spearhead_cap: int = param(
        "clusters",
        "largest number of spearhead clusters",
        0,
        50,
        label="most spearhead clusters",
        group="selection",
    )
    ibn_max_per_call: int = param(
        "clusters",
        "largest number of IBNs recognised in one call",
        0,
        500,
        label="most IBNs per call",
        group="selection",
    )
    selection: str = param(
        "-",
        "how the agency selects among eligible applications in a call",
        choices=("jury", "fcfs", "lottery"),
        label="selection mode",
        group="selection",
    )
    jury_noise: float = param(
        "score sd",
        "noise in a jury's (or evaluator's) score",
        0.0,
        2.0,
        label="jury noise",
        group="selection",
    )
    jury_weight_valorisation: float = param(
        "weight",
        "jury weight: valorisation potential",
        0,
        1,
        label="weight: valorisation",
        group="selection",
    )
    jury_weight_support: float = param(
        "weight",
        "jury weight: support base incl. SMEs",
        0,
        1,
        label="weight: support base",
        group="selection",
    )
    jury_weight_excellence: float = param(
        "weight",
        "jury weight: organisation excellence",
        0,
        1,
        label="weight: excellence",
        group="selection",
    )
    min_sme_share: float = param(
        "share",
        "eligibility: smallest SME share among an application's committed firms",
        0,
        1,
        label="minimum SME share",
        group="selection",
    )
    spearhead_min_members: int = param(
        "firms",
        "eligibility: committed firms, spearhead",
        1,
        5000,
        label="minimum members, spearhead",
        group="selection",
    )
    ibn_min_members: int = param(
        "firms",
        "eligibility: committed firms, IBN",
        1,
        5000,
        label="minimum members, IBN",
        group="selection",
    )
    ibn_min_score: float = param(
        "score",
        "eligibility: smallest jury score of an IBN",
        -5.0,
        5.0,
        label="minimum jury score, IBN",
        group="selection",
    )
    spearhead_min_score: float = param(
        "score",
        "rolling recognition: smallest assessed score of a spearhead application",
        -5.0,
        5.0,
        label="minimum score, spearhead",
        group="selection",
    )
    evaluation_interval_years: int = param(
        "years",
        "interim evaluation of spearheads every so many years (0 = none)",
        0,
        20,
        label="evaluation every (years)",
        group="selection",
    )
    evaluation_threshold: float = param(
        "score",
        "support stops when the evaluation score falls below this",
        0.0,
        1.0,
        label="evaluation threshold",
        group="selection",
    )
    evaluation_weight_excellence: float = param(
        "weight",
        "evaluation weight: excellence of the organisation",
        0.0,
        1.0,
        label="evaluation weight: excellence",
        group="selection",
    )
    evaluation_weight_self_financing: float = param(
        "weight",
        "evaluation weight: last year's self-financing share",
        0.0,
        1.0,
        label="evaluation weight: self-financing",
        group="selection",
    )
    evaluation_weight_success: float = param(
        "weight",
        "evaluation weight: share of finished projects that succeeded",
        0.0,
        1.0,
        label="evaluation weight: project success",
        group="selection",
    )
    ibn_to_spearhead: bool = param(
        "-",
        "an IBN may apply to become a spearhead cluster",
        label="IBN may become spearhead",
        group="selection",
    )
    ibn_path_min_years: int = param(
        "years",
        "IBN path: years as a recognised IBN before it may apply",
        0,
        20,
        label="IBN path: years as IBN",
        group="selection",
    )
    ibn_path_min_score: float = param(
        "score",
        "IBN path: smallest score at the IBN's last evaluation",
        -5.0,
        5.0,
        label="IBN path: evaluation score",
        group="selection",
    )
    # ---- timing
    ibn_call_quarters: tuple[str, ...] = param(
        "quarters", "quarters in which IBN calls decide", label="IBN calls", group="timing"
    )
    spearhead_call_quarters: tuple[str, ...] = param(
        "quarters",
        "call recognition: quarters in which spearhead applications are decided",
        label="spearhead calls",
        group="timing",
    )
    decision_lag_quarters: int = param(
        "quarters",
        "rolling recognition: quarters from an application to its decision",
        0,
        12,
        label="decision lag",
        group="timing",
    )
    decisions_per_quarter: int = param(
        "decisions",
        "rolling recognition: most spearhead applications decided in a quarter",
        1,
        50,
        label="decisions per quarter",
        group="timing",
    )
    pact_quarters: int = param(
        "quarters",
        "cluster-pact negotiation after recognition, before privileged project money flows",
        0,
        12,
        label="cluster-pact negotiation",
        group="timing",
    )
    project_call_quarter: int = param(
        "quarter of year",
        "quarter in which the project call runs",
        1,
        4,
        label="project call quarter",
        group="timing",
    )
    legacy_support_end: str = param(
        "quarter",
        "last quarter of transitional support for legacy structures",
        label="end of transitional support",
        group="timing",
    )
    legacy_grant_share: float = param(
        "share",
        "transitional support: public share of a legacy structure's budget (the old regime's rule)",
        0.0,
        0.95,
        label="transitional grant share",
        group="timing",
    )
    legacy_grant: float = param(
        "EUR/yr",
        "transitional support: cap on a legacy structure's operating grant",
        0.0,
        1e8,
        label="transitional grant",
        group="timing",
    )
    vis_end: str = param(
        "quarter", "last quarter in which VIS trajectories are funded", label="end of VIS", group="timing"
    )


@dataclass(frozen=True, kw_only=True)
class BehaviourParams:
    """The uncertainties: how firms, organisations and evaluators behave."""

    # ---- R&D, knowledge and innovation
    subsidy_pass_through: float = param(
        "EUR/EUR", "R&D per euro of subsidy (1 - this is crowding-out)", 0.0, 2.0
    )
    knowledge_rd_effect: float = param("1/knowledge", "own R&D rises by this per unit knowledge", 0, 2)
    innovation_rate: float = param(
        "1/(EUR m/yr * quarter)",
        "quarterly innovation hazard per million euro of yearly R&D (Dosi et al.)",
        0,
        5,
    )
    knowledge_gain_project: float = param("knowledge", "knowledge gained from a successful project", 0, 2)
    knowledge_gain_membership: float = param(
        "knowledge/yr", "knowledge gained per year in an excellent, fully active cluster", 0, 2
    )
    knowledge_decay: float = param("1/yr", "depreciation of knowledge", 0.0, 1.0)
    # ---- membership
    service_value: float = param(
        "EUR/yr", "value of an excellent organisation's services to a median member", 0, 1e7
    )
    service_scale_min: float = param(
        "x", "smallest scale of services for a small firm (sqrt of R&D over the median, clipped)", 0.0, 10.0
    )
    service_scale_max: float = param(
        "x", "largest scale of services for a large firm (sqrt of R&D over the median, clipped)", 0.0, 100.0
    )
    second_domain_relevance: float = param(
        "share", "value of an organisation in a firm's second domain relative to its main domain", 0.0, 1.0
    )
    membership_overlap: float = param(
        "share",
        "benefits of each further membership relative to the previous one (diminishing returns)",
        0.0,
        1.0,
    )
    network_value: float = param("EUR/yr", "value of the member network (at 100 members)", 0, 1e7)
    project_access_weight: float = param(
        "share", "weight firms give to expected privileged project money", 0.0, 1.0
    )
    privileged_expectation_floor: float = param(
        "share",
        "before spearheads have members, firms expect privileged money as if this share of R&D were in",
        0.0,
        1.0,
    )
    eu_value: float = param("EUR/yr", "value of an excellent organisation's EU brokerage", 0, 1e7)
    eu_value_sme_factor: float = param("x", "EU brokerage's value to an SME relative to a large firm", 0, 2)
    societal_value_factor: float = param(
        "x", "excellence as members feel it, for a structure with a mainly societal purpose", 0.0, 1.0
    )
    sme_money_cost: float = param("EUR/EUR", "cost to an SME of a euro of cash fee", 0.5, 10.0)
    sme_time_cost: float = param("EUR/EUR", "cost to an SME of a euro of staff time", 0.0, 5.0)
    time_cost: float = param("EUR/yr", "time a membership takes, valued", 0.0, 1e6)
    taste_sd: float = param("EUR/yr", "sd of firms' persistent taste for cooperation", 0.0, 1e6)
    decision_noise: float = param("EUR/yr", "sd of the noise in one membership decision", 0, 1e6)
    join_threshold: float = param("EUR/yr", "net benefit needed to join", -1e6, 1e6)
    leave_threshold: float = param("EUR/yr", "members leave below this net benefit", -1e6, 1e6)
    review_rate: float = param("1/quarter", "share of firms reviewing their memberships each quarter", 0, 1)
    min_stay_quarters: int = param("quarters", "members stay at least this long", 0, 40)
    pay_probability_large: float = param(
        "1/quarter", "chance a large member pays dues in a quarter", 0.0, 1.0
    )
    pay_probability_sme: float = param(
        "1/quarter", "chance an SME with the cash pays dues in a quarter", 0.0, 1.0
    )
    cash_cap_years: float = param("yr", "free cash a firm keeps at most, in years of its inflow", 0.25, 10.0)
    # ---- organisations: budgets, fees, endings, excellence
    org_core_cost_spearhead: float = param(
        "EUR/yr", "core budget of a spearhead organisation (management team, office)", 0, 1e8
    )
    org_cost_per_member_spearhead: float = param(
        "EUR/yr", "budget a spearhead organisation plans per member (services)", 0, 1e6
    )
    org_core_cost_ibn: float = param("EUR/yr", "core budget of an IBN (its coordinator)", 0, 1e8)
    org_cost_per_member_ibn: float = param("EUR/yr", "budget an IBN plans per member", 0, 1e6)
    org_core_cost_legacy: float = param("EUR/yr", "core budget of a legacy structure", 0, 1e8)
    org_cost_per_member_legacy: float = param("EUR/yr", "budget a legacy structure plans per member", 0, 1e6)
    fee_ratio_large_spearhead: float = param(
        "x", "fee of a large spearhead member over an SME's (the fee schedule)", 1.0, 100.0
    )
    fee_max_large_spearhead: float = param("EUR/yr", "highest fee a spearhead asks of a large member", 0, 1e7)
    fee_ratio_large_ibn: float = param("x", "fee of a large IBN (or legacy) member over an SME's", 1.0, 100.0)
    fee_max_large_ibn: float = param(
        "EUR/yr", "highest fee an IBN or legacy structure asks of a large member", 0, 1e7
    )
    unviable_years_max: int = param(
        "years", "an organisation ends after this many project years in a row below its core budget", 1, 10
    )
    excellence_alpha: float = param("-", "Beta(alpha, beta) of an organisation's initial excellence", 0.1, 50)
    excellence_beta: float = param("-", "Beta(alpha, beta) of an organisation's initial excellence", 0.1, 50)
    excellence_gain_max: float = param(
        "excellence", "most an organisation's excellence grows with experience at full activity", 0.0, 1.0
    )
    excellence_learning_years: float = param(
        "years", "years of experience for two thirds of that growth", 0.1, 50.0
    )
    excellence_adjust: float = param(
        "1/yr", "share of the gap to its attainable excellence an organisation closes in a year", 0.0, 1.0
    )
    # ---- formation and recognition
    initiative_rate: float = param(
        "1/(domain * call)", "new bottom-up initiatives per domain and call", 0.0, 10.0
    )
    initiatives_max_per_domain: int = param("initiatives", "most new initiatives per domain and call", 1, 100)
    reach_spearhead_min: float = param(
        "share", "share of its domain a spearhead initiative reaches: low", 0, 1
    )
    reach_spearhead_max: float = param(
        "share", "share of its domain a spearhead initiative reaches: high", 0, 1
    )
    reach_ibn_min: float = param("share", "share of its domain an IBN initiative reaches: low", 0, 1)
    reach_ibn_max: float = param("share", "share of its domain an IBN initiative reaches: high", 0, 1)
    reach_legacy: float = param(
        "share", "share of its domain a legacy structure reaches when it applies", 0, 1
    )
    valorisation_domain_weight: float = param(
        "share", "weight of the domain's strength in the valorisation criterion (the rest: capability)", 0, 1
    )
    support_size_weight: float = param(
        "share", "weight of size in the support-base criterion (the rest: SME share)", 0, 1
    )
    support_full_multiple: float = param(
        "x", "committed firms, in multiples of the minimum, for a full support-base score on size", 1.0, 20.0
    )
    legacy_spearhead_multiple: float = param(
        "x",
        "a legacy structure aims at a spearhead with this many times the IBN minimum in members",
        0.0,
        50.0,
    )
    initiative_hazard: float = param(
        "1/quarter", "rolling recognition: chance a domain without a spearhead starts an initiative", 0, 1
    )
    preparation_quarters_min: int = param(
        "quarters", "rolling recognition: shortest preparation of a spearhead application", 0, 40
    )
    preparation_quarters_extra_mean: float = param(
        "quarters", "rolling recognition: mean further preparation (geometric)", 0.0, 40.0
    )
    # ---- projects
    propose_prob_large: float = param("1/yr", "chance a large firm proposes a project", 0, 1)
    propose_prob_sme: float = param("1/yr", "chance an SME proposes a project", 0, 1)
    follower_propose_factor: float = param(
        "x", "innovation followers' propensity to propose, relative to SMEs", 0.0, 1.0
    )
    project_cost_share: float = param(
        "share", "cost of an individual project as a share of the firm's yearly R&D", 0.0, 5.0
    )
    cluster_projects_per_member: float = param(
        "1/(member * yr)", "cluster-project proposals per spearhead member and year", 0, 5
    )
    ibn_projects_per_member: float = param(
        "1/(member * yr)", "project proposals per IBN member and year", 0, 5
    )
    cluster_project_grant: float = param("EUR", "mean grant asked by a spearhead project", 0, 1e9)
    ibn_project_grant: float = param("EUR", "mean grant asked by an IBN project", 0, 1e9)
    request_sigma: float = param("-", "log-sd of a consortium's grant request around its mean", 0.0, 3.0)
    consortium_min_firms: int = param("firms", "smallest consortium", 1, 100)
    consortium_extra_firms: float = param("firms", "mean further firms in a consortium (Poisson)", 0.0, 100.0)
    ki_partner_prob: float = param("share", "chance a cluster project includes a knowledge institution", 0, 1)
    ki_grant_share: float = param("share", "share of a project grant going to the institution", 0, 1)
    ki_quality_bonus: float = param("score", "proposal quality added by an institution", 0, 2)
    excellence_quality_bonus: float = param(
        "score", "proposal quality added by an excellent cluster organisation", 0, 2
    )
    knowledge_quality_weight: float = param(
        "score/knowledge", "proposal quality added per unit knowledge", 0, 2
    )
    proposal_noise: float = param("score sd", "noise in a proposal's assessed quality", 0, 2)
    min_proposal_quality: float = param("score", "proposals below this are rejected on merit", -5.0, 5.0)
    project_success_rate: float = param("1/score", "project success = 1 - exp(-rate * quality)", 0.0, 20.0)
    project_quarters: int = param("quarters", "duration of a funded project", 1, 20)
    max_rd_share_private: float = param(
        "share", "most of its R&D a firm can put into one project's private part", 0, 1
    )
    relational_weight: float = param(
        "x", "extra weight of a past partner when picking consortium partners", 0, 20
    )
    evaluation_prior_success: float = param(
        "share", "project success an evaluator assumes before any project has finished", 0.0, 1.0
    )
    # ---- EU money
    eu_apply_prob_large: float = param("1/yr", "chance a large firm applies for EU money", 0, 1)
    eu_apply_prob_sme: float = param("1/yr", "chance an SME applies for EU money", 0, 1)
    eu_success_base: float = param("share", "EU success rate without cluster help", 0, 1)
    eu_excellence_uplift: float = param(
        "x", "relative rise of EU success in an excellent cluster organisation", 0, 5
    )
    eu_grant_mean: float = param("EUR", "mean EU grant won by a large firm", 0, 1e9)
    eu_grant_sigma: float = param("-", "log-sd of an EU grant around its mean", 0.0, 3.0)
    eu_grant_sme_factor: float = param("x", "EU grant of an SME relative to a large firm's", 0.0, 2.0)
    # ---- VIS trajectories
    vis_proposals_per_intermediary: float = param(
        "1/yr", "VIS project proposals per intermediary (collective centre) and year", 0.0, 20.0
    )
    vis_group_size: int = param("firms", "SMEs in a VIS project's target group", 1, 500)
    vis_project_grant: float = param("EUR", "mean grant of a VIS project", 0.0, 1e8)
    vis_knowledge_gain: float = param("knowledge", "knowledge an SME gains from a VIS project", 0.0, 2.0)


@dataclass(frozen=True, kw_only=True)
class Params:
    """All parameters of one scenario."""

    simulation: SimulationParams
    population: PopulationParams
    policy: PolicyParams
    behaviour: BehaviourParams

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Nested plain dict, ready for JSON/TOML (tuples become lists)."""
        out: dict[str, dict[str, Any]] = {}
        for sec in SECTIONS:
            obj = getattr(self, sec)
            out[sec] = {
                f.name: list(v) if isinstance(v := getattr(obj, f.name), tuple) else v
                for f in dataclasses.fields(obj)
            }
        return out

    def get(self, key: str) -> Any:
        """Value of a dotted key like ``policy.privileged_share``."""
        sec, _, name = key.partition(".")
        return getattr(getattr(self, sec), name)

    def replace(self, **changes: Any) -> Params:
        """A copy with dotted keys replaced and validated, e.g. ``replace(**{"policy.enabled": False})``."""
        data = self.to_dict()
        for key, value in changes.items():
            sec, _, name = key.partition(".")
            if sec not in data or name not in data[sec]:
                raise ParameterError(key, value, f"unknown key; known keys: {', '.join(all_keys())}")
            data[sec][name] = value
        return params_from_dict(data)


SECTIONS: dict[str, type] = {
    "simulation": SimulationParams,
    "population": PopulationParams,
    "policy": PolicyParams,
    "behaviour": BehaviourParams,
}


def all_keys() -> list[str]:
    """Every dotted parameter key."""
    return [f"{s}.{f.name}" for s, cls in SECTIONS.items() for f in dataclasses.fields(cls)]


@dataclass(frozen=True)
class ParamSpec:
    """The declaration of one parameter, read from its field (for the explorer, adapters and reports).

    Attributes:
        key: dotted key, e.g. ``policy.privileged_share``.
        section: ``simulation``, ``population``, ``policy`` (levers) or ``behaviour`` (uncertainties).
        type: ``int``, ``float``, ``bool``, ``str`` or a tuple type.
        unit: unit of the value.
        doc: one-line meaning.
        label: short label.
        lo: smallest allowed value, for numbers.
        hi: largest allowed value, for numbers.
        choices: allowed values, for categorical strings.
        group: for levers, the part of the advice (a key of :data:`LEVER_GROUPS`).
    """

    key: str
    section: str
    type: Any
    unit: str
    doc: str
    label: str
    lo: float | None
    hi: float | None
    choices: tuple[str, ...] | None
    group: str | None

    @property
    def is_lever(self) -> bool:
        """A rule the government sets (``[policy]``)."""
        return self.section == "policy"

    @property
    def is_uncertainty(self) -> bool:
        """Behaviour or context we do not know (``[behaviour]`` and ``[population]``)."""
        return self.section in ("behaviour", "population")


def declarations() -> list[ParamSpec]:
    """Every parameter's declaration, in declaration order."""
    out = []
    for sec, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            md = f.metadata
            out.append(
                ParamSpec(
                    key=f"{sec}.{f.name}",
                    section=sec,
                    type=_field_type(cls, f),
                    unit=md["unit"],
                    doc=md["doc"],
                    label=md["label"],
                    lo=md["lo"],
                    hi=md["hi"],
                    choices=md["choices"],
                    group=md["group"],
                )
            )
    return out


def full_key(name: str) -> str:
    """The dotted key of a parameter named with or without its section (``privileged_share``).

    Raises:
        ParameterError: if no parameter has that name, or more than one section has it.
    """
    if "." in name:
        field_spec(name)
        return name
    hits = [k for k in all_keys() if k.partition(".")[2] == name]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise ParameterError(
            name, None, "unknown parameter; give a name declared in clusterpolicy/model/params.py"
        )
    raise ParameterError(name, None, f"ambiguous; give one of {', '.join(hits)}")


def field_spec(key: str) -> dataclasses.Field:
    """The declared field of a dotted key (unit, doc, range in ``.metadata``).

    Raises:
        ParameterError: for an unknown key.
    """
    sec, _, name = key.partition(".")
    cls = SECTIONS.get(sec)
    if cls is not None:
        for f in dataclasses.fields(cls):
            if f.name == name:
                return f
    raise ParameterError(key, None, "unknown key")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _field_type(cls: type, f: dataclasses.Field) -> Any:
    return _hints(cls)[f.name]


def field_type(key: str) -> Any:
    """The declared type of a dotted key (``int``, ``float``, ``bool``, ``str`` or a tuple type)."""
    return _field_type(SECTIONS[key.partition(".")[0]], field_spec(key))


def describe_allowed(key: str) -> str:
    """What values a key allows, in words."""
    f = field_spec(key)
    sec = key.partition(".")[0]
    tp = _field_type(SECTIONS[sec], f)
    md = f.metadata
    if md["choices"]:
        return "one of " + ", ".join(repr(c) for c in md["choices"])
    if tp is bool:
        return "true or false"
    if tp is str:
        return "a quarter like '2016Q1'"
    lo, hi = md["lo"], md["hi"]
    if _is_quarter_list(tp):
        return "a list of quarters like ['2016Q1', '2017Q3']"
    if typing.get_origin(tp) is tuple:
        return f"a list of numbers from {lo:g} to {hi:g} ({md['unit']})"
    kind = "an integer" if tp is int else "a number"
    if lo is not None and hi is not None:
        return f"{kind} from {lo:g} to {hi:g} ({md['unit']})"
    return f"{kind} ({md['unit']})"


def _is_quarter_list(tp: Any) -> bool:
    return typing.get_origin(tp) is tuple and typing.get_args(tp)[0] is str


def coerce_value(key: str, value: Any) -> Any:
    """Check one value against its declaration and return it in its canonical type.

    Raises:
        ParameterError: naming the key, the value and what is allowed.
    """
    try:
        f = field_spec(key)
    except ParameterError as exc:
        raise ParameterError(key, value, exc.allowed) from None
    sec = key.partition(".")[0]
    tp = _field_type(SECTIONS[sec], f)
    md = f.metadata
    bad = ParameterError(key, value, describe_allowed(key))
    if tp is bool:
        if not isinstance(value, bool):
            raise bad
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise bad
    elif tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad
        value = float(value)
        if value != value:  # NaN
            raise bad
    elif tp is str:
        if not isinstance(value, str):
            raise bad
        if md["choices"]:
            if value not in md["choices"]:
                raise bad
        elif not QUARTER_RE.match(value):
            raise bad
        return value
    elif _is_quarter_list(tp):
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, str) and QUARTER_RE.match(v) for v in value
        ):
            raise bad
        return tuple(value)
    elif typing.get_origin(tp) is tuple:
        ok = isinstance(value, list | tuple) and all(
            isinstance(v, int | float) and not isinstance(v, bool) and v == v and md["lo"] <= v <= md["hi"]
            for v in value
        )
        if not ok:
            raise bad
        return tuple(float(v) for v in value)
    if (md["lo"] is not None and value < md["lo"]) or (md["hi"] is not None and value > md["hi"]):
        raise bad
    return value


def params_from_dict(data: dict[str, Any]) -> Params:
    """Build validated :class:`Params` from a nested dict with all four sections complete.

    Raises:
        ParameterError: for a missing section or key, an unknown key, or a bad value.
    """
    sections = {}
    for sec, cls in SECTIONS.items():
        raw = data.get(sec)
        if not isinstance(raw, dict):
            raise ParameterError(sec, raw, f"a [{sec}] table is required")
        names = {f.name for f in dataclasses.fields(cls)}
        for name in raw:
            if name not in names:
                raise ParameterError(
                    f"{sec}.{name}",
                    raw[name],
                    f"unknown key; [{sec}] allows {', '.join(sorted(names))}",
                )
        values = {}
        for f in dataclasses.fields(cls):
            key = f"{sec}.{f.name}"
            if f.name not in raw:
                raise ParameterError(key, None, f"missing; {describe_allowed(key)}")
            values[f.name] = coerce_value(key, raw[f.name])
        sections[sec] = cls(**values)
    for sec in data:
        if sec not in SECTIONS:
            raise ParameterError(sec, data[sec], f"unknown table; allowed: {', '.join(SECTIONS)}")
    p = Params(**sections)
    _check_consistency(p)
    return p


def _check_consistency(p: Params) -> None:
    """Rules that involve more than one key."""
    quarter_index(p.simulation.start)
    b, w, pop = p.behaviour, p.policy, p.population
    pairs = (
        ("policy.grant_min", w.grant_min, "policy.grant_max", w.grant_max),
        (
            "behaviour.reach_spearhead_min",
            b.reach_spearhead_min,
            "behaviour.reach_spearhead_max",
            b.reach_spearhead_max,
        ),
        ("behaviour.reach_ibn_min", b.reach_ibn_min, "behaviour.reach_ibn_max", b.reach_ibn_max),
        (
            "behaviour.service_scale_min",
            b.service_scale_min,
            "behaviour.service_scale_max",
            b.service_scale_max,
        ),
    )
    for key, lo, other, hi in pairs:
        if lo > hi:
            raise ParameterError(key, lo, f"at most {other} ({hi:g})")
    if b.leave_threshold > b.join_threshold:
        raise ParameterError(
            "behaviour.leave_threshold",
            b.leave_threshold,
            f"at most behaviour.join_threshold ({b.join_threshold:g}): "
            "leaving must not be easier than joining",
        )
    if w.jury_weight_valorisation + w.jury_weight_support + w.jury_weight_excellence <= 0:
        raise ParameterError("policy.jury_weight_valorisation", 0, "jury weights must not all be 0")
    ev = w.evaluation_weight_excellence + w.evaluation_weight_self_financing + w.evaluation_weight_success
    if ev <= 0:
        raise ParameterError("policy.evaluation_weight_excellence", 0, "evaluation weights must not all be 0")
    if pop.business_rd >= pop.gdp:
        raise ParameterError(
            "population.business_rd",
            pop.business_rd,
            f"must be less than population.gdp ({pop.gdp:g}), since business R&D is part of GDP",
        )
    years, values = pop.rd_intensity_years, pop.rd_intensity_observed
    if len(years) < 2 or len(years) != len(values):
        raise ParameterError(
            "population.rd_intensity_observed",
            list(values),
            f"one value per year of population.rd_intensity_years ({len(years)}), at least two",
        )
    if any(b2 <= a2 for a2, b2 in itertools.pairwise(years)):
        raise ParameterError("population.rd_intensity_years", list(years), "increasing years")
    floor = pop.public_rd_share / (1.0 - pop.public_rd_share) * pop.business_rd / pop.gdp
    if min(values) <= floor:
        raise ParameterError(
            "population.rd_intensity_observed",
            list(values),
            f"above the public part of R&D intensity ({floor:.4f}, from population.public_rd_share)",
        )

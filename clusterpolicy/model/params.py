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
import re
import typing
from dataclasses import dataclass, field
from typing import Any

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")

# The levers grouped as the SERV advice groups them (for the explorer, reports and sweeps).
LEVER_GROUPS = {
    "cofinancing": "co-financing and deposit",
    "sunset": "sunset",
    "project_pots": "project pots",
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
    """The economy: firms, knowledge institutions, legacy structures, GDP."""

    n_firms: int = param("firms", "R&D-relevant firms", 50, 2_000_000)
    sme_share: float = param("share", "share of SMEs (< 250 staff) among the firms", 0.0, 1.0)
    follower_share: float = param(
        "share", "share of SMEs that are innovation followers (little own R&D)", 0.0, 1.0
    )
    n_domains: int = param("domains", "technology/market domains clusters form around", 1, 200)
    domain_concentration: float = param(
        "-", "Dirichlet concentration of domain sizes (small = unequal)", 0.1, 100.0
    )
    business_rd: float = param("EUR/yr", "business R&D expenditure at the start", 1e6, 1e12)
    rd_sigma: float = param("-", "log-sd of firm R&D within a size class (concentration)", 0.1, 4.0)
    large_rd_ratio: float = param("x", "median R&D of a large firm over that of an SME", 1.0, 1000.0)
    follower_rd_ratio: float = param(
        "x", "median R&D of an innovation follower over that of other SMEs", 0.0, 1.0
    )
    cash_income_large: float = param(
        "EUR/yr", "free cash a large firm can spend on cooperation fees", 0.0, 1e8
    )
    cash_income_sme: float = param(
        "EUR/yr", "free cash an SME can spend on cooperation fees (median)", 0.0, 1e7
    )
    n_universities: int = param("institutions", "universities", 0, 50)
    n_research_centres: int = param("institutions", "strategic research centres (SOCs)", 0, 50)
    n_collective_centres: int = param("institutions", "collective research centres", 0, 100)
    n_legacy: int = param("structures", "legacy structures that must re-apply or fade", 0, 200)
    legacy_members: int = param("firms", "mean members of a legacy structure at the start", 0, 5000)
    legacy_societal_share: float = param(
        "share", "share of legacy structures with a mainly societal purpose", 0.0, 1.0
    )
    gdp: float = param("EUR/yr", "regional GDP at the start", 1e8, 1e14)
    gdp_growth: float = param("1/yr", "nominal GDP growth", -0.1, 0.2)
    public_rd_share: float = param(
        "share",
        "share of total R&D performed outside firms (higher education, government)",
        0.0,
        0.9,
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
    project_budget: float = param(
        "EUR/yr",
        "annual project envelope (privileged + open pot)",
        0.0,
        1e10,
        label="project envelope",
        group="project_pots",
    )
    privileged_share: float = param(
        "share",
        "share of the project envelope reserved for spearhead-cluster projects",
        0.0,
        1.0,
        label="reserved for spearheads",
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
        "how the agency selects among eligible applications",
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
        "weight", "jury weight: valorisation potential", 0, 1, label="weight: valorisation", group="selection"
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
        "weight", "jury weight: organisation excellence", 0, 1, label="weight: excellence", group="selection"
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
        "firms", "eligibility: committed firms, IBN", 1, 5000, label="minimum members, IBN", group="selection"
    )
    ibn_min_score: float = param(
        "score",
        "eligibility: smallest jury score of an IBN",
        -5.0,
        5.0,
        label="minimum jury score, IBN",
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
    ibn_to_spearhead: bool = param(
        "-",
        "an IBN may apply to become a spearhead cluster",
        label="IBN may become spearhead",
        group="selection",
    )
    ibn_call_quarters: tuple[str, ...] = param(
        "quarters", "quarters in which IBN calls decide", label="IBN calls", group="timing"
    )
    spearhead_call_quarters: tuple[str, ...] = param(
        "quarters",
        "quarters in which spearhead applications are decided",
        label="spearhead decisions",
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
    legacy_grant: float = param(
        "EUR/yr",
        "transitional operating grant of a legacy structure",
        0.0,
        1e8,
        label="transitional grant",
        group="timing",
    )


@dataclass(frozen=True, kw_only=True)
class BehaviourParams:
    """The uncertainties: how firms, organisations and evaluators behave."""

    # R&D and innovation
    subsidy_pass_through: float = param(
        "EUR/EUR", "R&D per euro of subsidy (1 - this is crowding-out)", 0.0, 2.0
    )
    rd_trend_growth: float = param("1/yr", "growth of firms' own R&D absent the policy", -0.1, 0.3)
    knowledge_rd_effect: float = param("1/knowledge", "own R&D rises by this per unit knowledge", 0, 2)
    innovation_rate: float = param(
        "1/(EUR m/yr * quarter)",
        "quarterly innovation hazard per million euro of yearly R&D (Dosi et al.)",
        0,
        5,
    )
    knowledge_gain_project: float = param("knowledge", "knowledge gained from a project", 0, 2)
    knowledge_gain_membership: float = param(
        "knowledge/yr", "knowledge gained per year in an excellent, fully active cluster", 0, 2
    )
    knowledge_decay: float = param("1/yr", "depreciation of knowledge", 0.0, 1.0)
    # membership
    service_value: float = param(
        "EUR/yr", "value of an excellent organisation's services to a median member", 0, 1e7
    )
    network_value: float = param("EUR/yr", "value of the member network (at 100 members)", 0, 1e7)
    project_access_weight: float = param(
        "share", "weight firms give to expected privileged project money", 0.0, 1.0
    )
    eu_value: float = param("EUR/yr", "value of an excellent organisation's EU brokerage", 0, 1e7)
    fee_large_spearhead: float = param("EUR/yr", "fee of a large spearhead member", 0, 1e6)
    fee_sme_spearhead: float = param("EUR/yr", "fee of an SME spearhead member", 0, 1e6)
    fee_large_ibn: float = param("EUR/yr", "fee of a large IBN member", 0, 1e6)
    fee_sme_ibn: float = param("EUR/yr", "fee of an SME IBN member", 0, 1e6)
    sme_money_cost: float = param("EUR/EUR", "cost to an SME of a euro of cash fee", 0.5, 10.0)
    sme_time_cost: float = param("EUR/EUR", "cost to an SME of a euro of staff time", 0.0, 5.0)
    time_cost: float = param("EUR/yr", "time a membership takes, valued", 0.0, 1e6)
    taste_sd: float = param("EUR/yr", "sd of firms' persistent taste for cooperation", 0.0, 1e6)
    decision_noise: float = param("EUR/yr", "sd of the noise in one membership decision", 0, 1e6)
    join_threshold: float = param("EUR/yr", "net benefit needed to join", -1e6, 1e6)
    leave_threshold: float = param("EUR/yr", "members leave below this net benefit", -1e6, 1e6)
    review_rate: float = param("1/quarter", "share of firms reviewing membership each quarter", 0, 1)
    min_stay_quarters: int = param("quarters", "members stay at least this long", 0, 40)
    pay_probability_large: float = param(
        "1/quarter", "chance a large member pays dues in a quarter", 0.0, 1.0
    )
    pay_probability_sme: float = param(
        "1/quarter", "chance an SME with the cash pays dues in a quarter", 0.0, 1.0
    )
    # organisations
    org_fixed_cost_spearhead: float = param(
        "EUR/yr", "smallest budget on which a spearhead organisation can run", 0, 1e8
    )
    org_fixed_cost_ibn: float = param(
        "EUR/yr", "smallest budget on which an IBN organisation can run", 0, 1e8
    )
    fee_multiplier_max: float = param(
        "x", "most an unsupported organisation can raise fees to cover its costs", 1.0, 10.0
    )
    excellence_alpha: float = param("-", "Beta(alpha, beta) of organisation excellence", 0.1, 50)
    excellence_beta: float = param("-", "Beta(alpha, beta) of organisation excellence", 0.1, 50)
    initiative_rate: float = param(
        "1/(domain * call)", "new bottom-up initiatives per domain and call", 0.0, 10.0
    )
    # projects
    propose_prob_large: float = param("1/yr", "chance a large firm proposes a project", 0, 1)
    propose_prob_sme: float = param("1/yr", "chance an SME proposes a project", 0, 1)
    follower_propose_factor: float = param(
        "x", "innovation followers' propensity to propose, relative to SMEs", 0.0, 1.0
    )
    grant_request_share: float = param("share", "grant asked as a share of the firm's R&D", 0, 2)
    grant_request_min: float = param("EUR", "smallest individual grant request", 0, 1e8)
    grant_request_max: float = param("EUR", "largest individual grant request", 0, 1e9)
    cluster_projects_per_member: float = param(
        "1/(member * yr)", "cluster-project proposals per spearhead member and year", 0, 5
    )
    ibn_projects_per_member: float = param(
        "1/(member * yr)", "project proposals per IBN member and year", 0, 5
    )
    cluster_project_grant: float = param("EUR", "mean grant asked by a spearhead project", 0, 1e9)
    ibn_project_grant: float = param("EUR", "mean grant asked by an IBN project", 0, 1e9)
    ki_partner_prob: float = param("share", "chance a cluster project includes a knowledge institution", 0, 1)
    ki_grant_share: float = param("share", "share of a project grant going to the institution", 0, 1)
    ki_quality_bonus: float = param("score", "proposal quality added by an institution", 0, 2)
    excellence_quality_bonus: float = param(
        "score", "proposal quality added by an excellent cluster organisation", 0, 2
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
    # EU money
    eu_apply_prob_large: float = param("1/yr", "chance a large firm applies for EU money", 0, 1)
    eu_apply_prob_sme: float = param("1/yr", "chance an SME applies for EU money", 0, 1)
    eu_success_base: float = param("share", "EU success rate without cluster help", 0, 1)
    eu_excellence_uplift: float = param(
        "x", "relative rise of EU success in an excellent cluster organisation", 0, 5
    )
    eu_grant_mean: float = param("EUR", "mean EU grant won", 0, 1e9)


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
    if typing.get_origin(tp) is tuple:
        return "a list of quarters like ['2016Q1', '2017Q3']"
    kind = "an integer" if tp is int else "a number"
    lo, hi = md["lo"], md["hi"]
    if lo is not None and hi is not None:
        return f"{kind} from {lo:g} to {hi:g} ({md['unit']})"
    return f"{kind} ({md['unit']})"


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
    elif typing.get_origin(tp) is tuple:
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, str) and QUARTER_RE.match(v) for v in value
        ):
            raise bad
        return tuple(value)
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
    if p.behaviour.grant_request_min > p.behaviour.grant_request_max:
        raise ParameterError(
            "behaviour.grant_request_min",
            p.behaviour.grant_request_min,
            f"at most behaviour.grant_request_max ({p.behaviour.grant_request_max:g})",
        )
    if p.behaviour.leave_threshold > p.behaviour.join_threshold:
        raise ParameterError(
            "behaviour.leave_threshold",
            p.behaviour.leave_threshold,
            f"at most behaviour.join_threshold ({p.behaviour.join_threshold:g}): "
            "leaving must not be easier than joining",
        )
    w = p.policy
    if w.jury_weight_valorisation + w.jury_weight_support + w.jury_weight_excellence <= 0:
        raise ParameterError("policy.jury_weight_valorisation", 0, "jury weights must not all be 0")

"""Targets files: observed facts with a value, a range, a unit and a source, and how to read each one.

A *targets file* (TOML; the shipped one is ``clusterpolicy/data/targets.toml``, whose header documents the
format) lists observed facts and says how each is read off the model's quarterly metrics: a metric (or a
sum of metrics), a transform (``level`` in a quarter, ``mean`` over years, ``per_year`` increase of a
cumulative metric), optionally divided by another metric, and optionally as the difference to the
counterfactual run with the same seed. An *evaluation-study* target (``study = "evaluation"``) is instead
a difference-in-differences estimate on the model's firms (members against matched non-members, as
published evaluations of cluster programmes do; :mod:`clusterpolicy.analysis.evaluation_study`). Each
target has a *role*: ``fit`` (the calibration may fit it) or ``held_out`` (declared before the fit, and
never seen by it). :func:`load_targets` validates it; the statistics are in
:mod:`clusterpolicy.analysis.validation`. A metric's old name (``model.metrics.RENAMED``) still reads.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clusterpolicy.inputs.checks import check_key, check_keys, is_number
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.files import TARGETS_FILE, read_toml
from clusterpolicy.inputs.scenario import COUNTERFACTUAL, resolve_path
from clusterpolicy.model.metrics import OUTCOMES, RENAMED

TRANSFORMS = ("level", "mean", "per_year")
TOP_KEYS = ("counterfactual", "target")
COUNTERFACTUAL_KEYS = ("scenario", "description")
TARGET_KEYS = (
    "id",
    "what",
    "metric",
    "transform",
    "quarter",
    "year",
    "years",
    "per",
    "per_transform",
    "counterfactual",
    "value",
    "range",
    "unit",
    "source",
    "note",
    "role",
    "study",
    "estimate",
    "join_years",
    "pre",
    "post",
    "sme_only",
)
REQUIRED_KEYS = ("id", "what", "metric", "transform", "value", "range", "unit", "source")
STUDY_REQUIRED_KEYS = ("id", "what", "study", "estimate", "join_years", "value", "range", "unit", "source")
STUDY_KEYS = ("study", "estimate", "join_years", "pre", "post", "sme_only")
ROLES = ("fit", "held_out")
STUDIES = ("evaluation",)
ESTIMATES = ("innovation", "rd_growth", "rd_per_aid")
# The units a target may be in: the outcomes' own units where they fit, and a few of observed statistics.
TARGET_UNITS = (
    "count",
    "clusters",
    "firms",
    "projects",
    "EUR",
    "EUR/yr",
    "share",
    "share of GDP",
    "points of GDP",
    "ratio",
    "EUR per EUR",
    "points",
)
ID_RE = re.compile(r"^[A-Za-z0-9_-]+$")
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
# metrics that are cumulative since the start of the recorded period (as declared)
CUMULATIVE = frozenset(name for name, o in OUTCOMES.items() if o.kind == "cumulative")


@dataclass(frozen=True)
class Target:
    """One observed fact and how to read it off the model's quarterly metrics.

    Attributes:
        id: short unique name.
        what: what it measures, for people.
        metrics: the metrics added up for the numerator.
        transform: ``level``, ``mean`` or ``per_year``.
        quarter: the quarter of a ``level`` target.
        years: first and last year of a ``mean`` or ``per_year`` target.
        per: the metrics added up for the denominator (empty: no denominator).
        per_transform: the denominator's transform.
        counterfactual: the statistic is the difference to the counterfactual run.
        value: the observed value.
        low: lower end of the range.
        high: upper end of the range.
        unit: the unit (one of :data:`TARGET_UNITS`).
        source: where the value comes from.
        note: caveats and the reasoning behind the range.
        role: ``fit`` (the calibration may fit it) or ``held_out`` (never seen by the calibration).
        study: ``evaluation`` for a difference-in-differences estimate on the model's firms, else None.
        estimate: the study's estimate (``innovation``, ``rd_growth`` or ``rd_per_aid``).
        join_years: first and last year of joining that make a firm treated (study targets).
        pre: years before joining in the study's pre-period.
        post: years after the join year in its post-period.
        sme_only: the study looks at SMEs only.
    """

    id: str
    what: str
    metrics: tuple[str, ...]
    transform: str
    quarter: str | None
    years: tuple[int, int] | None
    per: tuple[str, ...]
    per_transform: str
    counterfactual: bool
    value: float
    low: float
    high: float
    unit: str
    source: str
    note: str = ""
    role: str = "fit"
    study: str | None = None
    estimate: str | None = None
    join_years: tuple[int, int] | None = None
    pre: int = 2
    post: int = 3
    sme_only: bool = False

    @property
    def fit(self) -> bool:
        """The calibration may fit this target (``role = "fit"``)."""
        return self.role == "fit"

    @property
    def when(self) -> str:
        """The quarter or years, for people (``2018Q4``, ``2019``, ``2016-2025``)."""
        if self.join_years is not None:
            a, b = self.join_years
            return f"joined {a}-{b}, {self.pre} years before, {self.post} after"
        if self.quarter is not None:
            return self.quarter
        assert self.years is not None
        a, b = self.years
        return str(a) if a == b else f"{a}-{b}"

    @property
    def all_metrics(self) -> tuple[str, ...]:
        """Every metric the target reads."""
        return tuple(dict.fromkeys((*self.metrics, *self.per)))

    def within(self, x: float) -> bool:
        """``x`` lies in the range."""
        return bool(math.isfinite(x) and self.low <= x <= self.high)

    def shortfall(self, x: float) -> float:
        """How far ``x`` lies outside the range, in units of the range's width (0 inside; inf if NaN)."""
        if not math.isfinite(x):
            return math.inf
        return max(0.0, self.low - x, x - self.high) / (self.high - self.low)

    def gap(self, x: float) -> float:
        """Distance of ``x`` from the observed value in units of the range's width."""
        return abs(x - self.value) / (self.high - self.low) if math.isfinite(x) else math.inf


@dataclass(frozen=True)
class TargetSet:
    """A validated targets file.

    Attributes:
        targets: the targets in file order.
        counterfactual: name or path of the scenario whose ``[policy]`` defines the counterfactual.
        counterfactual_description: what the counterfactual is, for people.
        path: the file.
    """

    targets: tuple[Target, ...]
    counterfactual: str = COUNTERFACTUAL
    counterfactual_description: str = ""
    path: Path | None = None

    @property
    def needs_counterfactual(self) -> bool:
        """Some target is a difference to the counterfactual."""
        return any(t.counterfactual for t in self.targets)

    @property
    def needs_panel(self) -> bool:
        """Some target is an evaluation study on the model's firms (the runs must record a panel)."""
        return any(t.study is not None for t in self.targets)

    @property
    def held_out(self) -> list[Target]:
        """The targets declared held out."""
        return [t for t in self.targets if t.role == "held_out"]

    @property
    def metrics(self) -> list[str]:
        """Every metric some target reads."""
        return list(dict.fromkeys(m for t in self.targets for m in t.all_metrics))

    def subset(self, targets: Sequence[Target]) -> TargetSet:
        """The same file with only ``targets``."""
        return dataclasses.replace(self, targets=tuple(targets))


def _metric_list(src: str, where: str, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(m, str) for m in items):
        check_key(src, where, value, "a metric name or a non-empty list of metric names")
    names = [RENAMED.get(m, m) for m in items]
    for m in names:
        check_key(src, where, m, None if m in OUTCOMES else f"not a metric; known: {', '.join(OUTCOMES)}")
    return tuple(names)


def _year(src: str, where: str, y: Any) -> int:
    ok = isinstance(y, int) and not isinstance(y, bool) and 1900 <= y <= 2200
    return int(check_key(src, where, y, None if ok else "a year like 2018"))


def _when(
    src: str, w: str, raw: dict[str, Any], transform: str, per: tuple[str, ...], per_transform: str
) -> tuple[str | None, tuple[int, int] | None]:
    """(quarter, years) of a target: exactly one of quarter, year, years."""
    given = [k for k in ("quarter", "year", "years") if k in raw]
    if len(given) != 1:
        check_key(src, w, given or None, "give exactly one of quarter = 'YYYYQn', year = Y, years = [Y0, Y1]")
    quarter: str | None = None
    years: tuple[int, int] | None = None
    if "quarter" in raw:
        q = raw["quarter"]
        if not isinstance(q, str) or not QUARTER_RE.match(q):
            check_key(src, f"{w}: quarter", q, "a quarter like '2018Q4'")
        if transform != "level" or (per and per_transform != "level"):
            check_key(
                src, f"{w}: quarter", q, "only for transform = 'level'; give year or years for mean/per_year"
            )
        quarter = q
    elif "year" in raw:
        y = _year(src, f"{w}: year", raw["year"])
        years = (y, y)
    else:
        ys = raw["years"]
        if not (isinstance(ys, list) and len(ys) == 2):
            check_key(src, f"{w}: years", ys, "[first year, last year]")
        y0, y1 = (_year(src, f"{w}: years", y) for y in ys)
        if y0 > y1:
            check_key(src, f"{w}: years", ys, "[first year, last year] with first <= last")
        years = (y0, y1)
    if years is not None and transform == "level" and years[0] != years[1]:
        check_key(src, f"{w}: years", list(years), "a level is read in one quarter; give quarter or year")
    if years is not None and transform == "level" and (not per or per_transform == "level"):
        quarter, years = f"{years[0]}Q4", None
    return quarter, years


def parse_target(src: str, i: int, raw: Any) -> Target:
    """Validate one ``[[target]]`` table.

    Raises:
        InputError: one line naming the file, the target and key, the value and what is allowed.
    """
    if not isinstance(raw, dict):
        check_key(src, f"target[{i}]", raw, "a [[target]] table")
    name = raw.get("id")
    w = f"target[{i}]" if not isinstance(name, str) else f"target {name!r}"
    if "fit" in raw:
        check_key(src, f"{w}: fit", raw["fit"], "replaced by role = 'fit' or 'held_out'")
    check_keys(src, f"{w}: ", raw, TARGET_KEYS)
    if "study" in raw:
        return _study_target(src, w, raw)
    extra = [k for k in STUDY_KEYS if k in raw]
    if extra:
        check_key(src, f"{w}: {extra[0]}", raw[extra[0]], "only for a study target (study = 'evaluation')")
    for k in REQUIRED_KEYS:
        if k not in raw:
            check_key(src, f"{w}: {k}", None, "missing (required: " + ", ".join(REQUIRED_KEYS) + ")")
    if not isinstance(name, str) or not ID_RE.match(name):
        check_key(src, f"{w}: id", name, "a short name of letters, digits, _ and -")
    for k in ("what", "source"):
        if not isinstance(raw[k], str) or not raw[k].strip():
            check_key(src, f"{w}: {k}", raw[k], "a non-empty text")
    note = raw.get("note", "")
    check_key(src, f"{w}: note", note, None if isinstance(note, str) else "a text")
    metrics = _metric_list(src, f"{w}: metric", raw["metric"])
    per = _metric_list(src, f"{w}: per", raw["per"]) if "per" in raw else ()
    transform = raw["transform"]
    check_key(src, f"{w}: transform", transform, _transform_allowed(transform))
    per_transform = raw.get("per_transform", transform)
    if "per_transform" in raw and not per:
        check_key(src, f"{w}: per_transform", per_transform, "only with per = ...")
    check_key(src, f"{w}: per_transform", per_transform, _transform_allowed(per_transform))
    for tr, ms, key in ((transform, metrics, "metric"), (per_transform, per, "per")):
        for m in ms:
            if tr == "per_year" and m not in CUMULATIVE:
                check_key(
                    src,
                    f"{w}: {key}",
                    m,
                    "per_year needs a cumulative metric: " + ", ".join(sorted(CUMULATIVE)),
                )
    quarter, years = _when(src, w, raw, transform, per, per_transform)
    cf = raw.get("counterfactual", False)
    check_key(src, f"{w}: counterfactual", cf, None if isinstance(cf, bool) else "true or false")
    value, low, high, unit, role = _observed(src, w, raw)
    return Target(
        id=name,
        what=raw["what"].strip(),
        metrics=metrics,
        transform=transform,
        quarter=quarter,
        years=years,
        per=per,
        per_transform=per_transform,
        counterfactual=cf,
        value=value,
        low=low,
        high=high,
        unit=unit,
        source=raw["source"].strip(),
        note=note.strip(),
        role=role,
    )


def _observed(src: str, w: str, raw: dict[str, Any]) -> tuple[float, float, float, str, str]:
    """(value, low, high, unit, role) of a target, checked."""
    value = raw["value"]
    check_key(src, f"{w}: value", value, None if is_number(value) else "a number")
    rng = raw["range"]
    ok = isinstance(rng, list) and len(rng) == 2 and all(is_number(x) for x in rng) and rng[0] < rng[1]
    check_key(src, f"{w}: range", rng, None if ok else "[low, high], two numbers with low < high")
    check_key(
        src, f"{w}: value", value, None if rng[0] <= value <= rng[1] else f"must lie within range = {rng}"
    )
    unit = raw["unit"]
    check_key(src, f"{w}: unit", unit, None if unit in TARGET_UNITS else f"one of {', '.join(TARGET_UNITS)}")
    role = raw.get("role", "fit")
    check_key(src, f"{w}: role", role, None if role in ROLES else "'fit' or 'held_out'")
    return float(value), float(rng[0]), float(rng[1]), unit, role


def _study_target(src: str, w: str, raw: dict[str, Any]) -> Target:
    """Validate an evaluation-study target (a difference-in-differences on the model's firms)."""
    for k in STUDY_REQUIRED_KEYS:
        if k not in raw:
            check_key(src, f"{w}: {k}", None, "missing (required: " + ", ".join(STUDY_REQUIRED_KEYS) + ")")
    for k in ("metric", "transform", "quarter", "year", "years", "per", "per_transform", "counterfactual"):
        if k in raw:
            check_key(src, f"{w}: {k}", raw[k], "not for a study target (it reads the firms, not a metric)")
    for k in ("what", "source"):
        if not isinstance(raw[k], str) or not raw[k].strip():
            check_key(src, f"{w}: {k}", raw[k], "a non-empty text")
    note = raw.get("note", "")
    check_key(src, f"{w}: note", note, None if isinstance(note, str) else "a text")
    check_key(
        src, f"{w}: study", raw["study"], None if raw["study"] in STUDIES else f"one of {', '.join(STUDIES)}"
    )
    est = raw["estimate"]
    check_key(src, f"{w}: estimate", est, None if est in ESTIMATES else f"one of {', '.join(ESTIMATES)}")
    ys = raw["join_years"]
    if not (isinstance(ys, list) and len(ys) == 2):
        check_key(src, f"{w}: join_years", ys, "[first year, last year]")
    y0, y1 = (_year(src, f"{w}: join_years", y) for y in ys)
    if y0 > y1:
        check_key(src, f"{w}: join_years", ys, "[first year, last year] with first <= last")
    pre, post = raw.get("pre", 2), raw.get("post", 3)
    for k, v in (("pre", pre), ("post", post)):
        ok = isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 20
        check_key(src, f"{w}: {k}", v, None if ok else "a whole number of years from 1 to 20")
    sme = raw.get("sme_only", False)
    check_key(src, f"{w}: sme_only", sme, None if isinstance(sme, bool) else "true or false")
    value, low, high, unit, role = _observed(src, w, raw)
    return Target(
        id=raw["id"],
        what=raw["what"].strip(),
        metrics=(),
        transform="study",
        quarter=None,
        years=(y0 - pre, y1 + post),
        per=(),
        per_transform="study",
        counterfactual=False,
        value=value,
        low=low,
        high=high,
        unit=unit,
        source=raw["source"].strip(),
        note=note.strip(),
        role=role,
        study=raw["study"],
        estimate=est,
        join_years=(y0, y1),
        pre=pre,
        post=post,
        sme_only=sme,
    )


def _transform_allowed(transform: Any) -> str | None:
    return None if transform in TRANSFORMS else f"one of {', '.join(TRANSFORMS)}"


def load_targets(path: str | Path | None = None) -> TargetSet:
    """Read and validate a targets file (default: the shipped ``clusterpolicy/data/targets.toml``).

    Raises:
        InputError: one line naming the file, the target and key, the value and what is allowed.
    """
    p = Path(path) if path is not None else TARGETS_FILE
    src = str(p)
    if not p.is_file():
        raise InputError(src, "no such targets file")
    data = read_toml(p, src)
    for k in data:
        check_key(
            src,
            k,
            data[k],
            None if k in TOP_KEYS else "unknown top-level key; allowed: [counterfactual], [[target]]",
        )
    raw_targets = data.get("target")
    if not isinstance(raw_targets, list) or not raw_targets:
        raise InputError(src, "at least one [[target]] table is required")
    targets = [parse_target(src, i, t) for i, t in enumerate(raw_targets)]
    seen: set[str] = set()
    for t in targets:
        check_key(src, "target id", t.id, "each id once" if t.id in seen else None)
        seen.add(t.id)
    cf = data.get("counterfactual", {})
    check_key(src, "counterfactual", cf, None if isinstance(cf, dict) else "a [counterfactual] table")
    check_keys(src, "counterfactual.", cf, COUNTERFACTUAL_KEYS)
    cf_name = cf.get("scenario", COUNTERFACTUAL)
    cf_desc = cf.get("description", "")
    if not isinstance(cf_name, str) or not isinstance(cf_desc, str):
        check_key(src, "counterfactual", cf, "scenario = 'name or path', description = 'text'")
    if any(t.counterfactual for t in targets):
        # resolved relative to the targets file, then by name; checked now, not mid-run
        try:
            resolve_path(cf_name, relative_to=p.parent)
        except InputError as exc:
            raise InputError(src, f"counterfactual.scenario = {cf_name!r}: {exc}") from None
    return TargetSet(tuple(targets), cf_name, cf_desc, p)

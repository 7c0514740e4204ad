"""How values are shown to people: every label and format comes from a declaration, never from a name.

An outcome's label, unit and kind are declared once in :data:`clusterpolicy.model.metrics.OUTCOMES`; a
target's unit in its targets file. :data:`FORMATS` says how each unit is shown: euros in millions, shares
in percent (and their differences in percentage points), counts as whole numbers where they are whole.
Every table, figure and report formats through :func:`format_value` (or :func:`fmt` for an outcome).

Every formatter takes ``lang`` (``en`` or ``nl``): Dutch writes ``2.214,7`` and ``€37,1 mln``; the words
(suffixes, axis labels, labels) come from :mod:`clusterpolicy.outputs.i18n`, the one place for
translations. :func:`decimals_for` picks the decimals at which an interval's width shows (so that a
narrow interval is never shown as ``± 0.0%``), and :func:`difference_text` says "the same in every run"
instead of ``+0 (+0 to +0)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from clusterpolicy.model.metrics import OUTCOMES, UNITS
from clusterpolicy.outputs import i18n

NBSP = "\u00a0"  # between a number and its unit, and inside an interval: it never breaks


@dataclass(frozen=True)
class UnitFormat:
    """How values of one unit are shown.

    Attributes:
        scale: factor applied before showing (1e-6 for euros shown in millions).
        prefix: before the number (``€``).
        suffix: after the number (``m``, ``%``).
        decimals: decimals shown; None: none for a whole number, else one.
        axis: the axis label of a figure.
        difference: how a difference of two values is shown, when not like a value (shares: points).
        long_suffix: the suffix in running text, when it differs (``percentage points``).
    """

    scale: float = 1.0
    prefix: str = ""
    suffix: str = ""
    decimals: int | None = None
    axis: str = ""
    difference: UnitFormat | None = None
    long_suffix: str | None = None


def _count(axis: str) -> UnitFormat:
    return UnitFormat(axis=axis)


_POINTS = UnitFormat(
    scale=100.0, suffix=" pts", decimals=2, axis="percentage points", long_suffix=" percentage points"
)
_MONEY = UnitFormat(scale=1e-6, prefix="€", suffix="m", decimals=1, axis="€ million")

FORMATS: dict[str, UnitFormat] = {
    # the outcomes' units (model.metrics.UNITS)
    "firms": _count("firms"),
    "memberships": _count("memberships"),
    "organisations": _count("organisations"),
    "projects": _count("projects"),
    "proposals": _count("proposals"),
    "innovations": _count("innovations"),
    "links": _count("links"),
    "EUR": _MONEY,
    "EUR/yr": UnitFormat(scale=1e-6, prefix="€", suffix="m", decimals=1, axis="€ million per year"),
    "EUR/member-yr": UnitFormat(prefix="€", decimals=0, axis="€ per member and year"),
    "share": UnitFormat(scale=100.0, suffix="%", decimals=1, axis="%", difference=_POINTS),
    "index": UnitFormat(decimals=3, axis="index"),
    "score": UnitFormat(decimals=3, axis="score (0-1)"),
    # further units of observed statistics in a targets file (inputs.targets.TARGET_UNITS)
    "count": _count("count"),
    "clusters": _count("clusters"),
    "share of GDP": UnitFormat(
        scale=100.0,
        suffix="%",
        decimals=2,
        axis="% of GDP",
        difference=UnitFormat(scale=100.0, suffix=" pts", decimals=3, axis="percentage points"),
    ),
    "points of GDP": UnitFormat(scale=100.0, suffix=" pts", decimals=3, axis="percentage points of GDP"),
    "ratio": UnitFormat(decimals=1, axis="ratio"),
    "EUR per EUR": UnitFormat(suffix=" €/€", decimals=2, axis="€ per €"),
    "points": UnitFormat(scale=100.0, suffix=" pts", decimals=1, axis="percentage points"),
}
NUMBER = UnitFormat(decimals=None, axis="outcome units")  # a value without a declared unit

assert set(UNITS) <= set(FORMATS), "every outcome unit has a format"

HEADLINE = tuple(name for name, o in OUTCOMES.items() if o.headline)


def unit_of(metric: str) -> str | None:
    """The declared unit of an outcome (None for a name that is not an outcome)."""
    o = OUTCOMES.get(metric)
    return o.unit if o is not None else None


def _format(unit: str | None, difference: bool) -> UnitFormat:
    f = FORMATS.get(unit, NUMBER) if unit is not None else NUMBER
    return f.difference if difference and f.difference is not None else f


def format_value(
    value: float | None,
    unit: str | None,
    signed: bool = False,
    *,
    difference: bool | None = None,
    long: bool = False,
    lang: str = "en",
    decimals: int | None = None,
) -> str:
    """A value of ``unit`` for people: ``€37.1m``, ``75.2%``, ``+4.99 pts``, ``2,214.7``, ``n/a``.

    Args:
        value: the value (None or NaN: ``n/a``).
        unit: a key of :data:`FORMATS` (None: a plain number).
        signed: show ``+`` before a positive value.
        difference: the value is a difference of two values (default: ``signed``); shares then show in
            percentage points.
        long: in running text (``percentage points`` instead of ``pts``).
        lang: ``en`` or ``nl`` (``2.214,7``; ``€37,1 mln``; ``+4,99 %-punt``).
        decimals: decimals to show instead of the unit's (see :func:`decimals_for`).
    """
    if value is None or not math.isfinite(float(value)):
        return i18n.text("n_a", lang)
    f = _format(unit, signed if difference is None else difference)
    v = float(value) * f.scale
    places = f.decimals if decimals is None else decimals
    sign = "-" if v < 0 else ("+" if signed else "")
    if places is None:
        body = f"{round(abs(v)):,d}" if v.is_integer() else f"{abs(v):,.1f}"
    else:
        body = f"{abs(v):,.{places}f}"
    if v < 0 and not any(ch in "123456789" for ch in body):
        sign = ""  # a small negative that shows as zero: no "-0.00"
    suffix = f.long_suffix if long and f.long_suffix is not None else f.suffix
    if lang != "en":
        body = localise_number(body, lang)
        suffix = i18n.suffix(suffix, lang)
    return f"{sign}{f.prefix}{body}{suffix}"


_DUTCH_DIGITS = str.maketrans(",.", ".,")


def localise_number(text: str, lang: str) -> str:
    """A number written the English way (``2,214.7``) in the style of ``lang`` (Dutch: ``2.214,7``)."""
    return text.translate(_DUTCH_DIGITS) if lang == "nl" else text


def decimals_for(unit: str | None, width: float, difference: bool = False) -> int | None:
    """The decimals at which ``width`` (an interval's half-width or width) shows a significant digit.

    Never fewer than the unit's own decimals, never more than 6; None (the unit's rule for whole numbers)
    when the unit's rule already shows it.
    """
    f = _format(unit, difference)
    w = abs(float(width)) * f.scale
    if not math.isfinite(w) or w == 0:
        return f.decimals
    need = max(0, math.ceil(-math.log10(w)) if w < 1 else 0)
    if f.decimals is None:
        return None if need <= 1 else min(6, need)
    return min(6, max(f.decimals, need))


def fmt(
    metric: str,
    value: float | None,
    signed: bool = False,
    *,
    difference: bool | None = None,
    long: bool = False,
    lang: str = "en",
    decimals: int | None = None,
) -> str:
    """A value of an outcome in its declared unit (see :func:`format_value`)."""
    return format_value(
        value, unit_of(metric), signed, difference=difference, long=long, lang=lang, decimals=decimals
    )


def interval_text(metric: str, mean: float, low: float, high: float, signed: bool = False) -> str:
    """``mean (low to high)`` in the outcome's unit."""
    return f"{fmt(metric, mean, signed)} ({fmt(metric, low, signed)} to {fmt(metric, high, signed)})"


def bracket_text(metric: str, effect: float, low: float, high: float) -> str:
    """``-123 [-150, -96]``: a difference and its interval in the outcome's unit."""
    return f"{fmt(metric, effect, True)} [{fmt(metric, low, True)}, {fmt(metric, high, True)}]"


def _spread_decimals(unit: str | None, low: float, high: float, difference: bool) -> int | None:
    width = (high - low) / 2 if math.isfinite(low) and math.isfinite(high) else float("nan")
    return decimals_for(unit, width, difference) if math.isfinite(width) and width > 0 else None


def value_interval(
    metric: str, mean: float, low: float, high: float, *, lang: str = "en", unit: str | None = None
) -> str:
    """``2,214.7 (2,128.1 to 2,301.3)``: a value and its interval, with enough decimals to show the width.

    Spaces are non-breaking, so the text never breaks across lines; a value that is the same in every run
    says so instead of showing an empty interval. ``unit`` replaces the outcome's declared unit.
    """
    u = unit_of(metric) if unit is None else unit
    if not math.isfinite(mean):
        return i18n.text("n_a", lang)
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        same = i18n.text("every_run", lang)
        return _keep(f"{format_value(mean, u, lang=lang)} ({same})")
    d = _spread_decimals(u, low, high, False)
    a, b, c = (format_value(x, u, lang=lang, decimals=d) for x in (mean, low, high))
    return _keep(f"{a} ({b} {i18n.text('to', lang)} {c})")


def difference_text(
    metric: str, d: float, low: float, high: float, *, lang: str = "en", unit: str | None = None
) -> str:
    """``+535.2 (+440.1 to +630.3)``: a paired difference and its interval (shares in points).

    ``no difference in any run`` for a difference that is zero in every pair (never ``+0 (+0 to +0)``);
    ``+5 (in every run)`` for one that does not vary. Spaces are non-breaking.
    """
    u = unit_of(metric) if unit is None else unit
    if not math.isfinite(d):
        return i18n.text("n_a", lang)
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        if d == 0:
            return _keep(i18n.text("no_difference", lang))
        return _keep(f"{format_value(d, u, True, lang=lang)} ({i18n.text('every_run', lang)})")
    dec = _spread_decimals(u, low, high, True)
    a, b, c = (format_value(x, u, True, lang=lang, decimals=dec) for x in (d, low, high))
    return _keep(f"{a} ({b} {i18n.text('to', lang)} {c})")


def _keep(text: str) -> str:
    """``text`` with every space non-breaking."""
    return text.replace(" ", NBSP)


def effect_text(metric: str, value: float) -> str:
    """The size of an effect (an unsigned difference) in the outcome's unit; small counts keep 3 digits."""
    unit = unit_of(metric)
    f = _format(unit, True)
    if not math.isfinite(value):
        return "n/a"
    if f.scale == 1.0 and not f.prefix and abs(value) < 10:
        return number_text(value)
    return format_value(value, unit, difference=True)


def number_text(value: float | None, digits: int = 3) -> str:
    """A dimensionless number (an index, a p-value's neighbour) with ``digits`` significant digits."""
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    v = float(value)
    return f"{v:.{digits}g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.2e}"


def p_text(p: float) -> str:
    """A p-value for people."""
    if not math.isfinite(p):
        return "n/a"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def scale(metric: str, difference: bool = False) -> float:
    """Factor to apply before plotting an outcome in its :func:`axis_label`."""
    return _format(unit_of(metric), difference).scale


def axis_label(metric: str, difference: bool = False, lang: str = "en") -> str:
    """Axis label of an outcome (of a difference of it, with ``difference``)."""
    return unit_axis(unit_of(metric), difference, lang)


def unit_axis(unit: str | None, difference: bool = False, lang: str = "en") -> str:
    """Axis label of a unit (of a difference in it, with ``difference``) in ``lang``."""
    return i18n.axis(_format(unit, difference).axis, lang)


def label(metric: str, lang: str = "en") -> str:
    """Short label of an outcome for tables and legends: its declared label, marked cumulative or yearly."""
    o = OUTCOMES.get(metric)
    if o is None:
        return metric.replace("_", " ")
    base = i18n.label(metric, lang)
    if o.kind == "cumulative":
        return f"{base} ({i18n.text('cum', lang)})"
    if o.unit == "EUR/yr":
        return f"{base} ({i18n.text('per_year', lang)})"
    return base


def plain_label(metric: str, lang: str = "en") -> str:
    """An outcome's declared label (in ``lang``) without the cumulative or yearly mark."""
    return i18n.label(metric, lang) if metric in OUTCOMES else metric.replace("_", " ")


def describe(metric: str, lang: str = "en") -> str:
    """One-line meaning of an outcome (its declaration's description), in ``lang`` where translated."""
    o = OUTCOMES.get(metric)
    return i18n.phrase(o.description, lang) if o is not None else metric


def percent_text(value: float, lang: str = "en", signed: bool = True) -> str:
    """A relative change in percent: ``+11 %``, ``-1.7 %`` (one decimal below 10 %)."""
    if not math.isfinite(value):
        return i18n.text("n_a", lang)
    body = f"{value:+.1f}" if abs(value) < 9.95 else f"{value:+.0f}"
    if not signed:
        body = body.lstrip("+")
    if lang == "nl":
        body = body.replace(".", ",")
    return f"{body}{NBSP}%"


def param_label(key: str, lang: str = "en") -> str:
    """The short label of a parameter (a dotted key) in ``lang``."""
    return i18n.label(key, lang)


# a parameter's amount of money below this shows in whole euros (``€6,340 per year``), not in millions
WHOLE_EUROS_BELOW = 1e5


def param_value(key: str, value: object, lang: str = "en") -> str:
    """A parameter's value for people, in its declared unit: ``25%``, ``€280m``, ``2 quarters``, ``jury``."""
    from clusterpolicy.model.params import field_spec

    try:
        unit = str(field_spec(key).metadata["unit"])
    except (KeyError, ValueError):
        unit = ""
    if isinstance(value, bool):
        return i18n.text("yes" if value else "no", lang)
    if isinstance(value, str):
        return i18n.choice(value, lang)
    if isinstance(value, list | tuple):
        return ", ".join(param_value(key, v, lang) for v in value)
    if not isinstance(value, int | float):
        return str(value)
    f = FORMATS.get(unit)
    if unit in ("share", "EUR", "EUR/yr") and f is not None:
        small = unit != "share" and abs(float(value)) < WHOLE_EUROS_BELOW
        v = float(value) if small else float(value) * f.scale
        body = f"{v:,.0f}" if small or abs(v) >= 1e4 else f"{v:,.4g}"
        body = localise_number(body, lang)
        tail = i18n.text("per_year", lang) if unit == "EUR/yr" else ""
        text = f"{f.prefix}{body}{'' if small else i18n.suffix(f.suffix, lang)}"
        return f"{text} {tail}".strip()
    body = f"{float(value):,.3g}" if isinstance(value, float) else f"{value:,d}"
    body = localise_number(body, lang)
    if unit == "x":
        return f"{body}×"
    words = "" if unit in ("", "-", "weight") else i18n.unit(unit, lang)
    if words and words in param_label(key, lang):
        words = ""  # the label names the unit already: "evaluation every (years)"
    return f"{body} {words}".strip()


def metrics_table() -> str:
    """The outcome dictionary as a text table: name, label, unit, kind and meaning of every outcome."""
    rows = [("name", "label", "unit", "kind", "meaning")]
    rows += [(o.name, o.label, o.unit, o.kind, o.description) for o in OUTCOMES.values()]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(f"{c:<{w}}" for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4] for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    units = "; ".join(f"{u}: {meaning}" for u, meaning in UNITS.items())
    return "\n".join([*lines, "", f"units: {units}", "a name ends in _total exactly when it is cumulative"])


# ------------------------------------------------------------------------------------ parameters
# units of parameters shown with their name after the number (a unit of FORMATS is shown by its format)
_PARAM_WORDS = {
    "quarters",
    "years",
    "domains",
    "firms",
    "clusters",
    "institutions",
    "initiatives",
    "structures",
}


def limit_value(key: str, value: float | str | bool | None, *, integer: bool | None = None) -> str:
    """A parameter's value in its declared unit: ``25.0%``, ``€110.0m``, ``2 quarters``, ``strict``.

    Args:
        key: the dotted key.
        value: the value (a number, a choice or a boolean).
        integer: show a whole number (default: when the parameter is declared an integer).
    """
    from clusterpolicy.model.params import ParameterError, field_spec, field_type

    if value is None or isinstance(value, str | bool):
        return "n/a" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    try:
        unit = str(field_spec(key).metadata["unit"])
        whole = field_type(key) is int if integer is None else integer
    except ParameterError:
        return number_text(float(value))
    v = float(value)
    if not math.isfinite(v):
        return "n/a"
    if unit in ("EUR", "EUR/yr") and abs(v) < 1e5:  # small sums in euros, not in millions
        return f"{'-' if v < 0 else ''}€{abs(v):,.0f}"
    if unit in FORMATS and unit not in ("firms", "projects", "proposals"):
        return format_value(v, unit)
    text = f"{round(v):,d}" if whole else number_text(v)
    return f"{text} {unit}" if unit in _PARAM_WORDS else text


def limit_text(key: str, low: float | None, high: float | None, *, integer: bool | None = None) -> str:
    """A box's limit on one parameter: ``from 25.0% to 40.0%``, ``at least 2 quarters``, ``at most €1m``.

    For an integer parameter the limits (which PRIM may put between two integers) are rounded inwards.
    """
    from clusterpolicy.model.params import ParameterError, field_type

    try:
        whole = field_type(key) is int if integer is None else integer
    except ParameterError:
        whole = False
    lo = math.ceil(low - 1e-9) if whole and low is not None else low
    hi = math.floor(high + 1e-9) if whole and high is not None else high
    if lo is not None and hi is not None:
        if whole and lo == hi:
            return f"= {limit_value(key, lo, integer=whole)}"
        return f"from {limit_value(key, lo, integer=whole)} to {limit_value(key, hi, integer=whole)}"
    if lo is not None:
        return f"at least {limit_value(key, lo, integer=whole)}"
    if hi is not None:
        return f"at most {limit_value(key, hi, integer=whole)}"
    return "any"

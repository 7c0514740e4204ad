"""How values are shown to people: every label and format comes from a declaration, never from a name.

An outcome's label, unit and kind are declared once in :data:`clusterpolicy.model.metrics.OUTCOMES`; a
target's unit in its targets file. :data:`FORMATS` says how each unit is shown: euros in millions, shares
in percent (and their differences in percentage points), counts as whole numbers where they are whole.
Every table, figure and report formats through :func:`format_value` (or :func:`fmt` for an outcome).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from clusterpolicy.model.metrics import OUTCOMES, UNITS


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
) -> str:
    """A value of ``unit`` for people: ``€37.1m``, ``75.2%``, ``+4.99 pts``, ``2,214.7``, ``n/a``.

    Args:
        value: the value (None or NaN: ``n/a``).
        unit: a key of :data:`FORMATS` (None: a plain number).
        signed: show ``+`` before a positive value.
        difference: the value is a difference of two values (default: ``signed``); shares then show in
            percentage points.
        long: in running text (``percentage points`` instead of ``pts``).
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    f = _format(unit, signed if difference is None else difference)
    v = float(value) * f.scale
    sign = "-" if v < 0 else ("+" if signed else "")
    if f.decimals is None:
        body = f"{round(abs(v)):,d}" if v.is_integer() else f"{abs(v):,.1f}"
    else:
        body = f"{abs(v):,.{f.decimals}f}"
    suffix = f.long_suffix if long and f.long_suffix is not None else f.suffix
    return f"{sign}{f.prefix}{body}{suffix}"


def fmt(
    metric: str,
    value: float | None,
    signed: bool = False,
    *,
    difference: bool | None = None,
    long: bool = False,
) -> str:
    """A value of an outcome in its declared unit (see :func:`format_value`)."""
    return format_value(value, unit_of(metric), signed, difference=difference, long=long)


def interval_text(metric: str, mean: float, low: float, high: float, signed: bool = False) -> str:
    """``mean (low to high)`` in the outcome's unit."""
    return f"{fmt(metric, mean, signed)} ({fmt(metric, low, signed)} to {fmt(metric, high, signed)})"


def bracket_text(metric: str, effect: float, low: float, high: float) -> str:
    """``-123 [-150, -96]``: a difference and its interval in the outcome's unit."""
    return f"{fmt(metric, effect, True)} [{fmt(metric, low, True)}, {fmt(metric, high, True)}]"


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


def axis_label(metric: str, difference: bool = False) -> str:
    """Axis label of an outcome (of a difference of it, with ``difference``)."""
    return _format(unit_of(metric), difference).axis


def label(metric: str) -> str:
    """Short label of an outcome for tables and legends: its declared label, marked cumulative or yearly."""
    o = OUTCOMES.get(metric)
    if o is None:
        return metric.replace("_", " ")
    if o.kind == "cumulative":
        return f"{o.label} (cum.)"
    if o.unit == "EUR/yr":
        return f"{o.label} (per year)"
    return o.label


def describe(metric: str) -> str:
    """One-line meaning of an outcome (its declaration's description)."""
    o = OUTCOMES.get(metric)
    return o.description if o is not None else metric


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


def param_label(key: str) -> str:
    """A parameter's declared short label (``privileged for spearheads``); the key if not declared."""
    from clusterpolicy.model.params import ParameterError, field_spec

    try:
        return str(field_spec(key).metadata["label"])
    except ParameterError:
        return key


def param_value(key: str, value: float | str | bool | None, *, integer: bool | None = None) -> str:
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
            return f"= {param_value(key, lo, integer=whole)}"
        return f"from {param_value(key, lo, integer=whole)} to {param_value(key, hi, integer=whole)}"
    if lo is not None:
        return f"at least {param_value(key, lo, integer=whole)}"
    if hi is not None:
        return f"at most {param_value(key, hi, integer=whole)}"
    return "any"

"""Lever and uncertainty widgets generated from the parameter declarations (label, unit, range).

Pure: no Solara here. :func:`lever_groups` turns every ``[policy]`` declaration into a :class:`Widget`
description (a slider, a select, a checkbox, or a fixed value), grouped as ``params.LEVER_GROUPS``
groups them; :func:`uncertainty_widgets` does the same for ``[behaviour]``. The app renders the
descriptions; :meth:`Widget.to_model` turns what a person set back into a parameter value.

Display rules, so that a slider is usable and still honest about the declared range:

- shares (unit ``share``, 0–1) are shown in % (0–100);
- money (``EUR``, ``EUR/yr``) in € m, € k or € by the size of the scenario's value;
- a declared range that is very wide for the value (``hi`` more than 20 times the value, e.g. a grant cap
  declared up to €100m with a value of €0.5m) is narrowed on the slider to a round number at least four
  times the value (and never below the value); the widget's help text gives the declared range;
- integers step by 1, other numbers by a round step of about 1/100 of the slider's span.
"""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass
from typing import Any

from clusterpolicy.model.params import (
    LEVER_GROUPS,
    Params,
    ParamSpec,
    declarations,
    quarter_index,
    quarter_label,
)
from clusterpolicy.outputs import i18n

NARROW_FACTOR = 20.0
SPREAD_FACTOR = 4.0

FLOAT = "float"
INT = "int"
SELECT = "select"
BOOL = "bool"
QUARTER = "quarter"
FIXED = "fixed"


@dataclass(frozen=True)
class Widget:
    """How one parameter is shown and set.

    Attributes:
        key: dotted parameter key.
        kind: ``float`` or ``int`` (a slider), ``select``, ``bool`` (a checkbox), ``quarter`` (a select of
            quarter labels) or ``fixed`` (shown, not set here: lists of quarters).
        label: the label in the chosen language, with the shown unit in brackets.
        help: the declaration's meaning and its declared range.
        value: the value as shown (scaled: % for shares, € m for large sums).
        min: smallest value on the slider (as shown).
        max: largest value on the slider (as shown).
        step: slider step (as shown).
        scale: model value = shown value x scale.
        options: for ``select`` and ``quarter``: the allowed model values.
        option_labels: the labels shown for ``options``.
        group: the lever group (a key of ``LEVER_GROUPS``), or None.
    """

    key: str
    kind: str
    label: str
    help: str
    value: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    scale: float = 1.0
    options: tuple[str, ...] = ()
    option_labels: tuple[str, ...] = ()
    group: str | None = None

    def to_model(self, shown: Any) -> Any:
        """The model value of a shown value (undoing the scale, casting to the declared type)."""
        if self.kind == INT:
            return round(float(shown) * self.scale)
        if self.kind == FLOAT:
            return float(f"{float(shown) * self.scale:.12g}")
        if self.kind == BOOL:
            return bool(shown)
        if self.kind in (SELECT, QUARTER):
            if shown in self.options:
                return shown
            return self.options[self.option_labels.index(shown)]
        raise ValueError(f"{self.key} is not set in the explorer")

    def shown(self, model_value: Any) -> Any:
        """The shown value of a model value (the inverse of :meth:`to_model`)."""
        return _shown(self.kind, model_value, self.scale, self.step)


def nice_up(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k that is at least ``x`` (``x`` > 0)."""
    k = math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        v = m * 10.0**k
        if v >= x * (1 - 1e-12):
            return float(f"{v:.12g}")
    return 10.0 ** (k + 1)  # pragma: no cover - the loop always returns


def nice_down(x: float) -> float:
    """The largest of 1, 2, 5 x 10^k that is at most ``x`` (``x`` > 0)."""
    k = math.floor(math.log10(x))
    for m in (5, 2, 1):
        v = m * 10.0**k
        if v <= x * (1 + 1e-12):
            return float(f"{v:.12g}")
    return 10.0 ** (k - 1)  # pragma: no cover


def _decimals(step: float | None) -> int:
    if not step or step >= 1:
        return 0
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _shown(kind: str, value: Any, scale: float, step: float | None) -> Any:
    if kind == INT:
        return round(value / scale)
    if kind == FLOAT:
        return round(value / scale, _decimals(step) + 2)
    return value


def _money_scale(spec: ParamSpec, value: float, lang: str) -> tuple[float, str]:
    ref = abs(value) or max(abs(spec.lo or 0.0), abs(spec.hi or 0.0))
    if ref >= 1e6:
        scale, shown = 1e6, ("€ mln" if lang == "nl" else "€ m")
    elif ref >= 1e3:
        scale, shown = 1e3, "€ k"
    else:
        scale, shown = 1.0, "€"
    if spec.unit == "EUR/yr":
        shown += "/" + ("jaar" if lang == "nl" else "yr")
    return scale, shown


def _fmt_bound(x: float, spec: ParamSpec, lang: str) -> str:
    if spec.unit == "share":
        return f"{x * 100:g} %"
    if spec.unit in ("EUR", "EUR/yr"):
        scale, shown = _money_scale(spec, abs(x), lang)
        return f"{x / scale:g} {shown}"
    return f"{x:g}"


def widget_for(spec: ParamSpec, value: Any, params: Params, lang: str = i18n.DEFAULT_LANG) -> Widget:
    """The widget of one parameter, given the scenario's value.

    Args:
        spec: the parameter's declaration.
        value: its value in the scenario the explorer starts from.
        params: the whole scenario (for the quarters a quarter select offers).
        lang: ``en`` or ``nl``.
    """
    name = i18n.label(spec.key, lang)
    doc = spec.doc if lang == "en" else name
    tp = spec.type
    key, group = spec.key, spec.group
    if tp is bool:
        return Widget(kind=BOOL, label=name, help=doc, value=bool(value), key=key, group=group)
    if spec.choices:
        labels = tuple(i18n.choice(c, lang) for c in spec.choices)
        return Widget(
            kind=SELECT,
            label=name,
            help=doc,
            value=value,
            options=tuple(spec.choices),
            option_labels=labels,
            key=key,
            group=group,
        )
    if typing.get_origin(tp) is tuple:
        shown = ", ".join(value)
        return Widget(
            kind=FIXED,
            label=name,
            help=f"{doc} {i18n.text('fixed_here', lang)}",
            value=shown,
            key=key,
            group=group,
        )
    if tp is str:  # a quarter
        sim = params.simulation
        first = quarter_index(sim.start) - sim.burn_in_quarters
        options = [quarter_label(i) for i in range(first, quarter_index(sim.start) + sim.quarters + 1)]
        if value not in options:
            options.append(value)
        return Widget(
            kind=QUARTER,
            label=name,
            help=doc,
            value=value,
            options=tuple(options),
            option_labels=tuple(options),
            key=key,
            group=group,
        )
    # numbers: a slider
    lo = float(spec.lo) if spec.lo is not None else 0.0
    hi = float(spec.hi) if spec.hi is not None else max(1.0, 4 * abs(float(value)))
    declared = (lo, hi)
    v = float(value)
    if v > 0 and hi > NARROW_FACTOR * v:
        hi = max(nice_up(SPREAD_FACTOR * v), v)
        if tp is int:
            hi = max(math.ceil(hi), lo + 1)
    scale, unit_shown = 1.0, i18n.unit(spec.unit, lang)
    if spec.unit == "share":
        scale, unit_shown = 0.01, "%"
    elif spec.unit in ("EUR", "EUR/yr"):
        scale, unit_shown = _money_scale(spec, v, lang)
    help_text = i18n.text(
        "declared_range",
        lang,
        doc=doc,
        lo=_fmt_bound(declared[0], spec, lang),
        hi=_fmt_bound(declared[1], spec, lang),
    )
    label_text = f"{name} ({unit_shown})" if unit_shown and f"({unit_shown})" not in name else name
    if tp is int:
        return Widget(
            kind=INT,
            label=label_text,
            help=help_text,
            value=round(v),
            min=int(lo),
            max=int(hi),
            step=1,
            key=key,
            group=group,
        )
    smin, smax = lo / scale, hi / scale
    step = nice_down((smax - smin) / 100.0) if smax > smin else 1.0
    return Widget(
        kind=FLOAT,
        label=label_text,
        help=help_text,
        value=_shown(FLOAT, v, scale, step),
        min=float(f"{smin:.12g}"),
        max=float(f"{smax:.12g}"),
        step=step,
        scale=scale,
        key=key,
        group=group,
    )


def lever_groups(params: Params, lang: str = i18n.DEFAULT_LANG) -> dict[str, list[Widget]]:
    """Every lever's widget, grouped by ``LEVER_GROUPS`` (in that order), from ``params``' values."""
    out: dict[str, list[Widget]] = {g: [] for g in LEVER_GROUPS}
    for spec in declarations():
        if spec.is_lever:
            if spec.group not in out:
                raise ValueError(f"lever {spec.key} has no group of LEVER_GROUPS")
            out[spec.group].append(widget_for(spec, params.get(spec.key), params, lang))
    return out


def uncertainty_widgets(params: Params, lang: str = i18n.DEFAULT_LANG) -> list[Widget]:
    """The widget of every behavioural uncertainty (``[behaviour]``), from ``params``' values."""
    return [
        widget_for(spec, params.get(spec.key), params, lang)
        for spec in declarations()
        if spec.section == "behaviour"
    ]

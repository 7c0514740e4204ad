"""Hypothesis files: a lever, the values compared with a reference value, and the expected outcomes.

A *hypothesis file* (TOML, shipped ones in ``clusterpolicy/data/hypotheses/``; the format is documented in
``docs/hypotheses.md``) names a base scenario, one lever and its values, the reference value, the outcomes
with their expected direction, the replications, a root seed, the significance level α and the
multiple-testing correction. :func:`load_hypothesis` validates it and resolves the parameters of every
value; the tests themselves are in :mod:`clusterpolicy.analysis.hypothesis`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusterpolicy.inputs.checks import MAX_SEED, allowed_number, check_key, check_keys, check_text
from clusterpolicy.inputs.errors import InputError, argument_error
from clusterpolicy.inputs.files import HYPOTHESIS_DIR, display_path, read_toml, toml_names
from clusterpolicy.inputs.limits import design_size_problem
from clusterpolicy.inputs.scenario import (
    OVERRIDES,
    Overrides,
    load_scenario,
    override_items,
    reason,
    unknown_key,
)
from clusterpolicy.model.metrics import OUTCOMES
from clusterpolicy.model.params import SECTIONS, ParameterError, Params, coerce_value, field_spec

SCENARIO_LEVER = "scenario"
EXPECTED = ("increase", "decrease", "no decrease", "no increase")
FLIPPED = {
    "increase": "decrease",
    "decrease": "increase",
    "no decrease": "no increase",
    "no increase": "no decrease",
}
CORRECTIONS = ("bonferroni", "bh", "none")
TOP_KEYS = ("hypothesis", "fixed", "outcome")
HYPOTHESIS_KEYS = (
    "id",
    "title",
    "statement",
    "source",
    "base",
    "lever",
    "values",
    "reference",
    "replications",
    "seed",
    "alpha",
    "correction",
)
REQUIRED_KEYS = ("id", "title", "lever", "values", "reference", "replications")
OUTCOME_KEYS = ("metric", "expected", "margin", "why")


@dataclass(frozen=True)
class Expectation:
    """One outcome of a hypothesis and what is expected of it.

    Attributes:
        metric: an outcome of ``model.metrics.OUTCOMES`` (its last-quarter value is compared).
        expected: ``increase``/``decrease`` (as the lever rises, or from the reference to the other
            values of a non-numeric lever), or ``no decrease``/``no increase`` by more than ``margin``.
        margin: the largest change in the feared direction still counted as "no change" (the metric's
            units; only for ``no decrease``/``no increase``).
        why: a note for people (where the expectation comes from).
    """

    metric: str
    expected: str
    margin: float = 0.0
    why: str = ""


@dataclass(frozen=True)
class HypothesisSpec:
    """A validated hypothesis file, with the parameters of every value of the lever resolved.

    ``parameter_sets[i]`` are the parameters at ``values[i]``.
    """

    id: str
    title: str
    statement: str
    source: str
    path: Path | None
    base: str | None
    lever: str
    values: tuple[Any, ...]
    reference: Any
    fixed: dict[str, Any]
    replications: int
    seed: int
    alpha: float
    correction: str
    outcomes: tuple[Expectation, ...]
    parameter_sets: tuple[Params, ...]
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        """The lever takes numbers (so "increase" means "rises with the lever")."""
        return self.lever != SCENARIO_LEVER and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in self.values
        )

    @property
    def labels(self) -> list[str]:
        """The values' labels, in file order."""
        return [value_label(v) for v in self.values]

    @property
    def reference_label(self) -> str:
        """Label of the reference value."""
        return value_label(self.reference)

    @property
    def comparisons(self) -> list[Any]:
        """The values compared with the reference, in file order."""
        return [v for v in self.values if value_label(v) != self.reference_label]

    def comparison_text(self, value: Any) -> str:
        """``0.2 vs 0`` -- how a comparison is named in tables."""
        return f"{value_label(value)} vs {self.reference_label}"

    def flipped(self, value: Any) -> bool:
        """A numeric lever's value below the reference: the expected direction turns round."""
        return self.numeric and value < self.reference

    def expected_for(self, outcome: Expectation, value: Any) -> str:
        """The expected direction of the effect (value − reference) of this comparison."""
        return FLIPPED[outcome.expected] if self.flipped(value) else outcome.expected


def value_label(value: Any) -> str:
    """A lever value for people: ``0.2``, ``2.8e+08``, ``jury``, ``true``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(value_label(v) for v in value) + "]"
    return str(value)


def available_hypotheses() -> list[str]:
    """Names of the shipped hypothesis files."""
    return toml_names([HYPOTHESIS_DIR])


def resolve_hypothesis_path(name_or_path: str | Path) -> Path:
    """The file of a hypothesis given by path, by shipped name (``H3_crowding_out``) or by id (``H3``).

    Raises:
        InputError: when there is no such file (the message lists the shipped names).
    """
    text = str(name_or_path)
    for c in (Path(text), HYPOTHESIS_DIR / f"{text}.toml"):
        if c.is_file():
            return c
    matches = [n for n in available_hypotheses() if n.split("_")[0].lower() == text.lower()]
    if len(matches) == 1:
        return HYPOTHESIS_DIR / f"{matches[0]}.toml"
    raise InputError(
        text, f"no such hypothesis file or name; shipped hypotheses: {', '.join(available_hypotheses())}"
    )


def load_hypothesis(
    name_or_path: str | Path,
    overrides: Overrides = None,
    replications: int | None = None,
    seed: int | None = None,
) -> HypothesisSpec:
    """Read, validate and resolve a hypothesis file.

    Args:
        name_or_path: a path, or the name (or id, e.g. ``H3``) of a shipped file.
        overrides: overrides applied at every value (after ``[fixed]``); not the lever.
        replications: replace the file's replications.
        seed: replace the file's root seed.

    Raises:
        InputError: one line naming the file (or argument), the key, the value and what is allowed.
    """
    path = resolve_hypothesis_path(name_or_path)
    src = display_path(path)
    data = read_toml(path, src)
    for key in data:
        if key not in TOP_KEYS:
            raise InputError(
                src,
                f"{key} = {data[key]!r}: unknown top-level key; allowed: [hypothesis], [fixed], [[outcome]]",
            )
    h = data.get("hypothesis")
    if not isinstance(h, dict):
        raise InputError(src, "a [hypothesis] table is required")
    check_keys(src, "hypothesis.", h, HYPOTHESIS_KEYS)
    for key in REQUIRED_KEYS:
        if key not in h:
            raise InputError(src, f"hypothesis.{key}: missing (required: {', '.join(REQUIRED_KEYS)})")
    hid = check_text(src, "hypothesis.id", h["id"])
    reps = _number(src, "hypothesis.replications", h["replications"], 2, math.inf, integer=True)
    if replications is not None:
        reps = _argument("replications", replications, 2, math.inf)
    root = _number(src, "hypothesis.seed", h.get("seed", 1), 0, MAX_SEED, integer=True)
    if seed is not None:
        root = _argument("seed", seed, 0, MAX_SEED)
    correction = h.get("correction", "bonferroni")
    if correction not in CORRECTIONS:
        check_key(
            src, "hypothesis.correction", correction, f"one of {', '.join(repr(c) for c in CORRECTIONS)}"
        )
    lever, values, reference, base = _lever(src, h)
    too_many = design_size_problem(len(values), reps)
    if too_many is not None:
        if replications is not None:
            raise argument_error("replications", reps, too_many)
        check_key(src, "hypothesis.replications", reps, too_many)
    fixed_raw = data.get("fixed", {})
    if not isinstance(fixed_raw, dict):
        raise InputError(src, f"fixed = {fixed_raw!r}: must be a table [fixed]")
    fixed = {k: _check_param(src, "fixed: ", k, v) for k, v in _flatten(fixed_raw).items()}
    if lever in fixed:
        raise InputError(src, f"fixed: {lever} = {fixed[lever]!r}: the lever cannot also be fixed")
    applied = {k: _check_param(OVERRIDES, "", k, v, argument=True) for k, v in override_items(overrides)}
    if lever in applied:
        raise InputError(
            OVERRIDES, f"{lever} = {applied[lever]!r}: the lever of {hid} cannot be overridden", argument=True
        )
    return HypothesisSpec(
        id=hid,
        title=check_text(src, "hypothesis.title", h["title"]),
        statement=str(h.get("statement", "")),
        source=str(h.get("source", "")),
        path=path,
        base=base,
        lever=lever,
        values=tuple(values),
        reference=reference,
        fixed=fixed,
        replications=reps,
        seed=root,
        alpha=_number(src, "hypothesis.alpha", h.get("alpha", 0.05), 0, 1, integer=False, open_=True),
        correction=correction,
        outcomes=_outcomes(src, data.get("outcome")),
        parameter_sets=tuple(_resolve(src, base, lever, values, {**fixed, **applied}, path.parent)),
        overrides=applied,
    )


def _lever(src: str, h: dict[str, Any]) -> tuple[str, list[Any], Any, str | None]:
    """The lever, its values (canonical), the reference (one of them) and the base scenario."""
    lever = h["lever"]
    if not isinstance(lever, str):
        check_key(src, "hypothesis.lever", lever, "a parameter key like policy.privileged_share")
    raw_values = h["values"]
    if not isinstance(raw_values, list) or len(raw_values) < 2:
        check_key(src, "hypothesis.values", raw_values, "a list of at least two values")
    base: str | None
    if lever == SCENARIO_LEVER:
        if "base" in h:
            check_key(
                src,
                "hypothesis.base",
                h["base"],
                "not used when lever = 'scenario' (the values are scenarios)",
            )
        values = [check_text(src, "hypothesis.values", v) for v in raw_values]
        reference = h["reference"]
        base = None
    else:
        if "base" not in h:
            raise InputError(src, "hypothesis.base: missing; the scenario the lever is turned in")
        base = check_text(src, "hypothesis.base", h["base"])
        _check_param(src, "hypothesis.lever: ", lever, raw_values[0])
        values = [_check_param(src, "hypothesis.values: ", lever, v) for v in raw_values]
        try:
            reference = coerce_value(lever, h["reference"])
        except ParameterError:
            reference = h["reference"]
    labels = [value_label(v) for v in values]
    dup = sorted({x for x in labels if labels.count(x) > 1})
    if dup:
        check_key(src, "hypothesis.values", raw_values, f"{dup[0]} is given twice; give each once")
    if value_label(reference) not in labels or isinstance(reference, list | dict):
        check_key(
            src, "hypothesis.reference", h["reference"], f"must be one of the values ({', '.join(labels)})"
        )
    return lever, values, values[labels.index(value_label(reference))], base


def _outcomes(src: str, outs_raw: Any) -> tuple[Expectation, ...]:
    """The ``[[outcome]]`` tables, validated."""
    if not isinstance(outs_raw, list) or not outs_raw or not all(isinstance(o, dict) for o in outs_raw):
        raise InputError(src, "at least one [[outcome]] table with metric and expected is required")
    outcomes = []
    seen: set[str] = set()
    for i, o in enumerate(outs_raw, start=1):
        where = f"outcome {i}"
        check_keys(src, f"{where}: ", o, OUTCOME_KEYS)
        for key in ("metric", "expected"):
            if key not in o:
                raise InputError(src, f"{where}: {key}: missing (required: metric, expected)")
        metric = o["metric"]
        if metric not in OUTCOMES:
            check_key(src, f"{where}: metric", metric, f"unknown metric; known: {', '.join(OUTCOMES)}")
        if metric in seen:
            check_key(src, f"{where}: metric", metric, "given twice; give each outcome once")
        seen.add(metric)
        expected = o["expected"]
        if expected not in EXPECTED:
            check_key(src, f"{where}: expected", expected, f"one of {', '.join(repr(e) for e in EXPECTED)}")
        margin = 0.0
        if expected.startswith("no "):
            if "margin" not in o:
                raise InputError(
                    src,
                    f"{where}: margin: missing; expected = {expected!r} needs a margin > 0 "
                    "in the metric's units",
                )
            margin = _number(src, f"{where}: margin", o["margin"], 0, math.inf, integer=False, open_=True)
        elif "margin" in o:
            check_key(
                src,
                f"{where}: margin",
                o["margin"],
                "only for expected = 'no decrease' or 'no increase' "
                "(an increase or decrease is tested against 0)",
            )
        outcomes.append(Expectation(metric, expected, margin, str(o.get("why", ""))))
    return tuple(outcomes)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"policy": {"x": 1}}`` and ``{"policy.x": 1}`` both become ``{"policy.x": 1}``."""
    out: dict[str, Any] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, f"{key}."))
        else:
            out[key] = v
    return out


def _check_param(src: str, where: str, key: str, value: Any, argument: bool = False) -> Any:
    """Validate one dotted parameter key and value; returns the canonical value."""
    sec = key.partition(".")[0]
    if sec not in SECTIONS or "." not in key:
        raise InputError(
            src,
            f"{where}{key} = {value!r}: not a parameter; keys look like policy.privileged_share",
            argument=argument,
        )
    try:
        field_spec(key)
    except ParameterError:
        raise InputError(src, f"{where}{key} = {value!r}: {unknown_key(key)}", argument=argument) from None
    try:
        return coerce_value(key, value)
    except ParameterError as exc:
        raise InputError(src, f"{where}{exc}", argument=argument) from None


def _number(
    src: str, key: str, value: Any, lo: float, hi: float, *, integer: bool, open_: bool = False
) -> Any:
    """A number from the file in a range; an int if ``integer``."""
    check_key(src, key, value, allowed_number(value, lo, hi, integer=integer, open_=open_))
    return int(value) if integer else float(value)


def _argument(name: str, value: Any, lo: float, hi: float) -> int:
    """A whole-number argument in a range."""
    why = allowed_number(value, lo, hi, integer=True)
    if why is not None:
        raise argument_error(name, value, why)
    return int(value)


def _near(name: str, folder: Path) -> str | Path:
    """A scenario named in a hypothesis file: a file next to it if there is one, else the name."""
    for candidate in (folder / name, folder / f"{name}.toml"):
        if candidate.is_file() and folder != HYPOTHESIS_DIR:
            return candidate
    return name


def _resolve(
    src: str, base: str | None, lever: str, values: list[Any], settings: dict[str, Any], folder: Path
) -> list[Params]:
    """The parameters at every value of the lever."""
    if lever == SCENARIO_LEVER:
        out = []
        for name in values:
            try:
                sc = load_scenario(_near(name, folder))
            except InputError as exc:
                raise InputError(src, f"hypothesis.values: {reason(exc, name)}") from None
            out.append(_apply(src, sc.params, settings, f"with scenario {name!r}: "))
        return out
    assert base is not None
    try:
        base_sc = load_scenario(_near(base, folder))
    except InputError as exc:
        why = exc.message.removeprefix(f"{base!r}: ") if exc.argument else str(exc)
        raise InputError(src, f"hypothesis.base = {base!r}: {why}") from None
    return [
        _apply(src, base_sc.params, {**settings, lever: v}, f"at {lever} = {v!r}: ", lever) for v in values
    ]


def _apply(src: str, params: Params, settings: dict[str, Any], where: str, lever: str = "") -> Params:
    """Apply settings; a rule that involves more than one key may still fail (one line, naming both)."""
    try:
        return params.replace(**settings)
    except ParameterError as exc:
        where = "hypothesis.values: " if exc.key == lever else where
        raise InputError(src, f"{where}{exc}") from None

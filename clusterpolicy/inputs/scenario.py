"""Scenario files (TOML) -> validated, frozen parameters, with errors people can act on.

A scenario file has the tables ``[simulation]``, ``[population]``, ``[policy]`` and ``[behaviour]`` and
may ``extends = "other_scenario"`` to start from another file and override a few keys. A scenario is
named by its path or by its name in a scenario folder (:func:`~clusterpolicy.inputs.files.scenario_dirs`:
the user's folders of ``CLUSTERPOLICY_SCENARIOS``, then the shipped ones). Overrides
(``{"policy.privileged_share": 0.5}`` or ``["policy.privileged_share=0.5"]``) are applied last. Every
problem raises :class:`~clusterpolicy.inputs.errors.InputError`, whose message is one line naming the file
(or the ``overrides`` argument), the key, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusterpolicy.inputs.checks import check_key, check_name
from clusterpolicy.inputs.errors import InputError, InputWarning, warn
from clusterpolicy.inputs.files import (
    COUNTERFACTUAL,
    display_path,
    find_file,
    read_toml,
    scenario_dirs,
    toml_names,
)
from clusterpolicy.model.params import (
    SECTIONS,
    ParameterError,
    Params,
    all_keys,
    coerce_value,
    field_spec,
    params_from_dict,
    quarter_index,
    quarter_label,
)

TOP_LEVEL_KEYS = ("name", "description", "extends", *SECTIONS)
OVERRIDES = "overrides"  # the argument that holds overrides, named in their errors
BASELINE = "concept_note_2015"  # the scenario that sets every key, which a partial file should extend
YEARS = (1900, 2200)  # the years a horizon may lie in (those of the observed R&D-intensity path)
HIGH_RD_INTENSITY = 0.10  # business R&D above this share of GDP is far beyond any economy's (about 6 %)


class ScenarioWarning(InputWarning):
    """A scenario that is valid but probably not meant (e.g. every call outside the horizon)."""


def unknown_key(key: str) -> str:
    """What to say about an unknown dotted key: the nearest valid keys."""
    keys = all_keys()
    near = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
    if not near:
        sec, _, name = key.partition(".")
        names = {k.partition(".")[2]: k for k in keys if k.startswith(f"{sec}.")} or {
            k.partition(".")[2]: k for k in keys
        }
        near = [names[n] for n in difflib.get_close_matches(name, list(names), n=3, cutoff=0.6)]
    hint = f"did you mean {' or '.join(near)}?" if near else f"keys look like {keys[0]}"
    return f"unknown key; {hint} (every key: clusterpolicy check {BASELINE})"


Overrides = list[str] | dict[str, Any] | None


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: its name, file, description and validated parameters."""

    name: str
    path: Path | None
    description: str
    params: Params
    overrides: dict[str, Any] = field(default_factory=dict)


def available() -> list[str]:
    """Names of the scenarios in the scenario folders."""
    return toml_names(scenario_dirs())


def resolve_path(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """The file of a scenario named by path or by name (next to ``relative_to`` first, if given).

    Raises:
        InputError: when no such file exists (the message lists the known names).
    """
    text = str(name_or_path)
    if relative_to is not None:
        for c in (relative_to / text, relative_to / f"{text}.toml"):
            if c.is_file():
                return c
    return find_file(text, scenario_dirs(), "scenario", f"known scenarios: {', '.join(available())}")


def _load_raw(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """Merged raw tables of a file and the files it extends, and which file set each key."""
    src = display_path(path)
    if path.resolve() in chain:
        raise InputError(src, "extends itself (a cycle of 'extends')")
    data = read_toml(path)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise InputError(
                src,
                f"{key} = {data[key]!r}: unknown top-level key; allowed: {', '.join(TOP_LEVEL_KEYS)}",
            )
    merged: dict[str, Any] = {sec: {} for sec in SECTIONS}
    origin: dict[str, str] = {}
    if "extends" in data:
        base_name = data["extends"]
        if not isinstance(base_name, str):
            raise InputError(src, f"extends = {base_name!r}: the name or path of a scenario")
        try:
            base_path = resolve_path(base_name, relative_to=path.parent)
        except InputError as exc:
            raise InputError(src, f"extends = {base_name!r}: {exc}") from None
        merged, origin = _load_raw(base_path, (*chain, path.resolve()))
    for sec in SECTIONS:
        if sec not in data:
            continue
        table = data[sec]
        if not isinstance(table, dict):
            raise InputError(src, f"{sec} = {table!r}: must be a table [{sec}]")
        for key, value in table.items():
            merged[sec][key] = value
            origin[f"{sec}.{key}"] = src
    return merged, origin


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``section.key=value`` (the value in TOML syntax; a bare word is a string).

    Raises:
        InputError: when the text is not of that form.
    """
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or "." not in key or not value.strip():
        raise InputError(
            OVERRIDES,
            f"{text!r}: expected SECTION.KEY=VALUE, e.g. policy.privileged_share=0.5",
            argument=True,
        )
    try:
        parsed = tomllib.loads(f"v = {value.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value.strip()
    return key, parsed


def override_items(overrides: Overrides) -> list[tuple[str, Any]]:
    """Overrides as (dotted key, value) pairs, whichever way they were given."""
    if isinstance(overrides, dict):
        return list(overrides.items())
    return [parse_override(o) for o in overrides or []]


def load_scenario(name_or_path: str | Path, overrides: Overrides = None) -> Scenario:
    """Load, merge, override and validate a scenario.

    Args:
        name_or_path: a path to a TOML file, or the name of a file in a scenario folder.
        overrides: ``["policy.privileged_share=0.5", ...]`` or ``{"policy.privileged_share": 0.5}``.

    Raises:
        InputError: for any bad input, naming the file (or ``overrides``), key, value and what is allowed.
    """
    path = _resolve_argument(name_or_path, "scenario")
    merged, origin = _load_raw(path, ())
    top = read_toml(path)
    src = display_path(path)
    name = check_name(src, "name", top["name"]) if "name" in top else path.stem
    if not isinstance(top.get("description", ""), str):
        check_key(src, "description", top["description"], "a string")
    for key in origin:  # unknown keys first: a misspelt key is what the user should hear about
        try:
            field_spec(key)
        except ParameterError:
            raise InputError(origin[key], f"{key} = {_get(merged, key)!r}: {unknown_key(key)}") from None
    applied: dict[str, Any] = {}
    for key, value in override_items(overrides):
        sec, _, field_name = key.partition(".")
        if sec not in SECTIONS:
            raise InputError(
                OVERRIDES,
                f"{key} = {value!r}: unknown table {sec!r}; allowed: {', '.join(SECTIONS)}",
                argument=True,
            )
        try:
            field_spec(key)
        except ParameterError:
            raise InputError(OVERRIDES, f"{key} = {value!r}: {unknown_key(key)}", argument=True) from None
        try:
            coerce_value(key, value)
        except ParameterError as exc:
            raise InputError(OVERRIDES, str(exc), argument=True) from None
        merged[sec][field_name] = value
        applied[key] = value
    try:
        params = params_from_dict(merged)
    except ParameterError as exc:
        if exc.key in applied:
            raise InputError(OVERRIDES, str(exc), argument=True) from None
        message = str(exc)
        if exc.allowed.startswith("missing") and "extends" not in top:
            message += f"; a file that sets only some keys should start with extends = {BASELINE!r}"
        raise InputError(origin.get(exc.key, src), message) from None
    check_meaningful(params, origin, src, applied)
    return Scenario(
        name=name,
        path=path,
        description=str(top.get("description", "")),
        params=params,
        overrides=applied,
    )


def _resolve_argument(name_or_path: str | Path, argument: str, relative_to: Path | None = None) -> Path:
    """:func:`resolve_path` for a scenario given as an argument: its error names the argument."""
    try:
        return resolve_path(name_or_path, relative_to)
    except InputError as exc:
        raise InputError(argument, f"{str(name_or_path)!r}: {exc.message}", argument=True) from None


def _get(merged: dict[str, Any], key: str) -> Any:
    sec, _, name = key.partition(".")
    return merged.get(sec, {}).get(name)


def check_meaningful(
    params: Params, origin: dict[str, str], src: str, applied: dict[str, Any] | None = None
) -> None:
    """Rules across keys that make a scenario meaningless (errors) or probably not meant (warnings).

    Raises:
        InputError: a horizon outside the years the model's R&D path covers.
    """
    applied = applied or {}

    def where(key: str) -> tuple[str, bool]:
        return (OVERRIDES, True) if key in applied else (origin.get(key, src), False)

    sim, pol, pop = params.simulation, params.policy, params.population
    first = quarter_index(sim.start)
    last = first + sim.quarters - 1
    if not (YEARS[0] <= first // 4 and last // 4 <= YEARS[1]):
        source, arg = where("simulation.start")
        raise InputError(
            source,
            f"simulation.start = {sim.start!r}: the horizon ({sim.quarters} quarters) must lie within "
            f"{YEARS[0]}Q1-{YEARS[1]}Q4, the years the model's R&D-intensity path covers",
            argument=arg,
        )
    span = f"{sim.start}-{quarter_label(last)}"
    calls = [("policy.ibn_call_quarters", pol.ibn_call_quarters)]
    if pol.spearhead_recognition == "call":
        calls.append(("policy.spearhead_call_quarters", pol.spearhead_call_quarters))
    for key, quarters in calls if pol.enabled else []:
        if quarters and all(not first <= quarter_index(q) <= last for q in quarters):
            source, arg = where(key)
            message = f"{key} = {list(quarters)}: every call lies outside the horizon {span}, so none is held"
            warn(ScenarioWarning(source, message, argument=arg))
    intensity = pop.business_rd / pop.gdp
    if intensity > HIGH_RD_INTENSITY:
        source, arg = where("population.business_rd")
        message = (
            f"population.business_rd = {pop.business_rd:g} is {intensity:.0%} of population.gdp "
            f"({pop.gdp:g}); no economy spends more than about 6 % of GDP on R&D"
        )
        warn(ScenarioWarning(source, message, argument=arg))


def reason(exc: InputError, value: Any) -> str:
    """An error about ``value`` to quote inside another file's error (``'x': no such scenario ...``)."""
    return exc.message if exc.argument else f"{value!r}: {exc}"


def counterfactual(
    scenario: Scenario, name_or_path: str | Path = COUNTERFACTUAL, relative_to: Path | None = None
) -> Scenario:
    """The counterfactual of a scenario: the other scenario's ``[policy]`` in this scenario's world.

    ``[simulation]``, ``[population]`` and ``[behaviour]`` come from ``scenario`` (the same economy and the
    same behaviour); ``[policy]`` comes from the counterfactual (default ``no_cluster_policy``: the policy
    off, the regular open pot of the concept note), loaded with the scenario's own overrides, so that an
    override of a policy key applies to both.
    """
    other = load_scenario(_resolve_argument(name_or_path, "counterfactual", relative_to), scenario.overrides)
    data = scenario.params.to_dict()
    data["policy"] = other.params.to_dict()["policy"]
    try:
        params = params_from_dict(data)
    except ParameterError as exc:  # pragma: no cover - both halves are valid on their own
        raise InputError(str(name_or_path), str(exc)) from None
    return Scenario(other.name, other.path, other.description, params, dict(scenario.overrides))


def toml_value(v: Any) -> str:
    """A value in TOML syntax."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, float):
        return repr(v) if abs(v) < 1e6 or v != int(v) else f"{v:.6g}".replace("+", "")
    return str(v)


def to_toml(params: Params, comments: bool = True, header: str = "") -> str:
    """Write parameters as a complete scenario file (each key with its unit and meaning)."""
    lines = [header.rstrip()] if header else []
    for sec, values in params.to_dict().items():
        lines.append(f"\n[{sec}]")
        for name, value in values.items():
            text = f"{name} = {toml_value(value)}"
            if comments:
                md = field_spec(f"{sec}.{name}").metadata
                text = f"{text:<44} # {md['doc']} [{md['unit']}]"
            lines.append(text)
    return "\n".join(lines).lstrip("\n") + "\n"

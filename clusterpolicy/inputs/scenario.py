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

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusterpolicy.inputs.errors import InputError
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
    coerce_value,
    field_spec,
    params_from_dict,
)

TOP_LEVEL_KEYS = ("name", "description", "extends", *SECTIONS)
OVERRIDES = "overrides"  # the argument that holds overrides, named in their errors

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
    path = resolve_path(name_or_path)
    merged, origin = _load_raw(path, ())
    top = read_toml(path)
    applied: dict[str, Any] = {}
    for key, value in override_items(overrides):
        sec, _, name = key.partition(".")
        if sec not in SECTIONS:
            raise InputError(
                OVERRIDES,
                f"{key} = {value!r}: unknown table {sec!r}; allowed: {', '.join(SECTIONS)}",
                argument=True,
            )
        try:
            coerce_value(key, value)
        except ParameterError as exc:
            raise InputError(OVERRIDES, str(exc), argument=True) from None
        merged[sec][name] = value
        applied[key] = value
    try:
        params = params_from_dict(merged)
    except ParameterError as exc:
        if exc.key in applied:
            raise InputError(OVERRIDES, str(exc), argument=True) from None
        raise InputError(origin.get(exc.key, display_path(path)), str(exc)) from None
    return Scenario(
        name=str(top.get("name", path.stem)),
        path=path,
        description=str(top.get("description", "")),
        params=params,
        overrides=applied,
    )


def counterfactual(
    scenario: Scenario, name_or_path: str | Path = COUNTERFACTUAL, relative_to: Path | None = None
) -> Scenario:
    """The counterfactual of a scenario: the other scenario's ``[policy]`` in this scenario's world.

    ``[simulation]``, ``[population]`` and ``[behaviour]`` come from ``scenario`` (the same economy and the
    same behaviour); ``[policy]`` comes from the counterfactual (default ``no_cluster_policy``: the policy
    off, the regular open pot of the concept note), loaded with the scenario's own overrides, so that an
    override of a policy key applies to both.
    """
    other = load_scenario(resolve_path(name_or_path, relative_to=relative_to), scenario.overrides)
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

"""Scenario files (TOML) -> validated, frozen parameters, with errors people can act on.

A scenario file has the tables ``[simulation]``, ``[population]``, ``[policy]`` and ``[behaviour]`` and
may ``extends = "other_scenario"`` to start from another file and override a few keys. A scenario is
named by its path or by its name in ``scenarios/``. Overrides (``--set policy.privileged_share=0.5``)
are applied last. Every problem raises :class:`ScenarioError`, whose message is one line naming the
file, the key, the value and what is allowed.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusterpolicy.model.params import (
    SECTIONS,
    ParameterError,
    Params,
    coerce_value,
    field_spec,
    params_from_dict,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
SCENARIO_DIR = Path(os.environ.get("CLUSTERPOLICY_SCENARIOS", PACKAGE_DIR / "data" / "scenarios"))
TOP_LEVEL_KEYS = ("name", "description", "extends", *SECTIONS)


class ScenarioError(ValueError):
    """Bad input in a scenario file or an override; ``str()`` is one line for the user."""

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(f"{source}: {message}")


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: its name, file, description and validated parameters."""

    name: str
    path: Path | None
    description: str
    params: Params
    overrides: dict[str, Any] = field(default_factory=dict)


def available() -> list[str]:
    """Names of the scenarios in ``scenarios/``."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def display_path(path: Path) -> str:
    """A path as people like to read it: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def resolve_path(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """The file of a scenario named by path or by name.

    Raises:
        ScenarioError: when no such file exists (the message lists the known names).
    """
    text = str(name_or_path)
    candidates = [Path(text)]
    if relative_to is not None:
        candidates.insert(0, relative_to / text)
        candidates.insert(1, relative_to / f"{text}.toml")
    candidates.append(SCENARIO_DIR / f"{text}.toml")
    for c in candidates:
        if c.is_file():
            return c
    raise ScenarioError(text, f"no such scenario file or name; known scenarios: {', '.join(available())}")


def read_toml(path: Path, source: str | None = None) -> dict[str, Any]:
    """Read a TOML file; any problem becomes a one-line :class:`ScenarioError` naming the file."""
    src = source or display_path(Path(path))
    try:
        text = Path(path).read_bytes().decode("utf-8")
        return tomllib.loads(text)
    except UnicodeDecodeError:
        raise ScenarioError(src, "is not UTF-8 text (is it a TOML file?)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(src, f"not valid TOML ({exc})") from None
    except OSError as exc:
        raise ScenarioError(src, f"cannot be read ({exc.strerror})") from None


def _load_raw(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """Merged raw tables of a file and the files it extends, and which file set each key."""
    src = display_path(path)
    if path.resolve() in chain:
        raise ScenarioError(src, "extends itself (a cycle of 'extends')")
    data = read_toml(path)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise ScenarioError(
                src,
                f"{key} = {data[key]!r}: unknown top-level key; allowed: {', '.join(TOP_LEVEL_KEYS)}",
            )
    merged: dict[str, Any] = {sec: {} for sec in SECTIONS}
    origin: dict[str, str] = {}
    if "extends" in data:
        base_name = data["extends"]
        if not isinstance(base_name, str):
            raise ScenarioError(src, f"extends = {base_name!r}: the name or path of a scenario")
        try:
            base_path = resolve_path(base_name, relative_to=path.parent)
        except ScenarioError as exc:
            raise ScenarioError(src, f"extends = {base_name!r}: {exc}") from None
        merged, origin = _load_raw(base_path, (*chain, path.resolve()))
    for sec in SECTIONS:
        if sec not in data:
            continue
        table = data[sec]
        if not isinstance(table, dict):
            raise ScenarioError(src, f"{sec} = {table!r}: must be a table [{sec}]")
        for key, value in table.items():
            merged[sec][key] = value
            origin[f"{sec}.{key}"] = src
    return merged, origin


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``section.key=value`` (the value in TOML syntax; a bare word is a string).

    Raises:
        ScenarioError: when the text is not of that form.
    """
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or "." not in key or not value.strip():
        raise ScenarioError(
            "--set", f"{text!r}: expected SECTION.KEY=VALUE, e.g. policy.privileged_share=0.5"
        )
    try:
        parsed = tomllib.loads(f"v = {value.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value.strip()
    return key, parsed


def load_scenario(name_or_path: str | Path, overrides: list[str] | dict[str, Any] | None = None) -> Scenario:
    """Load, merge, override and validate a scenario.

    Args:
        name_or_path: a path to a TOML file, or the name of a file in ``scenarios/``.
        overrides: ``["policy.privileged_share=0.5", ...]`` or ``{"policy.privileged_share": 0.5}``.

    Raises:
        ScenarioError: for any bad input, naming the file (or ``--set``), key, value and what is allowed.
    """
    path = resolve_path(name_or_path)
    merged, origin = _load_raw(path, ())
    top = read_toml(path)
    items = (
        list(overrides.items())
        if isinstance(overrides, dict)
        else [parse_override(o) for o in (overrides or [])]
    )
    applied: dict[str, Any] = {}
    for key, value in items:
        sec, _, name = key.partition(".")
        if sec not in SECTIONS:
            raise ScenarioError(
                "--set", f"{key} = {value!r}: unknown table {sec!r}; allowed: {', '.join(SECTIONS)}"
            )
        try:
            coerce_value(key, value)
        except ParameterError as exc:
            raise ScenarioError("--set", str(exc)) from None
        merged[sec][name] = value
        origin[key] = "--set"
        applied[key] = value
    try:
        params = params_from_dict(merged)
    except ParameterError as exc:
        raise ScenarioError(origin.get(exc.key, display_path(path)), str(exc)) from None
    name = top.get("name", path.stem)
    return Scenario(
        name=str(name),
        path=path,
        description=str(top.get("description", "")),
        params=params,
        overrides=applied,
    )


COUNTERFACTUAL = "no_cluster_policy"


def counterfactual(
    scenario: Scenario, name_or_path: str | Path = COUNTERFACTUAL, relative_to: Path | None = None
) -> Scenario:
    """The counterfactual of a scenario: the other scenario's ``[policy]`` in this scenario's world.

    ``[simulation]``, ``[population]`` and ``[behaviour]`` come from ``scenario`` (the same economy and the
    same behaviour); ``[policy]`` comes from the counterfactual (default ``no_cluster_policy``: the policy
    off, the regular open pot of the concept note), loaded with the scenario's own overrides, so that a
    ``--set`` of a policy key applies to both.
    """
    other = load_scenario(resolve_path(name_or_path, relative_to=relative_to), scenario.overrides)
    data = scenario.params.to_dict()
    data["policy"] = other.params.to_dict()["policy"]
    try:
        params = params_from_dict(data)
    except ParameterError as exc:  # pragma: no cover - both halves are valid on their own
        raise ScenarioError(str(name_or_path), str(exc)) from None
    return Scenario(other.name, other.path, other.description, params, dict(scenario.overrides))


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, float):
        return repr(v) if abs(v) < 1e6 or v != int(v) else f"{v:.6g}".replace("+", "")
    return str(v)


def to_toml(params: Params, comments: bool = True, header: str = "") -> str:
    """Write parameters as a complete scenario file (each key with its unit and meaning)."""
    lines = [header.rstrip()] if header else []
    for sec, values in params.to_dict().items():
        lines.append(f"\n[{sec}]")
        for name, value in values.items():
            text = f"{name} = {_toml_value(value)}"
            if comments:
                md = field_spec(f"{sec}.{name}").metadata
                text = f"{text:<44} # {md['doc']} [{md['unit']}]"
            lines.append(text)
    return "\n".join(lines).lstrip("\n") + "\n"

"""The package's layers: which layer may import which, and library code that never names a CLI option.

The arrows go one way: cli -> studies -> (inputs, runs, analysis, outputs) -> model. Inside the middle:
analysis reads inputs' types and nothing else; runs writes its store with the two leaf modules
outputs.files and outputs.provenance; outputs shows analysis results, inputs and runs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "clusterpolicy"
LAYERS = ("model", "inputs", "runs", "analysis", "outputs", "studies", "cli", "explore", "interop")
# layer -> the layers (or single modules) it may import besides itself
ALLOWED = {
    "model": set(),
    "inputs": {"model"},
    "runs": {"model", "inputs", "outputs.files", "outputs.provenance"},
    "analysis": {"model", "inputs"},
    "outputs": {"model", "inputs", "runs", "analysis"},
    "studies": {"model", "inputs", "runs", "analysis", "outputs"},
    "cli": {"model", "inputs", "runs", "analysis", "outputs", "studies", "explore"},
    "explore": {"model", "inputs", "runs", "outputs"},
    "interop": {"model", "inputs", "runs"},  # adapters to other frameworks (EMA Workbench)
}
# single imports that cross the arrows on purpose, and why
EXCEPTIONS = {
    ("model.model", "inputs.scenario"): "ClusterPolicyModel(scenario=...) builds a model from a scenario's "
    "name (for mesa.batch_run); a lazy import inside that constructor path only",
}
LEAVES = {"outputs.files", "outputs.provenance"}  # import nothing of the package


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """The clusterpolicy modules a file imports (absolute names without the ``clusterpolicy.`` prefix)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("clusterpolicy"):
            base = node.module.removeprefix("clusterpolicy").lstrip(".")
            out |= {f"{base}.{a.name}" if base else a.name for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {
                a.name.removeprefix("clusterpolicy.")
                for a in node.names
                if a.name.startswith("clusterpolicy.")
            }
    return out


def _layer(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 and rel[0] in LAYERS else None


def _allowed(target: str, allowed: set[str]) -> bool:
    return any(target == a or target.startswith(a + ".") for a in allowed)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_the_layers_below_it(path):
    layer = _layer(path)
    if layer is None:  # clusterpolicy/__init__.py and __main__.py sit above the layers
        return
    name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    bad = []
    for target in _imports(path):
        if target.split(".")[0] == layer:
            continue
        if (name, target.rsplit(".", 1)[0]) in EXCEPTIONS or (name, target) in EXCEPTIONS:
            continue
        if name in LEAVES or not _allowed(target, ALLOWED[layer]):
            bad.append(target)
    assert not bad, f"{name} imports {bad}; {layer} may import {sorted(ALLOWED[layer])}"


def test_the_layers_and_the_checks_cover_every_module():
    for path in _modules():
        assert _layer(path) is not None or path.parent == PACKAGE, path
    assert set(ALLOWED) == set(LAYERS)


FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def _our_options() -> set[str]:
    """Every option of every clusterpolicy command."""
    import argparse

    from clusterpolicy.cli.main import build_parser

    out: set[str] = set()
    parsers = [build_parser()]
    while parsers:
        p = parsers.pop()
        for action in p._actions:
            out |= {s for s in action.option_strings if s.startswith("--")}
            if isinstance(action, argparse._SubParsersAction):
                parsers += list(action.choices.values())
    return out - {"--help"}


@pytest.mark.parametrize("layer", ["inputs", "runs", "analysis", "outputs", "studies"])
def test_library_code_names_no_command_line_option(layer):
    """Errors and texts of the library name arguments; only cli/ knows the options."""
    found = []
    options = _our_options()
    assert {"--set", "--workers", "--fresh", "--retry-failed", "--scheduler", "--out"} <= options
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef)
            and n.body
            and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                found += [f"{path.name}: {m}" for m in FLAG.findall(node.value) if m in options]
    assert not found, found


def test_analysis_writes_and_draws_nothing():
    for path in sorted((PACKAGE / "analysis").rglob("*.py")):
        text = path.read_text()
        for word in ("matplotlib", ".to_csv(", ".to_parquet(", "write_text(", "open(", "savefig"):
            assert word not in text, f"{path.name} uses {word}"

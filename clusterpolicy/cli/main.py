"""The ``clusterpolicy`` command line.

Every command validates all input before it writes anything. Bad input ends with one line on stderr
naming the file (or flag), the key, the value and what is allowed, and exit code 2 -- no traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from clusterpolicy.inputs.scenario import ScenarioError, available, load_scenario, to_toml


class UsageError(ScenarioError):
    """A bad command-line argument."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("clusterpolicy").strip() or "arguments"
        raise UsageError(command, f"{message} (see '{self.prog} --help')")


def out_dir(text: str | None, default: str) -> Path:
    """The output folder of ``--out`` (or the default); refuses a path that is a file."""
    out = Path(text or default)
    if out.exists() and not out.is_dir():
        raise UsageError("--out", f"{str(out)!r} is a file; give a folder")
    return out


def check_seed(value: int) -> int:
    """Check ``--seed``."""
    if value < 0 or value >= 2**63:
        raise UsageError("--seed", f"{value}: a whole number from 0 to 2**63-1")
    return value


def cmd_run(args: argparse.Namespace) -> int:
    """Run one scenario once and write its time series, summary and overview figure."""
    from clusterpolicy.studies.run import run_and_write

    scenario = load_scenario(args.scenario, args.set)
    out = out_dir(args.out, f"results/{scenario.name}")
    seed = check_seed(args.seed)
    t0 = time.perf_counter()
    text = run_and_write(scenario, seed, out)
    print(text.replace("{elapsed}", f"{time.perf_counter() - t0:.1f} s"))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a scenario and print its resolved parameters."""
    scenario = load_scenario(args.scenario, args.set)
    where = scenario.path if scenario.path else "-"
    header = f"# {scenario.name} ({where}): valid\n"
    if scenario.description:
        header += f"# {scenario.description}\n"
    for key, value in scenario.overrides.items():
        header += f"# --set {key}={value!r}\n"
    print(to_toml(scenario.params, header=header), end="")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List the scenarios in scenarios/ with their descriptions."""
    for name in available():
        sc = load_scenario(name)
        print(f"{name:28} {sc.description}")
    return 0


def set_arg(sp: argparse.ArgumentParser) -> None:
    """The ``--set KEY=VALUE`` option."""
    sp.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter by its dotted key, e.g. policy.privileged_share=0.5",
    )


def scenario_args(sp: argparse.ArgumentParser) -> None:
    """A scenario argument and ``--set``."""
    sp.add_argument("scenario", help="scenario name (in scenarios/) or path to a .toml file")
    set_arg(sp)


def positive_int(flag: str, value: int, lo: int = 1) -> int:
    """Check an integer flag; raises UsageError naming the flag."""
    if value < lo:
        raise UsageError(flag, f"{value}: a whole number of at least {lo}")
    return value


# Modules that add sub-commands: each has ``register(subparsers)``.
COMMAND_MODULES = (
    "clusterpolicy.cli.compare",
    "clusterpolicy.cli.sweep",
    "clusterpolicy.cli.hypothesis",
    "clusterpolicy.cli.sensitivity",
    "clusterpolicy.cli.validate",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    import importlib

    p = _Parser(prog="clusterpolicy", description="Agent-based model of regional cluster policy.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    r = sub.add_parser("run", help="run one scenario once")
    scenario_args(r)
    r.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    r.add_argument("--out", help="output folder (default results/SCENARIO)")
    r.set_defaults(func=cmd_run)

    c = sub.add_parser("check", help="validate a scenario and print its resolved parameters")
    scenario_args(c)
    c.set_defaults(func=cmd_check)

    ls = sub.add_parser("list", help="list the scenarios")
    ls.set_defaults(func=cmd_list)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``clusterpolicy``; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.func(args))
    except ScenarioError as exc:
        print(f"clusterpolicy: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("clusterpolicy: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""The ``clusterpolicy`` command line: the parser, and one-line errors with exit code 2.

Every command validates all input before it writes anything. Bad input ends with one line on stderr
naming the file (or option), the key, the value and what is allowed, and exit code 2 -- no traceback.
The library's errors name a function's argument (``replications``); here it becomes the option
(``--replications``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from clusterpolicy.inputs.errors import InputError, InputWarning
from clusterpolicy.inputs.files import SCENARIOS_ENV
from clusterpolicy.inputs.limits import lifted

# Modules that add sub-commands: each has ``register(subparsers)``.
COMMAND_MODULES = (
    "clusterpolicy.cli.run",
    "clusterpolicy.cli.compare",
    "clusterpolicy.cli.sweep",
    "clusterpolicy.cli.hypothesis",
    "clusterpolicy.cli.validate",
    "clusterpolicy.cli.explore",
)
# a library argument -> its option or argument on the command line (default: --name-with-dashes)
OPTION_OF = {
    "overrides": "--set",
    "scenarios": "SCENARIO",
    "scenario": "SCENARIO",
    "file": "FILE",
    "spec": "SPEC",
    "modes": "--rules",
}


def option_of(argument: str) -> str:
    """The command-line option of a library argument (``retry_failed`` -> ``--retry-failed``)."""
    return OPTION_OF.get(argument, "--" + argument.replace("_", "-"))


def one_line(exc: InputError) -> str:
    """The error's line as the command line shows it."""
    where = option_of(exc.source) if exc.argument else exc.source
    return f"clusterpolicy: error: {where}: {exc.message}"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("clusterpolicy").strip() or "arguments"
        raise InputError(command, f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    scenarios = _Parser(add_help=False)
    scenarios.add_argument(
        "--scenarios",
        metavar="DIR",
        action="append",
        default=argparse.SUPPRESS,
        help=f"also look up scenarios by name in DIR (before the shipped ones; like {SCENARIOS_ENV})",
    )
    p = _Parser(
        prog="clusterpolicy",
        description="Agent-based model of regional cluster policy.",
        parents=[scenarios],
        epilog=f"Scenario folders: --scenarios DIR or the environment variable {SCENARIOS_ENV} "
        f"(folders separated by '{os.pathsep}'), then the shipped scenarios.",
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, [scenarios])
    return p


@contextlib.contextmanager
def scenario_folders(folders: list[str] | None) -> Iterator[None]:
    """Put ``--scenarios`` folders before those of the environment variable while a command runs."""
    if not folders:
        yield
        return
    before = os.environ.get(SCENARIOS_ENV)
    os.environ[SCENARIOS_ENV] = os.pathsep.join([*folders, *([before] if before else [])])
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(SCENARIOS_ENV, None)
        else:
            os.environ[SCENARIOS_ENV] = before


def check_not_empty(args: argparse.Namespace) -> None:
    """No option or argument is an empty string (``--out ''`` would silently mean the default).

    Raises:
        InputError: naming the option.
    """
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and not v.strip() for v in values):
            raise InputError(name, f"{value!r}: give a value (an empty one means nothing)", argument=True)


def one_line_warnings(python: Callable[..., None]) -> Callable[..., None]:
    """A ``warnings.showwarning`` that prints input warnings as one line, and others as ``python`` does."""

    def show(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if isinstance(message, InputWarning):
            where = option_of(message.source) if message.argument else message.source
            text = f"{where}: {message.message}" if message.message else where
            print(f"clusterpolicy: warning: {text}", file=sys.stderr)
        else:
            python(message, category, *args, **kwargs)

    return show


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``clusterpolicy``; returns the exit code."""
    parser = build_parser()
    try:
        with warnings.catch_warnings():
            warnings.showwarning = one_line_warnings(warnings.showwarning)
            args = parser.parse_args(argv)
            check_not_empty(args)
            limits = lifted() if getattr(args, "no_limits", False) else contextlib.nullcontext()
            with scenario_folders(getattr(args, "scenarios", None)), limits:
                return int(args.func(args))
    except InputError as exc:
        print(one_line(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("clusterpolicy: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `clusterpolicy list | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as the Python docs advise
        return 0


if __name__ == "__main__":
    sys.exit(main())

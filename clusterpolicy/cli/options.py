"""The options several commands share, each defined once, and how they become a study's arguments."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clusterpolicy.runs.execution import Execution


def add_overrides(p: argparse.ArgumentParser) -> None:
    """``--set KEY=VALUE`` (repeatable): the study's ``overrides``."""
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter by its dotted key, e.g. policy.privileged_share=0.5",
    )


def add_scenario(p: argparse.ArgumentParser, **kw: object) -> None:
    """A scenario argument (a name in a scenario folder, or a path) and ``--set``."""
    p.add_argument("scenario", help="scenario name or path to a .toml file", **kw)  # type: ignore[arg-type]
    add_overrides(p)


def add_out(p: argparse.ArgumentParser, default: str) -> None:
    """``--out DIR``."""
    p.add_argument("--out", help=f"output folder (default {default})")


def add_replications(p: argparse.ArgumentParser, default: int | None, what: str = "replications") -> None:
    """``--replications R`` (None: the file's)."""
    text = f"default {default}" if default is not None else "default: the file's"
    p.add_argument("--replications", type=int, default=default, help=f"{what} ({text})")


def add_seed(p: argparse.ArgumentParser, default: int | None) -> None:
    """``--seed N``: the root seed of the replicate seeds (None: the file's)."""
    text = f"default {default}" if default is not None else "default: the file's"
    p.add_argument("--seed", type=int, default=default, help=f"root seed of the replicate seeds ({text})")


def add_lang(p: argparse.ArgumentParser) -> None:
    """``--lang en|nl``: the language of the report, its figures and the printed summary."""
    p.add_argument("--lang", default="en", help="language of the report: en or nl (default en)")


def add_run_options(p: argparse.ArgumentParser, *, scheduler: bool = False, store: bool = True) -> None:
    """Where the runs go (``--workers``, ``--scheduler``) and what to do with stored runs (``--fresh``)."""
    p.add_argument("--workers", type=int, default=None, help="local worker processes (default: all cores)")
    if scheduler:
        p.add_argument(
            "--scheduler",
            metavar="ADDRESS",
            help="run on a Dask distributed cluster at ADDRESS (e.g. tcp://host:8786) "
            "instead of local processes",
        )
    p.add_argument(
        "--no-limits",
        action="store_true",
        help="allow more workers, design points or runs than this machine's cores and memory are judged "
        "to hold",
    )
    if store:
        p.add_argument("--retry-failed", action="store_true", help="run again the runs that failed before")
        p.add_argument(
            "--fresh",
            action="store_true",
            help="discard the run store in the output folder and start over (only a store this tool "
            "wrote, and only if the folder holds nothing else)",
        )


def execution(args: argparse.Namespace) -> Execution:
    """The study's execution settings from the shared run options.

    Raises:
        InputError: bad settings (e.g. ``--workers 0``).
    """
    from clusterpolicy.runs.execution import Execution

    return Execution(
        workers=args.workers,
        scheduler=getattr(args, "scheduler", None),
        retry_failed=getattr(args, "retry_failed", False),
        fresh=getattr(args, "fresh", False),
        announce=announce,
    )


def announce(line: str) -> None:
    """Print a line about the cost of what is about to run."""
    print(line, flush=True)


def out_path(args: argparse.Namespace, default: str) -> Path:
    """``--out``, or the command's default folder (``--out ''`` is refused by ``cli.main``)."""
    return Path(args.out if args.out is not None else default)


def add_ensemble(p: argparse.ArgumentParser) -> None:
    """The ``--ensemble FILE`` option: also run with parameter sets drawn from a calibration ensemble."""
    p.add_argument(
        "--ensemble",
        metavar="FILE",
        help="also run with a parameter set per replication drawn from a calibration ensemble "
        "(calibrate writes OUT/ensemble.csv), and say what that changes",
    )

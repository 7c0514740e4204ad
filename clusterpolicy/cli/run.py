"""``clusterpolicy run``, ``check``, ``list`` and ``metrics``: one scenario, and what the model knows."""

from __future__ import annotations

import argparse
import time

from clusterpolicy.cli.options import add_scenario, out_path
from clusterpolicy.inputs.files import SHIPPED_SCENARIOS, scenario_dirs


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``run``, ``check``, ``list`` and ``metrics`` sub-commands."""
    r = sub.add_parser("run", parents=parents, help="run one scenario once")
    add_scenario(r)
    r.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    r.add_argument(
        "--out", help="output folder (default results/SCENARIO, or results/SCENARIO-set-HASH with --set)"
    )
    r.set_defaults(func=cmd_run)

    c = sub.add_parser("check", parents=parents, help="validate a scenario and print its resolved parameters")
    add_scenario(c)
    c.set_defaults(func=cmd_check)

    ls = sub.add_parser("list", parents=parents, help="list the scenarios")
    ls.set_defaults(func=cmd_list)

    m = sub.add_parser(
        "metrics",
        parents=parents,
        help="list the outcomes the model records: name, label, unit, kind, meaning",
    )
    m.set_defaults(func=cmd_metrics)


def cmd_run(args: argparse.Namespace) -> int:
    """Run one scenario once and write its time series, summary and overview figure.

    The figure is drawn in a second process, started first: it imports Matplotlib while this process
    imports the model and runs it (:mod:`clusterpolicy.outputs.figure_process`).
    """
    from clusterpolicy.outputs import run_figure
    from clusterpolicy.outputs.figure_process import figure_process

    with figure_process(run_figure.MODULES, run_figure.PREPARE) as figures:
        from clusterpolicy.inputs.scenario import load_scenario
        from clusterpolicy.outputs.run import run_text
        from clusterpolicy.studies.run import run, run_folder

        scenario = load_scenario(args.scenario, args.overrides)
        out = out_path(args, str(run_folder(scenario)))
        t0 = time.perf_counter()
        result = run(scenario, args.seed, out=out, figures=figures)
    print(run_text(scenario, result, out, time.perf_counter() - t0))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a scenario and print its resolved parameters."""
    from clusterpolicy.inputs.scenario import load_scenario, to_toml

    scenario = load_scenario(args.scenario, args.overrides)
    where = scenario.path if scenario.path else "-"
    header = f"# {scenario.name} ({where}): valid\n"
    if scenario.description:
        header += f"# {scenario.description}\n"
    for key, value in scenario.overrides.items():
        header += f"# --set {key}={value!r}\n"
    print(to_toml(scenario.params, header=header), end="")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List the scenarios of every scenario folder with their descriptions (and any user folder)."""
    from clusterpolicy.inputs.errors import InputError
    from clusterpolicy.inputs.scenario import available, load_scenario, resolve_path

    for name in available():
        path = resolve_path(name)
        folder = "" if path.parent.resolve() == SHIPPED_SCENARIOS.resolve() else f"  [{path.parent}]"
        try:
            description = load_scenario(path).description
        except InputError as exc:  # list the others; name this one and say why
            description = f"(cannot be used: {exc})"
        print(f"{name:28} {description}{folder}")
    if not available():
        print(f"no scenarios in {', '.join(str(d) for d in scenario_dirs())}")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    """Print the outcome dictionary."""
    from clusterpolicy.outputs.format import metrics_table

    print(metrics_table())
    return 0

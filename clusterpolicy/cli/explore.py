"""``clusterpolicy explore``: the interactive explorer in the browser (Mesa SolaraViz)."""

from __future__ import annotations

import argparse

from clusterpolicy.inputs.errors import InputError


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``explore`` sub-command."""
    e = sub.add_parser(
        "explore",
        parents=parents,
        help="try levers in the browser, quarter by quarter, against the baseline's 95 %% band",
        description="Serve the interactive explorer (needs the 'explore' extra; works offline). It opens on "
        "the baseline; the band of the scenario it opens on is computed once and cached.",
    )
    e.add_argument(
        "--port", type=int, default=8765, help="port to serve on (default 8765; 0 picks a free one)"
    )
    e.add_argument("--host", default="localhost", help="address to serve on (default localhost)")
    e.add_argument("--lang", default="en", help="language of the page: en or nl (default en)")
    e.add_argument("--scenario", default=None, help="scenario to open on (default concept_note_2015)")
    e.add_argument(
        "--replications", type=int, default=None, help="runs behind the baseline's band (default 20)"
    )
    e.add_argument("--workers", type=int, default=None, help="processes for the band (default: all cores)")
    e.set_defaults(func=cmd_explore)


def cmd_explore(args: argparse.Namespace) -> int:
    """Check the flags, then serve until interrupted."""
    from clusterpolicy.explore import glue
    from clusterpolicy.explore.band import DEFAULT_REPLICATIONS
    from clusterpolicy.explore.server import ExploreError, serve
    from clusterpolicy.explore.session import Config
    from clusterpolicy.outputs.i18n import LANGS

    if args.lang not in LANGS:
        raise InputError("--lang", f"{args.lang!r}: one of {', '.join(LANGS)}")
    scenario = glue.load_scenario(args.scenario or glue.BASELINE)  # a bad name ends here, in one line
    reps = DEFAULT_REPLICATIONS if args.replications is None else args.replications
    if reps < 2:
        raise InputError("--replications", f"{reps}: a whole number of at least 2")
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers", f"{args.workers}: a whole number of at least 1")
    config = Config(
        lang=args.lang, scenario=str(scenario.path or scenario.name), replications=reps, workers=args.workers
    )
    try:
        return serve(config, args.host, args.port)
    except ExploreError as exc:
        raise InputError("explore", str(exc)) from None

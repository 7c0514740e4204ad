"""``clusterpolicy compare``: scenarios over paired replications, with intervals and a report."""

from __future__ import annotations

import argparse
import time

from clusterpolicy.cli.options import (
    add_ensemble,
    add_lang,
    add_out,
    add_overrides,
    add_replications,
    add_run_options,
    add_seed,
    execution,
    out_path,
)


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``compare`` sub-command."""
    c = sub.add_parser(
        "compare",
        parents=parents,
        help="compare scenarios over paired replications (the first is the reference)",
        description="Run every scenario with the same replicate seeds (common random numbers) and "
        "report means, paired differences to the first scenario and 95 % intervals.",
    )
    c.add_argument(
        "scenarios", nargs="+", metavar="SCENARIO", help="names or paths; the first is the reference"
    )
    add_replications(c, 30, "replications per scenario")
    add_seed(c, 1)
    add_out(c, "results/compare")
    add_run_options(c)
    add_overrides(c)
    add_ensemble(c)
    add_lang(c)
    c.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    """Run the comparison, print the headline table, say where the report is."""
    from clusterpolicy.inputs.ensemble import load_ensemble
    from clusterpolicy.outputs.compare import FILES, headline_text
    from clusterpolicy.studies.compare import compare

    ens = load_ensemble(args.ensemble) if args.ensemble else None  # a bad file fails before any run
    out = out_path(args, "results/compare")
    t0 = time.perf_counter()
    comp = compare(
        args.scenarios,
        args.replications,
        args.seed,
        out=out,
        overrides=args.overrides,
        lang=args.lang,
        execution=execution(args),
    )
    elapsed = time.perf_counter() - t0
    print(
        f"compared {len(comp.names)} scenarios x {len(comp.seeds)} paired replications (seeds spawned from "
        f"{args.seed}) in {elapsed:.0f} s; values in {comp.last_quarter}; reference: {comp.reference}\n"
    )
    print(headline_text(comp, args.lang))
    if comp.failures:
        print(f"\n{len(comp.failures)} run(s) failed; they are listed in the report")
    files = ", ".join(f for f in FILES if f != "report.html")
    print(f"\nreport: {out / 'report.html'}\nfiles:  {out}/ ({files})")
    if ens is not None:
        from clusterpolicy.analysis.ensemble import comparison_shift

        with_ens = compare(
            args.scenarios, args.replications, args.seed, out=out / "ensemble", overrides=args.overrides,
            ensemble=ens, execution=execution(args),
        )  # fmt: skip
        report_ensemble("compare", comparison_shift(comp, with_ens), len(ens.sets), out)
    return 0


def report_ensemble(kind: str, shift: object, n_sets: int, out: object) -> None:
    """Print and write what the ensemble changes (see :mod:`clusterpolicy.outputs.ensemble`)."""
    from clusterpolicy.outputs import ensemble as output
    from clusterpolicy.runs.folders import written

    print("\n" + output.ensemble_text(kind, shift, n_sets))  # type: ignore[arg-type]
    with written(out):  # type: ignore[arg-type]
        files = output.write(kind, shift, n_sets, out)  # type: ignore[arg-type]
    print(f"files:  {out}/ ({', '.join(files)}; the ensemble's runs in ensemble/)")

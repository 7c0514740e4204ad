"""``clusterpolicy hypothesis``, ``crowding-out`` and ``additionality``: verdicts for advisory councils."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from clusterpolicy.cli.compare import report_ensemble
from clusterpolicy.cli.options import (
    add_ensemble,
    add_lang,
    add_out,
    add_overrides,
    add_replications,
    add_run_options,
    add_scenario,
    add_seed,
    execution,
    out_path,
)
from clusterpolicy.inputs.files import COUNTERFACTUAL


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``hypothesis``, ``crowding-out`` and ``additionality`` sub-commands."""
    h = sub.add_parser(
        "hypothesis",
        parents=parents,
        help="test a hypothesis file: paired runs, verdicts with intervals, a figure and a report",
        description="Run every value of a hypothesis file's lever with the same replicate seeds and "
        "write verdicts.csv (effect, interval, p-value, adjusted p-value, verdict per outcome and "
        "comparison), effects.png and report.html. FILE is a path, or a shipped name or id "
        "(H1a, H1b, H2, H3, H3b, H4, H5, H6, H7, H8, H9).",
    )
    h.add_argument("file", metavar="FILE", help="hypothesis file (path, shipped name, or id like H3)")
    _hypothesis_args(h, "results/hypotheses/<file name>")
    h.set_defaults(func=cmd_hypothesis)

    c = sub.add_parser(
        "crowding-out",
        parents=parents,
        help="SERV's question: do privileged budgets crowd out other projects? (H3 under every rule)",
        description="Run SERV's crowding-out question under each rule of privileged access "
        "(policy.privileged_mode): the shipped H3 file (privileged share of a fixed envelope against one "
        "open pot) for reserve, reserve_release and priority, and H3b (the size of a score bonus) for "
        "bonus. Each rule's files go to OUT/RULE/; all verdicts to OUT/verdicts.csv.",
    )
    c.add_argument(
        "--rules",
        nargs="+",
        metavar="RULE",
        default=None,
        help="the rules to run (default all): reserve, reserve_release, priority, bonus",
    )
    _hypothesis_args(c, "results/crowding-out")
    c.set_defaults(func=cmd_crowding_out)

    a = sub.add_parser(
        "additionality",
        parents=parents,
        help="business R&D per public euro against the no-policy counterfactual (and the naive estimate)",
        description="Run a scenario and its counterfactual (default no_cluster_policy: the policy off, "
        "in the same economy) with the same seeds; report the change in business R&D per public euro "
        "with a 95 % interval and its class, and the naive members-vs-non-members estimate beside it.",
    )
    add_scenario(a)
    a.add_argument(
        "--counterfactual",
        default=COUNTERFACTUAL,
        help=f"scenario whose [policy] is the counterfactual (default {COUNTERFACTUAL})",
    )
    add_replications(a, 30, "paired replications")
    add_seed(a, 1)
    add_out(a, "results/additionality/SCENARIO")
    add_run_options(a)
    add_ensemble(a)
    add_lang(a)
    a.set_defaults(func=cmd_additionality)


def _hypothesis_args(p: argparse.ArgumentParser, default_out: str) -> None:
    add_out(p, default_out)
    add_replications(p, None, "replications per value")
    add_seed(p, None)
    add_run_options(p)
    add_overrides(p)
    add_ensemble(p)
    add_lang(p)


def _run(name: str, args: argparse.Namespace, default_out: str | None) -> int:
    from clusterpolicy.inputs.ensemble import load_ensemble
    from clusterpolicy.inputs.hypothesis_file import load_hypothesis
    from clusterpolicy.outputs.hypothesis import FILES, verdict_text
    from clusterpolicy.studies.hypothesis import hypothesis

    spec = load_hypothesis(name, args.overrides, replications=args.replications, seed=args.seed)
    ens = load_ensemble(args.ensemble) if args.ensemble else None  # a bad file fails before any run
    assert spec.path is not None
    out = out_path(args, default_out or f"results/hypotheses/{spec.path.stem}")
    t0 = time.perf_counter()
    result = hypothesis(spec, out=out, lang=args.lang, execution=execution(args))
    elapsed = time.perf_counter() - t0
    runs = len(spec.values) * spec.replications
    print(f"{runs} runs ({len(spec.values)} values x {spec.replications} replications) in {elapsed:.0f} s\n")
    print(verdict_text(result, args.lang))
    if result.failures:
        print(f"\n{len(result.failures)} run(s) failed; they are listed in the report")
    files = ", ".join(f for f in FILES if f != "report.html")
    print(f"\nreport: {out / 'report.html'}\nfiles:  {out}/ ({files})")
    if ens is not None:
        from clusterpolicy.analysis.ensemble import hypothesis_shift

        with_ens = hypothesis(spec, out=out / "ensemble", ensemble=ens, execution=execution(args))
        report_ensemble("hypothesis", hypothesis_shift(result, with_ens), len(ens.sets), out)
    return 0


def cmd_hypothesis(args: argparse.Namespace) -> int:
    """Test one hypothesis file."""
    return _run(args.file, args, None)


def cmd_crowding_out(args: argparse.Namespace) -> int:
    """SERV's crowding-out question under every rule of privileged access."""
    from clusterpolicy.analysis.hypothesis import MODES
    from clusterpolicy.inputs.ensemble import load_ensemble
    from clusterpolicy.outputs.hypothesis import CROWDING_OUT_FILES, crowding_out_text
    from clusterpolicy.studies.hypothesis import crowding_out

    ens = load_ensemble(args.ensemble) if args.ensemble else None  # a bad file fails before any run
    out = out_path(args, "results/crowding-out")
    t0 = time.perf_counter()
    co = crowding_out(
        tuple(args.rules) if args.rules else MODES,
        out=out,
        overrides=args.overrides,
        replications=args.replications,
        seed=args.seed,
        lang=args.lang,
        execution=execution(args),
    )
    elapsed = time.perf_counter() - t0
    runs = sum(len(r.spec.values) * r.spec.replications for r in co.results.values())
    print(f"{runs} runs ({len(co.results)} rules) in {elapsed:.0f} s\n")
    print(crowding_out_text(co, args.lang))
    failed = sum(len(r.failures) for r in co.results.values())
    if failed:
        print(f"\n{failed} run(s) failed; they are listed in the rules' reports")
    files = ", ".join(f for f in CROWDING_OUT_FILES if f != "report.html")
    print(f"\nreport: {out / 'report.html'} (every rule; each rule's own in {out}/RULE/)")
    print(f"files:  {out}/ ({files})")
    if ens is not None:
        import pandas as pd

        from clusterpolicy.analysis.ensemble import hypothesis_shift

        with_ens = crowding_out(
            tuple(args.rules) if args.rules else MODES, out=out / "ensemble", overrides=args.overrides,
            replications=args.replications, seed=args.seed, ensemble=ens, execution=execution(args),
        )  # fmt: skip
        parts = []
        for m in co.results:
            part = hypothesis_shift(co.results[m], with_ens.results[m])
            part["comparison"] = m + ": " + part["comparison"].astype(str)
            parts.append(part)
        shift = pd.concat(parts, ignore_index=True)
        report_ensemble("hypothesis", shift, len(ens.sets), out)
    return 0


def cmd_additionality(args: argparse.Namespace) -> int:
    """Additionality of a scenario against its counterfactual."""
    from clusterpolicy.inputs.ensemble import load_ensemble
    from clusterpolicy.inputs.scenario import load_scenario
    from clusterpolicy.outputs.additionality import FILES, additionality_text
    from clusterpolicy.studies.additionality import additionality

    sc = load_scenario(args.scenario, args.overrides)
    ens = load_ensemble(args.ensemble) if args.ensemble else None  # a bad file fails before any run
    out = Path(args.out or f"results/additionality/{sc.name}")
    t0 = time.perf_counter()
    result = additionality(
        sc,
        args.counterfactual,
        args.replications,
        args.seed,
        out=out,
        lang=args.lang,
        execution=execution(args),
    )
    reps = len(result.seeds)
    print(f"{2 * reps} runs ({reps} paired replications) in {time.perf_counter() - t0:.0f} s\n")
    print(additionality_text(result, args.lang))
    if result.failures:
        print(f"\n{len(result.failures)} run(s) failed; they are listed in the report")
    files = ", ".join(f for f in FILES if f != "report.html")
    print(f"\nreport: {out / 'report.html'}\nfiles:  {out}/ ({files})")
    if ens is not None:
        from clusterpolicy.analysis.ensemble import additionality_shift

        with_ens = additionality(
            sc, args.counterfactual, args.replications, args.seed, out=out / "ensemble", ensemble=ens,
            execution=execution(args),
        )  # fmt: skip
        report_ensemble("additionality", additionality_shift(result, with_ens), len(ens.sets), out)
    return 0

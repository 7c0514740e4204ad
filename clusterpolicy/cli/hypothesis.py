"""``clusterpolicy hypothesis``, ``crowding-out`` and ``additionality``: verdicts for advisory councils."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from clusterpolicy.cli.main import check_seed, out_dir, positive_int, set_arg

CROWDING_OUT = "H3_crowding_out"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``hypothesis``, ``crowding-out`` and ``additionality`` sub-commands."""
    h = sub.add_parser(
        "hypothesis",
        help="test a hypothesis file: paired runs, verdicts with intervals, a figure and a report",
        description="Run every value of a hypothesis file's lever with the same replicate seeds and "
        "write verdicts.csv (effect, interval, p-value, adjusted p-value, verdict per outcome and "
        "comparison), effects.png and report.html. FILE is a path, or a shipped name or id "
        "(H1a, H1b, H2, H3, H4, H5; see experiments/hypotheses/).",
    )
    h.add_argument("file", metavar="FILE", help="hypothesis file (path, shipped name, or id like H3)")
    _common(h, "results/hypotheses/<file name>")
    h.set_defaults(func=cmd_hypothesis)

    c = sub.add_parser(
        "crowding-out",
        help="SERV's question: do privileged budgets crowd out other projects? (runs H3)",
        description="Run the shipped H3 hypothesis file: privileged project budgets for spearhead "
        "clusters at a fixed total envelope, against one open pot.",
    )
    _common(c, "results/crowding-out")
    c.set_defaults(func=cmd_crowding_out)

    a = sub.add_parser(
        "additionality",
        help="business R&D per public euro against the no-policy counterfactual (and the naive estimate)",
        description="Run a scenario and its counterfactual (default no_cluster_policy: the policy off, "
        "in the same economy) with the same seeds; report the change in business R&D per public euro "
        "with a 95 % interval and its class, and the naive members-vs-non-members estimate beside it.",
    )
    a.add_argument("scenario", help="scenario name (in scenarios/) or path to a .toml file")
    a.add_argument(
        "--counterfactual",
        default="no_cluster_policy",
        help="scenario whose [policy] is the counterfactual (default no_cluster_policy)",
    )
    a.add_argument("--replications", type=int, default=30, help="paired replications (default 30)")
    a.add_argument("--seed", type=int, default=1, help="root seed of the replicate seeds (default 1)")
    a.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    a.add_argument("--out", help="output folder (default results/additionality/SCENARIO)")
    a.add_argument("--retry-failed", action="store_true", help="run again the runs that failed before")
    a.add_argument("--fresh", action="store_true", help="discard runs stored in OUT/store and start over")
    set_arg(a)
    a.set_defaults(func=cmd_additionality)


def _common(p: argparse.ArgumentParser, default_out: str) -> None:
    p.add_argument("--out", help=f"output folder (default {default_out})")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument(
        "--replications", type=int, default=None, help="replications per value (default: the file's)"
    )
    p.add_argument("--seed", type=int, default=None, help="root seed (default: the file's)")
    p.add_argument("--retry-failed", action="store_true", help="run again the runs that failed before")
    p.add_argument("--fresh", action="store_true", help="discard runs stored in OUT/store and start over")
    set_arg(p)


def verdict_text(result) -> str:  # type: ignore[no-untyped-def]
    """The terminal table of a hypothesis test."""
    from clusterpolicy.analysis.hypothesis import _correction_words, effect_text, p_text, value_label
    from clusterpolicy.outputs.present import label

    spec = result.spec
    v = result.verdicts
    level = float(v["ci_level"].iloc[0]) if len(v) else 1 - spec.alpha
    m = int(v["tests_in_family"].iloc[0]) if len(v) else 0
    w_out = 40
    w_cmp = max(12, *(len(c) + 2 for c in v["comparison"])) if len(v) else 12
    head = f"effect [{100 * level:.3g} % interval]"
    cells = [effect_text(r["outcome"], r["effect"], r["ci_low"], r["ci_high"]) for _, r in v.iterrows()]
    w_eff = max(len(head), *(len(c) for c in cells)) + 2 if cells else len(head) + 2
    lines = [
        f"{'outcome':{w_out}}{'expected':13}{'comparison':{w_cmp}}{head:{w_eff}}{'p adj.':>8}   verdict",
    ]
    last = None
    for (_, r), cell in zip(v.iterrows(), cells, strict=True):
        name = label(r["outcome"])[: w_out - 1] if r["outcome"] != last else ""
        last = r["outcome"]
        lines.append(
            f"{name:{w_out}}{r['expected']:13}{r['comparison']:{w_cmp}}{cell:{w_eff}}"
            f"{p_text(r['p_adjusted']):>8}   {r['verdict']}"
        )
    fixed = ", ".join(f"{k} = {value_label(x)}" for k, x in spec.fixed.items())
    changed = ", ".join(f"{k} = {value_label(x)}" for k, x in spec.overrides.items())
    intro = [
        f"{spec.id}: {spec.title}",
        f"lever {spec.lever}: {', '.join(value_label(x) for x in spec.comparisons)} "
        f"each against {spec.reference_label}" + (f" (base {spec.base})" if spec.base else ""),
    ]
    if fixed:
        intro.append(f"fixed at every value: {fixed}")
    if changed:
        intro.append(f"--set at every value: {changed}")
    intro.append(
        f"values in {result.last_quarter}; {spec.replications} paired replications per value "
        f"(seeds spawned from {spec.seed}); α = {spec.alpha:g}; {_correction_words(spec, level, m)}"
    )
    counts = {k: int((v["verdict"] == k).sum()) for k in ("supported", "opposite", "not supported")}
    summary = [
        "",
        f"in short: {counts['supported']} of {len(v)} comparisons support {spec.id}, "
        f"{counts['opposite']} point the opposite way, {counts['not supported']} cannot tell",
    ]
    for o in spec.outcomes:
        d = v[v["outcome"] == o.metric]
        kinds = {k: [r["value"] for _, r in d.iterrows() if r["verdict"] == k] for k in counts}
        bits = [f"{k} at {', '.join(vals)}" for k, vals in kinds.items() if vals]
        summary.append(f"  {label(o.metric)[: w_out - 1]:{w_out}}{'; '.join(bits)}")
    return "\n".join([*intro, "", *lines, *summary])


def _run(spec, args: argparse.Namespace, out: Path) -> int:  # type: ignore[no-untyped-def]
    from clusterpolicy.analysis.hypothesis import run_hypothesis

    workers = positive_int("--workers", args.workers) if args.workers is not None else None
    t0 = time.perf_counter()
    result = run_hypothesis(spec, workers=workers, out=out, retry_failed=args.retry_failed, fresh=args.fresh)
    elapsed = time.perf_counter() - t0
    runs = len(spec.values) * spec.replications
    print(f"{runs} runs ({len(spec.values)} values x {spec.replications} replications) in {elapsed:.0f} s\n")
    print(verdict_text(result))
    if result.failures:
        print(f"\n{len(result.failures)} run(s) failed; they are listed in the report")
    print(f"\nreport: {out / 'report.html'}\nfiles:  {out}/ (verdicts.csv, finals.csv, effects.png)")
    return 0


def _load(name: str, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from clusterpolicy.analysis.hypothesis import load_hypothesis

    reps = positive_int("--replications", args.replications, lo=2) if args.replications is not None else None
    seed = check_seed(args.seed) if args.seed is not None else None
    return load_hypothesis(name, args.set, replications=reps, seed=seed)


def cmd_hypothesis(args: argparse.Namespace) -> int:
    """Test one hypothesis file."""
    spec = _load(args.file, args)
    assert spec.path is not None
    out = out_dir(args.out, f"results/hypotheses/{spec.path.stem}")
    return _run(spec, args, out)


def cmd_crowding_out(args: argparse.Namespace) -> int:
    """Test the shipped H3 file (privileged budgets and crowding-out)."""
    spec = _load(CROWDING_OUT, args)
    out = out_dir(args.out, "results/crowding-out")
    return _run(spec, args, out)


def cmd_additionality(args: argparse.Namespace) -> int:
    """Additionality of a scenario against its counterfactual."""
    from clusterpolicy.analysis.hypothesis import additionality_text, run_additionality
    from clusterpolicy.inputs.scenario import counterfactual, load_scenario

    sc = load_scenario(args.scenario, args.set)
    counterfactual(sc, args.counterfactual)  # validate before any work
    reps = positive_int("--replications", args.replications, lo=2)
    seed = check_seed(args.seed)
    workers = positive_int("--workers", args.workers) if args.workers is not None else None
    out = out_dir(args.out, f"results/additionality/{sc.name}")
    t0 = time.perf_counter()
    result = run_additionality(
        sc,
        args.counterfactual,
        reps,
        seed,
        workers,
        out,
        args.set,
        retry_failed=args.retry_failed,
        fresh=args.fresh,
    )
    print(f"{2 * reps} runs ({reps} paired replications) in {time.perf_counter() - t0:.0f} s\n")
    print(additionality_text(result))
    if result.failures:
        print(f"\n{len(result.failures)} run(s) failed; they are listed in the report")
    files = "additionality.csv, replicates.csv, additionality.png"
    print(f"\nreport: {out / 'report.html'}\nfiles:  {out}/ ({files})")
    return 0

"""``clusterpolicy compare``: scenarios over paired replications, with intervals and a report."""

from __future__ import annotations

import argparse
import time

from clusterpolicy.cli.main import check_seed, out_dir, positive_int, set_arg
from clusterpolicy.outputs.present import HEADLINE, fmt, label


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare`` sub-command."""
    c = sub.add_parser(
        "compare",
        help="compare scenarios over paired replications (the first is the reference)",
        description="Run every scenario with the same replicate seeds (common random numbers) and "
        "report means, paired differences to the first scenario and 95 % intervals.",
    )
    c.add_argument(
        "scenarios", nargs="+", metavar="SCENARIO", help="names or paths; the first is the reference"
    )
    c.add_argument("--replications", type=int, default=30, help="replications per scenario (default 30)")
    c.add_argument("--seed", type=int, default=1, help="root seed of the replicate seeds (default 1)")
    c.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    c.add_argument("--out", help="output folder (default results/compare)")
    c.add_argument("--retry-failed", action="store_true", help="run again the runs that failed before")
    c.add_argument("--fresh", action="store_true", help="discard runs stored in OUT/store and start over")
    set_arg(c)
    c.set_defaults(func=cmd_compare)


def headline_text(comp) -> str:  # type: ignore[no-untyped-def]
    """The terminal table: means with 95 % half-widths, then paired differences to the reference."""
    s = comp.summary.set_index(["scenario", "metric"])
    names = comp.names
    width = 40
    col = max(22, *(len(n) + 2 for n in names))
    lines = [f"{'mean ± 95 % half-width':{width}}" + "".join(f"{n:>{col}}" for n in names)]
    metrics = [m for m in HEADLINE if (names[0], m) in s.index]
    for m in metrics:
        cells = []
        for n in names:
            r = s.loc[(n, m)]
            half = (r["ci_high"] - r["ci_low"]) / 2
            cells.append(f"{fmt(m, r['mean'])} ± {fmt(m, half)}")
        lines.append(f"{label(m)[: width - 1]:{width}}" + "".join(f"{c:>{col}}" for c in cells))
    lines.append("")
    lines.append(f"{'difference to ' + names[0]:{width}}" + "".join(f"{n:>{col}}" for n in names[1:]))
    for m in metrics:
        cells = []
        for n in names[1:]:
            r = s.loc[(n, m)]
            clear = r["diff_ci_low"] > 0 or r["diff_ci_high"] < 0
            cells.append(f"{fmt(m, r['diff'], True)}{' *' if clear else '  '}")
        lines.append(f"{label(m)[: width - 1]:{width}}" + "".join(f"{c:>{col}}" for c in cells))
    lines.append(f"{'':{width}}* clear at 95 % (the interval of the paired difference excludes 0)")
    return "\n".join(lines)


def cmd_compare(args: argparse.Namespace) -> int:
    """Run the comparison, print the headline table, say where the report is."""
    from clusterpolicy.studies.compare import _resolve, run_comparison

    scenarios = _resolve(args.scenarios, args.set)  # validate all input before any work
    reps = positive_int("--replications", args.replications, lo=2)
    seed = check_seed(args.seed)
    workers = positive_int("--workers", args.workers) if args.workers is not None else None
    out = out_dir(args.out, "results/compare")
    t0 = time.perf_counter()
    comp = run_comparison(
        scenarios, reps, seed, workers, out, retry_failed=args.retry_failed, fresh=args.fresh
    )
    elapsed = time.perf_counter() - t0
    last_q = comp.timeseries["quarter"].iloc[-1]
    print(
        f"compared {len(comp.names)} scenarios x {reps} paired replications (seeds spawned from {seed}) "
        f"in {elapsed:.0f} s; values in {last_q}; reference: {comp.reference}\n"
    )
    print(headline_text(comp))
    if comp.failures:
        print(f"\n{len(comp.failures)} run(s) failed; they are listed in the report")
    files = "summary.csv, timeseries.parquet, timeseries.png, differences.png"
    print(f"\nreport: {out / 'report.html'}\nfiles:  {out}/ ({files})")
    return 0

"""``clusterpolicy sensitivity``: run (or resume) a Sobol' or Morris sweep and analyse it."""

from __future__ import annotations

import argparse
import time

from clusterpolicy.cli.main import UsageError, positive_int


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``sensitivity`` sub-command."""
    from clusterpolicy.analysis.sensitivity import DEFAULT_BOOTSTRAP
    from clusterpolicy.cli.sweep import add_sweep_args

    s = sub.add_parser(
        "sensitivity",
        help="run (or resume) a Sobol' or Morris sweep and report which parameters drive the outcomes",
        description="Run the design of an experiment file (design = sobol or morris; resumes like "
        "'sweep'), average the replicates per design point and write indices.csv (Sobol' S1/ST or Morris "
        "mu*/sigma with bootstrap intervals, replicate noise, convergence), indices.png, morris.png and "
        "sensitivity.html into --out.",
    )
    add_sweep_args(s)
    s.add_argument(
        "--bootstrap",
        type=int,
        default=DEFAULT_BOOTSTRAP,
        metavar="B",
        help=f"bootstrap resamples for the intervals (default {DEFAULT_BOOTSTRAP})",
    )
    s.set_defaults(func=cmd_sensitivity)


def summary_text(res) -> str:  # type: ignore[no-untyped-def]
    """The terminal summary: per outcome the clear drivers (at most three), then the warnings."""
    from clusterpolicy.analysis.sensitivity import _is, drivers, effect_text, lever_share
    from clusterpolicy.outputs.present import label

    pct = f"{100 * res.conf_level:g} %"
    if res.method == "sobol":
        key_text = f"total-order index ST ± {pct} half-width (first-order S1)"
    else:
        key_text = f"Morris μ* ± {pct} half-width (σ), in outcome units per whole range"
    lines = [f"drivers per outcome: {key_text}; '?' = not settled (N/2 vs N)"]
    idx = res.indices.set_index(["outcome", "index", "parameter"])
    for o in res.outcomes:
        noise = res.noise.set_index("outcome").loc[o]
        level = noise["noise_share"] if res.method == "sobol" else noise["noise_mu_star"]
        ntext = f"replicate noise {level:.3g}" if level == level else "noise not estimated"
        lines.append(f"  {label(o)} [{ntext}]")
        if o in res.constant:
            lines.append("      does not vary over the design")
            continue
        dr = drivers(res, o)
        for r in dr.head(3).itertuples():
            mark = " ?" if _is(r.converged, False) else ""
            if res.method == "sobol":
                s1 = idx.loc[(o, "S1", r.parameter), "value"]
                text = f"{r.value:5.2f} ± {r.conf:4.2f}  ({s1:.2f})"
            else:
                sigma = idx.loc[(o, "sigma", r.parameter), "value"]
                text = f"{effect_text(o, r.value)} ± {effect_text(o, r.conf)}  ({effect_text(o, sigma)})"
            lines.append(f"      {r.parameter:38} {r.kind:12} {text}{mark}")
        rest = len(res.parameters) - min(3, len(dr))
        if dr.empty:
            lines.append("      no parameter clearly above zero and the replicate noise")
        elif rest:
            below = len(res.parameters) - len(dr)
            extra = f"{len(dr) - 3} more clear, " if len(dr) > 3 else ""
            lines.append(f"      ({extra}{below} not clearly above zero and the noise)")
        share = lever_share(res, o)
        if share is not None and not dr.empty:
            lev, unc = 100 * share, 100 * (1 - share)
            lines.append(f"      levers {lev:.0f} %, uncertainties {unc:.0f} % of the summed index")
    if res.warnings:
        lines.append("")
        lines += [f"warning: {w}" for w in res.warnings]
    return "\n".join(lines)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Validate, run or resume the sweep, analyse it, write the files and print a summary."""
    from clusterpolicy.analysis.sensitivity import (
        MIN_BOOTSTRAP,
        analyze_sweep,
        check_design,
        write_outputs,
    )
    from clusterpolicy.cli.sweep import prepare, run_prepared
    from clusterpolicy.studies.sweep import load_spec

    bootstrap = positive_int("--bootstrap", args.bootstrap, lo=MIN_BOOTSTRAP)
    if bootstrap > 100_000:
        raise UsageError("--bootstrap", f"{bootstrap}: a whole number from {MIN_BOOTSTRAP} to 100000")
    check_design(load_spec(args.spec))  # refuse grid/lhs before anything runs or connects
    spec, out, workers, executor = prepare(args)
    result = run_prepared(spec, out, workers, executor, args)
    t0 = time.perf_counter()
    res = analyze_sweep(result, bootstrap=bootstrap)
    files = write_outputs(res, out, spec=spec, manifest=result.store.manifest())
    print(
        f"\nsensitivity {spec.name}: {res.runs:,} runs at {res.points:,} points, replicates averaged per "
        f"point; {res.bootstrap} bootstrap resamples; analysed in {time.perf_counter() - t0:.0f} s"
    )
    print(summary_text(res))
    print(f"\nreport: {out / 'sensitivity.html'}\nfiles:  {out}/ ({', '.join(files)})")
    return 0

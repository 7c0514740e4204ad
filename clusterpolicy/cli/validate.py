"""``clusterpolicy validate`` and ``clusterpolicy calibrate``: the baseline against the Flemish record."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from clusterpolicy.cli.options import (
    add_lang,
    add_overrides,
    add_replications,
    add_run_options,
    add_seed,
    execution,
)


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` and ``calibrate`` sub-commands."""
    v = sub.add_parser(
        "validate",
        parents=parents,
        help="compare a scenario with the public record (targets with value, range and source)",
        description="Run a scenario over replications (and, for targets that need it, its counterfactual "
        "with the same seeds) and print, for every target, the observed value and range, its source, the "
        "model mean with its 95 % interval, and whether the mean lies within the range, fitted targets "
        "(in-sample) and held-out ones (out-of-sample) apart. Writes DIR/validation.csv, "
        "DIR/replications.csv, DIR/validation.png, DIR/validation_overview.png and DIR/report.html "
        "(in --lang).",
    )
    v.add_argument(
        "scenario",
        nargs="?",
        default="concept_note_2015",
        help="scenario name or path (default concept_note_2015)",
    )
    v.add_argument("--targets", help="targets file (default: the shipped targets.toml)")
    add_replications(v, 20)
    add_seed(v, 1)
    v.add_argument("--out", help="output folder (default results/validation)")
    add_run_options(v, store=False)
    add_overrides(v)
    add_lang(v)
    v.set_defaults(func=cmd_validate)

    c = sub.add_parser(
        "calibrate",
        parents=parents,
        help="fit the behavioural uncertainties to the targets and write a calibrated scenario",
        description="Run the experiment file's design (a Latin hypercube over behavioural uncertainties; "
        "resumable), score every parameter set against the targets with role = 'fit' (held-out targets are "
        "never seen), accept the sets "
        "within every target range, choose the accepted set closest to the observed values (or, if none "
        "is accepted, the one that misses the ranges by the least), and write it as a scenario file. Writes "
        "OUT/report.html (in --lang), OUT/calibration.csv, OUT/ensemble.csv and the figures.",
    )
    c.add_argument(
        "spec",
        nargs="?",
        default="calibration",
        help="experiment file (.toml) or the name of a shipped one (default calibration)",
    )
    c.add_argument("--targets", help="targets file (default: the shipped targets.toml)")
    c.add_argument("--out", help="run directory (default results/calibration)")
    c.add_argument(
        "--write", metavar="PATH", help="calibrated scenario file to write (default OUT/calibrated.toml)"
    )
    c.add_argument(
        "--refine",
        type=int,
        default=0,
        metavar="N",
        help="then a second Latin hypercube of N sets within the box of the best 5 %% of the first "
        "(default 0: none)",
    )
    c.add_argument(
        "--confirm",
        type=int,
        default=0,
        metavar="K",
        help="run the best K sets again with fresh replications and choose on those (default 0: none)",
    )
    c.add_argument(
        "--confirm-replications",
        type=int,
        default=10,
        metavar="R",
        help="replications of the confirmation (default 10)",
    )
    add_run_options(c, scheduler=True)
    add_lang(c)
    c.set_defaults(func=cmd_calibrate)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate a scenario against the targets; print the table; write the files."""
    from clusterpolicy.outputs.validation import FILES, summary_sentence, validation_text
    from clusterpolicy.studies.validate import validate

    out = Path(args.out or "results/validation")
    t0 = time.perf_counter()
    v = validate(
        args.scenario,
        args.targets,
        args.replications,
        args.seed,
        out=out,
        overrides=args.overrides,
        lang=args.lang,
        execution=execution(args),
    )
    elapsed = time.perf_counter() - t0
    cf = f" and its counterfactual ({v.targets.counterfactual}, same seeds)" if v.counterfactual else ""
    print(
        f"validated {v.scenario.name}{cf}:\n{len(v.seeds)} replications (seeds spawned from {args.seed}) in "
        f"{elapsed:.0f} s; targets: {v.targets.path}\n"
    )
    print(validation_text(v))
    print(f"\nin short:\n{summary_sentence(v)}")
    if v.failures:
        print(f"{len(v.failures)} run(s) failed and are left out: " + "; ".join(v.failures.values()))
    print(f"report: {out / 'report.html'}")
    print(f"files:  {out}/ ({', '.join(f for f in FILES if f != 'report.html')})")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Run the calibration design, choose the calibrated values and write the scenario."""
    from clusterpolicy.inputs.sweep_spec import load_spec
    from clusterpolicy.outputs.calibration import FILES, calibration_text
    from clusterpolicy.outputs.sweep import cost_text
    from clusterpolicy.studies.calibrate import calibrate

    spec = load_spec(args.spec)
    out = Path(args.out or f"results/{spec.name}")
    write = Path(args.write) if args.write else out / "calibrated.toml"
    ex = execution(args)
    second = f"; then a second stage of {args.refine} sets" if args.refine else ""
    if args.confirm:
        second += f"; then the best {args.confirm} again with {args.confirm_replications} replications"

    def start(name: str, todo: int, done: int) -> None:
        extra = f"; {done:,} already stored" if done else ""
        print(f"  {name}: {todo:,} runs to do{extra}", flush=True)

    print(f"calibrate {spec.name}: {cost_text(spec)}{second}; on {ex.where}")
    t0 = time.perf_counter()
    cal = calibrate(
        spec,
        args.targets,
        out,
        refine=args.refine,
        confirm=args.confirm,
        confirm_replications=args.confirm_replications,
        write=write,
        on_start=start,
        lang=args.lang,
        execution=ex,
    )
    print(f"finished {cal.runs:,} runs in {time.perf_counter() - t0:.0f} s\n")
    print(calibration_text(cal))
    if cal.failures:
        print(
            f"\n{len(cal.failures)} run(s) failed (see {out}/*/status.jsonl); --retry-failed runs them again"
        )
    assert cal.written is not None
    print(f"\nwrote {write} (scenario {cal.written.name!r}); check it with: clusterpolicy validate {write}")
    dirs = (
        "runs/, counterfactual/"
        + (", refine/" if args.refine else "")
        + (", confirmation.csv" if args.confirm else "")
    )
    print(f"report: {out / 'report.html'}")
    listed = ", ".join(f for f in FILES if f != "report.html")
    print(f"files:  {out}/ ({listed}, {dirs})")
    return 0

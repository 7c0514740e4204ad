"""``clusterpolicy validate`` and ``clusterpolicy calibrate``: the baseline against the Flemish record."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from clusterpolicy.cli.main import UsageError, check_seed, out_dir, positive_int, set_arg


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``validate`` and ``calibrate`` sub-commands."""
    v = sub.add_parser(
        "validate",
        help="compare a scenario with the public record (targets with value, range and source)",
        description="Run a scenario over replications (and, for targets that need it, its counterfactual "
        "with the same seeds) and print, for every target, the observed value and range, its source, the "
        "model mean with its 95 %% interval, and whether the mean lies within the range. Writes "
        "DIR/validation.csv, DIR/replications.csv and DIR/validation.png.",
    )
    v.add_argument(
        "scenario",
        nargs="?",
        default="concept_note_2015",
        help="scenario name or path (default concept_note_2015)",
    )
    v.add_argument("--targets", help="targets file (default experiments/data/targets.toml)")
    v.add_argument("--replications", type=int, default=20, help="replications (default 20)")
    v.add_argument("--seed", type=int, default=1, help="root seed of the replicate seeds (default 1)")
    v.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    v.add_argument("--out", help="output folder (default results/validation)")
    set_arg(v)
    v.set_defaults(func=cmd_validate)

    c = sub.add_parser(
        "calibrate",
        help="fit the behavioural uncertainties to the targets and write a calibrated scenario",
        description="Run the experiment file's design (a Latin hypercube over behavioural uncertainties; "
        "resumable), score every parameter set against the targets marked fit = true, accept the sets "
        "within every target range, choose the accepted set closest to the observed values (or, if none "
        "is accepted, the one that misses the ranges by the least), and write it as a scenario file.",
    )
    c.add_argument(
        "spec",
        nargs="?",
        default="calibration",
        help="experiment file (.toml) or the name of one in experiments/specs/ (default calibration)",
    )
    c.add_argument("--targets", help="targets file (default experiments/data/targets.toml)")
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
    c.add_argument("--workers", type=int, default=None, help="local worker processes (default: all cores)")
    c.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask distributed cluster at ADDRESS instead of local processes",
    )
    c.add_argument("--retry-failed", action="store_true", help="run again the runs that raised before")
    c.add_argument("--fresh", action="store_true", help="discard what --out holds and start over")
    c.set_defaults(func=cmd_calibrate)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate a scenario against the targets; print the table; write the files."""
    from clusterpolicy.analysis.validation import (
        load_targets,
        run_validation,
        validation_text,
        write_outputs,
    )
    from clusterpolicy.inputs.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.set)  # every input is checked before any work
    targets = load_targets(args.targets)
    reps = positive_int("--replications", args.replications, lo=2)
    seed = check_seed(args.seed)
    workers = positive_int("--workers", args.workers) if args.workers is not None else None
    out = out_dir(args.out, "results/validation")
    t0 = time.perf_counter()
    v = run_validation(scenario, targets, reps, seed, workers)
    files = write_outputs(v, out)
    elapsed = time.perf_counter() - t0
    cf = f" and its counterfactual ({targets.counterfactual}, same seeds)" if v.counterfactual else ""
    print(
        f"validated {scenario.name}{cf}: {reps} replications (seeds spawned from {seed}) in {elapsed:.0f} s; "
        f"targets: {targets.path}\n"
    )
    print(validation_text(v))
    n = len(v.targets.targets)
    print(
        f"\n{v.n_within} of {n} targets within range (model mean over replications inside the observed range)"
    )
    if v.failures:
        print(f"{len(v.failures)} run(s) failed and are left out: " + "; ".join(v.failures.values()))
    print(f"files: {out}/ ({', '.join(files)})")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Run the calibration design, choose the calibrated values and write the scenario."""
    from clusterpolicy.analysis.validation import load_targets
    from clusterpolicy.cli.sweep import dask_executor
    from clusterpolicy.runs.execute import default_workers
    from clusterpolicy.studies.calibrate import (
        calibrate,
        calibration_text,
        check_spec,
        check_write_path,
        fitted_targets,
        write_scenario,
    )
    from clusterpolicy.studies.sweep import cost_text, load_spec

    spec = load_spec(args.spec)
    check_spec(spec)
    targets = load_targets(args.targets)
    fit, _ = fitted_targets(targets, spec)
    out = out_dir(args.out, f"results/{spec.name}")
    write = check_write_path(args.write or out / "calibrated.toml", spec)
    refine = positive_int("--refine", args.refine, lo=0)
    if refine == 1:
        raise UsageError("--refine", "1: 0 (no second stage) or at least 2 sets")
    confirm = positive_int("--confirm", args.confirm, lo=0)
    confirm_reps = positive_int("--confirm-replications", args.confirm_replications, lo=2)
    workers = positive_int("--workers", args.workers) if args.workers is not None else None
    executor = dask_executor(args.scheduler) if args.scheduler else None
    where = (
        f"Dask scheduler {args.scheduler}" if executor else f"{workers or default_workers()} local worker(s)"
    )
    twice = " (x 2: the design again under the counterfactual policy)" if fit.needs_counterfactual else ""
    second = f"; then a second stage of {refine} sets" if refine else ""
    if confirm:
        second += f"; then the best {confirm} again with {confirm_reps} replications"
    print(
        f"calibrate {spec.name}: {cost_text(spec)}{twice}{second}; {len(fit.targets)} targets fitted; "
        f"on {where}"
    )

    def start(name: str, todo: int, done: int) -> None:
        extra = f"; {done:,} already stored" if done else ""
        print(f"  {name}: {todo:,} runs to do{extra}", flush=True)

    t0 = time.perf_counter()
    cal = calibrate(
        spec,
        targets,
        out,
        refine=refine,
        confirm=confirm,
        confirm_replications=confirm_reps,
        workers=workers,
        executor=executor,
        retry_failed=args.retry_failed,
        fresh=args.fresh,
        on_start=start,
    )
    written = write_scenario(cal, write)
    elapsed = time.perf_counter() - t0
    print(f"finished {cal.runs:,} runs in {elapsed:.0f} s\n")
    print(calibration_text(cal))
    if cal.failures:
        print(
            f"\n{len(cal.failures)} run(s) failed (see {out}/*/status.jsonl); --retry-failed runs them again"
        )
    print(f"\nwrote {Path(write)} (scenario {written.name!r}); check it with: clusterpolicy validate {write}")
    dirs = (
        "runs/, counterfactual/" + (", refine/" if refine else "") + (", confirmation.csv" if confirm else "")
    )
    print(f"files: {out}/ (calibration.csv, calibration.png, {dirs})")
    return 0

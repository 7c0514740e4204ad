"""The comparison study: named scenarios over paired replications, their intervals and a report.

``compare(["concept_note_2015", "serv_advice_2015"], replications=30)`` runs every scenario with the same
replicate seeds (common random numbers), summarises the last quarter (means, paired differences to the
first scenario, 95 % intervals) and, with ``out``, writes ``summary.csv``, ``timeseries.parquet``,
``timeseries.png``, ``differences.png`` and ``report.html``; the runs are kept in ``out/store``, so the
same call on the same folder resumes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Unpack

from clusterpolicy.analysis.comparison import Comparison, summarise
from clusterpolicy.inputs.checks import check_count, check_folder, check_seed
from clusterpolicy.inputs.ensemble import Ensemble, ensemble_sets
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.scenario import Overrides, Scenario, load_scenario
from clusterpolicy.model.metrics import OUTCOMES
from clusterpolicy.outputs import compare as output
from clusterpolicy.outputs.i18n import lang_argument
from clusterpolicy.runs.design import Point, paired_design
from clusterpolicy.runs.evaluate import evaluate
from clusterpolicy.runs.execution import Execution, RunOptions
from clusterpolicy.runs.folders import written

# every outcome but GDP, which is context (R&D intensity carries it)
COMPARED = [m for m in OUTCOMES if m != "gdp"]


def resolve_scenarios(
    scenarios: Sequence[str | Path | Scenario], overrides: Overrides = None
) -> list[Scenario]:
    """Load the scenarios of a comparison (at least two, each once).

    Raises:
        InputError: a bad scenario, fewer than two, or one given twice.
    """
    out = [s if isinstance(s, Scenario) else load_scenario(s, overrides) for s in scenarios]
    if len(out) < 2:
        raise InputError(
            "scenarios", "give at least two scenarios (the first is the reference)", argument=True
        )
    names = [s.name for s in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError("scenarios", f"scenario {dup[0]!r} given twice; give each once", argument=True)
    return out


def compare(
    scenarios: Sequence[str | Path | Scenario],
    replications: int = 30,
    seed: int = 1,
    *,
    out: Path | str | None = None,
    overrides: Overrides = None,
    report: bool = True,
    ensemble: Ensemble | str | Path | None = None,
    lang: str = "en",
    execution: Execution | None = None,
    **options: Unpack[RunOptions],
) -> Comparison:
    """Compare scenarios over paired replications.

    Args:
        scenarios: names, paths, or loaded scenarios; the first is the reference.
        replications: replicates per scenario (at least 2); replicate r has the same seed in every scenario.
        seed: root seed from which the replicate seeds are spawned.
        out: folder for the files and the resumable run store (default: write nothing).
        overrides: ``["policy.x=1", ...]`` or ``{"policy.x": 1}``, applied to every scenario.
        report: write ``report.html`` (with ``out``).
        ensemble: a calibration ensemble (loaded, or the path of ``ensemble.csv``): each replication runs
            with a parameter set drawn from it, the same in every scenario
            (:mod:`~clusterpolicy.inputs.ensemble`).
        lang: the language of the report and figures, ``en`` or ``nl``.
        execution: where and how to run (see :class:`~clusterpolicy.runs.execution.Execution`).
        **options: settings of ``execution`` to change, e.g. ``workers=2``, ``fresh=True``.

    Returns:
        The comparison; ``.summary`` has one row per scenario and metric: ``scenario, metric, mean,
        ci_low, ci_high, diff, diff_ci_low, diff_ci_high, n`` (last-quarter values; differences paired
        over replicates; 95 % intervals).

    Raises:
        InputError: bad input (before anything runs or is written), or every run failed.
    """
    resolved = resolve_scenarios(scenarios, overrides)
    replications = check_count("replications", replications, lo=2)
    seed = check_seed("seed", seed)
    folder = check_folder("out", out)
    lang = lang_argument(lang)
    execution = Execution.of(execution, **options)
    manifest = {
        "kind": "compare",
        "scenarios": [{"name": s.name, "parameters": s.params.to_dict()} for s in resolved],
    }
    points = [Point(i, s.name, s.params, {}) for i, s in enumerate(resolved)]
    ens = ensemble_sets(ensemble, replications, seed)
    design = paired_design("compare", points, replications, seed, manifest, per_replicate=ens)
    ev = evaluate(design, folder / "store" if folder else None, execution)
    ts = ev.rows()
    if not len(ts):
        first = next(iter(ev.failures.values()), "no runs")
        raise InputError("compare", f"every run failed; the first: {first}")
    metrics = [m for m in COMPARED if m in ts.columns]
    summary = summarise(ev.finals(), [s.name for s in resolved], metrics)
    comp = Comparison(resolved, design.seeds, summary, ts, ev.failures)
    if folder is not None:
        with written(folder):
            output.write(comp, folder, report_html=report, lang=lang)
    return comp

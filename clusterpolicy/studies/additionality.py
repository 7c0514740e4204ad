"""The additionality study: a scenario and its no-policy counterfactual with the same seeds.

``additionality("concept_note_2015")`` runs the scenario and its counterfactual (the scenario's economy
and behaviour under the counterfactual's ``[policy]``, default ``no_cluster_policy``) with the same seeds,
estimates the change in business R&D per public euro (:mod:`clusterpolicy.analysis.additionality`) and,
with ``out``, writes ``additionality.csv``, ``replicates.csv``, ``additionality.png`` and ``report.html``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

from clusterpolicy.analysis.additionality import ADDITIONALITY_METRICS, Additionality, additionality_estimates
from clusterpolicy.inputs.checks import check_count, check_folder, check_seed
from clusterpolicy.inputs.ensemble import Ensemble, ensemble_sets
from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.scenario import COUNTERFACTUAL, Overrides, Scenario, load_scenario
from clusterpolicy.inputs.scenario import counterfactual as counterfactual_scenario
from clusterpolicy.outputs import additionality as output
from clusterpolicy.outputs.i18n import lang_argument
from clusterpolicy.runs.design import Point, paired_design
from clusterpolicy.runs.evaluate import evaluate
from clusterpolicy.runs.execution import Execution, RunOptions
from clusterpolicy.runs.folders import written


def additionality(
    scenario: str | Path | Scenario,
    counterfactual: str | Path = COUNTERFACTUAL,
    replications: int = 30,
    seed: int = 1,
    *,
    out: Path | str | None = None,
    overrides: Overrides = None,
    level: float = 0.95,
    ensemble: Ensemble | str | Path | None = None,
    lang: str = "en",
    execution: Execution | None = None,
    **options: Unpack[RunOptions],
) -> Additionality:
    """Run a scenario and its counterfactual with the same seeds; estimate additionality.

    Args:
        scenario: a name, a path, or a loaded scenario (with a cluster policy).
        counterfactual: the scenario whose ``[policy]`` is the counterfactual.
        replications: paired replications (at least 2).
        seed: root seed of the replicate seeds.
        out: output folder (default: write nothing); the runs are kept in ``out/store``.
        overrides: ``["policy.x=1", ...]`` applied to the scenario (and its counterfactual).
        level: the intervals' level.
        ensemble: a calibration ensemble (loaded, or the path of ``ensemble.csv``): each replication runs
            with a parameter set drawn from it, the same in every run and its counterfactual
            (:mod:`~clusterpolicy.inputs.ensemble`).
        lang: the language of the report and figure, ``en`` or ``nl``.
        execution: where and how to run (see :class:`~clusterpolicy.runs.execution.Execution`).
        **options: settings of ``execution`` to change, e.g. ``workers=2``.

    Raises:
        InputError: bad input, before anything runs or is written.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
    cf = counterfactual_scenario(sc, counterfactual)
    if sc.params == cf.params:
        raise InputError(
            sc.name if isinstance(scenario, Scenario) else str(scenario),
            f"has the same parameters as its counterfactual {cf.name!r}; "
            "give a scenario with a cluster policy",
        )
    replications = check_count("replications", replications, lo=2)
    seed = check_seed("seed", seed)
    folder = check_folder("out", out)
    lang = lang_argument(lang)
    execution = Execution.of(execution, **options)
    cf_label = f"counterfactual: {cf.name}"
    points = [Point(0, sc.name, sc.params, {}), Point(1, cf_label, cf.params, {})]
    manifest = {
        "kind": "additionality",
        "points": [{"label": p.label, "parameters": p.params.to_dict()} for p in points],
    }
    ens = ensemble_sets(ensemble, replications, seed)
    design = paired_design(
        "additionality",
        points,
        replications,
        seed,
        manifest,
        columns=ADDITIONALITY_METRICS,
        per_replicate=ens,
    )
    ev = evaluate(design, folder / "store" if folder else None, execution)
    ts = ev.rows()
    table, per = additionality_estimates(ts, sc.name, cf_label, level, seed)
    quarters = list(ts["quarter"]) if len(ts) else ["?"]
    result = Additionality(
        sc, cf, design.seeds, table, per, ev.failures, level, str(min(quarters)), str(max(quarters))
    )
    if folder is not None:
        with written(folder):
            output.write(result, folder, lang)
    return result

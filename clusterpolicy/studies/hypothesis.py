"""The hypothesis study (and SERV's crowding-out question): paired runs of a lever's values, verdicts.

``hypothesis("H3")`` loads a hypothesis file, runs every value of its lever with the same replicate seeds,
tests each outcome and comparison (:func:`clusterpolicy.analysis.hypothesis.verdicts`) and, with ``out``,
writes ``verdicts.csv``, ``finals.csv``, ``effects.png`` and ``report.html``; the runs are kept in
``out/store``, so the same call resumes. :func:`crowding_out` runs SERV's crowding-out question under each
rule of privileged access (``policy.privileged_mode``): the shipped H3 file for the three rules that
privilege an amount of money, and H3b (the size of a score bonus) for the bonus rule; with ``out`` it
writes every rule's files in ``out/RULE/`` and one page for all of them, ``out/report.html``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Unpack

import pandas as pd

from clusterpolicy.analysis.hypothesis import MODES, CrowdingOut, HypothesisResult, verdicts
from clusterpolicy.inputs.checks import check_folder
from clusterpolicy.inputs.ensemble import Ensemble, ensemble_sets
from clusterpolicy.inputs.hypothesis_file import HypothesisSpec, load_hypothesis
from clusterpolicy.inputs.scenario import Overrides
from clusterpolicy.outputs import hypothesis as output
from clusterpolicy.outputs.i18n import lang_argument
from clusterpolicy.runs.design import Point, paired_design
from clusterpolicy.runs.evaluate import evaluate
from clusterpolicy.runs.execution import Execution, RunOptions
from clusterpolicy.runs.folders import written

CROWDING_OUT = "H3_crowding_out"
CROWDING_OUT_BONUS = "H3b_crowding_out_bonus"


def points_of(spec: HypothesisSpec) -> list[Point]:
    """The design points of a hypothesis: one per value of the lever, labelled by the value."""
    return [
        Point(i, label, params, {spec.lever: v})
        for i, (label, v, params) in enumerate(
            zip(spec.labels, spec.values, spec.parameter_sets, strict=True)
        )
    ]


def hypothesis(
    spec: HypothesisSpec | str | Path,
    *,
    out: Path | str | None = None,
    overrides: Overrides = None,
    replications: int | None = None,
    seed: int | None = None,
    report: bool = True,
    ensemble: Ensemble | str | Path | None = None,
    lang: str = "en",
    execution: Execution | None = None,
    **options: Unpack[RunOptions],
) -> HypothesisResult:
    """Run (or resume) a hypothesis test.

    Args:
        spec: a loaded hypothesis, or the path, shipped name or id (``H3``) of a hypothesis file.
        out: output folder (default: write nothing).
        overrides: applied at every value after the file's ``[fixed]`` (when ``spec`` is loaded here).
        replications: replace the file's replications (when ``spec`` is loaded here).
        seed: replace the file's root seed (when ``spec`` is loaded here).
        report: write ``report.html`` (with ``out``).
        ensemble: a calibration ensemble (loaded, or the path of ``ensemble.csv``): each replication runs
            with a parameter set drawn from it, the same in every value of the lever
            (:mod:`~clusterpolicy.inputs.ensemble`).
            The lever, the file's ``[fixed]`` keys and the overrides keep their values.
        lang: the language of the report and figures, ``en`` or ``nl``.
        execution: where and how to run (see :class:`~clusterpolicy.runs.execution.Execution`).
        **options: settings of ``execution`` to change, e.g. ``workers=2``.

    Raises:
        InputError: bad input, before anything runs or is written.
    """
    if not isinstance(spec, HypothesisSpec):
        spec = load_hypothesis(spec, overrides, replications=replications, seed=seed)
    folder = check_folder("out", out)
    lang = lang_argument(lang)
    execution = Execution.of(execution, **options)
    manifest = {
        "kind": "hypothesis",
        "lever": spec.lever,
        "points": [
            {"label": p.label, "value": p.values[spec.lever], "parameters": p.params.to_dict()}
            for p in points_of(spec)
        ],
    }
    metrics = [o.metric for o in spec.outcomes]
    own = {spec.lever, *spec.fixed, *spec.overrides}
    ens = ensemble_sets(ensemble, spec.replications, spec.seed, exclude=own)
    design = paired_design(
        spec.id, points_of(spec), spec.replications, spec.seed, manifest, columns=metrics, per_replicate=ens
    )
    ev = evaluate(design, folder / "store" if folder else None, execution)
    finals = ev.finals()
    last_q = str(finals["quarter"].iloc[-1]) if len(finals) else "?"
    keep = ["label", "replicate", "seed", *metrics]
    finals = (
        finals[[c for c in keep if c in finals.columns]].copy() if len(finals) else pd.DataFrame(columns=keep)
    )
    result = HypothesisResult(spec, design.seeds, verdicts(spec, finals), finals, ev.failures, last_q)
    if folder is not None:
        with written(folder):
            output.write(result, folder, report_html=report, lang=lang)
    return result


def crowding_out(
    modes: tuple[str, ...] = MODES,
    *,
    out: Path | str | None = None,
    overrides: Overrides = None,
    lang: str = "en",
    **kwargs: Any,
) -> CrowdingOut:
    """SERV's question, do privileged budgets crowd out other projects, under each rule of privileged access.

    For ``reserve``, ``reserve_release`` and ``priority`` the shipped H3 file (the privileged share of a
    fixed envelope) runs with ``policy.privileged_mode`` fixed to the rule; for ``bonus``, H3b (the size of
    the score bonus). With ``out``, each rule's files go to ``out/RULE/`` and all verdicts to
    ``out/verdicts.csv``.

    Args:
        modes: the rules to run, a subset of :data:`MODES`.
        out: output folder (default: write nothing).
        overrides: applied at every value (after the rule).
        lang: the language of the reports and figures, ``en`` or ``nl``.
        **kwargs: further keyword arguments of :func:`hypothesis` (replications, seed, execution, ...).

    Raises:
        InputError: bad input (an unknown rule among them), before anything runs.
    """
    from clusterpolicy.inputs.errors import argument_error

    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise argument_error("modes", list(modes), f"a non-empty list of {', '.join(MODES)}")
    folder = check_folder("out", out)
    lang = lang_argument(lang)
    replications, seed = kwargs.pop("replications", None), kwargs.pop("seed", None)
    specs = {}
    for m in modes:
        if isinstance(overrides, dict):
            rule: Overrides = overrides if m == "bonus" else {"policy.privileged_mode": m, **overrides}
        else:
            rule = [*([] if m == "bonus" else [f"policy.privileged_mode={m}"]), *(overrides or [])]
        name = CROWDING_OUT_BONUS if m == "bonus" else CROWDING_OUT
        specs[m] = load_hypothesis(name, rule, replications=replications, seed=seed)
    results = {
        m: hypothesis(s, out=folder / m if folder else None, lang=lang, **kwargs) for m, s in specs.items()
    }
    co = CrowdingOut(results)
    if folder is not None:
        with written(folder):
            output.write_crowding_out(co, folder, lang)
    return co

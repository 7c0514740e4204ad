"""The model as an EMA Workbench model: levers, uncertainties and outcomes from the declarations.

``ema_model`` returns an ``ema_workbench`` model that EMA's samplers and evaluators drive directly::

    from ema_workbench import SequentialEvaluator, perform_experiments
    from clusterpolicy.interop.ema import ema_model

    model = ema_model(
        levers=["privileged_share", "deposit_window_quarters"],
        uncertainties={"sme_money_cost": (2.0, 10.0)},
        outcomes=["proposals_crowded_out_total", "sme_participation_rate"],
        replications=3,
    )
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=4, policies=2)

* **Parameters** are named by their key (``privileged_share`` or ``policy.privileged_share``); EMA needs
  Python identifiers, so the EMA name is the key without its section. Their type and range come from
  ``clusterpolicy.model.params``: a number becomes a ``RealParameter`` over the declared range (or the
  bounds given), an integer an ``IntegerParameter``, a boolean a ``BooleanParameter`` and a string with
  declared choices a ``CategoricalParameter`` (all choices, or the ones given). Lists (calendars) cannot
  be varied here; fix them in the scenario.
* **Outcomes** are ``ScalarOutcome`` objects named and documented as in ``clusterpolicy.model.metrics``
  (the value in the last quarter).
* **Replications and seeds**: with ``replications`` = R, the model is an EMA ``ReplicatorModel`` whose
  replicate *r* runs with the *r*-th seed spawned from ``seed`` by ``numpy.random.SeedSequence`` (as
  ``clusterpolicy.runs.design`` does), the same in every experiment: common random numbers, so the
  differences between experiments are not seed noise. Each outcome is the mean over the replicates
  (``aggregate`` changes that). With R = 1 it is a plain EMA ``Model`` run with the first such seed.
* **A model with levers only** (or uncertainties only): EMA Workbench 3.0.0's own ``perform_experiments``
  fails on it, twice over: its default callback adds an empty list to a parameter map (``TypeError: can
  only concatenate list (not "ParameterMap") to list``), and, when that is avoided, it records each
  experiment by merging the policy into the one shared empty scenario (``Sample.copy`` is shallow), so
  the second experiment stops with ``Parameters exist in both ...``. :func:`perform_experiments` here is
  EMA's with a callback that does neither (:class:`Callback`); pass ``callback=Callback`` to an
  evaluator's ``perform_experiments`` for the same.

The model function is a picklable object, so EMA's ``MultiprocessingEvaluator`` runs it in its worker
processes. EMA Workbench is an optional extra: ``pip install 'clusterpolicy[ema]'``.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clusterpolicy.inputs.errors import InputError
from clusterpolicy.inputs.scenario import Overrides, load_scenario
from clusterpolicy.model.metrics import OUTCOMES
from clusterpolicy.model.params import ParameterError, Params, ParamSpec, declarations, full_key
from clusterpolicy.runs.design import replicate_seeds
from clusterpolicy.runs.runner import run_one

EXTRA = "pip install 'clusterpolicy[ema]'"
# what a parameter may be given as: its key, or key -> (low, high) / choices
ParameterChoice = Sequence[str] | Mapping[str, Any] | None


def _ema() -> Any:
    """The ``ema_workbench`` module, or one line saying how to install it."""
    try:
        with warnings.catch_warnings():  # EMA warns at import that its optional ipyparallel is missing
            warnings.filterwarnings("ignore", message="ipyparallel not installed", category=UserWarning)
            import ema_workbench
    except ImportError:  # pragma: no cover - the tests install the extra
        raise InputError("ema_workbench", f"not installed; the EMA adapter needs it: {EXTRA}") from None
    return ema_workbench


def nan_mean(values: Sequence[float]) -> float:
    """The mean over replicates, leaving out undefined values (NaN where every replicate is undefined)."""
    a = np.asarray(values, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.nanmean(a)) if a.size else math.nan


@dataclass(frozen=True)
class ClusterPolicyFunction:
    """The model as EMA calls it: keyword arguments (EMA names, ``seed``) in, the final outcomes out.

    Attributes:
        base: the resolved base scenario the varied parameters are set on.
        keys: EMA name -> dotted key of every varied parameter.
        outcomes: the outcomes returned.
    """

    base: Params
    keys: Mapping[str, str]
    outcomes: tuple[str, ...]

    def __call__(self, seed: int, **values: Any) -> dict[str, float]:
        """Run the model once with ``values`` set on the base scenario; the outcomes in the last quarter."""
        changes = {self.keys[k]: _plain(v) for k, v in values.items()}
        params = self.base.replace(**changes) if changes else self.base
        final = run_one(params, int(seed)).final
        return {o: math.nan if final.get(o) is None else float(final[o]) for o in self.outcomes}  # type: ignore[arg-type]


def _plain(v: Any) -> Any:
    """A NumPy scalar (as EMA's samplers give) as the Python value it holds."""
    return v.item() if isinstance(v, np.generic) else v


def _declared(key: str, by_key: Mapping[str, ParamSpec]) -> ParamSpec:
    try:
        return by_key[full_key(key)]
    except ParameterError as exc:
        raise InputError(key, f"{exc.allowed}", argument=False) from None


def _parameter(spec: ParamSpec, given: Any) -> Any:
    """The EMA parameter of one declaration, over its declared range or the bounds/choices ``given``."""
    ema = _ema()
    name = spec.key.partition(".")[2]
    if spec.type is bool:
        return ema.BooleanParameter(name)
    if spec.type is str and spec.choices:
        cats = list(spec.choices) if given is None else list(given)
        bad = [c for c in cats if c not in spec.choices]
        if bad or len(cats) < 2:
            allowed = ", ".join(repr(c) for c in spec.choices)
            raise InputError(spec.key, f"{cats!r}: two or more of {allowed}")
        return ema.CategoricalParameter(name, cats)
    if spec.type not in (int, float):
        raise InputError(spec.key, "not a scalar parameter: only numbers, booleans and choices can be varied")
    lo, hi = (spec.lo, spec.hi) if given is None else tuple(given)
    if lo is None or hi is None:
        raise InputError(spec.key, "no declared range: give its bounds, e.g. {key: (low, high)}")
    if not (spec.lo is None or spec.lo <= lo) or not (spec.hi is None or hi <= spec.hi) or not lo < hi:
        raise InputError(
            spec.key, f"bounds {[lo, hi]}: low < high within the declared range [{spec.lo:g}, {spec.hi:g}]"
        )
    if spec.type is int:
        return ema.IntegerParameter(name, int(lo), int(hi))
    return ema.RealParameter(name, float(lo), float(hi))


def _parameters(chosen: ParameterChoice, by_key: Mapping[str, ParamSpec]) -> dict[str, Any]:
    """Dotted key -> EMA parameter."""
    if chosen is None:
        return {}
    items = chosen.items() if isinstance(chosen, Mapping) else ((k, None) for k in chosen)
    out = {}
    for key, given in items:
        spec = _declared(key, by_key)
        out[spec.key] = _parameter(spec, given)
    return out


def _callback_class() -> type:
    """EMA's default callback, accepting an empty side (levers only, or uncertainties only)."""
    from ema_workbench.em_framework.callbacks import DefaultCallback

    class Callback(DefaultCallback):
        """EMA's ``DefaultCallback`` for a model with levers only or uncertainties only.

        The uncertainties and levers may each be a list or a parameter map, and recording an experiment
        leaves its scenario (shared by every policy) as it was.
        """

        def __init__(self, uncertainties: Any, levers: Any, *args: Any, **kwargs: Any):
            super().__init__(list(uncertainties), list(levers), *args, **kwargs)

        def _store_case(self, experiment: Any) -> None:
            scenario = copy.copy(experiment.scenario)
            scenario.data = dict(experiment.scenario.data)  # EMA merges the policy into it
            experiment.scenario = scenario
            super()._store_case(experiment)

    return Callback


def __getattr__(name: str) -> Any:
    if name == "Callback":  # built on first use, so that importing this module does not import EMA
        return _callback_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def perform_experiments(models: Any, scenarios: Any = 0, policies: Any = 0, **kwargs: Any) -> Any:
    """EMA Workbench's ``perform_experiments``, also for a model with levers only or uncertainties only.

    Arguments are EMA's (``evaluator=``, ``uncertainty_sampling=``, ...); the callback defaults to
    :class:`Callback`. Returns EMA's ``(experiments, outcomes)``.
    """
    ema = _ema()
    kwargs.setdefault("callback", _callback_class())
    return ema.perform_experiments(models, scenarios=scenarios, policies=policies, **kwargs)


def ema_model(
    levers: ParameterChoice = None,
    uncertainties: ParameterChoice = None,
    *,
    scenario: str = "concept_note_2015",
    overrides: Overrides = None,
    outcomes: Sequence[str] | None = None,
    replications: int = 1,
    seed: int = 1,
    aggregate: Callable[[Sequence[float]], float] = nan_mean,
    name: str = "clusterpolicy",
) -> Any:
    """An EMA Workbench model of the cluster-policy model.

    Args:
        levers: the levers to vary: keys (``["privileged_share"]``), or key -> ``(low, high)`` for numbers
            or a list of choices for categorical parameters; default ranges are the declared ones.
        uncertainties: the uncertainties to vary, given the same way.
        scenario: the base scenario (a shipped name or a path) every experiment starts from.
        overrides: ``section.key=value`` strings or a mapping, fixed in every experiment (e.g. a smaller
            economy: ``["population.n_firms=2000"]``).
        outcomes: outcome names (default: the headline outcomes).
        replications: runs per experiment, replicate *r* with the same seed in every experiment.
        seed: root seed the replicate seeds are spawned from.
        aggregate: turns the replicates' values into one (default: their mean, undefined values left out).
        name: the EMA model's name (a Python identifier).

    Returns:
        An ``ema_workbench.Model`` (one replication) or ``ema_workbench.ReplicatorModel``.

    Raises:
        InputError: an unknown key or outcome, bounds outside the declared range, a parameter given as
            both lever and uncertainty, or ``ema_workbench`` not installed.
    """
    ema = _ema()
    by_key = {d.key: d for d in declarations()}
    lev = _parameters(levers, by_key)
    unc = _parameters(uncertainties, by_key)
    both = sorted(set(lev) & set(unc))
    if both:
        raise InputError(both[0], "given as a lever and as an uncertainty; choose one")
    chosen = list(outcomes) if outcomes is not None else [n for n, o in OUTCOMES.items() if o.headline]
    unknown = [o for o in chosen if o not in OUTCOMES]
    if unknown:
        raise InputError(
            "outcomes", f"{unknown[0]!r}: not an outcome (see 'clusterpolicy metrics')", argument=True
        )
    if not isinstance(replications, int) or isinstance(replications, bool) or replications < 1:
        raise InputError("replications", f"{replications}: a whole number of at least 1", argument=True)
    base = load_scenario(scenario, overrides).params
    keys = {k.partition(".")[2]: k for k in [*lev, *unc]}
    function = ClusterPolicyFunction(base, keys, tuple(chosen))
    seeds = replicate_seeds(seed, replications)
    if replications == 1:
        model = ema.Model(name, function=function)
        model.constants = [ema.Constant("seed", seeds[0])]
        model.outcomes = [ema.ScalarOutcome(o) for o in chosen]
    else:
        model = ema.ReplicatorModel(name, function=function)
        model.replications = [{"seed": s} for s in seeds]
        model.outcomes = [ema.ScalarOutcome(o, function=aggregate) for o in chosen]
    model.levers = list(lev.values())
    model.uncertainties = list(unc.values())
    return model

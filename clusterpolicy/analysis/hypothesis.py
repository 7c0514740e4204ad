"""Hypothesis tests for advisory councils: a yes/no per outcome, with a number and an interval.

A *hypothesis file* (TOML, shipped ones in ``experiments/hypotheses/``) names a base scenario, one lever
and the values to compare against a reference value, the outcomes with their expected direction, the
replications, a root seed and the significance level α (the format is documented in
``docs/hypotheses.md``). Every value of the lever is run with the same replicate seeds (common random
numbers), so that replicate ``r`` at one value and replicate ``r`` at the reference form a pair.

The statistics, per outcome and per value compared with the reference:

* the *effect* is the mean over replicates of the paired difference (value − reference) of the outcome's
  last-quarter value;
* the *p-value* is that of the two-sided paired t-test (:func:`scipy.stats.ttest_rel`) of the difference
  against 0 (``increase``/``decrease``) or against the margin (``no decrease``/``no increase``);
* the p-values of all outcomes × comparisons of a file form one family and are adjusted together:
  Bonferroni (default; family-wise error rate), Benjamini–Hochberg (``bh``; false discovery rate, via
  :func:`scipy.stats.false_discovery_control`) or not at all (``none``);
* the interval is the Student-t interval of the paired difference at the level that matches the
  adjustment -- 1 − α/m for Bonferroni over m tests, 1 − Rα/m for Benjamini–Hochberg with R discoveries
  (Benjamini & Yekutieli 2005), 1 − α without adjustment -- so that a verdict other than "not supported"
  holds exactly when the interval excludes the tested value;
* the verdict is "supported" when the adjusted p-value is below α and the effect lies on the expected side,
  "opposite" when it is below α on the other side, and "not supported" otherwise.

Additionality (:func:`run_additionality`) runs a scenario and the no-policy counterfactual with the same
seeds and reports the change in business R&D per public euro with a paired bootstrap interval, next to
the naive member-versus-non-member estimate from the policy run alone.
"""

from __future__ import annotations

import math
import warnings
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clusterpolicy.analysis.stats import mean_ci, paired_diff_ci
from clusterpolicy.inputs.scenario import (
    COUNTERFACTUAL,
    Scenario,
    ScenarioError,
    display_path,
    load_scenario,
    parse_override,
    read_toml,
)
from clusterpolicy.inputs.scenario import counterfactual as counterfactual_of
from clusterpolicy.model.metrics import REPORTERS
from clusterpolicy.model.params import SECTIONS, ParameterError, Params, coerce_value, field_spec
from clusterpolicy.outputs.files import atomic_write, write_text
from clusterpolicy.runs.design import Point, replicate_seeds
from clusterpolicy.runs.execute import RunFn
from clusterpolicy.runs.store import run_design

HYPOTHESIS_DIR = Path(__file__).resolve().parent.parent / "data" / "hypotheses"
SCENARIO_LEVER = "scenario"
EXPECTED = ("increase", "decrease", "no decrease", "no increase")
FLIPPED = {
    "increase": "decrease",
    "decrease": "increase",
    "no decrease": "no increase",
    "no increase": "no decrease",
}
CORRECTIONS = ("bonferroni", "bh", "none")
VERDICTS = ("supported", "not supported", "opposite")
TOP_KEYS = ("hypothesis", "fixed", "outcome")
HYPOTHESIS_KEYS = (
    "id",
    "title",
    "statement",
    "source",
    "base",
    "lever",
    "values",
    "reference",
    "replications",
    "seed",
    "alpha",
    "correction",
)
REQUIRED_KEYS = ("id", "title", "lever", "values", "reference", "replications")
OUTCOME_KEYS = ("metric", "expected", "margin", "why")
VERDICT_COLUMNS = [
    "hypothesis",
    "outcome",
    "comparison",
    "effect",
    "ci_low",
    "ci_high",
    "p_value",
    "p_adjusted",
    "verdict",
    "expected",
    "tested_against",
    "value",
    "reference",
    "reference_mean",
    "value_mean",
    "n",
    "ci_level",
    "correction",
    "tests_in_family",
]
TEST_NAME = "two-sided paired t-test (scipy.stats.ttest_rel)"


# ---------------------------------------------------------------------------------------------- the spec
@dataclass(frozen=True)
class Outcome:
    """One outcome of a hypothesis.

    Attributes:
        metric: a metric of ``model.metrics.REPORTERS`` (its last-quarter value is compared).
        expected: ``increase``/``decrease`` (as the lever rises, or from the reference to the other
            values of a non-numeric lever), or ``no decrease``/``no increase`` by more than ``margin``.
        margin: the largest change in the feared direction still counted as "no change" (the metric's
            units; only for ``no decrease``/``no increase``).
        why: a note for people (where the expectation comes from).
    """

    metric: str
    expected: str
    margin: float = 0.0
    why: str = ""


@dataclass(frozen=True)
class HypothesisSpec:
    """A validated hypothesis file, with the parameters of every value of the lever resolved."""

    id: str
    title: str
    statement: str
    source: str
    path: Path | None
    base: str | None
    lever: str
    values: tuple[Any, ...]
    reference: Any
    fixed: dict[str, Any]
    replications: int
    seed: int
    alpha: float
    correction: str
    outcomes: tuple[Outcome, ...]
    points: tuple[Point, ...]
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        """The lever takes numbers (so "increase" means "rises with the lever")."""
        return self.lever != SCENARIO_LEVER and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in self.values
        )

    @property
    def reference_label(self) -> str:
        """Label of the reference value."""
        return value_label(self.reference)

    @property
    def comparisons(self) -> list[Any]:
        """The values compared with the reference, in file order."""
        return [v for v in self.values if value_label(v) != self.reference_label]

    def comparison_text(self, value: Any) -> str:
        """``0.2 vs 0`` -- how a comparison is named in tables."""
        return f"{value_label(value)} vs {self.reference_label}"

    def flipped(self, value: Any) -> bool:
        """A numeric lever's value below the reference: the expected direction turns round."""
        return self.numeric and value < self.reference

    def expected_for(self, outcome: Outcome, value: Any) -> str:
        """The expected direction of the effect (value − reference) of this comparison."""
        return FLIPPED[outcome.expected] if self.flipped(value) else outcome.expected

    def design(self, seeds: list[int]) -> dict[str, Any]:
        """What the runs depend on (the part of the manifest that must match to resume)."""
        return {
            "kind": "hypothesis",
            "lever": self.lever,
            "points": [
                {"label": p.label, "value": p.values[self.lever], "parameters": p.params.to_dict()}
                for p in self.points
            ],
            "root_seed": self.seed,
            "replications": self.replications,
            "seeds": seeds,
        }


def value_label(value: Any) -> str:
    """A lever value for people: ``0.2``, ``2.8e+08``, ``jury``, ``true``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(value_label(v) for v in value) + "]"
    return str(value)


def available_hypotheses() -> list[str]:
    """Names of the shipped hypothesis files (in ``experiments/hypotheses/``)."""
    return sorted(p.stem for p in HYPOTHESIS_DIR.glob("*.toml"))


def resolve_hypothesis_path(name_or_path: str | Path) -> Path:
    """The file of a hypothesis given by path, by shipped name (``H3_crowding_out``) or by id (``H3``).

    Raises:
        ScenarioError: when there is no such file (the message lists the shipped names).
    """
    text = str(name_or_path)
    p = Path(text)
    if p.is_file():
        return p
    if (HYPOTHESIS_DIR / f"{text}.toml").is_file():
        return HYPOTHESIS_DIR / f"{text}.toml"
    matches = [n for n in available_hypotheses() if n.split("_")[0].lower() == text.lower()]
    if len(matches) == 1:
        return HYPOTHESIS_DIR / f"{matches[0]}.toml"
    raise ScenarioError(
        text, f"no such hypothesis file or name; shipped hypotheses: {', '.join(available_hypotheses())}"
    )


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"policy": {"x": 1}}`` and ``{"policy.x": 1}`` both become ``{"policy.x": 1}``."""
    out: dict[str, Any] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, f"{key}."))
        else:
            out[key] = v
    return out


def _check_key(src: str, where: str, key: str, value: Any) -> Any:
    """Validate one dotted parameter key and value; returns the canonical value."""
    sec = key.partition(".")[0]
    if sec not in SECTIONS or "." not in key:
        raise ScenarioError(
            src, f"{where}{key} = {value!r}: not a parameter; keys look like policy.privileged_share"
        )
    try:
        field_spec(key)
    except ParameterError:
        raise ScenarioError(
            src, f"{where}{key} = {value!r}: unknown parameter (see 'clusterpolicy check concept_note_2015')"
        ) from None
    try:
        return coerce_value(key, value)
    except ParameterError as exc:
        raise ScenarioError(src, f"{where}{exc}") from None


def _number(src: str, key: str, value: Any, lo: float, hi: float, integer: bool, open_: bool = False) -> Any:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ok and integer:
        ok = float(value).is_integer()
    if ok:
        ok = lo < value < hi if open_ else lo <= value <= hi
    if not ok:
        kind = "a whole number" if integer else "a number"
        if math.isinf(hi):
            rng = f"above {lo:g}" if open_ else f"of at least {lo:g}"
        elif open_:
            rng = f"between {lo:g} and {hi:g} (exclusive)"
        else:
            rng = f"from {lo:g} to {'2**63-1' if hi == 2**63 - 1 else f'{hi:g}'}"
        raise ScenarioError(src, f"{key} = {value!r}: {kind} {rng}")
    return int(value) if integer else float(value)


def _text(src: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(src, f"{key} = {value!r}: a non-empty string")
    return value


def load_hypothesis(
    name_or_path: str | Path,
    overrides: list[str] | dict[str, Any] | None = None,
    replications: int | None = None,
    seed: int | None = None,
) -> HypothesisSpec:
    """Read, validate and resolve a hypothesis file.

    Args:
        name_or_path: a path, or the name (or id, e.g. ``H3``) of a shipped file.
        overrides: ``--set`` style overrides applied at every value (after ``[fixed]``); not the lever.
        replications: replace the file's replications.
        seed: replace the file's root seed.

    Raises:
        ScenarioError: one line naming the file (or flag), the key, the value and what is allowed.
    """
    path = resolve_hypothesis_path(name_or_path)
    src = display_path(path)
    data = read_toml(path, src)
    for key in data:
        if key not in TOP_KEYS:
            raise ScenarioError(
                src,
                f"{key} = {data[key]!r}: unknown top-level key; allowed: [hypothesis], [fixed], [[outcome]]",
            )
    h = data.get("hypothesis")
    if not isinstance(h, dict):
        raise ScenarioError(src, "a [hypothesis] table is required")
    for key in h:
        if key not in HYPOTHESIS_KEYS:
            raise ScenarioError(
                src, f"hypothesis.{key} = {h[key]!r}: unknown key; allowed: {', '.join(HYPOTHESIS_KEYS)}"
            )
    for key in REQUIRED_KEYS:
        if key not in h:
            raise ScenarioError(src, f"hypothesis.{key}: missing (required: {', '.join(REQUIRED_KEYS)})")

    hid = _text(src, "hypothesis.id", h["id"])
    title = _text(src, "hypothesis.title", h["title"])
    statement = str(h.get("statement", ""))
    source = str(h.get("source", ""))
    reps = _number(src, "hypothesis.replications", h["replications"], 2, math.inf, integer=True)
    if replications is not None:
        reps = _number("--replications", "--replications", replications, 2, math.inf, integer=True)
    root = _number(src, "hypothesis.seed", h.get("seed", 1), 0, 2**63 - 1, integer=True)
    if seed is not None:
        root = _number("--seed", "--seed", seed, 0, 2**63 - 1, integer=True)
    alpha = _number(src, "hypothesis.alpha", h.get("alpha", 0.05), 0, 1, integer=False, open_=True)
    correction = h.get("correction", "bonferroni")
    if correction not in CORRECTIONS:
        raise ScenarioError(
            src, f"hypothesis.correction = {correction!r}: one of {', '.join(repr(c) for c in CORRECTIONS)}"
        )

    # the lever and its values
    lever = h["lever"]
    if not isinstance(lever, str):
        raise ScenarioError(
            src, f"hypothesis.lever = {lever!r}: a parameter key like policy.privileged_share"
        )
    raw_values = h["values"]
    if not isinstance(raw_values, list) or len(raw_values) < 2:
        raise ScenarioError(src, f"hypothesis.values = {raw_values!r}: a list of at least two values")
    if lever == SCENARIO_LEVER:
        if "base" in h:
            raise ScenarioError(
                src,
                f"hypothesis.base = {h['base']!r}: not used when lever = 'scenario' "
                "(the values are scenarios)",
            )
        values = [_text(src, "hypothesis.values", v) for v in raw_values]
        reference = h["reference"]
        base = None
    else:
        if "base" not in h:
            raise ScenarioError(src, "hypothesis.base: missing; the scenario the lever is turned in")
        base = _text(src, "hypothesis.base", h["base"])
        _check_key(src, "hypothesis.lever: ", lever, _first(raw_values))
        values = [_check_key(src, "hypothesis.values: ", lever, v) for v in raw_values]
        try:
            reference = coerce_value(lever, h["reference"])
        except ParameterError:
            reference = h["reference"]
    labels = [value_label(v) for v in values]
    dup = sorted({x for x in labels if labels.count(x) > 1})
    if dup:
        raise ScenarioError(
            src, f"hypothesis.values = {raw_values!r}: {dup[0]} is given twice; give each once"
        )
    if value_label(reference) not in labels or isinstance(reference, list | dict):
        raise ScenarioError(
            src, f"hypothesis.reference = {h['reference']!r}: must be one of the values ({', '.join(labels)})"
        )
    reference = values[labels.index(value_label(reference))]

    # fixed settings and --set overrides
    fixed_raw = data.get("fixed", {})
    if not isinstance(fixed_raw, dict):
        raise ScenarioError(src, f"fixed = {fixed_raw!r}: must be a table [fixed]")
    fixed = {k: _check_key(src, "fixed: ", k, v) for k, v in _flatten(fixed_raw).items()}
    if lever in fixed:
        raise ScenarioError(src, f"fixed: {lever} = {fixed[lever]!r}: the lever cannot also be fixed")
    items = (
        list(overrides.items())
        if isinstance(overrides, dict)
        else [parse_override(o) for o in overrides or []]
    )
    applied = {k: _check_key("--set", "", k, v) for k, v in items}
    if lever in applied:
        raise ScenarioError("--set", f"{lever} = {applied[lever]!r}: the lever of {hid} cannot be overridden")
    settings = {**fixed, **applied}

    # outcomes
    outs_raw = data.get("outcome")
    if not isinstance(outs_raw, list) or not outs_raw or not all(isinstance(o, dict) for o in outs_raw):
        raise ScenarioError(src, "at least one [[outcome]] table with metric and expected is required")
    outcomes = []
    seen: set[str] = set()
    for i, o in enumerate(outs_raw, start=1):
        where = f"outcome {i}"
        for key in o:
            if key not in OUTCOME_KEYS:
                raise ScenarioError(
                    src, f"{where}: {key} = {o[key]!r}: unknown key; allowed: {', '.join(OUTCOME_KEYS)}"
                )
        for key in ("metric", "expected"):
            if key not in o:
                raise ScenarioError(src, f"{where}: {key}: missing (required: metric, expected)")
        metric = o["metric"]
        if metric not in REPORTERS:
            raise ScenarioError(
                src, f"{where}: metric = {metric!r}: unknown metric; known: {', '.join(REPORTERS)}"
            )
        if metric in seen:
            raise ScenarioError(src, f"{where}: metric = {metric!r}: given twice; give each outcome once")
        seen.add(metric)
        expected = o["expected"]
        if expected not in EXPECTED:
            raise ScenarioError(
                src, f"{where}: expected = {expected!r}: one of {', '.join(repr(e) for e in EXPECTED)}"
            )
        margin = 0.0
        if expected.startswith("no "):
            if "margin" not in o:
                raise ScenarioError(
                    src,
                    f"{where}: margin: missing; expected = {expected!r} needs a margin > 0 "
                    "in the metric's units",
                )
            margin = _number(src, f"{where}: margin", o["margin"], 0, math.inf, integer=False, open_=True)
        elif "margin" in o:
            raise ScenarioError(
                src,
                f"{where}: margin = {o['margin']!r}: only for expected = 'no decrease' or 'no increase' "
                "(an increase or decrease is tested against 0)",
            )
        outcomes.append(Outcome(metric, expected, margin, str(o.get("why", ""))))

    points = _resolve_points(src, base, lever, values, settings, path.parent)
    return HypothesisSpec(
        id=hid,
        title=title,
        statement=statement,
        source=source,
        path=path,
        base=base,
        lever=lever,
        values=tuple(values),
        reference=reference,
        fixed=fixed,
        replications=reps,
        seed=root,
        alpha=alpha,
        correction=correction,
        outcomes=tuple(outcomes),
        points=tuple(points),
        overrides=applied,
    )


def _first(values: list[Any]) -> Any:
    return values[0] if values else None


def _near(name: str, folder: Path) -> str | Path:
    """A scenario named in a hypothesis file: a file next to it if there is one, else the name."""
    for candidate in (folder / name, folder / f"{name}.toml"):
        if candidate.is_file() and folder != HYPOTHESIS_DIR:
            return candidate
    return name


def _resolve_points(
    src: str, base: str | None, lever: str, values: list[Any], settings: dict[str, Any], folder: Path
) -> list[Point]:
    points = []
    if lever == SCENARIO_LEVER:
        for i, name in enumerate(values):
            try:
                sc = load_scenario(_near(name, folder))
            except ScenarioError as exc:
                raise ScenarioError(src, f"hypothesis.values: {name!r}: {exc}") from None
            params = _apply(src, sc.params, settings, f"with scenario {name!r}: ")
            points.append(Point(i, value_label(name), params, {lever: name}))
        return points
    assert base is not None
    try:
        base_sc = load_scenario(_near(base, folder))
    except ScenarioError as exc:
        raise ScenarioError(src, f"hypothesis.base = {base!r}: {exc}") from None
    for i, v in enumerate(values):
        params = _apply(src, base_sc.params, {**settings, lever: v}, f"at {lever} = {v!r}: ", lever)
        points.append(Point(i, value_label(v), params, {lever: v}))
    return points


def _apply(src: str, params: Params, settings: dict[str, Any], where: str, lever: str = "") -> Params:
    """Apply settings; a rule that involves more than one key may still fail (one line, naming both)."""
    try:
        return params.replace(**settings)
    except ParameterError as exc:
        where = "hypothesis.values: " if exc.key == lever else where
        raise ScenarioError(src, f"{where}{exc}") from None


# ------------------------------------------------------------------------------------------ statistics
@dataclass(frozen=True)
class PairedTest:
    """A paired comparison before adjustment."""

    effect: float
    n: int
    p: float
    tested_against: float


def paired_test(values: np.ndarray, reference: np.ndarray, tested_against: float = 0.0) -> PairedTest:
    """Paired t-test of ``mean(values − reference) = tested_against`` over pairs where both are finite.

    The p-value is two-sided, from :func:`scipy.stats.ttest_rel`. With fewer than two pairs it is NaN;
    when every difference is the same it is 0 (a difference without noise) or 1 (no difference).
    """
    from scipy import stats

    a = np.asarray(values, dtype=float)
    b = np.asarray(reference, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    d = a - b
    n = len(d)
    if n == 0:
        return PairedTest(float("nan"), 0, float("nan"), tested_against)
    effect = float(d.mean())
    if n < 2:
        return PairedTest(effect, n, float("nan"), tested_against)
    if float(d.std(ddof=1)) == 0.0:
        return PairedTest(effect, n, 0.0 if effect != tested_against else 1.0, tested_against)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # near-constant differences: precision notes
        p = float(stats.ttest_rel(a, b + tested_against).pvalue)
    return PairedTest(effect, n, p, tested_against)


def adjust(p: np.ndarray, alpha: float, method: str) -> tuple[np.ndarray, float]:
    """Adjust a family of p-values; also return the matching confidence level of the intervals.

    NaN p-values stay NaN and do not count in the family.

    Returns:
        The adjusted p-values and the level: 1 − α/m (Bonferroni), 1 − max(R, 1)·α/m
        (Benjamini–Hochberg with R discoveries, the false-coverage-rate level of Benjamini & Yekutieli
        2005), or 1 − α (none).
    """
    from scipy import stats

    p = np.asarray(p, dtype=float)
    ok = np.isfinite(p)
    m = int(ok.sum())
    out = np.full(p.shape, np.nan)
    if m == 0:
        return out, 1 - alpha
    if method == "none":
        out[ok] = p[ok]
        return out, 1 - alpha
    if method == "bonferroni":
        out[ok] = np.minimum(1.0, p[ok] * m)
        return out, 1 - alpha / m
    if method == "bh":
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
        r = int((out[ok] < alpha).sum())
        return out, 1 - max(r, 1) * alpha / m
    raise ValueError(f"unknown correction {method!r}")


def verdict_of(p_adjusted: float, effect: float, tested_against: float, expected: str, alpha: float) -> str:
    """``supported``, ``opposite`` or ``not supported`` (see the module docstring)."""
    if not (math.isfinite(p_adjusted) and p_adjusted < alpha) or effect == tested_against:
        return "not supported"
    above = effect > tested_against
    wants_above = expected in ("increase", "no decrease")
    return "supported" if above == wants_above else "opposite"


def tested_value(expected: str, margin: float) -> float:
    """The value the mean difference is tested against: 0, or ∓ the margin for "no decrease/increase"."""
    if expected == "no decrease":
        return -margin
    if expected == "no increase":
        return margin
    return 0.0


def evaluate(spec: HypothesisSpec, finals: pd.DataFrame) -> pd.DataFrame:
    """The verdict table of a hypothesis from the last-quarter values of its runs.

    Args:
        spec: the hypothesis.
        finals: one row per run with ``label`` (the value's label), ``replicate`` and the outcome metrics;
            runs are paired by ``replicate``, whatever the row order.

    Returns:
        One row per outcome and comparison, with :data:`VERDICT_COLUMNS`.
    """
    ref_label = spec.reference_label
    wide = {}
    for o in spec.outcomes:
        if len(finals) and o.metric in finals.columns:
            wide[o.metric] = finals.pivot(index="replicate", columns="label", values=o.metric)
        else:
            wide[o.metric] = pd.DataFrame()
    rows: list[dict[str, Any]] = []
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    for o in spec.outcomes:
        table = wide[o.metric]
        for v in spec.comparisons:
            lab = value_label(v)
            expected = spec.expected_for(o, v)
            against = tested_value(expected, o.margin)
            if lab in table and ref_label in table:
                x, y = table[lab].to_numpy(dtype=float), table[ref_label].to_numpy(dtype=float)
            else:
                x = y = np.array([], dtype=float)
            t = paired_test(x, y, against)
            pairs.append((x, y))
            rows.append(
                {
                    "hypothesis": spec.id,
                    "outcome": o.metric,
                    "comparison": spec.comparison_text(v),
                    "effect": t.effect,
                    "p_value": t.p,
                    "expected": expected,
                    "tested_against": against,
                    "value": lab,
                    "reference": ref_label,
                    "reference_mean": mean_ci(y).mean,
                    "value_mean": mean_ci(x).mean,
                    "n": t.n,
                }
            )
    p_adj, level = adjust(np.array([r["p_value"] for r in rows]), spec.alpha, spec.correction)
    m = int(np.isfinite([r["p_value"] for r in rows]).sum())
    for r, pa, (x, y) in zip(rows, p_adj, pairs, strict=True):
        ci = paired_diff_ci(x, y, level) if r["n"] >= 2 else None
        r["ci_low"] = ci.low if ci else float("nan")
        r["ci_high"] = ci.high if ci else float("nan")
        r["p_adjusted"] = float(pa)
        r["verdict"] = verdict_of(float(pa), r["effect"], r["tested_against"], r["expected"], spec.alpha)
        r["ci_level"] = level
        r["correction"] = spec.correction
        r["tests_in_family"] = m
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)


# ---------------------------------------------------------------------------------------------- running
@dataclass
class HypothesisResult:
    """Everything a hypothesis run produced."""

    spec: HypothesisSpec
    seeds: list[int]
    verdicts: pd.DataFrame
    finals: pd.DataFrame
    failures: dict[int, str] = field(default_factory=dict)
    out: Path | None = None
    last_quarter: str = "?"


def _check_out(out: Path | str | None) -> Path | None:
    if out is None:
        return None
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ScenarioError("--out", f"{str(out)!r} is a file; give a folder")
    return out


def run_hypothesis(
    spec: HypothesisSpec | str | Path,
    workers: int | None = None,
    out: Path | str | None = None,
    executor: Executor | None = None,
    progress: bool = True,
    run: RunFn | None = None,
    retry_failed: bool = False,
    report: bool = True,
    fresh: bool = False,
) -> HypothesisResult:
    """Run (or resume) a hypothesis test and, with ``out``, write its files.

    Output in ``out``: ``verdicts.csv``, ``finals.csv`` (the outcomes of every run), ``effects.png`` and
    ``report.html``; the runs are kept in ``out/store`` so the same command on the same folder resumes.

    Args:
        spec: a loaded hypothesis, or the name or path of a hypothesis file.
        workers: worker processes (default: all cores; 1 runs in this process).
        out: output folder (default: write nothing).
        executor: any ``concurrent.futures.Executor`` instead of the local pool.
        progress: show a progress bar.
        run: the function ``task -> timeseries`` (default: the model); for tests.
        retry_failed: run again the runs that failed before.
        report: write ``report.html``.
        fresh: discard the runs stored in ``out/store`` first.
    """
    if not isinstance(spec, HypothesisSpec):
        spec = load_hypothesis(spec)
    out = _check_out(out)
    seeds = replicate_seeds(spec.seed, spec.replications)
    metrics = [o.metric for o in spec.outcomes]
    ts, failures = run_design(
        list(spec.points),
        seeds,
        spec.design(seeds),
        out,
        columns=metrics,
        desc=spec.id,
        workers=workers,
        executor=executor,
        progress=progress,
        run=run,
        retry_failed=retry_failed,
        fresh=fresh,
    )
    finals = ts.groupby("run_id", sort=True).tail(1).reset_index(drop=True) if len(ts) else ts
    last_q = str(finals["quarter"].iloc[-1]) if len(finals) else "?"
    keep = [c for c in ["label", "replicate", "seed", *metrics] if c in finals.columns]
    finals = (
        finals[keep].copy() if len(finals) else pd.DataFrame(columns=["label", "replicate", "seed", *metrics])
    )
    result = HypothesisResult(spec, seeds, evaluate(spec, finals), finals, failures, out, last_q)
    if out is not None:
        write_hypothesis_outputs(result, report=report)
    return result


def write_hypothesis_outputs(result: HypothesisResult, report: bool = True) -> None:
    """Write verdicts.csv, finals.csv, effects.png and report.html into ``result.out``."""
    from clusterpolicy.outputs import plots

    out = result.out
    assert out is not None
    atomic_write(out / "verdicts.csv", lambda p: result.verdicts.to_csv(p, index=False))
    atomic_write(out / "finals.csv", lambda p: result.finals.to_csv(p, index=False))
    plots.save(effects_figure(result), out / "effects.png")
    if report:
        write_text(out / "report.html", hypothesis_report(result))


# ------------------------------------------------------------------------------------------ presenting
VERDICT_COLOURS = {"supported": "#1b7837", "opposite": "#b2182b", "not supported": "0.55"}


def effects_figure(result: HypothesisResult):  # type: ignore[no-untyped-def]
    """One panel per outcome: the paired effect (value − reference) against the lever, with intervals."""
    import matplotlib.pyplot as plt

    from clusterpolicy.outputs.present import is_money, is_share, label, scale, unit_label

    spec = result.spec
    v = result.verdicts
    n = len(spec.outcomes)
    cols = min(3, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.6 * cols, 3.3 * rows + 0.6), constrained_layout=True, squeeze=False
    )
    x_of = {value_label(val): (float(val) if spec.numeric else i) for i, val in enumerate(spec.values)}
    for ax, o in zip(axes.flat, spec.outcomes, strict=False):
        d = v[v["outcome"] == o.metric]
        k = scale(o.metric)
        ax.axhline(0, color="k", lw=0.8)
        ax.plot([x_of[spec.reference_label]], [0], "s", color="k", ms=5, label="reference")
        for against in sorted(set(d["tested_against"]) - {0.0}):  # the margin of "no decrease/increase"
            ax.axhline(against * k, color="0.4", ls=":", lw=1)
        for _, r in d.iterrows():
            x = x_of[r["value"]]
            c = VERDICT_COLOURS[r["verdict"]]
            if math.isfinite(r["ci_low"]):
                ax.plot([x, x], [r["ci_low"] * k, r["ci_high"] * k], color=c, lw=2)
            if math.isfinite(r["effect"]):
                ax.plot([x], [r["effect"] * k], "o", color=c, ms=6)
        unit = "percentage points" if is_share(o.metric) and not is_money(o.metric) else unit_label(o.metric)
        if o.metric == "mean_selected_quality":
            unit = "score"
        ax.set_title(f"{label(o.metric)}\nexpected: {o.expected}", fontsize=9)
        ax.set_ylabel(f"difference to {spec.reference_label} ({unit})", fontsize=8)
        ax.set_xlabel(spec.lever, fontsize=8)
        if not spec.numeric:
            ax.set_xticks(list(x_of.values()), list(x_of.keys()))
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    level = v["ci_level"].iloc[0] if len(v) else 1 - spec.alpha
    fig.suptitle(
        f"{spec.id}: paired effect against the lever, {100 * level:.3g} % intervals "
        f"(green: supported, red: opposite, grey: not supported; black square: the reference)",
        fontsize=10,
    )
    return fig


def p_text(p: float) -> str:
    """A p-value for people."""
    if not math.isfinite(p):
        return "n/a"
    if p < 0.001:
        return "<0.001"
    return f"{p:.3f}"


def effect_text(metric: str, effect: float, low: float, high: float) -> str:
    """``-123 [-150, -96]`` in the metric's units (shares in percentage points)."""
    from clusterpolicy.outputs.present import fmt

    return f"{fmt(metric, effect, True)} [{fmt(metric, low, True)}, {fmt(metric, high, True)}]"


def _correction_words(spec: HypothesisSpec, level: float, m: int) -> str:
    if spec.correction == "bonferroni":
        return f"Bonferroni over {m} tests: each at α/{m}, with {100 * level:.3g} % simultaneous intervals"
    if spec.correction == "bh":
        return (
            f"Benjamini–Hochberg over {m} tests (false discovery rate α), with {100 * level:.3g} % "
            "false-coverage-rate intervals"
        )
    return f"no correction for the {m} tests; {100 * level:.3g} % intervals"


def sentence(spec: HypothesisSpec, r: pd.Series) -> str:
    """One plain-language sentence about one verdict row (HTML-escaped)."""
    from clusterpolicy.outputs.present import fmt, is_money, is_share, label
    from clusterpolicy.outputs.report import esc

    m = r["outcome"]
    eff, lo, hi = r["effect"], r["ci_low"], r["ci_high"]
    if not math.isfinite(eff) or r["n"] < 2:
        return f"<b>{esc(label(m))}</b>: no verdict (fewer than two valid pairs of runs)."
    if is_share(m) and not is_money(m) and m != "mean_selected_quality":
        size = f"{100 * abs(eff):.2f} percentage points"
    else:
        size = fmt(m, abs(eff))
    way = "higher" if eff > 0 else "lower" if eff < 0 else "unchanged"
    move = f"<code>{esc(spec.lever)}</code> = {esc(r['value'])} instead of {esc(r['reference'])}"
    if spec.lever == SCENARIO_LEVER:
        move = f"<code>{esc(r['value'])}</code> instead of <code>{esc(r['reference'])}</code>"
    rel = ""
    ref = r["reference_mean"]
    if math.isfinite(ref) and ref != 0 and eff != 0:
        rel = f", {100 * abs(eff) / abs(ref):.0f} % {'more' if eff > 0 else 'less'} than at {r['reference']}"
    ci = f"{fmt(m, lo, True)} to {fmt(m, hi, True)}"
    verdict = esc(r["verdict"])
    exp = esc(r["expected"])
    if r["expected"].startswith("no "):
        exp += f" by more than {esc(fmt(m, abs(r['tested_against'])))}"
    body = (
        f"with {move}, {esc(label(m))} is {way} by {esc(size)}{esc(rel)} "
        f"({100 * r['ci_level']:.3g} % interval {esc(ci)}; adjusted p {esc(p_text(r['p_adjusted']))}). "
        f"Expected: {exp}."
    )
    if way == "unchanged":
        body = f"with {move}, {esc(label(m))} does not change in any replication. Expected: {exp}."
    return f'<b>{esc(label(m))}</b> — <span class="v-{verdict.replace(" ", "-")}">{verdict}</span>: {body}'


def hypothesis_report(result: HypothesisResult) -> str:
    """The HTML report of a hypothesis test, in plain language."""
    import datetime as _dt

    from clusterpolicy.outputs.present import describe, fmt, label
    from clusterpolicy.outputs.provenance import git_commit
    from clusterpolicy.outputs.report import esc, page, png_data_uri, runs_html, table, version

    spec = result.spec
    v = result.verdicts
    level = float(v["ci_level"].iloc[0]) if len(v) else 1 - spec.alpha
    m = int(v["tests_in_family"].iloc[0]) if len(v) else 0
    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    commit = git_commit() or "unknown"
    parts = [
        "<style>.v-supported{color:#1b7837;font-weight:600}.v-opposite{color:#b2182b;font-weight:600}"
        ".v-not-supported{color:#666;font-weight:600}</style>",
        f"<h1>{esc(spec.id)}: {esc(spec.title)}</h1>",
        f'<p class="meta">{esc(spec.statement)}'
        + (f" Source: {esc(spec.source)}." if spec.source else "")
        + "</p>",
        f'<p class="meta">{len(spec.values)} values × {spec.replications} paired replications; values of '
        f"the last quarter, {esc(result.last_quarter)}. Generated {esc(when)} by clusterpolicy "
        f"{esc(version())} (git {esc(commit[:12])}).</p>",
    ]
    if result.failures:
        parts.append(
            f'<p class="clear">{len(result.failures)} run(s) failed; their pairs are left out '
            "(see the list at the end).</p>"
        )
    parts.append("<h2>The answer, outcome by outcome</h2>")
    counts = {k: int((v["verdict"] == k).sum()) for k in VERDICTS}
    parts.append(
        f"<p>Of {len(v)} comparisons, {counts['supported']} support the hypothesis, {counts['opposite']} "
        f"point the opposite way and {counts['not supported']} do not support it (α = {spec.alpha:g}; "
        f"{esc(_correction_words(spec, level, m))}).</p>"
    )
    items = []
    for o in spec.outcomes:
        d = v[v["outcome"] == o.metric]
        sub = "".join(f"<li>{sentence(spec, r)}</li>" for _, r in d.iterrows())
        why = f' <span class="muted">({esc(o.why)})</span>' if o.why else ""
        items.append(f"<li><b>{esc(label(o.metric))}</b>{why}<ul>{sub}</ul></li>")
    parts.append('<ul class="statements">' + "".join(items) + "</ul>")
    parts.append("<h2>The effect against the lever</h2>")
    parts.append(f'<img alt="effects against the lever" src="{png_data_uri(effects_figure(result))}">')

    parts.append("<h2>The design</h2>")
    lever_doc = "" if spec.lever == SCENARIO_LEVER else field_spec(spec.lever).metadata["doc"]
    rows = [
        ["base scenario", f"<code>{esc(spec.base)}</code>" if spec.base else "(each value is a scenario)"],
        ["lever", f"<code>{esc(spec.lever)}</code> {esc(lever_doc)}"],
        ["values", esc(", ".join(value_label(x) for x in spec.values))],
        ["reference", esc(spec.reference_label)],
        [
            "fixed at every value",
            esc(", ".join(f"{k} = {value_label(x)}" for k, x in spec.fixed.items()) or "—"),
        ],
        [
            "command-line overrides",
            esc(", ".join(f"{k} = {value_label(x)}" for k, x in spec.overrides.items()) or "—"),
        ],
        [
            "replications",
            f"{spec.replications} per value, paired (common random numbers), seeds spawned from {spec.seed}",
        ],
        ["test", esc(TEST_NAME)],
        ["significance", f"α = {spec.alpha:g}; {esc(_correction_words(spec, level, m))}"],
    ]
    parts.append(table(["", ""], rows, left=2))

    parts.append("<h2>Every comparison</h2>")
    rows = []
    for _, r in v.iterrows():
        mtr = r["outcome"]
        rows.append(
            [
                f"<code>{esc(mtr)}</code>",
                esc(describe(mtr)),
                esc(r["comparison"]),
                esc(r["expected"]),
                esc(fmt(mtr, r["reference_mean"])),
                esc(fmt(mtr, r["value_mean"])),
                esc(effect_text(mtr, r["effect"], r["ci_low"], r["ci_high"])),
                esc(p_text(r["p_value"])),
                esc(p_text(r["p_adjusted"])),
                f'<span class="v-{esc(r["verdict"]).replace(" ", "-")}">{esc(r["verdict"])}</span>',
                esc(r["n"]),
            ]
        )
    parts.append(
        table(
            [
                "outcome",
                "meaning",
                "comparison",
                "expected",
                "mean at reference",
                "mean at value",
                f"effect [{100 * level:.3g} % interval]",
                "p",
                "p adjusted",
                "verdict",
                "pairs",
            ],
            rows,
            left=4,
        )
    )

    parts.append("<h2>How to read this</h2>")
    parts.append(
        "<p>Each value of the lever was run with the same replicate seeds as the reference value (common "
        "random numbers): the same firms meet the same chance events, so the difference of a pair of runs "
        "comes from the lever, not from luck. The <i>effect</i> is the mean of these paired differences "
        f"in {esc(result.last_quarter)} (cumulative outcomes, marked 'cum.', add up the whole period). "
        f"The p-value comes from the {esc(TEST_NAME)}; all {m} tests of this file are adjusted together "
        "for testing many outcomes. A comparison <b>supports</b> the hypothesis when its adjusted p-value is "
        "below α and the effect goes the expected way; it is <b>opposite</b> when the adjusted p-value is "
        "below α and the effect goes the other way; otherwise it is <b>not supported</b> (the model cannot "
        "tell, with these replications). The interval is taken at the level that matches the adjustment, "
        "so a verdict is 'supported' or 'opposite' exactly when the interval excludes zero (or the margin "
        "of a 'no decrease'/'no increase' outcome). For a numeric lever, 'increase' means 'rises with the "
        "lever': a value below the reference is expected to lower the outcome. The model compares rules "
        "under its assumptions (docs/ODD.md and the scenario files); a verdict is about the model, not a "
        "forecast.</p>"
    )
    parts.append(runs_html(result.seeds, result.failures))
    return page(f"clusterpolicy hypothesis {spec.id}: {spec.title}", "\n".join(parts))


# ------------------------------------------------------------------------------------------ additionality
ADDITIONALITY_METRICS = [
    "business_rd",
    "public_operating_spend_total",
    "public_project_spend_total",
    "rd_per_member_firm",
    "rd_per_nonmember_firm",
    "members",
]
ADDITIONALITY_COLUMNS = ["estimate", "value", "ci_low", "ci_high", "class", "n", "method"]
ESTIMATES = {
    "counterfactual": "change in business R&D per public euro, against the counterfactual",
    "naive": "members' R&D above non-members' per public euro, from the policy run alone",
    "selection_bias": "naive minus counterfactual: how much selection inflates the naive estimate",
    "delta_rd": "extra business R&D over the period (scenario − counterfactual)",
    "delta_public": "extra public money over the period (operating + project grants)",
    "naive_gap": "members' R&D above as many average non-members, over the period",
}


def classify(ratio: float) -> str:
    """Additional (≥ 1), partial crowding-out (0–1), full crowding-out (≤ 0), or undefined."""
    if not math.isfinite(ratio):
        return "undefined"
    if ratio >= 1:
        return "additional"
    if ratio > 0:
        return "partial crowding-out"
    return "full crowding-out"


@dataclass
class Additionality:
    """What an additionality run produced."""

    scenario: Scenario
    counterfactual: Scenario
    seeds: list[int]
    table: pd.DataFrame
    per_replicate: pd.DataFrame
    failures: dict[int, str] = field(default_factory=dict)
    out: Path | None = None
    level: float = 0.95
    first_quarter: str = "?"
    last_quarter: str = "?"

    def row(self, estimate: str) -> pd.Series:
        """One row of the table by its ``estimate`` name."""
        return self.table.set_index("estimate").loc[estimate]


def _bootstrap(arrays: list[np.ndarray], statistic, level: float, seed: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Paired percentile bootstrap interval (scipy.stats.bootstrap) of a statistic of replicate arrays."""
    from scipy import stats

    if len(arrays[0]) < 2:
        return float("nan"), float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = stats.bootstrap(
            arrays,
            statistic,
            paired=True,
            vectorized=True,
            method="percentile",
            n_resamples=9999,
            confidence_level=level,
            rng=np.random.default_rng(seed),
        )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def additionality_estimates(
    ts: pd.DataFrame, scenario: str, counterfactual: str, level: float = 0.95, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counterfactual and naive additionality from the time series of paired runs.

    Per replicate r:

    * ΔR&D_r = Σ_q (business_rd of the scenario − of the counterfactual) / 4, over the recorded quarters
      (``business_rd`` is a yearly rate, so a quarter adds a quarter of it);
    * Δpublic_r = the difference in public_operating_spend_total + public_project_spend_total in the last
      quarter (public money of the policy over the period);
    * naive_r = Σ_q members · (rd_per_member_firm − rd_per_nonmember_firm) / 4 in the scenario
      alone: members' R&D above what the same number of average non-members does.

    Estimates: ratio of means, Σ_r ΔR&D_r / Σ_r Δpublic_r (counterfactual) and Σ_r naive_r /
    Σ_r Δpublic_r (naive); intervals from a paired percentile bootstrap over replicates.

    Returns:
        The table (``estimate, value, ci_low, ci_high, class, n, method``) and the per-replicate values.
    """
    need = ["replicate", "seed", "label", "quarter", *ADDITIONALITY_METRICS]
    ts = ts[[c for c in need if c in ts.columns]]
    s = ts[ts["label"] == scenario].sort_values(["replicate", "quarter"])
    c = ts[ts["label"] == counterfactual].sort_values(["replicate", "quarter"])
    reps = sorted(set(s["replicate"]) & set(c["replicate"]))
    rows = []
    for r in reps:
        a, b = s[s["replicate"] == r], c[c["replicate"] == r]
        if len(a) != len(b) or list(a["quarter"]) != list(b["quarter"]) or not len(a):
            continue
        d_rd = float((a["business_rd"].to_numpy() - b["business_rd"].to_numpy()).sum() / 4)
        pub = ("public_operating_spend_total", "public_project_spend_total")
        d_pub = float(sum(a[k].iloc[-1] - b[k].iloc[-1] for k in pub))
        gap = a["rd_per_member_firm"].to_numpy(dtype=float) - a["rd_per_nonmember_firm"].to_numpy(dtype=float)
        members = a["members"].to_numpy(dtype=float)
        naive = float(np.where(members > 0, np.nan_to_num(gap * members), 0.0).sum() / 4)
        rows.append(
            {
                "replicate": r,
                "seed": int(a["seed"].iloc[0]),
                "delta_rd": d_rd,
                "delta_public": d_pub,
                "naive_gap": naive,
            }
        )
    per = pd.DataFrame(rows, columns=["replicate", "seed", "delta_rd", "delta_public", "naive_gap"])
    n = len(per)
    drd, dpub, nav = (per[k].to_numpy(dtype=float) for k in ("delta_rd", "delta_public", "naive_gap"))
    with np.errstate(divide="ignore", invalid="ignore"):
        per["ratio"] = drd / dpub
    den = float(dpub.mean()) if n else float("nan")
    ok = n > 0 and den > 0

    def ratio(x, y, axis=-1):  # type: ignore[no-untyped-def]
        return np.mean(x, axis=axis) / np.mean(y, axis=axis)

    def bias(x, z, y, axis=-1):  # type: ignore[no-untyped-def]
        return (np.mean(z, axis=axis) - np.mean(x, axis=axis)) / np.mean(y, axis=axis)

    boot = "paired percentile bootstrap over replicates (scipy.stats.bootstrap, 9,999 resamples)"
    t_name = "Student t over replicates"
    table = []
    if ok:
        cf = float(drd.mean() / den)
        nv = float(nav.mean() / den)
        lo, hi = _bootstrap([drd, dpub], ratio, level, seed)
        nlo, nhi = _bootstrap([drd, dpub, nav], lambda x, y, z, axis=-1: ratio(z, y, axis), level, seed)
        blo, bhi = _bootstrap([drd, nav, dpub], bias, level, seed)
        table += [
            ["counterfactual", cf, lo, hi, classify(cf), n, boot],
            ["naive", nv, nlo, nhi, classify(nv), n, boot],
            ["selection_bias", nv - cf, blo, bhi, "", n, boot],
        ]
    else:
        nan = float("nan")
        table += [
            [
                "counterfactual",
                nan,
                nan,
                nan,
                "undefined",
                n,
                "undefined: the scenario spends no more public money than the counterfactual",
            ],
            ["naive", nan, nan, nan, "undefined", n, "undefined (as above)"],
            ["selection_bias", nan, nan, nan, "", n, "undefined (as above)"],
        ]
    for name, x in (("delta_rd", drd), ("delta_public", dpub), ("naive_gap", nav)):
        ci = mean_ci(x, level)
        table.append([name, ci.mean, ci.low, ci.high, "", ci.n, t_name])
    return pd.DataFrame(table, columns=ADDITIONALITY_COLUMNS), per


def run_additionality(
    scenario: str | Path | Scenario,
    counterfactual: str | Path = COUNTERFACTUAL,
    replications: int = 30,
    seed: int = 1,
    workers: int | None = None,
    out: Path | str | None = None,
    overrides: list[str] | None = None,
    executor: Executor | None = None,
    progress: bool = True,
    run: RunFn | None = None,
    retry_failed: bool = False,
    level: float = 0.95,
    fresh: bool = False,
) -> Additionality:
    """Run a scenario and its counterfactual with the same seeds; estimate additionality.

    Output in ``out``: ``additionality.csv`` (the estimates), ``replicates.csv`` (ΔR&D, Δpublic and the
    naive gap of every pair), ``additionality.png`` and ``report.html``; runs in ``out/store`` (resumable).
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
    cf = counterfactual_of(sc, counterfactual)
    if sc.params == cf.params:
        raise ScenarioError(
            str(scenario if not isinstance(scenario, Scenario) else scenario.name),
            f"has the same parameters as its counterfactual {cf.name!r}; "
            "give a scenario with a cluster policy",
        )
    if replications < 2:
        raise ScenarioError("--replications", f"{replications}: at least 2 (intervals need spread)")
    out = _check_out(out)
    cf_label = f"counterfactual: {cf.name}"
    if cf_label == sc.name:  # pragma: no cover - a scenario would need this very name
        cf_label += " (2)"
    points = [Point(0, sc.name, sc.params, {}), Point(1, cf_label, cf.params, {})]
    seeds = replicate_seeds(seed, replications)
    design = {
        "kind": "additionality",
        "points": [{"label": p.label, "parameters": p.params.to_dict()} for p in points],
        "root_seed": seed,
        "replications": replications,
        "seeds": seeds,
    }
    ts, failures = run_design(
        points,
        seeds,
        design,
        out,
        columns=ADDITIONALITY_METRICS,
        desc="additionality",
        workers=workers,
        executor=executor,
        progress=progress,
        run=run,
        retry_failed=retry_failed,
        fresh=fresh,
    )
    table, per = additionality_estimates(ts, sc.name, cf_label, level, seed)
    quarters = list(ts["quarter"]) if len(ts) else ["?"]
    result = Additionality(
        sc, cf, seeds, table, per, failures, out, level, str(min(quarters)), str(max(quarters))
    )
    if out is not None:
        from clusterpolicy.outputs import plots

        atomic_write(out / "additionality.csv", lambda p: table.to_csv(p, index=False))
        atomic_write(out / "replicates.csv", lambda p: per.to_csv(p, index=False))
        plots.save(additionality_figure(result), out / "additionality.png")
        write_text(out / "report.html", additionality_report(result))
    return result


def additionality_figure(result: Additionality):  # type: ignore[no-untyped-def]
    """The two estimates with their intervals against the three classes (symmetric log scale)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    fig, ax = plt.subplots(figsize=(8.5, 2.8), constrained_layout=True)
    t = result.table.set_index("estimate")
    lo_x = min(
        [
            -1.0,
            *[t.loc[e, "ci_low"] for e in ("counterfactual", "naive") if math.isfinite(t.loc[e, "ci_low"])],
        ]
    )
    hi_x = max(
        [
            2.0,
            *[t.loc[e, "ci_high"] for e in ("counterfactual", "naive") if math.isfinite(t.loc[e, "ci_high"])],
        ]
    )
    ax.axvspan(lo_x * 1.5 - 1, 0, color="#f4cccc", lw=0)
    ax.axvspan(0, 1, color="#fff2cc", lw=0)
    ax.axvspan(1, hi_x * 1.5 + 1, color="#d9ead3", lw=0)
    for y, e in ((1, "counterfactual"), (0, "naive")):
        r = t.loc[e]
        if math.isfinite(r["value"]):
            ax.plot([r["ci_low"], r["ci_high"]], [y, y], color="k", lw=2)
            ax.plot([r["value"]], [y], "o", color="k")
            ax.annotate(
                f"{r['value']:.2f}",
                (r["value"], y),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=8,
            )
    ax.set_xscale("symlog", linthresh=1.0)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    ax.set_xlim(lo_x * 1.5 - 1, hi_x * 1.5 + 1)
    ax.set_yticks([1, 0], ["against the counterfactual", "naive (members vs non-members)"])
    ax.set_ylim(-0.6, 1.6)
    ax.set_xlabel(
        "change in business R&D per public euro (red: full crowding-out, yellow: partial, green: additional)",
        fontsize=8,
    )
    ax.set_title(
        f"Additionality of {result.scenario.name} ({100 * result.level:.0f} % intervals)", fontsize=10
    )
    return fig


def additionality_text(result: Additionality) -> str:
    """The terminal summary of an additionality run."""
    from clusterpolicy.outputs.present import fmt

    t = result.table.set_index("estimate")
    cf, nv = t.loc["counterfactual"], t.loc["naive"]
    pct = f"{100 * result.level:.0f} %"

    def line(name: str, r: pd.Series) -> str:
        if not math.isfinite(r["value"]):
            return f"  {name:34} undefined ({r['method']})"
        ci = f"[{r['ci_low']:.2f}, {r['ci_high']:.2f}]"
        return f"  {name:34} {r['value']:8.2f}   {ci:18}   {r['class']}"

    sb = t.loc["selection_bias"]
    rows = [
        f"change in business R&D per public euro, {result.scenario.name} "
        f"against {result.counterfactual.name} "
        f"({result.first_quarter}-{result.last_quarter}, {pct} intervals):",
        f"  {'':34} {'estimate':>8}   {'interval':18}   class",
        line("against the counterfactual", cf),
        line("naive: members vs non-members", nv),
    ]
    if math.isfinite(sb["value"]):
        rows.append(
            f"  {'selection bias (naive − counterf.)':34} {sb['value']:8.2f}   "
            f"[{sb['ci_low']:.2f}, {sb['ci_high']:.2f}]"
        )
    rows.append("")
    for key, words in (
        ("delta_rd", "extra business R&D over the period"),
        ("delta_public", "extra public money over the period"),
        ("naive_gap", "members' R&D above non-members'"),
    ):
        r = t.loc[key]
        rows.append(
            f"  {words:34} {fmt('business_rd', r['value']):>10}   "
            f"[{fmt('business_rd', r['ci_low'])}, {fmt('business_rd', r['ci_high'])}]"
        )
    if math.isfinite(cf["value"]):
        inside = classify(cf["ci_low"]) == classify(cf["ci_high"]) == cf["class"]
        rows.append("")
        rows.append(
            f"in short: {cf['class']}"
            + (
                f" (the whole {pct} interval lies in that class)"
                if inside
                else f" (but the {pct} interval spans {classify(cf['ci_low'])} to {classify(cf['ci_high'])})"
            )
        )
    return "\n".join(rows)


def additionality_report(result: Additionality) -> str:
    """The HTML report of an additionality run."""
    from clusterpolicy.outputs.present import fmt
    from clusterpolicy.outputs.report import esc, page, png_data_uri, runs_html, table

    t = result.table
    pct = f"{100 * result.level:.0f} %"
    rows = []
    for _, r in t.iterrows():
        money = r["estimate"] in ("delta_rd", "delta_public", "naive_gap")
        f = (lambda x: fmt("business_rd", x)) if money else (lambda x: f"{x:.3f}")
        rows.append(
            [
                f"<code>{esc(r['estimate'])}</code>",
                esc(ESTIMATES.get(r["estimate"], "")),
                esc(f(r["value"])),
                esc(f(r["ci_low"])),
                esc(f(r["ci_high"])),
                esc(r["class"]),
                esc(r["n"]),
                esc(r["method"]),
            ]
        )
    text = additionality_text(result)
    body = [
        f"<h1>Additionality of <code>{esc(result.scenario.name)}</code></h1>",
        f'<p class="meta">Against <code>{esc(result.counterfactual.name)}</code> '
        f"({esc(result.counterfactual.description)}), {len(result.seeds)} paired replications, "
        f"{esc(result.first_quarter)}–{esc(result.last_quarter)}.</p>",
        f"<h2>In short</h2><pre>{esc(text)}</pre>",
        f'<img alt="additionality" src="{png_data_uri(additionality_figure(result))}">',
        "<h2>Estimates</h2>",
        table(
            ["estimate", "meaning", "value", f"{pct} low", f"{pct} high", "class", "pairs", "interval"],
            rows,
            left=2,
        ),
        "<h2>How it is computed</h2>",
        "<p>The scenario and the counterfactual run with the same seeds (common random numbers); the "
        "counterfactual keeps the scenario's economy and behaviour and takes only its <code>[policy]</code> "
        "table from the counterfactual file. Per replicate: ΔR&amp;D = business R&amp;D summed over the "
        "period (a quarter counts a quarter of the yearly rate), scenario minus counterfactual; Δpublic = "
        "operating plus project grants paid over the period, scenario minus counterfactual. The estimate is "
        "ΣΔR&amp;D / ΣΔpublic (a ratio of means) with a paired percentile bootstrap interval over "
        "replicates. Classes: ≥ 1 additional (each public euro adds at least a euro of business R&amp;D), "
        "0–1 partial crowding-out, ≤ 0 full crowding-out.</p>"
        "<p>The naive estimate uses the policy run alone, as a study without a counterfactual "
        "would: members' R&amp;D above that of as many average non-members, summed over the period, "
        "per public euro of the "
        "policy (the same Δpublic). Members differ from non-members before any policy (they are larger and "
        "more R&amp;D-intensive), so the naive number mixes that selection with the policy's effect; the "
        "difference between the two estimates shows how much.</p>"
        "<p>R&amp;D that grants paid near the end of the period cause after it is not counted, so the "
        "counterfactual estimate leans low for short horizons.</p>",
        runs_html(result.seeds, result.failures),
    ]
    return page(f"clusterpolicy additionality: {result.scenario.name}", "\n".join(body))

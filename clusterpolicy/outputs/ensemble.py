"""What the ensemble changes: the point calibration's answer beside the ensemble's, in text, CSV and HTML."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from clusterpolicy.outputs.files import write_csv, write_text
from clusterpolicy.outputs.format import fmt, format_value, label
from clusterpolicy.outputs.html import esc, page, table

FILES = ("ensemble_effect.csv", "ensemble.html")
INTRO = (
    "the same study twice with the same seeds: at the calibrated point, and drawing a parameter set per "
    "replication from the calibration's ensemble ({n} sets), so that the intervals carry the uncertainty "
    "of the calibrated values as well as the noise"
)


def _interval(metric: str | None, unit: str | None, v: float, lo: float, hi: float) -> str:
    if not all(math.isfinite(x) for x in (v, lo, hi)):
        return "n/a"
    if metric is not None:
        return f"{fmt(metric, v, True)} [{fmt(metric, lo, True)}, {fmt(metric, hi, True)}]"
    return f"{format_value(v, unit)} [{format_value(lo, unit)}, {format_value(hi, unit)}]"


def rows_of(kind: str, shift: pd.DataFrame) -> list[tuple[str, str, str, str, str, bool]]:
    """(what, comparison, point, ensemble, verdict change, changed) per row of a shift table."""
    out = []
    for _, r in shift.iterrows():
        if kind == "hypothesis":
            m = r["outcome"]
            point = _interval(m, None, r["effect_point"], r["ci_low_point"], r["ci_high_point"])
            ens = _interval(m, None, r["effect_ensemble"], r["ci_low_ensemble"], r["ci_high_ensemble"])
            change = f"{r['verdict_point']} -> {r['verdict_ensemble']}"
            out.append((label(m), str(r["comparison"]), point, ens, change, bool(r["changed"])))
        elif kind == "compare":
            m = r["metric"]
            point = _interval(m, None, r["diff_point"], r["diff_ci_low_point"], r["diff_ci_high_point"])
            ens = _interval(
                m, None, r["diff_ensemble"], r["diff_ci_low_ensemble"], r["diff_ci_high_ensemble"]
            )
            change = f"{r['direction_point']} -> {r['direction_ensemble']}"
            out.append((label(m), str(r["scenario"]), point, ens, change, bool(r["changed"])))
        else:
            unit = "EUR" if str(r["estimate"]).startswith(("delta", "naive_gap")) else "EUR per EUR"
            point = _interval(None, unit, r["value_point"], r["ci_low_point"], r["ci_high_point"])
            ens = _interval(None, unit, r["value_ensemble"], r["ci_low_ensemble"], r["ci_high_ensemble"])
            change = f"{r['class_point'] or '-'} -> {r['class_ensemble'] or '-'}"
            out.append((str(r["estimate"]).replace("_", " "), "", point, ens, change, bool(r["changed"])))
    return out


def ensemble_text(kind: str, shift: pd.DataFrame, n_sets: int) -> str:
    """The terminal summary: what changes from the point calibration to the ensemble."""
    rows = rows_of(kind, shift)
    changed = [r for r in rows if r[5]]
    head = "verdict" if kind == "hypothesis" else ("direction" if kind == "compare" else "class")
    lines = [f"with parameter uncertainty: {INTRO.format(n=n_sets)}.", ""]
    lines.append(f"  {'outcome':34} {'':18} {'point calibration':>30}  {'ensemble':>30}  {head}")
    for what, cmp_, p, e, ch, flag in rows:
        mark = " *" if flag else ""
        lines.append(f"  {what[:34]:34} {cmp_[:18]:18} {p:>30}  {e:>30}  {ch}{mark}")
    lines.append("")
    if changed:
        lines.append(
            f"in short: {len(changed)} of {len(rows)} {head}s change with parameter uncertainty (*)."
        )
    else:
        lines.append(
            f"in short: no {head} changes with parameter uncertainty (the intervals hold its spread)."
        )
    return "\n".join(lines)


def write(kind: str, shift: pd.DataFrame, n_sets: int, out: Path) -> list[str]:
    """Write ``ensemble_effect.csv`` and ``ensemble.html`` into ``out``."""
    write_csv(out / "ensemble_effect.csv", shift)
    rows = rows_of(kind, shift)
    head = "verdict" if kind == "hypothesis" else ("direction" if kind == "compare" else "class")
    cells = [
        [esc(w), esc(c), f'<span style="white-space:nowrap">{esc(p)}</span>',
         f'<span style="white-space:nowrap">{esc(e)}</span>', ("<b>" + esc(ch) + "</b>") if flag else esc(ch)]
        for w, c, p, e, ch, flag in rows
    ]  # fmt: skip
    n_changed = sum(r[5] for r in rows)
    body = (
        "<h1>What parameter uncertainty changes</h1>"
        f'<p class="lead">{n_changed} of {len(rows)} {head}s change when the calibrated values are drawn '
        "from the ensemble instead of fixed at the calibrated point.</p>"
        f"<p>{esc(INTRO.format(n=n_sets)).capitalize()}. Changed rows are in bold.</p>"
        + table(["outcome", "comparison", "point calibration", "ensemble", head], cells, left=2)
    )
    write_text(out / "ensemble.html", page("clusterpolicy: with parameter uncertainty", body))
    return list(FILES)

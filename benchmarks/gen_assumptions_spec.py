"""Write clusterpolicy/data/specs/assumptions.toml: a Morris screening of every assumption, levers fixed.

    .venv/bin/python benchmarks/gen_assumptions_spec.py

Every behavioural and population parameter of the baseline is screened, but for data and structure
(``FIXED``); bounds are half to one and a half times the baseline value, clipped to the declared range (for a
share, plus or minus half its distance to 0 or 1), except for pairs that must stay ordered and values
near a bound (``EXPLICIT``).
"""

from __future__ import annotations

import math
from pathlib import Path

from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model.params import declarations

SPEC = Path(__file__).resolve().parents[1] / "clusterpolicy" / "data" / "specs" / "assumptions.toml"

# data or structure, not an uncertainty of behaviour: kept fixed
FIXED = {
    "population.n_firms": "the model's scale",
    "population.n_domains": "structure",
    "population.n_universities": "data: the five universities",
    "population.n_research_centres": "data: the four SOCs",
    "population.business_rd": "data (ECOOM, Statistiek Vlaanderen)",
    "population.gdp": "data (Statistiek Vlaanderen)",
    "population.public_rd_share": "data (Statistiek Vlaanderen)",
    "population.rd_intensity_years": "data",
    "population.rd_intensity_observed": "data",
    "population.rd_norm": "a norm, not an uncertainty",
    "behaviour.project_quarters": "VLAIO rule (at most 24 months)",
}
# pairs that must stay ordered, and values near a bound: explicit, non-overlapping bounds
EXPLICIT = {
    "behaviour.reach_spearhead_min": (0.3, 0.5),
    "behaviour.reach_spearhead_max": (0.7, 1.0),
    "behaviour.reach_ibn_min": (0.02, 0.08),
    "behaviour.reach_ibn_max": (0.2, 0.4),
    "behaviour.service_scale_min": (0.25, 0.75),
    "behaviour.service_scale_max": (4.0, 12.0),
    "behaviour.join_threshold": (-500.0, 500.0),
    "behaviour.leave_threshold": (-3000.0, -1000.0),
    "population.rd_intensity_growth_after": (-0.001, 0.001),
    "population.gdp_growth": (0.01, 0.05),
    "behaviour.subsidy_pass_through": (0.5, 1.5),
    "behaviour.knowledge_rd_effect": (0.0, 0.1),
}
OUTCOMES = (
    "members",
    "members_spearhead",
    "spearheads_active",
    "ibns_active",
    "proposals_crowded_out_total",
    "sme_share_project_funding",
    "cluster_orgs_alive",
    "business_rd",
)
HEADER = """\
# Which assumptions move the headline outcomes? A Morris screening (elementary effects, SALib) of every
# behavioural and population assumption declared in clusterpolicy/model/params.py, with the levers fixed
# at the concept note's values (`clusterpolicy sensitivity assumptions`; results in docs/sensitivity.md).
# Bounds: half to one and a half times the baseline value (clipped to the declared range; integers
# rounded); for a share or probability, the baseline plus or minus half its distance to 0 or 1;
# explicit ranges where a pair must stay ordered (reach, service scale, thresholds) or a value is near a
# bound (noted). Data and structure are not screened: the numbers of firms, domains, universities and
# research centres; business R&D, GDP and the public share of R&D; the observed R&D-intensity path and
# the norm; the project duration (a VLAIO rule).
# Written by benchmarks/gen_assumptions_spec.py from the declarations and the baseline scenario.
[sweep]
name = "assumptions"
description = "{description}"
base = "concept_note_2015"
design = "morris"
n = 20               # trajectories: (D + 1) x 20 design points
levels = 4
replications = 1     # one run per point
seed = 7
set = {sets}   # assumption: a smaller economy (about 0.15 s a run), money scaled with it
"""
DESCRIPTION = (
    "Morris screening of every behavioural and population assumption (levers fixed), "
    "20 trajectories, 2,000 firms."
)
SETS = '["population.n_firms=2000", "policy.project_budget=1.1e8", "population.eu_budget=2.4e7"]'


def bounds(spec, value) -> tuple[float, float, str]:
    """Screening bounds of one parameter around its baseline value, and why."""
    if spec.key in EXPLICIT:
        lo, hi = EXPLICIT[spec.key]
        return lo, hi, "explicit range (assumption)"
    if spec.lo == 0 and spec.hi == 1 and 0 < value < 1:  # a share or a probability
        half = 0.5 * min(value, 1.0 - value)  # half the distance to the nearer end
        lo, hi = value - half, value + half
    elif value == 0:
        lo, hi = spec.lo or 0.0, (spec.hi or 1.0) * 0.1
    else:
        lo, hi = sorted((value * 0.5, value * 1.5))
    lo = max(lo, spec.lo) if spec.lo is not None else lo
    hi = min(hi, spec.hi) if spec.hi is not None else hi
    if spec.type is int:
        lo, hi = math.floor(lo), math.ceil(hi)
        hi = hi if hi > lo else lo + 1
    if spec.lo == 0 and spec.hi == 1 and 0 < value < 1:  # a share or a probability
        return lo, hi, "baseline +- half the distance to 0 or 1 (assumption)"
    return lo, hi, "0.5-1.5 x baseline (assumption)"


def main() -> None:
    """Write the spec."""
    p = load_scenario("concept_note_2015").params
    parts = [
        HEADER.format(description=DESCRIPTION, sets=SETS),
        "outcomes = [\n",
        *(f'    "{o}",\n' for o in OUTCOMES),
        "]\n",
    ]
    n = 0
    for spec in declarations():
        if spec.section not in ("behaviour", "population") or spec.key in FIXED:
            continue
        value = p.get(spec.key)
        if isinstance(value, tuple):
            continue
        lo, hi, why = bounds(spec, value)
        text = f"[{int(lo)}, {int(hi)}]" if spec.type is int else f"[{lo:.6g}, {hi:.6g}]"
        parts.append(f'\n[[parameter]]\nkey = "{spec.key}"\nbounds = {text}   # baseline {value}; {why}\n')
        n += 1
    SPEC.write_text("".join(parts))
    print(f"{SPEC}: {n} parameters")


if __name__ == "__main__":
    main()

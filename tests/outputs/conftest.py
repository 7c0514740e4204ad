"""Real, tiny runs of every report-writing study, written once in English and in Dutch for the report tests.

Each study runs once (the tiny configuration of ``helpers.TINY`` over six years, so that the policy has
time to work; a few replications); the Dutch report is written from the same result, so the two languages
show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import MAIN_SCENARIOS, TINY

from clusterpolicy.outputs import additionality as add_out
from clusterpolicy.outputs import calibration as cal_out
from clusterpolicy.outputs import compare as cmp_out
from clusterpolicy.outputs import hypothesis as hyp_out
from clusterpolicy.outputs import validation as val_out

# a calibration of two behavioural assumptions over four sets in a tiny economy, its best two confirmed
CALIBRATION = """[sweep]
name = "tinycal"
base = "concept_note_2015"
design = "lhs"
n = 4
replications = 2
seed = 1
keep = "timeseries"
outcomes = ["members"]
set = ["population.n_firms=600", "simulation.quarters=12", "simulation.burn_in_quarters=1",
       "policy.project_budget=3.3e7"]

[[parameter]]
key = "behaviour.sme_money_cost"
bounds = [1.5, 10.0]

[[parameter]]
key = "behaviour.taste_sd"
bounds = [1000.0, 8000.0]
"""


@dataclass
class Reports:
    """Where each report was written, by name and language (``pages["compare"]["nl"]``)."""

    pages: dict[str, dict[str, Path]] = field(default_factory=dict)
    results: dict[str, object] = field(default_factory=dict)

    def all(self) -> list[tuple[str, str, Path]]:
        """(report, language, path) of every page."""
        return [(name, lang, path) for name, by in self.pages.items() for lang, path in by.items()]


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> Reports:
    """Every report of a tiny compare, crowding-out (every rule), additionality, validation and calibration,
    in en and nl."""
    from clusterpolicy.studies.additionality import additionality
    from clusterpolicy.studies.calibrate import calibrate
    from clusterpolicy.studies.compare import compare
    from clusterpolicy.studies.hypothesis import crowding_out
    from clusterpolicy.studies.validate import validate

    root = tmp_path_factory.mktemp("reports")
    out = Reports()
    tiny = [*(t for t in TINY if not t.startswith("simulation.quarters=")), "simulation.quarters=24"]
    opts_no_overrides = {"progress": False, "workers": 2}
    opts = {"overrides": tiny, **opts_no_overrides}
    comp = compare(MAIN_SCENARIOS, replications=4, seed=1, out=root / "compare" / "en", **opts)
    cmp_out.write(comp, root / "compare" / "nl", lang="nl")
    out.results["compare"] = comp
    out.pages["compare"] = {lang: root / "compare" / lang / "report.html" for lang in ("en", "nl")}

    co = crowding_out(out=root / "crowding" / "en", replications=3, seed=3, **opts)
    hyp_out.write_crowding_out(co, root / "crowding" / "nl", lang="nl")
    hyp_out.write(co.results["reserve"], root / "crowding" / "nl" / "reserve", lang="nl")
    out.results["crowding"] = co
    out.pages["crowding"] = {lang: root / "crowding" / lang / "report.html" for lang in ("en", "nl")}
    out.pages["hypothesis"] = {
        lang: root / "crowding" / lang / "reserve" / "report.html" for lang in ("en", "nl")
    }

    add = additionality("concept_note_2015", replications=4, seed=1, out=root / "add" / "en", **opts)
    add_out.write(add, root / "add" / "nl", lang="nl")
    out.results["additionality"] = add
    out.pages["additionality"] = {lang: root / "add" / lang / "report.html" for lang in ("en", "nl")}

    val = validate("concept_note_2015", replications=3, seed=1, out=root / "validate" / "en", **opts)
    val_out.write(val, root / "validate" / "nl", lang="nl")
    out.results["validate"] = val
    out.pages["validate"] = {lang: root / "validate" / lang / "report.html" for lang in ("en", "nl")}

    spec = root / "calibration.toml"
    spec.write_text(CALIBRATION, encoding="utf-8")
    en = root / "calibrate" / "en"
    cal = calibrate(
        spec, None, en, confirm=2, confirm_replications=2, write=en / "calibrated.toml", **opts_no_overrides
    )
    (root / "calibrate" / "nl").mkdir()
    cal_out.write(cal, root / "calibrate" / "nl", lang="nl")
    out.results["calibrate"] = cal
    out.pages["calibrate"] = {lang: root / "calibrate" / lang / "report.html" for lang in ("en", "nl")}
    return out

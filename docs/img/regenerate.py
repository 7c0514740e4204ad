"""Regenerate the README's report figures in ``docs/img/`` from real runs.

Runs what the README shows -- ``make run``'s comparison (30 replications) and ``clusterpolicy
crowding-out`` (60 replications under every rule) -- into ``results/``, takes a screenshot of each
report's first screen (1280 x 800) in headless Chromium, and copies the comparison's figure of the
outcomes over time (the same bytes its report embeds)::

    .venv/bin/python docs/img/regenerate.py            # both, about four minutes on two cores
    .venv/bin/python docs/img/regenerate.py --reuse    # only copy and screenshot what results/ holds

Like ``make run`` it starts the runs afresh (the model or its calibration may have changed since);
``--reuse`` takes what the two results folders hold. Nothing but ``docs/img/*.png`` and those two
folders is written.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMG = ROOT / "docs" / "img"
MAIN = ROOT / "results" / "main"
CROWDING = ROOT / "results" / "crowding-out"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def run(args: list[str]) -> None:
    """Run a clusterpolicy command in this repository, failing loudly."""
    subprocess.run([sys.executable, "-m", "clusterpolicy", *args], cwd=ROOT, check=True)


def screenshot(page: Path, png: Path) -> None:
    """The first screen (1280 x 800) of a report, as the report tests see it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1280, "height": 800})
        tab.goto(page.resolve().as_uri())
        tab.screenshot(path=str(png))
        browser.close()


def main() -> int:
    """Run (or reuse), then copy the figures and take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="use what results/ holds; run nothing")
    args = parser.parse_args()
    if not args.reuse:
        main_scenarios = ["concept_note_2015", "serv_advice_2015", "no_cluster_policy"]
        run(["compare", *main_scenarios, "--replications", "30", "--out", str(MAIN), "--fresh"])
        run(["crowding-out", "--out", str(CROWDING), "--fresh"])
    shutil.copyfile(MAIN / "timeseries.png", IMG / "main_timeseries.png")
    screenshot(MAIN / "report.html", IMG / "main_report.png")
    screenshot(CROWDING / "report.html", IMG / "crowding_out_report.png")
    print(f"wrote {IMG}/ (main_report.png, main_timeseries.png, crowding_out_report.png)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

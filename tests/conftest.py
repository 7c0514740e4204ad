"""Shared fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import small

from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model import Params


@pytest.fixture(scope="session")
def base_params() -> Params:
    return load_scenario("concept_note_2015").params


@pytest.fixture(scope="session")
def small_params() -> Params:
    return small()


# headless Debian chromium, driven by Playwright (no browser download); Playwright gives it a fresh, empty
# profile of its own (--user-data-dir is its job)
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One headless browser for every browser test (the explorer's and the reports')."""
    if CHROMIUM is None:
        pytest.skip("no chromium on this machine (apt-get install chromium; .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()

"""Shared fixtures."""

from __future__ import annotations

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

"""Helpers for the tests: small, fast versions of the scenarios and a model runner."""

from __future__ import annotations

import html.parser

import numpy as np

from clusterpolicy.inputs.scenario import load_scenario
from clusterpolicy.model import ClusterPolicyModel, Params
from clusterpolicy.model.agents import KIND_CODE, SPEARHEAD

SMALL = {
    "population.n_firms": 2000,
    "simulation.quarters": 16,
    "simulation.burn_in_quarters": 4,
    "policy.project_budget": 1.1e8,  # scaled with the population (2,000 of 5,000 firms)
}


# a smaller configuration still, as --set overrides, and the command line's --set arguments for it
TINY = [f"{k}={v}" for k, v in {**SMALL, "population.n_firms": 600, "simulation.quarters": 8}.items()]
TINY_ARGS = [a for s in TINY for a in ("--set", s)]
MAIN_SCENARIOS = ["concept_note_2015", "serv_advice_2015", "no_cluster_policy"]


def small(name: str = "concept_note_2015", **overrides) -> Params:
    """A small version of a scenario with dotted-key overrides (``small(**{"policy.x": 1})``)."""
    return load_scenario(name).params.replace(**{**SMALL, **overrides})


def run_model(params: Params, seed: int = 1, quarters: int | None = None) -> ClusterPolicyModel:
    """Build and step a model."""
    m = ClusterPolicyModel(params, rng=seed)
    for _ in range(params.simulation.quarters if quarters is None else quarters):
        m.step()
    return m


def fee_weights(model: ClusterPolicyModel, is_sme: np.ndarray, kind_code: np.ndarray | int) -> np.ndarray:
    """Members' fee weights written with NumPy, a reference for ``kernels.fee_weight_of`` (broadcast).

    1 for an SME; for a large firm the fee ratio of a spearhead cluster or of the other kinds.
    """
    b = model.p.behaviour
    spearhead = np.asarray(kind_code) == KIND_CODE[SPEARHEAD]
    return np.where(is_sme, 1.0, np.where(spearhead, b.fee_ratio_large_spearhead, b.fee_ratio_large_ibn))


def final(m: ClusterPolicyModel) -> dict:
    """The last recorded row of metrics."""
    return m.datacollector.get_model_vars_dataframe().iloc[-1].to_dict()


class _StrictHTML(html.parser.HTMLParser):
    """Records every end tag that does not close the element opened last (void elements excepted)."""

    VOID = frozenset({"meta", "img", "br", "hr", "link", "input"})

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")


def html_is_balanced(text: str) -> bool:
    """Every element of the page is closed, in order."""
    p = _StrictHTML()
    p.feed(text)
    p.close()
    return not p.errors and not p.stack

"""Small experiment and targets files for tests (tiny populations, two or three parameters)."""

from __future__ import annotations

from pathlib import Path

TINY_SET = '["population.n_firms=300", "simulation.quarters=4", "simulation.burn_in_quarters=0"]'


def write_sweep_spec(
    tmp_path: Path, design: str = "lhs", n: int = 6, reps: int = 2, extra: str = "", name: str = "t"
):
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f"""[sweep]
name = "{name}"
base = "concept_note_2015"
design = "{design}"
n = {n}
replications = {reps}
seed = 3
set = {TINY_SET}
outcomes = ["members", "business_rd"]
{extra}

[[parameter]]
key = "policy.privileged_share"
bounds = [0.0, 0.6]

[[parameter]]
key = "policy.deposit_window_quarters"
bounds = [1, 4]
"""
    )
    return path


def write_sensitivity_spec(
    path: Path,
    *,
    design: str = "sobol",
    n: int = 16,
    reps: int = 2,
    outcomes: str = '["members"]',
    extra: str = "",
    set_: str = TINY_SET,
) -> Path:
    path.write_text(
        f"""[sweep]
name = "{path.stem}"
base = "concept_note_2015"
design = "{design}"
n = {n}
replications = {reps}
seed = 5
set = {set_}
outcomes = {outcomes}
{extra}

[[parameter]]
key = "policy.privileged_share"
bounds = [0.0, 1.0]

[[parameter]]
key = "behaviour.service_value"
bounds = [1000, 20000]
"""
    )
    return path


# a targets file with one good target
GOOD_TARGET = """
[[target]]
id = "t1"
what = "something"
metric = "members"
transform = "level"
quarter = "2016Q4"
value = 10
range = [5, 15]
unit = "firms"
source = "a source"
"""


def write_file(tmp_path: Path, text: str, name: str = "targets.toml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p

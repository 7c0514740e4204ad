"""Rewrite the golden baseline after a reviewed, intended change of the model's behaviour.

    .venv/bin/python tests/model/update_golden.py

Prints what changed; commit the new ``tests/model/golden/baseline.json`` with a message that says why.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from helpers import small

from clusterpolicy.runs.runner import run_one

GOLDEN = Path(__file__).parent / "golden" / "baseline.json"
CASES = {"concept_note_2015": 11, "serv_advice_2015": 11, "no_cluster_policy": 11}


def compute() -> dict[str, dict[str, float | None]]:
    """Final metrics of the golden cases (small scenarios, fixed seeds)."""
    return {name: run_one(small(name), seed).final for name, seed in CASES.items()}


def main() -> None:
    new = compute()
    old = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    for case, metrics in new.items():
        for k, v in metrics.items():
            before = old.get(case, {}).get(k)
            same = before == v or (
                before is not None and v is not None and math.isclose(before, v, rel_tol=1e-9)
            )
            if not same:
                print(f"{case}.{k}: {before} -> {v}")
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()

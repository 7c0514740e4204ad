"""Where the project money goes, call by call, in one run (docs/validation.md, "Misses, and why").

    .venv/bin/python docs/scripts/project_calls.py [SCENARIO] [SEED]

Prints, for each yearly project call (the fourth quarter) from the start of the policy, the envelope,
what the privilege paid, the individual projects funded, and the money spearhead-cluster projects took
from any pot. Reads only the model's recorded metrics.
"""

from __future__ import annotations

import sys

from clusterpolicy.model.model import ClusterPolicyModel
from clusterpolicy.model.params import quarter_index, quarter_label


def main(scenario: str = "concept_note_2015", seed: int = 1) -> None:
    """Run the scenario once and print its project calls."""
    m = ClusterPolicyModel(scenario=scenario, rng=seed)
    m.run_model()
    df = m.datacollector.get_model_vars_dataframe()
    start = quarter_index(m.p.simulation.start)
    df.index = [quarter_label(start + i) for i in range(len(df))]
    cum = [
        "projects_individual_funded_total",
        "cluster_project_spend_total",
        "privileged_project_spend_total",
    ]
    calls = df[df.index.str.endswith("Q4")]
    new = calls[cum].diff().fillna(calls[cum])
    print(f"{scenario}, seed {seed}: project calls")
    head = f"{'call':7} {'envelope':>9} {'privileged':>11} {'individual projects':>20}"
    print(f"{head} {'to spearhead projects':>22}")
    for q in calls.index:
        print(
            f"{q:7} {calls.at[q, 'project_envelope'] / 1e6:8.0f}m {new.at[q, cum[2]] / 1e6:10.0f}m "
            f"{new.at[q, cum[0]]:20.0f} {new.at[q, cum[1]] / 1e6:21.0f}m"
        )


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["concept_note_2015"]), *(int(a) for a in sys.argv[2:3]))

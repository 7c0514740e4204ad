"""One model run as a pure function: ``run_one(params, seed) -> RunResult``.

No globals and no I/O, so it can be shipped to any worker process (local pool, Dask, MPI).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterpolicy.model import ClusterPolicyModel, Params
from clusterpolicy.model.params import quarter_label


@dataclass
class RunResult:
    """Result of one run.

    Attributes:
        seed: the seed the model ran with.
        timeseries: one row per quarter: ``quarter`` (like ``2016Q1``) then every metric.
        final: the metrics in the last quarter (None where a share of nothing is undefined).
        panel: the yearly firm panel (``panel=True`` only; see :mod:`clusterpolicy.model.panel`).
    """

    seed: int
    timeseries: pd.DataFrame
    final: dict[str, float | int | None]
    panel: pd.DataFrame | None = None


def run_one(params: Params, seed: int, *, panel: bool = False, last_only: bool = False) -> RunResult:
    """Run the model for every recorded quarter and collect its metrics.

    Args:
        params: the resolved scenario.
        seed: the random seed (the model's only source of randomness).
        panel: also return the yearly firm panel (for evaluation studies on the model's firms).
        last_only: collect the metrics of the last quarter only (the time series is that one row).

    Returns:
        The quarterly time series and the final values.
    """
    model = ClusterPolicyModel(params, rng=int(seed), panel=panel, last_only=last_only)
    model.run()
    df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    first = params.simulation.quarters - len(df)  # 0, or the last quarter alone
    quarters = [quarter_label(model.start_index + first + i) for i in range(len(df))]
    df.insert(0, "quarter", quarters)
    final = {k: _plain(v) for k, v in df.iloc[-1].drop("quarter").items()} if len(df) else {}
    frame = model.panel.to_frame() if model.panel is not None else None
    return RunResult(seed=int(seed), timeseries=df, final=final, panel=frame)


def _plain(v: object) -> float | int | None:
    """A JSON-friendly number (NaN becomes None)."""
    if isinstance(v, (int, np.integer)):
        return int(v)
    f = float(v)  # type: ignore[arg-type]
    return None if np.isnan(f) else f

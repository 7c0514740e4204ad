"""The baseline's 95 % band: where single runs of a scenario as defined fall, from stored replications.

A person who moves a lever sees one run (one seed). Whether it differs from the scenario as defined by
more than the noise is read against the spread of single runs of that scenario: ``replications`` runs
with seeds spawned from ``root_seed`` (as ``compare`` spawns them), and per outcome and quarter the 95 %
prediction interval of one more run, ``mean ± t(0.975, n-1) · sd · sqrt(1 + 1/n)``, clipped to what the
outcome can take (no negative counts or sums, shares within 0–1).

The runs go to a process pool with its own ``spawn`` context (the global start method is never changed)
and are cached on disk, keyed by the scenario's resolved parameters, the number of replications, the
root seed and a hash of the model's source, so a change to the model invalidates the band by itself.
The cache folder is ``$CLUSTERPOLICY_CACHE``, else ``$XDG_CACHE_HOME/clusterpolicy/explore``, else
``~/.cache/clusterpolicy/explore``. Only ``band-*.parquet`` and ``band-*.json`` files are written there
(each through a temporary file and an atomic rename); nothing is ever deleted.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

import clusterpolicy.model as model_pkg
from clusterpolicy.model import ClusterPolicyModel, Params
from clusterpolicy.model.metrics import OUTCOMES
from clusterpolicy.model.params import quarter_index, quarter_label

BAND_FORMAT = 1
DEFAULT_REPLICATIONS = 20
DEFAULT_ROOT_SEED = 2015
LEVEL = 0.95


@dataclass
class Band:
    """Per outcome and quarter: the mean of the replications and the 95 % band of one run.

    Attributes:
        scenario: the scenario's name.
        quarters: quarter labels, one per recorded quarter.
        mean: outcome name -> mean per quarter.
        lo: outcome name -> lower end of the band per quarter.
        hi: outcome name -> upper end of the band per quarter.
        n: number of replications.
        path: the cache file it was read from or written to, if any.
        seconds: how long computing it took (0 when read from the cache).
    """

    scenario: str
    quarters: list[str]
    mean: dict[str, np.ndarray]
    lo: dict[str, np.ndarray]
    hi: dict[str, np.ndarray]
    n: int
    path: Path | None = None
    seconds: float = 0.0
    from_cache: bool = field(default=False)

    def outside(self, name: str, i: int, value: float) -> bool:
        """Whether ``value`` of outcome ``name`` in quarter ``i`` lies outside the band."""
        lo, hi = self.lo[name][i], self.hi[name][i]
        if not (np.isfinite(value) and np.isfinite(lo) and np.isfinite(hi)):
            return False
        scale = max(abs(lo), abs(hi), 1e-12)
        tol = 1e-9 * scale
        return bool(value < lo - tol or value > hi + tol)


def default_cache_dir() -> Path:
    """Where bands are cached (see the module docstring)."""
    if env := os.environ.get("CLUSTERPOLICY_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clusterpolicy" / "explore"


def model_source_hash() -> str:
    """SHA-256 of the model package's Python source (every ``*.py`` below ``clusterpolicy/model``)."""
    root = Path(model_pkg.__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def cache_key(params: Params, replications: int, root_seed: int, source_hash: str | None = None) -> str:
    """The cache key of a band: scenario parameters, replications, root seed, model source, format."""
    payload = json.dumps(
        {
            "params": params.to_dict(),
            "replications": int(replications),
            "root_seed": int(root_seed),
            "model": source_hash or model_source_hash(),
            "format": BAND_FORMAT,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def run_replicate(params: Params, seed: int) -> dict[str, list[float]]:
    """One run of the scenario: every declared outcome per quarter (runs in a worker process)."""
    m = ClusterPolicyModel(params, rng=int(seed))
    while m.running:
        m.step()
    mv = m.datacollector.model_vars
    return {name: [float(x) for x in mv[name]] for name in OUTCOMES if name in mv}


def band_from_runs(
    runs: Sequence[Mapping[str, Sequence[float]]], level: float = LEVEL
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Mean and prediction band of one run, per outcome and quarter (NaN runs are left out).

    Args:
        runs: one dict per replication, outcome name -> value per quarter (all of the same length).
        level: coverage of the band (0.95: 95 % of single runs are expected inside).

    Returns:
        ``(mean, lo, hi)``, each outcome name -> array per quarter. With fewer than two finite
        replications in a quarter the band there is NaN.
    """
    if len(runs) < 2:
        raise ValueError("a band needs at least 2 replications")
    mean, lo, hi = {}, {}, {}
    for name in runs[0]:
        x = np.array([r[name] for r in runs], dtype=float)  # replications x quarters
        finite = np.isfinite(x)
        n = finite.sum(axis=0)
        mu = np.where(n > 0, np.where(finite, x, 0.0).sum(axis=0) / np.maximum(n, 1), np.nan)
        dev = np.where(finite, x - mu, 0.0)
        sd = np.sqrt((dev**2).sum(axis=0) / np.maximum(n - 1, 1))
        t = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
        half = np.where(n > 1, t * sd * np.sqrt(1 + 1 / np.maximum(n, 1)), np.nan)
        low, high = mu - half, mu + half
        low = np.maximum(low, 0.0)
        outcome = OUTCOMES.get(name)
        if outcome is not None and outcome.unit == "share":
            high = np.minimum(high, 1.0)
        mean[name], lo[name], hi[name] = mu, low, high
    return mean, lo, hi


def _quarters(params: Params) -> list[str]:
    start = quarter_index(params.simulation.start)
    return [quarter_label(start + i) for i in range(params.simulation.quarters)]


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)  # our own temporary file
        raise


def _to_frame(band: Band) -> pd.DataFrame:
    rows = []
    for name in band.mean:
        rows.append(
            pd.DataFrame(
                {
                    "quarter": band.quarters,
                    "outcome": name,
                    "mean": band.mean[name],
                    "lo": band.lo[name],
                    "hi": band.hi[name],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _from_frame(df: pd.DataFrame, scenario: str, n: int, path: Path) -> Band:
    quarters = list(dict.fromkeys(df["quarter"]))
    mean, lo, hi = {}, {}, {}
    for name, g in df.groupby("outcome", sort=False):
        mean[str(name)] = g["mean"].to_numpy(float)
        lo[str(name)] = g["lo"].to_numpy(float)
        hi[str(name)] = g["hi"].to_numpy(float)
    return Band(scenario, quarters, mean, lo, hi, n, path, 0.0, True)


def band_path(cache_dir: Path, key: str) -> Path:
    """The cache file of a band."""
    return Path(cache_dir) / f"band-{key}.parquet"


def cached_band(
    scenario: str, params: Params, cache_dir: Path, replications: int, root_seed: int
) -> Band | None:
    """The cached band, or None when there is none (or it cannot be read)."""
    path = band_path(cache_dir, cache_key(params, replications, root_seed))
    if not path.is_file():
        return None
    try:
        return _from_frame(pd.read_parquet(path), scenario, replications, path)
    except Exception:  # an unreadable cache file is recomputed (and replaced), never deleted
        return None


def compute_band(
    scenario: str,
    params: Params,
    seeds: Sequence[int],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Band:
    """Run the replications (in a process pool when ``workers`` > 1) and compute the band."""
    t0 = time.perf_counter()
    n = len(seeds)
    workers = max(1, min(workers or os.cpu_count() or 1, n))
    runs: list[Mapping[str, Sequence[float]]] = []
    if workers == 1:
        for i, s in enumerate(seeds):
            runs.append(run_replicate(params, s))
            if progress:
                progress(i + 1, n)
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
            futures = [pool.submit(run_replicate, params, s) for s in seeds]
            for i, f in enumerate(futures):
                runs.append(f.result())
                if progress:
                    progress(i + 1, n)
    mean, lo, hi = band_from_runs(runs)
    return Band(scenario, _quarters(params), mean, lo, hi, n, None, time.perf_counter() - t0)


def load_or_compute(
    scenario: str,
    params: Params,
    seeds: Sequence[int],
    root_seed: int,
    cache_dir: Path | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Band:
    """The band from the cache, or computed now and written to the cache.

    Args:
        scenario: the scenario's name (for display).
        params: its resolved parameters, as defined (no lever changes).
        seeds: the replicate seeds (spawned from ``root_seed``).
        root_seed: the root they were spawned from (part of the cache key).
        cache_dir: the cache folder (default :func:`default_cache_dir`).
        workers: worker processes (default: all cores).
        progress: called with (runs done, runs) while computing.
    """
    cache_dir = Path(cache_dir or default_cache_dir())
    hit = cached_band(scenario, params, cache_dir, len(seeds), root_seed)
    if hit is not None:
        return hit
    band = compute_band(scenario, params, seeds, workers, progress)
    key = cache_key(params, len(seeds), root_seed)
    path = band_path(cache_dir, key)
    frame = _to_frame(band)
    _write_atomic(path, lambda p: frame.to_parquet(p, index=False))
    meta = {
        "scenario": scenario,
        "replications": len(seeds),
        "root_seed": root_seed,
        "seeds": [int(s) for s in seeds],
        "model_source_sha256": model_source_hash(),
        "format": BAND_FORMAT,
        "level": LEVEL,
        "seconds": round(band.seconds, 2),
    }
    _write_atomic(path.with_suffix(".json"), lambda p: p.write_text(json.dumps(meta, indent=2) + "\n"))
    band.path = path
    return band

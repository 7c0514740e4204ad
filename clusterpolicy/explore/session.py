"""One browser session's state, and the model SolaraViz runs.

:class:`Session` holds what a person has chosen (scenario, seed, lever and uncertainty changes) and the
bands computed so far. :class:`ExplorerModel` is the ``ClusterPolicyModel`` that Mesa's SolaraViz builds
and rebuilds (its RESET button calls ``ExplorerModel(session=...)``): it runs the session's current
choices and records each organisation's state every quarter, for the organisation histories.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from clusterpolicy.explore import band as band_mod
from clusterpolicy.explore import glue
from clusterpolicy.explore.orgs import OrgTrack, record
from clusterpolicy.model import ClusterPolicyModel, Params
from clusterpolicy.model.params import ParameterError, quarter_index, quarter_label
from clusterpolicy.outputs import i18n


@dataclass(frozen=True)
class Config:
    """How the explorer was started (read from the environment by the app).

    Attributes:
        lang: ``en`` or ``nl``.
        scenario: the scenario it opens on.
        cache_dir: where bands are cached.
        replications: runs per band.
        root_seed: root of the band's replicate seeds.
        workers: worker processes for a band (None: all cores).
    """

    lang: str = i18n.DEFAULT_LANG
    scenario: str = glue.BASELINE
    cache_dir: Path = field(default_factory=band_mod.default_cache_dir)
    replications: int = band_mod.DEFAULT_REPLICATIONS
    root_seed: int = band_mod.DEFAULT_ROOT_SEED
    workers: int | None = None

    ENV: ClassVar[dict[str, str]] = {
        "lang": "CLUSTERPOLICY_EXPLORE_LANG",
        "scenario": "CLUSTERPOLICY_EXPLORE_SCENARIO",
        "replications": "CLUSTERPOLICY_EXPLORE_REPLICATIONS",
        "workers": "CLUSTERPOLICY_EXPLORE_WORKERS",
    }

    @classmethod
    def from_env(cls) -> Config:
        """The configuration the ``explore`` command put in the environment (defaults otherwise)."""
        env = os.environ
        workers = env.get(cls.ENV["workers"])
        return cls(
            lang=i18n.check_lang(env.get(cls.ENV["lang"], i18n.DEFAULT_LANG)),
            scenario=env.get(cls.ENV["scenario"], glue.BASELINE),
            cache_dir=band_mod.default_cache_dir(),
            replications=int(env.get(cls.ENV["replications"], band_mod.DEFAULT_REPLICATIONS)),
            workers=int(workers) if workers else None,
        )

    def to_env(self) -> dict[str, str]:
        """The environment variables that :meth:`from_env` reads."""
        out = {
            self.ENV["lang"]: self.lang,
            self.ENV["scenario"]: self.scenario,
            self.ENV["replications"]: str(self.replications),
            "CLUSTERPOLICY_CACHE": str(self.cache_dir),
        }
        if self.workers:
            out[self.ENV["workers"]] = str(self.workers)
        return out


class Session:
    """What one person is exploring: a scenario, a seed, changes to its values, and the bands.

    ``pending`` holds the changes set in the page; a model built from the session (RESET) runs the
    scenario with them, and they become ``applied``. A combination the declarations reject (e.g. all
    jury weights 0) is not applied: the model keeps the last valid values and ``error`` says why.
    """

    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        self.lang = self.config.lang
        self.scenario = glue.load_scenario(self.config.scenario)
        self.first_scenario = self.scenario
        self.seed = 1
        self.pending: dict[str, Any] = {}
        self.applied: dict[str, Any] = {}
        self.applied_scenario = self.scenario
        self.applied_seed = self.seed
        self.error: str | None = None
        self.bands: dict[str, band_mod.Band] = {}
        self.band_errors: dict[str, str] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ choices
    def set_scenario(self, name: str) -> None:
        """Choose another scenario (its own values; changes set so far are dropped)."""
        first = self.first_scenario
        self.scenario = first if name == first.name else glue.load_scenario(name)
        self.pending = {}
        self.error = None

    def value(self, key: str) -> Any:
        """The value a key has now in the page: the pending change, else the scenario's."""
        return self.pending.get(key, self.scenario.params.get(key))

    def set_value(self, key: str, value: Any) -> None:
        """Set one parameter (a change is forgotten when it equals the scenario's value again)."""
        if value == self.scenario.params.get(key):
            self.pending.pop(key, None)
        else:
            self.pending[key] = value

    def restore(self) -> None:
        """Forget every change."""
        self.pending = {}
        self.error = None

    def has_unapplied(self) -> bool:
        """Whether the page shows choices that the running model does not run yet."""
        return (
            self.pending != self.applied
            or self.scenario.name != self.applied_scenario.name
            or self.seed != self.applied_seed
        )

    def build(self) -> tuple[Params, int]:
        """The parameters and seed of a new model (the pending choices, when valid)."""
        try:
            params = self.scenario.params.replace(**self.pending) if self.pending else self.scenario.params
        except ParameterError as exc:
            self.error = i18n.text("lever_error", self.lang, error=str(exc))
            base = self.applied_scenario.params
            params = base.replace(**self.applied) if self.applied else base
            return params, self.applied_seed
        self.error = None
        self.applied = dict(self.pending)
        self.applied_scenario = self.scenario
        self.applied_seed = self.seed
        return params, self.seed

    def scenario_names(self) -> list[str]:
        """The scenarios to choose from: the shipped ones and the one the explorer opened on."""
        names = glue.available()
        return names if self.first_scenario.name in names else [self.first_scenario.name, *names]

    # ------------------------------------------------------------------ bands
    def band_seeds(self) -> list[int]:
        """The replicate seeds of a band."""
        return glue.replicate_seeds(self.config.root_seed, self.config.replications)

    def cached_band(self, scenario: glue.Scenario) -> band_mod.Band | None:
        """The band of a scenario if it is in memory or on disk (never computes)."""
        if scenario.name in self.bands:
            return self.bands[scenario.name]
        hit = band_mod.cached_band(
            scenario.name,
            scenario.params,
            self.config.cache_dir,
            self.config.replications,
            self.config.root_seed,
        )
        if hit is not None:
            self.bands[scenario.name] = hit
        return hit

    def ensure_band(self, scenario: glue.Scenario) -> band_mod.Band | None:
        """The band of a scenario as defined, computed and cached when needed (slow the first time)."""
        with self._lock:
            hit = self.cached_band(scenario)
            if hit is not None:
                return hit
            try:
                b = band_mod.load_or_compute(
                    scenario.name,
                    scenario.params,
                    self.band_seeds(),
                    self.config.root_seed,
                    self.config.cache_dir,
                    self.config.workers,
                )
            except Exception as exc:  # shown in the page; the explorer goes on without a band
                self.band_errors[scenario.name] = f"{type(exc).__name__}: {exc}"
                return None
            self.bands[scenario.name] = b
            return b


class ExplorerModel(ClusterPolicyModel):
    """The cluster-policy model as the explorer runs it: built from a :class:`Session`.

    Args:
        session: the session whose choices to run (a fresh default session when None).
        rng: ignored unless no session is given (the session's seed is used).
    """

    def __init__(self, session: Session | None = None, rng: int | None = None):
        if session is None:
            session = Session()
            if rng is not None:
                session.seed = int(rng)
        params, seed = session.build()
        super().__init__(params, rng=seed)
        self.session = session
        self.scenario_name = session.applied_scenario.name
        self._cp_scenario = session.applied_scenario
        self.changes = dict(session.applied)
        self.seed = seed
        self.tracks: dict[int, OrgTrack] = {}

    @property
    def cp_scenario(self) -> glue.Scenario:
        """The clusterpolicy scenario this model runs (``scenario`` is Mesa's own)."""
        return self._cp_scenario

    def step(self) -> None:
        """One quarter, then record every organisation's state (no-op after the last quarter)."""
        if not self.running:
            return
        super().step()
        record(self.tracks, self)

    @property
    def quarters(self) -> list[str]:
        """Labels of every recorded quarter."""
        s = quarter_index(self.p.simulation.start)
        return [quarter_label(s + i) for i in range(self.p.simulation.quarters)]

    def run_values(self) -> dict[str, list[float]]:
        """Every collected outcome of this run so far, per quarter."""
        mv = self.datacollector.model_vars
        return {name: list(values) for name, values in mv.items()}

"""Start the explorer: check the flags, prepare the baseline's band, then serve the Solara page.

Solara is an optional extra (``pip install 'clusterpolicy[explore]'``); without it the command ends with
one line saying how to install it. The server runs in this process (``solara run`` in production
mode, without its version check against the package index, and with its telemetry off), so the page
works with no network at all: ``solara-assets`` serves the front end locally.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import os
import socket
import sys
import time

from clusterpolicy.explore import band as band_mod
from clusterpolicy.explore import glue
from clusterpolicy.explore.session import Config
from clusterpolicy.outputs import i18n

APP = "clusterpolicy.explore.app"


class ExploreError(ValueError):
    """A bad flag or a missing piece; ``str()`` is one line for the user."""


def missing_extra() -> str | None:
    """What is missing to serve the page, or None."""
    for mod in ("solara", "solara_assets"):
        if importlib.util.find_spec(mod) is None:
            return mod
    return None


def check_port(host: str, port: int) -> int:
    """Check that ``host:port`` can be served (0 picks a free port); return the port.

    Raises:
        ExploreError: when the port is out of range, in use, or the host cannot be bound.
    """
    if not 0 <= port <= 65535:
        raise ExploreError(f"--port: {port}: a port number from 0 to 65535 (0 picks a free one)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise ExploreError(f"--host: {host!r}: not a host name or address of this machine") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ExploreError(
                    f"--port: {port} is in use on {host}; pick another with --port N"
                ) from None
            raise ExploreError(f"--host: {host}:{port} cannot be served ({exc.strerror})") from None
        return int(s.getsockname()[1])


def prepare(config: Config, out=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    """Compute (or read from the cache) the band of the scenario the page opens on, saying so."""
    sc = glue.load_scenario(config.scenario)
    seeds = glue.replicate_seeds(config.root_seed, config.replications)
    if band_mod.cached_band(sc.name, sc.params, config.cache_dir, config.replications, config.root_seed):
        print(f"baseline band of {sc.name}: read from the cache in {config.cache_dir}", file=out, flush=True)
        return
    print(
        f"computing the baseline band of {sc.name} once: {config.replications} runs on "
        f"{config.workers or os.cpu_count()} processes (later starts read it from {config.cache_dir}) ...",
        file=out,
        flush=True,
    )
    t0 = time.perf_counter()
    b = band_mod.load_or_compute(
        sc.name, sc.params, seeds, config.root_seed, config.cache_dir, config.workers
    )
    print(f"  done in {time.perf_counter() - t0:.0f} s: {b.path}", file=out, flush=True)


def serve(config: Config, host: str, port: int) -> int:
    """Prepare the band, print the address, and serve until interrupted."""
    if (mod := missing_extra()) is not None:
        raise ExploreError(
            f"explore needs the optional extra 'explore' ({mod} is not installed): "
            "pip install -e '.[explore]' (make run and make test install it)"
        )
    port = check_port(host, port)
    i18n.check_lang(config.lang)
    prepare(config)
    os.environ.update(config.to_env())
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    shown = "localhost" if host in ("127.0.0.1", "localhost", "::1") else host
    print(
        f"clusterpolicy explorer: serving at http://{shown}:{port}/  (language {config.lang}; Ctrl-C stops)",
        flush=True,
    )
    from solara.__main__ import run as solara_run

    args = [APP, "--host", host, "--port", str(port), "--production", "--no-open", "--no-check-version"]
    with contextlib.suppress(KeyboardInterrupt):
        solara_run.main(args=args, standalone_mode=False)
    return 0

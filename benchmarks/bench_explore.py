"""The explorer's speed: first page and one quarter, in a real browser, at the default size (5,000 firms).

Starts ``clusterpolicy explore`` on a free port (band read from the cache, or computed first), drives
headless Debian chromium with Playwright, and prints: time to the first complete page, and per quarter
the time from pressing STEP to the updated plot in the page; plus the model's own step and the two
figures' drawing time, measured in this process. Run: ``.venv/bin/python benchmarks/bench_explore.py``.
"""

from __future__ import annotations

import io
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

from playwright.sync_api import sync_playwright

from clusterpolicy.explore.figures import headline_names, headline_overlay, y_limits
from clusterpolicy.explore.session import Config, ExplorerModel, Session

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_process(quarters: int = 20) -> None:
    s = Session(Config())
    s.ensure_band(s.scenario)
    m = ExplorerModel(session=s)
    band, names = s.cached_band(s.scenario), headline_names()
    steps, draws = [], []
    for _ in range(quarters):
        t = time.perf_counter()
        m.step()
        steps.append(time.perf_counter() - t)
        run = m.run_values()
        t = time.perf_counter()
        headline_overlay(run, band, m.quarters, y_limits(run, band, names), names=names).savefig(
            io.BytesIO(), format="png"
        )
        draws.append(time.perf_counter() - t)
    print(f"model step (5,000 firms): median {1e3 * statistics.median(steps):.0f} ms")
    print(f"plot of this run (overlay): median {1e3 * statistics.median(draws):.0f} ms")


def in_browser(quarters: int = 10) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clusterpolicy",
            "explore",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        t0 = time.perf_counter()
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        print(f"server up (band cached or computed): {time.perf_counter() - t0:.1f} s")
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = b.new_page(viewport={"width": 1280, "height": 800})
            t = time.perf_counter()
            page.goto(url)
            page.locator(".headline-overlay img").wait_for(timeout=60_000)
            print(f"first page (request to complete page): {time.perf_counter() - t:.1f} s")
            times = []
            for _ in range(quarters):
                src = page.locator(".headline-overlay img").get_attribute("src")
                t = time.perf_counter()
                page.get_by_role("button", name="Step").click()
                page.wait_for_function(
                    "s => (document.querySelector('.headline-overlay img') || {}).src !== s", arg=src
                )
                times.append(time.perf_counter() - t)
            print(
                f"one quarter in the browser (STEP to new plot): median {statistics.median(times):.2f} s, "
                f"max {max(times):.2f} s over {quarters}"
            )
            b.close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)


if __name__ == "__main__":
    in_process()
    in_browser()

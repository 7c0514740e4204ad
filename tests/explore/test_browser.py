"""The explorer in a real browser: headless Debian chromium driven by Playwright (no browser download).

Skipped, with the reason, only where no chromium or no Playwright can be had. Set
``CLUSTERPOLICY_SCREENSHOT`` to a PNG path to also save the README's screenshot.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_bad_flags_end_in_one_line_with_exit_2():
    exe = [sys.executable, "-m", "clusterpolicy", "explore"]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cases = [
            (["--lang", "fr"], "--lang: 'fr': one of en, nl"),
            (["--scenario", "nope"], "no such scenario"),
            (["--port", "70000"], "--port: 70000"),
            (["--port", str(port), "--host", "127.0.0.1"], "is in use"),
            (["--replications", "1"], "--replications"),
        ]
        for args, expected in cases:
            r = subprocess.run([*exe, *args], capture_output=True, text=True, timeout=60)
            assert r.returncode == 2, (args, r.stderr)
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and expected in lines[0], (args, r.stderr)
            assert "Traceback" not in r.stderr


@pytest.fixture(scope="module")
def server():
    pytest.importorskip("solara", reason="the 'explore' extra is not installed")
    port = free_port()
    cache = tempfile.mkdtemp(prefix="cp-explore-cache-")
    env = {**os.environ, "CLUSTERPOLICY_CACHE": cache}
    cmd = [sys.executable, "-m", "clusterpolicy", "explore", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--replications", "4", "--workers", "2"]
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed with the server
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"explore exited with {proc.returncode}:\n{log.read()}")
        try:
            urllib.request.urlopen(url, timeout=2).read(100)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("explore did not serve within 120 s")
    log.seek(0)
    yield url, log.read()
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(cache, ignore_errors=True)  # the temporary folder this test made


def test_page_loads_a_lever_changes_a_step_updates_the_plot_with_no_console_error(server, browser):
    url, startup = server
    assert f"serving at http://localhost:{url.rsplit(':', 1)[1].strip('/')}/" in startup
    assert "computing the baseline band of concept_note_2015" in startup
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    problems, foreign = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    page.goto(url)
    page.get_by_text("not started").wait_for(timeout=60_000)
    page.get_by_text("This run: concept_note_2015 as defined").wait_for()
    overlay = page.locator(".headline-overlay img")
    overlay.wait_for(timeout=60_000)
    assert page.get_by_text("grey band: 95 % of single runs").count() == 1

    # a lever: click near the left end of the first slider (public share of the operating budget)
    slider = page.locator(".lever-policy-operating_grant_share .v-slider").first
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] / 2)
    page.get_by_text("not applied yet").wait_for(timeout=30_000)
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("with 1 change(s)").wait_for(timeout=30_000)
    assert "public share of the operating budget" in page.locator(".run-summary").inner_text()

    # a step updates the plot
    before = overlay.get_attribute("src")
    page.get_by_role("button", name="Step").click()
    page.get_by_text("quarter 1 of 40").wait_for(timeout=30_000)
    # the image is replaced when the page redraws, so for a moment there may be none
    page.wait_for_function(
        "s => { const img = document.querySelector('.headline-overlay img');"
        " return img !== null && img.src !== s; }",
        arg=before,
        timeout=30_000,
    )
    for i in (2, 3, 4):
        page.get_by_role("button", name="Step").click()
        page.get_by_text(f"quarter {i} of 40").wait_for(timeout=30_000)

    # the organisations: a table, and one organisation's history on click
    page.get_by_role("tab", name="Cluster organisations").click()
    first_row = page.locator(".org-table tbody tr").first
    first_row.wait_for(timeout=30_000)
    page.locator(".members-figure img").wait_for(timeout=30_000)
    first_row.click()
    page.get_by_text("History of").wait_for(timeout=30_000)

    if shot := os.environ.get("CLUSTERPOLICY_SCREENSHOT"):
        page.get_by_role("tab", name="Outcomes").click()
        overlay.wait_for()
        page.wait_for_timeout(1500)
        page.screenshot(path=shot)
    assert problems == []
    assert foreign == []  # offline: every request goes to the explorer itself

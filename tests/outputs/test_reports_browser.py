"""Every report in a real browser: the first screen (1280 x 800) holds the answer and its figure.

Headless Debian chromium, driven by Playwright (no browser download), one browser for every page.
Skipped, with the reason, only where no chromium or no Playwright can be had. Set
``CLUSTERPOLICY_REPORT_SHOTS`` to a folder to also save a screenshot of every first screen.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

WIDTH, HEIGHT = 1280, 800
# the page's height at most (px): the compare report was about 9,200 px before it was rewritten
TALLEST = {
    "compare": 4500,
    "crowding": 3200,
    "hypothesis": 3000,
    "additionality": 2200,
    "validate": 2600,
    "calibrate": 2400,
}

MEASURE = """() => {
  const box = (sel) => { const e = document.querySelector(sel); if (!e) return null;
                         const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
  const img = document.querySelector('#answer-figure img');
  const wrapped = (e) => { const r = [...e.getClientRects()];  // a later line box starts below the first
                           return r.length > 1 && r.some(x => x.top >= r[0].bottom - 1); };
  const broken = [...document.querySelectorAll('.nw')].filter(wrapped).map(e => e.textContent);
  // nothing reaches past the right edge; a wide table scrolls in its own box only when folded away
  const folded = (e) => e.closest('details:not([open])') !== null;
  const wide = [...document.querySelectorAll('body *')]
                 .filter(e => !folded(e) && e.getBoundingClientRect().right > %d + 1)
                 .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40));
  const scrolls = [...document.querySelectorAll('.table-wrap')]
                 .filter(e => !folded(e) && e.scrollWidth > e.clientWidth + 1)
                 .map(e => (e.textContent || '').slice(0, 40));
  return {
    height: document.documentElement.scrollHeight,
    width: document.documentElement.scrollWidth,
    howto: box('#how-to-read'), answer: box('#answer .answer-text'), figure: box('#answer-figure img'),
    loaded: img ? img.complete && img.naturalWidth > 0 : false,
    answer_text: (document.querySelector('#answer .answer-text') || {}).innerText || '',
    broken: broken, wide: wide.slice(0, 5), scrolls: scrolls,
  };
}""".replace("%d", str(WIDTH))


def _first_screen(browser, path: Path, shot: Path | None) -> tuple[dict, list[str]]:
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    m = page.evaluate(MEASURE)
    if shot is not None:
        page.screenshot(path=str(shot))
    page.close()
    return m, problems


@pytest.mark.parametrize("name", sorted(TALLEST))
def test_the_first_screen_holds_the_answer_in_both_languages(browser, reports, name):
    folder = os.environ.get("CLUSTERPOLICY_REPORT_SHOTS")
    for lang, path in reports.pages[name].items():
        shot = Path(folder) / f"{name}_{lang}.png" if folder else None
        m, problems = _first_screen(browser, path, shot)
        where = f"{name} ({lang})"
        assert problems == [], (where, problems)
        assert m["width"] <= WIDTH and m["wide"] == [], (where, "overflows sideways", m["wide"])
        assert m["scrolls"] == [], (where, "a table needs a sideways scroll", m["scrolls"])
        assert m["howto"] and m["howto"]["top"] < m["answer"]["top"], (where, "how to read this is on top")
        assert m["answer"]["bottom"] <= HEIGHT, (where, "the answer's sentences are on the first screen", m)
        assert m["loaded"] and m["figure"]["bottom"] <= HEIGHT, (
            where,
            "the figure is on the first screen",
            m,
        )
        assert any(ch.isdigit() for ch in m["answer_text"]), (where, "the answer says by how much")
        assert m["broken"] == [], (where, "an interval broke across lines", m["broken"][:3])
        assert m["height"] <= TALLEST[name], (where, m["height"])

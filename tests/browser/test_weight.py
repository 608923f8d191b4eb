"""Light pages: what each page of the built book costs a reader, measured in headless Chromium.

Every ``_toc.yml`` page is opened with an empty cache (``tools/measure_pages.py``, which also writes the
committed measurements): the bytes of every response body are summed by type (js/css/font/html/other) and the
time from navigation start to the last ``sl-chart-drawn`` event is recorded. The test asserts the goals (a page
without charts under 1 MB, a page with charts under 2.5 MB), that every chart is drawn, that the vega bundle is
loaded exactly on the pages with charts, that no page loads MathJax or Font Awesome's JavaScript (math is
typeset at build time, icons come from the web font), and writes the measurements to
``<HTML_DIR>/../page-weights.json``. A second test checks that the theme's icons are still drawn.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from .support import HTML_DIR, PAGES, REPO, require_build


def _measure_module():
    spec = importlib.util.spec_from_file_location(
        "measure_pages", REPO / "tools" / "measure_pages.py"
    )
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


mp = _measure_module()


@pytest.mark.browser
def test_page_weights(site_url: str, browser: Any) -> None:
    require_build()
    results = mp.measure_site(browser, site_url, PAGES)
    out = HTML_DIR.parent / "page-weights.json"
    out.write_text(json.dumps(mp.record(results, 1), indent=1) + "\n", encoding="utf-8")
    assert set(results) == set(PAGES)
    found = mp.problems(results)
    for doc, r in results.items():
        if r["mathjax"]:
            found.append(f"{doc}: loads MathJax in the browser (math is typeset at build time)")
        if r["charts"] and r["last_chart_ms"] is None:
            found.append(f"{doc}: no time to the last chart")
    assert not found, "page weights (see " + str(out) + "):\n" + "\n".join(found)
    # The measurement sees real transfers: every page fetched its HTML and the theme's CSS.
    for doc, r in results.items():
        assert r["bytes"]["html"] > 5_000 and r["bytes"]["css"] > 100_000, (doc, r["bytes"])
    chart_pages = [d for d, r in results.items() if r["charts"]]
    assert chart_pages and all(results[d]["bytes"]["js"] > 500_000 for d in chart_pages)


def test_problems_flag_heavy_and_wrong_pages() -> None:
    """The checks can fail: an over-weight page, an undrawn chart, vega without charts, Font Awesome JS."""
    ok = {
        "status": 200,
        "bytes": {"total": 900_000},
        "charts": 0,
        "drawn": 0,
        "vega": False,
        "fontawesome_js": False,
        "failed": [],
        "external": [],
        "largest": [{"path": "/x.js", "bytes": 1}],
    }
    assert mp.problems({"p": ok}) == []
    heavy = {**ok, "bytes": {"total": 1_000_000}}
    undrawn = {**ok, "charts": 2, "drawn": 1, "vega": True, "bytes": {"total": 2_000_000}}
    stray = {**ok, "vega": True, "fontawesome_js": True}
    found = mp.problems({"heavy": heavy, "undrawn": undrawn, "stray": stray})
    assert any(f.startswith("heavy: 1,000,000 bytes >= goal 1,000,000") for f in found), found
    assert "undrawn: 1 of 2 charts drawn" in found
    assert "stray: loads the vega bundle but has no chart" in found
    assert "stray: loads Font Awesome's JavaScript" in found
    assert mp.problems({"c": {**undrawn, "drawn": 2, "bytes": {"total": 2_500_000}}})


#: The theme's buttons whose icons must still be drawn by the Font Awesome web font.
ICONS = {
    "theme switch": ".theme-switch-button i.theme-switch",
    "download": "button[aria-label='Download this page'] i",
    "fullscreen": "i.fa-expand",
    "search": "button.search-button__button i",
}

_ICON_STATE = """(sel) => Array.from(document.querySelectorAll(sel)).filter(
  e => e.getClientRects().length > 0).map(e => {
    const before = getComputedStyle(e, '::before');
    return {family: before.fontFamily, content: before.content, width: e.getBoundingClientRect().width,
            svg: !!e.querySelector('svg') || e.tagName.toLowerCase() === 'svg'};
  })"""


@pytest.mark.browser
def test_icons_drawn_by_the_web_font(site_url: str, browser: Any) -> None:
    """Theme switch, download, fullscreen and search icons show (web font glyphs, no SVG swap)."""
    doc = next(d for d in PAGES if d.startswith("chapters/"))
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(urljoin(site_url, f"{doc}.html"), wait_until="load")
        page.wait_for_load_state("networkidle")
        page.evaluate("() => document.fonts.ready")
        fonts = page.evaluate(
            "() => Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)"
        )
        states = {name: page.evaluate(_ICON_STATE, sel) for name, sel in ICONS.items()}
    finally:
        context.close()
    assert any("Font Awesome 6 Free" in f for f in fonts), fonts
    for name, seen in states.items():
        assert seen, f"{doc}: no visible {name} icon ({ICONS[name]})"
        for s in seen:
            assert "Font Awesome" in s["family"] and s["content"] not in ("none", "normal", '""'), (
                name,
                s,
            )
            assert s["width"] > 4 and not s["svg"], (name, s)


def test_measure_module_sees_every_toc_page() -> None:
    assert mp.toc_pages(REPO) == PAGES or "<no _toc.yml>" in PAGES
    assert mp.kind_of("http://h/_static/a.js?v=1", "") == "js"
    assert mp.kind_of("http://h/f.woff2", "font/woff2") == "font"
    assert mp.kind_of("http://h/x", "text/css; charset=utf-8") == "css"
    assert mp.goal_for(0) == 1_000_000 and mp.goal_for(3) == 2_500_000
    assert Path(mp.__file__).name == "measure_pages.py"

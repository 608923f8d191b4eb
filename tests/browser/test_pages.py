"""The built book works offline in a real browser.

Run after the book is built into ``<book>/_build/html`` (``make test`` does this).
The book folder is ``$SCALINGLAWS_BOOK_DIR`` (default: the repository root).

* ``test_toc_pages_built`` and ``test_no_external_assets`` need no browser: every
  ``_toc.yml`` entry has a page, and no built page (or its CSS) loads a script,
  stylesheet, font or image from outside the site.
* ``test_page_in_chromium`` (marked ``browser``) opens every ``_toc.yml`` page in
  headless Debian Chromium through Playwright, served from 127.0.0.1, at 1400 px and at
  390 px (a phone), and checks that every ``figure.sl-chart`` holds a drawn ``<svg>``/``<canvas>``,
  that all math was typeset by MathJax (``mjx-container``, no ``mjx-merror``), that no
  JavaScript error occurred, that no request left localhost, and runs the chart checks of
  ``chart_checks.js`` on the drawn Vega views: every layer with data draws marks and every
  series its own path, every requested tick has a label, no text is cut short with "…", no
  chart text below 9 CSS px, no sideways page scroll, tables fit the column or scroll in their
  own box. Screenshots: ``<book>/_build/screenshots/<page>.png`` and ``<page>-390.png``.
* ``test_dark_mode`` opens every page in the theme's dark mode (``<page>-dark.png``), runs the
  same checks, checks that each chart sits on a dark card with light text, and that the page's
  theme switch re-draws the charts in the light theme (without leaving stale views behind).

Without ``/usr/bin/chromium`` or Playwright the browser tests are skipped, except
under ``CI=true`` where they fail.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from .support import (
    ALLOWED_JS_ERRORS,
    DRAW_TIMEOUT_MS,
    HTML_DIR,
    LOCAL_SCHEMES,
    PAGES,
    SHOT_DIR,
    offline_context,
    page_path,
    require_build,
)


# --------------------------------------------------------- static checks (no browser)
def test_toc_pages_built() -> None:
    require_build()
    missing = [str(page_path(doc)) for doc in PAGES if not page_path(doc).is_file()]
    assert not missing, f"_toc.yml entries without a built page: {missing}"


# A table separator row (Sphinx turns "---" into an em dash), a glue or cite role, a directive fence.
_RAW_MARKUP = re.compile(r"\|\s*:?(?:-{3,}|\u2014+):?\s*\||\{glue:|\{cite:|```\{")


def test_no_unrendered_markup() -> None:
    """No page shows Markdown or MyST source as text: a table's |---| row, a glue or cite role, a fence."""
    require_build()
    offenders = {}
    for doc in PAGES:
        if not page_path(doc).is_file():
            continue  # reported by test_toc_pages_built
        html = page_path(doc).read_text(encoding="utf-8")
        text = re.sub(r"<(script|style|pre|code)\b.*?</\1>", "", html, flags=re.S)
        text = re.sub(r"<[^>]+>", "", text)
        found = _RAW_MARKUP.findall(text)
        if found:
            offenders[doc] = found[:3]
    assert not offenders, f"unrendered markup: {offenders}"


#: ``<link rel=...>`` values that make the browser fetch the ``href``.
FETCHED_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "manifest"}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""")
_CDN = re.compile(r"cdn\.jsdelivr|unpkg\.com|cdnjs|googleapis|gstatic|require\.min\.js|mathjax@")


class _AssetParser(HTMLParser):
    """Collect external URLs the page would fetch: scripts, styles, fonts, images, frames."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.external: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        urls: list[str] = []
        if tag in {"script", "img", "iframe", "audio", "video", "source", "embed"}:
            urls.append(a.get("src", ""))
        if tag == "link" and FETCHED_RELS & set(a.get("rel", "").lower().split()):
            urls.append(a.get("href", ""))
        if tag == "object":
            urls.append(a.get("data", ""))
        if "style" in a:
            urls += _CSS_URL.findall(a["style"])
        for url in urls:
            if _external(url):
                self.external.append(f"<{tag}> {url}")
        self._in = tag if tag in {"script", "style"} else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.external += [f"<style> {u}" for u in _CSS_URL.findall(data)]
        elif self._in == "script":
            self.external += [f"<script> inline mentions {m}" for m in _CDN.findall(data)]


def _external(url: str) -> bool:
    url = url.strip()
    if not url:
        return False
    return (
        url.startswith("//")
        or bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url))
        and (urlsplit(url).scheme not in LOCAL_SCHEMES)
    )


def test_no_external_assets() -> None:
    """No built page or stylesheet loads anything from outside the site."""
    require_build()
    problems: list[str] = []
    for page in sorted(HTML_DIR.rglob("*.html")):
        parser = _AssetParser()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        problems += [f"{page.relative_to(HTML_DIR)}: {e}" for e in parser.external]
    for css in sorted(HTML_DIR.rglob("*.css")):
        for url in _CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{css.relative_to(HTML_DIR)}: url {url}")
    assert not problems, "external assets in the built site:\n" + "\n".join(problems)


def test_external_asset_parser_catches_cdn() -> None:
    """The static check really flags CDN scripts, web fonts and preloads (and not data:)."""
    # The CDN host names are assembled from parts so that this file itself holds no CDN reference.
    jsdelivr, fonts, unpkg = "cdn." + "jsdelivr.net", "fonts." + "googleapis.com", "unpkg" + ".com"
    parser = _AssetParser()
    parser.feed(
        f'<script src="https://{jsdelivr}/npm/vega@6"></script>'
        f'<link rel="stylesheet" href="//{fonts}/css?family=Lato">'
        "<style>@font-face{src:url(https://example.org/f.woff2)}</style>"
        f'<script>require.config({{paths: {{x: "https://{unpkg}/x"}}}})</script>'
        '<img src="data:image/png;base64,AAAA"><script src="_static/vega-bundle.js"></script>'
        '<link rel="canonical" href="https://example.org/book/">'
    )
    assert len(parser.external) == 4, parser.external


# ----------------------------------------------------------------- browser checks
#: The chart checks (a JS function expression), asked of the drawn Vega views.
CHART_CHECKS_JS = (Path(__file__).with_name("chart_checks.js")).read_text(encoding="utf-8")
#: Viewport widths: a desktop and a phone (CSS px).
WIDE, PHONE = 1400, 390
#: Smallest chart text a reader should get (CSS px, on screen).
MIN_FONT_PX = 9
#: A chart is done when the runtime marks it drawn (after any re-draw at the card's width).
_CHART_DONE = (
    "f => f.getAttribute('data-sl-state') === 'drawn' "
    "&& f.querySelector('.sl-chart-view svg, .sl-chart-view canvas')"
)


def _charts_not_drawn(page: Any) -> list[str]:
    """Wait until every chart is drawn (up to the draw timeout); label each that is not."""
    if not page.locator("figure.sl-chart").count():
        return []
    every = f"() => Array.from(document.querySelectorAll('figure.sl-chart')).every({_CHART_DONE})"
    try:
        page.wait_for_function(every, timeout=DRAW_TIMEOUT_MS)
    except Exception:  # noqa: BLE001 - the charts still missing are reported by the caller
        pass
    return page.evaluate(
        f"() => Array.from(document.querySelectorAll('figure.sl-chart')).filter(f => !({_CHART_DONE})(f))"
        ".map(f => f.getAttribute('data-sl-id') + ': ' + f.innerText.slice(0, 120))"
    )


def _not_done(page: Any, items: str, done: str, label: str) -> list[str]:
    """Wait until every element matching ``items`` contains ``done`` (charts drawn, formulas
    typeset), up to the draw timeout; return a label (JS arrow function) for each that does not."""
    if not page.locator(items).count():
        return []
    every = f"() => Array.from(document.querySelectorAll({items!r})).every(e => e.querySelector({done!r}))"
    try:
        page.wait_for_function(every, timeout=DRAW_TIMEOUT_MS)
    except Exception:  # noqa: BLE001 - the elements still missing are reported by the caller
        pass
    return page.evaluate(
        f"() => Array.from(document.querySelectorAll({items!r}))"
        f".filter(e => !e.querySelector({done!r})).map({label})"
    )


def _visit(
    browser: Any,
    url: str,
    shot: Path,
    *,
    dark: bool = False,
    width: int = WIDE,
    inspect: Any = None,
) -> dict[str, Any]:
    """Open ``url`` at ``width`` CSS px, wait for charts and math, run the chart checks, screenshot;
    return what was observed (``inspect(page)``, if given, adds its result as ``"inspected"``)."""
    context, external = offline_context(browser, width=width, dark=dark)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda m: (
            errors.append(f"console.error: {m.text} ({m.location.get('url', '')})")
            if m.type == "error"
            else None
        ),
    )
    try:
        response = page.goto(url, wait_until="load")
        status = response.status if response else None
        n_charts = page.locator("figure.sl-chart").count()
        n_math = page.locator(".math").count()
        undrawn = _charts_not_drawn(page)
        untypeset = _not_done(page, ".math", "mjx-container", "m => m.textContent.slice(0, 80)")
        tex_errors = page.evaluate(
            "() => Array.from(document.querySelectorAll('mjx-merror'))"
            ".map(e => e.getAttribute('data-mjx-error') || e.textContent)"
        )
        theme = page.evaluate("() => document.documentElement.getAttribute('data-theme')")
        card_rgb = (
            page.evaluate(
                "() => getComputedStyle(document.querySelector('.sl-chart-view')).backgroundColor"
            )
            if n_charts
            else None
        )
        checks = page.evaluate(CHART_CHECKS_JS, {"minFontPx": MIN_FONT_PX})
        page.wait_for_timeout(200)  # let late console errors arrive
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        inspected = inspect(page) if inspect is not None else None  # may change the page
    finally:
        context.close()
    allowed = [re.compile(p) for p, _ in ALLOWED_JS_ERRORS]
    return {
        "status": status,
        "charts": n_charts,
        "undrawn": undrawn,
        "math": n_math,
        "untypeset": untypeset,
        "tex_errors": tex_errors,
        "errors": [e for e in errors if not any(p.search(e) for p in allowed)],
        "external": external,
        "theme": theme,
        "card_rgb": card_rgb,
        "checked": len(checks["charts"]),
        "chart_problems": {c["id"]: c["problems"] for c in checks["charts"] if c["problems"]},
        "page_problems": checks["page"],
        "inspected": inspected,
    }


def _assert_clean(doc: str, seen: dict[str, Any]) -> None:
    assert seen["status"] == 200, f"{doc}: HTTP {seen['status']}"
    assert not seen["undrawn"], f"{doc}: charts not drawn: {seen['undrawn']}"
    assert not seen["untypeset"], f"{doc}: math not typeset by MathJax: {seen['untypeset']}"
    assert not seen["tex_errors"], f"{doc}: MathJax TeX errors: {seen['tex_errors']}"
    assert not seen["errors"], f"{doc}: JavaScript errors: {seen['errors']}"
    assert not seen["external"], f"{doc}: requests left localhost: {seen['external']}"
    assert seen["checked"] == seen["charts"], (
        f"{doc}: {seen['charts']} charts on the page, {seen['checked']} reached the chart checks"
    )
    assert not seen["chart_problems"], f"{doc}: chart problems: {seen['chart_problems']}"
    assert not seen["page_problems"], f"{doc}: page problems: {seen['page_problems']}"


@pytest.mark.browser
@pytest.mark.parametrize("doc", PAGES)
def test_page_in_chromium(doc: str, site_url: str, browser: Any) -> None:
    path = page_path(doc)
    assert path.is_file(), f"{doc}: {path} not built"
    url = urljoin(site_url, f"{doc}.html")
    seen = _visit(browser, url, SHOT_DIR / f"{doc}.png", width=WIDE)
    _assert_clean(doc, seen)
    phone = _visit(browser, url, SHOT_DIR / f"{doc}-{PHONE}.png", width=PHONE)
    _assert_clean(f"{doc} at {PHONE} px", phone)


def _luminance(css_rgb: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", css_rgb)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255.0


#: Per drawn chart: its card's background, the fill of its text (axis and legend labels and
#: titles, chart title) as computed on screen, the runtime's theme, and whether
#: window.scalinglawsViews holds exactly the views now shown (none stale, none missing).
_CHART_COLOURS_JS = """() => {
  const roles = /^(axis-label|axis-title|legend-label|legend-title|title-text)$/;
  const recs = (window.scalinglawsCharts || []).filter(r => r.el.isConnected);
  const listed = Object.values(window.scalinglawsViews || {}).flat();
  return {
    views_current: listed.length === recs.length && listed.every(v => recs.some(r => r.view === v)),
    theme: document.documentElement.getAttribute('data-theme'),
    charts: recs.map(r => {
      const fills = new Set();
      (function walk(n) {
        if (n.marktype === 'text' && roles.test(n.role || ''))
          (n.items || []).forEach(i => i._svg && fills.add(getComputedStyle(i._svg).fill));
        (n.items || []).forEach(walk);
      })(r.view.scenegraph().root);
      return {id: r.id, dark: r.dark, card: getComputedStyle(r.el.closest('.sl-chart-view')).backgroundColor,
              fills: [...fills]};
    }),
  };
}"""


def _toggle_to_light(page: Any) -> dict[str, Any]:
    """Press the page's theme switch until the page is light, wait for the re-drawn charts."""
    before = page.evaluate(_CHART_COLOURS_JS)
    for _ in range(3):  # pydata-sphinx-theme cycles light -> dark -> auto (auto is light here)
        if page.evaluate("() => document.documentElement.getAttribute('data-theme')") == "light":
            break
        page.locator("button.theme-switch-button").first.click()
    page.wait_for_function(
        "() => (window.scalinglawsCharts || []).every(r => !r.el.isConnected || r.dark === false)"
        f" && Array.from(document.querySelectorAll('figure.sl-chart')).every({_CHART_DONE})",
        timeout=DRAW_TIMEOUT_MS,
    )
    return {"before": before, "after": page.evaluate(_CHART_COLOURS_JS)}


def _assert_chart_colours(doc: str, state: dict[str, Any], *, dark: bool) -> None:
    assert state["views_current"], f"{doc}: window.scalinglawsViews holds stale or missing views"
    assert state["charts"], f"{doc}: no drawn chart reached the colour check"
    for chart in state["charts"]:
        card = _luminance(chart["card"])
        assert chart["fills"], f"{doc}: chart {chart['id']} has no text"
        lights = [_luminance(f) for f in chart["fills"]]
        if dark:
            assert chart["dark"] is True, f"{doc}: chart {chart['id']} not drawn in the dark theme"
            assert card < 0.2, f"{doc}: chart {chart['id']} card not dark: {chart['card']}"
            assert min(lights) > 0.6, f"{doc}: chart {chart['id']} text too dark: {chart['fills']}"
        else:
            assert chart["dark"] is False, f"{doc}: chart {chart['id']} still in the dark theme"
            assert card > 0.85, f"{doc}: chart {chart['id']} card not light: {chart['card']}"
            assert max(lights) < 0.45, (
                f"{doc}: chart {chart['id']} text too light: {chart['fills']}"
            )


@pytest.mark.browser
@pytest.mark.parametrize("doc", PAGES)
def test_dark_mode(doc: str, site_url: str, browser: Any) -> None:
    """In dark mode every page passes the checks; charts sit on a dark card with light text, and
    the theme switch re-draws them light."""
    path = page_path(doc)
    assert path.is_file(), f"{doc}: {path} not built"

    def inspect(page: Any) -> dict[str, Any] | None:
        if not page.locator("figure.sl-chart").count():
            return None
        return {"dark": page.evaluate(_CHART_COLOURS_JS), **_toggle_to_light(page)}

    seen = _visit(
        browser,
        urljoin(site_url, f"{doc}.html"),
        SHOT_DIR / f"{doc}-dark.png",
        dark=True,
        inspect=inspect,
    )
    assert seen["theme"] == "dark", f"{doc}: dark mode not applied: data-theme={seen['theme']!r}"
    _assert_clean(doc, seen)
    if seen["charts"]:
        _assert_chart_colours(doc, seen["inspected"]["dark"], dark=True)
        _assert_chart_colours(doc, seen["inspected"]["after"], dark=False)


@pytest.mark.browser
def test_enable_notebook_html_draws_without_the_book(browser: Any) -> None:
    """Plain-Jupyter path: the bundle script of ``enable_notebook()`` then two figures
    (one shown twice) draw on an empty page with all network access blocked."""
    import pandas as pd

    from scalinglaws.book import charts

    df = pd.DataFrame({"N": [1e7, 1e8, 1e9], "L": [4.0, 3.2, 2.7]})
    c = charts.loglog_scatter(df, "N", "L", x_title="N (params)", y_title="L (nats/token)")
    fig = charts.figure(c, title="t", caption="c", alt="a").to_html()
    other = charts.figure(c.mark_line(), title="t2", caption="c2", alt="a2").to_html()
    context = browser.new_context()
    blocked: list[str] = []
    context.route("**/*", lambda r: (blocked.append(r.request.url), r.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.set_content(
            "<html><body>" + charts.notebook_bundle_html() + fig + other + fig + "</body></html>"
        )
        page.wait_for_function(
            "() => document.querySelectorAll('figure.sl-chart .sl-chart-view svg').length === 3",
            timeout=DRAW_TIMEOUT_MS,
        )
    finally:
        context.close()
    assert not errors, errors
    assert not blocked, blocked

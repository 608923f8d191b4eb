"""Measure what each page of the built book costs a reader: bytes transferred and time to the last chart.

For every page of ``_toc.yml`` the built HTML is served from 127.0.0.1 (nothing leaves the machine) and
opened in headless Chromium with an empty cache. Recorded per page:

* ``bytes``: the sum of all response bodies the page fetched (HTML, scripts, styles, fonts, images,
  data), by type ``js`` / ``css`` / ``font`` / ``html`` / ``other``, and their ``total``. The local server
  sends no compression, so these are the uncompressed sizes (a compressing web server sends less);
* ``requests``: how many responses;
* ``charts``: how many ``figure.sl-chart`` the page holds, ``drawn``: how many ``sl-chart-drawn`` events
  the chart runtime fired, and ``last_chart_ms``: milliseconds from navigation start to the last of them
  (``null`` on a page without charts);
* ``vega``, ``mathjax``, ``fontawesome_js``: whether the page loaded the vega bundle, MathJax, or Font
  Awesome's JavaScript.

The goals (``GOALS``): a page without charts under 1 MB in all, a page with charts under 2.5 MB.

Usage::

    python tools/measure_pages.py [HTML_DIR] [--out FILE] [--runs N]

``HTML_DIR`` defaults to ``_build/html``; ``--out`` writes the measurements with the date and the machine
(the committed copy is ``book/_data/page_weights.json``, shown on the page "Page weights"); ``--runs``
measures each page N times and keeps the median time (bytes do not vary). ``tests/browser/test_weight.py``
uses the same functions.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scalinglaws.book.site import serve, toc_files

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("SCALINGLAWS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
#: Bytes: a page without charts, and a page with charts (a chapter).
GOALS = {"no_charts": 1_000_000, "charts": 2_500_000}
#: Longest wait for a page's charts to be drawn (ms): a generous timeout, not a goal.
DRAW_TIMEOUT_MS = 30_000
KINDS = ("html", "js", "css", "font", "other")

# Recorded in the page before any script runs: the time of every chart drawn.
_INIT_SCRIPT = """
window.__slDrawn = [];
document.addEventListener("sl-chart-drawn", function (e) {
  window.__slDrawn.push({id: e.detail && e.detail.id, t: performance.now()});
});
"""
_ALL_DRAWN = """() => {
  const n = document.querySelectorAll("figure.sl-chart").length;
  return window.__slDrawn.length >= n;
}"""


def goal_for(charts: int) -> int:
    """The byte budget of a page with ``charts`` charts."""
    return GOALS["charts"] if charts else GOALS["no_charts"]


def toc_pages(book_dir: Path = REPO) -> list[str]:
    """Document paths (no suffix) of the root and every ``file:`` entry of ``_toc.yml``, in order."""
    return toc_files(book_dir / "_toc.yml")


def kind_of(url: str, content_type: str) -> str:
    """``js``, ``css``, ``font``, ``html`` or ``other``, from the content type and the file name."""
    path = urlsplit(url).path.lower()
    ctype = (content_type or "").split(";")[0].strip().lower()
    if path.endswith((".js", ".mjs")) or "javascript" in ctype:
        return "js"
    if path.endswith(".css") or ctype == "text/css":
        return "css"
    if path.endswith((".woff2", ".woff", ".ttf", ".otf", ".eot")) or ctype.startswith("font/"):
        return "font"
    if path.endswith((".html", "/")) or ctype == "text/html":
        return "html"
    return "other"


def measure_page(browser: Any, url: str) -> dict[str, Any]:
    """Open ``url`` in a fresh context (empty cache); return what it fetched and when its charts drew."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(_INIT_SCRIPT)
    external: list[str] = []

    def route(r: Any) -> None:
        if urlsplit(r.request.url).hostname in {"127.0.0.1", "localhost"}:
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    responses: list[dict[str, Any]] = []
    failed: list[str] = []

    def finished(request: Any) -> None:
        response = request.response()
        size = request.sizes()["responseBodySize"]
        ctype = response.headers.get("content-type", "") if response else ""
        responses.append({"url": request.url, "kind": kind_of(request.url, ctype), "bytes": size})

    page.on("requestfinished", finished)
    page.on("requestfailed", lambda r: failed.append(r.url))
    try:
        response = page.goto(url, wait_until="load")
        status = response.status if response else None
        charts = page.locator("figure.sl-chart").count()
        try:
            page.wait_for_function(_ALL_DRAWN, timeout=DRAW_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - reported below as drawn < charts
            pass
        # Wait for late requests (fonts, MathJax extensions) to finish.
        page.wait_for_load_state("networkidle")
        drawn = page.evaluate("() => window.__slDrawn.map(d => d.t)")
    finally:
        context.close()
    by_kind = dict.fromkeys(KINDS, 0)
    for r in responses:
        by_kind[r["kind"]] += r["bytes"]
    urls = [urlsplit(r["url"]).path for r in responses]
    return {
        "status": status,
        "bytes": {**by_kind, "total": sum(by_kind.values())},
        "requests": len(responses),
        "charts": charts,
        "drawn": len(drawn),
        "last_chart_ms": round(max(drawn)) if drawn else None,
        "vega": any(re.search(r"/vega-bundle[.\w]*\.js$", u) for u in urls),
        "mathjax": any("/mathjax/" in u for u in urls),
        "fontawesome_js": any(u.endswith("/fontawesome.js") for u in urls),
        "largest": sorted(
            ({"path": urlsplit(r["url"]).path, "bytes": r["bytes"]} for r in responses),
            key=lambda r: -r["bytes"],
        )[:5],
        "failed": failed,
        "external": external,
    }


def measure_site(
    browser: Any, base_url: str, pages: list[str], runs: int = 1
) -> dict[str, dict[str, Any]]:
    """Measure every page ``runs`` times; bytes from the first run, the median time to the last chart."""
    out: dict[str, dict[str, Any]] = {}
    for doc in pages:
        seen = [measure_page(browser, urljoin(base_url, f"{doc}.html")) for _ in range(runs)]
        first = seen[0]
        times = [s["last_chart_ms"] for s in seen if s["last_chart_ms"] is not None]
        first["last_chart_ms"] = round(statistics.median(times)) if times else None
        out[doc] = first
    return out


def problems(results: dict[str, dict[str, Any]]) -> list[str]:
    """Every page over its goal, with a chart not drawn, or loading what it does not need."""
    found: list[str] = []
    for doc, r in results.items():
        total, goal = r["bytes"]["total"], goal_for(r["charts"])
        if r["status"] != 200:
            found.append(f"{doc}: HTTP {r['status']}")
        if total >= goal:
            top = ", ".join(f"{x['path']} {x['bytes']:,}" for x in r["largest"][:3])
            found.append(f"{doc}: {total:,} bytes >= goal {goal:,} (largest: {top})")
        if r["drawn"] < r["charts"]:
            found.append(f"{doc}: {r['drawn']} of {r['charts']} charts drawn")
        if r["vega"] and not r["charts"]:
            found.append(f"{doc}: loads the vega bundle but has no chart")
        if r["charts"] and not r["vega"]:
            found.append(f"{doc}: has charts but did not load the vega bundle")
        if r["fontawesome_js"]:
            found.append(f"{doc}: loads Font Awesome's JavaScript")
        if r["failed"] or r["external"]:
            found.append(f"{doc}: failed {r['failed']}, left localhost {r['external']}")
    return found


def machine() -> str:
    """A one-line description of this machine and browser."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        version = subprocess.run(
            [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        version = str(CHROMIUM)
    return (
        f"{os.cpu_count()} CPU cores ({cpu}), {platform.system()} {platform.release()}, {version}"
    )


def record(results: dict[str, dict[str, Any]], runs: int) -> dict[str, Any]:
    """The measurement file: date, machine, goals and, per page, bytes by type and time to last chart."""
    keep = ("bytes", "requests", "charts", "drawn", "last_chart_ms", "vega", "mathjax")
    return {
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "method": (
            "tools/measure_pages.py: each _toc page served from 127.0.0.1 (no compression) and opened "
            f"in headless Chromium at 1400x900 with an empty cache; bytes are the sum of response "
            f"bodies; times are the median of {runs} run(s), from navigation start to the last "
            "sl-chart-drawn event"
        ),
        "goals": GOALS,
        "pages": {doc: {k: r[k] for k in keep} for doc, r in results.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", nargs="?", type=Path, default=REPO / "_build" / "html")
    parser.add_argument("--out", type=Path, help="write the measurements (JSON) here")
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median time)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    html_dir = args.html_dir.resolve()
    pages = toc_pages()
    with serve(html_dir) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            results = measure_site(browser, base, pages, runs=args.runs)
        finally:
            browser.close()
    for doc, r in results.items():
        b = r["bytes"]
        t = "-" if r["last_chart_ms"] is None else f"{r['last_chart_ms']} ms"
        print(
            f"{doc:32s} {b['total']:>10,} B (js {b['js']:>9,} css {b['css']:>8,} font "
            f"{b['font']:>7,})  charts {r['charts']:2d}  last chart {t}"
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(record(results, args.runs), indent=1, sort_keys=False) + "\n"
        args.out.write_text(text, encoding="utf-8")
        print(f"measure_pages: wrote {args.out}")
    found = problems(results)
    for p in found:
        print("PROBLEM:", p)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

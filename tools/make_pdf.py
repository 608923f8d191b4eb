"""Print the built book to one PDF: ``_build/pdf/scaling-laws-reproduced.pdf``.

Every page of ``_toc.yml`` is opened, in the table of contents' order, in headless Chromium (the Debian
package, driven by Playwright; nothing is downloaded, every request that is not to this machine is
blocked) from a local server of the built HTML. Once every chart is drawn (the chart runtime marks each
``figure.sl-chart`` ``data-sl-state="drawn"``) and every formula is typeset, the page is printed to A4
(``page.pdf``, tagged, with its document outline) with the book's print stylesheet (``_static/print.css``: no sidebars or header buttons,
charts and wide tables scaled to the page, code cells kept on one page where they fit). The parts are
merged with pypdf, with:

* one top-level bookmark per page of the table of contents (its ``h1``, e.g. "2. Kaplan's scaling laws")
  and under it one bookmark per section (``h2``), each pointing at the page where the heading is printed
  (Chromium's own document outline of each part gives the page);
* a footer on every page: the book's title, the chapter and the page number across the whole book.

Usage::

    python tools/make_pdf.py [--html DIR] [--out FILE]

``--html`` defaults to ``$SCALINGLAWS_HTML_DIR`` or ``_build/html`` (as for the browser tests), ``--out``
to ``_build/pdf/scaling-laws-reproduced.pdf``. ``tests/pdf/test_pdf.py`` checks the result. Exits 1 (and
writes no PDF) when a chart is not drawn or a page reports a JavaScript error.
"""

from __future__ import annotations

import argparse
import html
import io
import os
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scalinglaws.book.site import serve, toc_files

REPO = Path(__file__).resolve().parent.parent
DEFAULT_HTML = Path(os.environ.get("SCALINGLAWS_HTML_DIR", REPO / "_build" / "html"))
DEFAULT_OUT = REPO / "_build" / "pdf" / "scaling-laws-reproduced.pdf"
BOOK_TITLE = "Scaling Laws, Reproduced"
CHROMIUM = Path(os.environ.get("SCALINGLAWS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: A4 at 96 CSS px per inch is 794 px wide: the page is laid out (and its charts drawn) at that width,
#: so that what Chromium prints is what the chart runtime drew.
VIEWPORT = {"width": 794, "height": 1123}
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}
#: Longest wait for a page's charts and formulas (ms).
DRAW_TIMEOUT_MS = 30_000

_CHART_DONE = (
    "f => f.getAttribute('data-sl-state') === 'drawn' "
    "&& f.querySelector('.sl-chart-view svg, .sl-chart-view canvas')"
)
_ALL_DONE = f"""() => {{
  const charts = Array.from(document.querySelectorAll('figure.sl-chart')).every({_CHART_DONE});
  const math = Array.from(document.querySelectorAll('.math')).every(m => m.querySelector('mjx-container, svg'));
  return charts && math;
}}"""
_NOT_DRAWN = (
    f"() => Array.from(document.querySelectorAll('figure.sl-chart')).filter(f => !({_CHART_DONE})(f))"
    ".map(f => f.getAttribute('data-sl-id') + ': ' + f.innerText.slice(0, 120))"
)
#: The page's headings: the title (h1) and its sections (h2), without the "#" permalink (and not the
#: print-only "Contents" list of the theme).
_HEADINGS = """() => {
  const text = (h, drop) => {
    const c = h.cloneNode(true);
    c.querySelectorAll(drop).forEach(a => a.remove());
    return c.textContent.replace(/\\s+/g, ' ').trim();
  };
  // [title, title without its formulas]: Chromium's outline has no text for a formula.
  const both = h => [text(h, '.headerlink'), text(h, '.headerlink, .math')];
  const main = document.querySelector('article.bd-article') || document.body;
  return {
    h1: Array.from(main.querySelectorAll('section > h1')).map(both),
    h2: Array.from(main.querySelectorAll('section > h2')).map(both),
  };
}"""


# --------------------------------------------------------------------------------- pages
@dataclass
class Part:
    """One printed page of the book: its PDF bytes, title and sections with their page (0-based)."""

    doc: str
    title: str
    pdf: bytes
    sections: list[tuple[str, int]] = field(default_factory=list)
    pages: int = 0


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about", "file"} or (
        parts.scheme in {"http", "https"} and parts.hostname in {"127.0.0.1", "localhost"}
    )


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (no browser download)."""
    if not CHROMIUM.is_file():
        raise SystemExit(
            f"make_pdf: {CHROMIUM} not found (Debian package 'chromium': apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def _outline_pages(pdf: bytes) -> list[tuple[str, int]]:
    """(title, 0-based page) of every entry of a Chromium PDF's outline, depth first."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found: list[tuple[str, int]] = []

    def walk(items: Any) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
                continue
            page = reader.get_destination_page_number(item)
            found.append((re.sub(r"\s+", " ", str(item.title)).strip(), page))

    walk(reader.outline)
    return found


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", text).lower())


def _subsequence(key: str, text: str) -> bool:
    rest = iter(text)
    return all(ch in rest for ch in key)


def section_pages(
    h2: list[tuple[str, str]], outline: list[tuple[str, int]]
) -> list[tuple[str, int]]:
    """The page of each ``h2`` title, matched in order against the printed outline.

    Chromium's outline titles are the heading's text, but a heading that wraps comes out with its first
    line twice and spaces lost ("3.4. 3.4. In-context learning scales? Pythia’sIn-context learning
    scales? Pythia’sevidence"): titles are compared without spaces and punctuation, an entry matching
    when it contains the heading, or holds its characters in order and is at most three times as long.
    Each heading is given as (title, title without its formulas, which the outline lacks); a heading
    not found keeps the page of the previous one."""
    result: list[tuple[str, int]] = []
    pos, last = 0, 0
    for title, plain in h2:
        key = _norm(plain)
        for j in range(pos, len(outline)):
            entry = _norm(outline[j][0])
            if key and (key in entry or (len(entry) <= 3 * len(key) and _subsequence(key, entry))):
                last, pos = outline[j][1], j + 1
                break
        result.append((title, last))
    return result


def print_page(browser: Any, url: str, doc: str, print_css: Path) -> tuple[Part, list[str]]:
    """Open ``url``, wait for its charts and math, print it to A4; return the part and any problems."""
    from pypdf import PdfReader

    context = browser.new_context(viewport=VIEWPORT)
    problems: list[str] = []
    context.route("**/*", lambda r: r.continue_() if _local(r.request.url) else r.abort())
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(f"{doc}: JavaScript error: {exc}"))
    try:
        page.goto(url, wait_until="load")
        if not page.evaluate(
            "() => Array.from(document.styleSheets).some(s => (s.href || '').endsWith('print.css'))"
        ):
            # A book built before the print stylesheet existed: add it from the repository.
            page.add_style_tag(content=print_css.read_text(encoding="utf-8"))
        try:
            page.wait_for_function(_ALL_DONE, timeout=DRAW_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - what is missing is reported below
            pass
        problems += [f"{doc}: chart not drawn: {c}" for c in page.evaluate(_NOT_DRAWN)]
        page.evaluate("() => document.fonts.ready.then(() => true)")
        heads = page.evaluate(_HEADINGS)
        pdf = page.pdf(
            format="A4",
            margin=MARGIN,
            print_background=True,
            outline=True,
            tagged=True,
            prefer_css_page_size=False,
        )
    finally:
        context.close()
    title = heads["h1"][0][0] if heads["h1"] else doc
    part = Part(doc=doc, title=title, pdf=pdf, pages=len(PdfReader(io.BytesIO(pdf)).pages))
    outline = _outline_pages(pdf)
    if heads["h2"] and not outline:
        problems.append(
            f"{doc}: Chromium wrote no document outline (its sections get no bookmarks)"
        )
    part.sections = section_pages(heads["h2"], outline)
    return part, problems


# --------------------------------------------------------------------------------- merge
def _footer_html(labels: list[str]) -> str:
    """An A4 document of ``len(labels)`` transparent pages, each with only its footer line."""
    pages = "".join(
        f'<div class="p"><div class="f"><span>{html.escape(label)}</span>'
        f"<span>{i}</span></div></div>"
        for i, label in enumerate(labels, start=1)
    )
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 0; }}
html, body {{ margin: 0; padding: 0; background: transparent; }}
.p {{ position: relative; width: 210mm; height: 297mm; overflow: hidden; break-after: page; }}
.p:last-child {{ break-after: auto; }}
.f {{ position: absolute; left: 15mm; right: 15mm; bottom: 8mm; display: flex;
      justify-content: space-between; font: 8pt system-ui, sans-serif; color: #555555;
      border-top: 0.5pt solid #bbbbbb; padding-top: 1.5mm; }}
</style></head><body>{pages}</body></html>"""


def footers(browser: Any, labels: list[str]) -> bytes:
    """One PDF page per label: the footer (book, chapter, page number) to stamp on the book's pages."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(_footer_html(labels))
        return page.pdf(prefer_css_page_size=True, print_background=False)
    finally:
        context.close()


def merge(parts: list[Part], footer_pdf: bytes, out: Path) -> int:
    """Merge ``parts`` with a bookmark per part and per section and the footers; return page count."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    stamps = PdfReader(io.BytesIO(footer_pdf)).pages
    offset = 0
    for part in parts:
        reader = PdfReader(io.BytesIO(part.pdf))
        for page in reader.pages:
            writer.add_page(page).merge_page(stamps[len(writer.pages) - 1])
        top = writer.add_outline_item(title=part.title, page_number=offset, is_open=False)
        for title, page_no in part.sections:
            writer.add_outline_item(
                title=title, page_number=offset + min(page_no, part.pages - 1), parent=top
            )
        offset += part.pages
    writer.add_metadata({"/Title": BOOK_TITLE, "/Creator": "tools/make_pdf.py (Chromium, pypdf)"})
    writer.page_mode = "/UseOutlines"
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pdf", dir=out.parent)
    with os.fdopen(fd, "wb") as fh:
        writer.write(fh)
    Path(tmp).replace(out)
    return offset


def build(html_dir: Path, out: Path, *, toc: Path = REPO / "_toc.yml") -> int:
    """Print every page of ``toc`` from ``html_dir`` into ``out``; return the number of PDF pages."""
    docs = toc_files(toc)
    missing = [d for d in docs if not (html_dir / f"{d}.html").is_file()]
    if missing:
        raise SystemExit(f"make_pdf: not built in {html_dir}: {', '.join(missing)} (run make book)")
    print_css = REPO / "_static" / "print.css"
    parts: list[Part] = []
    problems: list[str] = []
    with serve(html_dir) as base, chromium() as browser:
        for doc in docs:
            part, found = print_page(browser, f"{base}{doc}.html", doc, print_css)
            parts.append(part)
            problems += found
            print(f"  {doc}: {part.pages} pages, {len(part.sections)} sections", flush=True)
        if problems:
            raise SystemExit("make_pdf: not printed:\n  " + "\n  ".join(problems))
        labels = [
            BOOK_TITLE if p.title == BOOK_TITLE else f"{BOOK_TITLE} · {p.title}"
            for p in parts
            for _ in range(p.pages)
        ]
        footer_pdf = footers(browser, labels)
    return merge(parts, footer_pdf, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=DEFAULT_HTML, help="the built HTML book")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the PDF to write")
    args = parser.parse_args(argv)
    start = time.monotonic()
    pages = build(args.html.resolve(), args.out.resolve())
    print(f"make_pdf: {args.out} ({pages} pages) in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The printed book (``make pdf``: ``tools/make_pdf.py``): ``_build/pdf/scaling-laws-reproduced.pdf``.

Checked against the built HTML it was printed from (``$SCALINGLAWS_HTML_DIR`` or ``_build/html``), never
against typed values: one top-level bookmark per page of ``_toc.yml`` titled as the page, sections under
the chapters, every page's title and a sample of its glued numbers in the PDF's text (pypdf), and no
undrawn chart or error text.

Glued numbers: ``{glue:text}`` leaves a ``span.pasted-text`` in the HTML, ``{glue:md}`` plain text. The
sample is the glued values recorded in the page's notebook as the built book ships it
(``_sources/<page>.ipynb``, the download button's copy) that the page's visible HTML text shows."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from .conftest import HTML_DIR, PDF_PATH, REPO, require, tool

pytestmark = pytest.mark.pdf

make_pdf = tool("make_pdf")
DOCS = make_pdf.toc_files(REPO / "_toc.yml")
#: Glued numbers checked per page (spread over the page).
SAMPLE = 6
#: What must never be printed: an undrawn chart, a chart or script error, a Python traceback.
BAD_TEXT = [
    "Chart not drawn",
    "Error loading script",
    "Traceback (most recent call last)",
    "Javascript Error",
    "Math input error",
]
#: Glued values made only of digits, separators and a percent sign: printed as such in the PDF text
#: (values with superscript exponents or math are left to the browser tests).
PLAIN_NUMBER = re.compile(r"^[0-9][0-9.,]*%?$")
#: ... of at least this many characters ("8" or "12" would be found anywhere).
MIN_CHARS = 3


class _VisibleText(HTMLParser):
    """The text a reader sees of a page's article, outside hidden solutions and dropdowns, scripts,
    styles and MathJax's assistive copies."""

    HIDDEN_CLASSES = ("solution", "dropdown", "toggle", "onlyprint", "mjx-assistive")
    HIDDEN_TAGS = {"script", "style", "details", "svg", "mjx-assistive-mml", "head"}
    VOID = {"br", "img", "meta", "link", "input", "hr", "col", "source", "wbr", "area", "base"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        cls = (dict(attrs).get("class") or "").split()
        hidden = (bool(self.stack) and self.stack[-1][1]) or tag in self.HIDDEN_TAGS
        hidden = hidden or any(h in c for c in cls for h in self.HIDDEN_CLASSES)
        self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1][1]):
            self.parts.append(data)


def visible_text(doc: str) -> str:
    parser = _VisibleText()
    parser.feed((HTML_DIR / f"{doc}.html").read_text(encoding="utf-8"))
    return " ".join(parser.parts)


def glued_values(doc: str) -> list[str]:
    """The glued values the built book's copy of the page's notebook records, in order."""
    source = HTML_DIR / "_sources" / f"{doc}.ipynb"
    if not source.is_file():
        return []
    values = []
    for cell in json.loads(source.read_text(encoding="utf-8")).get("cells", []):
        for out in cell.get("outputs", []):
            if "scrapbook" not in out.get("metadata", {}):
                continue
            data = out.get("data", {})
            md = data.get("application/papermill.record/text/markdown")
            plain = data.get("application/papermill.record/text/plain")
            value = md if md is not None else plain.strip("'\"") if plain else None
            if isinstance(value, list):
                value = "".join(value)
            if value:
                values.append(value.strip())
    return values


def page_title(doc: str) -> str:
    """The page's title as the HTML gives it (``<title>``, without the book's name)."""
    text = (HTML_DIR / f"{doc}.html").read_text(encoding="utf-8")
    title = html.unescape(re.search(r"<title>(.*?)</title>", text, re.S).group(1))
    return title.rsplit(" \u2014 ", 1)[0].strip()


@cache
def glued_sample(doc: str) -> tuple[str, ...]:
    """Up to SAMPLE distinct plain glued numbers that the page's visible HTML shows, spread over it."""
    shown = squash(visible_text(doc))
    values = [
        v
        for v in dict.fromkeys(glued_values(doc))
        if PLAIN_NUMBER.match(v) and len(v) >= MIN_CHARS and squash(v) in shown
    ]
    step = max(1.0, len(values) / SAMPLE)
    return tuple(values[int(i * step)] for i in range(min(SAMPLE, len(values))))


def squash(text: str) -> str:
    """Text in Unicode's compatibility form (ligatures such as "ﬀ" split, superscript digits plain),
    without whitespace, with typographic quotes made plain (for comparison)."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(
        str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
    )
    return re.sub(r"\s+", "", text)


def alnum(text: str) -> str:
    """Only the letters and digits of ``text`` (compatibility form, lower case)."""
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", text).lower())


@cache
def reader() -> Any:
    from pypdf import PdfReader

    require(PDF_PATH, "make pdf (python tools/make_pdf.py) writes it")
    require(HTML_DIR, "build the book first (make book)")
    return PdfReader(str(PDF_PATH))


@cache
def bookmarks() -> list[tuple[str, int, list[tuple[str, int]]]]:
    """(title, first page, [(section, page)]) of each top-level bookmark, 0-based pages."""
    r = reader()
    result: list[tuple[str, int, list[tuple[str, int]]]] = []
    for item in r.outline:
        if isinstance(item, list):
            result[-1][2].extend((c.title, r.get_destination_page_number(c)) for c in item)
        else:
            result.append((item.title, r.get_destination_page_number(item), []))
    return result


@cache
def page_texts() -> list[str]:
    return [p.extract_text() or "" for p in reader().pages]


def doc_text(doc: str) -> str:
    """The text of the PDF pages of ``doc`` (from its bookmark to the next)."""
    marks = bookmarks()
    i = DOCS.index(doc)
    start = marks[i][1]
    end = marks[i + 1][1] if i + 1 < len(marks) else len(reader().pages)
    return "\n".join(page_texts()[start:end])


def test_page_count_sane() -> None:
    pages = len(reader().pages)
    # At least one printed page per TOC page; an A4 page holds ~500 words, so the book (about
    # 100k words with code and charts) stays far below 2,000.
    assert len(DOCS) <= pages <= 2000, pages
    sizes = {tuple(round(float(v)) for v in p.mediabox[2:]) for p in reader().pages}
    assert sizes == {(596, 843)}, f"not all pages are A4 (595.3 x 841.9 pt): {sizes}"


def test_one_bookmark_per_toc_page_in_order() -> None:
    marks = bookmarks()
    assert [squash(m[0]) for m in marks] == [squash(page_title(d)) for d in DOCS]
    starts = [m[1] for m in marks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), starts


@pytest.mark.parametrize("doc", [d for d in DOCS if d.startswith("chapters/")])
def test_chapter_sections_bookmarked(doc: str) -> None:
    """Every chapter has a bookmark per section (h2), on pages of that chapter, in order."""
    i = DOCS.index(doc)
    title, start, sections = bookmarks()[i]
    html_text = (HTML_DIR / f"{doc}.html").read_text(encoding="utf-8")
    # Section headings carry a permalink; the theme's print-only "Contents" heading does not.
    n_h2 = len(re.findall(r"<h2>(?:(?!</h2>).)*headerlink", html_text, re.S))
    assert len(sections) == n_h2 >= 2, (title, sections)
    end = bookmarks()[i + 1][1] if i + 1 < len(DOCS) else len(reader().pages)
    pages = [p for _, p in sections]
    assert pages == sorted(pages) and all(start <= p < end for p in pages), (start, end, sections)
    # Each bookmark points at the page on which its heading is printed (compared on letters and digits,
    # the first 24: a heading may end in a formula, which is drawn, not text).
    wrong = [(t, p + 1) for t, p in sections if alnum(t)[:24] not in alnum(page_texts()[p])]
    assert not wrong, f"{doc}: section bookmarks not on their heading's page: {wrong}"


@pytest.mark.parametrize("doc", DOCS)
def test_title_and_glued_numbers_printed(doc: str) -> None:
    text = squash(doc_text(doc))
    assert squash(page_title(doc)) in text, f"{doc}: title {page_title(doc)!r} not in its pages"
    missing = [v for v in glued_sample(doc) if squash(v) not in text]
    assert not missing, f"{doc}: glued values not found in the PDF text: {missing}"


def test_glued_samples_are_read_from_the_html() -> None:
    """Every chapter's sample holds at least 3 glued numbers (the check above has teeth)."""
    sampled = {d: glued_sample(d) for d in DOCS if d.startswith("chapters/")}
    assert all(len(v) >= 3 for v in sampled.values()), sampled


def test_no_error_text() -> None:
    found = [(i + 1, bad) for i, t in enumerate(page_texts()) for bad in BAD_TEXT if bad in t]
    assert not found, f"error text printed (page, text): {found}"


def test_footer_page_numbers() -> None:
    """Every page's footer ends with its page number across the whole book."""
    for i in (0, len(page_texts()) // 2, len(page_texts()) - 1):
        lines = [ln.strip() for ln in page_texts()[i].splitlines() if ln.strip()]
        assert re.search(rf"(^|\D){i + 1}$", lines[-1]), (i + 1, lines[-2:])


def test_section_matching() -> None:
    """make_pdf.section_pages: headings matched in order to Chromium's outline, whose titles repeat a
    wrapped heading's first line and lose spaces at line breaks (as printed for chapter 3)."""
    outline = [
        ("The GPT series: scale as astrategy", 0),
        ("Contents", 0),
        ("3.3. Where each GPT sat on the frontier", 3),
        (
            "3.4. 3.4. In-context learning scales? Pythia’sIn-context learning scales? Pythia’sevidence",
            5,
        ),
        ("A long unrelated heading whose letters include s, u, m, m, a, r and y", 6),
        ("3.5. Summary", 9),
    ]
    h2 = [
        "3.3. Where each GPT sat on the frontier",
        "3.4. In-context learning scales? Pythia’s evidence",
    ]
    titles = [*h2, "3.5. Summary", "Missing"]
    got = make_pdf.section_pages([(t, t) for t in titles], outline)
    assert got == [(h2[0], 3), (h2[1], 5), ("3.5. Summary", 9), ("Missing", 9)]
    # a heading ending in a formula is matched on its text without the formula (chapter 2)
    formula = [("2.5. Frontier: N∝C0.73", "2.5. Frontier:")]
    assert make_pdf.section_pages(formula, [("2.5. 2.5. Frontier:Frontier:", 8)]) == [
        (formula[0][0], 8)
    ]


def test_toc_order() -> None:
    assert DOCS[0] == "book/intro" and DOCS[-1] == "book/references"
    assert Path(REPO / "_toc.yml").is_file()

"""The publishable copy of the book (``make site``: ``tools/make_site.py``): ``_build/site/`` and
``_build/site.tar.gz``. Relative links only, and it works when opened from the disk (``file://``)."""

from __future__ import annotations

import re
import tarfile
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, SITE_DIR, require, tool

pytestmark = pytest.mark.pdf

make_site = tool("make_site")
DOCS = tool("make_pdf").toc_files(REPO / "_toc.yml")
#: A chapter with charts, opened from file:// (the first numbered chapter of the TOC).
CHAPTER = next(d for d in DOCS if d.startswith("chapters/"))
DRAW_TIMEOUT_MS = 30_000


def site() -> Path:
    return require(
        SITE_DIR / "index.html", "make site (python tools/make_site.py) writes it"
    ).parent


def test_every_toc_page_is_in_the_site() -> None:
    missing = [d for d in DOCS if not (site() / f"{d}.html").is_file()]
    assert not missing, missing
    assert (site() / ".nojekyll").is_file()
    assert (site() / "_static").is_dir()


def test_no_absolute_self_links() -> None:
    assert make_site.check_links(site()) == []
    # Independently of the tool's own parser: no root-absolute asset path anywhere in the markup.
    for path in site().rglob("*.html"):
        text = path.read_text(encoding="utf-8", errors="replace")
        bad = re.findall(r"""(?:href|src)=["'](/[^/][^"']*)""", text)
        bad += re.findall(r"""(?:href|src)=["'](https?://(?:localhost|127\.0\.0\.1)[^"']*)""", text)
        assert not bad, f"{path.relative_to(site())}: {bad[:5]}"
        assert '"/_static' not in text and "'/_static" not in text, path


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("/_static/custom.css", "root-absolute path"),
        ("//cdn.example.org/x.js", "protocol-relative URL"),
        ("http://127.0.0.1:8000/book/intro.html", "absolute link to this machine"),
        (
            "https://me.github.io/book/chapters/02_kaplan.html",
            "absolute link to the published site",
        ),
        ("file:///home/me/book/index.html", "file:// link"),
    ],
)
def test_link_checker_catches(url: str, reason: str) -> None:
    assert make_site.bad_link(url, "https://me.github.io/book/").startswith(reason)


@pytest.mark.parametrize(
    "url",
    [
        "../_static/custom.css",
        "#section",
        "02_kaplan.html#x",
        "https://arxiv.org/abs/2001.08361",
        "mailto:a@b.c",
        "data:image/png;base64,AAAA",
    ],
)
def test_link_checker_accepts(url: str) -> None:
    assert make_site.bad_link(url, "https://me.github.io/book/") is None


def test_link_checker_reads_html_and_css(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<link href="/_static/x.css"><img srcset="ok.png 1x, /abs.png 2x">'
        "<script>var u = '/not/a/link';</script><div style=\"background: url('/bg.png')\"></div>",
        encoding="utf-8",
    )
    (tmp_path / "b.css").write_text("a { background: url(/_static/i.png); }", encoding="utf-8")
    found = make_site.check_links(tmp_path)
    assert [f.split(" (")[0] for f in found] == [
        "a.html: /_static/x.css",
        "a.html: /abs.png",
        "a.html: /bg.png",
        "b.css: /_static/i.png",
    ]


def test_archive_holds_the_site() -> None:
    archive = require(SITE_DIR.with_name(SITE_DIR.name + ".tar.gz"), "make site writes it")
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    root = make_site.ARCHIVE_ROOT
    assert f"{root}/index.html" in names and f"{root}/{CHAPTER}.html" in names
    files = {p.relative_to(site()).as_posix() for p in site().rglob("*") if p.is_file()}
    assert {n.removeprefix(root + "/") for n in names} >= files


def _open_file_url(browser: Any, path: Path) -> tuple[Any, Any, list[str]]:
    """Open ``path`` from file:// with every network request blocked; (context, page, problems):
    the blocked requests and the page's JavaScript errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: blocked.append(f"pageerror: {exc}"))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, blocked


def test_index_opens_from_file(browser: Any) -> None:
    """index.html leads to the front page, whose links to the chapters resolve on the disk."""
    context, page, problems = _open_file_url(browser, site() / "index.html")
    try:
        page.wait_for_url(re.compile(r".*/book/intro\.html$"), timeout=DRAW_TIMEOUT_MS)
        page.wait_for_load_state("load")
        assert "Scaling Laws, Reproduced" in page.title()
        hrefs = page.eval_on_selector_all(
            "nav.bd-links a.reference.internal", "els => els.map(a => a.href)"
        )
    finally:
        context.close()
    assert hrefs and all(h.startswith("file://") for h in hrefs), hrefs[:5]
    targets = {Path(h.split("#")[0].removeprefix("file://")) for h in hrefs}
    assert all(t.is_file() for t in targets), [t for t in targets if not t.is_file()]
    assert not problems, problems


def test_chapter_chart_draws_from_file(browser: Any) -> None:
    context, page, problems = _open_file_url(browser, site() / f"{CHAPTER}.html")
    try:
        n = page.locator("figure.sl-chart").count()
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('figure.sl-chart')).some(f => "
            "f.getAttribute('data-sl-state') === 'drawn' && f.querySelector('.sl-chart-view svg'))",
            timeout=DRAW_TIMEOUT_MS,
        )
        text = page.inner_text("article")
    finally:
        context.close()
    assert n >= 1, f"{CHAPTER} has no chart to check"
    assert "Chart not drawn" not in text
    assert not problems, problems

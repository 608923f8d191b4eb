"""Package the built HTML book for any static host: ``_build/site/`` and ``_build/site.tar.gz``.

The site is a copy of the built book (``_build/html``) that works wherever it is put: at the root of a
domain, under a sub-path (a GitHub Pages project site, ``https://<user>.github.io/<repo>/``), on a
university's web space or opened from the disk (``file://``). For that every link between the book's own
pages and assets must be relative. This script copies the book, checks exactly that and stops with the
list of offending links if one is not:

* no root-absolute URL (``href="/..."``, ``src="/..."``, CSS ``url(/...)``, e.g. ``/_static/...``): it
  would point outside a sub-path site and to the disk's root from ``file://``;
* no absolute ``http(s)://`` URL to this machine (``localhost``, ``127.0.0.1``) or to ``--base-url`` (the
  address the site will be published at, if given): the copy must not send readers to another copy.

The printed book (``make pdf``), when there is one, is copied into the site's root as
``scaling-laws-reproduced.pdf``. It adds ``.nojekyll`` (GitHub Pages must not drop the ``_static`` folder) and writes the archive with its
files in sorted order under one folder, ``scaling-laws-reproduced/``. ``tests/pdf/test_site.py`` opens the
copy from ``file://`` in Chromium and checks that a chart draws.

Usage::

    python tools/make_site.py [--html DIR] [--out DIR] [--base-url URL] [--pdf FILE]

``--html`` defaults to ``$SCALINGLAWS_HTML_DIR`` or ``_build/html``; ``--out`` to ``_build/site`` (the
archive is written beside it, ``<out>.tar.gz``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
DEFAULT_HTML = Path(os.environ.get("SCALINGLAWS_HTML_DIR", REPO / "_build" / "html"))
DEFAULT_OUT = REPO / "_build" / "site"
DEFAULT_PDF = REPO / "_build" / "pdf" / "scaling-laws-reproduced.pdf"
ARCHIVE_ROOT = "scaling-laws-reproduced"
#: Build artefacts that a reader's copy does not need.
SKIP = {".buildinfo", ".doctrees", ".ipynb_checkpoints"}

_ATTR_URL = re.compile(r"""\b(?:href|src|action|poster|data)\s*=\s*(["'])(.*?)\1""", re.I | re.S)
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]*)\1\s*\)""", re.I)
_SRCSET = re.compile(r"""\bsrcset\s*=\s*(["'])(.*?)\1""", re.I | re.S)
#: <script> bodies are code: their strings are not links (the vega bundle holds example URLs).
_SCRIPT_BODY = re.compile(r"<script\b[^>]*>.*?</script>", re.I | re.S)
LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1"}


def urls_in(path: Path) -> list[str]:
    """Every URL that ``path`` (HTML or CSS) refers to: attributes, ``srcset`` and CSS ``url()``."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".css":
        return [m.group(2) for m in _CSS_URL.finditer(text)]
    if path.suffix != ".html":
        return []
    markup = _SCRIPT_BODY.sub("", text)
    found = [m.group(2) for m in _ATTR_URL.finditer(markup)]
    for m in _SRCSET.finditer(markup):
        found += [part.strip().split(" ")[0] for part in m.group(2).split(",") if part.strip()]
    found += [m.group(2) for m in _CSS_URL.finditer(markup)]  # inline style="..." and <style>
    return found


def bad_link(url: str, base_url: str | None = None) -> str | None:
    """Why ``url`` would break a relocated copy of the site, or None if it is fine."""
    url = url.strip()
    if url.startswith("//"):
        return "protocol-relative URL"
    if url.startswith("/"):
        return "root-absolute path"
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"}:
        if parts.hostname in LOCAL_HOSTS:
            return "absolute link to this machine"
        if base_url and url.startswith(base_url.rstrip("/")):
            return "absolute link to the published site (use a relative link)"
    if parts.scheme == "file":
        return "file:// link"
    return None


def check_links(site: Path, base_url: str | None = None) -> list[str]:
    """``file: url (reason)`` for every link in the site's HTML and CSS that is not relative."""
    problems = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in {".html", ".css"} or not path.is_file():
            continue
        for url in urls_in(path):
            reason = bad_link(url, base_url)
            if reason:
                problems.append(f"{path.relative_to(site)}: {url} ({reason})")
    return problems


def _ignore(src: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP}


def build(html_dir: Path, out: Path, base_url: str | None = None, pdf: Path | None = None) -> Path:
    """Copy ``html_dir`` (and ``pdf``, if it exists) to ``out``, check its links, write
    ``<out>.tar.gz``; return the archive."""
    if not (html_dir / "index.html").is_file():
        raise SystemExit(f"make_site: {html_dir / 'index.html'} not found: build the book first")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(html_dir, out, ignore=_ignore)
    (out / ".nojekyll").write_text("", encoding="utf-8")
    if pdf is not None and pdf.is_file():
        shutil.copyfile(pdf, out / pdf.name)
    problems = check_links(out, base_url)
    if problems:
        raise SystemExit(
            f"make_site: {len(problems)} link(s) would break a copy of the site:\n  "
            + "\n  ".join(problems[:50])
        )
    archive = out.with_name(out.name + ".tar.gz")
    tmp = archive.with_name(archive.name + ".tmp")
    with tarfile.open(tmp, "w:gz") as tar:
        for path in sorted(out.rglob("*")):
            info = tar.gettarinfo(str(path), f"{ARCHIVE_ROOT}/{path.relative_to(out).as_posix()}")
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if path.is_file():
                with path.open("rb") as fh:
                    tar.addfile(info, fh)
            else:
                tar.addfile(info)
    tmp.replace(archive)
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=DEFAULT_HTML, help="the built HTML book")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the site folder to write")
    parser.add_argument("--base-url", default=None, help="where the site will be published")
    parser.add_argument(
        "--pdf", type=Path, default=DEFAULT_PDF, help="the PDF to include if it exists"
    )
    args = parser.parse_args(argv)
    archive = build(args.html.resolve(), args.out.resolve(), args.base_url, args.pdf.resolve())
    files = sum(1 for p in args.out.rglob("*") if p.is_file())
    size = archive.stat().st_size / 1e6
    print(f"make_site: {args.out} ({files} files), {archive} ({size:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

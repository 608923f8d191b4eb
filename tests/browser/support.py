"""Shared by the browser tests: where the built book is, its pages, the local server and Chromium.

The fixtures (``site_url``, ``browser``) are in ``conftest.py``; the helpers here are imported by the
test modules (``from .support import ...``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from scalinglaws.book.site import toc_files

REPO = Path(__file__).resolve().parents[2]
BOOK_DIR = Path(os.environ.get("SCALINGLAWS_BOOK_DIR", REPO)).resolve()
#: The built site; ``$SCALINGLAWS_HTML_DIR`` points elsewhere (e.g. a ``tools/build_stored.py`` build).
HTML_DIR = Path(os.environ.get("SCALINGLAWS_HTML_DIR", BOOK_DIR / "_build" / "html")).resolve()
#: Screenshots go next to the built site: ``<html>/../screenshots``.
SHOT_DIR = HTML_DIR.parent / "screenshots"
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
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
#: Time for charts and math to appear after the load event (ms).
DRAW_TIMEOUT_MS = 20_000

#: Console/page errors that are harmless, as regexes; each needs a reason.
ALLOWED_JS_ERRORS: list[tuple[str, str]] = []


# ------------------------------------------------------------------------ helpers
def page_ids() -> list[str]:
    toc = BOOK_DIR / "_toc.yml"
    return toc_files(toc) if toc.is_file() else ["<no _toc.yml>"]


PAGES = page_ids()


def require_build() -> None:
    if not HTML_DIR.is_dir():
        pytest.fail(
            f"{HTML_DIR} does not exist: build the book first (make book, i.e. "
            f"python tools/build_static.py && jupyter-book build {BOOK_DIR})"
        )


def page_path(doc: str) -> Path:
    if doc == "<no _toc.yml>":
        pytest.fail(f"{BOOK_DIR / '_toc.yml'} not found")
    return HTML_DIR / f"{doc}.html"


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws"} and parts.hostname in LOCAL_HOSTS


# ------------------------------------------------------------------ browser
def browser_unavailable(reason: str) -> None:
    msg = f"browser test needs {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg + " (CI=true: not skipping)")
    pytest.skip(msg)


#: What the theme's switch stores: opening a page in dark mode.
DARK_MODE_SCRIPT = "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"


def offline_context(
    browser: Any, *, width: int = 1280, height: int = 900, dark: bool = False
) -> tuple[Any, list[str]]:
    """A fresh browser context in which every request that is not to this machine is blocked and
    recorded (the returned list), optionally in the theme's dark mode."""
    context = browser.new_context(viewport={"width": width, "height": height})
    if dark:
        context.add_init_script(DARK_MODE_SCRIPT)
    external: list[str] = []

    def route(r: Any) -> None:
        if is_local(r.request.url):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context, external

"""Fixtures of the browser tests: the built site served from 127.0.0.1, and headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from scalinglaws.book.site import serve

from .support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    HTML_DIR,
    browser_unavailable,
    require_build,
)


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    require_build()
    with serve(HTML_DIR) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        browser_unavailable(f"{CHROMIUM} (Debian package 'chromium': apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("the Python package 'playwright' (pip install playwright)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()

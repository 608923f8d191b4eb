"""Fixtures of the PDF and site tests (``make pdf``, ``make site``): where the built book, the PDF and
the site are, and headless Chromium. Marked ``pdf``: ``make unit`` does not run them (they need a
built book); ``make pdf`` and ``make site`` do, after building what they check."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
HTML_DIR = Path(os.environ.get("SCALINGLAWS_HTML_DIR", REPO / "_build" / "html")).resolve()
PDF_PATH = Path(
    os.environ.get("SCALINGLAWS_PDF", REPO / "_build" / "pdf" / "scaling-laws-reproduced.pdf")
).resolve()
SITE_DIR = Path(os.environ.get("SCALINGLAWS_SITE_DIR", REPO / "_build" / "site")).resolve()
CHROMIUM = Path(os.environ.get("SCALINGLAWS_CHROMIUM", "/usr/bin/chromium"))


def tool(name: str) -> ModuleType:
    """``tools/<name>.py`` as a module (tools/ is not a package), loaded once."""
    key = f"_scalinglaws_tools_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, REPO / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[key] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def require(path: Path, how: str) -> Path:
    if not path.exists():
        pytest.fail(f"{path} does not exist: {how}")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        msg = f"needs {CHROMIUM} (Debian package 'chromium')"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg + " (CI=true: not skipping)")
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    mod = tool("make_pdf")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=mod.CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()

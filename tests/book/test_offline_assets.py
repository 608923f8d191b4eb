"""The page-assets extension (book/_ext/offline_assets.py) on a tiny Sphinx project.

Each test builds a two-page site (one chart page, one math page) with the extension, as the book does,
and reads the HTML: the vega bundle only on chart pages under a content-hashed name that an incremental build
updates (never a stale bundle), math typeset at build time (no MathJax in the browser), Font Awesome's icon
rules cut to the icons used, and the ``page-weights`` table.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXT_DIR = REPO / "book" / "_ext"


def _module():
    spec = importlib.util.spec_from_file_location("offline_assets", EXT_DIR / "offline_assets.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


oa = _module()
NODE = oa._node_command() is not None

CONF = f"""
import sys
sys.path.insert(0, {str(EXT_DIR)!r})
extensions = ["offline_assets"]
html_static_path = ["_static"]
html_js_files = ["vega-bundle.js"]
mathjax_path = "mathjax/tex-svg.js"
"""
INDEX = """Charts
======

.. raw:: html

   <figure class="sl-chart" data-sl-id="x"></figure>

.. toctree::

   math
   weights
"""
MATH = """Math
====

Inline :math:`C \\approx 6ND` and a law

.. math::

   L(N, D) = E + \\frac{A}{N^\\alpha} + \\frac{B}{D^\\beta}
"""
WEIGHTS = """Weights
=======

.. page-weights:: page_weights.json
"""
MEASURED = {
    "date": "2026-12-01 05:00 UTC",
    "machine": "2 CPU cores (test)",
    "method": "by hand",
    "goals": {"no_charts": 1_000_000, "charts": 2_500_000},
    "pages": {
        "index": {
            "bytes": {"html": 9_000, "js": 1_200_000, "css": 400_000, "font": 0, "other": 0},
            "charts": 1,
            "last_chart_ms": 1234,
        },
        "math": {
            "bytes": {"html": 9_000, "js": 100_000, "css": 400_000, "font": 150_000, "other": 0},
            "charts": 0,
            "last_chart_ms": None,
        },
    },
}
for _page in MEASURED["pages"].values():
    _page["bytes"]["total"] = sum(_page["bytes"].values())


def _project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "_static").mkdir(parents=True)
    (src / "conf.py").write_text(CONF)
    (src / "index.rst").write_text(INDEX)
    (src / "math.rst").write_text(MATH)
    (src / "weights.rst").write_text(WEIGHTS)
    (src / "page_weights.json").write_text(json.dumps(MEASURED))
    (src / "_static" / "vega-bundle.js").write_text("/* bundle v1 */\n")
    return src


def _build(src: Path, errors: list[str] | None = None) -> int:
    """A strict HTML build in a fresh interpreter (Sphinx and docutils keep global registries)."""
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-q",
        "-W",
        str(src),
        str(src.parent / "out"),
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    if errors is not None:
        errors.append(run.stderr)
    return run.returncode


def _scripts(page: Path) -> list[str]:
    return re.findall(r'<script[^>]*src="([^"]+)"', page.read_text(encoding="utf-8"))


def test_vega_bundle_only_on_chart_pages_and_never_stale(tmp_path: Path) -> None:
    src = _project(tmp_path)
    out = src.parent / "out"
    assert _build(src) == 0
    first = oa.bundle_name_for((src / "_static" / "vega-bundle.js").read_bytes())
    assert re.fullmatch(r"vega-bundle\.[0-9a-f]{12}\.js", first)
    chart_scripts = [s for s in _scripts(out / "index.html") if "vega-bundle" in s]
    assert [s.split("?")[0] for s in chart_scripts] == [f"_static/{first}"]
    assert re.search(
        rf'<script defer="defer" src="_static/{re.escape(first)}', (out / "index.html").read_text()
    )
    assert not [s for s in _scripts(out / "math.html") if "vega" in s]
    assert (out / "_static" / first).read_text() == "/* bundle v1 */\n"
    assert not (out / "_static" / "vega-bundle.js").exists()

    # The bundle changes (charts.py or chart_runtime.js), no document does: the incremental build must
    # re-write the pages with the new name and serve the new bundle, removing the old one.
    (src / "_static" / "vega-bundle.js").write_text("/* bundle v2 */\n")
    assert _build(src) == 0
    second = oa.bundle_name_for(b"/* bundle v2 */\n")
    assert second != first
    assert [s.split("?")[0] for s in _scripts(out / "index.html") if "vega" in s] == [
        f"_static/{second}"
    ]
    assert (out / "_static" / second).read_text() == "/* bundle v2 */\n"
    assert sorted(p.name for p in (out / "_static").glob("vega-bundle*")) == [second]

    # Nothing changed: nothing is re-written, and the output still holds the current bundle.
    stamp = (out / "index.html").stat().st_mtime_ns
    assert _build(src) == 0
    assert (out / "index.html").stat().st_mtime_ns == stamp
    assert sorted(p.name for p in (out / "_static").glob("vega-bundle*")) == [second]


@pytest.mark.skipif(not NODE, reason="needs node (Node.js) to typeset math at build time")
def test_math_is_typeset_at_build_time(tmp_path: Path) -> None:
    src = _project(tmp_path)
    out = src.parent / "out"
    assert _build(src) == 0
    page = (out / "math.html").read_text(encoding="utf-8")
    assert page.count('<mjx-container class="MathJax" jax="SVG"') == 2
    assert 'display="true"' in page and "<mjx-assistive-mml" in page
    assert not [s for s in _scripts(out / "math.html") if "mathjax" in s.lower()]
    assert "window.MathJax" not in page and "\\(" not in page
    # Every glyph a formula uses is defined once, in the page's global cache.
    used = set(re.findall(r'xlink:href="#(MJX-[^"]+)"', page))
    cache = re.search(r'<svg[^>]*id="MJX-SVG-global-cache".*?</svg>', page, re.S).group(0)
    defined = re.findall(r'<path id="(MJX-[^"]+)"', cache)
    assert used and set(defined) == used and len(defined) == len(used)
    assert '<style id="MJX-SVG-styles">' in page
    # The page without math gets none of it.
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "mjx-container" not in index and "MJX-SVG" not in index


@pytest.mark.skipif(not NODE, reason="needs node (Node.js) to typeset math at build time")
def test_tex_error_fails_the_strict_build(tmp_path: Path) -> None:
    src = _project(tmp_path)
    (src / "math.rst").write_text(MATH + "\nBroken :math:`\\frac{1}{`.\n")
    errors: list[str] = []
    assert _build(src, errors) != 0
    assert "TeX error in '\\\\frac{1}{'" in errors[0], errors[0]


def test_browser_math_fallback_only_on_math_pages(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SCALINGLAWS_MATH", "browser")
    src = _project(tmp_path)
    out = src.parent / "out"
    assert _build(src) == 0
    math_scripts = _scripts(out / "math.html")
    assert [s.split("?")[0] for s in math_scripts if "mathjax" in s] == [
        "_static/mathjax/tex-svg.js"
    ]
    assert "\\(C \\approx 6ND\\)" in (out / "math.html").read_text(encoding="utf-8")
    assert not [s for s in _scripts(out / "index.html") if "mathjax" in s]


def test_page_weights_table(tmp_path: Path) -> None:
    src = _project(tmp_path)
    assert _build(src) == 0
    page = (src.parent / "out" / "weights.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Page Total JS CSS Fonts HTML, other Charts Last chart" in text
    assert "Charts 1.61 MB 1.20 MB 400 kB 0 kB 9 kB 1 1.23 s" in text
    assert "Math 659 kB 100 kB 400 kB 150 kB 9 kB 0 –" in text
    assert "Measured 2026-12-01 05:00 UTC on 2 CPU cores (test)." in text


def test_icon_css_keeps_only_used_icons() -> None:
    css = (
        '.fa{font-family:x}.fa-sun:before{content:"\\f185"}.fa-add:before,.fa-plus:before{content:"+"}'
        '.fa-moon:before{content:"\\f186"}a.github:before{font:var(--fa-font-brands)}'
    )
    out = oa.subset_icon_css(css, {"fa-sun", "fa-plus"})
    assert out == (
        '.fa{font-family:x}.fa-sun:before{content:"\\f185"}.fa-plus:before{content:"+"}'
        "a.github:before{font:var(--fa-font-brands)}"
    )


def test_block_tex_matches_sphinx_mathjax() -> None:
    from docutils import nodes

    one = nodes.math_block("", "a = b", nowrap=False, number=None)
    two = nodes.math_block("", "a = b\n\nc = d \\\\ e", nowrap=False, number=None)
    raw = nodes.math_block("", "\\begin{align}x\\end{align}", nowrap=True, number=None)
    assert oa.block_tex(one) == "a = b"
    assert oa.block_tex(two) == (
        "\\begin{align}\\begin{aligned}a = b\\\\\\begin{split}c = d \\\\ e\\end{split}"
        "\\end{aligned}\\end{align}"
    )
    assert oa.block_tex(raw) == "\\begin{align}x\\end{align}"


# What pydata-sphinx-theme 0.17 writes on every page (abridged).
THEME_PAGE = """<head>
  <script defer src="../_static/scripts/fontawesome.js?digest=55c26ed414f5f8a31ebb"></script>
    <script src="../_static/searchtools.js"></script>
    <script src="../_static/language_data.js"></script>
    <script src="../searchindex.js"></script>
</head><body>
<button class="btn search-button-field search-button__button pst-js-only" title="Search" aria-label="Search" \
data-bs-placement="bottom"><i class="fa-solid fa-magnifying-glass"></i>
<span class="search-button__default-text">Search</span></button>
<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Light"></i>
<i aria-hidden="true" class="fas fa-expand"></i><i class="not-an-icon"></i>
</body>"""


def test_light_page_drops_theme_scripts_and_fixes_icon_labels() -> None:
    out = oa.light_page(THEME_PAGE, "chapters/x")
    assert "fontawesome.js" not in out and "searchtools.js" not in out
    assert "language_data.js" not in out and "searchindex.js" not in out
    assert '<i aria-hidden="true" class="fa-solid fa-magnifying-glass"></i>' in out
    assert (
        '<i aria-hidden="true" class="theme-switch fa-solid fa-sun fa-lg" data-mode="light"' in out
    )
    assert out.count("aria-hidden") == 3 and '<i class="not-an-icon">' in out
    assert 'title="Search" data-bs-placement="bottom">' in out and 'aria-label="Search"' not in out
    # The search page keeps its search scripts.
    search = oa.light_page(THEME_PAGE, "search")
    assert "searchindex.js" in search and "fontawesome.js" not in search

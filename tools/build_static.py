"""Write the book's offline JavaScript assets into ``_static/``.

Outputs (both gitignored, rebuilt before every book build):

* ``_static/vega-bundle.js``: vega + vega-lite + vega-embed from the pinned
  ``vl-convert-python`` wheel (``vl_convert.javascript_bundle()``), wrapped in an
  IIFE so its top-level ``const`` names do not collide with Sphinx's page globals.
  The bundle assigns ``window.vegaEmbed``, ``window.vega`` and ``window.vegaLite``.
  Jupyter Book adds every ``*.js`` under ``_static/`` to every page (so no
  ``html_js_files`` entry is needed); the book's extension ``book/_ext/offline_assets.py``
  keeps it only on pages with charts, under a content-hashed name
  (``_static/vega-bundle.<sha256[:12]>.js``) that an incremental build updates.
* ``_site_extra/mathjax/tex-svg.js``: MathJax 3 ``es5/tex-svg.js`` (SVG output, no web
  fonts) from the pinned ``django-static-mathjax==3.2.2.1`` package, plus its TeX
  extensions (``input/tex/extensions/``) so that ``autoload`` (``\\boldsymbol``,
  ``\\cancel``...) works offline. Only a fallback: the book's extension typesets every
  formula when the book is built (MathJax from the same package, in Node.js), so pages
  load MathJax only where Node.js was not available at build time.

Why MathJax is NOT under ``_static/``: Jupyter Book 1 adds every ``*.js`` found
recursively under each ``html_static_path`` folder to every page
(``jupyter_book/config.py``, ``rglob("*.js")``), which would load MathJax twice and
its ~35 extensions on every page. ``_site_extra/`` is an ``html_extra_path`` folder
(copied verbatim to the site root, not scanned), and Sphinx loads MathJax from it via
``mathjax_path: ../mathjax/tex-svg.js`` (Sphinx prefixes ``_static/``), only on pages
with math.

Idempotent: a file is rewritten only when its content changed.

Usage::

    python tools/build_static.py [--root BOOK_DIR]    # BOOK_DIR defaults to the repo
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Folder (relative to the book root) in ``html_static_path``: auto-added JS/CSS.
STATIC_DIR = "_static"
#: Folder (relative to the book root) in ``html_extra_path``: copied to the site root as is.
EXTRA_DIR = "_site_extra"


def vega_bundle_text() -> str:
    """The IIFE-wrapped vega/vega-lite/vega-embed bundle (single source: ``charts``)."""
    from scalinglaws.book.charts import vega_bundle_js

    return vega_bundle_js()


def mathjax_es5_dir() -> Path:
    """The ``es5`` folder of MathJax 3 inside the installed ``django-static-mathjax``."""
    try:
        import mathjax
    except ImportError as exc:  # pragma: no cover - environment problem
        raise SystemExit(
            "build_static: package 'django-static-mathjax==3.2.2.1' is not installed "
            "(pip install it into .venv)"
        ) from exc
    es5 = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    if not (es5 / "tex-svg.js").is_file():
        raise SystemExit(f"build_static: {es5 / 'tex-svg.js'} not found")
    return es5


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True if written."""
    if (
        path.is_file()
        and hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(data).digest()
    ):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def build(root: Path) -> list[Path]:
    """Write all assets under book folder ``root``; return the paths (re)written."""
    written: list[Path] = []
    target = root / STATIC_DIR / "vega-bundle.js"
    if _write_if_changed(target, vega_bundle_text().encode("utf-8")):
        written.append(target)

    es5 = mathjax_es5_dir()
    out = root / EXTRA_DIR / "mathjax"
    files = {out / "tex-svg.js": es5 / "tex-svg.js"}
    # TeX extensions loaded on demand by MathJax's autoload/require (relative to tex-svg.js).
    ext_dir = es5 / "input" / "tex" / "extensions"
    for src in sorted(ext_dir.rglob("*.js")):
        files[out / "input" / "tex" / "extensions" / src.relative_to(ext_dir)] = src
    for dst, src in files.items():
        if _write_if_changed(dst, src.read_bytes()):
            written.append(dst)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=REPO, help="book folder (default: the repository)"
    )
    args = parser.parse_args(argv)
    written = build(args.root)
    print(f"build_static: {len(written)} file(s) written under {args.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Keep every page free of off-site script URLs.

Jupyter Book 1 always loads sphinx-thebe, which writes an inline script naming thebe's CDN URL on every page
(used only if live code cells are launched; this book disables them) plus its loader ``sphinx-thebe.js``.
The book must work and be inspectable offline, so both are dropped from every page's scripts.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _is_thebe(js) -> bool:
    body = (getattr(js, "attributes", {}) or {}).get("body", "") or ""
    return "THEBE_JS_URL" in body or str(getattr(js, "filename", "") or "").endswith(
        "sphinx-thebe.js"
    )


def _drop_thebe(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [js for js in scripts if not _is_thebe(js)]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

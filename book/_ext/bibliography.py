"""Make the rendered bibliography valid ARIA.

Docutils' HTML5 writer (used by Sphinx for the citations that sphinxcontrib-bibtex produces) wraps the
entries in ``<div role="list" class="citation-list">`` and gives each entry
``<div class="citation" role="doc-biblioentry">``. DPUB-ARIA 1.1 deprecates ``doc-biblioentry``, and a
``list`` whose children are not ``listitem`` s lacks its required children: axe-core reports both
(``aria-deprecated-role`` on every entry, ``aria-required-children`` on the list). Each entry becomes a
``listitem`` of its list, which is what DPUB-ARIA 1.1 recommends for a bibliography's entries.

The role is written by the HTML translator, after the doctree, so the fix rewrites the page body at
``html-page-context`` (only the entries' opening tags; nothing else on the page is touched).
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx

#: The opening tag of one citation entry as docutils writes it (attributes in sorted order).
_ENTRY = re.compile(r'(<div\b[^>]*\bclass="citation"[^>]*?)\s+role="doc-biblioentry"')


def fix_entry_roles(body: str) -> tuple[str, int]:
    """``body`` with every ``doc-biblioentry`` citation entry made a ``listitem``; and how many."""
    return _ENTRY.subn(r'\1 role="listitem"', body)


def _on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    body = context.get("body")
    if isinstance(body, str) and "doc-biblioentry" in body:
        context["body"], _ = fix_entry_roles(body)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _on_page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

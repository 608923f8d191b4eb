"""The bibliography extension (book/_ext/bibliography.py): bibliography entries are ARIA list items.

Builds a two-entry bibliography with Sphinx and sphinxcontrib-bibtex exactly as the book does (plain style,
author-year citations), once without the extension (docutils' deprecated ``doc-biblioentry`` roles, the
defect axe reported on the references page) and once with it.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXT_DIR = REPO / "book" / "_ext"

BIB = r"""
@misc{kaplan2020scaling,
  title         = {Scaling Laws for Neural Language Models},
  author        = {Kaplan, Jared and McCandlish, Sam},
  eprint        = {2001.08361},
  archiveprefix = {arXiv},
  year          = {2020}
}
@article{clauset2009power,
  title   = {Power-Law Distributions in Empirical Data},
  author  = {Clauset, Aaron and Shalizi, Cosma Rohilla and Newman, M. E. J.},
  journal = {SIAM Review},
  volume  = {51},
  number  = {4},
  pages   = {661--703},
  doi     = {10.1137/070710111},
  year    = {2009}
}
"""

INDEX = """Test
====

Laws :cite:p:`kaplan2020scaling` and fits :cite:p:`clauset2009power`.

.. bibliography::
"""


def _load():
    spec = importlib.util.spec_from_file_location("bibliography", EXT_DIR / "bibliography.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _build(tmp_path: Path, *, with_extension: bool) -> str:
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "refs.bib").write_text(BIB, encoding="utf-8")
    (src / "index.rst").write_text(INDEX, encoding="utf-8")
    extensions = ["sphinxcontrib.bibtex"] + (["bibliography"] if with_extension else [])
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(EXT_DIR)!r})\n"
        f"extensions = {extensions!r}\n"
        "bibtex_bibfiles = ['refs.bib']\n"
        "bibtex_default_style = 'plain'\n"
        "bibtex_reference_style = 'author_year'\n",
        encoding="utf-8",
    )
    out = tmp_path / "html"
    app = Sphinx(
        str(src), str(src), str(out), str(tmp_path / "doctrees"), "html", status=None, warning=None
    )
    app.build()
    assert app.statuscode == 0
    return (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("with_extension", [False, True])
def test_bibliography_roles(tmp_path: Path, with_extension: bool) -> None:
    html = _build(tmp_path, with_extension=with_extension)
    entries = re.findall(r'<div class="citation" id="[^"]+" role="([^"]+)">', html)
    assert len(entries) == 2, html
    assert '<div role="list" class="citation-list">' in html
    if with_extension:
        assert entries == ["listitem", "listitem"]
        assert "doc-biblioentry" not in html
    else:  # what docutils writes on its own: the defect the extension exists for
        assert entries == ["doc-biblioentry", "doc-biblioentry"]
    # The book's plain style turns eprint and doi fields into links.
    assert '<a class="reference external" href="https://arxiv.org/abs/2001.08361">' in html
    assert '<a class="reference external" href="https://doi.org/10.1137/070710111">' in html


def test_fix_entry_roles_touches_only_citation_entries() -> None:
    fix = _load().fix_entry_roles
    body = (
        '<div role="list" class="citation-list">\n'
        '<div class="citation" id="id4" role="doc-biblioentry">\n<p>A.</p>\n</div>\n'
        '<div class="citation" id="id9" role="doc-biblioentry">\n<p>B.</p>\n</div>\n</div>\n'
        "<p>The role name doc-biblioentry in prose stays.</p>\n"
        '<div class="other" role="doc-biblioentry"></div>\n'
    )
    fixed, n = fix(body)
    assert n == 2
    assert fixed.count('role="listitem"') == 2
    assert '<div class="citation" id="id4" role="listitem">' in fixed
    assert "The role name doc-biblioentry in prose stays." in fixed
    assert '<div class="other" role="doc-biblioentry"></div>' in fixed
    assert fix(fixed) == (fixed, 0)

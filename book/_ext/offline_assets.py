"""Light, offline pages: each page loads only the assets it uses, and never a stale one.

What every page would load otherwise (Jupyter Book 1 with pydata-sphinx-theme), and what this extension does:

* **Vega** (``_static/vega-bundle.js``, ~900 KB, written by ``tools/build_static.py``): Jupyter Book adds every
  ``*.js`` under ``_static`` to every page. Here it is kept only on pages whose body holds a chart
  (``<figure class="sl-chart"``), loaded ``defer``, under a content-hashed name
  ``_static/vega-bundle.<sha256[:12]>.js``. The hashed copy is written into the output before the pages, and
  when the bundle changes (``src/scalinglaws/book/charts.py`` or ``chart_runtime.js``) every document is marked
  outdated (``env-get-outdated``), so an incremental build that would otherwise copy nothing re-writes the
  pages with the new name; old copies and the unhashed ``vega-bundle.js`` are removed from the output.
* **Math** is typeset when the book is built, not in the reader's browser: MathJax 3 (the pinned
  ``django-static-mathjax`` package, ``es5/node-main.js``) runs once per page in Node.js and each formula
  becomes MathJax's own SVG output (``<mjx-container jax="SVG">`` with an assistive MathML copy for screen
  readers). Pages then load no MathJax at all (it was 2.1 MB). A TeX error is a build warning. Without
  ``node`` on the PATH (or with ``SCALINGLAWS_MATH=browser``) the math is left to MathJax in the browser as
  before, loaded only on the pages that have math.
* **Font Awesome**: the theme's CSS already holds Font Awesome's classes and ``@font-face`` (web fonts under
  ``_static/vendor/fontawesome``), so its 1.4 MB ``scripts/fontawesome.js`` (which only swaps ``<i>`` icons for
  inline SVGs) is removed from every page; the icons are drawn by the web font, marked ``aria-hidden`` as the
  script marked its SVGs, and the CSS keeps only the icon rules of icons the site uses.
* **Search**: pydata-sphinx-theme loads ``searchtools.js``, ``language_data.js`` and ``searchindex.js``
  (~110 KB) on every page for search-as-you-type, which this book leaves off (the search button opens a form
  that goes to ``search.html``, which loads them itself); they are removed from the other pages.
* **Thebe**: sphinx-thebe writes an inline script naming thebe's CDN URL on every page (used only if live
  code cells are launched; this book disables them) plus its loader ``sphinx-thebe.js``: both are dropped.

It also provides the ``page-weights`` directive: the committed measurements of ``tools/measure_pages.py``
(``book/_data/page_weights.json``) as a table.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

BUNDLE = "vega-bundle.js"
_HASHED = re.compile(r"^vega-bundle\.[0-9a-f]{12}\.js$")
#: A page holds a chart when its body has this (``scalinglaws.book.charts.render_html``).
CHART_MARK = '<figure class="sl-chart"'
#: Script tags the theme's templates write on every page, removed from the rendered HTML.
_FONTAWESOME_JS = re.compile(
    r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?'
)
_SEARCH_JS = re.compile(
    r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>\n?'
)

#: An icon element of the theme (``<i class="fa-solid fa-sun">``) without ``aria-hidden``.
_ICON_TAG = re.compile(r'<i (?![^>]*aria-hidden)([^>]*\bclass="[^"]*\bfa-[^"]*"[^>]*)>')

#: The theme's search field button: its aria-label "Search" hides its visible text "Search Ctrl+K".
_SEARCH_FIELD_LABEL = re.compile(
    r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="[^"]*"'
)

# MathJax in Node.js: reads [[tex, display], ...] as JSON on stdin, writes {"css": ..., "html": [...]}.
_NODE_SCRIPT = r"""
const es5 = process.argv[1];
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", async () => {
  const MathJax = require(es5 + "/node-main.js");
  const MJ = await MathJax.init({
    loader: {load: ["input/tex", "output/svg", "a11y/assistive-mml"]},
    svg: {fontCache: "global"},
    startup: {typeset: false},
  });
  const out = [];
  for (const [tex, display] of JSON.parse(input)) {
    MJ.texReset();
    const node = await MJ.tex2svgPromise(tex, {display: display});
    out.push(MJ.startup.adaptor.outerHTML(node));
  }
  const css = MJ.startup.adaptor.textContent(MJ.svgStylesheet());
  const glyphs = MJ.startup.adaptor.outerHTML(MJ.startup.output.fontCache.getCache());
  process.stdout.write(JSON.stringify({css: css, html: out, glyphs: glyphs}));
});
"""


# ----------------------------------------------------------------------------- vega bundle
def bundle_source(app: Sphinx) -> Path:
    return Path(app.confdir) / "_static" / BUNDLE


def bundle_name_for(content: bytes) -> str:
    """``vega-bundle.<sha256[:12]>.js``: the output name of a bundle with this content."""
    return f"vega-bundle.{hashlib.sha256(content).hexdigest()[:12]}.js"


def bundle_name(app: Sphinx) -> str | None:
    """The output name of the current bundle, or None if there is none."""
    src = bundle_source(app)
    return bundle_name_for(src.read_bytes()) if src.is_file() else None


def _copy_bundle(app: Sphinx) -> None:
    """Put the hashed bundle into the output (before pages are written) and remove stale copies."""
    if app.builder.format != "html":
        return
    name = bundle_name(app)
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for old in static.glob("vega-bundle*.js"):
        if old.name != name:
            old.unlink()
    if name and not (static / name).is_file():
        shutil.copyfile(bundle_source(app), static / name)


def _bundle_outdated(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """Every document is outdated when the bundle changed: its pages must name the new file."""
    name = bundle_name(app)
    old = getattr(env, "scalinglaws_bundle", None)
    env.scalinglaws_bundle = name
    if old != name:  # also an env written before this extension named its bundle
        logger.info(
            "offline_assets: the vega bundle changed (%s -> %s): re-writing every page", old, name
        )
        return sorted(env.found_docs)
    return []


THEME_CSS = "styles/pydata-sphinx-theme.css"
_FA_ICON_RULE = re.compile(r"((?:\.fa-[a-z0-9-]+::?before,?)+)(\{[^{}]*\})")
_FA_NAME = re.compile(r"\bfa-[a-z0-9-]+")


def subset_icon_css(css: str, used: set[str]) -> str:
    """``css`` without the Font Awesome icon rules (``.fa-x:before{content:...}``) of icons not in ``used``."""

    def keep(m: re.Match) -> str:
        selectors = [s for s in m.group(1).split(",") if s]
        kept = [s for s in selectors if s.split(":")[0][1:] in used]
        return ",".join(kept) + m.group(2) if kept else ""

    return _FA_ICON_RULE.sub(keep, css)


def _subset_fontawesome(app: Sphinx) -> None:
    """The theme's CSS holds all ~1,900 Font Awesome icon rules (86 kB); keep those the site uses."""
    theme = getattr(app.builder, "theme", None)
    if theme is None:
        return
    sources = [Path(d) / "static" / THEME_CSS for d in theme.get_theme_dirs()]
    source = next((s for s in sources if s.is_file()), None)
    out = Path(app.outdir) / "_static" / THEME_CSS
    if source is None or not out.is_file():
        return
    used: set[str] = set()
    for page in Path(app.outdir).rglob("*.html"):
        used |= set(_FA_NAME.findall(page.read_text(encoding="utf-8", errors="replace")))
    for script in (Path(app.outdir) / "_static").rglob("*.js"):
        if not _HASHED.match(script.name):  # the theme's scripts may add icons at run time
            used |= set(_FA_NAME.findall(script.read_text(encoding="utf-8", errors="replace")))
    text = subset_icon_css(source.read_text(encoding="utf-8"), used)
    if out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")


def _finish(app: Sphinx, exc: Exception | None) -> None:
    if exc is None and app.builder.format == "html":
        _copy_bundle(app)  # also removes the unhashed copy Sphinx made from html_static_path
        _subset_fontawesome(app)


# ------------------------------------------------------------------------------------ math
def _node_command() -> list[str] | None:
    if os.environ.get("SCALINGLAWS_MATH", "").lower() == "browser":
        return None
    node = shutil.which(os.environ.get("SCALINGLAWS_NODE", "node"))
    if not node:
        return None
    try:
        import mathjax
    except ImportError:
        return None
    es5 = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    if not (es5 / "node-main.js").is_file():
        return None
    return [node, "-e", _NODE_SCRIPT, str(es5)]


def block_tex(node: nodes.math_block) -> str:
    """The TeX MathJax typesets for a display-math node (as ``sphinx.ext.mathjax`` writes it)."""
    if node.get("nowrap"):
        return node.astext()
    parts = [p for p in node.astext().split("\n\n") if p.strip()]
    parts = [rf"\begin{{split}}{p}\end{{split}}" if r"\\" in p else p for p in parts]
    if len(parts) > 1:
        return r"\begin{align}\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}\end{align}"
    return parts[0] if parts else ""


def typeset(app: Sphinx, formulas: list[tuple[str, bool]]) -> dict[tuple[str, bool], str]:
    """SVG (MathJax's ``mjx-container``) of each (TeX, display) pair; {} when Node.js is not available."""
    cache: dict[tuple[str, bool], str] = app.scalinglaws_math
    todo = sorted({f for f in formulas if f not in cache})
    if todo:
        cmd = _node_command()
        if cmd is None:
            return {}
        run = subprocess.run(
            cmd, input=json.dumps(todo), capture_output=True, text=True, timeout=600, check=False
        )
        if run.returncode != 0:
            logger.warning(
                "offline_assets: MathJax in Node.js failed: %s", run.stderr.strip()[-2000:]
            )
            return {}
        result = json.loads(run.stdout)
        app.scalinglaws_math_css = result["css"]
        app.scalinglaws_glyphs.update(
            (m.group("id"), m.group("all")) for m in _GLYPH.finditer(result["glyphs"])
        )
        cache.update(zip(todo, result["html"], strict=True))
    return {f: cache[f] for f in formulas if f in cache}


#: One glyph of MathJax's global font cache, and a reference to one.
_GLYPH = re.compile(r'(?P<all><path id="(?P<id>MJX-[^"]+)"[^>]*>(?:</path>)?)')
_GLYPH_USE = re.compile(r'xlink:href="#(MJX-[^"]+)"')
_MJX_ERROR = re.compile(r'data-mjx-error="([^"]*)"')


def _typeset_doctree(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html" or app.builder.math_renderer_name != "mathjax":
        return
    found = [(n, (n.astext(), False)) for n in doctree.findall(nodes.math)]
    found += [(n, (block_tex(n), True)) for n in doctree.findall(nodes.math_block)]
    if not found:
        return
    svgs = typeset(app, [f for _, f in found])
    for n, f in found:
        svg = svgs.get(f)
        if svg is None:
            app.scalinglaws_browser_math.add(docname)
            continue
        error = _MJX_ERROR.search(svg)
        if error:
            logger.warning("TeX error in %r: %s", f[0], html.unescape(error.group(1)), location=n)
        n["scalinglaws_svg"] = svg


def _svg(self: Any, node: nodes.Element, formula: tuple[str, bool]) -> str | None:
    """The node's SVG, else (math outside the page body: titles in the tables of contents) typeset now."""
    svg = node.get("scalinglaws_svg")
    if svg is None:
        app = self.builder.app
        svg = typeset(app, [formula]).get(formula)
        if svg is None:
            app.scalinglaws_browser_math.add(self.builder.current_docname)
    return svg


def _visit_math(self: Any, node: nodes.math) -> None:
    svg = _svg(self, node, (node.astext(), False))
    if svg is None:
        return _ORIGINAL["inline"](self, node)
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(svg + "</span>")
    raise nodes.SkipNode


def _visit_displaymath(self: Any, node: nodes.math_block) -> None:
    svg = _svg(self, node, (block_tex(node), True))
    if svg is None:
        return _ORIGINAL["block"](self, node)
    from sphinx.locale import _
    from sphinx.util.math import get_node_equation_number

    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node.get("number") and not node.get("nowrap"):
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(svg + "</div>\n")
    raise nodes.SkipNode


_ORIGINAL: dict[str, Any] = {}


def _install_math(app: Sphinx) -> None:
    """Wrap the ``mathjax`` HTML math renderer: SVG typeset at build time when there is one."""
    app.scalinglaws_math = {}
    app.scalinglaws_math_css = ""
    app.scalinglaws_glyphs = {}
    app.scalinglaws_browser_math = set()
    registry = app.registry
    if "mathjax" not in registry.html_inline_math_renderers:
        return
    inline = registry.html_inline_math_renderers["mathjax"]
    block = registry.html_block_math_renderers["mathjax"]
    if inline[0] is _visit_math:  # already wrapped (the same registry seen twice)
        return
    _ORIGINAL["inline"], _ORIGINAL["block"] = inline[0], block[0]
    registry.html_inline_math_renderers["mathjax"] = (_visit_math, inline[1])
    registry.html_block_math_renderers["mathjax"] = (_visit_displaymath, block[1])


# ---------------------------------------------------------------------------- page assets
def _is_thebe(js: Any) -> bool:
    body = (getattr(js, "attributes", {}) or {}).get("body", "") or ""
    return "THEBE_JS_URL" in body or str(getattr(js, "filename", "") or "").endswith(
        "sphinx-thebe.js"
    )


def _is_mathjax(app: Sphinx, js: Any) -> bool:
    body = (getattr(js, "attributes", {}) or {}).get("body", "") or ""
    filename = str(getattr(js, "filename", "") or "")
    path = str(app.config.mathjax_path or "")
    return body.lstrip().startswith("window.MathJax") or (bool(path) and filename.endswith(path))


def _page_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    scripts = context.get("script_files")
    if scripts is None:
        return
    body = context.get("body", "") or ""
    charts = CHART_MARK in body
    browser_math = pagename in app.scalinglaws_browser_math
    kept = []
    for js in scripts:
        filename = str(getattr(js, "filename", "") or "")
        if _is_thebe(js) or (_is_mathjax(app, js) and not browser_math):
            continue
        if filename.rsplit("/", 1)[-1] == BUNDLE:
            name = bundle_name(app)
            if charts and name:
                hashed = filename[: -len(BUNDLE)] + name
                kept.append(type(js)(hashed, priority=js.priority, defer="defer"))
            continue
        kept.append(js)
    context["script_files"] = kept


def with_math_assets(app: Sphinx, page: str, pagename: str = "") -> str:
    """``page`` (a whole HTML page) with MathJax's SVG stylesheet and, right after ``<body>``, the
    page's part of MathJax's global font cache: each glyph used on the page (in the article, the tables of
    contents or the navigation) once, referenced by every formula's ``<use xlink:href="#MJX-...">``."""
    if "<mjx-container" not in page or not app.scalinglaws_math_css:
        return page
    used = sorted(set(_GLYPH_USE.findall(page)))
    missing = [g for g in used if g not in app.scalinglaws_glyphs]
    if missing:
        logger.warning("offline_assets: %s: MathJax glyphs missing: %s", pagename, missing)
    defs = "".join(app.scalinglaws_glyphs[g] for g in used if g in app.scalinglaws_glyphs)
    style = f'<style id="MJX-SVG-styles">{app.scalinglaws_math_css}</style>\n'
    cache = (
        '<svg style="display: none;" id="MJX-SVG-global-cache" aria-hidden="true">'
        f"<defs>{defs}</defs></svg>\n"
    )
    page = page.replace("</head>", style + "</head>", 1)
    return re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + "\n" + cache, page, count=1)


def light_page(page: str, pagename: str) -> str:
    """A rendered page without Font Awesome's script and (except on the search page) the search scripts,
    with the theme's icons ``aria-hidden`` and the search field button named by its visible text."""
    out = _FONTAWESOME_JS.sub("", page)
    # Font Awesome's script marked its icons aria-hidden; a web-font glyph is text, which would
    # otherwise become part of a button's visible label (axe: label-content-name-mismatch).
    out = _ICON_TAG.sub(r'<i aria-hidden="true" \1>', out)
    # WCAG 2.5.3 (axe: label-content-name-mismatch): the button's name is then its visible text.
    out = _SEARCH_FIELD_LABEL.sub(r"\1", out)
    if pagename != "search":
        out = _SEARCH_JS.sub("", out)
    return out


def _wrap_render(app: Sphinx) -> None:
    """Remove Font Awesome's JavaScript and the unused search scripts from the rendered pages, and add
    the math assets (this sees the whole page, tables of contents included)."""
    templates = getattr(app.builder, "templates", None)
    if templates is None or getattr(templates.render, "_scalinglaws", False):
        return
    render = templates.render

    def light_render(template: str, context: dict) -> str:
        pagename = context.get("pagename", "")
        return with_math_assets(app, light_page(render(template, context), pagename), pagename)

    light_render._scalinglaws = True  # type: ignore[attr-defined]
    templates.render = light_render


def _builder_inited(app: Sphinx) -> None:
    _install_math(app)
    if app.builder.format == "html":
        _wrap_render(app)
        _copy_bundle(app)


# ------------------------------------------------------------------------ page weights
def _size(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


class PageWeights(SphinxDirective):
    """A table of the committed page measurements (``tools/measure_pages.py --out``)."""

    required_arguments = 1
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        rel, path = self.env.relfn2path(self.arguments[0])
        self.env.note_dependency(rel)
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        pages = data["pages"]
        head = ["Page", "Total", "JS", "CSS", "Fonts", "HTML, other", "Charts", "Last chart"]
        rows: list[list[Any]] = []
        for doc, r in pages.items():
            b = r["bytes"]
            t = "–" if r["last_chart_ms"] is None else f"{r['last_chart_ms'] / 1000:.2f} s"
            # A link titled like the page (resolved once every page has been read).
            link = addnodes.pending_xref(
                "",
                nodes.inline(text=doc),
                refdomain="std",
                reftype="doc",
                reftarget="/" + doc,
                refexplicit=False,
                refdoc=self.env.docname,
            )
            sizes = [b["total"], b["js"], b["css"], b["font"], b["html"] + b["other"]]
            rows.append([link, *map(_size, sizes), str(r["charts"]), t])
        table = nodes.table(classes=["sl-page-weights"])
        group = nodes.tgroup(cols=len(head))
        table += group
        group.extend(nodes.colspec(colwidth=1) for _ in head)
        thead, tbody = nodes.thead(), nodes.tbody()
        group += thead
        group += tbody
        for target, cells in [(thead, head), *((tbody, r) for r in rows)]:
            row = nodes.row()
            for cell in cells:
                entry = nodes.entry()
                para = nodes.paragraph()
                para += nodes.Text(cell) if isinstance(cell, str) else cell
                entry += para
                row += entry
            target += row
        goals = data["goals"]
        note = nodes.paragraph(
            text=(
                f"Measured {data['date']} on {data['machine']}. Goals: a page without charts under "
                f"{_size(goals['no_charts'])}, a page with charts under {_size(goals['charts'])}. "
                f"Method: {data['method']}."
            )
        )
        return [table, note]


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _bundle_outdated)
    app.connect("doctree-resolved", _typeset_doctree)
    app.connect("html-page-context", _page_assets, priority=900)
    app.connect("build-finished", _finish)
    app.add_directive("page-weights", PageWeights)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

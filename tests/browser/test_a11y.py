"""Accessibility of the built book: axe-core finds no WCAG 2 A/AA violation on any page.

* ``test_axe_page`` (marked ``browser``) opens every ``_toc.yml`` page in headless Chromium, in light and
  in dark mode, waits until its charts are drawn and its math typeset, injects the vendored axe-core
  (``tests/browser/vendor/axe.min.js``, pinned; see the README there) and fails on any violation of the
  rules tagged ``wcag2a``, ``wcag2aa``, ``wcag21a`` or ``wcag21aa``, one line per offending element
  (rule, impact, CSS target). Every request that leaves 127.0.0.1 is blocked and fails the test.
* The same test checks that every control a chart binds (a calculator's slider or drop-down) is reached
  with the Tab key and that the arrow keys change its value and the chart's state.
* ``test_axe_flags_known_violations`` and the other ``*_flags_*`` tests are tests of the test: small pages
  with known defects (an image without alt text, an unlabelled field, the deprecated bibliography roles
  docutils writes, a control that the keyboard cannot reach) are flagged, and their fixed versions are not.
* ``test_calculators_labelled_and_keyboard_operable`` runs axe and the keyboard check on each of the five
  calculators of ``scalinglaws.book.calculators`` drawn alone (so they are covered before a chapter shows them).
* ``test_references_link_every_identifier`` (no browser) checks that every arXiv identifier, DOI and URL in
  ``book/references.bib`` of a cited work is a link on the built references page.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from .support import (
    BOOK_DIR,
    DRAW_TIMEOUT_MS,
    HTML_DIR,
    PAGES,
    offline_context,
    page_path,
    require_build,
)

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE_JS = VENDOR / "axe.min.js"
#: The vendored release and the sha256 of its ``axe.min.js`` (also stated in ``vendor/README.md``).
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
#: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MODES = ["light", "dark"]
#: A chart's form controls: Vega's parameter bindings, or any control placed in the figure.
CONTROLS = "figure.sl-chart input:not([type=hidden]), figure.sl-chart select"


# ------------------------------------------------------------------------------ helpers
def _new_page(browser: Any, *, dark: bool = False) -> tuple[Any, Any, list[str], list[str]]:
    """A page in a fresh context whose off-site requests are blocked and recorded; JS errors recorded."""
    context, external = offline_context(browser, dark=dark)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    return context, page, external, errors


_NOT_DRAWN = """() => [
  ...Array.from(document.querySelectorAll('figure.sl-chart'))
    .filter(f => !f.querySelector('.sl-chart-view svg, .sl-chart-view canvas')
                 || f.getAttribute('data-sl-state') === 'drawing')
    .map(f => 'chart ' + f.getAttribute('data-sl-id') + ' not drawn'),
  ...Array.from(document.querySelectorAll('.math'))
    .filter(m => !m.querySelector('mjx-container'))
    .map(m => 'math not typeset: ' + m.textContent.slice(0, 60)),
]"""


def _wait_drawn(page: Any) -> None:
    """Wait until every chart holds its SVG/canvas (and is not being re-drawn) and every formula is
    typeset: axe must see the page a reader sees. Fails naming what is missing."""
    try:
        page.wait_for_function(f"() => ({_NOT_DRAWN})().length === 0", timeout=DRAW_TIMEOUT_MS)
    except Exception:  # noqa: BLE001 - reported with what is missing
        missing = page.evaluate(_NOT_DRAWN)
        pytest.fail(f"{page.url}: not drawn after {DRAW_TIMEOUT_MS} ms: {missing[:5]}")


_RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return {version: axe.version, violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' '))}))};
}"""


def axe_violations(page: Any) -> list[str]:
    """Run the vendored axe-core on ``page``; one line per violating element: rule [impact] target: help."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(_RUN_AXE, WCAG_TAGS)
    assert result["version"] == AXE_VERSION, f"axe-core {result['version']} loaded"
    return [
        f"{v['id']} [{v['impact']}] {target}: {v['help']}"
        for v in result["violations"]
        for target in v["targets"]
    ]


_CHART_STATE = """(el) => {
  const fig = el.closest('figure.sl-chart');
  const views = (window.scalinglawsViews || {})[fig && fig.getAttribute('data-sl-id')] || [];
  const primitive = (name, op) => ['number', 'string', 'boolean'].includes(typeof op.value);
  return JSON.stringify(views.map(v => v.getState({signals: primitive, recurse: true}).signals));
}"""


#: What the Tab key may stop at (an upper bound on the presses needed to visit every stop).
_TAB_STOPS = (
    "a[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]"
)


def keyboard_problems(page: Any) -> list[str]:
    """Every chart control must be reached with Tab and changed with the arrow keys (the value and the
    chart's signals change). Returns one line per control that fails."""
    n = page.locator(CONTROLS).count()
    if not n:
        return []
    page.evaluate(
        f"() => document.querySelectorAll({CONTROLS!r})"
        ".forEach((e, i) => e.setAttribute('data-a11y-control', String(i)))"
    )
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    reached: set[str] = set()
    problems: list[str] = []
    max_tabs = page.locator(_TAB_STOPS).count() + 20
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        idx = page.evaluate(
            "() => document.activeElement && document.activeElement.getAttribute('data-a11y-control')"
        )
        if idx is None or idx in reached:
            if len(reached) == n:
                break
            continue
        reached.add(idx)
        control = page.locator(f"[data-a11y-control='{idx}']")
        label = control.evaluate(
            "e => (e.closest('label') ? e.closest('label').innerText : e.name || e.id || e.type)"
            ".trim().slice(0, 40)"
        )
        kind = control.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind in {"input:checkbox", "input:radio"}:
            keys = ["Space"]
        else:
            keys = ["ArrowDown"] if kind.startswith("select") else ["ArrowRight"]
        value = "e => e.type === 'checkbox' ? e.checked : e.value"
        before = control.evaluate(value)
        state_before = control.evaluate(_CHART_STATE)
        for key in keys:
            page.keyboard.press(key)
        after = control.evaluate(value)
        if after == before:  # at the end of its range: try the other way
            for key in ("ArrowLeft", "ArrowUp"):
                page.keyboard.press(key)
            after = control.evaluate(value)
        page.wait_for_timeout(50)
        if after == before:
            problems.append(f"control {label!r} ({kind}): the keys {keys} do not change its value")
        elif control.evaluate(_CHART_STATE) == state_before:
            problems.append(f"control {label!r} ({kind}): the chart's state ignores the new value")
    missing = n - len(reached)
    if missing:
        labels = page.evaluate(
            f"() => Array.from(document.querySelectorAll({CONTROLS!r}))"
            ".filter(e => !%s.includes(e.getAttribute('data-a11y-control')))"
            ".map(e => e.outerHTML.slice(0, 100))" % sorted(reached)
        )
        problems += [f"not reachable with Tab: {h}" for h in labels]
    return problems


# ------------------------------------------------------------------ the pinned axe-core
def test_vendored_axe_is_the_pinned_release() -> None:
    """The vendored file is the pinned npm release (sha256 here and in the README agree)."""
    data = AXE_JS.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, (
        "axe.min.js differs from the pinned release"
    )
    assert data.startswith(f"/*! axe v{AXE_VERSION}".encode()), data[:40]
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert AXE_SHA256 in readme and f"axe-core@{AXE_VERSION}" in readme
    assert "Mozilla Public License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")


# ------------------------------------------------------------------ every page of the book
@pytest.mark.browser
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("doc", PAGES)
def test_axe_page(doc: str, mode: str, site_url: str, browser: Any) -> None:
    assert page_path(doc).is_file(), f"{doc}: not built"
    context, page, external, errors = _new_page(browser, dark=mode == "dark")
    try:
        page.goto(urljoin(site_url, f"{doc}.html"), wait_until="load")
        theme = page.evaluate("() => document.documentElement.getAttribute('data-theme')")
        assert theme == mode, f"{doc}: {mode} mode not applied (data-theme={theme!r})"
        _wait_drawn(page)
        violations = axe_violations(page)
        keyboard = keyboard_problems(page) if mode == "light" else []
    finally:
        context.close()
    assert not violations, f"{doc} ({mode}): {len(violations)} axe violation(s):\n" + "\n".join(
        violations
    )
    assert not keyboard, f"{doc}: chart controls not keyboard operable:\n" + "\n".join(keyboard)
    assert not errors, f"{doc} ({mode}): JavaScript errors: {errors}"
    assert not external, f"{doc} ({mode}): requests left 127.0.0.1: {external}"


# ------------------------------------------------------------------ tests of the test
_PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="


def _page_html(body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>axe check</title></head>'
        f"<body><main><h1>Check</h1>{body}</main></body></html>"
    )


def _axe_on(browser: Any, html: str) -> list[str]:
    context, page, external, _ = _new_page(browser)
    try:
        page.set_content(html)
        found = axe_violations(page)
    finally:
        context.close()
    assert not external, external
    return found


@pytest.mark.browser
def test_axe_flags_known_violations(browser: Any) -> None:
    """An image without alt text and an unlabelled field are flagged, with their element; fixed, not."""
    broken = _axe_on(browser, _page_html(f'<img src="{_PIXEL}"><input type="text" id="budget">'))
    rules = {line.split(" ", 1)[0] for line in broken}
    assert {"image-alt", "label"} <= rules, broken
    assert any(line.startswith("image-alt [critical] img") for line in broken), broken
    assert any(line.startswith("label [critical] #budget") for line in broken), broken
    fixed = _axe_on(
        browser,
        _page_html(
            f'<img src="{_PIXEL}" alt="one pixel">'
            '<label for="budget">Budget (FLOP)</label><input type="text" id="budget">'
        ),
    )
    assert fixed == [], fixed


def _bibliography_module() -> Any:
    spec = importlib.util.spec_from_file_location(
        "bibliography", BOOK_DIR / "book" / "_ext" / "bibliography.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


#: The markup docutils writes for a bibliography of two entries (as on the references page before the fix).
_DOCUTILS_BIBLIOGRAPHY = (
    '<div class="docutils container" id="id1">\n<div role="list" class="citation-list">\n'
    '<div class="citation" id="id4" role="doc-biblioentry">\n<span class="label">'
    '<span class="fn-bracket">[</span>1<span class="fn-bracket">]</span></span>\n'
    "<p>A. Author. A title. 2020.</p>\n</div>\n"
    '<div class="citation" id="id5" role="doc-biblioentry">\n<span class="label">'
    '<span class="fn-bracket">[</span>2<span class="fn-bracket">]</span></span>\n'
    "<p>B. Author. Another title. 2021.</p>\n</div>\n</div>\n</div>\n"
)


@pytest.mark.browser
def test_axe_flags_docutils_bibliography_and_the_fix_clears_it(browser: Any) -> None:
    """The deprecated ``doc-biblioentry`` roles (one per entry) and the list without list items are what
    axe reported on the references page; the book's extension removes both."""
    before = _axe_on(browser, _page_html(_DOCUTILS_BIBLIOGRAPHY))
    deprecated = [line for line in before if line.startswith("aria-deprecated-role")]
    assert len(deprecated) == 2, before
    assert any(line.startswith("aria-required-children") for line in before), before
    fixed, n = _bibliography_module().fix_entry_roles(_DOCUTILS_BIBLIOGRAPHY)
    assert n == 2
    after = _axe_on(browser, _page_html(fixed))
    assert after == [], after


def _calculator_html(*, reachable: bool) -> str:
    """A chart with a slider and a drop-down bound to Vega-Lite parameters, drawn by the book's runtime."""
    import altair as alt
    import pandas as pd

    from scalinglaws.book import charts

    budget = alt.param(
        name="budget", value=21, bind=alt.binding_range(min=18, max=27, step=1, name="log10 C ")
    )
    law = alt.param(
        name="law",
        value="canonical",
        bind=alt.binding_select(options=["canonical", "hoffmann"], name="Law "),
    )
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 4.0, 9.0]})
    chart = (
        alt.Chart(df)
        .mark_line()
        .encode(x=alt.X("x:Q", title="x (units)"), y=alt.Y("y:Q", title="y (units)"))
        .transform_calculate(y2="datum.y * budget")
        .add_params(budget, law)
    )
    fig = charts.figure(chart, title="Calculator", caption="c", alt="a calculator").to_html()
    html = _page_html(charts.notebook_bundle_html() + fig)
    if not reachable:  # a control taken out of the tab order, as a broken calculator might do
        head, _, tail = html.rpartition("</body>")
        html = (
            head
            + (
                "<script>document.addEventListener('sl-chart-drawn', () => setTimeout(() =>"
                " document.querySelectorAll('figure.sl-chart input').forEach(e => e.tabIndex = -1), 0));"
                "</script></body>"
            )
            + tail
        )
    return html


def _keyboard_on(browser: Any, html: str) -> tuple[int, list[str], list[str]]:
    context, page, external, errors = _new_page(browser)
    try:
        page.set_content(html)
        page.wait_for_function(
            "() => document.querySelectorAll('figure.sl-chart .vega-bindings input').length > 0",
            timeout=DRAW_TIMEOUT_MS,
        )
        page.wait_for_timeout(100)
        n = page.locator(CONTROLS).count()
        problems = keyboard_problems(page)
        violations = axe_violations(page)
    finally:
        context.close()
    assert not external and not errors, (external, errors)
    return n, problems, violations


@pytest.mark.browser
def test_keyboard_check_flags_unreachable_controls(browser: Any) -> None:
    """Vega's bound slider and drop-down pass (labelled, reached with Tab, moved by the arrow keys, and
    the chart's parameter follows); the same slider taken out of the tab order is flagged."""
    n, problems, violations = _keyboard_on(browser, _calculator_html(reachable=True))
    assert n == 2
    assert problems == [], problems
    assert violations == [], violations
    n, problems, _ = _keyboard_on(browser, _calculator_html(reachable=False))
    assert n == 2
    assert len(problems) == 1 and problems[0].startswith("not reachable with Tab: <input"), problems


# ------------------------------------------------------------------ references link their sources
_CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def cited_keys() -> set[str]:
    """Keys cited with ``{cite:p}``/``{cite:t}`` anywhere in the book's sources (chapters and pages)."""
    keys: set[str] = set()
    for src in [*BOOK_DIR.glob("chapters/*.ipynb"), *BOOK_DIR.glob("book/*.md")]:
        for group in _CITE.findall(src.read_text(encoding="utf-8")):
            keys |= {k.strip() for k in group.split(",") if k.strip()}
    return keys


def test_references_link_every_identifier() -> None:
    """Each cited work's arXiv identifier, DOI and URL from ``references.bib`` is a link on the
    references page, and no arXiv identifier is left as plain text in another field."""
    from pybtex.database import parse_file

    require_build()
    bib = parse_file(str(BOOK_DIR / "book" / "references.bib"), bib_format="bibtex")
    html = (HTML_DIR / "book" / "references.html").read_text(encoding="utf-8")
    cited = cited_keys()
    unknown = cited - set(bib.entries)
    assert not unknown, f"cited but not in references.bib: {sorted(unknown)}"
    assert html.count('class="citation"') == len(cited), "one entry per cited work"
    expected: list[str] = []
    plain: list[str] = []
    for key in sorted(cited):
        fields = {k.lower(): v for k, v in bib.entries[key].fields.items()}
        if "eprint" in fields:
            assert fields.get("archiveprefix", "").lower() == "arxiv", key
            expected.append(f"https://arxiv.org/abs/{fields['eprint']}")
        if "doi" in fields:
            expected.append(f"https://doi.org/{fields['doi']}")
        if "url" in fields:
            expected.append(fields["url"])
        for name, value in fields.items():
            if name != "eprint" and re.search(r"\b\d{4}\.\d{4,5}\b", value):
                plain.append(f"{key}.{name} = {value}")
    assert not plain, f"arXiv identifiers outside an eprint field (not linked): {plain}"
    assert len(expected) >= 32, expected  # today: 26 arXiv ids, 2 DOIs and 4 URLs of cited works
    unlinked = [u for u in expected if f'href="{u}"' not in html]
    assert not unlinked, f"not links on the references page: {unlinked}"


# ------------------------------------------------------------------ the calculators themselves
def _calculators() -> list[tuple[str, Any]]:
    from scalinglaws.book import calculators as calc
    from scalinglaws.core.laws import DEFAULT_LAW, get_law

    return [
        ("chinchilla", calc.chinchilla_calculator(get_law(DEFAULT_LAW))),
        ("allocation", calc.allocation_calculator()),
        ("data_constrained", calc.data_constrained_calculator()),
        ("pass_at_k", calc.pass_at_k_calculator()),
        ("transfer", calc.transfer_calculator()),
    ]


@pytest.mark.browser
def test_calculators_labelled_and_keyboard_operable(browser: Any) -> None:
    """Each calculator, drawn alone and offline: every control is labelled (no axe violation), reached
    with Tab and moved by the arrow keys, and the chart follows; the page stays offline."""
    from scalinglaws.book import calculators as calc
    from scalinglaws.book import charts

    for key, fig in _calculators():
        n, problems, violations = _keyboard_on(
            browser, _page_html(charts.notebook_bundle_html() + fig.to_html())
        )
        assert n == len(calc.PARAMS[key]), (key, n)
        assert problems == [], (key, problems)
        assert violations == [], (key, violations)

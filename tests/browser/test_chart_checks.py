"""The test of the chart checks (``chart_checks.js``): each class of defect a reader saw is flagged.

Deliberately broken charts, built with Altair and ``scalinglaws.book.charts`` and drawn offline on a
blank page (the bundle of ``charts.notebook_bundle_html()``, the book's ``custom.css``), each
reproducing a defect the book had: a series collapsed into one path (a series field named
``count``), a layer that draws nothing, a blank decade label (``10.0**23`` in the tick values), a
truncated legend, text shrunk below 9 px on a phone, a table wider than the column. Each must be
flagged with the right kind of problem, and a correct chart must pass (also at 390 px, where the
runtime re-draws it at the card's width). The runtime's dark theme is checked here too: switching
``<html data-theme>`` re-draws a chart in the dark colours and replaces its view.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest

from scalinglaws.book import charts

from .support import DRAW_TIMEOUT_MS, REPO

CHART_CHECKS_JS = Path(__file__).with_name("chart_checks.js").read_text(encoding="utf-8")
CUSTOM_CSS = (REPO / "_static" / "custom.css").read_text(encoding="utf-8")
_DRAWN = (
    "Array.from(document.querySelectorAll('figure.sl-chart'))"
    ".every(f => f.getAttribute('data-sl-state') === 'drawn')"
)
_ALL_DRAWN = "() => " + _DRAWN

pytestmark = pytest.mark.browser


# ----------------------------------------------------------------------------- charts
def _fig(chart: alt.TopLevelMixin, name: str, *, raw: bool = False) -> tuple[str, str]:
    """(chart id, figure HTML). ``raw``: the spec exactly as Altair wrote it (not rounded to 6
    digits, no refusal of reserved grouping fields): how the broken charts reached the page."""
    chart = chart.properties(title=name)
    spec = chart.to_dict() if raw else charts.spec_of(chart)
    spec.pop("$schema", None)
    return charts.chart_id(spec), charts.render_html(spec, alt_text=name, caption=f"{name}.")


def _curves() -> pd.DataFrame:
    c = np.geomspace(1e19, 1e25, 12)
    return pd.DataFrame(
        {
            "C": np.concatenate([c, c]),
            "L": np.concatenate([2.0 + 40 * c**-0.07, 1.9 + 50 * c**-0.075]),
            "law": ["Kaplan (N non-embedding)"] * 12
            + ["Besiroglu et al. 2024 refit (N total)"] * 12,
        }
    )


def correct_chart() -> alt.LayerChart:
    """Two fitted curves (colour series) over points, decade x axis, legend in full."""
    df = _curves()
    x = charts.log_enc("x", "C", "Training compute C (FLOP)", df["C"])
    y = alt.Y("L:Q", title="Loss L (nats/token)", scale=alt.Scale(zero=False))
    lines = alt.Chart(df).mark_line().encode(x=x, y=y, color=alt.Color("law:N", title="Fitted law"))
    points = alt.Chart(df.iloc[::3]).mark_point().encode(x=x, y=y)
    return alt.layer(lines, points)


def collapsed_series() -> alt.Chart:
    """Chapter 2's "two parameter counts": the series column is named ``count``, which Vega's
    grouping uses for itself, so two fits draw as one path."""
    df = _curves().rename(columns={"law": "count"})
    return (
        alt.Chart(df)
        .mark_line()
        .encode(x=alt.X("C:Q", scale=alt.Scale(type="log")), y="L:Q", color="count:N")
    )


def missing_layer() -> alt.LayerChart:
    """A layer whose y field does not exist: its rows are all invalid and it draws nothing."""
    df = _curves()
    x = alt.X("C:Q", scale=alt.Scale(type="log"))
    return alt.layer(
        alt.Chart(df).mark_point().encode(x=x, y="L:Q"),
        alt.Chart(df).mark_line().encode(x=x, y="loss:Q"),
    )


def blank_decade() -> alt.Chart:
    """Decade ticks at ``10.0**k``: ``10.0**23`` is ``1.0000000000000001e+23``, which the label
    expression's ``1e23`` never equals, so that decade's label is blank."""
    ks = range(19, 26)
    expr = " : ".join(f"datum.value == 1e{k} ? '10^{k}'" for k in ks) + " : ''"
    axis = alt.Axis(values=[10.0**k for k in ks], labelExpr=expr)
    assert 10.0**23 != 1e23  # the defect this chart reproduces
    return (
        alt.Chart(_curves())
        .mark_point()
        .encode(
            x=alt.X("C:Q", scale=alt.Scale(type="log", domain=[1e19, 1e25]), axis=axis), y="L:Q"
        )
    )


def truncated_legend() -> alt.Chart:
    """Legend labels cut at 120 px: "Kaplan (N non-embeddi…" (Vega-Lite's default was 160)."""
    return (
        alt.Chart(_curves())
        .mark_line()
        .encode(
            x="C:Q",
            y="L:Q",
            color=alt.Color("law:N", legend=alt.Legend(labelLimit=120)),
        )
    )


def clipped_legend() -> alt.Chart:
    """A legend drawn outside the SVG (no room reserved for it): what a reader saw on a phone when
    two legends stood side by side, or a bottom legend's labels ran past the card's edge."""
    return (
        alt.Chart(_curves())
        .mark_line()
        .encode(x="C:Q", y="L:Q", color=alt.Color("law:N", title="Fitted law"))
        .properties(autosize=alt.AutoSizeParams(type="none"))
    )


def two_legends() -> alt.LayerChart:
    """Colour and shape legends with long labels: on a phone the runtime stacks them and wraps
    their labels to the space left of the y axis (chapters 2, 3, 5 and 7 had them cut)."""
    df = _curves()
    df["kind"] = np.where(np.arange(len(df)) % 2 == 0, "fitted from the runs", "illustrative")
    x = charts.log_enc("x", "C", "Training compute C (FLOP)", df["C"])
    y = alt.Y("L:Q", title="Loss L (nats/token)", scale=alt.Scale(zero=False))
    lines = alt.Chart(df).mark_line().encode(x=x, y=y, color=alt.Color("law:N", title="Fitted law"))
    points = (
        alt.Chart(df)
        .mark_point()
        .encode(x=x, y=y, shape=alt.Shape("kind:N", title="Where the point comes from"))
    )
    return alt.layer(lines, points)


def wide_panels() -> alt.VConcatChart:
    """Two stacked 1100 px panels: natural size far wider than a phone."""
    base = alt.Chart(_curves()).mark_line().encode(x="C:Q", y="L:Q", color="law:N")
    return alt.vconcat(base.properties(width=1100), base.properties(width=1100))


# ---------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def bundle() -> str:
    return charts.notebook_bundle_html()


@pytest.fixture()
def open_page(browser: Any, bundle: str) -> Iterator[Any]:
    contexts: list[Any] = []
    errors: list[str] = []

    def open_(body: str, *, width: int = 1400, css: str = CUSTOM_CSS) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        context.route("**/*", lambda r: r.abort())  # offline
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_content(
            f"<html><head><style>{css}</style></head><body><main>{bundle}{body}</main></body></html>"
        )
        page.wait_for_function(_ALL_DRAWN, timeout=DRAW_TIMEOUT_MS)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, errors


def _kinds(page: Any) -> tuple[dict[str, list[str]], list[str], dict[str, Any]]:
    result = page.evaluate(CHART_CHECKS_JS, {"minFontPx": 9})
    by_id: dict[str, list[str]] = {}
    for chart in result["charts"]:
        by_id.setdefault(chart["id"], []).extend(p["kind"] for p in chart["problems"])
    return by_id, [p["kind"] for p in result["page"]], result


# ------------------------------------------------------------------------------ tests
def test_checks_flag_each_broken_chart_and_pass_a_correct_one(open_page: Any) -> None:
    good_id, good = _fig(correct_chart(), "Correct")
    cases = {
        "collapsed-series": _fig(collapsed_series(), "Collapsed series", raw=True),
        "empty-layer": _fig(missing_layer(), "Missing layer"),
        "blank-tick": _fig(blank_decade(), "Blank decade", raw=True),
        "truncated": _fig(truncated_legend(), "Truncated legend"),
        "clipped": _fig(clipped_legend(), "Clipped legend", raw=True),
    }
    page = open_page(good + "".join(html for _, html in cases.values()))
    kinds, page_kinds, result = _kinds(page)
    assert len(result["charts"]) == 6, result
    assert kinds[good_id] == [], result
    for kind, (cid, _) in cases.items():
        assert kind in kinds[cid], f"{kind} not flagged: {kinds[cid]} ({result})"
        # each broken chart shows its own defect, not a pile of unrelated ones
        assert set(kinds[cid]) == {kind}, f"{kind}: {kinds[cid]} ({result})"
    assert page_kinds == [], result
    details = {p["detail"] for c in result["charts"] for p in c["problems"]}
    assert any("1 path(s) for 2 series" in d for d in details), details
    assert any("1e+23" in d and "empty label" in d for d in details), details
    assert any("Besiroglu et al. 2024 refit (N total)" in d and "…" in d for d in details), details


def test_the_collapsed_series_chart_really_draws_one_path(open_page: Any) -> None:
    """The check's premise, seen in the DOM: the ``count`` series draws one line path, the same
    data under another name two."""
    bad_id, bad = _fig(collapsed_series(), "Collapsed", raw=True)
    fixed = collapsed_series().encode(color="law:N").transform_calculate(law="datum['count']")
    good_id, good = _fig(fixed, "Fixed", raw=True)
    page = open_page(bad + good)
    n_paths = "id => document.querySelectorAll(`[id='sl-${id}'] svg path[aria-roledescription='line mark']`).length"
    assert page.evaluate(n_paths, bad_id) == 1
    assert page.evaluate(n_paths, good_id) == 2
    kinds, _, result = _kinds(page)
    assert kinds[bad_id] == ["collapsed-series"] and kinds[good_id] == [], result


def test_tiny_text_on_a_phone_is_flagged(open_page: Any) -> None:
    """The book's old CSS shrank every SVG to the column (max-width: 100%): axis text at ~3 px on a
    390 px phone. The book's CSS keeps natural size (the card scrolls) and the runtime re-draws a
    single or layered chart at the card's width: both pass."""
    wide_id, wide = _fig(wide_panels(), "Wide panels")
    good_id, good = _fig(correct_chart(), "Correct")
    old_css = CUSTOM_CSS + "\nfigure.sl-chart .sl-chart-view svg { max-width: 100%; height: auto; }"
    kinds, _, result = _kinds(open_page(wide + good, width=390, css=old_css))
    assert set(kinds[wide_id]) == {"tiny-text"}, result
    details = [p["detail"] for c in result["charts"] for p in c["problems"]]
    sizes = [float(d.rsplit(" at ", 1)[1].split(" px")[0]) for d in details]
    assert sizes and max(sizes) < 9, details

    kinds, page_kinds, result = _kinds(open_page(wide + good, width=390))
    assert kinds[wide_id] == [] and kinds[good_id] == [], result
    assert page_kinds == [], result
    fitted = open_page(good, width=390).evaluate(
        "() => window.scalinglawsCharts.map(r => [r.fit, r.view.width()])"
    )
    assert fitted[0][0] is not None and fitted[0][0] < 390, fitted  # re-drawn at the card's width


def test_two_legends_fit_a_phone(open_page: Any) -> None:
    """At 390 px the runtime stacks the two legends and wraps their labels inside the card: no
    text is clipped, cut or tiny (it is also correct at full width)."""
    cid, html = _fig(two_legends(), "Two legends")
    for width in (390, 1400):
        kinds, page_kinds, result = _kinds(open_page(html, width=width))
        assert kinds[cid] == [] and page_kinds == [], (width, result)


def test_tiny_text_flagged_at_any_width(open_page: Any) -> None:
    """A font size below 9 px in the spec itself is flagged on a desktop too."""
    cid, html = _fig(correct_chart().configure_axis(labelFontSize=7), "Small labels", raw=False)
    kinds, _, result = _kinds(open_page(html))
    assert kinds[cid] and set(kinds[cid]) == {"tiny-text"}, result


def test_page_checks_flag_a_wide_table_and_sideways_scroll(open_page: Any) -> None:
    table = (
        "<table><tr>" + "".join(f"<th>column {i} heading</th>" for i in range(12)) + "</tr></table>"
    )
    _, page_kinds, result = _kinds(open_page(table, width=390))
    assert set(page_kinds) == {"table-overflow", "page-scroll"}, result
    boxed = f'<div style="overflow-x: auto; max-width: 100%">{table}</div>'
    _, page_kinds, result = _kinds(open_page(boxed, width=390))
    assert page_kinds == [], result


def test_runtime_follows_the_theme_switch(open_page: Any) -> None:
    """Setting <html data-theme="dark"> re-draws each chart with the dark colours and replaces
    (does not append) its view in window.scalinglawsViews; back to light restores the theme."""
    cid, html = _fig(correct_chart(), "Themed")
    page = open_page(html + html)  # the same chart twice: two views under one id
    colours = """id => {
      const views = window.scalinglawsViews[id];
      const fills = views.map(v => {
        const out = new Set();
        (function walk(n) {
          if (n.role === 'axis-label') (n.items || []).forEach(i => out.add(i.fill));
          (n.items || []).forEach(walk);
        })(v.scenegraph().root);
        return [...out];
      });
      return {n: views.length, fills, live: views.every(v => v.container().isConnected)};
    }"""
    light = page.evaluate(colours, cid)
    assert light["n"] == 2 and light["live"], light
    page.evaluate("() => document.documentElement.setAttribute('data-theme', 'dark')")
    page.wait_for_function(
        "() => window.scalinglawsCharts.every(r => r.dark) && " + _DRAWN,
        timeout=DRAW_TIMEOUT_MS,
    )
    dark = page.evaluate(colours, cid)
    assert dark["n"] == 2 and dark["live"], dark
    dark_map = page.evaluate("() => window.vegaEmbed.darkColours")
    assert light["fills"] == [["#555555"], ["#555555"]], light
    assert dark["fills"] == [[dark_map["#555555"]]] * 2, dark
    card = page.evaluate(
        "() => getComputedStyle(document.querySelector('.sl-chart-view')).backgroundColor"
    )
    assert card == "rgb(29, 33, 39)", card  # the dark card of custom.css
    page.evaluate("() => document.documentElement.setAttribute('data-theme', 'light')")
    page.wait_for_function(
        "() => window.scalinglawsCharts.every(r => !r.dark) && " + _DRAWN,
        timeout=DRAW_TIMEOUT_MS,
    )
    again = page.evaluate(colours, cid)
    assert again == light, again


def test_a_redraw_keeps_the_readers_controls(open_page: Any) -> None:
    """A chart with a slider (a calculator) keeps the value the reader set across a theme switch."""
    df = _curves()
    k = alt.param(name="k", value=2.0, bind=alt.binding_range(min=1, max=5, step=0.5, name="k "))
    chart = (
        alt.Chart(df)
        .mark_line()
        .encode(x="C:Q", y=alt.Y("scaled:Q", title="L times k"))
        .transform_calculate(scaled="datum.L * k")
        .add_params(k)
    )
    cid, html = _fig(chart, "With a slider")
    page = open_page(html)
    page.evaluate(
        f"() => window.scalinglawsViews['{cid}'][0].signal('k', 4.5).runAsync().then(() => true)"
    )
    page.evaluate("() => document.documentElement.setAttribute('data-theme', 'dark')")
    page.wait_for_function(
        "() => window.scalinglawsCharts.every(r => r.dark) && " + _DRAWN, timeout=DRAW_TIMEOUT_MS
    )
    view_k = page.evaluate(f"() => window.scalinglawsViews['{cid}'][0].signal('k')")
    slider = page.evaluate("() => +document.querySelector('input[type=range]').value")
    assert view_k == 4.5 and slider == 4.5, (view_k, slider)

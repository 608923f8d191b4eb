"""Tests of scalinglaws.book.charts (offline deterministic renderer, theme, figure API)
and of tools/build_static.py (vega bundle and MathJax assets)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest

from scalinglaws.book import charts
from scalinglaws.core.errors import InputError

REPO = Path(__file__).resolve().parents[2]


def _runs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "N": [1e7, 1e8, 1e9, 1e10],
            "L": [4.0, 3.4, 2.9, 2.5],
            "run": ["a", "a", "b", "b"],
        }
    )


def _fit() -> pd.DataFrame:
    n = np.logspace(7, 10, 7)
    loss = 10.0 * n**-0.07
    return pd.DataFrame({"N": n, "L": loss, "lo": loss * 0.97, "hi": loss * 1.03})


def _scatter() -> alt.Chart:
    return charts.loglog_scatter(
        _runs(),
        "N",
        "L",
        color="run",
        x_title="Parameters N (non-embedding)",
        y_title="Loss L (nats/token)",
    )


def _figure(**kw: str) -> charts.Figure:
    args = {"title": "Loss vs N", "caption": "Each point is a run.", "alt": "Loss falls with N."}
    args.update(kw)
    return charts.figure(_scatter(), **args)


def _html(obj: object) -> str:
    return obj._repr_mimebundle_()["text/html"]  # type: ignore[attr-defined]


# ------------------------------------------------------------------ registration
def test_theme_and_renderer_enabled_on_import() -> None:
    assert alt.theme.active == "scalinglaws"
    assert alt.renderers.active == "scalinglaws"
    config = charts.spec_of(_scatter())["config"]
    assert config["range"]["category"] == list(charts.PALETTE)
    assert config["font"] == charts.FONT
    assert "url(" not in json.dumps(config) and "http" not in charts.FONT


def test_palette_is_okabe_ito() -> None:
    assert charts.PALETTE[:4] == ("#0072B2", "#E69F00", "#009E73", "#D55E00")
    assert len(set(charts.PALETTE)) == 8


# ------------------------------------------------------------------- determinism
def test_same_chart_same_bytes_and_id() -> None:
    a, b = _html(_figure()), _html(_figure())
    assert a == b
    cid = charts.chart_id(_figure().spec())
    assert re.fullmatch(r"[0-9a-f]{12}", cid)
    assert f'<div id="sl-{cid}"' in a
    assert "vegaEmbed(target, spec, opts)" in a and f'var sel = "#sl-{cid}"' in a


def test_id_is_sha256_of_canonical_spec() -> None:
    import hashlib

    spec = _figure().spec()
    canon = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert charts.chart_id(spec) == hashlib.sha256(canon.encode()).hexdigest()[:12]


def test_different_charts_different_ids() -> None:
    ids = {
        charts.chart_id(_figure().spec()),
        charts.chart_id(_figure(caption="Another caption.").spec()),
        charts.chart_id(_figure(title="Other title").spec()),
        charts.chart_id(charts.spec_of(_scatter())),
    }
    assert len(ids) == 4


def test_bytes_identical_across_processes() -> None:
    code = (
        "import pandas as pd; from scalinglaws.book import charts;"
        "df = pd.DataFrame({'N': [1e7, 1e8, 1e9], 'L': [4.0, 3.2, 2.7]});"
        "c = charts.loglog_scatter(df, 'N', 'L', x_title='N (params)', y_title='L (nats/token)');"
        "f = charts.figure(c.interactive(), title='t', caption='c', alt='a');"
        "print(f.to_html(), end='')"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    df = pd.DataFrame({"N": [1e7, 1e8, 1e9], "L": [4.0, 3.2, 2.7]})
    c = charts.loglog_scatter(df, "N", "L", x_title="N (params)", y_title="L (nats/token)")
    here = charts.figure(c.interactive(), title="t", caption="c", alt="a").to_html()
    assert other == here
    assert "param_" in here  # interactive() adds a param: its name must be stable too


# ------------------------------------------------------------------ HTML content
def test_output_is_offline_figure_with_caption_and_alt() -> None:
    bundle = _figure(caption="Runs & fits <95%>", alt='Loss "falls" with N.')._repr_mimebundle_()
    html = bundle["text/html"]
    assert set(bundle) == {"text/html", "text/plain"}
    assert bundle["text/plain"] == 'Loss "falls" with N.'
    assert html.startswith('<figure class="sl-chart"')
    assert html.rstrip().endswith("</figure>")
    assert "<figcaption>Runs &amp; fits &lt;95%&gt;</figcaption>" in html
    assert 'aria-label="Loss &quot;falls&quot; with N."' in html
    assert '"renderer":"svg"' in html and '"actions":false' in html
    assert '"mode":"vega-lite"' in html
    # no remote script, no CDN, no URL at all (the $schema URL is dropped)
    assert not re.search(r"<script[^>]+src=", html)
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"cdn|jsdelivr|unpkg", html, re.I)
    # the alt text is the Vega description (SVG aria label) and the title is set
    spec = _figure().spec()
    assert spec["description"] == "Loss falls with N."
    assert spec["title"] == "Loss vs N"
    assert "$schema" not in spec


def test_script_cannot_be_closed_by_data() -> None:
    df = _runs().assign(run=["</script><b>", "a", "b", "b"])
    c = charts.loglog_scatter(df, "N", "L", color="run", x_title="N (p)", y_title="L (n)")
    html = _html(charts.figure(c, title="t", caption="c", alt="a"))
    assert html.count("</script>") == 1
    assert "\\u003c/script\\u003e\\u003cb\\u003e" in html


def test_no_random_or_time_tokens() -> None:
    html = _html(_figure())
    assert "altair-viz" not in html
    assert "Date.now" not in html and "Math.random" not in html


def test_bare_chart_uses_renderer() -> None:
    bundle = _scatter()._repr_mimebundle_()
    assert isinstance(bundle, dict)
    assert bundle["text/html"].startswith('<figure class="sl-chart"')
    assert "<figcaption>" not in bundle["text/html"]
    assert "no alt text" in bundle["text/plain"]
    titled = _scatter().properties(title="Hello")._repr_mimebundle_()
    assert titled["text/plain"] == "Chart: Hello"


def test_renderer_waits_for_vega_embed() -> None:
    html = _html(_figure())
    assert "DOMContentLoaded" in html and "window.vegaEmbed" in html
    assert "enable_notebook()" in html  # message shown if the bundle never arrives


# ------------------------------------------------------------------- figure API
@pytest.mark.parametrize("field", ["title", "caption", "alt"])
@pytest.mark.parametrize("bad", ["", "   ", None, 3])
def test_figure_rejects_missing_text(field: str, bad: object) -> None:
    with pytest.raises(InputError, match=field):
        _figure(**{field: bad})  # type: ignore[arg-type]


def test_figure_rejects_non_chart() -> None:
    with pytest.raises(InputError, match="Altair chart"):
        charts.figure({"mark": "point"}, title="t", caption="c", alt="a")  # type: ignore[arg-type]


def test_figure_normalises_whitespace() -> None:
    f = _figure(caption="  two\n lines ")
    assert f.caption == "two lines"
    assert "<figcaption>two lines</figcaption>" in f.to_html()


# ---------------------------------------------------------------------- helpers
def test_loglog_scatter_encodings() -> None:
    spec = charts.spec_of(_scatter())
    enc = spec["encoding"]
    assert enc["x"]["scale"]["type"] == "log" and enc["y"]["scale"]["type"] == "log"
    assert enc["x"]["title"] == "Parameters N (non-embedding)"
    assert enc["y"]["title"] == "Loss L (nats/token)"
    assert enc["color"] == {"field": "run", "title": "run", "type": "nominal"}
    assert [t["field"] for t in enc["tooltip"]] == ["N", "L", "run"]
    # N spans 3 decades: ticks at powers of ten, labelled 10^7 ... 10^10
    assert enc["x"]["axis"]["values"] == [1e7, 1e8, 1e9, 1e10]
    assert "'10\u2077'" in enc["x"]["axis"]["labelExpr"]
    assert "'10\u00b9\u2070'" in enc["x"]["axis"]["labelExpr"]
    # loss spans less than a decade: plain numbers, domain not rounded to decades
    assert enc["y"]["axis"] == {"format": "~g"}
    assert enc["y"]["scale"]["nice"] is False


def test_log_helpers_need_positive_finite_values() -> None:
    for bad in (0.0, -1.0, np.nan, np.inf):
        df = _runs().assign(N=[bad, 1e8, 1e9, 1e10])
        with pytest.raises(InputError, match="positive and finite"):
            charts.loglog_scatter(df, "N", "L", x_title="N (p)", y_title="L (n)")


def test_helpers_reject_bad_frames() -> None:
    with pytest.raises(InputError, match="not in DataFrame"):
        charts.loglog_scatter(_runs(), "C", "L", x_title="C (FLOP)", y_title="L (n)")
    with pytest.raises(InputError, match="DataFrame"):
        charts.loglog_scatter([1, 2], "N", "L", x_title="N", y_title="L")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="empty"):
        charts.loglog_scatter(_runs().iloc[:0], "N", "L", x_title="N", y_title="L")
    with pytest.raises(InputError, match="x_title"):
        charts.loglog_scatter(_runs(), "N", "L", x_title="", y_title="L (n)")


def test_line_with_band() -> None:
    chart = charts.line_with_band(
        _fit(), "N", "L", "lo", "hi", x_title="N (params)", y_title="L (nats/token)"
    )
    spec = charts.spec_of(chart)
    band, line = spec["layer"]
    assert band["mark"]["type"] == "area" and band["mark"]["opacity"] == 0.25
    assert band["encoding"]["y"]["field"] == "lo" and band["encoding"]["y2"]["field"] == "hi"
    assert line["mark"]["type"] == "line" and line["encoding"]["y"]["field"] == "L"
    assert line["encoding"]["y"]["title"] == "L (nats/token)"


def test_line_with_band_rejects_inverted_band() -> None:
    df = _fit()
    df.loc[2, "lo"] = df.loc[2, "hi"] * 2
    with pytest.raises(InputError, match="band must satisfy"):
        charts.line_with_band(df, "N", "L", "lo", "hi", x_title="N (p)", y_title="L (n)")


def test_layer_and_field_escaping() -> None:
    df = _runs().rename(columns={"N": "N.params"})
    pts = charts.loglog_scatter(df, "N.params", "L", x_title="N (params)", y_title="L (n)")
    spec = charts.spec_of(charts.layer(pts, pts.mark_line()))
    assert spec["layer"][0]["encoding"]["x"]["field"] == "N\\.params"
    with pytest.raises(InputError, match="at least one"):
        charts.layer()
    with pytest.raises(InputError, match="Chart/LayerChart"):
        charts.layer("x")  # type: ignore[arg-type]


def test_nan_in_spec_is_input_error() -> None:
    with pytest.raises(InputError, match="NaN"):
        charts.chart_id({"a": float("nan")})


# ------------------------------------------------------------------ build_static
def _build_static_module():
    spec = importlib.util.spec_from_file_location(
        "build_static", REPO / "tools" / "build_static.py"
    )
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow  # vl_convert.javascript_bundle() takes 2-7 s
def test_build_static_writes_bundle_and_mathjax(tmp_path: Path) -> None:
    bs = _build_static_module()
    written = bs.build(tmp_path)
    bundle = (tmp_path / "_static" / "vega-bundle.js").read_text(encoding="utf-8")
    body = bundle.split("*/\n", 1)[1]
    assert body.startswith("(function(){\n") and body.endswith("\n})();\n")
    assert "window.vegaEmbed=" in body
    assert len(bundle) > 500_000
    assert "</script" not in bundle.lower()  # safe for enable_notebook()'s inline script
    tex = tmp_path / "_site_extra" / "mathjax" / "tex-svg.js"
    assert tex.read_bytes() == (bs.mathjax_es5_dir() / "tex-svg.js").read_bytes()
    assert (tex.parent / "input" / "tex" / "extensions" / "boldsymbol.js").is_file()
    # MathJax must NOT be under _static (Jupyter Book would add it to every page)
    assert not list((tmp_path / "_static").rglob("*mathjax*"))
    assert set(written) >= {tmp_path / "_static" / "vega-bundle.js", tex}
    # idempotent: nothing rewritten the second time, and mtimes untouched
    mtime = tex.stat().st_mtime_ns
    assert bs.build(tmp_path) == []
    assert tex.stat().st_mtime_ns == mtime


def test_bundle_matches_altair_vegalite_version() -> None:
    head = charts.vega_bundle_js().split("\n", 1)[0]
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    assert f"vega-lite {major_minor}," in head


def test_custom_css_is_offline_and_has_dark_mode_card() -> None:
    css = (REPO / "_static" / "custom.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert 'html[data-theme="dark"] figure.sl-chart .sl-chart-view' in css
    assert "figure.sl-chart figcaption" in css


def test_histogram_bins_on_round_edges() -> None:
    rng = np.random.default_rng(0)
    v = rng.normal(0.51, 0.01, 4000)
    spec = charts.spec_of(charts.histogram(v, x_title="a (exponent)", y_title="Resamples"))
    rows = next(iter(spec["datasets"].values()))
    assert sum(r["count"] for r in rows) == 4000
    steps = {round(r["end"] - r["start"], 12) for r in rows}
    assert steps == {0.002}  # a nice step: about 50 bins over the range 0.47-0.55
    assert all(abs(r["start"] / 0.002 - round(r["start"] / 0.002)) < 1e-6 for r in rows)
    # last-digit noise in the values does not change the stored chart
    noisy = v * (1 + 1e-12 * rng.standard_normal(v.size))
    assert (
        charts.spec_of(charts.histogram(noisy, x_title="a (exponent)", y_title="Resamples")) == spec
    )
    with pytest.raises(InputError):
        charts.histogram([], x_title="x")
    with pytest.raises(InputError):
        charts.histogram([1.0, float("nan")], x_title="x")


def test_portable_spec_rounds_and_renames() -> None:
    df = pd.DataFrame({"x": [1.0, 2.0], "y": [3.141592653589793, 2.718281828459045]})
    a = charts.spec_of(alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q"))
    df2 = df.assign(y=df["y"] * (1 + 1e-13))
    b = charts.spec_of(alt.Chart(df2).mark_line().encode(x="x:Q", y="y:Q"))
    assert a == b and charts.chart_id(a) == charts.chart_id(b)
    rows = next(iter(a["datasets"].values()))
    assert rows[0]["y"] == 3.14159 and rows[1]["y"] == 2.71828  # 6 significant digits
    assert all(k.startswith("data-") and len(k) == 21 for k in a["datasets"])


def test_every_decade_tick_matches_its_label_expression() -> None:
    # 10.0**23 == 1.0000000000000001e+23 != 1e23: the 10^23 label (GPT-3, Chinchilla) was blank
    df = pd.DataFrame({"C": [1e18, 1e27], "L": [3.0, 2.0]})
    spec = charts.spec_of(
        alt.Chart(df).mark_point().encode(x=charts.log_x("C", "Compute C (FLOP)", data=df), y="L:Q")
    )
    axis = spec["encoding"]["x"]["axis"]
    for v in axis["values"]:
        assert v == float(f"1e{round(np.log10(v))}")
    labelled = [int(k) for k in re.findall(r"datum\.value == 1e(\d+) \?", axis["labelExpr"])]
    assert labelled and all(float(f"1e{k}") in axis["values"] for k in labelled)
    assert 1e23 in axis["values"]


def test_theme_never_truncates_legend_labels() -> None:
    config = charts.spec_of(_scatter())["config"]
    assert config["legend"]["labelLimit"] >= 400


def test_spec_inspection_helpers():
    spec = {
        "title": {"text": "not a string title"},
        "datasets": {"d1": [{"N": 1, "L": 2}], "d2": [{"N": 3}], "d3": []},
        "layer": [
            {"mark": {"type": "line"}, "encoding": {"x": {"title": "N (params)"}}},
            {"layer": [{"mark": "point", "title": "inner"}], "title": "outer"},
        ],
    }
    assert charts.spec_titles(spec) == ["N (params)", "inner", "outer"]
    assert charts.spec_marks(spec) == ["line", "point"]
    assert charts.spec_datasets(spec, "N") == [[{"N": 1, "L": 2}], [{"N": 3}]]
    assert charts.spec_datasets(spec, "N", "L") == [[{"N": 1, "L": 2}]]


def test_figure_refuses_a_grouping_field_vega_reserves():
    """Grouping a line by a column named 'count' makes Vega draw one series only (chapter 2's
    'Same runs, two parameter counts' lost its non-embedding fit this way): refused up front."""
    df = pd.DataFrame({"x": [1, 2, 1, 2], "y": [1, 2, 2, 3], "count": ["a", "a", "b", "b"]})
    bad = alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q", color="count:N")
    with pytest.raises(InputError, match="reserves"):
        charts.figure(bad, title="t", caption="c", alt="a")
    layered = alt.layer(alt.Chart(df).mark_point().encode(x="x:Q", y="y:Q"), bad)
    with pytest.raises(InputError, match="'count'"):
        charts.figure(layered, title="t", caption="c", alt="a")
    ok = alt.Chart(df.rename(columns={"count": "series"})).mark_line()
    charts.figure(ok.encode(x="x:Q", y="y:Q", color="series:N"), title="t", caption="c", alt="a")
    # a histogram's quantitative 'count' is fine
    charts.figure(
        alt.Chart(df).mark_bar().encode(x="x:Q", y="count:Q"), title="t", caption="c", alt="a"
    )


def test_table_formats_for_readers():
    df = pd.DataFrame(
        {
            "n_params": [1.23456e9, 7e10],
            "runs": [1200, 3],
            "alpha": [0.34731, float("nan")],
            "converged": [True, False],
            "name": ["a<b", "c"],
        }
    )
    html_out = charts.table(
        df,
        {
            "name": "Model",
            "n_params": "N (params)",
            "runs": "Runs",
            "alpha": "α",
            "converged": "OK",
        },
        {"alpha": "{:.2f}"},
    ).data
    assert "<th>Model</th>" in html_out and "<th>N (params)</th>" in html_out
    assert "1.23 × 10⁹" in html_out and "7.00 × 10¹⁰" in html_out
    assert "1,200" in html_out and "0.35" in html_out and "–" in html_out
    assert ">yes<" in html_out and ">no<" in html_out and "a&lt;b" in html_out
    assert "<th></th>" not in html_out  # no pandas index column
    signed = charts.table(pd.DataFrame({"e": [-0.00001, -0.02]}), formats={"e": "{:+.2%}"}).data
    assert ">0.00%<" in signed and ">-2.00%<" in signed
    with pytest.raises(InputError, match="no column 'nope'"):
        charts.table(df, {"nope": "x"})
    with pytest.raises(InputError, match="not shown"):
        charts.table(df, {"name": "Model"}, {"alpha": "{:.2f}"})


# ------------------------------------------------------------------ dark chart theme
def _rel_luminance(hex_colour: str) -> float:
    def lin(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_rel_luminance(a), _rel_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _runtime_dark_theme() -> tuple[dict[str, str], str]:
    js = (REPO / "src" / "scalinglaws" / "book" / "chart_runtime.js").read_text(encoding="utf-8")
    block = re.search(r"var DARK_COLOURS = \{(.*?)\};", js, re.S)
    assert block, "DARK_COLOURS not found in chart_runtime.js"
    pairs = dict(re.findall(r'"(#[0-9a-f]{6})":\s*"(#[0-9a-f]{6})"', block.group(1)))
    card = re.search(r'var DARK_CARD = "(#[0-9a-f]{6})"', js)
    assert card, "DARK_CARD not found in chart_runtime.js"
    return pairs, card.group(1)


def test_dark_theme_is_readable_on_the_dark_card() -> None:
    """Every colour of the light theme is readable on the dark card once the runtime's dark map is
    applied: text 4.5:1 (WCAG AA), lines and marks 3:1 (WCAG 1.4.11); the grid stays faint."""
    dark, card = _runtime_dark_theme()
    css = (REPO / "_static" / "custom.css").read_text(encoding="utf-8")
    dark_rule = css.split('html[data-theme="dark"] figure.sl-chart .sl-chart-view {', 1)[1]
    assert f"background: {card};" in dark_rule.split("}", 1)[0]
    assert all(k == k.lower() for k in dark)  # the runtime compares lower-case colours

    def shown(c: str) -> str:
        return dark.get(c.lower(), c)

    for colour in charts.PALETTE:
        assert _contrast(shown(colour), card) >= 3.0, colour
    for text in (charts._TEXT, charts._MUTED):
        assert _contrast(shown(text), card) >= 4.5, text
    assert _contrast(shown(charts._DOMAIN), card) >= 3.0
    assert 1.2 < _contrast(shown(charts._GRID), card) < 2.0  # visible, but quieter than the data
    # the light theme's text would be unreadable without the map (so the map is what helps)
    assert _contrast(charts._TEXT, card) < 2.0 and charts._TEXT.lower() in dark
    # distinct series stay distinct: no two palette colours map to the same dark colour
    assert len({shown(c).lower() for c in charts.PALETTE}) == len(charts.PALETTE)

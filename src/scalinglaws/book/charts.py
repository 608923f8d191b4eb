"""Charts for the book: one shared Altair theme and an offline, deterministic renderer.

Importing this module registers and enables

* the Altair theme ``"scalinglaws"``: transparent background (the page CSS puts each
  chart on a card: white in light mode, dark in dark mode, where the chart runtime,
  ``chart_runtime.js``, re-draws the chart with its dark colours and follows the page's
  theme switch), the colour-blind-safe Okabe-Ito palette (Okabe & Ito 2008, "Color
  Universal Design"), system fonts only;
* the Altair renderer ``"scalinglaws"``: each chart becomes a
  ``<figure class="sl-chart">`` holding a ``<div id="sl-<id>">`` and an inline
  ``vegaEmbed(...)`` call, where ``<id>`` is the first 12 hex digits of the sha256 of
  the chart's canonical JSON, so re-executing a notebook gives byte-identical outputs.
  Nothing is loaded from a CDN: the page must provide ``window.vegaEmbed``.

Where ``vegaEmbed`` comes from
------------------------------
* In the book: ``tools/build_static.py`` writes ``_static/vega-bundle.js`` (vega,
  vega-lite and vega-embed from the pinned ``vl-convert-python`` wheel), which Jupyter
  Book adds to every page.
* In a plain Jupyter session (JupyterLab / Notebook, trusted notebook): run
  ``charts.enable_notebook()`` once; it displays a ``<script>`` holding the same bundle
  (~900 KB, so never call it in a book chapter). When online you may instead use
  Altair's own renderer: ``alt.renderers.enable("default")``.

Chapter API
-----------
>>> from scalinglaws.book import charts
>>> chart = charts.loglog_scatter(df, "N", "L", color="run",
...     x_title="Parameters N (non-embedding)", y_title="Loss L (nats/token)")
>>> charts.figure(chart, title="Loss falls as a power law in N",
...     caption="Each point is one training run.", alt="Log-log scatter of loss against N.")
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws.core.errors import InputError

__all__ = [
    "FONT",
    "PALETTE",
    "Figure",
    "chart_id",
    "portable_spec",
    "enable_notebook",
    "figure",
    "histogram",
    "layer",
    "line_with_band",
    "log_x",
    "log_y",
    "loglog_scatter",
    "notebook_bundle_html",
    "render_html",
    "spec_of",
    "vega_bundle_js",
]

#: Okabe-Ito colour-blind-safe palette (yellow last: weakest contrast on white).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)

#: System font stack: no web fonts are ever fetched.
FONT = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", '
    '"Liberation Sans", Arial, sans-serif'
)

#: Altair's chart base class (``figure()``'s ``alt`` argument shadows the module name).
_TOPLEVEL = alt.TopLevelMixin

_TEXT = "#222222"
_MUTED = "#555555"
_GRID = "#e3e3e3"
_DOMAIN = "#888888"

#: How long the inline script waits for ``window.vegaEmbed`` (tries x 50 ms).
_WAIT_TRIES = 200


# --------------------------------------------------------------------------- theme
@alt.theme.register("scalinglaws", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    """The book's chart theme (light card, Okabe-Ito palette, system fonts).

    Dark mode: ``chart_runtime.js`` maps each of these colours to its dark counterpart
    (``DARK_COLOURS``; tests/book/test_charts.py checks the contrast on the dark card).
    """
    axis = {
        "labelColor": _MUTED,
        "titleColor": _TEXT,
        "labelFontSize": 12,
        "titleFontSize": 13,
        "titleFontWeight": "normal",
        "gridColor": _GRID,
        "domainColor": _DOMAIN,
        "tickColor": _DOMAIN,
        "labelFont": FONT,
        "titleFont": FONT,
    }
    return {
        "background": "transparent",
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 520, "continuousHeight": 320, "stroke": _GRID},
            "axis": axis,
            "legend": {
                # Vega-Lite cuts legend labels at 160 px ("after the next 0.05-nat s…"); a
                # legend must name every line in full
                "labelLimit": 400,
                "labelColor": _MUTED,
                "titleColor": _TEXT,
                "labelFontSize": 12,
                "titleFontSize": 12,
                "titleFontWeight": "normal",
                "labelFont": FONT,
                "titleFont": FONT,
            },
            "title": {
                "color": _TEXT,
                "fontSize": 15,
                "fontWeight": 600,
                "anchor": "start",
                "font": FONT,
                "subtitleColor": _MUTED,
            },
            "range": {"category": list(PALETTE)},
            "point": {"filled": True, "size": 45, "opacity": 0.85},
            "line": {"strokeWidth": 2},
            "text": {"font": FONT, "color": _TEXT},
        },
    }


# ------------------------------------------------------------------------ rendering
def spec_of(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """Deterministic, portable Vega-Lite dict of ``chart`` (theme applied).

    See :func:`portable_spec`: floats rounded to :data:`SPEC_DIGITS` significant digits,
    hash-derived names replaced by positional ones, ``$schema`` removed (the embed call
    states ``mode: "vega-lite"``) so that no URL appears in the page.
    """
    if not isinstance(chart, alt.TopLevelMixin):
        raise InputError(f"expected an Altair chart, got {type(chart).__name__}")
    return portable_spec(chart.to_dict())


#: Significant digits kept for every float in a stored chart spec (data, scales, positions).
#: A chart is drawn at pixel precision (about 1e-3 of an axis); six digits are far more than a
#: reader can see, and far coarser than the last-digit noise of another BLAS kernel, CPU or
#: engine, so the stored outputs do not depend on the machine that executed the chapter.
SPEC_DIGITS = 6

#: Names that Altair derives from a hash of the unrounded chart: inline datasets, views, params.
_HASHED_NAME = re.compile(
    r"\b(data-[0-9a-f]{16,64}|view_[0-9a-f]{8,64}(?:_\d+)?|param_[0-9a-f]{8,64})\b"
)


def _round_floats(obj: Any, digits: int) -> Any:
    if isinstance(obj, bool) or obj is None or isinstance(obj, (int, str)):
        return obj
    if isinstance(obj, float):
        return float(f"{obj:.{digits}g}") if math.isfinite(obj) else obj
    if isinstance(obj, dict):
        return {k: _round_floats(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_round_floats(v, digits) for v in obj]
    return obj


def portable_spec(spec: dict[str, Any], digits: int = SPEC_DIGITS) -> dict[str, Any]:
    """The spec as stored in a page: machine-independent by construction.

    Every float is rounded to ``digits`` significant digits (:data:`SPEC_DIGITS`), and the
    names that Altair hashes from the *unrounded* chart are replaced: an inline dataset is
    named by the hash of its rounded rows (``data-<16 hex>``), views and params by their
    order of first appearance (``view_1``, ``param_2``, ...). So floating-point noise in the
    last digits (another BLAS kernel, CPU, thread count or fitting engine) changes neither
    the data nor the chart id. ``$schema`` is dropped (no URL in the page).
    """
    spec = _round_floats(dict(spec), digits)
    spec.pop("$schema", None)
    names: dict[str, str] = {}
    datasets = spec.get("datasets")
    if isinstance(datasets, dict):
        for old in datasets:
            if _HASHED_NAME.fullmatch(old):
                digest = hashlib.sha256(_canonical_json(datasets[old]).encode("utf-8"))
                names[old] = "data-" + digest.hexdigest()[:16]
    text = _canonical_json(spec)
    for match in _HASHED_NAME.finditer(text):
        old = match.group(0)
        if old not in names:
            names[old] = f"{old.split('_', 1)[0]}_{len(names)}"
    if names:
        text = _HASHED_NAME.sub(lambda m: names[m.group(0)], text)
    return json.loads(text)


def spec_titles(spec: Any) -> list[str]:
    """Every string ``title`` in a Vega-Lite spec (chart, axis and legend titles), in document order."""
    if isinstance(spec, dict):
        return [
            t
            for k, v in spec.items()
            for t in ([v] if k == "title" and isinstance(v, str) else []) + spec_titles(v)
        ]
    if isinstance(spec, list):
        return [t for v in spec for t in spec_titles(v)]
    return []


def spec_marks(spec: dict[str, Any]) -> list[str]:
    """Mark types of a spec's (possibly nested) layers, in order."""
    if "layer" not in spec:
        mark = spec["mark"]
        return [mark["type"] if isinstance(mark, dict) else mark]
    return [m for layer in spec["layer"] for m in spec_marks(layer)]


def spec_datasets(spec: dict[str, Any], *columns: str) -> list[list[dict[str, Any]]]:
    """The inline datasets of a spec whose rows have all ``columns``."""
    return [v for v in spec.get("datasets", {}).values() if v and set(columns) <= set(v[0])]


def _canonical_json(spec: dict[str, Any]) -> str:
    try:
        return json.dumps(
            spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except ValueError as exc:
        raise InputError(f"chart data contains NaN or infinity ({exc})") from None


def chart_id(spec: dict[str, Any]) -> str:
    """First 12 hex digits of the sha256 of the spec's canonical JSON (keys sorted)."""
    return hashlib.sha256(_canonical_json(spec).encode("utf-8")).hexdigest()[:12]


def _script_json(obj: Any) -> str:
    """JSON safe to inline in a ``<script>``: no ``</script>``, ``<!--`` or U+2028/9."""
    text = _canonical_json(obj) if isinstance(obj, dict) else json.dumps(obj)
    for char, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_EMBED_OPTIONS = {"renderer": "svg", "actions": False, "mode": "vega-lite"}

_SCRIPT = """<script type="text/javascript">
(function () {{
  var sel = "#sl-{cid}", spec = {spec}, opts = {opts}, tries = {tries};
  function draw() {{
    var els = document.querySelectorAll('[id="sl-{cid}"]');
    for (var i = 0; i < els.length; i++) {{
      if (els[i].hasAttribute("data-sl-drawn")) continue;
      els[i].setAttribute("data-sl-drawn", "");
      var target = els.length === 1 ? sel : els[i];
      window.vegaEmbed(target, spec, opts).catch(function (err) {{
        console.error("scalinglaws chart {cid}:", err);
      }});
    }}
  }}
  function wait() {{
    if (window.vegaEmbed) {{ draw(); return; }}
    if (tries-- > 0) {{ setTimeout(wait, 50); return; }}
    var el = document.getElementById("sl-{cid}");
    if (el) el.textContent = "Chart not drawn: vega-embed is not loaded on this page "
      + "(in Jupyter, run scalinglaws.book.charts.enable_notebook()).";
  }}
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wait);
  else wait();
}})();
</script>"""


def render_html(spec: dict[str, Any], *, alt_text: str, caption: str | None = None) -> str:
    """HTML of one chart: ``<figure class="sl-chart">`` with view div, script, caption."""
    cid = chart_id(spec)
    script = _SCRIPT.format(
        cid=cid,
        spec=_script_json(spec),
        opts=_script_json(_EMBED_OPTIONS),
        tries=_WAIT_TRIES,
    )
    parts = [
        f'<figure class="sl-chart" data-sl-id="{cid}">',
        f'<div id="sl-{cid}" class="sl-chart-view" role="img" '
        f'aria-label="{html.escape(alt_text, quote=True)}"></div>',
        script,
    ]
    if caption:
        parts.append(f"<figcaption>{html.escape(caption, quote=False)}</figcaption>")
    parts.append("</figure>")
    return "\n".join(parts) + "\n"


def _plain_alt(spec: dict[str, Any]) -> str:
    description = spec.get("description")
    if isinstance(description, str) and description.strip():
        return description.strip()
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    if isinstance(title, str) and title.strip():
        return f"Chart: {title.strip()}"
    return "Chart (no alt text: wrap it with scalinglaws.book.charts.figure)"


def _caption_of(spec: dict[str, Any]) -> str | None:
    meta = spec.get("usermeta")
    if isinstance(meta, dict) and isinstance(meta.get("scalinglaws"), dict):
        caption = meta["scalinglaws"].get("caption")
        return caption if isinstance(caption, str) else None
    return None


def _renderer(spec: dict[str, Any], **_metadata: Any) -> dict[str, str]:
    """Altair renderer: mimebundle with the offline figure HTML and the alt text."""
    spec = portable_spec(spec)
    alt_text = _plain_alt(spec)
    return {
        "text/html": render_html(spec, alt_text=alt_text, caption=_caption_of(spec)),
        "text/plain": alt_text,
    }


alt.renderers.register("scalinglaws", _renderer)
alt.renderers.enable("scalinglaws")


# --------------------------------------------------------------------------- figure
def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{name} must be a non-empty string, got {value!r}")
    return " ".join(value.split())


@dataclass(frozen=True)
class Figure:
    """A chart with title, caption and alt text; displays as the book's figure HTML."""

    chart: alt.TopLevelMixin
    title: str
    caption: str
    alt: str

    def spec(self) -> dict[str, Any]:
        """The deterministic Vega-Lite spec (see :func:`spec_of`)."""
        return spec_of(self.chart)

    def to_html(self) -> str:
        """The ``<figure class="sl-chart">`` HTML shown in the book."""
        return render_html(self.spec(), alt_text=self.alt, caption=self.caption)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self.to_html(), "text/plain": self.alt}


def figure(chart: alt.TopLevelMixin, *, title: str, caption: str, alt: str) -> Figure:
    """Wrap ``chart`` as a book figure.

    Parameters
    ----------
    chart : altair chart (Chart, LayerChart, ...)
    title : str
        Chart title, drawn above the plot.
    caption : str
        Figure caption (plain text) shown under the chart.
    alt : str
        Alternative text: the chart's Vega ``description`` (the SVG's aria label) and
        the ``text/plain`` output.

    Raises
    ------
    InputError
        If ``chart`` is not an Altair chart or a text argument is empty.
    """
    if not isinstance(chart, _TOPLEVEL):
        raise InputError(f"figure() needs an Altair chart, got {type(chart).__name__}")
    title, caption, alt_text = _text("title", title), _text("caption", caption), _text("alt", alt)
    _check_grouping_fields(chart.to_dict())
    chart = chart.properties(
        title=title, description=alt_text, usermeta={"scalinglaws": {"caption": caption}}
    )
    return Figure(chart=chart, title=title, caption=caption, alt=alt_text)


#: Field names Vega's grouping (facet) transform uses for its own output: a series grouped by a
#: column of that name silently loses all but one group (a chart draws one line instead of two).
RESERVED_GROUP_FIELDS = frozenset({"count"})
_GROUP_CHANNELS = ("color", "fill", "stroke", "detail", "shape", "strokeDash", "opacity", "size")


def _check_grouping_fields(spec: Any) -> None:
    """Refuse a nominal or ordinal grouping channel on a field Vega reserves (see above)."""
    if isinstance(spec, list):
        for item in spec:
            _check_grouping_fields(item)
        return
    if not isinstance(spec, dict):
        return
    encoding = spec.get("encoding")
    if isinstance(encoding, dict):
        for channel in _GROUP_CHANNELS:
            enc = encoding.get(channel)
            if (
                isinstance(enc, dict)
                and enc.get("type") in ("nominal", "ordinal")
                and enc.get("field") in RESERVED_GROUP_FIELDS
            ):
                raise InputError(
                    f"the {channel} channel groups by the field {enc['field']!r}, which Vega reserves "
                    "(all but one group would vanish): rename the column"
                )
    for key, value in spec.items():
        if key != "datasets":
            _check_grouping_fields(value)


# -------------------------------------------------------------------------- tables
def _cell_text(value: Any, fmt: Any) -> str:
    from scalinglaws.book.format import fmt_int, fmt_sig

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if fmt is not None:
        text = fmt(value) if callable(fmt) else fmt.format(value)
        # a value that rounds to zero is shown without a sign ("-0.00%" -> "0.00%")
        return text[1:] if text.startswith("-") and not re.search(r"[1-9]", text) else text
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return fmt_int(value)
    if isinstance(value, float | np.floating):
        return fmt_sig(float(value), 3) if math.isfinite(value) else str(value)
    return str(value)


def table(
    df: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    formats: Mapping[str, Any] | None = None,
) -> Any:
    """A data frame as a reader's table (an ``IPython.display.HTML``): no index, readable headers, the
    book's number formatting.

    Parameters
    ----------
    df : DataFrame
    columns : mapping, optional
        ``column -> header`` in display order; columns not listed are left out. Default: every column,
        headers as they are.
    formats : mapping, optional
        ``column -> format`` (a callable such as ``lambda v: fmt_fixed(v, 3)`` or a ``str.format``
        pattern such as ``"{:.1%}"``). Otherwise integers get thousands separators, floats 3
        significant figures (``fmt_sig``), booleans yes/no and missing values a dash.
    """
    from IPython.display import HTML  # imported lazily: the library works without IPython

    if not isinstance(df, pd.DataFrame):
        raise InputError(f"table needs a DataFrame, got {type(df).__name__}")
    columns = dict(columns) if columns is not None else {c: str(c) for c in df.columns}
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"table: no column {missing[0]!r} (columns: {', '.join(map(str, df.columns))})"
        )
    formats = dict(formats or {})
    unknown = [c for c in formats if c not in columns]
    if unknown:
        raise InputError(f"table: a format for {unknown[0]!r}, which is not shown")
    shown = pd.DataFrame(
        {
            header: [_cell_text(v, formats.get(col)) for v in df[col].tolist()]
            for col, header in columns.items()
        }
    )
    return HTML(shown.to_html(index=False, border=0, classes="table", escape=True))


# -------------------------------------------------------------------------- helpers
def _field(name: str) -> str:
    """Vega-Lite field reference for a column name (escape ``.``, ``[``, ``]``)."""
    out = name.replace("\\", "\\\\")
    for char in ".[]":
        out = out.replace(char, "\\" + char)
    return out


def _check_frame(df: Any, columns: Iterable[str | None], *, positive: Sequence[str] = ()) -> None:
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if df.empty:
        raise InputError("the DataFrame to plot is empty")
    for col in columns:
        if col is not None and col not in df.columns:
            raise InputError(f"column {col!r} not in DataFrame (columns: {list(df.columns)})")
    for col in positive:
        values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=np.float64)
        if not np.all(np.isfinite(values) & (values > 0)):
            raise InputError(f"column {col!r} must be positive and finite for a log axis")


_SUPERSCRIPT = str.maketrans(
    "-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)


def _decade_label(k: int) -> str:
    """``10`` with a Unicode superscript exponent, e.g. ``10\u2079``; ``1`` and ``10`` plain."""
    return {0: "1", 1: "10"}.get(k, "10" + str(k).translate(_SUPERSCRIPT))


def _log_axis(values: np.ndarray | None, fmt: str | None) -> tuple[alt.Scale, alt.Axis]:
    """Scale and axis of a log10 axis for data ``values`` (positive).

    Data spanning at least one decade get ticks, grid and labels at powers of ten only
    (``10\u2077``, ``10\u2078``...); narrower data (e.g. a loss between 2 and 4) get plain
    labels (``2.5``, ``3``) and no rounding of the domain to whole decades.
    """
    if fmt is not None or values is None or values.size == 0:
        return alt.Scale(type="log"), alt.Axis(format=fmt or "~g")
    lo, hi = np.log10(values.min()), np.log10(values.max())
    k0, k1 = int(np.floor(lo + 1e-9)), int(np.ceil(hi - 1e-9))
    if k1 - k0 < 2 and hi - lo < 1.0:
        return alt.Scale(type="log", nice=False, padding=10), alt.Axis(format="~g")
    step = max(1, int(np.ceil((k1 - k0 + 1) / 9)))  # at most ~9 labels
    ks = list(range(k0, k1 + 1))
    labelled = [k for k in ks if (k - k0) % step == 0]
    expr = " : ".join(f"datum.value == 1e{k} ? '{_decade_label(k)}'" for k in labelled) + " : ''"
    return (
        # float("1e23"), not 10.0**23 (= 1.0000000000000001e+23, which never equals the
        # label expression's 1e23, so that decade's label was blank)
        alt.Scale(type="log", domain=[float(f"1e{k0}"), float(f"1e{k1}")], padding=10),
        alt.Axis(values=[float(f"1e{k}") for k in ks], labelExpr=expr, tickCount=len(ks)),
    )


def _axis(
    channel: str,
    field: str,
    title: str,
    *,
    log: bool,
    values: np.ndarray | None = None,
    fmt: str | None = None,
) -> alt.X | alt.Y:
    cls = alt.X if channel == "x" else alt.Y
    title = _text(f"{channel}_title", title)
    if log:
        scale, axis = _log_axis(values, fmt)
        return cls(field=_field(field), type="quantitative", scale=scale, title=title, axis=axis)
    return cls(field=_field(field), type="quantitative", title=title, scale=alt.Scale(zero=False))


def _values(df: pd.DataFrame, *cols: str) -> np.ndarray:
    return np.concatenate(
        [pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=np.float64) for c in cols]
    )


def log_x(
    field: str, title: str, *, data: pd.DataFrame | None = None, fmt: str | None = None
) -> alt.X:
    """Quantitative x encoding on a log10 scale; ``title`` should carry the unit.

    With ``data`` (the frame being plotted), ticks sit at powers of ten labelled
    ``10\u207f`` when the data span a decade or more; ``fmt`` (d3-format) forces plain
    labels instead.
    """
    vals = _values(data, field) if data is not None else None
    return _axis("x", field, title, log=True, values=vals, fmt=fmt)


def log_y(
    field: str, title: str, *, data: pd.DataFrame | None = None, fmt: str | None = None
) -> alt.Y:
    """Quantitative y encoding on a log10 scale (see :func:`log_x`)."""
    vals = _values(data, field) if data is not None else None
    return _axis("y", field, title, log=True, values=vals, fmt=fmt)


def log_enc(channel: str, field: str, title: str, values: Any) -> alt.X | alt.Y:
    """Log-scale ``"x"`` or ``"y"`` encoding of ``field`` whose decade ticks cover ``values``.

    For layered charts: pass every value the shared axis must show (all layers), not one layer's frame.
    """
    if channel not in ("x", "y"):
        raise ValueError(f"channel must be 'x' or 'y', got {channel!r}")
    frame = pd.DataFrame({field: np.asarray(values, dtype=np.float64).ravel()})
    return (log_x if channel == "x" else log_y)(field, title, data=frame)


def _tooltip(fields: Sequence[str]) -> list[alt.Tooltip]:
    return [alt.Tooltip(field=_field(f), title=f) for f in fields]


def _color(color: str | None, color_title: str | None) -> dict[str, Any]:
    if color is None:
        return {}
    return {"color": alt.Color(field=_field(color), type="nominal", title=color_title or color)}


def loglog_scatter(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    x_title: str,
    y_title: str,
    color: str | None = None,
    color_title: str | None = None,
    tooltip: Sequence[str] | None = None,
) -> alt.Chart:
    """Scatter plot with log10 x and y axes.

    Parameters
    ----------
    df : DataFrame with columns ``x``, ``y`` (positive, finite) and optional ``color``.
    x, y : column names.
    x_title, y_title : axis titles with units, e.g. ``"Compute C (FLOP)"``.
    color : optional nominal column coloured with the Okabe-Ito palette.
    tooltip : columns in the tooltip (default ``x``, ``y`` and ``color``).
    """
    _check_frame(df, [x, y, color, *(tooltip or ())], positive=[x, y])
    fields = list(tooltip) if tooltip is not None else [c for c in (x, y, color) if c]
    return (
        alt.Chart(df)
        .mark_point()
        .encode(
            x=log_x(x, x_title, data=df),
            y=log_y(y, y_title, data=df),
            tooltip=_tooltip(fields),
            **_color(color, color_title),
        )
    )


def line_with_band(
    df: pd.DataFrame,
    x: str,
    y: str,
    lo: str,
    hi: str,
    *,
    x_title: str,
    y_title: str,
    color: str | None = None,
    color_title: str | None = None,
    log_x_axis: bool = True,
    log_y_axis: bool = True,
    band_opacity: float = 0.25,
) -> alt.LayerChart:
    """A fitted curve ``y(x)`` with its interval band ``[lo, hi]`` (e.g. bootstrap 95 %).

    Parameters
    ----------
    df : DataFrame with columns ``x``, ``y``, ``lo``, ``hi`` (and optional ``color``).
    x_title, y_title : axis titles with units.
    log_x_axis, log_y_axis : log10 scales (default both); values must then be positive.

    Raises
    ------
    InputError
        Missing columns, non-positive values on a log axis, or ``lo > y`` / ``y > hi``.
    """
    positive = ([x] if log_x_axis else []) + ([y, lo, hi] if log_y_axis else [])
    _check_frame(df, [x, y, lo, hi, color], positive=positive)
    vals = df[[lo, y, hi]].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(vals)):
        raise InputError(f"columns {lo!r}, {y!r}, {hi!r} must be finite numbers")
    if np.any(vals[:, 0] > vals[:, 1]) or np.any(vals[:, 1] > vals[:, 2]):
        raise InputError(f"band must satisfy {lo!r} <= {y!r} <= {hi!r} on every row")
    if not 0.0 < band_opacity <= 1.0:
        raise InputError(f"band_opacity must be in (0, 1], got {band_opacity}")
    xe = _axis("x", x, x_title, log=log_x_axis, values=_values(df, x))
    y_vals = _values(df, lo, y, hi)
    ye = _axis("y", y, y_title, log=log_y_axis, values=y_vals)
    colour = _color(color, color_title)
    base = alt.Chart(df)
    band = base.mark_area(opacity=band_opacity).encode(
        x=xe,
        y=_axis("y", lo, y_title, log=log_y_axis, values=y_vals),
        y2=alt.Y2(field=_field(hi)),
        **colour,
    )
    line = base.mark_line().encode(
        x=xe, y=ye, tooltip=_tooltip([c for c in (x, y, lo, hi, color) if c]), **colour
    )
    return alt.layer(band, line)


def _nice_step(span: float, maxbins: int) -> float:
    raw = span / maxbins
    k = math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * 10.0**k >= raw:
            return m * 10.0**k
    return 10.0 ** (k + 1)  # pragma: no cover


def histogram(
    values: Any,
    *,
    x_title: str,
    y_title: str = "Count",
    maxbins: int = 50,
    opacity: float = 0.8,
) -> alt.Chart:
    """Bar histogram of ``values``, binned here (not by Vega) on edges at multiples of a nice step.

    Only the bin counts reach the stored chart, and a bin edge is a round number (a multiple of
    1, 2, 2.5 or 5 times a power of ten), so values that differ in their last digits from one
    machine to another (bootstrap refits) give the same chart unless one sits within that noise
    of an edge; the chart is also much smaller than one holding every value.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size == 0 or not np.all(np.isfinite(v)):
        raise InputError("histogram values must be a non-empty array of finite numbers")
    if not (isinstance(maxbins, int) and maxbins >= 1):
        raise InputError(f"maxbins must be a positive integer, got {maxbins!r}")
    lo, hi = float(v.min()), float(v.max())
    step = _nice_step(hi - lo, maxbins) if hi > lo else max(abs(lo), 1.0) * 1e-3
    first = math.floor(lo / step)
    idx = np.floor(v / step).astype(np.int64) - first
    counts = np.bincount(idx)
    starts = (first + np.arange(counts.size)) * step
    df = pd.DataFrame({"start": starts, "end": starts + step, "count": counts})
    df = df[df["count"] > 0].reset_index(drop=True)
    return (
        alt.Chart(df)
        .mark_bar(opacity=opacity)
        .encode(
            x=alt.X("start:Q", title=x_title, scale=alt.Scale(zero=False)),
            x2="end:Q",
            y=alt.Y("count:Q", title=y_title),
            tooltip=[
                alt.Tooltip("start:Q", title="from"),
                alt.Tooltip("end:Q", title="to"),
                alt.Tooltip("count:Q", title=y_title),
            ],
        )
    )


def layer(*charts: alt.TopLevelMixin) -> alt.LayerChart:
    """Overlay charts on shared axes (e.g. measured points over a fitted band)."""
    if not charts:
        raise InputError("layer() needs at least one chart")
    for c in charts:
        if not isinstance(c, (alt.Chart, alt.LayerChart)):
            raise InputError(f"layer() accepts Chart/LayerChart, got {type(c).__name__}")
    return alt.layer(*charts)


# ---------------------------------------------------------------------- the bundle
def _vegalite_version() -> str:
    import vl_convert as vlc

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    available = vlc.get_vegalite_versions()
    return major_minor if major_minor in available else available[-1]


@functools.lru_cache(maxsize=1)
def vega_bundle_js() -> str:
    """vega + vega-lite + vega-embed as one IIFE-wrapped script (assigns ``window.vegaEmbed``).

    From the pinned ``vl-convert-python`` wheel, Vega-Lite version matching Altair's.
    """
    try:
        import vl_convert as vlc
    except ImportError:
        raise InputError(
            "vl-convert-python is not installed (pip install the 'book' extra)"
        ) from None
    vl = _vegalite_version()
    header = (
        f"/* vega {vlc.get_vega_version()}, vega-lite {vl}, vega-embed "
        f"{vlc.get_vega_embed_version()}: from vl-convert-python {vlc.__version__}; "
        "generated by tools/build_static.py, do not edit. */\n"
    )
    runtime = (Path(__file__).with_name("chart_runtime.js")).read_text(encoding="utf-8")
    return header + "(function(){\n" + vlc.javascript_bundle(vl_version=vl) + "\n})();\n" + runtime


_NOTEBOOK_ENABLED = False


def notebook_bundle_html() -> str:
    """``<script>`` element holding :func:`vega_bundle_js` (what :func:`enable_notebook` shows)."""
    return "<script>\n" + vega_bundle_js() + "</script>\n"


def enable_notebook(*, force: bool = False) -> None:
    """Load vega-embed into a plain Jupyter session (once), so charts draw offline.

    Displays a ``<script>`` with :func:`vega_bundle_js` (~900 KB). Not for book
    chapters: the book's pages load ``_static/vega-bundle.js`` themselves.
    """
    global _NOTEBOOK_ENABLED
    if _NOTEBOOK_ENABLED and not force:
        return
    from IPython.display import HTML, display

    display(HTML(notebook_bundle_html()))
    _NOTEBOOK_ENABLED = True

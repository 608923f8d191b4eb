"""Figures of the chapter "What to scale next" (chapters/07_what_next.ipynb)."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws.analyses.datawall import DataWallMC
from scalinglaws.analyses.synthesis import INFERENCE, PRETRAINING, RL_COMPUTE, AxisCost
from scalinglaws.analyses.trends import TrendFit, select_models, trend_band
from scalinglaws.book import charts
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import law_label

__all__ = ["axes_costs", "compute_step_wall"]


def compute_step_wall(
    fit: TrendFit,
    models: pd.DataFrame,
    wall: DataWallMC,
    *,
    start_flops: float,
    step_flops: float,
    loss_step: float,
    law: str,
    years: tuple[float, float] = (2010.0, 2034.0),
) -> charts.Figure:
    """Compute trend with its band, the budgets before and after the next loss step, the data wall.

    ``fit`` is the compute-growth :class:`~scalinglaws.analyses.trends.TrendFit` of ``models`` (the Epoch
    table; its points are redrawn from ``fit``'s window), ``wall`` the data-wall Monte Carlo,
    ``start_flops`` today's budget and ``step_flops`` the budget after a ``loss_step`` drop
    (nats/token) under ``law``; ``step_flops = inf`` (the step is impossible under the law)
    leaves that line out and says so in the caption. ``years`` is the range of the x axis.
    """
    if not isinstance(fit, TrendFit):
        raise InputError(f"fit must be a TrendFit, got {type(fit).__name__}")
    if not isinstance(wall, DataWallMC):
        raise InputError(f"wall must be a DataWallMC, got {type(wall).__name__}")
    if not (math.isfinite(start_flops) and start_flops > 0):
        raise InputError(f"start_flops must be a positive number, got {start_flops!r}")
    if not step_flops > start_flops:
        raise InputError("step_flops must exceed start_flops (inf if the step is impossible)")
    y0, y1 = (float(v) for v in years)
    if not y0 < y1:
        raise InputError(f"years must be an increasing pair, got {years!r}")
    possible = math.isfinite(step_flops)
    band = trend_band(fit, np.linspace(y0, y1, int(round(4 * (y1 - y0))) + 1))
    sel = select_models(models, quantity=fit.quantity, start=fit.start, end=fit.end)
    pts = pd.DataFrame({"year": sel["year"], "flops": sel["value"], "model": sel["model"]})
    budgets = [start_flops, step_flops] if possible else [start_flops]
    all_y = pd.DataFrame({"lo": np.concatenate([band["lo"], band["hi"], pts["flops"], budgets])})
    y_enc = charts.log_y("lo", "Training compute C (FLOP, log scale)", data=all_y)
    scale = alt.Scale(domain=[y0, y1], zero=False, nice=False)
    x_enc = alt.X("year:Q", title="Publication year", scale=scale, axis=alt.Axis(format="d"))
    area = (
        alt.Chart(band)
        .mark_area(opacity=0.25, color=charts.PALETTE[0])
        .encode(x=x_enc, y=y_enc, y2="hi:Q")
    )
    line = alt.Chart(band).mark_line(color=charts.PALETTE[0]).encode(x=x_enc, y=alt.Y("fit:Q"))
    dots = (
        alt.Chart(pts)
        .mark_point(opacity=0.35, size=15, color="#555555")
        .encode(
            x=x_enc, y=alt.Y("flops:Q"), tooltip=["model", alt.Tooltip("flops:Q", format=".2e")]
        )
    )
    labels = ["starting budget", f"after the next {loss_step:g}-nat step"][: len(budgets)]
    rules = (
        alt.Chart(pd.DataFrame({"flops": budgets, "label": labels}))
        .mark_rule(strokeDash=[6, 3])
        .encode(
            y="flops:Q",
            color=alt.Color(
                "label:N", title="budget", scale=alt.Scale(range=list(charts.PALETTE[1:3]))
            ),
        )
    )
    wall_df = pd.DataFrame(
        {"lo": [wall.interval[0]], "hi": [wall.interval[1]], "median": [wall.median]}
    )
    wall_rect = (
        alt.Chart(wall_df)
        .mark_rect(opacity=0.15, color=charts.PALETTE[3])
        .encode(x=alt.X("lo:Q", scale=scale), x2="hi:Q")
    )
    wall_rule = (
        alt.Chart(wall_df)
        .mark_rule(color=charts.PALETTE[3])
        .encode(
            x=alt.X("median:Q", scale=scale),
            tooltip=[alt.Tooltip("median:Q", format=".1f", title="text stock used up (median)")],
        )
    )
    label = law_label(law)
    step_text = (
        f"Dashed lines: the starting budget and the compute for the next {loss_step:g}-nat loss "
        f"step under the {label} law (point value; its interval is in the text)."
        if possible
        else f"Dashed line: the starting budget. No budget reaches the next {loss_step:g}-nat "
        f"loss step under the {label} law: it would go below the law's irreducible loss."
    )
    return charts.figure(
        charts.layer(wall_rect, area, line, dots, rules, wall_rule),
        title=(
            "Compute trend, the next loss step and the data wall"
            if possible
            else "Compute trend, today's budget and the data wall"
        ),
        caption=(
            f"Grey points: {fit.n} notable models (Epoch AI, CC BY 4.0). Blue line and band: "
            f"log-linear compute trend, {fit.growth_per_year:.2f}x per year with a "
            f"{fit.level:.0%} bootstrap band ({fit.n_boot} resamples), extended past the data. "
            f"{step_text} Red line and shading: median year and {wall.level:.0%} interval at "
            f"which frontier training sets reach the stock of public text."
        ),
        alt=(
            "Training compute of notable models against year on a log axis with a rising trend "
            f"line and band extended to {y1:.0f}, "
            + (
                "two horizontal dashed lines for today's budget and the budget after the next "
                "loss step, "
                if possible
                else "one horizontal dashed line for today's budget, "
            )
            + "and a vertical shaded band for the years when public text runs out."
        ),
    )


#: Short labels of the axes for the chart's y axis (the table carries the full names).
AXIS_LABELS: dict[str, str] = {
    "parameters and data together (compute-optimal)": "both (reference)",
    "parameters": "parameters",
    "data (fresh tokens)": "fresh data",
    "repeated data (more epochs)": "repeated data",
    "curated data (better filter)": "curated data",
    "RL training compute": "RL compute",
    "test-time compute (samples)": "test-time samples",
    "more calls (majority vote)": "more calls",
}


def _upper(row: AxisCost, right: float) -> float:
    """Upper end of the bar: the interval's, ``right`` (the edge) if unbounded, the value if none."""
    if math.isnan(row.lo):
        return row.value
    return row.hi if math.isfinite(row.hi) else right


def _short(axis: str) -> str:
    return AXIS_LABELS.get(axis, axis)


def axes_costs(rows: list[AxisCost]) -> charts.Figure:
    """Dot-and-interval chart: the multiplier each axis pays for its next fixed improvement.

    One row per :class:`~scalinglaws.analyses.synthesis.AxisCost` with a finite price, coloured
    by the unit paid (pre-training compute, RL compute, inference compute per query: never
    converted into each other); an interval with no upper end runs to the right edge. Rows
    without a price (impossible, not identified, pending) are named in the caption.
    """
    rows = list(rows)
    if not rows or not all(isinstance(r, AxisCost) for r in rows):
        raise InputError("rows must be a non-empty list of AxisCost")
    priced = [r for r in rows if math.isfinite(r.value)]
    if not priced:
        raise InputError("no axis has a finite price to draw")
    finite = [v for r in priced for v in (r.value, r.lo, r.hi) if math.isfinite(v)]
    right = 10 ** math.ceil(math.log10(max(finite) * 1.5))
    df = pd.DataFrame(
        {
            "axis": [_short(r.axis) for r in priced],
            "unit": [r.unit for r in priced],
            "step": [r.step for r in priced],
            "value": [r.value for r in priced],
            "lo": [r.lo if math.isfinite(r.lo) else r.value for r in priced],
            "hi": [_upper(r, right) for r in priced],
            "kind": ["illustrative" if not r.identified else "fit" for r in priced],
        }
    )
    order = [_short(r.axis) for r in priced]
    x_title = "Factor paid (×, log scale)"
    x_enc = charts.log_enc("x", "value", x_title, [1.0, right])
    x_lo = charts.log_enc("x", "lo", x_title, [1.0, right])
    y_enc = alt.Y("axis:N", title=None, sort=order)
    color = alt.Color(
        "unit:N",
        title="unit paid",
        scale=alt.Scale(
            domain=[PRETRAINING, RL_COMPUTE, INFERENCE], range=list(charts.PALETTE[:3])
        ),
    )
    bars = alt.Chart(df).mark_rule(strokeWidth=2).encode(x=x_lo, x2="hi:Q", y=y_enc, color=color)
    dots = (
        alt.Chart(df)
        .mark_point(filled=True, size=70)
        .encode(
            x=x_enc,
            y=y_enc,
            color=color,
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(domain=["fit", "illustrative"], range=["circle", "diamond"]),
                # one legend only: two side by side do not fit a phone (the caption explains the
                # shapes)
                legend=None,
            ),
            tooltip=[
                "axis",
                "step",
                "unit",
                alt.Tooltip("value:Q", format=".3g"),
                alt.Tooltip("lo:Q", format=".3g"),
                alt.Tooltip("hi:Q", format=".3g"),
            ],
        )
    )
    missing = [r for r in rows if not math.isfinite(r.value)]
    missing_text = (
        " Not drawn: "
        + "; ".join(
            f"{_short(r.axis)} ({'impossible: the improvement is beyond its saturation' if r.value == math.inf else 'no price: ' + r.limit})"
            for r in missing
        )
        + "."
        if missing
        else ""
    )
    open_ended = [_short(r.axis) for r in priced if not math.isnan(r.lo) and math.isinf(r.hi)]
    open_text = (
        f" Intervals running to the right edge have no upper end ({', '.join(open_ended)})."
        if open_ended
        else ""
    )
    return charts.figure(
        charts.layer(bars, dots),
        title="What the next fixed improvement costs, axis by axis",
        caption=(
            "Each dot is the factor by which one axis must grow to buy its next fixed "
            "improvement (the table names the improvement), with its interval as a bar. Colours "
            "are the unit paid: pre-training compute, RL compute or inference compute per query; "
            "a factor in one unit is not comparable with a factor in another. Diamonds mark "
            "illustrative prices (assumed inputs), circles prices from the book's fits."
            + open_text
            + missing_text
        ),
        alt=(
            f"Horizontal dot-and-interval chart with {len(priced)} axes of scaling on the vertical "
            "axis and, on a log horizontal axis, the multiplier each must pay for its next fixed "
            "improvement, coloured by the unit paid."
        ),
    )

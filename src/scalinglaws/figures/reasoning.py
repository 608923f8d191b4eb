"""Figures of the chapter "Reasoning models: scaling test-time compute" (chapters/06_reasoning.ipynb)."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws import charts
from scalinglaws.errors import InputError

__all__ = ["breakeven_draws"]

#: End of the search range of :func:`scalinglaws.exchange.breakeven_inference_ratio` (log10 R).
_R_LOG10_END = 8.0


def breakeven_draws(
    draws: pd.DataFrame, point: float, *, law_text: str, anchor: str, multiplier: float
) -> charts.Figure:
    """Histogram of the break-even inference demand R over paired bootstrap draws (log10 scale).

    ``draws`` from :func:`scalinglaws.exchange.exchange_draws` (column ``breakeven``), ``point``
    the break-even R of the point estimates. Draws where test-time compute wins at every R
    (``inf``) or at none (``0``) are drawn at the ends of the searched range, 10^±8, and
    counted in the caption.
    """
    if not isinstance(draws, pd.DataFrame) or "breakeven" not in draws.columns:
        raise InputError("draws must come from exchange.exchange_draws()")
    r = draws["breakeven"].to_numpy(dtype=float)
    r = r[~np.isnan(r)]
    if r.size == 0:
        raise InputError("no draw has a break-even demand")
    n_inf, n_zero = int(np.isinf(r).sum()), int((r == 0).sum())
    with np.errstate(divide="ignore"):
        logr = np.clip(np.log10(r), -_R_LOG10_END, _R_LOG10_END)
    hist = charts.histogram(
        logr,
        x_title="Break-even inference demand, log10 R (deployment tokens / larger model's training tokens)",
        y_title="Bootstrap draws",
        maxbins=40,
    )
    p = float(point)
    p_log = _R_LOG10_END if math.isinf(p) else (-_R_LOG10_END if p == 0 else math.log10(p))
    rule = (
        alt.Chart(pd.DataFrame({"x": [float(f"{p_log:.3g}")], "what": ["point estimate"]}))
        .mark_rule(color="#000000", strokeDash=[4, 4])
        .encode(x="x:Q", tooltip=[alt.Tooltip("what:N"), alt.Tooltip("x:Q", title="log10 R")])
    )
    ends = (
        f" {n_inf} draws win at every R up to 10^8 and are drawn at 8;"
        f" {n_zero} win at none down to 10^-8 and are drawn at -8."
    )
    return charts.figure(
        charts.layer(hist, rule),
        title="How uncertain is the break-even demand? (model)",
        caption=(
            f"A MODEL, not data: break-even inference demand R below which sampling the small model beats a "
            f"{multiplier:g}x larger one, recomputed for {r.size} paired draws of the coverage exponent "
            f"({anchor} anchor, binomial bootstrap) and of the loss law ({law_text}); the assumed link is held "
            f"fixed. Dashed line: the point estimate.{ends}"
        ),
        alt=(
            "Histogram of the break-even inference demand on a log10 scale over bootstrap draws, with a dashed "
            "line at the point estimate; its spread shows how far the data behind the model leave R undecided."
        ),
    )

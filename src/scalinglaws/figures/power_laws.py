"""Figures of the chapter "Power laws: the shape of scaling" (chapters/01_power_laws.ipynb)."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws import charts
from scalinglaws.charts import _nice_step  # one bin-width rule with charts.histogram
from scalinglaws.errors import InputError

__all__ = ["estimator_histogram"]


def estimator_histogram(
    sim: pd.DataFrame,
    *,
    truth: float,
    n_points: int,
    sigma: float,
    maxbins: int = 40,
) -> charts.Figure:
    """Overlaid histograms of the exponents fitted by two estimators to the same simulated data.

    Parameters
    ----------
    sim : DataFrame
        :func:`scalinglaws.extrapolation.simulate_log_vs_linear` output: ``method``,
        ``alpha_hat`` and ``converged`` (only converged fits are drawn).
    truth : float
        The true exponent (drawn as a dashed rule).
    n_points, sigma : int, float
        Points per simulated data set and the standard deviation of the log-normal noise
        (for the caption).
    maxbins : int
        Largest number of bins; both methods share the same round bin edges, and only the counts
        reach the chart, so it stays small however many data sets are simulated.
    """
    need = {"method", "alpha_hat", "converged"}
    if not isinstance(sim, pd.DataFrame) or not need <= set(sim.columns):
        raise InputError("sim must come from extrapolation.simulate_log_vs_linear()")
    ok = sim[sim["converged"].astype(bool)]
    v = ok["alpha_hat"].to_numpy(np.float64)
    if v.size == 0 or not np.all(np.isfinite(v)):
        raise InputError("no converged, finite fitted exponents to draw")
    lo, hi = float(v.min()), float(v.max())
    step = _nice_step(hi - lo, maxbins) if hi > lo else max(abs(lo), 1.0) * 1e-3
    first = math.floor(lo / step)
    rows = []
    for method, grp in ok.groupby("method", sort=True):
        idx = np.floor(grp["alpha_hat"].to_numpy(np.float64) / step).astype(np.int64) - first
        counts = np.bincount(idx)
        for i, n in enumerate(counts):
            if n:
                start = (first + i) * step
                rows.append(
                    {"method": method, "start": start, "end": start + step, "count": int(n)}
                )
    bars = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar(opacity=0.6)
        .encode(
            x=alt.X(
                "start:Q", title="Fitted exponent α (dimensionless)", scale=alt.Scale(zero=False)
            ),
            x2="end:Q",
            y=alt.Y("count:Q", stack=None, title="Simulated data sets (count)"),
            color=alt.Color("method:N", title="Least squares on"),
            tooltip=["method", "start:Q", "end:Q", "count:Q"],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"alpha": [float(truth)]}))
        .mark_rule(strokeDash=[4, 3], color="#222222")
        .encode(x="alpha:Q")
    )
    spread = ok.groupby("method")["alpha_hat"].std()
    n_sets = int(sim.groupby("method").size().max())
    parts = ", ".join(f"{m} {s:.3f}" for m, s in spread.items())
    return charts.figure(
        bars + rule,
        title="Same data, two estimators",
        caption=(
            f"Exponents fitted to {n_sets} simulated data sets ({n_points} points over four decades, true "
            f"alpha = {truth}, log-normal noise sigma = {sigma}); dashed line: the truth. Standard deviation "
            f"of the fitted exponents: {parts}. Only converged fits are counted."
        ),
        alt=(
            f"Two overlaid histograms of fitted exponents around the true value {truth}, one per estimator, "
            f"with standard deviations {parts}."
        ),
    )

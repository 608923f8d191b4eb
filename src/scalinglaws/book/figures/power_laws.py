"""Figures of the chapter "Power laws: the shape of scaling" (chapters/01_power_laws.ipynb)."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws.analyses.extrapolation import Holdout, LawFit, saturating_local_exponent
from scalinglaws.book import charts, fmt_sig
from scalinglaws.book.charts import _nice_step  # one bin-width rule with charts.histogram
from scalinglaws.core.errors import InputError

__all__ = [
    "pythia_loglog",
    "estimator_histogram",
    "window_exponents",
    "extrapolation_bands",
    "exponent_drift",
]

N_TITLE = "Parameters N (total, incl. embeddings)"


def _need(df: object, columns: set[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame) or not columns <= set(df.columns):
        raise InputError(f"{what} must be a DataFrame with columns {', '.join(sorted(columns))}")
    if df.empty:
        raise InputError(f"{what} is empty")


def pythia_loglog(lam: pd.DataFrame, fit: LawFit) -> charts.Figure:
    """Pythia's LAMBADA cross-entropy against N on log-log axes, with the fitted power law and its band.

    Parameters
    ----------
    lam : DataFrame
        :func:`scalinglaws.analyses.extrapolation.lambada_cross_entropy` output (``size``, ``params``,
        ``ppl``, ``xent``; sorted by ``params``), drawn as points.
    fit : LawFit
        The plain power law fitted to them (line and bootstrap band over their range of N).
    """
    _need(lam, {"size", "params", "ppl", "xent"}, "lam")
    grid_n = np.geomspace(lam["params"].min(), lam["params"].max(), 60)
    lo, hi = fit.interval(grid_n)
    band = pd.DataFrame(
        {"N": grid_n, "xent": fit.predict(grid_n), "lo": lo, "hi": hi, "fit": "power law"}
    )
    points = lam.rename(columns={"params": "N"})
    y_title = "LAMBADA cross-entropy (nats/word)"
    y_values = np.concatenate([band["lo"], band["hi"], points["xent"]])
    x_enc = charts.log_enc("x", "N", N_TITLE, grid_n)
    y_enc = charts.log_enc("y", "xent", y_title, y_values)
    fit_layer = alt.Chart(band).mark_area(opacity=0.25).encode(
        x=x_enc, y=charts.log_enc("y", "lo", y_title, y_values), y2="hi:Q"
    ) + alt.Chart(band).mark_line().encode(x=x_enc, y=y_enc)
    pts = (
        alt.Chart(points)
        .mark_point(color=charts.PALETTE[1], size=70)
        .encode(
            x=x_enc,
            y=y_enc,
            tooltip=[
                "size",
                alt.Tooltip("N:Q", format=".3~s"),
                alt.Tooltip("ppl:Q", format=".2f"),
                alt.Tooltip("xent:Q", format=".3f"),
            ],
        )
    )
    n = len(lam)
    return charts.figure(
        charts.layer(fit_layer, pts),
        title="Pythia on LAMBADA: a power law, almost",
        caption=(
            f"Final-checkpoint LAMBADA cross-entropy of the {n} Pythia models (orange points) and a "
            f"power law fitted by least squares on the logs (line; band: {fit.n_boot}-resample "
            f"bootstrap 95% interval). Fitted exponent alpha = {fit.alpha:.3f}."
        ),
        alt=(
            f"Log-log chart of LAMBADA cross-entropy against parameter count for {n} Pythia models, "
            f"falling from {lam['xent'].iloc[0]:.2f} nats per word at 70 million parameters to "
            f"{lam['xent'].iloc[-1]:.2f} at 12 billion. A straight fitted line runs through them; the "
            "points bow below the line in the middle and above it at both ends."
        ),
    )


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
        :func:`scalinglaws.analyses.extrapolation.simulate_log_vs_linear` output: ``method``,
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


def window_exponents(
    windows: pd.DataFrame, sat: LawFit, lam: pd.DataFrame, window_models: int
) -> charts.Figure:
    """Sliding-window exponents of plain power laws over the local slope of the saturating law.

    Parameters
    ----------
    windows : DataFrame
        :func:`scalinglaws.analyses.extrapolation.sliding_window_fits` output (``window``, ``N_mid``,
        ``alpha``, ``lo``, ``hi``): points with error bars.
    sat : LawFit
        The saturating law fitted to all sizes; its local slope ``alpha (L - E) / L`` is drawn from
        its constants rounded to 4 significant digits (a machine-independent curve).
    lam : DataFrame
        The Pythia data (``params``: the range of N drawn).
    window_models : int
        Sizes per window (for the caption).
    """
    _need(windows, {"window", "N_mid", "alpha", "lo", "hi"}, "windows")
    _need(lam, {"params"}, "lam")
    grid_n = np.geomspace(lam["params"].min(), lam["params"].max(), 60)
    local = pd.DataFrame({"N_mid": grid_n})
    local["alpha"] = saturating_local_exponent(
        grid_n, *(float(f"{v:.4g}") for v in (sat.E, sat.A, sat.alpha))
    )
    x_w = charts.log_enc("x", "N_mid", N_TITLE, grid_n)
    y_title = "Local exponent α (dimensionless)"
    y_w = alt.Y("alpha:Q", title=y_title, scale=alt.Scale(zero=True))
    bars = (
        alt.Chart(windows)
        .mark_errorbar(thickness=2)
        .encode(x=x_w, y=alt.Y("lo:Q", title=y_title), y2="hi:Q")
    )
    dots = (
        alt.Chart(windows)
        .mark_point(size=70, color=charts.PALETTE[1])
        .encode(
            x=x_w,
            y=y_w,
            tooltip=[
                "window",
                alt.Tooltip("alpha:Q", format=".3f"),
                alt.Tooltip("lo:Q", format=".3f"),
                alt.Tooltip("hi:Q", format=".3f"),
            ],
        )
    )
    line = alt.Chart(local).mark_line(color=charts.PALETTE[0]).encode(x=x_w, y=y_w)
    return charts.figure(
        charts.layer(line, bars, dots),
        title="The fitted exponent depends on the window",
        caption=(
            f"Orange: exponent of a plain power law fitted to {window_models} consecutive Pythia "
            "sizes, plotted at the window's geometric-mean size, with bootstrap 95% intervals. Blue: "
            f"local slope alpha (L - E) / L of the saturating law fitted to all {len(lam)} models "
            f"(E = {sat.E:.2f}, alpha = {sat.alpha:.2f})."
        ),
        alt=(
            f"Exponents of {len(windows)} sliding-window power-law fits against model size, from "
            f"about {windows['alpha'].iloc[0]:.2f} for the smallest models to about "
            f"{windows['alpha'].iloc[-1]:.2f} for the largest, drawn over the falling local-slope "
            "curve of the saturating law."
        ),
    )


def extrapolation_bands(study: Holdout, *, dataset_name: str, label: str) -> charts.Figure:
    """Both laws fitted on the smallest budgets, drawn with their bands over all the budgets.

    Parameters
    ----------
    study : Holdout
        :func:`scalinglaws.analyses.extrapolation.holdout_study` output: the curve (points, fitted or held
        out), the two fits (lines and bootstrap bands), the fit window (shaded).
    dataset_name, label : str
        Porian et al.'s training set and configuration (for the caption).
    """
    curve, n_fit, c_fit_max = study.curve, study.n_fit, study.c_fit_max
    _need(curve, {"flops", "loss_star"}, "study.curve")
    grid_c = np.geomspace(curve["flops"].min(), curve["flops"].max(), 80)
    bands = []
    for name, f in (("saturating E + A·C^-α", study.sat), ("plain power law A·C^-α", study.pw)):
        lo_c, hi_c = f.interval(grid_c)
        bands.append(
            pd.DataFrame({"C": grid_c, "L": f.predict(grid_c), "lo": lo_c, "hi": hi_c, "law": name})
        )
    bands = pd.concat(bands, ignore_index=True)
    obs = curve.assign(
        C=curve["flops"],
        L=curve["loss_star"],
        used=np.where(np.arange(len(curve)) < n_fit, "fitted", "held out"),
    )
    y_title = "Compute-optimal loss L* (nats/token)"
    y_values = np.concatenate([bands["lo"], bands["hi"], obs["L"]])
    x_c = charts.log_enc("x", "C", "Training compute C (FLOP)", grid_c)
    y_c = charts.log_enc("y", "L", y_title, y_values)
    shade = (
        alt.Chart(pd.DataFrame({"a": [float(curve["flops"].min())], "b": [c_fit_max]}))
        .mark_rect(opacity=0.08, color="#000000")
        .encode(x="a:Q", x2="b:Q")
    )
    band_c = (
        alt.Chart(bands)
        .mark_area(opacity=0.2)
        .encode(
            x=x_c,
            y=charts.log_enc("y", "lo", y_title, y_values),
            y2="hi:Q",
            color=alt.Color("law:N", title="Fitted law"),
        )
    )
    line_c = alt.Chart(bands).mark_line().encode(x=x_c, y=y_c, color="law:N")
    pts_c = (
        alt.Chart(obs)
        .mark_point(size=60, color="#222222")
        .encode(
            x=x_c,
            y=y_c,
            shape=alt.Shape("used:N", title="Budget"),
            tooltip=[alt.Tooltip("C:Q", format=".3~e"), alt.Tooltip("L:Q", format=".4f"), "used"],
        )
    )
    return charts.figure(
        charts.layer(shade, band_c, line_c, pts_c),
        title="Fit small, predict large",
        caption=(
            f"Compute-optimal validation loss of Porian et al. ({dataset_name}, {label.lower()}): "
            f"circles were used by the fits ({n_fit} smallest budgets, up to {fmt_sig(c_fit_max, 3)} "
            "FLOP, shaded), squares are held out. Lines: saturating and plain power laws fitted in "
            f"log space; bands: bootstrap 95% intervals ({study.sat.n_boot} resamples)."
        ),
        alt=(
            f"Log-log chart of compute-optimal loss against compute, {len(curve)} points on a gently "
            "bending curve. Two fitted curves agree on the fitted small budgets and fan apart beyond "
            "them, with widening bands."
        ),
    )


def exponent_drift(
    by_window: pd.DataFrame, *, dataset_name: str, label: str, n_boot: int
) -> charts.Figure:
    """Exponents of both laws against the upper end of a growing fit window, with their intervals.

    Parameters
    ----------
    by_window : DataFrame
        :func:`scalinglaws.analyses.extrapolation.exponent_by_window` output.
    dataset_name, label : str
        Porian et al.'s training set and configuration (for the caption).
    n_boot : int
        Bootstrap resamples of each fit (for the caption).
    """
    _need(by_window, {"C_max", "law", "alpha", "lo", "hi", "converged"}, "by_window")
    sat_w = by_window[by_window["law"].str.startswith("saturating")]
    pw_w = by_window[by_window["law"].str.startswith("plain")]
    if sat_w.empty or pw_w.empty:
        raise InputError("by_window must hold both laws (extrapolation.exponent_by_window())")
    x_bw = charts.log_enc(
        "x", "C_max", "Largest budget in the fit window (FLOP)", by_window["C_max"]
    )
    err_bw = (
        alt.Chart(by_window)
        .mark_errorbar(thickness=2)
        .encode(
            x=x_bw,
            y=alt.Y("lo:Q", title="Fitted exponent α (dimensionless)"),
            y2="hi:Q",
            color="law:N",
        )
    )
    pt_bw = (
        alt.Chart(by_window)
        .mark_point(size=60, filled=True)
        .encode(
            x=x_bw,
            y="alpha:Q",
            color=alt.Color("law:N", title="Fitted law"),
            tooltip=[
                alt.Tooltip("C_max:Q", format=".3~e"),
                "law",
                alt.Tooltip("alpha:Q", format=".3f"),
                "converged",
            ],
        )
    )
    return charts.figure(
        charts.layer(err_bw, pt_bw),
        title="The exponent moves with the window",
        caption=(
            "Exponent of each law fitted to the smallest budgets up to the value on the x axis, with "
            f"bootstrap 95% intervals ({n_boot} resamples). Porian et al. ({dataset_name}, "
            f"{label.lower()}, validation loss)."
        ),
        alt=(
            "Exponents against the upper end of the fit window: the plain power law's exponent goes "
            f"from {pw_w['alpha'].iloc[0]:.3f} to {pw_w['alpha'].iloc[-1]:.3f} as the window grows, "
            f"the saturating law's exponent moves between {sat_w['alpha'].min():.3f} and "
            f"{sat_w['alpha'].max():.3f} within wide intervals."
        ),
    )

"""Figures of the chapter "The slowdown and the data wall" (chapters/05_slowdown.ipynb)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws import charts
from scalinglaws.data_constrained import DecayFit, DecayInterval, repetition_implications
from scalinglaws.errors import InputError
from scalinglaws.laws import DEFAULT_LAW, law_label
from scalinglaws.slowdown import frontier_loss

__all__ = ["decay_profile", "repeated_data_value", "frontier_ladder"]


def _sig(x: float, digits: int = 3) -> float:
    """Round to ``digits`` significant digits (chart data derived from fitted values)."""
    return float(f"{x:.{digits}g}")


def decay_profile(
    profile: pd.DataFrame, interval: DecayInterval, fit: DecayFit, published: Mapping[str, float]
) -> charts.Figure:
    """Profile deviance of R_D* (R_N* re-optimised), the 95% threshold, both minima marked.

    ``profile`` from :func:`~scalinglaws.data_constrained.decay_profile`, ``interval`` from
    :func:`~scalinglaws.data_constrained.decay_interval`, ``fit`` the global fit (its
    ``basins``), ``published`` a mapping with ``R_D_star`` (and ``R_N_star``).
    """
    if not {"R_D_star", "R_N_star", "deviance"} <= set(profile.columns):
        raise InputError("profile must come from data_constrained.decay_profile()")
    prof = profile[["R_D_star", "R_N_star", "deviance"]].copy()
    n2, s_min = 2.0 * profile.attrs["n_runs"], profile.attrs["s_min"]
    glob = fit.basins[0]
    pub = min(fit.basins, key=lambda b: abs(math.log(b.R_D_star / published["R_D_star"])))
    marks = pd.DataFrame(
        {
            "R_D_star": [_sig(pub.R_D_star), _sig(glob.R_D_star)],
            "deviance": [_sig(n2 * math.log(b.objective / s_min), 2) for b in (pub, glob)],
            "what": [
                f"published R_D* = {published['R_D_star']:.1f} (local minimum)",
                f"global minimum, R_D* ≈ {glob.R_D_star:.2g}",
            ],
        }
    )
    x = charts.log_x("R_D_star", "Decay constant R_D* (repetitions)", data=prof)
    line = (
        alt.Chart(prof)
        .mark_line(clip=True)
        .encode(
            x=x,
            # the valley is what matters: show deviance 0-10 (the threshold is 3.84)
            y=alt.Y(
                "deviance:Q",
                title="Profile deviance 2n ln(S/S_min)",
                scale=alt.Scale(domain=[0, 10]),
            ),
            tooltip=[
                alt.Tooltip("R_D_star:Q", title="R_D*", format=".3g"),
                alt.Tooltip("R_N_star:Q", title="best R_N*", format=".3g"),
                alt.Tooltip("deviance:Q", format=".2f"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"y": [round(interval.threshold, 3)]}))
        .mark_rule(strokeDash=[4, 4], color="#888888")
        .encode(y="y:Q")
    )
    points = (
        alt.Chart(marks)
        .mark_point(filled=True, size=90)
        .encode(
            x="R_D_star:Q",
            y="deviance:Q",
            color=alt.Color("what:N", title=None, legend=alt.Legend(orient="top", labelLimit=400)),
            shape=alt.Shape("what:N", legend=None),
        )
    )
    upper = "no upper end" if math.isinf(interval.upper) else f"upper end {interval.upper:.3g}"
    return charts.figure(
        charts.layer(line, rule, points),
        title="How well the 182 runs pin down R_D*",
        caption=(
            f"Profile of Muennighoff et al.'s objective in R_D* (R_N* re-optimised at each value), "
            f"as a deviance; the dashed line is the {interval.level:.0%} threshold "
            f"({interval.threshold:.2f}). R_D* values below the line are consistent with the data: "
            f"the interval starts at {interval.lower:.2g} and has {upper}. The published constant is "
            f"a local minimum; the global minimum lies in another basin."
        ),
        alt=(
            "Line chart of the profile deviance (0 to 10) against R_D* on a log axis. It falls "
            "steeply, crosses the dashed threshold line near 7.5, has a small dip near the published 15, then stays low and flat from about "
            "30 to several hundred, with its lowest point near 95, and rises only slowly after "
            "that, never reaching the dashed threshold line on the right."
        ),
    )


def repeated_data_value(
    readings: Mapping[str, float], *, max_epochs: float = 256.0
) -> charts.Figure:
    """Fresh-data equivalent D'/U against epochs, one curve per reading of R_D*.

    ``readings`` maps a label to an R_D* (rounded to 3 significant digits before the curves are
    computed, so the stored chart does not depend on an optimiser's last digits).
    """
    if not readings:
        raise InputError("readings must name at least one R_D*")
    if not (isinstance(max_epochs, int | float) and max_epochs > 1):
        raise InputError(f"max_epochs must be a number above 1, got {max_epochs!r}")
    rounded = {k: _sig(v) for k, v in readings.items()}
    curves = repetition_implications(np.geomspace(1, max_epochs, 60), rounded)
    fresh = pd.DataFrame({"epochs": [1.0, float(max_epochs)]})
    x = charts.log_x("epochs", "Epochs over the unique data (D / U)", data=curves)
    y = charts.log_y(
        "effective_epochs",
        "Fresh-data equivalent D'/U (epochs)",
        data=pd.DataFrame({"effective_epochs": np.r_[curves["effective_epochs"], 1.0, max_epochs]}),
    )
    lines = (
        alt.Chart(curves)
        .mark_line()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "reading:N",
                title=None,
                sort=list(rounded),
                legend=alt.Legend(orient="top", direction="vertical", labelLimit=400),
            ),
            tooltip=[
                alt.Tooltip("reading:N"),
                alt.Tooltip("epochs:Q", format=".1f"),
                alt.Tooltip("effective_epochs:Q", format=".2f"),
            ],
        )
    )
    ideal = (
        alt.Chart(fresh)
        .mark_line(strokeDash=[4, 4], color="#888888")
        .encode(x="epochs:Q", y=alt.Y("epochs:Q"))
    )
    return charts.figure(
        charts.layer(ideal, lines),
        title="What repeated data is worth, under each reading of R_D*",
        caption=(
            "Fresh-data equivalent of repeated data under Muennighoff et al.'s law for each value of "
            "R_D* (solid) against fresh data (dashed). Each curve saturates at 1 + R_D*. The readings "
            "agree up to a few epochs and part ways beyond about ten."
        ),
        alt=(
            "Log-log chart of the fresh-data equivalent against epochs. All curves follow the dashed "
            "diagonal up to a few epochs, then bend away from it and flatten, the one with the "
            "smallest R_D* first and lowest, the one with the largest last and highest."
        ),
    )


def frontier_ladder(
    band: pd.DataFrame,
    ladder: pd.DataFrame,
    *,
    ladder_law: str = DEFAULT_LAW,
    history: tuple[str, ...] = ("hoffmann", "hoffmann-tex"),
    level: float = 0.95,
) -> charts.Figure:
    """Compute-optimal loss L*(C) of the canonical law with its bootstrap band, a loss-drop ladder
    on it, and Hoffmann et al.'s printed laws as dashed history lines.

    ``band`` from :func:`scalinglaws.slowdown.frontier_band` (its ends rounded to 4 significant
    digits here, so the stored chart does not depend on the bootstrap fits' last digits),
    ``ladder`` from :func:`scalinglaws.slowdown.loss_drop_ladder` under ``ladder_law``.
    """
    if not {"C", "loss", "lo", "hi"} <= set(band.columns):
        raise InputError("band must come from slowdown.frontier_band()")
    if not {"step", "loss", "flops"} <= set(ladder.columns) or len(ladder) < 2:
        raise InputError("ladder must come from slowdown.loss_drop_ladder()")
    canon = law_label(DEFAULT_LAW)
    grid = band["C"].to_numpy(np.float64)
    curves = [pd.DataFrame({"C": grid, "loss": band["loss"].to_numpy(), "law": canon})]
    for name in history:
        lbl = f"{law_label(name)} (history: rejected by their own data)"
        curves.append(pd.DataFrame({"C": grid, "loss": frontier_loss(grid, name), "law": lbl}))
    curves = pd.concat(curves, ignore_index=True)
    span = pd.DataFrame(
        {"C": grid, "lo": [_sig(v, 4) for v in band["lo"]], "hi": [_sig(v, 4) for v in band["hi"]]}
    )
    x = charts.log_x("C", "Training compute C (FLOP)", data=curves)
    y_title = "Compute-optimal loss L*(C) (nats/token)"
    area = (
        alt.Chart(span)
        .mark_area(opacity=0.25, color=charts.PALETTE[0])
        .encode(x=x, y=alt.Y("lo:Q", title=y_title, scale=alt.Scale(zero=False)), y2="hi:Q")
    )
    lines = (
        alt.Chart(curves)
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("loss:Q", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "law:N",
                title="law",
                sort=list(dict.fromkeys(curves["law"])),
                legend=alt.Legend(orient="top", direction="vertical", labelLimit=500),
            ),
            strokeDash=alt.condition(alt.datum.law == canon, alt.value([1, 0]), alt.value([5, 3])),
        )
    )
    rungs = (
        alt.Chart(ladder[["step", "loss", "flops"]])
        .mark_point(size=80, filled=True, color="#000000")
        .encode(
            x="flops:Q",
            y="loss:Q",
            tooltip=[
                alt.Tooltip("step:Q"),
                alt.Tooltip("flops:Q", format=".2e"),
                alt.Tooltip("loss:Q", format=".3f"),
            ],
        )
    )
    mult = ladder["flops"].to_numpy()
    steps = mult[1:] / mult[:-1]
    n = len(ladder) - 1
    delta = float(ladder["loss"].iloc[0] - ladder["loss"].iloc[1])
    gaps = (
        f"the horizontal gap grows from {steps[0]:.1f}x to {steps[-1]:.3g}x"
        if n > 1
        else f"it costs {steps[0]:.3g}x the starting compute"
    )
    return charts.figure(
        charts.layer(area, lines, rungs),
        title="Equal loss drops, growing compute bills",
        caption=(
            f"Compute-optimal loss L*(C) = E + K C^-gamma under the {canon} (solid; band: "
            f"{level:.0%} bootstrap interval of the law). Dashed: Hoffmann et al.'s printed laws, "
            f"shown as history; chapter 4 shows that their own data reject them. Black points: "
            f"{n} successive drop{'s' if n > 1 else ''} of {delta:.3g} nats/token under the "
            f"{law_label(ladder_law)} from the Chinchilla budget {ladder['flops'].iloc[0]:.3g} "
            f"FLOP; {gaps}."
        ),
        alt=(
            "Log-x chart of compute-optimal loss against training compute for the canonical law, "
            "with a shaded band that widens at large compute, and two dashed historical laws with "
            "lower floors. Black points mark equal loss drops; they sit further and further apart "
            "along the compute axis."
        ),
    )

"""Figures of the chapter "The slowdown and the data wall" (chapters/05_slowdown.ipynb)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws.analyses.data_constrained import DecayFit, DecayInterval, repetition_implications
from scalinglaws.analyses.slowdown import frontier_loss
from scalinglaws.book import charts
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import DEFAULT_LAW, law_label

__all__ = [
    "decay_profile",
    "repeated_data_value",
    "frontier_ladder",
    "ladder_table",
    "allocation_table",
    "benchmarks",
    "metric_curves",
    "overtraining_prediction",
    "data_wall",
    "curation_table",
    "curation_lines",
    "pool_accuracy",
]


def _sig(x: float, digits: int = 3) -> float:
    """Round to ``digits`` significant digits (chart data derived from fitted values)."""
    return float(f"{x:.{digits}g}")


def decay_profile(
    profile: pd.DataFrame, interval: DecayInterval, fit: DecayFit, published: Mapping[str, float]
) -> charts.Figure:
    """Profile deviance of R_D* (R_N* re-optimised), the 95% threshold, both minima marked.

    ``profile`` from :func:`~scalinglaws.analyses.data_constrained.decay_profile`, ``interval`` from
    :func:`~scalinglaws.analyses.data_constrained.decay_interval`, ``fit`` the global fit (its
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

    ``band`` from :func:`scalinglaws.analyses.slowdown.frontier_band` (its ends rounded to 4 significant
    digits here, so the stored chart does not depend on the bootstrap fits' last digits),
    ``ladder`` from :func:`scalinglaws.analyses.slowdown.loss_drop_ladder` under ``ladder_law``.
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


def ladder_table(ladder: pd.DataFrame) -> Any:
    """The loss-drop ladder of :func:`scalinglaws.analyses.slowdown.loss_drop_ladder` as an HTML table
    (loss, compute, cost of each drop, total multiplier, reducible loss left)."""
    if not {"step", "loss", "flops", "step_multiplier", "total_multiplier"} <= set(ladder.columns):
        raise InputError("ladder must come from slowdown.loss_drop_ladder()")
    show = pd.DataFrame(
        {
            "drop": ladder["step"],
            "loss (nats/token)": [f"{v:.3f}" for v in ladder["loss"]],
            "compute C (FLOP)": [f"{v:.2e}" for v in ladder["flops"]],
            "cost of this drop": [
                "" if np.isnan(v) else f"{v:.1f}×" for v in ladder["step_multiplier"]
            ],
            "vs start": [f"{v:.3g}×" for v in ladder["total_multiplier"]],
            "reducible loss left": [f"{100 * v:.0f}%" for v in ladder["reducible_left"]],
        }
    )
    return charts.table(show)


def allocation_table(alloc: pd.DataFrame) -> Any:
    """Data-constrained allocations of
    :func:`scalinglaws.analyses.data_constrained.allocation_under_unique_tokens` as an HTML table."""
    need = {
        "flops",
        "params",
        "tokens",
        "epochs",
        "tokens_per_param",
        "params_free",
        "loss_penalty",
    }
    if not need <= set(alloc.columns):
        raise InputError("alloc must come from data_constrained.allocation_under_unique_tokens()")
    show = pd.DataFrame(
        {
            "compute C (FLOP)": [f"{c:.0e}" for c in alloc["flops"]],
            "N (params)": [f"{v:.3g}" for v in alloc["params"]],
            "D (tokens)": [f"{v:.3g}" for v in alloc["tokens"]],
            "epochs": [f"{v:.1f}" for v in alloc["epochs"]],
            "tokens/param": [f"{v:.0f}" for v in alloc["tokens_per_param"]],
            "N with unlimited data": [f"{v:.3g}" for v in alloc["params_free"]],
            "loss penalty (nats/token)": [f"{v:.4f}" for v in alloc["loss_penalty"]],
        }
    )
    return charts.table(show)


def benchmarks(models: pd.DataFrame, chance: Mapping[str, float]) -> charts.Figure:
    """Benchmark accuracy against training compute, with each benchmark's chance level.

    ``models``: Observational Scaling base models with a published compute (columns ``model,
    family, flops`` and one accuracy column per benchmark named in ``chance``); ``chance`` maps a
    benchmark to its chance accuracy (dashed rule).
    """
    if not chance or not {"model", "family", "flops", *chance} <= set(models.columns):
        raise InputError("models need columns model, family, flops and one per benchmark")
    long = models.melt(
        id_vars=["model", "family", "flops"],
        value_vars=list(chance),
        var_name="benchmark",
        value_name="accuracy",
    ).dropna()
    levels = pd.DataFrame({"benchmark": list(chance), "chance": list(chance.values())})
    pts = (
        alt.Chart(long)
        .mark_point(opacity=0.6)
        .encode(
            x=charts.log_x("flops", "Training compute C (FLOP, 6ND as published)", data=long),
            y=alt.Y("accuracy:Q", title="Accuracy (fraction)", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("benchmark:N", title="benchmark"),
            tooltip=[
                "model",
                "family",
                "benchmark",
                alt.Tooltip("accuracy:Q", format=".3f"),
                alt.Tooltip("flops:Q", format=".2e"),
            ],
        )
    )
    rule = alt.Chart(levels).mark_rule(strokeDash=[4, 4]).encode(y="chance:Q", color="benchmark:N")
    return charts.figure(
        charts.layer(pts, rule),
        title="Benchmarks against compute: floors and ceilings",
        caption=(
            f"Accuracy of {len(models)} public base models on MMLU, HellaSwag and GSM8K against training compute "
            "(Observational Scaling data, Ruan et al. 2024). Dashed lines: chance level (25% for the four-way "
            "multiple-choice benchmarks, 0 for GSM8K). Raw data; no fit is drawn."
        ),
        alt=(
            "Scatter of benchmark accuracy against log training compute. MMLU points sit at the 25 percent chance "
            "line for low compute and then climb; HellaSwag points rise early and bunch up near 0.8 to 0.9; GSM8K "
            "points stay near zero for small models and spread upward for the largest."
        ),
    )


def _rescale(v: pd.Series) -> pd.Series:
    return (v - v.iloc[0]) / (v.iloc[-1] - v.iloc[0])


def metric_curves(curves: pd.DataFrame) -> charts.Figure:
    """Each metric of the same runs rescaled to 0 (smallest run) ... 1 (largest) against compute.

    ``curves``: rows ``metric, flops, params, value`` in compute order within each metric (the
    M = 20 runs of :func:`scalinglaws.analyses.emergence.task_curves` plus the toy metric).
    """
    if not {"metric", "flops", "params", "value"} <= set(curves.columns):
        raise InputError("curves need columns metric, flops, params, value")
    m = curves.copy()
    m["normalised"] = m.groupby("metric")["value"].transform(_rescale)
    n_runs = int(m["metric"].str.startswith("per-token").sum())
    base = alt.Chart(m).encode(
        x=charts.log_x("flops", "Training compute C = 6ND (FLOP)", data=m),
        y=alt.Y("normalised:Q", title="Share of the total gain (0 = smallest run, 1 = largest)"),
        color=alt.Color("metric:N", title="metric"),
        tooltip=[
            "metric",
            alt.Tooltip("value:Q", format=".4f"),
            alt.Tooltip("flops:Q", format=".2e"),
            alt.Tooltip("params:Q", format=".3~s"),
        ],
    )
    return charts.figure(
        base.mark_line(point=True),
        title="Same models, different metrics: smooth or sudden",
        caption=(
            f"The {n_runs} compute-optimal (M = 20) RedPajama runs of Gadre et al. 2024. Each metric is rescaled so "
            "that the smallest run is 0 and the largest 1. Continuous: per-token probability exp(-L) from the C4 "
            "loss. Thresholded: LAMBADA and Jeopardy exact-match accuracy, and a toy 8-token exact match p^8 built "
            "from exp(-L). Measured values, no fit."
        ),
        alt=(
            "Line chart of four rescaled metrics against log compute. The per-token probability and LAMBADA "
            "accuracy rise steadily; Jeopardy exact match and the toy eight-token exact match stay near zero "
            "until the last two runs and then jump to one."
        ),
    )


def overtraining_prediction(
    runs: pd.DataFrame, split: Mapping[str, pd.DataFrame], fit: Any
) -> charts.Figure:
    """C4 loss of all runs against compute: the fitted runs, the two targets and their predictions.

    ``runs`` from :func:`scalinglaws.analyses.overtraining.prepare_runs`, ``split`` from
    :func:`~scalinglaws.analyses.overtraining.paper_split` (``fit``, ``targets``), ``fit`` the
    :class:`~scalinglaws.analyses.overtraining.OvertrainingFit` on ``split["fit"]`` (predictions with its
    parametric-bootstrap 95% intervals).
    """
    from scalinglaws.analyses.overtraining import relative_error

    fit_set, targets = split["fit"], split["targets"]
    pred = fit.loss(targets["params"], targets["multiplier"])
    lo, hi = fit.loss_interval(targets["params"], targets["multiplier"])
    rel = relative_error(pred, targets["loss_c4_val"])
    g_plot = runs.assign(
        role=np.where(
            runs["run"].isin(fit_set["run"]),
            "fitted",
            np.where(runs["run"].isin(targets["run"]), "predicted target", "not used"),
        )
    )
    tgt = targets.assign(pred=pred, lo=lo, hi=hi)
    x_enc = charts.log_x("flops", "Training compute C = 6ND (FLOP)", data=g_plot)
    pts = (
        alt.Chart(g_plot)
        .mark_point(filled=True, size=60)
        .encode(
            x=x_enc,
            y=alt.Y(
                "loss_c4_val:Q",
                title="C4 validation loss (nats/token)",
                scale=alt.Scale(zero=False),
            ),
            color=alt.Color(
                "role:N",
                title="run",
                scale=alt.Scale(
                    domain=["fitted", "predicted target", "not used"],
                    range=[charts.PALETTE[0], charts.PALETTE[3], "#BBBBBB"],
                ),
            ),
            tooltip=[
                "model",
                alt.Tooltip("multiplier:Q", title="M"),
                alt.Tooltip("loss_c4_val:Q", format=".3f"),
            ],
        )
    )
    bars = (
        alt.Chart(tgt)
        .mark_rule(strokeWidth=2, color="#000000")
        .encode(x="flops:Q", y="lo:Q", y2="hi:Q")
    )
    ticks = (
        alt.Chart(tgt)
        .mark_tick(color="#000000", thickness=2, size=16)
        .encode(x="flops:Q", y="pred:Q")
    )
    return charts.figure(
        charts.layer(pts, bars, ticks),
        title="Predicting a 32x over-trained run from small ones",
        caption=(
            f"C4 validation loss of the 35 RedPajama runs of Gadre et al. 2024. Blue: the 5 runs fitted; vermillion: "
            f"the 1.4B M=640 and 6.9B M=20 targets; black ticks and bars: predictions with {fit.n_boot}-resample "
            f"parametric-bootstrap 95% intervals. Relative errors {100 * rel[0]:.2f}% and {100 * rel[1]:.2f}%."
        ),
        alt=(
            "Scatter of loss against log compute for 35 runs. Five blue fitted runs lie at low compute; the two "
            "vermillion target runs at the highest compute sit on the black predicted ticks, inside wide black "
            "interval bars."
        ),
    )


def data_wall(
    models: pd.DataFrame, growth: Any, wall: Any, *, start_year: int, end_year: float = 2034.0
) -> charts.Figure:
    """Training-set sizes of frontier language models, their trend and the stock of human text.

    ``models`` the Epoch notable-models table, ``growth`` the
    :func:`scalinglaws.analyses.trends.fit_growth` of their dataset sizes from ``start_year`` to February
    2025 (band to ``end_year``), ``wall`` the :func:`scalinglaws.analyses.datawall.data_wall_mc` result
    (its interval drawn as a bar at the median stock).
    """
    from scalinglaws.analyses import datawall, trends

    years = np.linspace(float(start_year), end_year, 120)
    tb = trends.trend_band(growth, years)
    pts_df = trends.select_models(
        models,
        quantity="dataset_size_tokens",
        language_only=True,
        frontier_only=True,
        start=f"{start_year}-01-01",
        end="2025-02-28",
    )
    stock_df = pd.DataFrame(
        {
            "year": [years[0], years[-1]],
            "lo": [datawall.STOCK_LO] * 2,
            "hi": [datawall.STOCK_HI] * 2,
            "mid": [datawall.STOCK_MEDIAN] * 2,
        }
    )
    all_vals = np.concatenate([tb["lo"], tb["hi"], pts_df["value"], [datawall.STOCK_HI]])
    y_enc = charts.log_enc("y", "fit", "Training-set size D (tokens)", all_vals[all_vals > 0])
    ysc = alt.Scale(**y_enc.to_dict()["scale"])
    x_enc = alt.X(
        "year:Q", title="Publication year", scale=alt.Scale(zero=False), axis=alt.Axis(format="d")
    )
    stock_band = (
        alt.Chart(stock_df)
        .mark_area(opacity=0.15, color=charts.PALETTE[3])
        .encode(x=x_enc, y=alt.Y("lo:Q", scale=ysc), y2="hi:Q")
    )
    stock_line = (
        alt.Chart(stock_df)
        .mark_line(color=charts.PALETTE[3], strokeDash=[6, 3])
        .encode(x=x_enc, y="mid:Q")
    )
    trend_area = (
        alt.Chart(tb)
        .mark_area(opacity=0.25, color=charts.PALETTE[0])
        .encode(x=x_enc, y=alt.Y("lo:Q", scale=ysc), y2="hi:Q")
    )
    trend_line = alt.Chart(tb).mark_line(color=charts.PALETTE[0]).encode(x=x_enc, y=y_enc)
    pts = (
        alt.Chart(pts_df)
        .mark_point(filled=True, color="#000000", size=40)
        .encode(
            x=x_enc,
            y=alt.Y("value:Q", scale=ysc),
            tooltip=[
                "model",
                alt.Tooltip("value:Q", format=".3~s", title="tokens"),
                alt.Tooltip("year:Q", format=".1f"),
            ],
        )
    )
    wall_df = pd.DataFrame(
        {"lo": [wall.interval[0]], "hi": [wall.interval[1]], "y": [datawall.STOCK_MEDIAN]}
    )
    wall_bar = (
        alt.Chart(wall_df)
        .mark_rule(strokeWidth=4, color=charts.PALETTE[1])
        .encode(x="lo:Q", x2="hi:Q", y="y:Q")
    )
    return charts.figure(
        charts.layer(stock_band, stock_line, trend_area, trend_line, pts, wall_bar),
        title="Training sets against the stock of human text",
        caption=(
            f"Training-set sizes of {growth.n} Epoch frontier language models (black) and their log-linear trend, "
            f"{growth.growth_per_year:.2f}x per year (blue line; band: {growth.n_boot}-resample bootstrap 95% "
            f"interval), extended to {end_year:.0f}. Red band: Villalobos et al.'s stock of public human text, "
            f"100T-1000T tokens (dashed: 300T). Orange bar: 80% Monte Carlo interval of the year of full use, "
            f"{wall.interval[0]:.1f} to {wall.interval[1]:.1f}."
        ),
        alt=(
            "Log-scale chart of training-set size in tokens against year. Black points of frontier models rise "
            "from about a billion tokens in the early 2010s to over ten trillion in 2024; a blue trend line with a "
            "widening band continues upward and crosses a red horizontal band between 100 and 1000 trillion tokens "
            "around the end of the decade, where an orange bar marks the projected year of full use."
        ),
    )


def curation_table(comparison: pd.DataFrame) -> Any:
    """CORE of each training set at one scale and its gap to the reference set, as an HTML table.

    ``comparison`` from :func:`scalinglaws.analyses.curation.compare_datasets` (fractions; shown x 100
    like the paper)."""
    need = {"dataset", "core", "diff", "diff_lo", "diff_hi", "separated"}
    if not need <= set(comparison.columns):
        raise InputError("comparison must come from curation.compare_datasets()")
    ref = comparison.loc[comparison["diff_lo"] == comparison["diff_hi"], "dataset"].iloc[0]
    show = comparison.assign(
        core=100 * comparison["core"],
        diff=100 * comparison["diff"],
        ci=[
            "–" if lo == hi else f"[{100 * lo:.1f}, {100 * hi:.1f}]"
            for lo, hi in zip(comparison["diff_lo"], comparison["diff_hi"], strict=True)
        ],
    )
    return charts.table(
        show,
        columns={
            "dataset": "Training set",
            "core": "CORE (×100)",
            "diff": f"Behind {ref} (CORE points)",
            "ci": "95% interval (bootstrap over tasks)",
            "separated": "Interval excludes 0",
        },
        formats={"core": "{:.1f}", "diff": "{:.1f}"},
    )


def curation_lines(lines: pd.DataFrame, multiplier: Mapping[str, Any]) -> charts.Figure:
    """CORE against training compute for two training sets, their straight lines in log C, and the
    compute the worse set needs to reach the better one's CORE at the largest common scale.

    ``lines`` from :func:`scalinglaws.analyses.curation.core_lines`, ``multiplier`` from
    :func:`~scalinglaws.analyses.curation.filtering_compute_multiplier` for the same two sets.
    """
    need = {"dataset", "flops", "core", "slope", "intercept"}
    if not need <= set(lines.columns) or not {"value", "better", "worse", "flops"} <= set(
        multiplier
    ):
        raise InputError(
            "lines and multiplier must come from curation.core_lines() and "
            "curation.filtering_compute_multiplier()"
        )
    m, c_max = float(multiplier["value"]), float(multiplier["flops"])
    x_end = c_max * (m if np.isfinite(m) and m > 1 else 1.0)
    grid = np.geomspace(lines["flops"].min(), x_end, 30)
    fits = pd.concat(
        [
            pd.DataFrame(
                {
                    "dataset": ds,
                    "flops": grid,
                    "core": 100
                    * (
                        _sig(g["intercept"].iloc[0], 4)
                        + _sig(g["slope"].iloc[0], 4) * np.log10(grid)
                    ),
                }
            )
            for ds, g in lines.groupby("dataset", sort=False)
        ],
        ignore_index=True,
    )
    pts = lines.assign(core=100 * lines["core"])
    x = charts.log_x("flops", "Training compute C = 6ND (FLOP)", data=fits)
    y = alt.Y("core:Q", title="CORE (centered accuracy ×100)", scale=alt.Scale(zero=False))
    color = alt.Color("dataset:N", title=None, legend=alt.Legend(orient="top"))
    fit_lines = alt.Chart(fits).mark_line(strokeDash=[5, 3]).encode(x=x, y=y, color=color)
    dots = (
        alt.Chart(pts)
        .mark_point(filled=True, size=60)
        .encode(
            x="flops:Q",
            y="core:Q",
            color=color,
            tooltip=["dataset", "scale", alt.Tooltip("core:Q", format=".1f")],
        )
    )
    b = lines[lines["dataset"] == multiplier["better"]]
    target = 100 * (_sig(b["intercept"].iloc[0], 4) + _sig(b["slope"].iloc[0], 4) * np.log10(c_max))
    reach = pd.DataFrame({"x0": [c_max], "x1": [x_end], "y": [target]})
    arrow = (
        alt.Chart(reach)
        .mark_rule(color="#555555", strokeWidth=2)
        .encode(x="x0:Q", x2="x1:Q", y="y:Q")
    )
    ident = "" if multiplier.get("identified") else " The reading is not identified (see text)."
    return charts.figure(
        charts.layer(fit_lines, dots, arrow),
        title="What filtering is worth in compute",
        caption=(
            f"CORE of {multiplier['better']} and {multiplier['worse']} at 412M, 1.4B and 6.9B parameters "
            "(20 tokens per parameter, the same recipe; dots) and straight lines in log compute "
            f"(dashed). The grey bar runs from {c_max:.2g} FLOP to where the {multiplier['worse']} "
            f"line reaches the {multiplier['better']} line's CORE there: {m:.2g}× the compute.{ident}"
        ),
        alt=(
            "Chart of CORE score against training compute on a log axis. Two sets of three points rise "
            "almost in parallel along dashed straight lines, the better-filtered set higher at every "
            "scale; a grey horizontal bar from the largest run to the lower line shows the extra "
            "compute the lower set needs to match."
        ),
    )


def pool_accuracy(curves: pd.DataFrame, switches: pd.DataFrame) -> charts.Figure:
    """Predicted ImageNet zero-shot accuracy of the nested CLIP data pools against samples seen, with
    the budgets where the best pool changes (Goyal et al.'s fitted law; CLIP, not a language model).

    ``curves`` from :func:`scalinglaws.analyses.curation.pool_curves`, ``switches`` from
    :func:`~scalinglaws.analyses.curation.pool_crossovers`.
    """
    if not {"samples", "pool", "accuracy"} <= set(curves.columns) or "samples" not in switches:
        raise InputError(
            "curves and switches must come from curation.pool_curves() and "
            "curation.pool_crossovers()"
        )
    df = curves.assign(accuracy=100 * curves["accuracy"].round(6))
    x = charts.log_x("samples", "Samples seen (image-text pairs)", data=df)
    y = alt.Y("accuracy:Q", title="Predicted ImageNet zero-shot accuracy (%)")
    pools = list(dict.fromkeys(df["pool"]))
    lines = (
        alt.Chart(df)
        .mark_line()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "pool:N", title="Pool (T-MARS rank)", sort=pools, legend=alt.Legend(orient="top")
            ),
            tooltip=[
                "pool",
                alt.Tooltip("samples:Q", format=".3~s"),
                alt.Tooltip("accuracy:Q", format=".1f"),
            ],
        )
    )
    sw = switches.assign(
        label=[
            f"{a} → {b}" for a, b in zip(switches["from_pool"], switches["to_pool"], strict=True)
        ]
    )
    rules = (
        alt.Chart(sw)
        .mark_rule(color="#888888", strokeDash=[4, 4])
        .encode(x="samples:Q", tooltip=["label", alt.Tooltip("samples:Q", format=".3~s")])
    )
    where = (
        ", ".join(f"{r.label} at {r.samples:.4g}" for r in sw.itertuples()) or "none in this range"
    )
    return charts.figure(
        charts.layer(lines, rules) if len(sw) else lines,
        title="CLIP, not a language model: the best data pool widens with compute",
        caption=(
            "Goyal et al.'s fitted law for CLIP models on DataComp (T-MARS quality buckets of 12.8M "
            "image-text pairs, utility halving every tau repetitions): predicted ImageNet zero-shot "
            "accuracy of the nested pools top 10% to top 40% against samples seen. Dashed rules: where "
            f"the best pool changes ({where} samples)."
        ),
        alt=(
            "Log-x chart of predicted accuracy against samples seen with four rising curves. The top-10% "
            "pool is highest at small budgets but flattens early as its few samples repeat; the wider "
            "pools start lower, keep rising and overtake it one after another at the dashed rules."
        ),
    )

"""Figures of the chapter "The GPT series: scale as a strategy" (chapters/03_gpt_series.ipynb)."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws.book import charts
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import DEFAULT_LAW, law_label

__all__ = [
    "allocation_frontier",
    "frontier",
    "predictable_scaling",
    "compute_trend",
    "benchmark_sigmoid",
    "icl_gain_by_size",
    "icl_gain_by_tokens",
    "overoptimization",
]

#: Budgets (FLOP) along which :func:`frontier` draws the two compute-optimal rules.
FRONTIER_GRID = np.geomspace(1e18, 1e26, 60)

_X_COMPUTE = "Training compute C (FLOP, 6ND)"


def _sig(values: np.ndarray, digits: int = 3) -> np.ndarray:
    """Round to ``digits`` significant digits (chart data derived from resampled fits)."""
    return np.array([float(f"{v:.{digits}g}") for v in np.asarray(values, dtype=np.float64)])


def allocation_frontier(
    series: pd.DataFrame,
    family: pd.DataFrame,
    lines: pd.DataFrame,
    band: pd.DataFrame,
    *,
    level: float,
    n_boot: int,
) -> charts.Figure:
    """Parameters against compute for the GPT models, with Kaplan's and the canonical law's optima.

    Parameters
    ----------
    series : DataFrame
        :func:`scalinglaws.analyses.gpt_series.series_table` (GPT-1 to GPT-4).
    family : DataFrame
        :func:`scalinglaws.analyses.gpt_series.gpt3_family` (the eight GPT-3 models).
    lines : DataFrame
        :func:`scalinglaws.analyses.gpt_series.frontier_lines` on a grid of budgets (both rules).
    band : DataFrame
        :func:`scalinglaws.analyses.gpt_series.chinchilla_band` on the same grid (``flops, lo, hi``).
    level, n_boot
        Level and number of resamples of the band (for the caption).
    """
    need = {
        "series": (series, {"name", "flops", "params", "tokens_per_param", "vs_kaplan"}),
        "family": (family, {"name", "flops_printed", "n_params_table_d1", "tokens_per_param"}),
        "lines": (lines, {"flops", "params", "rule"}),
        "band": (band, {"flops", "lo", "hi"}),
    }
    for what, (df, cols) in need.items():
        if not isinstance(df, pd.DataFrame) or not cols <= set(df.columns):
            raise InputError(f"{what} must be a DataFrame with columns {sorted(cols)}")
    if "GPT-4" not in set(series["name"]):
        raise InputError("series must hold the GPT-4 row (its compute is marked)")
    pts = series.dropna(subset=["params"])[["name", "flops", "params", "tokens_per_param"]].copy()
    pts["group"] = "GPT-1, GPT-2, GPT-3"
    f3 = family[["name", "flops_printed", "n_params_table_d1", "tokens_per_param"]].rename(
        columns={"flops_printed": "flops", "n_params_table_d1": "params"}
    )
    f3["group"] = "GPT-3 family (300B tokens each)"
    f3 = f3[f3["name"] != "GPT-3 175B"]
    all_pts = pd.concat([pts, f3])
    canon = f"Chinchilla form ({law_label(DEFAULT_LAW)})"
    bd = pd.DataFrame(
        {"flops": band["flops"], "lo": _sig(band["lo"]), "hi": _sig(band["hi"]), "rule": canon}
    )
    xv = np.concatenate([lines["flops"], all_pts["flops"]])
    yv = np.concatenate([lines["params"], all_pts["params"], bd["lo"], bd["hi"]])
    x_enc = charts.log_x("flops", "Training compute C (FLOP)", data=pd.DataFrame({"flops": xv}))
    y_enc = charts.log_y("params", "Parameters N", data=pd.DataFrame({"params": yv}))
    rules = sorted(set(lines["rule"]))
    colour = alt.Scale(domain=rules, range=[charts.PALETTE[2], charts.PALETTE[3]][: len(rules)])
    area = (
        alt.Chart(bd)
        .mark_area(opacity=0.2)
        .encode(
            x=x_enc,
            y=charts.log_y("lo", "Parameters N", data=pd.DataFrame({"lo": yv})),
            y2="hi:Q",
            color=alt.Color("rule:N", scale=colour, legend=None),
        )
    )
    front = (
        alt.Chart(lines)
        .mark_line(strokeDash=[6, 3])
        .encode(
            x=x_enc,
            y=y_enc,
            color=alt.Color(
                "rule:N",
                title="Compute-optimal N",
                scale=colour,
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400),
            ),
        )
    )
    dots = (
        alt.Chart(all_pts)
        .mark_point(filled=True, size=80)
        .encode(
            x=x_enc,
            y=y_enc,
            shape=alt.Shape(
                "group:N",
                title=None,
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400),
            ),
            tooltip=[
                "name",
                alt.Tooltip("flops:Q", format=".3~e"),
                alt.Tooltip("params:Q", format=".3~e"),
                alt.Tooltip("tokens_per_param:Q", format=".1f"),
            ],
        )
    )
    labels = (
        alt.Chart(pts)
        .mark_text(align="left", dx=8, dy=-6, fontSize=12)
        .encode(x=x_enc, y=y_enc, text="name:N")
    )
    g4 = series.set_index("name").loc["GPT-4", "flops"]
    g4_rule = alt.Chart(pd.DataFrame({"flops": [g4], "name": ["GPT-4 (Epoch estimate)"]}))
    g4_layer = g4_rule.mark_rule(color="#555555", strokeDash=[2, 2]).encode(
        x="flops:Q"
    ) + g4_rule.mark_text(align="right", dx=-4, y=12, fontSize=12).encode(
        x="flops:Q", text="name:N"
    )
    # where the models sit, for the alt text (computed, not assumed)
    by = series.set_index("name")
    canon_rows = lines[lines["rule"] == canon]

    def log_canon(c: float) -> float:
        """ln N_opt of the canonical law at budget c, read off its line."""
        return float(
            np.interp(np.log(c), np.log(canon_rows["flops"]), np.log(canon_rows["params"]))
        )

    early_below = all(
        np.log(by.loc[n, "params"]) < log_canon(by.loc[n, "flops"]) and by.loc[n, "vs_kaplan"] < 1
        for n in ("GPT-1", "GPT-2 (1.5B)")
    )
    g3 = by.loc["GPT-3 175B"]
    g3_between = g3["vs_kaplan"] < 1 and np.log(g3["params"]) > log_canon(g3["flops"])
    pct = f"{100 * level:.0f}%"
    return charts.figure(
        alt.layer(area, front, dots, labels, g4_layer),
        title="The GPT models against two compute-optimal rules",
        caption=(
            "Parameters against training compute for GPT-1 and GPT-2 (published sizes, Epoch AI compute "
            "estimates), GPT-3 175B and the seven smaller GPT-3 models (Brown et al. 2020, Tables 2.1 and "
            "D.1), with the compute-optimal size under Kaplan et al.'s Table 6 rule (published without an "
            f"uncertainty) and under the canonical Chinchilla-form law ({law_label(DEFAULT_LAW)} of "
            f"Hoffmann et al.'s data), dashed, with its {pct} bootstrap band ({n_boot} resamples of the "
            "law). GPT-4's size is unknown; the dotted line marks Epoch's compute estimate."
        ),
        alt=(
            "Log-log chart: two dashed rising lines, the Kaplan line steeper, the other with a shaded band; "
            "GPT-1 and GPT-2 lie "
            + ("below both lines" if early_below else "near the lines")
            + ", GPT-3 175B lies "
            + ("between them" if g3_between else "near them")
            + ", and the smaller GPT-3 models run from below both lines towards GPT-3."
        ),
    )


def frontier(
    series: pd.DataFrame,
    family: pd.DataFrame,
    *,
    n_boot: int,
    seed: int,
    level: float,
) -> charts.Figure:
    """:func:`allocation_frontier` on :data:`FRONTIER_GRID`, with the canonical law's band.

    ``series`` from :func:`scalinglaws.analyses.gpt_series.series_table`, ``family`` from
    :func:`scalinglaws.analyses.gpt_series.gpt3_family`; ``n_boot``, ``seed`` and ``level`` of the band
    (:func:`scalinglaws.analyses.gpt_series.chinchilla_band`).
    """
    from scalinglaws.analyses import gpt_series as gs

    return allocation_frontier(
        series,
        family,
        gs.frontier_lines(FRONTIER_GRID),
        gs.chinchilla_band(FRONTIER_GRID, n_boot=n_boot, seed=seed, level=level),
        level=level,
        n_boot=n_boot,
    )


def predictable_scaling(pred: Any, *, dataset: str) -> charts.Figure:
    """GPT-4-style prediction: the saturating law fitted to the small runs, the held-out large runs.

    Parameters
    ----------
    pred : scalinglaws.analyses.predictable.Prediction
        :func:`scalinglaws.analyses.predictable.predict_large_end` on one family of runs (its fit's
        ``level`` and ``n_boot`` are named in the caption).
    dataset : str
        Display name of the runs' training set (e.g. ``"RedPajama"``).
    """
    from scalinglaws.analyses.predictable import Prediction

    if not isinstance(pred, Prediction):
        raise InputError(f"pred must be a predictable.Prediction, got {type(pred).__name__}")
    tab = pred.table
    grid = np.geomspace(tab["flops"].min(), tab["flops"].max() * 1.5, 60)
    lo, hi = pred.fit.interval(grid)
    curve = pd.DataFrame({"flops": grid, "loss": pred.fit.predict(grid), "lo": lo, "hi": hi})
    used = tab["used_in_fit"]
    slope = np.polyfit(np.log(tab["flops"][used]), np.log(tab["loss"][used]), 1)
    pl = pd.DataFrame({"flops": grid, "loss": np.exp(np.polyval(slope, np.log(grid)))})
    pts = tab.assign(role=np.where(used, "fitted", "predicted (held out)"))
    xv = np.concatenate([grid, tab["flops"]])
    yv = np.concatenate([lo, hi, tab["loss"], pl["loss"]])
    x_enc = charts.log_enc("x", "flops", _X_COMPUTE, xv)
    y_title = "C4 validation loss (nats/token)"
    band = (
        alt.Chart(curve)
        .mark_area(opacity=0.2, color=charts.PALETTE[0])
        .encode(x=x_enc, y=charts.log_enc("y", "lo", y_title, yv), y2="hi:Q")
    )
    line = (
        alt.Chart(curve)
        .mark_line(color=charts.PALETTE[0])
        .encode(x=x_enc, y=charts.log_enc("y", "loss", y_title, yv))
    )
    plaw = (
        alt.Chart(pl)
        .mark_line(color=charts.PALETTE[3], strokeDash=[5, 3])
        .encode(x=x_enc, y=charts.log_enc("y", "loss", y_title, yv))
    )
    dots = (
        alt.Chart(pts)
        .mark_point(filled=True, size=90)
        .encode(
            x=x_enc,
            y=charts.log_enc("y", "loss", y_title, yv),
            color=alt.Color(
                "role:N", title=None, scale=alt.Scale(range=[charts.PALETTE[0], charts.PALETTE[1]])
            ),
            tooltip=[
                alt.Tooltip("flops:Q", format=".3~e"),
                alt.Tooltip("loss:Q", format=".3f"),
                alt.Tooltip("predicted:Q", format=".3f"),
                alt.Tooltip("rel_error:Q", format=".2%"),
            ],
        )
    )
    pct = f"{100 * pred.fit.level:.0f}%"
    return charts.figure(
        band + line + plaw + dots,
        title="Predicting the largest runs from the smallest",
        caption=(
            f"Gadre et al.'s {dataset} runs at about 20 tokens per parameter: C4 validation loss "
            f"against compute. Blue: the saturating law fitted to the {pred.n_fit} smallest runs, "
            f"with its {pct} residual-bootstrap band ({pred.fit.n_boot} resamples); orange: the "
            f"{pred.n_predicted} held-out runs, up to {pred.extrapolation:.0f}x more compute. Dashed "
            "red: a pure power law fitted to the same points. Error at the largest run: "
            f"{100 * pred.largest_rel_error:+.2f}% (saturating) and "
            f"{100 * pred.power_law_largest_rel_error:+.1f}% (pure power law)."
        ),
        alt=(
            "Falling loss against compute on log axes: a fitted curve with a band passes through "
            "the small fitted points and close to the held-out large points; a dashed straight line "
            "falls below the large points."
        ),
    )


def compute_trend(models: pd.DataFrame, fit_all: Any, fit_lm: Any) -> charts.Figure:
    """Training compute of Epoch AI's notable models against date, with two fitted trends.

    Parameters
    ----------
    models : DataFrame
        The Epoch notable-models table (``scalinglaws.data.load("epoch_notable_models")``).
    fit_all, fit_lm : scalinglaws.analyses.trends.TrendFit
        Compute-growth fits to all models and to language models; the points shown are the
        models in ``fit_all``'s window, the GPT models are labelled.
    """
    from scalinglaws.analyses import trends

    for name, f in (("fit_all", fit_all), ("fit_lm", fit_lm)):
        if not isinstance(f, trends.TrendFit):
            raise InputError(f"{name} must be a trends.TrendFit, got {type(f).__name__}")
    sel_all = trends.select_models(models, start=fit_all.start, end=fit_all.end)
    lang_names = set(
        trends.select_models(models, start=fit_all.start, end=fit_all.end, language_only=True)[
            "model"
        ]
    )
    sel_all["kind"] = np.where(sel_all["model"].isin(lang_names), "language model", "other domain")
    gpt_pts = trends.select_models(models, start="2018-01-01", end="2024-12-31")
    gpt_pts = gpt_pts[
        gpt_pts["model"].isin({"GPT-1", "GPT-2 (1.5B)", "GPT-3 175B (davinci)", "GPT-4"})
    ]
    bands = []
    for name, f in (("all models", fit_all), ("language models", fit_lm)):
        first = (
            float(sel_all["year"].min())
            if name == "all models"
            else trends.fractional_year([f.start])[0]
        )
        b = trends.trend_band(f, np.linspace(first, trends.fractional_year([f.end])[0], 50))
        b["trend"] = f"{name}: {f.growth_per_year:.1f}x/yr"
        bands.append(b)
    bands = pd.concat(bands)
    y_title = "Training compute C (FLOP)"
    yv = np.concatenate([sel_all["value"], bands["lo"], bands["hi"]])
    x_enc = alt.X(
        "year:Q",
        title="Publication date (year)",
        scale=alt.Scale(zero=False),
        axis=alt.Axis(format="d"),
    )
    trend_colours = alt.Scale(range=[charts.PALETTE[6], charts.PALETTE[3]])
    scatter = (
        alt.Chart(sel_all)
        .mark_circle(size=28, opacity=0.55)
        .encode(
            x=x_enc,
            y=charts.log_enc("y", "value", y_title, yv),
            color=alt.Color(
                "kind:N", title="Model", scale=alt.Scale(range=[charts.PALETTE[0], "#9a9a9a"])
            ),
            tooltip=[
                "model",
                alt.Tooltip("publication_date:T", format="%Y-%m-%d"),
                alt.Tooltip("value:Q", format=".3~e"),
            ],
        )
    )
    tband = (
        alt.Chart(bands)
        .mark_area(opacity=0.25)
        .encode(
            x=x_enc,
            y=charts.log_enc("y", "lo", y_title, yv),
            y2="hi:Q",
            color=alt.Color("trend:N", title="Least-squares trend", scale=trend_colours),
        )
    )
    tline = (
        alt.Chart(bands)
        .mark_line()
        .encode(
            x=x_enc,
            y=charts.log_enc("y", "fit", y_title, yv),
            color=alt.Color("trend:N", scale=trend_colours, legend=None),
        )
    )
    glabels = (
        alt.Chart(gpt_pts)
        .mark_text(align="right", dx=-6, dy=-8, fontSize=12, fontWeight="bold")
        .encode(x=x_enc, y=charts.log_enc("y", "value", y_title, yv), text="model:N")
    )
    pct = f"{100 * fit_all.level:.0f}%"
    return charts.figure(
        alt.layer(scatter, tband, tline, glabels).resolve_scale(color="independent"),
        title="Training compute of notable AI models",
        caption=(
            f"Epoch AI notable-models data (CC BY 4.0, export of 2025-02-24), {fit_all.n} models "
            f"with a compute estimate published {fit_all.start} to {fit_all.end}. Lines: "
            f"least-squares trends of log10 C on date with {pct} pairs-bootstrap bands "
            f"({fit_all.n_boot} resamples): all models {fit_all.growth_per_year:.2f}x per year "
            f"[{fit_all.growth_ci[0]:.2f}, {fit_all.growth_ci[1]:.2f}]; language models since "
            f"{fit_lm.start} {fit_lm.growth_per_year:.1f}x [{fit_lm.growth_ci[0]:.1f}, "
            f"{fit_lm.growth_ci[1]:.1f}]. GPT models labelled."
        ),
        alt=(
            "Scatter of training compute on a log axis against publication year rising steadily "
            "over about 14 orders of magnitude, with two fitted trend lines and bands; the "
            "language-model trend is "
            + ("steeper." if fit_lm.slope > fit_all.slope else "not steeper.")
        ),
    )


def benchmark_sigmoid(bench: pd.DataFrame, fit: dict[str, Any], benchmark: str) -> charts.Figure:
    """Benchmark score against compute for public base models, with the fitted logistic curve.

    Parameters
    ----------
    bench : DataFrame
        :func:`scalinglaws.analyses.gpt_series.benchmark_models` (``model, family, flops`` and the score).
    fit : dict
        :func:`scalinglaws.analyses.gpt_series.fit_benchmark_sigmoid` on those models (its ``level`` and
        ``n_boot`` are named in the caption).
    benchmark : str
        The score column (e.g. ``"MMLU"``).
    """
    from scalinglaws.analyses import gpt_series as gs

    if not isinstance(bench, pd.DataFrame) or not {"model", "family", "flops", benchmark} <= set(
        bench.columns
    ):
        raise InputError(f"bench must be a DataFrame with model, family, flops and {benchmark!r}")
    bench = bench.copy()
    grid = np.geomspace(bench["flops"].min(), bench["flops"].max(), 50)
    band = gs.sigmoid_band(fit, grid)
    shown = list(bench["family"].value_counts().index[:6])
    bench["family shown"] = np.where(bench["family"].isin(shown), bench["family"], "other families")
    x_enc = charts.log_enc("x", "flops", _X_COMPUTE, np.concatenate([grid, bench["flops"]]))
    y_title = f"{benchmark} score (fraction correct)"
    chart = (
        alt.Chart(band)
        .mark_area(opacity=0.2, color=charts.PALETTE[6])
        .encode(x=x_enc, y=alt.Y("lo:Q", title=y_title), y2="hi:Q")
        + alt.Chart(band)
        .mark_line(color=charts.PALETTE[6])
        .encode(x=x_enc, y=alt.Y("score:Q", title=y_title))
        + alt.Chart(bench)
        .mark_point(filled=True, size=50, opacity=0.8)
        .encode(
            x=x_enc,
            y=alt.Y(f"{benchmark}:Q", title=y_title),
            color=alt.Color("family shown:N", title="Family", sort=shown + ["other families"]),
            tooltip=[
                "model",
                "family",
                alt.Tooltip("flops:Q", format=".3~e"),
                alt.Tooltip(f"{benchmark}:Q", format=".3f"),
            ],
        )
    )
    pct = f"{100 * fit['level']:.0f}%"
    return charts.figure(
        chart,
        title=f"{benchmark} against training compute for public base models",
        caption=(
            f"Observational Scaling data (Ruan et al. 2024): the {len(bench)} base models, from "
            f"{bench['family'].nunique()} families, with both a training compute and a {benchmark} "
            "score. Black: logistic curve in log10 C with a fitted floor (least squares), with its "
            f"{pct} pairs-bootstrap band ({fit['n_boot']} resamples); floor {fit['floor']:.2f}, "
            f"halfway point {10 ** fit['mid']:.2g} FLOP. The six largest families are coloured."
        ),
        alt=(
            f"Scatter of {benchmark} score against log training compute with an S-shaped fitted "
            "curve: scores sit near a floor for small compute and rise at large compute, with a "
            "wide spread between families."
        ),
    )


_Y_GAIN = "Five-shot minus zero-shot accuracy (fraction)"


def _check_trend(trend: Any, along: str) -> None:
    from scalinglaws.analyses.icl import GainTrend

    if not isinstance(trend, GainTrend) or trend.along != along:
        raise InputError(f"trend must be an icl.GainTrend along {along!r}")


def icl_gain_by_size(gains: pd.DataFrame, trend: Any) -> charts.Figure:
    """Five-shot gain of every task against Pythia model size, with the mean over tasks and its band.

    Parameters
    ----------
    gains : DataFrame
        :func:`scalinglaws.analyses.icl.fewshot_gains`.
    trend : scalinglaws.analyses.icl.GainTrend
        :func:`scalinglaws.analyses.icl.gain_trend` along ``"params"`` (its checkpoint is drawn).
    """
    _check_trend(trend, "params")
    need = {"task", "params", "step", "gain", "gain_se"}
    if not isinstance(gains, pd.DataFrame) or not need <= set(gains.columns):
        raise InputError(f"gains must be a DataFrame with columns {sorted(need)}")
    step = int(trend.table["step"].iloc[0])
    pts = gains[gains["step"] == step][["task", "params", "gain", "gain_se"]].copy()
    used = pts["task"].isin(trend.tasks)
    left = pts[~used].assign(label=lambda df: df["task"] + " (left out: no signal)")
    pts = pts[used]
    mean = trend.table.assign(lo=_sig(trend.table["lo"]), hi=_sig(trend.table["hi"]))
    mean["label"] = "mean over tasks"
    x_enc = charts.log_enc("x", "params", "Model size N (parameters, total)", pts["params"])
    mean_x = charts.log_enc("x", "x", "Model size N (parameters, total)", pts["params"])
    tips = [
        "task",
        alt.Tooltip("params:Q", format=".3~s"),
        alt.Tooltip("gain:Q", format="+.3f"),
        alt.Tooltip("gain_se:Q", format=".3f", title="standard error"),
    ]
    # task colours: the palette without black (the mean's colour), plus brown for an eighth task
    task_colours = [c for c in charts.PALETTE if c != charts.PALETTE[6]] + ["#8C564B", "#999999"]
    lines = (
        alt.Chart(pts)
        .mark_line(point=True, strokeWidth=1.2, opacity=0.8)
        .encode(
            x=x_enc,
            y=alt.Y("gain:Q", title=_Y_GAIN),
            color=alt.Color("task:N", title="Task", scale=alt.Scale(range=task_colours)),
            tooltip=tips,
        )
    )
    out = (
        alt.Chart(left)
        .mark_line(
            point=alt.OverlayMarkDef(color="#9a9a9a"),
            strokeWidth=1,
            strokeDash=[4, 3],
            color="#9a9a9a",
        )
        .encode(
            x=x_enc,
            y=alt.Y("gain:Q", title=_Y_GAIN),
            detail="label:N",
            tooltip=["label:N", *tips[1:]],
        )
    )
    band = (
        alt.Chart(mean)
        .mark_area(opacity=0.2, color=charts.PALETTE[6])
        .encode(x=mean_x, y=alt.Y("lo:Q", title=_Y_GAIN), y2="hi:Q")
    )
    mline = (
        alt.Chart(mean)
        .mark_line(color=charts.PALETTE[6], strokeWidth=3)
        .encode(x=mean_x, y=alt.Y("mean:Q", title=_Y_GAIN))
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#888888").encode(y="y:Q")
    pct = f"{100 * trend.level:.0f}%"
    return charts.figure(
        alt.layer(band, zero, out, lines, mline),
        title="Five-shot gain against model size (Pythia, final checkpoint)",
        caption=(
            f"Pythia's eight models at step {step:,}: five-shot minus zero-shot accuracy per task "
            "(lm-evaluation-harness, the 57 MMLU subjects averaged into one task). Thick black: the "
            f"mean over the {len(trend.tasks)} tasks with signal, with its {pct} band from "
            f"resampling tasks ({trend.n_boot} resamples); its least-squares slope is "
            f"{trend.slope:+.4f} per decade of N [{trend.slope_ci[0]:+.4f}, "
            f"{trend.slope_ci[1]:+.4f}]. Dashed grey: WSC, whose five-shot score is constant. Hover a "
            "point for the harness's standard error of the gain."
        ),
        alt=(
            "Lines of five-shot gain against log model size for each task, mostly within a few "
            "points of zero; LAMBADA stays below zero at every size, and the mean over tasks "
            + ("rises slowly with size." if trend.rises else "shows no clear trend with size.")
        ),
    )


def icl_gain_by_tokens(gains: pd.DataFrame, trend: Any) -> charts.Figure:
    """Mean five-shot gain over tasks against training tokens, one line per Pythia size.

    Parameters
    ----------
    gains : DataFrame
        :func:`scalinglaws.analyses.icl.fewshot_gains`.
    trend : scalinglaws.analyses.icl.GainTrend
        :func:`scalinglaws.analyses.icl.gain_trend` along ``"tokens"`` for one size: its band is
        drawn, and its tasks are the ones averaged for every size.
    """
    _check_trend(trend, "tokens")
    need = {"task", "size", "params", "tokens", "gain"}
    if not isinstance(gains, pd.DataFrame) or not need <= set(gains.columns):
        raise InputError(f"gains must be a DataFrame with columns {sorted(need)}")
    sel = gains[gains["task"].isin(trend.tasks)]
    mean = sel.groupby(["size", "params", "tokens"], as_index=False)["gain"].mean()
    order = list(mean.sort_values("params")["size"].unique())
    size = str(trend.table["size"].iloc[0])
    band = trend.table.assign(lo=_sig(trend.table["lo"]), hi=_sig(trend.table["hi"]))
    x_title = "Training tokens D (tokens)"
    x_enc = charts.log_enc("x", "tokens", x_title, mean["tokens"])
    bx = charts.log_enc("x", "x", x_title, mean["tokens"])
    y_title = "Mean five-shot gain (fraction)"
    chart = alt.layer(
        alt.Chart(band)
        .mark_area(opacity=0.18, color=charts.PALETTE[6])
        .encode(x=bx, y=alt.Y("lo:Q", title=y_title), y2="hi:Q"),
        alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#888888").encode(y="y:Q"),
        alt.Chart(mean)
        .mark_line(point=True)
        .encode(
            x=x_enc,
            y=alt.Y("gain:Q", title=y_title),
            color=alt.Color("size:N", title="Pythia model", sort=order),
            tooltip=[
                "size",
                alt.Tooltip("tokens:Q", format=".3~s"),
                alt.Tooltip("gain:Q", format="+.3f"),
            ],
        ),
    )
    pct = f"{100 * trend.level:.0f}%"
    return charts.figure(
        chart,
        title="Five-shot gain over training (Pythia)",
        caption=(
            f"Mean over {len(trend.tasks)} tasks of five-shot minus zero-shot accuracy at Pythia's "
            f"{mean['tokens'].nunique()} five-shot checkpoints (2,097,152 tokens per step), one line per "
            "model. Grey "
            f"band: the {pct} interval of the {size} model's mean from resampling tasks "
            f"({trend.n_boot} resamples); its slope is {trend.slope:+.4f} per decade of tokens "
            f"[{trend.slope_ci[0]:+.4f}, {trend.slope_ci[1]:+.4f}]."
        ),
        alt=(
            "Lines of mean five-shot gain against log training tokens for eight model sizes, all "
            "within a few points of zero and overlapping; the "
            + size
            + " model's gain "
            + ("rises over training." if trend.rises else "shows no clear rise over training.")
        ),
    )


def overoptimization(
    alpha_bon: float, beta_bon: float, alpha_rl: float, beta_rl: float
) -> charts.Figure:
    """Gao et al.'s gold-score curves for best-of-n and RL at ILLUSTRATIVE coefficients, peaks marked.

    Parameters
    ----------
    alpha_bon, beta_bon, alpha_rl, beta_rl : float
        Coefficients of ``R_bon(d) = d (alpha - beta d)`` and ``R_RL(d) = d (alpha - beta log d)``.
        Gao et al. publish their fitted values only as a figure, so the book's are illustrative.
    """
    from scalinglaws.core import overoptimization as oo

    pb, pr = oo.bon_peak(alpha_bon, beta_bon), oo.rl_peak(alpha_rl, beta_rl)
    # a grid dense on each curve's own scale (the two zero crossings can be decades apart)
    d = np.unique(np.concatenate([np.linspace(0.0, 1.15 * p.d_zero, 121) for p in (pb, pr)]))
    curves = pd.concat(
        [
            pd.DataFrame(
                {"d": d, "score": oo.bon_gold_score(d, alpha_bon, beta_bon), "method": "best-of-n"}
            ),
            pd.DataFrame(
                {"d": d, "score": oo.rl_gold_score(d, alpha_rl, beta_rl), "method": "RL (PPO)"}
            ),
        ]
    )
    floor = -1.5 * max(pb.score, pr.score)  # each curve is drawn until it is well below zero
    curves = curves[curves["score"] >= floor]
    peaks = pd.DataFrame(
        {
            "d": [pb.d, pr.d],
            "score": [pb.score, pr.score],
            "kl": [pb.kl, pr.kl],
            "method": ["best-of-n", "RL (PPO)"],
        }
    )
    x_enc = alt.X("d:Q", title="Distance from the initial policy d = √KL (√nats)")
    y_title = "Gold reward-model score (gold-RM std. dev.)"
    colours = alt.Scale(
        domain=["best-of-n", "RL (PPO)"], range=[charts.PALETTE[0], charts.PALETTE[3]]
    )
    chart = alt.layer(
        alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#888888").encode(y="y:Q"),
        alt.Chart(curves)
        .mark_line()
        .encode(
            x=x_enc,
            y=alt.Y("score:Q", title=y_title),
            color=alt.Color("method:N", title="Optimization", scale=colours),
        ),
        alt.Chart(peaks)
        .mark_point(filled=True, size=90)
        .encode(
            x=x_enc,
            y=alt.Y("score:Q", title=y_title),
            color=alt.Color("method:N", title="Optimization", scale=colours),
            tooltip=[
                "method",
                alt.Tooltip("d:Q", format=".3f"),
                alt.Tooltip("kl:Q", format=".3g", title="KL (nats)"),
                alt.Tooltip("score:Q", format=".3f"),
            ],
        ),
    )
    return charts.figure(
        chart,
        title="Reward over-optimization, illustrative coefficients (Gao et al.'s functional forms)",
        caption=(
            "ILLUSTRATIVE, not fitted: Gao et al. 2022 publish their per-size coefficients only as a "
            "figure, so these curves use the chapter's parameters, best-of-n "
            f"R = d({alpha_bon:g} − {beta_bon:g} d) and RL R = d({alpha_rl:g} − {beta_rl:g} log d). "
            f"Dots: the closed-form peaks, best-of-n at d* = {pb.d:.3g} (KL {pb.kl:.3g} nats, "
            f"R* = {pb.score:.3g}) and RL at d* = {pr.d:.3g} (KL {pr.kl:.3g} nats, R* = "
            f"{pr.score:.3g}). The RL form is not meant to hold near d = 0, where its slope is "
            "infinite."
        ),
        alt=(
            "Two curves of gold reward against the distance from the initial policy, each rising "
            "to a marked peak and then falling below zero; the "
            + ("RL" if pr.d > pb.d else "best-of-n")
            + " curve peaks farther out."
        ),
    )

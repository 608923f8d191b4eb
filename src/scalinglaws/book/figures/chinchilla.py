"""Figures and tables of the chapter "Chinchilla: compute-optimal training" (chapters/04_chinchilla.ipynb).

Each figure function takes the chapter's results and returns a :class:`scalinglaws.book.charts.Figure`
(title, caption, alt text); each table function returns the formatted table as HTML
(:func:`scalinglaws.book.charts.table`), so the chapter shows every figure and table with one call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws.analyses.reconcile import PORIAN_SOURCES, PORIAN_STEPS, loglog_slope
from scalinglaws.book import charts, fmt_fixed, fmt_interval, fmt_sig
from scalinglaws.core.allocation import HOFFMANN_TABLE3, HOFFMANN_TABLE_A3, compute_optimal, table3
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import EPOCH, HOFFMANN_TEX, law_label

__all__ = [
    "allocation_exponent",
    "calculator_table",
    "exponent_bootstrap",
    "gopher_table",
    "inference_demand",
    "isoflop_profiles",
    "kaplan_counting",
    "parameter_table",
    "porian_extrapolation",
    "porian_extrapolation_steps",
    "porian_step_exponents",
    "porian_table",
    "table3_comparison",
]


def _sig(x: float, digits: int = 4) -> float:
    """Round to ``digits`` significant digits (chart data derived from fitted values)."""
    return float(f"{x:.{digits}g}")


def porian_extrapolation(
    points: pd.DataFrame,
    fits: Mapping[str, Mapping[str, float]],
    *,
    at_flops: float = 5.88e23,
    chinchilla_params: float = 70e9,
) -> charts.Figure:
    """Porian et al.'s compute-optimal frontiers extrapolated to Chinchilla's budget.

    Parameters
    ----------
    points : DataFrame
        The released optima drawn as points: columns ``setup`` (a key of ``fits``), ``flops``
        (FLOP) and ``n_star`` (parameters).
    fits : mapping
        ``setup -> scalinglaws.analyses.reconcile.porian_fit(...)`` (uses ``a``, ``n_star_at``,
        ``n_star_at_lo``, ``n_star_at_hi``, ``flops_min``, ``decades_beyond``); each line is
        ``N*(C) = n_star_at (C / at_flops)^a`` from ``flops_min`` to ``at_flops`` with the
        constants rounded to 4 significant digits, and its 95% interval at ``at_flops`` an error
        bar.
    at_flops : float
        The extrapolation budget (FLOP), default Chinchilla's 6 x 70e9 x 1.4e12.
    chinchilla_params : float
        Chinchilla's size, drawn as a reference point at ``at_flops``.
    """
    if not isinstance(points, pd.DataFrame) or not {"setup", "flops", "n_star"} <= set(
        points.columns
    ):
        raise InputError("points must be a DataFrame with columns setup, flops, n_star")
    if not fits:
        raise InputError("fits must not be empty")
    need = {"a", "n_star_at", "n_star_at_lo", "n_star_at_hi", "flops_min", "decades_beyond"}
    for name, f in fits.items():
        if not need <= set(f):
            raise InputError(f"fit {name!r} lacks {sorted(need - set(f))}")
    unknown = set(points["setup"]) - set(fits)
    if unknown:
        raise InputError(f"points has setups without a fit: {sorted(unknown)}")
    lines, bars = [], []
    for name, f in fits.items():
        a, n_at = _sig(f["a"]), _sig(f["n_star_at"])
        c = np.geomspace(f["flops_min"], at_flops, 30)
        lines.append(
            pd.DataFrame({"setup": name, "flops": c, "n_star": n_at * (c / at_flops) ** a})
        )
        bars.append(
            {
                "setup": name,
                "flops": at_flops,
                "n_star": n_at,
                "lo": _sig(f["n_star_at_lo"]),
                "hi": _sig(f["n_star_at_hi"]),
            }
        )
    line_df = pd.concat(lines, ignore_index=True)
    bar_df = pd.DataFrame(bars)
    pts = points[["setup", "flops", "n_star"]].copy()
    everything = pd.concat(
        [line_df, bar_df.rename(columns={"lo": "_lo"})[["flops", "n_star"]], pts], ignore_index=True
    )
    x = charts.log_x("flops", "Compute C (FLOP)", data=everything)
    y = charts.log_y("n_star", "Compute-optimal parameters N* (count)", data=everything)
    color = alt.Color("setup:N", title="Porian et al. set-up", legend=alt.Legend(labelLimit=320))
    line = alt.Chart(line_df).mark_line(strokeDash=[6, 3]).encode(x=x, y=y, color=color)
    dots = (
        alt.Chart(pts)
        .mark_point(filled=True, size=40)
        .encode(
            x=x,
            y=y,
            color=color,
            tooltip=[
                "setup",
                alt.Tooltip("flops:Q", format=".3e"),
                alt.Tooltip("n_star:Q", format=".3e"),
            ],
        )
    )
    err = (
        alt.Chart(bar_df)
        .mark_rule(strokeWidth=3)
        .encode(x="flops:Q", y="lo:Q", y2="hi:Q", color=color)
    )
    ends = (
        alt.Chart(bar_df)
        .mark_point(filled=True, size=80, shape="diamond")
        .encode(
            x="flops:Q",
            y="n_star:Q",
            color=color,
            tooltip=[
                "setup",
                alt.Tooltip("n_star:Q", format=".3e", title="N* at the budget"),
                alt.Tooltip("lo:Q", format=".2e", title="95% low"),
                alt.Tooltip("hi:Q", format=".2e", title="95% high"),
            ],
        )
    )
    chin = (
        alt.Chart(pd.DataFrame({"flops": [at_flops], "n_star": [chinchilla_params]}))
        .mark_point(shape="cross", size=160, color="#000000", filled=True)
        .encode(x="flops:Q", y="n_star:Q")
    )
    decades = max(f["decades_beyond"] for f in fits.values())
    desc = "; ".join(
        f"{name}: {_sig(f['n_star_at'], 3):.3g} [{_sig(f['n_star_at_lo'], 2):.2g}, "
        f"{_sig(f['n_star_at_hi'], 2):.2g}]"
        for name, f in fits.items()
    )
    return charts.figure(
        alt.layer(line, dots, err, ends, chin).properties(width=560, height=340),
        title="Four decades of extrapolation: Porian et al.'s frontiers at Chinchilla's budget",
        caption=(
            f"Released compute-optimal model sizes (points) and their weighted power-law fits "
            f"(dashed), extended up to {at_flops:.3g} FLOP, up to {decades:.1f} decades beyond the "
            f"largest budget. Bars: 95% parametric-bootstrap intervals of N* at that budget "
            f"({desc}); black cross: Chinchilla's {chinchilla_params / 1e9:.0f}B. The intervals "
            "carry only the scatter of the released optima, not the risk that the power law "
            "bends outside the data."
        ),
        alt=(
            "Log-log plot of compute-optimal parameters against compute: points from Porian et "
            "al.'s small-scale runs and dashed lines extended far to the right, ending in error "
            "bars at Chinchilla's budget; the steep Kaplan-recipe line ends far above the black "
            "cross marking Chinchilla's 70B, the fully corrected line near it."
        ),
    )


# ------------------------------------------------------------------ approaches 1 and 2
_BUDGET_TOOLTIP = (
    ("flops:Q", ".2e"),
    ("params:Q", ".3e"),
    ("loss:Q", ".3f"),
)


def _check_columns(df: object, columns: set[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame) or not columns <= set(df.columns):
        raise InputError(f"{what} must be a DataFrame with columns {', '.join(sorted(columns))}")


def isoflop_profiles(iso: pd.DataFrame, minima: pd.DataFrame) -> charts.Figure:
    """Every isoFLOP run, the parabola in ln N fitted per budget, and its vertex (Approach 2).

    Parameters
    ----------
    iso : DataFrame
        The runs: ``flops`` (FLOP), ``params`` (count), ``loss`` (nats/token).
    minima : DataFrame
        From :func:`scalinglaws.fitting.isoflop.isoflop_minima`; only rows with ``interior`` true are drawn
        (columns ``flops``, ``n_min``, ``n_max``, ``n_star``, ``loss_star``, ``curvature``).
    """
    _check_columns(iso, {"flops", "params", "loss"}, "iso")
    _check_columns(
        minima,
        {"flops", "n_min", "n_max", "n_star", "loss_star", "curvature", "interior"},
        "minima",
    )
    interior = minima[minima["interior"]]
    if interior.empty:
        raise InputError("minima has no interior vertex to draw")
    curves = []
    for r in interior.itertuples():
        u = np.linspace(np.log(r.n_min), np.log(r.n_max), 60)
        curves.append(
            pd.DataFrame(
                {
                    "flops": r.flops,
                    "params": np.exp(u),
                    "loss": r.loss_star + r.curvature * (u - np.log(r.n_star)) ** 2,
                }
            )
        )
    curves = pd.concat(curves, ignore_index=True)
    curves = curves[curves["loss"] <= 5.0]
    vertices = interior.rename(columns={"n_star": "params", "loss_star": "loss"})
    budget = alt.Color(
        "flops:Q",
        title="Budget C (FLOP)",
        scale=alt.Scale(type="log", scheme="viridis"),
        legend=alt.Legend(format="~e", values=[1e16, 1e17, 1e18, 1e19]),
    )
    loss_scale = alt.Scale(domain=[3.0, 5.0], clamp=True)
    x_n = charts.log_x("params", "Parameters N (including the output layer)", data=iso)
    tooltip = [alt.Tooltip(f, format=fmt) for f, fmt in _BUDGET_TOOLTIP]
    pts = (
        alt.Chart(iso)
        .mark_point(size=25)
        .encode(
            x=x_n,
            y=alt.Y("loss:Q", title="Final validation loss (nats/token)", scale=loss_scale),
            color=budget,
            tooltip=tooltip,
        )
    )
    par = (
        alt.Chart(curves)
        .mark_line(opacity=0.8)
        .encode(x=x_n, y=alt.Y("loss:Q", scale=loss_scale), color=budget, detail="flops:N")
    )
    vert = (
        alt.Chart(vertices)
        .mark_point(shape="diamond", size=90, filled=True, color="#D55E00")
        .encode(x=x_n, y=alt.Y("loss:Q", scale=loss_scale), tooltip=tooltip)
    )
    return charts.figure(
        alt.layer(pts, par, vert).properties(width=560, height=340),
        title="IsoFLOP profiles: each budget has a best model size",
        caption=(
            f"Porian et al.'s RefinedWeb runs with tuned hyperparameters and no decay: {len(iso)} "
            f"runs at {iso['flops'].nunique()} budgets from {iso['flops'].min():.2e} to "
            f"{iso['flops'].max():.2e} FLOP. Lines: parabolas in ln N fitted per budget; "
            "diamonds: their minima (Approach 2). Losses above 5 nats/token (badly undertrained "
            "large models) are drawn at the top edge."
        ),
        alt=(
            "Loss against model size on a log axis, one U-shaped profile per compute budget; "
            "profiles move down and to the right as the budget grows, and an orange diamond marks "
            "the minimum of each profile."
        ),
    )


def allocation_exponent(
    iso: pd.DataFrame,
    interior: pd.DataFrame,
    envelope: pd.DataFrame,
    a1: Any,
    a2: Any,
    *,
    n_boot: int,
    seed: int,
) -> charts.Figure:
    """Compute-optimal size against budget from Approaches 1 and 2, with Approach 2's fitted line.

    Parameters
    ----------
    iso : DataFrame
        The runs (``flops``), for the range of the line.
    interior : DataFrame
        Interior isoFLOP minima (``flops``, ``n_star``), Approach 2's points.
    envelope : DataFrame
        :func:`scalinglaws.fitting.isoflop.lower_envelope` (``flops``, ``params``), Approach 1's points.
    a1, a2 : AllocationFit
        :func:`~scalinglaws.fitting.isoflop.fit_envelope_exponents` and
        :func:`~scalinglaws.fitting.isoflop.fit_allocation_exponents`; the band spans lines through the data's
        centre with slopes at the ends of ``a2.a_ci``.
    n_boot, seed : int
        The bootstrap's size and seed, for the caption.
    """
    _check_columns(iso, {"flops"}, "iso")
    _check_columns(interior, {"flops", "n_star"}, "interior")
    _check_columns(envelope, {"flops", "params"}, "envelope")
    cgrid = np.logspace(np.log10(iso["flops"].min()), np.log10(iso["flops"].max()), 40)
    lc0 = np.mean(np.log(interior["flops"]))
    n_c0 = a2.a_coef * np.exp(lc0) ** a2.a
    line_a = n_c0 * (cgrid / np.exp(lc0)) ** a2.a_ci[0]
    line_b = n_c0 * (cgrid / np.exp(lc0)) ** a2.a_ci[1]
    band = pd.DataFrame(
        {
            "flops": cgrid,
            "n_fit": a2.a_coef * cgrid**a2.a,
            "n_lo": np.minimum(line_a, line_b),
            "n_hi": np.maximum(line_a, line_b),
        }
    )
    fitline = charts.line_with_band(
        band,
        "flops",
        "n_fit",
        "n_lo",
        "n_hi",
        x_title="Compute C (FLOP)",
        y_title="Compute-optimal parameters N* (count)",
    )
    both = pd.concat(
        [
            pd.DataFrame(
                {
                    "flops": interior["flops"],
                    "n": interior["n_star"],
                    "approach": "Approach 2: parabola vertex",
                }
            ),
            pd.DataFrame(
                {
                    "flops": envelope["flops"],
                    "n": envelope["params"],
                    "approach": "Approach 1: best run",
                }
            ),
        ],
        ignore_index=True,
    )
    dots = (
        alt.Chart(both)
        .mark_point(filled=True, size=50)
        .encode(
            x=charts.log_x("flops", "Compute C (FLOP)", data=both),
            y=charts.log_y("n", "Compute-optimal parameters N* (count)", data=both),
            shape=alt.Shape("approach:N", title=None),
            color=alt.Color("approach:N", title=None),
            tooltip=[
                "approach",
                alt.Tooltip("flops:Q", format=".2e"),
                alt.Tooltip("n:Q", format=".3e"),
            ],
        )
    )
    return charts.figure(
        alt.layer(fitline, dots).properties(width=560, height=320),
        title="The compute-optimal model grows like the square root of compute",
        caption=(
            f"Compute-optimal model size against budget. Approach 1 (best run per budget): "
            f"a = {a1.a:.3f}, 95% interval {a1.a_ci[0]:.3f}–{a1.a_ci[1]:.3f}. Approach 2 "
            f"(parabola vertices, {len(interior)} budgets): a = {a2.a:.3f}, "
            f"{a2.a_ci[0]:.3f}–{a2.a_ci[1]:.3f}; the band spans lines through the data's centre "
            f"with slopes at the ends of that interval ({n_boot:,} bootstrap resamples of the "
            f"budgets, seed {seed})."
        ),
        alt=(
            "Log-log plot of compute-optimal parameters against compute: two sets of points "
            f"(Approach 1 and 2) lie along a straight line of slope about {a2.a:.2f}, drawn with a "
            "shaded interval band."
        ),
    )


# ------------------------------------------------------------------------ approach 3
def exponent_bootstrap(boot: Any, n_points: int) -> charts.Figure:
    """Histogram of the bootstrap estimates of a = β/(α+β), with our, Hoffmann's and Epoch's values.

    ``boot`` from :func:`scalinglaws.fitting.bootstrap.bootstrap_parametric` (uses ``estimates["a"]``,
    ``point["a"]``, ``intervals["a"]``, ``n_boot``, ``seed``); ``n_points`` the number of fitted
    points, for the caption.
    """
    if "a" not in getattr(boot, "point", {}):
        raise InputError("boot must come from bootstrap.bootstrap_parametric()")
    ci = boot.intervals["a"]
    hist = charts.histogram(
        boot.estimates["a"],
        x_title="Allocation exponent a = β/(α+β) (N_opt ∝ C^a)",
        y_title="Bootstrap resamples",
    )
    marks = pd.DataFrame(
        {
            "a": np.round([boot.point["a"], ci[0], ci[1], HOFFMANN_TEX.a, EPOCH.a], 4),
            "what": ["our refit", "95% interval", "95% interval", "Hoffmann (TeX)", "Epoch"],
        }
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeWidth=2)
        .encode(
            x="a:Q",
            color=alt.Color("what:N", title=None),
            strokeDash=alt.StrokeDash("what:N", legend=None),
            tooltip=["what", alt.Tooltip("a:Q", format=".3f")],
        )
    )
    inside = ci[0] <= HOFFMANN_TEX.a <= ci[1]
    return charts.figure(
        alt.layer(hist, rules),
        title="Approach 3 refitted: the exponent a is about 0.5, not 0.46",
        caption=(
            f"Bootstrap distribution of the allocation exponent a from {boot.n_boot:,} resamples "
            f"(seed {boot.seed}) of the {n_points} points reconstructed by Besiroglu et al., each "
            f"refitted with Hoffmann et al.'s Huber loss. Our estimate {boot.point['a']:.3f}, 95% "
            f"interval {ci[0]:.3f}–{ci[1]:.3f}; Hoffmann's TeX values imply "
            f"{HOFFMANN_TEX.a:.3f}, Epoch's fit {EPOCH.a:.3f}."
        ),
        alt=(
            f"Histogram of bootstrap estimates of a, centred near {boot.point['a']:.2f}, with "
            "vertical lines for our estimate, its 95% interval, Epoch's value and Hoffmann's "
            f"{HOFFMANN_TEX.a:.3f}, which lies "
            + ("inside" if inside else "outside")
            + " the interval."
        ),
    )


# -------------------------------------------------------------------- reconciliation
def porian_extrapolation_steps(
    optimal_pairs: pd.DataFrame, ext: Mapping[int, Mapping[str, float]]
) -> charts.Figure:
    """:func:`porian_extrapolation` of the RefinedWeb steps in ``ext`` (step number -> porian_fit).

    ``optimal_pairs`` is the ``porian_compute_optimal/optimal_pairs`` table; each step's released
    optima are drawn with its fit, labelled ``"<step>. <label>"``.
    """
    _check_columns(optimal_pairs, {"source_file", "label", "flops", "n_star"}, "optimal_pairs")
    names = {k: f"{k}. {PORIAN_STEPS[k - 1]}" for k in ext}
    op = optimal_pairs
    points = pd.concat(
        [
            op[(op["source_file"] == PORIAN_SOURCES["rw"]) & (op["label"] == PORIAN_STEPS[k - 1])]
            .dropna(subset=["n_star"])[["flops", "n_star"]]
            .assign(setup=name)
            for k, name in names.items()
        ],
        ignore_index=True,
    )
    return porian_extrapolation(points, {name: ext[k] for k, name in names.items()})


def porian_step_exponents(steps: pd.DataFrame, *, n_boot: int) -> charts.Figure:
    """The exponent a after each of Porian et al.'s five steps, both data sets, with intervals.

    ``steps`` from :func:`scalinglaws.analyses.reconcile.porian_steps` (columns ``step``, ``label``,
    ``dataset``, ``dataset_name``, ``a``, ``a_lo``, ``a_hi``); ``n_boot`` its number of resamples,
    for the caption.
    """
    _check_columns(
        steps, {"step", "label", "dataset", "dataset_name", "a", "a_lo", "a_hi"}, "steps"
    )
    rw = steps[steps["dataset"] == "rw"].set_index("step")
    ow = steps[steps["dataset"] == "owt2"].set_index("step")
    if not {1, 5} <= set(rw.index) or not {1, 5} <= set(ow.index):
        raise InputError("steps must hold steps 1 and 5 for both data sets")
    chart_df = steps.assign(
        step_label=[f"{s}. {lab}" for s, lab in zip(steps["step"], steps["label"], strict=True)]
    )
    base = alt.Chart(chart_df)
    xenc = alt.X(
        "step:O",
        title="Porian et al. step (1 = Kaplan's recipe … 5 = all corrections)",
        axis=alt.Axis(labelAngle=0),
    )
    offset = alt.XOffset("dataset_name:N")
    color = alt.Color("dataset_name:N", title="Data set")
    yscale = alt.Scale(domain=[0.4, 0.95], zero=False)
    bars = base.mark_rule(strokeWidth=2).encode(
        x=xenc,
        xOffset=offset,
        y=alt.Y("a_lo:Q", title="Exponent a of N* ∝ C^a", scale=yscale),
        y2="a_hi:Q",
        color=color,
    )
    pts = base.mark_point(filled=True, size=70).encode(
        x=xenc,
        xOffset=offset,
        y=alt.Y("a:Q", scale=yscale),
        color=color,
        tooltip=[
            "dataset_name",
            "step_label",
            alt.Tooltip("a:Q", format=".3f"),
            alt.Tooltip("a_lo:Q", format=".3f"),
            alt.Tooltip("a_hi:Q", format=".3f"),
        ],
    )
    refs = pd.DataFrame({"y": [0.73, 0.5], "what": ["Kaplan et al. 0.73", "Chinchilla 0.50"]})
    ref = (
        alt.Chart(refs)
        .mark_rule(strokeDash=[4, 4], color="#555555")
        .encode(y=alt.Y("y:Q", scale=yscale))
    )
    ref_text = (
        alt.Chart(refs)
        .mark_text(align="left", dx=4, dy=-6, color="#555555")
        .encode(y=alt.Y("y:Q", scale=yscale), x=alt.value(0), text="what:N")
    )
    return charts.figure(
        alt.layer(ref, ref_text, bars, pts).properties(width=480),
        title="Five corrections take Kaplan's exponent to Chinchilla's",
        caption=(
            "Exponent a of the compute-optimal model size, N* ∝ C^a, after each of Porian et "
            "al.'s five changes (weighted fit to the released compute-optimal pairs; bars: 95% "
            f"parametric-bootstrap intervals, {n_boot:,} resamples). RefinedWeb falls from "
            f"{rw.loc[1, 'a']:.3f} to {rw.loc[5, 'a']:.3f}, OpenWebText2 from "
            f"{ow.loc[1, 'a']:.3f} to {ow.loc[5, 'a']:.3f}."
        ),
        alt=(
            "Dot-and-interval chart of the exponent a for five successive training set-ups on two "
            f"data sets. Both start near 0.85 (RefinedWeb {rw.loc[1, 'a']:.2f}, OpenWebText2 "
            f"{ow.loc[1, 'a']:.2f}) and fall step by step to about 0.5 (RefinedWeb "
            f"{rw.loc[5, 'a']:.2f}, OpenWebText2 {ow.loc[5, 'a']:.2f}); dashed lines mark "
            "Kaplan's 0.73 and Chinchilla's 0.50."
        ),
    )


def kaplan_counting(study: Any, boot_exponents: pd.DataFrame) -> charts.Figure:
    """Pearce & Song's simulated Kaplan-scale study: the frontier counted two ways, fitted lines.

    ``study`` from :func:`scalinglaws.analyses.reconcile.simulate_kaplan_study` (Epoch's law as the truth);
    ``boot_exponents`` from :func:`scalinglaws.analyses.reconcile.kaplan_study_exponents` over bootstrap
    laws (columns ``a_nonembedding``, ``a_total``), whose 95% percentile intervals the caption
    gives.
    """
    _check_columns(boot_exponents, {"a_nonembedding", "a_total"}, "boot_exponents")
    fr_df = study.frontier.copy()
    _check_columns(fr_df, {"counting", "flops", "n_star"}, "study.frontier")
    ne_lo, ne_hi = np.quantile(boot_exponents["a_nonembedding"], [0.025, 0.975])
    t_lo, t_hi = np.quantile(boot_exponents["a_total"], [0.025, 0.975])
    fit_lines = []
    for counting in ("non-embedding", "total"):
        sub = fr_df[fr_df["counting"] == counting]
        s, icpt = loglog_slope(sub["flops"], sub["n_star"])
        fit_lines.append(
            pd.DataFrame(
                {
                    "counting": counting,
                    "flops": sub["flops"],
                    "fit": np.exp(icpt) * sub["flops"] ** s,
                }
            )
        )
    fit_df = pd.concat(fit_lines, ignore_index=True)
    names = {
        "non-embedding": f"non-embedding, a = {study.a_nonembedding:.2f}",
        "total": f"total, a = {study.a_total:.2f}",
    }
    fr_df["counting"] = fr_df["counting"].map(names)
    fit_df["counting"] = fit_df["counting"].map(names)
    x_title = "Compute C (FLOP), counted in the same units as N"
    y_title = "Compute-optimal parameters N* (count)"
    color = alt.Color("counting:N", title="Parameters counted")
    sc = (
        alt.Chart(fr_df)
        .mark_point(size=18, filled=True)
        .encode(
            x=charts.log_x("flops", x_title, data=fr_df),
            y=charts.log_y("n_star", y_title, data=fr_df),
            color=color,
            tooltip=[
                "counting",
                alt.Tooltip("flops:Q", format=".3e"),
                alt.Tooltip("n_star:Q", format=".3e"),
            ],
        )
    )
    ln = (
        alt.Chart(fit_df)
        .mark_line()
        .encode(
            x=charts.log_x("flops", x_title, data=fr_df),
            y=charts.log_y("fit", y_title, data=fr_df.rename(columns={"n_star": "fit"})),
            color=color,
        )
    )
    return charts.figure(
        alt.layer(sc, ln),
        title="The same simulated study, two ways of counting",
        caption=(
            "Simulated Kaplan-scale study (20 models, 768 to 1.5e9 non-embedding parameters) whose "
            "true loss is Epoch's law in total parameters. Compute-optimal size against budget: "
            f"counting non-embedding parameters gives a slope of {study.a_nonembedding:.2f}, "
            f"counting all parameters {study.a_total:.2f}; the law itself implies "
            f"{study.a_law:.3f}. Propagating our Approach-3 bootstrap ({len(boot_exponents)} "
            f"resamples) gives {ne_lo:.2f}–{ne_hi:.2f} and {t_lo:.2f}–{t_hi:.2f}."
        ),
        alt=(
            "Log-log scatter of compute-optimal model size against compute for a simulated study, "
            "in two countings. The non-embedding frontier rises steeply (slope "
            f"{study.a_nonembedding:.2f}), the total-parameter frontier more gently (slope "
            f"{study.a_total:.2f}), each with its fitted line."
        ),
    )


# ------------------------------------------------------------------------- inference
def inference_demand(
    sweep: pd.DataFrame, law: Any, loss: float, inference_tokens: float
) -> charts.Figure:
    """Inference-aware allocation against lifetime demand, relative to the Chinchilla optimum.

    Parameters
    ----------
    sweep : DataFrame
        :func:`scalinglaws.analyses.reconcile.inference_sweep` (one row per demand: ``inference_tokens``,
        ``params``, ``chinchilla_params``, ``train_tokens``, ``chinchilla_train_tokens``,
        ``savings``).
    law : ParametricLaw
        The law used (named in the caption).
    loss : float
        The fixed target loss (nats/token).
    inference_tokens : float
        The chapter's demand, drawn as a dashed rule (at the left edge if below the sweep).
    """
    _check_columns(
        sweep,
        {
            "inference_tokens",
            "params",
            "chinchilla_params",
            "train_tokens",
            "chinchilla_train_tokens",
            "savings",
        },
        "sweep",
    )
    sw = sweep.assign(
        size_ratio=sweep["params"] / sweep["chinchilla_params"],
        tokens_ratio=sweep["train_tokens"] / sweep["chinchilla_train_tokens"],
    )
    long = pd.concat(
        [
            pd.DataFrame(
                {"inference_tokens": sw["inference_tokens"], "ratio": ratio, "quantity": what}
            )
            for ratio, what in (
                (sw["size_ratio"], "parameters N / Chinchilla's N"),
                (sw["tokens_ratio"], "training tokens D / Chinchilla's D"),
                (1 - sw["savings"], "lifetime FLOP / Chinchilla's"),
            )
        ],
        ignore_index=True,
    )
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=charts.log_x(
                "inference_tokens", "Lifetime inference demand D_inf (tokens)", data=long
            ),
            y=charts.log_y(
                "ratio", "Ratio to the Chinchilla-optimal model at the same loss", data=long
            ),
            color=alt.Color(
                "quantity:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=300)
            ),
            tooltip=[
                alt.Tooltip("inference_tokens:Q", format=".2e"),
                "quantity",
                alt.Tooltip("ratio:Q", format=".3f"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"x": [max(inference_tokens, sw["inference_tokens"].iloc[0])]}))
        .mark_rule(strokeDash=[4, 4], color="#555555")
        .encode(x="x:Q")
    )
    big = sw.iloc[-1]
    return charts.figure(
        alt.layer(lines, rule),
        title="The more a model will be used, the smaller and longer-trained it should be",
        caption=(
            f"Inference-aware allocation (Sardana et al. 2024) for a fixed loss of {loss:.3f} "
            f"nats/token under {law_label(law)}, as a function of lifetime inference demand. At "
            f"{big['inference_tokens']:.0e} tokens the optimal model is {big['size_ratio']:.2f}× "
            f"the Chinchilla-optimal size, trained on {big['tokens_ratio']:.1f}× the tokens. "
            "Dashed line: the chapter's demand parameter (drawn at the left edge if below it). "
            "The allocation is exact for the law (no sampling error); its uncertainty is that of "
            "the law's constants."
        ),
        alt=(
            "Three curves against inference demand on log axes: the optimal model's size relative "
            "to the Chinchilla-optimal one falls from 1 towards small fractions, its training "
            "tokens rise many-fold, and total lifetime compute relative to the Chinchilla choice "
            "falls below 1."
        ),
    )


# ---------------------------------------------------------------------------- tables
_LAW_KEYS = ("E", "A", "B", "alpha", "beta", "a")


def parameter_table(boot: Any) -> Any:
    """Our Approach-3 refit with its bootstrap interval and SE beside Epoch's and Hoffmann's values.

    ``boot`` from :func:`scalinglaws.fitting.bootstrap.bootstrap_parametric` (``point``, ``intervals``,
    ``std_err`` of ``E, A, B, alpha, beta, a``). Values to 4 significant digits, SE to 3.
    """
    if not set(_LAW_KEYS) <= set(getattr(boot, "point", {})):
        raise InputError("boot must come from bootstrap.bootstrap_parametric()")
    labels = ("E (nats/token)", "A", "B", "α", "β", "a = β/(α+β)")
    tab = pd.DataFrame(
        {
            "Parameter": labels,
            "Our refit": [fmt_sig(boot.point[k], 4) for k in _LAW_KEYS],
            "95% bootstrap interval": [
                fmt_interval(*boot.intervals[k], fmt_sig, 4) for k in _LAW_KEYS
            ],
            "Bootstrap SE": [fmt_sig(boot.std_err[k], 3) for k in _LAW_KEYS],
            "Epoch (Besiroglu et al.)": [fmt_sig(getattr(EPOCH, k), 4) for k in _LAW_KEYS],
            "Hoffmann (TeX values)": [fmt_sig(getattr(HOFFMANN_TEX, k), 4) for k in _LAW_KEYS],
        }
    )
    return charts.table(tab)


def table3_comparison(fit_law: Any) -> Any:
    """Hoffmann's Table 3 and Table A3 token counts (billions) beside those of three laws.

    Columns: Table 3 (Approach 1), Table A3 (Approach 3), the TeX-valued Hoffmann law, Epoch's law,
    ``fit_law`` (our refit) and its tokens per parameter, one row per Table 3 model size.
    """
    t3, ta3 = HOFFMANN_TABLE3, HOFFMANN_TABLE_A3
    ours, tex, ep = table3(fit_law), table3(HOFFMANN_TEX), table3(EPOCH)

    def bn(x: float) -> str:
        return fmt_sig(x / 1e9, 3, sci_above=1e7)

    rows = [
        {
            "Parameters": fmt_sig(n, 3, sci_above=1e3),
            "Table 3 (A1)": bn(t3["tokens"][i]),
            "Table A3 (A3)": bn(ta3["a3_tokens"][i]),
            "Hoffmann TeX law": bn(tex["tokens"][i]),
            "Epoch law": bn(ep["tokens"][i]),
            "Our refit": bn(ours["tokens"][i]),
            "Our refit, tokens/param": fmt_fixed(ours["tokens_per_param"][i], 1),
        }
        for i, n in enumerate(t3["params"])
    ]
    return charts.table(pd.DataFrame(rows))


def gopher_table(cg: pd.DataFrame) -> Any:
    """:func:`scalinglaws.analyses.reconcile.chinchilla_vs_gopher`'s losses to 3 decimals."""
    _check_columns(cg, {"Law"}, "cg")
    out = cg.copy()
    for col in out.columns[1:]:
        out[col] = [f"{v:.3f}" for v in out[col]]
    return charts.table(out)


def porian_table(steps: pd.DataFrame) -> Any:
    """Porian et al.'s five steps: our weighted exponents with intervals, Table 2, own parabolas.

    ``steps`` from :func:`scalinglaws.analyses.reconcile.porian_steps` with ``fit_results`` and
    ``isoflop_points`` given (columns ``a_table2`` and ``a_raw``).
    """
    _check_columns(
        steps, {"step", "dataset", "label", "a", "a_lo", "a_hi", "a_table2", "a_raw"}, "steps"
    )
    rw = steps[steps["dataset"] == "rw"].set_index("step")
    ow = steps[steps["dataset"] == "owt2"].set_index("step")
    view = pd.DataFrame(
        {
            "Step": rw.index,
            "Change": rw["label"],
            "RefinedWeb a [95% CI]": [
                f"{r.a:.3f} [{r.a_lo:.3f}, {r.a_hi:.3f}]" for r in rw.itertuples()
            ],
            "OpenWebText2 a [95% CI]": [
                f"{r.a:.3f} [{r.a_lo:.3f}, {r.a_hi:.3f}]" for r in ow.itertuples()
            ],
            "Table 2 (RW / OWT2)": [
                f"{x:.3f} / {y:.3f}" for x, y in zip(rw["a_table2"], ow["a_table2"], strict=True)
            ],
            "Own parabolas (RW / OWT2)": [
                f"{x:.2f} / {y:.2f}" for x, y in zip(rw["a_raw"], ow["a_raw"], strict=True)
            ],
        }
    )
    return charts.table(view)


def calculator_table(C: float, laws: Sequence[Any]) -> Any:
    """Each law's compute-optimal allocation at ``C`` (as ``scalinglaws optimal --flops``).

    ``laws``: law names (``"epoch"``, ``"hoffmann"``, ...) or law objects (labelled by their
    name). Columns ``Law``, ``C (FLOP)``, ``N_opt (params)``, ``D_opt (tokens)`` and ``Tokens per
    parameter`` to 3 significant digits and ``Loss (nats/token)`` to 3 decimals.
    """
    if not laws:
        raise InputError("laws must not be empty")
    rows = []
    for law in laws:
        row = compute_optimal(C, law).to_dict()
        rows.append(row if isinstance(law, str) else row | {"law": law.name})
    calc = pd.DataFrame(rows)[["law", "flops", "params", "tokens", "tokens_per_param", "loss"]]
    for col in ("flops", "params", "tokens", "tokens_per_param"):
        calc[col] = [fmt_sig(v) for v in calc[col]]
    calc["loss"] = [fmt_fixed(v, 3) for v in calc["loss"]]
    headers = {
        "law": "Law",
        "flops": "C (FLOP)",
        "params": "N_opt (params)",
        "tokens": "D_opt (tokens)",
        "tokens_per_param": "Tokens per parameter",
        "loss": "Loss (nats/token)",
    }
    return charts.table(calc.rename(columns=headers))

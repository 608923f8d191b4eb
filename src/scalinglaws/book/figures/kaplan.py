"""Figures of the chapter "Kaplan's scaling laws" (chapters/02_kaplan.ipynb).

The first four figures draw Kaplan et al.'s (2020) published laws (:data:`scalinglaws.core.laws.KAPLAN`,
no intervals: the paper gives none); the last three draw the chapter's refits of Porian et al.'s
(2024) Kaplan reproduction and of the Pythia evaluations, with their bootstrap bands.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws.analyses import kaplan_refit as kr
from scalinglaws.book import charts
from scalinglaws.core.allocation import compute_optimal
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import DEFAULT_LAW, PF_DAY_FLOP, law_label
from scalinglaws.core.laws import KAPLAN as K
from scalinglaws.data import PYTHIA_TOKENS_PER_STEP

__all__ = [
    "single_variable_laws",
    "loss_vs_data",
    "steps_and_batch",
    "allocation_frontiers",
    "refit_frontier",
    "two_counts",
    "pythia_accuracy",
]

#: Display names of Porian et al.'s two data sets.
DATASET_NAME = {"rw": "RefinedWeb", "owt2": "OpenWebText2"}

_LOSS_TITLE = "Test loss L (nats/token)"


def _pct(level: float) -> str:
    return f"{100 * level:.0f}%"


def single_variable_laws() -> charts.Figure:
    """Kaplan et al.'s eqs 1.1-1.3, L(N), L(D) and L(C_min), as three log-log panels."""
    n_grid = np.geomspace(1e3, 1e12, 60)
    d_grid = np.geomspace(1e7, 1e13, 60)
    c_grid = np.geomspace(1e-8, 1e4, 60)
    panels = []
    for frame, x, x_title in (
        (pd.DataFrame({"N": n_grid, "L": K.loss_n(n_grid)}), "N", "Parameters N (non-embedding)"),
        (pd.DataFrame({"D": d_grid, "L": K.loss_d(d_grid)}), "D", "Dataset size D (tokens)"),
        (
            pd.DataFrame({"C": c_grid, "L": K.loss_cmin(c_grid), "FLOP": c_grid * PF_DAY_FLOP}),
            "C",
            "Compute C_min (PF-days; 1 PF-day = 8.64e19 FLOP)",
        ),
    ):
        tooltip = [alt.Tooltip(f"{x}:Q", format=".3~e"), alt.Tooltip("L:Q", format=".3f")]
        if "FLOP" in frame:
            tooltip.append(alt.Tooltip("FLOP:Q", format=".3~e"))
        panels.append(
            alt.Chart(frame)
            .mark_line(color=charts.PALETTE[0])
            .encode(
                x=charts.log_enc("x", x, x_title, frame[x]),
                y=charts.log_enc("y", "L", _LOSS_TITLE, frame["L"]),
                tooltip=tooltip,
            )
            .properties(width=210, height=220)
        )
    return charts.figure(
        alt.hconcat(*panels),
        title="Kaplan et al.'s three single-variable power laws",
        caption=(
            f"Published laws of Kaplan et al. (2020), eqs 1.1-1.3: L(N) with alpha_N = {K.alpha_N}, L(D) "
            f"with alpha_D = {K.alpha_D} and L(C_min) with alpha_C = {K.alpha_C_min}, WebText2 test loss. "
            "The paper gives no intervals for these constants. Each is a straight line on log-log axes; "
            "the slopes are small, so every tenfold increase of a resource buys only a modest drop in loss."
        ),
        alt=(
            "Three log-log panels, each a straight falling line: loss against non-embedding parameters, "
            "against dataset tokens and against compute in PF-days."
        ),
    )


def loss_vs_data(loss: float = kr.SAMPLE_EFFICIENCY_LOSS) -> charts.Figure:
    """L(N, D) (eq 1.5, Table 2) against tokens for five model sizes, with ``loss`` as a dashed level.

    The caption states how many tokens the 1e8- and 1e9-parameter models need to reach ``loss``
    (:func:`scalinglaws.analyses.kaplan_refit.tokens_to_reach`).
    """
    d_small, d_big = kr.tokens_to_reach(1e8, loss), kr.tokens_to_reach(1e9, loss)
    if not math.isfinite(d_small):
        raise InputError(f"a 1e8-parameter model never reaches a loss of {loss} nats/token")
    rows = []
    for n in (1e6, 1e7, 1e8, 1e9, 1e10):
        for d in np.geomspace(1e7, 1e12, 60):
            rows.append({"D": d, "L": float(K.loss(n, d)), "N": f"N = {n:.0e}", "order": n})
    curves = pd.DataFrame(rows)
    lines = (
        alt.Chart(curves)
        .mark_line()
        .encode(
            x=charts.log_enc("x", "D", "Training tokens D", curves["D"]),
            y=charts.log_enc("y", "L", "Test loss L(N, D) (nats/token)", curves["L"]),
            color=alt.Color("N:N", title="Non-embedding params", sort=alt.SortField("order")),
            tooltip=["N", alt.Tooltip("D:Q", format=".3~e"), alt.Tooltip("L:Q", format=".3f")],
        )
    )
    level = (
        alt.Chart(pd.DataFrame({"L": [loss]}))
        .mark_rule(strokeDash=[4, 3], color="#555555")
        .encode(y="L:Q")
    )
    return charts.figure(
        lines + level,
        title="L(N, D): bigger models learn more from every token",
        caption=(
            f"Kaplan et al. (2020) eq 1.5 with the Table 2 constants (alpha_N = {K.nd_alpha_N}, alpha_D = "
            f"{K.nd_alpha_D}), for five model sizes. Each curve flattens at L(N) once data stop being the "
            f"bottleneck. Dashed: the loss {loss} nats/token, reached by the 1e9 model after {d_big:.2g} "
            f"tokens and by the 1e8 model only after {d_small:.2g}. Published law, no intervals."
        ),
        alt=(
            "Five falling curves of loss against training tokens, one per model size; larger models lie "
            "lower at every token count and flatten at lower loss."
        ),
    )


def steps_and_batch() -> charts.Figure:
    """Left: L(N, S_min) (eq 1.6, Table 3) for four sizes; right: B_crit(L) (eq 1.4)."""
    rows = []
    for n in (1e6, 1e7, 1e8, 1e9):
        for s in np.geomspace(1e2, 1e6, 60):
            rows.append({"S_min": s, "L": float(K.loss_ns(n, s)), "N": f"N = {n:.0e}", "order": n})
    ns_curves = pd.DataFrame(rows)
    left = (
        alt.Chart(ns_curves)
        .mark_line()
        .encode(
            x=charts.log_enc("x", "S_min", "Minimum training steps S_min", ns_curves["S_min"]),
            y=charts.log_enc("y", "L", "Test loss L(N, S) (nats/token)", ns_curves["L"]),
            color=alt.Color("N:N", title="Non-embedding params", sort=alt.SortField("order")),
            tooltip=["N", alt.Tooltip("S_min:Q", format=".3~e"), alt.Tooltip("L:Q", format=".3f")],
        )
        .properties(width=330, height=260)
    )
    l_grid = np.linspace(1.8, 6.0, 60)
    bc = pd.DataFrame({"L": l_grid, "B_crit": K.b_crit(l_grid)})
    # Not a model size: drawn in the palette's neutral black, never in one of the left panel's series
    # colours (the first four of the category range; PALETTE[3] made it look like N = 1e9).
    right = (
        alt.Chart(bc)
        .mark_line(color=charts.PALETTE[6])
        .encode(
            x=alt.X("L:Q", title="Loss L (nats/token)", scale=alt.Scale(zero=False, reverse=True)),
            y=charts.log_enc("y", "B_crit", "Critical batch size (tokens)", bc["B_crit"]),
            tooltip=[alt.Tooltip("L:Q", format=".2f"), alt.Tooltip("B_crit:Q", format=".3~e")],
        )
        .properties(width=250, height=260)
    )
    return charts.figure(
        alt.hconcat(left, right),
        title="Steps and batch size",
        caption=(
            f"Left: eq 1.6 with the Table 3 constants (alpha_N = {K.ns_alpha_N}, alpha_S = {K.ns_alpha_S}): "
            "loss against minimum steps for four model sizes. Right: the critical batch size of eq 1.4 "
            f"(B* = {K.B_star:.2g} tokens, alpha_B = {K.alpha_B}) against the loss reached, with the loss "
            "axis reversed so training proceeds left to right. Published laws, no intervals."
        ),
        alt=(
            "Left, four falling curves of loss against steps that flatten at levels set by model size. "
            "Right, a rising line: the critical batch grows by orders of magnitude as the loss falls."
        ),
    )


def allocation_frontiers(example_flops: float) -> charts.Figure:
    """Compute-optimal N and D against budget under Kaplan's Table 6 rule and the canonical law.

    Point estimates (the canonical law's interval at the example budget is in the text); a dotted
    rule marks ``example_flops`` (FLOP).
    """
    if not (isinstance(example_flops, int | float) and example_flops > 0):
        raise InputError(f"example_flops must be a positive number, got {example_flops!r}")
    label_h = law_label(DEFAULT_LAW)
    rows = []
    for law, label in (
        ("kaplan", "Kaplan (N non-embedding)"),
        (DEFAULT_LAW, f"{label_h} (N total)"),
    ):
        for c in np.geomspace(1e17, 1e25, 50):
            a = compute_optimal(float(c), law)
            rows.append({"C": c, "value": a.params, "what": f"{label}: parameters N", "law": label})
            rows.append({"C": c, "value": a.tokens, "what": f"{label}: tokens D", "law": label})
    front = pd.DataFrame(rows)
    chart = (
        alt.Chart(front)
        .mark_line()
        .encode(
            x=charts.log_enc("x", "C", "Training compute C (FLOP)", front["C"]),
            y=charts.log_enc(
                "y", "value", "Compute-optimal N (parameters) or D (tokens)", front["value"]
            ),
            color=alt.Color("what:N", title=None),
            strokeDash=alt.StrokeDash("law:N", title=None),
            tooltip=[
                "what",
                alt.Tooltip("C:Q", format=".3~e"),
                alt.Tooltip("value:Q", format=".3~e"),
            ],
        )
    )
    ex = pd.DataFrame({"C": [example_flops]})
    rule = alt.Chart(ex).mark_rule(color="#555555", strokeDash=[2, 2]).encode(x="C:Q")
    return charts.figure(
        chart + rule,
        title="Where the extra compute goes",
        caption=(
            "Compute-optimal allocation under Kaplan et al.'s Table 6 rule (N = 1.3e9 C^0.73 with C in "
            f"PF-days, D = C/6N) and under the book's canonical law ({label_h}; N and D both close to "
            f"C^0.5). Kaplan's models grow much faster than their data. Dotted: the example budget "
            f"{example_flops:.2g} FLOP. Point estimates; the text gives the canonical law's interval at "
            "the example budget, and the next section refits Kaplan's exponent with intervals."
        ),
        alt=(
            "Four rising lines against compute: under Kaplan the parameter line is steep and the token "
            "line shallow; under the canonical law both rise at similar slopes, with tokens above "
            "parameters."
        ),
    )


def _check_fits(pairs: Mapping[str, Any], fits: Mapping[str, Any]) -> None:
    if not fits or set(pairs) != set(fits):
        raise InputError("pairs and fits must name the same, non-empty data sets")
    for ds, fit in fits.items():
        if not isinstance(fit, kr.FrontierFit):
            raise InputError(f"fits[{ds!r}] must be a FrontierFit, got {type(fit).__name__}")


def refit_frontier(
    pairs: Mapping[str, pd.DataFrame], fits: Mapping[str, kr.FrontierFit], steps: pd.DataFrame
) -> charts.Figure:
    """Porian et al.'s Kaplan-reproduction optima with the refitted frontier and its band.

    Parameters
    ----------
    pairs : mapping
        Data set (``rw``, ``owt2``) -> :func:`scalinglaws.analyses.kaplan_refit.optimal_pairs` (``flops``,
        ``n_star``, ``n_star_log_std``), drawn as points with +-1 s.d. bars.
    fits : mapping
        Data set -> :func:`scalinglaws.analyses.kaplan_refit.fit_frontier` of those pairs, drawn as a line
        with its bootstrap band (method, size and level from the fit).
    steps : DataFrame
        :func:`scalinglaws.analyses.reconcile.porian_steps`; the caption states its exponents and intervals.
    """
    _check_fits(pairs, fits)
    rows = steps[steps["label"] == kr.KAPLAN_LABEL].set_index("dataset")
    band_all, pts_all = [], []
    for ds, fit in fits.items():
        p = pairs[ds]
        grid = np.geomspace(p["flops"].min(), p["flops"].max(), 40)
        b = kr.frontier_band(fit, grid)
        b["data set"] = DATASET_NAME[ds]
        band_all.append(b)
        pts = p[["flops", "n_star", "n_star_log_std"]].copy()
        pts["lo"] = pts["n_star"] * np.exp(-pts["n_star_log_std"])
        pts["hi"] = pts["n_star"] * np.exp(pts["n_star_log_std"])
        pts["data set"] = DATASET_NAME[ds]
        pts_all.append(pts)
    band_df, pts_df = pd.concat(band_all), pd.concat(pts_all)
    xv = np.concatenate([band_df["flops"], pts_df["flops"]])
    yv = np.concatenate([band_df["lo"], band_df["hi"], pts_df["lo"], pts_df["hi"]])
    x_enc = charts.log_enc("x", "flops", "Compute C (FLOP, C = 6ND with non-embedding N)", xv)
    y_title = "Compute-optimal size N* (non-embedding params)"
    colour = alt.Color("data set:N", title="Training data")
    band = (
        alt.Chart(band_df)
        .mark_area(opacity=0.2)
        .encode(x=x_enc, y=charts.log_enc("y", "lo", y_title, yv), y2="hi:Q", color=colour)
    )
    line = (
        alt.Chart(band_df)
        .mark_line()
        .encode(x=x_enc, y=charts.log_enc("y", "fit", y_title, yv), color=colour)
    )
    bars = (
        alt.Chart(pts_df)
        .mark_rule()
        .encode(x=x_enc, y=charts.log_enc("y", "lo", y_title, yv), y2="hi:Q", color=colour)
    )
    dots = (
        alt.Chart(pts_df)
        .mark_point(filled=True, size=45)
        .encode(
            x=x_enc,
            y=charts.log_enc("y", "n_star", y_title, yv),
            color=colour,
            tooltip=[
                "data set",
                alt.Tooltip("flops:Q", format=".3~e"),
                alt.Tooltip("n_star:Q", format=".3~e"),
            ],
        )
    )
    fit0 = next(iter(fits.values()))
    pct = _pct(fit0.level)
    exps = ", ".join(
        f"{DATASET_NAME[ds]} {rows.loc[ds, 'a']:.3f} [{rows.loc[ds, 'a_lo']:.3f}, "
        f"{rows.loc[ds, 'a_hi']:.3f}]"
        for ds in fits
    )
    return charts.figure(
        band + line + bars + dots,
        title="Kaplan's frontier, refitted on Porian et al.'s reproduction",
        caption=(
            f"Compute-optimal model size against budget for Porian et al.'s 'Reproducing Kaplan et al.' "
            f"runs (points, with +-1 bootstrap s.d. of ln N* as bars) and the weighted least-squares power "
            f"law (weights 1/s.d.) with its {pct} {fit0.method} bootstrap band ({fit0.n_boot} "
            f"resamples). Fitted exponents ({pct} parametric-bootstrap interval): {exps}."
        ),
        alt=(
            "Two nearly parallel rising lines with narrow shaded bands and points with error bars, one per "
            "data set: the compute-optimal non-embedding model size grows steeply with compute."
        ),
    )


def two_counts(
    recount: pd.DataFrame, fit_nonemb: kr.FrontierFit, fit_head: kr.FrontierFit
) -> charts.Figure:
    """The same RefinedWeb optima counted without embeddings and with the output layer, with fits.

    ``recount`` from :func:`scalinglaws.analyses.kaplan_refit.recount_with_head` (``flops``, ``n_star``,
    ``flops_head``, ``n_star_head``); ``fit_nonemb`` and ``fit_head`` the frontier fits of the two
    counts (bands from their bootstraps).
    """
    for fit in (fit_nonemb, fit_head):
        if not isinstance(fit, kr.FrontierFit):
            raise InputError(f"fits must be FrontierFit objects, got {type(fit).__name__}")
    r = recount
    ne, wh = "non-embedding (Kaplan)", "with output layer"
    both = pd.concat(
        [
            pd.DataFrame({"C": r["flops"], "N": r["n_star"], "counted": ne}),
            pd.DataFrame({"C": r["flops_head"], "N": r["n_star_head"], "counted": wh}),
        ]
    )
    bands = []
    for name, fit, cc in ((ne, fit_nonemb, r["flops"]), (wh, fit_head, r["flops_head"])):
        b = kr.frontier_band(fit, np.geomspace(cc.min(), cc.max(), 40))
        b["counted"] = name
        bands.append(b)
    bands = pd.concat(bands)
    xv = np.concatenate([both["C"], bands["flops"]])
    yv = np.concatenate([both["N"], bands["lo"], bands["hi"]])
    x_enc = charts.log_enc("x", "C", "Compute C = 6ND (FLOP, N as counted)", xv)
    y_title = "Compute-optimal size N* (parameters, as counted)"
    colour = alt.Color("counted:N", title="Parameter count")
    bands = bands.rename(columns={"flops": "C"})
    chart = (
        alt.Chart(bands)
        .mark_area(opacity=0.2)
        .encode(x=x_enc, y=charts.log_enc("y", "lo", y_title, yv), y2="hi:Q", color=colour)
        + alt.Chart(bands)
        .mark_line()
        .encode(x=x_enc, y=charts.log_enc("y", "fit", y_title, yv), color=colour)
        + alt.Chart(both)
        .mark_point(filled=True, size=45)
        .encode(
            x=x_enc,
            y=charts.log_enc("y", "N", y_title, yv),
            color=colour,
            tooltip=[
                "counted",
                alt.Tooltip("C:Q", format=".3~e"),
                alt.Tooltip("N:Q", format=".3~e"),
            ],
        )
    )
    a0, a1 = fit_nonemb.exponent, fit_head.exponent
    lo, hi = fit_head.exponent_ci
    return charts.figure(
        chart,
        title="Same runs, two parameter counts",
        caption=(
            f"RefinedWeb compute-optimal runs of Porian et al.'s Kaplan reproduction, counted without "
            f"embeddings (exponent {a0:.3f}) and with the output layer included (exponent {a1:.3f}, "
            f"{_pct(fit_head.level)} band [{lo:.3f}, {hi:.3f}]). The points move up and to the right, "
            "most at small scale, which changes the fitted slope."
        ),
        alt=(
            "Two sets of points with fitted lines; the output-layer count lies above the non-embedding "
            f"count, with the gap largest at small compute; fitted exponents {a0:.3f} and {a1:.3f}."
        ),
    )


def pythia_accuracy(acc: pd.DataFrame, step: int, fit: Mapping[str, Any]) -> charts.Figure:
    """Pythia mean zero-shot accuracy against parameters at ``step`` (with the fitted line and band)
    and against training tokens from step 1000 on, one curve per size.

    ``acc`` from :func:`scalinglaws.analyses.kaplan_refit.pythia_accuracy`; ``fit`` the
    :func:`~scalinglaws.analyses.kaplan_refit.fit_accuracy_vs_log_params` of the rows at ``step``.
    """
    if not isinstance(fit, Mapping) or "boot_slopes" not in fit:
        raise InputError("fit must be the dict returned by fit_accuracy_vs_log_params")
    at_step = acc[acc["step"] == step]
    if at_step.empty:
        raise InputError(f"no Pythia evaluations at step {step}")
    present, missing = kr.pythia_suite_coverage(acc["size"])
    traj = acc[acc["step"] >= 1000].copy()
    ordered = kr.size_ordering(acc, from_step=1000)
    grid = np.geomspace(at_step["params"].min(), at_step["params"].max(), 40)
    band = kr.accuracy_band(dict(fit), grid)
    x_enc = charts.log_enc(
        "x",
        "N",
        "Parameters N (total, Pythia suite sizes)",
        np.concatenate([grid, at_step["params"]]),
    )
    y_title = "Mean zero-shot accuracy (fraction)"
    left = (
        alt.Chart(band)
        .mark_area(opacity=0.2)
        .encode(x=x_enc, y=alt.Y("lo:Q", title=y_title, scale=alt.Scale(zero=False)), y2="hi:Q")
        + alt.Chart(band).mark_line().encode(x=x_enc, y=alt.Y("acc:Q", title=y_title))
        + alt.Chart(at_step.rename(columns={"params": "N"}))
        .mark_point(filled=True, size=60, color=charts.PALETTE[1])
        .encode(
            x=x_enc,
            y=alt.Y("mean_acc:Q", title=y_title),
            tooltip=["size", alt.Tooltip("mean_acc:Q", format=".3f")],
        )
    ).properties(width=260, height=260)
    right = (
        alt.Chart(traj)
        .mark_line(point=True)
        .encode(
            x=charts.log_enc("x", "tokens", "Training tokens D", traj["tokens"]),
            y=alt.Y("mean_acc:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=alt.Color("size:N", title="Pythia model", sort=list(dict.fromkeys(traj["size"]))),
            tooltip=[
                "size",
                alt.Tooltip("tokens:Q", format=".3~e"),
                alt.Tooltip("mean_acc:Q", format=".3f"),
            ],
        )
        .properties(width=300, height=260)
    )
    pct = _pct(fit["level"])
    return charts.figure(
        alt.hconcat(left, right),
        title="Pythia: zero-shot accuracy against parameters and tokens",
        caption=(
            f"Left: mean zero-shot accuracy over {len(kr.PYTHIA_TASKS)} tasks at step {step} "
            f"({step * PYTHIA_TOKENS_PER_STEP:.3g} tokens) against parameters, with a least-squares line in log10 N "
            f"and its {pct} pairs-bootstrap band ({fit['n_boot']} resamples). Right: the same average "
            f"over training (from step 1000) for every model size in the data ({len(present)} of the "
            f"suite's {len(kr.PYTHIA_SUITE)}; missing: {', '.join(missing) or 'none'})."
        ),
        alt=(
            f"Left, {len(at_step)} points, one per model size, with a least-squares line in the logarithm "
            f"of size (slope {100 * fit['slope']:.1f} percentage points per tenfold increase) and its "
            f"band. Right, {len(present)} curves of accuracy against training tokens, one per model size; "
            f"the ordering by size holds at {int(ordered.sum())} of {len(ordered)} checkpoints."
        ),
    )

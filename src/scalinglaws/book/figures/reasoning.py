"""Figures of the chapter "Reasoning models: scaling test-time compute" (chapters/06_reasoning.ipynb)."""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws.book import charts, fmt_pct, fmt_sig
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import DEFAULT_LAW, law_label

__all__ = [
    "aime_tokens",
    "breakeven_draws",
    "coverage_vote",
    "effort_cost",
    "effort_tokens",
    "exchange_advantage",
    "law_text",
    "post_training_gains",
    "rl_sigmoid",
    "scalerl_display",
    "vote_calls",
]

#: Colours of the Aider model families after the shared palette's seven: Tol's palette.
_EXTRA_COLOURS = ("#882255", "#999933", "#AA4499", "#44AA99", "#DDCC77")

#: End of the search range of :func:`scalinglaws.analyses.exchange.breakeven_inference_ratio` (log10 R).
_R_LOG10_END = 8.0


def breakeven_draws(
    draws: pd.DataFrame, point: float, *, law_text: str, anchor: str, multiplier: float
) -> charts.Figure:
    """Histogram of the break-even inference demand R over paired bootstrap draws (log10 scale).

    ``draws`` from :func:`scalinglaws.analyses.exchange.exchange_draws` (column ``breakeven``), ``point``
    the break-even R of the point estimates. Draws where test-time compute wins at every R
    (``inf``) or at none (``0``) are drawn at the ends of the searched range, 10^±8, and
    counted in the caption. When no draw defines a break-even demand (the assumed link saturates
    at the small model in every draw), the figure is an empty frame that says so.
    """
    if not isinstance(draws, pd.DataFrame) or "breakeven" not in draws.columns:
        raise InputError("draws must come from exchange.exchange_draws()")
    r = draws["breakeven"].to_numpy(dtype=float)
    r = r[~np.isnan(r)]
    if r.size == 0:
        return _no_breakeven(len(draws), multiplier, anchor, law_text)
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


def _no_breakeven(n: int, multiplier: float, anchor: str, law_text: str) -> charts.Figure:
    """The break-even figure when no draw defines one (the link saturates at the small model)."""
    note = (
        alt.Chart(
            pd.DataFrame({"x": [0.0], "count": [0], "what": ["no break-even demand in any draw"]})
        )
        .mark_text(size=14)
        .encode(
            x=alt.X(
                "x:Q",
                title="Break-even inference demand, log10 R (deployment tokens / larger model's training tokens)",
                scale=alt.Scale(domain=[-_R_LOG10_END, _R_LOG10_END]),
            ),
            y=alt.Y("count:Q", title="Bootstrap draws"),
            text="what:N",
        )
    )
    return charts.figure(
        note,
        title="How uncertain is the break-even demand? (model)",
        caption=(
            f"A MODEL, not data: in none of the {n} paired draws of the coverage exponent ({anchor} anchor) "
            f"and of the loss law ({law_text}) is there a break-even demand against a {multiplier:g}x larger "
            f"model: the assumed link saturates at the small model (single-sample success 0 or 1), so "
            f"sampling changes nothing and there is nothing to histogram."
        ),
        alt=(
            "An empty chart with the note that no bootstrap draw has a break-even demand, because the "
            "assumed link saturates at the small model."
        ),
    )


def law_text(law: str, n_boot: int) -> str:
    """How the loss law enters the exchange draws, for a caption: resampled or held fixed."""
    if law == DEFAULT_LAW:
        return f"{law_label(law)}, {n_boot} bootstrap resamples"
    return f"{law_label(law)}, held fixed"


def coverage_vote(
    curves: Any, fit: Any, *, beta: tuple[float, float], seed: int, n_boot: int
) -> charts.Figure:
    """Simulated coverage and majority vote against k, with the fitted coverage law and its band.

    ``curves`` from :func:`scalinglaws.analyses.coverage.simulated_curves`, ``fit`` the coverage law fitted to
    them; ``beta`` the Beta distribution of single-sample success, ``seed`` and ``n_boot`` of the
    simulation and the fit (for the caption).
    """
    problems, samples = curves.per_problem.shape[0], int(curves.ks[-1])
    kk = np.geomspace(1, samples, 60)
    band = fit.band(kk).rename(columns={"k": "samples"})
    band["curve"] = "coverage law fit (95% band)"
    points = pd.DataFrame(
        {
            "samples": np.concatenate([curves.ks, curves.vote_ks]),
            "fraction": np.concatenate([curves.coverage, curves.vote]),
            "curve": ["coverage (pass@k, simulated)"] * len(curves.ks)
            + ["majority vote (simulated)"] * len(curves.vote_ks),
        }
    )
    fit_chart = charts.line_with_band(
        band,
        "samples",
        "fit",
        "lo",
        "hi",
        x_title="Samples per problem k",
        y_title="Fraction of problems solved",
        color="curve",
        log_y_axis=False,
    )
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=60)
        .encode(
            x=alt.X("samples:Q"),
            y=alt.Y("fraction:Q", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("curve:N", title="curve"),
            tooltip=[
                alt.Tooltip("curve:N"),
                alt.Tooltip("samples:Q"),
                alt.Tooltip("fraction:Q", format=".3f"),
            ],
        )
    )
    a, b = beta
    return charts.figure(
        charts.layer(fit_chart, dots),
        title=(
            "Coverage keeps rising; majority vote stops (simulation)"
            if curves.vote_flattens
            else "Coverage and majority vote from the same samples (simulation)"
        ),
        caption=(
            f"SIMULATION: {problems} problems with Beta({a:g}, {b:g}) single-sample "
            f"success, {samples} samples each (seed {seed}). Coverage is the unbiased pass@k averaged over "
            f"problems; the line and band are the exponentiated power law log c = a k^b fitted to it with a 95% "
            f"bootstrap band over problems ({n_boot} resamples). Majority vote uses the same samples."
        ),
        alt=(
            "Simulated fraction of problems solved against the number of samples on a log axis: coverage with "
            "the fitted exponentiated power law and its band, and majority-vote accuracy from the same samples, "
            "which can never exceed coverage."
        ),
    )


def _band(fit: Any, x: np.ndarray) -> pd.DataFrame:
    """Columns ``x``, ``fit``, ``lo``, ``hi`` of a :class:`~scalinglaws.fitting.powerlaw.CurveFit` at ``x``."""
    lo, hi = fit.band(x)
    return pd.DataFrame({"x": x, "fit": fit.predict(x), "lo": lo, "hi": hi})


def aime_tokens(aime: pd.DataFrame, fit: Any, *, n_boot: int) -> charts.Figure:
    """o1-mini AIME accuracy against thinking tokens with the log-linear fit and its band.

    ``aime`` the ``o1_aime_reconstruction`` ``majority_vote`` table, ``fit`` from
    :func:`scalinglaws.analyses.reasoning.fit_log_linear` (accuracy on ``avg_tokens_used``).
    """
    grid = np.geomspace(aime["avg_tokens_used"].min(), aime["avg_tokens_used"].max(), 60)
    aband = _band(fit, grid)
    aime_pts = aime.assign(
        how=np.where(aime["n_votes"] > 1, "majority vote of 2,048-token samples", "one sample")
    )
    line = charts.line_with_band(
        aband,
        "x",
        "fit",
        "lo",
        "hi",
        x_title="Output tokens per problem (log scale)",
        y_title="AIME 2024 accuracy (fraction of 30)",
        log_y_axis=False,
    )
    dots = (
        alt.Chart(aime_pts)
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X("avg_tokens_used:Q"),
            y=alt.Y("accuracy:Q"),
            shape=alt.Shape("how:N", title="how the tokens were spent"),
            color=alt.Color("how:N", title="how the tokens were spent"),
            tooltip=[
                alt.Tooltip("avg_tokens_used:Q", format=",.0f", title="tokens"),
                alt.Tooltip("accuracy:Q", format=".3f"),
                alt.Tooltip("n_votes:Q", title="votes"),
            ],
        )
    )
    return charts.figure(
        charts.layer(line, dots),
        title="o1-mini on AIME 2024: accuracy against thinking tokens",
        caption=(
            f"Points: Zhang & Chen's reconstruction of OpenAI's o1 test-time plot with o1-mini (30 problems). "
            f"Line and band: accuracy = intercept + g log2(tokens), g = {100 * fit.m:.1f} points per doubling, "
            f"95% pairs-bootstrap band ({n_boot} resamples)."
        ),
        alt=(
            "AIME accuracy against output tokens per problem on a log axis, rising roughly along a straight line "
            "from about 20 percent at a few hundred tokens to about 70 percent at close to a hundred thousand tokens; "
            "the last points use majority voting."
        ),
    )


def _family_colours(ladders: pd.DataFrame) -> dict[str, str]:
    families = sorted(ladders["family"].unique())
    return dict(zip(families, list(charts.PALETTE[:7]) + list(_EXTRA_COLOURS), strict=False))


def _ladder_layers(
    frame: pd.DataFrame, x: Any, colours: dict[str, str], tooltip: list, families: list[str]
) -> alt.LayerChart:
    scale = alt.Scale(domain=families, range=[colours[f] for f in families])
    base = alt.Chart(frame).encode(
        x=x,
        y=alt.Y(
            "pass_rate_pct:Q",
            title="Exercises solved after one retry (%)",
            scale=alt.Scale(zero=False),
        ),
        color=alt.Color("family:N", title="model", scale=scale, legend=alt.Legend(labelLimit=320)),
    )
    return alt.layer(
        base.mark_line(),
        base.mark_point(filled=True, size=70).encode(tooltip=tooltip),
        base.mark_rule().encode(y="pass_lo_pct:Q", y2="pass_hi_pct:Q"),
    )


def effort_cost(ladders: pd.DataFrame) -> charts.Figure:
    """Aider pass rate against the run's API cost, one line per model's effort ladder.

    ``ladders`` from :func:`scalinglaws.analyses.effort.effort_ladders`; runs without a recorded cost are
    left out. Colours per model are shared with :func:`effort_tokens`.
    """
    plot = ladders.dropna(subset=["cost_usd"])
    chart = _ladder_layers(
        plot,
        charts.log_x(
            "cost_usd", "API cost of the full 225-exercise run (USD, log scale)", data=plot
        ),
        _family_colours(ladders),
        [
            "model",
            "setting",
            alt.Tooltip("pass_rate_pct:Q", title="pass rate (%)"),
            alt.Tooltip("cost_usd:Q", format="$,.2f", title="cost"),
        ],
        sorted(ladders["family"].unique()),
    )
    return charts.figure(
        chart,
        title="More reasoning effort: pass rate against dollars (Aider polyglot)",
        caption=(
            f"Each line joins runs of one model at increasing reasoning effort or thinking budget "
            f"({ladders['family'].nunique()} models; runs with no recorded cost omitted). Vertical bars: 95% Wilson "
            f"intervals of each pass rate over 225 exercises."
        ),
        alt=(
            "Pass rate against run cost on a log axis for models run at several reasoning efforts. Most lines rise "
            "to the right: more effort costs more and solves a few more exercises; a few lines go left, where the "
            "higher effort run was cheaper."
        ),
    )


def effort_tokens(ladders: pd.DataFrame) -> charts.Figure:
    """Aider pass rate against the run's output tokens, for models with at least two token counts.

    ``ladders`` from :func:`scalinglaws.analyses.effort.effort_ladders`; colours as in :func:`effort_cost`.
    """
    tok = ladders.dropna(subset=["completion_tokens"])
    tok = tok[tok.groupby("family")["family"].transform("size") >= 2]
    chart = _ladder_layers(
        tok,
        charts.log_x("completion_tokens", "Output tokens of the full run (log scale)", data=tok),
        _family_colours(ladders),
        [
            "model",
            alt.Tooltip("completion_tokens:Q", format=",.0f", title="output tokens"),
            alt.Tooltip("pass_rate_pct:Q", title="pass rate (%)"),
        ],
        sorted(tok["family"].unique()),
    )
    return charts.figure(
        chart,
        title="The same ladders against output tokens",
        caption=(
            f"Models whose runs all record output tokens ({tok['family'].nunique()} models). Vertical bars: 95% "
            f"Wilson intervals over 225 exercises."
        ),
        alt=(
            "Pass rate against total output tokens on a log axis for the models with token counts; more tokens go "
            "with a few more points for most models."
        ),
    )


def exchange_advantage(
    table: pd.DataFrame,
    sizes: Any,
    *,
    law: str,
    link: Any,
    b: float,
    anchor: str,
    multiplier: float,
) -> charts.Figure:
    """The exchange MODEL: coverage of k samples from N_s minus the larger model's pass@1, against R.

    ``table`` from :func:`scalinglaws.analyses.exchange.exchange_table` over ``sizes`` and a grid of inference
    demands; ``law`` the law's name, ``link`` the assumed :class:`~scalinglaws.analyses.exchange.LogisticLink`,
    ``b`` the coverage exponent of ``anchor`` (for the caption).
    """
    ex_plot = table.assign(
        advantage_pts=100 * table["advantage"],
        model=[f"N_s = {fmt_sig(n, 2)}" for n in table["small_params"]],
    )
    order = [f"N_s = {fmt_sig(n, 2)}" for n in sizes]
    lines = (
        alt.Chart(ex_plot)
        .mark_line()
        .encode(
            x=charts.log_x(
                "inference_ratio",
                "Inference demand R (deployment tokens / larger model's training tokens)",
                data=ex_plot,
            ),
            y=alt.Y(
                "advantage_pts:Q", title="Coverage of k samples minus large model's pass@1 (points)"
            ),
            color=alt.Color("model:N", title="small model", sort=order),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("inference_ratio:Q", format=".2e", title="R"),
                alt.Tooltip("k:Q", format=",.0f", title="samples k"),
                alt.Tooltip("small_coverage:Q", format=".3f"),
                alt.Tooltip("large_p1:Q", format=".3f"),
                alt.Tooltip("advantage_pts:Q", format=".1f", title="advantage (points)"),
            ],
        )
    )
    zero = (
        alt.Chart(pd.DataFrame({"y": [0.0]}))
        .mark_rule(strokeDash=[4, 4], color="#000000")
        .encode(y="y:Q")
    )
    return charts.figure(
        charts.layer(lines, zero),
        title=f"MODEL: k samples from N_s against one sample from a {multiplier:g}x larger model",
        caption=(
            f"A model, not data: {law_label(law)} law, compute-optimal training, ASSUMED logistic link "
            f"(L50 = {link.loss_mid:g}, s = {link.scale:g} nats/token), coverage exponent b = {b:.3f} from "
            f"Brown et al.'s {anchor} numbers, perfect verifier. Above the dashed line the small model "
            f"with k samples (k set by matched total FLOPs) beats the larger model. Point values; the text gives "
            f"intervals for the reference size. The link is an assumption: change it in the parameters cell to see "
            f"how much the answer moves."
        ),
        alt=(
            "Modelled advantage of sampling a small model many times over one sample of a larger model, against "
            "inference demand on a log axis, one line per small-model size. The advantage falls as inference "
            "demand grows, because fewer samples fit in the matched budget."
        ),
    )


def post_training_gains(
    gains: pd.DataFrame, fit_cot: Any, fit_sc: Any, *, n_boot: int
) -> charts.Figure:
    """Chain-of-thought and self-consistency gains on GSM8K against training compute, with fits.

    ``gains`` from :func:`scalinglaws.analyses.reasoning.post_training_gains`; ``fit_cot`` and ``fit_sc`` the
    log-linear fits of ``cot_gain`` and ``sc_gain`` on ``flops`` (bands in points).
    """
    both_grow = bool(fit_cot.intervals["m"][0] > 0 and fit_sc.intervals["m"][0] > 0)
    grid = np.geomspace(gains["flops"].min(), gains["flops"].max(), 60)
    bands = []
    for name, f in (("chain of thought", fit_cot), ("self-consistency (maj@5)", fit_sc)):
        bd = _band(f, grid)
        bd[["fit", "lo", "hi"]] *= 100
        bands.append(bd.assign(technique=name))
    bands = pd.concat(bands, ignore_index=True)
    long = pd.concat(
        [
            gains.assign(technique="chain of thought", gain=100 * gains["cot_gain"]),
            gains.assign(technique="self-consistency (maj@5)", gain=100 * gains["sc_gain"]),
        ],
        ignore_index=True,
    )
    band_chart = charts.line_with_band(
        bands,
        "x",
        "fit",
        "lo",
        "hi",
        x_title="Training compute C (FLOP, 6ND as published)",
        y_title="GSM8K accuracy gain (points)",
        color="technique",
        log_y_axis=False,
    )
    scatter = (
        alt.Chart(long)
        .mark_point(opacity=0.6)
        .encode(
            x=alt.X("flops:Q"),
            y=alt.Y("gain:Q"),
            color=alt.Color("technique:N", title="technique"),
            tooltip=[
                "model",
                "family",
                alt.Tooltip("flops:Q", format=".2e"),
                alt.Tooltip("gain:Q", format=".1f"),
            ],
        )
    )
    return charts.figure(
        charts.layer(band_chart, scatter),
        title=(
            "Chain-of-thought and self-consistency gains grow with scale"
            if both_grow
            else "Chain-of-thought and self-consistency gains against scale"
        ),
        caption=(
            f"{len(gains)} public base models from Ruan et al.'s post-training evaluations on GSM8K. Chain of "
            f"thought: 8-shot CoT minus plain 5-shot accuracy. Self-consistency: majority of 5 sampled chains minus "
            f"the first chain. Lines: gain = a + g log2(C) with 95% pairs-bootstrap bands ({n_boot} resamples)."
        ),
        alt=(
            "Accuracy gains from chain of thought and from self-consistency against training compute on a log axis. "
            "Both clouds start near zero for small models and rise with compute; chain of thought gains much more "
            "than voting."
        ),
    )


def breakeven_table(
    table: pd.DataFrame, breakeven: dict[float, float], multiplier: float
) -> pd.DataFrame:
    """The break-even table for readers (formatted strings), one row per small-model size.

    Columns: the small model's size, its pass@1, the larger model's pass@1 and the break-even demand
    R below which test time wins ("never" for 0, "always" for inf).
    """
    m = float(multiplier)
    if not (math.isfinite(m) and m > 0):
        raise InputError(f"multiplier must be positive, got {multiplier!r}")
    sizes = list(breakeven)
    first = table.groupby("small_params")[["small_p1", "large_p1"]].first()
    return pd.DataFrame(
        {
            "small model N_s": [fmt_sig(n, 2) for n in sizes],
            "pass@1 small": [fmt_pct(first.loc[n, "small_p1"]) for n in sizes],
            f"pass@1 {m:g}× larger": [fmt_pct(first.loc[n, "large_p1"]) for n in sizes],
            "test time wins below R =": [
                "never" if r == 0 else ("always" if np.isinf(r) else fmt_sig(r, 2))
                for r in breakeven.values()
            ],
        }
    )


#: Table 1 runs drawn by :func:`rl_sigmoid`: the main run and the three that change one knob to a
#: higher asymptote (longer generations, a larger batch, a larger model).
RL_RUNS = (
    "ScaleRL (8B, batch 768, 14k generation)",
    "ScaleRL-32k",
    "ScaleRL-bs2048",
    "ScaleRL-Scout (Llama-4 17Bx16 MoE)",
)


def rl_sigmoid(table: pd.DataFrame, *, r0: float, runs: tuple[str, ...] = RL_RUNS) -> charts.Figure:
    """ScaleRL's sigmoid with Khatri et al.'s Table 1 constants: pass rate against RL compute.

    ``table`` from :func:`scalinglaws.analyses.rl_compute.scalerl_table` at the ILLUSTRATIVE starting
    pass rate ``r0`` (not printed by the paper; the caption says so). One line per run in ``runs``,
    its asymptote ``A`` dashed, and a rule where the paper's fits start (1,500 GPU-hours).
    """
    from scalinglaws.analyses.rl_compute import SCALERL_FIT_START

    if not isinstance(table, pd.DataFrame) or "curve" not in table.columns:
        raise InputError("table must come from rl_compute.scalerl_table()")
    chosen = table.set_index("run")
    missing = [r for r in runs if r not in chosen.index]
    if missing:
        raise InputError(f"no run {missing[0]!r} in the table")
    grid = np.geomspace(100.0, 100000.0, 80)  # up to the longest run, 100k GPU-hours
    lines, tops = [], []
    for run in runs:
        curve = chosen.loc[run, "curve"]
        lines.append(
            pd.DataFrame({"gpu_hours": grid, "pass_rate": curve.performance(grid), "run": run})
        )
        tops.append({"A": curve.A, "run": run})
    data = pd.concat(lines, ignore_index=True)
    x = charts.log_x("gpu_hours", "RL training compute C (GB200 GPU-hours, log scale)", data=data)
    colour = alt.Color("run:N", title="run (Khatri et al. Table 1)", sort=list(runs))
    curves = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=x,
            y=alt.Y(
                "pass_rate:Q",
                title="Expected pass rate R(C) (fraction, mean@16)",
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=colour,
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("gpu_hours:Q", format=",.0f", title="GPU-hours"),
                alt.Tooltip("pass_rate:Q", format=".3f", title="pass rate"),
            ],
        )
    )
    asymptotes = (
        alt.Chart(pd.DataFrame(tops))
        .mark_rule(strokeDash=[4, 4])
        .encode(y="A:Q", color=colour, tooltip=[alt.Tooltip("run:N"), alt.Tooltip("A:Q")])
    )
    start = (
        alt.Chart(pd.DataFrame({"gpu_hours": [SCALERL_FIT_START], "what": ["fits start"]}))
        .mark_rule(color="#000000", strokeDash=[1, 3])
        .encode(x="gpu_hours:Q", tooltip=[alt.Tooltip("what:N"), alt.Tooltip("gpu_hours:Q")])
    )
    return charts.figure(
        charts.layer(curves, asymptotes, start),
        title="ScaleRL's sigmoid: RL compute buys pass rate up to a ceiling",
        caption=(
            f"Curves R(C) = R0 + (A - R0) / (1 + (C_mid / C)^B) with A, B and C_mid as printed in Khatri et "
            f"al.'s Table 1 (no run's data is public; nothing is fitted here). R0 = {r0:g} is ILLUSTRATIVE: "
            f"the paper prints no starting pass rate. Dashed: each run's asymptote A. Dotted: "
            f"{SCALERL_FIT_START:,.0f} GPU-hours, where the paper's fits start."
        ),
        alt=(
            "Pass rate against RL training compute on a log axis for four ScaleRL runs: S-shaped curves that "
            "rise and level off at their asymptotes; the runs with higher asymptotes rise later."
        ),
    )


def scalerl_display(table: pd.DataFrame) -> pd.DataFrame:
    """Khatri et al.'s Table 1 for readers, with the compute to 90% of each run's gain.

    Columns: run, C_mid, B, A (as printed), GPU-hours to 90% of the gain and its ratio to C_mid
    (``9**(1/B)``); neither depends on the starting pass rate.
    """
    if not isinstance(table, pd.DataFrame) or "ratio_90_50" not in table.columns:
        raise InputError("table must come from rl_compute.scalerl_table()")
    return pd.DataFrame(
        {
            "run": table["run"],
            "C_mid (GPU-h)": [fmt_sig(v, 4) for v in table["C_mid"]],
            "B": [f"{v:.2f}" for v in table["B"]],
            "A": [f"{v:.3f}" for v in table["A"]],
            "GPU-h to 90% of the gain": [fmt_sig(float(f"{v:.3g}"), 3) for v in table["c90"]],
            "ratio to C_mid": [f"{fmt_sig(v, 3)}×" for v in table["ratio_90_50"]],
        }
    )


def vote_calls(
    curve: pd.DataFrame, best: dict[str, Any], *, frac_hard: float, p_easy: float, p_hard: float
) -> charts.Figure:
    """Majority-vote accuracy against the number of calls: the mix, its easy and its hard queries.

    ``curve`` from :func:`scalinglaws.analyses.systems.vote_curve` and ``best`` from
    :func:`scalinglaws.analyses.systems.optimal_calls` at the same (illustrative) mix; the best K found
    is marked.
    """
    need = ("k", "accuracy", "easy", "hard")
    if not isinstance(curve, pd.DataFrame) or any(c not in curve.columns for c in need):
        raise InputError("curve must come from systems.vote_curve()")
    labels = {
        "accuracy": f"benchmark ({100 * frac_hard:g}% hard)",
        "easy": f"an easy query (p = {p_easy:g})",
        "hard": f"a hard query (p = {p_hard:g})",
    }
    long = curve.melt(id_vars="k", value_vars=list(labels), var_name="quantity", value_name="acc")
    long["series"] = long["quantity"].map(labels)
    order = list(labels.values())
    x = charts.log_x("k", "Calls per query K (odd; log scale)", data=curve)
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=x,
            y=alt.Y(
                "acc:Q", title="Majority vote correct (fraction)", scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color("series:N", title="accuracy of", sort=order),
            strokeDash=alt.StrokeDash("series:N", sort=order, legend=None),
            tooltip=[
                alt.Tooltip("series:N"),
                alt.Tooltip("k:Q", title="calls"),
                alt.Tooltip("acc:Q", format=".3f", title="accuracy"),
            ],
        )
    )
    top = pd.DataFrame({"k": [best["k"]], "acc": [best["accuracy"]], "what": ["best K found"]})
    point = (
        alt.Chart(top)
        .mark_point(filled=True, size=90, color="#000000")
        .encode(
            x="k:Q",
            y="acc:Q",
            tooltip=[alt.Tooltip("what:N"), alt.Tooltip("k:Q"), alt.Tooltip("acc:Q", format=".3f")],
        )
    )
    rises_falls = bool(best["rises_then_falls"])
    return charts.figure(
        charts.layer(lines, point),
        title=(
            "More calls, then worse: majority vote over K calls (model)"
            if rises_falls
            else "Majority vote over K calls (model)"
        ),
        caption=(
            f"A MODEL with ILLUSTRATIVE inputs (Chen et al. print none): {100 * frac_hard:g}% hard queries on "
            f"which one call is right with probability {p_hard:g}, the rest easy with {p_easy:g}; "
            f"independent binary votes, exact binomial tails (ties at even K count half, so only odd K are "
            f"drawn). Point: the best K found up to {best['k_max']}, K = {best['k']}."
        ),
        alt=(
            "Accuracy of majority voting against the number of calls on a log axis: rising towards 1 for an "
            "easy query, falling towards 0 for a hard one, and for the benchmark mixing them a curve that "
            + (
                "rises to a peak and then falls towards the fraction of easy queries."
                if rises_falls
                else "moves towards the fraction of easy queries."
            )
        ),
    )

"""Glue of the chapter "Reasoning models: scaling test-time compute" (chapters/06_reasoning.ipynb).

One function per section of the chapter. Each takes the section's results (fits, tables, bootstrap
draws), formats them with :mod:`scalinglaws.book`'s rules, glues them under the names the chapter's
prose uses, and returns the dict of texts it glued (sentences chosen with :func:`scalinglaws.book.claim`
included), so it can be tested on a small hand-made input.

``params`` is the chapter's validated parameters (``P = check("reasoning", globals())``); any object
with the attributes a function reads will do.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.analyses import coverage, exchange, reasoning, rl_compute, systems
from scalinglaws.book import (
    fmt_fixed,
    fmt_int,
    fmt_interval,
    fmt_pct,
    fmt_sig,
    fmt_times,
    glue_all,
)
from scalinglaws.core.laws import DEFAULT_LAW, law_label
from scalinglaws.fitting.powerlaw import CurveFit

__all__ = [
    "aider",
    "aime",
    "anchors",
    "arc",
    "exchange_claims",
    "exchange_rate",
    "more_calls",
    "pass_at_k_example",
    "post_training",
    "rl_training",
    "simulation",
]

#: Doublings per decade (log2 10): a gain per doubling times this is the gain per tenfold.
DOUBLINGS_PER_DECADE = math.log2(10)


def converged(flag: bool) -> str:
    """ "converged" or "did NOT converge" (the optimiser's flag, for the prose)."""
    return "converged" if flag else "did NOT converge"


def pts(x: float) -> str:
    """A fraction as percentage points with one decimal: ``pts(0.0606) == "6.1"``."""
    return f"{100 * x:.1f}"


def _glue(values: dict[str, str], claims: dict[str, tuple[Any, str, str]]) -> dict[str, str]:
    return glue_all(values, claims)


# ------------------------------------------------------------------- repeated sampling


def pass_at_k_example(n: int = 100, c: int = 5, k: int = 20) -> dict[str, str]:
    """The worked pass@k example: ``n`` samples, ``c`` correct, pass@1 and pass@``k``."""
    from scalinglaws.analyses.testtime import pass_at_k

    return _glue(
        {
            "rsn_ex_n": fmt_int(n),
            "rsn_ex_c": fmt_int(c),
            "rsn_ex_k": fmt_int(k),
            "rsn_ex_p1": fmt_pct(pass_at_k(n, c, 1)),
            "rsn_ex_pk": fmt_pct(pass_at_k(n, c, k)),
        },
        {},
    )


def simulation(
    params: Any, curves: coverage.SimulatedCurves, fit: coverage.CoverageFit
) -> dict[str, str]:
    """The simulated benchmark: its set-up, coverage, majority vote and the coverage-law fit.

    ``curves`` from :func:`scalinglaws.analyses.coverage.simulated_curves`, ``fit`` the coverage law fitted
    to them (:func:`scalinglaws.analyses.coverage.fit_coverage_law`). Reads ``sim_problems``,
    ``sim_samples``, ``sim_beta_a``, ``sim_beta_b`` and ``n_boot`` from ``params``.
    """
    p = params
    cov, vote = curves.coverage, curves.vote
    return _glue(
        {
            "rsn_sim_problems": fmt_int(p.sim_problems),
            "rsn_sim_samples": fmt_int(p.sim_samples),
            "rsn_sim_a": fmt_fixed(p.sim_beta_a, 2),
            "rsn_sim_b": fmt_fixed(p.sim_beta_b, 2),
            "rsn_sim_mean": fmt_pct(p.sim_beta_a / (p.sim_beta_a + p.sim_beta_b)),
            "rsn_sim_cov1": fmt_pct(cov[0]),
            "rsn_sim_covmax": fmt_pct(cov[-1]),
            "rsn_sim_kmax": fmt_int(curves.ks[-1]),
            "rsn_sim_vote_max": fmt_pct(vote[-1]),
            "rsn_sim_vote_best": fmt_pct(vote.max()),
            "rsn_sim_never": fmt_pct(curves.never),
            "rsn_cfit_a": fmt_fixed(fit.a, 3),
            "rsn_cfit_a_ci": fmt_interval(*fit.a_ci, fmt_fixed, 3),
            "rsn_cfit_b": fmt_fixed(fit.b, 3),
            "rsn_cfit_b_ci": fmt_interval(*fit.b_ci, fmt_fixed, 3),
            "rsn_cfit_conv": converged(fit.converged),
            "rsn_nboot": fmt_int(p.n_boot),
            "rsn_sim_gap": fmt_pct(cov[-1] - vote[-1]),
            "rsn_sim_cov_late": pts(curves.coverage_late),
            "rsn_sim_vote_late": pts(curves.vote_late),
            "rsn_sim_kmid": fmt_int(curves.k_mid),
        },
        {
            "rsn_sim_vote_flat": (
                curves.vote_flattens,
                "From this many samples on, coverage still gains",
                "Here the vote does not flatten clearly: from this many samples on, coverage gains",
            )
        },
    )


def anchors(
    exponents: dict[str, coverage.AnchorExponent],
    votes: pd.DataFrame,
    votes_fit: coverage.CoverageFit,
) -> dict[str, str]:
    """The exponents through Brown et al.'s published pairs, their out-of-sample check, and the
    coverage law fitted to the o1-mini majority-vote curve.

    ``exponents`` from :func:`scalinglaws.analyses.coverage.anchor_exponents`; ``votes`` the vote rows of the
    o1 reconstruction (columns ``n_votes``, ``accuracy``) and ``votes_fit`` the law fitted to them.
    """
    swe, math_ = exponents["swe-bench-lite"], exponents["math-llama3-8b"]
    k5_check, printed = coverage.SWE_BENCH_LITE_CHECK
    k5, (k5_lo, k5_hi) = coverage.anchor_coverage(swe, k5_check)
    k90, k90_ci = coverage.anchor_samples_for(swe, 0.9)
    return _glue(
        {
            "rsn_b_swe": fmt_fixed(swe.b, 3),
            "rsn_b_swe_ci": fmt_interval(*swe.b_ci, fmt_fixed, 3),
            "rsn_b_math": fmt_fixed(math_.b, 3),
            "rsn_b_math_ci": fmt_interval(*math_.b_ci, fmt_fixed, 3),
            "rsn_swe_n": fmt_int(swe.problems),
            "rsn_math_n": fmt_int(math_.problems),
            "rsn_swe_k5": fmt_pct(k5),
            "rsn_swe_k5_ci": fmt_interval(k5_lo, k5_hi, fmt_pct),
            "rsn_votes_n": fmt_int(len(votes)),
            "rsn_votes_max": fmt_int(votes["n_votes"].max()),
            "rsn_votes_b": fmt_fixed(votes_fit.b, 2),
            "rsn_votes_b_ci": fmt_interval(*votes_fit.b_ci, fmt_fixed, 2),
            "rsn_votes_conv": converged(votes_fit.converged),
            "rsn_votes_failed": fmt_int(votes_fit.n_failed),
            "rsn_k90_ci": fmt_interval(*k90_ci, fmt_sig, 2),
        },
        {
            "rsn_k90_claim": (
                k90 > coverage.COVERAGE_ANCHORS["swe-bench-lite"][2],
                "That is beyond the 250 samples the two points span:",
                "That is within the 250 samples the two points span, but still",
            ),
            "rsn_swe_k5_claim": (
                k5_lo <= printed <= k5_hi,
                "the printed value lies inside that interval, so the two-point law is consistent "
                "with it.",
                "the printed value lies outside that interval, so the law through the two anchors "
                "does not describe the small-$k$ end of this curve.",
            ),
        },
    )


# ------------------------------------------------------------------- longer thinking


def aime(aime: pd.DataFrame, nice: pd.DataFrame, fit: CurveFit) -> dict[str, str]:
    """The o1-mini AIME reconstruction: budget overshoot, end points and the log-linear fit.

    ``aime`` and ``nice`` are the ``majority_vote`` and ``just_ask_nicely`` tables of
    ``o1_aime_reconstruction``; ``fit`` the log-linear fit of accuracy on tokens.
    """
    by_tokens = aime.sort_values("avg_tokens_used")
    first, last = by_tokens.iloc[0], by_tokens.iloc[-1]
    n_problems = 30  # AIME 2024: the 30 problems behind every accuracy
    return _glue(
        {
            "rsn_overshoot": fmt_times(
                reasoning.budget_overshoot(nice["token_limit"], nice["avg_tokens_used"]), 2
            ),
            "rsn_aime_n": fmt_int(len(aime)),
            "rsn_aime_first_acc": fmt_pct(first["accuracy"], 0),
            "rsn_aime_first_tok": fmt_int(first["avg_tokens_used"]),
            "rsn_aime_last_acc": fmt_pct(last["accuracy"], 0),
            "rsn_aime_last_tok": fmt_sig(last["avg_tokens_used"], 3),
            "rsn_aime_doublings": fmt_fixed(
                math.log2(last["avg_tokens_used"] / first["avg_tokens_used"]), 1
            ),
            "rsn_aime_gain": pts(fit.m),
            "rsn_aime_gain_ci": fmt_interval(*(100 * g for g in fit.intervals["m"]), fmt_fixed, 1),
            "rsn_aime_r2": fmt_fixed(fit.r2, 2),
            "rsn_aime_se": pts(math.sqrt(0.5 * 0.5 / n_problems)),
        },
        {},
    )


def arc(per_doubling: float, per_doubling_ci: tuple[float, float]) -> dict[str, str]:
    """The ARC-AGI o3 runs (:data:`scalinglaws.analyses.reasoning.ARC_O3_SEMI_PRIVATE`): points gained and
    points per doubling of compute with its interval (from
    :func:`scalinglaws.analyses.reasoning.points_per_doubling`)."""
    high_eff, low_eff, _, _ = reasoning.ARC_O3_SEMI_PRIVATE
    return _glue(
        {
            "rsn_arc_gain": fmt_fixed(low_eff - high_eff, 1),
            "rsn_arc_per_doubling": fmt_fixed(per_doubling, 1),
            "rsn_arc_per_doubling_ci": fmt_interval(*per_doubling_ci, fmt_fixed, 1),
        },
        {},
    )


# ------------------------------------------------------------------- reasoning effort


def aider(
    runs: pd.DataFrame, ladders: pd.DataFrame, gains: Any, n_tasks: int = 225
) -> dict[str, str]:
    """The Aider reasoning-effort ladders: step gains, prices per point and gpt-5's ladder.

    ``ladders`` from :func:`scalinglaws.analyses.effort.effort_ladders` (of ``runs``), ``gains`` from
    :func:`scalinglaws.analyses.effort.step_gain_bootstrap`. Also glues exercise 3's answer: whether gpt-5's
    medium -> high difference exceeds two standard errors of two independent pass rates over
    ``n_tasks`` exercises.
    """
    lad = ladders
    steps = lad[lad["step"] != ""]
    gpt5 = lad[lad["family"] == "gpt-5"].set_index("setting")
    cheaper = steps[steps["d_cost_usd"] < 0]
    paid = steps[steps["usd_per_point"] > 0]
    half_width = float((lad["pass_hi_pct"] - lad["pass_lo_pct"]).median() / 2)
    g5 = gains.steps[gains.steps["family"] == "gpt-5"].set_index("step")
    g5_1, g5_2 = g5.loc["low → medium"], g5.loc["medium → high"]
    n_noise = int(((gains.steps["d_lo"] <= 0) & (gains.steps["d_hi"] >= 0)).sum())
    p_med, p_high = (
        gpt5.loc["medium", "pass_rate_pct"] / 100,
        gpt5.loc["high", "pass_rate_pct"] / 100,
    )
    se = math.sqrt(p_med * (1 - p_med) / n_tasks + p_high * (1 - p_high) / n_tasks)
    usd1, usd2 = gpt5.loc["medium", "usd_per_point"], gpt5.loc["high", "usd_per_point"]
    return _glue(
        {
            "rsn_aider_runs": fmt_int(len(runs)),
            "rsn_aider_families": fmt_int(lad["family"].nunique()),
            "rsn_aider_steps": fmt_int(len(steps)),
            "rsn_aider_gain_med": fmt_fixed(steps["d_points"].median(), 1),
            "rsn_aider_gain_med_ci": fmt_interval(*gains.median_ci, fmt_fixed, 1),
            "rsn_gpt5_d1": fmt_fixed(g5_1["d_points"], 1),
            "rsn_gpt5_d1_ci": fmt_interval(g5_1["d_lo"], g5_1["d_hi"], fmt_fixed, 1),
            "rsn_gpt5_d2": fmt_fixed(g5_2["d_points"], 1),
            "rsn_gpt5_d2_ci": fmt_interval(g5_2["d_lo"], g5_2["d_hi"], fmt_fixed, 1),
            "rsn_aider_noise_n": fmt_int(n_noise),
            "rsn_aider_gain_min": fmt_fixed(steps["d_points"].min(), 1),
            "rsn_aider_gain_max": fmt_fixed(steps["d_points"].max(), 1),
            "rsn_aider_usd_med": "$" + fmt_fixed(paid["usd_per_point"].median(), 2),
            "rsn_aider_usd_n": fmt_int(len(paid)),
            "rsn_gpt5_low": fmt_fixed(gpt5.loc["low", "pass_rate_pct"], 1),
            "rsn_gpt5_med": fmt_fixed(gpt5.loc["medium", "pass_rate_pct"], 1),
            "rsn_gpt5_high": fmt_fixed(gpt5.loc["high", "pass_rate_pct"], 1),
            "rsn_gpt5_usd1": "$" + fmt_fixed(usd1, 2),
            "rsn_gpt5_usd2": "$" + fmt_fixed(usd2, 2),
            "rsn_gpt5_ratio": fmt_times(usd2 / usd1, 2),
            "rsn_gpt5_tok1": fmt_sig(gpt5.loc["medium", "tokens_per_point"], 3),
            "rsn_gpt5_tok2": fmt_sig(gpt5.loc["high", "tokens_per_point"], 3),
            "rsn_aider_cheaper": fmt_int(len(cheaper)),
            "rsn_aider_cheaper_names": ", ".join(cheaper["family"]),
            "rsn_aider_halfwidth": fmt_fixed(half_width, 1),
        },
        {
            "rsn_gpt5_shape": (
                g5_2["d_points"] < g5_1["d_points"] and usd2 > usd1 > 0,
                "On the point values gpt-5's returns diminish: the second step gains fewer points "
                "than the first, at a higher price per point.",
                "On the point values gpt-5's steps do not show diminishing returns on both counts "
                "(fewer points for a higher price per point).",
            ),
            "rsn_gpt5_noise": (
                g5_2["d_lo"] <= 0 <= g5_2["d_hi"],
                "But the second step's interval includes zero: one run per setting cannot show "
                "that high effort beats medium, so the price per point of that step is not "
                "measured either.",
                "The second step's interval excludes zero, so high effort measurably beats medium.",
            ),
            "rsn_ex3_within": (
                abs(p_high - p_med) < 2 * se,
                "The difference is less than two standard errors, so a single pair of runs cannot "
                "show that the high setting is better.",
                "The difference exceeds two standard errors, so even a single pair of runs shows "
                "that the high setting is better.",
            ),
        },
    )


# ------------------------------------------------------------------- the exchange model


def _ratio_text(r: float) -> str:
    if np.isinf(r):
        return "at every inference demand up to 10⁸ training tokens' worth"
    if r == 0:
        return "at no inference demand we tried (down to 10⁻⁸)"
    return (
        f"while deployment generates less than R = {fmt_sig(r, 2)} times the larger model's "
        "training tokens"
    )


def _r_end(r: float) -> str:
    return "above 10⁸" if np.isinf(r) else ("below 10⁻⁸" if r == 0 else fmt_sig(r, 2))


def _m_end(m: float) -> str:
    return "beyond any model size" if np.isinf(m) else fmt_times(m, 3)


def exchange_rate(
    params: Any,
    law: Any,
    link: exchange.LogisticLink,
    exponent: coverage.AnchorExponent,
    draws: pd.DataFrame,
    breakeven: dict[float, float],
    multiplier_eq: float,
) -> dict[str, str]:
    """The exchange model at the reference size: assumptions, successes, samples, break-even
    demand and exchange rate, with intervals over the paired draws.

    ``law`` the loss law (:func:`scalinglaws.core.laws.get_law` of ``params.law``), ``link`` the assumed
    link, ``exponent`` the coverage anchor's :class:`~scalinglaws.analyses.coverage.AnchorExponent`, ``draws``
    from :func:`scalinglaws.analyses.exchange.exchange_draws`, ``breakeven`` from
    :func:`scalinglaws.analyses.exchange.breakeven_by_size` and ``multiplier_eq`` the exchange rate
    (:func:`scalinglaws.analyses.exchange.effective_multiplier` at ``params.exchange_samples``).

    Where the link saturates at the small model (single-sample success exactly 0 or 1), sampling
    changes nothing and there is no exchange rate; where fewer than 90% of the draws define one,
    no interval is quoted. Both cases are worded as such.
    """
    p = params
    canonical = p.law == DEFAULT_LAW
    b = exponent.b
    ref = exchange.exchange_table(law, p.small_params, p.multiplier, [1e-3, 1.0], link, b)
    p_small = exchange.small_success(law, p.small_params, link)
    saturated = not 0 < p_small < 1
    r_ci = exchange.defined_interval(draws["breakeven"])
    m_ci = exchange.defined_interval(draws["multiplier_eq"])
    p1s_lo, p1s_hi = np.quantile(draws["small_p1"], [0.025, 0.975])
    p1l_lo, p1l_hi = np.quantile(draws["large_p1"], [0.025, 0.975])
    mult = multiplier_eq
    if r_ci is None:
        rstar_ci = (
            "(no interval: the link saturates at the small model in more than a tenth of the "
            "bootstrap draws, where no break-even demand exists)"
        )
    elif r_ci[0] == r_ci[1] and r_ci[0] in (0.0, np.inf):
        rstar_ci = "(in every bootstrap draw)"
    else:
        rstar_ci = f"(95% interval of the break-even $R$: [{_r_end(r_ci[0])}, {_r_end(r_ci[1])}])"
    if m_ci is None:
        mult_ci = (
            "(no interval: the link saturates at the small model in more than a tenth of the "
            "bootstrap draws)"
        )
    elif np.isinf(m_ci[0]):
        mult_ci = "(in every bootstrap draw)"
    else:
        mult_ci = f"(95% interval [{_m_end(m_ci[0])}, {_m_end(m_ci[1])}])"
    if saturated:
        worth = (
            "are worth no more than one sample from it: the link is saturated at the small model, "
            f"whose single-sample success is already {fmt_pct(p_small)}, so sampling buys nothing"
        )
    elif np.isinf(mult):
        worth = "do better than one sample from any model the law allows, however large"
    else:
        worth = f"are worth one sample from a model {fmt_times(mult, 3)} larger"
    return _glue(
        {
            "rsn_link_mid": fmt_fixed(p.link_loss_mid, 2),
            "rsn_link_scale": fmt_fixed(p.link_scale, 2),
            "rsn_law": law_label(p.law),
            "rsn_b_ci": fmt_interval(*exponent.b_ci, fmt_fixed, 3),
            "rsn_small_p1_ci": (
                f"(95% interval {fmt_interval(p1s_lo, p1s_hi, fmt_pct)})"
                if canonical
                else "(printed constants: no interval)"
            ),
            "rsn_large_p1_ci": (
                f"(interval {fmt_interval(p1l_lo, p1l_hi, fmt_pct)})"
                if canonical
                else "(no interval)"
            ),
            "rsn_rstar_ci": rstar_ci,
            "rsn_mult_ci": mult_ci,
            "rsn_law_unc": (
                f"{fmt_int(p.n_boot)} bootstrap resamples of the canonical law (seed {p.seed})"
                if canonical
                else "nothing for the law, whose printed constants come without an interval"
            ),
            "rsn_b": fmt_fixed(b, 3),
            "rsn_anchor": p.coverage_anchor,
            "rsn_mult": fmt_times(p.multiplier, 3),
            "rsn_small": fmt_sig(p.small_params, 2),
            "rsn_small_p1": fmt_pct(ref["small_p1"].iloc[0]),
            "rsn_large_p1": fmt_pct(ref["large_p1"].iloc[0]),
            "rsn_k_lowR": fmt_sig(ref["k"].iloc[0], 3),
            "rsn_cov_lowR": fmt_pct(ref["small_coverage"].iloc[0]),
            "rsn_k_R1": fmt_sig(ref["k"].iloc[1], 3),
            "rsn_cov_R1": fmt_pct(ref["small_coverage"].iloc[1]),
            "rsn_rstar_text": _ratio_text(breakeven[float(p.small_params)]),
            "rsn_kx": fmt_int(p.exchange_samples),
            "rsn_worth": worth,
            "rsn_train_ratio": fmt_times(
                ref["train_flops_large"].iloc[0] / ref["train_flops_small"].iloc[0], 3
            ),
        },
        {
            "rsn_law_text": (
                canonical,
                f"the canonical law of this book ({law_label(p.law)})",
                f"{law_label(p.law)}, shown here as history only: Hoffmann et al.'s own data "
                "reject these constants (chapter 4)",
            ),
            "rsn_rate_tail": (
                not saturated,
                ": that is the exchange rate between the two kinds of compute at this size.",
                ". At this size there is no exchange rate between the two kinds of compute to "
                "quote: change the link in the parameters cell to move the small model off the "
                "saturated end.",
            ),
        },
    )


def exchange_claims(
    params: Any,
    law: Any,
    link: exchange.LogisticLink,
    exponents: dict[str, coverage.AnchorExponent],
    table: pd.DataFrame,
    breakeven: dict[float, float],
    multiplier_eq: float,
) -> dict[str, str]:
    """The exchange model's conclusions: whether the break-even demand rises with the small
    model's success (Snell et al.'s condition), whether the exchange reaches Snell et al.'s 14x,
    and exercise 4's answer (anchor or a twice wider link: which moves the rate more).

    ``table`` from :func:`scalinglaws.analyses.exchange.exchange_table` over the sizes of ``breakeven``
    (:func:`scalinglaws.analyses.exchange.breakeven_by_size`); ``exponents`` from
    :func:`scalinglaws.analyses.coverage.anchor_exponents`.
    """
    p = params
    rising = exchange.breakeven_rises_with_success(table, breakeven)
    mult = multiplier_eq
    other = next(a for a in exponents if a != p.coverage_anchor)
    wide = exchange.LogisticLink(p.link_loss_mid, 2 * p.link_scale)
    b = exponents[p.coverage_anchor].b
    k = [p.exchange_samples]
    m_other = exchange.effective_multiplier(law, p.small_params, k, link, exponents[other].b)[0]
    m_wide = exchange.effective_multiplier(law, p.small_params, k, wide, b)[0]
    finite = bool(np.all(np.isfinite([mult, m_other, m_wide])))
    return _glue(
        {},
        {
            "rsn_condition": (
                rising,
                "So does how capable the small model already is: across the sizes in the table, "
                "the break-even demand rises with the small model's single-sample success. Snell "
                "et al. state the same condition: test-time compute helps where the small model "
                "has non-trivial success.",
                "Across the sizes in the table, the break-even demand does not rise steadily with "
                "the small model's single-sample success: at these assumptions the coverage "
                "exponent and the link matter as much as the size. Snell et al.'s condition, that "
                "test-time compute helps where the small model has non-trivial success, is "
                "therefore not what decides the outcome in this run of the model.",
            ),
            "rsn_both": (
                rising,
                "In both, test-time compute is most attractive where the small model already "
                "succeeds reasonably often and where the deployment is small next to the cost of "
                "training.",
                "In our model, at these assumptions, only the second condition holds throughout: "
                "test-time compute is most attractive where the deployment is small next to the "
                "cost of training.",
            ),
            "rsn_snell_14": (
                np.isinf(mult) or mult >= 14,
                "so in this run our model, too, lets test-time compute match a model at least 14× "
                "larger.",
                "short of the 14× larger model of Snell et al.",
            ),
            "rsn_summary_condition": (
                rising,
                "depends on how capable the small model already is and how much it will be used",
                "depends on how much the model will be used and, in our model, on assumptions no "
                "data fix",
            ),
            "rsn_ex4": (
                abs(math.log(m_other / mult)) > abs(math.log(m_wide / mult))
                if finite
                else np.isinf(m_other) != np.isinf(mult),
                "Here the choice of anchor (the coverage exponent) moves the exchange rate more "
                "than doubling the link's width.",
                "Here doubling the link's width moves the exchange rate at least as much as the "
                "choice of anchor (the coverage exponent).",
            ),
        },
    )


# ------------------------------------------------------------------- chain of thought


def post_training(gains: pd.DataFrame, fit_cot: CurveFit, fit_sc: CurveFit) -> dict[str, str]:
    """Chain-of-thought and self-consistency gains across scale (Ruan et al.'s GSM8K table).

    ``gains`` from :func:`scalinglaws.analyses.reasoning.post_training_gains`; ``fit_cot`` and ``fit_sc`` the
    log-linear fits of each gain on training FLOPs (:func:`scalinglaws.analyses.reasoning.fit_log_linear`). Gains per tenfold compute, medians of the two
    halves of the models by compute, and whether both gains grow (both intervals above zero).
    """
    dec = DOUBLINGS_PER_DECADE
    median = gains["flops"].median()
    small_half, large_half = gains[gains["flops"] <= median], gains[gains["flops"] > median]
    cot_ci, sc_ci = fit_cot.intervals["m"], fit_sc.intervals["m"]
    both_grow = bool(cot_ci[0] > 0 and sc_ci[0] > 0)
    return _glue(
        {
            "rsn_obs_n": fmt_int(len(gains)),
            "rsn_obs_cmin": fmt_sig(gains["flops"].min(), 2),
            "rsn_obs_cmax": fmt_sig(gains["flops"].max(), 2),
            "rsn_cot_dec": pts(dec * fit_cot.m),
            "rsn_cot_dec_ci": fmt_interval(
                100 * dec * cot_ci[0], 100 * dec * cot_ci[1], fmt_fixed, 1
            ),
            "rsn_sc_dec": pts(dec * fit_sc.m),
            "rsn_sc_dec_ci": fmt_interval(100 * dec * sc_ci[0], 100 * dec * sc_ci[1], fmt_fixed, 1),
            "rsn_cot_small": pts(small_half["cot_gain"].median()),
            "rsn_cot_large": pts(large_half["cot_gain"].median()),
            "rsn_sc_small": pts(small_half["sc_gain"].median()),
            "rsn_sc_large": pts(large_half["sc_gain"].median()),
            "rsn_cmed": fmt_sig(median, 2),
        },
        {
            "rsn_obs_direction": (
                both_grow,
                "Both gains grow with scale.",
                "The gains do not both grow clearly with scale.",
            ),
            "rsn_obs_multiply": (
                both_grow,
                "Test-time techniques are not a substitute for scale here. They *multiply* it, "
                "because a model has to be able to follow its own chain before more tokens help.",
                "With intervals this wide, the data do not show whether these test-time techniques "
                "multiply scale or merely add to it.",
            ),
        },
    )


# ------------------------------------------------------------------- RL training compute


def _gpu_hours(x: float) -> str:
    """GPU-hours to 3 significant digits with thousands separators: ``_gpu_hours(49549) == "49,500"``."""
    return fmt_int(float(f"{x:.3g}"))


def _gain_step(curve: rl_compute.ScaleRLCurve, r_from: float, gain: float) -> str:
    """The compute factor for ``gain`` more pass rate from ``r_from``, or why there is none."""
    m = rl_compute.compute_multiplier_for_gain(curve, r_from, gain)
    if math.isinf(m):
        return "more than any amount of RL compute can buy: they lie at or above the asymptote"
    return f"{fmt_times(m, 3)} the compute"


def rl_training(params: Any, table: pd.DataFrame) -> dict[str, str]:
    """Scaling RL training compute: ScaleRL's Table 1 read through the sigmoid, the 100k GPU-hour
    run, where a longer generation budget overtakes the main run, and DeepSeek-R1-Zero's numbers.

    ``table`` from :func:`scalinglaws.analyses.rl_compute.scalerl_table` at ``params.rl_r0`` (the
    ILLUSTRATIVE starting pass rate; Khatri et al. print none). Quantities that depend on it are
    worded as such in the prose; the fractions of the gain and the compute ratios between them do not.
    """
    r0 = float(params.rl_r0)
    runs = table.set_index("run")
    main = runs.loc[rl_compute.SCALERL.name, "curve"]
    long_gen = runs.loc["ScaleRL-32k", "curve"]
    ratios = table.sort_values("ratio_90_50")
    cross = rl_compute.crossover_compute(main, long_gen)
    start, end = rl_compute.SCALERL_FIT_START, max(w[1] for w in rl_compute.SCALERL_100K_WINDOWS)
    b100, a100 = rl_compute.SCALERL_100K_WINDOWS[(start, 50000.0)]
    run100 = rl_compute.ScaleRLCurve(
        R0=r0, A=a100, B=b100, C_mid=rl_compute.SCALERL_100K_CMID_INFERRED
    )
    f100, f50 = run100.fraction_of_gain(100000.0), run100.fraction_of_gain(50000.0)
    r_mid = float(main.performance(main.C_mid))
    pl = rl_compute.SCALERL_POWER_LAW_CHECK
    r1 = rl_compute.R1_ZERO
    tan = rl_compute.TAN_POSTOPENAI
    inside = bool(math.isfinite(cross) and start <= cross <= end)
    # exercise 6: the same crossover at three starting pass rates
    r0s = (0.0, 0.2, 0.4)
    crosses = []
    for r in r0s:
        t = rl_compute.scalerl_table(r).set_index("run")["curve"]
        crosses.append(rl_compute.crossover_compute(t[main.name], t["ScaleRL-32k"]))
    listed = ", ".join(
        (f"{_gpu_hours(c)} GPU-hours" if math.isfinite(c) else "no crossing") + f" at R₀ = {r:g}"
        for c, r in zip(crosses, r0s, strict=True)
    )
    return _glue(
        {
            "rsn_rl_r0": fmt_fixed(r0, 2),
            "rsn_rl_cmid": fmt_int(main.C_mid),
            "rsn_rl_b": fmt_fixed(main.B, 2),
            "rsn_rl_a": fmt_fixed(main.A, 3),
            "rsn_rl_runs": fmt_int(len(table)),
            "rsn_rl_c90": _gpu_hours(runs.loc[main.name, "c90"]),
            "rsn_rl_ratio90": fmt_times(runs.loc[main.name, "ratio_90_50"], 3),
            "rsn_rl_ratio_lo": fmt_times(ratios["ratio_90_50"].iloc[0], 3),
            "rsn_rl_ratio_lo_run": ratios["run"].iloc[0],
            "rsn_rl_ratio_hi": fmt_times(ratios["ratio_90_50"].iloc[-1], 3),
            "rsn_rl_ratio_hi_run": ratios["run"].iloc[-1],
            "rsn_rl_rmid": fmt_fixed(r_mid, 3),
            "rsn_rl_step1": _gain_step(main, r_mid, 0.05),
            "rsn_rl_step2": (
                _gain_step(main, r_mid + 0.05, 0.05)
                if r_mid + 0.05 < main.A
                else "more than any amount of RL compute can buy, like the first five"
            ),
            "rsn_rl_32k_a": fmt_fixed(long_gen.A, 3),
            "rsn_rl_32k_cmid": fmt_int(long_gen.C_mid),
            "rsn_rl_start": fmt_int(start),
            "rsn_rl_end": fmt_int(end),
            "rsn_rl_100k_cmid": fmt_int(rl_compute.SCALERL_100K_CMID_INFERRED),
            "rsn_rl_100k_b": fmt_fixed(b100, 2),
            "rsn_rl_100k_f100": fmt_pct(f100),
            "rsn_rl_100k_f50": fmt_pct(f50),
            "rsn_rl_100k_last": fmt_pct(f100 - f50),
            "rsn_rl_100k_fitend": fmt_int(50000.0),
            "rsn_rl_pl_start2": fmt_int(5000.0),
            "rsn_rl_pl_a1": fmt_fixed(pl["power_law_A"][(start, 50000.0)], 2),
            "rsn_rl_pl_a2": fmt_fixed(pl["power_law_A"][(5000.0, 50000.0)], 2),
            "rsn_rl_sig_a": fmt_fixed(pl["sigmoid_A"], 3),
            "rsn_rl_obs_a": fmt_fixed(pl["observed_saturation"], 2),
            "rsn_r1_start": fmt_pct(r1["aime_start"]),
            "rsn_r1_end": fmt_pct(r1["aime_end"]),
            "rsn_r1_rl_gain": pts(r1["aime_end"] - r1["aime_start"]),
            "rsn_r1_cons": fmt_pct(r1["aime_cons64"]),
            "rsn_r1_vote_gain": pts(r1["aime_cons64"] - r1["aime_end"]),
            "rsn_r1_gpuh": fmt_int(r1["rl_gpu_hours"]),
            "rsn_r1_share": fmt_pct(r1["rl_gpu_hours"] / r1["pretrain_gpu_hours"], 2),
            "rsn_tan_n0": fmt_sig(tan["N0"], 2),
            "rsn_tan_r2": fmt_fixed(tan["r2"], 3),
            "rsn_tan_points": fmt_int(tan["points"]),
        },
        {
            "rsn_ex6": (
                all(np.isfinite(crosses)) and crosses[0] > crosses[1] > crosses[2],
                f"The crossover moves to less compute as R₀ rises ({listed}): with a higher "
                "start, the 32k run's extra asymptote is a larger share of the gain still to come, so "
                "it pays off sooner.",
                f"The crossover does not move steadily with R₀ ({listed}).",
            ),
            "rsn_rl_cross": (
                inside,
                f"the two curves cross at {_gpu_hours(cross)} GPU-hours, inside the range the paper "
                "studied: below it the shorter budget is ahead, above it the longer one.",
                "the two curves do not cross inside the range the paper studied (1,500 to 100,000 "
                "GPU-hours)"
                + (
                    f"; they cross at {_gpu_hours(cross)} GPU-hours."
                    if math.isfinite(cross)
                    else "."
                ),
            ),
        },
    )


# ------------------------------------------------------------------- more calls


def more_calls(
    params: Any, best: dict[str, Any], retry: dict[str, Any], curves: coverage.SimulatedCurves
) -> dict[str, str]:
    """LLM systems, more calls: the easy/hard vote model at the chapter's mix, its optimum in closed
    form and by search, the Aider retry, and the simulated vote of the repeated-sampling section.

    ``best`` from :func:`scalinglaws.analyses.systems.optimal_calls` at ``params.vote_frac_hard``,
    ``vote_p_easy``, ``vote_p_hard``; ``retry`` from :func:`scalinglaws.analyses.systems.retry_gains`;
    ``curves`` the simulated benchmark (:func:`scalinglaws.analyses.coverage.simulated_curves`).
    """
    p = params
    h, pe, ph = p.vote_frac_hard, p.vote_p_easy, p.vote_p_hard
    f3 = float(systems.vote_accuracy(3, h, pe, ph))
    limit = best["limit"]
    k_star = best["k_analytic"]
    if math.isinf(k_star):
        top, k_star_text = limit, "infinitely many calls (the accuracy approaches its limit)"
    else:
        top, k_star_text = (
            float(systems.vote_accuracy(int(k_star), h, pe, ph)),
            f"K = {int(k_star)}",
        )
    falls_late = best["shape"] in ("rises then falls", "falls")
    # a gap at rounding level is not printed as a number: its digits would depend on the machine
    gap_value = top - best["accuracy"]
    gap = "less than 10⁻⁶" if gap_value < 1e-6 else fmt_sig(gap_value, 2)
    turn = (
        "This is Chen et al.'s non-monotone case: accuracy first rises, then falls, and the "
        f"closed form puts the turn at m* = {fmt_fixed(best['m_star'], 1)}, "
        f"K* = 2⌈m*⌉ − 1 = {int(best['k_analytic'])}."
        if best["rises_then_falls"]
        else "This is Chen et al.'s non-monotone case."  # not chosen: the claim's other branch is
    )
    # compared as printed, so the sentence never calls two equal-looking numbers different
    sim_best, sim_end = fmt_pct(curves.vote.max()), fmt_pct(curves.vote[-1])
    return _glue(
        {
            "rsn_chen_kmax": fmt_int(systems.CHEN_K_MAX),
            "rsn_vote_h": fmt_pct(h, 0),
            "rsn_vote_pe": fmt_fixed(pe, 2),
            "rsn_vote_ph": fmt_fixed(ph, 2),
            "rsn_vote_f1": fmt_pct(best["accuracy_k1"]),
            "rsn_vote_k": fmt_int(best["k"]),
            "rsn_vote_acc": fmt_pct(best["accuracy"]),
            "rsn_vote_kmax": fmt_int(best["k_max"]),
            "rsn_vote_limit": fmt_pct(limit),
            "rsn_vote_hmax": fmt_pct(best["frac_hard_max"]),
            "rsn_vote_psum": fmt_fixed(pe + ph, 2),
            "rsn_retry_n": fmt_int(retry["n_runs"]),
            "rsn_retry_gain": fmt_fixed(retry["median_gain"], 1),
            "rsn_retry_gain_ci": fmt_interval(*retry["median_gain_ci"], fmt_fixed, 1),
            "rsn_retry_fixed": fmt_pct(retry["median_fixed"], 0),
            "rsn_retry_fixed_ci": fmt_interval(*retry["median_fixed_ci"], fmt_pct, 0),
            "rsn_retry_min": fmt_fixed(retry["min_gain"], 1),
        },
        {
            "rsn_vote_start": (
                f3 > best["accuracy_k1"],
                f"More calls help at first: three calls answer {fmt_pct(f3)}.",
                f"More calls hurt from the start: three calls answer only {fmt_pct(f3)}.",
            ),
            "rsn_vote_end": (
                falls_late,
                f"In the end more calls hurt: the accuracy falls towards {fmt_pct(limit)}, the "
                "fraction of easy queries, because every hard query is eventually lost for sure.",
                f"In the end more calls help: the accuracy rises towards {fmt_pct(limit)}, the "
                "fraction of easy queries, because every easy query is eventually won for sure.",
            ),
            "rsn_vote_shape": (
                best["rises_then_falls"],
                turn,
                "This mix does not show Chen et al.'s rise and fall; it needs p_e + p_h > 1 and a "
                "fraction of hard queries below 1/t (change the mix in the parameters cell).",
            ),
            "rsn_vote_closed": (
                k_star == best["k"],
                "the closed form agrees.",
                f"the closed form puts the optimum at {k_star_text}, "
                f"{gap} higher in accuracy than at the K found (the "
                f"search covers odd K up to {fmt_int(best['k_max'])} and stops where a further call "
                "adds less than 10⁻⁹).",
            ),
            "rsn_vote_summary": (
                falls_late,
                "and a vote without a verifier can make a system worse with every extra call",
                "and at this mix of queries a vote without a verifier keeps improving with more "
                "calls, though only towards the fraction of easy queries",
            ),
            "rsn_calls_sim": (
                sim_best != sim_end,
                f"In the simulated benchmark of the repeated-sampling section the vote ends below its "
                f"peak ({sim_best} at best, {sim_end} at the end): its problems whose most popular "
                "answer is wrong play the part of the hard queries.",
                f"In the simulated benchmark of the repeated-sampling section the vote ends at its peak "
                f"({sim_end}): its problems whose most popular answer is wrong, the hard queries there, "
                "do not pull it down within its samples.",
            ),
        },
    )

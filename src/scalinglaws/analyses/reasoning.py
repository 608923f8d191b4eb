"""Test-time compute: the log-linear fit of accuracy against thinking tokens, and CoT gains.

What remains of the chapter "Reasoning models: scaling test-time compute" once its other ideas
have their own modules (:mod:`scalinglaws.analyses.coverage` for Brown et al.'s coverage law,
:mod:`scalinglaws.analyses.effort` for the Aider reasoning-effort ladders, :mod:`scalinglaws.analyses.exchange` for
the test-time / train-time exchange model):

* :func:`fit_log_linear` fits ``y = q + m * log2(x)`` (accuracy against thinking tokens, gain
  ``m`` per doubling) with a seeded pairs bootstrap, returning the generic
  :class:`scalinglaws.fitting.powerlaw.CurveFit`;
* :func:`budget_overshoot` measures how far o1 overshoots a requested thinking-token budget
  (Zhang & Chen 2024). It lives here, not in :mod:`scalinglaws.analyses.effort`, because it describes the
  same o1 thinking-token reconstruction that :func:`fit_log_linear` fits, not Aider runs;
* :func:`points_per_doubling` turns two published scores at two compute levels into points per
  doubling of compute, with a seeded binomial bootstrap over the tasks (e.g. the ARC-AGI o3 runs);
* :func:`post_training_gains` gathers chain-of-thought and self-consistency gains on GSM8K
  (Ruan et al. 2024) per model, with training compute.

Units: ``C`` FLOP, tokens per problem, accuracies and pass rates as fractions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.core.errors import InputError
from scalinglaws.core.validation import DEFAULT_SEED, confidence_level, finite_array, int_at_least
from scalinglaws.fitting import powerlaw
from scalinglaws.fitting.powerlaw import CurveFit

__all__ = [
    "ARC_O3_SEMI_PRIVATE",
    "budget_overshoot",
    "fit_log_linear",
    "points_per_doubling",
    "post_training_gains",
    "POST_TRAINING_COLUMNS",
]


# ------------------------------------------------------------------------ log-linear fits


def fit_log_linear(
    x: Any, y: Any, *, seed: int = DEFAULT_SEED, n_boot: int = 1000, level: float = 0.95
) -> CurveFit:
    """Fit ``y = q + m * log2(x)`` by OLS; seeded pairs bootstrap for the gain ``m``.

    Used for accuracy against thinking tokens (o1-style test-time scaling): the gain ``m`` is
    the accuracy gained per doubling of tokens (``fit.m``, interval ``fit.intervals["m"]``), the
    intercept ``q`` is ``y`` at ``x = 1``. The checks of this chapter's inputs around
    :func:`scalinglaws.fitting.powerlaw.fit_log_linear` (pairs bootstrap); ``fit.band(x)`` is the
    pointwise bootstrap band and ``fit.converged`` is True for the closed-form estimate.

    Parameters
    ----------
    x : array_like
        Positive abscissae (e.g. tokens per problem).
    y : array_like
        Responses (e.g. accuracy as a fraction), same length, at least 3 points and at least
        two distinct ``x``.
    seed, n_boot, level
        Bootstrap seed (``np.random.default_rng``), resamples (>= 10) and confidence level.

    Returns
    -------
    scalinglaws.fitting.powerlaw.CurveFit
        Kind ``"log_linear"``, params ``m`` (gain per doubling) and ``q`` (intercept).
    """
    xs = finite_array(x, "x", positive=True)
    ys = finite_array(y, "y")
    if xs.size != ys.size:
        raise InputError(f"x and y must have the same length, got {xs.size} and {ys.size}")
    if xs.size < 3:
        raise InputError(f"need at least 3 points for a log-linear fit, got {xs.size}")
    if np.ptp(xs) == 0:
        raise InputError("x must take at least two distinct values")
    seed = int_at_least(seed, "seed", 0)
    n_boot = int_at_least(n_boot, "n_boot", 10)
    level = confidence_level(level)
    return powerlaw.fit_log_linear(xs, ys, n_boot, seed, level=level, bootstrap="pairs")


def budget_overshoot(token_limit: Any, tokens_used: Any) -> float:
    """Median ratio of tokens used to tokens requested (Zhang & Chen 2024 report "about 8x").

    Parameters
    ----------
    token_limit, tokens_used : array_like
        Requested budget and the tokens actually used, per run (positive).
    """
    lim = finite_array(token_limit, "token_limit", positive=True)
    used = finite_array(tokens_used, "tokens_used", positive=True)
    if lim.size != used.size:
        raise InputError("token_limit and tokens_used must have the same length")
    return float(np.median(used / lim))


#: o3 on the ARC-AGI-1 semi-private set (Chollet 2024, ARC Prize o3 post; cited facts):
#: ``(high-efficiency score %, low-efficiency score %, compute ratio low/high, tasks)``, i.e.
#: 75.7% with 6 samples, 87.5% with 1024 samples at about 172x the compute, over 100 tasks.
ARC_O3_SEMI_PRIVATE: tuple[float, float, float, int] = (75.7, 87.5, 172.0, 100)


def points_per_doubling(
    score_lo: float,
    score_hi: float,
    compute_ratio: float,
    n_tasks: int,
    *,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> tuple[float, tuple[float, float]]:
    """Score points gained per doubling of compute between two runs, with a bootstrap interval.

    ``(score_hi - score_lo) / log2(compute_ratio)``, scores in percent of ``n_tasks`` tasks.
    The interval redraws each run's solved count as ``Binomial(n_tasks, score / 100)``
    independently (seeded ``numpy.random.default_rng``); per-task results are rarely published,
    and independent draws are conservative when both runs share the tasks. The compute ratio is
    taken as exact.

    Returns
    -------
    tuple
        ``(points per doubling, (lo, hi))``.
    """
    from scalinglaws.core.validation import finite_real

    lo_s, hi_s = finite_real(score_lo, "score_lo"), finite_real(score_hi, "score_hi")
    if not (0 <= lo_s <= 100 and 0 <= hi_s <= 100):
        raise InputError("scores must be percentages in [0, 100]")
    ratio = finite_real(compute_ratio, "compute_ratio", positive=True)
    if ratio <= 1:
        raise InputError(f"compute_ratio must exceed 1, got {compute_ratio}")
    n = int_at_least(n_tasks, "n_tasks", 1)
    n_boot = int_at_least(n_boot, "n_boot", 10)
    seed = int_at_least(seed, "seed", 0)
    level = confidence_level(level)
    rng = np.random.default_rng(seed)
    draws = 100.0 * rng.binomial(n, [lo_s / 100.0, hi_s / 100.0], size=(n_boot, 2)) / n
    per = (draws[:, 1] - draws[:, 0]) / np.log2(ratio)
    q = (1.0 - level) / 2.0
    a, b = np.quantile(per, [q, 1.0 - q])
    return float((hi_s - lo_s) / np.log2(ratio)), (float(a), float(b))


# ---------------------------------------------------- chain of thought / self-consistency

#: Observational Scaling post-training columns (GSM8K, flexible answer extraction).
POST_TRAINING_COLUMNS: dict[str, str] = {
    "plain": "gsm8k_5_exact_match,flexible-extract",
    "cot": "gsm8k_cot_8_exact_match,flexible-extract",
    "sc_first": "gsm8k_cot_self_consistency_8_exact_match,score-first-flexible-extract",
    "sc_maj5": "gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract",
}


def post_training_gains(post: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """Chain-of-thought and self-consistency gains on GSM8K per model, with training compute.

    Joins the ``obsscaling_ruan`` ``post_training`` table (Ruan et al. 2024) to the ``base``
    table for family, parameters and FLOPs, and keeps models with all four scores.

    Returns
    -------
    DataFrame
        ``model``, ``family``, ``params``, ``flops`` (training FLOP, 6ND as published),
        ``plain`` (5-shot, no CoT), ``cot`` (8-shot CoT, greedy), ``sc_first`` (first of the
        sampled CoT answers), ``sc_maj5`` (majority of 5 sampled CoT answers), all fractions;
        ``cot_gain = cot - plain`` and ``sc_gain = sc_maj5 - sc_first``. Sorted by flops.
    """
    for name, frame, cols in (
        ("post", post, ["model", *POST_TRAINING_COLUMNS.values()]),
        ("base", base, ["model", "family", "params", "flops"]),
    ):
        if not isinstance(frame, pd.DataFrame) or any(c not in frame.columns for c in cols):
            raise InputError(f"{name} is missing columns; expected {cols}")
    df = post[["model", *POST_TRAINING_COLUMNS.values()]].rename(
        columns={v: k for k, v in POST_TRAINING_COLUMNS.items()}
    )
    df = df.merge(base[["model", "family", "params", "flops"]], on="model", how="inner")
    df = df.dropna(subset=["flops", *POST_TRAINING_COLUMNS]).copy()
    df = df[df["flops"] > 0]
    df["cot_gain"] = df["cot"] - df["plain"]
    df["sc_gain"] = df["sc_maj5"] - df["sc_first"]
    cols = ["model", "family", "params", "flops", *POST_TRAINING_COLUMNS, "cot_gain", "sc_gain"]
    return df[cols].sort_values(["flops", "model"], kind="stable").reset_index(drop=True)

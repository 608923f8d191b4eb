"""LLM systems that call a model many times: majority vote over K calls, and a retry with a verifier.

Chen et al. (2024, "Are More LLM Calls All You Need?", arXiv:2403.02419) observe that the accuracy of a
*Vote* system (K independent calls, majority answer) can first rise and then fall as K grows. Their
explanation: more calls help on "easy" queries and hurt on "hard" ones. This module works that out from
first principles for binary votes (each call is right or wrong, as in the paper's v1 analysis):

* a query on which one call is right with probability ``p`` is answered correctly by a majority of ``K``
  independent calls with probability ``P(Bin(K, p) > K/2)``; for odd ``K = 2m - 1`` this is the
  regularized incomplete beta function ``I_p(m, m)`` (:func:`majority_correct`);
* a benchmark mixes a fraction ``1 - h`` of easy queries (``p_easy > 1/2``) and ``h`` of hard ones
  (``p_hard < 1/2``), so its accuracy is ``F(K) = (1 - h) I_{p_easy} + h I_{p_hard}``
  (:func:`vote_accuracy`);
* the identity ``S(p, 2m + 1) - S(p, 2m - 1) = C(2m - 1, m) (p q)^m (2p - 1)`` (``q = 1 - p``) gives the
  sign of every step of ``F`` in closed form, hence its shape (rises, falls, rises then falls, falls then
  rises) and the optimal number of calls ``K* = 2 ceil(m*) - 1`` with
  ``m* = ln[(1 - h)(2 p_easy - 1) / (h (1 - 2 p_hard))] / ln[p_hard q_hard / (p_easy q_easy)]``
  (:func:`optimal_calls`). F rises at first iff ``1 - h > 1 - 1/t`` with Chen et al.'s
  ``t = p_hard q_hard (1/2 - p_hard) / [p_easy q_easy (p_easy - 1/2)] + 1``, and falls in the end iff
  ``p_easy + p_hard > 1`` (the hard queries are nearer a coin flip than the easy ones).

**Ties** (even K, as many right as wrong votes) earn half credit, as if broken by a fair coin; with binary
votes this makes ``F(2m) = F(2m - 1)``, so only odd K matter.

:func:`retry_gains` measures the other kind of "more calls" on real data: on the Aider polyglot leaderboard
every model gets a second call after a failure, with the unit tests' output as feedback. A verifier decides
when the second call happens, so it can only add solved exercises.

Units: probabilities and accuracies as fractions; calls K as counts; Aider pass counts out of the run's
exercises.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from scalinglaws.core.errors import InputError
from scalinglaws.core.validation import DEFAULT_SEED, confidence_level, int_at_least

__all__ = [
    "CHEN_K_MAX",
    "PLATEAU",
    "majority_correct",
    "optimal_calls",
    "retry_gains",
    "vote_accuracy",
    "vote_curve",
    "vote_shape",
]

#: Accuracy difference below which :func:`optimal_calls` treats two numbers of calls as equally good.
PLATEAU = 1e-9

#: Largest number of calls in Chen et al.'s Fig. 1 (v2: 1 to 1,000 calls on a log axis).
CHEN_K_MAX = 1000


def _prob(value: Any, name: str, lo: float, hi: float, *, open_lo: bool, open_hi: bool) -> float:
    ok = not isinstance(value, bool) and isinstance(value, int | float | np.integer | np.floating)
    x = float(value) if ok else math.nan
    inside = (lo < x if open_lo else lo <= x) and (x < hi if open_hi else x <= hi)
    if not (ok and math.isfinite(x) and inside):
        left, right = "(" if open_lo else "[", ")" if open_hi else "]"
        raise InputError(f"{name} must be a number in {left}{lo:g}, {hi:g}{right}, got {value!r}")
    return x


def _check_mix(frac_hard: Any, p_easy: Any, p_hard: Any) -> tuple[float, float, float]:
    h = _prob(frac_hard, "frac_hard", 0.0, 1.0, open_lo=False, open_hi=False)
    pe = _prob(p_easy, "p_easy", 0.5, 1.0, open_lo=True, open_hi=True)
    ph = _prob(p_hard, "p_hard", 0.0, 0.5, open_lo=True, open_hi=True)
    return h, pe, ph


def _calls(k: Any) -> np.ndarray:
    arr = np.asarray(k)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer) or np.any(arr < 1):
        raise InputError(f"k must be an integer (or integers) >= 1, got {k!r}")
    return arr.astype(np.int64)


def majority_correct(k: Any, p: float) -> float | np.ndarray:
    """Probability that a majority of ``k`` independent calls is right, each right with probability ``p``.

    ``P(X > k/2) + P(X = k/2) / 2`` for ``X ~ Bin(k, p)`` (ties earn half credit). The tail is the
    regularized incomplete beta function, ``P(X >= j) = I_p(j, k - j + 1)``
    (:func:`scipy.special.betainc`), so no sum over ``k`` terms is needed.

    Parameters
    ----------
    k : int or array of int
        Calls, ``>= 1``.
    p : float
        Probability that one call is right, in ``[0, 1]``.
    """
    kk = _calls(k)
    pp = _prob(p, "p", 0.0, 1.0, open_lo=False, open_hi=False)
    j = kk // 2 + 1  # smallest strict majority
    tail = special.betainc(j, kk - j + 1, pp)
    tie = np.where(kk % 2 == 0, stats.binom.pmf(kk // 2, kk, pp), 0.0)
    out = tail + 0.5 * tie
    return float(out) if np.ndim(out) == 0 else out


def vote_accuracy(k: Any, frac_hard: float, p_easy: float, p_hard: float) -> float | np.ndarray:
    """Accuracy of majority vote over ``k`` independent calls on a mix of easy and hard queries.

    ``F(k) = (1 - frac_hard) * M(k, p_easy) + frac_hard * M(k, p_hard)`` with ``M`` the majority
    probability of :func:`majority_correct` (exact binomial tail via the regularized incomplete beta
    function; a tie at even ``k`` earns half credit, which makes ``F(2m) = F(2m - 1)``). This is
    Chen et al.'s (2024) two-difficulty model with binary votes.

    Parameters
    ----------
    k : int or array of int
        Number of calls, ``>= 1``.
    frac_hard : float
        Fraction of hard queries, in ``[0, 1]``.
    p_easy : float
        Probability that one call is right on an easy query, in ``(1/2, 1)``.
    p_hard : float
        Probability that one call is right on a hard query, in ``(0, 1/2)``.

    Returns
    -------
    float or ndarray
        Expected accuracy (fraction of queries answered correctly), shaped like ``k``.
    """
    h, pe, ph = _check_mix(frac_hard, p_easy, p_hard)
    return (1.0 - h) * majority_correct(k, pe) + h * majority_correct(k, ph)


def vote_curve(
    frac_hard: float, p_easy: float, p_hard: float, k_max: int = CHEN_K_MAX
) -> pd.DataFrame:
    """Accuracy against odd numbers of calls ``1, 3, ..., <= k_max`` (even ``k`` equal ``k - 1``).

    Columns: ``k`` (calls), ``accuracy`` (the mix, :func:`vote_accuracy`), ``easy`` and ``hard``
    (majority probability on one easy and one hard query).
    """
    h, pe, ph = _check_mix(frac_hard, p_easy, p_hard)
    kmax = int_at_least(k_max, "k_max", 1)
    ks = np.arange(1, kmax + 1, 2)
    easy, hard = majority_correct(ks, pe), majority_correct(ks, ph)
    return pd.DataFrame(
        {"k": ks, "accuracy": (1 - h) * easy + h * hard, "easy": easy, "hard": hard}
    )


def vote_shape(frac_hard: float, p_easy: float, p_hard: float) -> dict[str, Any]:
    """The shape of ``F(K)`` over odd ``K`` from the closed-form sign of each step.

    With ``K = 2m - 1``, ``F(2m + 1) - F(2m - 1)`` has the sign of ``c - r^m`` where
    ``c = (1 - h)(2 p_easy - 1) / (h (1 - 2 p_hard))`` and ``r = p_hard q_hard / (p_easy q_easy)``.
    Because ``r^m`` is monotone in ``m``, the sign changes at most once, at ``m* = ln c / ln r``.

    Returns
    -------
    dict
        ``shape`` ("rises", "falls", "rises then falls", "falls then rises" or "flat"), ``m_star``
        (nan where the sign never changes), ``k_star`` (the analytic best K: ``2 ceil(m*) - 1`` for
        "rises then falls", 1 for "falls", ``inf`` for "rises"; for "falls then rises" the better of 1
        and ``inf``), ``t`` (Chen et al.'s Theorem 1 quantity), ``frac_hard_max`` (= 1/t: F rises at
        first iff ``frac_hard < 1/t``), ``limit`` (accuracy as ``K -> inf``: ``1 - frac_hard``).
    """
    h, pe, ph = _check_mix(frac_hard, p_easy, p_hard)
    qe, qh = 1.0 - pe, 1.0 - ph
    t = ph * qh * (0.5 - ph) / (pe * qe * (pe - 0.5)) + 1.0
    log_r = math.log(ph * qh) - math.log(pe * qe)
    limit = 1.0 - h
    out = {"t": t, "frac_hard_max": 1.0 / t, "limit": limit, "m_star": math.nan}
    if h == 0.0 or h == 1.0:
        shape = "rises" if h == 0.0 else "falls"
        return {**out, "shape": shape, "k_star": math.inf if h == 0.0 else 1.0}
    log_c = math.log((1.0 - h) * (2 * pe - 1)) - math.log(h * (1 - 2 * ph))
    if abs(log_r) < 1e-12:  # p_easy + p_hard = 1 up to rounding: every step has the sign of c - 1
        shape = "rises" if log_c > 0 else ("falls" if log_c < 0 else "flat")
        return {**out, "shape": shape, "k_star": math.inf if log_c > 0 else 1.0}
    m_star = log_c / log_r
    if log_r > 0:  # hard queries nearer a coin flip: the steps turn negative for m > m*
        if m_star > 1:
            m_opt = math.ceil(m_star - 1e-12)  # an integer m* is a tie: take the smaller K
            return {**out, "shape": "rises then falls", "m_star": m_star, "k_star": 2.0 * m_opt - 1}
        return {**out, "shape": "falls", "m_star": m_star, "k_star": 1.0}
    # log_r < 0: the steps are positive for m > m*
    if m_star > 1:
        f1 = float(vote_accuracy(1, h, pe, ph))
        k_star = 1.0 if f1 >= limit else math.inf
        return {**out, "shape": "falls then rises", "m_star": m_star, "k_star": k_star}
    return {**out, "shape": "rises", "m_star": m_star, "k_star": math.inf}


def optimal_calls(
    frac_hard: float, p_easy: float, p_hard: float, k_max: int = CHEN_K_MAX
) -> dict[str, Any]:
    """The number of calls that maximizes majority-vote accuracy, searched and in closed form.

    The search evaluates :func:`vote_accuracy` at every odd ``K <= k_max`` (even K add nothing: a
    tie earns half credit, so ``F(2m) = F(2m - 1)``) and keeps the smallest K whose accuracy is
    within :data:`PLATEAU` (1e-9) of the best: where F keeps rising towards its limit, later calls
    change it by less than that, and the K reported does not depend on rounding in the last digits.
    The closed form is that of :func:`vote_shape`; the two agree whenever the closed-form optimum is
    at most ``k_max`` (and its step is larger than the plateau tolerance).

    Returns
    -------
    dict
        ``k`` (best K found, ``<= k_max``), ``accuracy`` (F there), ``accuracy_k1`` (F(1), one call),
        ``rises_then_falls`` (bool: F rises and then falls, Chen et al.'s non-monotone case),
        ``shape``, ``k_analytic`` (closed-form best K, possibly ``inf``), ``m_star``, ``t``,
        ``frac_hard_max``, ``limit`` (F as K -> inf) and ``k_max``.
    """
    curve = vote_curve(frac_hard, p_easy, p_hard, k_max)
    shape = vote_shape(frac_hard, p_easy, p_hard)
    acc = curve["accuracy"].to_numpy()
    best = int(np.flatnonzero(acc >= acc.max() - PLATEAU)[0])  # the smallest K on the plateau
    return {
        "k": int(curve["k"].iloc[best]),
        "accuracy": float(acc[best]),
        "accuracy_k1": float(acc[0]),
        "rises_then_falls": shape["shape"] == "rises then falls",
        "shape": shape["shape"],
        "k_analytic": shape["k_star"],
        "m_star": shape["m_star"],
        "t": shape["t"],
        "frac_hard_max": shape["frac_hard_max"],
        "limit": shape["limit"],
        "k_max": int(curve["k"].iloc[-1]),
    }


def retry_gains(
    runs: pd.DataFrame, *, n_boot: int = 1000, seed: int = DEFAULT_SEED, level: float = 0.95
) -> dict[str, Any]:
    """What a second call with test feedback adds on the Aider polyglot leaderboard.

    Every run records the exercises solved on the first call (``pass_num_1``) and after one retry that
    sees the failing tests' output (``pass_num_2``), out of ``test_cases``. Per run: the points gained
    (``100 (n2 - n1) / n``) and the fraction of first-call failures the retry fixes
    (``(n2 - n1) / (n - n1)``). The medians over runs get a seeded percentile bootstrap over runs
    (``numpy.random.default_rng(seed)``).

    Returns
    -------
    dict
        ``table`` (per run: model, n, first, second, gain_points, fixed), ``n_runs``, ``median_gain``
        and ``median_gain_ci`` (points), ``median_fixed`` and ``median_fixed_ci`` (fractions),
        ``min_gain`` (points; never negative when a verifier decides on the retry) and ``level``.
    """
    need = ("model", "test_cases", "pass_num_1", "pass_num_2")
    if not isinstance(runs, pd.DataFrame) or any(c not in runs.columns for c in need):
        raise InputError(f"runs must be the aider_polyglot runs table (columns {', '.join(need)})")
    n_boot = int_at_least(n_boot, "n_boot", 10)
    seed = int_at_least(seed, "seed", 0)
    level = confidence_level(level)
    df = runs.dropna(subset=list(need[1:]))
    n = df["test_cases"].to_numpy(dtype=float)
    first, second = df["pass_num_1"].to_numpy(dtype=float), df["pass_num_2"].to_numpy(dtype=float)
    if df.empty or np.any(n <= first):
        raise InputError("every run needs at least one exercise failed on the first call")
    gain = 100.0 * (second - first) / n
    fixed = (second - first) / (n - first)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, gain.size, size=(n_boot, gain.size))
    tails = [(1 - level) / 2, (1 + level) / 2]
    table = pd.DataFrame(
        {
            "model": df["model"].to_numpy(),
            "n": n,
            "first": first,
            "second": second,
            "gain_points": gain,
            "fixed": fixed,
        }
    )
    return {
        "table": table,
        "n_runs": int(gain.size),
        "median_gain": float(np.median(gain)),
        "median_gain_ci": tuple(np.quantile(np.median(gain[idx], axis=1), tails).tolist()),
        "median_fixed": float(np.median(fixed)),
        "median_fixed_ci": tuple(np.quantile(np.median(fixed[idx], axis=1), tails).tolist()),
        "min_gain": float(gain.min()),
        "level": level,
    }

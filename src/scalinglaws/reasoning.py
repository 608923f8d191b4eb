"""Test-time compute: fits, reasoning-effort ladders and the test-time / train-time exchange.

Four pieces, each used by the chapter "Reasoning models: scaling test-time compute":

* :func:`fit_log_linear` fits ``y = intercept + gain * log2(x)`` (accuracy against thinking
  tokens, gain per doubling) with a seeded pairs bootstrap;
  :func:`fit_coverage_law` fits Brown et al.'s exponentiated power law ``log c = a k**b``
  (Brown et al. 2024, arXiv:2407.21787, §3.1 eqs 2-3) with a seeded bootstrap;
  :func:`coverage_exponent_from_anchors` solves the same law through two published points.
* :func:`effort_ladders` arranges Aider polyglot runs of one model at several reasoning
  efforts or thinking budgets and computes the marginal dollars (and tokens) per point.
* :class:`LogisticLink` is an explicit **modelling assumption**: the probability that one
  sample solves a task is a logistic function of the model's pre-training loss. No paper
  supplies this mapping; its two constants are knobs, not measurements.
* :func:`exchange_table`, :func:`effective_multiplier` and :func:`breakeven_samples` compare
  ``k`` samples from a small model with one sample from a larger one at matched inference
  FLOPs (inference costs about ``2 N`` FLOP per generated token, so ``k`` samples from ``N_s``
  cost as much as one from ``k N_s``).

Units: ``N`` parameters (all parameters, as in the Chinchilla-form laws), ``D`` tokens,
``C`` FLOP, loss in nats/token, pass rates as fractions unless a name says ``pct``.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import OptimizeWarning, brentq, curve_fit
from scipy.stats import norm

from scalinglaws import powerlaw
from scalinglaws.allocation import flops_for_optimal_params, optimal_tokens
from scalinglaws.errors import InputError
from scalinglaws.laws import ParametricLaw, get_parametric_law
from scalinglaws.powerlaw import CurveFit
from scalinglaws.testtime import pass_at_k

__all__ = [
    "COVERAGE_ANCHORS",
    "CoverageFit",
    "LogLinearFit",
    "LogisticLink",
    "breakeven_inference_ratio",
    "matched_samples",
    "wilson_interval",
    "budget_overshoot",
    "coverage_exponent_from_anchors",
    "coverage_law",
    "effective_multiplier",
    "effort_ladders",
    "effort_rank",
    "exchange_table",
    "fit_coverage_law",
    "fit_log_linear",
    "inference_flops",
    "pass_at_k_matrix",
    "post_training_gains",
    "POST_TRAINING_COLUMNS",
    "LADDER_COLUMNS",
]


# ----------------------------------------------------------------------------------- checks


def _finite_array(value: Any, name: str, *, positive: bool = False) -> np.ndarray:
    if isinstance(value, bool) or value is None or isinstance(value, str | bytes):
        raise InputError(f"{name} must be finite numbers, got {value!r}")
    try:
        arr = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be finite numbers, got {value!r}"[:200]) from None
    if arr.size == 0:
        raise InputError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be finite numbers, got NaN or inf")
    if positive and not np.all(arr > 0):
        raise InputError(f"{name} must be positive, got {arr[arr <= 0][0]!r}")
    return arr


def _int_at_least(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _level(level: Any) -> float:
    if isinstance(level, bool) or not isinstance(level, Real) or not 0.0 < float(level) < 1.0:
        raise InputError(f"level must be a number in (0, 1), got {level!r}")
    return float(level)


def _real(value: Any, name: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise InputError(f"{name} must be a finite number, got {value!r}")
    if positive and value <= 0:
        raise InputError(f"{name} must be positive, got {value!r}")
    return float(value)


def _quantiles(boot: np.ndarray, level: float) -> tuple[float, float]:
    q = (1.0 - level) / 2.0
    lo, hi = np.quantile(boot, [q, 1.0 - q], axis=0)
    return float(lo), float(hi)


# ------------------------------------------------------------------------ log-linear fits


@dataclass(frozen=True)
class LogLinearFit:
    """OLS fit ``y = intercept + gain * log2(x)`` with a pairs-bootstrap interval.

    A view of the generic :class:`scalinglaws.powerlaw.CurveFit` (kind "log_linear") under the
    names this chapter uses.

    Attributes
    ----------
    intercept : float
        ``y`` at ``x = 1``.
    gain : float
        Change of ``y`` per doubling of ``x`` (e.g. accuracy points per doubling of tokens).
    gain_ci : tuple of float
        Percentile bootstrap interval of ``gain`` at ``level``.
    r2 : float
        Coefficient of determination.
    n : int
        Points fitted.
    level : float
        Confidence level.
    n_boot, seed : int
        Bootstrap resamples and seed of ``np.random.default_rng``.
    converged : bool
        True when the closed-form OLS estimate is finite.
    boot : numpy.ndarray, shape (n_ok, 2)
        Bootstrap replicates of ``(intercept, gain)``; resamples whose ``x`` are all equal
        are skipped (``n_ok <= n_boot``).
    fit : CurveFit
        The underlying generic fit (params ``m`` = gain, ``q`` = intercept).
    """

    intercept: float
    gain: float
    gain_ci: tuple[float, float]
    r2: float
    n: int
    level: float
    n_boot: int
    seed: int
    converged: bool
    boot: np.ndarray = field(repr=False)
    fit: CurveFit = field(repr=False, compare=False)

    def predict(self, x: Any) -> np.ndarray:
        """Fitted ``y`` at ``x`` (positive)."""
        return self.fit.predict(_finite_array(x, "x", positive=True))

    def band(self, x: Any) -> pd.DataFrame:
        """Columns ``x``, ``fit``, ``lo``, ``hi``: the fitted line and its pointwise interval."""
        xs = _finite_array(x, "x", positive=True)
        lo, hi = self.fit.band(xs)
        return pd.DataFrame({"x": xs, "fit": self.fit.predict(xs), "lo": lo, "hi": hi})


def fit_log_linear(
    x: Any, y: Any, *, seed: int = 0, n_boot: int = 1000, level: float = 0.95
) -> LogLinearFit:
    """Fit ``y = intercept + gain * log2(x)`` by OLS; seeded pairs bootstrap for the gain.

    Used for accuracy against thinking tokens (o1-style test-time scaling): ``gain`` is the
    accuracy gained per doubling of tokens. A thin wrapper of
    :func:`scalinglaws.powerlaw.fit_log_linear` (pairs bootstrap).

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
    LogLinearFit
    """
    xs = _finite_array(x, "x", positive=True)
    ys = _finite_array(y, "y")
    if xs.size != ys.size:
        raise InputError(f"x and y must have the same length, got {xs.size} and {ys.size}")
    if xs.size < 3:
        raise InputError(f"need at least 3 points for a log-linear fit, got {xs.size}")
    if np.ptp(xs) == 0:
        raise InputError("x must take at least two distinct values")
    seed = _int_at_least(seed, "seed", 0)
    n_boot = _int_at_least(n_boot, "n_boot", 10)
    level = _level(level)
    fit = powerlaw.fit_log_linear(xs, ys, n_boot, seed, level=level, bootstrap="pairs")
    return LogLinearFit(
        intercept=fit.q,
        gain=fit.m,
        gain_ci=fit.intervals["m"],
        r2=fit.r2,
        n=int(xs.size),
        level=level,
        n_boot=n_boot,
        seed=seed,
        converged=fit.converged,
        boot=fit.boot[:, ::-1].copy(),
        fit=fit,
    )


def budget_overshoot(token_limit: Any, tokens_used: Any) -> float:
    """Median ratio of tokens used to tokens requested (Zhang & Chen 2024 report "about 8x").

    Parameters
    ----------
    token_limit, tokens_used : array_like
        Requested budget and the tokens actually used, per run (positive).
    """
    lim = _finite_array(token_limit, "token_limit", positive=True)
    used = _finite_array(tokens_used, "tokens_used", positive=True)
    if lim.size != used.size:
        raise InputError("token_limit and tokens_used must have the same length")
    return float(np.median(used / lim))


# ------------------------------------------------------------------- coverage law (Brown)


#: Published coverage anchors ``(k1, c1, k2, c2)`` (Brown et al. 2024, arXiv:2407.21787).
#: ``swe-bench-lite``: DeepSeek-Coder-V2-Instruct, 15.9% at 1 sample, 56% at 250 (abstract).
#: ``math-llama3-8b``: Llama-3-8B-Instruct on MATH, 82.9% at 100 samples, 98.44% at 10,000 (§4).
COVERAGE_ANCHORS: dict[str, tuple[float, float, float, float]] = {
    "swe-bench-lite": (1.0, 0.159, 250.0, 0.56),
    "math-llama3-8b": (100.0, 0.829, 10_000.0, 0.9844),
}


def coverage_law(k: Any, a: float, b: float) -> np.ndarray:
    """Exponentiated power law ``c(k) = exp(a * k**b)`` (Brown et al. 2024, eqs 2-3).

    ``a = log c(1) < 0`` and ``b < 0`` make coverage rise towards 1 as ``k`` grows.
    """
    ks = _finite_array(k, "k", positive=True)
    return np.exp(_real(a, "a") * ks ** _real(b, "b"))


def coverage_exponent_from_anchors(k1: float, c1: float, k2: float, c2: float) -> float:
    """Exponent ``b`` of ``log c = a k**b`` through two points ``(k1, c1)``, ``(k2, c2)``.

    ``b = log(log c2 / log c1) / log(k2 / k1)``; coverages must lie in (0, 1).
    """
    k1, k2 = _real(k1, "k1", positive=True), _real(k2, "k2", positive=True)
    c1, c2 = _real(c1, "c1"), _real(c2, "c2")
    if not (0 < c1 < 1 and 0 < c2 < 1):
        raise InputError(f"coverages must lie in (0, 1), got {c1!r} and {c2!r}")
    if k1 == k2:
        raise InputError("k1 and k2 must differ")
    return float(math.log(math.log(c2) / math.log(c1)) / math.log(k2 / k1))


@dataclass(frozen=True)
class CoverageFit:
    """Fit of ``log c = a k**b`` with bootstrap intervals.

    Attributes
    ----------
    a, b : float
        Point estimates (``a = log c(1)``; ``b < 0`` for rising coverage).
    a_ci, b_ci : tuple of float
        Percentile bootstrap intervals at ``level``.
    converged : bool
        Whether ``scipy.optimize.curve_fit`` converged on the full data.
    n_failed : int
        Bootstrap refits that failed (dropped from the intervals).
    level : float
    n_boot, seed : int
    boot : numpy.ndarray, shape (n_ok, 2)
        Bootstrap replicates of ``(a, b)``.
    """

    a: float
    b: float
    a_ci: tuple[float, float]
    b_ci: tuple[float, float]
    converged: bool
    n_failed: int
    level: float
    n_boot: int
    seed: int
    boot: np.ndarray = field(repr=False)

    def predict(self, k: Any) -> np.ndarray:
        """Fitted coverage at ``k``."""
        return coverage_law(k, self.a, self.b)

    def band(self, k: Any) -> pd.DataFrame:
        """Columns ``k``, ``fit``, ``lo``, ``hi``: fitted coverage and pointwise interval."""
        ks = _finite_array(k, "k", positive=True)
        reps = np.exp(self.boot[:, :1] * ks[None, :] ** self.boot[:, 1:2])
        q = (1.0 - self.level) / 2.0
        lo, hi = np.quantile(reps, [q, 1.0 - q], axis=0)
        fit = self.predict(ks)
        return pd.DataFrame(
            {"k": ks, "fit": fit, "lo": np.minimum(lo, fit), "hi": np.maximum(hi, fit)}
        )


def _fit_ab(
    ks: np.ndarray, cov: np.ndarray, p0: tuple[float, float] | None = None
) -> tuple[float, float, bool]:
    """Least squares on log coverage, as Brown et al. (SciPy ``curve_fit`` on ``log c``).

    The start comes from the exact linearisation ``log(-log c) = log(-a) + b log k`` (OLS on
    the points with ``0 < c < 1``) unless ``p0`` is given; Levenberg-Marquardt then refines it.
    Returns ``(nan, nan, False)`` if the optimiser fails or ends with ``a > 0`` or ``b > 0``.
    """
    logc = np.log(np.clip(cov, 1e-12, 1.0))
    if p0 is None:
        inside = (cov > 0) & (cov < 1)
        if inside.sum() >= 2 and np.ptp(np.log(ks[inside])) > 0:
            lk = np.log(ks[inside])
            ly = np.log(-logc[inside])
            slope = float(np.polyfit(lk, ly, 1)[0])
            p0 = (-float(np.exp(np.mean(ly - slope * lk))), min(slope, -1e-3))
        else:
            p0 = (float(min(logc.min(), -1e-6)), -0.3)

    def f(k, a, b):
        return a * np.power(k, b)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", OptimizeWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            popt, _ = curve_fit(f, ks, logc, p0=p0, method="lm", maxfev=2000)
    except (RuntimeError, ValueError):
        return float("nan"), float("nan"), False
    a, b = float(popt[0]), float(popt[1])
    if not (np.isfinite(a) and np.isfinite(b)) or a > 0 or b > 0:
        return float("nan"), float("nan"), False
    return a, b, True


def pass_at_k_matrix(n: Any, c_per_problem: Any, ks: Any) -> np.ndarray:
    """Unbiased pass@k for every problem and budget: shape ``(problems, len(ks))``.

    Thin wrapper over :func:`scalinglaws.testtime.pass_at_k` (Chen et al. 2021, eq 1); the
    mean over axis 0 is the coverage curve, and resampling rows bootstraps it over problems.
    """
    c = np.asarray(c_per_problem).reshape(-1)
    k = np.asarray(ks).reshape(-1)
    return np.asarray(pass_at_k(np.asarray(n)[..., None], c[:, None], k[None, :]), dtype=float)


def fit_coverage_law(
    ks: Any,
    coverage: Any = None,
    *,
    per_problem: Any = None,
    seed: int = 0,
    n_boot: int = 1000,
    level: float = 0.95,
) -> CoverageFit:
    """Fit Brown et al.'s exponentiated power law ``log c = a k**b`` to a coverage curve.

    Give either ``coverage`` (one value per ``k``; the bootstrap resamples the points) or
    ``per_problem`` (pass@k per problem, shape ``(problems, len(ks))`` from
    :func:`pass_at_k_matrix`; the bootstrap resamples problems, the honest choice).

    Parameters
    ----------
    ks : array_like
        Sample budgets (positive), at least 3 distinct.
    coverage : array_like, optional
        Coverage (fraction in (0, 1]) at each ``k``.
    per_problem : array_like, optional
        Per-problem pass@k matrix.
    seed, n_boot, level
        Bootstrap settings.

    Returns
    -------
    CoverageFit
    """
    k = _finite_array(ks, "ks", positive=True)
    if np.unique(k).size < 3:
        raise InputError("need at least 3 distinct k for a coverage-law fit")
    seed = _int_at_least(seed, "seed", 0)
    n_boot = _int_at_least(n_boot, "n_boot", 10)
    level = _level(level)
    if (coverage is None) == (per_problem is None):
        raise InputError("give exactly one of coverage and per_problem")
    rng = np.random.default_rng(seed)
    if per_problem is not None:
        mat = np.asarray(per_problem, dtype=np.float64)
        if mat.ndim != 2 or mat.shape[1] != k.size or not np.all(np.isfinite(mat)):
            raise InputError(f"per_problem must be finite with shape (problems, {k.size})")
        if np.any((mat < 0) | (mat > 1)):
            raise InputError("per_problem values must lie in [0, 1]")
        cov = mat.mean(axis=0)
        m = mat.shape[0]
        samples = [(k, mat[rng.integers(0, m, m)].mean(axis=0)) for _ in range(n_boot)]
    else:
        cov = _finite_array(coverage, "coverage")
        if cov.size != k.size:
            raise InputError(f"coverage must have one value per k ({k.size}), got {cov.size}")
        if np.any((cov <= 0) | (cov > 1)):
            raise InputError("coverage must lie in (0, 1]")
        samples = []
        while len(samples) < n_boot:
            idx = rng.integers(0, k.size, k.size)
            if np.unique(k[idx]).size >= 2:
                samples.append((k[idx], cov[idx]))
    if np.any(cov <= 0):
        raise InputError("coverage must be positive at every k")
    a, b, ok = _fit_ab(k, cov)
    start = (a, b) if ok else None
    reps = np.array([_fit_ab(kk, cc, start)[:2] for kk, cc in samples])
    good = np.all(np.isfinite(reps), axis=1)
    reps = reps[good]
    if reps.shape[0] == 0:
        raise InputError("every bootstrap refit of the coverage law failed")
    return CoverageFit(
        a=a,
        b=b,
        a_ci=_quantiles(reps[:, 0], level),
        b_ci=_quantiles(reps[:, 1], level),
        converged=ok,
        n_failed=int((~good).sum()),
        level=level,
        n_boot=n_boot,
        seed=seed,
        boot=reps,
    )


def wilson_interval(
    successes: Any, trials: Any, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion (Wilson 1927), vectorised.

    Used for a benchmark pass rate: ``successes`` solved out of ``trials`` problems. Returns
    ``(lo, hi)`` as fractions. A single run on 225 exercises at 50% has a half-width of about
    6.5 points, so small differences between runs are within sampling noise.
    """
    x = _finite_array(successes, "successes")
    n = _finite_array(trials, "trials", positive=True)
    level = _level(level)
    if np.any(x < 0) or np.any(x > n):
        raise InputError("successes must lie in [0, trials]")
    z = float(norm.ppf(0.5 + level / 2.0))
    p = x / n
    denom = 1.0 + z**2 / n
    centre = (p + z**2 / (2.0 * n)) / denom
    half = z * np.sqrt(p * (1.0 - p) / n + z**2 / (4.0 * n**2)) / denom
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


# ------------------------------------------------------------------ Aider effort ladders

_NO_THINK = re.compile(r"\bno[ -]?think|\bchat\b", re.IGNORECASE)
_BUDGET = re.compile(r"(\d+)\s*k\s+think", re.IGNORECASE)


def effort_rank(setting: Any) -> float:
    """Order of a reasoning setting within one model: higher means more test-time compute.

    ``no thinking``/``no think``/``Chat`` = 0, ``low`` = 1, default (no tag), ``default``,
    ``default think`` and ``medium`` = 2, ``high``, ``Reasoner`` and explicit thinking budgets
    (``32k thinking``) = 3; anything else NaN. A ranking convention of this book, not Aider's.
    """
    if setting is None or (isinstance(setting, float) and math.isnan(setting)):
        return 2.0
    text = str(setting).strip().lower()
    if _NO_THINK.search(text):
        return 0.0
    if text == "low":
        return 1.0
    if text in ("default", "default think", "medium"):
        return 2.0
    if text in ("high", "reasoner") or _BUDGET.search(text):
        return 3.0
    return float("nan")


def _base_name(model: str) -> str:
    return re.sub(r"\s*\([^()]*\)", "", str(model)).strip()


LADDER_COLUMNS = (
    "family",
    "model",
    "setting",
    "effort_rank",
    "step",
    "pass_rate_pct",
    "pass_lo_pct",
    "pass_hi_pct",
    "cost_usd",
    "cost_per_task_usd",
    "completion_tokens",
    "d_points",
    "d_cost_usd",
    "usd_per_point",
    "d_tokens",
    "tokens_per_point",
)


def effort_ladders(runs: pd.DataFrame) -> pd.DataFrame:
    """Same-model Aider polyglot runs at different reasoning efforts, with marginal costs.

    Rows of the ``aider_polyglot`` table are grouped by the model name without its
    parentheses (``"gpt-5 (low)"`` -> ``"gpt-5"``); architect/editor pairs (``+`` in the
    name or ``edit_format == "architect"``) are left out, and a group is kept when it holds
    at least two distinct :func:`effort_rank` values. Within a group, rows are sorted by
    rank and each row is compared with the one below it.

    Parameters
    ----------
    runs : DataFrame
        ``scalinglaws.data.load("aider_polyglot", "runs")``.

    Returns
    -------
    DataFrame
        Columns :data:`LADDER_COLUMNS`: ``family``; ``model``; ``setting`` (``"default"`` when
        the name has none); ``effort_rank``; ``step`` (``"low → medium"``, empty on a
        family's first row); ``pass_rate_pct`` (``pass_rate_2``, percent of the 225
        exercises solved after one retry); ``pass_lo_pct``, ``pass_hi_pct`` (95% Wilson
        interval over the ``test_cases`` exercises, :func:`wilson_interval`); ``cost_usd``
        (total API cost of the run, NaN when
        the leaderboard records 0); ``cost_per_task_usd`` (``cost_usd / test_cases``);
        ``completion_tokens`` (NaN if not recorded); ``d_points``, ``d_cost_usd``,
        ``d_tokens`` (change from the previous rung); ``usd_per_point`` and
        ``tokens_per_point`` (marginal cost per percentage point, NaN when undefined).
        Sorted by family name, then rank.
    """
    need = ("model", "pass_rate_2", "total_cost", "test_cases", "edit_format")
    if not isinstance(runs, pd.DataFrame) or any(c not in runs.columns for c in need):
        raise InputError(f"runs must be the aider_polyglot runs table with columns {need}")
    df = runs.copy()
    df = df[~df["model"].astype(str).str.contains("+", regex=False)]
    df = df[df["edit_format"].astype(str) != "architect"]
    setting = df["reasoning_setting"] if "reasoning_setting" in df.columns else None
    df["setting"] = [
        "default" if (s is None or (isinstance(s, float) and math.isnan(s))) else str(s)
        for s in (setting if setting is not None else [None] * len(df))
    ]
    df["effort_rank"] = [effort_rank(None if s == "default" else s) for s in df["setting"]]
    df["family"] = [_base_name(m) for m in df["model"]]
    df = df[np.isfinite(df["effort_rank"].to_numpy(dtype=float))]
    keep = df.groupby("family")["effort_rank"].transform("nunique") >= 2
    df = df[keep].sort_values(["family", "effort_rank"], kind="stable")
    cost = df["total_cost"].astype(float).where(df["total_cost"].astype(float) > 0)
    tokens = (
        df["completion_tokens"].astype(float)
        if "completion_tokens" in df.columns
        else pd.Series(np.nan, index=df.index)
    )
    n_tasks = df["test_cases"].astype(float).to_numpy()
    lo, hi = wilson_interval(df["pass_rate_2"].to_numpy(dtype=float) / 100.0 * n_tasks, n_tasks)
    out = pd.DataFrame(
        {
            "family": df["family"].to_numpy(),
            "model": df["model"].astype(str).to_numpy(),
            "setting": df["setting"].to_numpy(),
            "effort_rank": df["effort_rank"].to_numpy(dtype=float),
            "pass_rate_pct": df["pass_rate_2"].to_numpy(dtype=float),
            "pass_lo_pct": 100.0 * lo,
            "pass_hi_pct": 100.0 * hi,
            "cost_usd": cost.to_numpy(dtype=float),
            "cost_per_task_usd": (cost / df["test_cases"].astype(float)).to_numpy(dtype=float),
            "completion_tokens": tokens.to_numpy(dtype=float),
        }
    )
    g = out.groupby("family", sort=False)
    prev_setting = g["setting"].shift(1)
    out["step"] = [
        "" if pd.isna(p) else f"{p} → {s}"
        for p, s in zip(prev_setting, out["setting"], strict=True)
    ]
    out["d_points"] = g["pass_rate_pct"].diff()
    out["d_cost_usd"] = g["cost_usd"].diff()
    out["d_tokens"] = g["completion_tokens"].diff()
    with np.errstate(divide="ignore", invalid="ignore"):
        dp = out["d_points"].to_numpy(dtype=float)
        ok = np.isfinite(dp) & (dp != 0)
        out["usd_per_point"] = np.where(ok, out["d_cost_usd"].to_numpy(dtype=float) / dp, np.nan)
        out["tokens_per_point"] = np.where(ok, out["d_tokens"].to_numpy(dtype=float) / dp, np.nan)
    return out[list(LADDER_COLUMNS)].reset_index(drop=True)


# ------------------------------------------------------------ loss -> success (ASSUMPTION)


@dataclass(frozen=True)
class LogisticLink:
    """ASSUMED map from pre-training loss to single-sample success on a task (a model).

    ``p1(L) = 1 / (1 + exp((L - loss_mid) / scale))``: success is 50% at ``loss_mid``
    (nats/token) and moves from about 12% to 88% over ``loss_mid ± 2 scale``. This is a
    modelling choice of this book, in the spirit of the sigmoidal loss-to-accuracy links used
    in downstream-scaling work; no paper gives these constants for any task.

    Attributes
    ----------
    loss_mid : float
        Loss at which one sample succeeds half the time (nats/token, > 0).
    scale : float
        Width of the transition (nats/token, > 0).
    """

    loss_mid: float
    scale: float

    def __post_init__(self) -> None:
        _real(self.loss_mid, "loss_mid", positive=True)
        _real(self.scale, "scale", positive=True)

    def p1(self, loss: Any) -> float | np.ndarray:
        """Single-sample success probability at ``loss`` (nats/token)."""
        arr = _finite_array(loss, "loss", positive=True)
        out = 0.5 * (1.0 + np.tanh((self.loss_mid - arr) / (2.0 * self.scale)))
        return float(out[0]) if np.ndim(loss) == 0 else out


def inference_flops(params: Any, tokens: Any, samples: Any = 1) -> float | np.ndarray:
    """Inference FLOPs ``2 N T k``: about 2 FLOP per parameter per generated token.

    The forward pass costs about ``2 N`` FLOP per token (Kaplan et al. 2020, §2.1), so ``k``
    samples of ``T`` tokens from an ``N``-parameter model cost ``2 N T k`` FLOP.
    """
    n = _finite_array(params, "params", positive=True)
    t = _finite_array(tokens, "tokens", positive=True)
    k = _finite_array(samples, "samples", positive=True)
    out = 2.0 * n * t * k
    return (
        float(out[0])
        if out.size == 1 and all(np.ndim(v) == 0 for v in (params, tokens, samples))
        else out
    )


def _law(law: Any) -> ParametricLaw:
    return get_parametric_law(law, "the test-time exchange")


def _train_tokens(law: ParametricLaw, n: np.ndarray, tokens_per_param: float | None) -> np.ndarray:
    if tokens_per_param is None:
        return np.asarray(optimal_tokens(flops_for_optimal_params(n, law), law), dtype=float)
    return n * _real(tokens_per_param, "tokens_per_param", positive=True)


def _p1(law: ParametricLaw, link: LogisticLink, n: np.ndarray, tpp: float | None) -> np.ndarray:
    d = _train_tokens(law, n, tpp)
    return np.asarray(link.p1(np.asarray(law.loss(n, d), dtype=float).reshape(-1)), dtype=float)


def _check_exchange(law, link, coverage_exponent) -> tuple[ParametricLaw, float]:
    law = _law(law)
    if not isinstance(link, LogisticLink):
        raise InputError(f"link must be a LogisticLink, got {type(link).__name__}")
    b = _real(coverage_exponent, "coverage_exponent")
    if not b < 0:
        raise InputError(f"coverage_exponent must be negative (coverage rises with k), got {b}")
    return law, b


def effective_multiplier(
    law: Any,
    small_params: float,
    samples: Any,
    link: LogisticLink,
    coverage_exponent: float,
    *,
    tokens_per_param: float | None = None,
    max_multiplier: float = 1e9,
) -> np.ndarray:
    """How many times larger a one-sample model must be to match ``k`` samples (a MODEL).

    The small model's coverage with ``k`` samples is ``p1**(k**b)`` (Brown et al.'s law
    anchored at the model's own single-sample success ``p1``, with a shared exponent ``b``);
    the larger model's single-sample success comes from the same ``law`` and ``link``. Both
    are trained compute-optimally under ``law`` (or at ``tokens_per_param``).

    Returns
    -------
    numpy.ndarray
        ``N_eq / N_s`` for each ``k``: ``inf`` when no model up to ``max_multiplier`` times
        larger matches (its success is capped by the law's irreducible loss ``E``).
    """
    law, b = _check_exchange(law, link, coverage_exponent)
    ns = _real(small_params, "small_params", positive=True)
    ks = _finite_array(samples, "samples", positive=True)
    if np.any(ks < 1):
        raise InputError("samples must be >= 1")
    mmax = _real(max_multiplier, "max_multiplier", positive=True)
    p_s = float(_p1(law, link, np.array([ns]), tokens_per_param)[0])
    if not 0 < p_s < 1:
        raise InputError(f"single-sample success of the small model is {p_s}; pick another link")
    target = np.exp(np.log(p_s) * ks**b)

    def gap(logm: float, t: float) -> float:
        return float(_p1(law, link, np.array([ns * math.exp(logm)]), tokens_per_param)[0]) - t

    out = np.empty(ks.size)
    for i, t in enumerate(target):
        if gap(0.0, t) >= 0:
            out[i] = 1.0
        elif gap(math.log(mmax), t) < 0:
            out[i] = np.inf
        else:
            out[i] = math.exp(brentq(gap, 0.0, math.log(mmax), args=(t,), xtol=1e-10))
    return out


def matched_samples(
    law: Any,
    small_params: Any,
    multiplier: Any,
    inference_ratio: Any,
    *,
    tokens_per_param: float | None = None,
) -> float | np.ndarray:
    """Samples per query a small model can afford for the total FLOPs of a larger model.

    The larger model (``N_l = multiplier * N_s``) is trained on ``D_l`` tokens and then
    generates ``D_inf = inference_ratio * D_l`` tokens in deployment, one sample per query.
    The small model, trained on ``D_s``, answers the same queries with ``k`` samples each.
    Equal total FLOPs, ``6 N_s D_s + 2 N_s k D_inf = 6 N_l D_l + 2 N_l D_inf``, give

    ``k = (6 N_l D_l - 6 N_s D_s + 2 N_l D_inf) / (2 N_s D_inf)``,

    which tends to ``multiplier`` (matched inference FLOPs alone) as ``inference_ratio``
    grows, and grows without bound as it shrinks (the ratio ``R`` of Snell et al. 2024, §7).
    Both models are trained compute-optimally under ``law`` unless ``tokens_per_param``.
    """
    law = _law(law)
    ns = _finite_array(small_params, "small_params", positive=True)
    m = _finite_array(multiplier, "multiplier", positive=True)
    r = _finite_array(inference_ratio, "inference_ratio", positive=True)
    if np.any(m < 1):
        raise InputError("multiplier must be >= 1")
    ns, m, r = np.broadcast_arrays(ns, m, r)
    nl = ns * m
    ds = _train_tokens(law, ns, tokens_per_param)
    dl = _train_tokens(law, nl, tokens_per_param)
    d_inf = r * dl
    k = (6.0 * nl * dl - 6.0 * ns * ds + 2.0 * nl * d_inf) / (2.0 * ns * d_inf)
    scalar = all(np.ndim(v) == 0 for v in (small_params, multiplier, inference_ratio))
    return float(k[0]) if scalar else k


def exchange_table(
    law: Any,
    small_params: Any,
    multiplier: Any,
    inference_ratio: Any,
    link: LogisticLink,
    coverage_exponent: float,
    *,
    tokens_per_param: float | None = None,
) -> pd.DataFrame:
    """Small model with ``k`` samples versus a larger model with one, at matched FLOPs (a MODEL).

    For every combination of ``small_params`` (N_s), ``multiplier`` (N_l / N_s) and
    ``inference_ratio`` (R = deployment tokens / the larger model's training tokens), ``k``
    comes from :func:`matched_samples` (``inference_ratio = inf`` is not allowed; large R
    approaches matched inference FLOPs, ``k = multiplier``). The small model's ``k``-sample
    coverage ``p1**(k**b)`` assumes a perfect verifier (any correct sample counts), so it
    is an upper bound for majority voting; success comes from ``link`` (an assumption).

    Returns
    -------
    DataFrame
        One row per combination: ``small_params``, ``multiplier``, ``large_params``,
        ``inference_ratio``, ``k`` (matched samples per query), ``small_loss``,
        ``large_loss`` (nats/token), ``small_p1``, ``small_coverage``, ``large_p1``,
        ``advantage`` (small_coverage - large_p1), ``test_time_better`` (advantage > 0),
        ``train_flops_small``, ``train_flops_large`` (6 N D, FLOP).
    """
    law, b = _check_exchange(law, link, coverage_exponent)
    ns = _finite_array(small_params, "small_params", positive=True)
    ms = _finite_array(multiplier, "multiplier", positive=True)
    rs = _finite_array(inference_ratio, "inference_ratio", positive=True)
    if np.any(ms < 1):
        raise InputError("multiplier must be >= 1")
    grid = np.array(np.meshgrid(ns, ms, rs, indexing="ij")).reshape(3, -1)
    n_s, m, r = grid
    n_l = n_s * m
    d_s = _train_tokens(law, n_s, tokens_per_param)
    d_l = _train_tokens(law, n_l, tokens_per_param)
    l_s = np.asarray(law.loss(n_s, d_s), dtype=float)
    l_l = np.asarray(law.loss(n_l, d_l), dtype=float)
    p_s = np.asarray(link.p1(l_s), dtype=float)
    p_l = np.asarray(link.p1(l_l), dtype=float)
    k = np.asarray(matched_samples(law, n_s, m, r, tokens_per_param=tokens_per_param), dtype=float)
    with np.errstate(divide="ignore"):
        cov = np.exp(np.log(p_s) * k**b)
    return pd.DataFrame(
        {
            "small_params": n_s,
            "multiplier": m,
            "large_params": n_l,
            "inference_ratio": r,
            "k": k,
            "small_loss": l_s,
            "large_loss": l_l,
            "small_p1": p_s,
            "small_coverage": cov,
            "large_p1": p_l,
            "advantage": cov - p_l,
            "test_time_better": cov > p_l,
            "train_flops_small": 6.0 * n_s * d_s,
            "train_flops_large": 6.0 * n_l * d_l,
        }
    )


def breakeven_inference_ratio(
    law: Any,
    small_params: float,
    multiplier: float,
    link: LogisticLink,
    coverage_exponent: float,
    *,
    tokens_per_param: float | None = None,
    r_min: float = 1e-8,
    r_max: float = 1e8,
) -> float:
    """Inference demand R above which the larger model beats ``k`` samples (a MODEL).

    Below the returned ratio of deployment tokens to the larger model's training tokens,
    spending the FLOPs on samples from the small model gives the higher success
    (:func:`exchange_table`); above it, training the larger model is the better buy.
    Returns ``inf`` when test-time compute wins at every R up to ``r_max`` and ``0.0`` when
    it loses already at ``r_min``.
    """
    law, b = _check_exchange(law, link, coverage_exponent)
    ns = _real(small_params, "small_params", positive=True)
    m = _real(multiplier, "multiplier", positive=True)
    lo, hi = _real(r_min, "r_min", positive=True), _real(r_max, "r_max", positive=True)
    if m <= 1:
        raise InputError(f"multiplier must be > 1, got {multiplier}")
    if lo >= hi:
        raise InputError("r_min must be below r_max")

    def adv(logr: float) -> float:
        row = exchange_table(law, ns, m, math.exp(logr), link, b, tokens_per_param=tokens_per_param)
        return float(row["advantage"].iloc[0])

    a_lo, a_hi = adv(math.log(lo)), adv(math.log(hi))
    if a_hi > 0:
        return float("inf")
    if a_lo <= 0:
        return 0.0
    return float(math.exp(brentq(adv, math.log(lo), math.log(hi), xtol=1e-10)))


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

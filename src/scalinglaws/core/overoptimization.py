"""Reward-model over-optimization laws (Gao, Schulman and Hilton 2022, arXiv:2210.10760).

Optimizing a policy against a *proxy* reward model raises the proxy score without limit, but the score of
the *gold* reward model (what the proxy imitates) first rises and then falls. Gao et al. measure the
distance travelled from the initial policy by ``d = sqrt(KL)``, with ``KL = D_KL(pi || pi_init)`` in
nats (§1), and fit the gold score (recentred so that the initial policy scores 0, in units of the gold
reward model's standard deviation, §2.2) as

* best-of-n sampling: ``R_bon(d) = d (alpha_bon - beta_bon d)``;
* reinforcement learning (PPO): ``R_RL(d) = d (alpha_RL - beta_RL log d)``, with ``R(0) = 0``.

Their footnote 1 warns that the RL form "likely does not hold near the origin", where its slope is
infinite. The peaks follow in closed form (derived here; the paper quotes neither as a number):

* best-of-n: ``dR/dd = alpha - 2 beta d = 0`` gives ``d* = alpha / (2 beta)`` and
  ``R* = alpha**2 / (4 beta)``; the gold score is back to 0 at ``d = alpha / beta``;
* RL: ``dR/dd = alpha - beta log d - beta = 0`` gives ``d* = exp(alpha/beta - 1)`` and
  ``R* = d* (alpha - beta (alpha/beta - 1)) = beta d*``; back to 0 at ``d = exp(alpha/beta) = e d*``.

The KL of best-of-n sampling is ``log n - (n - 1)/n`` nats (Gao et al. §2, after Stiennon et al. 2020,
App. G.3). Gao et al.'s fitted coefficients per reward-model size are published only as a figure
(their Fig. 3), so this module holds no fitted constants: callers pass ``alpha`` and ``beta``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
from scipy.optimize import brentq

from scalinglaws.core.errors import InputError

__all__ = [
    "INSTRUCTGPT",
    "GAO2022",
    "Peak",
    "bon_gold_score",
    "rl_gold_score",
    "bon_peak",
    "rl_peak",
    "kl_best_of_n",
    "best_of_n_for_kl",
    "iterated_rl_gold_score",
]

#: Published facts of InstructGPT (Ouyang et al. 2022, arXiv:2203.02155; paper_numbers.md §13.1, all V2):
#: policy sizes (params), the win rates of 175B InstructGPT over 175B GPT-3 (§1: "85 ± 3%", and "71 ± 4%"
#: over few-shot GPT-3), the prompts of each training stage (§3.2), the reward-model size, and the
#: training compute of §5.1 in petaflop/s-days (175B SFT 4.9, 175B PPO-ptx 60, GPT-3 pre-training 3,640).
INSTRUCTGPT = {
    "small_policy_params": 1.3e9,
    "gpt3_params": 175e9,
    "win_rate_vs_gpt3": (0.85, 0.03),
    "win_rate_vs_gpt3_fewshot": (0.71, 0.04),
    "sft_prompts": 13_000,
    "rm_prompts": 33_000,
    "ppo_prompts": 31_000,
    "rm_params": 6e9,
    "sft_175b_pf_days": 4.9,
    "ppo_ptx_175b_pf_days": 60.0,
    "gpt3_pf_days": 3640.0,
}

#: Published setup of Gao, Schulman and Hilton 2022 (paper_numbers.md §13.2, V2): the gold reward model's
#: size, the proxy reward models' range, the policy size of the RM-size sweep, the synthetic comparisons,
#: and the best-of-n runs quoted with their KL in §3.1 (n = 1,000 "KL ≈ 6 nats", n = 60,000 "≈ 10").
GAO2022 = {
    "gold_rm_params": 6e9,
    "proxy_rm_params": (3e6, 3e9),
    "policy_params": 1.2e9,
    "comparisons": 100_000,
    "bon_n_quoted": {1_000: 6.0, 60_000: 10.0},
}

#: Largest alpha/beta accepted by :func:`rl_peak`: d* = exp(alpha/beta - 1) must stay a float.
MAX_RL_RATIO = 700.0


@dataclass(frozen=True)
class Peak:
    """Where a gold-score curve peaks.

    Attributes
    ----------
    d : float
        ``sqrt(KL)`` at the peak (sqrt(nats)).
    kl : float
        ``d**2``, the KL divergence from the initial policy at the peak (nats).
    score : float
        The gold score there (gold-RM standard deviations above the initial policy).
    d_zero : float
        The distance beyond the peak where the gold score is back to 0 (sqrt(nats)).
    """

    d: float
    kl: float
    score: float
    d_zero: float


def _coef(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise InputError(f"{name} must be a finite number, got {str(value)[:40]!r}")
    if value <= 0:
        raise InputError(f"{name} must be positive, got {value!r}")
    return float(value)


def _distance(d: Any) -> np.ndarray:
    arr = np.asarray(d, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise InputError("d = sqrt(KL) must be finite and non-negative")
    return arr


def bon_gold_score(d: Any, alpha: float, beta: float) -> np.ndarray | float:
    """Gold score of best-of-n at distance ``d = sqrt(KL)``: ``d (alpha - beta d)`` (Gao et al. §1)."""
    a, b = _coef(alpha, "alpha"), _coef(beta, "beta")
    x = _distance(d)
    out = x * (a - b * x)
    return float(out) if out.ndim == 0 else out


def rl_gold_score(d: Any, alpha: float, beta: float) -> np.ndarray | float:
    """Gold score of RL at distance ``d = sqrt(KL)``: ``d (alpha - beta log d)``, 0 at ``d = 0``."""
    a, b = _coef(alpha, "alpha"), _coef(beta, "beta")
    x = _distance(d)
    safe = np.where(x > 0, x, 1.0)
    out = np.where(x > 0, x * (a - b * np.log(safe)), 0.0)  # d log d -> 0 as d -> 0
    return float(out) if out.ndim == 0 else out


def bon_peak(alpha: float, beta: float) -> Peak:
    """Peak of :func:`bon_gold_score`: ``d* = alpha/(2 beta)``, ``R* = alpha**2/(4 beta)``."""
    a, b = _coef(alpha, "alpha"), _coef(beta, "beta")
    d = a / (2 * b)
    return Peak(d=d, kl=d * d, score=a * a / (4 * b), d_zero=a / b)


def rl_peak(alpha: float, beta: float) -> Peak:
    """Peak of :func:`rl_gold_score`: ``d* = exp(alpha/beta - 1)``, ``R* = beta d*``."""
    a, b = _coef(alpha, "alpha"), _coef(beta, "beta")
    if a / b > MAX_RL_RATIO:
        raise InputError(f"alpha/beta = {a / b:.3g} is too large: exp(alpha/beta) overflows")
    d = math.exp(a / b - 1)
    return Peak(d=d, kl=d * d, score=b * d, d_zero=math.e * d)


def iterated_rl_gold_score(d: Any, alpha: float, beta: float, k: int) -> np.ndarray | float:
    """Gold score after ``k`` iterations of RLHF whose distances add (Gao et al. §4.3).

    ``R(d) = d (alpha - beta log d + beta log k)``: the single-run curve stretched by ``k`` along ``d``
    and in height, so the peak moves to ``k exp(alpha/beta - 1)`` with score ``beta`` times that.
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InputError(f"k must be a positive integer, got {k!r}")
    x = _distance(d)
    out = k * np.asarray(rl_gold_score(x / k, alpha, beta))
    return float(out) if out.ndim == 0 else out


def kl_best_of_n(n: Any) -> np.ndarray | float:
    """KL divergence (nats) of best-of-n sampling from the base policy: ``log n - (n - 1)/n``.

    Gao et al. 2022 §2, after Stiennon et al. 2020 App. G.3; ``n`` may be any real ``>= 1``.
    """
    arr = np.asarray(n, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 1):
        raise InputError("n must be finite and at least 1")
    out = np.log(arr) - (arr - 1) / arr
    return float(out) if out.ndim == 0 else out


def best_of_n_for_kl(kl: float) -> float:
    """The (real) ``n >= 1`` whose best-of-n KL is ``kl`` nats: the inverse of :func:`kl_best_of_n`."""
    if isinstance(kl, bool) or not isinstance(kl, Real) or not math.isfinite(kl) or kl < 0:
        raise InputError(f"kl must be a finite non-negative number, got {kl!r}")
    if kl == 0:
        return 1.0
    if kl > 700:
        raise InputError(f"kl = {kl!r} nats needs n beyond float range")
    # log n - 1 < KL(n) < log n for n > 1, so n lies in [e^kl, e^(kl+1)]
    lo, hi = math.exp(kl), math.exp(kl + 1)
    return float(brentq(lambda x: math.log(x) - (x - 1) / x - kl, lo, hi, xtol=1e-12, rtol=1e-14))

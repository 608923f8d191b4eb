"""pass@k for any sample count, without arrays the size of ``n`` (Chen et al. 2021, eq. 1).

``pass@k = 1 - C(n-c, k) / C(n, k)``. The ratio is a product of ``m = min(k, c)`` factors,

* ``prod_{i=0}^{k-1} (1 - c/(n-i))``  or, equally,  ``prod_{i=n-c+1}^{n} (1 - k/i)``,

summed here in log space as ``S = sum_{j=lo}^{hi} log1p(-x/j)`` (``x`` the other count). Up to
:data:`EXACT_TERMS` terms are added exactly, in blocks of at most a million (bounded memory).
Beyond that, the first :data:`EXACT_TERMS` terms (where the summand bends most) are added
exactly and the rest by the Euler-Maclaurin formula with the closed-form integral
``F(j) = j log1p(-x/j) - x log(j - x)``, whose error there is below 1e-15 of ``S``.
``pass@k = -expm1(S)``. Counts up to :data:`MAX_COUNT` (2**53, where float64 stops being exact).
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any

import numpy as np

from scalinglaws.core.errors import InputError

__all__ = ["MAX_COUNT", "EXACT_TERMS", "pass_at_k_scalar"]

#: Largest n, c or k accepted: 2**53, beyond which float64 cannot hold every integer.
MAX_COUNT = 2**53

#: Terms summed exactly (the rest by Euler-Maclaurin).
EXACT_TERMS = 2_000_000

_BLOCK = 1_000_000


def _count(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral | np.integer):
        raise InputError(f"{name} must be an integer, got {str(value)[:40]!r}")
    v = int(value)
    if v < low:
        raise InputError(f"{name} must be >= {low}, got {v}")
    if v > MAX_COUNT:
        raise InputError(f"{name} must be at most 2**53 = {MAX_COUNT}, got {str(v)[:40]}")
    return v


def _log1p_sum(x: float, lo: int, hi: int) -> float:
    """``sum_{j=lo}^{hi} log1p(-x/j)`` added exactly, in blocks (``lo > x``)."""
    total = 0.0
    for start in range(lo, hi + 1, _BLOCK):
        j = np.arange(start, min(hi, start + _BLOCK - 1) + 1, dtype=np.float64)
        total += float(np.sum(np.log1p(-x / j)))
    return total


def _log_ratio(x: float, lo: int, hi: int) -> float:
    """``sum_{j=lo}^{hi} log1p(-x/j)`` for ``lo > x >= 0``, any number of terms."""
    if hi - lo + 1 <= EXACT_TERMS:
        return _log1p_sum(x, lo, hi)
    head_hi = lo + EXACT_TERMS - 1
    head = _log1p_sum(x, lo, head_hi)
    a, b = float(head_hi + 1), float(hi)

    def f(j: float) -> float:
        return math.log1p(-x / j)

    def df(j: float) -> float:
        return x / (j * (j - x))

    # integral of f from a to b, written without cancellation
    integral = b * math.log1p(-x / b) - a * math.log1p(-x / a) - x * math.log1p((b - a) / (a - x))
    tail = integral + 0.5 * (f(a) + f(b)) + (df(b) - df(a)) / 12.0
    return head + tail


def pass_at_k_scalar(n: Any, c: Any, k: Any) -> float:
    """Unbiased pass@k for one ``(n, c, k)``: ``1 - C(n-c, k)/C(n, k)``, any n up to 2**53.

    Parameters
    ----------
    n, c, k : int
        Samples, correct samples (``0 <= c <= n``), budget (``1 <= k <= n``).

    Returns
    -------
    float
        Exactly 1.0 when ``n - c < k``; exactly 0.0 when ``c == 0``.

    Raises
    ------
    InputError
        Non-integers, counts out of range or above 2**53 (one line).
    """
    n = _count(n, "n", 1)
    c = _count(c, "c", 0)
    k = _count(k, "k", 1)
    if c > n:
        raise InputError(f"c must satisfy 0 <= c <= n, got c={c}, n={n}")
    if k > n:
        raise InputError(f"k must satisfy 1 <= k <= n, got k={k}, n={n}")
    if c == 0:
        return 0.0
    if n - c < k:
        return 1.0
    if k <= c:  # prod_{i=0}^{k-1} (1 - c/(n-i)): k terms, j = n-i from n-k+1 to n
        s = _log_ratio(float(c), n - k + 1, n)
    else:  # prod_{i=n-c+1}^{n} (1 - k/i): c terms
        s = _log_ratio(float(k), n - c + 1, n)
    return float(-math.expm1(s))

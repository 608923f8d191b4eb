"""Approaches 1 and 2 of Hoffmann et al. 2022 (arXiv:2203.15556, §3.1-3.2): compute-optimal
allocation from training-curve envelopes and from IsoFLOP profiles.

* Approach 2: for each compute budget C (FLOP) fit a parabola of loss against ln N and take its
  vertex N*(C); then N* ∝ C^a and D* ∝ C^b by least squares in log-log space (Table 2:
  a = 0.49, b = 0.51).
* Approach 1: the lower envelope of loss-versus-FLOP training curves gives, per FLOP bin, the
  model size N that reaches the lowest loss; its power law in C gives a (Table 2: a = 0.50).

Units: N parameters (as counted by the data), D tokens, C FLOP, loss nats/token. D* = C/(6 N*)
unless a tokens column is given (then D* is interpolated in ln-ln space at N*).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.core import validation
from scalinglaws.core.errors import InputError
from scalinglaws.core.validation import DEFAULT_SEED, positive_array
from scalinglaws.fitting.bootstrap import resample_indices

__all__ = [
    "AllocationFit",
    "isoflop_minima",
    "fit_allocation_exponents",
    "lower_envelope",
    "fit_envelope_exponents",
    "ratio_at",
]


def _col(df: pd.DataFrame, name: str, what: str) -> np.ndarray:
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame of {what}, got {type(df).__name__}")
    if name not in df.columns:
        raise InputError(f"column {name!r} ({what}) not found; columns are {list(df.columns)}")
    try:
        v = df[name].to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"column {name!r} must be numeric") from None
    if not np.all(np.isfinite(v)) or np.any(v <= 0):
        raise InputError(f"column {name!r} must be positive and finite")
    return v


def isoflop_minima(
    df: pd.DataFrame,
    flops_col: str = "flops",
    n_col: str = "params",
    loss_col: str = "loss",
    *,
    tokens_col: str | None = None,
    weighted: bool = False,
    min_points: int = 3,
) -> pd.DataFrame:
    """Vertex of a parabola loss = c0 + c1 u + c2 u^2 (u = ln N) per compute budget.

    Parameters
    ----------
    df : DataFrame
        One row per (budget, model size) run.
    flops_col, n_col, loss_col : str
        Compute budget C (FLOP), parameters N and loss (nats/token) columns.
    tokens_col : str, optional
        Training tokens D; if given, D* is interpolated at N* (ln-ln), else D* = C/(6 N*).
    weighted : bool
        Weight each budget's points by 1/loss^2 (relative errors) in ``numpy.polyfit``.
    min_points : int
        Budgets with fewer distinct N than this (at least 3) are reported with NaN vertex.

    Returns
    -------
    DataFrame
        Columns ``flops, n_star, d_star, loss_star, curvature`` (c2, > 0 for a minimum),
        ``n_points, n_min, n_max`` and ``interior`` (True when c2 > 0 and n_min < N* < n_max,
        i.e. the vertex lies inside the sampled N range, not extrapolated), sorted by flops.
    """
    C = _col(df, flops_col, "compute budgets")
    N = _col(df, n_col, "parameters")
    L = _col(df, loss_col, "losses")
    T = _col(df, tokens_col, "tokens") if tokens_col is not None else None
    if min_points < 3:
        raise InputError(
            f"min_points must be at least 3 (a parabola has 3 coefficients), got {min_points}"
        )
    rows = []
    for c in np.unique(C):
        m = C == c
        u, y = np.log(N[m]), L[m]
        order = np.argsort(u)
        u, y = u[order], y[order]
        row: dict[str, Any] = {
            "flops": float(c),
            "n_points": int(m.sum()),
            "n_min": float(np.exp(u[0])),
            "n_max": float(np.exp(u[-1])),
        }
        if np.unique(u).size < min_points:
            row.update(n_star=np.nan, d_star=np.nan, loss_star=np.nan, curvature=np.nan)
            row["interior"] = False
            rows.append(row)
            continue
        w = 1.0 / y if weighted else None  # polyfit squares w: weights 1/loss^2
        c2, c1, c0 = np.polyfit(u, y, 2, w=w)
        if c2 > 0:
            u_star = -c1 / (2.0 * c2)
            n_star = float(np.exp(u_star))
            loss_star = float(c0 + c1 * u_star + c2 * u_star**2)
            if T is not None:
                lt = np.log(T[m])[order]
                d_star = float(np.exp(np.interp(u_star, u, lt)))
                if not (u[0] <= u_star <= u[-1]):
                    slope = np.polyfit(u, lt, 1)
                    d_star = float(np.exp(np.polyval(slope, u_star)))
            else:
                d_star = float(c / (6.0 * n_star))
            interior = bool(u[0] < u_star < u[-1])
        else:
            n_star = d_star = loss_star = np.nan
            interior = False
        row.update(
            n_star=n_star,
            d_star=d_star,
            loss_star=loss_star,
            curvature=float(c2),
            interior=interior,
        )
        rows.append(row)
    cols = ["flops", "n_star", "d_star", "loss_star", "curvature", "n_points", "n_min", "n_max"]
    return pd.DataFrame(rows, columns=[*cols, "interior"])


@dataclass(frozen=True)
class AllocationFit:
    """N_opt = a_coef·C^a and D_opt = b_coef·C^b, fitted by OLS in ln-ln space.

    Attributes
    ----------
    a, b : float
        Exponents of C for N_opt (parameters) and D_opt (tokens).
    a_coef, b_coef : float
        Prefactors (parameters and tokens at C = 1 FLOP).
    a_ci, b_ci : tuple of float
        Percentile bootstrap intervals at ``level`` (budgets resampled with replacement).
    a_se, b_se : float
        Bootstrap standard errors.
    r2_a, r2_b : float
        R^2 of the ln-ln fits.
    n_budgets, n_boot, seed : int
    level : float
    converged : bool
        Always True: ordinary least squares is solved in closed form.
    """

    a: float
    b: float
    a_coef: float
    b_coef: float
    a_ci: tuple[float, float]
    b_ci: tuple[float, float]
    a_se: float
    b_se: float
    r2_a: float
    r2_b: float
    n_budgets: int
    n_boot: int
    seed: int
    level: float
    converged: bool = True

    def predict(self, C: Any) -> tuple[np.ndarray, np.ndarray]:
        """(N_opt, D_opt) at compute C (FLOP)."""
        c = np.asarray(C, dtype=np.float64)
        return self.a_coef * c**self.a, self.b_coef * c**self.b

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    slope, icpt = np.polyfit(x, y, 1)
    res = y - (icpt + slope * x)
    ss = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(res**2)) / ss if ss > 0 else float("nan")
    return float(slope), float(icpt), r2


def fit_allocation_exponents(
    C: Any,
    N_opt: Any,
    D_opt: Any = None,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    *,
    level: float = 0.95,
) -> AllocationFit:
    """Fit N_opt ∝ C^a and D_opt ∝ C^b (Hoffmann et al. 2022 Table 2) by OLS on logs.

    Parameters
    ----------
    C : array_like
        Compute budgets (FLOP).
    N_opt : array_like
        Compute-optimal parameters at each budget.
    D_opt : array_like, optional
        Compute-optimal tokens; default C / (6 N_opt).
    n_boot, seed : int
        Bootstrap over budgets (``np.random.default_rng(seed)``); n_boot = 0 gives NaN intervals.
    level : float
        Interval coverage.
    """
    c = positive_array(C, "flops")
    n = positive_array(N_opt, "N_opt")
    if c.size != n.size:
        raise InputError(f"C and N_opt must have the same length, got {c.size} and {n.size}")
    d = c / (6.0 * n) if D_opt is None else positive_array(D_opt, "D_opt")
    if not (c.size == n.size == d.size):
        raise InputError(
            f"C, N_opt and D_opt must have the same length, got {c.size}, {n.size}, {d.size}"
        )
    if c.size < 3 or np.unique(c).size < 2:
        raise InputError(f"need at least 3 budgets with 2 distinct values, got {c.size}")
    validation.resamples(n_boot, minimum=0)
    validation.confidence_level(level)
    x, yn, yd = np.log(c), np.log(n), np.log(d)
    a, ia, r2a = _ols(x, yn)
    b, ib, r2b = _ols(x, yd)
    a_ci = b_ci = (float("nan"), float("nan"))
    a_se = b_se = float("nan")
    if n_boot > 0:
        idx = resample_indices(c.size, int(n_boot), int(seed))
        xs = x[idx]
        ok = np.ptp(xs, axis=1) > 0  # a resample with one distinct budget has no slope
        xs = xs[ok]
        xm = xs - xs.mean(axis=1, keepdims=True)
        den = np.sum(xm**2, axis=1)
        boot_a = np.sum(xm * yn[idx][ok], axis=1) / den
        boot_b = np.sum(xm * yd[idx][ok], axis=1) / den
        q = [(1 - level) / 2, (1 + level) / 2]
        a_ci = tuple(float(v) for v in np.quantile(boot_a, q))
        b_ci = tuple(float(v) for v in np.quantile(boot_b, q))
        a_se, b_se = float(np.std(boot_a, ddof=1)), float(np.std(boot_b, ddof=1))
    return AllocationFit(
        a=a,
        b=b,
        a_coef=float(np.exp(ia)),
        b_coef=float(np.exp(ib)),
        a_ci=a_ci,
        b_ci=b_ci,
        a_se=a_se,
        b_se=b_se,
        r2_a=r2a,
        r2_b=r2b,
        n_budgets=int(c.size),
        n_boot=int(n_boot),
        seed=int(seed),
        level=float(level),
    )


def lower_envelope(
    curves_df: pd.DataFrame,
    flops_col: str = "flops",
    loss_col: str = "loss",
    n_col: str = "params",
    *,
    tokens_col: str | None = None,
    n_bins: int = 50,
) -> pd.DataFrame:
    """Lower envelope of loss-versus-FLOP training curves (Hoffmann et al. 2022 Approach 1).

    FLOPs are split into ``n_bins`` bins equally spaced in ln C over the observed range; in each
    non-empty bin the point with the lowest loss over all runs is kept.

    Returns
    -------
    DataFrame
        Columns ``flops`` (C of the winning point), ``loss``, ``params`` (the N achieving the
        envelope), ``tokens`` (from ``tokens_col`` or C/(6N)), ``bin`` (bin index); sorted by flops.
    """
    C = _col(curves_df, flops_col, "FLOPs")
    L = _col(curves_df, loss_col, "losses")
    N = _col(curves_df, n_col, "parameters")
    T = _col(curves_df, tokens_col, "tokens") if tokens_col is not None else C / (6.0 * N)
    if isinstance(n_bins, bool) or not isinstance(n_bins, int | np.integer) or n_bins < 1:
        raise InputError(f"n_bins must be a positive integer, got {n_bins!r}")
    lc = np.log(C)
    edges = np.linspace(lc.min(), lc.max(), int(n_bins) + 1)
    b = np.clip(np.searchsorted(edges, lc, side="right") - 1, 0, int(n_bins) - 1)
    order = np.lexsort((L, b))  # by bin, then loss
    first = np.ones(order.size, dtype=bool)
    first[1:] = b[order][1:] != b[order][:-1]
    k = order[first]
    out = pd.DataFrame({"flops": C[k], "loss": L[k], "params": N[k], "tokens": T[k], "bin": b[k]})
    return out.sort_values("flops", kind="stable").reset_index(drop=True)


def fit_envelope_exponents(
    envelope: pd.DataFrame, n_boot: int = 1000, seed: int = DEFAULT_SEED, *, level: float = 0.95
) -> AllocationFit:
    """Approach-1 exponents: N ∝ C^a, D ∝ C^b over the rows of :func:`lower_envelope`."""
    for col in ("flops", "params", "tokens"):
        if col not in envelope.columns:
            raise InputError(f"envelope must have column {col!r} (use lower_envelope)")
    return fit_allocation_exponents(
        envelope["flops"], envelope["params"], envelope["tokens"], n_boot, seed, level=level
    )


def ratio_at(
    C: Any,
    N_opt: Any,
    D_opt: Any,
    at: Any,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    *,
    level: float = 0.95,
) -> pd.DataFrame:
    """Fitted tokens per parameter ``D_opt/N_opt`` at budgets ``at``, with a bootstrap interval.

    OLS of ``ln(D_opt/N_opt)`` on ``ln C`` (the ratio of the two power laws of
    :func:`fit_allocation_exponents`, ``∝ C^(b-a)``), evaluated at each budget in ``at`` (FLOP);
    the interval resamples the budgets with replacement (the same resamples as
    :func:`fit_allocation_exponents` for equal ``n_boot`` and ``seed``).

    Returns
    -------
    DataFrame
        ``flops`` (FLOP), ``ratio`` (tokens per parameter), ``lo``, ``hi`` (percentile interval at
        ``level``), ``slope`` (the fitted exponent b - a).
    """
    c = positive_array(C, "flops")
    n = positive_array(N_opt, "N_opt")
    d = positive_array(D_opt, "D_opt")
    if not (c.size == n.size == d.size):
        raise InputError(
            f"C, N_opt and D_opt must have the same length, got {c.size}, {n.size}, {d.size}"
        )
    if c.size < 3 or np.unique(c).size < 2:
        raise InputError(f"need at least 3 budgets with 2 distinct values, got {c.size}")
    at_c = positive_array(at, "at")
    validation.resamples(n_boot)
    validation.confidence_level(level)
    x, y = np.log(c), np.log(d / n)
    slope, icpt, _ = _ols(x, y)
    idx = resample_indices(c.size, int(n_boot), int(seed))
    xs = x[idx]
    ok = np.ptp(xs, axis=1) > 0
    xs, ys = xs[ok], y[idx][ok]
    xbar, ybar = xs.mean(axis=1), ys.mean(axis=1)
    bs = np.sum((xs - xbar[:, None]) * (ys - ybar[:, None]), axis=1) / np.sum(
        (xs - xbar[:, None]) ** 2, axis=1
    )
    bi = ybar - bs * xbar
    lx = np.log(at_c)
    pred = bi[:, None] + bs[:, None] * lx[None, :]
    q = [(1 - level) / 2, (1 + level) / 2]
    lo, hi = np.exp(np.quantile(pred, q, axis=0))
    return pd.DataFrame(
        {
            "flops": at_c,
            "ratio": np.exp(icpt + slope * lx),
            "lo": lo,
            "hi": hi,
            "slope": slope,
        }
    )

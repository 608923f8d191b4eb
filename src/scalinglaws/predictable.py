"""GPT-4-style "predictable scaling": fit the small end of a loss curve, predict the large end.

OpenAI's GPT-4 Technical Report (2023, arXiv:2303.08774, §3) predicted GPT-4's final loss by
fitting "a scaling law with an irreducible loss term", ``L(C) = a C**b + c``, to models trained
with the same method and at most 10,000x less compute. The report publishes no data, so this
module demonstrates the *method* on a real data set: fit

    L(C) = E + A (C / C_ref)**(-alpha),   A > 0, alpha > 0, 0 <= E < min(L)

on the budgets ``C <= C_max / holdout_factor`` and predict every larger budget, with a seeded
bootstrap interval and the relative error of each prediction. ``C_ref`` is the geometric mean
of the fitted budgets (it only conditions the optimisation). A plain power law ``L = k C**(-s)``
(no irreducible term) is fitted on the same points for comparison.

The fit is weighted least squares by variable projection: for a fixed alpha the model is linear
in (E, A), solved in closed form under the bounds; the profiled error is minimised over a grid of
801 log-spaced alphas in [1e-3, 3] and then refined with ``scipy.optimize.minimize_scalar``
(bounded). ``converged`` is True when the refinement succeeded and the optimum is interior to the
grid (bootstrap refits use a parabolic refinement, vectorised). The bootstrap is parametric when per-point
standard deviations of the loss are given (e.g. Porian et al.'s ``loss_star_std``), otherwise
it resamples residuals.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from scalinglaws.errors import InputError

__all__ = [
    "SaturatingFit",
    "Prediction",
    "fit_saturating",
    "predict_large_end",
]


def _arr(value: Any, name: str, *, positive: bool = True) -> np.ndarray:
    if isinstance(value, bool) or value is None or isinstance(value, str | bytes):
        raise InputError(f"{name} must be an array of finite numbers, got {value!r}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be an array of finite numbers, got {value!r}") from None
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be a 1-D array of finite numbers")
    if positive and not np.all(arr > 0):
        raise InputError(f"{name} must be positive, got minimum {arr.min()!r}")
    return arr


def _int_param(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _level(level: Any) -> float:
    ok = not isinstance(level, bool) and isinstance(level, int | float) and math.isfinite(level)
    if not ok or not 0.0 < level < 1.0:
        raise InputError(f"level must be a number in (0, 1), got {level!r}")
    return float(level)


@dataclass(frozen=True)
class SaturatingFit:
    """``L(C) = E + A (C/C_ref)**(-alpha)`` fitted by bounded least squares.

    Attributes
    ----------
    E : float
        Irreducible loss (same unit as the data, e.g. nats/token).
    A : float
        Reducible loss at ``C = C_ref``.
    alpha : float
        Exponent (positive; the reducible loss falls as ``C**-alpha``).
    C_ref : float
        Reference budget (FLOP): geometric mean of the fitted budgets.
    E_ci, A_ci, alpha_ci : tuple of float
        Percentile bootstrap intervals at ``level``.
    n : int
        Fitted points.
    rmse : float
        Root-mean-square residual of the fit (loss units).
    converged : bool
        Scalar refinement succeeded, the optimum alpha is interior to the grid and A > 0.
    message : str
        ``"converged"`` or the reason it did not.
    boot_converged : float
        Fraction of bootstrap refits with an interior alpha and A > 0.
    level : float
    n_boot, seed : int
    boot_params : numpy.ndarray
        ``(n_boot_ok, 3)`` bootstrap replicates of (E, A, alpha).
    """

    E: float
    A: float
    alpha: float
    C_ref: float
    E_ci: tuple[float, float]
    A_ci: tuple[float, float]
    alpha_ci: tuple[float, float]
    n: int
    rmse: float
    converged: bool
    message: str
    boot_converged: float
    level: float
    n_boot: int
    seed: int
    boot_params: np.ndarray

    def predict(self, C: Any) -> np.ndarray:
        """Predicted loss at budgets ``C`` (FLOP)."""
        c = _arr(np.atleast_1d(C), "C")
        return self.E + self.A * (c / self.C_ref) ** (-self.alpha)

    def interval(self, C: Any) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise percentile band of the bootstrap curves at ``C`` (lo, hi)."""
        c = _arr(np.atleast_1d(C), "C")
        p = self.boot_params
        curves = p[:, :1] + p[:, 1:2] * (c[None, :] / self.C_ref) ** (-p[:, 2:3])
        q = [(1.0 - self.level) / 2.0, (1.0 + self.level) / 2.0]
        lo, hi = np.quantile(curves, q, axis=0)
        mid = self.predict(c)
        return np.minimum(lo, mid), np.maximum(hi, mid)

    def to_dict(self) -> dict[str, Any]:
        """Summary without the bootstrap array."""
        d = asdict(self)
        d.pop("boot_params")
        return d


_ALPHA_GRID = np.logspace(-3.0, math.log10(3.0), 801)


def _profile(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best (E, A) and weighted SSE for every replicate row of ``y`` and every ``alpha``.

    For fixed alpha the model ``E + A exp(-alpha x)`` is linear in (E, A): solve the weighted
    normal equations in closed form, then enforce ``0 <= E < min(y)`` and ``A >= 0``
    (variable projection). Shapes: y (B, n), alpha (G,) -> outputs (B, G).
    """
    z = np.exp(-np.outer(alpha, x))  # (G, n)
    sw = w.sum()
    sz = z @ w  # (G,)
    szz = (z * z) @ w
    sy = y @ w  # (B,)
    syy = (y * y) @ w
    szy = y @ (z * w).T  # (B, G)
    det = sw * szz - sz * sz
    with np.errstate(divide="ignore", invalid="ignore"):
        a = (sw * szy - sz[None, :] * sy[:, None]) / det[None, :]
        e = (sy[:, None] - a * sz[None, :]) / sw
        ymin = y.min(axis=1, keepdims=True) * (1.0 - 1e-9)
        low = e < 0.0
        e = np.where(low, 0.0, e)
        a = np.where(low, szy / szz[None, :], a)
        high = e > ymin
        e = np.where(high, ymin, e)
        a = np.where(high, (szy - ymin * sz[None, :]) / szz[None, :], a)
        neg = a < 0.0
        a = np.where(neg, 0.0, a)
        e = np.where(neg, np.minimum(sy[:, None] / sw, ymin), e)
    sse = (
        syy[:, None]
        - 2 * e * sy[:, None]
        - 2 * a * szy
        + e * e * sw
        + 2 * e * a * sz[None, :]
        + a * a * szz[None, :]
    )
    return e, a, np.maximum(sse, 0.0)


def _solve_many(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Grid search over alpha plus parabolic refinement in log alpha: (B, 3) of (E, A, alpha)."""
    e, a, sse = _profile(x, y, w, _ALPHA_GRID)
    k = np.clip(np.argmin(sse, axis=1), 1, len(_ALPHA_GRID) - 2)
    rows = np.arange(len(y))
    la = np.log(_ALPHA_GRID)
    f0, f1, f2 = sse[rows, k - 1], sse[rows, k], sse[rows, k + 1]
    h = la[1] - la[0]
    den = f0 - 2 * f1 + f2
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(den > 0, 0.5 * h * (f0 - f2) / den, 0.0)
    alpha = np.exp(la[k] + np.clip(shift, -h, h))
    out = np.empty((len(y), 3))
    for i in range(len(y)):  # cheap: one alpha per replicate
        ei, ai, _ = _profile(x, y[i : i + 1], w, alpha[i : i + 1])
        out[i] = (ei[0, 0], ai[0, 0], alpha[i])
    return out


def _solve(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, bool, str]:
    """Point estimate: grid, then bounded scalar minimisation of the profiled SSE in log alpha."""
    _, _, sse = _profile(x, y[None, :], w, _ALPHA_GRID)
    k = int(np.argmin(sse[0]))
    la = np.log(_ALPHA_GRID)
    lo, hi = la[max(k - 1, 0)], la[min(k + 1, len(la) - 1)]

    def f(log_alpha: float) -> float:
        return float(_profile(x, y[None, :], w, np.array([math.exp(log_alpha)]))[2][0, 0])

    res = minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10})
    alpha = math.exp(float(res.x))
    e, a, _ = _profile(x, y[None, :], w, np.array([alpha]))
    interior = 0 < k < len(la) - 1
    ok = bool(res.success) and interior and a[0, 0] > 0
    msg = "converged" if ok else ("alpha at the grid edge" if not interior else str(res.message))
    return np.array([e[0, 0], a[0, 0], alpha]), ok, msg


def fit_saturating(
    flops: Any,
    loss: Any,
    *,
    loss_std: Any = None,
    n_boot: int = 500,
    seed: int = 42,
    level: float = 0.95,
) -> SaturatingFit:
    """Fit ``L(C) = E + A (C/C_ref)**(-alpha)`` with a seeded bootstrap.

    Parameters
    ----------
    flops : array-like
        Budgets C (FLOP), positive; at least 4 distinct values.
    loss : array-like
        Loss at each budget (e.g. nats/token), positive.
    loss_std : array-like, optional
        Per-point standard deviation of the loss; used for a parametric bootstrap (and inverse-
        variance weights). Without it, residuals are resampled.
    n_boot, seed, level
        Bootstrap resamples (>= 10), ``np.random.default_rng`` seed, interval level.

    Returns
    -------
    SaturatingFit
    """
    c = _arr(flops, "flops")
    y = _arr(loss, "loss")
    if c.shape != y.shape:
        raise InputError(f"flops and loss must have equal length, got {len(c)} and {len(y)}")
    if len(np.unique(c)) < 4:
        raise InputError(f"need at least 4 distinct budgets to fit 3 parameters, got {len(c)}")
    n_boot = _int_param(n_boot, "n_boot", 10)
    seed = _int_param(seed, "seed", 0)
    lvl = _level(level)
    if loss_std is not None:
        s = _arr(loss_std, "loss_std", positive=False)
        if s.shape != c.shape or np.any(s < 0):
            raise InputError("loss_std must be non-negative and as long as flops")
        w = 1.0 / np.maximum(s, 1e-3 * float(np.median(s[s > 0])) if np.any(s > 0) else 1.0)
        w = w / w.mean()
    else:
        s = None
        w = np.ones_like(y)
    c_ref = float(np.exp(np.mean(np.log(c))))
    x = np.log(c / c_ref)
    p, ok, msg = _solve(x, y, w)
    fitted = p[0] + p[1] * np.exp(-p[2] * x)
    resid = y - fitted
    rng = np.random.default_rng(seed)
    if s is not None:
        yb = y[None, :] + s[None, :] * rng.standard_normal((n_boot, len(y)))
    else:
        yb = fitted[None, :] + rng.choice(resid, size=(n_boot, len(y)), replace=True)
    yb = yb[np.all(yb > 0, axis=1)]
    boot = _solve_many(x, yb, w)
    interior = (boot[:, 2] > _ALPHA_GRID[1]) & (boot[:, 2] < _ALPHA_GRID[-2])
    oks = interior & (boot[:, 1] > 0)
    q = [(1.0 - lvl) / 2.0, (1.0 + lvl) / 2.0]
    ci = np.quantile(boot, q, axis=0)
    return SaturatingFit(
        E=float(p[0]),
        A=float(p[1]),
        alpha=float(p[2]),
        C_ref=c_ref,
        E_ci=(float(ci[0, 0]), float(ci[1, 0])),
        A_ci=(float(ci[0, 1]), float(ci[1, 1])),
        alpha_ci=(float(ci[0, 2]), float(ci[1, 2])),
        n=len(c),
        rmse=float(np.sqrt(np.mean(resid**2))),
        converged=ok,
        message=msg,
        boot_converged=float(np.mean(oks)) if len(oks) else 0.0,
        level=lvl,
        n_boot=n_boot,
        seed=seed,
        boot_params=boot,
    )


@dataclass(frozen=True)
class Prediction:
    """Result of :func:`predict_large_end`.

    Attributes
    ----------
    fit : SaturatingFit
        Fit on the small end.
    table : DataFrame
        One row per budget: ``flops, loss, used_in_fit`` (bool), ``predicted, lo, hi``
        (saturating law and its band), ``rel_error`` (= predicted / loss - 1),
        ``inside_interval`` (bool), ``power_law_predicted``, ``power_law_rel_error``.
    holdout_factor : float
        Requested compute ratio between the largest budget and the largest fitted budget.
    extrapolation : float
        Actual ratio ``C_max / C_fit_max``.
    n_fit, n_predicted : int
    max_abs_rel_error : float
        Largest ``|rel_error|`` among predicted budgets (saturating law).
    largest_rel_error : float
        ``rel_error`` at the largest budget.
    power_law_largest_rel_error : float
        The same for the plain power law.
    power_law_exponent : float
        ``s`` of the plain power law ``L = k C**-s`` (log-log OLS on the fitted points).
    """

    fit: SaturatingFit
    table: pd.DataFrame
    holdout_factor: float
    extrapolation: float
    n_fit: int
    n_predicted: int
    max_abs_rel_error: float
    largest_rel_error: float
    power_law_largest_rel_error: float
    power_law_exponent: float


def predict_large_end(
    flops: Any,
    loss: Any,
    *,
    holdout_factor: float = 64.0,
    loss_std: Any = None,
    n_boot: int = 500,
    seed: int = 42,
    level: float = 0.95,
) -> Prediction:
    """Fit on ``C <= max(C) / holdout_factor`` and predict every larger budget.

    Parameters
    ----------
    flops, loss : array-like
        Budgets (FLOP) and losses of one consistent series (same method, same data).
    holdout_factor : float
        > 1; the fit sees only budgets at least this many times smaller than the largest.
    loss_std, n_boot, seed, level
        As in :func:`fit_saturating`.

    Returns
    -------
    Prediction

    Raises
    ------
    InputError
        Bad input, or fewer than 4 budgets left to fit (the largest budget is always predicted).
    """
    c = _arr(flops, "flops")
    y = _arr(loss, "loss")
    if c.shape != y.shape:
        raise InputError(f"flops and loss must have equal length, got {len(c)} and {len(y)}")
    if isinstance(holdout_factor, bool) or not isinstance(holdout_factor, int | float):
        raise InputError(f"holdout_factor must be a number > 1, got {holdout_factor!r}")
    if not math.isfinite(holdout_factor) or holdout_factor <= 1:
        raise InputError(f"holdout_factor must be a number > 1, got {holdout_factor!r}")
    s = None if loss_std is None else _arr(loss_std, "loss_std", positive=False)
    if s is not None and s.shape != c.shape:
        raise InputError("loss_std must be as long as flops")
    order = np.argsort(c, kind="stable")
    c, y = c[order], y[order]
    s = None if s is None else s[order]
    cut = c.max() / float(holdout_factor) * (1 + 1e-12)
    used = c <= cut
    if used.sum() < 4:
        raise InputError(
            f"holdout_factor {holdout_factor} leaves {int(used.sum())} budgets to fit; need >= 4"
        )
    fit = fit_saturating(
        c[used],
        y[used],
        loss_std=None if s is None else s[used],
        n_boot=n_boot,
        seed=seed,
        level=level,
    )
    pred = fit.predict(c)
    lo, hi = fit.interval(c)
    lx, ly = np.log(c[used]), np.log(y[used])
    slope, icpt = np.polyfit(lx, ly, 1)
    pl = np.exp(icpt + slope * np.log(c))
    table = pd.DataFrame(
        {
            "flops": c,
            "loss": y,
            "used_in_fit": used,
            "predicted": pred,
            "lo": lo,
            "hi": hi,
            "rel_error": pred / y - 1.0,
            "inside_interval": (y >= lo) & (y <= hi),
            "power_law_predicted": pl,
            "power_law_rel_error": pl / y - 1.0,
        }
    )
    held = table[~table["used_in_fit"]]
    return Prediction(
        fit=fit,
        table=table,
        holdout_factor=float(holdout_factor),
        extrapolation=float(c.max() / c[used].max()),
        n_fit=int(used.sum()),
        n_predicted=int((~used).sum()),
        max_abs_rel_error=float(held["rel_error"].abs().max()),
        largest_rel_error=float(table["rel_error"].iloc[-1]),
        power_law_largest_rel_error=float(table["power_law_rel_error"].iloc[-1]),
        power_law_exponent=float(-slope),
    )

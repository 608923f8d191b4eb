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

The fit is :func:`scalinglaws.fitting.powerlaw.fit_saturating_power_law` with residuals in loss units
(bounded trust-region least squares from 16 starts, inverse-variance weights when per-point
standard deviations of the loss are given). The bootstrap is parametric when those standard
deviations are given (e.g. Porian et al.'s ``loss_star_std``), otherwise it resamples residuals.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.core import validation
from scalinglaws.core.errors import InputError
from scalinglaws.core.validation import DEFAULT_SEED
from scalinglaws.fitting.powerlaw import fit_power_law, fit_saturating_power_law

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
    if positive:
        validation.require_positive(arr, name)
    return arr


def _int_param(value: Any, name: str, minimum: int) -> int:
    return validation.int_at_least(value, name, minimum)


def _level(level: Any) -> float:
    return validation.confidence_level(level)


@dataclass(frozen=True)
class SaturatingFit:
    """``L(C) = E + A (C/C_ref)**(-alpha)`` fitted by bounded least squares (loss units).

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
        The optimiser (scipy ``least_squares``) reported convergence.
    message : str
        ``"converged"`` or the reason it did not.
    boot_converged : float
        Fraction of bootstrap refits that converged (only those enter the intervals).
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


def fit_saturating(
    C: Any,
    loss: Any,
    *,
    loss_std: Any = None,
    n_boot: int = 500,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> SaturatingFit:
    """Fit ``L(C) = E + A (C/C_ref)**(-alpha)`` with a seeded bootstrap.

    A thin wrapper of :func:`scalinglaws.fitting.powerlaw.fit_saturating_power_law` with residuals in
    loss (linear) space: bounded trust-region least squares from 16 starts.

    Parameters
    ----------
    C : array-like
        Budgets C (FLOP), positive; at least 4 distinct values.
    loss : array-like
        Loss at each budget (e.g. nats/token), positive.
    loss_std : array-like, optional
        Per-point standard deviation of the loss (>= 0; values below 1e-3 of the median positive
        one are raised to it): inverse-variance weights and a parametric bootstrap (the fitted
        curve plus Gaussian noise). Without it, residuals are resampled (inflated by
        ``sqrt(n / (n - 3))``).
    n_boot, seed, level
        Bootstrap resamples (>= 10), ``np.random.default_rng`` seed, interval level.

    Returns
    -------
    SaturatingFit
    """
    c = _arr(C, "flops")
    y = _arr(loss, "loss")
    if c.shape != y.shape:
        raise InputError(f"flops and loss must have equal length, got {len(c)} and {len(y)}")
    if len(np.unique(c)) < 4:
        raise InputError(f"need at least 4 distinct budgets to fit 3 parameters, got {len(c)}")
    n_boot = _int_param(n_boot, "n_boot", 10)
    seed = _int_param(seed, "seed", 0)
    lvl = _level(level)
    sigma = None
    if loss_std is not None:
        s = _arr(loss_std, "loss_std", positive=False)
        if s.shape != c.shape or np.any(s < 0) or not np.any(s > 0):
            raise InputError("loss_std must be non-negative, not all zero and as long as flops")
        sigma = np.maximum(s, 1e-3 * float(np.median(s[s > 0])))
    fit = fit_saturating_power_law(
        c,
        y,
        n_boot,
        seed,
        level=lvl,
        bootstrap="residual" if sigma is None else "parametric",
        space="linear",
        sigma=sigma,
    )
    c_ref = float(np.exp(np.mean(np.log(c))))
    E, alpha = fit.params["E"], fit.params["alpha"]
    boot = fit.boot.copy()
    boot[:, 1] *= c_ref ** (-boot[:, 2])  # A at C_ref
    q = [(1.0 - lvl) / 2.0, (1.0 + lvl) / 2.0]
    ci = np.quantile(boot, q, axis=0) if len(boot) else np.full((2, 3), np.nan)
    return SaturatingFit(
        E=float(E),
        A=float(fit.params["A"] * c_ref ** (-alpha)),
        alpha=float(alpha),
        C_ref=c_ref,
        E_ci=(float(ci[0, 0]), float(ci[1, 0])),
        A_ci=(float(ci[0, 1]), float(ci[1, 1])),
        alpha_ci=(float(ci[0, 2]), float(ci[1, 2])),
        n=len(c),
        rmse=float(np.sqrt(np.mean((y - fit.predict(c)) ** 2))),
        converged=fit.converged,
        message="converged" if fit.converged else fit.message,
        boot_converged=fit.n_converged / n_boot,
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
    C: Any,
    loss: Any,
    *,
    holdout_factor: float = 64.0,
    loss_std: Any = None,
    n_boot: int = 500,
    seed: int = DEFAULT_SEED,
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
    c = _arr(C, "flops")
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
    plain = fit_power_law(c[used], y[used], 0)  # point estimate only: log-log OLS
    pl = plain.predict(c)
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
        power_law_exponent=float(plain.alpha),
    )

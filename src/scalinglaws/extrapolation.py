"""Helpers for the chapter "Power laws: the shape of scaling": data selection, fit windows, extrapolation.

It holds what the first chapter needs:

* :func:`fit_loglog` and :func:`fit_floor`: a plain power law ``y = A x^-alpha`` and a saturating
  one ``y = E + A x^-alpha``, both fitted by least squares on ``ln y`` (multiplicative noise), each
  with a seeded residual-bootstrap interval and the optimiser's convergence flag (:class:`LawFit`);
  thin wrappers of :mod:`scalinglaws.powerlaw`, which holds the fits;

* :func:`lambada_cross_entropy`: Pythia's LAMBADA perplexity turned into a cross-entropy (nats per
  target word) per model size (Biderman et al. 2023, zero-shot evaluations);
* :func:`optimal_losses`: Porian et al.'s (2024) compute-optimal losses ``L*(C)`` for one configuration;
* :func:`simulate_log_vs_linear`: the same power law with multiplicative noise fitted in log space and
  in linear space, many times, to compare the two estimators;
* :func:`saturating_local_exponent`: the local log-log slope of ``L = E + A x^-alpha``;
* :func:`holdout_errors`: the error of a prediction outside the fit window, against the distance (in
  decades) from the window.

Units: ``N`` parameters (total, as published for Pythia), ``C`` FLOP, losses in nats.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import OptimizeWarning, curve_fit

from scalinglaws.errors import InputError
from scalinglaws.powerlaw import CurveFit, fit_power_law, fit_saturating_power_law
from scalinglaws.validation import positive_array as _positive

__all__ = [
    "LawFit",
    "fit_loglog",
    "fit_floor",
    "PORIAN_FIT_WINDOW",
    "lambada_cross_entropy",
    "optimal_losses",
    "simulate_log_vs_linear",
    "saturating_local_exponent",
    "holdout_errors",
]

#: Compute window of Porian et al.'s fit of ``L*(C) = E + A C^-alpha``: ``1e16 < C < 5e17`` FLOP
#: (``fit_loss_with_saturation(fit_min_flop=1e16, fit_max_flop=5e17)`` in ``analysis.py`` of
#: formll/resolving-scaling-law-discrepancies at commit 0dc60d91).
PORIAN_FIT_WINDOW: tuple[float, float] = (1e16, 5e17)


def _int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _columns(df: Any, columns: tuple[str, ...], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"{what} lacks column(s) {', '.join(missing)}")


# ------------------------------------------------------------------------------------- data


def lambada_cross_entropy(evals: pd.DataFrame, step: int | None = None) -> pd.DataFrame:
    """LAMBADA (OpenAI) perplexity of each Pythia size at one checkpoint, and its cross-entropy.

    lm-evaluation-harness reports ``ppl = exp(-mean log p(target word | context))``, so
    ``ln ppl`` is the mean cross-entropy in **nats per target word** (a word may span several
    tokens: this is not a per-token loss).

    Parameters
    ----------
    evals : DataFrame
        ``scalinglaws.data.load("pythia_evals", "evals")`` (columns size, params, step, tokens,
        task, metric, value, stderr).
    step : int, optional
        Training step; default the last step present (143000, about 3.0e11 tokens).

    Returns
    -------
    DataFrame
        One row per size, sorted by ``params``: ``size, params`` (N, total parameters as
        published), ``step, tokens, ppl, ppl_stderr, xent`` (= ln ppl, nats per word) and
        ``xent_stderr`` (= ppl_stderr / ppl, delta method).
    """
    _columns(
        evals, ("size", "params", "step", "tokens", "task", "metric", "value", "stderr"), "evals"
    )
    rows = evals[(evals["task"] == "lambada_openai") & (evals["metric"] == "ppl")]
    if rows.empty:
        raise InputError("evals has no lambada_openai perplexity rows")
    if step is None:
        step = int(rows["step"].max())
    step = _int(step, "step", 0)
    rows = rows[rows["step"] == step]
    if rows.empty:
        raise InputError(f"no LAMBADA perplexity at step {step}")
    out = pd.DataFrame(
        {
            "size": rows["size"].to_numpy(),
            "params": rows["params"].to_numpy(dtype=np.float64),
            "step": rows["step"].to_numpy(dtype=np.int64),
            "tokens": rows["tokens"].to_numpy(dtype=np.float64),
            "ppl": rows["value"].to_numpy(dtype=np.float64),
            "ppl_stderr": rows["stderr"].to_numpy(dtype=np.float64),
        }
    )
    out["xent"] = np.log(out["ppl"])
    out["xent_stderr"] = out["ppl_stderr"] / out["ppl"]
    return out.sort_values("params", kind="stable").reset_index(drop=True)


def optimal_losses(
    pairs: pd.DataFrame,
    dataset: str = "rw",
    label: str = "Optimizer tuning (no decay)",
    loss_source: str = "val",
) -> pd.DataFrame:
    """Compute-optimal loss ``L*(C)`` of one Porian et al. (2024) configuration, sorted by C.

    Parameters
    ----------
    pairs : DataFrame
        ``scalinglaws.data.load("porian_compute_optimal", "optimal_pairs")``.
    dataset, label, loss_source : str
        Configuration (see ``scalinglaws.data.COLUMNS``); the default is the paper's final,
        fully corrected setting on RefinedWeb, validation loss.

    Returns
    -------
    DataFrame
        ``flops`` (C, FLOP), ``loss_star`` (nats/token), ``loss_star_std`` (bootstrap std as
        published) and ``in_porian_window`` (True where ``1e16 < C < 5e17``, the window
        Porian et al. fit ``L*(C)`` on); rows without an interior optimum are dropped.
    """
    _columns(pairs, ("dataset", "label", "loss_source", "flops", "loss_star"), "pairs")
    sel = pairs[
        (pairs["dataset"] == dataset)
        & (pairs["label"] == label)
        & (pairs["loss_source"] == loss_source)
    ]
    if sel.empty:
        raise InputError(
            f"no optimal pairs for dataset={dataset!r}, label={label!r}, loss_source={loss_source!r}"
        )
    sel = sel.dropna(subset=["flops", "loss_star"]).sort_values("flops", kind="stable")
    lo, hi = PORIAN_FIT_WINDOW
    out = pd.DataFrame(
        {
            "flops": sel["flops"].to_numpy(dtype=np.float64),
            "loss_star": sel["loss_star"].to_numpy(dtype=np.float64),
            "loss_star_std": sel["loss_star_std"].to_numpy(dtype=np.float64)
            if "loss_star_std" in sel.columns
            else np.nan,
        }
    )
    out["in_porian_window"] = (out["flops"] > lo) & (out["flops"] < hi)
    return out


# ------------------------------------------------------------------------------ simulation


def _linear_space_fit(x: np.ndarray, y: np.ndarray, p0: tuple[float, float]) -> tuple[float, bool]:
    """Exponent of ``y = A x^-alpha`` by unweighted least squares on y itself (scipy curve_fit)."""

    def model(lx: np.ndarray, log_a: float, alpha: float) -> np.ndarray:
        return np.exp(log_a - alpha * lx)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptimizeWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            popt, _ = curve_fit(model, np.log(x), y, p0=p0, maxfev=5000)
        except (RuntimeError, ValueError):
            return float("nan"), False
    ok = bool(np.all(np.isfinite(popt)))
    return float(popt[1]), ok


def simulate_log_vs_linear(
    x: Any,
    A: float,
    alpha: float,
    sigma: float,
    n_sim: int,
    seed: int,
) -> pd.DataFrame:
    """Fit ``y = A x^-alpha`` with multiplicative noise in log space and in linear space.

    Each of ``n_sim`` data sets is ``y_i = A x_i^-alpha exp(sigma z_i)`` with ``z_i`` standard
    normal (``np.random.default_rng(seed)``). The *log-space* estimate is the ordinary least
    squares slope of ``ln y`` on ``ln x`` (every point, every decade weighs the same); the
    *linear-space* estimate minimises ``sum (y_i - A x_i^-alpha)^2`` with scipy's ``curve_fit``
    started from the true values (so any failure is the estimator's, not the start's).

    Parameters
    ----------
    x : array_like
        Positive abscissae (at least 3 distinct values).
    A, alpha : float
        True prefactor (> 0) and exponent (finite).
    sigma : float
        Standard deviation of the noise in ``ln y`` (>= 0).
    n_sim : int
        Number of simulated data sets (>= 1).
    seed : int
        Seed of the generator (>= 0).

    Returns
    -------
    DataFrame
        ``sim`` (0..n_sim-1), ``method`` ("log space" or "linear space"), ``alpha_hat`` and
        ``converged`` (False where ``curve_fit`` failed; ``alpha_hat`` is then NaN).
    """
    x = _positive(x, "x")
    if np.unique(x).size < 3:
        raise InputError("x needs at least 3 distinct values")
    A = float(_positive(A, "A")[0])
    try:
        alpha = float(alpha)
        sigma = float(sigma)
    except (TypeError, ValueError):
        raise InputError("alpha and sigma must be numbers") from None
    if not np.isfinite(alpha):
        raise InputError(f"alpha must be finite, got {alpha}")
    if not np.isfinite(sigma) or sigma < 0:
        raise InputError(f"sigma must be a finite number >= 0, got {sigma}")
    n_sim = _int(n_sim, "n_sim", 1)
    seed = _int(seed, "seed", 0)
    rng = np.random.default_rng(seed)
    lx = np.log(x)
    truth = np.log(A) - alpha * lx
    rows = []
    for i in range(n_sim):
        ly = truth + sigma * rng.standard_normal(x.size)
        slope = np.polyfit(lx, ly, 1)[0]
        rows.append({"sim": i, "method": "log space", "alpha_hat": -slope, "converged": True})
        a_lin, ok = _linear_space_fit(x, np.exp(ly), (np.log(A), alpha))
        rows.append({"sim": i, "method": "linear space", "alpha_hat": a_lin, "converged": ok})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- extrapolation


def saturating_local_exponent(x: Any, E: float, A: float, alpha: float) -> np.ndarray:
    """Local log-log slope (sign flipped) of ``L(x) = E + A x^-alpha``.

    ``-d ln L / d ln x = alpha (L - E) / L``: equal to ``alpha`` far from the floor (``L >> E``)
    and falling to 0 as ``L`` approaches ``E``. This is the exponent a plain power law fitted on a
    narrow window around ``x`` reports.

    Returns
    -------
    ndarray
        One value per ``x`` (float64).
    """
    x = _positive(x, "x")
    A = float(_positive(A, "A")[0])
    try:
        E, alpha = float(E), float(alpha)
    except (TypeError, ValueError):
        raise InputError("E and alpha must be numbers") from None
    if not np.isfinite(E) or E < 0:
        raise InputError(f"E must be a finite number >= 0, got {E}")
    if not np.isfinite(alpha):
        raise InputError(f"alpha must be finite, got {alpha}")
    reducible = A * x**-alpha
    return alpha * reducible / (E + reducible)


def holdout_errors(x: Any, y: Any, y_pred: Any, x_fit_max: float) -> pd.DataFrame:
    """Errors of predictions against the distance beyond the fit window.

    Parameters
    ----------
    x, y : array_like
        Abscissae and observed values (positive, same length).
    y_pred : array_like
        Predictions at ``x`` from a law fitted on the points with ``x <= x_fit_max``.
    x_fit_max : float
        Largest abscissa used by the fit.

    Returns
    -------
    DataFrame
        ``x, y, y_pred``, ``in_fit`` (``x <= x_fit_max``), ``decades_beyond``
        (``log10(x / x_fit_max)``, 0 inside the window), ``rel_error`` (``(y_pred - y) / y``) and
        ``abs_rel_error``.
    """
    x = _positive(x, "x")
    y = _positive(y, "y")
    try:
        y_pred = np.asarray(y_pred, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise InputError("y_pred must be numeric") from None
    if not (x.size == y.size == y_pred.size):
        raise InputError(
            f"x, y and y_pred must have the same length, got {x.size}, {y.size}, {y_pred.size}"
        )
    if not np.all(np.isfinite(y_pred)):
        raise InputError("y_pred must be finite")
    x_fit_max = float(_positive(x_fit_max, "x_fit_max")[0])
    rel = (y_pred - y) / y
    return pd.DataFrame(
        {
            "x": x,
            "y": y,
            "y_pred": y_pred,
            "in_fit": x <= x_fit_max,
            "decades_beyond": np.maximum(np.log10(x / x_fit_max), 0.0),
            "rel_error": rel,
            "abs_rel_error": np.abs(rel),
        }
    )


# ------------------------------------------------------------------------------------ fits


@dataclass(frozen=True)
class LawFit:
    """A fitted ``y = E + A x^-alpha`` (``E = 0`` for a plain power law) with bootstrap intervals.

    Attributes
    ----------
    law : str
        ``"power law"`` or ``"saturating"``.
    A, alpha, E : float
        Prefactor (units of y at x = 1), exponent, irreducible term (units of y; 0 for a plain law).
    A_ci, alpha_ci, E_ci : tuple of float
        Percentile bootstrap intervals at ``level``.
    converged : bool
        Whether the optimiser reported success for the point estimate (always True for the
        closed-form plain fit unless the result is not finite).
    boot_converged : float
        Fraction of bootstrap refits that converged (only those are used for the intervals).
    rmse_log : float
        Root-mean-square residual of ``ln y`` (about the relative error of the fit).
    n, n_boot, seed : int
    level : float
    boot : numpy.ndarray
        ``(n_ok, 3)`` bootstrap replicates of ``(E, ln A, alpha)``.
    """

    law: str
    A: float
    alpha: float
    E: float
    A_ci: tuple[float, float]
    alpha_ci: tuple[float, float]
    E_ci: tuple[float, float]
    converged: bool
    boot_converged: float
    rmse_log: float
    n: int
    n_boot: int
    seed: int
    level: float
    boot: np.ndarray

    def predict(self, x: Any) -> np.ndarray:
        """``E + A x^-alpha`` at ``x`` (positive)."""
        x = _positive(x, "x")
        return self.E + self.A * x ** (-self.alpha)

    def interval(self, x: Any) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise bootstrap band ``(lo, hi)`` of the fitted curve at ``x``, containing the fit."""
        x = _positive(x, "x")
        b = self.boot
        curves = b[:, :1] + np.exp(b[:, 1:2] - b[:, 2:3] * np.log(x)[None, :])
        q = [(1.0 - self.level) / 2.0, (1.0 + self.level) / 2.0]
        lo, hi = np.quantile(curves, q, axis=0)
        mid = self.predict(x)
        return np.minimum(lo, mid), np.maximum(hi, mid)


def _xy(x: Any, y: Any, n_min: int) -> tuple[np.ndarray, np.ndarray]:
    x = _positive(x, "x")
    y = _positive(y, "y")
    if x.size != y.size:
        raise InputError(f"x and y must have the same length, got {x.size} and {y.size}")
    if np.unique(x).size < n_min:
        raise InputError(f"need at least {n_min} distinct x values, got {np.unique(x).size}")
    return x, y


def _boot_args(n_boot: Any, seed: Any, level: Any) -> tuple[int, int, float]:
    n_boot = _int(n_boot, "n_boot", 10)
    seed = _int(seed, "seed", 0)
    if isinstance(level, bool) or not isinstance(level, float | int) or not 0 < level < 1:
        raise InputError(f"level must be a number in (0, 1), got {level!r}")
    return n_boot, seed, float(level)


def _ci(values: np.ndarray, level: float) -> tuple[float, float]:
    lo, hi = np.quantile(values, [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
    return float(lo), float(hi)


def _result(fit: CurveFit, lx: np.ndarray, ly: np.ndarray) -> LawFit:
    """A :class:`LawFit` from the generic :class:`~scalinglaws.powerlaw.CurveFit`."""
    p = fit.params
    E = float(p.get("E", 0.0))
    point = (E, float(np.log(p["A"])), float(p["alpha"]))
    reps = fit.boot
    if reps.shape[0] >= 2:
        e_col = reps[:, 0] if "E" in p else np.zeros(reps.shape[0])
        boot = np.column_stack([e_col, np.log(reps[:, -2]), reps[:, -1]])
    else:
        boot = np.array([point, point], dtype=np.float64)
    pred = np.log(fit.predict(np.exp(lx)))
    level = fit.level
    return LawFit(
        law="power law" if fit.kind == "power_law" else "saturating",
        A=float(p["A"]),
        alpha=float(p["alpha"]),
        E=E,
        A_ci=tuple(float(v) for v in np.exp(_ci(boot[:, 1], level))),
        alpha_ci=_ci(boot[:, 2], level),
        E_ci=_ci(boot[:, 0], level),
        converged=fit.converged,
        boot_converged=fit.n_converged / fit.n_boot if fit.n_boot else 0.0,
        rmse_log=float(np.sqrt(np.mean((ly - pred) ** 2))),
        n=int(lx.size),
        n_boot=fit.n_boot,
        seed=fit.seed,
        level=level,
        boot=boot,
    )


def fit_loglog(x: Any, y: Any, *, n_boot: int = 400, seed: int = 42, level: float = 0.95) -> LawFit:
    """Plain power law ``y = A x^-alpha`` by ordinary least squares of ``ln y`` on ``ln x``.

    A thin wrapper of :func:`scalinglaws.powerlaw.fit_power_law` with its residual bootstrap
    (``np.random.default_rng(seed)``): residuals of ``ln y``, inflated by ``sqrt(n / (n - 2))``
    for the two fitted parameters, are resampled onto the fitted line and the line refitted
    ``n_boot`` times (a pairs bootstrap would often draw a single distinct x from the 3-point
    windows the chapter fits).

    Parameters
    ----------
    x, y : array_like
        Positive finite values, at least 3 distinct ``x``.
    n_boot : int
        Bootstrap resamples (>= 10).
    seed : int
        Seed (>= 0).
    level : float
        Interval level in (0, 1).

    Returns
    -------
    LawFit
        With ``E = 0``.
    """
    x, y = _xy(x, y, 3)
    n_boot, seed, level = _boot_args(n_boot, seed, level)
    fit = fit_power_law(x, y, n_boot, seed, level=level, bootstrap="residual")
    return _result(fit, np.log(x), np.log(y))


def fit_floor(x: Any, y: Any, *, n_boot: int = 400, seed: int = 42, level: float = 0.95) -> LawFit:
    """Saturating power law ``y = E + A x^-alpha`` by least squares on ``ln y``.

    A thin wrapper of :func:`scalinglaws.powerlaw.fit_saturating_power_law` (model
    ``ln y = logaddexp(ln A - alpha ln x, ln E)`` as in Hoffmann et al. 2022, App. D.2, and
    Porian et al. 2024, ``analysis.py``; bounded trust-region least squares from 16 starts,
    ``0 <= alpha <= 5``, ``0 < E <= min(y)``) with its residual bootstrap in ``ln y`` (residuals
    inflated by ``sqrt(n / (n - 3))``; refits that do not converge are left out of the interval
    and counted in ``boot_converged``).

    Parameters
    ----------
    x, y : array_like
        Positive finite values, at least 4 distinct ``x``.
    n_boot, seed, level
        As in :func:`fit_loglog`.

    Returns
    -------
    LawFit
    """
    x, y = _xy(x, y, 4)
    n_boot, seed, level = _boot_args(n_boot, seed, level)
    fit = fit_saturating_power_law(x, y, n_boot, seed, level=level, bootstrap="residual")
    return _result(fit, np.log(x), np.log(y))

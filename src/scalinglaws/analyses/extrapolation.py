"""Power laws fitted on windows and extrapolated beyond them: data selection, fits, held-out errors.

The analyses of the chapter "Power laws: the shape of scaling", one call each (its formatting and glue
live in :mod:`scalinglaws.book.glue.power_laws`, its figures in :mod:`scalinglaws.book.figures.power_laws`):

* :func:`fit_loglog` and :func:`fit_floor`: a plain power law ``y = A x^-alpha`` and a saturating
  one ``y = E + A x^-alpha``, both fitted by least squares on ``ln y`` (multiplicative noise), each
  with a seeded residual-bootstrap interval and the optimiser's convergence flag (:class:`LawFit`);
  thin wrappers of :mod:`scalinglaws.fitting.powerlaw`, which holds the fits;

* :func:`lambada_cross_entropy`: Pythia's LAMBADA perplexity turned into a cross-entropy (nats per
  target word) per model size (Biderman et al. 2023, zero-shot evaluations);
* :func:`optimal_losses`: Porian et al.'s (2024) compute-optimal losses ``L*(C)`` for one configuration;
* :func:`simulate_log_vs_linear`: the same power law with multiplicative noise fitted in log space and
  in linear space, many times, to compare the two estimators;
* :func:`saturating_local_exponent`: the local log-log slope of ``L = E + A x^-alpha``;
* :func:`holdout_errors`: the error of a prediction outside the fit window, against the distance (in
  decades) from the window;
* :func:`estimator_stats`, :func:`sliding_window_fits`, :func:`exponent_by_window`,
  :func:`holdout_study` (a :class:`Holdout`) and :func:`porian_stored_fit`: the chapter's analyses, one
  call each; :func:`relative_error_band`, :func:`relative_band_width` and :func:`band_coverage` read a
  fit's bootstrap band at held-out points.

Units: ``N`` parameters (total, as published for Pythia), ``C`` FLOP, losses in nats.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import OptimizeWarning, curve_fit

from scalinglaws.core.errors import InputError
from scalinglaws.core.validation import DEFAULT_SEED
from scalinglaws.core.validation import positive_array as _positive
from scalinglaws.fitting.powerlaw import CurveFit, fit_power_law, fit_saturating_power_law

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
    "PORIAN_DATASETS",
    "PORIAN_LABEL",
    "porian_stored_fit",
    "estimator_stats",
    "sliding_window_fits",
    "WINDOW_LAWS",
    "exponent_by_window",
    "relative_error_band",
    "relative_band_width",
    "band_coverage",
    "Holdout",
    "holdout_study",
]

#: Compute window of Porian et al.'s fit of ``L*(C) = E + A C^-alpha``: ``1e16 < C < 5e17`` FLOP
#: (``fit_loss_with_saturation(fit_min_flop=1e16, fit_max_flop=5e17)`` in ``analysis.py`` of
#: formll/resolving-scaling-law-discrepancies at commit 0dc60d91).
PORIAN_FIT_WINDOW: tuple[float, float] = (1e16, 5e17)

#: Porian et al.'s two training sets: the ``dataset`` codes of their tables and their names.
PORIAN_DATASETS: dict[str, str] = {"rw": "RefinedWeb", "owt2": "OpenWebText2"}

#: Porian et al.'s final, fully corrected configuration (their ``label`` column).
PORIAN_LABEL = "Optimizer tuning (no decay)"


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
    label: str = PORIAN_LABEL,
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


def porian_stored_fit(
    fit_results: pd.DataFrame,
    dataset: str = "rw",
    label: str = PORIAN_LABEL,
    loss_source: str = "val",
    variant: str = "basic",
) -> pd.Series:
    """Porian et al.'s own fit of ``L*(C) = E + A C^-alpha`` for one configuration, as stored.

    Parameters
    ----------
    fit_results : DataFrame
        ``scalinglaws.data.load("porian_compute_optimal", "fit_results")``.
    dataset, label, loss_source, variant : str
        The configuration; ``variant="basic"`` is the fit on their window ``1e16 < C < 5e17`` FLOP.

    Returns
    -------
    Series
        The stored row (``E`` in nats/token, ``A``, ``alpha``, ...).
    """
    _columns(fit_results, ("dataset", "label", "loss_source", "variant"), "fit_results")
    rows = fit_results[
        (fit_results["dataset"] == dataset)
        & (fit_results["label"] == label)
        & (fit_results["loss_source"] == loss_source)
        & (fit_results["variant"] == variant)
    ]
    if rows.empty:
        raise InputError(
            f"no stored fit for dataset={dataset!r}, label={label!r}, "
            f"loss_source={loss_source!r}, variant={variant!r}"
        )
    return rows.iloc[0]


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


def estimator_stats(sim: pd.DataFrame, truth: float) -> pd.DataFrame:
    """Mean, spread and error of each estimator's fitted exponents in a simulation.

    Parameters
    ----------
    sim : DataFrame
        :func:`simulate_log_vs_linear` output.
    truth : float
        The true exponent of the simulation.

    Returns
    -------
    DataFrame
        One row per ``method`` (sorted): ``mean`` and ``std`` of ``alpha_hat`` (failed fits left
        out), ``se`` (``std / sqrt(data sets)``, the standard error of the mean), ``rmse`` (root
        mean square of ``alpha_hat - truth``) and ``converged`` (fraction of fits that converged).
    """
    _columns(sim, ("method", "alpha_hat", "converged"), "sim")
    try:
        truth = float(truth)
    except (TypeError, ValueError):
        raise InputError(f"truth must be a number, got {truth!r}") from None
    groups = sim.groupby("method")
    stats = groups["alpha_hat"].agg(["mean", "std"])
    stats["se"] = stats["std"] / np.sqrt(groups.size())
    stats["rmse"] = pd.Series(
        {m: float(np.sqrt(np.mean((a - truth) ** 2))) for m, a in groups["alpha_hat"]}
    )
    stats["converged"] = groups["converged"].mean()
    return stats


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

    def summary(self, digits: int = 3) -> str:
        """One line for a reader: the law, exponent (and floor) with intervals, convergence.

        ``digits`` decimals for ``alpha`` and ``E``; ``A`` to 3 significant digits.
        """
        level = f"{self.level:.0%}"

        def ci(lo: float, hi: float) -> str:
            return f"[{lo:.{digits}f}, {hi:.{digits}f}]"

        parts = [f"alpha = {self.alpha:.{digits}f} {ci(*self.alpha_ci)}"]
        if self.law == "saturating":
            parts.append(f"E = {self.E:.{digits}f} {ci(*self.E_ci)}")
        parts.append(f"A = {self.A:.3g}")
        form = (
            "saturating law E + A x^-alpha" if self.law == "saturating" else "power law A x^-alpha"
        )
        return (
            f"{form} fitted to {self.n} points: {', '.join(parts)} "
            f"({level} bootstrap intervals, {self.n_boot} resamples); "
            f"{'converged' if self.converged else 'did NOT converge'}"
        )


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
    """A :class:`LawFit` from the generic :class:`~scalinglaws.fitting.powerlaw.CurveFit`."""
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


def fit_loglog(
    x: Any, y: Any, *, n_boot: int = 400, seed: int = DEFAULT_SEED, level: float = 0.95
) -> LawFit:
    """Plain power law ``y = A x^-alpha`` by ordinary least squares of ``ln y`` on ``ln x``.

    A thin wrapper of :func:`scalinglaws.fitting.powerlaw.fit_power_law` with its residual bootstrap
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


def fit_floor(
    x: Any, y: Any, *, n_boot: int = 400, seed: int = DEFAULT_SEED, level: float = 0.95
) -> LawFit:
    """Saturating power law ``y = E + A x^-alpha`` by least squares on ``ln y``.

    A thin wrapper of :func:`scalinglaws.fitting.powerlaw.fit_saturating_power_law` (model
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


# ------------------------------------------------------------------- the chapter's analyses


def sliding_window_fits(
    table: pd.DataFrame,
    k: int,
    *,
    x: str = "params",
    y: str = "xent",
    label: str = "size",
    n_boot: int = 400,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Plain power laws fitted to every run of ``k`` consecutive rows of ``table``.

    Parameters
    ----------
    table : DataFrame
        Sorted by ``x`` (e.g. :func:`lambada_cross_entropy` output).
    k : int
        Rows per window (>= 3, at most ``len(table)``).
    x, y, label : str
        Columns of the abscissa, the value and a row label (for the window's name).
    n_boot, seed
        As in :func:`fit_loglog`.

    Returns
    -------
    DataFrame
        One row per window, in order: ``window`` ("first–last" labels), ``N_mid`` (geometric
        mean of ``x``), ``alpha``, ``lo``, ``hi`` (bootstrap interval of alpha), ``converged``.
    """
    _columns(table, (x, y, label), "table")
    k = _int(k, "k", 3)
    if k > len(table):
        raise InputError(f"k must be at most the number of rows ({len(table)}), got {k}")
    rows = []
    for i in range(len(table) - k + 1):
        sub = table.iloc[i : i + k]
        f = fit_loglog(sub[x], sub[y], n_boot=n_boot, seed=seed)
        rows.append(
            {
                "window": f"{sub[label].iloc[0]}–{sub[label].iloc[-1]}",
                "N_mid": float(np.exp(np.log(sub[x]).mean())),
                "alpha": f.alpha,
                "lo": f.alpha_ci[0],
                "hi": f.alpha_ci[1],
                "converged": f.converged,
            }
        )
    return pd.DataFrame(rows)


#: Names of the two laws in :func:`exponent_by_window` (saturating first).
WINDOW_LAWS: tuple[str, str] = ("saturating: E + A·C^-α", "plain: A·C^-α")


def exponent_by_window(
    curve: pd.DataFrame, *, first: int = 5, n_boot: int = 400, seed: int = DEFAULT_SEED
) -> pd.DataFrame:
    """Both laws refitted on ever larger windows of the smallest compute budgets.

    Parameters
    ----------
    curve : DataFrame
        :func:`optimal_losses` output (sorted by ``flops``).
    first : int
        Budgets in the smallest window (>= 4, the saturating law's minimum).
    n_boot, seed
        As in :func:`fit_loglog`.

    Returns
    -------
    DataFrame
        Two rows per window (laws :data:`WINDOW_LAWS`): ``C_max`` (largest budget in the window,
        FLOP), ``law``, ``alpha``, ``lo``, ``hi`` (bootstrap interval) and ``converged``.
    """
    _columns(curve, ("flops", "loss_star"), "curve")
    first = _int(first, "first", 4)
    rows = []
    for m in range(first, len(curve) + 1):
        part = curve.iloc[:m]
        fs = fit_floor(part["flops"], part["loss_star"], n_boot=n_boot, seed=seed)
        fp = fit_loglog(part["flops"], part["loss_star"], n_boot=n_boot, seed=seed)
        c_top = float(part["flops"].max())
        for law, f in zip(WINDOW_LAWS, (fs, fp), strict=True):
            rows.append(
                {
                    "C_max": c_top,
                    "law": law,
                    "alpha": f.alpha,
                    "lo": f.alpha_ci[0],
                    "hi": f.alpha_ci[1],
                    "converged": f.converged,
                }
            )
    if not rows:
        raise InputError(f"curve has fewer than first={first} budgets")
    return pd.DataFrame(rows)


def relative_error_band(fit: LawFit, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Relative prediction error ``(pred - y) / y`` at the two ends of the fit's bootstrap band.

    Returns ``(lo, hi)`` arrays, one value per ``x``: the errors the band allows at each point.
    """
    x = _positive(x, "x")
    y = _positive(y, "y")
    lo, hi = fit.interval(x)
    return (lo - y) / y, (hi - y) / y


def relative_band_width(fit: LawFit, x: Any) -> np.ndarray:
    """Width of the fit's bootstrap band relative to its prediction, ``(hi - lo) / pred``, at ``x``."""
    lo, hi = fit.interval(x)
    return (hi - lo) / fit.predict(x)


def band_coverage(fit: LawFit, x: Any, y: Any) -> int:
    """How many of the points ``(x, y)`` lie inside the fit's bootstrap band (ends included)."""
    y = _positive(y, "y")
    lo, hi = fit.interval(x)
    return int(np.sum((y >= lo) & (y <= hi)))


@dataclass(frozen=True)
class Holdout:
    """Both laws fitted on the smallest budgets of a loss curve and checked on the others.

    Attributes
    ----------
    curve : DataFrame
        The whole curve (:func:`optimal_losses`).
    n_fit : int
        Budgets used by the fits (the first ``n_fit`` rows).
    c_fit_max : float
        Largest budget in the fit window (FLOP).
    sat, pw : LawFit
        Saturating and plain power law fitted on the window.
    err_sat, err_pw : DataFrame
        :func:`holdout_errors` of each law at every budget.
    """

    curve: pd.DataFrame
    n_fit: int
    c_fit_max: float
    sat: LawFit
    pw: LawFit
    err_sat: pd.DataFrame
    err_pw: pd.DataFrame

    @property
    def held_out(self) -> pd.DataFrame:
        """The budgets the fits did not see."""
        return self.curve.iloc[self.n_fit :]

    def near(self, law: str) -> pd.Series:
        """Error row (:func:`holdout_errors`) of ``law`` ("sat" or "pw") at the first held-out budget."""
        err = self._errors(law)
        return err[~err["in_fit"]].iloc[0]

    def far(self, law: str) -> pd.Series:
        """Error row of ``law`` ("sat" or "pw") at the largest budget."""
        return self._errors(law).iloc[-1]

    def fit(self, law: str) -> LawFit:
        """The fit of ``law`` ("sat" or "pw")."""
        if law not in ("sat", "pw"):
            raise InputError(f"law must be 'sat' or 'pw', got {law!r}")
        return self.sat if law == "sat" else self.pw

    def _errors(self, law: str) -> pd.DataFrame:
        self.fit(law)
        return self.err_sat if law == "sat" else self.err_pw

    def error_band(self, law: str, where: str) -> tuple[float, float]:
        """Relative error allowed by ``law``'s band at the ``where`` ("near" or "far") budget."""
        if where not in ("near", "far"):
            raise InputError(f"where must be 'near' or 'far', got {where!r}")
        row = self.near(law) if where == "near" else self.far(law)
        lo, hi = relative_error_band(self.fit(law), [row["x"]], [row["y"]])
        return float(lo[0]), float(hi[0])

    def coverage(self, law: str) -> int:
        """Held-out budgets whose measured loss lies inside ``law``'s bootstrap band."""
        out = self.held_out
        return band_coverage(self.fit(law), out["flops"], out["loss_star"].to_numpy())

    def bands_widen(self) -> bool:
        """Whether both bands are relatively wider at the largest budget than at the window's edge."""
        c_top = float(self.curve["flops"].max())
        return all(
            relative_band_width(f, [c_top])[0] > relative_band_width(f, [self.c_fit_max])[0]
            for f in (self.sat, self.pw)
        )

    def table(self) -> pd.DataFrame:
        """Measured and predicted loss at every budget, with each law's relative error."""
        return pd.DataFrame(
            {
                "C (FLOP)": self.curve["flops"].to_numpy(),
                "used": np.where(self.err_sat["in_fit"], "fitted", "held out"),
                "L* measured": self.curve["loss_star"].to_numpy(),
                "saturating": self.err_sat["y_pred"].to_numpy(),
                "plain": self.err_pw["y_pred"].to_numpy(),
                "error saturating": self.err_sat["rel_error"].to_numpy(),
                "error plain": self.err_pw["rel_error"].to_numpy(),
            }
        )


def holdout_study(
    curve: pd.DataFrame, n_fit: int, *, n_boot: int = 400, seed: int = DEFAULT_SEED
) -> Holdout:
    """Fit both laws on the ``n_fit`` smallest budgets of ``curve``; predict the rest.

    ``n_fit`` is capped at ``len(curve) - 2`` so that at least two budgets are held out.

    Parameters
    ----------
    curve : DataFrame
        :func:`optimal_losses` output (sorted by ``flops``).
    n_fit : int
        Budgets to fit on (>= 4).
    n_boot, seed
        As in :func:`fit_loglog`.
    """
    _columns(curve, ("flops", "loss_star"), "curve")
    n_fit = min(_int(n_fit, "n_fit", 4), len(curve) - 2)
    part = curve.iloc[:n_fit]
    sat = fit_floor(part["flops"], part["loss_star"], n_boot=n_boot, seed=seed)
    pw = fit_loglog(part["flops"], part["loss_star"], n_boot=n_boot, seed=seed)
    c_fit_max = float(part["flops"].max())
    return Holdout(
        curve=curve,
        n_fit=n_fit,
        c_fit_max=c_fit_max,
        sat=sat,
        pw=pw,
        err_sat=holdout_errors(
            curve["flops"], curve["loss_star"], sat.predict(curve["flops"]), c_fit_max
        ),
        err_pw=holdout_errors(
            curve["flops"], curve["loss_star"], pw.predict(curve["flops"]), c_fit_max
        ),
    )

"""Seeded nonparametric bootstrap: a generic resampler and a fast one for the parametric loss fit.

Points are resampled with replacement using ``np.random.default_rng(seed)``; intervals are
percentile intervals and standard errors are the sample standard deviation (ddof = 1) of the
resampled estimates. Besiroglu et al. 2024 (arXiv:2404.10102, ``data_analysis.ipynb`` cells
24-26) bootstrapped their Huber-likelihood fit with 4,000 resamples; :func:`bootstrap_parametric`
re-runs Hoffmann et al.'s Huber fit (the objective of :func:`scalinglaws.parametric.fit_parametric`)
on each resample instead, warm-started from the full-data optimum (not from the 4,500-start grid).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.errors import InputError
from scalinglaws.parametric import _batched_lbfgs, fit_parametric, validate_nd_loss

__all__ = ["BootstrapResult", "bootstrap", "bootstrap_parametric", "resample_indices"]

PARAMETRIC_COLUMNS = ("E", "A", "B", "alpha", "beta", "a", "b")


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap distribution of a fit's statistics.

    Attributes
    ----------
    estimates : pandas.DataFrame
        One row per resample, one column per statistic. For :func:`bootstrap_parametric`:
        ``E, A, B, alpha, beta`` and the allocation exponents ``a = beta/(alpha+beta)``
        (N_opt ∝ C^a) and ``b = alpha/(alpha+beta)`` (D_opt ∝ C^b), plus ``converged`` (bool).
    point : dict
        Statistics of the fit to the full data.
    std_err : dict
        Standard deviation (ddof = 1) over resamples.
    intervals : dict
        Name -> (lo, hi) percentile interval at ``level``.
    level : float
        Interval coverage (e.g. 0.95).
    n_boot : int
        Number of resamples.
    seed : int
        Seed of ``np.random.default_rng``.
    n_converged : int
        Resamples whose optimiser reported convergence (all are used in the summaries).
    """

    estimates: pd.DataFrame
    point: dict
    std_err: dict
    intervals: dict
    level: float
    n_boot: int
    seed: int
    n_converged: int

    def summary(self) -> pd.DataFrame:
        """Table with columns ``param, estimate, std_err, lo, hi``."""
        rows = [
            {
                "param": k,
                "estimate": self.point[k],
                "std_err": self.std_err[k],
                "lo": self.intervals[k][0],
                "hi": self.intervals[k][1],
            }
            for k in self.point
        ]
        return pd.DataFrame(rows, columns=["param", "estimate", "std_err", "lo", "hi"])


def _check_boot_args(n_boot: Any, seed: Any, level: Any) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 2:
        raise InputError(f"n_boot must be an integer >= 2, got {n_boot!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed must be a non-negative integer, got {seed!r}")
    if not (isinstance(level, float | int) and 0.0 < float(level) < 1.0):
        raise InputError(f"level must be a number in (0, 1), got {level!r}")


def resample_indices(n_points: int, n_boot: int, seed: int) -> np.ndarray:
    """Indices (n_boot x n_points) of points drawn with replacement by ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_points, size=(n_boot, n_points))


def _result(
    est: pd.DataFrame,
    point: dict,
    names: Sequence[str],
    *,
    level: float,
    n_boot: int,
    seed: int,
    n_converged: int,
) -> BootstrapResult:
    """Percentile intervals and standard errors of ``names`` over the resamples, as a result."""
    q = [(1.0 - level) / 2.0, (1.0 + level) / 2.0]
    std_err, intervals = {}, {}
    for k in names:
        v = est[k].to_numpy(dtype=np.float64)
        v = v[np.isfinite(v)]
        std_err[k] = float(np.std(v, ddof=1)) if v.size > 1 else float("nan")
        lo, hi = np.quantile(v, q) if v.size else (np.nan, np.nan)
        intervals[k] = (float(lo), float(hi))
    return BootstrapResult(
        estimates=est,
        point=point,
        std_err=std_err,
        intervals=intervals,
        level=float(level),
        n_boot=int(n_boot),
        seed=int(seed),
        n_converged=int(n_converged),
    )


def _use_progress(progress: bool | None) -> bool:
    if progress is not None:
        return bool(progress)
    if os.environ.get("CI"):
        return False
    if "ipykernel" in sys.modules:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def bootstrap(
    fit_fn: Callable[..., Any],
    data_arrays: Sequence[Any],
    n_boot: int,
    seed: int,
    stat_fn: Callable[[Any], Mapping[str, float]],
    *,
    level: float = 0.95,
    progress: bool | None = None,
) -> BootstrapResult:
    """Generic seeded bootstrap: resample rows of ``data_arrays`` jointly and refit.

    Parameters
    ----------
    fit_fn : callable
        ``fit_fn(*arrays)`` returns a fit object.
    data_arrays : sequence of array_like
        Arrays of equal length (the points).
    n_boot, seed : int
        Number of resamples and seed of ``np.random.default_rng``.
    stat_fn : callable
        ``stat_fn(fit)`` returns a mapping name -> float.
    level : float
        Percentile-interval coverage.
    progress : bool or None
        tqdm bar: True/False, or None = only when stderr is a TTY, CI is unset and not in Jupyter.

    Returns
    -------
    BootstrapResult
        ``n_converged`` counts fits whose ``converged`` attribute is true (all, if absent).
    """
    _check_boot_args(n_boot, seed, level)
    arrays = [np.asarray(a) for a in data_arrays]
    if not arrays:
        raise InputError("data_arrays must hold at least one array")
    n = arrays[0].shape[0]
    if any(a.shape[0] != n for a in arrays):
        raise InputError("data_arrays must all have the same length")
    point_fit = fit_fn(*arrays)
    point = {k: float(v) for k, v in stat_fn(point_fit).items()}
    idx = resample_indices(n, n_boot, seed)
    it = range(n_boot)
    if _use_progress(progress):
        from tqdm import tqdm

        it = tqdm(it, desc="bootstrap", total=n_boot)
    rows, n_conv = [], 0
    for i in it:
        fit = fit_fn(*[a[idx[i]] for a in arrays])
        n_conv += int(bool(getattr(fit, "converged", True)))
        rows.append({k: float(v) for k, v in stat_fn(fit).items()})
    est = pd.DataFrame(rows, columns=list(point))
    return _result(
        est, point, list(point), level=level, n_boot=n_boot, seed=seed, n_converged=n_conv
    )


def bootstrap_parametric(
    N: Any,
    D: Any,
    L: Any,
    *,
    n_boot: int = 4000,
    seed: int = 42,
    level: float = 0.95,
    progress: bool | None = None,
    delta: float = 1e-3,
    fit: Any = None,
) -> BootstrapResult:
    """Bootstrap of the Chinchilla Approach-3 fit (Hoffmann et al. 2022, App. D.2).

    The full data are fitted with :func:`~scalinglaws.parametric.fit_parametric` (4,500-start
    grid) unless ``fit`` (a ``ParametricFit`` of the same data) is given. Each resample draws the
    240 (say) points with replacement (``default_rng(seed)``; the same draws as :func:`bootstrap`
    with that seed), and minimises the *summed* Huber objective, written as point weights = draw
    counts, from the full-data optimum; all resamples are solved in one call of the L-BFGS
    engine of :mod:`scalinglaws.parametric` (compiled kernel, or numpy), run until
    max|gradient| <= 1e-10 in its standardised coordinates (no relative-reduction stop: on this
    nearly-L1 objective that stops early).

    Parameters
    ----------
    N, D, L : array_like
        Parameters, tokens, loss (nats/token).
    n_boot, seed, level : int, int, float
        Resamples (Besiroglu et al. used 4,000), seed, percentile-interval coverage.
    progress : bool or None
        tqdm bar of finished resamples (None: only on a TTY, outside CI and Jupyter).
    delta : float
        Huber threshold.
    fit : ParametricFit, optional
        Precomputed full-data fit.

    Returns
    -------
    BootstrapResult
        Columns ``E, A, B, alpha, beta, a, b, converged`` in ``estimates``.
    """
    _check_boot_args(n_boot, seed, level)
    n_arr, d_arr, l_arr = validate_nd_loss(N, D, L)
    if fit is None:
        fit = fit_parametric(n_arr, d_arr, l_arr, delta=delta)
    P = n_arr.size
    idx = resample_indices(P, n_boot, seed)
    W = np.zeros((n_boot, P))
    np.add.at(W, (np.repeat(np.arange(n_boot), P), idx.reshape(-1)), 1.0)
    X0 = np.repeat(fit.theta[None, :], n_boot, axis=0)
    bar = None
    if _use_progress(progress):
        from tqdm import tqdm

        bar = tqdm(total=n_boot, desc="bootstrap")
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            br = _batched_lbfgs(
                X0,
                np.log(n_arr),
                np.log(d_arr),
                np.log(l_arr),
                float(delta),
                ftol=0.0,
                gtol=1e-10,
                weights=W,
                on_done=None if bar is None else bar.update,
            )
    finally:
        if bar is not None:
            bar.close()
    th = br.x
    alpha, beta = th[:, 3], th[:, 4]
    est = pd.DataFrame(
        {
            "E": np.exp(th[:, 2]),
            "A": np.exp(th[:, 0]),
            "B": np.exp(th[:, 1]),
            "alpha": alpha,
            "beta": beta,
            "a": beta / (alpha + beta),
            "b": alpha / (alpha + beta),
            "converged": br.status == 0,
        }
    )
    point = dict(fit.params)
    point["a"] = fit.beta / (fit.alpha + fit.beta)
    point["b"] = fit.alpha / (fit.alpha + fit.beta)
    return _result(
        est,
        point,
        list(PARAMETRIC_COLUMNS),
        level=level,
        n_boot=n_boot,
        seed=seed,
        n_converged=int(np.sum(br.status == 0)),
    )

"""Seeded nonparametric bootstrap: a generic resampler and a fast one for the parametric loss fit.

Points are resampled with replacement using ``np.random.default_rng(seed)``; intervals are
percentile intervals and standard errors are the sample standard deviation (ddof = 1) of the
resampled estimates. Besiroglu et al. 2024 (arXiv:2404.10102, ``data_analysis.ipynb`` cells
24-26) bootstrapped their Huber-likelihood fit with 4,000 resamples; :func:`bootstrap_parametric`
re-runs Hoffmann et al.'s Huber fit (the objective of :mod:`scalinglaws.fitting.objective`)
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

from scalinglaws.core import validation
from scalinglaws.core.errors import InputError
from scalinglaws.fitting.engine import batched_lbfgs
from scalinglaws.fitting.objective import validate_nd_loss
from scalinglaws.fitting.parametric import fit_parametric, hoffmann_grid

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
    n_restarted : int
        Resamples also solved from a coarse grid of starts (``restarts`` of
        :func:`bootstrap_parametric`; 0 otherwise).
    n_left_basin : int
        Of those, resamples whose best optimum from the grid beat the warm start (from the
        full-data optimum) at a different point: the objective has another basin, and a
        warm-started bootstrap alone would not show it.
    """

    estimates: pd.DataFrame
    point: dict
    std_err: dict
    intervals: dict
    level: float
    n_boot: int
    seed: int
    n_converged: int
    n_restarted: int = 0
    n_left_basin: int = 0

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
    """The generic engine accepts ``n_boot >= 2`` (a standard error needs two resamples); the
    callers that report percentile intervals set their own, higher floor."""
    validation.resamples(n_boot, minimum=2)
    validation.seed(seed)
    validation.confidence_level(level)


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
    n_restarted: int = 0,
    n_left_basin: int = 0,
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
        n_restarted=int(n_restarted),
        n_left_basin=int(n_left_basin),
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
    restarts: int = 0,
) -> BootstrapResult:
    """Bootstrap of the Chinchilla Approach-3 fit (Hoffmann et al. 2022, App. D.2).

    The full data are fitted with :func:`~scalinglaws.fitting.parametric.fit_parametric` (4,500-start
    grid) unless ``fit`` (a ``ParametricFit`` of the same data) is given. Each resample draws the
    240 (say) points with replacement (``default_rng(seed)``; the same draws as :func:`bootstrap`
    with that seed), and minimises the *summed* Huber objective, written as point weights = draw
    counts, from the full-data optimum; all resamples are solved in one call of the L-BFGS
    engine (:func:`scalinglaws.fitting.engine.batched_lbfgs`: compiled kernel, or numpy), run until
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
    restarts : int
        How many resamples (evenly spread over the ``n_boot``) are also solved from a coarse
        grid of :data:`RESTART_STARTS` starts (every 90th point of Hoffmann's grid): where one
        of them reaches a lower objective at a different point than the warm start, that
        resample uses it and counts in ``n_left_basin`` (another basin: multimodality that a
        warm-started bootstrap cannot see). 0 (default) keeps the warm-start bootstrap alone.

    Large problems are solved in blocks of resamples (at most :data:`BLOCK_ELEMENTS` weights
    per block), so memory stays bounded; the results do not depend on the blocking.

    Returns
    -------
    BootstrapResult
        Columns ``E, A, B, alpha, beta, a, b, converged`` in ``estimates``.
    """
    _check_boot_args(n_boot, seed, level)
    n_arr, d_arr, l_arr = validate_nd_loss(N, D, L)
    if fit is None:
        fit = fit_parametric(n_arr, d_arr, l_arr, delta=delta)
    if isinstance(restarts, bool) or not isinstance(restarts, int | np.integer) or restarts < 0:
        raise InputError(f"restarts must be a non-negative integer, got {restarts!r}")
    restarts = min(int(restarts), int(n_boot))
    P = n_arr.size
    logs = (np.log(n_arr), np.log(d_arr), np.log(l_arr))
    # resamples per block: the draws of a block are the next ``rows * P`` integers of the same
    # generator, an even count, so they equal those of one big draw (numpy draws two 32-bit
    # integers per 64-bit output and discards an odd one at the end of a call)
    rows = max(2, BLOCK_ELEMENTS // P) // 2 * 2
    rng = np.random.default_rng(seed)
    bar = None
    if _use_progress(progress):
        from tqdm import tqdm

        bar = tqdm(total=n_boot, desc="bootstrap")
    th = np.empty((n_boot, 5))
    status = np.empty(n_boot, dtype=np.int64)
    fval = np.empty(n_boot)
    pick = (
        np.unique(np.linspace(0, n_boot - 1, restarts).round().astype(np.int64))
        if restarts
        else np.zeros(0, dtype=np.int64)
    )
    n_left = 0
    try:
        for start in range(0, n_boot, rows):
            stop = min(n_boot, start + rows)
            idx = rng.integers(0, P, size=(stop - start, P))
            W = np.zeros((stop - start, P))
            np.add.at(W, (np.repeat(np.arange(stop - start), P), idx.reshape(-1)), 1.0)
            del idx
            X0 = np.repeat(fit.theta[None, :], stop - start, axis=0)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                br = batched_lbfgs(
                    X0,
                    *logs,
                    float(delta),
                    ftol=0.0,
                    gtol=1e-10,
                    weights=W,
                    on_done=None if bar is None else bar.update,
                )
            th[start:stop], status[start:stop], fval[start:stop] = br.x, br.status, br.f
            here = pick[(pick >= start) & (pick < stop)]
            per = max(1, BLOCK_ELEMENTS // (RESTART_STARTS.shape[0] * P))
            for j in range(0, here.size, per):
                sel = here[j : j + per]
                found = _restart(W[sel - start], logs, float(delta), fval[sel], th[sel])
                for i, (x, st, fv) in zip(sel, found, strict=True):
                    if x is not None:
                        th[i], status[i], fval[i] = x, st, fv
                        n_left += 1
    finally:
        if bar is not None:
            bar.close()
    alpha, beta = th[:, 3], th[:, 4]
    with np.errstate(all="ignore"):  # a diverged resample gives inf, reported as such
        return _parametric_result(th, alpha, beta, status, fit, level, n_boot, seed, pick, n_left)


def _parametric_result(th, alpha, beta, status, fit, level, n_boot, seed, pick, n_left):
    est = pd.DataFrame(
        {
            "E": np.exp(th[:, 2]),
            "A": np.exp(th[:, 0]),
            "B": np.exp(th[:, 1]),
            "alpha": alpha,
            "beta": beta,
            "a": beta / (alpha + beta),
            "b": alpha / (alpha + beta),
            "converged": status == 0,
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
        n_converged=int(np.sum(status == 0)),
        n_restarted=int(pick.size),
        n_left_basin=n_left,
    )


#: Largest number of point weights (resamples x points) solved in one block.
BLOCK_ELEMENTS = 4_000_000

#: Starts of a restarted resample: every 90th point of Hoffmann's 4,500-start grid (50 starts).
RESTART_STARTS = hoffmann_grid()[::90]


def _restart(
    W: np.ndarray, logs: tuple, delta: float, f_warm: np.ndarray, x_warm: np.ndarray
) -> list[tuple[Any, int, float]]:
    """Solve resamples (weights ``W``, R x P) from :data:`RESTART_STARTS`, all in one call.

    Each start stops by scipy's default rules; a resample's best end point that beats its warm
    optimum (lower objective by more than 1e-6 relative or 1e-12 absolute, at a point more than
    1e-3 away in some coordinate) is polished to max|gradient| <= 1e-10 and returned as
    ``(x, status, f)``; otherwise ``(None, 0, nan)``.
    """
    R, S = W.shape[0], RESTART_STARTS.shape[0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        br = batched_lbfgs(
            np.tile(RESTART_STARTS, (R, 1)), *logs, delta, weights=np.repeat(W, S, axis=0)
        )
    f = np.where(np.isfinite(br.f), br.f, np.inf).reshape(R, S)
    out: list[tuple[Any, int, float]] = []
    for r in range(R):
        j = int(np.argmin(f[r]))
        warm = float(f_warm[r]) if np.isfinite(f_warm[r]) else np.inf
        x = br.x.reshape(R, S, 5)[r, j]
        if not (f[r, j] < warm - max(1e-6 * abs(warm), 1e-12)):
            out.append((None, 0, np.nan))
            continue
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            pol = batched_lbfgs(
                x[None, :], *logs, delta, ftol=0.0, gtol=1e-10, weights=W[r : r + 1]
            )
        if np.isfinite(pol.f[0]) and pol.f[0] <= f[r, j]:
            x, st, fv = pol.x[0], int(pol.status[0]), float(pol.f[0])
        else:
            st, fv = int(br.status.reshape(R, S)[r, j]), float(f[r, j])
        if np.max(np.abs(x - x_warm[r])) > 1e-3:
            out.append((x, st, fv))
        else:
            out.append((None, 0, np.nan))
    return out

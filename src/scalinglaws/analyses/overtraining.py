"""Over-training is predictable: the scaling law of Gadre et al. 2024 (arXiv:2403.08540).

Loss as a function of compute ``C = 6 N D`` (FLOP) and token multiplier ``M = D / N``
(Gadre et al. 2024, §2, eq 4)::

    L(C, M) = E + (a M**eta + b M**(-eta)) C**(-eta)

It is the Chinchilla form ``E + A N**(-alpha) + B D**(-alpha)`` with equal exponents, rewritten
with ``N = sqrt(C / (6 M))`` and ``D = sqrt(C M / 6)``: ``eta = alpha / 2``, ``a = A 6**eta``,
``b = B 6**eta``. We fit the (N, D) form by least squares on the loss from a grid of starts
(the recipe of the authors' ``scaling/laws.py``, mlfoundations/scaling @a003c49, reimplemented).

Default configuration (PROVENANCE of ``gadre_overtraining``; the repo's ``fit_ds``): train on
RedPajama (``rpj``), evaluate loss on C4 validation, fit on the four small models
(0.011B-0.411B) at M = 20 plus the 0.011B model at M = 320, then predict the 1.4B M = 640 run
(32x over-trained, 900B tokens) and the 6.9B M = 20 run. The stored notebook output reports
relative errors 0.7103 % and 0.7320 % (``scaling_explorer.ipynb``, cell 2).

Downstream (Gadre et al. 2024, §2, eq 5): average top-1 error over a task subset as a function
of loss, ``Err(L) = epsilon - k exp(-gamma L)``, fitted on the same five runs plus the 1.4B M = 20
run; the notebook reports relative errors 3.6365 % (1.4B, M = 640) and 0.0464 % (6.9B) on the
17-task subset :data:`SUBSET_17`.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import OptimizeWarning, curve_fit, least_squares

from scalinglaws.core import validation
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import as_positive
from scalinglaws.core.validation import DEFAULT_SEED

__all__ = [
    "FIT_MODELS",
    "SUBSET_17",
    "PAPER_REL_ERRORS",
    "PAPER_ERR_REL_ERRORS",
    "prepare_runs",
    "paper_split",
    "OvertrainingFit",
    "fit_overtraining",
    "DownstreamFit",
    "fit_downstream",
    "downstream_bootstrap",
    "downstream_interval",
    "relative_error",
]

#: Small models used for fitting (architecture names; 0.011B, 0.079B, 0.154B, 0.411B).
FIT_MODELS: tuple[str, ...] = ("d=96_l=8_h=4", "d=512_l=8_h=4", "d=576_l=24_h=8", "d=1024_l=24_h=8")

#: 17-task subset of the downstream error law (mlfoundations/scaling ``scaling/constants.py``).
SUBSET_17: tuple[str, ...] = (
    "bigbench_operators",
    "pubmed_qa_labeled",
    "hellaswag_zeroshot",
    "boolq",
    "arc_easy",
    "coqa",
    "bigbench_dyck_languages",
    "lambada_openai",
    "bigbench_novel_concepts",
    "winograd",
    "bigbench_cs_algorithms",
    "commonsense_qa",
    "bigbench_qa_wikidata",
    "hellaswag",
    "copa",
    "squad",
    "piqa",
)

#: Relative errors of the loss predictions (fraction), scaling_explorer.ipynb stored output.
PAPER_REL_ERRORS: dict[str, float] = {"1.4B M=640": 0.007103, "6.9B M=20": 0.007320}
#: Relative errors of the 17-task top-1 error predictions (fraction), same source.
PAPER_ERR_REL_ERRORS: dict[str, float] = {"1.4B M=640": 0.036365, "6.9B M=20": 0.000464}

_TARGETS = (("open_lm_1b", 640.0, "1.4B M=640"), ("open_lm_7b", 20.0, "6.9B M=20"))


def prepare_runs(
    runs: pd.DataFrame, evals: pd.DataFrame | None = None, *, dataset: str = "rpj"
) -> pd.DataFrame:
    """Runs of one training set with a short ``model`` name and, with ``evals``, ``err_17``.

    Parameters
    ----------
    runs : DataFrame
        ``load("gadre_overtraining", "runs")``.
    evals : DataFrame, optional
        ``load("gadre_overtraining", "evals")``; adds ``err_17`` (mean top-1 error over
        :data:`SUBSET_17`) and ``err_46`` (mean over all tasks).
    dataset : str
        ``rpj``, ``c4_original`` or ``rw_original``.
    """
    if not isinstance(runs, pd.DataFrame) or "dataset" not in runs.columns:
        raise InputError("runs must be the gadre_overtraining runs table")
    if dataset not in set(runs["dataset"]):
        raise InputError(f"dataset must be one of {sorted(set(runs['dataset']))}, got {dataset!r}")
    out = runs[runs["dataset"] == dataset].copy()
    out["model"] = out["arch"].str.split("/").str[-1].str.replace(".json", "", regex=False)
    if evals is not None:
        ev = evals[evals["run"].isin(out["run"])]
        err = 1.0 - ev.pivot_table(index="run", columns="task", values="accuracy")
        missing = set(SUBSET_17) - set(err.columns)
        if missing:
            raise InputError(f"evals lack the tasks {sorted(missing)}")
        out["err_17"] = out["run"].map(err[list(SUBSET_17)].mean(axis=1))
        out["err_46"] = out["run"].map(err.mean(axis=1))
    return out.sort_values(["params", "multiplier"], kind="stable").reset_index(drop=True)


def paper_split(runs: pd.DataFrame, *, max_fit_multiplier: float = 320.0) -> dict[str, Any]:
    """Fit / target split of the paper's default configuration.

    Returns a dict: ``fit`` (the four small models at M = 20 plus the 0.011B model at
    ``max_fit_multiplier``, default 320 as in the paper), ``fit_downstream`` (``fit`` plus the
    1.4B M = 20 run) and ``targets`` (1.4B M = 640, 6.9B M = 20, with a ``target`` label).
    """
    if "model" not in runs.columns:
        raise InputError("runs must come from prepare_runs()")
    small = runs["model"].isin(FIT_MODELS)
    extra = (runs["model"] == FIT_MODELS[0]) & (runs["multiplier"] == float(max_fit_multiplier))
    fit = runs[(small & (runs["multiplier"] == 20.0)) | extra]
    if len(fit) != 5:
        raise InputError(
            f"expected 5 fitting runs (M = 20 and the 0.011B run at M = {max_fit_multiplier:g}), "
            f"got {len(fit)}"
        )
    one_b = runs[(runs["model"] == "open_lm_1b") & (runs["multiplier"] == 20.0)]
    rows = []
    for model, m, label in _TARGETS:
        t = runs[(runs["model"] == model) & (runs["multiplier"] == m)].copy()
        t["target"] = label
        rows.append(t)
    return {
        "fit": fit.reset_index(drop=True),
        "fit_downstream": pd.concat([fit, one_b]).reset_index(drop=True),
        "targets": pd.concat(rows).reset_index(drop=True),
    }


def _nd_form(p: np.ndarray, n: np.ndarray, m: np.ndarray) -> np.ndarray:
    A, B, alpha, E = p
    return E + A * n ** (-alpha) + B * (n * m) ** (-alpha)


_STARTS = list(
    itertools.product((1e2, 3e2, 1e3, 3e3), (1e2, 3e2, 1e3, 3e3), (0.1, 0.3), (0.0, 1.0, 2.0))
)


def _fit_once(n: np.ndarray, m: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, bool]:
    best = None
    with np.errstate(all="ignore"):
        for s in _STARTS:
            res = least_squares(
                lambda p: _nd_form(p, n, m) - y, np.asarray(s, float), method="lm", max_nfev=4000
            )
            if np.isfinite(res.cost) and (best is None or res.cost < best.cost):
                best = res
    if best is None:
        raise InputError("the over-training law could not be fitted (no finite start)")
    return best.x, float(best.cost), bool(best.success)


@dataclass(frozen=True)
class OvertrainingFit:
    """Fitted ``L(C, M) = E + (a M**eta + b M**-eta) C**-eta`` (Gadre et al. 2024, eq 4).

    Attributes
    ----------
    E, a, b, eta : float
        Paper-form constants (E in nats/token; C in FLOP).
    A, B, alpha : float
        Equivalent ``E + A N**-alpha + B D**-alpha`` constants (alpha = 2 eta).
    n_fit : int
        Runs fitted.
    rmse : float
        Root-mean-square residual on the fitted runs (nats/token).
    converged : bool
        Least-squares status of the best start.
    boot : ndarray
        Parametric-bootstrap replicates of (A, B, alpha, E), shape (n_boot, 4).
    n_boot, seed : int
    """

    E: float
    a: float
    b: float
    eta: float
    A: float
    B: float
    alpha: float
    n_fit: int
    rmse: float
    converged: bool
    boot: np.ndarray
    n_boot: int
    seed: int

    def loss(self, N: Any, M: Any) -> float | np.ndarray:
        """Predicted loss (nats/token) for ``N`` parameters at token multiplier ``M``."""
        n = np.asarray(as_positive(N, "N"))
        m = np.asarray(as_positive(M, "M"))
        out = _nd_form(np.array([self.A, self.B, self.alpha, self.E]), n, m)
        return float(out) if out.ndim == 0 else out

    def loss_interval(self, N: Any, M: Any, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise percentile interval of the predicted loss over the bootstrap replicates."""
        n = np.atleast_1d(as_positive(N, "N"))
        m = np.atleast_1d(as_positive(M, "M"))
        preds = np.stack([_nd_form(p, n, m) for p in self.boot])
        q = [(1 - level) / 2, (1 + level) / 2]
        lo, hi = np.quantile(preds, q, axis=0)
        return lo, hi

    def constant_intervals(self, level: float = 0.95) -> dict[str, tuple[float, float]]:
        """Percentile intervals of the paper-form constants ``E, eta, a, b`` over the replicates.

        Each replicate ``(A, B, alpha, E)`` is mapped to the paper form exactly as the point fit
        (``eta = alpha / 2``, ``a = A 6**eta``, ``b = B 6**eta``); replicates with a non-finite
        constant are left out.
        """
        validation.confidence_level(level)
        A, B, alpha, E = (self.boot[:, i] for i in range(4))
        eta = alpha / 2.0
        with np.errstate(all="ignore"):
            cols = {"E": E, "eta": eta, "a": A * 6.0**eta, "b": B * 6.0**eta}
        q = [(1 - level) / 2, (1 + level) / 2]
        out = {}
        for name, v in cols.items():
            v = v[np.isfinite(v)]
            lo, hi = np.quantile(v, q)
            out[name] = (float(lo), float(hi))
        return out


def fit_overtraining(
    N: Any, M: Any, L: Any, *, n_boot: int = 200, seed: int = DEFAULT_SEED
) -> OvertrainingFit:
    """Fit the over-training law to runs (N params, M = D/N, loss L in nats/token).

    Least squares on the loss from a 4x4x2x3 grid of starts (best kept). Uncertainty: a seeded
    parametric bootstrap that adds Gaussian noise with the fit's residual standard deviation
    (SSR / max(n - 4, 1)) to the fitted losses and refits (with 5 runs and 4 constants a pairs
    bootstrap is degenerate).
    """
    n = np.atleast_1d(as_positive(N, "N"))
    m = np.atleast_1d(as_positive(M, "M"))
    y = np.atleast_1d(as_positive(L, "L"))
    if not (n.shape == m.shape == y.shape) or n.size < 4:
        raise InputError("N, M and L must be equal-length arrays with at least 4 runs")
    validation.resamples(n_boot)
    p, cost, ok = _fit_once(n, m, y)
    fitted = _nd_form(p, n, m)
    sd = float(np.sqrt(2.0 * cost / max(n.size - 4, 1)))
    rng = np.random.default_rng(seed)
    boot = []
    with np.errstate(all="ignore"):
        for _ in range(int(n_boot)):
            yb = fitted + rng.normal(0.0, sd, size=y.size)
            res = least_squares(
                lambda q, yb=yb: _nd_form(q, n, m) - yb, p, method="lm", max_nfev=4000
            )
            boot.append(res.x)
    A, B, alpha, E = (float(v) for v in p)
    eta = alpha / 2.0
    return OvertrainingFit(
        E=E,
        a=A * 6.0**eta,
        b=B * 6.0**eta,
        eta=eta,
        A=A,
        B=B,
        alpha=alpha,
        n_fit=int(n.size),
        rmse=float(np.sqrt(np.mean((fitted - y) ** 2))),
        converged=ok,
        boot=np.asarray(boot, dtype=np.float64),
        n_boot=int(n_boot),
        seed=int(seed),
    )


def _decay(x: np.ndarray, eps: float, k: float, gamma: float) -> np.ndarray:
    return eps - k * np.exp(-gamma * x)


@dataclass(frozen=True)
class DownstreamFit:
    """``Err(L) = epsilon - k exp(-gamma L)`` (Gadre et al. 2024, eq 5); L in nats/token."""

    epsilon: float
    k: float
    gamma: float
    converged: bool

    def error(self, L: Any) -> float | np.ndarray:
        """Predicted average top-1 error (fraction) at loss ``L``."""
        out = _decay(np.asarray(as_positive(L, "L")), self.epsilon, self.k, self.gamma)
        return float(out) if np.ndim(out) == 0 else out


def fit_downstream(L: Any, err: Any) -> DownstreamFit:
    """Fit ``Err(L) = epsilon - k exp(-gamma L)`` by least squares (scipy ``curve_fit``)."""
    x = np.atleast_1d(as_positive(L, "L"))
    y = np.atleast_1d(np.asarray(err, dtype=np.float64))
    if x.shape != y.shape or x.size < 3 or not np.all(np.isfinite(y)):
        raise InputError("L and err must be equal-length finite arrays with at least 3 values")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptimizeWarning)
        with np.errstate(all="ignore"):
            popt, _, _, _, ier = curve_fit(
                _decay, x, y, p0=(1.0, 1.0, 1.0), maxfev=10000, full_output=True
            )
    return DownstreamFit(*(float(v) for v in popt), converged=ier in (1, 2, 3, 4))


def downstream_bootstrap(
    fit: OvertrainingFit, L: Any, err: Any, N: Any, M: Any, *, seed: int = DEFAULT_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Replicates of the error law's constants and of its predictions at ``(N, M)``.

    The error law is fitted to ``(L, err)`` as in :func:`fit_downstream`; for each replicate
    ``i`` of ``fit.boot`` it is refitted to its fitted errors plus Gaussian noise at its residual
    scale (SSR / max(n - 3, 1); a parametric bootstrap like :func:`fit_overtraining`'s) and
    evaluated at replicate ``i``'s predicted loss, so a prediction carries the uncertainty of
    both fits. Returns ``(constants, predictions)``: arrays of shape (k, 3) with
    ``(epsilon, k, gamma)`` and (k, len(N)) with errors (fractions), ``k`` the refits that
    succeeded (at least 90% of the replicates, else :class:`InputError`).
    """
    if not isinstance(fit, OvertrainingFit):
        raise InputError(f"fit must be an OvertrainingFit, got {type(fit).__name__}")
    x = np.atleast_1d(as_positive(L, "L"))
    y = np.atleast_1d(np.asarray(err, dtype=np.float64))
    base = fit_downstream(x, y)
    fitted = base.error(x)
    sd = float(np.sqrt(np.sum((fitted - y) ** 2) / max(x.size - 3, 1)))
    n = np.atleast_1d(as_positive(N, "N"))
    m = np.atleast_1d(as_positive(M, "M"))
    rng = np.random.default_rng(seed)
    consts, preds = [], []
    for p in fit.boot:
        yb = fitted + rng.normal(0.0, sd, size=y.size)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", OptimizeWarning)
            with np.errstate(all="ignore"):
                try:
                    popt, _ = curve_fit(
                        _decay, x, yb, p0=(base.epsilon, base.k, base.gamma), maxfev=10000
                    )
                except RuntimeError:
                    continue
                v = _decay(_nd_form(p, n, m), *popt)
        if np.all(np.isfinite(v)) and np.all(np.isfinite(popt)):
            consts.append(popt)
            preds.append(v)
    if len(preds) < 0.9 * len(fit.boot):
        raise InputError("the error law could be refitted on fewer than 90% of the replicates")
    return np.asarray(consts, dtype=np.float64), np.asarray(preds, dtype=np.float64)


def downstream_interval(
    fit: OvertrainingFit,
    L: Any,
    err: Any,
    N: Any,
    M: Any,
    *,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> dict[str, Any]:
    """Percentile intervals from :func:`downstream_bootstrap`.

    Returns ``{"epsilon": (lo, hi), "k": (lo, hi), "gamma": (lo, hi), "error": (lo, hi)}``, the
    last two arrays over the targets ``(N, M)`` (fractions).
    """
    validation.confidence_level(level)
    consts, preds = downstream_bootstrap(fit, L, err, N, M, seed=seed)
    q = [(1 - level) / 2, (1 + level) / 2]
    c_lo, c_hi = np.quantile(consts, q, axis=0)
    p_lo, p_hi = np.quantile(preds, q, axis=0)
    out: dict[str, Any] = {
        name: (float(c_lo[i]), float(c_hi[i])) for i, name in enumerate(("epsilon", "k", "gamma"))
    }
    out["error"] = (p_lo, p_hi)
    return out


def relative_error(pred: Any, actual: Any) -> float | np.ndarray:
    """``|pred - actual| / actual`` (fraction)."""
    a = np.asarray(as_positive(actual, "actual"))
    out = np.abs(np.asarray(pred, dtype=np.float64) - a) / a
    return float(out) if out.ndim == 0 else out

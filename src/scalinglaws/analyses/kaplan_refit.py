"""Kaplan-style refits on real runs: Porian et al.'s "Reproducing Kaplan" runs and Pythia evals.

Kaplan et al. 2020 released no runs. Porian et al. 2024 (arXiv:2406.19146) re-ran Kaplan's
recipe on RefinedWeb and OpenWebText2 and published, per FLOP budget C, the compute-optimal
model size ``n_star`` (their ``optimal_pairs``). This module

* selects one configuration's optimal pairs (:func:`optimal_pairs`);
* fits the compute-efficient frontier ``N*(C) = k C**a`` by OLS of ``ln n_star`` on ``ln C``
  with a seeded bootstrap (:func:`fit_frontier`): OLS reproduces Porian's ``basic`` exponents
  (0.8338 on RefinedWeb); their Table 2 prints the ``bs_median_weighted`` variant (0.835, 0.864);
* recovers each model's width from the two parameter counts Porian publish for the same
  architectures (:func:`model_shapes`: non-embedding ``N_E`` and ``N_E + V d_model`` with the
  output layer, vocabulary V = 50432) and re-counts the *same* optimal runs with the output layer
  included (:func:`recount_with_head`), to show how the counting convention alone moves the
  exponent (the argument of Pearce & Song 2024, arXiv:2406.12907);
* summarises Pythia zero-shot accuracy against parameters and training tokens
  (:func:`pythia_accuracy`), Biderman et al. 2023 (arXiv:2304.01373).

Units: N parameters (the column says which count), C FLOP (``6 N D`` with that N), D tokens.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.core import validation
from scalinglaws.core.errors import DataError, InputError
from scalinglaws.core.validation import DEFAULT_SEED
from scalinglaws.core.validation import positive_array as _positive
from scalinglaws.data import PYTHIA_PARAMS

__all__ = [
    "KAPLAN_LABEL",
    "PORIAN_VOCAB",
    "PORIAN_TABLE2_A",
    "PYTHIA_TASKS",
    "FrontierFit",
    "optimal_pairs",
    "fit_frontier",
    "frontier_band",
    "model_shapes",
    "recount_with_head",
    "pythia_accuracy",
    "fit_accuracy_vs_log_params",
    "accuracy_band",
    "PYTHIA_SUITE",
    "pythia_suite_coverage",
    "KaplanTheory",
    "kaplan_theory",
    "KAPLAN_EQ64_ALPHA_C_MIN",
    "kaplan_rule_readings",
    "approach1_params",
    "HOFFMANN_D4_FLOPS",
    "CANONICAL_CLOUD",
    "SAMPLE_EFFICIENCY_LOSS",
    "tokens_to_reach",
    "canonical_allocation",
    "exponent_drop",
    "size_ordering",
    "late_gain",
    "exponent_summary",
]

#: Porian et al.'s label of the configuration that reproduces Kaplan et al. (Table 2, row 1).
KAPLAN_LABEL = "Reproducing Kaplan et al."

#: Vocabulary implied by Porian's two parameter counts: (N_with_head - N_E) / d_model = 50432
#: for all 16 architectures (checked by :func:`model_shapes`).
PORIAN_VOCAB = 50432

#: Porian et al. 2024, Table 2, column "a estimation" (= bs_median_weighted n_exponent, 3 s.f.),
#: row "Reproducing Kaplan et al." (formll/resolving-scaling-law-discrepancies paper_tables.py).
PORIAN_TABLE2_A: dict[str, float] = {"rw": 0.835, "owt2": 0.864}

#: Pythia zero-shot tasks with an ``acc`` metric in every evaluation file.
PYTHIA_TASKS: tuple[str, ...] = (
    "lambada_openai",
    "piqa",
    "winogrande",
    "wsc",
    "arc_easy",
    "arc_challenge",
    "sciq",
    "logiqa",
)


def _int_param(value: Any, name: str, minimum: int) -> int:
    return validation.int_at_least(value, name, minimum)


def _level(level: Any) -> float:
    return validation.confidence_level(level)


def _frame(df: Any, columns: list[str], name: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    for c in columns:
        if c not in df.columns:
            raise InputError(f"{name} has no column {c!r}")
    return df


def optimal_pairs(
    pairs: pd.DataFrame, *, dataset: str = "rw", label: str = KAPLAN_LABEL
) -> pd.DataFrame:
    """The compute-optimal pairs of one Porian configuration, NaN budgets dropped, sorted by C.

    Parameters
    ----------
    pairs : DataFrame
        ``load("porian_compute_optimal", "optimal_pairs")``.
    dataset : {"rw", "owt2"}
        RefinedWeb or OpenWebText2.
    label : str
        Porian's configuration label (default: the Kaplan reproduction).
    """
    _frame(pairs, ["dataset", "label", "flops", "n_star", "t_star"], "pairs")
    if dataset not in ("rw", "owt2"):
        raise InputError(f"dataset must be 'rw' or 'owt2', got {dataset!r}")
    sel = pairs[(pairs["dataset"] == dataset) & (pairs["label"] == label)]
    if sel.empty:
        raise InputError(f"no optimal pairs for dataset {dataset!r} and label {label!r}")
    sel = sel[np.isfinite(sel["n_star"].astype("float64")) & (sel["n_star"] > 0)]
    return sel.sort_values("flops", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class FrontierFit:
    """OLS fit of ``ln N* = ln k + a ln C`` with a bootstrap interval for ``a``.

    Attributes
    ----------
    exponent : float
        ``a`` in ``N* ∝ C**a``.
    coef : float
        ``k`` (N* at C = 1 FLOP).
    exponent_ci : tuple of float
        Percentile bootstrap interval of ``a`` at ``level``.
    n : int
        Number of budgets.
    r2 : float
        R² of the log-log line.
    method : str
        ``"parametric"`` (each ln N* redrawn from a normal with Porian's per-budget bootstrap std
        ``n_star_log_std``) or ``"pairs"`` (budgets resampled with replacement).
    level : float
    n_boot, seed : int
    converged : bool
        Always True (closed-form least squares).
    boot_exponents, boot_intercepts : numpy.ndarray
        Bootstrap replicates (intercept = ln k).
    """

    exponent: float
    coef: float
    exponent_ci: tuple[float, float]
    n: int
    r2: float
    method: str
    level: float
    n_boot: int
    seed: int
    converged: bool
    boot_exponents: np.ndarray
    boot_intercepts: np.ndarray

    def predict(self, C: Any) -> float | np.ndarray:
        """``N*(C) = k C**a`` (parameters, same count as the fitted data)."""
        c = _positive(C, "flops")
        out = self.coef * c**self.exponent
        return float(out) if np.ndim(out) == 0 else out

    def to_dict(self) -> dict[str, Any]:
        """Summary (no bootstrap arrays)."""
        d = asdict(self)
        d.pop("boot_exponents")
        d.pop("boot_intercepts")
        return d


def _ols_rows(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    xm = x.mean(axis=-1, keepdims=True)
    ym = y.mean(axis=-1, keepdims=True)
    sxx = ((x - xm) ** 2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = ((x - xm) * (y - ym)).sum(axis=-1) / sxx
    return slope, ym[..., 0] - slope * xm[..., 0]


def _wls_rows(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise least squares of ``w y`` on ``w [x, 1]`` (weights ``w`` on the residuals).

    With all weights equal this is :func:`_ols_rows`.
    """
    if np.all(w == w.flat[0]):
        return _ols_rows(x, y)
    w2 = w**2
    sw = w2.sum(axis=-1, keepdims=True)
    xm = (w2 * x).sum(axis=-1, keepdims=True) / sw
    ym = (w2 * y).sum(axis=-1, keepdims=True) / sw
    sxx = (w2 * (x - xm) ** 2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (w2 * (x - xm) * (y - ym)).sum(axis=-1) / sxx
    return slope, ym[..., 0] - slope * xm[..., 0]


def fit_frontier(
    C: Any,
    n_star: Any,
    *,
    log_std: Any = None,
    method: str = "parametric",
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
    weighted: bool = False,
) -> FrontierFit:
    """Fit ``N*(C) = k C**a`` by OLS in log-log space, with a seeded bootstrap interval.

    Parameters
    ----------
    flops, n_star : array-like
        Budgets C (FLOP) and compute-optimal sizes N* (parameters); positive, same length >= 3.
    log_std : array-like, optional
        Per-budget standard deviation of ``ln n_star`` (Porian's ``n_star_log_std``); required
        for ``method="parametric"``.
    method : {"parametric", "pairs"}
        Bootstrap scheme (see :class:`FrontierFit`).
    n_boot, seed, level
        Resamples (>= 10), ``np.random.default_rng`` seed, interval level.
    weighted : bool
        False (default): ordinary least squares, which reproduces Porian et al.'s ``basic``
        variant (e.g. 0.8338 for the RefinedWeb Kaplan reproduction). True: weighted least
        squares with weights ``1/σ`` on the residuals (``numpy.polyfit(..., w=1/σ)``, σ =
        ``log_std``), Porian et al.'s ``weighted`` fit, whose bootstrap median is their Table 2
        (0.835 RefinedWeb, 0.864 OpenWebText2); needs ``log_std``. With
        ``method="parametric"`` the resamples are the same normal draws, in the same order, as
        :func:`scalinglaws.analyses.reconcile.porian_steps` makes for its first (data set, step), so the
        RefinedWeb Kaplan-reproduction interval equals that function's.

    Returns
    -------
    FrontierFit
    """
    c = _positive(C, "flops")
    n = _positive(n_star, "n_star")
    if c.shape != n.shape or c.ndim != 1:
        raise InputError(f"flops and n_star must be 1-D of equal length, got {c.shape}, {n.shape}")
    if len(c) < 3:
        raise InputError(f"need at least 3 budgets to fit a frontier, got {len(c)}")
    if np.ptp(c) == 0:
        raise InputError("all budgets are equal; cannot fit an exponent")
    n_boot = _int_param(n_boot, "n_boot", 10)
    seed = _int_param(seed, "seed", 0)
    lvl = _level(level)
    if not isinstance(weighted, bool):
        raise InputError(f"weighted must be True or False, got {weighted!r}")
    s = None
    if log_std is not None:
        s = np.asarray(log_std, dtype=np.float64)
        if s.shape != c.shape or not np.all(np.isfinite(s) & (s >= 0)):
            raise InputError("log_std must be finite, non-negative and as long as flops")
    if weighted and (s is None or not np.all(s > 0)):
        raise InputError("weighted=True needs a positive log_std for every budget")
    w = 1.0 / s if weighted else np.ones_like(c)
    x, y = np.log(c), np.log(n)
    a1, b1 = _wls_rows(x[None, :], y[None, :], w[None, :])
    a, b = float(a1[0]), float(b1[0])
    resid = y - (b + a * x)
    r2 = 1.0 - float((resid**2).sum()) / float(((y - y.mean()) ** 2).sum())
    rng = np.random.default_rng(seed)
    if method == "parametric":
        if s is None:
            raise InputError("method 'parametric' needs log_std (per-budget std of ln n_star)")
        yb = y[None, :] + s[None, :] * rng.standard_normal((n_boot, len(y)))
        xb = np.broadcast_to(x, yb.shape)
        wb = np.broadcast_to(w, yb.shape)
    elif method == "pairs":
        idx = rng.integers(0, len(x), size=(n_boot, len(x)))
        xb, yb, wb = x[idx], y[idx], w[idx]
    else:
        raise InputError(f"method must be 'parametric' or 'pairs', got {method!r}")
    ba, bb = _wls_rows(xb, yb, wb)
    ok = np.isfinite(ba)
    ba, bb = ba[ok], bb[ok]
    q = [(1.0 - lvl) / 2.0, (1.0 + lvl) / 2.0]
    lo, hi = (float(v) for v in np.quantile(ba, q))
    return FrontierFit(
        exponent=a,
        coef=math.exp(b),
        exponent_ci=(lo, hi),
        n=len(c),
        r2=r2,
        method=method,
        level=lvl,
        n_boot=n_boot,
        seed=seed,
        converged=True,
        boot_exponents=ba,
        boot_intercepts=bb,
    )


def frontier_band(fit: FrontierFit, C: Any) -> pd.DataFrame:
    """Fitted ``N*(C)`` and its pointwise bootstrap band: columns ``flops, fit, lo, hi``."""
    if not isinstance(fit, FrontierFit):
        raise InputError(f"fit must be a FrontierFit, got {type(fit).__name__}")
    c = np.atleast_1d(_positive(C, "flops"))
    lines = fit.boot_intercepts[:, None] + fit.boot_exponents[:, None] * np.log(c)[None, :]
    q = [(1.0 - fit.level) / 2.0, (1.0 + fit.level) / 2.0]
    lo, hi = np.quantile(lines, q, axis=0)
    mid = math.log(fit.coef) + fit.exponent * np.log(c)
    return pd.DataFrame(
        {
            "flops": c,
            "fit": np.exp(mid),
            "lo": np.exp(np.minimum(lo, mid)),
            "hi": np.exp(np.maximum(hi, mid)),
        }
    )


def model_shapes(isoflop_points: pd.DataFrame, *, vocab: int = PORIAN_VOCAB) -> pd.DataFrame:
    """Porian's architectures with both parameter counts and the implied width.

    The non-embedding counts (configurations counted ``kaplan``) and the counts including the
    output layer (``standard``) of the same ladder of architectures are paired in size order;
    their difference is ``vocab * d_model``.

    Returns
    -------
    DataFrame
        ``n_nonembedding, n_with_head, d_model, head_share`` (head_share = V d / n_with_head).

    Raises
    ------
    DataError
        If the two ladders differ in length or a difference is not a multiple of ``vocab``.
    """
    _frame(isoflop_points, ["param_count", "params"], "isoflop_points")
    vocab = _int_param(vocab, "vocab", 1)
    ne = np.unique(isoflop_points.loc[isoflop_points["param_count"] == "kaplan", "params"])
    nh = np.unique(isoflop_points.loc[isoflop_points["param_count"] == "standard", "params"])
    if len(ne) == 0 or len(ne) != len(nh):
        raise DataError(f"cannot pair the model ladders: {len(ne)} vs {len(nh)} sizes")
    d = (nh - ne) / vocab
    if not np.allclose(d, np.round(d), atol=1e-6) or np.any(d <= 0):
        raise DataError(f"parameter-count differences are not multiples of vocab {vocab}")
    d = np.round(d)
    return pd.DataFrame(
        {
            "n_nonembedding": ne.astype(np.float64),
            "n_with_head": nh.astype(np.float64),
            "d_model": d,
            "head_share": vocab * d / nh,
        }
    )


def recount_with_head(
    pairs: pd.DataFrame, shapes: pd.DataFrame, *, vocab: int = PORIAN_VOCAB
) -> pd.DataFrame:
    """Re-count non-embedding optimal pairs with the output layer included.

    For each budget, ``d_model`` at ``n_star`` is interpolated log-log between the architectures
    of :func:`model_shapes`; then ``n_star_head = n_star + vocab * d_model`` and
    ``flops_head = 6 n_star_head t_star``. The runs and token counts are unchanged: only the
    accounting differs (the optimum is re-labelled, not re-located).

    Returns
    -------
    DataFrame
        ``pairs`` plus ``d_model, n_star_head, flops_head, head_share``.
    """
    _frame(pairs, ["flops", "n_star", "t_star"], "pairs")
    _frame(shapes, ["n_nonembedding", "d_model"], "shapes")
    vocab = _int_param(vocab, "vocab", 1)
    n = _positive(pairs["n_star"], "n_star")
    t = _positive(pairs["t_star"], "t_star")
    lo, hi = shapes["n_nonembedding"].min(), shapes["n_nonembedding"].max()
    if n.min() < lo or n.max() > hi:
        raise InputError(
            f"n_star outside the architecture ladder [{lo:.3g}, {hi:.3g}]; cannot interpolate"
        )
    logd = np.interp(np.log(n), np.log(shapes["n_nonembedding"]), np.log(shapes["d_model"]))
    d = np.exp(logd)
    out = pairs.copy()
    out["d_model"] = d
    out["n_star_head"] = n + vocab * d
    out["flops_head"] = 6.0 * out["n_star_head"] * t
    out["head_share"] = vocab * d / out["n_star_head"]
    return out


def pythia_accuracy(
    evals: pd.DataFrame, *, tasks: tuple[str, ...] = PYTHIA_TASKS, metric: str = "acc"
) -> pd.DataFrame:
    """Mean zero-shot accuracy over ``tasks`` for every Pythia (size, step).

    Parameters
    ----------
    evals : DataFrame
        ``load("pythia_evals")``.
    tasks : tuple of str
        lm-eval-harness tasks to average (default :data:`PYTHIA_TASKS`).
    metric : str
        Metric to average (``acc``).

    Returns
    -------
    DataFrame
        ``size, params, step, tokens, mean_acc, n_tasks`` sorted by params then step; only
        (size, step) cells where every task is present. ``tokens`` = step x 2,097,152.
    """
    _frame(evals, ["size", "params", "step", "tokens", "task", "metric", "value"], "evals")
    if not tasks or not all(isinstance(t, str) for t in tasks):
        raise InputError(f"tasks must be a non-empty tuple of task names, got {tasks!r}")
    sel = evals[(evals["metric"] == metric) & evals["task"].isin(tasks)]
    missing = set(tasks) - set(sel["task"])
    if missing:
        raise InputError(f"tasks not in the evals with metric {metric!r}: {sorted(missing)}")
    g = sel.groupby(["size", "params", "step", "tokens"], sort=False)["value"].agg(
        mean_acc="mean", n_tasks="count"
    )
    g = g.reset_index()
    g = g[g["n_tasks"] == len(tasks)]
    return g.sort_values(["params", "step"], kind="stable").reset_index(drop=True)


def fit_accuracy_vs_log_params(
    params: Any, acc: Any, *, n_boot: int = 1000, seed: int = DEFAULT_SEED, level: float = 0.95
) -> dict[str, Any]:
    """OLS of accuracy on log10 N with a pairs bootstrap: accuracy gained per decade of N.

    Returns
    -------
    dict
        ``slope`` (accuracy per 10x parameters), ``slope_ci``, ``intercept`` (at N = 1),
        ``r2``, ``n``, ``converged`` (True: closed form), ``n_boot``, ``seed``, ``level``,
        ``boot_slopes`` and ``boot_intercepts`` (arrays, for :func:`accuracy_band`).
    """
    n = _positive(params, "params")
    a = np.asarray(acc, dtype=np.float64)
    if a.shape != n.shape or n.ndim != 1 or len(n) < 3 or not np.all(np.isfinite(a)):
        raise InputError("params and acc must be finite 1-D arrays of equal length >= 3")
    n_boot = _int_param(n_boot, "n_boot", 10)
    seed = _int_param(seed, "seed", 0)
    lvl = _level(level)
    x = np.log10(n)
    s1, i1 = _ols_rows(x[None, :], a[None, :])
    slope, icpt = float(s1[0]), float(i1[0])
    resid = a - (icpt + slope * x)
    r2 = 1.0 - float((resid**2).sum()) / float(((a - a.mean()) ** 2).sum())
    idx = np.random.default_rng(seed).integers(0, len(x), size=(n_boot, len(x)))
    bs, bi = _ols_rows(x[idx], a[idx])
    ok = np.isfinite(bs)
    bs, bi = bs[ok], bi[ok]
    lo, hi = (float(v) for v in np.quantile(bs, [(1 - lvl) / 2, (1 + lvl) / 2]))
    return {
        "slope": slope,
        "slope_ci": (lo, hi),
        "intercept": icpt,
        "r2": r2,
        "n": len(x),
        "converged": True,
        "n_boot": n_boot,
        "seed": seed,
        "level": lvl,
        "boot_slopes": bs,
        "boot_intercepts": bi,
    }


def accuracy_band(fit: dict[str, Any], params: Any) -> pd.DataFrame:
    """Line and pointwise bootstrap band of :func:`fit_accuracy_vs_log_params` at ``params``.

    Returns
    -------
    DataFrame
        ``N`` (parameters), ``acc`` (fitted accuracy), ``lo``, ``hi`` (band at ``fit["level"]``).
    """
    if not isinstance(fit, dict) or "boot_slopes" not in fit:
        raise InputError("fit must be the dict returned by fit_accuracy_vs_log_params")
    n = np.atleast_1d(_positive(params, "params"))
    x = np.log10(n)
    lines = fit["boot_intercepts"][:, None] + fit["boot_slopes"][:, None] * x[None, :]
    q = [(1.0 - fit["level"]) / 2.0, (1.0 + fit["level"]) / 2.0]
    lo, hi = np.quantile(lines, q, axis=0)
    mid = fit["intercept"] + fit["slope"] * x
    return pd.DataFrame({"N": n, "acc": mid, "lo": np.minimum(lo, mid), "hi": np.maximum(hi, mid)})


def _scalar(value: Any, name: str) -> float:
    arr = _positive(value, name)
    if arr.size != 1:
        raise InputError(f"{name} must be a single positive number, got {arr.size} values")
    return float(arr[0])


# ------------------------------------------------------------------ the Pythia suite
#: The eight model sizes of the Pythia suite and their published (total) parameter counts,
#: Biderman et al. 2023 (arXiv:2304.01373), Table 1: the data layer's table (one source).
PYTHIA_SUITE: dict[str, float] = PYTHIA_PARAMS


def pythia_suite_coverage(sizes: Any) -> tuple[list[str], list[str]]:
    """Which of the suite's sizes a table holds: ``(present, missing)``, each in size order.

    Parameters
    ----------
    sizes : iterable of str
        Size labels found in the data (e.g. ``evals["size"]``).

    Raises
    ------
    DataError
        If a label is not a size of the suite.
    """
    found = {str(v) for v in sizes}
    unknown = found - set(PYTHIA_SUITE)
    if unknown:
        raise DataError(f"not Pythia suite sizes: {sorted(unknown)}")
    present = [k for k in PYTHIA_SUITE if k in found]
    missing = [k for k in PYTHIA_SUITE if k not in found]
    return present, missing


# ------------------------------------------------------------------ Kaplan's own theory
@dataclass(frozen=True)
class KaplanTheory:
    """Exponents Kaplan et al. 2020 derive from their fitted laws (§6.2 eqs 6.4-6.5, App. B).

    Attributes
    ----------
    alpha_c_min : float
        ``1/(1/alpha_S + 1/alpha_B + 1/alpha_N)`` (eq 1.8 / B.7) from alpha_S = 0.76 (Table 3),
        alpha_B = 0.21 (eq 1.4) and alpha_N = 0.076 (eq 1.1): 0.0520; App. B prints 0.052,
        §6.2 eq 6.4 prints 0.054.
    n_exponent : float
        ``alpha_c_min / alpha_N`` (eq 1.7): the exponent of N_opt ∝ C_min^p implied by the
        theory with ``alpha_c_min`` above (0.684).
    n_exponent_from_printed : float
        The same ratio with §6.2's printed 0.054, which gives the paper's 0.71 (eq 6.5).
    alpha_c_min_fitted, n_exponent_fitted : float
        The empirical values: eq 1.3's 0.050 and Table 6's 0.73.
    """

    alpha_c_min: float
    n_exponent: float
    n_exponent_from_printed: float
    alpha_c_min_fitted: float
    n_exponent_fitted: float


#: Kaplan et al. 2020 §6.2 eq 6.4 prints alpha_C^min ≈ 0.054 (App. B eq B.7 prints 0.052).
KAPLAN_EQ64_ALPHA_C_MIN = 0.054


def kaplan_theory(law: Any = None) -> KaplanTheory:
    """Kaplan et al.'s theoretical compute exponents from their own fitted constants.

    Parameters
    ----------
    law : scalinglaws.core.laws.KaplanLaw, optional
        Default :data:`scalinglaws.core.laws.KAPLAN`.
    """
    from scalinglaws.core.laws import KAPLAN, KaplanLaw

    law = KAPLAN if law is None else law
    if not isinstance(law, KaplanLaw):
        raise InputError(f"law must be a KaplanLaw, got {type(law).__name__}")
    a_c = 1.0 / (1.0 / law.ns_alpha_S + 1.0 / law.alpha_B + 1.0 / law.alpha_N)
    return KaplanTheory(
        alpha_c_min=a_c,
        n_exponent=a_c / law.alpha_N,
        n_exponent_from_printed=KAPLAN_EQ64_ALPHA_C_MIN / law.alpha_N,
        alpha_c_min_fitted=law.alpha_C_min,
        n_exponent_fitted=law.p_N,
    )


def kaplan_rule_readings(C: Any) -> dict[str, float]:
    """Kaplan's Table 6 rule ``N = 1.3e9 C_min^0.73`` (non-embedding, C_min in PF-days) at a budget.

    Kaplan's C_min is the compute a run would need with a batch far *below* the critical
    batch; a run *at* the critical batch needs twice that (eq 5.5, ``C_min = C/(1 + B/B_crit)``
    with ``B = B_crit``). Both readings of a FLOP budget ``C``:

    Returns
    -------
    dict
        ``n_cmin_eq_c``: N with ``C_min = C`` (this book's convention, :func:`allocation.compute_optimal`);
        ``n_cmin_half_c``: N with ``C_min = C/2``. At ``C = 1e21`` FLOP the second is
        4.68e9, the value Hoffmann et al. 2022 App. D.4 quote for Kaplan's rule.
    """
    from scalinglaws.core.laws import KAPLAN, PF_DAY_FLOP

    c = _scalar(C, "flops")
    return {
        "n_cmin_eq_c": float(KAPLAN.n_opt(c / PF_DAY_FLOP)),
        "n_cmin_half_c": float(KAPLAN.n_opt(c / 2.0 / PF_DAY_FLOP)),
    }


def approach1_params(C: Any) -> float:
    """Hoffmann et al. 2022 Approach 1's compute-optimal size at ``C``, read off Table 3.

    Log-log interpolation between the two rows of Table 3 (Approach 1, as printed) that bracket
    ``C``; total parameters. At 1e21 FLOP (between the 1B and 10B rows) this gives 2.86e9,
    the value App. D.4 quotes.
    """
    from scalinglaws.core.allocation import HOFFMANN_TABLE3

    c = _scalar(C, "flops")
    lc = np.log(HOFFMANN_TABLE3["flops"].to_numpy(np.float64))
    ln = np.log(HOFFMANN_TABLE3["params"].to_numpy(np.float64))
    if not lc[0] <= math.log(c) <= lc[-1]:
        raise InputError(
            f"flops {c:.3g} outside Table 3 ({math.exp(lc[0]):.3g} to {math.exp(lc[-1]):.3g})"
        )
    return float(math.exp(np.interp(math.log(c), lc, ln)))


# ------------------------------------------------------------------ helpers of the Kaplan chapter
#: Hoffmann et al. 2022, App. D.4: the budget (FLOP) of their direct test of Kaplan's rule.
HOFFMANN_D4_FLOPS = 1e21

#: Resamples of the canonical law's bootstrap cloud used for its intervals in the Kaplan chapter
#: (the chapter's ``n_boot`` is capped at this; see :func:`canonical_allocation`).
CANONICAL_CLOUD = 4000

#: The loss level (nats/token) at which the Kaplan chapter compares how many tokens a 1e8- and a
#: 1e9-parameter model need under L(N, D) (eq 1.5): reached by both.
SAMPLE_EFFICIENCY_LOSS = 3.0


def tokens_to_reach(n: Any, loss: Any, law: Any = None) -> float:
    """Tokens D at which Kaplan's L(N, D) (eq 1.5, Table 2 constants) reaches ``loss``.

    ``inf`` when a model of ``n`` non-embedding parameters cannot reach ``loss`` with any amount
    of data (its L(N) floor is at or above ``loss``). ``law`` defaults to
    :data:`scalinglaws.core.laws.KAPLAN`.
    """
    from scalinglaws.core.laws import KAPLAN, KaplanLaw

    law = KAPLAN if law is None else law
    if not isinstance(law, KaplanLaw):
        raise InputError(f"law must be a KaplanLaw, got {type(law).__name__}")
    n_, loss_ = _scalar(n, "n"), _scalar(loss, "loss")
    rest = loss_ ** (1.0 / law.nd_alpha_D) - (law.nd_N_c / n_) ** (law.nd_alpha_N / law.nd_alpha_D)
    return law.nd_D_c / rest if rest > 0 else math.inf


def canonical_allocation(
    C: Any,
    quantity: str,
    *,
    n_boot: int = CANONICAL_CLOUD,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> Any:
    """The canonical law's compute-optimal ``quantity`` at ``C`` with its bootstrap interval.

    ``quantity`` is ``"params"`` (total parameters), ``"tokens"`` or ``"tokens_per_param"`` of
    :func:`scalinglaws.core.allocation.compute_optimal`; the interval comes from
    :func:`scalinglaws.analyses.uncertainty.propagate` over ``min(n_boot, CANONICAL_CLOUD)`` resamples of
    the canonical law (seeded). Returns an :class:`scalinglaws.analyses.uncertainty.Interval`.
    """
    from scalinglaws.analyses import uncertainty
    from scalinglaws.core.allocation import compute_optimal

    if quantity not in ("params", "tokens", "tokens_per_param"):
        raise InputError(
            f"quantity must be 'params', 'tokens' or 'tokens_per_param', got {quantity!r}"
        )
    c = _scalar(C, "flops")
    n = _int_param(n_boot, "n_boot", 50)
    return uncertainty.propagate(
        lambda law: getattr(compute_optimal(c, law), quantity),
        n_boot=min(n, CANONICAL_CLOUD),
        seed=seed,
        level=level,
    )


def exponent_drop(before: FrontierFit, after: FrontierFit) -> tuple[float, tuple[float, float]]:
    """How much the frontier exponent falls from ``before`` to ``after``, with a paired interval.

    Both fits must come from the same bootstrap draws (same ``n_boot``, ``seed`` and method, as
    when the same runs are fitted under two parameter counts); the interval is the ``level``
    percentile interval of the replicate-by-replicate differences.
    """
    for name, fit in (("before", before), ("after", after)):
        if not isinstance(fit, FrontierFit):
            raise InputError(f"{name} must be a FrontierFit, got {type(fit).__name__}")
    if before.boot_exponents.shape != after.boot_exponents.shape or before.level != after.level:
        raise InputError("before and after must share their bootstrap size and level")
    q = [(1 - before.level) / 2, (1 + before.level) / 2]
    lo, hi = np.quantile(before.boot_exponents - after.boot_exponents, q)
    return before.exponent - after.exponent, (float(lo), float(hi))


def size_ordering(acc: pd.DataFrame, *, from_step: int = 1000) -> pd.Series:
    """Per checkpoint from ``from_step`` on: is mean accuracy increasing with model size?

    ``acc`` from :func:`pythia_accuracy` (sorted by parameters); returns a boolean Series indexed
    by step.
    """
    _frame(acc, ["params", "step", "mean_acc"], "acc")
    late = acc[acc["step"] >= from_step].sort_values(["params", "step"], kind="stable")
    if late.empty:
        raise InputError(f"no checkpoint at or after step {from_step}")
    return late.groupby("step")["mean_acc"].apply(lambda s: bool(s.is_monotonic_increasing))


def late_gain(acc: pd.DataFrame, *, from_step: int = 13000) -> pd.Series:
    """Per model size: mean accuracy at its last checkpoint minus at its first from ``from_step``.

    ``acc`` from :func:`pythia_accuracy`; returns a Series indexed by size (fractions, not points).
    """
    _frame(acc, ["size", "step", "mean_acc"], "acc")
    late = acc[acc["step"] >= from_step]
    if late.empty:
        raise InputError(f"no checkpoint at or after step {from_step}")
    return late.groupby("size", sort=False)["mean_acc"].agg(lambda s: s.iloc[-1] - s.iloc[0])


def exponent_summary(steps: pd.DataFrame, fits: dict[str, FrontierFit]) -> pd.DataFrame:
    """One row per data set: the refitted frontier exponent of Porian et al.'s Kaplan reproduction.

    ``steps`` from :func:`scalinglaws.analyses.reconcile.porian_steps`, ``fits`` data set -> the chart's
    :func:`fit_frontier`. Columns: ``dataset``, ``a`` with ``a_lo``/``a_hi`` (weighted fit,
    parametric bootstrap), ``a_table2`` (Porian et al.'s printed value), ``r2``; rounded to 3
    decimals for display.
    """
    _frame(steps, ["label", "dataset", "a", "a_lo", "a_hi", "a_table2"], "steps")
    rows = steps[steps["label"] == KAPLAN_LABEL].set_index("dataset")
    out = rows.loc[list(fits), ["a", "a_lo", "a_hi", "a_table2"]].astype("float64")
    out["r2"] = [fits[ds].r2 for ds in out.index]
    return out.round(3).reset_index()

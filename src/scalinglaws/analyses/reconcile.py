"""Reconciling Kaplan's and Chinchilla's compute-optimal exponents.

Two explanations of why Kaplan et al. (2020) found ``N_opt ∝ C^0.73`` while Hoffmann et al. (2022)
found ``N_opt ∝ C^0.5``, each made executable:

* **Porian et al. 2024** (arXiv:2406.19146, NeurIPS 2024, Table 2 and Fig. 1): five training set-ups,
  each changing one thing from the last (Kaplan's recipe → counting the last layer's FLOPs →
  a warmup that scales with the model → cosine decay matched to the run → tuned AdamW
  hyperparameters with no decay). :func:`porian_steps` recomputes the exponent ``a`` of
  ``N*(C) ∝ C^a`` for each step from the compute-optimal pairs of their released data
  (weighted least squares in log-log space, weights ``1/σ`` of the bootstrap log-std of each
  optimum, which reproduces their ``weighted`` fits to 4 decimals) and gives a seeded
  parametric-bootstrap interval.
* **Pearce & Song 2024** (arXiv:2406.12907, TMLR): counting *non-embedding* parameters at *small*
  scale biases the exponent upward. :func:`simulate_kaplan_study` simulates a Chinchilla-style
  study in which the true loss follows a Chinchilla-form law in *total* parameters
  ``N_T = N_E + γ N_E^(1/3)`` (``γ = 47491``: vocabulary 32,000 and aspect ratio d/L = 39.2)
  over Kaplan's range of 768 to 1.5e9 non-embedding parameters, and fits the frontier both ways.

Units: C FLOP (``6 N D``), N parameters (non-embedding ``N_E`` or total ``N_T``, stated each time),
D tokens, loss nats/token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.analyses.uncertainty import propagate
from scalinglaws.core import validation
from scalinglaws.core.allocation import compute_optimal, inference_aware, inference_aware_for_target
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import ParametricLaw, get_parametric_law
from scalinglaws.core.validation import DEFAULT_SEED
from scalinglaws.core.validation import positive_array as _positive
from scalinglaws.fitting.bootstrap import bootstrap_parametric
from scalinglaws.fitting.significance import chi2_test

__all__ = [
    "PORIAN_STEPS",
    "PORIAN_SOURCES",
    "PORIAN_TABLE2",
    "DATASET_NAMES",
    "PEARCE_GAMMA",
    "PEARCE_VOCAB",
    "PEARCE_ASPECT",
    "PEARCE_CTX",
    "KAPLAN_NONEMB_RANGE",
    "loglog_slope",
    "porian_steps",
    "porian_fit",
    "PORIAN_EXTRA",
    "CHINCHILLA_FLOPS_6ND",
    "total_params",
    "KaplanStudy",
    "simulate_kaplan_study",
    "kaplan_study_exponents",
    "implied_inference_demand",
    "bootstrap_laws",
    "refit_tokens_per_param",
    "optimum_intervals",
    "inference_intervals",
    "implied_demand_interval",
    "inference_sweep",
    "CHINCHILLA_MODEL",
    "GOPHER_MODEL",
    "chinchilla_vs_gopher",
    "porian_extrapolations",
    "porian_extra_fits",
    "chi2_other_seeds",
]

#: The five set-ups of Porian et al. 2024 (Table 2, Fig. 1 panels a-e), in order.
PORIAN_STEPS: tuple[str, ...] = (
    "Reproducing Kaplan et al.",
    "Counting last layer FLOPs",
    "Correcting warmup",
    "Cosine decay",
    "Optimizer tuning (no decay)",
)

#: Which released summary file holds each data set's five steps (train-loss/val-loss as released).
PORIAN_SOURCES: dict[str, str] = {
    "rw": "summary_df.pickle.xz",
    "owt2": "summary_df_owt2.pickle.xz",
}

#: Display names of the data sets.
DATASET_NAMES: dict[str, str] = {"rw": "RefinedWeb", "owt2": "OpenWebText2"}

#: Porian et al. 2024, Table 2, column "a estimation" (= ``bs_median_weighted.n_exponent`` to
#: 3 significant figures, formll/resolving-scaling-law-discrepancies ``paper_tables.py`` at
#: commit 0dc60d91). Keys: (data set, step label).
PORIAN_TABLE2: dict[tuple[str, str], float] = {
    ("rw", "Reproducing Kaplan et al."): 0.835,
    ("rw", "Counting last layer FLOPs"): 0.706,
    ("rw", "Correcting warmup"): 0.602,
    ("rw", "Cosine decay"): 0.571,
    ("rw", "Optimizer tuning (no decay)"): 0.497,
    ("owt2", "Reproducing Kaplan et al."): 0.864,
    ("owt2", "Counting last layer FLOPs"): 0.699,
    ("owt2", "Correcting warmup"): 0.603,
    ("owt2", "Cosine decay"): 0.574,
    ("owt2", "Optimizer tuning (no decay)"): 0.518,
}

#: Porian et al. 2024 exponents beyond the five steps of Table 2, as printed in the paper's
#: exponent tables (``paper_tables.results_table``: ``bs_median_weighted.n_exponent`` to 3
#: significant figures; formll/resolving-scaling-law-discrepancies at commit 0dc60d91;
#: shared/reference/datasets.md §2). Keys: (source file, label) in the released summaries.
#: "Kaplan Adjusted" is Kaplan's recipe with tuned hyperparameters (RefinedWeb); the four
#: attention rows count attention FLOPs in N (effective N = FLOPs per token / 6; RefinedWeb,
#: train loss).
PORIAN_EXTRA: dict[tuple[str, str], float] = {
    ("summary_df_kaplan_tuned_hparams.pickle.xz", "Kaplan Adjusted"): 0.711,
    ("summary_df_att.pickle.xz", "Counting last layer and attention FLOPs"): 0.717,
    ("summary_df_att.pickle.xz", "Correcting warmup"): 0.622,
    ("summary_df_att.pickle.xz", "Cosine decay"): 0.577,
    ("summary_df_att.pickle.xz", "Optimizer tuning (no decay)"): 0.505,
}

#: Chinchilla's training compute by the 6ND rule, 6 x 70e9 x 1.4e12 = 5.88e23 FLOP, the budget
#: at which Porian et al. 2024 (Fig. 1) quote each fit's compute-optimal model.
CHINCHILLA_FLOPS_6ND = 5.88e23

#: Pearce & Song 2024: embedding parameters ``N_E_emb = γ N_E^(1/3)`` with γ = 47491
#: (TeaPearce/Reconciling_Kaplan_Chinchilla_Scaling_Laws ``script_analysis_kaplan_chinchilla.py``
#: at commit c708e5bf; ≈ vocab (d/L / 12)^(1/3) = 32000 × (39.2/12)^(1/3) = 47,482).
PEARCE_GAMMA = 47491.0
PEARCE_VOCAB = 32_000.0
PEARCE_ASPECT = 39.2
PEARCE_CTX = 2048
#: Kaplan et al. 2020's model range, "768 to 1.5 billion non-embedding parameters"; Pearce &
#: Song's grid is ``logspace(2.9, 9.2)``.
KAPLAN_NONEMB_RANGE: tuple[float, float] = (10**2.9, 10**9.2)


# ----------------------------------------------------------------------------------- helpers


def _check_seed_boot(n_boot: Any, seed: Any, level: Any) -> tuple[int, int, float]:
    validation.resamples(n_boot)
    validation.seed(seed)
    validation.confidence_level(level)
    return int(n_boot), int(seed), float(level)


def loglog_slope(x: Any, y: Any, log_std: Any = None) -> tuple[float, float]:
    """Slope and intercept of ``ln y = slope ln x + intercept`` by (weighted) least squares.

    Parameters
    ----------
    x, y : array_like
        Positive finite values (e.g. compute C in FLOP and N* in parameters), >= 2 points.
    log_std : array_like, optional
        Standard deviation of each ``ln y``; residuals are divided by it (weights ``1/σ`` on the
        residual, i.e. ``numpy.polyfit(..., w=1/σ)``), which is Porian et al.'s ``weighted`` fit.

    Returns
    -------
    (float, float)
        Slope and intercept (natural logs).
    """
    lx = np.log(_positive(x, "x"))
    ly = np.log(_positive(y, "y"))
    if lx.size != ly.size:
        raise InputError(f"x and y must have the same length, got {lx.size} and {ly.size}")
    if lx.size < 2 or np.ptp(lx) == 0:
        raise InputError("need at least 2 distinct x values to fit a slope")
    w = np.ones_like(lx) if log_std is None else 1.0 / _positive(log_std, "log_std")
    if w.size != lx.size:
        raise InputError("log_std must have the same length as x")
    design = np.column_stack([lx, np.ones_like(lx)]) * w[:, None]
    coef, *_ = np.linalg.lstsq(design, ly * w, rcond=None)
    return float(coef[0]), float(coef[1])


# -------------------------------------------------------------------------- Porian et al.


def porian_steps(
    optimal_pairs: pd.DataFrame,
    fit_results: pd.DataFrame | None = None,
    *,
    datasets: Sequence[str] = ("rw", "owt2"),
    n_boot: int = 2000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
    isoflop_points: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Exponent ``a`` of ``N*(C) ∝ C^a`` for each of Porian et al.'s five steps, with intervals.

    Parameters
    ----------
    optimal_pairs : DataFrame
        ``scalinglaws.data.load("porian_compute_optimal", "optimal_pairs")``: columns
        ``source_file, dataset, label, flops, n_star, t_star, n_star_log_std, t_star_log_std``.
        Budgets with no interior optimum (NaN) are dropped.
    fit_results : DataFrame, optional
        ``load("porian_compute_optimal", "fit_results")``; if given, the released
        ``bs_median_weighted`` and ``basic`` exponents are added for comparison.
    datasets : sequence of {"rw", "owt2"}
        RefinedWeb and/or OpenWebText2.
    n_boot : int
        Parametric-bootstrap resamples: each budget's ``ln N*`` is redrawn from a normal with its
        released bootstrap std (``n_star_log_std``), and the weighted fit is redone.
    seed : int
        Seed of ``np.random.default_rng``.
    level : float
        Central interval probability (percentile interval).
    isoflop_points : DataFrame, optional
        ``load("porian_compute_optimal", "isoflop_points")``, the individual runs. If given, the
        exponent is also recomputed from the runs themselves: a parabola in ln N per budget
        (:func:`scalinglaws.fitting.isoflop.isoflop_minima`, interior vertices only), then OLS with a
        bootstrap over budgets (:func:`scalinglaws.fitting.isoflop.fit_allocation_exponents`, same
        ``n_boot``, ``seed``, ``level``).

    Returns
    -------
    DataFrame
        One row per (data set, step): ``dataset, dataset_name, step`` (1-5), ``label,
        n_budgets, flops_min, flops_max, a`` (weighted fit), ``a_lo, a_hi`` (bootstrap
        interval), ``a_se`` (bootstrap std), ``a_ols`` (unweighted fit), ``b`` (weighted fit
        of ``D*(C) ∝ C^b``), ``n_star_at_chinchilla`` (N* extrapolated to C = 5.88e23 FLOP),
        and, with ``fit_results``, ``a_released`` (``bs_median_weighted``), ``a_released_basic``,
        ``a_table2`` (the paper's 3-s.f. value); with ``isoflop_points``, ``a_raw, a_raw_lo,
        a_raw_hi`` (exponent and interval from the runs' parabola vertices) and ``n_budgets_raw``
        (budgets with an interior vertex).
    """
    n_boot, seed, level = _check_seed_boot(n_boot, seed, level)
    if not isinstance(optimal_pairs, pd.DataFrame):
        raise InputError("optimal_pairs must be a pandas DataFrame")
    need = {"source_file", "dataset", "label", "flops", "n_star", "t_star", "n_star_log_std"}
    missing = need - set(optimal_pairs.columns)
    if missing:
        raise InputError(f"optimal_pairs lacks columns: {', '.join(sorted(missing))}")
    bad = [d for d in datasets if d not in PORIAN_SOURCES]
    if bad or not datasets:
        raise InputError(f"datasets must be a non-empty subset of rw, owt2, got {list(datasets)}")
    rng = np.random.default_rng(seed)
    q = (1.0 - level) / 2.0
    rows = []
    for ds in datasets:
        for k, label in enumerate(PORIAN_STEPS, start=1):
            sel = optimal_pairs[
                (optimal_pairs["source_file"] == PORIAN_SOURCES[ds])
                & (optimal_pairs["dataset"] == ds)
                & (optimal_pairs["label"] == label)
            ].dropna(subset=["n_star", "t_star", "n_star_log_std"])
            sel = sel.sort_values("flops")
            if len(sel) < 3:
                raise InputError(f"fewer than 3 compute-optimal pairs for {ds} / {label}")
            c = sel["flops"].to_numpy(np.float64)
            n = sel["n_star"].to_numpy(np.float64)
            sd = sel["n_star_log_std"].to_numpy(np.float64)
            a, icpt = loglog_slope(c, n, sd)
            a_ols, _ = loglog_slope(c, n)
            tsd = sel["t_star_log_std"].to_numpy(np.float64) if "t_star_log_std" in sel else sd
            b, _ = loglog_slope(c, sel["t_star"].to_numpy(np.float64), tsd)
            # parametric bootstrap: ln N* ~ Normal(ln N*, sd), refit the weighted line
            lx = np.log(c)
            w = 1.0 / sd
            design = np.column_stack([lx, np.ones_like(lx)]) * w[:, None]
            pinv = np.linalg.pinv(design)  # (2, P): coefficients = pinv @ (ly * w)
            ly = np.log(n)[None, :] + rng.standard_normal((n_boot, c.size)) * sd[None, :]
            slopes = (ly * w[None, :]) @ pinv[0]
            lo, hi = np.quantile(slopes, [q, 1.0 - q])
            rows.append(
                {
                    "dataset": ds,
                    "dataset_name": DATASET_NAMES[ds],
                    "step": k,
                    "label": label,
                    "n_budgets": int(c.size),
                    "flops_min": float(c.min()),
                    "flops_max": float(c.max()),
                    "a": a,
                    "a_lo": float(lo),
                    "a_hi": float(hi),
                    "a_se": float(np.std(slopes, ddof=1)),
                    "a_ols": a_ols,
                    "b": b,
                    "n_star_at_chinchilla": float(np.exp(icpt + a * np.log(5.88e23))),
                }
            )
    out = pd.DataFrame(rows)
    if isoflop_points is not None:
        out = out.join(_raw_exponents(out, isoflop_points, n_boot, seed, level))
    if fit_results is not None:
        rel, basic = [], []
        for _, r in out.iterrows():
            fr = fit_results[
                (fit_results["source_file"] == PORIAN_SOURCES[r["dataset"]])
                & (fit_results["label"] == r["label"])
            ]
            pick = {
                v: fr.loc[fr["variant"] == v, "n_exponent"] for v in ("bs_median_weighted", "basic")
            }
            rel.append(
                float(pick["bs_median_weighted"].iloc[0])
                if len(pick["bs_median_weighted"])
                else np.nan
            )
            basic.append(float(pick["basic"].iloc[0]) if len(pick["basic"]) else np.nan)
        out["a_released"] = rel
        out["a_released_basic"] = basic
        out["a_table2"] = [
            PORIAN_TABLE2[(d, lab)] for d, lab in zip(out["dataset"], out["label"], strict=True)
        ]
    return out


def porian_fit(
    optimal_pairs: pd.DataFrame,
    source_file: str,
    label: str,
    *,
    at_flops: float = CHINCHILLA_FLOPS_6ND,
    n_boot: int = 2000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> dict[str, float]:
    """Weighted fit of ``N*(C) ∝ C^a`` for one released configuration, with its extrapolation.

    The same fit as :func:`porian_steps` (weighted least squares of ``ln N*`` on ``ln C``,
    weights ``1/σ`` of each optimum's released bootstrap log-std), for any ``(source_file,
    label)`` of ``optimal_pairs`` (e.g. the rows of :data:`PORIAN_EXTRA`), and the fitted
    ``N*`` extrapolated to ``at_flops``, both with a seeded parametric-bootstrap interval: each
    budget's ``ln N*`` is redrawn from a normal with its released std and the line refitted.

    Parameters
    ----------
    optimal_pairs : DataFrame
        ``scalinglaws.data.load("porian_compute_optimal", "optimal_pairs")``.
    source_file, label : str
        The released summary file and experiment label.
    at_flops : float
        Budget (FLOP) to extrapolate to; default Chinchilla's 5.88e23.
    n_boot, seed, level :
        Bootstrap resamples (>= 10), ``np.random.default_rng`` seed, interval probability.

    Returns
    -------
    dict
        ``a, a_lo, a_hi, a_se`` (exponent), ``n_star_at, n_star_at_lo, n_star_at_hi``
        (parameters at ``at_flops``), ``flops_min, flops_max`` (FLOP), ``decades_beyond``
        (``log10(at_flops / flops_max)``), ``n_budgets``.
    """
    n_boot, seed, level = _check_seed_boot(n_boot, seed, level)
    if not isinstance(optimal_pairs, pd.DataFrame):
        raise InputError("optimal_pairs must be a pandas DataFrame")
    need = {"source_file", "label", "flops", "n_star", "n_star_log_std"}
    missing = need - set(optimal_pairs.columns)
    if missing:
        raise InputError(f"optimal_pairs lacks columns: {', '.join(sorted(missing))}")
    if not (isinstance(at_flops, float | int) and np.isfinite(at_flops) and at_flops > 0):
        raise InputError(f"at_flops must be a positive number, got {at_flops!r}")
    sel = optimal_pairs[
        (optimal_pairs["source_file"] == source_file) & (optimal_pairs["label"] == label)
    ].dropna(subset=["n_star", "n_star_log_std"])
    if len(sel) < 3:
        raise InputError(f"fewer than 3 compute-optimal pairs for {source_file} / {label}")
    c = sel["flops"].to_numpy(np.float64)
    n = sel["n_star"].to_numpy(np.float64)
    sd = sel["n_star_log_std"].to_numpy(np.float64)
    a, icpt = loglog_slope(c, n, sd)
    lx = np.log(c)
    w = 1.0 / sd
    pinv = np.linalg.pinv(np.column_stack([lx, np.ones_like(lx)]) * w[:, None])
    rng = np.random.default_rng(seed)
    ly = np.log(n)[None, :] + rng.standard_normal((n_boot, c.size)) * sd[None, :]
    coef = (ly * w[None, :]) @ pinv.T  # (n_boot, 2): slope, intercept
    q = [(1.0 - level) / 2.0, (1.0 + level) / 2.0]
    a_lo, a_hi = np.quantile(coef[:, 0], q)
    ln_at = coef[:, 1] + coef[:, 0] * np.log(at_flops)
    n_lo, n_hi = np.exp(np.quantile(ln_at, q))
    return {
        "a": a,
        "a_lo": float(a_lo),
        "a_hi": float(a_hi),
        "a_se": float(np.std(coef[:, 0], ddof=1)),
        "n_star_at": float(np.exp(icpt + a * np.log(at_flops))),
        "n_star_at_lo": float(n_lo),
        "n_star_at_hi": float(n_hi),
        "flops_min": float(c.min()),
        "flops_max": float(c.max()),
        "decades_beyond": float(np.log10(at_flops / c.max())),
        "n_budgets": int(c.size),
    }


def _raw_exponents(
    steps: pd.DataFrame, points: pd.DataFrame, n_boot: int, seed: int, level: float
) -> pd.DataFrame:
    """Approach-2 exponents from the individual runs of each (data set, step)."""
    from scalinglaws.fitting import isoflop

    if not isinstance(points, pd.DataFrame):
        raise InputError("isoflop_points must be a pandas DataFrame")
    need = {"source_file", "label", "flops", "params", "tokens", "loss"}
    missing = need - set(points.columns)
    if missing:
        raise InputError(f"isoflop_points lacks columns: {', '.join(sorted(missing))}")
    rows = []
    for _, r in steps.iterrows():
        sel = points[
            (points["source_file"] == PORIAN_SOURCES[r["dataset"]])
            & (points["label"] == r["label"])
        ]
        mn = isoflop.isoflop_minima(sel, tokens_col="tokens")
        mi = mn[mn["interior"]]
        if len(mi) < 3:
            raise InputError(
                f"fewer than 3 interior isoFLOP minima for {r['dataset']} / {r['label']}"
            )
        f = isoflop.fit_allocation_exponents(
            mi["flops"], mi["n_star"], mi["d_star"], n_boot=n_boot, seed=seed, level=level
        )
        rows.append(
            {"a_raw": f.a, "a_raw_lo": f.a_ci[0], "a_raw_hi": f.a_ci[1], "n_budgets_raw": len(mi)}
        )
    return pd.DataFrame(rows, index=steps.index)


# ------------------------------------------------------------------------- Pearce & Song


def total_params(n_nonemb: Any, gamma: float = PEARCE_GAMMA) -> np.ndarray | float:
    """Total parameters ``N_T = N_E + γ N_E^(1/3)`` (Pearce & Song 2024, §3; γ = 47491).

    ``N_E`` is the non-embedding count; ``γ N_E^(1/3)`` is the embedding matrix of a 32k
    vocabulary at aspect ratio d/L = 39.2.
    """
    n = _positive(n_nonemb, "n_nonemb")
    if not (isinstance(gamma, float | int) and np.isfinite(gamma) and gamma >= 0):
        raise InputError(f"gamma must be a finite number >= 0, got {gamma!r}")
    out = n + gamma * np.cbrt(n)
    return float(out[0]) if np.ndim(n_nonemb) == 0 else out


@dataclass(frozen=True)
class KaplanStudy:
    """Result of :func:`simulate_kaplan_study`.

    Attributes
    ----------
    a_nonembedding : float
        Slope of ``ln N*_E`` on ``ln C_E`` (non-embedding parameters and ``C_E = 6 N_E D``).
    a_total : float
        Slope of ``ln N*_T`` on ``ln C_T`` (total parameters, ``C_T = 6 N_T D``).
    a_law : float
        The law's own asymptotic exponent ``β/(α+β)`` (total parameters).
    frontier : DataFrame
        Columns ``counting`` ("non-embedding" or "total"), ``flops``, ``n_star``, ``loss``: the
        best model of the grid at each budget.
    models : DataFrame
        The simulated model grid: ``n_nonembedding, n_total, d_model``.
    law : str
        Name of the law used as ground truth.
    """

    a_nonembedding: float
    a_total: float
    a_law: float
    frontier: pd.DataFrame
    models: pd.DataFrame
    law: str


def simulate_kaplan_study(
    law: Any = "epoch",
    *,
    n_models: int = 20,
    n_range: tuple[float, float] = KAPLAN_NONEMB_RANGE,
    n_budgets: int = 100,
    flops_nonemb: tuple[float, float] = (10**12.95, 10**20.7),
    flops_total: tuple[float, float] = (10**13.4, 10**20.7),
    gamma: float = PEARCE_GAMMA,
) -> KaplanStudy:
    """Simulate a Kaplan-scale study whose truth is a Chinchilla-form law in total parameters.

    Follows Pearce & Song 2024 (arXiv:2406.12907, §3; authors' script at commit c708e5bf): a grid
    of ``n_models`` sizes log-spaced over ``n_range`` non-embedding parameters (Kaplan's 768 to
    1.5e9), each trained for any number of tokens; the loss is ``law.loss(N_T, D)`` with
    ``N_T = N_E + γ N_E^(1/3)``. At each of ``n_budgets`` log-spaced budgets the model with the
    lowest loss is the compute-optimal one; the frontier's log-log slope is fitted once with
    ``(N_E, C_E = 6 N_E D)`` (Kaplan's counting) and once with ``(N_T, C_T = 6 N_T D)``. The
    budget ranges are the script's (1e12.95-1e20.7 and 1e13.4-1e20.7 FLOP).

    Returns
    -------
    KaplanStudy
    """
    law = get_parametric_law(law, "simulate_kaplan_study")
    if isinstance(n_models, bool) or not isinstance(n_models, int) or n_models < 3:
        raise InputError(f"n_models must be an integer >= 3, got {n_models!r}")
    if isinstance(n_budgets, bool) or not isinstance(n_budgets, int) or n_budgets < 3:
        raise InputError(f"n_budgets must be an integer >= 3, got {n_budgets!r}")
    for name, rng_ in (
        ("n_range", n_range),
        ("flops_nonemb", flops_nonemb),
        ("flops_total", flops_total),
    ):
        lo_hi = _positive(rng_, name)
        if lo_hi.size != 2 or not lo_hi[0] < lo_hi[1]:
            raise InputError(f"{name} must be (low, high) with 0 < low < high, got {rng_!r}")
    n_e = np.logspace(np.log10(n_range[0]), np.log10(n_range[1]), n_models)
    n_t = np.asarray(total_params(n_e, gamma))
    d_model = (n_e * PEARCE_ASPECT / 12.0) ** (1.0 / 3.0)
    frames = []
    slopes = {}
    for counting, n_count, (c_lo, c_hi) in (
        ("non-embedding", n_e, flops_nonemb),
        ("total", n_t, flops_total),
    ):
        c = np.logspace(np.log10(c_lo), np.log10(c_hi), n_budgets)
        d = c[:, None] / (6.0 * n_count[None, :])  # (budgets, models)
        loss = law.E + law.A / n_t[None, :] ** law.alpha + law.B / d**law.beta
        best = np.argmin(loss, axis=1)
        n_star = n_count[best]
        slopes[counting] = loglog_slope(c, n_star)[0]
        frames.append(
            pd.DataFrame(
                {
                    "counting": counting,
                    "flops": c,
                    "n_star": n_star,
                    "loss": loss[np.arange(c.size), best],
                }
            )
        )
    return KaplanStudy(
        a_nonembedding=slopes["non-embedding"],
        a_total=slopes["total"],
        a_law=law.a,
        frontier=pd.concat(frames, ignore_index=True),
        models=pd.DataFrame({"n_nonembedding": n_e, "n_total": n_t, "d_model": d_model}),
        law=law.name,
    )


def kaplan_study_exponents(laws: Sequence[Any], **kwargs: Any) -> pd.DataFrame:
    """Run :func:`simulate_kaplan_study` for several laws (names or law objects).

    Returns a DataFrame with columns ``law, a_law, a_total, a_nonembedding`` (one row per law),
    e.g. for propagating a bootstrap of the fitted law into the simulated exponents.
    """
    rows = []
    for law in laws:
        s = simulate_kaplan_study(law, **kwargs)
        rows.append(
            {
                "law": s.law,
                "a_law": s.a_law,
                "a_total": s.a_total,
                "a_nonembedding": s.a_nonembedding,
            }
        )
    if not rows:
        raise InputError("laws must not be empty")
    return pd.DataFrame(rows)


# ------------------------------------------------------------------- beyond Chinchilla-optimal


def implied_inference_demand(law: Any, params: Any, tokens: Any) -> float:
    """Lifetime inference tokens for which ``(params, tokens)`` is the inference-aware optimum.

    Along the iso-loss curve of a Chinchilla-form law, total cost ``6 N D(N) + 2 N D_inf``
    (Sardana et al. 2024, arXiv:2401.00448, §2) is stationary where
    ``D_inf = 3 D (αA N^-α / (βB D^-β) - 1)``. A positive value is the inference demand (tokens)
    that justifies training this model this long; zero means compute-optimal; a negative value
    means the model is *larger* than compute-optimal for its loss (no demand justifies it).

    Parameters
    ----------
    law : str or ParametricLaw
    params : float
        Total parameters N.
    tokens : float
        Training tokens D.
    """
    law = get_parametric_law(law, "implied_inference_demand")
    n = _positive(params, "params")
    d = _positive(tokens, "tokens")
    if n.size != 1 or d.size != 1:
        raise InputError("params and tokens must be single numbers")
    n0, d0 = float(n[0]), float(d[0])
    ratio = (law.alpha * law.A * n0**-law.alpha) / (law.beta * law.B * d0**-law.beta)
    return float(3.0 * d0 * (ratio - 1.0))


# ------------------------------------------- the Chinchilla chapter's analyses, one call each
def _law_of(row: Any, name: str) -> Any:
    return ParametricLaw(
        name=name, E=row.E, A=row.A, B=row.B, alpha=row.alpha, beta=row.beta, citation="bootstrap"
    )


def bootstrap_laws(estimates: pd.DataFrame, limit: int | None = None) -> list[Any]:
    """The first ``limit`` (default all) rows of a parametric bootstrap as Chinchilla-form laws.

    ``estimates`` is :attr:`scalinglaws.fitting.bootstrap.BootstrapResult.estimates` of
    :func:`~scalinglaws.fitting.bootstrap.bootstrap_parametric` (columns ``E, A, B, alpha, beta``); law
    ``i`` is named ``boot<i>``, e.g. to propagate the bootstrap into
    :func:`kaplan_study_exponents`. Rows are taken as they are: a resample with a non-finite or
    non-positive constant raises :class:`~scalinglaws.core.errors.InputError` (no silent filter).
    """
    if not isinstance(estimates, pd.DataFrame) or not {"E", "A", "B", "alpha", "beta"} <= set(
        estimates.columns
    ):
        raise InputError("estimates must have columns E, A, B, alpha, beta")
    rows = estimates if limit is None else estimates.head(limit)
    return [_law_of(r, f"boot{i}") for i, r in enumerate(rows.itertuples())]


def refit_tokens_per_param(C: float, estimates: pd.DataFrame) -> np.ndarray:
    """Compute-optimal tokens per parameter at ``C`` for every finite bootstrap resample.

    ``estimates`` as in :func:`bootstrap_laws`; resamples with a non-finite constant are left
    out. The percentile interval of the result is the refit's interval of ``D*/N*``.
    """
    if not isinstance(estimates, pd.DataFrame) or not {"E", "A", "B", "alpha", "beta"} <= set(
        estimates.columns
    ):
        raise InputError("estimates must have columns E, A, B, alpha, beta")
    return np.array(
        [
            compute_optimal(C, _law_of(r, "boot")).tokens_per_param
            for r in estimates.itertuples()
            if np.all(np.isfinite([r.E, r.A, r.B, r.alpha, r.beta]))
        ]
    )


def _optimum_field(law: Any, *, flops: float, key: str) -> float:
    return getattr(compute_optimal(flops, law), key)


def _inference_field(law: Any, *, target_params: float, inference_tokens: float, key: str) -> float:
    return getattr(inference_aware_for_target(law, target_params, inference_tokens), key)


def optimum_intervals(
    C: float,
    keys: Sequence[str] = ("params", "tokens_per_param"),
    *,
    n_boot: int = 4000,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """The canonical law's compute-optimal allocation at ``C`` with 95% intervals.

    One :func:`scalinglaws.analyses.uncertainty.propagate` per field of
    :class:`~scalinglaws.core.allocation.Allocation` in ``keys`` (same ``n_boot``, ``seed``): key ->
    :class:`~scalinglaws.analyses.uncertainty.Interval`.
    """
    return {
        key: propagate(partial(_optimum_field, flops=C, key=key), n_boot=n_boot, seed=seed)
        for key in keys
    }


def inference_intervals(
    target_params: float,
    inference_tokens: float,
    keys: Sequence[str] = ("params", "train_tokens", "savings"),
    *,
    n_boot: int = 4000,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Sardana et al.'s inference-aware optimum under the canonical law, with 95% intervals.

    The target is the loss of the compute-optimal ``target_params`` model, the demand
    ``inference_tokens`` (:func:`scalinglaws.core.allocation.inference_aware_for_target`); one
    :func:`~scalinglaws.analyses.uncertainty.propagate` per field in ``keys``: key -> Interval.
    """
    return {
        key: propagate(
            partial(
                _inference_field,
                target_params=target_params,
                inference_tokens=inference_tokens,
                key=key,
            ),
            n_boot=n_boot,
            seed=seed,
        )
        for key in keys
    }


def implied_demand_interval(
    params: float, tokens: float, *, n_boot: int = 4000, seed: int = DEFAULT_SEED
) -> Any:
    """:func:`implied_inference_demand` under the canonical law with its 95% interval (Interval)."""
    return propagate(
        partial(_implied_demand_of, params=params, tokens=tokens), n_boot=n_boot, seed=seed
    )


def _implied_demand_of(law: Any, *, params: float, tokens: float) -> float:
    return implied_inference_demand(law, params, tokens)


def inference_sweep(law: Any, loss: float, demands: Sequence[float]) -> pd.DataFrame:
    """:func:`scalinglaws.core.allocation.inference_aware` at a fixed ``loss`` for each demand (tokens).

    One row per demand with the fields of
    :class:`~scalinglaws.core.allocation.InferenceAwareResult`.
    """
    if len(demands) == 0:
        raise InputError("demands must not be empty")
    return pd.DataFrame([inference_aware(law, loss, d).to_dict() for d in demands])


#: Chinchilla (70B parameters, 1.4T tokens) and Gopher (280B, 300B), Hoffmann et al. 2022 Table 1.
CHINCHILLA_MODEL = (70e9, 1.4e12)
GOPHER_MODEL = (280e9, 300e9)


def chinchilla_vs_gopher(named_laws: Sequence[tuple[str, Any]]) -> pd.DataFrame:
    """Each law's predicted loss (nats/token) for Chinchilla and Gopher, and the gap.

    ``named_laws``: ``(label, law)`` pairs. Columns ``Law``, ``Chinchilla 70B / 1.4T``,
    ``Gopher 280B / 300B``, ``Gopher − Chinchilla`` (Gopher's loss minus Chinchilla's).
    """
    if not named_laws:
        raise InputError("named_laws must not be empty")
    cg = pd.DataFrame(
        {
            "Law": [n for n, _ in named_laws],
            "Chinchilla 70B / 1.4T": [float(law.loss(*CHINCHILLA_MODEL)) for _, law in named_laws],
            "Gopher 280B / 300B": [float(law.loss(*GOPHER_MODEL)) for _, law in named_laws],
        }
    )
    cg["Gopher − Chinchilla"] = cg["Gopher 280B / 300B"] - cg["Chinchilla 70B / 1.4T"]
    return cg


def porian_extrapolations(
    optimal_pairs: pd.DataFrame, steps: Sequence[int] = (1, 5), *, n_boot: int, seed: int
) -> dict[int, dict[str, float]]:
    """:func:`porian_fit` of the RefinedWeb set-ups numbered ``steps`` (1-5): step -> fit."""
    return {
        k: porian_fit(
            optimal_pairs, PORIAN_SOURCES["rw"], PORIAN_STEPS[k - 1], n_boot=n_boot, seed=seed
        )
        for k in steps
    }


def porian_extra_fits(
    optimal_pairs: pd.DataFrame, *, n_boot: int, seed: int
) -> dict[tuple[str, str], dict[str, float]]:
    """:func:`porian_fit` of every configuration in :data:`PORIAN_EXTRA`: (file, label) -> fit."""
    return {key: porian_fit(optimal_pairs, *key, n_boot=n_boot, seed=seed) for key in PORIAN_EXTRA}


def chi2_other_seeds(
    N: Any, D: Any, L: Any, law: Any, fit: Any, *, n_boot: int, seeds: Sequence[int]
) -> list[float]:
    """Besiroglu et al.'s χ² statistic of ``law`` against ``fit``, one bootstrap per seed.

    For each seed, :func:`scalinglaws.fitting.bootstrap.bootstrap_parametric` of ``(N, D, L)`` warm-started
    at ``fit`` and :func:`scalinglaws.fitting.significance.chi2_test`; the spread shows how much of the
    statistic is Monte Carlo noise of the bootstrap covariance.
    """
    return [
        chi2_test(
            bootstrap_parametric(N, D, L, n_boot=n_boot, seed=s, fit=fit, progress=False), law, fit
        ).statistic
        for s in seeds
    ]

"""The GPT series as numbers: size, data, compute, and where each model sat on the frontiers.

Builds the tables of the chapter "The GPT series: scale as a strategy" from the published facts in
:data:`scalinglaws.core.compute.GPT_SERIES` (GPT-1 to GPT-4, with citations) and the compute-optimal
rules of :mod:`scalinglaws.core.allocation` (Kaplan et al. 2020 Table 6; Hoffmann et al. 2022 eq 4).

Conventions. ``params`` are as published (GPT counts include embeddings). Where a model's token
count was not published but its training compute was estimated (Epoch AI's estimates for GPT-1 and
GPT-2), ``tokens`` is the count *implied* by ``C = 6 N D`` and ``tokens_source`` says so. Kaplan's
rule gives *non-embedding* parameters; for models of 10^8 parameters and more this differs from the
total by at most a few tens of per cent, which does not change any conclusion drawn here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.core import compute, validation
from scalinglaws.core.allocation import compute_optimal
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import DEFAULT_LAW, get_parametric_law, law_label
from scalinglaws.core.validation import DEFAULT_SEED

__all__ = [
    "series_table",
    "gpt3_family",
    "frontier_lines",
    "fit_benchmark_sigmoid",
    "sigmoid_band",
    "series_intervals",
    "chinchilla_band",
    "timeline",
    "benchmark_counts",
    "GPT3_TOKENS",
    "EPOCH_NAMES",
    "GADRE_DATASETS",
    "gpt3_table",
    "optimal_size_exponent",
    "tokens_at_optimal_size",
    "tokens_at_optimal_size_interval",
    "benchmark_models",
    "gpts_above_trend",
]

#: Names of the four GPT rows of :data:`scalinglaws.core.compute.GPT_SERIES` in Epoch AI's notable-models data.
EPOCH_NAMES: dict[str, str] = {
    "GPT-1": "GPT-1",
    "GPT-2 (1.5B)": "GPT-2 (1.5B)",
    "GPT-3 175B": "GPT-3 175B (davinci)",
    "GPT-4": "GPT-4",
}

#: All eight GPT-3 models were trained on 300B tokens (Brown et al. 2020, Table 2.1 caption).
GPT3_TOKENS: float = 300e9


def series_table(law_chinchilla: Any = DEFAULT_LAW) -> pd.DataFrame:
    """GPT-1 to GPT-4: published size and compute, tokens, tokens per parameter, optimal allocations.

    Parameters
    ----------
    law_chinchilla : str
        Chinchilla-form law for the compute-optimal comparison (default: the canonical law,
        :data:`scalinglaws.core.laws.DEFAULT_LAW`; any Chinchilla-form law or name works).

    Returns
    -------
    DataFrame
        One row per model: ``name, params, tokens, tokens_source`` ("published", "implied C/6N" or
        "unknown"), ``flops`` (published or estimated), ``flops_6nd`` (6 N D when both are known),
        ``tokens_per_param``, ``kaplan_params, kaplan_tokens, chinchilla_params,
        chinchilla_tokens`` (optimal allocations for the model's compute), ``vs_kaplan`` and
        ``vs_chinchilla`` (params / optimal params; NaN when params unknown), ``citation``,
        ``confidence``.
    """
    law_chinchilla = get_parametric_law(law_chinchilla, "the compute-optimal comparison")
    rows = []
    for m in compute.GPT_SERIES:
        n, d, c = m.params, m.tokens, m.flops
        if d is not None:
            source = "published"
        elif n is not None and c is not None:
            d = c / (6.0 * n)
            source = "implied C/6N"
        else:
            source = "unknown"
        k = compute_optimal(c, "kaplan")
        h = compute_optimal(c, law_chinchilla)
        rows.append(
            {
                "name": m.name,
                "params": np.nan if n is None else float(n),
                "tokens": np.nan if d is None else float(d),
                "tokens_source": source,
                "flops": float(c),
                "flops_6nd": float(compute.training_flops(n, m.tokens))
                if (n is not None and m.tokens is not None)
                else np.nan,
                "tokens_per_param": np.nan if (n is None or d is None) else float(d / n),
                "kaplan_params": k.params,
                "kaplan_tokens": k.tokens,
                "chinchilla_params": h.params,
                "chinchilla_tokens": h.tokens,
                "vs_kaplan": np.nan if n is None else float(n / k.params),
                "vs_chinchilla": np.nan if n is None else float(n / h.params),
                "citation": m.citation,
                "confidence": m.confidence,
            }
        )
    return pd.DataFrame(rows)


def gpt3_family() -> pd.DataFrame:
    """The eight GPT-3 models: Table 2.1 recomputed from architecture next to Table D.1.

    Returns
    -------
    DataFrame
        ``name, n_layers, d_model_printed, n_heads, d_head, n_params_printed`` (Table 2.1),
        ``n_params_recomputed`` (exact count from the printed architecture, vocab 50257, context
        2048, tied embeddings), ``n_params_recomputed_5120`` (13B row with d_model = 5120),
        ``rel_error`` (recomputed / printed - 1), ``n_params_table_d1``, ``typo`` (non-empty where the
        printed row is inconsistent), ``tokens`` (300e9), ``flops_printed`` (Table D.1),
        ``flops_6nd`` (6 N D with the D.1 parameter count), ``flops_rel_error``,
        ``tokens_per_param``.
    """
    p = compute.gpt3_param_table()
    p5120 = compute.gpt3_param_table(correct_13b=True)
    f = compute.gpt3_flops_table()
    out = p[
        [
            "name",
            "n_layers",
            "d_model_printed",
            "n_heads",
            "d_head",
            "n_params_printed",
            "n_params_recomputed",
        ]
    ].copy()
    out["n_params_recomputed_5120"] = p5120["n_params_recomputed"].to_numpy()
    out["rel_error"] = p["rel_error"].to_numpy()
    out["n_params_table_d1"] = p["n_params_table_d1"].to_numpy()
    out["typo"] = p["typo"].to_numpy()
    out["tokens"] = GPT3_TOKENS
    out["flops_printed"] = f["flops_printed"].to_numpy()
    out["flops_6nd"] = f["flops_6nd"].to_numpy()
    out["flops_rel_error"] = f["rel_error"].to_numpy()
    out["tokens_per_param"] = GPT3_TOKENS / out["n_params_table_d1"]
    return out


def frontier_lines(C: Any, law_chinchilla: Any = DEFAULT_LAW) -> pd.DataFrame:
    """Kaplan and Chinchilla compute-optimal parameter counts along a grid of budgets.

    Parameters
    ----------
    C : array-like
        Budgets C (FLOP), positive and finite.

    Returns
    -------
    DataFrame
        Long format: ``flops, params, tokens, rule`` with rule ``"Kaplan et al. 2020"`` or
        ``"Chinchilla form (<law label>)"`` (:func:`scalinglaws.core.laws.law_label`).
    """
    try:
        c = np.atleast_1d(np.asarray(C, dtype=np.float64))
    except (TypeError, ValueError):
        raise InputError(f"flops must be positive finite numbers, got {C!r}") from None
    if c.size == 0 or not np.all(np.isfinite(c) & (c > 0)):
        raise InputError("flops must be positive finite numbers")
    rows = []
    for ci in c:
        for law, label in (
            ("kaplan", "Kaplan et al. 2020"),
            (law_chinchilla, f"Chinchilla form ({law_label(law_chinchilla)})"),
        ):
            a = compute_optimal(float(ci), law)
            rows.append({"flops": float(ci), "params": a.params, "tokens": a.tokens, "rule": label})
    return pd.DataFrame(rows)


def _sigmoid_curve(p: np.ndarray, x: np.ndarray) -> np.ndarray:
    floor, mid, slope = p
    return floor + (1.0 - floor) / (1.0 + np.exp(-slope * (x - mid)))


def fit_benchmark_sigmoid(
    C: Any,
    score: Any,
    *,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> dict[str, Any]:
    """Fit ``score = f + (1 - f) / (1 + exp(-s (log10 C - m)))`` with a pairs bootstrap.

    A benchmark score is bounded: near chance (the floor ``f``) for small models and at most 1. A
    logistic curve in log10 compute describes that shape better than a line; ``m`` is the compute
    (log10 FLOP) halfway between the floor and a perfect score, ``s`` the steepness per decade.
    Least squares with ``scipy.optimize.least_squares`` (bounds: 0 <= f < 0.99, s > 0).

    Parameters
    ----------
    C : array-like
        Training compute C (FLOP), positive.
    score : array-like
        Scores in [0, 1], same length (>= 5).
    n_boot, seed, level
        Bootstrap resamples (>= 10), seed of ``np.random.default_rng``, interval level.

    Returns
    -------
    dict
        ``floor, mid, slope`` (point estimate), ``floor_ci, mid_ci, slope_ci``, ``converged``
        (optimizer status of the point fit), ``boot_converged`` (fraction), ``rmse``, ``n``,
        ``params_boot`` (array (n_ok, 3)), ``level``, ``n_boot``, ``seed``.
    """
    from scipy.optimize import least_squares

    try:
        c = np.asarray(C, dtype=np.float64)
        y = np.asarray(score, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("flops and score must be arrays of numbers") from None
    if c.ndim != 1 or c.shape != y.shape or len(c) < 5:
        raise InputError("flops and score must be 1-D arrays of equal length >= 5")
    if not np.all(np.isfinite(c) & (c > 0)):
        raise InputError("flops must be positive finite numbers")
    if not np.all(np.isfinite(y) & (y >= 0) & (y <= 1)):
        raise InputError("score must be finite fractions in [0, 1]")
    validation.resamples(n_boot)
    validation.seed(seed)
    validation.confidence_level(level)
    x = np.log10(c)
    lower, upper = [0.0, x.min() - 5.0, 1e-3], [0.99, x.max() + 10.0, 20.0]

    def jac(p: np.ndarray, xs: np.ndarray) -> np.ndarray:
        floor, mid, slope = p
        sig = 1.0 / (1.0 + np.exp(-slope * (xs - mid)))
        dsig = sig * (1.0 - sig)
        return np.column_stack(
            [1.0 - sig, -(1.0 - floor) * dsig * slope, (1.0 - floor) * dsig * (xs - mid)]
        )

    def solve(xs: np.ndarray, ys: np.ndarray, p0: Any) -> tuple[np.ndarray, bool]:
        r = least_squares(
            lambda p: _sigmoid_curve(p, xs) - ys,
            p0,
            jac=lambda p: jac(p, xs),
            bounds=(lower, upper),
            method="trf",
        )
        return r.x, bool(r.status > 0)

    start = [min(max(float(np.quantile(y, 0.05)), 0.0), 0.9), float(np.median(x)), 1.0]
    p, ok = solve(x, y, start)
    p_start = np.clip(p, np.add(lower, 1e-9), np.subtract(upper, 1e-9))
    rng = np.random.default_rng(seed)
    boots, oks = [], []
    for _ in range(int(n_boot)):
        idx = rng.integers(0, len(x), len(x))
        if np.ptp(x[idx]) == 0:
            continue
        pb, okb = solve(x[idx], y[idx], p_start)  # warm start at the point estimate
        boots.append(pb)
        oks.append(okb)
    boot = np.array(boots).reshape(-1, 3)
    q = [(1.0 - level) / 2.0, (1.0 + level) / 2.0]
    ci = np.quantile(boot, q, axis=0)
    resid = _sigmoid_curve(p, x) - y
    return {
        "floor": float(p[0]),
        "mid": float(p[1]),
        "slope": float(p[2]),
        "floor_ci": (float(ci[0, 0]), float(ci[1, 0])),
        "mid_ci": (float(ci[0, 1]), float(ci[1, 1])),
        "slope_ci": (float(ci[0, 2]), float(ci[1, 2])),
        "converged": ok,
        "boot_converged": float(np.mean(oks)) if oks else 0.0,
        "rmse": float(np.sqrt(np.mean(resid**2))),
        "n": len(x),
        "params_boot": boot,
        "level": float(level),
        "n_boot": int(n_boot),
        "seed": int(seed),
    }


def sigmoid_band(fit: dict[str, Any], C: Any) -> pd.DataFrame:
    """Curve and pointwise bootstrap band of :func:`fit_benchmark_sigmoid`: ``flops, score, lo, hi``."""
    if not isinstance(fit, dict) or "params_boot" not in fit:
        raise InputError("fit must be the dict returned by fit_benchmark_sigmoid")
    c = np.atleast_1d(np.asarray(C, dtype=np.float64))
    if c.size == 0 or not np.all(np.isfinite(c) & (c > 0)):
        raise InputError("flops must be positive finite numbers")
    x = np.log10(c)
    pb = fit["params_boot"]
    curves = pb[:, :1] + (1.0 - pb[:, :1]) / (1.0 + np.exp(-pb[:, 2:3] * (x[None, :] - pb[:, 1:2])))
    q = [(1.0 - fit["level"]) / 2.0, (1.0 + fit["level"]) / 2.0]
    lo, hi = np.quantile(curves, q, axis=0)
    mid = _sigmoid_curve(np.array([fit["floor"], fit["mid"], fit["slope"]]), x)
    return pd.DataFrame(
        {"flops": c, "score": mid, "lo": np.minimum(lo, mid), "hi": np.maximum(hi, mid)}
    )


def series_intervals(
    *, n_boot: int = 1000, seed: int = DEFAULT_SEED, level: float = 0.95
) -> pd.DataFrame:
    """Canonical-law optimal size and tokens for each GPT's compute, and params / optimal, with intervals.

    Every quantity is ``f(canonical law)`` with the ``level`` percentile interval of ``f`` over the
    law's bootstrap cloud (:func:`scalinglaws.analyses.uncertainty.propagate`, ``n_boot`` resamples >= 50,
    ``seed``).

    Returns
    -------
    DataFrame
        One row per model: ``name, flops``, and for each of ``chinchilla_params``,
        ``chinchilla_tokens``, ``vs_chinchilla`` the columns ``<q>``, ``<q>_lo``, ``<q>_hi``
        (``vs_chinchilla`` NaN where the size is unknown).
    """
    from scalinglaws.analyses.uncertainty import propagate

    rows = []
    for m in compute.GPT_SERIES:
        c = float(m.flops)
        row: dict[str, Any] = {"name": m.name, "flops": c}
        quantities = {
            "chinchilla_params": lambda law, c=c: compute_optimal(c, law).params,
            "chinchilla_tokens": lambda law, c=c: compute_optimal(c, law).tokens,
        }
        if m.params is not None:
            n = float(m.params)
            quantities["vs_chinchilla"] = lambda law, c=c, n=n: n / compute_optimal(c, law).params
        for q in ("chinchilla_params", "chinchilla_tokens", "vs_chinchilla"):
            if q in quantities:
                iv = propagate(quantities[q], n_boot=n_boot, seed=seed, level=level)
                row.update({q: iv.value, f"{q}_lo": iv.lo, f"{q}_hi": iv.hi})
            else:
                row.update({q: np.nan, f"{q}_lo": np.nan, f"{q}_hi": np.nan})
        rows.append(row)
    return pd.DataFrame(rows)


def timeline(models: pd.DataFrame) -> pd.DataFrame:
    """Publication dates of GPT-1 to GPT-4 (Epoch AI's data) and of Kaplan et al. 2020.

    Parameters
    ----------
    models : DataFrame
        :func:`scalinglaws.data.load` ``("epoch_notable_models")`` (columns ``model``,
        ``publication_date``).

    Returns
    -------
    DataFrame
        ``name, date`` (Timestamp), ``source``, sorted by date; Kaplan et al.'s row is
        :data:`scalinglaws.core.compute.KAPLAN_2020_DATE` (arXiv:2001.08361 v1).
    """
    if not isinstance(models, pd.DataFrame) or not {"model", "publication_date"} <= set(
        models.columns
    ):
        raise InputError("models must be the epoch_notable_models table")
    dates = models.set_index("model")["publication_date"]
    rows = []
    for name, epoch_name in EPOCH_NAMES.items():
        if epoch_name not in dates.index:
            raise InputError(f"{epoch_name!r} is not in the notable-models data")
        rows.append(
            {
                "name": name,
                "date": pd.Timestamp(dates.loc[epoch_name]),
                "source": "Epoch AI notable-models data",
            }
        )
    rows.append(
        {
            "name": "Kaplan et al. 2020",
            "date": pd.Timestamp(compute.KAPLAN_2020_DATE),
            "source": "arXiv:2001.08361 v1",
        }
    )
    return pd.DataFrame(rows).sort_values("date", kind="stable").reset_index(drop=True)


def benchmark_counts(base: pd.DataFrame, benchmark: str) -> dict[str, int]:
    """How many of Ruan et al.'s base models enter a benchmark-against-compute fit, filter by filter.

    Parameters
    ----------
    base : DataFrame
        :func:`scalinglaws.data.load` ``("obsscaling_ruan", "base")``.
    benchmark : str
        A benchmark column of that table.

    Returns
    -------
    dict
        ``models`` and ``families`` (all rows of the released table), ``with_compute`` and
        ``families_with_compute`` (rows with a published FLOP count, > 0; the others lack a
        published token count), ``without_compute``, ``with_score`` (rows with compute and a
        score on ``benchmark``): the last is the number of models in the fit.
    """
    if not isinstance(base, pd.DataFrame) or not {"flops", "family"} <= set(base.columns):
        raise InputError("base must be the obsscaling_ruan 'base' table")
    if benchmark not in base.columns:
        raise InputError(f"no benchmark column {benchmark!r}")
    has_c = base["flops"].notna() & (base["flops"] > 0)
    has_score = has_c & base[benchmark].notna()
    return {
        "models": len(base),
        "families": int(base["family"].nunique()),
        "with_compute": int(has_c.sum()),
        "families_with_compute": int(base.loc[has_c, "family"].nunique()),
        "without_compute": int((~has_c).sum()),
        "with_score": int(has_score.sum()),
    }


def chinchilla_band(
    C: Any, *, n_boot: int = 1000, seed: int = DEFAULT_SEED, level: float = 0.95
) -> pd.DataFrame:
    """Canonical-law compute-optimal size along a grid of budgets, with a pointwise interval.

    ``params`` is ``N_opt(C)`` of the canonical law (:data:`scalinglaws.core.laws.DEFAULT_LAW`);
    ``lo``, ``hi`` the ``level`` percentile interval of ``N_opt(C)`` over the law's ``n_boot``
    bootstrap resamples (:func:`scalinglaws.analyses.uncertainty.law_samples`, seeded), the same cloud as
    :func:`scalinglaws.analyses.uncertainty.propagate`.

    Returns
    -------
    DataFrame
        ``flops, params, lo, hi`` (parameters, all of them, embeddings included).
    """
    from scalinglaws.analyses.uncertainty import law_samples

    try:
        c = np.atleast_1d(np.asarray(C, dtype=np.float64))
    except (TypeError, ValueError):
        raise InputError(f"flops must be positive finite numbers, got {C!r}") from None
    if c.size == 0 or not np.all(np.isfinite(c) & (c > 0)):
        raise InputError("flops must be positive finite numbers")
    validation.confidence_level(level, minimum=0.5)
    laws = law_samples(n_boot, seed)
    g = np.array([law.G for law in laws])[:, None]
    a = np.array([law.a for law in laws])[:, None]
    cloud = g * (c[None, :] / 6.0) ** a
    lo, hi = np.quantile(cloud, [(1 - level) / 2, (1 + level) / 2], axis=0)
    canonical = get_parametric_law(DEFAULT_LAW)
    mid = canonical.G * (c / 6.0) ** canonical.a
    return pd.DataFrame({"flops": c, "params": mid, "lo": lo, "hi": hi})


# ------------------------------------------------------------------ helpers of the chapter's sections
#: Display names of Gadre et al.'s training sets (the ``dataset`` column of ``gadre_overtraining``).
GADRE_DATASETS: dict[str, str] = {
    "rpj": "RedPajama",
    "c4_original": "C4",
    "rw_original": "RefinedWeb",
}

#: Columns of :func:`gpt3_table`: (column of :func:`gpt3_family`, header, display format).
_GPT3_TABLE: tuple[tuple[str, str, str | None], ...] = (
    ("name", "Model", None),
    ("d_model_printed", "d_model", None),
    ("n_heads", "Heads", None),
    ("d_head", "d_head", None),
    ("n_params_printed", "Params (2.1)", "{:.3g}"),
    ("n_params_recomputed", "Params (recomputed)", "{:.4g}"),
    ("n_params_table_d1", "Params (D.1)", "{:.4g}"),
    ("flops_printed", "FLOP (D.1)", "{:.3g}"),
    ("flops_6nd", "FLOP = 6ND", "{:.4g}"),
    ("tokens_per_param", "Tokens/param", "{:.1f}"),
)


def gpt3_table(family: pd.DataFrame) -> pd.DataFrame:
    """Table 2.1 recomputed, for display: :func:`gpt3_family` with readable headers and rounding.

    Parameter counts and FLOP to 3 (printed) or 4 (recomputed) significant digits, tokens per
    parameter to one decimal, and a ``Flag`` column marking the rows whose heads x head
    dimension differ from the printed width. Indexed by model name.
    """
    cols = {c for c, _, _ in _GPT3_TABLE} | {"typo"}
    if not isinstance(family, pd.DataFrame) or not cols <= set(family.columns):
        raise InputError("family must be the table returned by gpt3_family()")
    show = family[[c for c, _, _ in _GPT3_TABLE]].copy()
    show.columns = [h for _, h, _ in _GPT3_TABLE]
    show["Flag"] = np.where(family["typo"] != "", "heads × d_head ≠ d_model", "")
    for _, header, spec in _GPT3_TABLE:
        if spec is not None:
            show[header] = show[header].map(spec.format)
    return show.set_index("Model")


def optimal_size_exponent(
    *, n_boot: int = 1000, seed: int = DEFAULT_SEED, level: float = 0.95
) -> Any:
    """Exponent ``a`` of ``N_opt ∝ C^a`` of the canonical law, with its bootstrap interval.

    Returns the :class:`scalinglaws.analyses.uncertainty.Interval` of ``law.a`` over the canonical law's
    ``n_boot`` resamples (:func:`scalinglaws.analyses.uncertainty.propagate`).
    """
    from scalinglaws.analyses.uncertainty import propagate

    return propagate(_exponent_a, n_boot=n_boot, seed=seed, level=level)


def _exponent_a(law: Any) -> float:
    return law.a


def tokens_at_optimal_size(params: float, law: Any = DEFAULT_LAW) -> float:
    """Tokens ``D`` of the compute-optimal allocation whose size is ``params`` under ``law``.

    Finds the budget at which ``params`` is compute-optimal
    (:func:`scalinglaws.core.allocation.flops_for_optimal_params`) and returns that budget's optimal
    token count (:func:`scalinglaws.core.allocation.compute_optimal`).
    """
    from scalinglaws.core.allocation import flops_for_optimal_params

    return compute_optimal(flops_for_optimal_params(params, law), law).tokens


def tokens_at_optimal_size_interval(
    params: float, *, n_boot: int = 1000, seed: int = DEFAULT_SEED, level: float = 0.95
) -> Any:
    """:func:`tokens_at_optimal_size` under the canonical law, with its bootstrap interval."""
    from functools import partial

    from scalinglaws.analyses.uncertainty import propagate

    return propagate(partial(tokens_at_optimal_size, params), n_boot=n_boot, seed=seed, level=level)


def benchmark_models(base: pd.DataFrame, benchmark: str) -> pd.DataFrame:
    """The rows of Ruan et al.'s base table that enter the benchmark fit: compute > 0 and a score.

    The count equals :func:`benchmark_counts` ``["with_score"]``.
    """
    benchmark_counts(base, benchmark)  # checks the table and the column
    bench = base.dropna(subset=["flops", benchmark])
    return bench[bench["flops"] > 0].copy()


def gpts_above_trend(models: pd.DataFrame, fit: Any) -> list[str]:
    """Names (Epoch's) of GPT-1 to GPT-4 whose compute lies above ``fit``'s line in their year.

    ``models`` is the Epoch notable-models table, ``fit`` a compute
    :class:`scalinglaws.analyses.trends.TrendFit`.
    """
    from scalinglaws.analyses.trends import select_models

    rows = select_models(models, start="2018-01-01", end="2024-12-31")
    rows = rows[rows["model"].isin(list(EPOCH_NAMES.values()))]
    return [
        m
        for m, y, v in zip(rows["model"], rows["year"], rows["log10_value"], strict=True)
        if v > fit.predict_log10(y)
    ]

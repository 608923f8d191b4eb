"""Growth-rate fits of Epoch AI's notable-models data: how fast do compute and data grow per year?

The model is a straight line in log10 space against the calendar,

    log10 Q(t) = intercept + slope * (t - ref_year),

fitted by ordinary least squares (closed form, so there is nothing to converge), where ``Q`` is a
positive quantity of one model (training compute in FLOP, dataset size in tokens, parameters) and
``t`` its publication date as a fractional year (:func:`fractional_year`). ``slope`` is in orders
of magnitude (OOM) per year; the **growth factor per year** is ``10**slope`` and the doubling
time is ``12 log10(2) / slope`` months. Uncertainty comes from a seeded pairs bootstrap (models
resampled with replacement, ``np.random.default_rng(seed)``), reported as percentile intervals.

Typical use (compute chapter and "data wall" chapter)::

    from scalinglaws.data import load
    from scalinglaws.analyses import trends
    models = load("epoch_notable_models")
    fit = trends.fit_growth(models, start="2010-01-01", end="2024-05-31")
    fit.growth_per_year, fit.growth_ci            # ~4.26x/yr and its 95 % interval
    lm = trends.fit_growth(models, start="2017-06-01", end="2024-05-31", language_only=True)
    tok = trends.fit_growth(models, quantity="dataset_size_tokens", language_only=True,
                            start="2010-01-01", end="2024-12-31")
    band = trends.trend_band(fit, years=np.linspace(2010, 2025, 61))  # for a chart

``quantity`` is a column of :func:`scalinglaws.data.load` ``("epoch_notable_models")``; use
``"dataset_size_tokens"`` (never ``dataset_size_datapoints``, which is in *words* for many language
models: the loader converts words to tokens at 0.75 words/token as Epoch's notes say).

Published numbers to compare with (different data version and method, so not equal):
Epoch AI, "Training compute of frontier AI models grows by 4-5x per year" (2024): 4-5x/yr for
notable models 2010-May 2024, up to 9x/yr for notable language models June 2017-May 2024.
Data: Epoch AI, "Parameter, Compute and Data Trends in Machine Learning" (CC BY 4.0; credit Epoch
AI), export of 2025-02-24.
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

__all__ = [
    "DEFAULT_REF_YEAR",
    "TrendFit",
    "fractional_year",
    "select_models",
    "fit_growth",
    "trend_band",
    "growth_table",
]

#: Reference year of the fitted intercept (the line is ``intercept + slope * (year - ref)``).
DEFAULT_REF_YEAR: float = 2020.0

_LOG10_2 = math.log10(2.0)


def _timestamp(value: Any, name: str) -> pd.Timestamp:
    """Parse a date (``'2017-06-01'``, ``datetime``, ``Timestamp``) or raise InputError."""
    if value is None or isinstance(value, bool) or isinstance(value, int | float):
        raise InputError(f"{name} must be a date such as '2017-06-01', got {value!r}")
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a date such as '2017-06-01', got {value!r}") from None
    if ts is pd.NaT or pd.isna(ts):
        raise InputError(f"{name} must be a date such as '2017-06-01', got {value!r}")
    return ts


def fractional_year(dates: Any) -> np.ndarray:
    """Dates as fractional years: ``year + (day_of_year - 1) / days_in_year`` (float64).

    ``2020-01-01`` is 2020.0 and ``2020-07-02`` (leap year) is 2020.5. Raises InputError on
    missing or unparseable dates.
    """
    try:
        s = pd.to_datetime(pd.Series(dates), errors="raise")
    except (TypeError, ValueError):
        raise InputError("dates must be parseable dates such as '2017-06-01'") from None
    if s.isna().any():
        raise InputError("dates contain a missing value (NaT)")
    days = np.where(s.dt.is_leap_year.to_numpy(), 366.0, 365.0)
    out = s.dt.year.to_numpy(dtype=np.float64) + (s.dt.day_of_year.to_numpy() - 1.0) / days
    return out.astype(np.float64)


def select_models(
    models: pd.DataFrame,
    *,
    quantity: str = "training_compute_flop",
    start: Any = "2010-01-01",
    end: Any = "2024-05-31",
    language_only: bool = False,
    frontier_only: bool = False,
) -> pd.DataFrame:
    """Rows of the Epoch table inside a date window with a positive, finite ``quantity``.

    Parameters
    ----------
    models : DataFrame
        ``scalinglaws.data.load("epoch_notable_models")`` (needs ``model``, ``publication_date``,
        ``quantity``; ``is_language`` / ``frontier_model`` when the filters are on).
    quantity : str
        Column to fit, e.g. ``training_compute_flop`` (FLOP), ``dataset_size_tokens`` (tokens),
        ``parameters``.
    start, end : date-like
        Inclusive publication-date window.
    language_only : bool
        Keep models whose Domain contains "Language" (``is_language``).
    frontier_only : bool
        Keep Epoch's frontier models (``frontier_model``: top 10 by compute at release).

    Returns
    -------
    DataFrame
        Columns ``model, publication_date, year`` (fractional), ``value`` (the quantity),
        ``log10_value``, sorted by date then model (deterministic).
    """
    if not isinstance(models, pd.DataFrame):
        raise InputError(f"models must be a pandas DataFrame, got {type(models).__name__}")
    if not isinstance(quantity, str) or quantity not in models.columns:
        raise InputError(f"quantity must be a column of the models table, got {quantity!r}")
    for flag, name in ((language_only, "language_only"), (frontier_only, "frontier_only")):
        if not isinstance(flag, bool | np.bool_):
            raise InputError(f"{name} must be true or false, got {flag!r}")
    needed = ["model", "publication_date"]
    needed += ["is_language"] if language_only else []
    needed += ["frontier_model"] if frontier_only else []
    for col in needed:
        if col not in models.columns:
            raise InputError(f"models table has no column {col!r}")
    t0, t1 = _timestamp(start, "start"), _timestamp(end, "end")
    if not t0 < t1:
        raise InputError(f"start must be before end, got {t0.date()} and {t1.date()}")
    dates = pd.to_datetime(models["publication_date"], errors="coerce")
    value = pd.to_numeric(models[quantity], errors="coerce").astype("float64")
    keep = dates.notna() & (dates >= t0) & (dates <= t1) & np.isfinite(value) & (value > 0)
    if language_only:
        keep &= models["is_language"].fillna(False).astype(bool)
    if frontier_only:
        keep &= models["frontier_model"].fillna(False).astype(bool)
    out = pd.DataFrame(
        {
            "model": models.loc[keep, "model"].astype(str),
            "publication_date": dates[keep],
            "value": value[keep],
        }
    )
    out = out.sort_values(["publication_date", "model"], kind="stable").reset_index(drop=True)
    out.insert(2, "year", fractional_year(out["publication_date"]) if len(out) else [])
    out["log10_value"] = np.log10(out["value"].to_numpy(dtype=np.float64))
    return out


@dataclass(frozen=True)
class TrendFit:
    """A log-linear growth fit ``log10 Q = intercept + slope (year - ref_year)``.

    Attributes
    ----------
    quantity : str
        Fitted column (e.g. ``training_compute_flop``, FLOP).
    start, end : str
        Inclusive date window (ISO dates).
    language_only, frontier_only : bool
        Filters applied.
    n : int
        Number of models fitted.
    slope : float
        Orders of magnitude per year (OLS).
    slope_ci : tuple of float
        Percentile bootstrap interval of ``slope`` at ``level``.
    intercept : float
        log10 Q at ``ref_year``.
    ref_year : float
        Reference year of the intercept.
    growth_per_year : float
        ``10**slope`` (e.g. 4.26 means x4.26 per year).
    growth_ci : tuple of float
        ``10**slope_ci``.
    doubling_months : float
        ``12 log10(2) / slope`` (inf if slope <= 0).
    doubling_months_ci : tuple of float
        Doubling time at the two ends of ``slope_ci`` (low growth gives the long doubling).
    r2 : float
        Coefficient of determination of the OLS line.
    residual_sd : float
        Standard deviation of the residuals (OOM).
    level : float
        Confidence level of the intervals.
    n_boot, seed : int
        Bootstrap resamples and seed.
    converged : bool
        Always True: OLS has a closed form (kept so every fit in the book reports it).
    boot_slopes, boot_intercepts : numpy.ndarray
        Bootstrap replicates (used by :func:`trend_band`).
    """

    quantity: str
    start: str
    end: str
    language_only: bool
    frontier_only: bool
    n: int
    slope: float
    slope_ci: tuple[float, float]
    intercept: float
    ref_year: float
    growth_per_year: float
    growth_ci: tuple[float, float]
    doubling_months: float
    doubling_months_ci: tuple[float, float]
    r2: float
    residual_sd: float
    level: float
    n_boot: int
    seed: int
    converged: bool
    boot_slopes: np.ndarray
    boot_intercepts: np.ndarray

    def predict_log10(self, year: Any) -> float | np.ndarray:
        """Fitted log10 Q at fractional ``year`` (scalar or array)."""
        y = np.asarray(_finite(year, "year"), dtype=np.float64)
        out = self.intercept + self.slope * (y - self.ref_year)
        return float(out) if out.ndim == 0 else out

    def to_dict(self) -> dict[str, Any]:
        """Summary fields (without the bootstrap arrays), JSON-serialisable."""
        d = asdict(self)
        d.pop("boot_slopes")
        d.pop("boot_intercepts")
        return d


def _finite(value: Any, name: str) -> float | np.ndarray:
    if isinstance(value, bool) or value is None or isinstance(value, str | bytes):
        raise InputError(f"{name} must be a finite number, got {value!r}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a finite number, got {value!r}") from None
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be a finite number, got {value!r}")
    return arr


def _int_param(value: Any, name: str, minimum: int) -> int:
    return validation.int_at_least(value, name, minimum)


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise OLS of y on x for 2-D arrays (resamples in rows): (slopes, intercepts)."""
    xm = x.mean(axis=-1, keepdims=True)
    ym = y.mean(axis=-1, keepdims=True)
    sxx = ((x - xm) ** 2).sum(axis=-1)
    sxy = ((x - xm) * (y - ym)).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = sxy / sxx
    return slope, ym[..., 0] - slope * xm[..., 0]


def _doubling(slope: float) -> float:
    return 12.0 * _LOG10_2 / slope if slope > 0 else math.inf


def fit_growth(
    models: pd.DataFrame,
    *,
    quantity: str = "training_compute_flop",
    start: Any = "2010-01-01",
    end: Any = "2024-05-31",
    language_only: bool = False,
    frontier_only: bool = False,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
    ref_year: float = DEFAULT_REF_YEAR,
) -> TrendFit:
    """Fit the yearly growth factor of ``quantity`` over a date window (OLS + pairs bootstrap).

    Parameters
    ----------
    models : DataFrame
        The Epoch notable-models table (see :func:`select_models` for filters and columns).
    quantity, start, end, language_only, frontier_only
        Passed to :func:`select_models`.
    n_boot : int
        Bootstrap resamples (>= 10); models are resampled with replacement.
    seed : int
        Seed of ``np.random.default_rng``.
    level : float
        Confidence level of the percentile intervals, in (0, 1).
    ref_year : float
        Year at which the intercept is reported.

    Returns
    -------
    TrendFit

    Raises
    ------
    InputError
        Bad arguments, or fewer than 3 models (or a single date) in the window.

    Notes
    -----
    On the 2025-02-24 export this gives 4.26x/yr for all models 2010-01-01..2024-05-31 (n = 371)
    and 10.6x/yr for language models 2017-06-01..2024-05-31 (n = 192) (datasets.md §4, a check of
    this file, not Epoch's published method).
    """
    n_boot = _int_param(n_boot, "n_boot", 10)
    seed = _int_param(seed, "seed", 0)
    lvl = float(_finite(level, "level"))
    if not 0.0 < lvl < 1.0:
        raise InputError(f"level must be in (0, 1), got {level!r}")
    ref = float(_finite(ref_year, "ref_year"))
    sel = select_models(
        models,
        quantity=quantity,
        start=start,
        end=end,
        language_only=language_only,
        frontier_only=frontier_only,
    )
    n = len(sel)
    if n < 3:
        raise InputError(f"need at least 3 models with {quantity} in the window, got {n}")
    x = sel["year"].to_numpy(dtype=np.float64) - ref
    y = sel["log10_value"].to_numpy(dtype=np.float64)
    if np.ptp(x) == 0:
        raise InputError("all models in the window have the same date; cannot fit a trend")
    s1, i1 = _ols(x[None, :], y[None, :])
    slope, intercept = float(s1[0]), float(i1[0])
    resid = y - (intercept + slope * x)
    ss_tot = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / ss_tot if ss_tot > 0 else 1.0
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    bs, bi = _ols(x[idx], y[idx])
    ok = np.isfinite(bs)  # a resample with a single date has no slope
    bs, bi = bs[ok], bi[ok]
    q = [(1.0 - lvl) / 2.0, (1.0 + lvl) / 2.0]
    s_lo, s_hi = (float(v) for v in np.quantile(bs, q))
    t0, t1 = _timestamp(start, "start"), _timestamp(end, "end")
    return TrendFit(
        quantity=quantity,
        start=t0.date().isoformat(),
        end=t1.date().isoformat(),
        language_only=bool(language_only),
        frontier_only=bool(frontier_only),
        n=n,
        slope=slope,
        slope_ci=(s_lo, s_hi),
        intercept=intercept,
        ref_year=ref,
        growth_per_year=10.0**slope,
        growth_ci=(10.0**s_lo, 10.0**s_hi),
        doubling_months=_doubling(slope),
        doubling_months_ci=(_doubling(s_hi), _doubling(s_lo)),
        r2=r2,
        residual_sd=float(resid.std(ddof=2)) if n > 2 else math.nan,
        level=lvl,
        n_boot=n_boot,
        seed=seed,
        converged=True,
        boot_slopes=bs,
        boot_intercepts=bi,
    )


def trend_band(fit: TrendFit, years: Any) -> pd.DataFrame:
    """The fitted line and its pointwise bootstrap band, in linear units of the quantity.

    Parameters
    ----------
    fit : TrendFit
    years : array-like of float
        Fractional years at which to evaluate.

    Returns
    -------
    DataFrame
        Columns ``year, fit, lo, hi`` (the quantity's unit, e.g. FLOP) and ``log10_fit``;
        ``lo``/``hi`` are the pointwise percentile band of the bootstrap lines at ``fit.level``.
    """
    if not isinstance(fit, TrendFit):
        raise InputError(f"fit must be a TrendFit, got {type(fit).__name__}")
    yrs = np.atleast_1d(np.asarray(_finite(years, "years"), dtype=np.float64))
    x = yrs - fit.ref_year
    lines = fit.boot_intercepts[:, None] + fit.boot_slopes[:, None] * x[None, :]
    q = [(1.0 - fit.level) / 2.0, (1.0 + fit.level) / 2.0]
    lo, hi = np.quantile(lines, q, axis=0)
    mid = fit.intercept + fit.slope * x
    return pd.DataFrame(
        {
            "year": yrs,
            "fit": 10.0**mid,
            "lo": 10.0 ** np.minimum(lo, mid),
            "hi": 10.0 ** np.maximum(hi, mid),
            "log10_fit": mid,
        }
    )


def growth_table(fits: dict[str, TrendFit]) -> pd.DataFrame:
    """One row per named fit: ``name, quantity, start, end, language_only, n, growth_per_year,
    growth_lo, growth_hi, oom_per_year, doubling_months, r2``."""
    rows = []
    for name, f in fits.items():
        if not isinstance(f, TrendFit):
            raise InputError(f"fits[{name!r}] must be a TrendFit, got {type(f).__name__}")
        rows.append(
            {
                "name": name,
                "quantity": f.quantity,
                "start": f.start,
                "end": f.end,
                "language_only": f.language_only,
                "n": f.n,
                "growth_per_year": f.growth_per_year,
                "growth_lo": f.growth_ci[0],
                "growth_hi": f.growth_ci[1],
                "oom_per_year": f.slope,
                "doubling_months": f.doubling_months,
                "r2": f.r2,
            }
        )
    return pd.DataFrame(rows)

"""Running out of data: training-set growth projected against the stock of public human text.

Stock (Villalobos et al. 2024, "Will we run out of data?", ICML, arXiv:2211.04325, abstract and
Fig. 1): effective stock of quality- and repetition-adjusted public human text about 300T
tokens, 90 % interval 100T-1000T; full use 2026-2032 (80 % interval), median 2028; earlier with
over-training (5x -> 2027, 100x -> 2025, as summarised from the Epoch post).

Model here: the largest training sets grow log-linearly, ``log10 D(t) = i + s (t - ref)``
(:func:`scalinglaws.analyses.trends.fit_growth` on Epoch's notable models, ``dataset_size_tokens``).
The year of full use solves ``D(t) = S``. A Monte Carlo draws ``(s, i)`` pairs from the growth
fit's bootstrap replicates and the stock ``S`` from a lognormal whose 5th and 95th percentiles are
100T and 1000T (so its median is sqrt(100T x 1000T) = 316T, not 300T).

Over-training: at fixed compute ``C = 6 N D`` a run that uses ``O`` times the compute-optimal
tokens-per-parameter ratio needs ``D = sqrt(O) x D_opt(C)`` tokens (``D_opt ∝ sqrt(C D/N)``), so
it reaches the stock ``log10(sqrt(O)) / s`` years earlier.

Repeated data (Muennighoff et al. 2023): with decay constant ``R_D*``, ``e`` epochs over ``U``
unique tokens are worth ``U (1 + R_D* (1 - exp(-(e - 1)/R_D*)))`` fresh tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from scalinglaws.analyses.trends import TrendFit
from scalinglaws.core import validation
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import as_positive
from scalinglaws.core.validation import DEFAULT_SEED

__all__ = [
    "wall_scenarios",
    "STOCK_MEDIAN",
    "STOCK_LO",
    "STOCK_HI",
    "PAPER_YEAR_MEDIAN",
    "PAPER_YEAR_INTERVAL",
    "PAPER_OVERTRAIN_YEARS",
    "stock_lognormal",
    "year_of_full_use",
    "DataWallMC",
    "data_wall_mc",
    "overtraining_shift_years",
    "epoch_value",
]

#: Villalobos et al. 2024 (abstract): effective stock of public human text, tokens.
STOCK_MEDIAN: float = 300e12
#: Its 90 % interval, tokens (Villalobos et al. 2024, abstract).
STOCK_LO: float = 100e12
STOCK_HI: float = 1000e12
#: Villalobos et al. 2024: median year of full use and its 80 % interval.
PAPER_YEAR_MEDIAN: float = 2028.0
PAPER_YEAR_INTERVAL: tuple[float, float] = (2026.0, 2032.0)
#: Villalobos et al. 2024 (Epoch post, as summarised): year of full use with over-training by
#: the factor O (key), printed to the year. Their projection models dataset growth through compute
#: growth; ours extrapolates training-set sizes directly, so compare the *shifts* from the baseline.
PAPER_OVERTRAIN_YEARS: dict[float, float] = {5.0: 2027.0, 100.0: 2025.0}


def stock_lognormal(lo: float = STOCK_LO, hi: float = STOCK_HI, level: float = 0.90) -> tuple:
    """``(mu, sigma)`` of a lognormal (natural log) whose central ``level`` interval is [lo, hi]."""
    lo_, hi_ = as_positive(lo, "lo"), as_positive(hi, "hi")
    if not hi_ > lo_:
        raise InputError(f"hi must exceed lo, got {lo!r} and {hi!r}")
    validation.confidence_level(level)
    z = norm.ppf(0.5 + level / 2.0)
    mu = 0.5 * (np.log(lo_) + np.log(hi_))
    return float(mu), float((np.log(hi_) - np.log(lo_)) / (2.0 * z))


def year_of_full_use(
    slope: Any, intercept: Any, stock: Any, *, ref_year: float, overtrain: float = 1.0
) -> float | np.ndarray:
    """Year ``t`` at which ``log10 D(t) + log10(sqrt(overtrain))`` reaches ``log10(stock)``.

    ``slope`` in orders of magnitude per year (must be > 0), ``intercept`` = log10 tokens at
    ``ref_year``, ``stock`` in tokens, ``overtrain`` the over-training factor O (>= 1 typical).
    """
    s = np.asarray(slope, dtype=np.float64)
    if np.any(~np.isfinite(s)) or np.any(s <= 0):
        raise InputError("slope must be positive: a shrinking trend never reaches the stock")
    i = np.asarray(intercept, dtype=np.float64)
    st = np.asarray(as_positive(stock, "stock"))
    o = as_positive(overtrain, "overtrain")
    out = ref_year + (np.log10(st) - 0.5 * np.log10(o) - i) / s
    return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True)
class DataWallMC:
    """Monte Carlo of the year of full use.

    ``years`` holds the draws; ``median``, ``interval`` (central ``level``) summarise them;
    ``point`` is the year from the point fit and the median stock; ``stock_mu``/``stock_sigma``
    the lognormal of the stock; ``overtrain`` the factor used.
    """

    years: np.ndarray
    median: float
    interval: tuple[float, float]
    point: float
    level: float
    stock_mu: float
    stock_sigma: float
    overtrain: float
    n_mc: int
    seed: int


def data_wall_mc(
    fit: TrendFit,
    *,
    n_mc: int = 20000,
    seed: int = DEFAULT_SEED,
    overtrain: float = 1.0,
    level: float = 0.80,
    stock_lo: float = STOCK_LO,
    stock_hi: float = STOCK_HI,
) -> DataWallMC:
    """Year of full use with uncertainty from the growth fit and the stock (seeded Monte Carlo).

    Each draw takes one bootstrap replicate ``(slope, intercept)`` of ``fit`` (uniformly, with
    replacement) and an independent stock from :func:`stock_lognormal`; draws with a
    non-positive slope are dropped. ``level`` 0.80 matches Villalobos et al.'s 80 % interval.
    """
    if not isinstance(fit, TrendFit):
        raise InputError(f"fit must be a TrendFit, got {type(fit).__name__}")
    validation.resamples(n_mc, "n_mc", minimum=100)
    validation.confidence_level(level)
    mu, sigma = stock_lognormal(stock_lo, stock_hi)
    rng = np.random.default_rng(seed)
    k = rng.integers(0, fit.boot_slopes.size, size=int(n_mc))
    stock = np.exp(rng.normal(mu, sigma, size=int(n_mc)))
    s, i = fit.boot_slopes[k], fit.boot_intercepts[k]
    ok = s > 0
    years = year_of_full_use(s[ok], i[ok], stock[ok], ref_year=fit.ref_year, overtrain=overtrain)
    q = [(1 - level) / 2, 0.5, (1 + level) / 2]
    lo, med, hi = (float(v) for v in np.quantile(years, q))
    point = year_of_full_use(
        fit.slope, fit.intercept, float(np.exp(mu)), ref_year=fit.ref_year, overtrain=overtrain
    )
    return DataWallMC(
        years=np.asarray(years),
        median=med,
        interval=(lo, hi),
        point=float(point),
        level=float(level),
        stock_mu=mu,
        stock_sigma=sigma,
        overtrain=float(overtrain),
        n_mc=int(n_mc),
        seed=int(seed),
    )


def overtraining_shift_years(slope: Any, overtrain: Any) -> float | np.ndarray:
    """Years earlier that an ``overtrain``-times over-trained model reaches the stock:
    ``log10(sqrt(O)) / slope``."""
    s = as_positive(slope, "slope")
    o = np.asarray(as_positive(overtrain, "overtrain"))
    out = 0.5 * np.log10(o) / s
    return float(out) if out.ndim == 0 else out


def epoch_value(epochs: Any, R_D_star: float = 15.387756) -> pd.DataFrame:
    """Worth of repeated data under Muennighoff et al.'s law (datablations README @13701315).

    Returns ``epochs, effective_epochs`` (``1 + R_D* (1 - exp(-(e-1)/R_D*))``: fresh-data
    equivalent in units of U) and ``value_of_repeats`` ((effective - 1) / (e - 1): worth of a
    repeated token relative to a fresh one; 1 at e = 1).
    """
    e = np.atleast_1d(np.asarray(as_positive(epochs, "epochs"), dtype=np.float64))
    if np.any(e < 1):
        raise InputError("epochs must be >= 1")
    r = as_positive(R_D_star, "R_D_star")
    eff = 1.0 + r * (1.0 - np.exp(-(e - 1.0) / r))
    with np.errstate(invalid="ignore", divide="ignore"):
        val = np.where(e > 1, (eff - 1.0) / (e - 1.0), 1.0)
    return pd.DataFrame({"epochs": e, "effective_epochs": eff, "value_of_repeats": val})


def wall_scenarios(
    fit: TrendFit, *, n_mc: int = 20000, seed: int = DEFAULT_SEED, overtrain: float = 5.0
) -> dict[str, DataWallMC]:
    """:func:`data_wall_mc` without over-training (``"base"``), at ``overtrain`` (``"overtrain"``)
    and at the two factors Villalobos et al. quote (``"5"``, ``"100"``), all with one ``seed``."""
    return {
        "base": data_wall_mc(fit, n_mc=n_mc, seed=seed),
        "overtrain": data_wall_mc(fit, n_mc=n_mc, seed=seed, overtrain=overtrain),
        **{
            f"{o:g}": data_wall_mc(fit, n_mc=n_mc, seed=seed, overtrain=o)
            for o in sorted(PAPER_OVERTRAIN_YEARS)
        },
    }

"""What to scale next: small functions that combine the other modules' results.

The chapter "What to scale next" puts four numbers side by side: how fast training compute grows
(:mod:`scalinglaws.analyses.trends`), when the stock of public text runs out (:mod:`scalinglaws.analyses.datawall`),
what the next fixed drop in loss costs (:mod:`scalinglaws.analyses.slowdown`), and what test-time compute is
worth in parameters (:mod:`scalinglaws.analyses.exchange`). The helpers here convert between those units:
compute multipliers into years of trend growth, a loss step into tokens and a share of the text
stock (:func:`stock_shares`), a parameter multiplier into a training-compute multiplier.
:func:`next_step_uncertainty` and :func:`law_interval` give the canonical law's numbers their
bootstrap intervals (:mod:`scalinglaws.analyses.uncertainty`), counting a resample that cannot reach a
target as an unbounded value rather than leaving it out; :func:`frontier_loss_interval` and
:func:`reducible_loss_interval` do so for the loss at a budget and its distance to the floor
(:func:`reducible_loss`). :func:`exchange_rate` prices test-time samples in parameters, training
compute and years, and reports a saturated link as having nothing to exchange.
The chapter's formatting and glue live in :mod:`scalinglaws.book.glue.what_next`.

Units: ``C`` FLOP, ``N`` parameters (all, as in the Chinchilla-form laws), ``D`` tokens, loss in
nats/token, growth as a factor per year.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from scalinglaws.analyses.datawall import STOCK_HI, STOCK_LO, STOCK_MEDIAN
from scalinglaws.analyses.exchange import LogisticLink, effective_multiplier, small_success
from scalinglaws.analyses.slowdown import flops_for_loss, frontier_loss
from scalinglaws.analyses.trends import TrendFit
from scalinglaws.analyses.uncertainty import Interval, law_samples, percentile_interval, propagate
from scalinglaws.core import validation
from scalinglaws.core.allocation import compute_optimal, flops_for_optimal_params
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import DEFAULT_LAW, ParametricLaw, as_positive, get_parametric_law
from scalinglaws.core.validation import DEFAULT_SEED

__all__ = [
    "ExchangeRate",
    "LossStep",
    "StepUncertainty",
    "compute_multiplier_for_params",
    "exchange_rate",
    "frontier_loss_interval",
    "law_interval",
    "next_loss_step",
    "next_step_uncertainty",
    "reducible_loss",
    "reducible_loss_interval",
    "stock_shares",
    "years_of_trend",
]


def _law(law: Any) -> ParametricLaw:
    return get_parametric_law(law, "the synthesis")


def years_of_trend(multiplier: Any, growth_per_year: Any) -> float | np.ndarray:
    """Years a trend growing ``growth_per_year``-fold per year takes to deliver ``multiplier``.

    ``log(multiplier) / log(growth_per_year)``; ``growth_per_year`` must exceed 1.
    """
    m = as_positive(multiplier, "multiplier")
    g = as_positive(growth_per_year, "growth_per_year")
    if np.any(np.asarray(g) <= 1.0):
        raise InputError(f"growth_per_year must be > 1 (a growing trend), got {growth_per_year!r}")
    out = np.log(m) / np.log(g)
    return float(out) if np.ndim(out) == 0 else out


def compute_multiplier_for_params(law: Any, params_multiplier: Any) -> float | np.ndarray:
    """Training-compute factor for a ``params_multiplier``-times larger compute-optimal model.

    ``N_opt ∝ C**a`` (Hoffmann et al. 2022, eq 4), so ``C`` grows as ``multiplier**(1/a)``;
    with ``a`` near 1/2 a model twice as large costs about four times the compute.
    """
    lw = _law(law)
    m = as_positive(params_multiplier, "params_multiplier")
    ref = 1e9
    out = np.asarray(flops_for_optimal_params(ref * np.asarray(m), lw)) / float(
        flops_for_optimal_params(ref, lw)
    )
    return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True)
class LossStep:
    """The next fixed drop in loss on the compute-optimal frontier, in several units.

    Attributes
    ----------
    law : str
        Law used.
    start_flops, start_loss : float
        Starting budget (FLOP) and its compute-optimal loss (nats/token).
    delta, target_loss : float
        Loss drop and the loss after it (nats/token).
    flops, multiplier : float
        Compute for the target (FLOP) and its ratio to ``start_flops``.
    params, tokens : float
        Compute-optimal parameters and training tokens at ``flops``.
    years, years_ci : float, tuple of float
        Years of trend growth for ``multiplier`` (point, and at the two ends of the growth
        interval: fast growth gives the short time).
    growth_per_year : float
        Growth factor used.
    stock, tokens_share_of_stock : float
        Stock of text (tokens) and ``tokens / stock``.
    """

    law: str
    start_flops: float
    start_loss: float
    delta: float
    target_loss: float
    flops: float
    multiplier: float
    params: float
    tokens: float
    years: float
    years_ci: tuple[float, float]
    growth_per_year: float
    stock: float
    tokens_share_of_stock: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return asdict(self)


def next_loss_step(
    law: Any, start_flops: Any, delta: Any, fit: TrendFit, *, stock: Any = STOCK_MEDIAN
) -> LossStep:
    """Price of lowering the compute-optimal loss by ``delta`` from ``start_flops``.

    Uses :func:`scalinglaws.analyses.slowdown.frontier_loss` and :func:`~scalinglaws.analyses.slowdown.flops_for_loss`
    for the compute, :func:`scalinglaws.core.allocation.compute_optimal` for the model and data at
    the new budget, ``fit`` (a compute-growth :class:`~scalinglaws.analyses.trends.TrendFit`) to express
    the multiplier in years, and ``stock`` (default: Villalobos et al. 2024's 300T tokens) to
    express the tokens as a share of the public text.

    Raises
    ------
    InputError
        If the drop would reach the law's irreducible loss, or on bad input.
    """
    lw = _law(law)
    c0 = as_positive(start_flops, "start_flops")
    d = as_positive(delta, "delta")
    st = as_positive(stock, "stock")
    if not all(isinstance(v, float) for v in (c0, d, st)):
        raise InputError("start_flops, delta and stock must be single numbers")
    if not isinstance(fit, TrendFit):
        raise InputError(f"fit must be a TrendFit, got {type(fit).__name__}")
    l0 = float(frontier_loss(c0, lw))
    target = l0 - d
    if target <= lw.E:
        raise InputError(
            f"a drop of {d:g} from L = {l0:.4g} reaches the irreducible loss E = {lw.E:.4g} "
            f"of {lw.name}; use a smaller drop"
        )
    c1 = float(flops_for_loss(target, lw))
    mult = c1 / c0
    alloc = compute_optimal(c1, lw)
    lo_g, hi_g = fit.growth_ci
    years = years_of_trend(mult, fit.growth_per_year)
    ci = (
        years_of_trend(mult, hi_g) if hi_g > 1 else math.inf,
        years_of_trend(mult, lo_g) if lo_g > 1 else math.inf,
    )
    return LossStep(
        law=lw.name,
        start_flops=c0,
        start_loss=l0,
        delta=d,
        target_loss=target,
        flops=c1,
        multiplier=mult,
        params=float(alloc.params),
        tokens=float(alloc.tokens),
        years=float(years),
        years_ci=(float(ci[0]), float(ci[1])),
        growth_per_year=float(fit.growth_per_year),
        stock=st,
        tokens_share_of_stock=float(alloc.tokens) / st,
    )


@dataclass(frozen=True)
class StepUncertainty:
    """The next loss step under the canonical law, with intervals over its bootstrap cloud.

    Every ``*_ci`` is the ``level`` percentile interval over the ``n`` resampled laws of
    :func:`scalinglaws.analyses.uncertainty.law_samples` (the cloud behind
    :func:`scalinglaws.analyses.uncertainty.propagate`). A resample in which the step goes below its own
    floor ``E`` counts as an infinite price (no budget reaches the target), so an interval end
    that falls among those resamples is ``inf``; ``n_impossible`` says how many there were.

    Attributes
    ----------
    possible : bool
        Whether the canonical law reaches the target at all (``False``: every value is ``inf``).
    multiplier, params, tokens, years : float
        Point values under the canonical law: compute factor, compute-optimal parameters and
        tokens at the target, years of compute growth (``inf`` if impossible).
    multiplier_ci, params_ci, tokens_ci, years_ci : tuple of float
        Their intervals. ``years_ci`` pairs the i-th resampled law with the i-th bootstrap slope
        of the compute trend (cycling if their counts differ), so it carries both uncertainties.
    n, n_impossible : int
        Resampled laws, and how many of them cannot reach the target.
    level : float
        Interval level.
    """

    possible: bool
    multiplier: float
    params: float
    tokens: float
    years: float
    multiplier_ci: tuple[float, float]
    params_ci: tuple[float, float]
    tokens_ci: tuple[float, float]
    years_ci: tuple[float, float]
    n: int
    n_impossible: int
    level: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return asdict(self)


def _step_values(lw: ParametricLaw, c0: float, d: float) -> tuple[float, float, float]:
    """(compute multiplier, N, D) of a ``d`` drop from the optimum at ``c0``; inf if impossible."""
    target = float(frontier_loss(c0, lw)) - d
    if target <= lw.E:
        return math.inf, math.inf, math.inf
    c1 = float(flops_for_loss(target, lw))
    alloc = compute_optimal(c1, lw)
    return c1 / c0, float(alloc.params), float(alloc.tokens)


def next_step_uncertainty(
    start_flops: Any,
    delta: Any,
    fit: TrendFit,
    *,
    n_boot: int = 4000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> StepUncertainty:
    """Price of the next ``delta`` drop in loss under the canonical law, with intervals.

    The point values are those of :func:`next_loss_step` with
    :data:`scalinglaws.core.laws.DEFAULT_LAW`; the intervals come from the same ``n_boot``-resample,
    ``seed``-ed bootstrap cloud as :func:`scalinglaws.analyses.uncertainty.propagate` (and equal its
    intervals when every resample reaches the target), with unreachable targets counted as an
    infinite price instead of being left out. ``fit`` (a compute-growth
    :class:`~scalinglaws.analyses.trends.TrendFit`) turns the multipliers into years.
    """
    c0 = as_positive(start_flops, "start_flops")
    d = as_positive(delta, "delta")
    if not all(isinstance(v, float) for v in (c0, d)):
        raise InputError("start_flops and delta must be single numbers")
    if not isinstance(fit, TrendFit):
        raise InputError(f"fit must be a TrendFit, got {type(fit).__name__}")
    validation.confidence_level(level, minimum=0.5)
    laws = law_samples(n_boot, seed)
    vals = np.array([_step_values(lw, c0, d) for lw in laws])
    slopes = np.asarray(fit.boot_slopes, dtype=np.float64)
    paired = slopes[np.arange(len(laws)) % slopes.size]
    with np.errstate(divide="ignore", invalid="ignore"):
        years = np.where(paired > 0, np.log10(vals[:, 0]) / paired, math.inf)
    point = _step_values(_law(DEFAULT_LAW), c0, d)
    possible = math.isfinite(point[0])
    point_years = (
        float(years_of_trend(point[0], fit.growth_per_year))
        if possible and fit.growth_per_year > 1
        else math.inf
    )
    cis = [percentile_interval(v, level) for v in (vals[:, 0], vals[:, 1], vals[:, 2], years)]
    return StepUncertainty(
        possible=possible,
        multiplier=point[0],
        params=point[1],
        tokens=point[2],
        years=point_years,
        multiplier_ci=cis[0],
        params_ci=cis[1],
        tokens_ci=cis[2],
        years_ci=cis[3],
        n=len(laws),
        n_impossible=int(np.sum(~np.isfinite(vals[:, 0]))),
        level=level,
    )


def law_interval(
    f: Any, *, n_boot: int = 4000, seed: int = DEFAULT_SEED, level: float = 0.95
) -> Interval:
    """``f(canonical law)`` with its percentile interval, an unbounded result counted as ``inf``:
    :func:`scalinglaws.analyses.uncertainty.propagate` with ``unbounded="keep"``."""
    return propagate(f, n_boot=n_boot, seed=seed, level=level, unbounded="keep")


def reducible_loss(law: Any, start_flops: Any) -> float:
    """Loss left above the floor: ``frontier_loss(start_flops, law) - law.E`` (nats/token).

    A fixed loss step larger than this cannot be bought at any budget under ``law``.
    """
    lw = _law(law)
    return float(frontier_loss(_single_budget(start_flops), lw) - lw.E)


def _single_budget(start_flops: Any) -> float:
    c0 = as_positive(start_flops, "start_flops")
    if not isinstance(c0, float):
        raise InputError("start_flops must be a single number")
    return c0


def frontier_loss_interval(
    start_flops: Any, *, n_boot: int = 4000, seed: int = DEFAULT_SEED, level: float = 0.95
) -> Interval:
    """Compute-optimal loss at ``start_flops`` under the canonical law, with its bootstrap interval.

    :func:`scalinglaws.analyses.uncertainty.propagate` of :func:`scalinglaws.analyses.slowdown.frontier_loss`
    (nats/token).
    """
    c0 = _single_budget(start_flops)
    return propagate(lambda law: frontier_loss(c0, law), n_boot=n_boot, seed=seed, level=level)


def reducible_loss_interval(
    start_flops: Any, *, n_boot: int = 4000, seed: int = DEFAULT_SEED, level: float = 0.95
) -> Interval:
    """:func:`reducible_loss` under the canonical law, with its bootstrap interval (nats/token)."""
    c0 = _single_budget(start_flops)
    return propagate(
        lambda law: frontier_loss(c0, law) - law.E, n_boot=n_boot, seed=seed, level=level
    )


def stock_shares(tokens: Any) -> tuple[float, float, float]:
    """``tokens`` as a share of the stock of public text: (median, low end, high end).

    Villalobos et al. 2024's stock (:mod:`scalinglaws.analyses.datawall`): the median share divides by
    the median stock, the low end by the stock's high estimate and the high end by its low
    estimate (its 90% interval). ``tokens = inf`` (no finite training set) gives ``inf``.
    """
    try:
        t = float(tokens)
    except (TypeError, ValueError):
        raise InputError(f"tokens must be a single number, got {tokens!r}") from None
    if not t > 0:
        raise InputError(f"tokens must be positive, got {tokens!r}")
    return t / STOCK_MEDIAN, t / STOCK_HI, t / STOCK_LO


@dataclass(frozen=True)
class ExchangeRate:
    """What ``samples`` samples from a small model are worth in parameters, compute, years (MODEL).

    Attributes
    ----------
    law : str
        Law used.
    small_params : float
        The small model (parameters).
    samples : int
        Samples ``k`` drawn from it.
    small_success : float
        Its single-sample success under the assumed link.
    saturated : bool
        The link is saturated at the small model (success exactly 0 or 1): more samples change
        nothing, there is no exchange to price and every value below is ``nan``.
    multiplier : float
        ``N_eq / N_s``: one sample from a ``multiplier``-times larger model matches the ``k``
        samples; ``inf`` if no model up to a billion times larger does.
    interval : Interval or None
        ``multiplier`` over the canonical law's bootstrap resamples (an unbounded end is ``inf``);
        ``None`` for printed constants (no cloud) or a saturated link. The link is assumed, so
        this is not the whole uncertainty.
    compute_multiplier : float
        Training compute of that larger model, compute-optimal, relative to the small one.
    years, years_ci : float, tuple of float
        Years of the compute trend that deliver ``compute_multiplier`` (point, and at the two
        ends of the trend's growth interval).
    """

    law: str
    small_params: float
    samples: int
    small_success: float
    saturated: bool
    multiplier: float
    interval: Interval | None
    compute_multiplier: float
    years: float
    years_ci: tuple[float, float]

    @property
    def priced(self) -> bool:
        """Whether there is a finite exchange rate to quote (not saturated, a model matches)."""
        return not self.saturated and math.isfinite(self.multiplier)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return asdict(self)


def exchange_rate(
    law: Any,
    small_params: Any,
    samples: int,
    link: LogisticLink,
    coverage_exponent: float,
    fit: TrendFit,
    *,
    n_boot: int = 4000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> ExchangeRate:
    """Price ``samples`` samples from a ``small_params`` model in parameters, compute and years.

    :func:`scalinglaws.analyses.exchange.effective_multiplier` under ``law`` and the assumed ``link``
    (coverage exponent ``coverage_exponent``), :func:`compute_multiplier_for_params` for the
    training compute of the matching model, and ``fit`` (a compute-growth
    :class:`~scalinglaws.analyses.trends.TrendFit`) for the years. Under the canonical law the multiplier
    gets its interval over the law's ``n_boot`` ``seed``-ed resamples (:func:`law_interval`).
    A saturated link (:func:`scalinglaws.analyses.exchange.small_success` exactly 0 or 1) is reported as
    such, never as an error: there is nothing to exchange.
    """
    lw = _law(law)
    if not isinstance(fit, TrendFit):
        raise InputError(f"fit must be a TrendFit, got {type(fit).__name__}")
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise InputError(f"samples must be a positive integer, got {samples!r}")
    ns = as_positive(small_params, "small_params")
    if not isinstance(ns, float):
        raise InputError("small_params must be a single number")
    p_s = small_success(lw, ns, link)
    saturated = not 0 < p_s < 1

    def multiplier_of(lawx: ParametricLaw) -> float:
        return float(effective_multiplier(lawx, ns, [samples], link, coverage_exponent)[0])

    if saturated:
        nan = math.nan
        return ExchangeRate(lw.name, ns, int(samples), p_s, True, nan, None, nan, nan, (nan, nan))
    mult = multiplier_of(lw)
    canonical = lw.name == _law(DEFAULT_LAW).name
    iv = law_interval(multiplier_of, n_boot=n_boot, seed=seed, level=level) if canonical else None
    if math.isfinite(mult):
        comp = float(compute_multiplier_for_params(lw, mult))
        lo_g, hi_g = fit.growth_ci
        years = float(years_of_trend(comp, fit.growth_per_year))
        years_ci = (
            float(years_of_trend(comp, hi_g)) if hi_g > 1 else math.inf,
            float(years_of_trend(comp, lo_g)) if lo_g > 1 else math.inf,
        )
    else:
        comp = years = math.inf
        years_ci = (math.inf, math.inf)
    return ExchangeRate(lw.name, ns, int(samples), p_s, False, mult, iv, comp, years, years_ci)

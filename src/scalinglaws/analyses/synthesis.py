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
The section "Seven ways to scale" prices the next fixed improvement along each axis of scaling as
one :class:`AxisCost` row per axis (:func:`axis_parameters`, :func:`axis_data`,
:func:`axis_repeated_data`, :func:`axis_test_time`, :func:`axis_curated`, :func:`axis_rl`,
:func:`axis_calls`, and the compute-optimal reference :func:`axis_compute_optimal`), each a
multiplier of one unit (pre-training compute, RL compute or inference compute per query) with
its interval and what limits it; different units are never converted into each other.
The chapter's formatting and glue live in :mod:`scalinglaws.book.glue.what_next`.

Units: ``C`` FLOP, ``N`` parameters (all, as in the Chinchilla-form laws), ``D`` tokens, loss in
nats/token, growth as a factor per year.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

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
    "INFERENCE",
    "PRETRAINING",
    "RL_COMPUTE",
    "AxisCost",
    "ExchangeRate",
    "LossStep",
    "StepUncertainty",
    "DCLM_BASELINE_TOKENS",
    "DCLM_POOL_TOKENS",
    "SCALERL_A_MARGIN",
    "axes_frame",
    "axis_calls",
    "axis_curated",
    "axis_rl",
    "axis_compute_optimal",
    "axis_data",
    "axis_parameters",
    "axis_pending",
    "axis_repeated_data",
    "axis_test_time",
    "compute_multiplier_for_params",
    "coverage_samples_for_gain",
    "epochs_for_effective_data",
    "exchange_rate",
    "frontier_loss_interval",
    "law_interval",
    "next_loss_step",
    "next_step_uncertainty",
    "params_multiplier_for_drop",
    "reducible_loss",
    "reducible_loss_interval",
    "stock_shares",
    "term_multiplier",
    "tokens_multiplier_for_drop",
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


# ------------------------------------------------------------------ seven ways to scale


@dataclass(frozen=True)
class AxisCost:
    """The price of the next fixed improvement along one axis of scaling (one row of the table).

    Attributes
    ----------
    axis : str
        The direction scaled (``"parameters"``, ``"data"``, ...).
    step : str
        The fixed improvement priced, in words (a loss drop, an accuracy gain).
    unit : str
        What ``value`` multiplies: ``"pre-training compute"``, ``"RL compute"`` or
        ``"inference compute per query"``. Different units are never converted into each other.
    value, lo, hi : float
        The multiplier of ``unit`` the improvement costs, and its ``level`` interval. ``inf``:
        the improvement cannot be bought along this axis (a saturation); ``nan``: not identified
        or not computed (``lo``, ``hi`` are ``nan`` when there is no interval).
    level : float
        Interval level.
    identified : bool
        Whether the book's fits pin the price down (``False``: illustrative or not computable).
    limit : str
        What limits the axis (data stock, inference cost, saturation), in words.
    source : str
        Where the numbers come from (module, data set, paper).
    inference : float
        Multiplier of inference compute per query that comes with the improvement (1 = unchanged;
        ``nan``: not identified).
    """

    axis: str
    step: str
    unit: str
    value: float
    lo: float
    hi: float
    level: float
    identified: bool
    limit: str
    source: str
    inference: float = math.nan

    @property
    def possible(self) -> bool:
        """Whether a finite price exists (identified and not saturated)."""
        return self.identified and math.isfinite(self.value)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return asdict(self)


PRETRAINING = "pre-training compute"
RL_COMPUTE = "RL compute"
INFERENCE = "inference compute per query"


def _loss_drop(delta: float) -> str:
    return f"loss −{delta:.3g} nats/token"


def _priced(
    f: Any, lw: ParametricLaw, n_boot: int, seed: int, level: float
) -> tuple[float, float, float]:
    """``f(lw)`` and its bootstrap interval over the canonical law's resamples (NaN for another law,
    which has no resamples)."""
    value = f(lw)
    if lw.name != _law(DEFAULT_LAW).name:
        return value, math.nan, math.nan
    iv = law_interval(f, n_boot=n_boot, seed=seed, level=level)
    return value, iv.lo, iv.hi


def _start(law: Any, start_flops: Any, delta: Any) -> tuple[ParametricLaw, float, float, float]:
    """Law, today's model ``(N0, D0)`` (compute-optimal at ``start_flops`` under ``law``) and drop."""
    lw = _law(law)
    c0 = _single_budget(start_flops)
    d = as_positive(delta, "delta")
    if not isinstance(d, float):
        raise InputError("delta must be a single number")
    alloc = compute_optimal(c0, lw)
    return lw, float(alloc.params), float(alloc.tokens), d


def term_multiplier(term: float, delta: float, exponent: float) -> float:
    """Factor by which ``X`` must grow so that a term ``K/X**exponent`` (now ``term``) drops by ``delta``.

    ``(term / (term - delta))**(1/exponent)``; ``inf`` when ``delta >= term`` (the other terms and the
    floor are left: no amount of ``X`` alone buys the drop).
    """
    if delta >= term:
        return math.inf
    return float((term / (term - delta)) ** (1.0 / exponent))


def params_multiplier_for_drop(law: Any, params: float, tokens: float, delta: float) -> float:
    """Factor on ``N`` (tokens fixed) that lowers ``L(N, D)`` by ``delta``; ``inf`` if impossible."""
    lw = _law(law)
    return term_multiplier(lw.A / params**lw.alpha, delta, lw.alpha)


def tokens_multiplier_for_drop(law: Any, params: float, tokens: float, delta: float) -> float:
    """Factor on fresh ``D`` (parameters fixed) that lowers ``L(N, D)`` by ``delta``; ``inf`` if impossible."""
    lw = _law(law)
    return term_multiplier(lw.B / tokens**lw.beta, delta, lw.beta)


def _positive_or_inf(value: Any, name: str) -> float:
    """A single positive number, ``inf`` allowed."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a positive number, got {value!r}") from None
    if not v > 0:
        raise InputError(f"{name} must be a positive number, got {value!r}")
    return v


def epochs_for_effective_data(multiplier: Any, R_D_star: Any) -> float:
    """Epochs over ``U`` unique tokens worth ``multiplier * U`` fresh tokens (Muennighoff et al. 2023).

    Inverts ``D' = U + U R_D* (1 - exp(-R_D/R_D*))`` (:func:`scalinglaws.analyses.data_constrained.effective_data`):
    ``epochs = 1 + R_D = 1 - R_D* log(1 - (multiplier - 1)/R_D*)``. ``inf`` when
    ``multiplier - 1 >= R_D*`` (repeats are worth at most ``1 + R_D*`` times the unique tokens);
    ``R_D* = inf`` (repeats as good as fresh tokens) gives ``multiplier``.
    """
    m = _positive_or_inf(multiplier, "multiplier")
    r = _positive_or_inf(R_D_star, "R_D_star")
    if m < 1.0:
        raise InputError(f"multiplier must be >= 1, got {multiplier!r}")
    if math.isinf(m):
        return math.inf
    if math.isinf(r):
        return m
    x = (m - 1.0) / r
    if x >= 1.0:
        return math.inf
    return 1.0 - r * math.log1p(-x)


def axis_compute_optimal(
    law: Any,
    start_flops: Any,
    delta: Any,
    *,
    n_boot: int = 4000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> AxisCost:
    """Reference row: parameters and data together, compute-optimally (the frontier of chapter 5).

    Pre-training compute multiplier of a ``delta`` drop from the optimum at ``start_flops``
    (:func:`scalinglaws.analyses.slowdown.flops_for_loss`); the interval (canonical law only)
    is :func:`next_step_uncertainty`'s. Inference per query grows with the parameters,
    ``(C1/C0)**a`` (Hoffmann eq 4).
    """
    lw, n0, _, d = _start(law, start_flops, delta)
    c0 = _single_budget(start_flops)

    def mult(lawx: ParametricLaw) -> float:
        return _step_values(lawx, c0, d)[0]

    value, lo, hi = _priced(mult, lw, n_boot, seed, level)
    inference = (
        float(compute_optimal(c0 * value, lw).params) / n0 if math.isfinite(value) else math.inf
    )
    return AxisCost(
        axis="parameters and data together (compute-optimal)",
        step=_loss_drop(d),
        unit=PRETRAINING,
        value=value,
        lo=lo,
        hi=hi,
        level=level,
        identified=True,
        limit=f"the law's floor: at most {float(frontier_loss(c0, lw)) - lw.E:.2g} nats/token left",
        source=f"{lw.name} law (Chinchilla form), frontier of chapter 5",
        inference=inference,
    )


def axis_parameters(
    law: Any,
    start_flops: Any,
    delta: Any,
    *,
    n_boot: int = 4000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> AxisCost:
    """Parameters alone: today's model (compute-optimal at ``start_flops``) grown, tokens fixed.

    The factor on ``N`` that lowers ``L(N, D)`` by ``delta`` (:func:`params_multiplier_for_drop`)
    is also the factor on training compute (``C = 6 N D`` at fixed ``D``) and on inference compute
    per query (about ``2 N`` FLOP per token). Interval (canonical law only): the same ``(N0, D0)``
    under every bootstrap resample of the law; a resample that cannot reach the drop counts as
    ``inf``.
    """
    lw, n0, d0, d = _start(law, start_flops, delta)

    def mult(lawx: ParametricLaw) -> float:
        return params_multiplier_for_drop(lawx, n0, d0, d)

    value, lo, hi = _priced(mult, lw, n_boot, seed, level)
    return AxisCost(
        axis="parameters",
        step=_loss_drop(d),
        unit=PRETRAINING,
        value=value,
        lo=lo,
        hi=hi,
        level=level,
        identified=True,
        limit=(
            f"inference cost grows with N; the parameter term holds only "
            f"{lw.A / n0**lw.alpha:.2g} nats/token"
        ),
        source=f"{lw.name} law, tokens fixed at {d0:.2g}",
        inference=value,
    )


def axis_data(
    law: Any,
    start_flops: Any,
    delta: Any,
    *,
    stock: Any = STOCK_MEDIAN,
    n_boot: int = 4000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> AxisCost:
    """Fresh data alone: today's model trained on more new tokens, parameters fixed.

    The factor on ``D`` that lowers ``L(N, D)`` by ``delta`` (:func:`tokens_multiplier_for_drop`)
    is the factor on training compute; inference per query does not change. The limit quotes the
    tokens needed as a share of the ``stock`` of public text (Villalobos et al. 2024).
    """
    lw, n0, d0, d = _start(law, start_flops, delta)
    st = float(as_positive(stock, "stock"))

    def mult(lawx: ParametricLaw) -> float:
        return tokens_multiplier_for_drop(lawx, n0, d0, d)

    value, lo, hi = _priced(mult, lw, n_boot, seed, level)
    need = (
        f"needs {100 * value * d0 / st:.2g}% of the text stock ({st:.2g} tokens)"
        if math.isfinite(value)
        else f"the data term holds only {lw.B / d0**lw.beta:.2g} nats/token"
    )
    return AxisCost(
        axis="data (fresh tokens)",
        step=_loss_drop(d),
        unit=PRETRAINING,
        value=value,
        lo=lo,
        hi=hi,
        level=level,
        identified=True,
        limit=f"data stock: {need}",
        source=f"{lw.name} law, parameters fixed at {n0:.2g}; stock: Villalobos et al. 2024",
        inference=1.0,
    )


def axis_repeated_data(
    law: Any,
    start_flops: Any,
    delta: Any,
    R_D_star: Any,
    R_D_star_lower: Any,
    *,
    n_boot: int = 4000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> AxisCost:
    """Repeated data: the fresh-data step bought by more epochs over today's tokens (no new text).

    ASSUMPTION: today's training set ``D0`` is all the unique text there is, and Muennighoff et
    al.'s effective-data form (with decay constant ``R_D_star``) carries over to the law's data
    term. The price is the epochs that make ``D0`` unique tokens worth the fresh-data factor of
    :func:`axis_data` (:func:`epochs_for_effective_data`), which is the training-compute factor.
    ``R_D_star`` is not identified by the runs (chapter 5: its profile interval has the lower end
    ``R_D_star_lower`` and no upper end), so the interval spans both: its low end is the
    fresh-data price (``R_D* = inf``, repeats as good as new), its high end the price at
    ``R_D_star_lower`` (canonical law: the law's interval ends, computed with those ``R_D*``).
    """
    lw, n0, d0, d = _start(law, start_flops, delta)
    r_pub = float(as_positive(R_D_star, "R_D_star"))
    r_lo = float(as_positive(R_D_star_lower, "R_D_star_lower"))

    def fresh(lawx: ParametricLaw) -> float:
        return tokens_multiplier_for_drop(lawx, n0, d0, d)

    def repeated(r: float) -> Any:
        return lambda lawx: epochs_for_effective_data(fresh(lawx), r)

    value = repeated(r_pub)(lw)
    canonical = lw.name == _law(DEFAULT_LAW).name
    if canonical:
        lo = law_interval(fresh, n_boot=n_boot, seed=seed, level=level).lo
        hi = law_interval(repeated(r_lo), n_boot=n_boot, seed=seed, level=level).hi
    else:
        lo, hi = fresh(lw), repeated(r_lo)(lw)
    return AxisCost(
        axis="repeated data (more epochs)",
        step=_loss_drop(d),
        unit=PRETRAINING,
        value=value,
        lo=lo,
        hi=hi,
        level=level,
        identified=True,
        limit=(
            f"repeats are worth at most 1 + R_D* times the unique tokens "
            f"({1 + r_pub:.3g}× at R_D* = {r_pub:.3g}); R_D* has no upper bound"
        ),
        source="Muennighoff et al. 2023 effective data on the "
        f"{lw.name} law; R_D* profile of chapter 5",
        inference=1.0,
    )


def coverage_samples_for_gain(a: Any, b: Any, gain: float, start: float = 1.0) -> Any:
    """Samples per problem at which ``log c = a k**b`` gains ``gain`` over its coverage at ``start``.

    ``k = (log(c(start) + gain) / a)**(1/b)`` (Brown et al. 2024's law inverted); ``inf`` when
    ``c(start) + gain >= 1``. Vectorised over ``a`` and ``b`` (bootstrap replicates).
    """
    a_, b_ = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    c0 = np.exp(a_ * start**b_)
    target = c0 + gain
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(target < 1.0, (np.log(np.minimum(target, 1.0)) / a_) ** (1.0 / b_), math.inf)
    return float(k) if np.ndim(k) == 0 else k


def axis_test_time(anchor: Any, gain: Any, *, name: str = "", level: float = 0.95) -> AxisCost:
    """Test-time compute: samples per problem (with a checker) for ``gain`` more coverage than one.

    ``anchor`` is a :class:`scalinglaws.analyses.coverage.AnchorExponent` (Brown et al.'s law
    through two published coverages, with its bootstrap replicates of ``(a, b)``); the price is
    :func:`coverage_samples_for_gain` from one sample, a multiplier of inference compute per query
    (no training compute). Its interval is over the anchor's replicates, each from its own
    single-sample coverage.
    """
    g = float(as_positive(gain, "gain"))
    validation.confidence_level(level, minimum=0.5)
    value = float(coverage_samples_for_gain(anchor.a, anchor.b, g))
    reps = np.atleast_1d(coverage_samples_for_gain(anchor.boot[:, 0], anchor.boot[:, 1], g))
    lo, hi = percentile_interval(reps, level)
    c1 = math.exp(anchor.a)
    return AxisCost(
        axis="test-time compute (samples)",
        step=f"coverage +{g:.3g} from one sample ({c1:.2g})",
        unit=INFERENCE,
        value=value,
        lo=lo,
        hi=hi,
        level=level,
        identified=True,
        limit="paid on every query; needs a checker (coverage, not a vote)",
        source=f"Brown et al. 2024 coverage law through two printed points{name}",
        inference=value,
    )


#: DataComp-LM's pool and its filtered training set (Li et al. 2024, arXiv:2406.11794, §3.1 and §5;
#: reference sheet §15.1, V2): DCLM-POOL holds 240T tokens, DCLM-BASELINE keeps 3.8T of them.
DCLM_POOL_TOKENS = 240e12
DCLM_BASELINE_TOKENS = 3.8e12

#: Khatri et al.'s stated error margin on the asymptote A of a ScaleRL fit (App. A.5: three
#: independent runs vary A by at most 0.015, "±0.02"; reference sheet §14.2, V1).
SCALERL_A_MARGIN = 0.02


def axis_curated(result: Any) -> AxisCost:
    """Curated data: the pre-training compute that a better filter is worth, at DCLM's scales.

    ``result`` is :func:`scalinglaws.analyses.curation.filtering_compute_multiplier`'s dict
    (``value, lo, hi, level, identified, note, better, worse, flops``): the factor of training
    compute the ``worse`` training set needs to reach the ``better`` one's CORE at the largest
    common budget, with its bootstrap interval over the CORE tasks. Unlike the other axes, this is
    a one-off gain (a better filter is worth a fixed factor, not a repeatable step); its price is
    the filtering itself, and the limit is that a strict filter keeps a small share of the pool.
    """
    need = {"value", "lo", "hi", "level", "identified", "better", "worse", "flops"}
    if not isinstance(result, dict) or not need <= set(result):
        raise InputError(f"result must be filtering_compute_multiplier's dict with {sorted(need)}")
    identified = bool(result["identified"])
    value = float(result["value"]) if identified else math.nan
    return AxisCost(
        axis="curated data (better filter)",
        step=f"{result['worse']} → {result['better']} filter, same CORE (one-off)",
        unit=PRETRAINING,
        value=value,
        lo=float(result["lo"]) if identified else math.nan,
        hi=float(result["hi"]) if identified else math.nan,
        level=float(result["level"]),
        identified=identified,
        limit=(
            "one-off, not repeatable; a strict filter keeps a small share of the pool "
            f"(DCLM-Baseline: {DCLM_BASELINE_TOKENS / DCLM_POOL_TOKENS:.1%} of DCLM-Pool)"
            if identified
            else f"the runs do not pin it down: {result.get('note', '')}"
        ),
        source=f"DCLM runs (Li et al. 2024), CORE recomputed, at {float(result['flops']):.2g} FLOP",
        inference=1.0,
    )


def axis_rl(
    curve: Any, from_fraction: Any, gain: Any, *, margin: float = SCALERL_A_MARGIN
) -> AxisCost:
    """RL training compute: the factor of RL compute for ``gain`` more pass rate (ILLUSTRATIVE).

    ``curve`` is a :class:`scalinglaws.analyses.rl_compute.ScaleRLCurve` (Khatri et al.'s sigmoid);
    the run starts at the pass rate where it has reached ``from_fraction`` of its total gain
    ``A - R0``. The price, :func:`scalinglaws.analyses.rl_compute.compute_multiplier_for_gain`, is in
    RL compute (GPU-hours), not in pre-training FLOP. Its range comes from the asymptote's stated
    margin (``A ± margin``), not from a fit to data: no per-step data of any run is public, and the
    starting pass rate ``R0`` is not printed, so the row is illustrative (``identified=False``).
    ``inf``: the target is at or beyond the asymptote (saturation).
    """
    from scalinglaws.analyses.rl_compute import ScaleRLCurve, compute_multiplier_for_gain

    if not isinstance(curve, ScaleRLCurve):
        raise InputError(f"curve must be a ScaleRLCurve, got {type(curve).__name__}")
    f = float(from_fraction)
    if not 0.0 < f < 1.0:
        raise InputError(f"from_fraction must lie in (0, 1), got {from_fraction!r}")
    g = float(as_positive(gain, "gain"))
    r_from = curve.R0 + f * (curve.A - curve.R0)

    def mult(a: float) -> float:
        c = ScaleRLCurve(curve.R0, a, curve.B, curve.C_mid, curve.name)
        return compute_multiplier_for_gain(c, c.R0 + f * (c.A - c.R0), g)

    value = mult(curve.A)
    ends = sorted([mult(curve.A - margin), mult(curve.A + margin)])
    return AxisCost(
        axis="RL training compute",
        step=f"pass rate +{g:.3g} from {r_from:.2g} ({f:.0%} of the gain to A)",
        unit=RL_COMPUTE,
        value=value,
        lo=ends[0],
        hi=ends[1],
        level=math.nan,
        identified=False,
        limit=f"saturates at the asymptote A = {curve.A:.3g}; R0 not printed (illustrative)",
        source="ScaleRL sigmoid, Khatri et al. 2025 Table 1; range: A ± the stated margin",
        inference=math.nan,
    )


def axis_calls(curve: Any, optimum: dict[str, Any], gain: Any) -> AxisCost:
    """More calls: majority votes over ``K`` calls for ``gain`` more accuracy than one call (ILLUSTRATIVE).

    ``curve`` is :func:`scalinglaws.analyses.systems.vote_curve`'s frame (``k``, ``accuracy``) for an
    assumed mix of easy and hard queries, ``optimum`` :func:`~scalinglaws.analyses.systems.optimal_calls`'s
    dict for the same mix. The price is the smallest ``K`` whose accuracy exceeds one call's by
    ``gain``: a factor ``K`` of inference compute per query; ``inf`` if no ``K`` up to the curve's
    end does (the vote saturates, or rises and then falls, before it gets there). The mix is
    assumed, so the row is illustrative (``identified=False``) and has no interval.
    """
    if not isinstance(curve, pd.DataFrame) or not {"k", "accuracy"} <= set(curve.columns):
        raise InputError("curve must be a DataFrame with columns k and accuracy")
    g = float(as_positive(gain, "gain"))
    ks = curve["k"].to_numpy(dtype=np.float64)
    acc = curve["accuracy"].to_numpy(dtype=np.float64)
    if ks[0] != 1:
        raise InputError("curve must start at one call")
    hit = np.flatnonzero(acc - acc[0] >= g)
    value = float(ks[hit[0]]) if hit.size else math.inf
    peak = (
        f"accuracy rises, peaks at K = {int(optimum['k'])} ({optimum['accuracy']:.2g}) and falls "
        f"towards {optimum['limit']:.2g}"
        if optimum["rises_then_falls"]
        else f"accuracy {optimum['shape']} ({optimum['accuracy_k1']:.2g} with one call, best "
        f"{optimum['accuracy']:.2g})"
    )
    nan = math.nan
    return AxisCost(
        axis="more calls (majority vote)",
        step=f"accuracy +{g:.3g} from one call ({acc[0]:.2g})",
        unit=INFERENCE,
        value=value,
        lo=nan,
        hi=nan,
        level=nan,
        identified=False,
        limit=f"{peak}; paid on every query",
        source="binomial vote over an assumed easy/hard mix (Chen et al. 2024)",
        inference=value,
    )


def axis_pending(axis: str, reason: str, unit: str = "") -> AxisCost:
    """A row for an axis whose price is not computed: ``value`` is ``nan`` and ``reason`` says why."""
    nan = math.nan
    return AxisCost(axis, "—", unit, nan, nan, nan, nan, False, reason, "—", nan)


def axes_frame(rows: Any) -> pd.DataFrame:
    """The rows as a data frame (one row per axis, the fields of :class:`AxisCost` as columns)."""
    rows = list(rows)
    if not rows or not all(isinstance(r, AxisCost) for r in rows):
        raise InputError("rows must be a non-empty sequence of AxisCost")
    return pd.DataFrame([r.to_dict() for r in rows])

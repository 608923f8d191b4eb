"""The test-time / train-time exchange: ``k`` samples from a small model or one from a larger one.

* :class:`LogisticLink` is an explicit **modelling assumption**: the probability that one
  sample solves a task is a logistic function of the model's pre-training loss. No paper
  supplies this mapping; its two constants are knobs, not measurements.
* :func:`exchange_table`, :func:`effective_multiplier`, :func:`matched_samples` and
  :func:`breakeven_inference_ratio` compare ``k`` samples from a small model with one sample
  from a larger one at matched FLOPs (inference costs about ``2 N`` FLOP per generated token,
  :func:`inference_flops`, so ``k`` samples from ``N_s`` cost as much as one from ``k N_s``).
  The small model's ``k``-sample coverage follows Brown et al.'s law
  (:mod:`scalinglaws.analyses.coverage`) with a shared exponent ``b``.
* :func:`exchange_draws` repeats the exchange rate and the break-even demand over paired
  replicates of the law and of ``b`` (bootstrap clouds), and :func:`percentile_interval`
  summarises them (the link stays fixed: it is an assumption, not an estimate).

Units: ``N`` parameters (all parameters, as in the Chinchilla-form laws), ``D`` tokens,
``C`` FLOP, loss in nats/token, success probabilities as fractions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from scalinglaws.core.allocation import flops_for_optimal_params, optimal_tokens
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import ParametricLaw, get_parametric_law
from scalinglaws.core.validation import confidence_level, finite_array, finite_real

__all__ = [
    "INFERENCE_RATIOS",
    "REFERENCE_SIZES",
    "LogisticLink",
    "breakeven_by_size",
    "breakeven_inference_ratio",
    "breakeven_rises_with_success",
    "defined_interval",
    "effective_multiplier",
    "exchange_draws",
    "exchange_table",
    "inference_flops",
    "matched_samples",
    "percentile_interval",
    "reference_sizes",
    "small_success",
]


# ------------------------------------------------------------ loss -> success (ASSUMPTION)


@dataclass(frozen=True)
class LogisticLink:
    """ASSUMED map from pre-training loss to single-sample success on a task (a model).

    ``p1(L) = 1 / (1 + exp((L - loss_mid) / scale))``: success is 50% at ``loss_mid``
    (nats/token) and moves from about 12% to 88% over ``loss_mid ± 2 scale``. This is a
    modelling choice of this book, in the spirit of the sigmoidal loss-to-accuracy links used
    in downstream-scaling work; no paper gives these constants for any task.

    Attributes
    ----------
    loss_mid : float
        Loss at which one sample succeeds half the time (nats/token, > 0).
    scale : float
        Width of the transition (nats/token, > 0).
    """

    loss_mid: float
    scale: float

    def __post_init__(self) -> None:
        finite_real(self.loss_mid, "loss_mid", positive=True)
        finite_real(self.scale, "scale", positive=True)

    def p1(self, loss: Any) -> float | np.ndarray:
        """Single-sample success probability at ``loss`` (nats/token)."""
        arr = finite_array(loss, "loss", positive=True)
        out = 0.5 * (1.0 + np.tanh((self.loss_mid - arr) / (2.0 * self.scale)))
        return float(out[0]) if np.ndim(loss) == 0 else out


def inference_flops(params: Any, tokens: Any, samples: Any = 1) -> float | np.ndarray:
    """Inference FLOPs ``2 N T k``: about 2 FLOP per parameter per generated token.

    The forward pass costs about ``2 N`` FLOP per token (Kaplan et al. 2020, §2.1), so ``k``
    samples of ``T`` tokens from an ``N``-parameter model cost ``2 N T k`` FLOP.
    """
    n = finite_array(params, "params", positive=True)
    t = finite_array(tokens, "tokens", positive=True)
    k = finite_array(samples, "samples", positive=True)
    out = 2.0 * n * t * k
    return (
        float(out[0])
        if out.size == 1 and all(np.ndim(v) == 0 for v in (params, tokens, samples))
        else out
    )


def _law(law: Any) -> ParametricLaw:
    return get_parametric_law(law, "the test-time exchange")


def _train_tokens(law: ParametricLaw, n: np.ndarray, tokens_per_param: float | None) -> np.ndarray:
    if tokens_per_param is None:
        return np.asarray(optimal_tokens(flops_for_optimal_params(n, law), law), dtype=float)
    return n * finite_real(tokens_per_param, "tokens_per_param", positive=True)


def _p1(law: ParametricLaw, link: LogisticLink, n: np.ndarray, tpp: float | None) -> np.ndarray:
    d = _train_tokens(law, n, tpp)
    return np.asarray(link.p1(np.asarray(law.loss(n, d), dtype=float).reshape(-1)), dtype=float)


def _check_exchange(law, link, coverage_exponent) -> tuple[ParametricLaw, float]:
    law = _law(law)
    if not isinstance(link, LogisticLink):
        raise InputError(f"link must be a LogisticLink, got {type(link).__name__}")
    b = finite_real(coverage_exponent, "coverage_exponent")
    if not b < 0:
        raise InputError(f"coverage_exponent must be negative (coverage rises with k), got {b}")
    return law, b


def small_success(
    law: Any, small_params: float, link: LogisticLink, *, tokens_per_param: float | None = None
) -> float:
    """Single-sample success of the small model under ``law`` and ``link`` (a MODEL).

    0 or 1 means the link is saturated there: repeated sampling cannot change the success rate, so
    :func:`effective_multiplier` has no exchange to price and returns 1.
    """
    law = _law(law)
    ns = finite_real(small_params, "small_params", positive=True)
    return float(_p1(law, link, np.array([ns]), tokens_per_param)[0])


def effective_multiplier(
    law: Any,
    small_params: float,
    samples: Any,
    link: LogisticLink,
    coverage_exponent: float,
    *,
    tokens_per_param: float | None = None,
    max_multiplier: float = 1e9,
) -> np.ndarray:
    """How many times larger a one-sample model must be to match ``k`` samples (a MODEL).

    The small model's coverage with ``k`` samples is ``p1**(k**b)`` (Brown et al.'s law
    anchored at the model's own single-sample success ``p1``, with a shared exponent ``b``);
    the larger model's single-sample success comes from the same ``law`` and ``link``. Both
    are trained compute-optimally under ``law`` (or at ``tokens_per_param``).

    Returns
    -------
    numpy.ndarray
        ``N_eq / N_s`` for each ``k``: ``inf`` when no model up to ``max_multiplier`` times
        larger matches (its success is capped by the law's irreducible loss ``E``); exactly ``1``
        when the link saturates at the small model (its single-sample success is 0 or 1, so more
        samples change nothing and there is nothing to exchange; see :func:`small_success`).
    """
    law, b = _check_exchange(law, link, coverage_exponent)
    ns = finite_real(small_params, "small_params", positive=True)
    ks = finite_array(samples, "samples", positive=True)
    if np.any(ks < 1):
        raise InputError("samples must be >= 1")
    mmax = finite_real(max_multiplier, "max_multiplier", positive=True)
    p_s = small_success(law, ns, link, tokens_per_param=tokens_per_param)
    if not 0 < p_s < 1:  # saturated link: k samples succeed exactly as often as one
        return np.ones(ks.size)
    target = np.exp(np.log(p_s) * ks**b)

    def gap(logm: float, t: float) -> float:
        return float(_p1(law, link, np.array([ns * math.exp(logm)]), tokens_per_param)[0]) - t

    out = np.empty(ks.size)
    for i, t in enumerate(target):
        if gap(0.0, t) >= 0:
            out[i] = 1.0
        elif gap(math.log(mmax), t) < 0:
            out[i] = np.inf
        else:
            out[i] = math.exp(brentq(gap, 0.0, math.log(mmax), args=(t,), xtol=1e-10))
    return out


def matched_samples(
    law: Any,
    small_params: Any,
    multiplier: Any,
    inference_ratio: Any,
    *,
    tokens_per_param: float | None = None,
) -> float | np.ndarray:
    """Samples per query a small model can afford for the total FLOPs of a larger model.

    The larger model (``N_l = multiplier * N_s``) is trained on ``D_l`` tokens and then
    generates ``D_inf = inference_ratio * D_l`` tokens in deployment, one sample per query.
    The small model, trained on ``D_s``, answers the same queries with ``k`` samples each.
    Equal total FLOPs, ``6 N_s D_s + 2 N_s k D_inf = 6 N_l D_l + 2 N_l D_inf``, give

    ``k = (6 N_l D_l - 6 N_s D_s + 2 N_l D_inf) / (2 N_s D_inf)``,

    which tends to ``multiplier`` (matched inference FLOPs alone) as ``inference_ratio``
    grows, and grows without bound as it shrinks (the ratio ``R`` of Snell et al. 2024, §7).
    Both models are trained compute-optimally under ``law`` unless ``tokens_per_param``.
    """
    law = _law(law)
    ns = finite_array(small_params, "small_params", positive=True)
    m = finite_array(multiplier, "multiplier", positive=True)
    r = finite_array(inference_ratio, "inference_ratio", positive=True)
    if np.any(m < 1):
        raise InputError("multiplier must be >= 1")
    ns, m, r = np.broadcast_arrays(ns, m, r)
    nl = ns * m
    ds = _train_tokens(law, ns, tokens_per_param)
    dl = _train_tokens(law, nl, tokens_per_param)
    d_inf = r * dl
    k = (6.0 * nl * dl - 6.0 * ns * ds + 2.0 * nl * d_inf) / (2.0 * ns * d_inf)
    scalar = all(np.ndim(v) == 0 for v in (small_params, multiplier, inference_ratio))
    return float(k[0]) if scalar else k


def exchange_table(
    law: Any,
    small_params: Any,
    multiplier: Any,
    inference_ratio: Any,
    link: LogisticLink,
    coverage_exponent: float,
    *,
    tokens_per_param: float | None = None,
) -> pd.DataFrame:
    """Small model with ``k`` samples versus a larger model with one, at matched FLOPs (a MODEL).

    For every combination of ``small_params`` (N_s), ``multiplier`` (N_l / N_s) and
    ``inference_ratio`` (R = deployment tokens / the larger model's training tokens), ``k``
    comes from :func:`matched_samples` (``inference_ratio = inf`` is not allowed; large R
    approaches matched inference FLOPs, ``k = multiplier``). The small model's ``k``-sample
    coverage ``p1**(k**b)`` assumes a perfect verifier (any correct sample counts), so it
    is an upper bound for majority voting; success comes from ``link`` (an assumption).

    Returns
    -------
    DataFrame
        One row per combination: ``small_params``, ``multiplier``, ``large_params``,
        ``inference_ratio``, ``k`` (matched samples per query), ``small_loss``,
        ``large_loss`` (nats/token), ``small_p1``, ``small_coverage``, ``large_p1``,
        ``advantage`` (small_coverage - large_p1), ``test_time_better`` (advantage > 0),
        ``train_flops_small``, ``train_flops_large`` (6 N D, FLOP).
    """
    law, b = _check_exchange(law, link, coverage_exponent)
    ns = finite_array(small_params, "small_params", positive=True)
    ms = finite_array(multiplier, "multiplier", positive=True)
    rs = finite_array(inference_ratio, "inference_ratio", positive=True)
    if np.any(ms < 1):
        raise InputError("multiplier must be >= 1")
    grid = np.array(np.meshgrid(ns, ms, rs, indexing="ij")).reshape(3, -1)
    n_s, m, r = grid
    n_l = n_s * m
    d_s = _train_tokens(law, n_s, tokens_per_param)
    d_l = _train_tokens(law, n_l, tokens_per_param)
    l_s = np.asarray(law.loss(n_s, d_s), dtype=float)
    l_l = np.asarray(law.loss(n_l, d_l), dtype=float)
    p_s = np.asarray(link.p1(l_s), dtype=float)
    p_l = np.asarray(link.p1(l_l), dtype=float)
    k = np.asarray(matched_samples(law, n_s, m, r, tokens_per_param=tokens_per_param), dtype=float)
    with np.errstate(divide="ignore"):
        cov = np.exp(np.log(p_s) * k**b)
    return pd.DataFrame(
        {
            "small_params": n_s,
            "multiplier": m,
            "large_params": n_l,
            "inference_ratio": r,
            "k": k,
            "small_loss": l_s,
            "large_loss": l_l,
            "small_p1": p_s,
            "small_coverage": cov,
            "large_p1": p_l,
            "advantage": cov - p_l,
            "test_time_better": cov > p_l,
            "train_flops_small": 6.0 * n_s * d_s,
            "train_flops_large": 6.0 * n_l * d_l,
        }
    )


def breakeven_inference_ratio(
    law: Any,
    small_params: float,
    multiplier: float,
    link: LogisticLink,
    coverage_exponent: float,
    *,
    tokens_per_param: float | None = None,
    r_min: float = 1e-8,
    r_max: float = 1e8,
) -> float:
    """Inference demand R above which the larger model beats ``k`` samples (a MODEL).

    Below the returned ratio of deployment tokens to the larger model's training tokens,
    spending the FLOPs on samples from the small model gives the higher success
    (:func:`exchange_table`); above it, training the larger model is the better buy.
    Returns ``inf`` when test-time compute wins at every R up to ``r_max`` and ``0.0`` when
    it loses already at ``r_min``.
    """
    law, b = _check_exchange(law, link, coverage_exponent)
    ns = finite_real(small_params, "small_params", positive=True)
    m = finite_real(multiplier, "multiplier", positive=True)
    lo, hi = finite_real(r_min, "r_min", positive=True), finite_real(r_max, "r_max", positive=True)
    if m <= 1:
        raise InputError(f"multiplier must be > 1, got {multiplier}")
    if lo >= hi:
        raise InputError("r_min must be below r_max")

    def adv(logr: float) -> float:
        row = exchange_table(law, ns, m, math.exp(logr), link, b, tokens_per_param=tokens_per_param)
        return float(row["advantage"].iloc[0])

    a_lo, a_hi = adv(math.log(lo)), adv(math.log(hi))
    if a_hi > 0:
        return float("inf")
    if a_lo <= 0:
        return 0.0
    return float(math.exp(brentq(adv, math.log(lo), math.log(hi), xtol=1e-10)))


def exchange_draws(
    laws: Any,
    coverage_exponents: Any,
    small_params: float,
    multiplier: float,
    samples: float,
    link: LogisticLink,
    *,
    tokens_per_param: float | None = None,
) -> pd.DataFrame:
    """The exchange rate and the break-even demand for paired replicates of law and exponent.

    ``laws[i]`` (e.g. :func:`scalinglaws.analyses.uncertainty.law_samples`) is paired with
    ``coverage_exponents[i]`` (e.g. the ``b`` column of
    :attr:`scalinglaws.analyses.coverage.AnchorExponent.boot`); a single law is repeated for every
    exponent. Replicates with ``b >= 0`` or with a single-sample success of 0 or 1 (no exchange
    defined) are returned as ``nan``.

    Returns
    -------
    DataFrame
        One row per replicate: ``b``, ``small_p1``, ``large_p1``, ``multiplier_eq``
        (:func:`effective_multiplier` at ``samples``; ``inf`` allowed) and ``breakeven``
        (:func:`breakeven_inference_ratio`; ``0`` and ``inf`` allowed).
    """
    bs = finite_array(coverage_exponents, "coverage_exponents")
    if isinstance(laws, ParametricLaw | str):
        laws = [laws] * bs.size
    laws = [_law(law) for law in laws]
    if len(laws) != bs.size:
        raise InputError(f"need one law per exponent ({bs.size}), got {len(laws)}")
    ns = finite_real(small_params, "small_params", positive=True)
    m = finite_real(multiplier, "multiplier", positive=True)
    k = finite_real(samples, "samples", positive=True)
    rows = []
    for law, b in zip(laws, bs, strict=True):
        row = {"b": float(b), "small_p1": np.nan, "large_p1": np.nan}
        row.update(multiplier_eq=np.nan, breakeven=np.nan)
        if b < 0:
            tab = exchange_table(law, ns, m, 1.0, link, b, tokens_per_param=tokens_per_param)
            p_s, p_l = float(tab["small_p1"].iloc[0]), float(tab["large_p1"].iloc[0])
            row.update(small_p1=p_s, large_p1=p_l)
            if 0 < p_s < 1:
                row["multiplier_eq"] = float(
                    effective_multiplier(law, ns, [k], link, b, tokens_per_param=tokens_per_param)[
                        0
                    ]
                )
                row["breakeven"] = breakeven_inference_ratio(
                    law, ns, m, link, b, tokens_per_param=tokens_per_param
                )
        rows.append(row)
    return pd.DataFrame(rows)


def percentile_interval(values: Any, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of replicates that may contain ``0`` and ``inf`` (``nan`` dropped).

    Uses the empirical quantile without interpolation (``method="inverted_cdf"``), so an end
    is always one of the replicates, also when it is ``inf``. Raises
    :class:`~scalinglaws.core.errors.InputError` when fewer than 90% of the replicates are defined.
    """
    v = np.asarray(values, dtype=float).reshape(-1)
    ok = v[~np.isnan(v)]
    if ok.size == 0 or ok.size < 0.9 * v.size:
        raise InputError(f"only {ok.size} of {v.size} replicates are defined; no interval")
    level = confidence_level(level)
    q = (1.0 - level) / 2.0
    lo, hi = np.quantile(ok, [q, 1.0 - q], method="inverted_cdf")
    return float(lo), float(hi)


# ------------------------------------------------------- the chapter's analyses, one call each

#: Small-model sizes (parameters) of the reasoning chapter's exchange table and chart.
REFERENCE_SIZES: tuple[float, ...] = (1e9, 3e9, 7e9, 3e10, 1e11)

#: Inference demands R of the exchange chart: 57 log-spaced values from 1e-5 to 1e2.
INFERENCE_RATIOS: np.ndarray = np.geomspace(1e-5, 1e2, 57)


def reference_sizes(small_params: float) -> np.ndarray:
    """:data:`REFERENCE_SIZES` with ``small_params`` added (sorted) when it is not one of them."""
    ns = finite_real(small_params, "small_params", positive=True)
    sizes = np.array(REFERENCE_SIZES)
    if ns not in sizes:
        sizes = np.sort(np.append(sizes, ns))
    return sizes


def breakeven_by_size(
    law: Any,
    sizes: Any,
    multiplier: float,
    link: LogisticLink,
    coverage_exponent: float,
    *,
    tokens_per_param: float | None = None,
) -> dict[float, float]:
    """:func:`breakeven_inference_ratio` for every small-model size: ``{size: R*}``."""
    return {
        float(n): breakeven_inference_ratio(
            law, float(n), multiplier, link, coverage_exponent, tokens_per_param=tokens_per_param
        )
        for n in finite_array(sizes, "sizes", positive=True)
    }


def breakeven_rises_with_success(table: pd.DataFrame, breakeven: dict[float, float]) -> bool:
    """Whether the break-even demand rises with the small model's single-sample success.

    ``table`` from :func:`exchange_table` (column ``small_p1`` per ``small_params``) and
    ``breakeven`` from :func:`breakeven_by_size`. True when, ordered by single-sample success, the
    break-even demands never fall and the last exceeds the first (Snell et al.'s condition: test-time
    compute helps where the small model already has non-trivial success).
    """
    sizes = np.array(list(breakeven), dtype=float)
    r = np.array(list(breakeven.values()), dtype=float)
    p1 = table.groupby("small_params")["small_p1"].first().reindex(sizes).to_numpy()
    r_sorted = r[np.argsort(p1, kind="stable")]
    return bool(np.all(r_sorted[1:] >= r_sorted[:-1]) and r_sorted[-1] > r_sorted[0])


def defined_interval(values: Any, level: float = 0.95) -> tuple[float, float] | None:
    """:func:`percentile_interval`, or ``None`` when fewer than 90% of the replicates are defined.

    Replicates are undefined (``nan``) where the link saturates (single-sample success 0 or 1): no
    exchange exists there, so an interval over the rest would describe a different question.
    """
    v = np.asarray(values, dtype=float).reshape(-1)
    ok = int((~np.isnan(v)).sum())
    if ok == 0 or ok < 0.9 * v.size:
        return None
    return percentile_interval(v, level)

"""Why power laws feel like a slowdown: compute per fixed loss drop along the compute-optimal frontier.

For a Chinchilla-form law ``L(N, D) = E + A/N**alpha + B/D**beta`` (Hoffmann et al. 2022, eq 2)
with ``C = 6 N D``, the loss of the compute-optimal allocation (Hoffmann eq 4) is itself a power
law in compute plus the floor::

    L*(C) = E + K * C**(-gamma),    gamma = alpha * beta / (alpha + beta)

(both reducible terms scale as ``C**(-gamma)`` on the frontier). Two consequences:

* every further *fixed* drop ``delta`` in loss costs a *growing* compute multiplier
  ``(R / (R - delta))**(1/gamma)`` where ``R = L - E`` is the reducible loss left;
* halving the reducible loss always costs the same factor ``2**(1/gamma)`` of compute.

Units: C in FLOP, loss in nats/token (on the law's own data set and tokenizer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.core import validation
from scalinglaws.core.allocation import compute_optimal
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import DEFAULT_LAW, ParametricLaw, as_positive, get_parametric_law
from scalinglaws.core.validation import DEFAULT_SEED

__all__ = [
    "frontier_exponent",
    "frontier_coefficient",
    "frontier_loss",
    "flops_for_loss",
    "multiplier_to_halve_reducible",
    "loss_drop_ladder",
    "drops_above_floor",
    "frontier_band",
    "ladder_intervals",
    "CHINCHILLA_FLOPS",
    "BudgetLadder",
    "budget_ladder",
]

#: The Chinchilla/Gopher training budget, 5.76e23 FLOP (Hoffmann et al. 2022, Table 3).
CHINCHILLA_FLOPS: float = 5.76e23


def _law(law: Any) -> ParametricLaw:
    return get_parametric_law(law, "the frontier analysis")


def frontier_exponent(law: Any = DEFAULT_LAW) -> float:
    """``gamma = alpha beta / (alpha + beta)``: exponent of the reducible loss in C on the frontier.

    Hoffmann et al. 2022 (rounded, alpha=0.34, beta=0.28): gamma = 0.1535.
    """
    lw = _law(law)
    return lw.alpha * lw.beta / (lw.alpha + lw.beta)


def frontier_coefficient(law: Any = DEFAULT_LAW) -> float:
    """``K`` in ``L*(C) = E + K C**(-gamma)`` (nats/token x FLOP**gamma), from the eq-4 optimum."""
    lw = _law(law)
    c0 = 1e20
    alloc = compute_optimal(c0, lw)
    return float(lw.reducible(alloc.params, alloc.tokens)) * c0 ** frontier_exponent(lw)


def frontier_loss(C: Any, law: Any = DEFAULT_LAW) -> float | np.ndarray:
    """Loss (nats/token) of the compute-optimal model trained with ``C`` FLOP (vectorised)."""
    lw = _law(law)
    c = np.asarray(as_positive(C, "flops"))
    out = lw.E + frontier_coefficient(lw) * c ** (-frontier_exponent(lw))
    return float(out) if out.ndim == 0 else out


def flops_for_loss(L: Any, law: Any = DEFAULT_LAW) -> float | np.ndarray:
    """Compute (FLOP) a compute-optimal run needs to reach loss ``L`` (must exceed the floor E)."""
    lw = _law(law)
    loss = np.asarray(as_positive(L, "loss"))
    if np.any(loss <= lw.E):
        raise InputError(f"loss must be above the irreducible loss E = {lw.E:.4g} of {lw.name}")
    out = (frontier_coefficient(lw) / (loss - lw.E)) ** (1.0 / frontier_exponent(lw))
    return float(out) if out.ndim == 0 else out


def multiplier_to_halve_reducible(law: Any = DEFAULT_LAW) -> float:
    """Compute multiplier ``2**(1/gamma)`` that halves the reducible loss (any starting point)."""
    return 2.0 ** (1.0 / frontier_exponent(law))


def loss_drop_ladder(
    law: Any = DEFAULT_LAW, *, start_flops: Any = 5.76e23, delta: Any = 0.05, n_steps: int = 5
) -> pd.DataFrame:
    """Successive fixed loss drops of ``delta`` nats/token from the optimum at ``start_flops``.

    Parameters
    ----------
    law : str or ParametricLaw
    start_flops : float
        Starting budget C (FLOP); default the Chinchilla/Gopher budget 5.76e23 (Hoffmann Table 3).
    delta : float
        Fixed loss drop per step (nats/token).
    n_steps : int
        Number of drops; stops with InputError if a drop would cross the floor E.

    Returns
    -------
    DataFrame
        One row per rung (step 0 = start): ``step, loss, flops, step_multiplier`` (C_k / C_{k-1},
        NaN at step 0), ``total_multiplier`` (C_k / C_0), ``reducible`` (L - E),
        ``reducible_left`` (reducible / reducible at step 0), ``reducible_share`` ((L - E) / L).
    """
    lw = _law(law)
    c0 = as_positive(start_flops, "start_flops")
    d = as_positive(delta, "delta")
    if not isinstance(c0, float) or not isinstance(d, float):
        raise InputError("start_flops and delta must be single numbers")
    if isinstance(n_steps, bool) or not isinstance(n_steps, int | np.integer) or n_steps < 1:
        raise InputError(f"n_steps must be an integer >= 1, got {n_steps!r}")
    l0 = float(frontier_loss(c0, lw))
    losses = l0 - d * np.arange(n_steps + 1, dtype=np.float64)
    if losses[-1] <= lw.E:
        raise InputError(
            f"{n_steps} drops of {d:g} from L = {l0:.4g} cross the irreducible loss "
            f"E = {lw.E:.4g}; use fewer steps or a smaller delta"
        )
    flops = np.asarray(flops_for_loss(losses, lw), dtype=np.float64)
    step_mult = np.concatenate([[math.nan], flops[1:] / flops[:-1]])
    red = losses - lw.E
    return pd.DataFrame(
        {
            "step": np.arange(n_steps + 1),
            "loss": losses,
            "flops": flops,
            "step_multiplier": step_mult,
            "total_multiplier": flops / flops[0],
            "reducible": red,
            "reducible_left": red / red[0],
            "reducible_share": red / losses,
        }
    )


def drops_above_floor(
    law: Any = DEFAULT_LAW, *, start_flops: Any = 5.76e23, delta: Any = 0.05
) -> int:
    """How many whole drops of ``delta`` fit between the optimum at ``start_flops`` and the floor E.

    A ladder of :func:`loss_drop_ladder` may have at most this many steps (0 if even one drop
    would reach E).
    """
    lw = _law(law)
    c0 = as_positive(start_flops, "start_flops")
    d = as_positive(delta, "delta")
    if not isinstance(c0, float) or not isinstance(d, float):
        raise InputError("start_flops and delta must be single numbers")
    red = float(frontier_loss(c0, lw)) - lw.E
    n = math.floor(red / d)
    return int(n - 1 if n * d >= red else n)


def frontier_band(
    C: Any, *, n_boot: int = 1000, seed: int = DEFAULT_SEED, level: float = 0.95
) -> pd.DataFrame:
    """Compute-optimal loss of the canonical law with its bootstrap band, on the budgets ``C``.

    Columns ``C`` (FLOP), ``loss`` (canonical law, nats/token), ``lo``, ``hi`` (pointwise
    ``level`` percentile interval over :func:`scalinglaws.analyses.uncertainty.law_samples` with
    ``n_boot`` resamples and ``seed``).
    """
    from scalinglaws.analyses.uncertainty import law_samples

    c = np.atleast_1d(np.asarray(as_positive(C, "flops"), dtype=np.float64))
    validation.confidence_level(level, minimum=0.5)
    cloud = np.stack(
        [np.asarray(frontier_loss(c, lw)).reshape(-1) for lw in law_samples(n_boot, seed)]
    )
    lo, hi = np.quantile(cloud, [(1 - level) / 2, (1 + level) / 2], axis=0)
    loss = np.asarray(frontier_loss(c, DEFAULT_LAW)).reshape(-1)
    return pd.DataFrame({"C": c, "loss": loss, "lo": lo, "hi": hi})


def ladder_intervals(
    *,
    start_flops: Any = 5.76e23,
    delta: Any = 0.05,
    n_steps: int = 5,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> pd.DataFrame:
    """Bootstrap intervals of the canonical law's loss-drop ladder (headline quantities).

    For each resampled law of :func:`scalinglaws.analyses.uncertainty.law_samples` (``n_boot``, ``seed``)
    the ladder of :func:`loss_drop_ladder` is rebuilt from that law's own optimum at
    ``start_flops``. Where the ``n_steps`` drops would reach that law's floor, the compute they
    need is infinite (and nothing of the reducible loss is left): such resamples are kept, so an
    interval may have no upper end. Returns one row per quantity (``start_loss``,
    ``reducible_share``, ``first_step``, ``last_step``, ``total``, ``reducible_left``) with
    ``value`` (canonical law), ``lo``, ``hi`` (``level`` interval, ``hi`` may be inf) and
    ``share_unreachable`` (fraction of resamples whose floor the ladder reaches).
    """
    from scalinglaws.analyses.uncertainty import law_samples

    validation.confidence_level(level, minimum=0.5)

    def row(lw: ParametricLaw) -> list[float]:
        l0 = float(frontier_loss(start_flops, lw))
        losses = l0 - float(delta) * np.arange(n_steps + 1, dtype=np.float64)
        red = losses - lw.E
        ok = red > 0
        flops = np.full(losses.shape, math.inf)
        flops[ok] = flops_for_loss(losses[ok], lw)
        return [
            l0,
            red[0] / l0,
            float(flops[1] / flops[0]),
            float(flops[-1] / flops[-2]) if ok[-2] else math.inf,
            float(flops[-1] / flops[0]),
            float(max(red[-1], 0.0) / red[0]),
        ]

    names = ["start_loss", "reducible_share", "first_step", "last_step", "total", "reducible_left"]
    point = row(get_parametric_law(DEFAULT_LAW))
    if math.isinf(point[-2]):
        raise InputError(f"{n_steps} drops of {delta:g} reach the canonical law's floor")
    cloud = np.array([row(lw) for lw in law_samples(n_boot, seed)])
    q = [(1 - level) / 2, (1 + level) / 2]
    lo, hi = np.quantile(cloud, q, axis=0, method="inverted_cdf")
    return pd.DataFrame(
        {
            "quantity": names,
            "value": point,
            "lo": lo,
            "hi": hi,
            "share_unreachable": float(np.mean(np.isinf(cloud[:, 4]))),
        }
    ).set_index("quantity")


@dataclass(frozen=True)
class BudgetLadder:
    """A loss-drop ladder from one budget, how many drops fit, and (canonical law) its intervals.

    Attributes
    ----------
    law : ParametricLaw
        The law the ladder is built on.
    ladder : DataFrame
        :func:`loss_drop_ladder` with ``n_steps`` drops.
    n_fit : int
        Whole drops of ``delta`` that fit above the floor (:func:`drops_above_floor`).
    n_steps : int
        Drops taken: ``min(max_steps, n_fit)``.
    delta, start_flops : float
        Drop (nats/token) and starting budget (FLOP).
    intervals : DataFrame or None
        :func:`ladder_intervals` when ``law`` is the canonical law; None for a historical law
        (the book's bootstrap is that of the canonical law).
    """

    law: ParametricLaw
    ladder: pd.DataFrame
    n_fit: int
    n_steps: int
    delta: float
    start_flops: float
    intervals: pd.DataFrame | None

    @property
    def is_canonical(self) -> bool:
        """Whether the ladder is built on the canonical law (and so carries intervals)."""
        return self.intervals is not None


def budget_ladder(
    law: Any = DEFAULT_LAW,
    *,
    delta: Any = 0.05,
    start_flops: Any = CHINCHILLA_FLOPS,
    max_steps: int = 5,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
) -> BudgetLadder:
    """Up to ``max_steps`` drops of ``delta`` from the optimum at ``start_flops``, with intervals.

    Takes as many drops as fit above the floor (at most ``max_steps``); for the canonical law
    also the bootstrap intervals of :func:`ladder_intervals` (``n_boot``, ``seed``).
    """
    lw = _law(law)
    n_fit = drops_above_floor(lw, start_flops=start_flops, delta=delta)
    n_steps = min(max_steps, n_fit)
    ladder = loss_drop_ladder(lw, start_flops=start_flops, delta=delta, n_steps=n_steps)
    intervals = None
    if lw.name == get_parametric_law(DEFAULT_LAW).name:
        intervals = ladder_intervals(
            start_flops=start_flops, delta=delta, n_steps=n_steps, n_boot=n_boot, seed=seed
        )
    return BudgetLadder(lw, ladder, n_fit, n_steps, float(delta), float(start_flops), intervals)

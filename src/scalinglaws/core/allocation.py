"""Compute-optimal allocation of a FLOP budget between parameters and tokens.

Closed form for the Chinchilla form ``L = E + A/N**alpha + B/D**beta`` under ``C = 6 N D``
(Hoffmann et al. 2022, eq 4), Kaplan et al. 2020's Table 6 rule, projections in the style of
Hoffmann Table 3 / Table A3, and the inference-aware allocation of Sardana et al. 2024.
Units: ``C`` FLOP, ``N`` parameters (all parameters for Chinchilla-form laws, non-embedding
for Kaplan), ``D`` tokens, loss in nats/token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq, minimize_scalar

from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import (
    DEFAULT_LAW,
    PF_DAY_FLOP,
    KaplanLaw,
    ParametricLaw,
    as_positive,
    get_law,
    get_parametric_law,
)

__all__ = [
    "Allocation",
    "compute_optimal",
    "optimal_params",
    "optimal_tokens",
    "flops_for_optimal_params",
    "TABLE3_PARAMS",
    "table3",
    "HOFFMANN_TABLE3",
    "HOFFMANN_TABLE_A3",
    "InferenceAwareResult",
    "inference_aware",
    "inference_aware_for_target",
]


@dataclass(frozen=True)
class Allocation:
    """A compute-optimal allocation.

    Attributes
    ----------
    flops : float
        Training compute ``C`` (FLOP), ``= 6 * params * tokens``.
    params : float
        Parameters ``N`` (non-embedding for ``law == "kaplan"``).
    tokens : float
        Training tokens ``D``.
    tokens_per_param : float
        ``D / N``.
    loss : float
        Predicted loss (nats/token) under ``law``.
    law : str
        Name of the law used.
    """

    flops: float
    params: float
    tokens: float
    tokens_per_param: float
    loss: float
    law: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return asdict(self)


def _scalar_flops(C: Any) -> float:
    c = as_positive(C, "flops")
    if not isinstance(c, float):
        raise InputError("flops must be a single positive finite number, got an array")
    return c


def optimal_params(C: Any, law: Any = DEFAULT_LAW) -> float | np.ndarray:
    """``N_opt(C) = G (C/6)**a`` (Hoffmann et al. 2022, eq 4); Kaplan: ``1.3e9 C_min**0.73``."""
    law = get_law(law)
    c = np.asarray(as_positive(C, "flops"))
    if isinstance(law, KaplanLaw):
        out = law.n_opt(c / PF_DAY_FLOP)
    else:
        out = law.G * (c / 6.0) ** law.a
    return float(out) if np.ndim(out) == 0 else np.asarray(out)


def optimal_tokens(C: Any, law: Any = DEFAULT_LAW) -> float | np.ndarray:
    """``D_opt(C) = (C/6)**b / G`` (Hoffmann eq 4); for Kaplan ``D = C / (6 N_opt)``."""
    law = get_law(law)
    c = np.asarray(as_positive(C, "flops"))
    if isinstance(law, KaplanLaw):
        out = c / (6.0 * np.asarray(optimal_params(c, law)))
    else:
        out = (c / 6.0) ** law.b / law.G
    return float(out) if np.ndim(out) == 0 else np.asarray(out)


def compute_optimal(C: Any, law: Any = DEFAULT_LAW) -> Allocation:
    """Compute-optimal ``(N, D)`` for budget ``C`` FLOP under ``law`` (name or law object).

    Chinchilla-form laws: ``N_opt = G (C/6)**a``, ``D_opt = (C/6)**b / G`` with
    ``G = (alpha A / (beta B))**(1/(alpha+beta))``, ``a = beta/(alpha+beta)``,
    ``b = alpha/(alpha+beta)`` (Hoffmann et al. 2022, eq 4), so ``6 N_opt D_opt = C``.
    Kaplan: ``N = 1.3e9 (C/8.64e19)**0.73`` non-embedding params (Kaplan et al. 2020, App. A
    Table 6, C_min in PF-days), ``D = C/(6N)``, loss from eq 1.5 (Table 2 constants).
    """
    c = _scalar_flops(C)
    law = get_law(law)
    n = optimal_params(c, law)
    d = optimal_tokens(c, law)
    return Allocation(
        flops=c,
        params=n,
        tokens=d,
        tokens_per_param=d / n,
        loss=float(law.loss(n, d)),
        law=law.name,
    )


def flops_for_optimal_params(N: Any, law: Any = DEFAULT_LAW) -> float | np.ndarray:
    """Invert ``N_opt(C)``: the budget ``C`` (FLOP) for which ``N`` is compute-optimal.

    Chinchilla form: ``C = 6 (N/G)**(1/a)``; Kaplan: ``C = 8.64e19 (N/1.3e9)**(1/0.73)``.
    """
    law = get_law(law)
    n = np.asarray(as_positive(N, "params"))
    if isinstance(law, KaplanLaw):
        out = PF_DAY_FLOP * (n / law.N_e) ** (1.0 / law.p_N)
    else:
        out = 6.0 * (n / law.G) ** (1.0 / law.a)
    return float(out) if np.ndim(out) == 0 else out


#: Model sizes of Hoffmann et al. 2022 Table 3 and Table A3.
TABLE3_PARAMS: tuple[float, ...] = (400e6, 1e9, 10e9, 67e9, 175e9, 280e9, 520e9, 1e12, 10e12)


def table3(law: Any = DEFAULT_LAW, params: Sequence[float] = TABLE3_PARAMS) -> pd.DataFrame:
    """Compute-optimal FLOPs and tokens for each model size (style of Hoffmann Table 3 / A3).

    Columns: ``params, flops, tokens, tokens_per_param, flops_gopher_units, loss`` where
    ``flops_gopher_units = flops / 5.76e23`` (the Gopher budget, Hoffmann Table 3).
    """
    law = get_law(law)
    n = np.atleast_1d(np.asarray(as_positive(list(params), "params"), dtype=np.float64))
    c = np.asarray(flops_for_optimal_params(n, law))
    d = c / (6.0 * n)
    return pd.DataFrame(
        {
            "params": n,
            "flops": c,
            "tokens": d,
            "tokens_per_param": d / n,
            "flops_gopher_units": c / 5.76e23,
            "loss": np.asarray(law.loss(n, d)),
        }
    )


#: Hoffmann et al. 2022 Table 3 (Approach 1) as published: params, FLOPs, FLOPs in Gopher
#: units (as printed, reciprocal shown as a fraction for < 1), tokens. [V2] (paper_numbers §3.3)
HOFFMANN_TABLE3 = pd.DataFrame(
    {
        "params": [400e6, 1e9, 10e9, 67e9, 175e9, 280e9, 520e9, 1e12, 10e12],
        "flops": [1.92e19, 1.21e20, 1.23e22, 5.76e23, 3.85e24, 9.90e24, 3.43e25, 1.27e26, 1.30e28],
        "flops_gopher_units": [
            1 / 29968,
            1 / 4761,
            1 / 46,
            1.0,
            6.7,
            17.2,
            59.5,
            221.3,
            22515.9,
        ],
        "tokens": [8.0e9, 20.2e9, 205.1e9, 1.5e12, 3.7e12, 5.9e12, 11.0e12, 21.2e12, 216.2e12],
    }
)
HOFFMANN_TABLE3.attrs["citation"] = "Hoffmann et al. 2022, arXiv:2203.15556, Table 3 (Approach 1)"

#: Hoffmann et al. 2022 Table A3 (Approaches 2 and 3) as published, with a ``note`` column.
#: The 175B Approach-3 FLOPs are printed as 1.26e24 but 6 x 175e9 x 12.0e12 = 1.26e25 (typo).
HOFFMANN_TABLE_A3 = pd.DataFrame(
    {
        "params": [400e6, 1e9, 10e9, 67e9, 175e9, 280e9, 520e9, 1e12, 10e12],
        "a2_flops": [
            1.84e19,
            1.20e20,
            1.32e22,
            6.88e23,
            4.54e24,
            1.18e25,
            4.19e25,
            1.59e26,
            1.75e28,
        ],
        "a2_tokens": [7.7e9, 20.0e9, 219.5e9, 1.7e12, 4.3e12, 7.1e12, 13.4e12, 26.5e12, 292.0e12],
        "a3_flops": [
            2.21e19,
            1.62e20,
            2.46e22,
            1.71e24,
            1.26e24,
            3.52e25,
            1.36e26,
            5.65e26,
            8.55e28,
        ],
        "a3_tokens": [
            9.2e9,
            27.1e9,
            410.1e9,
            4.1e12,
            12.0e12,
            20.1e12,
            43.5e12,
            94.1e12,
            1425.5e12,
        ],
        "note": [
            "",
            "",
            "",
            "",
            "A3 FLOPs printed 1.26e24; 6ND = 6*175e9*12.0e12 = 1.26e25 (typo in paper)",
            "",
            "",
            "",
            "",
        ],
    }
)
HOFFMANN_TABLE_A3.attrs["citation"] = "Hoffmann et al. 2022, arXiv:2203.15556, App. D.3 Table A3"


# ---------------------------------------------------------------------------------------------
# Inference-aware allocation (Sardana et al. 2024)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InferenceAwareResult:
    """Inference-aware allocation at a fixed loss (Sardana et al. 2024, arXiv:2401.00448).

    All FLOP figures use ``6 N D_tr`` for training and ``2 N D_inf`` for inference.
    ``chinchilla_*`` fields describe the training-compute-optimal model at the same loss, with
    its own total cost including the same inference demand. ``savings`` is
    ``1 - total_flops / chinchilla_total_flops``; ``converged`` reports the optimiser status.
    """

    loss: float
    inference_tokens: float
    params: float
    train_tokens: float
    tokens_per_param: float
    train_flops: float
    inference_flops: float
    total_flops: float
    chinchilla_params: float
    chinchilla_train_tokens: float
    chinchilla_train_flops: float
    chinchilla_total_flops: float
    savings: float
    converged: bool
    law: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return asdict(self)


def _tokens_for_loss(law: ParametricLaw, loss_target: float, n: np.ndarray) -> np.ndarray:
    """Closed form ``D_tr(N) = (B / (loss - E - A/N**alpha))**(1/beta)``; inf where unreachable."""
    gap = loss_target - law.E - law.A / np.power(n, law.alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(gap > 0, (law.B / np.where(gap > 0, gap, 1.0)) ** (1.0 / law.beta), np.inf)


def _min_total(law: ParametricLaw, loss_target: float, d_inf: float) -> tuple[float, bool]:
    """Minimise ``6 N D_tr(N) + 2 N D_inf`` over ``log N``; returns (N, converged)."""
    n_min = (law.A / (loss_target - law.E)) ** (1.0 / law.alpha)
    lo, hi = np.log(n_min) + 1e-9, np.log(n_min) + np.log(1e12)

    def total(logn: float) -> float:
        n = np.exp(logn)
        d = float(_tokens_for_loss(law, loss_target, np.asarray(n)))
        return float(np.log(6.0 * n * d + 2.0 * n * d_inf))

    res = minimize_scalar(total, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10})
    at_edge = min(res.x - lo, hi - res.x) < 1e-6
    return float(np.exp(res.x)), bool(res.success and not at_edge)


def inference_aware(law: Any, loss_target: Any, inference_tokens: Any) -> InferenceAwareResult:
    """Cheapest model reaching ``loss_target`` when serving ``inference_tokens`` tokens.

    Minimises total FLOPs ``6 N D_tr + 2 N D_inf`` subject to ``L(N, D_tr) = loss_target``
    (Sardana et al. 2024, arXiv:2401.00448, §2). ``D_tr(N)`` is solved in closed form for the
    Chinchilla-form law and the total is minimised over ``log N`` (scipy ``minimize_scalar``,
    bounded). ``inference_tokens = 0`` gives the Chinchilla (training-compute) optimum.
    Kaplan's law is not supported (different functional form). Raises
    :class:`~scalinglaws.core.errors.InputError` if ``loss_target <= E`` (unreachable).
    """
    law = get_parametric_law(law, "inference_aware")
    ell = as_positive(loss_target, "loss_target")
    if not isinstance(ell, float):
        raise InputError("loss_target must be a single positive finite number, got an array")
    if ell <= law.E:
        raise InputError(
            f"loss_target must exceed the irreducible loss E = {law.E:.4f} of {law.name}, got {ell}"
        )
    if isinstance(inference_tokens, bool):
        raise InputError(f"inference_tokens must be a finite number >= 0, got {inference_tokens!r}")
    try:
        d_inf = float(inference_tokens)
    except (TypeError, ValueError):
        raise InputError(
            f"inference_tokens must be a finite number >= 0, got {inference_tokens!r}"
        ) from None
    if not np.isfinite(d_inf) or d_inf < 0:
        raise InputError(f"inference_tokens must be a finite number >= 0, got {inference_tokens!r}")

    n, ok = _min_total(law, ell, d_inf)
    d = float(_tokens_for_loss(law, ell, np.asarray(n)))
    # Chinchilla baseline: closed-form optimum whose loss equals the target.
    c0 = _flops_for_loss(law, ell)
    n0, d0 = optimal_params(c0, law), optimal_tokens(c0, law)
    train, inf = 6.0 * n * d, 2.0 * n * d_inf
    base_total = 6.0 * n0 * d0 + 2.0 * n0 * d_inf
    return InferenceAwareResult(
        loss=ell,
        inference_tokens=d_inf,
        params=n,
        train_tokens=d,
        tokens_per_param=d / n,
        train_flops=train,
        inference_flops=inf,
        total_flops=train + inf,
        chinchilla_params=n0,
        chinchilla_train_tokens=d0,
        chinchilla_train_flops=6.0 * n0 * d0,
        chinchilla_total_flops=base_total,
        savings=1.0 - (train + inf) / base_total,
        converged=ok,
        law=law.name,
    )


def _flops_for_loss(law: ParametricLaw, loss_target: float) -> float:
    """Budget C whose compute-optimal loss equals ``loss_target`` (root in log C by brentq)."""

    def f(logc: float) -> float:
        c = np.exp(logc)
        return float(law.loss(optimal_params(c, law), optimal_tokens(c, law))) - loss_target

    lo, hi = np.log(1.0), np.log(1e60)
    if f(hi) > 0:
        raise InputError(f"loss_target {loss_target} is not reachable below 1e60 FLOP")
    return float(np.exp(brentq(f, lo, hi, xtol=1e-12, rtol=1e-14)))


def inference_aware_for_target(
    law: Any, target_params: Any, inference_tokens: Any
) -> InferenceAwareResult:
    """Inference-aware allocation whose quality target is a compute-optimal model's loss.

    The target loss is that of the compute-optimal model with ``target_params`` parameters
    under ``law`` (:func:`flops_for_optimal_params`, :func:`compute_optimal`), as in Sardana et
    al. 2024's worked example (a 13B Chinchilla-optimal target); then :func:`inference_aware`
    with ``inference_tokens`` tokens of lifetime demand. One function of the law, so that a
    bootstrap cloud of laws (:func:`scalinglaws.analyses.uncertainty.propagate`) gives its interval.
    """
    law = get_parametric_law(law, "inference_aware_for_target")
    target = compute_optimal(flops_for_optimal_params(target_params, law), law)
    return inference_aware(law, target.loss, inference_tokens)

"""Data-constrained scaling law of Muennighoff et al. 2023 (arXiv:2305.16264).

Repeated tokens and excess parameters are worth less than fresh ones (datablations README,
"Parametric Fit", huggingface/datablations @13701315)::

    D' = U_D + U_D R_D* (1 - exp(-R_D / R_D*)),   R_D = D / U_D - 1   (repetitions)
    N' = U_N + U_N R_N* (1 - exp(-R_N / R_N*)),   R_N = N / U_N - 1
    U_N = min(N, N_opt(U_D)),  N_opt(D) = G (D G)**(beta/alpha)  (base law's compute-optimal N
                                                                   for D tokens, Hoffmann eq 4)
    L = E + A / N'**alpha + B / D'**beta

Units: N parameters, D total training tokens, U unique tokens, loss in nats/token on C4
validation (GPT-2 tokenizer).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from scipy.special import huber

from scalinglaws.errors import InputError
from scalinglaws.laws import MUENNIGHOFF_C4, ParametricLaw, as_positive, get_parametric_law

__all__ = [
    "PUBLISHED",
    "optimal_params_for_tokens",
    "effective_data",
    "effective_params",
    "loss",
    "DecayFit",
    "DEFAULT_GRID",
    "DECAY_BOUNDS",
    "decay_objective",
    "fit_decay_constants",
    "r_squared",
    "optimal_under_unique_tokens",
]

#: Published decay constants and base law (datablations README "Parametric Fit" @13701315;
#: Muennighoff et al. 2023): R_D* = 15.387756, R_N* = 5.309743, base = MUENNIGHOFF_C4.
PUBLISHED: dict[str, Any] = dict(R_D_star=15.387756, R_N_star=5.309743, base=MUENNIGHOFF_C4)


def _out(x: Any) -> float | np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


def _base(law: Any) -> ParametricLaw:
    return get_parametric_law(law, "the data-constrained law")


def optimal_params_for_tokens(D: Any, law: Any = MUENNIGHOFF_C4) -> float | np.ndarray:
    """Compute-optimal ``N`` for ``D`` tokens under the base law: ``G (D G)**(beta/alpha)``.

    This inverts ``D_opt(C) = (C/6)**b / G`` and substitutes into ``N_opt = G (C/6)**a``
    (Hoffmann et al. 2022, eq 4); it is ``D_to_N`` of the datablations README.
    """
    law = _base(law)
    d = np.asarray(as_positive(D, "D"))
    return _out(law.G * (d * law.G) ** (law.beta / law.alpha))


def effective_data(D: Any, U: Any, R_D_star: Any) -> float | np.ndarray:
    """Effective tokens ``D' = U + U R_D* (1 - exp(-R_D/R_D*))`` with ``R_D = max(D/U - 1, 0)``.

    ``D`` total tokens, ``U`` unique tokens (``U <= D``), ``R_D_star`` the decay constant
    (15.387756 published; Muennighoff et al. 2023).
    """
    d = np.asarray(as_positive(D, "D"))
    u = np.asarray(as_positive(U, "U"))
    r = np.asarray(as_positive(R_D_star, "R_D_star"))
    if np.any(u > d * (1 + 1e-12)):
        raise InputError("unique tokens U must not exceed total tokens D")
    rd = np.maximum(d / u - 1.0, 0.0)
    return _out(u + u * r * (1.0 - np.exp(-rd / r)))


def effective_params(
    N: Any, U: Any, law: Any = MUENNIGHOFF_C4, R_N_star: Any = PUBLISHED["R_N_star"]
) -> float | np.ndarray:
    """Effective parameters ``N' = U_N + U_N R_N* (1 - exp(-R_N/R_N*))``.

    ``U_N = min(N, N_opt(U))`` where ``N_opt(U)`` is the base law's compute-optimal size for
    ``U`` unique tokens (:func:`optimal_params_for_tokens`), and ``R_N = max(N/U_N - 1, 0)``.
    """
    n = np.asarray(as_positive(N, "N"))
    r = np.asarray(as_positive(R_N_star, "R_N_star"))
    un = np.minimum(n, np.asarray(optimal_params_for_tokens(U, law)))
    rn = np.maximum(n / un - 1.0, 0.0)
    return _out(un + un * r * (1.0 - np.exp(-rn / r)))


def _params(params: Any) -> tuple[float, float, ParametricLaw]:
    if not isinstance(params, dict):
        raise InputError("params must be a dict with keys R_D_star, R_N_star, base")
    missing = {"R_D_star", "R_N_star"} - set(params)
    if missing:
        raise InputError(f"params is missing {', '.join(sorted(missing))}")
    rd = as_positive(params["R_D_star"], "R_D_star")
    rn = as_positive(params["R_N_star"], "R_N_star")
    return rd, rn, _base(params.get("base", MUENNIGHOFF_C4))


def loss(N: Any, D: Any, U: Any, params: dict[str, Any] = PUBLISHED) -> float | np.ndarray:
    """Data-constrained loss (nats/token): ``E + A/N'**alpha + B/D'**beta`` (vectorised).

    ``params`` = dict(R_D_star, R_N_star, base); default :data:`PUBLISHED`. README example:
    ``loss(6.34e9, 242e9, 25e9) = 2.2256`` (datablations README, Fig. 1 right).
    """
    rd, rn, base = _params(params)
    dp = np.asarray(effective_data(D, U, rd))
    np_ = np.asarray(effective_params(N, U, base, rn))
    return _out(base.E + base.A / np_**base.alpha + base.B / dp**base.beta)


def r_squared(pred: Any, L: Any) -> float:
    """Coefficient of determination ``1 - SS_res/SS_tot`` of predictions against losses ``L``."""
    p = np.asarray(pred, dtype=np.float64).ravel()
    y = np.asarray(L, dtype=np.float64).ravel()
    if p.shape != y.shape or y.size < 2:
        raise InputError("pred and L must be equal-length arrays with at least 2 values")
    if not (np.all(np.isfinite(p)) and np.all(np.isfinite(y))):
        raise InputError("pred and L must contain only finite numbers")
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    if ss_tot == 0:
        raise InputError("L is constant; R^2 is undefined")
    return 1.0 - float(np.sum((y - p) ** 2)) / ss_tot


@dataclass(frozen=True)
class DecayFit:
    """Result of :func:`fit_decay_constants`.

    ``objective`` is the summed Huber loss (delta) of ``log(pred) - log(L)`` at the optimum;
    ``converged`` is the L-BFGS-B status of the best start; ``n_starts`` the grid size.
    """

    R_D_star: float
    R_N_star: float
    objective: float
    converged: bool
    n_starts: int

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return asdict(self)


#: Default initialisation grid for (R_D*, R_N*): 4 x 4 starts in [5, 20].
DEFAULT_GRID: tuple[tuple[float, ...], tuple[float, ...]] = ((5.0, 10.0, 15.0, 20.0),) * 2

#: Bounds of both decay constants during the fit.
DECAY_BOUNDS: tuple[float, float] = (1e-2, 1e3)


def decay_objective(
    R_D_star: float,
    R_N_star: float,
    N: Any,
    D: Any,
    U: Any,
    L: Any,
    *,
    base: Any = MUENNIGHOFF_C4,
    delta: float = 1e-3,
) -> float:
    """Summed Huber loss ``sum Huber_delta(log L_pred - log L)`` of the data-constrained law.

    At the published constants on the 182 datablations runs this is 0.015826 (the notebook's
    minimum, ``utils/parametric_fit.ipynb`` cell 29).
    """
    p = {"R_D_star": R_D_star, "R_N_star": R_N_star, "base": _base(base)}
    r = np.log(np.asarray(loss(N, D, U, p))) - np.log(np.asarray(as_positive(L, "L")))
    return float(np.sum(huber(as_positive(delta, "delta"), r)))


def fit_decay_constants(
    N: Any,
    D: Any,
    U: Any,
    L: Any,
    *,
    base: Any = MUENNIGHOFF_C4,
    delta: float = 1e-3,
    grid: Sequence[Sequence[float]] = DEFAULT_GRID,
) -> DecayFit:
    """Fit R_D* and R_N* with the base law fixed (Muennighoff et al. 2023 recipe).

    Minimises :func:`decay_objective` (summed Huber, ``delta``, on log loss) with L-BFGS-B on
    the raw constants within :data:`DECAY_BOUNDS`, from every start in ``grid`` (a pair of
    sequences: R_D* starts, R_N* starts), and keeps the best.

    Caveat: the objective has a long, flat curved valley (R_D* up, R_N* down). On the 182
    datablations runs the default grid stops at R_D* = 15.4, R_N* = 5.30 (objective 0.015826,
    the notebook's value), while a grid reaching 50 finds R_D* = 47.0, R_N* = 2.33 with a
    slightly lower objective 0.015807: the two constants are not separately identified.
    """
    n = np.atleast_1d(as_positive(N, "N"))
    d = np.atleast_1d(as_positive(D, "D"))
    u = np.atleast_1d(as_positive(U, "U"))
    y = np.atleast_1d(as_positive(L, "L"))
    if not (n.shape == d.shape == u.shape == y.shape):
        raise InputError("N, D, U and L must have the same length")
    delta = as_positive(delta, "delta")
    base = _base(base)
    try:
        if len(grid) != 2:
            raise ValueError
        starts = list(itertools.product(*(list(map(float, g)) for g in grid)))
    except (TypeError, ValueError):
        raise InputError("grid must be two sequences of positive numbers") from None
    if not starts:
        raise InputError("grid must be two non-empty sequences (R_D* starts, R_N* starts)")
    for s in starts:
        as_positive(s, "grid value")

    def objective(x: np.ndarray) -> float:
        return decay_objective(x[0], x[1], n, d, u, y, base=base, delta=delta)

    best = None
    for s in starts:
        res = minimize(objective, np.asarray(s), method="L-BFGS-B", bounds=[DECAY_BOUNDS] * 2)
        if best is None or res.fun < best.fun:
            best = res
    return DecayFit(
        R_D_star=float(best.x[0]),
        R_N_star=float(best.x[1]),
        objective=float(best.fun),
        converged=bool(best.success),
        n_starts=len(starts),
    )


def optimal_under_unique_tokens(
    C: Any, U: Any, params: dict[str, Any] = PUBLISHED
) -> dict[str, Any]:
    """Loss-minimising ``(N, D)`` for budget ``C`` FLOP with at most ``U`` unique tokens.

    Minimises the data-constrained :func:`loss` over ``log N`` with ``D = C/(6N)`` and unique
    tokens ``min(U, D)`` (bounded ``minimize_scalar``). Returns a dict with keys ``flops,
    params, tokens, tokens_per_param, loss, law, unique_tokens, epochs, converged``.
    README: 1e22 FLOP with 25B unique tokens -> about 7.02e9 params, 2.37e11 tokens.
    """
    c = as_positive(C, "flops")
    u = as_positive(U, "unique_tokens")
    if not (isinstance(c, float) and isinstance(u, float)):
        raise InputError("flops and unique_tokens must be single numbers, not arrays")
    rd, rn, base = _params(params)
    p = {"R_D_star": rd, "R_N_star": rn, "base": base}
    center = np.log(np.sqrt(c / 6.0))
    lo, hi = center - np.log(1e6), center + np.log(1e6)

    def f(logn: float) -> float:
        n = float(np.exp(logn))
        d = c / (6.0 * n)
        return float(loss(n, d, min(u, d), p))

    res = minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10})
    n = float(np.exp(res.x))
    d = c / (6.0 * n)
    at_edge = min(res.x - lo, hi - res.x) < 1e-6
    return {
        "flops": c,
        "params": n,
        "tokens": d,
        "tokens_per_param": d / n,
        "loss": float(res.fun),
        "law": f"muennighoff-data-constrained({base.name})",
        "unique_tokens": min(u, d),
        "epochs": d / min(u, d),
        "converged": bool(res.success and not at_edge),
    }

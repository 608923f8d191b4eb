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

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize, minimize_scalar
from scipy.special import huber
from scipy.stats import chi2

from scalinglaws.core import validation
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import MUENNIGHOFF_C4, ParametricLaw, as_positive, get_parametric_law

__all__ = [
    "nearest_basin",
    "decay_readings",
    "allocation_under_unique_tokens",
    "PUBLISHED",
    "optimal_params_for_tokens",
    "effective_data",
    "effective_params",
    "loss",
    "DecayFit",
    "DecayMinimum",
    "DecayInterval",
    "DEFAULT_GRID",
    "PUBLISHED_GRID",
    "PROFILE_GRID",
    "decay_profile",
    "decay_interval",
    "no_decay_objective",
    "DECAY_BOUNDS",
    "decay_objective",
    "fit_decay_constants",
    "r_squared",
    "optimal_under_unique_tokens",
    "repetition_penalty",
    "repetition_implications",
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
class DecayMinimum:
    """One local minimum of :func:`decay_objective` over (R_D*, R_N*)."""

    R_D_star: float
    R_N_star: float
    objective: float


@dataclass(frozen=True)
class DecayFit:
    """Result of :func:`fit_decay_constants`.

    ``R_D_star, R_N_star, objective`` are the lowest minimum found (the global one for the
    default search); ``objective`` is the summed Huber loss (delta) of ``log(pred) - log(L)``.
    ``converged`` is true when the best minimum was polished to its tolerance and lies inside
    :data:`DECAY_BOUNDS`; ``n_starts`` counts the grid points searched; ``basins`` lists every
    distinct local minimum reached from the grid (best first), so a second basin is reported
    rather than hidden.
    """

    R_D_star: float
    R_N_star: float
    objective: float
    converged: bool
    n_starts: int
    basins: tuple[DecayMinimum, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields (``basins`` as a list of dicts)."""
        return asdict(self)


#: Muennighoff et al.'s style of start grid for (R_D*, R_N*): 4 x 4 starts in [5, 20]. A local
#: optimiser started there stops in the basin of the published constants (R_D* ~ 15.4).
PUBLISHED_GRID: tuple[tuple[float, ...], tuple[float, ...]] = ((5.0, 10.0, 15.0, 20.0),) * 2

#: Default search for (R_D*, R_N*): every combination of 33 log-spaced values from 0.1 to 1e4
#: for each constant (1,089 evaluations), each local minimum of that grid polished.
DEFAULT_GRID: tuple[tuple[float, ...], tuple[float, ...]] = (
    tuple(float(x) for x in np.geomspace(0.1, 1e4, 33)),
) * 2

#: Bounds of both decay constants during the fit.
DECAY_BOUNDS: tuple[float, float] = (1e-2, 1e5)

#: The profile's default R_D* values: 97 log-spaced points from 1 to 1e4 (24 per decade).
PROFILE_GRID: tuple[float, ...] = tuple(float(x) for x in np.geomspace(1.0, 1e4, 97))


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


def _runs(N: Any, D: Any, U: Any, L: Any) -> tuple[np.ndarray, ...]:
    n = np.atleast_1d(as_positive(N, "N"))
    d = np.atleast_1d(as_positive(D, "D"))
    u = np.atleast_1d(as_positive(U, "U"))
    y = np.atleast_1d(as_positive(L, "L"))
    if not (n.shape == d.shape == u.shape == y.shape):
        raise InputError("N, D, U and L must have the same length")
    if n.size < 3:
        raise InputError(f"need at least 3 runs to fit two decay constants, got {n.size}")
    return n, d, u, y


def _grid(grid: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        if len(grid) != 2:
            raise ValueError
        rd, rn = (np.asarray(list(map(float, g)), dtype=np.float64) for g in grid)
    except (TypeError, ValueError):
        raise InputError("grid must be two sequences of positive numbers") from None
    if rd.size == 0 or rn.size == 0:
        raise InputError("grid must be two non-empty sequences (R_D* starts, R_N* starts)")
    for v in np.r_[rd, rn]:
        as_positive(float(v), "grid value")
    return np.sort(rd), np.sort(rn)


def _polish(f: Any, x0: np.ndarray) -> Any:
    """Nelder-Mead in (ln R_D*, ln R_N*): the objective has kinks (Huber's linear arms), where a
    gradient method stalls; stops when the simplex is 1e-9 wide and the values agree to 1e-14."""
    lo, hi = np.log(DECAY_BOUNDS)
    res = minimize(
        f, x0, method="Nelder-Mead", bounds=[(lo, hi)] * 2,
        options={"xatol": 1e-9, "fatol": 1e-14, "maxiter": 4000, "initial_simplex":
                 np.array([x0, x0 + [0.05, 0.0], x0 + [0.0, 0.05]])},
    )  # fmt: skip
    return res


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
    """Fit R_D* and R_N* with the base law fixed (Muennighoff et al. 2023 objective).

    Minimises :func:`decay_objective` (summed Huber, ``delta``, on log loss) globally: the
    objective is evaluated at every pair of ``grid`` (two sequences: R_D* values, R_N* values;
    default :data:`DEFAULT_GRID`, 0.1 to 1e4 in log space), each local minimum of that grid (no
    lower neighbour) is polished with Nelder-Mead in log space within :data:`DECAY_BOUNDS`, and
    the distinct minima are returned best first in ``basins``.

    On the 182 datablations runs the objective has a long, flat, bumpy valley (R_D* up, R_N*
    down). The published constants (R_D* 15.39, R_N* 5.31, objective 0.015826) are the minimum
    that a local optimiser reaches from Muennighoff et al.'s start grid (:data:`PUBLISHED_GRID`);
    the global minimum (objective 0.015805) lies near R_D* ~ 95, R_N* ~ 1.7; and the profile
    (:func:`decay_profile`) bounds R_D* from below only. Report :func:`decay_interval`, not the
    point alone.
    """
    n, d, u, y = _runs(N, D, U, L)
    delta = as_positive(delta, "delta")
    base = _base(base)
    rd, rn = _grid(grid)
    lo, hi = np.log(DECAY_BOUNDS)

    def f(x: np.ndarray) -> float:
        x = np.clip(x, lo, hi)
        return decay_objective(math.exp(x[0]), math.exp(x[1]), n, d, u, y, base=base, delta=delta)

    vals = np.array([[f(np.log([a, b])) for b in rn] for a in rd])
    # local minima of the grid: no neighbour (8-neighbourhood) lower
    padded = np.pad(vals, 1, constant_values=np.inf)
    is_min = np.ones_like(vals, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                shifted = padded[1 + di : 1 + di + vals.shape[0], 1 + dj : 1 + dj + vals.shape[1]]
                is_min &= vals <= shifted
    starts = [np.log([rd[i], rn[j]]) for i, j in zip(*np.nonzero(is_min), strict=True)]
    # at most the 12 lowest grid minima, always including the grid's best point
    starts = sorted(starts, key=lambda x: f(x))[:12]
    found: list[tuple[Any, bool]] = []
    for x0 in starts:
        res = _polish(f, np.asarray(x0, dtype=np.float64))
        found.append((res, bool(res.success)))
    found.sort(key=lambda t: t[0].fun)
    basins: list[DecayMinimum] = []
    for res, _ in found:
        x = np.exp(res.x)
        # distinct: more than 1% apart in either constant
        if all(max(abs(math.log(x[0] / b.R_D_star)), abs(math.log(x[1] / b.R_N_star))) > 0.01
               for b in basins):  # fmt: skip
            basins.append(DecayMinimum(float(x[0]), float(x[1]), float(res.fun)))
    best_res, best_ok = found[0]
    inside = bool(np.all(np.abs(best_res.x - np.clip(best_res.x, lo + 1e-6, hi - 1e-6)) == 0))
    b0 = basins[0]
    return DecayFit(
        R_D_star=b0.R_D_star,
        R_N_star=b0.R_N_star,
        objective=b0.objective,
        converged=bool(best_ok and inside),
        n_starts=int(rd.size * rn.size),
        basins=tuple(basins),
    )


def decay_profile(
    N: Any,
    D: Any,
    U: Any,
    L: Any,
    R_D_star: Sequence[float] = PROFILE_GRID,
    *,
    base: Any = MUENNIGHOFF_C4,
    delta: float = 1e-3,
    minimum: float | None = None,
) -> pd.DataFrame:
    """Profile of :func:`decay_objective` in R_D*: R_N* re-optimised at each fixed R_D*.

    For each R_D* the objective is evaluated at 81 log-spaced R_N* from 0.05 to 1e4 and the
    best of them refined by bounded Brent search between its neighbours (so a second basin in
    R_N* is not missed). The deviance treats the summed Huber loss S as the negative
    log-likelihood of a Laplace-like density with a fitted scale tau (the normalising constant
    is 2 tau / delta while tau >> delta^2, true here): profiling tau out gives
    ``deviance = 2 n ln(S / S_min)``, with S_min the lowest S of the profile or ``minimum`` (the
    global fit's objective, :func:`fit_decay_constants`) if lower; a likelihood-ratio interval
    keeps the R_D* whose deviance is below the chi2(1) quantile (:func:`decay_interval`).

    Returns a DataFrame with columns ``R_D_star, R_N_star, objective, deviance``; its ``attrs``
    hold ``n_runs`` and ``s_min``.
    """
    n, d, u, y = _runs(N, D, U, L)
    delta = as_positive(delta, "delta")
    base = _base(base)
    grid_rd = np.atleast_1d(as_positive(np.asarray(R_D_star, dtype=np.float64), "R_D_star"))
    lg = np.linspace(math.log(0.05), math.log(1e4), 81)
    rows = []
    for rd in grid_rd:

        def g(t: float, rd: float = float(rd)) -> float:
            return decay_objective(rd, math.exp(t), n, d, u, y, base=base, delta=delta)

        vals = [g(t) for t in lg]
        i = int(np.argmin(vals))
        res = minimize_scalar(g, bounds=(lg[max(i - 1, 0)], lg[min(i + 1, lg.size - 1)]),
                              method="bounded", options={"xatol": 1e-9})  # fmt: skip
        best_t, best_f = (float(res.x), float(res.fun)) if res.fun <= vals[i] else (lg[i], vals[i])
        rows.append((float(rd), math.exp(best_t), best_f))
    out = pd.DataFrame(rows, columns=["R_D_star", "R_N_star", "objective"])
    s_min = float(out["objective"].min())
    if minimum is not None:
        s_min = min(s_min, as_positive(minimum, "minimum"))
    out["deviance"] = 2.0 * n.size * np.log(out["objective"] / s_min)
    out.attrs.update(n_runs=int(n.size), s_min=s_min)
    return out


@dataclass(frozen=True)
class DecayInterval:
    """Profile-likelihood interval for R_D* (see :func:`decay_interval`).

    ``upper`` is ``inf`` when the deviance stays below the threshold up to the largest R_D*
    profiled and in the no-decay limit (repeated tokens worth as much as new ones): the data
    then bound R_D* from below only, and ``identified`` is false.
    """

    lower: float
    upper: float
    level: float
    threshold: float
    identified: bool
    best_R_D_star: float
    best_R_N_star: float
    best_objective: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def decay_interval(
    profile: pd.DataFrame,
    *,
    level: float = 0.95,
    limit_objective: float | None = None,
) -> DecayInterval:
    """Likelihood-ratio interval for R_D* from a :func:`decay_profile`.

    The ends are where the deviance crosses the chi2(1) ``level`` quantile, interpolated
    linearly in log R_D* between profile points. An end the profile does not reach is infinite
    (or zero): for the upper end, ``limit_objective`` (the best objective with no decay, R_D*
    -> infinity) must also stay below the threshold, else the last profile point bounds it.
    ``best_*`` is the profile's lowest point (a grid point, so it does not depend on where an
    optimiser stops).
    """
    if (
        not isinstance(profile, pd.DataFrame)
        or not {"R_D_star", "objective", "deviance"} <= set(profile)
        or not {"n_runs", "s_min"} <= set(profile.attrs)
    ):
        raise InputError("profile must be a DataFrame from decay_profile()")
    validation.confidence_level(level, minimum=0.5)
    prof = profile.sort_values("R_D_star").reset_index(drop=True)
    s_min, n2 = float(profile.attrs["s_min"]), 2.0 * profile.attrs["n_runs"]
    thr = float(chi2.ppf(level, 1))
    dev = prof["deviance"].to_numpy()
    x = np.log(prof["R_D_star"].to_numpy())
    i_best = int(np.argmin(dev))
    inside = dev <= thr

    def cross(i: int, j: int) -> float:
        # deviance crosses thr between points i (inside) and j (outside)
        t = (thr - dev[i]) / (dev[j] - dev[i])
        return float(math.exp(x[i] + t * (x[j] - x[i])))

    k = i_best
    while k > 0 and inside[k - 1]:
        k -= 1
    lower = cross(k, k - 1) if k > 0 else 0.0
    k = i_best
    while k < dev.size - 1 and inside[k + 1]:
        k += 1
    if k < dev.size - 1:
        upper = cross(k, k + 1)
    else:
        lim_dev = n2 * math.log(limit_objective / s_min) if limit_objective is not None else 0.0
        upper = math.inf if lim_dev <= thr else float(prof["R_D_star"].iloc[-1])
    best = prof.iloc[i_best]
    return DecayInterval(
        lower=lower,
        upper=upper,
        level=level,
        threshold=thr,
        identified=bool(lower > 0 and math.isfinite(upper)),
        best_R_D_star=float(best["R_D_star"]),
        best_R_N_star=float(best["R_N_star"]),
        best_objective=float(best["objective"]),
    )


def no_decay_objective(
    N: Any, D: Any, U: Any, L: Any, *, base: Any = MUENNIGHOFF_C4, delta: float = 1e-3
) -> float:
    """Best objective in the limit R_D* -> infinity (repeated tokens worth as much as new ones;
    R_N* still optimised): the level the profile approaches on the right."""
    n, d, u, y = _runs(N, D, U, L)
    lg = np.linspace(math.log(0.05), math.log(1e4), 81)
    vals = [decay_objective(1e12, math.exp(t), n, d, u, y, base=base, delta=delta) for t in lg]
    i = int(np.argmin(vals))
    res = minimize_scalar(
        lambda t: decay_objective(1e12, math.exp(t), n, d, u, y, base=base, delta=delta),
        bounds=(lg[max(i - 1, 0)], lg[min(i + 1, lg.size - 1)]), method="bounded",
    )  # fmt: skip
    return float(min(res.fun, vals[i]))


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


def repetition_penalty(runs: pd.DataFrame) -> pd.DataFrame:
    """Measured cost of repetition: each repeated-data run against its one-epoch twin.

    ``runs`` has columns ``params, tokens, unique_tokens, val_loss`` (the datablations runs).
    For every run with more than one epoch whose (params, tokens) also has a run on unique data
    (one epoch), returns ``params, tokens, epochs, loss, loss_fresh, increase`` (relative loss
    increase ``loss / loss_fresh - 1``), sorted by epochs. This tests Muennighoff et al.'s
    "up to 4 epochs ... negligible changes to loss" on the runs themselves, without the law.
    """
    need = {"params", "tokens", "unique_tokens", "val_loss"}
    if not isinstance(runs, pd.DataFrame) or not need <= set(runs.columns):
        raise InputError(f"runs must be a DataFrame with columns {sorted(need)}")
    r = runs.assign(epochs=runs["tokens"] / runs["unique_tokens"])
    fresh = r[np.isclose(r["epochs"], 1.0, rtol=1e-6)].groupby(["params", "tokens"])["val_loss"]
    fresh = fresh.min().rename("loss_fresh").reset_index()
    rep = r[r["epochs"] > 1.0 + 1e-6].merge(fresh, on=["params", "tokens"])
    out = rep[["params", "tokens", "epochs", "val_loss", "loss_fresh"]].rename(
        columns={"val_loss": "loss"}
    )
    out = out.assign(increase=out["loss"] / out["loss_fresh"] - 1.0)
    return out.sort_values(["epochs", "params"], kind="stable").reset_index(drop=True)


def repetition_implications(epochs: Sequence[float], readings: dict[str, float]) -> pd.DataFrame:
    """Fresh-data equivalent of ``epochs`` repetitions under several readings of R_D*.

    ``readings`` maps a label to an R_D* (e.g. the published constant, the global minimum, the
    interval's lower end). Returns ``reading, R_D_star, epochs, effective_epochs, value`` with
    ``effective_epochs = D'/U`` and ``value = D' / D`` (the share of the repeated data's worth
    that survives: 1 for fresh data).
    """
    e = np.atleast_1d(as_positive(np.asarray(epochs, dtype=np.float64), "epochs"))
    if np.any(e < 1):
        raise InputError("epochs must be >= 1")
    rows = []
    for label, rd in readings.items():
        eff = np.asarray(effective_data(e, 1.0, rd))
        for ei, fi in zip(e, np.atleast_1d(eff), strict=True):
            rows.append((str(label), float(rd), float(ei), float(fi), float(fi / ei)))
    return pd.DataFrame(
        rows, columns=["reading", "R_D_star", "epochs", "effective_epochs", "value"]
    )


def nearest_basin(fit: DecayFit, R_D_star: float) -> DecayMinimum:
    """The basin of ``fit`` whose R_D* is nearest (in log) to ``R_D_star``, e.g. the published one."""
    r = as_positive(R_D_star, "R_D_star")
    return min(fit.basins, key=lambda b: abs(math.log(b.R_D_star / r)))


def decay_readings(
    fit: DecayFit, interval: DecayInterval, published: dict[str, Any] = PUBLISHED
) -> dict[str, float]:
    """Three readings of R_D* the runs allow: the published constant, the global minimum and the
    lower end of the profile interval, keyed by a label that states each value."""
    return {
        f"published R_D* = {published['R_D_star']:.1f}": published["R_D_star"],
        f"global minimum R_D* = {fit.R_D_star:.2g}": fit.R_D_star,
        f"interval's lower end R_D* = {interval.lower:.2g}": interval.lower,
    }


def allocation_under_unique_tokens(
    budgets: Sequence[float], U: Any, *, unlimited: float = 1e15, params: dict[str, Any] = PUBLISHED
) -> pd.DataFrame:
    """:func:`optimal_under_unique_tokens` for each budget with ``U`` unique tokens, and without
    a limit (``unlimited`` unique tokens).

    Returns one row per budget: ``flops, params, tokens, epochs, tokens_per_param`` (constrained),
    ``params_free`` (parameters with unlimited data) and ``loss_penalty`` (nats/token, constrained
    minus unlimited loss).
    """
    rows = []
    for c in budgets:
        dc = optimal_under_unique_tokens(c, U, params)
        free = optimal_under_unique_tokens(c, unlimited, params)
        rows.append(
            {
                "flops": dc["flops"],
                "params": dc["params"],
                "tokens": dc["tokens"],
                "epochs": dc["epochs"],
                "tokens_per_param": dc["tokens_per_param"],
                "params_free": free["params"],
                "loss_penalty": dc["loss"] - free["loss"],
            }
        )
    return pd.DataFrame(rows)

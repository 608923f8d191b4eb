"""One-variable scaling fits with seeded bootstrap intervals.

* :func:`fit_power_law` -- y = A·x^(-alpha), OLS of ln y on ln x (Kaplan et al. 2020 eqs 1.1-1.3).
* :func:`fit_saturating_power_law` -- y = E + A·x^(-alpha), least squares on ln y with
  ln y = logaddexp(e, a - alpha·ln x) (the GPT-4 report's L(C) = aC^b + c form, §3).
* :func:`fit_exponentiated_power_law` -- coverage c = exp(a·k^b) (Brown et al. 2024,
  "Large Language Monkeys", §3.1 eqs 2-3), fitted on ln(-ln c) = ln(-a) + b ln k or directly.
* :func:`fit_log_linear` -- y = m·log2 x + q: m is the gain per doubling of x.

Every fit returns a frozen :class:`CurveFit` with point estimates, percentile bootstrap intervals
(points resampled with replacement by ``np.random.default_rng(seed)``), R^2 and a convergence flag.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import optimize

from scalinglaws.bootstrap import resample_indices
from scalinglaws.errors import InputError

__all__ = [
    "CurveFit",
    "fit_power_law",
    "fit_saturating_power_law",
    "fit_exponentiated_power_law",
    "fit_log_linear",
]


@dataclass(frozen=True)
class CurveFit:
    """Result of a one-variable fit.

    Attributes
    ----------
    kind : str
        "power_law" (A, alpha), "saturating_power_law" (E, A, alpha),
        "exponentiated_power_law" (a, b) or "log_linear" (m, q).
    params : dict
        Point estimates (also readable as attributes, e.g. ``fit.alpha``).
    intervals : dict
        Name -> (lo, hi) percentile bootstrap interval at ``level``.
    std_err : dict
        Bootstrap standard deviations (ddof = 1).
    r2 : float
        Coefficient of determination of the fitted (transformed) regression.
    converged : bool
        Optimiser success for the full-data fit (True for closed-form least squares).
    n_converged : int
        Bootstrap refits that converged (resamples with a single distinct x are skipped).
    n_points, n_boot, seed : int
    level : float
    message : str
        Optimiser message (or "closed-form least squares").
    """

    kind: str
    params: dict
    intervals: dict
    std_err: dict
    r2: float
    converged: bool
    n_converged: int
    n_points: int
    n_boot: int
    seed: int
    level: float
    message: str

    def __getattr__(self, name: str) -> float:
        params = self.__dict__.get("params", {})
        if name in params:
            return params[name]
        raise AttributeError(name)

    def predict(self, x: Any) -> np.ndarray:
        """Evaluate the fitted curve at x."""
        x = np.asarray(x, dtype=np.float64)
        p = self.params
        if self.kind == "power_law":
            return p["A"] * x ** (-p["alpha"])
        if self.kind == "saturating_power_law":
            return p["E"] + p["A"] * x ** (-p["alpha"])
        if self.kind == "exponentiated_power_law":
            return np.exp(p["a"] * x ** p["b"])
        return p["m"] * np.log2(x) + p["q"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------------------------------


def _arr(name: str, v: Any, *, positive: bool = True) -> np.ndarray:
    try:
        a = np.asarray(v, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numeric") from None
    if not np.all(np.isfinite(a)):
        raise InputError(f"{name} must be finite, got NaN or inf")
    if positive and np.any(a <= 0):
        raise InputError(f"{name} must be positive, got {a[a <= 0][0]:g}")
    return a


def _pair(x: Any, y: Any, xname: str, yname: str, min_points: int, ypos: bool = True):
    xa = _arr(xname, x)
    ya = _arr(yname, y, positive=ypos)
    if xa.size != ya.size:
        raise InputError(
            f"{xname} and {yname} must have the same length, got {xa.size} and {ya.size}"
        )
    if xa.size < min_points or np.unique(xa).size < 2:
        raise InputError(
            f"need at least {min_points} points with 2 distinct {xname}, got {xa.size}"
        )
    return xa, ya


def _check(n_boot: Any, seed: Any, level: Any) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise InputError(f"n_boot must be a non-negative integer, got {n_boot!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed must be a non-negative integer, got {seed!r}")
    if not (isinstance(level, float | int) and 0 < level < 1):
        raise InputError(f"level must be in (0, 1), got {level!r}")


def _r2(y: np.ndarray, yhat: np.ndarray) -> float:
    ss = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((y - yhat) ** 2)) / ss if ss > 0 else float("nan")


def _summ(boot: dict[str, np.ndarray], level: float) -> tuple[dict, dict]:
    q = [(1 - level) / 2, (1 + level) / 2]
    iv, se = {}, {}
    for k, v in boot.items():
        v = v[np.isfinite(v)]
        if v.size > 1:
            lo, hi = np.quantile(v, q)
            iv[k], se[k] = (float(lo), float(hi)), float(np.std(v, ddof=1))
        else:
            iv[k], se[k] = (float("nan"), float("nan")), float("nan")
    return iv, se


def _ols_boot(u: np.ndarray, v: np.ndarray, n_boot: int, seed: int) -> tuple[np.ndarray, ...]:
    """Vectorised bootstrap of the OLS line v = icpt + slope·u; returns (slopes, intercepts)."""
    if n_boot == 0:
        return np.empty(0), np.empty(0)
    idx = resample_indices(u.size, n_boot, seed)
    us, vs = u[idx], v[idx]
    ok = np.ptp(us, axis=1) > 0
    us, vs = us[ok], vs[ok]
    um = us.mean(axis=1, keepdims=True)
    vm = vs.mean(axis=1, keepdims=True)
    slope = np.sum((us - um) * (vs - vm), axis=1) / np.sum((us - um) ** 2, axis=1)
    icpt = vm[:, 0] - slope * um[:, 0]
    return slope, icpt


def _linear_fit(kind, u, v, n_boot, seed, level, to_params) -> CurveFit:
    slope, icpt = np.polyfit(u, v, 1)
    bs, bi = _ols_boot(u, v, n_boot, seed)
    params = to_params(float(slope), float(icpt))
    boot = {k: np.asarray(val) for k, val in to_params(bs, bi).items()}
    iv, se = _summ(boot, level)
    return CurveFit(
        kind=kind,
        params=params,
        intervals=iv,
        std_err=se,
        r2=_r2(v, icpt + slope * u),
        converged=True,
        n_converged=int(bs.size),
        n_points=int(u.size),
        n_boot=int(n_boot),
        seed=int(seed),
        level=float(level),
        message="closed-form least squares",
    )


def fit_power_law(
    x: Any, y: Any, n_boot: int = 1000, seed: int = 0, *, level: float = 0.95
) -> CurveFit:
    """y = A·x^(-alpha) by OLS of ln y on ln x; params ``A``, ``alpha``; R^2 in log space."""
    _check(n_boot, seed, level)
    xa, ya = _pair(x, y, "x", "y", 3)
    return _linear_fit(
        "power_law",
        np.log(xa),
        np.log(ya),
        int(n_boot),
        int(seed),
        float(level),
        lambda s, i: {"A": np.exp(i), "alpha": -s},
    )


def fit_log_linear(
    x: Any, y: Any, n_boot: int = 1000, seed: int = 0, *, level: float = 0.95
) -> CurveFit:
    """y = m·log2(x) + q by OLS; ``m`` is the change of y per doubling of x."""
    _check(n_boot, seed, level)
    xa, ya = _pair(x, y, "x", "y", 3, ypos=False)
    return _linear_fit(
        "log_linear",
        np.log2(xa),
        ya,
        int(n_boot),
        int(seed),
        float(level),
        lambda s, i: {"m": s, "q": i},
    )


def fit_exponentiated_power_law(
    k: Any,
    coverage: Any,
    n_boot: int = 1000,
    seed: int = 0,
    *,
    level: float = 0.95,
    method: str = "loglog",
) -> CurveFit:
    """Coverage c(k) = exp(a·k^b) (Brown et al. 2024, eqs 2-3); a < 0 and b < 0 when c rises to 1.

    Parameters
    ----------
    k : array_like
        Number of samples (positive).
    coverage : array_like
        Fraction of problems solved, strictly in (0, 1).
    method : {"loglog", "direct"}
        "loglog": OLS of ln(-ln c) on ln k (closed form). "direct": least squares of ln c on
        a·k^b with ``scipy.optimize.least_squares`` started from the loglog fit.
    """
    _check(n_boot, seed, level)
    ka, ca = _pair(k, coverage, "k", "coverage", 3)
    if np.any(ca >= 1):
        raise InputError("coverage must be strictly between 0 and 1 (ln(-ln c) is undefined at 1)")
    if method not in ("loglog", "direct"):
        raise InputError(f"method must be 'loglog' or 'direct', got {method!r}")
    u, v = np.log(ka), np.log(-np.log(ca))
    lin = _linear_fit(
        "exponentiated_power_law",
        u,
        v,
        int(n_boot),
        int(seed),
        float(level),
        lambda s, i: {"a": -np.exp(i), "b": s},
    )
    if method == "loglog":
        return lin
    lc = np.log(ca)

    def solve(kk: np.ndarray, ll: np.ndarray, p0: np.ndarray):
        return optimize.least_squares(
            lambda p: p[0] * kk ** p[1] - ll, p0, jac=lambda p: np.stack(
                [kk ** p[1], p[0] * kk ** p[1] * np.log(kk)], axis=1
            ), method="lm", xtol=1e-14, ftol=1e-14, gtol=1e-14,
        )  # fmt: skip

    p0 = np.array([lin.params["a"], lin.params["b"]])
    res = solve(ka, lc, p0)
    boot: dict[str, list[float]] = {"a": [], "b": []}
    n_conv = 0
    if n_boot:
        for ix in resample_indices(ka.size, int(n_boot), int(seed)):
            if np.unique(ka[ix]).size < 2:
                continue
            r = solve(ka[ix], lc[ix], res.x)
            if r.success:
                n_conv += 1
                boot["a"].append(r.x[0])
                boot["b"].append(r.x[1])
    iv, se = _summ({k_: np.asarray(v_) for k_, v_ in boot.items()}, float(level))
    return CurveFit(
        kind="exponentiated_power_law",
        params={"a": float(res.x[0]), "b": float(res.x[1])},
        intervals=iv,
        std_err=se,
        r2=_r2(lc, res.x[0] * ka ** res.x[1]),
        converged=bool(res.success),
        n_converged=n_conv,
        n_points=int(ka.size),
        n_boot=int(n_boot),
        seed=int(seed),
        level=float(level),
        message=str(res.message),
    )


def fit_saturating_power_law(
    x: Any, y: Any, n_boot: int = 200, seed: int = 0, *, level: float = 0.95
) -> CurveFit:
    """y = E + A·x^(-alpha) (E >= 0 irreducible term), fitted on ln y.

    ln y_hat = logaddexp(e, a - alpha·ln x) with E = exp(e), A = exp(a); residuals in ln y are
    minimised by ``scipy.optimize.least_squares`` (trust-region reflective, analytic Jacobian)
    from a small grid of starts (alpha in {0.05, 0.1, 0.2, 0.4, 0.8} x E in {0.01, 0.5, 0.9} of
    min y; a set by the largest-x point), keeping the lowest cost. Bootstrap refits start from
    the full-data optimum. Params ``E, A, alpha``; R^2 on ln y.
    """
    _check(n_boot, seed, level)
    xa, ya = _pair(x, y, "x", "y", 4)
    lx, ly = np.log(xa), np.log(ya)
    # centre ln x so that a is well scaled: A x^-alpha = exp(a0 - alpha (ln x - m))
    m = float(np.mean(lx))

    def resid(p, lxx, lyy):
        return np.logaddexp(p[0], p[1] - p[2] * (lxx - m)) - lyy

    def jac(p, lxx, lyy):
        u1 = p[1] - p[2] * (lxx - m)
        w0 = 1.0 / (1.0 + np.exp(u1 - p[0]))  # weight of the e term
        w1 = 1.0 - w0
        return np.stack([w0, w1, -w1 * (lxx - m)], axis=1)

    def solve(lxx, lyy, p0):
        with np.errstate(over="ignore"):
            return optimize.least_squares(
                resid, p0, jac=jac, args=(lxx, lyy), method="trf",
                xtol=1e-14, ftol=1e-14, gtol=1e-14, max_nfev=2000,
            )  # fmt: skip

    ymin = float(ya.min())
    best = None
    for alpha0 in (0.05, 0.1, 0.2, 0.4, 0.8):
        for frac in (0.01, 0.5, 0.9):
            e0 = math.log(frac * ymin)
            rest = max(ya[np.argmax(xa)] - frac * ymin, 1e-3 * ymin)
            a0 = math.log(rest) + alpha0 * (lx.max() - m)
            r = solve(lx, ly, np.array([e0, a0, alpha0]))
            if best is None or r.cost < best.cost:
                best = r

    def to_params(p):
        return {"E": math.exp(p[0]), "A": math.exp(p[1] + p[2] * m), "alpha": float(p[2])}

    boot: dict[str, list[float]] = {"E": [], "A": [], "alpha": []}
    n_conv = 0
    if n_boot:
        for ix in resample_indices(xa.size, int(n_boot), int(seed)):
            if np.unique(lx[ix]).size < 3:
                continue
            r = solve(lx[ix], ly[ix], best.x)
            if r.success:
                n_conv += 1
                for k_, v_ in to_params(r.x).items():
                    boot[k_].append(v_)
    iv, se = _summ({k_: np.asarray(v_) for k_, v_ in boot.items()}, float(level))
    return CurveFit(
        kind="saturating_power_law",
        params=to_params(best.x),
        intervals=iv,
        std_err=se,
        r2=_r2(ly, ly + resid(best.x, lx, ly)),
        converged=bool(best.success),
        n_converged=n_conv,
        n_points=int(xa.size),
        n_boot=int(n_boot),
        seed=int(seed),
        level=float(level),
        message=str(best.message),
    )

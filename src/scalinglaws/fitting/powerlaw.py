"""One-variable scaling fits with seeded bootstrap intervals.

* :func:`fit_power_law` -- y = A·x^(-alpha), OLS of ln y on ln x (Kaplan et al. 2020 eqs 1.1-1.3).
* :func:`fit_saturating_power_law` -- y = E + A·x^(-alpha), least squares on ln y with
  ln y = logaddexp(e, a - alpha·ln x) (the GPT-4 report's L(C) = aC^b + c form, §3).
* :func:`fit_exponentiated_power_law` -- coverage c = exp(a·k^b) (Brown et al. 2024,
  "Large Language Monkeys", §3.1 eqs 2-3), fitted on ln(-ln c) = ln(-a) + b ln k or directly.
* :func:`fit_log_linear` -- y = m·log2 x + q: m is the gain per doubling of x.

Every fit returns a frozen :class:`CurveFit` with point estimates, percentile bootstrap intervals
(``np.random.default_rng(seed)``), the bootstrap replicates (``boot``, for pointwise bands), R^2 and
a convergence flag. Two bootstrap flavours: ``"pairs"`` resamples (x, y) points with replacement
(robust to heteroscedasticity; the default) and ``"residual"`` resamples the fit's residuals, inflated
by sqrt(n / (n - p)), onto the fitted curve (fixed design: usable with very few points, where a pairs
resample often has too few distinct x). This module is the library's single implementation of
these fits: ``extrapolation.fit_loglog``/``fit_floor`` and ``reasoning.fit_log_linear`` wrap it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from scipy import optimize

from scalinglaws.core import validation
from scalinglaws.core.errors import InputError
from scalinglaws.core.validation import DEFAULT_SEED
from scalinglaws.fitting.bootstrap import resample_indices

__all__ = [
    "CurveFit",
    "fit_power_law",
    "fit_saturating_power_law",
    "fit_exponentiated_power_law",
    "solve_exponentiated_power_law",
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
    bootstrap : str
        "pairs" or "residual".
    boot : numpy.ndarray
        ``(n_converged, len(params))`` bootstrap replicates, columns in the order of ``params``.
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
    bootstrap: str = "pairs"
    boot: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False, compare=False)

    def __getattr__(self, name: str) -> float:
        params = self.__dict__.get("params", {})
        if name in params:
            return params[name]
        raise AttributeError(name)

    def predict(self, x: Any) -> np.ndarray:
        """Evaluate the fitted curve at x."""
        return _evaluate(self.kind, self.params, np.asarray(x, dtype=np.float64))

    def band(self, x: Any) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise percentile band ``(lo, hi)`` of the bootstrap curves at x, containing the fit."""
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        mid = self.predict(x)
        if self.boot.shape[0] < 2:
            return mid.copy(), mid.copy()
        reps = {k: self.boot[:, i : i + 1] for i, k in enumerate(self.params)}
        curves = _evaluate(self.kind, reps, x[None, :])
        q = [(1.0 - self.level) / 2.0, (1.0 + self.level) / 2.0]
        lo, hi = np.quantile(curves, q, axis=0)
        return np.minimum(lo, mid), np.maximum(hi, mid)

    def to_dict(self) -> dict[str, Any]:
        """All fields except the bootstrap array."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "boot"}


def _evaluate(kind: str, p: dict, x: np.ndarray) -> np.ndarray:
    """The curve ``kind`` with parameters ``p`` (scalars or broadcastable arrays) at x."""
    if kind == "power_law":
        return p["A"] * x ** (-p["alpha"])
    if kind == "saturating_power_law":
        return p["E"] + p["A"] * x ** (-p["alpha"])
    if kind == "exponentiated_power_law":
        return np.exp(p["a"] * x ** p["b"])
    return p["m"] * np.log2(x) + p["q"]


# ------------------------------------------------------------------------------------------


def _arr(name: str, v: Any, *, positive: bool = True) -> np.ndarray:
    try:
        a = np.asarray(v, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numeric") from None
    if not np.all(np.isfinite(a)):
        raise InputError(f"{name} must be finite, got NaN or inf")
    if positive:
        validation.require_positive(a, name)
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
    """``n_boot >= 0`` (0 = no bootstrap, NaN intervals), a seed >= 0 and a level in (0, 1)."""
    validation.resamples(n_boot, minimum=0)
    validation.seed(seed)
    validation.confidence_level(level)


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


_BOOTSTRAPS = ("pairs", "residual")


def _check_bootstrap(bootstrap: Any) -> str:
    if bootstrap not in _BOOTSTRAPS:
        raise InputError(f"bootstrap must be 'pairs' or 'residual', got {bootstrap!r}")
    return str(bootstrap)


def _ols_boot(
    u: np.ndarray, v: np.ndarray, n_boot: int, seed: int, bootstrap: str = "pairs"
) -> tuple[np.ndarray, ...]:
    """Vectorised bootstrap of the OLS line v = icpt + slope·u; returns (slopes, intercepts).

    "pairs" resamples (u, v) rows and skips resamples with a single distinct u; "residual"
    adds resampled residuals (inflated by sqrt(n / (n - 2))) to the fitted line.
    """
    if n_boot == 0:
        return np.empty(0), np.empty(0)
    idx = resample_indices(u.size, n_boot, seed)
    if bootstrap == "residual":
        slope, icpt = np.polyfit(u, v, 1)
        fitted = icpt + slope * u
        resid = (v - fitted) * math.sqrt(u.size / (u.size - 2))
        us, vs = np.broadcast_to(u, idx.shape), fitted[None, :] + resid[idx]
    else:
        us, vs = u[idx], v[idx]
        ok = np.ptp(us, axis=1) > 0
        us, vs = us[ok], vs[ok]
    um = us.mean(axis=1, keepdims=True)
    vm = vs.mean(axis=1, keepdims=True)
    slope = np.sum((us - um) * (vs - vm), axis=1) / np.sum((us - um) ** 2, axis=1)
    icpt = vm[:, 0] - slope * um[:, 0]
    return slope, icpt


def _linear_fit(kind, u, v, n_boot, seed, level, to_params, bootstrap="pairs") -> CurveFit:
    slope, icpt = np.polyfit(u, v, 1)
    bs, bi = _ols_boot(u, v, n_boot, seed, bootstrap)
    params = to_params(float(slope), float(icpt))
    boot = {k: np.asarray(val) for k, val in to_params(bs, bi).items()}
    iv, se = _summ(boot, level)
    return CurveFit(
        kind=kind,
        params=params,
        intervals=iv,
        std_err=se,
        r2=_r2(v, icpt + slope * u),
        converged=bool(np.isfinite(slope) and np.isfinite(icpt)),
        n_converged=int(bs.size),
        n_points=int(u.size),
        n_boot=int(n_boot),
        seed=int(seed),
        level=float(level),
        message="closed-form least squares",
        bootstrap=bootstrap,
        boot=np.column_stack([boot[k] for k in params]) if bs.size else np.empty((0, 2)),
    )


def fit_power_law(
    x: Any,
    y: Any,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    *,
    level: float = 0.95,
    bootstrap: str = "pairs",
) -> CurveFit:
    """y = A·x^(-alpha) by OLS of ln y on ln x; params ``A``, ``alpha``; R^2 in log space.

    ``bootstrap`` is "pairs" (default) or "residual" (residuals of ln y; for windows of 3 points).
    """
    _check(n_boot, seed, level)
    bootstrap = _check_bootstrap(bootstrap)
    xa, ya = _pair(x, y, "x", "y", 3)
    return _linear_fit(
        "power_law",
        np.log(xa),
        np.log(ya),
        int(n_boot),
        int(seed),
        float(level),
        lambda s, i: {"A": np.exp(i), "alpha": -s},
        bootstrap,
    )


def fit_log_linear(
    x: Any,
    y: Any,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    *,
    level: float = 0.95,
    bootstrap: str = "pairs",
) -> CurveFit:
    """y = m·log2(x) + q by OLS; ``m`` is the change of y per doubling of x.

    ``bootstrap`` is "pairs" (default) or "residual".
    """
    _check(n_boot, seed, level)
    bootstrap = _check_bootstrap(bootstrap)
    xa, ya = _pair(x, y, "x", "y", 3, ypos=False)
    return _linear_fit(
        "log_linear",
        np.log2(xa),
        ya,
        int(n_boot),
        int(seed),
        float(level),
        lambda s, i: {"m": s, "q": i},
        bootstrap,
    )


def solve_exponentiated_power_law(
    k: np.ndarray, log_c: np.ndarray, p0: Any
) -> optimize.OptimizeResult:
    """Least squares of ``ln c`` on ``a·k^b`` (Brown et al. 2024 fit on log coverage).

    Levenberg-Marquardt with the analytic Jacobian and tight tolerances, from the start ``p0 = (a, b)``;
    the one solver behind :func:`fit_exponentiated_power_law` and ``scalinglaws.analyses.coverage``.
    """
    k = np.asarray(k, dtype=np.float64)
    log_c = np.asarray(log_c, dtype=np.float64)
    return optimize.least_squares(
        lambda p: p[0] * k ** p[1] - log_c, np.asarray(p0, dtype=np.float64), jac=lambda p: np.stack(
            [k ** p[1], p[0] * k ** p[1] * np.log(k)], axis=1
        ), method="lm", xtol=1e-14, ftol=1e-14, gtol=1e-14,
    )  # fmt: skip


def fit_exponentiated_power_law(
    k: Any,
    coverage: Any,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
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
    solve = solve_exponentiated_power_law
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
        boot=np.column_stack([boot["a"], boot["b"]]) if n_conv else np.empty((0, 2)),
    )


def _saturating_solve(
    lx: np.ndarray,
    t: np.ndarray,
    starts: list[np.ndarray],
    tol: float = 1e-12,
    max_nfev: int = 2000,
    *,
    space: str = "log",
    sw: np.ndarray | None = None,
) -> tuple[np.ndarray, bool, str]:
    """Least squares of ``y`` against ``exp(logaddexp(a - alpha ln x, e))`` over several starts.

    Parameters are ``(e, a, alpha)`` with ``E = exp(e)``, ``A = exp(a)``; bounds keep
    ``0 <= alpha <= 5`` and ``E <= min(y)``. ``space="log"``: residuals of ln y (``t`` = ln y);
    ``"linear"``: residuals of y (``t`` = y). Residuals are multiplied by ``sw`` (1 / sigma) when
    given. Returns the lowest-cost finite optimum, whether scipy reported convergence for it,
    and its message (NaNs if every start failed).
    """
    lin = space == "linear"
    e_hi = float(np.log(t.min()) if lin else t.min())
    lower, upper = [e_hi - 30.0, -np.inf, 0.0], [e_hi, np.inf, 5.0]
    s = np.ones_like(t) if sw is None else sw

    def resid(p: np.ndarray) -> np.ndarray:
        ell = np.logaddexp(p[1] - p[2] * lx, p[0])
        return s * ((np.exp(ell) if lin else ell) - t)

    def jac(p: np.ndarray) -> np.ndarray:
        u = p[1] - p[2] * lx
        ell = np.logaddexp(u, p[0])
        w = np.exp(u - ell)  # share of the reducible term
        scale = s * np.exp(ell) if lin else s
        return np.column_stack([1.0 - w, w, -w * lx]) * scale[:, None]

    best = None
    for p0 in starts:
        p0 = np.clip(p0, np.array(lower) + 1e-9, np.array(upper) - 1e-9)
        with np.errstate(all="ignore"):
            r = optimize.least_squares(
                resid, p0, jac=jac, bounds=(lower, upper), method="trf",
                xtol=tol, ftol=tol, gtol=tol, max_nfev=max_nfev,
            )  # fmt: skip
        cost = float(r.cost)
        if np.all(np.isfinite(r.x)) and (best is None or cost < best[3] - 1e-15):
            best = (r.x.copy(), bool(r.status > 0), str(r.message), cost)
    if best is None:
        return np.full(3, np.nan), False, "no start converged"
    return best[:3]


def fit_saturating_power_law(
    x: Any,
    y: Any,
    n_boot: int = 200,
    seed: int = DEFAULT_SEED,
    *,
    level: float = 0.95,
    bootstrap: str = "pairs",
    space: str = "log",
    sigma: Any = None,
) -> CurveFit:
    """y = E + A·x^(-alpha) (0 < E <= min y, 0 <= alpha <= 5) by (weighted) least squares.

    The model is written ln y_hat = logaddexp(ln A - alpha·ln x, ln E) (as in Hoffmann et al.
    2022, App. D.2, and Porian et al. 2024, ``analysis.py``) and fitted by scipy's bounded
    trust-region least squares with an analytic Jacobian from a grid of 16 starts (E at 0, 50,
    80, 95 % of min y; alpha in 0.05, 0.2, 0.5, 1), keeping the lowest cost.

    Parameters
    ----------
    x, y : array_like
        Positive finite values, at least 4 points with distinct x.
    n_boot, seed, level
        Bootstrap resamples (>= 0), ``np.random.default_rng`` seed, interval level.
    bootstrap : {"pairs", "residual", "parametric"}
        "pairs": points resampled (resamples with fewer than 3 distinct x are skipped);
        "residual": residuals (in the fitted space, divided by sigma when given, inflated by
        sqrt(n / (n - 3))) resampled onto the fitted curve; "parametric": the fitted curve plus
        Gaussian noise of standard deviation ``sigma`` (required). Refits start from the
        full-data optimum (tolerance 1e-8, at most 100 evaluations); replicates that do not
        converge (or have a non-positive y) are left out and ``n_converged`` counts the others.
    space : {"log", "linear"}
        Residuals of ln y (multiplicative noise; default) or of y.
    sigma : array_like, optional
        Per-point standard deviation of y (units of y, > 0): weights 1/sigma^2 (in log space
        the delta-method sigma/y is used).

    Returns
    -------
    CurveFit
        Params ``E, A, alpha``; R^2 in the fitted space.

    Raises
    ------
    InputError
        Bad input, or the fit failed from every start.
    """
    _check(n_boot, seed, level)
    if bootstrap not in (*_BOOTSTRAPS, "parametric"):
        raise InputError(
            f"bootstrap must be 'pairs', 'residual' or 'parametric', got {bootstrap!r}"
        )
    if space not in ("log", "linear"):
        raise InputError(f"space must be 'log' or 'linear', got {space!r}")
    xa, ya = _pair(x, y, "x", "y", 4)
    sd = None
    if sigma is not None:
        sd = _arr("sigma", sigma)
        if sd.size != ya.size:
            raise InputError(f"sigma must have the length of y, got {sd.size} and {ya.size}")
    if bootstrap == "parametric" and sd is None:
        raise InputError("the parametric bootstrap needs sigma")
    lin = space == "linear"
    lx, ly = np.log(xa), np.log(ya)
    t = ya if lin else ly
    sw = None if sd is None else 1.0 / (sd if lin else sd / ya)
    ymin, ymean = float(ya.min()), float(ya.mean())
    starts = []
    for frac in (0.0, 0.5, 0.8, 0.95):
        e0 = math.log(max(frac, 1e-6) * ymin)
        for alpha0 in (0.05, 0.2, 0.5, 1.0):
            reducible = max(ymean - frac * ymin, 1e-6 * ymean)
            starts.append(np.array([e0, math.log(reducible) + alpha0 * float(lx.mean()), alpha0]))
    p, ok, msg = _saturating_solve(lx, t, starts, space=space, sw=sw)
    if not np.all(np.isfinite(p)):
        raise InputError("the saturating power-law fit failed from every start")
    fitted = np.logaddexp(p[1] - p[2] * lx, p[0])
    if lin:
        fitted = np.exp(fitted)

    def to_params(q: np.ndarray) -> dict[str, float]:
        return {"E": math.exp(q[0]), "A": math.exp(q[1]), "alpha": float(q[2])}

    reps: list[list[float]] = []
    if n_boot:
        idx = resample_indices(xa.size, int(n_boot), int(seed))
        scale = np.ones_like(t) if sw is None else 1.0 / sw
        resid = (t - fitted) / scale * math.sqrt(lx.size / (lx.size - 3))
        noise = np.random.default_rng(int(seed)).standard_normal(idx.shape)
        for b, ix in enumerate(idx):
            lxb, swb = lx, sw
            if bootstrap == "residual":
                tb = fitted + scale * resid[ix]
            elif bootstrap == "parametric":
                yb = (fitted if lin else np.exp(fitted)) + sd * noise[b]
                if np.any(yb <= 0):
                    continue
                tb = yb if lin else np.log(yb)
            elif np.unique(lx[ix]).size < 3:
                continue
            else:
                lxb, tb, swb = lx[ix], t[ix], None if sw is None else sw[ix]
            if lin and np.any(tb <= 0):
                continue
            pb, okb, _ = _saturating_solve(lxb, tb, [p], 1e-8, 100, space=space, sw=swb)
            if okb and np.all(np.isfinite(pb)):
                reps.append(list(to_params(pb).values()))
    boot = np.asarray(reps, dtype=np.float64).reshape(-1, 3)
    iv, se = _summ({k: boot[:, i] for i, k in enumerate(("E", "A", "alpha"))}, float(level))
    return CurveFit(
        kind="saturating_power_law",
        params=to_params(p),
        intervals=iv,
        std_err=se,
        r2=_r2(t, fitted),
        converged=ok,
        n_converged=int(boot.shape[0]),
        n_points=int(xa.size),
        n_boot=int(n_boot),
        seed=int(seed),
        level=float(level),
        message=msg,
        bootstrap=bootstrap,
        boot=boot,
    )

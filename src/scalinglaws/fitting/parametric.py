"""Approach 3 of Hoffmann et al. (2022): the parametric loss L(N, D) = E + A/N^alpha + B/D^beta.

The fit follows Hoffmann et al. 2022 (arXiv:2203.15556, §3.3 and App. D.2) as re-implemented by
Besiroglu et al. 2024 (arXiv:2404.10102, epoch-research/analyzing-chinchilla ``data_analysis.ipynb``):

* parameters ``theta = (a, b, e, alpha, beta)`` with ``A = exp(a)``, ``B = exp(b)``, ``E = exp(e)``;
* prediction of the log-loss ``pred = logsumexp(a - alpha*log N, b - beta*log D, e)``;
* objective ``sum_i Huber_delta(pred_i - log L_i)`` with ``delta = 1e-3`` (``reduction="mean"``
  divides by the number of points, the choice Besiroglu et al. found to stop L-BFGS early);
* L-BFGS from every point of the 4,500-start grid alpha, beta in {0, .5, ..., 2},
  e in {-1, -.5, ..., 1}, a, b in {0, 5, ..., 25}; the best optimum is kept.

Units: N parameters (as counted by the data set), D training tokens, L nats/token.

The layers below: the objective and the checks of the data are in
:mod:`scalinglaws.fitting.objective`; the L-BFGS engines (compiled kernel and numpy) in
:mod:`scalinglaws.fitting.engine`. This module holds the start grid, the recipe
(:func:`fit_parametric`), its result (:class:`ParametricFit`) and :func:`identification`.

How the fit is fast and still exact
-----------------------------------
Every one of the 4,500 starts runs its own L-BFGS (two-loop recursion, m = 10, Armijo
backtracking by halving, analytic gradients) and stops by scipy L-BFGS-B's default rules
(:func:`scalinglaws.fitting.engine.batched_lbfgs`); the best end points are then refined and the
best is certified by ``scipy.optimize.minimize(method="L-BFGS-B", jac=True)`` at tight
tolerances. The reported objective is evaluated at the reported parameters by
:func:`~scalinglaws.fitting.objective.huber_objective`.

Three things make this fast (measured figures: ``book/performance.md``):

* **A compiled kernel** (``scalinglaws.fitting._native``, C, built by ``setup.py``): one fused loop per
  evaluation with vectorisable exp and log (about 1 microsecond for 240 points with AVX-512), the
  L-BFGS loop in C, and the starts shared between the CPU cores. Where it cannot be built the
  numpy engine (arrays of shape starts x points) runs the same algorithm about eight times slower.
  ``SCALINGLAWS_ENGINE`` chooses (``auto``, ``native``, ``numpy``).
* **Standardised coordinates**: log N and log D are centred and scaled (see
  :class:`~scalinglaws.fitting.engine.Standardizer`), which removes the a-alpha and b-beta
  correlation that makes L-BFGS crawl. Same model, same starts, same stopping rules.
* **A cap on the first trial step** (:data:`scalinglaws.fitting.engine.STEP_GROWTH`): at most 100
  times the previous step.

These change the path each start takes, not the objective or the recipe: both engines reach the
same optimum (objective within 1e-12 relative), and the plain reference started at it cannot
improve it. Which of the other starts also reach it (``n_reached``) depends on their paths.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import optimize

from scalinglaws.core.errors import InputError
from scalinglaws.fitting.engine import SCIPY_FTOL, BatchResult, Standardizer, batched_lbfgs
from scalinglaws.fitting.objective import (
    HuberProblem,
    check_identifiable,
    huber_objective,
    huber_objective_grad,
    validate_nd_loss,
)

__all__ = [
    "ParametricFit",
    "fit_parametric",
    "hoffmann_grid",
    "identification",
    "PARAM_ORDER",
    "HOFFMANN_BOX",
]

#: Order of the parameter vector used throughout (Besiroglu et al.'s notebook order).
PARAM_ORDER = ("a", "b", "e", "alpha", "beta")

#: Span of Hoffmann et al.'s initialisation grid per coordinate (App. D.2), used to judge
#: whether an optimum is "interior" when the starts themselves do not span a box.
HOFFMANN_BOX = {
    "a": (0.0, 25.0),
    "b": (0.0, 25.0),
    "e": (-1.0, 1.0),
    "alpha": (0.0, 2.0),
    "beta": (0.0, 2.0),
}

#: Largest max|gradient| (standardised coordinates, per unit of objective scale) accepted as
#: converged when scipy's certifying run stops because its line search can no longer improve.
CERTIFY_GTOL = 1e-9

#: Relative objective tolerance for counting a start as having "reached" the best optimum.
REACHED_RTOL = 1e-4


def hoffmann_grid() -> np.ndarray:
    """The 4,500 L-BFGS starts of Hoffmann et al. 2022, App. D.2, as rows ``(a, b, e, alpha, beta)``.

    alpha, beta in {0, 0.5, ..., 2}; e in {-1, -0.5, ..., 1}; a, b in {0, 5, ..., 25}
    (built with ``np.arange`` exactly as in Besiroglu et al.'s notebook, cell 16).
    """
    alphas = np.arange(0.0, 2.5, 0.5)
    betas = np.arange(0.0, 2.5, 0.5)
    es = np.arange(-1.0, 1.5, 0.5)
    a_s = np.arange(0.0, 30.0, 5.0)
    b_s = np.arange(0.0, 30.0, 5.0)
    # Notebook order of the product: alpha, beta, e, a, b; we store (a, b, e, alpha, beta).
    rows = [(a, b, e, al, be) for al, be, e, a, b in itertools.product(alphas, betas, es, a_s, b_s)]
    return np.asarray(rows, dtype=np.float64)


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParametricFit:
    """Result of :func:`fit_parametric` (Hoffmann et al. 2022, eq. 2: L = E + A/N^alpha + B/D^beta).

    Attributes
    ----------
    E, A, B : float
        Irreducible loss (nats/token) and the two scale constants; ``E = exp(e)`` etc.
    alpha, beta : float
        Exponents of N (parameters) and D (tokens).
    e, a, b : float
        Natural logs of E, A, B (the fitted coordinates).
    objective : float
        Huber objective at the optimum (summed, or averaged if ``reduction == "mean"``).
    converged : bool
        ``success`` flag of the final scipy L-BFGS-B polish.
    message : str
        scipy's message for that run.
    interior : bool
        True when every fitted coordinate lies strictly inside the span of the start grid in that
        coordinate (Hoffmann's box a, b in [0, 25], e in [-1, 1], alpha, beta in [0, 2] for the
        default grid; coordinates where the starts do not span an interval use Hoffmann's box),
        by more than 0.1 % of the span. False flags an optimum on or beyond a grid edge.
    n_starts : int
        Number of starts optimised.
    n_reached : int
        Starts whose own L-BFGS run (batched stage, scipy's default stopping rules) ended with an
        objective within ``REACHED_RTOL`` (1e-4, relative) of the final optimum.
    n_points : int
        Number of data points.
    reduction : str
        ``"sum"`` (Hoffmann, Besiroglu et al.) or ``"mean"``.
    delta : float
        Huber threshold (1e-3 in Hoffmann et al. App. D.2).
    """

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    e: float
    a: float
    b: float
    objective: float
    converged: bool
    message: str
    interior: bool
    n_starts: int
    n_reached: int
    n_points: int
    reduction: str
    delta: float

    @property
    def theta(self) -> np.ndarray:
        """Parameter vector ``(a, b, e, alpha, beta)``."""
        return np.array([self.a, self.b, self.e, self.alpha, self.beta])

    @property
    def params(self) -> dict[str, float]:
        """Linear-space parameters ``{"E", "A", "B", "alpha", "beta"}``."""
        return {"E": self.E, "A": self.A, "B": self.B, "alpha": self.alpha, "beta": self.beta}

    def predict(self, N: Any, D: Any) -> np.ndarray:
        """Predicted loss (nats/token) at N parameters and D tokens (broadcast)."""
        n = np.asarray(N, dtype=np.float64)
        d = np.asarray(D, dtype=np.float64)
        return self.E + self.A / n**self.alpha + self.B / d**self.beta

    def to_dict(self) -> dict[str, Any]:
        """All fields as a plain dict (JSON-serialisable)."""
        return asdict(self)

    def law(self, name: str = "fit", citation: str = "", notes: str = ""):
        """The fit as a :class:`scalinglaws.core.laws.ParametricLaw`."""
        from scalinglaws.core.laws import ParametricLaw

        return ParametricLaw(
            name=name,
            E=self.E,
            A=self.A,
            B=self.B,
            alpha=self.alpha,
            beta=self.beta,
            citation=citation,
            notes=notes,
        )


# --------------------------------------------------------------------------------------------
# public fit
# --------------------------------------------------------------------------------------------


def _exp(x: float) -> float:
    """``math.exp`` that gives inf instead of raising OverflowError (for a diverged coordinate)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


#: Profile steps of :func:`identification` in standardised coordinates (see ``Standardizer``):
#: the N and D terms at the data's geometric-mean N and D (10 %), log E (5 %), and the exponents
#: (0.05 times the standard deviation of log N and log D, i.e. alpha and beta +- 0.05).
PROFILE_STEPS = {"a": 0.1, "b": 0.1, "e": 0.05, "alpha": 0.05, "beta": 0.05}

#: A profile step that raises the objective by at most this fraction of the optimum (or by
#: 1e-12 on noise-free data) marks a flat direction: the parameter is not identified.
FLAT_RTOL = 1e-6


def identification(fit: ParametricFit, N: Any, D: Any, L: Any) -> dict[str, bool]:
    """Which of ``E, A, B, alpha, beta`` the data identify at ``fit`` (a profile of the objective).

    For each standardised coordinate (the N term and the D term at the data's geometric-mean N
    and D, log E, alpha, beta), the coordinate is moved by :data:`PROFILE_STEPS` up and down, the
    other four are re-optimised (scipy L-BFGS-B from the moved optimum), and the rise of the
    summed Huber objective is measured. A coordinate whose smaller rise is at most
    ``FLAT_RTOL * objective + 1e-12`` lies on a flat direction and is "not identified" (e.g. two
    model sizes: any alpha fits). A (B) is identified only when the N (D) term and alpha (beta)
    both are; a non-finite estimate is never identified.

    Returns
    -------
    dict
        ``{"E": bool, "A": bool, "B": bool, "alpha": bool, "beta": bool}``.
    """
    n, d, loss = validate_nd_loss(N, D, L, min_points=1)
    logN, logD, logL = np.log(n), np.log(d), np.log(loss)
    std = Standardizer(logN, logD)
    delta = float(fit.delta)

    problem = HuberProblem(std.n, std.d, logL, delta)

    def fun(z: np.ndarray) -> tuple[float, np.ndarray]:
        f, g = problem.fg(np.asarray(z, dtype=np.float64)[None, :])
        return float(f[0]), g[0]

    theta = fit.theta
    ok_coord: dict[str, bool] = {}
    if not np.all(np.isfinite(theta)):
        return {k: False for k in ("E", "A", "B", "alpha", "beta")}
    z_hat = std.to_z(theta)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        f0 = float(fun(z_hat)[0])
        for k, name in enumerate(PARAM_ORDER):
            step = PROFILE_STEPS[name]
            rises = []
            for sign in (-1.0, 1.0):
                z = np.array(z_hat, copy=True)
                z[k] += sign * step
                bounds = [(None, None)] * 5
                bounds[k] = (float(z[k]), float(z[k]))
                res = optimize.minimize(
                    fun,
                    z,
                    jac=True,
                    method="L-BFGS-B",
                    bounds=bounds,
                    options={"ftol": 1e-12, "gtol": 1e-10, "maxiter": 200},
                )
                rises.append(float(res.fun) - f0 if np.isfinite(res.fun) else math.inf)
            ok_coord[name] = bool(min(rises) > FLAT_RTOL * abs(f0) + 1e-12)
    return {
        "E": ok_coord["e"],
        "A": ok_coord["a"] and ok_coord["alpha"] and math.isfinite(fit.A),
        "B": ok_coord["b"] and ok_coord["beta"] and math.isfinite(fit.B),
        "alpha": ok_coord["alpha"],
        "beta": ok_coord["beta"],
    }


def _check_starts(grid: Any, x0: Any) -> np.ndarray:
    if x0 is not None:
        starts = np.asarray(x0, dtype=np.float64).reshape(1, -1)
    elif isinstance(grid, str):
        if grid != "hoffmann":
            raise InputError(f"grid must be 'hoffmann' or an array of starts, got {grid!r}")
        starts = hoffmann_grid()
    else:
        try:
            starts = np.atleast_2d(np.asarray(grid, dtype=np.float64))
        except (TypeError, ValueError):
            raise InputError("grid must be 'hoffmann' or a numeric array of starts") from None
    if starts.ndim != 2 or starts.shape[1] != 5 or starts.shape[0] == 0:
        raise InputError(
            f"starts must have shape (n, 5) ordered (a, b, e, alpha, beta), got {starts.shape}"
        )
    if not np.all(np.isfinite(starts)):
        raise InputError("starts must be finite, got NaN or inf")
    return starts


def _interior(theta: np.ndarray, starts: np.ndarray) -> bool:
    for k, name in enumerate(PARAM_ORDER):
        lo, hi = float(starts[:, k].min()), float(starts[:, k].max())
        if hi - lo <= 0:
            lo, hi = HOFFMANN_BOX[name]
        margin = 1e-3 * (hi - lo)
        if not (lo + margin < theta[k] < hi - margin):
            return False
    return True


def fit_parametric(
    N: Any,
    D: Any,
    L: Any,
    *,
    delta: float = 1e-3,
    reduction: str = "sum",
    grid: Any = "hoffmann",
    x0: Any = None,
    tolerance: str = "tight",
    n_polish: int = 5,
) -> ParametricFit:
    """Fit L(N, D) = E + A/N^alpha + B/D^beta by Hoffmann et al.'s recipe (App. D.2).

    Parameters
    ----------
    N, D, L : array_like
        Parameters, training tokens and loss (nats/token); positive, finite, same length, >= 6.
    delta : float
        Huber threshold on log-loss residuals (Hoffmann et al.: 1e-3).
    reduction : {"sum", "mean"}
        Sum (Hoffmann, Besiroglu et al.) or mean of the Huber terms. With ``tolerance="scipy"``
        the mean shows Besiroglu et al.'s finding that averaging stops L-BFGS early.
    grid : "hoffmann" or array of shape (n, 5)
        Starts ``(a, b, e, alpha, beta)``; "hoffmann" is the 4,500-point grid.
    x0 : array_like of 5, optional
        A single start (overrides ``grid``).
    tolerance : {"tight", "scipy"}
        "tight" (default): every start runs in standardised coordinates (see
        :func:`~scalinglaws.fitting.engine.batched_lbfgs`), the best distinct end points are
        refined to max|gradient| <= 1e-11 per unit of objective scale, and the best is certified by scipy's L-BFGS-B with
        ftol 1e-13, gtol 1e-12. "scipy": what a plain ``minimize(method="L-BFGS-B")`` call per
        start does: raw parameters and L-BFGS-B's defaults (ftol 2.2e-9, gtol 1e-5) throughout;
        it shows Besiroglu et al.'s finding that a mean objective stops early. The batched
        stage always stops each start by scipy's default rules.
    n_polish : int
        How many of the best distinct batched end points are polished with scipy.

    Returns
    -------
    ParametricFit
    """
    n_arr, d_arr, l_arr = validate_nd_loss(N, D, L)
    logN, logD, logL = np.log(n_arr), np.log(d_arr), np.log(l_arr)
    _check_options(delta, reduction, tolerance)
    starts = _check_starts(grid, x0)
    check_identifiable(n_arr, d_arr, l_arr)
    # "tight" iterates in standardised coordinates (well conditioned); "scipy" reproduces a plain
    # minimize() call, on the raw parameters, with its default tolerances
    standardize = tolerance == "tight"
    P = logN.size
    scale = 1.0 / P if reduction == "mean" else 1.0
    logs = (logN, logD, logL)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        br = batched_lbfgs(
            starts, logN, logD, logL, float(delta), scale=scale, standardize=standardize
        )
    fb = br.f * scale
    chosen = _distinct_best(br, fb, n_polish)
    best, fun, std = _polish(br, chosen, logs, delta, reduction, tolerance, scale)
    theta = std.from_z(best.x)
    # the reported objective is evaluated at the reported parameters, in the original coordinates
    f_opt = huber_objective(theta, logN, logD, logL, float(delta), reduction)
    converged, message = bool(best.success), str(best.message)
    if tolerance == "tight" and not converged and best.status == 2:
        # scipy's line search cannot improve a point whose gradient is at the rounding floor
        # (steps of ~1e-10 change the objective by less than its rounding); accept that as
        # converged when the gradient is within 100x of the refinement tolerance
        gmax = float(np.max(np.abs(fun(best.x)[1])))
        if gmax <= CERTIFY_GTOL * scale:
            converged = True
            message = f"{message} at the rounding floor: max|gradient| = {gmax:.1e}"
    # the absolute floor counts starts on noise-free data, where the optimum is ~0: the batched
    # stage stops by scipy's rule (reduction below SCIPY_FTOL, absolute near 0)
    n_reached = int(np.sum(fb <= f_opt + max(REACHED_RTOL * abs(f_opt), 10 * SCIPY_FTOL * scale)))
    a, b, e, alpha, beta = (float(v) for v in theta)
    return ParametricFit(
        E=_exp(e),
        A=_exp(a),
        B=_exp(b),
        alpha=alpha,
        beta=beta,
        e=e,
        a=a,
        b=b,
        objective=f_opt,
        converged=converged,
        message=message,
        interior=_interior(theta, starts),
        n_starts=int(starts.shape[0]),
        n_reached=n_reached,
        n_points=int(P),
        reduction=reduction,
        delta=float(delta),
    )


def _check_options(delta: Any, reduction: Any, tolerance: Any) -> None:
    """Refuse a bad ``delta``, ``reduction`` or ``tolerance`` of :func:`fit_parametric`."""
    if not (isinstance(delta, int | float) and math.isfinite(delta) and delta > 0):
        raise InputError(f"delta must be a positive finite number, got {delta!r}")
    if reduction not in ("sum", "mean"):
        raise InputError(f"reduction must be 'sum' or 'mean', got {reduction!r}")
    if tolerance not in ("tight", "scipy"):
        raise InputError(f"tolerance must be 'tight' or 'scipy', got {tolerance!r}")


def _distinct_best(br: BatchResult, fb: np.ndarray, n_polish: int) -> list[int]:
    """Indices of the best ``n_polish`` *distinct* batched end points (objective ``fb``)."""
    finite = np.isfinite(fb)
    if not np.any(finite):
        raise InputError("the objective is not finite at any start; check the data and starts")
    order = np.argsort(np.where(finite, fb, np.inf), kind="stable")
    # pick the best few *distinct* end points for the polish
    chosen: list[int] = []
    for i in order[: max(50, n_polish)]:
        if not finite[i]:
            break
        if all(np.max(np.abs(br.x[i] - br.x[j])) > 1e-6 for j in chosen):
            chosen.append(int(i))
        if len(chosen) >= n_polish:
            break
    return chosen


def _polish(
    br: BatchResult,
    chosen: list[int],
    logs: tuple[np.ndarray, np.ndarray, np.ndarray],
    delta: float,
    reduction: str,
    tolerance: str,
    scale: float,
) -> tuple[Any, Any, Standardizer]:
    """Refine the chosen end points and certify the best with scipy's L-BFGS-B.

    Returns scipy's best result (in the coordinates of ``std``), the objective-and-gradient
    function it minimised, and the :class:`~scalinglaws.fitting.engine.Standardizer` ``std``.
    """
    logN, logD, logL = logs
    standardize = tolerance == "tight"
    if tolerance == "tight":
        # the candidates are refined to max|g| <= 1e-11 first, so this scipy run certifies the
        # optimum; ftol 1e-13 lets it stop by its own rule instead of a failed line search
        p_opts = {"ftol": 1e-13, "gtol": 1e-12 * scale, "maxiter": 15000, "maxfun": 30000}
    else:
        p_opts = {}
    # the polish runs in the standardised coordinates of the batched stage, where the problem is
    # well conditioned (in the raw ones the a-alpha correlation limits the gradient to ~1e-11)
    std = Standardizer(logN, logD, enabled=standardize)

    def fun(z: np.ndarray) -> tuple[float, np.ndarray]:
        return huber_objective_grad(z, std.n, std.d, logL, float(delta), reduction)

    cand = br.x[chosen]
    if tolerance == "tight":
        # refine the candidates to max|gradient| <= 1e-11 first: L-BFGS-B's relative-reduction
        # test alone can stop ~1e-10 (relative) short on this nearly-L1 objective
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ref = batched_lbfgs(
                cand,
                logN,
                logD,
                logL,
                float(delta),
                scale=scale,
                ftol=0.0,
                gtol=1e-11 * scale,
                standardize=standardize,
            )
        cand = np.where(np.isfinite(ref.f)[:, None], ref.x, cand)
        # the refined candidates are local minima to max|gradient| <= 1e-11; certify the best
        # (and any within 1e-9 of it) rather than all of them
        fc = np.where(np.isfinite(ref.f), ref.f, br.f[chosen])
        cand = cand[fc <= np.min(fc) * (1 + 1e-9)]
    best = None
    for z_start in std.to_z(cand):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            res = optimize.minimize(fun, z_start, jac=True, method="L-BFGS-B", options=p_opts)
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    return best, fun, std

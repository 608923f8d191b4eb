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

How the engine is fast and still exact
--------------------------------------
All starts are optimised *at once* by a vectorised L-BFGS (numpy arrays of shape starts x points,
analytic gradients, batched Armijo backtracking). Starts whose iterates coincide (same parameter
vector to ``merge_tol``) are merged: only one representative is iterated further and every merged
start inherits its result, so every start is accounted for. The few best distinct end points are
then polished with ``scipy.optimize.minimize(method="L-BFGS-B", jac=True)`` at tight tolerances;
the reported optimum, ``converged`` flag and ``message`` come from that scipy run.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import optimize

from scalinglaws.errors import InputError

__all__ = [
    "ParametricFit",
    "fit_parametric",
    "hoffmann_grid",
    "huber_objective",
    "huber_objective_grad",
    "validate_nd_loss",
    "PARAM_ORDER",
    "HOFFMANN_BOX",
]

#: Order of the parameter vector used throughout (Besiroglu et al.'s notebook order).
PARAM_ORDER = ("a", "b", "e", "alpha", "beta")

#: Span of Hoffmann et al.'s initialisation grid per coordinate (App. D.2), used to judge
#: whether an optimum is "interior" when the starts themselves do not span a box.
HOFFMANN_BOX = {"a": (0.0, 25.0), "b": (0.0, 25.0), "e": (-1.0, 1.0), "alpha": (0.0, 2.0), "beta": (0.0, 2.0)}

#: Relative objective tolerance for counting a start as having "reached" the best optimum.
REACHED_RTOL = 1e-6


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
# validation
# --------------------------------------------------------------------------------------------


def _as_positive_array(name: str, values: Any) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numeric, got non-numeric values") from None
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be finite, got NaN or inf")
    if np.any(arr <= 0):
        bad = arr[arr <= 0][0]
        raise InputError(f"{name} must be positive, got {bad:g}")
    return arr


def validate_nd_loss(N: Any, D: Any, L: Any, *, min_points: int = 6) -> tuple[np.ndarray, ...]:
    """Check N (parameters), D (tokens), L (loss, nats/token): same length, >= 6, positive finite.

    Returns float64 1-D arrays. Raises :class:`~scalinglaws.errors.InputError` with one line.
    """
    n = _as_positive_array("N", N)
    d = _as_positive_array("D", D)
    loss = _as_positive_array("L", L)
    if not (n.size == d.size == loss.size):
        raise InputError(
            f"N, D and L must have the same length, got {n.size}, {d.size} and {loss.size}"
        )
    if n.size < min_points:
        raise InputError(f"need at least {min_points} points to fit 5 parameters, got {n.size}")
    return n, d, loss


# --------------------------------------------------------------------------------------------
# objective
# --------------------------------------------------------------------------------------------


def _huber(r: np.ndarray, delta: float) -> np.ndarray:
    ar = np.abs(r)
    return np.where(ar <= delta, 0.5 * r * r, delta * (ar - 0.5 * delta))


def huber_objective(
    theta: np.ndarray,
    logN: np.ndarray,
    logD: np.ndarray,
    logL: np.ndarray,
    delta: float = 1e-3,
    reduction: str = "sum",
) -> float:
    """Huber objective of one parameter vector ``(a, b, e, alpha, beta)`` (value only)."""
    a, b, e, alpha, beta = (float(t) for t in theta)
    pred = np.logaddexp(np.logaddexp(a - alpha * logN, b - beta * logD), e)
    val = float(_huber(pred - logL, delta).sum())
    return val / logN.size if reduction == "mean" else val


def huber_objective_grad(
    theta: np.ndarray,
    logN: np.ndarray,
    logD: np.ndarray,
    logL: np.ndarray,
    delta: float = 1e-3,
    reduction: str = "sum",
) -> tuple[float, np.ndarray]:
    """Objective and analytic gradient for one parameter vector (scipy ``jac=True`` form)."""
    f, g = _batch_fg(np.asarray(theta, dtype=np.float64)[None, :], logN, logD, logL, delta)
    scale = 1.0 / logN.size if reduction == "mean" else 1.0
    return float(f[0]) * scale, g[0] * scale


def _batch_fg(
    X: np.ndarray, logN: np.ndarray, logD: np.ndarray, logL: np.ndarray, delta: float
) -> tuple[np.ndarray, np.ndarray]:
    """Summed Huber objective and gradient for a batch of parameter vectors ``X`` (S x 5)."""
    a, b, e, alpha, beta = (X[:, k : k + 1] for k in range(5))
    u1 = a - alpha * logN  # (S, P)
    u2 = b - beta * logD
    m = np.maximum(np.maximum(u1, u2), e)
    u1 -= m
    u2 -= m
    np.exp(u1, out=u1)  # now exp(u1 - m)
    np.exp(u2, out=u2)
    e3 = np.exp(e - m)
    s = u1 + u2
    s += e3
    pred = np.log(s)
    pred += m
    pred -= logL  # residual r
    r = pred
    ar = np.abs(r)
    inside = ar <= delta
    f = np.where(inside, 0.5 * r * r, delta * (ar - 0.5 * delta)).sum(axis=1)
    hp = np.clip(r, -delta, delta)  # Huber derivative
    hp /= s
    u1 *= hp  # hp * w1
    u2 *= hp  # hp * w2
    e3 *= hp  # hp * w3
    g = np.empty((X.shape[0], 5))
    g[:, 0] = u1.sum(axis=1)
    g[:, 1] = u2.sum(axis=1)
    g[:, 2] = e3.sum(axis=1)
    g[:, 3] = -(u1 @ logN)
    g[:, 4] = -(u2 @ logD)
    return f, g


# --------------------------------------------------------------------------------------------
# batched L-BFGS
# --------------------------------------------------------------------------------------------


@dataclass
class _BatchResult:
    x: np.ndarray  # (S, 5) end points
    f: np.ndarray  # (S,) summed objective at the end points
    n_iter: np.ndarray  # (S,) iterations used
    owner: np.ndarray  # (S,) index of the start whose trajectory this start followed (merging)


def _batched_lbfgs(
    X0: np.ndarray,
    logN: np.ndarray,
    logD: np.ndarray,
    logL: np.ndarray,
    delta: float,
    *,
    scale: float = 1.0,
    m: int = 10,
    maxiter: int = 1000,
    ftol: float = 1e-13,
    gtol: float = 1e-10,
    merge_tol: float | None = 1e-9,
    merge_every: int = 5,
) -> _BatchResult:
    """Vectorised L-BFGS (two-loop recursion, Armijo backtracking) over many starts at once.

    ``scale`` multiplies the summed objective (1/P for ``reduction="mean"``). Stopping rule per
    start, as in L-BFGS-B: relative reduction ``(f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= ftol``
    or ``max|g| <= gtol``. Starts whose current iterates agree to ``merge_tol`` (max abs difference
    of the parameter vector) are merged into one trajectory (``owner``).
    """
    S = X0.shape[0]
    X = X0.astype(np.float64, copy=True)
    owner = np.arange(S)

    def fg(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        f, g = _batch_fg(X[idx], logN, logD, logL, delta)
        return f * scale, g * scale

    F = np.empty(S)
    G = np.empty((S, 5))
    all_idx = np.arange(S)
    F[:], G[:] = fg(all_idx)
    # invalid starts (overflow) are kept but frozen
    sh = np.zeros((S, m, 5))
    yh = np.zeros((S, m, 5))
    rho = np.zeros((S, m))
    nhist = np.zeros(S, dtype=np.int64)
    n_iter = np.zeros(S, dtype=np.int64)
    active = np.isfinite(F) & np.all(np.isfinite(G), axis=1)
    active &= np.max(np.abs(G), axis=1) > gtol

    for it in range(maxiter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        if merge_tol is not None and it % merge_every == 0 and idx.size > 1:
            idx = _merge(X, idx, owner, active, merge_tol)
        g = G[idx]
        # two-loop recursion over the ring buffers (slot k = (nhist-1-j) mod m, newest first)
        q = g.copy()
        alph = np.zeros((idx.size, m))
        nh = nhist[idx]
        rows = np.arange(idx.size)
        for j in range(m):
            slot = (nh - 1 - j) % m
            valid = j < np.minimum(nh, m)
            s_j = sh[idx, slot]
            y_j = yh[idx, slot]
            r_j = np.where(valid, rho[idx, slot], 0.0)
            aj = r_j * np.einsum("ij,ij->i", s_j, q)
            alph[rows, j] = aj
            q -= aj[:, None] * y_j
        newest = (nh - 1) % m
        s_n = sh[idx, newest]
        y_n = yh[idx, newest]
        yy = np.einsum("ij,ij->i", y_n, y_n)
        sy = np.einsum("ij,ij->i", s_n, y_n)
        gamma = np.where((nh > 0) & (yy > 0), sy / np.where(yy > 0, yy, 1.0), 1.0)
        rr = q * gamma[:, None]
        for j in range(m - 1, -1, -1):
            slot = (nh - 1 - j) % m
            valid = j < np.minimum(nh, m)
            s_j = sh[idx, slot]
            y_j = yh[idx, slot]
            r_j = np.where(valid, rho[idx, slot], 0.0)
            bj = r_j * np.einsum("ij,ij->i", y_j, rr)
            rr += s_j * (alph[rows, j] - bj)[:, None]
        d = -rr
        slope = np.einsum("ij,ij->i", d, g)
        # fall back to steepest descent where the quasi-Newton direction is not a descent direction
        bad = ~(slope < 0) | ~np.all(np.isfinite(d), axis=1)
        if np.any(bad):
            gb = g[bad]
            d[bad] = -gb / np.maximum(np.linalg.norm(gb, axis=1), 1e-300)[:, None]
            slope[bad] = np.einsum("ij,ij->i", d[bad], gb)
            nhist[idx[bad]] = 0
        t = np.where(nhist[idx] == 0, np.minimum(1.0, 1.0 / np.maximum(np.abs(d).max(axis=1), 1e-300)), 1.0)
        x_old = X[idx].copy()
        f_old = F[idx].copy()
        g_old = g
        pending = np.arange(idx.size)
        f_new = np.full(idx.size, np.inf)
        g_new = np.zeros((idx.size, 5))
        ok = np.zeros(idx.size, dtype=bool)
        for _ in range(60):
            sub = idx[pending]
            X[sub] = x_old[pending] + t[pending, None] * d[pending]
            fs, gs = fg(sub)
            acc = np.isfinite(fs) & (fs <= f_old[pending] + 1e-4 * t[pending] * slope[pending])
            f_new[pending[acc]] = fs[acc]
            g_new[pending[acc]] = gs[acc]
            ok[pending[acc]] = True
            pending = pending[~acc]
            if pending.size == 0:
                break
            t[pending] *= 0.5
        # line search failures: restore, stop that start
        fail = ~ok
        if np.any(fail):
            X[idx[fail]] = x_old[fail]
            active[idx[fail]] = False
        good = np.flatnonzero(ok)
        gi = idx[good]
        s_vec = X[gi] - x_old[good]
        y_vec = g_new[good] - g_old[good]
        sy = np.einsum("ij,ij->i", s_vec, y_vec)
        upd = sy > 1e-12 * np.linalg.norm(s_vec, axis=1) * np.linalg.norm(y_vec, axis=1)
        ui = gi[upd]
        slot = nhist[ui] % m
        sh[ui, slot] = s_vec[upd]
        yh[ui, slot] = y_vec[upd]
        rho[ui, slot] = 1.0 / sy[upd]
        nhist[ui] += 1
        F[gi] = f_new[good]
        G[gi] = g_new[good]
        n_iter[gi] += 1
        rel = (f_old[good] - f_new[good]) / np.maximum(
            np.maximum(np.abs(f_old[good]), np.abs(f_new[good])), 1.0
        )
        done = (rel <= ftol) | (np.max(np.abs(g_new[good]), axis=1) <= gtol)
        active[gi[done]] = False

    # propagate merged trajectories: follow owner chains to the root
    root = owner.copy()
    for _ in range(64):
        nxt = owner[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    X = X[root]
    return _BatchResult(x=X, f=F[root] / scale, n_iter=n_iter[root], owner=root)


def _merge(
    X: np.ndarray, idx: np.ndarray, owner: np.ndarray, active: np.ndarray, tol: float
) -> np.ndarray:
    """Merge active starts whose iterates coincide to ``tol``; return the surviving indices."""
    key = np.round(X[idx] / tol).astype(np.int64) if tol > 0 else X[idx]
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    rep = idx[first[inverse]]
    dup = rep != idx
    if np.any(dup):
        # rounding can split neighbours across cells; that only makes merging conservative
        close = np.max(np.abs(X[idx[dup]] - X[rep[dup]]), axis=1) <= tol
        di = idx[dup][close]
        owner[di] = rep[dup][close]
        active[di] = False
    return np.flatnonzero(active)


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
        Starts whose batched L-BFGS end point has an objective within ``REACHED_RTOL`` (1e-6,
        relative) of the final optimum.
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
        """The fit as a :class:`scalinglaws.laws.ParametricLaw`."""
        from scalinglaws.laws import ParametricLaw

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
        "tight": ftol 1e-15, gtol 1e-12 for the final polish. "scipy": L-BFGS-B defaults
        (ftol 2.2e-9, gtol 1e-5) in both stages, i.e. what a plain ``minimize`` call does.
    n_polish : int
        How many of the best distinct batched end points are polished with scipy.

    Returns
    -------
    ParametricFit
    """
    logN, logD, logL = (np.log(v) for v in validate_nd_loss(N, D, L))
    if not (isinstance(delta, int | float) and math.isfinite(delta) and delta > 0):
        raise InputError(f"delta must be a positive finite number, got {delta!r}")
    if reduction not in ("sum", "mean"):
        raise InputError(f"reduction must be 'sum' or 'mean', got {reduction!r}")
    if tolerance not in ("tight", "scipy"):
        raise InputError(f"tolerance must be 'tight' or 'scipy', got {tolerance!r}")
    starts = _check_starts(grid, x0)
    P = logN.size
    scale = 1.0 / P if reduction == "mean" else 1.0
    if tolerance == "tight":
        b_ftol, b_gtol = 1e-13, 1e-10 * scale
        p_opts = {"ftol": 1e-15, "gtol": 1e-12 * scale, "maxiter": 15000, "maxfun": 30000}
    else:
        b_ftol, b_gtol = 2.220446049250313e-09, 1e-5
        p_opts = {}

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        br = _batched_lbfgs(
            starts, logN, logD, logL, float(delta), scale=scale, ftol=b_ftol, gtol=b_gtol
        )
    fb = br.f * scale
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

    def fun(th: np.ndarray) -> tuple[float, np.ndarray]:
        return huber_objective_grad(th, logN, logD, logL, float(delta), reduction)

    best = None
    for i in chosen:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            res = optimize.minimize(fun, br.x[i], jac=True, method="L-BFGS-B", options=p_opts)
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    theta = np.asarray(best.x, dtype=np.float64)
    f_opt = float(best.fun)
    n_reached = int(np.sum(fb <= f_opt + REACHED_RTOL * abs(f_opt)))
    a, b, e, alpha, beta = (float(v) for v in theta)
    return ParametricFit(
        E=math.exp(e),
        A=math.exp(a),
        B=math.exp(b),
        alpha=alpha,
        beta=beta,
        e=e,
        a=a,
        b=b,
        objective=f_opt,
        converged=bool(best.success),
        message=str(best.message),
        interior=_interior(theta, starts),
        n_starts=int(starts.shape[0]),
        n_reached=n_reached,
        n_points=int(P),
        reduction=reduction,
        delta=float(delta),
    )

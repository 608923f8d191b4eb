"""The L-BFGS engines of the Approach-3 fit: many starts at once, each on its own.

:func:`batched_lbfgs` runs L-BFGS (two-loop recursion, m = 10, Armijo backtracking by halving,
analytic gradients) from every row of a batch of starts ``(a, b, e, alpha, beta)`` on the Huber
objective of :mod:`scalinglaws.fitting.objective` (Hoffmann et al. 2022, arXiv:2203.15556,
App. D.2; Besiroglu et al. 2024, arXiv:2404.10102), each start stopping by scipy L-BFGS-B's
default rules. Units: log N (N parameters), log D (D training tokens), log L (L nats/token).

Two engines run the same algorithm (measured figures: ``book/performance.md``):

* **A compiled kernel** (``scalinglaws.fitting._native``, C, built by ``setup.py``): one fused loop per
  evaluation with vectorisable exp and log (about 1 microsecond for 240 points with AVX-512), the
  L-BFGS loop in C, and the starts shared between the CPU cores (:func:`threads`).
* **numpy** (arrays of shape starts x points), about eight times slower, where the kernel cannot
  be built.

``SCALINGLAWS_ENGINE`` chooses (``auto``, ``native``, ``numpy``; :func:`engine`). Both iterate
(by default) in standardised coordinates (:class:`Standardizer`), which removes the a-alpha and
b-beta correlation that makes L-BFGS crawl, and cap the first trial step (:data:`STEP_GROWTH`).
They differ only in floating-point rounding.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from scalinglaws.core.errors import InputError
from scalinglaws.fitting.objective import HuberProblem

try:  # the compiled kernel (setup.py builds it where a C compiler is available)
    from scalinglaws.fitting import _native
except ImportError:  # pragma: no cover - depends on the build
    _native = None

__all__ = [
    "BatchResult",
    "ENGINES",
    "MAX_THREADS_PER_CPU",
    "SCIPY_FTOL",
    "STEP_GROWTH",
    "Standardizer",
    "batched_lbfgs",
    "engine",
    "threads",
]

#: The first trial step of an L-BFGS iteration is at most this many times as long as the previous
#: accepted step (both engines). Where the gradient barely changes, the L-BFGS scaling s'y/y'y can
#: propose steps thousands of times too long, each costing a dozen or more halvings.
STEP_GROWTH = 100.0

#: scipy L-BFGS-B's default ``ftol`` (``factr = 1e7`` times machine epsilon).
SCIPY_FTOL = 1e7 * np.finfo(np.float64).eps


# --------------------------------------------------------------------------------------------
# engine selection
# --------------------------------------------------------------------------------------------

#: Values of the ``SCALINGLAWS_ENGINE`` environment variable.
ENGINES = ("auto", "native", "numpy")


def engine() -> str:
    """The L-BFGS engine in use: ``"native"`` (compiled kernel) or ``"numpy"``.

    ``SCALINGLAWS_ENGINE`` chooses: ``auto`` (default: native when it was built), ``native``
    (an error if it was not built) or ``numpy``. Both run the same algorithm; they differ only in
    floating-point rounding, so the optimum agrees to the polish tolerance while the end points of
    starts that stall on flat stretches (and so ``n_reached``) may differ by a few.
    """
    choice = os.environ.get("SCALINGLAWS_ENGINE", "auto").strip().lower() or "auto"
    if choice not in ENGINES:
        raise InputError(f"SCALINGLAWS_ENGINE must be one of {', '.join(ENGINES)}, got {choice!r}")
    if choice == "native" and _native is None:
        raise InputError(
            "SCALINGLAWS_ENGINE=native but the compiled kernel scalinglaws.fitting._native was not built "
            "(reinstall with a C compiler: pip install -e .)"
        )
    if choice == "numpy" or _native is None:
        return "numpy"
    return "native"


def threads() -> int:
    """Threads for the native engine: ``SCALINGLAWS_THREADS`` or the usable CPU cores.

    Every start is computed on its own in a fixed order, so results do not depend on this.
    """
    raw = os.environ.get("SCALINGLAWS_THREADS", "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value < 1:
            raise InputError(f"SCALINGLAWS_THREADS must be a positive integer, got {_quote(raw)}")
        cap = MAX_THREADS_PER_CPU * _cpu_count()
        if value > cap:
            raise InputError(
                f"SCALINGLAWS_THREADS must be at most {cap} ({MAX_THREADS_PER_CPU} x the "
                f"{_cpu_count()} usable CPU cores), got {_quote(raw)}"
            )
        return value
    return _cpu_count()


#: ``SCALINGLAWS_THREADS`` may ask for at most this many threads per usable CPU core (more only
#: exhausts the thread limit of the process: 100,000 threads crash it).
MAX_THREADS_PER_CPU = 4


def _cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _quote(text: Any, width: int = 80) -> str:
    """``repr`` of a user's input, cut to ``width`` characters (error messages stay one short line)."""
    shown = repr(text)
    return shown if len(shown) <= width else shown[: width - 3] + "..."


# --------------------------------------------------------------------------------------------
# batched L-BFGS
# --------------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    """End points of :func:`batched_lbfgs`, one row per start (in the order of the starts)."""

    x: np.ndarray  # (S, 5) end points
    f: np.ndarray  # (S,) summed objective at the end points
    n_iter: np.ndarray  # (S,) iterations used
    status: np.ndarray  # (S,) 0 converged (ftol/gtol), 1 maxiter, 2 line search failed
    n_fev: np.ndarray  # (S,) objective-and-gradient evaluations


def batched_lbfgs(
    X0: np.ndarray,
    logN: np.ndarray,
    logD: np.ndarray,
    logL: np.ndarray,
    delta: float,
    *,
    scale: float = 1.0,
    m: int = 10,
    maxiter: int = 15000,
    ftol: float = SCIPY_FTOL,
    gtol: float = 1e-5,
    weights: np.ndarray | None = None,
    on_done: Any = None,
    standardize: bool = True,
) -> BatchResult:
    """L-BFGS from every row of ``X0`` (starts ``(a, b, e, alpha, beta)``), each on its own.

    ``scale`` multiplies the summed objective (1/P for ``reduction="mean"``). Each start stops by
    scipy L-BFGS-B's rules with its default tolerances: relative reduction
    ``(f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= ftol`` (``factr = 1e7``), or
    ``max|g| <= gtol`` (``pgtol = 1e-5``), or ``maxiter`` iterations, or a failed line search.
    ``weights`` (S x P, caller's point order) weights each start's Huber terms (bootstrap
    counts); ``on_done(k)`` is called with the number of starts that finished.
    ``status`` is 0 (ftol/gtol met: converged), 1 (maxiter) or 2 (line search failed).

    The iterations run in standardised coordinates: log N and log D are centred and scaled to
    unit standard deviation, ``n' = (log N - mu_N) / sd_N``, and each start is mapped to the
    same model, ``alpha' = alpha sd_N`` and ``a' = a - alpha mu_N`` (likewise b, beta), so that
    ``a' - alpha' n' = a - alpha log N`` exactly. This is the usual standardisation of
    regressors: it removes the strong correlation between ``a`` and ``alpha`` (log N is about
    20 with a spread of about 1.2 on Chinchilla's data) that makes L-BFGS crawl, and cuts the
    objective evaluations by about a quarter (302,796 to 217,794 from the 4,500 starts). The objective, the starts and the rules are those of
    the recipe; the end points are mapped back. The gradient test ``max|g| <= gtol`` is taken
    in the standardised coordinates. ``standardize=False`` iterates on ``(a, b, e, alpha,
    beta)`` themselves, as a plain ``scipy.optimize.minimize`` call does.
    """
    std = Standardizer(logN, logD, enabled=standardize)
    run = _native_lbfgs if engine() == "native" else _numpy_lbfgs
    br = run(
        std.to_z(X0),
        std.n,
        std.d,
        logL,
        delta,
        scale=scale,
        m=m,
        maxiter=maxiter,
        ftol=ftol,
        gtol=gtol,
        weights=weights,
        on_done=on_done,
    )
    return BatchResult(
        x=std.from_z(br.x), f=br.f, n_iter=br.n_iter, status=br.status, n_fev=br.n_fev
    )


class Standardizer:
    """Standardised coordinates for the fit: ``n' = (log N - mu_N)/sd_N``, likewise ``d'``.

    ``to_z`` maps ``(a, b, e, alpha, beta)`` to ``(a - alpha mu_N, b - beta mu_D, e,
    alpha sd_N, beta sd_D)``, so that ``a' - alpha' n' = a - alpha log N``; ``from_z`` inverts it.
    """

    def __init__(self, logN: Any, logD: Any, *, enabled: bool = True):
        logN = np.asarray(logN, dtype=np.float64)
        logD = np.asarray(logD, dtype=np.float64)
        # disabled: mu 0 and sd 1, so both maps are exactly the identity
        self.mu_n, self.sd_n = _location_scale(logN) if enabled else (0.0, 1.0)
        self.mu_d, self.sd_d = _location_scale(logD) if enabled else (0.0, 1.0)
        self.n = (logN - self.mu_n) / self.sd_n
        self.d = (logD - self.mu_d) / self.sd_d

    def to_z(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        Z = np.array(X, copy=True)
        Z[..., 0] = X[..., 0] - X[..., 3] * self.mu_n
        Z[..., 1] = X[..., 1] - X[..., 4] * self.mu_d
        Z[..., 3] = X[..., 3] * self.sd_n
        Z[..., 4] = X[..., 4] * self.sd_d
        return Z

    def from_z(self, Z: np.ndarray) -> np.ndarray:
        Z = np.asarray(Z, dtype=np.float64)
        X = np.array(Z, copy=True)
        X[..., 3] = Z[..., 3] / self.sd_n
        X[..., 4] = Z[..., 4] / self.sd_d
        X[..., 0] = Z[..., 0] + X[..., 3] * self.mu_n
        X[..., 1] = Z[..., 1] + X[..., 4] * self.mu_d
        return X


def _location_scale(v: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of ``v`` for standardising (scale 1 if ``v`` is constant)."""
    mu = float(np.mean(v))
    sd = float(np.std(v))
    return mu, (sd if sd > 0 and math.isfinite(sd) else 1.0)


def _numpy_lbfgs(
    X0: np.ndarray,
    logN: np.ndarray,
    logD: np.ndarray,
    logL: np.ndarray,
    delta: float,
    *,
    scale: float,
    m: int,
    maxiter: int,
    ftol: float,
    gtol: float,
    weights: np.ndarray | None,
    on_done: Any,
) -> BatchResult:
    """The numpy engine of :func:`batched_lbfgs` (which sets the defaults): all starts at once.

    Vectorised L-BFGS (two-loop recursion, Armijo backtracking) on arrays of starts x points.

    ``scale`` multiplies the summed objective (1/P for ``reduction="mean"``). Each start is
    optimised independently (the batch only shares array operations) and stops by scipy's
    L-BFGS-B rules with its default tolerances: relative reduction
    ``(f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= ftol`` (``factr = 1e7``), or
    ``max|g| <= gtol`` (``pgtol = 1e-5``), or ``maxiter`` iterations, or a failed line search.
    ``weights`` (S x P, caller's point order) weights each start's Huber terms (bootstrap
    counts); ``on_done(k)`` is called with the number of starts that finished in an iteration.
    ``status`` is 0 (ftol/gtol met: converged), 1 (maxiter) or 2 (line search failed).
    """
    prob = HuberProblem(logN, logD, logL, delta)
    Wall = None if weights is None else prob.sort_weights(np.asarray(weights, dtype=np.float64))
    S = X0.shape[0]
    X_out = np.asarray(X0, dtype=np.float64).copy()
    F_out = np.full(S, np.inf)
    n_iter = np.zeros(S, dtype=np.int64)
    n_fev = np.ones(S, dtype=np.int64)
    status = np.full(S, 2, dtype=np.int64)

    def fg(X: np.ndarray, W: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        f, g = prob.fg(X, W)
        if scale != 1.0:
            f *= scale
            g *= scale
        return f, g

    # working set (compacted as starts finish). History is slot-major, (m, n, 5), newest slot
    # last; a zero slot with rho 0 is empty and contributes nothing to the two-loop recursion.
    # The loop is written for few numpy calls per iteration: in the long tail only a handful of
    # starts are left and the per-call overhead, not arithmetic, sets the pace.
    ids = np.arange(S)
    X = X_out.copy()
    W = Wall
    F, G = fg(X, W)
    F_out[:] = F
    finite = np.isfinite(F) & np.all(np.isfinite(G), axis=1)
    status[finite & (np.max(np.abs(G), axis=1) <= gtol)] = 0
    keep = finite & (np.max(np.abs(G), axis=1) > gtol)
    if on_done is not None and S - int(keep.sum()):
        on_done(S - int(keep.sum()))
    ids, X, F, G = ids[keep], X[keep], F[keep], G[keep]
    W = None if W is None else W[keep]
    n = ids.size
    sh = np.zeros((m, n, 5))
    yh = np.zeros((m, n, 5))
    rho = np.zeros((m, n))
    filled = 0  # slots m - filled .. m - 1 may be non-empty for some start
    fresh = np.ones(n, dtype=bool)  # no usable history: scaled steepest descent
    prev_len = np.zeros(n)  # length of the last accepted step (0: none yet)

    def vecdot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        # row dot products; einsum's rounding is kept on purpose (np.vecdot rounds differently
        # and would change the end points of starts on flat stretches of the objective)
        return np.einsum("ij,ij->i", u, v)

    for _ in range(maxiter):
        if n == 0:
            break
        q = G.copy()
        alph = [None] * m
        for j in range(m - 1, m - 1 - filled, -1):
            aj = rho[j] * vecdot(sh[j], q)
            alph[j] = aj
            q -= aj[:, None] * yh[j]
        yy = vecdot(yh[-1], yh[-1])
        sy = vecdot(sh[-1], yh[-1])
        pos = yy > 0
        gamma = np.where(pos, sy / np.where(pos, yy, 1.0), 1.0)
        q *= gamma[:, None]
        for j in range(m - filled, m):
            bj = rho[j] * vecdot(yh[j], q)
            q += sh[j] * (alph[j] - bj)[:, None]
        d = -q
        slope = vecdot(d, G)
        bad = ~(slope < 0) | ~np.all(np.isfinite(d), axis=1) | fresh
        if bad.any():
            # steepest descent with a first step of unit max-norm, and forget the history
            gb = G[bad]
            d[bad] = -gb / np.maximum(np.abs(gb).max(axis=1), 1e-300)[:, None]
            slope[bad] = vecdot(d[bad], gb)
            sh[:, bad] = 0.0
            yh[:, bad] = 0.0
            rho[:, bad] = 0.0
        # backtracking line search; the first trial (t = 1) is taken by every start
        # first trial t0 = 1, or STEP_GROWTH times the previous step's length if that is shorter
        dn = np.sqrt(vecdot(d, d))
        capped = (prev_len > 0) & (dn > STEP_GROWTH * prev_len)
        if capped.any():
            t = np.where(capped, STEP_GROWTH * prev_len / np.where(capped, dn, 1.0), 1.0)
            X_new = X + t[:, None] * d
        else:
            t = np.ones(n)
            X_new = X + d
        F_new, G_new = fg(X_new, W)
        n_fev[ids] += 1
        acc = np.isfinite(F_new) & (F_new <= F + 1e-4 * t * slope)
        if not acc.all():
            F_new[~acc] = np.inf
            pend = np.flatnonzero(~acc)
            for _ls in range(59):
                t[pend] *= 0.5
                Xp = X[pend] + t[pend, None] * d[pend]
                fs, gs = fg(Xp, None if W is None else W[pend])
                n_fev[ids[pend]] += 1
                ac = np.isfinite(fs) & (fs <= F[pend] + 1e-4 * t[pend] * slope[pend])
                ia = pend[ac]
                X_new[ia], F_new[ia], G_new[ia] = Xp[ac], fs[ac], gs[ac]
                pend = pend[~ac]
                if pend.size == 0:
                    break
        ok = np.isfinite(F_new)
        all_ok = bool(ok.all())
        s_vec = X_new - X
        prev_len = np.where(ok, np.sqrt(vecdot(s_vec, s_vec)), prev_len)
        y_vec = G_new - G
        sy = vecdot(s_vec, y_vec)
        yv = y_vec if all_ok else np.nan_to_num(y_vec)
        upd = ok & (sy > 1e-12 * np.linalg.norm(s_vec, axis=1) * np.linalg.norm(yv, axis=1))
        if upd.all():
            sh[:-1] = sh[1:]
            yh[:-1] = yh[1:]
            rho[:-1] = rho[1:]
            sh[-1] = s_vec
            yh[-1] = y_vec
            rho[-1] = 1.0 / sy
            filled = min(filled + 1, m)
        elif upd.any():
            sh[:-1, upd] = sh[1:, upd]
            yh[:-1, upd] = yh[1:, upd]
            rho[:-1, upd] = rho[1:, upd]
            sh[-1, upd] = s_vec[upd]
            yh[-1, upd] = y_vec[upd]
            rho[-1, upd] = 1.0 / sy[upd]
            filled = min(filled + 1, m)
        fresh = ~upd & (rho[-1] == 0)
        rel = (F - F_new) / np.maximum(np.maximum(np.abs(F), np.abs(F_new)), 1.0)
        if all_ok:
            n_iter[ids] += 1
            X, G, F = X_new, G_new, F_new
        else:
            n_iter[ids[ok]] += 1
            X = np.where(ok[:, None], X_new, X)
            G = np.where(ok[:, None], G_new, G)
            F = np.where(ok, F_new, F)
        conv = ok & ((rel <= ftol) | (np.abs(G).max(axis=1) <= gtol))
        done = ~ok | conv
        if done.any():
            X_out[ids[done]] = X[done]
            F_out[ids[done]] = F[done]
            status[ids[conv]] = 0
            live = ~done
            ids, X, F, G = ids[live], X[live], F[live], G[live]
            sh, yh, rho, fresh = sh[:, live], yh[:, live], rho[:, live], fresh[live]
            prev_len = prev_len[live]
            W = None if W is None else W[live]
            n = ids.size
            if on_done is not None:
                on_done(int(done.sum()))
    if ids.size:  # maxiter reached
        X_out[ids] = X
        F_out[ids] = F
        status[ids] = 1
        if on_done is not None:
            on_done(int(ids.size))
    return BatchResult(x=X_out, f=F_out / scale, n_iter=n_iter, status=status, n_fev=n_fev)


def _native_lbfgs(
    X0: np.ndarray,
    logN: np.ndarray,
    logD: np.ndarray,
    logL: np.ndarray,
    delta: float,
    *,
    scale: float,
    m: int,
    maxiter: int,
    ftol: float,
    gtol: float,
    weights: np.ndarray | None,
    on_done: Any,
) -> BatchResult:
    """:func:`batched_lbfgs` on the compiled kernel (``scalinglaws.fitting._native``).

    Same algorithm, start by start: two-loop recursion, the same first step, Armijo halving, the
    same stopping rules and statuses. The starts are shared between :func:`threads` threads;
    with ``on_done`` (a progress bar) they go in about 20 chunks so the bar moves.
    """
    assert _native is not None
    X = np.array(X0, dtype=np.float64, order="C", copy=True)
    S = X.shape[0]
    F = np.full(S, np.inf)
    n_iter = np.zeros(S, dtype=np.int64)
    n_fev = np.zeros(S, dtype=np.int64)
    status = np.full(S, 2, dtype=np.int64)
    n, d, y = (np.ascontiguousarray(v, dtype=np.float64) for v in (logN, logD, logL))
    W = None if weights is None else np.ascontiguousarray(weights, dtype=np.float64)
    nthreads = threads()
    step = S if on_done is None else max(64, -(-S // 20))
    for i in range(0, S, step):
        j = min(i + step, S)
        _native.lbfgs(
            X[i:j],
            F[i:j],
            n_iter[i:j],
            n_fev[i:j],
            status[i:j],
            n,
            d,
            y,
            None if W is None else W[i:j],
            float(delta),
            float(scale),
            int(m),
            int(maxiter),
            float(ftol),
            float(gtol),
            nthreads,
        )
        if on_done is not None:
            on_done(j - i)
    return BatchResult(x=X, f=F / scale, n_iter=n_iter, status=status, n_fev=n_fev)

"""Brown et al.'s coverage law: the share of problems solved by at least one of ``k`` samples.

* :func:`coverage_law` is the exponentiated power law ``c(k) = exp(a k**b)``
  (Brown et al. 2024, arXiv:2407.21787, §3.1 eqs 2-3);
* :func:`fit_coverage_law` fits it with a seeded bootstrap (over problems when given the
  per-problem matrix of :func:`pass_at_k_matrix`, else over points);
* :func:`coverage_exponent_from_anchors` solves it through two published points
  (:data:`COVERAGE_ANCHORS`);
* :func:`anchor_exponent_bootstrap` gives that exponent an interval from the binomial
  uncertainty of the two published coverages (:data:`COVERAGE_ANCHOR_PROBLEMS`);
* :func:`samples_for_coverage` inverts the law: the ``k`` that reaches a target coverage;
* :func:`wilson_interval` is the binomial interval of a pass rate;
* :func:`simulated_curves` computes coverage and majority vote of a simulated benchmark, and
  :func:`anchor_coverage` / :func:`anchor_samples_for` read the law through two anchors with intervals.

Units: ``k`` samples per problem, coverage and pass rates as fractions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from scalinglaws.analyses.testtime import pass_at_k
from scalinglaws.core.errors import InputError
from scalinglaws.core.validation import (
    DEFAULT_SEED,
    confidence_level,
    finite_array,
    finite_real,
    int_at_least,
)
from scalinglaws.fitting.powerlaw import solve_exponentiated_power_law

__all__ = [
    "COVERAGE_ANCHORS",
    "COVERAGE_ANCHOR_PROBLEMS",
    "SWE_BENCH_LITE_CHECK",
    "AnchorExponent",
    "CoverageFit",
    "SimulatedCurves",
    "anchor_coverage",
    "anchor_exponent_bootstrap",
    "anchor_exponents",
    "anchor_samples_for",
    "coverage_exponent_from_anchors",
    "coverage_law",
    "fit_coverage_law",
    "pass_at_k_matrix",
    "samples_for_coverage",
    "simulated_curves",
    "wilson_interval",
]


def _quantiles(boot: np.ndarray, level: float) -> tuple[float, float]:
    q = (1.0 - level) / 2.0
    lo, hi = np.quantile(boot, [q, 1.0 - q], axis=0)
    return float(lo), float(hi)


# ------------------------------------------------------------------- coverage law (Brown)


#: Published coverage anchors ``(k1, c1, k2, c2)`` (Brown et al. 2024, arXiv:2407.21787).
#: ``swe-bench-lite``: DeepSeek-Coder-V2-Instruct, 15.9% at 1 sample, 56% at 250 (abstract).
#: ``math-llama3-8b``: Llama-3-8B-Instruct on MATH, 82.9% at 100 samples, 98.44% at 10,000 (§4).
COVERAGE_ANCHORS: dict[str, tuple[float, float, float, float]] = {
    "swe-bench-lite": (1.0, 0.159, 250.0, 0.56),
    "math-llama3-8b": (100.0, 0.829, 10_000.0, 0.9844),
}


#: Problems behind each anchor's coverages (the binomial denominators).
#: ``swe-bench-lite``: the 300 tasks of SWE-bench Lite's test split (Jimenez et al. 2024).
#: ``math-llama3-8b``: 128 MATH test problems; the printed 98.44% = 126/128 and 41.41% = 53/128
#: (majority vote) are exact multiples of 1/128, as for a 128-problem subset.
COVERAGE_ANCHOR_PROBLEMS: dict[str, int] = {"swe-bench-lite": 300, "math-llama3-8b": 128}

#: A third printed SWE-bench Lite point, ``(k, coverage)``, to check the two-anchor law out of sample:
#: 5 DeepSeek-Coder-V2-Instruct samples solve 29.62% of the tasks (Brown et al. 2024, arXiv:2407.21787).
SWE_BENCH_LITE_CHECK: tuple[float, float] = (5.0, 0.2962)


def coverage_law(k: Any, a: float, b: float) -> np.ndarray:
    """Exponentiated power law ``c(k) = exp(a * k**b)`` (Brown et al. 2024, eqs 2-3).

    ``a = log c(1) < 0`` and ``b < 0`` make coverage rise towards 1 as ``k`` grows.
    """
    ks = finite_array(k, "k", positive=True)
    return np.exp(finite_real(a, "a") * ks ** finite_real(b, "b"))


def coverage_exponent_from_anchors(k1: float, c1: float, k2: float, c2: float) -> float:
    """Exponent ``b`` of ``log c = a k**b`` through two points ``(k1, c1)``, ``(k2, c2)``.

    ``b = log(log c2 / log c1) / log(k2 / k1)``; coverages must lie in (0, 1).
    """
    k1, k2 = finite_real(k1, "k1", positive=True), finite_real(k2, "k2", positive=True)
    c1, c2 = finite_real(c1, "c1"), finite_real(c2, "c2")
    if not (0 < c1 < 1 and 0 < c2 < 1):
        raise InputError(f"coverages must lie in (0, 1), got {c1!r} and {c2!r}")
    if k1 == k2:
        raise InputError("k1 and k2 must differ")
    return float(math.log(math.log(c2) / math.log(c1)) / math.log(k2 / k1))


def samples_for_coverage(target: Any, a: Any, b: Any) -> float | np.ndarray:
    """Samples ``k`` at which ``log c = a k**b`` reaches coverage ``target``: ``(log target / a)**(1/b)``.

    An extrapolation of the law (Brown et al. 2024, eqs 2-3); ``target`` in (0, 1), ``a, b < 0``.
    Vectorised over ``a`` and ``b`` (e.g. bootstrap replicates).
    """
    t = finite_real(target, "target")
    if not 0 < t < 1:
        raise InputError(f"target coverage must lie in (0, 1), got {target!r}")
    aa, bb = finite_array(a, "a"), finite_array(b, "b")
    if np.any(aa >= 0) or np.any(bb >= 0):
        raise InputError("a and b must be negative (coverage rising with k)")
    out = (math.log(t) / aa) ** (1.0 / bb)
    return float(out[0]) if np.ndim(a) == 0 and np.ndim(b) == 0 else out


@dataclass(frozen=True)
class AnchorExponent:
    """Exponent ``b`` through two published coverages, with a seeded bootstrap interval.

    Attributes
    ----------
    b : float
        Exponent through the two printed points (:func:`coverage_exponent_from_anchors`).
    a : float
        ``log c(1)`` implied by the two points, ``log(c1) / k1**b``.
    b_ci : tuple of float
        Percentile interval of ``b`` at ``level`` over the replicates.
    boot : numpy.ndarray, shape (n_boot, 2)
        Replicates of ``(a, b)``.
    level : float
    n_boot, seed, problems : int
    """

    b: float
    a: float
    b_ci: tuple[float, float]
    boot: np.ndarray = field(repr=False)
    level: float
    n_boot: int
    seed: int
    problems: int


def anchor_exponent_bootstrap(
    anchor: Any,
    problems: int | None = None,
    *,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> AnchorExponent:
    """Exponent ``b`` through two published coverages, with the uncertainty of those coverages.

    Each printed coverage ``c`` is a share of ``problems`` problems. A replicate draws each from
    its Jeffreys posterior ``Beta(c n + 1/2, (1 - c) n + 1/2)`` (always inside (0, 1), so every
    replicate has an exponent) independently, and solves the law through the two draws. The two
    coverages come from the same problems and are positively correlated, so independent draws
    make the interval conservative (wider). Per-problem results are not published, so a
    bootstrap over problems is not possible.

    Parameters
    ----------
    anchor : str or tuple
        A key of :data:`COVERAGE_ANCHORS` or a tuple ``(k1, c1, k2, c2)``.
    problems : int, optional
        Problems behind each coverage; default :data:`COVERAGE_ANCHOR_PROBLEMS` of a named anchor.
    n_boot, seed, level
        Replicates, ``numpy.random.default_rng`` seed, interval level.
    """
    if isinstance(anchor, str):
        if anchor not in COVERAGE_ANCHORS:
            raise InputError(
                f"unknown coverage anchor {anchor!r}; known: {', '.join(COVERAGE_ANCHORS)}"
            )
        k1, c1, k2, c2 = COVERAGE_ANCHORS[anchor]
        if problems is None:
            problems = COVERAGE_ANCHOR_PROBLEMS[anchor]
    else:
        try:
            k1, c1, k2, c2 = (float(v) for v in anchor)
        except (TypeError, ValueError):
            raise InputError("anchor must be a known name or a tuple (k1, c1, k2, c2)") from None
        if problems is None:
            raise InputError("give the number of problems behind a custom anchor")
    n = int_at_least(problems, "problems", 1)
    n_boot = int_at_least(n_boot, "n_boot", 10)
    seed = int_at_least(seed, "seed", 0)
    level = confidence_level(level)
    b = coverage_exponent_from_anchors(k1, c1, k2, c2)
    rng = np.random.default_rng(seed)
    d1 = rng.beta(c1 * n + 0.5, (1 - c1) * n + 0.5, n_boot)
    d2 = rng.beta(c2 * n + 0.5, (1 - c2) * n + 0.5, n_boot)
    d1, d2 = np.clip(d1, 1e-300, 1 - 1e-16), np.clip(d2, 1e-300, 1 - 1e-16)
    bs = np.log(np.log(d2) / np.log(d1)) / math.log(k2 / k1)
    as_ = np.log(d1) / k1**bs
    return AnchorExponent(
        b=b,
        a=float(math.log(c1) / k1**b),
        b_ci=_quantiles(bs, level),
        boot=np.column_stack([as_, bs]),
        level=level,
        n_boot=n_boot,
        seed=seed,
        problems=n,
    )


@dataclass(frozen=True)
class CoverageFit:
    """Fit of ``log c = a k**b`` with bootstrap intervals.

    Attributes
    ----------
    a, b : float
        Point estimates (``a = log c(1)``; ``b < 0`` for rising coverage).
    a_ci, b_ci : tuple of float
        Percentile bootstrap intervals at ``level``.
    converged : bool
        Whether ``scipy.optimize.curve_fit`` converged on the full data.
    n_failed : int
        Bootstrap refits that failed (dropped from the intervals).
    level : float
    n_boot, seed : int
    boot : numpy.ndarray, shape (n_ok, 2)
        Bootstrap replicates of ``(a, b)``.
    """

    a: float
    b: float
    a_ci: tuple[float, float]
    b_ci: tuple[float, float]
    converged: bool
    n_failed: int
    level: float
    n_boot: int
    seed: int
    boot: np.ndarray = field(repr=False)

    def predict(self, k: Any) -> np.ndarray:
        """Fitted coverage at ``k``."""
        return coverage_law(k, self.a, self.b)

    def band(self, k: Any) -> pd.DataFrame:
        """Columns ``k``, ``fit``, ``lo``, ``hi``: fitted coverage and pointwise interval."""
        ks = finite_array(k, "k", positive=True)
        reps = np.exp(self.boot[:, :1] * ks[None, :] ** self.boot[:, 1:2])
        q = (1.0 - self.level) / 2.0
        lo, hi = np.quantile(reps, [q, 1.0 - q], axis=0)
        fit = self.predict(ks)
        return pd.DataFrame(
            {"k": ks, "fit": fit, "lo": np.minimum(lo, fit), "hi": np.maximum(hi, fit)}
        )


def _fit_ab(
    ks: np.ndarray, cov: np.ndarray, p0: tuple[float, float] | None = None
) -> tuple[float, float, bool]:
    """Least squares on log coverage, as Brown et al. (they use SciPy ``curve_fit`` on ``log c``).

    The start comes from the exact linearisation ``log(-log c) = log(-a) + b log k`` (OLS on
    the points with ``0 < c < 1``) unless ``p0`` is given; Levenberg-Marquardt
    (:func:`scalinglaws.fitting.powerlaw.solve_exponentiated_power_law`) then refines it.
    Returns ``(nan, nan, False)`` if the optimiser fails or ends with ``a > 0`` or ``b > 0``.
    """
    logc = np.log(np.clip(cov, 1e-12, 1.0))
    if p0 is None:
        inside = (cov > 0) & (cov < 1)
        if inside.sum() >= 2 and np.ptp(np.log(ks[inside])) > 0:
            lk = np.log(ks[inside])
            ly = np.log(-logc[inside])
            slope = float(np.polyfit(lk, ly, 1)[0])
            p0 = (-float(np.exp(np.mean(ly - slope * lk))), min(slope, -1e-3))
        else:
            p0 = (float(min(logc.min(), -1e-6)), -0.3)

    try:
        with np.errstate(all="ignore"):
            res = solve_exponentiated_power_law(ks, logc, p0)
    except ValueError:  # non-finite residuals at the start
        return float("nan"), float("nan"), False
    if not res.success:
        return float("nan"), float("nan"), False
    a, b = float(res.x[0]), float(res.x[1])
    if not (np.isfinite(a) and np.isfinite(b)) or a > 0 or b > 0:
        return float("nan"), float("nan"), False
    return a, b, True


def pass_at_k_matrix(n: Any, c_per_problem: Any, ks: Any) -> np.ndarray:
    """Unbiased pass@k for every problem and budget: shape ``(problems, len(ks))``.

    Thin wrapper over :func:`scalinglaws.analyses.testtime.pass_at_k` (Chen et al. 2021, eq 1); the
    mean over axis 0 is the coverage curve, and resampling rows bootstraps it over problems.
    """
    c = np.asarray(c_per_problem).reshape(-1)
    k = np.asarray(ks).reshape(-1)
    return np.asarray(pass_at_k(np.asarray(n)[..., None], c[:, None], k[None, :]), dtype=float)


def fit_coverage_law(
    ks: Any,
    coverage: Any = None,
    *,
    per_problem: Any = None,
    seed: int = DEFAULT_SEED,
    n_boot: int = 1000,
    level: float = 0.95,
) -> CoverageFit:
    """Fit Brown et al.'s exponentiated power law ``log c = a k**b`` to a coverage curve.

    Give either ``coverage`` (one value per ``k``; the bootstrap resamples the points) or
    ``per_problem`` (pass@k per problem, shape ``(problems, len(ks))`` from
    :func:`pass_at_k_matrix`; the bootstrap resamples problems, the honest choice).

    Parameters
    ----------
    ks : array_like
        Sample budgets (positive), at least 3 distinct.
    coverage : array_like, optional
        Coverage (fraction in (0, 1]) at each ``k``.
    per_problem : array_like, optional
        Per-problem pass@k matrix.
    seed, n_boot, level
        Bootstrap settings.

    Returns
    -------
    CoverageFit
    """
    k = finite_array(ks, "ks", positive=True)
    if np.unique(k).size < 3:
        raise InputError("need at least 3 distinct k for a coverage-law fit")
    seed = int_at_least(seed, "seed", 0)
    n_boot = int_at_least(n_boot, "n_boot", 10)
    level = confidence_level(level)
    if (coverage is None) == (per_problem is None):
        raise InputError("give exactly one of coverage and per_problem")
    rng = np.random.default_rng(seed)
    if per_problem is not None:
        mat = np.asarray(per_problem, dtype=np.float64)
        if mat.ndim != 2 or mat.shape[1] != k.size or not np.all(np.isfinite(mat)):
            raise InputError(f"per_problem must be finite with shape (problems, {k.size})")
        if np.any((mat < 0) | (mat > 1)):
            raise InputError("per_problem values must lie in [0, 1]")
        cov = mat.mean(axis=0)
        m = mat.shape[0]
        samples = [(k, mat[rng.integers(0, m, m)].mean(axis=0)) for _ in range(n_boot)]
    else:
        cov = finite_array(coverage, "coverage")
        if cov.size != k.size:
            raise InputError(f"coverage must have one value per k ({k.size}), got {cov.size}")
        if np.any((cov <= 0) | (cov > 1)):
            raise InputError("coverage must lie in (0, 1]")
        samples = []
        while len(samples) < n_boot:
            idx = rng.integers(0, k.size, k.size)
            if np.unique(k[idx]).size >= 2:
                samples.append((k[idx], cov[idx]))
    if np.any(cov <= 0):
        raise InputError("coverage must be positive at every k")
    a, b, ok = _fit_ab(k, cov)
    start = (a, b) if ok else None
    reps = np.array([_fit_ab(kk, cc, start)[:2] for kk, cc in samples])
    good = np.all(np.isfinite(reps), axis=1)
    reps = reps[good]
    if reps.shape[0] == 0:
        raise InputError("every bootstrap refit of the coverage law failed")
    return CoverageFit(
        a=a,
        b=b,
        a_ci=_quantiles(reps[:, 0], level),
        b_ci=_quantiles(reps[:, 1], level),
        converged=ok,
        n_failed=int((~good).sum()),
        level=level,
        n_boot=n_boot,
        seed=seed,
        boot=reps,
    )


def wilson_interval(
    successes: Any, trials: Any, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion (Wilson 1927), vectorised.

    Used for a benchmark pass rate: ``successes`` solved out of ``trials`` problems. Returns
    ``(lo, hi)`` as fractions. A single run on 225 exercises at 50% has a half-width of about
    6.5 points, so small differences between runs are within sampling noise.
    """
    x = finite_array(successes, "successes")
    n = finite_array(trials, "trials", positive=True)
    level = confidence_level(level)
    if np.any(x < 0) or np.any(x > n):
        raise InputError("successes must lie in [0, trials]")
    z = float(norm.ppf(0.5 + level / 2.0))
    p = x / n
    denom = 1.0 + z**2 / n
    centre = (p + z**2 / (2.0 * n)) / denom
    half = z * np.sqrt(p * (1.0 - p) / n + z**2 / (4.0 * n**2)) / denom
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


# ------------------------------------------------------- the chapter's analyses, one call each


def anchor_exponents(*, n_boot: int = 1000, seed: int = DEFAULT_SEED) -> dict[str, AnchorExponent]:
    """:func:`anchor_exponent_bootstrap` for every published anchor of :data:`COVERAGE_ANCHORS`."""
    return {
        name: anchor_exponent_bootstrap(name, n_boot=n_boot, seed=seed) for name in COVERAGE_ANCHORS
    }


def anchor_coverage(
    anchor: AnchorExponent, k: float, level: float = 0.95
) -> tuple[float, tuple[float, float]]:
    """Coverage at ``k`` samples of the law through two anchors, with its interval.

    The point is ``exp(a k**b)`` of the anchors themselves; the interval is the percentile interval
    of the same law over the anchor's replicates ``(a, b)`` (:attr:`AnchorExponent.boot`).
    """
    kk = finite_real(k, "k", positive=True)
    level = confidence_level(level)
    point = float(coverage_law(kk, anchor.a, anchor.b)[0])
    reps = np.exp(anchor.boot[:, 0] * kk ** anchor.boot[:, 1])
    return point, _quantiles(reps, level)


def anchor_samples_for(
    anchor: AnchorExponent, target: float, level: float = 0.95
) -> tuple[float, tuple[float, float]]:
    """Samples the anchors' law needs for coverage ``target``, with the interval over replicates."""
    level = confidence_level(level)
    point = samples_for_coverage(target, anchor.a, anchor.b)
    reps = samples_for_coverage(target, *anchor.boot.T)
    return float(point), _quantiles(reps, level)


@dataclass(frozen=True)
class SimulatedCurves:
    """Coverage and majority-vote accuracy of one simulated benchmark, at a log grid of ``k``.

    Attributes
    ----------
    ks : numpy.ndarray of int
        Sample budgets of the coverage curve (a log grid from 1 to the samples per problem).
    per_problem : numpy.ndarray, shape (problems, len(ks))
        Unbiased pass@k of every problem (:func:`pass_at_k_matrix`).
    coverage : numpy.ndarray
        Coverage at ``ks`` (the mean of ``per_problem`` over problems).
    vote_ks : numpy.ndarray of int
        The budgets (a subset of ``ks``) at which the majority vote is evaluated.
    vote : numpy.ndarray
        Majority-vote accuracy at ``vote_ks``.
    never : float
        Share of problems that no sample solved (the ceiling coverage cannot pass).
    """

    ks: np.ndarray
    per_problem: np.ndarray = field(repr=False)
    coverage: np.ndarray
    vote_ks: np.ndarray
    vote: np.ndarray
    never: float

    @property
    def k_mid(self) -> int:
        """The vote budget in the middle of the ``k`` grid (the start of its upper half on a log scale)."""
        return int(self.vote_ks[np.searchsorted(self.vote_ks, self.ks[len(self.ks) // 2])])

    @property
    def coverage_late(self) -> float:
        """Coverage gained from :attr:`k_mid` to the largest ``k``."""
        return float(self.coverage[-1] - self.coverage[np.searchsorted(self.ks, self.k_mid)])

    @property
    def vote_late(self) -> float:
        """Majority-vote accuracy gained from :attr:`k_mid` to the largest ``k``."""
        return float(self.vote[-1] - self.vote[list(self.vote_ks).index(self.k_mid)])

    @property
    def vote_flattens(self) -> bool:
        """Whether the vote gains less than half as much as coverage over the upper half of ``k``."""
        return self.vote_late < 0.5 * self.coverage_late


def simulated_curves(
    sim: Any,
    *,
    n_k: int = 12,
    n_vote: int = 7,
    seed: int = DEFAULT_SEED,
    n_resamples: int = 100,
    max_exact: int = 50,
) -> SimulatedCurves:
    """Coverage (pass@k) and majority-vote accuracy of a simulated benchmark (a teaching aid).

    ``sim`` from :func:`scalinglaws.analyses.testtime.simulate_difficulty`. Coverage is evaluated at
    ``n_k`` log-spaced budgets from 1 to the samples per problem (duplicates after rounding
    dropped), the vote at ``n_vote`` of them spread evenly over the grid
    (:func:`scalinglaws.analyses.testtime.majority_vote_accuracy` with ``n_resamples``, ``seed`` and
    ``max_exact``).
    """
    from scalinglaws.analyses.testtime import majority_vote_accuracy

    n = int(sim.n_samples)
    n_k = int_at_least(n_k, "n_k", 2)
    n_vote = int_at_least(n_vote, "n_vote", 2)
    ks = np.unique(np.round(np.geomspace(1, n, n_k)).astype(int))
    mat = pass_at_k_matrix(n, sim.n_correct, ks)
    vote_ks = ks[np.unique(np.linspace(0, len(ks) - 1, n_vote).round().astype(int))]
    vote = np.array(
        [
            majority_vote_accuracy(
                sim.answers,
                sim.correct_answer,
                k=int(k),
                n_resamples=n_resamples,
                seed=seed,
                max_exact=max_exact,
            )
            for k in vote_ks
        ]
    )
    return SimulatedCurves(
        ks=ks,
        per_problem=mat,
        coverage=mat.mean(axis=0),
        vote_ks=vote_ks,
        vote=vote,
        never=float(np.mean(sim.n_correct == 0)),
    )

"""Test-time compute: pass@k, coverage, majority voting and best-of-n.

All estimators work from repeated samples of a model on a set of problems:
``n`` samples per problem of which ``c`` are correct (pass@k, coverage),
the sampled final answers (majority voting), or a verifier's score for
each sample (best-of-n).

References
----------
Chen et al. 2021, "Evaluating Large Language Models Trained on Code",
arXiv:2107.03374, §2.1 and Fig. 3 (the unbiased pass@k estimator and its
numerically stable product form).
Brown et al. 2024, "Large Language Monkeys", arXiv:2407.21787 (coverage as a
function of the number of samples; majority vote and reward models plateau).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from scalinglaws.core.errors import InputError
from scalinglaws.core.validation import DEFAULT_SEED

__all__ = [
    "SimulatedBenchmark",
    "coverage_curve",
    "expected_best_of_n",
    "majority_vote_accuracy",
    "pass_at_k",
    "simulate_difficulty",
]


# --------------------------------------------------------------------------- helpers


def _int_array(value, name: str) -> np.ndarray:
    """Return ``value`` as an int64 array, refusing non-integers, NaN, inf and bools."""
    if isinstance(value, bool | np.bool_):
        raise InputError(f"{name} must be an integer, got {value!r}")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise InputError(f"{name} must be an integer or an array of integers") from exc
    if arr.size == 0:
        raise InputError(f"{name} must not be empty")
    if arr.dtype == bool:
        raise InputError(f"{name} must be integers, got booleans")
    if np.issubdtype(arr.dtype, np.integer):
        return arr.astype(np.int64)
    if not np.issubdtype(arr.dtype, np.floating):
        raise InputError(f"{name} must be integers, got {value!r}"[:200])
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be finite integers, got NaN or inf")
    if not np.all(arr == np.round(arr)):
        bad = arr[arr != np.round(arr)].ravel()[0]
        raise InputError(f"{name} must be integers, got {bad!r}")
    return arr.astype(np.int64)


def _pass_at_k_one(n: int, c: int, k: int) -> float:
    """Stable scalar form: 1 - prod_{i=n-c+1}^{n} (1 - k/i)  (Chen et al. 2021, Fig. 3)."""
    if n - c < k:
        return 1.0
    if c == 0:
        return 0.0
    i = np.arange(n - c + 1, n + 1, dtype=np.float64)
    # sum of logs then expm1 keeps full precision when the answer is tiny or near 1
    return float(-np.expm1(np.sum(np.log1p(-k / i))))


# --------------------------------------------------------------------------- pass@k


def pass_at_k(n, c, k):
    """Unbiased estimator of pass@k from ``n`` samples with ``c`` correct.

    ``pass@k = 1 - C(n-c, k) / C(n, k)``, evaluated as
    ``1 - prod_{i=n-c+1}^{n} (1 - k/i)`` (Chen et al. 2021, arXiv:2107.03374,
    eq. 1 and the numerically stable form of Fig. 3), which stays accurate for
    ``n`` in the tens of thousands; a single ``(n, c, k)`` with ``n`` above a million is
    computed in log space without an array of size ``n`` (:func:`scalinglaws.core.passk.pass_at_k_scalar`).

    Parameters
    ----------
    n, c, k : int or array_like of int
        Samples per problem, correct samples, and the budget ``k``; broadcast
        against each other. Require ``0 <= c <= n`` and ``1 <= k <= n``.

    Returns
    -------
    float or numpy.ndarray
        Probability that at least one of ``k`` samples drawn without
        replacement from the ``n`` is correct; exactly 1.0 when ``n - c < k``.
        A float when all inputs are scalars, otherwise an array of the
        broadcast shape.

    Raises
    ------
    InputError
        On non-integers, NaN/inf, ``c`` outside ``[0, n]`` or ``k`` outside ``[1, n]``.
    """
    if all(np.ndim(v) == 0 for v in (n, c, k)) and isinstance(n, int | np.integer):
        if not isinstance(n, bool) and int(n) > 10**6:
            # one huge (n, c, k): log-space sum without an array the size of n
            from scalinglaws.core.passk import pass_at_k_scalar

            return pass_at_k_scalar(n, c, k)
    n_arr, c_arr, k_arr = (_int_array(v, name) for v, name in ((n, "n"), (c, "c"), (k, "k")))
    try:
        n_b, c_b, k_b = np.broadcast_arrays(n_arr, c_arr, k_arr)
    except ValueError as exc:
        raise InputError(
            f"n, c and k cannot be broadcast together (shapes {n_arr.shape}, "
            f"{c_arr.shape}, {k_arr.shape})"
        ) from exc
    if np.any(n_b < 1):
        raise InputError(f"n must be >= 1, got {int(n_b[n_b < 1].ravel()[0])}")
    bad = (c_b < 0) | (c_b > n_b)
    if np.any(bad):
        i = np.flatnonzero(bad.ravel())[0]
        raise InputError(
            f"c must satisfy 0 <= c <= n, got c={int(c_b.ravel()[i])}, n={int(n_b.ravel()[i])}"
        )
    bad = (k_b < 1) | (k_b > n_b)
    if np.any(bad):
        i = np.flatnonzero(bad.ravel())[0]
        raise InputError(
            f"k must satisfy 1 <= k <= n, got k={int(k_b.ravel()[i])}, n={int(n_b.ravel()[i])}"
        )
    out = np.empty(n_b.shape, dtype=np.float64)
    flat = out.reshape(-1)
    for idx, (nn, cc, kk) in enumerate(zip(n_b.ravel(), c_b.ravel(), k_b.ravel(), strict=True)):
        flat[idx] = _pass_at_k_one(int(nn), int(cc), int(kk))
    if out.ndim == 0:
        return float(out)
    return out


def coverage_curve(n, c_per_problem, ks) -> np.ndarray:
    """Coverage: mean pass@k over problems, for each budget in ``ks``.

    Parameters
    ----------
    n : int or array_like of int
        Samples drawn per problem (one value, or one per problem).
    c_per_problem : array_like of int
        Correct samples for each problem.
    ks : int or array_like of int
        Budgets ``k`` (each ``1 <= k <= min(n)``).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(ks),)``: the fraction of problems solved by at least one of
        ``k`` samples, estimated without bias (Brown et al. 2024, "coverage").
    """
    c_arr = _int_array(c_per_problem, "c_per_problem").reshape(-1)
    n_arr = _int_array(n, "n").reshape(-1)
    if n_arr.size not in (1, c_arr.size):
        raise InputError(
            f"n must be one value or one per problem ({c_arr.size}), got {n_arr.size} values"
        )
    k_arr = _int_array(ks, "ks").reshape(-1)
    values = pass_at_k(n_arr[None, :], c_arr[None, :], k_arr[:, None])
    return np.asarray(values, dtype=np.float64).mean(axis=1)


# --------------------------------------------------------------------------- majority vote


def _as_2d_answers(answers, name: str = "answers") -> list[list]:
    if isinstance(answers, np.ndarray):
        if answers.ndim != 2:
            raise InputError(f"{name} must be 2-D (problems x samples), got {answers.ndim}-D")
        rows = answers.tolist()
    else:
        try:
            rows = [list(r) for r in answers]
        except TypeError as exc:
            raise InputError(f"{name} must be 2-D (problems x samples)") from exc
    if not rows:
        raise InputError(f"{name} must contain at least one problem")
    width = len(rows[0])
    if width == 0:
        raise InputError(f"{name} must contain at least one sample per problem")
    if any(len(r) != width for r in rows):
        raise InputError(f"{name} must have the same number of samples for every problem")
    return rows


def _check_hashable(values: Sequence, name: str) -> None:
    for v in values:
        if not isinstance(v, Hashable):
            raise InputError(
                f"{name} must be hashable (numbers or strings), got {type(v).__name__}"
            )


def _vote_credit(counts: np.ndarray, correct_count: np.ndarray) -> np.ndarray:
    """Credit of a vote: 1/(number of modes) if the correct answer is a mode, else 0.

    ``counts`` has shape (..., n_answers) with the correct answer's count in
    ``correct_count`` (shape (...)); ties are split evenly (Zhang & Chen style).
    """
    top = counts.max(axis=-1)
    n_modes = (counts == top[..., None]).sum(axis=-1)
    return np.where((correct_count == top) & (top > 0), 1.0 / n_modes, 0.0)


def _compositions(caps: Sequence[int], total: int):
    """All integer vectors s with 0 <= s_i <= caps[i] and sum(s) == total."""
    if not caps:
        if total == 0:
            yield ()
        return
    rest = sum(caps[1:])
    for s in range(max(0, total - rest), min(caps[0], total) + 1):
        for tail in _compositions(caps[1:], total - s):
            yield (s, *tail)


def _exact_vote(counts: list[int], k: int) -> float:
    """Exact expected vote credit; ``counts[0]`` is the correct answer's count.

    Enumerates the multivariate hypergeometric distribution of answer counts in
    a random subset of ``k`` of the ``sum(counts)`` samples.
    """
    n = sum(counts)
    total = 0.0
    for s in _compositions(counts, k):
        weight = math.prod(math.comb(m, x) for m, x in zip(counts, s, strict=True))
        top = max(s)
        if s[0] == top:
            total += weight / sum(1 for x in s if x == top)
    return total / math.comb(n, k)


def _n_compositions_bound(counts: list[int], k: int) -> int:
    """Upper bound on the count vectors enumerated by :func:`_exact_vote`."""
    nonzero = [m for m in counts if m > 0]
    stars_and_bars = math.comb(k + len(nonzero) - 1, len(nonzero) - 1)
    return min(math.prod(min(m, k) + 1 for m in nonzero), stars_and_bars)


def majority_vote_accuracy(
    answers,
    correct,
    k: int | None = None,
    n_resamples: int = 2000,
    seed: int = DEFAULT_SEED,
    max_exact: int = 1000,
) -> float:
    """Expected accuracy of majority voting over ``k`` sampled answers.

    For each problem, ``k`` of its samples are drawn at random without
    replacement and the most frequent answer wins; a tie between ``t`` modes
    gives credit ``1/t`` if the correct answer is among them (ties split, as in
    Zhang & Chen's treatment of self-consistency). The result is the mean over
    problems.

    The expectation over subsets is exact (multivariate hypergeometric
    enumeration) when a problem has at most ``max_exact`` count vectors, and
    otherwise estimated from ``n_resamples`` seeded multivariate hypergeometric
    draws (``np.random.default_rng(seed)``). With ``k=None`` or ``k`` equal to
    the number of samples, every sample votes and the result is exact.

    Parameters
    ----------
    answers : array_like, shape (problems, samples)
        Final answer of each sample (any hashable: ints, strings...).
    correct : array_like, shape (problems,)
        The correct answer of each problem.
    k : int, optional
        Votes per problem, ``1 <= k <= samples``; default all samples.
    n_resamples : int
        Draws per problem when the exact enumeration is too large.
    seed : int
        Seed for those draws.
    max_exact : int
        Largest number of count vectors enumerated exactly per problem.

    Returns
    -------
    float
        Expected majority-vote accuracy in [0, 1].
    """
    rows = _as_2d_answers(answers)
    correct_list = list(np.asarray(correct, dtype=object).reshape(-1))
    if len(correct_list) != len(rows):
        raise InputError(
            f"correct must have one answer per problem ({len(rows)}), got {len(correct_list)}"
        )
    _check_hashable(correct_list, "correct")
    n_samples = len(rows[0])
    if k is None:
        k = n_samples
    if isinstance(k, bool) or not isinstance(k, Integral) or not 1 <= k <= n_samples:
        raise InputError(f"k must be an integer with 1 <= k <= {n_samples}, got {k!r}")
    for name, value, low in (("n_resamples", n_resamples, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
            raise InputError(f"{name} must be an integer >= {low}, got {value!r}")
    k = int(k)
    rng = np.random.default_rng(seed)
    credits = np.empty(len(rows))
    for p, (row, right) in enumerate(zip(rows, correct_list, strict=True)):
        _check_hashable(row, "answers")
        tally = Counter(row)
        # correct answer first (count may be zero), then the wrong answers
        counts = [tally.pop(right, 0), *sorted(tally.values(), reverse=True)]
        counts = [counts[0], *(m for m in counts[1:] if m > 0)]
        if counts[0] == 0:
            credits[p] = 0.0
        elif k == 1:  # one vote: correct with probability c/n
            credits[p] = counts[0] / n_samples
        elif k == n_samples:
            credits[p] = float(_vote_credit(np.array(counts), np.array(counts[0])))
        elif _n_compositions_bound(counts, k) <= max_exact:
            credits[p] = _exact_vote(counts, k)
        else:
            draws = rng.multivariate_hypergeometric(np.array(counts), k, size=n_resamples)
            credits[p] = float(_vote_credit(draws, draws[:, 0]).mean())
    return float(credits.mean())


# --------------------------------------------------------------------------- best-of-n


def expected_best_of_n(scores, correct, n: int) -> float:
    """Expected accuracy when a verifier keeps the highest-scoring of ``n`` samples.

    For each problem the ``n`` samples are a uniformly random subset (without
    replacement) of its ``S`` scored samples. Exact by order statistics: a
    group of ``g`` tied scores with ``L`` samples scored strictly below it
    holds the subset's maximum with probability
    ``[C(L+g, n) - C(L, n)] / C(S, n)``, and then the pick is uniform among the
    tied samples in the subset, so it is correct with the group's fraction of
    correct samples (ties averaged).

    Parameters
    ----------
    scores : array_like of float, shape (problems, samples)
        Verifier (reward-model) score of each sample; higher is better.
    correct : array_like of bool, shape (problems, samples)
        Whether each sample is correct.
    n : int
        Samples shown to the verifier, ``1 <= n <= samples``.

    Returns
    -------
    float
        Expected best-of-n accuracy, mean over problems.
    """
    try:
        s = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError("scores must be numeric") from exc
    if s.ndim != 2 or s.size == 0:
        raise InputError(
            f"scores must be a non-empty 2-D array (problems x samples), got {s.shape}"
        )
    if not np.all(np.isfinite(s)):
        raise InputError("scores must be finite, got NaN or inf")
    ok = np.asarray(correct)
    if ok.shape != s.shape:
        raise InputError(f"correct must have the shape of scores {s.shape}, got {ok.shape}")
    if ok.dtype != bool:
        if not np.all(np.isin(ok, (0, 1))):
            raise InputError("correct must be booleans (or 0/1)")
        ok = ok.astype(bool)
    n_samples = s.shape[1]
    if isinstance(n, bool) or not isinstance(n, Integral) or not 1 <= n <= n_samples:
        raise InputError(f"n must be an integer with 1 <= n <= {n_samples}, got {n!r}")
    n = int(n)
    # none_above[L] = P(all n drawn from the L lowest-scored) = C(L, n) / C(S, n), built by the
    # downward recurrence C(L-1, n)/C(L, n) = (L - n)/L from C(S, n)/C(S, n) = 1.
    none_above = np.zeros(n_samples + 1)
    L = np.arange(n_samples, n, -1, dtype=np.float64)
    none_above[n:] = np.concatenate((np.cumprod(((L - n) / L))[::-1], [1.0]))
    acc = np.empty(s.shape[0])
    for p in range(s.shape[0]):
        values, inverse = np.unique(s[p], return_inverse=True)  # ascending
        size = np.bincount(inverse, minlength=values.size)
        n_right = np.bincount(inverse, weights=ok[p].astype(float), minlength=values.size)
        below = np.concatenate(([0], np.cumsum(size)[:-1]))
        p_max = none_above[below + size] - none_above[below]
        acc[p] = float(np.sum(p_max * n_right / size))
    return float(acc.mean())


# --------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class SimulatedBenchmark:
    """A simulated benchmark (teaching aid, not data).

    Attributes
    ----------
    p : numpy.ndarray, shape (problems,)
        Per-problem probability that one sample is correct.
    correct : numpy.ndarray of bool, shape (problems, samples)
        Whether each sample is correct.
    n_correct : numpy.ndarray of int, shape (problems,)
        Correct samples per problem (``c`` for :func:`pass_at_k`).
    answers : numpy.ndarray of int, shape (problems, samples)
        Sampled final answers: 0 is the correct answer, 1..n_wrong are wrong ones.
    correct_answer : numpy.ndarray of int, shape (problems,)
        The correct answer of each problem (always 0).
    scores : numpy.ndarray of float, shape (problems, samples)
        A noisy verifier's score: ``correct + verifier_noise * standard normal``.
    """

    p: np.ndarray
    correct: np.ndarray
    n_correct: np.ndarray
    answers: np.ndarray
    correct_answer: np.ndarray
    scores: np.ndarray

    @property
    def n_samples(self) -> int:
        """Samples per problem."""
        return int(self.correct.shape[1])


def _positive(value, name: str, integer: bool = False, allow_zero: bool = False) -> None:
    kind = "an integer" if integer else "a finite number"
    if isinstance(value, bool) or not isinstance(value, Integral if integer else Real):
        raise InputError(f"{name} must be {kind}, got {value!r}")
    if not math.isfinite(float(value)) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise InputError(f"{name} must be {kind} {bound}, got {value!r}")


def simulate_difficulty(
    n_problems: int,
    n_samples: int,
    seed: int,
    dist: tuple[float, float] = (0.5, 1.5),
    n_wrong: int = 20,
    wrong_concentration: float = 0.3,
    verifier_noise: float = 1.0,
) -> SimulatedBenchmark:
    """Simulate repeated sampling on problems of varied difficulty (a SIMULATION).

    Each problem gets a success probability ``p ~ Beta(a, b)`` with
    ``(a, b) = dist``; each of its ``n_samples`` samples is correct with
    probability ``p``. A wrong sample's answer is one of ``n_wrong`` wrong
    answers drawn from a per-problem ``Dirichlet(wrong_concentration)``
    distribution, so a few wrong answers are popular (as with real
    distractors) and can out-vote the correct one on hard problems. The
    verifier score is ``correct + verifier_noise * N(0, 1)``.

    This is a teaching aid with made-up parameters, not a model of any
    published benchmark. Seeded with ``np.random.default_rng(seed)``.

    Returns
    -------
    SimulatedBenchmark
    """
    _positive(n_problems, "n_problems", integer=True)
    _positive(n_samples, "n_samples", integer=True)
    _positive(seed, "seed", integer=True, allow_zero=True)
    _positive(n_wrong, "n_wrong", integer=True)
    _positive(wrong_concentration, "wrong_concentration")
    _positive(verifier_noise, "verifier_noise", allow_zero=True)
    try:
        a, b = dist
    except (TypeError, ValueError) as exc:
        raise InputError(f"dist must be a pair (a, b) of Beta parameters, got {dist!r}") from exc
    _positive(a, "dist a")
    _positive(b, "dist b")
    rng = np.random.default_rng(seed)
    p = rng.beta(a, b, size=n_problems)
    correct = rng.random((n_problems, n_samples)) < p[:, None]
    wrong_probs = rng.dirichlet(np.full(n_wrong, float(wrong_concentration)), size=n_problems)
    cum = np.cumsum(wrong_probs, axis=1)
    u = rng.random((n_problems, n_samples))
    wrong_answer = 1 + np.minimum((u[:, :, None] > cum[:, None, :]).sum(axis=2), n_wrong - 1)
    answers = np.where(correct, 0, wrong_answer).astype(np.int64)
    scores = correct + verifier_noise * rng.standard_normal((n_problems, n_samples))
    return SimulatedBenchmark(
        p=p,
        correct=correct,
        n_correct=correct.sum(axis=1).astype(np.int64),
        answers=answers,
        correct_answer=np.zeros(n_problems, dtype=np.int64),
        scores=scores.astype(np.float64),
    )

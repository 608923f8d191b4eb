"""Tests for scalinglaws.analyses.testtime: pass@k, coverage, majority vote, best-of-n."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scalinglaws.analyses.testtime import (
    coverage_curve,
    expected_best_of_n,
    majority_vote_accuracy,
    pass_at_k,
    simulate_difficulty,
)
from scalinglaws.core.errors import InputError


def brute_pass_at_k(n: int, c: int, k: int) -> float:
    """Enumerate all k-subsets of n samples (c correct): fraction containing a correct one."""
    samples = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(range(n), k))
    return sum(any(samples[i] for i in s) for s in subsets) / len(subsets)


# ----------------------------------------------------------------------------- pass@k


def test_pass_at_k_known_values():
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3, abs=1e-15)
    assert pass_at_k(10, 3, 2) == pytest.approx(1 - math.comb(7, 2) / math.comb(10, 2), abs=1e-15)
    assert pass_at_k(10, 3, 2) == pytest.approx(8 / 15, abs=1e-15)


@pytest.mark.parametrize("n", range(1, 9))
def test_pass_at_k_matches_enumeration(n):
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(brute_pass_at_k(n, c, k), abs=1e-12)


def test_pass_at_k_exact_one_when_too_few_wrong():
    assert pass_at_k(5, 4, 2) == 1.0
    assert pass_at_k(5, 5, 1) == 1.0
    assert pass_at_k(5, 0, 5) == 0.0


def test_pass_at_k_stable_for_large_n():
    """n = 10000: compare with exact rational arithmetic (math.comb on Python ints)."""
    for c, k in [(1, 1), (3, 100), (50, 1000), (9000, 500), (1, 9999), (10, 5000)]:
        exact = 1 - Fraction(math.comb(10000 - c, k), math.comb(10000, k))
        got = pass_at_k(10000, c, k)
        assert np.isfinite(got)
        assert got == pytest.approx(float(exact), rel=1e-10, abs=1e-300)
    # a tiny probability keeps its relative precision (no 1 - (1 - eps) cancellation)
    tiny = pass_at_k(10000, 1, 1)
    assert tiny == pytest.approx(1e-4, rel=1e-12)


def test_pass_at_k_broadcasts():
    out = pass_at_k(10, np.array([0, 3, 10]), np.array([[1], [2]]))
    assert out.shape == (2, 3)
    assert out[0].tolist() == pytest.approx([0.0, 0.3, 1.0])
    assert out[1, 1] == pytest.approx(8 / 15)
    assert isinstance(pass_at_k(10, 3, 1), float)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))))
def test_pass_at_1_is_fraction_correct(nc):
    n, c = nc
    assert pass_at_k(n, c, 1) == pytest.approx(c / n, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 200).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))))
def test_pass_at_k_nondecreasing_in_k(nc):
    n, c = nc
    values = pass_at_k(n, c, np.arange(1, n + 1))
    assert np.all(np.diff(values) >= -1e-12)
    assert np.all((values >= 0) & (values <= 1))
    if 0 < c < n:
        assert values[0] < values[-1]  # strictly rises overall when there is something to find


@pytest.mark.parametrize(
    "n,c,k",
    [
        (10, -1, 1),
        (10, 11, 1),
        (10, 3, 0),
        (10, 3, 11),
        (0, 0, 1),
        (10.5, 3, 1),
        (10, 3, 1.5),
        (10, float("nan"), 1),
        (10, 3, float("inf")),
        ("10", 3, 1),
        (True, 1, 1),
    ],
)
def test_pass_at_k_rejects_bad_input(n, c, k):
    with pytest.raises(InputError) as info:
        pass_at_k(n, c, k)
    assert "\n" not in str(info.value)


def test_pass_at_k_accepts_integral_floats():
    assert pass_at_k(10.0, 3.0, 2.0) == pytest.approx(8 / 15)


def test_coverage_curve_mean_over_problems():
    c = [0, 3, 10]
    cov = coverage_curve(10, c, [1, 2, 10])
    assert cov[0] == pytest.approx((0 + 0.3 + 1) / 3)
    assert cov[1] == pytest.approx((0 + 8 / 15 + 1) / 3)
    assert cov[2] == pytest.approx(2 / 3)
    per_problem_n = coverage_curve([10, 5, 10], [0, 1, 10], [1])
    assert per_problem_n[0] == pytest.approx((0 + 0.2 + 1) / 3)
    with pytest.raises(InputError):
        coverage_curve([10, 5], [0, 1, 10], [1])


# ----------------------------------------------------------------------------- majority vote


def brute_majority(answers, correct, k) -> float:
    """Average over problems and over all k-subsets; ties split credit 1/(number of modes)."""
    total = 0.0
    for row, right in zip(answers, correct, strict=True):
        credits = []
        for subset in itertools.combinations(range(len(row)), k):
            counts = Counter(row[i] for i in subset)
            top = max(counts.values())
            modes = [a for a, v in counts.items() if v == top]
            credits.append(1 / len(modes) if right in modes else 0.0)
        total += sum(credits) / len(credits)
    return total / len(answers)


SMALL_ANSWERS = [
    ["a", "b", "a", "c", "b", "b", "a"],
    ["x", "y", "y", "y", "z", "x", "w"],
    ["q", "q", "q", "q", "r", "s", "t"],
    ["m", "n", "o", "p", "m", "n", "o"],
]
SMALL_CORRECT = ["a", "x", "t", "z"]


@pytest.mark.parametrize("k", range(1, 8))
def test_majority_vote_matches_brute_force(k):
    expected = brute_majority(SMALL_ANSWERS, SMALL_CORRECT, k)
    got = majority_vote_accuracy(SMALL_ANSWERS, SMALL_CORRECT, k=k)
    assert got == pytest.approx(expected, abs=1e-12)


def test_majority_vote_k1_equals_fraction_correct():
    got = majority_vote_accuracy(SMALL_ANSWERS, SMALL_CORRECT, k=1)
    assert got == pytest.approx(np.mean([3 / 7, 2 / 7, 1 / 7, 0.0]))


def test_majority_vote_all_samples_ties_split():
    # row 0: a=3, b=3, c=1 -> tie between a and b -> credit 1/2
    answers = [["a", "b", "a", "b", "a", "b", "c"], [1, 1, 2, 2, 2, 3, 3]]
    assert majority_vote_accuracy(answers, ["a", 2]) == pytest.approx((0.5 + 1.0) / 2)
    assert majority_vote_accuracy(np.array([[1, 2, 2]]), [1]) == 0.0


def test_majority_vote_resampling_close_to_exact_and_seeded():
    rng = np.random.default_rng(3)
    answers = rng.choice(4, size=(6, 9), p=[0.4, 0.3, 0.2, 0.1])
    correct = np.zeros(6, dtype=int)
    exact = majority_vote_accuracy(answers, correct, k=5)
    approx = majority_vote_accuracy(answers, correct, k=5, max_exact=0, n_resamples=20000, seed=1)
    assert approx == pytest.approx(exact, abs=0.01)
    again = majority_vote_accuracy(answers, correct, k=5, max_exact=0, n_resamples=20000, seed=1)
    assert approx == again
    assert exact == pytest.approx(brute_majority(answers.tolist(), correct.tolist(), 5), abs=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"answers": [["a", "b"]], "correct": ["a"], "k": 3},
        {"answers": [["a", "b"]], "correct": ["a"], "k": 0},
        {"answers": [["a", "b"]], "correct": ["a"], "k": 1.5},
        {"answers": [["a", "b"]], "correct": ["a", "b"]},
        {"answers": [["a", "b"], ["a"]], "correct": ["a", "b"]},
        {"answers": [], "correct": []},
        {"answers": [[["a"], "b"]], "correct": ["a"]},
        {"answers": [["a", "b"]], "correct": ["a"], "seed": -1},
    ],
)
def test_majority_vote_rejects_bad_input(kwargs):
    with pytest.raises(InputError):
        majority_vote_accuracy(**kwargs)


# ----------------------------------------------------------------------------- best-of-n


def brute_best_of_n(scores, correct, n) -> float:
    total = 0.0
    for s_row, ok_row in zip(scores, correct, strict=True):
        vals = []
        for subset in itertools.combinations(range(len(s_row)), n):
            top = max(s_row[i] for i in subset)
            picks = [i for i in subset if s_row[i] == top]
            vals.append(sum(ok_row[i] for i in picks) / len(picks))
        total += sum(vals) / len(vals)
    return total / len(scores)


def test_best_of_n_matches_brute_force_with_ties():
    scores = [
        [0.1, 0.9, 0.5, 0.9, 0.3, 0.2],
        [1.0, 1.0, 1.0, 0.0, 2.0, -1.0],
        [0.5, 0.4, 0.3, 0.2, 0.1, 0.0],
    ]
    correct = [
        [True, False, True, True, False, False],
        [True, False, True, True, False, True],
        [False, True, True, True, True, True],
    ]
    for n in range(1, 7):
        assert expected_best_of_n(scores, correct, n) == pytest.approx(
            brute_best_of_n(scores, correct, n), abs=1e-12
        )


def test_best_of_n_limits():
    rng = np.random.default_rng(0)
    correct = rng.random((20, 12)) < 0.4
    scores = rng.standard_normal((20, 12))
    # n = 1 is a random sample: accuracy = fraction correct
    assert expected_best_of_n(scores, correct, 1) == pytest.approx(correct.mean())
    # a perfect verifier reaches coverage (pass@n)
    perfect = correct.astype(float)
    for n in (1, 3, 12):
        cov = coverage_curve(12, correct.sum(axis=1), [n])[0]
        assert expected_best_of_n(perfect, correct, n) == pytest.approx(cov, abs=1e-12)


@pytest.mark.parametrize(
    "scores,correct,n",
    [
        ([[0.1, np.nan]], [[True, False]], 1),
        ([[0.1, 0.2]], [[True, False]], 3),
        ([[0.1, 0.2]], [[True, False]], 0),
        ([[0.1, 0.2]], [[True]], 1),
        ([0.1, 0.2], [True, False], 1),
        ([["a", "b"]], [[True, False]], 1),
        ([[0.1, 0.2]], [[2, 0]], 1),
    ],
)
def test_best_of_n_rejects_bad_input(scores, correct, n):
    with pytest.raises(InputError):
        expected_best_of_n(scores, correct, n)


# ----------------------------------------------------------------------------- simulation


def test_simulate_difficulty_is_seeded_and_consistent():
    a = simulate_difficulty(50, 40, seed=7)
    b = simulate_difficulty(50, 40, seed=7)
    c = simulate_difficulty(50, 40, seed=8)
    assert np.array_equal(a.answers, b.answers) and np.array_equal(a.scores, b.scores)
    assert not np.array_equal(a.answers, c.answers)
    assert a.answers.shape == (50, 40) and a.n_samples == 40
    assert np.array_equal(a.n_correct, (a.answers == 0).sum(axis=1))
    assert np.array_equal(a.correct, a.answers == 0)
    assert a.answers.max() <= 20 and a.answers.min() >= 0
    # Beta(0.5, 1.5) has mean 0.25; the sample fraction should be near the drawn p's mean
    assert a.correct.mean() == pytest.approx(a.p.mean(), abs=0.05)


def test_simulation_shows_coverage_beats_majority_vote():
    """The qualitative Large Language Monkeys finding (Brown et al. 2024, arXiv:2407.21787):
    coverage keeps rising with samples while majority voting plateaus."""
    sim = simulate_difficulty(200, 64, seed=1)
    cov = coverage_curve(64, sim.n_correct, [1, 64])
    maj = majority_vote_accuracy(sim.answers, sim.correct_answer, k=64)
    assert cov[0] == pytest.approx(sim.correct.mean())
    assert cov[1] > maj > cov[0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_problems": 0, "n_samples": 5, "seed": 0},
        {"n_problems": 5, "n_samples": -1, "seed": 0},
        {"n_problems": 5, "n_samples": 5, "seed": -1},
        {"n_problems": 5, "n_samples": 5, "seed": 0, "dist": (0, 1)},
        {"n_problems": 5, "n_samples": 5, "seed": 0, "dist": (float("nan"), 1)},
        {"n_problems": 5.5, "n_samples": 5, "seed": 0},
    ],
)
def test_simulate_rejects_bad_input(kwargs):
    with pytest.raises(InputError):
        simulate_difficulty(**kwargs)


def test_best_of_n_stable_for_many_samples():
    rng = np.random.default_rng(5)
    correct = rng.random((4, 3000)) < 0.01
    perfect = correct + 0.0
    for n in (1, 50, 1500, 3000):
        cov = coverage_curve(3000, correct.sum(axis=1), [n])[0]
        assert expected_best_of_n(perfect, correct, n) == pytest.approx(cov, rel=1e-9, abs=1e-12)


def test_pass_at_k_huge_n_needs_no_array():
    # 1e11 samples, half correct: pass@1 is exactly c/n (Chen et al. 2021, eq. 1 with k = 1)
    from scalinglaws.analyses.testtime import pass_at_k

    assert pass_at_k(100_000_000_000, 50_000_000_000, 1) == pytest.approx(0.5, rel=1e-12)
    assert pass_at_k(10**7, 10, 1000) == pytest.approx(
        1 - math.comb(10**7 - 10, 1000) / math.comb(10**7, 1000), rel=1e-9
    )

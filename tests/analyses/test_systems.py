"""Majority vote over K calls with easy and hard queries (scalinglaws.analyses.systems).

Facts tested: the binomial tail against a brute-force sum, the half-credit tie rule (F(2m) = F(2m - 1)),
Chen et al.'s (2024, arXiv:2403.02419) printed finding that accuracy can "first increase but then
decrease" with the number of calls and their explanation (more calls help easy queries, hurt hard ones),
the closed-form optimum against a brute-force search, and the worked example of the book's reference
sheet (§16.1, marked [D]: alpha = 0.8, p1 = 0.7, p2 = 0.4 gives m* = 15.6, K* = 31, F from 0.640 to 0.818,
limit 0.800; printed to 3 decimals, so compared to half a unit of the last digit).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analyses import systems
from scalinglaws.core.errors import InputError


def _brute(k: int, p: float) -> float:
    """P(Bin(k, p) > k/2) + P(= k/2) / 2 by summing the probability mass function."""
    total = 0.0
    for j in range(k + 1):
        pmf = math.comb(k, j) * p**j * (1 - p) ** (k - j)
        if 2 * j > k:
            total += pmf
        elif 2 * j == k:
            total += 0.5 * pmf
    return total


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.62, 0.97])
def test_majority_matches_brute_force_sum(p):
    ks = np.arange(1, 41)
    ours = systems.majority_correct(ks, p)
    assert ours == pytest.approx([_brute(int(k), p) for k in ks], abs=1e-12)


def test_one_call_and_the_tie_rule():
    # one call is right with probability p; a fair coin at a tie makes F(2m) = F(2m - 1)
    assert systems.majority_correct(1, 0.37) == pytest.approx(0.37, abs=1e-15)
    odd, even = (
        systems.majority_correct(np.arange(1, 60, 2), 0.63),
        systems.majority_correct(np.arange(2, 61, 2), 0.63),
    )
    assert even == pytest.approx(odd, abs=1e-12)
    # a coin-flip query stays at 1/2 for every K
    assert systems.majority_correct(np.arange(1, 30), 0.5) == pytest.approx(0.5, abs=1e-12)


def test_more_calls_help_easy_and_hurt_hard_queries():
    """Chen et al. 2024 (v2 abstract): "more LM calls lead to higher performance on 'easy' queries,
    but lower performance on 'hard' queries"; and by the law of large numbers each tends to 1 or 0."""
    ks = np.arange(1, 400, 2)
    easy, hard = systems.majority_correct(ks, 0.6), systems.majority_correct(ks, 0.45)
    assert np.all(np.diff(easy) > 0) and np.all(np.diff(hard) < 0)
    assert easy[-1] > 0.99 and hard[-1] < 0.05


def test_vote_accuracy_mixes_the_two_kinds():
    f = systems.vote_accuracy(np.array([1, 3]), 0.25, 0.8, 0.3)
    # K = 1: 0.75 * 0.8 + 0.25 * 0.3; K = 3: S(p, 3) = 3p^2 - 2p^3
    s3 = lambda p: 3 * p**2 - 2 * p**3  # noqa: E731
    assert f == pytest.approx([0.675, 0.75 * s3(0.8) + 0.25 * s3(0.3)], abs=1e-12)
    assert isinstance(systems.vote_accuracy(5, 0.25, 0.8, 0.3), float)


def test_reference_sheet_example():
    """Reference sheet §16.1 [D]: alpha = 0.8 easy, p1 = 0.7, p2 = 0.4; printed to 3 decimals."""
    best = systems.optimal_calls(0.2, 0.7, 0.4)
    assert best["rises_then_falls"] and best["shape"] == "rises then falls"
    assert best["m_star"] == pytest.approx(15.6, abs=0.05)
    assert best["k"] == 31 and best["k_analytic"] == 31
    assert best["accuracy_k1"] == pytest.approx(0.640, abs=5e-4)
    assert best["accuracy"] == pytest.approx(0.818, abs=5e-4)
    assert best["limit"] == pytest.approx(0.800, abs=1e-12)
    # and F does tend to the easy fraction: at K = 999 it is within 0.01 of 0.8 from above
    assert 0.8 < systems.vote_accuracy(999, 0.2, 0.7, 0.4) < 0.81


def _brute_best(h, pe, ph, k_max):
    ks = np.arange(1, k_max + 1, 2)
    acc = np.array([(1 - h) * _brute(int(k), pe) + h * _brute(int(k), ph) for k in ks])
    return int(ks[np.argmax(acc)]), acc


@pytest.mark.parametrize(
    ("h", "pe", "ph"),
    [(0.2, 0.7, 0.4), (0.5, 0.9, 0.45), (0.1, 0.6, 0.45), (0.3, 0.75, 0.35), (0.05, 0.55, 0.48)],
)
def test_closed_form_optimum_matches_a_brute_force_search(h, pe, ph):
    best = systems.optimal_calls(h, pe, ph, k_max=151)
    k_brute, acc = _brute_best(h, pe, ph, 151)
    assert best["k"] == k_brute
    if best["k_analytic"] <= 151:
        assert best["k_analytic"] == k_brute
    assert best["accuracy"] == pytest.approx(acc.max(), abs=1e-10)


def test_shapes_and_chen_theorem_conditions():
    # falls at once when hard queries dominate: frac_hard above 1/t
    s = systems.vote_shape(0.2, 0.7, 0.4)
    t = 0.4 * 0.6 * 0.1 / (0.7 * 0.3 * 0.2) + 1
    assert s["t"] == pytest.approx(t, rel=1e-12) and s["frac_hard_max"] == pytest.approx(1 / t)
    assert systems.vote_shape(0.7, 0.7, 0.4)["shape"] == "falls"  # 0.7 > 1/t = 0.636...
    assert systems.vote_shape(0.6, 0.7, 0.4)["shape"] == "rises then falls"
    # p_easy + p_hard < 1: hard queries further from a coin flip, the vote recovers in the end
    u = systems.vote_shape(0.2, 0.51, 0.4)
    assert u["shape"] == "falls then rises"
    acc = systems.vote_curve(0.2, 0.51, 0.4, k_max=999)["accuracy"].to_numpy()
    assert acc[1] < acc[0] and acc[-1] > acc[-2]
    # p_easy + p_hard = 1: every step has one sign
    assert systems.vote_shape(0.2, 0.7, 0.3)["shape"] == "rises"
    assert systems.vote_shape(0.9, 0.7, 0.3)["shape"] == "falls"
    assert systems.vote_shape(0.0, 0.7, 0.4)["shape"] == "rises"
    assert systems.vote_shape(1.0, 0.7, 0.4)["shape"] == "falls"
    assert systems.optimal_calls(1.0, 0.7, 0.4)["k"] == 1


def test_vote_curve_columns():
    c = systems.vote_curve(0.2, 0.7, 0.4, k_max=10)
    assert list(c.columns) == ["k", "accuracy", "easy", "hard"]
    assert c["k"].tolist() == [1, 3, 5, 7, 9]


@pytest.mark.parametrize(
    "args",
    [
        (1.2, 0.7, 0.4),
        (0.2, 0.5, 0.4),
        (0.2, 1.0, 0.4),
        (0.2, 0.7, 0.5),
        (0.2, 0.7, 0.0),
        (True, 0.7, 0.4),
    ],
)
def test_bad_inputs(args):
    with pytest.raises(InputError):
        systems.vote_accuracy(3, *args)
    with pytest.raises(InputError):
        systems.majority_correct(0, 0.5)
    with pytest.raises(InputError):
        systems.majority_correct(2.5, 0.5)


def test_retry_gains_on_a_hand_made_leaderboard():
    runs = pd.DataFrame(
        {
            "model": ["a", "b", "c"],
            "test_cases": [100, 100, 200],
            "pass_num_1": [50, 20, 100],
            "pass_num_2": [60, 60, 150],
        }
    )
    out = systems.retry_gains(runs, n_boot=200, seed=1)
    # gains 10, 40, 25 points; fixed 10/50, 40/80, 50/100 = 0.2, 0.5, 0.5
    assert out["table"]["gain_points"].tolist() == pytest.approx([10, 40, 25])
    assert out["median_gain"] == pytest.approx(25) and out["median_fixed"] == pytest.approx(0.5)
    assert out["min_gain"] == pytest.approx(10) and out["n_runs"] == 3
    lo, hi = out["median_gain_ci"]
    assert 10 <= lo <= 25 <= hi <= 40
    with pytest.raises(InputError):
        systems.retry_gains(runs.drop(columns="pass_num_2"))

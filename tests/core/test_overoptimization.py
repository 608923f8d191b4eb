"""Tests for scalinglaws.core.overoptimization (Gao, Schulman and Hilton 2022; paper_numbers §13.2)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from scalinglaws.core.errors import InputError
from scalinglaws.core.overoptimization import (
    best_of_n_for_kl,
    bon_gold_score,
    bon_peak,
    iterated_rl_gold_score,
    kl_best_of_n,
    rl_gold_score,
    rl_peak,
)

coef = st.floats(min_value=0.05, max_value=2.0)


def test_kl_best_of_n_printed_values():
    """Gao et al. 2022 §2: KL_bon = log n - (n-1)/n; §3.1 says n = 60,000 is "KL ≈ 10 nats" and
    n = 1,000 "KL ≈ 6 nats" (printed to 1 s.f. / the nearest nat: tol 0.5). The derived values of
    paper_numbers §13.2 (3 decimals: tol 5e-4): n = 2: 0.193, 4: 0.636, 16: 1.835, 64: 3.175,
    256: 4.549, 1000: 5.909, 60000: 10.002."""
    assert kl_best_of_n(60_000) == pytest.approx(10, abs=0.5)
    assert kl_best_of_n(1_000) == pytest.approx(6, abs=0.5)
    derived = {2: 0.193, 4: 0.636, 16: 1.835, 64: 3.175, 256: 4.549, 1000: 5.909, 60000: 10.002}
    for n, kl in derived.items():
        assert kl_best_of_n(n) == pytest.approx(kl, abs=5e-4)
    assert kl_best_of_n(1) == 0.0  # best-of-1 is the base policy
    assert np.allclose(kl_best_of_n([2, 4]), [0.193147, 0.636294], atol=1e-6)


def test_best_of_n_for_kl_inverts():
    for n in (1.5, 2.0, 175.0, 1000.0, 60_000.0):
        assert best_of_n_for_kl(kl_best_of_n(n)) == pytest.approx(n, rel=1e-9)  # brentq, xtol 1e-12
    assert best_of_n_for_kl(0.0) == 1.0
    for bad in (-1.0, float("nan"), 1e4, True):
        with pytest.raises(InputError):
            best_of_n_for_kl(bad)


def test_illustration_of_paper_numbers():
    """paper_numbers §13.2 "Illustration only": alpha_bon = 0.49, beta_bon = 0.12 give d* = 2.04,
    KL* = 4.17 nats, R* = 0.50 and n* ≈ 175 (rounding of the printed digits)."""
    p = bon_peak(0.49, 0.12)
    assert p.d == pytest.approx(2.04, abs=0.005)
    assert p.kl == pytest.approx(4.17, abs=0.005)
    assert p.score == pytest.approx(0.50, abs=0.005)
    assert best_of_n_for_kl(p.kl) == pytest.approx(175, abs=1)


@given(coef, coef)
def test_bon_peak_is_the_maximum(alpha, beta):
    """Closed form against a numerical maximisation (bounded Brent, xatol 1e-10)."""
    p = bon_peak(alpha, beta)
    res = minimize_scalar(
        lambda d: -bon_gold_score(d, alpha, beta),
        bounds=(0, p.d_zero),
        method="bounded",
        options={"xatol": 1e-10},
    )
    assert -res.fun == pytest.approx(
        p.score, rel=1e-9
    )  # flat at the top: compare the maximum value
    assert res.x == pytest.approx(p.d, rel=1e-4, abs=1e-6)
    assert p.score == pytest.approx(bon_gold_score(p.d, alpha, beta), rel=1e-12)
    assert bon_gold_score(p.d_zero, alpha, beta) == pytest.approx(0, abs=1e-12)
    assert p.kl == pytest.approx(p.d**2)


@given(coef, st.floats(min_value=0.1, max_value=2.0))
def test_rl_peak_is_the_maximum(alpha, beta):
    p = rl_peak(alpha, beta)
    res = minimize_scalar(
        lambda d: -rl_gold_score(d, alpha, beta),
        bounds=(1e-12, p.d_zero),
        method="bounded",
        options={"xatol": 1e-10 * max(1.0, p.d)},
    )
    assert -res.fun == pytest.approx(p.score, rel=1e-9)
    assert res.x == pytest.approx(p.d, rel=1e-4)
    assert p.score == pytest.approx(rl_gold_score(p.d, alpha, beta), rel=1e-12)
    assert p.d_zero == pytest.approx(math.e * p.d)
    assert rl_gold_score(p.d_zero, alpha, beta) == pytest.approx(0, abs=1e-9 * p.d_zero)


def test_rl_stationary_point_and_origin():
    """dR/dd = alpha - beta (log d + 1) vanishes at d* (central difference), and R(0) = 0 by definition."""
    a, b = 0.35, 0.15
    p = rl_peak(a, b)
    h = 1e-6 * p.d
    slope = (rl_gold_score(p.d + h, a, b) - rl_gold_score(p.d - h, a, b)) / (2 * h)
    assert slope == pytest.approx(0, abs=1e-6)
    assert rl_gold_score(0.0, a, b) == 0.0
    assert np.allclose(rl_gold_score([0.0, 1.0], a, b), [0.0, a])  # log 1 = 0
    assert p.d == pytest.approx(math.exp(a / b - 1))
    assert p.score == pytest.approx(b * p.d)


def test_iterated_rl_moves_the_peak():
    """Gao et al. §4.3: with additive distances, k iterations give d (alpha - beta log d + beta log k)
    and the peak at k exp(alpha/beta - 1) with score beta times that."""
    a, b, k = 0.35, 0.15, 4
    d = np.array([0.5, 2.0, 7.0])
    assert np.allclose(
        iterated_rl_gold_score(d, a, b, k), d * (a - b * np.log(d) + b * np.log(k)), rtol=1e-12
    )
    p = rl_peak(a, b)
    res = minimize_scalar(
        lambda x: -iterated_rl_gold_score(x, a, b, k), bounds=(1e-9, 4 * k * p.d), method="bounded"
    )
    assert -res.fun == pytest.approx(b * k * p.d, rel=1e-8)
    assert iterated_rl_gold_score(1.0, a, b, 1) == pytest.approx(rl_gold_score(1.0, a, b))
    with pytest.raises(InputError):
        iterated_rl_gold_score(1.0, a, b, 0)


def test_bad_input():
    for bad in (0.0, -0.1, float("inf"), "x", True):
        with pytest.raises(InputError):
            bon_peak(bad, 0.1)
        with pytest.raises(InputError):
            rl_peak(0.3, bad)
    with pytest.raises(InputError):
        bon_gold_score(-1.0, 0.5, 0.1)
    with pytest.raises(InputError):
        rl_gold_score([1.0, float("nan")], 0.5, 0.1)
    with pytest.raises(InputError):
        kl_best_of_n(0.5)
    with pytest.raises(InputError, match="overflows"):
        rl_peak(100.0, 0.1)

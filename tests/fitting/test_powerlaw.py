"""Synthetic-data tests of the one-variable fits: exact recovery and interval coverage."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scalinglaws.core.errors import InputError
from scalinglaws.fitting.powerlaw import (
    CurveFit,
    fit_exponentiated_power_law,
    fit_log_linear,
    fit_power_law,
    fit_saturating_power_law,
)


def test_power_law_exact_and_noisy():
    x = np.geomspace(1e6, 1e10, 12)
    y = (8.8e13 / x) ** 0.076  # Kaplan et al. 2020 eq 1.1: A = N_c^alpha, alpha 0.076
    f = fit_power_law(x, y, n_boot=200, seed=0)
    assert isinstance(f, CurveFit) and f.kind == "power_law"
    assert f.alpha == pytest.approx(0.076, rel=1e-10)
    assert f.A == pytest.approx(8.8e13**0.076, rel=1e-9)
    assert f.r2 == pytest.approx(1.0) and f.converged
    np.testing.assert_allclose(f.predict(x), y, rtol=1e-10)
    noisy = y * np.exp(np.random.default_rng(1).normal(0, 0.01, x.size))
    g = fit_power_law(x, noisy, n_boot=2000, seed=2)
    lo, hi = g.intervals["alpha"]
    assert lo < 0.076 < hi and hi - lo < 0.02
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.r2 = 0.0


def test_saturating_power_law():
    x = np.geomspace(1e18, 1e23, 15)
    E, A, alpha = 1.7, 3.0e3, 0.17
    y = E + A * x ** (-alpha)
    f = fit_saturating_power_law(x, y, n_boot=0)
    assert f.converged
    # noise-free: a zero-residual least-squares problem (trf, tolerances 1e-12) whose optimum is
    # the true constants; measured within 1e-13 under both engines and BLAS kernels
    assert f.E == pytest.approx(E, rel=1e-6)
    assert f.A == pytest.approx(A, rel=1e-5)
    assert f.alpha == pytest.approx(alpha, rel=1e-6)
    noisy = y * np.exp(np.random.default_rng(3).normal(0, 0.002, x.size))
    g = fit_saturating_power_law(x, noisy, n_boot=200, seed=4)
    assert g.n_converged >= 190
    for k, v in {"E": E, "alpha": alpha}.items():
        lo, hi = g.intervals[k]
        assert lo < v < hi, k
    np.testing.assert_allclose(g.predict(x), noisy, rtol=0.01)


def test_exponentiated_power_law():
    """Brown et al. 2024 eq 3: ln c = a k^b; here a = -1.5, b = -0.3 (coverage rising in k)."""
    k = np.geomspace(1, 1e4, 40)  # 40 log-spaced points, as Brown et al. fit
    c = np.exp(-1.5 * k**-0.3)
    for method in ("loglog", "direct"):
        f = fit_exponentiated_power_law(k, c, n_boot=100, seed=0, method=method)
        # noise-free: the log-log OLS is closed form and exact, and "direct" starts from it at
        # zero residual (LM stops at once); measured exact to rounding
        assert f.a == pytest.approx(-1.5, rel=1e-8)
        assert f.b == pytest.approx(-0.3, rel=1e-8)
        assert f.converged
        np.testing.assert_allclose(f.predict(k), c, rtol=1e-8)
    noisy = np.exp(np.log(c) * np.exp(np.random.default_rng(5).normal(0, 0.02, k.size)))
    g = fit_exponentiated_power_law(k, noisy, n_boot=500, seed=6)
    assert g.intervals["b"][0] < -0.3 < g.intervals["b"][1]
    with pytest.raises(InputError, match="strictly between"):
        fit_exponentiated_power_law(k, np.where(k > 100, 1.0, c))


def test_log_linear_gain_per_doubling():
    x = np.array([1, 2, 4, 8, 16, 32, 64.0])
    y = 0.05 * np.log2(x) + 0.2
    f = fit_log_linear(x, y, n_boot=100, seed=0)
    assert f.m == pytest.approx(0.05) and f.q == pytest.approx(0.2)
    noisy = y + np.random.default_rng(7).normal(0, 0.005, x.size)
    g = fit_log_linear(x, noisy, n_boot=2000, seed=8)
    lo, hi = g.intervals["m"]
    assert lo < 0.05 < hi
    assert g.std_err["m"] > 0


def test_interval_coverage_of_power_law():
    """Over 100 noisy data sets the 90 % percentile interval for alpha covers the truth often
    (percentile bootstrap with 10 points is a bit liberal: require >= 75 %)."""
    x = np.geomspace(1, 1e3, 10)
    rng = np.random.default_rng(11)
    hits = 0
    for i in range(100):
        y = 2.0 * x**-0.5 * np.exp(rng.normal(0, 0.05, x.size))
        lo, hi = fit_power_law(x, y, n_boot=300, seed=i, level=0.9).intervals["alpha"]
        hits += lo < 0.5 < hi
    assert hits >= 75


@pytest.mark.parametrize(
    "call, msg",
    [
        (lambda: fit_power_law([1, 2, 3], [1, 2]), "same length"),
        (lambda: fit_power_law([1, 2, -3], [1, 2, 3]), "positive"),
        (lambda: fit_power_law([1, 2, np.nan], [1, 2, 3]), "finite"),
        (lambda: fit_power_law([1, 1, 1], [1, 2, 3]), "distinct"),
        (lambda: fit_log_linear([1, 2, 4], [1, 2, 3], n_boot=-1), "n_boot"),
        (lambda: fit_saturating_power_law([1, 2, 3], [1, 2, 3]), "at least 4"),
        (lambda: fit_exponentiated_power_law([1, 2, 4], [0.1, 0.2, 0.3], method="x"), "method"),
    ],
)
def test_bad_inputs(call, msg):
    with pytest.raises(InputError, match=msg):
        call()


def test_residual_bootstrap_and_band():
    """The residual bootstrap works on 3 points (a pairs resample often has one distinct x) and
    the pointwise band contains the fitted curve."""
    x = np.array([1e8, 1e9, 1e10])
    y = 30.0 * x**-0.2 * np.exp([0.01, -0.02, 0.01])
    f = fit_power_law(x, y, n_boot=300, seed=1, bootstrap="residual")
    assert f.bootstrap == "residual" and f.n_converged == 300 and f.boot.shape == (300, 2)
    lo, hi = f.intervals["alpha"]
    assert lo < f.alpha < hi
    blo, bhi = f.band(x)
    assert np.all(blo <= f.predict(x)) and np.all(f.predict(x) <= bhi)
    with pytest.raises(InputError, match="bootstrap must be"):
        fit_power_law(x, y, bootstrap="wild")


def test_saturating_linear_space_weighted_parametric():
    """Residuals in y with inverse-variance weights and a parametric bootstrap recover the law."""
    x = np.geomspace(1e16, 1e20, 13)
    E, A, alpha = 1.8, 1.2 * 1e18**0.15, 0.15
    y = E + A * x**-alpha
    f = fit_saturating_power_law(x, y, 0, space="linear")
    assert f.converged
    # noise-free, zero-residual least squares (tolerances 1e-12): measured within 2e-15
    assert f.E == pytest.approx(E, rel=1e-6) and f.alpha == pytest.approx(alpha, rel=1e-6)
    sd = np.full(x.size, 0.01)
    noisy = y + sd * np.random.default_rng(0).standard_normal(x.size)
    g = fit_saturating_power_law(x, noisy, 300, 3, space="linear", sigma=sd, bootstrap="parametric")
    assert g.n_converged >= 285
    assert g.intervals["alpha"][0] < alpha < g.intervals["alpha"][1]
    lo, hi = g.band(x)
    assert np.all(lo <= g.predict(x)) and np.all(g.predict(x) <= hi)
    with pytest.raises(InputError, match="needs sigma"):
        fit_saturating_power_law(x, y, 10, bootstrap="parametric")
    with pytest.raises(InputError, match="space must be"):
        fit_saturating_power_law(x, y, 10, space="loglog")

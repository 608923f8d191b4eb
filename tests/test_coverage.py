"""Tests for scalinglaws.coverage: Brown et al.'s coverage law, its fit and the Wilson interval."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scalinglaws import coverage
from scalinglaws.errors import InputError
from scalinglaws.testtime import simulate_difficulty


def test_coverage_exponent_from_brown_anchors():
    """Brown et al. 2024 (arXiv:2407.21787, abstract): SWE-bench Lite 15.9% at 1 sample ->
    56% at 250. Through log c = a k^b: b = log(log .56 / log .159) / log 250 = -0.2090 [D]."""
    b = coverage.coverage_exponent_from_anchors(1, 0.159, 250, 0.56)
    assert b == pytest.approx(-0.20904, abs=1e-4)
    assert coverage.coverage_law(250, math.log(0.159), b)[0] == pytest.approx(0.56, rel=1e-12)
    # MATH, Llama-3-8B-Instruct: 82.9% at 100 -> 98.44% at 10k (§4) gives b = -0.538 [D]
    b2 = coverage.coverage_exponent_from_anchors(*coverage.COVERAGE_ANCHORS["math-llama3-8b"])
    assert b2 == pytest.approx(-0.5383, abs=1e-3)
    with pytest.raises(InputError):
        coverage.coverage_exponent_from_anchors(1, 0.2, 1, 0.5)
    with pytest.raises(InputError):
        coverage.coverage_exponent_from_anchors(1, 1.2, 10, 0.5)


def test_fit_coverage_law_recovers_parameters():
    ks = np.unique(np.round(np.logspace(0, 3, 20)))
    cov = coverage.coverage_law(ks, -1.5, -0.3)
    fit = coverage.fit_coverage_law(ks, cov, seed=0, n_boot=30)
    assert fit.converged
    # noise-free: the OLS start on log(-log c) is closed form and exact, so Levenberg-Marquardt
    # starts at zero residual; measured exact to rounding
    assert fit.a == pytest.approx(-1.5, rel=1e-6)
    assert fit.b == pytest.approx(-0.3, rel=1e-6)
    assert fit.predict([10])[0] == pytest.approx(math.exp(-1.5 * 10**-0.3), rel=1e-6)


def test_fit_coverage_law_per_problem_bootstrap():
    sim = simulate_difficulty(200, 100, seed=3)
    ks = np.array([1, 2, 4, 8, 16, 32, 64, 100])
    mat = coverage.pass_at_k_matrix(100, sim.n_correct, ks)
    assert mat.shape == (200, ks.size)
    fit = coverage.fit_coverage_law(ks, per_problem=mat, seed=0, n_boot=100)
    assert fit.converged and fit.b < 0 and fit.a < 0
    assert fit.b_ci[0] <= fit.b <= fit.b_ci[1]
    assert fit.predict([1])[0] == pytest.approx(mat[:, 0].mean(), abs=0.05)
    band = fit.band(ks)
    assert (band["lo"] <= band["fit"]).all() and (band["fit"] <= band["hi"]).all()
    with pytest.raises(InputError):
        coverage.fit_coverage_law(ks)
    with pytest.raises(InputError):
        coverage.fit_coverage_law(ks, per_problem=mat[:, :3])


def test_wilson_interval():
    """Wilson 1927 score interval; e.g. 50/100 at 95%: [0.4038, 0.5962] (standard value)."""
    lo, hi = coverage.wilson_interval(50, 100)
    assert lo[0] == pytest.approx(0.40383, abs=1e-4) and hi[0] == pytest.approx(0.59617, abs=1e-4)
    lo, hi = coverage.wilson_interval([0, 225], [225, 225])
    assert lo[0] == pytest.approx(0.0, abs=1e-12) and hi[1] == pytest.approx(1.0)
    with pytest.raises(InputError):
        coverage.wilson_interval(5, 4)

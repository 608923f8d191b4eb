"""Tests for scalinglaws.analyses.coverage: Brown et al.'s coverage law, its fit and the Wilson interval."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scalinglaws.analyses import coverage
from scalinglaws.analyses.testtime import simulate_difficulty
from scalinglaws.core.errors import InputError


def test_coverage_exponent_from_anchors_solves_the_law():
    """The closed form ``b = log(log c2 / log c1) / log(k2 / k1)`` on a law with known a, b.

    (Not a test against the paper: the exponent is defined by the two points it goes through.)
    """
    a, b = -1.3, -0.37
    c1, c2 = coverage.coverage_law([3.0, 700.0], a, b)
    assert coverage.coverage_exponent_from_anchors(3.0, c1, 700.0, c2) == pytest.approx(
        b, rel=1e-12
    )
    with pytest.raises(InputError):
        coverage.coverage_exponent_from_anchors(1, 0.2, 1, 0.5)
    with pytest.raises(InputError):
        coverage.coverage_exponent_from_anchors(1, 1.2, 10, 0.5)


def test_brown_swe_bench_law_predicts_their_five_sample_coverage():
    """Out-of-sample check against a third number Brown et al. print (arXiv:2407.21787).

    Anchors (abstract, [V2]): DeepSeek-Coder-V2-Instruct on SWE-bench Lite, 15.9% with 1 sample and
    56% with 250. Held-out value (§2 cost comparison, [V1] in paper_numbers.md §9.1): 5 samples of
    the same model solve 29.62%. The law through the anchors must predict it within the sampling
    error of a coverage measured on SWE-bench Lite's 300 tasks: 2 binomial standard errors,
    2 sqrt(0.2962 * 0.7038 / 300) = 5.3 points (the anchors' own noise, which the bootstrap interval
    below carries, is on top). Brown et al. print no fitted exponent, so b itself cannot be tested.
    """
    printed = 0.2962
    k1, c1, k2, c2 = coverage.COVERAGE_ANCHORS["swe-bench-lite"]
    assert (k1, c1, k2, c2) == (1.0, 0.159, 250.0, 0.56)  # the printed anchors
    b = coverage.coverage_exponent_from_anchors(k1, c1, k2, c2)
    pred = coverage.coverage_law(5, math.log(c1), b)[0]
    tol = 2 * math.sqrt(printed * (1 - printed) / 300)
    assert pred == pytest.approx(printed, abs=tol)  # measured 26.9% against 29.62%
    # and the printed value lies inside the seeded 95% interval of the prediction
    ex = coverage.anchor_exponent_bootstrap("swe-bench-lite", n_boot=2000, seed=0)
    lo, hi = np.quantile(np.exp(ex.boot[:, 0] * 5.0 ** ex.boot[:, 1]), [0.025, 0.975])
    assert lo <= printed <= hi
    # the chapter reads the same check through anchor_coverage and SWE_BENCH_LITE_CHECK
    assert coverage.SWE_BENCH_LITE_CHECK == (5.0, printed)
    point, (lo2, hi2) = coverage.anchor_coverage(ex, 5)
    assert point == pytest.approx(pred, rel=1e-12)  # the same law through the same anchors
    assert (lo2, hi2) == pytest.approx((lo, hi), rel=1e-12)


def test_math_anchor_problem_count_matches_printed_decimals():
    """Brown et al. §4 print MATH (Llama-3-8B-Instruct) coverage 98.44% at 10k samples and majority
    vote 40.50% -> 41.41%: 98.44 and 41.41 are 126/128 and 53/128 to the printed 2 decimals, which
    is why COVERAGE_ANCHOR_PROBLEMS gives 128 problems (300 = SWE-bench Lite's test split)."""
    n = coverage.COVERAGE_ANCHOR_PROBLEMS["math-llama3-8b"]
    for printed in (98.44, 41.41):
        assert round(100 * round(printed / 100 * n) / n, 2) == printed
    assert coverage.COVERAGE_ANCHOR_PROBLEMS["swe-bench-lite"] == 300


def test_anchor_exponent_bootstrap():
    ex = coverage.anchor_exponent_bootstrap("swe-bench-lite", n_boot=500, seed=1)
    assert ex.b == pytest.approx(coverage.coverage_exponent_from_anchors(1, 0.159, 250, 0.56))
    assert ex.a == pytest.approx(math.log(0.159))
    assert ex.b_ci[0] < ex.b < ex.b_ci[1]
    assert ex.boot.shape == (500, 2) and np.all(np.isfinite(ex.boot))
    # fewer problems -> wider interval; same seed -> same draws
    small = coverage.anchor_exponent_bootstrap((1, 0.159, 250, 0.56), 30, n_boot=500, seed=1)
    assert np.ptp(small.b_ci) > np.ptp(ex.b_ci)
    again = coverage.anchor_exponent_bootstrap("swe-bench-lite", n_boot=500, seed=1)
    assert np.array_equal(again.boot, ex.boot)
    with pytest.raises(InputError):
        coverage.anchor_exponent_bootstrap("nope")
    with pytest.raises(InputError):
        coverage.anchor_exponent_bootstrap((1, 0.159, 250, 0.56))  # no problem count


def test_samples_for_coverage_inverts_the_law():
    k = coverage.samples_for_coverage(0.9, -1.5, -0.3)
    assert coverage.coverage_law(k, -1.5, -0.3)[0] == pytest.approx(0.9, rel=1e-12)
    ks = coverage.samples_for_coverage(0.5, np.array([-1.0, -2.0]), np.array([-0.2, -0.2]))
    assert ks.shape == (2,) and ks[1] > ks[0]
    with pytest.raises(InputError):
        coverage.samples_for_coverage(1.0, -1.0, -0.2)
    with pytest.raises(InputError):
        coverage.samples_for_coverage(0.5, -1.0, 0.2)


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


def test_anchor_exponents_and_samples_for():
    """Both published anchors get a bootstrap; the samples for a target coverage invert the law:
    with a = log 0.159 and b = -0.5, 90% coverage needs (log 0.9 / a)^(1/b) = 304.6 samples."""
    ex = coverage.anchor_exponents(n_boot=50, seed=1)
    assert set(ex) == set(coverage.COVERAGE_ANCHORS)
    assert ex["math-llama3-8b"].problems == 128 and ex["swe-bench-lite"].n_boot == 50
    assert ex["swe-bench-lite"].b == pytest.approx(
        coverage.anchor_exponent_bootstrap("swe-bench-lite", n_boot=50, seed=1).b, rel=1e-12
    )
    a = math.log(0.159)
    one = coverage.AnchorExponent(
        b=-0.5,
        a=a,
        b_ci=(-0.5, -0.5),
        boot=np.array([[a, -0.5], [a, -0.5]]),
        level=0.95,
        n_boot=2,
        seed=0,
        problems=300,
    )
    k, (lo, hi) = coverage.anchor_samples_for(one, 0.9)
    assert k == pytest.approx(304.6, abs=0.05) and lo == pytest.approx(k) and hi == pytest.approx(k)
    c, (clo, chi) = coverage.anchor_coverage(one, 4.0)
    assert c == pytest.approx(math.sqrt(0.159), rel=1e-12)  # exp(a / 2) at k = 4, b = -1/2
    assert clo == pytest.approx(c) and chi == pytest.approx(c)
    with pytest.raises(InputError):
        coverage.anchor_coverage(one, 0.0)
    with pytest.raises(InputError):
        coverage.anchor_samples_for(one, 1.2)


def test_simulated_curves():
    """Coverage from pass@k never falls with k and never passes 1 - (share never solved); the vote
    can never beat coverage at the same k (it can only pick an answer some sample gave)."""
    sim = simulate_difficulty(60, 32, seed=5, dist=(0.5, 1.5))
    cur = coverage.simulated_curves(sim, n_k=8, n_vote=4, seed=5)
    assert cur.ks[0] == 1 and cur.ks[-1] == 32 and np.all(np.diff(cur.ks) > 0)
    assert cur.per_problem.shape == (60, len(cur.ks))
    assert np.all(np.diff(cur.coverage) >= -1e-12)
    assert cur.coverage[0] == pytest.approx(sim.n_correct.mean() / 32, rel=1e-12)  # pass@1 = c/n
    assert cur.never == pytest.approx(np.mean(sim.n_correct == 0))
    assert cur.coverage[-1] == pytest.approx(1 - cur.never, rel=1e-12)  # pass@n: any correct
    assert set(cur.vote_ks) <= set(cur.ks) and cur.vote_ks[0] == 1 and cur.vote_ks[-1] == 32
    idx = np.searchsorted(cur.ks, cur.vote_ks)
    assert np.all(cur.vote <= cur.coverage[idx] + 1e-12)
    assert cur.vote[0] == pytest.approx(cur.coverage[0], abs=0.02)  # one vote is one sample
    assert cur.k_mid in cur.vote_ks
    assert cur.coverage_late == pytest.approx(
        cur.coverage[-1] - cur.coverage[list(cur.ks).index(cur.k_mid)]
    )
    assert cur.vote_flattens == (cur.vote_late < 0.5 * cur.coverage_late)
    with pytest.raises(InputError):
        coverage.simulated_curves(sim, n_k=1)

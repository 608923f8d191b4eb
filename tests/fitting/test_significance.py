"""Besiroglu et al. 2024 (arXiv:2404.10102) tests of Hoffmann et al.'s Approach-3 parameters."""

from __future__ import annotations

import numpy as np
import pytest

from scalinglaws.core.errors import InputError
from scalinglaws.fitting.significance import chi2_test, likelihood_ratio_test, log_vector

# Hoffmann et al. 2022 TeX values in log form, as used by Besiroglu et al. (notebook cell 16;
# paper_numbers.md §3.2): a, b, e, alpha, beta.
HOFFMANN_TEX = [6.0073404, 6.0179186, 0.5267228, 0.33917084, 0.2849083]
# Besiroglu et al.'s MLE (notebook cells 24/59; paper_numbers.md §4), log form.
EPOCH_MLE = [6.17795598, 7.64273236, 0.59711196, 0.34781303, 0.36585412]


@pytest.mark.slow
def test_chi2_rejects_hoffmann(boot, fit):
    """Besiroglu et al. cell 34: chi2(5) = 238.40, p = 1.69e-49 with their MLE's bootstrap
    covariance. Ours uses the Hoffmann-recipe fit and its bootstrap: measured 227.2
    (p = 4.3e-47). Assert overwhelming rejection and the same order of magnitude."""
    r = chi2_test(boot, HOFFMANN_TEX, fit)
    assert r.df == 5 and r.test == "chi2"
    assert r.p_value < 1e-10
    assert 150 < r.statistic < 350
    assert r.difference["b"] == pytest.approx(fit.b - HOFFMANN_TEX[1])
    # Epoch's own estimate is not rejected against our fit
    assert chi2_test(boot.estimates, EPOCH_MLE, fit).p_value > 0.5


def test_likelihood_ratio_reproduces_epoch(data, fit):
    """Besiroglu et al. cell 49 (paper_numbers.md §4): LR = 84.00, p = 1.22e-16; their MLE
    A = 482.01, B = 2085.43, E = 1.8172, alpha = 0.3478, beta = 0.3658 (Table 1).

    Tolerances from the method: both likelihoods are maximised globally in theta (a certified
    4,500-start fit per scale) and by a bounded 1-D search in ln sigma to 1e-9, so the statistic
    is determined to ~1e-6 (measured: 83.99548 with the compiled kernel, 83.99548 with the numpy
    engine under another BLAS kernel). Printed precision: 84.00 means [83.995, 84.005). The
    MLE is flat to ~1e-8 in its parameters; printed to 5 significant digits (cell 24)."""
    r = likelihood_ratio_test(*data, HOFFMANN_TEX, fit=fit)
    assert round(r.statistic, 2) == 84.00
    assert r.statistic == pytest.approx(84.00, abs=0.005 + 1e-4)
    # p printed to 3 significant digits
    assert f"{r.p_value:.2e}" == "1.22e-16"
    assert r.details["converged_alt"] and r.details["converged_null"]
    np.testing.assert_allclose(r.details["theta_alt"], EPOCH_MLE, atol=2e-5)
    a, b, e, alpha, beta = r.details["theta_alt"]
    assert (
        f"{np.exp(a):.5g} {np.exp(b):.6g} {alpha:.4f} {beta:.4f}" == "482.01 2085.43 0.3478 0.3659"
    )
    assert likelihood_ratio_test(*data, EPOCH_MLE, fit=fit).p_value > 0.999


def test_likelihood_ratio_is_a_maximum(data, fit):
    """The alternative is a stationary point of the profile in ln sigma and no start of the
    grid beats it: moving the scale by +-1e-3 in ln sigma, or re-fitting theta there,
    never raises the likelihood (a fact of the problem, not of where an optimiser stopped)."""
    import math

    from scalinglaws.fitting.parametric import fit_parametric

    r = likelihood_ratio_test(*data, HOFFMANN_TEX, fit=fit)
    s = math.log(r.details["sigma_alt"])
    n = len(data[0])
    for ds in (-1e-3, 1e-3):
        f = fit_parametric(*data, delta=1e-3 * math.exp(s + ds))
        nll = f.objective / math.exp(2 * (s + ds)) + n * (s + ds)
        assert nll >= r.details["nll_alt"] - 1e-9


def test_log_vector_forms(fit):
    lin = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
    v = log_vector(lin)
    np.testing.assert_allclose(v, [np.log(406.4), np.log(410.7), np.log(1.69), 0.34, 0.28])
    np.testing.assert_allclose(log_vector(fit), fit.theta)
    np.testing.assert_allclose(log_vector(HOFFMANN_TEX), HOFFMANN_TEX)
    with pytest.raises(InputError, match="5 finite"):
        log_vector([1.0, 2.0])
    with pytest.raises(InputError, match="positive"):
        log_vector({**lin, "A": -1.0})


def test_chi2_bad_input(fit):
    import pandas as pd

    with pytest.raises(InputError, match="lacks columns"):
        chi2_test(pd.DataFrame({"A": [1.0]}), HOFFMANN_TEX, fit)
    with pytest.raises(InputError, match="DataFrame"):
        chi2_test([1, 2, 3], HOFFMANN_TEX, fit)

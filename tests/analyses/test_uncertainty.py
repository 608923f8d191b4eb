"""Intervals propagated from the canonical law's bootstrap cloud (scalinglaws.analyses.uncertainty)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scalinglaws.analyses import uncertainty
from scalinglaws.core import allocation
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import DEFAULT_LAW, EPOCH, get_parametric_law


@pytest.fixture(scope="module")
def cloud():
    return uncertainty.law_samples(4000, 42)


def test_cloud_spread_matches_besiroglu_bootstrap(cloud):
    # Besiroglu et al. 2024 Table 1 / notebook bootstrap SEs (paper_numbers.md §4): A 124.52,
    # E 0.026, alpha 0.015, beta 0.021. Our cloud is the bootstrap of the Hoffmann-recipe refit of
    # the same 240 points, so its spread should agree to Monte-Carlo and method precision (20%).
    A = np.array([law.A for law in cloud])
    E = np.array([law.E for law in cloud])
    alpha = np.array([law.alpha for law in cloud])
    beta = np.array([law.beta for law in cloud])
    assert np.std(A, ddof=1) == pytest.approx(124.52, rel=0.2)
    assert np.std(E, ddof=1) == pytest.approx(0.026, rel=0.2)
    assert np.std(alpha, ddof=1) == pytest.approx(0.015, rel=0.2)
    assert np.std(beta, ddof=1) == pytest.approx(0.021, rel=0.2)
    # centred on the canonical law (median within a tenth of a standard error)
    assert abs(np.median(alpha) - EPOCH.alpha) < 0.1 * 0.015
    assert abs(np.median(beta) - EPOCH.beta) < 0.1 * 0.021


def test_propagate_allocation_exponent(cloud):
    # a = beta / (alpha + beta): Besiroglu et al. 0.513, SE 0.020 (paper_numbers.md §4)
    iv = uncertainty.propagate(lambda law: law.a)
    assert DEFAULT_LAW == "epoch" and iv.value == pytest.approx(0.513, abs=5e-4)
    assert iv.lo < 0.513 < iv.hi
    assert (iv.hi - iv.lo) / (2 * 1.96) == pytest.approx(0.020, rel=0.25)
    assert iv.n == 4000 and iv.level == 0.95


def test_propagate_compute_optimal_at_chinchilla_budget():
    # Chinchilla itself (70B on 1.4T, 5.76e23 FLOP; Hoffmann et al. 2022) lies inside the interval
    iv = uncertainty.propagate(lambda law: allocation.compute_optimal(5.76e23, law).params)
    assert iv.value == pytest.approx(allocation.compute_optimal(5.76e23, "epoch").params)
    assert iv.lo < 70e9 < iv.hi
    tpp = uncertainty.propagate(
        lambda law: allocation.compute_optimal(5.76e23, law).tokens_per_param
    )
    assert tpp.lo < 20 < tpp.hi


def test_propagate_refuses_undefined_quantities():
    # a loss below the irreducible E of most resampled laws has no compute-optimal budget
    def f(law):
        if law.E > 1.83:  # the canonical E is 1.8169; about a third of the cloud lies above
            raise InputError("below the floor")
        return 1.0

    with pytest.raises(InputError, match="no interval"):
        uncertainty.propagate(f)
    with pytest.raises(InputError):
        uncertainty.propagate(lambda law: law.a, n_boot=10)
    with pytest.raises(InputError):
        uncertainty.propagate(lambda law: law.a, level=1.5)
    assert math.isclose(get_parametric_law(DEFAULT_LAW).alpha, EPOCH.alpha)

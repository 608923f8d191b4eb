"""Tests of the Approach-3 objective (Hoffmann et al. 2022 App. D.2; Besiroglu et al. 2024)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import huber

from scalinglaws.fitting.objective import huber_objective, huber_objective_grad


def reference_objective(p, logN, logD, logL, delta=1e-3):
    """Besiroglu et al.'s notebook objective (summed scipy Huber on log residuals)."""
    a, b, e, alpha, beta = p
    pred = np.log(np.exp(a - alpha * logN) + np.exp(b - beta * logD) + np.exp(e))
    return np.sum(huber(delta, pred - logL))


def test_objective_and_gradient(data):
    logN, logD, logL = (np.log(v) for v in data)
    rng = np.random.default_rng(0)
    for _ in range(5):
        th = np.array([6.0, 7.5, 0.6, 0.35, 0.37]) + rng.normal(0, 0.05, 5)
        f, g = huber_objective_grad(th, logN, logD, logL)
        assert f == pytest.approx(reference_objective(th, logN, logD, logL), rel=1e-12)
        assert f == pytest.approx(huber_objective(th, logN, logD, logL), rel=1e-12)
        eps = 1e-6
        fd = [
            (
                reference_objective(th + eps * np.eye(5)[k], logN, logD, logL)
                - reference_objective(th - eps * np.eye(5)[k], logN, logD, logL)
            )
            / (2 * eps)
            for k in range(5)
        ]
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-9)
    fm, gm = huber_objective_grad(th, logN, logD, logL, reduction="mean")
    assert fm == pytest.approx(f / 240, rel=1e-12)
    np.testing.assert_allclose(gm, g / 240, rtol=1e-12)

"""Tests for scalinglaws.synthesis: unit conversions between the book's headline numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scalinglaws import slowdown, synthesis, trends
from scalinglaws.allocation import compute_optimal
from scalinglaws.data import load
from scalinglaws.errors import InputError
from scalinglaws.laws import HOFFMANN


@pytest.fixture(scope="module")
def compute_fit() -> trends.TrendFit:
    models = load("epoch_notable_models", "models")
    return trends.fit_growth(
        models,
        quantity="training_compute_flop",
        start="2010-01-01",
        end="2024-05-31",
        n_boot=200,
        seed=42,
    )


def test_years_of_trend():
    assert synthesis.years_of_trend(4.0**3, 4.0) == pytest.approx(3.0)
    assert synthesis.years_of_trend([10.0, 100.0], 10.0) == pytest.approx([1.0, 2.0])
    for bad in ((10.0, 1.0), (10.0, 0.5), (-1.0, 4.0), (float("nan"), 4.0)):
        with pytest.raises(InputError):
            synthesis.years_of_trend(*bad)


def test_compute_multiplier_for_params():
    """N_opt ∝ C^a (Hoffmann eq 4): C multiplies by m^(1/a); a = 0.28/0.62 for the rounded law."""
    a = HOFFMANN.beta / (HOFFMANN.alpha + HOFFMANN.beta)
    assert synthesis.compute_multiplier_for_params(HOFFMANN, 2.0) == pytest.approx(2 ** (1 / a))
    assert synthesis.compute_multiplier_for_params("hoffmann", 1.0) == pytest.approx(1.0)
    with pytest.raises(InputError):
        synthesis.compute_multiplier_for_params("kaplan", 2.0)
    with pytest.raises(InputError):
        synthesis.compute_multiplier_for_params(HOFFMANN, 0.0)


def test_next_loss_step_matches_slowdown_ladder(compute_fit):
    step = synthesis.next_loss_step(HOFFMANN, 3.8e25, 0.05, compute_fit)
    ladder = slowdown.loss_drop_ladder(HOFFMANN, start_flops=3.8e25, delta=0.05, n_steps=1)
    assert step.multiplier == pytest.approx(ladder["step_multiplier"].iloc[1], rel=1e-9)
    assert step.flops == pytest.approx(ladder["flops"].iloc[1], rel=1e-9)
    assert step.target_loss == pytest.approx(step.start_loss - 0.05)
    alloc = compute_optimal(step.flops, HOFFMANN)
    assert step.tokens == pytest.approx(alloc.tokens) and step.params == pytest.approx(alloc.params)
    assert 6 * step.params * step.tokens == pytest.approx(step.flops, rel=1e-9)
    assert step.tokens_share_of_stock == pytest.approx(step.tokens / 300e12)
    assert step.years == pytest.approx(
        math.log(step.multiplier) / math.log(compute_fit.growth_per_year)
    )
    assert step.years_ci[0] < step.years < step.years_ci[1]


def test_compute_growth_epoch_range(compute_fit):
    """Epoch AI (blog 2024, datasets.md §4): training compute of notable models grows 4-5x per
    year, 2010 to May 2024. Our OLS on the 24 Feb 2025 export: 4.26x (n = 371). Tolerance: the
    point estimate within 4-5 '(about)', widened to [3.9, 5.0] for the export difference."""
    assert compute_fit.n == 371
    assert compute_fit.growth_per_year == pytest.approx(4.255, abs=0.01)
    assert 3.9 <= compute_fit.growth_per_year <= 5.0


def test_next_loss_step_errors(compute_fit):
    with pytest.raises(InputError):
        synthesis.next_loss_step(HOFFMANN, 3.8e25, 5.0, compute_fit)  # would cross E
    with pytest.raises(InputError):
        synthesis.next_loss_step(HOFFMANN, -1.0, 0.05, compute_fit)
    with pytest.raises(InputError):
        synthesis.next_loss_step(HOFFMANN, 3.8e25, 0.05, "fit")
    with pytest.raises(InputError):
        synthesis.next_loss_step(HOFFMANN, np.array([1e25, 1e26]), 0.05, compute_fit)

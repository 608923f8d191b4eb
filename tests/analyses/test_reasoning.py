"""Tests for scalinglaws.analyses.reasoning: log-linear test-time fit, o1 budget overshoot, CoT gains."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analyses import reasoning
from scalinglaws.core.errors import InputError
from scalinglaws.data import load


@pytest.fixture(scope="module")
def o1() -> pd.DataFrame:
    return load("o1_aime_reconstruction", "majority_vote")


def test_o1_reconstruction_endpoints(o1):
    """Zhang & Chen 2024 README (hughbzhang/o1_inference_scaling_laws @4cf12c67): accuracy
    0.20 at about 363 tokens -> 0.70 at about 88k tokens per problem. Tolerance: 0.005 on
    accuracy, 1% on tokens."""
    first = o1.sort_values("avg_tokens_used").iloc[0]
    last = o1.sort_values("avg_tokens_used").iloc[-1]
    assert first["accuracy"] == pytest.approx(0.20, abs=0.005)
    assert first["avg_tokens_used"] == pytest.approx(363, rel=0.01)
    assert last["accuracy"] == pytest.approx(0.70, abs=0.005)
    assert last["avg_tokens_used"] == pytest.approx(88_000, rel=0.01)


def test_o1_budget_overshoot_about_8x():
    """Same README: the model uses 'about 8x' the requested tokens (budgets 2^4..2^11).
    Median ratio measured 8.61; tolerance: within [7, 10] ('about')."""
    j = load("o1_aime_reconstruction", "just_ask_nicely")
    ratio = reasoning.budget_overshoot(j["token_limit"], j["avg_tokens_used"])
    assert 7.0 <= ratio <= 10.0
    assert ratio == pytest.approx(8.606, abs=0.01)


def test_o1_log_linear_gain(o1):
    """The README calls the curve 'roughly log-linear': the fit explains most variance and the
    gain per doubling is positive with an interval excluding zero (measured 0.061, R^2 0.90)."""
    fit = reasoning.fit_log_linear(o1["avg_tokens_used"], o1["accuracy"], seed=42, n_boot=500)
    assert fit.kind == "log_linear"
    assert fit.m == pytest.approx(0.0606, abs=0.001)
    assert fit.r2 > 0.85
    assert 0 < fit.intervals["m"][0] < fit.m < fit.intervals["m"][1]
    assert fit.converged


def test_fit_log_linear_exact_and_errors():
    x = 2.0 ** np.arange(1, 9)
    y = 0.1 + 0.05 * np.log2(x)
    fit = reasoning.fit_log_linear(x, y, seed=1, n_boot=50)
    assert fit.m == pytest.approx(0.05, abs=1e-12)
    assert fit.q == pytest.approx(0.1, abs=1e-12)
    assert fit.intervals["m"][0] == pytest.approx(0.05) and fit.intervals["m"][1] == pytest.approx(
        0.05
    )
    mid = fit.predict([4.0, 16.0])
    lo, hi = fit.band([4.0, 16.0])
    assert mid.tolist() == pytest.approx([0.2, 0.3])
    assert (lo <= mid).all() and (mid <= hi).all()
    again = reasoning.fit_log_linear(x, y + np.sin(x), seed=1, n_boot=50)
    assert np.array_equal(
        again.boot, reasoning.fit_log_linear(x, y + np.sin(x), seed=1, n_boot=50).boot
    )
    for bad in ([1, 2], [1, 1, 1]):
        with pytest.raises(InputError):
            reasoning.fit_log_linear(bad, [0.1] * len(bad))
    with pytest.raises(InputError):
        reasoning.fit_log_linear([1, 2, -3], [0.1, 0.2, 0.3])
    with pytest.raises(InputError):
        reasoning.fit_log_linear([1, 2, 3], [0.1, np.nan, 0.3])
    with pytest.raises(InputError):
        reasoning.fit_log_linear([1, 2, 3], [0.1, 0.2, 0.3], n_boot=0)


def test_post_training_gains():
    """Ruan et al. 2024 post-training file (ryoungj/ObsScaling @4d6e1e43): values as stored."""
    g = reasoning.post_training_gains(
        load("obsscaling_ruan", "post_training"), load("obsscaling_ruan", "base")
    )
    assert len(g) == 80
    row = g[g["model"] == "meta-llama/Llama-2-70b-hf"].iloc[0]
    assert row["plain"] == pytest.approx(0.178) and row["cot"] == pytest.approx(0.580)
    assert row["cot_gain"] == pytest.approx(0.402)
    assert g["flops"].is_monotonic_increasing
    fit = reasoning.fit_log_linear(g["flops"], g["cot_gain"], seed=0, n_boot=200)
    assert fit.intervals["m"][0] > 0  # CoT helps more at larger scale
    with pytest.raises(InputError):
        reasoning.post_training_gains(pd.DataFrame({"model": []}), pd.DataFrame())


def test_points_per_doubling_arc_o3():
    """ARC Prize o3 post (Chollet 2024; paper_numbers.md §9): 75.7% and 87.5% on the 100-task
    semi-private set, about 172x the compute: (87.5 - 75.7) / log2(172) = 1.589 points [D]."""
    value, (lo, hi) = reasoning.points_per_doubling(75.7, 87.5, 172, 100, n_boot=2000, seed=0)
    assert value == pytest.approx(11.8 / np.log2(172), rel=1e-12)
    assert lo < value < hi
    # binomial sd of the difference: sqrt(.757*.243/100 + .875*.125/100) = 5.3 points, /7.43
    # per doubling = 0.71; the 95% half-width is about 1.96 * 0.71 = 1.4 (measured 1.3-1.4)
    assert (hi - lo) / 2 == pytest.approx(1.96 * 0.0531 / np.log2(172) * 100, rel=0.15)
    with pytest.raises(InputError):
        reasoning.points_per_doubling(75.7, 87.5, 1.0, 100)
    with pytest.raises(InputError):
        reasoning.points_per_doubling(75.7, 187.5, 172, 100)


def test_arc_o3_semi_private_constants():
    """ARC Prize o3 post (Chollet 2024; paper_numbers.md §9): 75.7% (high-efficiency) and 87.5%
    (low-efficiency, about 172x the compute) on the 100-task semi-private set, as printed."""
    assert reasoning.ARC_O3_SEMI_PRIVATE == (75.7, 87.5, 172.0, 100)


# ------------------------------------- the exchange model's helpers used by this chapter


def test_exchange_reference_sizes_and_ratios():
    from scalinglaws.analyses import exchange

    assert exchange.reference_sizes(7e9).tolist() == [1e9, 3e9, 7e9, 3e10, 1e11]
    assert exchange.reference_sizes(5e9).tolist() == [1e9, 3e9, 5e9, 7e9, 3e10, 1e11]
    r = exchange.INFERENCE_RATIOS
    assert r.size == 57 and r[0] == pytest.approx(1e-5) and r[-1] == pytest.approx(1e2)
    # 7 decades in 56 steps: 8 values per decade
    assert np.allclose(np.diff(np.log10(r)), 7 / 56)


def test_exchange_breakeven_helpers():
    from scalinglaws.analyses import exchange

    link = exchange.LogisticLink(2.1, 0.1)
    sizes = [1e9, 7e9]
    r = exchange.breakeven_by_size("epoch", sizes, 14.0, link, -0.3)
    assert list(r) == sizes
    assert r[7e9] == exchange.breakeven_inference_ratio("epoch", 7e9, 14.0, link, -0.3)
    table = pd.DataFrame({"small_params": [1e9, 1e9, 7e9], "small_p1": [0.1, 0.1, 0.4]})
    assert exchange.breakeven_rises_with_success(table, {1e9: 0.001, 7e9: 0.01})
    assert not exchange.breakeven_rises_with_success(table, {1e9: 0.01, 7e9: 0.001})
    assert not exchange.breakeven_rises_with_success(table, {1e9: 0.0, 7e9: 0.0})  # flat
    # ordered by success, not by size: the smaller model succeeding more reverses the order
    flipped = pd.DataFrame({"small_params": [1e9, 7e9], "small_p1": [0.5, 0.2]})
    assert exchange.breakeven_rises_with_success(flipped, {1e9: 0.01, 7e9: 0.001})


def test_exchange_defined_interval():
    """Issue #11: fewer than 90% defined replicates give no interval (None) instead of an error."""
    from scalinglaws.analyses import exchange

    assert exchange.defined_interval([np.nan] * 10) is None
    assert exchange.defined_interval([1.0] * 9 + [np.nan]) == (1.0, 1.0)  # 90% defined
    assert exchange.defined_interval([1.0] * 8 + [np.nan] * 2) is None  # 80% defined
    assert exchange.defined_interval([0.0] + [np.inf] * 9) == (0.0, np.inf)

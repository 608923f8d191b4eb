"""Figures of the power-laws chapter (scalinglaws.figures.power_laws)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws import charts
from scalinglaws.errors import InputError
from scalinglaws.extrapolation import simulate_log_vs_linear
from scalinglaws.figures import power_laws


def test_estimator_histogram_counts_every_converged_fit():
    x = np.geomspace(1e6, 1e10, 9)
    sim = simulate_log_vs_linear(x, 100.0, 0.5, 0.2, 60, 3)
    fig = power_laws.estimator_histogram(sim, truth=0.5, n_points=9, sigma=0.2)
    assert isinstance(fig, charts.Figure)
    assert fig.title == "Same data, two estimators"
    assert "60 simulated data sets" in fig.caption and "0.5" in fig.alt
    spec = fig.chart.to_dict()
    bars = next(v for k, v in spec["datasets"].items() if "count" in v[0])
    total = sum(r["count"] for r in bars)
    assert total == int(sim["converged"].sum())
    # shared round edges: every bin starts on a multiple of the step
    widths = {round(r["end"] - r["start"], 12) for r in bars}
    assert len(widths) == 1
    step = widths.pop()
    assert all(abs(r["start"] / step - round(r["start"] / step)) < 1e-6 for r in bars)
    assert len(bars) <= 2 * 40


def test_estimator_histogram_stays_small_for_many_data_sets():
    """5,000 data sets per method (the chapter's largest n_sim) give a chart of bin counts."""
    rng = np.random.default_rng(0)
    sim = pd.DataFrame(
        {
            "method": ["log space"] * 5000 + ["linear space"] * 5000,
            "alpha_hat": np.concatenate([rng.normal(0.5, 0.02, 5000), rng.normal(0.5, 0.1, 5000)]),
            "converged": True,
        }
    )
    spec = power_laws.estimator_histogram(sim, truth=0.5, n_points=9, sigma=0.2).chart.to_dict()
    assert max(len(v) for v in spec["datasets"].values()) <= 80


def test_estimator_histogram_bad_input():
    with pytest.raises(InputError, match="simulate_log_vs_linear"):
        power_laws.estimator_histogram(pd.DataFrame({"a": [1]}), truth=0.5, n_points=9, sigma=0.2)
    empty = pd.DataFrame({"method": ["log space"], "alpha_hat": [0.5], "converged": [False]})
    with pytest.raises(InputError, match="no converged"):
        power_laws.estimator_histogram(empty, truth=0.5, n_points=9, sigma=0.2)

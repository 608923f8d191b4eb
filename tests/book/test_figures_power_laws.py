"""Figures of the power-laws chapter (scalinglaws.book.figures.power_laws)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analyses.extrapolation import (
    exponent_by_window,
    fit_floor,
    fit_loglog,
    holdout_study,
    simulate_log_vs_linear,
    sliding_window_fits,
)
from scalinglaws.book import charts
from scalinglaws.book.figures import power_laws
from scalinglaws.core.errors import InputError


def _marks(spec) -> list[str]:
    """Mark types of the (possibly nested) layers, in order."""
    out = []
    for layer in spec["layer"]:
        if "layer" in layer:
            out += _marks(layer)
        else:
            mark = layer["mark"]
            out.append(mark["type"] if isinstance(mark, dict) else mark)
    return out


def _rows(spec, column) -> list[list[dict]]:
    """The inline datasets that have ``column``."""
    return [v for v in spec["datasets"].values() if v and column in v[0]]


@pytest.fixture(scope="module")
def lam():
    """A hand-made Pythia-like table: 6 sizes on a saturating curve with a little noise."""
    n = np.array([7e7, 1.6e8, 4.1e8, 1.4e9, 2.8e9, 1.2e10])
    rng = np.random.default_rng(0)
    xent = (1.2 + 3e5 * n**-0.6) * np.exp(0.01 * rng.standard_normal(n.size))
    return pd.DataFrame(
        {
            "size": ["70m", "160m", "410m", "1.4b", "2.8b", "12b"],
            "params": n,
            "ppl": np.exp(xent),
            "xent": xent,
        }
    )


@pytest.fixture(scope="module")
def curve():
    """A hand-made L*(C) curve: 10 budgets, doubling from 1e16 FLOP."""
    c = 1e16 * 2.0 ** np.arange(10)
    loss = 1.9 + 150.0 * c**-0.12
    return pd.DataFrame({"flops": c, "loss_star": loss, "loss_star_std": 5e-4})


def test_pythia_loglog(lam):
    fit = fit_loglog(lam["params"], lam["xent"], n_boot=50, seed=0)
    fig = power_laws.pythia_loglog(lam, fit)
    assert isinstance(fig, charts.Figure)
    spec = fig.spec()
    assert _marks(spec) == ["area", "line", "point"]  # band, fitted line, the models
    titles = charts.spec_titles(spec)
    assert fig.title == "Pythia on LAMBADA: a power law, almost" and fig.title in titles
    assert "Parameters N (total, incl. embeddings)" in titles
    assert "LAMBADA cross-entropy (nats/word)" in titles
    assert "6 Pythia models" in fig.caption and "50-resample" in fig.caption
    assert f"alpha = {fit.alpha:.3f}" in fig.caption
    assert f"falling from {lam['xent'].iloc[0]:.2f} nats per word" in fig.alt
    assert len(_rows(spec, "ppl")[0]) == 6  # one point per model
    assert len(_rows(spec, "lo")[0]) == 60  # the band's grid
    with pytest.raises(InputError, match="lam"):
        power_laws.pythia_loglog(lam.drop(columns="ppl"), fit)


def test_window_exponents_draws_rounded_local_slope(lam):
    sat = fit_floor(lam["params"], lam["xent"], n_boot=30, seed=0)
    windows = sliding_window_fits(lam, 3, n_boot=30, seed=0)
    fig = power_laws.window_exponents(windows, sat, lam, 3)
    spec = fig.spec()
    assert _marks(spec) == ["line", "errorbar", "point"]
    titles = charts.spec_titles(spec)
    assert fig.title == "The fitted exponent depends on the window"
    assert "Parameters N (total, incl. embeddings)" in titles
    assert "Local exponent α (dimensionless)" in titles
    assert "fitted to 3 consecutive Pythia sizes" in fig.caption
    assert "all 6 models" in fig.caption and f"E = {sat.E:.2f}" in fig.caption
    assert fig.alt.startswith("Exponents of 4 sliding-window power-law fits")
    assert len(_rows(spec, "window")[0]) == 4  # 6 sizes, windows of 3
    local = next(v for v in spec["datasets"].values() if v and set(v[0]) == {"N_mid", "alpha"})
    assert len(local) == 60
    # the curve comes from the constants rounded to 4 significant digits: at the grid's first
    # point it is alpha (L - E) / L of those constants
    E, A, alpha = (float(f"{v:.4g}") for v in (sat.E, sat.A, sat.alpha))
    red = A * local[0]["N_mid"] ** -alpha
    assert local[0]["alpha"] == pytest.approx(alpha * red / (E + red), rel=1e-5)
    with pytest.raises(InputError, match="windows"):
        power_laws.window_exponents(windows.drop(columns="lo"), sat, lam, 3)


def test_extrapolation_bands(curve):
    study = holdout_study(curve, 6, n_boot=30, seed=0)
    fig = power_laws.extrapolation_bands(study, dataset_name="RefinedWeb", label="Some Label")
    spec = fig.spec()
    assert _marks(spec) == ["rect", "area", "line", "point"]  # window, bands, lines, budgets
    titles = charts.spec_titles(spec)
    assert fig.title == "Fit small, predict large"
    assert "Training compute C (FLOP)" in titles
    assert "Compute-optimal loss L* (nats/token)" in titles
    assert "Fitted law" in titles and "Budget" in titles
    assert "(RefinedWeb, some label)" in fig.caption and "6 smallest budgets" in fig.caption
    assert "30 resamples" in fig.caption
    assert "10 points" in fig.alt
    budgets = _rows(spec, "used")[0]
    assert [r["used"] for r in budgets] == ["fitted"] * 6 + ["held out"] * 4
    bands = _rows(spec, "law")[0]
    assert len(bands) == 2 * 80 and {r["law"] for r in bands} == {
        "saturating E + A·C^-α",
        "plain power law A·C^-α",
    }


def test_exponent_drift(curve):
    by_window = exponent_by_window(curve, n_boot=30, seed=0)
    fig = power_laws.exponent_drift(by_window, dataset_name="OpenWebText2", label="X", n_boot=30)
    spec = fig.spec()
    assert _marks(spec) == ["errorbar", "point"]
    titles = charts.spec_titles(spec)
    assert fig.title == "The exponent moves with the window"
    assert "Largest budget in the fit window (FLOP)" in titles
    assert "Fitted exponent α (dimensionless)" in titles
    assert "(30 resamples)" in fig.caption and "(OpenWebText2, x, validation loss)" in fig.caption
    assert "plain power law's exponent goes from" in fig.alt
    assert len(_rows(spec, "C_max")[0]) == 2 * 6  # windows of 5..10 budgets, two laws each
    with pytest.raises(InputError, match="both laws"):
        power_laws.exponent_drift(
            by_window[by_window["law"].str.startswith("plain")],
            dataset_name="x",
            label="x",
            n_boot=30,
        )


def test_estimator_histogram_counts_every_converged_fit():
    x = np.geomspace(1e6, 1e10, 9)
    sim = simulate_log_vs_linear(x, 100.0, 0.5, 0.2, 60, 3)
    fig = power_laws.estimator_histogram(sim, truth=0.5, n_points=9, sigma=0.2)
    assert isinstance(fig, charts.Figure)
    assert fig.title == "Same data, two estimators"
    assert "60 simulated data sets" in fig.caption and "0.5" in fig.alt
    spec = fig.chart.to_dict()
    assert _marks(spec) == ["bar", "rule"]
    titles = charts.spec_titles(spec)
    assert "Fitted exponent α (dimensionless)" in titles
    assert "Simulated data sets (count)" in titles
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

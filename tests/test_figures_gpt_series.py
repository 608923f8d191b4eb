"""Figures of the GPT-series chapter (scalinglaws.figures.gpt_series) and the band behind them."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from scalinglaws import charts
from scalinglaws import gpt_series as gs
from scalinglaws.errors import InputError
from scalinglaws.figures import gpt_series as fig

os.environ.setdefault("SCALINGLAWS_DATA_MIRROR", "/work/shared/data")

GRID = np.geomspace(1e18, 1e26, 12)


@pytest.fixture(scope="module")
def band() -> pd.DataFrame:
    return gs.chinchilla_band(GRID, n_boot=200, seed=3)


def test_chinchilla_band_brackets_the_canonical_line(band):
    """The band holds the canonical law's line, which is the Chinchilla-form row of
    frontier_lines; at GPT-3's budget it agrees with uncertainty.propagate on the same cloud."""
    from scalinglaws.allocation import compute_optimal
    from scalinglaws.uncertainty import propagate

    lines = gs.frontier_lines(GRID)
    canon = lines[lines["rule"] != "Kaplan et al. 2020"]["params"].to_numpy()
    assert np.allclose(band["params"], canon, rtol=1e-12)
    assert (band["lo"] <= band["params"]).all() and (band["params"] <= band["hi"]).all()
    one = gs.chinchilla_band([3.14e23], n_boot=200, seed=3).iloc[0]
    iv = propagate(lambda law: compute_optimal(3.14e23, law).params, n_boot=200, seed=3)
    assert (one["lo"], one["hi"]) == pytest.approx((iv.lo, iv.hi), rel=1e-9)
    with pytest.raises(InputError):
        gs.chinchilla_band([-1.0])
    with pytest.raises(InputError, match="level"):
        gs.chinchilla_band([1e20], level=1.5)


def test_allocation_frontier_figure(band):
    f = fig.allocation_frontier(
        gs.series_table(),
        gs.gpt3_family(),
        gs.frontier_lines(GRID),
        band,
        level=0.95,
        n_boot=200,
    )
    assert isinstance(f, charts.Figure)
    assert f.title and "95% bootstrap band (200 resamples" in f.caption
    # GPT-1 and GPT-2 are small for their compute under both rules, GPT-3 between the rules
    assert "GPT-1 and GPT-2 lie below both lines" in f.alt
    assert "GPT-3 175B lies between them" in f.alt
    spec = f.chart.to_dict()
    text = str(spec)
    assert "Training compute C (FLOP)" in text and "Parameters N" in text
    with pytest.raises(InputError, match="band must be"):
        fig.allocation_frontier(
            gs.series_table(),
            gs.gpt3_family(),
            gs.frontier_lines(GRID),
            pd.DataFrame({"x": [1]}),
            level=0.95,
            n_boot=200,
        )

"""Tests for scalinglaws.analyses.datawall (Villalobos et al. 2024 data-wall projection)."""

import numpy as np
import pytest
from scipy.stats import lognorm

from scalinglaws.analyses import datawall as dw
from scalinglaws.analyses import trends
from scalinglaws.core.errors import InputError
from scalinglaws.data import load


@pytest.fixture(scope="module")
def fit():
    m = load("epoch_notable_models")
    return trends.fit_growth(
        m,
        quantity="dataset_size_tokens",
        language_only=True,
        frontier_only=True,
        start="2010-01-01",
        end="2025-02-28",
        n_boot=1000,
        seed=42,
    )


def test_stock_lognormal_matches_90pct_interval():
    """Villalobos et al. 2024 abstract: 90 % interval 100T-1000T tokens."""
    mu, sigma = dw.stock_lognormal()
    d = lognorm(s=sigma, scale=np.exp(mu))
    assert d.ppf(0.05) == pytest.approx(100e12, rel=1e-9)
    assert d.ppf(0.95) == pytest.approx(1000e12, rel=1e-9)


def test_year_of_full_use_algebra():
    assert dw.year_of_full_use(1.0, 12.0, 1e14, ref_year=2020.0) == pytest.approx(2022.0)
    assert dw.year_of_full_use(1.0, 12.0, 1e14, ref_year=2020.0, overtrain=100) == pytest.approx(
        2021.0
    )
    with pytest.raises(InputError):
        dw.year_of_full_use(-0.1, 12.0, 1e14, ref_year=2020.0)


def test_mc_against_paper(fit):
    """Villalobos et al. 2024 (abstract, Fig. 1): median 2028, 80 % interval 2026-2032.
    Our different data and trend give a median within one year and an interval inside theirs."""
    r = dw.data_wall_mc(fit, n_mc=20000, seed=42)
    assert abs(r.median - dw.PAPER_YEAR_MEDIAN) < 1.5
    assert dw.PAPER_YEAR_INTERVAL[0] - 0.5 <= r.interval[0] < r.median < r.interval[1]
    assert r.interval[1] <= dw.PAPER_YEAR_INTERVAL[1] + 0.5
    again = dw.data_wall_mc(fit, n_mc=20000, seed=42)
    assert again.median == r.median  # seeded


def test_overtraining_moves_earlier(fit):
    """Villalobos et al. (Epoch post summary): 5x over-training -> about 2027, 100x -> 2025."""
    base = dw.data_wall_mc(fit, n_mc=5000, seed=1)
    ot5 = dw.data_wall_mc(fit, n_mc=5000, seed=1, overtrain=5.0)
    ot100 = dw.data_wall_mc(fit, n_mc=5000, seed=1, overtrain=100.0)
    assert ot100.median < ot5.median < base.median
    shift = dw.overtraining_shift_years(fit.slope, 100.0)
    assert base.point - ot100.point == pytest.approx(shift, rel=1e-9)


def test_epoch_value_muennighoff():
    """Muennighoff et al. 2023: ~4 epochs nearly as good as new data; little gain past ~16."""
    t = dw.epoch_value([1, 4, 16, 64])
    assert t["value_of_repeats"].iloc[0] == 1.0
    assert t["value_of_repeats"].iloc[1] > 0.9
    assert t["effective_epochs"].iloc[3] - t["effective_epochs"].iloc[2] < 6
    assert t["effective_epochs"].iloc[3] < 1 + 15.387756
    with pytest.raises(InputError):
        dw.epoch_value([0.5])


def test_mc_bad_input(fit):
    with pytest.raises(InputError):
        dw.data_wall_mc(fit, n_mc=10)
    with pytest.raises(InputError):
        dw.data_wall_mc("nope")


def test_overtraining_shifts_against_villalobos(fit):
    """Villalobos et al. 2024 (Epoch post, as summarised; reference sheet §8, [V1]): full use in
    2028 without over-training, 2027 with 5x and 2025 with 100x, each printed to the year.

    The method differs: they derive dataset sizes from projected compute, we extrapolate the
    training-set sizes of Epoch's frontier models and shift the trend by log10(sqrt(O)) / s. Our
    baseline median differs from their 2028 (tested above, within 1.5 years), and that offset
    carries over to every over-trained year, so we compare the shifts from the baseline, the part
    the over-training argument determines. Each printed year is rounded to the year (+-0.5), so a
    printed shift (1 and 3 years) is known to +-1 year: tolerance 1.0 year. With 2010-2025 data
    the slope would have to lie between log10(1.78) and log10(3.16) per year for the 100x shift to
    pass, so the test can fail.
    """
    base = dw.data_wall_mc(fit, n_mc=20000, seed=42)
    for o, printed in dw.PAPER_OVERTRAIN_YEARS.items():
        ot = dw.data_wall_mc(fit, n_mc=20000, seed=42, overtrain=o)
        ours = base.median - ot.median
        assert ours == pytest.approx(dw.PAPER_YEAR_MEDIAN - printed, abs=1.0), o
    assert dw.PAPER_OVERTRAIN_YEARS == {5.0: 2027.0, 100.0: 2025.0}

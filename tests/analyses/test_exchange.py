"""Tests for scalinglaws.analyses.exchange: the test-time / train-time exchange model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scalinglaws.analyses import coverage, exchange
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import HOFFMANN

LINK = exchange.LogisticLink(loss_mid=2.1, scale=0.1)
B_SWE = coverage.coverage_exponent_from_anchors(*coverage.COVERAGE_ANCHORS["swe-bench-lite"])


def test_logistic_link():
    assert LINK.p1(2.1) == pytest.approx(0.5)
    assert LINK.p1(2.1 - 0.2) == pytest.approx(1 / (1 + math.exp(-2)))
    p = LINK.p1([1.8, 2.0, 2.4])
    assert np.all(np.diff(p) < 0)
    for bad in ((0.0, 0.1), (2.0, -0.1), (float("nan"), 0.1)):
        with pytest.raises(InputError):
            exchange.LogisticLink(*bad)
    with pytest.raises(InputError):
        LINK.p1(-1.0)


def test_inference_flops():
    assert exchange.inference_flops(7e9, 1000, 4) == pytest.approx(2 * 7e9 * 1000 * 4)
    with pytest.raises(InputError):
        exchange.inference_flops(-1, 10)


def test_matched_samples_balances_total_flops():
    ns, m, r = 1e9, 14.0, 0.3
    k = exchange.matched_samples(HOFFMANN, ns, m, r)
    t = exchange.exchange_table(HOFFMANN, ns, m, r, LINK, B_SWE).iloc[0]
    d_inf = r * t["train_flops_large"] / (6 * t["large_params"])
    small_total = t["train_flops_small"] + 2 * ns * k * d_inf
    large_total = t["train_flops_large"] + 2 * m * ns * d_inf
    assert small_total == pytest.approx(large_total, rel=1e-12)
    # large inference demand -> matched inference FLOPs, k -> multiplier
    assert exchange.matched_samples(HOFFMANN, ns, m, 1e9) == pytest.approx(m, rel=1e-6)
    with pytest.raises(InputError):
        exchange.matched_samples(HOFFMANN, ns, 0.5, r)


def test_exchange_table_columns_and_logic():
    t = exchange.exchange_table(HOFFMANN, [1e9, 3e10], [4, 14], [0.01, 1.0], LINK, B_SWE)
    assert len(t) == 8
    assert (t["large_params"] == t["small_params"] * t["multiplier"]).all()
    assert (t["test_time_better"] == (t["small_coverage"] > t["large_p1"])).all()
    cov = np.exp(np.log(t["small_p1"]) * t["k"] ** B_SWE)
    assert np.allclose(t["small_coverage"], cov)
    with pytest.raises(InputError):
        exchange.exchange_table(HOFFMANN, 1e9, 14, 1.0, LINK, 0.2)  # b must be negative
    with pytest.raises(InputError):
        exchange.exchange_table("kaplan", 1e9, 14, 1.0, LINK, B_SWE)
    with pytest.raises(InputError):
        exchange.exchange_table(HOFFMANN, 1e9, 14, 1.0, "logistic", B_SWE)


def test_breakeven_inference_ratio_is_a_root():
    r = exchange.breakeven_inference_ratio(HOFFMANN, 3e10, 14, LINK, B_SWE)
    assert 0 < r < np.inf
    t = exchange.exchange_table(HOFFMANN, 3e10, 14, [r * 0.9, r, r * 1.1], LINK, B_SWE)
    # brentq root in log R (xtol 1e-10); the advantage moves ~0.01 per unit of log R, so the
    # residual is <= ~1e-12 (measured 0.0)
    assert abs(t["advantage"].iloc[1]) < 1e-8
    assert t["test_time_better"].iloc[0] and not t["test_time_better"].iloc[2]


def test_effective_multiplier():
    m = exchange.effective_multiplier(HOFFMANN, 7e9, [1, 4, 16, 256], LINK, B_SWE)
    assert m[0] == pytest.approx(1.0)
    assert np.all(np.diff(m) > 0)
    # the matched model's single-sample success equals the small model's k-sample coverage
    t = exchange.exchange_table(HOFFMANN, 7e9, [m[2]], [1e6], LINK, B_SWE).iloc[0]
    p_s = t["small_p1"]
    # m[2] is a brentq root in log m (xtol 1e-10): the residual in p1 is ~1e-11 (measured 2e-12)
    assert t["large_p1"] == pytest.approx(math.exp(math.log(p_s) * 16**B_SWE), abs=1e-8)
    # a coverage beyond what any model can reach under the law gives inf
    huge = exchange.effective_multiplier(HOFFMANN, 7e9, [1e12], LINK, -0.9, max_multiplier=1e3)
    assert np.isinf(huge[0])


def test_exchange_draws_match_the_point_functions():
    laws = [HOFFMANN, "epoch", HOFFMANN]
    bs = [B_SWE, -0.3, 0.1]  # the last exponent is invalid and gives nan
    d = exchange.exchange_draws(laws, bs, 7e9, 14, 16, LINK)
    assert list(d.columns) == ["b", "small_p1", "large_p1", "multiplier_eq", "breakeven"]
    m = exchange.effective_multiplier(HOFFMANN, 7e9, [16], LINK, B_SWE)[0]
    r = exchange.breakeven_inference_ratio("epoch", 7e9, 14, LINK, -0.3)
    assert d["multiplier_eq"].iloc[0] == pytest.approx(m, rel=1e-12)
    assert d["breakeven"].iloc[1] == pytest.approx(r, rel=1e-12)
    assert d.iloc[2][["multiplier_eq", "breakeven"]].isna().all()
    # a single law is repeated for every exponent
    one = exchange.exchange_draws(HOFFMANN, [B_SWE, B_SWE], 7e9, 14, 16, LINK)
    assert one["multiplier_eq"].iloc[1] == pytest.approx(m, rel=1e-12)
    with pytest.raises(InputError):
        exchange.exchange_draws([HOFFMANN], [B_SWE, B_SWE], 7e9, 14, 16, LINK)


def test_percentile_interval_keeps_infinite_ends():
    v = np.concatenate([np.arange(1.0, 101.0), [np.inf] * 10])
    lo, hi = exchange.percentile_interval(v)
    assert lo == pytest.approx(3.0) and np.isinf(hi)
    lo, hi = exchange.percentile_interval(np.arange(1.0, 101.0))
    assert (lo, hi) == (3.0, 98.0)  # inverted_cdf: the 2.5% and 97.5% order statistics
    with pytest.raises(InputError):
        exchange.percentile_interval([1.0, np.nan, np.nan])


@pytest.mark.parametrize("mid", [1.0, 4.0])
def test_saturated_link_has_nothing_to_exchange(mid):
    """A steep link centred far from the small model's loss gives it success exactly 0 or 1 in
    floating point: k samples then succeed exactly as often as one, so the multiplier is 1."""
    link = exchange.LogisticLink(mid, 0.01)
    p = exchange.small_success("epoch", 1e9, link)
    assert p in (0.0, 1.0)
    m = exchange.effective_multiplier("epoch", 1e9, [1, 16, 1000], link, -0.3)
    np.testing.assert_array_equal(m, [1.0, 1.0, 1.0])

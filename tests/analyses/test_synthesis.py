"""Tests for scalinglaws.analyses.synthesis: unit conversions between the book's headline numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scalinglaws.analyses import (
    coverage,
    datawall,
    exchange,
    slowdown,
    synthesis,
    trends,
    uncertainty,
)
from scalinglaws.analyses.uncertainty import percentile_interval
from scalinglaws.book import chapters
from scalinglaws.core.allocation import compute_optimal, flops_for_optimal_params, optimal_tokens
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import DEFAULT_LAW, EPOCH, HOFFMANN
from scalinglaws.data import load


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


@pytest.mark.parametrize("law", [EPOCH, HOFFMANN], ids=["canonical", "hoffmann-history"])
def test_next_loss_step_matches_slowdown_ladder(compute_fit, law):
    step = synthesis.next_loss_step(law, 3.8e25, 0.05, compute_fit)
    ladder = slowdown.loss_drop_ladder(law, start_flops=3.8e25, delta=0.05, n_steps=1)
    assert step.multiplier == pytest.approx(ladder["step_multiplier"].iloc[1], rel=1e-9)
    assert step.flops == pytest.approx(ladder["flops"].iloc[1], rel=1e-9)
    assert step.target_loss == pytest.approx(step.start_loss - 0.05)
    alloc = compute_optimal(step.flops, law)
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


def test_next_loss_step_refuses_a_step_below_the_floor(compute_fit):
    """With the canonical law (Besiroglu et al. 2024's refit, E = 1.817) the optimum at the
    Llama 3 405B budget, 3.8e25 FLOP, lies within 0.1 nats/token of the floor: a 0.1 drop is
    impossible, whatever the budget."""
    left = slowdown.frontier_loss(3.8e25, EPOCH) - EPOCH.E
    assert 0.05 < left < 0.1
    with pytest.raises(InputError, match="irreducible loss"):
        synthesis.next_loss_step(EPOCH, 3.8e25, 0.1, compute_fit)
    synthesis.next_loss_step(HOFFMANN, 3.8e25, 0.1, compute_fit)  # Hoffmann's floor is lower


def test_percentile_interval_matches_numpy_and_marks_unbounded_ends():
    rng = np.random.default_rng(0)
    x = rng.lognormal(size=999)
    assert percentile_interval(x, 0.95) == pytest.approx(
        tuple(np.quantile(x, [0.025, 0.975])), rel=1e-12
    )
    y = np.concatenate([x[:950], np.full(49, np.inf)])  # 4.9% unbounded: the upper end is
    lo, hi = percentile_interval(y, 0.95)
    assert hi == math.inf and lo == pytest.approx(
        np.quantile(x[:950], 0.025 * 998 / 949), rel=1e-12
    )
    y = np.concatenate([x[:990], np.full(9, np.inf)])  # 0.9% unbounded: both ends finite
    assert all(map(math.isfinite, percentile_interval(y, 0.95)))


def test_next_step_uncertainty_equals_propagate_when_every_resample_reaches_the_target(
    compute_fit,
):
    """Far from the floor (1e23 FLOP) no resample is left out, so the intervals are exactly those
    of uncertainty.propagate over the same cloud, and the point values those of next_loss_step."""
    c0, d = 1e23, 0.05
    u = synthesis.next_step_uncertainty(c0, d, compute_fit, n_boot=200, seed=42)
    step = synthesis.next_loss_step(DEFAULT_LAW, c0, d, compute_fit)
    assert u.possible and u.n == 200 and u.n_impossible == 0
    assert u.multiplier == pytest.approx(step.multiplier, rel=1e-12)
    assert u.params == pytest.approx(step.params, rel=1e-12)
    assert u.tokens == pytest.approx(step.tokens, rel=1e-12)
    assert u.years == pytest.approx(step.years, rel=1e-12)

    def price(law):
        return slowdown.flops_for_loss(slowdown.frontier_loss(c0, law) - d, law) / c0

    def tokens(law):
        return compute_optimal(price(law) * c0, law).tokens

    for f, ci in ((price, u.multiplier_ci), (tokens, u.tokens_ci)):
        iv = uncertainty.propagate(f, n_boot=200, seed=42)
        assert (iv.lo, iv.hi) == pytest.approx(ci, rel=1e-9)
    assert u.multiplier_ci[0] < u.multiplier < u.multiplier_ci[1]
    assert u.years_ci[0] < u.years < u.years_ci[1]
    # the years interval carries the law's and the trend's uncertainty: wider than the trend's
    trend_only = step.years_ci
    assert u.years_ci[1] - u.years_ci[0] > trend_only[1] - trend_only[0]


def test_next_step_uncertainty_near_the_floor(compute_fit):
    """Close to the floor some resamples cannot reach the target: they count as an unbounded
    price, so the interval has no upper end once they exceed the 2.5% tail."""
    c0, d = 3.8e25, 0.07
    laws = uncertainty.law_samples(200, 42)
    below = sum(slowdown.frontier_loss(c0, lw) - d <= lw.E for lw in laws)
    u = synthesis.next_step_uncertainty(c0, d, compute_fit, n_boot=200, seed=42)
    assert u.possible and u.n_impossible == below and below > 0.025 * 200
    assert math.isfinite(u.multiplier_ci[0]) and u.multiplier_ci[1] == math.inf
    assert u.tokens_ci[1] == math.inf and u.years_ci[1] == math.inf
    with pytest.raises(InputError):  # propagate refuses: too many resamples undefined
        uncertainty.propagate(
            lambda law: slowdown.flops_for_loss(slowdown.frontier_loss(c0, law) - d, law),
            n_boot=200,
            seed=42,
        )


def test_next_step_uncertainty_impossible_step(compute_fit):
    u = synthesis.next_step_uncertainty(3.8e25, 0.5, compute_fit, n_boot=200, seed=42)
    assert not u.possible and u.n_impossible == u.n == 200
    assert u.multiplier == u.tokens == u.years == math.inf
    with pytest.raises(InputError):
        synthesis.next_step_uncertainty(3.8e25, -0.5, compute_fit, n_boot=200, seed=42)
    with pytest.raises(InputError):
        synthesis.next_step_uncertainty(3.8e25, 0.05, "fit", n_boot=200, seed=42)
    with pytest.raises(InputError):
        synthesis.next_step_uncertainty(3.8e25, 0.05, compute_fit, n_boot=10, seed=42)


def test_law_interval():
    def e(law):
        return law.E

    iv = synthesis.law_interval(e, n_boot=200, seed=42)
    ref = uncertainty.propagate(e, n_boot=200, seed=42)
    assert (iv.value, iv.lo, iv.hi, iv.n) == pytest.approx((ref.value, ref.lo, ref.hi, ref.n))
    assert iv.value == EPOCH.E and iv.lo < EPOCH.E < iv.hi
    cut = np.quantile([lw.E for lw in uncertainty.law_samples(200, 42)], 0.9)
    open_iv = synthesis.law_interval(
        lambda law: law.E if law.E < cut else math.inf, n_boot=200, seed=42
    )
    assert open_iv.hi == math.inf and open_iv.n == 180 and math.isfinite(open_iv.lo)
    with pytest.raises(InputError):
        synthesis.law_interval(lambda law: math.nan, n_boot=200, seed=42)
    with pytest.raises(InputError):
        synthesis.law_interval("E", n_boot=200, seed=42)


def test_reducible_loss_and_its_interval():
    """The loss left above the floor at 3.8e25 FLOP is L(C) - E, and the canonical law's bootstrap
    brackets it; the frontier loss's interval brackets the frontier loss."""
    c0 = 3.8e25
    left = synthesis.reducible_loss(EPOCH, c0)
    assert left == pytest.approx(float(slowdown.frontier_loss(c0, EPOCH)) - EPOCH.E, rel=1e-12)
    assert 0.05 < left < 0.1  # as test_next_loss_step_refuses_a_step_below_the_floor
    assert synthesis.reducible_loss("hoffmann", c0) > left  # Hoffmann's floor is lower
    gap = synthesis.reducible_loss_interval(c0, n_boot=200, seed=42)
    loss = synthesis.frontier_loss_interval(c0, n_boot=200, seed=42)
    assert gap.value == pytest.approx(left, rel=1e-12) and gap.lo < left < gap.hi
    assert loss.value == pytest.approx(float(slowdown.frontier_loss(c0, EPOCH)), rel=1e-12)
    assert loss.lo < loss.value < loss.hi and gap.n == loss.n == 200
    for bad in (-1.0, [1e25, 1e26], "big"):
        with pytest.raises(InputError):
            synthesis.reducible_loss(EPOCH, bad)
        with pytest.raises(InputError):
            synthesis.frontier_loss_interval(bad, n_boot=200, seed=42)


def test_stock_shares():
    """Villalobos et al. 2024: median stock 300T tokens, 90% interval 100T-1000T."""
    assert synthesis.stock_shares(300e12) == pytest.approx((1.0, 0.3, 3.0))
    assert synthesis.stock_shares(math.inf) == (math.inf, math.inf, math.inf)
    assert datawall.STOCK_LO < datawall.STOCK_MEDIAN < datawall.STOCK_HI
    for bad in (0.0, -1.0, math.nan, "many", None):
        with pytest.raises(InputError):
            synthesis.stock_shares(bad)


B_SWE = coverage.coverage_exponent_from_anchors(*coverage.COVERAGE_ANCHORS["swe-bench-lite"])


def test_exchange_rate_prices_samples_in_parameters_compute_and_years(compute_fit):
    """One sample from the matched model succeeds as often as k samples from the small one
    (Brown et al.'s coverage law, exp(ln(p1) k^b)); its compute follows N_opt ∝ C^a."""
    link = exchange.LogisticLink(2.1, 0.1)
    ex = synthesis.exchange_rate(EPOCH, 7e9, 16, link, B_SWE, compute_fit, n_boot=100, seed=42)
    assert ex.priced and not ex.saturated and 0 < ex.small_success < 1
    assert ex.multiplier > 1
    n_eq = 7e9 * ex.multiplier
    d_eq = optimal_tokens(flops_for_optimal_params(n_eq, EPOCH), EPOCH)
    p_eq = link.p1(EPOCH.loss(n_eq, d_eq))
    assert p_eq == pytest.approx(ex.small_success ** (16**B_SWE), rel=1e-6)
    a = EPOCH.beta / (EPOCH.alpha + EPOCH.beta)
    assert ex.compute_multiplier == pytest.approx(ex.multiplier ** (1 / a), rel=1e-9)
    assert ex.years == pytest.approx(
        math.log(ex.compute_multiplier) / math.log(compute_fit.growth_per_year), rel=1e-12
    )
    assert ex.years_ci[0] < ex.years < ex.years_ci[1]
    iv = ex.interval
    assert iv is not None and iv.value == pytest.approx(ex.multiplier, rel=1e-9)
    assert iv.lo <= ex.multiplier <= iv.hi and iv.n <= 100
    # printed constants: a value, no bootstrap cloud, no interval
    hist = synthesis.exchange_rate(HOFFMANN, 7e9, 16, link, B_SWE, compute_fit, n_boot=100)
    assert hist.priced and hist.interval is None and hist.law == HOFFMANN.name


@pytest.mark.parametrize(("mid", "success"), [(1.0, 0.0), (4.0, 1.0)])
def test_exchange_rate_saturated_link_is_not_an_error(compute_fit, mid, success):
    """A steep link (scale 0.01) far from the small model's loss (about 2.2 nats/token) gives
    it success exactly 0 or 1: more samples change nothing, so there is no rate and no interval."""
    link = exchange.LogisticLink(mid, 0.01)
    ex = synthesis.exchange_rate(EPOCH, 7e9, 16, link, B_SWE, compute_fit, n_boot=100, seed=42)
    assert ex.saturated and not ex.priced and ex.small_success == success
    assert ex.interval is None and math.isnan(ex.multiplier) and math.isnan(ex.years)


def test_exchange_rate_without_a_matching_model(compute_fit):
    """A flat link (scale 1 nat/token) barely rewards size: no model up to 1e9 times larger
    matches 16 samples, so the rate is unbounded, not an error."""
    link = exchange.LogisticLink(2.1, 1.0)
    ex = synthesis.exchange_rate(EPOCH, 7e9, 16, link, B_SWE, compute_fit, n_boot=100, seed=42)
    assert not ex.saturated and not ex.priced
    assert ex.multiplier == ex.compute_multiplier == ex.years == math.inf
    assert ex.interval is not None and ex.interval.hi == math.inf


def test_exchange_rate_bad_input(compute_fit):
    link = exchange.LogisticLink(2.1, 0.1)
    with pytest.raises(InputError):
        synthesis.exchange_rate(EPOCH, 7e9, 16, link, B_SWE, "fit")
    for k in (0, True, 2.5):
        with pytest.raises(InputError):
            synthesis.exchange_rate(EPOCH, 7e9, k, link, B_SWE, compute_fit)
    with pytest.raises(InputError):
        synthesis.exchange_rate(EPOCH, [7e9, 1e10], 16, link, B_SWE, compute_fit)
    with pytest.raises(InputError):
        synthesis.exchange_rate("kaplan", 7e9, 16, link, B_SWE, compute_fit)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # far from the floor: the step is cheap and needs a sliver of the stock
        (
            {"start_flops": 1e20},
            {"next_step_text": "true", "next_data_binds": "false", "next_data_maybe": "false"},
        ),
        # at 1e30 FLOP the canonical law has less than 0.05 nats/token left above its floor
        ({"start_flops": 1e30}, {"next_step_text": "false", "next_reason": "false"}),
        ({"loss_step": 0.5}, {"next_step_text": "false", "next_share_text": "false"}),
        # close to the floor: a price with an open interval, and more tokens than any stock
        ({"loss_step": 0.07}, {"next_impossible_note": "true", "next_data_binds": "true"}),
        ({"law": "hoffmann"}, {"next_law_text": "false", "next_l0_ci": "false"}),
        ({"overtrain": 1.0}, {"next_ot_text": "false"}),
        ({"link_scale": 1.0}, {"next_eff_text": "false", "next_eff_none": "false"}),
        # a steep link far from the small model's loss saturates: nothing to exchange (issue #11)
        (
            {"link_loss_mid": 1.0, "link_scale": 0.01},
            {"next_eff_text": "false", "next_eff_none": "true"},
        ),
        (
            {"link_loss_mid": 4.0, "link_scale": 0.01},
            {"next_eff_text": "false", "next_eff_none": "true"},
        ),
    ],
)
def test_what_next_prose_follows_the_numbers(tmp_path, params, expected):
    """The chapter's data-dependent sentences take the branch the numbers dictate at the ends of
    its declared ranges (read from the glued ``<name>__holds`` records)."""
    import json

    out = chapters.run("what-next", {**params, "n_boot": 50, "n_mc": 1000}, tmp_path / "x.ipynb")
    nb = json.loads(out.read_text())
    holds = {}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            assert o["output_type"] != "error"
            scrap = o.get("metadata", {}).get("scrapbook", {})
            if scrap.get("name", "").endswith("__holds"):
                data = o["data"][scrap["mime_prefix"] + "text/markdown"]
                holds[scrap["name"].removesuffix("__holds")] = data
    assert {k: holds.get(k) for k in expected} == expected

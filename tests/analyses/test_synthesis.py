"""Tests for scalinglaws.analyses.synthesis: unit conversions between the book's headline numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analyses import (
    coverage,
    data_constrained,
    datawall,
    exchange,
    rl_compute,
    slowdown,
    synthesis,
    trends,
    uncertainty,
)
from scalinglaws.analyses.synthesis import AxisCost
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
@pytest.mark.executes
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


# ------------------------------------------------------------------ seven ways to scale


def test_term_multiplier_first_principles():
    """1/X**0.5 = 0.1 at X = 100; a drop of 0.05 needs 1/X**0.5 = 0.05, X = 400: a factor 4."""
    assert synthesis.term_multiplier(0.1, 0.05, 0.5) == pytest.approx(4.0)
    assert synthesis.term_multiplier(0.1, 0.1, 0.5) == math.inf  # the whole term: impossible
    assert synthesis.term_multiplier(0.1, 0.2, 0.5) == math.inf


@pytest.mark.parametrize("law", [EPOCH, HOFFMANN], ids=["canonical", "hoffmann"])
def test_single_axis_multipliers_buy_exactly_the_drop(law):
    """Growing N (or D) by the factor lowers L(N, D) by exactly delta (a property of the law)."""
    a = compute_optimal(3.8e25, law)
    n, d = a.params, a.tokens
    for delta in (0.002, 0.01, 0.02):
        mn = synthesis.params_multiplier_for_drop(law, n, d, delta)
        md = synthesis.tokens_multiplier_for_drop(law, n, d, delta)
        assert law.loss(n, d) - law.loss(n * mn, d) == pytest.approx(delta, rel=1e-9)
        assert law.loss(n, d) - law.loss(n, d * md) == pytest.approx(delta, rel=1e-9)
    # the parameter term A/N^alpha is all that parameters alone can remove
    term = law.A / n**law.alpha
    assert synthesis.params_multiplier_for_drop(law, n, d, term) == math.inf


def test_epochs_for_effective_data_inverts_muennighoff():
    """Round trip through data_constrained.effective_data, the published R_D* = 15.39, and the
    README's reading that 4 epochs are worth nearly 4 fresh passes (3.73 at R_D* = 15.39)."""
    r = data_constrained.PUBLISHED["R_D_star"]
    for m in (1.0, 1.5, 3.0, 10.0):
        e = synthesis.epochs_for_effective_data(m, r)
        assert data_constrained.effective_data(e * 1e9, 1e9, r) == pytest.approx(m * 1e9, rel=1e-9)
    worth_4 = 1 + r * (1 - math.exp(-3 / r))
    assert worth_4 == pytest.approx(3.73, abs=0.01)
    assert synthesis.epochs_for_effective_data(worth_4, r) == pytest.approx(4.0)
    assert synthesis.epochs_for_effective_data(1 + r, r) == math.inf  # at most (1 + R_D*) U
    assert synthesis.epochs_for_effective_data(2.5, math.inf) == 2.5  # repeats = fresh tokens
    with pytest.raises(InputError):
        synthesis.epochs_for_effective_data(0.5, r)


def test_axis_parameters_and_data_canonical():
    p = synthesis.axis_parameters(EPOCH, 3.8e25, 0.01, n_boot=100, seed=1)
    d = synthesis.axis_data(EPOCH, 3.8e25, 0.01, n_boot=100, seed=1)
    co = synthesis.axis_compute_optimal(EPOCH, 3.8e25, 0.01, n_boot=100, seed=1)
    for row in (p, d, co):
        assert isinstance(row, AxisCost) and row.unit == synthesis.PRETRAINING
        assert row.identified and row.lo < row.value < row.hi
    assert p.inference == p.value  # a larger model costs that much more per query
    assert d.inference == 1.0
    # the compute-optimal step is the cheapest way to buy the drop (it minimises C at each loss)
    assert co.value <= p.value and co.value <= d.value
    a = compute_optimal(3.8e25, EPOCH)
    share = d.value * a.tokens / datawall.STOCK_MEDIAN
    assert f"{100 * share:.2g}%" in d.limit
    # equal to the frontier step of the four numbers (slowdown.flops_for_loss)
    target = slowdown.frontier_loss(3.8e25, EPOCH) - 0.01
    assert co.value == pytest.approx(slowdown.flops_for_loss(target, EPOCH) / 3.8e25)


def test_axis_rows_printed_constants_and_impossible():
    p = synthesis.axis_parameters(HOFFMANN, 3.8e25, 0.01)
    assert math.isnan(p.lo) and math.isnan(p.hi)  # printed constants: no cloud
    big = synthesis.axis_data(EPOCH, 3.8e25, 0.05, n_boot=100, seed=1)  # data term ~0.036
    assert big.value == math.inf and not big.possible
    assert "data term holds only" in big.limit


def test_axis_repeated_data_spans_the_decay_constant():
    fresh = synthesis.axis_data(EPOCH, 3.8e25, 0.01, n_boot=100, seed=1)
    r = data_constrained.PUBLISHED["R_D_star"]
    rep = synthesis.axis_repeated_data(EPOCH, 3.8e25, 0.01, r, 7.5, n_boot=100, seed=1)
    assert rep.value == pytest.approx(synthesis.epochs_for_effective_data(fresh.value, r))
    assert rep.value > fresh.value  # repeats are worth less than new tokens
    assert rep.lo == pytest.approx(fresh.lo)  # R_D* -> inf: repeats as good as fresh
    assert rep.hi > fresh.hi  # at the lower end of R_D*, repeats cost more
    hist = synthesis.axis_repeated_data(HOFFMANN, 3.8e25, 0.01, r, 7.5)
    assert hist.lo < hist.value < hist.hi  # R_D* range without the law's cloud


def test_axis_test_time_reproduces_the_printed_anchor():
    """Brown et al.: SWE-bench Lite coverage 15.9% with 1 sample, 56% with 250 (§9.1 of the
    reference sheet). A gain of 0.401 from one sample must take exactly 250 samples."""
    anchor = coverage.anchor_exponent_bootstrap("swe-bench-lite", n_boot=200, seed=3)
    row = synthesis.axis_test_time(anchor, 0.56 - 0.159)
    assert row.value == pytest.approx(250.0, rel=1e-9)
    assert row.lo < row.value < row.hi and row.unit == synthesis.INFERENCE
    assert row.inference == row.value
    assert synthesis.axis_test_time(anchor, 0.9).value == math.inf  # beyond 100% coverage


def test_axis_curated_reads_the_dict():
    res = dict(
        value=3.0,
        lo=1.5,
        hi=8.0,
        level=0.95,
        identified=True,
        note="",
        better="B",
        worse="W",
        flops=5.7e21,
    )
    row = synthesis.axis_curated(res)
    assert (row.value, row.lo, row.hi) == (3.0, 1.5, 8.0) and row.possible
    assert "W → B" in row.step and "1.6%" in row.limit  # 3.8T of 240T tokens (DCLM §3.1, §5)
    bad = synthesis.axis_curated({**res, "identified": False, "note": "lines overlap"})
    assert math.isnan(bad.value) and not bad.identified and "lines overlap" in bad.limit
    with pytest.raises(InputError):
        synthesis.axis_curated({"value": 1.0})


def test_axis_rl_sigmoid_first_principles():
    """R = A f with f = 1/(1 + (C_mid/C)^B): from f = 1/2 (C = C_mid) to f = 2/3 takes
    C = C_mid 2^(1/B); with B = 2 the factor is sqrt(2)."""
    curve = rl_compute.ScaleRLCurve(0.0, 0.6, 2.0, 1000.0)
    row = synthesis.axis_rl(curve, 0.5, 0.1)
    assert row.value == pytest.approx(math.sqrt(2.0))
    assert not row.identified and row.unit == synthesis.RL_COMPUTE
    assert row.lo <= row.value <= row.hi
    assert synthesis.axis_rl(curve, 0.5, 0.3).value == math.inf  # at the asymptote A


def test_axis_calls_binomial_vote():
    """Reference sheet §16.1 [D]: 80% easy (p = 0.7), 20% hard (p = 0.4): F(1) = 0.64, the vote
    peaks at K = 31 with F = 0.818. The curve is built here from the binomial tail directly."""
    from scipy.stats import binom

    ks = np.arange(1, 200, 2)
    acc = 0.8 * binom.sf((ks - 1) / 2, ks, 0.7) + 0.2 * binom.sf((ks - 1) / 2, ks, 0.4)
    curve = pd.DataFrame({"k": ks, "accuracy": acc})
    assert acc[0] == pytest.approx(0.64) and ks[np.argmax(acc)] == 31
    opt = {
        "k": 31,
        "accuracy": acc.max(),
        "accuracy_k1": 0.64,
        "rises_then_falls": True,
        "shape": "rises then falls",
        "limit": 0.8,
    }
    row = synthesis.axis_calls(curve, opt, 0.1)
    assert row.value == ks[np.flatnonzero(acc - 0.64 >= 0.1)[0]]
    assert row.inference == row.value and not row.identified
    assert "peaks at K = 31 (0.82)" in row.limit
    assert synthesis.axis_calls(curve, opt, 0.2).value == math.inf  # the peak gain is 0.178


def test_axes_frame_and_pending():
    row = synthesis.axis_pending("RL training compute", "module not available")
    assert math.isnan(row.value) and not row.possible
    df = synthesis.axes_frame([row])
    assert list(df["axis"]) == ["RL training compute"]
    with pytest.raises(InputError):
        synthesis.axes_frame([])

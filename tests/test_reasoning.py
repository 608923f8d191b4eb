"""Tests for scalinglaws.reasoning: fits, Aider effort ladders, the test-time exchange model."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scalinglaws import reasoning as R
from scalinglaws.data import load
from scalinglaws.errors import InputError
from scalinglaws.laws import HOFFMANN
from scalinglaws.testtime import simulate_difficulty

LINK = R.LogisticLink(loss_mid=2.1, scale=0.1)
B_SWE = R.coverage_exponent_from_anchors(*R.COVERAGE_ANCHORS["swe-bench-lite"])


@pytest.fixture(scope="module")
def aider() -> pd.DataFrame:
    return load("aider_polyglot", "runs")


@pytest.fixture(scope="module")
def ladders(aider) -> pd.DataFrame:
    return R.effort_ladders(aider)


@pytest.fixture(scope="module")
def o1() -> pd.DataFrame:
    return load("o1_aime_reconstruction", "majority_vote")


# ------------------------------------------------------------------- published numbers


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
    ratio = R.budget_overshoot(j["token_limit"], j["avg_tokens_used"])
    assert 7.0 <= ratio <= 10.0
    assert ratio == pytest.approx(8.606, abs=0.01)


def test_o1_log_linear_gain(o1):
    """The README calls the curve 'roughly log-linear': the fit explains most variance and the
    gain per doubling is positive with an interval excluding zero (measured 0.061, R^2 0.90)."""
    fit = R.fit_log_linear(o1["avg_tokens_used"], o1["accuracy"], seed=42, n_boot=500)
    assert fit.gain == pytest.approx(0.0606, abs=0.001)
    assert fit.r2 > 0.85
    assert 0 < fit.gain_ci[0] < fit.gain < fit.gain_ci[1]
    assert fit.converged


@pytest.mark.parametrize(
    ("model", "pass_rate", "cost"),
    [
        ("o3-mini (medium)", 53.8, 8.86),
        ("o3-mini (high)", 60.4, 18.16),
        ("gpt-5 (low)", 81.3, 10.37),
        ("gpt-5 (medium)", 86.7, 17.69),
        ("gpt-5 (high)", 88.0, 29.08),
        ("o3", 76.9, 13.75),
        ("o3 (high)", 81.3, 21.23),
    ],
)
def test_aider_ladder_values(ladders, model, pass_rate, cost):
    """datasets.md §7 / Aider polyglot leaderboard (Aider-AI/aider @5dc9490b): pass_rate_2 (%)
    and total cost (USD). Tolerance 0.05 points and half a cent (published to 2 decimals)."""
    row = ladders[ladders["model"] == model].iloc[0]
    assert row["pass_rate_pct"] == pytest.approx(pass_rate, abs=0.05)
    assert row["cost_usd"] == pytest.approx(cost, abs=0.005)


@pytest.mark.parametrize(
    ("family", "low", "high"),
    [
        ("Grok 3 Mini Beta", 34.7, 49.3),
        ("claude-3-7-sonnet-20250219", 60.4, 64.9),
        ("claude-sonnet-4-20250514", 56.4, 61.3),
        ("claude-opus-4-20250514", 70.7, 72.0),
        ("gemini-2.5-flash-preview-05-20", 44.0, 55.1),
    ],
)
def test_aider_thinking_pairs(ladders, family, low, high):
    """datasets.md §7: pass rate without / with thinking (or low / high effort)."""
    rows = ladders[ladders["family"] == family]
    assert rows["pass_rate_pct"].tolist() == pytest.approx([low, high], abs=0.05)


def test_aider_marginal_cost(ladders):
    """gpt-5 medium -> high: (29.08 - 17.69) / (88.0 - 86.7) = 8.76 USD per point [D]."""
    row = ladders[(ladders["family"] == "gpt-5") & (ladders["setting"] == "high")].iloc[0]
    assert row["step"] == "medium → high"
    assert row["usd_per_point"] == pytest.approx((29.0829 - 17.6930) / 1.3, rel=1e-6)
    assert row["usd_per_point"] == pytest.approx(8.76, abs=0.01)
    first = ladders[ladders["family"] == "gpt-5"].iloc[0]
    assert first["step"] == "" and np.isnan(first["usd_per_point"])


def test_ladders_structure(ladders):
    assert tuple(ladders.columns) == R.LADDER_COLUMNS
    assert not ladders["model"].str.contains("+", regex=False).any()
    assert set(ladders["family"]) >= {"gpt-5", "o3", "o3-mini", "claude-opus-4-20250514"}
    assert "DeepSeek R1" not in set(ladders["family"])  # two runs, no effort setting
    for _, g in ladders.groupby("family"):
        assert len(g) >= 2 and g["effort_rank"].is_monotonic_increasing
    # 0 in the leaderboard means "not recorded", never a free run
    assert (ladders["cost_usd"].dropna() > 0).all()


def test_ladders_bad_input():
    with pytest.raises(InputError):
        R.effort_ladders(pd.DataFrame({"model": ["a"]}))
    with pytest.raises(InputError):
        R.effort_ladders("runs")


def test_coverage_exponent_from_brown_anchors():
    """Brown et al. 2024 (arXiv:2407.21787, abstract): SWE-bench Lite 15.9% at 1 sample ->
    56% at 250. Through log c = a k^b: b = log(log .56 / log .159) / log 250 = -0.2090 [D]."""
    b = R.coverage_exponent_from_anchors(1, 0.159, 250, 0.56)
    assert b == pytest.approx(-0.20904, abs=1e-4)
    assert R.coverage_law(250, math.log(0.159), b)[0] == pytest.approx(0.56, rel=1e-12)
    # MATH, Llama-3-8B-Instruct: 82.9% at 100 -> 98.44% at 10k (§4) gives b = -0.538 [D]
    b2 = R.coverage_exponent_from_anchors(*R.COVERAGE_ANCHORS["math-llama3-8b"])
    assert b2 == pytest.approx(-0.5383, abs=1e-3)
    with pytest.raises(InputError):
        R.coverage_exponent_from_anchors(1, 0.2, 1, 0.5)
    with pytest.raises(InputError):
        R.coverage_exponent_from_anchors(1, 1.2, 10, 0.5)


# ----------------------------------------------------------------------------- fits


def test_fit_log_linear_exact_and_errors():
    x = 2.0 ** np.arange(1, 9)
    y = 0.1 + 0.05 * np.log2(x)
    fit = R.fit_log_linear(x, y, seed=1, n_boot=50)
    assert fit.gain == pytest.approx(0.05, abs=1e-12)
    assert fit.intercept == pytest.approx(0.1, abs=1e-12)
    assert fit.gain_ci[0] == pytest.approx(0.05) and fit.gain_ci[1] == pytest.approx(0.05)
    band = fit.band([4.0, 16.0])
    assert band["fit"].tolist() == pytest.approx([0.2, 0.3])
    assert (band["lo"] <= band["fit"]).all() and (band["fit"] <= band["hi"]).all()
    again = R.fit_log_linear(x, y + np.sin(x), seed=1, n_boot=50)
    assert np.array_equal(again.boot, R.fit_log_linear(x, y + np.sin(x), seed=1, n_boot=50).boot)
    for bad in ([1, 2], [1, 1, 1]):
        with pytest.raises(InputError):
            R.fit_log_linear(bad, [0.1] * len(bad))
    with pytest.raises(InputError):
        R.fit_log_linear([1, 2, -3], [0.1, 0.2, 0.3])
    with pytest.raises(InputError):
        R.fit_log_linear([1, 2, 3], [0.1, np.nan, 0.3])
    with pytest.raises(InputError):
        R.fit_log_linear([1, 2, 3], [0.1, 0.2, 0.3], n_boot=0)


def test_fit_coverage_law_recovers_parameters():
    ks = np.unique(np.round(np.logspace(0, 3, 20)))
    cov = R.coverage_law(ks, -1.5, -0.3)
    fit = R.fit_coverage_law(ks, cov, seed=0, n_boot=30)
    assert fit.converged
    assert fit.a == pytest.approx(-1.5, rel=1e-6)
    assert fit.b == pytest.approx(-0.3, rel=1e-6)
    assert fit.predict([10])[0] == pytest.approx(math.exp(-1.5 * 10**-0.3), rel=1e-6)


def test_fit_coverage_law_per_problem_bootstrap():
    sim = simulate_difficulty(200, 100, seed=3)
    ks = np.array([1, 2, 4, 8, 16, 32, 64, 100])
    mat = R.pass_at_k_matrix(100, sim.n_correct, ks)
    assert mat.shape == (200, ks.size)
    fit = R.fit_coverage_law(ks, per_problem=mat, seed=0, n_boot=100)
    assert fit.converged and fit.b < 0 and fit.a < 0
    assert fit.b_ci[0] <= fit.b <= fit.b_ci[1]
    assert fit.predict([1])[0] == pytest.approx(mat[:, 0].mean(), abs=0.05)
    band = fit.band(ks)
    assert (band["lo"] <= band["fit"]).all() and (band["fit"] <= band["hi"]).all()
    with pytest.raises(InputError):
        R.fit_coverage_law(ks)
    with pytest.raises(InputError):
        R.fit_coverage_law(ks, per_problem=mat[:, :3])


# ----------------------------------------------------------------- the exchange model


def test_logistic_link():
    assert LINK.p1(2.1) == pytest.approx(0.5)
    assert LINK.p1(2.1 - 0.2) == pytest.approx(1 / (1 + math.exp(-2)))
    p = LINK.p1([1.8, 2.0, 2.4])
    assert np.all(np.diff(p) < 0)
    for bad in ((0.0, 0.1), (2.0, -0.1), (float("nan"), 0.1)):
        with pytest.raises(InputError):
            R.LogisticLink(*bad)
    with pytest.raises(InputError):
        LINK.p1(-1.0)


def test_inference_flops():
    assert R.inference_flops(7e9, 1000, 4) == pytest.approx(2 * 7e9 * 1000 * 4)
    with pytest.raises(InputError):
        R.inference_flops(-1, 10)


def test_matched_samples_balances_total_flops():
    ns, m, r = 1e9, 14.0, 0.3
    k = R.matched_samples(HOFFMANN, ns, m, r)
    t = R.exchange_table(HOFFMANN, ns, m, r, LINK, B_SWE).iloc[0]
    d_inf = r * t["train_flops_large"] / (6 * t["large_params"])
    small_total = t["train_flops_small"] + 2 * ns * k * d_inf
    large_total = t["train_flops_large"] + 2 * m * ns * d_inf
    assert small_total == pytest.approx(large_total, rel=1e-12)
    # large inference demand -> matched inference FLOPs, k -> multiplier
    assert R.matched_samples(HOFFMANN, ns, m, 1e9) == pytest.approx(m, rel=1e-6)
    with pytest.raises(InputError):
        R.matched_samples(HOFFMANN, ns, 0.5, r)


def test_exchange_table_columns_and_logic():
    t = R.exchange_table(HOFFMANN, [1e9, 3e10], [4, 14], [0.01, 1.0], LINK, B_SWE)
    assert len(t) == 8
    assert (t["large_params"] == t["small_params"] * t["multiplier"]).all()
    assert (t["test_time_better"] == (t["small_coverage"] > t["large_p1"])).all()
    cov = np.exp(np.log(t["small_p1"]) * t["k"] ** B_SWE)
    assert np.allclose(t["small_coverage"], cov)
    with pytest.raises(InputError):
        R.exchange_table(HOFFMANN, 1e9, 14, 1.0, LINK, 0.2)  # b must be negative
    with pytest.raises(InputError):
        R.exchange_table("kaplan", 1e9, 14, 1.0, LINK, B_SWE)
    with pytest.raises(InputError):
        R.exchange_table(HOFFMANN, 1e9, 14, 1.0, "logistic", B_SWE)


def test_breakeven_inference_ratio_is_a_root():
    r = R.breakeven_inference_ratio(HOFFMANN, 3e10, 14, LINK, B_SWE)
    assert 0 < r < np.inf
    t = R.exchange_table(HOFFMANN, 3e10, 14, [r * 0.9, r, r * 1.1], LINK, B_SWE)
    assert abs(t["advantage"].iloc[1]) < 1e-8
    assert t["test_time_better"].iloc[0] and not t["test_time_better"].iloc[2]


def test_effective_multiplier():
    m = R.effective_multiplier(HOFFMANN, 7e9, [1, 4, 16, 256], LINK, B_SWE)
    assert m[0] == pytest.approx(1.0)
    assert np.all(np.diff(m) > 0)
    # the matched model's single-sample success equals the small model's k-sample coverage
    t = R.exchange_table(HOFFMANN, 7e9, [m[2]], [1e6], LINK, B_SWE).iloc[0]
    p_s = t["small_p1"]
    assert t["large_p1"] == pytest.approx(math.exp(math.log(p_s) * 16**B_SWE), abs=1e-8)
    # a coverage beyond what any model can reach under the law gives inf
    huge = R.effective_multiplier(HOFFMANN, 7e9, [1e12], LINK, -0.9, max_multiplier=1e3)
    assert np.isinf(huge[0])


# ------------------------------------------------------ chain of thought, self-consistency


def test_post_training_gains():
    """Ruan et al. 2024 post-training file (ryoungj/ObsScaling @4d6e1e43): values as stored."""
    g = R.post_training_gains(
        load("obsscaling_ruan", "post_training"), load("obsscaling_ruan", "base")
    )
    assert len(g) == 80
    row = g[g["model"] == "meta-llama/Llama-2-70b-hf"].iloc[0]
    assert row["plain"] == pytest.approx(0.178) and row["cot"] == pytest.approx(0.580)
    assert row["cot_gain"] == pytest.approx(0.402)
    assert g["flops"].is_monotonic_increasing
    fit = R.fit_log_linear(g["flops"], g["cot_gain"], seed=0, n_boot=200)
    assert fit.gain_ci[0] > 0  # CoT helps more at larger scale
    with pytest.raises(InputError):
        R.post_training_gains(pd.DataFrame({"model": []}), pd.DataFrame())


def test_effort_rank():
    assert R.effort_rank("no thinking") == 0
    assert R.effort_rank("Chat") == 0
    assert R.effort_rank("low") == 1
    assert R.effort_rank(None) == 2 and R.effort_rank("medium") == 2
    assert R.effort_rank("high") == 3 and R.effort_rank("32k thinking tokens") == 3
    assert np.isnan(R.effort_rank("experimental"))


def test_wilson_interval():
    """Wilson 1927 score interval; e.g. 50/100 at 95%: [0.4038, 0.5962] (standard value)."""
    lo, hi = R.wilson_interval(50, 100)
    assert lo[0] == pytest.approx(0.40383, abs=1e-4) and hi[0] == pytest.approx(0.59617, abs=1e-4)
    lo, hi = R.wilson_interval([0, 225], [225, 225])
    assert lo[0] == pytest.approx(0.0, abs=1e-12) and hi[1] == pytest.approx(1.0)
    with pytest.raises(InputError):
        R.wilson_interval(5, 4)


def test_ladder_intervals(ladders):
    assert (ladders["pass_lo_pct"] < ladders["pass_rate_pct"]).all()
    assert (ladders["pass_rate_pct"] < ladders["pass_hi_pct"]).all()

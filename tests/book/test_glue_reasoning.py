"""Glue of the reasoning chapter (scalinglaws.book.glue.reasoning) on small hand-made inputs.

The inputs are made up so that every formatted text can be worked out by hand (the expected texts
below are written out, or computed from the textbook formula, never from the code under test); each
sentence chosen by the data (book.claim) is checked in both of its branches where the input allows.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from scalinglaws import book
from scalinglaws.analyses.coverage import AnchorExponent, SimulatedCurves
from scalinglaws.analyses.exchange import LogisticLink
from scalinglaws.book.glue import reasoning as g
from scalinglaws.core.laws import get_law


def _params(**kw) -> SimpleNamespace:
    base = {
        "seed": 42,
        "n_boot": 500,
        "sim_problems": 300,
        "sim_samples": 200,
        "sim_beta_a": 0.5,
        "sim_beta_b": 1.5,
        "coverage_anchor": "swe-bench-lite",
        "law": "epoch",
        "link_loss_mid": 2.1,
        "link_scale": 0.1,
        "multiplier": 14.0,
        "small_params": 7e9,
        "exchange_samples": 16,
    }
    return SimpleNamespace(**{**base, **kw})


def test_helpers():
    assert g.pts(0.0606) == "6.1"
    assert g.converged(True) == "converged" and g.converged(False) == "did NOT converge"
    assert g.DOUBLINGS_PER_DECADE == pytest.approx(3.3219, abs=1e-4)


def test_pass_at_k_example():
    out = g.pass_at_k_example(n=100, c=5, k=20)
    # Chen et al.'s estimator by hand: 1 - C(95, 20) / C(100, 20) = 1 - (80*79*78*77*76)/(100*...*96)
    pk = 1 - (80 * 79 * 78 * 77 * 76) / (100 * 99 * 98 * 97 * 96)
    assert out["rsn_ex_n"] == "100" and out["rsn_ex_c"] == "5" and out["rsn_ex_k"] == "20"
    assert out["rsn_ex_p1"] == "5.0%"
    assert out["rsn_ex_pk"] == f"{100 * pk:.1f}%" == "68.1%"


def _curves(vote) -> SimulatedCurves:
    return SimulatedCurves(
        ks=np.array([1, 2, 4, 8]),
        per_problem=np.zeros((3, 4)),
        coverage=np.array([0.2, 0.4, 0.6, 0.7]),
        vote_ks=np.array([1, 4, 8]),
        vote=np.array(vote),
        never=0.25,
    )


def test_simulation_both_branches():
    fit = SimpleNamespace(a=-1.2346, a_ci=(-1.3, -1.1), b=-0.25, b_ci=(-0.3, -0.2), converged=True)
    out = g.simulation(_params(), _curves([0.2, 0.3, 0.31]), fit)
    assert out["rsn_sim_mean"] == "25.0%"  # Beta(0.5, 1.5) has mean 0.5 / 2
    assert out["rsn_sim_a"] == "0.50" and out["rsn_sim_b"] == "1.50"
    assert out["rsn_sim_cov1"] == "20.0%" and out["rsn_sim_covmax"] == "70.0%"
    assert out["rsn_sim_kmax"] == "8" and out["rsn_sim_never"] == "25.0%"
    assert out["rsn_sim_vote_max"] == "31.0%" and out["rsn_sim_vote_best"] == "31.0%"
    assert out["rsn_sim_gap"] == "39.0%"
    assert out["rsn_cfit_a"] == "-1.235" and out["rsn_cfit_a_ci"] == "[-1.300, -1.100]"
    assert out["rsn_cfit_b_ci"] == "[-0.300, -0.200]" and out["rsn_cfit_conv"] == "converged"
    # k_mid: the vote budget at the middle of the k grid (4); from 4 to 8 coverage gains 10 points,
    # the vote 1 point: less than half, so the vote flattens
    assert out["rsn_sim_kmid"] == "4"
    assert out["rsn_sim_cov_late"] == "10.0" and out["rsn_sim_vote_late"] == "1.0"
    assert out["rsn_sim_vote_flat"] == "From this many samples on, coverage still gains"
    assert book.CLAIMS["rsn_sim_vote_flat"][0] is True
    out = g.simulation(_params(), _curves([0.2, 0.3, 0.4]), fit)
    assert out["rsn_sim_vote_late"] == "10.0"
    assert out["rsn_sim_vote_flat"].startswith("Here the vote does not flatten clearly")


def _anchor(a: float, bs: list[float]) -> AnchorExponent:
    boot = np.array([[a, b] for b in bs])
    b = float(np.mean(bs))
    return AnchorExponent(
        b=b,
        a=a,
        b_ci=(min(bs), max(bs)),
        boot=boot,
        level=0.95,
        n_boot=len(bs),
        seed=0,
        problems=300,
    )


def test_anchors_both_branches():
    votes = pd.DataFrame({"n_votes": [1, 2, 4, 8], "accuracy": [0.5, 0.55, 0.6, 0.62]})
    vfit = SimpleNamespace(b=-0.123, b_ci=(-0.2, -0.05), converged=False, n_failed=3)
    math_ = _anchor(-0.2, [-0.6, -0.6])
    # a = log 0.159; exponents -0.2 and -0.8 around the point -0.5
    a = math.log(0.159)
    out = g.anchors(
        {"swe-bench-lite": _anchor(a, [-0.2, -0.8]), "math-llama3-8b": math_}, votes, vfit
    )
    assert out["rsn_b_swe"] == "-0.500" and out["rsn_b_swe_ci"] == "[-0.800, -0.200]"
    assert out["rsn_b_math"] == "-0.600" and out["rsn_swe_n"] == "300"
    k5 = math.exp(a * 5**-0.5)
    assert out["rsn_swe_k5"] == f"{100 * k5:.1f}%"
    lo, hi = math.exp(a * 5**-0.2), math.exp(a * 5**-0.8)  # 26.4% and 60.2%: 29.62% inside
    assert out["rsn_swe_k5_ci"] == (
        f"[{100 * (lo + 0.025 * (hi - lo)):.1f}%, {100 * (lo + 0.975 * (hi - lo)):.1f}%]"
    )
    assert out["rsn_swe_k5_claim"].startswith("the printed value lies inside")
    # k for 90% at b = -0.5: (log 0.9 / a)^(1/b) = 305 > 250
    assert (math.log(0.9) / a) ** (1 / -0.5) == pytest.approx(304.6, abs=0.1)
    assert out["rsn_k90_claim"] == "That is beyond the 250 samples the two points span:"
    assert out["rsn_votes_n"] == "4" and out["rsn_votes_max"] == "8"
    assert out["rsn_votes_b"] == "-0.12" and out["rsn_votes_b_ci"] == "[-0.20, -0.05]"
    assert out["rsn_votes_conv"] == "did NOT converge" and out["rsn_votes_failed"] == "3"
    # a flatter law through a = -1: k5 = exp(-1/sqrt 5) = 63.9% (printed 29.62% outside), and
    # 90% coverage at (log 0.9 / -1)^-2 = 90 samples, within the 250
    out = g.anchors(
        {"swe-bench-lite": _anchor(-1.0, [-0.5, -0.5]), "math-llama3-8b": math_}, votes, vfit
    )
    assert out["rsn_swe_k5"] == "63.9%" and out["rsn_swe_k5_ci"] == "[63.9%, 63.9%]"
    assert out["rsn_swe_k5_claim"].startswith("the printed value lies outside")
    assert out["rsn_k90_claim"] == "That is within the 250 samples the two points span, but still"
    assert out["rsn_k90_ci"] == "[90, 90]"


def test_aime_and_arc():
    aime = pd.DataFrame({"avg_tokens_used": [1600.0, 400.0, 6400.0], "accuracy": [0.4, 0.2, 0.7]})
    nice = pd.DataFrame({"token_limit": [16, 32, 64], "avg_tokens_used": [128.0, 256.0, 640.0]})
    fit = SimpleNamespace(m=0.0606, intervals={"m": (0.05, 0.0712)}, r2=0.904)
    out = g.aime(aime, nice, fit)
    assert out["rsn_overshoot"] == "8.0×"  # ratios 8, 8, 10: median 8
    assert out["rsn_aime_n"] == "3"
    assert out["rsn_aime_first_acc"] == "20%" and out["rsn_aime_first_tok"] == "400"
    assert out["rsn_aime_last_acc"] == "70%" and out["rsn_aime_last_tok"] == "6,400"
    assert out["rsn_aime_doublings"] == "4.0"  # 400 -> 6400 tokens
    assert out["rsn_aime_gain"] == "6.1" and out["rsn_aime_gain_ci"] == "[5.0, 7.1]"
    assert out["rsn_aime_r2"] == "0.90"
    assert out["rsn_aime_se"] == "9.1"  # sqrt(0.25 / 30) = 0.0913
    out = g.arc(1.589, (0.91, 2.27))
    assert out["rsn_arc_gain"] == "11.8"  # 87.5 - 75.7 points (Chollet 2024)
    assert out["rsn_arc_per_doubling"] == "1.6" and out["rsn_arc_per_doubling_ci"] == "[0.9, 2.3]"


def _aider(high: float, d2_lo: float, usd_high: float):
    """gpt-5 at 60 / 70 / high percent and a second model with a cheaper step."""
    lad = pd.DataFrame(
        {
            "family": ["gpt-5", "gpt-5", "gpt-5", "o3", "o3"],
            "setting": ["low", "medium", "high", "low", "high"],
            "step": ["", "low → medium", "medium → high", "", "low → high"],
            "pass_rate_pct": [60.0, 70.0, high, 50.0, 53.0],
            "pass_lo_pct": [54.0, 64.0, high - 6, 44.0, 47.0],
            "pass_hi_pct": [66.0, 76.0, high + 6, 56.0, 59.0],
            "d_points": [np.nan, 10.0, high - 70.0, np.nan, 3.0],
            "d_cost_usd": [np.nan, 20.0, 40.0, np.nan, -1.0],
            "usd_per_point": [np.nan, 2.0, usd_high, np.nan, -1 / 3],
            "tokens_per_point": [np.nan, 9.5e4, 4.0e5, np.nan, np.nan],
        }
    )
    steps = lad[lad["step"] != ""].assign(d_lo=[4.0, d2_lo, -5.0], d_hi=[16.0, 12.0, 11.0])
    gains = SimpleNamespace(steps=steps, median_ci=(1.0, 9.5))
    return pd.DataFrame({"x": range(7)}), lad, gains


def test_aider_both_branches():
    out = g.aider(*_aider(high=75.0, d2_lo=-1.0, usd_high=8.0))
    assert out["rsn_aider_runs"] == "7" and out["rsn_aider_families"] == "2"
    assert out["rsn_aider_steps"] == "3"
    assert out["rsn_aider_gain_med"] == "5.0"  # median of 10, 5, 3
    assert out["rsn_aider_gain_med_ci"] == "[1.0, 9.5]"
    assert out["rsn_aider_gain_min"] == "3.0" and out["rsn_aider_gain_max"] == "10.0"
    assert out["rsn_gpt5_d1"] == "10.0" and out["rsn_gpt5_d1_ci"] == "[4.0, 16.0]"
    assert out["rsn_gpt5_d2"] == "5.0" and out["rsn_gpt5_d2_ci"] == "[-1.0, 12.0]"
    assert out["rsn_aider_noise_n"] == "2"  # the second gpt-5 step and o3's step include 0
    assert out["rsn_aider_usd_med"] == "$5.00" and out["rsn_aider_usd_n"] == "2"
    assert (out["rsn_gpt5_low"], out["rsn_gpt5_med"], out["rsn_gpt5_high"]) == (
        "60.0",
        "70.0",
        "75.0",
    )
    assert out["rsn_gpt5_usd1"] == "$2.00" and out["rsn_gpt5_usd2"] == "$8.00"
    assert out["rsn_gpt5_ratio"] == "4.0×"
    assert out["rsn_gpt5_tok1"] == "95,000" and out["rsn_gpt5_tok2"] == "4.00 × 10⁵"
    assert out["rsn_aider_cheaper"] == "1" and out["rsn_aider_cheaper_names"] == "o3"
    assert out["rsn_aider_halfwidth"] == "6.0"
    assert out["rsn_gpt5_shape"].startswith("On the point values gpt-5's returns diminish")
    assert out["rsn_gpt5_noise"].startswith("But the second step's interval includes zero")
    # 70% vs 75% over 225: standard error sqrt(.7*.3/225 + .75*.25/225) = 4.2 points; 5 < 8.4
    assert out["rsn_ex3_within"].startswith("The difference is less than two standard errors")
    out = g.aider(*_aider(high=90.0, d2_lo=12.0, usd_high=1.0))
    assert out["rsn_gpt5_shape"].startswith("On the point values gpt-5's steps do not show")
    assert out["rsn_gpt5_noise"].startswith("The second step's interval excludes zero")
    # 70% vs 90%: standard error 3.6 points; 20 > 7.2
    assert out["rsn_ex3_within"].startswith("The difference exceeds two standard errors")


def _draws(breakeven, mult):
    n = len(breakeven)
    return pd.DataFrame(
        {
            "b": [-0.3] * n,
            "small_p1": np.linspace(0.1, 0.3, n),
            "large_p1": np.linspace(0.5, 0.7, n),
            "multiplier_eq": mult,
            "breakeven": breakeven,
        }
    )


def test_exchange_rate_defined():
    law, link = get_law("epoch"), LogisticLink(2.1, 0.1)
    exp = _anchor(-1.8, [-0.3, -0.3])
    draws = _draws([0.001] * 5 + [0.01] * 5, [2.0] * 5 + [3.0] * 5)
    out = g.exchange_rate(_params(), law, link, exp, draws, {7e9: 0.0042}, 2.5)
    assert out["rsn_worth"] == "are worth one sample from a model 2.50× larger"
    assert out["rsn_mult_ci"] == "(95% interval [2.00×, 3.00×])"
    assert out["rsn_rstar_ci"] == "(95% interval of the break-even $R$: [0.0010, 0.010])"
    assert out["rsn_rstar_text"] == (
        "while deployment generates less than R = 0.0042 times the larger model's training tokens"
    )
    assert out["rsn_rate_tail"].startswith(": that is the exchange rate")
    assert out["rsn_small_p1_ci"] == "(95% interval [10.5%, 29.5%])"
    assert out["rsn_link_mid"] == "2.10" and out["rsn_link_scale"] == "0.10"
    assert out["rsn_b"] == "-0.300" and out["rsn_kx"] == "16" and out["rsn_mult"] == "14.0×"
    assert out["rsn_law_text"].startswith("the canonical law of this book")
    # test time wins everywhere in every draw; no model matches the samples
    draws = _draws([np.inf] * 10, [np.inf] * 10)
    out = g.exchange_rate(_params(), law, link, exp, draws, {7e9: np.inf}, np.inf)
    assert out["rsn_worth"].startswith("do better than one sample from any model")
    assert out["rsn_mult_ci"] == out["rsn_rstar_ci"] == "(in every bootstrap draw)"
    assert out["rsn_rstar_text"].startswith("at every inference demand")
    out = g.exchange_rate(
        _params(law="hoffmann"), get_law("hoffmann"), link, exp, draws, {7e9: 0.0}, 2.5
    )
    assert out["rsn_small_p1_ci"] == "(printed constants: no interval)"
    assert out["rsn_law_text"].endswith("reject these constants (chapter 4)")
    assert out["rsn_rstar_text"] == "at no inference demand we tried (down to 10⁻⁸)"


def test_exchange_rate_saturated_link():
    """Issue #11: a link saturated at the small model (its success exactly 0) has no exchange rate,
    and with fewer than 90% of the draws defined no interval is quoted."""
    p = _params(link_loss_mid=1.0, link_scale=0.01)
    link = LogisticLink(1.0, 0.01)
    draws = _draws([np.nan] * 10, [np.nan] * 10)
    out = g.exchange_rate(p, get_law("epoch"), link, _anchor(-1.8, [-0.3]), draws, {7e9: 0.0}, 1.0)
    assert out["rsn_small_p1"] == "0.0%"
    assert out["rsn_worth"].startswith(
        "are worth no more than one sample from it: the link is saturated"
    )
    assert "already 0.0%" in out["rsn_worth"]
    assert out["rsn_mult_ci"].startswith("(no interval")
    assert out["rsn_rstar_ci"].startswith("(no interval")
    assert out["rsn_rate_tail"].startswith(". At this size there is no exchange rate")
    assert book.CLAIMS["rsn_rate_tail"][0] is False


def test_exchange_claims_both_branches():
    law, link = get_law("epoch"), LogisticLink(2.1, 0.1)
    exps = {"swe-bench-lite": _anchor(-1.8, [-0.3]), "math-llama3-8b": _anchor(-0.2, [-0.6])}
    table = pd.DataFrame({"small_params": [1e9, 7e9], "small_p1": [0.1, 0.4]})
    out = g.exchange_claims(_params(), law, link, exps, table, {1e9: 0.001, 7e9: 0.01}, 20.0)
    assert out["rsn_condition"].startswith("So does how capable the small model already is")
    assert out["rsn_both"].startswith("In both,")
    assert out["rsn_summary_condition"].startswith("depends on how capable")
    assert out["rsn_snell_14"].startswith("so in this run our model, too")
    out = g.exchange_claims(_params(), law, link, exps, table, {1e9: 0.01, 7e9: 0.001}, 3.0)
    assert out["rsn_condition"].startswith("Across the sizes in the table")
    assert out["rsn_both"].startswith("In our model, at these assumptions")
    assert out["rsn_summary_condition"].startswith("depends on how much the model will be used")
    assert out["rsn_snell_14"] == "short of the 14× larger model of Snell et al."
    # saturated link: every exchange rate is 1, so neither assumption moves it
    p = _params(link_loss_mid=1.0, link_scale=0.01)
    out = g.exchange_claims(p, law, LogisticLink(1.0, 0.01), exps, table, {1e9: 0.0, 7e9: 0.0}, 1.0)
    assert out["rsn_ex4"].startswith("Here doubling the link's width moves the exchange rate")


def test_post_training_both_branches():
    gains = pd.DataFrame(
        {
            "flops": [1e21, 2e21, 3e21, 4e21],
            "cot_gain": [0.01, 0.03, 0.10, 0.20],
            "sc_gain": [0.00, 0.02, 0.03, 0.05],
        }
    )
    cot = SimpleNamespace(m=0.01, intervals={"m": (0.005, 0.015)})
    sc = SimpleNamespace(m=0.003, intervals={"m": (0.001, 0.006)})
    out = g.post_training(gains, cot, sc)
    assert out["rsn_obs_n"] == "4"
    assert out["rsn_obs_cmin"] == "1.0 × 10²¹" and out["rsn_obs_cmax"] == "4.0 × 10²¹"
    assert out["rsn_cmed"] == "2.5 × 10²¹"
    assert out["rsn_cot_dec"] == "3.3"  # 100 * log2(10) * 0.01 points per tenfold
    assert out["rsn_cot_dec_ci"] == "[1.7, 5.0]" and out["rsn_sc_dec"] == "1.0"
    assert out["rsn_cot_small"] == "2.0" and out["rsn_cot_large"] == "15.0"
    assert out["rsn_sc_small"] == "1.0" and out["rsn_sc_large"] == "4.0"
    assert out["rsn_obs_direction"] == "Both gains grow with scale."
    assert out["rsn_obs_multiply"].startswith("Test-time techniques are not a substitute")
    sc = SimpleNamespace(m=0.001, intervals={"m": (-0.001, 0.003)})
    out = g.post_training(gains, cot, sc)
    assert out["rsn_obs_direction"] == "The gains do not both grow clearly with scale."
    assert out["rsn_obs_multiply"].startswith("With intervals this wide")


# ------------------------------------------------------------------ RL training compute and more calls


def test_rl_training_glue():
    from scalinglaws.analyses import rl_compute

    out = g.rl_training(_params(rl_r0=0.0), rl_compute.scalerl_table(0.0))
    # Table 1 (Khatri et al. 2025, App. A.13) as printed, and 9^(1/B) = 9^(1/1.92) = 3.14 for the main run
    assert (
        out["rsn_rl_cmid"] == "2,542" and out["rsn_rl_b"] == "1.92" and out["rsn_rl_a"] == "0.610"
    )
    assert out["rsn_rl_ratio90"] == f"{9 ** (1 / 1.92):.2f}×" == "3.14×"
    # 2542 * 9^(1/1.92) = 7,983 GPU-hours, shown to 3 significant digits
    assert out["rsn_rl_c90"] == "7,980"
    # the smallest and largest 9^(1/B) of Table 1: B = 2.44 (8gen) and B = 1.09 (code curve)
    assert (
        out["rsn_rl_ratio_lo"] == f"{9 ** (1 / 2.44):.2f}×"
        and out["rsn_rl_ratio_lo_run"] == "ScaleRL-8gen"
    )
    assert out["rsn_rl_ratio_hi"] == f"{9 ** (1 / 1.09):.2f}×"
    # the 100k run with the inferred C_mid: 97.7% and 93.0% of the gain (reference sheet §14.2)
    assert out["rsn_rl_100k_f100"] == "97.7%" and out["rsn_rl_100k_f50"] == "93.0%"
    assert out["rsn_rl_100k_last"] == "4.7%"
    # R1-Zero: 71.0 - 15.6 = 55.4 points of RL, 86.7 - 71.0 = 15.7 of voting, 100k / 2,664k = 3.75%
    assert out["rsn_r1_rl_gain"] == "55.4" and out["rsn_r1_vote_gain"] == "15.7"
    assert out["rsn_r1_share"] == "3.75%"
    # at R0 = 0 the midpoint pass rate is A / 2
    assert out["rsn_rl_rmid"] == "0.305"
    assert (
        out["rsn_rl_cross"].startswith("the two curves cross at")
        and "inside the range" in out["rsn_rl_cross"]
    )
    assert out["rsn_ex6"].startswith("The crossover moves to less compute")
    assert book.CLAIMS["rsn_rl_cross"][0] is True


def test_rl_training_glue_near_the_asymptote():
    from scalinglaws.analyses import rl_compute

    # R0 = 0.5: midpoint 0.555; +0.05 = 0.605 < 0.610 is reachable, the next five points are not
    out = g.rl_training(_params(rl_r0=0.5), rl_compute.scalerl_table(0.5))
    assert out["rsn_rl_rmid"] == "0.555"
    assert out["rsn_rl_step1"].endswith("× the compute")
    assert out["rsn_rl_step2"].startswith("more than any amount of RL compute can buy")
    # the fractions of the gain do not depend on R0
    assert out["rsn_rl_100k_f100"] == "97.7%" and out["rsn_rl_ratio90"] == "3.14×"


def _vote_params(**kw):
    return _params(**{"vote_frac_hard": 0.2, "vote_p_easy": 0.7, "vote_p_hard": 0.4, **kw})


def _retry():
    return {
        "n_runs": 3,
        "median_gain": 25.0,
        "median_gain_ci": (10.0, 40.0),
        "median_fixed": 0.5,
        "median_fixed_ci": (0.2, 0.5),
        "min_gain": 10.0,
    }


def test_more_calls_rise_and_fall():
    from scalinglaws.analyses import systems

    p = _vote_params()
    best = systems.optimal_calls(0.2, 0.7, 0.4)
    out = g.more_calls(p, best, _retry(), _curves([0.2, 0.35, 0.31]))
    # reference sheet §16.1 [D]: F(1) = 0.8*0.7 + 0.2*0.4 = 0.640, K* = 31 at 0.818, limit 0.800
    assert (
        out["rsn_vote_f1"] == "64.0%"
        and out["rsn_vote_k"] == "31"
        and out["rsn_vote_acc"] == "81.8%"
    )
    assert out["rsn_vote_limit"] == "80.0%" and out["rsn_vote_psum"] == "1.10"
    # F(3) = 0.8 (3*0.49 - 2*0.343) + 0.2 (3*0.16 - 2*0.064) = 0.8*0.784 + 0.2*0.352 = 0.6976
    assert out["rsn_vote_start"] == "More calls help at first: three calls answer 69.8%."
    assert out["rsn_vote_end"].startswith(
        "In the end more calls hurt: the accuracy falls towards 80.0%"
    )
    assert (
        "m* = 15.6, K* = 2⌈m*⌉ − 1 = 31" in out["rsn_vote_shape"]
        and out["rsn_vote_closed"] == "the closed form agrees."
    )
    # 1/t with t = 0.24*0.1 / (0.21*0.2) + 1 = 1.5714: 63.6%
    assert out["rsn_vote_hmax"] == "63.6%"
    assert out["rsn_retry_gain"] == "25.0" and out["rsn_retry_gain_ci"] == "[10.0, 40.0]"
    assert out["rsn_retry_fixed"] == "50%" and out["rsn_retry_fixed_ci"] == "[20%, 50%]"
    # the simulated vote peaked at 35.0% and ended at 31.0%
    assert "(35.0% at best, 31.0% at the end)" in out["rsn_calls_sim"]
    assert out["rsn_vote_summary"].startswith("and a vote without a verifier can make")


def test_more_calls_other_branches():
    from scalinglaws.analyses import systems

    # all queries easy: the vote rises without end, towards 100%; no finite optimum
    best = systems.optimal_calls(0.0, 0.7, 0.4)
    out = g.more_calls(_vote_params(vote_frac_hard=0.0), best, _retry(), _curves([0.2, 0.3, 0.3]))
    assert out["rsn_vote_end"].startswith(
        "In the end more calls help: the accuracy rises towards 100.0%"
    )
    assert out["rsn_vote_closed"].startswith(
        "the closed form puts the optimum at infinitely many calls"
    )
    assert "(the accuracy approaches its limit), less than 10⁻⁶ higher" in out["rsn_vote_closed"]
    assert out["rsn_vote_shape"].startswith("This mix does not show")
    assert out["rsn_calls_sim"].startswith(
        "In the simulated benchmark of the repeated-sampling section the vote ends at its peak (30.0%)"
    )
    # all queries hard: three calls already hurt (F(3) = 0.352 < 0.4)
    best = systems.optimal_calls(1.0, 0.7, 0.4)
    out = g.more_calls(_vote_params(vote_frac_hard=1.0), best, _retry(), _curves([0.2, 0.3, 0.3]))
    assert out["rsn_vote_start"] == "More calls hurt from the start: three calls answer only 35.2%."
    assert out["rsn_vote_k"] == "1" and out["rsn_vote_closed"] == "the closed form agrees."

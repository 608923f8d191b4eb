"""Glue of the GPT-series chapter (scalinglaws.book.glue.gpt_series) on small hand-made inputs.

Each test builds a section's results by hand, so the expected texts are worked out here, not read
from the code, and checks both branches of the section's data-chosen sentences.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from scalinglaws.book.glue import gpt_series as glue
from scalinglaws.core.errors import InputError

NAMES = ["GPT-1", "GPT-2 (1.5B)", "GPT-3 175B", "GPT-4"]


def test_setup():
    out = glue.setup(SimpleNamespace(ci_level=0.9, n_boot=2500))
    assert out == {"gpt_level": "90%", "gpt_n_boot": "2,500"}
    assert glue.level_pct(0.95) == "95%"


def _series() -> pd.DataFrame:
    # GPT-1: 1e8 params, 2e10 tokens (200/param), 1e19 FLOP; GPT-3: 2e11 params, 4e11 tokens (2/param)
    return pd.DataFrame(
        {
            "name": NAMES,
            "params": [1e8, 1.5e9, 2e11, np.nan],
            "tokens": [2e10, 2e11, 4e11, np.nan],
            "flops": [1e19, 2e21, 4.8e23, 2e25],
            "flops_6nd": [np.nan, np.nan, 4.8e23, np.nan],
            "tokens_per_param": [200.0, 2e11 / 1.5e9, 2.0, np.nan],
            "kaplan_params": [1e9, 1e10, 4e11, 5e12],
            "vs_kaplan": [0.1, 0.15, 0.5, np.nan],
        }
    )


def _timeline(kaplan: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [*NAMES, "Kaplan et al. 2020"],
            "date": pd.to_datetime(
                ["2018-06-11", "2019-02-14", "2020-05-28", "2023-03-15", kaplan]
            ),
        }
    )


def test_series_texts_and_order_claim():
    out = glue.series(_series(), _timeline("2020-01-23"))
    assert out["gpt_g1_n"] == "1.00 × 10⁸"
    assert out["gpt_g1_tpp"] == "200"
    assert out["gpt_g3_tpp"] == "2.0"
    # 4.8e23 FLOP / 8.64e19 FLOP per PF-day = 5,556 PF-days
    assert out["gpt_g3_pfd"] == "5,556"
    assert out["gpt_growth_total"] == "2.0 × 10⁶"  # 2e25 / 1e19
    assert out["gpt_g3_vs_g2"] == "240×"
    assert out["gpt_tpp_ratio"] == "100×"
    assert out["gpt_years_g1_g4"] == "4.8"  # 2018-06-11 to 2023-03-15: 1,738 days
    assert out["gpt_kaplan_date"] == "January 2020"
    assert out["gpt_g3_months_after"] == "4"  # 126 days
    assert out["gpt_order"].startswith("GPT-1 (June 2018) and GPT-2 (February 2019) predate")
    assert out["gpt_tpp_trend"] == "*fell*" and out["gpt_tpp_size"] == "two orders of magnitude"
    late = glue.series(_series(), _timeline("2021-01-01"))  # Kaplan after GPT-3: other branch
    assert late["gpt_order"].startswith(
        "the dates of GPT-1, GPT-2, Kaplan et al. and GPT-3 are not"
    )


def test_family_texts():
    fam = pd.DataFrame(
        {
            "name": ["GPT-3 Small", "GPT-3 XL", "GPT-3 13B", "GPT-3 175B"],
            "rel_error": [0.001, -0.012, 0.008, 0.0],
            "typo": ["", "heads", "width", ""],
            "n_params_recomputed": [1.25e8, 1.3e9, 1.295e10, 1.746e11],
            "n_params_recomputed_5120": [1.25e8, 1.3e9, 1.285e10, 1.746e11],
            "n_params_table_d1": [1.25e8, 1.32e9, 1.285e10, 1.746e11],
            "n_heads": [12, 24, 40, 96],
            "d_head": [64, 128, 128, 128],
            "flops_rel_error": [0.0001, -0.0015, 0.0002, 0.0009],
            "tokens_per_param": [2400.0, 227.3, 23.35, 1.718],
        }
    )
    out = glue.family(fam)
    assert out["gpt_fam_max_err"] == "1.2%" and out["gpt_fam_max_err_model"] == "GPT-3 XL"
    assert out["gpt_fam_n_typos"] == "2"
    assert out["gpt_xl_heads"] == "3,072"
    assert out["gpt_13b_5120"] == "1.285 × 10¹⁰"
    assert out["gpt_d1_max_err"] == "0.15%"
    assert (out["gpt_small_tpp"], out["gpt_175_tpp"]) == ("2,400", "1.7")


def _intervals(g3_lo: float) -> pd.DataFrame:
    rows = []
    for name, vs in zip(NAMES, [0.2, 0.5, 3.0, np.nan], strict=True):
        rows.append(
            {
                "name": name,
                "chinchilla_params": 1e10,
                "chinchilla_params_lo": 5e9,
                "chinchilla_params_hi": 2e10,
                "chinchilla_tokens": 1e12,
                "chinchilla_tokens_lo": 5e11,
                "chinchilla_tokens_hi": 2e12,
                "vs_chinchilla": vs,
                "vs_chinchilla_lo": g3_lo if name == "GPT-3 175B" else vs / 2,
                "vs_chinchilla_hi": vs * 1.5,
            }
        )
    return pd.DataFrame(rows)


def test_frontier_texts_and_claims():
    hist = pd.DataFrame({"name": NAMES, "vs_chinchilla": [0.1, 0.3, 6.0, np.nan]})
    a_iv = SimpleNamespace(value=0.5126, lo=0.45, hi=0.561)
    out = glue.frontier(_series(), hist, _intervals(2.0), a_iv)
    assert (out["gpt_a_canon"], out["gpt_a_canon_ci"]) == ("0.513", "[0.450, 0.561]")
    # Hoffmann et al.'s rounded constants: a = 0.28 / (0.34 + 0.28) = 0.4516
    assert out["gpt_a_hoff"] == "0.452"
    assert out["gpt_g3_vs_chin"] == "3.0×" and out["gpt_g3_vs_chin_ci"] == "[2.0×, 4.5×]"
    assert out["gpt_g3_vs_chin_hist"] == "6.0×"
    assert out["gpt_g2_vs_chin_ci"] == "[0.25, 0.75]"
    assert out["gpt_g4_chin_n"] == "1.0 × 10¹⁰"
    assert out["gpt_g3_kap_side"] == "was if anything *small* by Kaplan's standard"
    assert out["gpt_g3_chin_side"].startswith("too large")
    assert out["gpt_hist_vs_canon"].startswith("a factor above the canonical law's whole interval")
    assert out["gpt_early_below"].startswith("Both sat below both rules")
    other = glue.frontier(_series(), hist, _intervals(0.8), a_iv)  # GPT-3's interval holds 1x
    assert other["gpt_g3_chin_side"].startswith("the optimal size — the interval includes 1×")
    hist_low = hist.assign(vs_chinchilla=[0.1, 0.3, 4.0, np.nan])  # inside [2.0, 4.5]
    assert glue.frontier(_series(), hist_low, _intervals(2.0), a_iv)["gpt_hist_vs_canon"] == (
        "a factor that the canonical law's interval does not rule out"
    )


def _prediction(err: float, pl_err: float) -> SimpleNamespace:
    table = pd.DataFrame(
        {
            "flops": [1e18, 1e19, 1e20, 1e21, 1e22],
            "loss": [4.0, 3.6, 3.3, 3.1, 3.0],
            "used_in_fit": [True, True, True, True, False],
            "predicted": [4.0, 3.6, 3.3, 3.1, 3.0 * (1 + err)],
            "lo": [3.9, 3.5, 3.2, 3.0, 2.9],
            "hi": [4.1, 3.7, 3.4, 3.2, 3.1],
            "inside_interval": [True, True, True, True, True],
        }
    )
    fit = SimpleNamespace(
        E=1.8,
        E_ci=(1.5, 2.05),
        alpha=0.1234,
        alpha_ci=(0.1, 0.15),
        converged=True,
        boot_converged=0.97,
    )
    return SimpleNamespace(
        table=table,
        fit=fit,
        holdout_factor=30.0,
        n_fit=4,
        n_predicted=1,
        extrapolation=10.0,
        largest_rel_error=err,
        max_abs_rel_error=abs(err),
        power_law_largest_rel_error=pl_err,
    )


def test_predictable_scaling_texts_and_claims():
    runs = pd.DataFrame({"params": [1e7, 5e7, 1e8, 4e8, 1.4e9]})
    out = glue.predictable_scaling(_prediction(0.0073, -0.161), runs, "RedPajama")
    assert out["gpt_pr_dataset"] == "RedPajama" and out["gpt_pr_n"] == "5"
    assert (out["gpt_pr_small"], out["gpt_pr_large"]) == ("1.0 × 10⁷", "1.4 × 10⁹")
    assert out["gpt_pr_holdout"] == "30" and out["gpt_pr_extrap"] == "10.0×"
    assert (out["gpt_pr_E"], out["gpt_pr_E_ci"]) == ("1.80", "[1.50, 2.05]")
    assert out["gpt_pr_conv"] == "converged" and out["gpt_pr_boot_conv"] == "97%"
    assert out["gpt_pr_pred_ci"] == "[2.900, 3.100]"
    assert out["gpt_pr_err"] == "0.73%" and out["gpt_pr_pl_err"] == "16.1%"
    assert out["gpt_pr_pl_dir"] == "under" and out["gpt_pr_inside"] == "1"
    assert out["gpt_pr_floor_helps"].startswith("The irreducible term is what makes this work")
    assert "under-predicts the largest run by 16.1%" in out["gpt_pr_floor_helps"]
    assert out["gpt_pr_summary"].startswith(
        "a method that works on public data too (an error of 0.7%"
    )
    bad = glue.predictable_scaling(_prediction(0.08, 0.05), runs, "C4")
    assert bad["gpt_pr_pl_dir"] == "over"
    assert bad["gpt_pr_floor_helps"].startswith("Here the irreducible term does not help")
    assert bad["gpt_pr_summary"].startswith("a method that, on the public runs here, misses")


def _trend(g: float, ci: tuple[float, float], n: int = 100, start: str = "2010-01-01"):
    return SimpleNamespace(
        start=start,
        end="2024-05-31",
        n=n,
        growth_per_year=g,
        growth_ci=ci,
        doubling_months=12 * np.log(2) / np.log(g),
        r2=0.555,
    )


def test_growth_texts_and_claims():
    out = glue.growth(
        _trend(4.26, (3.7, 4.8), 371),
        _trend(10.57, (8.2, 13.3), 192, "2017-06-01"),
        _trend(4.55, (4.2, 4.9), 89),
        _trend(2.42, (1.6, 3.7), 130, "2017-06-01"),
        n_words=31,
        above=["GPT-4"],
    )
    assert (out["gpt_tr_start"], out["gpt_lm_start"]) == ("2010-01-01", "2017-06-01")
    assert out["gpt_tr_g"] == "4.26" and out["gpt_tr_g_ci"] == "[3.70, 4.80]"
    assert out["gpt_lm_g"] == "10.6" and out["gpt_tr_dbl"] == "5.7"
    assert out["gpt_tr_r2"] == "0.56" and out["gpt_n_words"] == "31"
    assert out["gpt_above_trend"] == "GPT-4" and out["gpt_above_verb"] == "lies"
    assert out["gpt_tok_slower"] == "Data grew too, but more slowly"
    assert out["gpt_tok_share"].startswith("the compute growth went mostly into bigger models")
    assert out["gpt_fr_in_range"] == "inside Epoch's 4–5× range"
    assert out["gpt_fr_ci_overlaps"] == "overlaps" and out["gpt_all_ci_overlaps"] == "overlaps"
    assert out["gpt_lm_vs_9"] == "1.6 above" and out["gpt_lm_ci_has_9"] == "includes"
    assert out["gpt_tr_summary"] == "grew"
    other = glue.growth(
        _trend(0.9, (0.5, 1.2)),
        _trend(6.0, (5.0, 7.0)),
        _trend(6.5, (5.5, 7.5)),
        _trend(1.1, (0.8, 1.5)),
        n_words=0,
        above=[],
    )
    assert other["gpt_above_trend"] == "none of the GPT models" and other["gpt_above_verb"] == "lie"
    assert other["gpt_tok_slower"].startswith("Data did not clearly grow in this window")
    assert other["gpt_fr_in_range"] == "outside Epoch's 4–5× range"
    assert other["gpt_fr_ci_overlaps"] == "misses" and other["gpt_all_ci_overlaps"] == "misses"
    assert other["gpt_lm_vs_9"] == "3.0 below" and other["gpt_lm_ci_has_9"] == "excludes"
    assert other["gpt_tr_summary"] == "did not grow"
    # data growing as fast as compute: the other wording of the first branch
    fast = glue.growth(
        _trend(4.0, (3, 5)), _trend(3.0, (2, 4)), _trend(4.0, (3, 5)), _trend(3.5, (2, 5)),
        n_words=0, above=["GPT-1", "GPT-4"],
    )  # fmt: skip
    assert fast["gpt_tok_slower"] == "Data grew at least as fast as compute"
    assert fast["gpt_tok_share"].startswith("so, by $C = 6ND$, less than half")


def _base() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "model": ["a1", "a2", "b1", "b2", "c1", "d1"],
            "family": ["A", "A", "B", "B", "C", "D"],
            "flops": [1e21, 1e22, 1e23, 1e24, np.nan, 1e22],
            "MMLU": [0.25, 0.30, 0.45, 0.70, 0.5, np.nan],
        }
    )


def test_benchmarks_texts_and_claims():
    base = _base()
    bench = base.dropna(subset=["flops", "MMLU"])
    fit = {
        "floor": 0.25,
        "floor_ci": (0.0, 0.27),
        "mid": 23.5,
        "mid_ci": (23.0, 24.0),
        "slope": 1.2,
        "slope_ci": (0.8, 1.6),
        "rmse": 0.045,
        "converged": True,
        "boot_converged": 1.0,
    }
    out = glue.benchmarks(base, bench, fit, "MMLU")
    assert (out["gpt_ob_total"], out["gpt_ob_fam_total"]) == ("6", "4")
    assert out["book_ruan_n_compute"] == "5" and out["gpt_ob_no_c"] == "1"
    assert out["gpt_ob_no_c_fams"] == "C" and out["gpt_ob_n"] == "4"
    assert out["gpt_ob_rmse_share"] == "10%"  # 0.045 / (0.70 - 0.25)
    assert out["gpt_ob_mid"] == "3.2 × 10²³" and out["gpt_ob_mid_ci"] == "[1.0 × 10²³, 1.0 × 10²⁴]"
    assert out["gpt_ob_top"] == "b2" and out["gpt_ob_top_score"] == "70.0%"
    assert out["gpt_ob_all_scored"] == "Of the models with a compute, 4 have a score on MMLU"
    assert out["gpt_ob_floor_ci_has_0"].startswith("reaches down to zero")
    assert out["gpt_ob_mid_where"] == "within the range of the data"
    fit2 = dict(fit, floor_ci=(0.2, 0.3), mid=24.5, converged=False)
    scored = base[base["model"] != "d1"]  # every model with a compute has a score
    out2 = glue.benchmarks(scored, scored.dropna(subset=["flops", "MMLU"]), fit2, "MMLU")
    assert out2["gpt_ob_all_scored"] == "All the models with a compute have a score on MMLU"
    assert out2["gpt_ob_floor_ci_has_0"] == "stays above zero"
    assert out2["gpt_ob_mid_where"].startswith("beyond the largest model here")
    assert out2["gpt_ob_conv"] == "did NOT converge"
    with pytest.raises(InputError, match="bench must hold"):
        glue.benchmarks(base, bench.iloc[:2], fit, "MMLU")


def test_exercise_1_claims():
    """Canonical law (Besiroglu et al. 2024 Table 1): a = 0.3658 / 0.7136 = 0.513 > 1/2, and
    about 18 tokens per parameter over 1e21-1e25 FLOP (paper_numbers.md §4: D/N = 18.4 at
    5.88e23), within a factor of two of 20; Hoffmann et al.'s rounded constants ask for far more
    tokens (D/N = 93 at 5.76e23, paper_numbers.md §3.2)."""
    out = glue.exercise_1(174.6e9)
    assert out["gpt_ex1_ratio"].startswith("Under the canonical law the optimal size grows")
    assert out["gpt_ex1_hist"].endswith("ask for more tokens and more compute")
    assert out["gpt_ex1_20"] == "within a factor of two of the canonical answer"


def test_exercise_2_claims():
    apart = {"a": _trend(6.6, (5.5, 8.3)), "b": _trend(10.6, (8.4, 13.0))}
    out = glue.exercise_2(apart)
    assert out["gpt_ex2_matters"].startswith(
        "The start date matters: the growth factor moves from 6.6x to 10.6x"
    )
    close = {"a": _trend(6.6, (5.5, 8.3)), "b": _trend(7.8, (5.4, 10.8))}
    assert glue.exercise_2(close)["gpt_ex2_matters"].startswith(
        "The growth factor moves from 6.6x to 7.8x per year with the start date, within"
    )
    with pytest.raises(InputError):
        glue.exercise_2({})


def test_exercise_3_claims():
    near = _prediction(0.0091, -0.106)
    far = _prediction(0.0073, -0.161)
    near.extrapolation, far.extrapolation = 23.0, 280.0
    out = glue.exercise_3(near, far)
    assert out["gpt_ex3_pl"].startswith("The pure power law's error grows")
    # power law / saturating: 0.106 / 0.0091 = 11.6 and 0.161 / 0.0073 = 22.1
    assert (
        out["gpt_ex3_sat"]
        == "The saturating law's error is at least 12 times smaller at both distances"
    )
    out2 = glue.exercise_3(far, near)  # the further one is now the less extrapolated: no growth
    assert out2["gpt_ex3_pl"].startswith("The pure power law's error does not grow")
    worse = _prediction(0.1, -0.15)
    assert glue.exercise_3(worse, far)["gpt_ex3_sat"].startswith(
        "The saturating law's error is not"
    )

"""Published numbers reproduced by the GPT-series chapter, and scalinglaws.analyses.gpt_series.

Each test names its source and tolerance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analyses import gpt_series as gs
from scalinglaws.analyses import predictable, trends
from scalinglaws.book.chapters import spec_matches_notebook
from scalinglaws.core.compute import PF_DAY_FLOP, training_flops
from scalinglaws.core.errors import InputError


@pytest.fixture(scope="module")
def epoch() -> pd.DataFrame:
    from scalinglaws.data import load

    return load("epoch_notable_models")


# ------------------------------------------------------------------ GPT-3 tables
def test_gpt3_175b_compute_table_d1():
    """Brown et al. 2020 Table D.1: GPT-3 175B used 3.14e23 FLOP = 3.64e3 PF-days (174,600M params,
    300B tokens). 6ND reproduces both to the printed 3 s.f. (tol 0.5 %)."""
    c = training_flops(174.6e9, 300e9)
    assert c == pytest.approx(3.14e23, rel=5e-3)
    assert c / PF_DAY_FLOP == pytest.approx(3.64e3, rel=5e-3)
    row = gs.series_table().set_index("name").loc["GPT-3 175B"]
    assert row["flops_6nd"] == pytest.approx(3.14e23, rel=5e-3)
    assert row["tokens_per_param"] == pytest.approx(300 / 174.6)


def test_gpt3_table_2_1_recomputed():
    """Brown et al. 2020 Table 2.1 (paper_numbers.md §2.2): the eight parameter counts are reproduced
    from the printed architectures within 2 % (rounded printed values); Table D.1's FLOPs equal 6ND
    within 0.2 % for all eight models."""
    fam = gs.gpt3_family()
    assert len(fam) == 8
    assert fam["rel_error"].abs().max() < 0.02
    assert fam["flops_rel_error"].abs().max() < 0.002
    assert (fam["tokens"] == 300e9).all()


def test_gpt3_typos_flagged():
    """paper_numbers.md §2.2: the XL row (24 x 128 != 2048) and the 13B row (d_model printed 5140,
    40 x 128 = 5120) are inconsistent. With 5120 the 13B count matches Table D.1's 12,850M
    (tol 0.1 %); with the printed 5140 it does not (off by > 0.5 %)."""
    fam = gs.gpt3_family().set_index("name")
    flagged = set(fam.index[fam["typo"] != ""])
    assert flagged == {"GPT-3 XL", "GPT-3 13B"}
    b13 = fam.loc["GPT-3 13B"]
    assert b13["n_params_recomputed_5120"] == pytest.approx(12.85e9, rel=1e-3)
    assert abs(b13["n_params_recomputed"] / 12.85e9 - 1) > 0.005


def test_gpt2_small_exact_count():
    """paper_numbers.md §2.1: GPT-2 small has 124,439,808 parameters with position embeddings
    (nanoGPT / HF count), exact."""
    from scalinglaws.core.compute import transformer_params

    assert transformer_params(12, 768, 12, 50257, 1024) == 124_439_808


def test_series_table_positions():
    """GPT-3 175B sits below Kaplan's optimal size and above Chinchilla's for its compute."""
    t = gs.series_table().set_index("name")
    assert list(t.index) == ["GPT-1", "GPT-2 (1.5B)", "GPT-3 175B", "GPT-4"]
    g3 = t.loc["GPT-3 175B"]
    assert g3["vs_kaplan"] < 1 < g3["vs_chinchilla"]
    assert t.loc["GPT-1", "tokens_source"] == "implied C/6N"
    assert t.loc["GPT-4", "tokens_source"] == "unknown" and np.isnan(t.loc["GPT-4", "params"])
    assert t.loc["GPT-1", "tokens"] == pytest.approx(1.76e19 / (6 * 117e6))
    lines = gs.frontier_lines([1e20, 1e22])
    assert len(lines) == 4 and set(lines["rule"]) == {
        "Kaplan et al. 2020",
        "Chinchilla form (Besiroglu et al. 2024 refit)",
    }
    hist = gs.frontier_lines([1e22], "hoffmann")
    assert "Chinchilla form (Hoffmann et al. 2022, printed constants)" in set(hist["rule"])
    with pytest.raises(InputError):
        gs.frontier_lines([-1.0])


# ------------------------------------------------------------------ Epoch AI
def test_epoch_gpt_rows(epoch):
    """datasets.md §4 (Epoch AI export 2025-02-24): GPT-1 1.76e19, GPT-2 1.5B 1.92e21, GPT-3 175B
    3.14e23, GPT-4 2.1e25 FLOP (tol 1 %)."""
    rows = epoch.set_index("model")["training_compute_flop"]
    assert rows["GPT-1"] == pytest.approx(1.76e19, rel=0.01)
    assert rows["GPT-2 (1.5B)"] == pytest.approx(1.92e21, rel=0.01)
    assert rows["GPT-3 175B (davinci)"] == pytest.approx(3.14e23, rel=0.01)
    assert rows["GPT-4"] == pytest.approx(2.1e25, rel=0.01)


def test_epoch_frontier_growth_matches_published(epoch):
    """Epoch AI 2024, "Training compute of frontier AI models grows by 4-5x per year" (blog; summary in
    datasets.md §4): frontier models 2010 to May 2024 grow 4-5x per year. Epoch's own "frontier
    model" flag (top 10 by compute at release) in the same window, least squares on log10 C with a
    pairs bootstrap, must give a growth factor inside the published 4-5x range (tolerance: the
    range itself) with a 95 % interval that overlaps it. Epoch's data insight
    "compute-trend-post-2010" prints 4.6x/yr (datasets.md §4); our interval must contain it."""
    fr = trends.fit_growth(
        epoch, start="2010-01-01", end="2024-05-31", frontier_only=True, n_boot=1000, seed=42
    )
    assert 4.0 <= fr.growth_per_year <= 5.0
    assert fr.growth_ci[0] <= 5.0 and fr.growth_ci[1] >= 4.0
    assert fr.growth_ci[0] <= 4.6 <= fr.growth_ci[1]


def test_epoch_language_growth_against_published(epoch):
    """Same Epoch AI 2024 source (datasets.md §4): notable language models grow "up to 9x per year"
    from June 2017 to May 2024, and "about 5x/yr" at the language-model frontier. Our plain least
    squares on every language model with a compute estimate (n = 192, datasets.md §4) differs in
    selection, so we test the published values against our 95 % bootstrap intervals: both must lie
    inside them. The all-models fit (n = 371, datasets.md §4) must overlap Epoch's 4-5x."""
    lm = trends.fit_growth(
        epoch, start="2017-06-01", end="2024-05-31", language_only=True, n_boot=1000, seed=42
    )
    lmf = trends.fit_growth(
        epoch,
        start="2017-06-01",
        end="2024-05-31",
        language_only=True,
        frontier_only=True,
        n_boot=1000,
        seed=42,
    )
    a = trends.fit_growth(epoch, start="2010-01-01", end="2024-05-31", n_boot=1000, seed=42)
    assert (a.n, lm.n) == (371, 192)
    assert lm.growth_ci[0] <= 9.0 <= lm.growth_ci[1]
    assert lmf.growth_ci[0] <= 5.0 <= lmf.growth_ci[1]
    assert a.growth_ci[0] <= 5.0 and a.growth_ci[1] >= 4.0


# ------------------------------------------------------------------ timeline and Ruan et al.'s counts
def test_timeline_dates(epoch):
    """Publication dates (quoted facts): GPT-2 14 Feb 2019 (OpenAI blog "Better language models");
    GPT-3 28 May 2020 (arXiv:2005.14165 v1); GPT-4 15 Mar 2023 (arXiv:2303.08774 v1); Kaplan et
    al. in January 2020, as its arXiv number 2001.08361 encodes (yymm = 2001). Exact to the day
    (month for Kaplan). GPT-1 and GPT-2 come before Kaplan et al., GPT-3 after."""
    t = gs.timeline(epoch).set_index("name")["date"]
    assert t["GPT-2 (1.5B)"] == pd.Timestamp("2019-02-14")
    assert t["GPT-3 175B"] == pd.Timestamp("2020-05-28")
    assert t["GPT-4"] == pd.Timestamp("2023-03-15")
    assert t["Kaplan et al. 2020"].strftime("%y%m") == "2001"
    assert t["GPT-1"] < t["GPT-2 (1.5B)"] < t["Kaplan et al. 2020"] < t["GPT-3 175B"]
    with pytest.raises(InputError):
        gs.timeline(pd.DataFrame({"x": [1]}))


def test_ruan_base_counts():
    """obsscaling_ruan PROVENANCE.md and datasets.md §6: base_llm_benchmark_eval.csv holds 148 base
    models from 47 families (exact). The models without a compute are exactly those whose
    pretraining token count is not published (FLOPs = 6ND needs D), so the count with compute is
    148 minus the rows without a token count."""
    from scalinglaws.data import load

    base = load("obsscaling_ruan", "base")
    c = gs.benchmark_counts(base, "MMLU")
    assert (c["models"], c["families"]) == (148, 47)
    assert c["with_compute"] + c["without_compute"] == 148
    assert c["without_compute"] == int(base["data_tokens_t"].isna().sum())
    assert c["with_score"] <= c["with_compute"]
    assert gs.benchmark_counts(base, "HumanEval")["with_score"] < c["with_compute"]
    with pytest.raises(InputError, match="no benchmark column"):
        gs.benchmark_counts(base, "nope")


# ------------------------------------------------------------------ Chinchilla exponents
def test_hoffmann_exponent_table_2_and_rounded():
    """Hoffmann et al. 2022 Table 2 prints a = 0.46 for Approach 3 (paper_numbers.md §3.1), which
    the unrounded TeX constants reproduce to the printed 2 d.p. (tol 0.005); the rounded constants
    printed in the text give a = beta/(alpha+beta) = 0.28/0.62 = 0.4516 (paper_numbers.md §3.2 [D],
    tol 5e-5). The canonical law (Besiroglu et al. 2024 Table 1: alpha 0.3478, beta 0.3658,
    datasets.md §1) gives 0.3658/0.7136 = 0.5126 (tol 5e-4, half a unit of the printed 4 d.p.)."""
    from scalinglaws.core.laws import get_parametric_law

    assert get_parametric_law("hoffmann-tex").a == pytest.approx(0.46, abs=0.005)
    assert get_parametric_law("hoffmann").a == pytest.approx(0.4516, abs=5e-5)
    assert get_parametric_law("epoch").a == pytest.approx(0.3658 / (0.3478 + 0.3658), abs=5e-4)


def test_series_intervals_bracket_the_canonical_values():
    """The canonical-law intervals contain their point values, which equal series_table's, and say
    GPT-3 was too large for its compute (lower end > 1) while GPT-1 and GPT-2 were small (upper < 1)."""
    iv = gs.series_intervals(n_boot=200, seed=1).set_index("name")
    t = gs.series_table().set_index("name")
    for q in ("chinchilla_params", "chinchilla_tokens"):
        assert np.allclose(iv[q], t[q], rtol=1e-12)
        assert (iv[f"{q}_lo"] <= iv[q]).all() and (iv[q] <= iv[f"{q}_hi"]).all()
    assert iv.loc["GPT-3 175B", "vs_chinchilla_lo"] > 1
    assert (
        iv.loc["GPT-1", "vs_chinchilla_hi"] < 1 and iv.loc["GPT-2 (1.5B)", "vs_chinchilla_hi"] < 1
    )
    assert np.isnan(iv.loc["GPT-4", "vs_chinchilla"])


# ------------------------------------------------------------------ predictable scaling
def test_gadre_predictable_scaling():
    """Gadre et al. 2024 (mlfoundations/scaling @a003c491, scaling_explorer.ipynb stored output):
    relative error 0.7320 % on the C4-eval loss of the 6.9B model at M = 20 (RedPajama), predicted
    from smaller runs. Our saturating fit on the four runs with >= 30x less compute gives the same
    error to 0.005 percentage points."""
    from scalinglaws.data import load

    g = load("gadre_overtraining", "runs")
    runs = g[(g["dataset"] == "rpj") & (g["multiplier"] == 20.0)].sort_values("flops")
    res = predictable.predict_large_end(
        runs["flops"], runs["loss_c4_val"], holdout_factor=30.0, n_boot=200
    )
    assert res.n_fit == 4 and res.fit.converged
    assert res.largest_rel_error == pytest.approx(0.007320, abs=5e-5)
    assert res.power_law_largest_rel_error < -0.1  # a pure power law misses by > 10 %


# ------------------------------------------------------------------ benchmark sigmoid
def test_benchmark_sigmoid_recovers_truth():
    x = np.linspace(18, 26, 60)
    y = 0.25 + 0.75 / (1 + np.exp(-1.2 * (x - 23.5)))
    fit = gs.fit_benchmark_sigmoid(10**x, y, n_boot=50)
    assert fit["converged"]
    # noise-free: zero-residual least squares, where trf (default xtol 1e-8) converges
    # quadratically to the true curve; measured exact to ~1e-15
    assert fit["floor"] == pytest.approx(0.25, abs=1e-4)
    assert fit["mid"] == pytest.approx(23.5, abs=1e-4)
    assert fit["slope"] == pytest.approx(1.2, abs=1e-3)
    band = gs.sigmoid_band(fit, 10 ** np.array([20.0, 23.5]))
    assert (band["lo"] <= band["score"]).all() and (band["score"] <= band["hi"]).all()


def test_benchmark_sigmoid_mmlu():
    """Observational Scaling base models: MMLU has a floor near chance (0.25 for 4 choices): the
    fitted floor's interval lies within [0.1, 0.3]."""
    from scalinglaws.data import load

    obs = load("obsscaling_ruan", "base").dropna(subset=["flops", "MMLU"])
    fit = gs.fit_benchmark_sigmoid(obs["flops"], obs["MMLU"], n_boot=100)
    assert 0.1 < fit["floor_ci"][0] <= fit["floor"] <= fit["floor_ci"][1] < 0.3


@pytest.mark.parametrize(
    "args, match",
    [
        (([1, 2, 3], [0.1, 0.2, 0.3]), "equal length >= 5"),
        (([1, 2, 3, 4, -5], [0.1] * 5), "flops must be positive"),
        (([1, 2, 3, 4, 5], [0.1, 0.2, 0.3, 0.4, 1.5]), "score must be finite fractions"),
        (("abc", [0.1] * 5), "equal length|arrays of numbers"),
    ],
)
def test_benchmark_sigmoid_bad_input(args, match):
    with pytest.raises(InputError, match=match):
        gs.fit_benchmark_sigmoid(*args, n_boot=10)


def test_sigmoid_bad_options():
    with pytest.raises(InputError, match="n_boot"):
        gs.fit_benchmark_sigmoid([1, 2, 3, 4, 5], [0.1] * 5, n_boot=1)
    with pytest.raises(InputError, match="fit must be the dict"):
        gs.sigmoid_band({}, [1.0])


# ------------------------------------------------------------------ notebooks match their specs
@pytest.mark.parametrize("chapter", ["kaplan", "gpt-series"])
def test_parameters_cell_matches_spec(chapter):
    assert spec_matches_notebook(chapter) == []


# ------------------------------------------------------------------ helpers of the chapter's sections
def test_gpt3_table_formats_the_printed_and_recomputed_counts():
    """Brown et al. 2020 Table 2.1 prints 125M for GPT-3 Small and 175.0B for the largest; Table
    D.1 prints 3.14e23 FLOP for 175B (paper_numbers.md §2.2). The display table keeps the printed
    values at their 3 significant digits and flags exactly the XL and 13B rows."""
    t = gs.gpt3_table(gs.gpt3_family())
    assert list(t.index)[0] == "GPT-3 Small" and len(t) == 8
    assert t.loc["GPT-3 Small", "Params (2.1)"] == "1.25e+08"
    assert t.loc["GPT-3 175B", "Params (2.1)"] == "1.75e+11"
    assert t.loc["GPT-3 175B", "FLOP (D.1)"] == "3.14e+23"
    assert t.loc["GPT-3 175B", "Tokens/param"] == "1.7"  # 300 / 174.6
    assert set(t.index[t["Flag"] != ""]) == {"GPT-3 XL", "GPT-3 13B"}
    with pytest.raises(InputError, match="gpt3_family"):
        gs.gpt3_table(pd.DataFrame({"name": ["x"]}))


def test_optimal_size_exponent_interval():
    """Besiroglu et al. 2024 Table 1: alpha 0.3478, beta 0.3658, so a = beta / (alpha + beta) =
    0.5126 (tol 5e-4, half a unit of the printed 4 d.p.); the bootstrap interval holds it."""
    iv = gs.optimal_size_exponent(n_boot=200, seed=1)
    assert iv.value == pytest.approx(0.3658 / (0.3478 + 0.3658), abs=5e-4)
    assert iv.lo < iv.value < iv.hi and iv.n == 200


def test_tokens_at_optimal_size():
    """At the budget where N is compute-optimal, C = 6 N D_opt (Hoffmann et al. 2022 eq 4 keeps
    6 N_opt D_opt = C), so D = C / 6N under every law; the canonical law's interval holds its value."""
    from scalinglaws.core.allocation import flops_for_optimal_params

    for law in ("epoch", "hoffmann"):
        d = gs.tokens_at_optimal_size(70e9, law)
        assert 6 * 70e9 * d == pytest.approx(flops_for_optimal_params(70e9, law), rel=1e-9)
    iv = gs.tokens_at_optimal_size_interval(174.6e9, n_boot=100, seed=2)
    assert iv.value == pytest.approx(gs.tokens_at_optimal_size(174.6e9), rel=1e-12)
    assert iv.lo < iv.value < iv.hi


def test_benchmark_models_and_gpts_above_trend(epoch):
    """The benchmark rows are those counted by benchmark_counts; of the GPT models, exactly the
    ones whose log10 compute exceeds the all-models trend line in their year are named."""
    from scalinglaws.data import load

    base = load("obsscaling_ruan", "base")
    bench = gs.benchmark_models(base, "MMLU")
    assert len(bench) == gs.benchmark_counts(base, "MMLU")["with_score"]
    assert (bench["flops"] > 0).all() and bench["MMLU"].notna().all()
    fit = trends.fit_growth(epoch, n_boot=50)
    above = gs.gpts_above_trend(epoch, fit)
    rows = epoch.set_index("model")
    for name in gs.EPOCH_NAMES.values():
        year = trends.fractional_year([rows.loc[name, "publication_date"]])[0]
        high = np.log10(rows.loc[name, "training_compute_flop"]) > fit.predict_log10(year)
        assert (name in above) == high
    # GPT-3 and GPT-4 were frontier-scale for their year: above the all-models trend
    assert {"GPT-3 175B (davinci)", "GPT-4"} <= set(above)


# ------------------------------------------------------------------ in-context learning and RLHF
def test_gao_best_of_n_kl_printed():
    """Gao et al. 2022 §3.1: best-of-n with n = 1,000 is "KL ≈ 6 nats" and n = 60,000 "KL ≈ 10 nats"
    (printed to the nearest nat: tol 0.5), from KL_bon = log n - (n-1)/n (§2)."""
    from scalinglaws.core import overoptimization as oo

    for n, kl in oo.GAO2022["bon_n_quoted"].items():
        assert oo.kl_best_of_n(n) == pytest.approx(kl, abs=0.5)


def test_instructgpt_alignment_compute_share():
    """Ouyang et al. 2022 §5.1: 175B SFT 4.9 and PPO-ptx 60 petaflop/s-days against 3,640 for GPT-3
    (paper_numbers §13.1; derived share 64.9 / 3640 = 1.8%, tol 0.05 points). GPT-3's 3,640 agrees
    with 6ND for 174.6B parameters and 300B tokens (Table D.1, tol 0.5%)."""
    from scalinglaws.core import overoptimization as oo

    ig = oo.INSTRUCTGPT
    share = (ig["sft_175b_pf_days"] + ig["ppo_ptx_175b_pf_days"]) / ig["gpt3_pf_days"]
    assert share == pytest.approx(0.018, abs=5e-4)
    assert training_flops(174.6e9, 300e9) / PF_DAY_FLOP == pytest.approx(
        ig["gpt3_pf_days"], rel=5e-3
    )
    assert ig["gpt3_params"] / ig["small_policy_params"] > 100  # "100x fewer parameters"


@pytest.fixture(scope="module")
def icl_results():
    from scalinglaws.analyses import icl
    from scalinglaws.data import load

    five = load("pythia_fewshot", "five_shot")
    zero = icl.zero_shot_table(
        load("pythia_evals", "evals"), load("pythia_fewshot", "zero_shot_1b")
    )
    gains = icl.fewshot_gains(five, zero)
    boot = {"n_boot": 200, "seed": 0, "level": 0.95}
    return (
        gains,
        icl.gain_trend(gains, **boot),
        icl.gain_trend(gains, "tokens", size="12b", **boot),
        icl.task_trends(gains),
        icl.token_trends(gains, **boot),
        icl.constant_share(five),
    )


def test_icl_glue_on_pythia(icl_results):
    """The section's glued facts that the PROVENANCE of pythia_fewshot states: LAMBADA five-shot below
    zero-shot at all 120 (size, step) pairs, WSC five-shot at 38/104 in 116 of 120 files; and GPT-3's
    printed RI accuracies (Table 3.10: 8.26% -> 67.2% with K = 100)."""
    from scalinglaws.book.glue import gpt_series as glue

    out = glue.icl(*icl_results)
    assert out["gpt_icl_lam_neg"] == out["gpt_icl_lam_pairs"] == "120"
    assert out["gpt_icl_lam_all_neg"] == "at every one of them"
    assert (out["gpt_icl_wsc_const"], out["gpt_icl_wsc_files"]) == ("116", "120")
    assert (out["gpt_icl_ri_zero"], out["gpt_icl_ri_few"], out["gpt_icl_ri_k"]) == (
        "8.26%",
        "67.2%",
        "100",
    )
    # GPT-3's TriviaQA gain: +12.4, +15.7, +6.9 points (Table H.1 / 3.3): not monotone in size
    assert out["gpt_icl_g3_tqa_mono"].startswith("grows from 1.3B to 13B but shrinks")
    assert out["gpt_icl_g3_lam_1b"] == "-6.6" and out["gpt_icl_g3_lam_175b"] == "+10.2"
    assert out["gpt_icl_n_tasks"] == "8" and out["gpt_icl_small"] == "70m"
    assert out["gpt_icl_rises"].startswith("rises with model size")


def test_icl_glue_branches(icl_results):
    """Both branches of the data-chosen sentences, on hand-edited trends."""
    from dataclasses import replace

    from scalinglaws.book.glue import gpt_series as glue

    gains, by_size, by_tokens, tasks, tokens, wsc = icl_results
    flat = replace(by_size, slope_ci=(-0.01, 0.02))
    falls = replace(by_size, slope_ci=(-0.03, -0.01))
    assert "includes zero" in glue.icl(gains, flat, by_tokens, tasks, tokens, wsc)["gpt_icl_rises"]
    assert glue.icl(gains, falls, by_tokens, tasks, tokens, wsc)["gpt_icl_rises"].startswith(
        "falls"
    )
    tok_flat = replace(by_tokens, slope_ci=(-0.01, 0.02))
    out = glue.icl(gains, by_size, tok_flat, tasks, tokens, wsc)
    assert out["gpt_icl_tok_rises"] == "shows no clear rise over training"


def test_rlhf_glue_and_exercises():
    """Peaks of the illustrative coefficients worked out by hand: best-of-n 0.5, 0.1 -> d* = 2.5,
    KL* = 6.25, R* = 0.625; RL 0.35, 0.15 -> d* = e^(4/3) = 3.79, R* = 0.15 d* = 0.569. Ouyang et al.
    §1: 85 ± 3% and 71 ± 4%."""
    import math

    from scalinglaws.book.glue import gpt_series as glue
    from scalinglaws.core import overoptimization as oo

    out = glue.rlhf(0.5, 0.1, 0.35, 0.15)
    assert (out["gpt_rl_bon_d"], out["gpt_rl_bon_kl"], out["gpt_rl_bon_r"]) == (
        "2.50",
        "6.25",
        "0.625",
    )
    assert out["gpt_rl_rl_d"] == f"{math.exp(4 / 3):.2f}" and out["gpt_rl_rl_r"] == "0.569"
    assert (out["gpt_rl_win"], out["gpt_rl_win_pm"], out["gpt_rl_win_fs"]) == ("85%", "3%", "71%")
    assert out["gpt_rl_align_share"] == "1.8%" and out["gpt_rl_kl_60k"] == "10.00"
    assert out["gpt_rl_further"].startswith("RL peaks farther") and out["gpt_rl_higher"] == "lower"
    other = glue.rlhf(0.5, 0.1, 0.2, 0.2)  # RL: d* = 1, R* = 0.2
    assert other["gpt_rl_further"].startswith("best-of-n peaks")
    base = (oo.bon_peak(0.5, 0.1), oo.rl_peak(0.35, 0.15))
    robust = (oo.bon_peak(0.5, 0.05), oo.rl_peak(0.35, 0.075))
    ex6 = glue.exercise_6(base, robust)
    assert ex6["gpt_ex6_rl_more"].startswith("The RL peak gains more")
    # RL's peak gains e^(alpha/beta) / 2 when beta halves: exactly 2 (best-of-n's gain) at log 4
    tie = oo.rl_peak(math.log(4) * 0.2, 0.1).score / oo.rl_peak(math.log(4) * 0.2, 0.2).score
    assert tie == pytest.approx(2.0, rel=1e-12)
    weak = (oo.bon_peak(0.5, 0.1), oo.rl_peak(0.2, 0.2))  # alpha/beta = 1 < log 4: gain e/2 < 2
    ex6b = glue.exercise_6(weak, (oo.bon_peak(0.5, 0.05), oo.rl_peak(0.2, 0.1)))
    assert ex6b["gpt_ex6_rl_more"].startswith("Best-of-n gains at least as much")
    ex7 = glue.exercise_7(oo.bon_peak(0.5, 0.1), float(oo.bon_gold_score(10**0.5, 0.5, 0.1)))
    assert ex7["gpt_ex7_past"].endswith("lies past the peak")
    assert ex7["gpt_ex7_sign"].endswith("still above the initial policy's")
    ex7b = glue.exercise_7(oo.bon_peak(0.5, 0.05), -0.1)
    assert ex7b["gpt_ex7_past"].endswith("not yet reached the peak")
    assert ex7b["gpt_ex7_sign"].endswith("fallen below the initial policy's")

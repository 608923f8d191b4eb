"""Glue of the Chinchilla chapter (scalinglaws.book.glue.chinchilla) on small hand-made inputs.

Each test checks formatted texts written out by hand and which branch of a data-dependent sentence
(:func:`scalinglaws.book.claim`) the input selects.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from scalinglaws import book
from scalinglaws.analyses.reconcile import PORIAN_EXTRA
from scalinglaws.book.glue import chinchilla as glue
from scalinglaws.core import laws


def _holds(name: str) -> bool:
    return book.CLAIMS[name][0]


def test_setup():
    out = glue.setup(SimpleNamespace(n_boot=4000, seed=7))
    assert out == {"chin_n_boot": "4,000", "chin_seed": "7"}


def _alloc_fit(a, a_ci, r2=0.99):
    return SimpleNamespace(a=a, b=1 - a, a_ci=a_ci, b_ci=(1 - a_ci[1], 1 - a_ci[0]), r2_a=r2)


def test_approaches_1_2_texts_and_claims():
    iso = pd.DataFrame({"flops": [1e16, 1e16, 1e18, 1e18], "params": [1e6, 2e6, 5e7, 1e8]})
    interior = pd.DataFrame({"flops": [1e16, 1e18]})
    ratio = pd.DataFrame(
        {"flops": [1e16, 1e18], "ratio": [20.4, 30.6], "lo": [18.0, 25.0], "hi": [22.0, 40.0]}
    )
    out = glue.approaches_1_2(
        iso, interior, _alloc_fit(0.52, (0.47, 0.58)), _alloc_fit(0.5, (0.45, 0.55)), ratio
    )
    assert out["chin_iso_cmin"] == "1.00 × 10¹⁶"
    assert out["chin_iso_nruns"] == "4" and out["chin_iso_nbudgets"] == "2"
    assert out["chin_a1_a"] == "0.520" and out["chin_a1_a_ci"] == "[0.470, 0.580]"
    assert out["chin_a2_b"] == "0.500" and out["chin_a2_b_ci"] == "[0.450, 0.550]"
    assert out["chin_a2_tpp_lo"] == "20" and out["chin_a2_tpp_hi_ci"] == "[25, 40]"
    # 22 < 25: the intervals are apart; 0.49 inside [0.45, 0.55]; both upper ends below 0.73
    assert _holds("chin_a2_drift") and out["chin_a2_drift"].startswith("The two intervals do not")
    assert _holds("chin_a2_vs_hoffmann") and _holds("chin_a12_vs_kaplan")
    ratio.loc[0, "hi"] = 26.0
    out = glue.approaches_1_2(
        iso, interior, _alloc_fit(0.7, (0.6, 0.8)), _alloc_fit(0.6, (0.55, 0.65)), ratio
    )
    assert not _holds("chin_a2_drift") and "do not resolve" in out["chin_a2_drift"]
    assert out["chin_a2_vs_hoffmann"] == "Hoffmann's 0.49 lies outside our Approach-2 interval"
    assert out["chin_a12_vs_kaplan"] == "at least one interval does not exclude Kaplan's value"


def _boot(a_ci, e_ci=(1.77, 1.87)):
    return SimpleNamespace(
        point={"a": 0.514, "b": 0.486},
        intervals={
            "E": e_ci,
            "A": (290.4, 740.6),
            "B": (1040.0, 5800.0),
            "alpha": (0.318, 0.372),
            "beta": (0.332, 0.414),
            "a": a_ci,
            "b": (1 - a_ci[1], 1 - a_ci[0]),
        },
        std_err={"a": 0.0204, "B": 1050.0},
        n_converged=3990,
    )


def test_approach_3_texts_and_claims():
    fit = SimpleNamespace(
        E=1.8172,
        A=477.84,
        B=2143.86,
        alpha=0.3473,
        beta=0.3672,
        converged=True,
        n_reached=4050,
        n_starts=4500,
    )
    out = glue.approach_3(fit, _boot((0.48, 0.55)), _alloc_fit(0.5, (0.45, 0.55)), 240)
    assert out["chin_a3_npoints"] == "240"
    assert out["chin_a3_A"] == "477.8" and out["chin_a3_B"] == "2,144"
    assert out["chin_a3_A_ci"] == "[290, 741]" and out["chin_a3_a_ci"] == "[0.480, 0.550]"
    assert out["chin_a3_conv"] == "converged" and out["chin_a3_reached"] == "90%"
    assert out["chin_a3_nconv"] == "3,990" and out["chin_a3_B_se_rel"] == "49%"
    assert out["chin_a3_dalpha"] == "0.0005"  # |0.3473 - 0.3478| (Epoch's alpha)
    assert _holds("chin_a3_ci_agree") and _holds("chin_a3_agrees")
    assert out["chin_a3_rejects_hoffmann_a"] == "Hoffmann's value lies outside the interval"
    fit.converged = False
    out = glue.approach_3(
        fit, _boot((0.40, 0.46), e_ci=(1.70, 1.87)), _alloc_fit(0.5, (0.47, 0.55)), 240
    )
    assert out["chin_a3_conv"] == "did not converge"
    assert not _holds("chin_a3_ci_agree") and not _holds("chin_a3_agrees")
    assert out["chin_a3_rejects_hoffmann_a"] == "Hoffmann's value lies inside the interval"


def test_mean_reduction():
    N = np.array([1e8, 1e9, 1e10, 4e8])
    D = np.array([2e9, 2e10, 2e11, 1e11])
    # every loss 1% (in log) above the law: residual -0.01 per point, Huber (delta 1e-3) loss
    # 1e-3 * (0.01 - 0.0005) = 9.5e-6 each, 3.8e-5 in all: twice an optimum of 1.9e-5
    L = laws.EPOCH.loss(N, D) * np.exp(0.01)
    theta = np.log([laws.EPOCH.A, laws.EPOCH.B, laws.EPOCH.E]).tolist()
    theta += [laws.EPOCH.alpha, laws.EPOCH.beta]
    fit_mean = SimpleNamespace(
        E=1.8,
        alpha=0.3,
        beta=0.2,
        converged=False,
        theta=np.array(theta),
        law=lambda name: laws.HOFFMANN_TEX,
    )
    out = glue.mean_reduction(SimpleNamespace(objective=1.9e-5), fit_mean, N, D, L, 5.76e23)
    assert out["chin_mean_a"] == "0.400" and out["chin_mean_E"] == "1.800"
    assert out["chin_mean_conv"] == "did not converge"
    assert out["chin_mean_obj_excess"] == "100%"
    assert out["chin_mean_tpp"] == "59"  # the TeX law at the Gopher budget (~59, paper §3.2)


def test_significance_texts_and_claim():
    mle = [np.log(482.01), np.log(2085.43), np.log(1.8172), 0.3478, 0.3658]
    lrt = SimpleNamespace(
        statistic=84.0,
        p_value=1.22e-16,
        details={"theta_alt": mle, "converged_alt": True, "converged_null": True},
    )
    chi2 = SimpleNamespace(statistic=250.44, p_value=1e-50)
    out = glue.significance(chi2, lrt, [230.2, 262.6], SimpleNamespace(statistic=180.04))
    assert out["chin_chi2"] == "250.4" and out["chin_lrt"] == "84.00"
    assert out["chin_mle_A"] == "482.01" and out["chin_mle_E"] == "1.8172"
    assert out["chin_chi2_seed_lo"] == "230" and out["chin_chi2_seed_hi"] == "263"
    assert out["chin_chi2_epoch_centre"] == "180.0" and out["chin_lrt_conv"] == "converged"
    assert _holds("chin_reject")
    lrt.details["converged_null"] = False
    out = glue.significance(
        SimpleNamespace(statistic=5.0, p_value=0.4), lrt, [3.0], SimpleNamespace(statistic=4.0)
    )
    assert out["chin_lrt_conv"] == "did not converge"
    assert out["chin_chi2_seed_lo"] == "3" and out["chin_chi2_seed_hi"] == "5"
    assert not _holds("chin_reject") and out["chin_reject"].startswith("At least one test")


def _iv(value, lo, hi):
    return SimpleNamespace(value=value, lo=lo, hi=hi)


def test_table3_texts_and_claims():
    optimum = {"params": _iv(6.0e10, 5.0e10, 7.5e10), "tokens_per_param": _iv(26.0, 18.0, 32.0)}
    out = glue.table3(5.76e23, laws.EPOCH, optimum, np.linspace(10.0, 30.0, 41))
    assert out["chin_t3_budget"] == "5.76 × 10²³"
    assert out["chin_t3_tpp_1b"] == "20.2" and out["chin_t3_tpp_10b"] == "20.5"  # Table 3
    assert out["chin_tpp_chinchilla"] == "20" and out["chin_chin_budget"] == "5.88 × 10²³"
    assert out["chin_tpp_rounded"] == "93" and out["chin_tpp_tex"] == "59"  # paper §3.2
    # Hoffmann et al.'s Figure 4 caption: 40B at the Gopher budget (the prose: "rounds to 40B")
    assert out["chin_fig4_n_tex"].endswith("B") and round(float(out["chin_fig4_n_tex"][:-1])) == 40
    assert out["chin_tpp_fit_ci"] == "[10.5, 29.5]" and out["chin_tpp_fit_nboot"] == "41"
    assert out["chin_tpp_epoch_ci"] == "[18.0, 32.0]"
    assert out["chin_nopt_epoch"] == "6.00 × 10¹⁰"
    assert _holds("chin_twenty_survives") and _holds("chin_printed_vs_20")
    assert _holds("chin_a3_onesided")
    optimum["tokens_per_param"] = _iv(26.0, 22.0, 32.0)
    out = glue.table3(5.76e23, laws.EPOCH, optimum, np.linspace(10.0, 30.0, 41))
    assert not _holds("chin_twenty_survives") and "does not survive" in out["chin_twenty_survives"]


def test_gopher():
    cg = pd.DataFrame(
        {
            "Law": ["rounded", "other"],
            "Chinchilla 70B / 1.4T": [1.9366, 1.95],
            "Gopher 280B / 300B": [1.9927, 1.99],
        }
    )
    cg["Gopher − Chinchilla"] = cg["Gopher 280B / 300B"] - cg["Chinchilla 70B / 1.4T"]
    out = glue.gopher(cg)
    assert out["chin_gopher_c"] == "5.04 × 10²³" and out["chin_chin_c"] == "5.88 × 10²³"
    assert out["chin_cg_gap_min"] == "0.040" and out["chin_cg_gap_max"] == "0.056"
    assert out["chin_cg_chin_rounded"] == "1.937" and out["chin_cg_gopher_rounded"] == "1.993"


def _porian_inputs(kadj_ci=(0.60, 0.70), ext_hi_5=8e10):
    rows = []
    for ds, base in (("rw", 0.0), ("owt2", 0.01)):
        for step, a in enumerate((0.85, 0.70, 0.60, 0.57, 0.50), start=1):
            rows.append(
                {
                    "dataset": ds,
                    "step": step,
                    "label": f"s{step}",
                    "a": a + base,
                    "a_lo": a + base - 0.05,
                    "a_hi": a + base + 0.05,
                    "a_table2": a + base + 0.0002,
                    "a_ols": a + base + 0.01,
                    "a_raw": a + base - 0.01,
                    "a_raw_lo": a - 0.1,
                    "a_raw_hi": a + 0.1,
                    "n_star_at_chinchilla": 1e12 if step == 1 else 7e10,
                }
            )
    steps = pd.DataFrame(rows)
    ext = {
        1: {"n_star_at_lo": 5e11, "n_star_at_hi": 2e12, "decades_beyond": 4.21},
        5: {"n_star_at_lo": 4e10, "n_star_at_hi": ext_hi_5, "decades_beyond": 4.0},
    }
    extra = {
        key: {"a": v + 0.0003, "a_lo": v - 0.05, "a_hi": v + 0.05}
        for key, v in PORIAN_EXTRA.items()
    }
    extra[("summary_df_kaplan_tuned_hparams.pickle.xz", "Kaplan Adjusted")].update(
        a_lo=kadj_ci[0], a_hi=kadj_ci[1]
    )
    return steps, ext, extra


def test_porian_texts_and_claims():
    out = glue.porian(*_porian_inputs())
    assert out["book_porian_kaplan_a"] == "0.850" and out["chin_por_rw_1_ci"] == "[0.80, 0.90]"
    assert out["chin_por_ow_5"] == "0.510" and out["chin_por_maxdiff"] == "0.0002"
    assert out["chin_por_drop_flops"] == "0.15" and out["chin_por_drop_decay"] == "0.03"
    assert out["chin_por_nstar_1"] == "1.00 × 10¹²" and out["chin_por_ext_decades_1"] == "4.2"
    assert out["chin_por_nstar_5_ci"] == "[4.0 × 10¹⁰, 8.0 × 10¹⁰]"
    assert out["chin_por_extra_maxdiff"] == "0.0003"
    assert out["chin_por_ols_ow_1"] == "0.870" and out["chin_por_raw_rw_5"] == "0.49"
    assert out["chin_por_att_chain"].count(" → ") == len(out["chin_por_att_chain"].split(" → ")) - 1
    assert _holds("chin_por_ext_separate") and _holds("chin_por_kadj_between")
    out = glue.porian(*_porian_inputs(kadj_ci=(0.50, 0.70), ext_hi_5=6e11))
    assert not _holds("chin_por_ext_separate") and "overlap" in out["chin_por_ext_separate"]
    assert not _holds("chin_por_kadj_between")


def test_pearce_song():
    study = SimpleNamespace(a_nonembedding=0.7312, a_total=0.5149, a_law=0.5125)
    boot = pd.DataFrame({"a_nonembedding": np.linspace(0.70, 0.76, 401), "a_total": 0.5})
    out = glue.pearce_song(study, study, study, boot)
    assert out["chin_ps_ne_epoch"] == "0.73" and out["chin_ps_law_tex"] == "0.512"
    assert out["chin_ps_ne_fit_ci"] == "[0.70, 0.76]" and out["chin_ps_t_fit_ci"] == "[0.50, 0.50]"
    assert out["chin_ps_nboot"] == "401"
    # N_T = N_E + 47,491 N_E^(1/3): at 1e6 the embedding is 4.7491e6 of 5.7491e6 parameters
    assert out["chin_ps_emb_share_1m"] == "83%" and out["chin_ps_emb_share_1b"] == "5%"


def _inference_result(tpp, savings):
    return SimpleNamespace(
        params=7e9,
        train_tokens=7e9 * tpp,
        tokens_per_param=tpp,
        savings=savings,
        chinchilla_total_flops=1e23,
        total_flops=1e23 * (1 - savings),
        converged=True,
    )


def test_inference_canonical_and_history():
    P = SimpleNamespace(target_params=13e9, inference_tokens=2e12)
    target = SimpleNamespace(loss=2.0512, tokens=2.6e11)
    iv = {
        "params": _iv(0, 6e9, 8e9),
        "train_tokens": _iv(0, 4e11, 6e11),
        "savings": _iv(0, 0.1, 0.2),
    }
    out = glue.inference(laws.EPOCH, target, _inference_result(70.0, 0.15), P, iv)
    assert out["chin_inf_n_ci"] == " [6.00 × 10⁹, 8.00 × 10⁹]"
    assert out["chin_inf_savings_ci"] == " [10.0%, 20.0%]"
    assert out["chin_inf_loss"] == "2.051" and out["chin_inf_tpp"] == "70"
    assert out["chin_inf_saves"] == (
        "the lifetime bill falls by 15.0% [10.0%, 20.0%] (1.50 × 10²² FLOP)"
    )
    assert _holds("chin_inf_law_note") and not _holds("chin_inf_extreme")
    out = glue.inference(laws.HOFFMANN, target, _inference_result(20_000.0, 1e-4), P, None)
    assert out["chin_inf_n_ci"] == out["chin_inf_d_ci"] == out["chin_inf_savings_ci"] == ""
    assert not _holds("chin_inf_law_note") and "only for history" in out["chin_inf_law_note"]
    assert _holds("chin_inf_extreme") and not _holds("chin_inf_saves")


def test_sardana():
    tex = SimpleNamespace(
        params=7.03e9, savings=0.17, chinchilla_total_flops=1e23, total_flops=8.3e22
    )
    out = glue.sardana({"params": _iv(7.4e9, 6.9e9, 7.9e9), "savings": _iv(0.164, 0, 0)}, tex)
    assert out["chin_sar_n"] == "7.0 × 10⁹" and out["chin_sar_savings"] == "17%"
    assert out["chin_sar_flops"] == "1.7 × 10²²"
    assert (
        out["chin_sar_n_epoch_ci"] == "[6.9 × 10⁹, 7.9 × 10⁹]"
        and out["chin_sar_savings_epoch"] == "16%"
    )


def test_llama():
    demand = {"tex": 1.2e14, "epoch": 4.5e13, "fit": 6.0e13}
    opt = {"params": _iv(6.1e10, 5.5e10, 6.8e10)}
    out = glue.llama(demand, _iv(4.5e13, 2e13, 8e13), opt)
    assert out["chin_llama_c"] == "7.20 × 10²³"
    assert out["chin_llama_ratio_epoch"] == "3.0×"
    assert out["chin_llama_dinf_epoch_ci"] == "[2.0 × 10¹³, 8.0 × 10¹³]"
    assert out["chin_llama_copt_n_epoch"] == "6.10 × 10¹⁰"
    assert _holds("chin_llama_positive")
    out = glue.llama(demand, _iv(4.5e13, -1e12, 8e13), opt)
    assert not _holds("chin_llama_positive") and "reaches zero" in out["chin_llama_positive"]


@pytest.mark.parametrize("name", glue.__all__)
def test_every_glue_function_is_documented(name):
    assert getattr(glue, name).__doc__

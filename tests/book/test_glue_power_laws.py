"""Glue of the power-laws chapter (scalinglaws.book.glue.power_laws) on small hand-made inputs.

Each function returns the texts it glued; the tests check the formatting and which branch of every
data-dependent sentence (``book.claim``) the input selects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws import book
from scalinglaws.analyses.extrapolation import Holdout, LawFit, holdout_errors
from scalinglaws.book.glue import power_laws as glue_pl
from scalinglaws.core.errors import InputError

SUITE = ["70m", "160m", "410m", "1b", "1.4b", "2.8b", "6.9b", "12b"]


def _fit(
    alpha,
    ci,
    *,
    A=10.0,
    E=0.0,
    E_ci=(0.0, 0.0),
    converged=True,
    n_boot=200,
    spread=0.0,
    e_spread=0.0,
):
    """A hand-made fit; its bootstrap holds two replicates, ``alpha -/+ spread`` and ``E -/+ e_spread``
    (the band: at each x the 2.5-97.5% quantiles of the two curves, 95% of the distance between them)."""
    boot = np.array(
        [[E - e_spread, np.log(A), alpha - spread], [E + e_spread, np.log(A), alpha + spread]]
    )
    return LawFit(
        law="saturating" if E else "power law",
        A=A,
        alpha=alpha,
        E=E,
        A_ci=(A, A),
        alpha_ci=ci,
        E_ci=E_ci,
        converged=converged,
        boot_converged=1.0,
        rmse_log=0.01,
        n=8,
        n_boot=n_boot,
        seed=0,
        level=0.95,
        boot=boot,
    )


def test_data_sets_all_sizes_and_one_missing():
    lam = pd.DataFrame({"size": SUITE})
    curve = pd.DataFrame({"flops": np.arange(1.0, 13.0)})
    out = glue_pl.data_sets(lam, curve)
    # the Pythia suite: eight sizes from 70M to 12B parameters (Biderman et al. 2023, Table 1)
    assert out["pl_suite_n"] == "8"
    assert out["pl_suite_min"] == "7.0 × 10⁷" and out["pl_suite_max"] == "1.2 × 10¹⁰"
    assert out["pl_n_budgets"] == "12"
    assert out["pl_py_coverage"] == "The book's data hold all of them."
    assert book.CLAIMS["pl_py_coverage"][0] is True
    out = glue_pl.data_sets(pd.DataFrame({"size": [s for s in SUITE if s != "1b"]}), curve)
    assert out["pl_py_coverage"] == (
        "The book's data hold the evaluations of 7 of them (1B missing), so every Pythia fit and "
        "figure here uses those 7 sizes."
    )


def test_kaplan_rule():
    out = glue_pl.kaplan_rule(0.076)
    # 2^-0.076 = 0.9487, 10^-0.076 = 0.8395, 2^(1/0.076) = 9.1e3
    assert out == {
        "pl_kaplan_alpha": "0.076",
        "pl_doubling": "0.949",
        "pl_doubling_pct": "5.1%",
        "pl_decade": "0.839",
        "pl_decade_pct": "16.1%",
        "pl_halving_factor": "9.1 × 10³",
    }


def test_pythia_fit_texts_and_comparison_with_kaplan():
    lam = pd.DataFrame(
        {"size": ["70m", "1b", "12b"], "ppl": [142.43, 7.9, 3.9237], "xent": [4.9588, 2.07, 1.367]}
    )
    out = glue_pl.pythia_fit(lam, _fit(0.2456, (0.2021, 0.2917)), 0.076)
    assert out["pl_n_models"] == "3"
    assert out["pl_ppl_small"] == "142.4" and out["pl_ppl_large"] == "3.92"
    assert out["pl_xent_small"] == "4.96" and out["pl_xent_large"] == "1.37"
    assert out["pl_pythia_alpha"] == "0.246" and out["pl_pythia_alpha_ci"] == "[0.202, 0.292]"
    assert out["pl_n_boot"] == "200" and out["pl_alpha_ratio"] == "3.2×"
    assert out["pl_pythia_converged"] == "converged"
    assert out["pl_alpha_vs_kaplan"].startswith("larger than theirs")
    out = glue_pl.pythia_fit(lam, _fit(0.2, (0.05, 0.3), converged=False), 0.076)
    assert out["pl_alpha_vs_kaplan"].startswith("not clearly larger")
    assert out["pl_pythia_converged"] == "did NOT converge"


def _stats(mean_lin, std_lin, mean_log=0.501, std_log=0.022, n=200):
    return pd.DataFrame(
        {
            "mean": [mean_lin, mean_log],
            "std": [std_lin, std_log],
            "se": [std_lin / np.sqrt(n), std_log / np.sqrt(n)],
            "rmse": [0.1034, 0.0226],
            "converged": [0.995, 1.0],
        },
        index=pd.Index(["linear space", "log space"], name="method"),
    )


def test_simulation_texts_and_claims():
    out = glue_pl.simulation(_stats(0.508, 0.103), truth=0.5, n_points=9, sigma=0.2, n_sim=200)
    assert out["pl_n_sim"] == "200" and out["pl_sim_points"] == "9"
    assert out["pl_sim_sigma_pct"] == "20%" and out["pl_sim_alpha"] == "0.50"
    assert out["pl_sim_std_lin"] == "0.103" and out["pl_sim_std_log"] == "0.022"
    assert out["pl_sim_ratio"] == "4.7×"  # 0.103 / 0.022 = 4.68
    assert out["pl_sim_rmse_lin"] == "0.103" and out["pl_sim_rmse_log"] == "0.023"
    assert out["pl_sim_conv_lin"] == "100%"  # 99.5% to no decimals
    assert out["pl_sim_mean_lin"] == "0.508" and out["pl_sim_mean_log"] == "0.501"
    # |0.508 - 0.5| = 0.008 < 3 * 0.103 / sqrt(200) = 0.022: centred
    assert out["pl_sim_centred"].startswith(
        "Both estimators are centred on the true $\\alpha$ = 0.50"
    )
    assert "0.508 in linear space" in out["pl_sim_centred"]
    assert out["pl_sim_wider"] == "but the linear-space fit scatters"
    # a biased linear estimate (0.55: 6.9 standard errors off) that scatters less than the log one
    out = glue_pl.simulation(_stats(0.55, 0.01), truth=0.5, n_points=9, sigma=0.2, n_sim=200)
    assert out["pl_sim_centred"].startswith("Not both estimators are centred")
    assert out["pl_sim_wider"].startswith("and, in this run, the linear-space fit does not")
    with pytest.raises(InputError, match="estimator_stats"):
        glue_pl.simulation(_stats(0.5, 0.1).iloc[:1], truth=0.5, n_points=9, sigma=0.2, n_sim=200)


def _windows(rows):
    return pd.DataFrame(rows, columns=["window", "N_mid", "alpha", "lo", "hi", "converged"])


def test_saturation_texts_and_window_story():
    sat = _fit(0.6123, (0.5111, 0.7349), A=2.3e5, E=1.2345, E_ci=(1.071, 1.368))
    apart = _windows(
        [
            ("70m–410m", 1.7e8, 0.416, 0.381, 0.450, True),
            ("2.8b–12b", 6.1e9, 0.113, 0.08, 0.145, True),
        ]
    )
    out = glue_pl.saturation(sat, apart, 3)
    assert out["pl_window_models"] == "3" and out["pl_win_n"] == "2"
    assert out["pl_sat_E"] == "1.23" and out["pl_sat_E_ci"] == "[1.07, 1.37]"
    assert out["pl_sat_alpha"] == "0.61" and out["pl_sat_alpha_ci"] == "[0.51, 0.73]"
    assert out["pl_win_first"] == "70m–410m" and out["pl_win_last"] == "2.8b–12b"
    assert out["pl_win_alpha_first"] == "0.42" and out["pl_win_alpha_first_ci"] == "[0.38, 0.45]"
    assert out["pl_win_alpha_last"] == "0.11" and out["pl_win_alpha_last_ci"] == "[0.08, 0.14]"
    assert out["pl_sat_converged"] == "converged"
    assert out["pl_win_all_converged"] == "The 2 window fits all converged."
    assert out["pl_win_story"] == (
        "The sliding windows tell the same story without any model of the floor: the exponent fitted "
        "on the smallest sizes (70m–410m) is 0.42 [0.38, 0.45], on the largest (2.8b–12b) only 0.11 "
        "[0.08, 0.14], and the two intervals do not overlap."
    )
    overlap = _windows([("a–c", 1e8, 0.3, 0.1, 0.5, True), ("b–d", 1e9, 0.2, 0.15, 0.3, False)])
    out = glue_pl.saturation(sat, overlap, 4)
    assert out["pl_win_all_converged"] == "The 2 window fits did NOT all converge."
    assert out["pl_win_story"] == (
        "With windows of 4 sizes the sliding fits cannot show the drift clearly: the exponent on the "
        "smallest sizes (a–c) is 0.30 [0.10, 0.50], on the largest (b–d) 0.20 [0.15, 0.30], and the "
        "intervals overlap."
    )
    one = _windows([("70m–12b", 1e9, 0.25, 0.2, 0.3, True)])
    out = glue_pl.saturation(sat, one, 8)
    assert out["pl_win_all_converged"] == "The window fit converged."
    assert out["pl_win_story"].startswith("With a window of all 8 sizes there is only one window")


def test_porian_reproduction_texts():
    curve = pd.DataFrame(
        {"flops": [1.25e16, 2.56e19], "loss_star": [4.5, 3.1], "loss_star_std": [4.4e-4, 6.7e-4]}
    )
    repro = _fit(0.10597, (0.083, 0.1254), A=128.93, E=2.00556, E_ci=(1.408, 2.3201))
    ref = {"E": 2.005558, "A": 128.932, "alpha": 0.105970}
    out = glue_pl.porian_reproduction(
        curve, repro, ref, n_window=6, dataset_name="RefinedWeb", label="Optimizer Tuning"
    )
    assert out["pl_c_max"] == "2.56 × 10¹⁹" and out["pl_dataset"] == "RefinedWeb"
    assert out["pl_label"] == "optimizer tuning" and out["pl_porian_n"] == "6"
    assert out["pl_std_min"] == "4 × 10⁻⁴" and out["pl_std_max"] == "7 × 10⁻⁴"
    assert (out["pl_porian_E"], out["pl_porian_alpha"], out["pl_porian_A"]) == (
        "2.006",
        "0.106",
        "128.9",
    )
    assert out["pl_repro_E"] == "2.006" and out["pl_repro_E_ci"] == "[1.41, 2.32]"
    assert out["pl_repro_alpha"] == "0.106" and out["pl_repro_alpha_ci"] == "[0.083, 0.125]"
    assert out["pl_repro_A"] == "128.9" and out["pl_repro_converged"] == "converged"


FLOPS = np.array([1e16, 1e17, 1e18, 1e19])
LOSS = np.array([4.0, 3.6, 3.2, 3.0])


def _study(pw: LawFit, sat: LawFit) -> Holdout:
    """Fits "on" the two smallest budgets (hand-made), checked on the other two."""
    curve = pd.DataFrame({"flops": FLOPS, "loss_star": LOSS})
    errs = [holdout_errors(FLOPS, LOSS, f.predict(FLOPS), 1e17) for f in (sat, pw)]
    return Holdout(curve, 2, 1e17, sat, pw, *errs)


def _through_first(alpha, E=0.0, spread=0.0, e_spread=0.0):
    """A law through (1e16, 4.0) with exponent alpha (and floor E)."""
    return _fit(
        alpha,
        (alpha - 0.01, alpha + 0.01),
        A=(4.0 - E) * 1e16**alpha,
        E=E,
        spread=spread,
        e_spread=e_spread,
    )


def test_holdout_texts_and_bracketing_claims():
    # plain: 4 * 10^(-0.05 k) at C = 1e16 * 10^k, too low beyond the window; its band (alpha
    # -/+ 0.0001) is about +/-0.4% wide at 1e18 and 1e19, relatively wider the larger C
    pw = _through_first(0.05, spread=0.0001)
    # saturating: 2 + 2 * 10^(-0.1 k), too high; its band (E -/+ 0.003) is +/-0.00285 nats wide,
    # relatively wider as the loss falls, and reaches the measured 3.0 at 1e19 (predicted 3.0024)
    sat = _through_first(0.1, E=2.0, e_spread=0.003)
    out = glue_pl.holdout(_study(pw, sat))
    assert out["pl_n_fit"] == "2" and out["pl_n_out"] == "2"
    assert out["pl_c_fit_max"] == "1.00 × 10¹⁷" and out["pl_decades_far"] == "2.0"
    assert out["pl_ext_E"] == "2.00" and out["pl_ext_alpha"] == "0.100"
    assert out["pl_ext_pw_alpha"] == "0.050" and out["pl_ext_pw_alpha_ci"] == "[0.040, 0.060]"
    # the relative errors from the laws' formulas: first held-out budget 1e18, largest 1e19
    assert out["pl_err_near_pw"] == f"{100 * (4 * 10**-0.1 / 3.2 - 1):.2f}%" == "-0.71%"
    assert out["pl_err_far_pw"] == f"{100 * (4 * 10**-0.15 / 3.0 - 1):.2f}%" == "-5.61%"
    assert out["pl_err_near_sat"] == f"{100 * ((2 + 2 * 10**-0.2) / 3.2 - 1):.2f}%" == "1.93%"
    assert out["pl_err_far_sat"] == f"{100 * ((2 + 2 * 10**-0.3) / 3.0 - 1):.2f}%" == "0.08%"
    # the bands' error intervals bracket the point errors
    for law in ("sat", "pw"):
        for where in ("near", "far"):
            lo, hi = (
                float(v.rstrip("%")) for v in out[f"pl_err_{where}_{law}_ci"][1:-1].split(", ")
            )
            assert lo <= float(out[f"pl_err_{where}_{law}"].rstrip("%")) <= hi
    assert out["pl_cover_sat"] == "1" and out["pl_cover_pw"] == "0"
    assert out["pl_ext_conv"] == "converged"
    assert out["pl_err_grows"] == "grows"
    assert out["pl_bands_widen"] == "The bands widen as they leave the data."
    assert out["pl_bracket"].startswith("Here the two forms bracket the truth")


def test_holdout_other_branches():
    flat = _through_first(0.0)  # predicts 4.0 everywhere: too high, and no band at all
    low_sat = _through_first(0.2, E=1.0)  # 1 + 3 * 10^(-0.2 k): too low
    out = glue_pl.holdout(_study(flat, low_sat))
    assert (
        out["pl_bracket"]
        == "Here the plain law predicts too high a loss and the saturating law too low a loss."
    )
    assert out["pl_bands_widen"] == "The bands do not both widen as they leave the data."
    assert out["pl_err_grows"] == "grows"  # 4/3.2 - 1 = 25%, 4/3 - 1 = 33%
    out = glue_pl.holdout(_study(_through_first(0.05), low_sat))
    assert out["pl_bracket"] == "Here both forms miss in the same direction at the largest budget."
    # a plain law that passes exactly through the largest budget: its error does not grow
    exact = _fit(0.0125, (0.0, 0.1), A=3.0 * 1e19**0.0125)
    out = glue_pl.holdout(_study(exact, _through_first(0.1, E=2.0)))
    assert out["pl_err_far_pw"] in ("0.00%", "-0.00%") and out["pl_err_grows"] == "does not grow"
    assert out["pl_ext_conv"] == "converged"
    out = glue_pl.holdout(_study(_fit(0.05, (0.04, 0.06), converged=False), low_sat))
    assert out["pl_ext_conv"] == "did NOT converge"


def _by_window(plain, sat_alphas=(0.103, 0.09)):
    rows = []
    for c, (a, lo, hi), s in zip((2e17, 4e17), plain, sat_alphas, strict=True):
        rows.append((c, "saturating: E + A·C^-α", s, s - 0.03, s + 0.03, True))
        rows.append((c, "plain: A·C^-α", a, lo, hi, c < 3e17))
    return pd.DataFrame(rows, columns=["C_max", "law", "alpha", "lo", "hi", "converged"])


def test_window_drift_texts_and_claims():
    out = glue_pl.window_drift(_by_window([(0.055, 0.054, 0.057), (0.050, 0.049, 0.052)]))
    assert out["pl_bw_sat_min"] == "0.090" and out["pl_bw_sat_max"] == "0.103"
    assert out["pl_bw_pw_first"] == "0.055" and out["pl_bw_pw_first_ci"] == "[0.054, 0.057]"
    assert out["pl_bw_pw_last"] == "0.050" and out["pl_bw_pw_last_ci"] == "[0.049, 0.052]"
    assert out["pl_bw_n_conv"] == "3" and out["pl_bw_n"] == "4"
    assert out["pl_bw_drift"] == "slides steadily down, from"
    assert out["pl_bw_predicted"] == "the drift we predicted for a curve with a floor."
    out = glue_pl.window_drift(_by_window([(0.055, 0.05, 0.06), (0.052, 0.048, 0.056)]))
    assert out["pl_bw_drift"] == "slides down, though within overlapping intervals, from"
    out = glue_pl.window_drift(_by_window([(0.050, 0.049, 0.052), (0.055, 0.054, 0.057)]))
    assert out["pl_bw_drift"] == "moves from"
    assert out["pl_bw_predicted"].startswith("not the steady downward drift")
    with pytest.raises(InputError, match="exponent_by_window"):
        glue_pl.window_drift(_by_window([(0.05, 0.04, 0.06)] * 2).iloc[::2])

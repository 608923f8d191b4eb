"""Glue of the chapter "Chinchilla: compute-optimal training" (chapters/04_chinchilla.ipynb).

One function per section of the chapter. Each takes the section's results, formats them with
:mod:`scalinglaws.book`'s rules, chooses the data-dependent sentences with
:func:`scalinglaws.book.claim` and glues everything under the names the chapter's prose uses; it
returns the dict of texts it glued (claims included), so a test can check the wording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.analyses.reconcile import (
    CHINCHILLA_MODEL,
    GOPHER_MODEL,
    PORIAN_EXTRA,
    total_params,
)
from scalinglaws.book import (
    fmt_fixed,
    fmt_int,
    fmt_interval,
    fmt_pct,
    fmt_sig,
    fmt_times,
    glue_all,
)
from scalinglaws.core import allocation, laws
from scalinglaws.fitting import objective

__all__ = [
    "approach_3",
    "approaches_1_2",
    "gopher",
    "inference",
    "llama",
    "mean_reduction",
    "pearce_song",
    "porian",
    "sardana",
    "setup",
    "significance",
    "table3",
]

#: Hoffmann et al. 2022 Table 2: Approach 2's allocation exponent a.
HOFFMANN_A2 = 0.49
#: Kaplan et al. 2020's allocation exponent (N_opt ∝ C^0.73).
KAPLAN_A = 0.73
#: Besiroglu et al. 2024's 95% bootstrap intervals (Epoch notebook cells 24-26).
EPOCH_CI = {"E": (1.769, 1.871), "alpha": (0.317, 0.373), "beta": (0.331, 0.415)}
#: Sardana et al. 2024 trained models up to 10,000 tokens per parameter.
SARDANA_MAX_TPP = 10_000
#: Llama 3 8B: 8B parameters, 15T training tokens (Dubey et al. 2024).
LLAMA3_8B = (8e9, 15e12)


def _glue(values: dict[str, str], claims: Sequence[tuple[str, object, str, str]] = ()) -> dict:
    return glue_all(values, {name: (c, t, f) for name, c, t, f in claims})


def _converged(flag: bool) -> str:
    return "converged" if flag else "did not converge"


def setup(P: Any) -> dict[str, str]:
    """The chapter's bootstrap size and seed (``chin_n_boot``, ``chin_seed``)."""
    return _glue({"chin_n_boot": fmt_int(P.n_boot), "chin_seed": str(P.seed)})


def approaches_1_2(
    iso: pd.DataFrame, interior: pd.DataFrame, a1: Any, a2: Any, ratio: pd.DataFrame
) -> dict[str, str]:
    """Approaches 1 and 2 on the isoFLOP runs: data range, exponents, tokens per parameter.

    ``iso`` the runs (``flops``, ``params``), ``interior`` the interior isoFLOP minima, ``a1`` and
    ``a2`` the fitted exponents (``a``, ``b``, ``a_ci``, ``b_ci``, ``r2_a``), ``ratio`` the fitted
    tokens per parameter at the smallest and largest budget (rows with ``flops``, ``ratio``,
    ``lo``, ``hi``; :func:`scalinglaws.fitting.isoflop.ratio_at`).
    """
    r_lo, r_hi = ratio.iloc[0], ratio.iloc[1]
    return _glue(
        {
            "chin_iso_cmin": fmt_sig(iso["flops"].min()),
            "chin_iso_cmax": fmt_sig(iso["flops"].max()),
            "chin_iso_nmin": fmt_sig(iso["params"].min()),
            "chin_iso_nmax": fmt_sig(iso["params"].max()),
            "chin_iso_nruns": fmt_int(len(iso)),
            "chin_iso_nbudgets": fmt_int(iso["flops"].nunique()),
            "chin_iso_ninterior": fmt_int(len(interior)),
            "chin_a1_a": fmt_fixed(a1.a, 3),
            "chin_a1_a_ci": fmt_interval(*a1.a_ci, fmt_fixed, 3),
            "chin_a1_b": fmt_fixed(a1.b, 3),
            "chin_a1_b_ci": fmt_interval(*a1.b_ci, fmt_fixed, 3),
            "chin_a2_a": fmt_fixed(a2.a, 3),
            "chin_a2_a_ci": fmt_interval(*a2.a_ci, fmt_fixed, 3),
            "chin_a2_b": fmt_fixed(a2.b, 3),
            "chin_a2_b_ci": fmt_interval(*a2.b_ci, fmt_fixed, 3),
            "chin_a2_r2": fmt_fixed(a2.r2_a, 3),
            "chin_a2_tpp_cmin": fmt_sig(r_lo["flops"]),
            "chin_a2_tpp_cmax": fmt_sig(r_hi["flops"]),
            "chin_a2_tpp_lo": fmt_int(r_lo["ratio"]),
            "chin_a2_tpp_lo_ci": fmt_interval(r_lo["lo"], r_lo["hi"], fmt_int),
            "chin_a2_tpp_hi": fmt_int(r_hi["ratio"]),
            "chin_a2_tpp_hi_ci": fmt_interval(r_hi["lo"], r_hi["hi"], fmt_int),
        },
        [
            (
                "chin_a2_drift",
                r_lo["hi"] < r_hi["lo"] or r_hi["hi"] < r_lo["lo"],
                "The two intervals do not overlap, so the drift of the ratio with compute is "
                "resolved by these data",
                "The two intervals overlap, so these data do not resolve a drift of the ratio "
                "with compute",
            ),
            (
                "chin_a2_vs_hoffmann",
                a2.a_ci[0] <= HOFFMANN_A2 <= a2.a_ci[1],
                "Hoffmann's 0.49 lies inside our Approach-2 interval",
                "Hoffmann's 0.49 lies outside our Approach-2 interval",
            ),
            (
                "chin_a12_vs_kaplan",
                a1.a_ci[1] < KAPLAN_A and a2.a_ci[1] < KAPLAN_A,
                "both intervals exclude Kaplan's value",
                "at least one interval does not exclude Kaplan's value",
            ),
        ],
    )


def approach_3(fit: Any, boot: Any, a2: Any, n_points: int) -> dict[str, str]:
    """Approach 3 refitted: constants, bootstrap intervals, convergence, comparison with Epoch.

    ``fit`` the Hoffmann-recipe fit (:func:`scalinglaws.fitting.parametric.fit_parametric`), ``boot`` its
    bootstrap (``point``, ``intervals``, ``std_err``, ``n_converged``), ``a2`` Approach 2's fit (for
    the overlap of the two intervals of a), ``n_points`` the number of fitted points.
    """
    ci = boot.intervals
    return _glue(
        {
            "chin_a3_npoints": fmt_int(n_points),
            "chin_a3_E": fmt_fixed(fit.E, 3),
            "chin_a3_A": fmt_sig(fit.A, 4),
            "chin_a3_B": fmt_sig(fit.B, 4),
            "chin_a3_alpha": fmt_fixed(fit.alpha, 4),
            "chin_a3_beta": fmt_fixed(fit.beta, 4),
            "chin_a3_a": fmt_fixed(boot.point["a"], 3),
            "chin_a3_b": fmt_fixed(boot.point["b"], 3),
            "chin_a3_E_ci": fmt_interval(*ci["E"], fmt_fixed, 3),
            "chin_a3_alpha_ci": fmt_interval(*ci["alpha"], fmt_fixed, 3),
            "chin_a3_beta_ci": fmt_interval(*ci["beta"], fmt_fixed, 3),
            "chin_a3_A_ci": fmt_interval(*ci["A"], fmt_fixed, 0),
            "chin_a3_B_ci": fmt_interval(*ci["B"], fmt_fixed, 0),
            "chin_a3_a_ci": fmt_interval(*ci["a"], fmt_fixed, 3),
            "chin_a3_b_ci": fmt_interval(*ci["b"], fmt_fixed, 3),
            "chin_a3_a_se": fmt_fixed(boot.std_err["a"], 3),
            "chin_a3_conv": _converged(fit.converged),
            "chin_a3_reached": fmt_pct(fit.n_reached / fit.n_starts, 0),
            "chin_a3_nconv": fmt_int(boot.n_converged),
            "chin_a3_hoff_a": fmt_fixed(laws.HOFFMANN_TEX.a, 3),
            "chin_a3_epoch_a": fmt_fixed(laws.EPOCH.a, 3),
            "chin_a3_dA": fmt_pct(abs(fit.A / laws.EPOCH.A - 1)),
            "chin_a3_dB": fmt_pct(abs(fit.B / laws.EPOCH.B - 1)),
            "chin_a3_dalpha": fmt_fixed(abs(fit.alpha - laws.EPOCH.alpha), 4),
            "chin_a3_dbeta": fmt_fixed(abs(fit.beta - laws.EPOCH.beta), 4),
            "chin_a3_B_se_rel": fmt_pct(boot.std_err["B"] / fit.B, 0),
        },
        [
            (
                "chin_a3_ci_agree",
                all(
                    abs(ci[k][0] - lo) <= 0.01 and abs(ci[k][1] - hi) <= 0.01
                    for k, (lo, hi) in EPOCH_CI.items()
                ),
                "the intervals agree closely (every end within 0.01 of theirs)",
                "the intervals agree only roughly (some end is more than 0.01 from theirs; with "
                "fewer resamples than their 4,000 the ends of a percentile interval are "
                "themselves noisy)",
            ),
            (
                "chin_a3_agrees",
                ci["a"][0] <= a2.a_ci[1] and a2.a_ci[0] <= ci["a"][1],
                "Once fitted properly, Approach 3 agrees with Approaches 1 and 2 (its interval "
                "overlaps Approach 2's): parameters and data should grow in roughly equal "
                "proportion",
                "Even fitted properly, Approach 3's interval does not overlap Approach 2's, so "
                "the approaches still disagree on the split between parameters and data",
            ),
            (
                "chin_a3_rejects_hoffmann_a",
                not ci["a"][0] <= laws.HOFFMANN_TEX.a <= ci["a"][1],
                "Hoffmann's value lies outside the interval",
                "Hoffmann's value lies inside the interval",
            ),
        ],
    )


def mean_reduction(
    fit: Any, fit_mean: Any, N: Any, D: Any, L: Any, budget_flops: float
) -> dict[str, str]:
    """The averaged (mean-reduction) fit that stops early: where it stops and what it costs.

    ``fit`` the summed fit, ``fit_mean`` the fit with ``reduction="mean"`` and scipy's tolerances,
    ``N, D, L`` the fitted points (the summed objective at the mean fit's optimum is compared with
    ``fit.objective``), ``budget_flops`` the budget of the tokens-per-parameter it would
    recommend.
    """
    obj_sum_at_mean = objective.huber_objective(fit_mean.theta, np.log(N), np.log(D), np.log(L))
    return _glue(
        {
            "chin_mean_alpha": fmt_fixed(fit_mean.alpha, 3),
            "chin_mean_beta": fmt_fixed(fit_mean.beta, 3),
            "chin_mean_E": fmt_fixed(fit_mean.E, 3),
            "chin_mean_a": fmt_fixed(fit_mean.beta / (fit_mean.alpha + fit_mean.beta), 3),
            "chin_mean_conv": _converged(fit_mean.converged),
            "chin_mean_obj_excess": fmt_pct(obj_sum_at_mean / fit.objective - 1, 0),
            "chin_mean_tpp": fmt_sig(
                allocation.compute_optimal(budget_flops, fit_mean.law("mean")).tokens_per_param,
                2,
            ),
        }
    )


def significance(
    chi2: Any, lrt: Any, chi2_other_seeds: Sequence[float], chi2_epoch_centre: Any
) -> dict[str, str]:
    """The χ² and likelihood-ratio tests of Hoffmann's constants, and the χ² spread over seeds.

    ``chi2``, ``lrt`` from :mod:`scalinglaws.fitting.significance` (``statistic``, ``p_value``; the LRT's
    ``details`` hold ``theta_alt`` and the convergence flags), ``chi2_other_seeds`` the same χ²
    from other bootstrap seeds, ``chi2_epoch_centre`` the χ² test centred on Epoch's law.
    """
    mle = lrt.details["theta_alt"]
    chi2_seeds = [chi2.statistic, *chi2_other_seeds]
    return _glue(
        {
            "chin_chi2": fmt_fixed(chi2.statistic, 1),
            "chin_chi2_p": fmt_sig(chi2.p_value, 2),
            "chin_lrt": fmt_fixed(lrt.statistic, 2),
            "chin_lrt_p": fmt_sig(lrt.p_value, 2),
            "chin_lrt_conv": _converged(
                lrt.details["converged_alt"] and lrt.details["converged_null"]
            ),
            "chin_mle_A": fmt_fixed(np.exp(mle[0]), 2),
            "chin_mle_B": fmt_fixed(np.exp(mle[1]), 2),
            "chin_mle_E": fmt_fixed(np.exp(mle[2]), 4),
            "chin_mle_alpha": fmt_fixed(mle[3], 4),
            "chin_mle_beta": fmt_fixed(mle[4], 4),
            "chin_chi2_seed_lo": fmt_fixed(min(chi2_seeds), 0),
            "chin_chi2_seed_hi": fmt_fixed(max(chi2_seeds), 0),
            "chin_chi2_epoch_centre": fmt_fixed(chi2_epoch_centre.statistic, 1),
        },
        [
            (
                "chin_reject",
                chi2.p_value < 1e-6 and lrt.p_value < 1e-6,
                "Either way, the published values are rejected beyond any doubt (both p-values "
                "are below one in a million): the data in Hoffmann et al.'s own figure cannot "
                "have produced them",
                "At least one test does not reject the published values at the "
                "one-in-a-million level, so with this bootstrap the evidence against them is "
                "weaker than Besiroglu et al. report",
            )
        ],
    )


def table3(
    budget_flops: float,
    fit_law: Any,
    epoch_optimum: Mapping[str, Any],
    refit_tpp: Any,
) -> dict[str, str]:
    """Hoffmann's Table 3 and the laws' compute-optimal allocations at the chapter's budget.

    ``fit_law`` our refit as a law, ``epoch_optimum`` the canonical law's optimum at
    ``budget_flops`` with intervals (``"params"`` and ``"tokens_per_param"`` Intervals,
    :func:`scalinglaws.analyses.reconcile.optimum_intervals`), ``refit_tpp`` the tokens per parameter of
    every usable resample of our refit (:func:`scalinglaws.analyses.reconcile.refit_tokens_per_param`).
    """
    t3, ta3 = allocation.HOFFMANN_TABLE3, allocation.HOFFMANN_TABLE_A3
    tex, ep = allocation.table3(laws.HOFFMANN_TEX), allocation.table3(laws.EPOCH)
    tpp = {
        name: allocation.compute_optimal(budget_flops, law).tokens_per_param
        for name, law in (
            ("hoffmann", laws.HOFFMANN),
            ("tex", laws.HOFFMANN_TEX),
            ("epoch", laws.EPOCH),
            ("fit", fit_law),
        )
    }
    tpp_iv, nopt_iv = epoch_optimum["tokens_per_param"], epoch_optimum["params"]
    fit_lo, fit_hi = np.quantile(refit_tpp, [0.025, 0.975])
    chin_budget = 6 * CHINCHILLA_MODEL[0] * CHINCHILLA_MODEL[1]
    gopher_budget = 5.76e23  # Hoffmann et al. 2022, Figure 4 caption
    return _glue(
        {
            "chin_t3_budget": fmt_sig(budget_flops),
            "chin_t3_tpp_1b": fmt_fixed(t3["tokens"][1] / t3["params"][1], 1),
            "chin_t3_tpp_10b": fmt_fixed(t3["tokens"][2] / t3["params"][2], 1),
            "chin_tpp_chinchilla": fmt_int(CHINCHILLA_MODEL[1] / CHINCHILLA_MODEL[0]),
            "chin_tpp_rounded": fmt_int(tpp["hoffmann"]),
            "chin_tpp_tex": fmt_int(tpp["tex"]),
            "chin_tpp_epoch": fmt_fixed(tpp["epoch"], 1),
            "chin_chin_budget": fmt_sig(chin_budget),
            "chin_tpp_epoch_chin": fmt_fixed(
                allocation.compute_optimal(chin_budget, laws.EPOCH).tokens_per_param, 1
            ),
            "chin_tpp_fit": fmt_fixed(tpp["fit"], 1),
            "chin_tpp_fit_ci": fmt_interval(fit_lo, fit_hi, fmt_fixed, 1),
            "chin_tpp_fit_nboot": fmt_int(len(refit_tpp)),
            "chin_tpp_epoch_ci": fmt_interval(tpp_iv.lo, tpp_iv.hi, fmt_fixed, 1),
            "chin_nopt_epoch": fmt_sig(nopt_iv.value),
            "chin_nopt_epoch_ci": fmt_interval(nopt_iv.lo, nopt_iv.hi, fmt_sig),
            "chin_fig4_n_tex": fmt_sig(
                allocation.compute_optimal(gopher_budget, laws.HOFFMANN_TEX).params / 1e9, 3
            )
            + "B",
            "chin_fig4_n_rounded": fmt_sig(
                allocation.compute_optimal(gopher_budget, laws.HOFFMANN).params / 1e9, 3
            )
            + "B",
            "chin_tpp_epoch_range": fmt_interval(
                ep["tokens_per_param"].min(), ep["tokens_per_param"].max(), fmt_fixed, 0
            ),
            "chin_a3_67b_tokens_tex": fmt_sig(
                allocation.table3(laws.HOFFMANN_TEX, params=[67e9])["tokens"][0]
            ),
            "chin_a3_67b_tokens_paper": fmt_sig(ta3["a3_tokens"][3]),
            "chin_a3_table_maxdev": fmt_pct(
                float(np.max(np.abs(tex["tokens"] / ta3["a3_tokens"] - 1))), 0
            ),
            "chin_nopt_rounded": fmt_sig(
                allocation.compute_optimal(budget_flops, laws.HOFFMANN).params
            ),
            "chin_nopt_tex": fmt_sig(
                allocation.compute_optimal(budget_flops, laws.HOFFMANN_TEX).params
            ),
        },
        [
            (
                "chin_twenty_survives",
                tpp_iv.lo <= 20 <= tpp_iv.hi,
                'The "about 20" rule survives at this budget (20 lies inside the canonical '
                "law's interval), but only once Approach 3 is fitted properly",
                'At this budget the "about 20" rule does not survive even the refit: 20 lies '
                "outside the canonical law's interval, because the ratio drifts slowly with "
                "compute",
            ),
            (
                "chin_printed_vs_20",
                min(abs(np.log(tpp["hoffmann"] / 20)), abs(np.log(tpp["tex"] / 20))) > np.log(1.5),
                "It is also *not* what Approach 3 as printed says at this budget",
                "At this budget Approach 3 as printed happens to come within a factor 1.5 of "
                "it, but only because the ratio it implies grows quickly with compute and "
                "passes through 20 near here",
            ),
            (
                "chin_a3_onesided",
                bool(np.all(tex["tokens"] / ta3["a3_tokens"] - 1 > 0)),
                "The TeX law lies above every row of the table, so the gap is systematic, not "
                "rounding: the table was not computed from these constants with $C = 6ND$ "
                "alone, and the paper does not say how it was computed; a tighter test of the "
                "table than that maximum deviation is not possible",
                "The TeX law's deviations from the table change sign, as rounding would",
            ),
        ],
    )


def gopher(cg: pd.DataFrame) -> dict[str, str]:
    """Chinchilla against Gopher: both budgets and the range of the laws' predicted loss gaps.

    ``cg`` from :func:`scalinglaws.analyses.reconcile.chinchilla_vs_gopher`, its first row the rounded
    Hoffmann law.
    """
    gap = cg["Gopher − Chinchilla"]
    return _glue(
        {
            "chin_gopher_c": fmt_sig(6 * GOPHER_MODEL[0] * GOPHER_MODEL[1]),
            "chin_chin_c": fmt_sig(6 * CHINCHILLA_MODEL[0] * CHINCHILLA_MODEL[1]),
            "chin_cg_gap_min": fmt_fixed(gap.min(), 3),
            "chin_cg_gap_max": fmt_fixed(gap.max(), 3),
            "chin_cg_chin_rounded": fmt_fixed(cg.iloc[0, 1], 3),
            "chin_cg_gopher_rounded": fmt_fixed(cg.iloc[0, 2], 3),
        }
    )


def porian(
    steps: pd.DataFrame,
    ext: Mapping[int, Mapping[str, float]],
    extra: Mapping[tuple[str, str], Mapping[str, float]],
) -> dict[str, str]:
    """Porian et al.'s five steps, the extrapolation to Chinchilla's budget, the extra set-ups.

    ``steps`` from :func:`scalinglaws.analyses.reconcile.porian_steps` (with ``fit_results`` and
    ``isoflop_points``), ``ext`` steps 1 and 5 on RefinedWeb
    (:func:`scalinglaws.analyses.reconcile.porian_extrapolations`), ``extra`` the fits of
    :data:`scalinglaws.analyses.reconcile.PORIAN_EXTRA` (:func:`scalinglaws.analyses.reconcile.porian_extra_fits`).
    """
    rw = steps[steps["dataset"] == "rw"].set_index("step")
    ow = steps[steps["dataset"] == "owt2"].set_index("step")
    kadj = extra[("summary_df_kaplan_tuned_hparams.pickle.xz", "Kaplan Adjusted")]
    att = [v for (src, _), v in extra.items() if src == "summary_df_att.pickle.xz"]
    return _glue(
        {
            "book_porian_kaplan_a": fmt_fixed(rw.loc[1, "a"], 3),
            "chin_por_rw_1_ci": fmt_interval(rw.loc[1, "a_lo"], rw.loc[1, "a_hi"], fmt_fixed, 2),
            "chin_por_rw_2": fmt_fixed(rw.loc[2, "a"], 3),
            "chin_por_rw_3": fmt_fixed(rw.loc[3, "a"], 3),
            "chin_por_rw_4": fmt_fixed(rw.loc[4, "a"], 3),
            "chin_por_rw_5": fmt_fixed(rw.loc[5, "a"], 3),
            "chin_por_rw_5_ci": fmt_interval(rw.loc[5, "a_lo"], rw.loc[5, "a_hi"], fmt_fixed, 2),
            "chin_por_ow_1": fmt_fixed(ow.loc[1, "a"], 3),
            "chin_por_ow_5": fmt_fixed(ow.loc[5, "a"], 3),
            "chin_por_ow_5_ci": fmt_interval(ow.loc[5, "a_lo"], ow.loc[5, "a_hi"], fmt_fixed, 2),
            "chin_por_maxdiff": fmt_fixed(float(np.max(np.abs(steps["a"] - steps["a_table2"]))), 4),
            "chin_por_drop_flops": fmt_fixed(rw.loc[1, "a"] - rw.loc[2, "a"], 2),
            "chin_por_drop_warmup": fmt_fixed(rw.loc[2, "a"] - rw.loc[3, "a"], 2),
            "chin_por_drop_decay": fmt_fixed(rw.loc[3, "a"] - rw.loc[4, "a"], 2),
            "chin_por_drop_tune": fmt_fixed(rw.loc[4, "a"] - rw.loc[5, "a"], 2),
            "chin_por_nstar_1": fmt_sig(rw.loc[1, "n_star_at_chinchilla"]),
            "chin_por_nstar_5": fmt_sig(rw.loc[5, "n_star_at_chinchilla"]),
            "chin_por_nstar_1_ci": fmt_interval(
                ext[1]["n_star_at_lo"], ext[1]["n_star_at_hi"], fmt_sig, 2
            ),
            "chin_por_nstar_5_ci": fmt_interval(
                ext[5]["n_star_at_lo"], ext[5]["n_star_at_hi"], fmt_sig, 2
            ),
            "chin_por_ext_decades": fmt_fixed(ext[5]["decades_beyond"], 1),
            "chin_por_ext_decades_1": fmt_fixed(ext[1]["decades_beyond"], 1),
            "chin_por_kadj": fmt_fixed(kadj["a"], 3),
            "chin_por_kadj_ci": fmt_interval(kadj["a_lo"], kadj["a_hi"], fmt_fixed, 2),
            "chin_por_att_first": fmt_fixed(att[0]["a"], 3),
            "chin_por_att_last": fmt_fixed(att[-1]["a"], 3),
            "chin_por_att_last_ci": fmt_interval(att[-1]["a_lo"], att[-1]["a_hi"], fmt_fixed, 2),
            "chin_por_att_chain": " → ".join(fmt_fixed(v["a"], 3) for v in att),
            "chin_por_extra_maxdiff": fmt_fixed(
                max(abs(extra[k]["a"] - v) for k, v in PORIAN_EXTRA.items()), 4
            ),
            "chin_por_ols_rw_1": fmt_fixed(rw.loc[1, "a_ols"], 3),
            "chin_por_ols_ow_1": fmt_fixed(ow.loc[1, "a_ols"], 3),
            "chin_por_raw_rw_1": fmt_fixed(rw.loc[1, "a_raw"], 2),
            "chin_por_raw_rw_1_ci": fmt_interval(
                rw.loc[1, "a_raw_lo"], rw.loc[1, "a_raw_hi"], fmt_fixed, 2
            ),
            "chin_por_raw_rw_5": fmt_fixed(rw.loc[5, "a_raw"], 2),
            "chin_por_raw_rw_5_ci": fmt_interval(
                rw.loc[5, "a_raw_lo"], rw.loc[5, "a_raw_hi"], fmt_fixed, 2
            ),
            "chin_por_raw_ow_1": fmt_fixed(ow.loc[1, "a_raw"], 2),
            "chin_por_raw_ow_5": fmt_fixed(ow.loc[5, "a_raw"], 2),
        },
        [
            (
                "chin_por_ext_separate",
                ext[5]["n_star_at_hi"] < ext[1]["n_star_at_lo"],
                "the two intervals are far apart, so the disagreement survives the "
                "extrapolation's uncertainty",
                "the two intervals overlap, so at this extrapolation the data cannot tell the "
                "two apart",
            ),
            (
                "chin_por_kadj_between",
                kadj["a_hi"] < rw.loc[1, "a_lo"] and kadj["a_lo"] > rw.loc[5, "a_hi"],
                "its interval lies strictly between those of Kaplan's recipe and the fully "
                "corrected set-up",
                "its interval overlaps that of Kaplan's recipe or of the fully corrected set-up",
            ),
        ],
    )


def pearce_song(ps_epoch: Any, ps_tex: Any, ps_fit: Any, ps_boot: pd.DataFrame) -> dict[str, str]:
    """Pearce & Song's simulated study under three laws, and our refit's bootstrap intervals.

    ``ps_*`` from :func:`scalinglaws.analyses.reconcile.simulate_kaplan_study` (``a_nonembedding``,
    ``a_total``, ``a_law``), ``ps_boot`` from :func:`scalinglaws.analyses.reconcile.kaplan_study_exponents`
    over bootstrap laws (95% percentile intervals).
    """
    ne_lo, ne_hi = np.quantile(ps_boot["a_nonembedding"], [0.025, 0.975])
    t_lo, t_hi = np.quantile(ps_boot["a_total"], [0.025, 0.975])
    return _glue(
        {
            "chin_ps_emb_share_1m": fmt_pct(1 - 1e6 / total_params(1e6), 0),
            "chin_ps_emb_share_1b": fmt_pct(1 - 1e9 / total_params(1e9), 0),
            "chin_ps_ne_epoch": fmt_fixed(ps_epoch.a_nonembedding, 2),
            "chin_ps_t_epoch": fmt_fixed(ps_epoch.a_total, 2),
            "chin_ps_law_epoch": fmt_fixed(ps_epoch.a_law, 3),
            "chin_ps_ne_tex": fmt_fixed(ps_tex.a_nonembedding, 2),
            "chin_ps_t_tex": fmt_fixed(ps_tex.a_total, 2),
            "chin_ps_law_tex": fmt_fixed(ps_tex.a_law, 3),
            "chin_ps_ne_fit": fmt_fixed(ps_fit.a_nonembedding, 2),
            "chin_ps_ne_fit_ci": fmt_interval(ne_lo, ne_hi, fmt_fixed, 2),
            "chin_ps_t_fit": fmt_fixed(ps_fit.a_total, 2),
            "chin_ps_t_fit_ci": fmt_interval(t_lo, t_hi, fmt_fixed, 2),
            "chin_ps_nboot": fmt_int(len(ps_boot)),
        }
    )


def inference(
    law: Any,
    target: Any,
    res: Any,
    P: Any,
    intervals: Mapping[str, Any] | None,
) -> dict[str, str]:
    """The inference-aware optimum for the chapter's target and demand.

    ``law`` the law used, ``target`` the compute-optimal model of ``P.target_params`` parameters
    (:class:`~scalinglaws.core.allocation.Allocation`), ``res`` the inference-aware optimum at
    ``P.inference_tokens`` (:class:`~scalinglaws.core.allocation.InferenceAwareResult`),
    ``intervals`` the canonical law's intervals of ``params``, ``train_tokens``, ``savings``
    (:func:`scalinglaws.analyses.reconcile.inference_intervals`), or None when ``law`` is not the
    canonical one (then no interval is stated and the prose says why).
    """
    if intervals is not None:
        iv = intervals
        ci_n = " " + fmt_interval(iv["params"].lo, iv["params"].hi, fmt_sig)
        ci_d = " " + fmt_interval(iv["train_tokens"].lo, iv["train_tokens"].hi, fmt_sig)
        ci_s = " " + fmt_interval(iv["savings"].lo, iv["savings"].hi, fmt_pct)
    else:
        ci_n = ci_d = ci_s = ""
    saved = fmt_sig(res.chinchilla_total_flops - res.total_flops)
    return _glue(
        {
            "chin_inf_law": laws.law_label(law),
            "chin_inf_n_ci": ci_n,
            "chin_inf_d_ci": ci_d,
            "chin_inf_savings_ci": ci_s,
            "chin_inf_target_n": fmt_sig(P.target_params),
            "chin_inf_loss": fmt_fixed(target.loss, 3),
            "chin_inf_dinf": fmt_sig(P.inference_tokens),
            "chin_inf_chin_d": fmt_sig(target.tokens),
            "chin_inf_n": fmt_sig(res.params),
            "chin_inf_d": fmt_sig(res.train_tokens),
            "chin_inf_tpp": fmt_int(res.tokens_per_param),
            "chin_inf_savings": fmt_pct(res.savings),
            "chin_inf_saved_flops": saved,
            "chin_inf_converged": _converged(res.converged),
        },
        [
            (
                "chin_inf_law_note",
                intervals is not None,
                "This is the book's canonical law, so every number below carries a 95% interval "
                "propagated from the bootstrap of the 240 points",
                "This is one of Hoffmann's printed laws, which the tests above reject; it is used "
                "here only for history, and its numbers carry no interval (the published "
                "intervals are not reproducible, and the bootstrap describes the refit, not "
                "these constants). Re-run with "
                '`inference_law = "epoch"` for the canonical answer',
            ),
            (
                "chin_inf_extreme",
                res.tokens_per_param > SARDANA_MAX_TPP,
                "far beyond the 10,000 tokens per parameter up to which Sardana et al. trained "
                "models, so this is the formula extrapolated, not a tested prediction",
                "within the range of ratios Sardana et al. trained, up to 10,000 tokens per "
                "parameter",
            ),
            (
                "chin_inf_saves",
                res.savings > 5e-4,
                f"the lifetime bill falls by {fmt_pct(res.savings)}{ci_s} ({saved} FLOP)",
                "the lifetime bill barely changes (the saving is below 0.05%): at this demand "
                "the compute-optimal model is already close to the cheapest",
            ),
        ],
    )


def sardana(epoch: Mapping[str, Any], tex: Any) -> dict[str, str]:
    """Sardana et al.'s worked example (13B target, 2T tokens): canonical law and TeX law.

    ``epoch`` the canonical law's ``params`` and ``savings`` Intervals
    (:func:`scalinglaws.analyses.reconcile.inference_intervals`), ``tex`` the TeX law's
    :class:`~scalinglaws.core.allocation.InferenceAwareResult`.
    """
    return _glue(
        {
            "chin_sar_n_epoch": fmt_sig(epoch["params"].value, 2),
            "chin_sar_n_epoch_ci": fmt_interval(epoch["params"].lo, epoch["params"].hi, fmt_sig, 2),
            "chin_sar_savings_epoch": fmt_pct(epoch["savings"].value, 0),
            "chin_sar_n": fmt_sig(tex.params, 2),
            "chin_sar_savings": fmt_pct(tex.savings, 0),
            "chin_sar_flops": fmt_sig(tex.chinchilla_total_flops - tex.total_flops, 2),
        }
    )


def llama(
    demand: Mapping[str, float], demand_iv: Any, epoch_optimum: Mapping[str, Any]
) -> dict[str, str]:
    """Llama 3 8B: the inference demand that makes (8B, 15T) optimal, and its compute's optimum.

    ``demand`` law name (``"tex"``, ``"epoch"``, ``"fit"``) -> implied demand in tokens
    (:func:`scalinglaws.analyses.reconcile.implied_inference_demand`), ``demand_iv`` the canonical law's
    Interval of it (:func:`scalinglaws.analyses.reconcile.implied_demand_interval`), ``epoch_optimum`` the
    canonical law's ``params`` Interval at Llama's training compute
    (:func:`scalinglaws.analyses.reconcile.optimum_intervals`).
    """
    n_iv = epoch_optimum["params"]
    return _glue(
        {
            "chin_llama_dinf_epoch_ci": fmt_interval(demand_iv.lo, demand_iv.hi, fmt_sig, 2),
            "chin_llama_copt_n_epoch_ci": fmt_interval(n_iv.lo, n_iv.hi, fmt_sig),
            "chin_llama_dinf_tex": fmt_sig(demand["tex"], 2),
            "chin_llama_dinf_epoch": fmt_sig(demand["epoch"], 2),
            "chin_llama_dinf_fit": fmt_sig(demand["fit"], 2),
            "chin_llama_ratio_epoch": fmt_times(demand["epoch"] / LLAMA3_8B[1], 2),
            "chin_llama_c": fmt_sig(6 * LLAMA3_8B[0] * LLAMA3_8B[1]),
            "chin_llama_copt_n_epoch": fmt_sig(n_iv.value),
        },
        [
            (
                "chin_llama_positive",
                demand_iv.lo > 0,
                "the whole interval is positive, so under the canonical law Llama 3 8B is "
                "smaller than compute-optimal for its loss and some inference demand justifies "
                "it",
                "the interval reaches zero or below, so the canonical law cannot say whether any "
                "inference demand is needed to justify Llama 3 8B",
            )
        ],
    )

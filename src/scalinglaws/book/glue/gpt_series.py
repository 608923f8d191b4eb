"""Glue of the chapter "The GPT series: scale as a strategy" (chapters/03_gpt_series.ipynb).

One function per section of the chapter. Each takes that section's results, formats the numbers the
prose quotes with :mod:`scalinglaws.book`'s rules, chooses the data-dependent sentences with
:func:`scalinglaws.book.claim`, glues everything under the names the prose uses and returns the dict
of glued texts (claims included), so a test can read what a section says.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.book import (
    fmt_fixed,
    fmt_int,
    fmt_interval,
    fmt_pct,
    fmt_sig,
    fmt_times,
    glue_all,
)
from scalinglaws.core.compute import PF_DAY_FLOP
from scalinglaws.core.errors import InputError

__all__ = [
    "level_pct",
    "setup",
    "series",
    "family",
    "frontier",
    "predictable_scaling",
    "growth",
    "benchmarks",
    "exercise_1",
    "exercise_2",
    "exercise_3",
    "icl",
    "rlhf",
    "exercise_4",
    "exercise_5",
    "exercise_6",
    "exercise_7",
]

#: The four GPT rows of :func:`scalinglaws.analyses.gpt_series.series_table`, in order.
GPT_NAMES = ("GPT-1", "GPT-2 (1.5B)", "GPT-3 175B", "GPT-4")
_KAPLAN = "Kaplan et al. 2020"


def _glue(values: dict[str, str], claims: dict[str, tuple[object, str, str]]) -> dict[str, str]:
    """Glue ``values`` and the ``claims`` (name -> (condition, if_true, if_false)); all texts."""
    return glue_all(values, claims)


def level_pct(level: float) -> str:
    """An interval level as the book writes it: ``level_pct(0.95) == '95%'``."""
    return f"{100 * level:.0f}%"


def setup(params: Any) -> dict[str, str]:
    """The interval level and bootstrap size that every section quotes (``gpt_level``, ``gpt_n_boot``).

    ``params`` is the chapter's checked parameters (``ci_level``, ``n_boot``).
    """
    return _glue(
        {"gpt_level": level_pct(params.ci_level), "gpt_n_boot": fmt_int(params.n_boot)}, {}
    )


def series(table: pd.DataFrame, when: pd.DataFrame) -> dict[str, str]:
    """Section "Four models, four orders of magnitude": size, data and compute of GPT-1 to GPT-4.

    Parameters
    ----------
    table : DataFrame
        :func:`scalinglaws.analyses.gpt_series.series_table`.
    when : DataFrame
        :func:`scalinglaws.analyses.gpt_series.timeline` (``name, date``), with Kaplan et al.'s row.
    """
    row = table.set_index("name")
    g1, g2, g3, g4 = (row.loc[k] for k in GPT_NAMES)
    date = when.set_index("name")["date"]
    t1, t2, t3, t4 = (date[k] for k in GPT_NAMES)
    tk = date[_KAPLAN]
    month = {k: v.strftime("%B %Y") for k, v in date.items()}
    tpp_ratio = g1["tokens_per_param"] / g3["tokens_per_param"]
    values = {
        "gpt_g1_n": fmt_sig(g1["params"], 3),
        "gpt_g1_c": fmt_sig(g1["flops"], 2),
        "gpt_g1_d": fmt_sig(g1["tokens"], 2),
        "gpt_g1_tpp": fmt_int(g1["tokens_per_param"]),
        "gpt_g2_n": fmt_sig(g2["params"], 4),
        "gpt_g2_c": fmt_sig(g2["flops"], 3),
        "gpt_g2_d": fmt_sig(g2["tokens"], 2),
        "gpt_g2_tpp": fmt_int(g2["tokens_per_param"]),
        "gpt_g3_n": fmt_sig(g3["params"], 4),
        "gpt_g3_d": fmt_sig(g3["tokens"], 2),
        "gpt_g3_c": fmt_sig(g3["flops_6nd"], 3),
        "gpt_g3_pfd": fmt_sig(g3["flops_6nd"] / PF_DAY_FLOP, 3),
        "gpt_g3_tpp": fmt_fixed(g3["tokens_per_param"], 1),
        "gpt_g4_c": fmt_sig(g4["flops"], 2),
        "gpt_growth_total": fmt_sig(g4["flops"] / g1["flops"], 2),
        "gpt_g3_vs_g2": fmt_times(g3["flops"] / g2["flops"], 2),
        "gpt_years_g1_g4": fmt_fixed((t4 - t1).days / 365.25, 1),
        "gpt_tpp_ratio": fmt_times(tpp_ratio, 2),
        "gpt_kaplan_date": month[_KAPLAN],
        "gpt_g3_months_after": fmt_int((t3 - tk).days / 30.44),
    }
    claims = {
        "gpt_order": (
            t1 < tk and t2 < tk < t3,
            f"GPT-1 ({month['GPT-1']}) and GPT-2 ({month['GPT-2 (1.5B)']}) predate Kaplan et al.'s "
            f"laws ({month[_KAPLAN]}), so only GPT-3 ({month['GPT-3 175B']}) could follow them",
            "the dates of GPT-1, GPT-2, Kaplan et al. and GPT-3 are not in the order this chapter "
            "assumes",
        ),
        "gpt_tpp_trend": (tpp_ratio > 1, "*fell*", "*rose*"),
        "gpt_tpp_size": (
            tpp_ratio >= 100,
            "two orders of magnitude",
            "less than two orders of magnitude",
        ),
    }
    return _glue(values, claims)


def family(fam: pd.DataFrame) -> dict[str, str]:
    """Section "GPT-3's Table 2.1, recomputed": agreement with the printed tables and the typos.

    ``fam`` is :func:`scalinglaws.analyses.gpt_series.gpt3_family` (smallest model first).
    """
    by = fam.set_index("name")
    xl, b13 = by.loc["GPT-3 XL"], by.loc["GPT-3 13B"]
    values = {
        "gpt_fam_max_err": fmt_pct(fam["rel_error"].abs().max()),
        "gpt_fam_max_err_model": fam.loc[fam["rel_error"].abs().idxmax(), "name"],
        "gpt_fam_n_typos": fmt_int(int((fam["typo"] != "").sum())),
        "gpt_13b_printed": fmt_sig(b13["n_params_recomputed"], 4),
        "gpt_13b_5120": fmt_sig(b13["n_params_recomputed_5120"], 4),
        "gpt_13b_d1": fmt_sig(b13["n_params_table_d1"], 4),
        "gpt_xl_heads": fmt_int(xl["n_heads"] * xl["d_head"]),
        "gpt_d1_max_err": fmt_pct(fam["flops_rel_error"].abs().max(), 2),
        "gpt_small_tpp": fmt_int(fam["tokens_per_param"].iloc[0]),
        "gpt_175_tpp": fmt_fixed(fam["tokens_per_param"].iloc[-1], 1),
    }
    return _glue(values, {})


def frontier(
    table: pd.DataFrame, hist: pd.DataFrame, ivs: pd.DataFrame, a_iv: Any
) -> dict[str, str]:
    """Section "Where each GPT sat on the frontier": each model against Kaplan's and the canonical law.

    Parameters
    ----------
    table, hist : DataFrame
        :func:`scalinglaws.analyses.gpt_series.series_table` under the canonical law and under Hoffmann et
        al.'s printed constants (``"hoffmann"``, the 2022 reading).
    ivs : DataFrame
        :func:`scalinglaws.analyses.gpt_series.series_intervals`.
    a_iv : scalinglaws.analyses.uncertainty.Interval
        :func:`scalinglaws.analyses.gpt_series.optimal_size_exponent`.
    """
    from scalinglaws.core.laws import DEFAULT_LAW, get_parametric_law, law_label

    row, hist, ivs = table.set_index("name"), hist.set_index("name"), ivs.set_index("name")
    g1, g2, g3, g4 = (row.loc[k] for k in GPT_NAMES)
    v3 = ivs.loc["GPT-3 175B"]

    def iv(name: str, q: str, fmt: Any, *args: Any) -> str:
        return fmt_interval(ivs.loc[name, f"{q}_lo"], ivs.loc[name, f"{q}_hi"], fmt, *args)

    values = {
        "gpt_law": law_label(DEFAULT_LAW),
        "gpt_a_canon": fmt_fixed(a_iv.value, 3),
        "gpt_a_canon_ci": fmt_interval(a_iv.lo, a_iv.hi, fmt_fixed, 3),
        "gpt_a_hoff": fmt_fixed(get_parametric_law("hoffmann").a, 3),
        "gpt_a_tex": fmt_fixed(get_parametric_law("hoffmann-tex").a, 3),
        "gpt_g3_kap_n": fmt_sig(g3["kaplan_params"], 2),
        "gpt_g3_chin_n": fmt_sig(v3["chinchilla_params"], 2),
        "gpt_g3_chin_n_ci": iv("GPT-3 175B", "chinchilla_params", fmt_sig, 2),
        "gpt_g3_chin_d": fmt_sig(v3["chinchilla_tokens"], 2),
        "gpt_g3_chin_d_ci": iv("GPT-3 175B", "chinchilla_tokens", fmt_sig, 2),
        "gpt_g3_vs_kap": fmt_fixed(g3["vs_kaplan"], 2),
        "gpt_g3_vs_chin": fmt_times(v3["vs_chinchilla"], 2),
        "gpt_g3_vs_chin_ci": iv("GPT-3 175B", "vs_chinchilla", fmt_times, 2),
        "gpt_g3_vs_chin_hist": fmt_times(hist.loc["GPT-3 175B", "vs_chinchilla"], 2),
        "gpt_g2_vs_kap": fmt_fixed(g2["vs_kaplan"], 2),
        "gpt_g2_vs_chin": fmt_fixed(ivs.loc["GPT-2 (1.5B)", "vs_chinchilla"], 2),
        "gpt_g2_vs_chin_ci": iv("GPT-2 (1.5B)", "vs_chinchilla", fmt_fixed, 2),
        "gpt_g1_vs_chin": fmt_fixed(ivs.loc["GPT-1", "vs_chinchilla"], 2),
        "gpt_g1_vs_chin_ci": iv("GPT-1", "vs_chinchilla", fmt_fixed, 2),
        "gpt_g4_chin_n": fmt_sig(ivs.loc["GPT-4", "chinchilla_params"], 2),
        "gpt_g4_chin_n_ci": iv("GPT-4", "chinchilla_params", fmt_sig, 2),
        "gpt_g4_chin_d": fmt_sig(ivs.loc["GPT-4", "chinchilla_tokens"], 2),
        "gpt_g4_chin_d_ci": iv("GPT-4", "chinchilla_tokens", fmt_sig, 2),
        "gpt_g4_kap_n": fmt_sig(g4["kaplan_params"], 2),
    }
    below = [k for k in ("GPT-1", "GPT-2 (1.5B)") if ivs.loc[k, "vs_chinchilla_hi"] < 1]
    claims = {
        "gpt_g3_kap_side": (
            g3["vs_kaplan"] < 1,
            "was if anything *small* by Kaplan's standard",
            "was large even by Kaplan's standard",
        ),
        "gpt_g3_chin_side": (
            v3["vs_chinchilla_lo"] > 1,
            "too large, and the interval excludes a compute-optimal size",
            "the optimal size — the interval includes 1× — so the canonical law cannot say GPT-3 "
            "was too large",
        ),
        "gpt_hist_vs_canon": (
            hist.loc["GPT-3 175B", "vs_chinchilla"] > v3["vs_chinchilla_hi"],
            "a factor above the canonical law's whole interval: the printed constants exaggerated "
            "how far GPT-3 was from compute-optimal, though not the direction",
            "a factor that the canonical law's interval does not rule out",
        ),
        "gpt_early_below": (
            len(below) == 2 and g1["vs_kaplan"] < 1 and g2["vs_kaplan"] < 1,
            "Both sat below both rules: small for their compute, trained on many tokens per "
            "parameter",
            "They did not both sit below both rules",
        ),
    }
    return _glue(values, claims)


def predictable_scaling(pred: Any, runs: pd.DataFrame, dataset: str) -> dict[str, str]:
    """Section "GPT-4's predictable scaling, as a method": fit the small runs, predict the large.

    Parameters
    ----------
    pred : scalinglaws.analyses.predictable.Prediction
        :func:`scalinglaws.analyses.predictable.predict_large_end` on ``runs``.
    runs : DataFrame
        The family of runs (``params`` column: model sizes).
    dataset : str
        Display name of the runs' training set.
    """
    tab = pred.table
    largest = tab.iloc[-1]
    held = tab[~tab["used_in_fit"]]
    sizes = runs["params"].to_numpy()
    err, pl_err = pred.largest_rel_error, pred.power_law_largest_rel_error
    direction = "under" if pl_err < 0 else "over"
    values = {
        "gpt_pr_dataset": dataset,
        "gpt_pr_n": fmt_int(len(runs)),
        "gpt_pr_small": fmt_sig(sizes.min(), 2),
        "gpt_pr_large": fmt_sig(sizes.max(), 2),
        "gpt_pr_holdout": fmt_sig(pred.holdout_factor, 2),
        "gpt_pr_n_fit": fmt_int(pred.n_fit),
        "gpt_pr_n_pred": fmt_int(pred.n_predicted),
        "gpt_pr_extrap": fmt_times(pred.extrapolation, 3),
        "gpt_pr_E": fmt_fixed(pred.fit.E, 2),
        "gpt_pr_E_ci": fmt_interval(*pred.fit.E_ci, fmt_fixed, 2),
        "gpt_pr_alpha": fmt_fixed(pred.fit.alpha, 3),
        "gpt_pr_alpha_ci": fmt_interval(*pred.fit.alpha_ci, fmt_fixed, 3),
        "gpt_pr_conv": "converged" if pred.fit.converged else "did NOT converge",
        "gpt_pr_boot_conv": fmt_pct(pred.fit.boot_converged, 0),
        "gpt_pr_loss": fmt_fixed(largest["loss"], 3),
        "gpt_pr_pred": fmt_fixed(largest["predicted"], 3),
        "gpt_pr_pred_ci": fmt_interval(largest["lo"], largest["hi"], fmt_fixed, 3),
        "gpt_pr_err": fmt_pct(abs(err), 2),
        "gpt_pr_maxerr": fmt_pct(pred.max_abs_rel_error, 2),
        "gpt_pr_inside": fmt_int(int(held["inside_interval"].sum())),
        "gpt_pr_pl_err": fmt_pct(abs(pl_err), 1),
        "gpt_pr_pl_dir": direction,
    }
    claims = {
        "gpt_pr_floor_helps": (
            abs(err) < abs(pl_err),
            "The irreducible term is what makes this work: a pure power law through the same points "
            f"{direction}-predicts the largest run by {fmt_pct(abs(pl_err), 1)}, because it assumes "
            "the loss can fall towards zero.",
            "Here the irreducible term does not help: a pure power law through the same points "
            f"misses the largest run by {fmt_pct(abs(pl_err), 1)}, no more than the saturating law.",
        ),
        "gpt_pr_summary": (
            abs(err) < min(0.05, abs(pl_err)),
            f"a method that works on public data too (an error of {fmt_pct(abs(err), 1)} at "
            f"{fmt_times(pred.extrapolation, 3)} the compute of the fit), provided the law has a floor",
            "a method that, on the public runs here, misses by more than we would like even with a "
            "floor",
        ),
    }
    return _glue(values, claims)


def growth(
    fit_all: Any, fit_lm: Any, fit_fr: Any, fit_tok: Any, *, n_words: int, above: list[str]
) -> dict[str, str]:
    """Section "The frontier compute trend": growth per year of compute and data, against Epoch's.

    Parameters
    ----------
    fit_all, fit_lm, fit_fr, fit_tok : scalinglaws.analyses.trends.TrendFit
        Compute growth of all models, of language models and of frontier models, and dataset-size
        growth of language models.
    n_words : int
        Number of models whose dataset size Epoch records in words.
    above : list of str
        The GPT models above ``fit_all``'s line (:func:`scalinglaws.analyses.gpt_series.gpts_above_trend`).
    """
    g_all, g_lm, g_fr, g_tok = (f.growth_per_year for f in (fit_all, fit_lm, fit_fr, fit_tok))
    values = {
        "gpt_tr_start": fit_all.start,
        "gpt_tr_end": fit_all.end,
        "gpt_lm_start": fit_lm.start,
        "gpt_tr_n": fmt_int(fit_all.n),
        "gpt_tr_g": fmt_fixed(g_all, 2),
        "gpt_tr_g_ci": fmt_interval(*fit_all.growth_ci, fmt_fixed, 2),
        "gpt_tr_dbl": fmt_fixed(fit_all.doubling_months, 1),
        "gpt_tr_r2": fmt_fixed(fit_all.r2, 2),
        "gpt_lm_n": fmt_int(fit_lm.n),
        "gpt_lm_g": fmt_fixed(g_lm, 1),
        "gpt_lm_g_ci": fmt_interval(*fit_lm.growth_ci, fmt_fixed, 1),
        "gpt_lm_dbl": fmt_fixed(fit_lm.doubling_months, 1),
        "gpt_tok_n": fmt_int(fit_tok.n),
        "gpt_tok_g": fmt_fixed(g_tok, 2),
        "gpt_tok_g_ci": fmt_interval(*fit_tok.growth_ci, fmt_fixed, 2),
        "gpt_n_words": fmt_int(n_words),
        "gpt_above_trend": ", ".join(above) if above else "none of the GPT models",
        "gpt_fr_n": fmt_int(fit_fr.n),
        "gpt_fr_g": fmt_fixed(g_fr, 2),
        "gpt_fr_g_ci": fmt_interval(*fit_fr.growth_ci, fmt_fixed, 2),
    }
    tok_grows = fit_tok.growth_ci[0] > 1.0
    claims = {
        "gpt_above_verb": (len(above) == 1, "lies", "lie"),
        "gpt_tok_slower": (
            tok_grows and g_tok < g_lm,
            "Data grew too, but more slowly",
            "Data grew at least as fast as compute"
            if tok_grows
            else "Data did not clearly grow in this window: the interval below includes no growth "
            "at all",
        ),
        # C = 6ND: log growth of C = log growth of N + log growth of D
        "gpt_tok_share": (
            np.log(g_tok) < 0.5 * np.log(g_lm),
            "the compute growth went mostly into bigger models, as Kaplan's rule said it should — "
            "until Chinchilla",
            "so, by $C = 6ND$, less than half of the compute growth went into bigger models",
        ),
        "gpt_fr_in_range": (
            4.0 <= g_fr <= 5.0,
            "inside Epoch's 4–5× range",
            "outside Epoch's 4–5× range",
        ),
        "gpt_fr_ci_overlaps": (
            fit_fr.growth_ci[0] <= 5.0 and fit_fr.growth_ci[1] >= 4.0,
            "overlaps",
            "misses",
        ),
        "gpt_all_ci_overlaps": (
            fit_all.growth_ci[0] <= 5.0 and fit_all.growth_ci[1] >= 4.0,
            "overlaps",
            "misses",
        ),
        "gpt_lm_vs_9": (
            g_lm >= 9.0,
            f"{fmt_fixed(g_lm - 9.0, 1)} above",
            f"{fmt_fixed(9.0 - g_lm, 1)} below",
        ),
        "gpt_lm_ci_has_9": (
            fit_lm.growth_ci[0] <= 9.0 <= fit_lm.growth_ci[1],
            "includes",
            "excludes",
        ),
        "gpt_tr_summary": (g_all > 1, "grew", "did not grow"),
    }
    return _glue(values, claims)


def benchmarks(
    base: pd.DataFrame, bench: pd.DataFrame, fit: dict[str, Any], benchmark: str
) -> dict[str, str]:
    """Section "Benchmarks against compute": Ruan et al.'s base models and the logistic fit.

    Parameters
    ----------
    base : DataFrame
        ``scalinglaws.data.load("obsscaling_ruan", "base")``.
    bench : DataFrame
        :func:`scalinglaws.analyses.gpt_series.benchmark_models` of ``base`` (the models fitted).
    fit : dict
        :func:`scalinglaws.analyses.gpt_series.fit_benchmark_sigmoid` on ``bench``.
    benchmark : str
        The benchmark column.
    """
    from scalinglaws.analyses.gpt_series import benchmark_counts

    counts = benchmark_counts(base, benchmark)
    if counts["with_score"] != len(bench):
        raise InputError("bench must hold the models of base with a compute and a score")
    scores = bench[benchmark]
    top = bench.loc[scores.idxmax()]
    values = {
        "gpt_ob_bench": benchmark,
        "gpt_ob_n": fmt_int(len(bench)),
        "gpt_ob_total": fmt_int(counts["models"]),
        "gpt_ob_fam_total": fmt_int(counts["families"]),
        "book_ruan_n_compute": fmt_int(counts["with_compute"]),
        "gpt_ob_fam_c": fmt_int(counts["families_with_compute"]),
        "gpt_ob_no_c": fmt_int(counts["without_compute"]),
        "gpt_ob_no_c_fams": ", ".join(sorted(base.loc[base["flops"].isna(), "family"].unique())),
        "gpt_ob_rmse_share": fmt_pct(fit["rmse"] / (scores.max() - scores.min()), 0),
        "gpt_ob_fam": fmt_int(bench["family"].nunique()),
        "gpt_ob_cmin": fmt_sig(bench["flops"].min(), 2),
        "gpt_ob_cmax": fmt_sig(bench["flops"].max(), 2),
        "gpt_ob_floor": fmt_fixed(fit["floor"], 2),
        "gpt_ob_floor_ci": fmt_interval(*fit["floor_ci"], fmt_fixed, 2),
        "gpt_ob_mid": fmt_sig(10 ** fit["mid"], 2),
        "gpt_ob_mid_ci": fmt_interval(10 ** fit["mid_ci"][0], 10 ** fit["mid_ci"][1], fmt_sig, 2),
        "gpt_ob_slope": fmt_fixed(fit["slope"], 2),
        "gpt_ob_slope_ci": fmt_interval(*fit["slope_ci"], fmt_fixed, 2),
        "gpt_ob_rmse": fmt_fixed(fit["rmse"], 3),
        "gpt_ob_conv": "converged" if fit["converged"] else "did NOT converge",
        "gpt_ob_boot_conv": fmt_pct(fit["boot_converged"], 0),
        "gpt_ob_top": str(top["model"]),
        "gpt_ob_top_score": fmt_pct(top[benchmark]),
    }
    claims = {
        "gpt_ob_all_scored": (
            counts["with_score"] == counts["with_compute"],
            f"All the models with a compute have a score on {benchmark}",
            f"Of the models with a compute, {fmt_int(counts['with_score'])} have a score on "
            f"{benchmark}",
        ),
        "gpt_ob_floor_ci_has_0": (
            fit["floor_ci"][0] <= 0.005,
            "reaches down to zero, so the data do not pin down a floor above zero",
            "stays above zero",
        ),
        "gpt_ob_mid_where": (
            10 ** fit["mid"] <= bench["flops"].max(),
            "within the range of the data",
            "beyond the largest model here, so an extrapolation of the curve",
        ),
    }
    return _glue(values, claims)


def exercise_1(params: float) -> dict[str, str]:
    """Solution of exercise gpt-ex-1: GPT-3's size made compute-optimal, canonical law vs 2022's.

    ``params`` is GPT-3 175B's parameter count.
    """
    from scalinglaws.core.allocation import compute_optimal, flops_for_optimal_params
    from scalinglaws.core.laws import get_parametric_law

    a_ep, a_ho = (
        compute_optimal(flops_for_optimal_params(params, n), n) for n in ("epoch", "hoffmann")
    )
    claims = {
        "gpt_ex1_ratio": (
            get_parametric_law("epoch").a > 0.5,
            "Under the canonical law the optimal size grows slightly faster than the optimal data "
            "($a > 1/2$), so the optimal ratio of tokens to parameters falls slowly with budget",
            "Under the canonical law the optimal data grow at least as fast as the optimal size "
            "($a \\le 1/2$), so the optimal ratio of tokens to parameters does not fall with budget",
        ),
        "gpt_ex1_hist": (
            a_ho.tokens > a_ep.tokens,
            "Hoffmann et al.'s printed constants, whose ratio grows with budget, ask for more "
            "tokens and more compute",
            "Hoffmann et al.'s printed constants ask for fewer tokens and less compute",
        ),
        "gpt_ex1_20": (
            abs(np.log(a_ep.tokens_per_param / 20)) < np.log(2),
            "within a factor of two of the canonical answer",
            "more than a factor of two away from the canonical answer",
        ),
    }
    return _glue({}, claims)


def exercise_2(fits: dict[str, Any]) -> dict[str, str]:
    """Solution of exercise gpt-ex-2: does the start date of the window move the growth factor?

    ``fits`` maps each start date to its language-model compute :class:`~scalinglaws.analyses.trends.TrendFit`.
    """
    if not fits:
        raise InputError("fits must hold at least one trend fit")
    g = [f.growth_per_year for f in fits.values()]
    common = max(f.growth_ci[0] for f in fits.values()) <= min(
        f.growth_ci[1] for f in fits.values()
    )
    claims = {
        "gpt_ex2_matters": (
            not common,
            f"The start date matters: the growth factor moves from {min(g):.1f}x to {max(g):.1f}x "
            "per year, more than the bootstrap intervals of the single fits allow (no value lies "
            "inside all four)",
            f"The growth factor moves from {min(g):.1f}x to {max(g):.1f}x per year with the start "
            "date, within the bootstrap intervals of the single fits (some value lies inside all "
            "four)",
        ),
    }
    return _glue({}, claims)


def exercise_3(near: Any, far: Any) -> dict[str, str]:
    """Solution of exercise gpt-ex-3: prediction error against extrapolation distance.

    ``near`` and ``far`` are :class:`~scalinglaws.analyses.predictable.Prediction` results with a smaller
    and a larger ``holdout_factor``.
    """
    sat = [abs(r.largest_rel_error) for r in (near, far)]
    plaw = [abs(r.power_law_largest_rel_error) for r in (near, far)]
    ratio = min(p / s for p, s in zip(plaw, sat, strict=True))
    claims = {
        "gpt_ex3_pl": (
            far.extrapolation > near.extrapolation and plaw[1] > plaw[0],
            "The pure power law's error grows with the extrapolation distance, because the missing "
            "floor matters more the further out you go",
            "The pure power law's error does not grow with the extrapolation distance on this family",
        ),
        "gpt_ex3_sat": (
            ratio > 2,
            f"The saturating law's error is at least {ratio:.0f} times smaller at both distances",
            "The saturating law's error is not clearly smaller than the power law's at both distances",
        ),
    }
    return _glue({}, claims)


def _pts(x: float, digits: int = 1) -> str:
    """An accuracy difference (fraction) in percentage points with a sign: ``_pts(0.0123) == '+1.2'``."""
    text = fmt_fixed(100 * x, digits)
    return text if text.startswith("-") or float(text) == 0 else "+" + text


def _pts_iv(lo: float, hi: float) -> str:
    return f"[{_pts(lo)}, {_pts(hi)}]"


def icl(
    gains: pd.DataFrame,
    by_size: Any,
    by_tokens: Any,
    tasks: pd.DataFrame,
    tokens: pd.DataFrame,
    wsc: tuple[int, int],
) -> dict[str, str]:
    """Section "In-context learning scales? Pythia's evidence": GPT-3's claim and Pythia's gains.

    Parameters
    ----------
    gains : DataFrame
        :func:`scalinglaws.analyses.icl.fewshot_gains`.
    by_size, by_tokens : scalinglaws.analyses.icl.GainTrend
        :func:`scalinglaws.analyses.icl.gain_trend` along ``"params"`` and along ``"tokens"``.
    tasks : DataFrame
        :func:`scalinglaws.analyses.icl.task_trends` (per-task slopes with the harness's errors).
    tokens : DataFrame
        :func:`scalinglaws.analyses.icl.token_trends` (the slope over training of every size).
    wsc : tuple of int
        :func:`scalinglaws.analyses.icl.constant_share` (files at 38/104, files).
    """
    from scipy.stats import norm

    from scalinglaws.analyses.icl import gpt3_gains

    g3 = gpt3_gains().set_index(["task", "size"])["gain"]
    ri = gpt3_gains().set_index("task").loc["Random insertion"]
    tab = by_size.table
    small, large = tab.iloc[0], tab.iloc[-1]
    best = tab.loc[tab["mean"].idxmax()]
    z = float(norm.ppf((1 + by_size.level) / 2))
    t = tasks.set_index("task")
    arc = t.loc["arc_challenge"]
    lam = gains[gains["task"] == "lambada_openai"]
    rising = [k for k in t.index if t.loc[k, "slope_lo"] > 0]
    tqa = [g3[("TriviaQA", k)] for k in ("1.3B", "13B", "175B")]
    tok_rising = tokens[tokens["rises"]]
    values = {
        "gpt_icl_ri_zero": fmt_pct(ri["zero"] / 100, 2),
        "gpt_icl_ri_few": fmt_pct(ri["few"] / 100, 1),
        "gpt_icl_ri_k": fmt_int(ri["k"]),
        "gpt_icl_g3_lam_1b": _pts(g3[("LAMBADA", "1.3B")] / 100),
        "gpt_icl_g3_lam_13b": _pts(g3[("LAMBADA", "13B")] / 100),
        "gpt_icl_g3_lam_175b": _pts(g3[("LAMBADA", "175B")] / 100),
        "gpt_icl_g3_tqa_1b": _pts(tqa[0] / 100),
        "gpt_icl_g3_tqa_13b": _pts(tqa[1] / 100),
        "gpt_icl_g3_tqa_175b": _pts(tqa[2] / 100),
        "gpt_icl_n_sizes": fmt_int(gains["size"].nunique()),
        "gpt_icl_n_steps": fmt_int(gains["step"].nunique()),
        "gpt_icl_n_tasks": fmt_int(len(by_size.tasks)),
        "gpt_icl_step": fmt_int(small["step"]),
        "gpt_icl_small": str(small["size"]),
        "gpt_icl_large": str(large["size"]),
        "gpt_icl_mean_small": _pts(small["mean"]),
        "gpt_icl_mean_small_ci": _pts_iv(small["lo"], small["hi"]),
        "gpt_icl_mean_large": _pts(large["mean"]),
        "gpt_icl_mean_large_ci": _pts_iv(large["lo"], large["hi"]),
        "gpt_icl_best": _pts(best["mean"]),
        "gpt_icl_best_size": str(best["size"]),
        "gpt_icl_slope": _pts(by_size.slope, 2),
        "gpt_icl_slope_ci": f"[{_pts(by_size.slope_ci[0], 2)}, {_pts(by_size.slope_ci[1], 2)}]",
        "gpt_icl_slope_share": fmt_pct(by_size.share_positive, 0),
        "gpt_icl_arcc_small": _pts(arc["gain_small"]),
        "gpt_icl_arcc_large": _pts(arc["gain_large"]),
        "gpt_icl_arcc_large_ci": _pts_iv(
            arc["gain_large"] - z * arc["gain_large_se"],
            arc["gain_large"] + z * arc["gain_large_se"],
        ),
        "gpt_icl_n_rising": fmt_int(len(rising)),
        "gpt_icl_n_task_all": fmt_int(len(t)),
        "gpt_icl_rising_tasks": ", ".join(rising) if rising else "none",
        "gpt_icl_lam_neg": fmt_int((lam["gain"] < 0).sum()),
        "gpt_icl_lam_pairs": fmt_int(len(lam)),
        "gpt_icl_lam_drop_min": fmt_fixed(-100 * lam["gain"].max(), 1),
        "gpt_icl_lam_drop_max": fmt_fixed(-100 * lam["gain"].min(), 1),
        "gpt_icl_wsc_const": fmt_int(wsc[0]),
        "gpt_icl_wsc_files": fmt_int(wsc[1]),
        "gpt_icl_tok_size": str(by_tokens.table["size"].iloc[0]),
        "gpt_icl_tok_slope": _pts(by_tokens.slope, 2),
        "gpt_icl_tok_slope_ci": f"[{_pts(by_tokens.slope_ci[0], 2)}, "
        f"{_pts(by_tokens.slope_ci[1], 2)}]",
        "gpt_icl_tok_n_rising": fmt_int(len(tok_rising)),
        "gpt_icl_tok_rising": ", ".join(tok_rising["size"]) if len(tok_rising) else "none",
    }
    gpt3_min = min(abs(v) for v in g3.to_numpy())
    signal = gains[gains["task"].isin(by_size.tasks)]
    all_means = signal.groupby(["size", "step"])["gain"].mean()
    values["gpt_icl_max_any"] = fmt_fixed(100 * all_means.abs().max(), 1)
    small_effect = 100 * abs(best["mean"]) < gpt3_min
    claims = {
        "gpt_icl_g3_tqa_mono": (
            tqa[0] < tqa[1] < tqa[2],
            "grows at each step of size",
            "grows from 1.3B to 13B but shrinks again at 175B",
        ),
        "gpt_icl_rises": (
            by_size.rises,
            "rises with model size: the interval of the slope lies above zero",
            "has no clear trend with model size: the interval of the slope includes zero"
            if by_size.slope_ci[1] > 0
            else "falls with model size: the interval of the slope lies below zero",
        ),
        # judged at the printed precision (0.1 points), so the words match the interval shown
        "gpt_icl_small_ci": (
            round(100 * small["hi"], 1) < 0,
            "below zero",
            "not clearly different from zero",
        ),
        "gpt_icl_large_ci": (
            round(100 * large["lo"], 1) > 0,
            "above zero",
            "not clearly different from zero",
        ),
        "gpt_icl_verdict": (
            by_size.rises and small_effect,
            "So the direction of GPT-3's claim holds on open models, but not the size of the effect",
            "So on these open models the claim does not clearly hold"
            if not by_size.rises
            else "So GPT-3's claim holds on open models, direction and size",
        ),
        "gpt_icl_vs_gpt3": (
            small_effect,
            "smaller than any of the GPT-3 few-shot changes quoted above",
            "comparable to some of the GPT-3 few-shot changes quoted above",
        ),
        "gpt_icl_lam_all_neg": (
            (lam["gain"] < 0).all(),
            "at every one of them",
            "at most of them",
        ),
        "gpt_icl_tok_rises": (
            by_tokens.rises,
            "rises over training",
            "shows no clear rise over training",
        ),
    }
    return _glue(values, claims)


def rlhf(alpha_bon: float, beta_bon: float, alpha_rl: float, beta_rl: float) -> dict[str, str]:
    """Section "RLHF and its scaling": InstructGPT's facts and the over-optimization peaks.

    The four coefficients are the chapter's ILLUSTRATIVE parameters (Gao et al. publish theirs only as
    a figure).
    """
    from scalinglaws.core import overoptimization as oo

    ig = oo.INSTRUCTGPT
    pb, pr = oo.bon_peak(alpha_bon, beta_bon), oo.rl_peak(alpha_rl, beta_rl)
    align = ig["sft_175b_pf_days"] + ig["ppo_ptx_175b_pf_days"]
    n_quoted = oo.GAO2022["bon_n_quoted"]
    values = {
        "gpt_rl_param_ratio": fmt_int(ig["gpt3_params"] / ig["small_policy_params"]),
        "gpt_rl_win": fmt_pct(ig["win_rate_vs_gpt3"][0], 0),
        "gpt_rl_win_pm": fmt_pct(ig["win_rate_vs_gpt3"][1], 0),
        "gpt_rl_win_fs": fmt_pct(ig["win_rate_vs_gpt3_fewshot"][0], 0),
        "gpt_rl_win_fs_pm": fmt_pct(ig["win_rate_vs_gpt3_fewshot"][1], 0),
        "gpt_rl_sft_prompts": fmt_int(ig["sft_prompts"]),
        "gpt_rl_rm_prompts": fmt_int(ig["rm_prompts"]),
        "gpt_rl_ppo_prompts": fmt_int(ig["ppo_prompts"]),
        "gpt_rl_rm_params": fmt_sig(ig["rm_params"], 2),
        "gpt_rl_sft_pfd": fmt_sig(ig["sft_175b_pf_days"], 2),
        "gpt_rl_ppo_pfd": fmt_sig(ig["ppo_ptx_175b_pf_days"], 2),
        "gpt_rl_gpt3_pfd": fmt_int(ig["gpt3_pf_days"]),
        "gpt_rl_align_share": fmt_pct(align / ig["gpt3_pf_days"], 1),
        "gpt_rl_gold": fmt_sig(oo.GAO2022["gold_rm_params"], 2),
        "gpt_rl_proxy_lo": fmt_sig(oo.GAO2022["proxy_rm_params"][0], 2),
        "gpt_rl_proxy_hi": fmt_sig(oo.GAO2022["proxy_rm_params"][1], 2),
        "gpt_rl_policy": fmt_sig(oo.GAO2022["policy_params"], 2),
        "gpt_rl_kl_1k": fmt_fixed(oo.kl_best_of_n(1_000), 2),
        "gpt_rl_kl_60k": fmt_fixed(oo.kl_best_of_n(60_000), 2),
        "gpt_rl_kl_1k_printed": fmt_int(n_quoted[1_000]),
        "gpt_rl_kl_60k_printed": fmt_int(n_quoted[60_000]),
        "gpt_rl_a_bon": fmt_sig(alpha_bon, 3),
        "gpt_rl_b_bon": fmt_sig(beta_bon, 3),
        "gpt_rl_a_rl": fmt_sig(alpha_rl, 3),
        "gpt_rl_b_rl": fmt_sig(beta_rl, 3),
        "gpt_rl_bon_d": fmt_sig(pb.d, 3),
        "gpt_rl_bon_kl": fmt_sig(pb.kl, 3),
        "gpt_rl_bon_r": fmt_sig(pb.score, 3),
        "gpt_rl_bon_n": fmt_sig(oo.best_of_n_for_kl(pb.kl), 3),
        "gpt_rl_bon_dzero": fmt_sig(pb.d_zero, 3),
        "gpt_rl_rl_d": fmt_sig(pr.d, 3),
        "gpt_rl_rl_kl": fmt_sig(pr.kl, 3),
        "gpt_rl_rl_r": fmt_sig(pr.score, 3),
        "gpt_rl_rl_dzero": fmt_sig(pr.d_zero, 3),
    }
    claims = {
        "gpt_rl_further": (
            pr.d > pb.d,
            "RL peaks farther from the initial policy than best-of-n",
            "best-of-n peaks at least as far from the initial policy as RL",
        ),
        "gpt_rl_higher": (pr.score > pb.score, "higher", "lower"),
    }
    return _glue(values, claims)


def exercise_4(early: Any, late: Any) -> dict[str, str]:
    """Solution of exercise gpt-ex-4: the size trend of the five-shot gain early and late in training.

    ``early`` and ``late`` are :class:`~scalinglaws.analyses.icl.GainTrend` results along ``"params"``.
    """
    claims = {
        "gpt_ex4_early": (
            early.rises,
            f"Early in training (step {int(early.table['step'].iloc[0]):,}) the gain already rises "
            "with size",
            f"Early in training (step {int(early.table['step'].iloc[0]):,}) the gain shows no clear "
            "trend with size",
        ),
        "gpt_ex4_late": (
            late.rises,
            "at the final checkpoint it rises",
            "at the final checkpoint it shows no clear trend either",
        ),
    }
    return _glue({}, claims)


def exercise_5(with_wsc: Any, without: Any) -> dict[str, str]:
    """Solution of exercise gpt-ex-5: the size trend with WSC put back into the mean."""
    claims = {
        "gpt_ex5_wsc": (
            with_wsc.slope < without.slope,
            "Putting WSC back lowers the slope",
            "Putting WSC back does not lower the slope",
        ),
        "gpt_ex5_ci": (
            (with_wsc.slope_ci[1] - with_wsc.slope_ci[0])
            > (without.slope_ci[1] - without.slope_ci[0]),
            "and widens its interval",
            "and does not widen its interval",
        ),
    }
    return _glue({}, claims)


def exercise_6(base: tuple[Any, Any], robust: tuple[Any, Any]) -> dict[str, str]:
    """Solution of exercise gpt-ex-6: halving beta (a more robust reward model) for both forms.

    ``base`` and ``robust`` are ``(bon_peak, rl_peak)`` pairs of :class:`~scalinglaws.core.overoptimization.Peak`.
    """
    bon_gain = robust[0].score / base[0].score
    rl_gain = robust[1].score / base[1].score
    claims = {
        "gpt_ex6_rl_more": (
            rl_gain > bon_gain,
            f"The RL peak gains more (its score is {fmt_times(rl_gain, 3)} higher, against "
            f"{fmt_times(bon_gain, 3)} for best-of-n)",
            f"Best-of-n gains at least as much ({fmt_times(bon_gain, 3)} against "
            f"{fmt_times(rl_gain, 3)} for RL)",
        ),
    }
    return _glue({}, claims)


def exercise_7(peak: Any, score_60k: float) -> dict[str, str]:
    """Solution of exercise gpt-ex-7: best-of-60,000 against the best-of-n peak.

    ``peak`` is the best-of-n :class:`~scalinglaws.core.overoptimization.Peak`; ``score_60k`` the gold
    score at ``d = sqrt(KL_bon(60000))``.
    """
    from scalinglaws.core.overoptimization import kl_best_of_n

    past = float(np.sqrt(kl_best_of_n(60_000))) > peak.d
    claims = {
        "gpt_ex7_past": (
            past,
            "With these coefficients n = 60,000 lies past the peak",
            "With these coefficients n = 60,000 has not yet reached the peak",
        ),
        "gpt_ex7_sign": (
            score_60k < 0,
            "and the gold score has fallen below the initial policy's",
            "and the gold score is still above the initial policy's",
        ),
    }
    return _glue({}, claims)

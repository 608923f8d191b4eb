"""Glue of the chapter "Power laws: the shape of scaling" (chapters/01_power_laws.ipynb).

One function per section of the chapter. Each formats the section's results with
:mod:`scalinglaws.book`'s rules, glues them under the names the chapter's prose uses (data-dependent
wording through :func:`scalinglaws.book.claim`) and returns the dict ``name -> text`` it glued.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.analyses import kaplan_refit as kr
from scalinglaws.analyses.extrapolation import Holdout, LawFit
from scalinglaws.book import (
    claim,
    fmt_fixed,
    fmt_int,
    fmt_interval,
    fmt_pct,
    fmt_sig,
    fmt_times,
    glue_all,
)
from scalinglaws.core.errors import InputError

__all__ = [
    "data_sets",
    "kaplan_rule",
    "pythia_fit",
    "simulation",
    "saturation",
    "porian_reproduction",
    "holdout",
    "window_drift",
]


def _glue(values: dict[str, str]) -> dict[str, str]:
    return glue_all(values)


def _converged(out: dict[str, str], name: str, flag: bool) -> None:
    """Glue 'converged' or 'did NOT converge' under ``name`` (a claim chosen by the data)."""
    out[name] = claim(name, flag, "converged", "did NOT converge")


def data_sets(lam: pd.DataFrame, curve: pd.DataFrame) -> dict[str, str]:
    """The opening paragraph: the Pythia suite, which of its sizes the data hold, Porian's budgets.

    ``lam`` from :func:`scalinglaws.analyses.extrapolation.lambada_cross_entropy` (its ``size`` column),
    ``curve`` from :func:`scalinglaws.analyses.extrapolation.optimal_losses`.
    Glues ``pl_suite_n``, ``pl_suite_min``, ``pl_suite_max``, ``pl_n_budgets`` and the claim
    ``pl_py_coverage``.
    """
    present, missing = kr.pythia_suite_coverage(lam["size"])
    out = _glue(
        {
            "pl_suite_n": fmt_int(len(kr.PYTHIA_SUITE)),
            "pl_suite_min": fmt_sig(min(kr.PYTHIA_SUITE.values()), 2),
            "pl_suite_max": fmt_sig(max(kr.PYTHIA_SUITE.values()), 2),
            "pl_n_budgets": fmt_int(len(curve)),
        }
    )
    out["pl_py_coverage"] = claim(
        "pl_py_coverage",
        not missing,
        "The book's data hold all of them.",
        f"The book's data hold the evaluations of {len(present)} of them "
        f"({', '.join(m.upper() for m in missing)} missing), so every Pythia fit and figure here "
        f"uses those {len(present)} sizes.",
    )
    return out


def kaplan_rule(alpha_n: float) -> dict[str, str]:
    """ "What a power law is": Kaplan et al.'s exponent as a rule of thumb.

    ``alpha_n`` is Kaplan et al.'s (2020, §1.2, eq. 1.1) exponent of loss against non-embedding
    parameters (``scalinglaws.core.laws.KAPLAN.alpha_N``). Glues the exponent, the loss factor per
    doubling and per decade of N (and the reductions in per cent), and the growth of N that
    halves the loss.
    """
    doubling = 2.0**-alpha_n
    decade = 10.0**-alpha_n
    return _glue(
        {
            "pl_kaplan_alpha": fmt_fixed(alpha_n, 3),
            "pl_doubling": fmt_fixed(doubling, 3),
            "pl_doubling_pct": fmt_pct(1.0 - doubling),
            "pl_decade": fmt_fixed(decade, 3),
            "pl_decade_pct": fmt_pct(1.0 - decade),
            "pl_halving_factor": fmt_sig(2.0 ** (1.0 / alpha_n), 2, sci_above=1e3),
        }
    )


def pythia_fit(lam: pd.DataFrame, fit: LawFit, kaplan_alpha: float) -> dict[str, str]:
    """ "Why power laws are straight lines": the Pythia data and the plain power law fitted to them.

    ``lam`` holds the LAMBADA cross-entropies (sorted by size, with the 70m and 12b models),
    ``fit`` the plain power law fitted to all of them, ``kaplan_alpha`` Kaplan et al.'s
    ``alpha_N`` it is compared with (the claim ``pl_alpha_vs_kaplan``: is the fitted interval
    entirely above it?).
    """
    ppl = dict(zip(lam["size"], lam["ppl"], strict=True))
    out = _glue(
        {
            "pl_n_models": fmt_int(len(lam)),
            "pl_ppl_small": fmt_fixed(ppl["70m"], 1),
            "pl_ppl_large": fmt_fixed(ppl["12b"], 2),
            "pl_xent_small": fmt_fixed(lam["xent"].iloc[0], 2),
            "pl_xent_large": fmt_fixed(lam["xent"].iloc[-1], 2),
            "pl_pythia_alpha": fmt_fixed(fit.alpha, 3),
            "pl_pythia_alpha_ci": fmt_interval(*fit.alpha_ci, fmt_fixed, 3),
            "pl_n_boot": fmt_int(fit.n_boot),
            "pl_alpha_ratio": fmt_times(fit.alpha / kaplan_alpha),
        }
    )
    _converged(out, "pl_pythia_converged", fit.converged)
    out["pl_alpha_vs_kaplan"] = claim(
        "pl_alpha_vs_kaplan",
        fit.alpha_ci[0] > kaplan_alpha,
        "larger than theirs (and its interval lies entirely above it)",
        "not clearly larger than theirs (its interval reaches down to it)",
    )
    return out


def simulation(
    stats: pd.DataFrame, *, truth: float, n_points: int, sigma: float, n_sim: int
) -> dict[str, str]:
    """ "Fit in log space": the simulation comparing the two estimators.

    ``stats`` from :func:`scalinglaws.analyses.extrapolation.estimator_stats` (rows "log space" and
    "linear space"); ``truth``, ``n_points``, ``sigma`` and ``n_sim`` describe the simulation. The
    claim ``pl_sim_centred`` holds when each estimator's mean lies within three of its standard
    errors of the truth, ``pl_sim_wider`` when the linear-space fits scatter more.
    """
    if not {"log space", "linear space"} <= set(stats.index):
        raise InputError("stats must come from extrapolation.estimator_stats()")
    log, lin = stats.loc["log space"], stats.loc["linear space"]
    out = _glue(
        {
            "pl_n_sim": fmt_int(n_sim),
            "pl_sim_points": fmt_int(n_points),
            "pl_sim_sigma_pct": fmt_pct(sigma, 0),
            "pl_sim_alpha": fmt_fixed(truth, 2),
            "pl_sim_std_log": fmt_fixed(log["std"], 3),
            "pl_sim_std_lin": fmt_fixed(lin["std"], 3),
            "pl_sim_ratio": fmt_times(lin["std"] / log["std"]),
            "pl_sim_rmse_log": fmt_fixed(log["rmse"], 3),
            "pl_sim_rmse_lin": fmt_fixed(lin["rmse"], 3),
            "pl_sim_conv_lin": fmt_pct(lin["converged"], 0),
            "pl_sim_mean_log": fmt_fixed(log["mean"], 3),
            "pl_sim_mean_lin": fmt_fixed(lin["mean"], 3),
        }
    )
    means = f"{log['mean']:.3f} in log space and {lin['mean']:.3f} in linear space"
    out["pl_sim_centred"] = claim(
        "pl_sim_centred",
        bool((np.abs(stats["mean"] - truth) < 3 * stats["se"]).all()),
        f"Both estimators are centred on the true $\\alpha$ = {truth:.2f}: their mean fitted exponents, "
        f"{means}, are each within three standard errors of it,",
        f"Not both estimators are centred on the true $\\alpha$ = {truth:.2f}: of their mean fitted "
        f"exponents, {means}, at least one lies more than three standard errors from it,",
    )
    out["pl_sim_wider"] = claim(
        "pl_sim_wider",
        lin["std"] > log["std"],
        "but the linear-space fit scatters",
        "and, in this run, the linear-space fit does not scatter more widely: it scatters",
    )
    return out


def saturation(sat: LawFit, windows: pd.DataFrame, k: int) -> dict[str, str]:
    """ "Saturating power laws": the floor fitted to Pythia and the sliding-window exponents.

    ``sat`` is the saturating law fitted to all Pythia sizes, ``windows`` the
    :func:`scalinglaws.analyses.extrapolation.sliding_window_fits` of ``k`` consecutive sizes. The claim
    ``pl_win_story`` holds when there are at least two windows and the last window's interval lies
    entirely below the first's.
    """
    first, last = windows.iloc[0], windows.iloc[-1]
    first_ci = fmt_interval(first["lo"], first["hi"], fmt_fixed, 2)
    last_ci = fmt_interval(last["lo"], last["hi"], fmt_fixed, 2)
    n = len(windows)
    out = _glue(
        {
            "pl_window_models": fmt_int(k),
            "pl_sat_E": fmt_fixed(sat.E, 2),
            "pl_sat_E_ci": fmt_interval(*sat.E_ci, fmt_fixed, 2),
            "pl_sat_alpha": fmt_fixed(sat.alpha, 2),
            "pl_sat_alpha_ci": fmt_interval(*sat.alpha_ci, fmt_fixed, 2),
            "pl_win_first": first["window"],
            "pl_win_last": last["window"],
            "pl_win_alpha_first": fmt_fixed(first["alpha"], 2),
            "pl_win_alpha_first_ci": first_ci,
            "pl_win_alpha_last": fmt_fixed(last["alpha"], 2),
            "pl_win_alpha_last_ci": last_ci,
            "pl_win_n": fmt_int(n),
        }
    )
    _converged(out, "pl_sat_converged", sat.converged)
    out["pl_win_all_converged"] = claim(
        "pl_win_all_converged",
        bool(windows["converged"].all()),
        f"The {n} window fits all converged." if n > 1 else "The window fit converged.",
        f"The {n} window fits did NOT all converge."
        if n > 1
        else "The window fit did NOT converge.",
    )
    ends = (
        f"the exponent on the smallest sizes ({first['window']}) is {first['alpha']:.2f} {first_ci}, "
        f"on the largest ({last['window']})"
    )
    if n > 1:
        otherwise = (
            f"With windows of {k} sizes the sliding fits cannot show the drift clearly: {ends} "
            f"{last['alpha']:.2f} {last_ci}, and the intervals overlap."
        )
    else:
        otherwise = (
            f"With a window of all {k} sizes there is only one window, so this run cannot show the "
            "drift; choose a smaller window to see it."
        )
    out["pl_win_story"] = claim(
        "pl_win_story",
        n > 1 and last["hi"] < first["lo"],
        "The sliding windows tell the same story without any model of the floor: the exponent "
        f"fitted on the smallest sizes ({first['window']}) is {first['alpha']:.2f} {first_ci}, on "
        f"the largest ({last['window']}) only {last['alpha']:.2f} {last_ci}, and the two intervals "
        "do not overlap.",
        otherwise,
    )
    return out


def porian_reproduction(
    curve: pd.DataFrame,
    repro: LawFit,
    ref: Mapping[str, Any],
    *,
    n_window: int,
    dataset_name: str,
    label: str,
) -> dict[str, str]:
    """ "The danger of extrapolation", first part: the data and the check of Porian et al.'s fit.

    ``curve`` from :func:`scalinglaws.analyses.extrapolation.optimal_losses`; ``repro`` our saturating fit on
    Porian et al.'s window of ``n_window`` budgets; ``ref`` their stored fit (``E``, ``A``,
    ``alpha``, :func:`scalinglaws.analyses.extrapolation.porian_stored_fit`); ``dataset_name`` and
    ``label`` name the configuration.
    """
    out = _glue(
        {
            "pl_c_max": fmt_sig(curve["flops"].max(), 3),
            "pl_dataset": dataset_name,
            "pl_label": label.lower(),
            "pl_std_min": fmt_sig(curve["loss_star_std"].min(), 1),
            "pl_std_max": fmt_sig(curve["loss_star_std"].max(), 1),
            "pl_porian_n": fmt_int(n_window),
            "pl_porian_E": fmt_fixed(ref["E"], 3),
            "pl_porian_alpha": fmt_fixed(ref["alpha"], 3),
            "pl_porian_A": fmt_sig(ref["A"], 4),
            "pl_repro_E": fmt_fixed(repro.E, 3),
            "pl_repro_E_ci": fmt_interval(*repro.E_ci, fmt_fixed, 2),
            "pl_repro_alpha": fmt_fixed(repro.alpha, 3),
            "pl_repro_alpha_ci": fmt_interval(*repro.alpha_ci, fmt_fixed, 3),
            "pl_repro_A": fmt_sig(repro.A, 4),
        }
    )
    _converged(out, "pl_repro_converged", repro.converged)
    return out


def holdout(study: Holdout) -> dict[str, str]:
    """ "The danger of extrapolation", second part: fit small, predict large.

    ``study`` from :func:`scalinglaws.analyses.extrapolation.holdout_study`. Glues both fits, their
    relative errors (and the errors their bootstrap bands allow) at the first held-out and the
    largest budget, how many held-out budgets each band covers, and the claims ``pl_err_grows``
    (the plain law's error is larger at the largest budget than at the first held-out one),
    ``pl_bands_widen`` and ``pl_bracket`` (the signs of the two errors at the largest budget).
    """
    sat, pw = study.sat, study.pw
    near_sat, near_pw = study.near("sat"), study.near("pw")
    far_sat, far_pw = study.far("sat"), study.far("pw")

    def band(law: str, where: str) -> str:
        return fmt_interval(*study.error_band(law, where), fmt_pct, 2)

    out = _glue(
        {
            "pl_n_fit": fmt_int(study.n_fit),
            "pl_n_out": fmt_int(len(study.held_out)),
            "pl_c_fit_max": fmt_sig(study.c_fit_max, 3),
            "pl_ext_E": fmt_fixed(sat.E, 2),
            "pl_ext_E_ci": fmt_interval(*sat.E_ci, fmt_fixed, 2),
            "pl_ext_alpha": fmt_fixed(sat.alpha, 3),
            "pl_ext_alpha_ci": fmt_interval(*sat.alpha_ci, fmt_fixed, 3),
            "pl_ext_pw_alpha": fmt_fixed(pw.alpha, 3),
            "pl_ext_pw_alpha_ci": fmt_interval(*pw.alpha_ci, fmt_fixed, 3),
            "pl_decades_far": fmt_fixed(far_sat["decades_beyond"], 1),
            "pl_err_near_sat": fmt_pct(near_sat["rel_error"], 2),
            "pl_err_near_sat_ci": band("sat", "near"),
            "pl_err_far_sat": fmt_pct(far_sat["rel_error"], 2),
            "pl_err_far_sat_ci": band("sat", "far"),
            "pl_err_near_pw": fmt_pct(near_pw["rel_error"], 2),
            "pl_err_near_pw_ci": band("pw", "near"),
            "pl_err_far_pw": fmt_pct(far_pw["rel_error"], 2),
            "pl_err_far_pw_ci": band("pw", "far"),
            "pl_cover_sat": fmt_int(study.coverage("sat")),
            "pl_cover_pw": fmt_int(study.coverage("pw")),
        }
    )
    _converged(out, "pl_ext_conv", sat.converged and pw.converged)
    out["pl_err_grows"] = claim(
        "pl_err_grows",
        bool(far_pw["abs_rel_error"] > near_pw["abs_rel_error"]),
        "grows",
        "does not grow",
    )
    out["pl_bands_widen"] = claim(
        "pl_bands_widen",
        study.bands_widen(),
        "The bands widen as they leave the data.",
        "The bands do not both widen as they leave the data.",
    )
    same_sign = np.sign(far_pw["rel_error"]) == np.sign(far_sat["rel_error"])
    out["pl_bracket"] = claim(
        "pl_bracket",
        bool(far_pw["rel_error"] < 0 < far_sat["rel_error"]),
        "Here the two forms bracket the truth: the plain law predicts too low a loss (optimistic), the "
        "saturating law, whose floor a short window pins down poorly, too high a loss (pessimistic).",
        "Here both forms miss in the same direction at the largest budget."
        if same_sign
        else "Here the plain law predicts too high a loss and the saturating law too low a loss.",
    )
    return out


def window_drift(by_window: pd.DataFrame) -> dict[str, str]:
    """ "The exponent moves with the window": both laws refitted on growing windows.

    ``by_window`` from :func:`scalinglaws.analyses.extrapolation.exponent_by_window`. The claim
    ``pl_bw_drift`` says whether the plain law's exponent falls at every step (and whether its last
    interval lies entirely below its first), ``pl_bw_predicted`` whether that is the predicted drift.
    """
    sat_w = by_window[by_window["law"].str.startswith("saturating")]
    pw_w = by_window[by_window["law"].str.startswith("plain")]
    if sat_w.empty or pw_w.empty:
        raise InputError("by_window must come from extrapolation.exponent_by_window()")
    first, last = pw_w.iloc[0], pw_w.iloc[-1]
    out = _glue(
        {
            "pl_bw_sat_min": fmt_fixed(sat_w["alpha"].min(), 3),
            "pl_bw_sat_max": fmt_fixed(sat_w["alpha"].max(), 3),
            "pl_bw_pw_first": fmt_fixed(first["alpha"], 3),
            "pl_bw_pw_first_ci": fmt_interval(first["lo"], first["hi"], fmt_fixed, 3),
            "pl_bw_pw_last": fmt_fixed(last["alpha"], 3),
            "pl_bw_pw_last_ci": fmt_interval(last["lo"], last["hi"], fmt_fixed, 3),
            "pl_bw_n_conv": fmt_int(int(by_window["converged"].sum())),
            "pl_bw_n": fmt_int(len(by_window)),
        }
    )
    drifts_down = bool(pw_w["alpha"].is_monotonic_decreasing)
    out["pl_bw_drift"] = claim(
        "pl_bw_drift",
        drifts_down and last["hi"] < first["lo"],
        "slides steadily down, from",
        "moves from"
        if not drifts_down
        else "slides down, though within overlapping intervals, from",
    )
    out["pl_bw_predicted"] = claim(
        "pl_bw_predicted",
        drifts_down,
        "the drift we predicted for a curve with a floor.",
        "not the steady downward drift we predicted for a curve with a floor: these data bend in more "
        "than one way.",
    )
    return out

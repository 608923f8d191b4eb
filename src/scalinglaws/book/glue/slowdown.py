"""Glue of the chapter "The slowdown and the data wall" (chapters/05_slowdown.ipynb).

One function per section. Each takes the section's results, formats them with
:mod:`scalinglaws.book`'s rules, glues them under the names the chapter's prose uses (data-dependent
sentences with :func:`scalinglaws.book.claim`) and returns the dict of texts it glued.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.analyses import curation as cur
from scalinglaws.analyses import data_constrained, datawall, emergence, overtraining, slowdown
from scalinglaws.book import (
    Glued,
    fmt_fixed,
    fmt_int,
    fmt_interval,
    fmt_pct,
    fmt_sig,
    fmt_times,
    glue_all,
)
from scalinglaws.core import transfer as xfer
from scalinglaws.core.laws import DEFAULT_LAW, MUENNIGHOFF_C4, get_law, law_label

__all__ = [
    "Glued",
    "frontier",
    "ladder",
    "band",
    "benchmarks",
    "metrics",
    "overtraining_fit",
    "decay",
    "allocation",
    "data_wall",
    "exercise_halving",
    "exercise_exact_match",
    "curation",
    "pools",
    "transfer",
    "exercise_transfer_half",
    "exercise_scale_equivalence",
]


def _glue(texts: dict[str, str], claims: Mapping[str, tuple[object, str, str]]) -> Glued:
    """Glue ``texts`` and each ``name -> (condition, if_true, if_false)`` claim; all texts glued."""
    return glue_all(texts, claims)


def _yes_no(flag: bool) -> str:
    return "converged" if flag else "did NOT converge"


def _round(x: float, sig: int) -> str:
    """``sig`` significant digits, also for large numbers (fmt_sig prints every integer digit)."""
    return fmt_sig(float(f"{x:.{sig}g}"), sig)


def _times_round(x: float, sig: int) -> str:
    return _round(x, sig) + "×"


def _ci(lo: float, hi: float, fmt, *args) -> str:
    """An interval whose upper end may be infinite (a ladder that reaches the floor)."""
    if np.isfinite(hi):
        return fmt_interval(lo, hi, fmt, *args)
    return f"[{fmt(lo, *args)}, no upper end]"


def frontier(gamma_ci: Any, halve_ci: Any, *, history: str = "hoffmann") -> Glued:
    """The frontier exponent gamma and the cost of halving the reducible loss, with intervals.

    ``gamma_ci``, ``halve_ci``: :func:`scalinglaws.analyses.uncertainty.propagate` of
    :func:`~scalinglaws.analyses.slowdown.frontier_exponent` and
    :func:`~scalinglaws.analyses.slowdown.multiplier_to_halve_reducible`; ``history`` the printed law compared
    (``slow_hist``). Glues ``slow_law_nboot, slow_gamma, slow_gamma_ci, slow_halve, slow_halve_ci,
    slow_hist``.
    """
    g_h = slowdown.frontier_exponent(get_law(history))
    halve_h = fmt_times(slowdown.multiplier_to_halve_reducible(get_law(history)), 2)
    lead = (
        "Hoffmann et al.'s printed constants, shown here as history (chapter 4 shows that their own "
        "data reject them), give"
    )
    return _glue(
        {
            "slow_law_nboot": fmt_int(gamma_ci.n),
            "slow_gamma": fmt_fixed(gamma_ci.value, 3),
            "slow_gamma_ci": fmt_interval(gamma_ci.lo, gamma_ci.hi, fmt_fixed, 3),
            "slow_halve": fmt_times(halve_ci.value, 2),
            "slow_halve_ci": fmt_interval(halve_ci.lo, halve_ci.hi, fmt_times, 2),
        },
        {
            "slow_hist": (
                g_h < gamma_ci.lo,
                f"{lead} a smaller exponent, {fmt_fixed(g_h, 3)}, below the canonical law's "
                f"interval: their loss falls more slowly with compute, and halving it would cost "
                f"{halve_h}",
                f"{lead} an exponent of {fmt_fixed(g_h, 3)}, not below the canonical law's interval, "
                f"and a halving cost of {halve_h}",
            )
        },
    )


def ladder(lad: slowdown.BudgetLadder, *, n_boot: int) -> Glued:
    """The loss-drop ladder from the Chinchilla budget (:func:`scalinglaws.analyses.slowdown.budget_ladder`).

    Intervals are appended only for the canonical law; ``n_boot`` is the number of resampled laws
    named in ``slow_law_note``. Glues ``slow_law, slow_delta, slow_l0, slow_E, slow_red0_share,
    slow_n_fit, slow_final_flops`` and the claims ``slow_law_note, slow_ladder, slow_ladder_stop,
    slow_unreach``.
    """
    table, ci = lad.ladder, lad.intervals

    def lci(q: str, fmt, *args) -> str:
        """' (95% interval [lo, hi])' for a ladder quantity of the canonical law; '' for history."""
        if ci is None:
            return ""
        return f" (95% interval {_ci(ci.loc[q, 'lo'], ci.loc[q, 'hi'], fmt, *args)})"

    mult = table["step_multiplier"].to_numpy()[1:]
    d, n_steps, n_fit = fmt_fixed(lad.delta, 3), lad.n_steps, lad.n_fit
    flops = fmt_sig(table["flops"].iloc[-1], 2)
    left = fmt_pct(table["reducible_left"].iloc[-1]) + lci("reducible_left", fmt_pct)
    first = fmt_times(mult[0], 3) + lci("first_step", _times_round, 3)
    unreach = float(ci["share_unreachable"].iloc[0]) if ci is not None else 0.0
    return _glue(
        {
            "slow_law": law_label(lad.law),
            "slow_delta": d,
            "slow_l0": fmt_fixed(table["loss"].iloc[0], 3) + lci("start_loss", fmt_fixed, 3),
            "slow_E": fmt_fixed(lad.law.E, 3),
            "slow_red0_share": fmt_pct(table["reducible_share"].iloc[0])
            + lci("reducible_share", fmt_pct),
            "slow_n_fit": fmt_int(n_fit),
            "slow_final_flops": flops,
        },
        {
            "slow_law_note": (
                lad.is_canonical,
                f"The intervals come from the same {fmt_int(n_boot)} resampled laws; each rebuilds the "
                "ladder from its own optimum at the Chinchilla budget",
                "These are Hoffmann et al.'s constants, chosen in the parameters cell to show the "
                "history: chapter 4 shows that their own data reject them, and they carry no interval "
                "here (the book's bootstrap is that of the canonical law)",
            ),
            "slow_ladder": (
                n_steps > 1,
                f"The first drop of {d} costs {first} more compute. After {n_steps} such drops the last "
                f"step alone costs {_times_round(mult[-1], 3)}{lci('last_step', _times_round, 2)}. In "
                f"total that is {_round(table['total_multiplier'].iloc[-1], 2)} times the starting "
                f"budget{lci('total', _round, 2)}, {flops} FLOP, and {left} of the reducible loss is "
                "still left",
                f"A single drop of {d} costs {first} the starting compute ({flops} FLOP) and leaves "
                f"{left} of the reducible loss",
            ),
            "slow_ladder_stop": (
                n_fit > n_steps,
                f"We stop after {n_steps} drops; {n_fit - n_steps} more would still fit above the floor",
                f"No further drop of {d} fits above the floor: {n_fit} "
                f"{'is' if n_fit == 1 else 'are'} all there is room for",
            ),
            "slow_unreach": (
                unreach > 0,
                f"In {fmt_pct(unreach)} of the resampled laws the floor is so high that the last rung "
                "lies below it: there the ladder cannot be completed at any compute"
                + (", which is why some intervals have no upper end" if unreach > 0.025 else ""),
                "In every resampled law the last rung still lies above the floor",
            ),
        },
    )


def band(
    frontier_band: pd.DataFrame, *, history: tuple[str, ...] = ("hoffmann", "hoffmann-tex")
) -> Glued:
    """How the canonical law's band widens (``slow_band``) and the printed laws' floor
    (``slow_hist_floor``). ``frontier_band`` from :func:`scalinglaws.analyses.slowdown.frontier_band` on
    budgets from 1e20 to 1e29 FLOP."""
    width = frontier_band["hi"] - frontier_band["lo"]
    w0, w1 = fmt_fixed(width.iloc[0], 3), fmt_fixed(width.iloc[-1], 3)
    hist_e = max(get_law(n).E for n in history)
    canon_e = get_law(DEFAULT_LAW).E
    return _glue(
        {},
        {
            "slow_band": (
                width.iloc[-1] > width.iloc[0],
                f"The band of the canonical law widens from {w0} nats per token at $10^{{20}}$ FLOP to "
                f"{w1} at $10^{{29}}$: far beyond the data, the floor $E$ dominates the loss and is the "
                "least certain constant",
                f"The band of the canonical law does not widen with compute ({w0} nats per token at "
                f"$10^{{20}}$ FLOP, {w1} at $10^{{29}}$)",
            ),
            "slow_hist_floor": (
                hist_e < canon_e,
                f"Hoffmann et al.'s printed laws (dashed, history) put the floor lower, at $E \\approx$ "
                f"{fmt_fixed(hist_e, 2)} against the refit's {fmt_fixed(canon_e, 3)}, so on their "
                "curves returns run out later",
                f"Hoffmann et al.'s printed laws (dashed, history) put the floor at $E \\approx$ "
                f"{fmt_fixed(hist_e, 2)}, not below the refit's {fmt_fixed(canon_e, 3)}",
            ),
        },
    )


def benchmarks(n_all: int, n_compute: int, summary: pd.DataFrame) -> Glued:
    """Floors and ceilings of the Observational Scaling benchmarks.

    ``n_all`` models in the data, ``n_compute`` with a published compute (shared name
    ``book_ruan_n_compute``), ``summary`` from :func:`scalinglaws.analyses.emergence.benchmark_summary`
    indexed by benchmark (MMLU, HellaSwag, GSM8K).
    """
    s = summary
    return _glue(
        {
            "slow_obs_all": fmt_int(n_all),
            "book_ruan_n_compute": fmt_int(n_compute),
            "slow_mmlu_chance_share": fmt_pct(s.loc["MMLU", "share_near_chance"], 0),
            "slow_gsm_chance_share": fmt_pct(s.loc["GSM8K", "share_near_chance"], 0),
            "slow_hs_best": fmt_pct(s.loc["HellaSwag", "best"]),
            "slow_hs_ceiling_share": fmt_pct(s.loc["HellaSwag", "share_above_ceiling"], 0),
            "slow_mmlu_best": fmt_pct(s.loc["MMLU", "best"]),
        },
        {},
    )


PROB = "per-token probability exp(-L)"
TOY = "toy exact match p^8"


def metrics(curves: pd.DataFrame) -> Glued:
    """Smooth or sudden: the share of each metric's gain made by the middle of the compute axis.

    ``curves``: ``metric, flops, value`` rows of the M = 20 runs in compute order, with the metrics
    ``per-token probability exp(-L)``, ``lambada_openai``, ``jeopardy`` and ``toy exact match p^8``.
    """
    share = {
        k: emergence.share_of_gain_at_midpoint(g["flops"], g["value"])
        for k, g in curves.groupby("metric")
    }
    jeop = curves[curves["metric"] == "jeopardy"]["value"]
    smooth = min(share[PROB], share["lambada_openai"])
    return _glue(
        {
            "slow_em_nruns": fmt_int((curves["metric"] == PROB).sum()),
            "slow_share_prob": fmt_pct(share[PROB], 0),
            "slow_share_lambada": fmt_pct(share["lambada_openai"], 0),
            "slow_share_jeop": fmt_pct(share["jeopardy"], 0),
            "slow_share_toy": fmt_pct(share[TOY], 0),
            "slow_jeop_small": fmt_pct(jeop.iloc[:4].max()),
            "slow_jeop_big": fmt_pct(jeop.iloc[-1]),
        },
        {
            "slow_em_jeop": (
                share["jeopardy"] < smooth,
                "Jeopardy exact match has made only",
                "Jeopardy exact match, by contrast, has made no less, namely",
            ),
            "slow_em_toy": (
                share[TOY] < smooth,
                'looks just as "emergent"',
                'does not look "emergent" here',
            ),
        },
    )


def overtraining_fit(
    otf: overtraining.OvertrainingFit,
    down: overtraining.DownstreamFit,
    down_ci: Mapping[str, Any],
    split: Mapping[str, pd.DataFrame],
) -> Glued:
    """The over-training fit, its predictions for the two targets and the downstream-error law.

    ``otf`` from :func:`~scalinglaws.analyses.overtraining.fit_overtraining` on ``split["fit"]``, ``down``
    from :func:`~scalinglaws.analyses.overtraining.fit_downstream`, ``down_ci`` from
    :func:`~scalinglaws.analyses.overtraining.downstream_interval`, ``split`` from
    :func:`~scalinglaws.analyses.overtraining.paper_split`.
    """
    fit_set, tg = split["fit"], split["targets"]
    loss_t, err_t = tg["loss_c4_val"].to_numpy(), tg["err_17"].to_numpy()
    pred = otf.loss(tg["params"], tg["multiplier"])
    lo, hi = otf.loss_interval(tg["params"], tg["multiplier"])
    rel = overtraining.relative_error(pred, loss_t)
    err_pred = down.error(pred)
    err_rel = overtraining.relative_error(err_pred, err_t)
    ratio = tg["flops"].to_numpy() / fit_set["flops"].sum()
    ot_ci = otf.constant_intervals()
    ds_lo, ds_hi = down_ci["error"]
    paper_rel = list(overtraining.PAPER_REL_ERRORS.values())
    paper_err = list(overtraining.PAPER_ERR_REL_ERRORS.values())
    texts = {
        "slow_ot_E": fmt_fixed(otf.E, 3),
        "slow_ot_E_ci": fmt_interval(*ot_ci["E"], fmt_fixed, 2),
        "slow_ot_eta_ci": fmt_interval(*ot_ci["eta"], fmt_fixed, 3),
        "slow_ot_a_ci": fmt_interval(*ot_ci["a"], fmt_sig, 2),
        "slow_ot_b_ci": fmt_interval(*ot_ci["b"], fmt_sig, 2),
        "slow_ds_eps_ci": fmt_interval(*down_ci["epsilon"], fmt_fixed, 2),
        "slow_ds_k_ci": fmt_interval(*down_ci["k"], fmt_fixed, 2),
        "slow_ds_gamma_ci": fmt_interval(*down_ci["gamma"], fmt_fixed, 2),
        "slow_ot_maxrel": fmt_pct(max(rel), 1),
        "slow_ot_eta": fmt_fixed(otf.eta, 3),
        "slow_ot_a": fmt_sig(otf.a, 3),
        "slow_ot_b": fmt_sig(otf.b, 3),
        "slow_ot_rmse": fmt_fixed(otf.rmse, 4),
        "slow_ot_conv": _yes_no(otf.converged),
        "slow_ot_nboot": fmt_int(otf.n_boot),
        "slow_ds_eps": fmt_fixed(down.epsilon, 3),
        "slow_ds_k": fmt_fixed(down.k, 3),
        "slow_ds_gamma": fmt_fixed(down.gamma, 3),
        "slow_ds_conv": _yes_no(down.converged),
    }
    for i in (0, 1):
        j = str(i + 1)
        texts |= {
            "slow_ot_paper" + j: fmt_pct(paper_rel[i], 2),
            "slow_ds_paper" + j: fmt_pct(paper_err[i], 2),
            "slow_ds_ci" + j: fmt_interval(ds_lo[i], ds_hi[i], fmt_pct, 1),
            "slow_ot_pred" + j: fmt_fixed(pred[i], 3),
            "slow_ot_ci" + j: fmt_interval(lo[i], hi[i], fmt_fixed, 2),
            "slow_ot_act" + j: fmt_fixed(loss_t[i], 3),
            "slow_ot_rel" + j: fmt_pct(rel[i], 2),
            "slow_ot_ratio" + j: fmt_int(ratio[i]),
            "slow_ds_pred" + j: fmt_pct(err_pred[i]),
            "slow_ds_act" + j: fmt_pct(err_t[i]),
            "slow_ds_rel" + j: fmt_pct(err_rel[i], 2),
        }
    inside = bool(np.all((lo <= loss_t) & (loss_t <= hi)))
    paper_txt = f"{fmt_pct(paper_rel[0], 2)} and {fmt_pct(paper_rel[1], 2)}"
    return _glue(
        texts,
        {
            "slow_ot_miss": (
                max(rel) < 0.01,
                "Yet the predictions miss by less than a percent",
                "The predictions miss by a percent or more",
            ),
            "slow_ot_match": (
                max(abs(r - p) for r, p in zip(rel, paper_rel, strict=True)) < 5e-5,
                f"matching the {paper_txt} reported to the printed digit",
                f"unlike the {paper_txt} reported",
            ),
            "slow_ot_wide": (
                inside and max(abs(pred - loss_t)) < 0.5 * min(hi - lo),
                "The interval is therefore wide: both measured losses lie inside it, and closer to "
                "the prediction than half its width",
                "The interval is therefore wide, yet not every measured loss lies well inside it",
            ),
            "slow_ds_ok": (
                max(err_rel) < 0.05 and bool(np.all((ds_lo <= err_t) & (err_t <= ds_hi))),
                "Both measured errors lie inside their intervals and within 5% of the predictions: "
                "averages over many tasks are predictable",
                "Not both measured errors lie inside their intervals and within 5% of the "
                "predictions: even the average over many tasks is not reliably predicted here",
            ),
        },
    )


def decay(
    runs: pd.DataFrame,
    fit: data_constrained.DecayFit,
    interval: data_constrained.DecayInterval,
    readings: Mapping[str, float],
) -> Glued:
    """Muennighoff et al.'s decay constant: fit quality, basins, profile interval, what it implies.

    ``runs`` the datablations runs, ``fit`` from
    :func:`~scalinglaws.analyses.data_constrained.fit_decay_constants`, ``interval`` from
    :func:`~scalinglaws.analyses.data_constrained.decay_interval`, ``readings`` from
    :func:`~scalinglaws.analyses.data_constrained.decay_readings` (published, global minimum, lower end).
    """
    mu = [runs[c] for c in ("params", "tokens", "unique_tokens", "val_loss")]
    r2_dc = data_constrained.r_squared(data_constrained.loss(*mu[:3]), mu[3])
    r2_plain = data_constrained.r_squared(MUENNIGHOFF_C4.loss(*mu[:2]), mu[3])
    pub = data_constrained.nearest_basin(fit, data_constrained.PUBLISHED["R_D_star"])
    impl = data_constrained.repetition_implications([4, 40], dict(readings))
    impl = impl.set_index(["reading", "epochs"])
    eff = {key: fmt_sig(v, 3) for key, v in impl["effective_epochs"].items()}
    lbl = list(readings)
    eff4 = [impl.loc[(k, 4.0), "value"] for k in lbl]
    penalty = data_constrained.repetition_penalty(runs)
    upto4 = penalty[penalty["epochs"] <= 4.05]["increase"]
    beyond10 = penalty[penalty["epochs"] > 10]["increase"]
    holds = min(eff4) >= 0.8 and upto4.median() < 0.01
    texts = {
        "slow_mu_n": fmt_int(len(runs)),
        "slow_mu_r2_dc": fmt_fixed(r2_dc, 4),
        "slow_mu_r2_plain": fmt_fixed(r2_plain, 4),
        "slow_mu_obj_pub": fmt_fixed(pub.objective, 7),
        "slow_mu_obj_glob": fmt_fixed(fit.objective, 7),
        "slow_mu_rd_glob": fmt_sig(fit.R_D_star, 2),
        "slow_mu_rn_glob": fmt_sig(fit.R_N_star, 2),
        "slow_mu_nbasins": fmt_int(len(fit.basins)),
        "slow_mu_conv": _yes_no(fit.converged),
        "slow_mu_ci_lo": fmt_sig(interval.lower, 2),
        "slow_mu_ci_hi": (
            "no upper end: even the limit of no decay at all (repeated tokens worth as much as "
            "new ones) stays inside it"
            if np.isinf(interval.upper)
            else "an upper end at " + fmt_sig(interval.upper, 2)
        ),
        "slow_mu_dev_pub": fmt_fixed(2 * len(runs) * np.log(pub.objective / fit.objective), 2),
        "slow_ep4_min_value": fmt_pct(min(eff4), 0),
        "slow_pen_n4": fmt_int(len(upto4)),
        "slow_pen_med4": fmt_pct(upto4.median(), 1),
        "slow_pen_max4": fmt_pct(upto4.max(), 1),
        "slow_pen_n10": fmt_int(len(beyond10)),
        "slow_pen_med10": fmt_pct(beyond10.median(), 1),
        "slow_summary_rep": (
            "Repeated data is nearly as good as new for up to about four epochs, under every "
            "reading of the decay constant that the runs allow"
            if holds
            else "Whether four epochs of repeated data are nearly as good as new depends on a decay "
            "constant that the runs do not pin down"
        ),
        "slow_claim": (
            "So the paper's finding that about four epochs are nearly as good as new data holds "
            "under every reading the data allow, and in the runs themselves"
            if holds
            else "So the paper's finding that about four epochs are nearly as good as new data does "
            "not hold under every reading the data allow"
        ),
    }
    for ep in (4, 40):
        for key, label in zip(("pub", "glob", "lo"), lbl, strict=True):
            texts[f"slow_ep{ep}_{key}"] = eff[(label, float(ep))]
    return _glue(texts, {})


def allocation(optimum: Mapping[str, float]) -> Glued:
    """The data-constrained optimum at one budget
    (:func:`~scalinglaws.analyses.data_constrained.optimal_under_unique_tokens`): ``slow_a22_*``."""
    return _glue(
        {
            "slow_a22_n": fmt_sig(optimum["params"], 3),
            "slow_a22_d": fmt_sig(optimum["tokens"], 3),
            "slow_a22_ep": fmt_fixed(optimum["epochs"], 2),
        },
        {},
    )


def data_wall(
    growth: Any,
    walls: Mapping[str, datawall.DataWallMC],
    *,
    overtrain: float,
    start_year: int,
    n_mc: int,
) -> Glued:
    """When the training sets reach the stock of human text, against Villalobos et al.

    ``growth`` from :func:`scalinglaws.analyses.trends.fit_growth`, ``walls`` from
    :func:`scalinglaws.analyses.datawall.wall_scenarios` (keys ``base, overtrain, 5, 100``), ``overtrain``
    the factor of ``walls["overtrain"]``, ``start_year`` the fit window's start, ``n_mc`` draws.
    """
    wall, w_ot, w5, w100 = (walls[k] for k in ("base", "overtrain", "5", "100"))
    stock_mu, stock_sigma = datawall.stock_lognormal()
    shift = datawall.overtraining_shift_years(growth.slope, overtrain)
    diff = wall.median - datawall.PAPER_YEAR_MEDIAN
    paper_med, paper_w, paper_ot = (
        datawall.PAPER_YEAR_MEDIAN,
        datawall.PAPER_YEAR_INTERVAL,
        datawall.PAPER_OVERTRAIN_YEARS,
    )
    texts = {
        "slow_gr_start": str(start_year),
        "slow_gr_n": fmt_int(growth.n),
        "slow_gr": fmt_times(growth.growth_per_year, 3),
        "slow_gr_ci": fmt_interval(*growth.growth_ci, fmt_fixed, 2),
        "slow_gr_r2": fmt_fixed(growth.r2, 2),
        "slow_gr_nboot": fmt_int(growth.n_boot),
        "slow_stock_median": fmt_int(np.exp(stock_mu) / 1e12),
        "slow_stock_sigma": fmt_fixed(stock_sigma, 3),
        "slow_nmc": fmt_int(n_mc),
        "slow_wall_point": fmt_fixed(wall.point, 1),
        "slow_wall_diff": fmt_fixed(abs(diff), 1),
        "slow_ot": f"{overtrain:g}",
        "slow_ot_shift": fmt_fixed(shift, 1),
        "slow_shift_5": fmt_fixed(wall.median - w5.median, 1),
        "slow_shift_100": fmt_fixed(wall.median - w100.median, 1),
        "slow_paper_5": f"{paper_ot[5.0]:.0f}",
        "slow_paper_100": f"{paper_ot[100.0]:.0f}",
        "slow_paper_shift_5": f"{paper_med - paper_ot[5.0]:.0f}",
        "slow_paper_shift_100": f"{paper_med - paper_ot[100.0]:.0f}",
    }
    for key, w in (("wall", wall), ("wall_ot", w_ot), ("wall_100", w100), ("wall_5", w5)):
        texts[f"slow_{key}_median"] = fmt_fixed(w.median, 1)
        texts[f"slow_{key}_ci"] = fmt_interval(*w.interval, fmt_fixed, 1)
    # Villalobos et al. print the over-trained years to the year, so each printed shift from their
    # 2028 carries up to one year of rounding (half a year at each end).
    sh_ours = np.array([wall.median - w5.median, wall.median - w100.median])
    sh_paper = np.array([paper_med - paper_ot[o] for o in (5.0, 100.0)])
    yr_off = np.abs(np.array([w5.median, w100.median]) - [paper_ot[o] for o in (5.0, 100.0)])
    agree = bool(np.all(np.abs(sh_ours - sh_paper) <= 1.0))
    return _glue(
        texts,
        {
            "slow_wall_dir": (
                abs(diff) < 0.05,
                "the same as",
                f"{fmt_fixed(abs(diff), 1)} years {'later' if diff > 0 else 'earlier'} than",
            ),
            "slow_wall_width": (
                np.ptp(wall.interval) < paper_w[1] - paper_w[0],
                "narrower",
                "not narrower",
            ),
            "slow_wall_order": (
                paper_w[0] <= wall.median <= paper_w[1],
                "Our median still lies inside their 80% interval, so the *order* of the answer, "
                "around the end of this decade, is robust; the exact year is not",
                "Our median lies outside their 80% interval: with this fit window the two "
                "projections disagree",
            ),
            "slow_shift_agree": (
                agree and np.max(np.abs(sh_ours - sh_paper)) < np.max(yr_off),
                "so the *shifts* agree within the one year that rounding their years allows, and "
                "better than the over-trained years themselves, which inherit the offset of our "
                "baseline",
                "so the shifts agree within the one year that rounding their years allows"
                if agree
                else "so even the shifts differ by more than the one year that rounding their "
                "years allows",
            ),
            "slow_ot_move": (
                overtrain > 1.0,
                f"Over-training by {overtrain:g}× therefore moves the date {fmt_fixed(shift, 1)} "
                f"years earlier: the median becomes {fmt_fixed(w_ot.median, 1)}, with an 80% "
                f"interval of {fmt_interval(*w_ot.interval, fmt_fixed, 1)}",
                "With the over-training factor of the parameters cell at 1 (no over-training) the "
                "date does not move",
            ),
        },
    )


def exercise_halving(
    hoffmann: tuple[float, float] = (0.34, 0.28), epoch: tuple[float, float] = (0.348, 0.366)
) -> Glued:
    """Exercise slow-ex-1: which exponent pair (alpha, beta) halves the reducible loss more cheaply
    (``slow_ex1_text``). Defaults: Hoffmann et al.'s and Epoch's printed exponents."""
    g_h = hoffmann[0] * hoffmann[1] / (hoffmann[0] + hoffmann[1])
    g_e = epoch[0] * epoch[1] / (epoch[0] + epoch[1])
    costs = f"so halving it costs {fmt_times(2 ** (1 / g_e), 2)} rather than {fmt_times(2 ** (1 / g_h), 2)}"
    return _glue(
        {},
        {
            "slow_ex1_text": (
                g_e > g_h,
                f"Epoch's exponent is the larger ({g_e:.3f} against {g_h:.3f}): its reducible loss "
                f"falls *faster* with compute, {costs}",
                f"Epoch's exponent is the smaller ({g_e:.3f} against {g_h:.3f}): its reducible loss "
                f"falls more slowly with compute, {costs}",
            )
        },
    )


def exercise_exact_match(scores: list[float]) -> Glued:
    """Exercise slow-ex-2: the 10-token exact match at the start, middle and end of the range
    (``slow_ex2_10``) and the share of its gain made in the second half (``slow_ex2_late``)."""
    return _glue(
        {
            "slow_ex2_10": ", ".join(fmt_fixed(v, 3) for v in scores),
            "slow_ex2_late": fmt_pct((scores[2] - scores[1]) / (scores[2] - scores[0]), 0),
        },
        {},
    )


def _pts(x: float) -> str:
    """A CORE fraction as points x 100 with one decimal, like the paper's tables."""
    return fmt_fixed(100 * x, 1)


def curation(
    wide: pd.DataFrame,
    comparison: pd.DataFrame,
    ranks: Mapping[str, Any],
    multiplier: Mapping[str, Any],
    *,
    version: str = cur.CORE_VERSION,
) -> Glued:
    """DCLM: CORE recomputed, the 7B comparison, rank transfer and the compute worth of filtering.

    ``wide`` from :func:`scalinglaws.analyses.curation.wide_runs` (with ``version`` baselines),
    ``comparison`` from :func:`~scalinglaws.analyses.curation.compare_datasets`, ``ranks`` from
    :func:`~scalinglaws.analyses.curation.rank_transfer`, ``multiplier`` from
    :func:`~scalinglaws.analyses.curation.filtering_compute_multiplier`. Glues ``slow_cur_*``.
    """
    dev = float(np.max(np.abs(wide["core"] - wide[f"core_{version}"])))
    ref = comparison[comparison["diff"] == 0].iloc[0]
    others = comparison[comparison["dataset"] != ref["dataset"]]
    closest = others.loc[others["diff"].idxmin()]
    n_open = int((~others["separated"]).sum())
    top = comparison.iloc[0]["dataset"]
    paper_r = cur.PAPER_PEARSON.get(ranks["small"])
    old = cur.dataset_core(wide, "7B-1x").mean(axis=1)  # the paper's Table 2 recipe (lr 3e-4)
    m = multiplier
    texts = {
        "slow_cur_nruns": fmt_int(len(wide)),
        "slow_cur_nsets": fmt_int(wide.loc[wide["standard"], "dataset"].nunique()),
        "slow_cur_version": version,
        "slow_cur_ref": str(ref["dataset"]),
        "slow_cur_ref7": _pts(ref["core"]),
        "slow_cur_nother": fmt_int(len(others)),
        "slow_cur_gap_min": _pts(others["diff"].min()),
        "slow_cur_gap_max": _pts(others["diff"].max()),
        "slow_cur_closest": str(closest["dataset"]),
        "slow_cur_closest_gap": _pts(closest["diff"]),
        "slow_cur_closest_ci": fmt_interval(
            100 * closest["diff_lo"], 100 * closest["diff_hi"], fmt_fixed, 1
        ),
        "slow_cur_rank_n": fmt_int(ranks["n"]),
        "slow_cur_rank_small": str(ranks["small"]),
        "slow_cur_rho": fmt_fixed(ranks["spearman"], 2),
        "slow_cur_rho_ci": fmt_interval(ranks["spearman_lo"], ranks["spearman_hi"], fmt_fixed, 2),
        "slow_cur_r": fmt_fixed(ranks["pearson"], 2),
        "slow_cur_r_ci": fmt_interval(ranks["pearson_lo"], ranks["pearson_hi"], fmt_fixed, 2),
        "slow_cur_rank_nboot": fmt_int(ranks["n_boot"]),
        "slow_cur_mult_flops": fmt_sig(m["flops"], 2),
        "slow_cur_maxext": fmt_times(cur.MAX_EXTRAPOLATION, 2),
        "slow_cur_old_ref": _pts(old[cur.BETTER]),
        "slow_cur_old_rw": _pts(old[cur.WORSE]),
    }
    in_paper = paper_r is not None and ranks["pearson_lo"] <= paper_r <= ranks["pearson_hi"]
    lo_txt, hi_txt = (fmt_times(v, 2) if np.isfinite(v) else "no bound" for v in (m["lo"], m["hi"]))
    ci = f"{lo_txt} to {hi_txt}"
    mult_txt = fmt_times(m["value"], 2) if np.isfinite(m["value"]) else "an unbounded factor"
    return _glue(
        texts,
        {
            "slow_cur_recompute": (
                dev < 1e-6,
                f"agrees with the stored value in every one of the {len(wide)} runs to within 10⁻⁶",
                f"differs from the stored value by up to {fmt_sig(dev, 2)}: the baselines used "
                "here are not the ones the stored values were computed with",
            ),
            "slow_cur_ref_best": (
                top == ref["dataset"],
                f"{ref['dataset']} scores highest",
                f"{ref['dataset']} is not the best here: {top} scores higher",
            ),
            "slow_cur_all_sep": (
                n_open == 0,
                "Every one of these gaps has a 95% interval that excludes zero",
                f"{n_open} of the {len(others)} gaps have a 95% interval that includes zero: with "
                f"22 tasks, those sets cannot be told apart from {ref['dataset']}",
            ),
            "slow_cur_rho_width": (
                ranks["spearman_hi"] - ranks["spearman_lo"] > 0.3,
                "The interval is wide: the small runs get the broad order right, not every place",
                "The interval is narrow: the small runs predict the order well",
            ),
            "slow_cur_r_paper": (
                in_paper,
                f"DCLM's own Pearson correlation at this scale, {paper_r}, lies inside that interval "
                "(its ten curation methods are not exactly the sets stored here)"
                if paper_r is not None
                else "DCLM prints no correlation for this scale",
                f"DCLM's own Pearson correlation at this scale, {paper_r}, lies outside that "
                "interval; its ten methods are not the sets stored here"
                if paper_r is not None
                else "DCLM prints no correlation for this scale",
            ),
            "slow_cur_mult": (
                bool(m["identified"]),
                f"{m['worse']} would need {mult_txt} the compute (95% interval {ci}) to reach "
                f"{m['better']}'s CORE at {fmt_sig(m['flops'], 2)} FLOP",
                f"The data do not pin this factor down ({mult_txt}, 95% interval {ci}): the lines "
                "either do not separate or the reading lies more than "
                f"{cur.MAX_EXTRAPOLATION:g}× beyond the largest run",
            ),
        },
    )


def pools(curves: pd.DataFrame, switches: pd.DataFrame) -> Glued:
    """Goyal et al.'s pools: the best pool at the smallest and largest budget and where it changes.

    ``curves`` from :func:`scalinglaws.analyses.curation.pool_curves`, ``switches`` from
    :func:`~scalinglaws.analyses.curation.pool_crossovers` over the same range. Glues ``slow_pool_*``.
    """
    best = cur.best_pools(curves)
    first, last = best.iloc[0], best.iloc[-1]
    k = best["k"].to_numpy()
    widens = bool(np.all(np.diff(k) >= 0) and k[-1] > k[0])
    moves = "; ".join(
        f"from {r.from_pool.lower()} to {r.to_pool.lower()} at {fmt_sig(r.samples, 2)} samples"
        for r in switches.itertuples()
    )
    widest = curves["k"].max()
    return _glue(
        {
            "slow_pool_lo": fmt_sig(first["samples"], 2),
            "slow_pool_hi": fmt_sig(last["samples"], 2),
            "slow_pool_first": str(first["pool"]).lower(),
            "slow_pool_last": str(last["pool"]).lower(),
            "slow_pool_acc_first": fmt_pct(first["accuracy"], 1),
            "slow_pool_acc_last": fmt_pct(last["accuracy"], 1),
        },
        {
            "slow_pool_widen": (
                widens,
                "widens as compute grows",
                "does not simply widen as compute grows",
            ),
            "slow_pool_moves": (
                len(switches) > 0,
                f"The best pool moves {moves}",
                "One pool is best across the whole range",
            ),
            "slow_pool_widest": (
                bool((best["k"] == widest).any()),
                f"The widest pool, top {10 * widest}%, becomes the best within this range",
                f"The widest pool, top {10 * widest}%, is never the best up to "
                f"{fmt_sig(last['samples'], 2)} samples: its weakest bucket costs more than repetition does",
            ),
        },
    )


def _share(x: float) -> str:
    """A share in (0, 1) as a percentage that never rounds to 0% or 100%."""
    if x >= 0.999:
        return "more than 99.9%"
    if x < 0.001:
        return "less than 0.1%"
    return fmt_pct(x, 1)


def _size(n: float) -> str:
    """A model size as people write it: ``405M``, ``10B`` (three significant digits)."""
    return f"{n / 1e9:.3g}B" if n >= 1e9 else f"{n / 1e6:.3g}M"


def transfer(finetune_chars: float, params: float, *, more: float = 100.0) -> Glued:
    """Hernandez et al. 2021's transfer law at the chapter's example, and Ibrahim et al. 2024's
    continued pre-training facts (:mod:`scalinglaws.core.transfer`).

    ``finetune_chars`` (D_F, characters) and ``params`` (non-embedding N): the example point;
    ``more``: the factor on D_F of the "with more fine-tuning data" sentence. Glues the constants of
    both rows of Table 1 (``slow_tr_k, slow_tr_alpha, slow_tr_beta, slow_tr_mix_*``; NOT verified
    against the paper, which the prose says), the low-data bound ``slow_tr_low``, the factors per
    decade ``slow_tr_dec_df, slow_tr_dec_n``, the scale equivalence ``slow_tr_equiv*``, the
    example ``slow_tr_df, slow_tr_n, slow_tr_dt, slow_tr_mult, slow_tr_frac, slow_tr_more,
    slow_tr_mult_more``, the claims ``slow_tr_more_falls, slow_tr_mix_cmp`` and
    ``slow_cpt_small, slow_cpt_big, slow_cpt_replay_weak, slow_cpt_replay_strong``.
    """
    text, mix = xfer.TEXT_TO_PYTHON, xfer.MIXED_TO_PYTHON
    d_t = xfer.effective_data_transferred(finetune_chars, params, text)
    mult = xfer.effective_data_multiplier(finetune_chars, params, text)
    mult_more = xfer.effective_data_multiplier(finetune_chars * more, params, text)
    mix_dt = xfer.effective_data_transferred(finetune_chars, params, mix)
    mix_mult = xfer.effective_data_multiplier(finetune_chars, params, mix)
    n_factor, d_quoted = xfer.QUOTED_SCALE_EQUIVALENCE
    small, big = xfer.IBRAHIM_MODEL_SIZES
    texts = {
        "slow_tr_k": fmt_sig(text.k, 2, sci_above=1e4),
        "slow_tr_alpha": fmt_sig(text.alpha, 2),
        "slow_tr_beta": fmt_sig(text.beta, 2),
        "slow_tr_mix_k": fmt_sig(mix.k, 2, sci_above=1e4),
        "slow_tr_mix_alpha": fmt_sig(mix.alpha, 2),
        "slow_tr_mix_beta": fmt_sig(mix.beta, 2),
        "slow_tr_low": fmt_pct(xfer.LOW_DATA_FRACTION, 0),
        "slow_tr_dec_df": _times_round(10**text.alpha, 3),
        "slow_tr_dec_n": _times_round(10**text.beta, 3),
        "slow_tr_equiv_n": f"{n_factor:g}×",
        "slow_tr_equiv": _times_round(xfer.finetune_equivalent_of_scale(n_factor, text), 2),
        "slow_tr_equiv_quoted": f"{d_quoted:g}×",
        "slow_tr_df": _round(finetune_chars, 2),
        "slow_tr_n": _round(params, 2),
        "slow_tr_dt": _round(d_t, 2),
        "slow_tr_mult": _times_round(mult, 2),
        "slow_tr_frac": _share(xfer.fraction_from_transfer(finetune_chars, params, text)),
        "slow_tr_more": f"{more:g}×",
        "slow_tr_mult_more": _times_round(mult_more, 2),
        "slow_cpt_small": _size(small),
        "slow_cpt_big": _size(big),
        "slow_cpt_replay_weak": fmt_pct(xfer.IBRAHIM_REPLAY["weak"], 0),
        "slow_cpt_replay_strong": fmt_pct(xfer.IBRAHIM_REPLAY["strong"], 0),
    }
    mix_numbers = (
        f"D_T = {_round(mix_dt, 2)} characters, a multiplier of {_times_round(mix_mult, 2)}"
    )
    return _glue(
        texts,
        {
            "slow_tr_more_falls": (
                mult_more < mult,
                f"falls to {_times_round(mult_more, 2)}: pre-training is worth most where the "
                "target data are scarce",
                f"does not fall ({_times_round(mult_more, 2)})",
            ),
            "slow_tr_mix_cmp": (
                mix_dt > d_t,
                f"Pre-training on the mixture with code transfers more at the same point "
                f"({mix_numbers}): code in the pre-training mix, closer to the target, "
                "transfers better",
                f"Pre-training on the mixture with code transfers less at the same point "
                f"({mix_numbers})",
            ),
        },
    )


def exercise_transfer_half(params: float) -> Glued:
    """Exercise on the fine-tuning data at which pre-training supplies half the effective data
    (D_T = D_F), for both rows of Table 1 at ``params`` non-embedding parameters:
    ``slow_trx_half_text, slow_trx_half_mixed, slow_trx_half_ratio`` and the claim
    ``slow_trx_half_cmp``."""
    half = {
        name: xfer.finetune_chars_for_fraction(0.5, params, name) for name in xfer.TRANSFER_LAWS
    }
    ratio = half["mixed"] / half["text"]
    return _glue(
        {
            "slow_trx_half_text": _round(half["text"], 2),
            "slow_trx_half_mixed": _round(half["mixed"], 2),
            "slow_trx_half_ratio": _times_round(ratio, 2),
        },
        {
            "slow_trx_half_cmp": (
                ratio > 1,
                "The mixture with code keeps supplying at least half the effective data up to "
                f"{_times_round(ratio, 2)} more fine-tuning data than text alone: at this model size "
                "its larger k outweighs its smaller α",
                "Text alone keeps supplying at least half the effective data up to "
                f"{_times_round(1 / ratio, 2)} more fine-tuning data than the mixture with code: at "
                "this model size the mixture's smaller α outweighs its larger k",
            )
        },
    )


def exercise_scale_equivalence(factor: float = 10.0) -> Glued:
    """Exercise on how much fine-tuning data adds as much D_T as ``factor`` times the parameters:
    ``slow_trx_factor, slow_trx_equiv_text, slow_trx_equiv_mixed`` and the claim
    ``slow_trx_equiv_cmp``."""
    eq = {name: xfer.finetune_equivalent_of_scale(factor, name) for name in xfer.TRANSFER_LAWS}
    return _glue(
        {
            "slow_trx_factor": f"{factor:g}×",
            "slow_trx_equiv_text": _times_round(eq["text"], 2),
            "slow_trx_equiv_mixed": _times_round(eq["mixed"], 2),
        },
        {
            "slow_trx_equiv_cmp": (
                eq["mixed"] > eq["text"],
                "After pre-training on the mixture, fine-tuning data are the *weaker* substitute "
                "for parameters: its smaller α makes each extra character of Python add less "
                "D_T, while β is the same",
                "After pre-training on the mixture, fine-tuning data are the stronger substitute "
                "for parameters",
            )
        },
    )

"""Glue of the chapter "Kaplan's scaling laws" (chapters/02_kaplan.ipynb).

One function per section of the chapter. Each formats the section's numbers with
:mod:`scalinglaws.book`, chooses its data-dependent sentences with :func:`scalinglaws.book.claim`,
glues them under the names the chapter's prose uses (``kap_*``, and the shared
``book_porian_kaplan_a``) and returns the dict of texts it glued (claims included).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.analyses import kaplan_refit as kr
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
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import DEFAULT_LAW, PF_DAY_FLOP, law_label
from scalinglaws.core.laws import KAPLAN as K
from scalinglaws.data import PYTHIA_TOKENS_PER_STEP

__all__ = [
    "Glued",
    "setup",
    "single_laws",
    "nd_law",
    "batch_laws",
    "allocation",
    "hoffmann_d4",
    "refit",
    "head_count",
    "pythia",
]


def _glue(values: dict[str, str], **claims: tuple[object, str, str]) -> Glued:
    return glue_all(values, claims)


def _pct(level: float) -> str:
    return f"{100 * level:.0f}%"


def setup(level: float, n_boot: int, seed: int) -> Glued:
    """The chapter's interval level, bootstrap size and seed (``kap_level``, ``kap_n_boot``, ``kap_seed``)."""
    return _glue(
        {"kap_level": _pct(level), "kap_n_boot": fmt_int(n_boot), "kap_seed": fmt_int(seed)}
    )


def single_laws() -> Glued:
    """Units and the three single-variable laws (eqs 1.1-1.3) with what they imply."""
    return _glue(
        {
            "kap_pfday": fmt_sig(PF_DAY_FLOP, 3),
            "kap_alpha_n": fmt_fixed(K.alpha_N, 3),
            "kap_n_c": fmt_sig(K.N_c, 2),
            "kap_alpha_d": fmt_fixed(K.alpha_D, 3),
            "kap_d_c": fmt_sig(K.D_c, 2),
            "kap_alpha_cmin": fmt_fixed(K.alpha_C_min, 3),
            "kap_c_cmin": fmt_sig(K.C_c_min, 2),
            "kap_doubling": fmt_fixed(K.loss_n(2.0) / K.loss_n(1.0), 3),
            "kap_decade_pct": fmt_pct(1.0 - K.loss_n(10.0) / K.loss_n(1.0)),
            # Kaplan et al. §3.1: N from 768 to 1.5e9 non-embedding parameters
            "kap_n_range_oom": fmt_fixed(math.log10(1.5e9 / 768), 1),
            "kap_halve": fmt_sig(2.0 ** (1.0 / K.alpha_N), 2, sci_above=1e3),
        }
    )


def nd_law(loss: float = kr.SAMPLE_EFFICIENCY_LOSS, rule_n: float = 1e9) -> Glued:
    """L(N, D) (eq 1.5, Table 2): its constants, the overfitting rule at ``rule_n`` parameters, and
    the tokens a 1e8- and a 1e9-parameter model need to reach ``loss`` (nats/token)."""
    rule_d = K.min_tokens_no_overfit(rule_n)
    penalty = K.loss(rule_n, rule_d) / K.loss(rule_n, 1e30) - 1.0
    d_small, d_big = kr.tokens_to_reach(1e8, loss), kr.tokens_to_reach(1e9, loss)
    return _glue(
        {
            "kap_nd_alpha_n": fmt_fixed(K.nd_alpha_N, 3),
            "kap_nd_alpha_d": fmt_fixed(K.nd_alpha_D, 3),
            "kap_nd_n_c": fmt_sig(K.nd_N_c, 2),
            "kap_nd_d_c": fmt_sig(K.nd_D_c, 2),
            "kap_nd_ratio": fmt_fixed(K.nd_alpha_N / K.nd_alpha_D, 3),
            "kap_8x_data": fmt_times(8.0**K.overfit_exp),
            "kap_rule_d": fmt_sig(rule_d, 2),
            "kap_rule_penalty": fmt_pct(penalty),
            "kap_l0": fmt_fixed(loss, 1),
            "kap_d_small": fmt_sig(d_small, 2),
            "kap_d_big": fmt_sig(d_big, 2),
            "kap_sample_eff": fmt_times(d_small / d_big),
        }
    )


def batch_laws() -> Glued:
    """The critical batch size (eq 1.4) and L(N, S) (eq 1.6, Table 3)."""
    return _glue(
        {
            "kap_bcrit_3": fmt_sig(K.b_crit(3.0), 2),
            "kap_bcrit_2": fmt_sig(K.b_crit(2.0), 2),
            "kap_ns_alpha_n": fmt_fixed(K.ns_alpha_N, 3),
            "kap_ns_alpha_s": fmt_fixed(K.ns_alpha_S, 2),
            "kap_ns_n_c": fmt_sig(K.ns_N_c, 2),
            "kap_ns_s_c": fmt_sig(K.ns_S_c, 2),
        }
    )


def allocation(
    example_flops: float, kaplan: Any, canonical: Mapping[str, Any], n_boot: int
) -> Glued:
    """The compute-efficient frontier at the example budget: Kaplan's rule against the canonical law.

    Parameters
    ----------
    example_flops : float
        The budget (FLOP).
    kaplan : Allocation
        ``compute_optimal(example_flops, "kaplan")`` (``params``, ``tokens``, ``tokens_per_param``).
    canonical : mapping
        ``"params"``, ``"tokens"``, ``"tokens_per_param"`` -> the canonical law's
        :class:`~scalinglaws.analyses.uncertainty.Interval` at the budget
        (:func:`scalinglaws.analyses.kaplan_refit.canonical_allocation`).
    n_boot : int
        The chapter's bootstrap size (the law's intervals use at most ``kr.CANONICAL_CLOUD``).
    """
    missing = {"params", "tokens", "tokens_per_param"} - set(canonical)
    if missing:
        raise InputError(f"canonical lacks {sorted(missing)}")
    n, d, tpp = canonical["params"], canonical["tokens"], canonical["tokens_per_param"]
    theory = kr.kaplan_theory()
    values = {
        "kap_10x_n": fmt_times(10.0**K.p_N, 2),
        "kap_10x_d": fmt_times(10.0 ** (1.0 - K.p_N), 2),
        "kap_ex_c": fmt_sig(example_flops, 2),
        "kap_ex_pfd": fmt_sig(example_flops / PF_DAY_FLOP, 3),
        "kap_ex_n": fmt_sig(kaplan.params, 2),
        "kap_ex_d": fmt_sig(kaplan.tokens, 2),
        "kap_ex_tpp": fmt_sig(kaplan.tokens_per_param, 2),
        "kap_law_label": law_label(DEFAULT_LAW),
        "kap_n_boot_law": fmt_int(min(n_boot, kr.CANONICAL_CLOUD)),
        "kap_ex_h_n": fmt_sig(n.value, 2),
        "kap_ex_h_n_ci": fmt_interval(n.lo, n.hi, fmt_sig, 2),
        "kap_ex_h_d": fmt_sig(d.value, 2),
        "kap_ex_h_d_ci": fmt_interval(d.lo, d.hi, fmt_sig, 2),
        "kap_ex_h_tpp": fmt_sig(tpp.value, 2),
        "kap_ex_h_tpp_ci": fmt_interval(tpp.lo, tpp.hi, fmt_sig, 2),
        "kap_th_acmin": fmt_fixed(theory.alpha_c_min, 3),
        "kap_th_pn": fmt_fixed(theory.n_exponent, 2),
        "kap_th_acmin_64": fmt_fixed(kr.KAPLAN_EQ64_ALPHA_C_MIN, 3),
        "kap_th_pn_64": fmt_fixed(theory.n_exponent_from_printed, 2),
        "kap_p_n": fmt_fixed(K.p_N, 2),
        "kap_table6_de": fmt_sig(K.D_e, 1),
        "kap_6nd_de": fmt_sig(PF_DAY_FLOP / (6.0 * K.N_e), 2),
    }
    ratio_n = kaplan.params / n.value
    below = (
        f"At this budget Kaplan's rule asks for a model {fmt_times(1 / ratio_n)} smaller than the "
        "canonical law's optimum, below its whole interval: the two rules cross, and below the "
        "crossing Kaplan's steeper rule gives the smaller model."
    )
    inside = (
        "At this budget Kaplan's rule lands inside the canonical law's interval: near this budget the "
        "two rules cross, and they part on either side of it."
    )
    return _glue(
        values,
        kap_ex_compare=(
            kaplan.params > n.hi,
            f"At this budget Kaplan's rule asks for a model {fmt_times(ratio_n)} larger than the "
            "canonical law's optimum — above its whole interval — even before counting the embeddings "
            "Kaplan leaves out.",
            below if kaplan.params < n.lo else inside,
        ),
    )


def hoffmann_d4(canonical_params: Any, C: float = kr.HOFFMANN_D4_FLOPS) -> Glued:
    """Hoffmann et al.'s App. D.4 test of Kaplan's rule at ``C``: both readings of the rule,
    Approach 1 from their Table 3, and the canonical law's optimum ``canonical_params`` (an
    :class:`~scalinglaws.analyses.uncertainty.Interval`, total parameters)."""
    d4 = kr.kaplan_rule_readings(C)
    c = canonical_params
    return _glue(
        {
            "kap_d4_c": fmt_sig(C, 2),
            "kap_d4_pfd": fmt_sig(C / PF_DAY_FLOP, 3),
            "kap_d4_ours": fmt_sig(d4["n_cmin_eq_c"], 3),
            "kap_d4_half": fmt_sig(d4["n_cmin_half_c"], 3),
            "kap_d4_factor": fmt_times(d4["n_cmin_eq_c"] / d4["n_cmin_half_c"], 3),
            "kap_d4_a1": fmt_sig(kr.approach1_params(C), 3),
            "kap_d4_canon": fmt_sig(c.value, 2),
            "kap_d4_canon_ci": fmt_interval(c.lo, c.hi, fmt_sig, 2),
        }
    )


def _kaplan_rows(steps: pd.DataFrame) -> pd.DataFrame:
    need = {"label", "dataset", "step", "a", "a_lo", "a_hi"}
    if not isinstance(steps, pd.DataFrame) or not need <= set(steps.columns):
        raise InputError("steps must come from scalinglaws.analyses.reconcile.porian_steps()")
    return steps[steps["label"] == kr.KAPLAN_LABEL].set_index("dataset")


def refit(
    steps: pd.DataFrame,
    pairs: Mapping[str, pd.DataFrame],
    fits: Mapping[str, kr.FrontierFit],
    isoflop: pd.DataFrame,
) -> Glued:
    """The refit of Kaplan's frontier on Porian et al.'s reproduction (RefinedWeb and OpenWebText2).

    ``steps`` from :func:`scalinglaws.analyses.reconcile.porian_steps` (the stated exponents and intervals,
    ``a_ols`` and ``a_table2``), ``pairs``/``fits`` data set -> optimal pairs and the chart's
    frontier fit (its R²), ``isoflop`` Porian et al.'s isoFLOP points (the model sizes trained).
    """
    rows = _kaplan_rows(steps)
    a_rw, a_ow = rows.loc["rw"], rows.loc["owt2"]
    ne_sizes = np.unique(isoflop.loc[isoflop["param_count"] == "kaplan", "params"])
    table2_diff = max(abs(a_rw["a"] - a_rw["a_table2"]), abs(a_ow["a"] - a_ow["a_table2"]))
    flops = pairs["rw"]["flops"]
    ratio_c = flops.max() / flops.min()
    values = {
        "kap_ne_min": fmt_sig(ne_sizes.min(), 2),
        "kap_ne_max": fmt_sig(ne_sizes.max(), 2),
        "kap_n_budgets": fmt_int(len(pairs["rw"])),
        "kap_c_lo": fmt_sig(flops.min(), 2),
        "kap_c_hi": fmt_sig(flops.max(), 2),
        "book_porian_kaplan_a": fmt_fixed(a_rw["a"], 3),
        "kap_a_rw_ci": fmt_interval(a_rw["a_lo"], a_rw["a_hi"], fmt_fixed, 3),
        "kap_a_owt2": fmt_fixed(a_ow["a"], 3),
        "kap_a_owt2_ci": fmt_interval(a_ow["a_lo"], a_ow["a_hi"], fmt_fixed, 3),
        "kap_r2_rw": fmt_fixed(fits["rw"].r2, 3),
        "kap_r2_owt2": fmt_fixed(fits["owt2"].r2, 3),
        "kap_basic_rw": fmt_fixed(a_rw["a_ols"], 3),
        "kap_basic_owt2": fmt_fixed(a_ow["a_ols"], 3),
        "kap_t2_rw": fmt_fixed(a_rw["a_table2"], 3),
        "kap_t2_owt2": fmt_fixed(a_ow["a_table2"], 3),
        "kap_t2_diff": fmt_fixed(table2_diff, 4),
        "kap_ratio_c": fmt_times(ratio_c, 3),
        "kap_oom_c": fmt_fixed(math.log10(ratio_c), 1),
    }
    return _glue(
        values,
        kap_vs_073=(
            a_rw["a_lo"] > K.p_N and a_ow["a_lo"] > K.p_N,
            f"Both are Kaplan-like, and steeper still than Kaplan's own {K.p_N}: both intervals lie "
            f"above it (by {a_rw['a'] - K.p_N:.2f} on RefinedWeb).",
            f"Both are Kaplan-like; at this interval level they do not both exclude Kaplan's own {K.p_N}.",
        ),
        kap_vs_05=(
            a_rw["a_lo"] > 0.5 and a_ow["a_lo"] > 0.5,
            "Both intervals lie well above the $a \\approx 0.5$ of Chinchilla.",
            "At this interval level they do not both exclude the $a \\approx 0.5$ of Chinchilla.",
        ),
        kap_t2_match=(
            # Table 2 prints 3 decimals: half a unit of the last one
            table2_diff < 5e-4,
            "Our weighted fit reproduces both printed values to their last digit",
            "Our weighted fit does NOT reproduce both printed values to their last digit",
        ),
    )


def head_count(
    shapes: pd.DataFrame,
    recount: Mapping[str, pd.DataFrame],
    fits: Mapping[str, kr.FrontierFit],
    head_fits: Mapping[str, kr.FrontierFit],
    steps: pd.DataFrame,
) -> Glued:
    """Counting the output layer: its share of the models, the exponent of the recounted optima and
    its paired drop, against Porian et al.'s relocated optima (their step 2) and the whole distance
    of their corrections (step 1 to step 5).

    ``shapes`` from :func:`~scalinglaws.analyses.kaplan_refit.model_shapes`, ``recount`` data set ->
    :func:`~scalinglaws.analyses.kaplan_refit.recount_with_head`, ``fits``/``head_fits`` data set -> the
    frontier fits of the two counts (same bootstrap draws), ``steps`` from
    :func:`scalinglaws.analyses.reconcile.porian_steps`.
    """
    _kaplan_rows(steps)
    step = steps.set_index(["dataset", "step"])
    hr, ho = head_fits["rw"], head_fits["owt2"]
    drop, drop_ci, por_drop, span = {}, {}, {}, {}
    for ds in ("rw", "owt2"):
        drop[ds], drop_ci[ds] = kr.exponent_drop(fits[ds], head_fits[ds])
        por_drop[ds] = step.loc[(ds, 1), "a"] - step.loc[(ds, 2), "a"]
        span[ds] = step.loc[(ds, 1), "a"] - step.loc[(ds, 5), "a"]

    def exponent(ds: str, s: int) -> tuple[str, str]:
        row = step.loc[(ds, s)]
        return fmt_fixed(row["a"], 3), fmt_interval(row["a_lo"], row["a_hi"], fmt_fixed, 3)

    (s2_rw, s2_rw_ci), (s2_ow, s2_ow_ci), (s5_rw, s5_rw_ci) = (
        exponent("rw", 2),
        exponent("owt2", 2),
        exponent("rw", 5),
    )
    values = {
        "kap_vocab": fmt_int(kr.PORIAN_VOCAB),
        "kap_n_arch": fmt_int(len(shapes)),
        "kap_share_small": fmt_pct(shapes["head_share"].iloc[0], 0),
        "kap_share_large": fmt_pct(shapes["head_share"].iloc[-1], 0),
        "kap_share_opt_small": fmt_pct(recount["rw"]["head_share"].iloc[0], 0),
        "kap_share_opt_large": fmt_pct(recount["rw"]["head_share"].iloc[-1], 0),
        "kap_head_rw": fmt_fixed(hr.exponent, 3),
        "kap_head_rw_ci": fmt_interval(*hr.exponent_ci, fmt_fixed, 3),
        "kap_head_owt2": fmt_fixed(ho.exponent, 3),
        "kap_head_owt2_ci": fmt_interval(*ho.exponent_ci, fmt_fixed, 3),
        "kap_head_drop_rw": fmt_fixed(drop["rw"], 3),
        "kap_head_drop_rw_ci": fmt_interval(*drop_ci["rw"], fmt_fixed, 3),
        "kap_head_drop_owt2": fmt_fixed(drop["owt2"], 3),
        "kap_head_drop_owt2_ci": fmt_interval(*drop_ci["owt2"], fmt_fixed, 3),
        "kap_step2_rw": s2_rw,
        "kap_step2_rw_ci": s2_rw_ci,
        "kap_step2_owt2": s2_ow,
        "kap_step2_owt2_ci": s2_ow_ci,
        "kap_step5_rw": s5_rw,
        "kap_step5_rw_ci": s5_rw_ci,
        "kap_share_ours_rw": fmt_pct(drop["rw"] / span["rw"], 0),
        "kap_share_por_rw": fmt_pct(por_drop["rw"] / span["rw"], 0),
    }
    return _glue(
        values,
        kap_head_drops=(
            all(drop_ci[ds][0] > 0 for ds in ("rw", "owt2")),
            "drops, on both data sets, by more than its bootstrap noise",
            "changes, though on at least one data set by no more than its bootstrap noise",
        ),
        kap_por_larger=(
            all(por_drop[ds] > drop_ci[ds][1] for ds in ("rw", "owt2")),
            "a larger drop than our relabelling (beyond its interval on both data sets), because "
            "relocating the optimum shifts the small budgets further",
            "not a clearly larger drop than our relabelling on both data sets",
        ),
    )


def pythia(acc: pd.DataFrame, step: int, fit: Mapping[str, Any]) -> Glued:
    """The downstream view: the Pythia suite, accuracy against size at ``step`` and over training.

    ``acc`` from :func:`~scalinglaws.analyses.kaplan_refit.pythia_accuracy`, ``fit`` the
    :func:`~scalinglaws.analyses.kaplan_refit.fit_accuracy_vs_log_params` of its rows at ``step``.
    """
    at_step = acc[acc["step"] == step]
    if at_step.empty:
        raise InputError(f"no Pythia evaluations at step {step}")
    present, missing = kr.pythia_suite_coverage(acc["size"])
    ordered = kr.size_ordering(acc, from_step=1000)
    gain = kr.late_gain(acc, from_step=13000)
    g_small, g_large = (fmt_fixed(100 * gain[s], 1) for s in (present[0], present[-1]))
    lo_s, hi_s = fit["slope_ci"]
    slope_txt = fmt_fixed(100 * fit["slope"], 1)
    ci_txt = fmt_interval(100 * lo_s, 100 * hi_s, fmt_fixed, 1)
    level = _pct(fit["level"])
    values = {
        "kap_py_suite": fmt_int(len(kr.PYTHIA_SUITE)),
        "kap_py_suite_min": fmt_sig(min(kr.PYTHIA_SUITE.values()), 2),
        "kap_py_suite_max": fmt_sig(max(kr.PYTHIA_SUITE.values()), 2),
        "kap_n_ckpt": fmt_int(acc["step"].nunique()),
        "kap_n_tasks": fmt_int(len(kr.PYTHIA_TASKS)),
        "kap_py_step": fmt_int(step),
        "kap_py_tokens": fmt_sig(step * PYTHIA_TOKENS_PER_STEP, 3),
        "kap_py_n": fmt_int(len(at_step)),
        "kap_py_acc_small": fmt_pct(at_step["mean_acc"].iloc[0]),
        "kap_py_acc_large": fmt_pct(at_step["mean_acc"].iloc[-1]),
        "kap_py_slope": slope_txt,
        "kap_py_slope_ci": ci_txt,
        "kap_py_r2": fmt_fixed(fit["r2"], 2),
        "kap_py_chance": fmt_pct(acc[acc["step"] == 0]["mean_acc"].mean()),
        "kap_py_n_ordered": fmt_int(int(ordered.sum())),
        "kap_py_n_traj": fmt_int(len(ordered)),
        "kap_py_gain_small": g_small,
        "kap_py_gain_large": g_large,
    }
    per_decade = "percentage points per tenfold increase in parameters"
    falls = (
        f"Accuracy *falls* with model size, by about {slope_txt} {per_decade} ({level} interval "
        f"{ci_txt}, which excludes zero): at this checkpoint the models are not yet ordered by size."
    )
    flat = (
        f"At this checkpoint there is no clear trend with model size: the fitted slope is {slope_txt} "
        f"{per_decade}, but its {level} interval, {ci_txt}, includes zero."
    )
    return _glue(
        values,
        kap_py_coverage=(
            not missing,
            "The book's data hold every size of the suite.",
            f"The book's data hold the evaluations of {len(present)} of them "
            f"({', '.join(m.upper() for m in missing)} missing), so every Pythia fit and figure here "
            f"uses those {len(present)} sizes.",
        ),
        kap_py_trend=(
            lo_s > 0,
            f"Accuracy rises with model size, by about {slope_txt} {per_decade} ({level} interval "
            f"{ci_txt}, which excludes zero).",
            falls if hi_s < 0 else flat,
        ),
        kap_py_ordered=(
            bool(ordered.all()),
            "at every checkpoint from step 1000 on, each larger model is more accurate than the next "
            "smaller one",
            f"larger models are more accurate at most checkpoints, but the ordering by size holds at "
            f"only {int(ordered.sum())} of {len(ordered)} checkpoints from step 1000 on",
        ),
        kap_py_flatten=(
            gain[present[0]] < gain[present[-1]],
            f"the small models flatten early (from step 13,000 to the end the smallest gains {g_small} "
            f"points, the largest {g_large})",
            f"the small models do not flatten earlier than the large ones (from step 13,000 to the end "
            f"the smallest gains {g_small} points, the largest {g_large})",
        ),
    )

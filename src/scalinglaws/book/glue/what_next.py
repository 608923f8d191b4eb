"""Glue of the chapter "What to scale next" (chapters/07_what_next.ipynb).

One function per section of the chapter. Each takes the chapter's results (the growth fits and the
data wall of :mod:`scalinglaws.analyses.trends` and :mod:`scalinglaws.analyses.datawall`, the loss step and its
uncertainty and the exchange rate of :mod:`scalinglaws.analyses.synthesis`) and its parameters ``P``
(:func:`scalinglaws.book.chapters.check`), formats the numbers with :mod:`scalinglaws.book`'s rules,
chooses every data-dependent sentence with :func:`scalinglaws.book.claim`, glues them under the
names the chapter's prose uses and returns the dict of texts it glued (claims included; their
``<name>__holds`` records are glued by :func:`~scalinglaws.book.claim` as well).
:func:`summary_table` formats the chapter's table of the four numbers.

Every sentence is written for each case the parameters allow: a loss step below the law's floor
(no step, no price), a price whose interval has no upper end, Hoffmann et al.'s printed constants
(no intervals), a link saturated at the small model (nothing to exchange) and a sample count that no
model up to a billion times larger matches.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from scalinglaws.analyses import datawall
from scalinglaws.analyses.datawall import DataWallMC
from scalinglaws.analyses.synthesis import (
    AxisCost,
    ExchangeRate,
    LossStep,
    StepUncertainty,
    reducible_loss,
    stock_shares,
)
from scalinglaws.analyses.trends import TrendFit
from scalinglaws.analyses.uncertainty import Interval
from scalinglaws.book import (
    claim,
    fmt_fixed,
    fmt_int,
    fmt_interval,
    fmt_pct,
    fmt_sig,
    fmt_times,
    glue_values,
)
from scalinglaws.core.laws import DEFAULT_LAW, get_law, law_label

__all__ = [
    "axes_table",
    "exchange",
    "loss_step",
    "price",
    "reading",
    "seven_axes",
    "summary_table",
    "trends_and_wall",
]


# ------------------------------------------------------------------------------ formatting


def ci(lo: float, hi: float, fmt: Any, *args: Any) -> str:
    """Interval with possibly unbounded ends: ``[a, b]``, ``[a, no upper bound]``, ``[unbounded]``.

    ``fmt(value, *args)`` formats each finite end.
    """
    if math.isinf(lo):
        return "[unbounded]"
    if math.isfinite(hi):
        return fmt_interval(lo, hi, fmt, *args)
    return f"[{fmt(lo, *args)}, no upper bound]"


def pct(x: float) -> str:
    """A share as a percentage with two significant digits: ``pct(0.0123) == '1.2%'``."""
    v = 100 * x
    return f"{float(f'{v:.2g}'):,.0f}%" if v >= 10 else f"{v:.2g}%"


def yrs(x: float) -> str:
    """Years with two significant digits."""
    return fmt_sig(x, 2)


def times(x: float) -> str:
    """A factor rounded to three significant digits: ``times(1234.5) == '1.23 × 10³×'``."""
    return fmt_times(float(f"{x:.3g}"), 3)


def _canonical(P: Any) -> bool:
    return P.law == DEFAULT_LAW


def _level(unc: StepUncertainty) -> str:
    return fmt_pct(unc.level, 0)


# ------------------------------------------------------------------------- four numbers


def trends_and_wall(
    cfit: TrendFit, dfit: TrendFit, wall: DataWallMC, wall_ot: DataWallMC, P: Any
) -> dict[str, str]:
    """Glue the compute trend, the data-set trend and the data wall (with over-training).

    ``cfit`` and ``dfit`` are the compute and data-set growth fits, ``wall`` and ``wall_ot`` the
    data-wall Monte Carlo without and with ``P.overtrain``-fold over-training. Compares the growth
    with Epoch AI's published 4–5× per year and the wall with Villalobos et al.'s median year.
    """
    wall_diff = wall.median - datawall.PAPER_YEAR_MEDIAN
    out = {
        "next_growth": times(cfit.growth_per_year),
        "next_growth_ci": fmt_interval(*cfit.growth_ci, fmt_fixed, 2),
        "next_growth_n": fmt_int(cfit.n),
        "next_growth_window": f"{P.trend_start} to {P.trend_end}",
        "next_doubling": fmt_fixed(cfit.doubling_months, 1),
        "next_doubling_ci": fmt_interval(*sorted(cfit.doubling_months_ci), fmt_fixed, 1),
        "next_data_growth": times(dfit.growth_per_year),
        "next_data_growth_ci": fmt_interval(*dfit.growth_ci, fmt_fixed, 2),
        "next_data_n": fmt_int(dfit.n),
        "next_wall": fmt_fixed(wall.median, 1),
        "next_wall_ci": fmt_interval(*wall.interval, fmt_fixed, 1),
        "next_wall_level": fmt_pct(wall.level, 0),
        "next_wall_diff": fmt_fixed(abs(wall_diff), 1),
    }
    glue_values(out)
    out["next_epoch_cmp"] = claim(
        "next_epoch_cmp",
        4.0 <= cfit.growth_per_year <= 5.0,
        "inside Epoch AI's published range of 4–5× per year",
        "outside Epoch AI's published range of 4–5× per year",
    )
    out["next_wall_dir"] = claim("next_wall_dir", wall_diff > 0, "later", "earlier")
    out["next_ot_text"] = claim(
        "next_ot_text",
        P.overtrain > 1,
        f"Over-training by {fmt_times(P.overtrain, 2)} (the parameter `overtrain`) moves the "
        f"median to {fmt_fixed(wall_ot.median, 1)} ({fmt_pct(wall_ot.level, 0)} interval "
        f"{fmt_interval(*wall_ot.interval, fmt_fixed, 1)}), "
        f"{fmt_fixed(wall.median - wall_ot.median, 1)} years earlier.",
        "Without over-training (the parameter `overtrain` is 1) the date does not move.",
    )
    return out


def loss_step(
    P: Any,
    l0: float,
    l0_iv: Interval,
    gap_iv: Interval,
    step: LossStep | None,
    unc: StepUncertainty,
) -> dict[str, str]:
    """Glue the loss at today's budget, the price of the next loss step and its tokens.

    ``l0`` is the compute-optimal loss at ``P.start_flops`` under ``P.law``, ``l0_iv`` and
    ``gap_iv`` the canonical law's intervals of that loss and of its distance to the floor
    (:func:`~scalinglaws.analyses.synthesis.frontier_loss_interval`,
    :func:`~scalinglaws.analyses.synthesis.reducible_loss_interval`), ``step`` the
    :class:`~scalinglaws.analyses.synthesis.LossStep` under ``P.law`` (``None``: the step would go below
    the law's floor) and ``unc`` the canonical law's step with intervals. Also glues the
    numbers of exercise 1 and the sentence introducing the chart.
    """
    law = get_law(P.law)
    canonical = _canonical(P)
    possible = step is not None
    level = _level(unc)
    canon_label = law_label(DEFAULT_LAW)
    hoff = get_law("hoffmann")
    out = {
        "next_c0": fmt_sig(P.start_flops, 2),
        "next_law": law_label(law),
        "next_l0": fmt_fixed(l0, 3),
        "next_gap": fmt_fixed(l0 - law.E, 3),
        "next_E": fmt_fixed(law.E, 3),
        "next_E_gap": fmt_fixed(abs(get_law("epoch").E - hoff.E), 2),
        "next_ex1_left_epoch": (
            f"{fmt_fixed(gap_iv.value, 3)} ({level} interval "
            f"{fmt_interval(gap_iv.lo, gap_iv.hi, fmt_fixed, 3)})"
        ),
        "next_ex1_left_hoffmann": fmt_fixed(reducible_loss(hoff, P.start_flops), 3),
    }
    glue_values(out)
    out["next_law_text"] = claim(
        "next_law_text",
        canonical,
        f"the book's canonical law ({canon_label} of Hoffmann et al.'s own data; parameter `law` "
        f"= `{P.law}`), with intervals over its bootstrap resamples ({fmt_int(P.n_boot)}, seed "
        f"{P.seed})",
        f"{law_label(law)} (parameter `law` = `{P.law}`), shown here as history only: chapter 4 "
        "shows that Hoffmann et al.'s own data reject these constants",
    )
    out["next_l0_ci"] = claim(
        "next_l0_ci",
        canonical,
        f" ({level} interval {fmt_interval(l0_iv.lo, l0_iv.hi, fmt_fixed, 3)})",
        " (no interval: printed constants)",
    )
    out["next_gap_ci"] = claim(
        "next_gap_ci",
        canonical,
        f" ({fmt_interval(gap_iv.lo, gap_iv.hi, fmt_fixed, 3)})",
        " (no interval)",
    )
    # the price, in words that stay true at every parameter value
    canon_step = (
        f"{times(unc.multiplier)} the compute ({level} interval {ci(*unc.multiplier_ci, times)})"
        if unc.possible
        else "nothing: it is impossible there too, below that law's floor"
    )
    n_imp = unc.n_impossible
    out["next_impossible_note"] = claim(
        "next_impossible_note",
        n_imp > 0,
        f"; {fmt_int(n_imp)} of them cannot reach the target at any budget (it lies below "
        f"{'its' if n_imp == 1 else 'their'} own floor) and {'counts' if n_imp == 1 else 'count'} "
        "as an unbounded price",
        "; every resample reaches the target",
    )
    canon_sentence = ""
    if canonical:
        mult_ci = (
            f"; {level} interval {ci(*unc.multiplier_ci, times)} over {fmt_int(unc.n)} bootstrap "
            f"resamples of the law{out['next_impossible_note']}"
        )
        years_ci = (
            f" ({level} interval {ci(*unc.years_ci, yrs)}, pairing the law's resamples with the "
            "trend's)"
        )
        params_ci = f" ({ci(*unc.params_ci, fmt_sig, 2)})"
        tokens_ci = f" ({ci(*unc.tokens_ci, fmt_sig, 2)})"
    else:
        mult_ci = "; no interval: these printed constants come without one"
        canon_sentence = (
            f" Under the canonical law ({canon_label}) the same step costs {canon_step}."
        )
        years_ci = (
            f" (interval {ci(*step.years_ci, yrs)} from the trend's uncertainty only)"
            if possible
            else ""
        )
        params_ci = tokens_ci = ""
    out["next_step_text"] = claim(
        "next_step_text",
        possible,
        (
            f"Lowering it by another {fmt_fixed(P.loss_step, 3)} nats/token costs "
            f"{times(step.multiplier)} the compute ({fmt_sig(step.flops, 2)} FLOP{mult_ci})."
            f"{canon_sentence} At the compute trend above, that multiplier arrives in "
            f"{yrs(step.years)} years{years_ci}. The compute-optimal model for it has "
            f"{fmt_sig(step.params, 2)} parameters{params_ci} trained on "
            f"{fmt_sig(step.tokens, 2)} tokens{tokens_ci}."
            if possible
            else "-"
        ),
        f"Lowering it by another {fmt_fixed(P.loss_step, 3)} nats/token is impossible under this "
        f"law: the target, {fmt_fixed(l0 - P.loss_step, 3)} nats/token, lies below the "
        "irreducible loss, so no budget reaches it, and there is no price, model or training set "
        "to quote." + canon_sentence,
    )
    share, share_lo, share_hi = stock_shares(step.tokens) if possible else (math.inf,) * 3
    tokens_range = (
        f" Counting the law's uncertainty in the tokens as well, the range is "
        f"{ci(stock_shares(unc.tokens_ci[0])[1], stock_shares(unc.tokens_ci[1])[2], pct)}."
        if canonical and possible
        else ""
    )
    stock_range = f"{fmt_int(datawall.STOCK_LO / 1e12)}–{fmt_int(datawall.STOCK_HI / 1e12)}"
    out["next_share_text"] = claim(
        "next_share_text",
        possible,
        (
            f"Those tokens are {pct(share)} of Villalobos et al.'s median estimate of the stock "
            f"of public human text, {fmt_int(datawall.STOCK_MEDIAN / 1e12)} trillion tokens, and "
            f"between {pct(share_lo)} and {pct(share_hi)} of it over the stock's 90% "
            f"interval of {stock_range} trillion tokens.{tokens_range}"
            if possible
            else "-"
        ),
        "With no next step there is no training set to compare with the stock of public text.",
    )
    out["next_chart_text"] = claim(
        "next_chart_text",
        possible,
        "The chart puts three of the numbers on one axis: the compute trend with its band, the "
        "budget needed for the next loss step, and the year the text stock runs out.",
        "The chart puts the compute trend with its band, today's budget and the year the text "
        "stock runs out on one axis; the next loss step has no budget to draw.",
    )
    return out


def reading(P: Any, step: LossStep | None) -> dict[str, str]:
    """Glue the section "Reading the four numbers together": which constraint binds the next step.

    ``step`` is the :class:`~scalinglaws.analyses.synthesis.LossStep` under ``P.law`` (``None``: the step
    would go below the law's floor, which then decides it). Whether data or compute binds follows
    from the step's tokens against the low and high estimates of the stock of public text.
    """
    out: dict[str, str] = {}
    possible = step is not None
    if possible:
        _, share_lo, share_hi = stock_shares(step.tokens)
        out["next_data_maybe"] = claim(
            "next_data_maybe",
            share_hi > 1,
            f"Its compute-optimal run would want between {pct(share_lo)} and "
            f"{pct(share_hi)} of the stock: more than its low estimate, so whether data or "
            "compute is the tighter constraint depends on a stock known only to within a "
            "factor of ten.",
            f"Its compute-optimal run would want at most {pct(share_hi)} of the stock, even "
            "at the stock's low estimate: for this step, data is not yet the tighter "
            "constraint.",
        )
        out["next_data_binds"] = claim(
            "next_data_binds",
            share_lo > 1,
            "Its compute-optimal run would want more tokens than even the high estimate of the "
            "stock: for this step, data is the tighter constraint.",
            out["next_data_maybe"],
        )
        out["next_reason_maybe"] = claim(
            "next_reason_maybe",
            share_hi > 1,
            "So on the low estimate of the stock there is not enough text for the next step, "
            "which is one reason the field is looking at other directions.",
            "So for this step compute, not data, sets the pace; data binds later, as training "
            "sets approach the stock, and that is when other directions become necessary.",
        )
        out["next_reason_data"] = claim(
            "next_reason_data",
            share_lo > 1,
            "So the next step cannot simply be bought with more of the same pre-training data, "
            "which is one reason the field is looking at other directions.",
            out["next_reason_maybe"],
        )
    out["next_reading"] = claim(
        "next_reading",
        possible,
        f"On that pace the next step in loss arrives in about {yrs(step.years)} years. "
        + out["next_data_binds"]
        if possible
        else "-",
        f"But under this law no amount of compute buys the next step of "
        f"{fmt_fixed(P.loss_step, 3)} nats/token from here: a fixed step in loss has become "
        "impossible, not just expensive. Neither data nor compute decides this step; the law's "
        "floor does.",
    )
    out["next_reason"] = claim(
        "next_reason",
        possible,
        out["next_reason_data"] if possible else "-",
        "So more of the same pre-training cannot buy this step at all, which is one reason the "
        "field is looking at other directions.",
    )
    return out


def exchange(P: Any, ex: ExchangeRate, b: float) -> dict[str, str]:
    """Glue the test-time exchange rate: what ``P.exchange_samples`` samples are worth.

    ``ex`` is :func:`scalinglaws.analyses.synthesis.exchange_rate`'s result (its interval over the
    canonical law's bootstrap, if any) and ``b`` the coverage exponent. Three cases, each
    with its own sentence: a finite rate (with its interval, its training compute and years of
    the compute trend), a link saturated at the small model (nothing to exchange) and no finite
    rate (no model up to a billion times larger matches the samples).
    """
    out = {
        "next_b": fmt_fixed(b, 3),
        "next_k": fmt_int(P.exchange_samples),
        "next_small": fmt_sig(P.small_params, 2),
    }
    glue_values(out)
    iv = ex.interval
    if ex.priced and iv is not None:
        eff_ci = (
            f" ({fmt_pct(iv.level, 0)} interval {ci(iv.lo, iv.hi, times)} over the law's "
            "resamples; the link is assumed, so this is not the whole uncertainty)"
        )
    else:
        eff_ci = " (no interval: the law's printed constants come without one)"
    out["next_eff_none"] = claim(
        "next_eff_none",
        ex.saturated,
        "cannot be priced: under the assumed link the small model's single-sample success is "
        f"{fmt_int(ex.small_success)} to machine precision (the link "
        "is saturated there), so more samples buy nothing, a larger model changes nothing, and "
        "there is no exchange rate to quote.",
        "do better than one sample from any model up to a billion times larger: under this law "
        "and link, no single model we searched matches them, so there is no finite exchange rate "
        "to quote.",
    )
    out["next_eff_text"] = claim(
        "next_eff_text",
        ex.priced,
        (
            f"are worth one sample from a model {times(ex.multiplier)} larger{eff_ci}. Training "
            f"that larger model compute-optimally would take {times(ex.compute_multiplier)} the "
            f"compute, which is {yrs(ex.years)} years of the compute trend (interval "
            f"{fmt_interval(*ex.years_ci, yrs)} from the trend's uncertainty). That is the "
            "test-time exchange rate: a one-off price paid in training compute, against a price "
            "per query paid at inference."
            if ex.priced
            else "-"
        ),
        out["next_eff_none"],
    )
    return out


# ------------------------------------------------------------------------------- the table


def summary_table(
    P: Any,
    cfit: TrendFit,
    wall: DataWallMC,
    step: LossStep | None,
    unc: StepUncertainty,
    ex: ExchangeRate,
) -> pd.DataFrame:
    """The four numbers in one table: this book's value, its interval and the published value.

    Columns ``quantity``, ``this book``, ``interval``, ``published`` (formatted text). The loss
    step's rows say "impossible" when ``step`` is ``None``; the exchange row says why there is no
    rate when the link is saturated or no model matches.
    """
    canonical = _canonical(P)
    level = _level(unc)
    if step is not None:
        share, share_lo, share_hi = stock_shares(step.tokens)
        step_row = (
            times(step.multiplier),
            f"{ci(*unc.multiplier_ci, times)} ({level})"
            if canonical
            else "none (printed constants)",
        )
        years_row = (
            yrs(step.years),
            f"{ci(*unc.years_ci, yrs)} ({level})"
            if canonical
            else f"{ci(*step.years_ci, yrs)} (trend only)",
        )
        share_row = (pct(share), f"{pct(share_lo)}–{pct(share_hi)} over the stock's 90% range")
    else:
        step_row = years_row = share_row = ("impossible (below the floor E)", "—")
    if ex.saturated:
        ex_row = ("—", "link saturated: nothing to exchange")
    elif ex.priced:
        ex_row = (
            times(ex.multiplier) + " params",
            f"{ci(ex.interval.lo, ex.interval.hi, times)} (law only; link assumed)"
            if ex.interval is not None
            else "assumption-driven",
        )
    else:
        ex_row = ("—", "assumption-driven")
    rows = [
        (
            "Training compute growth (notable models)",
            times(cfit.growth_per_year),
            fmt_interval(*cfit.growth_ci, fmt_fixed, 2) + " (95%)",
            "Epoch AI: 4–5× per year",
        ),
        (
            "Public text used up (median year)",
            fmt_fixed(wall.median, 1),
            fmt_interval(*wall.interval, fmt_fixed, 1) + f" ({wall.level:.0%})",
            "Villalobos et al.: 2028 [2026, 2032] (80%)",
        ),
        (
            f"Compute for the next {P.loss_step:g}-nat loss step ({law_label(get_law(P.law))})",
            *step_row,
            "—",
        ),
        ("… in years of compute growth", *years_row, "—"),
        ("… its tokens as a share of the text stock (median 300T)", *share_row, "—"),
        (
            f"{P.exchange_samples} samples from {fmt_sig(P.small_params, 2)} params are worth "
            "(MODEL)",
            *ex_row,
            "Snell et al.: up to 14×",
        ),
    ]
    return pd.DataFrame(rows, columns=["quantity", "this book", "interval", "published"])


# ---------------------------------------------------------------- seven ways to scale


def _range(row: AxisCost) -> str:
    """The row's interval with its kind: a percentile interval, or a range from stated margins."""
    if math.isnan(row.lo):
        return "none (printed constants)" if row.identified else "none (assumed inputs)"
    kind = "range" if math.isnan(row.level) else f"{fmt_pct(row.level, 0)} interval"
    return f"{kind} {ci(row.lo, row.hi, times)}"


def price(row: AxisCost) -> str:
    """A row's price in words: ``2.4× (95% interval [2.0×, 3.0×])``, or why there is none."""
    if math.isnan(row.value):
        return f"not identified ({row.limit})"
    if math.isinf(row.value):
        return "impossible: the improvement is beyond what this axis can buy"
    if math.isnan(row.lo):
        why = "printed constants" if row.identified else "assumed inputs"
        return (
            f"{times(row.value)} ({'' if row.identified else 'illustrative; '}no interval: {why})"
        )
    label = "" if row.identified else "illustrative, "
    return f"{times(row.value)} ({label}{_range(row)})"


def _times_or(x: float) -> str:
    if math.isnan(x):
        return "not identified"
    return times(x) if math.isfinite(x) else "—"


_E_NUMBER = re.compile(r"\b(\d(?:\.\d+)?)e\+?(\d+)\b")


def _book_numbers(text: str) -> str:
    """Numbers written ``1.5e+13`` in the library's texts, in the book's style (``1.5 × 10¹³``)."""
    return _E_NUMBER.sub(lambda m: fmt_sig(float(m.group(0)), 2), text)


def axes_table(rows: list[AxisCost]) -> pd.DataFrame:
    """The seven axes (and the reference row) as a reader's table (formatted text).

    Columns ``axis``, ``improvement``, ``pays in``, ``multiplier``, ``interval``,
    ``inference per query``, ``limit``, ``source``. An impossible improvement reads
    "impossible", an unidentified or pending one "not identified" / "pending"; an illustrative
    price (assumed inputs) is marked "(illustrative)".
    """
    out = []
    for r in rows:
        if math.isnan(r.value):
            mult, interval = ("pending" if r.step == "—" else "not identified"), "—"
        elif math.isinf(r.value):
            mult, interval = "impossible", "—"
        else:
            mult = times(r.value) + ("" if r.identified else " (illustrative)")
            interval = _range(r)
        out.append(
            (
                r.axis,
                r.step,
                r.unit or "—",
                mult,
                interval,
                _times_or(r.inference) if r.inference != 1.0 else "unchanged",
                _book_numbers(r.limit),
                _book_numbers(r.source),
            )
        )
    return pd.DataFrame(
        out,
        columns=[
            "axis",
            "improvement",
            "pays in",
            "multiplier",
            "interval",
            "inference per query",
            "limit",
            "source",
        ],
    )


def _cheaper(a: AxisCost, b: AxisCost) -> bool:
    """``a`` costs less than ``b`` and their intervals do not overlap (point values if none)."""
    if math.isnan(a.lo) or math.isnan(b.lo):
        return a.value < b.value
    return a.hi < b.lo


def seven_axes(
    P: Any,
    co: AxisCost,
    params: AxisCost,
    data: AxisCost,
    repeat: AxisCost,
    tt: AxisCost,
    curated: AxisCost,
    rl: AxisCost,
    calls: AxisCost,
    curated_flops: float,
) -> dict[str, str]:
    """Glue the section "Seven ways to scale, priced in one unit".

    ``co`` is the compute-optimal reference row and the others the rows of
    :mod:`scalinglaws.analyses.synthesis`'s ``axis_*`` functions; each row's price is glued as
    ``next_ax_<key>`` (:func:`price`). Every comparison and every sentence that depends on whether a
    step can be bought is chosen by the data. ``curated_flops`` is the budget (FLOP) at which the
    curated row compares the two filters.
    """
    rows = {
        "co": co,
        "params": params,
        "data": data,
        "repeat": repeat,
        "tt": tt,
        "curated": curated,
        "rl": rl,
        "calls": calls,
    }
    out = {
        "next_ax_delta": fmt_fixed(P.axis_loss_step, 3),
        "next_ax_gain": fmt_sig(100 * P.axis_gain, 2),
        "next_ax_worse": P.filter_worse,
        "next_ax_cur_flops": fmt_sig(curated_flops, 2),
        "next_ax_rl_from": fmt_pct(P.rl_from_fraction, 0),
        "next_ax_mix": (
            f"{fmt_pct(1 - P.frac_hard, 0)} easy queries (one call right with probability "
            f"{fmt_fixed(P.p_easy, 2)}) and {fmt_pct(P.frac_hard, 0)} hard ones "
            f"({fmt_fixed(P.p_hard, 2)})"
        ),
        **{f"next_ax_{k}": price(r) for k, r in rows.items()},
    }
    glue_values(out)
    both = co.possible
    out["next_ax_alone"] = claim(
        "next_ax_alone",
        params.value >= co.value and data.value >= co.value,
        "Growing either one alone costs at least as much as growing both together, as the "
        "compute-optimal allocation promises.",
        "Here one axis alone appears cheaper than the compute-optimal step, which the law does "
        "not allow: the difference is numerical, not a finding.",
    )
    out["next_ax_pd_data"] = claim(
        "next_ax_pd_data",
        _cheaper(data, params),
        "Fresh data alone are the cheaper of the two in training compute.",
        "In training compute the two are indistinguishable within their intervals.",
    )
    out["next_ax_pd_order"] = claim(
        "next_ax_pd_order",
        _cheaper(params, data),
        "Parameters alone are the cheaper of the two in training compute.",
        out["next_ax_pd_data"],
    )
    out["next_ax_pd"] = claim(
        "next_ax_pd",
        params.possible and data.possible,
        out["next_ax_pd_order"],
        "At least one of them cannot buy the step at all: its term of the loss is already "
        "smaller than the step, and only the other term (or both together) can.",
    )
    out["next_ax_pd_infer"] = claim(
        "next_ax_pd_infer",
        params.possible,
        (
            f"The difference is at inference: the larger model costs {times(params.inference)} "
            "as much per query, for as long as it is served, while more data leave the cost per "
            "query unchanged."
            if params.possible
            else "-"
        ),
        "At inference more data leave the cost per query unchanged, whereas a larger model "
        "would pay on every query.",
    )
    if data.possible and repeat.possible:
        extra_cost = repeat.value / data.value - 1.0
        repeat_text = claim(
            "next_ax_repeat_cmp",
            extra_cost < 0.1,
            f"only {pct(extra_cost)} more than fresh text at the published decay constant",
            f"{pct(extra_cost)} more than fresh text at the published decay constant",
        )
    else:
        repeat_text = claim(
            "next_ax_repeat_cmp",
            data.possible,
            "impossible from repeats at the published decay constant, though fresh text could "
            "buy it",
            "impossible, as with fresh text",
        )
    out["next_ax_repeat_cmp"] = repeat_text
    out["next_ax_both"] = claim(
        "next_ax_both",
        both,
        f"Along the compute-optimal frontier, the next {fmt_fixed(P.axis_loss_step, 3)}-nat "
        f"step costs {price(co)} the pre-training compute.",
        f"Along the compute-optimal frontier, the next {fmt_fixed(P.axis_loss_step, 3)}-nat "
        "step cannot be bought at all: it lies below the law's floor.",
    )
    out["next_ax_tt_text"] = claim(
        "next_ax_tt_text",
        tt.possible,
        f"costs {price(tt)} the inference per query and no training compute",
        "cannot be bought: the target coverage would exceed 100%",
    )
    out["next_ax_curated_text"] = claim(
        "next_ax_curated_text",
        curated.possible,
        f"is worth {price(curated)} the pre-training compute at DCLM's largest common budget: "
        "the worse data would need that much more compute to reach the same CORE score",
        f"is not pinned down by the runs ({curated.limit})",
    )
    out["next_ax_rl_text"] = claim(
        "next_ax_rl_text",
        math.isfinite(rl.value),
        f"costs {price(rl)} the RL compute",
        "cannot be bought: the target lies at or beyond the curve's asymptote",
    )
    out["next_ax_calls_text"] = claim(
        "next_ax_calls_text",
        math.isfinite(calls.value),
        (
            f"takes {fmt_int(calls.value)} calls per query, {times(calls.value)} the inference"
            if math.isfinite(calls.value)
            else "-"
        ),
        "cannot be bought with any number of calls up to the curve's end",
    )
    return out

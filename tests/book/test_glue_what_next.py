"""Glue of the what-next chapter (scalinglaws.book.glue.what_next) on small hand-made inputs.

The inputs are made up so that every formatted text can be written down by hand; each sentence
chosen by the data (book.claim) is checked in both of its branches.
"""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import pytest

from scalinglaws import book
from scalinglaws.analyses.synthesis import (
    INFERENCE,
    PRETRAINING,
    RL_COMPUTE,
    AxisCost,
    ExchangeRate,
    LossStep,
    StepUncertainty,
    axis_pending,
)
from scalinglaws.analyses.uncertainty import Interval
from scalinglaws.book.glue import what_next as g


def _params(**kw) -> SimpleNamespace:
    base = {
        "seed": 42,
        "n_boot": 1000,
        "trend_start": "2010-01-01",
        "trend_end": "2024-05-31",
        "law": "epoch",
        "start_flops": 3.8e25,
        "loss_step": 0.05,
        "overtrain": 5.0,
        "small_params": 7e9,
        "exchange_samples": 16,
    }
    return SimpleNamespace(**{**base, **kw})


def _fit(growth: float, ci: tuple[float, float], n: int, doubling=5.7, doubling_ci=(6.1, 5.4)):
    return SimpleNamespace(
        growth_per_year=growth,
        growth_ci=ci,
        n=n,
        doubling_months=doubling,
        doubling_months_ci=doubling_ci,
    )


def _wall(median: float, interval: tuple[float, float], level: float = 0.8):
    return SimpleNamespace(median=median, interval=interval, level=level)


def _step(tokens: float = 2e13, years: float = 4.2) -> LossStep:
    return LossStep(
        law="epoch",
        start_flops=3.8e25,
        start_loss=1.9,
        delta=0.05,
        target_loss=1.85,
        flops=4.56e26,
        multiplier=12.0,
        params=3.8e12,
        tokens=tokens,
        years=years,
        years_ci=(3.9, 4.6),
        growth_per_year=1.8,
        stock=300e12,
        tokens_share_of_stock=tokens / 300e12,
    )


def _unc(n_impossible: int = 0, possible: bool = True) -> StepUncertainty:
    return StepUncertainty(
        possible=possible,
        multiplier=12.0 if possible else math.inf,
        params=3.8e12,
        tokens=2e13,
        years=4.2,
        multiplier_ci=(5.0, math.inf if n_impossible > 25 else 40.0),
        params_ci=(2e12, 6e12),
        tokens_ci=(1e13, 5e13),
        years_ci=(3.0, math.inf if n_impossible > 25 else 7.5),
        n=1000,
        n_impossible=n_impossible,
        level=0.95,
    )


def _iv(value: float, lo: float, hi: float) -> Interval:
    return Interval(value=value, lo=lo, hi=hi, level=0.95, n=1000)


def _exchange(**kw) -> ExchangeRate:
    base = {
        "law": "epoch",
        "small_params": 7e9,
        "samples": 16,
        "small_success": 0.3,
        "saturated": False,
        "multiplier": 3.456,
        "interval": _iv(3.456, 2.0, 8.0),
        "compute_multiplier": 11.94,
        "years": 1.71,
        "years_ci": (1.6, 1.8),
    }
    return ExchangeRate(**{**base, **kw})


def _holds(name: str) -> bool:
    return book.CLAIMS[name][0]


def test_formatting_helpers():
    assert g.ci(1.234, 5.678, book.fmt_fixed, 1) == "[1.2, 5.7]"
    assert g.ci(1.234, math.inf, book.fmt_fixed, 1) == "[1.2, no upper bound]"
    assert g.ci(math.inf, math.inf, book.fmt_fixed, 1) == "[unbounded]"
    assert g.pct(0.01234) == "1.2%"
    assert g.pct(0.456) == "46%"
    assert g.pct(12.345) == "1,200%"
    assert g.yrs(4.26) == "4.3"
    assert g.times(1234.5) == "1,230×"
    assert g.times(4.2551) == "4.26×"


def test_trends_and_wall_texts_and_both_branches():
    p = _params()
    out = g.trends_and_wall(
        _fit(4.2551, (4.01, 4.52), 371),
        _fit(2.456, (2.2, 2.7), 85),
        _wall(2027.34, (2025.9, 2029.96)),
        _wall(2026.61, (2025.2, 2028.9)),
        p,
    )
    assert out["next_growth"] == "4.26×"
    assert out["next_growth_ci"] == "[4.01, 4.52]"
    assert out["next_growth_n"] == "371"
    assert out["next_growth_window"] == "2010-01-01 to 2024-05-31"
    assert out["next_doubling_ci"] == "[5.4, 6.1]"  # sorted: the fast end first
    assert out["next_data_growth"] == "2.46×" and out["next_data_n"] == "85"
    assert out["next_wall"] == "2027.3" and out["next_wall_ci"] == "[2025.9, 2030.0]"
    assert out["next_wall_level"] == "80%" and out["next_wall_diff"] == "0.7"
    assert out["next_epoch_cmp"].startswith("inside") and _holds("next_epoch_cmp")
    assert out["next_wall_dir"] == "earlier"  # 2027.3 against Villalobos et al.'s 2028
    assert out["next_ot_text"] == (
        "Over-training by 5.0× (the parameter `overtrain`) moves the median to 2026.6 (80% "
        "interval [2025.2, 2028.9]), 0.7 years earlier."
    )
    out = g.trends_and_wall(
        _fit(3.5, (3.2, 3.9), 371),
        _fit(2.456, (2.2, 2.7), 85),
        _wall(2029.5, (2027.0, 2033.0)),
        _wall(2029.5, (2027.0, 2033.0)),
        _params(overtrain=1.0),
    )
    assert out["next_epoch_cmp"].startswith("outside") and not _holds("next_epoch_cmp")
    assert out["next_wall_dir"] == "later" and out["next_wall_diff"] == "1.5"
    assert "does not move" in out["next_ot_text"] and not _holds("next_ot_text")


def test_loss_step_canonical_with_an_open_interval():
    out = g.loss_step(
        _params(),
        1.9,
        _iv(1.9, 1.87, 1.93),
        _iv(0.083, 0.05, 0.12),
        _step(),
        _unc(n_impossible=40),
    )
    assert out["next_c0"] == "3.8 × 10²⁵" and out["next_l0"] == "1.900"
    assert out["next_l0_ci"] == " (95% interval [1.870, 1.930])"
    assert out["next_gap_ci"] == " ([0.050, 0.120])"
    assert out["next_ex1_left_epoch"] == "0.083 (95% interval [0.050, 0.120])"
    assert re.fullmatch(r"\d\.\d{3}", out["next_ex1_left_hoffmann"])
    assert (
        out["next_law_text"].startswith("the book's canonical law")
        and "1,000, seed 42" in (out["next_law_text"])
    )
    assert out["next_impossible_note"] == (
        "; 40 of them cannot reach the target at any budget (it lies below their own floor) and "
        "count as an unbounded price"
    )
    assert out["next_step_text"] == (
        "Lowering it by another 0.050 nats/token costs 12.0× the compute (4.6 × 10²⁶ FLOP; 95% "
        "interval [5.00×, no upper bound] over 1,000 bootstrap resamples of the law; 40 of them "
        "cannot reach the target at any budget (it lies below their own floor) and count as an "
        "unbounded price). At the compute trend above, that multiplier arrives in 4.2 years (95% "
        "interval [3.0, no upper bound], pairing the law's resamples with the trend's). The "
        "compute-optimal model for it has 3.8 × 10¹² parameters ([2.0 × 10¹², 6.0 × 10¹²]) "
        "trained on 2.0 × 10¹³ tokens ([1.0 × 10¹³, 5.0 × 10¹³])."
    )
    # 2e13 tokens: 6.7% of 300T, 2.0% of 1000T, 20% of 100T; the law's range 1e13/1000T-5e13/100T
    assert out["next_share_text"] == (
        "Those tokens are 6.7% of Villalobos et al.'s median estimate of the stock of public human "
        "text, 300 trillion tokens, and between 2% and 20% of it over the stock's 90% interval of "
        "100–1,000 trillion tokens. Counting the law's uncertainty in the tokens as well, the "
        "range is [1%, 50%]."
    )
    assert _holds("next_chart_text") and "three of the numbers" in out["next_chart_text"]


def test_loss_step_one_impossible_resample_and_printed_constants():
    out = g.loss_step(
        _params(law="hoffmann"),
        1.95,
        _iv(1.9, 1.87, 1.93),
        _iv(0.083, 0.05, 0.12),
        _step(),
        _unc(n_impossible=1),
    )
    assert (
        "1 of them" in out["next_impossible_note"]
        and "its own floor" in (out["next_impossible_note"])
    )
    assert not _holds("next_law_text") and "history only" in out["next_law_text"]
    assert out["next_l0_ci"] == " (no interval: printed constants)"
    assert out["next_gap_ci"] == " (no interval)"
    text = out["next_step_text"]
    assert "; no interval: these printed constants come without one)" in text
    assert "Under the canonical law (" in text and "the same step costs 12.0× the compute" in text
    assert "(interval [3.9, 4.6] from the trend's uncertainty only)" in text
    assert "Counting the law's uncertainty" not in out["next_share_text"]


def test_loss_step_impossible():
    out = g.loss_step(
        _params(loss_step=0.5),
        1.9,
        _iv(1.9, 1.87, 1.93),
        _iv(0.083, 0.05, 0.12),
        None,
        _unc(n_impossible=1000, possible=False),
    )
    assert not _holds("next_step_text")
    assert out["next_step_text"].startswith(
        "Lowering it by another 0.500 nats/token is impossible under this law: the target, "
        "1.400 nats/token, lies below"
    )
    assert not _holds("next_share_text") and out["next_share_text"].startswith("With no next")
    assert not _holds("next_chart_text") and "no budget to draw" in out["next_chart_text"]


@pytest.mark.parametrize(
    ("tokens", "binds", "maybe", "phrase"),
    [
        (2e15, True, True, "more tokens than even the high estimate"),  # > 1000T
        (5e14, False, True, "between 50% and 500% of the stock"),  # between 100T and 1000T
        (2e13, False, False, "at most 20% of the stock"),  # below 100T
    ],
)
def test_reading_which_constraint_binds(tokens, binds, maybe, phrase):
    out = g.reading(_params(), _step(tokens=tokens, years=4.23))
    assert _holds("next_data_binds") is binds and _holds("next_data_maybe") is maybe
    assert _holds("next_reason_data") is binds and _holds("next_reason_maybe") is maybe
    assert out["next_reading"].startswith("On that pace the next step in loss arrives in about 4.2")
    assert phrase in out["next_reading"]
    assert out["next_reason"] == out["next_reason_data"]


def test_reading_without_a_step():
    out = g.reading(_params(), None)
    assert set(out) == {"next_reading", "next_reason"}
    assert not _holds("next_reading") and "impossible, not just expensive" in out["next_reading"]
    assert not _holds("next_reason") and "cannot buy this step at all" in out["next_reason"]


def test_exchange_priced():
    out = g.exchange(_params(), _exchange(), -0.3)
    assert out["next_b"] == "-0.300" and out["next_k"] == "16" and out["next_small"] == "7.0 × 10⁹"
    assert _holds("next_eff_text") and not _holds("next_eff_none")
    assert out["next_eff_text"] == (
        "are worth one sample from a model 3.46× larger (95% interval [2.00×, 8.00×] over the "
        "law's resamples; the link is assumed, so this is not the whole uncertainty). Training "
        "that larger model compute-optimally would take 11.9× the compute, which is 1.7 years of "
        "the compute trend (interval [1.6, 1.8] from the trend's uncertainty). That is the "
        "test-time exchange rate: a one-off price paid in training compute, against a price per "
        "query paid at inference."
    )
    out = g.exchange(_params(law="hoffmann"), _exchange(interval=None), -0.3)
    assert "(no interval: the law's printed constants come without one)" in out["next_eff_text"]


@pytest.mark.parametrize("success", [0.0, 1.0])
def test_exchange_saturated_link(success):
    nan = math.nan
    ex = _exchange(
        small_success=success,
        saturated=True,
        multiplier=nan,
        interval=None,
        compute_multiplier=nan,
        years=nan,
        years_ci=(nan, nan),
    )
    out = g.exchange(_params(), ex, -0.3)
    assert not _holds("next_eff_text") and _holds("next_eff_none")
    assert out["next_eff_text"] == out["next_eff_none"]
    assert out["next_eff_text"].startswith(
        f"cannot be priced: under the assumed link the small model's single-sample success is "
        f"{success:.0f} to machine precision"
    )
    assert "no exchange rate to quote" in out["next_eff_text"]


def test_exchange_no_matching_model():
    inf = math.inf
    ex = _exchange(multiplier=inf, interval=_iv(inf, 50.0, inf), compute_multiplier=inf, years=inf)
    out = g.exchange(_params(), ex, -0.3)
    assert not _holds("next_eff_text") and not _holds("next_eff_none")
    assert out["next_eff_text"].startswith("do better than one sample from any model up to a")


def test_summary_table():
    p = _params()
    t = g.summary_table(
        p,
        _fit(4.2551, (4.01, 4.52), 371),
        _wall(2027.34, (2025.9, 2029.96)),
        _step(),
        _unc(),
        _exchange(),
    )
    assert list(t.columns) == ["quantity", "this book", "interval", "published"]
    assert len(t) == 6
    assert t.iloc[0, 1:3].tolist() == ["4.26×", "[4.01, 4.52] (95%)"]
    assert t.iloc[1, 1:3].tolist() == ["2027.3", "[2025.9, 2030.0] (80%)"]
    assert t.iloc[2, 0] == "Compute for the next 0.05-nat loss step (Besiroglu et al. 2024 refit)"
    assert t.iloc[2, 1:3].tolist() == ["12.0×", "[5.00×, 40.0×] (95%)"]
    assert t.iloc[3, 1:3].tolist() == ["4.2", "[3.0, 7.5] (95%)"]
    assert t.iloc[4, 1:3].tolist() == ["6.7%", "2%–20% over the stock's 90% range"]
    assert t.iloc[5, 1:3].tolist() == ["3.46× params", "[2.00×, 8.00×] (law only; link assumed)"]
    nan = math.nan
    saturated = _exchange(saturated=True, small_success=0.0, multiplier=nan, interval=None)
    t = g.summary_table(
        _params(law="hoffmann"),
        _fit(4.2551, (4.01, 4.52), 371),
        _wall(2027.34, (2025.9, 2029.96)),
        None,
        _unc(),
        saturated,
    )
    assert t.iloc[2, 1:3].tolist() == ["impossible (below the floor E)", "—"]
    assert "printed constants" in t.iloc[2, 0]
    assert t.iloc[5, 1:3].tolist() == ["—", "link saturated: nothing to exchange"]
    t = g.summary_table(
        _params(law="hoffmann"),
        _fit(4.2551, (4.01, 4.52), 371),
        _wall(2027.34, (2025.9, 2029.96)),
        _step(),
        _unc(),
        _exchange(interval=None),
    )
    assert t.iloc[2, 1:3].tolist() == ["12.0×", "none (printed constants)"]
    assert t.iloc[3, 1:3].tolist() == ["4.2", "[3.9, 4.6] (trend only)"]
    assert t.iloc[5, 1:3].tolist() == ["3.46× params", "assumption-driven"]


# ---------------------------------------------------------------- seven ways to scale


def _row(axis="parameters", value=2.4, lo=2.0, hi=3.0, *, unit=PRETRAINING, **kw) -> AxisCost:
    base = dict(
        axis=axis,
        step="loss −0.01 nats/token",
        unit=unit,
        value=value,
        lo=lo,
        hi=hi,
        level=0.95,
        identified=True,
        limit="a limit",
        source="a source",
        inference=1.0,
    )
    return AxisCost(**{**base, **kw})


def _axes_params(**kw) -> SimpleNamespace:
    base = dict(
        axis_loss_step=0.01,
        axis_gain=0.05,
        filter_worse="RefinedWeb",
        rl_from_fraction=0.5,
        frac_hard=0.2,
        p_easy=0.7,
        p_hard=0.4,
    )
    return _params(**{**base, **kw})


def test_price_every_case():
    assert g.price(_row()) == "2.40× (95% interval [2.00×, 3.00×])"
    assert g.price(_row(hi=math.inf)) == "2.40× (95% interval [2.00×, no upper bound])"
    assert g.price(_row(lo=math.nan, hi=math.nan)) == "2.40× (no interval: printed constants)"
    assert g.price(_row(lo=math.nan, hi=math.nan, identified=False)) == (
        "2.40× (illustrative; no interval: assumed inputs)"
    )
    assert g.price(_row(level=math.nan, identified=False)) == (
        "2.40× (illustrative, range [2.00×, 3.00×])"
    )
    assert g.price(_row(value=math.inf)).startswith("impossible")
    assert g.price(_row(value=math.nan, limit="why")) == "not identified (why)"


def test_axes_table_cells():
    rows = [
        _row(inference=2.4),
        _row("data (fresh tokens)", value=math.inf),
        _row("curated data (better filter)", value=math.nan, identified=False),
        _row(
            "RL training compute",
            value=1.19,
            lo=1.18,
            hi=1.2,
            unit=RL_COMPUTE,
            level=math.nan,
            identified=False,
            inference=math.nan,
        ),
        pending := axis_pending("more calls (majority vote)", "module missing"),
    ]
    df = g.axes_table(rows)
    assert list(df.columns) == [
        "axis",
        "improvement",
        "pays in",
        "multiplier",
        "interval",
        "inference per query",
        "limit",
        "source",
    ]
    assert df.iloc[0][["multiplier", "interval", "inference per query"]].tolist() == [
        "2.40×",
        "95% interval [2.00×, 3.00×]",
        "2.40×",
    ]
    assert df.iloc[1][["multiplier", "interval", "inference per query"]].tolist() == [
        "impossible",
        "—",
        "unchanged",
    ]
    assert df.iloc[2]["multiplier"] == "not identified"
    assert df.iloc[3][["multiplier", "interval", "inference per query"]].tolist() == [
        "1.19× (illustrative)",
        "range [1.18×, 1.20×]",
        "not identified",
    ]
    assert df.iloc[4]["multiplier"] == "pending" and pending.limit == "module missing"
    big = g.axes_table([_row(limit="needs 8.2% of 3e+14 tokens", source="at 5.7e+21 FLOP")])
    assert big.iloc[0]["limit"] == "needs 8.2% of 3.0 × 10¹⁴ tokens"
    assert big.iloc[0]["source"] == "at 5.7 × 10²¹ FLOP"


def _seven(p=None, **rows):
    base = dict(
        co=_row("parameters and data together (compute-optimal)", 2.25, 2.0, 2.6, inference=1.5),
        params=_row(inference=2.4),
        data=_row("data (fresh tokens)", 2.41, 1.9, 4.0),
        repeat=_row("repeated data (more epochs)", 2.48, 1.9, 4.8),
        tt=_row("test-time compute (samples)", 2.16, 1.96, 2.5, unit=INFERENCE, inference=2.16),
        curated=_row("curated data (better filter)", 3.27, 1.66, 8.49),
        rl=_row(
            "RL training compute",
            1.19,
            1.18,
            1.2,
            unit=RL_COMPUTE,
            level=math.nan,
            identified=False,
        ),
        calls=_row(
            "more calls (majority vote)",
            3.0,
            math.nan,
            math.nan,
            unit=INFERENCE,
            identified=False,
            inference=3.0,
        ),
    )
    return g.seven_axes(p or _axes_params(), **{**base, **rows}, curated_flops=5.7e21)


def test_seven_axes_texts_and_branches():
    out = _seven()
    assert out["next_ax_delta"] == "0.010" and out["next_ax_gain"] == "5.0"
    assert out["next_ax_rl_from"] == "50%" and out["next_ax_cur_flops"] == "5.7 × 10²¹"
    assert out["next_ax_mix"] == (
        "80% easy queries (one call right with probability 0.70) and 20% hard ones (0.40)"
    )
    assert out["next_ax_co"] == "2.25× (95% interval [2.00×, 2.60×])"
    assert _holds("next_ax_alone") and _holds("next_ax_pd")
    # overlapping intervals: no order between parameters and data
    assert not _holds("next_ax_pd_order") and not _holds("next_ax_pd_data")
    assert "indistinguishable" in out["next_ax_pd"]
    assert "2.40× as much per query" in out["next_ax_pd_infer"]
    # 2.48 / 2.41 - 1 = 2.9%
    assert out["next_ax_repeat_cmp"].startswith("only 2.9% more") and _holds("next_ax_repeat_cmp")
    assert out["next_ax_calls_text"] == "takes 3 calls per query, 3.00× the inference"
    assert (
        _holds("next_ax_curated_text") and _holds("next_ax_rl_text") and _holds("next_ax_tt_text")
    )
    # separated intervals: data cheaper; repeats much dearer; everything else impossible
    out = _seven(
        params=_row(value=9.0, lo=8.0, hi=10.0, inference=9.0),
        repeat=_row("repeated data (more epochs)", 4.0, 1.9, 9.0),
        curated=_row("curated data (better filter)", math.nan, identified=False, limit="no"),
        rl=_row("RL training compute", math.inf, unit=RL_COMPUTE),
        calls=_row("more calls (majority vote)", math.inf, unit=INFERENCE),
        tt=_row("test-time compute (samples)", math.inf, unit=INFERENCE),
    )
    assert _holds("next_ax_pd_data") and "Fresh data alone are the cheaper" in out["next_ax_pd"]
    assert not _holds("next_ax_repeat_cmp") and out["next_ax_repeat_cmp"].startswith("66% more")
    for name in (
        "next_ax_curated_text",
        "next_ax_rl_text",
        "next_ax_calls_text",
        "next_ax_tt_text",
    ):
        assert not _holds(name)
    # parameters cheaper; and a step too large for either axis alone and for the frontier
    _seven(params=_row(value=1.5, lo=1.4, hi=1.6, inference=1.5))
    assert _holds("next_ax_pd_order")
    out = _seven(
        co=_row("parameters and data together (compute-optimal)", math.inf),
        params=_row(value=math.inf),
        data=_row("data (fresh tokens)", math.inf),
        repeat=_row("repeated data (more epochs)", math.inf),
    )
    assert not _holds("next_ax_both") and "cannot be bought" in out["next_ax_both"]
    assert not _holds("next_ax_pd") and not _holds("next_ax_pd_infer")
    assert out["next_ax_repeat_cmp"] == "impossible, as with fresh text"

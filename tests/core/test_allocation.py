"""Tests for scalinglaws.core.allocation (paper_numbers §1.3, §3.2-3.4, §4, §6)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scalinglaws.core.allocation import (
    HOFFMANN_TABLE3,
    HOFFMANN_TABLE_A3,
    TABLE3_PARAMS,
    Allocation,
    compute_optimal,
    flops_for_optimal_params,
    inference_aware,
    optimal_params,
    table3,
)
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import HOFFMANN, HOFFMANN_TEX, KAPLAN, PF_DAY_FLOP

budgets = st.floats(min_value=1e15, max_value=1e30, allow_nan=False, allow_infinity=False)


def test_hoffmann_rounded_at_gopher_budget():
    # paper_numbers §3.2 [D]: at C = 5.76e23 the rounded law gives N* = 3.22e10, D* = 2.98e12,
    # D/N ~ 93 (tolerance: 3 significant figures, i.e. 0.5%).
    a = compute_optimal(5.76e23, "hoffmann")
    assert isinstance(a, Allocation) and a.law == "hoffmann"
    assert a.params == pytest.approx(3.22e10, rel=5e-3)
    assert a.tokens == pytest.approx(2.98e12, rel=5e-3)
    assert a.tokens_per_param == pytest.approx(93, abs=0.5)
    assert set(a.to_dict()) == {"flops", "params", "tokens", "tokens_per_param", "loss", "law"}


def test_hoffmann_tex_at_gopher_budget():
    # paper_numbers §3.2 [D]: unrounded TeX constants give N* = 4.03e10, D/N ~ 59; the paper's
    # Fig. 4 caption says Approach 3 projects ~40B params at the Gopher budget.
    a = compute_optimal(5.76e23, HOFFMANN_TEX)
    assert a.params == pytest.approx(4.03e10, rel=5e-3)
    assert a.tokens_per_param == pytest.approx(59, abs=0.5)


def test_epoch_tokens_per_param():
    # paper_numbers §4 [D]: Epoch's fit gives D/N = 18.4 at C = 5.88e23 (tolerance 0.1). With the
    # full-precision vector we get 18.33; the rounded Table 1 values give 18.38.
    a = compute_optimal(5.88e23, "epoch")
    assert a.tokens_per_param == pytest.approx(18.4, abs=0.1)
    # Implied allocation exponent a = 0.513 (epoch-repo cell 59).
    c1, c2 = 1e21, 1e25
    slope = np.log(optimal_params(c2, "epoch") / optimal_params(c1, "epoch")) / np.log(c2 / c1)
    assert slope == pytest.approx(0.513, abs=5e-4)  # closed form; half a unit of the printed 0.513


def test_kaplan_allocation():
    # Kaplan Table 6: N = 1.3e9 (C/PF-day)^0.73 non-embedding params; D = C/(6N).
    c = 1e3 * PF_DAY_FLOP
    a = compute_optimal(c, "kaplan")
    assert a.params == pytest.approx(1.3e9 * 1e3**0.73)
    assert 6 * a.params * a.tokens == pytest.approx(c)
    assert a.loss == pytest.approx(KAPLAN.loss(a.params, a.tokens))
    assert flops_for_optimal_params(a.params, "kaplan") == pytest.approx(c)


def test_chinchilla_beats_gopher_under_rounded_law():
    # paper_numbers §3.2 [D]: L(70B, 1.4T) = 1.937 < L(280B, 300B) = 1.993.
    assert HOFFMANN.loss(70e9, 1.4e12) == pytest.approx(1.937, abs=5e-4)
    assert HOFFMANN.loss(280e9, 300e9) == pytest.approx(1.993, abs=5e-4)


@given(budgets, st.sampled_from(["hoffmann", "hoffmann-tex", "epoch", "muennighoff-c4", "kaplan"]))
def test_budget_is_spent(c, law):
    a = compute_optimal(c, law)
    assert 6 * a.params * a.tokens == pytest.approx(c, rel=1e-9)


@given(budgets, st.floats(min_value=0.5, max_value=2.0).filter(lambda k: abs(k - 1) > 1e-3))
@settings(max_examples=50)
def test_optimum_beats_neighbours_on_isoflop(c, k):
    # Any other split of the same budget has higher loss (Hoffmann eq 4 is the isoFLOP minimum).
    for law in (HOFFMANN, HOFFMANN_TEX):
        a = compute_optimal(c, law)
        n = a.params * k
        assert law.loss(n, c / (6 * n)) > a.loss


@given(budgets, st.floats(min_value=1.5, max_value=100))
def test_optimal_size_and_loss_monotone_in_budget(c, k):
    a, b = compute_optimal(c), compute_optimal(c * k)
    assert b.params > a.params and b.tokens > a.tokens and b.loss < a.loss


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "1e20", None, [1e20, 1e21]])
def test_compute_optimal_rejects_bad_budget(bad):
    with pytest.raises(InputError) as exc:
        compute_optimal(bad)
    assert "\n" not in str(exc.value) and "flops" in str(exc.value)


def test_compute_optimal_unknown_law():
    with pytest.raises(InputError, match="known laws"):
        compute_optimal(1e20, "nope")


def test_table3_inverts_n_opt():
    df = table3("hoffmann")
    assert list(df.columns) == [
        "params",
        "flops",
        "tokens",
        "tokens_per_param",
        "flops_gopher_units",
        "loss",
    ]
    assert np.allclose(df["params"], TABLE3_PARAMS)
    for n, c in zip(df["params"], df["flops"], strict=True):
        assert compute_optimal(c, "hoffmann").params == pytest.approx(n, rel=1e-9)
    assert np.allclose(6 * df["params"] * df["tokens"], df["flops"])


def test_published_tables_self_consistent():
    # Table 3 and A3 tokens/FLOPs obey 6ND to print precision (<= 4%: e.g. 67B x 1.5T), except the
    # A3 175B FLOPs, printed 1.26e24 where 6ND gives 1.26e25 (typo, flagged in `note`).
    t3 = HOFFMANN_TABLE3
    assert ((6 * t3.params * t3.tokens / t3.flops - 1).abs() < 0.05).all()
    a3 = HOFFMANN_TABLE_A3
    ratio = 6 * a3.params * a3.a3_tokens / a3.a3_flops
    assert ratio[4] == pytest.approx(10.0, rel=1e-2)
    assert "typo" in a3.note[4]
    assert ((ratio.drop(4) - 1).abs() < 0.05).all()
    assert ((6 * a3.params * a3.a2_tokens / a3.a2_flops - 1).abs() < 0.1).all()


def test_table_a3_from_hoffmann_tex():
    # Hoffmann Table A3 (Approach 3) vs table3(HOFFMANN_TEX). Honest tolerance: the published
    # column is NOT reproduced to a few percent. 400M: 2.35e19 FLOP / 9.79B tokens vs 2.21e19 /
    # 9.2B (+6.3%, +6.4%); the gap grows with size to +18% at 10T. The A3 column implies
    # D ∝ N^1.179, i.e. alpha/beta = 1.179, vs 1.190 for the TeX constants (1.214 rounded), so the
    # table was generated with slightly different constants than the ones printed.
    ours = table3(HOFFMANN_TEX)
    pub = HOFFMANN_TABLE_A3
    pub_flops = pub.a3_flops.copy()
    pub_flops[4] = 6 * 175e9 * 12.0e12  # typo-corrected
    rel_f = ours.flops / pub_flops - 1
    rel_t = ours.tokens / pub.a3_tokens - 1
    assert rel_f[0] == pytest.approx(0.063, abs=0.005)
    assert rel_t[0] == pytest.approx(0.064, abs=0.005)
    assert ((rel_f > 0) & (rel_f < 0.19)).all()
    assert ((rel_t > 0) & (rel_t < 0.19)).all()
    slope = np.polyfit(np.log(pub.params), np.log(pub.a3_tokens), 1)[0]
    assert slope == pytest.approx(1.179, abs=2e-3)
    assert HOFFMANN_TEX.alpha / HOFFMANN_TEX.beta == pytest.approx(1.190, abs=1e-3)


def test_rounded_constants_at_a3_400m_budget():
    # nanoGPT scaling_laws.ipynb: rounded constants at C = 2.21e19 give 316.23M params and
    # 11.65B tokens (vs the table's 400M / 9.2B). We get 326.1M / 11.29B (3% off nanoGPT, whose
    # notebook uses a numerical isoFLOP search rather than the closed form).
    a = compute_optimal(2.21e19, "hoffmann")
    assert a.params == pytest.approx(326.1e6, rel=1e-3)
    assert a.params == pytest.approx(316.23e6, rel=0.04)
    assert a.tokens == pytest.approx(11.65e9, rel=0.04)


# --- inference-aware (Sardana et al. 2024) -----------------------------------------------


def test_sardana_worked_example():
    # Sardana et al. 2024 Fig. 1: a 13B Chinchilla-optimal model with 2T inference tokens ->
    # a 7B model trained longer saves 1.7e22 FLOP (17%). Their constants are Chinchilla's; with
    # the unrounded TeX constants we get 7.12B, 16.3%, 1.63e22 saved. Tolerances: N within
    # 6.5-7.5B, savings 15-18%, saved FLOP within 10% of 1.7e22. (Rounded constants give 8.0B
    # and 10%; Epoch's give 6.1B and 29%: the example is sensitive to the constants.)
    law = HOFFMANN_TEX
    c13 = flops_for_optimal_params(13e9, law)
    target = compute_optimal(c13, law).loss
    r = inference_aware(law, target, 2e12)
    assert r.converged
    # the baseline budget is a brentq root in log C (xtol 1e-12) of a monotone loss: ~1e-14
    assert r.chinchilla_params == pytest.approx(13e9, rel=1e-6)
    assert 6.5e9 < r.params < 7.5e9
    assert 0.15 < r.savings < 0.18
    saved = r.chinchilla_total_flops - r.total_flops
    assert saved == pytest.approx(1.7e22, rel=0.1)
    # closed form: D_tr(N) solves L(N, D_tr) = target for whatever N the optimiser returns
    assert law.loss(r.params, r.train_tokens) == pytest.approx(target, rel=1e-10)
    assert r.total_flops == pytest.approx(r.train_flops + r.inference_flops)
    assert r.tokens_per_param > r.chinchilla_train_tokens / r.chinchilla_params


def test_inference_zero_gives_chinchilla_optimum():
    for law in ("hoffmann", "hoffmann-tex", "epoch"):
        target = compute_optimal(1e22, law).loss
        r = inference_aware(law, target, 0)
        # bounded Brent on log N stops within sqrt(eps) |log N| ~ 3e-7 of a flat minimum
        # (measured 5e-8 relative in N)
        assert r.params == pytest.approx(r.chinchilla_params, rel=1e-4)
        # brentq root in log C (xtol 1e-12) of a monotone loss: measured 1e-15
        assert r.chinchilla_train_flops == pytest.approx(1e22, rel=1e-8)
        # total FLOPs at a minimum: second-order in that 3e-7, so ~1e-13 (measured 2e-14)
        assert r.savings == pytest.approx(0, abs=1e-8)


@given(st.floats(min_value=1e9, max_value=1e14), st.floats(min_value=1.5, max_value=100))
@settings(max_examples=30, deadline=None)
def test_more_inference_demand_means_smaller_model(d_inf, k):
    target = 2.1
    small = inference_aware("hoffmann", target, d_inf)
    big = inference_aware("hoffmann", target, d_inf * k)
    assert big.params < small.params
    assert big.train_tokens > small.train_tokens
    assert big.savings >= small.savings - 1e-9


def test_inference_aware_errors():
    with pytest.raises(InputError, match="irreducible"):
        inference_aware("hoffmann", 1.69, 1e12)
    with pytest.raises(InputError, match="irreducible"):
        inference_aware("hoffmann", 1.0, 1e12)
    with pytest.raises(InputError):
        inference_aware("hoffmann", 2.0, -1)
    with pytest.raises(InputError):
        inference_aware("hoffmann", 2.0, float("nan"))
    with pytest.raises(InputError):
        inference_aware("kaplan", 2.0, 1e12)
    with pytest.raises(InputError):
        inference_aware("hoffmann", float("inf"), 1e12)

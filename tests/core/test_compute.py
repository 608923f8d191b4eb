"""Tests for scalinglaws.core.compute (paper_numbers §1.4, §2, §3.6, §11)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scalinglaws.core.compute import (
    CHINCHILLA,
    GOPHER,
    GPT3_TABLE_2_1,
    GPT3_TABLE_D1,
    GPT_SERIES,
    H100_BF16_DENSE_FLOPS,
    PF_DAY_FLOP,
    flops_per_token,
    gpt3_flops_table,
    gpt3_param_table,
    gpt_series_frame,
    gpu_hours,
    kaplan_params,
    pf_days,
    training_cost_usd,
    training_flops,
    transformer_params,
)
from scalinglaws.core.errors import InputError


def test_kaplan_params():
    # Kaplan eq 2.1: N = 12 n_layer d_model^2 (non-embedding).
    assert kaplan_params(12, 768) == 12 * 12 * 768**2 == 84_934_656
    assert kaplan_params(96, 12288) == pytest.approx(1.7395e11, rel=1e-4)


def test_gpt2_small_exact_count():
    # paper_numbers §2.1: nanoGPT gpt_params() = 123,653,376 (no position embeddings);
    # + 1024*768 position embeddings = 124,439,808 (HF "124M").
    assert transformer_params(12, 768, 12, 50257, 1024) == 124_439_808
    assert transformer_params(12, 768, 12, 50257, 1024, learned_positions=False) == 123_653_376


def test_transformer_params_options():
    base = transformer_params(12, 768, 12, 50257, 1024)
    untied = transformer_params(12, 768, 12, 50257, 1024, tied_embeddings=False)
    assert untied - base == 50257 * 768
    no_emb = transformer_params(12, 768, 12, 50257, 1024, include_embeddings=False)
    assert base - no_emb == (50257 + 1024) * 768
    # Non-embedding count = Kaplan's 12 L d^2 plus biases and layer norms (13 d per block + 2d).
    assert no_emb == kaplan_params(12, 768) + 12 * 13 * 768 + 2 * 768
    nob = transformer_params(12, 768, 12, 50257, 1024, include_embeddings=False, biases=False)
    assert nob == kaplan_params(12, 768) + 12 * 4 * 768 + 2 * 768
    assert transformer_params(2, 64, 4, 100, 16, d_ff=128) < transformer_params(2, 64, 4, 100, 16)


@pytest.mark.parametrize("bad", [0, -3, 1.5, "12", None, True, float("nan")])
def test_transformer_params_rejects_bad(bad):
    with pytest.raises(InputError) as exc:
        transformer_params(bad, 768, 12, 50257, 1024)
    assert "\n" not in str(exc.value)


def test_flops_per_token():
    # Kaplan eq 2.2 x 3: 6N + 6 n_layer n_ctx d_attn.
    assert flops_per_token(1e9) == 6e9
    assert flops_per_token(1e9, 24, 2048, 2048) == pytest.approx(6e9 + 6 * 24 * 2048 * 2048)
    with pytest.raises(InputError):
        flops_per_token(1e9, n_layer=24)


def test_training_flops_pf_days_gpu_hours_cost():
    assert training_flops(1e9, 2e10) == 1.2e20
    assert pf_days(PF_DAY_FLOP) == 1.0
    # H100 dense BF16 989.4 TFLOP/s (paper_numbers §11).
    assert H100_BF16_DENSE_FLOPS == 989.4e12
    # paper_numbers §11 [D]: 3.8e25 / (16384 x 989.4e12 x 0.40) ~ 68 days.
    hours = gpu_hours(3.8e25, H100_BF16_DENSE_FLOPS, 0.40)
    assert hours / 16384 / 24 == pytest.approx(68, abs=0.5)
    assert training_cost_usd(3.8e25, H100_BF16_DENSE_FLOPS, 0.40, 2.0) == pytest.approx(2 * hours)
    with pytest.raises(InputError):
        gpu_hours(1e20, H100_BF16_DENSE_FLOPS, 1.5)
    with pytest.raises(InputError):
        training_cost_usd(-1, H100_BF16_DENSE_FLOPS, 0.4, 2.0)
    with pytest.raises(InputError):
        pf_days(float("inf"))


@given(
    st.floats(min_value=1e3, max_value=1e13),
    st.floats(min_value=1e3, max_value=1e15),
)
def test_training_flops_property(n, d):
    assert training_flops(n, d) == pytest.approx(6 * n * d)
    assert flops_per_token(n) * d == pytest.approx(training_flops(n, d))


def test_gpt3_table_as_printed():
    # Brown et al. 2020 Table 2.1 as printed, incl. d_model 5140 for 13B.
    assert len(GPT3_TABLE_2_1) == 8
    row13 = [r for r in GPT3_TABLE_2_1 if r.name == "GPT-3 13B"][0]
    assert row13.d_model == 5140 and row13.n_heads * row13.d_head == 5120
    assert GPT3_TABLE_2_1[-1].n_layers == 96 and GPT3_TABLE_2_1[-1].d_model == 12288


def test_gpt3_recomputed_params_within_2pct():
    # Exact count (vocab 50257, n_ctx 2048, d_ff = 4 d_model) vs Table 2.1 n_params: |err| < 2%
    # for every row once 13B uses d_model = 5120. Largest gap: 2.7B (-1.8%), Medium (+1.7%).
    df = gpt3_param_table(correct_13b=True)
    assert (df["rel_error"].abs() < 0.02).all()
    # Against Table D.1's params column (M, more digits) the agreement is within 0.35% for all rows.
    assert (df["rel_error_d1"].abs() < 0.0035).all()
    # 13B with 5120 matches D.1's 12,850M to 0.03%; with the printed 5140 it is 0.8% off.
    printed = gpt3_param_table()
    r13c = df.set_index("name").loc["GPT-3 13B"]
    r13p = printed.set_index("name").loc["GPT-3 13B"]
    assert abs(r13c["rel_error_d1"]) < 5e-4
    assert r13p["rel_error_d1"] == pytest.approx(0.008, abs=5e-4)


def test_gpt3_typo_flags():
    df = gpt3_param_table().set_index("name")
    assert "5140" in df.loc["GPT-3 13B", "typo"] and "5120" in df.loc["GPT-3 13B", "typo"]
    assert "3072" in df.loc["GPT-3 XL", "typo"]
    flagged = set(df.index[df["typo"] != ""])
    assert flagged == {"GPT-3 13B", "GPT-3 XL"}
    assert list(df.reset_index().columns) == [
        "name",
        "n_layers",
        "d_model_printed",
        "d_model_used",
        "n_heads",
        "d_head",
        "n_params_printed",
        "n_params_recomputed",
        "rel_error",
        "n_params_table_d1",
        "rel_error_d1",
        "typo",
    ]


def test_gpt3_table_d1_6nd_within_1pct():
    # Brown et al. 2020 Table D.1: 6 N D reproduces the FLOPs column within 1% for every row
    # (max deviation 0.17%); 175B: 3.14e23 FLOP, 3.64e3 PF-days.
    df = gpt3_flops_table()
    assert (df["rel_error"].abs() < 0.01).all()
    assert ((df["pf_days_6nd"] / df["pf_days_printed"] - 1).abs() < 0.01).all()
    big = df.set_index("name").loc["GPT-3 175B"]
    assert big["flops_6nd"] == pytest.approx(3.14e23, rel=1e-3)
    assert big["pf_days_6nd"] == pytest.approx(3.64e3, rel=1e-3)
    assert len(GPT3_TABLE_D1) == 8


def test_chinchilla_gopher_6nd():
    # paper_numbers §3.6 [D]: 6ND = 5.88e23 (Chinchilla 70B/1.4T), 5.04e23 (Gopher 280B/300B);
    # paper budget for both: 5.76e23.
    assert training_flops(CHINCHILLA.params, CHINCHILLA.tokens) == pytest.approx(5.88e23, rel=1e-9)
    assert training_flops(GOPHER.params, GOPHER.tokens) == pytest.approx(5.04e23, rel=1e-9)
    assert CHINCHILLA.flops == GOPHER.flops == 5.76e23


def test_gpt_series():
    names = [m.name for m in GPT_SERIES]
    assert names == ["GPT-1", "GPT-2 (1.5B)", "GPT-3 175B", "GPT-4"]
    gpt4 = GPT_SERIES[-1]
    assert gpt4.params is None and gpt4.flops == 2.1e25 and "Epoch" in gpt4.confidence
    gpt3 = GPT_SERIES[2]
    assert training_flops(gpt3.params, gpt3.tokens) == pytest.approx(gpt3.flops, rel=1e-3)
    df = gpt_series_frame()
    assert np.isnan(df.loc[3, "params"]) and df["flops"].is_monotonic_increasing
    assert all(m.citation and m.confidence for m in GPT_SERIES)

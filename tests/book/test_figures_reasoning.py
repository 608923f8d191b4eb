"""Figures of the reasoning chapter (scalinglaws.book.figures.reasoning)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analyses import coverage, exchange, testtime
from scalinglaws.book import charts
from scalinglaws.book.figures import reasoning
from scalinglaws.core.errors import InputError


def _bars(spec):
    return [v for v in spec["datasets"].values() if v and "count" in v[0]][0]


def test_breakeven_draws_figure():
    r = np.array([1e-3, 1e-3, 2e-3, 0.01, np.inf, 0.0, np.nan])
    fig = reasoning.breakeven_draws(
        pd.DataFrame({"breakeven": r}), 2e-3, law_text="fixed", anchor="swe", multiplier=14
    )
    spec = fig.spec()
    assert "MODEL" in fig.caption and fig.alt and fig.title.startswith("How uncertain")
    assert "6 paired draws" in fig.caption  # the nan draw is left out
    assert "1 draws win at every R" in fig.caption and "1 win at none" in fig.caption
    bars = _bars(spec)
    assert sum(b["count"] for b in bars) == 6
    # the inf and 0 draws sit at the ends of the searched range, log10 R = +-8
    assert min(b["start"] for b in bars) <= -8 < min(b["end"] for b in bars)
    assert max(b["start"] for b in bars) <= 8 < max(b["end"] for b in bars)
    rule = [v for v in spec["datasets"].values() if v and "what" in v[0]][0]
    assert rule[0]["x"] == pytest.approx(math.log10(2e-3), abs=5e-3)  # rounded to 3 digits
    with pytest.raises(InputError):
        reasoning.breakeven_draws(
            pd.DataFrame({"x": [1.0]}), 1.0, law_text="", anchor="", multiplier=2
        )


# ------------------------------------------------------------------ the other figures


def _rows_with(spec, column):
    return [v for v in spec["datasets"].values() if v and column in v[0]]


def test_breakeven_draws_when_every_draw_saturates():
    """Issue #11: a link saturated at the small model leaves no draw with a break-even demand; the
    figure says so instead of failing."""
    fig = reasoning.breakeven_draws(
        pd.DataFrame({"breakeven": [np.nan] * 5}), 0.0, law_text="a", anchor="b", multiplier=2
    )
    assert "none of the 5 paired draws" in fig.caption and "saturates" in fig.caption
    assert fig.title.startswith("How uncertain") and "saturates" in fig.alt
    titles = charts.spec_titles(fig.spec())
    assert any(t.startswith("Break-even inference demand, log10 R") for t in titles)


def test_law_text():
    # the canonical law is resampled, Hoffmann et al.'s printed constants are held fixed
    assert (
        reasoning.law_text("epoch", 500) == "Besiroglu et al. 2024 refit, 500 bootstrap resamples"
    )
    assert (
        reasoning.law_text("hoffmann", 500) == "Hoffmann et al. 2022, printed constants, held fixed"
    )


def test_coverage_vote_figure():
    sim = testtime.simulate_difficulty(40, 16, seed=3, dist=(0.5, 1.5))
    curves = coverage.simulated_curves(sim, n_k=6, n_vote=3, seed=3)
    fit = coverage.fit_coverage_law(curves.ks, per_problem=curves.per_problem, seed=3, n_boot=20)
    fig = reasoning.coverage_vote(curves, fit, beta=(0.5, 1.5), seed=3, n_boot=20)
    spec = fig.spec()
    assert fig.title.endswith("(simulation)") and fig.alt
    assert "SIMULATION: 40 problems with Beta(0.5, 1.5)" in fig.caption
    assert "16 samples each (seed 3)" in fig.caption and "(20 resamples)" in fig.caption
    assert len(spec["layer"]) == 2  # the fitted band and line, the simulated points
    titles = charts.spec_titles(spec)
    assert "Samples per problem k" in titles and "Fraction of problems solved" in titles
    points = _rows_with(spec, "fraction")[0]
    assert len(points) == len(curves.ks) + len(curves.vote_ks)
    assert max(p["fraction"] for p in points) <= 1.0


def test_aime_tokens_figure():
    tokens = np.array([400.0, 800.0, 1600.0, 3200.0, 6400.0])
    aime = pd.DataFrame(
        {
            "avg_tokens_used": tokens,
            "accuracy": 0.1 + 0.05 * np.log2(tokens / 400) + np.array([0, 0.01, -0.01, 0, 0.01]),
            "n_votes": [1, 1, 1, 2, 4],
        }
    )
    fit = reasoning_fit(aime)
    fig = reasoning.aime_tokens(aime, fit, n_boot=50)
    spec = fig.spec()
    assert fig.title.startswith("o1-mini on AIME 2024") and fig.alt
    assert f"g = {100 * fit.m:.1f} points per doubling" in fig.caption
    assert "(50 resamples)" in fig.caption
    assert len(spec["layer"]) == 2
    titles = charts.spec_titles(spec)
    assert "Output tokens per problem (log scale)" in titles
    assert "AIME 2024 accuracy (fraction of 30)" in titles
    dots = _rows_with(spec, "how")[0]
    assert len(dots) == 5
    assert sum(d["how"] == "one sample" for d in dots) == 3


def reasoning_fit(aime):
    from scalinglaws.analyses.reasoning import fit_log_linear

    return fit_log_linear(aime["avg_tokens_used"], aime["accuracy"], seed=0, n_boot=50)


@pytest.fixture()
def ladders():
    return pd.DataFrame(
        {
            "family": ["a", "a", "b", "b", "c"],
            "model": ["a (low)", "a (high)", "b (low)", "b (high)", "c (x)"],
            "setting": ["low", "high", "low", "high", "x"],
            "pass_rate_pct": [40.0, 50.0, 60.0, 62.0, 30.0],
            "pass_lo_pct": [34.0, 44.0, 54.0, 56.0, 24.0],
            "pass_hi_pct": [46.0, 56.0, 66.0, 68.0, 36.0],
            "cost_usd": [1.0, 3.0, 10.0, np.nan, 2.0],
            "completion_tokens": [1e6, 2e6, np.nan, 3e6, 1e6],
        }
    )


def test_effort_cost_figure(ladders):
    fig = reasoning.effort_cost(ladders)
    spec = fig.spec()
    assert fig.title.startswith("More reasoning effort") and fig.alt
    assert "(3 models; runs with no recorded cost omitted)" in fig.caption
    assert len(spec["layer"]) == 3  # lines, points, Wilson interval bars
    titles = charts.spec_titles(spec)
    assert "API cost of the full 225-exercise run (USD, log scale)" in titles
    assert "Exercises solved after one retry (%)" in titles
    rows = _rows_with(spec, "cost_usd")[0]
    assert len(rows) == 4  # the run without a cost is left out
    # every family keeps its colour in both ladder charts
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["a", "b", "c"] and len(scale["range"]) == 3


def test_effort_tokens_figure(ladders):
    fig = reasoning.effort_tokens(ladders)
    spec = fig.spec()
    assert fig.title == "The same ladders against output tokens" and fig.alt
    assert "(1 models)" in fig.caption  # only family a has two runs with token counts
    assert len(spec["layer"]) == 3
    assert "Output tokens of the full run (log scale)" in charts.spec_titles(spec)
    rows = _rows_with(spec, "completion_tokens")[0]
    assert {r["family"] for r in rows} == {"a"}
    cost_scale = reasoning.effort_cost(ladders).spec()["layer"][0]["encoding"]["color"]["scale"]
    tok_scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert tok_scale["range"][0] == cost_scale["range"][cost_scale["domain"].index("a")]


def test_exchange_advantage_figure():
    link = exchange.LogisticLink(2.1, 0.1)
    sizes = np.array([1e9, 7e9])
    table = exchange.exchange_table("epoch", sizes, 14.0, [1e-3, 1.0, 10.0], link, -0.3)
    fig = reasoning.exchange_advantage(
        table, sizes, law="epoch", link=link, b=-0.3, anchor="swe-bench-lite", multiplier=14.0
    )
    spec = fig.spec()
    assert fig.title.startswith("MODEL: k samples") and "14x larger" in fig.title and fig.alt
    assert "L50 = 2.1, s = 0.1 nats/token" in fig.caption and "b = -0.300" in fig.caption
    assert "swe-bench-lite" in fig.caption and "ASSUMED" in fig.caption
    assert len(spec["layer"]) == 2  # the lines and the dashed zero line
    titles = charts.spec_titles(spec)
    assert any(t.startswith("Inference demand R") for t in titles)
    assert "Coverage of k samples minus large model's pass@1 (points)" in titles
    rows = _rows_with(spec, "advantage_pts")[0]
    assert len(rows) == 6  # two sizes at three demands
    assert {r["model"] for r in rows} == {"N_s = 1.0 × 10⁹", "N_s = 7.0 × 10⁹"}
    assert spec["layer"][0]["encoding"]["color"]["sort"] == ["N_s = 1.0 × 10⁹", "N_s = 7.0 × 10⁹"]


def test_post_training_gains_figure():
    flops = np.geomspace(1e21, 1e24, 8)
    gains = pd.DataFrame(
        {
            "model": [f"m{i}" for i in range(8)],
            "family": ["f"] * 8,
            "flops": flops,
            "cot_gain": 0.02 * np.log2(flops / 1e21) + 0.01 * np.sin(np.arange(8)),
            "sc_gain": 0.005 * np.log2(flops / 1e21) + 0.01 * np.cos(np.arange(8)),
        }
    )
    from scalinglaws.analyses.reasoning import fit_log_linear

    fit_cot = fit_log_linear(gains["flops"], gains["cot_gain"], seed=0, n_boot=50)
    fit_sc = fit_log_linear(gains["flops"], gains["sc_gain"], seed=0, n_boot=50)
    fig = reasoning.post_training_gains(gains, fit_cot, fit_sc, n_boot=50)
    spec = fig.spec()
    assert fig.title == "Chain-of-thought and self-consistency gains grow with scale"
    assert fig.caption.startswith("8 public base models") and "(50 resamples)" in fig.caption
    assert fig.alt
    assert len(spec["layer"]) == 2
    titles = charts.spec_titles(spec)
    assert "Training compute C (FLOP, 6ND as published)" in titles
    assert "GSM8K accuracy gain (points)" in titles
    points = _rows_with(spec, "gain")[0]
    assert len(points) == 16  # every model twice, once per technique
    flat = gains.assign(cot_gain=0.0 * gains["cot_gain"] + 0.01 * np.sin(np.arange(8)))
    fit_flat = fit_log_linear(flat["flops"], flat["cot_gain"], seed=0, n_boot=50)
    title = reasoning.post_training_gains(flat, fit_flat, fit_sc, n_boot=50).title
    assert title == "Chain-of-thought and self-consistency gains against scale"


def test_breakeven_table():

    table = pd.DataFrame(
        {
            "small_params": [1e9, 1e9, 7e9, 3e10],
            "small_p1": [0.1, 0.1, 0.25, 0.6],
            "large_p1": [0.3, 0.3, 0.5, 0.9],
        }
    )
    show = reasoning.breakeven_table(table, {1e9: 0.0, 7e9: 0.0123, 3e10: np.inf}, 14.0)
    assert list(show.columns) == [
        "small model N_s",
        "pass@1 small",
        "pass@1 14× larger",
        "test time wins below R =",
    ]
    assert show["small model N_s"].tolist() == ["1.0 × 10⁹", "7.0 × 10⁹", "3.0 × 10¹⁰"]
    assert show["pass@1 small"].tolist() == ["10.0%", "25.0%", "60.0%"]
    assert show["pass@1 14× larger"].tolist() == ["30.0%", "50.0%", "90.0%"]
    assert show["test time wins below R ="].tolist() == ["never", "0.012", "always"]


# ------------------------------------------------------------------ RL compute and more calls


def test_rl_sigmoid_figure():
    from scalinglaws.analyses import rl_compute

    table = rl_compute.scalerl_table(0.1)
    fig = reasoning.rl_sigmoid(table, r0=0.1)
    spec = fig.spec()
    assert "ILLUSTRATIVE" in fig.caption and "R0 = 0.1" in fig.caption and "Table 1" in fig.caption
    assert fig.alt and fig.title.startswith("ScaleRL's sigmoid")
    titles = charts.spec_titles(spec)
    assert "RL training compute C (GB200 GPU-hours, log scale)" in titles
    assert "Expected pass rate R(C) (fraction, mean@16)" in titles
    lines = _rows_with(spec, "pass_rate")[0]
    assert {r["run"] for r in lines} == set(reasoning.RL_RUNS)
    # at C_mid = 2542 GPU-h the main run is halfway from R0 = 0.1 to A = 0.610: the curve passes 0.355
    main = [r for r in lines if r["run"] == reasoning.RL_RUNS[0]]
    xs = np.array([r["gpu_hours"] for r in main])
    ys = np.array([r["pass_rate"] for r in main])
    assert np.interp(math.log(2542), np.log(xs), ys) == pytest.approx(0.355, abs=2e-3)
    tops = _rows_with(spec, "A")[0]
    assert sorted(r["A"] for r in tops) == [0.61, 0.645, 0.645, 0.71]
    with pytest.raises(InputError):
        reasoning.rl_sigmoid(table, r0=0.1, runs=("no such run",))


def test_scalerl_display():
    from scalinglaws.analyses import rl_compute

    shown = reasoning.scalerl_display(rl_compute.scalerl_table())
    first = shown.iloc[0]
    assert first["C_mid (GPU-h)"] == "2,542" and first["B"] == "1.92" and first["A"] == "0.610"
    assert first["ratio to C_mid"] == "3.14×"  # 9^(1/1.92)
    with pytest.raises(InputError):
        reasoning.scalerl_display(pd.DataFrame({"x": [1]}))


def test_vote_calls_figure():
    from scalinglaws.analyses import systems

    curve = systems.vote_curve(0.2, 0.7, 0.4, k_max=101)
    best = systems.optimal_calls(0.2, 0.7, 0.4, k_max=101)
    fig = reasoning.vote_calls(curve, best, frac_hard=0.2, p_easy=0.7, p_hard=0.4)
    spec = fig.spec()
    assert fig.title.startswith("More calls, then worse") and "MODEL" in fig.caption
    assert (
        "ILLUSTRATIVE" in fig.caption and "K = 31" in fig.caption and "rises to a peak" in fig.alt
    )
    titles = charts.spec_titles(spec)
    assert "Calls per query K (odd; log scale)" in titles
    assert "Majority vote correct (fraction)" in titles
    rows = _rows_with(spec, "series")[0]
    assert len({r["series"] for r in rows}) == 3 and len(rows) == 3 * 51
    point = _rows_with(spec, "what")[0]
    assert point[0]["k"] == 31 and point[0]["acc"] == pytest.approx(0.818, abs=5e-4)
    # a mix that only rises: the neutral title
    flat = reasoning.vote_calls(
        systems.vote_curve(0.0, 0.7, 0.4, k_max=21),
        systems.optimal_calls(0.0, 0.7, 0.4, k_max=21),
        frac_hard=0.0,
        p_easy=0.7,
        p_hard=0.4,
    )
    assert flat.title == "Majority vote over K calls (model)"
    with pytest.raises(InputError):
        reasoning.vote_calls(pd.DataFrame({"k": [1]}), best, frac_hard=0.2, p_easy=0.7, p_hard=0.4)

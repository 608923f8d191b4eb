"""Figures of the slowdown chapter (scalinglaws.book.figures.slowdown)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analyses import data_constrained as dc
from scalinglaws.book import charts
from scalinglaws.book.figures import slowdown
from scalinglaws.core.errors import InputError


@pytest.fixture(scope="module")
def decay(muennighoff_runs):
    mu = [muennighoff_runs[c] for c in ("params", "tokens", "unique_tokens", "val_loss")]
    fit = dc.fit_decay_constants(*mu)
    prof = dc.decay_profile(*mu, R_D_star=np.geomspace(2, 1e4, 25), minimum=fit.objective)
    ci = dc.decay_interval(prof, limit_objective=dc.no_decay_objective(*mu))
    return prof, ci, fit


def test_decay_profile_figure(decay):
    prof, ci, fit = decay
    fig = slowdown.decay_profile(prof, ci, fit, dc.PUBLISHED)
    spec = fig.spec()
    assert fig.title.startswith("How well") and "local minimum" in fig.caption and fig.alt
    assert len(spec["layer"]) == 3  # profile line, threshold rule, the two minima
    titles = charts.spec_titles(spec)
    assert "Decay constant R_D* (repetitions)" in titles
    assert any(t.startswith("Profile deviance") for t in titles)
    marks = [v for k, v in spec["datasets"].items() if v and "what" in v[0]][0]
    assert [m["what"].split()[0] for m in marks] == ["published", "global"]
    assert marks[0]["deviance"] == pytest.approx(0.49, abs=0.01)
    assert marks[1]["deviance"] == 0.0
    rule = [v for v in spec["datasets"].values() if v and set(v[0]) == {"y"}][0]
    assert rule[0]["y"] == pytest.approx(3.841)
    assert "no upper end" in fig.caption
    with pytest.raises(InputError):
        slowdown.decay_profile(prof.drop(columns="deviance"), ci, fit, dc.PUBLISHED)


def test_repeated_data_figure_uses_rounded_constants():
    fig = slowdown.repeated_data_value({"a": 15.387756, "b": 95.36517803})
    spec = fig.spec()
    rows = [v for v in spec["datasets"].values() if v and "reading" in v[0]][0]
    assert {r["R_D_star"] for r in rows} == {15.4, 95.4}  # 3 significant digits
    last = [r for r in rows if r["reading"] == "a"][-1]
    assert last["epochs"] == 256.0
    assert last["effective_epochs"] == pytest.approx(1 + 15.4 * (1 - np.exp(-255 / 15.4)), rel=1e-5)
    assert "Epochs over the unique data (D / U)" in charts.spec_titles(spec)
    with pytest.raises(InputError):
        slowdown.repeated_data_value({})
    with pytest.raises(InputError):
        slowdown.repeated_data_value({"a": 15.0}, max_epochs=1)


def test_figures_are_charts(decay):
    prof, ci, fit = decay
    assert isinstance(slowdown.decay_profile(prof, ci, fit, dc.PUBLISHED), charts.Figure)


def test_frontier_ladder_figure():
    from scalinglaws.analyses import slowdown as sd

    band = sd.frontier_band(np.geomspace(1e20, 1e29, 12), n_boot=100, seed=1)
    lad = sd.loss_drop_ladder(delta=0.04, n_steps=3)
    fig = slowdown.frontier_ladder(band, lad)
    spec = fig.spec()
    assert fig.title == "Equal loss drops, growing compute bills" and fig.alt
    assert "3 successive drops of 0.04" in fig.caption and "history" in fig.caption
    assert len(spec["layer"]) == 3  # band, laws, rungs
    titles = charts.spec_titles(spec)
    assert "Training compute C (FLOP)" in titles
    assert "Compute-optimal loss L*(C) (nats/token)" in titles
    rows = [v for v in spec["datasets"].values() if v and "law" in v[0]][0]
    labels = {r["law"] for r in rows}
    assert "Besiroglu et al. 2024 refit" in labels
    assert sum("history" in lbl for lbl in labels) == 2
    span = [v for v in spec["datasets"].values() if v and set(v[0]) == {"C", "lo", "hi"}][0]
    assert all(r["lo"] == float(f"{r['lo']:.4g}") for r in span)  # rounded to 4 digits
    one = slowdown.frontier_ladder(band, sd.loss_drop_ladder(delta=0.1, n_steps=1))
    assert "1 successive drop of 0.1" in one.caption and "starting compute" in one.caption
    with pytest.raises(InputError):
        slowdown.frontier_ladder(band.drop(columns="hi"), lad)
    with pytest.raises(InputError):
        slowdown.frontier_ladder(band, lad.iloc[:1])


def _rows(spec, key):
    """Rows of the first dataset of ``spec`` whose first row has ``key``."""
    return [v for v in spec["datasets"].values() if v and key in v[0]][0]


def test_ladder_table():
    from scalinglaws.analyses import slowdown as sd

    html = slowdown.ladder_table(sd.loss_drop_ladder("hoffmann", delta=0.04, n_steps=2)).data
    assert html.count("<tr") == 4  # header and three rungs
    assert "cost of this drop" in html and "reducible loss left" in html
    # Hoffmann at the Chinchilla budget: optimum loss 1.9307 (test_chinchilla_budget_loss)
    assert "<td>1.931</td>" in html and "<td>1.891</td>" in html and "<td>100%</td>" in html
    with pytest.raises(InputError):
        slowdown.ladder_table(sd.loss_drop_ladder(delta=0.04, n_steps=1).drop(columns="flops"))


def test_allocation_table():
    alloc = dc.allocation_under_unique_tokens([1e22], 25e9)
    html = slowdown.allocation_table(alloc).data
    assert html.count("<tr") == 2 and "N with unlimited data" in html
    # README: 1e22 FLOP, 25B unique tokens -> 7.02e9 params, 2.37e11 tokens, 9.5 epochs
    assert "<td>1e+22</td>" in html and "<td>7.03e+09</td>" in html and "<td>9.5</td>" in html
    with pytest.raises(InputError):
        slowdown.allocation_table(alloc.drop(columns="epochs"))


def test_benchmarks_figure():
    models = pd.DataFrame(
        {
            "model": ["a", "b", "c"],
            "family": ["f", "f", "g"],
            "flops": [1e21, 1e22, 1e23],
            "MMLU": [0.25, 0.4, np.nan],
            "GSM8K": [0.0, 0.1, 0.5],
        }
    )
    fig = slowdown.benchmarks(models, {"MMLU": 0.25, "GSM8K": 0.0})
    spec = fig.spec()
    assert fig.title == "Benchmarks against compute: floors and ceilings" and fig.alt
    assert fig.caption.startswith("Accuracy of 3 public base models")
    assert len(spec["layer"]) == 2  # points, chance rules
    titles = charts.spec_titles(spec)
    assert "Training compute C (FLOP, 6ND as published)" in titles
    assert "Accuracy (fraction)" in titles
    assert len(_rows(spec, "accuracy")) == 5  # the missing MMLU score is dropped
    assert {r["chance"] for r in _rows(spec, "chance")} == {0.25, 0.0}
    with pytest.raises(InputError):
        slowdown.benchmarks(models, {"HellaSwag": 0.25})


def test_metric_curves_figure():
    curves = pd.DataFrame(
        {
            "metric": ["per-token probability exp(-L)"] * 3 + ["jeopardy"] * 3,
            "flops": [1e18, 1e19, 1e20] * 2,
            "params": [1e7, 1e8, 1e9] * 2,
            "value": [0.2, 0.3, 0.4, 0.01, 0.01, 0.21],
        }
    )
    fig = slowdown.metric_curves(curves)
    spec = fig.spec()
    assert fig.title == "Same models, different metrics: smooth or sudden" and fig.alt
    assert fig.caption.startswith("The 3 compute-optimal (M = 20) RedPajama runs")
    assert spec["mark"]["type"] == "line" and spec["mark"]["point"] is True
    titles = charts.spec_titles(spec)
    assert "Training compute C = 6ND (FLOP)" in titles
    assert "Share of the total gain (0 = smallest run, 1 = largest)" in titles
    rows = _rows(spec, "normalised")
    assert [r["normalised"] for r in rows] == pytest.approx([0, 0.5, 1, 0, 0, 1])
    assert "normalised" not in curves  # the input is not changed
    with pytest.raises(InputError):
        slowdown.metric_curves(curves.drop(columns="params"))


@pytest.fixture(scope="module")
def gadre():
    from scalinglaws.analyses import overtraining as ot
    from scalinglaws.data import load

    runs = ot.prepare_runs(load("gadre_overtraining", "runs"), load("gadre_overtraining", "evals"))
    split = ot.paper_split(runs)
    fit = ot.fit_overtraining(
        split["fit"]["params"],
        split["fit"]["multiplier"],
        split["fit"]["loss_c4_val"],
        n_boot=20,
        seed=1,
    )
    return runs, split, fit


def test_overtraining_prediction_figure(gadre):
    runs, split, fit = gadre
    fig = slowdown.overtraining_prediction(runs, split, fit)
    spec = fig.spec()
    assert fig.title == "Predicting a 32x over-trained run from small ones" and fig.alt
    assert "20-resample parametric-bootstrap" in fig.caption
    # Gadre et al. 2024, the authors' repository notebook: relative errors 0.7103% and 0.7320%
    # (overtraining.PAPER_REL_ERRORS); the caption prints two decimals
    assert "Relative errors 0.71% and 0.73%" in fig.caption
    assert len(spec["layer"]) == 3  # runs, interval bars, predicted ticks
    titles = charts.spec_titles(spec)
    assert "Training compute C = 6ND (FLOP)" in titles
    assert "C4 validation loss (nats/token)" in titles
    roles = [r["role"] for r in _rows(spec, "role")]
    assert len(roles) == 35 and roles.count("fitted") == 5 and roles.count("predicted target") == 2
    bars = _rows(spec, "pred")
    assert len(bars) == 2 and all(r["lo"] < r["pred"] < r["hi"] for r in bars)


def test_data_wall_figure():
    from scalinglaws.analyses import datawall, trends
    from scalinglaws.data import load

    models = load("epoch_notable_models")
    growth = trends.fit_growth(
        models,
        quantity="dataset_size_tokens",
        language_only=True,
        frontier_only=True,
        start="2015-01-01",
        end="2025-02-28",
        n_boot=100,
        seed=1,
    )
    wall = datawall.data_wall_mc(growth, n_mc=2000, seed=1)
    fig = slowdown.data_wall(models, growth, wall, start_year=2015)
    spec = fig.spec()
    assert fig.title == "Training sets against the stock of human text" and fig.alt
    assert f"Training-set sizes of {growth.n} Epoch frontier" in fig.caption
    assert "extended to 2034" in fig.caption and "100T-1000T tokens" in fig.caption
    assert len(spec["layer"]) == 6  # stock band and median, trend band and line, models, wall
    titles = charts.spec_titles(spec)
    assert "Publication year" in titles and "Training-set size D (tokens)" in titles
    assert len([r for r in _rows(spec, "model") if "value" in r]) == growth.n
    stock = _rows(spec, "mid")
    assert [r["lo"] for r in stock] == [1e14, 1e14] and stock[0]["year"] == 2015.0
    bar = _rows(spec, "y")
    assert bar[0]["lo"] == pytest.approx(wall.interval[0], rel=1e-5)


@pytest.fixture(scope="module")
def dclm():
    from scalinglaws import data
    from scalinglaws.analyses import curation

    return curation.wide_runs(
        data.load("dclm_curation", "runs"),
        data.load("dclm_curation", "task_scores"),
        data.load("dclm_curation", "tasks"),
    )


def test_curation_table(dclm):
    from scalinglaws.analyses import curation

    cmp = curation.compare_datasets(dclm, n_boot=50, seed=0)
    html = slowdown.curation_table(cmp).data
    assert html.count("<tr") == 7  # header and six training sets
    assert "CORE (×100)" in html and "95% interval (bootstrap over tasks)" in html
    assert "Behind DCLM-Baseline (CORE points)" in html
    # CORE v1 x 100 of DCLM-Baseline and RefinedWeb at 7B-1x, lr 2e-3 (dclm PROVENANCE table)
    assert "<td>44.8</td>" in html and "<td>39.7</td>" in html and "<td>–</td>" in html
    with pytest.raises(InputError):
        slowdown.curation_table(cmp.drop(columns="diff"))


def test_curation_lines_figure(dclm):
    from scalinglaws.analyses import curation

    mult = curation.filtering_compute_multiplier(dclm, n_boot=50, seed=0)
    fig = slowdown.curation_lines(curation.core_lines(dclm, ["DCLM-Baseline", "RefinedWeb"]), mult)
    spec = fig.spec()
    assert fig.title == "What filtering is worth in compute" and fig.alt
    assert "3.3× the compute" in fig.caption
    assert len(spec["layer"]) == 3  # fitted lines, measured points, the reach bar
    titles = charts.spec_titles(spec)
    assert "Training compute C = 6ND (FLOP)" in titles
    assert "CORE (centered accuracy ×100)" in titles
    dots = [v for v in spec["datasets"].values() if v and "scale" in v[0]][0]
    assert len(dots) == 6 and max(d["core"] for d in dots) == pytest.approx(41.0, abs=0.05)
    bar = [v for v in spec["datasets"].values() if v and "x1" in v[0]][0][0]
    assert bar["x1"] / bar["x0"] == pytest.approx(mult["value"], rel=1e-4)
    with pytest.raises(InputError):
        slowdown.curation_lines(pd.DataFrame({"dataset": []}), mult)


def test_pool_accuracy_figure():
    from scalinglaws import data
    from scalinglaws.analyses import curation

    pools = data.load("goyal_data_filtering", "pools")
    cur = curation.pool_curves(pools, np.geomspace(2e7, 5e9, 12))
    sw = curation.pool_crossovers(pools, 2e7, 5e9)
    fig = slowdown.pool_accuracy(cur, sw)
    spec = fig.spec()
    assert fig.title.startswith("CLIP, not a language model") and "CLIP" in fig.caption
    assert "Top 10% → Top 20% at 1.005e+08" in fig.caption
    assert len(spec["layer"]) == 2
    titles = charts.spec_titles(spec)
    assert "Samples seen (image-text pairs)" in titles
    assert "Predicted ImageNet zero-shot accuracy (%)" in titles
    rows = [v for v in spec["datasets"].values() if v and "pool" in v[0]][0]
    assert {r["pool"] for r in rows} == {"Top 10%", "Top 20%", "Top 30%", "Top 40%"}
    assert all(0 < r["accuracy"] < 100 for r in rows)
    with pytest.raises(InputError):
        slowdown.pool_accuracy(cur.drop(columns="accuracy"), sw)

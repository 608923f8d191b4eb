"""Figures of the GPT-series chapter (scalinglaws.book.figures.gpt_series) and the band behind them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analyses import gpt_series as gs
from scalinglaws.book import charts
from scalinglaws.book.figures import gpt_series as fig
from scalinglaws.core.errors import InputError

GRID = np.geomspace(1e18, 1e26, 12)


@pytest.fixture(scope="module")
def band() -> pd.DataFrame:
    return gs.chinchilla_band(GRID, n_boot=200, seed=3)


def test_chinchilla_band_brackets_the_canonical_line(band):
    """The band holds the canonical law's line, which is the Chinchilla-form row of
    frontier_lines; at GPT-3's budget it agrees with uncertainty.propagate on the same cloud."""
    from scalinglaws.analyses.uncertainty import propagate
    from scalinglaws.core.allocation import compute_optimal

    lines = gs.frontier_lines(GRID)
    canon = lines[lines["rule"] != "Kaplan et al. 2020"]["params"].to_numpy()
    assert np.allclose(band["params"], canon, rtol=1e-12)
    assert (band["lo"] <= band["params"]).all() and (band["params"] <= band["hi"]).all()
    one = gs.chinchilla_band([3.14e23], n_boot=200, seed=3).iloc[0]
    iv = propagate(lambda law: compute_optimal(3.14e23, law).params, n_boot=200, seed=3)
    assert (one["lo"], one["hi"]) == pytest.approx((iv.lo, iv.hi), rel=1e-9)
    with pytest.raises(InputError):
        gs.chinchilla_band([-1.0])
    with pytest.raises(InputError, match="level"):
        gs.chinchilla_band([1e20], level=1.5)


def test_allocation_frontier_figure(band):
    f = fig.allocation_frontier(
        gs.series_table(),
        gs.gpt3_family(),
        gs.frontier_lines(GRID),
        band,
        level=0.95,
        n_boot=200,
    )
    assert isinstance(f, charts.Figure)
    assert f.title and "95% bootstrap band (200 resamples" in f.caption
    # GPT-1 and GPT-2 are small for their compute under both rules, GPT-3 between the rules
    assert "GPT-1 and GPT-2 lie below both lines" in f.alt
    assert "GPT-3 175B lies between them" in f.alt
    spec = f.chart.to_dict()
    text = str(spec)
    assert "Training compute C (FLOP)" in text and "Parameters N" in text
    with pytest.raises(InputError, match="band must be"):
        fig.allocation_frontier(
            gs.series_table(),
            gs.gpt3_family(),
            gs.frontier_lines(GRID),
            pd.DataFrame({"x": [1]}),
            level=0.95,
            n_boot=200,
        )


# ------------------------------------------------------------------ one function per figure
def _layers(spec: dict) -> list[dict]:
    """The leaf layers of a (possibly nested) layered spec."""
    out = []
    for layer in spec.get("layer", []):
        out += _layers(layer) if "layer" in layer else [layer]
    return out


def _rows(spec: dict, layer: dict) -> list[dict]:
    """The data rows a leaf layer draws (its own inline data, else the chart's)."""
    name = (layer.get("data") or spec["data"])["name"]
    return spec["datasets"][name]


def _mark(layer: dict) -> str:
    mark = layer["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


def _titles(layers: list[dict]) -> set[str]:
    return {
        enc["title"]
        for layer in layers
        for enc in layer["encoding"].values()
        if isinstance(enc, dict) and enc.get("title")
    }


def _check_figure(f: charts.Figure, title: str) -> tuple[dict, list[dict]]:
    assert isinstance(f, charts.Figure) and f.title == title
    assert len(f.caption) > 100 and len(f.alt) > 80
    spec = f.spec()
    assert spec["title"] == title and spec["description"] == f.alt
    assert spec["usermeta"]["scalinglaws"]["caption"] == f.caption
    return spec, _layers(spec)


@pytest.fixture(scope="module")
def epoch() -> pd.DataFrame:
    from scalinglaws.data import load

    return load("epoch_notable_models")


def test_frontier_figure_on_its_grid():
    """One call: both rules on FRONTIER_GRID (60 budgets, 1e18 to 1e26 FLOP) and the band."""
    series, fam = gs.series_table(), gs.gpt3_family()
    f = fig.frontier(series, fam, n_boot=100, seed=3, level=0.9)
    spec, layers = _check_figure(f, "The GPT models against two compute-optimal rules")
    assert [_mark(x) for x in layers] == ["area", "line", "point", "text", "rule", "text"]
    assert {"Training compute C (FLOP)", "Parameters N"} <= _titles(layers)
    assert "90% bootstrap band (100 resamples" in f.caption
    assert len(_rows(spec, layers[0])) == 60  # the band: one row per budget
    assert len(_rows(spec, layers[1])) == 120  # two rules
    # GPT-1, GPT-2, GPT-3 175B and the seven smaller GPT-3 models
    assert len(_rows(spec, layers[2])) == 10


@pytest.fixture(scope="module")
def pred():
    from scalinglaws.analyses import predictable
    from scalinglaws.data import load

    g = load("gadre_overtraining", "runs")
    runs = g[(g["dataset"] == "rpj") & (g["multiplier"] == 20.0)]
    return predictable.predict_large_end(
        runs["flops"], runs["loss_c4_val"], holdout_factor=30.0, n_boot=100, level=0.9
    )


def test_predictable_scaling_figure(pred):
    f = fig.predictable_scaling(pred, dataset="RedPajama")
    spec, layers = _check_figure(f, "Predicting the largest runs from the smallest")
    assert [_mark(x) for x in layers] == ["area", "line", "line", "point"]
    assert _titles(layers) == {"Training compute C (FLOP, 6ND)", "C4 validation loss (nats/token)"}
    assert "Gadre et al.'s RedPajama runs" in f.caption
    assert "90% residual-bootstrap band (100 resamples)" in f.caption
    # Gadre et al.'s six RedPajama runs at M = 20, four fitted and two held out
    points = _rows(spec, layers[3])
    assert len(points) == 6
    assert sorted(p["role"] for p in points) == ["fitted"] * 4 + ["predicted (held out)"] * 2
    assert len(_rows(spec, layers[0])) == 60
    with pytest.raises(InputError, match="Prediction"):
        fig.predictable_scaling({"table": None}, dataset="C4")


def test_compute_trend_figure(epoch):
    from scalinglaws.analyses import trends

    fit_all = trends.fit_growth(epoch, n_boot=100, level=0.9)
    fit_lm = trends.fit_growth(epoch, start="2017-06-01", language_only=True, n_boot=100)
    f = fig.compute_trend(epoch, fit_all, fit_lm)
    spec, layers = _check_figure(f, "Training compute of notable AI models")
    assert [_mark(x) for x in layers] == ["circle", "area", "line", "text"]
    assert {"Publication date (year)", "Training compute C (FLOP)"} <= _titles(layers)
    assert f"{fit_all.n} models with a compute estimate published 2010-01-01 to 2024-05-31" in (
        f.caption
    )
    assert "90% pairs-bootstrap bands (100 resamples)" in f.caption
    # the 371 models with a compute estimate in the window (datasets.md §4)
    assert len(_rows(spec, layers[0])) == 371 == fit_all.n
    assert len(_rows(spec, layers[1])) == 100  # two trends, 50 dates each
    labels = {r["model"] for r in _rows(spec, layers[3])}
    assert labels == {"GPT-1", "GPT-2 (1.5B)", "GPT-3 175B (davinci)", "GPT-4"}
    assert f.alt.endswith("the language-model trend is steeper.")
    with pytest.raises(InputError, match="fit_lm must be a trends.TrendFit"):
        fig.compute_trend(epoch, fit_all, None)


def test_benchmark_sigmoid_figure():
    from scalinglaws.data import load

    base = load("obsscaling_ruan", "base")
    bench = gs.benchmark_models(base, "MMLU")
    bfit = gs.fit_benchmark_sigmoid(bench["flops"], bench["MMLU"], n_boot=20, level=0.9)
    f = fig.benchmark_sigmoid(bench, bfit, "MMLU")
    spec, layers = _check_figure(f, "MMLU against training compute for public base models")
    assert [_mark(x) for x in layers] == ["area", "line", "point"]
    assert _titles(layers) == {
        "Training compute C (FLOP, 6ND)",
        "MMLU score (fraction correct)",
        "Family",
    }
    assert "90% pairs-bootstrap band (20 resamples)" in f.caption
    points = _rows(spec, layers[2])
    assert len(points) == len(bench) == gs.benchmark_counts(base, "MMLU")["with_score"]
    # six families by name, the rest pooled
    assert len({p["family shown"] for p in points}) == 7
    assert "family shown" not in bench.columns  # the caller's table is not changed
    with pytest.raises(InputError, match="bench must be"):
        fig.benchmark_sigmoid(bench.drop(columns="family"), bfit, "MMLU")


# ------------------------------------------------------------------ in-context learning and RLHF
@pytest.fixture(scope="module")
def icl_gains() -> pd.DataFrame:
    from scalinglaws.analyses import icl
    from scalinglaws.data import load

    zero = icl.zero_shot_table(
        load("pythia_evals", "evals"), load("pythia_fewshot", "zero_shot_1b")
    )
    return icl.fewshot_gains(load("pythia_fewshot", "five_shot"), zero)


def test_icl_gain_by_size_figure(icl_gains):
    from scalinglaws.analyses import icl

    trend = icl.gain_trend(icl_gains, n_boot=100, seed=0)
    f = fig.icl_gain_by_size(icl_gains, trend)
    spec, layers = _check_figure(f, "Five-shot gain against model size (Pythia, final checkpoint)")
    assert [_mark(x) for x in layers] == ["area", "rule", "line", "line", "line"]
    assert len(_rows(spec, layers[0])) == 8  # mean band: one row per size
    assert {r["label"] for r in _rows(spec, layers[2])} == {"wsc (left out: no signal)"}
    assert len(_rows(spec, layers[2])) == 8  # WSC, dashed grey
    assert len(_rows(spec, layers[3])) == 64  # the 8 averaged tasks x 8 sizes
    # no task is drawn in the mean's black
    assert "#000000" not in layers[3]["encoding"]["color"]["scale"]["range"]
    assert {
        "Model size N (parameters, total)",
        "Five-shot minus zero-shot accuracy (fraction)",
    } <= (_titles(layers))
    assert "100 resamples" in f.caption and "step 143,000" in f.caption
    assert f.alt.endswith("rises slowly with size.")
    with pytest.raises(InputError, match="trend"):
        fig.icl_gain_by_size(icl_gains, icl.gain_trend(icl_gains, "tokens", size="12b", n_boot=50))
    with pytest.raises(InputError, match="gains"):
        fig.icl_gain_by_size(icl_gains.drop(columns="gain_se"), trend)


def test_icl_gain_by_tokens_figure(icl_gains):
    from scalinglaws.analyses import icl

    trend = icl.gain_trend(icl_gains, "tokens", size="1b", n_boot=100, seed=0)
    f = fig.icl_gain_by_tokens(icl_gains, trend)
    spec, layers = _check_figure(f, "Five-shot gain over training (Pythia)")
    assert len(_rows(spec, layers[0])) == 15  # the 1b band: one row per checkpoint
    assert len(_rows(spec, layers[2])) == 120  # 8 sizes x 15 checkpoints
    assert "Training tokens D (tokens)" in _titles(layers)
    assert "1b model's mean" in f.caption
    with pytest.raises(InputError, match="trend"):
        fig.icl_gain_by_tokens(icl_gains, icl.gain_trend(icl_gains, n_boot=50))


def test_overoptimization_figure():
    from scalinglaws.core import overoptimization as oo

    f = fig.overoptimization(0.5, 0.1, 0.35, 0.15)
    spec, layers = _check_figure(
        f, "Reward over-optimization, illustrative coefficients (Gao et al.'s functional forms)"
    )
    assert f.caption.startswith("ILLUSTRATIVE, not fitted")
    # closed-form peaks: best-of-n d* = 0.5 / 0.2 = 2.5, R* = 0.25 / 0.4 = 0.625; RL d* = e^(4/3)
    peaks = {r["method"]: r for r in _rows(spec, layers[2])}
    assert peaks["best-of-n"]["d"] == pytest.approx(2.5) and peaks["best-of-n"]["score"] == 0.625
    assert peaks["RL (PPO)"]["d"] == pytest.approx(np.exp(0.35 / 0.15 - 1), rel=1e-5)
    curves = _rows(spec, layers[1])
    floor = -1.5 * 0.625
    assert min(r["score"] for r in curves) >= floor
    assert max(r["score"] for r in curves) <= 0.625 + 1e-9  # no point above the highest peak
    assert {"Distance from the initial policy d = √KL (√nats)"} <= _titles(layers)
    assert f.alt.endswith("the RL curve peaks farther out.")
    assert layers[2]["encoding"]["color"]["title"] == "Optimization"  # the legend is not suppressed
    # the corners of the chapter's ranges still draw
    for args in ((1.0, 0.02, 1.0, 0.1), (0.1, 0.5, 0.1, 0.5)):
        g = fig.overoptimization(*args)
        rows = _rows(g.spec(), _layers(g.spec())[1])
        for method in ("best-of-n", "RL (PPO)"):  # every curve keeps enough points to draw
            assert sum(r["method"] == method for r in rows) > 50
    with pytest.raises(InputError):
        fig.overoptimization(0.5, 0.0, 0.35, 0.15)
    assert oo.bon_peak(0.5, 0.1).score == pytest.approx(0.625)

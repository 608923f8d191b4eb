"""Figures of the what-next chapter (scalinglaws.book.figures.what_next)."""

from __future__ import annotations

import math

import pytest

from scalinglaws.analyses import datawall, trends
from scalinglaws.analyses.synthesis import AxisCost
from scalinglaws.book.figures import what_next
from scalinglaws.core.errors import InputError
from scalinglaws.data import load


@pytest.fixture(scope="module")
def inputs():
    models = load("epoch_notable_models", "models")
    cfit = trends.fit_growth(
        models,
        quantity="training_compute_flop",
        start="2010-01-01",
        end="2024-05-31",
        n_boot=100,
        seed=42,
    )
    dfit = trends.fit_growth(
        models,
        quantity="dataset_size_tokens",
        language_only=True,
        frontier_only=True,
        start="2010-01-01",
        end="2025-02-28",
        n_boot=100,
        seed=42,
    )
    return cfit, models, datawall.data_wall_mc(dfit, n_mc=1000, seed=42)


def _layers(spec):
    return spec["layer"]


def _datasets_with(spec, key):
    return [v for v in spec["datasets"].values() if v and key in v[0]]


def _axis_titles(spec):
    """Titles of the x and y encodings of every layer (the axes a reader sees)."""
    return {
        enc[ch]["title"]
        for layer in _layers(spec)
        for enc in [layer.get("encoding", {})]
        for ch in ("x", "y")
        if isinstance(enc.get(ch), dict) and enc[ch].get("title")
    }


def _marks(spec):
    return [layer["mark"]["type"] for layer in _layers(spec)]


def test_compute_step_wall_with_a_step(inputs):
    cfit, models, wall = inputs
    fig = what_next.compute_step_wall(
        cfit, models, wall, start_flops=3.8e25, step_flops=2e28, loss_step=0.05, law="epoch"
    )
    spec = fig.spec()
    assert fig.title == "Compute trend, the next loss step and the data wall"
    assert (
        "Besiroglu et al. 2024 refit" in fig.caption and f"{cfit.n} notable models" in fig.caption
    )
    assert "two horizontal dashed lines" in fig.alt and "shaded band" in fig.alt
    assert "0.05-nat loss step" in fig.caption and f"{wall.level:.0%} interval" in fig.caption
    assert _marks(spec) == ["rect", "area", "line", "point", "rule", "rule"]
    assert _axis_titles(spec) == {"Publication year", "Training compute C (FLOP, log scale)"}
    budgets = _datasets_with(spec, "label")[0]
    assert [b["flops"] for b in budgets] == [3.8e25, 2e28]
    points = _datasets_with(spec, "model")[0]
    assert len(points) == cfit.n


def test_compute_step_wall_without_a_step(inputs):
    cfit, models, wall = inputs
    fig = what_next.compute_step_wall(
        cfit, models, wall, start_flops=1e30, step_flops=math.inf, loss_step=0.05, law="hoffmann"
    )
    assert "No budget reaches" in fig.caption and "printed constants" in fig.caption
    assert "one horizontal dashed line" in fig.alt
    assert fig.title == "Compute trend, today's budget and the data wall"
    assert _axis_titles(fig.spec()) == {"Publication year", "Training compute C (FLOP, log scale)"}
    budgets = _datasets_with(fig.spec(), "label")[0]
    assert [b["flops"] for b in budgets] == [1e30]


def test_compute_step_wall_bad_input(inputs):
    cfit, models, wall = inputs
    kw = {"start_flops": 3.8e25, "step_flops": 2e28, "loss_step": 0.05, "law": "epoch"}
    with pytest.raises(InputError):
        what_next.compute_step_wall("fit", models, wall, **kw)
    with pytest.raises(InputError):
        what_next.compute_step_wall(cfit, models, "wall", **kw)
    with pytest.raises(InputError):
        what_next.compute_step_wall(cfit, models, wall, **{**kw, "step_flops": 1e25})
    with pytest.raises(InputError):
        what_next.compute_step_wall(cfit, models, wall, **{**kw, "start_flops": -1.0})
    with pytest.raises(InputError):
        what_next.compute_step_wall(cfit, models, wall, **kw, years=(2030.0, 2010.0))


def _axis(axis, value, lo, hi, unit="pre-training compute", **kw):
    base = dict(
        axis=axis,
        step="a step",
        unit=unit,
        value=value,
        lo=lo,
        hi=hi,
        level=0.95,
        identified=True,
        limit="a limit",
        source="src",
        inference=1.0,
    )
    return AxisCost(**{**base, **kw})


def test_axes_costs_draws_priced_rows_and_names_the_rest():
    rows = [
        _axis("parameters", 2.4, 2.0, 3.0),
        _axis("data (fresh tokens)", 2.41, 1.9, math.inf),
        _axis("repeated data (more epochs)", math.inf, 5.0, math.inf),
        _axis(
            "curated data (better filter)",
            math.nan,
            math.nan,
            math.nan,
            identified=False,
            limit="lines overlap",
        ),
        _axis("RL training compute", 1.19, 1.18, 1.2, unit="RL compute", identified=False),
        _axis(
            "more calls (majority vote)",
            3.0,
            math.nan,
            math.nan,
            unit="inference compute per query",
            identified=False,
        ),
    ]
    fig = what_next.axes_costs(rows)
    spec = fig.spec()
    assert fig.title == "What the next fixed improvement costs, axis by axis"
    assert _marks(spec) == ["rule", "point"]
    assert _axis_titles(spec) == {"Factor paid (×, log scale)"}
    pts = _datasets_with(spec, "kind")[0]
    assert [p["axis"] for p in pts] == ["parameters", "fresh data", "RL compute", "more calls"]
    assert [p["kind"] for p in pts] == ["fit", "fit", "illustrative", "illustrative"]
    # an open interval runs to the right edge (a power of ten above every finite value)
    assert pts[1]["hi"] == 10.0 and pts[3]["lo"] == pts[3]["hi"] == 3.0  # no interval: a dot
    assert "no upper end (fresh data)" in fig.caption
    assert (
        "repeated data (impossible" in fig.caption
        and "curated data (no price: lines overlap)" in fig.caption
    )
    assert "not comparable" in fig.caption and "4 axes of scaling" in fig.alt


def test_axes_costs_bad_input():
    with pytest.raises(InputError):
        what_next.axes_costs([])
    with pytest.raises(InputError):
        what_next.axes_costs([_axis("parameters", math.inf, math.inf, math.inf)])
    with pytest.raises(InputError):
        what_next.axes_costs(["parameters"])

"""Figures of the what-next chapter (scalinglaws.book.figures.what_next)."""

from __future__ import annotations

import math

import pytest

from scalinglaws.analyses import datawall, trends
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

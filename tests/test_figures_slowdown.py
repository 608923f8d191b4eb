"""Figures of the slowdown chapter (scalinglaws.figures.slowdown)."""

from __future__ import annotations

import numpy as np
import pytest

from scalinglaws import charts
from scalinglaws import data_constrained as dc
from scalinglaws.errors import InputError
from scalinglaws.figures import slowdown


@pytest.fixture(scope="module")
def decay(muennighoff_runs):
    mu = [muennighoff_runs[c] for c in ("params", "tokens", "unique_tokens", "val_loss")]
    fit = dc.fit_decay_constants(*mu)
    prof = dc.decay_profile(*mu, R_D_star=np.geomspace(2, 1e4, 25), minimum=fit.objective)
    ci = dc.decay_interval(prof, limit_objective=dc.no_decay_objective(*mu))
    return prof, ci, fit


def _titles(spec):
    found = []

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "title" and isinstance(v, str):
                    found.append(v)
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(spec)
    return found


def test_decay_profile_figure(decay):
    prof, ci, fit = decay
    fig = slowdown.decay_profile(prof, ci, fit, dc.PUBLISHED)
    spec = fig.spec()
    assert fig.title.startswith("How well") and "local minimum" in fig.caption and fig.alt
    assert len(spec["layer"]) == 3  # profile line, threshold rule, the two minima
    titles = _titles(spec)
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
    assert "Epochs over the unique data (D / U)" in _titles(spec)
    with pytest.raises(InputError):
        slowdown.repeated_data_value({})
    with pytest.raises(InputError):
        slowdown.repeated_data_value({"a": 15.0}, max_epochs=1)


def test_figures_are_charts(decay):
    prof, ci, fit = decay
    assert isinstance(slowdown.decay_profile(prof, ci, fit, dc.PUBLISHED), charts.Figure)


def test_frontier_ladder_figure():
    from scalinglaws import slowdown as sd

    band = sd.frontier_band(np.geomspace(1e20, 1e29, 12), n_boot=100, seed=1)
    lad = sd.loss_drop_ladder(delta=0.04, n_steps=3)
    fig = slowdown.frontier_ladder(band, lad)
    spec = fig.spec()
    assert fig.title == "Equal loss drops, growing compute bills" and fig.alt
    assert "3 successive drops of 0.04" in fig.caption and "history" in fig.caption
    assert len(spec["layer"]) == 3  # band, laws, rungs
    titles = _titles(spec)
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

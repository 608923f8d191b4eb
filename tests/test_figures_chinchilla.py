"""Figures of the Chinchilla chapter (scalinglaws.figures.chinchilla)."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from scalinglaws import charts, data, reconcile
from scalinglaws.errors import InputError
from scalinglaws.figures import chinchilla

os.environ.setdefault("SCALINGLAWS_DATA_MIRROR", "/work/shared/data")


@pytest.fixture(scope="module")
def porian_inputs():
    op = data.load("porian_compute_optimal", "optimal_pairs")
    src = reconcile.PORIAN_SOURCES["rw"]
    fits, pts = {}, []
    for k in (0, 4):
        lab = reconcile.PORIAN_STEPS[k]
        fits[lab] = reconcile.porian_fit(op, src, lab, n_boot=200, seed=0)
        sel = op[(op["source_file"] == src) & (op["label"] == lab)].dropna(subset=["n_star"])
        pts.append(sel[["flops", "n_star"]].assign(setup=lab))
    return pd.concat(pts, ignore_index=True), fits


def test_porian_extrapolation_figure(porian_inputs):
    pts, fits = porian_inputs
    fig = chinchilla.porian_extrapolation(pts, fits)
    assert isinstance(fig, charts.Figure)
    assert fig.title.startswith("Four decades") and fig.alt and "95%" in fig.caption
    spec = fig.spec()
    assert len(spec["layer"]) == 5  # lines, points, error bars, ends, Chinchilla
    bars = [v for v in spec["datasets"].values() if v and "hi" in v[0]][0]
    assert [b["flops"] for b in bars] == [5.88e23, 5.88e23]
    kaplan, tuned = bars
    # the Kaplan-recipe line ends far above Chinchilla's 70B, the corrected one brackets it
    assert kaplan["lo"] > 70e9 * 10
    assert tuned["lo"] < 70e9 < tuned["hi"]
    # chart constants are rounded to 4 significant digits
    assert tuned["n_star"] == float(f"{fits[reconcile.PORIAN_STEPS[4]]['n_star_at']:.4g}")


def test_porian_extrapolation_bad_input(porian_inputs):
    pts, fits = porian_inputs
    with pytest.raises(InputError):
        chinchilla.porian_extrapolation(pts.drop(columns="setup"), fits)
    with pytest.raises(InputError):
        chinchilla.porian_extrapolation(pts, {})
    with pytest.raises(InputError):
        chinchilla.porian_extrapolation(pts, {reconcile.PORIAN_STEPS[0]: {"a": 0.8}})

"""Figures of the Chinchilla chapter (scalinglaws.book.figures.chinchilla)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from scalinglaws import data
from scalinglaws.analyses import reconcile
from scalinglaws.book import charts
from scalinglaws.book.figures import chinchilla
from scalinglaws.core import allocation, laws
from scalinglaws.core.errors import InputError
from scalinglaws.fitting import isoflop


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


# ------------------------------------------------------------------ the chapter's other figures


def _dataset(spec, column):
    """The one dataset whose rows have ``column``."""
    found = [v for v in spec["datasets"].values() if v and column in v[0]]
    assert len(found) == 1, column
    return found[0]


@pytest.fixture(scope="module")
def isoflop_inputs():
    iso_all = data.load("porian_compute_optimal", "isoflop_points")
    iso = iso_all[
        (iso_all["source_file"] == reconcile.PORIAN_SOURCES["rw"])
        & (iso_all["label"] == reconcile.PORIAN_STEPS[-1])
    ].reset_index(drop=True)
    minima = isoflop.isoflop_minima(iso, tokens_col="tokens")
    interior = minima[minima["interior"]]
    a2 = isoflop.fit_allocation_exponents(
        interior["flops"], interior["n_star"], interior["d_star"], n_boot=200, seed=0
    )
    envelope = isoflop.lower_envelope(iso, tokens_col="tokens", n_bins=int(iso["flops"].nunique()))
    a1 = isoflop.fit_envelope_exponents(envelope, n_boot=200, seed=0)
    return iso, minima, interior, envelope, a1, a2


def test_isoflop_profiles_figure(isoflop_inputs):
    iso, minima, interior, *_ = isoflop_inputs
    fig = chinchilla.isoflop_profiles(iso, minima)
    spec = fig.spec()
    assert fig.title.startswith("IsoFLOP profiles") and fig.alt
    assert f"{len(iso)} runs at {iso['flops'].nunique()} budgets" in fig.caption
    assert len(spec["layer"]) == 3  # runs, parabolas, vertices
    titles = charts.spec_titles(spec)
    assert "Parameters N (including the output layer)" in titles
    assert "Final validation loss (nats/token)" in titles
    assert "Budget C (FLOP)" in titles
    # one diamond per interior budget; parabolas clipped at 5 nats/token
    assert len(_dataset(spec, "curvature")) == len(interior)
    curves = [
        v for v in spec["datasets"].values() if v and set(v[0]) == {"flops", "params", "loss"}
    ]
    assert max(r["loss"] for r in curves[-1]) <= 5.0
    with pytest.raises(InputError):
        chinchilla.isoflop_profiles(iso, minima.drop(columns="curvature"))
    with pytest.raises(InputError):
        chinchilla.isoflop_profiles(iso, minima.assign(interior=False))


def test_allocation_exponent_figure(isoflop_inputs):
    iso, _, interior, envelope, a1, a2 = isoflop_inputs
    fig = chinchilla.allocation_exponent(iso, interior, envelope, a1, a2, n_boot=200, seed=0)
    spec = fig.spec()
    assert fig.title.startswith("The compute-optimal model grows") and fig.alt
    assert "200 bootstrap resamples" in fig.caption and f"a = {a2.a:.3f}" in fig.caption
    assert len(spec["layer"]) == 2 and len(spec["layer"][0]["layer"]) == 2  # band + line, dots
    titles = charts.spec_titles(spec)
    assert "Compute C (FLOP)" in titles and "Compute-optimal parameters N* (count)" in titles
    band = _dataset(spec, "n_fit")
    assert len(band) == 40
    assert all(r["n_lo"] <= r["n_fit"] * (1 + 1e-5) <= r["n_hi"] * (1 + 2e-5) for r in band)
    dots = _dataset(spec, "approach")
    assert len(dots) == len(interior) + len(envelope)
    with pytest.raises(InputError):
        chinchilla.allocation_exponent(
            iso, interior, envelope.drop(columns="params"), a1, a2, n_boot=1, seed=0
        )


def _fake_boot(a_lo, a_hi, n=500):
    est = pd.DataFrame({"a": np.random.default_rng(1).normal(0.5, 0.02, n)})
    return SimpleNamespace(
        estimates=est, point={"a": 0.5}, intervals={"a": (a_lo, a_hi)}, n_boot=n, seed=3
    )


def test_exponent_bootstrap_figure():
    fig = chinchilla.exponent_bootstrap(_fake_boot(0.47, 0.53), 240)
    spec = fig.spec()
    assert fig.title.startswith("Approach 3 refitted")
    assert "500 resamples (seed 3) of the 240 points" in fig.caption
    assert len(spec["layer"]) == 2  # histogram, reference rules
    titles = charts.spec_titles(spec)
    assert "Allocation exponent a = β/(α+β) (N_opt ∝ C^a)" in titles
    assert "Bootstrap resamples" in titles
    assert sum(r["count"] for r in _dataset(spec, "count")) == 500
    marks = _dataset(spec, "what")
    assert [m["what"] for m in marks] == [
        "our refit",
        "95% interval",
        "95% interval",
        "Hoffmann (TeX)",
        "Epoch",
    ]
    # Hoffmann's TeX a (0.454) lies outside [0.47, 0.53], inside [0.45, 0.53]
    assert fig.alt.endswith("which lies outside the interval.")
    assert chinchilla.exponent_bootstrap(_fake_boot(0.45, 0.53), 240).alt.endswith(
        "which lies inside the interval."
    )
    with pytest.raises(InputError):
        chinchilla.exponent_bootstrap(SimpleNamespace(point={}), 240)


def test_porian_extrapolation_steps_figure():
    op = data.load("porian_compute_optimal", "optimal_pairs")
    ext = reconcile.porian_extrapolations(op, (1, 5), n_boot=100, seed=0)
    fig = chinchilla.porian_extrapolation_steps(op, ext)
    spec = fig.spec()
    assert len(spec["layer"]) == 5
    setups = {r["setup"] for r in _dataset(spec, "hi")}
    assert setups == {f"1. {reconcile.PORIAN_STEPS[0]}", f"5. {reconcile.PORIAN_STEPS[4]}"}
    with pytest.raises(InputError):
        chinchilla.porian_extrapolation_steps(op.drop(columns="label"), ext)


@pytest.fixture(scope="module")
def porian_steps():
    op = data.load("porian_compute_optimal", "optimal_pairs")
    fr = data.load("porian_compute_optimal", "fit_results")
    iso_all = data.load("porian_compute_optimal", "isoflop_points")
    return reconcile.porian_steps(op, fr, n_boot=100, seed=0, isoflop_points=iso_all)


def test_porian_step_exponents_figure(porian_steps):
    fig = chinchilla.porian_step_exponents(porian_steps, n_boot=100)
    spec = fig.spec()
    assert fig.title == "Five corrections take Kaplan's exponent to Chinchilla's"
    assert "100 resamples" in fig.caption and fig.alt
    assert len(spec["layer"]) == 4  # reference rules, their labels, intervals, points
    titles = charts.spec_titles(spec)
    assert "Exponent a of N* ∝ C^a" in titles and "Data set" in titles
    assert any(t.startswith("Porian et al. step") for t in titles)
    assert len(_dataset(spec, "step_label")) == 10  # five steps, two data sets
    assert [r["y"] for r in _dataset(spec, "what")] == [0.73, 0.5]
    with pytest.raises(InputError):
        chinchilla.porian_step_exponents(porian_steps[porian_steps["step"] < 5], n_boot=100)


def test_kaplan_counting_figure():
    study = reconcile.simulate_kaplan_study(laws.EPOCH)
    boot = reconcile.kaplan_study_exponents([laws.EPOCH, laws.HOFFMANN_TEX, laws.HOFFMANN])
    fig = chinchilla.kaplan_counting(study, boot)
    spec = fig.spec()
    assert fig.title == "The same simulated study, two ways of counting" and fig.alt
    assert "(3 resamples)" in fig.caption
    assert len(spec["layer"]) == 2  # frontier points, fitted lines
    titles = charts.spec_titles(spec)
    assert "Compute C (FLOP), counted in the same units as N" in titles
    assert "Compute-optimal parameters N* (count)" in titles
    lines = _dataset(spec, "fit")
    assert {r["counting"] for r in lines} == {
        f"non-embedding, a = {study.a_nonembedding:.2f}",
        f"total, a = {study.a_total:.2f}",
    }
    assert len(lines) == len(study.frontier)
    with pytest.raises(InputError):
        chinchilla.kaplan_counting(study, boot.drop(columns="a_total"))


def test_inference_demand_figure():
    target = allocation.compute_optimal(allocation.flops_for_optimal_params(13e9), laws.EPOCH)
    sweep = reconcile.inference_sweep(laws.EPOCH, target.loss, np.logspace(9, 16, 8))
    fig = chinchilla.inference_demand(sweep, laws.EPOCH, target.loss, 2e12)
    spec = fig.spec()
    assert fig.title.startswith("The more a model will be used") and fig.alt
    assert f"{target.loss:.3f} nats/token" in fig.caption and "1e+16 tokens" in fig.caption
    assert len(spec["layer"]) == 2  # three ratio curves, the demand rule
    titles = charts.spec_titles(spec)
    assert "Lifetime inference demand D_inf (tokens)" in titles
    assert "Ratio to the Chinchilla-optimal model at the same loss" in titles
    assert len(_dataset(spec, "quantity")) == 3 * 8
    assert _dataset(spec, "x") == [{"x": 2e12}]
    # a demand below the sweep is drawn at its left edge
    low = chinchilla.inference_demand(sweep, laws.EPOCH, target.loss, 1e6).spec()
    assert _dataset(low, "x") == [{"x": 1e9}]
    with pytest.raises(InputError):
        chinchilla.inference_demand(sweep.drop(columns="savings"), laws.EPOCH, 2.0, 1e12)


# --------------------------------------------------------------------------------- tables
def _cells(html):
    return re.findall(r"<td>(.*?)</td>", html.data)


def test_parameter_table():
    keys = ("E", "A", "B", "alpha", "beta", "a")
    boot = SimpleNamespace(
        point=dict.fromkeys(keys, 123.456),
        intervals=dict.fromkeys(keys, (1.0, 2.0)),
        std_err=dict.fromkeys(keys, 0.012345),
    )
    cells = _cells(chinchilla.parameter_table(boot))
    assert len(cells) == 6 * 6
    assert cells[:6] == ["E (nats/token)", "123.5", "[1.000, 2.000]", "0.0123", "1.817", "1.693"]
    with pytest.raises(InputError):
        chinchilla.parameter_table(SimpleNamespace(point={"a": 1}))


def test_table3_comparison():
    html = chinchilla.table3_comparison(laws.EPOCH).data
    assert html.count("<tr") == 1 + 9  # header + Table 3's nine sizes
    cells = _cells(chinchilla.table3_comparison(laws.EPOCH))
    # first row: 400M, Table 3's 8.0B tokens and Table A3's Approach-3 9.2B (Hoffmann et al. 2022)
    assert cells[:3] == ["4.00 × 10⁸", "8.00", "9.20"]


def test_gopher_and_calculator_tables():
    cg = reconcile.chinchilla_vs_gopher([("Hoffmann (rounded)", laws.HOFFMANN)])
    cells = _cells(chinchilla.gopher_table(cg))
    assert cells[0] == "Hoffmann (rounded)" and all(
        re.fullmatch(r"\d\.\d{3}", c) for c in cells[1:]
    )
    # Hoffmann's rounded law: Chinchilla 1.937 < Gopher 1.993 nats/token (our reading of eq. 2)
    assert float(cells[3]) > 0
    calc_html = chinchilla.calculator_table(5.76e23, ["hoffmann", laws.EPOCH])
    assert re.findall(r"<th>(.*?)</th>", calc_html.data) == [
        "Law",
        "C (FLOP)",
        "N_opt (params)",
        "D_opt (tokens)",
        "Tokens per parameter",
        "Loss (nats/token)",
    ]
    calc = _cells(calc_html)
    assert len(calc) == 2 * 6 and calc[0] == "hoffmann" and calc[6] == laws.EPOCH.name
    # paper_numbers §3.2: the rounded law at 5.76e23 FLOP: N* = 3.22e10, D* = 2.98e12
    assert calc[1:4] == ["5.76 × 10²³", "3.22 × 10¹⁰", "2.98 × 10¹²"]
    with pytest.raises(InputError):
        chinchilla.calculator_table(1e23, [])
    with pytest.raises(InputError):
        charts.table([1, 2])


def test_porian_table(porian_steps):
    cells = _cells(chinchilla.porian_table(porian_steps))
    assert len(cells) == 5 * 6
    assert cells[0] == "1" and cells[1] == reconcile.PORIAN_STEPS[0]
    # Porian et al. 2024 Table 2, Kaplan reproduction: 0.835 (RefinedWeb) / 0.864 (OpenWebText2)
    assert cells[4] == "0.835 / 0.864"
    # the last step: 0.497 / 0.518
    assert cells[-2] == "0.497 / 0.518"
    with pytest.raises(InputError):
        chinchilla.porian_table(porian_steps.drop(columns="a_raw"))

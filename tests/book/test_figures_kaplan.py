"""Figures of the Kaplan chapter (scalinglaws.book.figures.kaplan)."""

from __future__ import annotations

import pandas as pd
import pytest

from scalinglaws import data
from scalinglaws.analyses import kaplan_refit as kr
from scalinglaws.analyses import reconcile
from scalinglaws.book import charts
from scalinglaws.book.figures import kaplan as fk
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import KAPLAN as K

N_BOOT = 200


def _data(spec, *columns: str) -> list[list[dict]]:
    """The datasets of ``spec`` whose rows have all ``columns``."""
    return [v for v in spec["datasets"].values() if v and set(columns) <= set(v[0])]


def _check_figure(fig, title_start: str, axis_titles: list[str]) -> dict:
    assert isinstance(fig, charts.Figure)
    assert fig.title.startswith(title_start)
    assert len(fig.caption) > 80 and len(fig.alt) > 40
    spec = fig.spec()
    assert spec["title"] == fig.title
    titles = charts.spec_titles(spec)
    for t in axis_titles:
        assert t in titles, (t, titles)
    return spec


@pytest.fixture(scope="module")
def porian():
    pairs = data.load("porian_compute_optimal", "optimal_pairs")
    isoflop = data.load("porian_compute_optimal", "isoflop_points")
    fit_results = data.load("porian_compute_optimal", "fit_results")
    boot = {"n_boot": N_BOOT, "seed": 0, "level": 0.95}
    steps = reconcile.porian_steps(pairs, fit_results, datasets=("rw", "owt2"), **boot)
    front_pairs = {ds: kr.optimal_pairs(pairs, dataset=ds) for ds in ("rw", "owt2")}
    fits = {
        ds: kr.fit_frontier(
            p["flops"], p["n_star"], log_std=p["n_star_log_std"], weighted=True, **boot
        )
        for ds, p in front_pairs.items()
    }
    recount = kr.recount_with_head(front_pairs["rw"], kr.model_shapes(isoflop))
    head = kr.fit_frontier(
        recount["flops_head"],
        recount["n_star_head"],
        log_std=recount["n_star_log_std"],
        weighted=True,
        **boot,
    )
    return steps, front_pairs, fits, recount, head


@pytest.fixture(scope="module")
def pythia():
    evals = pd.concat(
        [data.load("pythia_evals", "evals"), data.load("pythia_fewshot", "zero_shot_1b")],
        ignore_index=True,
    ).sort_values(["params", "step"], kind="stable")
    acc = kr.pythia_accuracy(evals)
    at = acc[acc["step"] == 143000]
    fit = kr.fit_accuracy_vs_log_params(at["params"], at["mean_acc"], n_boot=N_BOOT, seed=0)
    return acc, fit


def test_single_variable_laws():
    fig = fk.single_variable_laws()
    spec = _check_figure(
        fig,
        "Kaplan et al.'s three single-variable",
        [
            "Parameters N (non-embedding)",
            "Dataset size D (tokens)",
            "Compute C_min (PF-days; 1 PF-day = 8.64e19 FLOP)",
            "Test loss L (nats/token)",
        ],
    )
    assert len(spec["hconcat"]) == 3
    assert "alpha_N = 0.076" in fig.caption and "no intervals" in fig.caption
    (n_panel,) = _data(spec, "N", "L")
    assert len(n_panel) == 60
    # the published L(N) at its first grid point, N = 1e3: (8.8e13 / 1e3)**0.076
    assert n_panel[0]["L"] == pytest.approx((8.8e13 / 1e3) ** 0.076, rel=1e-5)
    (c_panel,) = _data(spec, "C", "FLOP")
    assert c_panel[-1]["FLOP"] == pytest.approx(1e4 * 8.64e19, rel=1e-5)


def test_loss_vs_data():
    fig = fk.loss_vs_data()
    spec = _check_figure(fig, "L(N, D)", ["Training tokens D", "Test loss L(N, D) (nats/token)"])
    assert len(spec["layer"]) == 2  # curves, the dashed loss level
    (curves,) = _data(spec, "D", "L", "N")
    assert len(curves) == 5 * 60
    assert sorted({r["N"] for r in curves}) == [
        "N = 1e+06",
        "N = 1e+07",
        "N = 1e+08",
        "N = 1e+09",
        "N = 1e+10",
    ]
    (rule,) = [v for v in spec["datasets"].values() if v and set(v[0]) == {"L"}]
    assert rule == [{"L": 3.0}]
    d_big = kr.tokens_to_reach(1e9, 3.0)
    assert f"1e9 model after {d_big:.2g} tokens" in fig.caption
    other = fk.loss_vs_data(3.5)
    assert "the loss 3.5 nats/token" in other.caption
    with pytest.raises(InputError):
        fk.loss_vs_data(1.0)  # below L(N = 1e8): never reached


def test_steps_and_batch():
    fig = fk.steps_and_batch()
    spec = _check_figure(
        fig,
        "Steps and batch size",
        [
            "Minimum training steps S_min",
            "Test loss L(N, S) (nats/token)",
            "Loss L (nats/token)",
            "Critical batch size (tokens)",
        ],
    )
    assert len(spec["hconcat"]) == 2
    (curves,) = _data(spec, "S_min", "L", "N")
    assert len(curves) == 4 * 60
    (bc,) = _data(spec, "B_crit")
    assert len(bc) == 60
    # eq 1.4: B_crit(L) = B* / L**(1/alpha_B) at the grid's first loss, 1.8 nats/token
    assert bc[0]["B_crit"] == pytest.approx(K.B_star / 1.8 ** (1 / K.alpha_B), rel=1e-5)
    assert spec["hconcat"][1]["encoding"]["x"]["scale"]["reverse"] is True
    # The B_crit curve is not a model size: its colour is none of the left panel's series colours.
    n_series = len({r["N"] for r in curves})
    series_colours = spec["config"]["range"]["category"][:n_series]
    assert n_series == 4 and len(set(series_colours)) == 4
    right_mark = spec["hconcat"][1]["mark"]
    assert right_mark["type"] == "line"
    assert right_mark["color"].lower() not in {c.lower() for c in series_colours}


def test_allocation_frontiers():
    fig = fk.allocation_frontiers(1e21)
    spec = _check_figure(
        fig,
        "Where the extra compute goes",
        ["Training compute C (FLOP)", "Compute-optimal N (parameters) or D (tokens)"],
    )
    assert len(spec["layer"]) == 2  # four lines, the example budget
    (lines,) = _data(spec, "C", "value", "what")
    assert len(lines) == 2 * 2 * 50
    assert len({r["what"] for r in lines}) == 4
    (rule,) = [v for v in spec["datasets"].values() if v and set(v[0]) == {"C"}]
    assert rule == [{"C": 1e21}]
    assert "example budget 1e+21 FLOP" in fig.caption
    with pytest.raises(InputError):
        fk.allocation_frontiers(-1.0)


def test_refit_frontier(porian):
    steps, pairs, fits, _, _ = porian
    fig = fk.refit_frontier(pairs, fits, steps)
    spec = _check_figure(
        fig,
        "Kaplan's frontier, refitted",
        [
            "Compute C (FLOP, C = 6ND with non-embedding N)",
            "Compute-optimal size N* (non-embedding params)",
        ],
    )
    assert len(spec["layer"]) == 4  # band, line, error bars, points
    (points,) = _data(spec, "n_star", "n_star_log_std")
    assert len(points) == len(pairs["rw"]) + len(pairs["owt2"])
    assert {r["data set"] for r in points} == {"RefinedWeb", "OpenWebText2"}
    rw = steps[(steps["label"] == kr.KAPLAN_LABEL) & (steps["dataset"] == "rw")].iloc[0]
    assert f"RefinedWeb {rw['a']:.3f} [{rw['a_lo']:.3f}, {rw['a_hi']:.3f}]" in fig.caption
    assert f"parametric bootstrap band ({N_BOOT} resamples)" in fig.caption
    with pytest.raises(InputError):
        fk.refit_frontier({"rw": pairs["rw"]}, fits, steps)


def test_two_counts(porian):
    _, _, fits, recount, head = porian
    fig = fk.two_counts(recount, fits["rw"], head)
    spec = _check_figure(
        fig,
        "Same runs, two parameter counts",
        [
            "Compute C = 6ND (FLOP, N as counted)",
            "Compute-optimal size N* (parameters, as counted)",
        ],
    )
    assert len(spec["layer"]) == 3  # bands, lines, points
    (points,) = _data(spec, "C", "N", "counted")
    assert len(points) == 2 * len(recount)
    assert f"exponent {head.exponent:.3f}" in fig.caption
    # the recounted optima lie above the non-embedding ones (the head adds parameters)
    counted = pd.DataFrame(points)
    assert (
        counted[counted["counted"] == "with output layer"]["N"].min()
        > counted[counted["counted"] == "non-embedding (Kaplan)"]["N"].min()
    )
    # both fitted lines and bands are drawn: one series per count in the band data (#13)
    (band,) = _data(spec, "C", "fit", "lo", "hi")
    assert {r["counted"] for r in band} == {"with output layer", "non-embedding (Kaplan)"}
    with pytest.raises(InputError):
        fk.two_counts(recount, fits["rw"], {"a": 1})


def test_pythia_accuracy(pythia):
    acc, fit = pythia
    fig = fk.pythia_accuracy(acc, 143000, fit)
    spec = _check_figure(
        fig,
        "Pythia: zero-shot accuracy",
        [
            "Parameters N (total, Pythia suite sizes)",
            "Mean zero-shot accuracy (fraction)",
            "Training tokens D",
        ],
    )
    assert len(spec["hconcat"]) == 2
    assert len(spec["hconcat"][0]["layer"]) == 3  # band, line, points
    at = acc[acc["step"] == 143000]
    (points,) = [v for v in _data(spec, "N", "mean_acc")]
    assert len(points) == len(at)
    assert f"step 143000 ({143000 * 2_097_152:.3g} tokens)" in fig.caption
    assert f"({N_BOOT} resamples)" in fig.caption
    with pytest.raises(InputError):
        fk.pythia_accuracy(acc, 7, fit)
    with pytest.raises(InputError):
        fk.pythia_accuracy(acc, 143000, {"slope": 0.1})

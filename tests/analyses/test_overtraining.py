"""Tests for scalinglaws.analyses.overtraining on Gadre et al. 2024's runs (mlfoundations/scaling @a003c49)."""

import numpy as np
import pytest

from scalinglaws.analyses import overtraining as o
from scalinglaws.core.errors import InputError
from scalinglaws.data import load


@pytest.fixture(scope="module")
def split():
    runs = o.prepare_runs(load("gadre_overtraining", "runs"), load("gadre_overtraining", "evals"))
    return o.paper_split(runs)


@pytest.fixture(scope="module")
def fit(split):
    f = split["fit"]
    return o.fit_overtraining(f["params"], f["multiplier"], f["loss_c4_val"], n_boot=50, seed=0)


def test_split_sizes(split):
    assert len(split["fit"]) == 5
    assert len(split["fit_downstream"]) == 6
    assert list(split["targets"]["target"]) == ["1.4B M=640", "6.9B M=20"]
    assert split["targets"]["tokens"].iloc[0] == pytest.approx(900e9, rel=0.03)  # 900B tokens


def test_loss_relative_errors_reproduce_paper(split, fit):
    """scaling_explorer.ipynb stored output: 0.7103 % (1.4B, M=640), 0.7320 % (6.9B, M=20);
    Gadre et al. 2024 abstract. Tolerance 0.005 percentage points."""
    t = split["targets"]
    rel = o.relative_error(fit.loss(t["params"], t["multiplier"]), t["loss_c4_val"])
    assert rel[0] == pytest.approx(0.007103, abs=5e-5)
    assert rel[1] == pytest.approx(0.007320, abs=5e-5)
    assert fit.converged


def test_paper_form_consistent(fit):
    assert fit.eta == pytest.approx(fit.alpha / 2)
    n, m = 1e9, 100.0
    c = 6 * n * n * m
    paper = fit.E + (fit.a * m**fit.eta + fit.b * m ** (-fit.eta)) * c ** (-fit.eta)
    assert fit.loss(n, m) == pytest.approx(paper, rel=1e-12)


def test_interval_contains_point(split, fit):
    t = split["targets"]
    lo, hi = fit.loss_interval(t["params"], t["multiplier"])
    p = fit.loss(t["params"], t["multiplier"])
    assert np.all(lo <= p) and np.all(p <= hi)


def test_downstream_relative_errors_reproduce_paper(split, fit):
    """17-task top-1 error, error law fed the predicted loss: 3.6365 % and 0.0464 %
    (scaling_explorer.ipynb stored output). Tolerance 0.01 percentage points."""
    fd, t = split["fit_downstream"], split["targets"]
    d = o.fit_downstream(fd["loss_c4_val"], fd["err_17"])
    pred = d.error(fit.loss(t["params"], t["multiplier"]))
    rel = o.relative_error(pred, t["err_17"])
    assert rel[0] == pytest.approx(0.036365, abs=1e-4)
    assert rel[1] == pytest.approx(0.000464, abs=1e-4)
    assert d.converged


def test_bad_input():
    with pytest.raises(InputError):
        o.fit_overtraining([1, 2], [1, 2], [1, 2])
    with pytest.raises(InputError):
        o.fit_overtraining([1e7] * 5, [20] * 5, [3, 3, 3, float("nan"), 3])
    with pytest.raises(InputError):
        o.prepare_runs(load("gadre_overtraining", "runs"), dataset="pile")
    with pytest.raises(InputError):
        o.relative_error(1.0, 0.0)


def test_constant_intervals(fit):
    ci = fit.constant_intervals()
    assert set(ci) == {"E", "eta", "a", "b"}
    for name in ci:
        lo, hi = ci[name]
        assert lo < getattr(fit, name) < hi
    # eta = alpha / 2 on every replicate, so its interval is half that of alpha
    assert ci["eta"][0] == pytest.approx(np.quantile(fit.boot[:, 2], 0.025) / 2, rel=1e-12)
    with pytest.raises(InputError):
        fit.constant_intervals(level=95)


def test_downstream_interval(split, fit):
    fd, t = split["fit_downstream"], split["targets"]
    d = o.fit_downstream(fd["loss_c4_val"], fd["err_17"])
    point = d.error(fit.loss(t["params"], t["multiplier"]))
    ci = o.downstream_interval(fit, fd["loss_c4_val"], fd["err_17"], t["params"], t["multiplier"])
    lo, hi = ci["error"]
    assert np.all(lo < point) and np.all(point < hi)
    for name in ("epsilon", "k", "gamma"):
        assert ci[name][0] < getattr(d, name) < ci[name][1]
    # both measured errors (47.5 %, 47.2 %) lie inside their intervals
    assert np.all((lo <= t["err_17"].to_numpy()) & (t["err_17"].to_numpy() <= hi))
    again = o.downstream_interval(
        fit, fd["loss_c4_val"], fd["err_17"], t["params"], t["multiplier"]
    )
    assert np.array_equal(again["error"][0], lo)  # seeded
    with pytest.raises(InputError):
        o.downstream_interval("fit", fd["loss_c4_val"], fd["err_17"], t["params"], t["multiplier"])

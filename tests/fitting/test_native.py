"""The compiled kernel of the fitting engine (``scalinglaws.fitting._native``) against the numpy engine.

Both engines run the same L-BFGS; the compiled one uses its own vectorisable exp and log. These
tests check the kernel's objective and gradient against numpy over the range the fits visit,
the handling of overflow and non-finite parameters, that its answers do not depend on the number
of threads, and that both engines reach the same optimum from all 4,500 starts (the environment
switches ``SCALINGLAWS_ENGINE`` and ``SCALINGLAWS_THREADS`` are tested in ``test_engine.py``).
"""

from __future__ import annotations

import os
import platform
import sys

import numpy as np
import pytest

from scalinglaws.fitting import engine as engine_module
from scalinglaws.fitting.engine import batched_lbfgs, engine
from scalinglaws.fitting.objective import huber_objective_grad
from scalinglaws.fitting.parametric import fit_parametric, hoffmann_grid

native = pytest.importorskip("scalinglaws.fitting._native")


@pytest.fixture(scope="module")
def logs(data):
    return tuple(np.log(v) for v in data)


def test_kernel_is_built_where_the_project_builds_it():
    """setup.py builds the kernel with GCC on Linux x86-64 (CI's platform): a silent fall back to
    the numpy engine there would be a 10x slowdown nobody sees."""
    if sys.platform.startswith("linux") and platform.machine() == "x86_64":
        assert engine_module._native is not None
        assert engine() == "native" or os.environ.get("SCALINGLAWS_ENGINE") == "numpy"


def test_objective_and_gradient_match_numpy(logs):
    """Within 1e-13 (objective) and 1e-11 (gradient, relative to its largest component) of numpy
    at the optimum, at every grid start and at random points: the kernel's exp is within 1 ulp
    and its log within 2 ulp, so only summation order differs."""
    n, d, y = logs
    rng = np.random.default_rng(1)
    points = np.vstack(
        [
            [[6.17, 7.67, 0.597, 0.347, 0.367]],
            hoffmann_grid()[::7],
            rng.uniform([-5, -5, -3, -1, -1], [30, 30, 2, 3, 3], size=(300, 5)),
        ]
    )
    checked = 0
    for th in points:
        f_ref, g_ref = huber_objective_grad(th, n, d, y)
        if not np.isfinite(f_ref):
            continue
        f, g = native.fg(np.ascontiguousarray(th), n, d, y, 1e-3)
        assert f == pytest.approx(f_ref, rel=1e-13)
        scale = max(np.max(np.abs(g_ref)), 1e-300)
        np.testing.assert_allclose(np.asarray(g) / scale, g_ref / scale, rtol=0, atol=1e-11)
        checked += 1
    assert checked > 900


def test_weighted_objective_matches_numpy(logs):
    n, d, y = logs
    rng = np.random.default_rng(2)
    w = rng.integers(0, 4, size=n.size).astype(np.float64)
    th = np.array([6.1, 7.7, 0.6, 0.35, 0.37])
    f, g = native.fg(th, n, d, y, 1e-3, w)
    # numpy: repeat each point by its weight
    rep = np.repeat(np.arange(n.size), w.astype(int))
    f_ref, g_ref = huber_objective_grad(th, n[rep], d[rep], y[rep])
    assert f == pytest.approx(f_ref, rel=1e-13)
    np.testing.assert_allclose(g, g_ref, rtol=1e-11, atol=1e-15)


def test_overflow_and_non_finite_parameters(logs):
    n, d, y = logs
    # a term whose exponent passes 709 overflows in numpy: the objective is +inf in both
    th = np.array([800.0, 7.0, 0.5, 0.3, 0.3])
    with np.errstate(over="ignore", invalid="ignore"):
        f_ref, _ = huber_objective_grad(th, n, d, y)
    f, _ = native.fg(th, n, d, y, 1e-3)
    assert f_ref == np.inf and f == np.inf
    th = np.array([6.0, 7.0, 750.0, 0.3, 0.3])  # E = exp(750) overflows
    assert native.fg(th, n, d, y, 1e-3)[0] == np.inf
    # tiny terms (exponents far below -704) are harmless: the loss is then E alone
    th = np.array([-900.0, -900.0, 0.6, 0.3, 0.3])
    f_ref, g_ref = huber_objective_grad(th, n, d, y)
    f, g = native.fg(th, n, d, y, 1e-3)
    assert f == pytest.approx(f_ref, rel=1e-13)
    assert g[2] == pytest.approx(g_ref[2], rel=1e-12)
    th = np.array([np.nan, 7.0, 0.5, 0.3, 0.3])
    f, g = native.fg(th, n, d, y, 1e-3)
    assert np.isnan(f) and np.all(np.isnan(g))


def test_bad_buffers_are_value_errors(logs):
    n, d, y = logs
    with pytest.raises(ValueError, match="theta: expected 5"):
        native.fg(np.zeros(4), n, d, y, 1e-3)
    with pytest.raises(ValueError, match="float64"):
        native.fg(np.zeros(5, dtype=np.float32), n, d, y, 1e-3)
    with pytest.raises(ValueError, match="y: expected 240"):
        native.fg(np.zeros(5), n, d, y[:10], 1e-3)


def test_results_do_not_depend_on_the_thread_count(logs, monkeypatch):
    n, d, y = logs
    starts = hoffmann_grid()[::9]
    monkeypatch.setenv("SCALINGLAWS_ENGINE", "native")
    monkeypatch.setenv("SCALINGLAWS_THREADS", "1")
    one = batched_lbfgs(starts, n, d, y, 1e-3)
    monkeypatch.setenv("SCALINGLAWS_THREADS", "3")
    three = batched_lbfgs(starts, n, d, y, 1e-3)
    assert np.array_equal(one.x, three.x)
    assert np.array_equal(one.f, three.f)
    assert np.array_equal(one.n_iter, three.n_iter)
    assert np.array_equal(one.n_fev, three.n_fev)


def test_both_engines_reach_the_same_optimum(data, monkeypatch):
    """From all 4,500 starts both engines find the optimum: objectives within 1e-12 (relative),
    parameters within 1e-5. Per start, the engines round differently, so starts that stall on
    flat stretches may end elsewhere; n_reached agrees within a few percent."""
    fits = {}
    for name in ("native", "numpy"):
        monkeypatch.setenv("SCALINGLAWS_ENGINE", name)
        assert engine() == name
        fits[name] = fit_parametric(*data)
    a, b = fits["native"], fits["numpy"]
    assert a.converged and b.converged
    # the objective at the optimum is second-order in where each engine stops: measured 1e-16
    assert a.objective == pytest.approx(b.objective, rel=1e-12)
    # the parameters are first-order: each engine's optimum is certified to max|gradient| <= 1e-9
    # (standardised coordinates), which the Hessian there turns into up to ~5e-6 in a = ln A and
    # b = ln B (~8e-7 relative) and ~2e-7 in e, alpha, beta (~5e-7 relative); two engines may
    # differ by twice that, so 1e-6 (the old tolerance) is not guaranteed. Measured: 3e-8.
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-5, atol=1e-8)
    assert abs(a.n_reached - b.n_reached) <= 0.05 * b.n_reached


def test_engines_agree_start_by_start_on_most_starts(logs, monkeypatch):
    n, d, y = logs
    starts = hoffmann_grid()[::5]
    runs = {}
    for name in ("native", "numpy"):
        monkeypatch.setenv("SCALINGLAWS_ENGINE", name)
        with np.errstate(all="ignore"):
            runs[name] = batched_lbfgs(starts, n, d, y, 1e-3)
    a, b = runs["native"], runs["numpy"]
    # each start stops by L-BFGS-B's default rule (a reduction below ftol = 2.2e-9 of
    # max(|f|, 1), i.e. 2.2e-9 absolute on objectives of ~1e-3), so a start's end value is only
    # determined to ~2e-6 relative; at 1e-5, 98.7 % agree (95.7 % at the old 1e-6)
    same = np.isclose(a.f, b.f, rtol=1e-5, atol=0)
    assert same.mean() > 0.9
    assert np.all(a.n_fev >= a.n_iter + 1) and np.all(b.n_fev >= b.n_iter + 1)

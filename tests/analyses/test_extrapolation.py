"""Unit tests for scalinglaws.analyses.extrapolation (synthetic inputs; real data in test_power_laws_chapter)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analyses.extrapolation import (
    PORIAN_FIT_WINDOW,
    WINDOW_LAWS,
    band_coverage,
    estimator_stats,
    exponent_by_window,
    fit_floor,
    fit_loglog,
    holdout_errors,
    holdout_study,
    lambada_cross_entropy,
    optimal_losses,
    porian_stored_fit,
    relative_band_width,
    relative_error_band,
    saturating_local_exponent,
    simulate_log_vs_linear,
    sliding_window_fits,
)
from scalinglaws.core.errors import InputError


def _evals() -> pd.DataFrame:
    rows = []
    for size, n, ppl in (("70m", 7e7, 100.0), ("12b", 1.2e10, 4.0)):
        for step, scale in ((1000, 2.0), (143000, 1.0)):
            rows.append(
                dict(
                    size=size,
                    params=n,
                    step=step,
                    tokens=step * 2097152.0,
                    task="lambada_openai",
                    metric="ppl",
                    value=ppl * scale,
                    stderr=0.1 * ppl,
                )
            )
            rows.append(
                dict(
                    size=size,
                    params=n,
                    step=step,
                    tokens=step * 2097152.0,
                    task="lambada_openai",
                    metric="acc",
                    value=0.5,
                    stderr=0.01,
                )
            )
    return pd.DataFrame(rows)


def test_lambada_cross_entropy_last_step_by_default():
    out = lambada_cross_entropy(_evals())
    assert list(out["size"]) == ["70m", "12b"]
    assert (out["step"] == 143000).all()
    np.testing.assert_allclose(out["xent"], np.log([100.0, 4.0]))
    np.testing.assert_allclose(out["xent_stderr"], [0.1, 0.1])  # stderr / ppl


def test_lambada_cross_entropy_other_step_and_errors():
    out = lambada_cross_entropy(_evals(), step=1000)
    np.testing.assert_allclose(out["ppl"], [200.0, 8.0])
    with pytest.raises(InputError, match="step 5"):
        lambada_cross_entropy(_evals(), step=5)
    with pytest.raises(InputError, match="lacks column"):
        lambada_cross_entropy(pd.DataFrame({"size": []}))
    with pytest.raises(InputError, match="DataFrame"):
        lambada_cross_entropy([1, 2])


def test_optimal_losses_selects_and_marks_window():
    pairs = pd.DataFrame(
        {
            "dataset": ["rw"] * 4 + ["owt2"],
            "label": ["x"] * 5,
            "loss_source": ["val"] * 5,
            "flops": [1e18, 1.25e16, 4e17, 8e17, 1e17],
            "loss_star": [3.0, 4.5, 3.5, np.nan, 9.0],
            "loss_star_std": [0.1] * 5,
        }
    )
    out = optimal_losses(pairs, "rw", "x", "val")
    assert list(out["flops"]) == [1.25e16, 4e17, 1e18]  # sorted, NaN dropped, other set excluded
    assert list(out["in_porian_window"]) == [True, True, False]
    assert PORIAN_FIT_WINDOW == (1e16, 5e17)
    with pytest.raises(InputError, match="no optimal pairs"):
        optimal_losses(pairs, "rw", "nope", "val")


def test_simulation_is_seeded_and_log_space_is_tighter():
    x = np.geomspace(1e6, 1e10, 9)
    a = simulate_log_vs_linear(x, 100.0, 0.5, 0.2, 100, 7)
    b = simulate_log_vs_linear(x, 100.0, 0.5, 0.2, 100, 7)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 200 and a["converged"].all()
    spread = a.groupby("method")["alpha_hat"].std()
    # With multiplicative noise the log-space estimator is the efficient one: much tighter.
    assert spread["log space"] < 0.5 * spread["linear space"]
    assert abs(a[a.method == "log space"]["alpha_hat"].mean() - 0.5) < 0.01


def test_simulation_without_noise_recovers_exponent_exactly():
    out = simulate_log_vs_linear([1.0, 10.0, 100.0, 1000.0], 3.0, 0.7, 0.0, 2, 0)
    # zero residual: closed-form OLS (log space) and curve_fit (linear space), which converges
    # quadratically at a zero-residual optimum; measured exact to rounding
    np.testing.assert_allclose(out["alpha_hat"], 0.7, rtol=1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(x=[1, 2]), "3 distinct"),
        (dict(x=[1, -2, 3]), "positive"),
        (dict(A=0.0), "A must be positive"),
        (dict(alpha=float("nan")), "alpha must be finite"),
        (dict(sigma=-1.0), "sigma"),
        (dict(n_sim=0), "n_sim"),
        (dict(seed=-1), "seed"),
        (dict(seed=True), "seed"),
    ],
)
def test_simulation_rejects_bad_input(kwargs, match):
    args = dict(x=[1.0, 2.0, 3.0], A=1.0, alpha=0.5, sigma=0.1, n_sim=3, seed=0) | kwargs
    with pytest.raises(InputError, match=match):
        simulate_log_vs_linear(**args)


def test_local_exponent_limits_and_derivative():
    x = np.geomspace(1e2, 1e12, 11)
    E, A, alpha = 1.7, 400.0, 0.34
    local = saturating_local_exponent(x, E, A, alpha)
    # Numerical derivative of -ln L with respect to ln x.
    lx = np.log(x)
    h = 1e-5
    L = lambda t: E + A * np.exp(-alpha * t)  # noqa: E731
    numeric = -(np.log(L(lx + h)) - np.log(L(lx - h))) / (2 * h)
    np.testing.assert_allclose(local, numeric, rtol=1e-6)
    assert np.all(np.diff(local) < 0) and local[0] < alpha
    np.testing.assert_allclose(saturating_local_exponent(x, 0.0, A, alpha), alpha)
    with pytest.raises(InputError, match="E must"):
        saturating_local_exponent(x, -1.0, A, alpha)


def test_holdout_errors():
    out = holdout_errors([1.0, 10.0, 100.0], [2.0, 2.0, 2.0], [2.0, 2.2, 1.5], 10.0)
    assert list(out["in_fit"]) == [True, True, False]
    np.testing.assert_allclose(out["decades_beyond"], [0.0, 0.0, 1.0])
    np.testing.assert_allclose(out["rel_error"], [0.0, 0.1, -0.25])
    np.testing.assert_allclose(out["abs_rel_error"], [0.0, 0.1, 0.25])
    with pytest.raises(InputError, match="same length"):
        holdout_errors([1.0], [1.0, 2.0], [1.0], 1.0)
    with pytest.raises(InputError, match="finite"):
        holdout_errors([1.0], [1.0], [np.inf], 1.0)
    with pytest.raises(InputError, match="x_fit_max"):
        holdout_errors([1.0], [1.0], [1.0], 0.0)


# ------------------------------------------------------------------------------------ fits


def test_fit_loglog_recovers_exact_power_law_and_is_seeded():
    x = np.geomspace(1e6, 1e10, 7)
    y = 50.0 * x**-0.3
    fit = fit_loglog(x, y, n_boot=50, seed=1)
    assert fit.converged and fit.law == "power law" and fit.E == 0.0
    assert fit.alpha == pytest.approx(0.3, abs=1e-12)
    assert fit.A == pytest.approx(50.0, rel=1e-9)
    np.testing.assert_allclose(fit.predict(x), y, rtol=1e-10)
    noisy = y * np.exp(0.05 * np.random.default_rng(0).standard_normal(x.size))
    a, b = fit_loglog(x, noisy, n_boot=50, seed=3), fit_loglog(x, noisy, n_boot=50, seed=3)
    assert a.alpha_ci == b.alpha_ci
    c = fit_loglog(x, noisy, n_boot=400, seed=3)
    assert c.alpha_ci[0] < 0.3 < c.alpha_ci[1]
    lo, hi = c.interval(x)
    assert np.all(lo <= c.predict(x)) and np.all(c.predict(x) <= hi)


def test_fit_floor_recovers_saturating_law():
    x = np.geomspace(1e16, 3e19, 10)
    E, A, alpha = 1.8, 150.0, 0.12
    y = E + A * x**-alpha
    fit = fit_floor(x, y, n_boot=30, seed=0)
    assert fit.converged and fit.law == "saturating"
    # noise-free, zero-residual least squares (tolerances 1e-12): measured within 1e-14
    assert fit.E == pytest.approx(E, rel=1e-5)
    assert fit.A == pytest.approx(A, rel=1e-4)
    assert fit.alpha == pytest.approx(alpha, rel=1e-5)
    noisy = y * np.exp(0.002 * np.random.default_rng(1).standard_normal(x.size))
    f2 = fit_floor(x, noisy, n_boot=200, seed=2)
    assert f2.converged and f2.boot_converged > 0.9
    assert f2.E_ci[0] < E < f2.E_ci[1]
    assert f2.alpha_ci[0] < alpha < f2.alpha_ci[1]
    # A plain power law on the same data reports a smaller (biased) exponent.
    assert fit_loglog(x, y, n_boot=20, seed=0).alpha < alpha


@pytest.mark.parametrize("fit", [fit_loglog, fit_floor])
@pytest.mark.parametrize(
    "x, y, kwargs, match",
    [
        ([1.0, 2.0], [1.0, 2.0], {}, "distinct"),
        ([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0], {}, "same length"),
        ([1.0, 2.0, 3.0, 4.0], [1.0, np.nan, 3.0, 4.0], {}, "y must be finite, got NaN or inf"),
        ([1.0, 2.0, 3.0, 4.0], [1.0, 0.0, 3.0, 4.0], {}, "y must be positive, got 0"),
        ([1.0, 2.0, 3.0, 4.0], ["a", "b", "c", "d"], {}, "numeric"),
        ([1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0], {"n_boot": 5}, "n_boot"),
        ([1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0], {"seed": -1}, "seed"),
        ([1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0], {"level": 1.5}, "level"),
    ],
)
def test_fits_reject_bad_input(fit, x, y, kwargs, match):
    with pytest.raises(InputError, match=match):
        fit(x, y, **kwargs)


# ------------------------------------------------------------------- the chapter's analyses


def test_porian_stored_fit_selects_one_configuration():
    rows = pd.DataFrame(
        {
            "dataset": ["rw", "rw", "owt2"],
            "label": ["Optimizer tuning (no decay)"] * 3,
            "loss_source": ["val"] * 3,
            "variant": ["basic", "other", "basic"],
            "E": [2.0, 9.0, 2.1],
        }
    )
    assert porian_stored_fit(rows)["E"] == 2.0
    assert porian_stored_fit(rows, "owt2")["E"] == 2.1
    with pytest.raises(InputError, match="no stored fit"):
        porian_stored_fit(rows, "rw", variant="nope")
    with pytest.raises(InputError, match="lacks column"):
        porian_stored_fit(rows.drop(columns="variant"))


def test_estimator_stats_by_hand():
    sim = pd.DataFrame(
        {
            "method": ["log space", "linear space"] * 3,
            "alpha_hat": [0.4, 0.5, 0.5, np.nan, 0.6, 0.8],
            "converged": [True, True, True, False, True, True],
        }
    )
    st = estimator_stats(sim, 0.5)
    assert list(st.index) == ["linear space", "log space"]
    assert st.loc["log space", "mean"] == pytest.approx(0.5)
    assert st.loc["log space", "std"] == pytest.approx(0.1)  # sample std of 0.4, 0.5, 0.6
    assert st.loc["log space", "se"] == pytest.approx(0.1 / np.sqrt(3))
    assert st.loc["log space", "rmse"] == pytest.approx(np.sqrt(0.02 / 3))
    # the failed fit (NaN) is left out of mean, std and rmse, and counted in ``converged``
    assert st.loc["linear space", "mean"] == pytest.approx(0.65)
    assert st.loc["linear space", "rmse"] == pytest.approx(np.sqrt((0.0 + 0.09) / 2))
    assert st.loc["linear space", "converged"] == pytest.approx(2 / 3)
    with pytest.raises(InputError, match="lacks column"):
        estimator_stats(sim.drop(columns="converged"), 0.5)


def test_sliding_window_fits_on_an_exact_law():
    table = pd.DataFrame(
        {"size": list("abcde"), "params": np.geomspace(1e8, 1e12, 5)},
    ).assign(xent=lambda d: 30.0 * d["params"] ** -0.2)
    w = sliding_window_fits(table, 3, n_boot=20, seed=0)
    assert list(w["window"]) == ["a–c", "b–d", "c–e"]
    np.testing.assert_allclose(w["N_mid"], [1e9, 1e10, 1e11], rtol=1e-12)
    np.testing.assert_allclose(w["alpha"], 0.2, rtol=1e-9)
    assert w["converged"].all() and (w["lo"] <= w["alpha"] + 1e-12).all()
    assert len(sliding_window_fits(table, 5, n_boot=20, seed=0)) == 1
    with pytest.raises(InputError, match="at most"):
        sliding_window_fits(table, 6, n_boot=20, seed=0)
    with pytest.raises(InputError, match="k must"):
        sliding_window_fits(table, 2, n_boot=20, seed=0)


def test_exponent_by_window_rows():
    c = 1e16 * 2.0 ** np.arange(7)
    curve = pd.DataFrame({"flops": c, "loss_star": 1.8 + 150.0 * c**-0.12})
    bw = exponent_by_window(curve, n_boot=20, seed=0)
    assert len(bw) == 2 * 3  # windows of 5, 6, 7 budgets
    assert list(bw["law"]) == list(WINDOW_LAWS) * 3
    assert list(bw["C_max"]) == [c[4], c[4], c[5], c[5], c[6], c[6]]
    sat = bw[bw["law"] == WINDOW_LAWS[0]]
    np.testing.assert_allclose(sat["alpha"], 0.12, rtol=1e-4)  # noise-free: the true exponent
    # the plain law reports the local slope, below the true exponent, and falling
    plain = bw[bw["law"] == WINDOW_LAWS[1]]["alpha"].to_numpy()
    assert np.all(plain < 0.12) and np.all(np.diff(plain) < 0)
    with pytest.raises(InputError, match="fewer than"):
        exponent_by_window(curve, first=8, n_boot=20, seed=0)


def test_band_helpers_on_an_exact_fit():
    x = np.geomspace(1e6, 1e10, 7)
    fit = fit_loglog(x, 50.0 * x**-0.3, n_boot=20, seed=0)  # zero residuals: the band is the line
    y = fit.predict([1e11, 1e12]) * np.array([1.1, 1.0])
    lo, hi = relative_error_band(fit, [1e11, 1e12], y)
    np.testing.assert_allclose(lo, [1 / 1.1 - 1, 0.0], atol=1e-9)
    np.testing.assert_allclose(hi, lo, atol=1e-9)
    np.testing.assert_allclose(relative_band_width(fit, [1e11, 1e12]), 0.0, atol=1e-9)
    noisy = fit_loglog(x, 50.0 * x**-0.3 * np.exp([0.05, -0.05] * 3 + [0.0]), n_boot=200, seed=0)
    width = relative_band_width(noisy, [1e6, 1e8, 1e12])
    assert width[2] > width[0] > 0  # the band widens away from the data's centre
    lo_b, hi_b = noisy.interval([1e8, 1e8, 1e8])
    inside = (lo_b[0] + hi_b[0]) / 2
    assert band_coverage(noisy, [1e8, 1e8, 1e8], [inside, hi_b[0] * 1.01, lo_b[0]]) == 2


def test_holdout_study_on_a_saturating_curve():
    c = 1e16 * 2.0 ** np.arange(10)
    curve = pd.DataFrame({"flops": c, "loss_star": 1.9 + 150.0 * c**-0.12})
    st = holdout_study(curve, 6, n_boot=30, seed=0)
    assert st.n_fit == 6 and st.c_fit_max == c[5] and len(st.held_out) == 4
    assert list(st.err_sat["in_fit"]) == [True] * 6 + [False] * 4
    assert st.near("pw")["x"] == c[6] and st.far("pw")["x"] == c[9]
    # the true form extrapolates exactly; the plain law predicts too low a loss, more so further out
    assert abs(st.far("sat")["rel_error"]) < 1e-6
    assert st.far("pw")["rel_error"] < st.near("pw")["rel_error"] < 0
    lo, hi = st.error_band("pw", "far")
    assert lo <= st.far("pw")["rel_error"] <= hi
    out = st.held_out
    for law, f in (("sat", st.sat), ("pw", st.pw)):
        assert st.coverage(law) == band_coverage(f, out["flops"], out["loss_star"])
    # noise-free data: the plain law's narrow band misses the curving held-out points
    assert st.coverage("pw") == 0
    table = st.table()
    assert list(table["used"]) == ["fitted"] * 6 + ["held out"] * 4
    np.testing.assert_allclose(table["error plain"], st.err_pw["rel_error"])
    assert holdout_study(curve, 10, n_boot=30, seed=0).n_fit == 8  # two budgets always held out
    with pytest.raises(InputError, match="law must"):
        st.near("other")
    with pytest.raises(InputError, match="where must"):
        st.error_band("sat", "middle")


def test_lawfit_summary():
    x = np.geomspace(1e6, 1e10, 7)
    fit = fit_loglog(x, 50.0 * x**-0.3, n_boot=20, seed=0)
    assert fit.summary() == (
        "power law A x^-alpha fitted to 7 points: alpha = 0.300 [0.300, 0.300], A = 50 "
        "(95% bootstrap intervals, 20 resamples); converged"
    )
    sat = fit_floor(x, 1.5 + 50.0 * x**-0.3, n_boot=20, seed=0)
    text = sat.summary(2)
    assert text.startswith("saturating law E + A x^-alpha fitted to 7 points: alpha = 0.30 [")
    assert "E = 1.50 [" in text and text.endswith("converged")

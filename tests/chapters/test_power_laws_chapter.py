"""Published and physical numbers stated in the chapter "Power laws: the shape of scaling".

These tests run the library functions the chapter uses on the real data (offline mirror or the
download cache), not the notebook.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from scalinglaws.analyses.extrapolation import (
    fit_floor,
    fit_loglog,
    holdout_errors,
    holdout_study,
    lambada_cross_entropy,
    optimal_losses,
    sliding_window_fits,
)
from scalinglaws.book.chapters import CHAPTERS, spec_matches_notebook

with warnings.catch_warnings():  # pooch imports tqdm.auto (harmless TqdmWarning in some kernels)
    warnings.filterwarnings("ignore", message="IProgress not found")
    from scalinglaws import data


@pytest.fixture(scope="module")
def lam():
    return lambada_cross_entropy(data.load("pythia_evals", "evals"))


@pytest.fixture(scope="module")
def pairs():
    return data.load("porian_compute_optimal", "optimal_pairs")


@pytest.fixture(scope="module")
def fit_results():
    return data.load("porian_compute_optimal", "fit_results")


def test_kaplan_doubling_rule():
    """Kaplan et al. 2020, §1.2: doubling N multiplies the loss by ~0.95, printed to two decimals
    (tol: half a unit of the printed second decimal). The chapter takes alpha_N from
    scalinglaws.core.laws.KAPLAN and computes the factor through L(N), so this checks the library."""
    from scalinglaws.core.laws import KAPLAN

    assert KAPLAN.loss_n(2e8) / KAPLAN.loss_n(1e8) == pytest.approx(0.95, abs=0.005)


def test_porian_loss_std_range(pairs):
    """The chapter glues the range of Porian et al.'s released bootstrap std of L* instead of "a few
    thousandths of a nat": on RefinedWeb (optimizer tuning, no decay, validation loss) it is 4e-4 to
    7e-4 nats/token, on OpenWebText2 2e-3 to 3e-3 (values of the released pickle, 1 s.f.)."""
    rw = optimal_losses(pairs, "rw")["loss_star_std"]
    ow = optimal_losses(pairs, "owt2")["loss_star_std"]
    assert float(f"{rw.min():.1g}") == 4e-4 and float(f"{rw.max():.1g}") == 7e-4
    assert float(f"{ow.min():.1g}") == 2e-3 and float(f"{ow.max():.1g}") == 3e-3


def test_pythia_final_lambada_perplexities(lam):
    """Step-143000 LAMBADA-OpenAI perplexities listed in the data set's PROVENANCE.md
    (EleutherAI/pythia evals/pythia-v1, zero-shot JSON files), 70M -> 12B."""
    assert list(lam["size"]) == ["70m", "160m", "410m", "1.4b", "2.8b", "6.9b", "12b"]
    assert (lam["step"] == 143000).all()
    np.testing.assert_allclose(
        lam["ppl"], [142.43, 38.07, 10.83, 6.09, 5.04, 4.45, 3.92], atol=0.006
    )
    # ~3.0e11 tokens at the last checkpoint (2,097,152 tokens per step; Biderman et al. 2023).
    assert lam["tokens"].iloc[0] == pytest.approx(2.999e11, rel=1e-3)
    np.testing.assert_allclose(lam["xent"], np.log(lam["ppl"]))


def test_pythia_power_law_and_saturating_fit_converge(lam):
    """The chapter's numbers: plain exponent ~0.246, saturating E ~1.26 nats/word, alpha ~0.64."""
    pw = fit_loglog(lam["params"], lam["xent"], n_boot=200, seed=42)
    assert pw.converged
    assert pw.alpha == pytest.approx(0.2456, abs=5e-4)
    assert pw.alpha_ci[0] < pw.alpha < pw.alpha_ci[1]
    sat = fit_floor(lam["params"], lam["xent"], n_boot=200, seed=42)
    assert sat.converged and sat.boot_converged > 0.9
    assert sat.E == pytest.approx(1.257, abs=0.005)
    assert sat.alpha == pytest.approx(0.643, abs=0.005)
    assert sat.E_ci[0] < sat.E < sat.E_ci[1]
    # The saturating law fits the bend much better than the straight line (log residuals).
    assert sat.rmse_log < 0.5 * pw.rmse_log


def test_sliding_window_exponent_drifts_down(lam):
    """Plain power laws on 3 consecutive Pythia sizes: the exponent falls as the window moves up."""
    alphas = [
        fit_loglog(lam["params"][i : i + 3], lam["xent"][i : i + 3], n_boot=50, seed=0).alpha
        for i in range(len(lam) - 2)
    ]
    assert alphas[0] > 0.35 and alphas[-1] < 0.15
    assert alphas[0] > alphas[-1]


def test_sliding_window_fits_drift_down(lam):
    """The library call the chapter makes: the same drift, window labels from the sizes."""
    w = sliding_window_fits(lam, 3, n_boot=50, seed=0)
    assert list(w["window"]) == ["70m–410m", "160m–1.4b", "410m–2.8b", "1.4b–6.9b", "2.8b–12b"]
    assert w["alpha"].iloc[0] > 0.35 and w["alpha"].iloc[-1] < 0.15
    assert w["hi"].iloc[-1] < w["lo"].iloc[0]


@pytest.mark.parametrize(
    "dataset, E, A, alpha",
    [("rw", 2.005558, 128.932, 0.105970), ("owt2", 2.074705, 399.422, 0.139662)],
)
def test_porian_saturating_fit_reproduced(pairs, fit_results, dataset, E, A, alpha):
    """Porian et al. 2024 fit L*(C) = E + A C^-alpha on 1e16 < C < 5e17 FLOP (analysis.py,
    fit_loss_with_saturation); their stored 'basic' fit for 'Optimizer tuning (no decay)',
    validation loss, is reproduced to 4 significant figures."""
    ref = fit_results[
        (fit_results["dataset"] == dataset)
        & (fit_results["label"] == "Optimizer tuning (no decay)")
        & (fit_results["loss_source"] == "val")
        & (fit_results["variant"] == "basic")
    ].iloc[0]
    assert (ref["E"], ref["A"], ref["alpha"]) == pytest.approx((E, A, alpha), rel=1e-4)
    curve = optimal_losses(pairs, dataset)
    win = curve[curve["in_porian_window"]]
    assert len(win) == 6
    fit = fit_floor(win["flops"], win["loss_star"], n_boot=20, seed=42)
    assert fit.converged
    assert fit.E == pytest.approx(ref["E"], rel=1e-3)
    assert fit.A == pytest.approx(ref["A"], rel=1e-3)
    assert fit.alpha == pytest.approx(ref["alpha"], rel=1e-3)


def test_extrapolation_error_grows_with_distance(pairs):
    """Fit on the 6 smallest budgets, predict the other 6: the plain power law's error grows
    with the distance from the window (too-low predictions), and so does the saturating law's."""
    curve = optimal_losses(pairs, "rw")
    assert len(curve) == 12
    part = curve.iloc[:6]
    for fit in (
        fit_loglog(part["flops"], part["loss_star"], n_boot=20, seed=42),
        fit_floor(part["flops"], part["loss_star"], n_boot=20, seed=42),
    ):
        err = holdout_errors(
            curve["flops"], curve["loss_star"], fit.predict(curve["flops"]), part["flops"].max()
        )
        out = err[~err["in_fit"]]
        assert out["decades_beyond"].iloc[-1] == pytest.approx(np.log10(2.56e19 / 4e17))
        assert out["abs_rel_error"].iloc[-1] > 3 * out["abs_rel_error"].iloc[0]
        assert err[err["in_fit"]]["abs_rel_error"].max() < 0.01
        if fit.law == "power law":
            assert (out["rel_error"] < 0).all()  # optimistic: predicts too low a loss


def test_holdout_study_plain_law_is_optimistic(pairs):
    """The chapter's holdout_study on RefinedWeb: 6 budgets fitted (up to 4e17 FLOP), 6 held out up to
    2.56e19 FLOP (1.8 decades beyond); the plain law predicts too low a loss at every held-out budget."""
    st = holdout_study(optimal_losses(pairs, "rw"), 6, n_boot=20, seed=42)
    assert st.n_fit == 6 and st.c_fit_max == pytest.approx(4e17) and len(st.held_out) == 6
    assert st.far("pw")["decades_beyond"] == pytest.approx(np.log10(2.56e19 / 4e17))
    assert (st.err_pw[~st.err_pw["in_fit"]]["rel_error"] < 0).all()
    assert abs(st.far("pw")["rel_error"]) > abs(st.near("pw")["rel_error"])


def test_chapter_spec_matches_notebook():
    assert "power-laws" in CHAPTERS
    assert spec_matches_notebook("power-laws") == []

"""Published numbers reproduced by the Chinchilla chapter (chapters/04_chinchilla.ipynb).

Each test calls the library on the real data and names the paper location and tolerance.
Sources: /work/shared/reference/paper_numbers.md §3 (Hoffmann et al. 2022), §4 (Besiroglu et al.
2024), §6 (Sardana et al. 2024), §11 (Llama 3 model card); datasets.md §1 (Epoch notebook cells).
"""

from __future__ import annotations

import numpy as np
import pytest

from scalinglaws import data
from scalinglaws.book.chapters import spec_matches_notebook
from scalinglaws.core import allocation, laws
from scalinglaws.core.errors import InputError
from scalinglaws.fitting import bootstrap, objective, parametric


@pytest.fixture(scope="module")
def points():
    df = data.load("chinchilla_epoch_svg", "fit_points")
    return tuple(df[c].to_numpy() for c in ("params", "tokens", "loss"))


@pytest.fixture(scope="module")
def fit(points):
    return parametric.fit_parametric(*points)


@pytest.fixture(scope="module")
def boot(points, fit):
    return bootstrap.bootstrap_parametric(*points, n_boot=4000, seed=42, fit=fit)


def test_chapter_parameters_match_spec():
    assert spec_matches_notebook("chinchilla") == []


def test_fit_points_are_epochs_240():
    """Besiroglu et al. 2024: 245 digitised points, 5 highest-loss dropped -> 240 (epoch-repo cell 4)."""
    df = data.load("chinchilla_epoch_svg", "points")
    assert len(df) == 245
    assert len(data.load("chinchilla_epoch_svg", "fit_points")) == 240


def test_hoffmann_recipe_refit_matches_epoch_replication(fit):
    """Epoch's "replicate exactly" fit with Hoffmann's recipe (epoch-repo data_analysis.ipynb cell 18):
    A = 477.84, B = 2143.86, E = 1.8172, alpha = 0.3473, beta = 0.3672. Tolerances: A, B 0.5 %
    (B is weakly identified); E, alpha, beta half a unit of the printed 4th decimal plus 5e-5,
    how far the notebook's L-BFGS-B at scipy's default tolerances stops from the optimum
    (measured; see test_parametric.py::test_reproduces_epoch_replication)."""
    assert fit.converged
    assert fit.A == pytest.approx(477.84, rel=5e-3)
    assert fit.B == pytest.approx(2143.86, rel=5e-3)
    assert fit.E == pytest.approx(1.8172, abs=5e-5 + 5e-5)
    assert fit.alpha == pytest.approx(0.3473, abs=5e-5 + 5e-5)
    assert fit.beta == pytest.approx(0.3672, abs=5e-5 + 5e-5)


def test_refit_close_to_epoch_table1(fit):
    """Besiroglu et al. 2024 Table 1 (MLE with scale): A 482.01, B 2085.43, E 1.817, alpha 0.3478,
    beta 0.3658, a = 0.513. Different objective, so tolerance: one Epoch bootstrap SE
    (A 124.52, B 1293.28, E 0.026, alpha 0.015, beta 0.021; a 0.020)."""
    assert fit.A == pytest.approx(482.01, abs=124.52)
    assert fit.B == pytest.approx(2085.43, abs=1293.28)
    assert fit.E == pytest.approx(1.817, abs=0.026)
    assert fit.alpha == pytest.approx(0.3478, abs=0.015)
    assert fit.beta == pytest.approx(0.3658, abs=0.021)
    assert fit.beta / (fit.alpha + fit.beta) == pytest.approx(0.513, abs=0.020)


@pytest.mark.slow
def test_bootstrap_intervals_match_epoch(boot):
    """Epoch's 95 % bootstrap CIs, 4,000 resamples (epoch-repo cells 24-26; datasets.md §1):
    E (1.769, 1.871), alpha (0.317, 0.373), beta (0.331, 0.415) -- endpoints within 0.01;
    A (285.2, 743.6), B (1042.4, 5810.3) -- endpoints within 8 %; SEs E 0.026, alpha 0.0154,
    beta 0.0206 within 20 %."""
    ci = boot.intervals
    for k, (lo, hi) in {
        "E": (1.769, 1.871),
        "alpha": (0.317, 0.373),
        "beta": (0.331, 0.415),
    }.items():
        assert ci[k][0] == pytest.approx(lo, abs=0.01)
        assert ci[k][1] == pytest.approx(hi, abs=0.01)
    for k, (lo, hi) in {"A": (285.2, 743.6), "B": (1042.4, 5810.3)}.items():
        assert ci[k][0] == pytest.approx(lo, rel=0.08)
        assert ci[k][1] == pytest.approx(hi, rel=0.08)
    for k, se in {"E": 0.026, "alpha": 0.0154, "beta": 0.0206}.items():
        assert boot.std_err[k] == pytest.approx(se, rel=0.2)
    assert boot.n_converged >= 0.99 * boot.n_boot
    # Hoffmann's a = 0.457 (TeX values) lies outside our 95 % interval
    assert not ci["a"][0] <= laws.HOFFMANN_TEX.a <= ci["a"][1]


@pytest.mark.slow
def test_hoffmann_interval_needs_hundreds_of_thousands_of_points(boot):
    """Besiroglu et al. 2024: an 80 % CI of width 0.001 on a would need ~600,000 points (cells
    57/59: 632,740 by the delta method, 634,773 by bootstrap). Our SE gives the same order: within
    a factor 1.5."""
    n = 240 * (2 * 1.2815515655446004 * boot.std_err["a"] / 0.001) ** 2
    assert 634_773 / 1.5 < n < 634_773 * 1.5


def test_mean_reduction_stops_early(points, fit):
    """Besiroglu et al. 2024 (abstract v2): averaging the Huber loss instead of summing makes
    L-BFGS stop before convergence. With scipy's default tolerances the mean fit reports
    success but lands > 0.02 away in alpha and at a higher summed objective."""
    m = parametric.fit_parametric(*points, reduction="mean", tolerance="scipy")
    assert m.converged
    assert abs(m.alpha - fit.alpha) > 0.02
    logs = [np.log(v) for v in points]
    assert objective.huber_objective(m.theta, *logs) > 1.05 * fit.objective


def test_tokens_per_param_from_laws():
    """paper_numbers §3.2 and §4 [D]: at C = 5.76e23 the rounded Hoffmann law gives
    N* = 3.22e10, D* = 2.98e12 (D/N ~ 93), the TeX values N* = 4.03e10 (D/N ~ 59); Epoch's fit at
    C = 5.88e23 gives D/N = 18.4. Tolerance 0.5 % on N*, D*; 1 on D/N."""
    r = allocation.compute_optimal(5.76e23, laws.HOFFMANN)
    assert r.params == pytest.approx(3.22e10, rel=5e-3)
    assert r.tokens == pytest.approx(2.98e12, rel=5e-3)
    assert r.tokens_per_param == pytest.approx(93, abs=1)
    t = allocation.compute_optimal(5.76e23, laws.HOFFMANN_TEX)
    assert t.params == pytest.approx(4.03e10, rel=5e-3)
    assert t.tokens_per_param == pytest.approx(59, abs=1)
    e = allocation.compute_optimal(5.88e23, laws.EPOCH)
    assert e.tokens_per_param == pytest.approx(18.4, abs=0.1)


def test_table3_twenty_tokens_per_param():
    """Hoffmann et al. 2022 Table 3: 1B -> 20.2B tokens, 10B -> 205.1B; Chinchilla 1.4T/70B = 20."""
    t3 = allocation.HOFFMANN_TABLE3.set_index("params")
    assert t3.loc[1e9, "tokens"] / 1e9 == pytest.approx(20.2)
    assert t3.loc[10e9, "tokens"] / 10e9 == pytest.approx(20.51)
    assert 1.4e12 / 70e9 == pytest.approx(20.0)


def test_table_a3_from_tex_law():
    """Hoffmann et al. 2022 Table A3 (App. D.3, Approach 3), tokens for 400M ... 10T: the
    TeX-valued law comes within 20 % on every row; the rounded law is off by far more (> 50 % at
    67B). The tolerance cannot be tightened to the table's printed precision (2-4 figures): the
    TeX law lies above *every* row, by 6 % at 400M growing to 19 % at 10T, so the gap is a
    systematic difference of method (the table was not computed from these constants with
    C = 6ND alone, and the paper does not document how it was), not rounding. The test pins both
    facts: one-signed, and bounded by 20 %."""
    ta3 = allocation.HOFFMANN_TABLE_A3
    tex = allocation.table3(laws.HOFFMANN_TEX)
    ratio = tex["tokens"].to_numpy() / ta3["a3_tokens"].to_numpy()
    assert np.all(np.abs(ratio - 1) < 0.20)
    assert np.all(ratio > 1)
    rounded = allocation.table3(laws.HOFFMANN)
    assert rounded["tokens"][3] / ta3["a3_tokens"][3] > 1.5


def test_chinchilla_vs_gopher_losses():
    """paper_numbers §3.2 [D] (and a secondary write-up): with the rounded constants Chinchilla
    (70B, 1.4T) has L = 1.937 and Gopher (280B, 300B) L = 1.993. Tolerance 5e-4."""
    assert laws.HOFFMANN.loss(70e9, 1.4e12) == pytest.approx(1.937, abs=5e-4)
    assert laws.HOFFMANN.loss(280e9, 300e9) == pytest.approx(1.993, abs=5e-4)
    for law in (laws.HOFFMANN_TEX, laws.EPOCH):
        assert law.loss(70e9, 1.4e12) < law.loss(280e9, 300e9)


def test_sardana_worked_example():
    """Sardana et al. 2024, Fig. 1 caption (paper_numbers §6, [V1]): a 13B Chinchilla-optimal
    target with 2T tokens of inference demand -> a 7B model, saving 1.7e22 FLOP (17 %). With the
    TeX-valued Chinchilla law: params within 0.6B, saving within 1.5 points, FLOP within 0.15e22."""
    law = laws.HOFFMANN_TEX
    target = allocation.compute_optimal(allocation.flops_for_optimal_params(13e9, law), law)
    r = allocation.inference_aware(law, target.loss, 2e12)
    assert r.converged
    assert r.params == pytest.approx(7e9, abs=0.6e9)
    assert r.savings == pytest.approx(0.17, abs=0.015)
    assert r.chinchilla_total_flops - r.total_flops == pytest.approx(1.7e22, abs=0.15e22)


def test_llama3_8b_ratio():
    """Llama 3 model card: 8B parameters, 15T+ tokens -> 1,875 tokens/param (paper_numbers §11)."""
    assert 15e12 / 8e9 == pytest.approx(1875)


def test_likelihood_ratio_and_mle_match_epoch(points, fit):
    """Besiroglu et al. 2024: likelihood-ratio statistic 84.00, p = 1.22e-16 (epoch-repo cell 49);
    their MLE A = 482.01, B = 2085.43, alpha = 0.3478, beta = 0.3658 (Table 1 / cell 24), in
    log space (a, b, e, alpha, beta) = (6.17795598, 7.64273236, 0.59711196, 0.34781303,
    0.36585412) as the notebook prints it (cells 24/59; paper_numbers.md §4). Tolerances:
    statistic half a unit of its 2nd decimal, p within 5 %, A 0.5 %, B 1 % (weakly identified),
    alpha/beta 5e-4; the log-space vector half a unit of its 8th decimal plus the method's 1e-4.
    (The E = 1.8172 quoted with Table 1 elsewhere is cell 18's; the MLE's e gives E = 1.81686.)"""
    from scalinglaws.fitting import significance

    r = significance.likelihood_ratio_test(*points, laws.HOFFMANN_TEX, fit=fit)
    assert r.details["converged_alt"] and r.details["converged_null"]
    # 2 x a difference of two maximised log-likelihoods: second-order in where the optimisers
    # stop and determined to ~1e-9 (significance.likelihood_ratio_test); ours is 83.9955
    assert r.statistic == pytest.approx(84.00, abs=0.005 + 1e-6)
    assert r.p_value == pytest.approx(1.22e-16, rel=0.05)
    a, b, e, alpha, beta = r.details["theta_alt"]
    assert np.exp(a) == pytest.approx(482.01, rel=5e-3)
    assert np.exp(b) == pytest.approx(2085.43, rel=1e-2)
    assert alpha == pytest.approx(0.3478, abs=5e-4)
    assert beta == pytest.approx(0.3658, abs=5e-4)
    # The method's tolerance: our MLE is a certified Hoffmann-recipe fit at the Huber threshold
    # delta * sigma ~ 5e-9 (nearly L1, so flat); max|gradient| <= 1e-9 bounds ln A, ln B to
    # ~6e-5 and e, alpha, beta to ~2e-6 (Hessian at the optimum). Measured: within 5e-9 of the
    # notebook's print on every component, in both engines.
    np.testing.assert_allclose(
        r.details["theta_alt"],
        [6.17795598, 7.64273236, 0.59711196, 0.34781303, 0.36585412],
        rtol=0,
        atol=5e-9 + 1e-4,
    )


@pytest.mark.slow
def test_chi2_rejects_hoffmann(points, boot, fit):
    """Besiroglu et al. 2024: chi2(5) = 238.40, p = 1.69e-49 against Hoffmann's TeX values
    (epoch-repo cell 34), with the covariance of a 4,000-resample bootstrap of their MLE, centred
    on the MLE. Our method differs in the covariance (a bootstrap of the Hoffmann-recipe fit), so:
    (1) our own statistic (seed 42) within 15 %; (2) tighter, removing what we can of the
    difference: centred on their MLE (the canonical law, laws.EPOCH) and averaged over five seeds
    (42, 43, 44, 45, 46), within 23. Why 23: a chi2 from a 4,000-resample covariance is itself
    noisy; over seeds ours has a spread s ~ 6-11 (measured: 214-246 over seeds 0-3 and 42-46;
    the five-seed mean here is 240.0), and their 238.40 is one
    such draw, so the difference of their draw and our five-seed mean has sd ~ s sqrt(1 + 1/5)
    ~ 12; the tolerance is two of those."""
    from scalinglaws.fitting import significance

    r = significance.chi2_test(boot, laws.HOFFMANN_TEX, fit)
    assert r.statistic == pytest.approx(238.40, rel=0.15)
    assert r.p_value < 1e-40
    stats = [significance.chi2_test(boot, laws.HOFFMANN_TEX, laws.EPOCH).statistic]
    for seed in (43, 44, 45, 46):
        b = bootstrap.bootstrap_parametric(*points, n_boot=4000, seed=seed, fit=fit, progress=False)
        stats.append(significance.chi2_test(b, laws.HOFFMANN_TEX, laws.EPOCH).statistic)
    assert float(np.std(stats, ddof=1)) < 20  # the noise model behind the tolerance holds
    assert float(np.mean(stats)) == pytest.approx(238.40, abs=23)


def test_isoflop_approaches_on_porian_runs():
    """Approaches 1 and 2 on Porian et al.'s RefinedWeb runs (tuned, no decay), against Hoffmann et
    al. 2022 Table 2 (§3.4), which prints a = 0.50 (Approach 1) and a = 0.49 (Approach 2) on their
    own runs. Approach 1: within 0.02 of the printed 0.50, and of Porian's released 0.497 (Table
    2) within 0.002. Approach 2: the printed 0.49 at its precision (half a unit of the 2nd
    decimal, 0.005) plus the method's tolerance, 1.96 bootstrap standard errors of our estimate
    (budgets resampled; about 0.037): our runs are a different data set, tokenizer and a dozen
    budgets, so only agreement within our own sampling error can be asked of them. Both 95 %
    intervals exclude Kaplan's 0.73."""
    from scalinglaws.analyses import reconcile
    from scalinglaws.fitting import isoflop

    ip = data.load("porian_compute_optimal", "isoflop_points")
    iso = ip[
        (ip["source_file"] == "summary_df.pickle.xz") & (ip["label"] == reconcile.PORIAN_STEPS[-1])
    ]
    mn = isoflop.isoflop_minima(iso, tokens_col="tokens")
    mi = mn[mn["interior"]]
    a2 = isoflop.fit_allocation_exponents(
        mi["flops"], mi["n_star"], mi["d_star"], n_boot=4000, seed=42
    )
    env = isoflop.lower_envelope(iso, tokens_col="tokens", n_bins=int(iso["flops"].nunique()))
    a1 = isoflop.fit_envelope_exponents(env, n_boot=1000, seed=42)
    assert a1.a == pytest.approx(0.50, abs=0.02)
    assert a1.a_ci[0] < 0.50 < a1.a_ci[1]
    assert a1.a == pytest.approx(0.497, abs=0.002)
    assert a2.a_se < 0.025  # the method tolerance below stays meaningful
    assert a2.a == pytest.approx(0.49, abs=0.005 + 1.96 * a2.a_se)
    assert a2.a_ci[0] < 0.49 < a2.a_ci[1]
    for f in (a1, a2):
        assert f.a_ci[1] < 0.73


def test_fig4_caption_40b():
    """Hoffmann et al. 2022, Fig. 4 caption (paper_numbers §3.2, [V1]): Approach 3 projects a
    40B-parameter model at the Gopher budget, 5.76e23 FLOP. The TeX-valued law reproduces it at the
    printed precision (rounds to 40 in billions, i.e. within [39.5, 40.5)); the rounded constants
    of the paper's text (32.2B) do not, so the figure used the unrounded values."""
    n_tex = allocation.compute_optimal(5.76e23, laws.HOFFMANN_TEX).params / 1e9
    assert 39.5 <= n_tex < 40.5
    n_rounded = allocation.compute_optimal(5.76e23, laws.HOFFMANN).params / 1e9
    assert not 39.5 <= n_rounded < 40.5


def test_inference_aware_for_target_is_sardanas_construction():
    """allocation.inference_aware_for_target = target loss of the compute-optimal model of that
    size, then inference_aware (Sardana et al. 2024 §2); used for the chapter's intervals."""
    law = laws.EPOCH
    target = allocation.compute_optimal(allocation.flops_for_optimal_params(13e9, law), law)
    a = allocation.inference_aware(law, target.loss, 2e12)
    b = allocation.inference_aware_for_target(law, 13e9, 2e12)
    assert b.params == pytest.approx(a.params, rel=1e-12)
    assert b.savings == pytest.approx(a.savings, rel=1e-12)


# ------------------------------------------- the chapter's one-call analyses (scalinglaws.analyses.reconcile)
def test_chinchilla_vs_gopher_table():
    """reconcile.chinchilla_vs_gopher: the rounded law's 1.937 and 1.993 (paper_numbers §3.2 [D],
    tolerance 5e-4) and the gap column is Gopher's loss minus Chinchilla's."""
    from scalinglaws.analyses import reconcile

    cg = reconcile.chinchilla_vs_gopher([("rounded", laws.HOFFMANN), ("Epoch", laws.EPOCH)])
    assert list(cg["Law"]) == ["rounded", "Epoch"]
    assert cg.loc[0, "Chinchilla 70B / 1.4T"] == pytest.approx(1.937, abs=5e-4)
    assert cg.loc[0, "Gopher 280B / 300B"] == pytest.approx(1.993, abs=5e-4)
    gap = cg["Gopher 280B / 300B"] - cg["Chinchilla 70B / 1.4T"]
    assert list(cg["Gopher − Chinchilla"]) == list(gap)
    assert (gap > 0).all()


def test_refit_tokens_per_param_and_bootstrap_laws():
    """A bootstrap table of constants as laws: Epoch's law at 5.88e23 FLOP gives D/N = 18.4 and the
    TeX law 59 at 5.76e23 (paper_numbers §3.2, §4 [D]; tolerance 0.1 and 1); a resample with a
    non-finite constant is left out of the ratios, and refused by bootstrap_laws."""
    import pandas as pd

    from scalinglaws.analyses import reconcile

    cols = ("E", "A", "B", "alpha", "beta")
    est = pd.DataFrame(
        [[getattr(laws.EPOCH, c) for c in cols], [getattr(laws.HOFFMANN_TEX, c) for c in cols]],
        columns=list(cols),
    )
    r = reconcile.refit_tokens_per_param(5.88e23, est)
    assert r.shape == (2,) and r[0] == pytest.approx(18.4, abs=0.1)
    assert reconcile.refit_tokens_per_param(5.76e23, est)[1] == pytest.approx(59, abs=1)
    with_nan = pd.concat([est, est.iloc[[0]].assign(E=np.nan)], ignore_index=True)
    assert reconcile.refit_tokens_per_param(5.88e23, with_nan).shape == (2,)
    boot_laws = reconcile.bootstrap_laws(with_nan, limit=2)
    assert [b.name for b in boot_laws] == ["boot0", "boot1"]
    assert boot_laws[1].a == pytest.approx(laws.HOFFMANN_TEX.a)
    with pytest.raises(InputError):
        reconcile.bootstrap_laws(with_nan)
    with pytest.raises(InputError):
        reconcile.bootstrap_laws(est.drop(columns="E"))


def test_canonical_intervals():
    """optimum_intervals, inference_intervals and implied_demand_interval are propagate() of the
    canonical law: value = the canonical law's own number (Epoch's D/N = 18.4 at 5.88e23 FLOP,
    paper_numbers §4 [D], tolerance 0.1) inside its interval."""
    from scalinglaws.analyses import reconcile

    iv = reconcile.optimum_intervals(5.88e23, n_boot=200, seed=1)
    assert set(iv) == {"params", "tokens_per_param"}
    assert iv["tokens_per_param"].value == pytest.approx(18.4, abs=0.1)
    for v in iv.values():
        assert v.lo < v.value < v.hi
    inf = reconcile.inference_intervals(13e9, 2e12, ("params", "savings"), n_boot=200, seed=1)
    exact = allocation.inference_aware_for_target(laws.DEFAULT_LAW, 13e9, 2e12)
    assert inf["params"].value == exact.params and inf["savings"].value == exact.savings
    assert inf["params"].lo < exact.params < inf["params"].hi
    assert 0 < inf["savings"].lo < inf["savings"].hi < 1
    demand = reconcile.implied_demand_interval(8e9, 15e12, n_boot=200, seed=1)
    exact_demand = reconcile.implied_inference_demand(laws.DEFAULT_LAW, 8e9, 15e12)
    assert demand.value == exact_demand and demand.lo < exact_demand < demand.hi


def test_inference_sweep_saves_more_with_more_demand():
    """Sardana et al. 2024 §2: at a fixed loss, the larger the lifetime demand, the smaller the
    optimal model and the larger the saving over the Chinchilla-optimal one."""
    from scalinglaws.analyses import reconcile

    sweep = reconcile.inference_sweep(laws.EPOCH, 2.1, np.logspace(9, 16, 8))
    assert len(sweep) == 8 and sweep["converged"].all()
    assert np.all(np.diff(sweep["params"]) < 0)
    assert np.all(np.diff(sweep["savings"]) > 0)
    with pytest.raises(InputError):
        reconcile.inference_sweep(laws.EPOCH, 2.1, [])


def test_porian_extra_fits_reproduce_printed_exponents():
    """Porian et al. 2024's two extra released set-ups (reconcile.PORIAN_EXTRA, printed to 3
    decimals): the weighted fit reproduces each within half a unit of the 3rd decimal plus 1e-4
    (the bootstrap median's Monte Carlo noise); porian_extrapolations fits steps 1 and 5."""
    from scalinglaws.analyses import reconcile

    op = data.load("porian_compute_optimal", "optimal_pairs")
    extra = reconcile.porian_extra_fits(op, n_boot=100, seed=0)
    assert set(extra) == set(reconcile.PORIAN_EXTRA)
    for key, printed in reconcile.PORIAN_EXTRA.items():
        assert extra[key]["a"] == pytest.approx(printed, abs=5e-4 + 1e-4)
    ext = reconcile.porian_extrapolations(op, (1, 5), n_boot=100, seed=0)
    # Porian et al. Table 2, RefinedWeb: 0.835 (Kaplan's recipe) and 0.497 (all corrections)
    assert ext[1]["a"] == pytest.approx(0.835, abs=5e-4 + 1e-4)
    assert ext[5]["a"] == pytest.approx(0.497, abs=5e-4 + 1e-4)


def test_chi2_other_seeds_differ_by_seed(points, fit):
    """reconcile.chi2_other_seeds: one chi2 test of Hoffmann's TeX law per bootstrap seed; with
    small bootstraps every statistic still rejects (Besiroglu et al.: chi2(5) = 238.40), and
    different seeds give different covariances."""
    from scalinglaws.analyses import reconcile

    stats = reconcile.chi2_other_seeds(*points, laws.HOFFMANN_TEX, fit, n_boot=200, seeds=[1, 2])
    assert len(stats) == 2 and stats[0] != stats[1]
    assert min(stats) > 50

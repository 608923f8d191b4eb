"""Published numbers behind the section "Seven ways to scale, priced in one unit" (what-next chapter).

These tests run the library functions the chapter calls, at the chapter's default parameters, on the
real data (offline mirror or the download cache), not the notebook. Each names the paper location of
the number (reference sheet /work/shared/reference/paper_numbers.md) and the tolerance.
"""

from __future__ import annotations

import math

import pytest

from scalinglaws import data
from scalinglaws.analyses import (
    coverage,
    curation,
    data_constrained,
    rl_compute,
    synthesis,
    systems,
)
from scalinglaws.book.chapters import get_chapter


@pytest.fixture(scope="module")
def P() -> dict:
    return get_chapter("what-next").defaults()


def test_test_time_row_passes_through_brown_et_al_swe_bench_lite(P):
    """Brown et al. 2024 §3 (reference sheet §9.1, V2): SWE-bench Lite with DeepSeek-Coder-V2,
    15.9% with 1 sample and 56% with 250 samples. The row's law goes through both printed points, so
    a gain of 56 - 15.9 = 40.1 points from one sample takes 250 samples (tol: 1e-6 relative, the
    closed-form inverse) and the row starts from 0.159 (printed to 3 decimals)."""
    anchor = coverage.anchor_exponent_bootstrap("swe-bench-lite", n_boot=200, seed=P["seed"])
    row = synthesis.axis_test_time(anchor, 0.56 - 0.159)
    assert row.value == pytest.approx(250.0, rel=1e-6)
    assert math.exp(anchor.a) == pytest.approx(0.159, abs=5e-4)


def test_calls_row_at_the_default_mix_matches_the_derived_example(P):
    """Reference sheet §16.1 [D] (derived from Chen et al. 2024's easy/hard model, checked by brute
    force there): 80% easy queries at p = 0.7 and 20% hard at p = 0.4 give F(1) = 0.640, a peak at
    K* = 31 with F = 0.818 and F -> 0.800 as K -> inf (printed to 3 decimals: tol 5e-4)."""
    assert (1 - P["frac_hard"], P["p_easy"], P["p_hard"]) == pytest.approx((0.8, 0.7, 0.4))
    best = systems.optimal_calls(P["frac_hard"], P["p_easy"], P["p_hard"])
    curve = systems.vote_curve(P["frac_hard"], P["p_easy"], P["p_hard"])
    row = synthesis.axis_calls(curve, best, P["axis_gain"])
    assert best["k"] == 31
    assert best["accuracy_k1"] == pytest.approx(0.640, abs=5e-4)
    assert best["accuracy"] == pytest.approx(0.818, abs=5e-4)
    assert best["limit"] == pytest.approx(0.800, abs=5e-4)
    assert "peaks at K = 31" in row.limit and 1 < row.value < 31


def test_rl_row_uses_scalerl_table1_8b_run():
    """Khatri et al. 2025, Table 1 (App. A.13; reference sheet §14.2, V2): the 8B run (batch 768,
    14k generation) has C_mid = 2542 GPU-h, B = 1.92, A = 0.610 (as printed; tol: exact). The row's
    range uses the stated ±0.02 margin on A (App. A.5, V1)."""
    c = rl_compute.SCALERL
    assert (c.C_mid, c.B, c.A) == (2542.0, 1.92, 0.610)
    assert synthesis.SCALERL_A_MARGIN == 0.02
    row = synthesis.axis_rl(c, 0.5, 0.05)
    assert row.lo <= row.value <= row.hi and not row.identified


def test_curated_row_and_the_dclm_pool_share(P):
    """Li et al. 2024 §3.1 and §5 (reference sheet §15.1, V2): DCLM-POOL holds 240T tokens and
    DCLM-BASELINE 3.8T, a share of 1.6% (to 2 s.f.). The row's multiplier is the curation module's,
    > 1 with its interval (DCLM-Baseline beats RefinedWeb at 7B-1x: Table 2 / Table 8 CORE)."""
    assert synthesis.DCLM_BASELINE_TOKENS / synthesis.DCLM_POOL_TOKENS == pytest.approx(
        0.016, abs=5e-4
    )
    runs = data.load("dclm_curation", "runs")
    res = curation.filtering_compute_multiplier(
        runs, worse=P["filter_worse"], n_boot=200, seed=P["seed"]
    )
    row = synthesis.axis_curated(res)
    assert row.identified and 1.0 < row.lo < row.value < row.hi


def test_repeated_data_row_uses_the_published_decay_constant_and_its_profile():
    """Muennighoff et al. 2023, datablations README "Parametric Fit" (reference sheet §7, V2):
    R_D* = 15.387756 (tol: exact). The reference sheet [D] finds R_D* not identified by the 182
    runs (a flat profile to beyond 300): the profile interval the row uses has no upper end."""
    assert data_constrained.PUBLISHED["R_D_star"] == 15.387756
    runs = data.load("datablations_muennighoff", "runs")
    mu = [runs[c] for c in ("params", "tokens", "unique_tokens", "val_loss")]
    fit = data_constrained.fit_decay_constants(*mu)
    ci = data_constrained.decay_interval(
        data_constrained.decay_profile(*mu, minimum=fit.objective),
        limit_objective=data_constrained.no_decay_objective(*mu),
    )
    assert not ci.identified and math.isinf(ci.upper)
    assert ci.lower < data_constrained.PUBLISHED["R_D_star"]
    # "up to 4 epochs ... negligible": 4 epochs are worth 3.73 fresh passes at the published R_D*
    worth = data_constrained.effective_data(4e9, 1e9, 15.387756) / 1e9
    assert synthesis.epochs_for_effective_data(worth, 15.387756) == pytest.approx(4.0)
    assert worth == pytest.approx(3.73, abs=0.005)

"""Tests for scalinglaws.analyses.slowdown (compute per fixed loss drop on the compute-optimal frontier)."""

import math

import numpy as np
import pytest

from scalinglaws.analyses import slowdown as s
from scalinglaws.core.allocation import compute_optimal
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import HOFFMANN


def test_frontier_exponent_hoffmann():
    # Hoffmann et al. 2022 App. D.2 rounded: alpha=0.34, beta=0.28 -> 0.34*0.28/0.62
    assert s.frontier_exponent("hoffmann") == pytest.approx(0.34 * 0.28 / 0.62, rel=1e-12)


def test_frontier_loss_matches_eq4_optimum():
    for c in (1e19, 5.76e23, 1e27):
        assert s.frontier_loss(c, HOFFMANN) == pytest.approx(
            compute_optimal(c, HOFFMANN).loss, rel=1e-10
        )


def test_chinchilla_budget_loss():
    # Hoffmann Approach 3 at the Gopher budget 5.76e23 (Table 3): optimum loss 1.9307 [derived]
    assert s.frontier_loss(5.76e23, "hoffmann") == pytest.approx(1.9307, abs=1e-4)


def test_flops_for_loss_inverts():
    c = np.array([1e20, 1e24, 1e28])
    assert s.flops_for_loss(s.frontier_loss(c)) == pytest.approx(c, rel=1e-9)


def test_halving_multiplier():
    # closed form 2**((alpha + beta) / (alpha beta)) on the frontier (chapter 5, exercise slow-ex-1)
    assert s.multiplier_to_halve_reducible("hoffmann") == pytest.approx(2 ** (0.62 / (0.34 * 0.28)))
    assert s.multiplier_to_halve_reducible("hoffmann") == pytest.approx(91.3, abs=0.1)
    # the default is the canonical law (Besiroglu et al. 2024): alpha 0.3478, beta 0.3659 -> 48.8
    a, b = 0.34781303, 0.36585412
    assert s.multiplier_to_halve_reducible() == pytest.approx(2 ** ((a + b) / (a * b)))
    assert s.multiplier_to_halve_reducible() == pytest.approx(48.8, abs=0.1)


def test_ladder_escalates():
    lad = s.loss_drop_ladder("hoffmann", delta=0.04, n_steps=5)
    assert list(lad["step"]) == list(range(6))
    assert math.isnan(lad["step_multiplier"].iloc[0])
    m = lad["step_multiplier"].to_numpy()[1:]
    assert np.all(np.diff(m) > 0)  # each fixed drop costs more than the previous one
    assert m[0] == pytest.approx(3.265, abs=1e-3)
    assert lad["reducible_left"].iloc[-1] == pytest.approx(0.04075 / 0.24075, rel=1e-3)
    assert lad["total_multiplier"].iloc[-1] == pytest.approx(np.prod(m), rel=1e-9)


@pytest.mark.parametrize(
    "kw", [dict(delta=-1), dict(delta=float("nan")), dict(n_steps=0), dict(start_flops=0)]
)
def test_ladder_bad_input(kw):
    with pytest.raises(InputError):
        s.loss_drop_ladder(**kw)


def test_ladder_crossing_floor():
    with pytest.raises(InputError, match="irreducible"):
        s.loss_drop_ladder(delta=0.05, n_steps=5)


def test_flops_for_loss_below_floor():
    with pytest.raises(InputError):
        s.flops_for_loss(1.5)


def test_drops_above_floor():
    # Hoffmann printed law at 5.76e23: reducible loss 1.93075 - 1.69 = 0.24075 -> six drops of 0.04
    assert s.drops_above_floor("hoffmann", delta=0.04) == 6
    s.loss_drop_ladder("hoffmann", delta=0.04, n_steps=6)
    with pytest.raises(InputError, match="irreducible"):
        s.loss_drop_ladder("hoffmann", delta=0.04, n_steps=7)
    # a drop that lands exactly on the floor does not fit
    red = s.frontier_loss(5.76e23, "hoffmann") - HOFFMANN.E
    assert s.drops_above_floor("hoffmann", delta=red / 3) == 2
    # canonical law: reducible 0.157 at the Chinchilla budget -> one drop of 0.1, none of 0.16
    assert s.drops_above_floor(delta=0.1) == 1
    assert s.drops_above_floor(delta=0.16) == 0


def test_ladder_intervals_cover_the_canonical_ladder():
    lad = s.loss_drop_ladder(delta=0.04, n_steps=3)
    ci = s.ladder_intervals(delta=0.04, n_steps=3, n_boot=200, seed=1)
    assert ci.loc["total", "value"] == pytest.approx(lad["total_multiplier"].iloc[-1], rel=1e-12)
    assert ci.loc["first_step", "value"] == pytest.approx(lad["step_multiplier"].iloc[1], rel=1e-12)
    assert np.all(ci["lo"] <= ci["value"]) and np.all(ci["value"] <= ci["hi"])
    assert ci.loc["first_step", "lo"] < ci.loc["first_step", "hi"] < ci.loc["last_step", "hi"]


def test_ladder_intervals_unreachable_rungs():
    # three drops of 0.05 (0.15 of the canonical 0.157) lie below the floor of many resampled laws:
    # their compute is infinite, kept as such, so the interval has no upper end
    ci = s.ladder_intervals(delta=0.05, n_steps=3, n_boot=200, seed=1)
    assert 0.05 < ci["share_unreachable"].iloc[0] < 0.6
    assert math.isinf(ci.loc["total", "hi"]) and math.isfinite(ci.loc["first_step", "hi"])
    assert ci.loc["reducible_left", "lo"] == 0.0
    with pytest.raises(InputError):
        s.ladder_intervals(delta=0.06, n_steps=3, n_boot=50)  # beyond the canonical floor itself


def test_frontier_band():
    c = np.geomspace(1e20, 1e29, 10)
    band = s.frontier_band(c, n_boot=200, seed=1)
    assert band["loss"].to_numpy() == pytest.approx(s.frontier_loss(c), rel=1e-12)
    assert np.all(band["lo"] < band["loss"]) and np.all(band["loss"] < band["hi"])
    width = (band["hi"] - band["lo"]).to_numpy()
    assert width[-1] > 5 * width[0]  # the floor, the least certain constant, dominates far out
    with pytest.raises(InputError):
        s.frontier_band(c, n_boot=200, level=0.2)


def test_budget_ladder_canonical_and_history():
    # canonical law: reducible 0.157 at the Chinchilla budget -> three whole drops of 0.04 fit
    lad = s.budget_ladder(delta=0.04, n_boot=100, seed=3)
    assert (lad.n_fit, lad.n_steps) == (3, 3) and lad.is_canonical
    assert lad.start_flops == s.CHINCHILLA_FLOPS == 5.76e23 and lad.delta == 0.04
    ref = s.ladder_intervals(delta=0.04, n_steps=3, n_boot=100, seed=3)
    assert lad.intervals.equals(ref)
    assert len(lad.ladder) == 4
    # Hoffmann's printed law: six drops of 0.04 fit (test_drops_above_floor), at most five taken;
    # a historical law carries no interval
    hist = s.budget_ladder("hoffmann", delta=0.04, n_boot=100)
    assert (hist.n_fit, hist.n_steps) == (6, 5) and not hist.is_canonical
    assert hist.intervals is None and hist.law.name == HOFFMANN.name
    assert s.budget_ladder("hoffmann", delta=0.04, max_steps=2).n_steps == 2
    with pytest.raises(InputError):
        s.budget_ladder(delta=0.16)  # not one drop fits above the canonical floor


def test_wall_scenarios_share_one_seed():
    from scalinglaws.analyses import datawall, trends
    from scalinglaws.data import load

    fit = trends.fit_growth(
        load("epoch_notable_models"),
        quantity="dataset_size_tokens",
        language_only=True,
        frontier_only=True,
        start="2010-01-01",
        end="2025-02-28",
        n_boot=200,
        seed=1,
    )
    walls = datawall.wall_scenarios(fit, n_mc=2000, seed=7, overtrain=10.0)
    assert list(walls) == ["base", "overtrain", "5", "100"]
    assert [w.overtrain for w in walls.values()] == [1.0, 10.0, 5.0, 100.0]
    again = datawall.data_wall_mc(fit, n_mc=2000, seed=7, overtrain=5.0)
    assert walls["5"].median == again.median  # same draws: one seed for every scenario
    # more over-training uses the stock up earlier
    med = [walls[k].median for k in ("base", "5", "overtrain", "100")]
    assert med == sorted(med, reverse=True) and med[0] > med[-1] + 1

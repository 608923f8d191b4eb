"""ScaleRL's sigmoid (scalinglaws.analyses.rl_compute) against Khatri et al. 2025 (arXiv:2510.13786).

Printed facts: Eq. 1 and its definitions (C_mid is the compute at which half the total gain is reached;
A is the asymptote), App. A.4's high-compute limit R ~ A - D / C^B with D = (A - R0) C_mid^B, Table 1's
constants (App. A.13, compared at their printed precision), DeepSeek-R1-Zero's RL compute as a share of
pre-training (Khatri et al. §1: "3.75%", printed to 0.01%), and the reference sheet's derived fractions of
the gain of the 100k GPU-h run (§14.2, [D from U]: 97.7% at 100k and 93.0% at 50k, printed to 0.1%).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from scalinglaws.analyses import rl_compute as rl
from scalinglaws.core.errors import InputError


def test_table1_constants_as_printed():
    # Table 1 (App. A.13): the main run is C_mid = 2542 GPU-h, B = 1.92, A = 0.610
    assert (rl.SCALERL.C_mid, rl.SCALERL.B, rl.SCALERL.A) == (2542.0, 1.92, 0.610)
    assert rl.SCALERL.R0 == rl.ILLUSTRATIVE_R0 == 0.0
    assert rl.SCALERL_TABLE1["ScaleRL-Scout (Llama-4 17Bx16 MoE)"] == (4242.0, 1.65, 0.710)
    assert len(rl.SCALERL_TABLE1) == 10


def test_definitions_of_eq1():
    c = rl.ScaleRLCurve(R0=0.3, A=0.6, B=2.0, C_mid=1000.0)
    # half the total gain at C_mid; R0 as C -> 0; A as C -> inf
    assert c.performance(1000.0) == pytest.approx(0.45, abs=1e-15)
    assert c.performance(1e-6) == pytest.approx(0.3, abs=1e-12)
    assert c.performance(1e12) == pytest.approx(0.6, abs=1e-12)
    # (C_mid / C)^B = 1/9 at C = 3 C_mid for B = 2: nine tenths of the gain
    assert c.fraction_of_gain(3000.0) == pytest.approx(0.9, abs=1e-15)
    assert c.compute_for_fraction(0.9) == pytest.approx(3000.0, rel=1e-12)


def test_inverse_round_trip_and_ends():
    c = rl.SCALERL
    grid = np.geomspace(10, 1e6, 25)
    assert c.compute_for(c.performance(grid)) == pytest.approx(grid, rel=1e-9)
    assert c.compute_for(c.A) == math.inf and c.compute_for(0.7) == math.inf
    assert c.compute_for(c.R0) == 0.0


def test_high_compute_power_law_limit():
    """App. A.4: R_C ~ A - D / C^B with D = (A - R0) C_mid^B; the gap closes as C / C_mid grows."""
    c = rl.ScaleRLCurve(R0=0.2, A=0.61, B=1.92, C_mid=2542.0)
    gaps = [
        abs(c.performance(x) - c.high_compute_limit(x)) / (c.A - c.performance(x))
        for x in (1e4, 1e5, 1e6)
    ]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-4
    assert c.high_compute_limit(1e5) == pytest.approx(
        c.A - (c.A - c.R0) * (2542 / 1e5) ** 1.92, rel=1e-12
    )


def test_fractions_of_the_100k_run():
    """Reference sheet §14.2 [D from U]: with the inferred C_mid = 10909 and B = 1.70, the run is at 97.7%
    of its gain at 100k GPU-h and 93.0% at 50k (printed to 0.1%: tolerance 0.05 percentage points)."""
    b, a = rl.SCALERL_100K_WINDOWS[(1500.0, 50000.0)]
    run = rl.ScaleRLCurve(R0=0.0, A=a, B=b, C_mid=rl.SCALERL_100K_CMID_INFERRED)
    assert run.fraction_of_gain(100000.0) == pytest.approx(0.977, abs=5e-4)
    assert run.fraction_of_gain(50000.0) == pytest.approx(0.930, abs=5e-4)


def test_r1_zero_rl_share():
    """Khatri et al. §1: R1-Zero's RL used 100,000 H800 GPU-h, "3.75% of its pre-training compute";
    DeepSeek-V3's pre-training took 2,664K GPU-h (its Table 1). Printed to 0.01%."""
    share = rl.R1_ZERO["rl_gpu_hours"] / rl.R1_ZERO["pretrain_gpu_hours"]
    assert share == pytest.approx(rl.R1_ZERO["rl_share_printed"], abs=5e-5)


def test_compute_multiplier_for_gain():
    c = rl.ScaleRLCurve(R0=0.0, A=0.6, B=2.0, C_mid=1000.0)
    # from half the gain (0.3) to 0.54 = 90% of the gain: C goes from C_mid to 3 C_mid
    assert rl.compute_multiplier_for_gain(c, 0.3, 0.24) == pytest.approx(3.0, rel=1e-12)
    assert rl.compute_multiplier_for_gain(c, 0.3, 0.3) == math.inf
    # already at or above the asymptote, or starting from zero compute: no finite factor
    assert rl.compute_multiplier_for_gain(c, 0.7, 0.01) == math.inf
    assert rl.compute_multiplier_for_gain(c, 0.0, 0.01) == math.inf
    with pytest.raises(InputError):
        below_start = rl.ScaleRLCurve(R0=0.2, A=0.6, B=2.0, C_mid=1e3)
        rl.compute_multiplier_for_gain(below_start, 0.1, 0.01)
    with pytest.raises(InputError):
        rl.compute_multiplier_for_gain(c, 0.3, -0.01)


def test_crossover_of_a_higher_but_later_curve():
    early = rl.ScaleRLCurve(R0=0.0, A=0.6, B=2.0, C_mid=1000.0)
    late = rl.ScaleRLCurve(R0=0.0, A=0.7, B=2.0, C_mid=2000.0)
    cx = rl.crossover_compute(early, late)
    # 0.6 / (1 + (1000/C)^2) = 0.7 / (1 + (2000/C)^2)  =>  C^2 = (0.6*4e6 - 0.7*1e6) / 0.1
    assert cx == pytest.approx(math.sqrt((0.6 * 4e6 - 0.7 * 1e6) / 0.1), rel=1e-9)
    same = rl.ScaleRLCurve(R0=0.0, A=0.6, B=2.0, C_mid=2000.0)
    assert math.isnan(rl.crossover_compute(early, same))
    with pytest.raises(InputError):
        rl.crossover_compute(early, rl.ScaleRLCurve(R0=0.1, A=0.7, B=2.0, C_mid=2000.0))


def test_table_and_bad_curves():
    t = rl.scalerl_table(0.2)
    assert len(t) == 10 and {c.R0 for c in t["curve"]} == {0.2}
    # 90% of the gain needs 9^(1/B) times C_mid, whatever R0
    assert t["ratio_90_50"].iloc[0] == pytest.approx(9 ** (1 / 1.92), rel=1e-12)
    for bad in ({"R0": 0.7}, {"B": 0.0}, {"C_mid": -1.0}, {"A": 1.2}):
        with pytest.raises(InputError):
            rl.ScaleRLCurve(**{"R0": 0.0, "A": 0.6, "B": 2.0, "C_mid": 1000.0, **bad})

"""Scaling RL training compute: ScaleRL's sigmoid and the few public numbers around it.

Khatri et al. (2025, "The Art of Scaling Reinforcement Learning Compute for LLMs", arXiv:2510.13786)
fit the expected reward (pass rate, mean@16 on 1,000 held-out Polaris-53K prompts) of an RL run against
its training compute ``C`` in GPU-hours (GB200) with a sigmoid (their Eq. 1):

    R(C) = R0 + (A - R0) / (1 + (C_mid / C)**B),

with ``A`` the asymptotic pass rate, ``B > 0`` the "scaling exponent" (compute efficiency) and ``C_mid``
the compute at which half of the total gain ``A - R0`` is reached. :class:`ScaleRLCurve` implements it,
its inverse and its high-compute power-law limit (their App. A.4: ``R ~ A - D / C**B`` with
``D = (A - R0) C_mid**B``).

**What is published and what is not.** The constants ``A``, ``B``, ``C_mid`` of every run are printed in
the paper's Table 1 (App. A.13; :data:`SCALERL_TABLE1`, confidence V2 in the book's reference sheet).
The starting pass rate ``R0`` of the runs is *not* printed: :data:`ILLUSTRATIVE_R0` (0) is a placeholder
(the floor of a pass rate), and every quantity that depends on it says so. Quantities that do not depend
on ``R0`` (the fraction of the total gain reached, :meth:`ScaleRLCurve.fraction_of_gain`, and the compute
between two such fractions) are the ones to quote. ``C_mid`` of the 100,000 GPU-hour run is not printed
either; the reference sheet infers 10,909 GPU-h from the batch-2048 row (:data:`SCALERL_100K_CMID_INFERRED`,
marked uncertain). No per-step data of any run is public, so nothing here is *fitted*.

Other published numbers used by the book's chapter on reasoning are collected as cited constants with
their sources: DeepSeek-R1-Zero (:data:`R1_ZERO`), the fit-window robustness of the 100k GPU-h run
(:data:`SCALERL_100K_WINDOWS`), the power law against sigmoid comparison (:data:`SCALERL_POWER_LAW_CHECK`)
and the one fit committed in Tan et al.'s repository (:data:`TAN_POSTOPENAI`, a different law).

Units: C in GPU-hours, pass rates and rewards as fractions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from scalinglaws.core.errors import InputError

__all__ = [
    "ILLUSTRATIVE_R0",
    "R1_ZERO",
    "SCALERL",
    "SCALERL_100K_CMID_INFERRED",
    "SCALERL_100K_WINDOWS",
    "SCALERL_FIT_START",
    "SCALERL_POWER_LAW_CHECK",
    "SCALERL_TABLE1",
    "ScaleRLCurve",
    "TAN_POSTOPENAI",
    "compute_multiplier_for_gain",
    "crossover_compute",
    "scalerl_table",
]

#: Starting pass rate R0 used where a curve needs one. ILLUSTRATIVE: Khatri et al. print no R0 for their
#: runs; 0 is the floor of a pass rate, a placeholder, not a published value.
ILLUSTRATIVE_R0 = 0.0

#: Khatri et al. 2025, Table 1 (App. A.13): run -> (C_mid in GPU-hours, B, A). Reference sheet §14.2, V2
#: (ar5iv HTML of arXiv:2510.13786 and secondary notes with identical values).
SCALERL_TABLE1: dict[str, tuple[float, float, float]] = {
    "ScaleRL (8B, batch 768, 14k generation)": (2542.0, 1.92, 0.610),
    "ScaleRL-32k": (11272.0, 1.89, 0.645),
    "ScaleRL-8gen": (2542.0, 2.44, 0.585),
    "ScaleRL-24gen": (3054.0, 2.22, 0.590),
    "ScaleRL-32gen": (2936.0, 2.07, 0.595),
    "ScaleRL-Scout (Llama-4 17Bx16 MoE)": (4242.0, 1.65, 0.710),
    "ScaleRL-bs512": (2818.0, 1.77, 0.605),
    "ScaleRL-bs2048": (10909.0, 1.70, 0.645),
    "math+code run, math curve": (2896.0, 2.05, 0.595),
    "math+code run, code curve": (1675.0, 1.09, 0.615),
}

#: Compute (GPU-hours) after which Khatri et al. start their fits (§2.1: "~1.5k GPU-hours"). V1.
SCALERL_FIT_START = 1500.0

#: The 100,000 GPU-hour 8B run (batch 2048), App. A.7: fit window (GPU-hours) -> (B, A). V2.
SCALERL_100K_WINDOWS: dict[tuple[float, float], tuple[float, float]] = {
    (1500.0, 50000.0): (1.70, 0.645),
    (0.0, 100000.0): (1.56, 0.655),
    (5000.0, 50000.0): (1.67, 0.645),
}

#: C_mid of the 100k GPU-h run: NOT printed. Inferred from the batch-2048 row of Table 1, whose A and B
#: match the run (reference sheet §14.2, marked U). Use only with that caveat.
SCALERL_100K_CMID_INFERRED = 10909.0

#: App. A.4, the 100k GPU-h 8B run: asymptote predicted by a power law fitted on two windows
#: (GPU-hours), by the sigmoid on both, and where the measured curve saturates ("near 0.65"). V1.
SCALERL_POWER_LAW_CHECK: dict[str, Any] = {
    "power_law_A": {(1500.0, 50000.0): 1.0, (5000.0, 50000.0): 0.74},
    "sigmoid_A": 0.645,
    "observed_saturation": 0.65,
}

#: DeepSeek-R1-Zero (arXiv:2501.12948): AIME 2024 average pass@1 at the start and end of RL (§2.2.4,
#: Fig. 2; V2), its majority vote over 64 samples (Table 2; V2); RL compute as cited by Khatri et al. §1
#: ("100,000 H800 GPU hours ... 3.75% of its pre-training compute"; V1, secondary to DeepSeek) and the
#: pre-training GPU-hours of DeepSeek-V3 (Table 1 of arXiv:2412.19437; V2).
R1_ZERO: dict[str, float] = {
    "aime_start": 0.156,
    "aime_end": 0.710,
    "aime_cons64": 0.867,
    "rl_gpu_hours": 100_000.0,
    "pretrain_gpu_hours": 2_664_000.0,
    "rl_share_printed": 0.0375,
}

#: Tan et al. 2025 (arXiv:2509.25300): the one fit committed in their repository
#: (tanzelin430/Mathematical-Reasoning-RL-Scaling-Law at 431002b, analysis/scripts/outputs/
#: fits_exp1_postopenai.json), of the form L = [(N0/N)**beta + B0(N) / (X + C0(N))]**alpha with
#: L = 1 - pass@1, instruct models 1.5B-72B, X = step x batch. V1; N0 sits at its fitter's upper bound
#: (5e8), so it is not identified. Not the log-linear law of their paper, whose K_max and N0 are not
#: stored anywhere read.
TAN_POSTOPENAI: dict[str, float] = {
    "N0": 5.0e8,
    "beta": 1.089,
    "alpha": 0.198,
    "r2": 0.995,
    "points": 626,
}


def _positive_array(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise InputError(f"{name} must be positive and finite, got {x!r}")
    return arr


def _out(arr: np.ndarray) -> float | np.ndarray:
    return float(arr) if np.ndim(arr) == 0 else arr


@dataclass(frozen=True)
class ScaleRLCurve:
    """Khatri et al.'s sigmoid ``R(C) = R0 + (A - R0) / (1 + (C_mid / C)**B)``.

    Attributes
    ----------
    R0 : float
        Pass rate at the start of RL (C -> 0), a fraction. Not printed for the paper's runs.
    A : float
        Asymptotic pass rate (C -> inf), a fraction, ``R0 < A <= 1``.
    B : float
        Scaling exponent (compute efficiency), ``> 0``.
    C_mid : float
        RL compute at which half of the gain ``A - R0`` is reached, GPU-hours (GB200).
    name : str
        Label of the run.
    """

    R0: float
    A: float
    B: float
    C_mid: float
    name: str = ""

    def __post_init__(self) -> None:
        values = (self.R0, self.A, self.B, self.C_mid)
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
            raise InputError(f"R0, A, B and C_mid must be finite numbers, got {values!r}")
        if not 0.0 <= self.R0 < self.A <= 1.0:
            raise InputError(f"need 0 <= R0 < A <= 1, got R0 = {self.R0!r}, A = {self.A!r}")
        if self.B <= 0 or self.C_mid <= 0:
            raise InputError(
                f"B and C_mid must be positive, got B = {self.B!r}, C_mid = {self.C_mid!r}"
            )

    def fraction_of_gain(self, C: Any) -> float | np.ndarray:
        """``(R(C) - R0) / (A - R0) = 1 / (1 + (C_mid / C)**B)``: independent of ``R0``."""
        c = _positive_array(C, "C")
        return _out(1.0 / (1.0 + np.exp(self.B * (math.log(self.C_mid) - np.log(c)))))

    def performance(self, C: Any) -> float | np.ndarray:
        """Expected pass rate ``R(C)`` at RL compute ``C`` (GPU-hours)."""
        return _out(self.R0 + (self.A - self.R0) * np.asarray(self.fraction_of_gain(C)))

    def compute_for_fraction(self, f: Any) -> float | np.ndarray:
        """RL compute (GPU-hours) reaching the fraction ``f`` of the gain: ``C_mid (f / (1 - f))**(1/B)``.

        0 at ``f <= 0``, ``inf`` at ``f >= 1``; independent of ``R0``.
        """
        ff = np.asarray(f, dtype=float)
        if not np.all(np.isfinite(ff)):
            raise InputError(f"f must be finite, got {f!r}")
        with np.errstate(divide="ignore", invalid="ignore"):
            c = self.C_mid * np.exp((np.log(ff) - np.log1p(-ff)) / self.B)
        c = np.where(ff <= 0, 0.0, np.where(ff >= 1, np.inf, c))
        return _out(c)

    def compute_for(self, R: Any) -> float | np.ndarray:
        """RL compute (GPU-hours) at which the curve reaches pass rate ``R``: the inverse of
        :meth:`performance`. 0 at or below ``R0``, ``inf`` at or above the asymptote ``A``."""
        rr = np.asarray(R, dtype=float)
        if not np.all(np.isfinite(rr)):
            raise InputError(f"R must be finite, got {R!r}")
        return self.compute_for_fraction((rr - self.R0) / (self.A - self.R0))

    def high_compute_limit(self, C: Any) -> float | np.ndarray:
        """Khatri et al.'s App. A.4 power law ``A - D / C**B`` with ``D = (A - R0) C_mid**B``; it
        approaches :meth:`performance` as ``C / C_mid`` grows."""
        c = _positive_array(C, "C")
        return _out(
            self.A - (self.A - self.R0) * np.exp(self.B * (math.log(self.C_mid) - np.log(c)))
        )


def _curve(name: str, r0: float) -> ScaleRLCurve:
    c_mid, b, a = SCALERL_TABLE1[name]
    return ScaleRLCurve(R0=float(r0), A=a, B=b, C_mid=c_mid, name=name)


#: The main ScaleRL run (8B dense, batch 768, 14k-token generations), Table 1 of Khatri et al. 2025.
#: Its R0 is :data:`ILLUSTRATIVE_R0` (not printed).
SCALERL = _curve("ScaleRL (8B, batch 768, 14k generation)", ILLUSTRATIVE_R0)


def scalerl_table(r0: float = ILLUSTRATIVE_R0) -> pd.DataFrame:
    """Khatri et al.'s Table 1 as curves sharing the (illustrative) starting pass rate ``r0``.

    Columns: ``run``, ``C_mid`` (GPU-hours), ``B``, ``A``, ``curve`` (:class:`ScaleRLCurve`),
    ``c90`` (GPU-hours to 90% of the gain, independent of ``r0``) and ``ratio_90_50`` (compute from half
    to 90% of the gain, ``9**(1/B)``).
    """
    curves = [_curve(name, r0) for name in SCALERL_TABLE1]
    return pd.DataFrame(
        {
            "run": [c.name for c in curves],
            "C_mid": [c.C_mid for c in curves],
            "B": [c.B for c in curves],
            "A": [c.A for c in curves],
            "curve": curves,
            "c90": [float(c.compute_for_fraction(0.9)) for c in curves],
            "ratio_90_50": [float(c.compute_for_fraction(0.9) / c.C_mid) for c in curves],
        }
    )


def compute_multiplier_for_gain(curve: ScaleRLCurve, R_from: float, gain: float) -> float:
    """Factor of RL compute that raises the pass rate from ``R_from`` to ``R_from + gain``.

    ``compute_for(R_from + gain) / compute_for(R_from)``; ``inf`` when ``R_from + gain`` is at or beyond
    the asymptote ``A`` (including ``R_from >= A``) and when ``R_from == R0`` (zero compute to start
    from). Depends on ``curve.R0`` (not printed for Khatri et al.'s runs).

    Raises
    ------
    InputError
        ``gain <= 0``, a non-finite input, or ``R_from < R0`` (below the start of the curve).
    """
    if not isinstance(curve, ScaleRLCurve):
        raise InputError(f"curve must be a ScaleRLCurve, got {type(curve).__name__}")
    r, g = float(R_from), float(gain)
    if not (math.isfinite(r) and math.isfinite(g) and g > 0):
        raise InputError(f"need a finite R_from and a positive gain, got {R_from!r}, {gain!r}")
    if r < curve.R0:
        raise InputError(f"R_from must be at least R0 = {curve.R0:g}, got {r:g}")
    if r + g >= curve.A or r == curve.R0:
        return math.inf
    return float(curve.compute_for(r + g) / curve.compute_for(r))


def crossover_compute(a: ScaleRLCurve, b: ScaleRLCurve, lo: float = 1.0, hi: float = 1e9) -> float:
    """RL compute (GPU-hours) at which two curves with the same ``R0`` cross, searched in ``[lo, hi]``.

    Where a curve with the higher asymptote but a later midpoint overtakes the other (e.g. longer
    generations or larger batches in Khatri et al.'s Table 1). ``nan`` if the curves do not cross in the
    range. Depends on the common ``R0`` when the asymptotes differ.
    """
    if not (isinstance(a, ScaleRLCurve) and isinstance(b, ScaleRLCurve)):
        raise InputError("a and b must be ScaleRLCurve objects")
    if a.R0 != b.R0:
        raise InputError(f"the two curves must share R0, got {a.R0:g} and {b.R0:g}")

    def diff(log_c: float) -> float:
        c = math.exp(log_c)
        return float(a.performance(c)) - float(b.performance(c))

    x0, x1 = math.log(lo), math.log(hi)
    if diff(x0) * diff(x1) > 0:
        return math.nan
    return math.exp(optimize.brentq(diff, x0, x1, xtol=1e-12))

"""Intervals for anything computed from the canonical Chinchilla law.

The canonical law (:data:`scalinglaws.core.laws.DEFAULT_LAW`, Besiroglu et al.'s 2024 refit of Hoffmann
et al.'s data) is a point estimate. Its uncertainty comes from the same 240 points: we refit them
with Hoffmann's recipe (:func:`scalinglaws.fitting.parametric.fit_parametric`), bootstrap that fit
(:func:`scalinglaws.fitting.bootstrap.bootstrap_parametric`, seeded), and move each resample's log-space
vector ``(ln A, ln B, ln E, alpha, beta)`` by the difference between the canonical law and our
refit, so that the cloud is centred on the canonical law with the bootstrap's spread (our refit and
Besiroglu et al.'s estimate differ by less than a tenth of a standard error in every coordinate).
A headline number ``f(law)`` then gets the percentile interval of ``f`` over the cloud
(:func:`propagate`).

Every function here is deterministic for a given ``(n_boot, seed)``; the interval ends move between
machines only in the last digits of the resampled fits, far below the precision the book prints.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from scalinglaws.core import validation
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import DEFAULT_LAW, ParametricLaw, get_parametric_law
from scalinglaws.core.validation import DEFAULT_SEED

__all__ = ["Interval", "law_samples", "percentile_interval", "propagate"]


@dataclass(frozen=True)
class Interval:
    """A point value with its percentile interval.

    ``value`` is ``f(canonical law)``; ``lo``, ``hi`` the ``level`` percentile interval of ``f``
    over the resampled laws; ``n`` the number of resamples where ``f`` was finite.
    """

    value: float
    lo: float
    hi: float
    level: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(n_boot: Any, seed: Any) -> tuple[int, int]:
    """``n_boot`` >= 50 (stricter than the library's 10: a 95% percentile interval of the
    canonical law needs at least one resample beyond each end) and a seed >= 0."""
    return validation.resamples(n_boot, minimum=50), validation.seed(seed)


@functools.lru_cache(maxsize=4)
def _samples(n_boot: int, seed: int) -> np.ndarray:
    from scalinglaws.data import load
    from scalinglaws.fitting.bootstrap import bootstrap_parametric
    from scalinglaws.fitting.parametric import fit_parametric

    pts = load("chinchilla_epoch_svg", "fit_points")
    n, d, loss = (pts[c].to_numpy(np.float64) for c in ("params", "tokens", "loss"))
    fit = fit_parametric(n, d, loss)
    boot = bootstrap_parametric(n, d, loss, n_boot=n_boot, seed=seed, fit=fit, progress=False)
    est = boot.estimates
    theta = np.column_stack(
        [np.log(est["A"]), np.log(est["B"]), np.log(est["E"]), est["alpha"], est["beta"]]
    )
    canonical = get_parametric_law(DEFAULT_LAW)
    shift = (
        np.array(
            [
                math.log(canonical.A),
                math.log(canonical.B),
                math.log(canonical.E),
                canonical.alpha,
                canonical.beta,
            ]
        )
        - fit.theta
    )
    out = theta + shift
    out.setflags(write=False)
    return out


def law_samples(n_boot: int = 4000, seed: int = DEFAULT_SEED) -> list[ParametricLaw]:
    """The canonical law's bootstrap cloud as :class:`~scalinglaws.core.laws.ParametricLaw` objects.

    ``n_boot`` resamples (>= 50) of Epoch's 240 points, ``seed`` for ``default_rng``; cached.
    """
    n_boot, seed = _check(n_boot, seed)
    canonical = get_parametric_law(DEFAULT_LAW)
    return [
        ParametricLaw(
            name=f"{canonical.name}-boot{i}",
            E=math.exp(v[2]),
            A=math.exp(v[0]),
            B=math.exp(v[1]),
            alpha=float(v[3]),
            beta=float(v[4]),
            citation=canonical.citation,
            notes="bootstrap resample of the canonical law (scalinglaws.analyses.uncertainty)",
        )
        for i, v in enumerate(_samples(n_boot, seed))
    ]


def percentile_interval(values: Any, level: float) -> tuple[float, float]:
    """Percentile interval (numpy's linear rule) of values that may hold ``+inf``.

    An end that falls on or next to an infinite value is ``inf``: the quantity is unbounded there.
    """
    arr = np.sort(np.asarray(values, dtype=np.float64))
    out = []
    for q in ((1 - level) / 2, (1 + level) / 2):
        h = q * (arr.size - 1)
        i, j = math.floor(h), math.ceil(h)
        if not np.isfinite(arr[j]):
            out.append(math.inf)
        else:
            out.append(float(arr[i] + (h - i) * (arr[j] - arr[i])))
    return out[0], out[1]


def propagate(
    f: Callable[[ParametricLaw], float],
    *,
    n_boot: int = 4000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
    unbounded: str = "drop",
) -> Interval:
    """``f(canonical law)`` with the ``level`` percentile interval of ``f`` over its bootstrap cloud.

    ``f`` maps a Chinchilla-form law to a number (e.g. ``lambda law: compute_optimal(C, law).params``).

    ``unbounded="drop"`` (default): resamples where ``f`` raises
    :class:`~scalinglaws.core.errors.InputError` or returns a non-finite value (e.g. a target loss below
    that resample's irreducible loss) are left out and counted in ``n``; fewer than 90% usable
    resamples is an error, not an interval. ``unbounded="keep"``: an ``inf`` from ``f`` (no finite
    model matches, no budget reaches a target) stays in the sample, so an interval end may be
    ``inf``; ``n`` counts the finite values; a ``NaN``, ``-inf`` or ``InputError`` is an error.
    """
    if not callable(f):
        raise InputError("f must be a function of a law")
    if not isinstance(level, float):  # an int is never a level in [0.5, 1)
        raise InputError(f"level must be a number in [0.5, 1), got {level!r}")
    level = validation.confidence_level(level, minimum=0.5)
    if unbounded not in ("drop", "keep"):
        raise InputError(f"unbounded must be 'drop' or 'keep', got {unbounded!r}")
    laws = law_samples(n_boot, seed)
    value = float(f(get_parametric_law(DEFAULT_LAW)))
    if unbounded == "keep":
        kept = np.array([float(f(law)) for law in laws], dtype=np.float64)
        if np.any(np.isnan(kept)) or np.any(kept == -math.inf):
            raise InputError("f returned NaN or -inf for a resampled law; no interval")
        lo, hi = percentile_interval(kept, level)
        return Interval(value=value, lo=lo, hi=hi, level=level, n=int(np.sum(np.isfinite(kept))))
    vals = []
    for law in laws:
        try:
            v = float(f(law))
        except InputError:
            continue
        if math.isfinite(v):
            vals.append(v)
    if len(vals) < 0.9 * len(laws):
        raise InputError(
            f"the quantity is defined for only {len(vals)} of {len(laws)} resampled laws; "
            "no interval"
        )
    lo, hi = np.quantile(np.asarray(vals), [(1 - level) / 2, (1 + level) / 2])
    return Interval(value=value, lo=float(lo), hi=float(hi), level=level, n=len(vals))

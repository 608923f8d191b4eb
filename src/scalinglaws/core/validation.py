"""Shared input checks: bad input becomes one clear line (``InputError``), never a traceback or a NaN.

One checker per kind of argument, used by every library function that takes one:

* :func:`seed` — a seed of ``np.random.default_rng``: an integer >= 0;
* :func:`resamples` — a bootstrap or Monte Carlo size: an integer >= :data:`MIN_RESAMPLES`, or
  ``>= minimum`` where a method needs another floor (each such caller says why);
* :func:`confidence_level` — a level strictly between 0 and 1 (or in ``[minimum, 1)``);
* positivity — :func:`positive` for one number, :func:`require_positive` for an array (behind
  :func:`positive_array` and ``finite_array(..., positive=True)``), all with the message
  ``<name> must be positive, got <value>``.

Every message is one line naming the argument; bools are never numbers.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np

from scalinglaws.core.errors import InputError


def positive_array(values: Any, name: str) -> np.ndarray:
    """``values`` as a flat float64 array of positive, finite numbers.

    Raises
    ------
    InputError
        One line naming ``name``: non-numeric, empty, NaN/inf, or zero/negative values.
    """
    if isinstance(values, bool | str | bytes) or values is None:
        raise InputError(f"{name} must be numeric, got {values!r}")
    try:
        arr = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numeric, got non-numeric values") from None
    if arr.size == 0:
        raise InputError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be finite, got NaN or inf")
    require_positive(arr, name)
    return arr


def require_positive(arr: np.ndarray, name: str) -> None:
    """The one positivity rule for arrays: every value > 0, else the first bad one is named."""
    if not np.all(arr > 0):
        raise InputError(f"{name} must be positive, got {arr[arr <= 0][0]:g}")


def finite_array(value: Any, name: str, *, positive: bool = False) -> np.ndarray:
    """``value`` as a flat float64 array of finite numbers (positive ones if ``positive``).

    Unlike :func:`positive_array`, zero and negative values pass unless ``positive`` is set.

    Raises
    ------
    InputError
        One line naming ``name``: None, bool, text, non-numeric, empty, NaN/inf, or (with
        ``positive``) zero/negative values.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str | bytes):
        raise InputError(f"{name} must be finite numbers, got {value!r}")
    try:
        arr = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be finite numbers, got {value!r}"[:200]) from None
    if arr.size == 0:
        raise InputError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be finite numbers, got NaN or inf")
    if positive:
        require_positive(arr, name)
    return arr


def finite_real(value: Any, name: str, *, positive: bool = False) -> float:
    """``value`` as a finite Python float (a positive one if ``positive``); bool is rejected."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise InputError(f"{name} must be a finite number, got {value!r}")
    if positive and value <= 0:
        raise InputError(f"{name} must be positive, got {value!r}")
    return float(value)


def positive(value: Any, name: str) -> float:
    """``value`` as a positive, finite Python float (the scalar positivity check)."""
    return finite_real(value, name, positive=True)


#: Smallest bootstrap or Monte Carlo size :func:`resamples` accepts unless a caller passes
#: another ``minimum``: fewer than 10 resamples give no usable percentile interval at any level.
#: Callers with another floor: :func:`scalinglaws.analyses.uncertainty.law_samples` (50, so a 95%
#: percentile interval has at least one resample beyond each end),
#: :func:`scalinglaws.fitting.bootstrap.bootstrap` (2, the generic engine: a standard error needs two),
#: and fits where ``n_boot = 0`` means "no bootstrap" (0).
MIN_RESAMPLES = 10

#: The one default seed of every seeded function in the library (bootstraps, simulations).
DEFAULT_SEED = 42


def int_at_least(value: Any, name: str, minimum: int) -> int:
    """``value`` as an int ``>= minimum``; bool and floats (even ``10.0``) are rejected.

    The integer check behind :func:`seed` and :func:`resamples`; numpy integers are accepted.
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def seed(value: Any, name: str = "seed") -> int:
    """A seed of ``np.random.default_rng``: an integer >= 0 (``seed must be an integer >= 0``)."""
    return int_at_least(value, name, 0)


def resamples(value: Any, name: str = "n_boot", *, minimum: int = MIN_RESAMPLES) -> int:
    """A bootstrap or Monte Carlo size: an integer >= ``minimum`` (default :data:`MIN_RESAMPLES`)."""
    return int_at_least(value, name, minimum)


def confidence_level(level: Any, name: str = "level", *, minimum: float | None = None) -> float:
    """``level`` as a float strictly between 0 and 1 (a confidence level such as 0.95).

    With ``minimum``, the level must lie in ``[minimum, 1)`` instead (e.g. 0.5 where an interval
    is read from the tails of a finite set of resamples).
    """
    ok = not isinstance(level, bool) and isinstance(level, Real) and math.isfinite(float(level))
    if minimum is None:
        if not (ok and 0.0 < float(level) < 1.0):
            raise InputError(f"{name} must be a number in (0, 1), got {level!r}")
    elif not (ok and minimum <= float(level) < 1.0):
        raise InputError(f"{name} must be a number in [{minimum:g}, 1), got {level!r}")
    return float(level)

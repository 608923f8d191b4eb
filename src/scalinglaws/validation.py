"""Shared input checks: bad input becomes one clear line (``InputError``), never a traceback or a NaN."""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np

from .errors import InputError


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
    if np.any(arr <= 0):
        raise InputError(f"{name} must be positive, got {arr[arr <= 0][0]:g}")
    return arr


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
    if positive and not np.all(arr > 0):
        raise InputError(f"{name} must be positive, got {arr[arr <= 0][0]!r}")
    return arr


def finite_real(value: Any, name: str, *, positive: bool = False) -> float:
    """``value`` as a finite Python float (a positive one if ``positive``); bool is rejected."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise InputError(f"{name} must be a finite number, got {value!r}")
    if positive and value <= 0:
        raise InputError(f"{name} must be positive, got {value!r}")
    return float(value)


def int_at_least(value: Any, name: str, minimum: int) -> int:
    """``value`` as an int ``>= minimum`` (e.g. a seed or a bootstrap size); bool is rejected."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def confidence_level(level: Any) -> float:
    """``level`` as a float strictly between 0 and 1 (a confidence level such as 0.95)."""
    if isinstance(level, bool) or not isinstance(level, Real) or not 0.0 < float(level) < 1.0:
        raise InputError(f"level must be a number in (0, 1), got {level!r}")
    return float(level)

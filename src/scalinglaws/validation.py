"""Shared input checks: bad input becomes one clear line (``InputError``), never a traceback or a NaN."""

from __future__ import annotations

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

"""Shared test fixtures.

The data mirror defaults to ``../shared/data`` beside the repository (as in CI) unless
``SCALINGLAWS_DATA_MIRROR`` is set. The Approach-3 fit of Epoch's 240 points and its 4,000-resample
bootstrap are computed once per test session and shared by the engine, bootstrap and significance tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

MIRROR = Path(
    os.environ.get("SCALINGLAWS_DATA_MIRROR")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)
os.environ.setdefault("SCALINGLAWS_DATA_MIRROR", str(MIRROR))


def chinchilla_points() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Epoch's 240 points (N params, D = C/(6N) tokens, loss nats/token), via the loader."""
    from scalinglaws.data import load

    df = load("chinchilla_epoch_svg", "fit_points")
    return tuple(df[c].to_numpy(np.float64) for c in ("params", "tokens", "loss"))


@pytest.fixture(scope="session")
def data():
    return chinchilla_points()


@pytest.fixture(scope="session")
def fit(data):
    from scalinglaws.fitting.parametric import fit_parametric

    return fit_parametric(*data)


@pytest.fixture(scope="session")
def boot(data, fit):
    from scalinglaws.fitting.bootstrap import bootstrap_parametric

    return bootstrap_parametric(*data, n_boot=4000, seed=42, fit=fit, progress=False)


@pytest.fixture(scope="session")
def muennighoff_runs():
    """The 182 datablations runs (Muennighoff et al. 2023), via the loader."""
    from scalinglaws.data import load

    return load("datablations_muennighoff", "runs")

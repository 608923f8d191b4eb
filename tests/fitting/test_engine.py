"""Tests of the engine module: engine and thread selection, standardised coordinates.

The engines' agreement with each other and the compiled kernel itself are tested in
``test_native.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from scalinglaws.core.errors import InputError
from scalinglaws.fitting import engine as engine_module
from scalinglaws.fitting.engine import Standardizer, engine, threads
from scalinglaws.fitting.parametric import hoffmann_grid


@pytest.fixture(scope="module")
def logs(data):
    return tuple(np.log(v) for v in data)


def test_standardizer_round_trip(logs):
    n, d, _ = logs
    std = Standardizer(n, d)
    X = hoffmann_grid()
    np.testing.assert_allclose(std.from_z(std.to_z(X)), X, rtol=0, atol=1e-12)
    # the same model: a' - alpha' n' equals a - alpha log N
    Z = std.to_z(X[:50])
    np.testing.assert_allclose(
        Z[:, :1] - Z[:, 3:4] * std.n[None, :], X[:50, :1] - X[:50, 3:4] * n[None, :], atol=1e-9
    )
    assert abs(std.n.mean()) < 1e-12 and std.n.std() == pytest.approx(1.0)
    const = Standardizer(np.full(5, 3.0), np.arange(5.0))
    assert const.sd_n == 1.0 and np.all(const.n == 0)


def test_engine_and_thread_switches(monkeypatch):
    monkeypatch.setenv("SCALINGLAWS_ENGINE", "fast")
    with pytest.raises(InputError, match="SCALINGLAWS_ENGINE must be one of auto, native, numpy"):
        engine()
    monkeypatch.setenv("SCALINGLAWS_ENGINE", "NumPy")
    assert engine() == "numpy"
    monkeypatch.setenv("SCALINGLAWS_ENGINE", "native")
    monkeypatch.setattr(engine_module, "_native", None)
    with pytest.raises(InputError, match="was not built"):
        engine()
    monkeypatch.setenv("SCALINGLAWS_ENGINE", "auto")
    assert engine() == "numpy"
    for bad in ("0", "-2", "two"):
        monkeypatch.setenv("SCALINGLAWS_THREADS", bad)
        with pytest.raises(InputError, match="SCALINGLAWS_THREADS must be a positive integer"):
            threads()
    monkeypatch.setenv("SCALINGLAWS_THREADS", "3")
    assert threads() == 3
    monkeypatch.delenv("SCALINGLAWS_THREADS")
    assert threads() >= 1

"""Figures of the reasoning chapter (scalinglaws.figures.reasoning)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scalinglaws.errors import InputError
from scalinglaws.figures import reasoning


def _bars(spec):
    return [v for v in spec["datasets"].values() if v and "count" in v[0]][0]


def test_breakeven_draws_figure():
    r = np.array([1e-3, 1e-3, 2e-3, 0.01, np.inf, 0.0, np.nan])
    fig = reasoning.breakeven_draws(
        pd.DataFrame({"breakeven": r}), 2e-3, law_text="fixed", anchor="swe", multiplier=14
    )
    spec = fig.spec()
    assert "MODEL" in fig.caption and fig.alt and fig.title.startswith("How uncertain")
    assert "6 paired draws" in fig.caption  # the nan draw is left out
    assert "1 draws win at every R" in fig.caption and "1 win at none" in fig.caption
    bars = _bars(spec)
    assert sum(b["count"] for b in bars) == 6
    # the inf and 0 draws sit at the ends of the searched range, log10 R = +-8
    assert min(b["start"] for b in bars) <= -8 < min(b["end"] for b in bars)
    assert max(b["start"] for b in bars) <= 8 < max(b["end"] for b in bars)
    rule = [v for v in spec["datasets"].values() if v and "what" in v[0]][0]
    assert rule[0]["x"] == pytest.approx(math.log10(2e-3), abs=5e-3)  # rounded to 3 digits
    with pytest.raises(InputError):
        reasoning.breakeven_draws(
            pd.DataFrame({"x": [1.0]}), 1.0, law_text="", anchor="", multiplier=2
        )
    with pytest.raises(InputError):
        reasoning.breakeven_draws(
            pd.DataFrame({"breakeven": [np.nan]}), 1.0, law_text="a", anchor="b", multiplier=2
        )

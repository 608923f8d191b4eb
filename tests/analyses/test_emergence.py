"""Tests for scalinglaws.analyses.emergence (continuous vs thresholded metrics on Gadre et al.'s runs)."""

import numpy as np
import pytest

from scalinglaws.analyses import emergence as em
from scalinglaws.core.errors import InputError
from scalinglaws.data import load


@pytest.fixture(scope="module")
def curves():
    return em.task_curves(
        load("gadre_overtraining", "runs"),
        load("gadre_overtraining", "evals"),
        ("jeopardy", "lambada_openai"),
    )


def test_task_curves_shape(curves):
    assert set(curves["metric"]) == {"per-token probability exp(-L)", "jeopardy", "lambada_openai"}
    assert (curves["metric"] == "jeopardy").sum() == 35  # 35 RedPajama runs
    p = curves[curves["metric"].str.startswith("per-token")]
    assert np.allclose(p["value"], np.exp(-p["loss"]))


def test_exact_match_is_emergent_continuous_is_not(curves):
    m20 = curves[curves["multiplier"] == 20]
    share = {
        k: em.share_of_gain_at_midpoint(g["flops"], g["value"]) for k, g in m20.groupby("metric")
    }
    assert share["jeopardy"] < 0.05
    assert share["per-token probability exp(-L)"] > 0.3
    assert share["lambada_openai"] > 0.3


def test_exact_match_toy():
    assert em.exact_match_toy(0.5, 3) == pytest.approx(0.125)
    with pytest.raises(InputError):
        em.exact_match_toy(1.5, 2)
    with pytest.raises(InputError):
        em.exact_match_toy(0.5, 0)


def test_share_of_gain_linear():
    x = 10.0 ** np.arange(5)
    assert em.share_of_gain_at_midpoint(x, np.arange(5.0)) == pytest.approx(0.5)
    with pytest.raises(InputError):
        em.share_of_gain_at_midpoint(x, np.ones(5))


def test_benchmark_summary():
    b = load("obsscaling_ruan", "base")
    s = em.benchmark_summary(b, {"MMLU": 0.25, "HellaSwag": 0.25})
    assert list(s["n_models"]) == [148, 148]
    assert s["best"].iloc[1] == pytest.approx(0.9005, abs=1e-3)
    with pytest.raises(InputError):
        em.benchmark_summary(b, {"nope": 0.1})

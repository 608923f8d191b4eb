"""Tests for scalinglaws.analyses.icl: five-shot gains, their trends and intervals.

Hand-made tables check the arithmetic (values worked out here); the real Pythia tables check the
numbers of pythia_fewshot's PROVENANCE.md ("What it reproduces", printed to 3 decimals: tol 5e-4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analyses import icl
from scalinglaws.core.errors import InputError

SIZES = [("s", 1e8), ("m", 1e9), ("l", 1e10)]


def _rows(
    values: dict[tuple[str, str], float], stderr: float = 0.01, step: int = 10
) -> pd.DataFrame:
    """Harness-style rows: values[(size, task)] = acc."""
    out = []
    for (size, task), v in values.items():
        params = dict(SIZES)[size]
        out.append((size, params, step, step * 2_097_152.0, task, "acc", v, stderr))
    return pd.DataFrame(
        out, columns=["size", "params", "step", "tokens", "task", "metric", "value", "stderr"]
    )


def _toy(gain_of: dict[str, list[float]]) -> pd.DataFrame:
    """fewshot_gains of a toy suite whose gain per task is gain_of[task][size index]."""
    zero = {(s, t): 0.5 for s, _ in SIZES for t in gain_of}
    five = {(s, t): 0.5 + gain_of[t][i] for i, (s, _) in enumerate(SIZES) for t in gain_of}
    return icl.fewshot_gains(_rows(five, 0.03), _rows(zero, 0.04))


def test_fewshot_gains_arithmetic_and_mmlu():
    zero = _rows({("s", "piqa"): 0.6, ("s", "hendrycksTest-a"): 0.2, ("s", "hendrycksTest-b"): 0.4})
    five = _rows(
        {("s", "piqa"): 0.65, ("s", "hendrycksTest-a"): 0.3, ("s", "hendrycksTest-b"): 0.3}, 0.02
    )
    g = icl.fewshot_gains(five, zero).set_index("task")
    assert set(g.index) == {"piqa", icl.MMLU}
    assert g.loc["piqa", "gain"] == pytest.approx(0.05)
    assert g.loc["piqa", "gain_se"] == pytest.approx(np.hypot(0.02, 0.01))
    # MMLU: mean of subjects (0.3 - 0.3 = 0), error of a mean of two: sqrt(2 * se^2) / 2
    assert g.loc[icl.MMLU, "gain"] == pytest.approx(0.0, abs=1e-12)
    assert g.loc[icl.MMLU, "five"] == pytest.approx(0.3)
    assert g.loc[icl.MMLU, "gain_se"] == pytest.approx(
        np.hypot(0.02 / np.sqrt(2), 0.01 / np.sqrt(2))
    )
    with pytest.raises(InputError, match="metric"):
        icl.fewshot_gains(five, zero, metric="ppl")
    with pytest.raises(InputError, match="share no"):
        icl.fewshot_gains(five.assign(step=99), zero)
    with pytest.raises(InputError):
        icl.fewshot_gains(five.drop(columns="stderr"), zero)


def test_gain_trend_slope_and_bootstrap():
    # two tasks whose gains rise by 0.01 and 0.03 per decade: the mean rises by 0.02 per decade
    g = _toy({"a": [0.0, 0.01, 0.02], "b": [0.0, 0.03, 0.06], "wsc": [0.0, -0.2, 0.0]})
    t = icl.gain_trend(g, "params", n_boot=200, seed=1)
    assert t.tasks == ("a", "b")  # WSC left out by default
    assert t.slope == pytest.approx(0.02)
    # resampling two tasks gives slopes 0.01, 0.02 or 0.03 only
    assert 0.01 - 1e-12 <= t.slope_ci[0] <= t.slope_ci[1] <= 0.03 + 1e-12
    assert t.rises and t.share_positive == 1.0
    assert np.allclose(t.table["mean"], [0.0, 0.02, 0.04])
    assert list(t.table["size"]) == ["s", "m", "l"]
    assert (t.table["lo"] <= t.table["mean"] + 1e-12).all()
    with_wsc = icl.gain_trend(g, "params", exclude=(), n_boot=200, seed=1)
    assert with_wsc.slope == pytest.approx((0.01 + 0.03 + 0.0) / 3)
    # same seed, same answer
    assert icl.gain_trend(g, "params", n_boot=200, seed=1).slope_ci == t.slope_ci


def test_gain_trend_flat_is_not_rising():
    g = _toy({"a": [0.01, -0.01, 0.01], "b": [-0.01, 0.01, -0.01]})
    t = icl.gain_trend(g, n_boot=200, seed=0)
    assert t.slope == pytest.approx(0.0, abs=1e-12)
    assert not t.rises


def test_gain_trend_bad_input():
    g = _toy({"a": [0.0, 0.01, 0.02], "b": [0.0, 0.03, 0.06]})
    with pytest.raises(InputError, match="along"):
        icl.gain_trend(g, "flops")
    with pytest.raises(InputError, match="size"):
        icl.gain_trend(g, "tokens", size="xl")
    with pytest.raises(InputError, match="n_boot"):
        icl.gain_trend(g, n_boot=10)
    with pytest.raises(InputError, match="level"):
        icl.gain_trend(g, level=1.0)
    with pytest.raises(InputError, match="two tasks"):
        icl.gain_trend(g, exclude=("a",))


def test_task_trends_propagates_harness_errors():
    g = _toy({"a": [0.0, 0.01, 0.02], "b": [0.0, 0.03, 0.06]})
    t = icl.task_trends(g, level=0.95).set_index("task")
    assert t.loc["a", "slope"] == pytest.approx(0.01)
    # x = 8, 9, 10: w = (-1/2, 0, 1/2); se of every gain = hypot(0.03, 0.04) = 0.05
    se = np.sqrt(2 * 0.25 * 0.05**2)
    assert t.loc["b", "slope_hi"] - t.loc["b", "slope"] == pytest.approx(1.959964 * se, rel=1e-6)
    assert t.loc["b", "gain_large"] == pytest.approx(0.06)
    assert t.loc["b", "gain_small_se"] == pytest.approx(0.05)


def test_zero_shot_table_refuses_overlap():
    a = _rows({("s", "piqa"): 0.6})
    assert len(icl.zero_shot_table(a, _rows({("m", "piqa"): 0.6}))) == 2
    with pytest.raises(InputError, match="different"):
        icl.zero_shot_table(a, a)


def test_gpt3_gains_are_the_printed_differences():
    """paper_numbers §12.1 (Table 3.10: RI 8.26 -> 67.2) and §12.3 (Table H.1: LAMBADA 1.3B 63.6 -> 57.0,
    TriviaQA 13B 41.8 -> 57.5): the gain is few minus zero, exact to the printed 0.01 point."""
    g = icl.gpt3_gains().set_index(["task", "size"])["gain"]
    assert g[("Random insertion", "175B")] == pytest.approx(58.94, abs=1e-9)
    assert g[("LAMBADA", "1.3B")] == pytest.approx(-6.6, abs=1e-9)
    assert g[("TriviaQA", "13B")] == pytest.approx(15.7, abs=1e-9)
    assert set(icl.GPT3_FEWSHOT["mark"]) <= {"V1", "V2"}


# ------------------------------------------------------------------ the real Pythia tables
@pytest.fixture(scope="module")
def pythia():
    from scalinglaws import data

    five = data.load("pythia_fewshot", "five_shot")
    zero = icl.zero_shot_table(
        data.load("pythia_evals", "evals"), data.load("pythia_fewshot", "zero_shot_1b")
    )
    return five, icl.fewshot_gains(five, zero)


def test_pythia_gains_match_provenance(pythia):
    """pythia_fewshot PROVENANCE.md, "What it reproduces" (step 143000, five-shot / zero-shot acc,
    3 decimals: tol 5e-4 on each accuracy, 1e-3 on the printed difference)."""
    _, g = pythia
    fin = g[g["step"] == 143000].set_index(["size", "task"])
    printed = {
        ("70m", "lambada_openai"): (0.125, 0.185, -0.060),
        ("410m", "wsc"): (0.365, 0.567, -0.202),
        ("1b", "sciq"): (0.920, 0.840, 0.080),
        ("6.9b", "arc_challenge"): (0.356, 0.313, 0.043),
        ("12b", "arc_challenge"): (0.365, 0.318, 0.047),
        ("12b", "piqa"): (0.760, 0.760, 0.000),
    }
    for key, (five, zero, gain) in printed.items():
        assert fin.loc[key, "five"] == pytest.approx(five, abs=5e-4), key
        assert fin.loc[key, "zero"] == pytest.approx(zero, abs=5e-4), key
        assert fin.loc[key, "gain"] == pytest.approx(gain, abs=1e-3), key
    assert g["size"].nunique() == 8 and g["step"].nunique() == 15
    assert g["task"].nunique() == 9  # 8 tasks + MMLU's 57 subjects as one


def test_pythia_lambada_and_wsc_as_documented(pythia):
    """PROVENANCE.md: five-shot LAMBADA is below zero-shot at all 120 (size, step) pairs, by 0.03 to
    0.07 at the final step; five-shot WSC is 38/104 in 116 of the 120 files."""
    five, g = pythia
    lam = g[g["task"] == "lambada_openai"]
    assert len(lam) == 120 and (lam["gain"] < 0).all()
    fin = lam[lam["step"] == 143000]["gain"]
    assert -0.0715 <= fin.min() and fin.max() <= -0.0315
    assert icl.constant_share(five) == (116, 120)


def test_pythia_trend_direction(pythia):
    """The mean gain over the 8 tasks with signal rises with size at the final step (the PROVENANCE
    table: about -0.01 at 70m, +0.01 to +0.02 from 1.4b up)."""
    _, g = pythia
    t = icl.gain_trend(g, n_boot=200, seed=0)
    assert t.tasks == (
        "arc_challenge",
        "arc_easy",
        "lambada_openai",
        "logiqa",
        "mmlu",
        "piqa",
        "sciq",
        "winogrande",
    )
    assert t.table["mean"].iloc[0] < 0 < t.table["mean"].iloc[-1]
    assert 0.005 < t.slope < 0.02  # about one point per decade
    tok = icl.token_trends(g, n_boot=200, seed=0)
    assert list(tok["size"]) == ["70m", "160m", "410m", "1b", "1.4b", "2.8b", "6.9b", "12b"]

"""Tests for scalinglaws.analyses.effort: Aider polyglot reasoning-effort ladders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analyses import effort
from scalinglaws.core.errors import InputError
from scalinglaws.data import load


@pytest.fixture(scope="module")
def aider() -> pd.DataFrame:
    return load("aider_polyglot", "runs")


@pytest.fixture(scope="module")
def ladders(aider) -> pd.DataFrame:
    return effort.effort_ladders(aider)


@pytest.mark.parametrize(
    ("model", "pass_rate", "cost"),
    [
        ("o3-mini (medium)", 53.8, 8.86),
        ("o3-mini (high)", 60.4, 18.16),
        ("gpt-5 (low)", 81.3, 10.37),
        ("gpt-5 (medium)", 86.7, 17.69),
        ("gpt-5 (high)", 88.0, 29.08),
        ("o3", 76.9, 13.75),
        ("o3 (high)", 81.3, 21.23),
    ],
)
def test_aider_ladder_values(ladders, model, pass_rate, cost):
    """datasets.md §7 / Aider polyglot leaderboard (Aider-AI/aider @5dc9490b): pass_rate_2 (%)
    and total cost (USD). Tolerance 0.05 points and half a cent (published to 2 decimals)."""
    row = ladders[ladders["model"] == model].iloc[0]
    assert row["pass_rate_pct"] == pytest.approx(pass_rate, abs=0.05)
    assert row["cost_usd"] == pytest.approx(cost, abs=0.005)


@pytest.mark.parametrize(
    ("family", "low", "high"),
    [
        ("Grok 3 Mini Beta", 34.7, 49.3),
        ("claude-3-7-sonnet-20250219", 60.4, 64.9),
        ("claude-sonnet-4-20250514", 56.4, 61.3),
        ("claude-opus-4-20250514", 70.7, 72.0),
        ("gemini-2.5-flash-preview-05-20", 44.0, 55.1),
    ],
)
def test_aider_thinking_pairs(ladders, family, low, high):
    """datasets.md §7: pass rate without / with thinking (or low / high effort)."""
    rows = ladders[ladders["family"] == family]
    assert rows["pass_rate_pct"].tolist() == pytest.approx([low, high], abs=0.05)


def test_aider_marginal_cost(ladders):
    """gpt-5 medium -> high: (29.08 - 17.69) / (88.0 - 86.7) = 8.76 USD per point [D]."""
    row = ladders[(ladders["family"] == "gpt-5") & (ladders["setting"] == "high")].iloc[0]
    assert row["step"] == "medium → high"
    assert row["usd_per_point"] == pytest.approx((29.0829 - 17.6930) / 1.3, rel=1e-6)
    assert row["usd_per_point"] == pytest.approx(8.76, abs=0.01)
    first = ladders[ladders["family"] == "gpt-5"].iloc[0]
    assert first["step"] == "" and np.isnan(first["usd_per_point"])


def test_ladders_structure(ladders):
    assert tuple(ladders.columns) == effort.LADDER_COLUMNS
    assert not ladders["model"].str.contains("+", regex=False).any()
    assert set(ladders["family"]) >= {"gpt-5", "o3", "o3-mini", "claude-opus-4-20250514"}
    assert "DeepSeek R1" not in set(ladders["family"])  # two runs, no effort setting
    for _, g in ladders.groupby("family"):
        assert len(g) >= 2 and g["effort_rank"].is_monotonic_increasing
    # 0 in the leaderboard means "not recorded", never a free run
    assert (ladders["cost_usd"].dropna() > 0).all()


def test_ladders_bad_input():
    with pytest.raises(InputError):
        effort.effort_ladders(pd.DataFrame({"model": ["a"]}))
    with pytest.raises(InputError):
        effort.effort_ladders("runs")


def test_effort_rank():
    assert effort.effort_rank("no thinking") == 0
    assert effort.effort_rank("Chat") == 0
    assert effort.effort_rank("low") == 1
    assert effort.effort_rank(None) == 2 and effort.effort_rank("medium") == 2
    assert effort.effort_rank("high") == 3 and effort.effort_rank("32k thinking tokens") == 3
    assert np.isnan(effort.effort_rank("experimental"))


def test_ladder_intervals(ladders):
    assert (ladders["pass_lo_pct"] < ladders["pass_rate_pct"]).all()
    assert (ladders["pass_rate_pct"] < ladders["pass_hi_pct"]).all()


def test_step_gain_bootstrap(ladders):
    sg = effort.step_gain_bootstrap(ladders, n_boot=2000, seed=0)
    steps = ladders[ladders["step"] != ""]
    assert len(sg.steps) == len(steps) and sg.boot.shape == (2000, len(steps))
    assert sg.median == pytest.approx(steps["d_points"].median())
    assert sg.median_ci[0] < sg.median < sg.median_ci[1]
    assert (sg.steps["d_lo"] <= sg.steps["d_points"]).all()
    assert (sg.steps["d_points"] <= sg.steps["d_hi"]).all()
    # gpt-5 medium -> high: 86.7% -> 88.0% of 225; binomial sd of the difference
    # sqrt(.867*.133/225 + .88*.12/225) = 3.1 points, so the 95% interval is about +-6.1 points
    row = sg.steps[(sg.steps["family"] == "gpt-5") & (sg.steps["step"] == "medium → high")].iloc[0]
    assert (row["d_hi"] - row["d_lo"]) / 2 == pytest.approx(1.96 * 3.12, rel=0.1)
    assert row["d_lo"] < 0 < row["d_hi"]
    with pytest.raises(InputError):
        effort.step_gain_bootstrap(ladders[["family"]])


def test_ladder_display(ladders):
    """The reader's table shows the leaderboard's numbers: gpt-5 (medium) 86.7% at $17.69."""
    show = effort.ladder_display(ladders)
    assert list(show.columns) == [
        "model",
        "setting",
        "pass rate % [95% interval]",
        "run cost",
        "output tokens",
        "Δ points",
        "$ per point",
    ]
    assert len(show) == len(ladders)
    row = show[(show["model"] == "gpt-5") & (show["setting"] == "medium")].iloc[0]
    assert row["pass rate % [95% interval]"].startswith("86.7 [")
    assert row["run cost"] == "$17.69"
    assert row["Δ points"] == "+5.4"  # 86.7 - 81.3
    low = show[(show["model"] == "gpt-5") & (show["setting"] == "low")].iloc[0]
    assert low["Δ points"] == "" and low["$ per point"] == ""  # the first rung has no step
    hand = pd.DataFrame(
        {c: [np.nan] for c in effort.LADDER_COLUMNS}
        | {
            "family": ["x"],
            "setting": ["high"],
            "pass_rate_pct": [50.0],
            "pass_lo_pct": [40.0],
            "pass_hi_pct": [60.0],
            "d_points": [2.0],
            "usd_per_point": [-1234.5],
        }
    )
    one = effort.ladder_display(hand).iloc[0]
    assert one["run cost"] == "n/a" and one["output tokens"] == "n/a"
    # cheaper and better: a saving, in dollars with separators (was "−$1.23e+03")
    assert one["$ per point"] == "saves $1,230"
    for points, price, shown in [
        (2.0, 0.0034912, "$0.00349"),
        (2.0, 17.69, "$17.7"),
        (2.0, 0.9996, "$1.00"),
        (2.0, -0.0034912, "saves $0.00349"),
        (-1.5, -8.0, "no gain"),  # cost more and scored lower
        (0.0, np.nan, ""),
    ]:
        row = effort.ladder_display(hand.assign(d_points=[points], usd_per_point=[price])).iloc[0]
        assert row["$ per point"] == shown, (points, price)
    with pytest.raises(InputError):
        effort.ladder_display(pd.DataFrame({"family": ["x"]}))

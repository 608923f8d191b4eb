"""Aider polyglot reasoning-effort ladders: one model run at several efforts or budgets.

:func:`effort_ladders` arranges Aider polyglot runs of one model at several reasoning efforts or
thinking budgets (ordered by :func:`effort_rank`) and computes the marginal dollars (and tokens)
per point of pass rate, with Wilson intervals (:func:`scalinglaws.analyses.coverage.wilson_interval`).
:func:`step_gain_bootstrap` gives every step's gain (and the median step gain) a seeded
parametric-bootstrap interval from the binomial noise of each run.

Units: pass rates in percent (``_pct``), costs in USD, completion tokens per run.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.analyses.coverage import wilson_interval
from scalinglaws.core.errors import InputError
from scalinglaws.core.validation import DEFAULT_SEED

__all__ = [
    "LADDER_COLUMNS",
    "StepGains",
    "effort_ladders",
    "effort_rank",
    "ladder_display",
    "step_gain_bootstrap",
]


# ------------------------------------------------------------------ Aider effort ladders

_NO_THINK = re.compile(r"\bno[ -]?think|\bchat\b", re.IGNORECASE)
_BUDGET = re.compile(r"(\d+)\s*k\s+think", re.IGNORECASE)


def effort_rank(setting: Any) -> float:
    """Order of a reasoning setting within one model: higher means more test-time compute.

    ``no thinking``/``no think``/``Chat`` = 0, ``low`` = 1, default (no tag), ``default``,
    ``default think`` and ``medium`` = 2, ``high``, ``Reasoner`` and explicit thinking budgets
    (``32k thinking``) = 3; anything else NaN. A ranking convention of this book, not Aider's.
    """
    if setting is None or (isinstance(setting, float) and math.isnan(setting)):
        return 2.0
    text = str(setting).strip().lower()
    if _NO_THINK.search(text):
        return 0.0
    if text == "low":
        return 1.0
    if text in ("default", "default think", "medium"):
        return 2.0
    if text in ("high", "reasoner") or _BUDGET.search(text):
        return 3.0
    return float("nan")


def _base_name(model: str) -> str:
    return re.sub(r"\s*\([^()]*\)", "", str(model)).strip()


LADDER_COLUMNS = (
    "family",
    "model",
    "setting",
    "effort_rank",
    "step",
    "pass_rate_pct",
    "pass_lo_pct",
    "pass_hi_pct",
    "cost_usd",
    "cost_per_task_usd",
    "completion_tokens",
    "d_points",
    "d_cost_usd",
    "usd_per_point",
    "d_tokens",
    "tokens_per_point",
)


def effort_ladders(runs: pd.DataFrame) -> pd.DataFrame:
    """Same-model Aider polyglot runs at different reasoning efforts, with marginal costs.

    Rows of the ``aider_polyglot`` table are grouped by the model name without its
    parentheses (``"gpt-5 (low)"`` -> ``"gpt-5"``); architect/editor pairs (``+`` in the
    name or ``edit_format == "architect"``) are left out, and a group is kept when it holds
    at least two distinct :func:`effort_rank` values. Within a group, rows are sorted by
    rank and each row is compared with the one below it.

    Parameters
    ----------
    runs : DataFrame
        ``scalinglaws.data.load("aider_polyglot", "runs")``.

    Returns
    -------
    DataFrame
        Columns :data:`LADDER_COLUMNS`: ``family``; ``model``; ``setting`` (``"default"`` when
        the name has none); ``effort_rank``; ``step`` (``"low → medium"``, empty on a
        family's first row); ``pass_rate_pct`` (``pass_rate_2``, percent of the 225
        exercises solved after one retry); ``pass_lo_pct``, ``pass_hi_pct`` (95% Wilson
        interval over the ``test_cases`` exercises, :func:`wilson_interval`); ``cost_usd``
        (total API cost of the run, NaN when
        the leaderboard records 0); ``cost_per_task_usd`` (``cost_usd / test_cases``);
        ``completion_tokens`` (NaN if not recorded); ``d_points``, ``d_cost_usd``,
        ``d_tokens`` (change from the previous rung); ``usd_per_point`` and
        ``tokens_per_point`` (marginal cost per percentage point, NaN when undefined).
        Sorted by family name, then rank.
    """
    need = ("model", "pass_rate_2", "total_cost", "test_cases", "edit_format")
    if not isinstance(runs, pd.DataFrame) or any(c not in runs.columns for c in need):
        raise InputError(f"runs must be the aider_polyglot runs table with columns {need}")
    df = runs.copy()
    df = df[~df["model"].astype(str).str.contains("+", regex=False)]
    df = df[df["edit_format"].astype(str) != "architect"]
    setting = df["reasoning_setting"] if "reasoning_setting" in df.columns else None
    df["setting"] = [
        "default" if (s is None or (isinstance(s, float) and math.isnan(s))) else str(s)
        for s in (setting if setting is not None else [None] * len(df))
    ]
    df["effort_rank"] = [effort_rank(None if s == "default" else s) for s in df["setting"]]
    df["family"] = [_base_name(m) for m in df["model"]]
    df = df[np.isfinite(df["effort_rank"].to_numpy(dtype=float))]
    keep = df.groupby("family")["effort_rank"].transform("nunique") >= 2
    df = df[keep].sort_values(["family", "effort_rank"], kind="stable")
    cost = df["total_cost"].astype(float).where(df["total_cost"].astype(float) > 0)
    tokens = (
        df["completion_tokens"].astype(float)
        if "completion_tokens" in df.columns
        else pd.Series(np.nan, index=df.index)
    )
    n_tasks = df["test_cases"].astype(float).to_numpy()
    lo, hi = wilson_interval(df["pass_rate_2"].to_numpy(dtype=float) / 100.0 * n_tasks, n_tasks)
    out = pd.DataFrame(
        {
            "family": df["family"].to_numpy(),
            "model": df["model"].astype(str).to_numpy(),
            "setting": df["setting"].to_numpy(),
            "effort_rank": df["effort_rank"].to_numpy(dtype=float),
            "pass_rate_pct": df["pass_rate_2"].to_numpy(dtype=float),
            "pass_lo_pct": 100.0 * lo,
            "pass_hi_pct": 100.0 * hi,
            "cost_usd": cost.to_numpy(dtype=float),
            "cost_per_task_usd": (cost / df["test_cases"].astype(float)).to_numpy(dtype=float),
            "completion_tokens": tokens.to_numpy(dtype=float),
        }
    )
    g = out.groupby("family", sort=False)
    prev_setting = g["setting"].shift(1)
    out["step"] = [
        "" if pd.isna(p) else f"{p} → {s}"
        for p, s in zip(prev_setting, out["setting"], strict=True)
    ]
    out["d_points"] = g["pass_rate_pct"].diff()
    out["d_cost_usd"] = g["cost_usd"].diff()
    out["d_tokens"] = g["completion_tokens"].diff()
    with np.errstate(divide="ignore", invalid="ignore"):
        dp = out["d_points"].to_numpy(dtype=float)
        ok = np.isfinite(dp) & (dp != 0)
        out["usd_per_point"] = np.where(ok, out["d_cost_usd"].to_numpy(dtype=float) / dp, np.nan)
        out["tokens_per_point"] = np.where(ok, out["d_tokens"].to_numpy(dtype=float) / dp, np.nan)
    return out[list(LADDER_COLUMNS)].reset_index(drop=True)


@dataclass(frozen=True)
class StepGains:
    """Bootstrap of the step gains of :func:`effort_ladders`.

    Attributes
    ----------
    steps : DataFrame
        The ladder rows with a step (``step != ""``) and added columns ``d_lo``, ``d_hi``
        (percentile interval of ``d_points``, points) and ``usd_per_point_lo``/``_hi``
        (interval of the marginal price; NaN where the run cost is not recorded).
    median, median_ci : float, tuple of float
        Median step gain over all steps (points) and its interval.
    boot : numpy.ndarray, shape (n_boot, len(steps))
        Replicated step gains (points).
    level : float
    n_boot, seed, n_tasks : int
    """

    steps: pd.DataFrame
    median: float
    median_ci: tuple[float, float]
    boot: np.ndarray = field(repr=False)
    level: float
    n_boot: int
    seed: int
    n_tasks: int


def step_gain_bootstrap(
    ladders: pd.DataFrame,
    *,
    n_tasks: int = 225,
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> StepGains:
    """Seeded parametric bootstrap of the pass-rate gain of every step up in effort.

    Each run's pass count is redrawn as ``Binomial(n_tasks, pass_rate)`` independently (the
    leaderboard publishes one run per setting and no per-exercise results, so neither a
    bootstrap over exercises nor a paired analysis is possible; independent draws make the
    intervals conservative when two runs share exercises). Every step gain is recomputed from
    the redrawn rates, and so is the median over steps.

    Parameters
    ----------
    ladders : DataFrame
        Output of :func:`effort_ladders`.
    n_tasks : int
        Exercises per run (225 in Aider polyglot).
    n_boot, seed, level
        Replicates, ``numpy.random.default_rng`` seed and interval level.
    """
    need = ("family", "step", "pass_rate_pct", "d_cost_usd")
    if not isinstance(ladders, pd.DataFrame) or any(c not in ladders.columns for c in need):
        raise InputError("ladders must come from effort_ladders")
    from scalinglaws.core.validation import confidence_level, int_at_least

    n = int_at_least(n_tasks, "n_tasks", 1)
    n_boot = int_at_least(n_boot, "n_boot", 10)
    seed = int_at_least(seed, "seed", 0)
    level = confidence_level(level)
    lad = ladders.reset_index(drop=True)
    p = np.clip(lad["pass_rate_pct"].to_numpy(dtype=float) / 100.0, 0.0, 1.0)
    rng = np.random.default_rng(seed)
    rates = 100.0 * rng.binomial(n, p, size=(n_boot, p.size)) / n
    is_step = (lad["step"] != "").to_numpy()
    idx = np.flatnonzero(is_step)
    if idx.size == 0:
        raise InputError("the ladders hold no step")
    boot = rates[:, idx] - rates[:, idx - 1]
    q = (1.0 - level) / 2.0
    lo, hi = np.quantile(boot, [q, 1.0 - q], axis=0)
    steps = lad.loc[is_step].copy()
    steps["d_lo"], steps["d_hi"] = lo, hi
    cost = steps["d_cost_usd"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        price = np.where(boot != 0, cost[None, :] / boot, np.nan)
    plo, phi = np.full(idx.size, np.nan), np.full(idx.size, np.nan)
    for j in range(idx.size):
        col = price[:, j]
        if np.isfinite(cost[j]) and np.isfinite(col).sum() > 0:
            plo[j], phi[j] = np.quantile(col[np.isfinite(col)], [q, 1.0 - q])
    steps["usd_per_point_lo"], steps["usd_per_point_hi"] = plo, phi
    med = np.median(boot, axis=1)
    mlo, mhi = np.quantile(med, [q, 1.0 - q])
    return StepGains(
        steps=steps,
        median=float(np.median(steps["d_points"].to_numpy(dtype=float))),
        median_ci=(float(mlo), float(mhi)),
        boot=boot,
        level=level,
        n_boot=n_boot,
        seed=seed,
        n_tasks=n,
    )


def _usd(v: float) -> str:
    """Dollars to 3 significant figures with thousands separators: $1,230, $17.7, $0.00349."""
    if v == 0:
        return "$0"
    r = float(f"{abs(v):.3g}")  # 3 significant figures first: 0.9996 -> 1.00, not 1.000
    digits = 2 - int(np.floor(np.log10(r)))
    return f"${r:,.{max(0, digits)}f}"


def _price_per_point(points: float, usd_per_point: float) -> str:
    """A step's marginal price in words a reader can act on.

    A gain that cost more is a price ("$17.7"); a gain that cost less "saves $0.00349" per point; a
    step that gained nothing (or lost points) has no price per point ("no gain"). Blank where there is
    no step or no cost.
    """
    if np.isnan(points) or np.isnan(usd_per_point):
        return ""
    if points <= 0:
        return "no gain"
    if usd_per_point < 0:
        return "saves " + _usd(-usd_per_point)
    return _usd(usd_per_point)


def ladder_display(ladders: pd.DataFrame) -> pd.DataFrame:
    """The ladders of :func:`effort_ladders` as a table for readers (formatted strings).

    Columns: model, setting, pass rate % with its 95% Wilson interval, run cost, output tokens
    (millions), the step's gain in points and its marginal price in dollars per point ("saves $x"
    when the step gained points and cost less, "no gain" when it gained none; "n/a" where the
    leaderboard records no cost or tokens, blank where there is no step).
    """
    if not isinstance(ladders, pd.DataFrame) or any(
        c not in ladders.columns for c in LADDER_COLUMNS
    ):
        raise InputError("ladders must come from effort_ladders")
    lad = ladders
    out = pd.DataFrame(
        {
            "model": lad["family"].to_numpy(),
            "setting": lad["setting"].to_numpy(),
            "pass rate % [95% interval]": [
                f"{p:.1f} [{a:.1f}, {b:.1f}]"
                for p, a, b in zip(
                    lad["pass_rate_pct"], lad["pass_lo_pct"], lad["pass_hi_pct"], strict=True
                )
            ],
            "run cost": ["n/a" if np.isnan(v) else f"${v:,.2f}" for v in lad["cost_usd"]],
            "output tokens": [
                "n/a" if np.isnan(v) else f"{v / 1e6:.2f}M" for v in lad["completion_tokens"]
            ],
            "Δ points": ["" if np.isnan(v) else f"{v:+.1f}" for v in lad["d_points"]],
            "$ per point": [
                _price_per_point(d, v)
                for d, v in zip(lad["d_points"], lad["usd_per_point"], strict=True)
            ],
        }
    )
    return out

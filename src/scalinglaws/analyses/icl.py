"""Does in-context learning grow with scale? GPT-3's claim, tested on Pythia's five-shot evaluations.

Brown et al. 2020 (GPT-3, Fig. 1.2 and §1) report that "larger models make increasingly efficient use of
in-context information": the gap between few-shot and zero-shot accuracy grows with model size. The
Pythia suite (Biderman et al. 2023) evaluated eight sizes at fifteen checkpoints both zero-shot and
five-shot with the same harness, so the five-shot *gain* can be measured against model size and against
training tokens. This module builds that table from the two loaders (``pythia_fewshot`` and
``pythia_evals``), averages it over tasks with a seeded bootstrap over tasks, and fits the gain's trend.

Intervals:

* per task and checkpoint, the gain's standard error combines the harness's two standard errors as if
  independent, ``sqrt(se_5**2 + se_0**2)``. Both runs score the same items, so the true paired error is
  smaller when the two runs agree item by item: the interval is conservative;
* across tasks, the mean gain and its trend get a percentile interval from resampling tasks (the same
  resample at every size or checkpoint, so the trend's interval carries the spread between tasks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.core.errors import InputError

__all__ = [
    "GPT3_FEWSHOT",
    "UNINFORMATIVE_TASKS",
    "MMLU",
    "zero_shot_table",
    "fewshot_gains",
    "GainTrend",
    "gain_trend",
    "task_trends",
    "token_trends",
    "gpt3_gains",
    "constant_share",
]

#: The 57 MMLU subject tasks (``hendrycksTest-*``) are averaged into one task under this name.
MMLU = "mmlu"

#: Tasks whose five-shot score carries no signal in these files: five-shot WSC is 38/104 in 116 of the
#: 120 files, the model giving the same answer to every item (pythia_fewshot PROVENANCE.md).
UNINFORMATIVE_TASKS = ("wsc",)

#: GPT-3's published zero- and few-shot accuracies (%) at the sizes of its Fig. 1.2 (Brown et al. 2020).
#: ``mark`` is the confidence mark of paper_numbers.md §12: V2 in two or more copies, V1 in one.
GPT3_FEWSHOT = pd.DataFrame(
    [
        # task, size, params, zero, few, K, location, mark
        ("Random insertion", "175B", 175e9, 8.26, 67.2, 100, "Table 3.10", "V2"),
        ("LAMBADA", "1.3B", 1.3e9, 63.6, 57.0, 15, "Table H.1", "V1"),
        ("LAMBADA", "13B", 13e9, 72.5, 81.3, 15, "Table H.1", "V1"),
        ("LAMBADA", "175B", 175e9, 76.2, 86.4, 15, "Table 3.2", "V2"),
        ("TriviaQA", "1.3B", 1.3e9, 19.7, 32.1, 64, "Table H.1", "V1"),
        ("TriviaQA", "13B", 13e9, 41.8, 57.5, 64, "Table H.1", "V1"),
        ("TriviaQA", "175B", 175e9, 64.3, 71.2, 64, "Table 3.3", "V2"),
    ],
    columns=["task", "size", "params", "zero", "few", "k", "location", "mark"],
)

_KEYS = ["size", "params", "step", "tokens", "task"]
_NEED = {"size", "params", "step", "tokens", "task", "metric", "value", "stderr"}


def _frame(df: Any, name: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame) or not _NEED <= set(df.columns):
        raise InputError(f"{name} must be a DataFrame with columns {sorted(_NEED)}")
    return df


def zero_shot_table(evals: pd.DataFrame, zero_1b: pd.DataFrame) -> pd.DataFrame:
    """Zero-shot results of all eight sizes: ``pythia_evals`` (seven sizes) plus the 1B model's files.

    ``evals`` is ``data.load("pythia_evals", "evals")``, ``zero_1b`` is
    ``data.load("pythia_fewshot", "zero_shot_1b")``; the columns are the loaders' own.
    """
    evals, zero_1b = _frame(evals, "evals"), _frame(zero_1b, "zero_1b")
    if set(evals["size"]) & set(zero_1b["size"]):
        raise InputError("evals and zero_1b must hold different model sizes")
    return pd.concat([evals, zero_1b], ignore_index=True)


def _group_mmlu(df: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One row per (size, step, task) of ``metric``, the MMLU subjects averaged (their errors too)."""
    df = df[df["metric"] == metric].copy()
    df["task"] = df["task"].where(~df["task"].str.startswith("hendrycksTest-"), MMLU)
    df["var"] = df["stderr"] ** 2
    out = df.groupby(_KEYS, as_index=False).agg(
        value=("value", "mean"), var=("var", "sum"), n=("value", "size")
    )
    out["stderr"] = np.sqrt(out["var"]) / out["n"]  # error of a mean of independent subjects
    return out.drop(columns=["var", "n"])


def fewshot_gains(five: pd.DataFrame, zero: pd.DataFrame, metric: str = "acc") -> pd.DataFrame:
    """Five-shot minus zero-shot ``metric`` per size, checkpoint and task.

    Parameters
    ----------
    five : DataFrame
        ``data.load("pythia_fewshot", "five_shot")``.
    zero : DataFrame
        :func:`zero_shot_table` (zero-shot results at the same sizes and steps).
    metric : str
        An accuracy metric of the harness (``"acc"`` or ``"acc_norm"``).

    Returns
    -------
    DataFrame
        ``size, params, step, tokens, task, zero, five, gain, gain_se`` (accuracies as fractions;
        ``gain_se`` combines the two standard errors as independent), sorted by params, step, task.
        The 57 MMLU subjects are one task, :data:`MMLU`.
    """
    five, zero = _frame(five, "five"), _frame(zero, "zero")
    if metric not in {"acc", "acc_norm"}:
        raise InputError(f"metric must be 'acc' or 'acc_norm', got {metric!r}")
    a, b = _group_mmlu(five, metric), _group_mmlu(zero, metric)
    m = a.merge(b, on=_KEYS, suffixes=("_5", "_0"))
    if m.empty:
        raise InputError("five and zero share no (size, step, task) with that metric")
    out = m[_KEYS].copy()
    out["zero"], out["five"] = m["value_0"], m["value_5"]
    out["gain"] = m["value_5"] - m["value_0"]
    out["gain_se"] = np.hypot(m["stderr_5"], m["stderr_0"])
    return out.sort_values(["params", "step", "task"], ignore_index=True)


@dataclass(frozen=True)
class GainTrend:
    """The mean five-shot gain over tasks along one axis, and its least-squares slope per decade.

    Attributes
    ----------
    along : str
        ``"params"`` (sizes at one checkpoint) or ``"tokens"`` (checkpoints of one size).
    table : DataFrame
        One row per point: ``x`` (params or tokens), ``size``, ``step``, ``mean`` (mean gain over the
        tasks), ``lo``, ``hi`` (bootstrap over tasks).
    slope : float
        Change of the mean gain (accuracy, as a fraction) per decade of ``x``.
    slope_ci : tuple of float
        Its percentile interval from resampling tasks.
    share_positive : float
        Fraction of bootstrap slopes above zero.
    tasks : tuple of str
        The tasks averaged.
    level : float
    n_boot : int
    """

    along: str
    table: pd.DataFrame
    slope: float
    slope_ci: tuple[float, float]
    share_positive: float
    tasks: tuple[str, ...]
    level: float
    n_boot: int

    @property
    def rises(self) -> bool:
        """True when the whole interval of the slope is above zero."""
        return self.slope_ci[0] > 0


def _check_boot(n_boot: int, level: float) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 50:
        raise InputError(f"n_boot must be an integer of at least 50, got {n_boot!r}")
    if not 0 < level < 1:
        raise InputError(f"level must be in (0, 1), got {level!r}")


def _slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares slopes of each row of ``y`` (..., points) against ``x`` (points)."""
    xc = x - x.mean()
    return (y - y.mean(axis=-1, keepdims=True)) @ xc / (xc @ xc)


def _select(
    gains: pd.DataFrame, along: str, step: int | None, size: str | None, exclude: tuple[str, ...]
) -> pd.DataFrame:
    need = set(_KEYS) | {"gain", "gain_se"}
    if not isinstance(gains, pd.DataFrame) or not need <= set(gains.columns):
        raise InputError(f"gains must be a DataFrame with columns {sorted(need)}")
    if along == "params":
        sel = gains[gains["step"] == (gains["step"].max() if step is None else step)]
    elif along == "tokens":
        if size not in set(gains["size"]):
            raise InputError(f"size must be one of {sorted(set(gains['size']))}, got {size!r}")
        sel = gains[gains["size"] == size]
    else:
        raise InputError(f"along must be 'params' or 'tokens', got {along!r}")
    sel = sel[~sel["task"].isin(exclude)]
    if sel["task"].nunique() < 2 or sel[along].nunique() < 3:
        raise InputError("need at least two tasks and three points for a trend")
    return sel


def gain_trend(
    gains: pd.DataFrame,
    along: str = "params",
    *,
    step: int | None = None,
    size: str | None = None,
    exclude: tuple[str, ...] = UNINFORMATIVE_TASKS,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> GainTrend:
    """Mean gain over tasks against ``log10`` of model size or training tokens, bootstrapped over tasks.

    Parameters
    ----------
    gains : DataFrame
        :func:`fewshot_gains`.
    along : {"params", "tokens"}
        Across sizes at checkpoint ``step`` (default: the last), or across the checkpoints of ``size``.
    exclude : tuple of str
        Tasks left out of the mean (default :data:`UNINFORMATIVE_TASKS`).
    n_boot, seed, level
        Resamples of the tasks (``numpy.random.default_rng(seed)``) and the interval level.
    """
    _check_boot(n_boot, level)
    sel = _select(gains, along, step, size, tuple(exclude))
    wide = sel.pivot_table(index="task", columns=along, values="gain")
    if wide.isna().any().any():
        raise InputError("every task must be scored at every point of the trend")
    mat = wide.to_numpy()  # tasks x points
    x = np.log10(wide.columns.to_numpy(dtype=np.float64))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, mat.shape[0], size=(n_boot, mat.shape[0]))
    boot_means = mat[idx].mean(axis=1)  # n_boot x points
    q = [(1 - level) / 2, (1 + level) / 2]
    lo, hi = np.quantile(boot_means, q, axis=0)
    boot_slopes = _slopes(x, boot_means)
    first = sel.drop_duplicates(along).set_index(along)
    table = pd.DataFrame(
        {
            "x": wide.columns.to_numpy(dtype=np.float64),
            "size": first.loc[wide.columns, "size"].to_numpy(),
            "step": first.loc[wide.columns, "step"].to_numpy(),
            "mean": mat.mean(axis=0),
            "lo": lo,
            "hi": hi,
        }
    )
    s_lo, s_hi = np.quantile(boot_slopes, q)
    return GainTrend(
        along=along,
        table=table,
        slope=float(_slopes(x, mat.mean(axis=0))),
        slope_ci=(float(s_lo), float(s_hi)),
        share_positive=float((boot_slopes > 0).mean()),
        tasks=tuple(wide.index),
        level=level,
        n_boot=int(n_boot),
    )


def task_trends(
    gains: pd.DataFrame, *, step: int | None = None, level: float = 0.95
) -> pd.DataFrame:
    """Per task, the gain at the smallest and largest size and its slope per decade of parameters.

    The slope is least squares in ``log10 N`` at checkpoint ``step`` (default: the last); its interval
    propagates the harness's standard errors, ``var(slope) = sum(w_i**2 se_i**2)`` with
    ``w_i = (x_i - mean x) / S_xx``, and a normal quantile at ``level``.

    Returns
    -------
    DataFrame
        ``task, gain_small, gain_small_se, gain_large, gain_large_se, slope, slope_lo, slope_hi``.
    """
    from scipy.stats import norm

    if not 0 < level < 1:
        raise InputError(f"level must be in (0, 1), got {level!r}")
    sel = _select(gains, "params", step, None, ())
    z = float(norm.ppf((1 + level) / 2))
    rows = []
    for task, g in sel.groupby("task"):
        g = g.sort_values("params")
        x = np.log10(g["params"].to_numpy())
        w = (x - x.mean()) / ((x - x.mean()) @ (x - x.mean()))
        slope = float(w @ g["gain"].to_numpy())
        se = float(np.sqrt((w**2) @ (g["gain_se"].to_numpy() ** 2)))
        small, large = g.iloc[0], g.iloc[-1]
        rows.append(
            {
                "task": task,
                "gain_small": small["gain"],
                "gain_small_se": small["gain_se"],
                "gain_large": large["gain"],
                "gain_large_se": large["gain_se"],
                "slope": slope,
                "slope_lo": slope - z * se,
                "slope_hi": slope + z * se,
            }
        )
    return pd.DataFrame(rows)


def token_trends(
    gains: pd.DataFrame,
    *,
    exclude: tuple[str, ...] = UNINFORMATIVE_TASKS,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """:func:`gain_trend` along training tokens for every size: ``size, params, slope, lo, hi, rises``."""
    sizes = gains.drop_duplicates("size").sort_values("params")
    rows = []
    for size, params in zip(sizes["size"], sizes["params"], strict=True):
        t = gain_trend(
            gains, "tokens", size=size, exclude=exclude, n_boot=n_boot, seed=seed, level=level
        )
        rows.append(
            {
                "size": size,
                "params": params,
                "slope": t.slope,
                "lo": t.slope_ci[0],
                "hi": t.slope_ci[1],
                "rises": t.rises,
            }
        )
    return pd.DataFrame(rows)


def gpt3_gains() -> pd.DataFrame:
    """:data:`GPT3_FEWSHOT` with ``gain`` = few-shot minus zero-shot (percentage points)."""
    out = GPT3_FEWSHOT.copy()
    out["gain"] = out["few"] - out["zero"]
    return out


def constant_share(
    five: pd.DataFrame, task: str = "wsc", value: float = 38 / 104
) -> tuple[int, int]:
    """How many five-shot files score exactly ``value`` on ``task`` ``acc``: ``(count, files)``.

    With the default, the five-shot WSC score 38/104, the rate of the minority answer: a model giving
    the same answer to every item (pythia_fewshot PROVENANCE.md).
    """
    five = _frame(five, "five")
    sel = five[(five["task"] == task) & (five["metric"] == "acc")]
    if sel.empty:
        raise InputError(f"no {task!r} acc rows in five")
    return int(np.isclose(sel["value"], value, rtol=0, atol=1e-9).sum()), len(sel)

"""Loss is not capability: continuous versus thresholded metrics on real per-task results.

Schaeffer, Miranda & Koyejo 2023 ("Are Emergent Abilities a Mirage?", arXiv:2304.15004) argue
that apparent emergence comes from the choice of metric: a continuous metric (per-token
probability, edit distance) improves smoothly with scale, while a thresholded one (exact string
match of a multi-token answer) stays near zero and then jumps. Toy model: if each of ``k`` answer
tokens is right with probability ``p``, exact match scores ``p**k``.

Here we use Gadre et al. 2024's runs (mlfoundations/scaling): the continuous metric is the
per-token probability ``exp(-L)`` implied by the C4 validation loss ``L`` (nats/token), the
thresholded ones are the exact-match accuracies of generative tasks (e.g. Jeopardy, SQuAD).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import as_positive

__all__ = [
    "task_curves",
    "exact_match_toy",
    "share_of_gain_at_midpoint",
    "benchmark_summary",
]


def task_curves(
    runs: pd.DataFrame,
    evals: pd.DataFrame,
    tasks: tuple[str, ...],
    *,
    dataset: str = "rpj",
    loss_col: str = "loss_c4_val",
) -> pd.DataFrame:
    """Long table of metrics against compute for one training set of Gadre et al.'s runs.

    Returns columns ``run, params, multiplier, flops, loss, metric, value`` where ``metric`` is
    ``"per-token probability exp(-L)"`` (continuous) or a task name (accuracy in [0, 1]).
    """
    if not isinstance(runs, pd.DataFrame) or not isinstance(evals, pd.DataFrame):
        raise InputError("runs and evals must be the gadre_overtraining tables")
    r = runs[runs["dataset"] == dataset]
    if r.empty:
        raise InputError(f"no runs for dataset {dataset!r}")
    unknown = set(tasks) - set(evals["task"])
    if unknown:
        raise InputError(f"unknown task(s) {sorted(unknown)}")
    base = r[["run", "params", "multiplier", "flops", loss_col]].rename(columns={loss_col: "loss"})
    cont = base.assign(metric="per-token probability exp(-L)", value=np.exp(-base["loss"]))
    ev = evals[evals["task"].isin(tasks) & evals["run"].isin(r["run"])]
    thr = base.merge(ev.rename(columns={"task": "metric", "accuracy": "value"}), on="run")
    out = pd.concat([cont, thr], ignore_index=True)
    return out.sort_values(["metric", "flops", "run"], kind="stable").reset_index(drop=True)


def exact_match_toy(p: Any, k: int) -> float | np.ndarray:
    """Schaeffer et al.'s toy model: exact match of ``k`` tokens each right with probability ``p``."""
    arr = np.asarray(p, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise InputError("p must be probabilities in [0, 1]")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InputError(f"k must be an integer >= 1, got {k!r}")
    out = arr**k
    return float(out) if out.ndim == 0 else out


def share_of_gain_at_midpoint(C: Any, value: Any) -> float:
    """Share of a metric's total gain reached halfway (in log compute) between smallest and largest.

    ``value`` is linearly interpolated in ``log10(flops)`` through the points sorted by compute
    (use one run per compute, e.g. the M = 20 runs); the gain is ``value(largest) - value(
    smallest)``. A metric that improves steadily gives about 0.5; an "emergent" one near 0.
    """
    x = np.log10(np.atleast_1d(as_positive(C, "flops")))
    y = np.atleast_1d(np.asarray(value, dtype=np.float64))
    if x.shape != y.shape or x.size < 3 or not np.all(np.isfinite(y)):
        raise InputError("flops and value must be equal-length finite arrays (>= 3 points)")
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    gain = y[-1] - y[0]
    if gain == 0:
        raise InputError("the metric does not change between the smallest and largest run")
    mid = float(np.interp((x[0] + x[-1]) / 2.0, x, y))
    return (mid - y[0]) / gain


def benchmark_summary(
    base: pd.DataFrame, benchmarks: dict[str, float], *, ceiling: float = 0.8
) -> pd.DataFrame:
    """Chance level and saturation of benchmarks in the Observational Scaling base-model table.

    Parameters
    ----------
    base : DataFrame
        ``load("obsscaling_ruan", "base")`` (accuracy columns are fractions).
    benchmarks : dict
        Column name -> chance accuracy (e.g. ``{"MMLU": 0.25, "HellaSwag": 0.25}``).
    ceiling : float
        Accuracy above which a benchmark counts as saturated for a model.

    Returns
    -------
    DataFrame
        One row per benchmark: ``benchmark, chance, n_models, best, best_model, share_near_chance``
        (within 5 points of chance), ``share_above_ceiling``.
    """
    rows = []
    for col, chance in benchmarks.items():
        if col not in base.columns:
            raise InputError(f"benchmark {col!r} not in the table")
        d = base[["model", col]].dropna()
        v = d[col].to_numpy(dtype=np.float64)
        i = int(np.argmax(v))
        rows.append(
            {
                "benchmark": col,
                "chance": float(chance),
                "n_models": int(v.size),
                "best": float(v[i]),
                "best_model": str(d["model"].iloc[i]),
                "share_near_chance": float(np.mean(v < chance + 0.05)),
                "share_above_ceiling": float(np.mean(v >= ceiling)),
            }
        )
    return pd.DataFrame(rows)

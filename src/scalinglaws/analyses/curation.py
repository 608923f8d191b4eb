"""Better data instead of more data: DCLM's curated training sets and Goyal et al.'s pool laws.

Two results, one per source.

* **DataComp-LM** (Li et al. 2024, arXiv:2406.11794): the same training recipe on differently
  filtered web data at 412M, 1.4B and 6.9B parameters. Its CORE score is the mean over 22 tasks of
  the *centered* accuracy ``(acc - b) / (1 - b)``, ``b`` the task's random-guess accuracy (§3.5;
  ``eval/aggregated_metrics.py``). Here CORE is recomputed from the per-task results
  (:func:`centered_scores`, :func:`wide_runs`), and the tasks are the unit of resampling: every
  interval below is a seeded bootstrap over the 22 CORE tasks (the same resample for every run, so
  differences between training sets are paired).
* **Goyal et al. 2024** (arXiv:2404.07177, CVPR 2024): *CLIP* models on DataComp, **not a language
  model**. A pool's ImageNet-1k zero-shot error falls with samples seen ``n`` as
  ``d + (a n / 1e5)**b`` during the first pass; on the ``k``-th pass the exponent decays to
  ``b * 0.5**((k - 1) / tau)``, so ``tau`` is the half-life (in repetitions) of the data's utility.
  A pool of ``k`` buckets averages the buckets' decayed exponents and stretches each ``tau`` by
  ``k`` (the authors' ``objective.py`` and ``estimate_best_pool.py``, reimplemented here from their
  description; :func:`pool_error`).

Units: C = 6 N D in FLOP (N total parameters, D training tokens); CORE as a fraction (the book
prints it x 100 like the paper); samples seen for CLIP in image-text pairs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from scalinglaws.core import validation
from scalinglaws.core.errors import InputError
from scalinglaws.fitting.bootstrap import resample_indices

__all__ = [
    "BETTER",
    "WORSE",
    "CORE_VERSION",
    "MAX_EXTRAPOLATION",
    "FIT_SCALES",
    "TASK_PREFIX",
    "PAPER_PEARSON",
    "centered_scores",
    "wide_runs",
    "dataset_core",
    "compare_datasets",
    "rank_transfer",
    "core_lines",
    "filtering_compute_multiplier",
    "pool_error",
    "nested_pools",
    "pool_curves",
    "best_pools",
    "pool_crossovers",
]

#: Default pair of :func:`filtering_compute_multiplier`: DCLM's filtered set against RefinedWeb,
#: the best of the existing web sets in the paper's Table 2.
BETTER = "DCLM-Baseline"
WORSE = "RefinedWeb"
#: Random baselines of the paper (v1, before the repository's September 2025 fix): the paper's
#: printed CORE values are v1 values (dclm_curation PROVENANCE.md).
CORE_VERSION = "v1"
#: The CORE lines span 2.0e19 to 5.7e21 FLOP (2.4 decades). A reading more than one decade (10x)
#: beyond the largest measured compute rests on the straight line alone, so it is not identified.
MAX_EXTRAPOLATION = 10.0
#: The scales of the straight-line fits: the Chinchilla-optimal (1x) runs of the standard recipe.
FIT_SCALES = ("400M-1x", "1B-1x", "7B-1x")
#: DCLM §3.2 (Fig. 3): Pearson correlation of the ten curation methods' CORE at a small scale with
#: their CORE at 7B-1x (paper_numbers.md §15.1, [V2]). The paper's ten methods are not the training
#: sets stored here, so these are a comparison, not a reproduction.
PAPER_PEARSON = {"400M-1x": 0.838, "1B-1x": 0.956, "3B-1x": 0.982}
#: Prefix of the centered per-task columns of :func:`wide_runs`.
TASK_PREFIX = "centered:"

_RUN_COLS = ("run", "dataset", "scale", "flops", "standard", "lr")


def _check_version(version: str) -> str:
    if version not in ("v1", "v2"):
        raise InputError(f"version must be 'v1' or 'v2', got {version!r}")
    return version


def centered_scores(
    task_scores: pd.DataFrame, tasks: pd.DataFrame, *, version: str = CORE_VERSION
) -> pd.DataFrame:
    """Centered accuracy ``(acc - b) / (1 - b)`` of every run on the 22 CORE tasks.

    Parameters
    ----------
    task_scores, tasks : pandas.DataFrame
        The ``task_scores`` and ``tasks`` tables of ``dclm_curation``.
    version : {"v1", "v2"}
        Which random baselines: v1 (the paper's) or v2 (the repository's current ones).

    Returns
    -------
    pandas.DataFrame
        Runs x CORE tasks (in the meta file's order), fractions; CORE is the row mean.
    """
    _check_version(version)
    if not {"run", "task", "accuracy"} <= set(task_scores.columns) or "core" not in tasks:
        raise InputError("task_scores and tasks must be the dclm_curation tables")
    core = tasks[tasks["core"]]
    base = core.set_index("task")[f"baseline_{version}"]
    acc = task_scores.pivot(index="run", columns="task", values="accuracy")
    missing = [t for t in base.index if t not in acc.columns]
    if missing:
        raise InputError(f"task_scores lack CORE tasks: {', '.join(missing)}")
    acc = acc[list(base.index)]
    if acc.isna().any().any():
        raise InputError("a run lacks a CORE task score")
    return (acc - base) / (1.0 - base)


def wide_runs(
    runs: pd.DataFrame,
    task_scores: pd.DataFrame,
    tasks: pd.DataFrame,
    *,
    version: str = CORE_VERSION,
) -> pd.DataFrame:
    """The ``runs`` table with CORE recomputed (``core``) and one centered column per CORE task.

    The task columns are named ``TASK_PREFIX + task``; every bootstrap in this module resamples
    them. ``core`` is their mean (fraction).
    """
    cen = centered_scores(task_scores, tasks, version=version)
    cen.columns = [TASK_PREFIX + c for c in cen.columns]
    out = runs.merge(cen, left_on="run", right_index=True, how="left", validate="one_to_one")
    tcols = list(cen.columns)
    out.insert(len(runs.columns), "core", out[tcols].mean(axis=1))
    return out


def _task_cols(wide: pd.DataFrame) -> list[str]:
    cols = [c for c in wide.columns if c.startswith(TASK_PREFIX)]
    if not cols or not set(_RUN_COLS) <= set(wide.columns):
        raise InputError("runs must come from curation.wide_runs() (centered task columns)")
    return cols


def _select(wide: pd.DataFrame, scale: str, lr: float | None) -> pd.DataFrame:
    sub = wide[wide["scale"] == scale]
    sub = sub[sub["standard"]] if lr is None else sub[np.isclose(sub["lr"], lr)]
    return sub


def dataset_core(wide: pd.DataFrame, scale: str, *, lr: float | None = None) -> pd.DataFrame:
    """Mean centered score per training set at one scale (duplicate runs averaged).

    ``lr=None`` keeps the standard recipe's runs, otherwise the runs with that peak learning rate.
    Returns training sets x CORE tasks; the row mean is the set's CORE.
    """
    cols = _task_cols(wide)
    sub = _select(wide, scale, lr)
    if sub.empty:
        raise InputError(f"no runs at scale {scale!r} with lr {lr!r}")
    return sub.groupby("dataset")[cols].mean()


def _interval(samples: np.ndarray, level: float) -> tuple[float, float]:
    q = (1.0 - level) / 2.0
    lo, hi = np.quantile(samples, [q, 1.0 - q], axis=0)
    return lo, hi


def compare_datasets(
    wide: pd.DataFrame,
    *,
    scale: str = "7B-1x",
    lr: float | None = 2e-3,
    reference: str = BETTER,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """CORE of every training set at one scale and its difference from ``reference``.

    The interval of each difference is a paired percentile bootstrap over the CORE tasks.
    Default: 7B-1x with the repository's current recipe (peak lr 2e-3), the only 7B recipe that
    all six of C4, Dolma, RedPajama, RefinedWeb, FineWeb-Edu and DCLM-Baseline were trained with.

    Returns
    -------
    pandas.DataFrame
        ``dataset, core, diff, diff_lo, diff_hi, separated`` (fractions; ``diff = reference -
        dataset``; ``separated`` when the interval excludes 0), best set first.
    """
    validation.resamples(n_boot)
    validation.seed(seed)
    by = dataset_core(wide, scale, lr=lr)
    if reference not in by.index:
        raise InputError(f"{reference!r} has no run at {scale} (lr {lr}); have {list(by.index)}")
    m = by.to_numpy()
    gap = m[by.index.get_loc(reference)] - m  # sets x tasks
    idx = resample_indices(m.shape[1], n_boot, seed)
    boot = gap[:, idx].mean(axis=2).T  # n_boot x sets
    lo, hi = _interval(boot, level)
    out = pd.DataFrame(
        {
            "dataset": by.index,
            "core": m.mean(axis=1),
            "diff": gap.mean(axis=1),
            "diff_lo": lo,
            "diff_hi": hi,
        }
    )
    out["separated"] = (out["diff_lo"] > 0) | (out["diff_hi"] < 0)
    out.loc[out["dataset"] == reference, "separated"] = False
    return out.sort_values("core", ascending=False, kind="stable").reset_index(drop=True)


def rank_transfer(
    wide: pd.DataFrame,
    *,
    small: str = "400M-1x",
    large: str = "7B-1x",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """Do training-set rankings at a small scale predict those at a large one?

    Spearman's rank correlation (and Pearson's, as in DCLM's §3.2) between the CORE of the training
    sets trained with the standard recipe at both scales, with percentile intervals from a
    bootstrap over the CORE tasks (the same resampled tasks at both scales).

    Returns
    -------
    dict
        ``n`` sets, ``datasets``, ``spearman``, ``spearman_lo``, ``spearman_hi``, ``pearson``,
        ``pearson_lo``, ``pearson_hi``, ``level``, ``n_boot``, ``table`` (set, small, large CORE).
    """
    validation.resamples(n_boot)
    validation.seed(seed)
    a, b = dataset_core(wide, small), dataset_core(wide, large)
    common = sorted(set(a.index) & set(b.index))
    if len(common) < 4:
        raise InputError(f"need 4 training sets at both {small} and {large}, have {len(common)}")
    ma, mb = a.loc[common].to_numpy(), b.loc[common].to_numpy()
    idx = resample_indices(ma.shape[1], n_boot, seed)
    sa, sb = ma[:, idx].mean(axis=2), mb[:, idx].mean(axis=2)  # sets x n_boot
    rho = np.array([stats.spearmanr(sa[:, i], sb[:, i])[0] for i in range(n_boot)])
    r = np.array([np.corrcoef(sa[:, i], sb[:, i])[0, 1] for i in range(n_boot)])
    xa, xb = ma.mean(axis=1), mb.mean(axis=1)
    rho_lo, rho_hi = _interval(rho, level)
    r_lo, r_hi = _interval(r, level)
    return {
        "n": len(common),
        "datasets": common,
        "small": small,
        "large": large,
        "spearman": float(stats.spearmanr(xa, xb)[0]),
        "spearman_lo": float(rho_lo),
        "spearman_hi": float(rho_hi),
        "pearson": float(np.corrcoef(xa, xb)[0, 1]),
        "pearson_lo": float(r_lo),
        "pearson_hi": float(r_hi),
        "level": level,
        "n_boot": n_boot,
        "table": pd.DataFrame({"dataset": common, "small": xa, "large": xb}),
    }


def core_lines(wide: pd.DataFrame, datasets: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """CORE of each training set at the :data:`FIT_SCALES` and its straight line in log10 C.

    Returns one row per (set, scale): ``dataset, scale, flops, core, fitted, slope, intercept``
    (``slope`` in CORE per decade of compute).
    """
    _task_cols(wide)
    rows = []
    for ds in datasets:
        sub = wide[(wide["dataset"] == ds) & wide["standard"] & wide["scale"].isin(FIT_SCALES)]
        pts = sub.groupby("scale").agg(flops=("flops", "first"), core=("core", "mean"))
        if len(pts) < 2:
            raise InputError(f"{ds!r} has fewer than two of the scales {FIT_SCALES}")
        slope, icpt = np.polyfit(np.log10(pts["flops"]), pts["core"], 1)
        for scale, p in pts.iterrows():
            rows.append(
                {
                    "dataset": ds,
                    "scale": scale,
                    "flops": p["flops"],
                    "core": p["core"],
                    "fitted": icpt + slope * math.log10(p["flops"]),
                    "slope": slope,
                    "intercept": icpt,
                }
            )
    return pd.DataFrame(rows).sort_values(["dataset", "flops"], kind="stable", ignore_index=True)


def _multiplier(xb, yb, xw, yw, x_max) -> float:
    """10**(x_needed - x_max): compute factor for the worse line to reach the better line at x_max."""
    qb, pb = np.polyfit(xb, yb, 1)
    qw, pw = np.polyfit(xw, yw, 1)
    if qw <= 1e-9:  # flat (CORE slopes are about 0.09 per decade): never reaches the target
        return math.inf
    return float(10.0 ** ((pb + qb * x_max - pw - qw * x_max) / qw))


def filtering_compute_multiplier(
    runs: pd.DataFrame,
    better: str = BETTER,
    worse: str = WORSE,
    *,
    n_boot: int = 200,
    seed: int = 0,
) -> dict:
    """Factor of training compute (6ND) that ``worse`` data needs to match ``better`` data's CORE.

    Each training set's CORE is fitted by a straight line in log10 C over the standard-recipe
    Chinchilla-optimal scales (:data:`FIT_SCALES`: 412M, 1.4B and 6.9B parameters at 20 tokens per
    parameter). At the largest common compute C_max the better line reaches some CORE; the worse
    line reaches it at C_needed, and the multiplier is C_needed / C_max (> 1 when better data is
    worth more compute). The interval is a percentile bootstrap over the 22 CORE tasks (95%).

    Parameters
    ----------
    runs : pandas.DataFrame
        :func:`wide_runs` output (the runs with their centered task columns). The plain
        ``dclm_curation`` ``runs`` table is accepted too: the per-task results are then loaded from
        the registry and CORE is recomputed with :data:`CORE_VERSION` baselines.
    better, worse : str
        Short training-set labels (``dataset`` column), e.g. "DCLM-Baseline", "RefinedWeb", "C4".
    n_boot, seed : int
        Bootstrap resamples over tasks and their seed.

    Returns
    -------
    dict
        ``value, lo, hi, level, identified, note``. ``identified`` is False (the value may be inf
        or nan) when the interval of the CORE gap at C_max includes 0 (the lines do not separate),
        when the worse line does not rise, or when the upper end of the interval needs more than
        :data:`MAX_EXTRAPOLATION` times C_max (the straight line would be read far outside the
        measured range).
    """
    validation.resamples(n_boot)
    validation.seed(seed)
    if not any(c.startswith(TASK_PREFIX) for c in runs.columns):
        from scalinglaws import data  # the plain runs table: add the per-task results

        runs = wide_runs(
            runs, data.load("dclm_curation", "task_scores"), data.load("dclm_curation", "tasks")
        )
    cols = _task_cols(runs)
    pts = {}
    for ds in (better, worse):
        sub = runs[(runs["dataset"] == ds) & runs["standard"] & runs["scale"].isin(FIT_SCALES)]
        if sub["scale"].nunique() < 2:
            raise InputError(f"{ds!r} needs runs at two or more of {FIT_SCALES}")
        g = sub.groupby("scale")
        pts[ds] = (np.log10(g["flops"].first().to_numpy()), g[cols].mean().to_numpy())
    (xb, mb), (xw, mw) = pts[better], pts[worse]
    x_max = float(min(xb.max(), xw.max()))
    value = _multiplier(xb, mb.mean(axis=1), xw, mw.mean(axis=1), x_max)
    idx = resample_indices(len(cols), n_boot, seed)
    boot = np.array(
        [_multiplier(xb, mb[:, i].mean(axis=1), xw, mw[:, i].mean(axis=1), x_max) for i in idx]
    )
    big = 1e6  # decades standing in for an unbounded factor, so that quantiles stay defined
    gap = np.clip(np.log10(np.where(boot > 0, boot, 10.0**-big)), -big, big)
    lo, hi = (math.inf if v >= big else float(10.0**v) for v in np.quantile(gap, [0.025, 0.975]))
    separated = lo > 1.0 or hi < 1.0
    inside = hi <= MAX_EXTRAPOLATION and lo >= 1.0 / MAX_EXTRAPOLATION
    identified = bool(separated and inside and np.isfinite(value))
    c_max = 10.0**x_max
    if identified:
        note = (
            f"{worse} needs {value:.2g}x the compute ({lo:.2g}x to {hi:.2g}x) to reach the CORE "
            f"of {better} at {c_max:.2g} FLOP"
        )
    elif not separated:
        note = f"the CORE lines of {better} and {worse} do not separate at {c_max:.2g} FLOP"
    else:
        note = (
            f"the reading leaves the measured range by more than {MAX_EXTRAPOLATION:g}x "
            f"(interval {lo:.2g}x to {hi:.2g}x)"
        )
    return {
        "value": value,
        "lo": lo,
        "hi": hi,
        "level": 0.95,
        "identified": identified,
        "note": note,
        "better": better,
        "worse": worse,
        "flops": c_max,
        "n_boot": n_boot,
    }


# ------------------------------------------------------------------------------------------------
# Goyal et al. 2024: quality pools of CLIP data under repetition

_NORMALIZER = 1e5  # samples enter the law as a * n / 1e5 (objective.py)


def pool_error(
    samples: float, b: Any, tau: Any, a: float, d: float, samples_per_pass: float
) -> float:
    """Predicted error after ``samples`` seen from a pool of one or more buckets (Goyal et al.).

    Parameters
    ----------
    samples : float
        Samples seen (image-text pairs).
    b, tau : float or array
        Utility exponents (negative) and half-lives (repetitions) of the pool's buckets; for a pool
        of k buckets pass the half-lives already multiplied by k (:func:`nested_pools`).
    a, d : float
        Shared scale on samples and irreducible error of the fit.
    samples_per_pass : float
        Samples in one pass over the whole pool.

    Returns
    -------
    float
        ``[d + (a m_0 / 1e5)**b_0] * prod_{e>=1} (m_e / (S e))**b_e`` with ``m_e = min(S (e+1), n)``
        and ``b_e`` the mean over buckets of ``b_i 0.5**(e / tau_i)``: the first pass is a power
        law plus the floor; each repetition multiplies the error by a power of the growth in
        samples with a decayed exponent (the floor is scaled too, as in the authors' code).
    """
    n = validation.finite_real(samples, "samples", positive=True)
    s = validation.finite_real(samples_per_pass, "samples_per_pass", positive=True)
    b_arr = np.atleast_1d(np.asarray(b, dtype=float))
    t_arr = np.atleast_1d(np.asarray(tau, dtype=float))
    if b_arr.shape != t_arr.shape or np.any(t_arr <= 0):
        raise InputError("b and tau must have the same length and tau must be positive")
    k = int(n // s)
    epochs = np.arange(k + 1)
    b_e = (b_arr[:, None] * 0.5 ** (epochs[None, :] / t_arr[:, None])).mean(axis=0)
    m = np.minimum(s * (epochs + 1), n)
    err = d + (a * m[0] / _NORMALIZER) ** b_e[0]
    if k >= 1:
        err *= float(np.prod((m[1:] / (s * epochs[1:])) ** b_e[1:]))
    return float(err)


def nested_pools(pools: pd.DataFrame, *, fit: str = "utility") -> pd.DataFrame:
    """The nested pools top 10%, 20%, 30%, 40%: the first k quality buckets (by b, most negative
    first), as ``estimate_best_pool.py`` builds them (the random-mix bucket is left out).

    Returns one row per pool: ``pool`` ("Top 10%" ...), ``k``, ``b`` and ``tau`` (arrays; tau
    already multiplied by k), ``a``, ``d``, ``samples_per_pass`` (k x bucket size).
    """
    need = {"fit", "bucket", "b", "tau", "a", "d", "samples_per_bucket"}
    if not need <= set(pools.columns):
        raise InputError("pools must be the goyal_data_filtering 'pools' table")
    sub = pools[(pools["fit"] == fit) & ~pools["bucket"].str.contains("random")]
    if sub.empty or sub["d"].isna().any():
        raise InputError(f"fit {fit!r} has no buckets with a stored floor d")
    sub = sub.sort_values("b", kind="stable")
    rows = []
    for k in range(1, len(sub) + 1):
        top = sub.iloc[:k]
        rows.append(
            {
                "pool": f"Top {10 * k}%",
                "k": k,
                "b": top["b"].to_numpy(),
                "tau": top["tau"].to_numpy() * k,
                "a": float(top["a"].iloc[0]),
                "d": float(top["d"].iloc[0]),
                "samples_per_pass": float(top["samples_per_bucket"].sum()),
            }
        )
    return pd.DataFrame(rows)


def pool_curves(pools: pd.DataFrame, samples: Any, *, fit: str = "utility") -> pd.DataFrame:
    """Predicted ImageNet zero-shot error and accuracy of every nested pool at each budget.

    Returns ``samples, pool, k, error, accuracy, best`` (``best``: lowest error at that budget).
    """
    n = validation.positive_array(samples, "samples")
    nest = nested_pools(pools, fit=fit)
    rows = [
        {
            "samples": float(x),
            "pool": p["pool"],
            "k": int(p["k"]),
            "error": pool_error(x, p["b"], p["tau"], p["a"], p["d"], p["samples_per_pass"]),
        }
        for x in n
        for _, p in nest.iterrows()
    ]
    df = pd.DataFrame(rows)
    df["accuracy"] = 1.0 - df["error"]
    df["best"] = df["error"] == df.groupby("samples")["error"].transform("min")
    return df


def best_pools(curves: pd.DataFrame) -> pd.DataFrame:
    """The best pool at each budget of :func:`pool_curves`: ``samples, pool, k, accuracy``."""
    best = curves[curves["best"]].drop_duplicates("samples")
    return best[["samples", "pool", "k", "accuracy"]].reset_index(drop=True)


def pool_crossovers(
    pools: pd.DataFrame, lo: float, hi: float, *, fit: str = "utility", n_grid: int = 400
) -> pd.DataFrame:
    """Budgets where the best pool changes, between ``lo`` and ``hi`` samples.

    A log-spaced scan finds each change; the budget is then solved (Brent) where the two pools'
    errors are equal (the predicted error is continuous in the samples seen).

    Returns ``samples`` (rounded to 4 significant digits), ``from_pool, to_pool`` (empty when one
    pool is best throughout).
    """
    lo = validation.finite_real(lo, "lo", positive=True)
    hi = validation.finite_real(hi, "hi", positive=True)
    if hi <= lo:
        raise InputError(f"hi must exceed lo, got {lo:g} and {hi:g}")
    nest = nested_pools(pools, fit=fit).set_index("pool")
    grid = np.geomspace(lo, hi, n_grid)
    best = best_pools(pool_curves(pools, grid, fit=fit))
    rows = []
    for i in range(1, len(best)):
        p0, p1 = best["pool"].iloc[i - 1], best["pool"].iloc[i]
        if p0 == p1:
            continue

        def diff(x, p0=p0, p1=p1):
            e0 = pool_error(x, *nest.loc[p0, ["b", "tau", "a", "d", "samples_per_pass"]])
            return e0 - pool_error(x, *nest.loc[p1, ["b", "tau", "a", "d", "samples_per_pass"]])

        x = optimize.brentq(diff, best["samples"].iloc[i - 1], best["samples"].iloc[i], xtol=1.0)
        # 4 significant digits: far coarser than the solver's 1-sample tolerance, so the stored value
        # does not depend on where Brent's method stops
        rows.append({"samples": float(f"{x:.4g}"), "from_pool": p0, "to_pool": p1})
    return pd.DataFrame(rows, columns=["samples", "from_pool", "to_pool"])

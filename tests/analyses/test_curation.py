"""Tests of scalinglaws.analyses.curation: DCLM's CORE and Goyal et al.'s pool law.

Facts checked: CORE recomputed from per-task results equals the stored Core_v1 / Core_v2 to 1e-6
(dclm_curation PROVENANCE: the largest difference over the 74 files is 1.1e-16); the compute
multiplier on constructed lines whose answer is known exactly; Goyal et al.'s law in closed form
within the first pass, at a pass boundary, and against what the authors' estimate_best_pool.py
prints (goyal_data_filtering PROVENANCE, "Check computed here": their unchanged code, 2 decimals).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scalinglaws import data
from scalinglaws.analyses import curation as cu
from scalinglaws.core.errors import InputError


@pytest.fixture(scope="module")
def tables():
    return (
        data.load("dclm_curation", "runs"),
        data.load("dclm_curation", "task_scores"),
        data.load("dclm_curation", "tasks"),
    )


@pytest.fixture(scope="module")
def wide(tables):
    return cu.wide_runs(*tables)


@pytest.fixture(scope="module")
def pools():
    return data.load("goyal_data_filtering", "pools")


# ------------------------------------------------------------------------------------- DCLM


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_core_recomputed_matches_stored(tables, version):
    w = cu.wide_runs(*tables, version=version)
    assert len(w) == 74
    assert np.max(np.abs(w["core"] - w[f"core_{version}"])) < 1e-6
    assert sum(c.startswith(cu.TASK_PREFIX) for c in w.columns) == 22


def test_core_by_hand_for_one_run(tables):
    # centered = (acc - b) / (1 - b) with b = Random baseline / 100 (PROVENANCE formula)
    runs, scores, tasks = tables
    run = runs.loc[runs["dataset"] == "C4", "run"].iloc[0]
    s = scores[scores["run"] == run].set_index("task")["accuracy"]
    core = tasks[tasks["core"]].set_index("task")["baseline_v1"]
    by_hand = np.mean([(s[t] - b) / (1 - b) for t, b in core.items()])
    cen = cu.centered_scores(scores, tasks)
    assert cen.loc[run].mean() == pytest.approx(by_hand, abs=1e-12)


def test_centered_scores_checks_input(tables):
    _, scores, tasks = tables
    with pytest.raises(InputError):
        cu.centered_scores(scores, tasks, version="v3")
    with pytest.raises(InputError, match="lack CORE tasks"):
        cu.centered_scores(scores[scores["task"] != "squad"], tasks)


def test_compare_datasets_at_7b(wide):
    cmp = cu.compare_datasets(wide, n_boot=200, seed=1)
    # the six sets of the lr 2e-3 7B-1x recipe (PROVENANCE table)
    assert set(cmp["dataset"]) == {
        "C4",
        "Dolma v1",
        "RedPajama",
        "RefinedWeb",
        "FineWeb-Edu",
        "DCLM-Baseline",
    }
    ref = cmp.set_index("dataset").loc["DCLM-Baseline"]
    assert ref["diff"] == 0 and ref["diff_lo"] == 0 and ref["diff_hi"] == 0
    rw = cmp.set_index("dataset").loc["RefinedWeb"]
    # PROVENANCE: CORE v1 x 100 of 44.8 (DCLM-Baseline) and 39.7 (RefinedWeb) with this recipe
    assert rw["diff"] == pytest.approx(0.448 - 0.397, abs=1e-3)
    assert rw["diff_lo"] < rw["diff"] < rw["diff_hi"]
    with pytest.raises(InputError):
        cu.compare_datasets(wide, reference="nothing", n_boot=20)


def test_rank_transfer_sets_and_bounds(wide):
    r = cu.rank_transfer(wide, small="1B-1x", n_boot=100, seed=0)
    assert r["n"] == 14  # every standard-recipe set with a 7B-1x run also has a 1B-1x run
    assert -1 <= r["spearman_lo"] <= r["spearman_hi"] <= 1
    assert r["spearman_lo"] <= r["spearman"] + 0.1
    r4 = cu.rank_transfer(wide, small="400M-1x", n_boot=50, seed=0)
    assert r4["n"] == 11 and "fastText ref. Wikipedia" not in r4["datasets"]


def _synthetic(shift_decades: float, slope: float = 0.09, n_tasks: int = 22) -> pd.DataFrame:
    """Two sets whose CORE lines are parallel and ``shift_decades`` apart in log10 C, every task alike."""
    rows = []
    flops = {"400M-1x": 2e19, "1B-1x": 2.5e20, "7B-1x": 5.7e21}
    for ds, shift in (("good", 0.0), ("bad", shift_decades)):
        for scale, c in flops.items():
            core = slope * (math.log10(c) - shift) - 1.5
            row = {
                "run": f"{ds}-{scale}",
                "dataset": ds,
                "scale": scale,
                "flops": c,
                "standard": True,
                "lr": 3e-3,
            }
            rows.append(row | {f"{cu.TASK_PREFIX}t{i}": core for i in range(n_tasks)})
    return pd.DataFrame(rows)


def test_multiplier_of_parallel_lines_is_their_shift():
    # bad reaches good's CORE at 10**0.5 times the compute, on every bootstrap resample
    res = cu.filtering_compute_multiplier(_synthetic(0.5), "good", "bad", n_boot=20, seed=0)
    assert res["value"] == pytest.approx(10**0.5, rel=1e-9)
    assert res["lo"] == pytest.approx(10**0.5, rel=1e-9)
    assert res["hi"] == pytest.approx(10**0.5, rel=1e-9)
    assert res["identified"] and set(res) >= {"value", "lo", "hi", "level", "identified", "note"}
    assert res["flops"] == pytest.approx(5.7e21)


def test_multiplier_not_identified_when_lines_coincide_or_extrapolate_far():
    same = cu.filtering_compute_multiplier(_synthetic(0.0), "good", "bad", n_boot=20, seed=0)
    assert same["value"] == pytest.approx(1.0) and not same["identified"]
    assert "do not separate" in same["note"]
    far = cu.filtering_compute_multiplier(_synthetic(2.0), "good", "bad", n_boot=20, seed=0)
    assert far["value"] == pytest.approx(100.0) and not far["identified"]
    assert "measured range" in far["note"]
    flat = cu.filtering_compute_multiplier(_synthetic(0.5, slope=0.0), "good", "bad", n_boot=20)
    assert math.isinf(flat["value"]) and not flat["identified"]


def test_multiplier_defaults_on_the_data(wide, tables):
    res = cu.filtering_compute_multiplier(wide, n_boot=200, seed=0)
    assert (res["better"], res["worse"]) == (cu.BETTER, cu.WORSE) == ("DCLM-Baseline", "RefinedWeb")
    # measured gap at 7B-1x (v1): 41.0 vs 36.9 CORE points, slopes about 9 points per decade of
    # compute, so about 10**(4 / 9) = 2.8x; the fitted lines give 3.3x
    assert 2.0 < res["value"] < 5.0 and res["lo"] > 1.0 and res["identified"]
    # the plain runs table is accepted and gives the same point estimate
    plain = cu.filtering_compute_multiplier(tables[0], n_boot=50, seed=0)
    assert plain["value"] == pytest.approx(res["value"], rel=1e-12)
    with pytest.raises(InputError):
        cu.filtering_compute_multiplier(wide, worse="no such set", n_boot=20)


def test_core_lines(wide):
    lines = cu.core_lines(wide, ["DCLM-Baseline", "RefinedWeb"])
    assert len(lines) == 6 and list(lines["scale"].unique()) == list(cu.FIT_SCALES)
    # residuals of a least-squares line sum to zero
    for _, g in lines.groupby("dataset"):
        assert (g["core"] - g["fitted"]).sum() == pytest.approx(0.0, abs=1e-12)


# ------------------------------------------------------------------------------------- Goyal


def test_pool_error_first_pass_is_a_power_law_plus_floor():
    n, b, a, d = 5e6, -0.16, 0.025, 0.1
    assert cu.pool_error(n, b, 6.7, a, d, 12.8e6) == pytest.approx(d + (a * n / 1e5) ** b)


def test_pool_error_second_pass_and_continuity():
    s, b, tau, a, d = 12.8e6, -0.16, 6.7, 0.025, 0.1
    first = d + (a * s / 1e5) ** b
    # two full passes: the second multiplies by 2 ** (b * 0.5 ** (1 / tau))
    assert cu.pool_error(2 * s, b, tau, a, d, s) == pytest.approx(
        first * 2 ** (b * 0.5 ** (1 / tau))
    )
    assert cu.pool_error(s, b, tau, a, d, s) == pytest.approx(first)
    assert cu.pool_error(s * (1 + 1e-9), b, tau, a, d, s) == pytest.approx(first, rel=1e-8)


def test_single_bucket_floor(pools):
    # PROVENANCE: top 0-10% (utility fit) error 0.713 after 10 repetitions, 0.688 after 50
    top = pools[(pools["fit"] == "utility") & (pools["bucket"] == "tmars_top0to10p")].iloc[0]
    err = [
        cu.pool_error(k * 12.8e6, top["b"], top["tau"], top["a"], top["d"], 12.8e6)
        for k in (10, 50)
    ]
    assert err == pytest.approx([0.713, 0.688], abs=5e-4)


def test_nested_pools_match_the_authors_script(pools):
    # estimate_best_pool.py --key tmars_imagenet1k_utility, accuracy (%) for top10/20/30/40
    printed = {
        32e6: [18.25, 15.84, 13.42, 11.68],
        64e6: [24.62, 23.30, 20.40, 17.99],
        128e6: [28.73, 29.60, 26.77, 24.13],
        640e6: [31.18, 38.55, 37.57, 35.14],
        2.56e9: [31.19, 40.05, 41.17, 39.84],
    }
    curves = cu.pool_curves(pools, list(printed))
    got = curves.pivot(index="samples", columns="pool", values="accuracy") * 100
    for n, accs in printed.items():
        assert got.loc[n, ["Top 10%", "Top 20%", "Top 30%", "Top 40%"]].tolist() == pytest.approx(
            accs, abs=0.006
        )
    best = cu.best_pools(curves)
    assert best["pool"].tolist() == ["Top 10%", "Top 10%", "Top 20%", "Top 20%", "Top 30%"]


def test_crossovers_match_the_scan(pools):
    # PROVENANCE 1M-sample scan: top10 best up to 100M, top20 from 101M to 1.096B, top30 from
    # 1.097B; top40 never best up to 20B
    sw = cu.pool_crossovers(pools, 2e7, 2e10)
    assert sw[["from_pool", "to_pool"]].values.tolist() == [
        ["Top 10%", "Top 20%"],
        ["Top 20%", "Top 30%"],
    ]
    assert 100e6 <= sw["samples"].iloc[0] <= 101e6
    assert 1.096e9 <= sw["samples"].iloc[1] <= 1.097e9
    assert cu.pool_crossovers(pools, 2e7, 9e7).empty


def test_pool_inputs_are_checked(pools):
    with pytest.raises(InputError):
        cu.nested_pools(pools, fit="data")  # the data fit stores no floor d
    with pytest.raises(InputError):
        cu.pool_crossovers(pools, 1e9, 1e8)
    with pytest.raises(InputError):
        cu.pool_error(1e6, [-0.1, -0.2], [1.0], 0.025, 0.1, 1e6)

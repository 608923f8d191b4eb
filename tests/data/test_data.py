"""Tests of the tidy loaders against the published / PROVENANCE numbers of each data set.

The mirror is ``$SCALINGLAWS_DATA_MIRROR`` (tests/conftest.py defaults it to ``../shared/data``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scalinglaws import data
from scalinglaws.core.errors import HashMismatchError, InputError, UnknownDatasetError
from scalinglaws.data import registry

MIRROR = Path(os.environ["SCALINGLAWS_DATA_MIRROR"])  # set by tests/conftest.py

# Row counts of every table (PROVENANCE.md "Columns" / "Files" sections of each data set).
ROWS = {
    ("chinchilla_epoch_svg", "points"): 245,
    ("chinchilla_epoch_svg", "fit_points"): 240,
    ("porian_compute_optimal", "isoflop_points"): 1745,
    ("porian_compute_optimal", "optimal_pairs"): 177,
    ("porian_compute_optimal", "fit_results"): 60,
    ("datablations_muennighoff", "runs"): 182,
    ("epoch_notable_models", "models"): 895,
    ("gadre_overtraining", "runs"): 104,
    ("gadre_overtraining", "evals"): 104 * 46,
    ("gadre_overtraining", "eval_metadata"): 51,
    ("obsscaling_ruan", "base"): 148,
    ("obsscaling_ruan", "base_sub_10b"): 92,
    ("obsscaling_ruan", "emergent"): 84,
    ("obsscaling_ruan", "leaderboard_v2"): 72,
    ("obsscaling_ruan", "post_training"): 96,
    ("obsscaling_ruan", "instruct"): 27,
    ("obsscaling_ruan", "agent"): 27,
    ("aider_polyglot", "runs"): 69,
    ("pythia_evals", "evals"): 189 * 172,  # 189 files x 172 (task, metric) pairs each
    # pythia_fewshot PROVENANCE.md: the 1B model's 27 zero-shot files (87 tasks, 172 pairs each)
    # and 120 five-shot files (8 sizes x 15 checkpoints; 65 tasks, 128 pairs each)
    ("pythia_fewshot", "zero_shot_1b"): 27 * 172,
    ("pythia_fewshot", "five_shot"): 120 * 128,
    ("o1_aime_reconstruction", "majority_vote"): 11,
    ("o1_aime_reconstruction", "just_ask_nicely"): 8,
    # dclm_curation PROVENANCE.md: 74 evaluation JSONs; 41 + 1 with 53 icl tasks and 32 with 56
    # (gsm8k, aqua, agi_eval_sat_math added); the 53-row meta files
    ("dclm_curation", "runs"): 74,
    ("dclm_curation", "task_scores"): 42 * 53 + 32 * 56,
    ("dclm_curation", "tasks"): 53,
    # goyal_data_filtering PROVENANCE.md: 2 records (utility, data fits) x 5 buckets
    ("goyal_data_filtering", "pools"): 10,
}


@pytest.fixture(scope="module", autouse=True)
def mirror():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(registry.MIRROR_ENV, str(MIRROR))
        yield MIRROR


def test_every_table_loads_with_its_row_count_and_documented_columns():
    assert data.datasets() == list(registry.load_registry())
    seen = set()
    for name in data.datasets():
        assert data.tables(name)[0] == data.DEFAULT_TABLE[name]
        for table in data.tables(name):
            df = data.load(name, table)
            assert len(df) == ROWS[(name, table)], (name, table)
            assert registry.get_dataset(name).tables[table] == len(df)
            documented = [c for c in data.COLUMNS[name][table] if c != "(others)"]
            assert set(documented) <= set(df.columns), (name, table)
            seen.add((name, table))
    assert seen == set(ROWS)


def test_default_table_and_copies():
    a = data.load("chinchilla_epoch_svg")
    assert len(a) == 245
    a.loc[0, "loss"] = -1.0
    assert data.load("chinchilla_epoch_svg").loc[0, "loss"] > 0


def test_unknown_table_and_dataset():
    with pytest.raises(InputError) as exc:
        data.load("porian_compute_optimal", "pairs")
    msg = str(exc.value)
    assert "optimal_pairs, isoflop_points, fit_results" in msg and "\n" not in msg
    with pytest.raises(UnknownDatasetError) as exc:
        data.load("pythia")
    assert "pythia_evals" in str(exc.value)
    with pytest.raises(UnknownDatasetError):
        data.tables("pythia")


# ---------------------------------------------------------------------------- chinchilla


def test_chinchilla_points_and_epoch_fit_subset():
    pts = data.load("chinchilla_epoch_svg", "points")
    assert list(pts.columns) == ["params", "flops", "tokens", "loss"]
    assert (pts.dtypes == "float64").all()
    np.testing.assert_allclose(pts["tokens"], pts["flops"] / (6 * pts["params"]), rtol=1e-15)
    # First row of svg_extracted_data.csv (file order is kept).
    assert pts.loc[0, "params"] == pytest.approx(6795600349.289497, rel=1e-15)
    fit = data.load("chinchilla_epoch_svg", "fit_points")
    # Epoch data_analysis.ipynb: keep losses < sorted(losses)[-5] -> 240 points.
    assert fit["loss"].max() < np.sort(pts["loss"])[-5]
    assert len(pts) - len(fit) == 5


# ---------------------------------------------------------------------------- porian

PORIAN_CONFIG = [
    "source_file",
    "dataset",
    "hparams",
    "warmup",
    "decay",
    "param_count",
    "loss_source",
    "label",
]


def test_porian_columns_exactly_as_provenance():
    assert list(data.load("porian_compute_optimal", "isoflop_points").columns) == PORIAN_CONFIG + [
        "flops",
        "params",
        "tokens",
        "loss",
    ]
    assert list(data.load("porian_compute_optimal").columns) == PORIAN_CONFIG + [
        "flops",
        "n_star",
        "t_star",
        "tokens_per_param_star",
        "loss_star",
        "n_star_log_std",
        "t_star_log_std",
        "multiplier_star_log_std",
        "loss_star_std",
    ]
    fr = data.load("porian_compute_optimal", "fit_results")
    assert list(fr.columns) == PORIAN_CONFIG + [
        "variant",
        "n_exponent",
        "n_coef",
        "n_r2",
        "t_exponent",
        "t_coef",
        "t_r2",
        "multiplier_exponent",
        "multiplier_coef",
        "multiplier_r2",
        "A",
        "E",
        "alpha",
    ]
    assert fr.groupby("source_file").size().to_dict() == {
        "summary_df.pickle.xz": 20,
        "summary_df_att.pickle.xz": 16,
        "summary_df_kaplan_tuned_hparams.pickle.xz": 4,
        "summary_df_owt2.pickle.xz": 20,
    }


def _ols_slope(g: pd.DataFrame) -> float:
    g = g.dropna(subset=["n_star"])
    return float(np.polyfit(np.log(g["flops"]), np.log(g["n_star"]), 1)[0])


def test_porian_ols_reproduces_basic_exponents():
    """PROVENANCE: OLS of ln n_star on ln flops reproduces the `basic` exponents (0.8338, 0.4970)."""
    op = data.load("porian_compute_optimal", "optimal_pairs")
    main = op[op["source_file"] == "summary_df.pickle.xz"]
    kaplan = main[main["label"] == "Reproducing Kaplan et al."]
    tuned = main[main["label"] == "Optimizer tuning (no decay)"]
    # OLS is closed form (portable to ~1e-15); 5e-5 is half a unit of the printed 4th decimal
    assert _ols_slope(kaplan) == pytest.approx(0.8338, abs=5e-5)
    assert _ols_slope(tuned) == pytest.approx(0.4970, abs=5e-5)
    fr = data.load("porian_compute_optimal", "fit_results")
    basic = fr[fr["variant"] == "basic"]
    for (src, label, pc), g in op.groupby(["source_file", "label", "param_count"]):
        row = basic[
            (basic["source_file"] == src) & (basic["label"] == label) & (basic["param_count"] == pc)
        ]
        assert _ols_slope(g) == pytest.approx(float(row["n_exponent"].iloc[0]), abs=1e-9)


def test_porian_table2_a_estimates():
    """Porian et al. 2024, Table 2 column "a estimation" = bs_median_weighted n_exponent (3 s.f.)."""
    fr = data.load("porian_compute_optimal", "fit_results")
    bsw = fr[(fr["variant"] == "bs_median_weighted") & (fr["param_count"] != "attention")]
    steps = [
        "Reproducing Kaplan et al.",
        "Counting last layer FLOPs",
        "Correcting warmup",
        "Cosine decay",
        "Optimizer tuning (no decay)",
    ]
    published = {
        "rw": [0.835, 0.706, 0.602, 0.571, 0.497],
        "owt2": [0.864, 0.699, 0.603, 0.574, 0.518],
    }
    for ds, values in published.items():
        got = bsw[bsw["dataset"] == ds].set_index("label")["n_exponent"]
        assert [float(f"{got[s]:.3g}") for s in steps] == values, ds
    adjusted = bsw[bsw["label"] == "Kaplan Adjusted"]["n_exponent"]
    assert float(f"{adjusted.iloc[0]:.3g}") == 0.711  # Table 2, Kaplan-adjusted, tuned hparams
    att = fr[(fr["variant"] == "bs_median_weighted") & (fr["param_count"] == "attention")]
    # Attention FLOPs counted (RW, train loss): 0.717 -> 0.622 -> 0.577 -> 0.505.
    assert [float(f"{v:.3g}") for v in att["n_exponent"]] == [0.717, 0.622, 0.577, 0.505]


def test_porian_labels_cover_all_configurations():
    op = data.load("porian_compute_optimal", "isoflop_points")
    assert op["label"].notna().all()
    assert set(op["label"]) == set(data.PORIAN_LABELS.values())
    assert (op[["flops", "params", "tokens", "loss"]] > 0).all().all()


def test_pickle_is_never_opened_when_its_hash_is_wrong(tmp_path, monkeypatch):
    root = tmp_path / "mirror"
    shutil.copytree(MIRROR / "porian_compute_optimal", root / "porian_compute_optimal")
    target = root / "porian_compute_optimal" / "summary_df_att.pickle.xz"
    raw = bytearray(target.read_bytes())
    raw[-10] ^= 0xFF
    target.write_bytes(bytes(raw))

    def forbidden(*args, **kwargs):
        pytest.fail("pandas.read_pickle called on an unverified pickle")

    monkeypatch.setattr(pd, "read_pickle", forbidden)
    monkeypatch.setenv(registry.MIRROR_ENV, str(root))
    with pytest.raises(HashMismatchError) as exc:
        data.load("porian_compute_optimal", "fit_results")
    msg = str(exc.value)
    assert "40218b8320817bf3c34f82c57aaa28c53ccb5feb9bb3928ee6fc70868ac22af7" in msg
    assert registry.sha256_of(target) in msg


# ---------------------------------------------------------------------------- datablations


def test_datablations_runs():
    df = data.load("datablations_muennighoff")
    assert list(df.columns) == [
        "run_name",
        "params",
        "tokens",
        "unique_tokens",
        "val_loss",
        "epochs",
    ]
    np.testing.assert_allclose(df["epochs"], df["tokens"] / df["unique_tokens"], rtol=1e-15)
    first = df.iloc[0]
    assert first["run_name"] == "2b832b4b"
    assert (first["params"], first["tokens"], first["unique_tokens"]) == (2.81e9, 32e9, 4e9)
    assert first["val_loss"] == pytest.approx(2.722962, abs=1e-12)
    assert (df["unique_tokens"] <= df["tokens"]).all()


# ---------------------------------------------------------------------------- epoch


def test_epoch_models_types_and_gpt_rows():
    df = data.load("epoch_notable_models")
    assert df["publication_date"].dtype.kind == "M"
    assert df["frontier_model"].dtype == bool and df["is_language"].dtype == bool
    assert df["frontier_model"].sum() == 144  # 'Frontier model' True in 144 rows, blank otherwise
    assert df["is_language"].sum() == 399
    assert df["publication_date"].min() == pd.Timestamp("1950-07-02")
    assert df["publication_date"].max() == pd.Timestamp("2025-02-17")
    assert df["training_compute_flop"].isna().sum() == 444  # PROVENANCE: 444 without compute
    assert (df["training_compute_flop"] > 1e25).sum() == 17
    m = df.set_index("model")
    # PROVENANCE "GPT series rows" (Epoch estimates, quoted to 3 significant figures).
    quoted = {
        "GPT-1": 1.76e19,
        "GPT-2 (1.5B)": 1.92e21,
        "GPT-3 175B (davinci)": 3.14e23,
        "GPT-4": 2.1e25,
        "GPT-4o": 3.81e25,
        "Chinchilla": 5.76e23,
        "Llama 3.1-405B": 3.8e25,
    }
    for model, flop in quoted.items():
        assert float(f"{m.loc[model, 'training_compute_flop']:.3g}") == flop, model
    assert m.loc["Chinchilla", "params"] == 7e10
    assert bool(m.loc["GPT-3 175B (davinci)", "is_language"])


def test_epoch_dataset_size_normalised_to_tokens():
    """Words (0.75 words/token) for GPT-3 and Chinchilla; tokens for Llama 3.1-405B (PROVENANCE)."""
    m = data.load("epoch_notable_models").set_index("model")
    gpt3 = m.loc["GPT-3 175B (davinci)"]
    assert gpt3["dataset_size_datapoints"] == 3.74e11 and gpt3["dataset_size_unit"] == "words"
    assert gpt3["dataset_size_tokens"] == pytest.approx(4.99e11, rel=1e-3)  # 3.74e11 / 0.75
    chin = m.loc["Chinchilla"]
    assert chin["dataset_size_tokens"] == pytest.approx(1.4e12)  # 1.05e12 words = 1.4T tokens
    llama = m.loc["Llama 3.1-405B"]
    assert llama["dataset_size_unit"] == "tokens" and llama["dataset_size_tokens"] == 1.56e13


# ---------------------------------------------------------------------------- gadre


def test_gadre_runs():
    df = data.load("gadre_overtraining", "runs")
    assert df["dataset"].value_counts().to_dict() == {
        "rpj": 35,
        "rw_original": 35,
        "c4_original": 34,
    }
    loss_cols = [c for c in df.columns if c.startswith("loss_")]
    assert loss_cols == [f"loss_{s}" for s in data.GADRE_EVAL_SETS.values()]
    assert df[loss_cols].notna().all().all()
    np.testing.assert_allclose(df["flops"], 6 * df["params"] * df["tokens"], rtol=1e-15)
    assert df["multiplier"].min() == 5 and df["multiplier"].max() == 640
    np.testing.assert_allclose(df["tokens"] / df["params"], df["multiplier"], rtol=0.05)
    r = df.set_index("run").loc["rpj-open_lm_1b-32.0"]  # models/rpj-open_lm_1b-32.0.json
    assert (r["params"], r["tokens"], r["arch"]) == (1439795200, 921468928000, "open_lm_1b")
    assert r["loss_c4_val"] == pytest.approx(2.502053562117363, abs=1e-15)
    assert r["loss_openlm_val"] == pytest.approx(1.964944910009702, abs=1e-15)


def test_gadre_evals_and_metadata():
    ev = data.load("gadre_overtraining", "evals")
    assert list(ev.columns) == ["run", "task", "accuracy"]
    assert ev.groupby("run").size().eq(46).all() and ev["run"].nunique() == 104
    assert set(ev["run"]) == set(data.load("gadre_overtraining", "runs")["run"])
    acc = ev.set_index(["run", "task"])["accuracy"]
    assert acc[("rpj-open_lm_1b-32.0", "arc_easy")] == pytest.approx(0.6679292917251587)
    meta = data.load("gadre_overtraining", "eval_metadata")
    assert list(meta.columns) == list(data.COLUMNS["gadre_overtraining"]["eval_metadata"])
    assert meta.loc[0, "eval_task"] == "mmlu_zeroshot" and meta.loc[0, "random_baseline"] == 25


# ---------------------------------------------------------------------------- obsscaling


def test_obsscaling_metadata_and_units():
    base = data.load("obsscaling_ruan", "base")
    assert list(base.columns[:5]) == ["model", "family", "params_b", "data_tokens_t", "flops_1e21"]
    assert "MMLU" in base.columns and "HumanEval" in base.columns
    r = base.set_index("model").loc["meta-llama/Llama-2-7b-hf"]
    assert (r["params"], r["tokens"], r["flops"]) == (7e9, 2e12, pytest.approx(8.4e22))
    post = data.load("obsscaling_ruan", "post_training")
    assert "gsm8k_cot_self_consistency_8_exact_match,maj@5" in post.columns
    assert post.shape[1] == 235
    assert "flops" in data.load("obsscaling_ruan", "instruct").columns
    assert data.load("obsscaling_ruan", "agent").columns[0] == "model"


# ---------------------------------------------------------------------------- aider


def test_aider_runs():
    df = data.load("aider_polyglot")
    assert df["date"].dtype.kind == "M"
    assert df["date"].min() == pd.Timestamp("2024-12-21")
    assert df["date"].max() == pd.Timestamp("2025-10-03")
    for c in ("pass_rate_1", "pass_rate_2", "pass_num_2", "total_cost", "seconds_per_case"):
        assert df[c].dtype == "float64"
    m = df.set_index("model")
    # Leaderboard values (PROVENANCE "What it reproduces").
    assert m.loc["o3-mini (medium)", "pass_rate_2"] == 53.8
    assert m.loc["o3-mini (high)", "pass_rate_2"] == 60.4
    assert m.loc["o3-mini (high)", "total_cost"] == pytest.approx(18.16, abs=0.005)
    assert [m.loc[f"gpt-5 ({e})", "pass_rate_2"] for e in ("low", "medium", "high")] == [
        81.3,
        86.7,
        88.0,
    ]
    assert m.loc["gpt-5 (high)", "reasoning_setting"] == "high"
    assert m.loc["claude-sonnet-4-20250514 (32k thinking)", "reasoning_setting"] == "32k thinking"
    assert m.loc["o3", "reasoning_setting"] is None
    assert m.loc["DeepSeek R1 (0528)", "reasoning_setting"] is None  # version tag, not a setting
    same = (100 * df["pass_num_2"] / 225).round(1) == df["pass_rate_2"]
    assert same.sum() == 67  # all but o1 (high) and DeepSeek R1 (0528)


# ---------------------------------------------------------------------------- pythia


def test_pythia_final_lambada_perplexity():
    """PROVENANCE: final-checkpoint LAMBADA-OpenAI perplexity / accuracy as stored, 70m -> 12b."""
    ev = data.load("pythia_evals")
    assert list(ev.columns) == [
        "size",
        "params",
        "step",
        "tokens",
        "task",
        "metric",
        "value",
        "stderr",
    ]
    final = ev[(ev["step"] == 143000) & (ev["task"] == "lambada_openai")]
    ppl = final[final["metric"] == "ppl"].set_index("size")["value"]
    acc = final[final["metric"] == "acc"].set_index("size")["value"]
    sizes = ["70m", "160m", "410m", "1.4b", "2.8b", "6.9b", "12b"]
    # PROVENANCE quotes 2 decimals; it gives 38.07 for the stored 38.0649 (a rounding slip), so
    # the tolerance is one unit in the last quoted place.
    np.testing.assert_allclose(
        ppl[sizes], [142.43, 38.07, 10.83, 6.09, 5.04, 4.45, 3.92], atol=0.01
    )
    assert ppl["160m"] == pytest.approx(38.0649, abs=5e-5)
    np.testing.assert_allclose(
        acc[sizes], [0.185, 0.328, 0.516, 0.616, 0.647, 0.673, 0.705], atol=0.0005
    )
    assert ev.groupby("size")["params"].first()[sizes].tolist() == [
        70e6,
        160e6,
        410e6,
        1.4e9,
        2.8e9,
        6.9e9,
        12e9,
    ]
    assert (ev["tokens"] == ev["step"] * 2_097_152).all()
    assert sorted(ev["step"].unique()) == [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000] + list(
        range(3000, 143001, 10000)
    )
    assert ev.loc[ev["metric"] == "ppl", "stderr"].notna().all()


# ---------------------------------------------------------------------------- o1


def test_o1_aime_tables():
    mv = data.load("o1_aime_reconstruction", "majority_vote")
    jan = data.load("o1_aime_reconstruction", "just_ask_nicely")
    assert list(mv.columns) == ["token_limit", "accuracy", "avg_tokens_used", "n_votes"]
    assert list(jan.columns) == ["token_limit", "accuracy", "avg_tokens_used"]
    assert mv["token_limit"].tolist() == [2**k for k in range(4, 15)]
    assert mv["n_votes"].tolist() == [1] * 8 + [2, 4, 8]
    pd.testing.assert_frame_equal(mv.iloc[:8, :3], jan)  # first 8 identical (PROVENANCE)
    # README: 0.20 at about 363 tokens -> 0.70 at about 88k tokens per problem.
    assert mv.iloc[0]["accuracy"] == pytest.approx(0.2)
    assert mv.iloc[0]["avg_tokens_used"] == pytest.approx(363, abs=1)
    assert mv.iloc[-1]["accuracy"] == pytest.approx(0.7)
    assert mv.iloc[-1]["avg_tokens_used"] == pytest.approx(88_000, rel=0.01)


def test_pythia_1b_is_the_suites_1b_model():
    # pythia_fewshot PROVENANCE.md "What it reproduces", final checkpoint (step 143000): the 1B
    # model (files under pythia-1b-bf16) has zero-shot LAMBADA acc 0.562 and ppl 7.92, five-shot
    # 0.507 and 10.12; the four zero-shot files named "-5shot" (steps 128-1000) are zero-shot.
    z = data.load("pythia_fewshot", "zero_shot_1b")
    f = data.load("pythia_fewshot", "five_shot")
    assert set(z["size"]) == {"1b"} and set(z["params"]) == {1e9} and z["step"].nunique() == 27
    lam = z[(z["task"] == "lambada_openai") & (z["step"] == 143000)].set_index("metric")["value"]
    assert lam["acc"] == pytest.approx(0.562, abs=5e-4)
    assert lam["ppl"] == pytest.approx(7.92, abs=5e-3)
    assert {128, 256, 512, 1000} <= set(z["step"])
    lam5 = f[(f["size"] == "1b") & (f["task"] == "lambada_openai") & (f["step"] == 143000)]
    lam5 = lam5.set_index("metric")["value"]
    assert lam5["acc"] == pytest.approx(0.507, abs=5e-4)
    assert lam5["ppl"] == pytest.approx(10.12, abs=5e-3)
    assert sorted(f["size"].unique()) == sorted(
        ["70m", "160m", "410m", "1b", "1.4b", "2.8b", "6.9b", "12b"]
    )


# ---------------------------------------------------------------------------- DCLM


def test_dclm_tasks_baselines_and_core_list():
    # PROVENANCE: 22 CORE tasks; v1 and v2 differ in 12 baselines, three of them CORE tasks
    # (commonsense_qa 20 -> 40.3, agi_eval_lsat_ar 20 -> 25, bigbench_language_identification 9.1 -> 25).
    t = data.load("dclm_curation", "tasks").set_index("task")
    assert t["core"].sum() == 22
    assert {"hellaswag_zeroshot", "jeopardy", "squad", "boolq", "copa"} <= set(t.index[t["core"]])
    changed = t.index[t["baseline_v1"] != t["baseline_v2"]]
    assert len(changed) == 12
    assert sorted(changed[t.loc[changed, "core"]]) == [
        "agi_eval_lsat_ar",
        "bigbench_language_identification",
        "commonsense_qa",
    ]
    assert t.loc["commonsense_qa", "baseline_v1"] == pytest.approx(0.20)
    assert t.loc["commonsense_qa", "baseline_v2"] == pytest.approx(0.403)
    assert t.loc["bigbench_language_identification", "baseline_v1"] == pytest.approx(0.091)


def test_dclm_runs_scales_and_recipes():
    r = data.load("dclm_curation", "runs")
    # PROVENANCE "Scales and recipes": parameters, tokens and 6ND of each scale.
    scale = r.groupby("scale").agg(params=("params", "first"), tokens=("tokens", "first"))
    assert scale.loc["400M-1x", "params"] == 411_616_256
    assert scale.loc["1B-1x", "params"] == 1_439_795_200
    assert scale.loc["7B-1x", "params"] == 6_889_410_560
    assert scale.loc["400M-1x", "tokens"] == 8_232_325_120
    assert scale.loc["1B-5x", "tokens"] == 143_979_520_000
    assert scale.loc["7B-2x", "tokens"] == 275_576_422_400
    assert r.loc[r["scale"] == "7B-1x", "flops"].iloc[0] == pytest.approx(5.7e21, rel=0.01)
    assert r["dataset"].nunique() == 16  # 15 training sets + the released DCLM-7B
    assert r.groupby("scale").size()["400M-1x"] == 12
    std = r[r["standard"]]
    assert std.groupby("scale").size()["1B-1x"] == 15
    # PROVENANCE table: CORE v2 (v1) x 100 of the DCLM-Baseline 7B-1x lr 1e-3 run and RefinedWeb.
    dclm = r[(r["dataset"] == "DCLM-Baseline") & (r["scale"] == "7B-1x") & (r["lr"] == 1e-3)]
    assert dclm["core_v2"].iloc[0] == pytest.approx(0.420351, abs=1e-6)
    assert dclm["core_v1"].iloc[0] == pytest.approx(0.440686, abs=1e-6)
    rel = r[r["scale"] == "DCLM-7B (2.6T)"].iloc[0]
    assert np.isnan(rel["tokens"]) and rel["mmlu"] == pytest.approx(0.6369, abs=1e-4)
    assert r["extended_v2"].isna().sum() == 1  # DCLM-Baseline 7B-1x lr 2e-3 stores "N/A"


def test_dclm_task_scores_are_fractions():
    s = data.load("dclm_curation", "task_scores")
    assert s["accuracy"].between(0, 1).all()
    assert s["run"].nunique() == 74


# ---------------------------------------------------------------------------- Goyal


def test_goyal_pools_fitted_values():
    # PROVENANCE "What it reproduces" (results/parameter_values.jsonl at 251f695).
    p = data.load("goyal_data_filtering", "pools")
    u = p[p["fit"] == "utility"].set_index("bucket")
    assert u.loc["tmars_top0to10p", "b"] == pytest.approx(-0.16)
    assert u.loc["tmars_top30to40p", "tau"] == pytest.approx(2.2727, abs=1e-4)
    assert set(u["a"]) == {0.025} and set(u["d"]) == {0.1}
    d = p[p["fit"] == "data"].set_index("bucket")
    assert d.loc["tmars_top10to20p", "b"] == pytest.approx(-0.144848, abs=1e-6)
    assert set(d["a"]) == {0.022} and d["d"].isna().all()
    assert set(p["samples_per_bucket"]) == {12_800_000}
    assert list(u["label"])[:2] == ["Top 10%", "Top 10%-20%"]

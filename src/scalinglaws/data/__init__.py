"""Tidy loaders for the book's public data sets.

``load(name, table=None)`` returns a tidy :class:`pandas.DataFrame` built from the raw files of a
registered data set (see :mod:`scalinglaws.data.registry`; raw files come from the mirror
``SCALINGLAWS_DATA_MIRROR`` or are downloaded and sha256-checked). Column meanings and units of
every table are in :data:`COLUMNS`. Units: N parameters, D tokens, C FLOP, loss in nats/token.

Parsed tables are cached in-process (keyed on the verified files' paths, sizes and mtimes);
``load`` always returns a fresh copy.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from scalinglaws.core.errors import DataError, HashMismatchError, InputError
from scalinglaws.data import registry

__all__ = [
    "COLUMNS",
    "DEFAULT_TABLE",
    "datasets",
    "tables",
    "load",
    "PORIAN_LABELS",
    "GADRE_EVAL_SETS",
    "DCLM_DATASETS",
    "GOYAL_BUCKETS",
]

# --------------------------------------------------------------------------------------------
# Column contracts (name -> table -> column -> meaning with unit)

_PORIAN_CONFIG = {
    "source_file": "pickle the row came from (e.g. summary_df.pickle.xz)",
    "dataset": "rw = RefinedWeb, owt2 = OpenWebText2",
    "hparams": "base (fixed hyperparameters) or tuned (size-dependent LR, batch size, beta2)",
    "warmup": "long = Kaplan's 3000-step warmup, short = warmup of about N tokens",
    "decay": "kaplan (horizon not matched), chinchilla (cosine matched to run length), const",
    "param_count": "kaplan = non-embedding N, C=6ND; standard = incl. last layer; attention = "
    "also attention FLOPs",
    "loss_source": "train (smoothed training loss) or val (validation loss)",
    "label": "experiment name of Porian et al. Fig. 1 / Table 2 (see PORIAN_LABELS)",
}

COLUMNS: dict[str, dict[str, dict[str, str]]] = {
    "chinchilla_epoch_svg": {
        t: {
            "params": "N, model parameters (count), decoded from the SVG y position",
            "flops": "C, training compute (FLOP), decoded from the SVG x position",
            "tokens": "D = C / (6 N), training tokens",
            "loss": "final training loss (nats/token), decoded from the point colour",
        }
        for t in ("points", "fit_points")
    },
    "porian_compute_optimal": {
        "isoflop_points": {
            **_PORIAN_CONFIG,
            "flops": "C, FLOP budget (FLOP)",
            "params": "N (parameters, counted as in param_count)",
            "tokens": "D (tokens) = C / FLOPs per token",
            "loss": "final or interpolated loss at budget C (nats/token)",
        },
        "optimal_pairs": {
            **_PORIAN_CONFIG,
            "flops": "C (FLOP)",
            "n_star": "compute-optimal parameters N*(C) (NaN: no interior optimum)",
            "t_star": "compute-optimal tokens D*(C)",
            "tokens_per_param_star": "rho*, compute-optimal tokens per parameter as stored "
            "(about t_star / n_star; the two optima are interpolated separately)",
            "loss_star": "loss at the optimum (nats/token)",
            "n_star_log_std": "bootstrap std of ln n_star",
            "t_star_log_std": "bootstrap std of ln t_star",
            "multiplier_star_log_std": "bootstrap std of ln rho*",
            "loss_star_std": "bootstrap std of loss_star (nats/token)",
        },
        "fit_results": {
            **_PORIAN_CONFIG,
            "variant": "basic, weighted, bs_median or bs_median_weighted",
            "n_exponent": "a in N*(C) = n_coef * C^a",
            "n_coef": "prefactor of N*(C)",
            "n_r2": "R^2 of the N*(C) fit",
            "t_exponent": "b in D*(C) = t_coef * C^b",
            "t_coef": "prefactor of D*(C)",
            "t_r2": "R^2 of the D*(C) fit",
            "multiplier_exponent": "exponent of rho*(C)",
            "multiplier_coef": "prefactor of rho*(C)",
            "multiplier_r2": "R^2 of the rho*(C) fit",
            "A": "L*(C) = E + A C^-alpha (placeholder 148.41 in weighted variants)",
            "E": "irreducible loss of L*(C) (nats/token; placeholder 1.0 in weighted variants)",
            "alpha": "exponent of L*(C) (placeholder 0.1 in weighted variants)",
        },
    },
    "datablations_muennighoff": {
        "runs": {
            "run_name": "model id <params><tokens><unique tokens>, e.g. 2b855b11b (may repeat)",
            "params": "N (parameters)",
            "tokens": "D, total training tokens (GPT-2 tokenizer)",
            "unique_tokens": "U, unique tokens in the repeated C4 subset",
            "val_loss": "final C4 validation loss (nats/token)",
            "epochs": "D / U",
        }
    },
    "epoch_notable_models": {
        "models": {
            "model": "model name",
            "domain": "comma-separated domains (Language, Vision, ...)",
            "organization": "developer",
            "publication_date": "publication date (datetime64)",
            "params": "N, trainable parameters (count; Epoch's 'Parameters')",
            "training_compute_flop": "C, training compute (FLOP)",
            "dataset_size_datapoints": "Epoch's 'Training dataset size (datapoints)' as published "
            "(words for many language models)",
            "dataset_size_unit": "'words' or 'tokens' (language models with a size; see below)",
            "dataset_size_tokens": "dataset size in tokens: datapoints / 0.75 if in words, "
            "datapoints if in tokens, NaN for non-language models",
            "confidence": "Epoch's confidence in the compute estimate",
            "frontier_model": "bool, Epoch's frontier flag (top 10 by compute at release)",
            "is_language": "bool, Domain contains 'Language'",
            "training_compute_cost_2023_usd": "cost of the final run (2023 USD)",
            "hardware_utilization": "model FLOP utilisation (fraction)",
            "(others)": "all other Epoch columns in snake_case, e.g. epochs, "
            "training_time_hours, hardware_quantity, training_power_draw_w",
        }
    },
    "gadre_overtraining": {
        "runs": {
            "run": "run id <dataset>-<arch>-<chinchilla_multiplier>",
            "dataset": "training set: c4_original, rpj (RedPajama), rw_original (RefinedWeb)",
            "arch": "d=<width>_l=<layers>_h=<heads>, open_lm_1b or open_lm_7b",
            "params": "N, total parameters",
            "params_no_embed": "non-embedding parameters",
            "tokens": "D, training tokens",
            "chinchilla_multiplier": "M / 20",
            "multiplier": "M = 20 * chinchilla_multiplier (approximately tokens / params)",
            "flops": "C = 6 N D (FLOP), total N",
            "lr": "peak learning rate",
            "warmup": "warmup steps",
            "global_bs": "global batch size (sequences of 2048 tokens)",
            **{
                f"loss_{short}": f"loss on {desc} (nats/token)"
                for short, desc in (
                    ("openlm_val", "OpenLM validation set"),
                    ("c4_val", "C4 validation"),
                    ("paloma_c4_en", "Paloma C4-en"),
                    ("paloma_dolma_100_programing_languages", "Paloma Dolma-100 programming langs"),
                    ("paloma_falcon_refinedweb", "Paloma Falcon-RefinedWeb"),
                    ("paloma_ptb", "Paloma PTB"),
                    ("paloma_redpajama", "Paloma RedPajama"),
                    ("de_en", "de-en (German-English) set"),
                )
            },
        },
        "evals": {
            "run": "run id (as in runs)",
            "task": "downstream task (46, LLM-foundry heavy suite)",
            "accuracy": "accuracy in [0, 1] (top-1 error = 1 - accuracy)",
        },
        "eval_metadata": {
            "eval_task": "task name",
            "task_category": "category",
            "task_type": "multiple choice, language modeling, ...",
            "n_shots": "number of in-context examples",
            "n_datapoints": "number of examples",
            "random_baseline": "random-guess accuracy (percent)",
            "centered_metric": "'Centered Metric?' flag as published",
            "description": "task description",
        },
    },
    "obsscaling_ruan": {
        t: {
            "model": "Hugging Face model id (or API name)",
            **(
                {
                    "family": "model family",
                    "params_b": "N in billions of parameters (as published)",
                    "data_tokens_t": "D in trillions of tokens (as published)",
                    "flops_1e21": "C in units of 1e21 FLOP (as published, 6ND)",
                    "params": "N (parameters) = params_b * 1e9",
                    "tokens": "D (tokens) = data_tokens_t * 1e12",
                    "flops": "C (FLOP) = flops_1e21 * 1e21",
                }
                if t in ("base", "base_sub_10b", "instruct")
                else {}
            ),
            "(others)": "benchmark columns with the CSV's names (fractions unless stated in "
            "the PROVENANCE)",
        }
        for t in (
            "base",
            "base_sub_10b",
            "emergent",
            "leaderboard_v2",
            "post_training",
            "instruct",
            "agent",
        )
    },
    "aider_polyglot": {
        "runs": {
            "model": "model name (reasoning setting in parentheses)",
            "reasoning_setting": "text in the model name's parentheses (e.g. high, 32k thinking, "
            "no think); None if absent or only a date/version tag",
            "date": "run date (datetime64)",
            "pass_rate_1": "percent solved at first try (float)",
            "pass_rate_2": "percent solved after one retry (headline score, float)",
            "total_cost": "API cost of the run (USD, 0 = not recorded)",
            "(others)": "all YAML keys as columns; numeric keys as float, commit_hash as str",
        }
    },
    "pythia_evals": {
        "evals": {
            "size": "suite size label: 70m, 160m, 410m, 1.4b, 2.8b, 6.9b, 12b",
            "params": "published suite size (total parameters)",
            "step": "training step",
            "tokens": "D = step * 2,097,152 (tokens)",
            "task": "lm-eval-harness task",
            "metric": "ppl, acc, acc_norm, likelihood_difference, pct_stereotype, ...",
            "value": "metric value (accuracies as fractions)",
            "stderr": "standard error of value (NaN if not reported)",
        }
    },
    "pythia_fewshot": {
        table: {
            "size": "suite size label: 70m, 160m, 410m, 1b, 1.4b, 2.8b, 6.9b, 12b",
            "params": "published suite size (total parameters)",
            "step": "training step",
            "tokens": "D = step * 2,097,152 (tokens)",
            "task": "lm-eval-harness task",
            "metric": "ppl, acc, acc_norm, ...",
            "value": "metric value (accuracies as fractions)",
            "stderr": "standard error of value (NaN if not reported)",
        }
        for table in ("zero_shot_1b", "five_shot")
    },
    "o1_aime_reconstruction": {
        "majority_vote": {
            "token_limit": "requested thinking budget per sample set (tokens)",
            "accuracy": "fraction of the 30 AIME 2024 problems (ties: partial credit)",
            "avg_tokens_used": "output tokens used per problem, summed over votes",
            "n_votes": "samples combined by majority vote = max(1, token_limit / 2048)",
        },
        "just_ask_nicely": {
            "token_limit": "requested thinking budget (tokens)",
            "accuracy": "fraction of the 30 AIME 2024 problems",
            "avg_tokens_used": "output tokens used per problem",
        },
    },
    "dclm_curation": {
        "runs": {
            "run": "evaluation file name without 'evaluation_' and '_heavy.json'",
            "dataset_name": "training set as named in the model JSON / file name",
            "dataset": "short label of the training set (DCLM_DATASETS), e.g. DCLM-Baseline, C4",
            "scale": "400M-1x, 1B-1x, 1B-5x, 7B-1x, 7B-2x (size and Chinchilla multiple); "
            "'DCLM-7B (2.6T)' for the released model",
            "arch": "open_lm architecture (d=1024_l=24_h=8, open_lm_1b[_swiglutorch], open_lm_7b[...])",
            "params": "N, total parameters (model JSON, else the architecture's count)",
            "tokens": "D, training tokens (model JSON or file name; NaN for the released DCLM-7B)",
            "flops": "C = 6 N D (FLOP)",
            "lr": "peak learning rate (NaN if not recorded)",
            "wd": "weight decay (NaN if not recorded)",
            "seed": "training seed (NaN if not recorded)",
            "standard": "bool: the standard recipe of its scale (lr 3e-3 / wd 0.033 up to 1B, "
            "lr 3e-4 / wd 0.33 at 7B), the recipe shared by most training sets",
            "core_v1": "stored Core_v1 (fraction; centered accuracy over the 22 CORE tasks, v1 "
            "baselines)",
            "core_v2": "stored Core_v2 (fraction; v2 baselines, the repository's current 'Core')",
            "extended_v1": "stored Extended_v1 (fraction; NaN where stored as 'N/A')",
            "extended_v2": "stored Extended_v2 (fraction; NaN where stored as 'N/A')",
            "mmlu": "MMLU 5-shot accuracy (icl mmlu_fewshot, fraction)",
        },
        "task_scores": {
            "run": "run id (as in runs)",
            "task": "LLM-Foundry task (eval_metrics.icl key)",
            "accuracy": "score in [0, 1] (accuracy or exact match)",
        },
        "tasks": {
            "task": "task name (53 = the EXTENDED list)",
            "category": "task category",
            "task_type": "multiple choice, language modeling, ...",
            "n_shots": "in-context examples",
            "n_datapoints": "number of examples",
            "baseline_v1": "random-guess accuracy, v1 meta file (fraction)",
            "baseline_v2": "random-guess accuracy, v2 meta file (fraction; the repository's current)",
            "core": "bool: one of the 22 low-variance CORE tasks",
        },
    },
    "goyal_data_filtering": {
        "pools": {
            "fit": "utility (the paper's effective-utility law) or data (effective-data baseline)",
            "bucket": "T-MARS bucket key, e.g. tmars_top0to10p",
            "label": "Top 10%, Top 10%-20%, Top 20%-30%, Top 30%-40%, Random 25% of top 40%",
            "b": "utility exponent b (dimensionless, negative; the paper's utility is -b)",
            "tau": "half-life of the utility (repetitions over the bucket)",
            "a": "scale on samples seen (samples enter as a n / 1e5)",
            "d": "irreducible ImageNet-1k zero-shot error (fraction; NaN where not stored)",
            "samples_per_bucket": "samples in one bucket (12.8M; all_paths_128.py)",
        }
    },
}

DEFAULT_TABLE = {
    "chinchilla_epoch_svg": "points",
    "porian_compute_optimal": "optimal_pairs",
    "datablations_muennighoff": "runs",
    "epoch_notable_models": "models",
    "gadre_overtraining": "runs",
    "obsscaling_ruan": "base",
    "aider_polyglot": "runs",
    "pythia_evals": "evals",
    "pythia_fewshot": "zero_shot_1b",
    "o1_aime_reconstruction": "majority_vote",
    "dclm_curation": "runs",
    "goyal_data_filtering": "pools",
}

#: Porian et al. experiment labels derived from (hparams, warmup, decay, param_count); dataset and
#: loss source do not change the label. Matches the paper's Table 2 / Fig. 1 names
#: (``CONFIG_DICT_LABEL`` in the repo's configs.py; "Kaplan Adjusted" from paper_tables.py).
PORIAN_LABELS: dict[tuple[str, str, str, str], str] = {
    ("base", "long", "kaplan", "kaplan"): "Reproducing Kaplan et al.",
    ("base", "long", "kaplan", "standard"): "Counting last layer FLOPs",
    ("base", "long", "kaplan", "attention"): "Counting last layer and attention FLOPs",
    ("base", "short", "kaplan", "standard"): "Correcting warmup",
    ("base", "short", "kaplan", "attention"): "Correcting warmup",
    ("base", "short", "chinchilla", "standard"): "Cosine decay",
    ("base", "short", "chinchilla", "attention"): "Cosine decay",
    ("tuned", "short", "const", "standard"): "Optimizer tuning (no decay)",
    ("tuned", "short", "const", "attention"): "Optimizer tuning (no decay)",
    ("tuned", "long", "const", "kaplan"): "Kaplan Adjusted",
}

#: Gadre et al. evaluation sets: substring of ``results[i].val_data`` -> short name (loss_<short>).
GADRE_EVAL_SETS: dict[str, str] = {
    "val_tok_mult/openlm/": "openlm_val",
    "eval_data/c4_val/": "c4_val",
    "val_tok_mult/paloma_c4_en/": "paloma_c4_en",
    "val_tok_mult/paloma_dolma_100_programing_languages/": "paloma_dolma_100_programing_languages",
    "val_tok_mult/paloma_falcon-refinedweb/": "paloma_falcon_refinedweb",
    "val_tok_mult/paloma_ptb/": "paloma_ptb",
    "val_tok_mult/paloma_redpajama/": "paloma_redpajama",
    "val_tok_mult/de-en/": "de_en",
}

#: The Pythia suite's eight sizes and published total parameter counts (Biderman et al. 2023,
#: arXiv:2304.01373, Table 1), labelled as in the evaluation folders.
PYTHIA_PARAMS = {
    "70m": 70e6,
    "160m": 160e6,
    "410m": 410e6,
    "1b": 1e9,
    "1.4b": 1.4e9,
    "2.8b": 2.8e9,
    "6.9b": 6.9e9,
    "12b": 12e9,
}
PYTHIA_TOKENS_PER_STEP = 2_097_152  # batch 1024 x 2048 tokens (Biderman et al. 2023, Sec. 2)

#: DCLM training sets: ``dataset_name`` -> short label (dclm_curation PROVENANCE.md; "DFN filter"
#: is the repository's ``dfn_10_mean_0.71...``, "GPT-3 approx." its ``gpt3_hq`` reference set).
DCLM_DATASETS: dict[str, str] = {
    "c4_original": "C4",
    "dolma_v1_no_resample": "Dolma v1",
    "rpj_original": "RedPajama",
    "rw_original": "RefinedWeb",
    "fineweb_edu_sample_350BT": "FineWeb-Edu",
    "dfn_10_mean_0.71_2048_baebdddd": "DFN filter",
    "cc_v4_resiliparse_rw_v2_bff1shards_shard_3_OH_eli5_vs_rw_v2_bigram_200k_train_0.1": (
        "BFF dedup, 1 shard"
    ),
    "cc_v4_resiliparse_rw_v2_bff_minngram20_10shards_shard3_OH_eli5_vs_rw_v2_bigram_200k_train_0.1": (
        "BFF dedup, 10 shards"
    ),
    "cc_v4_resiliparse_rw_v2_bff_minngram20_32shards_shard3_OH_eli5_vs_rw_v2_bigram_200k_train_0.1": (
        "BFF dedup, 32 shards"
    ),
    "fasttext_openhermes_reddit_eli5_vs_rw_v2_bigram_200k_train_minhash.b15.r93_substr": (
        "MinHash + substring dedup"
    ),
    "rw_v2_cc_v3_f0.15_resiliparse_fasttext_openhermes_reddit_eli5_vs_rw_v2_bigram_200k_train_0.1": (
        "DCLM-Baseline"
    ),
    "rw_v2_cc_v3_f0.15_resiliparse_fasttext_openhermes_reddit_eli5_vs_rw_v2_bigram_200k_train_0.2": (
        "fastText top 20%"
    ),
    "rw_v2_cc_v3_f0.15_resiliparase_fasttext_gpt3_hq_vs_rw_v2_bigram_200k_train_0.1": (
        "fastText ref. GPT-3 approx."
    ),
    "rw_v2_cc_v3_f0.15_resiliparase_fasttext_openwebtext2_vs_rw_v2_bigram_200k_train_0.1": (
        "fastText ref. OpenWebText2"
    ),
    "rw_v2_cc_v3_f0.15_resiliparase_fasttext_wiki_vs_rw_v2_bigram_200k_train_0.1": (
        "fastText ref. Wikipedia"
    ),
}
#: Total parameters of DCLM's architectures and the size label of each (PROVENANCE "Scales").
_DCLM_ARCH = {
    "d=1024_l=24_h=8": (411_616_256, "400M"),
    "open_lm_1b": (1_439_795_200, "1B"),
    "open_lm_1b_swiglutorch": (1_439_795_200, "1B"),
    "open_lm_7b": (6_889_410_560, "7B"),
    "open_lm_7b_swiglutorch": (6_889_410_560, "7B"),
}
#: Goyal et al.'s T-MARS buckets -> display names (all_paths_128.py ``alt_name``); each bucket holds
#: 12.8M image-text pairs (``samples_per_epoch_dict``).
GOYAL_BUCKETS: dict[str, str] = {
    "tmars_top0to10p": "Top 10%",
    "tmars_top10to20p": "Top 10%-20%",
    "tmars_top20to30p": "Top 20%-30%",
    "tmars_top30to40p": "Top 30%-40%",
    "tmars_top0to40p_random25p": "Random 25% of top 40%",
}
GOYAL_SAMPLES_PER_BUCKET = 12_800_000

_OBS_FILES = {
    "base": "base_llm_benchmark_eval.csv",
    "base_sub_10b": "base_llm_benchmark_eval_sub_10b.csv",
    "emergent": "base_llm_emergent_capability_eval.csv",
    "leaderboard_v2": "base_llm_leaderboard_v2_eval.csv",
    "post_training": "base_llm_post_training_eval.csv",
    "instruct": "instruct_llm_benchmark_eval.csv",
    "agent": "instruct_llm_agent_eval.csv",
}
_OBS_RENAME = {
    "Model": "model",
    "Model Family": "family",
    "Model Size (B)": "params_b",
    "Pretraining Data Size (T)": "data_tokens_t",
    "FLOPs (1E21)": "flops_1e21",
}

# --------------------------------------------------------------------------------------------
# Public API


def datasets() -> list[str]:
    """Names of all registered data sets (registry order)."""
    return list(registry.load_registry())


def tables(name: str) -> list[str]:
    """Tidy tables of data set ``name`` (first = default); UnknownDatasetError if not registered."""
    registry.get_dataset(name)
    default = DEFAULT_TABLE[name]
    return [default] + [t for t in COLUMNS[name] if t != default]


def load(name: str, table: str | None = None) -> pd.DataFrame:
    """Load one tidy table of a registered data set.

    Parameters
    ----------
    name : str
        Data-set name, one of :func:`datasets`.
    table : str, optional
        Table name, one of :func:`tables` (default: :data:`DEFAULT_TABLE` ``[name]``).

    Returns
    -------
    pandas.DataFrame
        A fresh copy; columns and units as documented in :data:`COLUMNS` ``[name][table]``.

    Raises
    ------
    UnknownDatasetError, InputError, MissingDataError, HashMismatchError
        Unknown data set / unknown table (message lists known tables) / file unavailable /
        sha256 mismatch. Raw files are always hash-checked before they are parsed (a pickle is
        never opened before its sha256 matched).
    """
    ds = registry.get_dataset(name)
    if table is None:
        table = DEFAULT_TABLE[name]
    if table not in COLUMNS[name]:
        raise InputError(
            f"unknown table {table!r} for data set {name!r}; known tables: {', '.join(tables(name))}"
        )
    needed = _needed_files(name, table, [f.path for f in ds.files])
    paths = tuple(registry.fetch(name, rel) for rel in needed)  # verifies every sha256
    key = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths)
    return _parse_cached(name, table, tuple(needed), key).copy()


# --------------------------------------------------------------------------------------------
# Internals


def _needed_files(name: str, table: str, all_files: list[str]) -> list[str]:
    if name == "gadre_overtraining":
        if table == "runs":
            return [f for f in all_files if f.startswith("models/")]
        if table == "evals":
            return [f for f in all_files if f.startswith("evals/")]
        return ["eval_metadata.csv"]
    if name == "obsscaling_ruan":
        return [_OBS_FILES[table]]
    if name == "o1_aime_reconstruction":
        return [f"results_log_{table}.json"]
    if name == "dclm_curation":
        if table == "tasks":
            return [f for f in all_files if f.startswith("eval/")]
        return [f for f in all_files if f.startswith("exp_data/")]
    if name == "goyal_data_filtering":
        return ["results/parameter_values.jsonl"]
    if name == "pythia_fewshot":
        folder = "/zero-shot/" if table == "zero_shot_1b" else "/five-shot/"
        return [f for f in all_files if folder in f]
    return list(all_files)


@lru_cache(maxsize=64)
def _parse_cached(name: str, table: str, rels: tuple[str, ...], key: tuple) -> pd.DataFrame:
    paths = {rel: Path(k[0]) for rel, k in zip(rels, key, strict=True)}
    return _PARSERS[name](table, paths)


def _chinchilla(table: str, paths: dict[str, Path]) -> pd.DataFrame:
    raw = pd.read_csv(paths["svg_extracted_data.csv"])
    df = pd.DataFrame(
        {
            "params": raw["Model Size"].astype("float64"),
            "flops": raw["Training FLOP"].astype("float64"),
        }
    )
    df["tokens"] = df["flops"] / (6.0 * df["params"])
    df["loss"] = raw["loss"].astype("float64")
    if table == "fit_points":
        # Epoch (data_analysis.ipynb): keep losses < sorted(losses)[-5], i.e. drop the 5 highest.
        cutoff = np.sort(df["loss"].to_numpy())[-5]
        df = df[df["loss"] < cutoff].reset_index(drop=True)
    return df


def _read_verified_pickle(name: str, rel: str, path: Path) -> object:
    """Unpickle exactly the bytes whose sha256 matches the registry, hashed every time.

    The file is read once into memory, hashed, compared with the registry entry and unpickled
    from that memory: a file replaced after :func:`registry.fetch` verified it (even with the
    same size and a restored mtime, which the fetch-time hash cache cannot notice) is refused,
    never unpickled.
    """
    import hashlib
    import io

    expected = registry.get_dataset(name).file(rel).sha256
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{name}/{rel}: cannot read {path}: {exc.strerror or exc}") from None
    actual = hashlib.sha256(blob).hexdigest()
    if actual != expected:
        raise HashMismatchError(
            f"sha256 mismatch for {name}/{rel} ({path}): expected {expected}, got {actual}; "
            "the file changed after it was verified and is not unpickled"
        )
    compression = {".xz": "xz", ".gz": "gzip", ".bz2": "bz2", ".zst": "zstd"}.get(
        Path(rel).suffix, None
    )
    return pd.read_pickle(io.BytesIO(blob), compression=compression)


def _porian(table: str, paths: dict[str, Path]) -> pd.DataFrame:
    rows: list[dict] = []
    for rel in sorted(paths):
        summary = _read_verified_pickle("porian_compute_optimal", rel, paths[rel])
        for _, r in summary.iterrows():
            cfg_key = (r["hparams"], r["warmup"], r["decay"], r["param_count"])
            if cfg_key not in PORIAN_LABELS:
                raise DataError(f"porian_compute_optimal: no label for configuration {cfg_key}")
            cfg = {
                "source_file": rel,
                "dataset": r["dataset"],
                "hparams": r["hparams"],
                "warmup": r["warmup"],
                "decay": r["decay"],
                "param_count": r["param_count"],
                "loss_source": r["val"],
                "label": PORIAN_LABELS[cfg_key],
            }
            if table == "isoflop_points":
                for _, b in r["data"].iterrows():
                    if not isinstance(b["orig_n"], pd.Series | np.ndarray | list):
                        continue  # budget with no runs (NaN)
                    for n, t, loss in zip(b["orig_n"], b["orig_t"], b["orig_loss"], strict=True):
                        rows.append(
                            {**cfg, "flops": b["flops"], "params": n, "tokens": t, "loss": loss}
                        )
            elif table == "optimal_pairs":
                for _, o in r["optimal_pairs"].iterrows():
                    rows.append(
                        {
                            **cfg,
                            "flops": o["flops"],
                            "n_star": o["n"],
                            "t_star": o["t"],
                            "tokens_per_param_star": o["multiplier"],
                            "loss_star": o["loss"],
                            "n_star_log_std": o["n_star_std"],
                            "t_star_log_std": o["t_star_std"],
                            "multiplier_star_log_std": o["multiplier_star_std"],
                            "loss_star_std": o["loss_star_std"],
                        }
                    )
            else:
                for variant in ("basic", "weighted", "bs_median", "bs_median_weighted"):
                    fr = r["fit_results"][variant]
                    rows.append({**cfg, "variant": variant, **{k: fr[k] for k in COLUMNS_FIT}})
    df = pd.DataFrame(rows, columns=list(COLUMNS["porian_compute_optimal"][table]))
    for c in df.columns[8:]:
        if c != "variant":
            df[c] = df[c].astype("float64")
    return df


COLUMNS_FIT = [
    c for c in COLUMNS["porian_compute_optimal"]["fit_results"] if c not in _PORIAN_CONFIG
][1:]


def _datablations(table: str, paths: dict[str, Path]) -> pd.DataFrame:
    df = pd.read_csv(paths["data_constrained_runs.csv"])
    return df[list(COLUMNS["datablations_muennighoff"]["runs"])]


def _snake(col: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", col.lower()).strip("_")


# Epoch's language-model dataset sizes are words when the notes convert tokens with 0.75
# words/token (e.g. GPT-3: "499 billion tokens ... multiply by 0.75 to give 374B words").
_WORDS_RE = re.compile(r"\bwords?\b|0\.75", re.IGNORECASE)


def _epoch(table: str, paths: dict[str, Path]) -> pd.DataFrame:
    raw = pd.read_csv(paths["notable_ai_models_24_02_2025.csv"])
    # the book's one name for a parameter count is ``params`` (Epoch's column is "Parameters")
    df = raw.rename(
        columns={
            "Training dataset size (datapoints)": "dataset_size_datapoints",
            "Parameters": "params",
        }
    )
    df.columns = [_snake(c) for c in df.columns]
    df["publication_date"] = pd.to_datetime(df["publication_date"], format="%Y-%m-%d")
    df["frontier_model"] = df["frontier_model"].fillna(False).astype(bool)
    df["is_language"] = df["domain"].fillna("").str.contains("Language", regex=False)
    size = df["dataset_size_datapoints"].astype("float64")
    in_words = df["dataset_size_notes"].fillna("").str.contains(_WORDS_RE)
    has = df["is_language"] & size.notna()
    unit = pd.Series(None, index=df.index, dtype="object")
    unit[has & in_words] = "words"
    unit[has & ~in_words] = "tokens"
    df["dataset_size_unit"] = unit
    tokens = pd.Series(np.nan, index=df.index, dtype="float64")
    tokens[has & in_words] = size[has & in_words] / 0.75
    tokens[has & ~in_words] = size[has & ~in_words]
    df["dataset_size_tokens"] = tokens
    for c in (
        "params",
        "training_compute_flop",
        "dataset_size_datapoints",
        "training_compute_cost_2023_usd",
        "hardware_utilization",
    ):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    return df


def _gadre(table: str, paths: dict[str, Path]) -> pd.DataFrame:
    if table == "eval_metadata":
        raw = pd.read_csv(paths["eval_metadata.csv"])
        raw.columns = list(COLUMNS["gadre_overtraining"]["eval_metadata"])
        return raw
    rows = []
    for rel in sorted(paths):
        d = json.loads(paths[rel].read_text(encoding="utf-8"))
        if table == "evals":
            run = re.fullmatch(r"evals/evaluation_(.+)_heavy\.json", rel).group(1)
            for task, acc in d["eval_metrics"]["icl"].items():
                rows.append({"run": run, "task": task, "accuracy": float(acc)})
            continue
        h = d["hyperparameters"]
        row = {
            "run": d["name"],
            "dataset": d["dataset_name"],
            "arch": h["model"],
            "params": float(h["params"]),
            "params_no_embed": float(h["params_no_embed"]),
            "tokens": float(h["tokens"]),
            "chinchilla_multiplier": float(h["chinchilla_multiplier"]),
            "multiplier": 20.0 * float(h["chinchilla_multiplier"]),
            "flops": 6.0 * float(h["params"]) * float(h["tokens"]),
            "lr": float(h["lr"]),
            "warmup": float(h["warmup"]),
            "global_bs": float(h["global_bs"]),
        }
        for res in d["results"]:
            vd = " ".join(res["val_data"])
            short = [s for k, s in GADRE_EVAL_SETS.items() if k in vd]
            if len(short) != 1:
                raise DataError(f"gadre_overtraining: unknown eval set {vd!r} in {rel}")
            row[f"loss_{short[0]}"] = float(res["loss"])
        rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS["gadre_overtraining"][table]))


def _obsscaling(table: str, paths: dict[str, Path]) -> pd.DataFrame:
    df = pd.read_csv(paths[_OBS_FILES[table]]).rename(columns=_OBS_RENAME)
    if "flops_1e21" in df.columns:
        df["params"] = df["params_b"] * 1e9
        df["tokens"] = df["data_tokens_t"] * 1e12
        df["flops"] = df["flops_1e21"] * 1e21
    return df


def _reasoning_setting(model: str) -> str | None:
    """Text in the first parentheses of an Aider model name, e.g. ``"o3-mini (high)"`` -> ``"high"``.

    Parentheses holding only a date or version tag (``"(2025-02-15)"``, ``"(0528)"``, ``"(prev)"``)
    are not a reasoning setting and give None, as do names without parentheses.
    """
    m = re.search(r"\(([^()]*)\)", str(model))
    if m is None:
        return None
    text = m.group(1).strip()
    if re.fullmatch(r"\d[\d-]*|prev", text):
        return None
    return text


def _aider(table: str, paths: dict[str, Path]) -> pd.DataFrame:
    records = yaml.safe_load(paths["polyglot_leaderboard.yml"].read_text(encoding="utf-8"))
    cols: list[str] = []
    for r in records:
        cols += [k for k in r if k not in cols]
    df = pd.DataFrame(records, columns=cols)
    for c in cols:
        vals = [v for v in df[c] if v is not None and not (isinstance(v, float) and np.isnan(v))]
        if vals and all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals):
            df[c] = df[c].astype("float64")
    if "commit_hash" in df.columns:
        df["commit_hash"] = df["commit_hash"].map(lambda v: None if pd.isna(v) else str(v))
    df["date"] = pd.to_datetime(df["date"].astype(str), format="%Y-%m-%d")
    df["reasoning_setting"] = pd.Series(
        [_reasoning_setting(m) for m in df["model"]], index=df.index, dtype="object"
    )
    return df


#: File names of the Pythia evaluations (lm-evaluation-harness JSON), by data set and table. The
#: 1B model's files sit under pythia-1b-bf16 (trained in bf16; Pythia README); four of its zero-shot
#: files are named "-5shot" although their config says num_fewshot 0 (pythia_fewshot PROVENANCE).
_PYTHIA_FILES = {
    ("pythia_evals", "evals"): r"pythia-([0-9.]+[mb])/zero-shot/\1_step(\d+)\.json",
    (
        "pythia_fewshot",
        "zero_shot_1b",
    ): r"pythia-(1b)-bf16/zero-shot/1b-bf16(?:-5shot)?_step(\d+)\.json",
    (
        "pythia_fewshot",
        "five_shot",
    ): r"pythia-([0-9.]+[mb])(?:-bf16)?/five-shot/\1-5shot_step(\d+)\.json",
}


def _pythia(table: str, paths: dict[str, Path], name: str = "pythia_evals") -> pd.DataFrame:
    pattern = _PYTHIA_FILES[(name, table)]
    rows = []
    for rel, p in paths.items():
        m = re.fullmatch(pattern, rel)
        if m is None:
            raise DataError(f"{name}: unexpected file name {rel!r}")
        size, step = m.group(1), int(m.group(2))
        d = json.loads(p.read_text(encoding="utf-8"))
        for task, metrics in d["results"].items():
            for metric, value in metrics.items():
                if metric.endswith("_stderr"):
                    continue
                rows.append(
                    {
                        "size": size,
                        "params": PYTHIA_PARAMS[size],
                        "step": step,
                        "tokens": float(step * PYTHIA_TOKENS_PER_STEP),
                        "task": task,
                        "metric": metric,
                        "value": float(value),
                        "stderr": float(metrics.get(f"{metric}_stderr", np.nan)),
                    }
                )
    df = pd.DataFrame(rows, columns=list(COLUMNS[name][table]))
    df = df.sort_values(["params", "step"], kind="stable").reset_index(drop=True)
    return df


def _pythia_fewshot(table: str, paths: dict[str, Path]) -> pd.DataFrame:
    return _pythia(table, paths, "pythia_fewshot")


def _o1(table: str, paths: dict[str, Path]) -> pd.DataFrame:
    records = json.loads(paths[f"results_log_{table}.json"].read_text(encoding="utf-8"))
    df = pd.DataFrame(records)[["token_limit", "accuracy", "avg_tokens_used"]]
    df["token_limit"] = df["token_limit"].astype("int64")
    df["accuracy"] = df["accuracy"].astype("float64")
    df["avg_tokens_used"] = df["avg_tokens_used"].astype("float64")
    if table == "majority_vote":
        # o1.py run_majority_vote_inference_experiments: budgets > 2048 = token_limit/2048 votes.
        df["n_votes"] = np.maximum(1, df["token_limit"] // 2048).astype("int64")
    return df


def _dclm_hparams(run: str, model: dict | None) -> dict[str, float]:
    """lr, wd, seed, tokens, Chinchilla multiple from the model JSON, else from the file name."""
    if model is not None:
        h = model["hyperparameters"]
        keys = ("lr", "wd", "seed", "tokens", "chinchilla_multiplier")
        return {k: float(h.get(k, np.nan)) for k in keys}
    out = dict.fromkeys(("lr", "wd", "seed", "tokens", "chinchilla_multiplier"), np.nan)
    fields = dict(re.findall(r"-(lr|wd|seed|tokens|mult)=([0-9a-zp.e-]+?)(?=-|$)", run))
    names = {"mult": "chinchilla_multiplier"}
    for k, v in fields.items():
        out[names.get(k, k)] = float(v.replace("p", "."))
    return out


def _dclm(table: str, paths: dict[str, Path]) -> pd.DataFrame:
    if table == "tasks":
        agg = json.loads(paths["eval/additional_aggregation.json"].read_text(encoding="utf-8"))
        v1 = pd.read_csv(paths["eval/eval_meta_data_v1.csv"])
        v2 = pd.read_csv(paths["eval/eval_meta_data.csv"])
        if list(v1["Eval Task"]) != list(v2["Eval Task"]):
            raise DataError("dclm_curation: the v1 and v2 meta files list different tasks")
        return pd.DataFrame(
            {
                "task": v2["Eval Task"],
                "category": v2["Task Category"],
                "task_type": v2["Task Type"],
                "n_shots": v2["#shots"].astype("int64"),
                "n_datapoints": v2["#datapoints"].astype("int64"),
                "baseline_v1": v1["Random baseline"].astype("float64") / 100.0,  # in percent
                "baseline_v2": v2["Random baseline"].astype("float64") / 100.0,
                "core": v2["Eval Task"].isin(agg["low_variance_datasets"]),
            }
        )
    models = {}
    for rel, p in paths.items():
        if rel.startswith("exp_data/models/"):
            m = json.loads(p.read_text(encoding="utf-8"))
            models[m["uuid"]] = m
    rows = []
    for rel in sorted(r for r in paths if r.startswith("exp_data/evals/")):
        e = json.loads(paths[rel].read_text(encoding="utf-8"))
        run = re.fullmatch(r"exp_data/evals/evaluation_(.+?)(?:_heavy)?\.json", rel).group(1)
        icl = e["eval_metrics"]["icl"]
        if table == "task_scores":
            rows += [{"run": run, "task": t, "accuracy": float(v)} for t, v in icl.items()]
            continue
        model = models.get(e.get("model_uuid"))
        params, size = _DCLM_ARCH[e["model"]]
        if model is not None:
            params = int(model["hyperparameters"]["params"])
        h = _dclm_hparams(run, model)
        ds_name = model["dataset_name"] if model else run.split("-" + e["model"] + "-")[0]
        if rel.endswith("open_lm_dclm_7b_8k.json"):
            ds_name, scale = "DCLM-7B release", "DCLM-7B (2.6T)"
        else:
            scale = f"{size}-{h['chinchilla_multiplier']:g}x"
        std_lr = (3e-4, 0.33) if size == "7B" else (3e-3, 0.033)
        rows.append(
            {
                "run": run,
                "dataset_name": ds_name,
                "dataset": DCLM_DATASETS.get(ds_name, ds_name),
                "scale": scale,
                "arch": e["model"],
                "params": float(params),
                "tokens": h["tokens"],
                "flops": 6.0 * params * h["tokens"],
                "lr": h["lr"],
                "wd": h["wd"],
                "seed": h["seed"],
                "standard": bool(np.isclose(h["lr"], std_lr[0]) and np.isclose(h["wd"], std_lr[1])),
                **{
                    f"{k.lower()}": pd.to_numeric(e[k], errors="coerce")
                    for k in ("Core_v1", "Core_v2", "Extended_v1", "Extended_v2")
                },
                "mmlu": float(icl["mmlu_fewshot"]),
            }
        )
    df = pd.DataFrame(rows, columns=list(COLUMNS["dclm_curation"][table]))
    if table == "runs":
        for c in ("core_v1", "core_v2", "extended_v1", "extended_v2"):
            df[c] = df[c].astype("float64")
    return df


def _goyal(table: str, paths: dict[str, Path]) -> pd.DataFrame:
    rows = []
    lines = paths["results/parameter_values.jsonl"].read_text(encoding="utf-8").splitlines()
    for line in lines:
        rec = json.loads(line)
        fit = rec["id"].rsplit("_", 1)[1]  # tmars_imagenet1k_utility / _data
        for i, bucket in enumerate(rec["names"]):
            rows.append(
                {
                    "fit": fit,
                    "bucket": bucket,
                    "label": GOYAL_BUCKETS[bucket],
                    "b": float(rec["b_values"][i]),
                    "tau": float(rec["c_values"][i]),
                    "a": float(rec["a_values"][i]),
                    "d": float(rec.get("d_value", np.nan)),
                    "samples_per_bucket": float(GOYAL_SAMPLES_PER_BUCKET),
                }
            )
    df = pd.DataFrame(rows, columns=list(COLUMNS["goyal_data_filtering"]["pools"]))
    order = {"utility": 0, "data": 1}
    return df.sort_values("fit", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


_PARSERS = {
    "chinchilla_epoch_svg": _chinchilla,
    "porian_compute_optimal": _porian,
    "datablations_muennighoff": _datablations,
    "epoch_notable_models": _epoch,
    "gadre_overtraining": _gadre,
    "obsscaling_ruan": _obsscaling,
    "aider_polyglot": _aider,
    "pythia_evals": _pythia,
    "pythia_fewshot": _pythia_fewshot,
    "o1_aime_reconstruction": _o1,
    "dclm_curation": _dclm,
    "goyal_data_filtering": _goyal,
}

"""Compute accounting: parameter counts, FLOPs per token, training FLOPs, GPU-hours and dollars.

Units: ``N`` parameters (each function states whether embeddings count), ``D`` tokens,
``C`` FLOP. 1 PF-day = 8.64e19 FLOP (Kaplan et al. 2020, §1.3).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import PF_DAY_FLOP, as_positive

__all__ = [
    "PF_DAY_FLOP",
    "H100_BF16_DENSE_FLOPS",
    "GPT3_VOCAB",
    "GPT3_N_CTX",
    "kaplan_params",
    "transformer_params",
    "flops_per_token",
    "training_flops",
    "pf_days",
    "gpu_hours",
    "training_cost_usd",
    "GPT3Row",
    "GPT3_TABLE_2_1",
    "GPT3_TABLE_D1",
    "gpt3_param_table",
    "gpt3_flops_table",
    "ModelFacts",
    "GPT_SERIES",
    "gpt_series_frame",
    "CHINCHILLA",
    "GOPHER",
    "KAPLAN_2020_DATE",
]

#: Submission date of Kaplan et al. 2020, "Scaling Laws for Neural Language Models", arXiv:2001.08361
#: v1 (arXiv listing: submitted 23 January 2020). GPT-1 (June 2018) and GPT-2 (February 2019) predate it.
KAPLAN_2020_DATE: str = "2020-01-23"

#: NVIDIA H100 SXM dense BF16/FP16 tensor-core peak, FLOP/s (1978.9e12 is the 2:4-sparse figure).
#: Source: NVIDIA H100 datasheet as tabulated on glennklockwood.com (paper_numbers.md §11, [V2]).
H100_BF16_DENSE_FLOPS: float = 989.4e12

#: GPT-2/GPT-3 BPE vocabulary size (Radford et al. 2019; Brown et al. 2020).
GPT3_VOCAB: int = 50257
#: GPT-3 context length (Brown et al. 2020, Table 2.1 caption).
GPT3_N_CTX: int = 2048


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        if isinstance(value, float) and np.isfinite(value) and value == int(value) and value > 0:
            return int(value)
        raise InputError(f"{name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise InputError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def kaplan_params(n_layer: Any, d_model: Any) -> float | np.ndarray:
    """Non-embedding parameters ``N = 12 n_layer d_model**2`` (Kaplan et al. 2020, eq 2.1).

    Assumes d_attn = d_model and d_ff = 4 d_model; biases and layer norms are excluded.
    """
    n = as_positive(n_layer, "n_layer")
    d = as_positive(d_model, "d_model")
    out = 12.0 * np.asarray(n) * np.asarray(d) ** 2
    return float(out) if np.ndim(out) == 0 else out


def transformer_params(
    n_layer: int,
    d_model: int,
    n_heads: int,
    vocab_size: int,
    n_ctx: int,
    d_ff: int | None = None,
    *,
    include_embeddings: bool = True,
    tied_embeddings: bool = True,
    biases: bool = True,
    learned_positions: bool = True,
) -> int:
    """Exact parameter count of a GPT-2/GPT-3-style decoder.

    Per block: attention qkv (``d x 3d`` + bias ``3d``) and output projection (``d x d`` + ``d``),
    MLP (``d x d_ff`` + ``d_ff``, ``d_ff x d`` + ``d``), two layer norms (``2 x 2d``); plus a
    final layer norm (``2d``). With ``include_embeddings``: token embedding ``vocab x d``
    (shared with the output head if ``tied_embeddings``, else a bias-free head adds another
    ``vocab x d``) and, if ``learned_positions``, position embedding ``n_ctx x d``.
    ``n_heads`` does not change the count (the heads split ``d_model``) but is validated.

    GPT-2 small (12, 768, 12, 50257, 1024) gives 124,439,808 with position embeddings and
    123,653,376 without (nanoGPT ``scaling_laws.ipynb``; paper_numbers §2.1).
    """
    n_layer = _positive_int(n_layer, "n_layer")
    d = _positive_int(d_model, "d_model")
    _positive_int(n_heads, "n_heads")
    vocab = _positive_int(vocab_size, "vocab_size")
    ctx = _positive_int(n_ctx, "n_ctx")
    ff = 4 * d if d_ff is None else _positive_int(d_ff, "d_ff")
    bias = 1 if biases else 0
    attn = d * 3 * d + bias * 3 * d + d * d + bias * d
    mlp = d * ff + bias * ff + ff * d + bias * d
    norms = 2 * (2 * d)
    total = n_layer * (attn + mlp + norms) + 2 * d
    if include_embeddings:
        total += vocab * d
        if not tied_embeddings:
            total += vocab * d
        if learned_positions:
            total += ctx * d
    return int(total)


def flops_per_token(
    N: Any, n_layer: Any = None, n_ctx: Any = None, d_attn: Any = None
) -> float | np.ndarray:
    """Training FLOP per token: ``6 N + 6 n_layer n_ctx d_attn`` (Kaplan et al. 2020, eq 2.2 x 3).

    The forward pass costs ``2N + 2 n_layer n_ctx d_attn`` (eq 2.2); training (forward plus
    backward) is 3x that. Without ``n_layer``, ``n_ctx``, ``d_attn`` the attention term is
    dropped (``6N``, the usual ``C ≈ 6ND`` convention). ``N`` is non-embedding parameters.
    """
    n = as_positive(N, "N")
    given = [x is not None for x in (n_layer, n_ctx, d_attn)]
    if any(given) and not all(given):
        raise InputError("n_layer, n_ctx and d_attn must be given together (or none of them)")
    out = 6.0 * np.asarray(n)
    if all(given):
        out = out + 6.0 * np.asarray(as_positive(n_layer, "n_layer")) * np.asarray(
            as_positive(n_ctx, "n_ctx")
        ) * np.asarray(as_positive(d_attn, "d_attn"))
    return float(out) if np.ndim(out) == 0 else out


def training_flops(N: Any, D: Any) -> float | np.ndarray:
    """Training compute ``C = 6 N D`` FLOP (Kaplan et al. 2020, §1.3; Hoffmann et al. 2022, §3)."""
    out = 6.0 * np.asarray(as_positive(N, "N")) * np.asarray(as_positive(D, "D"))
    return float(out) if np.ndim(out) == 0 else out


def pf_days(C: Any) -> float | np.ndarray:
    """Convert FLOP to PF-days (1 PF-day = 8.64e19 FLOP, Kaplan et al. 2020 §1.3)."""
    out = np.asarray(as_positive(C, "flops")) / PF_DAY_FLOP
    return float(out) if np.ndim(out) == 0 else out


def _utilization(u: Any) -> float:
    u = as_positive(u, "utilization")
    if np.any(np.asarray(u) > 1):
        raise InputError(f"utilization must be in (0, 1], got {u!r}")
    return u


def gpu_hours(
    C: Any, peak_flops_per_s: Any = H100_BF16_DENSE_FLOPS, utilization: Any = 0.4
) -> float | np.ndarray:
    """GPU-hours to execute ``C`` FLOP at ``peak_flops_per_s`` x ``utilization`` (MFU in (0, 1]).

    Default peak: H100 dense BF16 (989.4e12 FLOP/s); default MFU 0.4 (Llama 3 reports 38-43%).
    """
    c = np.asarray(as_positive(C, "flops"))
    p = np.asarray(as_positive(peak_flops_per_s, "peak_flops_per_s"))
    out = c / (p * np.asarray(_utilization(utilization))) / 3600.0
    return float(out) if np.ndim(out) == 0 else out


def training_cost_usd(
    C: Any,
    peak_flops_per_s: Any = H100_BF16_DENSE_FLOPS,
    utilization: Any = 0.4,
    usd_per_gpu_hour: Any = 2.0,
) -> float | np.ndarray:
    """Dollar cost = GPU-hours x ``usd_per_gpu_hour`` (default $2/GPU-h as in DeepSeek-V3 Table 1)."""
    price = np.asarray(as_positive(usd_per_gpu_hour, "usd_per_gpu_hour"))
    out = np.asarray(gpu_hours(C, peak_flops_per_s, utilization)) * price
    return float(out) if np.ndim(out) == 0 else out


# ---------------------------------------------------------------------------------------------
# GPT-3 tables (Brown et al. 2020, arXiv:2005.14165)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GPT3Row:
    """One row of Brown et al. 2020 Table 2.1, as printed (batch in tokens)."""

    name: str
    n_params_printed: float
    n_layers: int
    d_model: int
    n_heads: int
    d_head: int
    batch: float
    lr: float


_GPT3_CIT = "Brown et al. 2020, arXiv:2005.14165, Table 2.1"

#: Brown et al. 2020 Table 2.1 exactly as printed, including d_model = 5140 for 13B.
GPT3_TABLE_2_1: tuple[GPT3Row, ...] = (
    GPT3Row("GPT-3 Small", 125e6, 12, 768, 12, 64, 0.5e6, 6.0e-4),
    GPT3Row("GPT-3 Medium", 350e6, 24, 1024, 16, 64, 0.5e6, 3.0e-4),
    GPT3Row("GPT-3 Large", 760e6, 24, 1536, 16, 96, 0.5e6, 2.5e-4),
    GPT3Row("GPT-3 XL", 1.3e9, 24, 2048, 24, 128, 1e6, 2.0e-4),
    GPT3Row("GPT-3 2.7B", 2.7e9, 32, 2560, 32, 80, 1e6, 1.6e-4),
    GPT3Row("GPT-3 6.7B", 6.7e9, 32, 4096, 32, 128, 2e6, 1.2e-4),
    GPT3Row("GPT-3 13B", 13.0e9, 40, 5140, 40, 128, 2e6, 1.0e-4),
    GPT3Row("GPT-3 175B", 175.0e9, 96, 12288, 96, 128, 3.2e6, 0.6e-4),
)

#: Brown et al. 2020 Table D.1: (name, PF-days, FLOPs, params in millions, tokens in billions).
GPT3_TABLE_D1: tuple[tuple[str, float, float, float, float], ...] = (
    ("GPT-3 Small", 2.60e0, 2.25e20, 125, 300),
    ("GPT-3 Medium", 7.42e0, 6.41e20, 356, 300),
    ("GPT-3 Large", 1.58e1, 1.37e21, 760, 300),
    ("GPT-3 XL", 2.75e1, 2.38e21, 1320, 300),
    ("GPT-3 2.7B", 5.52e1, 4.77e21, 2650, 300),
    ("GPT-3 6.7B", 1.39e2, 1.20e22, 6660, 300),
    ("GPT-3 13B", 2.68e2, 2.31e22, 12850, 300),
    ("GPT-3 175B", 3.64e3, 3.14e23, 174600, 300),
)


def gpt3_param_table(*, correct_13b: bool = False) -> pd.DataFrame:
    """Recompute GPT-3 parameter counts from Table 2.1 architectures (Brown et al. 2020).

    Exact count via :func:`transformer_params` with vocab 50257, n_ctx 2048, d_ff = 4 d_model,
    tied embeddings, learned positions. With ``correct_13b=True`` the 13B row uses
    d_model = 5120 (= n_heads x d_head) instead of the printed 5140.

    Columns: ``name, n_layers, d_model_printed, d_model_used, n_heads, d_head,
    n_params_printed, n_params_recomputed, rel_error, n_params_table_d1, rel_error_d1, typo``.
    ``rel_error = recomputed / printed - 1``; ``typo`` is empty unless the printed row is
    inconsistent (n_heads x d_head != d_model).
    """
    d1 = {r[0]: r[3] * 1e6 for r in GPT3_TABLE_D1}
    rows = []
    for r in GPT3_TABLE_2_1:
        d_used = r.d_model
        notes = []
        if r.n_heads * r.d_head != r.d_model:
            notes.append(f"n_heads*d_head = {r.n_heads * r.d_head} != printed d_model {r.d_model}")
        if r.d_model == 5140:
            notes.append("d_model printed 5140; 5120 intended (n_heads*d_head = 5120)")
            if correct_13b:
                d_used = 5120
                notes.append("recomputed with 5120")
        n = transformer_params(r.n_layers, d_used, r.n_heads, GPT3_VOCAB, GPT3_N_CTX)
        rows.append(
            {
                "name": r.name,
                "n_layers": r.n_layers,
                "d_model_printed": r.d_model,
                "d_model_used": d_used,
                "n_heads": r.n_heads,
                "d_head": r.d_head,
                "n_params_printed": r.n_params_printed,
                "n_params_recomputed": float(n),
                "rel_error": n / r.n_params_printed - 1.0,
                "n_params_table_d1": d1[r.name],
                "rel_error_d1": n / d1[r.name] - 1.0,
                "typo": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows)


def gpt3_flops_table() -> pd.DataFrame:
    """Brown et al. 2020 Table D.1 next to ``6 N D`` recomputed from its own params and tokens.

    Columns: ``name, pf_days_printed, flops_printed, params, tokens, flops_6nd, pf_days_6nd,
    rel_error`` (``flops_6nd / flops_printed - 1``).
    """
    rows = []
    for name, pfd, flops, params_m, tokens_b in GPT3_TABLE_D1:
        n, d = params_m * 1e6, tokens_b * 1e9
        c = training_flops(n, d)
        rows.append(
            {
                "name": name,
                "pf_days_printed": pfd,
                "flops_printed": flops,
                "params": n,
                "tokens": d,
                "flops_6nd": c,
                "pf_days_6nd": pf_days(c),
                "rel_error": c / flops - 1.0,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# GPT series and Chinchilla/Gopher facts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelFacts:
    """Published facts about one model; ``None`` where not published."""

    name: str
    params: float | None
    tokens: float | None
    flops: float | None
    citation: str
    confidence: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return asdict(self)


#: GPT-1 to GPT-4 facts with citations and confidence notes (paper_numbers §2, §11; datasets §4).
GPT_SERIES: tuple[ModelFacts, ...] = (
    ModelFacts(
        "GPT-1",
        117e6,
        None,
        1.76e19,
        "params: Radford et al. 2019 (GPT-2 paper) 'smallest model is equivalent to the original "
        "GPT'; FLOP: Epoch AI notable-models export 2025-02-24 (estimate)",
        "[U] parameter count not stated in the GPT-1 paper; compute is an Epoch estimate",
    ),
    ModelFacts(
        "GPT-2 (1.5B)",
        1.558e9,
        None,
        1.92e21,
        "params: openai/gpt-2 README corrected count 1558M (paper Table 2 printed 1542M); "
        "FLOP: Epoch AI notable-models export 2025-02-24 (estimate)",
        "[V2] params (corrected count); compute is an Epoch estimate; token count not published",
    ),
    ModelFacts(
        "GPT-3 175B",
        174.6e9,
        300e9,
        3.14e23,
        "Brown et al. 2020, arXiv:2005.14165, Table D.1 (174,600M params, 300B tokens, "
        "3.14e23 FLOP = 3.64e3 PF-days) and Table 2.1",
        "[V2]",
    ),
    ModelFacts(
        "GPT-4",
        None,
        None,
        2.1e25,
        "OpenAI 2023, arXiv:2303.08774 (no size or compute disclosed); FLOP: Epoch AI estimate "
        "(epoch.ai/data-insights/models-over-1e25-flop, via secondary copies)",
        "[U] parameters and tokens unknown; 2.1e25 FLOP is an Epoch estimate (about 5x uncertainty)",
    ),
)


def gpt_series_frame() -> pd.DataFrame:
    """:data:`GPT_SERIES` as a DataFrame (columns = :class:`ModelFacts` fields; None -> NaN)."""
    return pd.DataFrame([m.to_dict() for m in GPT_SERIES]).astype(
        {"params": "float64", "tokens": "float64", "flops": "float64"}
    )


#: Chinchilla 70B params / 1.4T tokens (Hoffmann et al. 2022, §4, Table 4); 6ND = 5.88e23 FLOP.
CHINCHILLA = ModelFacts(
    "Chinchilla",
    70e9,
    1.4e12,
    5.76e23,
    "Hoffmann et al. 2022, arXiv:2203.15556, §4 and Table 3 (Gopher budget 5.76e23 FLOP)",
    "[V2]; 6ND gives 5.88e23, the paper's budget 5.76e23",
)

#: Gopher 280B params / 300B tokens (Hoffmann et al. 2022, Table 4); 6ND = 5.04e23 FLOP.
GOPHER = ModelFacts(
    "Gopher",
    280e9,
    300e9,
    5.76e23,
    "Hoffmann et al. 2022, arXiv:2203.15556, Fig. 2 caption and Table 4 (budget 5.76e23 FLOP)",
    "[V2]; 6ND gives 5.04e23, the paper's budget 5.76e23",
)

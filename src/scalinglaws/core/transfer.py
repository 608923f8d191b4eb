"""Transfer from pre-training as effective data (Hernandez, Kaplan, Henighan, McCandlish 2021).

Hernandez et al. 2021, "Scaling Laws for Transfer" (arXiv:2102.01293v1, the only version), measure
what pre-training on text is worth to a model fine-tuned on Python. The *effective data transferred*
``D_T`` is the extra Python data a model of the same size trained from scratch would need to reach
the fine-tuned model's loss (§1.2), so the fine-tuned model behaves as if trained from scratch on
``D_E = D_F + D_T`` (App. B). In the low-data regime they fit (Eq. 1.1)

    D_T = k (D_F)^alpha (N)^beta,

with ``D_F`` the fine-tuning data in **characters** (so ``D_T`` is in characters too) and ``N``
the **non-embedding** parameters. The law is stated for the *low-data regime*: ``D_F`` at most
:data:`LOW_DATA_FRACTION` (10%) of the data that would saturate a model of size ``N``. It says
nothing about larger ``D_F``, where small pre-trained models can end *worse* than from-scratch ones
("ossification", §3).

**The constants are NOT verified against the paper text.** The book's reference sheet
(paper_numbers §15.3) did not read the paper's Table 1: alpha and beta appear in two independent
secondary notes (its mark: "[V2, secondary]"), k in one only ("[V1, secondary]"). Every law object
below carries this in its ``confidence`` field, and every place that shows the constants must say so.

Functions (all vectorised; scalars in, float out):

* :func:`effective_data_transferred` -- ``D_T``;
* :func:`effective_data` -- ``D_E = D_F + D_T``;
* :func:`effective_data_multiplier` -- ``(D_F + D_T) / D_F``, what pre-training multiplies the
  fine-tuning set by (the abstract's "pre-training effectively multiplies the fine-tuning dataset
  size");
* :func:`fraction_from_transfer` -- ``D_T / (D_F + D_T)``, the share of the effective data that
  pre-training supplies;
* :func:`finetune_equivalent_of_scale` -- the factor on ``D_F`` that adds as much ``D_T`` as a
  factor on ``N``: ``factor^(beta/alpha)``;
* :func:`finetune_chars_for_fraction` -- the ``D_F`` at which pre-training supplies a given share
  of the effective data (the inverse of :func:`fraction_from_transfer` in ``D_F``).

Continued pre-training (Ibrahim et al. 2024) has no law here, only the facts the book quotes:
:data:`IBRAHIM_MODEL_SIZES` and :data:`IBRAHIM_REPLAY`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from scalinglaws.core.errors import InputError
from scalinglaws.core.validation import positive

__all__ = [
    "HERNANDEZ_CITATION",
    "NOT_VERIFIED",
    "LOW_DATA_FRACTION",
    "QUOTED_SCALE_EQUIVALENCE",
    "TransferLaw",
    "TEXT_TO_PYTHON",
    "MIXED_TO_PYTHON",
    "TRANSFER_LAWS",
    "get_transfer_law",
    "effective_data_transferred",
    "effective_data",
    "effective_data_multiplier",
    "fraction_from_transfer",
    "finetune_equivalent_of_scale",
    "finetune_chars_for_fraction",
    "IBRAHIM_CITATION",
    "IBRAHIM_MODEL_SIZES",
    "IBRAHIM_REPLAY",
]

HERNANDEZ_CITATION = (
    "Hernandez, Kaplan, Henighan, McCandlish 2021, Scaling Laws for Transfer, arXiv:2102.01293v1, "
    "Eq. 1.1 and Table 1"
)

#: The caveat every display of the constants carries (paper_numbers §15.3 and "Items NOT
#: verified in sections 12-16", item 9).
NOT_VERIFIED = (
    "not verified against the paper: its Table 1 was not read; alpha and beta come from two "
    "independent secondary notes [V2, secondary], k from one [V1, secondary] (paper_numbers §15.3)"
)

#: The low-data regime of Eq. 1.1: D_F at most this share of the data that saturates a model of
#: size N (Hernandez et al. 2021, §1.2; paper_numbers §15.3, [V2 for the form]).
LOW_DATA_FRACTION = 0.1

#: "a 10x increase in model size ... worth approximately a 100x increase in fine-tuning dataset
#: size" (Hernandez et al. 2021, §1.1, as quoted by two secondary notes: paper_numbers §15.3,
#: [V2, secondary]): (factor on N, factor on D_F).
QUOTED_SCALE_EQUIVALENCE = (10.0, 100.0)


@dataclass(frozen=True)
class TransferLaw:
    """``D_T = k D_F^alpha N^beta`` for one pre-training distribution (Hernandez et al. 2021).

    Attributes
    ----------
    name : str
        Short identifier (``text`` or ``mixed``).
    label : str
        What was pre-trained on and what was fine-tuned on, for a reader.
    k : float
        Scale (``D_T`` and ``D_F`` in characters, ``N`` non-embedding parameters).
    alpha, beta : float
        Exponents of the fine-tuning data ``D_F`` and of the model size ``N``.
    citation : str
        Where the constants come from.
    confidence : str
        The reference sheet's confidence in them (:data:`NOT_VERIFIED`).
    """

    name: str
    label: str
    k: float
    alpha: float
    beta: float
    citation: str = HERNANDEZ_CITATION
    confidence: str = NOT_VERIFIED

    def __post_init__(self) -> None:
        for attr in ("k", "alpha", "beta"):
            positive(getattr(self, attr), f"{self.name}.{attr}")
        if not self.alpha < 1:
            # alpha >= 1 would make pre-training worth more, not less, per fine-tuning character
            raise InputError(f"{self.name}.alpha must be below 1, got {self.alpha!r}")


#: Pre-trained on text, fine-tuned on Python (Table 1, row 1). NOT verified against the paper:
#: alpha = 0.18 and beta = 0.38 [V2, secondary], k = 1.9e4 [V1, secondary] (paper_numbers §15.3).
TEXT_TO_PYTHON = TransferLaw(
    name="text", label="text → Python", k=1.9e4, alpha=0.18, beta=0.38
)  # fmt: skip

#: Pre-trained on 50% text and 50% non-Python code, fine-tuned on Python (Table 1, row 2). NOT
#: verified against the paper: alpha = 0.096 and beta = 0.38 [V2, secondary], k = 2.1e5
#: [V1, secondary] (paper_numbers §15.3).
MIXED_TO_PYTHON = TransferLaw(
    name="mixed", label="50% text + 50% non-Python code → Python", k=2.1e5, alpha=0.096, beta=0.38
)

#: The two pre-training distributions of Table 1, by name.
TRANSFER_LAWS: dict[str, TransferLaw] = {law.name: law for law in (TEXT_TO_PYTHON, MIXED_TO_PYTHON)}


def get_transfer_law(law: Any = "text") -> TransferLaw:
    """A :class:`TransferLaw` or its name (``text``, ``mixed``)."""
    if isinstance(law, TransferLaw):
        return law
    if isinstance(law, str) and law in TRANSFER_LAWS:
        return TRANSFER_LAWS[law]
    raise InputError(f"unknown transfer law {law!r}; known: {', '.join(TRANSFER_LAWS)}")


def _positive(value: Any, name: str) -> np.ndarray:
    """``value`` as a float64 array (any shape) of positive finite numbers, else one InputError line."""
    if isinstance(value, bool | str | bytes) or value is None:
        raise InputError(f"{name} must be a positive finite number, got {value!r}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a positive finite number, got {value!r}"[:200]) from None
    if arr.size == 0:
        raise InputError(f"{name} must not be empty")
    ok = np.isfinite(arr) & (arr > 0)
    if not np.all(ok):
        raise InputError(f"{name} must be a positive finite number, got {arr[~ok].ravel()[0]!r}")
    return arr


def _out(x: np.ndarray) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else x


def _inputs(
    finetune_chars: Any, params: Any, law: Any
) -> tuple[np.ndarray, np.ndarray, TransferLaw]:
    d_f = _positive(finetune_chars, "finetune_chars")
    n = _positive(params, "params")
    try:
        np.broadcast_shapes(d_f.shape, n.shape)
    except ValueError:
        raise InputError(
            f"finetune_chars and params must broadcast, got shapes {d_f.shape} and {n.shape}"
        ) from None
    return d_f, n, get_transfer_law(law)


def effective_data_transferred(
    finetune_chars: Any, params: Any, law: Any = "text"
) -> float | np.ndarray:
    """Effective data transferred ``D_T = k D_F^alpha N^beta`` (characters; Eq. 1.1).

    Parameters
    ----------
    finetune_chars : float or array
        Fine-tuning data ``D_F`` in characters (> 0).
    params : float or array
        Non-embedding parameters ``N`` (> 0); broadcast against ``finetune_chars``.
    law : TransferLaw or str
        :data:`TEXT_TO_PYTHON` (``"text"``, default) or :data:`MIXED_TO_PYTHON` (``"mixed"``).
        Their constants are NOT verified against the paper (:data:`NOT_VERIFIED`).

    Returns
    -------
    float or ndarray
        ``D_T`` in characters. Valid in the low-data regime only (:data:`LOW_DATA_FRACTION`).
    """
    d_f, n, tl = _inputs(finetune_chars, params, law)
    # in logs: k D_F^alpha N^beta overflows nowhere below 1e300 characters this way
    return _out(np.exp(np.log(tl.k) + tl.alpha * np.log(d_f) + tl.beta * np.log(n)))


def effective_data(finetune_chars: Any, params: Any, law: Any = "text") -> float | np.ndarray:
    """Effective data ``D_E = D_F + D_T`` in characters: the from-scratch data that would reach the
    fine-tuned model's loss (App. B)."""
    d_f, n, tl = _inputs(finetune_chars, params, law)
    return _out(d_f + np.asarray(effective_data_transferred(d_f, n, tl)))


def effective_data_multiplier(
    finetune_chars: Any, params: Any, law: Any = "text"
) -> float | np.ndarray:
    """``(D_F + D_T) / D_F = 1 + k D_F^(alpha - 1) N^beta``: what pre-training multiplies the
    fine-tuning data by (> 1; falls with ``D_F`` because alpha < 1, rises with ``N``)."""
    d_f, n, tl = _inputs(finetune_chars, params, law)
    ratio = np.exp(np.log(tl.k) + (tl.alpha - 1.0) * np.log(d_f) + tl.beta * np.log(n))
    return _out(1.0 + ratio)


def fraction_from_transfer(
    finetune_chars: Any, params: Any, law: Any = "text"
) -> float | np.ndarray:
    """``D_T / (D_F + D_T)``, the share of the effective data supplied by pre-training, in (0, 1).

    Computed as ``1 / (1 + D_F / D_T)`` with ``D_F / D_T`` in logs, so it neither overflows nor
    rounds a tiny share to zero where ``D_T`` is small against ``D_F``.
    """
    d_f, n, tl = _inputs(finetune_chars, params, law)
    log_inv = (1.0 - tl.alpha) * np.log(d_f) - np.log(tl.k) - tl.beta * np.log(n)  # log(D_F/D_T)
    # 1 / (1 + e^x) written as e^(-logaddexp(0, x)), exact in both tails
    return _out(np.exp(-np.logaddexp(0.0, log_inv)))


def finetune_equivalent_of_scale(scale_factor: Any, law: Any = "text") -> float | np.ndarray:
    """The factor on ``D_F`` that adds as much ``D_T`` as multiplying ``N`` by ``scale_factor``:
    ``scale_factor^(beta / alpha)`` (from Eq. 1.1, any ``D_F`` and ``N``).

    With the text -> Python exponents, 10x the parameters is worth about 130x the fine-tuning data,
    which the paper rounds to 100x ("beta ≈ 2 alpha", :data:`QUOTED_SCALE_EQUIVALENCE`).
    """
    f = _positive(scale_factor, "scale_factor")
    tl = get_transfer_law(law)
    return _out(np.power(f, tl.beta / tl.alpha))


def finetune_chars_for_fraction(
    fraction: Any, params: Any, law: Any = "text"
) -> float | np.ndarray:
    """The fine-tuning data ``D_F`` (characters) at which pre-training supplies the share
    ``fraction`` of the effective data, ``D_T / (D_F + D_T) = fraction``.

    With ``r = fraction / (1 - fraction)`` the condition is ``k D_F^alpha N^beta = r D_F``, so
    ``D_F = (k N^beta / r)^(1 / (1 - alpha))``; the share falls as ``D_F`` grows (alpha < 1), so
    every ``fraction`` in (0, 1) has exactly one ``D_F``. At ``fraction = 0.5``, ``D_T = D_F``.
    """
    if isinstance(fraction, bool):
        raise InputError(f"fraction must be a number in (0, 1), got {fraction!r}")
    f = _positive(fraction, "fraction")
    if not np.all(f < 1):
        raise InputError(f"fraction must be a number in (0, 1), got {f[f >= 1].ravel()[0]!r}")
    n = _positive(params, "params")
    tl = get_transfer_law(law)
    log_r = np.log(f) - np.log1p(-f)
    return _out(np.exp((np.log(tl.k) + tl.beta * np.log(n) - log_r) / (1.0 - tl.alpha)))


# ------------------------------------------------------------------ continued pre-training
IBRAHIM_CITATION = (
    "Ibrahim, Thérien, Gupta, Richter, Anthony, Lesort, Belilovsky, Rish 2024, Simple and Scalable "
    "Strategies to Continually Pre-train Large Language Models, arXiv:2403.08763 (TMLR)"
)

#: Model sizes of Ibrahim et al. 2024's continued pre-training experiments (parameters): both
#: shifts at 405M, the weak (English -> English) shift also at 10B (abstract; paper_numbers §15.5,
#: [V2]).
IBRAHIM_MODEL_SIZES = (405e6, 10e9)

#: Replay share of the previous data that worked: about 5% for the weak shift (Pile -> SlimPajama)
#: and 25% for English -> German. Secondary implementation notes citing the paper, NOT the paper's
#: tables (paper_numbers §15.5: [V1, secondary]; the exact table values [U]).
IBRAHIM_REPLAY = {"weak": 0.05, "strong": 0.25}

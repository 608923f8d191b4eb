"""Published scaling laws as data plus functions.

Every constant carries its citation (paper, table or equation). Units:

* ``N`` parameters. Chinchilla-style laws (Hoffmann, Epoch, Muennighoff) count **all**
  parameters including embeddings; Kaplan et al. 2020 count **non-embedding** parameters.
* ``D`` training tokens, ``C`` FLOP (Kaplan's compute laws use PF-days, 1 PF-day = 8.64e19 FLOP).
* Loss ``L`` in nats/token. Losses are not comparable across laws in absolute terms: Chinchilla's
  are on MassiveText (SentencePiece tokenizer), Kaplan's on WebText2 (GPT-2 BPE), Muennighoff's
  on C4 (GPT-2 BPE).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from scalinglaws.core.errors import InputError

__all__ = [
    "DEFAULT_LAW",
    "law_label",
    "PF_DAY_FLOP",
    "ParametricLaw",
    "KaplanLaw",
    "HOFFMANN",
    "HOFFMANN_TEX",
    "EPOCH",
    "EPOCH_ROUNDED",
    "MUENNIGHOFF_C4",
    "KAPLAN",
    "LAW_NAMES",
    "get_law",
    "get_parametric_law",
    "as_positive",
    "kaplan_loss_n",
    "kaplan_loss_d",
    "kaplan_loss_cmin",
    "kaplan_loss_c",
    "kaplan_loss_nd",
    "kaplan_loss_ns",
    "kaplan_b_crit",
    "kaplan_s_min",
    "kaplan_n_opt",
    "kaplan_d_opt",
    "kaplan_b_opt",
    "kaplan_s_opt",
    "kaplan_min_tokens_no_overfit",
]

#: 1 PF-day = 1e15 FLOP/s x 86400 s = 8.64e19 FLOP (Kaplan et al. 2020, §1.3).
PF_DAY_FLOP: float = 1e15 * 24 * 3600


def as_positive(value: Any, name: str) -> float | np.ndarray:
    """Validate that ``value`` is a positive finite number (or array of them).

    Returns a Python ``float`` for scalar input and a float64 ``ndarray`` otherwise.
    Raises :class:`~scalinglaws.core.errors.InputError` with a one-line message on bad input
    (non-numeric, NaN, inf, zero, negative, empty).
    """
    if isinstance(value, bool) or value is None or isinstance(value, str | bytes):
        raise InputError(f"{name} must be a positive finite number, got {value!r}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a positive finite number, got {value!r}") from None
    if arr.size == 0:
        raise InputError(f"{name} must be a positive finite number, got an empty array")
    if not np.all(np.isfinite(arr)) or not np.all(arr > 0):
        bad = arr[~(np.isfinite(arr) & (arr > 0))].ravel()[0] if arr.ndim else arr.item()
        raise InputError(f"{name} must be a positive finite number, got {bad!r}")
    if arr.ndim == 0:
        return float(arr)
    return arr


def _out(x: np.ndarray | float) -> float | np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


# ---------------------------------------------------------------------------------------------
# Chinchilla-form parametric laws: L = E + A / N^alpha + B / D^beta
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParametricLaw:
    """Chinchilla-form loss ``L(N, D) = E + A / N**alpha + B / D**beta`` (Hoffmann et al. 2022, eq 2).

    Attributes
    ----------
    name : str
        Short identifier (as accepted by :func:`get_law`).
    E, A, B : float
        Irreducible loss (nats/token) and the two scale constants.
    alpha, beta : float
        Exponents of parameters ``N`` (all parameters) and tokens ``D``.
    citation : str
        Paper and table/equation the constants come from.
    notes : str
        Caveats (rounding, data set, tokenizer).
    """

    name: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    citation: str
    notes: str = ""

    def __post_init__(self) -> None:
        for attr in ("E", "A", "B", "alpha", "beta"):
            as_positive(getattr(self, attr), f"{self.name}.{attr}")

    def loss(self, N: Any, D: Any) -> float | np.ndarray:
        """Predicted loss in nats/token for ``N`` parameters trained on ``D`` tokens (vectorised)."""
        return _out(self.E + self.reducible(N, D))

    def reducible(self, N: Any, D: Any) -> float | np.ndarray:
        """Reducible part ``A / N**alpha + B / D**beta`` (nats/token)."""
        n = as_positive(N, "N")
        d = as_positive(D, "D")
        return _out(self.A / np.power(n, self.alpha) + self.B / np.power(d, self.beta))

    @property
    def G(self) -> float:
        """``G = (alpha A / (beta B))**(1/(alpha+beta))`` of Hoffmann et al. 2022, eq 4."""
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))

    @property
    def a(self) -> float:
        """Exponent of ``N_opt ∝ C**a``: ``beta / (alpha + beta)`` (Hoffmann eq 4)."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of ``D_opt ∝ C**b``: ``alpha / (alpha + beta)`` (Hoffmann eq 4)."""
        return self.alpha / (self.alpha + self.beta)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of all fields (JSON-serialisable)."""
        return asdict(self)


_H_CIT = "Hoffmann et al. 2022, arXiv:2203.15556, §3.3 eq 2 and App. D.2 (Approach 3)"

#: Rounded Approach-3 fit as printed in the paper body.
HOFFMANN = ParametricLaw(
    name="hoffmann",
    E=1.69,
    A=406.4,
    B=410.7,
    alpha=0.34,
    beta=0.28,
    citation=_H_CIT,
    notes=(
        "Rounded values printed in the paper; MassiveText loss, all parameters counted. "
        "Rounding shifts the optimum: N_opt(5.76e23) = 3.22e10 here vs 4.03e10 with the TeX values."
    ),
)

#: Unrounded Approach-3 fit from the paper's TeX source, as used by Besiroglu et al. 2024.
HOFFMANN_TEX = ParametricLaw(
    name="hoffmann-tex",
    E=math.exp(0.5267228),
    A=math.exp(6.0073404),
    B=math.exp(6.0179186),
    alpha=0.33917084,
    beta=0.2849083,
    citation=(
        "Hoffmann et al. 2022 TeX source, log form a=6.0073404, b=6.0179186, e=0.5267228, "
        "alpha=0.33917084, beta=0.2849083 (epoch-research/analyzing-chinchilla data_analysis.ipynb "
        "cell 16 @92258837; TeaPearce/Reconciling_Kaplan_Chinchilla_Scaling_Laws coeffs='chin')"
    ),
    notes="A=exp(a)=406.40, B=exp(b)=410.72, E=exp(e)=1.6934; MassiveText loss.",
)

_EPOCH_CIT = (
    "Besiroglu, Erdil, Barnett, You 2024, arXiv:2404.10102, Table 1; full-precision log-space "
    "point estimate [6.17795598, 7.64273236, 0.59711196, 0.34781303, 0.36585412] from "
    "epoch-research/analyzing-chinchilla data_analysis.ipynb cells 24/59 @92258837"
)

#: Epoch's refit of Chinchilla's Approach 3 (full-precision notebook vector).
EPOCH = ParametricLaw(
    name="epoch",
    E=math.exp(0.59711196),
    A=math.exp(6.17795598),
    B=math.exp(7.64273236),
    alpha=0.34781303,
    beta=0.36585412,
    citation=_EPOCH_CIT,
    notes=(
        "Uses the full-precision log-space vector (A=482.006, B=2085.434, E=1.81687); Table 1 "
        "rounds to A=482.01, B=2085.43, E=1.8172, alpha=0.3478, beta=0.3658 (see EPOCH_ROUNDED). "
        "Fitted to 240 points digitised from Hoffmann Fig. 4."
    ),
)

#: Epoch's Table 1 values as rounded in the paper (for comparison with EPOCH).
EPOCH_ROUNDED = ParametricLaw(
    name="epoch-rounded",
    E=1.8172,
    A=482.01,
    B=2085.43,
    alpha=0.3478,
    beta=0.3658,
    citation="Besiroglu et al. 2024, arXiv:2404.10102, Table 1 (rounded)",
    notes="Rounded Table 1 values; EPOCH holds the full-precision vector.",
)

#: Base C4 coefficients of the data-constrained law (Muennighoff et al. 2023).
MUENNIGHOFF_C4 = ParametricLaw(
    name="muennighoff-c4",
    E=math.exp(0.6254804),
    A=math.exp(6.255414),
    B=math.exp(7.3049974),
    alpha=0.3526596,
    beta=0.3526596,
    citation=(
        "Muennighoff et al. 2023, arXiv:2305.16264; huggingface/datablations README 'Parametric "
        "Fit' @13701315: a, b, e, alpha, beta = 6.255414, 7.3049974, 0.6254804, 0.3526596, 0.3526596"
    ),
    notes=(
        "Chinchilla form refit on Chinchilla C4 isoFLOP points; A=520.82, B=1487.72, E=1.8691, "
        "alpha=beta. C4 validation loss, GPT-2 tokenizer."
    ),
)


# ---------------------------------------------------------------------------------------------
# Kaplan et al. 2020
# ---------------------------------------------------------------------------------------------

_K = "Kaplan et al. 2020, arXiv:2001.08361"


@dataclass(frozen=True)
class KaplanLaw:
    """Kaplan et al. 2020 laws (WebText2, GPT-2 BPE, nats/token; N = non-embedding params).

    :meth:`loss` is eq 1.5 with the **Table 2** constants, so this object can be used where a
    :class:`ParametricLaw` is expected. Its absolute loss values are on WebText2 with a different
    tokenizer and are not comparable with Chinchilla's MassiveText losses. Compute is in PF-days
    (1 PF-day = 8.64e19 FLOP) for the ``*_c*`` and allocation functions.
    """

    name: str = "kaplan"
    # eq 1.1-1.3 and App. A Table 5
    alpha_N: float = 0.076
    N_c: float = 8.8e13
    alpha_D: float = 0.095
    D_c: float = 5.4e13
    alpha_C_min: float = 0.050
    C_c_min: float = 3.1e8
    alpha_C: float = 0.057
    C_c: float = 1.6e7
    # eq 1.5, Table 2 (§4): distinct constants, do not mix with the §1.2 ones
    nd_alpha_N: float = 0.076
    nd_alpha_D: float = 0.103
    nd_N_c: float = 6.4e13
    nd_D_c: float = 1.8e13
    # eq 1.6 / 5.6, Table 3 (§5.2)
    ns_alpha_N: float = 0.077
    ns_alpha_S: float = 0.76
    ns_N_c: float = 6.5e13
    ns_S_c: float = 2.1e3
    # eq 1.4, Table 5
    B_star: float = 2.1e8
    alpha_B: float = 0.21
    # App. A Table 6 (C_min in PF-days)
    N_e: float = 1.3e9
    p_N: float = 0.73
    B_e: float = 2.0e6
    p_B: float = 0.24
    S_e: float = 5.4e3
    p_S: float = 0.03
    D_e: float = 2e10
    p_D: float = 0.27
    # §1.1/§4 overfitting rule D >~ 5e3 N^0.74
    overfit_coef: float = 5e3
    overfit_exp: float = 0.74
    citation: str = field(
        default=(
            f"{_K}: eqs 1.1-1.3 and Table 5 (L(N), L(D), L(C_min), L(C)); eq 1.5 with Table 2 "
            "(L(N,D)); eq 1.6 with Table 3 (L(N,S)); eq 1.4 (B_crit); App. A Table 6 (allocation); "
            "§4 (overfitting rule D >~ 5e3 N^0.74)"
        )
    )
    notes: str = (
        "N counts non-embedding parameters; loss on WebText2 with the GPT-2 BPE tokenizer, "
        "not comparable in absolute terms with Chinchilla (MassiveText) losses."
    )

    # --- single-variable laws -------------------------------------------------------------
    def loss_n(self, N: Any) -> float | np.ndarray:
        """L(N) = (N_c/N)**alpha_N, eq 1.1 (alpha_N=0.076, N_c=8.8e13 non-embedding params)."""
        return _out((self.N_c / as_positive(N, "N")) ** self.alpha_N)

    def loss_d(self, D: Any) -> float | np.ndarray:
        """L(D) = (D_c/D)**alpha_D, eq 1.2 (alpha_D=0.095, D_c=5.4e13 tokens)."""
        return _out((self.D_c / as_positive(D, "D")) ** self.alpha_D)

    def loss_cmin(self, C_pf_days: Any) -> float | np.ndarray:
        """L(C_min) = (C_c_min/C_min)**alpha_C_min, eq 1.3 (0.050, 3.1e8 PF-days)."""
        return _out((self.C_c_min / as_positive(C_pf_days, "C_min")) ** self.alpha_C_min)

    def loss_c(self, C_pf_days: Any) -> float | np.ndarray:
        """Naive fixed-batch L(C) = (C_c/C)**alpha_C, Table 5 (0.057, 1.6e7 PF-days)."""
        return _out((self.C_c / as_positive(C_pf_days, "C")) ** self.alpha_C)

    # --- combined laws --------------------------------------------------------------------
    def loss(self, N: Any, D: Any) -> float | np.ndarray:
        """L(N, D) = [(N_c/N)**(alpha_N/alpha_D) + D_c/D]**alpha_D, eq 1.5 with Table 2 constants.

        ``N`` is non-embedding parameters, ``D`` tokens; loss on WebText2 (nats/token).
        """
        n = as_positive(N, "N")
        d = as_positive(D, "D")
        inner = (self.nd_N_c / n) ** (self.nd_alpha_N / self.nd_alpha_D) + self.nd_D_c / d
        return _out(inner**self.nd_alpha_D)

    def b_crit(self, L: Any) -> float | np.ndarray:
        """Critical batch in tokens, B_crit(L) = B*/L**(1/alpha_B), eq 1.4 (B*=2.1e8, 0.21)."""
        return _out(self.B_star / as_positive(L, "L") ** (1.0 / self.alpha_B))

    def s_min(self, S: Any, B: Any, L: Any) -> float | np.ndarray:
        """Minimum steps S_min = S / (1 + B_crit(L)/B), eq 5.4 (B in tokens)."""
        s = as_positive(S, "S")
        b = as_positive(B, "B")
        return _out(s / (1.0 + self.b_crit(L) / b))

    def loss_ns(self, N: Any, S_min: Any) -> float | np.ndarray:
        """L(N, S_min) = (N_c/N)**alpha_N + (S_c/S_min)**alpha_S, eq 1.6 with Table 3 constants."""
        n = as_positive(N, "N")
        s = as_positive(S_min, "S_min")
        return _out((self.ns_N_c / n) ** self.ns_alpha_N + (self.ns_S_c / s) ** self.ns_alpha_S)

    # --- compute-efficient allocation (App. A Table 6, C_min in PF-days) -----------------
    def n_opt(self, C_pf_days: Any) -> float | np.ndarray:
        """N_opt = 1.3e9 * C_min**0.73 non-embedding params (Table 6; C_min in PF-days)."""
        return _out(self.N_e * as_positive(C_pf_days, "C_min") ** self.p_N)

    def d_opt(self, C_pf_days: Any) -> float | np.ndarray:
        """D_opt = 2e10 * C_min**0.27 tokens, one epoch (Table 6; C_min in PF-days)."""
        return _out(self.D_e * as_positive(C_pf_days, "C_min") ** self.p_D)

    def b_opt(self, C_pf_days: Any) -> float | np.ndarray:
        """Batch B = 2.0e6 * C_min**0.24 tokens (Table 6; C_min in PF-days)."""
        return _out(self.B_e * as_positive(C_pf_days, "C_min") ** self.p_B)

    def s_opt(self, C_pf_days: Any) -> float | np.ndarray:
        """Steps S_min = 5.4e3 * C_min**0.03 (Table 6, a lower bound; C_min in PF-days)."""
        return _out(self.S_e * as_positive(C_pf_days, "C_min") ** self.p_S)

    def min_tokens_no_overfit(self, N: Any) -> float | np.ndarray:
        """Overfitting rule D >~ 5e3 * N**0.74 tokens (§1.1/§4; N non-embedding)."""
        return _out(self.overfit_coef * as_positive(N, "N") ** self.overfit_exp)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of all constants (JSON-serialisable)."""
        return asdict(self)


#: The Kaplan et al. 2020 constants (see :class:`KaplanLaw`).
KAPLAN = KaplanLaw()

# Module-level aliases for the Kaplan functions.
kaplan_loss_n = KAPLAN.loss_n
kaplan_loss_d = KAPLAN.loss_d
kaplan_loss_cmin = KAPLAN.loss_cmin
kaplan_loss_c = KAPLAN.loss_c
kaplan_loss_nd = KAPLAN.loss
kaplan_loss_ns = KAPLAN.loss_ns
kaplan_b_crit = KAPLAN.b_crit
kaplan_s_min = KAPLAN.s_min
kaplan_n_opt = KAPLAN.n_opt
kaplan_d_opt = KAPLAN.d_opt
kaplan_b_opt = KAPLAN.b_opt
kaplan_s_opt = KAPLAN.s_opt
kaplan_min_tokens_no_overfit = KAPLAN.min_tokens_no_overfit


#: The book's canonical Chinchilla-form law, the default of the library and the command line:
#: Besiroglu et al.'s (2024) refit of Hoffmann et al.'s own data. Hoffmann's printed Approach-3
#: constants ("hoffmann", "hoffmann-tex") are rejected by those data (chi-squared and
#: likelihood-ratio tests, p ~ 1e-16; chapter "Chinchilla") and appear only where history is
#: the subject.
DEFAULT_LAW: str = "epoch"

_REGISTRY: dict[str, ParametricLaw | KaplanLaw] = {
    "hoffmann": HOFFMANN,
    "hoffmann-tex": HOFFMANN_TEX,
    "epoch": EPOCH,
    "kaplan": KAPLAN,
    "muennighoff-c4": MUENNIGHOFF_C4,
}

_LABELS = {
    "hoffmann": "Hoffmann et al. 2022, printed constants",
    "hoffmann-tex": "Hoffmann et al. 2022, TeX constants",
    "epoch": "Besiroglu et al. 2024 refit",
    "kaplan": "Kaplan et al. 2020",
    "muennighoff-c4": "Muennighoff et al. 2023, C4",
}


def law_label(law: Any) -> str:
    """Short human-readable label of a law (or law name) for legends and prose."""
    obj = get_law(law) if not isinstance(law, ParametricLaw | KaplanLaw) else law
    return _LABELS.get(obj.name, obj.name)


#: Names accepted by :func:`get_law`.
LAW_NAMES: tuple[str, ...] = tuple(_REGISTRY)


def get_law(name: Any) -> ParametricLaw | KaplanLaw:
    """Return the law registered under ``name`` (one of :data:`LAW_NAMES`).

    A law object (``ParametricLaw`` or ``KaplanLaw``) is returned unchanged. Unknown names raise
    :class:`~scalinglaws.core.errors.InputError` listing the known names.
    """
    if isinstance(name, ParametricLaw | KaplanLaw):
        return name
    if isinstance(name, str) and name.strip().lower() in _REGISTRY:
        return _REGISTRY[name.strip().lower()]
    raise InputError(f"unknown law {name!r}; known laws: {', '.join(LAW_NAMES)}")


def get_parametric_law(name: Any, purpose: str = "this computation") -> ParametricLaw:
    """Like :func:`get_law`, but only a Chinchilla-form law ``E + A/N^alpha + B/D^beta``.

    Kaplan's law has another functional form; asking for it raises a one-line
    :class:`~scalinglaws.core.errors.InputError` saying which ``purpose`` needs the Chinchilla form.
    """
    law = get_law(name)
    if not isinstance(law, ParametricLaw):
        raise InputError(f"{purpose} needs a Chinchilla-form law, not {law.name!r}")
    return law

"""Chapter registry: notebooks, their papermill parameters, validation and ``run``.

Each chapter notebook has one cell tagged ``parameters`` that assigns literal
defaults, for example::

    seed = 42
    n_boot = 1000

and, right after it, a cell that validates those values::

    from scalinglaws.chapters import check
    P = check("kaplan", globals())

so that ``papermill -p n_boot -5`` fails at once with one line naming the
parameter. The spec of every chapter lives in :data:`CHAPTERS` below; a test
checks that each notebook's parameters cell assigns exactly the spec'd names
with the spec'd defaults (:func:`spec_matches_notebook`).
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from pathlib import Path
from typing import Any

from .errors import InputError, ParameterError, ScalingLawsError

__all__ = [
    "CHAPTERS",
    "REPO_ROOT",
    "Chapter",
    "ChapterParams",
    "Param",
    "check",
    "get_chapter",
    "parameters_cell",
    "run",
    "spec_matches_notebook",
    "validate",
]

#: Repository root (the folder holding ``chapters/``, ``src/`` and ``_toc.yml``).
REPO_ROOT = Path(__file__).resolve().parents[2]

_TYPES = {"int": int, "float": float, "str": str, "bool": bool}


@dataclass(frozen=True)
class Param:
    """Spec of one chapter parameter.

    Parameters
    ----------
    name : str
        Python name assigned in the notebook's ``parameters`` cell.
    type : type
        One of ``int``, ``float``, ``str``, ``bool``.
    default : int | float | str | bool
        Default value; must equal the literal in the ``parameters`` cell.
    min, max : float, optional
        Inclusive bounds for ``int``/``float`` parameters.
    choices : tuple, optional
        Allowed values (any type).
    help : str
        One-line description shown by ``scalinglaws run --help``-style listings.
    """

    name: str
    type: type
    default: Any
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None
    help: str = ""

    def allowed(self) -> str:
        """Human-readable description of the allowed values (for error messages)."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.type is bool:
            return "true or false"
        kind = {int: "an integer", float: "a finite number", str: "a string"}[self.type]
        if self.min is not None and self.max is not None:
            return f"{kind} in [{self.min}, {self.max}]"
        if self.min is not None:
            return f"{kind} >= {self.min}"
        if self.max is not None:
            return f"{kind} <= {self.max}"
        return kind


@dataclass(frozen=True)
class Chapter:
    """A chapter of the book: id, title, notebook path and parameter specs."""

    id: str
    title: str
    notebook: Path
    params: tuple[Param, ...] = field(default_factory=tuple)

    def param(self, name: str) -> Param:
        """Spec of parameter ``name`` (ParameterError if the chapter has no such parameter)."""
        for p in self.params:
            if p.name == name:
                return p
        names = ", ".join(p.name for p in self.params) or "none"
        raise ParameterError(f"chapter {self.id!r} has no parameter {name!r} (parameters: {names})")

    def defaults(self) -> dict[str, Any]:
        """Default value of every parameter."""
        return {p.name: p.default for p in self.params}


#: The seed every chapter declares first (one declaration, shared).
_SEED = Param("seed", int, 42, min=0, help="seed of np.random.default_rng for every bootstrap")


# Parameters of the test-time exchange model, shared by the reasoning and what-next chapters.
_LINK_LOSS_MID = Param(
    "link_loss_mid",
    float,
    2.1,
    min=1.0,
    max=4.0,
    help="ASSUMED loss (nats/token) at which one sample succeeds half the time",
)
_LINK_SCALE = Param(
    "link_scale",
    float,
    0.1,
    min=0.01,
    max=1.0,
    help="ASSUMED width of the logistic loss-to-success link (nats/token)",
)
_COVERAGE_ANCHOR = Param(
    "coverage_anchor",
    str,
    "swe-bench-lite",
    choices=("swe-bench-lite", "math-llama3-8b"),
    help="Brown et al. 2024 published coverage pair fixing the exponent b",
)


# ----------------------------------------------------------------------------------------------
# THE REGISTRY. One entry per chapter; chapter authors edit only their own entry.
# Add a parameter as an extra argument, e.g.
#     Param("n_problems", int, 500, min=1, max=100000, help="simulated problems"),
# and assign the same name with the same literal default in the notebook's parameters cell.
# ----------------------------------------------------------------------------------------------
CHAPTERS: dict[str, Chapter] = {
    c.id: c
    for c in (
        Chapter(
            "power-laws",
            "Power laws: the shape of scaling",
            REPO_ROOT / "chapters" / "01_power_laws.ipynb",
            (
                _SEED,
                Param(
                    "n_boot",
                    int,
                    200,
                    min=50,
                    max=5000,
                    help="bootstrap resamples per fit (intervals are 2.5-97.5 percentiles)",
                ),
                Param(
                    "n_fit_budgets",
                    int,
                    6,
                    min=5,
                    max=10,
                    help="smallest Porian compute budgets used to fit L*(C) before extrapolating "
                    "(6 = Porian et al.'s window 1e16 < C < 5e17 FLOP)",
                ),
                Param(
                    "porian_dataset",
                    str,
                    "rw",
                    choices=("rw", "owt2"),
                    help="Porian et al. training set: rw = RefinedWeb, owt2 = OpenWebText2",
                ),
                Param(
                    "window_models",
                    int,
                    3,
                    min=3,
                    max=7,
                    help="consecutive Pythia sizes per sliding-window power-law fit",
                ),
                Param(
                    "n_sim",
                    int,
                    200,
                    min=20,
                    max=5000,
                    help="simulated data sets in the log-space versus linear-space comparison",
                ),
            ),
        ),
        Chapter(
            "kaplan",
            "Kaplan's scaling laws",
            REPO_ROOT / "chapters" / "02_kaplan.ipynb",
            (
                _SEED,
                Param(
                    "n_boot",
                    int,
                    4000,
                    min=50,
                    max=20000,
                    help="bootstrap resamples per fit (default = the Chinchilla chapter's, so the "
                    "Porian exponents agree; the canonical law's intervals use at most its 4,000)",
                ),
                Param(
                    "ci_level", float, 0.95, min=0.5, max=0.99, help="level of bootstrap intervals"
                ),
                Param(
                    "bootstrap_method",
                    str,
                    "parametric",
                    choices=("parametric", "pairs"),
                    help="bootstrap of the frontier bands and of the output-layer recount: redraw "
                    "ln N* with Porian's per-budget std, or resample budgets (the stated "
                    "Kaplan-reproduction exponents always use the parametric bootstrap shared "
                    "with the Chinchilla chapter)",
                ),
                Param(
                    "pythia_step",
                    int,
                    143000,
                    choices=(1000, 3000, *range(13000, 143001, 10000)),
                    help="Pythia checkpoint (step x 2,097,152 tokens) for accuracy against "
                    "parameters",
                ),
                Param(
                    "example_flops",
                    float,
                    1e21,
                    min=1e15,
                    max=1e27,
                    help="budget C (FLOP) of the worked Kaplan-allocation example",
                ),
            ),
        ),
        Chapter(
            "gpt-series",
            "The GPT series: scale as a strategy",
            REPO_ROOT / "chapters" / "03_gpt_series.ipynb",
            (
                _SEED,
                Param(
                    "n_boot",
                    int,
                    1000,
                    min=50,
                    max=20000,
                    help="bootstrap resamples per fit and of the canonical Chinchilla law (at "
                    "least 50: uncertainty.propagate refuses fewer for a percentile interval)",
                ),
                Param(
                    "ci_level", float, 0.95, min=0.5, max=0.99, help="level of bootstrap intervals"
                ),
                Param(
                    "trend_start", str, "2010-01-01", help="first publication date of the trend fit"
                ),
                Param(
                    "trend_end", str, "2024-05-31", help="last publication date of both trend fits"
                ),
                Param(
                    "lm_trend_start",
                    str,
                    "2017-06-01",
                    help="first publication date of the language-model trend fit",
                ),
                Param(
                    "gadre_dataset",
                    str,
                    "rpj",
                    choices=("rpj", "c4_original", "rw_original"),
                    help="Gadre et al. training set for the predictable-scaling demo",
                ),
                Param(
                    "holdout_factor",
                    float,
                    30.0,
                    min=2.0,
                    max=100.0,
                    help="fit only runs with C <= C_max / holdout_factor, predict the rest",
                ),
                Param(
                    "obs_benchmark",
                    str,
                    "MMLU",
                    choices=(
                        "MMLU",
                        "ARC-C",
                        "HellaSwag",
                        "Winograd",
                        "TruthfulQA",
                        "GSM8K",
                        "XWinograd",
                        "HumanEval",
                    ),
                    help="Observational Scaling benchmark plotted against training compute",
                ),
            ),
        ),
        Chapter(
            "chinchilla",
            "Chinchilla: compute-optimal training",
            REPO_ROOT / "chapters" / "04_chinchilla.ipynb",
            (
                _SEED,
                Param(
                    "n_boot",
                    int,
                    4000,
                    min=50,
                    max=20000,
                    help=(
                        "bootstrap resamples (Approach 3 refit, isoFLOP and Porian exponents, "
                        "canonical-law intervals); at least 50 because the canonical-law "
                        "intervals (scalinglaws.uncertainty.propagate) need 50 for a 95% "
                        "percentile interval"
                    ),
                ),
                Param(
                    "budget_flops",
                    float,
                    5.76e23,
                    min=1e15,
                    max=1e30,
                    help="training budget C (FLOP) for the calculator and the Table 3 comparison",
                ),
                Param(
                    "target_params",
                    float,
                    13e9,
                    min=1e7,
                    max=1e13,
                    help="compute-optimal model (parameters) whose loss is the inference-aware target",
                ),
                Param(
                    "inference_tokens",
                    float,
                    2e12,
                    min=0.0,
                    max=1e17,
                    help="lifetime inference demand (tokens) for the inference-aware allocation",
                ),
                Param(
                    "inference_law",
                    str,
                    "epoch",
                    choices=("hoffmann", "hoffmann-tex", "epoch"),
                    help=(
                        "law of the inference-aware allocation: the canonical 'epoch' (with "
                        "bootstrap intervals) or Hoffmann's rejected constants, as history"
                    ),
                ),
            ),
        ),
        Chapter(
            "slowdown",
            "The slowdown and the data wall",
            REPO_ROOT / "chapters" / "05_slowdown.ipynb",
            (
                Param(
                    "seed",
                    int,
                    42,
                    min=0,
                    help="seed of np.random.default_rng (bootstrap, Monte Carlo)",
                ),
                Param(
                    "n_boot",
                    int,
                    1000,
                    min=50,
                    max=20000,
                    help="bootstrap resamples (growth fit; over-training fit uses n_boot // 5)",
                ),
                Param(
                    "n_mc",
                    int,
                    20000,
                    min=1000,
                    max=1000000,
                    help="Monte Carlo draws for the year the stock of human text is used up",
                ),
                Param(
                    "law",
                    str,
                    "epoch",
                    choices=("epoch", "hoffmann", "hoffmann-tex"),
                    help=(
                        "law of the compute-per-loss-drop ladder: the canonical 'epoch' (with "
                        "bootstrap intervals) or Hoffmann's rejected constants, as history"
                    ),
                ),
                Param(
                    "loss_drop",
                    float,
                    0.04,
                    min=0.005,
                    max=0.1,
                    help=(
                        "fixed loss drop per rung of the ladder (nats/token); at most five rungs, "
                        "and only as many as fit above the law's floor E (one at 0.1 under the "
                        "canonical law, whose reducible loss at the start is about 0.157)"
                    ),
                ),
                Param(
                    "growth_start_year",
                    int,
                    2010,
                    min=2000,
                    max=2021,
                    help="first year of the dataset-size growth fit (window ends 2025-02-28)",
                ),
                Param(
                    "overtrain",
                    float,
                    5.0,
                    min=1.0,
                    max=1000.0,
                    help="over-training factor O (tokens per parameter / compute-optimal ratio)",
                ),
            ),
        ),
        Chapter(
            "reasoning",
            "Reasoning models: scaling test-time compute",
            REPO_ROOT / "chapters" / "06_reasoning.ipynb",
            (
                Param(
                    "seed",
                    int,
                    42,
                    min=0,
                    help="seed of np.random.default_rng (simulation, bootstraps)",
                ),
                Param(
                    "n_boot",
                    int,
                    500,
                    min=50,
                    max=5000,
                    help="bootstrap resamples per fit (intervals are 2.5-97.5 percentiles)",
                ),
                Param("sim_problems", int, 300, min=20, max=5000, help="simulated problems"),
                Param(
                    "sim_samples", int, 200, min=20, max=2000, help="simulated samples per problem"
                ),
                Param(
                    "sim_beta_a",
                    float,
                    0.5,
                    min=0.05,
                    max=20.0,
                    help="Beta(a, b) of per-problem single-sample success (simulation)",
                ),
                Param("sim_beta_b", float, 1.5, min=0.05, max=20.0, help="see sim_beta_a"),
                _COVERAGE_ANCHOR,
                Param(
                    "law",
                    str,
                    "epoch",
                    choices=("epoch", "hoffmann", "hoffmann-tex"),
                    help="loss law L(N, D) behind the exchange model: epoch = the canonical "
                    "Besiroglu et al. 2024 refit (intervals from its bootstrap); hoffmann, "
                    "hoffmann-tex = Hoffmann et al.'s printed constants, as history only",
                ),
                _LINK_LOSS_MID,
                _LINK_SCALE,
                Param(
                    "multiplier",
                    float,
                    14.0,
                    min=1.5,
                    max=1000.0,
                    help="size ratio of the larger one-sample model to the small model",
                ),
                Param(
                    "small_params",
                    float,
                    7e9,
                    min=1e8,
                    max=1e12,
                    help="reference small model (parameters) for the exchange rate",
                ),
                Param(
                    "exchange_samples",
                    int,
                    16,
                    min=2,
                    max=100000,
                    help="samples k for the quoted exchange rate",
                ),
            ),
        ),
        Chapter(
            "what-next",
            "What to scale next",
            REPO_ROOT / "chapters" / "07_what_next.ipynb",
            (
                Param(
                    "seed",
                    int,
                    42,
                    min=0,
                    help="seed of np.random.default_rng (bootstrap, Monte Carlo)",
                ),
                Param(
                    "n_boot",
                    int,
                    1000,
                    min=50,
                    max=10000,
                    help="bootstrap resamples of the growth fits",
                ),
                Param(
                    "n_mc", int, 20000, min=1000, max=200000, help="Monte Carlo draws (data wall)"
                ),
                Param("trend_start", str, "2010-01-01", help="first publication date of both fits"),
                Param(
                    "trend_end", str, "2024-05-31", help="last publication date of the compute fit"
                ),
                Param(
                    "wall_end",
                    str,
                    "2025-02-28",
                    help="last publication date of the frontier data-set growth fit (data wall)",
                ),
                Param(
                    "law",
                    str,
                    "epoch",
                    choices=("epoch", "hoffmann", "hoffmann-tex"),
                    help="loss law for the loss step and the exchange rate: epoch = the canonical "
                    "law (Besiroglu et al. 2024 refit, with bootstrap intervals); hoffmann, "
                    "hoffmann-tex = Hoffmann et al.'s printed constants, rejected by their own "
                    "data (chapter 4), shown as history without intervals",
                ),
                Param(
                    "start_flops",
                    float,
                    3.8e25,
                    min=1e20,
                    max=1e30,
                    help="today's frontier budget C (FLOP) where the next loss step starts "
                    "(3.8e25 = Llama 3 405B)",
                ),
                Param(
                    "loss_step",
                    float,
                    0.05,
                    min=0.001,
                    max=0.5,
                    help="fixed loss drop (nats/token) whose compute price is quoted; a drop "
                    "that would reach the law's irreducible loss E is reported as impossible "
                    "(with the canonical law, E = 1.817, from 3.8e25 FLOP any drop above "
                    "0.074 is)",
                ),
                Param(
                    "overtrain",
                    float,
                    5.0,
                    min=1.0,
                    max=1000.0,
                    help="over-training factor for the earlier data-wall year",
                ),
                Param(
                    "small_params",
                    float,
                    7e9,
                    min=1e8,
                    max=1e12,
                    help="small model (parameters) for the test-time exchange rate",
                ),
                Param(
                    "exchange_samples", int, 16, min=2, max=100000, help="samples k for that rate"
                ),
                _LINK_LOSS_MID,
                _LINK_SCALE,
                _COVERAGE_ANCHOR,
            ),
        ),
    )
}


def get_chapter(chapter_id: str) -> Chapter:
    """Return the chapter ``chapter_id`` (InputError listing the known ids if unknown)."""
    try:
        return CHAPTERS[chapter_id]
    except (KeyError, TypeError):
        raise InputError(f"unknown chapter {chapter_id!r} (known: {', '.join(CHAPTERS)})") from None


# ---------------------------------------------------------------------------------- validation


def _fail(chapter: Chapter, spec: Param, value: Any) -> ParameterError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return ParameterError(
        f"chapter {chapter.id!r}: parameter {spec.name!r} must be {spec.allowed()}, got {shown}"
    )


def _coerce(chapter: Chapter, spec: Param, value: Any) -> Any:
    """Coerce one value (a string from the command line, or a Python value) to ``spec.type``."""
    kind = spec.type
    if kind is bool:
        if isinstance(value, bool):
            out: Any = value
        elif isinstance(value, str) and value.strip().lower() in ("true", "yes", "1"):
            out = True
        elif isinstance(value, str) and value.strip().lower() in ("false", "no", "0"):
            out = False
        elif type(value).__name__ == "bool_":  # numpy bool
            out = bool(value)
        else:
            raise _fail(chapter, spec, value)
    elif kind is int:
        if isinstance(value, bool):
            raise _fail(chapter, spec, value)
        if isinstance(value, Integral):
            out = int(value)
        elif isinstance(value, str):
            try:
                out = int(value.strip())
            except ValueError:
                raise _fail(chapter, spec, value) from None
        elif isinstance(value, Real) and math.isfinite(float(value)) and float(value).is_integer():
            out = int(value)
        else:
            raise _fail(chapter, spec, value)
    elif kind is float:
        if isinstance(value, bool):
            raise _fail(chapter, spec, value)
        if isinstance(value, Real):
            out = float(value)
        elif isinstance(value, str):
            try:
                out = float(value.strip())
            except ValueError:
                raise _fail(chapter, spec, value) from None
        else:
            raise _fail(chapter, spec, value)
        if not math.isfinite(out):
            raise _fail(chapter, spec, value)
    elif kind is str:
        if not isinstance(value, str):
            raise _fail(chapter, spec, value)
        out = value
    else:  # a spec error, not a user error
        raise ScalingLawsError(
            f"chapter {chapter.id!r}: parameter {spec.name!r} has unsupported type {kind!r}"
        )
    if spec.min is not None and out < spec.min:
        raise _fail(chapter, spec, value)
    if spec.max is not None and out > spec.max:
        raise _fail(chapter, spec, value)
    if spec.choices is not None and out not in spec.choices:
        raise _fail(chapter, spec, value)
    return out


def validate(chapter_id: str, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Check and coerce parameter values for a chapter, filling in defaults.

    Parameters
    ----------
    chapter_id : str
        Key of :data:`CHAPTERS`.
    values : mapping of str to str or value
        Given values; strings (from the command line) are parsed to the spec'd type.

    Returns
    -------
    dict
        Every parameter of the chapter, in spec order, with its coerced value.

    Raises
    ------
    ParameterError
        Unknown name, wrong type (``"abc"`` or ``1.5`` for an int, a bool for an
        int or a number for a bool), NaN/inf, out of range or not in choices;
        the one-line message names the chapter, the parameter and what is allowed.
    InputError
        Unknown chapter.
    """
    chapter = get_chapter(chapter_id)
    values = dict(values or {})
    for name in values:
        chapter.param(name)  # raises on unknown names
    out = {}
    for spec in chapter.params:
        out[spec.name] = (
            _coerce(chapter, spec, values[spec.name]) if spec.name in values else (spec.default)
        )
    return out


class ChapterParams(Mapping):
    """Frozen, validated chapter parameters: ``P["seed"]`` or ``P.seed``."""

    __slots__ = ("_chapter", "_values")

    def __init__(self, chapter_id: str, values: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_chapter", chapter_id)
        object.__setattr__(self, "_values", dict(values))

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("chapter parameters are frozen")

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"ChapterParams({self._chapter!r}, {inner})"


def check(chapter_id: str, namespace: Mapping[str, Any]) -> ChapterParams:
    """Validate a chapter's parameters from its namespace (call right after the parameters cell).

    ``P = check("kaplan", globals())`` picks every spec'd name from the
    namespace, validates it with :func:`validate` and returns the values frozen,
    so a papermill run with a bad value stops at once with one line.
    """
    chapter = get_chapter(chapter_id)
    missing = [p.name for p in chapter.params if p.name not in namespace]
    if missing:
        raise ParameterError(
            f"chapter {chapter_id!r}: parameter(s) {', '.join(missing)} not defined "
            "in the notebook's parameters cell"
        )
    return ChapterParams(
        chapter_id, validate(chapter_id, {p.name: namespace[p.name] for p in chapter.params})
    )


# ------------------------------------------------------------------------- notebook parameters


def _read_notebook(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"notebook not found: {path}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"notebook {path} is not valid .ipynb JSON: {exc}") from None


def parameters_cell(notebook_path: Path | str) -> dict[str, Any]:
    """Names and literal default values assigned by a notebook's ``parameters`` cell.

    Parses the first code cell tagged ``parameters`` with :mod:`ast`; every
    statement must be ``name = <literal>`` or ``name: type = <literal>``
    (``ast.literal_eval``), otherwise InputError.

    Returns
    -------
    dict
        Name to default value, in assignment order.
    """
    path = Path(notebook_path)
    nb = _read_notebook(path)
    cells = [
        c
        for c in nb.get("cells", [])
        if c.get("cell_type") == "code" and "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    if not cells:
        raise InputError(f"notebook {path.name} has no cell tagged 'parameters'")
    source = cells[0].get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise InputError(f"parameters cell of {path.name} is not valid Python: {exc.msg}") from None
    out: dict[str, Any] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            raise InputError(
                f"parameters cell of {path.name}, line {stmt.lineno}: only 'name = literal' "
                "assignments are allowed"
            )
        if not isinstance(target, ast.Name):
            raise InputError(
                f"parameters cell of {path.name}, line {stmt.lineno}: assign to a plain name"
            )
        try:
            out[target.id] = ast.literal_eval(value)
        except ValueError:
            raise InputError(
                f"parameters cell of {path.name}: {target.id} is not a literal value"
            ) from None
    return out


def spec_matches_notebook(chapter_id: str) -> list[str]:
    """Differences between a chapter's spec and its notebook's parameters cell.

    Returns
    -------
    list of str
        One line per discrepancy (missing notebook, name only in the spec, name
        only in the notebook, different default); empty when they agree.
    """
    chapter = get_chapter(chapter_id)
    if not chapter.notebook.is_file():
        return [f"{chapter_id}: notebook {chapter.notebook} does not exist"]
    try:
        cell = parameters_cell(chapter.notebook)
    except InputError as exc:
        return [f"{chapter_id}: {exc}"]
    spec = chapter.defaults()
    problems = []
    for name in spec:
        if name not in cell:
            problems.append(f"{chapter_id}: {name!r} is in the spec but not in the parameters cell")
    for name in cell:
        if name not in spec:
            problems.append(f"{chapter_id}: {name!r} is in the parameters cell but not in the spec")
    for name in spec.keys() & cell.keys():
        a, b = spec[name], cell[name]
        if type(a) is not type(b) or a != b:
            problems.append(
                f"{chapter_id}: default of {name!r} is {a!r} in the spec but {b!r} in the notebook"
            )
    return problems


# --------------------------------------------------------------------------------------- run


def run(
    chapter_id: str,
    params: Mapping[str, Any] | None = None,
    output: Path | str | None = None,
) -> Path:
    """Execute a chapter with papermill after validating its parameters.

    Parameters
    ----------
    chapter_id : str
        Key of :data:`CHAPTERS`.
    params : mapping of str to str or value
        Parameter overrides (strings are parsed to the spec'd type).
    output : path, optional
        Executed notebook; default ``<chapter stem>.out.ipynb`` in the current
        directory. Refused inside the book's ``chapters/`` and ``book/`` folders and when
        it is (a link to) any chapter notebook; written atomically (a temporary file
        in the same folder, renamed when the run succeeded), so a failed run writes
        nothing and never leaves a half-written file.

    Returns
    -------
    pathlib.Path
        The written notebook.

    Raises
    ------
    ParameterError, InputError
        Before anything is executed or written.
    ScalingLawsError
        When the notebook raises during execution (one line: the exception).
    """
    chapter = get_chapter(chapter_id)
    values = validate(chapter_id, params or {})
    _check_string_kinds(chapter, values)
    if not chapter.notebook.is_file():
        raise InputError(f"chapter {chapter_id!r}: notebook {chapter.notebook} does not exist")
    out = _check_output(chapter, output)

    import os
    import tempfile

    import papermill  # slow import: only when running
    from papermill.exceptions import PapermillExecutionError

    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".tmp.ipynb", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            papermill.execute_notebook(
                str(chapter.notebook),
                str(tmp),
                parameters=values,
                kernel_name="python3",
                cwd=str(chapter.notebook.parent),
                progress_bar=False,
                log_output=False,
                # the kernel's "running over TCP without encryption" warning is not ours to show
                extra_arguments=["--log-level=CRITICAL"],
            )
        except PapermillExecutionError as exc:
            raise ScalingLawsError(
                f"chapter {chapter_id!r} failed in cell {exc.exec_count}: {exc.ename}: "
                f"{_one_line(exc.evalue)}"
            ) from None
        _strip_timestamps(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, out)  # atomic: replaces the directory entry, never a linked file
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _one_line(text: object, width: int = 300) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def _check_string_kinds(chapter: Chapter, values: Mapping[str, Any]) -> None:
    """Validate string parameters that have no ``choices`` by the kind their default shows.

    A default like ``"2010-01-01"`` makes the parameter a date: the value must be a valid ISO
    date (``YYYY-MM-DD``), and a ``*_start`` date must precede the ``*_end`` date of the same
    prefix (``trend_start`` < ``trend_end``). Any other free string must be one printable line
    of at most 200 characters. Raises :class:`ParameterError` before anything runs.
    """
    import datetime
    import re

    iso_date = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    dates: dict[str, datetime.date] = {}
    for spec in chapter.params:
        if spec.type is not str or spec.choices is not None:
            continue
        value = values[spec.name]
        if isinstance(spec.default, str) and iso_date.match(spec.default):
            try:
                if not iso_date.match(value):
                    raise ValueError
                dates[spec.name] = datetime.date.fromisoformat(value)
            except ValueError:
                raise ParameterError(
                    f"chapter {chapter.id!r}: parameter {spec.name!r} must be a date "
                    f"YYYY-MM-DD, got {_short_repr(value)}"
                ) from None
        elif len(value) > 200 or not value.isprintable():
            raise ParameterError(
                f"chapter {chapter.id!r}: parameter {spec.name!r} must be one printable line "
                f"of at most 200 characters, got {_short_repr(value)}"
            )
    for name, start in dates.items():
        if name.endswith("_start"):
            end_name = name[: -len("_start")] + "_end"
            if end_name in dates and not start < dates[end_name]:
                raise ParameterError(
                    f"chapter {chapter.id!r}: {name} ({start}) must be before "
                    f"{end_name} ({dates[end_name]})"
                )


def _short_repr(value: object, width: int = 60) -> str:
    shown = repr(value)
    return shown if len(shown) <= width else shown[: width - 3] + "..."


def _check_output(chapter: Chapter, output: Path | str | None) -> Path:
    """The output path of :func:`run`, refused where writing it could destroy the book.

    Refused: a path that is not ``.ipynb``; a folder; a missing parent folder; anything inside
    the book's ``chapters/`` or ``book/`` folders (after resolving links); and a file that is
    any chapter notebook, compared by path and by identity (device and inode, so a hard link to
    a chapter is refused too).
    """
    import os

    out = Path(output) if output is not None else Path(f"{chapter.notebook.stem}.out.ipynb")
    # absolute: papermill saves while executing inside the chapters folder (cwd)
    out = out if out.is_absolute() else Path.cwd() / out
    out = Path(os.path.normpath(out))
    if out.suffix != ".ipynb":
        raise InputError(f"output must be an .ipynb file, got {_short_repr(str(out), 200)}")
    resolved = out.resolve()
    if resolved == chapter.notebook.resolve():
        raise InputError(f"refusing to overwrite the chapter's source notebook {chapter.notebook}")
    protected = [REPO_ROOT / "chapters", REPO_ROOT / "book"]
    for folder in {p.resolve() for p in protected}:
        if resolved.is_relative_to(folder) or out.is_relative_to(folder):
            raise InputError(
                f"refusing to write inside the book's folder {folder}: choose an output "
                "outside chapters/ and book/"
            )
    if out.exists():
        if out.is_dir():
            raise InputError(f"output is a folder: {out}")
        st = out.stat()
        for c in CHAPTERS.values():
            try:
                cs = c.notebook.stat()
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == (cs.st_dev, cs.st_ino):
                raise InputError(
                    f"refusing to overwrite {out}: it is the same file as the notebook of "
                    f"chapter {c.id!r} ({c.notebook})"
                )
    if not out.parent.is_dir():
        raise InputError(f"output folder does not exist: {out.parent}")
    return out


def _strip_timestamps(path: Path) -> None:
    """Drop papermill's and nbclient's timing metadata so the output is deterministic."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    pm = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration"):
        pm.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cpm = cell.metadata.get("papermill", {})
        for key in ("start_time", "end_time", "duration"):
            cpm.pop(key, None)
    nbformat.write(nb, str(path))

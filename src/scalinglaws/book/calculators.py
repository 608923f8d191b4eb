"""Explorable calculators: Vega-Lite charts whose sliders and drop-downs recompute in the browser.

Every number a calculator shows is computed by a Vega expression in the reader's browser (no
Python, no server), from constants interpolated here from the library's law objects (never
retyped), and formatted as the book formats numbers (:func:`scalinglaws.book.fmt_sig`, three
significant figures, ``a × 10ⁿ`` outside [0.001, 100,000)). Each calculator is a
:func:`scalinglaws.book.charts.figure` with a title, caption and alt text; its controls are native
``<input>``/``<select>`` elements with a label (keyboard operable), named by the stable parameter
names in :data:`PARAMS`.

* :func:`chinchilla_calculator` (chapter 4): iso-FLOP loss curve, N_opt, D_opt, tokens per
  parameter and loss for a budget and a law (:func:`scalinglaws.core.allocation.compute_optimal`);
* :func:`allocation_calculator` (chapter 2): Kaplan's allocation against the canonical law's;
* :func:`data_constrained_calculator` (chapter 5): effective data against epochs and the
  compute-optimal allocation under a unique-token budget (:mod:`scalinglaws.analyses.data_constrained`);
* :func:`pass_at_k_calculator` (chapter 6): pass@k against k (Chen et al.'s unbiased estimator as
  a product, summed in log space) and Brown et al.'s coverage law (:mod:`scalinglaws.analyses.coverage`);
* :func:`transfer_calculator` (chapter 5): Hernandez et al.'s effective data transferred by
  pre-training, its multiplier and share (:mod:`scalinglaws.core.transfer`; constants NOT verified
  against the paper, and the calculator says so).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import altair as alt

from scalinglaws.analyses import coverage as cov
from scalinglaws.analyses import data_constrained as dc
from scalinglaws.book import charts
from scalinglaws.book.format import fmt_sig
from scalinglaws.core import transfer as tr
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import (
    DEFAULT_LAW,
    HOFFMANN,
    KAPLAN,
    PF_DAY_FLOP,
    KaplanLaw,
    ParametricLaw,
    get_law,
    law_label,
)

__all__ = [
    "PARAMS",
    "fmt_expr",
    "chinchilla_calculator",
    "allocation_calculator",
    "data_constrained_calculator",
    "pass_at_k_calculator",
    "transfer_calculator",
]

#: Parameter (Vega signal) names of each calculator, in the order their controls appear.
PARAMS: dict[str, tuple[str, ...]] = {
    "chinchilla": ("log_budget", "law"),
    "allocation": ("log_budget",),
    "data_constrained": ("r_d_star", "epochs", "log_budget", "log_unique"),
    "pass_at_k": ("n_samples", "n_correct", "k", "coverage_a", "coverage_b"),
    "transfer": ("log_finetune", "log_params", "pretraining"),
}

#: Slider ranges (exponents of ten for ``log_*``).
CHINCHILLA_LOG_BUDGET = (18.0, 27.0)
ALLOCATION_LOG_BUDGET = (17.0, 25.0)
DC_LOG_BUDGET = (19.0, 25.0)
DC_LOG_UNIQUE = (8.0, 13.0)
DC_R_D_STAR = (1.0, 200.0)
DC_EPOCHS = (1.0, 256.0)
MAX_SAMPLES = 1000
COVERAGE_A = (-5.0, -0.01)
COVERAGE_B = (-1.0, -0.01)
#: Coverage whose sample count the test-time calculator states.
COVERAGE_TARGET = 0.9
#: Transfer calculator: log10 of the fine-tuning characters D_F and of the non-embedding N.
TRANSFER_LOG_FINETUNE = (4.0, 10.0)
TRANSFER_LOG_PARAMS = (5.0, 10.0)

_SUP = "['⁰','¹','²','³','⁴','⁵','⁶','⁷','⁸','⁹']"
_SUPER_PY = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_PANEL_WIDTH = 520
_LINE = 20
#: The data-constrained search: coarse step (decades of N), coarse points (12 decades), fine
#: points (step _SEARCH_STEP / 1000 over two coarse steps either side of the coarse best).
_SEARCH_STEP = 0.01
_SEARCH_COARSE = 1201
_SEARCH_FINE = 4001


# ------------------------------------------------------------------------------ expressions
def _lit(value: Any, name: str) -> str:
    """A float as a JavaScript literal rounded to :data:`charts.SPEC_DIGITS` significant digits.

    The same rounding as every stored chart: a constant fitted in the chapter (chapter 4's refit) differs
    between BLAS kernels and fitting engines in its 8th digit, and the stored output must not. Six digits
    move a calculator's numbers by about 1e-6 relative, far below the three significant figures shown.
    Non-finite values are refused.
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{name} must be a finite number, got {value!r}")
    return repr(float(f"{float(value):.{charts.SPEC_DIGITS}g}"))


def _sup_expr(n: str) -> str:
    """Vega expression: the integer ``n`` (|n| < 1000) as Unicode superscript digits."""
    m = f"abs({n})"
    return (
        f"(({n}) < 0 ? '⁻' : '') + ({m} >= 100 ? {_SUP}[floor({m} / 100)] : '') + "
        f"({m} >= 10 ? {_SUP}[floor({m} / 10) % 10] : '') + {_SUP}[{m} % 10]"
    )


def _decade_expr(x: str) -> str:
    """Vega expression: ``floor(log10(|x|))``, exact at powers of ten."""
    ax = f"abs({x})"
    e0 = f"floor(log({ax}) / LN10)"
    # log(x)/LN10 can fall just below an integer (log(1000)/LN10 = 2.9999999999999996)
    return f"(pow(10, {e0} + 1) <= {ax} ? {e0} + 1 : (pow(10, {e0}) > {ax} ? {e0} - 1 : {e0}))"


def fmt_expr(x: str, decade: str | None = None) -> str:
    """Vega expression formatting the non-negative number ``x`` exactly as ``fmt_sig(x)`` does.

    Three significant figures; fixed decimals with thousands separators in [0.001, 100,000),
    otherwise ``a.bc × 10ⁿ`` with a superscript exponent. ``decade``: an expression already
    holding ``floor(log10(x))`` (:func:`_decade_expr`), to keep the expression short.
    """
    ax = f"abs({x})"
    e = decade or _decade_expr(x)
    fixed = f"format({x}, ',.' + max(2 - {e}, 0) + 'f')"
    hundredths = f"round({ax} / pow(10, {e}) * 100)"  # the mantissa in hundredths, 100..1000
    sci = (
        f"({hundredths} >= 1000 ? '1.00 × 10' + {_sup_expr(f'{e} + 1')} : "
        f"format({hundredths} / 100, '.2f') + ' × 10' + {_sup_expr(e)})"
    )
    return f"(({x}) == 0 ? '0' : (({ax} >= 0.001 && {ax} < 1e5) ? {fixed} : {sci}))"


def _log1p(x: str) -> str:
    """Accurate ``log1p`` (Vega has none): ``u = 1 + x; u == 1 ? x : log(u) x / (u - 1)``."""
    return f"(1 + ({x}) == 1 ? ({x}) : log(1 + ({x})) * ({x}) / ((1 + ({x})) - 1))"


def _expm1(x: str) -> str:
    """Accurate ``expm1``: ``u = exp(x); u == 1 ? x : (u - 1) x / log(u)`` (and -1 far left)."""
    u = f"exp({x})"
    return f"({u} == 1 ? ({x}) : ({u} - 1 == -1 ? -1 : ({u} - 1) * ({x}) / log({u})))"


def _decade_axis(k0: int, k1: int, title: str) -> dict[str, Any]:
    """Axis with ticks at the powers of ten 1e{k0}..1e{k1}, labelled ``10ⁿ`` (Vega drops the
    ticks outside a scale's current domain)."""
    labels = {0: "1", 1: "10"}
    expr = " : ".join(
        f"datum.value == 1e{k} ? '{labels.get(k, '10' + str(k).translate(_SUPER_PY))}'"
        for k in range(k0, k1 + 1)
    )
    return dict(
        title=title,
        axis=alt.Axis(
            values=[float(f"1e{k}") for k in range(k0, k1 + 1)], labelExpr=expr + " : ''"
        ),
    )


def _slider(
    name: str, label: str, value: float, lo: float, hi: float, step: float
) -> alt.Parameter:
    """A labelled range input. A default outside ``[lo, hi]`` (a chapter run at the end of its
    parameter's range) widens the range to reach it, so the default is always the chapter's."""
    lo, hi = min(lo, value), max(hi, value)
    return alt.param(
        name=name, value=value, bind=alt.binding_range(min=lo, max=hi, step=step, name=label)
    )


def _positive(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InputError(f"{name} must be a positive number, got {value!r}")
    if not math.isfinite(value):
        raise InputError(f"{name} must be finite, got {value!r}")
    return float(value)


def _law_fields(consts: Mapping[str, str]) -> dict[str, str]:
    """Calculate-steps for a Chinchilla-form law given expressions of E, A, B, alpha, beta:
    the constants and ``G``, ``a``, ``b`` of Hoffmann et al. 2022, eq 4."""
    return {
        "E": consts["E"],
        "A": consts["A"],
        "B": consts["B"],
        "al": consts["alpha"],
        "be": consts["beta"],
        "G": "pow(datum.al * datum.A / (datum.be * datum.B), 1 / (datum.al + datum.be))",
        "a": "datum.be / (datum.al + datum.be)",
        "b": "datum.al / (datum.al + datum.be)",
    }


def _fixed_law(law: ParametricLaw) -> dict[str, str]:
    return _law_fields({k: _lit(getattr(law, k), f"{law.name}.{k}") for k in _CONSTS})


_CONSTS = ("E", "A", "B", "alpha", "beta")


def _calc(chart: Any, fields: Mapping[str, str]) -> Any:
    for name, expr in fields.items():
        chart = chart.transform_calculate(**{name: expr})
    return chart


def _one_row() -> alt.SequenceGenerator:
    return alt.sequence(0, 1, as_="row")


def _text_panel(base: Any, numbers: Mapping[str, str], lines: list[str]) -> alt.LayerChart:
    """Lines of text, each a Vega string expression over the single datum that ``base`` (a chart
    with data and transforms) leaves. ``numbers`` maps a key to a numeric expression; a line
    refers to its book-formatted text as ``datum.F_<key>``."""
    fields: dict[str, str] = {}
    for key, expr in numbers.items():
        fields[f"v_{key}"] = expr
        fields[f"e_{key}"] = _decade_expr(f"datum.v_{key}")
        fields[f"F_{key}"] = fmt_expr(f"datum.v_{key}", f"datum.e_{key}")
    base = _calc(base, fields | {f"line{i}": line for i, line in enumerate(lines)})
    layers = [
        alt.Chart()
        .mark_text(align="left", baseline="top", fontSize=13)
        .encode(x=alt.value(0), y=alt.value(i * _LINE), text=alt.Text(f"line{i}:N"))
        for i in range(len(lines))
    ]
    panel = alt.LayerChart(layer=layers, data=base.data, transform=base.transform)
    return panel.properties(
        width=_PANEL_WIDTH, height=_LINE * len(lines), view=alt.ViewBackground(stroke=None)
    )


class _Numbers(dict):
    """Numbers of a text panel: ``numbers("nopt")`` registers ``datum.nopt`` and returns the
    expression of its book-formatted text (see :func:`_text_panel`)."""

    def __call__(self, field: str) -> str:
        key = f"n{len(self)}"
        self[key] = f"datum.{field}"
        return f"datum.F_{key}"

    def line(self, template: str) -> str:
        """A text line as a Vega string expression: ``{field}`` in ``template`` is a number
        (``datum.field``, book-formatted), ``{#field}`` an integer with thousands separators."""
        parts = re.split(r"\{([^}]+)\}", template)
        out = []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                if part:
                    out.append(json.dumps(part))
            elif part.startswith("#"):
                out.append(f"format(datum.{part[1:]}, ',d')")
            else:
                out.append(self(part))
        return " + ".join(out)


# ------------------------------------------------------------------------------ chapter 4
def _choose(param: str, values: Mapping[str, str]) -> str:
    keys = list(values)
    expr = values[keys[-1]]
    for key in reversed(keys[:-1]):
        expr = f"({param} == '{key}' ? {values[key]} : {expr})"
    return expr


def chinchilla_calculator(refit: ParametricLaw, *, budget: float = 5.76e23) -> charts.Figure:
    """Compute-optimal model for a budget and a law, computed in the browser (chapter 4).

    Controls: ``log_budget`` (log10 of the budget C in FLOP, 18 to 27) and ``law`` (``canonical``:
    the book's canonical law; ``hoffmann``: Hoffmann et al.'s printed constants; ``refit``: the
    chapter's refit, passed in). Shows the iso-FLOP loss L(N, C/6N) with N_opt marked and, as
    text, C, N_opt, D_opt, D_opt/N_opt and the loss at the optimum
    (:func:`scalinglaws.core.allocation.compute_optimal`).
    """
    if not isinstance(refit, ParametricLaw):
        raise InputError(
            f"refit must be a Chinchilla-form ParametricLaw, got {type(refit).__name__}"
        )
    budget = _positive(budget, "budget")
    canonical = get_law(DEFAULT_LAW)
    choices = {"canonical": canonical, "hoffmann": HOFFMANN, "refit": refit}
    labels = {
        "canonical": f"{law_label(canonical)} (canonical)",
        "hoffmann": law_label(HOFFMANN),
        "refit": "The chapter's refit",
    }
    log_budget = _slider(
        "log_budget",
        "Compute budget C: log₁₀ of FLOP",
        math.log10(budget),
        *CHINCHILLA_LOG_BUDGET,
        0.01,
    )
    law = alt.param(
        name="law",
        value="canonical",
        bind=alt.binding_select(
            options=list(choices), labels=[labels[k] for k in choices], name="Scaling law"
        ),
    )
    consts = {
        k: _choose(
            "law", {key: _lit(getattr(obj, k), f"{key}.{k}") for key, obj in choices.items()}
        )
        for k in _CONSTS
    }
    opt = _law_fields(consts) | {
        "C": "pow(10, log_budget)",
        "nopt": "datum.G * pow(datum.C / 6, datum.a)",
        "dopt": "pow(datum.C / 6, datum.b) / datum.G",
        "lopt": "datum.E + datum.A / pow(datum.nopt, datum.al) + datum.B / pow(datum.dopt, datum.be)",
    }
    curve_fields = opt | {
        "N": "datum.nopt * pow(10, datum.t)",
        "D": "datum.C / (6 * datum.N)",
        "L": "datum.E + datum.A / pow(datum.N, datum.al) + datum.B / pow(datum.D, datum.be)",
    }
    x = alt.X("N:Q", scale=alt.Scale(type="log", nice=False), **_decade_axis(6, 16, "Parameters N"))
    y = alt.Y("L:Q", scale=alt.Scale(zero=False), title="Loss L (nats/token)")
    curve = _calc(alt.Chart(alt.sequence(-1.5, 1.501, 0.02, as_="t")), curve_fields).mark_line()
    curve = curve.encode(x=x, y=y)
    point = _calc(alt.Chart(_one_row()), opt | {"N": "datum.nopt", "L": "datum.lopt"})
    point = point.mark_point(size=90, filled=True, color=charts.PALETTE[1]).encode(x=x, y=y)
    plot = alt.layer(curve, point).properties(width=_PANEL_WIDTH, height=280)
    _f = _Numbers()
    text = _text_panel(
        _calc(alt.Chart(_one_row()), opt),
        _f,
        [
            _f.line("Budget C = {C} FLOP"),
            _f.line("N_opt = {nopt} parameters"),
            _f.line("D_opt = {dopt} tokens"),
            _f.line("D_opt / N_opt = {dopt / datum.nopt} tokens per parameter"),
            _f.line("Loss at the optimum = {lopt} nats/token"),
        ],
    )
    chart = alt.vconcat(plot, text).add_params(log_budget, law)
    return charts.figure(
        chart,
        title="Calculator: the compute-optimal model for your budget",
        caption=(
            "Drag the budget and pick a law: the curve is the loss of every model size N trained on "
            "the rest of the budget (D = C/6N tokens); the dot is the compute-optimal model N_opt = "
            "G (C/6)^a (Hoffmann et al. 2022, eq 4). Computed in your browser from each law's "
            "constants; the chapter's own numbers come with intervals, these are point estimates."
        ),
        alt=(
            "Interactive calculator: a U-shaped loss curve against model size for the chosen budget "
            "and law, its minimum marked, and text lines giving the budget, N_opt, D_opt, tokens "
            "per parameter and the loss at the optimum."
        ),
    )


# ------------------------------------------------------------------------------ chapter 2
def allocation_calculator(
    budget: float = 1e21, *, law: Any = DEFAULT_LAW, kaplan: KaplanLaw = KAPLAN
) -> charts.Figure:
    """Kaplan et al.'s allocation against a Chinchilla-form law's for one budget (chapter 2).

    Control: ``log_budget`` (log10 of C in FLOP, 17 to 25). Kaplan: N = N_e (C/PF-day)^p_N
    non-embedding parameters, D = C/6N (App. A Table 6); the law: N = G (C/6)^a, D = (C/6)^b/G.
    Curves over the whole range with the chosen budget marked, and the numbers as text
    (:func:`scalinglaws.core.allocation.compute_optimal`).
    """
    budget = _positive(budget, "budget")
    other = get_law(law)
    if not isinstance(other, ParametricLaw):
        raise InputError(f"law must be a Chinchilla-form law, got {getattr(other, 'name', law)!r}")
    if not isinstance(kaplan, KaplanLaw):
        raise InputError(f"kaplan must be a KaplanLaw, got {type(kaplan).__name__}")
    log_budget = _slider(
        "log_budget",
        "Compute budget C: log₁₀ of FLOP",
        math.log10(budget),
        *ALLOCATION_LOG_BUDGET,
        0.01,
    )
    lk, lc = "Kaplan et al. 2020", law_label(other)
    fields = _fixed_law(other) | {
        "kN": f"{_lit(kaplan.N_e, 'N_e')} * pow(datum.C / {_lit(PF_DAY_FLOP, 'PF-day')}, "
        f"{_lit(kaplan.p_N, 'p_N')})",
        "kD": "datum.C / (6 * datum.kN)",
        "cN": "datum.G * pow(datum.C / 6, datum.a)",
        "cD": "pow(datum.C / 6, datum.b) / datum.G",
    }
    series = {
        "kN": f"{lk}: parameters N (non-embedding)",
        "kD": f"{lk}: tokens D",
        "cN": f"{lc}: parameters N (all)",
        "cD": f"{lc}: tokens D",
    }
    x = alt.X(
        "C:Q",
        scale=alt.Scale(type="log", nice=False),
        **_decade_axis(17, 25, "Training compute C (FLOP)"),
    )
    y = alt.Y(
        "value:Q",
        scale=alt.Scale(type="log"),
        **_decade_axis(5, 16, "Compute-optimal N (parameters) or D (tokens)"),
    )
    color_scale = alt.Scale(domain=list(series.values()), range=list(charts.PALETTE[:4]))
    color = alt.Color(
        "series:N",
        title=None,
        scale=color_scale,
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=600),
    )
    lo, hi = ALLOCATION_LOG_BUDGET
    curves = _calc(
        alt.Chart(alt.sequence(lo, hi + 0.001, 0.05, as_="lc")),
        {"C": "pow(10, datum.lc)"} | fields,
    ).transform_fold(list(series), as_=["key", "value"])
    label_expr = _choose("datum.key", {k: json.dumps(v) for k, v in series.items()})
    curves = curves.transform_calculate(series=label_expr).mark_line().encode(x=x, y=y, color=color)
    at = {"C": "pow(10, log_budget)"} | fields
    points = _calc(alt.Chart(_one_row()), at).transform_fold(list(series), as_=["key", "value"])
    points = points.transform_calculate(series=label_expr).mark_point(size=70, filled=True)
    points = points.encode(x=x, y=y, color=color)
    rule = _calc(alt.Chart(_one_row()), {"C": "pow(10, log_budget)"}).mark_rule(
        strokeDash=[2, 2], color="#555555"
    )
    plot = alt.layer(curves, rule.encode(x=x), points).properties(width=_PANEL_WIDTH, height=300)
    _f = _Numbers()
    text = _text_panel(
        _calc(alt.Chart(_one_row()), at),
        _f,
        [
            _f.line("Budget C = {C} FLOP"),
            _f.line(f"{lk}: N = {{kN}} parameters (non-embedding), D = {{kD}} tokens"),
            _f.line(f"{lc}: N = {{cN}} parameters, D = {{cD}} tokens"),
            _f.line(f"Tokens per parameter D/N: Kaplan {{kD / datum.kN}}, {lc} {{cD / datum.cN}}"),
            _f.line(
                f"Kaplan against {lc}: {{kN / datum.cN}}× the parameters, {{kD / datum.cD}}× the tokens"
            ),
        ],
    )
    chart = alt.vconcat(plot, text).add_params(log_budget)
    return charts.figure(
        chart,
        title="Calculator: where the extra compute goes",
        caption=(
            f"Drag the budget: compute-optimal parameters and tokens under Kaplan et al.'s Table 6 "
            f"rule (N = {fmt_sig(kaplan.N_e, 2)} C^{kaplan.p_N} with C in PF-days, D = C/6N; N without "
            f"embeddings) and under {lc} (N = G (C/6)^a, D = (C/6)^b / G). Computed in your browser; "
            "point estimates."
        ),
        alt=(
            "Interactive calculator: four rising lines of compute-optimal parameters and tokens "
            "against compute under Kaplan's rule and the canonical law, the chosen budget marked, "
            "and text lines giving both allocations at that budget."
        ),
    )


# ------------------------------------------------------------------------------ chapter 5
def data_constrained_calculator(
    params: Mapping[str, Any] = dc.PUBLISHED,
    *,
    epochs: float = 4.0,
    flops: float = 1e22,
    unique_tokens: float = 25e9,
) -> charts.Figure:
    """Repeated data under Muennighoff et al.'s data-constrained law, in the browser (chapter 5).

    Controls: ``r_d_star`` (R_D*, 1 to 200), ``epochs`` (1 to 256), ``log_budget`` (log10 C,
    19 to 25) and ``log_unique`` (log10 of the unique tokens U, 8 to 13). Shows D'/U against epochs
    (:func:`scalinglaws.analyses.data_constrained.effective_data`) and, as text, the value of the
    chosen epochs and the loss-minimising allocation for C FLOP with at most U unique tokens
    (:func:`scalinglaws.analyses.data_constrained.optimal_under_unique_tokens`, here a search over
    a coarse grid over log N, then a grid 1,000 times finer around its best point).
    """
    if not isinstance(params, Mapping) or not {"R_D_star", "R_N_star"} <= set(params):
        raise InputError("params must be a mapping with keys R_D_star, R_N_star (and base)")
    base = params.get("base", dc.PUBLISHED["base"])
    if not isinstance(base, ParametricLaw):
        raise InputError(f"params['base'] must be a ParametricLaw, got {type(base).__name__}")
    r_d = _positive(params["R_D_star"], "R_D_star")
    r_n = _positive(params["R_N_star"], "R_N_star")
    flops, unique_tokens = _positive(flops, "flops"), _positive(unique_tokens, "unique_tokens")
    if _positive(epochs, "epochs") < 1:
        raise InputError(f"epochs must be at least 1, got {epochs!r}")
    controls = [
        _slider("r_d_star", "Decay constant R_D* (epochs)", r_d, *DC_R_D_STAR, 0.1),
        _slider(
            "epochs",
            "Epochs over the unique data (D/U)",
            _positive(epochs, "epochs"),
            *DC_EPOCHS,
            0.1,
        ),
        _slider(
            "log_budget", "Compute budget C: log₁₀ of FLOP", math.log10(flops), *DC_LOG_BUDGET, 0.01
        ),
        _slider(
            "log_unique",
            "Unique tokens U: log₁₀ of tokens",
            math.log10(unique_tokens),
            *DC_LOG_UNIQUE,
            0.01,
        ),
    ]
    eff = "1 + r_d_star * (1 - exp(-(datum.ep - 1) / r_d_star))"
    x = alt.X(
        "ep:Q",
        scale=alt.Scale(type="log", nice=False),
        **_decade_axis(0, 3, "Epochs over the unique data (D / U)"),
    )
    y = alt.Y(
        "eff:Q", scale=alt.Scale(type="log", nice=False),
        **_decade_axis(0, 3, "Fresh-data equivalent D'/U (epochs)"),
    )  # fmt: skip
    lo, hi = DC_EPOCHS
    grid = alt.sequence(0, math.log10(hi) + 0.001, 0.02, as_="le")
    kinds = ["repeated tokens (R_D* as chosen)", "fresh tokens (D' = D)"]
    color = alt.Color(
        "kind:N", title=None, scale=alt.Scale(domain=kinds, range=list(charts.PALETTE[:2]))
    )
    curves = _calc(alt.Chart(grid), {"ep": "pow(10, datum.le)", "rep": eff, "fresh": "datum.ep"})
    curves = curves.transform_fold(["rep", "fresh"], as_=["key", "eff"]).transform_calculate(
        kind=f"datum.key == 'rep' ? {json.dumps(kinds[0])} : {json.dumps(kinds[1])}"
    )
    curves = curves.mark_line().encode(x=x, y=y, color=color)
    point = _calc(alt.Chart(_one_row()), {"ep": "epochs", "eff": eff}).mark_point(
        size=80, filled=True, color=charts.PALETTE[0]
    )
    plot = alt.layer(curves, point.encode(x=x, y=y)).properties(width=_PANEL_WIDTH, height=260)

    # the allocation: the loss at sizes N = 10^(centre + s), centre = log10 sqrt(C/6), searched
    # in two stages within six decades either side (the bounds of optimal_under_unique_tokens):
    # a grid of step h1 (in log10 N), then a grid of step h1/1000 within two steps of its best.
    # No parabola: at the optimum the loss can have a kink (where N = N_opt(U), U_N's min).
    law = _fixed_law(base) | {
        "C": "pow(10, log_budget)",
        "U": "pow(10, log_unique)",
        "centre": "log(datum.C / 6) / LN10 / 2",
    }
    r_n_lit = _lit(r_n, "R_N_star")

    def loss(s: str, out: str) -> dict[str, str]:
        p = f"_{out}"
        return {
            f"{p}N": f"pow(10, datum.centre + {s})",
            f"{p}D": f"datum.C / (6 * datum.{p}N)",
            f"{p}u": f"min(datum.U, datum.{p}D)",
            f"{p}Dp": f"datum.{p}u + datum.{p}u * r_d_star * "
            f"(1 - exp(-max(datum.{p}D / datum.{p}u - 1, 0) / r_d_star))",
            f"{p}UN": f"min(datum.{p}N, datum.G * pow(datum.{p}u * datum.G, datum.be / datum.al))",
            f"{p}Np": f"datum.{p}UN + datum.{p}UN * {r_n_lit} * "
            f"(1 - exp(-max(datum.{p}N / datum.{p}UN - 1, 0) / {r_n_lit}))",
            out: f"datum.E + datum.A / pow(datum.{p}Np, datum.al) + datum.B / pow(datum.{p}Dp, datum.be)",
        }

    h1, n1, n2 = _SEARCH_STEP, _SEARCH_COARSE, _SEARCH_FINE
    coarse = f"(datum.i < {n1})"
    search = alt.layer(data=alt.sequence(0, n1 + n2, as_="i"))
    search = _calc(search, law | {"s1": f"{coarse} ? -6 + datum.i * {h1!r} : 0"})
    search = _calc(search, loss("datum.s1", "L1") | {"L1c": f"{coarse} ? datum.L1 : null"})
    half = (n2 - 1) // 2
    search = (
        search.transform_joinaggregate(best="argmin(L1c)")
        .transform_filter(f"!{coarse}")
        .transform_calculate(s2=f"datum.best.s1 + (datum.i - {n1} - {half}) * {h1 / 1000!r}")
    )
    search = _calc(search, loss("datum.s2", "Lopt"))
    search = search.transform_window(
        pick="row_number()", sort=[alt.SortField("Lopt"), alt.SortField("i")]
    ).transform_filter("datum.pick == 1")
    _f = _Numbers()
    lines = [
        _f.line("R_D* = {rd}: {ep} epochs are worth {eff} epochs of fresh tokens"),
        _f.line("(a share {eff / datum.ep} of their face value)"),
        _f.line("Budget C = {C} FLOP with at most U = {U} unique tokens:"),
        _f.line("N = {_LoptN} parameters, D = {_LoptD} tokens"),
        _f.line(
            "Epochs D/U = {_LoptD / datum._Loptu}, D/N = {_LoptD / datum._LoptN} tokens per parameter"
        ),
        _f.line("Loss = {Lopt} nats/token (C4, GPT-2 tokenizer)"),
    ]
    text = _text_panel(search.transform_calculate(rd="r_d_star", ep="epochs", eff=eff), _f, lines)
    chart = alt.vconcat(plot, text).add_params(*controls)
    return charts.figure(
        chart,
        title="Calculator: what repeated data is worth",
        caption=(
            "Drag R_D*, the epochs, the budget and the unique tokens: the curve is the fresh-data "
            "equivalent D' = U + U R_D* (1 - exp(-(D/U - 1)/R_D*)) of Muennighoff et al. 2023, and "
            "the text gives the loss-minimising model for the budget when at most U unique tokens "
            f"exist (their law with R_N* = {r_n:.3g} and their C4 base law). Computed in your browser."
        ),
        alt=(
            "Interactive calculator: the fresh-data equivalent of repeated tokens against epochs, "
            "bending below the fresh-data diagonal, with the chosen epochs marked; text lines give "
            "their value and the compute-optimal parameters, tokens, epochs and loss under a "
            "unique-token budget."
        ),
    )


# ------------------------------------------------------------------------------ chapter 6
def pass_at_k_calculator(
    *,
    n: int = 100,
    c: int = 5,
    k: int = 20,
    anchor: str = "swe-bench-lite",
) -> charts.Figure:
    """pass@k and the coverage law, computed in the browser (chapter 6).

    Controls: ``n_samples`` (n, 1 to 1000), ``n_correct`` (c, 0 to 1000; at most n), ``k`` (1 to
    1000; at most n), ``coverage_a`` and ``coverage_b`` (a and b of c(k) = exp(a k^b); defaults
    through the two published points of ``anchor``, :data:`scalinglaws.analyses.coverage.COVERAGE_ANCHORS`).
    pass@k = 1 - prod_{i=0}^{k-1} (1 - c/(n-i)) is summed in log space (Chen et al. 2021, eq 1;
    :func:`scalinglaws.analyses.testtime.pass_at_k`).
    """
    for name, v, lo in (("n", n, 1), ("c", c, 0), ("k", k, 1)):
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= MAX_SAMPLES:
            raise InputError(f"{name} must be an integer in [{lo}, {MAX_SAMPLES}], got {v!r}")
    if c > n or k > n:
        raise InputError(f"need c <= n and k <= n, got n={n}, c={c}, k={k}")
    if anchor not in cov.COVERAGE_ANCHORS:
        raise InputError(
            f"unknown coverage anchor {anchor!r}; known: {', '.join(cov.COVERAGE_ANCHORS)}"
        )
    k1, c1, k2, c2 = cov.COVERAGE_ANCHORS[anchor]
    b0 = cov.coverage_exponent_from_anchors(k1, c1, k2, c2)
    a0 = math.log(c1) / k1**b0
    controls = [
        _slider("n_samples", "Samples per problem n", n, 1, MAX_SAMPLES, 1),
        _slider("n_correct", "Correct samples c (at most n)", c, 0, MAX_SAMPLES, 1),
        _slider("k", "Samples drawn k (at most n)", k, 1, MAX_SAMPLES, 1),
        _slider("coverage_a", "Coverage law a = log c(1)", a0, *COVERAGE_A, 0.001),
        _slider("coverage_b", "Coverage law exponent b", b0, *COVERAGE_B, 0.001),
    ]
    cc = "min(n_correct, n_samples)"
    term = _log1p(f"-{cc} / (n_samples - datum.k + 1)")
    curve_data = (
        alt.Chart(alt.sequence(1, MAX_SAMPLES + 1, as_="k"))
        .transform_filter("datum.k <= n_samples")
        .transform_calculate(term=f"n_samples - datum.k + 1 > {cc} ? {term} : 0")
        .transform_window(S="sum(term)", sort=[alt.SortField("k")], frame=[None, 0])
        .transform_calculate(
            p=f"n_samples - {cc} < datum.k ? 1 : ({cc} == 0 ? 0 : -{_expm1('datum.S')})"
        )
    )
    p_axis = dict(title="pass@k", scale=alt.Scale(domain=[0, 1]))
    kx = alt.X("k:Q", scale=alt.Scale(type="log", nice=False), **_decade_axis(0, 4, "Samples k"))
    pass_plot = curve_data.mark_line().encode(x=kx, y=alt.Y("p:Q", **p_axis))
    pass_plot = pass_plot.properties(width=250, height=220, title="pass@k for the chosen n and c")
    cov_expr = "exp(coverage_a * pow(datum.k, coverage_b))"
    cov_curve = _calc(
        alt.Chart(alt.sequence(0, 4.001, 0.02, as_="lk")),
        {"k": "pow(10, datum.lk)", "cov": cov_expr},
    )
    cov_plot = cov_curve.mark_line(color=charts.PALETTE[1]).encode(
        x=kx, y=alt.Y("cov:Q", title="Coverage c(k)", scale=alt.Scale(domain=[0, 1]))
    )
    cov_plot = cov_plot.properties(width=250, height=220, title="Coverage law exp(a k^b)")
    kk = "min(k, n_samples)"
    target = _lit(COVERAGE_TARGET, "target")
    _f = _Numbers()
    lines = [
        _f.line("n = {#n} samples, c = {#c} correct: pass@1 = {c / datum.n}, pass@{#k} = {p}"),
        _f.line("Coverage law at k = {#k}: c(k) = {cov}"),
        _f.line(f"Samples for {COVERAGE_TARGET:.0%} coverage: k = {{k90}}"),
    ]
    text = curve_data.transform_filter(f"datum.k == {kk}").transform_calculate(
        n="n_samples",
        c=cc,
        cov=cov_expr,
        k90=f"pow(log({target}) / coverage_a, 1 / coverage_b)",
    )
    text = _text_panel(text, _f, lines)
    chart = alt.vconcat(alt.hconcat(pass_plot, cov_plot), text).add_params(*controls)
    return charts.figure(
        chart,
        title="Calculator: pass@k and the coverage law",
        caption=(
            "Set n, c and k: pass@k = 1 - C(n-c, k)/C(n, k), the chance that at least one of k "
            "samples drawn from the n is correct (Chen et al. 2021, computed as a product in log "
            "space). Set a and b: Brown et al. 2024's coverage law c(k) = exp(a k^b), by default "
            f"through the two published {anchor} points. Computed in your browser."
        ),
        alt=(
            "Interactive calculator: pass@k rising with k for the chosen n and c, and the coverage "
            "law rising towards one; text lines give pass@1, pass@k, the coverage at k and the "
            "samples needed for 90% coverage."
        ),
    )


# ------------------------------------------------------------------------------ chapter 5, transfer
def _transfer_label(law: tr.TransferLaw) -> str:
    """A law's name and constants as a reader sees them (two significant digits, as printed)."""
    return (
        f"{law.label} (k = {fmt_sig(law.k, 2, sci_above=1e4)}, α = {fmt_sig(law.alpha, 2)}, "
        f"β = {fmt_sig(law.beta, 2)})"
    )


def transfer_calculator(
    *, finetune_chars: float = 1e7, params: float = 1e8, law: str = "text"
) -> charts.Figure:
    """Effective data transferred by pre-training, computed in the browser (chapter 5).

    Controls: ``log_finetune`` (log10 of the fine-tuning data D_F in characters, 4 to 10),
    ``log_params`` (log10 of the non-embedding parameters N, 5 to 10) and ``pretraining`` (the
    row of Hernandez et al. 2021's Table 1: ``text`` or ``mixed``, :data:`scalinglaws.core.transfer.TRANSFER_LAWS`).
    Shows D_F + D_T against D_F beside the from-scratch diagonal and, as text, D_T = k D_F^α N^β
    (:func:`~scalinglaws.core.transfer.effective_data_transferred`), the multiplier (D_F + D_T)/D_F
    (:func:`~scalinglaws.core.transfer.effective_data_multiplier`) and the share D_T/(D_F + D_T)
    (:func:`~scalinglaws.core.transfer.fraction_from_transfer`). The constants are interpolated from
    the law objects, which are NOT verified against the paper; the caption and the text say so.
    """
    d_f, n = _positive(finetune_chars, "finetune_chars"), _positive(params, "params")
    default, laws = tr.get_transfer_law(law), tr.TRANSFER_LAWS
    if laws.get(default.name) is not default:
        raise InputError(f"law must be one of {', '.join(laws)}, got {default.name!r}")
    lo_f = min(TRANSFER_LOG_FINETUNE[0], math.log10(d_f))
    hi_f = max(TRANSFER_LOG_FINETUNE[1], math.log10(d_f))
    hi_n = max(TRANSFER_LOG_PARAMS[1], math.log10(n))
    controls = [
        _slider(
            "log_finetune",
            "Fine-tuning data D_F: log₁₀ of characters",
            math.log10(d_f),
            *TRANSFER_LOG_FINETUNE,
            0.01,
        ),
        _slider(
            "log_params",
            "Model size N: log₁₀ of non-embedding parameters",
            math.log10(n),
            *TRANSFER_LOG_PARAMS,
            0.01,
        ),
        alt.param(
            name="pretraining",
            value=default.name,
            bind=alt.binding_select(
                options=list(laws),
                labels=[_transfer_label(v) for v in laws.values()],
                name="Pre-trained on",
            ),
        ),
    ]
    consts = {
        "k": _choose("pretraining", {key: _lit(v.k, f"{key}.k") for key, v in laws.items()}),
        "al": _choose(
            "pretraining", {key: _lit(v.alpha, f"{key}.alpha") for key, v in laws.items()}
        ),
        "be": _choose("pretraining", {key: _lit(v.beta, f"{key}.beta") for key, v in laws.items()}),
        "N": "pow(10, log_params)",
    }
    d_t = "exp(log(datum.k) + datum.al * log(datum.DF) + datum.be * log(datum.N))"
    at = consts | {
        "DF": "pow(10, log_finetune)",
        "DT": d_t,
        "DE": "datum.DF + datum.DT",
        "mult": "datum.DE / datum.DF",
        "frac": "datum.DT / datum.DE",
        "own": "datum.DF / datum.DE",
    }
    # the y axis reaches the largest effective data any setting of the controls gives
    top = max(float(tr.effective_data(10**hi_f, 10**hi_n, v)) for v in laws.values())
    x = alt.X(
        "DF:Q",
        scale=alt.Scale(type="log", nice=False),
        **_decade_axis(math.floor(lo_f), math.ceil(hi_f), "Fine-tuning data D_F (characters)"),
    )
    y = alt.Y(
        "DE:Q",
        scale=alt.Scale(type="log", nice=False),
        **_decade_axis(
            math.floor(lo_f), math.ceil(math.log10(top)), "Effective data D_F + D_T (characters)"
        ),
    )
    kinds = ["pre-trained, then fine-tuned: D_F + D_T", "from scratch: D_F"]
    color = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=kinds, range=list(charts.PALETTE[:2])),
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=600),
    )
    grid = alt.sequence(lo_f, hi_f + 0.001, 0.05, as_="lf")
    curves = _calc(alt.Chart(grid), consts | {"DF": "pow(10, datum.lf)", "DT": d_t})
    curves = curves.transform_calculate(tuned="datum.DF + datum.DT", scratch="datum.DF")
    curves = curves.transform_fold(["tuned", "scratch"], as_=["key", "DE"]).transform_calculate(
        kind=f"datum.key == 'tuned' ? {json.dumps(kinds[0])} : {json.dumps(kinds[1])}"
    )
    curves = curves.mark_line().encode(x=x, y=y, color=color)
    point = _calc(alt.Chart(_one_row()), at).mark_point(
        size=80, filled=True, color=charts.PALETTE[0]
    )
    plot = alt.layer(curves, point.encode(x=x, y=y)).properties(width=_PANEL_WIDTH, height=260)
    _f = _Numbers()
    which = _choose(
        "pretraining", {key: json.dumps(f"Pre-trained on {v.label}") for key, v in laws.items()}
    )
    lines = [
        _f.line("D_F = {DF} characters, N = {N} non-embedding parameters"),
        _f.line("Effective data transferred D_T = {DT} characters"),
        _f.line("Effective-data multiplier (D_F + D_T) / D_F = {mult}×"),
        _f.line("Share of the effective data from pre-training D_T / (D_F + D_T) = {frac}"),
        _f.line("Share from the fine-tuning data itself D_F / (D_F + D_T) = {own}"),
        which,
        json.dumps("(its k, α and β are NOT verified against the paper)"),
    ]
    text = _text_panel(_calc(alt.Chart(_one_row()), at), _f, lines)
    chart = alt.vconcat(plot, text).add_params(*controls)
    return charts.figure(
        chart,
        title="Calculator: what pre-training is worth in fine-tuning data",
        caption=(
            "Drag the fine-tuning data and the model size, and pick what the model was pre-trained "
            "on: the effective data transferred D_T = k D_F^α N^β of Hernandez et al. 2021 (Eq. 1.1; "
            "D_F in characters of Python, N non-embedding parameters) is the extra Python a model of "
            "the same size trained from scratch would need to match the fine-tuned one. Caveats: the "
            "constants are NOT verified against the paper (its Table 1 was not read; α and β come "
            "from two secondary notes, k from one), and the law holds only in the low-data regime, "
            f"D_F at most {tr.LOW_DATA_FRACTION:.0%} of the data that would saturate the model, which "
            "the calculator does not check. Computed in your browser."
        ),
        alt=(
            "Interactive calculator: the effective data of a pre-trained, fine-tuned model against "
            "the fine-tuning data, above the from-scratch diagonal and approaching it as the "
            "fine-tuning data grow, the chosen point marked; text lines give D_T, the effective-data "
            "multiplier and the shares of the effective data supplied by pre-training and by the "
            "fine-tuning data."
        ),
    )

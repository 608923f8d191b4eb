"""The explorable calculators (scalinglaws.book.calculators): structure of their Vega-Lite specs.

Their numbers are computed in the browser; tests/browser/test_calculators.py drives the controls
and checks the displayed numbers against the library's closed forms.
"""

from __future__ import annotations

import json
import math

import pytest

from scalinglaws.analyses import coverage
from scalinglaws.analyses import data_constrained as dc
from scalinglaws.book import calculators as calc
from scalinglaws.book import charts
from scalinglaws.core import transfer
from scalinglaws.core.errors import InputError
from scalinglaws.core.laws import EPOCH, HOFFMANN, HOFFMANN_TEX, KAPLAN, PF_DAY_FLOP, ParametricLaw

#: A law whose constants appear nowhere else, to see them interpolated into the expressions.
ODD = ParametricLaw(
    name="odd", E=1.7654321, A=432.123457, B=1234.56789, alpha=0.3123457, beta=0.3345679,
    citation="test",
)  # fmt: skip


def _params(fig: charts.Figure) -> dict[str, dict]:
    return {p["name"]: p for p in fig.spec()["params"]}


def _text(fig: charts.Figure) -> str:
    return json.dumps(fig.spec(), ensure_ascii=False)


def _check_figure(fig: charts.Figure, key: str) -> dict[str, dict]:
    spec = fig.spec()
    assert fig.title.startswith("Calculator: ") and spec["title"] == fig.title
    assert spec["description"] == fig.alt and len(fig.alt) > 80
    assert spec["usermeta"]["scalinglaws"]["caption"] == fig.caption and "browser" in fig.caption
    params = _params(fig)
    assert tuple(params) == calc.PARAMS[key]
    for p in params.values():
        bind = p["bind"]
        assert bind["input"] in ("range", "select")
        assert len(bind["name"].strip()) >= 5, bind  # a visible label
        if bind["input"] == "range":
            assert bind["min"] <= p["value"] <= bind["max"] and bind["step"] > 0
    # no inline data: every data source is a generated sequence
    assert not spec.get("datasets"), "calculators must not inline data"
    html = fig.to_html()
    assert 'class="sl-chart"' in html and "<figcaption>" in html
    return params


def _six(value: float) -> str:
    """A constant as the calculators write it: 6 significant digits, like every stored chart."""
    return repr(float(f"{float(value):.6g}"))


def test_chinchilla_calculator_does_not_depend_on_the_fit_s_last_digits():
    """Chapter 4's refit differs between BLAS kernels and engines in its 8th digit (measured: E 1.8172180969
    vs 1.8172180995); the stored calculator must not."""
    import dataclasses

    nudged = dataclasses.replace(
        ODD, **{k: getattr(ODD, k) * (1 + 3e-9) for k in ("E", "A", "B", "alpha", "beta")}
    )
    assert _text(calc.chinchilla_calculator(nudged)) == _text(calc.chinchilla_calculator(ODD))


def test_chinchilla_calculator_structure_and_constants():
    fig = calc.chinchilla_calculator(ODD, budget=5.76e23)
    params = _check_figure(fig, "chinchilla")
    budget = params["log_budget"]
    assert budget["bind"] == {
        "input": "range", "min": 18.0, "max": 27.0, "step": 0.01,
        "name": "Compute budget C: log₁₀ of FLOP",
    }  # fmt: skip
    assert budget["value"] == pytest.approx(math.log10(5.76e23), abs=1e-4)  # the chapter's default
    law = params["law"]
    assert law["value"] == "canonical"
    assert law["bind"]["input"] == "select"
    assert law["bind"]["options"] == ["canonical", "hoffmann", "refit"]
    assert law["bind"]["labels"][0] == "Besiroglu et al. 2024 refit (canonical)"
    assert "printed" in law["bind"]["labels"][1]
    text = _text(fig)
    # every constant of the three laws, from the law objects, to 6 significant digits (as stored charts)
    for obj in (EPOCH, HOFFMANN, ODD):
        for k in ("E", "A", "B", "alpha", "beta"):
            assert _six(getattr(obj, k)) in text, (obj.name, k)
    other = calc.chinchilla_calculator(HOFFMANN_TEX)
    assert _six(HOFFMANN_TEX.A) in _text(other) and _six(ODD.A) not in _text(other)
    assert _params(calc.chinchilla_calculator(ODD, budget=1e20))["log_budget"]["value"] == 20


def test_allocation_calculator_structure_and_constants():
    fig = calc.allocation_calculator(1e21)
    params = _check_figure(fig, "allocation")
    assert params["log_budget"]["value"] == 21  # chapter 2's example budget
    assert params["log_budget"]["bind"]["min"] == 17 and params["log_budget"]["bind"]["max"] == 25
    text = _text(fig)
    for literal in (_six(KAPLAN.N_e), _six(KAPLAN.p_N), _six(PF_DAY_FLOP), _six(EPOCH.B)):
        assert literal in text
    assert "Kaplan et al. 2020: parameters N (non-embedding)" in text
    odd = _text(calc.allocation_calculator(1e21, law=ODD))
    assert _six(ODD.beta) in odd and _six(EPOCH.B) not in odd


def test_data_constrained_calculator_structure_and_constants():
    fig = calc.data_constrained_calculator()
    params = _check_figure(fig, "data_constrained")
    assert params["r_d_star"]["value"] == pytest.approx(dc.PUBLISHED["R_D_star"], rel=1e-5)
    assert params["epochs"]["value"] == 4
    assert params["log_budget"]["value"] == 22
    assert params["log_unique"]["value"] == pytest.approx(math.log10(25e9), abs=1e-4)
    assert "R_D*" in params["r_d_star"]["bind"]["name"]
    text = _text(fig)
    base = dc.PUBLISHED["base"]
    for literal in (_six(dc.PUBLISHED["R_N_star"]), _six(base.A), _six(base.B), _six(base.E)):
        assert literal in text
    other = {"R_D_star": 20.0, "R_N_star": 3.25, "base": ODD}
    odd = _text(calc.data_constrained_calculator(other))
    assert "3.25" in odd and _six(ODD.A) in odd and _six(base.A) not in odd


def test_pass_at_k_calculator_structure_and_defaults():
    fig = calc.pass_at_k_calculator()
    params = _check_figure(fig, "pass_at_k")
    assert [params[k]["value"] for k in ("n_samples", "n_correct", "k")] == [100, 5, 20]
    k1, c1, k2, c2 = coverage.COVERAGE_ANCHORS["swe-bench-lite"]
    b = coverage.coverage_exponent_from_anchors(k1, c1, k2, c2)
    assert params["coverage_b"]["value"] == pytest.approx(b, rel=1e-5)
    assert params["coverage_a"]["value"] == pytest.approx(math.log(c1), rel=1e-5)
    math_b = _params(calc.pass_at_k_calculator(anchor="math-llama3-8b"))["coverage_b"]["value"]
    assert math_b == pytest.approx(coverage.coverage_exponent_from_anchors(
        *coverage.COVERAGE_ANCHORS["math-llama3-8b"]), rel=1e-5)  # fmt: skip
    for name in ("n_samples", "n_correct", "k"):
        assert params[name]["bind"]["step"] == 1 and params[name]["bind"]["max"] == 1000


def test_transfer_calculator_structure_and_constants():
    fig = calc.transfer_calculator(finetune_chars=1e7, params=1e8)
    params = _check_figure(fig, "transfer")
    assert params["log_finetune"]["value"] == 7 and params["log_params"]["value"] == 8
    assert (
        params["log_finetune"]["bind"]["min"] == 4 and params["log_finetune"]["bind"]["max"] == 10
    )
    assert params["log_params"]["bind"]["min"] == 5 and params["log_params"]["bind"]["max"] == 10
    assert "characters" in params["log_finetune"]["bind"]["name"]
    assert "non-embedding" in params["log_params"]["bind"]["name"]
    pre = params["pretraining"]
    assert pre["value"] == "text" and pre["bind"]["options"] == ["text", "mixed"]
    # the select shows each row of Table 1 with its constants as printed (two significant digits)
    assert pre["bind"]["labels"] == [
        "text → Python (k = 1.9 × 10⁴, α = 0.18, β = 0.38)",
        "50% text + 50% non-Python code → Python (k = 2.1 × 10⁵, α = 0.096, β = 0.38)",
    ]
    text = _text(fig)
    for law in transfer.TRANSFER_LAWS.values():
        for k in ("k", "alpha", "beta"):
            assert _six(getattr(law, k)) in text, (law.name, k)
    # the caveat travels with the constants: caption and the calculator's own text
    assert "NOT verified against the paper" in fig.caption and "low-data regime" in fig.caption
    assert "10% of the data that would saturate" in fig.caption
    assert "NOT verified against the paper" in text
    assert _params(calc.transfer_calculator(law="mixed"))["pretraining"]["value"] == "mixed"
    wide = _params(calc.transfer_calculator(finetune_chars=1e12, params=1e3))
    assert wide["log_finetune"]["bind"]["max"] == 12 and wide["log_params"]["bind"]["min"] == 3


def test_a_default_beyond_the_range_widens_the_slider():
    """A chapter run at the end of its parameter's range (make corners: budget 1e15 or 1e30 FLOP)
    still starts at its own default."""
    wide = _params(calc.chinchilla_calculator(EPOCH, budget=1e30))["log_budget"]
    assert wide["value"] == 30 and wide["bind"]["min"] == 18 and wide["bind"]["max"] == 30
    low = _params(calc.allocation_calculator(1e15))["log_budget"]
    assert low["value"] == 15 and low["bind"]["min"] == 15 and low["bind"]["max"] == 25
    params = _params(calc.data_constrained_calculator(epochs=1000.0, unique_tokens=1e6))
    assert params["epochs"]["bind"]["max"] == 1000 and params["log_unique"]["bind"]["min"] == 6
    narrow = _params(calc.chinchilla_calculator(EPOCH, budget=1e20))["log_budget"]["bind"]
    assert (narrow["min"], narrow["max"]) == (18, 27)


def test_fmt_expr_is_a_vega_expression_of_the_field():
    expr = calc.fmt_expr("datum.x")
    assert "format(datum.x, ',.'" in expr and "× 10" in expr
    assert expr.count("(") == expr.count(")")


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: calc.chinchilla_calculator("epoch"), "refit"),
        (lambda: calc.chinchilla_calculator(KAPLAN), "refit"),
        (lambda: calc.chinchilla_calculator(EPOCH, budget=-1.0), "budget"),
        (lambda: calc.chinchilla_calculator(EPOCH, budget=float("nan")), "budget"),
        (lambda: calc.allocation_calculator(0), "budget"),
        (lambda: calc.allocation_calculator(1e21, law="kaplan"), "Chinchilla-form"),
        (lambda: calc.allocation_calculator(1e21, law="nope"), "unknown law"),
        (lambda: calc.allocation_calculator(1e21, kaplan=EPOCH), "KaplanLaw"),
        (lambda: calc.data_constrained_calculator({}), "R_D_star"),
        (lambda: calc.data_constrained_calculator({"R_D_star": -1, "R_N_star": 5}), "R_D_star"),
        (
            lambda: calc.data_constrained_calculator({"R_D_star": 5, "R_N_star": 5, "base": 3}),
            "base",
        ),
        (lambda: calc.data_constrained_calculator(unique_tokens=True), "unique_tokens"),
        (lambda: calc.data_constrained_calculator(epochs=0.5), "at least 1"),
        (lambda: calc.pass_at_k_calculator(n=10, c=11), "c <= n"),
        (lambda: calc.pass_at_k_calculator(n=10, k=11), "k <= n"),
        (lambda: calc.pass_at_k_calculator(n=0), "n must be"),
        (lambda: calc.pass_at_k_calculator(n=2000), "n must be"),
        (lambda: calc.pass_at_k_calculator(c=1.5), "c must be"),
        (lambda: calc.pass_at_k_calculator(anchor="nope"), "anchor"),
        (lambda: calc.transfer_calculator(finetune_chars=0), "finetune_chars"),
        (lambda: calc.transfer_calculator(params=float("nan")), "params"),
        (lambda: calc.transfer_calculator(law="code"), "unknown transfer law"),
        (
            lambda: calc.transfer_calculator(
                law=transfer.TransferLaw("odd", "odd", k=1.0, alpha=0.1, beta=0.2)
            ),
            "law must be one of",
        ),
    ],
)
def test_bad_input_is_refused_in_one_line(call, match):
    with pytest.raises(InputError, match=match) as err:
        call()
    assert "\n" not in str(err.value)

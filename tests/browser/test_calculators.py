"""The explorable calculators in Chromium: a reader's controls drive the numbers, computed offline.

Each control is set through the DOM as a reader sets it (the input's value, then its ``input`` and
``change`` events) to at least three values; the view's parameter must follow, and every number
the calculator then shows must equal the library's closed form formatted by the book
(``fmt_sig``: three significant figures). Done on a blank page holding only the vega bundle
(network blocked) and the five calculators, and again on the built book's chapter pages once the
chapters show them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urljoin

import altair as alt
import pytest

from scalinglaws import data
from scalinglaws.analyses import coverage
from scalinglaws.analyses import data_constrained as dc
from scalinglaws.analyses.testtime import pass_at_k
from scalinglaws.book import calculators as calc
from scalinglaws.book import charts
from scalinglaws.book.format import fmt_sig
from scalinglaws.core import transfer
from scalinglaws.core.allocation import compute_optimal
from scalinglaws.core.laws import DEFAULT_LAW, HOFFMANN, get_law, law_label
from scalinglaws.fitting import parametric

from .support import DRAW_TIMEOUT_MS, offline_context, page_path

pytestmark = pytest.mark.browser

#: Chapter page of each calculator.
CHAPTER = {
    "chinchilla": "chapters/04_chinchilla",
    "allocation": "chapters/02_kaplan",
    "data_constrained": "chapters/05_slowdown",
    "pass_at_k": "chapters/06_reasoning",
    "transfer": "chapters/05_slowdown",
}


@pytest.fixture(scope="module")
def refit() -> Any:
    """Chapter 4's refit: Hoffmann et al.'s recipe on Besiroglu et al.'s 240 points."""
    fp = data.load("chinchilla_epoch_svg", "fit_points")
    n, d, loss = (fp[c].to_numpy() for c in ("params", "tokens", "loss"))
    return parametric.fit_parametric(n, d, loss).law("our refit", citation="test")


def _figures(refit: Any) -> dict[str, charts.Figure]:
    """The five calculators with the chapters' defaults."""
    return {
        "chinchilla": calc.chinchilla_calculator(refit, budget=5.76e23),
        "allocation": calc.allocation_calculator(1e21),
        "data_constrained": calc.data_constrained_calculator(
            dc.PUBLISHED, epochs=4.0, flops=1e22, unique_tokens=25e9
        ),
        "pass_at_k": calc.pass_at_k_calculator(n=100, c=5, k=20, anchor="swe-bench-lite"),
        "transfer": calc.transfer_calculator(finetune_chars=1e7, params=1e8, law="text"),
    }


def _labels(fig: charts.Figure) -> dict[str, str]:
    return {p["name"]: p["bind"]["name"] for p in fig.spec()["params"]}


_SET = """async ([id, label, value]) => {
  const fig = document.querySelector(`figure[data-sl-id="${id}"]`);
  const binds = Array.from(fig.querySelectorAll(".vega-bind"));
  const bind = binds.find(b => b.querySelector(".vega-bind-name").textContent.trim() === label);
  if (!bind) return {error: "no control labelled " + label};
  const el = bind.querySelector("input, select");
  el.focus();
  el.value = String(value);
  el.dispatchEvent(new Event("input", {bubbles: true}));
  el.dispatchEvent(new Event("change", {bubbles: true}));
  for (const v of window.scalinglawsViews[id]) await v.runAsync();
  return {value: el.value, tag: el.tagName, label: bind.textContent};
}"""

_TEXTS = """(id) => Array.from(document.querySelectorAll(`figure[data-sl-id="${id}"] svg text`))
  .map(t => t.textContent)"""

_SIGNAL = "([id, name]) => window.scalinglawsViews[id][0].signal(name)"

_FIND = """(names) => {
  for (const [id, views] of Object.entries(window.scalinglawsViews || {})) {
    for (const v of views) {
      try { names.forEach(n => v.signal(n)); return id; } catch (e) { /* not this view */ }
    }
  }
  return null;
}"""


class Drive:
    """One calculator on a page, driven through its DOM controls."""

    def __init__(self, page: Any, fid: str, labels: dict[str, str]) -> None:
        self.page, self.fid, self.labels = page, fid, labels

    def set(self, name: str, value: Any) -> None:
        out = self.page.evaluate(_SET, [self.fid, self.labels[name], value])
        assert "error" not in out, out
        assert out["tag"] in ("INPUT", "SELECT") and self.labels[name] in out["label"]
        got = self.signal(name)
        if isinstance(value, str):
            assert got == value, (name, got, value)
        else:
            assert got == pytest.approx(value, abs=1e-9), (name, got, value)

    def signal(self, name: str) -> Any:
        return self.page.evaluate(_SIGNAL, [self.fid, name])

    def expect(self, lines: Sequence[str]) -> None:
        texts = self.page.evaluate(_TEXTS, self.fid)
        missing = [line for line in lines if line not in texts]
        assert not missing, {"missing": missing, "shown": [t for t in texts if len(t) > 20]}


def _steady(*values: float) -> None:
    """The test's values are not within 1e-6 of a 3-significant-figure rounding boundary, so the
    browser's last-bit differences from numpy cannot change the displayed text (0 and 1 are
    exact: pass@k of 0 or 1 correct-by-construction)."""
    for v in values:
        if v not in (0.0, 1.0):
            assert fmt_sig(v * (1 + 1e-6)) == fmt_sig(v * (1 - 1e-6)), v


# ----------------------------------------------------------------------- the checks
def check_chinchilla(d: Drive, refit: Any) -> None:
    def lines(c: float, law: Any) -> list[str]:
        a = compute_optimal(c, law)
        _steady(c, a.params, a.tokens, a.tokens_per_param, a.loss)
        return [
            f"Budget C = {fmt_sig(c)} FLOP",
            f"N_opt = {fmt_sig(a.params)} parameters",
            f"D_opt = {fmt_sig(a.tokens)} tokens",
            f"D_opt / N_opt = {fmt_sig(a.tokens_per_param)} tokens per parameter",
            f"Loss at the optimum = {fmt_sig(a.loss)} nats/token",
        ]

    # the chapter's defaults: its budget (5.76e23 FLOP) and the canonical law
    assert d.signal("law") == "canonical"
    d.expect(lines(10 ** d.signal("log_budget"), DEFAULT_LAW)[1:] + ["Budget C = 5.76 × 10²³ FLOP"])
    for key, law in (("hoffmann", HOFFMANN), ("refit", refit), ("canonical", get_law(DEFAULT_LAW))):
        d.set("law", key)
        for log_c in (19.5, 23.76, 26.25):
            d.set("log_budget", log_c)
            d.expect(lines(10**log_c, law))


def check_allocation(d: Drive) -> None:
    canon = get_law(DEFAULT_LAW)
    label = law_label(canon)

    def lines(c: float) -> list[str]:
        k, h = compute_optimal(c, "kaplan"), compute_optimal(c, canon)
        _steady(c, k.params, k.tokens, h.params, h.tokens, k.params / h.params, k.tokens / h.tokens)
        _steady(k.tokens_per_param, h.tokens_per_param)
        return [
            f"Budget C = {fmt_sig(c)} FLOP",
            f"Kaplan et al. 2020: N = {fmt_sig(k.params)} parameters (non-embedding), "
            f"D = {fmt_sig(k.tokens)} tokens",
            f"{label}: N = {fmt_sig(h.params)} parameters, D = {fmt_sig(h.tokens)} tokens",
            f"Tokens per parameter D/N: Kaplan {fmt_sig(k.tokens_per_param)}, "
            f"{label} {fmt_sig(h.tokens_per_param)}",
            f"Kaplan against {label}: {fmt_sig(k.params / h.params)}× the parameters, "
            f"{fmt_sig(k.tokens / h.tokens)}× the tokens",
        ]

    assert d.signal("log_budget") == 21  # chapter 2's example budget, 1e21 FLOP
    d.expect(lines(1e21))
    for log_c in (17.5, 22.4, 24.3):
        d.set("log_budget", log_c)
        d.expect(lines(10**log_c))


def check_data_constrained(d: Drive) -> None:
    r_n, base = dc.PUBLISHED["R_N_star"], dc.PUBLISHED["base"]

    def lines(r_d: float, epochs: float, c: float, u: float) -> list[str]:
        eff = float(dc.effective_data(epochs, 1.0, r_d))
        opt = dc.optimal_under_unique_tokens(c, u, {"R_D_star": r_d, "R_N_star": r_n, "base": base})
        assert opt["converged"]
        # a well-posed optimum: the loss rises by > 1e-7 nats 1% either side (where U is tiny
        # against C the loss is flat in N to 16 digits and no method can name one N)
        n_opt, p = opt["params"], {"R_D_star": r_d, "R_N_star": r_n, "base": base}
        for n in (n_opt * 1.01, n_opt / 1.01):
            assert dc.loss(n, c / (6 * n), min(u, c / (6 * n)), p) > opt["loss"] + 1e-7
        values = [opt[k] for k in ("params", "tokens", "epochs", "tokens_per_param", "loss")]
        _steady(r_d, epochs, eff, eff / epochs, c, u, *values)
        return [
            f"R_D* = {fmt_sig(r_d)}: {fmt_sig(epochs)} epochs are worth {fmt_sig(eff)} epochs of "
            "fresh tokens",
            f"(a share {fmt_sig(eff / epochs)} of their face value)",
            f"Budget C = {fmt_sig(c)} FLOP with at most U = {fmt_sig(u)} unique tokens:",
            f"N = {fmt_sig(opt['params'])} parameters, D = {fmt_sig(opt['tokens'])} tokens",
            f"Epochs D/U = {fmt_sig(opt['epochs'])}, D/N = {fmt_sig(opt['tokens_per_param'])} "
            "tokens per parameter",
            f"Loss = {fmt_sig(opt['loss'])} nats/token (C4, GPT-2 tokenizer)",
        ]

    # chapter 5's defaults: the published R_D*, 4 epochs, 1e22 FLOP with 25B unique tokens
    assert d.signal("r_d_star") == pytest.approx(dc.PUBLISHED["R_D_star"], rel=1e-5)
    default = lines(d.signal("r_d_star"), 4.0, 1e22, 10 ** d.signal("log_unique"))
    d.expect(default + ["Budget C = 1.00 × 10²² FLOP with at most U = 2.50 × 10¹⁰ unique tokens:"])
    for r_d, epochs, log_c, log_u in (
        (5.0, 2.5, 20.0, 9.0),
        (95.0, 40.0, 24.5, 10.4),
        (30.0, 150.0, 22.3, 12.0),
        (60.0, 4.0, 23.8, 10.7),
    ):
        d.set("r_d_star", r_d)
        d.set("epochs", epochs)
        d.set("log_budget", log_c)
        d.set("log_unique", log_u)
        d.expect(lines(r_d, epochs, 10**log_c, 10**log_u))


def check_pass_at_k(d: Drive) -> None:
    def lines(n: int, c: int, k: int, a: float, b: float) -> list[str]:
        p, cov = pass_at_k(n, c, k), float(coverage.coverage_law(k, a, b)[0])
        k90 = coverage.samples_for_coverage(calc.COVERAGE_TARGET, a, b)
        _steady(c / n, p, cov, k90)
        return [
            f"n = {n:,} samples, c = {c:,} correct: pass@1 = {fmt_sig(c / n)}, "
            f"pass@{k:,} = {fmt_sig(p)}",
            f"Coverage law at k = {k:,}: c(k) = {fmt_sig(cov)}",
            f"Samples for 90% coverage: k = {fmt_sig(k90)}",
        ]

    # chapter 6's worked example (n = 100, c = 5, k = 20) and the SWE-bench Lite anchors
    assert [d.signal(p) for p in ("n_samples", "n_correct", "k")] == [100, 5, 20]
    d.expect(lines(100, 5, 20, d.signal("coverage_a"), d.signal("coverage_b")))
    for n, c, k, a, b in (
        (10, 2, 3, -0.5, -0.3),
        (1000, 3, 200, -2.5, -0.05),
        (50, 45, 10, -1.0, -0.5),
        (400, 0, 7, -4.0, -0.8),
        (987, 123, 456, -0.02, -0.01),
    ):
        for name, value in (("n_samples", n), ("n_correct", c), ("k", k)):
            d.set(name, value)
        d.set("coverage_a", a)
        d.set("coverage_b", b)
        d.expect(lines(n, c, k, a, b))
    # c and k above n are read as n (the sliders are independent): pass@n = 1
    for name, value in (("n_samples", 30), ("n_correct", 40), ("k", 50)):
        d.set(name, value)
    d.expect(["n = 30 samples, c = 30 correct: pass@1 = 1.00, pass@30 = 1.00"])


def transfer_lines(log_f: float, log_n: float, law: str) -> list[str]:
    """What the transfer calculator shows at a setting, from scalinglaws.core.transfer."""
    d_f, n = 10**log_f, 10**log_n
    d_t = transfer.effective_data_transferred(d_f, n, law)
    mult = transfer.effective_data_multiplier(d_f, n, law)
    frac = transfer.fraction_from_transfer(d_f, n, law)
    _steady(d_f, n, d_t, mult, frac, 1 / mult)
    return [
        f"D_F = {fmt_sig(d_f)} characters, N = {fmt_sig(n)} non-embedding parameters",
        f"Effective data transferred D_T = {fmt_sig(d_t)} characters",
        f"Effective-data multiplier (D_F + D_T) / D_F = {fmt_sig(mult)}×",
        f"Share of the effective data from pre-training D_T / (D_F + D_T) = {fmt_sig(frac)}",
        f"Share from the fine-tuning data itself D_F / (D_F + D_T) = {fmt_sig(1 / mult)}",
        f"Pre-trained on {transfer.get_transfer_law(law).label}",
        "(its k, α and β are NOT verified against the paper)",
    ]


#: Settings of the transfer calculator's sliders (log10 D_F, log10 N), tried under both laws.
TRANSFER_SETTINGS = ((4.3, 5.2), (6.85, 9.1), (9.7, 7.45), (5.55, 9.95))


def check_transfer(d: Drive) -> None:
    # chapter 5's example: 1e7 characters of Python, 1e8 non-embedding parameters, text -> Python
    assert [d.signal(p) for p in calc.PARAMS["transfer"]] == [7, 8, "text"]
    d.expect(transfer_lines(7.0, 8.0, "text"))
    for law in ("mixed", "text"):
        d.set("pretraining", law)
        for log_f, log_n in TRANSFER_SETTINGS:
            d.set("log_finetune", log_f)
            d.set("log_params", log_n)
            d.expect(transfer_lines(log_f, log_n, law))


CHECKS = {
    "chinchilla": lambda d, refit: check_chinchilla(d, refit),
    "allocation": lambda d, refit: check_allocation(d),
    "data_constrained": lambda d, refit: check_data_constrained(d),
    "pass_at_k": lambda d, refit: check_pass_at_k(d),
    "transfer": lambda d, refit: check_transfer(d),
}

#: Numbers across the formatting's branches (fixed decimals, thousands, powers of ten).
FMT_VALUES = (
    0.0, 0.001, 0.000999, 0.0123456, 0.5, 0.99996, 1.0, 2.3456, 99.96, 100.0, 999.4, 1000.0,
    1999.7, 12345.6, 99999.4, 99999.6, 1e5, 123456.0, 5.76e23, 1e23, 9.996e22, 1.234e-7,
    3.0e-120, 1.0e150, 7.77e9,
)  # fmt: skip


# ----------------------------------------------------------------------- blank page
@pytest.fixture(scope="module")
def blank(browser: Any, refit: Any) -> Iterator[dict[str, Any]]:
    figs = _figures(refit)
    rows = alt.sequence(0, len(FMT_VALUES), as_="i")
    table = "[" + ", ".join(repr(v) for v in FMT_VALUES) + "]"
    fmt_chart = (
        alt.Chart(rows)
        .transform_calculate(x=f"{table}[datum.i]")
        .transform_calculate(label=calc.fmt_expr("datum.x"))
        .mark_text()
        .encode(y=alt.Y("i:O", axis=None), text="label:N")
    )
    fmt_fig = charts.figure(
        fmt_chart,
        title="Formatting check",
        caption="fmt_expr of each value",
        alt="A column of numbers",
    )
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []
    context.route("**/*", lambda r: (blocked.append(r.request.url), r.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    body = "".join(f.to_html() for f in (*figs.values(), fmt_fig))
    ids = {key: charts.chart_id(f.spec()) for key, f in figs.items()}
    try:
        page.set_content(f"<html><body>{charts.notebook_bundle_html()}{body}</body></html>")
        page.wait_for_function(
            "(n) => Object.keys(window.scalinglawsViews || {}).length === n",
            arg=len(figs) + 1,
            timeout=DRAW_TIMEOUT_MS,
        )
        yield {
            "page": page, "figs": figs, "ids": ids, "errors": errors, "blocked": blocked,
            "fmt_id": charts.chart_id(fmt_fig.spec()),
        }  # fmt: skip
    finally:
        context.close()


def test_fmt_expr_formats_as_the_book(blank: dict[str, Any]) -> None:
    shown = blank["page"].evaluate(_TEXTS, blank["fmt_id"])
    assert [t for t in shown if t != "Formatting check"] == [fmt_sig(v) for v in FMT_VALUES]


@pytest.mark.parametrize("key", list(CHECKS))
def test_calculator_on_a_blank_page(blank: dict[str, Any], refit: Any, key: str) -> None:
    fig = blank["figs"][key]
    page, fid = blank["page"], blank["ids"][key]
    labels = _labels(fig)
    # every control is a labelled native input, reachable from the keyboard
    controls = page.evaluate(
        """(id) => Array.from(document.querySelectorAll(`figure[data-sl-id="${id}"] .vega-bind`))
          .map(b => { const el = b.querySelector("input, select");
                      return [b.querySelector(".vega-bind-name").textContent.trim(),
                              el.labels.length ? el.labels[0].textContent : "",
                              el.tagName, el.tabIndex, el.disabled]; })""",
        fid,
    )
    assert [c[0] for c in controls] == list(labels.values())
    # the name is the input's <label> (its accessible name); tabIndex 0: in the tab order
    assert all(c[0] in c[1] and c[3] >= 0 and not c[4] for c in controls), controls
    CHECKS[key](Drive(page, fid, labels), refit)
    assert not blank["errors"], blank["errors"]
    assert not blank["blocked"], blank["blocked"]


# ----------------------------------------------------------------------- the built book
@pytest.mark.parametrize("key", list(CHECKS))
def test_calculator_in_the_book(site_url: str, browser: Any, refit: Any, key: str) -> None:
    doc = CHAPTER[key]
    if not page_path(doc).is_file():
        pytest.fail(f"{page_path(doc)} is missing from the built book")
    fig = _figures(refit)[key]
    context, external = offline_context(browser, width=1400, height=1000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(urljoin(site_url, f"{doc}.html"), wait_until="load")
        page.wait_for_function(
            """() => Array.from(document.querySelectorAll("figure.sl-chart"))
                 .every(f => f.querySelector(".sl-chart-view svg"))""",
            timeout=DRAW_TIMEOUT_MS,
        )
        fid = page.evaluate(_FIND, list(calc.PARAMS[key]))
        if fid is None:
            pytest.skip(f"{doc} shows no {key} calculator yet (not integrated into the chapter)")
        CHECKS[key](Drive(page, fid, _labels(fig)), refit)
    finally:
        context.close()
    assert not errors, errors
    assert not external, external

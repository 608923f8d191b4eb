"""Glue of the Kaplan chapter (scalinglaws.book.glue.kaplan) on small hand-made inputs.

The inputs are made up so that every formatted text can be written down by hand; each sentence
chosen by the data (book.claim) is checked in its branches. Where a glued text restates a published
number (Kaplan et al. 2020's constants, Hoffmann et al. 2022 App. D.4), the expected text is the
printed value.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from scalinglaws import book
from scalinglaws.analyses import kaplan_refit as kr
from scalinglaws.analyses.uncertainty import Interval
from scalinglaws.book.glue import kaplan as g
from scalinglaws.core.errors import InputError


def _iv(value: float, lo: float, hi: float) -> Interval:
    return Interval(value=value, lo=lo, hi=hi, level=0.95, n=4000)


def test_setup():
    out = g.setup(0.95, 4000, 42)
    assert out == {"kap_level": "95%", "kap_n_boot": "4,000", "kap_seed": "42"}
    # the returned texts display nothing as a hidden cell's last value
    assert isinstance(out, g.Glued) and out._ipython_display_() is None
    assert g.setup(0.8, 50, 7)["kap_level"] == "80%"


def test_published_laws():
    """Kaplan et al. 2020's constants as printed (eqs 1.1-1.6, Tables 2-3)."""
    one = g.single_laws()
    assert one["kap_alpha_n"] == "0.076" and one["kap_n_c"] == "8.8 × 10¹³"
    assert one["kap_alpha_d"] == "0.095" and one["kap_d_c"] == "5.4 × 10¹³"
    assert one["kap_alpha_cmin"] == "0.050" and one["kap_c_cmin"] == "3.1 × 10⁸"
    assert one["kap_pfday"] == "8.64 × 10¹⁹"
    # §1.2: doubling N multiplies the loss by 2**-0.076 = 0.949; 768 to 1.5e9 is 6.3 decades
    assert one["kap_doubling"] == "0.949" and one["kap_n_range_oom"] == "6.3"
    nd = g.nd_law()
    assert nd["kap_nd_ratio"] == "0.738" and nd["kap_l0"] == "3.0"  # the "0.74"
    assert nd["kap_8x_data"] == "4.7×"  # 8**0.74 = 4.66
    assert g.nd_law(loss=3.5)["kap_l0"] == "3.5"
    batch = g.batch_laws()
    assert batch["kap_ns_alpha_s"] == "0.76" and batch["kap_ns_s_c"] == "2,100"


def _alloc(params: float) -> dict[str, str]:
    kaplan = SimpleNamespace(params=params, tokens=5.6e9, tokens_per_param=0.19)
    canonical = {
        "params": _iv(1e10, 8e9, 1.2e10),
        "tokens": _iv(1.7e10, 1.5e10, 2e10),
        "tokens_per_param": _iv(17.0, 15.0, 20.0),
    }
    return g.allocation(1e21, kaplan, canonical, 20000)


def test_allocation_texts_and_claim():
    out = _alloc(3e10)
    assert out["kap_ex_c"] == "1.0 × 10²¹" and out["kap_ex_pfd"] == "11.6"
    assert out["kap_ex_n"] == "3.0 × 10¹⁰" and out["kap_ex_tpp"] == "0.19"
    assert out["kap_ex_h_n_ci"] == "[8.0 × 10⁹, 1.2 × 10¹⁰]"
    assert out["kap_ex_h_tpp"] == "17" and out["kap_ex_h_tpp_ci"] == "[15, 20]"
    assert out["kap_n_boot_law"] == "4,000"  # capped at the law's cloud
    assert out["kap_10x_n"] == "5.4×"  # Table 6: 10**0.73
    assert out["kap_th_pn_64"] == "0.71"  # §6.2 eq 6.5
    assert "3.0× larger" in out["kap_ex_compare"]
    assert book.CLAIMS["kap_ex_compare"][0] is True
    below = _alloc(5e9)["kap_ex_compare"]
    assert "2.0× smaller" in below and "below its whole interval" in below
    assert book.CLAIMS["kap_ex_compare"][0] is False
    assert "inside the canonical law's interval" in _alloc(1e10)["kap_ex_compare"]
    with pytest.raises(InputError):
        g.allocation(1e21, SimpleNamespace(params=1.0), {"params": _iv(1, 1, 1)}, 100)


def test_hoffmann_d4():
    """Hoffmann et al. 2022 App. D.4 prints 4.68B (Kaplan's rule) and 2.86B (Approach 1)."""
    out = g.hoffmann_d4(_iv(2.9e9, 2.5e9, 3.3e9))
    assert out["kap_d4_c"] == "1.0 × 10²¹"
    assert out["kap_d4_half"] == "4.68 × 10⁹" and out["kap_d4_a1"] == "2.86 × 10⁹"
    assert out["kap_d4_factor"] == "1.66×"  # 2**0.73
    assert out["kap_d4_canon"] == "2.9 × 10⁹"
    assert out["kap_d4_canon_ci"] == "[2.5 × 10⁹, 3.3 × 10⁹]"


def _steps(a_rw=0.8351, lo_rw=0.789, a_ow=0.8642, lo_ow=0.813, t2_ow=0.864) -> pd.DataFrame:
    rows = []
    for ds, a, lo, t2 in (("rw", a_rw, lo_rw, 0.835), ("owt2", a_ow, lo_ow, t2_ow)):
        for step, shift in ((1, 0.0), (2, 0.10), (5, 0.30)):
            rows.append(
                {
                    "dataset": ds,
                    "step": step,
                    "label": kr.KAPLAN_LABEL if step == 1 else f"step {step}",
                    "a": a - shift,
                    "a_lo": lo - shift,
                    "a_hi": a - shift + 0.04,
                    "a_ols": a - 0.001,
                    "a_table2": t2,
                }
            )
    return pd.DataFrame(rows)


def _refit(steps: pd.DataFrame) -> dict[str, str]:
    pairs = {"rw": pd.DataFrame({"flops": [1e17, 1e18, 1e19]})}
    fits = {"rw": SimpleNamespace(r2=0.9987), "owt2": SimpleNamespace(r2=0.998)}
    isoflop = pd.DataFrame(
        {"param_count": ["kaplan", "kaplan", "standard"], "params": [2e6, 9e8, 5e9]}
    )
    return g.refit(steps, pairs, fits, isoflop)


def test_refit_texts_and_claims():
    out = _refit(_steps())
    assert out["kap_ne_min"] == "2.0 × 10⁶" and out["kap_ne_max"] == "9.0 × 10⁸"
    assert out["kap_n_budgets"] == "3" and out["kap_c_lo"] == "1.0 × 10¹⁷"
    assert out["kap_ratio_c"] == "100×" and out["kap_oom_c"] == "2.0"
    assert out["book_porian_kaplan_a"] == "0.835" and out["kap_a_rw_ci"] == "[0.789, 0.875]"
    assert out["kap_r2_rw"] == "0.999" and out["kap_basic_owt2"] == "0.863"
    assert out["kap_t2_diff"] == "0.0002"
    assert out["kap_vs_073"].endswith("(by 0.11 on RefinedWeb).")
    assert out["kap_vs_05"].startswith("Both intervals lie well above")
    assert "reproduces both" in out["kap_t2_match"]
    weak = _refit(_steps(lo_ow=0.45, t2_ow=0.860))
    assert "do not both exclude Kaplan's own 0.73" in weak["kap_vs_073"]
    assert "do not both exclude the $a \\approx 0.5$" in weak["kap_vs_05"]
    assert "does NOT reproduce" in weak["kap_t2_match"] and weak["kap_t2_diff"] == "0.0042"
    with pytest.raises(InputError):
        _refit(pd.DataFrame({"a": [0.8]}))


def _fit(exponent: float, boot: list[float]) -> kr.FrontierFit:
    b = np.asarray(boot)
    return kr.FrontierFit(
        exponent=exponent,
        coef=1.0,
        exponent_ci=(float(b.min()), float(b.max())),
        n=5,
        r2=0.99,
        method="parametric",
        level=0.95,
        n_boot=len(b),
        seed=0,
        converged=True,
        boot_exponents=b,
        boot_intercepts=np.zeros_like(b),
    )


def _head(head_boot: list[float]) -> dict[str, str]:
    shapes = pd.DataFrame({"head_share": [0.6, 0.1, 0.02]})
    recount = {"rw": pd.DataFrame({"head_share": [0.4, 0.05]})}
    fits = {ds: _fit(0.835, [0.80, 0.82, 0.84, 0.86, 0.88]) for ds in ("rw", "owt2")}
    head = {ds: _fit(0.785, head_boot) for ds in ("rw", "owt2")}
    return g.head_count(shapes, recount, fits, head, _steps(a_rw=0.835))


def test_head_count_texts_and_claims():
    out = _head([0.76, 0.77, 0.79, 0.80, 0.81])
    assert out["kap_n_arch"] == "3" and out["kap_vocab"] == "50,432"
    assert out["kap_share_small"] == "60%" and out["kap_share_large"] == "2%"
    assert out["kap_share_opt_small"] == "40%" and out["kap_share_opt_large"] == "5%"
    assert out["kap_head_rw"] == "0.785" and out["kap_head_rw_ci"] == "[0.760, 0.810]"
    # paired differences 0.04, 0.05, 0.05, 0.06, 0.07: 2.5-97.5 percentiles 0.041, 0.069
    assert out["kap_head_drop_rw"] == "0.050" and out["kap_head_drop_rw_ci"] == "[0.041, 0.069]"
    assert out["kap_step2_rw"] == "0.735" and out["kap_step2_rw_ci"] == "[0.689, 0.775]"
    assert out["kap_step5_rw"] == "0.535"
    # shares of the step 1 -> 5 distance (0.30): ours 0.05, Porian's relocation 0.10
    assert out["kap_share_ours_rw"] == "17%" and out["kap_share_por_rw"] == "33%"
    assert out["kap_head_drops"].startswith("drops, on both")
    assert out["kap_por_larger"].startswith("a larger drop")
    noisy = _head([0.90, 0.70, 0.79, 0.80, 0.75])  # differences -0.10 ... 0.14
    assert noisy["kap_head_drops"].startswith("changes, though")
    assert noisy["kap_por_larger"].startswith("not a clearly larger drop")


def _acc(sizes=("70m", "160m", "410m"), at_13000=(0.40, 0.42, 0.45)) -> pd.DataFrame:
    table = {0: (0.30, 0.30, 0.30), 1000: (0.35, 0.36, 0.37), 13000: at_13000}
    table[143000] = (0.41, 0.45, 0.52)
    rows = []
    for i, size in enumerate(sizes):
        for step, accs in table.items():
            rows.append(
                {
                    "size": size,
                    "params": kr.PYTHIA_SUITE[size],
                    "step": step,
                    "tokens": step * 2_097_152,
                    "mean_acc": accs[i],
                }
            )
    return pd.DataFrame(rows)


def _acc_fit(slope=0.05, ci=(0.03, 0.07)) -> dict:
    return {"slope": slope, "slope_ci": ci, "r2": 0.951, "level": 0.95}


def test_pythia_texts_and_claims():
    out = g.pythia(_acc(), 143000, _acc_fit())
    assert out["kap_py_suite"] == "8" and out["kap_py_suite_max"] == "1.2 × 10¹⁰"
    assert out["kap_n_ckpt"] == "4" and out["kap_py_n"] == "3"
    assert out["kap_py_step"] == "143,000" and out["kap_py_tokens"] == "3.00 × 10¹¹"
    assert out["kap_py_acc_small"] == "41.0%" and out["kap_py_acc_large"] == "52.0%"
    assert out["kap_py_chance"] == "30.0%" and out["kap_py_r2"] == "0.95"
    assert out["kap_py_slope"] == "5.0" and out["kap_py_slope_ci"] == "[3.0, 7.0]"
    assert out["kap_py_trend"].startswith("Accuracy rises with model size, by about 5.0")
    assert "(95% interval [3.0, 7.0], which excludes zero)" in out["kap_py_trend"]
    assert out["kap_py_n_ordered"] == "3" and out["kap_py_n_traj"] == "3"
    assert out["kap_py_ordered"].startswith("at every checkpoint from step 1000 on")
    # 13,000 -> 143,000: smallest 0.40 -> 0.41, largest 0.45 -> 0.52
    assert out["kap_py_gain_small"] == "1.0" and out["kap_py_gain_large"] == "7.0"
    assert out["kap_py_flatten"].startswith("the small models flatten early")
    assert "evaluations of 3 of them (1B, 1.4B, 2.8B, 6.9B, 12B missing)" in out["kap_py_coverage"]


def test_pythia_other_branches():
    out = g.pythia(_acc(at_13000=(0.40, 0.39, 0.52)), 143000, _acc_fit(-0.05, (-0.07, -0.03)))
    assert out["kap_py_trend"].startswith("Accuracy *falls* with model size")
    assert "holds at only 2 of 3 checkpoints" in out["kap_py_ordered"]
    assert out["kap_py_flatten"].startswith("the small models do not flatten earlier")
    flat = g.pythia(_acc(), 143000, _acc_fit(0.02, (-0.01, 0.05)))["kap_py_trend"]
    assert "no clear trend" in flat and "[-1.0, 5.0], includes zero" in flat
    every = pd.DataFrame(
        [
            {"size": size, "params": n, "step": step, "tokens": step * 2_097_152}
            | {"mean_acc": 0.3 + i * step / 1e7}
            for i, (size, n) in enumerate(kr.PYTHIA_SUITE.items())
            for step in (0, 13000, 143000)
        ]
    )
    full = g.pythia(every, 143000, _acc_fit())
    assert full["kap_py_n"] == "8" and full["kap_py_acc_large"] == "40.0%"  # 0.3 + 7 x 0.0143
    assert full["kap_py_coverage"] == "The book's data hold every size of the suite."
    with pytest.raises(InputError):
        g.pythia(_acc(), 5, _acc_fit())

"""Figures of the chapter "The GPT series: scale as a strategy" (chapters/03_gpt_series.ipynb)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws import charts
from scalinglaws.errors import InputError
from scalinglaws.laws import DEFAULT_LAW, law_label

__all__ = ["allocation_frontier"]


def _sig(values: np.ndarray, digits: int = 3) -> np.ndarray:
    """Round to ``digits`` significant digits (chart data derived from resampled fits)."""
    return np.array([float(f"{v:.{digits}g}") for v in np.asarray(values, dtype=np.float64)])


def allocation_frontier(
    series: pd.DataFrame,
    family: pd.DataFrame,
    lines: pd.DataFrame,
    band: pd.DataFrame,
    *,
    level: float,
    n_boot: int,
) -> charts.Figure:
    """Parameters against compute for the GPT models, with Kaplan's and the canonical law's optima.

    Parameters
    ----------
    series : DataFrame
        :func:`scalinglaws.gpt_series.series_table` (GPT-1 to GPT-4).
    family : DataFrame
        :func:`scalinglaws.gpt_series.gpt3_family` (the eight GPT-3 models).
    lines : DataFrame
        :func:`scalinglaws.gpt_series.frontier_lines` on a grid of budgets (both rules).
    band : DataFrame
        :func:`scalinglaws.gpt_series.chinchilla_band` on the same grid (``flops, lo, hi``).
    level, n_boot
        Level and number of resamples of the band (for the caption).
    """
    need = {
        "series": (series, {"name", "flops", "params", "tokens_per_param", "vs_kaplan"}),
        "family": (family, {"name", "flops_printed", "n_params_table_d1", "tokens_per_param"}),
        "lines": (lines, {"flops", "params", "rule"}),
        "band": (band, {"flops", "lo", "hi"}),
    }
    for what, (df, cols) in need.items():
        if not isinstance(df, pd.DataFrame) or not cols <= set(df.columns):
            raise InputError(f"{what} must be a DataFrame with columns {sorted(cols)}")
    if "GPT-4" not in set(series["name"]):
        raise InputError("series must hold the GPT-4 row (its compute is marked)")
    pts = series.dropna(subset=["params"])[["name", "flops", "params", "tokens_per_param"]].copy()
    pts["group"] = "GPT-1, GPT-2, GPT-3"
    f3 = family[["name", "flops_printed", "n_params_table_d1", "tokens_per_param"]].rename(
        columns={"flops_printed": "flops", "n_params_table_d1": "params"}
    )
    f3["group"] = "GPT-3 family (300B tokens each)"
    f3 = f3[f3["name"] != "GPT-3 175B"]
    all_pts = pd.concat([pts, f3])
    canon = f"Chinchilla form ({law_label(DEFAULT_LAW)})"
    bd = pd.DataFrame(
        {"flops": band["flops"], "lo": _sig(band["lo"]), "hi": _sig(band["hi"]), "rule": canon}
    )
    xv = np.concatenate([lines["flops"], all_pts["flops"]])
    yv = np.concatenate([lines["params"], all_pts["params"], bd["lo"], bd["hi"]])
    x_enc = charts.log_x("flops", "Training compute C (FLOP)", data=pd.DataFrame({"flops": xv}))
    y_enc = charts.log_y("params", "Parameters N", data=pd.DataFrame({"params": yv}))
    rules = sorted(set(lines["rule"]))
    colour = alt.Scale(domain=rules, range=[charts.PALETTE[2], charts.PALETTE[3]][: len(rules)])
    area = (
        alt.Chart(bd)
        .mark_area(opacity=0.2)
        .encode(
            x=x_enc,
            y=charts.log_y("lo", "Parameters N", data=pd.DataFrame({"lo": yv})),
            y2="hi:Q",
            color=alt.Color("rule:N", scale=colour, legend=None),
        )
    )
    front = (
        alt.Chart(lines)
        .mark_line(strokeDash=[6, 3])
        .encode(
            x=x_enc,
            y=y_enc,
            color=alt.Color(
                "rule:N",
                title="Compute-optimal N",
                scale=colour,
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400),
            ),
        )
    )
    dots = (
        alt.Chart(all_pts)
        .mark_point(filled=True, size=80)
        .encode(
            x=x_enc,
            y=y_enc,
            shape=alt.Shape(
                "group:N",
                title=None,
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400),
            ),
            tooltip=[
                "name",
                alt.Tooltip("flops:Q", format=".3~e"),
                alt.Tooltip("params:Q", format=".3~e"),
                alt.Tooltip("tokens_per_param:Q", format=".1f"),
            ],
        )
    )
    labels = (
        alt.Chart(pts)
        .mark_text(align="left", dx=8, dy=-6, fontSize=12)
        .encode(x=x_enc, y=y_enc, text="name:N")
    )
    g4 = series.set_index("name").loc["GPT-4", "flops"]
    g4_rule = alt.Chart(pd.DataFrame({"flops": [g4], "name": ["GPT-4 (Epoch estimate)"]}))
    g4_layer = g4_rule.mark_rule(color="#555555", strokeDash=[2, 2]).encode(
        x="flops:Q"
    ) + g4_rule.mark_text(align="right", dx=-4, y=12, fontSize=12).encode(
        x="flops:Q", text="name:N"
    )
    # where the models sit, for the alt text (computed, not assumed)
    by = series.set_index("name")
    canon_rows = lines[lines["rule"] == canon]

    def log_canon(c: float) -> float:
        """ln N_opt of the canonical law at budget c, read off its line."""
        return float(
            np.interp(np.log(c), np.log(canon_rows["flops"]), np.log(canon_rows["params"]))
        )

    early_below = all(
        np.log(by.loc[n, "params"]) < log_canon(by.loc[n, "flops"]) and by.loc[n, "vs_kaplan"] < 1
        for n in ("GPT-1", "GPT-2 (1.5B)")
    )
    g3 = by.loc["GPT-3 175B"]
    g3_between = g3["vs_kaplan"] < 1 and np.log(g3["params"]) > log_canon(g3["flops"])
    pct = f"{100 * level:.0f}%"
    return charts.figure(
        alt.layer(area, front, dots, labels, g4_layer),
        title="The GPT models against two compute-optimal rules",
        caption=(
            "Parameters against training compute for GPT-1 and GPT-2 (published sizes, Epoch AI compute "
            "estimates), GPT-3 175B and the seven smaller GPT-3 models (Brown et al. 2020, Tables 2.1 and "
            "D.1), with the compute-optimal size under Kaplan et al.'s Table 6 rule (published without an "
            f"uncertainty) and under the canonical Chinchilla-form law ({law_label(DEFAULT_LAW)} of "
            f"Hoffmann et al.'s data), dashed, with its {pct} bootstrap band ({n_boot} resamples of the "
            "law). GPT-4's size is unknown; the dotted line marks Epoch's compute estimate."
        ),
        alt=(
            "Log-log chart: two dashed rising lines, the Kaplan line steeper, the other with a shaded band; "
            "GPT-1 and GPT-2 lie "
            + ("below both lines" if early_below else "near the lines")
            + ", GPT-3 175B lies "
            + ("between them" if g3_between else "near them")
            + ", and the smaller GPT-3 models run from below both lines towards GPT-3."
        ),
    )

"""Figures of the chapter "Chinchilla: compute-optimal training" (chapters/04_chinchilla.ipynb)."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from scalinglaws import charts
from scalinglaws.errors import InputError

__all__ = ["porian_extrapolation"]


def _sig(x: float, digits: int = 4) -> float:
    """Round to ``digits`` significant digits (chart data derived from fitted values)."""
    return float(f"{x:.{digits}g}")


def porian_extrapolation(
    points: pd.DataFrame,
    fits: Mapping[str, Mapping[str, float]],
    *,
    at_flops: float = 5.88e23,
    chinchilla_params: float = 70e9,
) -> charts.Figure:
    """Porian et al.'s compute-optimal frontiers extrapolated to Chinchilla's budget.

    Parameters
    ----------
    points : DataFrame
        The released optima drawn as points: columns ``setup`` (a key of ``fits``), ``flops``
        (FLOP) and ``n_star`` (parameters).
    fits : mapping
        ``setup -> scalinglaws.reconcile.porian_fit(...)`` (uses ``a``, ``n_star_at``,
        ``n_star_at_lo``, ``n_star_at_hi``, ``flops_min``, ``decades_beyond``); each line is
        ``N*(C) = n_star_at (C / at_flops)^a`` from ``flops_min`` to ``at_flops`` with the
        constants rounded to 4 significant digits, and its 95% interval at ``at_flops`` an error
        bar.
    at_flops : float
        The extrapolation budget (FLOP), default Chinchilla's 6 x 70e9 x 1.4e12.
    chinchilla_params : float
        Chinchilla's size, drawn as a reference point at ``at_flops``.
    """
    if not isinstance(points, pd.DataFrame) or not {"setup", "flops", "n_star"} <= set(
        points.columns
    ):
        raise InputError("points must be a DataFrame with columns setup, flops, n_star")
    if not fits:
        raise InputError("fits must not be empty")
    need = {"a", "n_star_at", "n_star_at_lo", "n_star_at_hi", "flops_min", "decades_beyond"}
    for name, f in fits.items():
        if not need <= set(f):
            raise InputError(f"fit {name!r} lacks {sorted(need - set(f))}")
    unknown = set(points["setup"]) - set(fits)
    if unknown:
        raise InputError(f"points has setups without a fit: {sorted(unknown)}")
    lines, bars = [], []
    for name, f in fits.items():
        a, n_at = _sig(f["a"]), _sig(f["n_star_at"])
        c = np.geomspace(f["flops_min"], at_flops, 30)
        lines.append(
            pd.DataFrame({"setup": name, "flops": c, "n_star": n_at * (c / at_flops) ** a})
        )
        bars.append(
            {
                "setup": name,
                "flops": at_flops,
                "n_star": n_at,
                "lo": _sig(f["n_star_at_lo"]),
                "hi": _sig(f["n_star_at_hi"]),
            }
        )
    line_df = pd.concat(lines, ignore_index=True)
    bar_df = pd.DataFrame(bars)
    pts = points[["setup", "flops", "n_star"]].copy()
    everything = pd.concat(
        [line_df, bar_df.rename(columns={"lo": "_lo"})[["flops", "n_star"]], pts], ignore_index=True
    )
    x = charts.log_x("flops", "Compute C (FLOP)", data=everything)
    y = charts.log_y("n_star", "Compute-optimal parameters N* (count)", data=everything)
    color = alt.Color("setup:N", title="Porian et al. set-up", legend=alt.Legend(labelLimit=320))
    line = alt.Chart(line_df).mark_line(strokeDash=[6, 3]).encode(x=x, y=y, color=color)
    dots = (
        alt.Chart(pts)
        .mark_point(filled=True, size=40)
        .encode(
            x=x,
            y=y,
            color=color,
            tooltip=[
                "setup",
                alt.Tooltip("flops:Q", format=".3e"),
                alt.Tooltip("n_star:Q", format=".3e"),
            ],
        )
    )
    err = (
        alt.Chart(bar_df)
        .mark_rule(strokeWidth=3)
        .encode(x="flops:Q", y="lo:Q", y2="hi:Q", color=color)
    )
    ends = (
        alt.Chart(bar_df)
        .mark_point(filled=True, size=80, shape="diamond")
        .encode(
            x="flops:Q",
            y="n_star:Q",
            color=color,
            tooltip=[
                "setup",
                alt.Tooltip("n_star:Q", format=".3e", title="N* at the budget"),
                alt.Tooltip("lo:Q", format=".2e", title="95% low"),
                alt.Tooltip("hi:Q", format=".2e", title="95% high"),
            ],
        )
    )
    chin = (
        alt.Chart(pd.DataFrame({"flops": [at_flops], "n_star": [chinchilla_params]}))
        .mark_point(shape="cross", size=160, color="#000000", filled=True)
        .encode(x="flops:Q", y="n_star:Q")
    )
    decades = max(f["decades_beyond"] for f in fits.values())
    desc = "; ".join(
        f"{name}: {_sig(f['n_star_at'], 3):.3g} [{_sig(f['n_star_at_lo'], 2):.2g}, "
        f"{_sig(f['n_star_at_hi'], 2):.2g}]"
        for name, f in fits.items()
    )
    return charts.figure(
        alt.layer(line, dots, err, ends, chin).properties(width=560, height=340),
        title="Four decades of extrapolation: Porian et al.'s frontiers at Chinchilla's budget",
        caption=(
            f"Released compute-optimal model sizes (points) and their weighted power-law fits "
            f"(dashed), extended up to {at_flops:.3g} FLOP, up to {decades:.1f} decades beyond the "
            f"largest budget. Bars: 95% parametric-bootstrap intervals of N* at that budget "
            f"({desc}); black cross: Chinchilla's {chinchilla_params / 1e9:.0f}B. The intervals "
            "carry only the scatter of the released optima, not the risk that the power law "
            "bends outside the data."
        ),
        alt=(
            "Log-log plot of compute-optimal parameters against compute: points from Porian et "
            "al.'s small-scale runs and dashed lines extended far to the right, ending in error "
            "bars at Chinchilla's budget; the steep Kaplan-recipe line ends far above the black "
            "cross marking Chinchilla's 70B, the fully corrected line near it."
        ),
    )

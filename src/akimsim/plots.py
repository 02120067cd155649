"""Matplotlib figures from result tables; never imports the model."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

TIER_COLOURS: dict[str, str] = {"region": "#1b6ca8", "district": "#e07b39", "rural": "#3a923a"}
REGIME_STYLES: dict[str, str] = {"appointment": ":", "indirect": "--", "direct": "-"}
REGIME_MARKERS: dict[str, str] = {"appointment": "s", "indirect": "^", "direct": "o"}

PANELS: tuple[tuple[str, str], ...] = (
    ("turnout", "Turnout in popular votes"),
    ("enc_mean", "Effective number of candidates"),
    ("reelection_rate", "Incumbents re-selected (of those who ran)"),
    ("focus_on_voters", "Akims' effort focused on voters"),
)


def timeline_figure(summary: pd.DataFrame, title: str = "akimsim: regimes over time") -> Figure:
    """Turnout, competitiveness, re-election and accountability by tier and regime.

    ``summary`` is the table of :func:`akimsim.metrics.summary_table`. One line per
    (tier, regime): colour is the tier, line style the regime.
    """
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True, layout="constrained")
    for ax, (column, label) in zip(axes.flat, PANELS, strict=True):
        for (tier, regime), part in summary.groupby(["tier", "regime"], sort=True):
            series = part.sort_values("year")[["year", column]].dropna()
            if series.empty:
                continue
            ax.plot(series["year"], series[column], color=TIER_COLOURS.get(str(tier), "grey"),
                    linestyle=REGIME_STYLES.get(str(regime), "-"),
                    marker=REGIME_MARKERS.get(str(regime), "."), markersize=4,
                    label=f"{tier}, {regime}")
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if column in ("turnout", "reelection_rate", "focus_on_voters"):
            ax.set_ylim(-0.02, 1.02)
    for ax in axes[1]:
        ax.set_xlabel("year")
    handles, labels = [], []
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="outside right center", fontsize=8, title="tier, regime")
    fig.suptitle(title)
    return fig

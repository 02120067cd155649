"""Matplotlib figures from result tables."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from akimsim import glossary
from akimsim.analysis.compare import mean_ci
from akimsim.analysis.pooled import METRIC_LABELS
from akimsim.config import TIERS, RegimeName, Tier

TIER_ORDER: tuple[str, ...] = tuple(t.value for t in TIERS)
TIER_COLOURS: dict[str, str] = {Tier.region: "#1b6ca8", Tier.district: "#e07b39",
                                Tier.rural: "#3a923a"}
REGIME_STYLES: dict[str, str] = {RegimeName.appointment: ":", RegimeName.indirect: "--",
                                 RegimeName.direct: "-"}
REGIME_MARKERS: dict[str, str] = {RegimeName.appointment: "s", RegimeName.indirect: "^",
                                  RegimeName.direct: "o"}

#: the timeline's panels: summary columns, titled by their glossary labels
PANELS: tuple[str, ...] = ("turnout", "enc", "incumbent_reselected_share", "focus_on_voters")


def timeline_figure(summary: pd.DataFrame, title: str = "akimsim: regimes over time") -> Figure:
    """Turnout, competitiveness, re-election and accountability by tier and regime.

    ``summary`` is the table of :func:`akimsim.metrics.summary_table`. One line per
    (tier, regime): colour is the tier, line style the regime.
    """
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True, layout="constrained")
    for ax, column in zip(axes.flat, PANELS, strict=True):
        label = glossary.label(column)
        label = label[0].upper() + label[1:]
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
        if column in ("turnout", "incumbent_reselected_share", "focus_on_voters"):
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


ARM_COLOURS: tuple[str, ...] = ("#1b6ca8", "#e07b39", "#3a923a", "#9b3ab0", "#b03a48",
                                "#6b6b6b")


def paired_differences_figure(diffs: pd.DataFrame, metrics: list[str] | None = None,
                              title: str = "Paired differences", ncols: int = 4) -> Figure:
    """One small panel per metric: each contrast's mean paired difference and interval.

    ``diffs`` is the table of :func:`akimsim.analysis.paired_differences`; the zero line
    is "no difference from the reference". Metrics without any finite difference are
    left out.
    """
    metrics = metrics if metrics is not None else list(pd.unique(diffs["metric"]))
    metrics = [m for m in metrics if diffs.loc[diffs["metric"] == m, "difference"].notna().any()]
    if not metrics:
        raise ValueError("no metric has a finite paired difference")
    ncols = min(ncols, len(metrics))
    nrows = -(-len(metrics) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.3 * nrows + 0.8),
                             layout="constrained", squeeze=False)
    contrast = diffs["arm"].astype(str) + " − " + diffs["reference"].astype(str)
    labels = [str(c) for c in pd.unique(contrast)]
    for ax, metric in zip(axes.flat, metrics, strict=False):
        mask = (diffs["metric"] == metric).to_numpy()
        part = diffs[mask].set_index(contrast[mask])
        for i, label in enumerate(labels):
            if label not in part.index:
                continue
            d, lo, hi = (float(v) for v in part.loc[label, ["difference", "ci_low", "ci_high"]]
                         .to_numpy(dtype=np.float64))
            if d != d:  # NaN: the metric is undefined for this pair of arms
                ax.text(0.5, i, "n/a (undefined for this pair)", ha="center", va="center",
                        fontsize=7, color="grey", transform=ax.get_yaxis_transform())
                continue
            ax.errorbar([d], [i], xerr=[[d - lo], [hi - d]] if lo == lo else None, fmt="o",
                        color=ARM_COLOURS[i % len(ARM_COLOURS)], capsize=3, markersize=5)
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.set_ylim(-0.6, len(labels) - 0.4)
        ax.invert_yaxis()
        ax.set_title(METRIC_LABELS.get(metric, metric), fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle(f"{title}\n(mean paired difference over seeds with its 95 % interval)",
                 fontsize=11)
    return fig


def _finite(values: Any) -> list[float]:
    return [float(v) for v in values if v is not None and np.isfinite(float(v))]


def _observed_row(ax: Any, lo: float, hi: float, sim: float, cl: float, ch: float,
                  pl: float = float("nan"), ph: float = float("nan")) -> None:
    """One row of a simulated-against-observed figure: the observed band (a range, open
    at an infinite end) or line (a point), the simulated mean with its interval, and the
    predictive interval when given."""
    values = _finite((lo, hi, sim, cl, ch, pl, ph)) or [0.0]
    span = max(values) - min(values)
    pad = max(span * 0.6, abs(max(values)) * 0.05, 1e-3)
    left, right = min(values) - pad, max(values) + pad
    if hi > lo:
        ax.axvspan(max(lo, left), min(hi, right), color="#bbbbbb", alpha=0.8,
                   label="observed")
    else:
        ax.axvline(lo, color="black", linewidth=2.5, label="observed")
    if np.isfinite(pl) and np.isfinite(ph):
        ax.plot([pl, ph], [0, 0], color="#b03a48", linewidth=1, alpha=0.5,
                label="predictive interval")
    if np.isfinite(sim):
        ax.errorbar([sim], [0], xerr=[[sim - cl], [ch - sim]] if np.isfinite(cl) else None,
                    fmt="o", color="#b03a48", capsize=3, label="simulated (95 % interval)")
    ax.set_xlim(left, right)
    ax.set_yticks([])
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", alpha=0.3)


def observed_figure(table: pd.DataFrame, title: str = "Simulated against observed") -> Figure:
    """One row per metric, each on its own scale: the observed figure (a band for a
    range, a bar for a point) and the simulated mean with its interval over seeds.

    ``table`` is from :func:`akimsim.analysis.against_observed`.
    """
    records = [{str(k): v for k, v in r.items()} for r in table.to_dict("records")]
    n = len(records)
    fig, axes = plt.subplots(n, 1, figsize=(7.5, 0.75 * n + 1.2), layout="constrained",
                             squeeze=False)
    for ax, row in zip(axes[:, 0], records, strict=True):
        _observed_row(ax, float(row["observed_low"]), float(row["observed_high"]),
                      float(row["simulated"]), float(row["ci_low"]), float(row["ci_high"]))
        ax.set_ylabel(str(row["label"]), rotation=0, ha="right", va="center", fontsize=9)
    axes[0, 0].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.suptitle(title, fontsize=11)
    return fig


def validation_figure(table: pd.DataFrame, title: str = "akimsim validation") -> Figure:
    """One row per target of :func:`akimsim.calibration.summarise`, each on its own
    scale: the observed figure, the simulated mean with its 95 % interval and the
    predictive interval; the label is red where the observed figure lies outside."""
    records = [{str(k): v for k, v in r.items()} for r in table.to_dict("records")]
    n = len(records)
    fig, axes = plt.subplots(n, 1, figsize=(9, 0.55 * n + 1.4), layout="constrained",
                             squeeze=False)
    for ax, row in zip(axes[:, 0], records, strict=True):
        _observed_row(ax, float(row["low"]), float(row["high"]), float(row["simulated"]),
                      float(row["ci_low"]), float(row["ci_high"]), float(row["pred_low"]),
                      float(row["pred_high"]))
        miss = row["inside"] is False or row["inside"] == 0
        ax.set_ylabel(f"{row['name']}{' [v]' if row['role'] == 'validation' else ''}",
                      rotation=0, ha="right", va="center", fontsize=8,
                      color="#b03a48" if miss else "black")
    axes[0, 0].legend(fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.02), ncol=3)
    fig.suptitle(f"{title}\n(grey: observed; dot: simulated mean, 95 % interval; thin line: "
                 f"predictive interval; [v]: validation target; red: outside)", fontsize=10)
    return fig


def calibration_figure(evaluations: pd.DataFrame, params: list[str], estimate: Any,
                       bounds: list[tuple[float, float]],
                       title: str = "akimsim calibration: the objective") -> Figure:
    """The objective against each parameter over every evaluated vector (a slice of the
    surface seen by the optimiser), the estimate marked, and the best objective so far
    against the evaluation count."""
    n = len(params) + 1
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.3 * rows),
                             layout="constrained", squeeze=False)
    obj = evaluations["objective"].to_numpy(dtype=float)
    shown = np.log10(np.maximum(obj, 1e-12))
    best = np.minimum.accumulate(obj)
    for ax, name, x_hat, (lo, hi) in zip(axes.flat, params, estimate, bounds, strict=False):
        sc = ax.scatter(evaluations[name], shown, c=np.arange(len(obj)), cmap="viridis",
                        s=12, alpha=0.8)
        ax.axvline(float(x_hat), color="#b03a48", linewidth=1.5, label="estimate")
        ax.set_xlim(lo, hi)
        ax.set_xlabel(name.rsplit(".", 1)[-1], fontsize=9)
        ax.set_ylabel("log10 objective", fontsize=9)
        ax.grid(alpha=0.3)
    fig.colorbar(sc, ax=axes.flat[len(params) - 1], label="evaluation")
    ax = axes.flat[len(params)]
    ax.plot(np.arange(1, len(best) + 1), np.log10(np.maximum(best, 1e-12)), color="black")
    ax.set_xlabel("parameter vectors evaluated", fontsize=9)
    ax.set_ylabel("log10 best objective", fontsize=9)
    ax.grid(alpha=0.3)
    for extra in list(axes.flat)[n:]:
        extra.set_visible(False)
    fig.suptitle(title, fontsize=11)
    return fig


def sensitivity_figure(morris: pd.DataFrame | None, sobol: pd.DataFrame | None,
                       robustness: pd.DataFrame | None = None,
                       title: str = "akimsim sensitivity of the headline findings") -> Figure:
    """One row per headline: Morris's mu* with its 95 % interval (left) and the Sobol
    first-order and total indices with theirs (right), a bar per parameter; the title
    of a row gives the share of the sampled space in which the headline's sign holds."""
    frames = [f for f in (morris, sobol) if f is not None and not f.empty]
    if not frames:
        raise ValueError("sensitivity_figure: no Morris or Sobol table")
    heads = list(dict.fromkeys(frames[0]["headline"]))
    params = list(dict.fromkeys(frames[0]["param"]))
    short = [p.rsplit(".", 1)[-1] for p in params]
    cols = [f for f in (morris, sobol) if f is not None and not f.empty]
    fig, axes = plt.subplots(len(heads), len(cols), figsize=(5.2 * len(cols),
                             0.32 * len(params) * len(heads) + 1.5), layout="constrained",
                             squeeze=False)
    share = {} if robustness is None else dict(zip(robustness["headline"],
                                                   robustness["sign_holds_share"],
                                                   strict=True))
    y = np.arange(len(params))
    for i, h in enumerate(heads):
        for j, frame in enumerate(cols):
            ax = axes[i, j]
            part = frame[frame["headline"] == h].set_index("param").reindex(params)
            if "mu_star" in part:
                ax.barh(y, part["mu_star"], xerr=part["mu_star_conf"], color="#1b6ca8",
                        capsize=2)
                ax.set_xlabel("Morris mu* (elementary effect)", fontsize=8)
            else:
                ax.barh(y - 0.2, part["S1"], height=0.4, xerr=part["S1_conf"],
                        color="#e07b39", capsize=2, label="first order")
                ax.barh(y + 0.2, part["ST"], height=0.4, xerr=part["ST_conf"],
                        color="#3a923a", capsize=2, label="total")
                ax.set_xlabel("Sobol index (axis cut at -0.25 and 1.25)", fontsize=8)
                ax.set_xlim(-0.25, 1.25)
                if i == 0:
                    ax.legend(fontsize=7, loc="lower right")
            ax.set_yticks(y, short if j == 0 else [""] * len(short), fontsize=7)
            ax.invert_yaxis()
            ax.tick_params(axis="x", labelsize=7)
            ax.grid(axis="x", alpha=0.3)
            holds = share.get(h)
            extra = f" (sign holds in {holds:.0%})" if holds is not None and holds == holds \
                else ""
            ax.set_title(f"{h}{extra}" if j == 0 else "", fontsize=8, loc="left")
    fig.suptitle(title, fontsize=11)
    return fig


def groups_over_time_figure(table: pd.DataFrame, metrics: list[str], group: str,
                            title: str = "", x: str = "year") -> Figure:
    """Mean and 95 % interval over seeds of each metric per ``x`` and ``group``.

    ``table`` has one row per (seed, ``group``, ``x``) and a column per metric.
    """
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.6),
                             layout="constrained", squeeze=False)
    groups = [g for g in pd.unique(table[group])]
    for ax, metric in zip(axes[0], metrics, strict=True):
        for i, g in enumerate(groups):
            part = table[table[group] == g]
            rows = [(xv, *mean_ci(p[metric].to_numpy())) for xv, p in part.groupby(x)]
            if not rows:
                continue
            frame = pd.DataFrame(rows, columns=[x, "mean", "lo", "hi"]).dropna(subset=["mean"])
            colour = ARM_COLOURS[i % len(ARM_COLOURS)]
            ax.plot(frame[x], frame["mean"], marker="o", markersize=3, color=colour,
                    label=str(g))
            ax.fill_between(frame[x], frame["lo"], frame["hi"], color=colour, alpha=0.2)
        ax.set_title(METRIC_LABELS.get(metric, metric), fontsize=10)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(x)
    axes[0][0].legend(fontsize=8, title=group)
    if title:
        fig.suptitle(title)
    return fig


def arms_by_tier_figure(table: pd.DataFrame, metrics: list[str], arm: str,
                        tiers: tuple[str, ...] = TIER_ORDER,
                        title: str = "") -> Figure:
    """Per metric a panel; per tier a cluster; per arm a dot with its 95 % interval.

    ``table`` has one row per (seed, ``arm``, tier) and a column per metric (e.g. from
    :func:`akimsim.analysis.pooled_metrics`).
    """
    arms = [str(a) for a in pd.unique(table[arm])]
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.6 * len(metrics), 3.4),
                             layout="constrained", squeeze=False)
    width = 0.8 / max(len(arms), 1)
    for ax, metric in zip(axes[0], metrics, strict=True):
        for i, a in enumerate(arms):
            for j, tier in enumerate(tiers):
                part = table[(table[arm].astype(str) == a) & (table["tier"] == tier)]
                m, lo, hi = mean_ci(part[metric].to_numpy()) if len(part) else (
                    float("nan"),) * 3
                if m != m:
                    continue
                xpos = j - 0.4 + width * (i + 0.5)
                ax.errorbar([xpos], [m], yerr=[[m - lo], [hi - m]] if lo == lo else None,
                            fmt="o", color=ARM_COLOURS[i % len(ARM_COLOURS)], capsize=2,
                            markersize=4, label=a if j == 0 else None)
        ax.set_xticks(range(len(tiers)), list(tiers))
        ax.set_title(METRIC_LABELS.get(metric, metric), fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = [], []
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="outside right center", fontsize=8, title=arm)
    if title:
        fig.suptitle(title)
    return fig


PARTY_COLOURS: dict[str, str] = {
    "Amanat": "#1f77b4", "Auyl": "#2ca02c", "People's Party": "#d62728", "Adal": "#9467bd",
    "Ak Zhol": "#ff7f0e", "non-party": "#7f7f7f",
}
CHOICE_COLOURS: tuple[str, ...] = ("#1b6ca8", "#e07b39", "#3a923a", "#9b3ab0", "#b03a48",
                                   "#8c6d31", "#17becf", "#bcbd22")


def _party_colour(name: str, k: int) -> str:
    return PARTY_COLOURS.get(name, CHOICE_COLOURS[k % len(CHOICE_COLOURS)])


def policy_space_figure(voters: pd.DataFrame, contest: pd.Series | dict[str, Any] | None = None,
                        title: str = "", ax: Any = None) -> Figure:
    """Voters, candidates and the winner in the two-dimensional policy space.

    ``voters`` is :func:`akimsim.metrics.voter_table` (x, y, party, last_choice); voters
    are coloured by the candidate they chose when ``last_choice`` is known (grey: did
    not vote; black: "against all"), otherwise by party. ``contest`` is one row of the
    contest table: its candidates are drawn as large markers labelled with party and
    nomination, the winner with a star.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 5.6), layout="constrained")
    else:
        fig = ax.figure
    choice = voters["last_choice"].to_numpy() if "last_choice" in voters else None
    if choice is not None and (choice >= -2).any():
        colours = np.array([CHOICE_COLOURS[c % len(CHOICE_COLOURS)] if c >= 0 else
                            ("black" if c == -1 else "#cccccc") for c in choice], dtype=object)
        legend_note = "voters coloured by their vote (grey: stayed home, black: against all)"
    else:
        parties = [str(p) for p in voters["party"]]
        colours = np.array([PARTY_COLOURS.get(p, "#7f7f7f") for p in parties], dtype=object)
        legend_note = "voters coloured by party attachment (grey: none)"
    ax.scatter(voters["x"], voters["y"], s=9, c=list(colours), alpha=0.6, linewidths=0)
    if contest is not None:
        xs, ys = list(contest["candidate_x"]), list(contest["candidate_y"])
        parties = list(contest["candidate_parties"])
        noms = list(contest["candidate_nominations"])
        winner_id = int(contest["winner_id"])
        ids = list(contest["candidate_ids"])
        for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
            won = ids[k] == winner_id
            ax.scatter([x], [y], s=320 if won else 160, marker="*" if won else "o",
                       color=CHOICE_COLOURS[k % len(CHOICE_COLOURS)], edgecolors="black",
                       linewidths=1.2, zorder=5)
            ax.annotate(f"{k}: {parties[k]} ({noms[k]})" + (" - winner" if won else ""),
                        (x, y), xytext=(6, 6), textcoords="offset points", fontsize=8,
                        zorder=6)
    ax.scatter([float(np.median(voters["x"]))], [float(np.median(voters["y"]))], marker="X",
               s=90, color="white", edgecolors="black", zorder=4, label="median voter")
    ax.set_xlabel("policy dimension 1")
    ax.set_ylabel("policy dimension 2")
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title or legend_note, fontsize=10)
    return fig


def vote_shares_figure(contests: pd.DataFrame, title: str = "Vote shares",
                       max_contests: int = 25, ax: Any = None,
                       colour_by: str = "party") -> Figure:
    """One horizontal bar per contest: each candidate's share of the ballots (first
    preferences in popular votes, deputies' votes in councils) and "against all".

    Segments are coloured by the candidate's party (``colour_by="party"``) or by its
    slot on the ballot (``"slot"``, the colours of :func:`policy_space_figure`); the
    winner's segment is hatched. Contests without votes (plain appointments) are skipped.
    """
    if colour_by not in ("party", "slot"):
        raise ValueError(f"colour_by = {colour_by!r}: expected 'party' or 'slot'")
    rows = [r for r in contests.to_dict("records") if len(r["votes"]) > 0][:max_contests]
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 0.35 * max(len(rows), 3) + 1.4),
                               layout="constrained")
    else:
        fig = ax.figure
    seen: set[str] = set()
    for i, r in enumerate(rows):
        counts = list(r["first_preferences"]) if len(r["first_preferences"]) else list(
            r["votes"])
        total = float(sum(counts) + r["against_all"]) or 1.0
        left = 0.0
        parties, ids = list(r["candidate_parties"]), list(r["candidate_ids"])
        for k, v in enumerate(counts):
            party = str(parties[k])
            won = ids[k] == r["winner_id"]
            label = party if colour_by == "party" else f"{k}: {party}"
            colour = (_party_colour(party, k) if colour_by == "party"
                      else CHOICE_COLOURS[k % len(CHOICE_COLOURS)])
            ax.barh(i, v / total, left=left, color=colour,
                    edgecolor="black", linewidth=0.5, hatch="//" if won else None,
                    label=label if label not in seen else None)
            seen.add(label)
            left += v / total
        if r["against_all"]:
            ax.barh(i, r["against_all"] / total, left=left, color="black",
                    label="against all" if "against all" not in seen else None)
            seen.add("against all")
    ax.set_yticks(range(len(rows)), [f"{r['unit_name']} {r['year']}" for r in rows],
                  fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of ballots (hatched: winner)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              title="party" if colour_by == "party" else "candidate")
    ax.set_title(title)
    return fig


def save_figure(fig: Figure, path: Any, dpi: int = 120) -> None:
    """Write ``fig`` as a PNG without a timestamp in its metadata, then close it."""
    fig.savefig(path, dpi=dpi, metadata={"Software": None})
    close_figure(fig)


def close_figure(fig: Figure) -> None:
    """Release a figure made here (pyplot keeps every open figure alive)."""
    plt.close(fig)

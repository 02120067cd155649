"""A comparison report: arms against a baseline on paired seeds, per tier and metric.

Takes the collected ``contests`` and ``offices`` of several arms (an ``arm`` column,
``seed``, and optionally swept parameters) and writes what ``akimsim compare`` and
``akimsim report`` show: the answer in plain words, the paired differences with their
95 % intervals per tier and metric, a figure of them, an effect-against-parameter
figure when a parameter is swept, a per-region table and tile map, and every table as
CSV and Excel. Works from a notebook on tables read back from Parquet.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from akimsim import glossary
from akimsim.analysis.compare import compare_arms
from akimsim.analysis.pooled import COMPARISON_METRICS
from akimsim.analysis.report import Report, write_tables
from akimsim.config import TIERS

#: the measures a comparison reports, in this order (names of :mod:`akimsim.glossary`)
REPORT_METRICS: tuple[str, ...] = (
    "turnout", "candidates_per_seat", "enc", "margin", "runoff_share", "dominant_winner_share",
    "self_nominated_winner_share", "winner_median_distance", "retained_share",
    "retention_record_corr", "new_akim_share", "competence", "performance",
    "focus_on_voters", "loyalty_shown", "retention_delivery_corr", "no_winner_share",
)
#: the measures of the per-region table
REGION_METRICS: tuple[str, ...] = ("turnout", "enc", "dominant_winner_share", "competence",
                                   "performance")
assert set(COMPARISON_METRICS) <= set(REPORT_METRICS)


@dataclass
class Comparison:
    """What is compared and how: the arms (the reference first), the swept parameters,
    the years pooled, and the words and commands the report shows."""

    arms: list[str]
    reference: str
    sweep: list[str] = field(default_factory=list)
    years: tuple[int, int] | None = None
    metrics: Sequence[str] = REPORT_METRICS
    map_metric: str = "auto"  # the regions' map; "auto": see map_metric()
    title: str = "akimsim compare"
    question: list[str] = field(default_factory=list)  # bullets: what each arm is
    commands: list[str] = field(default_factory=list)  # how to reproduce it
    notes: list[str] = field(default_factory=list)  # e.g. failed jobs


def _window(contests: pd.DataFrame, years: tuple[int, int] | None) -> tuple[int, int]:
    if years is not None:
        return years
    return int(contests["year"].min()), int(contests["year"].max())


def analyse(contests: pd.DataFrame, offices: pd.DataFrame, spec: Comparison
            ) -> dict[str, pd.DataFrame]:
    """The comparison's tables: ``metrics_by_seed`` (every metric per seed, arm, tier and
    swept value), ``differences`` (each arm minus the reference, paired on the seed, with
    the 95 % t interval), ``region_metrics_by_seed`` and ``region_differences`` (per
    region and tier, at the first value of each swept parameter)."""
    if "arm" not in contests.columns or "seed" not in contests.columns:
        raise ValueError("the tables need 'arm' and 'seed' columns")
    missing = [a for a in spec.arms if a not in set(contests["arm"])]
    if missing:
        raise ValueError(f"no contests for arm(s) {', '.join(missing)}")
    years = _window(contests, spec.years)
    metrics = list(spec.metrics)
    strata = ["tier", *spec.sweep]
    per_pair, diffs = compare_arms(contests, offices, "arm", spec.reference, years,
                                   metrics=metrics, strata=strata)
    tier_order = {t.value: t.code for t in TIERS}
    per_pair = per_pair.sort_values(
        ["tier", *spec.sweep, "arm", "seed"], key=lambda s: s.map(tier_order)
        if s.name == "tier" else s, kind="stable").reset_index(drop=True)
    diffs = _ordered(_with_own_means(diffs, per_pair, strata, metrics, spec.reference),
                     spec)
    out = {"metrics_by_seed": per_pair, "differences": diffs}
    if "region_id" in contests.columns and contests["region_id"].nunique() > 1:
        c, o = contests, offices
        for key in spec.sweep:  # regions at the first swept value
            first = sorted(pd.unique(c[key]))[0]
            c, o = c[c[key] == first], o[o[key] == first]
        r_pair, r_diffs = compare_arms(c, o, "arm", spec.reference, years,
                                       metrics=list(REGION_METRICS),
                                       strata=["tier", "region_id", "region_name"])
        out["region_metrics_by_seed"] = r_pair
        out["region_differences"] = _ordered(r_diffs, spec)
    return out


def _with_own_means(diffs: pd.DataFrame, per_pair: pd.DataFrame, strata: list[str],
                    metrics: list[str], reference: str) -> pd.DataFrame:
    """Each arm's mean over its own seeds where the paired mean is undefined (a measure
    that one arm lacks, e.g. turnout under appointment), so the tables can show it."""
    if diffs.empty:
        return diffs
    means = per_pair.groupby([*strata, "arm"], sort=False)[metrics].mean().reset_index()
    means = means.melt(id_vars=[*strata, "arm"], value_vars=metrics, var_name="metric",
                       value_name="own")
    d = diffs.merge(means, on=[*strata, "arm", "metric"], how="left")
    ref = means[means["arm"] == reference].drop(columns="arm").rename(
        columns={"own": "own_ref"})
    d = d.merge(ref, on=[*strata, "metric"], how="left")
    d["mean_arm"] = d["mean_arm"].fillna(d["own"])
    d["mean_reference"] = d["mean_reference"].fillna(d["own_ref"])
    return d.drop(columns=["own", "own_ref"])


def _ordered(diffs: pd.DataFrame, spec: Comparison) -> pd.DataFrame:
    """Differences in reading order: tier (region first), arm, swept values, metric."""
    if diffs.empty:
        return diffs
    d = diffs.copy()
    d["_t"] = d["tier"].map({t.value: t.code for t in TIERS})
    d["_a"] = d["arm"].map({a: i for i, a in enumerate(spec.arms)})
    d["_m"] = d["metric"].map({m: i for i, m in enumerate(spec.metrics)})
    keys = ["_t", "_a", *[k for k in spec.sweep if k in d.columns]]
    if "region_name" in d.columns:
        keys.append("region_name")
    d = d.sort_values([*keys, "_m"], kind="stable").drop(columns=["_t", "_a", "_m"])
    at = list(d.columns).index("metric") + 1
    d.insert(at, "label", [glossary.label(m) for m in d["metric"]])
    d.insert(at + 1, "origin", [_origin(m) for m in d["metric"]])
    return d.reset_index(drop=True)


def _origin(metric: str) -> str:
    try:
        return glossary.term(metric).origin
    except KeyError:
        return ""


def _fmt(v: float, signed: bool = False) -> str:
    if v != v:  # NaN
        return "–"
    return f"{v:+.3f}" if signed else f"{v:.3f}"


def _interval(row: pd.Series) -> str:
    if not math.isfinite(row["difference"]):
        ref, arm = row.get("mean_reference", math.nan), row.get("mean_arm", math.nan)
        if math.isfinite(arm):  # defined in this arm only
            return f"– (only this arm: {_fmt(arm)})"
        if math.isfinite(ref):
            return "– (none in this arm)"
        return "–"
    if not math.isfinite(row["ci_low"]):
        return f"{row['difference']:+.3f}"
    mark = "**" if (row["ci_low"] > 0 or row["ci_high"] < 0) else ""
    return f"{mark}{row['difference']:+.3f}{mark} ({row['ci_low']:+.3f} to {row['ci_high']:+.3f})"


def _values_text(rows: pd.DataFrame, keys: Sequence[str]) -> str:
    """The swept values of ``rows``: ``admin_support=0, 1.2`` (one key) or one
    ``key=value, key=value`` group per row, joined by "; "."""
    if len(keys) == 1:
        key = keys[0]
        values = [_value_text(key, v).split("=", 1)[1] for v in rows[key]]
        return f"{key.rsplit('.', 1)[-1]}={', '.join(values)}"
    return "; ".join(", ".join(_value_text(k, r[k]) for k in keys) for _, r in rows.iterrows())


def _value_text(key: str, value: Any) -> str:
    return f"{key.rsplit('.', 1)[-1]}={value:g}" if isinstance(value, float) \
        else f"{key.rsplit('.', 1)[-1]}={value}"


def answer_lines(diffs: pd.DataFrame, spec: Comparison, limit: int = 12) -> list[str]:
    """The answer in plain words: per arm and tier, the measures whose 95 % interval
    leaves out zero (the largest first), saying when a measure is set by assumption."""
    if diffs.empty:
        return ["No pair of runs to compare."]
    lines = []
    clear = diffs[(diffs["ci_low"] > 0) | (diffs["ci_high"] < 0)]
    for arm in spec.arms[1:]:
        for tier in [t.value for t in TIERS]:
            part = clear[(clear["arm"] == arm) & (clear["tier"] == tier)]
            if part.empty:
                continue
            by_metric = []
            for metric, rows in part.groupby("metric", sort=False):
                d = rows["difference"].to_numpy(dtype=np.float64)
                what = glossary.label(str(metric))
                where = ""
                if spec.sweep:
                    total = len(diffs[(diffs["arm"] == arm) & (diffs["tier"] == tier)
                                      & (diffs["metric"] == metric)])
                    where = (" at every swept value" if len(rows) == total
                             else " at " + _values_text(rows, spec.sweep))
                a = np.sort(np.abs(d))
                low, high = f"{a[0]:.3f}", f"{a[-1]:.3f}"
                size = low if low == high else f"{low} to {high}"
                assumed = " (set by assumption, not a finding)" \
                    if _origin(str(metric)) == "assumption" and "assumption" not in what else ""
                word = ("higher" if d.min() > 0 else "lower" if d.max() < 0
                        else "different (both signs)")
                by_metric.append((float(np.abs(d).max()),
                                  f"{what} {word} by {size}{where}{assumed}"))
            by_metric.sort(key=lambda x: -x[0])
            text = "; ".join(t for _, t in by_metric[:6])
            more = f" (and {len(by_metric) - 6} more)" if len(by_metric) > 6 else ""
            lines.append(f"**{arm}**, {tier} akims: {text}{more}.")
    own = {"mean_arm", "mean_reference"} <= set(diffs.columns)
    for arm in spec.arms[1:] if own else []:  # measures one arm has (turnout where it votes)
        for tier in [t.value for t in TIERS]:
            part = diffs[(diffs["arm"] == arm) & (diffs["tier"] == tier)
                         & diffs["difference"].isna() & diffs["mean_arm"].notna()
                         & diffs["mean_reference"].isna()]
            if part.empty:
                continue
            shown = []
            for metric, rows in part.groupby("metric", sort=False):
                v = np.sort(rows["mean_arm"].to_numpy(dtype=np.float64))
                value = f"{v[0]:.3f}" if f"{v[0]:.3f}" == f"{v[-1]:.3f}" \
                    else f"{v[0]:.3f} to {v[-1]:.3f}"
                shown.append(f"{glossary.label(str(metric))} {value}")
            lines.append(f"**{arm}**, {tier} akims, measures the reference does not have "
                         f"(it holds no such vote): {'; '.join(shown[:5])}.")
    if not lines:
        lines.append("No measure differs from the baseline beyond its 95 % interval.")
    return lines[:limit]


def _tier_table(diffs: pd.DataFrame, tier: str, spec: Comparison) -> pd.DataFrame | None:
    """One tier's differences: a row per measure; the reference's mean and, per arm (and
    swept value), the difference with its interval."""
    part = diffs[diffs["tier"] == tier]
    if part.empty:
        return None
    rows = []
    for metric in spec.metrics:
        m = part[part["metric"] == metric]
        if m.empty or (m[["mean_reference", "mean_arm"]].notna().sum().sum() == 0):
            continue
        row: dict[str, object] = {"measure": glossary.label(metric),
                                  "origin": _origin(metric)}
        if spec.sweep:  # the reference's mean at each swept value
            ref = m.drop_duplicates(subset=spec.sweep)["mean_reference"]
            row[spec.reference] = " / ".join(_fmt(float(v)) for v in ref)
        else:
            row[spec.reference] = _fmt(float(m.iloc[0]["mean_reference"]))
        for _, r in m.iterrows():
            name = str(r["arm"])
            if spec.sweep:
                name += " @ " + ", ".join(_value_text(k, r[k]) for k in spec.sweep)
            row[name] = _interval(r)
        rows.append(row)
    return pd.DataFrame(rows) if rows else None


def effect_figure(diffs: pd.DataFrame, spec: Comparison, metrics: Sequence[str] = (),
                  max_metrics: int = 6) -> Any:
    """The effect against the swept parameter: the paired difference (each arm minus the
    reference) with its 95 % band, a row per tier and a column per measure."""
    import matplotlib.pyplot as plt

    from akimsim.analysis.plots import ARM_COLOURS

    key = spec.sweep[0]
    d = diffs[np.isfinite(diffs["difference"].to_numpy(dtype=np.float64))]
    tiers = [t.value for t in TIERS if t.value in set(d["tier"])]
    clear = set(d.loc[(d["ci_low"] > 0) | (d["ci_high"] < 0), "metric"])
    order = [m for m in (metrics or spec.metrics) if m in set(d["metric"])]
    chosen = ([m for m in order if m in clear] + [m for m in order if m not in clear]
              )[:max_metrics]
    if not tiers or not chosen:
        raise ValueError("no finite paired difference to draw")
    fig, axes = plt.subplots(len(tiers), len(chosen), squeeze=False, layout="constrained",
                             figsize=(2.9 * len(chosen) + 0.6, 2.4 * len(tiers) + 0.8))
    for i, tier in enumerate(tiers):
        for j, metric in enumerate(chosen):
            ax = axes[i][j]
            for k, arm in enumerate(spec.arms[1:]):
                part = d[(d["tier"] == tier) & (d["metric"] == metric) & (d["arm"] == arm)]
                if part.empty:
                    continue
                part = part.sort_values(key)
                x = part[key].to_numpy(dtype=np.float64)
                colour = ARM_COLOURS[k % len(ARM_COLOURS)]
                ax.plot(x, part["difference"], marker="o", color=colour, label=arm)
                ax.fill_between(x, part["ci_low"].to_numpy(dtype=np.float64),
                                part["ci_high"].to_numpy(dtype=np.float64),
                                color=colour, alpha=0.2, linewidth=0)
            if not ax.lines:
                ax.text(0.5, 0.5, "undefined\n(an arm has none)", ha="center", va="center",
                        fontsize=8, color="grey", transform=ax.transAxes)
                ax.set_xticks([])
                ax.set_yticks([])
            ax.axhline(0, color="black", linewidth=0.8)
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=8)
            if i == 0:
                ax.set_title(glossary.label(metric), fontsize=9)
            if j == 0:
                ax.set_ylabel(f"{tier}\ndifference", fontsize=9)
            if i == len(tiers) - 1:
                ax.set_xlabel(key.rsplit(".", 1)[-1], fontsize=9)
    handles, labels = axes[0][0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, [f"{lab} − {spec.reference}" for lab in labels],
                   loc="outside lower center", fontsize=9, ncols=min(4, len(labels)))
    fig.suptitle(f"Effect against {key}: mean paired difference with its 95 % band",
                 fontsize=11)
    return fig


def build_report(tables: dict[str, pd.DataFrame], spec: Comparison) -> Report:
    """The report's blocks from :func:`analyse`'s tables."""
    from akimsim.analysis.plots import paired_differences_figure

    diffs = tables["differences"]
    per_pair = tables["metrics_by_seed"]
    seeds = int(per_pair["seed"].nunique()) if len(per_pair) else 0
    r = Report(spec.title)
    r.heading("The question")
    window = f"{spec.years[0]}-{spec.years[1]}" if spec.years else "every year of the runs"
    r.bullets([*spec.question,
               f"{seeds} paired seeds (common random numbers: the arms of one seed share "
               "voters, candidates and shocks, so their difference has the seed's noise "
               f"removed); measures pooled over {window}"])
    if spec.notes:
        r.heading("Warnings")
        r.bullets(spec.notes)
    r.heading("The answer")
    r.text(f"Each arm minus **{spec.reference}**, where the 95 % interval of the mean paired "
           "difference leaves out zero:")
    r.bullets(answer_lines(diffs, spec))
    r.text("Measures set by an assumption (origin `assumption` in the tables; `akimsim "
           "glossary`) differ between arms because the assumed formula says so: they are "
           "not findings.")
    r.heading("Paired differences by tier")
    r.text("Mean paired difference (arm minus reference) with its 95 % t interval over "
           "seeds; **bold** where the interval leaves out zero; the reference column is "
           "its mean. Origin: whether the run produces the measure (`emerges`), an "
           "assumption sets it, or both (`mixed`).")
    for tier in [t.value for t in TIERS]:
        table = _tier_table(diffs, tier, spec)
        if table is None:
            continue
        r.heading(f"{tier.capitalize()} akims", 3)
        r.table(table)
    first = diffs
    for key in spec.sweep:
        value = sorted(pd.unique(first[key]))[0]
        first = first[first[key] == value]
    for tier in [t.value for t in TIERS]:
        part = first[(first["tier"] == tier) & first["difference"].notna()]
        if part.empty:
            continue
        at = (" at " + ", ".join(_value_text(k, part.iloc[0][k]) for k in spec.sweep)
              if spec.sweep else "")
        fig = paired_differences_figure(part, metrics=[m for m in spec.metrics
                                                       if m in set(part["metric"])],
                                        title=f"{tier.capitalize()} akims{at}")
        r.figure(fig, f"differences_{tier}",
                 f"{tier.capitalize()} akims: each arm minus {spec.reference}{at}")
    if spec.sweep and pd.api.types.is_numeric_dtype(diffs[spec.sweep[0]]):
        r.heading(f"Against {spec.sweep[0]}")
        r.figure(effect_figure(diffs, spec), "effect_against_parameter",
                 f"How the difference moves with {spec.sweep[0]}")
    if "region_differences" in tables:
        _regions_section(r, tables["region_differences"], spec,
                         map_metric(tables["differences"], spec))
    r.heading("Reproduce")
    r.text("The exact commands (run from the project folder):")
    r.code("\n".join(spec.commands))
    r.text("Tables: `metrics_by_seed.csv` (every measure per seed and arm), "
           "`differences.csv`, and per region `region_differences.csv`; all of them as "
           "sheets of `tables.xlsx`. Each measure is explained by `akimsim glossary`.")
    return r


def map_metric(diffs: pd.DataFrame, spec: Comparison) -> str:
    """The measure the regions' map shows: ``spec.map_metric``, or with "auto" the
    emergent measure with the largest difference whose interval leaves out zero
    (turnout when none does)."""
    if spec.map_metric != "auto":
        return spec.map_metric
    d = diffs[((diffs["ci_low"] > 0) | (diffs["ci_high"] < 0))
              & (diffs["metric"].map(_origin) == "emerges")
              & diffs["metric"].isin(REGION_METRICS)]
    if d.empty:
        return "turnout"
    largest = int(np.argmax(d["difference"].abs().to_numpy(dtype=np.float64)))
    return str(d["metric"].iloc[largest])


def _regions_section(r: Report, diffs: pd.DataFrame, spec: Comparison,
                     metric: str) -> None:
    part = diffs[(diffs["metric"] == metric) & diffs["difference"].notna()]
    if part.empty:
        return
    at = (" at " + ", ".join(f"the first value of {k}" for k in spec.sweep)
          if spec.sweep else "")
    r.heading("By region")
    r.text(f"{glossary.label(metric).capitalize()}: each arm minus {spec.reference} per "
           f"region{at} (all the region's units of the tier).")
    from akimsim.analysis.regions import tile_map

    for arm in spec.arms[1:]:
        for tier in [t.value for t in TIERS]:
            p = part[(part["arm"] == arm) & (part["tier"] == tier)]
            if p.empty:
                continue
            values = pd.Series(p["difference"].to_numpy(dtype=np.float64),
                               index=p["region_id"].to_numpy())
            fig = tile_map(values, title=f"{arm} − {spec.reference}: "
                           f"{glossary.label(metric)}, {tier} akims",
                           label="paired difference", diverging=True, fmt="{:+.3f}")
            r.figure(fig, f"regions_{arm}_{tier}_{metric}".replace(" ", "_"),
                     f"{glossary.label(metric)}, {tier} akims, {arm} minus "
                     f"{spec.reference}, by region")
            table = pd.DataFrame({
                "region": p["region_name"].to_numpy(),
                spec.reference: [_fmt(v) for v in p["mean_reference"]],
                arm: [_fmt(v) for v in p["mean_arm"]],
                "difference (95 %)": [_interval(row) for _, row in p.iterrows()],
                "pairs": p["pairs"].to_numpy()})
            r.heading(f"{tier.capitalize()} akims, {arm}", 3)
            r.table(table.sort_values("region"))


def write_comparison(contests: pd.DataFrame, offices: pd.DataFrame, spec: Comparison,
                     out: str | Path) -> dict[str, Any]:
    """Analyse, then write ``report.md``, ``report.html`` (self-contained), the figures,
    every table as CSV and ``tables.xlsx`` into ``out``. Returns the tables and paths."""
    tables = analyse(contests, offices, spec)
    report = build_report(tables, spec)
    root = Path(out)
    paths = report.write(root, "report")
    paths += write_tables(tables, root)
    return {"tables": tables, "paths": paths, "report": report}

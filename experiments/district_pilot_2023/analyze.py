"""District pilot 2023: the 45 districts that elect their akims against those appointed.

Reads the jobs of ``akimsim -m experiment=district_pilot_2023`` and writes, beside this
script (or into ``--out``):

- ``metrics_by_seed.csv``: district-tier metrics per seed and group (pilot = elected
  from 2023, others = appointed), pooled over 2023-2030;
- ``paired_differences.csv`` and ``results.md``: pilot minus appointed, paired on the
  seed, with 95 % intervals; ``pilot_elections.csv``: the pilot's own popular votes;
- ``paired_differences.png`` and ``pilot_over_time.png`` (both groups per year, the
  pilot districts' years before 2023 included, so the break shows).

    python experiments/district_pilot_2023/analyze.py multirun/district_pilot_2023
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from akimsim.analysis import (
    METRIC_LABELS,
    markdown_table,
    mean_ci,
    paired_differences,
    pooled_metrics,
)
from akimsim.plots import groups_over_time_figure, paired_differences_figure
from akimsim.sweep import load_sweep

HERE = Path(__file__).resolve().parent
PILOT_YEAR = 2023
#: what only the pilot districts have: popular votes
POPULAR = ["turnout", "candidates_per_seat", "enc", "margin", "dominant_winner_share",
           "self_nominated_winner_share", "no_winner_share"]
METRICS = ["turnout", "enc", "margin", "winner_median_distance", "retained_share",
           "retention_record_corr", "new_akim_share", "dominant_winner_share",
           "focus_on_voters", "loyalty_shown", "performance"]


def label_groups(frame: pd.DataFrame, pilot: pd.DataFrame) -> pd.DataFrame:
    """Add ``group`` ("pilot" or "appointed") by (seed, unit_id) membership."""
    keys = pd.MultiIndex.from_frame(frame[["seed", "unit_id"]])
    members = pd.MultiIndex.from_frame(pilot[["seed", "unit_id"]])
    return frame.assign(group=np.where(keys.isin(members), "pilot", "appointed"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sweep_dir", help="the sweep folder (hydra.sweep.dir)")
    parser.add_argument("--out", default=str(HERE), help="where to write tables and figures")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    tables = load_sweep(args.sweep_dir, ("contests", "offices"))
    contests = tables["contests"]
    offices = tables["offices"]
    contests = contests[contests["tier"] == "district"]
    offices = offices[offices["tier"] == "district"]
    last = int(offices["year"].max())
    pilot = offices[(offices["year"] == last) & (offices["unit_regime"] == "direct")][
        ["seed", "unit_id"]].drop_duplicates()
    sizes = pilot.groupby("seed").size()
    contests = label_groups(contests, pilot)
    offices = label_groups(offices, pilot)

    per_seed = pooled_metrics(contests, offices, by=["seed", "group"], years=(PILOT_YEAR, last))
    per_seed.to_csv(out / "metrics_by_seed.csv", index=False, float_format="%.6g")
    diffs = paired_differences(per_seed, "group", "appointed", metrics=METRICS)
    diffs.to_csv(out / "paired_differences.csv", index=False, float_format="%.6g")
    seeds = per_seed["seed"].nunique()
    fig = paired_differences_figure(
        diffs, METRICS, title=f"District akims {PILOT_YEAR}-{last}: the 45 elected in the pilot "
        f"against the appointed ({seeds} seeds)")
    fig.savefig(out / "paired_differences.png", dpi=120, metadata={"Software": None})

    yearly = pooled_metrics(contests, offices, by=["seed", "year", "group"])
    yearly = yearly[yearly["year"] >= PILOT_YEAR - 5]
    fig2 = groups_over_time_figure(
        yearly, ["focus_on_voters", "loyalty_shown", "performance", "retained_share"],
        group="group", title="District akims: pilot districts against the others, by year")
    fig2.savefig(out / "pilot_over_time.png", dpi=120, metadata={"Software": None})

    shown = diffs.assign(label=diffs["metric"].map(METRIC_LABELS))[
        ["label", "mean_reference", "mean_arm", "difference", "ci_low", "ci_high", "pairs",
         "p_value"]].rename(columns={"mean_reference": "appointed", "mean_arm": "pilot"})
    pilot_rows = []
    pilot_seed = per_seed[per_seed["group"] == "pilot"]
    for m in POPULAR:
        mean, lo, hi = mean_ci(pilot_seed[m].to_numpy())
        pilot_rows.append({"label": METRIC_LABELS[m], "mean": mean, "ci_low": lo,
                           "ci_high": hi})
    first = pooled_metrics(contests[contests["group"] == "pilot"], offices.iloc[:0],
                           by=["seed"], years=(PILOT_YEAR, PILOT_YEAR))
    for m in ("turnout", "candidates_per_seat", "dominant_winner_share"):
        mean, lo, hi = mean_ci(first[m].to_numpy())
        pilot_rows.append({"label": f"{METRIC_LABELS[m]} (the {PILOT_YEAR} pilot elections)",
                           "mean": mean, "ci_low": lo, "ci_high": hi})
    pilot_table = pd.DataFrame(pilot_rows)
    pilot_table.to_csv(out / "pilot_elections.csv", index=False, float_format="%.6g")
    all_units = int(offices[offices["year"] == last].groupby("seed").size().iloc[0])
    text = [
        f"# District pilot 2023: results ({seeds} seeds, district tier, {PILOT_YEAR}-{last})",
        "", "Generated by `analyze.py`; do not edit by hand.", "",
        f"Pilot districts per seed: {int(sizes.min())}-{int(sizes.max())}; districts and "
        f"regional cities in all: {all_units}.",
        "", "Pilot minus appointed, paired on the seed (95 % t interval):", "",
        markdown_table(shown), "",
        f"The pilot districts' popular votes, {PILOT_YEAR}-{last} (mean over seeds, 95 % "
        "t interval):", "", markdown_table(pilot_table), "",
    ]
    (out / "results.md").write_text("\n".join(text))
    print("\n".join(text))


if __name__ == "__main__":
    main()

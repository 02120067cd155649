"""The model under the comparisons the studies of docs/sources.md#studies make, same seeds.

    python scripts/evidence_comparison.py [--seeds 10] [--workers 2]
        [--out experiments/evidence] [OVERRIDE ...]

Each comparison is a paired difference between two configurations of the default model
(seeds 0..N-1, common random numbers) or a correlation within one, measured on the run's
tables over a window of years, at 10 % of the voters unless an override says otherwise:

- rural akims elected by citizens against appointed (the rural tier pinned, 2017-2030;
  the regime_comparison experiment's arms): services (performance), mandated tasks
  (loyalty shown), competence of whom is selected, retention and how it follows the record;
- rural akims elected by citizens against elected by councils (the same window);
- appointed district akims, 2013-2024 (the default timeline): how retention follows the
  votes delivered and how it follows the record;
- district councils elected in 2028 under appointed against directly elected district
  akims (the district tier pinned): the dominant party's share of the seats;
- appointed rural akims: performance against tenure (years in office).

Writes ``comparisons.csv`` (one row per comparison: mean, sd over seeds, 95 % interval of
the mean, the seeds) and ``comparisons.md``; docs/evidence.md sets them beside the
studies.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Measure:
    """A replica measure (picklable): what the comparisons read of one run."""

    def __call__(self, model: Any) -> dict[str, float]:
        from akimsim.analysis.pooled import contest_metrics, office_metrics

        contests, offices = model.contest_table(), model.office_table()
        out: dict[str, float] = {}
        rural_c = contests[(contests.tier == "rural") & contests.year.between(2017, 2030)]
        rural_o = offices[(offices.tier == "rural") & offices.year.between(2017, 2030)]
        for k, v in (contest_metrics(rural_c) | office_metrics(rural_o)).items():
            out[f"rural_{k}"] = v
        dist_c = contests[(contests.tier == "district") & (contests.regime == "appointment")
                          & contests.year.between(2013, 2024)]
        for k, v in contest_metrics(dist_c).items():
            out[f"district_appointed_{k}"] = v
        councils = model.council_table()
        d2028 = councils[(councils.year == 2028) & (councils.tier == "district")] \
            if "tier" in councils else councils[councils.year == 2028]
        out["district_councils_2028_dominant_share"] = float(
            (d2028.dominant_seat_share * d2028.filled).sum() / max(d2028.filled.sum(), 1))
        appointed = rural_o[rural_o.selected_by == "appointment"]
        ok = appointed.tenure > 0
        out["rural_appointed_tenure_performance_corr"] = float(
            np.corrcoef(appointed.tenure[ok], appointed.performance[ok])[0, 1]) \
            if ok.sum() > 2 else float("nan")
        return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("overrides", nargs="*", help="added to every configuration")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "experiments" / "evidence")
    args = ap.parse_args(argv)

    from akimsim.edge.hydra import compose
    from akimsim.replicas import run_replicas, seeds_of

    base = ["territory=kazakhstan_sample", *args.overrides]
    arms = {
        "default": [],
        "rural_direct": ["experiment=regime_comparison", "regimes.rural=direct"],
        "rural_appointed": ["experiment=regime_comparison", "regimes.rural=appointment"],
        "rural_indirect": ["experiment=regime_comparison", "regimes.rural=indirect"],
        "districts_appointed": ["regimes.district=appointment"],
        "districts_direct": ["regimes.district=direct"],
    }
    seeds = list(range(args.seeds))
    results: dict[str, list[dict[str, float]]] = {}
    for name, extra in arms.items():
        cfg = compose(*base, *extra)
        cfg.output.progress = False
        results[name] = run_replicas(seeds_of(cfg, seeds), Measure(), workers=args.workers)
        print(f"{name}: done", flush=True)

    def paired(a: str, b: str, key: str) -> np.ndarray:
        return np.array([ra[key] - rb[key] for ra, rb in zip(results[a], results[b],
                                                              strict=True)])

    def within(a: str, key: str) -> np.ndarray:
        return np.array([r[key] for r in results[a]])

    rows = []
    for metric in ("performance", "loyalty_shown", "competence", "retained_share",
                   "retention_record_corr", "focus_on_voters", "dominant_winner_share"):
        rows.append(("rural direct - appointed, 2017-2030", metric,
                     paired("rural_direct", "rural_appointed", f"rural_{metric}")))
        rows.append(("rural direct - council-elected, 2017-2030", metric,
                     paired("rural_direct", "rural_indirect", f"rural_{metric}")))
    for metric in ("retention_delivery_corr", "retention_record_corr"):
        rows.append(("appointed district akims, 2013-2024 (default timeline)", metric,
                     within("default", f"district_appointed_{metric}")))
    rows.append(("district councils of 2028: appointed - direct district akims",
                 "dominant party's seat share",
                 paired("districts_appointed", "districts_direct",
                        "district_councils_2028_dominant_share")))
    rows.append(("appointed rural akims, 2017-2030 (rural tier appointed)",
                 "corr(tenure, performance)",
                 within("rural_appointed", "rural_appointed_tenure_performance_corr")))
    table = []
    for comparison, metric, values in rows:
        v = values[np.isfinite(values)]
        mean = float(v.mean()) if v.size else float("nan")
        sd = float(v.std(ddof=1)) if v.size > 1 else float("nan")
        half = 1.96 * sd / np.sqrt(v.size) if v.size > 1 else float("nan")
        table.append({"comparison": comparison, "metric": metric, "mean": mean, "sd": sd,
                      "low": mean - half, "high": mean + half, "seeds": int(v.size)})
    frame = pd.DataFrame(table)
    args.out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out / "comparisons.csv", index=False)
    (args.out / "comparisons.md").write_text(
        "Written by `python scripts/evidence_comparison.py "
        f"--seeds {args.seeds}{' ' + ' '.join(args.overrides) if args.overrides else ''}` "
        f"(territory=kazakhstan_sample, seeds 0-{args.seeds - 1}; paired differences over "
        "seeds, 95 % interval of the mean)\n\n" + frame.round(3).to_markdown(index=False) + "\n")
    print(frame.round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

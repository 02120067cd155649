"""What each of issue 14's mechanisms does to the headline findings, same seeds.

    python scripts/mechanism_effects.py [--seeds 6] [--workers 2] [--out experiments/mechanisms]
        [OVERRIDE ...]

For every headline of ``data/headlines.yaml`` (a paired difference between two arms of
an experiment, e.g. rural direct minus rural appointed), the mean over the seeds under:

- ``previous``: ``scenario=thin_behaviour`` (the behaviour before issue 14, with the
  values calibrated for it);
- ``previous + M``: that, with mechanism M switched to its issue-14 option (one at a
  time);
- ``new - M``: the defaults (every mechanism on, the values calibrated for them), with
  M switched back to its previous option;
- ``new``: the defaults.

Every configuration runs the same seeds (common random numbers), so a row's difference
from ``previous`` (or from ``new``) is the mechanism's effect on the finding, not noise
between seeds; the seed-to-seed spread is in ``effects_by_seed.csv``. Writes
``effects.csv`` (one row per configuration and headline: mean, sd over seeds, 95 %
interval of the mean), ``effects_by_seed.csv``, ``effects.md`` and ``effects.png``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

#: each mechanism: its issue-14 option and its previous one (Hydra overrides)
MECHANISMS: dict[str, tuple[list[str], list[str]]] = {
    "turnout in context": (["behaviour.voters.turnout_mode=context"],
                           ["behaviour.voters.turnout_mode=fixed"]),
    "belief about competence": (["behaviour.voters.retrospection=belief"],
                                ["behaviour.voters.retrospection=record"]),
    "strategic entry": (["behaviour.candidates.entry=strategic"],
                        ["behaviour.candidates.entry=fixed"]),
    "renomination": (["behaviour.appointers.renomination=true"],
                     ["behaviour.appointers.renomination=false"]),
    "career effort": (["behaviour.akims.effort=career"], ["behaviour.akims.effort=formula"]),
    "appointers see signals": (["behaviour.appointers.observation=signals"],
                               ["behaviour.appointers.observation=exact"]),
    "mobilisation": (["behaviour.akims.mobilisation=0.3"], ["behaviour.akims.mobilisation=0"]),
}
#: options that are not defaults: their effect is shown switched on from both ends
OPTIONS: dict[str, list[str]] = {
    "turnout learning (option)": ["behaviour.voters.learning=aspiration"],
    "managed registration (option)": ["behaviour.candidates.registration=managed",
                                      "behaviour.candidates.managed_filter=3",
                                      "behaviour.candidates.technical_rate=0.5"],
}


def configurations() -> dict[str, list[str]]:
    """Every configuration's overrides, by name."""
    out: dict[str, list[str]] = {"previous": ["scenario=thin_behaviour"]}
    for name, (on, _off) in MECHANISMS.items():
        out[f"previous + {name}"] = ["scenario=thin_behaviour", *on]
    for name, on in OPTIONS.items():
        out[f"previous + {name}"] = ["scenario=thin_behaviour", *on]
    out["new"] = []
    for name, (_on, off) in MECHANISMS.items():
        out[f"new - {name}"] = off
    for name, on in OPTIONS.items():
        out[f"new + {name}"] = on
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("overrides", nargs="*", help="added to every configuration")
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", nargs="*", help="run only these configurations (names)")
    ap.add_argument("--out", type=Path, default=ROOT / "experiments" / "mechanisms")
    args = ap.parse_args(argv)

    from akimsim.calibration.sensitivity import PooledMeasure, load_headlines
    from akimsim.edge.sensitivity import setups
    from akimsim.replicas import run_replicas, seeds_of

    headlines = load_headlines()
    seeds = list(range(args.seeds))
    configs = configurations()
    if args.only:
        configs = {k: v for k, v in configs.items() if k in args.only}
    rows = []
    t0 = time.perf_counter()
    for name, overrides in configs.items():
        for setup in setups(headlines, [*overrides, *args.overrides]):
            windows = tuple(sorted({(h.tier, *h.years) for h in setup.headlines}))
            arms = sorted(setup.arms)
            runs = [c for arm in arms for c in seeds_of(setup.arms[arm], seeds)]
            got = run_replicas(runs, PooledMeasure(windows), workers=args.workers)
            by_arm = {arm: got[i * len(seeds):(i + 1) * len(seeds)] for i, arm in enumerate(arms)}
            for h in setup.headlines:
                w = (h.tier, *h.years)
                for j, seed in enumerate(seeds):
                    diff = by_arm[h.treatment][j][w][h.metric] - by_arm[h.reference][j][w][h.metric]
                    rows.append({"configuration": name, "headline": h.name, "claim": h.claim,
                                 "seed": seed, "difference": diff})
        print(f"{name}: done ({time.perf_counter() - t0:.0f} s)", flush=True)
    by_seed = pd.DataFrame(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    by_seed.to_csv(args.out / "effects_by_seed.csv", index=False)
    summary = (by_seed.groupby(["configuration", "headline"], sort=False)["difference"]
               .agg(["mean", "std", "count"]).reset_index())
    half = 1.96 * summary["std"] / np.sqrt(summary["count"])
    summary["low"], summary["high"] = summary["mean"] - half, summary["mean"] + half
    summary.to_csv(args.out / "effects.csv", index=False)
    table = summary.pivot(index="configuration", columns="headline", values="mean")
    table = table.loc[list(dict.fromkeys(summary["configuration"]))]
    (args.out / "effects.md").write_text(
        f"Mean paired differences over seeds {seeds[0]}-{seeds[-1]} "
        f"({' '.join(args.overrides) or 'no extra overrides'}); written by "
        "scripts/mechanism_effects.py\n\n" + table.round(3).to_markdown() + "\n")
    _figure(summary, args.out / "effects.png")
    print(table.round(3).to_string())
    return 0


def _figure(summary: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    heads = list(dict.fromkeys(summary["headline"]))
    names = list(dict.fromkeys(summary["configuration"]))
    fig, axes = plt.subplots(1, len(heads), figsize=(3.2 * len(heads), 0.32 * len(names) + 1.5),
                             sharey=True)
    for ax, head in zip(np.atleast_1d(axes), heads, strict=True):
        part = summary[summary["headline"] == head].set_index("configuration").loc[names]
        y = np.arange(len(names))
        ax.errorbar(part["mean"], y, xerr=[part["mean"] - part["low"], part["high"] - part["mean"]],
                    fmt="o", color="tab:blue", ms=4)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_title(head.replace("_", " "), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
    fig.suptitle("Headline differences under each configuration (mean and 95 % interval over seeds)",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=130)


if __name__ == "__main__":
    sys.exit(main())

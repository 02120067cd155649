"""Compare the first direct rural elections (2021-2022) with the observed figures.

    python scripts/calibrate_2021.py [--scale 0.1] [--admin 1.2 ...] [--seed 0]

Runs Kazakhstan's reform timeline to 2022 and prints simulated figures of the rural
direct races of 2021-2022 beside the observed ones (docs/sources.md#rural-direct-2021). A quick check
used to hand-set ``behaviour.voters.admin_support``; the proper experiment with
confidence intervals over seeds is issue 4's ``reform_2021``.
"""

from __future__ import annotations

import argparse

import pandas as pd

from akimsim import AkimModel, RunConfig, kazakhstan_reform
from akimsim.config import TerritoryConfig

OBSERVED = {
    "turnout": "0.791 (25 Jul 2021)",
    "candidates_per_seat": "3.15 (2021)",
    "self_nominated_share_of_candidates": "0.618 (2021)",
    "rejected_nominees": "0.11 (2021)",
    "dominant_party_winners": "0.75-0.86 (2021)",
    "self_nominated_winners": "0.25 (Aug 2023 running total)",
    "new_akims": "0.556 (Jul 2022) - 0.574 (Aug 2023)",
}


def simulate(scale: float, admin: float, seed: int) -> dict[str, float]:
    cfg = RunConfig(seed=seed, regimes=kazakhstan_reform(), end_year=2022,
                    territory=TerritoryConfig(scale=scale))
    cfg.behaviour.voters.admin_support = admin
    cfg.output.progress = False
    c = AkimModel(cfg).run().contest_table()
    races = c[(c.tier == "rural") & (c.regime == "direct")]
    won = races[races.winner_id >= 0]
    nominations = races.candidate_nominations.explode()
    dominant = next(p.name for p in cfg.behaviour.parties if p.dominant)
    return {
        "races": float(len(races)),
        "turnout": races.ballots.sum() / races.electorate.sum(),
        "candidates_per_seat": races.n_candidates.mean(),
        "self_nominated_share_of_candidates": (nominations == "self").mean(),
        "rejected_nominees": 1 - races.n_candidates.sum() / races.nominated.sum(),
        "dominant_party_winners": (won.winner_party == dominant).mean(),
        "self_nominated_winners": (won.winner_nomination == "self").mean(),
        "new_akims": (~races.incumbent_reelected).mean(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--admin", type=float, nargs="+", default=[1.2])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    columns = {f"admin_support={a}": simulate(args.scale, a, args.seed) for a in args.admin}
    table = pd.DataFrame(columns)
    table["observed"] = pd.Series(OBSERVED)
    with pd.option_context("display.float_format", "{:.3f}".format, "display.width", 140):
        print(table)


if __name__ == "__main__":
    main()

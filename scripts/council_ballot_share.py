"""How much the councils' sampled ballots change who wins (docs/model.md, section 7.4).

    python scripts/council_ballot_share.py [--share 0.25] [--year 2016] [--seed 0]

Elects the national councils of ``--year`` twice on the same voters, candidates and
turnout: counting the sample of ``--share`` of the ballots (the default) and counting
every ballot. Prints how many single-member-district winners differ, how many seats
change party and the dominant party's share of the deputies under each.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np

from akimsim.config import RunConfig
from akimsim.elections.councils import elect_councils
from akimsim.model import AkimModel
from akimsim.streams import Purpose


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--share", type=float, default=0.25)
    parser.add_argument("--year", type=int, default=2016)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    cfg = RunConfig(seed=args.seed, end_year=2013)
    model = AkimModel(cfg)
    units = np.array(sorted(model.maslikhats), dtype=np.int64)
    b = cfg.behaviour
    out = {}
    for share in (args.share, 1.0):
        rules = replace(b.maslikhats, ballot_share=share)
        out[share] = elect_councils(args.year, units,
                                    model.streams.keys(Purpose.maslikhats, args.year, units),
                                    model.territory, model.population, rules, b.voters,
                                    b.candidates, cfg.rule, model.parties, model.dominant)
    sample, full = out[args.share], out[1.0]
    same = total = 0
    for (xa, _, ha), (xc, _, hc) in zip(sample.deputies, full.deputies, strict=True):
        a = set(map(tuple, np.round(xa[ha == 1], 9)))  # a district winner's platform
        c = set(map(tuple, np.round(xc[hc == 1], 9)))
        same += len(a & c)
        total += len(c)
    by_a = np.array(sample.rows["seats_by_party"])
    by_c = np.array(full.rows["seats_by_party"])
    moved = (np.abs(by_a - by_c).sum() + np.abs(np.array(sample.rows["non_party_seats"])
                                                 - np.array(full.rows["non_party_seats"])).sum()) / 2
    filled_a, filled_c = sum(sample.rows["filled"]), sum(full.rows["filled"])
    print(f"district winners: {total - same} of {total} differ ({(total - same) / total:.1%})")
    print(f"seats changing party (net, per council): {moved:.0f} of {filled_c} "
          f"({moved / filled_c:.1%})")
    d = model.dominant
    print(f"dominant party's share of the deputies: {by_a[:, d].sum() / filled_a:.3f} "
          f"(share {args.share}) against {by_c[:, d].sum() / filled_c:.3f} (every ballot)")


if __name__ == "__main__":
    main()

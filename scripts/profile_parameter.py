"""A one-parameter profile of calibration targets: their means over seeds at each value.

    python scripts/profile_parameter.py PATH V1,V2,... [--targets FILE] [--seeds 4]
        [--end-year YEAR] [OVERRIDE ...]

Runs the default config (with the overrides) at every value of the schema path PATH on
seeds 0..N-1 (common random numbers) and prints, per value, each calibration target's
mean and its standard error over seeds. Used in issue 13 to see where the 2013 council
target stops responding to ``maslikhats.follow_nominator``.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from akimsim.calibration.params import Param, apply
from akimsim.calibration.targets import DEFAULT_TARGETS, load_targets, select_roles
from akimsim.calibration.validation import simulate
from akimsim.edge.hydra import compose


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("values")
    parser.add_argument("--targets", default=str(DEFAULT_TARGETS))
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--end-year", type=int, default=None)
    parser.add_argument("overrides", nargs="*")
    args = parser.parse_args()
    targets = select_roles(load_targets(args.targets), ["calibration"])
    base = compose(*args.overrides)
    if args.end_year is not None:
        base.end_year = args.end_year
    targets = [t for t in targets if t.years[1] <= base.end_year]
    param = Param(args.path, -1e9, 1e9, "a profile")
    rows = []
    for value in (float(v) for v in args.values.split(",")):
        cfg = apply(base, [param], np.array([value]))
        runs = simulate(cfg, targets, range(args.seeds), workers=2)
        for t in targets:
            x = runs[t.name].to_numpy(dtype=float)
            rows.append({"value": value, "target": t.name, "mean": x.mean(),
                         "se": x.std(ddof=1) / np.sqrt(len(x))})
    table = pd.DataFrame(rows).pivot(index="value", columns="target", values=["mean", "se"])
    print(table.round(4).to_markdown())


if __name__ == "__main__":
    main()

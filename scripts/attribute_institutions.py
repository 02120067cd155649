"""Which of issue 13's institutions moved the rural indirect arm of regime_comparison.

    python scripts/attribute_institutions.py [--seeds 20] [--workers 2]

Runs the experiment's indirect arm (rural akims elected by the district councils every
year, regions and districts appointed, Kazakhstan at 10 %, 2013-2030; the same seeds as
the experiment) with the defaults, then with one of issue 13's mechanisms switched back
to its previous behaviour at a time, and finally with all of them (the institutions
of ``scenario=stylised_institutions``). Prints the mean over seeds of the experiment's
metrics (rural tier, 2017-2030) for each variant, as a Markdown table. The appointment
and direct arms do not depend on these mechanisms (their paired difference did not
move), so the indirect arm alone tells where its change came from.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

import pandas as pd

from akimsim.analysis import COMPARISON_METRICS, pooled_metrics
from akimsim.config import CouncilComposition, RegimeName, RunConfig, TerritoryConfig
from akimsim.model import AkimModel
from akimsim.replicas import run_replicas


def base(seed: int) -> RunConfig:
    cfg = RunConfig(seed=seed, start_year=2013, end_year=2030,
                    territory=replace(TerritoryConfig(), scale=0.1))
    cfg.regimes = replace(cfg.regimes, region=RegimeName.appointment,
                          district=RegimeName.appointment, rural=RegimeName.indirect)
    cfg.output.progress = False
    cfg.output.figures = False
    return cfg


def drawn(cfg: RunConfig) -> RunConfig:
    m = replace(cfg.behaviour.maslikhats, composition=CouncilComposition.drawn,
                size_region=33, size_city=21, size_district=12, size_elasticity=0.0)
    return replace(cfg, behaviour=replace(cfg.behaviour, maslikhats=m))


def no_departures(cfg: RunConfig) -> RunConfig:
    a = replace(cfg.behaviour.akims, departure_rate=0.0)
    return replace(cfg, behaviour=replace(cfg.behaviour, akims=a))


def two_nominees(cfg: RunConfig) -> RunConfig:
    ap = replace(cfg.behaviour.appointers, nominees_mean=0.0)
    return replace(cfg, behaviour=replace(cfg.behaviour, appointers=ap))


def no_line(cfg: RunConfig) -> RunConfig:
    m = replace(cfg.behaviour.maslikhats, follow_nominator=0.0)
    return replace(cfg, behaviour=replace(cfg.behaviour, maslikhats=m))


def yes_no_consent(cfg: RunConfig) -> RunConfig:
    ap = replace(cfg.behaviour.appointers, consent_choice_from=None)
    return replace(cfg, behaviour=replace(cfg.behaviour, appointers=ap))


VARIANTS: dict[str, Any] = {
    "issue 13 defaults": lambda c: c,
    "councils drawn (33/21/12 seats)": drawn,
    "no departures": no_departures,
    "exactly two nominees": two_nominees,
    "no nominator's line": no_line,
    "yes/no consent in every year": yes_no_consent,
    "all five (stylised_institutions)": lambda c: yes_no_consent(no_line(two_nominees(
        no_departures(drawn(c))))),
}


def measure(model: AkimModel) -> pd.DataFrame:
    contests = model.contest_table()
    offices = model.office_table()
    contests = contests[contests["tier"] == "rural"].assign(seed=model.cfg.seed)
    offices = offices[offices["tier"] == "rural"].assign(seed=model.cfg.seed)
    return pooled_metrics(contests, offices, by=["seed"], years=(2017, 2030))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rows = []
    for name, change in VARIANTS.items():
        configs = [change(base(s)) for s in range(args.seeds)]
        per_seed = pd.concat(run_replicas(configs, measure, workers=args.workers))
        means = per_seed[list(COMPARISON_METRICS)].mean()
        rows.append({"variant": name, **means.round(3).to_dict()})
    table = pd.DataFrame(rows).set_index("variant")
    print(table.T.to_markdown())


if __name__ == "__main__":
    main()

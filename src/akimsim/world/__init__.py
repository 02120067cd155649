"""The world a run stands on: the territory (units and their electorates, read from a
table in three steps) and the population (every voter as arrays).

Imports the config, the kernels and the random streams; never the agents, the elections,
the regimes, the model or the edge.
"""

from akimsim.world.population import Population, build_population, party_supporters
from akimsim.world.table import TerritoryError
from akimsim.world.territory import (
    Territory,
    build_territory,
    load_territory_file,
    synthetic_territory,
    territory_from_table,
)

__all__ = [
    "Population",
    "Territory",
    "TerritoryError",
    "build_population",
    "build_territory",
    "load_territory_file",
    "party_supporters",
    "synthetic_territory",
    "territory_from_table",
]

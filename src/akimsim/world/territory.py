"""The hierarchy region -> district -> rural unit as integer index arrays.

Units are stored in depth-first pre-order, and every unit's "own" voters (those who
live in it but in none of its children) come just before its children's. The
population is sorted the same way, so the whole electorate of any unit, at any tier,
is one contiguous slice ``start[u]:stop[u]`` of the voter arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from akimsim.config import TerritoryConfig, TerritorySource, Tier
from akimsim.world.table import (
    TerritoryError,
    check_hierarchy,
    order_units,
    parse_rows,
    read_table,
)


@dataclass(frozen=True)
class Territory:
    """Units of government in depth-first order, with their electorates.

    Arrays (length ``n_units``): ``tier`` int8 (0 region, 1 district, 2 rural),
    ``parent`` int32 (-1 for regions), ``voters`` int64 (whole electorate of the
    unit), ``own_voters`` int64, ``start``/``stop`` int64 (the unit's slice of the
    unit-sorted voter arrays), ``region`` int32 (the region a unit lies in).
    """

    unit_id: tuple[str, ...]
    name: tuple[str, ...]
    kind: tuple[str, ...]
    tier: np.ndarray
    parent: np.ndarray
    voters: np.ndarray
    own_voters: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    region: np.ndarray
    label: str = "territory"

    @property
    def n_units(self) -> int:
        return len(self.unit_id)

    @property
    def n_voters(self) -> int:
        return int(self.own_voters.sum())

    def units_of(self, tier: Tier | str) -> np.ndarray:
        """Indices of the units of one tier, in storage order (int64)."""
        return np.flatnonzero(self.tier == Tier(tier).code)

    def tier_of(self, unit: int) -> Tier:
        return Tier.from_code(int(self.tier[unit]))

    def children(self, unit: int) -> np.ndarray:
        return np.flatnonzero(self.parent == unit)

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: ids, names, tier, parent id and electorate."""
        parent_id = [self.unit_id[p] if p >= 0 else "" for p in self.parent]
        return pd.DataFrame(
            {
                "unit_id": list(self.unit_id),
                "name": list(self.name),
                "tier": [Tier.from_code(t).value for t in self.tier],
                "kind": list(self.kind),
                "parent_id": parent_id,
                "voters": self.voters,
                "own_voters": self.own_voters,
            }
        )


def territory_from_table(
    frame: pd.DataFrame,
    *,
    lines: Sequence[int] | None = None,
    label: str = "territory table",
    scale: float = 1.0,
    min_unit_voters: int = 7,
    rural_size_spread: float = 0.6,
) -> Territory:
    """Validate a unit table and build a :class:`Territory`.

    Rows carry ``unit_id, name, tier, parent_id, voters`` (tier region, district or
    rural; ``voters`` the whole electorate of the unit). District rows may carry
    ``rural_posts`` and ``rural_voters``: that many rural units are created below the
    district, splitting ``rural_voters`` by rule D-split. Three steps
    (:mod:`akimsim.world.table`): parse the rows, check the hierarchy, order the units;
    then scale and assemble. Fails with :class:`TerritoryError` naming the row (file
    line) and the problem.
    """
    rows = parse_rows(frame, lines, label)
    own = check_hierarchy(rows, label)
    units = order_units(rows, own, rural_size_spread, label)
    own_voters = scale_voters(units.own_voters, units.tier, units.parent, scale,
                              min_unit_voters)
    return _assemble(units.unit_id, units.name, units.kind, units.tier, units.parent,
                     own_voters, label)


def scale_voters(own: np.ndarray, tier: np.ndarray, parent: np.ndarray, scale: float,
                 min_unit_voters: int) -> np.ndarray:
    """Each unit's own voters times ``scale``, rounded; rural and childless units keep at
    least ``min(their voters, min_unit_voters)`` so none vanishes (int64[U])."""
    if scale == 1.0:
        return own
    scaled = np.rint(own * scale).astype(np.int64)
    par = parent.astype(np.int64)
    has_kids = np.zeros(len(own), dtype=bool)
    has_kids[par[par >= 0]] = True
    floor_needed = ((tier == Tier.rural.code) | ~has_kids) & (own > 0)
    return np.where(floor_needed, np.maximum(scaled, np.minimum(own, min_unit_voters)), scaled)


def _assemble(
    unit_id: list[str],
    name: list[str],
    kind: list[str],
    tier: np.ndarray,
    parent: np.ndarray,
    own: np.ndarray,
    label: str,
) -> Territory:
    """Compute subtree voter ranges from a depth-first ordered unit list."""
    n = len(unit_id)
    start = np.zeros(n, dtype=np.int64)
    stop = np.zeros(n, dtype=np.int64)
    # In pre-order each unit's own voters come first, then its subtree.
    offsets = np.concatenate(([0], np.cumsum(own))).astype(np.int64)
    start[:] = offsets[:-1]
    # stop: the end of the last descendant; walk backwards accumulating
    stop[:] = offsets[1:]
    for u in range(n - 1, -1, -1):  # per unit, not per voter
        p = parent[u]
        if p >= 0 and stop[u] > stop[p]:
            stop[p] = stop[u]
    region = np.zeros(n, dtype=np.int32)
    for u in range(n):
        region[u] = u if parent[u] < 0 else region[parent[u]]
    voters = stop - start
    if (voters <= 0).any():
        bad = int(np.flatnonzero(voters <= 0)[0])
        raise TerritoryError(f"{label}: unit {unit_id[bad]!r} has no voters after scaling")
    return Territory(
        unit_id=tuple(unit_id),
        name=tuple(name),
        kind=tuple(kind),
        tier=tier,
        parent=parent,
        voters=voters,
        own_voters=own,
        start=start,
        stop=stop,
        region=region,
        label=label,
    )


def load_territory_file(
    path: str | Path | None = None,
    *,
    scale: float = 1.0,
    min_unit_voters: int = 7,
    rural_size_spread: float = 0.6,
) -> Territory:
    """Load and validate a territory CSV; ``None`` loads the shipped Kazakhstan table."""
    frame, lines, label = read_table(path)
    return territory_from_table(frame, lines=lines, label=label, scale=scale,
                                min_unit_voters=min_unit_voters,
                                rural_size_spread=rural_size_spread)


def synthetic_territory(
    *,
    regions: int = 1,
    districts_per_region: int = 1,
    villages_per_district: int = 4,
    voters_per_village: int = 700,
    district_centre_voters: int = 1200,
    region_centre_voters: int = 0,
    rural_size_spread: float = 0.6,
) -> Territory:
    """A small made-up (synthetic) territory for teaching: ``regions`` x ``districts`` x villages.

    Deterministic (no randomness): village sizes follow rule D-split around
    ``voters_per_village``.
    """
    rows = []
    for r in range(1, regions + 1):
        rid = f"SYN{r}" if regions > 1 else "SYN"
        n_d = districts_per_region
        region_voters = region_centre_voters + n_d * (
            district_centre_voters + villages_per_district * voters_per_village
        )
        name = f"Synthetic region {r}" if regions > 1 else "Synthetic region"
        rows.append({"unit_id": rid, "name": name,
                     "tier": Tier.region.value, "parent_id": "", "kind": "oblast",
                     "voters": str(region_voters), "rural_posts": "", "rural_voters": ""})
        for d in range(1, n_d + 1):
            rural = villages_per_district * voters_per_village
            rows.append({"unit_id": f"{rid}-D{d}", "name": f"Synthetic district {r}.{d}"
                         if regions > 1 else f"Synthetic district {d}",
                         "tier": Tier.district.value,
                         "parent_id": rid, "kind": "district",
                         "voters": str(district_centre_voters + rural),
                         "rural_posts": str(villages_per_district), "rural_voters": str(rural)})
    frame = pd.DataFrame(rows)
    terr = territory_from_table(frame, label="synthetic territory",
                                rural_size_spread=rural_size_spread)
    names = [
        n.replace("rural unit", "village") if k == "rural_okrug" else n
        for n, k in zip(terr.name, terr.kind, strict=True)
    ]
    kinds = ["village" if k == "rural_okrug" else k for k in terr.kind]
    return Territory(
        unit_id=terr.unit_id, name=tuple(names), kind=tuple(kinds), tier=terr.tier,
        parent=terr.parent, voters=terr.voters, own_voters=terr.own_voters, start=terr.start,
        stop=terr.stop, region=terr.region, label="synthetic territory",
    )


def build_territory(cfg: TerritoryConfig) -> Territory:
    """The territory a config asks for, scaled by ``cfg.scale``."""
    source = TerritorySource(cfg.source)
    if source == TerritorySource.synthetic:
        terr = synthetic_territory(
            regions=cfg.regions,
            districts_per_region=cfg.districts_per_region,
            villages_per_district=cfg.villages_per_district,
            voters_per_village=cfg.voters_per_village,
            district_centre_voters=cfg.district_centre_voters,
            region_centre_voters=cfg.region_centre_voters,
            rural_size_spread=cfg.rural_size_spread,
        )
        if cfg.scale == 1.0:
            return terr
        return territory_from_table(
            _frame_from_territory(terr), label="synthetic territory", scale=cfg.scale,
            min_unit_voters=cfg.min_unit_voters, rural_size_spread=cfg.rural_size_spread,
        )
    path = None if source == TerritorySource.kazakhstan else cfg.path
    return load_territory_file(path, scale=cfg.scale, min_unit_voters=cfg.min_unit_voters,
                               rural_size_spread=cfg.rural_size_spread)


def _frame_from_territory(terr: Territory) -> pd.DataFrame:
    df = terr.to_frame()
    return pd.DataFrame({
        "unit_id": df["unit_id"], "name": df["name"], "tier": df["tier"], "kind": df["kind"],
        "parent_id": df["parent_id"], "voters": df["voters"].astype(str),
    })

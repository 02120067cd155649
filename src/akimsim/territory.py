"""The hierarchy region -> district -> rural unit as integer index arrays.

Units are stored in depth-first pre-order, and every unit's "own" voters (those who
live in it but in none of its children) come just before its children's. The
population is sorted the same way, so the whole electorate of any unit, at any tier,
is one contiguous slice ``start[u]:stop[u]`` of the voter arrays.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtri

from akimsim.config import TerritoryConfig, TerritorySource, Tier

TIER_CODE: dict[str, int] = {"region": 0, "district": 1, "rural": 2}
TIER_NAME: tuple[str, ...] = ("region", "district", "rural")
REQUIRED_COLUMNS: tuple[str, ...] = ("unit_id", "name", "tier", "parent_id", "voters")
OPTIONAL_COLUMNS: tuple[str, ...] = ("kind", "rural_posts", "rural_voters")


class TerritoryError(ValueError):
    """A territory table is broken; the message names the row and the problem."""


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
        return np.flatnonzero(self.tier == TIER_CODE[Tier(tier).value])

    def tier_name(self, unit: int) -> str:
        return TIER_NAME[int(self.tier[unit])]

    def children(self, unit: int) -> np.ndarray:
        return np.flatnonzero(self.parent == unit)

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: ids, names, tier, parent id and electorate."""
        parent_id = [self.unit_id[p] if p >= 0 else "" for p in self.parent]
        return pd.DataFrame(
            {
                "unit_id": list(self.unit_id),
                "name": list(self.name),
                "tier": [TIER_NAME[t] for t in self.tier],
                "kind": list(self.kind),
                "parent_id": parent_id,
                "voters": self.voters,
                "own_voters": self.own_voters,
            }
        )


# ---------------------------------------------------------------------------
# building from a table


def _split_by_spread(total: int, n: int, spread: float) -> np.ndarray:
    """Split ``total`` voters over ``n`` units (derived rule D-split).

    Sizes are proportional to ``exp(spread * z_k)`` with ``z_k`` the standard-normal
    quantiles at ``(k - 0.5) / n``, rounded by largest remainder so they sum to
    ``total``; with ``total >= n`` every unit gets at least one voter.
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    z = ndtri((np.arange(n) + 0.5) / n)
    weights = np.exp(spread * z)
    base = 1 if total >= n else 0
    rest = total - base * n
    raw = weights / weights.sum() * rest
    sizes = np.floor(raw).astype(np.int64)
    short = int(rest - sizes.sum())
    if short > 0:
        sizes[np.argsort(-(raw - sizes), kind="stable")[:short]] += 1
    return sizes + base


def _data_line_numbers(text: str) -> list[int]:
    """1-based file line numbers of the data rows (after the header) of a CSV."""
    lines = [
        i + 1
        for i, line in enumerate(text.splitlines())
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return lines[1:]


def read_table(path: str | Path | None = None) -> tuple[pd.DataFrame, list[int], str]:
    """Read a territory CSV (the shipped Kazakhstan table when ``path`` is None).

    Returns the table, the file line of each row, and a label for messages.
    """
    if path is None:
        text = resources.files("akimsim.data").joinpath("kazakhstan.csv").read_text("utf-8")
        label = "kazakhstan.csv"
    else:
        p = Path(path)
        if not p.is_file():
            raise TerritoryError(f"territory file {str(p)!r} does not exist")
        text = p.read_text("utf-8")
        label = str(p)
    try:
        frame = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False,
                            skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise TerritoryError(f"{label}: not a readable CSV table ({exc})") from exc
    return frame, _data_line_numbers(text), label


def _int_cell(value: str, where: str, column: str, *, positive: bool) -> int:
    text = value.strip()
    if text == "":
        if positive:
            raise TerritoryError(f"{where}: column {column!r} is empty; expected a whole number")
        return 0
    try:
        number = int(text)
    except ValueError:
        raise TerritoryError(
            f"{where}: column {column!r} = {text!r} is not a whole number"
        ) from None
    if positive and number <= 0:
        raise TerritoryError(f"{where}: column {column!r} = {number}; expected more than zero")
    if number < 0:
        raise TerritoryError(f"{where}: column {column!r} = {number}; expected zero or more")
    return number


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
    district, splitting ``rural_voters`` by rule D-split. Fails with
    :class:`TerritoryError` naming the row (file line) and the problem.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise TerritoryError(
            f"{label}: missing column(s) {missing}; required columns are {list(REQUIRED_COLUMNS)}"
        )
    if len(frame) == 0:
        raise TerritoryError(f"{label}: the table has no units")
    line_of = list(lines) if lines is not None else [i + 2 for i in range(len(frame))]

    def where(i: int, uid: str) -> str:
        return f"{label}, line {line_of[i]} (unit {uid!r})"

    ids: list[str] = []
    index: dict[str, int] = {}
    rows: list[dict[str, object]] = []
    for i, rec in enumerate(frame.to_dict("records")):
        uid = str(rec["unit_id"]).strip()
        if not uid:
            raise TerritoryError(f"{label}, line {line_of[i]}: unit_id is empty")
        if uid in index:
            raise TerritoryError(
                f"{where(i, uid)}: duplicate unit_id, first defined on line {line_of[index[uid]]}"
            )
        tier = str(rec["tier"]).strip()
        if tier not in TIER_CODE:
            raise TerritoryError(
                f"{where(i, uid)}: tier {tier!r} is unknown; allowed: {sorted(TIER_CODE)}"
            )
        index[uid] = i
        ids.append(uid)
        posts = _int_cell(str(rec.get("rural_posts", "")), where(i, uid), "rural_posts",
                          positive=False)
        rural_voters = _int_cell(str(rec.get("rural_voters", "")), where(i, uid), "rural_voters",
                                 positive=False)
        rows.append(
            {
                "uid": uid,
                "name": str(rec["name"]).strip() or uid,
                "tier": tier,
                "kind": str(rec.get("kind", "") or tier).strip() or tier,
                "parent": str(rec["parent_id"]).strip(),
                "voters": _int_cell(str(rec["voters"]), where(i, uid), "voters", positive=True),
                "posts": posts,
                "rural_voters": rural_voters,
            }
        )
    # hierarchy checks
    for i, r in enumerate(rows):
        uid, tier, parent = str(r["uid"]), str(r["tier"]), str(r["parent"])
        if tier == "region":
            if parent:
                raise TerritoryError(f"{where(i, uid)}: a region has no parent, got {parent!r}")
        else:
            if not parent:
                need = "region" if tier == "district" else "district"
                raise TerritoryError(
                    f"{where(i, uid)}: a {tier} unit needs a parent {need}; parent_id is empty"
                )
            if parent not in index:
                raise TerritoryError(f"{where(i, uid)}: unknown parent {parent!r}")
            ptier = rows[index[parent]]["tier"]
            need = "region" if tier == "district" else "district"
            if ptier != need:
                raise TerritoryError(
                    f"{where(i, uid)}: a {tier} unit must lie in a {need}, "
                    f"but parent {parent!r} is a {ptier}"
                )
        posts, rural_voters = int(r["posts"]), int(r["rural_voters"])  # type: ignore[call-overload]
        if tier != "district" and (posts or rural_voters):
            raise TerritoryError(
                f"{where(i, uid)}: rural_posts/rural_voters belong on district rows only"
            )
        if posts and rural_voters < posts:
            raise TerritoryError(
                f"{where(i, uid)}: rural_voters = {rural_voters} is less than rural_posts = "
                f"{posts}; every rural unit needs at least one voter"
            )
        if rural_voters and not posts:
            raise TerritoryError(f"{where(i, uid)}: rural_voters given but rural_posts is 0")

    # children and own voters
    kids: dict[str, list[int]] = {uid: [] for uid in ids}
    for i, r in enumerate(rows):
        if r["parent"]:
            kids[str(r["parent"])].append(i)
    own: dict[str, int] = {}
    for i, r in enumerate(rows):
        uid = str(r["uid"])
        below = sum(int(rows[k]["voters"]) for k in kids[uid])  # type: ignore[call-overload]
        below += int(r["rural_voters"])  # type: ignore[call-overload]
        left = int(r["voters"]) - below  # type: ignore[call-overload]
        if left < 0:
            raise TerritoryError(
                f"{where(i, uid)}: voters = {r['voters']} is less than the {below} voters of the "
                "units below it"
            )
        own[uid] = left

    # depth-first order, expanding rural posts
    unit_id: list[str] = []
    name: list[str] = []
    kind: list[str] = []
    tier_codes: list[int] = []
    parent_idx: list[int] = []
    own_list: list[int] = []

    def add(uid: str, nm: str, kd: str, tr: str, par: int, own_v: int) -> int:
        unit_id.append(uid)
        name.append(nm)
        kind.append(kd)
        tier_codes.append(TIER_CODE[tr])
        parent_idx.append(par)
        own_list.append(own_v)
        return len(unit_id) - 1

    def visit(i: int, par: int) -> None:
        r = rows[i]
        uid = str(r["uid"])
        me = add(uid, str(r["name"]), str(r["kind"]), str(r["tier"]), par, own[uid])
        for k in kids[uid]:
            visit(k, me)
        posts = int(r["posts"])  # type: ignore[call-overload]
        if posts:
            sizes = _split_by_spread(int(r["rural_voters"]), posts, rural_size_spread)  # type: ignore[call-overload]
            for k, size in enumerate(sizes, start=1):
                add(f"{uid}-R{k:03d}", f"{r['name']} rural unit {k}", "rural_okrug", "rural",
                    me, int(size))

    for i, r in enumerate(rows):
        if r["tier"] == "region":
            visit(i, -1)
    if not unit_id:
        raise TerritoryError(f"{label}: the table has no region rows")

    own_arr = np.asarray(own_list, dtype=np.int64)
    tier_arr = np.asarray(tier_codes, dtype=np.int8)
    if scale != 1.0:
        orig = own_arr
        scaled = np.rint(orig * scale).astype(np.int64)
        # rural and childless units keep a floor of voters so none vanishes
        par_arr = np.asarray(parent_idx, dtype=np.int64)
        has_kids = np.zeros(len(orig), dtype=bool)
        has_kids[par_arr[par_arr >= 0]] = True
        floor_needed = ((tier_arr == 2) | ~has_kids) & (orig > 0)
        own_arr = np.where(floor_needed, np.maximum(scaled, np.minimum(orig, min_unit_voters)),
                           scaled)
    return _assemble(unit_id, name, kind, tier_arr, np.asarray(parent_idx, dtype=np.int32),
                     own_arr, label)


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
    """A small made-up territory for teaching: ``regions`` x ``districts`` x villages.

    Deterministic (no randomness): village sizes follow rule D-split around
    ``voters_per_village``.
    """
    rows = []
    for r in range(1, regions + 1):
        rid = f"TOY{r}" if regions > 1 else "TOY"
        n_d = districts_per_region
        region_voters = region_centre_voters + n_d * (
            district_centre_voters + villages_per_district * voters_per_village
        )
        rows.append({"unit_id": rid, "name": f"Toy region {r}" if regions > 1 else "Toy region",
                     "tier": "region", "parent_id": "", "kind": "oblast",
                     "voters": str(region_voters), "rural_posts": "", "rural_voters": ""})
        for d in range(1, n_d + 1):
            rural = villages_per_district * voters_per_village
            rows.append({"unit_id": f"{rid}-D{d}", "name": f"Toy district {r}.{d}"
                         if regions > 1 else f"Toy district {d}", "tier": "district",
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

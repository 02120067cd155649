"""Reading a territory table in three steps: parse its rows, check the hierarchy, order
the units depth first (expanding each district's rural posts).

A table has one row per region, district or city (``unit_id, name, tier, parent_id,
voters`` and optionally ``kind, rural_posts, rural_voters``); every problem is a
:class:`TerritoryError` naming the file line, the unit and what is wrong.
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

from akimsim.config import Tier

REQUIRED_COLUMNS: tuple[str, ...] = ("unit_id", "name", "tier", "parent_id", "voters")
TIER_NAMES: tuple[str, ...] = tuple(t.value for t in Tier)
#: the most voters (or rural posts) one cell may hold: far above any country, far below
#: what overflows the int64 voter arrays
MAX_COUNT = 10**12


class TerritoryError(ValueError):
    """A territory table is broken; the message names the row and the problem."""


@dataclass(frozen=True)
class UnitRow:
    """One parsed row: a unit, where it sits in the table and what it holds."""

    uid: str
    name: str
    tier: Tier
    kind: str
    parent: str  # the parent's unit_id, "" for a region
    voters: int  # the whole electorate of the unit, its children's included
    rural_posts: int  # rural units to create below a district (0: none)
    rural_voters: int  # voters to split across those rural units
    where: str  # "FILE, line N (unit 'ID')" for messages


@dataclass(frozen=True)
class OrderedUnits:
    """Units in depth-first pre-order, each unit's own voters before its children's."""

    unit_id: list[str]
    name: list[str]
    kind: list[str]
    tier: np.ndarray  # int8 tier codes
    parent: np.ndarray  # int32 index of the parent, -1 for regions
    own_voters: np.ndarray  # int64 voters living in the unit but in none of its children


def read_table(path: str | Path | None = None) -> tuple[pd.DataFrame, list[int], str]:
    """Read a territory CSV (the shipped Kazakhstan table when ``path`` is None).

    Returns the table, the file line of each row, and a label for messages.
    """
    if path is None:
        text = resources.files("akimsim.data").joinpath("kazakhstan.csv").read_text("utf-8")
        label = "kazakhstan.csv"
    else:
        p = Path(path)
        if p.is_dir():
            raise TerritoryError(f"territory file {str(p)!r} is a folder, not a CSV file")
        if not p.exists():
            raise TerritoryError(f"territory file {str(p)!r} does not exist")
        label = str(p)
        try:
            text = p.read_text("utf-8")
        except UnicodeDecodeError as exc:
            raise TerritoryError(
                f"{label}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position "
                f"{exc.start}); save the table as UTF-8") from None
        except OSError as exc:
            raise TerritoryError(f"{label}: cannot be read ({exc.strerror})") from None
    try:
        frame = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False,
                            skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise TerritoryError(f"{label}: not a readable CSV table ({str(exc).strip()})"
                             ) from exc
    return frame, _data_line_numbers(text), label


def _data_line_numbers(text: str) -> list[int]:
    """1-based file line numbers of the data rows (after the header) of a CSV."""
    lines = [
        i + 1
        for i, line in enumerate(text.splitlines())
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return lines[1:]


def _int_cell(value: object, where: str, column: str, *, positive: bool) -> int:
    text = str(value).strip()
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
    if number > MAX_COUNT:
        raise TerritoryError(f"{where}: column {column!r} = {number}; expected at most "
                             f"{MAX_COUNT:,}")
    if number < 0:
        raise TerritoryError(f"{where}: column {column!r} = {number}; expected zero or more")
    return number


# --------------------------------------------------------------------------- 1. parse

def parse_rows(frame: pd.DataFrame, lines: Sequence[int] | None, label: str) -> list[UnitRow]:
    """Typed rows of a table: ids present and unique, known tiers, whole numbers."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise TerritoryError(
            f"{label}: missing column(s) {missing}; required columns are {list(REQUIRED_COLUMNS)}"
        )
    if len(frame) == 0:
        raise TerritoryError(f"{label}: the table has no units")
    line_of = list(lines) if lines is not None else [i + 2 for i in range(len(frame))]
    first_line: dict[str, int] = {}
    rows: list[UnitRow] = []
    for i, rec in enumerate(frame.to_dict("records")):
        uid = str(rec["unit_id"]).strip()
        if not uid:
            raise TerritoryError(f"{label}, line {line_of[i]}: unit_id is empty")
        where = f"{label}, line {line_of[i]} (unit {uid!r})"
        if uid in first_line:
            raise TerritoryError(f"{where}: duplicate unit_id, first defined on line "
                                 f"{first_line[uid]}")
        tier = str(rec["tier"]).strip()
        if tier not in TIER_NAMES:
            raise TerritoryError(
                f"{where}: tier {tier!r} is unknown; allowed: {sorted(TIER_NAMES)}"
            )
        first_line[uid] = line_of[i]
        rows.append(UnitRow(
            uid=uid,
            name=str(rec["name"]).strip() or uid,
            tier=Tier(tier),
            kind=str(rec.get("kind", "") or tier).strip() or tier,
            parent=str(rec["parent_id"]).strip(),
            voters=_int_cell(rec["voters"], where, "voters", positive=True),
            rural_posts=_int_cell(rec.get("rural_posts", ""), where, "rural_posts",
                                  positive=False),
            rural_voters=_int_cell(rec.get("rural_voters", ""), where, "rural_voters",
                                   positive=False),
            where=where,
        ))
    return rows


# --------------------------------------------------------------------------- 2. check

#: the tier a unit's parent must have
PARENT_TIER: dict[Tier, Tier] = {Tier.district: Tier.region, Tier.rural: Tier.district}


def check_hierarchy(rows: list[UnitRow], label: str) -> dict[str, int]:
    """Every parent exists and has the tier above, rural posts sit on districts, and no
    unit has fewer voters than the units below it. Returns each unit's own voters."""
    by_id = {r.uid: r for r in rows}
    for r in rows:
        if r.tier == Tier.region:
            if r.parent:
                raise TerritoryError(f"{r.where}: a region has no parent, got {r.parent!r}")
        else:
            need = PARENT_TIER[r.tier].value
            if not r.parent:
                raise TerritoryError(
                    f"{r.where}: a {r.tier.value} unit needs a parent {need}; parent_id is empty"
                )
            if r.parent not in by_id:
                raise TerritoryError(f"{r.where}: unknown parent {r.parent!r}")
            ptier = by_id[r.parent].tier
            if ptier != PARENT_TIER[r.tier]:
                raise TerritoryError(
                    f"{r.where}: a {r.tier.value} unit must lie in a {need}, "
                    f"but parent {r.parent!r} is a {ptier.value}"
                )
        if r.tier != Tier.district and (r.rural_posts or r.rural_voters):
            raise TerritoryError(
                f"{r.where}: rural_posts/rural_voters belong on district rows only"
            )
        if r.rural_posts and r.rural_voters < r.rural_posts:
            raise TerritoryError(
                f"{r.where}: rural_voters = {r.rural_voters} is less than rural_posts = "
                f"{r.rural_posts}; every rural unit needs at least one voter"
            )
        if r.rural_voters and not r.rural_posts:
            raise TerritoryError(f"{r.where}: rural_voters given but rural_posts is 0")
    below: dict[str, int] = {r.uid: r.rural_voters for r in rows}
    for r in rows:
        if r.parent:
            below[r.parent] += r.voters
    own: dict[str, int] = {}
    for r in rows:
        left = r.voters - below[r.uid]
        if left < 0:
            raise TerritoryError(
                f"{r.where}: voters = {r.voters} is less than the {below[r.uid]} voters of the "
                "units below it"
            )
        own[r.uid] = left
    return own


# --------------------------------------------------------------------------- 3. order

def split_by_spread(total: int, n: int, spread: float) -> np.ndarray:
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


def order_units(rows: list[UnitRow], own: dict[str, int], rural_size_spread: float,
                label: str) -> OrderedUnits:
    """Units depth first, regions in table order, each district's rural posts expanded
    into ``rural_posts`` rural units after its listed children."""
    kids: dict[str, list[UnitRow]] = {r.uid: [] for r in rows}
    for r in rows:
        if r.parent:
            kids[r.parent].append(r)
    unit_id: list[str] = []
    name: list[str] = []
    kind: list[str] = []
    tier: list[int] = []
    parent: list[int] = []
    own_voters: list[int] = []

    def add(uid: str, nm: str, kd: str, tr: Tier, par: int, own_v: int) -> int:
        unit_id.append(uid)
        name.append(nm)
        kind.append(kd)
        tier.append(tr.code)
        parent.append(par)
        own_voters.append(own_v)
        return len(unit_id) - 1

    def visit(r: UnitRow, par: int) -> None:
        me = add(r.uid, r.name, r.kind, r.tier, par, own[r.uid])
        for child in kids[r.uid]:
            visit(child, me)
        sizes = split_by_spread(r.rural_voters, r.rural_posts, rural_size_spread)
        for k, size in enumerate(sizes, start=1):
            add(f"{r.uid}-R{k:03d}", f"{r.name} rural unit {k}", "rural_okrug", Tier.rural, me,
                int(size))

    for r in rows:
        if r.tier == Tier.region:
            visit(r, -1)
    if not unit_id:
        raise TerritoryError(f"{label}: the table has no region rows")
    return OrderedUnits(unit_id, name, kind, np.asarray(tier, dtype=np.int8),
                        np.asarray(parent, dtype=np.int32),
                        np.asarray(own_voters, dtype=np.int64))

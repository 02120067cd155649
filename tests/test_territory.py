"""The territory: the shipped Kazakhstan table, synthetic territories, bad tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from akimsim.config import TerritoryConfig, TerritorySource
from akimsim.world import (
    TerritoryError,
    build_territory,
    load_territory_file,
    synthetic_territory,
    territory_from_table,
)


def check_ranges(t):
    """Every unit's electorate is the union of its own voters and its children's."""
    assert t.start[0] == 0
    assert t.stop.max() == t.n_voters
    for u in range(t.n_units):
        kids = t.children(u)
        inner = t.own_voters[u] + t.voters[kids].sum()
        assert t.voters[u] == inner
        assert t.start[u] + t.own_voters[u] == (t.start[kids].min() if len(kids) else t.stop[u])
        p = t.parent[u]
        if p >= 0:
            assert t.start[p] <= t.start[u]
            assert t.stop[u] <= t.stop[p]


def test_kazakhstan_table_matches_domain_totals():
    t = load_territory_file()
    assert len(t.units_of("region")) == 20
    assert len(t.units_of("district")) == 202
    assert len(t.units_of("rural")) == 2345
    assert t.n_voters == 11_970_000
    turkistan = t.unit_id.index("KZ-TUR")
    assert t.voters[turkistan] == 1_177_507
    assert t.voters[t.unit_id.index("KZ-ULT")] == 138_277
    check_ranges(t)
    for city in ("KZ-AST", "KZ-ALA", "KZ-SHY"):
        assert len(t.children(t.unit_id.index(city))) == 0


def test_scaled_kazakhstan_keeps_every_unit():
    t = load_territory_file(scale=0.01, min_unit_voters=7)
    full = load_territory_file()
    assert t.n_units == full.n_units
    assert (t.voters[t.units_of("rural")] >= 7).all()
    assert abs(t.n_voters - 119_700) < 5_000
    check_ranges(t)


def test_synthetic_territory_is_small_and_consistent():
    t = synthetic_territory()
    assert [len(t.units_of(x)) for x in ("region", "district", "rural")] == [1, 1, 4]
    assert t.n_voters == 1200 + 4 * 700
    check_ranges(t)
    big = build_territory(TerritoryConfig(source=TerritorySource.synthetic, regions=2,
                                          districts_per_region=3, villages_per_district=5))
    assert len(big.units_of("rural")) == 30
    check_ranges(big)


GOOD = [
    {"unit_id": "R", "name": "Region", "tier": "region", "parent_id": "", "voters": "1000"},
    {"unit_id": "D", "name": "District", "tier": "district", "parent_id": "R", "voters": "600"},
    {"unit_id": "V", "name": "Village", "tier": "rural", "parent_id": "D", "voters": "200"},
]


def table(*changes, extra=None):
    rows = [dict(r) for r in GOOD]
    for idx, key, value in changes:
        rows[idx][key] = value
    if extra:
        rows.append(extra)
    return pd.DataFrame(rows)


def test_good_table_builds():
    t = territory_from_table(table())
    assert t.n_voters == 1000
    assert t.own_voters.tolist() == [400, 400, 200]
    check_ranges(t)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (table((2, "parent_id", "X")), r"line 4 \(unit 'V'\): unknown parent 'X'"),
        (table(extra={**GOOD[2]}), r"line 5 \(unit 'V'\): duplicate unit_id, first defined on "
                                   r"line 4"),
        (table((2, "voters", "0")), r"line 4 \(unit 'V'\): column 'voters' = 0; expected more"),
        (table((1, "voters", "-5")), r"line 3 \(unit 'D'\): column 'voters' = -5"),
        (table((2, "parent_id", "R")), r"line 4 \(unit 'V'\): a rural unit must lie in a "
                                       r"district, but parent 'R' is a region"),
        (table((2, "parent_id", "")), r"line 4 \(unit 'V'\): a rural unit needs a parent "
                                      r"district"),
        (table((1, "tier", "oblast")), r"line 3 \(unit 'D'\): tier 'oblast' is unknown"),
        (table((1, "voters", "12.5")), r"column 'voters' = '12.5' is not a whole number"),
        (table((0, "voters", "500")), r"line 2 \(unit 'R'\): voters = 500 is less than the 600"),
        (table().drop(columns=["tier"]), r"missing column\(s\) \['tier'\]"),
    ],
)
def test_broken_tables_name_row_and_problem(frame, message):
    with pytest.raises(TerritoryError, match=message):
        territory_from_table(frame)


def test_broken_file_names_file_line(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("# comment line\nunit_id,name,tier,parent_id,voters\n"
                    "R,Region,region,,100\n# another comment\nD,District,district,Q,50\n")
    with pytest.raises(TerritoryError, match=r"units.csv, line 5 \(unit 'D'\): unknown parent"):
        load_territory_file(path)
    with pytest.raises(TerritoryError, match="does not exist"):
        load_territory_file(tmp_path / "missing.csv")


def test_rural_posts_expand_into_units():
    frame = pd.DataFrame([
        {"unit_id": "R", "name": "R", "tier": "region", "parent_id": "", "voters": "5000",
         "rural_posts": "", "rural_voters": ""},
        {"unit_id": "D", "name": "D", "tier": "district", "parent_id": "R", "voters": "5000",
         "rural_posts": "3", "rural_voters": "3000"},
    ])
    t = territory_from_table(frame)
    rural = t.units_of("rural")
    assert len(rural) == 3
    assert t.voters[rural].sum() == 3000
    assert np.all(t.voters[rural] > 0)
    assert len(set(t.voters[rural].tolist())) > 1  # sizes differ (rule D-split)

"""Kazakhstan's regions at a glance (akimsim.analysis.regions): the tile grid, the
per-region tables and the tile map."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import Normalize, to_rgba
from matplotlib.patches import FancyBboxPatch

from akimsim.analysis import pooled
from akimsim.analysis.regions import (
    MISSING_COLOUR,
    TILES,
    region_metrics,
    region_names,
    region_table,
    tile_map,
)
from akimsim.world.territory import load_territory_file, synthetic_territory

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def kazakhstan_regions() -> dict[str, str]:
    terr = load_territory_file()
    return {terr.unit_id[u]: terr.name[u] for u in terr.units_of("region")}


def tiles(fig) -> dict[str, FancyBboxPatch]:
    return {p.get_gid(): p for ax in fig.axes for p in ax.patches
            if isinstance(p, FancyBboxPatch)}


# ------------------------------------------------------------------------- the grid

def test_every_region_of_the_territory_table_has_a_tile(kazakhstan_regions):
    assert len(kazakhstan_regions) == 20
    assert set(TILES) == set(kazakhstan_regions)


def test_no_two_tiles_share_a_place_and_the_grid_is_small():
    places = list(TILES.values())
    assert len(set(places)) == len(places)
    cols = {c for c, _ in places}
    rows = {r for _, r in places}
    assert max(cols) + 1 <= 8
    assert max(rows) + 1 <= 5
    assert min(cols) == min(rows) == 0


@pytest.mark.parametrize(("west", "east"), [
    ("KZ-MAN", "KZ-KAR"), ("KZ-KAR", "KZ-VOS"), ("KZ-ZAP", "KZ-PAV"), ("KZ-AKT", "KZ-KUS"),
    ("KZ-SHY", "KZ-ALA"), ("KZ-TUR", "KZ-ZHA"), ("KZ-ZHA", "KZ-ALM"), ("KZ-ATY", "KZ-AKT"),
])
def test_west_is_left_of_east(west, east):
    assert TILES[west][0] < TILES[east][0]


@pytest.mark.parametrize(("north", "south"), [
    ("KZ-SEV", "KZ-TUR"), ("KZ-SEV", "KZ-AKM"), ("KZ-AST", "KZ-KAR"), ("KZ-ZAP", "KZ-ATY"),
    ("KZ-ATY", "KZ-MAN"), ("KZ-PAV", "KZ-ABA"), ("KZ-ALM", "KZ-ALA"), ("KZ-KAR", "KZ-ZHA"),
])
def test_north_is_above_south(north, south):
    assert TILES[north][1] < TILES[south][1]


def test_republican_cities_sit_next_to_their_region():
    for city, region in (("KZ-AST", "KZ-AKM"), ("KZ-ALA", "KZ-ALM"), ("KZ-SHY", "KZ-TUR")):
        (c1, r1), (c2, r2) = TILES[city], TILES[region]
        assert abs(c1 - c2) + abs(r1 - r2) == 1, city


# ------------------------------------------------------------------------- tables

def frame6() -> pd.DataFrame:
    return pd.DataFrame({
        "region_id": ["KZ-AKM", "KZ-ABA", "KZ-AKM", "KZ-ABA", "KZ-AKM", "KZ-ABA"],
        "region_name": ["Akmola Region", "Abai Region", "Akmola Region", "Abai Region",
                        "Akmola Region", "Abai Region"],
        "tier": ["rural", "rural", "district", "rural", "rural", "district"],
        "turnout": [0.5, 0.2, 0.9, 0.4, np.nan, 0.6],
        "enc": [2.0, 1.0, 3.0, 2.0, 4.0, 3.0],
    })


def test_region_table_by_hand():
    table = region_table(frame6(), ["turnout", "enc"])
    assert list(table.columns) == ["region_id", "region_name", "turnout", "enc", "rows"]
    assert list(table["region_name"]) == ["Abai Region", "Akmola Region"]  # by name
    abai, akmola = table.iloc[0], table.iloc[1]
    assert abai["turnout"] == pytest.approx((0.2 + 0.4 + 0.6) / 3)
    assert abai["enc"] == pytest.approx(2.0)
    assert akmola["turnout"] == pytest.approx((0.5 + 0.9) / 2)  # NaN skipped
    assert akmola["enc"] == pytest.approx(3.0)
    assert list(table["rows"]) == [3, 3]


def test_region_table_by_a_group():
    table = region_table(frame6(), ["enc"], by=["tier"])
    assert list(table.columns) == ["region_id", "region_name", "tier", "enc", "rows"]
    assert table[["region_id", "tier"]].values.tolist() == [
        ["KZ-ABA", "district"], ["KZ-ABA", "rural"], ["KZ-AKM", "district"],
        ["KZ-AKM", "rural"]]
    assert table["enc"].tolist() == pytest.approx([3.0, 1.5, 3.0, 3.0])
    assert table["rows"].tolist() == [1, 2, 1, 2]
    with pytest.raises(KeyError, match="'votes'"):
        region_table(frame6(), ["votes"])


def test_region_metrics_pools_per_region(toy_cfg):
    from akimsim.model import AkimModel

    toy_cfg.territory.regions = 2
    toy_cfg.end_year = toy_cfg.start_year + 3
    model = AkimModel(toy_cfg)
    model.run()
    contests, offices = model.contest_table(), model.office_table()
    table = region_metrics(contests, offices)
    assert list(table.columns[:2]) == ["region_id", "region_name"]
    assert set(pooled.METRICS) <= set(table.columns)
    assert list(table["region_name"]) == sorted(table["region_name"])
    assert table["contests"].sum() == len(contests)
    one = table.iloc[0]
    part = contests[contests["region_id"] == one["region_id"]]
    expected = pooled.contest_metrics(part)
    for m in ("turnout", "enc", "margin"):
        assert one[m] == pytest.approx(expected[m], nan_ok=True), m
    assert region_names(contests) == dict(zip(table["region_id"], table["region_name"],
                                              strict=True))


# ------------------------------------------------------------------------- the map

def test_tile_map_colours_each_region_by_its_value(kazakhstan_regions):
    codes = sorted(kazakhstan_regions)
    values = pd.Series(np.linspace(0.2, 0.8, len(codes)), index=codes).drop("KZ-ULT")
    fig = tile_map(values, title="turnout", label="turnout")
    drawn = tiles(fig)
    assert set(drawn) == set(TILES)  # one patch per region, missing ones too
    cmap = matplotlib.colormaps["viridis"]
    norm = Normalize(float(values.min()), float(values.max()))
    for code in ("KZ-AKM", "KZ-VOS", codes[0], codes[-1]):
        assert drawn[code].get_facecolor() == pytest.approx(cmap(norm(values[code]))), code
    assert drawn["KZ-ULT"].get_facecolor() == pytest.approx(to_rgba(MISSING_COLOUR))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "no data" in texts
    assert f"{values['KZ-AKM']:.2f}" in texts
    assert "Astana" in texts
    assert fig.axes[1].get_ylabel() == "turnout"  # the colorbar


def test_tile_map_text_is_readable_at_its_default_size():
    fig = tile_map(pd.Series({"KZ-AKM": 1.0, "KZ-AST": 2.0}), title="t", label="l")
    width, height = fig.get_size_inches()
    assert (width, height) == (8.0, 5.0)
    sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts]
    assert min(sizes) >= 8


def test_tile_map_diverging_is_centred_on_zero():
    values = pd.Series({"KZ-AKM": -0.1, "KZ-KAR": 0.4, "KZ-AST": 0.0})
    fig = tile_map(values, diverging=True)
    drawn = tiles(fig)
    cmap = matplotlib.colormaps["RdBu_r"]
    assert drawn["KZ-AST"].get_facecolor() == pytest.approx(cmap(0.5))  # 0 is the middle
    assert drawn["KZ-KAR"].get_facecolor() == pytest.approx(cmap(1.0))
    assert drawn["KZ-AKM"].get_facecolor() == pytest.approx(cmap(Normalize(-0.4, 0.4)(-0.1)))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert {"-0.10", "+0.40", "+0.00"} <= set(texts)


def test_tile_map_names_unknown_codes():
    with pytest.raises(ValueError, match="KZ-XXX"):
        tile_map(pd.Series({"KZ-AKM": 1.0, "KZ-XXX": 2.0}))
    with pytest.raises(ValueError, match="TOY9"):
        tile_map(pd.Series({"R1": 1.0, "TOY9": 2.0}), regions=["R1", "R2"])


def test_tile_map_draws_a_synthetic_territory_in_a_grid():
    terr = synthetic_territory(regions=5, districts_per_region=1, villages_per_district=2)
    regions = {terr.unit_id[u]: terr.name[u] for u in terr.units_of("region")}
    codes = list(regions)
    values = pd.Series({codes[0]: 0.5, codes[2]: 0.7, codes[4]: math.nan})
    fig = tile_map(values, regions=regions, label="turnout")
    drawn = tiles(fig)
    assert list(drawn) == codes  # in the territory's order
    places = [(p.get_x(), p.get_y()) for p in drawn.values()]
    assert len(set(places)) == 5
    assert drawn[codes[1]].get_facecolor() == pytest.approx(to_rgba(MISSING_COLOUR))
    assert drawn[codes[4]].get_facecolor() == pytest.approx(to_rgba(MISSING_COLOUR))
    assert regions[codes[2]] in [t.get_text() for t in fig.axes[0].texts]
    # without regions=: the codes of values, in their order
    assert list(tiles(tile_map(values))) == [codes[0], codes[2], codes[4]]


def test_tile_map_draws_into_given_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert tile_map(pd.Series({"KZ-AKM": 1.0}), ax=ax) is fig
    assert len(tiles(fig)) == 20

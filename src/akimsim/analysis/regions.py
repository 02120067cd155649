"""Kazakhstan's 20 regions at a glance: per-region tables and a tile map.

A run's tables (contests, offices, councils) carry ``region_id`` and ``region_name`` on
every row. :func:`region_table` averages any columns per region, :func:`region_metrics`
pools the experiment metrics of :mod:`akimsim.analysis.pooled` per region, and
:func:`tile_map` draws one value per region on a tile grid: each region a square at its
approximate place (:data:`TILES`), like the tile maps of US states.

A synthetic territory (region codes that are not Kazakhstan's) still draws: its regions
are laid out in a plain grid, in their order. Matplotlib is imported by :func:`tile_map`
only, so the tables need none (as the rest of :mod:`akimsim.analysis`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from akimsim.analysis.pooled import pooled_metrics

if TYPE_CHECKING:
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure

# The tile grid: 8 columns (west to east) x 5 rows (north to south). Each region's tile
# is at the approximate centroid of the region (longitude, latitude read off a map of
# Kazakhstan, no external data), binned to a column of about 4.5 degrees of longitude
# (50 E = column 0) and a row of about 2.3 degrees of latitude (54.5 N = row 0), then
# nudged by one where two regions fell on the same tile, keeping neighbours neighbours:
#
#        0     1     2     3     4     5     6     7
#   0                            SEV
#   1    ZAP               KUS   AKM   AST   PAV
#   2    ATY   AKT               ULT   KAR   ABA   VOS
#   3    MAN         KZY               ZHA   ALM   ZHT
#   4                      TUR   SHY         ALA
#
# The three cities of republican significance have tiles of their own next to the region
# around them: Astana east of Akmola (which surrounds it), Almaty city south of Almaty
# Region (on its southern edge), Shymkent east of Turkistan Region (which surrounds it).
TILES: dict[str, tuple[int, int]] = {
    "KZ-ZAP": (0, 1),  # West Kazakhstan, ~51.0 E 50.5 N
    "KZ-ATY": (0, 2),  # Atyrau, ~51.5 E 47.0 N
    "KZ-MAN": (0, 3),  # Mangystau, ~53.5 E 44.0 N
    "KZ-AKT": (1, 2),  # Aktobe, ~58.5 E 48.5 N
    "KZ-KZY": (2, 3),  # Kyzylorda, ~64.0 E 45.0 N
    "KZ-KUS": (3, 1),  # Kostanay, ~63.5 E 51.5 N
    "KZ-TUR": (3, 4),  # Turkistan, ~68.5 E 43.0 N
    "KZ-SEV": (4, 0),  # North Kazakhstan, ~69.5 E 54.0 N
    "KZ-AKM": (4, 1),  # Akmola, ~70.5 E 51.5 N
    "KZ-ULT": (4, 2),  # Ulytau, ~66.5 E 47.5 N (nudged east, next to Karaganda it left in 2022)
    "KZ-SHY": (4, 4),  # Shymkent (city), 69.6 E 42.3 N
    "KZ-AST": (5, 1),  # Astana (city), 71.4 E 51.2 N
    "KZ-KAR": (5, 2),  # Karaganda, ~74.0 E 48.5 N
    "KZ-ZHA": (5, 3),  # Zhambyl, ~72.5 E 44.0 N
    "KZ-ALA": (6, 4),  # Almaty (city), 76.9 E 43.2 N
    "KZ-PAV": (6, 1),  # Pavlodar, ~76.5 E 52.0 N
    "KZ-ABA": (6, 2),  # Abai, ~80.0 E 48.5 N
    "KZ-ALM": (6, 3),  # Almaty Region, ~77.0 E 44.5 N
    "KZ-VOS": (7, 2),  # East Kazakhstan, ~83.5 E 49.0 N
    "KZ-ZHT": (7, 3),  # Zhetisu, ~79.5 E 45.5 N
}

#: the names written on the tiles (short enough for a tile; a newline splits long ones)
SHORT_NAMES: dict[str, str] = {
    "KZ-ABA": "Abai", "KZ-AKM": "Akmola", "KZ-AKT": "Aktobe", "KZ-ALM": "Almaty\nRegion",
    "KZ-ATY": "Atyrau", "KZ-ZAP": "West\nKazakhstan", "KZ-ZHA": "Zhambyl",
    "KZ-ZHT": "Zhetisu", "KZ-KAR": "Karaganda", "KZ-KUS": "Kostanay",
    "KZ-KZY": "Kyzylorda", "KZ-MAN": "Mangystau", "KZ-PAV": "Pavlodar",
    "KZ-SEV": "North\nKazakhstan", "KZ-TUR": "Turkistan", "KZ-ULT": "Ulytau",
    "KZ-VOS": "East\nKazakhstan", "KZ-AST": "Astana", "KZ-ALA": "Almaty", "KZ-SHY": "Shymkent",
}

MISSING_COLOUR = "#d0d0d0"
KEYS = ("region_id", "region_name")


def region_table(frame: pd.DataFrame, values: Sequence[str], by: Sequence[str] = ()
                 ) -> pd.DataFrame:
    """Per region (and ``by`` group): the mean of each column in ``values`` (NaN skipped)
    and ``rows``, the number of rows. ``region_id`` and ``region_name`` come first; rows
    are sorted by region name, then ``by``."""
    keys = [*KEYS, *by]
    missing = [c for c in [*keys, *values] if c not in frame.columns]
    if missing:
        raise KeyError(f"region_table: the frame has no column {', '.join(map(repr, missing))}")
    grouped = frame.groupby(keys, sort=False, observed=True, dropna=False)
    out = grouped[list(values)].mean() if values else pd.DataFrame(index=grouped.size().index)
    out["rows"] = grouped.size().astype(np.int64)
    out = out.reset_index()
    return out.sort_values(["region_name", *by], kind="stable").reset_index(drop=True)[
        [*keys, *values, "rows"]]


def region_metrics(contests: pd.DataFrame, offices: pd.DataFrame, by: Sequence[str] = (),
                   years: tuple[int, int] | None = None) -> pd.DataFrame:
    """The metrics of :func:`~akimsim.analysis.pooled.pooled_metrics` per region (and
    ``by`` group), pooled over ``years``; sorted by region name. Figure labels of the
    metrics: :func:`akimsim.glossary.label`."""
    frame = pooled_metrics(contests, offices, by=[*KEYS, *by], years=years)
    return frame.sort_values(["region_name", *by], kind="stable").reset_index(drop=True)


def region_names(frame: pd.DataFrame) -> dict[str, str]:
    """Region code -> name, from a table with ``region_id`` and ``region_name`` (in the
    order of first appearance): the ``regions`` argument of :func:`tile_map` for a
    territory that is not Kazakhstan's."""
    pairs = frame[list(KEYS)].drop_duplicates("region_id")
    return dict(zip(pairs["region_id"].astype(str), pairs["region_name"].astype(str),
                    strict=True))


def _layout(codes: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Kazakhstan's tiles when every code has one, else a plain grid in ``codes``' order
    (about 1.6 times as wide as tall)."""
    if all(c in TILES for c in codes):
        return {c: TILES[c] for c in codes}
    cols = max(1, math.ceil(math.sqrt(len(codes) * 1.6)))
    return {c: (k % cols, k // cols) for k, c in enumerate(codes)}


def _text_colour(rgba: Any) -> str:
    """Black or white, whichever reads better on ``rgba`` (relative luminance)."""
    from matplotlib.colors import to_rgba

    r, g, b = (float(v) for v in to_rgba(rgba)[:3])
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def tile_map(values: pd.Series, *, regions: Mapping[str, str] | Sequence[str] | None = None,
             ax: Any = None, title: str = "", label: str = "", diverging: bool = False,
             fmt: str | None = None, cmap: str | Colormap | None = None,
             missing: str = "no data") -> Figure:
    """One rounded square per region at its tile, coloured by its value.

    ``values`` is indexed by region code (``region_id``). ``regions`` are the regions to
    draw, as code -> name or codes: by default Kazakhstan's 20 (:data:`TILES`) when every
    code of ``values`` is one of them, else the codes of ``values`` in their order
    (a synthetic territory: a plain grid). A region without a value (or NaN) is grey and
    says ``missing``. Colours: a sequential colormap (``viridis``), or with ``diverging``
    a diverging one (``RdBu_r``) centred on 0, for differences. ``fmt`` formats the value
    written on each tile (default ``{:+.2f}`` when diverging, else ``{:.2f}``); the
    colorbar is labelled ``label``. A code of ``values`` that is not a region is a
    ValueError naming it.
    """
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Colormap, Normalize, to_rgba
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    codes_in = [str(c) for c in values.index]
    if regions is None:
        if all(c in TILES for c in codes_in):
            names = {c: SHORT_NAMES[c] for c in TILES}
        elif not any(c in TILES for c in codes_in):
            names = {c: c for c in dict.fromkeys(codes_in)}
        else:
            unknown = sorted({c for c in codes_in if c not in TILES})
            raise ValueError(f"tile_map: unknown region codes {', '.join(unknown)} (expected "
                             "Kazakhstan's region codes, e.g. KZ-AKM, or pass regions=)")
    elif isinstance(regions, Mapping):
        names = {str(c): SHORT_NAMES.get(str(c), str(n)) for c, n in regions.items()}
    else:
        names = {str(c): SHORT_NAMES.get(str(c), str(c)) for c in regions}
    unknown = sorted({c for c in codes_in if c not in names})
    if unknown:
        raise ValueError(f"tile_map: unknown region codes {', '.join(unknown)} (regions: "
                         f"{', '.join(list(names)[:5])}{', ...' if len(names) > 5 else ''})")
    if values.index.has_duplicates:
        raise ValueError("tile_map: a region code appears twice in values")
    data = pd.to_numeric(values, errors="coerce").astype(np.float64)
    data.index = codes_in
    place = _layout(list(names))
    fmt = fmt or ("{:+.2f}" if diverging else "{:.2f}")

    finite = data[np.isfinite(data.to_numpy())]
    if diverging:
        span = float(np.abs(finite).max()) if len(finite) else 1.0
        span = span or 1.0
        norm = Normalize(-span, span)
    else:
        lo = float(finite.min()) if len(finite) else 0.0
        hi = float(finite.max()) if len(finite) else 1.0
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        norm = Normalize(lo, hi)
    colormap = colormaps[cmap or ("RdBu_r" if diverging else "viridis")] \
        if not isinstance(cmap, Colormap) else cmap

    if ax is None:
        fig = Figure(figsize=(8.0, 5.0), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    ncols = max(c for c, _ in place.values()) + 1
    nrows = max(r for _, r in place.values()) + 1
    pad = 0.06
    for code, (col, row) in place.items():
        value = float(data[code]) if code in data.index else math.nan
        has = math.isfinite(value)
        face = colormap(norm(value)) if has else to_rgba(MISSING_COLOUR)
        tile = FancyBboxPatch((col + pad, -row - 1 + pad), 1 - 2 * pad, 1 - 2 * pad,
                              boxstyle="round,pad=0,rounding_size=0.12", facecolor=face,
                              edgecolor="white", linewidth=1.5)
        tile.set_gid(code)
        ax.add_patch(tile)
        ink = _text_colour(face)
        ax.text(col + 0.5, -row - 0.36, names[code], ha="center", va="center", fontsize=8,
                color=ink, linespacing=0.95)
        ax.text(col + 0.5, -row - 0.76, fmt.format(value) if has else missing,
                ha="center", va="center", fontsize=9.5 if has else 8,
                fontweight="bold" if has else "normal", color=ink)
    ax.set_xlim(0, ncols)
    ax.set_ylim(-nrows, 0)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=11)
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=colormap), ax=ax, shrink=0.8, pad=0.02)
    bar.set_label(label, fontsize=9)
    bar.ax.tick_params(labelsize=8)
    return fig


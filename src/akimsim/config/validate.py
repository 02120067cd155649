"""Checks that a config's types cannot express: one generic pass over every field, then
the rules that tie fields together.

:func:`validate` raises :class:`ConfigError` naming the first offending field, its value
and what would be valid; the core calls it before any work. The generic pass reads the
:class:`~akimsim.config.bounds.Bounds` declared beside each field of the schema, so a new
field is covered without a new check here: every float must be finite (``-inf`` only
where the bounds allow it) and every integer must fit in int64.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from typing import Any

from akimsim.config.bounds import INT64_MAX, Bounds, bounds_of
from akimsim.config.enums import TerritorySource, Tier
from akimsim.config.schema import RunConfig


class ConfigError(ValueError):
    """A config value is out of range; the message names the field."""


class ConfigWarning(UserWarning):
    """A config that runs, but probably not as meant (e.g. a reform step after the last
    year); the message names the field."""


def _check(cond: bool, path: str, value: object, expected: str) -> None:
    if not cond:
        raise ConfigError(f"{path} = {value!r} is invalid: expected {expected}")


def numbers(obj: Any, path: str = "") -> Iterator[tuple[str, Any, Bounds | None]]:
    """Every number in a config, as (dotted path, value, its bounds or None), depth
    first in field order; lists of dataclasses are walked with their indices."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        where = f"{path}.{f.name}" if path else f.name
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            yield from numbers(value, where)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if dataclasses.is_dataclass(item) and not isinstance(item, type):
                    yield from numbers(item, f"{where}[{i}]")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield where, value, bounds_of(f.metadata)


def check_numbers(cfg: Any) -> None:
    """The generic pass: every number finite (or as its bounds allow) and within them."""
    for path, value, bounds in numbers(cfg):
        if bounds is None:
            finite = (math.isfinite(value) if isinstance(value, float)
                      else -INT64_MAX - 1 <= value <= INT64_MAX)
            _check(finite, path, value, "a finite number")
        else:
            wide = isinstance(value, int) and not -INT64_MAX - 1 <= value <= INT64_MAX
            _check(bounds.admits(value), path, value,
                   bounds.describe() + (" that fits in 64 bits (at most 2**63 - 1)"
                                        if wide else ""))


def validate(cfg: RunConfig) -> None:
    """Check every number against its bounds, then the rules between fields.

    Raises :class:`ConfigError` naming the first offending field.
    """
    check_numbers(cfg)
    _check(cfg.start_year <= cfg.end_year <= cfg.start_year + 200, "end_year", cfg.end_year,
           f"a year from start_year ({cfg.start_year}) to start_year + 200")
    t = cfg.territory
    if t.source == TerritorySource.csv:
        _check(bool(t.path), "territory.path", t.path, "a CSV path when territory.source=csv")
    if t.source == TerritorySource.synthetic:
        total = t.regions * (t.region_centre_voters + t.districts_per_region * (
            t.district_centre_voters + t.villages_per_district * t.voters_per_village))
        _check(total <= INT64_MAX, "territory", f"{total:,} voters",
               "a synthetic territory whose voters fit in int64")

    b = cfg.behaviour
    _check(len(b.parties) >= 1, "behaviour.parties", b.parties, "at least one party")
    names = [p.name for p in b.parties]
    _check(len(set(names)) == len(names), "behaviour.parties", names, "distinct party names")
    _check(sum(p.dominant for p in b.parties) <= 1, "behaviour.parties",
           [p.name for p in b.parties if p.dominant], "at most one dominant party")
    _check(len(b.parties) <= 100, "behaviour.parties", len(b.parties), "at most 100 parties")
    total_attached = sum(p.attachment for p in b.parties)
    _check(total_attached <= 1.0 + 1e-9, "behaviour.parties[*].attachment",
           round(total_attached, 6), "shares summing to at most 1 (the rest are unattached)")
    c, ap = b.candidates, b.appointers
    _check(ap.min_candidates <= c.pool_size + 1, "behaviour.appointers.min_candidates",
           ap.min_candidates, f"at most behaviour.candidates.pool_size + 1 = {c.pool_size + 1}")
    seen: dict[tuple[int, Tier, str], str] = {}
    for key, step in cfg.regimes.steps():
        _check(step.regime is not None or step.rule is not None, key,
               f"{step.year}/{step.tier.value}", "a step that changes the regime or the rule "
               "(regime and rule are both null)")
        for what, value in (("regime", step.regime), ("rule", step.rule)):
            if value is None:
                continue
            k = (step.year, Tier(step.tier), what)
            _check(k not in seen, key, f"{step.year}/{step.tier.value}",
                   f"at most one step per tier and year that sets the {what} "
                   f"({seen.get(k)} sets it too)")
            seen[k] = key
    m = b.maslikhats
    years = list(m.election_years)
    _check(years == sorted(set(years)), "behaviour.maslikhats.election_years", years,
           "distinct years in increasing order")
    _check(len(m.systems) >= 1, "behaviour.maslikhats.systems", m.systems,
           "at least one council rule")
    rule_years = [r.year for r in m.systems]
    _check(rule_years == sorted(set(rule_years)), "behaviour.maslikhats.systems",
           rule_years, "rules with distinct years in increasing order")
    first = min([*years, cfg.start_year - 1])
    _check(rule_years[0] <= first, "behaviour.maslikhats.systems[0].year", rule_years[0],
           f"a year no later than the first council election ({first})")
    _check(m.min_size <= min(m.size_region, m.size_city, m.size_district),
           "behaviour.maslikhats.min_size", m.min_size,
           "at most the smallest of size_region, size_city and size_district")

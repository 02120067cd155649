"""Observed figures as data: the targets file, read and checked before any run.

A targets file is a YAML list, one entry per observed figure or pattern::

    - name: rural_2021_turnout
      metric: turnout            # a measure of akimsim.analysis.measures.MEASURES
      tier: rural
      regime: direct
      years: [2021, 2021]        # inclusive window of contest years
      kind: regular              # optional filter on the contest kind
      region: null               # optional: only the units of one region (id or name)
      observed: 0.791            # a value, or low/high for a range (one side may be open)
      low: null
      high: null
      role: calibration          # or validation
      source: "rural akim elections of 25 July 2021 (docs/sources.md#rural-direct-2021)"
      note: "optional: how the figure was read"

The package ships the project's own file (:data:`DEFAULT_TARGETS`); anyone can pass
theirs. :func:`load_targets` stops at the first bad entry with a message that names it
and the allowed values; :func:`check_against_run` checks what needs the run (the window
of years, the region).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from akimsim.analysis.measures import MEASURES, MeasureContext
from akimsim.config import TIERS, ContestKind, RegimeName

#: the project's targets: every figure of the domain notes the model can speak to
DEFAULT_TARGETS = Path(__file__).resolve().parent.parent / "data" / "targets.yaml"

ROLES: tuple[str, ...] = ("calibration", "validation")
FIELDS: tuple[str, ...] = ("name", "metric", "tier", "regime", "years", "kind", "region",
                           "observed", "low", "high", "role", "source", "note")
REQUIRED: tuple[str, ...] = ("name", "metric", "years", "role", "source")


class TargetError(ValueError):
    """A targets file or entry that cannot be used; the message names the entry."""


@dataclass(frozen=True)
class Target:
    """One observed figure: which measure of which contests, and what was observed.

    ``low`` and ``high`` bound the observed range; a point figure has both equal to
    ``observed``; a one-sided pattern (e.g. "turnout falls with the electorate") has an
    infinite end.
    """

    name: str
    metric: str
    years: tuple[int, int]
    role: str
    source: str
    tier: str | None = None
    regime: str | None = None
    kind: str | None = None
    region: str | None = None
    observed: float | None = None
    low: float = -math.inf
    high: float = math.inf
    note: str = ""

    @property
    def point(self) -> float:
        """The figure as one number: the observed value, else the middle of a closed
        range, else the finite end of a one-sided one."""
        if self.observed is not None:
            return self.observed
        if math.isfinite(self.low) and math.isfinite(self.high):
            return (self.low + self.high) / 2
        return self.low if math.isfinite(self.low) else self.high

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of :func:`akimsim.analysis.measures.select`."""
        return {"tier": self.tier, "regime": self.regime, "years": self.years,
                "kind": self.kind, "region": self.region}

    def describe(self) -> str:
        """The selection in words, e.g. ``rural direct 2021, regular``."""
        years = str(self.years[0]) if self.years[0] == self.years[1] else \
            f"{self.years[0]}-{self.years[1]}"
        parts = [p for p in (self.tier, self.regime) if p]
        text = " ".join([*parts, years])
        extra = [p for p in (self.kind, self.region) if p]
        return text + (", " + ", ".join(extra) if extra else "")


def _where(entry: int, name: object, path: str) -> str:
    label = f"entry {entry}" + (f" ({name!r})" if isinstance(name, str) and name else "")
    return f"{path}: {label}"


def _choice(value: Any, allowed: Sequence[str], field_name: str, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in allowed:
        raise TargetError(f"{where}: {field_name} {value!r} is not one of "
                          f"{', '.join(allowed)}")
    return value


def _number(value: Any, field_name: str, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(float(value)):
        raise TargetError(f"{where}: {field_name} must be a finite number, got {value!r}")
    return float(value)


def parse_target(raw: Any, entry: int = 0, path: str = "targets") -> Target:
    """One entry of a targets file, checked; ``entry`` and ``path`` name it in errors."""
    if not isinstance(raw, Mapping):
        raise TargetError(f"{path}: entry {entry} must be a mapping of "
                          f"{', '.join(FIELDS)}, got {type(raw).__name__}")
    name = raw.get("name")
    where = _where(entry, name, path)
    unknown = sorted(set(map(str, raw)) - set(FIELDS))
    if unknown:
        raise TargetError(f"{where}: unknown field(s) {', '.join(unknown)}; the fields are "
                          f"{', '.join(FIELDS)}")
    missing = [f for f in REQUIRED if raw.get(f) in (None, "")]
    if missing:
        raise TargetError(f"{where}: missing {', '.join(missing)}")
    if not isinstance(name, str):
        raise TargetError(f"{where}: name must be a string, got {name!r}")
    metric = _choice(raw["metric"], list(MEASURES), "metric", where)
    tier = _choice(raw.get("tier"), [t.value for t in TIERS], "tier", where)
    regime = _choice(raw.get("regime"), [r.value for r in RegimeName], "regime", where)
    kind = _choice(raw.get("kind"), [k.value for k in ContestKind], "kind", where)
    years = raw["years"]
    if isinstance(years, int) and not isinstance(years, bool):
        years = [years, years]
    if not (isinstance(years, list | tuple) and len(years) == 2
            and all(isinstance(y, int) and not isinstance(y, bool) for y in years)):
        raise TargetError(f"{where}: years must be [first, last], two whole years, "
                          f"got {years!r}")
    if years[0] > years[1]:
        raise TargetError(f"{where}: years {list(years)}: the first year is after the last")
    role = _choice(raw["role"], ROLES, "role", where)
    region = raw.get("region")
    if region is not None and not isinstance(region, str):
        raise TargetError(f"{where}: region must be a region's id or name, got {region!r}")
    observed = _number(raw.get("observed"), "observed", where)
    low = _number(raw.get("low"), "low", where)
    high = _number(raw.get("high"), "high", where)
    if observed is None and low is None and high is None:
        raise TargetError(f"{where}: give observed (a value) or low/high (a range)")
    if low is not None and high is not None and low > high:
        raise TargetError(f"{where}: the range is empty: low {low} is above high {high}")
    lo = low if low is not None else (observed if observed is not None and high is None
                                      else -math.inf)
    hi = high if high is not None else (observed if observed is not None and low is None
                                        else math.inf)
    if observed is not None and not lo <= observed <= hi:
        raise TargetError(f"{where}: observed {observed} lies outside its range [{lo}, {hi}]")
    source = raw["source"]
    if not isinstance(source, str):
        raise TargetError(f"{where}: source must be a string, got {source!r}")
    note = raw.get("note") or ""
    assert metric is not None
    assert role is not None
    return Target(name=name, metric=metric, years=(int(years[0]), int(years[1])), role=role,
                  source=source, tier=tier, regime=regime, kind=kind, region=region,
                  observed=observed, low=lo, high=hi, note=str(note))


def parse_targets(raw: Any, path: str = "targets") -> list[Target]:
    """Every entry of a parsed targets file, checked; names must be unique."""
    if isinstance(raw, Mapping) and "targets" in raw:
        raw = raw["targets"]
    if not isinstance(raw, list) or not raw:
        raise TargetError(f"{path}: a targets file is a non-empty YAML list of entries "
                          f"(or a mapping with a 'targets' list)")
    targets = [parse_target(entry, i, path) for i, entry in enumerate(raw)]
    seen: dict[str, int] = {}
    for i, t in enumerate(targets):
        if t.name in seen:
            raise TargetError(f"{path}: entry {i} ({t.name!r}): the name is already used by "
                              f"entry {seen[t.name]}")
        seen[t.name] = i
    return targets


def load_targets(path: str | Path | None = None) -> list[Target]:
    """The targets of a YAML file (default: the project's own, :data:`DEFAULT_TARGETS`)."""
    p = Path(path) if path is not None else DEFAULT_TARGETS
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise TargetError(f"{p}: cannot read the targets file ({exc.strerror or exc})") \
            from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TargetError(f"{p}: not valid YAML ({exc})") from exc
    return parse_targets(raw, str(p))


def select_roles(targets: Iterable[Target], roles: Sequence[str] | None) -> list[Target]:
    """The targets of the given roles (all with None)."""
    if roles is None:
        return list(targets)
    for r in roles:
        if r not in ROLES:
            raise TargetError(f"role {r!r} is not one of {', '.join(ROLES)}")
    return [t for t in targets if t.role in roles]


def check_against_run(targets: Iterable[Target], start_year: int, end_year: int,
                      ctx: MeasureContext) -> None:
    """Stop with a message naming the entry if a target's window is outside the run's
    years or its region is not in the territory."""
    for t in targets:
        if t.years[0] < start_year or t.years[1] > end_year:
            raise TargetError(f"target {t.name!r}: years {list(t.years)} are outside the "
                              f"run's {start_year}-{end_year}; set start_year/end_year to "
                              f"cover them or leave the target out")
        if t.region is not None:
            try:
                ctx.region_id(t.region)
            except KeyError:
                names = ", ".join(f"{rid} ({n})" for rid, n in ctx.region_names.items())
                raise TargetError(f"target {t.name!r}: region {t.region!r} is not in the "
                                  f"territory; its regions are {names}") from None

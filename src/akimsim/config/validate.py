"""Range and cross-field checks that the schema's types cannot express.

:func:`validate` raises :class:`ConfigError` naming the first offending field, its
value and what would be valid; the core calls it before any work.
"""

from __future__ import annotations

import math

from akimsim.config.enums import TerritorySource, Tier
from akimsim.config.schema import RunConfig


class ConfigError(ValueError):
    """A config value is out of range; the message names the field."""


def _check(cond: bool, path: str, value: object, expected: str) -> None:
    if not cond:
        raise ConfigError(f"{path} = {value!r} is invalid: expected {expected}")


def validate(cfg: RunConfig) -> None:
    """Check ranges and cross-field rules that the types cannot express.

    Raises :class:`ConfigError` naming the first offending field.
    """
    _check(cfg.seed >= 0, "seed", cfg.seed, "a non-negative integer")
    _check(1900 <= cfg.start_year <= 2200, "start_year", cfg.start_year, "a year in 1900-2200")
    _check(
        cfg.start_year <= cfg.end_year <= cfg.start_year + 200,
        "end_year",
        cfg.end_year,
        f"a year from start_year ({cfg.start_year}) to start_year + 200",
    )
    _check(cfg.max_materialised_voters >= 0, "max_materialised_voters",
           cfg.max_materialised_voters, "a non-negative integer")
    t = cfg.territory
    _check(0.0 < t.scale <= 1.0 and math.isfinite(t.scale), "territory.scale", t.scale,
           "a share in (0, 1]")
    _check(t.min_unit_voters >= 1, "territory.min_unit_voters", t.min_unit_voters, "at least 1")
    if t.source == TerritorySource.csv:
        _check(bool(t.path), "territory.path", t.path, "a CSV path when territory.source=csv")
    for name in ("regions", "districts_per_region", "villages_per_district"):
        v = getattr(t, name)
        _check(v >= 1, f"territory.{name}", v, "at least 1")
    for name in ("voters_per_village",):
        v = getattr(t, name)
        _check(v >= 1, f"territory.{name}", v, "at least 1")
    for name in ("district_centre_voters", "region_centre_voters"):
        v = getattr(t, name)
        _check(v >= 0, f"territory.{name}", v, "a non-negative integer")
    _check(t.rural_size_spread >= 0, "territory.rural_size_spread", t.rural_size_spread, ">= 0")

    b = cfg.behaviour
    _check(len(b.parties) >= 1, "behaviour.parties", b.parties, "at least one party")
    names = [p.name for p in b.parties]
    _check(len(set(names)) == len(names), "behaviour.parties", names, "distinct party names")
    _check(sum(p.dominant for p in b.parties) <= 1, "behaviour.parties",
           [p.name for p in b.parties if p.dominant], "at most one dominant party")
    _check(len(b.parties) <= 100, "behaviour.parties", len(b.parties), "at most 100 parties")
    for i, p in enumerate(b.parties):
        _check(0.0 <= p.attachment <= 1.0, f"behaviour.parties[{i}].attachment", p.attachment,
               "a share in [0, 1]")
        _check(0.0 <= p.nominate_rate <= 1.0, f"behaviour.parties[{i}].nominate_rate",
               p.nominate_rate, "a probability in [0, 1]")
    total = sum(p.attachment for p in b.parties)
    _check(total <= 1.0 + 1e-9, "behaviour.parties[*].attachment", round(total, 6),
           "shares summing to at most 1 (the rest are unattached)")
    v = b.voters
    for name in ("region_sd", "district_sd", "local_sd", "voter_sd", "noise_scale",
                 "region_turnout_sd", "distance_weight"):
        _check(getattr(v, name) >= 0, f"behaviour.voters.{name}", getattr(v, name), ">= 0")
    _check(0.0 <= v.party_pull <= 1.0, "behaviour.voters.party_pull", v.party_pull, "in [0, 1]")
    for name in ("partisanship_logit_sd", "propensity_logit_sd"):
        _check(getattr(v, name) >= 0, f"behaviour.voters.{name}", getattr(v, name), ">= 0")
    for name in ("partisanship_logit_mean", "propensity_logit_mean"):
        _check(math.isfinite(getattr(v, name)), f"behaviour.voters.{name}", getattr(v, name),
               "a finite number")
    c = b.candidates
    _check(c.self_nominee_rate >= 0, "behaviour.candidates.self_nominee_rate",
           c.self_nominee_rate, ">= 0")
    _check(0.0 <= c.signature_threshold <= 1.0, "behaviour.candidates.signature_threshold",
           c.signature_threshold, "a share in [0, 1]")
    _check(0.0 <= c.registration_rejection <= 1.0, "behaviour.candidates.registration_rejection",
           c.registration_rejection, "a probability in [0, 1]")
    _check(0.0 <= c.incumbent_runs <= 1.0, "behaviour.candidates.incumbent_runs",
           c.incumbent_runs, "a probability in [0, 1]")
    _check(c.signature_reach_a > 0 and c.signature_reach_b > 0,
           "behaviour.candidates.signature_reach_a/b",
           (c.signature_reach_a, c.signature_reach_b), "positive Beta parameters")
    _check(0.0 <= c.council_signature_threshold <= 1.0,
           "behaviour.candidates.council_signature_threshold", c.council_signature_threshold,
           "a share in [0, 1]")
    _check(1 <= c.pool_size <= 50, "behaviour.candidates.pool_size", c.pool_size, "1-50")
    a = b.akims
    _check(1 <= a.term_years <= 20, "behaviour.akims.term_years", a.term_years, "1-20 years")
    _check(a.term_limit >= 0, "behaviour.akims.term_limit", a.term_limit, ">= 0 (0 = none)")
    _check(a.performance_noise >= 0, "behaviour.akims.performance_noise", a.performance_noise,
           ">= 0")
    ap = b.appointers
    _check(0.0 <= ap.dismissal_rate <= 1.0, "behaviour.appointers.dismissal_rate",
           ap.dismissal_rate, "a probability in [0, 1]")
    _check(ap.min_candidates >= 1, "behaviour.appointers.min_candidates", ap.min_candidates,
           ">= 1")
    _check(ap.min_candidates <= c.pool_size + 1, "behaviour.appointers.min_candidates",
           ap.min_candidates, f"at most behaviour.candidates.pool_size + 1 = {c.pool_size + 1}")
    m = b.maslikhats
    _check(1 <= m.term_years <= 20, "behaviour.maslikhats.term_years", m.term_years, "1-20")
    for name, cap in (("size_region", 50), ("size_city", 30), ("size_district", 25)):
        s = getattr(m, name)
        _check(1 <= s <= cap, f"behaviour.maslikhats.{name}", s, f"1-{cap} (the legal cap)")
    r = cfg.rule
    _check(0.0 <= r.min_turnout <= 1.0, "rule.min_turnout", r.min_turnout, "a share in [0, 1]")
    _check(0.0 <= r.majority_threshold < 1.0, "rule.majority_threshold", r.majority_threshold,
           "a share in [0, 1)")
    _check(0.0 <= r.runoff_turnout <= 1.0, "rule.runoff_turnout", r.runoff_turnout,
           "a share in [0, 1]")
    _check(r.approval_margin >= 0 and math.isfinite(r.approval_margin), "rule.approval_margin",
           r.approval_margin, "a finite number >= 0")
    seen: set[tuple[int, Tier]] = set()
    for i, step in enumerate(cfg.regimes.schedule):
        _check(step.units is None or step.units >= 1, f"regimes.schedule[{i}].units",
               step.units, "null (all units) or at least 1")
        key = (step.year, Tier(step.tier))
        _check(key not in seen, f"regimes.schedule[{i}]", f"{step.year}/{step.tier.value}",
               "at most one step per tier and year")
        seen.add(key)

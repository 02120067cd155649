"""How voters elect maslikhats: seats per council, the system of an election year,
single-member districts and party lists.

A council election day is one turnout decision per voter (:func:`~akimsim.elections.
ballots.turn_out`), then one ballot per layer with the same kernels and counts as akim
elections: the party-list ballot, the regional councils' single-member districts and
the city and district councils' single-member districts. Districts are won by
plurality (:mod:`akimsim.elections.scoring`); a district that "against all" wins, or
that nobody stands in, holds a repeat election (``repeat_elections``), and if that
fails too its seat stays vacant for the term (assumption: later by-elections are not
modelled). List seats go to the parties above the threshold by largest
remainders (:func:`largest_remainder`). Every draw is counter-based, keyed by each
council's ``maslikhats`` key of the year (:mod:`akimsim.kernels.rng`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from akimsim.agents.behaviour.choice import candidate_valence, choice_weights
from akimsim.agents.behaviour.entry import direct_entry
from akimsim.agents.pool import Incumbents
from akimsim.config import (
    CouncilRule,
    CouncilSystem,
    MaslikhatBehaviour,
    PartyConfig,
    RuleConfig,
    RuleName,
    Status,
    Tier,
    VoterBehaviour,
)
from akimsim.config.schema import CandidateBehaviour
from akimsim.elections.ballots import count_flagged, flagged_rows, rank_ballots, turn_out
from akimsim.elections.registry import get_rule
from akimsim.kernels import CandidateArrays, ContestBatch, balanced, sample_kernel
from akimsim.kernels.rng import LIST_DEPUTY, derive_keys, normals
from akimsim.world import Population, Territory

#: sub-keys of a council's ``maslikhats`` key (the day's turnout, the list ballot, the
#: districts' candidates and ballots, the list deputies' positions, a district's repeat
#: elections)
TURNOUT_KEY, LIST_KEY, DISTRICT_KEY, DISTRICT_LOT_KEY, LIST_SEAT_KEY = 1, 2, 3, 4, 5
REPEAT_KEY = 6
_LOCAL_KINDS = ("regional_city", "city")


def seat_counts(rules: MaslikhatBehaviour, territory: Territory, units: np.ndarray
                ) -> np.ndarray:
    """Seats of each unit's maslikhat (int64): the tier's size for a unit of the tier's
    median electorate, scaled by (voters / median) ** ``size_elasticity``, rounded and
    kept within [``min_size``, the legal cap]. Regions (and republican cities) have caps
    of 50, cities of regional significance 30, districts 25 (law)."""
    units = np.asarray(units, dtype=np.int64)
    out = np.zeros(units.shape[0], dtype=np.int64)
    kind = np.array(territory.kind, dtype=object)
    is_region = territory.tier == Tier.region.code
    is_city = (territory.tier == Tier.district.code) & np.isin(kind, _LOCAL_KINDS)
    is_district = (territory.tier == Tier.district.code) & ~is_city
    for mask, size, cap in ((is_region, rules.size_region, 50),
                            (is_city, rules.size_city, 30),
                            (is_district, rules.size_district, 25)):
        group = np.flatnonzero(mask)
        mine = np.isin(units, group)
        if not mine.any():
            continue
        median = float(np.median(territory.voters[group])) or 1.0
        ratio = np.maximum(territory.voters[units[mine]], 1) / median
        seats = np.rint(size * ratio ** rules.size_elasticity)
        out[mine] = np.clip(seats, min(rules.min_size, cap), cap).astype(np.int64)
    return out


def election_years(rules: MaslikhatBehaviour, start_year: int, end_year: int) -> list[int]:
    """The council elections that matter to a run: the last one before ``start_year``
    (it seats the first councils) and every one up to ``end_year``. The listed
    ``election_years``, then one every ``term_years`` after the last and before the
    first (from ``start_year - 1`` back if none is listed)."""
    listed = sorted(rules.election_years)
    term = rules.term_years
    first = listed[0] if listed else start_year - 1
    years = set(listed)
    y = first
    while y >= start_year - 1:
        y -= term
    while y < first:
        years.add(y)
        y += term
    last = max(years)
    while last + term <= end_year:
        last += term
        years.add(last)
    before = [y for y in years if y < start_year]
    opening = max(before) if before else min(years)
    return sorted(y for y in years if opening <= y <= end_year)


def rule_of(rules: MaslikhatBehaviour, year: int) -> CouncilRule:
    """The council rule in force in ``year`` (the last whose year is not after it)."""
    current = rules.systems[0]
    for rule in rules.systems:
        if rule.year <= year:
            current = rule
    return current


def split_seats(system: CouncilSystem, seats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """List seats and single-member districts of councils of ``seats`` under ``system``
    (mixed: half by list, rounded down, the rest in districts)."""
    seats = np.asarray(seats, dtype=np.int64)
    system = CouncilSystem(system)
    if system == CouncilSystem.list:
        return seats.copy(), np.zeros_like(seats)
    if system == CouncilSystem.smd:
        return np.zeros_like(seats), seats.copy()
    half = seats // 2
    return half, seats - half


def district_bounds(start: np.ndarray, stop: np.ndarray, seats: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Single-member districts of councils whose electorates are voter rows
    ``start[j]:stop[j]`` with ``seats[j]`` districts each: consecutive slices of near
    equal size (the voter rows follow the units, so a district is a block of
    neighbouring units). Returns each district's council (an index into the inputs),
    first row and end row (int64)."""
    seats = np.asarray(seats, dtype=np.int64)
    council = np.repeat(np.arange(seats.shape[0]), seats)
    k = np.arange(int(seats.sum()), dtype=np.int64) - np.repeat(np.cumsum(seats) - seats, seats)
    n = (np.asarray(stop) - np.asarray(start)).astype(np.int64)[council]
    s = seats[council]
    first = np.asarray(start, dtype=np.int64)[council]
    return council, first + (n * k) // s, first + (n * (k + 1)) // s


def largest_remainder(votes: np.ndarray, seats: int, ballots: int, threshold: float
                      ) -> np.ndarray:
    """Seats per list (int64, same order as ``votes``) by the Hare quota and largest
    remainders among the lists with at least ``threshold`` of the ``ballots`` cast.

    Equal remainders go to the list listed first (for the Mazhilis the law gives the
    seat to the party registered first). If no list reaches the threshold every list with
    votes shares the seats (assumption); with no votes at all no seat is filled.
    """
    votes = np.asarray(votes, dtype=np.int64)
    out = np.zeros(votes.shape[0], dtype=np.int64)
    passing = (votes > 0) & (votes >= threshold * ballots)
    if not passing.any():
        passing = votes > 0
    total = int(votes[passing].sum())
    if seats <= 0 or total == 0:
        return out
    scaled = votes * seats
    out[passing] = scaled[passing] // total
    remainder = np.where(passing, scaled % total, -1)
    left = seats - int(out.sum())
    order = np.lexsort((np.arange(votes.shape[0]), -remainder))
    out[order[:left]] += 1
    return out


#: the columns of a batch of council rows (:attr:`CouncilsElected.rows`)
COUNCIL_COLUMNS = ("year", "unit", "system", "seats", "list_seats", "district_seats", "filled",
                   "electorate", "ballots", "list_against_all", "list_votes", "seats_by_party",
                   "non_party_seats")


def _add_row(rows: dict[str, list[Any]], year: int, unit: int, system: str, seats: int,
             list_seats: int, district_seats: int, party: np.ndarray, electorate: int,
             ballots: int, list_against_all: int, list_votes: list[int], n_parties: int
             ) -> None:
    """Append one council's row (:data:`COUNCIL_COLUMNS`); deputies by party from
    ``party`` (int64[D], -1 non-party)."""
    by_party = np.bincount(party[party >= 0], minlength=n_parties)[:n_parties]
    values = (year, unit, system, seats, list_seats, district_seats, int(party.shape[0]),
              electorate, ballots, list_against_all, list_votes, by_party.tolist(),
              int((party < 0).sum()))
    for name, value in zip(COUNCIL_COLUMNS, values, strict=True):
        rows[name].append(value)


def vote_delivery(rows: dict[str, list[Any]], dominant: int) -> np.ndarray:
    """The votes each council's unit delivered to the dominant party (float64, one per row
    of ``rows``): ten times its share of the council's seats filled minus its share of all
    the seats filled that day (so 1 is ten percentage points above the country). 0 without
    a dominant party or seats."""
    seats = np.array(rows["seats_by_party"], dtype=np.int64).reshape(len(rows["unit"]), -1)
    filled = np.array(rows["filled"], dtype=np.float64)
    if dominant < 0 or seats.shape[1] <= dominant or filled.sum() <= 0:
        return np.zeros(filled.shape[0])
    won = seats[:, dominant].astype(np.float64)
    share = np.divide(won, filled, out=np.zeros_like(won), where=filled > 0)
    return 10.0 * (share - won.sum() / filled.sum())


def drawn_rows(year: int, units: np.ndarray, seats: np.ndarray, territory: Territory,
               parties: Sequence[np.ndarray], n_parties: int) -> dict[str, list[Any]]:
    """Council rows of councils drawn from their voters (no votes: system ``drawn``)."""
    rows: dict[str, list[Any]] = {name: [] for name in COUNCIL_COLUMNS}
    for u, size, party in zip(np.asarray(units).tolist(), np.asarray(seats).tolist(), parties,
                              strict=True):
        _add_row(rows, year, u, "drawn", size, 0, 0, party, int(territory.voters[u]), 0, 0,
                 [0] * n_parties, n_parties)
    return rows


@dataclass(frozen=True)
class CouncilsElected:
    """A council election's result for a batch of units: each council's deputies
    (positions float64[D, 2], parties int64[D] with -1 non-party, and how each won its
    seat: 0 list, 1 district) and one row of figures per council (:attr:`rows`)."""

    deputies: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    rows: dict[str, Any]


def _list_layer(population: Population, areas: np.ndarray, start: np.ndarray,
                stop: np.ndarray, voted: np.ndarray, rows: np.ndarray, keys: np.ndarray,
                parties: Sequence[PartyConfig], voters: VoterBehaviour, dominant: int,
                rule: RuleConfig, bonus: np.ndarray | None = None) -> np.ndarray:
    """Every counted voter's party-list ballot (``voted``, whose rows are ``rows``),
    cast once for all the list ballots of the day (the lists are the same on each;
    assumption): the party voted for at each of ``rows`` (int8), -1 against all.
    ``areas`` are disjoint electorates covering the voters, with keys ``keys``."""
    p = len(parties)
    c = areas.shape[0]
    party = np.tile(np.arange(p, dtype=np.int64), c)
    xy = np.tile(np.array([[q.x, q.y] for q in parties], dtype=np.float64), (c, 1))
    zero = np.zeros(c * p)
    valence = candidate_valence(zero, party, np.zeros(c * p, dtype=bool), zero, voters,
                                dominant)
    if bonus is not None:  # the dominant party's mobilisation in each area
        valence = valence + np.where(party == dominant, np.repeat(bonus[areas], p), 0.0)
    batch = ContestBatch(starts=start[areas].astype(np.int64), stops=stop[areas].astype(np.int64),
                         cand_start=np.arange(0, (c + 1) * p, p, dtype=np.int64),
                         keys=derive_keys(keys, LIST_KEY), lot_keys=derive_keys(keys, LIST_KEY, 1))
    ranking = np.empty((population.n, 1), dtype=np.int8)
    box = rank_ballots(population, batch, CandidateArrays(xy, valence, party.astype(np.int16)),
                       voted, choice_weights(voters, rule.approval_margin), depth=1,
                       out=ranking, rows=rows)
    return box.ranking[rows, 0]


def _count_lists(choice: np.ndarray, rows: np.ndarray, start: np.ndarray, stop: np.ndarray,
                 p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The list votes per party (int64[J, P]), the ballots against all and the ballots
    (int64[J]) of the councils whose electorates are rows ``start[j]:stop[j]``, from the
    counted voters ``rows`` (ascending) and their list ballots ``choice``."""
    ballots = np.searchsorted(rows, stop) - np.searchsorted(rows, start)
    votes = np.zeros((start.shape[0], p), dtype=np.int64)
    for q in range(p):  # per party, not per voter
        mine = rows[choice == q]
        votes[:, q] = np.searchsorted(mine, stop) - np.searchsorted(mine, start)
    return votes, ballots - votes.sum(axis=1), ballots.astype(np.int64)


def _hold_districts(population: Population, year: int, owners: np.ndarray,
                    first: np.ndarray, end: np.ndarray, keys: np.ndarray,
                    parties: Sequence[PartyConfig], candidates: CandidateBehaviour,
                    voters: VoterBehaviour, dominant: int, rule: RuleConfig, voted: np.ndarray,
                    ballot_rows: np.ndarray, scratch: np.ndarray,
                    bonus: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One ballot in each single-member district ``first[i]:end[i]`` of council unit
    ``owners[i]`` with key ``keys[i]``: the winners' positions float64[S, 2], parties
    int64[S] and whether each seat was filled (bool[S]). ``voted`` flags the ballots
    counted, ``ballot_rows`` lists them; ``scratch`` holds the rankings (int8[N, 1])."""
    s = owners.shape[0]
    xy = np.zeros((s, 2))
    party = np.full(s, -1, dtype=np.int64)
    filled = np.zeros(s, dtype=bool)
    pool = direct_entry(year, owners, keys, end - first, population.unit_median[owners],
                        list(parties), candidates, dominant, Incumbents.none(s))
    counts = pool.counts()
    runs = np.flatnonzero(counts > 0)
    if runs.shape[0] == 0:
        return xy, party, filled
    rows = np.flatnonzero(np.repeat(counts > 0, counts))
    batch = ContestBatch(starts=first[runs], stops=end[runs],
                         cand_start=np.concatenate(([0], np.cumsum(counts[runs]))).astype(np.int64),
                         keys=keys[runs], lot_keys=derive_keys(keys[runs], DISTRICT_LOT_KEY))
    valence = candidate_valence(pool.competence[rows], pool.party[rows],
                                pool.incumbent[rows], pool.record[rows], voters, dominant)
    if bonus is not None:  # the dominant party's mobilisation in each council's unit
        valence = valence + np.where(pool.party[rows] == dominant,
                                     bonus[owners[pool.contest_of()[rows]]], 0.0)
    cands = CandidateArrays(
        xy=np.ascontiguousarray(np.column_stack([pool.x[rows], pool.y[rows]])),
        valence=valence, party=pool.party[rows].astype(np.int16))
    box = rank_ballots(population, batch, cands, voted,
                       choice_weights(voters, rule.approval_margin), depth=1, out=scratch,
                       rows=ballot_rows)
    decided = get_rule(RuleName.plurality).decisions(box, rule)
    won = (decided.winner >= 0) & np.array([st == Status.elected for st in decided.status],
                                           dtype=bool)
    at = rows[decided.cand_start[:-1][won] + decided.winner[won]]
    xy[runs[won]] = np.column_stack([pool.x[at], pool.y[at]])
    party[runs[won]] = pool.party[at]
    filled[runs[won]] = True
    return xy, party, filled


def _district_layer(population: Population, year: int, owners: np.ndarray,
                    seats: np.ndarray, territory: Territory, voted: np.ndarray,
                    keys: np.ndarray, parties: Sequence[PartyConfig],
                    candidates: CandidateBehaviour, voters: VoterBehaviour, dominant: int,
                    rule: RuleConfig, repeats: int, rows: np.ndarray, scratch: np.ndarray,
                    bonus: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The single-member districts of councils ``owners`` (units, ``seats`` districts
    each), decided by plurality with "against all". Candidates come forward as in a
    direct akim race (:func:`~akimsim.agents.behaviour.entry.direct_entry`, no
    incumbent; self-nominees stand around the unit's median voter). A district that
    nobody won ("against all" won, or nobody stood) holds a repeat election with fresh
    candidates, up to ``repeats`` times. Returns each district's council (index into
    ``owners``), the winner's position float64[S, 2] and party int64[S] (-1 non-party)
    and whether the seat was filled (bool[S])."""
    council, first, end = district_bounds(territory.start[owners], territory.stop[owners],
                                          seats)
    s = council.shape[0]
    if s == 0:
        return council, np.zeros((0, 2)), np.zeros(0, dtype=np.int64), np.zeros(0, bool)
    index = np.arange(s, dtype=np.int64) - np.repeat(np.cumsum(seats) - seats, seats)
    dkeys = derive_keys(keys[council], DISTRICT_KEY, index)
    xy, party, filled = _hold_districts(population, year, owners[council], first, end, dkeys,
                                        parties, candidates, voters, dominant, rule, voted,
                                        rows, scratch, bonus)
    for attempt in range(1, repeats + 1):
        again = np.flatnonzero(~filled)
        if again.shape[0] == 0:
            break
        rxy, rparty, rfilled = _hold_districts(
            population, year, owners[council[again]], first[again], end[again],
            derive_keys(dkeys[again], REPEAT_KEY, attempt), parties, candidates, voters,
            dominant, rule, voted, rows, scratch, bonus)
        xy[again], party[again], filled[again] = rxy, rparty, rfilled
    return council, xy, party, filled


def elect_councils(year: int, units: np.ndarray, keys: np.ndarray, territory: Territory,
                   population: Population, rules: MaslikhatBehaviour, voters: VoterBehaviour,
                   candidates: CandidateBehaviour, rule: RuleConfig,
                   parties: Sequence[PartyConfig], dominant: int,
                   bonus: np.ndarray | None = None) -> CouncilsElected:
    """Voters elect the maslikhats of ``units`` (regions and districts) in ``year`` under
    the council rule in force (:func:`rule_of`); ``keys`` are the units' ``maslikhats``
    keys of the year (uint64[U]).

    One turnout draw per voter of the units (logit shift ``rules.salience``), then, for
    the ballots counted (a systematic sample of ``rules.ballot_share`` of the voters who
    turned out, :func:`~akimsim.kernels.sample_kernel`), the list
    ballot if any council has list seats and the districts' ballots, region councils'
    and lower councils' separately. Turnout counts every voter. A council's deputies
    are its list seats' (party members placed around the party's platform with the
    candidates' ``platform_sd``) and its districts' winners. ``bonus`` (float64 per
    territory unit, optional) adds to the dominant party's valence on the ballots of each
    unit's council (the sitting akim's mobilisation: ``akims.mobilisation``).
    """
    units = np.asarray(units, dtype=np.int64)
    keys = np.asarray(keys, dtype=np.uint64)
    terr, p = territory, len(parties)
    current = rule_of(rules, year)
    is_region = terr.tier[units] == Tier.region.code
    systems = [CouncilSystem(current.region if r else current.local) for r in is_region.tolist()]
    seats = seat_counts(rules, terr, units)
    list_seats = np.zeros_like(seats)
    smd_seats = np.zeros_like(seats)
    for system in set(systems):
        mine = np.array([s == system for s in systems], dtype=bool)
        list_seats[mine], smd_seats[mine] = split_seats(system, seats[mine])
    # the day's electorate: the units not inside another unit of the batch
    inside = set(units.tolist())
    roots = np.array([j for j, u in enumerate(units.tolist())
                      if int(terr.parent[u]) not in inside], dtype=np.int64)
    roots = roots[np.argsort(terr.start[units[roots]], kind="stable")]  # rows ascending
    root_units = units[roots]
    day = ContestBatch(starts=terr.start[root_units].astype(np.int64),
                       stops=terr.stop[root_units].astype(np.int64),
                       cand_start=np.zeros(roots.shape[0] + 1, dtype=np.int64),
                       keys=derive_keys(keys[roots], TURNOUT_KEY),
                       lot_keys=derive_keys(keys[roots], TURNOUT_KEY, 1))
    voted = turn_out(population, day, np.full(roots.shape[0], rules.salience))
    counted = voted
    if rules.ballot_share < 1.0:
        counted = np.zeros_like(voted)
        with balanced():
            sample_kernel(day, voted, float(rules.ballot_share), counted)
    # the ballots counted: the only rows each layer reads
    counted_rows = flagged_rows(day, counted)
    choice = None
    if (list_seats > 0).any():
        choice = _list_layer(population, root_units, terr.start, terr.stop, counted,
                             counted_rows, keys[roots], parties, voters, dominant, rule,
                             bonus)
    # one rankings buffer for every district ballot of the day (each writes its own rows)
    scratch = np.empty((population.n, 1), dtype=np.int8)
    district_xy: dict[int, np.ndarray] = {}
    district_party: dict[int, np.ndarray] = {}
    for level in (is_region, ~is_region):  # region councils' districts, then the others'
        group = np.flatnonzero(level & (smd_seats > 0))
        if group.shape[0] == 0:
            continue
        council, xy, party, filled = _district_layer(
            population, year, units[group], smd_seats[group], terr, counted, keys[group],
            parties, candidates, voters, dominant, rule, rules.repeat_elections, counted_rows,
            scratch, bonus)
        for i, j in enumerate(group.tolist()):
            won = (council == i) & filled
            district_xy[j] = xy[won]
            district_party[j] = party[won]
    platforms = np.array([[q.x, q.y] for q in parties], dtype=np.float64).reshape(-1, 2)
    bounds = np.column_stack([terr.start[units], terr.stop[units]]).tolist()
    ballots = count_flagged(terr.start[units], terr.stop[units], voted).tolist()
    list_votes = np.zeros((units.shape[0], p), dtype=np.int64)
    against = np.zeros(units.shape[0], dtype=np.int64)
    won_list = np.zeros((units.shape[0], p), dtype=np.int64)
    listing = np.flatnonzero(list_seats > 0)
    if choice is not None:
        sampled_all, spoilt_all, cast_all = _count_lists(
            choice, counted_rows, terr.start[units[listing]], terr.stop[units[listing]], p)
        for i, j in enumerate(listing.tolist()):
            sampled, spoilt, cast = sampled_all[i], int(spoilt_all[i]), int(cast_all[i])
            won_list[j] = largest_remainder(sampled, int(list_seats[j]), cast,
                                            current.threshold)
            factor = ballots[j] / cast if cast else 0.0  # the sample scaled to the ballots
            list_votes[j] = np.rint(sampled * factor).astype(np.int64)
            against[j] = round(spoilt * factor)
    # list deputies: party members around their party's platform, all councils at once
    per_council = won_list.sum(axis=1)
    owner = np.repeat(np.arange(units.shape[0]), per_council)
    lparty_all = np.repeat(np.tile(np.arange(p, dtype=np.int64), units.shape[0]),
                           won_list.ravel())
    seat = np.arange(owner.shape[0], dtype=np.int64) - np.repeat(
        np.cumsum(per_council) - per_council, per_council)
    z1, z2 = normals(derive_keys(keys[owner], LIST_SEAT_KEY), seat, LIST_DEPUTY)
    lxy_all = platforms[lparty_all] + candidates.platform_sd * np.column_stack([z1, z2])
    cuts = np.concatenate(([0], np.cumsum(per_council))).tolist()
    deputies: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    rows: dict[str, list[Any]] = {name: [] for name in COUNCIL_COLUMNS}
    empty_xy, empty_party = np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    for j, u in enumerate(units.tolist()):
        lparty = lparty_all[cuts[j]:cuts[j + 1]]
        dparty = district_party.get(j, empty_party)
        xy = np.concatenate([lxy_all[cuts[j]:cuts[j + 1]], district_xy.get(j, empty_xy)])
        party = np.concatenate([lparty, dparty]).astype(np.int64)
        how = np.concatenate([np.zeros(lparty.shape[0], np.int8),
                              np.ones(dparty.shape[0], np.int8)])
        deputies.append((xy.astype(np.float64), party, how))
        a, b = bounds[j]
        _add_row(rows, year, u, systems[j].value, int(seats[j]), int(list_seats[j]),
                 int(smd_seats[j]), party, b - a, ballots[j], int(against[j]),
                 list_votes[j].tolist(), p)
    return CouncilsElected(deputies, rows)

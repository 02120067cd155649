"""``AkimModel``: named build phases, then one step per year in named phases.

The model is a thin orchestrator. It owns the territory, the population arrays and
the agents; regimes say who comes forward and decide contests; the model installs
winners and keeps the run's :class:`~akimsim.records.RunRecord`. No vote arithmetic and
no per-voter loop lives here.

Build phases (:meth:`AkimModel.__init__`): the world (territory, parties, voters), the
regimes of every unit, the councils, the first office holders, the voter agents.

Phases of a year (:meth:`AkimModel.step`):

1. ``apply_reforms``: the reform schedule switches units' regimes;
2. ``govern``: every akim produces a performance signal and shows loyalty;
3. ``dismiss``: appointers may dismiss appointed akims they rate poorly, and akims
   elected by a council may leave mid-term;
4. ``elect_maslikhats``: in a council election year the voters elect every council
   (drawn councils are renewed when their term ends);
5. ``select_akims``: posts whose term ended are filled, tier by tier (regions
   first, so lower appointers are the new ones), regime by regime;
6. ``record``: the year's office holders are recorded.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from akimsim.agents import (
    Akim,
    Appointer,
    Candidate,
    Maslikhat,
    President,
    RegionalAkim,
    Voter,
)
from akimsim.agents.behaviour.accountability import Effort, effort_of
from akimsim.agents.behaviour.appraisal import appointer_scores
from akimsim.agents.behaviour.choice import choice_weights
from akimsim.agents.behaviour.entry import shortlist_entry
from akimsim.agents.behaviour.learning import TurnoutLearner
from akimsim.agents.behaviour.retrospection import prior_weight
from akimsim.agents.councils import draw_councils
from akimsim.agents.offices import Offices
from akimsim.agents.officials import appointer_utility
from akimsim.agents.pool import CandidatePool, Incumbents, rank_within
from akimsim.config import (
    REGIMES_IN_ORDER,
    TIERS,
    AgainstAllPolicy,
    AppointerView,
    ConfigWarning,
    ContestKind,
    CouncilComposition,
    NoCandidatePolicy,
    ReformStep,
    RegimeName,
    RuleName,
    RunConfig,
    Status,
    Tier,
    TurnoutLearning,
    validate,
)
from akimsim.elections.councils import (
    drawn_rows,
    elect_councils,
    election_years,
    seat_counts,
    vote_delivery,
)
from akimsim.kernels.rng import APPOINTER_NOISE, normals
from akimsim.records import RunRecord
from akimsim.regimes import (
    ContestKeys,
    ContestOutcome,
    Contests,
    Regime,
    Selection,
    SelectionContext,
    Vacancies,
    get_regime,
)
from akimsim.streams import Purpose, Streams
from akimsim.world import Population, Territory, build_population, build_territory, party_supporters

if TYPE_CHECKING:
    import pandas as pd

#: each regime's name by its code, to name every unit's regime at once
REGIME_VALUES = np.array([r.value for r in REGIMES_IN_ORDER], dtype=object)


def _step_text(step: ReformStep) -> str:
    """What a reform step does, for messages: ``district -> direct, rule two_round``."""
    parts = [f"{Tier(step.tier).value} -> {RegimeName(step.regime).value}"
             if step.regime is not None else f"{Tier(step.tier).value}"]
    if step.rule is not None:
        parts.append(f"rule {RuleName(step.rule).value}")
    return ", ".join(parts)


class AkimModel(mesa.Model):
    """Kazakhstan's akims chosen by appointment, indirect or direct election.

    Build it from a :class:`~akimsim.config.RunConfig` (the defaults simulate the
    shipped territory); ``territory`` overrides the config's territory with a ready
    :class:`~akimsim.world.Territory`. Voter agents are created when the
    electorate is at most ``cfg.max_materialised_voters``; results never depend on it.
    """

    def __init__(self, cfg: RunConfig | None = None, *, territory: Territory | None = None,
                 population: Population | None = None) -> None:
        cfg = cfg if cfg is not None else RunConfig()
        validate(cfg)
        streams = Streams(cfg.seed)
        super().__init__(rng=int(streams.sequence(Purpose.model).generate_state(1)[0]))
        self.cfg = cfg
        self.streams = streams
        self.year = cfg.start_year - 1
        self.pending_kind: dict[int, ContestKind] = {}
        self.year_performance = np.zeros(0)
        self.year_loyalty = np.zeros(0)
        self._build_world(territory, population)
        self._build_regimes()
        council_terms, akim_terms = self._draw_first_terms()
        self._build_councils(council_terms)
        self._build_offices(akim_terms)
        self._build_voter_views()

    # ------------------------------------------------------------------ build phases

    def _build_world(self, territory: Territory | None, population: Population | None = None
                     ) -> None:
        """The territory, the parties, every voter and each unit's party supporters.

        ``population`` is a ready one (read only during a run) that the caller vouches was
        built for this territory, seed, voter behaviour and parties (the replica API
        reuses it across parameter sets that leave those alone; see
        :func:`akimsim.replicas.population_key`)."""
        cfg = self.cfg
        self.territory = territory if territory is not None else build_territory(cfg.territory)
        self.parties = list(cfg.behaviour.parties)
        self.party_names = [p.name for p in self.parties]
        self.dominant = next((i for i, p in enumerate(self.parties) if p.dominant), -1)
        if population is not None and population.n != self.territory.n_voters:
            raise ValueError(f"the population given has {population.n} voters, the "
                             f"territory {self.territory.n_voters}")
        self.population: Population = population if population is not None else \
            build_population(self.territory, cfg.behaviour.voters, self.parties, self.streams)
        # supporters of each party (last column: unattached) in each unit's electorate
        self.party_supporters = party_supporters(self.territory, self.population,
                                                 len(self.parties))
        # voters who learn whether to vote carry their propensities through the run
        self.learner = TurnoutLearner(self.population, cfg.behaviour.voters) \
            if cfg.behaviour.voters.learning == TurnoutLearning.aspiration else None
        # the share of each unit's voters attached to each party (float64[U, P])
        electorate = np.maximum(self.party_supporters.sum(axis=1), 1)[:, None]
        self.support = self.party_supporters[:, :-1] / electorate
        self.run_record = RunRecord(self.territory, self.party_names, self.dominant)
        # the votes each unit delivered to the dominant party at the last council election
        # (what appointers who see signals read; 0 until one is held, and for rural units)
        self.delivery = np.zeros(self.territory.n_units)

    def _build_regimes(self) -> None:
        """Each unit's regime at the start: pinned tiers, then reform steps dated before
        the first year."""
        cfg, terr = self.cfg, self.territory
        self.regime_impl: dict[RegimeName, Regime] = {r: get_regime(r)
                                                       for r in REGIMES_IN_ORDER}
        self.term_limited = frozenset(Tier(t) for t in cfg.behaviour.akims.term_limit_tiers)
        self.pinned: dict[Tier, RegimeName | None] = {
            Tier.region: cfg.regimes.region,
            Tier.district: cfg.regimes.district,
            Tier.rural: cfg.regimes.rural,
        }
        self.unit_regime = np.full(terr.n_units, RegimeName(cfg.regimes.initial).code, np.int8)
        for tier, pinned in self.pinned.items():
            if pinned is not None:
                self.unit_regime[terr.units_of(tier)] = RegimeName(pinned).code
        term = cfg.behaviour.akims.term_years
        # the rule of direct elections in force; reform steps with a rule change it
        self.rule = cfg.rule
        for key, step in cfg.regimes.steps():
            if step.year < cfg.start_year:
                continue
            if self.pinned[Tier(step.tier)] is not None and step.rule is None:
                continue  # a pinned tier ignores the schedule's regimes
            label = f"{key} ({step.year}: {_step_text(step)})"
            if step.year > cfg.end_year:
                warnings.warn(f"{label} falls after end_year {cfg.end_year} and never applies",
                              ConfigWarning, stacklevel=3)
            elif step.year + term > cfg.end_year:
                warnings.warn(
                    f"{label} leaves {cfg.end_year - step.year} year(s) to end_year "
                    f"{cfg.end_year}, less than one {term}-year term: no akim chosen under it "
                    "reaches a regular term end, so re-election and retention under it are "
                    f"not measured; end_year={step.year + term} or later would show one term",
                    ConfigWarning, stacklevel=3)
        # steps dated before the first year apply at the start, in date order
        for key, step in sorted(cfg.regimes.steps(), key=lambda s: s[1].year):
            if step.year < cfg.start_year:
                self._apply_step(key, step, step.year)

    def _draw_first_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """When the first councils' and akims' terms end (staggered, ``territory`` stream)."""
        b, n = self.cfg.behaviour, self.territory.n_units
        init = self.streams.generator(Purpose.territory)
        council_offsets = init.integers(0, b.maslikhats.term_years, size=n)
        akim_offsets = init.integers(0, b.akims.term_years, size=n)
        return self.cfg.start_year + council_offsets, self.cfg.start_year + akim_offsets

    def _build_councils(self, term_end: np.ndarray) -> None:
        """The President and a maslikhat in every region and district: elected by the
        voters in the last council election before the first year, or drawn with
        staggered terms (``maslikhats.composition``)."""
        cfg = self.cfg
        self.president = President(self, self.dominant, cfg.behaviour.appointers)
        self.maslikhats: dict[int, Maslikhat] = {}
        units = np.flatnonzero(self.territory.tier < Tier.rural.code).astype(np.int64)
        rules = cfg.behaviour.maslikhats
        self.elected_councils = rules.composition == CouncilComposition.elected
        # the council elections of the run, and the one after it (a council's term end)
        schedule = election_years(rules, cfg.start_year, cfg.end_year + rules.term_years)
        self.council_years = [y for y in schedule if y <= cfg.end_year]
        self._council_schedule = schedule
        if self.elected_councils:
            opening = self.council_years[0]
            if opening >= cfg.start_year:  # no election before the run: the first one early
                opening = cfg.start_year - 1
            self._elect_councils(opening, units)
        else:
            self._seat_councils(cfg.start_year - 1, units, term_end[units])

    def _next_council_election(self, year: int) -> int:
        later = [y for y in self._council_schedule if y > year]
        return later[0] if later else year + self.cfg.behaviour.maslikhats.term_years

    def _elect_councils(self, year: int, units: np.ndarray) -> None:
        """Voters elect the councils of ``units`` in ``year``
        (:func:`akimsim.elections.councils.elect_councils`); a unit keeps its Maslikhat
        agent across councils."""
        cfg, b = self.cfg, self.cfg.behaviour
        bonus = None
        if b.akims.mobilisation > 0 and hasattr(self, "offices"):
            # sitting akims mobilise for the dominant party by their effort for the appointer
            bonus = b.akims.mobilisation * (self.offices.effort_appointer - b.akims.base_effort)
        result = elect_councils(year, units, self.streams.keys(Purpose.maslikhats, year, units),
                                self.territory, self.population, b.maslikhats, b.voters,
                                b.candidates, cfg.rule, self.parties, self.dominant, bonus)
        end = self._next_council_election(year)
        for u, seats, (xy, party, how) in zip(units.tolist(), result.rows["seats"],
                                              result.deputies, strict=True):
            self._install_council(u, xy, party, end, how, seats)
        self.run_record.add_councils(result.rows)
        self.delivery[units] = vote_delivery(result.rows, self.dominant)

    def _install_council(self, unit: int, xy: np.ndarray, party: np.ndarray, term_end: int,
                         seat_kind: np.ndarray | None = None, seats: int | None = None
                         ) -> None:
        """Seat a new council in ``unit``: its Maslikhat agent is made once and renewed."""
        rules = self.cfg.behaviour.maslikhats
        council = self.maslikhats.get(unit)
        if council is None:
            self.maslikhats[unit] = Maslikhat(self, unit, party.shape[0], rules, xy, party,
                                              term_end, seat_kind, seats)
        else:
            council.renew(xy, party, term_end, rules, seat_kind, seats)

    def _build_offices(self, term_end: np.ndarray) -> None:
        """Every unit's office (arrays, with one Akim agent per unit as a view) and the
        first office holders, appointed top down without a recorded contest (one batch
        per tier, so each tier's appointers are already in office)."""
        terr, cfg = self.territory, self.cfg
        self.offices = Offices(terr.n_units, cfg.end_year - cfg.start_year + 2)
        weights = cfg.behaviour.appointers
        self.akim_of: list[Akim] = [
            (RegionalAkim if terr.tier[u] == Tier.region.code else Akim)(self, self.offices, u,
                                                                         weights)
            for u in range(terr.n_units)]
        year = cfg.start_year - 1
        for tier in TIERS:
            units = terr.units_of(tier).astype(np.int64)
            self._appoint(year, units, RegimeName(cfg.regimes.initial), term_end[units],
                          acting=False)

    def _build_voter_views(self) -> None:
        """Voter agents (views onto the arrays) and their last choices, for small models."""
        self.materialised = self.territory.n_voters <= self.cfg.max_materialised_voters
        self.last_choice: np.ndarray | None = None
        if self.materialised:
            self.last_choice = np.full(self.population.n, -3, dtype=np.int16)
            for row in range(self.population.n):  # teaching scale only: agent views
                Voter(self, self.population, row)

    # ------------------------------------------------------------------ helpers

    def tier_of(self, unit: int) -> Tier:
        return self.territory.tier_of(unit)

    def regime_of(self, unit: int) -> RegimeName:
        return RegimeName.from_code(int(self.unit_regime[unit]))

    def appointer_of(self, unit: int) -> Appointer:
        """The President for regions, else the akim of the unit above."""
        parent = int(self.territory.parent[unit])
        return self.president if parent < 0 else self.akim_of[parent]

    def councils_for(self, unit: int, regime: RegimeName, year: int | None = None
                     ) -> list[Maslikhat]:
        """Maslikhats that vote on (indirect) or consent to (appointment) a unit's akim.

        Rural posts: the district maslikhat. Districts: their own. Regions: their own
        maslikhat for an indirect election; for consent, the deputies of all maslikhats
        of the region in a joint vote, except before ``appointers.consent_choice_from``
        (2022; when set), when the region's own maslikhat consents.
        """
        since = self.cfg.behaviour.appointers.consent_choice_from
        terr = self.territory
        tier = self.tier_of(unit)
        if tier == Tier.rural:
            return [self.maslikhats[int(terr.parent[unit])]]
        if tier == Tier.district:
            return [self.maslikhats[unit]]
        if regime == RegimeName.appointment and (since is None or year is None
                                                 or year >= since):
            below = [int(d) for d in terr.children(unit) if int(d) in self.maslikhats]
            return [self.maslikhats[unit]] + [self.maslikhats[d] for d in below]
        return [self.maslikhats[unit]]

    @property
    def outcomes(self) -> list[ContestOutcome]:
        """Every contest's outcome so far, in the order they were decided."""
        return self.run_record.outcomes

    def _seat_councils(self, year: int, units: np.ndarray, term_end: np.ndarray) -> None:
        """New councils for ``units``, drawn from their voters as one batch (the
        ``maslikhats`` key of the year and unit; :func:`akimsim.agents.councils.
        draw_councils`); a unit keeps its Maslikhat agent across councils."""
        if units.shape[0] == 0:
            return
        terr, rules = self.territory, self.cfg.behaviour.maslikhats
        sizes = seat_counts(rules, terr, units)
        drawn = draw_councils(
            self.streams.keys(Purpose.maslikhats, year, units),
            np.column_stack([terr.start[units], terr.stop[units]]), self.population.xy,
            self.party_supporters[units], sizes, self.dominant, self.parties, rules,
            self.cfg.behaviour.voters.party_pull)
        for u, end, (xy, party) in zip(units.tolist(), np.asarray(term_end).tolist(), drawn,
                                       strict=True):
            self._install_council(u, xy, party, int(end))
        self.run_record.add_councils(drawn_rows(year, units, sizes, terr,
                                                [party for _, party in drawn], len(self.parties)))

    def _effort(self, units: np.ndarray, regime: RegimeName, party: np.ndarray,
                terms: np.ndarray | int) -> Effort:
        """The effort of the akims of ``units`` selected by ``regime`` with ``party`` for
        their ``terms``-th term in a row (``akims.effort``; a last allowed term has no
        career concerns)."""
        a = self.cfg.behaviour.akims
        tiers = self.territory.tier[units]
        limited = np.isin(tiers, [t.code for t in self.term_limited])
        last = limited & (a.term_limit > 0) & (np.asarray(terms) >= a.term_limit)
        return effort_of(np.full(np.shape(party), regime.code), party, last, self.dominant,
                         self.cfg.behaviour)

    def _appointer_party(self, units: np.ndarray) -> np.ndarray:
        """The party of each unit's appointer (the President's for regions; int64)."""
        parent = self.territory.parent[units]
        return np.where(parent < 0, self.president.party,
                        self.offices.party[np.maximum(parent, 0)]).astype(np.int64)

    def _appoint(self, year: int, units: np.ndarray, regime: RegimeName,
                 term_end: np.ndarray, acting: bool) -> None:
        """Each unit's appointer picks an akim from a fresh shortlist, for a batch of
        units at once (the first office holders, and acting akims after a failed
        contest: ``acting`` keys the draws apart, sub-key 1)."""
        b = self.cfg.behaviour
        sub = int(acting)
        pool = shortlist_entry(year, units, self.streams.keys(Purpose.candidates, year, units, sub),
                               self.population.unit_median[units], self.parties, b.candidates,
                               self.dominant, Incumbents.none(units.shape[0]), acting=acting)
        post = pool.contest_of()
        keys = self.streams.keys(Purpose.appointers, year, units, sub)
        noise, _ = normals(keys[post], pool.slot_of(), APPOINTER_NOISE)
        utility = appointer_scores(pool, keys, self._appointer_party(units)[post], noise, b,
                                   self.dominant)
        first = rank_within(utility, pool.start)[pool.start[:-1]]
        self.offices.seat(units, pool, first, year, regime.code, term_end,
                          self._effort(units, regime, pool.party[first], 1), acting)

    # ------------------------------------------------------------------ phases

    def step(self) -> None:
        """One year: the phases in their fixed order."""
        self.year += 1
        year = self.year
        self.apply_reforms(year)
        self.govern(year)
        self.dismiss(year)
        self.elect_maslikhats(year)
        self.select_akims(year)
        self.record(year)
        if year >= self.cfg.end_year:
            self.running = False

    def _apply_step(self, key: str, step: ReformStep, year: int) -> None:
        tier = Tier(step.tier)
        if step.rule is not None:  # the tier's rule from this year on
            changes: dict[str, Any] = {tier.value: RuleName(step.rule)}
            self.rule = replace(self.rule, **changes)
        if step.regime is None or self.pinned[tier] is not None:
            return  # a rule-only step; a pinned tier ignores the schedule's regimes
        code = RegimeName(step.regime).code
        units = self.territory.units_of(tier)
        switching = units[self.unit_regime[units] != code]
        if step.units is not None and step.units > switching.shape[0]:
            warnings.warn(f"{key} switches {step.units} {tier.value} units "
                          f"to {RegimeName(step.regime).value} in {year}, but the territory "
                          f"has {switching.shape[0]} not yet switched: all of them switch",
                          ConfigWarning, stacklevel=4)
        if step.units is not None and step.units < switching.shape[0]:
            rng = self.streams.generator(Purpose.reforms, year, tier.code)
            switching = np.sort(rng.choice(switching, size=step.units, replace=False))
        self.unit_regime[switching] = code
        if step.immediate and year >= self.cfg.start_year:
            ending = switching[self.offices.term_end[switching] > year]
            self.offices.term_end[ending] = year
            for u in ending.tolist():
                self.pending_kind[u] = ContestKind.reform

    def apply_reforms(self, year: int) -> None:
        """Switch regimes (and rules) per the reform steps dated ``year``."""
        for key, step in self.cfg.regimes.steps():
            if step.year == year:
                self._apply_step(key, step, year)

    def govern(self, year: int) -> None:
        """Every akim's year in office: a performance signal and shown loyalty."""
        a = self.cfg.behaviour.akims
        rng = self.streams.generator(Purpose.governance, year)
        n = self.territory.n_units
        shocks = rng.normal(scale=a.performance_noise, size=n)
        loyalty_shocks = rng.normal(scale=a.performance_noise, size=n)
        o = self.offices
        self.year_performance = o.competence + a.effort_gain * o.effort_voters + shocks
        self.year_loyalty = o.loyalty + a.loyalty_gain * o.effort_appointer + loyalty_shocks
        o.remember(self.year_performance, self.year_loyalty)

    def dismiss(self, year: int) -> None:
        """Appointers may dismiss the akims they appointed (and acting ones) mid-term;
        then akims elected by a council may leave (:meth:`_depart`)."""
        if self.cfg.behaviour.appointers.dismissal_rate > 0:
            self._dismiss_appointed(year)
        self._depart(year)

    def _dismiss_appointed(self, year: int) -> None:
        """Appointers rate the akims they appointed (and acting ones) and dismiss the
        poorly rated with ``dismissal_rate`` (``governance`` stream, sub-key 1)."""
        ap = self.cfg.behaviour.appointers
        rng = self.streams.generator(Purpose.governance, year, 1)
        n = self.territory.n_units
        noise = rng.standard_normal(n)
        draw = rng.random(n)
        years = self.cfg.behaviour.akims.term_years
        o, appointed = self.offices, RegimeName.appointment.code
        units = np.flatnonzero((self.unit_regime == appointed) & (o.term_end > year)
                               & ((o.regime == appointed) | o.acting))
        rating = appointer_utility(ap, o.mean_loyalty(units, years), o.record(units, years),
                                   o.party[units], self._appointer_party(units), noise[units])
        if ap.observation == AppointerView.signals and ap.delivery_weight != 0:
            rating = rating + ap.delivery_weight * self.delivery[units]
        out = units[(rating < ap.dismissal_threshold) & (draw[units] < ap.dismissal_rate)]
        o.term_end[out] = year
        for u in out.tolist():
            self.pending_kind[u] = ContestKind.dismissal

    def _depart(self, year: int) -> None:
        """Akims elected by a council leave mid-term with ``akims.departure_rate`` a year
        (``governance`` stream, sub-key 2); the council elects a successor this year."""
        rate = self.cfg.behaviour.akims.departure_rate
        if rate <= 0:
            return
        o, indirect = self.offices, RegimeName.indirect.code
        draw = self.streams.generator(Purpose.governance, year, 2).random(o.n)
        out = np.flatnonzero((self.unit_regime == indirect) & (o.regime == indirect)
                             & ~o.acting & (o.term_end > year) & (draw < rate))
        o.term_end[out] = year
        for u in out.tolist():
            self.pending_kind[u] = ContestKind.departure

    def elect_maslikhats(self, year: int) -> None:
        """Renew councils: every council in a council election year (elected councils),
        or those whose five-year term ends this year (drawn councils)."""
        if self.elected_councils:
            if year in self.council_years:
                units = np.array(sorted(self.maslikhats), dtype=np.int64)
                self._elect_councils(year, units)
            return
        term = self.cfg.behaviour.maslikhats.term_years
        due = np.array([u for u, c in self.maslikhats.items() if c.term_end <= year],
                       dtype=np.int64)
        self._seat_councils(year, due, np.full(due.shape[0], year + term))

    def select_akims(self, year: int) -> None:
        """Fill every post whose term ended: tier by tier, regime by regime."""
        terr = self.territory
        ends = self.offices.term_end
        for tier in TIERS:
            units = terr.units_of(tier)
            due = units[ends[units] <= year]
            for regime in REGIMES_IN_ORDER:
                batch = due[self.unit_regime[due] == regime.code].astype(np.int64)
                if batch.shape[0]:
                    self._run_batch(year, tier, regime, batch)

    def _vacancies(self, year: int, tier: Tier, units: np.ndarray) -> Vacancies:
        """The posts of ``units`` in ``year``: why each is open and whether its akim may
        stand again."""
        b = self.cfg.behaviour
        ulist = units.tolist()
        pending = self.pending_kind
        kinds = tuple(pending.pop(u, ContestKind.regular) for u in ulist) if pending else (
            (ContestKind.regular,) * len(ulist))
        o = self.offices
        limit = b.akims.term_limit if tier in self.term_limited else 0
        dismissed = np.array([k == ContestKind.dismissal for k in kinds], dtype=bool)
        eligible = ~dismissed & ~((limit > 0) & (o.consecutive_terms[units] >= limit))
        incumbents = Incumbents(
            eligible=eligible, person_id=o.person_id[units], x=o.x[units], y=o.y[units],
            competence=o.competence[units], loyalty=o.loyalty[units], party=o.party[units],
            record=o.record(units, b.akims.term_years),
            shown=o.mean_loyalty(units, b.akims.term_years),
            belief=o.belief(units, prior_weight(b)), delivery=self.delivery[units])
        below: tuple[tuple[Maslikhat, ...], ...] = ((),) * len(ulist)
        if b.candidates.council_signature_threshold > 0:
            below = tuple(tuple(self.councils_for(u, RegimeName.appointment)) for u in ulist)
        return Vacancies(year=year, tier=tier, units=units, kinds=kinds, incumbents=incumbents,
                         electorate=self.territory.voters[units].astype(np.int64),
                         median=self.population.unit_median[units], councils_below=below,
                         keys=self.streams.keys(Purpose.candidates, year, units))

    def _contests(self, vac: Vacancies, regime: RegimeName, pool: CandidatePool
                  ) -> Contests:
        """The batch's contests: who came forward, who chooses, and the draws' keys."""
        year, units, terr = vac.year, vac.units, self.territory
        consent = vac.tier in {Tier(t) for t in self.cfg.behaviour.appointers.consent_tiers}
        if regime == RegimeName.indirect or (regime == RegimeName.appointment and consent):
            councils = tuple(tuple(self.councils_for(u, regime, year)) for u in units.tolist())
        else:
            councils = ((),) * vac.n
        keys = ContestKeys(
            appointers=self.streams.keys(Purpose.appointers, year, units),
            lots=self.streams.keys(Purpose.lots, year, units),
            ballots=self.streams.keys(Purpose.ballots, year, units),
            ballot_lots=self.streams.keys(Purpose.lots, year, units, 1))
        return Contests(year=year, tier=vac.tier, regime=regime, units=units, kinds=vac.kinds,
                        pool=pool, appointer_party=self._appointer_party(units),
                        councils=councils, start=terr.start[units].astype(np.int64),
                        stop=terr.stop[units].astype(np.int64), keys=keys)

    def _run_batch(self, year: int, tier: Tier, regime: RegimeName, units: np.ndarray) -> None:
        learner = self.learner
        ctx = SelectionContext(self.population, self.cfg.behaviour, self.rule,
                               self.dominant, self.parties, record_choices=self.materialised,
                               support=self.support,
                               voters_per_row=1.0 / self.cfg.territory.scale,
                               turnout_logit=None if learner is None else learner.logit)
        impl = self.regime_impl[regime]
        vac = self._vacancies(year, tier, units)
        contests = self._contests(vac, regime, impl.come_forward(vac, ctx))
        views: list[Candidate] = []
        if self.materialised:  # teaching scale: candidates as agents while they stand
            post = contests.pool.contest_of().tolist()
            views = [Candidate(self, contests.pool, k, int(units[j]), year)
                     for k, j in enumerate(post)]
        selection = impl.select(contests, ctx)
        if learner is not None and selection.ballots is not None:
            batch, cands, voted, winner = selection.ballots
            learner.update(batch, cands, choice_weights(self.cfg.behaviour.voters,
                                                        self.cfg.rule.approval_margin),
                           voted, winner)
        if selection.choices is not None and self.last_choice is not None:
            seen = selection.choices != -3
            self.last_choice[seen] = selection.choices[seen]
        self._install(contests, vac, selection)
        for view in views:
            view.remove()

    def _install(self, contests: Contests, vac: Vacancies, selection: Selection) -> None:
        """Put each winner in office, or handle a failed contest by the rule's policy
        (acting akims appointed as one batch)."""
        year, pool, units = contests.year, contests.pool, contests.units
        term = self.cfg.behaviour.akims.term_years
        regime = RegimeName(contests.regime)
        rule = self.rule
        winners = selection.winners
        won = winners >= 0
        again = won.copy()
        again[won] = pool.incumbent[winners[won]]
        new = won & ~again
        o = self.offices
        kept = units[again]
        o.renew(kept, year + term, regime.code,
                self._effort(kept, regime, o.party[kept], o.consecutive_terms[kept] + 1))
        rows = winners[new]
        o.seat(units[new], pool, rows, year, regime.code, year + term,
               self._effort(units[new], regime, pool.party[rows], 1), acting=False)
        failed: list[tuple[int, bool]] = []
        cols = selection.columns
        for j in np.flatnonzero(~won).tolist():  # failed contests: a few per batch
            status = cols.status[j]
            if status == Status.against_all:
                rerun = rule.against_all_wins == AgainstAllPolicy.rerun
            elif status == Status.consent_refused:
                rerun = True
            else:
                rerun = rule.no_candidates == NoCandidatePolicy.rerun
            failed.append((int(units[j]), rerun))
        self.run_record.add_batch(cols, vac.incumbents.record, vac.median,
                                  vac.incumbents.delivery)
        if failed:
            lost = np.array([u for u, _ in failed], dtype=np.int64)
            ends = np.array([year + 1 if rerun else year + term for _, rerun in failed])
            self._appoint(year, lost, RegimeName.appointment, ends, acting=True)
            for unit, rerun in failed:
                if rerun:
                    self.pending_kind[unit] = ContestKind.rerun

    def record(self, year: int) -> None:
        """Record every office holder at the year's end (one row per unit), with the
        performance and loyalty the unit's office produced during the year."""
        o = self.offices
        n = o.n
        columns: dict[str, Any] = {
            "year": np.full(n, year, dtype=np.int64),
            "unit": np.arange(n, dtype=np.int64),
            "tier_code": self.territory.tier.astype(np.int64),
            "unit_regime": REGIME_VALUES[self.unit_regime].tolist(),
            "selected_by": REGIME_VALUES[o.regime].tolist(),
            "acting": o.acting.tolist(),
            "person_id": o.person_id.tolist(),
            "party": o.party.tolist(),
            "competence": o.competence.tolist(),
            "focus": o.focus.tolist(),
            "effort_voters": o.effort_voters.copy(),
            "effort_appointer": o.effort_appointer.copy(),
            "performance": self.year_performance.copy(),
            "loyalty_shown": self.year_loyalty.copy(),
            "tenure": o.tenure.tolist(),
        }
        self.run_record.add_offices(columns)

    # ------------------------------------------------------------------ running

    def run(self, progress: bool = False) -> AkimModel:
        """Step until ``end_year``; shows a progress bar over years if asked."""
        years: Iterable[int] = range(self.year + 1, self.cfg.end_year + 1)
        if progress:
            from tqdm.auto import tqdm

            years = tqdm(list(years), desc="akimsim years", unit="yr")
        for _ in years:
            self.step()
        return self

    def release(self) -> None:
        """Remove every agent and forget this model in Mesa's per-model id counter, so
        the garbage collector can reclaim it once the caller drops it.

        Mesa 3.3 keeps every model ever created in the class attribute
        ``mesa.Agent._ids`` (Mesa issue #3179, fixed in later releases), so a process
        that runs many models one after another (a sweep) would hold all of them. The
        tables stay available after ``release``; the agents do not.
        """
        self.remove_all_agents()
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)

    def office_table(self) -> pd.DataFrame:
        """Every office holder in every simulated year (tidy)."""
        from akimsim.metrics import office_table

        return office_table(self.run_record)

    def contest_table(self) -> pd.DataFrame:
        """One row per contest (see :func:`akimsim.metrics.contest_table`)."""
        from akimsim.metrics import contest_table

        return contest_table(self.run_record)

    def council_table(self) -> pd.DataFrame:
        """One row per council seated (see :func:`akimsim.metrics.council_table`)."""
        from akimsim.metrics import council_table

        return council_table(self.run_record)

    def summary_table(self) -> pd.DataFrame:
        """Yearly metrics per tier and regime (see :func:`akimsim.metrics.summary_table`)."""
        from akimsim.metrics import summary_table

        return summary_table(self.run_record)

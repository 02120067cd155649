"""``AkimModel``: one step per year, named phases in a fixed order.

The model is a thin orchestrator. It owns the territory, the population arrays and
the agents; regimes decide contests and return outcomes; the model installs winners
and records. No vote arithmetic and no per-voter loop lives here.

Phases of a year (:meth:`AkimModel.step`):

1. ``apply_reforms``: the reform schedule switches units' regimes;
2. ``govern``: every akim produces a performance signal and shows loyalty;
3. ``dismiss``: appointers may dismiss appointed akims they rate poorly;
4. ``elect_maslikhats``: councils whose term ends are renewed;
5. ``select_akims``: posts whose term ended are filled, tier by tier (regions
   first, so lower appointers are the new ones), regime by regime;
6. ``record``: the year's office holders are recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import mesa
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from akimsim._jit import balanced
from akimsim.agents import (
    Akim,
    Applicant,
    Appointer,
    Candidate,
    Maslikhat,
    Person,
    President,
    RegionalAkim,
    Voter,
    accountability_focus,
)
from akimsim.config import (
    TIERS,
    AgainstAllPolicy,
    NoCandidatePolicy,
    RegimeName,
    RunConfig,
    Tier,
    validate,
)
from akimsim.entry import Entrant, direct_entrants, shortlist
from akimsim.kernels import party_count_kernel
from akimsim.population import Population, build_population
from akimsim.regimes import Contest, ContestOutcome, Direct, Regime, SelectionContext, get_regime
from akimsim.streams import Purpose, Streams
from akimsim.territory import TIER_CODE, Territory, build_territory

REGIME_ORDER: tuple[RegimeName, ...] = (
    RegimeName.appointment,
    RegimeName.indirect,
    RegimeName.direct,
)
REGIME_CODE: dict[RegimeName, int] = {r: i for i, r in enumerate(REGIME_ORDER)}


def party_supporters(territory: Territory, population: Population, n_parties: int
                     ) -> np.ndarray:
    """Voters attached to each party in each unit's whole electorate.

    int64[U, P + 1], the last column the unattached: counted over each unit's own
    voters by a kernel, then summed up the hierarchy (children follow parents).
    """
    counts = np.zeros((territory.n_units, n_parties + 1), dtype=np.int64)
    with balanced():
        party_count_kernel(territory.start, territory.own_voters, population.party, counts)
    for u in range(territory.n_units - 1, -1, -1):  # per unit, not per voter
        p = territory.parent[u]
        if p >= 0:
            counts[p] += counts[u]
    return counts


class AkimModel(mesa.Model):
    """Kazakhstan's akims chosen by appointment, indirect or direct election.

    Build it from a :class:`~akimsim.config.RunConfig` (the defaults simulate the
    shipped territory); ``territory`` overrides the config's territory with a ready
    :class:`~akimsim.territory.Territory`. Voter agents are created when the
    electorate is at most ``cfg.max_materialised_voters``; results never depend on it.
    """

    def __init__(self, cfg: RunConfig | None = None, *, territory: Territory | None = None
                 ) -> None:
        cfg = cfg if cfg is not None else RunConfig()
        validate(cfg)
        streams = Streams(cfg.seed)
        super().__init__(rng=int(streams.sequence(Purpose.model).generate_state(1)[0]))
        self.cfg = cfg
        self.streams = streams
        self.territory = territory if territory is not None else build_territory(cfg.territory)
        self.parties = list(cfg.behaviour.parties)
        self.party_names = [p.name for p in self.parties]
        self.dominant = next((i for i, p in enumerate(self.parties) if p.dominant), -1)
        self.year = cfg.start_year - 1
        self.population: Population = build_population(
            self.territory, cfg.behaviour.voters, self.parties, streams
        )
        self.regime_impl: dict[RegimeName, Regime] = {r: get_regime(r) for r in REGIME_ORDER}
        self._next_person = 0
        self.outcomes: list[ContestOutcome] = []
        self.contest_extras: list[dict[str, Any]] = []
        self._office_frames: list[pd.DataFrame] = []
        self.pending_kind: dict[int, str] = {}
        self.year_performance = np.zeros(0)
        self.year_loyalty = np.zeros(0)
        terr = self.territory
        n = terr.n_units

        # regimes per unit
        self.term_limited = frozenset(Tier(t) for t in cfg.behaviour.akims.term_limit_tiers)
        self.pinned: dict[Tier, RegimeName | None] = {
            Tier.region: cfg.regimes.region,
            Tier.district: cfg.regimes.district,
            Tier.rural: cfg.regimes.rural,
        }
        self.unit_regime = np.full(n, REGIME_CODE[RegimeName(cfg.regimes.initial)], np.int8)
        for tier, pinned in self.pinned.items():
            if pinned is not None:
                self.unit_regime[terr.units_of(tier)] = REGIME_CODE[RegimeName(pinned)]
        for step in sorted(cfg.regimes.schedule, key=lambda s: s.year):
            if step.year < cfg.start_year:
                self._apply_step(step, step.year)

        # supporters of each party (last column: unattached) in each unit's electorate
        self.party_supporters = party_supporters(self.territory, self.population,
                                                 len(self.parties))
        # appointers and councils
        self.president = President(self, self.dominant, cfg.behaviour.appointers)
        self.maslikhats: dict[int, Maslikhat] = {}
        init = streams.generator(Purpose.territory)
        m_offsets = init.integers(0, cfg.behaviour.maslikhats.term_years, size=n)
        a_offsets = init.integers(0, cfg.behaviour.akims.term_years, size=n)
        for council_unit in np.flatnonzero(terr.tier < TIER_CODE["rural"]).tolist():
            self.maslikhats[council_unit] = self._new_maslikhat(
                council_unit, cfg.start_year - 1, int(cfg.start_year + m_offsets[council_unit])
            )
        # initial office holders, appointed top-down without a recorded contest
        self.akim_of: list[Akim] = [None] * n  # type: ignore[list-item]
        for u in range(n):  # per unit; parents precede children in pre-order
            self._install_initial(u, int(cfg.start_year + a_offsets[u]))

        self.materialised = terr.n_voters <= cfg.max_materialised_voters
        self.last_choice: np.ndarray | None = None
        if self.materialised:
            self.last_choice = np.full(self.population.n, -3, dtype=np.int16)
            for row in range(self.population.n):  # teaching scale only: agent views
                Voter(self, self.population, row)

    # ------------------------------------------------------------------ helpers

    def _person_id(self) -> int:
        self._next_person += 1
        return self._next_person

    def tier_of(self, unit: int) -> Tier:
        return TIERS[int(self.territory.tier[unit])]

    def regime_of(self, unit: int) -> RegimeName:
        return REGIME_ORDER[int(self.unit_regime[unit])]

    def appointer_of(self, unit: int) -> Appointer:
        """The President for regions, else the akim of the unit above."""
        parent = int(self.territory.parent[unit])
        return self.president if parent < 0 else self.akim_of[parent]

    def councils_for(self, unit: int, regime: RegimeName) -> list[Maslikhat]:
        """Maslikhats that vote on (indirect) or consent to (appointment) a unit's akim.

        Rural posts: the district maslikhat. Districts: their own. Regions: their own
        maslikhat for an indirect election; for consent, since 2022 the deputies of all
        maslikhats of the region in a joint vote.
        """
        terr = self.territory
        tier = self.tier_of(unit)
        if tier == Tier.rural:
            return [self.maslikhats[int(terr.parent[unit])]]
        if tier == Tier.district:
            return [self.maslikhats[unit]]
        if regime == RegimeName.appointment:
            below = [int(d) for d in terr.children(unit) if int(d) in self.maslikhats]
            return [self.maslikhats[unit]] + [self.maslikhats[d] for d in below]
        return [self.maslikhats[unit]]

    def _new_maslikhat(self, unit: int, year: int, term_end: int) -> Maslikhat:
        """Draw a council's deputies from the unit's voters (``maslikhats`` stream)."""
        terr, pop, rules = self.territory, self.population, self.cfg.behaviour.maslikhats
        rng = self.streams.generator(Purpose.maslikhats, year, unit)
        if terr.tier[unit] == TIER_CODE["region"]:
            size = rules.size_region
        elif terr.kind[unit] in ("regional_city", "city"):
            size = rules.size_city
        else:
            size = rules.size_district
        s, e = int(terr.start[unit]), int(terr.stop[unit])
        rows = rng.integers(s, e, size=size)
        xy = pop.xy[rows].astype(np.float64)
        # seats: parties by their supporters' share, the dominant party boosted
        counts = self.party_supporters[unit].astype(np.float64)
        if self.dominant >= 0:
            counts[self.dominant] *= rules.dominant_seat_bonus
        probs = counts / counts.sum()
        seat = rng.choice(len(probs), size=size, p=probs)
        party = np.where(seat == len(self.parties), -1, seat).astype(np.int64)
        platforms = np.array([[p.x, p.y] for p in self.parties])
        member = party >= 0
        pull = self.cfg.behaviour.voters.party_pull
        xy[member] = (1 - pull) * xy[member] + pull * platforms[party[member]]
        return Maslikhat(self, unit, size, rules, xy, party, term_end)

    def _candidate(self, unit: int, year: int, entrant: Entrant, incumbent: Akim | None
                   ) -> Candidate:
        is_inc = incumbent is not None and entrant.traits is incumbent.traits
        if is_inc and incumbent is not None:
            return Candidate(self, incumbent.person_id, unit, year, entrant.traits,
                             entrant.nomination, incumbent=True,
                             record=incumbent.record(self.cfg.behaviour.akims.term_years))
        return Candidate(self, self._person_id(), unit, year, entrant.traits, entrant.nomination)

    def _focus(self, regime: RegimeName, party: int) -> float:
        b = self.cfg.behaviour
        return accountability_focus(regime, party, self.dominant, b.appointers,
                                    b.voters.record_weight, b.voters.admin_support)

    def _make_akim(self, unit: int, cand: Person, year: int, regime: RegimeName,
                   term_end: int, acting: bool) -> Akim:
        cls = RegionalAkim if self.tier_of(unit) == Tier.region else Akim
        return cls(self, unit, cand, year, regime, term_end, self._focus(regime, cand.party),
                   self.cfg.behaviour.appointers, acting=acting)

    def _install_initial(self, unit: int, term_end: int) -> None:
        rng = self.streams.generator(Purpose.candidates, self.cfg.start_year - 1, unit)
        b = self.cfg.behaviour
        entrants = shortlist(rng, self.population.unit_median[unit], self.parties,
                             b.candidates, self.dominant, None)
        people = [Applicant(self._person_id(), e.traits, e.nomination) for e in entrants]
        order = self.appointer_of(unit).rank(people, rng.standard_normal(len(people)))
        regime = RegimeName(self.cfg.regimes.initial)
        self.akim_of[unit] = self._make_akim(unit, people[int(order[0])],
                                             self.cfg.start_year - 1, regime, term_end,
                                             acting=False)

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

    def _apply_step(self, step: Any, year: int) -> None:
        tier = Tier(step.tier)
        if self.pinned[tier] is not None:
            return  # a pinned tier ignores the schedule
        code = REGIME_CODE[RegimeName(step.regime)]
        units = self.territory.units_of(tier)
        switching = units[self.unit_regime[units] != code]
        if step.units is not None and step.units < switching.shape[0]:
            rng = self.streams.generator(Purpose.reforms, year, TIER_CODE[tier.value])
            switching = np.sort(rng.choice(switching, size=step.units, replace=False))
        self.unit_regime[switching] = code
        if step.immediate and year >= self.cfg.start_year:
            for u in switching:
                akim = self.akim_of[int(u)]
                if akim.term_end > year:
                    akim.term_end = year
                    self.pending_kind[int(u)] = "reform"

    def apply_reforms(self, year: int) -> None:
        """Switch regimes per the reform schedule (steps dated ``year``)."""
        for step in self.cfg.regimes.schedule:
            if step.year == year:
                self._apply_step(step, year)

    def govern(self, year: int) -> None:
        """Every akim's year in office: a performance signal and shown loyalty."""
        a = self.cfg.behaviour.akims
        rng = self.streams.generator(Purpose.governance, year)
        n = self.territory.n_units
        shocks = rng.normal(scale=a.performance_noise, size=n)
        loyalty_shocks = rng.normal(scale=a.performance_noise, size=n)
        self.year_performance = np.zeros(n)
        self.year_loyalty = np.zeros(n)
        for u, akim in enumerate(self.akim_of):  # per office, not per voter
            perf, loyalty = akim.govern(a.effort_gain, a.loyalty_gain, float(shocks[u]),
                                        float(loyalty_shocks[u]))
            akim.remember(perf, loyalty)
            self.year_performance[u] = perf
            self.year_loyalty[u] = loyalty

    def dismiss(self, year: int) -> None:
        """Appointers may dismiss the akims they appointed (and acting ones) mid-term."""
        ap = self.cfg.behaviour.appointers
        if ap.dismissal_rate <= 0:
            return
        rng = self.streams.generator(Purpose.governance, year, 1)
        n = self.territory.n_units
        noise = rng.standard_normal(n)
        draw = rng.random(n)
        years = self.cfg.behaviour.akims.term_years
        for u, akim in enumerate(self.akim_of):
            if self.regime_of(u) != RegimeName.appointment or akim.term_end <= year:
                continue
            if akim.regime != RegimeName.appointment and not akim.acting:
                continue
            rating = self.appointer_of(u).evaluation(akim.mean_loyalty(years), akim.record(years),
                                                     akim.party, float(noise[u]))
            if rating < ap.dismissal_threshold and draw[u] < ap.dismissal_rate:
                akim.term_end = year
                self.pending_kind[u] = "dismissal"

    def elect_maslikhats(self, year: int) -> None:
        """Renew councils whose five-year term ends this year."""
        term = self.cfg.behaviour.maslikhats.term_years
        for u, council in list(self.maslikhats.items()):
            if council.term_end <= year:
                council.remove()
                self.maslikhats[u] = self._new_maslikhat(u, year, year + term)

    def select_akims(self, year: int) -> None:
        """Fill every post whose term ended: tier by tier, regime by regime."""
        terr = self.territory
        ends = np.array([a.term_end for a in self.akim_of])
        for tier in TIERS:
            units = terr.units_of(tier)
            due = units[ends[units] <= year]
            for regime in REGIME_ORDER:
                batch = due[self.unit_regime[due] == REGIME_CODE[regime]]
                if batch.shape[0]:
                    self._run_batch(year, tier, regime, [int(u) for u in batch])

    def _contest(self, year: int, tier: Tier, regime: RegimeName, unit: int) -> Contest:
        terr, b = self.territory, self.cfg.behaviour
        kind = self.pending_kind.pop(unit, "regular")
        incumbent = self.akim_of[unit]
        limit = b.akims.term_limit if tier in self.term_limited else 0
        eligible = kind != "dismissal" and not (limit and incumbent.consecutive_terms >= limit)
        inc_traits = incumbent.traits if eligible else None
        rng = self.streams.generator(Purpose.candidates, year, unit)
        median = self.population.unit_median[unit]
        nominated = 0
        if regime == RegimeName.direct:
            council = None
            if b.candidates.council_signature_threshold > 0:
                # the deputies of the councils below the post (for a region: all of its
                # maslikhats, as in the joint consent vote)
                bodies = self.councils_for(unit, RegimeName.appointment)
                council = (np.concatenate([m.deputy_xy for m in bodies]),
                           np.concatenate([m.deputy_party for m in bodies]))
            entrants, nominated = direct_entrants(
                rng, int(terr.voters[unit]), median, self.parties, b.candidates, self.dominant,
                inc_traits, council,
            )
        else:
            entrants = shortlist(rng, median, self.parties, b.candidates, self.dominant,
                                 inc_traits)
        cands = [self._candidate(unit, year, e, incumbent) for e in entrants]
        return Contest(
            year=year, unit=unit, tier=tier, kind=kind, regime=regime, candidates=cands,
            appointer=self.appointer_of(unit), councils=self.councils_for(unit, regime),
            start=int(terr.start[unit]), stop=int(terr.stop[unit]),
            rng=self.streams.generator(Purpose.appointers, year, unit),
            lot=self.streams.generator(Purpose.lots, year, unit),
            ballot_key=self.streams.kernel_key(Purpose.ballots, year, unit),
            lot_key=self.streams.kernel_key(Purpose.lots, year, unit, 1),
            nominated=nominated,
        )

    def _run_batch(self, year: int, tier: Tier, regime: RegimeName, units: list[int]) -> None:
        contests = [self._contest(year, tier, regime, u) for u in units]
        ctx = SelectionContext(self.population, self.cfg.behaviour, self.cfg.rule,
                               self.dominant, record_choices=self.materialised)
        impl = self.regime_impl[regime]
        outcomes = impl.select(contests, ctx)
        if isinstance(impl, Direct) and impl.last_choice is not None \
                and self.last_choice is not None:
            seen = impl.last_choice != -3
            self.last_choice[seen] = impl.last_choice[seen]
        for contest, outcome in zip(contests, outcomes, strict=True):
            self._install(contest, outcome)
            for cand in contest.candidates:
                cand.remove()

    def _install(self, contest: Contest, outcome: ContestOutcome) -> None:
        """Put the winner in office, or handle a failed contest by the rule's policy."""
        year, unit = contest.year, contest.unit
        term = self.cfg.behaviour.akims.term_years
        old = self.akim_of[unit]
        prior_record = old.record(term)
        regime = RegimeName(contest.regime)
        if outcome.winner >= 0:
            winner = contest.candidates[outcome.winner]
            if winner.incumbent:
                old.term_end = year + term
                old.consecutive_terms += 1
                old.regime = regime
                old.acting = False
                old.focus = self._focus(regime, old.party)
            else:
                self.akim_of[unit] = self._make_akim(unit, winner, year, regime, year + term,
                                                     acting=False)
                old.remove()
        else:
            rule = self.cfg.rule
            if outcome.status == "against_all":
                rerun = rule.against_all_wins == AgainstAllPolicy.rerun
            elif outcome.status == "consent_refused":
                rerun = True
            else:
                rerun = rule.no_candidates == NoCandidatePolicy.rerun
            self._install_acting(unit, year, term_end=year + 1 if rerun else year + term)
            if rerun:
                self.pending_kind[unit] = "rerun"
        self.outcomes.append(outcome)
        self.contest_extras.append({
            "incumbent_record": prior_record,
            "incumbent_party": old.party,
            "unit_median_x": float(self.population.unit_median[unit, 0]),
            "unit_median_y": float(self.population.unit_median[unit, 1]),
        })

    def _install_acting(self, unit: int, year: int, term_end: int) -> None:
        """The appointer installs an acting akim from a fresh shortlist."""
        b = self.cfg.behaviour
        rng = self.streams.generator(Purpose.candidates, year, unit, 1)
        entrants = shortlist(rng, self.population.unit_median[unit], self.parties,
                             b.candidates, self.dominant, None)
        people = [Applicant(self._person_id(), e.traits, e.nomination) for e in entrants]
        order = self.appointer_of(unit).rank(people, rng.standard_normal(len(people)))
        old = self.akim_of[unit]
        self.akim_of[unit] = self._make_akim(unit, people[int(order[0])], year,
                                             RegimeName.appointment, term_end, acting=True)
        old.remove()

    def record(self, year: int) -> None:
        """Record every office holder at the year's end (one row per unit), with the
        performance and loyalty the unit's office produced during the year."""
        akims = self.akim_of
        self._office_frames.append(pd.DataFrame({
            "year": np.full(len(akims), year, dtype=np.int64),
            "unit": np.arange(len(akims), dtype=np.int64),
            "tier_code": self.territory.tier.astype(np.int64),
            "unit_regime": [REGIME_ORDER[c].value for c in self.unit_regime],
            "selected_by": [a.regime.value for a in akims],
            "acting": [a.acting for a in akims],
            "person_id": [a.person_id for a in akims],
            "party": [a.party for a in akims],
            "competence": [a.competence for a in akims],
            "focus": [a.focus for a in akims],
            "performance": self.year_performance.copy(),
            "loyalty_shown": self.year_loyalty.copy(),
            "tenure": [a.tenure for a in akims],
        }))

    # ------------------------------------------------------------------ running

    def run(self, progress: bool = False) -> AkimModel:
        """Step until ``end_year``; shows a progress bar over years if asked."""
        years: Iterable[int] = range(self.year + 1, self.cfg.end_year + 1)
        if progress:
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

        return office_table(self)

    def contest_table(self) -> pd.DataFrame:
        """One row per contest (see :func:`akimsim.metrics.contest_table`)."""
        from akimsim.metrics import contest_table

        return contest_table(self)

    def summary_table(self) -> pd.DataFrame:
        """Yearly metrics per tier and regime (see :func:`akimsim.metrics.summary_table`)."""
        from akimsim.metrics import summary_table

        return summary_table(self)

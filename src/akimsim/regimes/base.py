"""What every regime shares: a vacancy and who comes forward for it, the contest it
decides, the immutable outcome, and the regime interface with its registry.

A :class:`Vacancy` is a post to fill; the regime says who comes forward for it
(:meth:`Regime.come_forward`), the model turns those people into candidates and a
:class:`Contest`, and the regime decides a batch of contests at once
(:meth:`Regime.select`). Regimes never change the model: the model installs winners from
the outcomes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from akimsim.agents import Appointer, Candidate, Maslikhat, Traits
from akimsim.agents.behaviour.entry import Entrant, shortlist
from akimsim.config import (
    BehaviourConfig,
    ContestKind,
    Nomination,
    PartyConfig,
    RegimeName,
    RuleConfig,
    RuleName,
    SelectionMethod,
    Status,
    Tier,
)
from akimsim.elections import TieBreak
from akimsim.world import Population


@dataclass(frozen=True)
class Vacancy:
    """A post to fill in one year: where, why, and who may stand.

    ``incumbent`` is the sitting akim's traits when the akim may stand again (None after
    a dismissal or when a term limit binds); ``median`` the unit's median voter
    (float64[2]); ``councils_below`` the maslikhats of the unit and the units below it
    (for a region, all of its maslikhats).
    """

    year: int
    unit: int
    tier: Tier
    kind: ContestKind
    incumbent: Traits | None
    electorate: int
    median: np.ndarray
    councils_below: tuple[Maslikhat, ...]


@dataclass(frozen=True)
class Entry:
    """Who came forward for a vacancy: the people on the list (registered candidates in
    a direct race, the appointer's shortlist otherwise) and how many were nominated
    before registration (0 when nobody registers)."""

    entrants: list[Entrant]
    nominated: int = 0


@dataclass
class Contest:
    """One post to fill in one year, with its candidates and who chooses.

    ``councils`` are the maslikhats whose deputies vote (indirect) or consent
    (appointment); their deputies vote as one bloc. ``start``/``stop`` is the unit's
    electorate; ``nominated`` counts nominees before registration (direct only).
    """

    year: int
    unit: int
    tier: Tier
    kind: ContestKind
    regime: RegimeName
    candidates: list[Candidate]
    appointer: Appointer
    councils: list[Maslikhat]
    start: int
    stop: int
    rng: np.random.Generator  # appointers' and deputies' noise
    lot: np.random.Generator  # councils' lots
    ballot_key: np.uint64  # kernel key of the voters' draws
    lot_key: np.uint64  # kernel key of the candidates' lots
    nominated: int = 0


@dataclass(frozen=True)
class ContestOutcome:
    """The immutable record of one contest.

    ``votes`` are the final round's counts per candidate (votes, Borda points,
    approvals or Copeland scores x2 by rule in a direct election; deputies' votes for
    an indirect election; consent votes for an appointment with consent; empty for a
    plain appointment); ``first_round`` the first round's when there were more;
    ``first_preferences`` the voters' first preferences in a direct election.
    ``winner`` is a slot of ``candidate_ids`` or -1; ``ties`` every tie a lot settled.
    """

    year: int
    unit: int
    tier: Tier
    regime: RegimeName
    rule: RuleName | SelectionMethod
    kind: ContestKind
    status: Status
    candidate_ids: tuple[int, ...]
    candidate_parties: tuple[int, ...]
    candidate_nominations: tuple[Nomination, ...]
    candidate_xy: tuple[tuple[float, float], ...]
    incumbent_slot: int
    nominated: int
    electorate: int
    ballots: int
    votes: tuple[int, ...]
    against_all: int
    first_round: tuple[int, ...] | None
    rounds: int
    winner: int
    ties: tuple[TieBreak, ...] = ()
    first_preferences: tuple[int, ...] = ()

    @property
    def winner_id(self) -> int | None:
        return self.candidate_ids[self.winner] if self.winner >= 0 else None


@dataclass(frozen=True)
class SelectionContext:
    """What every regime may read: the electorate, behaviour, the rule and parties.

    With ``record_choices`` a direct regime also returns each voter's first preference
    (the model keeps them for its voter agents)."""

    population: Population
    behaviour: BehaviourConfig
    rule: RuleConfig
    dominant_party: int
    parties: Sequence[PartyConfig] = ()
    record_choices: bool = False


@dataclass(frozen=True)
class Selection:
    """A batch's outcomes, one per contest in order, and, when the context asked for it,
    each voter's first preference in the batch (``choices`` int16[N]: a slot, -1 against
    all, -2 abstained, -3 not in the batch)."""

    outcomes: list[ContestOutcome]
    choices: np.ndarray | None = None


def outcome(contest: Contest, *, rule: RuleName | SelectionMethod, status: Status,
            candidates: Sequence[Candidate], votes: Sequence[int] | np.ndarray, winner: int,
            electorate: int = 0, ballots: int = 0, against_all: int = 0,
            first_round: Sequence[int] | np.ndarray | None = None, rounds: int = 0,
            ties: Sequence[TieBreak] = (),
            first_preferences: Sequence[int] | np.ndarray = ()) -> ContestOutcome:
    """The outcome record of ``contest`` (candidates' ids, parties and platforms copied)."""
    return ContestOutcome(
        year=contest.year,
        unit=contest.unit,
        tier=Tier(contest.tier),
        regime=RegimeName(contest.regime),
        rule=rule,
        kind=ContestKind(contest.kind),
        status=Status(status),
        candidate_ids=tuple(c.candidate_id for c in candidates),
        candidate_parties=tuple(c.party for c in candidates),
        candidate_nominations=tuple(c.nomination for c in candidates),
        candidate_xy=tuple((float(c.traits.x), float(c.traits.y)) for c in candidates),
        incumbent_slot=next((k for k, c in enumerate(candidates) if c.incumbent), -1),
        nominated=contest.nominated,
        electorate=electorate,
        ballots=ballots,
        votes=tuple(int(v) for v in votes),
        against_all=int(against_all),
        first_round=None if first_round is None else tuple(int(v) for v in first_round),
        rounds=rounds,
        winner=int(winner),
        ties=tuple(ties),
        first_preferences=tuple(int(v) for v in first_preferences),
    )


class Regime(ABC):
    """A way of choosing akims: who comes forward for a vacancy, and contests in,
    outcomes out (one per contest, same order)."""

    name: RegimeName

    def come_forward(self, vacancy: Vacancy, ctx: SelectionContext,
                     rng: np.random.Generator) -> Entry:
        """Who comes forward: by default the appointer's shortlist, the incumbent first
        if eligible (:func:`akimsim.agents.behaviour.entry.shortlist`)."""
        return Entry(shortlist(rng, vacancy.median, list(ctx.parties),
                               ctx.behaviour.candidates, ctx.dominant_party, vacancy.incumbent))

    @abstractmethod
    def select(self, contests: Sequence[Contest], ctx: SelectionContext) -> Selection:
        """Decide every contest of the batch."""


REGIMES: dict[str, type[Regime]] = {}


def register_regime(name: RegimeName) -> Callable[[type[Regime]], type[Regime]]:
    """Add a regime class to :data:`REGIMES`."""

    def wrap(cls: type[Regime]) -> type[Regime]:
        cls.name = RegimeName(name)
        REGIMES[RegimeName(name).value] = cls
        return cls

    return wrap


def get_regime(name: RegimeName | str) -> Regime:
    """An instance of the regime called ``name``; fails listing the known names."""
    key = RegimeName(name).value if isinstance(name, RegimeName) else str(name)
    if key not in REGIMES:
        raise KeyError(f"unknown regime {key!r}; known regimes: {sorted(REGIMES)}")
    return REGIMES[key]()

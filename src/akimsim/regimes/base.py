"""What every regime shares: a vacancy and who comes forward for it, the contest it
decides, the immutable outcome, and the regime interface with its registry.

:class:`Vacancies` are posts to fill, one tier in one year; the regime says who comes
forward for them (:meth:`Regime.come_forward`, a
:class:`~akimsim.agents.pool.CandidatePool` for the whole batch), the model adds who
chooses (:class:`Contests`), and the regime decides the batch at once
(:meth:`Regime.select`). Regimes never change the model: the model installs winners from
the outcomes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from akimsim.agents import Maslikhat
from akimsim.agents.behaviour.appraisal import appointer_scores
from akimsim.agents.behaviour.entry import shortlist_entry
from akimsim.agents.pool import CandidatePool, Incumbents, rank_within
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
from akimsim.kernels import CandidateArrays, ContestBatch
from akimsim.kernels.rng import APPOINTER_NOISE, normals
from akimsim.world import Population


@dataclass(frozen=True)
class Vacancies:
    """Posts of one tier to fill in one year: where, why, and who may stand (one row per
    post).

    ``incumbents`` are the sitting akims (``eligible`` False after a dismissal or when a
    term limit binds); ``median`` the units' median voters (float64[C, 2]);
    ``councils_below`` the maslikhats of each unit and the units below it (for a region,
    all of its maslikhats); ``keys`` each post's ``candidates`` key (uint64[C]).
    """

    year: int
    tier: Tier
    units: np.ndarray  # int64[C]
    kinds: tuple[ContestKind, ...]
    incumbents: Incumbents
    electorate: np.ndarray  # int64[C]
    median: np.ndarray  # float64[C, 2]
    councils_below: tuple[tuple[Maslikhat, ...], ...]
    keys: np.ndarray  # uint64[C]

    @property
    def n(self) -> int:
        return int(self.units.shape[0])


@dataclass(frozen=True)
class ContestKeys:
    """Counter-based keys of a batch's contests (uint64[C] each): the appointers' and
    deputies' noise, the councils' lots, the voters' ballots and the candidates' lots
    before a count (:mod:`akimsim.kernels.rng`)."""

    appointers: np.ndarray
    lots: np.ndarray
    ballots: np.ndarray
    ballot_lots: np.ndarray


@dataclass(frozen=True)
class Contests:
    """A batch of contests: one year, one tier, one regime, decided together.

    ``pool`` holds every post's candidates; ``appointer_party`` the party of each post's
    appointer (the President or the akim above); ``councils`` the maslikhats whose
    deputies vote (indirect) or consent (appointment) on each post, voting as one bloc;
    ``start``/``stop`` each unit's electorate (voter rows).
    """

    year: int
    tier: Tier
    regime: RegimeName
    units: np.ndarray  # int64[C]
    kinds: tuple[ContestKind, ...]
    pool: CandidatePool
    appointer_party: np.ndarray  # int64[C]
    councils: tuple[tuple[Maslikhat, ...], ...]
    start: np.ndarray  # int64[C]
    stop: np.ndarray  # int64[C]
    keys: ContestKeys

    @property
    def n(self) -> int:
        return int(self.units.shape[0])

    def ranked(self, behaviour: BehaviourConfig, dominant: int) -> np.ndarray:
        """Every post's candidates in the appointer's order, post after post (rows of the
        pool, int64[K]): what the appointer sees of them, weighed
        (:func:`~akimsim.agents.behaviour.appraisal.appointer_scores`), with the
        appointer's noise drawn per candidate slot (``appointers`` key)."""
        pool = self.pool
        post = pool.contest_of()
        noise, _ = normals(self.keys.appointers[post], pool.slot_of(), APPOINTER_NOISE)
        utility = appointer_scores(pool, self.keys.appointers, self.appointer_party[post],
                                   noise, behaviour, dominant)
        return rank_within(utility, pool.start)


class ContestOutcome(NamedTuple):
    """The immutable record of one contest.

    ``votes`` are the final round's counts per candidate (votes, Borda points,
    approvals or Copeland scores x2 by rule in a direct election; deputies' votes for
    an indirect election; consent votes for an appointment with consent; empty for a
    plain appointment); ``first_round`` the first round's when there were more;
    ``first_preferences`` the voters' first preferences in a direct election.
    ``winner`` is a slot of ``candidate_ids`` or -1; ``ties`` every tie a lot settled.
    ``considered``, ``stood`` and ``technical`` count, in a direct race, the people who
    could have stood, those who decided to (before signatures and registration), and
    the technical candidates added at registration (0 elsewhere).
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
    considered: int = 0
    stood: int = 0
    technical: int = 0

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
    #: the share of each unit's voters attached to each party (float64[U, P]; empty when
    #: not given), for the polls of strategic entry and expected closeness
    support: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    #: registered voters per simulated voter (1 / territory.scale): a race's electorate
    #: as turnout sees it
    voters_per_row: float = 1.0
    #: voters' learned propensities to vote (float32[N]) when they learn, else None
    turnout_logit: np.ndarray | None = None


@dataclass(frozen=True)
class ContestColumns:
    """A batch's outcomes as columns: one entry per contest, candidates flat.

    The candidates an outcome lists (every registered candidate in a direct race, the
    whole shortlist in an appointment, the nominees put to the council in an indirect
    election) are rows ``cand_start[j]:cand_start[j + 1]`` of the candidate columns.
    ``votes``, ``first_round`` and ``first_preferences`` are per candidate, valid where
    ``has_votes``, ``has_first_round`` and ``has_first_preferences`` say (see
    :class:`ContestOutcome` for what each holds); ``ties`` maps a contest to the ties a
    lot settled. :meth:`outcome` gives contest ``j`` as a :class:`ContestOutcome`.
    """

    year: int
    tier: Tier
    regime: RegimeName
    unit: np.ndarray  # int64[C]
    kind: tuple[ContestKind, ...]
    rule: tuple[RuleName | SelectionMethod, ...]
    status: tuple[Status, ...]
    nominated: np.ndarray  # int64[C]
    stages: np.ndarray  # int64[C, 3]: considered, stood, technical (direct races)
    electorate: np.ndarray
    ballots: np.ndarray
    against_all: np.ndarray
    rounds: np.ndarray
    winner: np.ndarray  # a slot of the contest's candidates, or -1
    cand_start: np.ndarray  # int64[C + 1]
    candidate_id: np.ndarray  # int64[M]
    party: np.ndarray  # int64[M]
    nomination: tuple[Nomination, ...]  # [M]
    x: np.ndarray  # float64[M]
    y: np.ndarray
    incumbent: np.ndarray  # bool[M]
    votes: np.ndarray  # int64[M]
    has_votes: np.ndarray  # bool[C]
    first_round: np.ndarray  # int64[M]
    has_first_round: np.ndarray  # bool[C]
    first_preferences: np.ndarray  # int64[M]
    has_first_preferences: np.ndarray  # bool[C]
    ties: dict[int, tuple[TieBreak, ...]]

    @property
    def n(self) -> int:
        return int(self.unit.shape[0])

    @cached_property
    def _lists(self) -> tuple[list[Any], ...]:
        return (self.candidate_id.tolist(), self.party.tolist(), self.x.tolist(),
                self.y.tolist(), self.incumbent.tolist(), self.votes.tolist(),
                self.first_round.tolist(), self.first_preferences.tolist(),
                self.cand_start.tolist(), self.unit.tolist(), self.nominated.tolist(),
                self.electorate.tolist(), self.ballots.tolist(), self.against_all.tolist(),
                self.rounds.tolist(), self.winner.tolist(), self.has_votes.tolist(),
                self.has_first_round.tolist(), self.has_first_preferences.tolist(),
                self.stages.tolist())

    def outcome(self, j: int) -> ContestOutcome:
        """Contest ``j`` as an immutable record."""
        (ids, party, x, y, inc, votes, first, prefs, start, unit, nominated, electorate,
         ballots, against, rounds, winner, has_votes, has_first, has_prefs,
         stages) = self._lists
        k0, k1 = start[j], start[j + 1]
        mine = inc[k0:k1]
        return ContestOutcome(
            year=self.year, unit=unit[j], tier=self.tier, regime=self.regime,
            rule=self.rule[j], kind=self.kind[j], status=self.status[j],
            candidate_ids=tuple(ids[k0:k1]), candidate_parties=tuple(party[k0:k1]),
            candidate_nominations=self.nomination[k0:k1],
            candidate_xy=tuple(zip(x[k0:k1], y[k0:k1], strict=True)),
            incumbent_slot=mine.index(True) if True in mine else -1,
            nominated=nominated[j], electorate=electorate[j], ballots=ballots[j],
            votes=tuple(votes[k0:k1]) if has_votes[j] else (), against_all=against[j],
            first_round=tuple(first[k0:k1]) if has_first[j] else None, rounds=rounds[j],
            winner=winner[j], ties=self.ties.get(j, ()),
            first_preferences=tuple(prefs[k0:k1]) if has_prefs[j] else (),
            considered=stages[j][0], stood=stages[j][1], technical=stages[j][2])

    def outcomes(self) -> list[ContestOutcome]:
        return [self.outcome(j) for j in range(self.n)]


def columns(contests: Contests, rows: np.ndarray, cand_start: np.ndarray, *,
            rule: Sequence[RuleName | SelectionMethod], status: Sequence[Status],
            winner: np.ndarray, votes: np.ndarray | None = None,
            electorate: np.ndarray | None = None, ballots: np.ndarray | None = None,
            against_all: np.ndarray | None = None, rounds: np.ndarray | None = None,
            first_round: np.ndarray | None = None, has_first_round: np.ndarray | None = None,
            first_preferences: np.ndarray | None = None,
            ties: dict[int, tuple[TieBreak, ...]] | None = None,
            has_votes: np.ndarray | None = None,
            has_first_preferences: np.ndarray | None = None) -> ContestColumns:
    """The outcome columns of a batch whose contest ``j`` lists the pool rows
    ``rows[cand_start[j]:cand_start[j + 1]]``; per-contest figures default to 0 (and no
    votes, first round or first preferences)."""
    pool, c = contests.pool, contests.n
    m = int(rows.shape[0])
    zeros = np.zeros(c, dtype=np.int64)
    none = np.zeros(c, dtype=bool)
    return ContestColumns(
        year=contests.year, tier=contests.tier, regime=contests.regime,
        unit=contests.units.astype(np.int64), kind=tuple(contests.kinds), rule=tuple(rule),
        status=tuple(status), nominated=pool.nominated.astype(np.int64),
        stages=pool.stages.astype(np.int64),
        electorate=zeros if electorate is None else electorate.astype(np.int64),
        ballots=zeros if ballots is None else ballots.astype(np.int64),
        against_all=zeros if against_all is None else against_all.astype(np.int64),
        rounds=zeros if rounds is None else rounds.astype(np.int64),
        winner=winner.astype(np.int64), cand_start=cand_start.astype(np.int64),
        candidate_id=pool.person_id[rows], party=pool.party[rows],
        nomination=pool.nominations(rows), x=pool.x[rows], y=pool.y[rows],
        incumbent=pool.incumbent[rows],
        votes=np.zeros(m, np.int64) if votes is None else votes.astype(np.int64),
        has_votes=(np.ones(c, dtype=bool) if votes is not None else none)
        if has_votes is None else has_votes,
        first_round=np.zeros(m, np.int64) if first_round is None
        else first_round.astype(np.int64),
        has_first_round=none if has_first_round is None else has_first_round,
        first_preferences=np.zeros(m, np.int64) if first_preferences is None
        else first_preferences.astype(np.int64),
        has_first_preferences=(none if first_preferences is None else np.ones(c, dtype=bool))
        if has_first_preferences is None else has_first_preferences,
        ties=ties or {})


@dataclass(frozen=True)
class Selection:
    """A batch's outcomes as columns (``columns``; :attr:`outcomes` gives them one per
    contest, in order); ``winners`` the pool row of each contest's winner (int64[C], -1
    for none); and, when the context asked for it, each voter's first preference in the
    batch (``choices`` int16[N]: a slot, -1 against all, -2 abstained, -3 not in the
    batch)."""

    columns: ContestColumns
    winners: np.ndarray
    choices: np.ndarray | None = None
    #: a direct batch's ballots for voters who learn: the batch, its candidates, who voted
    #: and each contest's winning slot (-1 for none), in the batch's order
    ballots: tuple[ContestBatch, CandidateArrays, np.ndarray, np.ndarray] | None = None

    @property
    def outcomes(self) -> list[ContestOutcome]:
        return self.columns.outcomes()


class Regime(ABC):
    """A way of choosing akims: who comes forward for a batch of vacancies, and a batch
    of contests in, outcomes out (one per contest, same order)."""

    name: RegimeName

    def come_forward(self, vacancies: Vacancies, ctx: SelectionContext) -> CandidatePool:
        """Who comes forward: by default the appointer's shortlist, the incumbent first
        if eligible (:func:`akimsim.agents.behaviour.entry.shortlist_entry`)."""
        return shortlist_entry(vacancies.year, vacancies.units, vacancies.keys,
                               vacancies.median, list(ctx.parties), ctx.behaviour.candidates,
                               ctx.dominant_party, vacancies.incumbents)

    @abstractmethod
    def select(self, contests: Contests, ctx: SelectionContext) -> Selection:
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

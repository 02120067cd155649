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
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from akimsim.agents import Maslikhat
from akimsim.agents.behaviour.entry import shortlist_entry
from akimsim.agents.officials import appointer_utility
from akimsim.agents.pool import CandidatePool, Incumbents, rank_within
from akimsim.config import (
    AppointerBehaviour,
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

    @cached_property
    def columns(self) -> tuple[list[Any], ...]:
        """The pool's ids, parties, platforms, nominations and incumbent flags as Python
        lists, made once per batch for the outcome records."""
        p = self.pool
        return (p.person_id.tolist(), p.party.tolist(), p.x.tolist(), p.y.tolist(),
                list(p.nominations(np.arange(p.size))), p.incumbent.tolist())

    def ranked(self, weights: AppointerBehaviour) -> np.ndarray:
        """Every post's candidates in the appointer's order, post after post (rows of the
        pool, int64[K]): :func:`~akimsim.agents.officials.appointer_utility` with the
        appointer's noise drawn per candidate slot (``appointers`` key)."""
        pool = self.pool
        post = pool.contest_of()
        noise, _ = normals(self.keys.appointers[post], pool.slot_of(), APPOINTER_NOISE)
        utility = appointer_utility(weights, pool.loyalty, pool.competence + pool.record,
                                    pool.party, self.appointer_party[post], noise)
        return rank_within(utility, pool.start)


class ContestOutcome(NamedTuple):
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
    """A batch's outcomes, one per contest in order; ``winners`` the pool row of each
    contest's winner (int64[C], -1 for none); and, when the context asked for it, each
    voter's first preference in the batch (``choices`` int16[N]: a slot, -1 against all,
    -2 abstained, -3 not in the batch)."""

    outcomes: list[ContestOutcome]
    winners: np.ndarray
    choices: np.ndarray | None = None


def _ints(values: Sequence[int] | np.ndarray) -> tuple[int, ...]:
    if isinstance(values, np.ndarray):
        return tuple(values.astype(np.int64, copy=False).tolist())
    return tuple(int(v) for v in values)


def outcome(contests: Contests, j: int, *, rule: RuleName | SelectionMethod, status: Status,
            rows: np.ndarray, votes: Sequence[int] | np.ndarray, winner: int,
            electorate: int = 0, ballots: int = 0, against_all: int = 0,
            first_round: Sequence[int] | np.ndarray | None = None, rounds: int = 0,
            ties: Sequence[TieBreak] = (),
            first_preferences: Sequence[int] | np.ndarray = ()) -> ContestOutcome:
    """The outcome record of contest ``j`` of a batch; ``rows`` are the pool rows of the
    candidates the outcome lists, in order (``winner`` is a place in ``rows``)."""
    ids, party, x, y, nomination, incumbent = contests.columns
    picked = np.asarray(rows).tolist()
    if picked and picked[-1] - picked[0] + 1 == len(picked) and picked == sorted(picked):
        take = slice(picked[0], picked[-1] + 1)  # the usual case: a post's whole list
        cols = [c[take] for c in (ids, party, x, y, nomination, incumbent)]
    else:
        cols = [[c[r] for r in picked] for c in (ids, party, x, y, nomination, incumbent)]
    inc = cols[5]
    return ContestOutcome(
        year=contests.year,
        unit=int(contests.units[j]),
        tier=contests.tier,
        regime=contests.regime,
        rule=rule,
        kind=contests.kinds[j],
        status=status if isinstance(status, Status) else Status(status),
        candidate_ids=tuple(cols[0]),
        candidate_parties=tuple(cols[1]),
        candidate_nominations=tuple(cols[4]),
        candidate_xy=tuple(zip(cols[2], cols[3], strict=True)),
        incumbent_slot=inc.index(True) if True in inc else -1,
        nominated=int(contests.pool.nominated[j]),
        electorate=int(electorate),
        ballots=int(ballots),
        votes=_ints(votes),
        against_all=int(against_all),
        first_round=None if first_round is None else _ints(first_round),
        rounds=int(rounds),
        winner=int(winner),
        ties=tuple(ties),
        first_preferences=_ints(first_preferences),
    )


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

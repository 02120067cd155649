"""How councils decide: the deputies' secret ballot (indirect election) and their open
consent vote on an appointer's proposals.

The deputies' votes come from :class:`~akimsim.agents.DeputyBloc`; here they are
counted. Lots use the contest's ``lot`` generator (the ``lots`` stream keyed by year and
unit); the draws the deputies' noise takes come from its ``rng``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from akimsim.agents import DeputyBloc, Maslikhat, Person
from akimsim.config import TieStage
from akimsim.elections.box import TieBreak


@dataclass(frozen=True)
class CouncilResult:
    """A council's vote: the winner (a slot), the final round's votes int64[K], the first
    round's when there was a second, the number of rounds and the ties the lot settled."""

    winner: int
    votes: np.ndarray
    first_round: np.ndarray | None
    rounds: int
    ties: tuple[TieBreak, ...]


def joint_bloc(councils: Sequence[Maslikhat]) -> DeputyBloc:
    """The deputies of several maslikhats voting together (a joint session)."""
    return DeputyBloc.joint([c.deputies for c in councils])


def draw_lot(tied: np.ndarray, lot: np.random.Generator, round: int) -> tuple[int, TieBreak]:
    """The clerk draws one of the ``tied`` slots; returns it and the record."""
    drawn = int(lot.integers(len(tied)))
    pick = int(tied[drawn])
    return pick, TieBreak(round, TieStage.winner, tuple(int(t) for t in tied),
                          tuple(1.0 if j == drawn else 0.0 for j in range(len(tied))), (pick,))


def _plurality_of(votes: np.ndarray, lot: np.random.Generator, round: int
                  ) -> tuple[int, tuple[TieBreak, ...]]:
    tied = np.flatnonzero(votes == votes.max())
    if tied.shape[0] == 1:
        return int(tied[0]), ()
    w, tie = draw_lot(tied, lot, round)
    return w, (tie,)


def council_vote(bloc: DeputyBloc, candidates: Sequence[Person], rng: np.random.Generator,
                 lot: np.random.Generator, second_round: bool) -> CouncilResult:
    """Secret ballot of a council's deputies with a majority rule.

    Round one: a candidate with votes from more than half of the deputies wins.
    Otherwise, if ``second_round``, the two best-placed candidates (ties at the cut by
    lot) go to a second round decided by a majority of votes cast, a tie by lot;
    without a second round the best-placed candidate wins, ties by lot.
    """
    k = len(candidates)
    d = bloc.size
    first = bloc.secret_ballot(candidates, rng.standard_normal((d, k)))
    if 2 * int(first.max()) > d or k == 1 or not second_round:
        w, ties = _plurality_of(first, lot, 1)
        return CouncilResult(w, first, None, 1, ties)
    # the top two go through; a tie at the cut is settled by a draw per candidate
    draws = lot.random(k)
    order = np.lexsort((draws, -first))
    finalists = np.sort(order[:2])
    cut = first[order[1]]
    contenders = np.flatnonzero(first == cut)
    places = 2 - int((first > cut).sum())
    cut_ties: tuple[TieBreak, ...] = ()
    if contenders.shape[0] > places:
        through = tuple(sorted(int(s) for s in order[:2] if first[s] == cut))
        cut_ties = (TieBreak(1, TieStage.finalists, tuple(int(s) for s in contenders),
                             tuple(float(1.0 - draws[s]) for s in contenders), through),)
    sub = [candidates[int(s)] for s in finalists]
    second = bloc.secret_ballot(sub, rng.standard_normal((d, 2)))
    final = np.zeros(k, dtype=np.int64)
    final[finalists] = second
    if second[0] == second[1]:
        w, tie = draw_lot(finalists, lot, 2)
        return CouncilResult(w, final, first, 2, (*cut_ties, tie))
    return CouncilResult(int(finalists[int(np.argmax(second))]), final, first, 2, cut_ties)


def consent_vote(bloc: DeputyBloc, candidates: Sequence[Person], proposed: np.ndarray,
                 appointer_party: int, rng: np.random.Generator) -> tuple[int, np.ndarray, int]:
    """The deputies' open vote on an appointer's proposals, in the appointer's order.

    Each proposed slot is put to the vote in turn; the first to win the consent of more
    than half of all deputies is appointed. Returns (the slot or -1 if every one was
    refused, deputies in favour int64[K], votes held).
    """
    yes = np.zeros(len(candidates), dtype=np.int64)
    held = 0
    for slot in (int(s) for s in proposed):
        held += 1
        yes[slot] = bloc.consent(candidates[slot], appointer_party,
                                 rng.standard_normal(bloc.size))
        if 2 * yes[slot] > bloc.size:
            return slot, yes, held
    return -1, yes, held

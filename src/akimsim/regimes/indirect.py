"""Indirect election: the upper akim nominates, the maslikhat's deputies elect."""

from __future__ import annotations

import numpy as np

from akimsim.config import RegimeName, SelectionMethod, Status
from akimsim.elections.council import council_votes, joint_bloc
from akimsim.regimes.base import (
    Contests,
    Regime,
    Selection,
    SelectionContext,
    outcome,
    register_regime,
)


@register_regime(RegimeName.indirect)
class Indirect(Regime):
    """The upper akim nominates at least two candidates; maslikhat deputies elect.

    Secret ballot with proximity, party loyalty and noise; majority of all deputies
    in round one, else a top-two second round
    (:func:`akimsim.elections.council.council_vote`). The nominations are one sort for
    the batch; each council votes on its own nominees.
    """

    def select(self, contests: Contests, ctx: SelectionContext) -> Selection:
        out = []
        winners = np.full(contests.n, -1, dtype=np.int64)
        n_nominees = max(2, ctx.behaviour.appointers.min_candidates)
        pool = contests.pool
        order = contests.ranked(ctx.behaviour.appointers)
        counts = pool.counts()
        held = np.flatnonzero((counts > 0) & np.array([bool(c) for c in contests.councils]))
        # the nominees: the first n_nominees of each post in the appointer's order
        place = np.arange(pool.size) - pool.start[pool.contest_of()]
        nominees = order[place < n_nominees]  # pool rows, post after post
        taken = np.minimum(counts, n_nominees)
        first = np.concatenate(([0], np.cumsum(taken))).astype(np.int64)
        picked = np.concatenate([np.arange(first[j], first[j + 1]) for j in held.tolist()]
                                ) if held.shape[0] else np.zeros(0, np.int64)
        rows = nominees[picked]
        start = np.concatenate(([0], np.cumsum(taken[held]))).astype(np.int64)
        blocs = [joint_bloc(contests.councils[j]) for j in held.tolist()]
        votes = council_votes(blocs, np.column_stack([pool.x[rows], pool.y[rows]]),
                              pool.party[rows], start, contests.keys.appointers[held],
                              contests.keys.lots[held], ctx.behaviour.maslikhats.second_round)
        decided = {j: i for i, j in enumerate(held.tolist())}
        for j in range(contests.n):
            if j not in decided:
                out.append(outcome(contests, j, rule=SelectionMethod.council_majority,
                                   status=Status.no_candidates, rows=pool.rows(j)[:0],
                                   votes=[], winner=-1))
                continue
            i = decided[j]
            bloc, vote, mine = blocs[i], votes[i], rows[start[i]:start[i + 1]]
            out.append(outcome(
                contests, j, rule=SelectionMethod.council_majority, status=Status.elected,
                rows=mine, votes=vote.votes, winner=vote.winner,
                electorate=bloc.size, ballots=bloc.size, first_round=vote.first_round,
                rounds=vote.rounds, ties=vote.ties,
            ))
            winners[j] = mine[vote.winner]
        return Selection(out, winners)

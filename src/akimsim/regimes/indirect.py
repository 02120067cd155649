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
        held = [j for j in range(contests.n)
                if pool.start[j + 1] > pool.start[j] and contests.councils[j]]
        nominees = {j: order[pool.rows(j)][:n_nominees] for j in held}  # the appointer's order
        blocs = [joint_bloc(contests.councils[j]) for j in held]
        votes = council_votes(
            blocs, [np.column_stack([pool.x[nominees[j]], pool.y[nominees[j]]]) for j in held],
            [pool.party[nominees[j]] for j in held], contests.keys.appointers[held],
            contests.keys.lots[held], ctx.behaviour.maslikhats.second_round)
        decided = {j: (bloc, vote) for j, bloc, vote in zip(held, blocs, votes, strict=True)}
        for j in range(contests.n):
            if j not in decided:
                out.append(outcome(contests, j, rule=SelectionMethod.council_majority,
                                   status=Status.no_candidates, rows=pool.rows(j)[:0],
                                   votes=[], winner=-1))
                continue
            bloc, vote = decided[j]
            out.append(outcome(
                contests, j, rule=SelectionMethod.council_majority, status=Status.elected,
                rows=nominees[j], votes=vote.votes, winner=vote.winner,
                electorate=bloc.size, ballots=bloc.size, first_round=vote.first_round,
                rounds=vote.rounds, ties=vote.ties,
            ))
            winners[j] = nominees[j][vote.winner]
        return Selection(out, winners)

"""Indirect election: the upper akim nominates, the maslikhat's deputies elect."""

from __future__ import annotations

import numpy as np

from akimsim.agents.behaviour.entry import poisson_quantile
from akimsim.config import AppointerBehaviour, RegimeName, SelectionMethod, Status
from akimsim.elections import TieBreak
from akimsim.elections.council import council_votes, joint_bloc
from akimsim.kernels.rng import NOMINEES, uniforms
from akimsim.regimes.base import (
    Contests,
    Regime,
    Selection,
    SelectionContext,
    columns,
    register_regime,
)


def nominee_counts(weights: AppointerBehaviour, year: int, keys: np.ndarray) -> np.ndarray:
    """How many nominees the akim above puts to each council (int64[C]; the pool may hold
    fewer): at least one, at least two from ``two_nominees_from`` (law, 2016), plus a
    Poisson number so the mean is ``nominees_mean`` (assumption; the draw from each
    post's ``appointers`` key, channel ``NOMINEES``). With ``nominees_mean`` 0, exactly
    max(2, ``min_candidates``) (the rule before issue 13)."""
    c = keys.shape[0]
    if weights.nominees_mean <= 0:
        return np.full(c, max(2, weights.min_candidates), dtype=np.int64)
    floor = 2 if year >= weights.two_nominees_from else 1
    extra = poisson_quantile(uniforms(keys, 0, NOMINEES), max(weights.nominees_mean - floor, 0.0))
    return (floor + extra).astype(np.int64)


@register_regime(RegimeName.indirect)
class Indirect(Regime):
    """The upper akim nominates candidates (:func:`nominee_counts`); maslikhat deputies
    elect.

    Secret ballot with proximity, party loyalty and noise; majority of all deputies
    in round one, else a top-two second round
    (:func:`akimsim.elections.council.council_vote`). The nominations are one sort for
    the batch; each council votes on its own nominees.
    """

    def select(self, contests: Contests, ctx: SelectionContext) -> Selection:
        winners = np.full(contests.n, -1, dtype=np.int64)
        pool = contests.pool
        order = contests.ranked(ctx.behaviour, ctx.dominant_party)
        counts = pool.counts()
        held = np.flatnonzero((counts > 0) & np.array([bool(c) for c in contests.councils]))
        # the nominees: the first n_nominees of each post in the appointer's order
        n_nominees = nominee_counts(ctx.behaviour.appointers, contests.year,
                                    contests.keys.appointers)
        place = np.arange(pool.size) - pool.start[pool.contest_of()]
        nominees = order[place < n_nominees[pool.contest_of()]]  # pool rows, post after post
        taken = np.minimum(counts, n_nominees)
        is_held = np.zeros(contests.n, dtype=bool)
        is_held[held] = True
        rows = nominees[np.repeat(is_held, taken)]
        start = np.concatenate(([0], np.cumsum(taken[held]))).astype(np.int64)
        blocs = [joint_bloc(contests.councils[j]) for j in held.tolist()]
        votes = council_votes(blocs, np.column_stack([pool.x[rows], pool.y[rows]]),
                              pool.party[rows], start, contests.keys.appointers[held],
                              contests.keys.lots[held], ctx.behaviour.maslikhats.second_round,
                              contests.appointer_party[held])
        c = contests.n
        status = [Status.no_candidates] * c
        winner = np.full(c, -1, dtype=np.int64)
        size = np.zeros(c, dtype=np.int64)
        rounds = np.zeros(c, dtype=np.int64)
        final = np.zeros(rows.shape[0], dtype=np.int64)
        first_votes = np.zeros(rows.shape[0], dtype=np.int64)
        has_first = np.zeros(c, dtype=bool)
        ties: dict[int, tuple[TieBreak, ...]] = {}
        held_list = held.tolist()
        bounds = start.tolist()
        for i, (j, bloc, vote) in enumerate(zip(held_list, blocs, votes, strict=True)):
            k0, k1 = bounds[i], bounds[i + 1]  # a few numbers per council
            status[j] = Status.elected
            winner[j] = vote.winner
            size[j] = bloc.size
            rounds[j] = vote.rounds
            final[k0:k1] = vote.votes
            if vote.first_round is not None:
                first_votes[k0:k1] = vote.first_round
                has_first[j] = True
            if vote.ties:
                ties[j] = vote.ties
            winners[j] = rows[k0 + vote.winner]
        # every post's listed candidates: its nominees (none where no vote was held)
        listed = np.zeros(c, dtype=np.int64)
        listed[held] = np.diff(start)
        cand_start = np.concatenate(([0], np.cumsum(listed))).astype(np.int64)
        has_votes = np.zeros(c, dtype=bool)
        has_votes[held] = True
        cols = columns(contests, rows, cand_start, rule=[SelectionMethod.council_majority] * c,
                       status=status, winner=winner, votes=final, has_votes=has_votes,
                       electorate=size, ballots=size, rounds=rounds, first_round=first_votes,
                       has_first_round=has_first, ties=ties)
        return Selection(cols, winners)

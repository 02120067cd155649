"""Appointment: the appointer ranks its shortlist; where the law asks, maslikhats consent."""

from __future__ import annotations

import numpy as np

from akimsim.config import RegimeName, SelectionMethod, Status, Tier
from akimsim.elections.council import consent_vote, joint_bloc
from akimsim.regimes.base import (
    Contests,
    Regime,
    Selection,
    SelectionContext,
    columns,
    register_regime,
)


@register_regime(RegimeName.appointment)
class Appointment(Regime):
    """The appointer ranks the shortlist; where the law asks, maslikhats must consent.

    With consent (tiers in ``behaviour.appointers.consent_tiers``; law since 2022 for
    regions), the appointer's ``min_candidates`` best-ranked candidates are put, in the
    appointer's order, to an open vote of the deputies of the councils; the first to win
    a majority of all deputies is appointed. If every one is refused the post goes to an
    acting akim (status ``consent_refused``). The ranking is one sort for the batch; the
    consent votes (regions, a handful a year) are held post by post.
    """

    def select(self, contests: Contests, ctx: SelectionContext) -> Selection:
        ap = ctx.behaviour.appointers
        consent = Tier(contests.tier) in {Tier(t) for t in ap.consent_tiers}
        pool = contests.pool
        c, counts = contests.n, pool.counts()
        order = contests.ranked(ap)
        # the appointer's favourite of each post: the first of its rows in ``order``
        has = counts > 0
        favourite = np.full(c, -1, dtype=np.int64)
        favourite[has] = order[pool.start[:-1][has]]
        winners = favourite.copy()
        winner = np.where(has, favourite - pool.start[:-1], -1)
        status = [Status.appointed if h else Status.no_candidates for h in has.tolist()]
        rule = [SelectionMethod.appointer] * c
        votes = np.zeros(pool.size, dtype=np.int64)
        has_votes = np.zeros(c, dtype=bool)
        size = np.zeros(c, dtype=np.int64)
        held = np.zeros(c, dtype=np.int64)
        voting = [j for j in np.flatnonzero(has).tolist() if consent and contests.councils[j]]
        for j in voting:  # consent votes: regions, a handful a year
            rows = pool.rows(j)
            ranked = order[rows] - rows[0]  # the appointer's order, as slots
            bloc = joint_bloc(contests.councils[j])
            xy = np.column_stack([pool.x[rows], pool.y[rows]])
            chosen, yes, held[j] = consent_vote(
                bloc, xy, pool.party[rows], ranked[: max(ap.min_candidates, 1)],
                int(contests.appointer_party[j]), contests.keys.appointers[j])
            rule[j] = SelectionMethod.consent
            status[j] = Status.appointed if chosen >= 0 else Status.consent_refused
            votes[rows] = yes
            has_votes[j] = True
            size[j] = bloc.size
            winner[j] = chosen
            winners[j] = rows[chosen] if chosen >= 0 else -1
        cols = columns(contests, np.arange(pool.size, dtype=np.int64), pool.start, rule=rule,
                       status=status, winner=winner, votes=votes, has_votes=has_votes,
                       electorate=size, ballots=size, rounds=held)
        return Selection(cols, winners)

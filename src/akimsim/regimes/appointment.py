"""Appointment: the appointer ranks its shortlist; where the law asks, maslikhats consent."""

from __future__ import annotations

import numpy as np

from akimsim.config import RegimeName, SelectionMethod, Status, Tier
from akimsim.elections import TieBreak
from akimsim.elections.council import consent_choice, consent_vote, joint_bloc
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

    With consent (tiers in ``behaviour.appointers.consent_tiers``), the appointer's
    ``min_candidates`` best-ranked candidates go to an open vote of the deputies of the
    councils. From ``appointers.consent_choice_from`` (law: 2022) the deputies choose
    between them and the one with more votes is appointed
    (:func:`~akimsim.elections.council.consent_choice`); before it they are put to a
    yes/no vote in the appointer's order and the first to win a majority of all deputies
    is appointed; if every one is refused the post goes to an acting akim (status
    ``consent_refused``). The ranking is one sort for the batch; the
    consent votes (regions, a handful a year) are held post by post.
    """

    def select(self, contests: Contests, ctx: SelectionContext) -> Selection:
        ap = ctx.behaviour.appointers
        consent = Tier(contests.tier) in {Tier(t) for t in ap.consent_tiers}
        pool = contests.pool
        c, counts = contests.n, pool.counts()
        order = contests.ranked(ctx.behaviour, ctx.dominant_party)
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
        choice = ap.consent_choice_from is not None and contests.year >= ap.consent_choice_from
        ties: dict[int, tuple[TieBreak, ...]] = {}
        for j in voting:  # consent votes: regions, a handful a year
            rows = pool.rows(j)
            ranked = order[rows] - rows[0]  # the appointer's order, as slots
            bloc = joint_bloc(contests.councils[j])
            xy = np.column_stack([pool.x[rows], pool.y[rows]])
            proposed = ranked[: max(ap.min_candidates, 1)]
            if choice:
                chosen, yes, tie = consent_choice(
                    bloc, xy, pool.party[rows], proposed, int(contests.appointer_party[j]),
                    contests.keys.appointers[j], contests.keys.lots[j], ap.open_vote_pressure)
                held[j] = 1
                if tie:
                    ties[j] = tie
            else:
                chosen, yes, held[j] = consent_vote(
                    bloc, xy, pool.party[rows], proposed, int(contests.appointer_party[j]),
                    contests.keys.appointers[j])
            rule[j] = SelectionMethod.consent
            status[j] = Status.appointed if chosen >= 0 else Status.consent_refused
            votes[rows] = yes
            has_votes[j] = True
            size[j] = bloc.size
            winner[j] = chosen
            winners[j] = rows[chosen] if chosen >= 0 else -1
        cols = columns(contests, np.arange(pool.size, dtype=np.int64), pool.start, rule=rule,
                       status=status, winner=winner, votes=votes, has_votes=has_votes,
                       electorate=size, ballots=size, rounds=held, ties=ties)
        return Selection(cols, winners)

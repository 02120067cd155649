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
    outcome,
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
        out = []
        winners = np.full(contests.n, -1, dtype=np.int64)
        ap = ctx.behaviour.appointers
        consent = Tier(contests.tier) in {Tier(t) for t in ap.consent_tiers}
        pool = contests.pool
        order = contests.ranked(ap)
        for j in range(contests.n):
            rows = pool.rows(j)
            if rows.shape[0] == 0:
                out.append(outcome(contests, j, rule=SelectionMethod.appointer,
                                   status=Status.no_candidates, rows=rows, votes=[],
                                   winner=-1))
                continue
            ranked = order[rows] - rows[0]  # the appointer's order, as slots
            if not consent or not contests.councils[j]:
                out.append(outcome(contests, j, rule=SelectionMethod.appointer,
                                   status=Status.appointed, rows=rows, votes=[],
                                   winner=int(ranked[0])))
                winners[j] = rows[int(ranked[0])]
                continue
            bloc = joint_bloc(contests.councils[j])
            xy = np.column_stack([pool.x[rows], pool.y[rows]])
            winner, yes, held = consent_vote(
                bloc, xy, pool.party[rows], ranked[: max(ap.min_candidates, 1)],
                int(contests.appointer_party[j]), contests.keys.appointers[j])
            out.append(outcome(
                contests, j, rule=SelectionMethod.consent,
                status=Status.appointed if winner >= 0 else Status.consent_refused,
                rows=rows, votes=yes, winner=winner, electorate=bloc.size,
                ballots=bloc.size, rounds=held,
            ))
            if winner >= 0:
                winners[j] = rows[winner]
        return Selection(out, winners)

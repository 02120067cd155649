"""Appointment: the appointer ranks its shortlist; where the law asks, maslikhats consent."""

from __future__ import annotations

from collections.abc import Sequence

from akimsim.config import RegimeName, SelectionMethod, Status, Tier
from akimsim.elections.council import consent_vote, joint_bloc
from akimsim.regimes.base import (
    Contest,
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
    acting akim (status ``consent_refused``).
    """

    def select(self, contests: Sequence[Contest], ctx: SelectionContext) -> Selection:
        out = []
        ap = ctx.behaviour.appointers
        consent_tiers = {Tier(t) for t in ap.consent_tiers}
        for contest in contests:
            cands = contest.candidates
            if not cands:
                out.append(outcome(contest, rule=SelectionMethod.appointer,
                                   status=Status.no_candidates, candidates=[], votes=[],
                                   winner=-1))
                continue
            order = contest.appointer.rank(cands, contest.rng.standard_normal(len(cands)))
            if Tier(contest.tier) not in consent_tiers or not contest.councils:
                out.append(outcome(contest, rule=SelectionMethod.appointer,
                                   status=Status.appointed, candidates=cands, votes=[],
                                   winner=int(order[0])))
                continue
            bloc = joint_bloc(contest.councils)
            winner, yes, held = consent_vote(bloc, cands, order[: max(ap.min_candidates, 1)],
                                             contest.appointer.party, contest.rng)
            out.append(outcome(
                contest, rule=SelectionMethod.consent,
                status=Status.appointed if winner >= 0 else Status.consent_refused,
                candidates=cands, votes=yes, winner=winner, electorate=bloc.size,
                ballots=bloc.size, rounds=held,
            ))
        return Selection(out)

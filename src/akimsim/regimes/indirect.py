"""Indirect election: the upper akim nominates, the maslikhat's deputies elect."""

from __future__ import annotations

from collections.abc import Sequence

from akimsim.config import RegimeName, SelectionMethod, Status
from akimsim.elections.council import council_vote, joint_bloc
from akimsim.regimes.base import (
    Contest,
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
    (:func:`akimsim.elections.council.council_vote`).
    """

    def select(self, contests: Sequence[Contest], ctx: SelectionContext) -> Selection:
        out = []
        n_nominees = max(2, ctx.behaviour.appointers.min_candidates)
        for contest in contests:
            cands = contest.candidates
            if not cands or not contest.councils:
                out.append(outcome(contest, rule=SelectionMethod.council_majority,
                                   status=Status.no_candidates, candidates=[], votes=[],
                                   winner=-1))
                continue
            order = contest.appointer.rank(cands, contest.rng.standard_normal(len(cands)))
            nominees = [cands[int(s)] for s in order[:n_nominees]]
            bloc = joint_bloc(contest.councils)
            vote = council_vote(bloc, nominees, contest.rng, contest.lot,
                                ctx.behaviour.maslikhats.second_round)
            out.append(outcome(
                contest, rule=SelectionMethod.council_majority, status=Status.elected,
                candidates=nominees, votes=vote.votes, winner=vote.winner,
                electorate=bloc.size, ballots=bloc.size, first_round=vote.first_round,
                rounds=vote.rounds, ties=vote.ties,
            ))
        return Selection(out)

"""Direct election: candidates enter, voters turn out and rank (or approve) them or vote
"against all", and the tier's voting rule decides."""

from __future__ import annotations

import numpy as np

from akimsim.agents.behaviour.choice import candidate_valence, choice_weights
from akimsim.agents.behaviour.entry import EntryContext, direct_entry
from akimsim.agents.behaviour.prospects import closeness, poll_utilities, shares_within
from akimsim.agents.behaviour.retrospection import voters_view
from akimsim.agents.behaviour.turnout import contest_logit_shift
from akimsim.agents.pool import CandidatePool
from akimsim.config import BallotKind, RegimeName, Status, TurnoutMode
from akimsim.elections import (
    MAX_CANDIDATES,
    BallotBox,
    RuleSpec,
    TieBreak,
    cast_ballots,
    get_rule,
)
from akimsim.kernels import CandidateArrays, ContestBatch
from akimsim.regimes.base import (
    Contests,
    Regime,
    Selection,
    SelectionContext,
    Vacancies,
    columns,
    register_regime,
)


@register_regime(RegimeName.direct)
class Direct(Regime):
    """Voters turn out and rank (or approve) the registered candidates or vote "against
    all"; the tier's rule (``rule.for_tier``) decides each contest.

    Per-voter work (turnout, ballots, counts) runs in the kernels for the whole batch
    at once; a batch holds contests of one tier, which never share voters.
    """

    def come_forward(self, vacancies: Vacancies, ctx: SelectionContext) -> CandidatePool:
        """Party nominees and self-nominees with signatures, then registration
        (:func:`akimsim.agents.behaviour.entry.direct_entry`); with a council signature
        threshold, the deputies of the councils below each post sign."""
        b = ctx.behaviour.candidates
        councils = None
        if b.council_signature_threshold > 0:
            councils = [(np.concatenate([m.deputy_xy for m in below]),
                         np.concatenate([m.deputy_party for m in below]))
                        for below in vacancies.councils_below]
        context = None
        if ctx.support.size:
            context = EntryContext(ctx.behaviour, ctx.support[vacancies.units])
        return direct_entry(vacancies.year, vacancies.units, vacancies.keys,
                            vacancies.electorate, vacancies.median, list(ctx.parties), b,
                            ctx.dominant_party, vacancies.incumbents, councils, context)

    def select(self, contests: Contests, ctx: SelectionContext) -> Selection:
        rule_cfg = ctx.rule
        spec = get_rule(rule_cfg.for_tier(contests.tier))
        pool = contests.pool
        c, counts = contests.n, pool.counts()
        min_k = 1 if rule_cfg.allow_single_candidate else 2
        runnable = np.flatnonzero(counts >= min_k)
        status = [Status.no_candidates] * c
        winner = np.full(c, -1, dtype=np.int64)
        winners = np.full(c, -1, dtype=np.int64)
        votes = np.zeros(pool.size, dtype=np.int64)
        first_round = np.zeros(pool.size, dtype=np.int64)
        has_first_round = np.zeros(c, dtype=bool)
        prefs = np.zeros(pool.size, dtype=np.int64)
        has_prefs = np.zeros(c, dtype=bool)
        ballots = np.zeros(c, dtype=np.int64)
        against = np.zeros(c, dtype=np.int64)
        rounds = np.zeros(c, dtype=np.int64)
        ties: dict[int, tuple[TieBreak, ...]] = {}
        choices = None
        learned = None
        if runnable.shape[0]:
            box, rows, cands = self._ballot_box(contests, runnable, ctx, spec)
            decided = spec.decisions(box, rule_cfg)
            if ctx.turnout_logit is not None:  # voters who learn learn from the outcome
                learned = (box.batch, cands, box.voted, np.asarray(decided.winner, np.int64))
            prefs[rows] = box.first_preferences.votes
            has_prefs[runnable] = True
            if ctx.record_choices:
                choices = np.full(ctx.population.n, -3, dtype=np.int16)
                for j in runnable.tolist():  # teaching scale only (record_choices)
                    voters = slice(int(contests.start[j]), int(contests.stop[j]))
                    choices[voters] = np.where(box.voted[voters] == 1,
                                               box.ranking[voters, 0], -2)
            for i, st in enumerate(decided.status):
                status[int(runnable[i])] = st
            winner[runnable] = decided.winner
            votes[rows] = decided.final
            several = decided.rounds > 1
            first_round[rows] = np.where(np.repeat(several, counts[runnable]),
                                         decided.first_round, 0)
            has_first_round[runnable] = several
            ballots[runnable] = decided.ballots
            against[runnable] = decided.against_all
            rounds[runnable] = decided.rounds
            ties.update({int(runnable[i]): t for i, t in decided.ties.items()})
            won = decided.winner >= 0
            winners[runnable[won]] = rows[decided.cand_start[:-1][won] + decided.winner[won]]
        cols = columns(contests, np.arange(pool.size, dtype=np.int64), pool.start,
                       rule=[spec.name] * c, status=status, winner=winner, votes=votes,
                       electorate=contests.stop - contests.start, ballots=ballots,
                       against_all=against, rounds=rounds, first_round=first_round,
                       has_first_round=has_first_round, first_preferences=prefs,
                       has_first_preferences=has_prefs, ties=ties)
        return Selection(cols, winners, choices, learned)

    @staticmethod
    def _ballot_box(contests: Contests, runnable: np.ndarray, ctx: SelectionContext,
                    spec: RuleSpec) -> tuple[BallotBox, np.ndarray, CandidateArrays]:
        """Turnout and ballots of every voter of the runnable contests, via the kernels;
        also the pool rows of their candidates, in the box's order."""
        v = ctx.behaviour.voters
        pool = contests.pool
        counts = pool.counts()[runnable]
        if np.any(counts > MAX_CANDIDATES):
            raise ValueError(f"a ballot holds at most {MAX_CANDIDATES} candidates")
        rows = np.flatnonzero(np.repeat(np.isin(np.arange(contests.n), runnable),
                                        pool.counts()))
        batch = ContestBatch(
            starts=contests.start[runnable].astype(np.int64),
            stops=contests.stop[runnable].astype(np.int64),
            cand_start=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            keys=contests.keys.ballots[runnable].astype(np.uint64),
            lot_keys=contests.keys.ballot_lots[runnable].astype(np.uint64),
        )
        held = voters_view(pool, ctx.behaviour)  # what voters hold against incumbents
        valence = candidate_valence(pool.competence[rows], pool.party[rows],
                                    pool.incumbent[rows], held[rows], v, ctx.dominant_party)
        candidates = CandidateArrays(
            xy=np.ascontiguousarray(np.column_stack([pool.x[rows], pool.y[rows]])),
            valence=valence, party=pool.party[rows].astype(np.int16),
        )
        electorate = closer = None
        if v.turnout_mode == TurnoutMode.context:
            units = contests.units[runnable]
            electorate = (contests.stop - contests.start)[runnable] * ctx.voters_per_row
            post = np.repeat(np.arange(runnable.shape[0]), counts)
            support = ctx.support[units] if ctx.support.size else np.zeros((units.shape[0], 0))
            utility = poll_utilities(pool.x[rows], pool.y[rows], valence, pool.party[rows],
                                     post, ctx.population.unit_median[units], support, v)
            closer = closeness(shares_within(utility, batch.cand_start, v.noise_scale),
                               batch.cand_start)
        shift = contest_logit_shift(v, contests.tier, counts, electorate, closer)
        depth = int(np.max(counts)) if spec.full_ranking else 1
        box = cast_ballots(ctx.population, batch, candidates, shift,
                           choice_weights(v, ctx.rule.approval_margin), depth=depth,
                           approval=spec.ballot == BallotKind.approval,
                           turnout_logit=ctx.turnout_logit)
        return box, rows, candidates

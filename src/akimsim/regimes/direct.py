"""Direct election: candidates enter, voters turn out and rank (or approve) them or vote
"against all", and the tier's voting rule decides."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from akimsim.agents.behaviour.choice import candidate_valence, choice_weights
from akimsim.agents.behaviour.entry import direct_entrants
from akimsim.agents.behaviour.turnout import contest_logit_shift
from akimsim.config import BallotKind, RegimeName, RuleName, Status, Tier
from akimsim.elections import (
    MAX_CANDIDATES,
    BallotBox,
    ContestResult,
    RuleSpec,
    cast_ballots,
    get_rule,
)
from akimsim.kernels import CandidateArrays, ContestBatch
from akimsim.regimes.base import (
    Contest,
    ContestOutcome,
    Entry,
    Regime,
    Selection,
    SelectionContext,
    Vacancy,
    outcome,
    register_regime,
)


@register_regime(RegimeName.direct)
class Direct(Regime):
    """Voters turn out and rank (or approve) the registered candidates or vote "against
    all"; the tier's rule (``rule.for_tier``) decides each contest.

    Per-voter work (turnout, ballots, counts) runs in the kernels for the whole batch
    at once; a batch holds contests of one tier, which never share voters.
    """

    def come_forward(self, vacancy: Vacancy, ctx: SelectionContext,
                     rng: np.random.Generator) -> Entry:
        """Party nominees and self-nominees with signatures, then registration
        (:func:`akimsim.agents.behaviour.entry.direct_entrants`); with a council
        signature threshold, the deputies of the councils below the post sign."""
        b = ctx.behaviour.candidates
        council = None
        if b.council_signature_threshold > 0:
            council = (np.concatenate([m.deputy_xy for m in vacancy.councils_below]),
                       np.concatenate([m.deputy_party for m in vacancy.councils_below]))
        entrants, nominated = direct_entrants(
            rng, vacancy.electorate, vacancy.median, list(ctx.parties), b, ctx.dominant_party,
            vacancy.incumbent, council)
        return Entry(entrants, nominated)

    def select(self, contests: Sequence[Contest], ctx: SelectionContext) -> Selection:
        rule_cfg = ctx.rule
        tiers = {Tier(c.tier) for c in contests}
        if len(tiers) > 1:
            raise ValueError("a direct-election batch must hold contests of one tier")
        rule_name = rule_cfg.for_tier(tiers.pop()) if contests else RuleName(rule_cfg.name)
        spec = get_rule(rule_name)
        min_k = 1 if rule_cfg.allow_single_candidate else 2
        runnable = [c for c in contests if len(c.candidates) >= min_k]
        results: dict[int, ContestOutcome] = {}
        for c in contests:
            if len(c.candidates) < min_k:
                results[id(c)] = outcome(c, rule=spec.name, status=Status.no_candidates,
                                         candidates=c.candidates,
                                         votes=[0] * len(c.candidates), winner=-1,
                                         electorate=c.stop - c.start)
        choices = None
        if runnable:
            box = self._ballot_box(runnable, ctx, spec)
            decided = spec.fn(box, rule_cfg)
            first = box.first_preferences.votes
            if ctx.record_choices:
                choices = np.full(ctx.population.n, -3, dtype=np.int16)
                for c in runnable:
                    rows = slice(c.start, c.stop)
                    choices[rows] = np.where(box.voted[rows] == 1, box.ranking[rows, 0], -2)
            for j, (c, res) in enumerate(zip(runnable, decided, strict=True)):
                k0, k1 = int(box.cand_start[j]), int(box.cand_start[j + 1])
                results[id(c)] = self._outcome(c, res, spec.name, first[k0:k1])
        return Selection([results[id(c)] for c in contests], choices)

    @staticmethod
    def _ballot_box(runnable: Sequence[Contest], ctx: SelectionContext, spec: RuleSpec
                    ) -> BallotBox:
        """Turnout and ballots of every voter of the batch, via the kernels."""
        v = ctx.behaviour.voters
        counts = np.array([len(c.candidates) for c in runnable], dtype=np.int64)
        if np.any(counts > MAX_CANDIDATES):
            raise ValueError(f"a ballot holds at most {MAX_CANDIDATES} candidates")
        all_cands = [cand for c in runnable for cand in c.candidates]
        batch = ContestBatch(
            starts=np.array([c.start for c in runnable], dtype=np.int64),
            stops=np.array([c.stop for c in runnable], dtype=np.int64),
            cand_start=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            keys=np.array([c.ballot_key for c in runnable], dtype=np.uint64),
            lot_keys=np.array([c.lot_key for c in runnable], dtype=np.uint64),
        )
        candidates = CandidateArrays(
            xy=np.array([cand.platform for cand in all_cands], dtype=np.float64).reshape(-1, 2),
            valence=candidate_valence(all_cands, v, ctx.dominant_party),
            party=np.array([cand.party for cand in all_cands], dtype=np.int16),
        )
        shift = np.array([contest_logit_shift(v, c.tier, len(c.candidates)) for c in runnable],
                         dtype=np.float64)
        depth = int(np.max(counts)) if spec.full_ranking else 1
        return cast_ballots(ctx.population, batch, candidates, shift,
                            choice_weights(v, ctx.rule.approval_margin), depth=depth,
                            approval=spec.ballot == BallotKind.approval)

    @staticmethod
    def _outcome(c: Contest, res: ContestResult, rule: RuleName, first: np.ndarray
                 ) -> ContestOutcome:
        rounds = res.rounds
        return outcome(
            c, rule=rule, status=res.status, candidates=c.candidates, votes=rounds[-1],
            winner=res.winner, electorate=c.stop - c.start, ballots=res.ballots,
            against_all=res.against_all, first_round=rounds[0] if len(rounds) > 1 else None,
            rounds=len(rounds), ties=res.ties, first_preferences=first,
        )

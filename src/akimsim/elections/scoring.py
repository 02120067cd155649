"""Rules whose winner has the highest score: plurality, approval and Borda."""

from __future__ import annotations

import numpy as np

from akimsim.config import BallotKind, RuleConfig, RuleName
from akimsim.elections.box import BallotBox
from akimsim.elections.registry import Decisions, register_decisions, score_rule
from akimsim.kernels import VoteCounts, approval_tally_kernel, balanced, borda_kernel


@register_decisions(RuleName.plurality, full_ranking=False)
def plurality(box: BallotBox, cfg: RuleConfig) -> Decisions:
    """Relative majority: the candidate with the most first preferences wins."""
    return score_rule(box, cfg, box.first_preferences.votes)


@register_decisions(RuleName.approval, ballot=BallotKind.approval, full_ranking=False)
def approval(box: BallotBox, cfg: RuleConfig) -> Decisions:
    """Approval voting: each voter approves every candidate within
    ``rule.approval_margin`` of their favourite; most approvals win."""
    if box.approvals is None:
        raise ValueError("the approval rule needs approval ballots (BallotBox.approvals)")
    counts = VoteCounts.blank(box.batch)
    with balanced():
        approval_tally_kernel(box.batch, box.approvals, box.voted, counts)
    return score_rule(box, cfg, counts.votes)


@register_decisions(RuleName.borda)
def borda(box: BallotBox, cfg: RuleConfig) -> Decisions:
    """Borda count: K - 1 points for a first preference, K - 2 for a second, ...;
    unranked candidates get none. Most points win."""
    scores = np.zeros(int(box.cand_start[-1]), dtype=np.int64)
    with balanced():
        borda_kernel(box.batch, box.ranking, box.voted, scores)
    return score_rule(box, cfg, scores)

"""Rules that count in rounds: two-round majority and instant runoff.

The kernels settle every tie by lot and mark which candidates were tied; the records
here are read off those marks (:func:`akimsim.elections.lots.tie_from_mask`). The
common checks read the first preferences, which are the first round of both rules.
"""

from __future__ import annotations

import numpy as np

from akimsim.config import RuleConfig, RuleName, Status, TieStage
from akimsim.elections.box import BallotBox, ContestResult, TieBreak
from akimsim.elections.lots import tie_from_mask
from akimsim.elections.registry import decide_each, register_rule
from akimsim.kernels import (
    IrvCounts,
    RunoffRule,
    TwoRoundCounts,
    balanced,
    irv_kernel,
    two_round_kernel,
)
from akimsim.kernels.layout import FIRST_PLACE, RUNOFF, SECOND_PLACE


def _rounds(counts: np.ndarray, c: int, n_rounds: int, k: int) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(v) for v in counts[c, r, :k]) for r in range(n_rounds))


def _kept(*ties: TieBreak | None) -> tuple[TieBreak, ...]:
    return tuple(t for t in ties if t is not None)


@register_rule(RuleName.two_round)
def two_round(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
    """Two-round majority: more than ``rule.majority_threshold`` of the ballots wins in
    round one; otherwise a runoff between the two best-placed candidates, to which each
    voter returns with probability ``rule.runoff_turnout``."""
    counted = TwoRoundCounts.blank(box.batch)
    with balanced():
        two_round_kernel(box.batch, box.ranking, box.voted,
                         RunoffRule(float(cfg.majority_threshold), float(cfg.runoff_turnout)),
                         counted)

    def decide(c: int, against: int, ballots: int) -> ContestResult:
        k = int(box.n_candidates[c])
        n_rounds, w = int(counted.n_rounds[c]), int(counted.winner[c])
        key, tied = box.lot_keys[c], counted.tied[c, :, :k]
        if n_rounds == 1:
            ties = _kept(tie_from_mask(tied[FIRST_PLACE], key, round=1, stage=TieStage.winner,
                                       chosen=w))
        else:
            a, b = (int(s) for s in counted.finalists[c])
            ties = _kept(
                tie_from_mask(tied[FIRST_PLACE], key, round=1, stage=TieStage.first_place,
                              chosen=a),
                tie_from_mask(tied[SECOND_PLACE], key, round=1, stage=TieStage.second_place,
                              chosen=b),
                tie_from_mask(tied[RUNOFF], key, round=2, stage=TieStage.winner, chosen=w))
        return ContestResult(w, Status.elected, _rounds(counted.counts, c, n_rounds, k),
                             against, ballots, ties)

    return decide_each(box, cfg, decide)


@register_rule(RuleName.instant_runoff)
def instant_runoff(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
    """Instant runoff (alternative vote): eliminate the weakest candidate until one
    has more than half of the ballots still counting."""
    counted = IrvCounts.blank(box.batch)
    with balanced():
        irv_kernel(box.batch, box.ranking, box.voted, counted)

    def decide(c: int, against: int, ballots: int) -> ContestResult:
        k = int(box.n_candidates[c])
        n_rounds, winner = int(counted.n_rounds[c]), int(counted.winner[c])
        ties = []
        for r in range(n_rounds):
            gone = int(counted.eliminated[c, r])
            stage = TieStage.eliminated if gone >= 0 else TieStage.winner
            ties.append(tie_from_mask(counted.tied[c, r, :k], box.lot_keys[c], round=r + 1,
                                      stage=stage, chosen=gone if gone >= 0 else winner))
        return ContestResult(winner, Status.elected, _rounds(counted.counts, c, n_rounds, k),
                             against, ballots, _kept(*ties))

    return decide_each(box, cfg, decide)

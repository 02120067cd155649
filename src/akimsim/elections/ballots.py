"""Casting the ballots of a batch of contests: turnout, then rankings or approvals.

Validates the batch, allocates the outputs and calls the ballot kernels
(:mod:`akimsim.kernels.ballots`) once for the whole batch.
"""

from __future__ import annotations

import numpy as np

from akimsim.elections.box import BallotBox, check_batch
from akimsim.kernels import (
    CandidateArrays,
    ChoiceWeights,
    ContestBatch,
    VoterArrays,
    approval_kernel,
    balanced,
    rank_kernel,
    turnout_kernel,
)
from akimsim.world import Population


def cast_ballots(population: Population, batch: ContestBatch, candidates: CandidateArrays,
                 logit_shift: np.ndarray, weights: ChoiceWeights, *, depth: int,
                 approval: bool = False) -> BallotBox:
    """Turnout and sincere ballots of every voter of a batch.

    ``logit_shift`` float64[C] is each contest's turnout shift. The box holds ``voted``
    uint8[N], ``ranking`` int8[N, depth] (the ``depth`` most preferred candidates each
    voter ranks above "against all") and, with ``approval``, ``approvals`` uint32[N].
    Rows outside the batch are 0 / -1.
    """
    return rank_ballots(population, batch, candidates, turn_out(population, batch, logit_shift),
                        weights, depth=depth, approval=approval)


def turn_out(population: Population, batch: ContestBatch, logit_shift: np.ndarray
             ) -> np.ndarray:
    """Who turns out in the batch's contests (uint8[N]: 1 votes, 0 abstains or is outside
    the batch); an election day's single turnout decision for all its ballots."""
    check_batch(batch, population.n)
    if logit_shift.shape != (batch.n_contests,):
        raise ValueError("logit_shift must have one entry per contest")
    voted = np.zeros(population.n, dtype=np.uint8)
    with balanced():
        turnout_kernel(batch, population.turnout_logit, logit_shift, voted)
    return voted


def rank_ballots(population: Population, batch: ContestBatch, candidates: CandidateArrays,
                 voted: np.ndarray, weights: ChoiceWeights, *, depth: int,
                 approval: bool = False, out: np.ndarray | None = None) -> BallotBox:
    """The ballots of a batch whose turnout is decided (``voted`` uint8[N], e.g. by
    :func:`turn_out` for a day with several ballots); see :func:`cast_ballots`.

    ``out`` (int8[N, depth]) is a buffer for the rankings, reused across the ballots of
    a day: the kernel writes every row of the batch, and rows outside it keep what the
    buffer held (without ``out`` they are -1)."""
    check_batch(batch, population.n)
    k = int(batch.cand_start[-1])
    if candidates.xy.shape != (k, 2) or candidates.valence.shape != (k,) \
            or candidates.party.shape != (k,):
        raise ValueError("candidate arrays must have cand_start[-1] rows")
    if not 1 <= depth <= 127:
        raise ValueError("depth must be 1-127 (rankings are int8)")
    if voted.shape != (population.n,):
        raise ValueError("voted must have one entry per voter")
    n = population.n
    voters = VoterArrays(population.xy, population.party, population.strength)
    if out is not None and (out.shape != (n, depth) or out.dtype != np.int8):
        raise ValueError(f"out must be int8[{n}, {depth}]")
    ranking = np.full((n, depth), -1, dtype=np.int8) if out is None else out
    approvals = None
    with balanced():
        rank_kernel(batch, candidates, voters, voted, weights, ranking)
        if approval:
            approvals = np.zeros(n, dtype=np.uint32)
            approval_kernel(batch, candidates, voters, voted, weights, approvals)
    return BallotBox(batch=batch, electorate=batch.stops - batch.starts, voted=voted,
                     ranking=ranking, approvals=approvals)

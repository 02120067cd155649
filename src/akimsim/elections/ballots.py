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
    VoterRows,
    approval_kernel,
    balanced,
    count_flags_kernel,
    flagged_rows_kernel,
    rank_kernel,
    rank_listed_kernel,
    turnout_kernel,
)
from akimsim.world import Population


def cast_ballots(population: Population, batch: ContestBatch, candidates: CandidateArrays,
                 logit_shift: np.ndarray, weights: ChoiceWeights, *, depth: int,
                 approval: bool = False, turnout_logit: np.ndarray | None = None
                 ) -> BallotBox:
    """Turnout and sincere ballots of every voter of a batch.

    ``logit_shift`` float64[C] is each contest's turnout shift. The box holds ``voted``
    uint8[N], ``ranking`` int8[N, depth] (the ``depth`` most preferred candidates each
    voter ranks above "against all") and, with ``approval``, ``approvals`` uint32[N].
    Rows outside the batch are 0 / -1. ``turnout_logit`` replaces the population's
    propensities (voters who learn: :mod:`akimsim.agents.behaviour.learning`).
    """
    voted = turn_out(population, batch, logit_shift, turnout_logit)
    return rank_ballots(population, batch, candidates, voted, weights, depth=depth,
                        approval=approval)


def turn_out(population: Population, batch: ContestBatch, logit_shift: np.ndarray,
             turnout_logit: np.ndarray | None = None) -> np.ndarray:
    """Who turns out in the batch's contests (uint8[N]: 1 votes, 0 abstains or is outside
    the batch); an election day's single turnout decision for all its ballots. Each
    voter's propensity is ``turnout_logit`` (float32[N]) if given, else the
    population's."""
    check_batch(batch, population.n)
    if logit_shift.shape != (batch.n_contests,):
        raise ValueError("logit_shift must have one entry per contest")
    logit = population.turnout_logit if turnout_logit is None else turnout_logit
    if logit.shape != (population.n,) or logit.dtype != np.float32:
        raise ValueError("turnout_logit must be float32[N]")
    voted = np.zeros(population.n, dtype=np.uint8)
    with balanced():
        turnout_kernel(batch, logit, logit_shift, voted)
    return voted


def count_flagged(starts: np.ndarray, stops: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """How many of rows ``starts[j]:stops[j]`` have ``flags`` (uint8[N], 0 or 1) set, for
    every j (int64; the slices may overlap, a region's and its districts' say)."""
    c = starts.shape[0]
    batch = ContestBatch(np.asarray(starts, dtype=np.int64), np.asarray(stops, dtype=np.int64),
                         np.zeros(c + 1, dtype=np.int64), np.zeros(c, dtype=np.uint64),
                         np.zeros(c, dtype=np.uint64))
    counts = np.zeros(c, dtype=np.int64)
    with balanced():
        count_flags_kernel(batch, flags, counts)
    return counts


def flagged_rows(batch: ContestBatch, flags: np.ndarray) -> np.ndarray:
    """The rows of the batch's contests whose ``flags`` (uint8[N], 0 or 1) are set, as
    int64, ascending when the contests are listed by their first row (a day's ballots
    counted, say: :func:`akimsim.kernels.sample_kernel`)."""
    counts = count_flagged(batch.starts, batch.stops, flags)
    first = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    rows = np.empty(int(counts.sum()), dtype=np.int64)
    with balanced():
        flagged_rows_kernel(batch, flags, first, counts, rows)
    return rows


def rows_of(batch: ContestBatch, rows: np.ndarray) -> VoterRows:
    """Each contest's share of ``rows`` (int64, ascending): :class:`VoterRows`."""
    return VoterRows(rows, np.searchsorted(rows, batch.starts).astype(np.int64),
                     np.searchsorted(rows, batch.stops).astype(np.int64))


def rank_ballots(population: Population, batch: ContestBatch, candidates: CandidateArrays,
                 voted: np.ndarray, weights: ChoiceWeights, *, depth: int,
                 approval: bool = False, out: np.ndarray | None = None,
                 rows: np.ndarray | None = None) -> BallotBox:
    """The ballots of a batch whose turnout is decided (``voted`` uint8[N], e.g. by
    :func:`turn_out` for a day with several ballots); see :func:`cast_ballots`.

    ``out`` (int8[N, depth]) is a buffer for the rankings, reused across the ballots of
    a day: the kernel writes every row of the batch, and rows outside it keep what the
    buffer held (without ``out`` they are -1). ``rows`` (int64, ascending) lists the
    voters of ``voted`` (all of them, and no other) when the caller has them: then only
    their rows of ``out`` are written (the others keep what the buffer held, and every
    count reads them through ``voted``), which is faster when few voted; the ballots are
    the same. Not with ``approval``."""
    check_batch(batch, population.n)
    k = int(batch.cand_start[-1])
    if candidates.xy.shape != (k, 2) or candidates.valence.shape != (k,) \
            or candidates.party.shape != (k,):
        raise ValueError("candidate arrays must have cand_start[-1] rows")
    if not 1 <= depth <= 127:
        raise ValueError("depth must be 1-127 (rankings are int8)")
    if voted.shape != (population.n,):
        raise ValueError("voted must have one entry per voter")
    if rows is not None and approval:
        raise ValueError("listed rows are for rankings, not approval ballots")
    n = population.n
    voters = VoterArrays(population.xy, population.party, population.strength)
    if out is not None and (out.shape != (n, depth) or out.dtype != np.int8):
        raise ValueError(f"out must be int8[{n}, {depth}]")
    ranking = np.full((n, depth), -1, dtype=np.int8) if out is None else out
    approvals = None
    with balanced():
        if rows is None:
            rank_kernel(batch, candidates, voters, voted, weights, ranking)
        else:
            rank_listed_kernel(batch, rows_of(batch, rows), candidates, voters, weights,
                               ranking)
        if approval:
            approvals = np.zeros(n, dtype=np.uint32)
            approval_kernel(batch, candidates, voters, voted, weights, approvals)
    return BallotBox(batch=batch, electorate=batch.stops - batch.starts, voted=voted,
                     ranking=ranking, approvals=approvals)

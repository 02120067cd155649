"""Public wrappers around the direct-election kernels: validate, call, wrap.

Contests passed together must not share voters (one tier at a time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from akimsim import kernels
from akimsim._jit import balanced
from akimsim.population import Population


@dataclass(frozen=True)
class Ballots:
    """Candidates of a batch of contests, flattened.

    ``starts``/``stops`` int64[C] voter slices; ``cand_start`` int64[C+1];
    ``cand_xy`` float64[K, 2]; ``cand_valence`` float64[K]; ``cand_party`` int16[K];
    ``logit_shift`` float64[C] turnout shift; ``keys`` uint64[C] kernel keys.
    """

    starts: np.ndarray
    stops: np.ndarray
    cand_start: np.ndarray
    cand_xy: np.ndarray
    cand_valence: np.ndarray
    cand_party: np.ndarray
    logit_shift: np.ndarray
    keys: np.ndarray

    def check(self, n_voters: int) -> None:
        """Raise ValueError if the batch is inconsistent (shapes, overlaps, bounds)."""
        c = self.starts.shape[0]
        if self.stops.shape != (c,) or self.logit_shift.shape != (c,) or self.keys.shape != (c,):
            raise ValueError(
                "starts, stops, logit_shift and keys must all have one entry per contest")
        if self.cand_start.shape != (c + 1,) or (c >= 0 and self.cand_start[0] != 0):
            raise ValueError("cand_start must have C + 1 entries starting at 0")
        k = int(self.cand_start[-1])
        if np.any(np.diff(self.cand_start) < 0):
            raise ValueError("cand_start must be non-decreasing")
        if self.cand_xy.shape != (k, 2) or self.cand_valence.shape != (k,) \
                or self.cand_party.shape != (k,):
            raise ValueError("candidate arrays must have cand_start[-1] rows")
        if np.any(self.starts < 0) or np.any(self.stops > n_voters) \
                or np.any(self.stops < self.starts):
            raise ValueError("voter slices must lie within the population")
        order = np.argsort(self.starts, kind="stable")
        if np.any(self.starts[order][1:] < self.stops[order][:-1]):
            raise ValueError("contests in one batch must not share voters")


@dataclass(frozen=True)
class Tally:
    """Result of a batch: ``votes`` int64[K], ``against_all`` and ``ballots`` int64[C],
    and ``choice`` int16[N] (-3 outside the batch, -2 abstained, -1 against all)."""

    votes: np.ndarray
    against_all: np.ndarray
    ballots: np.ndarray
    choice: np.ndarray


def cast_ballots(population: Population, ballots: Ballots, weights: np.ndarray, *,
                 depth: int, approval_margin: float | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Turnout and sincere ballots of every voter of a batch.

    Returns ``voted`` uint8[N], ``ranking`` int8[N, depth] (the ``depth`` most preferred
    candidates each voter ranks above "against all") and, when ``approval_margin`` is
    given, ``approvals`` uint32[N]. Rows outside the batch are 0 / -1.
    """
    ballots.check(population.n)
    if weights.shape != (4,):
        raise ValueError("weights must be (distance, party, noise, against_all)")
    if not 1 <= depth <= 127:
        raise ValueError("depth must be 1-127 (rankings are int8)")
    n = population.n
    voted = np.zeros(n, dtype=np.uint8)
    ranking = np.full((n, depth), -1, dtype=np.int8)
    approvals = None
    with balanced():
        kernels.turnout_kernel(ballots.starts, ballots.stops, population.turnout_logit,
                               ballots.logit_shift, ballots.keys, voted)
        args = (ballots.starts, ballots.stops, ballots.cand_start, ballots.cand_xy,
                ballots.cand_valence, ballots.cand_party, population.xy, population.party,
                population.strength, voted, weights.astype(np.float64), ballots.keys)
        kernels.rank_kernel(*args, ranking)
        if approval_margin is not None:
            approvals = np.zeros(n, dtype=np.uint32)
            kernels.approval_kernel(*args, float(approval_margin), approvals)
    return voted, ranking, approvals


def run_direct_elections(population: Population, ballots: Ballots,
                         weights: np.ndarray) -> Tally:
    """Turnout, choice and tally for every contest of a batch.

    ``weights`` float64[4]: distance weight, party weight, noise scale and the utility
    of "against all" (-inf removes the line).
    """
    ballots.check(population.n)
    if weights.shape != (4,):
        raise ValueError("weights must be (distance, party, noise, against_all)")
    with balanced():
        return _run(population, ballots, weights)


def _run(population: Population, ballots: Ballots, weights: np.ndarray) -> Tally:
    n = population.n
    voted = np.zeros(n, dtype=np.uint8)
    kernels.turnout_kernel(ballots.starts, ballots.stops, population.turnout_logit,
                           ballots.logit_shift, ballots.keys, voted)
    choice = np.full(n, -3, dtype=np.int16)
    kernels.choice_kernel(ballots.starts, ballots.stops, ballots.cand_start, ballots.cand_xy,
                          ballots.cand_valence, ballots.cand_party, population.xy,
                          population.party, population.strength, voted,
                          weights.astype(np.float64), ballots.keys, choice)
    c = ballots.starts.shape[0]
    votes = np.zeros(int(ballots.cand_start[-1]), dtype=np.int64)
    against = np.zeros(c, dtype=np.int64)
    cast = np.zeros(c, dtype=np.int64)
    kernels.tally_kernel(ballots.starts, ballots.stops, ballots.cand_start, choice, votes,
                         against, cast)
    return Tally(votes=votes, against_all=against, ballots=cast, choice=choice)

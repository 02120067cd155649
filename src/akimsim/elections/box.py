"""What the counting rules read and return: the ballot box of a batch of contests, each
contest's result, and ties as data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from akimsim.config import Status, TieStage
from akimsim.kernels import ContestBatch, VoteCounts, balanced, first_preference_kernel

MAX_CANDIDATES = 32  # approval ballots are 32-bit masks; rankings are int8


@dataclass(frozen=True)
class TieBreak:
    """One tie a lot settled: in which ``round``, what it decided (``stage``), the
    ``tied`` slots (ascending), the lot each of them drew (``lots``, same order) and the
    slots the lot ``chosen`` (the winner, the finalists, or the one eliminated).

    In popular votes a candidate's lot is its priority drawn before the count (the
    highest wins, the lowest is eliminated); in a council's vote the clerk draws one of
    the tied (lot 1 for the one drawn, 0 for the others), and the council's top-two cut
    orders the tied by a draw each (the highest lots go through).
    """

    round: int
    stage: TieStage
    tied: tuple[int, ...]
    lots: tuple[float, ...]
    chosen: tuple[int, ...]

    def as_record(self) -> dict[str, Any]:
        """The tie as a plain dict, as the contest table stores it."""
        return {"round": self.round, "stage": self.stage.value, "tied": list(self.tied),
                "lots": list(self.lots), "chosen": list(self.chosen)}


class ContestResult(NamedTuple):
    """What a rule decided for one contest.

    ``rounds`` holds the candidates' counts (votes, points, approvals or pairwise
    wins, by rule) of each round; ``against_all`` and ``ballots`` are first-round
    figures. ``winner`` is a slot or -1; ``status`` is elected, against_all,
    turnout_too_low or no_winner (with ``reason``). ``ties`` lists every tie a lot
    settled, in the order they were met.
    """

    winner: int
    status: Status
    rounds: tuple[tuple[int, ...], ...]
    against_all: int
    ballots: int
    ties: tuple[TieBreak, ...] = ()
    reason: str = ""


def check_batch(batch: ContestBatch, n_voters: int) -> None:
    """Raise ValueError if a batch's shapes, bounds or overlaps are inconsistent."""
    c = batch.n_contests
    for name in ("stops", "keys", "lot_keys"):
        if getattr(batch, name).shape != (c,):
            raise ValueError(f"{name} must have one entry per contest ({c})")
    if batch.cand_start.shape != (c + 1,) or batch.cand_start[0] != 0 \
            or np.any(np.diff(batch.cand_start) < 0):
        raise ValueError("cand_start must have C + 1 non-decreasing entries from 0")
    if c and int(batch.n_candidates.max()) > MAX_CANDIDATES:
        raise ValueError(f"at most {MAX_CANDIDATES} candidates per contest")
    if np.any(batch.starts < 0) or np.any(batch.stops > n_voters) \
            or np.any(batch.stops < batch.starts):
        raise ValueError("voter slices must lie within the population")
    order = np.argsort(batch.starts, kind="stable")
    if np.any(batch.starts[order][1:] < batch.stops[order][:-1]):
        raise ValueError("contests in one batch must not share voters")


@dataclass(frozen=True)
class BallotBox:
    """The ballots of a batch of contests that share no voters.

    ``batch`` says which rows and candidate slots belong to each contest and holds the
    draw and lot keys; ``electorate`` int64[C]; ``voted`` uint8[N]; ``ranking`` int8[N, R]
    candidate slots by preference, padded with -1 (R = 1 for single-mark ballots);
    ``approvals`` uint32[N] bit masks, or None when the rule reads rankings.
    """

    batch: ContestBatch
    electorate: np.ndarray
    voted: np.ndarray
    ranking: np.ndarray
    approvals: np.ndarray | None = None

    @property
    def n_contests(self) -> int:
        return self.batch.n_contests

    @property
    def n_candidates(self) -> np.ndarray:
        return self.batch.n_candidates

    @property
    def starts(self) -> np.ndarray:
        return self.batch.starts

    @property
    def stops(self) -> np.ndarray:
        return self.batch.stops

    @property
    def cand_start(self) -> np.ndarray:
        return self.batch.cand_start

    @property
    def keys(self) -> np.ndarray:
        return self.batch.keys

    @property
    def lot_keys(self) -> np.ndarray:
        return self.batch.lot_keys

    @cached_property
    def first_preferences(self) -> VoteCounts:
        """First-preference counts, counted once per box on first use: the rules and the
        regime that reports them share the count."""
        out = VoteCounts.blank(self.batch)
        with balanced():
            first_preference_kernel(self.batch, self.ranking, self.voted, out)
        return out

    def check(self) -> None:
        """Raise ValueError if shapes, bounds or overlaps are inconsistent."""
        n = self.voted.shape[0]
        check_batch(self.batch, n)
        if self.electorate.shape != (self.n_contests,):
            raise ValueError(f"electorate must have one entry per contest ({self.n_contests})")
        if self.ranking.ndim != 2 or self.ranking.shape[0] != n or self.ranking.shape[1] < 1:
            raise ValueError("ranking must be int8[N, R] with R >= 1")
        if self.approvals is not None and self.approvals.shape != (n,):
            raise ValueError("approvals must be uint32[N]")

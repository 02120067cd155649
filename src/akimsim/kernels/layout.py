"""The groups of arrays the kernels take: named tuples, which Numba compiles and caches.

A kernel's arguments are a few of these groups instead of a dozen loose arrays. Each
field's shape and dtype is stated once, here. ``C`` is the number of contests in a
batch, ``K`` the candidates of the batch (contest ``c`` owns slots
``cand_start[c]:cand_start[c + 1]``), ``Kmax`` the most candidates in one contest, ``N``
the voters of the population, ``U`` the units and ``P`` the parties. The ``blank``
constructors allocate the outputs a wrapper passes in, filled as the kernels expect
them (kernels allocate nothing for their callers).

A kernel takes the arrays it writes out of their tuple by attribute (``votes =
out.votes``) before its ``prange`` loop. Numba 0.68 silently drops writes made through a
tuple's field inside a parallel loop, and some made through names unpacked from a tuple
(``a, b = out``); reads through a field are fine. The slow twins check every output.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from akimsim.kernels._jit import helper


class ContestBatch(NamedTuple):
    """Contests decided together; they share no voters (one tier at a time).

    ``starts``/``stops`` int64[C] each contest's voter rows; ``cand_start`` int64[C+1]
    candidate offsets; ``keys`` uint64[C] the key of the voters' draws (turnout, ballots,
    runoff return); ``lot_keys`` uint64[C] the key of the candidates' lots.
    """

    starts: np.ndarray
    stops: np.ndarray
    cand_start: np.ndarray
    keys: np.ndarray
    lot_keys: np.ndarray

    @property
    def n_contests(self) -> int:
        return int(self.starts.shape[0])

    @property
    def n_candidates(self) -> np.ndarray:
        """Candidates per contest (int64[C])."""
        return np.diff(self.cand_start)

    @property
    def k_max(self) -> int:
        """The most candidates in one contest (at least 1, for array shapes)."""
        return max(1, int(self.n_candidates.max()) if self.n_contests else 1)


@helper
def slots_of(batch, c):  # type: ignore[no-untyped-def]
    """(first candidate row, number of candidates) of contest ``c`` of a batch."""
    k0 = batch.cand_start[c]
    return k0, batch.cand_start[c + 1] - k0


class VoterRows(NamedTuple):
    """Some voters of each contest of a batch: ``rows`` int64[M] voter rows, and
    ``lo``, ``hi`` int64[C], so that contest ``c``'s are ``rows[lo[c]:hi[c]]``
    (ascending, within its slice)."""

    rows: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


class CandidateArrays(NamedTuple):
    """The candidates of a batch: ``xy`` float64[K, 2] platforms, ``valence`` float64[K]
    non-spatial appeal (already weighted), ``party`` int16[K] (-1 none)."""

    xy: np.ndarray
    valence: np.ndarray
    party: np.ndarray


class VoterArrays(NamedTuple):
    """What ballots read of the voters: ``xy`` float32[N, 2] ideal points, ``party``
    int8[N] (-1 unattached), ``strength`` float32[N] attachment strength."""

    xy: np.ndarray
    party: np.ndarray
    strength: np.ndarray


class ChoiceWeights(NamedTuple):
    """How a voter values the options: the weight of squared distance and of a shared
    party, the Gumbel scale of taste noise, the utility of "against all" (-inf drops the
    line) and, for approval ballots, the margin within which candidates are approved."""

    distance: float
    party: float
    noise: float
    against_all: float
    approval_margin: float


class RunoffRule(NamedTuple):
    """Two-round majority: the share of ballots that wins in round one, and the share
    of first-round voters who return for the runoff."""

    threshold: float
    runoff_turnout: float


def _filled(batch: ContestBatch, *specs: tuple[str, int | bool]) -> list[np.ndarray]:
    """Arrays of the given shapes (letters C for the contests and K for ``k_max``, digits
    as they are), each filled with its value: bool arrays for a bool, else int64."""
    dims = {"C": batch.n_contests, "K": batch.k_max}
    return [np.full(tuple(dims[d] if d in dims else int(d) for d in shape), value,
                    dtype=np.bool_ if isinstance(value, bool) else np.int64)
            for shape, value in specs]


class VoteCounts(NamedTuple):
    """Counts of one round: ``votes`` int64[K] per candidate, ``against_all`` int64[C]
    (ballots for nobody) and ``ballots`` int64[C] cast."""

    votes: np.ndarray
    against_all: np.ndarray
    ballots: np.ndarray

    @staticmethod
    def blank(batch: ContestBatch) -> VoteCounts:
        """Zeroed counts for the batch, as the kernels expect them."""
        c = batch.n_contests
        return VoteCounts(np.zeros(int(batch.cand_start[-1]), dtype=np.int64),
                          np.zeros(c, dtype=np.int64), np.zeros(c, dtype=np.int64))


class IrvCounts(NamedTuple):
    """Instant runoff, round by round: ``counts`` int64[C, Kmax, Kmax] votes of round r
    per slot; ``exhausted`` int64[C, Kmax] ballots with no continuing candidate;
    ``eliminated`` int64[C, Kmax] the slot eliminated after round r (-1 if none);
    ``tied`` bool[C, Kmax, Kmax] the slots tied for round r's decision (the winner or
    the one eliminated; all False when the decision had no tie); ``n_rounds`` and
    ``winner`` int64[C] (winner -1 when the contest has no candidate)."""

    counts: np.ndarray
    exhausted: np.ndarray
    eliminated: np.ndarray
    tied: np.ndarray
    n_rounds: np.ndarray
    winner: np.ndarray

    @staticmethod
    def blank(batch: ContestBatch) -> IrvCounts:
        """The outputs as the kernel expects them: counts zeroed, nothing tied, no slot
        eliminated and no winner yet (-1)."""
        return IrvCounts(*_filled(batch, ("CKK", 0), ("CK", 0), ("CK", -1), ("CKK", False),
                                  ("C", 0), ("C", -1)))


#: the decisions of a two-round count whose ties :class:`TwoRoundCounts` marks
FIRST_PLACE, SECOND_PLACE, RUNOFF = 0, 1, 2


class TwoRoundCounts(NamedTuple):
    """Two-round majority: ``counts`` int64[C, 2, Kmax] per round and slot; ``against``
    and ``ballots`` int64[C, 2] per round; ``finalists`` int64[C, 2] (-1 without a
    runoff); ``tied`` bool[C, 3, Kmax] the slots tied for first place (the round-one
    winner, or the first finalist), for second place and in the runoff (all False
    without a tie); ``n_rounds`` and ``winner`` int64[C]."""

    counts: np.ndarray
    against: np.ndarray
    ballots: np.ndarray
    finalists: np.ndarray
    tied: np.ndarray
    n_rounds: np.ndarray
    winner: np.ndarray

    @staticmethod
    def blank(batch: ContestBatch) -> TwoRoundCounts:
        """The outputs as the kernel expects them: counts zeroed, nothing tied, no
        finalists and no winner yet (-1)."""
        return TwoRoundCounts(*_filled(batch, ("C2K", 0), ("C2", 0), ("C2", 0), ("C2", -1),
                                       ("C3K", False), ("C", 0), ("C", -1)))


class VoterBlocks(NamedTuple):
    """Blocks of voter rows (large units split so threads get even work): ``start``,
    ``stop`` int64[B] and ``unit`` int64[B] the block's home unit."""

    start: np.ndarray
    stop: np.ndarray
    unit: np.ndarray


class UnitEffects(NamedTuple):
    """Per unit: ``mean`` float64[U, 2] mean ideal point and ``turnout_shift``
    float64[U] the logit turnout shift of the unit's region."""

    mean: np.ndarray
    turnout_shift: np.ndarray


class PartyLayout(NamedTuple):
    """``cum`` float64[P] cumulative attachment shares (the rest unattached) and ``xy``
    float64[P, 2] platforms."""

    cum: np.ndarray
    xy: np.ndarray


class VoterTraitParams(NamedTuple):
    """Spread of ideal points around the unit mean, the pull toward an attached party's
    platform, and the logit-normal laws of attachment strength and turnout propensity."""

    voter_sd: float
    party_pull: float
    strength_mean: float
    strength_sd: float
    turnout_mean: float
    turnout_sd: float


class VoterTraits(NamedTuple):
    """Every voter's traits (outputs of the voters kernel): ``xy`` float32[N, 2],
    ``party`` int8[N], ``strength`` float32[N], ``turnout_logit`` float32[N]."""

    xy: np.ndarray
    party: np.ndarray
    strength: np.ndarray
    turnout_logit: np.ndarray


class LearningRule(NamedTuple):
    """Turnout learning: the reinforcement step, the habit step, the weight of the old
    aspiration and the payoff lost by voting (winning pays 1)."""

    rate: float
    habit: float
    memory: float
    cost: float


class LearnedTurnout(NamedTuple):
    """What turnout learning reads and writes: ``voted`` uint8[N] and ``winner`` int64[C]
    (a slot, or -1 for a contest without one) are read; ``logit`` float32[N] (each voter's
    propensity to vote on the logit scale, before a contest's shift) and ``aspiration``
    float32[N] are updated in place."""

    voted: np.ndarray
    winner: np.ndarray
    logit: np.ndarray
    aspiration: np.ndarray

"""Voting rules of direct elections, behind one signature and a registry.

Every rule takes a :class:`BallotBox` (the ballots of many contests at once, in the
unit-sorted voter arrays) and the :class:`~akimsim.config.RuleConfig`, and returns
one :class:`ContestResult` per contest: the winner or no winner with the reason, the
counts of every round, and the ties met and how they were broken. Per-voter work is
done by the kernels in :mod:`akimsim.kernels`; what is left here is per contest.

Common to every rule:

* a ballot that ranks (or approves) nobody is a vote "against all"; if more voters
  cast it than gave any single candidate their first preference, nobody is elected
  (status ``against_all``), as on Kazakhstan's ballots;
* if nobody voted, or fewer than ``rule.min_turnout`` of the electorate, the election
  is void (``turnout_too_low``);
* ties are settled by a lot drawn per contest before the count
  (:func:`akimsim.kernels.lot_priority`, keyed by the contest's lot key): the tied
  candidate with the higher lot wins, or the lower one is eliminated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from akimsim import kernels
from akimsim._jit import balanced
from akimsim.config import AgainstAllPolicy, RuleConfig, RuleName

MAX_CANDIDATES = 32  # approval ballots are 32-bit masks; rankings are int8


@dataclass(frozen=True)
class BallotBox:
    """The ballots of a batch of contests that share no voters.

    ``starts``/``stops`` int64[C] each contest's rows; ``cand_start`` int64[C+1]
    candidate offsets (contest c has slots 0..n_c-1); ``electorate`` int64[C];
    ``voted`` uint8[N]; ``ranking`` int8[N, R] candidate slots by preference, padded
    with -1 (R = 1 for single-mark ballots); ``approvals`` uint32[N] bit masks or
    None; ``keys`` uint64[C] the voters' draw keys (runoff turnout); ``lot_keys``
    uint64[C] the lots.
    """

    starts: np.ndarray
    stops: np.ndarray
    cand_start: np.ndarray
    electorate: np.ndarray
    voted: np.ndarray
    ranking: np.ndarray
    keys: np.ndarray
    lot_keys: np.ndarray
    approvals: np.ndarray | None = None

    @property
    def n_contests(self) -> int:
        return int(self.starts.shape[0])

    @property
    def n_candidates(self) -> np.ndarray:
        return np.diff(self.cand_start)

    @cached_property
    def first_counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """First-preference counts, computed on first use (see :func:`first_preferences`)."""
        return _count_first_preferences(self)

    def check(self) -> None:
        """Raise ValueError if shapes, bounds or overlaps are inconsistent."""
        c = self.n_contests
        n = self.voted.shape[0]
        for name in ("stops", "electorate", "keys", "lot_keys"):
            if getattr(self, name).shape != (c,):
                raise ValueError(f"{name} must have one entry per contest ({c})")
        if self.cand_start.shape != (c + 1,) or self.cand_start[0] != 0 \
                or np.any(np.diff(self.cand_start) < 0):
            raise ValueError("cand_start must have C + 1 non-decreasing entries from 0")
        if c and int(np.diff(self.cand_start).max()) > MAX_CANDIDATES:
            raise ValueError(f"at most {MAX_CANDIDATES} candidates per contest")
        if self.ranking.ndim != 2 or self.ranking.shape[0] != n or self.ranking.shape[1] < 1:
            raise ValueError("ranking must be int8[N, R] with R >= 1")
        if self.approvals is not None and self.approvals.shape != (n,):
            raise ValueError("approvals must be uint32[N]")
        if np.any(self.starts < 0) or np.any(self.stops > n) or np.any(self.stops < self.starts):
            raise ValueError("voter slices must lie within the ballot arrays")
        order = np.argsort(self.starts, kind="stable")
        if np.any(self.starts[order][1:] < self.stops[order][:-1]):
            raise ValueError("contests in one batch must not share voters")


@dataclass(frozen=True)
class ContestResult:
    """What a rule decided for one contest.

    ``rounds`` holds the candidates' counts (votes, points, approvals or pairwise
    wins, by rule) of each round; ``against_all`` and ``ballots`` are first-round
    figures. ``winner`` is a slot or -1; ``status`` is ``elected``, ``against_all``,
    ``turnout_too_low`` or ``no_winner`` (with ``reason``). ``tie`` lists the slots
    of the first tie that decided something and ``tie_break`` records every lot used.
    """

    winner: int
    status: str
    rounds: tuple[tuple[int, ...], ...]
    against_all: int
    ballots: int
    tie: tuple[int, ...] = ()
    tie_break: str = ""
    reason: str = ""


@dataclass(frozen=True)
class RuleSpec:
    """A registered rule: the function and the ballots it needs."""

    name: str
    fn: Callable[[BallotBox, RuleConfig], list[ContestResult]]
    ballot: str  # "ranking" or "approval"
    full_ranking: bool  # needs every preference (else only the first)
    doc: str


RULES: dict[str, RuleSpec] = {}


def register_rule(name: RuleName, *, ballot: str = "ranking", full_ranking: bool = True
                  ) -> Callable[[Callable[[BallotBox, RuleConfig], list[ContestResult]]],
                                Callable[[BallotBox, RuleConfig], list[ContestResult]]]:
    """Add a rule to :data:`RULES` under ``name``."""

    def wrap(fn: Callable[[BallotBox, RuleConfig], list[ContestResult]]
             ) -> Callable[[BallotBox, RuleConfig], list[ContestResult]]:
        key = RuleName(name).value
        RULES[key] = RuleSpec(key, fn, ballot, full_ranking, (fn.__doc__ or "").strip())
        return fn

    return wrap


def get_rule(name: RuleName | str) -> RuleSpec:
    """The registered rule called ``name``; fails listing the known names."""
    key = name.value if isinstance(name, RuleName) else str(name)
    if key not in RULES:
        raise KeyError(f"unknown voting rule {key!r}; known rules: {sorted(RULES)}")
    return RULES[key]


# ---------------------------------------------------------------------------
# shared steps


def lot_priorities(lot_key: np.uint64, n: int) -> np.ndarray:
    """The lots of a contest's ``n`` candidates (float64[n]); higher wins a tie."""
    return np.array([kernels.lot_priority(np.uint64(lot_key), k) for k in range(n)])


def pick_best(values: np.ndarray, lot_key: np.uint64,
              candidates: np.ndarray | None = None) -> tuple[int, tuple[int, ...], str]:
    """Slot with the largest value (among ``candidates``), ties settled by the lot.

    Returns (slot, tied slots or (), record); (-1, (), "") when there is nothing.
    """
    slots = np.arange(values.shape[0]) if candidates is None else np.asarray(candidates)
    if slots.shape[0] == 0:
        return -1, (), ""
    top = values[slots].max()
    tied = slots[values[slots] == top]
    if tied.shape[0] == 1:
        return int(tied[0]), (), ""
    lots = lot_priorities(lot_key, values.shape[0])
    pick = int(tied[np.argmax(lots[tied])])
    return pick, tuple(int(t) for t in tied), f"lot among {tuple(int(t) for t in tied)} -> {pick}"


def first_preferences(box: BallotBox) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(votes int64[K], against_all int64[C], ballots int64[C]) of first preferences.

    Counted once per box: the rules and the regime that reports them share the count.
    """
    return box.first_counts


def _count_first_preferences(box: BallotBox) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    votes = np.zeros(int(box.cand_start[-1]), dtype=np.int64)
    against = np.zeros(box.n_contests, dtype=np.int64)
    ballots = np.zeros(box.n_contests, dtype=np.int64)
    with balanced():
        kernels.first_preference_kernel(box.starts, box.stops, box.cand_start, box.ranking,
                                        box.voted, votes, against, ballots)
    return votes, against, ballots


def gatekeeper(box: BallotBox, cfg: RuleConfig, c: int, first: np.ndarray, against: int,
               ballots: int) -> ContestResult | None:
    """The checks every rule makes before its own: void turnout and "against all"."""
    rounds = (tuple(int(v) for v in first),)
    if ballots == 0 or ballots < cfg.min_turnout * int(box.electorate[c]):
        return ContestResult(-1, "turnout_too_low", rounds, against, ballots,
                             reason="nobody voted" if ballots == 0 else "below rule.min_turnout")
    top = int(first.max()) if first.shape[0] else 0
    if against > top and AgainstAllPolicy(cfg.against_all_wins) != AgainstAllPolicy.ignore:
        return ContestResult(-1, "against_all", rounds, against, ballots,
                             reason='"against all" had more votes than any candidate')
    return None


def _score_rule(box: BallotBox, cfg: RuleConfig, scores: np.ndarray,
                first_counts: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                ) -> list[ContestResult]:
    """Shared by rules whose winner has the highest score (ties by lot)."""
    first, against, ballots = first_counts if first_counts is not None \
        else first_preferences(box)
    out = []
    for c in range(box.n_contests):
        k0, k1 = int(box.cand_start[c]), int(box.cand_start[c + 1])
        gate = gatekeeper(box, cfg, c, first[k0:k1], int(against[c]), int(ballots[c]))
        if gate is not None:
            out.append(gate)
            continue
        s = scores[k0:k1]
        winner, tie, record = pick_best(s, box.lot_keys[c])
        rounds = (tuple(int(v) for v in s),)
        out.append(ContestResult(winner, "elected", rounds, int(against[c]), int(ballots[c]),
                                 tie, record))
    return out


# ---------------------------------------------------------------------------
# the rules


@register_rule(RuleName.plurality, full_ranking=False)
def plurality(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
    """Relative majority: the candidate with the most first preferences wins."""
    counted = first_preferences(box)
    return _score_rule(box, cfg, counted[0], counted)


@register_rule(RuleName.two_round)
def two_round(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
    """Two-round majority: more than ``rule.majority_threshold`` of the ballots wins in
    round one; otherwise a runoff between the two best-placed candidates, to which each
    voter returns with probability ``rule.runoff_turnout``."""
    c_n = box.n_contests
    k_max = max(1, int(box.n_candidates.max()) if c_n else 1)
    counts = np.zeros((c_n, 2, k_max), dtype=np.int64)
    against = np.zeros((c_n, 2), dtype=np.int64)
    ballots = np.zeros((c_n, 2), dtype=np.int64)
    finalists = np.zeros((c_n, 2), dtype=np.int64)
    n_rounds = np.zeros(c_n, dtype=np.int64)
    winner = np.zeros(c_n, dtype=np.int64)
    with balanced():
        kernels.two_round_kernel(box.starts, box.stops, box.cand_start, box.ranking, box.voted,
                                 box.keys, box.lot_keys, float(cfg.majority_threshold),
                                 float(cfg.runoff_turnout), counts, against, ballots,
                                 finalists, n_rounds, winner)
    out = []
    for c in range(c_n):
        k = int(box.n_candidates[c])
        first = counts[c, 0, :k]
        gate = gatekeeper(box, cfg, c, first, int(against[c, 0]), int(ballots[c, 0]))
        if gate is not None:
            out.append(gate)
            continue
        rounds = tuple(tuple(int(v) for v in counts[c, r, :k]) for r in range(int(n_rounds[c])))
        w = int(winner[c])
        records = []
        ties: list[tuple[int, ...]] = []
        top = tuple(int(t) for t in np.flatnonzero(first == np.max(first)))
        if n_rounds[c] == 1:
            if len(top) > 1:
                ties.append(top)
                records.append(f"lot among {top} -> {w}")
        else:
            a, b = int(finalists[c, 0]), int(finalists[c, 1])
            if len(top) > 1:
                ties.append(top)
                records.append(f"first place: lot among {top} -> {a}")
            rest = np.flatnonzero((first == first[b]) & (np.arange(k) != a))
            if rest.shape[0] > 1:
                tied = tuple(int(t) for t in rest)
                ties.append(tied)
                records.append(f"second place: lot among {tied} -> {b}")
            if counts[c, 1, a] == counts[c, 1, b]:
                pair = (min(a, b), max(a, b))
                ties.append(pair)
                records.append(f"runoff: lot among {pair} -> {w}")
        out.append(ContestResult(w, "elected", rounds, int(against[c, 0]), int(ballots[c, 0]),
                                 ties[0] if ties else (), "; ".join(records)))
    return out


@register_rule(RuleName.instant_runoff)
def instant_runoff(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
    """Instant runoff (alternative vote): eliminate the weakest candidate until one
    has more than half of the ballots still counting."""
    c_n = box.n_contests
    k_max = max(1, int(box.n_candidates.max()) if c_n else 1)
    counts = np.zeros((c_n, k_max, k_max), dtype=np.int64)
    exhausted = np.zeros((c_n, k_max), dtype=np.int64)
    eliminated = np.zeros((c_n, k_max), dtype=np.int64)
    n_rounds = np.zeros(c_n, dtype=np.int64)
    winner = np.zeros(c_n, dtype=np.int64)
    with balanced():
        kernels.irv_kernel(box.starts, box.stops, box.cand_start, box.ranking, box.voted,
                           box.lot_keys, counts, exhausted, eliminated, n_rounds, winner)
    out = []
    for c in range(c_n):
        k = int(box.n_candidates[c])
        first = counts[c, 0, :k]
        ballots = int(box.voted[box.starts[c]:box.stops[c]].sum(dtype=np.int64))
        against = int(exhausted[c, 0])
        gate = gatekeeper(box, cfg, c, first, against, ballots)
        if gate is not None:
            out.append(gate)
            continue
        rounds = tuple(tuple(int(v) for v in counts[c, r, :k]) for r in range(int(n_rounds[c])))
        active = np.ones(k, dtype=bool)
        tie: tuple[int, ...] = ()
        records = []
        for r in range(int(n_rounds[c])):
            row = counts[c, r, :k]
            gone = int(eliminated[c, r])
            if gone >= 0:
                low = np.flatnonzero(active & (row == row[gone]))
                if low.shape[0] > 1:
                    tie = tie or tuple(int(t) for t in low)
                    records.append(f"round {r + 1}: lot among {tuple(int(t) for t in low)} "
                                   f"eliminated {gone}")
                active[gone] = False
            else:
                w = int(winner[c])
                top = np.flatnonzero(active & (row == row[w]))
                if top.shape[0] > 1:
                    tie = tie or tuple(int(t) for t in top)
                    records.append(f"round {r + 1}: lot among {tuple(int(t) for t in top)} -> {w}")
        out.append(ContestResult(int(winner[c]), "elected", rounds, against, ballots, tie,
                                 "; ".join(records)))
    return out


@register_rule(RuleName.approval, ballot="approval", full_ranking=False)
def approval(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
    """Approval voting: each voter approves every candidate within
    ``rule.approval_margin`` of their favourite; most approvals win."""
    if box.approvals is None:
        raise ValueError("the approval rule needs approval ballots (BallotBox.approvals)")
    counts = np.zeros(int(box.cand_start[-1]), dtype=np.int64)
    empty = np.zeros(box.n_contests, dtype=np.int64)
    cast = np.zeros(box.n_contests, dtype=np.int64)
    with balanced():
        kernels.approval_tally_kernel(box.starts, box.stops, box.cand_start, box.approvals,
                                      box.voted, counts, empty, cast)
    return _score_rule(box, cfg, counts)


@register_rule(RuleName.borda)
def borda(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
    """Borda count: K - 1 points for a first preference, K - 2 for a second, ...;
    unranked candidates get none. Most points win."""
    scores = np.zeros(int(box.cand_start[-1]), dtype=np.int64)
    with balanced():
        kernels.borda_kernel(box.starts, box.stops, box.cand_start, box.ranking, box.voted,
                             scores)
    return _score_rule(box, cfg, scores)


def pairwise(box: BallotBox) -> np.ndarray:
    """Pairwise majorities int64[C, Kmax, Kmax]: ballots ranking a above b."""
    k_max = max(1, int(box.n_candidates.max()) if box.n_contests else 1)
    out = np.zeros((box.n_contests, k_max, k_max), dtype=np.int64)
    with balanced():
        kernels.pairwise_kernel(box.starts, box.stops, box.cand_start, box.ranking, box.voted,
                                out)
    return out


def condorcet_winner(matrix: np.ndarray) -> int:
    """The candidate who beats every other head to head, or -1 if there is none."""
    k = matrix.shape[0]
    for a in range(k):
        if all(matrix[a, b] > matrix[b, a] for b in range(k) if b != a):
            return a
    return -1


def copeland_scores(matrix: np.ndarray) -> np.ndarray:
    """Copeland score x2 (int64[K]): two points per head-to-head win, one per draw."""
    wins = (matrix > matrix.T).sum(axis=1)
    draws = (matrix == matrix.T).sum(axis=1) - 1  # the diagonal draws with itself
    return (2 * wins + draws).astype(np.int64)


def _pairwise_rule(box: BallotBox, cfg: RuleConfig, copeland: bool) -> list[ContestResult]:
    first, against, ballots = first_preferences(box)
    matrices = pairwise(box)
    out = []
    for c in range(box.n_contests):
        k0, k1 = int(box.cand_start[c]), int(box.cand_start[c + 1])
        k = k1 - k0
        gate = gatekeeper(box, cfg, c, first[k0:k1], int(against[c]), int(ballots[c]))
        if gate is not None:
            out.append(gate)
            continue
        m = matrices[c, :k, :k]
        winner = condorcet_winner(m)
        scores = copeland_scores(m)
        rounds = (tuple(int(v) for v in scores),)
        if winner >= 0:
            out.append(ContestResult(winner, "elected", rounds, int(against[c]), int(ballots[c])))
        elif not copeland:
            out.append(ContestResult(-1, "no_winner", rounds, int(against[c]), int(ballots[c]),
                                     reason="no Condorcet winner (a majority cycle or a tie)"))
        else:
            w, tie, record = pick_best(scores, box.lot_keys[c])
            out.append(ContestResult(w, "elected", rounds, int(against[c]), int(ballots[c]),
                                     tie, record))
    return out


@register_rule(RuleName.condorcet)
def condorcet(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
    """Condorcet: the candidate who beats every other head to head wins; with no such
    candidate nobody is elected (status ``no_winner``). Counts are Copeland scores x2."""
    return _pairwise_rule(box, cfg, copeland=False)


@register_rule(RuleName.copeland)
def copeland(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
    """Copeland: the Condorcet winner if there is one, else the candidate with most
    head-to-head wins (a draw counts half), ties by lot. Counts are scores x2."""
    return _pairwise_rule(box, cfg, copeland=True)


def council_majority(votes: np.ndarray, n_deputies: int, lot_key: np.uint64) -> ContestResult:
    """Majority vote of a council: votes int64[K] per candidate from deputies who did
    not abstain; a candidate needs more than half of all ``n_deputies``."""
    cast = int(votes.sum())
    if cast == 0:
        return ContestResult(-1, "no_winner", (tuple(int(v) for v in votes),), 0, 0,
                             reason="every deputy abstained")
    w, tie, record = pick_best(votes, lot_key)
    if 2 * int(votes[w]) > n_deputies:
        return ContestResult(w, "elected", (tuple(int(v) for v in votes),), 0, cast, tie, record)
    return ContestResult(-1, "no_winner", (tuple(int(v) for v in votes),), 0, cast,
                         reason="no candidate won a majority of all deputies")

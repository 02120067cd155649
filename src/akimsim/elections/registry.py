"""The registry of voting rules, and what every rule does before its own count.

Every rule takes a :class:`~akimsim.elections.box.BallotBox` (the ballots of many
contests at once) and the :class:`~akimsim.config.RuleConfig`, and returns one
:class:`~akimsim.elections.box.ContestResult` per contest. Per-voter work is done by the
kernels; what is left in the rules is per contest. Common to every rule:

* a ballot that ranks (or approves) nobody is a vote "against all"; if more voters
  cast it than gave any single candidate their first preference, nobody is elected
  (status ``against_all``), as on Kazakhstan's ballots;
* if nobody voted, or fewer than ``rule.min_turnout`` of the electorate, the election
  is void (``turnout_too_low``);
* ties are settled by each candidate's lot (:mod:`akimsim.elections.lots`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from akimsim.config import AgainstAllPolicy, BallotKind, RuleConfig, RuleName, Status
from akimsim.elections.box import BallotBox, ContestResult, TieBreak
from akimsim.elections.lots import pick_best

RuleFn = Callable[[BallotBox, RuleConfig], list[ContestResult]]


@dataclass(frozen=True)
class Decisions:
    """What a rule decided for every contest of a box, as arrays (one entry per contest,
    counts per candidate in the box's order).

    ``final`` holds each candidate's count in the last round, ``first_round`` the first
    round's where ``rounds`` > 1; ``ties`` maps a contest to the ties a lot settled.
    :meth:`results` gives the same as one :class:`ContestResult` per contest.
    """

    winner: np.ndarray  # int64[C], a slot or -1
    status: tuple[Status, ...]
    final: np.ndarray  # int64[K]
    first_round: np.ndarray  # int64[K], valid where rounds > 1
    rounds: np.ndarray  # int64[C]
    against_all: np.ndarray  # int64[C]
    ballots: np.ndarray  # int64[C]
    cand_start: np.ndarray  # int64[C + 1]
    ties: dict[int, tuple[TieBreak, ...]]
    reasons: dict[int, str]

    def results(self) -> list[ContestResult]:
        out = []
        final, first, start = self.final.tolist(), self.first_round.tolist(), \
            self.cand_start.tolist()
        for c, (w, st, n, a, b) in enumerate(zip(self.winner.tolist(), self.status,
                                                 self.rounds.tolist(),
                                                 self.against_all.tolist(),
                                                 self.ballots.tolist(), strict=True)):
            last = tuple(final[start[c]:start[c + 1]])
            rounds = (tuple(first[start[c]:start[c + 1]]), last) if n > 1 else (last,)
            out.append(ContestResult(w, st, rounds, a, b, self.ties.get(c, ()),
                                     self.reasons.get(c, "")))
        return out

    @staticmethod
    def of_results(results: list[ContestResult], cand_start: np.ndarray) -> Decisions:
        """The decisions of a rule that returns one result per contest."""
        k = int(cand_start[-1])
        final = np.zeros(k, dtype=np.int64)
        first = np.zeros(k, dtype=np.int64)
        rounds = np.zeros(len(results), dtype=np.int64)
        ties, reasons = {}, {}
        starts = cand_start.tolist()
        for c, res in enumerate(results):  # a few numbers per contest
            rows = slice(starts[c], starts[c + 1])
            final[rows] = res.rounds[-1]
            if len(res.rounds) > 1:
                first[rows] = res.rounds[0]
            rounds[c] = len(res.rounds)
            if res.ties:
                ties[c] = res.ties
            if res.reason:
                reasons[c] = res.reason
        return Decisions(np.array([r.winner for r in results], dtype=np.int64),
                         tuple(r.status for r in results), final, first, rounds,
                         np.array([r.against_all for r in results], dtype=np.int64),
                         np.array([r.ballots for r in results], dtype=np.int64),
                         cand_start.astype(np.int64), ties, reasons)


DecideFn = Callable[[BallotBox, RuleConfig], Decisions]


@dataclass(frozen=True)
class RuleSpec:
    """A registered rule: the function, the ballots it needs and, for rules decided as
    arrays over the whole box, ``decide`` (``fn`` then gives the same per contest)."""

    name: RuleName
    fn: RuleFn
    ballot: BallotKind
    full_ranking: bool  # needs every preference (else only the first)
    decide: DecideFn | None = None

    def decisions(self, box: BallotBox, cfg: RuleConfig) -> Decisions:
        """The rule's decisions for every contest of ``box``."""
        if self.decide is not None:
            return self.decide(box, cfg)
        return Decisions.of_results(self.fn(box, cfg), box.cand_start)


RULES: dict[str, RuleSpec] = {}


def register_rule(name: RuleName, *, ballot: BallotKind = BallotKind.ranking,
                  full_ranking: bool = True) -> Callable[[RuleFn], RuleFn]:
    """Add a rule to :data:`RULES` under ``name``."""

    def wrap(fn: RuleFn) -> RuleFn:
        key = RuleName(name)
        RULES[key.value] = RuleSpec(key, fn, BallotKind(ballot), full_ranking)
        return fn

    return wrap


def register_decisions(name: RuleName, *, ballot: BallotKind = BallotKind.ranking,
                       full_ranking: bool = True) -> Callable[[DecideFn], DecideFn]:
    """Add a rule decided as arrays over the whole box to :data:`RULES` under ``name``
    (its per-contest ``fn`` is the same decisions, one result per contest)."""

    def wrap(decide: DecideFn) -> DecideFn:
        key = RuleName(name)

        def fn(box: BallotBox, cfg: RuleConfig) -> list[ContestResult]:
            return decide(box, cfg).results()

        fn.__doc__ = decide.__doc__
        fn.__name__ = decide.__name__
        RULES[key.value] = RuleSpec(key, fn, BallotKind(ballot), full_ranking, decide)
        return decide

    return wrap


def get_rule(name: RuleName | str) -> RuleSpec:
    """The registered rule called ``name``; fails listing the known names."""
    key = name.value if isinstance(name, RuleName) else str(name)
    if key not in RULES:
        raise KeyError(f"unknown voting rule {key!r}; known rules: {sorted(RULES)}")
    return RULES[key]


def gatekeeper(box: BallotBox, cfg: RuleConfig, c: int, first: np.ndarray, against: int,
               ballots: int) -> ContestResult | None:
    """The checks every rule makes before its own: void turnout and "against all"."""
    rounds = (tuple(int(v) for v in first),)
    if ballots == 0 or ballots < cfg.min_turnout * int(box.electorate[c]):
        return ContestResult(-1, Status.turnout_too_low, rounds, against, ballots,
                             reason="nobody voted" if ballots == 0 else "below rule.min_turnout")
    top = int(first.max()) if first.shape[0] else 0
    if against > top and AgainstAllPolicy(cfg.against_all_wins) != AgainstAllPolicy.ignore:
        return ContestResult(-1, Status.against_all, rounds, against, ballots,
                             reason='"against all" had more votes than any candidate')
    return None


def decide_each(box: BallotBox, cfg: RuleConfig,
                decide: Callable[[int, int, int], ContestResult]) -> list[ContestResult]:
    """One result per contest: the common checks of :func:`gatekeeper` on the first
    preferences, then ``decide(c, against_all, ballots)`` for the contests they let
    through."""
    first = box.first_preferences
    out = []
    for c in range(box.n_contests):
        k0, k1 = int(box.cand_start[c]), int(box.cand_start[c + 1])
        against, ballots = int(first.against_all[c]), int(first.ballots[c])
        gate = gatekeeper(box, cfg, c, first.votes[k0:k1], against, ballots)
        out.append(gate if gate is not None else decide(c, against, ballots))
    return out


def score_rule(box: BallotBox, cfg: RuleConfig, scores: np.ndarray) -> Decisions:
    """Shared by rules whose winner has the highest score (ties by lot), decided as
    arrays over the whole box: :func:`gatekeeper`'s checks, then the top score of each
    contest; only a tie for the top takes a contest's own lots (:func:`pick_best`)."""
    first = box.first_preferences
    start = box.cand_start.astype(np.int64)
    c = box.n_contests
    counts = np.diff(start)
    against = first.against_all.astype(np.int64)
    ballots = first.ballots.astype(np.int64)
    low = (ballots == 0) | (ballots < cfg.min_turnout * box.electorate)
    post = np.repeat(np.arange(c), counts)
    has = counts > 0
    top_first = np.zeros(c, dtype=np.int64)
    votes = first.votes.astype(np.int64)
    if votes.shape[0]:
        top_first[has] = np.maximum.reduceat(votes, start[:-1][has])
    beaten = (~low & (against > top_first)
              & (AgainstAllPolicy(cfg.against_all_wins) != AgainstAllPolicy.ignore))
    decided = ~low & ~beaten
    scores = np.asarray(scores, dtype=np.int64)
    final = np.where(decided[post], scores, votes)
    winner = np.full(c, -1, dtype=np.int64)
    ties: dict[int, tuple[TieBreak, ...]] = {}
    if scores.shape[0]:
        best = np.zeros(c, dtype=np.int64)
        best[has] = np.maximum.reduceat(scores, start[:-1][has])
        on_top = scores == best[post]
        n_top = np.bincount(post[on_top], minlength=c)
        last_top = np.full(c, -1, dtype=np.int64)
        np.maximum.at(last_top, post[on_top], np.flatnonzero(on_top))
        single = decided & (n_top == 1)
        winner[single] = last_top[single] - start[:-1][single]
        for j in np.flatnonzero(decided & (n_top > 1)).tolist():  # ties: by the lot
            w, tie = pick_best(scores[start[j]:start[j + 1]], box.lot_keys[j])
            winner[j] = w
            if tie is not None:
                ties[j] = (tie,)
    status = tuple(Status.elected if d else Status.turnout_too_low if lo else Status.against_all
                   for d, lo in zip(decided.tolist(), low.tolist(), strict=True))
    reasons = {j: ("nobody voted" if ballots[j] == 0 else "below rule.min_turnout")
               for j in np.flatnonzero(low).tolist()}
    reasons.update({j: '"against all" had more votes than any candidate'
                    for j in np.flatnonzero(beaten).tolist()})
    return Decisions(winner, status, final, np.zeros_like(final), np.ones(c, dtype=np.int64),
                     against, ballots, start, ties, reasons)

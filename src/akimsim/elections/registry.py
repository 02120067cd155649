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
from akimsim.elections.box import BallotBox, ContestResult
from akimsim.elections.lots import pick_best

RuleFn = Callable[[BallotBox, RuleConfig], list[ContestResult]]


@dataclass(frozen=True)
class RuleSpec:
    """A registered rule: the function and the ballots it needs."""

    name: RuleName
    fn: RuleFn
    ballot: BallotKind
    full_ranking: bool  # needs every preference (else only the first)


RULES: dict[str, RuleSpec] = {}


def register_rule(name: RuleName, *, ballot: BallotKind = BallotKind.ranking,
                  full_ranking: bool = True) -> Callable[[RuleFn], RuleFn]:
    """Add a rule to :data:`RULES` under ``name``."""

    def wrap(fn: RuleFn) -> RuleFn:
        key = RuleName(name)
        RULES[key.value] = RuleSpec(key, fn, BallotKind(ballot), full_ranking)
        return fn

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


def score_rule(box: BallotBox, cfg: RuleConfig, scores: np.ndarray) -> list[ContestResult]:
    """Shared by rules whose winner has the highest score (ties by lot)."""

    def decide(c: int, against: int, ballots: int) -> ContestResult:
        s = scores[int(box.cand_start[c]):int(box.cand_start[c + 1])]
        winner, tie = pick_best(s, box.lot_keys[c])
        return ContestResult(winner, Status.elected, (tuple(int(v) for v in s),), against,
                             ballots, (tie,) if tie else ())

    return decide_each(box, cfg, decide)

"""Voting rules of direct elections, behind one signature and a registry.

A rule takes the tallies of one contest and a lot generator and returns a
:class:`RuleResult`. Issue 3 adds the ranked and approval rules; the registry and
the result record stay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from akimsim.config import RuleName


@dataclass(frozen=True)
class RuleResult:
    """What a rule decided for one contest.

    ``winner`` is the candidate slot, or -1 when "against all" came first or nobody
    could win; ``against_all_first`` says the "against all" line beat every candidate;
    ``tie`` lists the slots that tied for first (empty when there was no tie) and
    ``tie_break`` how the tie was settled.
    """

    winner: int
    against_all_first: bool
    tie: tuple[int, ...]
    tie_break: str


Rule = Callable[[np.ndarray, int, np.random.Generator], RuleResult]
RULES: dict[str, Rule] = {}


def register_rule(name: RuleName) -> Callable[[Rule], Rule]:
    """Add a rule to :data:`RULES` under ``name``."""

    def wrap(fn: Rule) -> Rule:
        RULES[RuleName(name).value] = fn
        return fn

    return wrap


def draw_lot(tied: np.ndarray, lot: np.random.Generator) -> tuple[int, str]:
    """Pick one of ``tied`` slots by a seeded lot; returns the slot and its record."""
    pick = int(tied[int(lot.integers(len(tied)))])
    return pick, f"lot among {tuple(int(t) for t in tied)} -> {pick}"


@register_rule(RuleName.plurality)
def plurality(votes: np.ndarray, against_all: int, lot: np.random.Generator) -> RuleResult:
    """Relative majority: the candidate with most votes wins.

    ``votes`` int64[K] per candidate. If "against all" has strictly more votes than
    every candidate, nobody wins (``against_all_first``); if it only ties the best
    candidate, the candidate wins. Ties between candidates are broken by lot.
    """
    if votes.shape[0] == 0:
        return RuleResult(-1, against_all > 0, (), "")
    top = int(votes.max())
    if against_all > top:
        return RuleResult(-1, True, (), "")
    tied = np.flatnonzero(votes == top)
    if tied.shape[0] == 1:
        return RuleResult(int(tied[0]), False, (), "")
    winner, record = draw_lot(tied, lot)
    return RuleResult(winner, False, tuple(int(t) for t in tied), record)


def get_rule(name: RuleName | str) -> Rule:
    """The registered rule called ``name``; fails listing the known names."""
    key = RuleName(name).value if isinstance(name, RuleName) else str(name)
    if key not in RULES:
        raise KeyError(f"unknown voting rule {key!r}; known rules: {sorted(RULES)}")
    return RULES[key]

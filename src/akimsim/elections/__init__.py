"""Elections: casting ballots, counting them by a voting rule, and councils' votes.

Owns the ballot box of a batch and each contest's result with its ties as data
(:mod:`.box`, :mod:`.lots`), casting ballots (:mod:`.ballots`), the registry every rule
joins (:mod:`.registry`) and the rules by family: scoring (plurality, approval, Borda),
runoff (two-round, instant runoff) and pairwise (Condorcet, Copeland); councils' secret
ballots and consent votes (:mod:`.council`). Imports the config, the kernels, the world
and the agents; never the regimes, the model or the edge.
"""

from akimsim.elections import pairwise, runoff, scoring  # noqa: F401 (they register rules)
from akimsim.elections.ballots import cast_ballots
from akimsim.elections.box import MAX_CANDIDATES, BallotBox, ContestResult, TieBreak
from akimsim.elections.lots import lot_priorities, pick_best
from akimsim.elections.registry import RULES, RuleSpec, get_rule, register_rule

__all__ = [
    "MAX_CANDIDATES",
    "RULES",
    "BallotBox",
    "ContestResult",
    "RuleSpec",
    "TieBreak",
    "cast_ballots",
    "get_rule",
    "lot_priorities",
    "pick_best",
    "register_rule",
]

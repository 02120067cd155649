"""Voters who learn whether to vote (``voters.learning``).

- ``none`` (before issue 14): every voter's propensity to vote is fixed for the run.
- ``aspiration`` (issue 14): after every direct election a voter compares its payoff
  (1 if the candidate it likes best won, minus ``vote_cost`` if it voted) with its
  aspiration. Satisfied, it becomes more likely to do again what it did; dissatisfied,
  less likely; then a habit step moves it toward what it did whatever the outcome; the
  aspiration moves toward the payoff. Sources: Bendor, Diermeier and Ting, "A Behavioral
  Model of Turnout", APSR 2003 (aspiration-based reinforcement); Fowler, "Habitual Voting
  and Behavioral Turnout", J. Politics 2006 (habit). The form of each step and the
  parameters are ours (assumptions, in ``behaviour.voters``). Council election days do
  not update the propensities (an assumption: their outcome is a council, not a winner a
  voter can compare with its favourite). The per-voter work is
  :func:`akimsim.kernels.aspiration_kernel`.
"""

from __future__ import annotations

import numpy as np

from akimsim.config import VoterBehaviour
from akimsim.kernels import (
    CandidateArrays,
    ChoiceWeights,
    ContestBatch,
    LearnedTurnout,
    LearningRule,
    VoterArrays,
    aspiration_kernel,
    balanced,
)
from akimsim.world import Population


class TurnoutLearner:
    """Every voter's learned propensity to vote (a logit, before a contest's shift) and
    aspiration, for one run; starts from the population's propensities and
    ``aspiration_start``."""

    def __init__(self, population: Population, behaviour: VoterBehaviour) -> None:
        self.population = population
        self.logit = population.turnout_logit.astype(np.float32, copy=True)
        self.aspiration = np.full(population.n, behaviour.aspiration_start, dtype=np.float32)
        self.rule = LearningRule(float(behaviour.learning_rate), float(behaviour.habit),
                                 float(behaviour.aspiration_memory), float(behaviour.vote_cost))

    def update(self, batch: ContestBatch, candidates: CandidateArrays, weights: ChoiceWeights,
               voted: np.ndarray, winner: np.ndarray) -> None:
        """Learn from a batch of direct elections: ``voted`` (uint8[N]) and each contest's
        winning slot (int64[C], -1 for none, whose voters learn nothing)."""
        pop = self.population
        state = LearnedTurnout(voted, np.asarray(winner, dtype=np.int64), self.logit,
                               self.aspiration)
        with balanced():
            aspiration_kernel(batch, candidates, VoterArrays(pop.xy, pop.party, pop.strength),
                              weights, self.rule, state)

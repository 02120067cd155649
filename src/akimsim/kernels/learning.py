"""Turnout learning kernel: voters update their propensity to vote after an election.

Parallel over the contests of a batch; contest ``c`` writes only its own voters' rows.
Slow twin: ``tests/naive.py`` (``learn``).
"""

from __future__ import annotations

import numpy as np
from numba import prange

from akimsim.kernels._jit import kernel
from akimsim.kernels.ballots import base_utility
from akimsim.kernels.layout import slots_of


@kernel
def aspiration_kernel(batch, cands, voters, weights, rule, state):  # type: ignore[no-untyped-def]
    """Aspiration-based reinforcement of turnout, with habit.

    batch: ContestBatch; cands: CandidateArrays; voters: VoterArrays; weights:
    ChoiceWeights (distance and party weights of the deterministic utility); rule:
    LearningRule; state: LearnedTurnout (``voted`` uint8[N] and ``winner`` int64[C], a slot
    or -1, read; ``logit`` and ``aspiration`` float32[N], updated in place for the voters of
    every contest with a winner).

    Voter i's payoff is 1 if the winner is the candidate of highest deterministic utility
    to it (the first listed on ties), minus ``cost`` if it voted. It is satisfied if the
    payoff is at least its aspiration. Its propensity p = logistic(logit) moves by
    ``rate`` toward repeating what it did when satisfied and toward the other action
    when not (p + rate (1 - p), or p - rate p), then by ``habit`` toward what it did
    (p + habit (voted - p)); p is kept in [0.001, 0.999] and stored back as a logit. The
    aspiration becomes memory * aspiration + (1 - memory) * payoff.
    """
    logit = state.logit
    aspiration = state.aspiration
    voted = state.voted
    winner = state.winner
    for c in prange(batch.starts.shape[0]):
        w = winner[c]
        if w < 0:
            continue
        k0, n_k = slots_of(batch, c)
        for i in range(batch.starts[c], batch.stops[c]):
            vx = np.float64(voters.xy[i, 0])
            vy = np.float64(voters.xy[i, 1])
            vp = voters.party[i]
            strength = np.float64(voters.strength[i])
            best = -1
            top = 0.0
            for k in range(n_k):
                u = base_utility(cands, k0 + k, vx, vy, vp, strength, weights)
                if best < 0 or u > top:
                    top = u
                    best = k
            did = np.float64(voted[i])
            payoff = (1.0 if best == w else 0.0) - rule.cost * did
            a = np.float64(aspiration[i])
            satisfied = payoff >= a
            p = 1.0 / (1.0 + np.exp(-np.float64(logit[i])))
            toward_voting = (did > 0.0) == satisfied
            p = p + rule.rate * (1.0 - p) if toward_voting else p - rule.rate * p
            p = p + rule.habit * (did - p)
            p = min(max(p, 0.001), 0.999)
            logit[i] = np.float32(np.log(p / (1.0 - p)))
            aspiration[i] = np.float32(rule.memory * a + (1.0 - rule.memory) * payoff)

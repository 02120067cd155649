"""What voters hold against a sitting akim who stands again (``voters.retrospection``).

- ``record`` (before issue 14; an assumption): the mean of its performance over the last
  term, read as it is.
- ``belief`` (issue 14): voters update a belief about the akim's competence from every
  year of its performance in office. The prior is the distribution competence is drawn
  from (mean 0, sd ``candidates.competence_sd``) and each year's performance a signal of
  it with noise of sd ``akims.performance_noise``; the posterior mean is the sum of the
  signals over (years + noise^2 / sd^2). Source: Bayesian learning about competence as
  in career-concerns models (Holmström 1999; Fearon 1999; Besley 2006). Voters cannot
  tell competence from effort, so the effort in the signal counts as competence (an
  assumption: voters do not discount the effort they expect). The signal is public: every
  voter holds the same belief (an assumption; no per-voter information).
"""

from __future__ import annotations

import numpy as np

from akimsim.agents.pool import CandidatePool
from akimsim.config import BehaviourConfig, Retrospection


def prior_weight(behaviour: BehaviourConfig) -> float:
    """The prior's weight in years of signals: (performance noise / competence sd)^2
    (0 when the signal is exact; infinite when competence does not vary)."""
    noise = behaviour.akims.performance_noise
    sd = behaviour.candidates.competence_sd
    if noise <= 0:
        return 0.0
    return float("inf") if sd <= 0 else (noise / sd) ** 2


def voters_view(pool: CandidatePool, behaviour: BehaviourConfig) -> np.ndarray:
    """What voters hold against each candidate of ``pool`` (float64[K]): the record or the
    belief of an incumbent (``voters.retrospection``), 0 for newcomers (who have none)."""
    if behaviour.voters.retrospection == Retrospection.belief:
        return np.where(pool.incumbent, pool.belief, 0.0)
    return pool.record

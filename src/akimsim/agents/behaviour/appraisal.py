"""What an appointer sees of the people it ranks (``appointers.observation``).

- ``exact`` (before issue 14; an assumption): a candidate's loyalty and competence
  themselves, plus, for the sitting akim, its record (so competence counts twice for an
  incumbent).
- ``signals`` (issue 14): never the traits themselves. Of a newcomer, a screening signal
  of its competence and one of its loyalty, each the trait plus normal noise of sd
  ``screening_noise``, read as the posterior mean given the prior the trait is drawn
  from (competence: mean 0, sd ``competence_sd``; loyalty: mean ``dominant_loyalty`` for
  a dominant-party member, else 0, sd ``loyalty_sd``). Of the sitting akim, what it did
  in office: the posterior mean of its competence from its performance
  (:meth:`~akimsim.agents.offices.Offices.belief`), the mean loyalty it showed over the
  last term, and the votes its unit delivered to the dominant party at the last council
  election (weight ``delivery_weight``). Sources: studies of appointed executives in
  Russia, China and Indonesia find that appointers reward loyalty and vote delivery and
  observe performance weakly (Reuter and Robertson 2012; Rochlitz et al. 2015;
  Martinez-Bravo 2014; docs/sources.md#studies); the noise levels and weights are
  assumptions to calibrate or to bound by that evidence.

The ranking utility is then :func:`~akimsim.agents.officials.appointer_utility` of what
is seen, plus ``delivery_weight`` times the delivery.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from akimsim.agents.officials import appointer_utility
from akimsim.agents.pool import CandidatePool
from akimsim.config import AppointerView, BehaviourConfig
from akimsim.kernels.rng import SCREEN, normals


class Seen(NamedTuple):
    """What an appointer sees of each candidate (float64[K] each)."""

    loyalty: np.ndarray
    merit: np.ndarray
    delivery: np.ndarray


def shrink(signal: np.ndarray, prior_mean: np.ndarray | float, prior_sd: float,
           noise_sd: float) -> np.ndarray:
    """The posterior mean of a normal trait from one signal (trait + noise): the prior
    mean plus prior_sd^2 / (prior_sd^2 + noise_sd^2) of the signal's distance from it."""
    if noise_sd <= 0:
        return np.asarray(signal, dtype=np.float64)
    reliability = prior_sd ** 2 / (prior_sd ** 2 + noise_sd ** 2)
    return prior_mean + reliability * (np.asarray(signal, dtype=np.float64) - prior_mean)


def seen_by_appointer(pool: CandidatePool, keys: np.ndarray, behaviour: BehaviourConfig,
                      dominant: int) -> Seen:
    """What the appointers of a batch see of its candidates; ``keys`` are the posts'
    ``appointers`` keys (uint64[C]), whose channel :data:`~akimsim.kernels.rng.SCREEN`
    gives a newcomer's screening noise at its slot."""
    ap, c = behaviour.appointers, behaviour.candidates
    if ap.observation == AppointerView.exact:
        return Seen(pool.loyalty, pool.competence + pool.record, np.zeros(pool.size))
    z_c, z_l = normals(keys[pool.contest_of()], pool.slot_of(), SCREEN)
    noise = ap.screening_noise
    loyalty_prior = np.where((pool.party == dominant) & (pool.party >= 0),
                             c.dominant_loyalty, 0.0)
    new_merit = shrink(pool.competence + noise * z_c, 0.0, c.competence_sd, noise)
    new_loyalty = shrink(pool.loyalty + noise * z_l, loyalty_prior, c.loyalty_sd, noise)
    inc = pool.incumbent
    return Seen(np.where(inc, pool.shown, new_loyalty), np.where(inc, pool.belief, new_merit),
                np.where(inc, pool.delivery, 0.0))


def appointer_scores(pool: CandidatePool, keys: np.ndarray, appointer_party: np.ndarray,
                     noise: np.ndarray, behaviour: BehaviourConfig, dominant: int
                     ) -> np.ndarray:
    """Every candidate's utility to its post's appointer (float64[K]): what it sees
    (:func:`seen_by_appointer`) weighed by ``appointers``, plus ``noise`` (N(0, 1)[K]);
    ``appointer_party`` is per candidate row."""
    seen = seen_by_appointer(pool, keys, behaviour, dominant)
    ap = behaviour.appointers
    utility = appointer_utility(ap, seen.loyalty, seen.merit, pool.party, appointer_party, noise)
    if ap.observation == AppointerView.signals and ap.delivery_weight != 0:
        utility = utility + ap.delivery_weight * seen.delivery
    return utility

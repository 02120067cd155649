"""How voters value candidates: spatial distance, shared party, a non-spatial valence.

Source: an assumption (docs/model.md): a random-utility (logit) model of sincere voting,
with the weights of ``behaviour.voters``. The per-voter draws are
:func:`akimsim.kernels.rank_kernel` and :func:`akimsim.kernels.approval_kernel`.
"""

from __future__ import annotations

import numpy as np

from akimsim.config import VoterBehaviour
from akimsim.kernels import ChoiceWeights


def candidate_valence(competence: np.ndarray, party: np.ndarray, incumbent: np.ndarray,
                      record: np.ndarray, behaviour: VoterBehaviour, dominant: int
                      ) -> np.ndarray:
    """Weighted non-spatial appeal of each candidate to voters (float64[K]): competence,
    the dominant party's administrative support, and an incumbent's record."""
    v = behaviour
    admin = np.where((party == dominant) & (party >= 0), v.admin_support, 0.0)
    return (v.competence_weight * np.asarray(competence, dtype=np.float64) + admin
            + np.where(incumbent, v.record_weight * np.asarray(record, np.float64), 0.0))


def choice_weights(behaviour: VoterBehaviour, approval_margin: float) -> ChoiceWeights:
    """The weights every voter's ballot is drawn with (see :class:`ChoiceWeights`)."""
    return ChoiceWeights(float(behaviour.distance_weight), float(behaviour.party_weight),
                         float(behaviour.noise_scale), float(behaviour.against_all_utility),
                         float(approval_margin))

"""How voters value candidates: spatial distance, shared party, a non-spatial valence.

Source: an assumption (docs/model.md): a random-utility (logit) model of sincere voting,
with the weights of ``behaviour.voters``. The per-voter draws are
:func:`akimsim.kernels.rank_kernel` and :func:`akimsim.kernels.approval_kernel`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from akimsim.agents.people import Candidate
from akimsim.config import VoterBehaviour
from akimsim.kernels import ChoiceWeights


def candidate_valence(candidates: Sequence[Candidate], behaviour: VoterBehaviour,
                      dominant: int) -> np.ndarray:
    """Weighted non-spatial appeal of each candidate to voters (float64[K]): competence,
    the dominant party's administrative support, and an incumbent's record."""
    v = behaviour
    return np.array([
        v.competence_weight * c.traits.competence
        + (v.admin_support if (c.party == dominant and c.party >= 0) else 0.0)
        + (v.record_weight * c.record if c.incumbent else 0.0)
        for c in candidates
    ], dtype=np.float64)


def choice_weights(behaviour: VoterBehaviour, approval_margin: float) -> ChoiceWeights:
    """The weights every voter's ballot is drawn with (see :class:`ChoiceWeights`)."""
    return ChoiceWeights(float(behaviour.distance_weight), float(behaviour.party_weight),
                         float(behaviour.noise_scale), float(behaviour.against_all_utility),
                         float(approval_margin))

"""Who turns out: the logit shift a contest adds to every voter's own propensity.

Source: an assumption (docs/model.md): local races mobilise more (a salience shift per
tier) and more candidates bring more voters (a shift per log candidate). The per-voter
draw is :func:`akimsim.kernels.turnout_kernel`.
"""

from __future__ import annotations

import numpy as np

from akimsim.config import Tier, VoterBehaviour


def contest_logit_shift(behaviour: VoterBehaviour, tier: Tier, n_candidates: np.ndarray
                        ) -> np.ndarray:
    """The turnout logit shift of contests at ``tier`` with ``n_candidates`` (each >= 1;
    float64, one per contest)."""
    salience = {Tier.region: behaviour.salience_region,
                Tier.district: behaviour.salience_district,
                Tier.rural: behaviour.salience_rural}[Tier(tier)]
    n = np.asarray(n_candidates, dtype=np.float64)
    return salience + behaviour.turnout_per_log_candidate * np.log(n)

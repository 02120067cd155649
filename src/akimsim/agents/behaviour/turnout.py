"""Who turns out: the logit shift a contest adds to every voter's own propensity
(``voters.turnout_mode``).

- ``fixed`` (before issue 14; an assumption, docs/model.md): local races mobilise more (a
  salience shift per tier) and more candidates bring more voters (a shift per log
  candidate).
- ``context`` (issue 14): also the size of the race's electorate (``size_effect`` per log
  of the registered voters over ``size_reference``, the electorate capped at
  ``size_cap``) and how close the race is expected to be (``closeness_effect`` times 1
  minus the favourite's expected lead,
  :func:`akimsim.agents.behaviour.prospects.closeness`). Source: aggregate studies find
  turnout falling with the size of the electorate and rising with the closeness of the
  race (the review by Geys 2006, Electoral Studies 25); in the pivotal-voter logic
  (Downs 1957; Riker and Ordeshook 1968) both raise the chance that a vote decides.
  Observed in Kazakhstan: 85.0 % of 334 voters and 50.8 % of 6,354 in two rural races of
  Kyzylorda region, 2025 (docs/sources.md#rural-direct-2024-2025). The sizes of the
  effects are to calibrate. The cap (an assumption, at the largest rural electorate the
  sources report) keeps the slope
  fitted on rural races from being extrapolated to districts and regions of 10 to 800
  times their size; ``size_cap=0`` removes it.

The per-voter draw is :func:`akimsim.kernels.turnout_kernel`.
"""

from __future__ import annotations

import numpy as np

from akimsim.config import Tier, TurnoutMode, VoterBehaviour


def contest_logit_shift(behaviour: VoterBehaviour, tier: Tier, n_candidates: np.ndarray,
                        electorate: np.ndarray | None = None,
                        closeness: np.ndarray | None = None) -> np.ndarray:
    """The turnout logit shift of contests at ``tier`` with ``n_candidates`` (each >= 1;
    float64, one per contest). With ``turnout_mode=context`` it also needs each race's
    ``electorate`` (registered voters) and expected ``closeness`` (in [0, 1])."""
    salience = {Tier.region: behaviour.salience_region,
                Tier.district: behaviour.salience_district,
                Tier.rural: behaviour.salience_rural}[Tier(tier)]
    n = np.asarray(n_candidates, dtype=np.float64)
    shift = salience + behaviour.turnout_per_log_candidate * np.log(n)
    if behaviour.turnout_mode == TurnoutMode.context:
        if electorate is None or closeness is None:
            raise ValueError("turnout_mode=context needs each race's electorate and closeness")
        voters = np.maximum(np.asarray(electorate, dtype=np.float64), 1.0)
        if behaviour.size_cap > 0:
            voters = np.minimum(voters, behaviour.size_cap)
        size = np.log(voters / behaviour.size_reference)
        shift = shift + behaviour.size_effect * size \
            + behaviour.closeness_effect * np.asarray(closeness, dtype=np.float64)
    return shift

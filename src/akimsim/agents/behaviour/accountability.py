"""Whom an akim answers to: the share of effort it gives voters rather than its appointer.

Source: an assumption (``docs/model.md``): an akim's focus follows what decides its next
selection, with the weights of the config.
"""

from __future__ import annotations

import numpy as np

from akimsim.config import AppointerBehaviour, RegimeName


def accountability_focus(regime: RegimeName, party: int, dominant: int,
                         appointers: AppointerBehaviour, record_weight: float,
                         admin_support: float) -> float:
    """Share of effort an akim gives to voters, from whom its next selection depends on.

    An appointed or indirectly elected akim keeps office by pleasing its appointer, who
    weighs competence against loyalty: focus = w_competence / (w_competence + w_loyalty).
    A directly elected akim keeps office by its record with voters, unless it owes
    the dominant party's administrative support too:
    focus = w_record / (w_record + admin_support * [dominant-party nominee]).
    A modelling assumption (docs/model.md); all weights are config values.
    """
    if RegimeName(regime) == RegimeName.direct:
        owed = admin_support if (party == dominant and party >= 0) else 0.0
        total = record_weight + owed
        return 1.0 if total <= 0 else record_weight / total
    total = appointers.competence_weight + appointers.loyalty_weight
    return 0.5 if total <= 0 else appointers.competence_weight / total


def focus_of(regime: np.ndarray, party: np.ndarray, dominant: int,
             appointers: AppointerBehaviour, record_weight: float, admin_support: float
             ) -> np.ndarray:
    """:func:`accountability_focus` over arrays of regime codes and parties (float64)."""
    direct = np.asarray(regime) == RegimeName.direct.code
    owes = (np.asarray(party) == dominant) & (np.asarray(party) >= 0)
    f = {(r, d): accountability_focus(r, dominant if d else -1, dominant, appointers,
                                      record_weight, admin_support)
         for r in (RegimeName.direct, RegimeName.appointment) for d in (True, False)}
    return np.where(direct, np.where(owes, f[RegimeName.direct, True],
                                     f[RegimeName.direct, False]),
                    f[RegimeName.appointment, False])

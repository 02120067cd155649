"""Whom an akim answers to: the share of effort it gives voters rather than its appointer.

Source: an assumption (``docs/model.md``): an akim's focus follows what decides its next
selection, with the weights of the config.
"""

from __future__ import annotations

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

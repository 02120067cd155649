"""Regimes: appointment, indirect and direct selection of akims behind one interface.

Owns the vacancies and who comes forward for them, the batch of contests, their immutable
outcomes and the :class:`Regime` interface with its registry (:mod:`.base`), and one
module per regime.
Imports the config, the world, the agents (and their behaviour) and the elections; never
the model or the edge.
"""

from akimsim.regimes.appointment import Appointment
from akimsim.regimes.base import (
    REGIMES,
    ContestColumns,
    ContestKeys,
    ContestOutcome,
    Contests,
    Regime,
    Selection,
    SelectionContext,
    Vacancies,
    columns,
    get_regime,
    register_regime,
)
from akimsim.regimes.direct import Direct
from akimsim.regimes.indirect import Indirect

__all__ = [
    "REGIMES",
    "Appointment",
    "ContestColumns",
    "ContestKeys",
    "ContestOutcome",
    "Contests",
    "Direct",
    "Indirect",
    "Regime",
    "Selection",
    "SelectionContext",
    "Vacancies",
    "columns",
    "get_regime",
    "register_regime",
]

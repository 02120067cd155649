"""Regimes: appointment, indirect and direct selection of akims behind one interface.

Owns the vacancy and who comes forward for it, the contest, its immutable outcome and the
:class:`Regime` interface with its registry (:mod:`.base`), and one module per regime.
Imports the config, the world, the agents (and their behaviour) and the elections; never
the model or the edge.
"""

from akimsim.regimes.appointment import Appointment
from akimsim.regimes.base import (
    REGIMES,
    Contest,
    ContestOutcome,
    Entry,
    Regime,
    Selection,
    SelectionContext,
    Vacancy,
    get_regime,
    register_regime,
)
from akimsim.regimes.direct import Direct
from akimsim.regimes.indirect import Indirect

__all__ = [
    "REGIMES",
    "Appointment",
    "Contest",
    "ContestOutcome",
    "Direct",
    "Entry",
    "Indirect",
    "Regime",
    "Selection",
    "SelectionContext",
    "Vacancy",
    "get_regime",
    "register_regime",
]

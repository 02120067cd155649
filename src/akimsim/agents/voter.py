"""The :class:`Voter` agent: a view onto one row of the population arrays.

Voters are arrays (:mod:`akimsim.world.population`); a Voter agent holds no state of its
own and is created only for teaching-sized models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from akimsim.world.population import Population


class Voter(mesa.Agent):
    """A view onto row ``row`` of the population arrays; holds no state of its own."""

    def __init__(self, model: mesa.Model, population: Population, row: int) -> None:
        super().__init__(model)
        self._population = population
        self.row = int(row)

    @property
    def home(self) -> int:
        return int(self._population.home[self.row])

    @property
    def position(self) -> tuple[float, float]:
        x, y = self._population.xy[self.row]
        return float(x), float(y)

    @property
    def party(self) -> int:
        return int(self._population.party[self.row])

    @property
    def strength(self) -> float:
        return float(self._population.strength[self.row])

    @property
    def turnout_propensity(self) -> float:
        return float(1.0 / (1.0 + np.exp(-float(self._population.turnout_logit[self.row]))))

    @property
    def last_choice(self) -> int | None:
        """Slot of the candidate chosen in the voter's last direct election (-1 against
        all, -2 abstained), or None if the voter has not had one."""
        last = getattr(self.model, "last_choice", None)
        if last is None:
            return None
        value = int(last[self.row])
        return None if value == -3 else value

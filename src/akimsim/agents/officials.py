"""Office holders and those who appoint them: akims, regional akims and the President.

Agents return decisions (rankings, ratings, performance); the model records them.
"""

from __future__ import annotations

from collections.abc import Sequence

import mesa
import numpy as np

from akimsim.agents.offices import Offices
from akimsim.agents.people import NOMINATIONS, Person, Traits
from akimsim.config import AppointerBehaviour, Nomination, RegimeName


def appointer_utility(weights: AppointerBehaviour, loyalty: np.ndarray, merit: np.ndarray,
                      party: np.ndarray, appointer_party: np.ndarray | int,
                      noise: np.ndarray) -> np.ndarray:
    """An appointer's utility of candidates (float64[K]), over whole arrays: loyalty,
    merit (competence plus an incumbent's record), a shared party and ``noise`` ~ N(0, 1),
    with the appointer's ``weights``. ``appointer_party`` may differ row by row (a batch
    of posts with different appointers)."""
    w = weights
    same = ((party == appointer_party) & (party >= 0)).astype(np.float64)
    return (w.loyalty_weight * loyalty + w.competence_weight * merit
            + w.party_weight * same + w.noise * noise)


class Appointer:
    """Ranks candidates by its own utility: loyalty, competence (plus an incumbent's
    record) and shared party (:func:`appointer_utility`)."""

    party: int
    weights: AppointerBehaviour

    def utility(self, candidates: Sequence[Person], noise: np.ndarray) -> np.ndarray:
        """Appointer utility of each candidate (float64[K]); ``noise`` ~ N(0, 1)[K]."""
        loyalty = np.array([c.traits.loyalty for c in candidates], dtype=np.float64)
        merit = np.array([c.traits.competence + c.record for c in candidates], dtype=np.float64)
        party = np.array([c.party for c in candidates], dtype=np.int64)
        return appointer_utility(self.weights, loyalty, merit, party, self.party,
                                 np.asarray(noise, dtype=np.float64))

    def rank(self, candidates: Sequence[Person], noise: np.ndarray) -> np.ndarray:
        """Candidate slots from most to least preferred (stable on exact ties)."""
        return np.argsort(-self.utility(candidates, noise), kind="stable")

    def evaluation(self, loyalty_shown: float, performance: float, party: int,
                   noise: float) -> float:
        """How the appointer rates a sitting akim (used for dismissals): the utility of
        :func:`appointer_utility` with the loyalty shown and the record as merit."""
        return float(appointer_utility(self.weights, np.array([loyalty_shown]),
                                       np.array([performance]), np.array([party]),
                                       self.party, np.array([noise]))[0])


class President(mesa.Agent, Appointer):
    """Appoints (with maslikhat consent) the akims of regions and republican cities."""

    def __init__(self, model: mesa.Model, party: int, weights: AppointerBehaviour) -> None:
        super().__init__(model)
        self.party = party
        self.weights = weights


class Akim(mesa.Agent, Appointer):
    """The akim of one unit: a view onto the unit's row of the model's
    :class:`~akimsim.agents.offices.Offices` (the arrays are the state).

    The model keeps one Akim agent per unit for the whole run; when the office changes
    hands the row holds the new person (``person_id``, ``traits``, ``since``). ``focus``
    in [0, 1] is the share of effort spent on what voters see (services); the rest goes
    to what the appointer sees (loyalty). It follows whom the akim answers to: see
    :func:`accountability_focus`.
    """

    def __init__(self, model: mesa.Model, offices: Offices, unit: int,
                 weights: AppointerBehaviour) -> None:
        super().__init__(model)
        self.offices = offices
        self.unit = int(unit)
        self.weights = weights

    @property
    def person_id(self) -> int:
        return int(self.offices.person_id[self.unit])

    @property
    def traits(self) -> Traits:
        return self.offices.traits(self.unit)

    @property
    def party(self) -> int:  # type: ignore[override]
        return int(self.offices.party[self.unit])

    @property
    def nomination(self) -> Nomination:
        return NOMINATIONS[int(self.offices.nomination[self.unit])]

    @property
    def since(self) -> int:
        return int(self.offices.since[self.unit])

    @property
    def regime(self) -> RegimeName:
        return RegimeName.from_code(int(self.offices.regime[self.unit]))

    @property
    def term_end(self) -> int:
        return int(self.offices.term_end[self.unit])

    @property
    def focus(self) -> float:
        return float(self.offices.focus[self.unit])

    @property
    def acting(self) -> bool:
        return bool(self.offices.acting[self.unit])

    @property
    def consecutive_terms(self) -> int:
        return int(self.offices.consecutive_terms[self.unit])

    @property
    def competence(self) -> float:
        return float(self.offices.competence[self.unit])

    @property
    def tenure(self) -> int:
        """Years in office so far."""
        return int(self.offices.tenure[self.unit])

    @property
    def performance(self) -> list[float]:
        """The performance signal of every year in office, oldest first."""
        return self.offices.performance[self.unit, : self.tenure].tolist()

    @property
    def loyalty_shown(self) -> list[float]:
        return self.offices.loyalty_shown[self.unit, : self.tenure].tolist()

    def record(self, years: int) -> float:
        """Mean performance over the last ``years`` years (0 if none)."""
        return float(self.offices.record(np.array([self.unit]), years)[0])

    def mean_loyalty(self, years: int) -> float:
        return float(self.offices.mean_loyalty(np.array([self.unit]), years)[0])


class RegionalAkim(Akim):
    """The akim of a region or republican city: appoints and nominates below it."""

"""Office holders and those who appoint them: akims, regional akims and the President.

Agents return decisions (rankings, ratings, performance); the model records them.
"""

from __future__ import annotations

from collections.abc import Sequence

import mesa
import numpy as np

from akimsim.agents.people import Person
from akimsim.config import AppointerBehaviour, RegimeName


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
        """How the appointer rates a sitting akim (used for dismissals)."""
        w = self.weights
        same = 1.0 if party == self.party and party >= 0 else 0.0
        return (w.loyalty_weight * loyalty_shown + w.competence_weight * performance
                + w.party_weight * same + w.noise * noise)


class President(mesa.Agent, Appointer):
    """Appoints (with maslikhat consent) the akims of regions and republican cities."""

    def __init__(self, model: mesa.Model, party: int, weights: AppointerBehaviour) -> None:
        super().__init__(model)
        self.party = party
        self.weights = weights


class Akim(mesa.Agent, Appointer):
    """The office holder of one unit.

    ``focus`` in [0, 1] is the share of effort spent on what voters see (services);
    the rest goes to what the appointer sees (loyalty). It follows whom the akim
    answers to: see :func:`accountability_focus`.
    """

    def __init__(self, model: mesa.Model, unit: int, candidate: Person, year: int,
                 regime: RegimeName, term_end: int, focus: float,
                 weights: AppointerBehaviour, acting: bool = False,
                 consecutive_terms: int = 1) -> None:
        super().__init__(model)
        self.unit = unit
        self.person_id = candidate.candidate_id
        self.traits = candidate.traits
        self.party = candidate.party
        self.nomination = candidate.nomination
        self.since = year
        self.regime = RegimeName(regime)
        self.term_end = term_end
        self.focus = focus
        self.weights = weights
        self.acting = acting
        self.consecutive_terms = consecutive_terms
        self.performance: list[float] = []
        self.loyalty_shown: list[float] = []

    @property
    def competence(self) -> float:
        return self.traits.competence

    @property
    def tenure(self) -> int:
        """Years in office so far."""
        return len(self.performance)

    def govern(self, effort_gain: float, loyalty_gain: float, shock: float,
               loyalty_shock: float) -> tuple[float, float]:
        """One year in office: returns (performance signal, loyalty shown)."""
        performance = self.traits.competence + effort_gain * self.focus + shock
        loyalty = self.traits.loyalty + loyalty_gain * (1.0 - self.focus) + loyalty_shock
        return performance, loyalty

    def remember(self, performance: float, loyalty: float) -> None:
        """Keep the year's record (the model calls this after recording it)."""
        self.performance.append(performance)
        self.loyalty_shown.append(loyalty)

    def record(self, years: int) -> float:
        """Mean performance over the last ``years`` years (0 if none; summed in order)."""
        recent = self.performance[-years:]
        return sum(recent) / len(recent) if recent else 0.0

    def mean_loyalty(self, years: int) -> float:
        recent = self.loyalty_shown[-years:]
        return sum(recent) / len(recent) if recent else self.traits.loyalty


class RegionalAkim(Akim):
    """The akim of a region or republican city: appoints and nominates below it."""

"""Every unit's office holder as arrays, one row per unit ("scale by arrays").

:class:`Offices` holds who holds each akim's office (the person's id and traits, how they
were nominated), how and when they were selected, when the term ends, their focus, and
their year-by-year record in office. An :class:`~akimsim.agents.officials.Akim` agent is
a view onto one row: the model keeps one per unit for the whole run, and a new office
holder is a new row content, not a new agent.
"""

from __future__ import annotations

import numpy as np

from akimsim.agents.behaviour.accountability import Effort
from akimsim.agents.people import Traits
from akimsim.agents.pool import CandidatePool


class Offices:
    """The office holders of ``n`` units; ``capacity`` years of record per holder.

    The record of a holder is kept oldest first: ``performance[u, :tenure[u]]`` and
    ``loyalty_shown[u, :tenure[u]]``.
    """

    def __init__(self, n: int, capacity: int) -> None:
        self.n = int(n)
        self.capacity = max(int(capacity), 1)
        self.person_id = np.zeros(n, dtype=np.int64)
        self.x = np.zeros(n)
        self.y = np.zeros(n)
        self.competence = np.zeros(n)
        self.loyalty = np.zeros(n)
        self.party = np.full(n, -1, dtype=np.int64)
        self.nomination = np.zeros(n, dtype=np.int8)
        self.since = np.zeros(n, dtype=np.int64)
        self.regime = np.zeros(n, dtype=np.int8)  # RegimeName codes: how the holder was selected
        self.term_end = np.zeros(n, dtype=np.int64)
        self.focus = np.zeros(n)
        self.effort_voters = np.zeros(n)  # effort on what voters see
        self.effort_appointer = np.zeros(n)  # effort on what the appointer sees
        self.acting = np.zeros(n, dtype=bool)
        self.consecutive_terms = np.zeros(n, dtype=np.int64)
        self.tenure = np.zeros(n, dtype=np.int64)
        self.performance = np.zeros((n, self.capacity))
        self.loyalty_shown = np.zeros((n, self.capacity))

    def seat(self, units: np.ndarray, pool: CandidatePool, rows: np.ndarray, year: int,
             regime: int | np.ndarray, term_end: np.ndarray | int, effort: Effort,
             acting: bool) -> None:
        """Give each unit of ``units`` to the person in pool row ``rows`` (a new holder:
        the record starts empty, the first term)."""
        self.person_id[units] = pool.person_id[rows]
        self.x[units] = pool.x[rows]
        self.y[units] = pool.y[rows]
        self.competence[units] = pool.competence[rows]
        self.loyalty[units] = pool.loyalty[rows]
        self.party[units] = pool.party[rows]
        self.nomination[units] = pool.nomination[rows]
        self.since[units] = year
        self.regime[units] = regime
        self.term_end[units] = term_end
        self.set_effort(units, effort)
        self.acting[units] = acting
        self.consecutive_terms[units] = 1
        self.tenure[units] = 0

    def renew(self, units: np.ndarray, term_end: int, regime: int, effort: Effort) -> None:
        """The sitting holders of ``units`` were selected again: a new term."""
        self.term_end[units] = term_end
        self.consecutive_terms[units] += 1
        self.regime[units] = regime
        self.acting[units] = False
        self.set_effort(units, effort)

    def set_effort(self, units: np.ndarray, effort: Effort) -> None:
        """The holders' effort for the term that starts."""
        self.focus[units] = effort.focus
        self.effort_voters[units] = effort.voters
        self.effort_appointer[units] = effort.appointer

    def belief(self, units: np.ndarray, prior_weight: float) -> np.ndarray:
        """The posterior mean of each holder's competence from every year of its
        performance in office: sum / (years + ``prior_weight``) (a normal prior centred on
        0 weighing ``prior_weight`` years; 0 for a holder with none)."""
        tenure = self.tenure[units]
        total = np.zeros(units.shape[0])
        for j in range(int(tenure.max(initial=0))):  # years in office, not units
            total = total + np.where(j < tenure, self.performance[units, np.minimum(
                j, self.capacity - 1)], 0.0)
        return total / (tenure + prior_weight) if prior_weight > 0 else np.where(
            tenure > 0, total / np.maximum(tenure, 1), 0.0)

    def remember(self, performance: np.ndarray, loyalty: np.ndarray) -> None:
        """Every holder's year in office: append to each record."""
        if int(self.tenure.max(initial=0)) >= self.capacity:
            grow = self.capacity
            self.performance = np.concatenate([self.performance, np.zeros((self.n, grow))], 1)
            self.loyalty_shown = np.concatenate([self.loyalty_shown,
                                                 np.zeros((self.n, grow))], 1)
            self.capacity += grow
        units = np.arange(self.n)
        self.performance[units, self.tenure] = performance
        self.loyalty_shown[units, self.tenure] = loyalty
        self.tenure += 1

    def _recent_mean(self, history: np.ndarray, units: np.ndarray, years: int
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Mean of the last ``years`` entries of each unit's record, added oldest first
        (as ``sum(list) / len(list)`` would), and the number of entries."""
        tenure = self.tenure[units]
        count = np.minimum(tenure, years)
        total = np.zeros(units.shape[0])
        first = tenure - count
        for j in range(int(count.max(initial=0))):  # a term's years, not units
            col = first + j
            valid = j < count
            total = total + np.where(valid, history[units, np.where(valid, col, 0)], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count
        return mean, count

    def record(self, units: np.ndarray, years: int) -> np.ndarray:
        """Mean performance over the last ``years`` years (0 for a holder with none)."""
        mean, count = self._recent_mean(self.performance, units, years)
        return np.where(count > 0, mean, 0.0)

    def mean_loyalty(self, units: np.ndarray, years: int) -> np.ndarray:
        """Mean loyalty shown over the last ``years`` years (the loyalty trait if none)."""
        mean, count = self._recent_mean(self.loyalty_shown, units, years)
        return np.where(count > 0, mean, self.loyalty[units])

    def traits(self, unit: int) -> Traits:
        return Traits(float(self.x[unit]), float(self.y[unit]), float(self.competence[unit]),
                      float(self.loyalty[unit]), int(self.party[unit]))

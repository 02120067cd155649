"""What a run produced: every contest's outcome with the context it was held in, and every
office holder in every year. The model fills a :class:`RunRecord`; the reporters of
:mod:`akimsim.metrics` read it and never the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from akimsim.regimes import ContestOutcome
from akimsim.world import Territory


@dataclass(frozen=True)
class ContestRecord:
    """A contest's outcome and what the model knew when it was held: the sitting akim's
    record (mean performance over the last term) and the unit's median voter."""

    outcome: ContestOutcome
    incumbent_record: float
    unit_median: tuple[float, float]


#: the columns of one year's office rows, in order (see :meth:`RunRecord.add_offices`)
OFFICE_COLUMNS: tuple[str, ...] = (
    "year", "unit", "tier_code", "unit_regime", "selected_by", "acting", "person_id", "party",
    "competence", "focus", "performance", "loyalty_shown", "tenure",
)


@dataclass
class RunRecord:
    """Everything the tables of a run are made from.

    ``territory``, ``party_names`` and ``dominant`` (the dominant party's index, -1 if
    none) say how to read the records; ``contests`` grows by one record per contest, in
    the order they were decided, and ``offices`` by one dict of columns per year (the
    columns of :data:`OFFICE_COLUMNS`, arrays or lists with one entry per unit).
    """

    territory: Territory
    party_names: list[str]
    dominant: int
    contests: list[ContestRecord] = field(default_factory=list)
    offices: list[dict[str, Any]] = field(default_factory=list)

    def add_contest(self, outcome: ContestOutcome, incumbent_record: float,
                    unit_median: np.ndarray) -> None:
        self.contests.append(ContestRecord(outcome, float(incumbent_record),
                                           (float(unit_median[0]), float(unit_median[1]))))

    def add_offices(self, columns: dict[str, Any]) -> None:
        if tuple(columns) != OFFICE_COLUMNS:
            raise ValueError(f"office rows need the columns {OFFICE_COLUMNS}, in order")
        self.offices.append(columns)

    @property
    def outcomes(self) -> list[ContestOutcome]:
        """The contests' outcomes, in the order they were decided."""
        return [r.outcome for r in self.contests]

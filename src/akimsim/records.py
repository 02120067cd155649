"""What a run produced: every contest's outcome with the context it was held in, and every
office holder in every year. The model fills a :class:`RunRecord`; the reporters of
:mod:`akimsim.metrics` read it and never the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from akimsim.regimes import ContestColumns, ContestOutcome
from akimsim.world import Territory


@dataclass(frozen=True)
class ContestRecord:
    """A contest's outcome and what the model knew when it was held: the sitting akim's
    record (mean performance over the last term) and the unit's median voter."""

    outcome: ContestOutcome
    incumbent_record: float
    unit_median: tuple[float, float]
    incumbent_delivery: float = 0.0


#: the columns of one year's office rows, in order (see :meth:`RunRecord.add_offices`)
OFFICE_COLUMNS: tuple[str, ...] = (
    "year", "unit", "tier_code", "unit_regime", "selected_by", "acting", "person_id", "party",
    "competence", "focus", "effort_voters", "effort_appointer", "performance", "loyalty_shown",
    "tenure",
)


@dataclass
class ContestBatchRecord:
    """A batch's outcome columns with what the model knew when it was held: each sitting
    akim's record (float64[C]) and each unit's median voter (float64[C, 2])."""

    columns: ContestColumns
    incumbent_record: np.ndarray
    unit_median: np.ndarray
    incumbent_delivery: np.ndarray | None = None


@dataclass
class RunRecord:
    """Everything the tables of a run are made from.

    ``territory``, ``party_names`` and ``dominant`` (the dominant party's index, -1 if
    none) say how to read the records; ``batches`` grows by one record of columns per
    batch of contests, in the order they were decided (:attr:`contests` gives them one
    per contest), ``councils`` by one dict of columns per batch of councils seated, and
    ``offices`` by one dict of columns per year (the columns of
    :data:`OFFICE_COLUMNS`, arrays or lists with one entry per unit).
    """

    territory: Territory
    party_names: list[str]
    dominant: int
    batches: list[ContestBatchRecord] = field(default_factory=list)
    offices: list[dict[str, Any]] = field(default_factory=list)
    councils: list[dict[str, Any]] = field(default_factory=list)

    def add_batch(self, columns: ContestColumns, incumbent_record: np.ndarray,
                  unit_median: np.ndarray, incumbent_delivery: np.ndarray | None = None
                  ) -> None:
        if incumbent_record.shape != (columns.n,) or unit_median.shape != (columns.n, 2):
            raise ValueError("a batch record needs one incumbent record and one median per "
                             "contest")
        delivery = np.zeros(columns.n) if incumbent_delivery is None \
            else np.asarray(incumbent_delivery, float)
        self.batches.append(ContestBatchRecord(columns, np.asarray(incumbent_record, float),
                                               np.asarray(unit_median, float), delivery))

    def add_councils(self, rows: dict[str, Any]) -> None:
        """A batch of council rows (one list per column of
        :data:`akimsim.elections.councils.COUNCIL_COLUMNS`), as councils are seated."""
        lengths = {len(v) for v in rows.values()}
        if len(lengths) > 1:
            raise ValueError("council rows need one entry per council in every column")
        self.councils.append(rows)

    def add_offices(self, columns: dict[str, Any]) -> None:
        if tuple(columns) != OFFICE_COLUMNS:
            raise ValueError(f"office rows need the columns {OFFICE_COLUMNS}, in order")
        self.offices.append(columns)

    @property
    def n_contests(self) -> int:
        return sum(b.columns.n for b in self.batches)

    @property
    def contests(self) -> list[ContestRecord]:
        """Every contest's record, in the order they were decided (made on request)."""
        out: list[ContestRecord] = []
        for b in self.batches:
            record = b.incumbent_record.tolist()
            median = b.unit_median.tolist()
            delivery = (np.zeros(b.columns.n) if b.incumbent_delivery is None
                        else b.incumbent_delivery).tolist()
            out.extend(ContestRecord(b.columns.outcome(j), record[j], (median[j][0],
                                                                       median[j][1]),
                                     delivery[j])
                       for j in range(b.columns.n))
        return out

    @property
    def outcomes(self) -> list[ContestOutcome]:
        """The contests' outcomes, in the order they were decided."""
        return [o for b in self.batches for o in b.columns.outcomes()]

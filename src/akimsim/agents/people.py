"""People who seek a post: their traits, candidates (Mesa agents) and applicants.

A person's id is a function of where and when they came forward, (year, unit, slot), so
two runs that differ only in one tier's regime give the same ids to the same people
everywhere else (:func:`person_id`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import mesa
import numpy as np

from akimsim.config import Nomination

if TYPE_CHECKING:
    from akimsim.agents.pool import CandidatePool

#: a person id is YYYY UUUUUU S KKK in decimal: the year, the unit index, the source
#: (0 a contest or the first office holders' shortlist, 1 an acting akim's shortlist)
#: and the slot on the list
_UNIT_SPAN = 10**6
_SLOT_SPAN = 10**3


def person_id(year: int, unit: int, slot: int, *, acting: bool = False) -> int:
    """The id of the person in ``slot`` of the list drawn for ``unit`` in ``year``.

    Decimal digits YYYY UUUUUU S KKK (year, unit, source: 1 for an acting akim's
    shortlist, and slot), so the id says where the person came from; always positive.
    """
    return int(person_ids(year, np.array([unit]), np.array([slot]), acting=acting)[0])


def person_ids(year: int, units: np.ndarray, slots: np.ndarray, acting: bool = False
               ) -> np.ndarray:
    """:func:`person_id` over arrays of units and slots (int64)."""
    units = np.asarray(units, dtype=np.int64)
    slots = np.asarray(slots, dtype=np.int64)
    if units.size and (units.min() < 0 or units.max() >= _UNIT_SPAN or slots.min() < 0
                       or slots.max() >= _SLOT_SPAN or year < 0):
        raise ValueError(f"person ids of {year}: expected year >= 0, a unit below "
                         f"{_UNIT_SPAN} and a slot below {_SLOT_SPAN}")
    return ((year * _UNIT_SPAN + units) * 10 + int(acting)) * _SLOT_SPAN + slots


@dataclass(frozen=True)
class Traits:
    """What a person brings to a race: platform, competence, loyalty, party."""

    x: float
    y: float
    competence: float
    loyalty: float
    party: int  # party index, -1 self-nominated / non-party


class Person(Protocol):
    """What appointers, deputies and offices read of a person seeking a post."""

    @property
    def candidate_id(self) -> int: ...

    @property
    def traits(self) -> Traits: ...

    @property
    def nomination(self) -> Nomination: ...

    @property
    def record(self) -> float: ...

    @property
    def party(self) -> int: ...

    @property
    def platform(self) -> tuple[float, float]: ...


class _ReadsTraits:
    """``party`` and ``platform`` read off a person's :class:`Traits`."""

    traits: Traits

    @property
    def party(self) -> int:
        return self.traits.party

    @property
    def platform(self) -> tuple[float, float]:
        return self.traits.x, self.traits.y


@dataclass(frozen=True)
class Applicant(_ReadsTraits):
    """A person on a shortlist that no vote is held on (not a Mesa agent): used when
    an appointer fills a post alone, e.g. the first office holders or acting akims."""

    candidate_id: int
    traits: Traits
    nomination: Nomination = Nomination.appointer
    record: float = 0.0


#: nominations by their code in :attr:`CandidatePool.nomination`
NOMINATIONS: tuple[Nomination, ...] = tuple(Nomination)


class Candidate(mesa.Agent):
    """A person standing for akim in one contest: a Mesa agent that is a view onto one
    row of a batch's :class:`~akimsim.agents.pool.CandidatePool` (made for small models
    and on request; the arrays are the state).

    ``nomination`` says how the person came forward (a party's nominee, self-nominated
    with signatures, or on an appointer's shortlist); ``record`` is an incumbent's mean
    performance over the term (0 for newcomers).
    """

    def __init__(self, model: mesa.Model, pool: CandidatePool, row: int, unit: int,
                 year: int) -> None:
        super().__init__(model)
        self.pool = pool
        self.row = int(row)
        self.unit = unit
        self.year = year

    @property
    def candidate_id(self) -> int:
        return int(self.pool.person_id[self.row])

    @property
    def traits(self) -> Traits:
        return self.pool.traits(self.row)

    @property
    def nomination(self) -> Nomination:
        return NOMINATIONS[int(self.pool.nomination[self.row])]

    @property
    def incumbent(self) -> bool:
        return bool(self.pool.incumbent[self.row])

    @property
    def record(self) -> float:
        return float(self.pool.record[self.row])

    @property
    def party(self) -> int:
        return int(self.pool.party[self.row])

    @property
    def platform(self) -> tuple[float, float]:
        return float(self.pool.x[self.row]), float(self.pool.y[self.row])

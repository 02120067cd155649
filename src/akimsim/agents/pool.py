"""The candidates of a batch of contests, as arrays ("scale by arrays, explain by agents").

A :class:`CandidatePool` holds everyone who came forward for a batch of posts (one tier,
one regime, one year): their ids, platforms, competence, loyalty, party, how they were
nominated, whether they are the sitting akim and the record they run on, contest after
contest (``start`` holds the offsets). :class:`Incumbents` holds the sitting akims of the
same posts, one row per post. A :class:`~akimsim.agents.people.Candidate` agent is a view
onto one row of a pool, made for small models and on request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from akimsim.agents.people import NOMINATIONS, Applicant, Traits
from akimsim.config import Nomination

_NOMINATION_OBJECTS = np.array(NOMINATIONS, dtype=object)
NOMINATION_CODE: dict[Nomination, int] = {n: i for i, n in enumerate(NOMINATIONS)}

@dataclass(frozen=True)
class Incumbents:
    """The sitting akims of a batch's posts, one row per post.

    ``eligible`` says whether the akim may stand again (not after a dismissal or when a
    term limit binds); ``record`` is the akim's mean performance over the last term.
    What selectors may see of it besides (issue 14): ``shown`` the mean loyalty shown over
    the last term, ``belief`` the posterior mean of its competence from every year in
    office (:meth:`~akimsim.agents.offices.Offices.belief`), ``delivery`` the votes its
    unit delivered to the dominant party at the last council election (all 0 when not
    given).
    """

    eligible: np.ndarray  # bool[C]
    person_id: np.ndarray  # int64[C]
    x: np.ndarray  # float64[C]
    y: np.ndarray
    competence: np.ndarray
    loyalty: np.ndarray
    party: np.ndarray  # int64[C], -1 non-party
    record: np.ndarray  # float64[C]
    shown: np.ndarray = field(default_factory=lambda: np.zeros(0))  # float64[C]
    belief: np.ndarray = field(default_factory=lambda: np.zeros(0))  # float64[C]
    delivery: np.ndarray = field(default_factory=lambda: np.zeros(0))  # float64[C]

    def __post_init__(self) -> None:
        n = int(self.eligible.shape[0])
        for name in ("shown", "belief", "delivery"):
            if getattr(self, name).shape != (n,):
                object.__setattr__(self, name, np.zeros(n))

    @property
    def n(self) -> int:
        return int(self.eligible.shape[0])

    @staticmethod
    def none(n: int) -> Incumbents:
        """``n`` posts whose sitting akim may not stand."""
        z = np.zeros(n)
        return Incumbents(np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64), z, z, z, z,
                          np.full(n, -1, dtype=np.int64), z)


@dataclass(frozen=True)
class CandidatePool:
    """Everyone who came forward for a batch of ``C`` posts, post after post.

    The candidates of post ``j`` are rows ``start[j]:start[j + 1]``, in list order (the
    incumbent first when standing). ``nomination`` holds codes of :data:`NOMINATIONS`;
    ``record`` is an incumbent's record (0 for newcomers); ``nominated`` counts the
    nominees of each post before registration. ``shown``, ``belief`` and ``delivery`` are
    an incumbent's (:class:`Incumbents`; 0 for newcomers). ``stages`` counts, per post,
    the people who considered standing, those who decided to, and the technical
    candidates added at registration (int64[C, 3]; direct races only, else 0).
    """

    start: np.ndarray  # int64[C + 1]
    person_id: np.ndarray  # int64[K]
    x: np.ndarray  # float64[K]
    y: np.ndarray
    competence: np.ndarray
    loyalty: np.ndarray
    party: np.ndarray  # int64[K]
    nomination: np.ndarray  # int8[K]
    incumbent: np.ndarray  # bool[K]
    record: np.ndarray  # float64[K]
    nominated: np.ndarray  # int64[C]
    shown: np.ndarray = field(default_factory=lambda: np.zeros(0))  # float64[K]
    belief: np.ndarray = field(default_factory=lambda: np.zeros(0))  # float64[K]
    delivery: np.ndarray = field(default_factory=lambda: np.zeros(0))  # float64[K]
    stages: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int64))  # [C, 3]

    def __post_init__(self) -> None:
        k = int(self.person_id.shape[0])
        for name in ("shown", "belief", "delivery"):
            if getattr(self, name).shape != (k,):
                object.__setattr__(self, name, np.zeros(k))
        c = int(self.start.shape[0]) - 1
        if self.stages.shape != (c, 3):
            object.__setattr__(self, "stages", np.zeros((c, 3), dtype=np.int64))

    @property
    def n_contests(self) -> int:
        return int(self.start.shape[0] - 1)

    @property
    def size(self) -> int:
        return int(self.person_id.shape[0])

    def counts(self) -> np.ndarray:
        """Candidates per post (int64[C])."""
        return np.diff(self.start)

    def contest_of(self) -> np.ndarray:
        """The post of every row (int64[K])."""
        return np.repeat(np.arange(self.n_contests, dtype=np.int64), self.counts())

    def slot_of(self) -> np.ndarray:
        """Every row's place on its post's list (int64[K])."""
        return np.arange(self.size, dtype=np.int64) - self.start[self.contest_of()]

    def xy(self) -> np.ndarray:
        """Platforms (float64[K, 2])."""
        return np.column_stack([self.x, self.y]) if self.size else np.zeros((0, 2))

    def rows(self, j: int) -> np.ndarray:
        """The rows of post ``j`` (int64)."""
        return np.arange(int(self.start[j]), int(self.start[j + 1]), dtype=np.int64)

    def traits(self, k: int) -> Traits:
        return Traits(float(self.x[k]), float(self.y[k]), float(self.competence[k]),
                      float(self.loyalty[k]), int(self.party[k]))

    def person(self, k: int) -> Applicant:
        """Row ``k`` as a plain person record (who an office is given to)."""
        return Applicant(int(self.person_id[k]), self.traits(k),
                         NOMINATIONS[int(self.nomination[k])], float(self.record[k]))

    def nominations(self, rows: np.ndarray) -> tuple[Nomination, ...]:
        return tuple(_NOMINATION_OBJECTS[self.nomination[rows]].tolist())

    @staticmethod
    def from_columns(counts: np.ndarray, nominated: np.ndarray | None = None,
                     **columns: np.ndarray) -> CandidatePool:
        """A pool from ``counts`` per post and one array per field (rows in post order)."""
        counts = np.asarray(counts, dtype=np.int64)
        start = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        return CandidatePool(
            start=start,
            person_id=np.asarray(columns["person_id"], dtype=np.int64),
            x=np.asarray(columns["x"], dtype=np.float64),
            y=np.asarray(columns["y"], dtype=np.float64),
            competence=np.asarray(columns["competence"], dtype=np.float64),
            loyalty=np.asarray(columns["loyalty"], dtype=np.float64),
            party=np.asarray(columns["party"], dtype=np.int64),
            nomination=np.asarray(columns["nomination"], dtype=np.int8),
            incumbent=np.asarray(columns["incumbent"], dtype=bool),
            record=np.asarray(columns["record"], dtype=np.float64),
            nominated=counts.copy() if nominated is None else np.asarray(nominated, np.int64),
        )

    @staticmethod
    def of_people(lists: Sequence[Sequence[tuple[int, Traits]]],
                  nomination: Nomination = Nomination.self,
                  incumbent_slots: Sequence[int] = (), records: Sequence[float] = ()
                  ) -> CandidatePool:
        """A pool from (person id, traits) lists, one list per post: for hand-made cases
        (tests, teaching). ``incumbent_slots[j]`` (-1 for none) marks post ``j``'s
        sitting akim, who runs on ``records[j]``."""
        people = [p for lst in lists for p in lst]
        counts = np.array([len(lst) for lst in lists], dtype=np.int64)
        incumbent = np.zeros(len(people), dtype=bool)
        record = np.zeros(len(people))
        start = np.concatenate(([0], np.cumsum(counts)))
        for j, slot in enumerate(incumbent_slots):
            if slot >= 0:
                incumbent[start[j] + slot] = True
                record[start[j] + slot] = records[j] if j < len(records) else 0.0
        return CandidatePool.from_columns(
            counts,
            person_id=np.array([p for p, _ in people], dtype=np.int64),
            x=np.array([t.x for _, t in people]), y=np.array([t.y for _, t in people]),
            competence=np.array([t.competence for _, t in people]),
            loyalty=np.array([t.loyalty for _, t in people]),
            party=np.array([t.party for _, t in people], dtype=np.int64),
            nomination=np.full(len(people), NOMINATION_CODE[Nomination(nomination)], np.int8),
            incumbent=incumbent, record=record)


def rank_within(utility: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Rows of every post from highest to lowest ``utility``, post after post (int64[K]).

    Stable on exact ties (the row listed first comes first), as one sort for the batch.
    """
    counts = np.diff(start)
    post = np.repeat(np.arange(counts.shape[0]), counts)
    return np.lexsort((-utility, post)).astype(np.int64)

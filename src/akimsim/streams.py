"""One random root per run, split into named streams.

Every random draw in a run comes from ``numpy.random.SeedSequence(seed)``. The root
is spawned once into one child per *purpose* (population, candidates, voting noise,
...); a draw that belongs to a year and a unit takes a grandchild keyed by
``(year, unit)``. A draw therefore depends on what it is for, not on how many draws
came before it: two runs that differ only in one tier's regime see the same voters,
the same candidate pools and the same shocks everywhere else (common random numbers).

Draws per post (candidates, appointers' and deputies' noise, lots, ballots) do not build a
SeedSequence each: every purpose has one 64-bit root key, and the key of a (year, unit,
...) is derived from it by cheap integer arithmetic (:meth:`Streams.keys`, over whole
arrays of units), for the counter-based generator of :mod:`akimsim.kernels.rng`. The
generators of :meth:`Streams.generator` remain for draws made once a year or once a
council.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from akimsim.kernels.rng import derive_keys


class Purpose(IntEnum):
    """The independent streams of a run; the order is part of the reproducibility contract."""

    territory = 0  # term staggering of akims and maslikhats at the start
    population = 1  # voters' positions, parties, propensities
    candidates = 2  # candidate entry and traits
    ballots = 3  # per-voter turnout and taste noise (counter-based, inside kernels)
    appointers = 4  # appointers' and deputies' noise
    governance = 5  # performance signals, dismissals
    maslikhats = 6  # council compositions
    lots = 7  # tie-breaking lots
    reforms = 8  # which units a partial reform step picks (e.g. the 2023 pilot)
    model = 9  # the Mesa model's own generator (not used for results)


class Streams:
    """Named, keyed random streams spawned from one :class:`numpy.random.SeedSequence`."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self.root = np.random.SeedSequence(self.seed)
        self._children = self.root.spawn(len(Purpose))
        self._roots = np.array([c.generate_state(1, dtype=np.uint64)[0]
                                for c in self._children], dtype=np.uint64)

    def sequence(self, purpose: Purpose, *key: int) -> np.random.SeedSequence:
        """The seed sequence of ``purpose`` further keyed by integers (year, unit, ...)."""
        child = self._children[int(purpose)]
        if not key:
            return child
        return np.random.SeedSequence(
            child.entropy, spawn_key=(*child.spawn_key, *(int(k) for k in key))
        )

    def generator(self, purpose: Purpose, *key: int) -> np.random.Generator:
        """A fresh PCG64 generator for ``purpose`` and ``key``."""
        return np.random.Generator(np.random.PCG64(self.sequence(purpose, *key)))

    def keys(self, purpose: Purpose, *key: object) -> np.ndarray:
        """Counter-based keys (uint64, at least one dimension) of ``purpose`` further keyed by
        integers or integer arrays (year, unit, ...; broadcast): one key per unit of a batch
        in one call (:func:`akimsim.kernels.rng.derive_keys`)."""
        return derive_keys(self._roots[int(purpose)], *key)

    def kernel_key(self, purpose: Purpose, *key: int) -> np.uint64:
        """One 64-bit key for the counter-based generator (:meth:`keys` of scalars)."""
        return np.uint64(self.keys(purpose, *key)[0])

"""Maslikhats (councils) and their deputies, and how a council is composed.

A council's deputies vote as one :class:`DeputyBloc` (several councils in a joint
session); the bloc returns votes, the procedures that count them are in
:mod:`akimsim.elections.council`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import mesa
import numpy as np

from akimsim.config import MaslikhatBehaviour, PartyConfig
from akimsim.kernels.rng import DEPUTY_SEAT, DEPUTY_VOTER, uniforms


@dataclass(frozen=True)
class DeputyBloc:
    """Deputies who vote together: one maslikhat, or several in a joint session.

    ``xy`` float64[D, 2] positions, ``party`` int64[D] (-1 non-party).
    """

    xy: np.ndarray
    party: np.ndarray
    rules: MaslikhatBehaviour

    @property
    def size(self) -> int:
        return int(self.party.shape[0])

    @staticmethod
    def joint(blocs: list[DeputyBloc]) -> DeputyBloc:
        """All deputies of several blocs voting as one (the rules of the first)."""
        if len(blocs) == 1:
            return blocs[0]
        return DeputyBloc(np.concatenate([b.xy for b in blocs]),
                          np.concatenate([b.party for b in blocs]), blocs[0].rules)

    def preferences(self, xy: np.ndarray, party: np.ndarray, noise: np.ndarray,
                    line_party: int = -1, line_bonus: float | None = None) -> np.ndarray:
        """Deputies' utility for each candidate (float64[D, K]); candidates' platforms
        ``xy`` float64[K, 2] and parties ``party`` int64[K].

        Proximity plus loyalty to a shared party plus, if ``line_party`` >= 0, the line:
        deputies of ``line_party`` give ``line_bonus`` (default ``party_discipline``) to
        the first candidate (the appointer's proposal in a consent vote, the nominator's
        first nominee in a secret ballot). ``noise`` ~ N(0, 1)[D, K].
        """
        r = self.rules
        plat = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        d2 = ((self.xy[:, None, :] - plat[None, :, :]) ** 2).sum(axis=2)
        cparty = np.asarray(party)
        same = (self.party[:, None] == cparty[None, :]) & (cparty[None, :] >= 0)
        u = -r.distance_weight * d2 + r.party_discipline * same + r.noise * noise
        bonus = r.party_discipline if line_bonus is None else line_bonus
        if line_party >= 0 and bonus != 0 and u.shape[1]:
            u[:, 0] += bonus * (self.party == line_party)
        return u

    def secret_ballot(self, xy: np.ndarray, party: np.ndarray, noise: np.ndarray,
                      line_party: int = -1) -> np.ndarray:
        """Each deputy votes for its favourite; returns votes per candidate (int64[K]).

        Deputies of ``line_party`` (>= 0) give ``follow_nominator`` to the first
        candidate. Exact ties in a deputy's utilities go to the candidate listed first.
        """
        pick = np.argmax(self.preferences(xy, party, noise, line_party,
                                          self.rules.follow_nominator), axis=1)
        return np.bincount(pick, minlength=int(np.asarray(party).shape[0])).astype(np.int64)

    def consent(self, xy: np.ndarray, party: int, appointer_party: int, noise: np.ndarray
                ) -> int:
        """Open vote on one proposed candidate (platform ``xy`` float64[2]); returns the
        number of deputies in favour."""
        u = self.preferences(np.asarray(xy).reshape(1, 2), np.array([party]),
                             noise.reshape(-1, 1), line_party=appointer_party)
        return int((u[:, 0] > self.rules.consent_threshold).sum())


#: how a deputy won the seat (:attr:`Deputy.seat`)
SEAT_KINDS = ("list", "district", "drawn")


class Deputy(mesa.Agent):
    """A maslikhat deputy: a view onto row ``index`` of its council's arrays, for the
    council's term (the council replaces its deputies when it is renewed)."""

    def __init__(self, model: mesa.Model, council: Maslikhat, index: int) -> None:
        super().__init__(model)
        self.council = council
        self.index = index

    @property
    def xy(self) -> tuple[float, float]:
        x, y = self.council.deputies.xy[self.index]
        return float(x), float(y)

    @property
    def party(self) -> int:
        return int(self.council.deputies.party[self.index])

    @property
    def seat(self) -> str:
        """How the seat was won: ``list``, ``district`` or ``drawn``."""
        return SEAT_KINDS[int(self.council.seat_kind[self.index])]


class Maslikhat(mesa.Agent):
    """A council of deputies at region or district level, for a term.

    ``deputy_xy`` float64[D, 2] positions and ``deputy_party`` int64[D] (-1 non-party);
    :attr:`deputies` is the bloc that votes and :attr:`members` its :class:`Deputy`
    agents (made when first asked for); ``seat_kind`` int8[D] indexes :data:`SEAT_KINDS`
    (drawn when not given). ``seats`` is the number of seats, ``size`` of deputies (seats
    a district left vacant are not filled).
    """

    def __init__(self, model: mesa.Model, unit: int, size: int, rules: MaslikhatBehaviour,
                 deputy_xy: np.ndarray, deputy_party: np.ndarray, term_end: int,
                 seat_kind: np.ndarray | None = None, seats: int | None = None) -> None:
        super().__init__(model)
        if deputy_xy.shape != (size, 2) or deputy_party.shape != (size,):
            raise ValueError(f"a maslikhat of {size} needs {size} deputy positions and parties")
        self.unit = unit
        self._members: list[Deputy] | None = None
        self.renew(deputy_xy, deputy_party, term_end, rules, seat_kind, seats)

    def renew(self, deputy_xy: np.ndarray, deputy_party: np.ndarray, term_end: int,
              rules: MaslikhatBehaviour, seat_kind: np.ndarray | None = None,
              seats: int | None = None) -> None:
        """A new council for the unit (its deputies and term); the agent stays, its
        deputies' agents are replaced."""
        size = int(deputy_party.shape[0])
        if deputy_xy.shape != (size, 2):
            raise ValueError(f"a maslikhat of {size} needs {size} deputy positions")
        self.size = size
        self.seats = size if seats is None else int(seats)
        self.term_end = term_end
        self.deputies = DeputyBloc(deputy_xy, deputy_party, rules)
        self.seat_kind = (np.full(size, SEAT_KINDS.index("drawn"), dtype=np.int8)
                          if seat_kind is None else np.asarray(seat_kind, dtype=np.int8))
        for old in self._members or ():
            old.remove()
        self._members = None

    @property
    def members(self) -> list[Deputy]:
        """The council's deputies as agents, made on first use (views onto the arrays)."""
        if self._members is None:
            self._members = [Deputy(self.model, self, i) for i in range(self.size)]
        return self._members

    @property
    def deputy_xy(self) -> np.ndarray:
        return self.deputies.xy

    @property
    def deputy_party(self) -> np.ndarray:
        return self.deputies.party


def draw_councils(keys: np.ndarray, voter_rows: np.ndarray, voter_xy: np.ndarray,
                  supporters: np.ndarray, sizes: np.ndarray, dominant: int,
                  parties: Sequence[PartyConfig], rules: MaslikhatBehaviour,
                  party_pull: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """The councils of a batch of units, drawn from their electorates at once.

    Council ``j`` has ``sizes[j]`` deputies. Each stands where a voter drawn from the
    unit's rows ``voter_rows[j]`` = (start, stop) stands; seats go to parties in
    proportion to their supporters in the unit (``supporters[j]`` int64[P + 1], the
    last entry the unattached), the dominant party's share multiplied by
    ``rules.dominant_seat_bonus``; a party deputy moves ``party_pull`` of the way toward
    the party's platform. Draws are counter-based, keyed by the unit's ``maslikhats``
    key and the seat (channels ``DEPUTY_VOTER`` and ``DEPUTY_SEAT``). An assumption
    (the councils are not yet elected by voters; docs/model.md). Returns, per council,
    positions float64[D, 2] and parties int64[D] (-1 non-party).
    """
    c = int(sizes.shape[0])
    if c == 0:
        return []
    sizes = sizes.astype(np.int64)
    council = np.repeat(np.arange(c), sizes)
    seat = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes,
                                                                   sizes)
    key = keys[council]
    start = voter_rows[council, 0].astype(np.int64)
    n = (voter_rows[council, 1] - voter_rows[council, 0]).astype(np.int64)
    pick = np.minimum((uniforms(key, seat, DEPUTY_VOTER) * n).astype(np.int64), n - 1)
    xy = voter_xy[start + np.maximum(pick, 0)].astype(np.float64)
    counts = supporters.astype(np.float64)
    if dominant >= 0:
        counts[:, dominant] *= rules.dominant_seat_bonus
    cdf = np.cumsum(counts, axis=1)
    cdf /= cdf[:, -1:]
    draw = uniforms(key, seat, DEPUTY_SEAT)
    got = (draw[:, None] >= cdf[council]).sum(axis=1)
    got = np.minimum(got, counts.shape[1] - 1)
    party = np.where(got == len(parties), -1, got).astype(np.int64)
    platforms = np.array([[p.x, p.y] for p in parties], dtype=np.float64).reshape(-1, 2)
    member = party >= 0
    xy[member] = (1 - party_pull) * xy[member] + party_pull * platforms[party[member]]
    bounds = np.concatenate(([0], np.cumsum(sizes))).tolist()
    return [(xy[a:b], party[a:b]) for a, b in pairwise(bounds)]

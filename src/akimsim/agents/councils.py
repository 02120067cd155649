"""Maslikhats (councils) and their deputies, and how a council is composed.

A council's deputies vote as one :class:`DeputyBloc` (several councils in a joint
session); the bloc returns votes, the procedures that count them are in
:mod:`akimsim.elections.council`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mesa
import numpy as np

from akimsim.config import MaslikhatBehaviour, PartyConfig


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
                    line_party: int = -1) -> np.ndarray:
        """Deputies' utility for each candidate (float64[D, K]); candidates' platforms
        ``xy`` float64[K, 2] and parties ``party`` int64[K].

        Proximity plus loyalty to a shared party plus, if ``line_party`` >= 0, party
        discipline: deputies of ``line_party`` get a bonus for the first candidate (in a
        consent vote, the one the appointer proposes). ``noise`` ~ N(0, 1)[D, K].
        """
        r = self.rules
        plat = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        d2 = ((self.xy[:, None, :] - plat[None, :, :]) ** 2).sum(axis=2)
        cparty = np.asarray(party)
        same = (self.party[:, None] == cparty[None, :]) & (cparty[None, :] >= 0)
        u = -r.distance_weight * d2 + r.party_discipline * same + r.noise * noise
        if line_party >= 0:
            u[:, 0] += r.party_discipline * (self.party == line_party)
        return u

    def secret_ballot(self, xy: np.ndarray, party: np.ndarray, noise: np.ndarray
                      ) -> np.ndarray:
        """Each deputy votes for its favourite; returns votes per candidate (int64[K]).

        Exact ties in a deputy's utilities go to the candidate listed first.
        """
        pick = np.argmax(self.preferences(xy, party, noise), axis=1)
        return np.bincount(pick, minlength=int(np.asarray(party).shape[0])).astype(np.int64)

    def consent(self, xy: np.ndarray, party: int, appointer_party: int, noise: np.ndarray
                ) -> int:
        """Open vote on one proposed candidate (platform ``xy`` float64[2]); returns the
        number of deputies in favour."""
        u = self.preferences(np.asarray(xy).reshape(1, 2), np.array([party]),
                             noise.reshape(-1, 1), line_party=appointer_party)
        return int((u[:, 0] > self.rules.consent_threshold).sum())


class Maslikhat(mesa.Agent):
    """A council of deputies at region or district level, elected for a term.

    ``deputy_xy`` float64[D, 2] positions and ``deputy_party`` int64[D] (-1 non-party);
    :attr:`deputies` is the bloc that votes.
    """

    def __init__(self, model: mesa.Model, unit: int, size: int, rules: MaslikhatBehaviour,
                 deputy_xy: np.ndarray, deputy_party: np.ndarray, term_end: int) -> None:
        super().__init__(model)
        if deputy_xy.shape != (size, 2) or deputy_party.shape != (size,):
            raise ValueError(f"a maslikhat of {size} needs {size} deputy positions and parties")
        self.unit = unit
        self.size = size
        self.term_end = term_end
        self.deputies = DeputyBloc(deputy_xy, deputy_party, rules)

    @property
    def deputy_xy(self) -> np.ndarray:
        return self.deputies.xy

    @property
    def deputy_party(self) -> np.ndarray:
        return self.deputies.party


def council_size(rules: MaslikhatBehaviour, is_region: bool, kind: str) -> int:
    """Seats of a region's, a city's or a district's maslikhat (config sizes within the
    legal caps)."""
    if is_region:
        return rules.size_region
    if kind in ("regional_city", "city"):
        return rules.size_city
    return rules.size_district


def draw_deputies(rng: np.random.Generator, voter_rows: tuple[int, int], voter_xy: np.ndarray,
                  supporters: np.ndarray, dominant: int, parties: Sequence[PartyConfig],
                  size: int, rules: MaslikhatBehaviour, party_pull: float
                  ) -> tuple[np.ndarray, np.ndarray]:
    """A council of ``size`` deputies drawn from the unit's electorate.

    Each deputy stands where a voter drawn from ``voter_rows`` (the unit's
    ``[start, stop)``) stands; seats go to parties in proportion to their supporters in
    the unit (``supporters`` int64[P + 1], the last entry the unattached), the dominant
    party's share multiplied by ``rules.dominant_seat_bonus``; a party deputy moves
    ``party_pull`` of the way toward the party's platform. An assumption (the councils
    are not yet elected by voters; docs/model.md). Returns positions float64[D, 2] and
    parties int64[D] (-1 non-party).
    """
    rows = rng.integers(voter_rows[0], voter_rows[1], size=size)
    xy = voter_xy[rows].astype(np.float64)
    counts = supporters.astype(np.float64)
    if dominant >= 0:
        counts[dominant] *= rules.dominant_seat_bonus
    probs = counts / counts.sum()
    seat = rng.choice(len(probs), size=size, p=probs)
    party = np.where(seat == len(parties), -1, seat).astype(np.int64)
    platforms = np.array([[p.x, p.y] for p in parties])
    member = party >= 0
    xy[member] = (1 - party_pull) * xy[member] + party_pull * platforms[party[member]]
    return xy, party

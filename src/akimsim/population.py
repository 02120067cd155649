"""The electorate as arrays, sorted by home unit in the territory's depth-first order.

Voter ``i`` lives in unit ``home[i]``; because units are in pre-order and own voters
come before children's, the electorate of any unit is ``start[u]:stop[u]``. Built in
one vectorised pass from a config and a seed; no per-voter Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from akimsim.config import PartyConfig, VoterBehaviour
from akimsim.kernels import unit_median_kernel
from akimsim.streams import Purpose, Streams
from akimsim.territory import Territory


@dataclass(frozen=True)
class Population:
    """Voters as parallel arrays (length ``n``), sorted by home unit.

    ``home`` int32 unit index; ``xy`` float32[n, 2] ideal point in the policy
    space; ``party`` int8 party index (-1 unattached); ``strength`` float32 in [0, 1],
    how strongly an attached voter leans to the party; ``turnout_logit`` float32,
    the voter's propensity to vote on the logit scale. ``unit_median`` float64[U, 2]
    is the coordinate-wise median ideal point of every unit's electorate.
    """

    home: np.ndarray
    xy: np.ndarray
    party: np.ndarray
    strength: np.ndarray
    turnout_logit: np.ndarray
    unit_median: np.ndarray

    @property
    def n(self) -> int:
        return int(self.home.shape[0])

    @property
    def nbytes(self) -> int:
        """Bytes held per-voter (the unit medians are per unit and excluded)."""
        return int(self.home.nbytes + self.xy.nbytes + self.party.nbytes
                   + self.strength.nbytes + self.turnout_logit.nbytes)


def unit_means(territory: Territory, behaviour: VoterBehaviour,
               rng: np.random.Generator) -> np.ndarray:
    """Mean ideal point of each unit: region effect + district effect + local effect.

    float64[U, 2]; a unit's mean is its parent's mean plus a normal shift whose sd
    depends on the unit's tier.
    """
    n = territory.n_units
    sd_by_tier = np.array([behaviour.region_sd, behaviour.district_sd, behaviour.local_sd])
    shifts = rng.normal(size=(n, 2)) * sd_by_tier[territory.tier][:, None]
    means = np.zeros((n, 2))
    for u in range(n):  # per unit, parents come first in pre-order
        p = territory.parent[u]
        means[u] = shifts[u] + (means[p] if p >= 0 else 0.0)
    return means


def build_population(
    territory: Territory,
    behaviour: VoterBehaviour,
    parties: list[PartyConfig],
    streams: Streams,
) -> Population:
    """Draw every voter's traits from the ``population`` stream.

    Unit-level effects (mean ideal points, regional turnout shifts) come from their
    own sub-stream, before and apart from the per-voter draws, so they do not change
    with the number of voters simulated (``territory.scale``).
    """
    unit_rng = streams.generator(Purpose.population, 0)
    rng = streams.generator(Purpose.population, 1)
    n = territory.n_voters
    means = unit_means(territory, behaviour, unit_rng)
    region_shift = unit_rng.normal(scale=behaviour.region_turnout_sd, size=territory.n_units)
    home = np.repeat(np.arange(territory.n_units, dtype=np.int32), territory.own_voters)
    xy = means[home] + rng.normal(scale=behaviour.voter_sd, size=(n, 2))
    shares = np.array([p.attachment for p in parties], dtype=np.float64)
    # categories: one per party, last = unattached
    probs = np.append(shares, max(0.0, 1.0 - shares.sum()))
    probs = probs / probs.sum()
    cat = rng.choice(len(probs), size=n, p=probs)
    party = np.where(cat == len(parties), -1, cat).astype(np.int8)
    platforms = np.array([[p.x, p.y] for p in parties], dtype=np.float64)
    attached = party >= 0
    pull = behaviour.party_pull
    xy[attached] = (1.0 - pull) * xy[attached] + pull * platforms[party[attached]]
    strength = np.where(
        attached, rng.beta(behaviour.partisanship_a, behaviour.partisanship_b, size=n), 0.0
    ).astype(np.float32)
    base = rng.beta(behaviour.propensity_a, behaviour.propensity_b, size=n)
    base = np.clip(base, 1e-6, 1 - 1e-6)
    logit = np.log(base / (1.0 - base)) + region_shift[territory.region[home]]
    xy32 = xy.astype(np.float32)
    median = np.zeros((territory.n_units, 2))
    unit_median_kernel(territory.start, territory.stop, xy32, median)
    return Population(
        home=home,
        xy=xy32,
        party=party,
        strength=strength,
        turnout_logit=logit.astype(np.float32),
        unit_median=median,
    )

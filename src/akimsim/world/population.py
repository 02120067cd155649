"""The electorate as arrays, sorted by home unit in the territory's depth-first order.

Voter ``i`` lives in unit ``home[i]``; because units are in pre-order and own voters
come before children's, the electorate of any unit is ``start[u]:stop[u]``. Built in
one vectorised pass from a config and a seed; no per-voter Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from akimsim.config import ConfigError, PartyConfig, VoterBehaviour
from akimsim.kernels import (
    PartyLayout,
    UnitEffects,
    VoterBlocks,
    VoterTraitParams,
    VoterTraits,
    balanced,
    party_count_kernel,
    unit_median_kernel,
    voters_kernel,
)
from akimsim.streams import Purpose, Streams
from akimsim.world.territory import Territory


@dataclass(frozen=True)
class Population:
    """Voters as parallel arrays (length ``n``), sorted by home unit.

    ``home`` int32 unit index; ``xy`` float32[n, 2] ideal point in the policy
    space; ``party`` int8 party index (-1 unattached); ``strength`` float32 in [0, 1],
    how strongly an attached voter leans to the party; ``turnout_logit`` float32,
    the voter's propensity to vote on the logit scale. ``unit_median`` float64[U, 2]
    is the coordinate-wise median ideal point of every unit's electorate (of a
    systematic sample above :data:`MEDIAN_SAMPLE` voters).
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


#: the memory a run needs, estimated before the voters are drawn: a fixed part (the
#: interpreter, NumPy, Numba, Mesa, pandas) and a part per simulated voter (the voter
#: arrays, 21 bytes, the ballots of a batch and the tables). Measured on 2026-12-01: the
#: national run (11.97 M voters) peaked at 1.63 GB for the whole command; the estimate
#: gives 1.70 GB.
BASE_BYTES = 500 * 10**6
BYTES_PER_VOTER = 100


def available_memory() -> int | None:
    """Bytes of memory this process may still use: the system's available memory, lowered
    to the cgroup limit when there is one (Linux); None when it cannot be read."""
    found = []
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError):
        pass
    try:
        with open("/sys/fs/cgroup/memory.max") as fh:
            limit = fh.read().strip()
        with open("/sys/fs/cgroup/memory.current") as fh:
            used = int(fh.read().strip())
        if limit != "max":
            found.append(int(limit) - used)
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def check_memory(n_voters: int, available: int | None = None) -> None:
    """Refuse (:class:`~akimsim.config.ConfigError`) a run whose estimated memory
    (:data:`BASE_BYTES` + :data:`BYTES_PER_VOTER` per voter) exceeds what is available,
    before anything is allocated."""
    need = BASE_BYTES + BYTES_PER_VOTER * int(n_voters)
    free = available_memory() if available is None else available
    if free is not None and need > free:
        raise ConfigError(
            f"territory: simulating {n_voters:,} voters needs about {need / 1e9:.1f} GB of "
            f"memory (an estimate: {BASE_BYTES // 10**6} MB + {BYTES_PER_VOTER} bytes per "
            f"voter), but {free / 1e9:.1f} GB is available; lower territory.scale or choose "
            "a smaller territory")


BLOCK_VOTERS = 1 << 16
#: Units with more voters than this (regions, big cities) take the median of a
#: systematic sample of every k-th voter; with 262,144 voters or more in the sample
#: it lies within about 0.005 voter_sd of the exact median.
MEDIAN_SAMPLE = 1 << 18


def voter_blocks(unit_start: np.ndarray, unit_count: np.ndarray,
                 size: int = BLOCK_VOTERS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split each unit's rows into blocks of at most ``size`` voters.

    Returns int64 arrays (block_start, block_stop, block_unit); empty units give none.
    """
    pieces = np.maximum(0, (unit_count + size - 1) // size)
    block_unit = np.repeat(np.arange(unit_count.shape[0], dtype=np.int64), pieces)
    first = np.concatenate(([0], np.cumsum(pieces)[:-1]))
    offset = (np.arange(block_unit.shape[0]) - first[block_unit]) * size
    block_start = unit_start[block_unit] + offset
    block_stop = np.minimum(block_start + size, unit_start[block_unit] + unit_count[block_unit])
    return block_start.astype(np.int64), block_stop.astype(np.int64), block_unit


#: the fields of :class:`VoterBehaviour` that :func:`build_population` reads (a test
#: checks that the others leave the population unchanged); with the parties' attachment
#: and platform, and the seed, they decide the voters
POPULATION_FIELDS: tuple[str, ...] = (
    "region_sd", "district_sd", "local_sd", "voter_sd", "party_pull",
    "partisanship_logit_mean", "partisanship_logit_sd", "propensity_logit_mean",
    "propensity_logit_sd", "region_turnout_sd",
)


def build_population(
    territory: Territory,
    behaviour: VoterBehaviour,
    parties: list[PartyConfig],
    streams: Streams,
) -> Population:
    """Draw every voter's traits from the ``population`` stream.

    Unit-level effects (mean ideal points, regional turnout shifts) come from a
    NumPy generator on their own sub-stream; per-voter traits come from
    :func:`akimsim.kernels.voters_kernel`, whose counter-based draws depend only on the
    voter's row. Unit effects therefore do not change with ``territory.scale``, and
    the result does not depend on the number of threads.
    """
    check_memory(territory.n_voters)
    unit_rng = streams.generator(Purpose.population, 0)
    means = unit_means(territory, behaviour, unit_rng)
    region_shift = unit_rng.normal(scale=behaviour.region_turnout_sd, size=territory.n_units)
    n = territory.n_voters
    home = np.repeat(np.arange(territory.n_units, dtype=np.int32), territory.own_voters)
    own_start = territory.start.astype(np.int64)  # own voters open each unit's range
    shares = np.array([p.attachment for p in parties], dtype=np.float64)
    platforms = np.array([[p.x, p.y] for p in parties], dtype=np.float64).reshape(-1, 2)
    params = VoterTraitParams(
        float(behaviour.voter_sd), float(behaviour.party_pull),
        float(behaviour.partisanship_logit_mean), float(behaviour.partisanship_logit_sd),
        float(behaviour.propensity_logit_mean), float(behaviour.propensity_logit_sd))
    traits = VoterTraits(xy=np.empty((n, 2), dtype=np.float32), party=np.empty(n, dtype=np.int8),
                         strength=np.empty(n, dtype=np.float32),
                         turnout_logit=np.empty(n, dtype=np.float32))
    blocks = VoterBlocks(*voter_blocks(own_start, territory.own_voters.astype(np.int64)))
    units = UnitEffects(means, region_shift[territory.region].astype(np.float64))
    median = np.zeros((territory.n_units, 2))
    with balanced():
        voters_kernel(blocks, units, PartyLayout(np.cumsum(shares), platforms), params,
                      streams.kernel_key(Purpose.population, 1), traits)
        unit_median_kernel(territory.start, territory.stop, traits.xy, MEDIAN_SAMPLE, median)
    return Population(home=home, xy=traits.xy, party=traits.party, strength=traits.strength,
                      turnout_logit=traits.turnout_logit, unit_median=median)


def party_supporters(territory: Territory, population: Population, n_parties: int
                     ) -> np.ndarray:
    """Voters attached to each party in each unit's whole electorate.

    int64[U, P + 1], the last column the unattached: counted over each unit's own
    voters by a kernel, then summed up the hierarchy (children follow parents).
    """
    counts = np.zeros((territory.n_units, n_parties + 1), dtype=np.int64)
    with balanced():
        party_count_kernel(territory.start, territory.own_voters, population.party, counts)
    for u in range(territory.n_units - 1, -1, -1):  # per unit, not per voter
        p = territory.parent[u]
        if p >= 0:
            counts[p] += counts[u]
    return counts

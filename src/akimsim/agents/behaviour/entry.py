"""Who stands: party nominees and self-nominees in direct races, shortlists otherwise.

Functions return plain :class:`~akimsim.agents.people.Traits` plus how each person was
nominated; the model turns them into :class:`~akimsim.agents.people.Candidate` agents.
Which of the two ways a post's candidates come forward is the regime's to say
(:meth:`akimsim.regimes.Regime.come_forward`). Sources: the 1 % signature threshold is
law; the rejection rate and party nomination rates are 2021 figures; the rest are
assumptions named in the config (docs/model.md). All
draws come from the generator passed in (the ``candidates`` stream keyed by year and
unit), and none is spent on checking input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from akimsim.agents.people import Traits
from akimsim.config import CandidateBehaviour, Nomination, PartyConfig

#: Share of an appointer's shortlist from the dominant party (assumption; appointed
#: akims in Kazakhstan are overwhelmingly members of the ruling party).
POOL_DOMINANT_SHARE = 0.7


@dataclass(frozen=True)
class Entrant:
    """A person who seeks the post, before registration."""

    traits: Traits
    nomination: Nomination


def new_traits(rng: np.random.Generator, party: int, centre: np.ndarray, spread: float,
               behaviour: CandidateBehaviour, dominant: int) -> Traits:
    """Traits of a new person: platform around ``centre``, competence, loyalty."""
    x, y = centre + rng.normal(scale=spread, size=2)
    loyalty_mean = behaviour.dominant_loyalty if (party == dominant and party >= 0) else 0.0
    return Traits(
        x=float(x),
        y=float(y),
        competence=float(rng.normal(scale=behaviour.competence_sd)),
        loyalty=float(rng.normal(loc=loyalty_mean, scale=behaviour.loyalty_sd)),
        party=int(party),
    )


def council_filter(nominees: list[Traits], deputy_xy: np.ndarray, deputy_party: np.ndarray,
                   threshold: float) -> np.ndarray:
    """Which nominees collect signatures from ``threshold`` of the deputies (bool[N]).

    A "municipal filter" (Russia's governors since 2012). Each deputy signs for one
    nominee only: a party deputy for the nominee of its own party if there is one,
    otherwise (and every non-party deputy) for the nominee nearest in the policy
    space. Nobody lends signatures strategically (an assumption: in Russia the ruling
    party is reported to lend signatures to chosen rivals). Deterministic.
    """
    n = len(nominees)
    if n == 0 or threshold <= 0:
        return np.ones(n, dtype=bool)
    deputies = deputy_party.shape[0]
    needed = max(1, math.ceil(threshold * deputies))
    if deputies == 0:
        return np.zeros(n, dtype=bool)
    xy = np.array([[t.x, t.y] for t in nominees], dtype=np.float64)
    party = np.array([t.party for t in nominees], dtype=np.int64)
    d2 = ((deputy_xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    choice = np.argmin(d2, axis=1)
    for k in range(n):  # per nominee (a handful), not per deputy
        if party[k] >= 0:
            choice[deputy_party == party[k]] = k
    signatures = np.bincount(choice, minlength=n)
    return signatures >= needed


def direct_entrants(rng: np.random.Generator, electorate: int, unit_median: np.ndarray,
                    parties: list[PartyConfig], behaviour: CandidateBehaviour,
                    dominant: int, incumbent: Traits | None,
                    council: tuple[np.ndarray, np.ndarray] | None = None,
                    ) -> tuple[list[Entrant], int]:
    """Nominees of a direct race and, after the registration filter, the registered.

    Each party nominates with its ``nominate_rate`` (at most one nominee per party per
    race); an eligible incumbent stands with ``incumbent_runs`` and takes its party's
    slot (a non-party incumbent stands as a self-nominee without collecting
    signatures: sitting akims are assumed to clear the threshold). Would-be
    self-nominees (Poisson) need signatures from ``signature_threshold`` of the
    electorate: each reaches a Beta-distributed share of voters. The commission then
    rejects each nominee with ``registration_rejection``. With
    ``council_signature_threshold`` > 0 a nominee must also pass
    :func:`council_filter` among the deputies in ``council`` (positions, parties).
    Returns the registered entrants (incumbent first if registered) and the number
    nominated.
    """
    nominees: list[Entrant] = []
    taken: set[int] = set()
    stands = rng.random() < behaviour.incumbent_runs
    if incumbent is not None and stands:
        nominees.append(Entrant(incumbent, Nomination.party if incumbent.party >= 0
                                else Nomination.self))
        if incumbent.party >= 0:
            taken.add(incumbent.party)
    party_draws = rng.random(len(parties))
    for p, party in enumerate(parties):
        if p in taken or party_draws[p] >= party.nominate_rate:
            continue
        centre = np.array([party.x, party.y])
        nominees.append(Entrant(new_traits(rng, p, centre, behaviour.platform_sd, behaviour,
                                           dominant), Nomination.party))
    would_be = int(rng.poisson(behaviour.self_nominee_rate))
    reach = rng.beta(behaviour.signature_reach_a, behaviour.signature_reach_b, size=would_be)
    needed = max(1, math.ceil(behaviour.signature_threshold * electorate))
    for share in reach:
        person = new_traits(rng, -1, unit_median, 2 * behaviour.platform_sd, behaviour, dominant)
        if share * electorate >= needed:
            nominees.append(Entrant(person, Nomination.self))
    rejected = rng.random(len(nominees)) < behaviour.registration_rejection
    if behaviour.council_signature_threshold > 0 and council is not None:
        passed = council_filter([e.traits for e in nominees], council[0], council[1],
                                behaviour.council_signature_threshold)
        rejected |= ~passed
    registered = [e for e, r in zip(nominees, rejected, strict=True) if not r]
    return registered, len(nominees)


def shortlist(rng: np.random.Generator, unit_median: np.ndarray, parties: list[PartyConfig],
              behaviour: CandidateBehaviour, dominant: int,
              incumbent: Traits | None) -> list[Entrant]:
    """An appointer's shortlist: the incumbent if eligible plus ``pool_size`` others.

    Each newcomer belongs to the dominant party with probability
    :data:`POOL_DOMINANT_SHARE`, otherwise is non-party; a party member's platform lies
    around the party's, a non-party one's around the unit's median voter.
    """
    out: list[Entrant] = []
    if incumbent is not None:
        out.append(Entrant(incumbent, Nomination.appointer))
    is_dominant = rng.random(behaviour.pool_size) < POOL_DOMINANT_SHARE
    for flag in is_dominant:
        if flag and dominant >= 0:
            party = parties[dominant]
            centre = np.array([party.x, party.y])
            out.append(Entrant(new_traits(rng, dominant, centre, behaviour.platform_sd,
                                          behaviour, dominant), Nomination.appointer))
        else:
            out.append(Entrant(new_traits(rng, -1, unit_median, 2 * behaviour.platform_sd,
                                          behaviour, dominant), Nomination.appointer))
    return out

"""Who stands: party nominees and self-nominees in direct races, shortlists otherwise.

Both procedures work on a whole batch of posts at once and return a
:class:`~akimsim.agents.pool.CandidatePool`. Which of the two ways a post's candidates
come forward is the regime's to say (:meth:`akimsim.regimes.Regime.come_forward`).
Sources: the 1 % signature threshold is law; the rejection rate and party nomination
rates are 2021 figures; the rest are assumptions named in the config (docs/model.md).
Every draw is a counter-based draw keyed by the post (the ``candidates`` key of its year
and unit; channels and rows in :mod:`akimsim.kernels.rng`), so a person's traits depend
on the post and the person's place among those who could come forward, never on how
posts are batched.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from akimsim.agents.people import person_ids
from akimsim.agents.pool import NOMINATION_CODE, CandidatePool, Incumbents
from akimsim.config import CandidateBehaviour, Nomination, PartyConfig
from akimsim.kernels.rng import (
    INCUMBENT_ROW,
    PARTY_NOMINATES,
    POOL_PARTY,
    REACH,
    REJECT,
    SELF_COUNT,
    SELF_ROW,
    STAND,
    TRAIT,
    normals,
    uniforms,
)

#: Share of an appointer's shortlist from the dominant party (assumption; appointed
#: akims in Kazakhstan are overwhelmingly members of the ruling party).
POOL_DOMINANT_SHARE = 0.7

_PARTY = NOMINATION_CODE[Nomination.party]
_SELF = NOMINATION_CODE[Nomination.self]
_APPOINTER = NOMINATION_CODE[Nomination.appointer]


def poisson_quantile(u: np.ndarray, mean: float) -> np.ndarray:
    """The Poisson(``mean``) count whose CDF first reaches ``u`` (inverse CDF, int64)."""
    top = int(mean + 12 * math.sqrt(mean) + 30)
    k = np.arange(top + 1)
    log_pmf = k * math.log(mean) - mean - np.array([math.lgamma(i + 1) for i in k]) \
        if mean > 0 else np.where(k == 0, 0.0, -np.inf)
    cdf = np.cumsum(np.exp(log_pmf))
    cdf[-1] = 1.0
    return np.searchsorted(cdf, u, side="left").astype(np.int64)


def _traits(keys: np.ndarray, rows: np.ndarray, cx: np.ndarray, cy: np.ndarray,
            spread: float, party: np.ndarray, behaviour: CandidateBehaviour, dominant: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Platform around (cx, cy), competence and loyalty of the people in ``rows`` of
    ``keys`` (broadcast): channels TRAIT..TRAIT+3."""
    zx, zy = normals(keys, rows, TRAIT)
    zc, zl = normals(keys, rows, TRAIT + np.uint64(2))
    loyalty_mean = np.where((party == dominant) & (party >= 0), behaviour.dominant_loyalty, 0.0)
    return (cx + spread * zx, cy + spread * zy, behaviour.competence_sd * zc,
            loyalty_mean + behaviour.loyalty_sd * zl)


def _assemble(year: int, units: np.ndarray, keep: np.ndarray, nominated: np.ndarray,
              inc: Incumbents, columns: dict[str, np.ndarray], acting: bool = False
              ) -> CandidatePool:
    """The pool of the entries ``keep`` (bool[C, W]) of per-entry ``columns`` ([C, W]);
    column 0 is the incumbent's. Slots number the kept entries of each post."""
    counts = keep.sum(axis=1).astype(np.int64)
    post, col = np.nonzero(keep)
    start = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    slot = np.arange(post.shape[0], dtype=np.int64) - start[post]
    is_inc = col == 0
    ids = person_ids(year, units[post], slot, acting=acting)
    ids[is_inc] = inc.person_id[post[is_inc]]
    record = np.where(is_inc, inc.record[post], 0.0)
    return CandidatePool(
        start=start, person_id=ids.astype(np.int64),
        x=columns["x"][post, col], y=columns["y"][post, col],
        competence=columns["competence"][post, col], loyalty=columns["loyalty"][post, col],
        party=columns["party"][post, col].astype(np.int64),
        nomination=columns["nomination"][post, col].astype(np.int8),
        incumbent=is_inc, record=record.astype(np.float64),
        nominated=np.asarray(nominated, dtype=np.int64))


def council_filter(xy: np.ndarray, party: np.ndarray, deputy_xy: np.ndarray,
                   deputy_party: np.ndarray, threshold: float) -> np.ndarray:
    """Which nominees (platforms ``xy`` [N, 2], parties ``party`` [N]) collect signatures
    from ``threshold`` of the deputies (bool[N]).

    A "municipal filter" (Russia's governors since 2012). Each deputy signs for one
    nominee only: a party deputy for the nominee of its own party if there is one,
    otherwise (and every non-party deputy) for the nominee nearest in the policy
    space. Nobody lends signatures strategically (an assumption: in Russia the ruling
    party is reported to lend signatures to chosen rivals). Deterministic.
    """
    n = int(party.shape[0])
    if n == 0 or threshold <= 0:
        return np.ones(n, dtype=bool)
    deputies = deputy_party.shape[0]
    needed = max(1, math.ceil(threshold * deputies))
    if deputies == 0:
        return np.zeros(n, dtype=bool)
    d2 = ((deputy_xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    choice = np.argmin(d2, axis=1)
    for k in range(n):  # per nominee (a handful), not per deputy
        if party[k] >= 0:
            choice[deputy_party == party[k]] = k
    signatures = np.bincount(choice, minlength=n)
    return signatures >= needed


def direct_entry(year: int, units: np.ndarray, keys: np.ndarray, electorate: np.ndarray,
                 median: np.ndarray, parties: Sequence[PartyConfig],
                 behaviour: CandidateBehaviour, dominant: int, inc: Incumbents,
                 councils: Sequence[tuple[np.ndarray, np.ndarray]] | None = None
                 ) -> CandidatePool:
    """Nominees of a batch of direct races and, after the registration filter, the
    registered candidates.

    Per post: an eligible incumbent stands with ``incumbent_runs`` and takes its party's
    place (a non-party incumbent stands as a self-nominee without collecting signatures:
    sitting akims are assumed to clear the threshold); each other party nominates with
    its ``nominate_rate`` (at most one nominee per party per race); a Poisson number of
    would-be self-nominees need signatures from ``signature_threshold`` of the
    electorate, each reaching a Beta-distributed share of voters. The commission then
    rejects each nominee with ``registration_rejection``. With
    ``council_signature_threshold`` > 0 a nominee must also pass :func:`council_filter`
    among the deputies in ``councils[j]`` (positions, parties). The list of a post is the
    incumbent, the party nominees in party order, then the self-nominees; ``nominated``
    counts the nominees before registration.
    """
    b = behaviour
    units = np.asarray(units, dtype=np.int64)
    c = units.shape[0]
    p = len(parties)
    k = keys[:, None]
    stands = inc.eligible & (uniforms(keys, 0, STAND) < b.incumbent_runs)
    # parties: an incumbent's party is taken by the incumbent
    rates = np.array([q.nominate_rate for q in parties], dtype=np.float64)
    prow = np.arange(p, dtype=np.int64)[None, :]
    party_in = uniforms(k, prow, PARTY_NOMINATES).reshape(c, p) < rates[None, :]
    party_in &= ~(stands & (inc.party >= 0))[:, None] | (inc.party[:, None] != prow)
    # would-be self-nominees and their signatures
    would_be = poisson_quantile(uniforms(keys, 0, SELF_COUNT), b.self_nominee_rate)
    m = int(would_be.max()) if c else 0
    srow = SELF_ROW + np.arange(m, dtype=np.int64)[None, :]
    needed = np.maximum(1, np.ceil(b.signature_threshold * electorate))
    share = np.divide(needed, electorate, out=np.full(c, np.inf), where=electorate > 0)
    from scipy.special import betainc

    below = betainc(b.signature_reach_a, b.signature_reach_b, np.clip(share, 0.0, 1.0))
    below = np.where(share >= 1.0, 1.0, below)
    reach = uniforms(k, srow, REACH).reshape(c, m)
    self_in = (np.arange(m)[None, :] < would_be[:, None]) & (reach >= below[:, None])
    # traits: party nominees around their party's platform, self-nominees around the
    # unit's median voter with twice the spread
    px = np.array([q.x for q in parties], dtype=np.float64)[None, :]
    py = np.array([q.y for q in parties], dtype=np.float64)[None, :]
    pparty = np.broadcast_to(prow, (c, p))
    tp = _traits(k, prow, px, py, b.platform_sd, pparty, b, dominant)
    sparty = np.full((c, m), -1, dtype=np.int64)
    ts = _traits(k, srow, median[:, :1], median[:, 1:], 2 * b.platform_sd, sparty, b, dominant)
    width = 1 + p + m
    present = np.concatenate([stands[:, None], party_in, self_in], axis=1)
    rows = np.concatenate([np.full((1, 1), INCUMBENT_ROW, np.int64), prow, srow], axis=1)
    rejected = uniforms(k, rows, REJECT).reshape(c, width) < b.registration_rejection
    inc_nom = np.where(inc.party >= 0, _PARTY, _SELF)[:, None]
    columns = {
        "x": np.concatenate([inc.x[:, None], tp[0].reshape(c, p), ts[0].reshape(c, m)], 1),
        "y": np.concatenate([inc.y[:, None], tp[1].reshape(c, p), ts[1].reshape(c, m)], 1),
        "competence": np.concatenate([inc.competence[:, None], tp[2].reshape(c, p),
                                      ts[2].reshape(c, m)], 1),
        "loyalty": np.concatenate([inc.loyalty[:, None], tp[3].reshape(c, p),
                                   ts[3].reshape(c, m)], 1),
        "party": np.concatenate([inc.party[:, None], pparty, sparty], 1),
        "nomination": np.concatenate([inc_nom, np.full((c, p), _PARTY),
                                      np.full((c, m), _SELF)], 1),
    }
    if b.council_signature_threshold > 0 and councils is not None:
        for j in np.flatnonzero(present.any(axis=1)).tolist():  # an option (Russia), per post
            cols = np.flatnonzero(present[j])
            xy = np.column_stack([columns["x"][j, cols], columns["y"][j, cols]])
            passed = council_filter(xy, columns["party"][j, cols], councils[j][0],
                                    councils[j][1], b.council_signature_threshold)
            rejected[j, cols[~passed]] = True
    return _assemble(year, units, present & ~rejected, present.sum(axis=1), inc, columns)


def shortlist_entry(year: int, units: np.ndarray, keys: np.ndarray, median: np.ndarray,
                    parties: Sequence[PartyConfig], behaviour: CandidateBehaviour,
                    dominant: int, inc: Incumbents, acting: bool = False) -> CandidatePool:
    """Appointers' shortlists for a batch of posts: the incumbent if eligible plus
    ``pool_size`` others.

    Each newcomer belongs to the dominant party with probability
    :data:`POOL_DOMINANT_SHARE`, otherwise is non-party; a party member's platform lies
    around the party's, a non-party one's around the unit's median voter. ``acting``
    marks the shortlist of an acting akim (in the person ids).
    """
    b = behaviour
    units = np.asarray(units, dtype=np.int64)
    c, n = units.shape[0], b.pool_size
    k = keys[:, None]
    rows = np.arange(n, dtype=np.int64)[None, :]
    member = (uniforms(k, rows, POOL_PARTY).reshape(c, n) < POOL_DOMINANT_SHARE) & (dominant >= 0)
    party = np.where(member, dominant, -1).astype(np.int64)
    if dominant >= 0:
        dx, dy = parties[dominant].x, parties[dominant].y
    else:
        dx = dy = 0.0
    zx, zy = normals(k, rows, TRAIT)
    zc, zl = normals(k, rows, TRAIT + np.uint64(2))
    spread = np.where(member, b.platform_sd, 2 * b.platform_sd)
    cx = np.where(member, dx, median[:, :1])
    cy = np.where(member, dy, median[:, 1:])
    loyalty_mean = np.where(member, b.dominant_loyalty, 0.0)
    columns = {
        "x": np.concatenate([inc.x[:, None], (cx + spread * zx).reshape(c, n)], 1),
        "y": np.concatenate([inc.y[:, None], (cy + spread * zy).reshape(c, n)], 1),
        "competence": np.concatenate([inc.competence[:, None],
                                      (b.competence_sd * zc).reshape(c, n)], 1),
        "loyalty": np.concatenate([inc.loyalty[:, None],
                                   (loyalty_mean + b.loyalty_sd * zl).reshape(c, n)], 1),
        "party": np.concatenate([inc.party[:, None], party], 1),
        "nomination": np.full((c, n + 1), _APPOINTER),
    }
    keep = np.concatenate([inc.eligible[:, None], np.ones((c, n), dtype=bool)], axis=1)
    return _assemble(year, units, keep, keep.sum(axis=1), inc, columns, acting=acting)

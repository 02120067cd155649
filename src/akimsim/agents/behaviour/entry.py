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
from dataclasses import dataclass

import numpy as np

from akimsim.agents.behaviour.choice import candidate_valence
from akimsim.agents.behaviour.prospects import poll_utilities, shares_within
from akimsim.agents.officials import appointer_utility
from akimsim.agents.people import person_ids
from akimsim.agents.pool import NOMINATION_CODE, CandidatePool, Incumbents
from akimsim.config import (
    AppointerView,
    BehaviourConfig,
    CandidateBehaviour,
    EntryMode,
    Nomination,
    PartyConfig,
    RegistrationMode,
    Retrospection,
)
from akimsim.kernels.rng import (
    INCUMBENT_ROW,
    PARTY_NOMINATES,
    POOL_PARTY,
    REACH,
    REJECT,
    RENOMINATE,
    SELF_COUNT,
    SELF_ROW,
    SELF_STAND,
    STAND,
    TECHNICAL,
    TECHNICAL_ROW,
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
              inc: Incumbents, columns: dict[str, np.ndarray], acting: bool = False,
              stages: np.ndarray | None = None) -> CandidatePool:
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
        nominated=np.asarray(nominated, dtype=np.int64),
        shown=np.where(is_inc, inc.shown[post], 0.0),
        belief=np.where(is_inc, inc.belief[post], 0.0),
        delivery=np.where(is_inc, inc.delivery[post], 0.0),
        stages=np.zeros((units.shape[0], 3), dtype=np.int64) if stages is None else stages)


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


@dataclass(frozen=True)
class EntryContext:
    """What strategic entry, managed registration and renomination need besides the
    candidates' own settings: the whole behaviour (the voters' weights for the poll, the
    appointers' for renomination), each post's party support (float64[C, P], the share
    of the unit's voters attached to each party) and voters' valence of candidates
    (a function of competence, party, incumbency and what voters hold against an
    incumbent: :func:`akimsim.agents.behaviour.choice.candidate_valence`)."""

    behaviour: BehaviourConfig
    support: np.ndarray


def _logit(p: np.ndarray | float) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-12, 1 - 1e-12)
    return np.log(q) - np.log1p(-q)


def _stand_chance(base: np.ndarray, chance: np.ndarray, b: CandidateBehaviour) -> np.ndarray:
    """Strategic entry: logistic(logit(base) + entry_sensitivity * (chance - reference))."""
    z = _logit(base) + b.entry_sensitivity * (chance - b.entry_reference)
    return 1.0 / (1.0 + np.exp(-z))


def _renominated(keys: np.ndarray, inc: Incumbents, fresh: tuple[np.ndarray, ...],
                 behaviour: BehaviourConfig, dominant: int) -> np.ndarray:
    """Whether the dominant party keeps its sitting akim (bool[C]): the appointer above
    (of the same party) prefers it to the party's fresh nominee (traits ``fresh``: x, y,
    competence, loyalty per post). What the appointer sees is as in
    :mod:`akimsim.agents.behaviour.appraisal`; the noise is the ``candidates`` key's
    channel ``RENOMINATE`` (row 0: the two utilities' noise, row 1: the screening noise
    on the fresh nominee's competence and loyalty)."""
    from akimsim.agents.behaviour.appraisal import shrink

    ap, cb = behaviour.appointers, behaviour.candidates
    z_inc, z_new = normals(keys, 0, RENOMINATE)
    z_c, z_l = normals(keys, 1, RENOMINATE)
    _, _, comp, loyal = fresh
    if ap.observation == AppointerView.signals:
        inc_loyalty, inc_merit = inc.shown, inc.belief
        inc_extra = ap.delivery_weight * inc.delivery
        new_loyalty = shrink(loyal + ap.screening_noise * z_l, cb.dominant_loyalty,
                             cb.loyalty_sd, ap.screening_noise)
        new_merit = shrink(comp + ap.screening_noise * z_c, 0.0, cb.competence_sd,
                           ap.screening_noise)
    else:
        inc_loyalty, inc_merit = inc.loyalty, inc.competence + inc.record
        inc_extra = np.zeros(inc.n)
        new_loyalty, new_merit = loyal, comp
    party = np.full(inc.n, dominant, dtype=np.int64)
    keep = appointer_utility(ap, inc_loyalty, inc_merit, party, dominant, z_inc) + inc_extra
    other = appointer_utility(ap, new_loyalty, new_merit, party, dominant, z_new)
    return np.asarray(keep >= other, dtype=bool)


def direct_entry(year: int, units: np.ndarray, keys: np.ndarray, electorate: np.ndarray,
                 median: np.ndarray, parties: Sequence[PartyConfig],
                 behaviour: CandidateBehaviour, dominant: int, inc: Incumbents,
                 councils: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
                 context: EntryContext | None = None) -> CandidatePool:
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

    With a ``context`` (akim races; council districts have none), issue 14's mechanisms
    apply as configured. ``entry=strategic``: the incumbent, each party and each
    would-be self-nominee stand with probability logistic(logit(base) +
    entry_sensitivity * (chance - entry_reference)), the chance from a poll
    (:mod:`.prospects`) of the field expected after one round of such decisions (first
    against everyone who could stand, then against those who would); a person's uniform
    is the same in both rounds. ``appointers.renomination``: a dominant-party incumbent
    who stands is renominated only if the appointer prefers it to a fresh nominee
    (:func:`_renominated`); otherwise the fresh nominee stands for the party.
    ``registration=managed``: the rejection logit rises by ``managed_filter`` times a
    non-dominant nominee's chance in the registered field's poll, and a race left with
    the dominant party's nominee alone gets a technical candidate with
    ``technical_rate`` (non-party, around the unit's median, competence
    ``technical_competence`` sd; it needs no signatures). ``stages`` counts, per post,
    who could stand, who decided to, and the technical candidates.
    """
    b = behaviour
    full = context.behaviour if context is not None else None
    strategic = full is not None and b.entry == EntryMode.strategic
    managed = full is not None and b.registration == RegistrationMode.managed
    renominate = full is not None and full.appointers.renomination and dominant >= 0
    units = np.asarray(units, dtype=np.int64)
    c = units.shape[0]
    p = len(parties)
    k = keys[:, None]
    stand_draw = uniforms(keys, 0, STAND)
    stands = inc.eligible & (stand_draw < b.incumbent_runs)
    # parties: an incumbent's party is taken by the incumbent
    rates = np.array([q.nominate_rate for q in parties], dtype=np.float64)
    prow = np.arange(p, dtype=np.int64)[None, :]
    party_draw = uniforms(k, prow, PARTY_NOMINATES).reshape(c, p)
    party_in = party_draw < rates[None, :]
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
    possible_self = np.arange(m)[None, :] < would_be[:, None]
    self_in = possible_self & (reach >= below[:, None])
    # traits: party nominees around their party's platform, self-nominees around the
    # unit's median voter with twice the spread
    px = np.array([q.x for q in parties], dtype=np.float64)[None, :]
    py = np.array([q.y for q in parties], dtype=np.float64)[None, :]
    pparty = np.broadcast_to(prow, (c, p))
    tp = _traits(k, prow, px, py, b.platform_sd, pparty, b, dominant)
    sparty = np.full((c, m), -1, dtype=np.int64)
    ts = _traits(k, srow, median[:, :1], median[:, 1:], 2 * b.platform_sd, sparty, b, dominant)
    width = 1 + p + m
    rows = np.concatenate([np.full((1, 1), INCUMBENT_ROW, np.int64), prow, srow], axis=1)
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
    could = np.concatenate([inc.eligible[:, None], np.ones((c, p), dtype=bool),
                            possible_self], axis=1)
    chances = None
    if context is not None and (strategic or managed):
        v = context.behaviour.voters
        record = inc.belief if v.retrospection == Retrospection.belief else inc.record
        is_inc = np.zeros((c, width), dtype=bool)
        is_inc[:, 0] = True
        rec = np.zeros((c, width))
        rec[:, 0] = record
        valence = candidate_valence(columns["competence"], columns["party"], is_inc, rec, v,
                                    dominant)
        post = np.repeat(np.arange(c), width)
        utility = poll_utilities(columns["x"].ravel(), columns["y"].ravel(), valence.ravel(),
                                 columns["party"].ravel(), post, median, context.support, v)
        starts = np.arange(0, (c + 1) * width, width)

        def chances(field: np.ndarray) -> np.ndarray:
            """Each person's chance against the ``field`` (bool[C, W]) plus itself."""
            return shares_within(utility, starts, v.noise_scale,
                                 field.ravel()).reshape(c, width)

    if strategic and chances is not None:
        base = np.concatenate([np.full((c, 1), b.incumbent_runs),
                               np.broadcast_to(rates[None, :], (c, p)),
                               np.full((c, m), b.self_stand)], axis=1)
        draw = np.concatenate([stand_draw[:, None], party_draw,
                               uniforms(k, srow, SELF_STAND).reshape(c, m)], axis=1)
        decided = could.copy()
        for _ in range(2):  # against everyone who could stand, then against who would
            decided = could & (draw < _stand_chance(base, chances(decided), b))
        stands = decided[:, 0]
        party_in = decided[:, 1:1 + p].copy()
        party_in &= ~(stands & (inc.party >= 0))[:, None] | (inc.party[:, None] != prow)
        self_in = decided[:, 1 + p:] & (reach >= below[:, None])
        stood = decided.sum(axis=1)
    else:
        stood = stands.astype(np.int64) + party_in.sum(axis=1) + possible_self.sum(axis=1)
    if renominate and full is not None:
        gate = stands & (inc.party == dominant)
        fresh = tuple(columns[name][:, 1 + dominant]
                      for name in ("x", "y", "competence", "loyalty"))
        dropped = gate & ~_renominated(keys, inc, fresh, full, dominant)
        stands = stands & ~dropped
        party_in[dropped, dominant] = True
    present = np.concatenate([stands[:, None], party_in, self_in], axis=1)
    rejected_draw = uniforms(k, rows, REJECT).reshape(c, width)
    if managed and chances is not None:
        challenger = (columns["party"] != dominant) | (dominant < 0)
        chance = chances(present)
        rejection = 1.0 / (1.0 + np.exp(-(_logit(b.registration_rejection)
                                          + b.managed_filter * chance * challenger)))
        rejected = rejected_draw < rejection
    else:
        rejected = rejected_draw < b.registration_rejection
    if b.council_signature_threshold > 0 and councils is not None:
        for j in np.flatnonzero(present.any(axis=1)).tolist():  # an option (Russia), per post
            cols = np.flatnonzero(present[j])
            xy = np.column_stack([columns["x"][j, cols], columns["y"][j, cols]])
            passed = council_filter(xy, columns["party"][j, cols], councils[j][0],
                                    councils[j][1], b.council_signature_threshold)
            rejected[j, cols[~passed]] = True
    keep = present & ~rejected
    technical = np.zeros(c, dtype=bool)
    if managed and b.technical_rate > 0 and dominant >= 0:
        alone = (keep.sum(axis=1) == 1) & (keep & (columns["party"] == dominant)).any(axis=1)
        technical = alone & (uniforms(keys, 0, TECHNICAL) < b.technical_rate)
        tx, ty, _, tl = _traits(keys, np.full(c, TECHNICAL_ROW, dtype=np.int64),
                                median[:, 0], median[:, 1], 2 * b.platform_sd,
                                np.full(c, -1), b, dominant)
        extra = {"x": tx, "y": ty, "competence": np.full(c, b.technical_competence
                                                          * b.competence_sd),
                 "loyalty": tl, "party": np.full(c, -1), "nomination": np.full(c, _SELF)}
        columns = {name: np.concatenate([col, np.asarray(extra[name]).reshape(c, 1)], 1)
                   for name, col in columns.items()}
        keep = np.concatenate([keep, technical[:, None]], axis=1)
        present = np.concatenate([present, technical[:, None]], axis=1)
    stages = np.column_stack([could.sum(axis=1), stood, technical]).astype(np.int64)
    return _assemble(year, units, keep, present[:, :width].sum(axis=1), inc, columns,
                     stages=stages)


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

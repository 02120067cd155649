"""Ballot kernels: who turns out, and each voter's sincere ranking or approval ballot.

Every kernel loops over the contests of a :class:`~akimsim.kernels.layout.ContestBatch`
with ``prange``; contest ``c`` owns voters ``starts[c]:stops[c]`` and writes only there,
so threads never share a cell. Draws come from :mod:`akimsim.kernels.rng`, keyed by the
contest's ``keys[c]``. Slow twins: ``tests/naive.py``.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from akimsim.kernels._jit import helper, kernel
from akimsim.kernels.layout import slots_of
from akimsim.kernels.rng import RANK_PICK, SAMPLE_CHANNEL, TURNOUT_CHANNEL, uniform01

#: the step of the systematic sample of :func:`sample_kernel` (the golden ratio's fraction)
SAMPLE_STEP = 0.6180339887498949


@kernel
def turnout_kernel(batch, turnout_logit, logit_shift, out):  # type: ignore[no-untyped-def]
    """Decide who turns out.

    batch: ContestBatch; turnout_logit: float32[N] each voter's propensity on the logit
    scale; logit_shift: float64[C] added per contest; out: uint8[N], set to 1 (votes)
    or 0 within each contest's rows.
    """
    for c in prange(batch.starts.shape[0]):
        key = batch.keys[c]
        shift = logit_shift[c]
        for i in range(batch.starts[c], batch.stops[c]):
            p = 1.0 / (1.0 + np.exp(-(np.float64(turnout_logit[i]) + shift)))
            out[i] = np.uint8(1) if uniform01(key, i, TURNOUT_CHANNEL) < p else np.uint8(0)


@kernel
def sample_kernel(batch, voted, share, out):  # type: ignore[no-untyped-def]
    """A systematic sample of the voters who turned out.

    batch: ContestBatch; voted: uint8[N]; share: float64 in (0, 1]; out: uint8[N] set
    within each contest's rows to ``voted[i]`` where frac(u_c + (i - start_c) * step) <
    ``share`` and to 0 elsewhere, ``u_c`` a uniform of the contest's key (channel
    ``SAMPLE_CHANNEL``) and ``step`` :data:`SAMPLE_STEP`: about ``share`` of every run
    of consecutive rows is kept.
    """
    for c in prange(batch.starts.shape[0]):
        start = batch.starts[c]
        offset = uniform01(batch.keys[c], 0, SAMPLE_CHANNEL)
        for i in range(start, batch.stops[c]):
            pos = offset + (i - start) * SAMPLE_STEP
            keep = pos - np.floor(pos) < share
            out[i] = voted[i] if keep else np.uint8(0)


@helper
def base_utility(cands, j, vx, vy, vp, strength, weights):  # type: ignore[no-untyped-def]
    """Deterministic utility of candidate row ``j`` for a voter at (vx, vy) of party
    ``vp`` with attachment ``strength``."""
    dx = vx - cands.xy[j, 0]
    dy = vy - cands.xy[j, 1]
    u = cands.valence[j] - weights.distance * (dx * dx + dy * dy)
    if vp >= 0 and vp == cands.party[j]:
        u += weights.party * strength
    return u


@helper
def voter_options(cands, k0, n_k, voters, i, weights, util, alive):  # type: ignore[no-untyped-def]
    """Fill voter ``i``'s options: slot 0 "against all" (alive if on the ballot;
    ``util[0]`` is set by the caller), slots 1..n_k the contest's candidates with
    their deterministic utilities, all alive."""
    vx = np.float64(voters.xy[i, 0])
    vy = np.float64(voters.xy[i, 1])
    vp = voters.party[i]
    strength = np.float64(voters.strength[i])
    alive[0] = np.isfinite(weights.against_all)
    for k in range(n_k):
        alive[k + 1] = True
        util[k + 1] = base_utility(cands, k0 + k, vx, vy, vp, strength, weights)


@helper
def logit_weights(util, alive, n_opt, noise, out):  # type: ignore[no-untyped-def]
    """Fill out[j] = exp((util[j] - max) / noise) for alive options (0 for the others;
    with noise 0, 1 for the first best option and 0 elsewhere)."""
    top = -np.inf
    best = -1
    for j in range(n_opt):
        if alive[j] and (best < 0 or util[j] > top):
            top = util[j]
            best = j
    for j in range(n_opt):
        out[j] = 0.0
        if alive[j] and noise > 0.0:
            out[j] = np.exp((util[j] - top) / noise)
    if best >= 0 and noise <= 0.0:
        out[best] = 1.0


@helper
def pick_option(util, weight, alive, n_opt, draw):  # type: ignore[no-untyped-def]
    """Pick one alive option with probability weight[j] / (sum of alive weights), by
    the uniform ``draw`` on the cumulative weights in listing order; if every alive
    weight is 0 (underflow), the alive option of highest utility (first listed on
    ties). Returns -1 when no option is alive."""
    total = 0.0
    best = -1
    for j in range(n_opt):
        if alive[j]:
            total += weight[j]
            if best < 0 or util[j] > util[best]:
                best = j
    if best < 0 or total <= 0.0:
        return best
    target = draw * total
    acc = 0.0
    last = best
    for j in range(n_opt):
        if alive[j]:
            acc += weight[j]
            last = j
            if acc > target:
                return j
    return last


@helper
def contest_options(batch, c, against_u, has_against):  # type: ignore[no-untyped-def]
    """Contest ``c``'s draw key, first candidate row and number of candidates, and scratch
    arrays for one voter's options (utilities, weights, alive), "against all" in slot 0."""
    k0, n_k = slots_of(batch, c)
    util = np.empty(n_k + 1, dtype=np.float64)
    weight = np.empty(n_k + 1, dtype=np.float64)
    alive = np.empty(n_k + 1, dtype=np.bool_)
    util[0] = against_u if has_against else 0.0
    return batch.keys[c], k0, n_k, util, weight, alive


@helper
def rank_voter(cands, k0, n_k, voters, i, weights, key, util, weight, alive, out):  # type: ignore[no-untyped-def]
    """Write voter ``i``'s ranking into ``out[i]`` (see :func:`rank_kernel`); the row
    must hold -1 beforehand."""
    voter_options(cands, k0, n_k, voters, i, weights, util, alive)
    logit_weights(util, alive, n_k + 1, weights.noise, weight)
    for r in range(min(out.shape[1], n_k)):
        j = pick_option(util, weight, alive, n_k + 1, uniform01(key, i, RANK_PICK + np.uint64(r)))
        if j <= 0:
            break
        out[i, r] = np.int8(j - 1)
        alive[j] = False


@kernel
def rank_kernel(batch, cands, voters, voted, weights, out):  # type: ignore[no-untyped-def]
    """Sincere ranking of the candidates each voter prefers to "against all".

    batch: ContestBatch; cands: CandidateArrays; voters: VoterArrays; voted: uint8[N];
    weights: ChoiceWeights; out: int8[N, R] gets the candidates' slots (within their
    contest), best first, cut at R columns and padded with -1. A voter who did not
    vote, or puts "against all" first, gets a row of -1 (tell them apart by ``voted``).

    Deterministic utility of candidate k for voter i: valence_k - w_d |x_i - p_k|^2
    + w_p strength_i [party_i == party_k]; of "against all": its utility. Each voter
    draws a Plackett-Luce order of the options with weights exp(v_j / noise): pick one
    by the uniform of channel ``RANK_PICK + r``, drop it, repeat; the ranking stops at
    "against all". The law is that of sorting utilities perturbed by Gumbel noise of
    scale ``noise``; ``out[i, 0]`` is the voter's single-mark choice. With noise 0 the
    best option comes first, ties to the option listed first ("against all", then slots).
    """
    against_u = weights.against_all
    has_against = np.isfinite(against_u)
    depth = out.shape[1]
    for c in prange(batch.starts.shape[0]):
        key, k0, n_k, util, weight, alive = contest_options(batch, c, against_u, has_against)
        for i in range(batch.starts[c], batch.stops[c]):
            for r in range(depth):
                out[i, r] = -1
            if voted[i] == 0:
                continue
            rank_voter(cands, k0, n_k, voters, i, weights, key, util, weight, alive, out)


@kernel
def rank_listed_kernel(batch, listed, cands, voters, weights, out):  # type: ignore[no-untyped-def]
    """:func:`rank_kernel` for the listed voters only (all of whom vote): contest ``c``
    ranks voters ``listed.rows[listed.lo[c]:listed.hi[c]]``, with the same draws, and
    writes only their rows of ``out`` (int8[N, R]). A
    council election day counts a sample of the ballots (:func:`sample_kernel`), so
    most rows are skipped without being read.

    batch: ContestBatch; listed: VoterRows; other arguments as in :func:`rank_kernel`.
    """
    against_u = weights.against_all
    has_against = np.isfinite(against_u)
    depth = out.shape[1]
    rows = listed.rows
    lo = listed.lo
    hi = listed.hi
    for c in prange(batch.starts.shape[0]):
        key, k0, n_k, util, weight, alive = contest_options(batch, c, against_u, has_against)
        for t in range(lo[c], hi[c]):
            i = rows[t]
            for r in range(depth):
                out[i, r] = -1
            rank_voter(cands, k0, n_k, voters, i, weights, key, util, weight, alive, out)


@kernel
def count_flags_kernel(batch, flags, out):  # type: ignore[no-untyped-def]
    """How many of each contest's rows are flagged. batch: ContestBatch; flags:
    uint8[N] (0 or 1); out: int64[C]."""
    for c in prange(batch.starts.shape[0]):
        total = 0
        for i in range(batch.starts[c], batch.stops[c]):
            total += flags[i]
        out[c] = total


@kernel
def flagged_rows_kernel(batch, flags, first, count, out):  # type: ignore[no-untyped-def]
    """The flagged rows of each contest, ascending, in ``out[first[c]:first[c] +
    count[c]]``. batch: ContestBatch; flags: uint8[N] (0 or 1); first, count: int64[C]
    (the counts of :func:`count_flags_kernel` and their offsets); out: int64[M].

    Branch-free: every row is written at the next free place, which the next row
    overwrites unless the row was flagged; the loop ends at the contest's last flag.
    """
    for c in prange(batch.starts.shape[0]):
        t = first[c]
        end = first[c] + count[c]
        i = batch.starts[c]
        while t < end:
            out[t] = i
            t += flags[i]
            i += 1


@kernel
def approval_kernel(batch, cands, voters, voted, weights, out):  # type: ignore[no-untyped-def]
    """Approval ballots consistent with the rankings of :func:`rank_kernel`.

    Arguments as there. Each voter draws the same Plackett-Luce order (same draws), cut
    at "against all", and approves its first candidate and every other candidate of it
    whose deterministic utility is within ``weights.approval_margin`` of the first's. So
    a voter approves nobody exactly when "against all" comes first, and always approves
    the first preference. out: uint32[N], bit k set when candidate slot k is approved
    (at most 32 candidates), 0 for non-voters.
    """
    against_u = weights.against_all
    has_against = np.isfinite(against_u)
    margin = weights.approval_margin
    for c in prange(batch.starts.shape[0]):
        key, k0, n_k, util, weight, alive = contest_options(batch, c, against_u, has_against)
        for i in range(batch.starts[c], batch.stops[c]):
            out[i] = np.uint32(0)
            if voted[i] == 0:
                continue
            voter_options(cands, k0, n_k, voters, i, weights, util, alive)
            logit_weights(util, alive, n_k + 1, weights.noise, weight)
            mask = np.uint32(0)
            first_u = 0.0
            for r in range(n_k):
                j = pick_option(util, weight, alive, n_k + 1,
                                uniform01(key, i, RANK_PICK + np.uint64(r)))
                if j <= 0:
                    break
                if r == 0:
                    first_u = util[j]
                if r == 0 or util[j] >= first_u - margin:
                    mask |= np.uint32(1) << np.uint32(j - 1)
                alive[j] = False
            out[i] = mask

"""Numba kernels: arrays and scalars in, arrays out.

Per-voter work of a direct election. Every kernel loops over contests (or units) with
``prange``; contest ``c`` owns voters ``starts[c]:stops[c]`` and candidates
``cand_start[c]:cand_start[c+1]``, and writes only there, so threads never share a
cell. Randomness comes from a counter-based generator (SplitMix64 finaliser) keyed by
one uint64 per contest and indexed by the voter's global row and a channel, so the
numbers do not depend on thread count or scheduling. Slow reference twins live in
``tests/naive.py``.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from akimsim._jit import helper, kernel

ABSTAIN = np.int16(-2)  # choice code: did not turn out
AGAINST_ALL = np.int16(-1)  # choice code: voted "against all"
TURNOUT_CHANNEL = np.uint64(0xFFFF)  # channel of the turnout draw; choices use 0..K

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_C3 = np.uint64(0xD1B54A32D192ED03)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0


@helper
def mix64(z: np.uint64) -> np.uint64:
    """SplitMix64 finaliser: a bijective scramble of 64 bits."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@helper
def uniform01(key: np.uint64, row: int, channel: np.uint64) -> float:
    """A uniform number in (0, 1) determined by (key, row, channel) alone."""
    z = mix64(key + np.uint64(row) * _GOLDEN)
    z = mix64(z ^ (channel * _C3 + _GOLDEN))
    return (float(z >> _S11) + 0.5) * _TWO_M53


@kernel
def turnout_kernel(starts, stops, turnout_logit, logit_shift, keys, out):  # type: ignore[no-untyped-def]
    """Decide who turns out.

    starts, stops: int64[C] voter slice of each contest; turnout_logit: float32[N]
    each voter's propensity on the logit scale; logit_shift: float64[C] added per
    contest; keys: uint64[C]; out: uint8[N], set to 1 (votes) or 0 within each slice.
    """
    for c in prange(starts.shape[0]):
        key = keys[c]
        shift = logit_shift[c]
        for i in range(starts[c], stops[c]):
            p = 1.0 / (1.0 + np.exp(-(np.float64(turnout_logit[i]) + shift)))
            out[i] = np.uint8(1) if uniform01(key, i, TURNOUT_CHANNEL) < p else np.uint8(0)


@helper
def base_utility(cand_xy, cand_valence, cand_party, j, vx, vy, vp, strength, w_dist, w_party):  # type: ignore[no-untyped-def]
    """Deterministic utility of candidate row ``j`` for a voter at (vx, vy)."""
    dx = vx - cand_xy[j, 0]
    dy = vy - cand_xy[j, 1]
    u = cand_valence[j] - w_dist * (dx * dx + dy * dy)
    if vp >= 0 and vp == cand_party[j]:
        u += w_party * strength
    return u


@helper
def voter_options(cand_xy, cand_valence, cand_party, k0, n_k, voter_xy, voter_party,  # type: ignore[no-untyped-def]
                  voter_strength, i, w_dist, w_party, has_against, util, alive):
    """Fill voter ``i``'s options: slot 0 "against all" (alive if on the ballot;
    ``util[0]`` is set by the caller), slots 1..n_k the contest's candidates with
    their deterministic utilities, all alive."""
    vx = np.float64(voter_xy[i, 0])
    vy = np.float64(voter_xy[i, 1])
    vp = voter_party[i]
    strength = np.float64(voter_strength[i])
    alive[0] = has_against
    for k in range(n_k):
        alive[k + 1] = True
        util[k + 1] = base_utility(cand_xy, cand_valence, cand_party, k0 + k, vx, vy, vp,
                                   strength, w_dist, w_party)


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


@kernel
def choice_kernel(  # type: ignore[no-untyped-def]
    starts, stops, cand_start, cand_xy, cand_valence, cand_party,
    voter_xy, voter_party, voter_strength, voted, weights, keys, out,
):
    """Each voter who turned out marks one option: a logit choice.

    starts, stops: int64[C]; cand_start: int64[C+1] candidate offsets;
    cand_xy: float64[K, 2] platforms; cand_valence: float64[K] (competence, record,
    administrative support, already weighted); cand_party: int16[K] (-1 none);
    voter_xy: float32[N, 2]; voter_party: int8[N] (-1 none); voter_strength:
    float32[N] attachment strength; voted: uint8[N]; weights: float64[4] =
    (distance weight, party weight, noise scale, utility of "against all", -inf to
    drop the line); keys: uint64[C]; out: int16[N] gets the candidate's slot within
    its contest, -1 for "against all" or -2 for abstention.

    Deterministic utility of candidate k: valence_k - w_d * |x_i - p_k|^2
    + w_p * strength_i * [party_i == party_k]; of "against all": its utility. The
    voter picks option j with probability exp(v_j / noise) / sum_j' exp(v_j' / noise)
    (the same law as adding Gumbel noise of scale ``noise`` and taking the best),
    using the uniform draw of channel 0. With noise 0 the best option wins, ties to
    the option listed first ("against all", then slots).
    """
    w_dist = weights[0]
    w_party = weights[1]
    noise = weights[2]
    against_u = weights[3]
    has_against = np.isfinite(against_u)
    for c in prange(starts.shape[0]):
        key = keys[c]
        k0 = cand_start[c]
        n_k = cand_start[c + 1] - k0
        util = np.empty(n_k + 1, dtype=np.float64)
        weight = np.empty(n_k + 1, dtype=np.float64)
        alive = np.ones(n_k + 1, dtype=np.bool_)
        alive[0] = has_against
        util[0] = against_u if has_against else 0.0
        for i in range(starts[c], stops[c]):
            if voted[i] == 0:
                out[i] = ABSTAIN
                continue
            voter_options(cand_xy, cand_valence, cand_party, k0, n_k, voter_xy, voter_party,
                          voter_strength, i, w_dist, w_party, has_against, util, alive)
            logit_weights(util, alive, n_k + 1, noise, weight)
            j = pick_option(util, weight, alive, n_k + 1, uniform01(key, i, np.uint64(0)))
            if j < 0:
                out[i] = ABSTAIN  # nothing on the ballot: counted as not voting
            else:
                out[i] = np.int16(j - 1)


@kernel
def tally_kernel(starts, stops, cand_start, choice, votes, against_all, ballots):  # type: ignore[no-untyped-def]
    """Count ballots per contest.

    choice: int16[N] as written by :func:`choice_kernel`; votes: int64[K] zeroed,
    gets votes per candidate; against_all, ballots: int64[C] zeroed, get the
    "against all" count and the number of ballots cast.
    """
    for c in prange(starts.shape[0]):
        k0 = cand_start[c]
        n_k = cand_start[c + 1] - k0
        # four interleaved histograms (column ch + 2: abstained, against all, slots)
        # so consecutive increments of one count do not wait on each other
        local = np.zeros((4, n_k + 2), dtype=np.int64)
        for i in range(starts[c], stops[c]):
            local[i & 3, choice[i] + 2] += 1
        total = local[0] + local[1] + local[2] + local[3]
        against_all[c] = total[1]
        ballots[c] = (stops[c] - starts[c]) - total[0]
        for k in range(n_k):
            votes[k0 + k] = total[k + 2]


@kernel
def unit_median_kernel(starts, stops, voter_xy, max_sample, out):  # type: ignore[no-untyped-def]
    """Coordinate-wise median ideal point of each unit.

    starts, stops: int64[U]; voter_xy: float32[N, 2]; max_sample: int64, units with
    more voters use every ceil(n / max_sample)-th voter from the first (a systematic
    sample); out: float64[U, 2] (NaN for an empty unit).
    """
    for u in prange(starts.shape[0]):
        s = starts[u]
        e = stops[u]
        if e <= s:
            out[u, 0] = np.nan
            out[u, 1] = np.nan
            continue
        stride = 1
        if e - s > max_sample:
            stride = (e - s + max_sample - 1) // max_sample
        m = (e - s + stride - 1) // stride
        for d in range(2):
            col = np.empty(m, dtype=np.float64)
            for j in range(m):
                col[j] = voter_xy[s + j * stride, d]
            part = np.partition(col, m // 2)
            upper = part[m // 2]
            if m % 2 == 1:
                out[u, d] = upper
            else:
                out[u, d] = 0.5 * (np.max(part[: m // 2]) + upper)


@helper
def normal_pair(key: np.uint64, row: int, channel: np.uint64) -> tuple[float, float]:
    """Two independent standard normal draws (Box-Muller on channels ``channel`` and
    ``channel + 1``)."""
    radius = np.sqrt(-2.0 * np.log(uniform01(key, row, channel)))
    angle = 2.0 * np.pi * uniform01(key, row, channel + np.uint64(1))
    return radius * np.cos(angle), radius * np.sin(angle)


@kernel
def voters_kernel(  # type: ignore[no-untyped-def]
    block_start, block_stop, block_unit, unit_mean, unit_turnout_shift, party_cum, party_xy,
    params, key, out_xy, out_party, out_strength, out_turnout_logit,
):
    """Draw every voter's traits, block by block.

    block_start, block_stop: int64[B] rows of each block of voters (blocks split
    large units so threads get even work); block_unit: int64[B] the block's home
    unit; unit_mean: float64[U, 2] mean ideal point; unit_turnout_shift: float64[U]
    logit shift of the unit's region; party_cum: float64[P] cumulative attachment shares
    (the rest unattached); party_xy: float64[P, 2] platforms; params: float64[6] =
    (voter_sd, party_pull, strength logit mean, strength logit sd, turnout logit
    mean, turnout logit sd); key: uint64. Writes out_xy float32[N, 2], out_party
    int8[N], out_strength float32[N], out_turnout_logit float32[N].
    """
    voter_sd = params[0]
    pull = params[1]
    s_mu = params[2]
    s_sd = params[3]
    t_mu = params[4]
    t_sd = params[5]
    n_parties = party_cum.shape[0]
    for blk in prange(block_start.shape[0]):
        u = block_unit[blk]
        for i in range(block_start[blk], block_stop[blk]):
            zx, zy = normal_pair(key, i, np.uint64(1))
            zs, zt = normal_pair(key, i, np.uint64(3))
            x = unit_mean[u, 0] + voter_sd * zx
            y = unit_mean[u, 1] + voter_sd * zy
            draw = uniform01(key, i, np.uint64(5))
            party = -1
            for p in range(n_parties):
                if draw < party_cum[p]:
                    party = p
                    break
            strength = 0.0
            if party >= 0:
                x = (1.0 - pull) * x + pull * party_xy[party, 0]
                y = (1.0 - pull) * y + pull * party_xy[party, 1]
                strength = 1.0 / (1.0 + np.exp(-(s_mu + s_sd * zs)))
            out_xy[i, 0] = np.float32(x)
            out_xy[i, 1] = np.float32(y)
            out_party[i] = np.int8(party)
            out_strength[i] = np.float32(strength)
            out_turnout_logit[i] = np.float32(t_mu + t_sd * zt + unit_turnout_shift[u])


# ---------------------------------------------------------------------------
# ballots and voting rules

LOT_CHANNEL = np.uint64(0x10715)  # lot priorities of candidates, keyed per contest
RUNOFF_CHANNEL = np.uint64(0xFFFE)  # whether a first-round voter returns for a runoff


@helper
def lot_priority(key: np.uint64, slot: int) -> float:
    """The lot drawn for candidate ``slot`` before the count: higher wins a tie."""
    return uniform01(key, slot, LOT_CHANNEL)


@helper
def best_of(values, active, key):  # type: ignore[no-untyped-def]
    """(slot, number tied) of the largest ``values[k]`` among ``active`` slots, ties
    going to the highest lot priority; (-1, 0) if no slot is active."""
    best = -1
    n_tied = 0
    for k in range(values.shape[0]):
        if not active[k]:
            continue
        if best < 0 or values[k] > values[best]:
            best = k
            n_tied = 1
        elif values[k] == values[best]:
            n_tied += 1
            if lot_priority(key, k) > lot_priority(key, best):
                best = k
    return best, n_tied


@helper
def worst_of(values, active, key):  # type: ignore[no-untyped-def]
    """(slot, number tied) of the smallest ``values[k]`` among ``active`` slots, ties
    going to the lowest lot priority (the one eliminated)."""
    worst = -1
    n_tied = 0
    for k in range(values.shape[0]):
        if not active[k]:
            continue
        if worst < 0 or values[k] < values[worst]:
            worst = k
            n_tied = 1
        elif values[k] == values[worst]:
            n_tied += 1
            if lot_priority(key, k) < lot_priority(key, worst):
                worst = k
    return worst, n_tied


@kernel
def rank_kernel(  # type: ignore[no-untyped-def]
    starts, stops, cand_start, cand_xy, cand_valence, cand_party,
    voter_xy, voter_party, voter_strength, voted, weights, keys, out,
):
    """Sincere ranking of the candidates each voter prefers to "against all".

    Arguments as in :func:`choice_kernel`. Each voter draws a Plackett-Luce order of
    the options (candidates and "against all") with weights exp(v_j / noise): pick
    one by the uniform of channel r (as :func:`choice_kernel` does for r = 0), drop
    it, repeat; the ranking stops at "against all". So ``out[i, 0]`` equals the
    choice kernel's mark, and the law is that of sorting utilities perturbed by
    Gumbel noise. out: int8[N, R] gets the candidates' slots, best first, cut at R
    columns and padded with -1; a voter who did not vote, or puts "against all"
    first, gets a row of -1 (tell them apart by ``voted``).
    """
    w_dist = weights[0]
    w_party = weights[1]
    noise = weights[2]
    against_u = weights[3]
    has_against = np.isfinite(against_u)
    depth = out.shape[1]
    for c in prange(starts.shape[0]):
        key = keys[c]
        k0 = cand_start[c]
        n_k = cand_start[c + 1] - k0
        util = np.empty(n_k + 1, dtype=np.float64)
        weight = np.empty(n_k + 1, dtype=np.float64)
        alive = np.empty(n_k + 1, dtype=np.bool_)
        util[0] = against_u if has_against else 0.0
        for i in range(starts[c], stops[c]):
            for r in range(depth):
                out[i, r] = -1
            if voted[i] == 0:
                continue
            voter_options(cand_xy, cand_valence, cand_party, k0, n_k, voter_xy, voter_party,
                          voter_strength, i, w_dist, w_party, has_against, util, alive)
            logit_weights(util, alive, n_k + 1, noise, weight)
            for r in range(min(depth, n_k)):
                j = pick_option(util, weight, alive, n_k + 1, uniform01(key, i, np.uint64(r)))
                if j <= 0:
                    break
                out[i, r] = np.int8(j - 1)
                alive[j] = False


@kernel
def approval_kernel(  # type: ignore[no-untyped-def]
    starts, stops, cand_start, cand_xy, cand_valence, cand_party,
    voter_xy, voter_party, voter_strength, voted, weights, keys, margin, out,
):
    """Approval ballots consistent with the rankings of :func:`rank_kernel`.

    Each voter draws the same Plackett-Luce order as in :func:`rank_kernel` (same
    draws), cut at "against all", and approves the first candidate of it and every
    other candidate of it whose deterministic utility is within ``margin`` of the
    first's. So a voter approves nobody exactly when "against all" comes first, and
    always approves the first preference. out: uint32[N], bit k set when candidate
    slot k is approved (at most 32 candidates), 0 for non-voters.
    """
    w_dist = weights[0]
    w_party = weights[1]
    noise = weights[2]
    against_u = weights[3]
    has_against = np.isfinite(against_u)
    for c in prange(starts.shape[0]):
        key = keys[c]
        k0 = cand_start[c]
        n_k = cand_start[c + 1] - k0
        util = np.empty(n_k + 1, dtype=np.float64)
        weight = np.empty(n_k + 1, dtype=np.float64)
        alive = np.empty(n_k + 1, dtype=np.bool_)
        util[0] = against_u if has_against else 0.0
        for i in range(starts[c], stops[c]):
            out[i] = np.uint32(0)
            if voted[i] == 0:
                continue
            voter_options(cand_xy, cand_valence, cand_party, k0, n_k, voter_xy, voter_party,
                          voter_strength, i, w_dist, w_party, has_against, util, alive)
            logit_weights(util, alive, n_k + 1, noise, weight)
            mask = np.uint32(0)
            first_u = 0.0
            for r in range(n_k):
                j = pick_option(util, weight, alive, n_k + 1, uniform01(key, i, np.uint64(r)))
                if j <= 0:
                    break
                if r == 0:
                    first_u = util[j]
                if r == 0 or util[j] >= first_u - margin:
                    mask |= np.uint32(1) << np.uint32(j - 1)
                alive[j] = False
            out[i] = mask


@kernel
def first_preference_kernel(starts, stops, cand_start, ranking, voted, votes, against_all,  # type: ignore[no-untyped-def]
                            ballots):
    """Plurality count of first preferences.

    ranking: int8[N, R]; voted: uint8[N]; votes: int64[K]; against_all, ballots:
    int64[C]. A voter who voted with an empty ranking counts as "against all".
    """
    for c in prange(starts.shape[0]):
        k0 = cand_start[c]
        n_k = cand_start[c + 1] - k0
        # four interleaved histograms; column 0 abstained, 1 against all, 2.. slots
        local = np.zeros((4, n_k + 2), dtype=np.int64)
        for i in range(starts[c], stops[c]):
            local[i & 3, (ranking[i, 0] + 2) * voted[i]] += 1
        total = local[0] + local[1] + local[2] + local[3]
        against_all[c] = total[1]
        ballots[c] = (stops[c] - starts[c]) - total[0]
        for k in range(n_k):
            votes[k0 + k] = total[k + 2]


@kernel
def irv_kernel(starts, stops, cand_start, ranking, voted, lot_keys, counts, exhausted,  # type: ignore[no-untyped-def]
               eliminated, n_rounds, winner):
    """Instant runoff: count each ballot for its highest-ranked continuing candidate;
    a candidate with more than half of the continuing ballots wins; otherwise the
    candidate with fewest votes (ties: lowest lot priority) is eliminated.

    counts: int64[C, Kmax, Kmax] zeroed, votes of round r per slot; exhausted:
    int64[C, Kmax] ballots with no continuing candidate in round r; eliminated:
    int64[C, Kmax] slot eliminated after round r (-1 if none); n_rounds, winner:
    int64[C] (winner -1 when the contest has no candidate).
    """
    depth = ranking.shape[1]
    for c in prange(starts.shape[0]):
        k0 = cand_start[c]
        n_k = cand_start[c + 1] - k0
        key = lot_keys[c]
        winner[c] = -1
        n_rounds[c] = 0
        for r in range(eliminated.shape[1]):
            eliminated[c, r] = -1
        if n_k == 0:
            continue
        active = np.ones(n_k, dtype=np.bool_)
        local = np.zeros(n_k, dtype=np.int64)
        n_active = n_k
        s0 = starts[c]
        # where each ballot stands: its column in the ranking (-1 exhausted, -2 abstained)
        at = np.empty(stops[c] - s0, dtype=np.int8)
        exh = 0
        for i in range(s0, stops[c]):
            if voted[i] == 0:
                at[i - s0] = -2
            elif ranking[i, 0] < 0:
                at[i - s0] = -1
                exh += 1
            else:
                at[i - s0] = 0
                local[ranking[i, 0]] += 1
        for rnd in range(n_k):
            if rnd > 0:
                # move only the ballots of the candidate eliminated last round
                gone = eliminated[c, rnd - 1]
                for i in range(s0, stops[c]):
                    col = at[i - s0]
                    if col < 0 or ranking[i, col] != gone:
                        continue
                    nxt = -1
                    for r in range(col + 1, depth):
                        s = ranking[i, r]
                        if s < 0:
                            break
                        if active[s]:
                            nxt = r
                            break
                    at[i - s0] = nxt
                    if nxt < 0:
                        exh += 1
                    else:
                        local[ranking[i, nxt]] += 1
                local[gone] = 0
            continuing = 0
            for k in range(n_k):
                counts[c, rnd, k] = local[k]
                continuing += local[k]
            exhausted[c, rnd] = exh
            n_rounds[c] = rnd + 1
            best, _ = best_of(local, active, key)
            if n_active == 1 or 2 * local[best] > continuing:
                winner[c] = best
                break
            worst, _ = worst_of(local, active, key)
            active[worst] = False
            eliminated[c, rnd] = worst
            n_active -= 1


@kernel
def two_round_kernel(starts, stops, cand_start, ranking, voted, keys, lot_keys, threshold,  # type: ignore[no-untyped-def]
                     runoff_turnout, counts, against, ballots, finalists, n_rounds, winner):
    """Two-round majority: a candidate with more than ``threshold`` of the first-round
    ballots wins; otherwise the two best-placed (ties by lot) meet in a runoff, where
    each first-round voter returns with probability ``runoff_turnout`` (a draw keyed
    by ``keys[c]``) and votes for whichever finalist the ballot ranks higher, or for
    neither (counted in ``against``). Most runoff votes win; a tie goes by lot.

    counts: int64[C, 2, Kmax]; against, ballots, finalists: int64[C, 2] (finalists
    -1 without a runoff); n_rounds, winner: int64[C].
    """
    depth = ranking.shape[1]
    for c in prange(starts.shape[0]):
        k0 = cand_start[c]
        n_k = cand_start[c + 1] - k0
        key = lot_keys[c]
        winner[c] = -1
        n_rounds[c] = 0
        finalists[c, 0] = -1
        finalists[c, 1] = -1
        if n_k == 0:
            continue
        local = np.zeros(n_k, dtype=np.int64)
        cast = 0
        none = 0
        for i in range(starts[c], stops[c]):
            if voted[i] == 0:
                continue
            cast += 1
            s = ranking[i, 0]
            if s < 0:
                none += 1
            else:
                local[s] += 1
        for k in range(n_k):
            counts[c, 0, k] = local[k]
        against[c, 0] = none
        ballots[c, 0] = cast
        n_rounds[c] = 1
        active = np.ones(n_k, dtype=np.bool_)
        first, _ = best_of(local, active, key)
        if n_k == 1 or local[first] > threshold * cast:
            winner[c] = first
            continue
        active[first] = False
        second, _ = best_of(local, active, key)
        finalists[c, 0] = first
        finalists[c, 1] = second
        pair = np.zeros(2, dtype=np.int64)
        cast2 = 0
        none2 = 0
        for i in range(starts[c], stops[c]):
            if voted[i] == 0 or uniform01(keys[c], i, RUNOFF_CHANNEL) >= runoff_turnout:
                continue
            cast2 += 1
            pick = -1
            for r in range(depth):
                s = ranking[i, r]
                if s < 0:
                    break
                if s == first:
                    pick = 0
                    break
                if s == second:
                    pick = 1
                    break
            if pick < 0:
                none2 += 1
            else:
                pair[pick] += 1
        counts[c, 1, first] = pair[0]
        counts[c, 1, second] = pair[1]
        against[c, 1] = none2
        ballots[c, 1] = cast2
        n_rounds[c] = 2
        both = np.zeros(n_k, dtype=np.bool_)
        both[first] = True
        both[second] = True
        final = np.zeros(n_k, dtype=np.int64)
        final[first] = pair[0]
        final[second] = pair[1]
        w, _ = best_of(final, both, key)
        winner[c] = w


@kernel
def borda_kernel(starts, stops, cand_start, ranking, voted, scores):  # type: ignore[no-untyped-def]
    """Borda scores: a candidate ranked r-th (from 0) of K gets K - 1 - r points;
    unranked candidates get none. scores: int64[K] zeroed."""
    depth = ranking.shape[1]
    for c in prange(starts.shape[0]):
        k0 = cand_start[c]
        n_k = cand_start[c + 1] - k0
        local = np.zeros(max(n_k, 1), dtype=np.int64)
        for i in range(starts[c], stops[c]):
            if voted[i] == 0:
                continue
            for r in range(min(depth, n_k)):
                s = ranking[i, r]
                if s < 0:
                    break
                local[s] += n_k - 1 - r
        for k in range(n_k):
            scores[k0 + k] = local[k]


@kernel
def pairwise_kernel(starts, stops, cand_start, ranking, voted, out):  # type: ignore[no-untyped-def]
    """Pairwise majorities: out[c, a, b] counts ballots ranking a above b (a ranked
    candidate is above every unranked one). out: int64[C, Kmax, Kmax] zeroed."""
    depth = ranking.shape[1]
    for c in prange(starts.shape[0]):
        k0 = cand_start[c]
        n_k = cand_start[c + 1] - k0
        if n_k == 0:
            continue
        pos = np.empty(n_k, dtype=np.int64)
        local = np.zeros((n_k, n_k), dtype=np.int64)
        for i in range(starts[c], stops[c]):
            if voted[i] == 0:
                continue
            for k in range(n_k):
                pos[k] = depth + 1
            for r in range(min(depth, n_k)):
                s = ranking[i, r]
                if s < 0:
                    break
                pos[s] = r
            for a in range(n_k):
                for b in range(n_k):
                    if pos[a] < pos[b]:
                        local[a, b] += 1
        for a in range(n_k):
            for b in range(n_k):
                out[c, a, b] = local[a, b]


@kernel
def approval_tally_kernel(starts, stops, cand_start, approvals, voted, counts, empty, ballots):  # type: ignore[no-untyped-def]
    """Approvals per candidate (counts: int64[K]), ballots approving nobody (empty:
    int64[C]) and ballots cast (int64[C]); approvals: uint32[N] bit masks."""
    for c in prange(starts.shape[0]):
        k0 = cand_start[c]
        n_k = cand_start[c + 1] - k0
        local = np.zeros(max(n_k, 1), dtype=np.int64)
        none = 0
        cast = 0
        for i in range(starts[c], stops[c]):
            if voted[i] == 0:
                continue
            cast += 1
            mask = approvals[i]
            if mask == 0:
                none += 1
                continue
            for k in range(n_k):
                if (mask >> np.uint32(k)) & np.uint32(1):
                    local[k] += 1
        empty[c] = none
        ballots[c] = cast
        for k in range(n_k):
            counts[k0 + k] = local[k]


@kernel
def party_count_kernel(unit_start, unit_count, party, out):  # type: ignore[no-untyped-def]
    """Voters of each party among each unit's own voters.

    unit_start, unit_count: int64[U]; party: int8[N] (-1 unattached); out:
    int64[U, P + 1] zeroed, the last column counting unattached voters.
    """
    last = out.shape[1] - 1
    for u in prange(unit_start.shape[0]):
        for i in range(unit_start[u], unit_start[u] + unit_count[u]):
            p = party[i]
            out[u, last if p < 0 else p] += 1

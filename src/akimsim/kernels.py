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


@helper
def gumbel(key: np.uint64, row: int, channel: np.uint64) -> float:
    """A standard Gumbel draw determined by (key, row, channel)."""
    return -np.log(-np.log(uniform01(key, row, channel)))


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


@kernel
def choice_kernel(  # type: ignore[no-untyped-def]
    starts, stops, cand_start, cand_xy, cand_valence, cand_party,
    voter_xy, voter_party, voter_strength, voted, weights, keys, out,
):
    """Each voter who turned out picks the option of highest utility.

    starts, stops: int64[C]; cand_start: int64[C+1] candidate offsets;
    cand_xy: float64[K, 2] platforms; cand_valence: float64[K] (competence, record,
    administrative support, already weighted); cand_party: int16[K] (-1 none);
    voter_xy: float32[N, 2]; voter_party: int8[N] (-1 none); voter_strength:
    float32[N] attachment strength; voted: uint8[N]; weights: float64[4] =
    (distance weight, party weight, noise scale, utility of "against all", -inf to
    drop the line); keys: uint64[C]; out: int16[N] gets the candidate's slot within
    its contest, -1 for "against all" or -2 for abstention.

    Utility of candidate k for voter i: valence_k - w_d * |x_i - p_k|^2
    + w_p * strength_i * [party_i == party_k] + noise * Gumbel(i, k + 1); of
    "against all": its utility + noise * Gumbel(i, 0). Exact ties go to the option
    listed first ("against all", then candidates in slot order).
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
        for i in range(starts[c], stops[c]):
            if voted[i] == 0:
                out[i] = ABSTAIN
                continue
            vx = np.float64(voter_xy[i, 0])
            vy = np.float64(voter_xy[i, 1])
            vp = voter_party[i]
            strength = np.float64(voter_strength[i])
            best = AGAINST_ALL
            best_u = -np.inf
            if has_against:
                best_u = against_u + noise * gumbel(key, i, np.uint64(0))
            for k in range(n_k):
                dx = vx - cand_xy[k0 + k, 0]
                dy = vy - cand_xy[k0 + k, 1]
                u = cand_valence[k0 + k] - w_dist * (dx * dx + dy * dy)
                if vp >= 0 and vp == cand_party[k0 + k]:
                    u += w_party * strength
                u += noise * gumbel(key, i, np.uint64(k + 1))
                if u > best_u:
                    best = np.int16(k)
                    best_u = u
            if n_k == 0 and not has_against:
                best = ABSTAIN  # nothing on the ballot: counted as not voting
            out[i] = best


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
        local = np.zeros(n_k + 1, dtype=np.int64)
        cast = 0
        for i in range(starts[c], stops[c]):
            ch = choice[i]
            if ch == ABSTAIN:
                continue
            cast += 1
            local[ch + 1] += 1
        against_all[c] = local[0]
        ballots[c] = cast
        for k in range(n_k):
            votes[k0 + k] = local[k + 1]


@kernel
def unit_median_kernel(starts, stops, voter_xy, out):  # type: ignore[no-untyped-def]
    """Coordinate-wise median ideal point of each unit.

    starts, stops: int64[U]; voter_xy: float32[N, 2]; out: float64[U, 2] (NaN for an
    empty unit).
    """
    for u in prange(starts.shape[0]):
        s = starts[u]
        e = stops[u]
        if e <= s:
            out[u, 0] = np.nan
            out[u, 1] = np.nan
            continue
        for d in range(2):
            col = np.empty(e - s, dtype=np.float64)
            for i in range(s, e):
                col[i - s] = voter_xy[i, d]
            out[u, d] = np.median(col)

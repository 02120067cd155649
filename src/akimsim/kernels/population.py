"""Population kernels: every voter's traits, each unit's median voter, party supporters.

Parallel over blocks of voters or over units; each iteration writes only its own rows or
its own unit. Slow twins: ``tests/naive.py``.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from akimsim.kernels._jit import helper, kernel
from akimsim.kernels.rng import VOTER_PARTY, VOTER_POSITION, VOTER_TRAITS, normal01, uniform01


@kernel
def voters_kernel(blocks, units, parties, params, key, out):  # type: ignore[no-untyped-def]
    """Draw every voter's traits, block by block.

    blocks: VoterBlocks; units: UnitEffects; parties: PartyLayout; params:
    VoterTraitParams; key: uint64 (the population stream's); out: VoterTraits, written
    row by row. A voter's ideal point is its unit's mean plus normal noise of sd
    ``voter_sd``; it is attached to party p with the p-th attachment share (then pulled
    ``party_pull`` of the way toward the platform, with a logit-normal strength);
    its turnout propensity is logit-normal plus the region's shift.
    """
    # the arrays written, taken out of the tuple before the loop (see kernels.layout)
    out_xy = out.xy
    out_party = out.party
    out_strength = out.strength
    out_turnout = out.turnout_logit
    n_parties = parties.cum.shape[0]
    for blk in prange(blocks.start.shape[0]):
        u = blocks.unit[blk]
        for i in range(blocks.start[blk], blocks.stop[blk]):
            zx = normal01(key, i, VOTER_POSITION)
            zy = normal01(key, i, VOTER_POSITION + np.uint64(1))
            zt = normal01(key, i, VOTER_TRAITS + np.uint64(1))
            x = units.mean[u, 0] + params.voter_sd * zx
            y = units.mean[u, 1] + params.voter_sd * zy
            draw = uniform01(key, i, VOTER_PARTY)
            party = -1
            for p in range(n_parties):
                if draw < parties.cum[p]:
                    party = p
                    break
            strength = 0.0
            if party >= 0:  # only attached voters draw a strength (keyed draws: no shift)
                zs = normal01(key, i, VOTER_TRAITS)
                x = (1.0 - params.party_pull) * x + params.party_pull * parties.xy[party, 0]
                y = (1.0 - params.party_pull) * y + params.party_pull * parties.xy[party, 1]
                strength = 1.0 / (1.0 + np.exp(-(params.strength_mean + params.strength_sd * zs)))
            out_xy[i, 0] = np.float32(x)
            out_xy[i, 1] = np.float32(y)
            out_party[i] = np.int8(party)
            out_strength[i] = np.float32(strength)
            out_turnout[i] = np.float32(params.turnout_mean + params.turnout_sd * zt
                                        + units.turnout_shift[u])


@helper
def kth_smallest(a, k):  # type: ignore[no-untyped-def]
    """The ``k``-th smallest value of float64 ``a`` (0-based; no NaN), found in place by
    quickselect (Hoare partitions around the median of three): afterwards every value of
    ``a[:k]`` is at most ``a[k]``, which holds the answer."""
    lo = 0
    hi = a.shape[0] - 1
    while hi > lo:
        mid = (lo + hi) // 2
        if a[mid] < a[lo]:
            a[mid], a[lo] = a[lo], a[mid]
        if a[hi] < a[lo]:
            a[hi], a[lo] = a[lo], a[hi]
        if a[hi] < a[mid]:
            a[hi], a[mid] = a[mid], a[hi]
        pivot = a[mid]
        i = lo
        j = hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while pivot < a[j]:
                j -= 1
            if i <= j:
                a[i], a[j] = a[j], a[i]
                i += 1
                j -= 1
        # now a[lo..j] <= pivot <= a[i..hi], and a[j+1..i-1] all equal the pivot
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            return a[k]
    return a[k]


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
        col = np.empty(m, dtype=np.float64)
        for d in range(2):
            for j in range(m):
                col[j] = voter_xy[s + j * stride, d]
            upper = kth_smallest(col, m // 2)
            if m % 2 == 1:
                out[u, d] = upper
            else:
                lower = col[0]
                for j in range(1, m // 2):
                    lower = max(lower, col[j])
                out[u, d] = 0.5 * (lower + upper)


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

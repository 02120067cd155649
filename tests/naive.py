"""Slow, obviously correct twins of the kernels in akimsim.kernels.

Plain Python loops over plain Python numbers; the counter-based generator is written
out with Python integers masked to 64 bits.
"""

from __future__ import annotations

import math

import numpy as np

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
M1 = 0xBF58476D1CE4E5B9
M2 = 0x94D049BB133111EB
C3 = 0xD1B54A32D192ED03
TURNOUT_CHANNEL = 0xFFFF


def mix64(z: int) -> int:
    z &= MASK
    z = ((z ^ (z >> 30)) * M1) & MASK
    z = ((z ^ (z >> 27)) * M2) & MASK
    return z ^ (z >> 31)


def uniform01(key: int, row: int, channel: int) -> float:
    z = mix64((key + row * GOLDEN) & MASK)
    z = mix64(z ^ ((channel * C3 + GOLDEN) & MASK))
    return ((z >> 11) + 0.5) / 9007199254740992.0


def gumbel(key: int, row: int, channel: int) -> float:
    return -math.log(-math.log(uniform01(key, row, channel)))


def turnout(starts, stops, turnout_logit, logit_shift, keys, n):
    out = np.zeros(n, dtype=np.uint8)
    for c in range(len(starts)):
        for i in range(int(starts[c]), int(stops[c])):
            p = 1.0 / (1.0 + math.exp(-(float(turnout_logit[i]) + float(logit_shift[c]))))
            out[i] = 1 if uniform01(int(keys[c]), i, TURNOUT_CHANNEL) < p else 0
    return out


def choice(starts, stops, cand_start, cand_xy, cand_valence, cand_party, voter_xy,
           voter_party, voter_strength, voted, weights, keys, n):
    w_dist, w_party, noise, against_u = (float(w) for w in weights)
    out = np.full(n, -3, dtype=np.int16)
    for c in range(len(starts)):
        key = int(keys[c])
        k0, k1 = int(cand_start[c]), int(cand_start[c + 1])
        for i in range(int(starts[c]), int(stops[c])):
            if not voted[i]:
                out[i] = -2
                continue
            options = []  # (utility, code) in listing order
            if math.isfinite(against_u):
                options.append((against_u + noise * gumbel(key, i, 0), -1))
            for k in range(k1 - k0):
                dx = float(voter_xy[i, 0]) - float(cand_xy[k0 + k, 0])
                dy = float(voter_xy[i, 1]) - float(cand_xy[k0 + k, 1])
                u = float(cand_valence[k0 + k]) - w_dist * (dx * dx + dy * dy)
                if voter_party[i] >= 0 and voter_party[i] == cand_party[k0 + k]:
                    u += w_party * float(voter_strength[i])
                u += noise * gumbel(key, i, k + 1)
                options.append((u, k))
            if not options:
                out[i] = -2
                continue
            best_u = max(u for u, _ in options)
            out[i] = next(code for u, code in options if u == best_u)
    return out


def tally(starts, stops, cand_start, choice_codes):
    votes = np.zeros(int(cand_start[-1]), dtype=np.int64)
    against = np.zeros(len(starts), dtype=np.int64)
    ballots = np.zeros(len(starts), dtype=np.int64)
    for c in range(len(starts)):
        for i in range(int(starts[c]), int(stops[c])):
            code = int(choice_codes[i])
            if code == -2:
                continue
            ballots[c] += 1
            if code == -1:
                against[c] += 1
            else:
                votes[int(cand_start[c]) + code] += 1
    return votes, against, ballots


def unit_median(starts, stops, voter_xy):
    out = np.full((len(starts), 2), np.nan)
    for u in range(len(starts)):
        s, e = int(starts[u]), int(stops[u])
        if e > s:
            for d in range(2):
                col = sorted(float(voter_xy[i, d]) for i in range(s, e))
                m = len(col)
                out[u, d] = col[m // 2] if m % 2 else (col[m // 2 - 1] + col[m // 2]) / 2
    return out

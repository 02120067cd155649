"""Slow, obviously correct twins of the kernels in akimsim.kernels.

Plain Python loops over plain Python numbers; the counter-based generator is written
out with Python integers masked to 64 bits.
"""

from __future__ import annotations

import math

import numpy as np

from akimsim.kernels.rng import (  # Acklam's coefficients (the quantile's code stays separate)
    _A,
    _B,
    _C,
    _D,
)

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


def turnout(starts, stops, turnout_logit, logit_shift, keys, n):
    out = np.zeros(n, dtype=np.uint8)
    for c in range(len(starts)):
        for i in range(int(starts[c]), int(stops[c])):
            p = 1.0 / (1.0 + math.exp(-(float(turnout_logit[i]) + float(logit_shift[c]))))
            out[i] = 1 if uniform01(int(keys[c]), i, TURNOUT_CHANNEL) < p else 0
    return out


def base_utilities(i, k0, n_k, cand_xy, cand_valence, cand_party, voter_xy, voter_party,
                   voter_strength, w_dist, w_party):
    us = []
    for k in range(n_k):
        dx = float(voter_xy[i, 0]) - float(cand_xy[k0 + k, 0])
        dy = float(voter_xy[i, 1]) - float(cand_xy[k0 + k, 1])
        u = float(cand_valence[k0 + k]) - w_dist * (dx * dx + dy * dy)
        if voter_party[i] >= 0 and voter_party[i] == cand_party[k0 + k]:
            u += w_party * float(voter_strength[i])
        us.append(u)
    return us


def logit_weights(util, alive, noise):
    live = [j for j in range(len(util)) if alive[j]]
    w = [0.0] * len(util)
    if not live:
        return w
    top = max(util[j] for j in live)
    best = next(j for j in live if util[j] == top)
    for j in live:
        if noise > 0.0:
            w[j] = math.exp((util[j] - top) / noise)
    if noise <= 0.0:
        w[best] = 1.0
    return w


def pick_option(util, weight, alive, draw):
    """Pick among alive options by cumulative weights; -1 if none."""
    live = [j for j in range(len(util)) if alive[j]]
    if not live:
        return -1
    total = 0.0
    for j in live:
        total += weight[j]
    best = max(live, key=lambda j: (util[j], -j))
    if total <= 0.0:
        return best
    target = draw * total
    acc = 0.0
    for j in live:
        acc += weight[j]
        if acc > target:
            return j
    return live[-1]


def first_preferences(starts, stops, cand_start, ranking, voted):
    """Votes per candidate, "against all" and ballots cast, from each voter's first
    ranked slot (an empty ranking of a voter who voted is "against all")."""
    votes = np.zeros(int(cand_start[-1]), dtype=np.int64)
    against = np.zeros(len(starts), dtype=np.int64)
    ballots = np.zeros(len(starts), dtype=np.int64)
    for c in range(len(starts)):
        for i in range(int(starts[c]), int(stops[c])):
            if not voted[i]:
                continue
            ballots[c] += 1
            if ranking[i, 0] < 0:
                against[c] += 1
            else:
                votes[int(cand_start[c]) + int(ranking[i, 0])] += 1
    return votes, against, ballots


def unit_median(starts, stops, voter_xy, max_sample=1 << 62):
    out = np.full((len(starts), 2), np.nan)
    for u in range(len(starts)):
        s, e = int(starts[u]), int(stops[u])
        stride = -(-(e - s) // max_sample) if e - s > max_sample else 1
        if e > s:
            for d in range(2):
                col = sorted(float(voter_xy[i, d]) for i in range(s, e, stride))
                m = len(col)
                out[u, d] = col[m // 2] if m % 2 else (col[m // 2 - 1] + col[m // 2]) / 2
    return out


def normal_pair(key: int, row: int, channel: int) -> tuple[float, float]:
    radius = math.sqrt(-2.0 * math.log(uniform01(key, row, channel)))
    angle = 2.0 * math.pi * uniform01(key, row, channel + 1)
    return radius * math.cos(angle), radius * math.sin(angle)


def normal_quantile(p: float) -> float:
    """Acklam's approximation of the standard normal quantile, in plain Python."""
    if p < 0.02425 or p > 1.0 - 0.02425:
        q = math.sqrt(-2.0 * math.log(p if p < 0.02425 else 1.0 - p))
        num = (((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5])
        z = num / ((((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1.0)
        return z if p < 0.02425 else -z
    q = p - 0.5
    r = q * q
    num = (((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q
    return num / (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0)


def normal01(key: int, row: int, channel: int) -> float:
    return normal_quantile(uniform01(key, row, channel))


def voters(unit_start, unit_count, unit_mean, unit_shift, party_cum, party_xy, params, key, n):
    voter_sd, pull, s_mu, s_sd, t_mu, t_sd = (float(p) for p in params)
    xy = np.zeros((n, 2), dtype=np.float32)
    party = np.zeros(n, dtype=np.int8)
    strength = np.zeros(n, dtype=np.float32)
    logit = np.zeros(n, dtype=np.float32)
    for u in range(len(unit_start)):
        for i in range(int(unit_start[u]), int(unit_start[u] + unit_count[u])):
            zx, zy = normal01(key, i, 1), normal01(key, i, 2)
            zs, zt = normal01(key, i, 3), normal01(key, i, 4)
            x = float(unit_mean[u, 0]) + voter_sd * zx
            y = float(unit_mean[u, 1]) + voter_sd * zy
            draw = uniform01(key, i, 5)
            p = next((j for j in range(len(party_cum)) if draw < party_cum[j]), -1)
            s = 0.0
            if p >= 0:
                x = (1.0 - pull) * x + pull * float(party_xy[p, 0])
                y = (1.0 - pull) * y + pull * float(party_xy[p, 1])
                s = 1.0 / (1.0 + math.exp(-(s_mu + s_sd * zs)))
            xy[i] = (x, y)
            party[i] = p
            strength[i] = s
            logit[i] = t_mu + t_sd * zt + float(unit_shift[u])
    return xy, party, strength, logit


# ---------------------------------------------------------------------------
# voting rules, one contest at a time, from plain lists

LOT_CHANNEL = 0x10715
RUNOFF_CHANNEL = 0xFFFE


def lots(key: int, k: int) -> list[float]:
    return [uniform01(key, s, LOT_CHANNEL) for s in range(k)]


def best(values, slots, key):
    """Largest value among slots; ties to the highest lot."""
    pr = lots(key, len(values))
    return max(slots, key=lambda s: (values[s], pr[s]))


def worst(values, slots, key):
    pr = lots(key, len(values))
    return min(slots, key=lambda s: (values[s], pr[s]))


def tie(values, slots, chosen, rnd, stage):
    """The tie record (round, stage, tied slots, chosen) when ``chosen`` shares its value
    with another of ``slots``, else None."""
    tied = tuple(s for s in sorted(slots) if values[s] == values[chosen])
    return (rnd, stage, tied, chosen) if len(tied) > 1 else None


def kept(*ties):
    return [t for t in ties if t is not None]


def first_counts(rows, k):
    votes = [0] * k
    against = 0
    for row in rows:
        if row and row[0] >= 0:
            votes[row[0]] += 1
        else:
            against += 1
    return votes, against


def highest(scores, k, key):
    """The highest score wins, ties by lot: (winner, rounds, ties)."""
    w = best(scores, range(k), key)
    return w, [scores], kept(tie(scores, range(k), w, 1, "winner"))


def plurality(rows, k, key):
    votes, _ = first_counts(rows, k)
    return highest(votes, k, key)


def instant_runoff(rows, k, key):
    active = set(range(k))
    rounds, ties = [], []
    while True:
        votes = [0] * k
        for row in rows:
            top = next((s for s in row if s >= 0 and s in active), None)
            if top is not None:
                votes[top] += 1
        rounds.append(votes)
        leader = best(votes, sorted(active), key)
        if len(active) == 1 or 2 * votes[leader] > sum(votes):
            return leader, rounds, kept(*ties, tie(votes, active, leader, len(rounds), "winner"))
        gone = worst(votes, sorted(active), key)
        ties.append(tie(votes, active, gone, len(rounds), "eliminated"))
        active.discard(gone)


def two_round(rows, k, key, voter_key, rows_index, threshold, runoff_turnout):
    votes, _ = first_counts(rows, k)
    a = best(votes, range(k), key)
    if k == 1 or votes[a] > threshold * len(rows):
        return a, [votes], kept(tie(votes, range(k), a, 1, "winner"))
    rest = [s for s in range(k) if s != a]
    b = best(votes, rest, key)
    final = [0] * k
    for row, i in zip(rows, rows_index, strict=False):
        if uniform01(voter_key, i, RUNOFF_CHANNEL) >= runoff_turnout:
            continue
        pick = next((s for s in row if s in (a, b)), None)
        if pick is not None:
            final[pick] += 1
    w = best(final, [a, b], key)
    return w, [votes, final], kept(tie(votes, range(k), a, 1, "first_place"),
                                   tie(votes, rest, b, 1, "second_place"),
                                   tie(final, [a, b], w, 2, "winner"))


def borda(rows, k, key):
    scores = [0] * k
    for row in rows:
        for r, s in enumerate(x for x in row if x >= 0):
            scores[s] += k - 1 - r
    return highest(scores, k, key)


def pairwise(rows, k):
    m = [[0] * k for _ in range(k)]
    for row in rows:
        ranked = [s for s in row if s >= 0]
        pos = {s: r for r, s in enumerate(ranked)}
        for a in range(k):
            for b in range(k):
                if pos.get(a, k + 1) < pos.get(b, k + 1):
                    m[a][b] += 1
    return m


def copeland(rows, k, key, fallback=True):
    m = pairwise(rows, k)
    scores = [sum(2 if m[a][b] > m[b][a] else 1 if m[a][b] == m[b][a] else 0
                  for b in range(k) if b != a) for a in range(k)]
    for a in range(k):
        if all(m[a][b] > m[b][a] for b in range(k) if b != a):
            return a, [scores], []
    if not fallback:
        return -1, [scores], []
    return highest(scores, k, key)


def approval(masks, k, key):
    counts = [sum(1 for m in masks if m >> s & 1) for s in range(k)]
    return highest(counts, k, key)


def rank(starts, stops, cand_start, cand_xy, cand_valence, cand_party, voter_xy, voter_party,
         voter_strength, voted, weights, keys, n, depth):
    w_dist, w_party, noise, against_u = (float(w) for w in weights)
    out = np.full((n, depth), -1, dtype=np.int8)
    for c in range(len(starts)):
        k0, k1 = int(cand_start[c]), int(cand_start[c + 1])
        for i in range(int(starts[c]), int(stops[c])):
            if not voted[i]:
                continue
            util = [against_u if math.isfinite(against_u) else 0.0, *base_utilities(
                i, k0, k1 - k0, cand_xy, cand_valence, cand_party, voter_xy, voter_party,
                voter_strength, w_dist, w_party)]
            alive = [math.isfinite(against_u), *([True] * (k1 - k0))]
            weight = logit_weights(util, alive, noise)
            for r in range(min(depth, k1 - k0)):
                j = pick_option(util, weight, alive, uniform01(int(keys[c]), i, r))
                if j <= 0:
                    break
                out[i, r] = j - 1
                alive[j] = False
    return out


def approve(starts, stops, cand_start, cand_xy, cand_valence, cand_party, voter_xy,
            voter_party, voter_strength, voted, weights, keys, margin, n):
    """Approve the first of the ranking and every ranked candidate within margin of it."""
    w_dist, w_party, noise, against_u = (float(w) for w in weights)
    out = np.zeros(n, dtype=np.uint32)
    for c in range(len(starts)):
        k0, k1 = int(cand_start[c]), int(cand_start[c + 1])
        for i in range(int(starts[c]), int(stops[c])):
            if not voted[i]:
                continue
            util = [against_u if math.isfinite(against_u) else 0.0, *base_utilities(
                i, k0, k1 - k0, cand_xy, cand_valence, cand_party, voter_xy, voter_party,
                voter_strength, w_dist, w_party)]
            alive = [math.isfinite(against_u), *([True] * (k1 - k0))]
            weight = logit_weights(util, alive, noise)
            ranked = []
            for r in range(k1 - k0):
                j = pick_option(util, weight, alive, uniform01(int(keys[c]), i, r))
                if j <= 0:
                    break
                ranked.append(j)
                alive[j] = False
            if ranked:
                first = util[ranked[0]]
                out[i] = sum(1 << (j - 1) for r, j in enumerate(ranked)
                             if r == 0 or util[j] >= first - margin)
    return out


def learn(starts, stops, cand_start, cand_xy, cand_valence, cand_party, voter_xy, voter_party,
          voter_strength, w_dist, w_party, voted, winner, rule, logit, aspiration):
    """Turnout learning (aspiration_kernel): new (logit, aspiration) as float32 arrays."""
    rate, habit, memory, cost = (float(r) for r in rule)
    logit = np.array(logit, dtype=np.float32)
    aspiration = np.array(aspiration, dtype=np.float32)
    for c in range(len(starts)):
        w = int(winner[c])
        if w < 0:
            continue
        k0, k1 = int(cand_start[c]), int(cand_start[c + 1])
        for i in range(int(starts[c]), int(stops[c])):
            us = base_utilities(i, k0, k1 - k0, cand_xy, cand_valence, cand_party, voter_xy,
                                voter_party, voter_strength, w_dist, w_party)
            best = us.index(max(us)) if us else -1
            did = float(voted[i])
            payoff = (1.0 if best == w else 0.0) - cost * did
            a = float(aspiration[i])
            p = 1.0 / (1.0 + math.exp(-float(logit[i])))
            p = p + rate * (1.0 - p) if (did > 0) == (payoff >= a) else p - rate * p
            p = p + habit * (did - p)
            p = min(max(p, 0.001), 0.999)
            logit[i] = np.float32(math.log(p / (1.0 - p)))
            aspiration[i] = np.float32(memory * a + (1.0 - memory) * payoff)
    return logit, aspiration

"""Counting kernels: the voting rules' per-voter work over the ballots of a batch.

Each loops over the contests of a :class:`~akimsim.kernels.layout.ContestBatch` with
``prange`` and writes only its own contest's cells. Ties are settled by each candidate's
lot priority (:func:`akimsim.kernels.rng.lot_priority`, keyed by ``lot_keys[c]``), and
the kernels that settle ties themselves (instant runoff, two-round) also say which
candidates were tied, so the wrappers never derive ties again. Slow twins:
``tests/naive.py``.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from akimsim.kernels._jit import helper, kernel
from akimsim.kernels.layout import FIRST_PLACE, RUNOFF, SECOND_PLACE, slots_of
from akimsim.kernels.rng import RUNOFF_CHANNEL, lot_priority, uniform01


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


@helper
def mark_tied(values, active, chosen, n_tied, out):  # type: ignore[no-untyped-def]
    """When ``n_tied`` > 1, set ``out[k]`` for the active slots whose value equals the
    chosen slot's (the candidates the lot decided between)."""
    if n_tied > 1:
        for k in range(values.shape[0]):
            out[k] = active[k] and values[k] == values[chosen]


@kernel
def first_preference_kernel(batch, ranking, voted, out):  # type: ignore[no-untyped-def]
    """Plurality count of first preferences.

    batch: ContestBatch; ranking: int8[N, R]; voted: uint8[N]; out: VoteCounts.blank(batch).
    A voter who voted with an empty ranking counts as "against all".
    """
    # the arrays written, taken out of the tuple before the loop (see kernels.layout)
    votes = out.votes
    against_all = out.against_all
    ballots = out.ballots
    for c in prange(batch.starts.shape[0]):
        k0, n_k = slots_of(batch, c)
        # four interleaved histograms; column 0 abstained, 1 against all, 2.. slots
        local = np.zeros((4, n_k + 2), dtype=np.int64)
        for i in range(batch.starts[c], batch.stops[c]):
            local[i & 3, (ranking[i, 0] + 2) * voted[i]] += 1
        total = local[0] + local[1] + local[2] + local[3]
        against_all[c] = total[1]
        ballots[c] = (batch.stops[c] - batch.starts[c]) - total[0]
        for k in range(n_k):
            votes[k0 + k] = total[k + 2]


@kernel
def irv_kernel(batch, ranking, voted, out):  # type: ignore[no-untyped-def]
    """Instant runoff: count each ballot for its highest-ranked continuing candidate;
    a candidate with more than half of the continuing ballots wins; otherwise the
    candidate with fewest votes (ties: lowest lot priority) is eliminated.

    batch: ContestBatch; ranking: int8[N, R]; voted: uint8[N]; out: IrvCounts.blank(batch).
    """
    # the arrays written, taken out of the tuple before the loop (see kernels.layout)
    counts = out.counts
    exhausted = out.exhausted
    eliminated = out.eliminated
    tied = out.tied
    n_rounds = out.n_rounds
    winner = out.winner
    depth = ranking.shape[1]
    for c in prange(batch.starts.shape[0]):
        _, n_k = slots_of(batch, c)
        key = batch.lot_keys[c]
        if n_k == 0:
            continue
        active = np.ones(n_k, dtype=np.bool_)
        local = np.zeros(n_k, dtype=np.int64)
        n_active = n_k
        s0 = batch.starts[c]
        # where each ballot stands: its column in the ranking (-1 exhausted, -2 abstained)
        at = np.empty(batch.stops[c] - s0, dtype=np.int8)
        exh = 0
        for i in range(s0, batch.stops[c]):
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
                for i in range(s0, batch.stops[c]):
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
            best, n_best = best_of(local, active, key)
            if n_active == 1 or 2 * local[best] > continuing:
                winner[c] = best
                mark_tied(local, active, best, n_best, tied[c, rnd])
                break
            worst, n_worst = worst_of(local, active, key)
            mark_tied(local, active, worst, n_worst, tied[c, rnd])
            active[worst] = False
            eliminated[c, rnd] = worst
            n_active -= 1


@kernel
def two_round_kernel(batch, ranking, voted, rule, out):  # type: ignore[no-untyped-def]
    """Two-round majority: a candidate with more than ``rule.threshold`` of the
    first-round ballots wins; otherwise the two best-placed (ties by lot) meet in a
    runoff, where each first-round voter returns with probability
    ``rule.runoff_turnout`` (a draw keyed by ``keys[c]``) and votes for whichever
    finalist the ballot ranks higher, or for neither (counted in ``against``). Most
    runoff votes win; a tie goes by lot.

    batch: ContestBatch; ranking: int8[N, R]; voted: uint8[N]; rule: RunoffRule;
    out: TwoRoundCounts.blank(batch).
    """
    # the arrays written, taken out of the tuple before the loop (see kernels.layout)
    counts = out.counts
    against = out.against
    ballots = out.ballots
    finalists = out.finalists
    tied = out.tied
    n_rounds = out.n_rounds
    winner = out.winner
    depth = ranking.shape[1]
    for c in prange(batch.starts.shape[0]):
        _, n_k = slots_of(batch, c)
        key = batch.lot_keys[c]
        if n_k == 0:
            continue
        local = np.zeros(n_k, dtype=np.int64)
        cast = 0
        none = 0
        for i in range(batch.starts[c], batch.stops[c]):
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
        first, n_first = best_of(local, active, key)
        mark_tied(local, active, first, n_first, tied[c, FIRST_PLACE])
        if n_k == 1 or local[first] > rule.threshold * cast:
            winner[c] = first
            continue
        active[first] = False
        second, n_second = best_of(local, active, key)
        mark_tied(local, active, second, n_second, tied[c, SECOND_PLACE])
        finalists[c, 0] = first
        finalists[c, 1] = second
        pair = np.zeros(2, dtype=np.int64)
        cast2 = 0
        none2 = 0
        for i in range(batch.starts[c], batch.stops[c]):
            if voted[i] == 0 or uniform01(batch.keys[c], i, RUNOFF_CHANNEL) \
                    >= rule.runoff_turnout:
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
        w, n_w = best_of(final, both, key)
        winner[c] = w
        mark_tied(final, both, w, n_w, tied[c, RUNOFF])


@kernel
def borda_kernel(batch, ranking, voted, scores):  # type: ignore[no-untyped-def]
    """Borda scores: a candidate ranked r-th (from 0) of K gets K - 1 - r points;
    unranked candidates get none. scores: int64[K] zeroed."""
    depth = ranking.shape[1]
    for c in prange(batch.starts.shape[0]):
        k0, n_k = slots_of(batch, c)
        local = np.zeros(max(n_k, 1), dtype=np.int64)
        for i in range(batch.starts[c], batch.stops[c]):
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
def pairwise_kernel(batch, ranking, voted, out):  # type: ignore[no-untyped-def]
    """Pairwise majorities: out[c, a, b] counts ballots ranking a above b (a ranked
    candidate is above every unranked one). out: int64[C, Kmax, Kmax] zeroed."""
    depth = ranking.shape[1]
    for c in prange(batch.starts.shape[0]):
        _, n_k = slots_of(batch, c)
        if n_k == 0:
            continue
        pos = np.empty(n_k, dtype=np.int64)
        local = np.zeros((n_k, n_k), dtype=np.int64)
        for i in range(batch.starts[c], batch.stops[c]):
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
def approval_tally_kernel(batch, approvals, voted, out):  # type: ignore[no-untyped-def]
    """Approvals per candidate: approvals uint32[N] bit masks; out: VoteCounts.blank(batch)
    (``votes`` approvals per candidate, ``against_all`` ballots approving nobody,
    ``ballots`` cast)."""
    # the arrays written, taken out of the tuple before the loop (see kernels.layout)
    votes = out.votes
    against_all = out.against_all
    ballots = out.ballots
    for c in prange(batch.starts.shape[0]):
        k0, n_k = slots_of(batch, c)
        local = np.zeros(max(n_k, 1), dtype=np.int64)
        none = 0
        cast = 0
        for i in range(batch.starts[c], batch.stops[c]):
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
        against_all[c] = none
        ballots[c] = cast
        for k in range(n_k):
            votes[k0 + k] = local[k]

"""Kernel benchmarks of akimsim on the real national electorate (about 12 million voters).

Run from the repository root::

    .venv/bin/python benchmarks/bench_kernels.py [--repeats 7] \
        [--out benchmarks/results/kernels.json]
    .venv/bin/python benchmarks/bench_kernels.py --quick      # 1/20 of the voters, a smoke test

For every kernel of :mod:`akimsim.kernels` that a model run calls (and a few composites
and public wrappers) it reports, in one run: the first call (compile + run) and the
median, min and max of ``--repeats`` calls after it, under ``balanced()`` as the package
calls them; the speed-up over a vectorised NumPy reference that computes the same result
(checked equal, bit for bit where the kernel draws random numbers); the ratio to a
memory-bandwidth bound (bytes the kernel must move / a streaming-read bandwidth measured
in the run); and the peak resident memory while the item ran. It also times the national
timeline and a warm-cache model start in subprocesses, and checks each target of the
issue.

Byte counts follow the arrays' layout: a kernel that reads column 0 of the row-major
int8 ``ranking[N, R]`` is charged the whole row, because memory moves in cache lines.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numba
import numpy as np
from numba import prange

ROOT = Path(__file__).resolve().parents[1]
GB = 1e9
MB = 1e6

# --------------------------------------------------------------------------------------
# the counter-based generator of akimsim.kernels.rng, ported to NumPy uint64 arrays
# (uint64 array arithmetic wraps modulo 2**64, as in the kernels); the channels are
# checked against akimsim.kernels.rng at the start of the run

_MASK = (1 << 64) - 1
_GOLDEN_I = 0x9E3779B97F4A7C15
_C3_I = 0xD1B54A32D192ED03
GOLDEN = np.uint64(_GOLDEN_I)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
TWO_M53 = 1.0 / 9007199254740992.0
TURNOUT_CHANNEL = 0xFFFF
RUNOFF_CHANNEL = 0xFFFE
LOT_CHANNEL = 0x10715
RANK_PICK = 0  # the r-th pick of a ranking draws on channel RANK_PICK + r
VOTER_POSITION = 1  # and VOTER_POSITION + 1
VOTER_TRAITS = 3  # and VOTER_TRAITS + 1
VOTER_PARTY = 5


def np_mix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser, in place on a uint64 array."""
    z ^= z >> np.uint64(30)
    z *= M1
    z ^= z >> np.uint64(27)
    z *= M2
    z ^= z >> np.uint64(31)
    return z


def np_normal_quantile(p: np.ndarray) -> np.ndarray:
    """kernels.rng.normal_quantile (Acklam's approximation) elementwise, with the same
    operations in the same order."""
    from akimsim.kernels.rng import _A, _B, _C, _D, _P_LOW

    out = np.empty_like(p)
    tail = (p < _P_LOW) | (p > 1.0 - _P_LOW)
    mid = ~tail
    q = p[mid] - 0.5
    r = q * q
    out[mid] = ((((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q
                / (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0))
    pt = p[tail]
    low = pt < _P_LOW
    qt = np.sqrt(-2.0 * np.log(np.where(low, pt, 1.0 - pt)))
    z = ((((((_C[0] * qt + _C[1]) * qt + _C[2]) * qt + _C[3]) * qt + _C[4]) * qt + _C[5])
         / ((((_D[0] * qt + _D[1]) * qt + _D[2]) * qt + _D[3]) * qt + 1.0))
    out[tail] = np.where(low, z, -z)
    return out


def np_uniform01(key: np.ndarray, row: np.ndarray, channel: int) -> np.ndarray:
    """uniform01(key, row, channel) elementwise; key and row uint64 arrays (broadcast)."""
    z = row * GOLDEN
    if z.shape == np.broadcast_shapes(z.shape, np.shape(key)):
        z += key
    else:
        z = z + key
    np_mix64(z)
    z ^= np.uint64((channel * _C3_I + _GOLDEN_I) & _MASK)
    np_mix64(z)
    z >>= np.uint64(11)
    u = z.astype(np.float64)
    u += 0.5
    u *= TWO_M53
    return u


def _stream_sum(a):  # type: ignore[no-untyped-def]
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i]
    return s


def measure_bandwidth(gigabytes: float, repeats: int) -> dict[str, Any]:
    """Streaming read (parallel Numba sum) and copy (np.copyto) on arrays of ``gigabytes``."""
    n = int(gigabytes * GB) // 8
    a = np.full(n, 1.0)
    b = np.zeros(n)
    _stream_sum(a[:1000])
    reads, copies = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        s = _stream_sum(a)
        reads.append(time.perf_counter() - t0)
        assert s == n
        t0 = time.perf_counter()
        np.copyto(b, a)
        copies.append(time.perf_counter() - t0)
    nbytes = a.nbytes
    del a, b
    gc.collect()
    return {
        "array_bytes": nbytes,
        "read_best_s": min(reads),
        "read_samples_s": reads,
        "read_GBps": nbytes / min(reads) / GB,
        "copy_best_s": min(copies),
        "copy_samples_s": copies,
        # bytes read + bytes written (write-allocate traffic not counted)
        "copy_GBps": 2 * nbytes / min(copies) / GB,
        "read_threads": numba.get_num_threads(),
        "copy_threads": 1,
    }


# --------------------------------------------------------------------------------------
# process memory


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


# --------------------------------------------------------------------------------------
# timing


def timed(fn: Callable[[], Any], repeats: int, *, warmup: bool = True) -> dict[str, Any]:
    """First call (compile + run) then ``repeats`` timed calls; peak RSS over the repeats."""
    first = None
    if warmup:
        t0 = time.perf_counter()
        fn()
        first = time.perf_counter() - t0
    gc.collect()
    base = _status_kb("VmRSS")
    can_reset = reset_peak_rss()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    peak = _status_kb("VmHWM")
    return {
        "first_call_s": first,
        "median_s": float(np.median(samples)),
        "min_s": min(samples),
        "max_s": max(samples),
        "samples_s": samples,
        "peak_rss_mb": peak * 1024 / MB,
        "baseline_rss_mb": base * 1024 / MB,
        "peak_delta_mb": (peak - base) * 1024 / MB,
        "peak_reset": can_reset,
    }


# --------------------------------------------------------------------------------------
# the data


@dataclass
class Setup:
    """The national electorate split into contests, with random candidates."""

    territory: Any
    pop: Any
    n: int
    starts: np.ndarray
    stops: np.ndarray
    cand_start: np.ndarray
    n_cand: np.ndarray
    cand_xy: np.ndarray
    cand_valence: np.ndarray
    cand_party: np.ndarray
    logit_shift: np.ndarray
    keys: np.ndarray
    lot_keys: np.ndarray
    weights: Any  # kernels.ChoiceWeights
    batch: Any  # kernels.ContestBatch of (starts, stops, cand_start, keys, lot_keys)
    cands: Any  # kernels.CandidateArrays of (cand_xy, cand_valence, cand_party)
    cov: np.ndarray  # int64[N] contest of each voter (precomputed layout for NumPy)
    kmax: int
    build_args: dict[str, Any]

    @property
    def c(self) -> int:
        return int(self.starts.shape[0])

    @property
    def k(self) -> int:
        return int(self.cand_start[-1])


def make_setup(scale: float, repeats: int) -> tuple[Setup, dict[str, Any]]:
    from akimsim.config import BehaviourConfig, RuleConfig, VoterBehaviour
    from akimsim.kernels import CandidateArrays, ChoiceWeights, ContestBatch
    from akimsim.streams import Streams
    from akimsim.world import build_population, load_territory_file

    timings: dict[str, Any] = {}
    t0 = time.perf_counter()
    territory = load_territory_file(scale=scale)
    timings["territory load"] = time.perf_counter() - t0
    behaviour = VoterBehaviour()
    parties = BehaviourConfig().parties

    def build() -> Any:
        return build_population(territory, behaviour, parties, Streams(0))

    pop_box: list[Any] = []

    def build_keep() -> None:
        pop_box.clear()
        pop_box.append(build())

    timings["population build"] = timed(build_keep, repeats)
    pop = pop_box[0]

    own = territory.own_voters > 0
    starts = territory.start[own].astype(np.int64)
    stops = starts + territory.own_voters[own].astype(np.int64)
    n = pop.n
    tiles = starts[0] == 0 and stops[-1] == n and np.array_equal(starts[1:], stops[:-1])
    assert tiles, "own-voter ranges should tile the electorate"
    c = starts.shape[0]
    rng = np.random.default_rng(0)
    n_cand = rng.integers(2, 7, size=c).astype(np.int64)
    k = int(n_cand.sum())
    cand_start = np.concatenate(([0], np.cumsum(n_cand))).astype(np.int64)
    cand_xy = rng.normal(0.0, 0.7, size=(k, 2))
    cand_valence = rng.normal(0.0, 0.5, size=k)
    cand_party = rng.integers(-1, 5, size=k).astype(np.int16)
    logit_shift = behaviour.salience_rural + behaviour.turnout_per_log_candidate * np.log(n_cand)
    state = np.random.SeedSequence(0).generate_state(2 * c, dtype=np.uint64)
    keys, lot_keys = state[:c].copy(), state[c:].copy()
    weights = ChoiceWeights(distance=1.0, party=1.0, noise=0.7, against_all=-1.6,
                            approval_margin=float(RuleConfig().approval_margin))
    cov = np.repeat(np.arange(c, dtype=np.int64), stops - starts)
    s = Setup(territory=territory, pop=pop, n=n, starts=starts, stops=stops,
              cand_start=cand_start, n_cand=n_cand, cand_xy=cand_xy,
              cand_valence=cand_valence, cand_party=cand_party,
              logit_shift=logit_shift.astype(np.float64), keys=keys, lot_keys=lot_keys,
              weights=weights,
              batch=ContestBatch(starts=starts, stops=stops, cand_start=cand_start, keys=keys,
                                 lot_keys=lot_keys),
              cands=CandidateArrays(xy=cand_xy, valence=cand_valence, party=cand_party),
              cov=cov, kmax=int(n_cand.max()),
              build_args={"behaviour": behaviour, "parties": parties})
    return s, timings


# --------------------------------------------------------------------------------------
# vectorised NumPy references (no Python loop over voters)


def np_turnout(s: Setup) -> np.ndarray:
    x = s.pop.turnout_logit.astype(np.float64)
    x += s.logit_shift[s.cov]
    np.negative(x, out=x)
    np.exp(x, out=x)
    x += 1.0
    p = np.divide(1.0, x, out=x)
    u = np_uniform01(s.keys[s.cov], np.arange(s.n, dtype=np.uint64), TURNOUT_CHANNEL)
    return (u < p).astype(np.uint8)


@dataclass
class VoterView:
    idx: np.ndarray
    cv: np.ndarray
    key: np.ndarray
    rows: np.ndarray
    vx: np.ndarray
    vy: np.ndarray
    vp: np.ndarray
    strength: np.ndarray
    nk: np.ndarray
    k0: np.ndarray


def voter_view(s: Setup, voted: np.ndarray) -> VoterView:
    """The voters who turned out, with their contest's data gathered per voter."""
    idx = np.flatnonzero(voted)
    cv = s.cov[idx]
    return VoterView(idx=idx, cv=cv, key=s.keys[cv], rows=idx.astype(np.uint64),
                     vx=s.pop.xy[idx, 0].astype(np.float64),
                     vy=s.pop.xy[idx, 1].astype(np.float64), vp=s.pop.party[idx],
                     strength=s.pop.strength[idx].astype(np.float64), nk=s.n_cand[cv],
                     k0=s.cand_start[cv])


def base_slot_utility(s: Setup, v: VoterView, k: int) -> np.ndarray:
    """kernels.ballots.base_utility of candidate slot ``k`` for every voter of the view
    (-inf past the voter's ballot)."""
    w_dist, w_party = s.weights.distance, s.weights.party
    cand = np.minimum(v.k0 + k, s.k - 1)
    dx = v.vx - s.cand_xy[cand, 0]
    dy = v.vy - s.cand_xy[cand, 1]
    u = s.cand_valence[cand] - w_dist * (dx * dx + dy * dy)
    match = (v.vp >= 0) & (v.vp == s.cand_party[cand])
    u = np.where(match, u + w_party * v.strength, u)
    u[k >= v.nk] = -np.inf
    return u


def logit_options(s: Setup, v: VoterView) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(util, weight, alive), each [Nv, Kmax + 1] with option 0 = "against all", as
    kernels.ballots.logit_weights fills them with every option alive."""
    against_u, noise = s.weights.against_all, s.weights.noise
    has_against = bool(np.isfinite(against_u))
    nv = v.idx.shape[0]
    util = np.empty((nv, s.kmax + 1))
    util[:, 0] = against_u if has_against else 0.0
    for k in range(s.kmax):
        util[:, k + 1] = base_slot_utility(s, v, k)
    alive = np.empty((nv, s.kmax + 1), dtype=bool)
    alive[:, 0] = has_against
    alive[:, 1:] = np.arange(s.kmax)[None, :] < v.nk[:, None]
    masked = np.where(alive, util, -np.inf)
    if noise > 0.0:
        top = masked.max(axis=1)
        weight = np.where(alive, np.exp((util - top[:, None]) / noise), 0.0)
    else:
        weight = np.zeros_like(util)
        weight[np.arange(nv), np.argmax(masked, axis=1)] = 1.0
        weight[~alive.any(axis=1)] = 0.0
    return util, weight, alive


def np_pick(util: np.ndarray, weight: np.ndarray, alive: np.ndarray, draw: np.ndarray
            ) -> np.ndarray:
    """kernels.ballots.pick_option row by row: the first alive option whose running sum of alive
    weights (in listing order) exceeds draw * total; the last alive option if none does;
    the best alive utility if the total is 0; -1 with nothing alive."""
    acc = np.cumsum(np.where(alive, weight, 0.0), axis=1)  # sequential, as the kernel adds
    total = acc[:, -1]
    hit = alive & (acc > (draw * total)[:, None])
    n_opt = alive.shape[1]
    last = n_opt - 1 - np.argmax(alive[:, ::-1], axis=1)
    pick = np.where(hit.any(axis=1), np.argmax(hit, axis=1), last)
    best = np.argmax(np.where(alive, util, -np.inf), axis=1)
    pick = np.where(total > 0.0, pick, best)
    return np.where(alive.any(axis=1), pick, -1)


def np_single_mark(s: Setup, voted: np.ndarray) -> np.ndarray:
    """rank_kernel at depth 1 (the single-mark ballot of a plurality round): a logit
    choice among "against all" and the candidates, by the uniform draw of channel
    RANK_PICK + 0. One 1-D array per option (faster than the [Nv, K + 1] form of
    :func:`np_rank`); that general form handles noise 0 and empty ballots. Returns
    int8[N, 1]: the candidate's slot, -1 for "against all" and for non-voters."""
    v = voter_view(s, voted)
    against_u, noise = s.weights.against_all, s.weights.noise
    has_against = bool(np.isfinite(against_u))
    if noise <= 0.0 or (v.nk.shape[0] and int(v.nk.min()) == 0):
        util, weight, alive = logit_options(s, v)
        pick = np_pick(util, weight, alive, np_uniform01(v.key, v.rows, RANK_PICK))
        out = np.full((s.n, 1), -1, dtype=np.int8)
        out[v.idx, 0] = np.where(pick <= 0, -1, pick - 1)
        return out
    nv = v.idx.shape[0]
    utils = [np.full(nv, against_u if has_against else -np.inf)]
    utils += [base_slot_utility(s, v, k) for k in range(s.kmax)]
    top = utils[0].copy()
    for u in utils[1:]:
        np.maximum(top, u, out=top)
    total = np.zeros(nv)
    weights = []
    for u in utils:  # exp((u - top) / noise); 0 for options off the ballot (u = -inf)
        w = u - top
        w /= noise
        np.exp(w, out=w)
        total += w
        weights.append(w)
    target = np_uniform01(v.key, v.rows, RANK_PICK)
    target *= total
    pick = np.full(nv, -1, dtype=np.int16)
    acc = np.zeros(nv)
    for j, w in enumerate(weights):  # running sum in listing order, as the kernel adds
        acc += w
        hit = acc > target
        hit &= pick < 0
        if j > 0:
            hit &= (j - 1) < v.nk
        elif not has_against:
            hit[:] = False
        pick[hit] = j
    pick = np.where(pick < 0, v.nk.astype(np.int16), pick)  # else the last option alive
    out = np.full((s.n, 1), -1, dtype=np.int8)
    out[v.idx, 0] = pick - 1  # option 0, "against all", ranks nobody: -1
    return out


def np_rank(s: Setup, voted: np.ndarray, depth: int) -> np.ndarray:
    """rank_kernel: Plackett-Luce orders, one pick per rank column (loop over ranks,
    vectorised over the voters still ranking)."""
    v = voter_view(s, voted)
    util, weight, alive = logit_options(s, v)
    ranked = np.full((v.idx.shape[0], depth), -1, dtype=np.int8)
    act = np.arange(v.idx.shape[0])
    for r in range(min(depth, s.kmax)):
        act = act[r < v.nk[act]]
        if act.shape[0] == 0:
            break
        pick = np_pick(util[act], weight[act], alive[act],
                       np_uniform01(v.key[act], v.rows[act], RANK_PICK + r))
        go = pick > 0
        act, pick = act[go], pick[go]
        ranked[act, r] = pick - 1
        alive[act, pick] = False
    out = np.full((s.n, depth), -1, dtype=np.int8)
    out[v.idx] = ranked
    return out


def np_approval(s: Setup, voted: np.ndarray, margin: float) -> np.ndarray:
    """approval_kernel: the rank_kernel order (same draws), cut at "against all";
    approve its first candidate and every ranked candidate whose deterministic
    utility is within ``margin`` of the first's."""
    v = voter_view(s, voted)
    util, weight, alive = logit_options(s, v)
    nv = v.idx.shape[0]
    mask = np.zeros(nv, dtype=np.uint32)
    first_u = np.zeros(nv)
    act = np.arange(nv)
    for r in range(s.kmax):
        act = act[r < v.nk[act]]
        if act.shape[0] == 0:
            break
        pick = np_pick(util[act], weight[act], alive[act],
                       np_uniform01(v.key[act], v.rows[act], RANK_PICK + r))
        go = pick > 0
        act, pick = act[go], pick[go]
        u = util[act, pick]
        if r == 0:
            first_u[act] = u
            ok = np.ones(act.shape[0], dtype=bool)
        else:
            ok = u >= first_u[act] - margin
        mask[act[ok]] |= np.uint32(1) << (pick[ok] - 1).astype(np.uint32)
        alive[act, pick] = False
    out = np.zeros(s.n, dtype=np.uint32)
    out[v.idx] = mask
    return out


def tally_codes(s: Setup, ranking: np.ndarray, voted: np.ndarray) -> np.ndarray:
    """Bin of every ballot: contest * (Kmax + 2) + mark + 2, where mark is the first
    preference (-1 for "against all") of a voter and -2 for a non-voter (0 abstained,
    1 against all)."""
    codes = s.cov * (s.kmax + 2)
    codes += np.where(voted == 1, ranking[:, 0], -2)
    codes += 2
    return codes


def unpack_counts(s: Setup, counts: np.ndarray) -> tuple[np.ndarray, ...]:
    """(votes int64[K], against int64[C], ballots int64[C]) from per-contest bins."""
    counts = counts.reshape(s.c, s.kmax + 2)
    slot = np.arange(s.k) - np.repeat(s.cand_start[:-1], s.n_cand)
    contest = np.repeat(np.arange(s.c), s.n_cand)
    votes = counts[contest, slot + 2]
    return votes, counts[:, 1].copy(), counts[:, 1:].sum(axis=1)


def np_tally_bincount(s: Setup, codes: np.ndarray) -> np.ndarray:
    return np.bincount(codes, minlength=s.c * (s.kmax + 2))


def np_first_preference(s: Setup, ranking: np.ndarray, voted: np.ndarray
                        ) -> tuple[np.ndarray, ...]:
    first = np.where(voted == 1, ranking[:, 0].astype(np.int64) + 2, 0)
    first += s.cov * (s.kmax + 2)
    return unpack_counts(s, np.bincount(first, minlength=s.c * (s.kmax + 2)))


def np_lots(s: Setup, kmax: int) -> np.ndarray:
    """lot_priority(lot_key[c], slot) as float64[C, kmax]."""
    return np_uniform01(s.lot_keys[:, None], np.arange(kmax, dtype=np.uint64)[None, :],
                        LOT_CHANNEL)


def np_best_of(values: np.ndarray, active: np.ndarray, lots: np.ndarray) -> np.ndarray:
    """Per row: the active slot with the largest value, ties to the highest lot; -1 if none."""
    top = np.where(active, values, np.iinfo(np.int64).min).max(axis=1)
    tied = active & (values == top[:, None])
    best = np.argmax(np.where(tied, lots, -np.inf), axis=1)
    return np.where(active.any(axis=1), best, -1)


def np_worst_of(values: np.ndarray, active: np.ndarray, lots: np.ndarray) -> np.ndarray:
    low = np.where(active, values, np.iinfo(np.int64).max).min(axis=1)
    tied = active & (values == low[:, None])
    worst = np.argmin(np.where(tied, lots, np.inf), axis=1)
    return np.where(active.any(axis=1), worst, -1)


def np_tied(values: np.ndarray, active: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """kernels.counts.mark_tied per row: the active slots whose value equals the chosen
    slot's, when there are at least two of them (else none); none where chosen is -1."""
    at = values[np.arange(values.shape[0]), np.maximum(chosen, 0)]
    tied = active & (values == at[:, None]) & (chosen >= 0)[:, None]
    tied &= (tied.sum(axis=1) > 1)[:, None]
    return tied


def np_irv(s: Setup, ranking: np.ndarray, voted: np.ndarray) -> dict[str, np.ndarray]:
    """Instant runoff, rounds vectorised across contests (loops: rounds, rank columns)."""
    c, kmax, depth = s.c, s.kmax, ranking.shape[1]
    ar = np.arange(c)
    lots = np_lots(s, kmax)
    counts = np.zeros((c, kmax, kmax), dtype=np.int64)
    exhausted = np.zeros((c, kmax), dtype=np.int64)
    eliminated = np.full((c, kmax), -1, dtype=np.int64)
    tied = np.zeros((c, kmax, kmax), dtype=bool)
    n_rounds = np.zeros(c, dtype=np.int64)
    winner = np.full(c, -1, dtype=np.int64)
    active = np.arange(kmax)[None, :] < s.n_cand[:, None]
    running = s.n_cand > 0
    idx = np.flatnonzero(voted)
    vc = s.cov[idx]
    rk = ranking[idx]
    for rnd in range(kmax):
        if not running.any():
            break
        keep = running[vc]
        if not keep.all():
            vc, rk = vc[keep], rk[keep]
        flat = active.ravel()
        base = vc * kmax
        top = np.full(vc.shape[0], -1, dtype=np.int64)
        stopped = np.zeros(vc.shape[0], dtype=bool)
        for r in range(depth):
            slot = rk[:, r].astype(np.int64)
            stopped |= slot < 0
            take = ~stopped & (top < 0) & flat[base + np.maximum(slot, 0)]
            top = np.where(take, slot, top)
        has = top >= 0
        local = np.bincount(np.where(has, base + top, 0), weights=has,
                            minlength=c * kmax).astype(np.int64).reshape(c, kmax)
        exh = np.bincount(vc, weights=~has, minlength=c).astype(np.int64)
        counts[running, rnd, :] = local[running]
        exhausted[running, rnd] = exh[running]
        n_rounds[running] = rnd + 1
        best = np_best_of(local, active, lots)
        continuing = local.sum(axis=1)
        won = running & ((active.sum(axis=1) == 1) | (2 * local[ar, np.maximum(best, 0)]
                                                     > continuing))
        winner[won] = best[won]
        tied[won, rnd] = np_tied(local, active, best)[won]
        out = running & ~won
        worst = np_worst_of(local, active, lots)
        tied[out, rnd] = np_tied(local, active, worst)[out]
        active[ar[out], worst[out]] = False
        eliminated[out, rnd] = worst[out]
        running = out
    return {"counts": counts, "exhausted": exhausted, "eliminated": eliminated,
            "tied": tied, "n_rounds": n_rounds, "winner": winner}


def np_two_round(s: Setup, ranking: np.ndarray, voted: np.ndarray, threshold: float,
                 runoff_turnout: float) -> dict[str, np.ndarray]:
    c, kmax, depth = s.c, s.kmax, ranking.shape[1]
    ar = np.arange(c)
    lots = np_lots(s, kmax)
    idx = np.flatnonzero(voted)
    vc = s.cov[idx]
    r0 = ranking[idx, 0].astype(np.int64)
    has = r0 >= 0
    first_counts = np.bincount(np.where(has, vc * kmax + r0, 0), weights=has,
                               minlength=c * kmax).astype(np.int64).reshape(c, kmax)
    none = np.bincount(vc, weights=~has, minlength=c).astype(np.int64)
    cast = np.bincount(vc, minlength=c).astype(np.int64)
    counts = np.zeros((c, 2, kmax), dtype=np.int64)
    against = np.zeros((c, 2), dtype=np.int64)
    ballots = np.zeros((c, 2), dtype=np.int64)
    finalists = np.full((c, 2), -1, dtype=np.int64)
    tied = np.zeros((c, 3, kmax), dtype=bool)  # first place, second place, runoff
    n_rounds = np.where(s.n_cand > 0, 1, 0).astype(np.int64)
    winner = np.full(c, -1, dtype=np.int64)
    present = s.n_cand > 0
    counts[:, 0, :] = np.where(present[:, None], first_counts, 0)
    against[:, 0] = np.where(present, none, 0)
    ballots[:, 0] = np.where(present, cast, 0)
    active = np.arange(kmax)[None, :] < s.n_cand[:, None]
    first = np_best_of(first_counts, active, lots)
    tied[present, 0] = np_tied(first_counts, active, first)[present]
    lead = first_counts[ar, np.maximum(first, 0)]
    decided = present & ((s.n_cand == 1) | (lead > threshold * cast))
    winner[decided] = first[decided]
    run = present & ~decided
    others = active.copy()
    others[ar, np.maximum(first, 0)] = False
    second = np_best_of(first_counts, others, lots)
    tied[run, 1] = np_tied(first_counts, others, second)[run]
    finalists[run, 0] = first[run]
    finalists[run, 1] = second[run]
    sel = run[vc]
    idx2, vc2 = idx[sel], vc[sel]
    back = np_uniform01(s.keys[vc2], idx2.astype(np.uint64), RUNOFF_CHANNEL) < runoff_turnout
    idx2, vc2 = idx2[back], vc2[back]
    rk = ranking[idx2]
    a, b = first[vc2], second[vc2]
    pick = np.full(idx2.shape[0], -1, dtype=np.int64)
    stopped = np.zeros(idx2.shape[0], dtype=bool)
    for r in range(depth):
        slot = rk[:, r].astype(np.int64)
        stopped |= slot < 0
        open_ = ~stopped & (pick < 0)
        pick = np.where(open_ & (slot == a), 0, pick)
        pick = np.where(open_ & (slot == b), 1, pick)
    got = pick >= 0
    pair = np.bincount(np.where(got, vc2 * 2 + pick, 0), weights=got,
                       minlength=2 * c).astype(np.int64).reshape(c, 2)
    none2 = np.bincount(vc2, weights=~got, minlength=c).astype(np.int64)
    cast2 = np.bincount(vc2, minlength=c).astype(np.int64)
    rr = ar[run]
    counts[rr, 1, first[run]] = pair[run, 0]
    counts[rr, 1, second[run]] = pair[run, 1]
    against[run, 1] = none2[run]
    ballots[run, 1] = cast2[run]
    n_rounds[run] = 2
    final = np.zeros((c, kmax), dtype=np.int64)
    both = np.zeros((c, kmax), dtype=bool)
    final[rr, first[run]] = pair[run, 0]
    final[rr, second[run]] = pair[run, 1]
    both[rr, first[run]] = True
    both[rr, second[run]] = True
    w = np_best_of(final, both, lots)
    winner[run] = w[run]
    tied[run, 2] = np_tied(final, both, w)[run]
    return {"counts": counts, "against": against, "ballots": ballots,
            "finalists": finalists, "tied": tied, "n_rounds": n_rounds, "winner": winner}


def np_borda(s: Setup, ranking: np.ndarray, voted: np.ndarray) -> np.ndarray:
    depth = ranking.shape[1]
    idx = np.flatnonzero(voted)
    vc = s.cov[idx]
    nk = s.n_cand[vc]
    base = s.cand_start[vc]
    scores = np.zeros(s.k)
    stopped = np.zeros(idx.shape[0], dtype=bool)
    for r in range(min(depth, s.kmax)):
        slot = ranking[idx, r].astype(np.int64)
        stopped |= slot < 0
        ok = ~stopped & (r < nk)
        scores += np.bincount(np.where(ok, base + slot, 0), weights=np.where(ok, nk - 1 - r, 0),
                              minlength=s.k)
    return scores.astype(np.int64)


def segment_sum(s: Setup, x: np.ndarray) -> np.ndarray:
    """Per-contest sums of a per-voter array (contests tile the voters in order)."""
    return np.add.reduceat(x, s.starts, dtype=np.int64)


def np_pairwise(s: Setup, ranking: np.ndarray, voted: np.ndarray) -> np.ndarray:
    kmax, depth = s.kmax, ranking.shape[1]
    pos = np.full((s.n, kmax), depth + 1, dtype=np.int8)
    rows = np.arange(s.n)
    stopped = voted == 0
    for r in range(min(depth, kmax)):
        slot = ranking[:, r].astype(np.int64)
        stopped |= slot < 0
        ok = ~stopped
        pos[rows[ok], slot[ok]] = r
    out = np.zeros((s.c, kmax, kmax), dtype=np.int64)
    for a in range(kmax):
        for b in range(kmax):
            if a != b:
                out[:, a, b] = segment_sum(s, pos[:, a] < pos[:, b])
    valid = np.arange(kmax)[None, :] < s.n_cand[:, None]
    out[~(valid[:, :, None] & valid[:, None, :])] = 0
    return out


def np_approval_tally(s: Setup, approvals: np.ndarray, voted: np.ndarray
                      ) -> tuple[np.ndarray, ...]:
    v = voted == 1
    per_slot = np.zeros((s.c, s.kmax), dtype=np.int64)
    for k in range(s.kmax):
        per_slot[:, k] = segment_sum(s, v & ((approvals >> np.uint32(k)) & np.uint32(1) == 1))
    slot = np.arange(s.k) - np.repeat(s.cand_start[:-1], s.n_cand)
    contest = np.repeat(np.arange(s.c), s.n_cand)
    return (per_slot[contest, slot], segment_sum(s, v & (approvals == 0)), segment_sum(s, v))


def np_voters(territory: Any, args: dict[str, Any]) -> tuple[np.ndarray, ...]:
    """voters_kernel, vectorised over all voters (rows tile the own-voter ranges)."""
    home = np.repeat(np.arange(territory.n_units), territory.own_voters)
    n = home.shape[0]
    rows = np.arange(n, dtype=np.uint64)
    key = np.uint64(args["key"])
    voter_sd, pull, s_mu, s_sd, t_mu, t_sd = (float(p) for p in args["params"])

    def normal01(channel: int) -> np.ndarray:
        return np_normal_quantile(np_uniform01(key, rows, channel))

    zx, zy = normal01(VOTER_POSITION), normal01(VOTER_POSITION + 1)
    zs, zt = normal01(VOTER_TRAITS), normal01(VOTER_TRAITS + 1)
    mean = args["unit_mean"]
    x = mean[home, 0] + voter_sd * zx
    y = mean[home, 1] + voter_sd * zy
    draw = np_uniform01(key, rows, VOTER_PARTY)
    cum = args["party_cum"]
    party = np.searchsorted(cum, draw, side="right")
    party = np.where(party >= cum.shape[0], -1, party)
    att = party >= 0
    pxy = args["party_xy"][np.maximum(party, 0)]
    x = np.where(att, (1.0 - pull) * x + pull * pxy[:, 0], x)
    y = np.where(att, (1.0 - pull) * y + pull * pxy[:, 1], y)
    strength = np.where(att, 1.0 / (1.0 + np.exp(-(s_mu + s_sd * zs))), 0.0)
    logit = t_mu + t_sd * zt + args["unit_shift"][home]
    return (np.stack([x, y], axis=1).astype(np.float32), party.astype(np.int8),
            strength.astype(np.float32), logit.astype(np.float32))


def np_party_count(territory: Any, party: np.ndarray, n_parties: int) -> np.ndarray:
    """party_count_kernel: voters of each party (last column unattached) among each
    unit's own voters, one bincount over (home unit, party) codes."""
    home = np.repeat(np.arange(territory.n_units, dtype=np.int64), territory.own_voters)
    codes = home * (n_parties + 1)
    codes += np.where(party < 0, n_parties, party)
    return np.bincount(codes, minlength=territory.n_units * (n_parties + 1)).reshape(
        territory.n_units, n_parties + 1)


def _sortable(x: np.ndarray) -> np.ndarray:
    """float32 -> uint32 whose unsigned order is the float order (no NaN)."""
    bits = x.view(np.uint32)
    neg = (bits >> np.uint32(31)).astype(bool)
    return np.where(neg, ~bits, bits | np.uint32(0x80000000)).astype(np.uint64)


def _unsortable(u: np.ndarray) -> np.ndarray:
    u = u.astype(np.uint32)
    pos = (u >> np.uint32(31)).astype(bool)
    return np.where(pos, u & np.uint32(0x7FFFFFFF), ~u).view(np.float32)


def np_unit_median(territory: Any, xy: np.ndarray, max_sample: int | None) -> np.ndarray:
    """Median of each unit's subtree (of every stride-th voter above ``max_sample``), tier
    by tier (ranges of one tier are disjoint): sort (unit, value) keys once per tier and
    coordinate."""
    out = np.full((territory.n_units, 2), np.nan)
    for tier in (0, 1, 2):
        units = np.flatnonzero((territory.tier == tier) & (territory.stop > territory.start))
        if units.shape[0] == 0:
            continue
        st, full = territory.start[units], territory.stop[units] - territory.start[units]
        stride = np.ones_like(full)
        if max_sample is not None:
            big = full > max_sample
            stride[big] = -(-full[big] // max_sample)
        lengths = -(-full // stride)
        off = np.concatenate(([0], np.cumsum(lengths)))
        j = np.arange(off[-1]) - np.repeat(off[:-1], lengths)
        rows = np.repeat(st, lengths) + j * np.repeat(stride, lengths)
        seg = np.repeat(np.arange(units.shape[0], dtype=np.uint64), lengths)
        for d in range(2):
            keyed = np.sort((seg << np.uint64(32)) | _sortable(xy[rows, d]))
            vals = _unsortable(keyed & np.uint64(0xFFFFFFFF)).astype(np.float64)
            upper = vals[off[:-1] + lengths // 2]
            lower = vals[off[:-1] + np.maximum(lengths // 2 - 1, 0)]
            out[units, d] = np.where(lengths % 2 == 1, upper, 0.5 * (lower + upper))
    return out


# --------------------------------------------------------------------------------------
# agreement checks


def compare(kernel_out: Any, ref_out: Any) -> dict[str, Any]:
    """Exact comparison of arrays (or tuples/dicts of arrays)."""
    if isinstance(kernel_out, dict):
        parts = {k: compare(kernel_out[k], ref_out[k]) for k in kernel_out}
        bad = [k for k, v in parts.items() if not v["equal"]]
        return {"equal": not bad, "detail": "; ".join(f"{k}: {parts[k]['detail']}" for k in bad)}
    if isinstance(kernel_out, tuple):
        return compare({str(i): a for i, a in enumerate(kernel_out)},
                       {str(i): a for i, a in enumerate(ref_out)})
    a, b = np.asarray(kernel_out), np.asarray(ref_out)
    if a.shape != b.shape:
        return {"equal": False, "detail": f"shape {a.shape} vs {b.shape}"}
    same = a == b
    if a.dtype.kind == "f":
        same |= np.isnan(a) & np.isnan(b)
    diff = ~same
    n_bad = int(diff.sum())
    if n_bad == 0:
        return {"equal": True, "detail": ""}
    first = np.argwhere(diff)[0].tolist()
    detail = (f"{n_bad} of {a.size} elements differ; first at {first}: kernel "
              f"{a[tuple(first)]!r} vs numpy {b[tuple(first)]!r}")
    if a.dtype.kind == "f":
        detail += f"; max abs diff {float(np.nanmax(np.abs(a.astype(float) - b))):.3g}"
    return {"equal": False, "detail": detail}


# --------------------------------------------------------------------------------------
# subprocess measurements


def _wait_with_rusage(proc: subprocess.Popen[bytes], timeout: float
                      ) -> tuple[int, Any, bool]:
    """Wait for ``proc`` with os.wait4 (its own rusage); kill it after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage, timed_out
        if time.monotonic() > deadline and not timed_out:
            proc.kill()
            timed_out = True
        time.sleep(0.02)


def measure_timeline(quick: bool, timeout: float) -> dict[str, Any]:
    exe = Path(sys.executable).parent / "akimsim"
    run_dir = Path(tempfile.mkdtemp(prefix="akimsim-bench-timeline-"))
    cmd = [str(exe), f"hydra.run.dir={run_dir}", "output.progress=false",
           "output.figures=false"]
    if quick:
        cmd.append("territory.scale=0.05")
    log = run_dir.parent / (run_dir.name + ".log")
    try:
        with open(log, "wb") as fh:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
            code, usage, timed_out = _wait_with_rusage(proc, timeout)
            wall = time.perf_counter() - t0
        tail = log.read_text(errors="replace").splitlines()[-8:]
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
        log.unlink(missing_ok=True)
    return {"command": " ".join([*cmd[:1], "hydra.run.dir=<tmp>", *cmd[2:]]),
            "returncode": code, "timed_out": timed_out, "wall_s": wall,
            "peak_rss_mb": usage.ru_maxrss * 1024 / MB, "user_s": usage.ru_utime,
            "sys_s": usage.ru_stime, "output_tail": tail}


_WARM_START = """
import json, sys, time
t_py = time.time()
from akimsim import AkimModel, RunConfig, TerritoryConfig, kazakhstan_reform
t_import = time.time()
scale = float(sys.argv[1])
model = AkimModel(RunConfig(regimes=kazakhstan_reform(), territory=TerritoryConfig(scale=scale)))
t_step = time.time()
model.step()
t_done = time.time()
print(json.dumps({"python_up": t_py, "imported": t_import, "step_start": t_step,
                  "step_done": t_done}))
"""


def measure_warm_start(quick: bool, runs: int, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, "-c", _WARM_START, "0.05" if quick else "1.0"]
    samples = []
    for i in range(runs + 1):  # the first run warms the Numba and OS caches
        t0 = time.time()
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                             check=False)
        if res.returncode != 0:
            return {"error": res.stderr[-2000:], "returncode": res.returncode}
        stamps = json.loads(res.stdout.strip().splitlines()[-1])
        rel = {k: v - t0 for k, v in stamps.items()}
        rel["warmup"] = i == 0
        samples.append(rel)
    measured = [r for r in samples if not r["warmup"]]
    return {
        "command": "python -c '<import akimsim; AkimModel(RunConfig(regimes="
                   "kazakhstan_reform())); step()>'",
        "timed_from": "parent's clock just before the child process is spawned",
        "runs": samples,
        "step_start_median_s": float(np.median([r["step_start"] for r in measured])),
        "step_start_max_s": max(r["step_start"] for r in measured),
        "step_done_median_s": float(np.median([r["step_done"] for r in measured])),
        "import_median_s": float(np.median([r["imported"] for r in measured])),
    }


# --------------------------------------------------------------------------------------
# machine


def machine_info() -> dict[str, Any]:
    cpu = ""
    flags: list[str] = []
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name") and not cpu:
                    cpu = line.split(":", 1)[1].strip()
                if line.startswith("flags") and not flags:
                    have = set(line.split(":", 1)[1].split())
                    flags = [f for f in ("avx2", "fma", "avx512f", "avx512dq", "avx512vl")
                             if f in have]
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as fh:
            mem = int(fh.readline().split()[1]) * 1024
    except OSError:
        pass
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as feats
        simd = [k for k, v in feats.items() if v and k.startswith("AVX")]
    except ImportError:
        simd = []
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_model": cpu,
        "cpu_flags": flags,
        "numpy_simd": simd,
        "cores": os.cpu_count(),
        "affinity_cores": len(os.sched_getaffinity(0)),
        "memory_bytes": mem,
        "numba_threads": numba.get_num_threads(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


# --------------------------------------------------------------------------------------
# the run


def source_state() -> dict[str, Any]:
    """Git commit, uncommitted changes under src/ and a hash of the kernels package
    (every src/akimsim/kernels/*.py, sorted by name: its name and bytes, one sha1)."""
    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True,
                                  check=False).stdout.strip()
        except OSError:
            return ""

    files = sorted((ROOT / "src" / "akimsim" / "kernels").glob("*.py"))
    whole = hashlib.sha1()
    per_file = {}
    for f in files:
        data = f.read_bytes()
        whole.update(f.name.encode() + b"\0" + data + b"\0")
        per_file[f.name] = hashlib.sha1(data).hexdigest()
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "src_changes": git("status", "--porcelain", "src").splitlines(),
            "kernels_sha1": whole.hexdigest() if files else "",
            "kernels_files_sha1": per_file}


def run(args: argparse.Namespace) -> dict[str, Any]:
    from akimsim import elections, kernels
    from akimsim.config import BallotKind, RuleConfig
    from akimsim.kernels import (
        IrvCounts,
        PartyLayout,
        RunoffRule,
        TwoRoundCounts,
        UnitEffects,
        VoteCounts,
        VoterArrays,
        VoterBlocks,
        VoterTraitParams,
        VoterTraits,
        balanced,
    )
    from akimsim.kernels import rng as kernel_rng
    from akimsim.streams import Purpose, Streams
    from akimsim.world import population as population_mod
    from akimsim.world.population import unit_means, voter_blocks

    quick = args.quick
    scale = 0.05 if quick else 1.0
    reps = args.repeats
    np_reps = args.numpy_repeats if args.numpy_repeats is not None else reps
    load_before = os.getloadavg()
    print(f"akimsim kernel benchmark ({'quick, 1/20 of the voters' if quick else 'national'}),"
          f" {reps} repeats, {numba.get_num_threads()} Numba threads", flush=True)

    t0 = time.perf_counter()
    bandwidth = measure_bandwidth(args.bandwidth_gb, 5)
    print(f"bandwidth: read {bandwidth['read_GBps']:.1f} GB/s (parallel sum), copy "
          f"{bandwidth['copy_GBps']:.1f} GB/s (np.copyto, read+write)  "
          f"[{time.perf_counter() - t0:.1f} s]", flush=True)
    read_bw = bandwidth["read_GBps"] * GB

    s, setup_timings = make_setup(scale, reps)
    pop = s.pop
    n, c, kmax = s.n, s.c, s.kmax
    depth = kmax
    print(f"data: {n:,} voters, {c:,} contests, {s.k:,} candidates (2-{kmax} per contest); "
          f"population build median {setup_timings['population build']['median_s']:.3f} s",
          flush=True)

    items: dict[str, dict[str, Any]] = {}
    checks: dict[str, dict[str, Any]] = {}
    invariants: dict[str, dict[str, Any]] = {}
    items["population build"] = dict(setup_timings.pop("population build"), kind="public",
                                     bytes=float(pop.nbytes), note="build_population: unit "
                                     "effects, voters_kernel, unit_median_kernel; bytes: the "
                                     "arrays written")
    items["population build"]["bound_s"] = pop.nbytes / read_bw
    items["population build"]["bandwidth_ratio"] = (items["population build"]["median_s"]
                                                    / items["population build"]["bound_s"])

    def kernel_item(name: str, fn: Callable[[], Any], nbytes: float, kind: str = "kernel",
                    note: str = "", first_call: float | None = None) -> dict[str, Any]:
        t_start = time.perf_counter()
        with balanced():
            res = timed(fn, reps)
        if first_call is not None:  # the compiling call happened earlier, timed by the caller
            res["first_call_s"] = first_call
        res.update(kind=kind, bytes=float(nbytes), note=note)
        if nbytes:
            res["bound_s"] = nbytes / read_bw
            res["bandwidth_ratio"] = res["median_s"] / res["bound_s"]
            res["achieved_GBps"] = nbytes / res["median_s"] / GB
        items[name] = res
        print(f"  {name:<48s} median {res['median_s'] * 1e3:9.2f} ms  "
              f"[{time.perf_counter() - t_start:.1f} s]", flush=True)
        return res

    def numpy_item(name: str, of: str, fn: Callable[[], Any], note: str = "") -> Any:
        out: list[Any] = []

        def call() -> None:
            out.clear()
            out.append(fn())

        t_start = time.perf_counter()
        res = timed(call, np_reps)
        res.update(kind="numpy", reference_of=of, note=note)
        items[name] = res
        if of in items:
            ratio = res["median_s"] / items[of]["median_s"]
            items[of].setdefault("numpy_refs", {})[name] = ratio
            if "numpy_ratio" not in items[of]:  # the first reference named is the headline one
                items[of]["numpy_ratio"] = ratio
                items[of]["numpy_ratio_ref"] = name
        print(f"  {name:<48s} median {res['median_s'] * 1e3:9.2f} ms  "
              f"[{time.perf_counter() - t_start:.1f} s]", flush=True)
        return out[0]

    def invariant(name: str, result: dict[str, Any], how: str) -> None:
        result["compared"] = how
        invariants[name] = result
        mark = "holds" if result["equal"] else "BROKEN: " + result["detail"]
        print(f"  invariant {name}: {mark}", flush=True)

    def check(name: str, kernel_out: Any, ref_out: Any, how: str) -> None:
        r = compare(kernel_out, ref_out)
        r["compared"] = how
        checks[name] = r
        mark = "equal" if r["equal"] else "DIFFER: " + r["detail"]
        print(f"  check {name}: {mark}", flush=True)

    starts, stops = s.starts, s.stops
    batch, cands, w = s.batch, s.cands, s.weights
    # the NumPy port of the generator must use the channels of akimsim.kernels.rng
    ported = {"TURNOUT_CHANNEL": TURNOUT_CHANNEL, "RUNOFF_CHANNEL": RUNOFF_CHANNEL,
              "LOT_CHANNEL": LOT_CHANNEL, "RANK_PICK": RANK_PICK,
              "VOTER_POSITION": VOTER_POSITION, "VOTER_TRAITS": VOTER_TRAITS,
              "VOTER_PARTY": VOTER_PARTY}
    off = [f"{k} {v:#x} vs {int(getattr(kernel_rng, k)):#x}" for k, v in ported.items()
           if int(getattr(kernel_rng, k)) != v]
    invariant("NumPy port channels = akimsim.kernels.rng", {
        "equal": not off, "detail": "; ".join(off)},
        "the channel constants of this script against the package's table")
    # ---------------------------------------------------------------- population
    print("population", flush=True)
    streams = Streams(0)
    unit_rng = streams.generator(Purpose.population, 0)
    behaviour = s.build_args["behaviour"]
    parties = s.build_args["parties"]
    means = unit_means(s.territory, behaviour, unit_rng)
    region_shift = unit_rng.normal(scale=behaviour.region_turnout_sd, size=s.territory.n_units)
    unit_shift = region_shift[s.territory.region].astype(np.float64)
    party_cum = np.cumsum([p.attachment for p in parties])
    party_xy = np.array([[p.x, p.y] for p in parties], dtype=np.float64).reshape(-1, 2)
    params = VoterTraitParams(
        float(behaviour.voter_sd), float(behaviour.party_pull),
        float(behaviour.partisanship_logit_mean), float(behaviour.partisanship_logit_sd),
        float(behaviour.propensity_logit_mean), float(behaviour.propensity_logit_sd))
    pkey = streams.kernel_key(Purpose.population, 1)
    blocks = VoterBlocks(*voter_blocks(s.territory.start.astype(np.int64),
                                       s.territory.own_voters.astype(np.int64)))
    units = UnitEffects(means, unit_shift)
    party_layout = PartyLayout(party_cum, party_xy)
    traits = VoterTraits(xy=np.empty((n, 2), dtype=np.float32), party=np.empty(n, dtype=np.int8),
                         strength=np.empty(n, dtype=np.float32),
                         turnout_logit=np.empty(n, dtype=np.float32))
    kernel_item("voters_kernel", lambda: kernels.voters_kernel(
        blocks, units, party_layout, params, pkey, traits), n * 17,
        note="compiled during the population build's first call; bytes: the arrays written")
    check("voters_kernel = population arrays", tuple(traits),
          (pop.xy, pop.party, pop.strength, pop.turnout_logit), "bit-identical")
    ref = numpy_item("numpy: voters", "voters_kernel", lambda: np_voters(
        s.territory, {"key": pkey, "params": params, "unit_mean": means,
                      "party_cum": party_cum, "party_xy": party_xy, "unit_shift": unit_shift}))
    check("voters_kernel vs numpy", tuple(traits), ref,
          "bit-identical (float32 outputs of float64 transcendental maths)")
    del ref
    median = np.zeros((s.territory.n_units, 2))
    sizes = s.territory.stop - s.territory.start
    max_sample = int(population_mod.MEDIAN_SAMPLE)
    med_args = (s.territory.start, s.territory.stop, pop.xy, max_sample)
    stride = np.where(sizes > max_sample, -(-sizes // max_sample), 1)
    # xy rows read: each sampled row costs its 8 bytes, or a 64-byte line when strided apart
    med_bytes = float((-(-sizes // stride) * np.minimum(8 * stride, 64)).sum())
    kernel_item("unit_median_kernel", lambda: kernels.unit_median_kernel(*med_args, median),
                med_bytes, note="compiled during the population build's first call; bytes: "
                                "xy of every unit's (sampled) subtree, cache lines when strided;"
                                f" max_sample {max_sample}")
    check("unit_median_kernel = Population.unit_median", median, pop.unit_median, "exact")
    ref = numpy_item("numpy: unit median (sort per tier)", "unit_median_kernel",
                     lambda: np_unit_median(s.territory, pop.xy, max_sample))
    check("unit_median_kernel vs numpy", median, ref, "exact")
    del ref
    n_parties = len(parties)
    own_start = s.territory.start.astype(np.int64)
    own_count = s.territory.own_voters.astype(np.int64)
    supporters = np.zeros((s.territory.n_units, n_parties + 1), dtype=np.int64)

    def party_count() -> None:
        supporters[:] = 0
        kernels.party_count_kernel(own_start, own_count, pop.party, supporters)

    kernel_item("party_count_kernel", party_count, n * 1,
                note="each unit's own voters by party (world.party_supporters)")
    ref = numpy_item("numpy: party counts (bincount)", "party_count_kernel",
                     lambda: np_party_count(s.territory, pop.party, n_parties))
    check("party_count_kernel vs numpy", supporters, ref, "same counts")
    del ref

    # ---------------------------------------------------------------- direct round
    # what a plurality round of the model runs (regimes.Direct): elections.cast_ballots
    # at depth 1 (turnout_kernel + rank_kernel, one mark), then
    # BallotBox.first_preferences (first_preference_kernel)
    print("direct election, plurality: turnout, single mark, first-preference count",
          flush=True)
    voted = np.zeros(n, dtype=np.uint8)
    kernel_item("turnout_kernel", lambda: kernels.turnout_kernel(
        batch, pop.turnout_logit, s.logit_shift, voted), n * (4 + 1))
    np_voted = numpy_item("numpy: turnout", "turnout_kernel", lambda: np_turnout(s))
    check("turnout_kernel vs numpy", voted, np_voted, "bit-identical")
    del np_voted
    voters = VoterArrays(pop.xy, pop.party, pop.strength)
    mark = np.full((n, 1), -1, dtype=np.int8)
    kernel_item("rank_kernel, depth 1", lambda: kernels.rank_kernel(
        batch, cands, voters, voted, w, mark), n * (8 + 1 + 4 + 1 + 1),
        note="the single-mark ballot of a plurality round (one pick, channel RANK_PICK + 0); "
             "first call compiles rank_kernel")
    np_mk = numpy_item("numpy: rank, depth 1 (single mark)", "rank_kernel, depth 1",
                       lambda: np_single_mark(s, voted),
                       note="one 1-D array per option; the spatial-choice baseline")
    check("rank_kernel, depth 1 vs numpy", mark, np_mk, "bit-identical")
    del np_mk
    fp1 = VoteCounts.blank(batch)
    kernel_item("first_preference_kernel, depth 1", lambda: kernels.first_preference_kernel(
        batch, mark, voted, fp1), n * (1 + 1),
        note="the plurality count of the single marks; first call compiles the kernel")
    codes = tally_codes(s, mark, voted)
    counts = numpy_item("numpy: np.bincount alone (precomputed codes)",
                        "first_preference_kernel, depth 1",
                        lambda: np_tally_bincount(s, codes),
                        note="bins: contest * (Kmax + 2) + mark + 2, int64 codes built "
                             "before timing")
    check("first_preference_kernel, depth 1 vs np.bincount", fp1, unpack_counts(s, counts),
          "same counts")
    ref = numpy_item("numpy: first-preference count incl. code construction",
                     "first_preference_kernel, depth 1",
                     lambda: np_first_preference(s, mark, voted))
    check("first_preference_kernel, depth 1 vs numpy (with codes)", fp1, ref, "same counts")
    del counts, ref

    voted2 = np.zeros(n, dtype=np.uint8)
    mark2 = np.full((n, 1), -1, dtype=np.int8)
    fp2 = VoteCounts.blank(batch)

    def national_round() -> None:
        kernels.turnout_kernel(batch, pop.turnout_logit, s.logit_shift, voted2)
        kernels.rank_kernel(batch, cands, voters, voted2, w, mark2)
        kernels.first_preference_kernel(batch, mark2, voted2, fp2)

    kernel_item("national direct round, plurality", national_round, n * (5 + 15 + 2),
                kind="composite",
                note="turnout_kernel + rank_kernel (depth 1) + first_preference_kernel")
    check("national round = separate kernels", fp2, fp1, "same counts")

    def np_round() -> tuple[np.ndarray, ...]:
        vt = np_turnout(s)
        return np_first_preference(s, np_single_mark(s, vt), vt)

    numpy_item("numpy: national direct round", "national direct round, plurality", np_round)

    # ---------------------------------------------------------------- ranked ballots
    print("ranked ballots and rules", flush=True)
    ranking = np.full((n, depth), -1, dtype=np.int8)
    kernel_item("rank_kernel", lambda: kernels.rank_kernel(
        batch, cands, voters, voted, w, ranking), n * (8 + 1 + 4 + 1 + depth),
        note=f"full depth ({depth}); compiled by the depth-1 call above")
    np_rk = numpy_item("numpy: ranking (Plackett-Luce picks per rank)", "rank_kernel",
                       lambda: np_rank(s, voted, depth))
    check("rank_kernel vs numpy", ranking, np_rk, "bit-identical")
    del np_rk
    invariant("rank_kernel column 0 = rank_kernel at depth 1", compare(ranking[:, :1], mark),
              "docstring of rank_kernel: out[i, 0] is the voter's single-mark choice "
              "(same draws at any depth)")

    fp = VoteCounts.blank(batch)
    row_bytes = n * (depth + 1)
    kernel_item("first_preference_kernel", lambda: kernels.first_preference_kernel(
        batch, ranking, voted, fp), row_bytes, note=f"on full-depth ({depth}) rankings")
    ref = numpy_item("numpy: first-preference tally", "first_preference_kernel",
                     lambda: np_first_preference(s, ranking, voted))
    check("first_preference_kernel vs numpy", fp, ref, "same counts")
    invariant("first preferences of full rankings = of single marks", compare(fp, fp1),
              "first_preference_kernel on full-depth rankings = on depth-1 rankings")
    del ref

    irv_out = IrvCounts.blank(batch)

    def irv() -> None:
        irv_out.counts[:] = 0
        irv_out.exhausted[:] = 0
        irv_out.tied[:] = False
        kernels.irv_kernel(batch, ranking, voted, irv_out)

    t_first = time.perf_counter()
    with balanced():
        irv()
    t_first = time.perf_counter() - t_first
    rounds = irv_out.n_rounds
    irv_bytes = float(((stops - starts) * rounds).sum()) * (depth + 1)
    kernel_item("irv_kernel", irv, irv_bytes,
                note=f"bytes: ranking + voted once per round played; mean rounds per voter "
                     f"{float(((stops - starts) * rounds).sum()) / n:.2f}; "
                     f"{int(irv_out.tied.any(axis=(1, 2)).sum())} of {c} contests with a tie",
                first_call=t_first)
    ref = numpy_item("numpy: instant runoff (rounds vectorised)", "irv_kernel",
                     lambda: np_irv(s, ranking, voted))
    check("irv_kernel vs numpy", irv_out._asdict(), ref,
          "same counts, eliminations, tie masks and winners")
    del ref

    def rank_irv() -> None:
        kernels.rank_kernel(batch, cands, voters, voted, w, ranking)
        irv()

    kernel_item("instant runoff, rank + irv", rank_irv,
                n * (8 + 1 + 4 + 1 + depth) + irv_bytes, kind="composite",
                note="rank_kernel + irv_kernel")
    numpy_item("numpy: rank + instant runoff", "instant runoff, rank + irv",
               lambda: np_irv(s, np_rank(s, voted, depth), voted))

    tr_out = TwoRoundCounts.blank(batch)
    threshold, runoff_turnout = 0.5, 0.8
    runoff_rule = RunoffRule(threshold=threshold, runoff_turnout=runoff_turnout)

    def two_round() -> None:
        tr_out.counts[:] = 0
        tr_out.against[:] = 0
        tr_out.ballots[:] = 0
        tr_out.tied[:] = False
        kernels.two_round_kernel(batch, ranking, voted, runoff_rule, tr_out)

    t_first = time.perf_counter()
    with balanced():
        two_round()
    t_first = time.perf_counter() - t_first
    tr_bytes = float(((stops - starts) * tr_out.n_rounds).sum()) * (depth + 1)
    kernel_item("two_round_kernel", two_round, tr_bytes,
                note=f"threshold {threshold}, runoff turnout {runoff_turnout}; "
                     f"{int((tr_out.n_rounds == 2).sum())} of {c} contests go to a runoff; "
                     f"{int(tr_out.tied.any(axis=(1, 2)).sum())} with a tie",
                first_call=t_first)
    ref = numpy_item("numpy: two-round", "two_round_kernel",
                     lambda: np_two_round(s, ranking, voted, threshold, runoff_turnout))
    check("two_round_kernel vs numpy", tr_out._asdict(), ref,
          "same counts, finalists, tie masks and winners")
    del ref

    scores = np.zeros(s.k, dtype=np.int64)

    def borda() -> None:
        scores[:] = 0
        kernels.borda_kernel(batch, ranking, voted, scores)

    kernel_item("borda_kernel", borda, row_bytes)
    ref = numpy_item("numpy: Borda (bincount with weights)", "borda_kernel",
                     lambda: np_borda(s, ranking, voted))
    check("borda_kernel vs numpy", scores, ref, "same scores")
    del ref

    pw = np.zeros((c, kmax, kmax), dtype=np.int64)

    def pairwise() -> None:
        pw[:] = 0
        kernels.pairwise_kernel(batch, ranking, voted, pw)

    kernel_item("pairwise_kernel", pairwise, row_bytes)
    ref = numpy_item("numpy: pairwise", "pairwise_kernel", lambda: np_pairwise(s, ranking, voted))
    check("pairwise_kernel vs numpy", pw, ref, "same counts")
    del ref

    approvals = np.zeros(n, dtype=np.uint32)
    kernel_item("approval_kernel", lambda: kernels.approval_kernel(
        batch, cands, voters, voted, w, approvals), n * (8 + 1 + 4 + 1 + 4),
        note=f"approval margin {w.approval_margin}")
    ref = numpy_item("numpy: approval ballots", "approval_kernel",
                     lambda: np_approval(s, voted, w.approval_margin))
    check("approval_kernel vs numpy", approvals, ref, "bit-identical")
    del ref
    first = ranking[:, 0].astype(np.int64)
    cast_ = voted == 1
    ranked = cast_ & (first >= 0)
    has_first = ((approvals >> np.maximum(first, 0).astype(np.uint32)) & np.uint32(1)) == 1
    n_miss = int((ranked & ~has_first).sum())
    n_empty = int((cast_ & (first < 0) & (approvals != 0)).sum())
    invariant("approval_kernel approves rank_kernel's first preference", {
        "equal": n_miss == 0 and n_empty == 0,
        "detail": f"{n_miss:,} of {int(ranked.sum()):,} voters with a first preference do "
                  f"not approve it; {n_empty:,} of {int((cast_ & (first < 0)).sum()):,} "
                  f"voters who rank nobody (against all first) approve someone"},
        "docstring of approval_kernel: same utilities and draws as rank_kernel")
    del first, cast_, ranked, has_first
    at = VoteCounts.blank(batch)
    kernel_item("approval_tally_kernel", lambda: kernels.approval_tally_kernel(
        batch, approvals, voted, at), n * (4 + 1))
    ref = numpy_item("numpy: approval tally", "approval_tally_kernel",
                     lambda: np_approval_tally(s, approvals, voted))
    check("approval_tally_kernel vs numpy", at, ref, "same counts")
    del ref

    # ---------------------------------------------------------------- public rules
    rule_cfg = RuleConfig()
    rule_w = w._replace(approval_margin=float(rule_cfg.approval_margin))
    boxes: dict[tuple[int, bool], Any] = {}

    def box_for(spec: Any) -> Any:
        d = depth if spec.full_ranking else 1
        appr = spec.ballot == BallotKind.approval
        if (d, appr) not in boxes:
            cast_box: list[Any] = []

            def cast() -> None:
                cast_box.clear()
                cast_box.append(elections.cast_ballots(
                    pop, batch, cands, s.logit_shift, rule_w, depth=d, approval=appr))

            bytes_ = n * (5 + 14 + d + (4 if appr else 0))
            kernel_item(f"elections.cast_ballots (depth {d}{', approvals' if appr else ''})",
                        cast, bytes_, kind="public", note="turnout + rank (+ approval)")
            boxes[(d, appr)] = cast_box[0]
        return boxes[(d, appr)]

    rule_results: dict[str, Any] = {}
    for name in sorted(elections.RULES):
        spec = elections.get_rule(name)
        box = box_for(spec)
        res: list[Any] = []
        # a fresh copy of the box per call: BallotBox.first_preferences is cached on the box
        kernel_item(f"rule: {name}", lambda spec=spec, box=box, res=res: res.append(
            spec.fn(dataclasses.replace(box), rule_cfg)), 0, kind="public",
            note="elections.get_rule(name).fn on a ready BallotBox (kernels + per-contest "
                 "Python; first preferences counted in every call)")
        statuses: dict[str, int] = {}
        for r in res[-1]:
            statuses[str(r.status)] = statuses.get(str(r.status), 0) + 1
        rule_results[name] = statuses
    irv_box = boxes[(depth, False)]
    invariant("cast_ballots = turnout_kernel + rank_kernel",
              compare((irv_box.voted, irv_box.ranking), (voted, ranking)),
              "BallotBox as regimes.Direct builds it, full depth")
    del irv_box
    if (1, False) in boxes:
        box1 = boxes[(1, False)]
        invariant("cast_ballots depth 1 + first_preferences = national direct round",
                  compare((box1.voted, box1.ranking, *box1.first_preferences),
                          (voted, mark, *fp1)),
                  "the plurality BallotBox as regimes.Direct builds it and counts it")
        del box1

    load_after = os.getloadavg()
    return {
        "setup": {"voters": n, "contests": c, "candidates": s.k, "k_max": kmax,
                  "ranking_depth": depth, "scale": scale, "quick": quick,
                  "repeats": reps, "numpy_repeats": np_reps,
                  "weights": s.weights._asdict(),
                  "population_bytes_per_voter": pop.nbytes / n,
                  "population_nbytes": pop.nbytes,
                  "timings": setup_timings,
                  "voted_share": float(voted.mean())},
        "bandwidth": bandwidth,
        "items": items,
        "checks": checks,
        "invariants": invariants,
        "rule_statuses": rule_results,
        "load_average_before": list(load_before),
        "load_average_after_kernels": list(load_after),
    }


def evaluate_targets(res: dict[str, Any]) -> list[dict[str, Any]]:
    it = res["items"]
    quick = res["setup"]["quick"]
    out = []

    def add(name: str, value: float | None, unit: str, op: str, limit: float,
            measured_as: str) -> None:
        ok = None if value is None else (value >= limit if op == ">=" else value < limit
                                         if op == "<" else value <= limit)
        out.append({"target": name, "measured": value, "unit": unit, "op": op, "limit": limit,
                    "measured_as": measured_as,
                    "status": "n/a" if ok is None else ("pass" if ok else "miss"),
                    "evaluated_at_national_scale": not quick})

    def ratio(ref: str, ker: str) -> float | None:
        if ref in it and ker in it:
            return float(it[ref]["median_s"] / it[ker]["median_s"])
        return None

    def med(name: str) -> float | None:
        return float(it[name]["median_s"]) if name in it else None

    add("plurality tally at least 10x faster than np.bincount", ratio(
        "numpy: np.bincount alone (precomputed codes)", "first_preference_kernel, depth 1"),
        "x", ">=", 10.0, "median np.bincount on precomputed int64 codes / median "
        "first_preference_kernel on depth-1 rankings")
    add("spatial choice at least 40x faster than vectorised NumPy", ratio(
        "numpy: rank, depth 1 (single mark)", "rank_kernel, depth 1"), "x", ">=", 40.0,
        "median numpy single-mark reference / median rank_kernel at depth 1 (same turnout "
        "as input)")
    add("instant runoff, 12 M voters, all contests, under 0.15 s", med("irv_kernel"), "s", "<",
        0.15, "median irv_kernel on precomputed rankings (rank + irv reported separately)")
    add("one national direct round under 0.2 s", med("national direct round, plurality"), "s",
        "<", 0.2, "median turnout_kernel + rank_kernel (depth 1) + first_preference_kernel")
    add("population memory at most 48 bytes per voter",
        res["setup"]["population_bytes_per_voter"], "B/voter", "<=", 48.0,
        "Population.nbytes / n")
    tl = res.get("timeline")
    ok_tl = tl is not None and "returncode" in tl and tl["returncode"] == 0
    add("national timeline peak RSS under 3 GB", tl["peak_rss_mb"] / 1e3 if ok_tl else None,
        "GB", "<", 3.0, "ru_maxrss of the `akimsim` child (os.wait4), GB = 1e9 bytes")
    add("national timeline wall under 60 s", tl["wall_s"] if ok_tl else None, "s", "<", 60.0,
        "wall clock of the `akimsim` child, spawn to exit")
    ws = res.get("warm_start")
    ok_ws = ws is not None and "step_start_median_s" in ws
    add("warm-cache second process starts its first step within 3 s",
        ws["step_start_median_s"] if ok_ws else None, "s", "<=", 3.0,
        "median over runs after a warm-up run: spawn to the call of step()")
    return out


def print_table(res: dict[str, Any]) -> None:
    it = res["items"]
    print()
    print(f"{'item':<50s} {'median ms':>10s} {'min':>9s} {'max':>9s} {'first s':>8s} "
          f"{'np x':>8s} {'bw x':>7s} {'peak MB':>8s} {'+MB':>7s}")
    for name, r in it.items():
        if r["kind"] == "numpy":
            continue
        npx = f"{r['numpy_ratio']:.1f}" if "numpy_ratio" in r else "-"
        bw = f"{r['bandwidth_ratio']:.1f}" if "bandwidth_ratio" in r else "-"
        first = f"{r['first_call_s']:.2f}" if r["first_call_s"] is not None else "-"
        print(f"{name:<50s} {r['median_s'] * 1e3:10.2f} {r['min_s'] * 1e3:9.2f} "
              f"{r['max_s'] * 1e3:9.2f} {first:>8s} {npx:>8s} {bw:>7s} "
              f"{r['peak_rss_mb']:8.0f} {r['peak_delta_mb']:7.0f}")
    print()
    for name, r in it.items():
        if r["kind"] == "numpy":
            print(f"{name:<50s} {r['median_s'] * 1e3:10.2f} {r['min_s'] * 1e3:9.2f} "
                  f"{r['max_s'] * 1e3:9.2f} {'':>8s} {'':>8s} {'':>7s} "
                  f"{r['peak_rss_mb']:8.0f} {r['peak_delta_mb']:7.0f}")
    print()
    bad = [k for k, v in res["checks"].items() if not v["equal"]]
    print(f"agreement checks: {len(res['checks']) - len(bad)} of {len(res['checks'])} equal"
          + ("" if not bad else "; DIFFER: " + ", ".join(bad)))
    broken = [k for k, v in res["invariants"].items() if not v["equal"]]
    print(f"invariants: {len(res['invariants']) - len(broken)} of {len(res['invariants'])} "
          "hold" + ("" if not broken else "; BROKEN: " + ", ".join(broken)))
    if res.get("source_changed_during_run"):
        print("WARNING: src/ changed during the run (see source_at_start / source_at_end)")
    print()
    for t in res["targets"]:
        v = t["measured"]
        vs = "-" if v is None else f"{v:.4g}"
        print(f"[{t['status']:>4s}] {t['target']}: {vs} {t['unit']} (limit {t['op']} "
              f"{t['limit']})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--numpy-repeats", type=int, default=None,
                    help="repeats of the NumPy references (default: --repeats)")
    ap.add_argument("--out", type=Path, default=None,
                    help="JSON output (default benchmarks/results/kernels.json, "
                         "kernels_quick.json with --quick)")
    ap.add_argument("--quick", action="store_true", help="1/20 of the voters (smoke test)")
    ap.add_argument("--bandwidth-gb", type=float, default=1.0)
    ap.add_argument("--skip-processes", action="store_true",
                    help="skip the timeline and warm-start subprocesses")
    ap.add_argument("--warm-start-runs", type=int, default=3)
    ap.add_argument("--process-timeout", type=float, default=900.0)
    ap.add_argument("--package-cache", action="store_true",
                    help="use the package's Numba cache (first call = cache load), not a "
                         "fresh one (first call = compile)")
    args = ap.parse_args(argv)
    out = args.out or ROOT / "benchmarks" / "results" / (
        "kernels_quick.json" if args.quick else "kernels.json")

    # a SIGTERM unwinds like Ctrl-C, so the temporary Numba cache below is removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cache_dir = None
    if not args.package_cache:
        # must happen before akimsim.kernels is imported: cache=True binds the directory
        cache_dir = tempfile.mkdtemp(prefix="akimsim-bench-numba-")
        numba.config.CACHE_DIR = cache_dir
    t_start = time.perf_counter()
    at_start = source_state()
    try:
        res = run(args)
        res["source_at_start"] = at_start
    finally:
        if cache_dir:
            shutil.rmtree(cache_dir, ignore_errors=True)
    if not args.skip_processes:
        print("\nsubprocess: national timeline" + (" (scale 0.05)" if args.quick else ""),
              flush=True)
        res["timeline"] = measure_timeline(args.quick, args.process_timeout)
        tl = res["timeline"]
        print(f"  exit {tl['returncode']}, wall {tl['wall_s']:.1f} s, peak RSS "
              f"{tl['peak_rss_mb']:.0f} MB", flush=True)
        print("subprocess: warm-cache model start + first step", flush=True)
        res["warm_start"] = measure_warm_start(args.quick, args.warm_start_runs,
                                               args.process_timeout)
        ws = res["warm_start"]
        if "step_start_median_s" in ws:
            print(f"  first step starts at {ws['step_start_median_s']:.2f} s (median), done at "
                  f"{ws['step_done_median_s']:.2f} s", flush=True)
        else:
            print(f"  failed: {ws.get('error', '')[-500:]}", flush=True)
    res["load_average_after"] = list(os.getloadavg())
    res["machine"] = machine_info()
    res["machine"]["threading_layer"] = numba.threading_layer()
    res["command"] = " ".join(["python benchmarks/bench_kernels.py", *(argv or sys.argv[1:])])
    res["source_at_end"] = source_state()
    res["source_changed_during_run"] = res["source_at_end"] != res["source_at_start"]
    res["git_commit"] = res["source_at_start"]["commit"] + (
        "+uncommitted src changes" if res["source_at_start"]["src_changes"] else "")
    res["first_call_meaning"] = ("package Numba cache load + first call" if args.package_cache
                                 else "compile (fresh Numba cache dir) + first call")
    res["total_wall_s"] = time.perf_counter() - t_start
    res["targets"] = evaluate_targets(res)
    print_table(res)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(res, indent=1, default=_json_default) + "\n")
    tmp.replace(out)
    print(f"\nwrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0 if all(v["equal"] for v in res["checks"].values()) else 1


def _json_default(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, tuple):
        return list(o)
    raise TypeError(type(o))


if __name__ == "__main__":
    sys.exit(main())

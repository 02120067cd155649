"""Kernels against their slow twins (tests/naive.py), on random and degenerate inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import naive
from akimsim import kernels
from akimsim.elections import cast_ballots
from akimsim.kernels import (
    CandidateArrays,
    ChoiceWeights,
    ContestBatch,
    PartyLayout,
    UnitEffects,
    VoteCounts,
    VoterArrays,
    VoterBlocks,
    VoterTraitParams,
    VoterTraits,
)
from akimsim.world.population import Population, voter_blocks


@st.composite
def batches(draw):
    sizes = draw(st.lists(st.integers(0, 25), min_size=0, max_size=5))
    n_cands = [draw(st.integers(0, 4)) for _ in sizes]
    gap = draw(st.integers(0, 3))  # voters outside any contest at the end
    n = sum(sizes) + gap
    starts = np.cumsum([0, *sizes[:-1]]).astype(np.int64) if sizes else np.zeros(0, np.int64)
    stops = (starts + np.asarray(sizes, dtype=np.int64)) if sizes else np.zeros(0, np.int64)
    k = sum(n_cands)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    tie_mode = draw(st.booleans())  # identical candidates and no noise: exact ties
    cand_xy = rng.normal(size=(k, 2))
    valence = rng.normal(size=k)
    if tie_mode:
        cand_xy[:] = 0.0
        valence[:] = 0.0
    cand_party = rng.integers(-1, 3, size=k).astype(np.int16)
    shift_kind = draw(st.sampled_from(["normal", "nobody", "everybody"]))
    shift = {"normal": rng.normal(size=len(sizes)), "nobody": np.full(len(sizes), -60.0),
             "everybody": np.full(len(sizes), 60.0)}[shift_kind]
    against = draw(st.sampled_from([-1.0, 0.0, 5.0, 100.0, -np.inf]))
    noise = 0.0 if tie_mode else draw(st.sampled_from([0.0, 0.3, 1.0]))
    weights = np.array([draw(st.sampled_from([0.0, 1.0, 2.5])), 1.0, noise, against])
    voters = dict(
        xy=rng.normal(size=(n, 2)).astype(np.float32),
        party=rng.integers(-1, 3, size=n).astype(np.int8),
        strength=rng.random(n).astype(np.float32),
        logit=rng.normal(size=n).astype(np.float32),
    )
    keys = rng.integers(0, 2**63, size=len(sizes), dtype=np.uint64)
    cand_start = np.concatenate(([0], np.cumsum(n_cands))).astype(np.int64)
    return dict(n=n, starts=starts, stops=stops, cand_start=cand_start, cand_xy=cand_xy,
                valence=valence, cand_party=cand_party, shift=shift, weights=weights,
                keys=keys, **voters)


def groups(b, margin=0.0):
    """The kernels' argument groups of a drawn batch."""
    batch = ContestBatch(b["starts"], b["stops"], b["cand_start"], b["keys"],
                         b["keys"] ^ np.uint64(0x5555))
    cands = CandidateArrays(b["cand_xy"], b["valence"], b["cand_party"])
    voters = VoterArrays(b["xy"], b["party"], b["strength"])
    w = b["weights"]
    weights = ChoiceWeights(float(w[0]), float(w[1]), float(w[2]), float(w[3]), float(margin))
    return batch, cands, voters, weights


@given(batches())
def test_turnout_matches_twin(b):
    batch, _, _, _ = groups(b)
    out = np.zeros(b["n"], dtype=np.uint8)
    kernels.turnout_kernel(batch, b["logit"], b["shift"], out)
    expected = naive.turnout(b["starts"], b["stops"], b["logit"], b["shift"], b["keys"], b["n"])
    np.testing.assert_array_equal(out, expected)


@given(batches(), st.integers(1, 5))
def test_first_preference_count_matches_twin(b, depth):
    batch, cands, voters, weights = groups(b)
    voted = naive.turnout(b["starts"], b["stops"], b["logit"], b["shift"], b["keys"], b["n"])
    ranking = np.full((b["n"], depth), -1, dtype=np.int8)
    kernels.rank_kernel(batch, cands, voters, voted, weights, ranking)
    out = VoteCounts.blank(batch)
    kernels.first_preference_kernel(batch, ranking, voted, out)
    for got, want in zip(out, naive.first_preferences(b["starts"], b["stops"], b["cand_start"],
                                                      ranking, voted), strict=True):
        np.testing.assert_array_equal(got, want)
    # invariant: votes + against all = ballots <= electorate
    for j in range(batch.n_contests):
        k0, k1 = b["cand_start"][j], b["cand_start"][j + 1]
        assert out.votes[k0:k1].sum() + out.against_all[j] == out.ballots[j] \
            <= b["stops"][j] - b["starts"][j]


@given(batches(), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_listed_ranking_matches_the_full_kernel_on_its_rows(b, depth, seed):
    # the listed kernel ranks only the voters it is given (a sample of those who voted),
    # with the same draws as rank_kernel; every other row keeps what the buffer held
    from akimsim.elections.ballots import flagged_rows, rows_of

    batch, cands, voters, weights = groups(b)
    voted = naive.turnout(b["starts"], b["stops"], b["logit"], b["shift"], b["keys"], b["n"])
    counted = voted & (np.random.default_rng(seed).random(b["n"]) < 0.4).astype(np.uint8)
    full = np.full((b["n"], depth), -1, dtype=np.int8)
    kernels.rank_kernel(batch, cands, voters, counted, weights, full)
    rows = flagged_rows(batch, counted)
    inside = np.zeros(b["n"], dtype=bool)
    for s, e in zip(b["starts"], b["stops"], strict=True):
        inside[s:e] = True
    np.testing.assert_array_equal(rows, np.flatnonzero(counted.astype(bool) & inside))
    listed = np.full((b["n"], depth), 77, dtype=np.int8)
    kernels.rank_listed_kernel(batch, rows_of(batch, rows), cands, voters, weights, listed)
    np.testing.assert_array_equal(listed[rows], full[rows])
    others = np.ones(b["n"], dtype=bool)
    others[rows] = False
    assert (listed[others] == 77).all()


@given(st.lists(st.integers(0, 40), max_size=6), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_flagged_rows_and_counts_match_numpy(sizes, density, seed):
    stops = np.cumsum(np.array(sizes, dtype=np.int64))
    starts = stops - np.array(sizes, dtype=np.int64)
    n = int(stops[-1]) + 3 if sizes else 3  # three rows outside every contest
    flags = (np.random.default_rng(seed).random(n) < density).astype(np.uint8)
    batch = ContestBatch(starts, stops, np.zeros(len(sizes) + 1, np.int64),
                         np.zeros(len(sizes), np.uint64), np.zeros(len(sizes), np.uint64))
    counts = np.zeros(len(sizes), dtype=np.int64)
    kernels.count_flags_kernel(batch, flags, counts)
    assert counts.tolist() == [int(flags[s:e].sum()) for s, e in zip(starts, stops, strict=True)]
    from akimsim.elections.ballots import flagged_rows

    np.testing.assert_array_equal(flagged_rows(batch, flags),
                                  np.flatnonzero(flags[: n - 3]))


@given(st.lists(st.sampled_from([-1.5, 0.0, 0.25, 2.0, 7.0]) | st.floats(-5, 5), min_size=1,
                max_size=60), st.data())
def test_kth_smallest_selects_like_a_sort(values, data):
    # few distinct values (many ties), sorted and reversed inputs included
    from akimsim.kernels.population import kth_smallest

    k = data.draw(st.integers(0, len(values) - 1))
    for order in (values, sorted(values), sorted(values, reverse=True)):
        a = np.array(order, dtype=np.float64)
        assert kth_smallest(a, k) == np.sort(order)[k]
        assert a[k] == np.sort(order)[k]
        assert (a[:k] <= a[k]).all()
        assert sorted(a.tolist()) == sorted(order)  # a permutation, nothing lost


@given(batches(), st.sampled_from([1, 2, 3, 7, 1 << 40]))
def test_unit_median_matches_twin(b, max_sample):
    out = np.zeros((len(b["starts"]), 2))
    kernels.unit_median_kernel(b["starts"], b["stops"], b["xy"], max_sample, out)
    np.testing.assert_array_equal(
        out, naive.unit_median(b["starts"], b["stops"], b["xy"], max_sample))


def test_uniform_draws_match_twin_and_look_uniform():
    key = np.uint64(123456789)
    draws = np.array([kernels.uniform01(key, np.int64(i), np.uint64(3)) for i in range(2000)])
    twin = np.array([naive.uniform01(123456789, i, 3) for i in range(2000)])
    np.testing.assert_array_equal(draws, twin)
    assert draws.min() > 0.0
    assert draws.max() < 1.0
    assert abs(draws.mean() - 0.5) < 0.03


def one_contest(n, logit, starts=(0,), stops=None, cand_start=(0, 2)):
    pop = Population(home=np.zeros(n, np.int32), xy=np.zeros((n, 2), np.float32),
                     party=np.full(n, -1, np.int8), strength=np.zeros(n, np.float32),
                     turnout_logit=np.full(n, logit, np.float32), unit_median=np.zeros((1, 2)))
    c = len(starts)
    k = cand_start[-1]
    batch = ContestBatch(np.array(starts, np.int64), np.array(stops or (n,), np.int64),
                         np.array(cand_start, np.int64), np.arange(7, 7 + c, dtype=np.uint64),
                         np.arange(9, 9 + c, dtype=np.uint64))
    cands = CandidateArrays(np.zeros((k, 2)), np.zeros(k), np.full(k, -1, np.int16))
    return pop, batch, cands


def test_nobody_turns_out_gives_zero_ballots():
    pop, batch, cands = one_contest(50, -80.0)
    box = cast_ballots(pop, batch, cands, np.zeros(1), ChoiceWeights(1.0, 1.0, 0.5, -1.0, 0.0),
                       depth=2)
    counted = box.first_preferences
    assert counted.ballots.tolist() == [0]
    assert counted.votes.tolist() == [0, 0]
    assert (box.voted == 0).all()
    assert (box.ranking == -1).all()


def test_batch_rejects_overlapping_contests():
    pop, batch, cands = one_contest(10, 0.0, starts=(0, 5), stops=(6, 10),
                                    cand_start=(0, 1, 2))
    with pytest.raises(ValueError, match="must not share voters"):
        cast_ballots(pop, batch, cands, np.zeros(2), ChoiceWeights(1.0, 1.0, 0.5, -1.0, 0.0),
                     depth=1)


def test_results_do_not_depend_on_thread_count():
    import numba

    rng = np.random.default_rng(5)
    n = 20_000
    starts = np.arange(0, n, 1000, dtype=np.int64)
    stops = starts + 1000
    logit = rng.normal(size=n).astype(np.float32)
    keys = rng.integers(0, 2**63, size=len(starts), dtype=np.uint64)
    batch = ContestBatch(starts, stops, np.zeros(len(starts) + 1, np.int64), keys, keys)
    outs = []
    for threads in (1, numba.config.NUMBA_NUM_THREADS):
        numba.set_num_threads(threads)
        out = np.zeros(n, dtype=np.uint8)
        kernels.turnout_kernel(batch, logit, np.zeros(len(starts)), out)
        outs.append(out)
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    np.testing.assert_array_equal(outs[0], outs[1])


@given(st.lists(st.integers(0, 12), min_size=1, max_size=5), st.integers(0, 2**63 - 1),
       st.integers(0, 3))
def test_voters_kernel_matches_twin(counts, key, n_parties):
    rng = np.random.default_rng(len(counts) + key % 1000)
    counts = np.asarray(counts, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    n = int(counts.sum())
    mean = rng.normal(size=(len(counts), 2))
    shift = rng.normal(size=len(counts))
    shares = rng.dirichlet(np.ones(n_parties + 1))[:n_parties]
    cum = np.cumsum(shares)
    pxy = rng.normal(size=(n_parties, 2))
    params = VoterTraitParams(0.7, 0.4, 0.0, 1.0, 0.8, 1.0)
    out = VoterTraits(np.empty((n, 2), np.float32), np.empty(n, np.int8),
                      np.empty(n, np.float32), np.empty(n, np.float32))
    blocks = VoterBlocks(*voter_blocks(starts, counts, size=5))
    assert (blocks.stop - blocks.start).sum() == n
    kernels.voters_kernel(blocks, UnitEffects(mean, shift), PartyLayout(cum, pxy.reshape(-1, 2)),
                          params, np.uint64(key), out)
    twin = naive.voters(starts, counts, mean, shift, cum, pxy, params, key, n)
    for got, want in zip(out, twin, strict=True):
        np.testing.assert_array_equal(got, want)


@given(batches(), st.integers(1, 5), st.sampled_from([0.0, 0.5, 3.0]))
def test_rank_and_approval_kernels_match_twins(b, depth, margin):
    batch, cands, voters, weights = groups(b, margin)
    voted = naive.turnout(b["starts"], b["stops"], b["logit"], b["shift"], b["keys"], b["n"])
    args = (b["starts"], b["stops"], b["cand_start"], b["cand_xy"], b["valence"],
            b["cand_party"], b["xy"], b["party"], b["strength"], voted, b["weights"], b["keys"])
    ranking = np.full((b["n"], depth), -1, dtype=np.int8)
    kernels.rank_kernel(batch, cands, voters, voted, weights, ranking)
    np.testing.assert_array_equal(ranking, naive.rank(*args, b["n"], depth))
    approvals = np.zeros(b["n"], dtype=np.uint32)
    kernels.approval_kernel(batch, cands, voters, voted, weights, approvals)
    np.testing.assert_array_equal(approvals, naive.approve(*args, margin, b["n"]))
    # approval ballots agree with the rankings: nobody approved exactly when the
    # ranking is empty, and the first preference is always approved
    assert np.array_equal(approvals == 0, ranking[:, 0] < 0)
    firsts = ranking[:, 0]
    has = firsts >= 0
    assert np.all((approvals[has] >> firsts[has].astype(np.uint32)) & 1 == 1)


def test_channels_of_one_key_never_overlap():
    """The channel table of kernels/rng.py: two draws of one key never share a channel,
    and the constants the kernels use are the table's."""
    from akimsim.kernels import rng

    by_key: dict[str, list[range]] = {}
    for key, first, count in rng.CHANNELS.values():
        by_key.setdefault(key, []).append(range(first, first + count))
    for key, spans in by_key.items():
        taken = [c for span in spans for c in span]
        assert len(taken) == len(set(taken)), key
    assert int(rng.TURNOUT_CHANNEL) == naive.TURNOUT_CHANNEL
    assert int(rng.LOT_CHANNEL) == naive.LOT_CHANNEL
    assert int(rng.RUNOFF_CHANNEL) == naive.RUNOFF_CHANNEL


def test_normal_quantile_is_the_normal_quantile():
    """The voters' normals are quantiles of one uniform each (Acklam's approximation):
    within its stated relative error of SciPy's exact quantile, tails included, and
    standard normal over many draws."""
    from scipy.special import ndtri

    from akimsim.kernels.rng import normal01, normal_quantile

    p = np.concatenate([np.logspace(-15, -1, 200), np.linspace(0.001, 0.999, 2001),
                        1 - np.logspace(-15, -1, 200)])
    ours = np.array([normal_quantile(float(v)) for v in p])
    exact = ndtri(p)
    ok = np.abs(exact) > 1e-12
    assert np.max(np.abs(ours[ok] - exact[ok]) / np.abs(exact[ok])) < 1.2e-9
    z = np.array([normal01(np.uint64(77), i, np.uint64(1)) for i in range(200_000)])
    assert abs(z.mean()) < 0.01
    assert abs(z.std() - 1.0) < 0.01
    assert abs(np.mean(z > 1.959964) - 0.025) < 0.002

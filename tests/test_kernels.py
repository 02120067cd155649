"""Kernels against their slow twins (tests/naive.py), on random and degenerate inputs."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import naive
from akimsim import kernels
from akimsim.population import Population
from akimsim.voting import Ballots, run_direct_elections


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


@given(batches())
def test_turnout_matches_twin(b):
    out = np.zeros(b["n"], dtype=np.uint8)
    kernels.turnout_kernel(b["starts"], b["stops"], b["logit"], b["shift"], b["keys"], out)
    expected = naive.turnout(b["starts"], b["stops"], b["logit"], b["shift"], b["keys"], b["n"])
    np.testing.assert_array_equal(out, expected)


@given(batches())
def test_choice_and_tally_match_twins(b):
    voted = naive.turnout(b["starts"], b["stops"], b["logit"], b["shift"], b["keys"], b["n"])
    out = np.full(b["n"], -3, dtype=np.int16)
    kernels.choice_kernel(b["starts"], b["stops"], b["cand_start"], b["cand_xy"], b["valence"],
                          b["cand_party"], b["xy"], b["party"], b["strength"], voted,
                          b["weights"], b["keys"], out)
    expected = naive.choice(b["starts"], b["stops"], b["cand_start"], b["cand_xy"],
                            b["valence"], b["cand_party"], b["xy"], b["party"], b["strength"],
                            voted, b["weights"], b["keys"], b["n"])
    np.testing.assert_array_equal(out, expected)
    c = len(b["starts"])
    votes = np.zeros(int(b["cand_start"][-1]), dtype=np.int64)
    against = np.zeros(c, dtype=np.int64)
    ballots = np.zeros(c, dtype=np.int64)
    kernels.tally_kernel(b["starts"], b["stops"], b["cand_start"], out, votes, against, ballots)
    ev, ea, eb = naive.tally(b["starts"], b["stops"], b["cand_start"], expected)
    np.testing.assert_array_equal(votes, ev)
    np.testing.assert_array_equal(against, ea)
    np.testing.assert_array_equal(ballots, eb)
    # invariant: votes + against all = ballots <= electorate
    for j in range(c):
        k0, k1 = b["cand_start"][j], b["cand_start"][j + 1]
        assert votes[k0:k1].sum() + against[j] == ballots[j] <= b["stops"][j] - b["starts"][j]


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


def test_nobody_turns_out_gives_zero_ballots():
    n = 50
    pop = Population(home=np.zeros(n, np.int32), xy=np.zeros((n, 2), np.float32),
                     party=np.full(n, -1, np.int8), strength=np.zeros(n, np.float32),
                     turnout_logit=np.full(n, -80.0, np.float32), unit_median=np.zeros((1, 2)))
    ballots = Ballots(starts=np.array([0]), stops=np.array([n]), cand_start=np.array([0, 2]),
                      cand_xy=np.zeros((2, 2)), cand_valence=np.zeros(2),
                      cand_party=np.array([-1, -1], np.int16), logit_shift=np.zeros(1),
                      keys=np.array([7], np.uint64))
    tally = run_direct_elections(pop, ballots, np.array([1.0, 1.0, 0.5, -1.0]))
    assert tally.ballots.tolist() == [0]
    assert tally.votes.tolist() == [0, 0]
    assert (tally.choice == -2).all()


def test_batch_rejects_overlapping_contests():
    n = 10
    pop = Population(home=np.zeros(n, np.int32), xy=np.zeros((n, 2), np.float32),
                     party=np.full(n, -1, np.int8), strength=np.zeros(n, np.float32),
                     turnout_logit=np.zeros(n, np.float32), unit_median=np.zeros((1, 2)))
    ballots = Ballots(starts=np.array([0, 5]), stops=np.array([6, 10]),
                      cand_start=np.array([0, 1, 2]), cand_xy=np.zeros((2, 2)),
                      cand_valence=np.zeros(2), cand_party=np.array([-1, -1], np.int16),
                      logit_shift=np.zeros(2), keys=np.array([1, 2], np.uint64))
    import pytest

    with pytest.raises(ValueError, match="must not share voters"):
        run_direct_elections(pop, ballots, np.array([1.0, 1.0, 0.5, -1.0]))


def test_results_do_not_depend_on_thread_count():
    import numba

    rng = np.random.default_rng(5)
    n = 20_000
    starts = np.arange(0, n, 1000, dtype=np.int64)
    stops = starts + 1000
    logit = rng.normal(size=n).astype(np.float32)
    keys = rng.integers(0, 2**63, size=len(starts), dtype=np.uint64)
    outs = []
    for threads in (1, numba.config.NUMBA_NUM_THREADS):
        numba.set_num_threads(threads)
        out = np.zeros(n, dtype=np.uint8)
        kernels.turnout_kernel(starts, stops, logit, np.zeros(len(starts)), keys, out)
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
    params = np.array([0.7, 0.4, 0.0, 1.0, 0.8, 1.0])
    out = (np.empty((n, 2), np.float32), np.empty(n, np.int8), np.empty(n, np.float32),
           np.empty(n, np.float32))
    from akimsim.population import voter_blocks

    bs, be, bu = voter_blocks(starts, counts, size=5)
    assert (be - bs).sum() == n
    kernels.voters_kernel(bs, be, bu, mean, shift, cum, pxy, params, np.uint64(key), *out)
    twin = naive.voters(starts, counts, mean, shift, cum, pxy, params, key, n)
    for got, want in zip(out, twin, strict=True):
        np.testing.assert_array_equal(got, want)


@given(batches(), st.integers(1, 5), st.sampled_from([0.0, 0.5, 3.0]))
def test_rank_and_approval_kernels_match_twins(b, depth, margin):
    voted = naive.turnout(b["starts"], b["stops"], b["logit"], b["shift"], b["keys"], b["n"])
    args = (b["starts"], b["stops"], b["cand_start"], b["cand_xy"], b["valence"],
            b["cand_party"], b["xy"], b["party"], b["strength"], voted, b["weights"], b["keys"])
    ranking = np.full((b["n"], depth), -1, dtype=np.int8)
    kernels.rank_kernel(*args, ranking)
    np.testing.assert_array_equal(ranking, naive.rank(*args, b["n"], depth))
    approvals = np.zeros(b["n"], dtype=np.uint32)
    kernels.approval_kernel(*args, margin, approvals)
    np.testing.assert_array_equal(approvals, naive.approve(*args, margin, b["n"]))
    # approval ballots agree with the rankings: nobody approved exactly when the
    # ranking is empty, and the first preference is always approved
    assert np.array_equal(approvals == 0, ranking[:, 0] < 0)
    firsts = ranking[:, 0]
    has = firsts >= 0
    assert np.all((approvals[has] >> firsts[has].astype(np.uint32)) & 1 == 1)
    # the first preference is the single-mark choice: same utilities, same draws
    choice = np.full(b["n"], -3, dtype=np.int16)
    kernels.choice_kernel(*args, choice)
    inside = choice != -3
    for j in np.flatnonzero(np.diff(b["cand_start"]) == 0):  # empty ballots: the choice
        inside[b["starts"][j]:b["stops"][j]] = False  # kernel counts them as not voting
    first = np.where(voted == 1, ranking[:, 0], -2)
    np.testing.assert_array_equal(first[inside], choice[inside])

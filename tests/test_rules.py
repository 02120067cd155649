"""Voting rules: the registry, hand-computed profiles, degenerate cases, and every
rule against its slow twin in tests/naive.py on random profiles (hypothesis)."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import naive
from akimsim.config import AgainstAllPolicy, RuleConfig, RuleName, TieStage
from akimsim.elections import RULES, BallotBox, get_rule, lot_priorities
from akimsim.kernels import ContestBatch


def box_from(contests, keys=None, voted=None, approvals=None):
    """contests: list of (n_candidates, rows); each row a list of slots (may be empty)."""
    rows = [r for _, rs in contests for r in rs]
    depth = max([len(r) for r in rows] + [1])
    ranking = np.full((len(rows), depth), -1, dtype=np.int8)
    for i, r in enumerate(rows):
        ranking[i, : len(r)] = r
    sizes = [len(rs) for _, rs in contests]
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    stops = starts + np.asarray(sizes, dtype=np.int64)
    ks = [k for k, _ in contests]
    c = len(contests)
    batch = ContestBatch(
        starts=starts, stops=stops,
        cand_start=np.concatenate(([0], np.cumsum(ks))).astype(np.int64),
        keys=np.arange(1, c + 1, dtype=np.uint64) if keys is None else keys,
        lot_keys=np.arange(100, 100 + c, dtype=np.uint64),
    )
    box = BallotBox(batch=batch, electorate=np.asarray(sizes, dtype=np.int64),
                    voted=np.ones(len(rows), dtype=np.uint8) if voted is None else voted,
                    ranking=ranking, approvals=approvals)
    box.check()
    return box


def tie_tuples(res):
    """A result's ties as (round, stage, tied, chosen) like the twins', checking the lots."""
    out = []
    for t in res.ties:
        assert len(t.lots) == len(t.tied)
        assert len(t.chosen) == 1
        out.append((t.round, t.stage.value, t.tied, t.chosen[0]))
    return out


SPOILER = (3, [[0, 1, 2]] * 4 + [[2, 1, 0]] * 3 + [[1, 0, 2]] * 2)
# A>B>C x4, C>B>A x3, B>A>C x2: plurality and runoffs elect A (0), but B (1) beats both
# head to head and has the most Borda points (A 10, B 11, C 6).
SPOILER_WINNERS = {
    "plurality": 0, "two_round": 0, "instant_runoff": 0, "borda": 1, "condorcet": 1,
    "copeland": 1,
}


@pytest.mark.parametrize("name", sorted(SPOILER_WINNERS))
def test_spoiler_profile_by_hand(name):
    (res,) = get_rule(name).fn(box_from([SPOILER]), RuleConfig())
    assert res.status == "elected"
    assert res.winner == SPOILER_WINNERS[name]
    assert res.ballots == 9
    assert res.against_all == 0


def test_spoiler_round_counts_by_hand():
    cfg = RuleConfig()
    (irv,) = get_rule("instant_runoff").fn(box_from([SPOILER]), cfg)
    assert irv.rounds == ((4, 2, 3), (6, 0, 3))
    (tr,) = get_rule("two_round").fn(box_from([SPOILER]), cfg)
    assert tr.rounds == ((4, 2, 3), (6, 0, 3))
    (b,) = get_rule("borda").fn(box_from([SPOILER]), cfg)
    assert b.rounds == ((10, 11, 6),)
    (cp,) = get_rule("copeland").fn(box_from([SPOILER]), cfg)
    assert cp.rounds == ((2, 4, 0),)  # Copeland x2: A beats C, B beats both


def test_condorcet_cycle_has_no_winner_but_copeland_picks_by_lot():
    cycle = (3, [[0, 1, 2], [1, 2, 0], [2, 0, 1]])
    (res,) = get_rule("condorcet").fn(box_from([cycle]), RuleConfig())
    assert res.status == "no_winner"
    assert res.winner == -1
    assert "Condorcet" in res.reason
    box = box_from([cycle])
    (cp,) = get_rule("copeland").fn(box, RuleConfig())
    assert cp.status == "elected"
    (tie,) = cp.ties
    assert (tie.round, tie.stage, tie.tied) == (1, TieStage.winner, (0, 1, 2))
    lots = lot_priorities(box.lot_keys[0], 3)
    assert tie.lots == tuple(lots)
    assert tie.chosen == (int(np.argmax(lots)),)  # the highest lot wins
    assert cp.winner == tie.chosen[0]


def test_registry_walk_with_an_obvious_winner():
    assert set(RULES) == {r.value for r in RuleName}
    unanimous = (3, [[2, 0, 1]] * 5)
    approvals = np.full(5, 1 << 2, dtype=np.uint32)
    for name, spec in RULES.items():
        (res,) = spec.fn(box_from([unanimous], approvals=approvals), RuleConfig())
        assert (res.winner, res.status) == (2, "elected"), name
    with pytest.raises(KeyError, match="known rules"):
        get_rule("sortition")


@pytest.mark.parametrize("name", sorted(RULES))
def test_degenerate_contests(name):
    approvals = np.zeros(6, dtype=np.uint32)
    contests = [
        (2, []),  # empty unit: nobody to vote
        (1, [[0], [0]]),  # one candidate
        (2, [[], []]),  # everyone votes against all
        (2, [[0], [1]]),  # an exact tie
    ]
    approvals[:2] = 1
    approvals[4], approvals[5] = 1, 2
    box = box_from(contests, approvals=approvals)
    empty, single, against, tie = get_rule(name).fn(box, RuleConfig())
    assert empty.status == "turnout_too_low"
    assert empty.winner == -1
    assert single.status == "elected"
    assert single.winner == 0
    assert against.status == "against_all"
    assert against.against_all == 2
    if name == "condorcet":  # a head-to-head draw: no Condorcet winner
        assert tie.status == "no_winner"
    else:
        assert tie.status == "elected"
        assert tie.winner in (0, 1)
        records = [(t.round, t.stage, t.tied, t.chosen) for t in tie.ties]
        if name == "two_round":  # tied for first place, then tied again in the runoff
            assert records == [(1, TieStage.first_place, (0, 1), records[0][3]),
                               (2, TieStage.winner, (0, 1), (tie.winner,))]
        elif name == "instant_runoff":  # the lot eliminates one; the other wins round two
            assert records == [(1, TieStage.eliminated, (0, 1), (1 - tie.winner,))]
        else:
            assert records == [(1, TieStage.winner, (0, 1), (tie.winner,))]
    cfg = RuleConfig(against_all_wins=AgainstAllPolicy.ignore)
    assert get_rule(name).fn(box, cfg)[2].status != "against_all"


@pytest.mark.parametrize("name", sorted(RULES))
def test_nobody_turns_out(name):
    box = box_from([(2, [[0], [1], [0]])], voted=np.zeros(3, dtype=np.uint8),
                   approvals=np.ones(3, dtype=np.uint32))
    (res,) = get_rule(name).fn(box, RuleConfig())
    assert res.status == "turnout_too_low"
    assert res.ballots == 0


def test_min_turnout_and_majority_threshold():
    box = box_from([(2, [[0], [0], [1]])], voted=np.array([1, 1, 0], dtype=np.uint8))
    (res,) = get_rule("plurality").fn(box, RuleConfig(min_turnout=0.7))
    assert res.status == "turnout_too_low"
    (res,) = get_rule("two_round").fn(box_from([SPOILER]), RuleConfig(majority_threshold=0.4))
    assert res.rounds == ((4, 2, 3),)  # 4 of 9 > 40 %: no runoff


@st.composite
def profiles(draw):
    k = draw(st.integers(1, 5))
    n = draw(st.integers(0, 30))
    rows = []
    for _ in range(n):
        perm = draw(st.permutations(list(range(k))))
        cut = draw(st.integers(0, k))
        rows.append(list(perm[:cut]) if draw(st.integers(0, 9)) else [])
    return k, rows


def expected(name, k, rows, lot_key, voter_key, start, cfg):
    if name == "plurality":
        return naive.plurality(rows, k, lot_key)
    if name == "instant_runoff":
        return naive.instant_runoff(rows, k, lot_key)
    if name == "two_round":
        return naive.two_round(rows, k, lot_key, voter_key, range(start, start + len(rows)),
                               cfg.majority_threshold, cfg.runoff_turnout)
    if name == "borda":
        return naive.borda(rows, k, lot_key)
    if name == "condorcet":
        return naive.copeland(rows, k, lot_key, fallback=False)
    if name == "copeland":
        return naive.copeland(rows, k, lot_key)
    raise AssertionError(name)


@pytest.mark.parametrize("name", ["plurality", "instant_runoff", "two_round", "borda",
                                  "condorcet", "copeland"])
@given(st.lists(profiles(), min_size=1, max_size=4), st.sampled_from([1.0, 0.6]))
def test_ranked_rules_match_twins(name, contests, runoff_turnout):
    cfg = RuleConfig(runoff_turnout=runoff_turnout)
    box = box_from(contests)
    results = get_rule(name).fn(box, cfg)
    for c, ((k, rows), res) in enumerate(zip(contests, results, strict=True)):
        first, against = naive.first_counts(rows, k)
        if not rows:
            assert res.status == "turnout_too_low"
            continue
        if against > max(first):
            assert res.status == "against_all"
            continue
        winner, rounds, ties = expected(name, k, rows, int(box.lot_keys[c]), int(box.keys[c]),
                                        int(box.starts[c]), cfg)
        assert res.winner == winner
        assert [list(r) for r in res.rounds] == rounds
        assert res.status == ("elected" if winner >= 0 else "no_winner")
        assert tie_tuples(res) == ties
        for t in res.ties:
            lots = lot_priorities(box.lot_keys[c], k)
            assert t.lots == tuple(lots[list(t.tied)])


@given(st.lists(profiles(), min_size=1, max_size=4), st.integers(0, 2**31))
def test_approval_matches_twin(contests, seed):
    rng = np.random.default_rng(seed)
    n = sum(len(rows) for _, rows in contests)
    masks = np.zeros(n, dtype=np.uint32)
    i = 0
    for _k, rows in contests:
        for row in rows:  # approve the ranked candidates, sometimes fewer
            keep = row[: rng.integers(0, len(row) + 1)] if row else []
            masks[i] = sum(1 << s for s in keep) if row else 0
            i += 1
    box = box_from(contests, approvals=masks)
    results = get_rule("approval").fn(box, RuleConfig())
    for c, ((k, rows), res) in enumerate(zip(contests, results, strict=True)):
        first, against = naive.first_counts(rows, k)
        if not rows or against > max(first):
            assert res.status in ("turnout_too_low", "against_all")
            continue
        sl = masks[box.starts[c]:box.stops[c]]
        winner, rounds, ties = naive.approval([int(m) for m in sl], k, int(box.lot_keys[c]))
        assert (res.winner, [list(r) for r in res.rounds]) == (winner, rounds)
        assert tie_tuples(res) == ties


@pytest.mark.parametrize("name", sorted(RULES))
def test_same_result_with_one_and_two_threads(name):
    rng = np.random.default_rng(3)
    contests = []
    for _ in range(40):
        k = int(rng.integers(1, 6))
        rows = [list(rng.permutation(k)[: rng.integers(0, k + 1)]) for _ in range(300)]
        contests.append((k, rows))
    box = box_from(contests, approvals=rng.integers(0, 32, size=300 * 40, dtype=np.uint32))
    outs = []
    for threads in (1, numba.config.NUMBA_NUM_THREADS):
        numba.set_num_threads(threads)
        outs.append(get_rule(name).fn(box, RuleConfig(runoff_turnout=0.7)))
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert outs[0] == outs[1]

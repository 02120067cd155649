"""Candidates as arrays and draws by key: hand-computed cases, twins, and the guarantee that
results do not depend on how posts are batched.

Entry, the appointers' ranking and the councils' votes work on whole batches of posts with
counter-based draws keyed by (year, unit); these tests check them against the generator
inside the kernels, against the one-contest procedure they vectorise, and across
batchings.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from akimsim import AkimModel, toy_config
from akimsim.agents import DeputyBloc, person_id
from akimsim.agents.behaviour.entry import (
    POOL_DOMINANT_SHARE,
    direct_entry,
    poisson_quantile,
    shortlist_entry,
)
from akimsim.agents.pool import NOMINATION_CODE, CandidatePool, Incumbents, rank_within
from akimsim.config import CandidateBehaviour, MaslikhatBehaviour, Nomination, PartyConfig
from akimsim.elections.council import council_vote, council_votes
from akimsim.kernels import rng as krng
from akimsim.kernels.rng import derive_keys, normals, uniforms

PARTIES = [PartyConfig("A", attachment=0.5, x=0.5, y=0.0, nominate_rate=1.0, dominant=True),
           PartyConfig("B", attachment=0.2, x=-0.5, y=0.0, nominate_rate=0.0)]


def pool_rows(pool: CandidatePool, j: int) -> dict[str, list]:
    rows = pool.rows(j)
    return {f: getattr(pool, f)[rows].tolist() for f in
            ("person_id", "x", "y", "competence", "loyalty", "party", "nomination",
             "incumbent", "record")} | {"nominated": int(pool.nominated[j])}


def incumbents(n: int, eligible: bool = True, party: int = -1) -> Incumbents:
    return Incumbents(np.full(n, eligible), np.arange(n, dtype=np.int64) + 900,
                      np.full(n, 0.25), np.full(n, -0.25), np.full(n, 1.5), np.full(n, 0.75),
                      np.full(n, party, dtype=np.int64), np.full(n, 0.4))


# ------------------------------------------------------------------ the NumPy draws


def test_numpy_draws_equal_the_kernels_generator():
    key = np.uint64(987654321)
    rows = np.arange(500)
    jit = np.array([krng.uniform01(key, int(i), np.uint64(0x24)) for i in rows])
    np.testing.assert_array_equal(uniforms(key, rows, 0x24), jit)
    pairs = np.array([krng.normal_pair(key, int(i), np.uint64(0x24)) for i in rows])
    z0, z1 = normals(key, rows, 0x24)
    np.testing.assert_allclose(np.column_stack([z0, z1]), pairs, rtol=0, atol=1e-12)
    # broadcasting: keys by rows gives the same numbers as one key at a time
    keys = np.array([3, 5, 7], dtype=np.uint64)
    grid = uniforms(keys[:, None], rows[None, :4], 9)
    for i, k in enumerate(keys):
        np.testing.assert_array_equal(grid[i], uniforms(k, rows[:4], 9))


def test_derived_keys_are_distinct_and_order_free():
    units = np.arange(5000)
    keys = derive_keys(np.uint64(42), 2021, units)
    assert np.unique(keys).shape[0] == units.shape[0]
    assert derive_keys(np.uint64(42), 2021, units[::-1])[::-1].tolist() == keys.tolist()
    assert derive_keys(np.uint64(42), 2022, 7)[0] != keys[7]
    assert derive_keys(np.uint64(42), 2021, 7, 1)[0] != keys[7]
    assert derive_keys(np.uint64(43), 2021, 7)[0] != keys[7]
    # swapping the year and the unit gives another key
    assert derive_keys(np.uint64(42), 7, 2021)[0] != keys[7]


def test_poisson_quantile_is_the_inverse_cdf():
    u = np.linspace(0.0005, 0.9995, 400)
    for mean in (0.0, 0.3, 2.4, 15.0):
        expected = stats.poisson.ppf(u, mean) if mean > 0 else np.zeros_like(u)
        np.testing.assert_array_equal(poisson_quantile(u, mean), expected.astype(np.int64))


# ------------------------------------------------------------------ entry, by hand


def test_direct_entry_by_hand():
    # party A always nominates and B never; nobody self-nominates; no rejection; the
    # incumbent (non-party) always stands: the list is the incumbent, then A's nominee
    b = replace(CandidateBehaviour(), incumbent_runs=1.0, self_nominee_rate=0.0,
                registration_rejection=0.0, platform_sd=0.0)
    units = np.array([4, 9])
    keys = np.array([11, 12], dtype=np.uint64)
    pool = direct_entry(2021, units, keys, np.array([100, 100]), np.zeros((2, 2)), PARTIES,
                        b, 0, incumbents(2))
    assert pool.counts().tolist() == [2, 2]
    assert pool.nominated.tolist() == [2, 2]
    first = pool_rows(pool, 0)
    assert first["person_id"] == [900, person_id(2021, 4, 1)]
    assert first["incumbent"] == [True, False]
    assert first["record"] == [0.4, 0.0]
    assert first["party"] == [-1, 0]
    assert first["nomination"] == [NOMINATION_CODE[Nomination.self],
                                   NOMINATION_CODE[Nomination.party]]
    assert first["x"] == [0.25, 0.5]  # the incumbent's platform; A's, with no spread
    # an incumbent of party A takes A's place: A nominates nobody else
    pool = direct_entry(2021, units, keys, np.array([100, 100]), np.zeros((2, 2)), PARTIES,
                        b, 0, incumbents(2, party=0))
    assert pool.counts().tolist() == [1, 1]
    assert pool.nomination.tolist() == [NOMINATION_CODE[Nomination.party]] * 2
    # everyone rejected: nobody registers, but two were nominated
    pool = direct_entry(2021, units, keys, np.array([100, 100]), np.zeros((2, 2)), PARTIES,
                        replace(b, registration_rejection=1.0), 0, incumbents(2))
    assert pool.counts().tolist() == [0, 0]
    assert pool.nominated.tolist() == [2, 2]


def test_signatures_pass_with_the_beta_probability():
    # with the 1 % threshold and an electorate of 1,000, a would-be self-nominee needs a
    # reach of at least 1 %: P = 1 - I_0.01(a, b) over many posts
    b = replace(CandidateBehaviour(), incumbent_runs=0.0, self_nominee_rate=3.0,
                registration_rejection=0.0, signature_threshold=0.01, signature_reach_a=0.5,
                signature_reach_b=20.0)
    n = 20000
    pool = direct_entry(2021, np.arange(n), derive_keys(np.uint64(5), np.arange(n)),
                        np.full(n, 1000), np.zeros((n, 2)),
                        [replace(PARTIES[0], nominate_rate=0.0)], b, 0, incumbents(n, False))
    expected = 3.0 * (1 - special.betainc(0.5, 20.0, 0.01))
    assert pool.size / n == pytest.approx(expected, abs=0.03)
    assert pool.nominated.tolist() == pool.counts().tolist()  # nobody rejected
    # nobody clears the threshold of an empty electorate
    empty = direct_entry(2021, np.arange(3), np.arange(3, dtype=np.uint64), np.zeros(3),
                         np.zeros((3, 2)), [replace(PARTIES[0], nominate_rate=0.0)], b, 0,
                         incumbents(3, False))
    assert empty.size == 0


def test_shortlists_by_hand_and_their_party_share():
    b = replace(CandidateBehaviour(), pool_size=4)
    n = 5000
    pool = shortlist_entry(2020, np.arange(n), derive_keys(np.uint64(8), np.arange(n)),
                           np.zeros((n, 2)), PARTIES, b, 0, incumbents(n))
    assert pool.counts().tolist() == [5] * n
    assert pool.incumbent[pool.start[:-1]].all()  # the incumbent first
    newcomers = ~pool.incumbent
    assert (pool.party[newcomers] == 0).mean() == pytest.approx(POOL_DOMINANT_SHARE, abs=0.02)
    assert (pool.nomination == NOMINATION_CODE[Nomination.appointer]).all()
    acting = shortlist_entry(2020, np.array([3]), np.array([1], np.uint64), np.zeros((1, 2)),
                             PARTIES, b, 0, Incumbents.none(1), acting=True)
    assert acting.person_id.tolist() == [person_id(2020, 3, s, acting=True) for s in range(4)]


def test_rank_within_sorts_each_post_and_keeps_ties_in_list_order():
    start = np.array([0, 3, 3, 5])
    utility = np.array([1.0, 2.0, 1.0, 0.0, 0.0])
    assert rank_within(utility, start).tolist() == [1, 0, 2, 3, 4]


# ------------------------------------------------------------------ batching changes nothing


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=12, unique=True),
       st.integers(0, 2**63), st.booleans())
def test_entry_does_not_depend_on_the_batch(units, root, direct):
    units = np.array(units, dtype=np.int64)
    keys = derive_keys(np.uint64(root), 2021, units)
    n = units.shape[0]
    electorate = 50 + 40 * units
    median = np.column_stack([units * 0.01, -units * 0.02])
    inc = incumbents(n, party=-1)

    def entry(idx: np.ndarray) -> CandidatePool:
        sub = Incumbents(*(getattr(inc, f)[idx] for f in inc.__dataclass_fields__))
        if direct:
            return direct_entry(2021, units[idx], keys[idx], electorate[idx], median[idx],
                                PARTIES, CandidateBehaviour(), 0, sub)
        return shortlist_entry(2021, units[idx], keys[idx], median[idx], PARTIES,
                               CandidateBehaviour(), 0, sub)

    together = entry(np.arange(n))
    for j in range(n):
        alone = entry(np.array([j]))
        assert pool_rows(alone, 0) == pool_rows(together, j)


def _bloc(rng: np.random.Generator, size: int, rules: MaslikhatBehaviour) -> DeputyBloc:
    return DeputyBloc(rng.normal(size=(size, 2)), rng.integers(-1, 2, size=size), rules)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_council_votes_equal_one_council_at_a_time(seed, second_round):
    # the batch's first round is an array computation; it must give exactly what
    # council_vote gives council by council, ties, lots and second rounds included
    rng = np.random.default_rng(seed)
    rules = replace(MaslikhatBehaviour(), noise=float(rng.choice([0.0, 0.3, 1.0])),
                    follow_nominator=float(rng.choice([0.0, 0.0, 0.8])))
    c = int(rng.integers(1, 9))
    blocs = [_bloc(rng, int(rng.integers(1, 14)), rules) for _ in range(c)]
    k = [int(rng.choice([1, 2, 2, 2, 3, 4])) for _ in range(c)]  # two is the default
    # platforms on a coarse grid, so exact ties in deputies' utilities and votes happen
    xy = [rng.integers(-1, 2, size=(n, 2)).astype(float) for n in k]
    party = [rng.integers(-1, 2, size=n) for n in k]
    keys = rng.integers(0, 2**63, size=c).astype(np.uint64)
    lots = rng.integers(0, 2**63, size=c).astype(np.uint64)
    start = np.concatenate(([0], np.cumsum(k))).astype(np.int64)
    line = rng.integers(-1, 2, size=c)  # the nominator's party, -1 for none
    batch = council_votes(blocs, np.concatenate(xy), np.concatenate(party), start, keys, lots,
                          second_round, line)
    for j in range(c):
        one = council_vote(blocs[j], xy[j], party[j], keys[j], lots[j], second_round,
                           int(line[j]))
        got = batch[j]
        assert (got.winner, got.rounds, got.ties) == (one.winner, one.rounds, one.ties)
        assert got.votes.tolist() == one.votes.tolist()
        assert (got.first_round is None) == (one.first_round is None)
        if one.first_round is not None:
            assert got.first_round.tolist() == one.first_round.tolist()


def test_a_model_run_does_not_depend_on_how_posts_are_batched(monkeypatch):
    # run the toy timeline twice: once as the model batches posts (a tier and regime
    # at a time) and once deciding every post in a batch of its own
    cfg = toy_config(4)
    cfg.output.progress = False
    whole = AkimModel(cfg).run()
    original = AkimModel._run_batch

    def one_by_one(self, year, tier, regime, units):
        for u in units:
            original(self, year, tier, regime, np.array([u], dtype=np.int64))

    monkeypatch.setattr(AkimModel, "_run_batch", one_by_one)
    split = AkimModel(cfg).run()
    a, b = whole.contest_table(), split.contest_table()
    order = ["year", "tier", "unit_id"]
    a = a.sort_values(order, kind="stable").reset_index(drop=True)
    b = b.sort_values(order, kind="stable").reset_index(drop=True)
    import pandas as pd

    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(whole.office_table(), split.office_table())


def _score_rule_one_by_one(box, cfg, scores):
    """The per-contest reference the array version of score_rule replaced: the gatekeeper,
    then the top score with ties by the contest's lots."""
    from akimsim.config import Status
    from akimsim.elections.box import ContestResult
    from akimsim.elections.lots import pick_best
    from akimsim.elections.registry import gatekeeper

    first = box.first_preferences
    out = []
    for c in range(box.n_contests):
        k0, k1 = int(box.cand_start[c]), int(box.cand_start[c + 1])
        against, ballots = int(first.against_all[c]), int(first.ballots[c])
        gate = gatekeeper(box, cfg, c, first.votes[k0:k1], against, ballots)
        if gate is not None:
            out.append(gate)
            continue
        s = scores[k0:k1]
        winner, tie = pick_best(s, box.lot_keys[c])
        out.append(ContestResult(winner, Status.elected, (tuple(int(v) for v in s),), against,
                                 ballots, (tie,) if tie else ()))
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["plurality", "borda"]),
       st.sampled_from([0.0, 0.3, 0.6]), st.sampled_from(["rerun", "ignore"]))
def test_score_rules_as_arrays_equal_the_per_contest_rule(seed, rule, min_turnout, against):
    from akimsim.config import RuleConfig
    from akimsim.elections import BallotBox, get_rule
    from akimsim.kernels import ContestBatch

    rng = np.random.default_rng(seed)
    c = int(rng.integers(1, 7))
    k = rng.integers(1, 4, size=c)
    sizes = rng.integers(0, 9, size=c)
    depth = 3
    n = int(sizes.sum())
    ranking = np.full((n, depth), -1, dtype=np.int8)
    post = np.repeat(np.arange(c), sizes)
    for i in range(n):  # small random ballots, blanks ("against all") included
        m = int(rng.integers(0, k[post[i]] + 1))
        ranking[i, :m] = rng.permutation(k[post[i]])[:m]
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    batch = ContestBatch(starts, starts + sizes, np.concatenate(([0], np.cumsum(k))).astype(
        np.int64), np.arange(1, c + 1, dtype=np.uint64),
        rng.integers(0, 2**63, size=c).astype(np.uint64))
    voted = (rng.random(n) < 0.8).astype(np.uint8)
    box = BallotBox(batch, sizes.astype(np.int64) + rng.integers(0, 3, size=c), voted, ranking)
    cfg = RuleConfig(min_turnout=min_turnout, against_all_wins=against)
    spec = get_rule(rule)
    got = spec.fn(box, cfg)
    if rule == "plurality":
        scores = box.first_preferences.votes
    else:
        from akimsim.kernels import balanced, borda_kernel

        scores = np.zeros(int(batch.cand_start[-1]), dtype=np.int64)
        with balanced():
            borda_kernel(batch, ranking, voted, scores)
    assert got == _score_rule_one_by_one(box, cfg, scores)


@pytest.mark.parametrize("rule", ["plurality", "two_round", "instant_runoff", "approval"])
def test_the_contest_table_from_columns_equals_the_per_contest_table(rule):
    # every regime and kind of contest (reform timeline on a synthetic region: appointed,
    # council-elected and directly elected akims, failed contests and reruns)
    from akimsim import ReformStep, RegimeName, RegimesConfig, Tier
    from akimsim.config import RuleConfig, TerritoryConfig, TerritorySource
    from akimsim.metrics import contest_table, contest_table_by_contest

    cfg = toy_config(7)
    cfg.output.progress = False
    cfg.territory = TerritoryConfig(source=TerritorySource.synthetic, regions=2,
                                    districts_per_region=4, villages_per_district=4,
                                    voters_per_village=200, district_centre_voters=400,
                                    region_centre_voters=300)
    cfg.regimes = RegimesConfig(schedule=[
        ReformStep(2013, Tier.rural, RegimeName.indirect),
        ReformStep(2019, Tier.rural, RegimeName.direct),
        ReformStep(2021, Tier.district, RegimeName.direct, units=3, immediate=True)])
    cfg.rule = RuleConfig(name=rule, min_turnout=0.5)
    import pandas as pd

    record = AkimModel(cfg).run().run_record
    fast, slow = contest_table(record), contest_table_by_contest(record)
    assert len(fast) > 50
    assert set(fast["status"]) >= {"elected", "appointed"}
    pd.testing.assert_frame_equal(fast, slow)


def test_offices_keep_each_holders_record_by_hand():
    from akimsim.agents import Traits
    from akimsim.agents.behaviour.accountability import Effort
    from akimsim.agents.offices import Offices

    def split(focus):
        focus = np.array(focus)
        return Effort(focus, focus, 1.0 - focus)

    pool = CandidatePool.of_people([[(7, Traits(0.1, 0.2, 1.5, 0.3, 0))],
                                    [(8, Traits(0.0, 0.0, -1.0, 2.0, -1))]])
    o = Offices(2, capacity=2)
    o.seat(np.array([0, 1]), pool, np.array([0, 1]), 2020, 1, np.array([2025, 2025]),
           split([0.5, 0.5]), acting=False)
    units = np.array([0, 1])
    assert o.record(units, 5).tolist() == [0.0, 0.0]  # no year in office yet
    assert o.mean_loyalty(units, 5).tolist() == [0.3, 2.0]  # the trait until then
    for perf in ([1.0, 2.0], [2.0, 4.0], [4.0, 8.0]):  # three years; capacity grows
        o.remember(np.array(perf), np.array(perf) / 2)
    assert o.tenure.tolist() == [3, 3]
    assert o.record(units, 2).tolist() == [3.0, 6.0]  # (2 + 4) / 2 and (4 + 8) / 2
    assert o.record(units, 5).tolist() == [7.0 / 3, 14.0 / 3]
    assert o.mean_loyalty(units, 1).tolist() == [2.0, 4.0]
    # a new holder starts afresh; the incumbent's new term keeps its record
    o.seat(np.array([1]), pool, np.array([0]), 2023, 2, 2028, split([0.9]), acting=True)
    o.renew(np.array([0]), 2028, 2, split([0.4]))
    assert o.focus.tolist() == [0.4, 0.9]
    assert o.effort_appointer.tolist() == pytest.approx([0.6, 0.1])
    assert o.person_id.tolist() == [7, 7]
    assert o.record(units, 5).tolist() == [7.0 / 3, 0.0]
    assert o.consecutive_terms.tolist() == [2, 1]
    assert o.acting.tolist() == [False, True]
    assert o.term_end.tolist() == [2028, 2028]


def test_an_akim_agent_views_its_units_office():
    cfg = toy_config(2)
    cfg.output.progress = False
    model = AkimModel(cfg).run()
    offices = model.office_table()
    last = offices[offices["year"] == cfg.end_year].set_index("unit")
    for akim in model.akim_of:  # one agent per unit for the whole run
        row = last.loc[akim.unit]
        assert (akim.person_id, akim.competence, akim.tenure) == (
            row["person_id"], row["competence"], row["tenure"])
        assert akim.regime.value == row["selected_by"]
    from akimsim.agents import Akim, RegionalAkim

    assert (len(model.agents_by_type[Akim]) + len(model.agents_by_type[RegionalAkim])
            == model.territory.n_units)

"""Maslikhats as they are held (issue 13): hand-computed council elections, list seats,
council votes of real size, the two-candidate consent vote, nominees per post, and the
model's council years, 2013 wave and council table."""

from __future__ import annotations

from dataclasses import replace

import mesa
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akimsim.agents import DeputyBloc, Maslikhat
from akimsim.config import (
    AppointerBehaviour,
    CandidateBehaviour,
    CouncilComposition,
    CouncilRule,
    CouncilSystem,
    MaslikhatBehaviour,
    PartyConfig,
    ReformStep,
    RegimeName,
    RuleConfig,
    RunConfig,
    TerritoryConfig,
    TerritorySource,
    Tier,
    TieStage,
    VoterBehaviour,
)
from akimsim.elections.council import consent_choice, council_vote, draw_lot
from akimsim.elections.councils import (
    district_bounds,
    elect_councils,
    election_years,
    largest_remainder,
    rule_of,
    seat_counts,
    split_seats,
)
from akimsim.kernels import ContestBatch, balanced, sample_kernel
from akimsim.kernels.rng import CUT_DRAW, SAMPLE_CHANNEL, derive_keys, uniforms
from akimsim.model import AkimModel
from akimsim.regimes.indirect import nominee_counts
from akimsim.world import Population, build_territory

# ----------------------------------------------------------------- list seats by hand


def test_list_allocation_with_threshold_by_hand():
    # 10,000 ballots, 10 seats, threshold 7 %: D (6 %) and E (4 %) fall out. Among
    # 9,000 votes the quotas are 5.78, 2.56 and 1.67: floors 5 + 2 + 1 = 8, the two
    # largest remainders (.78 of A, .67 of C) take the last two seats.
    votes = np.array([5200, 2300, 1500, 600, 400])
    assert largest_remainder(votes, 10, 10_000, 0.07).tolist() == [6, 2, 2, 0, 0]
    # without a threshold D's remainder (.6) beats B's (.3): A 5, B 2, C 2, D 1
    assert largest_remainder(votes, 10, 10_000, 0.0).tolist() == [5, 2, 2, 1, 0]


def test_list_allocation_edges():
    # equal remainders go to the list listed first
    assert largest_remainder(np.array([1, 1, 1]), 2, 3, 0.0).tolist() == [1, 1, 0]
    # no list reaches the threshold: every list with votes shares the seats
    assert largest_remainder(np.array([40, 30, 30]), 3, 1000, 0.5).tolist() == [1, 1, 1]
    # nobody voted: no seat is filled
    assert largest_remainder(np.zeros(3, np.int64), 5, 0, 0.07).tolist() == [0, 0, 0]
    assert largest_remainder(np.array([5, 3]), 0, 8, 0.0).tolist() == [0, 0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=8), st.integers(0, 60),
       st.floats(0.0, 0.5))
def test_list_allocation_fills_every_seat_when_anyone_voted(votes, seats, threshold):
    v = np.array(votes, dtype=np.int64)
    out = largest_remainder(v, seats, int(v.sum()), threshold)
    assert out.sum() == (seats if v.sum() > 0 else 0)
    assert (out >= 0).all()
    assert (out[v == 0] == 0).all()


# ----------------------------------------------------------------- seats and districts


def test_seat_counts_follow_the_electorate_within_the_caps():
    terr = build_territory(TerritoryConfig())
    units = np.flatnonzero(terr.tier < Tier.rural.code)
    old = replace(MaslikhatBehaviour(), size_region=33, size_city=21, size_district=12,
                  size_elasticity=0.0)
    flat = seat_counts(old, terr, units)
    kind = np.array(terr.kind)[units]
    # elasticity 0: the tier's size everywhere (33 regions, 21 cities, 12 districts), the
    # councils of before issue 13
    assert flat.sum() == 20 * 33 + 37 * 21 + 165 * 12
    # the default: 3,414 deputies (docs/sources.md#maslikhats: 3,415 in 223 maslikhats, 2023)
    assert seat_counts(MaslikhatBehaviour(), terr, units).sum() == 3414
    assert set(flat[terr.tier[units] == 0].tolist()) == {33}
    assert set(flat[np.isin(kind, ["regional_city", "city"])].tolist()) == {21}
    rules = replace(old, size_elasticity=0.5)
    seats = seat_counts(rules, terr, units)
    region = terr.tier[units] == 0
    assert seats[region].max() <= 50
    assert seats[~region].max() <= 30
    assert seats.min() >= rules.min_size
    # Almaty (the largest electorate of its tier) gets more seats than Ulytau
    name = np.array(terr.name)[units]
    almaty = seats[np.flatnonzero(np.char.find(name.astype(str), "Almaty") >= 0)].max()
    assert almaty > seats[np.flatnonzero(np.char.find(name.astype(str), "Ulytau") >= 0)].min()
    # by hand: size 12 at the median; 4 x the median with elasticity 0.5 -> 24
    # (capped at 25); a quarter of it -> 6, raised to the minimum of 7
    v = terr.voters[units]
    district = (terr.tier[units] == 1) & ~np.isin(kind, ["regional_city", "city"])
    median = float(np.median(terr.voters[np.flatnonzero(
        (terr.tier == 1) & ~np.isin(np.array(terr.kind), ["regional_city", "city"]))]))
    expect = np.clip(np.rint(12 * (v[district] / median) ** 0.5), 7, 25)
    assert seats[district].tolist() == expect.astype(int).tolist()


def test_split_seats_and_districts():
    seats = np.array([7, 10])
    assert [a.tolist() for a in split_seats(CouncilSystem.mixed, seats)] == [[3, 5], [4, 5]]
    assert [a.tolist() for a in split_seats(CouncilSystem.list, seats)] == [[7, 10], [0, 0]]
    assert [a.tolist() for a in split_seats(CouncilSystem.smd, seats)] == [[0, 0], [7, 10]]
    council, first, end = district_bounds(np.array([0, 100]), np.array([10, 103]),
                                          np.array([3, 2]))
    assert council.tolist() == [0, 0, 0, 1, 1]
    assert first.tolist() == [0, 3, 6, 100, 101]
    assert end.tolist() == [3, 6, 10, 101, 103]


def test_council_election_years_and_rules():
    m = MaslikhatBehaviour()
    assert election_years(m, 2013, 2030) == [2012, 2016, 2021, 2023, 2028]
    assert election_years(m, 2013, 2015) == [2012]
    assert election_years(m, 2000, 2013) == [1997, 2002, 2007, 2012]
    assert election_years(replace(m, election_years=[]), 2013, 2020) == [2012, 2017]
    assert rule_of(m, 2012).local == CouncilSystem.smd
    assert rule_of(m, 2021).region == CouncilSystem.list
    assert rule_of(m, 2021).threshold == 0.07
    assert rule_of(m, 2028).region == CouncilSystem.mixed
    assert rule_of(m, 2028).local == CouncilSystem.smd


# ----------------------------------------------------------------- a council elected by hand


def _seven_voters(xs, party_of=None):
    """A one-region, one-district territory of 7 voters at ``xs`` (all turn out)."""
    terr = build_territory(TerritoryConfig(source=TerritorySource.synthetic, regions=1,
                                           districts_per_region=1, villages_per_district=1,
                                           voters_per_village=len(xs),
                                           district_centre_voters=0))
    n = len(xs)
    pop = Population(home=np.full(n, 2, np.int32),
                     xy=np.array([[x, 0.0] for x in xs], np.float32),
                     party=np.asarray(party_of if party_of is not None else [-1] * n, np.int8),
                     strength=np.zeros(n, np.float32),
                     turnout_logit=np.full(n, 80.0, np.float32),
                     unit_median=np.zeros((terr.n_units, 2)))
    return terr, pop


def _certain(**maslikhats):
    """Behaviour without noise: parties always nominate, nobody self-nominates, every
    ballot counted."""
    voters = replace(VoterBehaviour(), noise_scale=0.0, against_all_utility=-50.0,
                     competence_weight=0.0, admin_support=0.0, record_weight=0.0)
    cands = replace(CandidateBehaviour(), self_nominee_rate=0.0, registration_rejection=0.0,
                    platform_sd=0.0, competence_sd=0.0)
    parties = [PartyConfig("A", 0.0, -2.0, 0.0, 1.0), PartyConfig("B", 0.0, 0.5, 0.0, 1.0),
               PartyConfig("C", 0.0, 2.5, 0.0, 1.0)]
    m = replace(MaslikhatBehaviour(), ballot_share=1.0, min_size=1, **maslikhats)
    return voters, cands, parties, m


def test_seven_voter_single_member_district_by_hand():
    # voters at -3..3; the parties' nominees at -2 (A), 0.5 (B) and 2.5 (C); everyone
    # votes, no noise. Nearest: -3, -2, -1 -> A; 0, 1 -> B; 2, 3 -> C: A wins 3-2-2.
    terr, pop = _seven_voters([-3, -2, -1, 0, 1, 2, 3])
    voters, cands, parties, m = _certain(size_district=1, size_region=1)
    units = np.array([0, 1])
    out = elect_councils(2016, units, derive_keys(np.uint64(5), units), terr, pop, m, voters,
                         cands, RuleConfig(), parties, -1)
    for j in range(2):  # the region's single district and the district's are the same 7
        xy, party, how = out.deputies[j]
        assert party.tolist() == [0]
        assert xy.tolist() == [[-2.0, 0.0]]
        assert how.tolist() == [1]
    assert out.rows["system"] == ["smd", "smd"]
    assert out.rows["ballots"] == [7, 7]
    assert out.rows["seats_by_party"] == [[1, 0, 0], [1, 0, 0]]


def test_seven_voter_list_vote_by_hand():
    # the same voters choose between the three lists: A 3, B 2, C 2 votes; 5 seats by
    # largest remainders: quotas 2.14, 1.43, 1.43 -> 2 + 1 + 1, the last seat to the
    # largest remainder (.43, B listed before C).
    terr, pop = _seven_voters([-3, -2, -1, 0, 1, 2, 3])
    rule = CouncilRule(2021, CouncilSystem.list, CouncilSystem.list, 0.0)
    voters, cands, parties, m = _certain(size_district=5, size_region=5, systems=[rule])
    units = np.array([0, 1])
    out = elect_councils(2021, units, derive_keys(np.uint64(5), units), terr, pop, m, voters,
                         cands, RuleConfig(), parties, -1)
    assert out.rows["list_votes"] == [[3, 2, 2], [3, 2, 2]]
    assert out.rows["seats_by_party"] == [[2, 2, 1], [2, 2, 1]]
    _, party, how = out.deputies[1]
    assert party.tolist() == [0, 0, 1, 1, 2]
    assert how.tolist() == [0] * 5


def test_against_all_leaves_a_district_seat_vacant():
    terr, pop = _seven_voters([-3, -2, -1, 0, 1, 2, 3])
    voters, cands, parties, m = _certain(size_district=1, size_region=1)
    voters = replace(voters, against_all_utility=50.0)
    units = np.array([1])
    out = elect_councils(2016, units, derive_keys(np.uint64(5), units), terr, pop, m, voters,
                         cands, RuleConfig(), parties, -1)
    assert out.rows["seats"] == [1]
    assert out.rows["filled"] == [0]
    assert out.deputies[0][1].shape == (0,)


# ----------------------------------------------------------------- councils of real size


@pytest.fixture
def host():
    return mesa.Model(rng=0)


def _bloc(positions, parties=None, **rules):
    r = replace(MaslikhatBehaviour(), noise=0.0, party_discipline=0.0, **rules)
    xy = np.array([[x, 0.0] for x in positions], dtype=np.float64)
    party = np.asarray(parties if parties is not None else [-1] * len(positions), np.int64)
    return DeputyBloc(xy, party, r)


def test_nineteen_deputy_council_tie_and_lot_by_hand():
    # 19 deputies, three nominees at -1, 0 and 1; no noise, so each deputy votes for the
    # nearest: 8 at -1, 8 at +1, 3 at 0 -> 8-3-8, no majority of 19 (10 needed).
    positions = [-1.0] * 8 + [1.0] * 8 + [0.1, 0.0, -0.1]
    bloc = _bloc(positions)
    xy = np.array([[-1.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    party = np.full(3, -1, dtype=np.int64)
    key, lot = np.uint64(3), np.uint64(4)
    # without a second round the best placed win, the tie of A and C by the clerk's lot:
    # one uniform of the lot key (channel CLERK + 1) picks one of the two, in order
    once = council_vote(bloc, xy, party, key, lot, second_round=False)
    assert once.votes.tolist() == [8, 3, 8]
    tie = once.ties[0]
    assert tie.stage == TieStage.winner
    assert tie.tied == (0, 2)
    expected, _ = draw_lot(np.array([0, 2]), lot, 1)
    assert once.winner == expected
    # with a second round A and C go through (no lot at the cut); the three deputies
    # near 0 split: 0.1 -> C, -0.1 -> A, and the one at 0 is equidistant and votes for
    # the first listed (A): A 10, C 9, a one-vote win
    twice = council_vote(bloc, xy, party, key, lot, second_round=True)
    assert twice.first_round.tolist() == [8, 3, 8]
    assert twice.votes.tolist() == [10, 0, 9]
    assert twice.winner == 0
    assert twice.rounds == 2
    assert twice.ties == ()


def test_nineteen_deputy_council_tie_at_the_cut_by_hand():
    # 9 deputies at -1, 5 at 0 and 5 at +1: A 9 (short of 10), B and C tied for second;
    # each tied candidate draws (channel CUT_DRAW) and the lower draw goes through (its
    # recorded lot, 1 - draw, is the higher)
    positions = [-1.0] * 9 + [0.0] * 5 + [1.0] * 5
    bloc = _bloc(positions)
    xy = np.array([[-1.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    party = np.full(3, -1, dtype=np.int64)
    lot = np.uint64(8)
    out = council_vote(bloc, xy, party, np.uint64(1), lot, second_round=True)
    assert out.first_round.tolist() == [9, 5, 5]
    draws = uniforms(lot, np.arange(3), CUT_DRAW)
    through = 1 if draws[1] < draws[2] else 2
    assert out.ties[0].stage == TieStage.finalists
    assert out.ties[0].chosen == (through,)
    # second round A against the one through: the 5 deputies of the loser pick the
    # nearer finalist (those at 0 are nearer to B than A; those at 1 nearer to C)
    if through == 1:  # B at 0: the deputies at +1 prefer B (1) to A (4): B 10, A 9
        assert out.votes.tolist() == [9, 10, 0]
        assert out.winner == 1
    else:  # C at 1: the deputies at 0 are equidistant (1 from each): the first listed, A
        assert out.votes.tolist() == [14, 0, 5]
        assert out.winner == 0


def test_two_candidate_open_consent_vote_by_hand():
    # 10 deputies; the appointer's first candidate stands at 0, the other at 2. Deputies
    # at 0, 0.5, 0.9 prefer the first by proximity (d^2 0, .25, .81 against 4, 2.25, 1.21);
    # those at 1.2, 1.5, 2, 2, 2, 2, 2 prefer the second. Without pressure: 3 to 7.
    positions = [0.0, 0.5, 0.9, 1.2, 1.5, 2.0, 2.0, 2.0, 2.0, 2.0]
    bloc = _bloc(positions)
    xy = np.array([[0.0, 0.0], [2.0, 0.0]])
    party = np.full(2, -1, dtype=np.int64)
    chosen, votes, ties = consent_choice(bloc, xy, party, np.array([0, 1]), -1,
                                         np.uint64(1), np.uint64(2), pressure=0.0)
    assert votes.tolist() == [3, 7]
    assert chosen == 1
    assert ties == ()
    # a pressure of 1 for the first: the deputy at 1.2 (1.44 - 1 = 0.44 < 0.64) and the
    # one at 1.5 (2.25 - 1 = 1.25 > 0.25: stays) -> 4 to 6
    chosen, votes, _ = consent_choice(bloc, xy, party, np.array([0, 1]), -1,
                                      np.uint64(1), np.uint64(2), pressure=1.0)
    assert votes.tolist() == [4, 6]
    # a pressure of 4 turns everyone: 10 to 0
    chosen, votes, _ = consent_choice(bloc, xy, party, np.array([0, 1]), -1,
                                      np.uint64(1), np.uint64(2), pressure=4.0)
    assert votes.tolist() == [10, 0]
    assert chosen == 0


def test_consent_choice_tie_goes_to_the_lot():
    bloc = _bloc([0.0, 0.0, 2.0, 2.0])
    xy = np.array([[0.0, 0.0], [2.0, 0.0]])
    party = np.full(2, -1, dtype=np.int64)
    chosen, votes, ties = consent_choice(bloc, xy, party, np.array([0, 1]), -1,
                                         np.uint64(1), np.uint64(9), pressure=0.0)
    assert votes.tolist() == [2, 2]
    assert ties[0].tied == (0, 1)
    assert chosen == draw_lot(np.array([0, 1]), np.uint64(9), 1)[0]


# ----------------------------------------------------------------- nominees per post


def test_nominee_counts():
    keys = derive_keys(np.uint64(3), np.arange(20_000))
    old = nominee_counts(replace(AppointerBehaviour(), nominees_mean=0.0), 2017, keys)
    assert set(old.tolist()) == {2}
    w = replace(AppointerBehaviour(), nominees_mean=2.79)
    after = nominee_counts(w, 2017, keys)
    assert after.min() == 2
    assert abs(after.mean() - 2.79) < 0.03
    before = nominee_counts(w, 2013, keys)
    assert before.min() == 1
    assert abs(before.mean() - 2.79) < 0.03


# ----------------------------------------------------------------- the sample kernel's twin


def _sample_twin(batch, voted, share):
    out = np.zeros_like(voted)
    for c in range(batch.starts.shape[0]):
        offset = uniforms(batch.keys[c], 0, SAMPLE_CHANNEL)[0]
        for i in range(batch.starts[c], batch.stops[c]):
            pos = offset + (i - batch.starts[c]) * 0.6180339887498949
            out[i] = voted[i] if pos - np.floor(pos) < share else 0
    return out


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=0, max_size=5), st.floats(0.01, 1.0),
       st.integers(0, 2**32))
def test_sample_kernel_matches_its_twin(sizes, share, seed):
    stops = np.cumsum(np.array(sizes, dtype=np.int64))
    starts = stops - np.array(sizes, dtype=np.int64)
    n = int(stops[-1]) if sizes else 0
    rng = np.random.default_rng(seed)
    voted = (rng.random(n) < 0.6).astype(np.uint8)
    batch = ContestBatch(starts=starts, stops=stops,
                         cand_start=np.zeros(len(sizes) + 1, dtype=np.int64),
                         keys=derive_keys(np.uint64(seed), np.arange(len(sizes))),
                         lot_keys=np.zeros(len(sizes), dtype=np.uint64))
    out = np.zeros_like(voted)
    with balanced():
        sample_kernel(batch, voted, share, out)
    assert np.array_equal(out, _sample_twin(batch, voted, share))
    assert (out <= voted).all()
    if n >= 200:  # a systematic sample keeps close to the share of each contest's rows
        assert abs(out.sum() - share * voted.sum()) <= 0.1 * voted.sum() + 5


# ----------------------------------------------------------------- the model


def _elected(**kw):
    cfg = RunConfig(start_year=2013, end_year=2022)
    cfg.territory = replace(cfg.territory, scale=0.02)
    cfg.behaviour.maslikhats = replace(cfg.behaviour.maslikhats,
                                       composition=CouncilComposition.elected,
                                       size_elasticity=0.3)
    cfg.behaviour.appointers = replace(cfg.behaviour.appointers, nominees_mean=2.8,
                                       consent_choice_from=2022, open_vote_pressure=0.5)
    cfg.behaviour.akims = replace(cfg.behaviour.akims, departure_rate=0.12)
    cfg.regimes.schedule = [ReformStep(2013, Tier.rural, RegimeName.indirect, immediate=True),
                            ReformStep(2021, Tier.rural, RegimeName.direct)]
    for k, v in kw.items():
        setattr(cfg, k, v)
    return cfg


def test_model_elects_councils_in_their_years_and_holds_the_2013_wave():
    model = AkimModel(_elected())
    model.run()
    councils = model.council_table()
    assert sorted(set(councils["year"])) == [2012, 2016, 2021]
    n_councils = int((model.territory.tier < Tier.rural.code).sum())
    assert (councils.groupby("year").size() == n_councils).all()
    assert set(councils.loc[councils["year"] == 2021, "system"]) == {"list"}
    # the councils in office are the last ones elected, deputy for deputy
    last = councils[councils["year"] == 2021].set_index("unit_id")
    for u, council in model.maslikhats.items():
        row = last.loc[model.territory.unit_id[u]]
        assert council.size == row["filled"]
        assert council.seats == row["seats"]
        assert council.term_end == 2023
        for i, name in enumerate(model.party_names):
            assert int((council.deputy_party == i).sum()) == row[f"seats_{name}"]
    members = model.maslikhats[0].members
    assert len(members) == model.maslikhats[0].size
    assert members[0].seat == "list"
    # the 2013 wave: one indirect contest per rural post
    contests = model.contest_table()
    rural = model.territory.units_of(Tier.rural).shape[0]
    wave = contests[(contests["year"] == 2013) & (contests["tier"] == "rural")]
    assert len(wave) == rural
    assert set(wave["regime"]) == {"indirect"}
    assert set(wave["kind"]) <= {"reform", "regular"}  # regular: terms ending in 2013
    # later contests come from departures (a new term) and the 2017 term ends
    later = contests[(contests["tier"] == "rural") & (contests["regime"] == "indirect")
                     & (contests["year"] > 2013)]
    assert "departure" in set(later["kind"])
    assert (later["year"] == 2017).sum() < rural
    # nominees: at least one, at least two from 2016, more than two on average
    assert wave["n_candidates"].min() >= 1
    assert later.loc[later["year"] >= 2016, "n_candidates"].min() >= 2
    assert later["n_candidates"].mean() > 2.2


def test_model_consent_choice_records_both_counts():
    cfg = _elected()
    cfg.end_year = 2026
    model = AkimModel(cfg)
    model.run()
    contests = model.contest_table()
    consent = contests[(contests["tier"] == "region") & (contests["rule"] == "consent")
                       & (contests["year"] >= 2022)]
    assert len(consent) > 0
    for votes in consent["votes"]:
        voted = [v for v in votes if v > 0]
        assert 1 <= len(voted) <= 2
    # every deputy of the region's maslikhats votes for one of the two
    assert (consent["votes"].map(sum) == consent["electorate"]).all()
    assert set(consent["status"]) <= {"appointed"}


def test_elected_councils_are_reproducible_and_thread_independent():
    import numba

    cfg = _elected()
    a = AkimModel(cfg).run().council_table()
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        b = AkimModel(cfg).run().council_table()
    finally:
        numba.set_num_threads(before)
    assert a.equals(b)


def test_drawn_councils_are_the_previous_behaviour():
    # composition=drawn keeps the councils of before issue 13, and the council table
    # says they were drawn
    cfg = RunConfig(start_year=2013, end_year=2014,
                    territory=replace(TerritoryConfig(), scale=0.01))
    cfg.behaviour.maslikhats = replace(cfg.behaviour.maslikhats,
                                       composition=CouncilComposition.drawn)
    model = AkimModel(cfg)
    model.run()
    table = model.council_table()
    assert set(table["system"]) == {"drawn"}
    assert table["turnout"].isna().all()


def test_bad_council_config_is_refused():
    from akimsim.config import ConfigError, validate

    cfg = RunConfig()
    cfg.behaviour.maslikhats = replace(cfg.behaviour.maslikhats, election_years=[2016, 2012])
    with pytest.raises(ConfigError, match="election_years"):
        validate(cfg)
    cfg.behaviour.maslikhats = replace(MaslikhatBehaviour(), systems=[
        CouncilRule(2021, CouncilSystem.list, CouncilSystem.list, 0.07)])
    with pytest.raises(ConfigError, match="systems"):
        validate(cfg)
    cfg.behaviour.maslikhats = replace(MaslikhatBehaviour(), min_size=20)
    with pytest.raises(ConfigError, match="min_size"):
        validate(cfg)


def test_maslikhat_members_are_replaced_on_renewal(host):
    rules = MaslikhatBehaviour()
    council = Maslikhat(host, 0, 2, rules, np.zeros((2, 2)), np.array([0, -1]), 2016)
    first = council.members
    assert [d.party for d in first] == [0, -1]
    assert first[0].seat == "drawn"
    council.renew(np.ones((3, 2)), np.array([1, 1, 1]), 2021, rules,
                  np.array([0, 0, 1]), seats=4)
    assert council.seats == 4
    assert [d.seat for d in council.members] == ["list", "list", "district"]
    assert all(d not in host.agents for d in first)


def test_deputies_follow_the_nominators_line_by_hand():
    # 5 deputies at 1 (two of the nominator's party 0) and the nominees at 0 (first, the
    # nominator's choice) and 1: by proximity all five vote for the second. A line of 1.5
    # from the nominator's two deputies (d^2 1 - 1.5 < 0) moves them: 2 to 3.
    positions = [1.0] * 5
    bloc = _bloc(positions, parties=[0, 0, -1, -1, -1], follow_nominator=1.5)
    xy = np.array([[0.0, 0.0], [1.0, 0.0]])
    party = np.array([-1, -1], dtype=np.int64)
    free = council_vote(bloc, xy, party, np.uint64(1), np.uint64(2), True)
    assert free.votes.tolist() == [0, 5]
    line = council_vote(bloc, xy, party, np.uint64(1), np.uint64(2), True, line_party=0)
    assert line.votes.tolist() == [2, 3]
    assert line.winner == 1


def test_list_votes_counted_by_hand():
    # counted voters at rows 1, 2, 4, 7, 8, 9 with list ballots 0, 1, -1 (against all),
    # 0, 0, 2: the council of rows 0-5 has 3 ballots (one per party 0 and 1, one against
    # all), the council of rows 5-10 has 3 (two for party 0, one for party 2), and the
    # one of every row all six
    from akimsim.elections.councils import _count_lists

    rows = np.array([1, 2, 4, 7, 8, 9], dtype=np.int64)
    choice = np.array([0, 1, -1, 0, 0, 2], dtype=np.int8)
    votes, against, ballots = _count_lists(choice, rows, np.array([0, 5, 0]),
                                           np.array([5, 10, 10]), 3)
    assert votes.tolist() == [[1, 1, 0], [2, 0, 1], [3, 1, 1]]
    assert against.tolist() == [1, 0, 1]
    assert ballots.tolist() == [3, 3, 6]


def test_a_reused_rankings_buffer_gives_the_same_ballots():
    from akimsim.agents.behaviour.choice import choice_weights
    from akimsim.elections.ballots import rank_ballots, turn_out
    from akimsim.kernels import CandidateArrays

    _terr, pop = _seven_voters([-3, -2, -1, 0, 1, 2, 3])
    batch = ContestBatch(starts=np.array([0, 3]), stops=np.array([3, 7]),
                         cand_start=np.array([0, 2, 4]), keys=np.array([5, 6], np.uint64),
                         lot_keys=np.array([7, 8], np.uint64))
    cands = CandidateArrays(np.array([[-2.0, 0], [0, 0], [1, 0], [2.5, 0]]), np.zeros(4),
                            np.full(4, -1, np.int16))
    voted = turn_out(pop, batch, np.zeros(2))
    weights = choice_weights(replace(VoterBehaviour(), noise_scale=0.5), 1.0)
    fresh = rank_ballots(pop, batch, cands, voted, weights, depth=1)
    buffer = np.full((pop.n, 1), 99, dtype=np.int8)  # stale values from an earlier ballot
    reused = rank_ballots(pop, batch, cands, voted, weights, depth=1, out=buffer)
    assert reused.ranking is buffer
    assert np.array_equal(fresh.ranking, reused.ranking)  # the batch covers every row
    assert fresh.first_preferences.votes.tolist() == reused.first_preferences.votes.tolist()
    with pytest.raises(ValueError, match="out must be"):
        rank_ballots(pop, batch, cands, voted, weights, depth=1,
                     out=np.zeros((pop.n, 2), dtype=np.int8))

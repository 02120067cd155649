"""Issue 14's behavioural mechanisms, each on a case computed by hand, and each switch's
previous behaviour kept: turnout that responds to size and closeness, turnout learning,
Bayesian retrospection, strategic entry, managed registration, renomination, career
effort, appointers who see signals, vote delivery and mobilisation."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import naive
from akimsim import AkimModel, RunConfig
from akimsim.agents.behaviour.accountability import effort_of, marginal_scores, signal_weight
from akimsim.agents.behaviour.appraisal import seen_by_appointer, shrink
from akimsim.agents.behaviour.entry import EntryContext, _stand_chance, direct_entry
from akimsim.agents.behaviour.learning import TurnoutLearner
from akimsim.agents.behaviour.prospects import (
    closeness,
    mean_strength,
    poll_utilities,
    shares_within,
)
from akimsim.agents.behaviour.retrospection import prior_weight, voters_view
from akimsim.agents.behaviour.turnout import contest_logit_shift
from akimsim.agents.offices import Offices
from akimsim.agents.pool import CandidatePool, Incumbents
from akimsim.config import (
    AppointerView,
    BehaviourConfig,
    EffortMode,
    EntryMode,
    PartyConfig,
    RegimeName,
    RegistrationMode,
    Retrospection,
    Tier,
    TurnoutLearning,
    TurnoutMode,
    VoterBehaviour,
)
from akimsim.elections.councils import vote_delivery
from akimsim.kernels import (
    CandidateArrays,
    ChoiceWeights,
    ContestBatch,
    LearnedTurnout,
    LearningRule,
    VoterArrays,
    aspiration_kernel,
)
from akimsim.kernels.rng import derive_keys
from akimsim.world.population import Population


def previous() -> BehaviourConfig:
    """The behaviour with every issue-14 switch at its previous option (as
    ``scenario=thin_behaviour`` sets them)."""
    b = BehaviourConfig()
    b.voters = replace(b.voters, turnout_mode=TurnoutMode.fixed,
                       learning=TurnoutLearning.none, retrospection=Retrospection.record)
    b.candidates = replace(b.candidates, entry=EntryMode.fixed,
                           registration=RegistrationMode.uniform)
    b.akims = replace(b.akims, effort=EffortMode.formula, mobilisation=0.0)
    b.appointers = replace(b.appointers, observation=AppointerView.exact, delivery_weight=0.0,
                           renomination=False)
    return b


# ------------------------------------------------------------------ turnout in context


def test_context_turnout_shift_by_hand():
    # rural salience 0.8, three candidates (0.2 ln 3), a race of 3,320 registered voters
    # (twice the 1,660 reference: -0.5 ln 2) expected 0.8 close (1.0 * 0.8)
    v = replace(VoterBehaviour(), turnout_mode=TurnoutMode.context, size_effect=-0.5,
                closeness_effect=1.0)
    got = contest_logit_shift(v, Tier.rural, np.array([3]), np.array([3320.0]), np.array([0.8]))
    want = 0.8 + 0.2 * math.log(3) - 0.5 * math.log(2) + 0.8
    assert got[0] == pytest.approx(want, rel=1e-12)
    # the fixed mode ignores size and closeness, and needs neither
    fixed = contest_logit_shift(previous().voters, Tier.rural, np.array([3]))
    assert fixed[0] == pytest.approx(0.8 + 0.2 * math.log(3), rel=1e-12)
    with pytest.raises(ValueError, match="electorate and closeness"):
        contest_logit_shift(v, Tier.rural, np.array([3]))


def test_the_size_effect_stops_at_the_cap():
    # district salience 0.3, one candidate (ln 1 = 0), not close; 166,000 voters are
    # counted as the cap's 6,640 (four times the 1,660 reference: -0.5 ln 4); with no
    # cap (size_cap=0) as themselves (-0.5 ln 100); under the cap nothing changes
    v = replace(VoterBehaviour(), turnout_mode=TurnoutMode.context, size_effect=-0.5,
                closeness_effect=1.0, size_cap=6640.0)
    one, zero = np.array([1]), np.array([0.0])
    got = contest_logit_shift(v, Tier.district, one, np.array([166000.0]), zero)
    assert got[0] == pytest.approx(0.3 - 0.5 * math.log(4), rel=1e-12)
    free = contest_logit_shift(replace(v, size_cap=0.0), Tier.district, one,
                               np.array([166000.0]), zero)
    assert free[0] == pytest.approx(0.3 - 0.5 * math.log(100), rel=1e-12)
    below = contest_logit_shift(v, Tier.district, one, np.array([3320.0]), zero)
    assert below[0] == pytest.approx(0.3 - 0.5 * math.log(2), rel=1e-12)


def test_poll_and_closeness_by_hand():
    # the median voter at the origin; a candidate at (1, 0) and one at the origin, no
    # valence, no party: utilities -1 and 0, shares e^-1/(1+e^-1) = 0.2689 and 0.7311,
    # closeness 1 - (0.7311 - 0.2689) = 0.5379; a lone candidate's race is not close
    v = replace(VoterBehaviour(), noise_scale=1.0)
    u = poll_utilities(np.array([1.0, 0.0, 0.3]), np.zeros(3), np.zeros(3),
                       np.array([-1, -1, -1]), np.array([0, 0, 1]), np.zeros((2, 2)),
                       np.zeros((2, 1)), v)
    assert u[:2].tolist() == [-1.0, 0.0]
    start = np.array([0, 2, 3])
    s = shares_within(u, start, 1.0)
    e = math.exp(-1)
    assert s[:2] == pytest.approx([e / (1 + e), 1 / (1 + e)])
    assert s[2] == 1.0
    assert closeness(s, start) == pytest.approx([1 - (1 - e) / (1 + e), 0.0])


def test_poll_counts_the_party_supporters():
    # a party candidate at the median gains party_weight x mean strength x the unit's
    # share of its supporters (0.4)
    v = VoterBehaviour()
    u = poll_utilities(np.zeros(1), np.zeros(1), np.zeros(1), np.array([0]), np.array([0]),
                       np.zeros((1, 2)), np.array([[0.4]]), v)
    assert u[0] == pytest.approx(v.party_weight * mean_strength(v) * 0.4)
    assert mean_strength(v) == pytest.approx(0.5, abs=1e-12)  # logistic(N(0, 1)) is symmetric


def test_turnout_falls_with_the_size_of_the_electorate_in_a_run():
    cfg = RunConfig(start_year=2013, end_year=2022)
    cfg.territory = replace(cfg.territory, scale=0.05)
    cfg.behaviour.voters = replace(cfg.behaviour.voters, turnout_mode=TurnoutMode.context,
                                   size_effect=-0.6)
    cfg.regimes.rural = RegimeName.direct
    cfg.output.progress = False
    contests = AkimModel(cfg).run().contest_table()
    rural = contests[(contests.tier == "rural") & (contests.ballots > 0)]
    slope = np.polyfit(np.log(rural.electorate / 0.05), rural.ballots / rural.electorate, 1)[0]
    assert slope < -0.03


# ------------------------------------------------------------------ turnout learning


def test_learning_step_by_hand():
    # one voter who voted for the winner it liked best: payoff 1 - 0.2 = 0.8 >= its
    # aspiration 0.5, so it leans to voting again: p 0.5 -> 0.5 + 0.1 (1 - 0.5) = 0.55,
    # habit 0.05 toward voting: 0.55 + 0.05 (1 - 0.55) = 0.5725; aspiration 0.8 x 0.5 +
    # 0.2 x 0.8 = 0.56. A second voter abstained and its favourite lost: payoff 0 < 0.5,
    # dissatisfied with abstaining it leans to voting: 0.5 + 0.05 = 0.55, habit toward
    # abstaining: 0.55 - 0.05 x 0.55 = 0.5225; aspiration 0.4
    batch = ContestBatch(np.array([0]), np.array([2]), np.array([0, 2]), np.array([1], np.uint64),
                         np.array([2], np.uint64))
    cands = CandidateArrays(np.array([[0.0, 0.0], [2.0, 0.0]]), np.zeros(2),
                            np.array([-1, -1], np.int16))
    voters = VoterArrays(np.array([[0.1, 0.0], [1.9, 0.0]], np.float32),
                         np.array([-1, -1], np.int8), np.zeros(2, np.float32))
    state = LearnedTurnout(np.array([1, 0], np.uint8), np.array([0]),
                           np.zeros(2, np.float32), np.full(2, 0.5, np.float32))
    aspiration_kernel(batch, cands, voters, ChoiceWeights(1.0, 1.0, 0.7, -1.6, 1.0),
                      LearningRule(0.1, 0.05, 0.8, 0.2), state)
    assert state.logit.tolist() == pytest.approx([math.log(0.5725 / 0.4275),
                                                   math.log(0.5225 / 0.4775)], rel=1e-6)
    assert state.aspiration.tolist() == pytest.approx([0.56, 0.4], rel=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=4), st.integers(0, 2**32 - 1))
def test_learning_kernel_matches_its_twin(sizes, seed):
    rng = np.random.default_rng(seed)
    n = sum(sizes)
    stops = np.cumsum(sizes).astype(np.int64)
    starts = stops - np.array(sizes, dtype=np.int64)
    n_cands = rng.integers(0, 4, size=len(sizes))
    cand_start = np.concatenate(([0], np.cumsum(n_cands))).astype(np.int64)
    k = int(cand_start[-1])
    cand_xy, valence = rng.normal(size=(k, 2)), rng.normal(size=k)
    cand_party = rng.integers(-1, 3, size=k).astype(np.int16)
    xy = rng.normal(size=(n, 2)).astype(np.float32)
    party = rng.integers(-1, 3, size=n).astype(np.int8)
    strength = rng.random(n).astype(np.float32)
    voted = (rng.random(n) < 0.6).astype(np.uint8)
    winner = np.where(n_cands > 0, rng.integers(-1, 3, size=len(sizes)) % np.maximum(n_cands, 1),
                      -1).astype(np.int64)
    winner[rng.random(len(sizes)) < 0.2] = -1
    logit = rng.normal(size=n).astype(np.float32)
    aspiration = rng.normal(0.3, 0.4, size=n).astype(np.float32)
    rule = LearningRule(0.15, 0.05, 0.7, 0.25)
    want = naive.learn(starts, stops, cand_start, cand_xy, valence, cand_party, xy, party,
                       strength, 1.0, 1.0, voted, winner, rule, logit, aspiration)
    state = LearnedTurnout(voted, winner, logit.copy(), aspiration.copy())
    batch = ContestBatch(starts, stops, cand_start, np.zeros(len(sizes), np.uint64),
                         np.zeros(len(sizes), np.uint64))
    aspiration_kernel(batch, CandidateArrays(cand_xy, valence, cand_party),
                      VoterArrays(xy, party, strength), ChoiceWeights(1.0, 1.0, 0.7, -1.6, 1.0),
                      rule, state)
    np.testing.assert_array_equal(state.logit, want[0])
    np.testing.assert_array_equal(state.aspiration, want[1])


def test_learners_start_from_the_population_and_leave_it_alone():
    n = 5
    pop = Population(home=np.zeros(n, np.int32), xy=np.zeros((n, 2), np.float32),
                     party=np.full(n, -1, np.int8), strength=np.zeros(n, np.float32),
                     turnout_logit=np.arange(n, dtype=np.float32), unit_median=np.zeros((1, 2)))
    learner = TurnoutLearner(pop, replace(VoterBehaviour(), aspiration_start=0.25))
    assert learner.logit.tolist() == [0, 1, 2, 3, 4]
    assert learner.logit is not pop.turnout_logit
    assert learner.aspiration.tolist() == [0.25] * n


def test_a_run_with_learning_voters_changes_their_propensities_only_after_direct_races():
    cfg = RunConfig(start_year=2013, end_year=2016)
    cfg.territory = replace(cfg.territory, scale=0.01)
    cfg.behaviour.voters = replace(cfg.behaviour.voters, learning=TurnoutLearning.aspiration)
    cfg.regimes.rural = RegimeName.direct
    cfg.output.progress = False
    model = AkimModel(cfg)
    before = model.learner.logit.copy()
    model.run()
    moved = model.learner.logit != before
    rural = model.territory.units_of(Tier.rural)
    in_rural = np.zeros(model.population.n, dtype=bool)
    for u in rural.tolist():
        in_rural[model.territory.start[u]:model.territory.stop[u]] = True
    assert moved[in_rural].mean() > 0.9  # every rural voter learned
    assert not moved[~in_rural].any()  # voters of district towns never had a direct race
    assert np.array_equal(model.population.turnout_logit[~in_rural], before[~in_rural])


# ------------------------------------------------------------------ retrospection


def test_belief_about_competence_by_hand():
    # performance 1.0 then 2.0, noise 0.8 and competence sd 1: the prior weighs 0.64
    # years, so the belief is 3 / 2.64; the record is the mean, 1.5
    b = previous()
    assert prior_weight(b) == pytest.approx(0.64)
    o = Offices(1, 4)
    o.remember(np.array([1.0]), np.array([0.0]))
    o.remember(np.array([2.0]), np.array([0.0]))
    units = np.array([0])
    assert o.belief(units, prior_weight(b))[0] == pytest.approx(3 / 2.64)
    assert o.record(units, 4)[0] == pytest.approx(1.5)
    assert o.belief(units, 0.0)[0] == pytest.approx(1.5)  # an exact signal: the mean
    pool = CandidatePool.from_columns(np.array([2]), person_id=np.arange(2), x=np.zeros(2),
                                      y=np.zeros(2), competence=np.zeros(2), loyalty=np.zeros(2),
                                      party=np.array([-1, -1]), nomination=np.zeros(2),
                                      incumbent=np.array([True, False]),
                                      record=np.array([1.5, 0.0]))
    pool = replace(pool, belief=np.array([3 / 2.64, 9.0]))
    assert voters_view(pool, b).tolist() == [1.5, 0.0]
    belief = replace(b, voters=replace(b.voters, retrospection=Retrospection.belief))
    assert voters_view(pool, belief).tolist() == pytest.approx([3 / 2.64, 0.0])


# ------------------------------------------------------------------ entry


PARTIES = [PartyConfig("D", 0.4, 0.0, 0.3, 0.8, dominant=True),
           PartyConfig("S", 0.1, -0.5, 0.0, 0.3)]


def test_stand_chance_by_hand():
    # base 0.5 (logit 0), sensitivity 3, a chance of 2/3 against the reference 1/3:
    # logistic(3 x 1/3) = logistic(1) = 0.7311
    b = replace(BehaviourConfig().candidates, entry_sensitivity=3.0, entry_reference=1 / 3)
    assert _stand_chance(np.array([0.5]), np.array([2 / 3]), b)[0] == pytest.approx(
        1 / (1 + math.exp(-1)))
    flat = replace(b, entry_sensitivity=0.0)
    assert _stand_chance(np.array([0.3]), np.array([0.9]), flat)[0] == pytest.approx(0.3)


def _incumbents(n, record, party=-1):
    z = np.zeros(n)
    return Incumbents(np.ones(n, dtype=bool), np.arange(n, dtype=np.int64) + 500, z, z, z, z,
                      np.full(n, party, dtype=np.int64), np.full(n, record))


def _entry(behaviour, inc, n=3000, seed=1):
    keys = derive_keys(np.uint64(seed), np.arange(n))
    ctx = EntryContext(behaviour, np.tile([[0.4, 0.1]], (n, 1)))
    return direct_entry(2021, np.arange(n), keys, np.full(n, 2000), np.zeros((n, 2)), PARTIES,
                        behaviour.candidates, 0, inc, context=ctx)


def test_strategic_incumbents_with_a_good_record_stand_more_often():
    b = previous()
    b.candidates = replace(b.candidates, entry=EntryMode.strategic, entry_sensitivity=4.0)
    good = _entry(b, _incumbents(3000, 2.0))
    poor = _entry(b, _incumbents(3000, -2.0))
    assert good.incumbent.sum() > poor.incumbent.sum() + 300
    fixed = _entry(previous(), _incumbents(3000, 2.0))
    fixed_poor = _entry(previous(), _incumbents(3000, -2.0))
    assert fixed.incumbent.sum() == fixed_poor.incumbent.sum()  # the record does not matter
    # stages: everyone who could stand (incumbent, two parties, the would-be self-nominees)
    assert (good.stages[:, 0] >= 3).all()
    assert (good.stages[:, 1] <= good.stages[:, 0]).all()


def test_managed_registration_rejects_strong_challengers_and_adds_technical_candidates():
    b = previous()
    b.candidates = replace(b.candidates, registration=RegistrationMode.managed,
                           managed_filter=6.0, technical_rate=1.0, self_nominee_rate=0.5)
    uniform = _entry(previous(), Incumbents.none(3000))
    managed = _entry(b, Incumbents.none(3000))
    nominees_u = uniform.nominated.sum()
    dominant_u = (uniform.party == 0).sum()
    challengers_u = uniform.size - dominant_u
    challengers_m = managed.size - (managed.party == 0).sum() - managed.stages[:, 2].sum()
    assert challengers_m < 0.8 * challengers_u  # strong challengers are filtered more
    assert nominees_u > 0
    # a race left with the dominant party's nominee alone gets a technical candidate
    counts = managed.counts()
    technical = managed.stages[:, 2].astype(bool)
    assert technical.any()
    assert (counts[technical] == 2).all()
    rows = managed.start[1:][technical] - 1  # the technical candidate is listed last
    assert (managed.party[rows] == -1).all()
    assert managed.competence[rows] == pytest.approx(b.candidates.technical_competence)


def test_the_party_drops_an_incumbent_its_appointer_ranks_below_a_fresh_nominee():
    b = previous()
    b.candidates = replace(b.candidates, incumbent_runs=1.0, registration_rejection=0.0)
    b.appointers = replace(b.appointers, renomination=True, noise=0.0)
    z = np.zeros(2)
    inc = Incumbents(np.ones(2, dtype=bool), np.array([500, 501]), z, z, z,
                     np.array([-9.0, 9.0]), np.array([0, 0]), z)  # a disloyal and a loyal akim
    pool = direct_entry(2021, np.arange(2), np.array([11, 12], np.uint64), np.full(2, 2000),
                        np.zeros((2, 2)), PARTIES, b.candidates, 0, inc,
                        context=EntryContext(b, np.tile([[0.4, 0.1]], (2, 1))))
    first = pool.rows(0)
    second = pool.rows(1)
    assert not pool.incumbent[first].any()  # dropped: the party's fresh nominee instead
    assert (pool.party[first] == 0).sum() == 1
    assert pool.incumbent[second].any()
    assert (pool.party[second] == 0).sum() == 1  # the loyal one stands for the party


# ------------------------------------------------------------------ effort


def test_career_effort_by_hand():
    # appointment: competence weight 0.5 x effort gain 0.6 = 0.3 for voters' services,
    # loyalty weight 1.0 x loyalty gain 0.6 = 0.6 for the appointer; base 0.3, stakes 1:
    # efforts 0.6 and 0.9, focus 0.4. Direct, non-party: record weight 0.6 x 0.6 = 0.36,
    # nothing for the appointer: 0.66 and 0.3. In a last term, the base only.
    b = previous()
    b.akims = replace(b.akims, effort=EffortMode.career)
    codes = np.array([RegimeName.appointment.code, RegimeName.direct.code,
                      RegimeName.direct.code])
    e = effort_of(codes, np.array([0, -1, -1]), np.array([False, False, True]), 0, b)
    assert e.voters.tolist() == pytest.approx([0.6, 0.66, 0.3])
    assert e.appointer.tolist() == pytest.approx([0.9, 0.3, 0.3])
    assert e.focus.tolist() == pytest.approx([0.4, 0.66 / 0.96, 0.5])
    # an appointer who sees signals weighs a term of performance by 4 / (4 + 0.64)
    assert signal_weight(4, 1.0, 0.8) == pytest.approx(4 / 4.64)
    b.appointers = replace(b.appointers, observation=AppointerView.signals)
    m_v, _ = marginal_scores(codes[:1], np.array([0]), 0, b)
    assert m_v[0] == pytest.approx(0.3 * 4 / 4.64)
    # the formula (before issue 14): a total effort of 1 split by the focus
    f = effort_of(codes, np.array([0, -1, -1]), np.array([False, False, True]), 0,
                  previous())
    assert f.focus.tolist() == pytest.approx([1 / 3, 1.0, 1.0])
    assert (f.voters + f.appointer).tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_a_term_limit_takes_away_the_career_concerns_in_a_run():
    cfg = RunConfig(start_year=2013, end_year=2024)
    cfg.territory = replace(cfg.territory, scale=0.01)
    cfg.behaviour.akims = replace(cfg.behaviour.akims, effort=EffortMode.career, term_limit=2)
    cfg.output.progress = False
    model = AkimModel(cfg).run()
    o = model.offices
    last = o.consecutive_terms >= 2
    assert last.any()
    assert (~last).any()
    assert o.effort_voters[last] == pytest.approx(cfg.behaviour.akims.base_effort)
    assert (o.effort_voters[~last] > cfg.behaviour.akims.base_effort).all()


# ------------------------------------------------------------------ appointers


def test_shrinking_a_signal_by_hand():
    # a signal of 2 of a trait with prior mean 0 and sd 1, noise sd 1: reliability 1/2
    assert shrink(np.array([2.0]), 0.0, 1.0, 1.0)[0] == pytest.approx(1.0)
    assert shrink(np.array([2.0]), 0.8, 1.0, 0.0)[0] == 2.0  # an exact signal
    assert shrink(np.array([2.0]), 0.8, 1.0, 3.0)[0] == pytest.approx(0.8 + 1.2 / 10)


def test_appointers_who_see_signals_never_read_competence():
    b = previous()
    pool = CandidatePool.from_columns(
        np.array([2]), person_id=np.arange(2), x=np.zeros(2), y=np.zeros(2),
        competence=np.array([5.0, 5.0]), loyalty=np.array([1.0, 1.0]), party=np.array([0, -1]),
        nomination=np.zeros(2), incumbent=np.array([True, False]), record=np.array([0.5, 0.0]))
    pool = replace(pool, shown=np.array([0.7, 0.0]), belief=np.array([0.4, 0.0]),
                   delivery=np.array([1.5, 0.0]))
    keys = np.array([3], np.uint64)
    exact = seen_by_appointer(pool, keys, b, 0)
    assert exact.merit.tolist() == [5.5, 5.0]
    assert exact.loyalty.tolist() == [1.0, 1.0]
    b.appointers = replace(b.appointers, observation=AppointerView.signals, screening_noise=1.0)
    seen = seen_by_appointer(pool, keys, b, 0)
    assert seen.merit[0] == 0.4
    assert seen.loyalty[0] == 0.7
    assert seen.delivery[0] == 1.5
    # the newcomer: its competence plus noise, shrunk by half toward 0
    from akimsim.kernels.rng import SCREEN, normals

    z_c, z_l = normals(keys[[0]], np.array([1]), SCREEN)
    assert seen.merit[1] == pytest.approx(0.5 * (5.0 + z_c[0]))
    assert seen.loyalty[1] == pytest.approx(0.5 * (1.0 + z_l[0]))  # non-party: prior 0
    assert seen.delivery[1] == 0.0


def test_vote_delivery_by_hand():
    # the dominant party (0) won 8 of 10 seats in one council and 2 of 10 in another:
    # 10 of 20 overall, so +3 and -3 (ten times 0.8 - 0.5 and 0.2 - 0.5)
    rows = {"unit": [4, 9], "filled": [10, 10], "seats_by_party": [[8, 2], [2, 8]]}
    assert vote_delivery(rows, 0).tolist() == pytest.approx([3.0, -3.0])
    assert vote_delivery(rows, -1).tolist() == [0.0, 0.0]


def test_akims_mobilise_for_the_dominant_party_in_council_elections():
    def dominant_share(mobilisation):
        cfg = RunConfig(start_year=2013, end_year=2016)
        cfg.territory = replace(cfg.territory, scale=0.02)
        cfg.behaviour.akims = replace(cfg.behaviour.akims, effort=EffortMode.career,
                                      mobilisation=mobilisation)
        cfg.output.progress = False
        councils = AkimModel(cfg).run().council_table()
        y2016 = councils[councils.year == 2016]
        return float((y2016.dominant_seat_share * y2016.filled).sum() / y2016.filled.sum())

    assert dominant_share(2.0) > dominant_share(0.0) + 0.02

"""Hand-computed cases for each regime and for the voting rule."""

from __future__ import annotations

from dataclasses import dataclass, replace

import mesa
import numpy as np
import pytest

from akimsim.agents import Maslikhat, President, Traits
from akimsim.agents.pool import CandidatePool
from akimsim.config import (
    AppointerBehaviour,
    BehaviourConfig,
    ContestKind,
    MaslikhatBehaviour,
    RegimeName,
    RuleConfig,
    Tier,
    TieStage,
    VoterBehaviour,
)
from akimsim.elections import RULES, lot_priorities
from akimsim.kernels.rng import derive_keys
from akimsim.regimes import REGIMES, ContestKeys, Contests, SelectionContext, get_regime
from akimsim.world import Population


@dataclass
class Spec:
    """One hand-made contest; :func:`decide` puts several into one batch."""

    people: list
    tier: Tier
    councils: list
    appointer: object
    start: int
    stop: int
    seed: int

    @property
    def lot_key(self):
        return np.uint64(self.seed + 7)


def batch(regime, specs):
    """The :class:`Contests` of hand-made contests (one tier, one regime)."""
    n = len(specs)
    pool = CandidatePool.of_people(
        [[(cid, traits) for cid, traits, _ in sp.people] for sp in specs],
        incumbent_slots=[next((k for k, p in enumerate(sp.people) if p[2]), -1)
                         for sp in specs])
    seeds = np.array([sp.seed for sp in specs], dtype=np.uint64)
    keys = ContestKeys(appointers=derive_keys(np.uint64(11), seeds),
                       lots=derive_keys(np.uint64(12), seeds),
                       ballots=np.full(n, 99, dtype=np.uint64), ballot_lots=seeds + np.uint64(7))
    return Contests(year=2021, tier=specs[0].tier, regime=RegimeName(regime),
                    units=np.arange(n, dtype=np.int64), kinds=(ContestKind.regular,) * n,
                    pool=pool,
                    appointer_party=np.array([sp.appointer.party for sp in specs], np.int64),
                    councils=tuple(tuple(sp.councils) for sp in specs),
                    start=np.array([sp.start for sp in specs], np.int64),
                    stop=np.array([sp.stop for sp in specs], np.int64), keys=keys)


def decide(regime, specs, ctx):
    """The outcomes a regime gives a batch (its Selection's outcomes); every appointer
    of a batch shares the first one's weights."""
    ctx = replace(ctx, behaviour=replace(ctx.behaviour, appointers=replace(
        specs[0].appointer.weights, min_candidates=ctx.behaviour.appointers.min_candidates)))
    return get_regime(regime).select(batch(regime, specs), ctx).outcomes


@pytest.fixture
def host():
    return mesa.Model(rng=0)


def person(host, cid, x, y=0.0, competence=0.0, loyalty=0.0, party=-1, incumbent=False):
    return (cid, Traits(x, y, competence, loyalty, party), incumbent)


def council(host, xs, parties=None, **rules):
    r = replace(MaslikhatBehaviour(), noise=0.0, party_discipline=0.0, **rules)
    xy = np.array([[x, 0.0] for x in xs])
    party = np.asarray(parties if parties is not None else [-1] * len(xs), dtype=np.int64)
    return Maslikhat(host, 0, len(xs), r, xy, party, 2025)


def contest(host, candidates, regime, tier=Tier.rural, councils=(), appointer=None,
            start=0, stop=0, seed=1):
    return Spec(list(candidates), tier, list(councils),
                appointer or President(host, -1, AppointerBehaviour(noise=0.0)), start, stop,
                seed)


def village(xs, turnout_logit=80.0):
    n = len(xs)
    return Population(home=np.zeros(n, np.int32),
                      xy=np.array([[x, 0.0] for x in xs], np.float32),
                      party=np.full(n, -1, np.int8), strength=np.zeros(n, np.float32),
                      turnout_logit=np.full(n, turnout_logit, np.float32),
                      unit_median=np.zeros((1, 2)))


def context(pop, against=-np.inf, noise=0.0, **rule):
    voters = replace(VoterBehaviour(), noise_scale=noise, against_all_utility=against,
                     competence_weight=0.0, admin_support=0.0, record_weight=0.0)
    beh = BehaviourConfig(voters=voters, appointers=AppointerBehaviour(noise=0.0),
                          maslikhats=replace(MaslikhatBehaviour(), noise=0.0))
    return SelectionContext(pop, beh, RuleConfig(**rule), dominant_party=-1)


def test_registries_hold_every_regime_and_rule():
    assert set(REGIMES) == {r.value for r in RegimeName}
    assert "plurality" in RULES
    with pytest.raises(KeyError, match="known regimes"):
        get_regime("lottery")


def test_three_deputy_maslikhat_elects_by_majority(host):
    # deputies at -1, 0 and 1; A at -1, B at 1. The deputy at 0 is indifferent and,
    # with no noise, votes for the first listed (A): A 2, B 1, a majority of 3.
    a, b = person(host, 1, -1.0), person(host, 2, 1.0)
    c = contest(host, [a, b], RegimeName.indirect, councils=[council(host, [-1.0, 0.0, 1.0])])
    pop = village([0.0])
    (out,) = decide("indirect", [c], context(pop))
    assert out.status == "elected"
    assert out.votes == (2, 1)
    assert out.winner == 0
    assert out.rounds == 1
    assert out.electorate == 3


def test_three_deputy_maslikhat_goes_to_second_round(host):
    # three candidates at the deputies' own positions: 1-1-1, no majority; the top two
    # (all tied, cut by lot) meet again and the middle deputy decides.
    cands = [person(host, 1, -1.0), person(host, 2, 0.0), person(host, 3, 1.0)]
    beh_nominees = AppointerBehaviour(noise=0.0, min_candidates=3, nominees_mean=0.0)  # three
    c = contest(host, cands, RegimeName.indirect, councils=[council(host, [-1.0, 0.0, 1.0])],
                appointer=President(host, -1, beh_nominees))
    ctx = context(village([0.0]))
    ctx = replace(ctx, behaviour=replace(ctx.behaviour, appointers=beh_nominees))
    (out,) = decide("indirect", [c], ctx)
    assert out.first_round == (1, 1, 1)
    assert out.rounds == 2
    assert sum(out.votes) == 3
    assert max(out.votes) >= 2
    assert sorted(out.votes) == [0, 1, 2]


def test_seven_voter_village_plurality(host):
    # voters at -3..3; A at -2, B at 0.5, C at 2.5; everyone votes, no noise.
    # nearest: -3,-2,-1 -> A; 0,1 -> B; 2,3 -> C. A 3, B 2, C 2.
    pop = village([-3, -2, -1, 0, 1, 2, 3])
    cands = [person(host, 1, -2.0), person(host, 2, 0.5), person(host, 3, 2.5)]
    c = contest(host, cands, RegimeName.direct, start=0, stop=7)
    (out,) = decide("direct", [c], context(pop, against=-1.5))
    assert out.votes == (3, 2, 2)
    assert out.against_all == 0
    assert out.ballots == 7
    assert out.electorate == 7
    assert out.winner == 0
    assert out.status == "elected"
    assert out.ties == ()


def test_tie_is_broken_by_recorded_seeded_lot(host):
    pop = village([-1, 1])
    winners = set()
    for seed in range(12):
        cands = [person(host, 1, -1.0), person(host, 2, 1.0)]
        c = contest(host, cands, RegimeName.direct, start=0, stop=2, seed=seed)
        (out,) = decide("direct", [c], context(pop))
        assert out.votes == (1, 1)
        (tie,) = out.ties
        assert (tie.round, tie.stage, tie.tied, tie.chosen) == (1, TieStage.winner, (0, 1),
                                                                (out.winner,))
        lots = lot_priorities(c.lot_key, 2)
        assert tie.lots == tuple(lots)
        assert out.winner == int(np.argmax(lots))  # the higher lot wins
        c2 = contest(host, [person(host, 1, -1.0), person(host, 2, 1.0)], RegimeName.direct,
                     start=0, stop=2, seed=seed)
        (again,) = decide("direct", [c2], context(pop))
        assert again.winner == out.winner  # same seed, same lot
        winners.add(out.winner)
    assert winners == {0, 1}  # the lot is not rigged


def test_against_all_wins(host):
    pop = village([-1, 0, 1, 2])
    c = contest(host, [person(host, 1, 0.0), person(host, 2, 1.0)], RegimeName.direct,
                start=0, stop=4)
    (out,) = decide("direct", [c], context(pop, against=10.0))
    assert out.against_all == 4
    assert out.votes == (0, 0)
    assert out.status == "against_all"
    assert out.winner == -1
    c = contest(host, [person(host, 1, 0.0), person(host, 2, 1.0)], RegimeName.direct,
                start=0, stop=4)
    (ignored,) = decide("direct",
        [c], context(pop, against=10.0, against_all_wins="ignore"))
    assert ignored.status == "elected"
    assert ignored.winner in (0, 1)


def test_single_candidate_and_no_candidates(host):
    pop = village([0, 1, 2])
    lone = contest(host, [person(host, 1, 1.0)], RegimeName.direct, start=0, stop=3)
    empty = contest(host, [], RegimeName.direct, start=0, stop=3)
    outs = decide("direct", [lone, empty], context(pop, against=-10.0))
    assert outs[0].status == "elected"
    assert outs[0].votes == (3,)
    assert outs[1].status == "no_candidates"
    assert outs[1].winner == -1
    lone = contest(host, [person(host, 1, 1.0)], RegimeName.direct, start=0, stop=3)
    (out,) = decide("direct",
        [lone], context(pop, allow_single_candidate=False))
    assert out.status == "no_candidates"


def test_nobody_votes_is_turnout_too_low(host):
    pop = village([0, 1, 2], turnout_logit=-80.0)
    c = contest(host, [person(host, 1, 0.0), person(host, 2, 1.0)], RegimeName.direct,
                start=0, stop=3)
    (out,) = decide("direct", [c], context(pop))
    assert out.ballots == 0
    assert out.status == "turnout_too_low"


def test_min_turnout_voids_an_election(host):
    # four voters, two of whom always vote and two never: turnout is exactly 50 %
    pop = village([0, 1, 2, 3])
    pop = replace(pop, turnout_logit=np.array([80.0, 80.0, -80.0, -80.0], np.float32))

    def held(min_turnout):
        c = contest(host, [person(host, 1, 0.0), person(host, 2, 3.0)], RegimeName.direct,
                    start=0, stop=4)
        (out,) = decide("direct", [c], context(pop, min_turnout=min_turnout))
        return out

    void = held(0.75)  # 2 of 4 voted, below 75 %: void, nobody elected
    assert (void.status, void.winner, void.ballots, void.electorate) == (
        "turnout_too_low", -1, 2, 4)
    assert void.votes == (2, 0)  # the count is still recorded: both voters chose A
    at_the_line = held(0.5)  # 50 % meets 50 %: the election stands
    assert at_the_line.status == "elected"
    assert at_the_line.winner == 0
    assert held(0.0).status == "elected"


def test_appointer_picks_the_most_loyal(host):
    appointer = President(host, -1, AppointerBehaviour(loyalty_weight=1.0, competence_weight=0.0,
                                                       party_weight=0.0, noise=0.0))
    cands = [person(host, 1, 0.0, loyalty=0.2, competence=3.0),
             person(host, 2, 0.0, loyalty=1.5), person(host, 3, 0.0, loyalty=-1.0)]
    c = contest(host, cands, RegimeName.appointment, tier=Tier.district, appointer=appointer)
    (out,) = decide("appointment", [c], context(village([0.0])))
    assert out.status == "appointed"
    assert out.winner == 1
    assert out.votes == ()


def test_consent_granted_and_refused(host):
    appointer = President(host, 0, AppointerBehaviour(loyalty_weight=1.0, competence_weight=0.0,
                                                      party_weight=0.0, noise=0.0))
    cands = [person(host, 1, 0.0, loyalty=1.0), person(host, 2, 5.0, loyalty=0.0)]
    easy = council(host, [0.0, 0.1, -0.1], consent_threshold=-1.0)
    c = contest(host, cands, RegimeName.appointment, tier=Tier.region, councils=[easy],
                appointer=appointer)
    (out,) = decide("appointment", [c], context(village([0.0])))
    assert out.status == "appointed"
    assert out.winner == 0
    assert out.votes == (3, 0)
    # a hostile council: deputies far from both candidates refuse each in turn
    hard = council(host, [20.0, 21.0, 22.0], consent_threshold=-1.0)
    cands = [person(host, 1, 0.0, loyalty=1.0), person(host, 2, 5.0, loyalty=0.0)]
    c = contest(host, cands, RegimeName.appointment, tier=Tier.region, councils=[hard],
                appointer=appointer)
    (out,) = decide("appointment", [c], context(village([0.0])))
    assert out.status == "consent_refused"
    assert out.winner == -1
    assert out.votes == (0, 0)
    assert out.rounds == 2

"""The model end to end: invariants, reproducibility, reforms and failed contests."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from akimsim import AkimModel, ReformStep, RegimeName, RegimesConfig, Tier, toy_config
from akimsim.agents import Akim, Candidate, Voter
from akimsim.config import ConfigError, RunConfig, TerritoryConfig, TerritorySource


def region_cfg(seed=3, **regimes):
    cfg = toy_config(seed)
    cfg.territory = TerritoryConfig(source=TerritorySource.synthetic, regions=1,
                                    districts_per_region=6, villages_per_district=5,
                                    voters_per_village=300, district_centre_voters=600,
                                    region_centre_voters=500)
    if regimes:
        cfg.regimes = RegimesConfig(**regimes)
    cfg.output.progress = False
    return cfg


@pytest.fixture(scope="module")
def reform_run():
    cfg = region_cfg()
    cfg.regimes.schedule = [
        ReformStep(2013, Tier.rural, RegimeName.indirect),
        ReformStep(2021, Tier.rural, RegimeName.direct),
        ReformStep(2023, Tier.district, RegimeName.direct, units=2, immediate=True),
        ReformStep(2025, Tier.district, RegimeName.direct),
    ]
    model = AkimModel(cfg)
    years = []
    for _ in range(cfg.end_year - cfg.start_year + 1):
        model.step()
        years.append(len(model.agents.select(agent_type=Akim)))
    return model, years


def test_exactly_one_akim_per_unit_every_year(reform_run):
    model, counts = reform_run
    assert counts == [model.territory.n_units] * len(counts)
    offices = model.office_table()
    assert not offices.duplicated(["year", "unit"]).any()
    assert offices.groupby("year").size().eq(model.territory.n_units).all()
    assert {a.unit for a in model.akim_of} == set(range(model.territory.n_units))
    assert len(model.agents_by_type.get(Candidate, [])) == 0  # candidates leave after contests


def test_the_winner_of_every_contest_takes_office(reform_run):
    # every regime: the person a contest names as winner is the unit's akim at the end of
    # that year (issue 11 found that an indirect election installed the shortlist entry
    # at the elected nominee's place instead of the nominee)
    model, _ = reform_run
    contests = model.contest_table()
    offices = model.office_table()[["year", "unit_id", "person_id", "competence"]]
    won = contests[contests["winner_id"] >= 0].merge(offices, on=["year", "unit_id"])
    assert set(won["regime"]) == {"appointment", "indirect", "direct"}
    assert (won["winner_id"] == won["person_id"]).all()


def test_votes_and_abstentions_add_up_to_the_electorate(reform_run):
    model, _ = reform_run
    c = model.contest_table()
    direct = c[(c.regime == "direct") & (c.status != "no_candidates")]
    assert len(direct) > 10
    for row in direct.itertuples():
        assert sum(row.votes) + row.against_all == row.ballots
        assert 0 <= row.ballots <= row.electorate
        unit = model.territory.unit_id.index(row.unit_id)
        assert row.electorate == model.territory.voters[unit]
    indirect = c[c.regime == "indirect"]
    assert (indirect.votes.map(sum) == indirect.electorate).all()  # every deputy votes


def test_shares_lie_in_unit_interval(reform_run):
    model, _ = reform_run
    c = model.contest_table()
    s = model.summary_table()
    for col in ("turnout",):
        vals = c[col].dropna()
        assert ((vals >= 0) & (vals <= 1)).all()
    for col in ("turnout", "no_winner_share", "incumbent_reselected_share",
                "dominant_winner_share", "self_nominated_winner_share", "focus_on_voters",
                "acting_share", "runoff_share"):
        vals = s[col].dropna()
        assert ((vals >= 0) & (vals <= 1)).all(), col
    assert ((c.margin.dropna() >= -1) & (c.margin.dropna() <= 1)).all()
    enc = c.enc.dropna()
    assert ((enc >= 1) & (enc <= c.loc[enc.index, "n_candidates"] + 1e-9)).all()


def test_reform_timeline_switches_regimes(reform_run):
    model, _ = reform_run
    c = model.contest_table()
    rural = c[c.tier == "rural"]
    assert set(rural[rural.year < 2021].regime) == {"indirect"}
    assert set(rural[rural.year >= 2021].regime) == {"direct"}
    pilot = c[(c.tier == "district") & (c.year == 2023) & (c.regime == "direct")]
    assert len(pilot) == 2  # the two pilot districts, whether or not their term ended anyway
    assert set(pilot.kind) <= {"reform", "regular"}
    district_2022 = c[(c.tier == "district") & (c.year < 2023)]
    assert set(district_2022.regime) <= {"appointment"}
    later = c[(c.tier == "district") & (c.year >= 2025)]
    assert set(later.regime) == {"direct"}
    assert set(c[c.tier == "region"].regime) == {"appointment"}
    assert set(c[c.tier == "region"].rule) == {"consent"}


def test_materialised_voters_do_not_change_results():
    tables = []
    for limit in (0, 10**6):
        cfg = region_cfg(seed=9)
        cfg.regimes.schedule = [ReformStep(2013, Tier.rural, RegimeName.direct)]
        cfg.max_materialised_voters = limit
        model = AkimModel(cfg).run()
        tables.append((model.contest_table(), model.office_table(), model))
    (c0, o0, m0), (c1, o1, m1) = tables
    assert not m0.materialised
    assert m1.materialised
    assert len(m1.agents_by_type[Voter]) == m1.population.n
    pd.testing.assert_frame_equal(c0, c1)
    pd.testing.assert_frame_equal(o0, o1)
    row = int(m1.territory.start[m1.territory.units_of("rural")[0]])
    voter = list(m1.agents_by_type[Voter])[row]
    assert voter.row == row
    assert voter.home == int(m1.population.home[row])
    assert voter.last_choice is not None
    assert voter.last_choice >= -2


def test_common_random_numbers_across_regimes():
    """Pinning rural akims to another regime leaves voters, regions and districts
    untouched: the same contests with the same people (ids included) and the same
    office holders above the rural tier."""
    a = AkimModel(region_cfg(seed=4, rural=RegimeName.direct)).run()
    b = AkimModel(region_cfg(seed=4, rural=RegimeName.appointment)).run()
    np.testing.assert_array_equal(a.population.xy, b.population.xy)
    np.testing.assert_array_equal(a.population.turnout_logit, b.population.turnout_logit)
    ca, cb = a.contest_table(), b.contest_table()
    assert set(ca[ca.tier == "rural"].regime) == {"direct"}
    assert set(cb[cb.tier == "rural"].regime) == {"appointment"}
    upper_a = ca[ca.tier != "rural"].reset_index(drop=True)
    upper_b = cb[cb.tier != "rural"].reset_index(drop=True)
    assert len(upper_a) > 10
    pd.testing.assert_frame_equal(upper_a, upper_b)  # candidate_ids and winner_id too
    oa, ob = a.office_table(), b.office_table()
    pd.testing.assert_frame_equal(oa[oa.tier != "rural"].reset_index(drop=True),
                                  ob[ob.tier != "rural"].reset_index(drop=True))
    assert not ca[ca.tier == "rural"].reset_index(drop=True).equals(
        cb[cb.tier == "rural"].reset_index(drop=True))


def test_against_all_leads_to_acting_akim_and_rerun():
    cfg = region_cfg(seed=2, rural=RegimeName.direct, district=RegimeName.appointment,
                     region=RegimeName.appointment)
    cfg.behaviour.voters.against_all_utility = 50.0
    model = AkimModel(cfg).run()
    c = model.contest_table()
    rural = c[c.tier == "rural"]
    assert (rural[rural.status != "no_candidates"].status == "against_all").all()
    assert (rural.kind == "rerun").any()
    offices = model.office_table()
    rural_units = set(model.territory.units_of("rural").tolist())
    assert offices[offices.unit.isin(rural_units) & (offices.year == 2030)].acting.all()


def test_appoint_acting_policy_serves_a_full_term():
    cfg = region_cfg(seed=2, rural=RegimeName.direct)
    cfg.behaviour.voters.against_all_utility = 50.0
    cfg.rule.against_all_wins = "appoint_acting"  # type: ignore[assignment]
    cfg.rule.no_candidates = "appoint_acting"  # type: ignore[assignment]
    model = AkimModel(cfg).run()
    c = model.contest_table()
    assert not (c[c.tier == "rural"].kind == "rerun").any()


def test_dismissals_happen_when_appointers_are_harsh():
    cfg = region_cfg(seed=1, rural=RegimeName.appointment)
    cfg.behaviour.appointers.dismissal_threshold = 10.0
    cfg.behaviour.appointers.dismissal_rate = 1.0
    model = AkimModel(cfg).run()
    assert (model.contest_table().kind == "dismissal").any()


def test_term_limit_stops_incumbents():
    cfg = region_cfg(seed=1, rural=RegimeName.direct)
    cfg.behaviour.akims.term_limit = 1
    model = AkimModel(cfg).run()
    c = model.contest_table()
    assert not c[c.tier == "rural"].incumbent_ran.any()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: setattr(c, "end_year", 2000), "end_year"),
        (lambda c: setattr(c.territory, "scale", 0.0), "territory.scale"),
        (lambda c: setattr(c.behaviour.maslikhats, "size_district", 26), "size_district"),
        (lambda c: setattr(c.behaviour.parties[0], "attachment", 2.0), "attachment"),
        (lambda c: setattr(c.rule, "min_turnout", -0.1), "rule.min_turnout"),
        (lambda c: setattr(c, "seed", -1), "seed"),
        (lambda c: setattr(c.territory, "source", TerritorySource.csv),
         r"territory.path = None is invalid"),
    ],
)
def test_bad_config_values_are_refused(change, field):
    cfg = toy_config()
    change(cfg)
    with pytest.raises(ConfigError, match=field):
        AkimModel(cfg)


def test_default_config_is_kazakhstan():
    cfg = RunConfig()
    assert cfg.territory.source == TerritorySource.kazakhstan
    small = replace(cfg, territory=replace(cfg.territory, scale=0.002), end_year=2014)
    model = AkimModel(small).run()
    assert len(model.territory.units_of("rural")) == 2345
    assert len(model.contest_table()) > 100


@pytest.mark.parametrize("rule", ["two_round", "instant_runoff", "approval", "borda",
                                  "condorcet", "copeland"])
def test_every_rule_runs_in_the_model_per_tier(rule):
    cfg = region_cfg(seed=5, rural=RegimeName.direct, district=RegimeName.direct)
    cfg.rule.district = rule  # type: ignore[assignment]
    cfg.end_year = 2020
    model = AkimModel(cfg).run()
    c = model.contest_table()
    assert set(c[(c.tier == "district")].rule) == {rule}
    assert set(c[(c.tier == "rural")].rule) == {"plurality"}
    held = c[(c.tier == "district") & (c.status != "no_candidates")]
    assert len(held) > 0
    for row in held.itertuples():
        assert len(row.votes) == row.n_candidates
        assert 0 <= row.ballots <= row.electorate
    assert {a.unit for a in model.akim_of} == set(range(model.territory.n_units))


def test_party_supporters_sum_up_the_hierarchy():
    from akimsim.world import party_supporters

    model = AkimModel(region_cfg(seed=2))
    terr, pop = model.territory, model.population
    counts = party_supporters(terr, pop, len(model.parties))
    for u in range(terr.n_units):
        s, e = terr.start[u], terr.stop[u]
        codes = np.where(pop.party[s:e] < 0, len(model.parties), pop.party[s:e])
        np.testing.assert_array_equal(counts[u], np.bincount(codes,
                                                             minlength=len(model.parties) + 1))


def test_release_lets_a_finished_model_be_collected():
    """Mesa 3.3 keeps every model in Agent._ids (Mesa #3179); release() undoes that."""
    import gc
    import weakref

    from akimsim import AkimModel, toy_config

    model = AkimModel(toy_config(seed=4)).run()
    contests = model.contest_table()
    model.release()
    assert model.contest_table().equals(contests)  # the tables survive
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


def test_term_limit_binds_only_the_tiers_named():
    """A one-term limit on regions keeps every regional incumbent off the ballot while
    rural incumbents may still be re-elected."""
    from dataclasses import replace

    from akimsim import AkimModel, RegimeName, RegimesConfig, toy_config
    from akimsim.config import Tier

    base = toy_config(seed=3)
    akims = replace(base.behaviour.akims, term_limit=1, term_limit_tiers=[Tier.region])
    cfg = replace(base, behaviour=replace(base.behaviour, akims=akims),
                  regimes=RegimesConfig(region=RegimeName.appointment,
                                        district=RegimeName.appointment,
                                        rural=RegimeName.direct))
    contests = AkimModel(cfg).run().contest_table()
    regular = contests[contests["kind"] == "regular"]
    assert not regular[regular["tier"] == "region"]["incumbent_ran"].any()
    assert regular[regular["tier"] == "rural"]["incumbent_reelected"].any()
    assert regular[regular["tier"] == "district"]["incumbent_ran"].any()

"""with_params sets nested parameters of a config in one call (a copy, validated like a
composed config); params_of lists their dotted names. The expected values are written
out by hand from the schema's defaults."""

from __future__ import annotations

import dataclasses

import pytest

import akimsim
from akimsim.config import (
    ConfigError,
    ReformStep,
    RegimeName,
    RuleName,
    RunConfig,
    Tier,
    params_of,
    toy_config,
    validate,
    with_params,
)


def test_exported_from_the_package_and_from_config():
    assert akimsim.with_params is with_params
    assert akimsim.params_of is params_of
    assert {"with_params", "params_of"} <= set(akimsim.__all__) & set(akimsim.config.__all__)


def test_a_nested_change_leaves_the_original_and_every_other_field_alone():
    cfg = RunConfig()
    before = params_of(cfg)
    new = with_params(cfg, {"behaviour.voters.admin_support": 2.0})
    assert new.behaviour.voters.admin_support == 2.0
    assert cfg.behaviour.voters.admin_support == 0.701  # the schema's default
    assert params_of(cfg) == before
    changed = {k for k, v in params_of(new).items() if before[k] != v}
    assert changed == {"behaviour.voters.admin_support"}
    # the copy shares no section or list with the original
    assert new.behaviour is not cfg.behaviour
    assert new.behaviour.parties is not cfg.behaviour.parties
    new.behaviour.parties[0].attachment = 0.1
    assert cfg.behaviour.parties[0].attachment == 0.38


def test_the_same_as_nested_replace():
    cfg = toy_config()
    by_hand = dataclasses.replace(cfg, behaviour=dataclasses.replace(
        cfg.behaviour, voters=dataclasses.replace(cfg.behaviour.voters, admin_support=2.0)))
    assert with_params(cfg, {"behaviour.voters.admin_support": 2.0}) == by_hand


def test_top_level_fields_as_keywords_and_changes_checked_together():
    cfg = RunConfig()  # 2013 to 2030
    new = with_params(cfg, seed=3, end_year=2025)
    assert (new.seed, new.start_year, new.end_year) == (3, 2013, 2025)
    # start_year 2031 alone is after end_year 2030; with end_year moved too it is valid
    moved = with_params(cfg, {"start_year": 2031}, end_year=2035)
    assert (moved.start_year, moved.end_year) == (2031, 2035)
    with pytest.raises(ConfigError, match="given twice"):
        with_params(cfg, {"seed": 1}, seed=2)


def test_an_int_for_a_float_field_becomes_a_float():
    new = with_params(RunConfig(), {"behaviour.voters.admin_support": 2})
    value = new.behaviour.voters.admin_support
    assert value == 2.0
    assert type(value) is float


def test_strings_become_the_fields_enums():
    new = with_params(RunConfig(), {"rule.district": "two_round",
                                    "regimes.rural": "appointment",
                                    "behaviour.akims.term_limit_tiers": ["rural"]})
    assert new.rule.district is RuleName.two_round
    assert new.rule.for_tier("district") is RuleName.two_round
    assert new.rule.for_tier("rural") is RuleName.plurality  # rule.name, unchanged
    assert new.regimes.rural is RegimeName.appointment
    assert new.behaviour.akims.term_limit_tiers == [Tier.rural]
    assert type(new.behaviour.akims.term_limit_tiers[0]) is Tier
    # None is accepted where the field allows it
    assert with_params(new, {"rule.district": None}).rule.district is None


def test_a_wrong_enum_string_names_the_path_and_the_choices():
    with pytest.raises(ConfigError, match=r"rule\.name = 'tworound'.*'plurality'.*"
                                          r"did you mean 'two_round'"):
        with_params(RunConfig(), {"rule.name": "tworound"})


def test_the_schedule_replaced_from_dicts_and_dataclasses():
    cfg = toy_config()  # the reform's four steps
    given = [{"year": 2021, "tier": "rural"},
             ReformStep(2023, Tier.district, RegimeName.direct, units=45)]
    new = with_params(cfg, {"regimes.schedule": given})
    assert new.regimes.schedule == [
        ReformStep(year=2021, tier=Tier.rural, regime=RegimeName.direct, units=None,
                   immediate=False),
        ReformStep(year=2023, tier=Tier.district, regime=RegimeName.direct, units=45,
                   immediate=False)]
    assert type(new.regimes.schedule[0].tier) is Tier
    assert new.regimes.schedule[1] is not given[1]  # copied, not shared
    assert len(cfg.regimes.schedule) == 4
    emptied = with_params(cfg, {"regimes.schedule": []})
    assert emptied.regimes.schedule == []
    # one item's field by index, in both spellings
    assert with_params(new, {"regimes.schedule[1].units": 5}).regimes.schedule[1].units == 5
    assert with_params(new, {"regimes.schedule.1.units": 5}).regimes.schedule[1].units == 5


def test_an_item_of_a_list_by_index():
    new = with_params(RunConfig(), {"behaviour.parties[1].attachment": 0.1})
    assert [p.attachment for p in new.behaviour.parties] == [0.38, 0.1, 0.05, 0.03, 0.05]
    with pytest.raises(ConfigError, match=r"behaviour\.parties has 5 item\(s\), so "
                                          r"index 7 is out of range"):
        with_params(RunConfig(), {"behaviour.parties[7].attachment": 0.1})


def test_a_wrong_path_names_the_segment_the_valid_names_and_a_close_match():
    with pytest.raises(ValueError, match=r"behaviour\.voter\.admin_support") as info:
        with_params(RunConfig(), {"behaviour.voter.admin_support": 2.0})
    text = str(info.value)
    assert "no field 'voter'" in text
    assert "did you mean 'voters'?" in text
    assert ("its fields are voters, candidates, akims, appointers, maslikhats, parties"
            in text)
    with pytest.raises(ValueError, match="no field 'sed'; did you mean 'seed'"):
        with_params(RunConfig(), sed=3)
    with pytest.raises(ValueError, match="no field 'admin_suport'; did you mean "
                                         "'admin_support'"):
        with_params(RunConfig(), {"behaviour.voters.admin_suport": 2.0})
    with pytest.raises(ValueError, match="seed is a whole number, not a section"):
        with_params(RunConfig(), {"seed.value": 3})
    with pytest.raises(ValueError, match="not a dotted path"):
        with_params(RunConfig(), {"rule..name": "borda"})


@pytest.mark.parametrize(("path", "value", "said"), [
    ("behaviour.voters.party_pull", 1.5, "a share in [0, 1]"),
    ("seed", -1, "a seed >= 0"),
    ("territory.scale", 0.0, "a share in (0, 1]"),
    ("rule.min_turnout", float("nan"), "a share in [0, 1]"),
])
def test_a_value_out_of_range_names_the_path(path, value, said):
    with pytest.raises(ConfigError) as info:
        with_params(RunConfig(), {path: value})
    assert f"{path} = {value!r} is invalid: expected {said}" in str(info.value)


def test_the_same_check_as_a_composed_config():
    """A rule between fields (end_year before start_year) fails with validate's own
    message: with_params runs validate, it does not repeat it."""
    bad = dataclasses.replace(RunConfig(), end_year=2000)
    with pytest.raises(ConfigError) as direct:
        validate(bad)
    with pytest.raises(ConfigError) as edited:
        with_params(RunConfig(), end_year=2000)
    assert str(direct.value) in str(edited.value)
    assert str(direct.value).startswith("end_year = 2000 is invalid")
    # two steps for one tier and year
    with pytest.raises(ConfigError, match=r"regimes\.schedule\[1\]"):
        with_params(RunConfig(), {"regimes.schedule": [{"year": 2021}, {"year": 2021}]})


def test_a_value_of_the_wrong_type_names_the_path():
    with pytest.raises(ConfigError, match=r"seed = 1\.5 is invalid: expected a whole number"):
        with_params(RunConfig(), seed=1.5)
    with pytest.raises(ConfigError, match=r"rule\.allow_single_candidate = 'no'"):
        with_params(RunConfig(), {"rule.allow_single_candidate": "no"})
    with pytest.raises(ConfigError, match=r"regimes\.schedule\[0\]\.yr"):
        with_params(RunConfig(), {"regimes.schedule": [{"yr": 2021}]})


def test_params_of_lists_dotted_paths_with_values():
    cfg = RunConfig()
    every = params_of(cfg)
    assert list(every)[:4] == ["seed", "start_year", "end_year", "max_materialised_voters"]
    assert every["behaviour.voters.admin_support"] == 0.701
    assert every["behaviour.parties[0].name"] == "Amanat"
    assert every["regimes.schedule"] == []  # an empty list of sections, whole
    assert params_of(cfg, "rule") == {
        "rule.name": RuleName.plurality, "rule.region": None, "rule.district": None,
        "rule.rural": None, "rule.against_all_wins": "rerun", "rule.no_candidates": "rerun",
        "rule.allow_single_candidate": True, "rule.min_turnout": 0.0,
        "rule.majority_threshold": 0.5, "rule.runoff_turnout": 1.0,
        "rule.approval_margin": 1.0}
    assert params_of(cfg, "behaviour.parties[4]") == {
        "behaviour.parties[4].name": "Ak Zhol", "behaviour.parties[4].attachment": 0.05,
        "behaviour.parties[4].x": 0.8, "behaviour.parties[4].y": -0.3,
        "behaviour.parties[4].nominate_rate": 0.07, "behaviour.parties[4].dominant": False}
    with pytest.raises(ConfigError, match="did you mean 'voters'"):
        params_of(cfg, "behaviour.votrs")


@pytest.mark.parametrize("make", [RunConfig, toy_config], ids=["defaults", "toy"])
def test_params_of_round_trips(make):
    cfg = make()
    assert with_params(cfg, params_of(cfg)) == cfg
    changed = with_params(cfg, {"rule.rural": "two_round", "behaviour.parties[2].x": -0.5})
    assert with_params(cfg, params_of(changed)) == changed

"""Every config in configs/ composes into a valid RunConfig; bad overrides fail early."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_dir
from hydra.errors import ConfigCompositionException
from omegaconf.errors import ConfigKeyError, ValidationError

from akimsim.config import RegimeName, TerritorySource, validate
from akimsim.edge.hydra import CONFIG_DIR, to_run_config

ROOT = Path(__file__).resolve().parents[1] / "configs"
GROUPS = sorted(p.name for p in ROOT.iterdir() if p.is_dir())
# groups that config.yaml's defaults list names (even as null) take `group=option`;
# the others (sweep presets, used as `+sweep=seeds`) are appended with `+`
IN_DEFAULTS = {next(iter(entry)) for entry in
               yaml.safe_load((ROOT / "config.yaml").read_text())["defaults"]
               if isinstance(entry, dict)}


def group_option(group: str, option: str) -> str:
    return f"{group}={option}" if group in IN_DEFAULTS else f"+{group}={option}"


def compose_run(overrides=()):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides))


def test_config_dir_is_the_repository_folder():
    assert Path(CONFIG_DIR).resolve() == ROOT.resolve()


def test_default_config_composes_to_kazakhstan_reform():
    run = to_run_config(compose_run())
    validate(run)
    assert run.territory.source == TerritorySource.kazakhstan
    assert [s.year for s in run.regimes.schedule] == [2013, 2021, 2023, 2025]
    assert run.regimes.schedule[2].units == 45


@pytest.mark.parametrize(
    "option",
    [group_option(g, p.stem) for g in GROUPS for p in sorted((ROOT / g).glob("*.yaml"))],
)
def test_every_group_option_composes(option):
    run = to_run_config(compose_run([option]))
    validate(run)


def test_regime_override_pins_one_tier():
    run = to_run_config(compose_run(["regimes.rural=appointment", "regimes.district=direct"]))
    assert run.regimes.rural == RegimeName.appointment
    assert run.regimes.district == RegimeName.direct
    assert run.regimes.region is None


@pytest.mark.parametrize(
    ("override", "needle"),
    [
        ("regimes.rural=lottery", "expected one of [appointment, indirect, direct]"),
        ("territory.scael=0.5", "Key 'scael' not in 'TerritoryConfig'"),
        ("seed=abc", "Value 'abc' of type 'str' could not be converted to Integer"),
        ("rule.name=bucklin", "expected one of [plurality, two_round, instant_runoff"),
        ("rule.district=lottery", "expected one of [plurality, two_round"),
        ("territory=atlantis", "Could not find 'territory/atlantis'"),
        ("behaviour.voters.noise=2", "Key 'noise' not in 'VoterBehaviour'"),
    ],
)
def test_bad_overrides_fail_at_composition_naming_the_field(override, needle):
    with pytest.raises((ConfigCompositionException, ValidationError, ConfigKeyError)) as info:
        compose_run([override])
    text = str(info.value) + str(getattr(info.value, "__cause__", ""))
    assert needle in text


def test_the_default_holds_the_2013_wave_and_stylised_institutions_the_previous_rules():
    from akimsim.config import CouncilComposition

    run = to_run_config(compose_run())
    assert run.regimes.schedule[0].immediate  # every rural post filled by the councils in 2013
    assert run.behaviour.maslikhats.composition == CouncilComposition.elected
    old = to_run_config(compose_run(["scenario=stylised_institutions"]))
    m, ap = old.behaviour.maslikhats, old.behaviour.appointers
    assert not old.regimes.schedule[0].immediate
    assert [s.year for s in old.regimes.schedule] == [2013, 2021, 2023, 2025]
    assert m.composition == CouncilComposition.drawn
    assert (m.size_region, m.size_city, m.size_district, m.size_elasticity) == (33, 21, 12, 0.0)
    assert m.follow_nominator == 0.0
    assert ap.nominees_mean == 0.0
    assert ap.consent_choice_from is None
    assert old.behaviour.akims.departure_rate == 0.0


def test_thin_behaviour_restores_every_mechanism_and_value_of_before_issue_14():
    from akimsim.config import (
        AppointerView,
        EffortMode,
        EntryMode,
        RegistrationMode,
        Retrospection,
        TurnoutLearning,
        TurnoutMode,
    )

    old = to_run_config(compose_run(["scenario=thin_behaviour"]))
    b = old.behaviour
    assert b.voters.turnout_mode == TurnoutMode.fixed
    assert b.voters.learning == TurnoutLearning.none
    assert b.voters.retrospection == Retrospection.record
    assert b.candidates.entry == EntryMode.fixed
    assert b.candidates.registration == RegistrationMode.uniform
    assert b.akims.effort == EffortMode.formula
    assert b.akims.mobilisation == 0.0
    assert b.appointers.observation == AppointerView.exact
    assert b.appointers.delivery_weight == 0.0
    assert not b.appointers.renomination
    # the values issues 12 and 13 calibrated for that model
    assert (b.voters.propensity_logit_mean, b.voters.region_turnout_sd,
            b.voters.admin_support) == (0.936, 0.84, 0.888)
    assert (b.candidates.self_nominee_rate, b.candidates.incumbent_runs) == (2.611, 0.485)
    assert (b.appointers.nominees_mean, b.appointers.open_vote_pressure) == (2.795, 0.01)
    assert (b.maslikhats.follow_nominator, b.akims.departure_rate) == (3.98, 0.201)


def test_the_calibrated_preset_is_the_schemas_defaults():
    # configs/behaviour/calibrated.yaml records the provenance of the defaults: composing it
    # must change nothing
    assert to_run_config(compose_run(["behaviour=calibrated"])) == to_run_config(compose_run())

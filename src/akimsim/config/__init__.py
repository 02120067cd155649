"""Configuration: the domain's vocabulary (enums), the dataclass schemas of every config
group, their validation and ready-made presets.

Imports nothing of the package but its own modules, and never Hydra: the core takes these
dataclasses, and :mod:`akimsim.edge.hydra` registers them in Hydra's ConfigStore.
"""

from akimsim.config.enums import (
    REGIMES_IN_ORDER,
    TIERS,
    AgainstAllPolicy,
    BallotKind,
    ContestKind,
    CouncilComposition,
    CouncilSystem,
    NoCandidatePolicy,
    Nomination,
    RegimeName,
    RuleName,
    SelectionMethod,
    Status,
    TerritorySource,
    Tier,
    TieStage,
)
from akimsim.config.presets import kazakhstan_reform, toy_config
from akimsim.config.schema import (
    AkimBehaviour,
    AppointerBehaviour,
    BehaviourConfig,
    CandidateBehaviour,
    CouncilRule,
    MaslikhatBehaviour,
    OutputConfig,
    PartyConfig,
    ReformStep,
    RegimesConfig,
    RuleConfig,
    RunConfig,
    TerritoryConfig,
    VoterBehaviour,
)
from akimsim.config.validate import ConfigError, ConfigWarning, validate

__all__ = [
    "REGIMES_IN_ORDER",
    "TIERS",
    "AgainstAllPolicy",
    "AkimBehaviour",
    "AppointerBehaviour",
    "BallotKind",
    "BehaviourConfig",
    "CandidateBehaviour",
    "ConfigError",
    "ConfigWarning",
    "ContestKind",
    "CouncilComposition",
    "CouncilRule",
    "CouncilSystem",
    "MaslikhatBehaviour",
    "NoCandidatePolicy",
    "Nomination",
    "OutputConfig",
    "PartyConfig",
    "ReformStep",
    "RegimeName",
    "RegimesConfig",
    "RuleConfig",
    "RuleName",
    "RunConfig",
    "SelectionMethod",
    "Status",
    "TerritoryConfig",
    "TerritorySource",
    "TieStage",
    "Tier",
    "VoterBehaviour",
    "kazakhstan_reform",
    "toy_config",
    "validate",
]

"""akimsim: how Kazakhstan chooses its akims, and what the choice does to local democracy.

Use from Python without Hydra::

    from akimsim import AkimModel, RunConfig, TerritoryConfig, TerritorySource
    cfg = RunConfig(territory=TerritoryConfig(source=TerritorySource.synthetic))
    model = AkimModel(cfg).run()
    model.contest_table()
"""

from akimsim.config import (
    BehaviourConfig,
    ReformStep,
    RegimeName,
    RegimesConfig,
    RuleConfig,
    RunConfig,
    TerritoryConfig,
    TerritorySource,
    Tier,
)
from akimsim.model import AkimModel
from akimsim.presets import kazakhstan_reform, toy_config

__version__ = "0.1.0"

__all__ = [
    "AkimModel",
    "BehaviourConfig",
    "ReformStep",
    "RegimeName",
    "RegimesConfig",
    "RuleConfig",
    "RunConfig",
    "TerritoryConfig",
    "TerritorySource",
    "Tier",
    "__version__",
    "kazakhstan_reform",
    "toy_config",
]

"""Ready-made configs for Python users (the Hydra YAML files mirror them)."""

from __future__ import annotations

from akimsim.config.enums import RegimeName, TerritorySource, Tier
from akimsim.config.schema import ReformStep, RegimesConfig, RunConfig, TerritoryConfig


def kazakhstan_reform() -> RegimesConfig:
    """Kazakhstan's reform timeline.

    Rural akims: elected indirectly by district maslikhats from 2013, all of them in the
    wave of August 2013; directly from 2021 as terms expire. Districts: appointed; 45
    elected directly in the pilot of 5 Nov 2023; all directly elected from 2025 as terms
    expire. Regions: appointed, with the consent of the region's maslikhats (the default
    consent tiers).
    """
    return RegimesConfig(
        initial=RegimeName.appointment,
        schedule=[
            ReformStep(year=2013, tier=Tier.rural, regime=RegimeName.indirect, immediate=True),
            ReformStep(year=2021, tier=Tier.rural, regime=RegimeName.direct),
            ReformStep(year=2023, tier=Tier.district, regime=RegimeName.direct, units=45,
                       immediate=True),
            ReformStep(year=2025, tier=Tier.district, regime=RegimeName.direct),
        ],
    )


def toy_config(seed: int = 0) -> RunConfig:
    """The small synthetic territory (one district of four villages) under the reform."""
    return RunConfig(
        seed=seed,
        territory=TerritoryConfig(source=TerritorySource.synthetic),
        regimes=kazakhstan_reform(),
    )

"""The shipped Hydra configs from Python: compose a run's config, read a preset's sweep,
rebuild a job's config from its manifest.

For notebooks and scripts that want exactly what ``akimsim OVERRIDES`` would run,
without a command line. The core never imports this module (Hydra stays at the edge).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from akimsim.config import ConfigError, RunConfig, validate


def _compose(overrides: Sequence[str], return_hydra_config: bool = False) -> DictConfig:
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from akimsim.cli import CONFIG_DIR, register_configs

    register_configs()
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return hydra_compose(config_name="config", overrides=list(overrides),
                             return_hydra_config=return_hydra_config)


def compose(*overrides: str) -> RunConfig:
    """The :class:`RunConfig` that ``akimsim OVERRIDES...`` would run (validated).

    >>> cfg = compose("territory=toy", "regimes.rural=direct", "seed=3")
    """
    from akimsim.cli import to_run_config

    cfg = to_run_config(_compose(overrides))
    validate(cfg)
    return cfg


def sweep_params(*overrides: str) -> dict[str, str]:
    """The sweeper params a preset declares (``hydra.sweeper.params``), e.g.
    ``sweep_params("experiment=regime_comparison")`` -> ``{"seed": "range(0,20)", ...}``."""
    cfg = _compose(overrides, return_hydra_config=True)
    params = OmegaConf.select(cfg, "hydra.sweeper.params", default=None)
    if params is None:
        return {}
    return {str(k): str(v) for k, v in OmegaConf.to_container(params).items()}  # type: ignore[union-attr]


def config_from_manifest(path: str | Path) -> RunConfig:
    """Rebuild the exact :class:`RunConfig` of a run from its ``manifest.json`` (or the
    folder holding it), to rerun or vary one job of a sweep."""
    p = Path(path)
    if p.is_dir():
        p = p / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(p.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{p}: not a readable akimsim manifest ({exc})") from exc
    if "config" not in manifest:
        raise ConfigError(f"{p}: the manifest has no 'config' entry")
    merged = OmegaConf.merge(OmegaConf.structured(RunConfig), manifest["config"])
    cfg = OmegaConf.to_object(merged)
    if not isinstance(cfg, RunConfig):
        raise ConfigError(f"{p}: the manifest's config is not a RunConfig")
    validate(cfg)
    return cfg

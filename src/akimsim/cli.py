"""The Hydra entry point: compose, validate, run, write.

``akimsim [overrides...]`` runs one simulation from ``configs/config.yaml``; every
config group is backed by the dataclass schemas of :mod:`akimsim.config`, registered
in Hydra's ConfigStore, so a misspelt key, a wrong type or an unknown regime fails at
composition with a message naming the field and the allowed values.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any, cast

import hydra
import pandas as pd
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from akimsim.config import ConfigError, RunConfig
from akimsim.territory import TerritoryError

CONFIG_DIR = str(Path(__file__).resolve().parent / "configs")


def register_configs() -> None:
    """Put the run schema into Hydra's ConfigStore (idempotent)."""
    ConfigStore.instance().store(name="run_schema", node=RunConfig)


register_configs()


def _run_keys(cfg: DictConfig) -> list[str]:
    """Top-level keys of a composed config, less Hydra's own node."""
    return [str(k) for k in cfg.keys() if k != "hydra"]  # noqa: SIM118 (DictConfig keys)


def to_run_config(cfg: DictConfig) -> RunConfig:
    """Turn a composed Hydra config into the core's :class:`RunConfig` (without ``hydra``)."""
    node = OmegaConf.masked_copy(cfg, _run_keys(cfg)) if "hydra" in cfg else cfg
    obj = OmegaConf.to_object(node)
    if not isinstance(obj, RunConfig):
        raise ConfigError("the composed config is not a RunConfig; is run_schema in defaults?")
    return obj


def _remove_if_empty(path: Path) -> None:
    try:
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    except OSError:
        pass


def run_task(cfg: DictConfig) -> dict[str, Any]:
    """Run one composed config into Hydra's output folder and print the overview."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from akimsim.runner import run_and_write  # heavy imports after composition

    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        run_cfg = to_run_config(cfg)
        resolved = cast(dict[str, Any], OmegaConf.to_container(
            OmegaConf.masked_copy(cfg, _run_keys(cfg)), resolve=True))
        result = run_and_write(run_cfg, out_dir, config=resolved)
    except (ConfigError, TerritoryError) as exc:
        _remove_if_empty(out_dir)
        print(f"akimsim: error: {exc}", file=sys.stderr)
        sys.exit(2)
    with pd.option_context("display.width", 160, "display.max_columns", 20,
                           "display.float_format", "{:.3f}".format):
        print(result["overview"].to_string(index=False))
    print(f"\nwrote {len(result['paths'])} files to {out_dir}:")
    for p in result["paths"]:
        print(f"  {p.name}")
    return result


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _hydra_main(cfg: DictConfig) -> None:
    run_task(cfg)


def main() -> None:
    """Console script ``akimsim``."""
    os.environ.setdefault("HYDRA_FULL_ERROR", "0")
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    _hydra_main()


if __name__ == "__main__":
    main()

"""All of akimsim's Hydra glue, in one module: the only one that imports Hydra or OmegaConf.

- the schemas in Hydra's ConfigStore, and a composed config turned into the core's
  :class:`~akimsim.config.RunConfig` (:func:`to_run_config`);
- the task of one run or sweep job (:func:`run_task`) and its ``@hydra.main`` wrapper
  (:func:`hydra_main`): compose, validate, run, write; in a sweep, skip a complete job
  and record a failing one (:mod:`akimsim.edge.sweep`);
- the jobs a sweep was to run, as Hydra's basic sweeper expands them (:func:`planned_jobs`);
- the shipped configs from Python (:func:`compose`, :func:`sweep_params`,
  :func:`config_from_manifest`), for notebooks and scripts that want exactly what
  ``akimsim OVERRIDES`` would run.

The core never imports this module.
"""

from __future__ import annotations

import dataclasses
import difflib
import errno
import json
import logging
import os
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from akimsim.config import ConfigError, RunConfig, validate
from akimsim.io import OutputError

CONFIG_DIR = str(Path(__file__).resolve().parent.parent / "configs")
#: what the machine can refuse a run: a full disk or quota, a read-only file system, no
#: permission, an I/O error (told in one line, not as a bug)
USER_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                         errno.EIO})
#: set (to 1) by ``akimsim --debug``: show tracebacks of user errors too
DEBUG_ENV = "AKIMSIM_DEBUG"


def register_configs() -> None:
    """Put the run schema into Hydra's ConfigStore (idempotent)."""
    ConfigStore.instance().store(name="run_schema", node=RunConfig)


register_configs()


# --------------------------------------------------------------------------- configs

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


def _compose(overrides: Sequence[str], return_hydra_config: bool = False) -> DictConfig:
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

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


# --------------------------------------------------------------------------- one job

def show_config_warnings() -> None:
    """Print a ConfigWarning as one line, ``akimsim: warning: ...``, once per process
    (other warnings as usual); in the command's process and in a launcher's workers."""
    from akimsim.config import ConfigWarning

    shown = warnings.showwarning
    if getattr(shown, "akimsim", False):
        return
    said: set[str] = set()

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        if issubclass(category, ConfigWarning):
            if str(message) not in said:
                said.add(str(message))
                print(f"akimsim: warning: {message}", file=sys.stderr)
        else:
            shown(message, category, filename, lineno, file, line)

    show.akimsim = True  # type: ignore[attr-defined]
    warnings.showwarning = show


def _remove_if_empty(path: Path) -> None:
    try:
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    except OSError:
        pass


def _hydra_value(key: str) -> Any:
    """A value of Hydra's own config (``hydra.KEY``), None when it is missing."""
    node = cast(DictConfig, HydraConfig.get())
    return OmegaConf.select(node, key, default=None, throw_on_missing=False)


def _job_record(threads: int | None) -> dict[str, Any]:
    from akimsim.edge.sweep import job_record

    num = _hydra_value("job.num")
    return job_record(
        [str(o) for o in _hydra_value("overrides.task") or []],
        num=int(num) if num is not None else None,
        override_dirname=_hydra_value("job.override_dirname"),
        launcher=_hydra_value("launcher._target_"),
        threads=threads,
    )


def run_task(cfg: DictConfig) -> dict[str, Any] | None:
    """Run one composed config into Hydra's output folder and print the overview.

    A single run claims its folder before any work (locked, refused when it holds
    results unless ``output.overwrite=true``) and fails on bad input before the
    simulation starts, leaving no folder it created behind. In a sweep (multirun), a job
    whose folder already holds complete results of the same resolved config is skipped
    (returns None); a folder with the complete results of another config is refused
    unless ``output.overwrite=true``; an incomplete one is redone. A failing job writes
    ``failed.json``, prints one line and raises, so Hydra reports it after the other jobs
    ran.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    import pandas as pd

    from akimsim.edge import lifecycle, sweep
    from akimsim.io import FolderBusy, check_complete, claim_folder
    from akimsim.runner import run_and_write  # heavy imports after composition

    lifecycle.watch_owner()  # in a launcher's worker: end with the akimsim that started it
    show_config_warnings()
    hc = HydraConfig.get()
    multirun = hc.mode == RunMode.MULTIRUN
    out_dir = Path(hc.runtime.output_dir)
    record: dict[str, Any] | None = None
    try:
        launcher = cast(dict[str, Any], OmegaConf.to_container(hc.launcher, resolve=False))
        threads = sweep.job_threads(launcher if multirun else None)
        if threads is not None:
            threads = sweep.set_threads(threads)
        resolved = cast(dict[str, Any], OmegaConf.to_container(
            OmegaConf.masked_copy(cfg, _run_keys(cfg)), resolve=True))
        run_cfg = to_run_config(cfg)
        if not multirun:
            result = run_and_write(run_cfg, out_dir, config=resolved)
        else:
            record = _job_record(threads)
            with claim_folder(out_dir, refuse_results=False):
                complete, _ = check_complete(out_dir)  # the files, read once for checksums
                same, why = (check_complete(out_dir, resolved, verify_checksums=False)
                             if complete else (False, ""))
                if same:
                    sweep.finish_job(out_dir)
                    shown = " ".join(record["overrides"])
                    print(f"akimsim: job {record['job_num']} ({shown}) already complete in "
                          f"{out_dir}, skipped")
                    return None
                if complete and not run_cfg.output.overwrite:
                    raise OutputError(
                        f"{out_dir} holds the complete results of another config ({why}); "
                        "pass output.overwrite=true to replace them, or choose another "
                        "hydra.sweep.dir")
                sweep.start_job(out_dir, record)
                result = run_and_write(run_cfg, out_dir, config=resolved,
                                       extra_manifest={"sweep": record}, overwrite=True)
                sweep.finish_job(out_dir)
    except Exception as exc:
        if multirun:
            if not isinstance(exc, FolderBusy):  # the folder belongs to another run
                sweep.write_failure(out_dir, exc, record)
            print(f"akimsim: error in job {_hydra_value('job.num')}: {exc}"
                  + ("" if isinstance(exc, FolderBusy) else
                     f" (details in {out_dir / sweep.FAILED})"), file=sys.stderr)
        else:
            _remove_if_empty(out_dir)
        raise
    if result["cleaned"]:
        print(f"akimsim: removed what an interrupted run had left in {out_dir}: "
              f"{', '.join(result['cleaned'])}", file=sys.stderr)
    with pd.option_context("display.width", 160, "display.max_columns", 20,
                           "display.float_format", "{:.3f}".format):
        print(result["overview"].to_string(index=False, na_rep="-"))
    print("(means over the years; '-' where a measure does not apply, e.g. candidates under "
          "appointment; each name is explained by `akimsim glossary`)")
    print(f"\nwrote {len(result['paths'])} files to {out_dir}:")
    for p in result["paths"]:
        print(f"  {p.name}")
    return result


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def hydra_main(cfg: DictConfig) -> None:
    """``akimsim [overrides...]`` and ``akimsim -m ...``: one run, or one job of a sweep.

    A single run's user error ends the process here with one line and status 2 (unless
    ``AKIMSIM_DEBUG=1``); a sweep job's error goes back to Hydra, which runs the other jobs.
    """
    try:
        result = run_task(cfg)
    except Exception as exc:
        single = HydraConfig.get().mode != RunMode.MULTIRUN
        message = explain(exc) if single and os.environ.get(DEBUG_ENV) != "1" else None
        if message is None:
            raise
        print(f"akimsim: error: {message}", file=sys.stderr)
        sys.exit(2)
    if result is not None:
        # a sweep runs many jobs in one process: let each finished model be collected
        # (Mesa 3.3 would otherwise keep them all; see AkimModel.release)
        result["model"].release()


# --------------------------------------------------------------------------- errors in words

def _fields_at(schema: Any) -> list[str]:
    return [f.name for f in dataclasses.fields(schema)] if dataclasses.is_dataclass(schema) \
        else []


def _unknown_key(full_key: str, key: str, schema: Any) -> str:
    """An unknown key named, with the closest valid keys and the keys it could be."""
    keys = _fields_at(schema)
    prefix = full_key[: len(full_key) - len(key)]
    near = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
    hint = ("; did you mean " + " or ".join(f"'{prefix}{k}'" for k in near) + "?") if near else ""
    where = f"of {prefix.rstrip('.')}" if prefix else "at the top level"
    return (f"unknown key '{full_key}'{hint} (the keys {where} are: {', '.join(keys)})"
            if keys else f"unknown key '{full_key}'")


def explain(exc: BaseException) -> str | None:
    """A user error as one line (the field, the value and what would be valid), or None
    when ``exc`` is not one a user can cause (then it is a bug, shown with its traceback)."""
    from hydra.errors import (
        ConfigCompositionException,
        MissingConfigException,
        OverrideParseException,
    )
    from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException

    from akimsim.world import TerritoryError

    if isinstance(exc, ConfigError | TerritoryError | OutputError):
        return str(exc)
    if isinstance(exc, MissingConfigException):
        first = str(exc).splitlines()[0]
        found = re.search(r"Could not find '([^/']+)/([^']+)'", first)
        options = re.findall(r"^\t(\S+)$", str(exc).split("Config search path")[0], re.M)
        if found:
            return (f"{found.group(1)}={found.group(2)}: no such option; the options of "
                    f"{found.group(1)} are: {', '.join(options)}")
        return first.removeprefix("In 'config': ")
    if isinstance(exc, OverrideParseException):
        lines = str(exc).splitlines()
        return "; ".join(lines[:2]) + " (an override has the form key=value)"
    cause = exc.__cause__ if isinstance(exc, ConfigCompositionException) else exc
    if isinstance(cause, ConfigAttributeError | ConfigKeyError) \
            and "not in" in str(cause).splitlines()[0]:
        return _unknown_key(str(cause.full_key), str(cause.key), cause.object_type)
    if isinstance(cause, OmegaConfBaseException):
        full_key = getattr(cause, "full_key", None)
        first = str(cause).splitlines()[0]
        return f"{full_key}: {first}" if full_key else first
    if isinstance(exc, ConfigCompositionException):
        return str(exc).splitlines()[0]
    if isinstance(exc, FileExistsError | NotADirectoryError) and exc.filename:
        return (f"cannot create the folder {exc.filename}: a file is in the way (the path "
                "or one of its parents is a file)")
    if isinstance(exc, OSError) and exc.filename:
        return f"cannot create or write {exc.filename}: {exc.strerror or exc}"
    if isinstance(exc, OSError) and exc.errno in USER_ERRNOS:
        return f"cannot write the results: {exc.strerror or exc}"
    return None


# --------------------------------------------------------------------------- a sweep's plan

def planned_jobs(sweep_dir: str | Path) -> list[tuple[str | None, list[str]]] | None:
    """The jobs a sweep was to run, as ``(folder name or None, overrides)``, in order.

    Read from ``multirun.yaml`` and expanded as Hydra's basic sweeper expands it (its
    ``params`` first, then the command line's overrides). None when there is no
    ``multirun.yaml``, another sweeper made the sweep, or it cannot be expanded.
    """
    path = Path(sweep_dir) / "multirun.yaml"
    if not path.is_file():
        return None
    try:
        from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
        from hydra.core.override_parser.overrides_parser import OverridesParser

        conf = OmegaConf.load(path)
        hydra_node = conf.hydra
        if "BasicSweeper" not in str(hydra_node.sweeper.get("_target_", "")):
            return None
        params = hydra_node.sweeper.get("params") or {}
        args = [f"{k}={v}" for k, v in params.items()]
        args += [str(o) for o in hydra_node.overrides.task]
        parsed = OverridesParser.create().parse_overrides(args)
        batches = BasicSweeper.split_arguments(parsed, None)
        subdir = OmegaConf.to_container(hydra_node.sweep, resolve=False).get("subdir")  # type: ignore[union-attr]
    except Exception:  # a plan we cannot read is no reason to refuse collecting
        return None
    by_num = str(subdir).strip() == "${hydra.job.num}"
    return [(str(i) if by_num else None, list(job)) for i, job in enumerate(batches[0])]

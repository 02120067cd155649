"""The Hydra entry point: compose, validate, run, write; and the ``collect`` subcommand.

``akimsim [overrides...]`` runs one simulation from ``configs/config.yaml``; every
config group is backed by the dataclass schemas of :mod:`akimsim.config`, registered
in Hydra's ConfigStore, so a misspelt key, a wrong type or an unknown regime fails at
composition with a message naming the field and the allowed values.

``akimsim -m ...`` runs a sweep, one job per combination, with any Hydra launcher. A
job whose folder already holds complete results of the same config is skipped, a job
that fails leaves ``failed.json`` and lets the others run (:mod:`akimsim.sweep`).

``akimsim collect SWEEP_DIR`` (argparse, before Hydra) gathers a sweep's job folders
into one table per kind.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import hydra
import pandas as pd
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
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


def _hydra_value(key: str) -> Any:
    """A value of Hydra's own config (``hydra.KEY``), None when it is missing."""
    node = cast(DictConfig, HydraConfig.get())
    return OmegaConf.select(node, key, default=None, throw_on_missing=False)


def _job_record(threads: int | None) -> dict[str, Any]:
    from akimsim.sweep import job_record

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

    In a sweep (multirun), a job whose folder already holds complete results of the same
    resolved config is skipped (returns None); a failing job writes ``failed.json`` and
    raises, so Hydra reports it after the other jobs ran. A single run that fails on bad
    input exits with status 2 and leaves no folder behind.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from akimsim import sweep
    from akimsim.runner import run_and_write  # heavy imports after composition

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
        if multirun:
            record = _job_record(threads)
            done, _ = sweep.check_complete(out_dir, resolved)
            if done:
                sweep.finish_job(out_dir)
                shown = " ".join(record["overrides"])
                print(f"akimsim: job {record['job_num']} ({shown}) already complete in "
                      f"{out_dir}, skipped")
                return None
            sweep.start_job(out_dir, record)
        run_cfg = to_run_config(cfg)
        result = run_and_write(run_cfg, out_dir, config=resolved,
                               extra_manifest={"sweep": record} if record else None)
        if multirun:
            sweep.finish_job(out_dir)
    except Exception as exc:
        if multirun:
            sweep.write_failure(out_dir, exc, record)
            print(f"akimsim: error in job {_hydra_value('job.num')}: {exc} "
                  f"(details in {out_dir / sweep.FAILED})", file=sys.stderr)
            raise
        if isinstance(exc, ConfigError | TerritoryError):
            _remove_if_empty(out_dir)
            print(f"akimsim: error: {exc}", file=sys.stderr)
            sys.exit(2)
        raise
    with pd.option_context("display.width", 160, "display.max_columns", 20,
                           "display.float_format", "{:.3f}".format):
        print(result["overview"].to_string(index=False))
    print(f"\nwrote {len(result['paths'])} files to {out_dir}:")
    for p in result["paths"]:
        print(f"  {p.name}")
    return result


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _hydra_main(cfg: DictConfig) -> None:
    result = run_task(cfg)
    if result is not None:
        # a sweep runs many jobs in one process: let each finished model be collected
        # (Mesa 3.3 would otherwise keep them all; see AkimModel.release)
        result["model"].release()


# --------------------------------------------------------------------------- subcommands

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


def _collect_command(argv: Sequence[str]) -> int:
    from akimsim import sweep

    parser = argparse.ArgumentParser(
        prog="akimsim collect",
        description="Gather the job folders of a sweep (akimsim -m ...) into one table per "
                    "kind, with each job's overrides as columns. Writes <out>/<table>.parquet "
                    "for the complete jobs, and jobs.parquet and jobs.csv listing every job "
                    "with its status and error.",
        epilog="Exit status: 0 when every job is complete, 1 when some failed or are "
               "incomplete (the complete ones are still collected), 2 on bad input.")
    parser.add_argument("sweep_dir", metavar="MULTIRUN_DIR", type=Path,
                        help="the sweep folder (hydra.sweep.dir): multirun.yaml and one "
                             "folder per job")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the tables (default: MULTIRUN_DIR/collected)")
    parser.add_argument("--tables", default="summary",
                        help=f"comma-separated tables to collect, of {','.join(sweep.TABLES)} "
                             "(default: summary)")
    parser.add_argument("--partial-ok", action="store_true",
                        help="exit 0 even when some jobs failed or are incomplete")
    parser.add_argument("--no-checksums", action="store_true",
                        help="check file sizes only, not SHA-256 checksums (faster)")
    args = parser.parse_args(list(argv))
    tables = [t.strip() for t in args.tables.split(",") if t.strip()]
    out = args.out if args.out is not None else args.sweep_dir / "collected"
    try:
        frames = sweep.collect(args.sweep_dir, tables, out=out,
                               verify_checksums=not args.no_checksums)
    except sweep.SweepError as exc:
        print(f"akimsim collect: error: {exc}", file=sys.stderr)
        return 2
    jobs = frames["jobs"]
    print(sweep.report(jobs, args.sweep_dir))
    written = [f"{t}.parquet ({len(frames[t])} rows)" for t in tables if t in frames]
    if not written:
        print("no complete job: no table written")
    print(f"wrote to {out}: {', '.join([*written, 'jobs.parquet', 'jobs.csv'])}")
    if (jobs["status"] == "complete").all() or args.partial_ok:
        return 0
    return 1


def _dashboard_command(argv: Sequence[str]) -> int:
    """``akimsim dashboard [--port N] [--host H] [--no-browser]`` (akimsim.dashboard)."""
    from akimsim import dashboard

    return dashboard.main(list(argv))


#: subcommands handled before Hydra sees the command line (``akimsim NAME ...``)
SUBCOMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "collect": _collect_command,
    "dashboard": _dashboard_command,
}


def main(argv: Sequence[str] | None = None) -> None:
    """Console script ``akimsim``: a subcommand, or a Hydra run or sweep."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        sys.exit(SUBCOMMANDS[args[0]](args[1:]))
    os.environ.setdefault("HYDRA_FULL_ERROR", "0")
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    _hydra_main()


if __name__ == "__main__":
    main()

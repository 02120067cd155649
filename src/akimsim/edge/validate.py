"""``akimsim validate``: the model against observed figures, as a report.

Either runs a configuration (Hydra overrides, as for ``akimsim``) over ``--seeds``
seeds, or reads a finished run or sweep (``--run DIR``), measures every target of
``--targets`` (default: the project's own, ``akimsim/data/targets.yaml``) and writes
``validation.md``, ``validation.csv``, ``validation.png`` and ``runs.csv`` to ``--out``.
It exits 0 whatever the fit (a report, not a test) and 2 on bad input, which is found
before any run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from akimsim.analysis.measures import describe
from akimsim.calibration.targets import (
    DEFAULT_TARGETS,
    ROLES,
    Target,
    TargetError,
    load_targets,
    select_roles,
)
from akimsim.calibration.validation import (
    context_of,
    evaluate,
    simulate,
    summarise,
    write_report,
)
from akimsim.config import ConfigError, RunConfig
from akimsim.edge.commands import add_backend
from akimsim.io import sha256_file

EPILOG = """examples:
  akimsim validate territory.scale=0.1 --seeds 10        # the default config at 10 %
  akimsim validate --run results/main                     # a finished run
  akimsim validate --run multirun/2026-12-01/10-00-00     # a sweep: its jobs are the runs
  akimsim validate --targets my_figures.yaml --role validation territory.scale=0.1
  akimsim validate --list-metrics

Exit status: 0 when the report is written (whatever the fit), 2 on bad input."""


class UsageError(ValueError):
    """Bad input to the command (reported in one line, exit status 2)."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="akimsim validate", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Compare the model with observed figures: for each target, the "
                    "simulated mean and its 95 %% interval over seeds, the predictive "
                    "interval, the relative error and whether the observed figure lies "
                    "inside. Writes validation.md, validation.csv, validation.png and "
                    "runs.csv.", epilog=EPILOG)
    p.add_argument("overrides", nargs="*", metavar="OVERRIDE",
                   help="config overrides as for `akimsim` (e.g. territory.scale=0.1); "
                        "not with --run")
    p.add_argument("--run", type=Path, default=None, metavar="DIR",
                   help="a finished run's folder (akimsim hydra.run.dir=DIR) or a sweep's "
                        "(akimsim -m ...) instead of new runs")
    p.add_argument("--targets", type=Path, default=None, metavar="FILE",
                   help=f"a targets file (default: the project's own, {DEFAULT_TARGETS.name})")
    p.add_argument("--role", choices=[*ROLES, "all"], default="all",
                   help="which targets to report (default: all)")
    p.add_argument("--seeds", type=int, default=10, metavar="N",
                   help="runs with seeds SEED .. SEED+N-1, SEED the config's seed "
                        "(default: 10)")
    p.add_argument("--workers", type=int, default=None, metavar="W",
                   help="worker processes (default: the cores, at most --seeds)")
    add_backend(p)
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="where to write the report (default: DIR/validation with --run, "
                        "else validation/)")
    p.add_argument("--skip-uncovered", action="store_true",
                   help="leave out the targets whose years the run does not cover (they "
                        "are listed) instead of stopping")
    p.add_argument("--list-metrics", action="store_true",
                   help="print the metrics a target can name, one line each, and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def list_metrics() -> str:
    table = describe()
    width = max(len(m) for m in table["metric"])
    return "\n".join(f"{m:<{width}}  {d}" for m, d in
                     zip(table["metric"], table["description"], strict=True))


def _targets(args: argparse.Namespace) -> tuple[list[Target], Path]:
    path = args.targets if args.targets is not None else DEFAULT_TARGETS
    targets = select_roles(load_targets(path), None if args.role == "all" else [args.role])
    if not targets:
        raise UsageError(f"{path}: no target has role {args.role}")
    return targets, path


def _covered(args: argparse.Namespace, targets: list[Target], cfg: RunConfig
             ) -> list[Target]:
    """With ``--skip-uncovered``, the targets whose years lie in ``cfg``'s run (the others
    are named on stderr); else all of them."""
    if not args.skip_uncovered:
        return targets
    inside = [t for t in targets if cfg.start_year <= t.years[0] and
              t.years[1] <= cfg.end_year]
    left = [t.name for t in targets if t not in inside]
    if left:
        print(f"akimsim validate: left out {len(left)} target(s) outside "
              f"{cfg.start_year}-{cfg.end_year}: {', '.join(left)}", file=sys.stderr)
    if not inside:
        raise UsageError(f"no target lies within the run's years {cfg.start_year}-"
                         f"{cfg.end_year}")
    return inside


def _from_config(args: argparse.Namespace, targets: list[Target]
                 ) -> tuple[pd.DataFrame, dict[str, Any], list[Target]]:
    from akimsim.calibration.validation import check_targets
    from akimsim.edge.hydra import compose

    if args.seeds < 1:
        raise UsageError(f"--seeds must be at least 1, got {args.seeds}")
    cfg = compose(*args.overrides)
    targets = _covered(args, targets, cfg)
    territory = check_targets(cfg, targets)  # before any run
    seeds = range(cfg.seed, cfg.seed + args.seeds)
    workers = args.workers if args.workers is not None else min(os.cpu_count() or 1,
                                                                args.seeds)
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    print(f"akimsim validate: {len(targets)} targets, {args.seeds} runs "
          f"(seeds {seeds[0]}-{seeds[-1]}) on {workers} worker(s)", file=sys.stderr)
    runs = simulate(cfg, targets, seeds, workers=workers, progress=not args.quiet,
                    territory=territory, backend=args.backend)
    header = {"config": " ".join(args.overrides) or "(the default config)",
              "seeds": f"{seeds[0]}-{seeds[-1]} ({args.seeds} runs)",
              "territory scale": cfg.territory.scale,
              "years": f"{cfg.start_year}-{cfg.end_year}"}
    return runs, header, targets


def _run_configs(folder: Path) -> list[tuple[str, Path]]:
    """The run folders in ``folder``: itself if it holds one run, else its jobs."""
    from akimsim.edge.sweep import find_job_dirs

    if (folder / "manifest.json").exists():
        return [(folder.name, folder)]
    dirs = find_job_dirs(folder)
    if not dirs:
        raise UsageError(f"{folder}: neither a run's folder (no manifest.json) nor a "
                         f"sweep's (no job folder)")
    return [(d.relative_to(folder).as_posix(), d) for d in dirs]


def _from_run(args: argparse.Namespace, targets: list[Target]
              ) -> tuple[pd.DataFrame, dict[str, Any], list[Target]]:
    from akimsim.calibration.targets import check_against_run
    from akimsim.edge.hydra import config_from_manifest
    from akimsim.io import OutputError, read_results
    from akimsim.world import build_territory

    if args.overrides:
        raise UsageError(f"--run reads finished runs; config overrides "
                         f"({' '.join(args.overrides)}) do not apply")
    folder = args.run
    if not folder.is_dir():
        raise UsageError(f"--run {folder}: not a folder")
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    varying: str | None = None
    first: RunConfig | None = None
    territories: dict[str, Any] = {}
    for name, path in _run_configs(folder):
        try:
            contests = read_results(path, ("contests",))["contests"]
        except OutputError as exc:
            skipped.append(f"{name} ({exc})")
            continue
        cfg = config_from_manifest(path)
        if first is None:
            first = cfg
            targets = _covered(args, targets, cfg)
        elif varying is None and _without_seed(cfg) != _without_seed(first):
            varying = name
        key = repr(cfg.territory)
        if key not in territories:
            territories[key] = build_territory(cfg.territory)
        ctx = context_of(cfg, territories[key])
        check_against_run(targets, cfg.start_year, cfg.end_year, ctx)
        rows.append({"run": len(rows), "seed": cfg.seed, "job": name,
                     **evaluate(contests, targets, ctx)})
    if not rows:
        raise UsageError(f"{folder}: no complete run to read"
                         + (f"; skipped: {'; '.join(skipped)}" if skipped else ""))
    if varying is not None:
        raise UsageError(f"{folder}: job {varying} differs from the first job in more than "
                         f"its seed; validate the jobs of one parameter set at a time "
                         f"(a folder per set, or --run on one job)")
    for s in skipped:
        print(f"akimsim validate: warning: skipped {s}", file=sys.stderr)
    assert first is not None
    header = {"runs read": f"{folder} ({len(rows)} run(s)"
              + (f", {len(skipped)} incomplete skipped)" if skipped else ")"),
              "territory scale": first.territory.scale,
              "years": f"{first.start_year}-{first.end_year}"}
    return pd.DataFrame(rows), header, targets


def _without_seed(cfg: RunConfig) -> Any:
    from dataclasses import replace

    return replace(cfg, seed=0, output=replace(cfg.output, progress=False))


def run(argv: Sequence[str]) -> int:
    from akimsim.edge.commands import guarded

    args = parser().parse_args(list(argv))
    if args.list_metrics:
        print(list_metrics())
        return 0
    return guarded("akimsim validate", lambda: _run(args),
                   (TargetError, UsageError, ConfigError))


def _run(args: argparse.Namespace) -> int:
    targets, path = _targets(args)
    runs, header, targets = _from_run(args, targets) if args.run is not None else \
        _from_config(args, targets)
    table = summarise(runs, targets)
    header = {**header, "targets": f"{path} (sha256 {sha256_file(path)[:16]}...)",
              "date": dt.date.today().isoformat()}
    out = args.out if args.out is not None else (
        args.run / "validation" if args.run is not None else Path("validation"))
    paths = write_report(table, out, runs, header)
    inside = table["inside"].dropna()
    print(_console(table))
    print(f"\n{int(inside.sum())} of {len(inside)} observed figures inside the 95 % "
          f"predictive interval; wrote {', '.join(str(p) for p in paths)}")
    return 0


def _console(table: pd.DataFrame) -> str:
    def num(v: float) -> str:
        return "n/a" if math.isnan(v) else f"{v:.4g}"

    width = max(len(n) for n in table["name"])
    lines = [f"{'target':<{width}}  {'observed':>17}  {'simulated':>9}  {'predictive':>19}  "
             f"inside"]
    for r in table.to_dict("records"):
        obs = num(r["low"]) if r["low"] == r["high"] else \
            f"{num(r['low'])}..{num(r['high'])}"
        pred = f"{num(r['pred_low'])}..{num(r['pred_high'])}"
        inside = "n/a" if r["inside"] is None else ("yes" if r["inside"] else "NO")
        lines.append(f"{r['name']:<{width}}  {obs:>17}  {num(r['simulated']):>9}  "
                     f"{pred:>19}  {inside}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv)

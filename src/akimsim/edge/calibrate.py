"""``akimsim calibrate``: fit behavioural parameters to the calibration targets.

The simulated method of moments with common random numbers and differential evolution
(:mod:`akimsim.calibration.smm`). Parameters come from ``--params``: a preset's name
(``akimsim/data/params/NAME.yaml``), a YAML file, or ``PATH=LOW:HIGH,...``. Runs stop
at the last year any target needs. A killed calibration resumes from
``OUT/evaluations.jsonl`` when run again with the same arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import warnings
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from akimsim.calibration.params import (
    PARAMS_DIR,
    Param,
    ParamError,
    check_params,
    list_params,
    load_params,
    parse_params_arg,
)
from akimsim.calibration.smm import (
    WEIGHTINGS,
    CalibrationError,
    Problem,
    calibrate,
    write_calibration,
)
from akimsim.calibration.targets import DEFAULT_TARGETS, TargetError, load_targets, select_roles
from akimsim.config import ConfigError, ConfigWarning
from akimsim.edge.commands import add_backend
from akimsim.io import sha256_file

EPILOG = """examples:
  akimsim calibrate territory.scale=0.1 --params rural --seeds 10 --budget 2000
  akimsim calibrate territory=synthetic_region \\
      --params behaviour.voters.admin_support=0:3,behaviour.voters.propensity_logit_mean=-1:3
  akimsim calibrate --list-params

Exit status: 0 when the calibration finished, 2 on bad input, 130 when interrupted
(run the same command again to resume)."""


class UsageError(ValueError):
    """Bad input to the command."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="akimsim calibrate", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Fit behavioural parameters to the calibration targets by the simulated "
                    "method of moments (common random numbers, differential evolution). "
                    "Writes calibration.md, estimates.csv, fit.csv, identifiability.csv, "
                    "calibration.png, the preset calibrated.yaml and evaluations.jsonl "
                    "(which lets a killed calibration resume).", epilog=EPILOG)
    p.add_argument("overrides", nargs="*", metavar="OVERRIDE",
                   help="config overrides as for `akimsim` (e.g. territory.scale=0.1)")
    presets = sorted(f.stem for f in PARAMS_DIR.glob("*.yaml"))
    p.add_argument("--params", default=None, metavar="SPEC",
                   help=f"a preset ({', '.join(presets)}), a YAML file, or "
                        f"PATH=LOW:HIGH,... (required unless --list-params)")
    p.add_argument("--targets", type=Path, default=None, metavar="FILE",
                   help=f"a targets file (default: the project's own, {DEFAULT_TARGETS.name}); "
                        "its calibration targets are fitted")
    p.add_argument("--seeds", type=int, default=10, metavar="N",
                   help="seeds SEED .. SEED+N-1 at every parameter vector (default: 10)")
    p.add_argument("--budget", type=int, default=2000, metavar="RUNS",
                   help="model runs at most, about (default: 2000)")
    p.add_argument("--workers", type=int, default=None, metavar="W",
                   help="worker processes (default: the cores)")
    add_backend(p)
    p.add_argument("--weighting", choices=WEIGHTINGS, default="diagonal",
                   help="weighting matrix (default: diagonal)")
    p.add_argument("--popsize", type=int, default=None, metavar="M",
                   help="population per parameter of differential evolution (default: "
                        "max(4, ceil(10 / parameters)))")
    p.add_argument("--optimiser-seed", type=int, default=0, metavar="S",
                   help="seed of the optimiser's own draws (default: 0)")
    p.add_argument("--out", type=Path, default=Path("calibration"), metavar="DIR",
                   help="where to write (default: calibration/)")
    p.add_argument("--fresh", action="store_true",
                   help="start over, discarding OUT/evaluations.jsonl")
    p.add_argument("--list-params", action="store_true",
                   help="print every number of the config with its valid range, and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def resolve_params(spec: str) -> list[Param]:
    """A preset name, a YAML file or an inline list."""
    preset = PARAMS_DIR / f"{spec}.yaml"
    if "=" not in spec and preset.exists():
        return load_params(preset)
    if "=" not in spec:
        if Path(spec).exists():
            return load_params(spec)
        presets = ", ".join(sorted(f.stem for f in PARAMS_DIR.glob("*.yaml")))
        raise ParamError(f"--params {spec!r}: not a preset ({presets}), a file, or "
                         f"PATH=LOW:HIGH")
    return parse_params_arg(spec)


def run(argv: Sequence[str]) -> int:
    from akimsim.edge.commands import guarded
    from akimsim.edge.hydra import show_config_warnings

    args = parser().parse_args(list(argv))
    show_config_warnings()
    warnings.simplefilter("once", ConfigWarning)
    return guarded("akimsim calibrate", lambda: _run(args),
                   (TargetError, ParamError, CalibrationError, UsageError, ConfigError),
                   resume=args.out / "evaluations.jsonl")


def _run(args: argparse.Namespace) -> int:
    from akimsim.edge.hydra import compose

    cfg = compose(*args.overrides)
    if args.list_params:
        print(list_params(cfg))
        return 0
    if args.params is None:
        raise UsageError("--params is required (a preset, a file or PATH=LOW:HIGH)")
    if args.seeds < 2:
        raise UsageError(f"--seeds must be at least 2, got {args.seeds}")
    params = check_params(resolve_params(args.params), cfg)
    targets_path = args.targets if args.targets is not None else DEFAULT_TARGETS
    targets = select_roles(load_targets(targets_path), ["calibration"])
    if not targets:
        raise UsageError(f"{targets_path}: no target has role calibration")
    last = max(t.years[1] for t in targets)
    base = replace(cfg, end_year=max(cfg.start_year, min(cfg.end_year, last)))
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    problem = Problem(base, tuple(params), tuple(targets),
                      tuple(range(cfg.seed, cfg.seed + args.seeds)))
    header = {"config": " ".join(args.overrides) or "(the default config)",
              "years run": f"{base.start_year}-{base.end_year} (the last year a "
                           f"target needs)",
              "territory scale": base.territory.scale,
              "targets": f"{targets_path} (sha256 {sha256_file(targets_path)[:16]}..., "
                         f"{len(targets)} calibration targets)",
              "parameters": args.params, "seeds": f"{problem.seeds[0]}-"
              f"{problem.seeds[-1]}", "budget": f"{args.budget} runs",
              "date": dt.date.today().isoformat()}
    print(f"akimsim calibrate: {len(params)} parameters, {len(targets)} targets, "
          f"{args.seeds} seeds, budget {args.budget} runs, {workers} worker(s); "
          f"evaluations in {args.out / 'evaluations.jsonl'}", file=sys.stderr)
    result = calibrate(problem, budget=args.budget, out=args.out, workers=workers,
                       weighting=args.weighting, popsize=args.popsize,
                       seed=args.optimiser_seed, progress=not args.quiet,
                       fresh=args.fresh, backend=args.backend,
                       log=lambda m: print(f"akimsim calibrate: {m}", file=sys.stderr))
    paths = write_calibration(result, args.out, header)
    print(result.estimates[["param", "start", "estimate", "se", "pinned"]].to_string(
        index=False))
    print(f"\nobjective {result.objective:.4g}; J = {result.j_stat:.3g} on {result.j_df} "
          f"degrees of freedom; {result.runs} runs in {result.seconds:.0f} s")
    print(f"wrote {', '.join(p.name for p in paths)} to {args.out}")
    return 0

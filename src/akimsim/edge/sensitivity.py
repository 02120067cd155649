"""``akimsim sensitivity``: how the experiments' headline findings depend on the
assumption parameters (Morris screening, then Sobol indices; SALib).

Headlines come from ``--headlines`` (default ``akimsim/data/headlines.yaml``), ranges
from ``--ranges`` (a preset's name, default ``plausible``; a YAML file; or
``PATH=LOW:HIGH,...``). Config overrides apply to every experiment's runs. Writes
``sensitivity.md``, ``morris.csv``, ``sobol.csv``, ``robustness.csv``,
``sensitivity.png`` and ``evaluations.jsonl`` (which lets an interrupted analysis
resume) to ``--out``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from akimsim.calibration.params import ParamError, check_params
from akimsim.calibration.sensitivity import (
    DEFAULT_HEADLINES,
    Headline,
    SensitivityError,
    Setup,
    evaluate,
    load_headlines,
    morris_indices,
    morris_sample,
    robustness,
    sobol_indices,
    sobol_sample,
    write_sensitivity,
)
from akimsim.calibration.smm import CalibrationError, Store
from akimsim.config import ConfigError, ConfigWarning
from akimsim.edge.commands import add_backend

EPILOG = """examples:
  akimsim sensitivity --method morris --trajectories 10        # screening only
  akimsim sensitivity --samples 64 --seeds 2                    # Morris, then Sobol
  akimsim sensitivity --only rural_direct_minus_appointment_performance territory.scale=0.05

Exit status: 0 when the report is written, 2 on bad input, 130 when interrupted (run
the same command again to resume)."""


class UsageError(ValueError):
    """Bad input to the command."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="akimsim sensitivity", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Morris screening and Sobol indices of the experiments' headline "
                    "findings over plausible ranges of the assumption parameters, and the "
                    "share of the parameter space in which each finding's sign holds.",
        epilog=EPILOG)
    p.add_argument("overrides", nargs="*", metavar="OVERRIDE",
                   help="config overrides for every experiment's runs (e.g. "
                        "behaviour=calibrated)")
    p.add_argument("--ranges", default="plausible", metavar="SPEC",
                   help="the parameters and their ranges: a preset's name (default: "
                        "plausible), a YAML file, or PATH=LOW:HIGH,...")
    p.add_argument("--headlines", type=Path, default=None, metavar="FILE",
                   help=f"a headlines file (default: {DEFAULT_HEADLINES.name})")
    p.add_argument("--only", default=None, metavar="NAMES",
                   help="comma-separated headline or experiment names to analyse")
    p.add_argument("--method", choices=["morris", "sobol", "both"], default="both",
                   help="Morris screening, Sobol indices, or both (default)")
    p.add_argument("--trajectories", type=int, default=10, metavar="R",
                   help="Morris trajectories (default: 10; R x (parameters + 1) vectors)")
    p.add_argument("--samples", type=int, default=32, metavar="N",
                   help="Sobol base sample, a power of two (default: 32; N x (parameters "
                        "+ 2) vectors)")
    p.add_argument("--seeds", type=int, default=2, metavar="N",
                   help="seeds per parameter vector (default: 2)")
    p.add_argument("--sample-seed", type=int, default=0, metavar="S",
                   help="seed of the samplers' own draws (default: 0)")
    p.add_argument("--workers", type=int, default=None, metavar="W",
                   help="worker processes (default: the cores)")
    add_backend(p)
    p.add_argument("--out", type=Path, default=Path("sensitivity"), metavar="DIR",
                   help="where to write (default: sensitivity/)")
    p.add_argument("--fresh", action="store_true",
                   help="start over, discarding OUT/evaluations.jsonl")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def _key(override: str) -> str:
    return override.lstrip("+~").split("=", 1)[0]


def setups(headlines: Sequence[Headline], overrides: Sequence[str]) -> list[Setup]:
    """Compose each headline group's two arms (edge: Hydra)."""
    from akimsim.edge.hydra import compose

    groups: dict[tuple[str, tuple[str, ...]], list[Headline]] = {}
    for h in headlines:
        groups.setdefault(h.setup, []).append(h)
    user = {_key(o) for o in overrides}
    out = []
    for (experiment, extra), heads in groups.items():
        own = [o for o in extra if _key(o) not in user]
        arms = {}
        for arm in sorted({a for h in heads for a in (h.treatment, h.reference)}):
            arm_key = _key(arm)
            rest = [o for o in overrides if _key(o) != arm_key]
            arms[arm] = compose(f"experiment={experiment}", *own, *rest, arm)
        out.append(Setup(heads, arms))
    return out


def run(argv: Sequence[str]) -> int:
    from akimsim.edge.commands import guarded
    from akimsim.edge.hydra import show_config_warnings

    args = parser().parse_args(list(argv))
    show_config_warnings()
    warnings.simplefilter("once", ConfigWarning)
    return guarded("akimsim sensitivity", lambda: _run(args),
                   (SensitivityError, ParamError, CalibrationError, UsageError, ConfigError),
                   resume=args.out / "evaluations.jsonl")


def _run(args: argparse.Namespace) -> int:
    from akimsim.edge.calibrate import resolve_params
    from akimsim.runner import config_dict

    started = time.perf_counter()
    if args.seeds < 1:
        raise UsageError(f"--seeds must be at least 1, got {args.seeds}")
    if args.trajectories < 2:
        raise UsageError(f"--trajectories must be at least 2, got {args.trajectories}")
    heads = load_headlines(args.headlines)
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        known = {h.name for h in heads} | {h.experiment for h in heads}
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise UsageError(f"--only: {', '.join(unknown)} is not a headline or "
                             f"experiment; they are {', '.join(sorted(known))}")
        heads = [h for h in heads if h.name in wanted or h.experiment in wanted]
    groups = setups(heads, args.overrides)
    heads = [h for s in groups for h in s.headlines]  # in the order they are run
    any_cfg = next(iter(groups[0].arms.values()))
    params = check_params(resolve_params(args.ranges), any_cfg)
    if args.method in ("sobol", "both"):
        sobol_sample(params, args.samples)  # checks the sample size before any run
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    seeds = list(range(any_cfg.seed, any_cfg.seed + args.seeds))
    identity = {"params": [[p.path, p.low, p.high] for p in params],
                "headlines": [h.name for h in heads], "seeds": seeds,
                "configs": {f"{s.headlines[0].experiment} {arm}": config_dict(cfg)
                            for s in groups for arm, cfg in s.arms.items()}}
    args.out.mkdir(parents=True, exist_ok=True)
    store_path = args.out / "evaluations.jsonl"
    if args.fresh and store_path.exists():
        store_path.unlink()
    store = Store(store_path, identity)

    def say(m: str) -> None:
        print(f"akimsim sensitivity: {m}", file=sys.stderr)

    if len(store):
        say(f"resuming: {len(store)} parameter vectors already evaluated")
    runs_per = args.seeds * sum(len({a for h in s.headlines for a in (h.treatment,
                                                                    h.reference)})
                                for s in groups)
    morris_t = sobol_t = None
    xs_all, ys_all = [], []
    if args.method in ("morris", "both"):
        xm = morris_sample(params, args.trajectories, seed=args.sample_seed)
        say(f"Morris: {len(xm)} vectors x {runs_per} runs, {len(heads)} headlines, "
            f"{len(params)} parameters, {workers} worker(s)")
        ym = evaluate(groups, params, xm, seeds, store, workers=workers,
                      progress=not args.quiet, backend=args.backend)
        morris_t = morris_indices(params, xm, ym, heads, seed=args.sample_seed)
        xs_all.append(xm)
        ys_all.append(ym)
    if args.method in ("sobol", "both"):
        xs = sobol_sample(params, args.samples, seed=args.sample_seed)
        say(f"Sobol: {len(xs)} vectors x {runs_per} runs")
        ys = evaluate(groups, params, xs, seeds, store, workers=workers,
                      progress=not args.quiet, backend=args.backend)
        sobol_t = sobol_indices(params, ys, heads, seed=args.sample_seed)
        xs_all, ys_all = [xs], [ys]  # the quasi-random sample covers the box evenly
    robust = robustness(np.vstack(ys_all), heads)
    header = {"config": " ".join(args.overrides) or "(each experiment's preset)",
              "ranges": args.ranges, "seeds": f"{seeds[0]}-{seeds[-1]} per vector",
              "method": args.method, "vectors": len(store),
              "wall time": f"{time.perf_counter() - started:.0f} s on {workers} worker(s)",
              "date": dt.date.today().isoformat()}
    paths = write_sensitivity(args.out, header, params, heads, morris_t, sobol_t, robust,
                              np.vstack(xs_all), np.vstack(ys_all))
    print(robust[["headline", "claim", "sign_holds_share", "share_low", "share_high",
                  "median"]].to_string(index=False))
    print(f"\nwrote {', '.join(p.name for p in paths)} to {args.out}")
    return 0

"""This checkout against an earlier revision, measured in one run: the ratio of their
national build + run times, for the issues' "within twice the time of" bounds.

    .venv/bin/python benchmarks/bench_against.py REV [--rounds 4] [--repeats 3]
        [--scale 1.0] [--out benchmarks/results/against_REV.json]

REV is checked out into a temporary git worktree; both sides run with this checkout's
virtual environment (the earlier code imported through ``PYTHONPATH``). Each round runs
one child process per side, alternating (REV first), and each child does a warm-up run
at 1 % (compiling its own Numba cache) and then ``--repeats`` national runs of the
default reform timeline, seeds 0, 1, ... (build ``AkimModel(cfg)`` and ``model.run()``,
with ``output.progress`` off). Alternating the sides spreads the machine's slow spells
over both, which two measurements taken on different days cannot do. The ratio is that
of the medians; its 95 % interval is a percentile bootstrap over the runs of each side
(2,000 resamples, seed 0).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import gc, json, sys, time, warnings
warnings.simplefilter("ignore")
from akimsim import AkimModel, RunConfig, kazakhstan_reform
from akimsim.config import TerritoryConfig
import akimsim

def config(scale, seed):
    cfg = RunConfig(seed=seed, regimes=kazakhstan_reform(), territory=TerritoryConfig(scale=scale))
    cfg.output.progress = False
    return cfg

AkimModel(config(0.01, 99)).run().release()
gc.collect()
runs = []
for seed in range(int(sys.argv[1])):
    cfg = config(float(sys.argv[2]), seed)
    t0 = time.perf_counter()
    model = AkimModel(cfg)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    runs.append({"seed": seed, "build_s": t1 - t0, "run_s": t2 - t1, "total_s": t2 - t0,
                 "contests": len(model.run_record.contests)})
    model.release()
    del model
    gc.collect()
print(json.dumps({"package": akimsim.__file__, "runs": runs}))
"""


def child(pythonpath: str | None, repeats: int, scale: float) -> dict[str, Any]:
    """One child process's runs (``pythonpath`` puts an earlier revision's code first)."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    else:
        env.pop("PYTHONPATH", None)
    done = subprocess.run([sys.executable, "-c", _CHILD, str(repeats), str(scale)],
                          capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(),
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench_against: a child failed ({done.returncode}):\n"
                         f"{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bootstrap_ratio(new: list[float], old: list[float], seed: int = 0,
                    draws: int = 2000) -> tuple[float, float]:
    """95 % percentile bootstrap interval of median(new) / median(old)."""
    rng = np.random.default_rng(seed)
    a, b = np.asarray(new), np.asarray(old)
    ratios = [float(np.median(rng.choice(a, a.size)) / np.median(rng.choice(b, b.size)))
              for _ in range(draws)]
    return float(np.percentile(ratios, 2.5)), float(np.percentile(ratios, 97.5))


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rev", help="the earlier revision (a commit, tag or branch)")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    if args.rounds < 1 or args.repeats < 1 or not 0 < args.scale <= 1:
        ap.error("--rounds and --repeats must be positive and --scale in (0, 1]")
    old_commit = git("rev-parse", "--short", args.rev)
    new_commit = git("rev-parse", "--short", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    out = args.out or ROOT / "benchmarks" / "results" / f"against_{old_commit}.json"
    sides: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory(prefix="akimsim-against-") as tmp:
        tree = Path(tmp) / "tree"
        git("worktree", "add", "--detach", str(tree), args.rev)
        try:
            t0 = time.perf_counter()
            for r in range(args.rounds):
                for side, path in (("old", str(tree / "src")), ("new", None)):
                    got = child(path, args.repeats, args.scale)
                    sides[side] += [{**run, "round": r} for run in got["runs"]]
                print(f"round {r + 1}/{args.rounds}: old "
                      f"{statistics.median(x['total_s'] for x in sides['old']):.2f} s, new "
                      f"{statistics.median(x['total_s'] for x in sides['new']):.2f} s "
                      f"(medians so far)", flush=True)
            wall = time.perf_counter() - t0
        finally:
            git("worktree", "remove", "--force", str(tree))
    old_t = [x["total_s"] for x in sides["old"]]
    new_t = [x["total_s"] for x in sides["new"]]
    ratio = statistics.median(new_t) / statistics.median(old_t)
    low, high = bootstrap_ratio(new_t, old_t)
    result = {
        "old": {"rev": args.rev, "commit": old_commit, "runs": sides["old"]},
        "new": {"commit": new_commit, "uncommitted_changes": dirty, "runs": sides["new"]},
        "scale": args.scale, "rounds": args.rounds, "repeats": args.repeats,
        "median_old_s": statistics.median(old_t), "median_new_s": statistics.median(new_t),
        "ratio": ratio, "ratio_95": [low, high], "wall_s": wall,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average_after": list(os.getloadavg()),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"{old_commit} {statistics.median(old_t):.2f} s, {new_commit}"
          f"{' (with uncommitted changes)' if dirty else ''} {statistics.median(new_t):.2f} s: "
          f"ratio {ratio:.2f} (95 % {low:.2f}-{high:.2f}); {len(old_t)} runs a side; {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Whole-model benchmarks: the timeline in-process and as a command, how cost grows with
the country, start-up, the replica API and a Mesa-idiomatic twin.

    .venv/bin/python benchmarks/bench_timeline.py --out benchmarks/results/timeline.json
        [--quick] [--no-60m] [--no-twin] [--repeats N]

Every measurement runs in a child process of its own (so peak memory is that run's, read
with os.wait4) after a warm-up run in the same child (Numba's cache, the OS file cache).
In-process times are medians over ``--repeats`` runs of build (``AkimModel(cfg)``) and
run (``model.run()``), with the time of each build and step phase; whole-command times
are spawn-to-exit medians of ``akimsim`` after one warm-up command. ``--quick`` shrinks
everything for a smoke test. ``benchmarks/render_performance.py`` writes the results into
``docs/performance.md`` and ``docs/scaling.png``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_kernels import _wait_with_rusage, machine_info, source_state  # noqa: E402

MB = 1e6

#: the synthetic country five times Kazakhstan: 100 regions of 11 districts of 11
#: villages; about 60 M voters in 13,300 units
BIG = {"source": "synthetic", "regions": 100, "districts_per_region": 11,
       "villages_per_district": 11, "voters_per_village": 2000,
       "district_centre_voters": 20000, "region_centre_voters": 140000}

_CHILD = r"""
import gc, json, sys, time, warnings
warnings.simplefilter("ignore")
spec = json.loads(sys.argv[1])
t_start = time.perf_counter()
from akimsim import AkimModel, RunConfig, kazakhstan_reform
from akimsim.config import TerritoryConfig, TerritorySource
t_import = time.perf_counter() - t_start

BUILD = ["_build_world", "_build_regimes", "_draw_first_terms", "_build_councils",
         "_build_offices", "_build_voter_views"]
STEP = ["apply_reforms", "govern", "dismiss", "elect_maslikhats", "select_akims", "record"]
spent = {}

def timed(name, fn):
    def wrapper(*a, **k):
        t0 = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0
    return wrapper

for name in BUILD + STEP:
    setattr(AkimModel, name, timed(name, getattr(AkimModel, name)))

def config(territory, seed):
    cfg = RunConfig(seed=seed, regimes=kazakhstan_reform(), territory=TerritoryConfig(**territory))
    cfg.output.progress = False
    return cfg

warm = config({"scale": 0.01}, 99)
AkimModel(warm).run().release()
gc.collect()  # each measured run starts as in a fresh process, without earlier garbage
runs = []
for r in range(spec["repeats"]):
    spent.clear()
    cfg = config(spec["territory"], r)
    t0 = time.perf_counter()
    model = AkimModel(cfg)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    runs.append({"build_s": t1 - t0, "run_s": t2 - t1, "phases_s": dict(spent),
                 "contests": len(model.run_record.contests),
                 "voters": int(model.territory.n_voters), "units": int(model.territory.n_units)})
    model.release()
    del model
    gc.collect()
print(json.dumps({"import_s": t_import, "runs": runs}))
"""


def child(spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run the in-process measurement ``spec`` in a child; its result and peak RSS."""
    log = Path(tempfile.mkstemp(prefix="akimsim-bench-", suffix=".log")[1])
    try:
        with open(log, "wb") as fh:
            proc = subprocess.Popen([sys.executable, "-c", _CHILD, json.dumps(spec)],
                                    stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
            code, usage, timed_out = _wait_with_rusage(proc, timeout)
        text = log.read_text(errors="replace")
    finally:
        log.unlink(missing_ok=True)
    if code != 0:
        return {"error": text[-3000:], "returncode": code, "timed_out": timed_out}
    out = json.loads(text.strip().splitlines()[-1])
    out["peak_rss_mb"] = usage.ru_maxrss * 1024 / MB
    runs = out["runs"]
    for key in ("build_s", "run_s"):
        out[f"{key}_median"] = float(np.median([r[key] for r in runs]))
    out["total_s_median"] = float(np.median([r["build_s"] + r["run_s"] for r in runs]))
    phases = sorted({p for r in runs for p in r["phases_s"]})
    out["phases_s_median"] = {p: float(np.median([r["phases_s"].get(p, 0.0) for r in runs]))
                              for p in phases}
    out["contests"] = runs[0]["contests"]
    out["voters"] = runs[0]["voters"]
    out["units"] = runs[0]["units"]
    return out


def whole_command(overrides: list[str], repeats: int, timeout: float) -> dict[str, Any]:
    """Spawn-to-exit wall of ``akimsim OVERRIDES`` (one warm-up, then ``repeats``)."""
    exe = Path(sys.executable).parent / "akimsim"
    samples, peak = [], 0.0
    for i in range(repeats + 1):
        run_dir = Path(tempfile.mkdtemp(prefix="akimsim-bench-cmd-"))
        cmd = [str(exe), f"hydra.run.dir={run_dir}", "output.progress=false", *overrides]
        try:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    cwd=ROOT)
            code, usage, timed_out = _wait_with_rusage(proc, timeout)
            wall = time.perf_counter() - t0
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
        if code != 0:
            return {"command": " ".join(["akimsim", *overrides]), "error": err[-2000:],
                    "returncode": code, "timed_out": timed_out}
        if i:
            samples.append(wall)
            peak = max(peak, usage.ru_maxrss * 1024 / MB)
    return {"command": " ".join(["akimsim", *overrides]), "wall_s": samples,
            "wall_s_median": float(np.median(samples)), "peak_rss_mb": peak}


_IMPORT = "import time; t = time.perf_counter(); import akimsim.edge.cli; " \
          "print(time.perf_counter() - t)"


def startup(repeats: int) -> dict[str, Any]:
    """Seconds to import the command line (inside the child) and spawn to exit."""
    inside, outside = [], []
    for i in range(repeats + 1):
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", _IMPORT], capture_output=True, text=True,
                             cwd=ROOT, check=True)
        if i:
            outside.append(time.perf_counter() - t0)
            inside.append(float(res.stdout.strip()))
    mesa = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); "
                           "import mesa; print(time.perf_counter() - t)"],
                          capture_output=True, text=True, check=True)
    return {"import_cli_s_median": float(np.median(inside)),
            "spawn_import_exit_s_median": float(np.median(outside)),
            "import_mesa_s": float(mesa.stdout.strip())}


_REPLICAS = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
from akimsim import RunConfig, kazakhstan_reform
from akimsim.config import TerritoryConfig
from akimsim.replicas import run_replicas, seeds_of
n, workers, scale = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
cfg = RunConfig(regimes=kazakhstan_reform(), territory=TerritoryConfig(scale=scale))
cfg.output.progress = False
run_replicas(seeds_of(cfg, [999]))  # warm the cache
t0 = time.perf_counter()
run_replicas(seeds_of(cfg, range(n)), workers=workers)
wall = time.perf_counter() - t0
print(json.dumps({"runs": n, "workers": workers, "wall_s": wall, "runs_per_s": n / wall}))
"""


def replicas(n: int, scale: float, timeout: float) -> list[dict[str, Any]]:
    """Wall time of ``n`` and ``3 n`` runs on 1 and 2 workers; the steady rate is the
    marginal one, (3n - n) runs over the difference in wall time, which leaves out the
    workers' start."""
    out = []
    for workers in (1, 2):
        walls = {}
        for runs in (n, 3 * n):
            res = subprocess.run([sys.executable, "-c", _REPLICAS, str(runs), str(workers),
                                  str(scale)], capture_output=True, text=True, cwd=ROOT,
                                 timeout=timeout, check=False)
            if res.returncode != 0:
                out.append({"workers": workers, "runs": runs, "error": res.stderr[-2000:]})
                break
            row = json.loads(res.stdout.strip().splitlines()[-1]) | {"scale": scale}
            walls[runs] = row["wall_s"]
            out.append(row)
        if len(walls) == 2:
            out[-1]["steady_runs_per_s"] = 2 * n / (walls[3 * n] - walls[n])
    return out


def twin(repeats: int, quick: bool) -> dict[str, Any]:
    try:
        import mesa_twin
    except ImportError as err:  # the twin is optional
        return {"error": f"benchmarks/mesa_twin.py not importable: {err}"}
    out = {}
    for territory in ("toy",) if quick else ("toy", "synthetic_region"):
        out[territory] = mesa_twin.time_both(territory, seed=0, repeats=repeats)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results"
                        / "timeline.json")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-60m", dest="big", action="store_false")
    parser.add_argument("--no-twin", dest="twin", action="store_false")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--parts", default="scaling,commands,startup,replicas,twin",
                        help="comma-separated parts to measure; the others are kept from "
                             "--out when it exists")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    reps = 1 if args.quick else args.repeats
    result: dict[str, Any] = json.loads(args.out.read_text()) if (
        args.out.is_file() and parts != {"scaling", "commands", "startup", "replicas", "twin"}
    ) else {}
    result |= {"machine": machine_info(), "source": source_state()}
    scales = [0.01, 0.05] if args.quick else [0.01, 0.1, 1.0]
    if "scaling" in parts:
        result["scaling"] = []
    for scale in scales if "scaling" in parts else []:
        print(f"in-process, Kazakhstan at {scale:g} ...", flush=True)
        r = child({"territory": {"scale": scale}, "repeats": reps if scale < 1 else
                   max(1, min(reps, 3))}, args.timeout)
        result["scaling"].append({"name": f"Kazakhstan {scale * 100:g} %", "scale": scale} | r)
    if args.big and not args.quick and "scaling" in parts:
        print("in-process, synthetic country of 60 M voters ...", flush=True)
        r = child({"territory": BIG, "repeats": 1}, args.timeout)
        result["scaling"].append({"name": "synthetic, 5x Kazakhstan", "scale": None} | r)
    if "commands" in parts:
        print("whole commands ...", flush=True)
        cmds = [["territory=toy"], ["territory=kazakhstan_sample"]]
        if not args.quick:
            cmds.append([])
        result["commands"] = [whole_command(c, 1 if args.quick else 3, args.timeout)
                              for c in cmds]
    if "startup" in parts:
        print("start-up ...", flush=True)
        result["startup"] = startup(2 if args.quick else 5)
    if "replicas" in parts:
        print("replicas ...", flush=True)
        result["replicas"] = replicas(4 if args.quick else 10, 0.05 if args.quick else 0.1,
                                      args.timeout)
    if args.twin and "twin" in parts:
        print("Mesa-idiomatic twin ...", flush=True)
        result["twin"] = twin(1 if args.quick else 3, args.quick)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

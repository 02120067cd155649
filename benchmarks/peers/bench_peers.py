"""Time plurality and instant runoff in pref_voting and VoteKit on one ranked-ballot contest.

Runs inside ``.venv-peers`` (see setup_env.sh); it does not import akimsim. The
input is an ``.npz`` with ``ranking`` (int [n_voters, n_candidates], candidate
indices in preference order, -1 padding) and ``n_candidates`` (scalar), as
written by make_ballots.py.

Each timed sample starts from our array and includes converting it into the
library's profile object:

    build   our int array -> the library's profile object
    method  the library's plurality / instant-runoff call on that profile
    total   build + method (one sample = one fresh profile + one method call)

Variants (see VARIANTS below):
    pref_voting/raw         Profile(ranking.tolist()) - one ranking per voter
    pref_voting/aggregated  numpy aggregation of identical rankings -> Profile(rankings, rcounts)
    votekit/raw             PreferenceProfile(ballots=[RankBallot(ranking=...)] per voter)
    votekit/aggregated      numpy aggregation -> PreferenceProfile(ballots=[RankBallot(.., weight)])

Every sample runs in a forked child process so that a call slower than
``--call-timeout`` (120 s) can be stopped; the parent first warms each variant
up on a few hundred voters, so Numba compilation (pref_voting) and first-use
imports are not in the timings. A sample slower than ``--slow`` (10 s) is not
repeated. A variant/method whose call times out is rerun on the first tenth of
the voters (down to ``--min-voters``); the size used is reported, nothing is
extrapolated. Winners are checked against a plain-numpy plurality / IRV on the
same ballots.

Usage:
    .venv-peers/bin/python benchmarks/peers/bench_peers.py \
        --ballots benchmarks/results/peer_ballots.npz --out benchmarks/results/peers.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

# --------------------------------------------------------------------------------------
# plain-numpy reference (used only for the agreement check, not timed)
# --------------------------------------------------------------------------------------


def ref_plurality(ranking: np.ndarray, k: int) -> dict[str, Any]:
    firsts = ranking[:, 0]
    counts = np.bincount(firsts[firsts >= 0].astype(np.int64), minlength=k)
    winners = np.flatnonzero(counts == counts.max()).tolist()
    return {"winners": winners, "first_place_counts": counts.tolist()}


def ref_irv(ranking: np.ndarray, k: int) -> dict[str, Any]:
    """IRV: stop at a strict majority of continuing ballots; else eliminate every
    candidate tied for fewest first preferences (pref_voting's rule without a
    tie-breaker). Truncated ballots (-1 padding) exhaust."""
    ranking = ranking.astype(np.int64)
    valid = ranking >= 0
    safe = np.where(valid, ranking, 0)
    remaining = np.ones(k, dtype=bool)
    rounds: list[list[int]] = []
    tie_at_elimination = False
    rows = np.arange(len(ranking))
    while True:
        live = valid & remaining[safe]
        has = live.any(axis=1)
        tops = safe[rows, live.argmax(axis=1)][has]
        counts = np.bincount(tops, minlength=k)
        rounds.append(counts.tolist())
        cont = int(has.sum())
        best = int(counts[remaining].max()) if remaining.any() else 0
        if 2 * best > cont or remaining.sum() == 1:
            winners = np.flatnonzero(remaining & (counts == best)).tolist()
            break
        low = int(counts[remaining].min())
        lowest = remaining & (counts == low)
        if lowest.sum() == remaining.sum():  # all tied
            winners = np.flatnonzero(remaining).tolist()
            break
        tie_at_elimination |= bool(lowest.sum() > 1)
        remaining &= ~lowest
    return {"winners": winners, "rounds": rounds, "tie_at_elimination": tie_at_elimination}


# --------------------------------------------------------------------------------------
# library adapters
# --------------------------------------------------------------------------------------


def _aggregate(ranking: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rankings and their counts (sorted like np.unique(axis=0)).

    Each row is packed into one int64 key (base K+1, so -1 padding fits) and a 1-D
    np.unique is used: ~10 ms for 100,000 x 5, against ~170 ms for
    np.unique(ranking, axis=0). Falls back to the latter when K > 15."""
    k = ranking.shape[1]
    if k > 15:
        return np.unique(ranking, axis=0, return_counts=True)
    weights = (k + 1) ** np.arange(k - 1, -1, -1, dtype=np.int64)
    keys = (ranking.astype(np.int64) + 1) @ weights
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    return ranking[first], counts


def _check_complete(ranking: np.ndarray) -> None:
    if (ranking < 0).any():
        raise ValueError("truncated ballots (-1) are not supported by these adapters")


# pref_voting ---------------------------------------------------------------------------


def pv_build_raw(ranking: np.ndarray, k: int) -> Any:
    from pref_voting.profiles import Profile

    _check_complete(ranking)
    return Profile(ranking.tolist())


def pv_build_aggregated(ranking: np.ndarray, k: int) -> Any:
    from pref_voting.profiles import Profile

    _check_complete(ranking)
    uniq, counts = _aggregate(ranking)
    return Profile(uniq.tolist(), counts.tolist())


def pv_plurality(profile: Any, k: int) -> list[int]:
    from pref_voting.scoring_methods import plurality

    return [int(c) for c in plurality(profile)]


def pv_irv(profile: Any, k: int) -> list[int]:
    from pref_voting.iterative_methods import instant_runoff

    return [int(c) for c in instant_runoff(profile)]


# VoteKit -------------------------------------------------------------------------------


def _vk_names(k: int) -> list[str]:
    return [f"c{i}" for i in range(k)]


def vk_build_raw(ranking: np.ndarray, k: int) -> Any:
    from votekit import PreferenceProfile, RankBallot

    _check_complete(ranking)
    names = _vk_names(k)
    ballots = [RankBallot(ranking=[names[c] for c in row]) for row in ranking.tolist()]
    return PreferenceProfile(ballots=ballots, candidates=names, max_ranking_length=k)


def vk_build_aggregated(ranking: np.ndarray, k: int) -> Any:
    from votekit import PreferenceProfile, RankBallot

    _check_complete(ranking)
    names = _vk_names(k)
    uniq, counts = _aggregate(ranking)
    ballots = [
        RankBallot(ranking=[names[c] for c in row], weight=int(w))
        for row, w in zip(uniq.tolist(), counts.tolist(), strict=True)
    ]
    return PreferenceProfile(ballots=ballots, candidates=names, max_ranking_length=k)


def _vk_winners(election: Any) -> list[int]:
    return sorted(int(str(c)[1:]) for s in election.get_elected() for c in s)


def vk_plurality(profile: Any, k: int) -> list[int]:
    from votekit.elections import Plurality

    return _vk_winners(Plurality(profile))


def vk_irv(profile: Any, k: int) -> list[int]:
    from votekit.elections import IRV

    return _vk_winners(IRV(profile))


@dataclass(frozen=True)
class Variant:
    library: str
    variant: str
    description: str
    build: Callable[[np.ndarray, int], Any]
    methods: dict[str, Callable[[Any, int], list[int]]]


VARIANTS = [
    Variant(
        "pref_voting",
        "raw",
        "Profile(ranking.tolist()): one ranking per voter, rcounts=None",
        pv_build_raw,
        {"plurality": pv_plurality, "irv": pv_irv},
    ),
    Variant(
        "pref_voting",
        "aggregated",
        "numpy aggregation of identical rankings (_aggregate) then Profile(rankings, rcounts)",
        pv_build_aggregated,
        {"plurality": pv_plurality, "irv": pv_irv},
    ),
    Variant(
        "votekit",
        "raw",
        "PreferenceProfile(ballots=[RankBallot(ranking=names) per voter], candidates, "
        "max_ranking_length=K)",
        vk_build_raw,
        {"plurality": vk_plurality, "irv": vk_irv},
    ),
    Variant(
        "votekit",
        "aggregated",
        "numpy aggregation (_aggregate) then PreferenceProfile(ballots="
        "[RankBallot(ranking, weight=count)], candidates, max_ranking_length=K)",
        vk_build_aggregated,
        {"plurality": vk_plurality, "irv": vk_irv},
    ),
]

METHOD_NAMES = {
    "pref_voting": {
        "plurality": "pref_voting.scoring_methods.plurality",
        "irv": "pref_voting.iterative_methods.instant_runoff",
    },
    "votekit": {
        "plurality": "votekit.elections.Plurality(profile).get_elected()",
        "irv": "votekit.elections.IRV(profile).get_elected()",
    },
}

# --------------------------------------------------------------------------------------
# timing harness
# --------------------------------------------------------------------------------------


def _child(conn: Any, v: Variant, method: str, ranking: np.ndarray, k: int) -> None:
    try:
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        profile = v.build(ranking, k)
        t1 = time.perf_counter()
        conn.send(("build", t1 - t0))
        winners = v.methods[method](profile, k)
        t2 = time.perf_counter()
        conn.send(("method", t2 - t1, winners))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _one_sample(
    ctx: Any, v: Variant, method: str, ranking: np.ndarray, k: int, timeout: float
) -> dict[str, Any]:
    """Build + method in a forked child; each of the two calls gets `timeout` seconds."""
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, v, method, ranking, k), daemon=True)
    proc.start()
    send.close()
    out: dict[str, Any] = {}
    try:
        for stage in ("build", "method"):
            if not recv.poll(timeout):
                out["status"] = f"timeout: {stage} call exceeded {timeout:g} s"
                return out
            msg = recv.recv()
            if msg[0] == "error":
                out["status"] = "error"
                out["error"] = msg[1]
                return out
            out[f"{stage}_s"] = msg[1]
            if stage == "method":
                out["winners"] = msg[2]
        out["status"] = "ok"
        return out
    except EOFError:
        out["status"] = f"error: child exited (code {proc.exitcode}) without a result"
        return out
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()


def _stats(xs: list[float]) -> dict[str, Any]:
    return {
        "median": statistics.median(xs),
        "min": min(xs),
        "max": max(xs),
        "samples": xs,
    }


def run_case(
    ctx: Any,
    v: Variant,
    method: str,
    ranking: np.ndarray,
    k: int,
    args: argparse.Namespace,
    reference: Callable[[int], dict[str, Any]],
) -> dict[str, Any]:
    n = len(ranking)
    attempts: list[dict[str, Any]] = []
    while True:
        samples: list[dict[str, Any]] = []
        failure: dict[str, Any] | None = None
        for _ in range(args.repeats):
            s = _one_sample(ctx, v, method, ranking[:n], k, args.call_timeout)
            if s["status"] != "ok":
                failure = s
                break
            samples.append(s)
            if s["build_s"] + s["method_s"] > args.slow:
                break  # slower than --slow: one sample only
        if failure is None:
            break
        attempts.append({"n_voters": n, **failure})
        print(f"  {v.library}/{v.variant} {method} at {n} voters: {failure['status']}", flush=True)
        if not failure["status"].startswith("timeout") or n // 10 < args.min_voters:
            return {
                "library": v.library,
                "variant": v.variant,
                "method": method,
                "status": failure["status"],
                "failed_attempts": attempts,
            }
        n //= 10

    ref = reference(n)[method]
    winners = samples[0]["winners"]
    consistent = all(s["winners"] == winners for s in samples)
    build = [s["build_s"] for s in samples]
    meth = [s["method_s"] for s in samples]
    total = [b + m for b, m in zip(build, meth, strict=True)]
    return {
        "library": v.library,
        "variant": v.variant,
        "variant_description": v.description,
        "method": method,
        "method_call": METHOD_NAMES[v.library][method],
        "status": "ok",
        "n_voters": n,
        "full_contest": n == len(ranking),
        "n_samples": len(samples),
        "build_s": _stats(build),
        "method_s": _stats(meth),
        "total_s": _stats(total),
        "winners": winners,
        "reference_winners": ref["winners"],
        "agrees_with_numpy": bool(consistent and sorted(winners) == sorted(ref["winners"])),
        "failed_attempts": attempts,
    }


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _fmt(st: dict[str, Any]) -> str:
    if st["min"] == st["max"]:
        return f"{st['median']:.3f}"
    return f"{st['median']:.3f} ({st['min']:.3f}-{st['max']:.3f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ballots", type=Path, required=True, help=".npz with ranking, n_candidates")
    ap.add_argument("--out", type=Path, required=True, help="JSON results path")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--slow", type=float, default=10.0, help="s; slower samples are not repeated")
    ap.add_argument("--call-timeout", type=float, default=120.0, help="s per build or method call")
    ap.add_argument("--min-voters", type=int, default=1000, help="smallest fallback contest")
    ap.add_argument("--warmup-voters", type=int, default=500)
    ap.add_argument(
        "--only", nargs="*", default=None, help="library or library/variant names to run"
    )
    ap.add_argument("--methods", nargs="*", default=["plurality", "irv"])
    args = ap.parse_args(argv)

    data = np.load(args.ballots)
    ranking = np.ascontiguousarray(data["ranking"])
    k = int(data["n_candidates"])
    if ranking.ndim != 2 or ranking.shape[1] != k:
        raise SystemExit(f"ranking has shape {ranking.shape}, expected [n, {k}]")
    n_total = len(ranking)
    complete = bool((ranking >= 0).all())

    variants = [
        v
        for v in VARIANTS
        if args.only is None or v.library in args.only or f"{v.library}/{v.variant}" in args.only
    ]

    ref_cache: dict[int, dict[str, Any]] = {}

    def reference(n: int) -> dict[str, Any]:
        if n not in ref_cache:
            ref_cache[n] = {
                "plurality": ref_plurality(ranking[:n], k),
                "irv": ref_irv(ranking[:n], k),
            }
        return ref_cache[n]

    reference(n_total)

    # warm-up in the parent (inherited by the forked children): numba JIT, lazy imports
    warm = ranking[: min(args.warmup_voters, n_total)]
    warnings.simplefilter("ignore")
    for v in variants:
        for m in args.methods:
            try:
                v.methods[m](v.build(warm, k), k)
            except Exception as exc:
                print(f"warm-up {v.library}/{v.variant} {m} failed: {exc!r}", flush=True)

    ctx = mp.get_context("fork")
    t_start = time.perf_counter()
    runs = []
    for v in variants:
        for m in args.methods:
            print(f"running {v.library}/{v.variant} {m} ...", flush=True)
            r = run_case(ctx, v, m, ranking, k, args, reference)
            if r["status"] == "ok":
                print(
                    f"  n={r['n_voters']} build {r['build_s']['median']:.3f} s, "
                    f"method {r['method_s']['median']:.3f} s, "
                    f"agrees={r['agrees_with_numpy']}",
                    flush=True,
                )
            runs.append(r)

    result: dict[str, Any] = {
        "benchmark": "peer libraries: plurality and instant runoff, profile construction included",
        "python": sys.version,
        "python_version": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "cpu_count": os.cpu_count(),
        "versions": {
            d: _version(d) for d in ("pref_voting", "votekit", "numpy", "pandas", "numba", "scipy")
        },
        "contest": {
            "ballots": str(args.ballots),
            "n_voters": n_total,
            "n_candidates": k,
            "complete_rankings": complete,
            "n_distinct_rankings": len(np.unique(ranking, axis=0)),
            "seed": int(data["seed"]) if "seed" in data.files else None,
        },
        "settings": {
            "repeats": args.repeats,
            "slow_threshold_s": args.slow,
            "call_timeout_s": args.call_timeout,
            "min_voters": args.min_voters,
            "warmup_voters": len(warm),
            "timer": "time.perf_counter",
            "isolation": "each sample = fresh profile build + one method call in a forked child",
        },
        "reference": {str(n): r for n, r in ref_cache.items()},
        "runs": runs,
        "wall_time_s": time.perf_counter() - t_start,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")

    # human-readable table
    print()
    print(
        f"contest: {n_total} voters x {k} candidates, "
        f"{result['contest']['n_distinct_rankings']} distinct rankings; "
        f"seconds, median (min-max); python {platform.python_version()}, "
        f"{os.cpu_count()} cpus"
    )
    print(
        "versions: "
        + ", ".join(f"{d} {ver}" for d, ver in result["versions"].items() if ver is not None)
    )
    hdr = f"{'library/variant':24} {'method':9} {'voters':>7} {'n':>2}  "
    hdr += f"{'build':22} {'method':22} {'total':22} agrees"
    print(hdr)
    print("-" * len(hdr))
    for r in runs:
        name = f"{r['library']}/{r['variant']}"
        if r["status"] != "ok":
            print(f"{name:24} {r['method']:9} {'':>7} {'':>2}  {r['status']}")
            continue
        print(
            f"{name:24} {r['method']:9} {r['n_voters']:>7} {r['n_samples']:>2}  "
            f"{_fmt(r['build_s']):22} {_fmt(r['method_s']):22} {_fmt(r['total_s']):22} "
            f"{'yes' if r['agrees_with_numpy'] else 'NO'}"
        )
    ref = ref_cache[n_total]
    print(
        f"numpy reference ({n_total} voters): plurality {ref['plurality']['winners']}, "
        f"irv {ref['irv']['winners']} after {len(ref['irv']['rounds'])} round(s)"
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

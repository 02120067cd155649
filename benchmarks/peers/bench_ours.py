"""akimsim's side of the peer comparison, on the same ballots as bench_peers.py.

    .venv/bin/python benchmarks/peers/bench_ours.py --ballots benchmarks/results/peer_ballots.npz \
        --peers benchmarks/results/peers.json --out benchmarks/results/ours_vs_peers.json

Times plurality and instant runoff through the public rule functions
(``akimsim.elections.get_rule(name).fn``) on one contest, "profile construction"
included: turning the ``.npz`` ranking into a :class:`~akimsim.elections.BallotBox`
(a contiguous int8 copy plus the contest's :class:`~akimsim.kernels.ContestBatch`).
Compilation is excluded (one warm-up call). Then reads the peers' timings and writes our
speed-up over each peer variant, checking that the winners and round counts agree.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from akimsim.config import RuleConfig
from akimsim.elections import BallotBox, get_rule
from akimsim.kernels import ContestBatch

METHODS = {"plurality": "plurality", "irv": "instant_runoff"}


def make_box(ranking: np.ndarray, n_candidates: int) -> BallotBox:
    """The BallotBox of one contest holding every row of ``ranking``."""
    n = ranking.shape[0]
    batch = ContestBatch(
        starts=np.array([0], dtype=np.int64), stops=np.array([n], dtype=np.int64),
        cand_start=np.array([0, n_candidates], dtype=np.int64),
        keys=np.array([1], dtype=np.uint64), lot_keys=np.array([2], dtype=np.uint64),
    )
    return BallotBox(
        batch=batch, electorate=np.array([n], dtype=np.int64),
        voted=np.ones(n, dtype=np.uint8), ranking=np.ascontiguousarray(ranking, dtype=np.int8),
    )


def time_rule(ranking: np.ndarray, k: int, rule: str, repeats: int) -> dict[str, Any]:
    spec = get_rule(rule)
    cfg = RuleConfig()
    spec.fn(make_box(ranking, k), cfg)  # compile / warm up
    samples = []
    result = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        box = make_box(ranking, k)
        result = spec.fn(box, cfg)[0]
        samples.append(time.perf_counter() - t0)
    assert result is not None
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "samples": samples, "winner": result.winner,
            "rounds": [list(r) for r in result.rounds]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=Path, required=True)
    parser.add_argument("--peers", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=51)
    args = parser.parse_args()
    data = np.load(args.ballots)
    ranking, k = data["ranking"], int(data["n_candidates"])
    peers = json.loads(args.peers.read_text())
    ours = {m: time_rule(ranking, k, rule, args.repeats) for m, rule in METHODS.items()}
    reference = peers.get("reference", {}).get(str(ranking.shape[0]), {})
    rows = []
    for run in peers.get("runs", []):
        method = run.get("method")
        if method not in ours or run.get("status") != "ok" or not run.get("full_contest"):
            continue
        ratio = run["total_s"]["median"] / ours[method]["median"]
        rows.append({"library": run["library"], "variant": run["variant"], "method": method,
                     "peer_total_s": run["total_s"]["median"],
                     "ours_s": ours[method]["median"], "speedup": ratio,
                     "meets_1000x": ratio >= 1000})
    agree = {
        "plurality": reference.get("plurality", {}).get("winners") == [ours["plurality"]["winner"]],
        "irv_winner": reference.get("irv", {}).get("winners") == [ours["irv"]["winner"]],
        "irv_rounds": [list(r) for r in reference.get("irv", {}).get("rounds", [])]
        == ours["irv"]["rounds"],
    }
    out = {"machine": {"platform": platform.platform(), "python": platform.python_version()},
           "contest": {"n_voters": int(ranking.shape[0]), "n_candidates": k},
           "ours": ours, "speedups": rows, "agreement": agree}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(f"akimsim on {ranking.shape[0]:,} voters, {k} candidates "
          f"(median of {args.repeats}, BallotBox construction included):")
    for m in METHODS:
        print(f"  {m:10s} {ours[m]['median'] * 1e3:8.3f} ms")
    print(f"{'library':12s} {'variant':11s} {'method':10s} {'peer s':>9s} {'speed-up':>10s}")
    for r in rows:
        print(f"{r['library']:12s} {r['variant']:11s} {r['method']:10s} "
              f"{r['peer_total_s']:9.3f} {r['speedup']:10.0f}x")
    print("agreement with the peers' reference:", agree)


if __name__ == "__main__":
    main()

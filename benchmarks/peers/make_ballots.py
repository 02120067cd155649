"""Write one synthetic ranked-ballot contest to an ``.npz`` file for bench_peers.py.

Standard library and numpy only, so it runs in either the package's ``.venv`` or
``.venv-peers``.

Model: a 2-D spatial model of sincere voting. Voters and candidates are drawn
i.i.d. from N(0, 1)^2; each voter ranks every candidate by Euclidean distance
plus a small Gumbel noise (scale ``--noise``), nearest first. Rankings are
complete (no truncation), so no row contains the -1 padding value.

Output arrays:
    ranking       int8 [n_voters, n_candidates]; row v lists voter v's candidate
                  indices 0..K-1 in preference order (-1 pads truncated ballots,
                  none here)
    n_candidates  int64 scalar
    seed          int64 scalar (provenance)
    noise         float64 scalar (provenance)

Example:
    python benchmarks/peers/make_ballots.py --voters 100000 --candidates 5 --seed 0 \
        --out benchmarks/results/peer_ballots.npz
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def spatial_rankings(n_voters: int, n_candidates: int, seed: int, noise: float = 0.1) -> np.ndarray:
    """Complete sincere rankings from a 2-D Euclidean spatial model with Gumbel noise."""
    if not 1 <= n_candidates <= 127:
        raise ValueError("n_candidates must be in 1..127 to fit int8")
    rng = np.random.default_rng(seed)
    voters = rng.standard_normal((n_voters, 2))
    candidates = rng.standard_normal((n_candidates, 2))
    dist = np.linalg.norm(voters[:, None, :] - candidates[None, :, :], axis=2)
    utility = -dist + rng.gumbel(0.0, noise, size=dist.shape)
    # stable sort on -utility: most preferred (largest utility) first
    return np.argsort(-utility, axis=1, kind="stable").astype(np.int8)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--voters", type=int, default=100_000)
    ap.add_argument("--candidates", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--noise", type=float, default=0.1, help="Gumbel noise scale")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/peer_ballots.npz"))
    args = ap.parse_args(argv)

    ranking = spatial_rankings(args.voters, args.candidates, args.seed, args.noise)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        args.out,
        ranking=ranking,
        n_candidates=np.int64(args.candidates),
        seed=np.int64(args.seed),
        noise=np.float64(args.noise),
    )
    firsts = np.bincount(ranking[:, 0], minlength=args.candidates)
    print(
        f"wrote {args.out}: {args.voters} voters x {args.candidates} candidates "
        f"(seed {args.seed}); first-place counts {firsts.tolist()}; "
        f"{len(np.unique(ranking, axis=0))} distinct rankings"
    )


if __name__ == "__main__":
    main()

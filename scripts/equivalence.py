"""Is the model statistically the same after a change of random streams?

Written for issue 11, whose counter-based streams change every draw but must not change
what the model says. Each run is the default reform timeline (``kazakhstan_reform``,
2013-2030) on the 10 % sample of Kazakhstan; for every seed, every metric of
``summary_table`` is averaged over the years per tier and regime. Usage::

    # measure the checkout this script is imported with (PYTHONPATH picks the source)
    python scripts/equivalence.py measure OUT.csv [--seeds 20] [--scale 0.1] [--first 0]
    # measure a git revision in a throwaway worktree, with this checkout's venv
    python scripts/equivalence.py revision REV OUT.csv [--seeds 20] [--scale 0.1]
    # compare two measurements: a Markdown table and exit status 0 either way
    python scripts/equivalence.py compare BEFORE.csv AFTER.csv [--out TABLE.md]

``compare`` prints, per tier, regime and metric, each side's mean over seeds with its
95 % t interval, the difference and its Welch 95 % interval, and whether that interval
holds 0. With about a hundred comparisons, about five are expected to exclude 0 by
chance alone at the 5 % level; the summary line says how many did and what the Holm
correction over the family leaves.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

METRICS = ("turnout", "candidates_per_seat", "enc", "margin", "no_winner_share",
           "incumbent_reselected_share", "dominant_winner_share", "self_nominated_winner_share",
           "winner_median_distance", "competence", "performance", "focus_on_voters",
           "acting_share")
#: the summary's names before issue 15 (a revision from before runs under its own names)
FORMERLY = {"candidates_mean": "candidates_per_seat", "enc_mean": "enc",
            "margin_mean": "margin", "reelection_rate": "incumbent_reselected_share",
            "competence_mean": "competence", "performance_mean": "performance"}


def measure(out: Path, seeds: int, scale: float, first: int = 0) -> None:
    """Run seeds ``first`` .. ``first + seeds - 1`` of the default timeline and write the
    per-seed means."""
    import warnings

    from akimsim import AkimModel, RunConfig, kazakhstan_reform
    from akimsim.config import TerritoryConfig

    warnings.simplefilter("ignore")
    import akimsim

    print(f"akimsim from {Path(akimsim.__file__).parent}", file=sys.stderr)
    rows = []
    t0 = time.perf_counter()
    for seed in range(first, first + seeds):
        cfg = RunConfig(seed=seed, territory=TerritoryConfig(scale=scale),
                        regimes=kazakhstan_reform())
        cfg.output.progress = False
        model = AkimModel(cfg).run()
        summary = model.summary_table().rename(columns=FORMERLY)
        model.release()
        means = summary.groupby(["tier", "regime"])[list(METRICS)].mean()
        for (tier, regime), values in means.iterrows():
            for metric in METRICS:
                rows.append({"seed": seed, "tier": tier, "regime": regime, "metric": metric,
                             "value": float(values[metric])})
        print(f"seed {seed} done ({time.perf_counter() - t0:.1f} s)",
              file=sys.stderr)
    pd.DataFrame(rows).to_csv(out, index=False)


def revision(rev: str, out: Path, seeds: int, scale: float, first: int = 0) -> None:
    """``measure`` on git revision ``rev`` (a worktree; this checkout's interpreter)."""
    repo = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="akimsim-eq-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(repo), "worktree", "add", "--detach", str(tree), rev],
                       check=True, capture_output=True)
        try:
            env = {**os.environ, "PYTHONPATH": str(tree / "src")}
            subprocess.run([sys.executable, __file__, "measure", str(out.resolve()),
                            "--seeds", str(seeds), "--scale", str(scale), "--first",
                            str(first)], env=env, check=True)
        finally:
            subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)],
                           check=False, capture_output=True)


def _interval(x: np.ndarray) -> tuple[float, float, float]:
    from scipy import stats

    x = x[np.isfinite(x)]
    if x.shape[0] < 2:
        return (float(x.mean()) if x.shape[0] else np.nan), np.nan, np.nan
    half = stats.t.ppf(0.975, x.shape[0] - 1) * x.std(ddof=1) / np.sqrt(x.shape[0])
    return float(x.mean()), float(x.mean() - half), float(x.mean() + half)


def _read(paths: Path) -> pd.DataFrame:
    """One measurement, or several joined with commas (other seeds of the same code)."""
    return pd.concat([pd.read_csv(p) for p in str(paths).split(",")], ignore_index=True)


def compare(before: Path, after: Path, out: Path | None) -> str:
    from scipy import stats

    a, b = _read(before), _read(after)
    lines = ["| tier | regime | metric | before (95 % CI) | after (95 % CI) | difference "
             "(Welch 95 % CI) | holds 0 |", "|---|---|---|---|---|---|---|"]
    pvals: list[float] = []
    excluded = 0
    keys = sorted(set(map(tuple, a[["tier", "regime", "metric"]].to_numpy().tolist())))
    def values(frame: pd.DataFrame, tier: str, regime: str, metric: str) -> np.ndarray:
        hit = (frame.tier == tier) & (frame.regime == regime) & (frame.metric == metric)
        return frame[hit]["value"].to_numpy(dtype=float)

    for tier, regime, metric in keys:
        x, y = values(a, tier, regime, metric), values(b, tier, regime, metric)
        x, y = x[np.isfinite(x)], y[np.isfinite(y)]
        if x.shape[0] < 2 or y.shape[0] < 2:
            continue
        mx, lx, hx = _interval(x)
        my, ly, hy = _interval(y)
        vx, vy = x.var(ddof=1) / x.shape[0], y.var(ddof=1) / y.shape[0]
        diff = my - mx
        if vx + vy == 0:
            low = high = diff
            p = 1.0 if diff == 0 else 0.0
        else:
            dof = (vx + vy) ** 2 / (vx**2 / (x.shape[0] - 1) + vy**2 / (y.shape[0] - 1))
            half = stats.t.ppf(0.975, dof) * np.sqrt(vx + vy)
            low, high = diff - half, diff + half
            p = float(stats.ttest_ind(x, y, equal_var=False).pvalue)
        holds = low <= 0 <= high
        excluded += not holds
        pvals.append(p)
        lines.append(f"| {tier} | {regime} | {metric} | {mx:.4g} ({lx:.4g}, {hx:.4g}) | "
                     f"{my:.4g} ({ly:.4g}, {hy:.4g}) | {diff:+.3g} ({low:+.3g}, {high:+.3g}) | "
                     f"{'yes' if holds else '**no**'} |")
    ordered = np.sort(np.asarray(pvals))
    m = ordered.shape[0]
    holm = int(np.sum(np.cumprod(ordered <= 0.05 / (m - np.arange(m)))))
    seeds_a, seeds_b = a.seed.nunique(), b.seed.nunique()
    noun = "difference" if excluded == 1 else "differences"
    summary = (f"{m} comparisons ({seeds_a} seeds before, {seeds_b} after): {excluded} "
               f"{noun} whose 95 % interval excludes 0 (about {0.05 * m:.1f} expected "
               f"by chance); after Holm's correction over the family, {holm} remain.")
    text = summary + "\n\n" + "\n".join(lines) + "\n"
    if out is not None:
        out.write_text(text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("out", type=Path)
    r = sub.add_parser("revision")
    r.add_argument("rev")
    r.add_argument("out", type=Path)
    for p in (m, r):
        p.add_argument("--seeds", type=int, default=20)
        p.add_argument("--scale", type=float, default=0.1)
        p.add_argument("--first", type=int, default=0, help="the first seed")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.cmd == "measure":
        measure(args.out, args.seeds, args.scale, args.first)
    elif args.cmd == "revision":
        revision(args.rev, args.out, args.seeds, args.scale, args.first)
    else:
        print(compare(args.before, args.after, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

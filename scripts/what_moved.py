"""What moved in an experiment's results between a git revision and the working tree.

    python scripts/what_moved.py REV [--experiments regime_comparison,...] [--min 0.005]

For each experiment, reads its headline table as committed at REV (``git show``) and as
it is now, and prints a Markdown table of the values that moved by at least ``--min``:
the paired differences (``paired_differences.csv``) or, for reform_2021, the simulated
figures (``observed_vs_simulated.csv``).
"""

from __future__ import annotations

import argparse
import io
import subprocess
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
TABLES = {
    "regime_comparison": ("paired_differences.csv", ["arm", "reference", "metric"],
                          "difference"),
    "reform_2021": ("observed_vs_simulated.csv", ["metric", "period"], "simulated"),
    "district_pilot_2023": ("paired_differences.csv", ["arm", "reference", "metric"],
                            "difference"),
    "unification": ("paired_differences.csv", ["tier", "arm", "reference", "metric"],
                    "difference"),
    "abroad": ("paired_differences.csv", ["tier", "arm", "reference", "metric"],
               "difference"),
}


def at(rev: str, path: str) -> pd.DataFrame:
    text = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    return pd.read_csv(io.StringIO(text))


def moved(name: str, rev: str, threshold: float) -> str:
    file, keys, value = TABLES[name]
    path = f"experiments/{name}/{file}"
    before = at(rev, path)
    after = pd.read_csv(ROOT / path)
    both = before.merge(after, on=keys, how="outer", suffixes=("_before", "_after"))
    both["change"] = both[f"{value}_after"] - both[f"{value}_before"]
    shown = both[both["change"].abs() >= threshold]
    lines = [f"| {' | '.join(keys)} | before | after | change |",
             "|" + "---|" * (len(keys) + 3)]
    for r in shown.to_dict("records"):
        lines.append("| " + " | ".join(str(r[k]) for k in keys)
                     + f" | {r[f'{value}_before']:.3f} | {r[f'{value}_after']:.3f} | "
                     f"{r['change']:+.3f} |")
    return "\n".join(lines) if len(lines) > 2 else "(nothing moved by the threshold)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev")
    parser.add_argument("--experiments", default=",".join(TABLES))
    parser.add_argument("--min", type=float, default=0.005)
    args = parser.parse_args()
    for name in args.experiments.split(","):
        print(f"## {name}\n\n{moved(name, args.rev, args.min)}\n")


if __name__ == "__main__":
    main()

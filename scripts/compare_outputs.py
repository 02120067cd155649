"""Rerun `make run` and every experiment, then show that two revisions give the same outputs.

Written for issue 9 (the regroup into subpackages), which must change no result: the
only columns allowed to differ are the person ids (now keyed by year, unit and slot)
and the ties (now structured records instead of prose). Usage::

    # run the main job and the five experiments (sweep + analysis) with one akimsim
    python scripts/compare_outputs.py run OUT [--bin .venv/bin] [--repo .] [--jobs 2]
    # compare two such folders, and the experiments' outputs with the committed ones
    python scripts/compare_outputs.py compare BEFORE AFTER [--committed .]
    # both: REV in a git worktree with its own venv, then this checkout, then compare
    python scripts/compare_outputs.py before-after REV OUT [--jobs 2]

What `compare` checks, file by file:

* every Parquet table (the main job's contests/summary/offices, and each experiment's
  collected contests/offices/summary): the same rows and columns with exactly equal
  values and dtypes, except that
  - person ids (``candidate_ids``, ``winner_id``, ``person_id``) may be relabelled, but
    only one to one within a run: the same person keeps one id everywhere;
  - ``tie_break`` (old prose) and ``tie`` must equal what the new structured ``ties``
    say when written as the old prose; records the old code did not keep (a council's
    lot at the cut for its second round) are counted and reported, not compared;
* every CSV, Markdown table and figure an experiment's analysis wrote: byte for byte,
  against BEFORE and against the files committed in the repository.

Exit status 0 when nothing differs, 1 otherwise.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

EXPERIMENTS = ("regime_comparison", "reform_2021", "district_pilot_2023", "unification",
               "abroad")
ID_COLUMNS = {"candidate_ids", "winner_id", "person_id"}
TIE_COLUMNS_OLD = {"tie_break"}
TIE_COLUMNS_NEW = {"ties"}
ANALYSIS_SUFFIXES = (".csv", ".md", ".png")


# --------------------------------------------------------------------------- running

def _call(cmd: list[str], log: Path) -> float:
    t0 = time.perf_counter()
    with log.open("a") as fh:
        fh.write(f"$ {' '.join(cmd)}\n")
        fh.flush()
        done = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}; see {log}")
    return time.perf_counter() - t0


def run_all(out: Path, bin_dir: Path, repo: Path, jobs: int, only: Iterable[str]) -> None:
    """The main job and each experiment's sweep and analysis, into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    log = out / "run.log"
    akimsim = str(bin_dir / "akimsim")
    python = str(bin_dir / "python")
    wanted = set(only)
    if "main" in wanted:
        secs = _call([akimsim, f"hydra.run.dir={out / 'main'}", "output.progress=false"], log)
        print(f"main job: {secs:.0f} s", flush=True)
    for name in EXPERIMENTS:
        if name not in wanted:
            continue
        sweep_dir = out / "multirun" / name
        launcher = (["hydra/launcher=joblib", f"hydra.launcher.n_jobs={jobs}"]
                    if jobs > 1 else [])
        secs = _call([akimsim, "-m", f"experiment={name}", f"hydra.sweep.dir={sweep_dir}",
                      *launcher], log)
        secs += _call([python, str(repo / "experiments" / name / "analyze.py"), str(sweep_dir),
                       "--out", str(out / "experiments" / name)], log)
        print(f"{name}: {secs:.0f} s", flush=True)


# --------------------------------------------------------------------------- ties as prose

def _tup(values: Iterable[Any]) -> str:
    return str(tuple(int(v) for v in values))


def ties_as_old_prose(ties: Any, rule: str) -> tuple[str, int]:
    """The old ``tie_break`` text of a contest's structured ties, and how many records
    the old code did not keep (a council's lot at its top-two cut)."""
    records, skipped = [], 0
    for t in list(ties) if ties is not None else []:
        stage, rnd, tied = str(t["stage"]), int(t["round"]), t["tied"]
        chosen = int(next(iter(t["chosen"])))
        if rule == "council_majority":
            if stage == "finalists":
                skipped += 1
                continue
            records.append(f"lot among {_tup(tied)} -> {chosen}")
        elif rule == "instant_runoff":
            verb = "eliminated" if stage == "eliminated" else "->"
            records.append(f"round {rnd}: lot among {_tup(tied)} {verb} {chosen}")
        elif rule == "two_round":
            prefix = {"first_place": "first place: ", "second_place": "second place: "}.get(
                stage, "runoff: " if rnd == 2 else "")
            records.append(f"{prefix}lot among {_tup(tied)} -> {chosen}")
        else:
            records.append(f"lot among {_tup(tied)} -> {chosen}")
    return "; ".join(records), skipped


# --------------------------------------------------------------------------- comparing

class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []
        self.failed = False

    def add(self, what: str, ok: bool, note: str) -> None:
        self.rows.append((what, "same" if ok else "DIFFERS", note))
        self.failed |= not ok

    def show(self) -> None:
        width = max(len(r[0]) for r in self.rows) if self.rows else 10
        for what, status, note in self.rows:
            print(f"{what:<{width}}  {status:<7}  {note}")


def _id_pairs(a: Any, b: Any) -> list[tuple[int, int]]:
    if hasattr(a, "__len__") and not isinstance(a, str):
        return [(int(x), int(y)) for x, y in zip(list(a), list(b), strict=True)]
    return [(int(a), int(b))]


def _check_bijection(pairs: list[tuple[Any, int, int]]) -> str | None:
    """``pairs`` are (run, old id, new id); None when ids map one to one per run."""
    fwd: dict[tuple[Any, int], int] = {}
    back: dict[tuple[Any, int], int] = {}
    for run, old, new in pairs:
        if old < 0 or new < 0:
            if (old < 0) != (new < 0):
                return f"run {run}: id {old} became {new}"
            continue
        if fwd.setdefault((run, old), new) != new:
            return f"run {run}: old id {old} became both {fwd[(run, old)]} and {new}"
        if back.setdefault((run, new), old) != old:
            return f"run {run}: new id {new} stands for old ids {back[(run, new)]} and {old}"
    return None


def compare_frames(name: str, before: Any, after: Any, report: Report,
                   ids: list[tuple[Any, int, int]]) -> None:
    import pandas as pd

    if len(before) != len(after):
        report.add(name, False, f"{len(before)} rows before, {len(after)} after")
        return
    cols_b = set(before.columns) - ID_COLUMNS - TIE_COLUMNS_OLD - TIE_COLUMNS_NEW - {"tie"}
    cols_a = set(after.columns) - ID_COLUMNS - TIE_COLUMNS_OLD - TIE_COLUMNS_NEW - {"tie"}
    if cols_b != cols_a:
        report.add(name, False, f"columns only before: {sorted(cols_b - cols_a)}, only "
                                f"after: {sorted(cols_a - cols_b)}")
        return
    if list(c for c in before.columns if c in cols_b) != list(c for c in after.columns
                                                               if c in cols_a):
        report.add(name, False, "the columns come in another order")
        return
    bad = []
    for col in sorted(cols_b):
        try:
            pd.testing.assert_series_equal(before[col], after[col], check_exact=True,
                                           check_names=True)
        except AssertionError as exc:
            bad.append(f"{col}: {str(exc).splitlines()[0]}")
    notes = [f"{len(before)} rows, {len(cols_b)} columns equal"]
    run_key = before["job"] if "job" in before.columns else pd.Series([0] * len(before))
    for col in sorted(ID_COLUMNS & set(before.columns)):
        if col not in after.columns:
            bad.append(f"{col} missing after")
            continue
        for run, x, y in zip(run_key, before[col], after[col], strict=True):
            ids.extend((run, o, n) for o, n in _id_pairs(x, y))
        notes.append(f"{col} relabelled")
    if "tie_break" in before.columns:
        if "ties" not in after.columns:
            bad.append("ties missing after")
        else:
            rendered = [ties_as_old_prose(t, r) for t, r in zip(after["ties"], after["rule"],
                                                                 strict=True)]
            text = [r[0] for r in rendered]
            skipped = sum(r[1] for r in rendered)
            wrong = int(sum(x != y for x, y in zip(before["tie_break"], text, strict=True)))
            flags = [bool(t) for t in text]
            wrong_flag = int(sum(bool(x) != y for x, y in zip(before["tie"], flags,
                                                             strict=True)))
            if wrong or wrong_flag:
                first = next(i for i, (x, y) in enumerate(zip(before["tie_break"], text,
                                                              strict=True)) if x != y) \
                    if wrong else None
                bad.append(f"ties: {wrong} records and {wrong_flag} flags differ"
                           + (f" (row {first}: {before['tie_break'].iloc[first]!r} vs "
                              f"{text[first]!r})" if first is not None else ""))
            n_ties = int(sum(bool(t) for t in text))
            notes.append(f"{n_ties} tie records match the old prose"
                         + (f", {skipped} new council-cut records" if skipped else ""))
    if bad:
        report.add(name, False, "; ".join(bad))
    else:
        report.add(name, True, "; ".join(notes))


def compare_tables(before: Path, after: Path, report: Report) -> None:
    import pandas as pd

    groups: dict[Path, list[Path]] = {}
    for path in sorted(before.rglob("*.parquet")):
        rel = path.relative_to(before)
        if rel.parts[0] == "multirun" and "collected" not in rel.parts:
            continue  # per-job tables: their collected concatenation is compared instead
        if rel.name == "jobs.parquet":
            continue  # run times and launcher details
        groups.setdefault(rel.parent, []).append(rel)
    for folder, rels in groups.items():
        ids: list[tuple[Any, int, int]] = []
        for rel in rels:
            other = after / rel
            if not other.is_file():
                report.add(str(rel), False, "missing after")
                continue
            compare_frames(str(rel), pd.read_parquet(before / rel), pd.read_parquet(other),
                           report, ids)
        if ids:
            problem = _check_bijection(ids)
            runs = len({r for r, _, _ in ids})
            report.add(f"{folder}/ person ids", problem is None,
                       problem or f"one to one in each of {runs} run(s), "
                                  f"{len({(r, o) for r, o, _ in ids if o >= 0})} people")


def compare_files(before: Path, after: Path, report: Report, label: str) -> None:
    for path in sorted(before.rglob("*")):
        if path.suffix not in ANALYSIS_SUFFIXES or not path.is_file() \
                or path.name == "README.md":  # written by hand, not by the analysis
            continue
        rel = path.relative_to(before)
        other = after / rel
        if not other.is_file():
            report.add(f"{label}{rel}", False, "missing after")
            continue
        same = path.read_bytes() == other.read_bytes()
        report.add(f"{label}{rel}", same, f"{path.stat().st_size} bytes, byte for byte"
                   if same else "bytes differ")


def compare(before: Path, after: Path, committed: Path | None) -> int:
    report = Report()
    compare_tables(before, after, report)
    for name in EXPERIMENTS:
        b, a = before / "experiments" / name, after / "experiments" / name
        if b.is_dir():
            compare_files(b, a, report, f"experiments/{name}/ (before vs after): ")
        if committed is not None and a.is_dir():
            compare_files(committed / "experiments" / name, a, report,
                          f"experiments/{name}/ (committed vs after): ")
    report.show()
    print(f"\n{'no difference' if not report.failed else 'DIFFERENCES FOUND'} in "
          f"{len(report.rows)} checks")
    return 1 if report.failed else 0


# --------------------------------------------------------------------------- before-after

def prepare_revision(rev: str, where: Path, repo: Path) -> Path:
    """A worktree of ``rev`` with its own venv; returns the venv's bin folder."""
    src = where / "src-tree"
    if not src.exists():
        subprocess.run(["git", "-C", str(repo), "worktree", "add", "--detach", str(src), rev],
                       check=True)
    venv = src / ".venv"
    if not (venv / "bin" / "akimsim").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "-e", f"{src}[dev]"], check=True)
    return venv / "bin"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    repo_default = Path(__file__).resolve().parent.parent
    run = sub.add_parser("run", help="run the main job and the experiments into OUT")
    run.add_argument("out", type=Path)
    run.add_argument("--bin", type=Path, default=repo_default / ".venv" / "bin")
    run.add_argument("--repo", type=Path, default=repo_default)
    run.add_argument("--jobs", type=int, default=2)
    run.add_argument("--only", default=",".join(("main", *EXPERIMENTS)))
    cmp = sub.add_parser("compare", help="compare two folders written by `run`")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    cmp.add_argument("--committed", type=Path, default=repo_default,
                     help="the checkout whose committed experiment outputs AFTER must equal")
    both = sub.add_parser("before-after", help="run REV and this checkout, then compare")
    both.add_argument("rev")
    both.add_argument("out", type=Path)
    both.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if args.command == "run":
        run_all(args.out, args.bin, args.repo, args.jobs, args.only.split(","))
        return 0
    if args.command == "compare":
        return compare(args.before, args.after, args.committed)
    old_bin = prepare_revision(args.rev, args.out, repo_default)
    run_all(args.out / "before", old_bin, args.out / "src-tree", args.jobs,
            ("main", *EXPERIMENTS))
    run_all(args.out / "after", repo_default / ".venv" / "bin", repo_default, args.jobs,
            ("main", *EXPERIMENTS))
    return compare(args.out / "before", args.out / "after", repo_default)


if __name__ == "__main__":
    sys.exit(main())

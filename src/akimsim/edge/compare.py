"""``akimsim compare`` and ``akimsim report``: a baseline and scenarios on paired seeds,
and the report that answers "what changes?".

``akimsim compare [OVERRIDE...] --scenario "OVERRIDES" [--scenario ...] --seeds N --out
DIR`` runs the baseline (the overrides every arm shares) and each scenario (its own
overrides on top) as one sweep each (``akimsim -m``, any launcher: ``--launcher
joblib``), over the same seeds, so the arms share common random numbers; ``--sweep
KEY=V1,V2`` sweeps a parameter in every arm. Then it collects the runs and writes
``DIR/report.html`` (one self-contained file), ``DIR/report.md`` with its figures, and
every table as CSV and ``tables.xlsx`` (:mod:`akimsim.analysis.comparison`). The runs
sit in ``DIR/runs/<arm>``: running the same command again resumes them (complete jobs
are skipped). ``akimsim report DIR`` writes the report again from the runs (after a
resume, or with other ``--years``), or for any finished sweep (``akimsim -m ...``).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

SPEC_FILE = "compare.json"
BASELINE = "baseline"


class CompareError(ValueError):
    """Bad input to ``akimsim compare`` or ``akimsim report`` (exit status 2)."""


@dataclass
class Plan:
    """What ``akimsim compare`` runs: the shared overrides, the arms (the baseline first,
    with no overrides of its own), the seeds, the swept parameters and the launcher."""

    common: list[str]
    arms: list[tuple[str, list[str]]]
    seeds: int
    first_seed: int = 0
    sweep: list[str] = field(default_factory=list)  # KEY=V1,V2 as Hydra sweeps them
    launcher: list[str] = field(default_factory=list)
    years: tuple[int, int] | None = None
    map_metric: str = "auto"
    command: str = ""

    def sweep_keys(self) -> list[str]:
        return [s.split("=", 1)[0] for s in self.sweep]

    def arm_overrides(self, name: str) -> list[str]:
        return dict(self.arms)[name]

    def job_args(self, name: str, runs: Path) -> list[str]:
        """The arguments of ``akimsim`` that run one arm's sweep into ``runs/<name>``."""
        return ["-m", f"hydra.sweep.dir={runs / name}",
                f"seed=range({self.first_seed},{self.first_seed + self.seeds})",
                *self.common, *self.arm_overrides(name), *self.sweep,
                "output.figures=false", "output.progress=false", *self.launcher]


def _name_of(overrides: list[str], index: int) -> str:
    """A scenario's default name: a lone preset's name (``scenario=russia`` -> russia),
    else ``scenario_<index>``."""
    if len(overrides) == 1 and re.fullmatch(r"[a-z_]+=[A-Za-z0-9_]+", overrides[0]):
        return overrides[0].split("=", 1)[1]
    return f"scenario_{index}"


def _check_name(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or name == BASELINE:
        raise CompareError(f"scenario name {name!r}: letters, digits, '_', '-' and '.' "
                           f"only, and not {BASELINE!r}")
    return name


def _years(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", text)
    if not m:
        raise CompareError(f"--years {text!r}: give FIRST-LAST, e.g. 2025-2030, or one year")
    a, b = int(m.group(1)), int(m.group(2) or m.group(1))
    if b < a:
        raise CompareError(f"--years {text!r}: the last year is before the first")
    return a, b


def _sweep(text: str) -> str:
    key, sep, values = text.partition("=")
    if not sep or not key or "," not in values:
        raise CompareError(f"--sweep {text!r}: give KEY=V1,V2[,...] (at least two values), "
                           "e.g. behaviour.voters.admin_support=0,1.2,2.4")
    return text


def _launcher(name: str | None, jobs: int | None) -> list[str]:
    if name is None:
        return [] if jobs is None else ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={jobs}"]
    out = [f"hydra/launcher={name}"]
    if jobs is not None:
        out.append(f"hydra.launcher.n_jobs={jobs}")
    return out


def compare_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="akimsim compare",
        description="Run a baseline and one or more scenarios on the same seeds (common "
                    "random numbers) and write a report of what changes: the paired "
                    "differences with 95 %% intervals per tier and measure, figures, a "
                    "per-region table and map, the commands to reproduce it, and every "
                    "table as CSV and Excel. Overrides are Hydra's (akimsim --cfg job "
                    "prints a composed config; akimsim scenarios lists the presets).",
        epilog="Example: akimsim compare territory.scale=0.1 --scenario "
               "\"'regimes.add=[{year:2025,tier:district,regime:null,rule:two_round},"
               "{year:2027,tier:region,regime:direct}]'\" --name reform --sweep "
               "behaviour.voters.admin_support=0,1.2,2.4 --seeds 5 --years 2025-2030 "
               "--out results/reform. The same command again resumes; akimsim report DIR "
               "writes the report again. Exit status: 0 when every run is complete, 1 when "
               "some failed (the report covers the complete ones), 2 on bad input.")
    p.add_argument("overrides", nargs="*", metavar="OVERRIDE",
                   help="overrides every arm shares (the baseline is these alone)")
    p.add_argument("--scenario", action="append", default=[], metavar="OVERRIDES",
                   help="a scenario: overrides on top of the baseline's, in one quoted "
                        "string (shell words), e.g. \"regimes.district=direct "
                        "rule.district=two_round\" or \"scenario=russia\"; repeatable")
    p.add_argument("--name", action="append", default=[], metavar="NAME",
                   help="the scenarios' names, in order (default: the preset's name for a "
                        "lone preset, else scenario_1, scenario_2...)")
    p.add_argument("--seeds", type=int, default=5,
                   help="paired seeds per arm (default 5)")
    p.add_argument("--first-seed", type=int, default=0, help="the first seed (default 0)")
    p.add_argument("--sweep", action="append", default=[], metavar="KEY=V1,V2",
                   help="a parameter swept in every arm, e.g. "
                        "behaviour.voters.admin_support=0,1.2,2.4 (the report draws the "
                        "effect against it)")
    p.add_argument("--years", default=None, metavar="FIRST-LAST",
                   help="the years whose contests and office-years are pooled (default: all)")
    p.add_argument("--out", type=Path, required=True,
                   help="the folder of the runs (runs/<arm>) and the report")
    p.add_argument("--launcher", default=None,
                   help="Hydra launcher: joblib (this machine's cores), ray, submitit_slurm, "
                        "submitit_local (default: Hydra's basic launcher, one job at a time; "
                        "with --jobs, joblib)")
    p.add_argument("--jobs", type=int, default=None, help="parallel jobs of the launcher")
    p.add_argument("--map-metric", default="auto",
                   help="the measure of the per-region map (default auto: the emergent "
                        "measure with the largest clear difference, else turnout)")
    p.add_argument("--config-dir", type=Path, default=None, metavar="DIR",
                   help="a folder of your own presets (e.g. DIR/scenario/NAME.yaml), "
                        "searched as Hydra's --config-dir is (README, 'Your own scenarios')")
    p.add_argument("--quiet", action="store_true", help="hide the runs' own output")
    return p


def plan_from_args(args: argparse.Namespace, argv: Sequence[str]) -> Plan:
    if args.seeds < 2:
        raise CompareError("--seeds must be at least 2 (an interval needs two pairs)")
    if not args.scenario:
        raise CompareError("give at least one --scenario \"OVERRIDES\"")
    if len(args.name) > len(args.scenario):
        raise CompareError(f"{len(args.name)} --name for {len(args.scenario)} --scenario")
    arms: list[tuple[str, list[str]]] = [(BASELINE, [])]
    for i, text in enumerate(args.scenario, start=1):
        try:
            overrides = shlex.split(text)
        except ValueError as exc:
            raise CompareError(f"--scenario {text!r}: {exc}") from None
        if not overrides:
            raise CompareError(f"--scenario {i} is empty")
        if any(o in ("-m", "--multirun") for o in overrides):
            raise CompareError("--scenario takes overrides; akimsim compare runs the sweeps")
        name = _check_name(args.name[i - 1]) if i <= len(args.name) else _name_of(overrides, i)
        if name in dict(arms):
            raise CompareError(f"two scenarios are named {name!r}: give --name")
        arms.append((name, overrides))
    if any(o in ("-m", "--multirun") for o in args.overrides):
        raise CompareError("overrides only: akimsim compare runs the sweeps (no -m)")
    swept = [_sweep(s) for s in args.sweep]
    shadow = {s.split("=", 1)[0] for s in swept} & {
        o.split("=", 1)[0].lstrip("+~") for _, ov in arms for o in [*ov, *args.overrides]}
    if shadow:
        raise CompareError(f"{', '.join(sorted(shadow))}: both swept and set by an override")
    if "seed" in {s.split("=", 1)[0] for s in swept}:
        raise CompareError("the seeds are --seeds and --first-seed, not a --sweep")
    common = list(args.overrides)
    if args.config_dir is not None:
        if not args.config_dir.is_dir():
            raise CompareError(f"--config-dir {args.config_dir}: no such folder")
        common.insert(0, f"hydra.searchpath=[file://{args.config_dir.resolve()}]")
    return Plan(common=common, arms=arms, seeds=args.seeds,
                first_seed=args.first_seed, sweep=swept,
                launcher=_launcher(args.launcher, args.jobs), years=_years(args.years),
                map_metric=args.map_metric,
                command=shlex.join(["akimsim", "compare", *argv]))


def check_plan(plan: Plan) -> None:
    """Compose every arm (at each swept value's first) before any run, so a bad override
    fails at once with the usual one-line message."""
    from akimsim.edge.hydra import compose

    firsts = [f"{s.split('=', 1)[0]}={s.split('=', 1)[1].split(',')[0]}" for s in plan.sweep]
    for name, overrides in plan.arms:
        try:
            compose(*plan.common, *overrides, *firsts, f"seed={plan.first_seed}")
        except Exception as exc:
            from akimsim.edge.hydra import explain

            message = explain(exc)
            if message is None:
                raise
            raise CompareError(f"arm {name!r}: {message}") from None


def run_arms(plan: Plan, out: Path, quiet: bool = False) -> dict[str, int]:
    """Each arm's sweep, one after the other (a sweep's jobs run as its launcher runs
    them); returns each arm's exit status."""
    runs = out / "runs"
    status = {}
    for i, (name, _) in enumerate(plan.arms, start=1):
        args = plan.job_args(name, runs)
        print(f"[{i}/{len(plan.arms)}] {name}: {shlex.join(['akimsim', *args])}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "akimsim", *args], check=False,
                              stdout=subprocess.DEVNULL if quiet else None,
                              stderr=subprocess.PIPE if quiet else None, text=True)
        status[name] = proc.returncode
        took = time.perf_counter() - t0
        if proc.returncode != 0:
            tail = (proc.stderr or "").strip().splitlines()[-3:] if quiet else []
            print(f"    {name}: some runs failed (exit {proc.returncode}) after {took:.0f} s"
                  + ("".join(f"\n    {t}" for t in tail)), file=sys.stderr, flush=True)
        else:
            print(f"    {name}: done in {took:.0f} s", flush=True)
    return status


def _collect_arm(path: Path, keep: Sequence[str]) -> tuple[dict[str, pd.DataFrame], list[str]]:
    from akimsim.edge.hydra import planned_jobs
    from akimsim.edge.sweep import collect

    frames = collect(path, ("contests", "offices"), planned=planned_jobs(path), progress=False)
    jobs = frames["jobs"]
    bad = jobs[jobs["status"] != "complete"]
    notes = [f"{path.name}: job {row['job']} is {row['status']}"
             + (f" ({str(row['error']).splitlines()[0]})" if isinstance(row.get("error"), str)
                and row.get("error") else "")
             for _, row in bad.iterrows()]
    out: dict[str, pd.DataFrame] = {}
    drop = [k for k in override_keys(jobs) if k not in ("seed", *keep)]
    for table in ("contests", "offices"):
        if table not in frames:
            raise CompareError(f"{path}: no complete run to report on")
        f = frames[table]
        out[table] = f.drop(columns=["job", *[k for k in drop if k in f.columns]])
    return out, notes


def override_keys(jobs: pd.DataFrame) -> list[str]:
    """The columns :func:`akimsim.edge.sweep.collect` added for the jobs' overrides (the
    ``jobs`` table's columns after its own: job, status, overrides, error, rows_*,
    run_seconds)."""
    own = {"job", "status", "overrides", "error", "run_seconds"}
    return [c for c in jobs.columns if c not in own and not c.startswith("rows_")]


def gather(out: Path, plan: Plan) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Every arm's contests and offices with an ``arm`` column, and notes on the jobs
    that are not complete."""
    contests, offices, notes = [], [], []
    for name, _ in plan.arms:
        path = out / "runs" / name
        if not path.is_dir():
            raise CompareError(f"{path} does not exist: run akimsim compare first")
        frames, bad = _collect_arm(path, plan.sweep_keys())
        notes += bad
        contests.append(frames["contests"].assign(arm=name))
        offices.append(frames["offices"].assign(arm=name))
    return pd.concat(contests, ignore_index=True), pd.concat(offices, ignore_index=True), notes


def comparison_of(plan: Plan, notes: Sequence[str] = ()) -> Any:
    from akimsim.analysis.comparison import Comparison

    shared = " ".join(plan.common) if plan.common else "the default run (akimsim as it is)"
    question = [f"**{BASELINE}**: {shared}"]
    question += [f"**{name}**: {BASELINE} + `{' '.join(ov)}`" for name, ov in plan.arms[1:]]
    if plan.sweep:
        question.append("swept in every arm: " + "; ".join(f"`{s}`" for s in plan.sweep))
    runs = Path("OUT") / "runs"
    commands = [plan.command or "akimsim compare ...", "", "# the same runs arm by arm "
                "(OUT is --out), then the report from them:"]
    commands += [shlex.join(["akimsim", *plan.job_args(name, runs)]) for name, _ in plan.arms]
    commands.append("akimsim report OUT")
    names = [name for name, _ in plan.arms]
    return Comparison(arms=names, reference=BASELINE, sweep=plan.sweep_keys(),
                      years=plan.years, map_metric=plan.map_metric,
                      title="akimsim compare: " + ", ".join(names[1:]) + f" against {BASELINE}",
                      question=question, commands=commands, notes=list(notes))


def write_report(out: Path, plan: Plan, to: Path | None = None
                 ) -> tuple[list[Path], list[str]]:
    """The report of the runs in ``out/runs`` into ``to`` (default ``out``)."""
    from akimsim.analysis.comparison import write_comparison

    contests, offices, notes = gather(out, plan)
    spec = comparison_of(plan, notes)
    result = write_comparison(contests, offices, spec, to or out)
    return result["paths"], notes


def save_plan(out: Path, plan: Plan) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / SPEC_FILE).write_text(json.dumps(asdict(plan), indent=2) + "\n", encoding="utf-8")


def load_plan(out: Path) -> Plan:
    data = json.loads((out / SPEC_FILE).read_text(encoding="utf-8"))
    data["arms"] = [(a, list(o)) for a, o in data["arms"]]
    data["years"] = tuple(data["years"]) if data.get("years") else None
    return Plan(**data)


def _finish(paths: Sequence[Path], notes: Sequence[str], out: Path) -> int:
    html = out / "report.html"
    print(f"wrote {len(paths)} files to {out}; open {html} in a browser "
          f"(report.md beside it; tables as CSV and tables.xlsx)")
    if notes:
        print(f"akimsim: warning: {len(notes)} run(s) not complete, left out of the report "
              "(the same command again resumes them):\n  " + "\n  ".join(notes[:10]),
              file=sys.stderr)
        return 1
    return 0


def compare_main(argv: Sequence[str]) -> int:
    """``akimsim compare ...``."""
    argv = list(argv)
    args = compare_parser().parse_args(argv)
    try:
        plan = plan_from_args(args, argv)
        out: Path = args.out
        if (out / SPEC_FILE).exists():
            before = load_plan(out)
            if (before.common, before.arms, before.sweep, before.first_seed) != (
                    plan.common, plan.arms, plan.sweep, plan.first_seed):
                raise CompareError(f"{out} holds another comparison ({before.command}); "
                                   "choose another --out")
        check_plan(plan)
        save_plan(out, plan)
        t0 = time.perf_counter()
        run_arms(plan, out, quiet=args.quiet)
        print(f"runs done in {time.perf_counter() - t0:.0f} s; writing the report", flush=True)
        paths, notes = write_report(out, plan)
    except CompareError as exc:
        print(f"akimsim compare: error: {exc}", file=sys.stderr)
        return 2
    return _finish(paths, notes, out)


# --------------------------------------------------------------------- akimsim report

def report_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="akimsim report",
        description="Write the comparison report (report.html, report.md, CSV and Excel "
                    "tables) of a folder of akimsim compare, or of any finished sweep "
                    "(akimsim -m ...): the arms are the values of one swept parameter "
                    "(--arm), paired on the seed; other swept parameters are drawn against.",
        epilog="Examples: akimsim report results/reform --years 2027-2030;  akimsim report "
               "multirun/admin_support --arm behaviour.voters.admin_support --reference 1.2")
    p.add_argument("folder", type=Path, metavar="DIR",
                   help="an akimsim compare --out folder, or a sweep folder (multirun.yaml)")
    p.add_argument("--years", default=None, metavar="FIRST-LAST",
                   help="the years pooled (default: a compare folder's, else all)")
    p.add_argument("--arm", default=None, metavar="KEY",
                   help="a sweep's parameter whose values are the arms (default: the first "
                        "swept parameter other than seed)")
    p.add_argument("--reference", default=None, metavar="VALUE",
                   help="the arm the others are compared with (default: the first value)")
    p.add_argument("--out", type=Path, default=None,
                   help="where to write the report (default: DIR, or DIR/report for a sweep)")
    p.add_argument("--map-metric", default=None, help="the measure of the per-region map")
    return p


def _sweep_report(folder: Path, args: argparse.Namespace) -> int:
    from akimsim.analysis.comparison import Comparison, write_comparison
    from akimsim.edge.hydra import planned_jobs
    from akimsim.edge.sweep import SweepError, collect

    try:
        frames = collect(folder, ("contests", "offices"), planned=planned_jobs(folder),
                         progress=False)
    except SweepError as exc:
        raise CompareError(str(exc)) from None
    if "contests" not in frames:
        raise CompareError(f"{folder}: no complete job to report on")
    c, o, jobs = frames["contests"], frames["offices"], frames["jobs"]
    overrides = [k for k in override_keys(jobs) if k != "seed"]
    keys = [k for k in overrides if k in c.columns and c[k].nunique(dropna=False) > 1]
    if not keys:
        raise CompareError(f"{folder}: nothing but the seed varies between its jobs")
    arm = args.arm or keys[0]
    if arm not in keys:
        raise CompareError(f"--arm {arm!r} is not swept in {folder}; swept: {', '.join(keys)}")
    values = sorted(pd.unique(c[arm]), key=lambda v: (str(type(v)), v))
    ref = values[0] if args.reference is None else next(
        (v for v in values if str(v) == args.reference), None)
    if ref is None:
        raise CompareError(f"--reference {args.reference!r} is not a value of {arm}: "
                           f"{', '.join(map(str, values))}")
    short = arm.rsplit(".", 1)[-1]
    name = {v: f"{short}={v}" for v in values}
    sweep = [k for k in keys if k != arm]
    fixed = [k for k in overrides if k in c.columns and k not in (arm, *sweep)]
    c = c.assign(arm=c[arm].map(name)).drop(columns=["job", arm, *fixed])
    o = o.assign(arm=o[arm].map(name)).drop(columns=["job", arm, *[k for k in fixed
                                                                    if k in o.columns]])
    bad = jobs[jobs["status"] != "complete"]
    notes = [f"job {row['job']} is {row['status']}" for _, row in bad.iterrows()]
    spec = Comparison(
        arms=[name[ref], *[name[v] for v in values if v != ref]], reference=name[ref],
        sweep=sweep, years=_years(args.years), map_metric=args.map_metric or "auto",
        title=f"akimsim report: {folder.name}, by {short}",
        question=[f"the sweep in `{folder}`: arms are the values of `{arm}`"
                  + (f"; also swept: {', '.join(sweep)}" if sweep else "")],
        commands=[shlex.join(["akimsim", "report", *sys.argv[2:]])
                  if sys.argv[1:2] == ["report"] else f"akimsim report {folder}"],
        notes=notes)
    out = args.out or folder / "report"
    result = write_comparison(c, o, spec, out)
    return _finish(result["paths"], notes, out)


def report_main(argv: Sequence[str]) -> int:
    """``akimsim report DIR``."""
    args = report_parser().parse_args(list(argv))
    folder: Path = args.folder
    try:
        if (folder / SPEC_FILE).is_file():
            plan = load_plan(folder)
            if args.years is not None:
                plan.years = _years(args.years)
            if args.map_metric is not None:
                plan.map_metric = args.map_metric
            out = args.out or folder
            paths, notes = write_report(folder, plan, out)
            return _finish(paths, notes, out)
        if (folder / "multirun.yaml").is_file() or folder.is_dir():
            if not folder.is_dir():
                raise CompareError(f"{folder} does not exist")
            return _sweep_report(folder, args)
        raise CompareError(f"{folder} does not exist")
    except CompareError as exc:
        print(f"akimsim report: error: {exc}", file=sys.stderr)
        return 2

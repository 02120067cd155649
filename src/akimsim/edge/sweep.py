"""Sweeps: resume, failure records, thread limits and collecting a sweep's job folders.

A sweep (``akimsim -m ...``) writes one folder per job below its sweep folder, each
written by :func:`akimsim.runner.run_and_write`: tables, a figure and ``manifest.json``
last, with every file's size and SHA-256. This module holds the pure parts of running
and collecting sweeps; it takes paths and plain dicts and knows nothing of Hydra (its
callers in :mod:`akimsim.edge.hydra` and :mod:`akimsim.edge.cli` pass Hydra's values
in, the planned jobs among them), so notebooks and tests can use it directly.

Files in a job folder besides the results:

``job.json``
    written when the job starts: its overrides, number, launcher, threads, host.
``failed.json``
    written when the job raised: error type, message, traceback, overrides, time.
    Removed when the job is started again, so it never sits beside fresh results.

A job folder is *complete* when its manifest lists files that all exist with the
recorded size and checksum; a rerun skips a complete job whose manifest holds the same
resolved config. :func:`collect` concatenates the tables of the complete jobs, with
each job's overrides as typed columns.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import tempfile
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from akimsim.config import ConfigError
from akimsim.io import (
    MANIFEST,
    check_complete,
    read_json,
    remove_leftovers,
    write_json_atomic,
)

FAILED = "failed.json"
JOB = "job.json"
TABLES: tuple[str, ...] = ("summary", "contests", "offices", "councils")
THREADS_ENV = "AKIMSIM_THREADS"
#: columns :func:`collect` adds in front of every table
KEY_COLUMNS: tuple[str, ...] = ("job", "seed")


class SweepError(ValueError):
    """Bad input to :func:`collect`: no such folder, no jobs in it, an unknown table."""


# --------------------------------------------------------------------------- a job's life

def job_record(overrides: Sequence[str], *, num: int | None = None,
               override_dirname: str | None = None, launcher: str | None = None,
               threads: int | None = None) -> dict[str, Any]:
    """What a job records about itself in ``job.json`` and its manifest's ``sweep`` key."""
    return {
        "overrides": [str(o) for o in overrides],
        "job_num": num,
        "override_dirname": override_dirname,
        "launcher": launcher,
        "threads": threads,
    }


def start_job(job_dir: str | Path, record: Mapping[str, Any]) -> None:
    """Mark a job as started: drop results it is about to replace, write ``job.json``.

    A stale ``manifest.json`` (results of another config, or damaged ones) is removed
    first, so a job interrupted from here on reads as incomplete rather than complete
    with someone else's results; so are a ``failed.json`` of an earlier attempt and
    the temporary files of a write that was killed.
    """
    job = Path(job_dir)
    job.mkdir(parents=True, exist_ok=True)
    (job / MANIFEST).unlink(missing_ok=True)
    (job / FAILED).unlink(missing_ok=True)
    remove_leftovers(job)
    write_json_atomic(job / JOB, {
        **record,
        "started_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "pid": os.getpid(),
    })


def finish_job(job_dir: str | Path) -> None:
    """After a job's results are written: no failure record may remain beside them."""
    (Path(job_dir) / FAILED).unlink(missing_ok=True)


def write_failure(job_dir: str | Path, exc: BaseException,
                  record: Mapping[str, Any] | None = None) -> Path:
    """Write ``failed.json`` (error type, message, traceback, the job's record, time)."""
    return write_json_atomic(Path(job_dir) / FAILED, {
        "error": {
            "type": type(exc).__name__,
            "message": str(exc),
            "traceback": "".join(traceback.format_exception(exc)),
        },
        **(dict(record) if record else {}),
        "failed_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    })


# --------------------------------------------------------------------------- threads

def job_threads(launcher: Mapping[str, Any] | None, *, cpus: int | None = None,
                env: Mapping[str, str] | None = None) -> int | None:
    """How many Numba threads one job of a sweep should use, or None to leave the default.

    ``AKIMSIM_THREADS`` in ``env`` wins. Otherwise, by Hydra launcher (its config as a
    dict, ``_target_`` naming the class): joblib runs ``n_jobs`` jobs at once, each gets
    ``cpus // n_jobs`` threads; Ray gets the task's ``ray.remote.num_cpus`` or 1;
    submitit gets ``cpus_per_task``, else ``SLURM_CPUS_PER_TASK``, else 1 (the local
    executor starts every job at once). The basic launcher runs one job at a time and
    keeps every core.
    """
    env = os.environ if env is None else env
    cpus = max(1, cpus if cpus is not None else (os.cpu_count() or 1))
    explicit = env.get(THREADS_ENV, "").strip()
    if explicit:
        try:
            n = int(explicit)
        except ValueError:
            raise ConfigError(f"{THREADS_ENV}={explicit!r} is invalid: expected a positive "
                              "integer (the Numba threads of each job)") from None
        if n < 1:
            raise ConfigError(f"{THREADS_ENV}={explicit!r} is invalid: expected a positive "
                              "integer (the Numba threads of each job)")
        return n
    launcher = launcher or {}
    target = str(launcher.get("_target_", ""))
    if "Joblib" in target:
        n_jobs = launcher.get("n_jobs")
        n_jobs = 1 if n_jobs is None else int(n_jobs)
        if n_jobs < 0:  # joblib: -1 is every core, -2 all but one, ...
            n_jobs = max(1, cpus + 1 + n_jobs)
        return max(1, cpus // max(1, n_jobs))
    if "Ray" in target:
        ray = launcher.get("ray") or {}
        remote = (ray.get("remote") or {}) if isinstance(ray, Mapping) else {}
        num = remote.get("num_cpus") if isinstance(remote, Mapping) else None
        return max(1, int(num)) if num else 1
    if "submitit" in target:
        per_task = launcher.get("cpus_per_task") or env.get("SLURM_CPUS_PER_TASK")
        return max(1, int(per_task)) if per_task else 1
    return None


def set_threads(n: int | None) -> int:
    """Set Numba's thread count to ``n`` (capped at what Numba started with); return it."""
    import numba

    if n is not None:
        from akimsim.kernels._jit import set_threads as set_kernel_threads

        set_kernel_threads(n)
    return int(numba.get_num_threads())


# --------------------------------------------------------------------------- overrides

class _OverrideLoader(yaml.SafeLoader):
    """YAML as Hydra types override values: no dates, only true/false as booleans, 1e3 a float."""


_OverrideLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_OverrideLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))
_OverrideLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))


def parse_value(text: str) -> Any:
    """An override's value typed as YAML reads it (``2019`` int, ``0.5`` float, ``null``)."""
    try:
        return yaml.load(text, Loader=_OverrideLoader)  # a SafeLoader subclass
    except yaml.YAMLError:
        return text


def parse_override(override: str) -> tuple[str, Any] | None:
    """``key=value`` as ``(key, typed value)``; ``+key``/``++key`` lose their sign.

    A deletion (``~key``) and anything without ``=`` give None. A group with a package
    (``group@pkg=option``) keeps its full name.
    """
    text = override.strip()
    if text.startswith("~") or "=" not in text:
        return None
    key, _, value = text.partition("=")
    key = key.lstrip("+").strip()
    if not key:
        return None
    return key, parse_value(value.strip())


def override_columns(overrides: Iterable[str]) -> dict[str, Any]:
    """A job's overrides as ``{key: typed value}``, in the order given."""
    out: dict[str, Any] = {}
    for o in overrides:
        parsed = parse_override(o)
        if parsed is not None:
            out[parsed[0]] = parsed[1]
    return out


def _fits_int64(v: Any) -> bool:
    return not isinstance(v, int) or isinstance(v, bool) or -(2**63) <= v < 2**63


def _uniform_column(values: list[Any]) -> list[Any]:
    """Make one column's values storable in Parquet: lists and dicts as JSON, mixed kinds
    and integers beyond int64 as text."""
    present = [v for v in values if v is not None]
    if any(isinstance(v, list | dict) for v in present):
        return [None if v is None else json.dumps(v, sort_keys=True) for v in values]
    if not all(_fits_int64(v) for v in present):
        return [None if v is None else str(v) for v in values]
    kinds = {bool if isinstance(v, bool) else float if isinstance(v, int | float) else type(v)
             for v in present}
    if len(kinds) > 1:
        return [None if v is None else str(v) for v in values]
    return values


# --------------------------------------------------------------------------- collecting

@dataclass
class JobInfo:
    """One job folder of a sweep, as :func:`collect` finds it."""

    name: str
    path: Path
    status: str  # complete, failed, incomplete
    overrides: list[str] = field(default_factory=list)
    error: str = ""
    seed: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    run_seconds: float | None = None


def _natural_key(name: str) -> list[Any]:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", name) if part]


def find_job_dirs(sweep_dir: str | Path, exclude: Iterable[str | Path] = ()) -> list[Path]:
    """Job folders below ``sweep_dir``: folders holding a manifest, a failure or a job record.

    Hidden folders (``.submitit``, partial writes) and ``exclude`` are not searched, and
    a job folder's own subfolders are not jobs. Sorted in natural order (2 before 10).
    """
    root = Path(sweep_dir)
    skip = {Path(p).resolve() for p in exclude}
    found: list[Path] = []
    for here, dirs, files in os.walk(root):
        path = Path(here)
        if path != root and ({MANIFEST, FAILED, JOB} & set(files)):
            found.append(path)
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if not d.startswith(".") and (path / d).resolve() not in skip]
    return sorted(found, key=lambda p: _natural_key(p.relative_to(root).as_posix()))


def job_info(job_dir: Path, name: str, *, verify_checksums: bool = True) -> JobInfo:
    """Status, overrides, error, seed and row counts of one job folder."""
    failed = read_json(job_dir / FAILED) if (job_dir / FAILED).exists() else None
    started = read_json(job_dir / JOB) or {}
    if failed is not None or (job_dir / FAILED).exists():
        failed = failed or {}
        err = failed.get("error") or {}
        message = f"{err.get('type', 'error')}: {err.get('message', 'failed.json unreadable')}"
        return JobInfo(name, job_dir, "failed",
                       list(failed.get("overrides") or started.get("overrides") or []), message)
    ok, reason = check_complete(job_dir, verify_checksums=verify_checksums)
    manifest = read_json(job_dir / MANIFEST) or {}
    sweep = manifest.get("sweep") or {}
    if not ok:
        return JobInfo(name, job_dir, "incomplete",
                       list(started.get("overrides") or sweep.get("overrides") or []), reason)
    timing = manifest.get("timing_seconds") or {}
    seconds = sum(float(v) for v in timing.values()) if timing else None
    seed = manifest.get("seed")
    return JobInfo(name, job_dir, "complete",
                   list(sweep.get("overrides") or started.get("overrides") or []), "",
                   int(seed) if seed is not None else None,
                   {str(k): int(v) for k, v in (manifest.get("rows") or {}).items()},
                   round(seconds, 3) if seconds is not None else None)


def _add_unstarted(jobs: list[JobInfo], planned: Sequence[tuple[str | None, Sequence[str]]],
                   root: Path) -> list[JobInfo]:
    """``jobs`` plus an incomplete entry for every planned job no folder ran."""
    seen = {tuple(j.overrides) for j in jobs}
    names = {j.name for j in jobs}
    extra = []
    for i, (name, overrides) in enumerate(planned):
        if tuple(overrides) in seen:
            continue
        label = name if name and name not in names else f"#{i}"
        extra.append(JobInfo(label, root / label, "incomplete", list(overrides),
                             "never started: no job folder with results"))
    if not extra:
        return jobs
    return sorted([*jobs, *extra], key=lambda j: _natural_key(j.name.lstrip("#")))


def _reserved_columns(job: JobInfo, tables: Iterable[str]) -> set[str]:
    import pyarrow.parquet as pq

    names: set[str] = set(KEY_COLUMNS)
    for table in tables:
        path = job.path / f"{table}.parquet"
        if path.is_file():
            with contextlib.suppress(Exception):  # a damaged table is reported when read
                names.update(pq.read_schema(path).names)
    return names


def _column_names(keys: Iterable[str], reserved: set[str]) -> dict[str, str]:
    """Override key -> column name; a key that is also a table column becomes ``cfg.KEY``."""
    return {k: (f"cfg.{k}" if k in reserved and k != "seed" else k) for k in keys}


def _with_keys(frame: pd.DataFrame, keys: Mapping[str, list[Any]], n_rows: list[int]
               ) -> pd.DataFrame:
    front = {}
    for col, per_job in keys.items():
        repeated: list[Any] = []
        for v, n in zip(per_job, n_rows, strict=True):
            repeated.extend([v] * n)
        front[col] = pd.Series(repeated, index=frame.index, dtype=_dtype_of(per_job))
    head = pd.DataFrame(front, index=frame.index)
    body = frame.drop(columns=[c for c in head.columns if c in frame.columns])
    return pd.concat([head, body], axis=1)


def _dtype_of(values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    if not all(_fits_int64(v) for v in present):
        return "string"
    if present and all(isinstance(v, bool) for v in present):
        return "boolean" if len(present) < len(values) else bool
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "Int64" if len(present) < len(values) else "int64"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "float64"
    return None  # strings and mixtures: let pandas choose, as it does for the tables


def collect(sweep_dir: str | Path, tables: Sequence[str] = ("summary",), *,
            out: str | Path | None = None, progress: bool | None = None,
            verify_checksums: bool = True,
            planned: Sequence[tuple[str | None, Sequence[str]]] | None = None,
            ) -> dict[str, pd.DataFrame]:
    """Concatenate the tables of a sweep's complete jobs, with the swept values as columns.

    Returns ``{table: frame, ..., "jobs": jobs}``. Each frame starts with ``job`` (the
    job folder relative to ``sweep_dir``), ``seed``, and one column per override key
    (values typed as YAML reads them; a key that is also a column of the tables becomes
    ``cfg.KEY``), then the job's own table; jobs come in natural folder order. ``jobs`` has
    one row per job folder: status (complete, failed, incomplete), overrides, error,
    row counts and run time. Nothing in the tables depends on the launcher, the machine
    or the date, so two runs of one sweep collect to equal frames.

    ``planned`` lists the jobs the sweep was to run, as ``(folder name or None,
    overrides)``; a planned job with no folder is reported incomplete ("never
    started"). The caller reads the plan (``akimsim collect`` and
    :func:`akimsim.edge.experiments.load_sweep` use
    :func:`akimsim.edge.hydra.planned_jobs`); None checks no plan.

    With ``out``, the frames are written there (``<table>.parquet``, ``jobs.parquet``,
    ``jobs.csv``), whole or not at all. ``progress`` shows a bar over the jobs (default:
    when there are more than 20). Raises :class:`SweepError` on bad input.
    """
    root = Path(sweep_dir)
    if not root.exists():
        raise SweepError(f"{root} does not exist")
    if not root.is_dir():
        raise SweepError(f"{root} is not a folder")
    unknown = [t for t in tables if t not in TABLES]
    if unknown or not tables:
        raise SweepError(f"unknown table(s) {', '.join(unknown) or '(none)'}: "
                         f"expected some of {', '.join(TABLES)}")
    dirs = find_job_dirs(root, exclude=[out] if out is not None else [])
    if not dirs:
        hint = "" if (root / "multirun.yaml").exists() else " (and no multirun.yaml: is it one?)"
        raise SweepError(f"no job folders in {root}: no subfolder holds {MANIFEST}, "
                         f"{FAILED} or {JOB}{hint}")
    from tqdm.auto import tqdm

    show = len(dirs) > 20 if progress is None else progress
    jobs = [job_info(d, d.relative_to(root).as_posix(), verify_checksums=verify_checksums)
            for d in tqdm(dirs, desc="jobs", unit="job", disable=not show, leave=False)]
    jobs = _add_unstarted(jobs, planned or [], root)
    complete = [j for j in jobs if j.status == "complete"]

    overrides = [override_columns(j.overrides) for j in jobs]
    keys: dict[str, None] = {}
    for o in overrides:
        keys.update(dict.fromkeys(k for k in o if k != "seed"))
    reserved = _reserved_columns(complete[0], TABLES) if complete else set(KEY_COLUMNS)
    names = _column_names(keys, reserved)
    by_job = {j.name: o for j, o in zip(jobs, overrides, strict=True)}

    def key_values(selected: list[JobInfo]) -> dict[str, list[Any]]:
        cols: dict[str, list[Any]] = {
            "job": [j.name for j in selected],
            "seed": [j.seed if j.seed is not None else by_job[j.name].get("seed")
                     for j in selected],
        }
        for k, col in names.items():
            cols[col] = _uniform_column([by_job[j.name].get(k) for j in selected])
        return cols

    read: dict[str, dict[str, pd.DataFrame]] = {}
    for j in tqdm(complete, desc="tables", unit="job", disable=not show, leave=False):
        try:
            read[j.name] = {t: pd.read_parquet(j.path / f"{t}.parquet") for t in tables}
        except Exception as exc:  # a damaged file that no checksum caught is reported
            j.status, j.error = "incomplete", f"unreadable table ({type(exc).__name__}: " \
                f"{str(exc).splitlines()[0] if str(exc) else ''})"
    complete = [j for j in complete if j.name in read]
    result: dict[str, pd.DataFrame] = {}
    if complete:
        keyed = key_values(complete)
        for table in tables:
            frames = [read[j.name][table] for j in complete]
            body = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
            result[table] = _with_keys(body, keyed, [len(f) for f in frames])

    every = key_values(jobs)
    jobs_frame = pd.DataFrame({
        "job": pd.Series(every["job"], dtype="string"),
        "status": pd.Series([j.status for j in jobs], dtype="string"),
        "overrides": pd.Series([" ".join(j.overrides) for j in jobs], dtype="string"),
        "error": pd.Series([j.error for j in jobs], dtype="string"),
        **{f"rows_{t}": pd.Series([j.rows.get(t) for j in jobs], dtype="Int64")
           for t in TABLES},
        "run_seconds": pd.Series([j.run_seconds for j in jobs], dtype="float64"),
    })
    params = pd.DataFrame({c: pd.Series(v, dtype=_dtype_of(v))
                           for c, v in every.items() if c != "job"})
    result["jobs"] = pd.concat([jobs_frame, params], axis=1)
    if out is not None:
        write_collected(out, result)
    return result


def write_collected(out: str | Path, frames: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write ``<name>.parquet`` per frame and ``jobs.csv``, all or nothing, jobs last."""
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".collect-partial-", dir=target))
    try:
        written: list[Path] = []
        for name, frame in sorted(frames.items(), key=lambda kv: kv[0] == "jobs"):
            path = tmp / f"{name}.parquet"
            frame.to_parquet(path, index=False, engine="pyarrow", compression="zstd")
            written.append(path)
        if "jobs" in frames:
            path = tmp / "jobs.csv"
            frames["jobs"].to_csv(path, index=False)
            written.append(path)
        final = []
        for p in written:
            os.replace(p, target / p.name)
            final.append(target / p.name)
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(jobs: pd.DataFrame, sweep_dir: str | Path) -> str:
    """A short text report of a collected sweep: counts, then every job not complete."""
    counts = jobs["status"].value_counts()
    lines = [f"{len(jobs)} jobs in {sweep_dir}: {int(counts.get('complete', 0))} complete, "
             f"{int(counts.get('failed', 0))} failed, {int(counts.get('incomplete', 0))} "
             "incomplete"]
    for row in jobs[jobs["status"] != "complete"].to_dict("records"):
        status, name, shown = str(row["status"]), str(row["job"]), str(row["overrides"])
        error = str(row["error"]).strip()
        first = error.splitlines()[0] if error else ""
        overrides = f" [{shown}]" if shown else ""
        lines.append(f"  {status:<10} job {name}{overrides}: {first}")
    return "\n".join(lines)

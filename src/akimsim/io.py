"""Results on disk: Parquet tables, PNG figures and a manifest, whole or not at all.

A result folder's ``manifest.json`` is its commit marker. A run claims its folder before
any work (:func:`claim_folder`: a lock file, refusal when the folder already holds
results unless it may overwrite them, removal of what an interrupted run left), writes
every file into a hidden temporary folder, withdraws an old manifest before replacing
anything, moves the new files in and the new manifest last (:func:`write_results`).
Readers trust a folder only when its manifest lists files that all match their size and
SHA-256 (:func:`check_complete`, :func:`read_results`): a folder without a matching
manifest is incomplete, whatever else it holds. This holds against a killed process;
files are also flushed to disk before the manifest is moved in.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from matplotlib.figure import Figure

MANIFEST = "manifest.json"
LOCK = ".akimsim.lock"
PARTIAL_PREFIX = ".akimsim-partial-"
#: the files a run writes (besides those a manifest lists): what a folder "holds results" by
RESULT_FILES: tuple[str, ...] = ("contests.parquet", "summary.parquet", "offices.parquet",
                                 "councils.parquet", "timeline.png", MANIFEST)


class OutputError(RuntimeError):
    """An output folder cannot be used: it holds results, another run writes to it, it
    cannot be created or written. The message names the folder and what to do."""


class FolderBusy(OutputError):
    """Another live run holds the folder's lock."""


PACKAGES: tuple[str, ...] = (
    "akimsim", "mesa", "numpy", "numba", "scipy", "pandas", "pyarrow", "hydra-core",
    "omegaconf", "matplotlib",
)


def package_versions() -> dict[str, str]:
    """Installed versions of the packages results depend on, plus Python's."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_revision(where: Path | None = None) -> dict[str, Any] | None:
    """The git commit of the source tree (and whether it had local changes), if any."""
    root = where if where is not None else Path(__file__).resolve().parent
    try:
        rev = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain"],
                               capture_output=True, text=True, timeout=10,
                               check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": rev, "dirty": bool(dirty)}


def sha256_file(path: Path) -> str:
    """The SHA-256 hex digest of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_parquet(frame: pd.DataFrame, path: Path,
                  types: dict[str, pa.DataType] | None = None) -> None:
    """``frame`` as a zstd-compressed Parquet file; columns named in ``types`` get that
    Arrow type (so a list column keeps its type when every row's list is empty)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    for name, kind in (types or {}).items():
        if name in table.column_names:
            i = table.column_names.index(name)
            table = table.set_column(i, pa.field(name, kind),
                                     pa.array(frame[name].tolist(), type=kind))
    pq.write_table(table, path, compression="zstd")


def _flushed(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def write_results(out_dir: str | Path, tables: dict[str, pd.DataFrame],
                  figures: dict[str, Figure], manifest: dict[str, Any],
                  types: dict[str, dict[str, pa.DataType]] | None = None,
                  *, overwrite: bool = False) -> list[Path]:
    """Write ``<name>.parquet`` per table, ``<name>.png`` per figure and ``manifest.json``.

    ``types`` gives the Arrow type of named columns per table (:func:`write_parquet`).
    Everything is first written into a temporary folder inside ``out_dir`` and flushed.
    Then, when the folder holds results: without ``overwrite`` nothing is touched and
    :class:`OutputError` is raised; with it, the old manifest is withdrawn first and every
    file of the old set is removed, so no old file stays beside the new ones. The new
    files are moved in, the manifest last. A failure or a kill at any point leaves either
    the old complete set, or files without a manifest (incomplete), never a manifest
    beside files it does not describe.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=out))
    try:
        written: list[Path] = []
        for name, frame in tables.items():
            path = tmp / f"{name}.parquet"
            write_parquet(frame, path, (types or {}).get(name))
            written.append(path)
        for name, fig in figures.items():
            path = tmp / f"{name}.png"
            fig.savefig(path, dpi=120, metadata={"Software": None})
            written.append(path)
        files = {p.name: {"bytes": p.stat().st_size, "sha256": sha256_file(p)} for p in written}
        full = {**manifest, "files": files}
        mpath = tmp / MANIFEST
        mpath.write_text(json.dumps(full, indent=2, sort_keys=False, default=str) + "\n")
        for p in [*written, mpath]:
            _flushed(p)
        old = results_in(out)
        if old and not overwrite:
            raise OutputError(_holds_results(out, old))
        (out / MANIFEST).unlink(missing_ok=True)  # withdraw the old commit marker first
        for name in old:
            if name != MANIFEST and name not in files:
                (out / name).unlink(missing_ok=True)
        final: list[Path] = []
        for p in [*written, mpath]:
            target = out / p.name
            os.replace(p, target)
            final.append(target)
        with contextlib.suppress(OSError):  # flush the renames (not possible everywhere)
            fd = os.open(out, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- completeness

def canonical(obj: Any) -> Any:
    """``obj`` as it reads back from JSON (tuples become lists, enums their values)."""
    return json.loads(json.dumps(obj, default=str))


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """The dotted path of the first place where two JSON-like values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in a or key not in b:
                return sub
            found = first_difference(a[key], b[key], sub)
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return path or "(top)"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    return None if a == b and type(a) is type(b) else (path or "(top)")


#: settings of a run's config that do not change its results: two configs that differ
#: only in these describe the same results (a sweep reruns nothing for them)
NOT_RESULTS: tuple[tuple[str, str], ...] = (("output", "progress"), ("output", "overwrite"))


def identity(config: Any) -> Any:
    """A config as JSON reads it back, without the settings of :data:`NOT_RESULTS`."""
    out = canonical(config)
    if isinstance(out, dict):
        for section, key in NOT_RESULTS:
            part = out.get(section)
            if isinstance(part, dict):
                part.pop(key, None)
    return out


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``, or None when it is missing, unreadable or not an object."""
    try:
        obj = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return obj if isinstance(obj, dict) else None


def check_complete(folder: str | Path, config: Mapping[str, Any] | None = None,
                   *, verify_checksums: bool = True) -> tuple[bool, str]:
    """Whether ``folder`` holds whole results (and, given ``config``, for that config).

    Complete means: ``manifest.json`` reads as JSON, lists at least one file, and every
    listed file exists with the recorded size and SHA-256; with ``config``, the
    manifest's ``config`` equals it once both are put through JSON. Returns
    ``(complete, reason)``; the reason says what is missing or different.
    """
    job = Path(folder)
    mpath = job / MANIFEST
    if not mpath.is_file():
        return False, f"no {MANIFEST}"
    manifest = read_json(mpath)
    if manifest is None:
        return False, f"{MANIFEST} is not readable JSON"
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return False, f"{MANIFEST} lists no files"
    for name, meta in files.items():
        path = job / name
        if not path.is_file():
            return False, f"{name} is missing"
        if not isinstance(meta, dict) or "bytes" not in meta or "sha256" not in meta:
            return False, f"{MANIFEST} has no size and checksum for {name}"
        size = path.stat().st_size
        if size != meta["bytes"]:
            return False, f"{name} has {size} bytes, the manifest says {meta['bytes']}"
        if verify_checksums and sha256_file(path) != meta["sha256"]:
            return False, f"{name} does not match its checksum"
    if config is not None:
        diff = first_difference(identity(manifest.get("config")), identity(dict(config)))
        if diff is not None:
            return False, f"its config differs from this job's at {diff}"
    return True, "complete"


def read_results(folder: str | Path, tables: Sequence[str] = ("contests", "summary", "offices"),
                 *, verify_checksums: bool = True) -> dict[str, pd.DataFrame]:
    """The tables of a complete result folder, after checking its manifest and checksums;
    :class:`OutputError` when the folder is not complete or lacks a table."""
    import pandas as pd

    ok, reason = check_complete(folder, verify_checksums=verify_checksums)
    if not ok:
        raise OutputError(f"{folder} does not hold complete akimsim results: {reason}")
    manifest = read_json(Path(folder) / MANIFEST) or {}
    out = {}
    for name in tables:
        if f"{name}.parquet" not in (manifest.get("files") or {}):
            raise OutputError(f"{folder}: the results have no {name} table")
        out[name] = pd.read_parquet(Path(folder) / f"{name}.parquet")
    return out


def results_in(folder: Path) -> list[str]:
    """The result files in ``folder``: the ones a run writes and the ones its manifest lists."""
    listed = (read_json(folder / MANIFEST) or {}).get("files") or {}
    names = [*RESULT_FILES, *(n for n in listed if isinstance(n, str))]
    return sorted({n for n in names if (folder / n).is_file()})


def _holds_results(folder: Path, names: list[str]) -> str:
    complete, _ = check_complete(folder, verify_checksums=False)
    what = "complete results" if complete else "result files (not a complete set)"
    return (f"{folder} already holds {what}: {', '.join(names)}; choose another folder "
            "(hydra.run.dir=...), or pass output.overwrite=true to replace them")


# --------------------------------------------------------------------------- owning a folder

def _process_start(pid: int) -> str | None:
    """When process ``pid`` started (Linux: field 22 of /proc/PID/stat), to tell it from a
    later process with the same id; None where it cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(owner: Mapping[str, Any]) -> bool:
    """Whether the process that wrote a lock still runs (True when it cannot be told)."""
    if owner.get("host") != socket.gethostname():
        return True
    try:
        pid = int(owner.get("pid", -1))
    except (TypeError, ValueError):
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    started = owner.get("pid_start")
    return started is None or started == _process_start(pid)


@dataclass
class Claim:
    """A folder this process owns until the claim ends: ``cleaned`` lists what an
    interrupted run had left there and was removed."""

    path: Path
    cleaned: list[str] = field(default_factory=list)


def _lock_owner(folder: Path) -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "pid_start": _process_start(os.getpid()),
            "since_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": [Path(sys.argv[0]).name, *sys.argv[1:]]}


def _take_lock(folder: Path) -> bool:
    """Create ``folder/.akimsim.lock``; False when this process holds it already.

    A lock left by a process that no longer runs (same host) is taken over; one held by
    a live process (or one on another host) raises :class:`OutputError` naming it.
    """
    lock = folder / LOCK
    me = _lock_owner(folder)
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            owner = read_json(lock) or {}
            if all(owner.get(k) == me[k] for k in ("pid", "host", "pid_start")):
                return False  # this process claimed it already (a sweep job, then its run)
            if owner and _alive(owner):
                raise FolderBusy(
                    f"{folder} is being written by another akimsim run (pid {owner.get('pid')} "
                    f"on {owner.get('host')}, since {owner.get('since_utc')}: "
                    f"{' '.join(map(str, owner.get('command') or []))}); wait for it to end "
                    f"or choose another folder. If no such run is going on, delete {lock}"
                ) from None
            stale = lock.with_name(f"{LOCK}.stale-{uuid.uuid4().hex[:8]}")
            with contextlib.suppress(FileNotFoundError):
                os.replace(lock, stale)
                stale.unlink()
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(me) + "\n")
        return True
    raise OutputError(f"{folder}: could not take {LOCK} (other runs keep taking it)")


def remove_leftovers(folder: Path) -> list[str]:
    """Remove what interrupted writes left in ``folder`` (temporary folders and files,
    a dead run's renamed lock); returns their names. Only call it while owning the
    folder: another live run's temporary files look the same."""
    found = sorted([*folder.glob(f"{PARTIAL_PREFIX}*"), *folder.glob(".*.partial"),
                    *folder.glob(f"{LOCK}.stale-*")])
    for left in found:
        if left.is_dir():
            shutil.rmtree(left, ignore_errors=True)
        else:
            left.unlink(missing_ok=True)
    return [left.name for left in found]


def _folder_error(action: str, folder: Path, exc: OSError) -> OutputError:
    if isinstance(exc, FileExistsError | NotADirectoryError):
        why = "a file is in the way (the path or one of its parents is a file)"
    elif isinstance(exc, PermissionError):
        why = "permission denied"
    else:
        why = exc.strerror or str(exc)
    return OutputError(f"cannot {action} the output folder {folder}: {why}")


@contextlib.contextmanager
def claim_folder(out_dir: str | Path, *, overwrite: bool = False,
                 refuse_results: bool = True) -> Iterator[Claim]:
    """Own ``out_dir`` for the duration of a run, checked before any work is done.

    Creates the folder, takes its lock (:data:`LOCK`, naming another run that holds it),
    removes what an interrupted run left there, and, with ``refuse_results``, refuses a
    folder that already holds results unless ``overwrite``. Every failure is an
    :class:`OutputError` naming the folder.
    """
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _folder_error("create", folder, exc) from None
    if not folder.is_dir():
        raise OutputError(f"the output folder {folder} is not a folder")
    try:
        owned = _take_lock(folder)
    except OSError as exc:
        raise _folder_error("write to", folder, exc) from None
    try:
        claim = Claim(folder, remove_leftovers(folder))
        old = results_in(folder)
        if refuse_results and old and not overwrite:
            raise OutputError(_holds_results(folder, old))
        yield claim
    finally:
        if owned:
            (folder / LOCK).unlink(missing_ok=True)


def write_json_atomic(path: str | Path, obj: Any) -> Path:
    """Write ``obj`` as JSON to ``path`` whole or not at all (temporary file, then rename)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, indent=2, default=str) + "\n"
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial")
    try:
        with tmp.open("x") as fh:  # the usual permissions, unlike mkstemp's 0600
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def base_manifest(config: dict[str, Any], seed: int) -> dict[str, Any]:
    """The parts of a manifest known before a run: config, seed, versions, revision."""
    return {
        "tool": "akimsim",
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
        "seed": seed,
        "config": config,
        "versions": package_versions(),
        "git": git_revision(),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
    }

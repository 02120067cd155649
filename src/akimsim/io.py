"""Results on disk: Parquet tables, PNG figures and a manifest, written whole or not at all."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from matplotlib.figure import Figure

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


def write_results(out_dir: str | Path, tables: dict[str, pd.DataFrame],
                  figures: dict[str, Figure], manifest: dict[str, Any],
                  types: dict[str, dict[str, pa.DataType]] | None = None) -> list[Path]:
    """Write ``<name>.parquet`` per table, ``<name>.png`` per figure and ``manifest.json``.

    ``types`` gives the Arrow type of named columns per table (:func:`write_parquet`).
    Everything is first written into a temporary folder inside ``out_dir``; only when
    all files exist are they moved into place, the manifest last. On any failure the
    temporary folder is removed and nothing new is left in ``out_dir``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".akimsim-partial-", dir=out))
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
        mpath = tmp / "manifest.json"
        mpath.write_text(json.dumps(full, indent=2, sort_keys=False, default=str) + "\n")
        final: list[Path] = []
        for p in [*written, mpath]:
            target = out / p.name
            os.replace(p, target)
            final.append(target)
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


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

"""Results are written whole or not at all."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from akimsim.io import write_parquet, write_results
from akimsim.metrics import TIES_TYPE


def test_all_files_and_a_manifest_with_checksums(tmp_path):
    fig = plt.figure()
    paths = write_results(tmp_path, {"a": pd.DataFrame({"x": [1, 2]})}, {"f": fig}, {"seed": 1})
    plt.close(fig)
    assert sorted(p.name for p in paths) == ["a.parquet", "f.png", "manifest.json"]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["seed"] == 1
    assert set(manifest["files"]) == {"a.parquet", "f.png"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.parquet", "f.png", "manifest.json"]


def test_a_failure_leaves_nothing_behind(tmp_path, monkeypatch):
    calls = {"n": 0}
    real = pq.write_table

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(pq, "write_table", flaky)
    tables = {"a": pd.DataFrame({"x": [1]}), "b": pd.DataFrame({"y": [2]})}
    with pytest.raises(OSError, match="disk full"):
        write_results(tmp_path / "out", tables, {}, {})
    assert list((tmp_path / "out").iterdir()) == []


def test_a_typed_list_column_keeps_its_type_when_every_list_is_empty(tmp_path):
    """A run without ties still writes ``ties`` as a list of tie records, so the tables
    of many runs concatenate and read back alike."""
    empty = pd.DataFrame({"x": [1, 2], "ties": [[], []]})
    write_parquet(empty, tmp_path / "e.parquet", {"ties": TIES_TYPE})
    assert pq.read_schema(tmp_path / "e.parquet").field("ties").type == TIES_TYPE
    tie = {"round": 1, "stage": "winner", "tied": [0, 1], "lots": [0.2, 0.7], "chosen": [1]}
    full = pd.DataFrame({"x": [1], "ties": [[tie]]})
    write_parquet(full, tmp_path / "f.parquet", {"ties": TIES_TYPE})
    back = pd.read_parquet(tmp_path / "f.parquet")
    (record,) = back["ties"][0]
    assert record["stage"] == "winner"
    assert list(record["tied"]) == [0, 1]
    assert list(record["chosen"]) == [1]
    assert pa.types.is_list(pq.read_schema(tmp_path / "f.parquet").field("ties").type)

"""Results are written whole or not at all."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from akimsim.io import write_results


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
    real = pd.DataFrame.to_parquet

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", flaky)
    tables = {"a": pd.DataFrame({"x": [1]}), "b": pd.DataFrame({"y": [2]})}
    with pytest.raises(OSError, match="disk full"):
        write_results(tmp_path / "out", tables, {}, {})
    assert list((tmp_path / "out").iterdir()) == []

"""Composing the shipped configs from Python gives exactly what the command line runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from akimsim.config import ConfigError, RegimeName, RunConfig
from akimsim.edge.hydra import compose, config_from_manifest, sweep_params


@pytest.mark.process
def test_compose_matches_the_manifest_of_a_command_line_run(tmp_path):
    overrides = ["territory=toy", "seed=3", "end_year=2014", "regimes.rural=direct",
                 "output.figures=false"]
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "akimsim", *overrides,
                           f"hydra.run.dir={out}"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    composed = compose(*overrides)
    assert isinstance(composed, RunConfig)
    assert composed.regimes.rural == RegimeName.direct
    assert config_from_manifest(out) == composed
    assert config_from_manifest(out / "manifest.json") == composed


def test_sweep_params_of_a_preset():
    params = sweep_params("experiment=regime_comparison")
    assert params["regimes.rural"] == "appointment,indirect,direct"
    assert params["seed"].startswith("range(")
    assert sweep_params("territory=toy") == {}


def test_a_broken_manifest_is_named(tmp_path):
    bad = tmp_path / "manifest.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="manifest"):
        config_from_manifest(bad)
    bad.write_text(json.dumps({"config": {"seed": -1}}))
    with pytest.raises(ConfigError, match="seed"):
        config_from_manifest(bad)

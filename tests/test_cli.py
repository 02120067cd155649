"""The command line end to end on the toy territory, and bad input that writes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.process  # every test here starts the command line

ENV = {**os.environ, "HYDRA_FULL_ERROR": "0", "PYTHONWARNINGS": "ignore"}


def akimsim(*args, cwd):
    return subprocess.run([sys.executable, "-m", "akimsim", *args], capture_output=True,
                          text=True, cwd=cwd, env=ENV, timeout=600, check=False)


def test_toy_run_writes_tables_figure_and_manifest(tmp_path):
    out = tmp_path / "run"
    proc = akimsim("territory=toy", "seed=7", f"hydra.run.dir={out}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["contests.parquet", "councils.parquet", "manifest.json", "offices.parquet",
                     "summary.parquet", "timeline.png"]
    assert (out / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["config"]["territory"]["source"] == "synthetic"
    assert manifest["config"]["regimes"]["schedule"][1]["year"] == 2021
    assert "numba" in manifest["versions"]
    assert "mesa" in manifest["versions"]
    assert "git" in manifest
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    contests = pd.read_parquet(out / "contests.parquet")
    assert {"year", "tier", "regime", "votes", "against_all", "winner_party", "margin", "enc",
            "winner_median_distance", "incumbent_reelected", "turnout"} <= set(contests.columns)
    summary = pd.read_parquet(out / "summary.parquet")
    assert set(summary.tier) == {"region", "district", "rural"}
    assert "rural" in proc.stdout
    assert "wrote 6 files" in proc.stdout


def test_regime_override_reaches_the_run(tmp_path):
    out = tmp_path / "run"
    proc = akimsim("territory=toy", "regimes.rural=appointment", "end_year=2016",
                   "output.figures=false", f"hydra.run.dir={out}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    contests = pd.read_parquet(out / "contests.parquet")
    assert set(contests[contests.tier == "rural"].regime) == {"appointment"}


BROKEN = "unit_id,name,tier,parent_id,voters\nR,Region,region,,100\nV,Village,rural,R,50\n"


# one case per kind of error the command line reports (each kind's cases are checked in
# process: tests/test_configs.py, test_model.py and test_territory.py)
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["regimes.rural=lottery"], "expected one of [appointment, indirect, direct]"),
        (["territory.scale=3"], "territory.scale = 3.0 is invalid: expected a share in (0, 1]"),
        (["territory.source=csv", "territory.path=BROKEN"],
         "line 3 (unit 'V'): a rural unit must lie in a district, but parent 'R' is a region"),
    ],
    ids=["composition", "config value", "territory table"],
)
def test_bad_input_fails_clearly_and_writes_nothing(tmp_path, args, needle):
    broken = tmp_path / "broken.csv"
    broken.write_text(BROKEN)
    out = tmp_path / "run"
    args = [a.replace("BROKEN", str(broken)) for a in args]
    proc = akimsim("territory=toy", *args, f"hydra.run.dir={out}", cwd=tmp_path)
    assert proc.returncode != 0
    assert needle in proc.stderr + proc.stdout
    assert not out.exists() or not any(out.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.csv"]


def test_help_lists_every_subcommand_with_an_example(tmp_path):
    from akimsim.edge.cli import HELP_COMMANDS, SUBCOMMANDS

    proc = akimsim("--help", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) < 40  # one screen, not Hydra's listing
    assert "== Configuration groups ==" not in proc.stdout
    for name in [*SUBCOMMANDS, "run"]:
        assert f"  {name} " in proc.stdout, name
    assert {name for name, _, _ in HELP_COMMANDS} == {*SUBCOMMANDS, "run"}
    assert all(example.startswith(f"akimsim {name}") for name, _, example in HELP_COMMANDS)
    assert "--hydra-help" in proc.stdout


def test_hydra_help_and_the_run_alias(tmp_path):
    hydra = akimsim("--hydra-help", cwd=tmp_path)
    assert hydra.returncode == 0, hydra.stderr
    assert "== Configuration groups ==" in hydra.stdout
    assert "territory" in hydra.stdout
    assert akimsim("run", "--help", cwd=tmp_path).stdout == hydra.stdout
    out = tmp_path / "run"
    proc = akimsim("run", "territory=toy", "end_year=2014", f"hydra.run.dir={out}",
                   "output.progress=false", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (out / "summary.parquet").exists()


def test_scenarios_lists_every_shipped_preset(tmp_path):
    from akimsim.edge.cli import PRESET_GROUPS
    from akimsim.edge.hydra import CONFIG_DIR

    proc = akimsim("scenarios", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    listed = proc.stdout.splitlines()
    for group in PRESET_GROUPS:
        for f in sorted((Path(CONFIG_DIR) / group).glob("*.yaml")):
            line = next((x for x in listed if x.strip().startswith(f.stem + " ")), None)
            assert line is not None, f"{group}/{f.name} not listed"
            assert "(no description)" not in line, f"{group}/{f.name} has no header comment"
    assert max(len(x) for x in listed) <= 100
    assert "+sweep=NAME" in proc.stdout


def test_a_preset_is_summarised_by_its_first_sentence(tmp_path):
    from akimsim.edge.cli import preset_summary

    f = tmp_path / "x.yaml"
    f.write_text("# @package _global_\n# Russia's governors: direct election. Two\n"
                 "# rounds.\n#   akimsim scenario=x\nrule: two_round\n")
    assert preset_summary(f) == "Russia's governors: direct election."
    assert preset_summary(f, width=12) == "Russia's..."
    (tmp_path / "y.yaml").write_text("rule: plurality\n")
    assert preset_summary(tmp_path / "y.yaml") == "(no description)"

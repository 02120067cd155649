"""Every experiment preset runs as a sweep on a shrunken territory, and its analysis
script turns the collected jobs into its tables and figures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "HYDRA_FULL_ERROR": "1", "PYTHONWARNINGS": "ignore"}

#: A synthetic territory just big enough for a 45-district pilot with districts left
#: over: 2 regions x 25 districts x 1 village, about 22,000 voters.
SHRUNKEN = ("territory=synthetic_region", "territory.regions=2",
            "territory.districts_per_region=25", "territory.villages_per_district=1",
            "territory.voters_per_village=150", "territory.district_centre_voters=250",
            "territory.region_centre_voters=500")
#: shorter timelines, still covering each analysis window (pilot 2023-, regions 2026-)
YEARS = {"regime_comparison": ("end_year=2022",), "reform_2021": ("end_year=2023",),
         "district_pilot_2023": ("end_year=2026",), "unification": ("end_year=2029",),
         "abroad": ("end_year=2023",)}

#: preset -> (figures the analysis writes, the arm column, arms expected)
PRESETS = {
    "regime_comparison": (["paired_differences.png"], "regimes.rural",
                          {"appointment", "indirect", "direct"}),
    "reform_2021": (["observed_vs_simulated.png", "rural_over_time.png"], None, None),
    "district_pilot_2023": (["paired_differences.png", "pilot_over_time.png"], None, None),
    "unification": (["paired_differences_region.png", "tiers.png"], "regimes",
                    {"kazakhstan_reform", "unification"}),
    "abroad": (["scenarios.png"], "scenario",
               {"kazakhstan", "uzbekistan", "kyrgyzstan", "russia"}),
}


def test_every_preset_has_a_folder_readme_and_script():
    presets = {p.stem for p in (ROOT / "configs" / "experiment").glob("*.yaml")}
    assert presets == set(PRESETS)
    for name in presets:
        folder = ROOT / "experiments" / name
        readme = (folder / "README.md").read_text()
        assert f"experiment={name}" in readme
        assert (folder / "analyze.py").is_file()
        for figure in PRESETS[name][0]:
            assert (folder / figure).is_file(), f"{name}: {figure} not committed"
        header = (ROOT / "configs" / "experiment" / f"{name}.yaml").read_text()
        assert f"akimsim -m experiment={name}" in header


@pytest.mark.process
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_sweeps_and_analyses_on_a_shrunken_territory(name, tmp_path):
    sweep = tmp_path / "sweep"
    proc = subprocess.run(
        [sys.executable, "-m", "akimsim", "-m", f"experiment={name}", *SHRUNKEN,
         *YEARS[name], "seed=range(0,2)", f"hydra.sweep.dir={sweep}"],
        capture_output=True, text=True, cwd=tmp_path, env=ENV, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = tmp_path / "analysis"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / name / "analyze.py"), str(sweep),
         "--out", str(out)],
        capture_output=True, text=True, cwd=tmp_path, env=ENV, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures, arm, arms = PRESETS[name]
    for figure in figures:
        assert (out / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "results.md").read_text().startswith("#")
    per_seed = pd.read_csv(out / "metrics_by_seed.csv")
    assert set(per_seed["seed"]) == {0, 1}
    if arm is not None:
        assert set(per_seed[arm]) == arms
    if (out / "paired_differences.csv").exists():
        diffs = pd.read_csv(out / "paired_differences.csv")
        assert (diffs["pairs"] <= 2).all()
        finite = diffs.dropna(subset=["difference", "ci_low", "ci_high"])
        assert len(finite) > 0
        assert np.all(finite["ci_low"] <= finite["difference"] + 1e-12)
        assert np.all(finite["difference"] <= finite["ci_high"] + 1e-12)

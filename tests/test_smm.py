"""Calibration by the simulated method of moments (issue 12): parameters checked
against the schema, the objective's parts by hand, the evaluations file (resume and
refusal), and a small calibration on the toy territory end to end."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from akimsim import RunConfig, kazakhstan_reform
from akimsim.calibration import parse_targets
from akimsim.calibration.params import (
    PARAMS_DIR,
    Param,
    ParamError,
    apply,
    check_params,
    current,
    load_params,
    parse_params_arg,
)
from akimsim.calibration.smm import (
    VARIANCE_FLOOR,
    CalibrationError,
    Problem,
    Store,
    calibrate,
    covariance,
    gaps,
    objective,
    write_calibration,
)
from akimsim.config import TerritoryConfig, TerritorySource, TurnoutMode

T = {"tier": "rural", "regime": "direct", "role": "calibration", "source": "s",
     "years": [2021, 2023]}


def _cfg() -> RunConfig:
    cfg = RunConfig(regimes=kazakhstan_reform(), end_year=2023,
                    territory=TerritoryConfig(source=TerritorySource.synthetic,
                                              districts_per_region=2))
    cfg.output.progress = False
    # the machinery's tests read turnout as the fixed mechanism makes it (a propensity of
    # 0.9, the start the tests name)
    cfg.behaviour.voters = replace(cfg.behaviour.voters, turnout_mode=TurnoutMode.fixed,
                                   propensity_logit_mean=0.9)
    return cfg


# ----------------------------------------------------------------------------- params

def test_params_are_checked_against_the_schema() -> None:
    cfg = _cfg()
    ok = check_params(parse_params_arg("behaviour.voters.admin_support=0:3,"
                                       "behaviour.maslikhats.size_district=5:25,"
                                       "behaviour.parties.1.attachment=0:0.2"), cfg)
    assert [p.path for p in ok] == ["behaviour.voters.admin_support",
                                    "behaviour.maslikhats.size_district",
                                    "behaviour.parties[1].attachment"]
    assert [p.integer for p in ok] == [False, True, False]
    before = cfg.behaviour.voters.admin_support
    moved = apply(cfg, ok, [2.5, 7.4, 0.1])
    assert moved.behaviour.voters.admin_support == 2.5
    assert moved.behaviour.maslikhats.size_district == 7  # whole seats
    assert moved.behaviour.parties[1].attachment == 0.1
    assert cfg.behaviour.voters.admin_support == before  # the base is not changed
    assert current(ok, cfg) == [before, 11.0, 0.05]
    for spec, says in [
            ("behaviour.voters.admin_suport=0:3", "did you mean behaviour.voters.admin_support"),
            ("behaviour.candidates.registration_rejection=0:1.5", "a probability in [0, 1]"),
            ("behaviour.voters.admin_support=3:0", "low below high"),
            ("behaviour.voters.admin_support=0:3,behaviour.voters.admin_support=1:2",
             "given twice"),
            ("regimes.initial=0:1", "not a number of the config")]:
        with pytest.raises(ParamError) as info:
            check_params(parse_params_arg(spec), cfg)
        assert says in str(info.value)
    with pytest.raises(ParamError, match="write PATH=LOW:HIGH"):
        parse_params_arg("behaviour.voters.admin_support=3")


def test_the_shipped_parameter_preset_fits_the_schema() -> None:
    params = check_params(load_params(PARAMS_DIR / "kazakhstan.yaml"), RunConfig())
    assert len(params) >= 5
    assert all(p.reason for p in params)
    assert all(p.low <= v <= p.high for p, v in zip(params, current(params, RunConfig()),
                                                     strict=True))


def test_a_parameters_file_with_a_bad_entry_names_it(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("- path: behaviour.voters.admin_support\n  low: 0\n  high: 3\n  colour: red\n")
    with pytest.raises(ParamError, match=r"entry 0 .* unknown field\(s\) colour"):
        load_params(f)
    f.write_text("- path: behaviour.voters.admin_support\n  low: 0\n")
    with pytest.raises(ParamError, match="entry 0 needs path, low and high"):
        load_params(f)


# ----------------------------------------------------------------------------- objective

def test_gaps_covariance_and_objective_by_hand() -> None:
    targets = parse_targets([
        {**T, "name": "a", "metric": "turnout", "observed": 0.8},
        {**T, "name": "b", "metric": "dominant_winner_share", "low": 0.75, "high": 0.86},
        {**T, "name": "c", "metric": "contests", "observed": 100}])
    g = gaps(np.array([0.7, 0.9, 100.0]), targets)
    np.testing.assert_allclose(g, [-0.1, 0.04, 0.0])
    assert gaps(np.array([0.8, 0.8, 90.0]), targets)[1] == 0.0  # inside the range
    per_seed = np.array([[0.70, 0.80, 100], [0.72, 0.84, 100], [0.74, 0.88, 100]])
    cov = covariance(per_seed, targets)
    assert cov[0, 0] == pytest.approx(0.0004)
    assert cov[1, 1] == pytest.approx(0.0016)
    # a moment that never varies gets the floor: 1 % of its figure, squared
    assert cov[2, 2] == pytest.approx((VARIANCE_FLOOR * 100) ** 2)
    assert cov[0, 1] == 0.0
    full = covariance(per_seed, targets, "full")
    # correlation 1 between a and b, shrunk by 0.3 toward 0
    assert full[0, 1] == pytest.approx(0.7 * 0.02 * 0.04)
    w = np.linalg.inv(cov)
    assert objective(np.array([0.7, 0.9, 100.0]), targets, w) == pytest.approx(
        0.01 / 0.0004 + 0.0016 / 0.0016)
    assert objective(np.array([math.nan, 0.9, 100.0]), targets, w) >= 1e12
    with pytest.raises(CalibrationError, match="at least two seeds"):
        covariance(per_seed[:1], targets)


def test_the_evaluations_file_resumes_and_refuses_another_problem(tmp_path: Path) -> None:
    path = tmp_path / "evaluations.jsonl"
    store = Store(path, {"params": [["a", 0, 1]], "seeds": [0, 1]})
    store.put([(0.5,)], [np.array([[1.0, math.nan], [2.0, 3.0]])])
    with path.open("a") as fh:
        fh.write('{"x": [0.7], "ru')  # a line cut short by a kill
    again = Store(path, {"params": [["a", 0, 1]], "seeds": [0, 1]})
    assert len(again) == 1
    np.testing.assert_array_equal(again.get([0.5]), [[1.0, math.nan], [2.0, 3.0]])
    assert again.get([0.7]) is None
    with pytest.raises(CalibrationError, match="differs in seeds"):
        Store(path, {"params": [["a", 0, 1]], "seeds": [0, 2]})
    path.write_text("not json\n")
    with pytest.raises(CalibrationError, match="not an akimsim evaluations file"):
        Store(path, {})


# ----------------------------------------------------------------------------- end to end

def _problem() -> Problem:
    cfg = _cfg()
    targets = parse_targets([
        {**T, "name": "turnout", "metric": "turnout", "observed": 0.7},  # direct, 2021-2023
        {**T, "name": "dominant", "metric": "dominant_winner_share", "observed": 0.6}])
    params = check_params([Param("behaviour.voters.propensity_logit_mean", -1.0, 3.0)], cfg)
    return Problem(cfg, tuple(params), tuple(targets), (0, 1))


def test_a_small_calibration_finds_the_turnout_and_resumes_exactly(tmp_path: Path) -> None:
    problem = _problem()
    budget = 2 * (1 + 2 * 10 + 2) + 2 * 10  # the start, two generations, the Jacobian
    first = calibrate(problem, budget=budget, out=tmp_path / "a")
    # the start's turnout (propensity 0.9) is far above 0.7; the fit comes close
    start_turnout = first.evaluations.iloc[0]["turnout"]
    assert start_turnout > 0.75
    assert abs(first.fit.set_index("name").loc["turnout", "simulated"] - 0.7) < 0.03
    assert first.estimate[0] < 0.9
    assert first.j_df == 1
    assert np.isfinite(first.se).all()
    est = first.estimates.set_index("param")
    assert est.loc["behaviour.voters.propensity_logit_mean", "pinned"]

    # kill half-way: keep the first half of the evaluations, run again
    lines = (tmp_path / "a" / "evaluations.jsonl").read_text().splitlines()
    (tmp_path / "b").mkdir()
    keep = len(lines) // 2
    (tmp_path / "b" / "evaluations.jsonl").write_text("\n".join(lines[:keep]) + "\n")
    again = calibrate(problem, budget=budget, out=tmp_path / "b")
    assert again.runs == first.runs - 2 * (keep - 1)  # the kept vectors are not rerun
    np.testing.assert_array_equal(again.estimate, first.estimate)
    pd.testing.assert_frame_equal(again.fit, first.fit)

    paths = write_calibration(first, tmp_path / "a", {"date": "today"})
    names = {p.name for p in paths}
    assert {"calibration.md", "estimates.csv", "calibration.png", "calibrated.yaml"} <= names
    preset = (tmp_path / "a" / "calibrated.yaml").read_text()
    assert f"propensity_logit_mean: {round(float(first.estimate[0]), 6)}" in preset
    assert "# Provenance:" in preset
    md = (tmp_path / "a" / "calibration.md").read_text()
    assert "Over-identification statistic J" in md


def test_a_budget_too_small_says_how_much_is_needed(tmp_path: Path) -> None:
    with pytest.raises(CalibrationError, match="needs at least 46 runs"):
        calibrate(_problem(), budget=10, out=tmp_path)


@pytest.mark.process
def test_calibrate_command_end_to_end_and_bad_input(tmp_path: Path) -> None:
    targets = tmp_path / "t.yaml"
    targets.write_text(json.dumps([
        {**T, "name": "turnout", "metric": "turnout", "years": [2021, 2021],
         "observed": 0.7}]))
    base = ["territory=synthetic_region", "end_year=2023", f"--targets={targets}", "--quiet",
            "--seeds=2", "--workers=1"]

    def akimsim(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "akimsim", "calibrate", *args],
                              cwd=tmp_path, capture_output=True, text=True, timeout=900,
                              check=False)

    done = akimsim(*base, "--params=behaviour.voters.propensity_logit_mean=-1:3",
                   "--budget=46", "--out=cal")
    assert done.returncode == 0, done.stderr
    assert "propensity_logit_mean" in done.stdout
    assert (tmp_path / "cal" / "calibrated.yaml").exists()
    for bad, says in [
            (["--params=behaviour.voters.admin_suport=0:3"], "did you mean"),
            (["--params=behaviour.voters.admin_support=0:3", "--budget=5"], "too small"),
            (["--params=nothing"], "not a preset"),
            ([], "--params is required"),
            (["--params=kazakhstan", "--seeds=1"], "--seeds must be at least 2")]:
        done = akimsim(*base, *bad, "--out=bad")
        assert done.returncode == 2, (bad, done.stderr)
        assert says in done.stderr
        assert "Traceback" not in done.stderr
    listed = akimsim("--list-params")
    assert listed.returncode == 0
    assert "behaviour.voters.admin_support" in listed.stdout

"""Targets as data, the named measures and the validation report (issue 12).

The measures are checked against a small contest table computed by hand; the targets
file's bad input against the messages it must give; the report end to end on the toy
territory, in process and as the ``akimsim validate`` command.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from akimsim import RunConfig, kazakhstan_reform
from akimsim.analysis.measures import COLUMNS, MEASURES, MeasureContext, describe, select
from akimsim.calibration import (
    DEFAULT_TARGETS,
    TargetError,
    evaluate,
    load_targets,
    parse_targets,
    simulate,
    summarise,
    write_report,
)
from akimsim.calibration.targets import check_against_run, select_roles
from akimsim.calibration.validation import context_of
from akimsim.config import TerritoryConfig, TerritorySource
from akimsim.world import build_territory

# ----------------------------------------------------------------------------- measures

def _row(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "year": 2021, "unit_id": "R1-D1-V1", "tier": "rural", "regime": "direct",
        "rule": "plurality", "kind": "regular", "status": "elected", "n_candidates": 0,
        "nominated": 0, "candidate_ids": [], "candidate_parties": [],
        "candidate_nominations": [], "votes": [], "against_all": 0, "electorate": 0,
        "ballots": 0, "turnout": math.nan, "winner_id": -1, "winner_dominant": False,
        "winner_nomination": "", "margin": math.nan, "incumbent_ran": False,
        "incumbent_reelected": False, "tie": False,
    }
    base.update(kw)
    return base


@pytest.fixture
def contests() -> pd.DataFrame:
    """Five contests whose measures are worked out by hand in the tests below."""
    return pd.DataFrame([
        # 1: rural direct 2021 in region R1; the dominant party's incumbent wins 50-30-10
        _row(n_candidates=3, nominated=4, candidate_ids=[1, 2, 3],
             candidate_parties=["Amanat", "non-party", "Auyl"],
             candidate_nominations=["party", "self", "party"], votes=[50, 30, 10],
             against_all=5, electorate=120, ballots=95, turnout=95 / 120, winner_id=1,
             winner_dominant=True, winner_nomination="party", margin=20 / 95,
             incumbent_ran=True, incumbent_reelected=True),
        # 2: rural direct 2021 in region R2; a self-nominee beats the incumbent by one vote
        _row(unit_id="R2-D1-V1", n_candidates=2, nominated=2, candidate_ids=[4, 5],
             candidate_parties=["non-party", "Amanat"],
             candidate_nominations=["self", "party"], votes=[41, 40], against_all=2,
             electorate=100, ballots=83, turnout=83 / 100, winner_id=4,
             winner_nomination="self", margin=1 / 83, incumbent_ran=True),
        # 3: rural direct 2021, the only nominee rejected: no vote held
        _row(unit_id="R1-D1-V2", status="no_candidates", nominated=1, electorate=50),
        # 4: regional consent vote 2022: 30 of 40 deputies for the appointee
        _row(year=2022, unit_id="R1", tier="region", regime="appointment", rule="consent",
             status="appointed", n_candidates=2, nominated=2, candidate_ids=[7, 8],
             candidate_parties=["Amanat", "Amanat"],
             candidate_nominations=["party", "party"], votes=[30, 0], electorate=40,
             ballots=40, winner_id=7, winner_dominant=True, winner_nomination="party"),
        # 5: rural council 2013: a 6-6 tie broken for the incumbent
        _row(year=2013, unit_id="R2-D1-V1", regime="indirect", rule="council_majority",
             n_candidates=2, nominated=2, candidate_ids=[9, 10],
             candidate_parties=["Amanat", "Amanat"],
             candidate_nominations=["party", "party"], votes=[6, 6], electorate=12,
             ballots=12, winner_id=10, winner_dominant=True, winner_nomination="party",
             margin=0.0, incumbent_ran=True, incumbent_reelected=True, tie=True),
    ])


CTX = MeasureContext(dominant_party="Amanat", scale=0.1,
                     region_of={"R1": "R1", "R1-D1-V1": "R1", "R1-D1-V2": "R1",
                                "R2-D1-V1": "R2"},
                     region_names={"R1": "First Region", "R2": "Second Region"})


def _m(name: str, c: pd.DataFrame) -> float:
    return MEASURES[name](c, CTX)


def test_measures_of_the_direct_races_by_hand(contests: pd.DataFrame) -> None:
    d = select(contests, CTX, tier="rural", regime="direct", years=(2021, 2021))
    assert len(d) == 3
    assert _m("contests", d) == 3
    assert _m("turnout", d) == pytest.approx((95 + 83) / (120 + 100))  # no vote in race 3
    assert _m("candidates_per_post", d) == pytest.approx((3 + 2 + 0) / 3)
    assert _m("registered_share", d) == pytest.approx(5 / 7)
    assert _m("self_nominated_candidate_share", d) == pytest.approx(2 / 5)
    assert _m("dominant_nominee_share", d) == pytest.approx(2 / 3)  # Amanat, Auyl, Amanat
    assert _m("dominant_winner_share", d) == pytest.approx(1 / 2)
    assert _m("self_nominated_winner_share", d) == pytest.approx(1 / 2)
    assert _m("incumbent_reselected_share", d) == pytest.approx(1 / 2)
    assert _m("incumbent_winner_share", d) == pytest.approx(1 / 2)
    assert _m("new_winner_share", d) == pytest.approx(1 / 2)
    assert _m("no_winner_share", d) == pytest.approx(1 / 3)
    assert _m("winner_vote_share", d) == pytest.approx((50 / 95 + 41 / 83) / 2)
    assert _m("against_all_share", d) == pytest.approx(7 / 178)
    assert _m("one_vote_share", d) == pytest.approx(1 / 2)  # 41-40
    assert _m("margin", d) == pytest.approx((20 / 95 + 1 / 83) / 2)
    assert _m("electorate_per_post", d) == pytest.approx((120 + 100) / 2 / 0.1)
    assert _m("turnout_region_spread", d) == pytest.approx(83 / 100 - 95 / 120)
    assert math.isnan(_m("tie_share", d.iloc[:0]))
    assert _m("tie_share", d) == 0.0


def test_measures_of_councils_and_consent_by_hand(contests: pd.DataFrame) -> None:
    council = select(contests, CTX, regime="indirect", years=(2013, 2013))
    assert _m("tie_share", council) == 1.0
    assert _m("one_vote_share", council) == 1.0
    assert _m("winner_vote_share", council) == pytest.approx(0.5)
    assert _m("incumbent_winner_share", council) == 1.0
    assert math.isnan(_m("turnout", council))  # no popular vote
    consent = select(contests, CTX, tier="region", years=(2022, 2026))
    assert _m("consent_winner_share", consent) == pytest.approx(30 / 40)
    assert math.isnan(_m("consent_winner_share", council))


def test_the_turnout_slope_is_least_squares_on_the_log_electorate() -> None:
    sizes = np.array([100, 1000, 10000, 400])
    rates = np.array([0.9, 0.7, 0.5, 0.8])
    c = pd.DataFrame([_row(electorate=int(e), ballots=round(r * e), turnout=r)
                      for e, r in zip(sizes, rates, strict=True)])
    x = np.log(sizes)
    expected = np.polyfit(x, rates, 1)[0]
    assert _m("turnout_log_electorate_slope", c) == pytest.approx(expected)
    assert math.isnan(_m("turnout_log_electorate_slope", c.iloc[:2]))  # two points


def test_the_measures_read_only_columns_the_contest_table_has(contests: pd.DataFrame) -> None:
    from akimsim import AkimModel

    assert set(contests.columns) == set(COLUMNS)
    model = AkimModel(_toy()).run()
    assert set(COLUMNS) <= set(model.contest_table().columns)


def test_selection_by_region_id_or_name_and_kind(contests: pd.DataFrame) -> None:
    assert len(select(contests, CTX, region="R2")) == 2
    assert len(select(contests, CTX, region="second region")) == 2
    assert len(select(contests, CTX, kind="rerun")) == 0
    with pytest.raises(KeyError):
        select(contests, CTX, region="Atlantis")


def test_every_measure_is_defined_on_an_empty_selection(contests: pd.DataFrame) -> None:
    empty = contests.iloc[:0]
    for name, m in MEASURES.items():
        value = m(empty, CTX)
        assert (name == "contests" and value == 0) or math.isnan(value), name
    assert list(describe()["metric"]) == list(MEASURES)


# ----------------------------------------------------------------------------- targets

GOOD = {"name": "t", "metric": "turnout", "tier": "rural", "regime": "direct",
        "years": [2021, 2021], "observed": 0.79, "role": "calibration", "source": "s"}


@pytest.mark.parametrize(("change", "message"), [
    ({"metric": "turnuot"}, "metric 'turnuot' is not one of contests, turnout"),
    ({"tier": "oblast"}, "tier 'oblast' is not one of region, district, rural"),
    ({"regime": "elected"}, "regime 'elected' is not one of appointment, indirect, direct"),
    ({"kind": "early"}, "kind 'early' is not one of regular"),
    ({"role": "fit"}, "role 'fit' is not one of calibration, validation"),
    ({"years": [2022, 2021]}, "the first year is after the last"),
    ({"years": "2021"}, "years must be [first, last]"),
    ({"observed": None}, "give observed (a value) or low/high (a range)"),
    ({"observed": None, "low": 0.9, "high": 0.8}, "low 0.9 is above high 0.8"),
    ({"observed": 0.5, "low": 0.6, "high": 0.8}, "observed 0.5 lies outside its range"),
    ({"observed": "high"}, "observed must be a finite number"),
    ({"source": None}, "missing source"),
    ({"colour": "red"}, "unknown field(s) colour"),
])
def test_a_bad_target_names_its_entry_and_the_allowed_values(change: dict[str, object],
                                                             message: str) -> None:
    entry = {**GOOD, **change}
    entry = {k: v for k, v in entry.items() if v is not None}
    with pytest.raises(TargetError, match="entry 1 \\('t'\\)") as info:
        parse_targets([{**GOOD, "name": "ok"}, entry], "mine.yaml")
    assert message in str(info.value)
    assert str(info.value).startswith("mine.yaml: ")


def test_targets_must_be_a_list_with_unique_names(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="non-empty YAML list"):
        parse_targets({"turnout": 0.79})
    with pytest.raises(TargetError, match="already used by entry 0"):
        parse_targets([GOOD, GOOD])
    bad = tmp_path / "bad.yaml"
    bad.write_text("- name: [unclosed\n")
    with pytest.raises(TargetError, match="not valid YAML"):
        load_targets(bad)
    with pytest.raises(TargetError, match="cannot read"):
        load_targets(tmp_path / "missing.yaml")


def test_ranges_and_points() -> None:
    point, rng, upper = parse_targets([
        GOOD, {**GOOD, "name": "r", "observed": None, "low": 0.75, "high": 0.86},
        {**GOOD, "name": "u", "observed": -0.1, "high": 0.0}])
    assert (point.low, point.high, point.point) == (0.79, 0.79, 0.79)
    assert (rng.low, rng.high, rng.point) == (0.75, 0.86, pytest.approx(0.805))
    assert (upper.low, upper.high, upper.point) == (-math.inf, 0.0, -0.1)
    assert point.describe() == "rural direct 2021"


def test_the_window_and_region_are_checked_against_the_run() -> None:
    t = parse_targets([GOOD, {**GOOD, "name": "r", "region": "Atlantis"}])
    with pytest.raises(TargetError, match="outside the run's 2013-2020"):
        check_against_run(t, 2013, 2020, CTX)
    with pytest.raises(TargetError, match="region 'Atlantis' is not in the territory; its "
                                          "regions are R1 \\(First Region\\)"):
        check_against_run(t, 2013, 2030, CTX)


def test_the_shipped_targets_load_and_cover_both_roles() -> None:
    targets = load_targets()
    assert DEFAULT_TARGETS.exists()
    roles = {t.role for t in targets}
    assert roles == {"calibration", "validation"}
    assert all(t.source for t in targets)
    # district-tier figures are kept out of the project's targets
    # (docs/sources.md#kept-out-of-calibration)
    assert not [t.name for t in targets if t.tier == "district"]
    assert select_roles(targets, ["validation"]) == [t for t in targets
                                                     if t.role == "validation"]
    # every region they name is one of Kazakhstan's
    territory = build_territory(TerritoryConfig(scale=0.01))
    cfg = RunConfig(territory=TerritoryConfig(scale=0.01))
    check_against_run(targets, 2013, 2030, context_of(cfg, territory))


# ----------------------------------------------------------------------------- report

def test_summarise_by_hand() -> None:
    targets = parse_targets([GOOD, {**GOOD, "name": "r", "observed": None, "low": 0.5,
                                    "high": 0.6}])
    runs = pd.DataFrame({"run": [0, 1, 2], "seed": [0, 1, 2], "t": [0.7, 0.8, 0.9],
                         "r": [0.55, 0.55, 0.55]})
    table = summarise(runs, targets).set_index("name")
    t = 4.302652729749464  # Student's t, 2 degrees of freedom, 97.5 %
    assert table.loc["t", "simulated"] == pytest.approx(0.8)
    assert table.loc["t", "ci_low"] == pytest.approx(0.8 - t * 0.1 / math.sqrt(3))
    assert table.loc["t", "pred_high"] == pytest.approx(1.0)  # a share: clipped at 1
    assert table.loc["t", "pred_low"] == pytest.approx(0.8 - t * 0.1 * math.sqrt(4 / 3))
    assert table.loc["t", "rel_error"] == pytest.approx(0.01 / 0.79)
    assert bool(table.loc["t", "inside"])
    assert table.loc["r", "rel_error"] == 0.0  # inside the range
    assert bool(table.loc["r", "inside"])
    off = summarise(runs.assign(r=[0.7, 0.7, 0.7]), targets).set_index("name")
    assert off.loc["r", "rel_error"] == pytest.approx((0.7 - 0.6) / 0.55)
    assert not bool(off.loc["r", "inside"])  # zero spread: the interval is the point


def _toy(seed: int = 0) -> RunConfig:
    cfg = RunConfig(seed=seed, regimes=kazakhstan_reform(), end_year=2024,
                    territory=TerritoryConfig(source=TerritorySource.synthetic,
                                              districts_per_region=2))
    cfg.output.progress = False
    return cfg


TOY_TARGETS = [
    # direct rural races from 2021 (the toy's posts fall due in different years)
    {**GOOD, "name": "turnout_2021", "years": [2021, 2024]},
    {**GOOD, "name": "winners", "metric": "dominant_winner_share", "observed": None,
     "low": 0.75, "high": 0.86, "years": [2021, 2023]},
    {**GOOD, "name": "council_ties", "metric": "tie_share", "regime": "indirect",
     "years": [2013, 2020], "observed": 0.001, "role": "validation"},
]


def test_simulate_measures_each_seed_as_a_separate_run_would() -> None:
    from akimsim import AkimModel

    targets = parse_targets(TOY_TARGETS)
    runs = simulate(_toy(), targets, seeds=[0, 1])
    assert list(runs.columns) == ["run", "seed", "turnout_2021", "winners", "council_ties"]
    model = AkimModel(_toy(1)).run()
    alone = evaluate(model.contest_table(), targets, context_of(model.cfg, model.territory))
    assert runs.iloc[1][list(alone)].to_dict() == pytest.approx(alone)
    assert runs["turnout_2021"].between(0, 1).all()
    table = summarise(runs, targets)
    assert table["runs"].tolist() == [2, 2, 2]


def test_the_report_files(tmp_path: Path) -> None:
    targets = parse_targets(TOY_TARGETS)
    runs = pd.DataFrame({"run": [0, 1], "seed": [0, 1], "turnout_2021": [0.8, 0.82],
                         "winners": [0.9, 0.8], "council_ties": [0.0, 0.02]})
    paths = write_report(summarise(runs, targets), tmp_path, runs, {"seeds": "0-1"})
    assert [p.name for p in paths] == ["validation.md", "validation.csv", "validation.png",
                                       "runs.csv"]
    md = (tmp_path / "validation.md").read_text()
    assert "## Calibration targets" in md
    assert "## Validation targets" in md
    assert "| turnout_2021 (turnout) | rural direct 2021-2024 | 0.79 |" in md
    back = pd.read_csv(tmp_path / "validation.csv")
    assert back["name"].tolist() == ["turnout_2021", "winners", "council_ties"]


def _akimsim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "akimsim", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.process
def test_validate_command_end_to_end(tmp_path: Path) -> None:
    targets = tmp_path / "mine.yaml"
    targets.write_text(yaml.safe_dump(TOY_TARGETS))
    common = ["territory=synthetic_region", "end_year=2024", f"--targets={targets}",
              "--quiet"]
    done = _akimsim("validate", *common, "--seeds=2", "--workers=1", "--out=report",
                    cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "observed figures inside the 95 % predictive interval" in done.stdout
    table = pd.read_csv(tmp_path / "report" / "validation.csv")
    assert table["runs"].tolist() == [2, 2, 2]

    # a finished run, read back: the same values as the run of its seed
    run = _akimsim("territory=synthetic_region", "end_year=2024", "seed=1",
                   "hydra.run.dir=run", "output.figures=false", "output.progress=false",
                   cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    done = _akimsim("validate", "--run=run", f"--targets={targets}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    again = pd.read_csv(tmp_path / "run" / "validation" / "runs.csv")
    fresh = pd.read_csv(tmp_path / "report" / "runs.csv")
    assert again.loc[0, "turnout_2021"] == pytest.approx(fresh.loc[1, "turnout_2021"])

    # bad input stops before any run, in one line
    for bad, says in [
            ([*common, "--seeds=0"], "--seeds must be at least 1"),
            (["territory=synthetic_region", "end_year=2020", f"--targets={targets}"],
             "outside the run's 2013-2020"),
            (["--targets=nowhere.yaml"], "cannot read the targets file"),
            (["--run=run", "seed=3"], "config overrides (seed=3) do not apply"),
            (["--run=nowhere"], "not a folder"),
            (["territory.scale=2"], "territory.scale = 2.0 is invalid")]:
        done = _akimsim("validate", *bad, cwd=tmp_path)
        assert done.returncode == 2, (bad, done.stderr)
        assert says in done.stderr
        assert "Traceback" not in done.stderr
    # a run that ends before a target's years: stop, or leave the target out
    short = _akimsim("validate", "--run=run", f"--targets={targets}", "--skip-uncovered",
                     "--out=short", cwd=tmp_path)
    assert short.returncode == 0, short.stderr
    assert "left out" not in short.stderr  # the run covers every target
    done = _akimsim("validate", "territory=synthetic_region", "end_year=2020",
                    f"--targets={targets}", "--skip-uncovered", "--seeds=1", "--quiet",
                    "--out=short2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "left out 2 target(s) outside 2013-2020: turnout_2021, winners" in done.stderr
    assert pd.read_csv(tmp_path / "short2" / "validation.csv")["name"].tolist() == [
        "council_ties"]
    listed = _akimsim("validate", "--list-metrics", cwd=tmp_path)
    assert listed.returncode == 0
    assert "turnout_log_electorate_slope" in listed.stdout

"""``akimsim compare`` and ``akimsim report``: the plan from the command line, the
comparison's tables against the runs they come from, the report's files, and the
analyst's question (two-round district elections from 2025, direct regional elections
from 2027, swept over administrative support) run small through the command line."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from akimsim import AkimModel, toy_config
from akimsim.analysis.comparison import Comparison, analyse, answer_lines, write_comparison
from akimsim.analysis.report import Report
from akimsim.config import RegimeName
from akimsim.edge import compare

REFORM = ("'regimes.add=[{year:2025,tier:district,regime:null,rule:two_round},"
          "{year:2027,tier:region,regime:direct}]'")


def _plan(*argv: str) -> compare.Plan:
    args = compare.compare_parser().parse_args(list(argv))
    return compare.plan_from_args(args, list(argv))


# ------------------------------------------------------------------ the plan

def test_the_plan_reads_arms_sweeps_and_years_from_the_command_line(tmp_path):
    plan = _plan("territory=toy", "--scenario", REFORM, "--name", "reform", "--scenario",
                 "scenario=russia", "--sweep", "behaviour.voters.admin_support=0,1.2",
                 "--seeds", "4", "--years", "2025-2030", "--jobs", "2", "--out", str(tmp_path))
    assert plan.arms == [
        ("baseline", []),
        ("reform", ["regimes.add=[{year:2025,tier:district,regime:null,rule:two_round},"
                    "{year:2027,tier:region,regime:direct}]"]),
        ("russia", ["scenario=russia"])]
    assert plan.years == (2025, 2030)
    assert plan.sweep_keys() == ["behaviour.voters.admin_support"]
    assert plan.launcher == ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]
    args = plan.job_args("reform", tmp_path / "runs")
    assert args[:3] == ["-m", f"hydra.sweep.dir={tmp_path / 'runs' / 'reform'}",
                        "seed=range(0,4)"]
    assert "behaviour.voters.admin_support=0,1.2" in args
    assert plan.command.startswith("akimsim compare territory=toy --scenario")


@pytest.mark.parametrize(("argv", "message"), [
    (["--seeds", "3"], "at least one --scenario"),
    (["--scenario", "regimes.rural=direct", "--seeds", "1"], "at least 2"),
    (["--scenario", "regimes.rural=direct", "--sweep", "seed=0,1"], "--seeds"),
    (["--scenario", "regimes.rural=direct", "--sweep", "behaviour.voters.admin_support=1"],
     "at least two values"),
    (["--scenario", "regimes.rural=direct", "--years", "2030-2025"], "before the first"),
    (["--scenario", "regimes.rural=direct", "--name", "baseline"], "not 'baseline'"),
    (["--scenario", "a=1", "--scenario", "b=2", "--name", "x", "--name", "x"],
     "two scenarios are named"),
    (["--scenario", "behaviour.voters.admin_support=1",
      "--sweep", "behaviour.voters.admin_support=0,1"], "both swept and set"),
])
def test_bad_plans_are_one_clear_error(tmp_path, argv, message):
    with pytest.raises(compare.CompareError, match=message):
        _plan(*argv, "--out", str(tmp_path))


def test_a_bad_override_fails_before_any_run(tmp_path, capsys):
    status = compare.compare_main(["territory=toy", "--scenario", "regimes.rurl=direct",
                                   "--seeds", "2", "--out", str(tmp_path / "c")])
    assert status == 2
    err = capsys.readouterr().err
    assert "akimsim compare: error: arm 'scenario_1'" in err
    assert "rurl" in err
    assert not (tmp_path / "c" / "runs").exists()


# ------------------------------------------------------------------ the tables

@pytest.fixture(scope="module")
def two_arms():
    """Three seeds of the toy run, rural akims elected (baseline) or appointed."""
    contests, offices = [], []
    for arm, rural in (("baseline", None), ("appointed", RegimeName.appointment)):
        for seed in range(3):
            cfg = toy_config(seed=seed)
            cfg.end_year = 2026
            cfg.output.progress = False
            cfg.regimes.rural = rural
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = AkimModel(cfg).run()
            contests.append(model.contest_table().assign(arm=arm, seed=seed))
            offices.append(model.office_table().assign(arm=arm, seed=seed))
    return pd.concat(contests, ignore_index=True), pd.concat(offices, ignore_index=True)


def test_differences_are_the_mean_of_the_per_seed_differences(two_arms):
    contests, offices = two_arms
    spec = Comparison(arms=["baseline", "appointed"], reference="baseline",
                      years=(2021, 2026))
    tables = analyse(contests, offices, spec)
    per_seed, diffs = tables["metrics_by_seed"], tables["differences"]
    for metric in ("dominant_winner_share", "focus_on_voters", "competence"):
        wide = per_seed[per_seed["tier"] == "rural"].pivot(index="seed", columns="arm",
                                                            values=metric)
        d = (wide["appointed"] - wide["baseline"]).to_numpy()
        row = diffs[(diffs["tier"] == "rural") & (diffs["metric"] == metric)].iloc[0]
        assert row["difference"] == pytest.approx(d.mean())
        half = 4.302652729911275 * d.std(ddof=1) / np.sqrt(3)  # t(0.975, 2 df)
        assert row["ci_high"] - row["difference"] == pytest.approx(half)
        assert row["pairs"] == 3
    # turnout exists in the baseline only: no difference, but its own mean is kept
    row = diffs[(diffs["tier"] == "rural") & (diffs["metric"] == "turnout")].iloc[0]
    assert np.isnan(row["difference"])
    assert row["mean_reference"] == pytest.approx(
        per_seed[(per_seed["tier"] == "rural") & (per_seed["arm"] == "baseline")]
        ["turnout"].mean())
    assert set(diffs["origin"]) <= {"emerges", "assumption", "mixed", "input"}


def test_the_answer_names_only_differences_clear_of_zero():
    diffs = pd.DataFrame({
        "tier": ["rural", "rural", "district"], "arm": "b", "reference": "a",
        "metric": ["turnout", "enc", "turnout"], "difference": [0.1, -0.2, 0.05],
        "ci_low": [0.05, -0.5, 0.01], "ci_high": [0.15, 0.1, 0.09]})
    lines = answer_lines(diffs, Comparison(arms=["a", "b"], reference="a"))
    assert lines == ["**b**, district akims: turnout higher by 0.050.",
                     "**b**, rural akims: turnout higher by 0.100."]


def test_the_report_is_written_as_markdown_html_csv_and_excel(two_arms, tmp_path):
    contests, offices = two_arms
    spec = Comparison(arms=["baseline", "appointed"], reference="baseline",
                      question=["**appointed**: rural akims appointed"],
                      commands=["akimsim compare territory=toy ..."])
    result = write_comparison(contests, offices, spec, tmp_path)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    for heading in ("## The question", "## The answer", "## Paired differences by tier",
                    "### Rural akims", "## Reproduce"):
        assert heading in md
    assert "figures/differences_rural.png" in md
    assert (tmp_path / "figures" / "differences_rural.png").stat().st_size > 0
    # one self-contained page: figures embedded, nothing fetched from elsewhere
    assert page.count('src="data:image/png;base64,') == md.count("![")
    assert "http://" not in page
    assert "https://" not in page
    csv = pd.read_csv(tmp_path / "differences.csv")
    assert len(csv) == len(result["tables"]["differences"])
    book = pd.read_excel(tmp_path / "tables.xlsx", sheet_name=None)
    assert set(book) == {"metrics_by_seed", "differences"}
    assert len(book["differences"]) == len(csv)


def test_report_blocks_escape_html():
    r = Report("a <b> & c")
    r.text("**bold** and `x<y` and <script>")
    r.table(pd.DataFrame({"<th>": ["**+0.1** (a<b)"], "n": [1.23456]}))
    page = r.html()
    assert "<td><strong>+0.1</strong> (a&lt;b)</td>" in page
    assert "&lt;th&gt;" in page
    assert "1.235" in page
    assert "<title>a &lt;b&gt; &amp; c</title>" in page
    assert "<strong>bold</strong>" in page
    assert "<code>x&lt;y</code>" in page
    assert "<script>" not in page


# ----------------------------------------------------------- through the command line

def _akimsim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "akimsim", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=900, check=False,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


@pytest.mark.process
def test_the_analysts_question_in_one_command(tmp_path):
    """Two-round district elections from 2025 and direct regional ones from 2027, swept
    over administrative support: Kazakhstan at 1 % of its voters, two seeds."""
    out = tmp_path / "reform"
    argv = ["territory.scale=0.01", "--scenario", REFORM.strip("'"), "--name", "reform",
            "--sweep", "behaviour.voters.admin_support=0,2.4", "--seeds", "2",
            "--years", "2025-2030", "--jobs", "2", "--out", str(out), "--quiet"]
    proc = _akimsim("compare", *argv, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "open" in proc.stdout
    assert "report.html" in proc.stdout
    diffs = pd.read_csv(out / "differences.csv")
    assert set(diffs["arm"]) == {"reform"}
    assert set(diffs["behaviour.voters.admin_support"]) == {0.0, 2.4}
    assert set(diffs["tier"]) == {"region", "district", "rural"}
    assert (diffs["pairs"].dropna() <= 2).all()
    district = diffs[(diffs["tier"] == "district") & (diffs["metric"] == "runoff_share")]
    assert (district["mean_reference"] == 0).all()  # plurality in the baseline
    assert (district["mean_arm"] > 0).any()  # the reform's runoffs
    region = diffs[(diffs["tier"] == "region") & (diffs["metric"] == "turnout")]
    assert region["mean_reference"].isna().all()  # regions appointed in the baseline
    assert (region["mean_arm"] > 0).all()  # elected from 2027 under the reform
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## By region" in md
    assert "effect_against_parameter.png" in md
    regions = pd.read_csv(out / "region_differences.csv")
    assert regions["region_id"].nunique() == 20
    assert set(pd.read_excel(out / "tables.xlsx", sheet_name=None)) == {
        "metrics_by_seed", "differences", "region_metrics_by_seed", "region_differences"}
    # the report again from the runs gives the same tables (in-process: the command
    # line's akimsim report is tested on a plain sweep below)
    before = (out / "differences.csv").read_text()
    assert compare.report_main([str(out), "--out", str(tmp_path / "again")]) == 0
    assert (tmp_path / "again" / "differences.csv").read_text() == before


@pytest.mark.process
def test_report_on_a_plain_sweep(tmp_path):
    sweep = tmp_path / "sweep"
    proc = _akimsim("-m", f"hydra.sweep.dir={sweep}", "territory=toy", "end_year=2024",
                    "seed=0,1", "regimes.rural=direct,appointment", "output.figures=false",
                    "output.progress=false", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rep = _akimsim("report", str(sweep), "--arm", "regimes.rural", "--reference", "direct",
                   cwd=tmp_path)
    assert rep.returncode == 0, rep.stderr
    diffs = pd.read_csv(sweep / "report" / "differences.csv")
    assert set(diffs["arm"]) == {"rural=appointment"}
    assert set(diffs["reference"]) == {"rural=direct"}
    bad = _akimsim("report", str(sweep), "--arm", "seed", cwd=tmp_path)
    assert bad.returncode == 2
    assert "is not swept" in bad.stderr

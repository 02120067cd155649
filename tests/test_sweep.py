"""Sweeps: every launcher collects to the same table, resume, failures, and sweep.py itself.

The end-to-end tests run small sweeps of the toy territory (four jobs: two seeds from
``+sweep=seeds`` times two rural regimes from the command line) through the installed
``akimsim`` command. Ray runs on a private local instance bound to the loopback
interface (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` makes Ray use 127.0.0.1 as the
node address), without its dashboard and usage statistics.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from akimsim.edge import cli, sweep
from akimsim.edge.hydra import planned_jobs
from akimsim.io import write_results

_SCRIPT = Path(sys.executable).with_name("akimsim")
AKIMSIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "akimsim"]
ENV = {
    **os.environ,
    "HYDRA_FULL_ERROR": "0",
    "PYTHONWARNINGS": "ignore",
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",  # a local Ray on 127.0.0.1 only
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_DEDUP_LOGS": "0",
}
ENV.pop("AKIMSIM_THREADS", None)
SMALL = ["territory=toy", "start_year=2019", "output.figures=false", "output.progress=false"]
SWEEP = [*SMALL, "end_year=2024", "+sweep=seeds", "hydra.sweeper.params.seed='range(0,2)'",
         "regimes.rural=indirect,direct"]
LAUNCHERS = {
    "joblib": ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
    # address=local: always a new private instance, never a cluster already running here
    "ray": ["hydra/launcher=ray", "hydra.launcher.ray.init.address=local",
            "+hydra.launcher.ray.init.num_cpus=2",
            "+hydra.launcher.ray.init.include_dashboard=false"],
    "submitit_local": ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=10"],
}
PLUGINS = {"joblib": "hydra_plugins.hydra_joblib_launcher",
           "ray": "hydra_plugins.hydra_ray_launcher",
           "submitit_local": "hydra_plugins.hydra_submitit_launcher"}


def akimsim(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AKIMSIM, *args], capture_output=True, text=True, cwd=cwd, env=ENV,
                          timeout=timeout, check=False)


def multirun(sweep_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return akimsim("-m", *args, f"hydra.sweep.dir={sweep_dir}", cwd=cwd)


def sorted_by_overrides(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["seed", "regimes.rural"]
    return frame.sort_values(keys, kind="mergesort").reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The small sweep with Hydra's basic (sequential) launcher, and its collected tables."""
    base = tmp_path_factory.mktemp("reference")
    proc = multirun(base / "sweep", *SWEEP, cwd=base)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return base / "sweep", sweep.collect(base / "sweep", sweep.TABLES), proc


@pytest.mark.process
def test_sequential_sweep_collects_with_the_swept_values_as_typed_columns(reference):
    sweep_dir, frames, _ = reference
    jobs = frames["jobs"]
    assert list(jobs["job"]) == ["0", "1", "2", "3"]
    assert set(jobs["status"]) == {"complete"}
    summary = frames["summary"]
    assert list(summary.columns[:9]) == ["job", "seed", "territory", "start_year",
                                         "output.figures", "output.progress", "end_year",
                                         "sweep", "regimes.rural"]
    assert summary["seed"].dtype == "int64"
    assert summary["start_year"].dtype == "int64"
    assert summary["output.figures"].dtype == bool
    assert set(summary["sweep"]) == {"seeds"}
    # the file's seed range and the command line's regimes combine: 2 x 2 jobs
    combos = summary[["seed", "regimes.rural"]].drop_duplicates()
    assert sorted(map(tuple, combos.to_numpy().tolist())) == [
        (0, "direct"), (0, "indirect"), (1, "direct"), (1, "indirect")]
    for table in sweep.TABLES:
        assert len(frames[table]) == jobs[f"rows_{table}"].sum()
        one = pd.read_parquet(sweep_dir / "2" / f"{table}.parquet")
        part = frames[table][frames[table]["job"] == "2"].reset_index(drop=True)
        pd.testing.assert_frame_equal(part[list(one.columns)], one)
    # the contests table has a "rule" column: an override named so would become cfg.rule
    assert "rule" in frames["contests"].columns
    manifest = json.loads((sweep_dir / "1" / "manifest.json").read_text())
    assert manifest["sweep"]["job_num"] == 1
    assert "regimes.rural=direct" in manifest["sweep"]["overrides"]
    assert "seed=0" in manifest["sweep"]["overrides"]
    assert "regimes.rural=direct" in manifest["sweep"]["override_dirname"]
    assert manifest["sweep"]["launcher"].endswith("BasicLauncher")
    assert manifest["sweep"]["threads"] is None  # one job at a time keeps every core
    assert not list(sweep_dir.glob("*/failed.json"))


@pytest.mark.process
@pytest.mark.parametrize("launcher", [
    "joblib",
    "ray",
    pytest.param("submitit_local", marks=pytest.mark.slow),
])
def test_every_launcher_collects_to_the_same_tables(reference, launcher, tmp_path):
    if importlib.util.find_spec(PLUGINS[launcher]) is None:
        pytest.skip(f"{PLUGINS[launcher]} is not installed (pip install -e '.[cluster]')")
    _, expected, _ = reference
    sweep_dir = tmp_path / "sweep"
    proc = multirun(sweep_dir, *SWEEP, *LAUNCHERS[launcher], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    frames = sweep.collect(sweep_dir, sweep.TABLES)
    assert set(frames["jobs"]["status"]) == {"complete"}
    for table in sweep.TABLES:
        pd.testing.assert_frame_equal(sorted_by_overrides(frames[table]),
                                      sorted_by_overrides(expected[table]))
    record = json.loads((sweep_dir / "0" / "job.json").read_text())
    assert record["threads"] == 1  # two workers on two cores, or one CPU per Ray task


def complete_jobs(sweep_dir: Path) -> list[str]:
    return [d.name for d in sorted(sweep_dir.glob("[0-9]*"))
            if sweep.check_complete(d, verify_checksums=False)[0]]


def snapshot(job_dir: Path) -> dict[str, tuple[bytes, int]]:
    """A job folder's files as they are (a killed run's lock file is not a result: the
    next run into the folder removes it)."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in job_dir.iterdir()
            if p.name != ".akimsim.lock"}


@pytest.mark.process
def test_an_interrupted_sweep_completes_on_rerun_without_redoing_finished_jobs(tmp_path):
    sweep_dir = tmp_path / "sweep"
    n = 8
    args = ["-m", *SMALL, "end_year=2024", f"seed=range(0,{n})",
            f"hydra.sweep.dir={sweep_dir}"]
    proc = subprocess.Popen([*AKIMSIM, *args], cwd=tmp_path, env=ENV, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while len(complete_jobs(sweep_dir)) < 2 and proc.poll() is None:
            assert time.monotonic() < deadline, "the sweep made no progress"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    done = complete_jobs(sweep_dir)
    assert 1 <= len(done) < n, f"killed too late: {done}"
    before = {name: snapshot(sweep_dir / name) for name in done}

    frames = sweep.collect(sweep_dir, planned=planned_jobs(sweep_dir))
    status = dict(zip(frames["jobs"]["job"], frames["jobs"]["status"], strict=True))
    assert len(status) == n  # jobs never started are listed from multirun.yaml
    assert sorted(j for j, s in status.items() if s == "complete") == sorted(done)
    assert all(s == "incomplete" for j, s in status.items() if j not in done)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["collect", str(sweep_dir)])
    assert exit_info.value.code == 1

    again = akimsim(*args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert sorted(complete_jobs(sweep_dir), key=int) == [str(i) for i in range(n)]
    assert again.stdout.count("already complete") == len(done)
    for name in done:
        assert snapshot(sweep_dir / name) == before[name], f"job {name} was rerun"
    assert not list(sweep_dir.glob("*/.akimsim-partial-*"))
    assert not list(sweep_dir.glob("*/.akimsim.lock"))  # no lock outlives its run


@pytest.mark.process
def test_a_failing_job_leaves_the_others_and_is_reported_by_collect(tmp_path):
    sweep_dir = tmp_path / "sweep"
    proc = multirun(sweep_dir, *SMALL, "end_year=2021,2000,2022", cwd=tmp_path)
    assert proc.returncode != 0
    assert "end_year = 2000 is invalid" in proc.stderr
    assert complete_jobs(sweep_dir) == ["0", "2"]  # the job after the failure ran too
    failed = json.loads((sweep_dir / "1" / "failed.json").read_text())
    assert failed["error"]["type"] == "ConfigError"
    assert "end_year = 2000 is invalid" in failed["error"]["message"]
    assert "Traceback" in failed["error"]["traceback"]
    assert "end_year=2000" in failed["overrides"]
    assert failed["failed_utc"]
    assert not (sweep_dir / "1" / "manifest.json").exists()

    report = akimsim("collect", str(sweep_dir), "--tables", "summary,contests", cwd=tmp_path)
    assert report.returncode == 1, report.stderr
    assert "1 failed" in report.stdout
    assert "job 1" in report.stdout
    assert "end_year = 2000 is invalid" in report.stdout
    out = sweep_dir / "collected"
    assert sorted(p.name for p in out.iterdir()) == ["contests.parquet", "jobs.csv",
                                                     "jobs.parquet", "summary.parquet"]
    summary = pd.read_parquet(out / "summary.parquet")
    assert sorted(set(summary["job"])) == ["0", "2"]
    assert sorted(set(summary["end_year"])) == [2021, 2022]
    jobs = pd.read_csv(out / "jobs.csv")
    assert list(jobs["status"]) == ["complete", "failed", "complete"]
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["collect", str(sweep_dir), "--partial-ok", "--out", str(tmp_path / "c")])
    assert exit_info.value.code == 0

    # fix the bad value: the two finished jobs are kept, the failed one runs, no failed.json
    kept = {name: snapshot(sweep_dir / name) for name in ("0", "2")}
    fixed = multirun(sweep_dir, *SMALL, "end_year=2021,2023,2022", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stderr[-3000:]
    assert complete_jobs(sweep_dir) == ["0", "1", "2"]
    assert not (sweep_dir / "1" / "failed.json").exists()
    assert {name: snapshot(sweep_dir / name) for name in ("0", "2")} == kept


# --------------------------------------------------------------------------- collect: CLI

def test_collect_help_and_bad_input(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["collect", "--help"])
    assert exit_info.value.code == 0
    assert "MULTIRUN_DIR" in capsys.readouterr().out

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["collect", str(tmp_path / "nowhere")])
    assert exit_info.value.code == 2
    assert "does not exist" in capsys.readouterr().err

    (tmp_path / "empty" / "0").mkdir(parents=True)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["collect", str(tmp_path / "empty")])
    assert exit_info.value.code == 2
    assert "no job folders" in capsys.readouterr().err

    fake_job(tmp_path / "one" / "0", ["seed=0"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["collect", str(tmp_path / "one"), "--tables", "summary,votes"])
    assert exit_info.value.code == 2
    assert "unknown table(s) votes" in capsys.readouterr().err


# --------------------------------------------------------------------------- sweep.py units

def fake_job(job_dir: Path, overrides: list[str], *, seed: int = 0,
             config: dict | None = None, rows: int = 2) -> Path:
    """A job folder as the CLI writes it, with a tiny summary and a figure."""
    fig = plt.figure()
    try:
        summary = pd.DataFrame({"year": list(range(2020, 2020 + rows)),
                                "rule": ["plurality"] * rows,
                                "turnout": [0.5 + seed / 10] * rows})
        write_results(job_dir, {"summary": summary}, {"timeline": fig},
                      {"seed": seed, "config": config or {"seed": seed},
                       "timing_seconds": {"build": 0.5, "run": 1.0},
                       "rows": {"summary": rows},
                       "sweep": sweep.job_record(overrides, num=0)})
    finally:
        plt.close(fig)
    return job_dir


def test_check_complete_finds_missing_damaged_and_foreign_results(tmp_path):
    config = {"seed": 1, "territory": {"scale": 0.5}, "regimes": {"schedule": [{"year": 2021}]}}
    job = fake_job(tmp_path / "job", ["seed=1"], seed=1, config=config)
    assert sweep.check_complete(job) == (True, "complete")
    assert sweep.check_complete(job, config)[0]
    assert sweep.check_complete(job, {**config, "regimes": {"schedule": ({"year": 2021},)}})[0]
    assert sweep.check_complete(job, {**config, "regimes": {"schedule": [(2021,)]}})[0] is False
    changed = {**config, "territory": {"scale": 0.25}}
    assert sweep.check_complete(job, changed) == (
        False, "its config differs from this job's at territory.scale")

    summary = job / "summary.parquet"
    data = bytearray(summary.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other bytes
    summary.write_bytes(bytes(data))
    assert sweep.check_complete(job) == (False, "summary.parquet does not match its checksum")
    assert sweep.check_complete(job, verify_checksums=False)[0]
    summary.write_bytes(bytes(data[:-1]))
    assert "bytes, the manifest says" in sweep.check_complete(job)[1]
    summary.unlink()
    assert sweep.check_complete(job) == (False, "summary.parquet is missing")
    (job / "manifest.json").write_text("{not json")
    assert sweep.check_complete(job) == (False, "manifest.json is not readable JSON")
    (job / "manifest.json").unlink()
    assert sweep.check_complete(job) == (False, "no manifest.json")


def test_overrides_parse_into_typed_values():
    cols = sweep.override_columns([
        "seed=3", "territory.scale=0.5", "output.figures=False", "regimes.rural=direct",
        "+sweep=seeds", "++behaviour.voters.admin_support=0", "~rule.min_turnout",
        "x=null", "day=2019-01-01", "flag=on", "big=1e3", "many=[1,2]", "text='a b'",
        "territory=toy",
    ])
    assert cols == {
        "seed": 3, "territory.scale": 0.5, "output.figures": False, "regimes.rural": "direct",
        "sweep": "seeds", "behaviour.voters.admin_support": 0, "x": None,
        "day": "2019-01-01", "flag": "on", "big": 1000.0, "many": [1, 2], "text": "a b",
        "territory": "toy",
    }
    assert type(cols["seed"]) is int
    assert type(cols["output.figures"]) is bool
    assert sweep.parse_override("justaword") is None
    assert sweep.parse_value("${now:%H}") == "${now:%H}"


def test_job_threads_follow_the_launcher():
    joblib = "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher"
    ray = "hydra_plugins.hydra_ray_launcher.ray_launcher.RayLauncher"
    slurm = "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher"
    basic = "hydra._internal.core_plugins.basic_launcher.BasicLauncher"
    threads = sweep.job_threads
    assert threads({"_target_": joblib, "n_jobs": 2}, cpus=2, env={}) == 1
    assert threads({"_target_": joblib, "n_jobs": 2}, cpus=8, env={}) == 4
    assert threads({"_target_": joblib, "n_jobs": -1}, cpus=8, env={}) == 1
    assert threads({"_target_": joblib, "n_jobs": -2}, cpus=8, env={}) == 1
    assert threads({"_target_": joblib, "n_jobs": 1}, cpus=8, env={}) == 8
    assert threads({"_target_": ray, "ray": {"init": {}, "remote": {}}}, cpus=8, env={}) == 1
    assert threads({"_target_": ray, "ray": {"remote": {"num_cpus": 4}}}, cpus=8, env={}) == 4
    assert threads({"_target_": slurm, "cpus_per_task": 6}, cpus=64, env={}) == 6
    assert threads({"_target_": slurm, "cpus_per_task": None}, cpus=64,
                   env={"SLURM_CPUS_PER_TASK": "3"}) == 3
    assert threads({"_target_": slurm}, cpus=64, env={}) == 1
    assert threads({"_target_": basic}, cpus=8, env={}) is None
    assert threads(None, cpus=8, env={}) is None
    assert threads({"_target_": joblib, "n_jobs": 2}, cpus=8, env={"AKIMSIM_THREADS": "3"}) == 3
    with pytest.raises(ValueError, match="AKIMSIM_THREADS"):
        threads(None, env={"AKIMSIM_THREADS": "many"})
    with pytest.raises(ValueError, match="AKIMSIM_THREADS"):
        threads(None, env={"AKIMSIM_THREADS": "0"})


def test_set_threads_changes_numba_and_is_capped():
    import numba

    start = numba.get_num_threads()
    try:
        assert sweep.set_threads(1) == 1
        assert sweep.set_threads(10_000) == numba.config.NUMBA_NUM_THREADS
        assert sweep.set_threads(None) == numba.config.NUMBA_NUM_THREADS
    finally:
        numba.set_num_threads(start)


def test_start_job_drops_what_it_replaces_and_failures_are_recorded(tmp_path):
    job = fake_job(tmp_path / "job", ["seed=0"])
    (job / ".akimsim-partial-abc").mkdir()
    (job / ".manifest.json.1.x.partial").write_text("half")
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        sweep.write_failure(job, exc, sweep.job_record(["seed=0"], num=4))
    failed = json.loads((job / "failed.json").read_text())
    assert failed["error"]["type"] == "RuntimeError"
    assert failed["error"]["message"] == "boom"
    assert 'raise RuntimeError("boom")' in failed["error"]["traceback"]
    assert failed["job_num"] == 4
    record = sweep.job_record(["seed=0"], num=4)
    sweep.start_job(job, record)
    names = sorted(p.name for p in job.iterdir())
    assert names == ["job.json", "summary.parquet", "timeline.png"]
    assert json.loads((job / "job.json").read_text())["overrides"] == ["seed=0"]
    sweep.write_failure(job, ValueError("again"))
    sweep.finish_job(job)
    assert not (job / "failed.json").exists()


def test_collect_types_columns_renames_clashes_and_lists_every_job(tmp_path):
    root = tmp_path / "sweep"
    fake_job(root / "0", ["seed=0", "rule=two_round", "w=1"], seed=0)
    fake_job(root / "1", ["seed=1", "rule=borda", "w=2.5"], seed=1, rows=3)
    fake_job(root / "10", ["seed=2", "rule=borda", "w=x"], seed=2)
    failed = root / "2"
    failed.mkdir()
    sweep.write_failure(failed, KeyError("nope"), sweep.job_record(["seed=3", "rule=copeland"]))
    damaged = fake_job(root / "3", ["seed=4", "rule=borda", "w=1"], seed=4)
    (damaged / "timeline.png").unlink()
    (root / ".submitit" / "99").mkdir(parents=True)
    planned = [("0", ["seed=0", "rule=two_round", "w=1"]), ("1", ["seed=1", "rule=borda", "w=2.5"]),
               ("2", ["seed=3", "rule=copeland"]), ("3", ["seed=4", "rule=borda", "w=1"]),
               ("4", ["seed=5", "rule=borda", "w=1"])]  # job 10: from an earlier sweep

    frames = sweep.collect(root, ["summary"], out=root / "collected", planned=planned)
    summary = frames["summary"]
    assert list(summary.columns) == ["job", "seed", "cfg.rule", "w", "year", "rule", "turnout"]
    assert list(summary["job"]) == ["0", "0", "1", "1", "1", "10", "10"]  # natural order
    assert list(summary["seed"]) == [0, 0, 1, 1, 1, 2, 2]
    assert list(summary["w"]) == ["1", "1", "2.5", "2.5", "2.5", "x", "x"]  # mixed: as text
    assert set(summary["rule"]) == {"plurality"}
    jobs = frames["jobs"].set_index("job")
    assert list(jobs.index) == ["0", "1", "2", "3", "4", "10"]
    assert jobs.loc["2", "status"] == "failed"
    assert jobs.loc["2", "error"] == "KeyError: 'nope'"
    assert jobs.loc["2", "cfg.rule"] == "copeland"
    assert jobs.loc["3", "status"] == "incomplete"
    assert jobs.loc["3", "error"] == "timeline.png is missing"
    assert jobs.loc["4", "status"] == "incomplete"
    assert "never started" in jobs.loc["4", "error"]
    assert jobs.loc["4", "seed"] == 5
    assert jobs.loc["1", "rows_summary"] == 3
    assert jobs.loc["1", "run_seconds"] == 1.5
    written = sorted(p.name for p in (root / "collected").iterdir())
    assert written == ["jobs.csv", "jobs.parquet", "summary.parquet"]
    pd.testing.assert_frame_equal(pd.read_parquet(root / "collected" / "summary.parquet"),
                                  summary)
    text = sweep.report(frames["jobs"], root)
    assert text.splitlines()[0].endswith("3 complete, 1 failed, 2 incomplete")
    assert "job 2 [seed=3 rule=copeland]: KeyError: 'nope'" in text

    with pytest.raises(sweep.SweepError, match="unknown table"):
        sweep.collect(root, ["ballots"])
